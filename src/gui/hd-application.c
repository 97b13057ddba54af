/* hd-application.c — the Helpdesk application
 *
 * The application, not a window, shows a person's alerts: it owns one
 * HdAlertWatcher, for the file the window that opened a helpdesk last has
 * open. When that window closes the helpdesk, the watcher follows another
 * window's file, or stops, unless Helpdesk runs in the background (the
 * run-in-background setting, or started with --background): then the
 * application holds itself once, outlives its windows and watches the last
 * file on. Launched again, it opens a window.
 *
 * The mail goes the same way: the application owns one HdMailFetcher per
 * helpdesk file, shared by every window on that file, and, while Helpdesk
 * runs in the background, keeps the one of the file it watches for alerts,
 * so that the mail is fetched and sent with no window open. Quitting
 * cancels the runs under way and waits a little for them to let go of the
 * mail lease, so that another desk takes over at once rather than when
 * the lease runs out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "hd-alert-watcher.h"
#include "hd-application.h"
#include "hd-notifier.h"
#include "hd-preferences-window.h"
#include "hd-store-async.h"
#include "hd-window.h"

struct _HdApplication
{
  AdwApplication  parent_instance;

  /* owned */
  GSettings      *settings;
  HdNotifier     *notifier;
  HdAlertWatcher *watcher;
  HdMailFetcher  *fetcher;         /* the watched file's, while held */

  /* borrowed: path → HdMailFetcher, removed when it is finalized */
  GHashTable     *fetchers;
  guint           sigterm_source;

  int             quiet_start;     /* minutes from midnight; equal: none */
  int             quiet_end;
  gboolean        opening_files;
  gboolean        background;      /* --background: whatever the setting says */
  gboolean        start_hidden;    /* --background: no window at first */
  gboolean        held;            /* the one hold of running in the background */
};

G_DEFINE_FINAL_TYPE (HdApplication, hd_application, ADW_TYPE_APPLICATION)

/* How long quitting waits for a cancelled mail run to let go of the file
 * and the lease. */
#define FETCHERS_STOP_MS 5000

static HdWindow *
get_window (HdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (hd_window_new (self, self->settings));
      if (!g_application_get_is_remote (G_APPLICATION (self)) && self->opening_files == FALSE)
        hd_window_open_default (HD_WINDOW (window));
    }

  return HD_WINDOW (window);
}

/* Fetching the mail */

static void
fetcher_finalized_cb (gpointer  data,
                      GObject  *fetcher)
{
  HdApplication *self = data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->fetchers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == (gpointer) fetcher)
      {
        g_hash_table_iter_remove (&iter);
        return;
      }
}

/* In the background, the watched file's mail is fetched as if a window
 * had it open. */
static void
update_fetcher (HdApplication *self)
{
  g_autoptr(HdMailFetcher) fetcher = NULL;

  if (self->held && self->watcher != NULL)
    fetcher = hd_application_dup_fetcher (self, hd_alert_watcher_get_path (self->watcher),
                                          hd_alert_watcher_get_login (self->watcher));
  g_set_object (&self->fetcher, fetcher);
}

static gboolean
give_up_cb (gpointer data)
{
  gboolean *gave_up = data;

  *gave_up = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
any_running (GPtrArray *fetchers)
{
  for (guint i = 0; i < fetchers->len; i++)
    if (hd_mail_fetcher_is_running (g_ptr_array_index (fetchers, i)))
      return TRUE;
  return FALSE;
}

/* Quitting: a pass cancelled returns at once from the network, and lets
 * go of the lease on its way out (hd-mail-loop.c) — unless the process
 * ends first. A file that does not answer is not waited for long: the
 * lease then runs out by itself. */
static void
stop_fetchers (HdApplication *self)
{
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean gave_up = FALSE;
  GHashTableIter iter;
  gpointer fetcher;
  guint timeout;

  g_clear_object (&self->fetcher);
  g_hash_table_iter_init (&iter, self->fetchers);
  while (g_hash_table_iter_next (&iter, NULL, &fetcher))
    {
      hd_mail_fetcher_stop (fetcher);
      if (hd_mail_fetcher_is_running (fetcher))
        g_ptr_array_add (running, g_object_ref (fetcher));
    }
  if (running->len == 0)
    return;

  timeout = g_timeout_add (FETCHERS_STOP_MS, give_up_cb, &gave_up);
  while (!gave_up && any_running (running))
    g_main_context_iteration (NULL, TRUE);
  if (!gave_up)
    g_source_remove (timeout);
}

static gboolean
sigterm_cb (gpointer data)
{
  /* The session ends (logout): quit as from the menu, so that the mail
   * lease is let go of. */
  g_application_quit (G_APPLICATION (data));
  return G_SOURCE_CONTINUE;
}

/* Running in the background */

static void
update_hold (HdApplication *self)
{
  gboolean wanted = self->background ||
                    g_settings_get_boolean (self->settings, "run-in-background");

  if (wanted == self->held)
    return;

  self->held = wanted;
  if (wanted)
    {
      g_application_hold (G_APPLICATION (self));
      update_fetcher (self);
      return;
    }

  g_application_release (G_APPLICATION (self));
  /* The file last watched may be open in no window any more. */
  hd_application_unwatch (self, NULL);
  update_fetcher (self);
}

/* $HELPDESK_QUIET_HOURS (HH:MM-HH:MM), for scripts and tests, else the
 * settings. */
static void
update_quiet_hours (HdApplication *self)
{
  const char *env = g_getenv ("HELPDESK_QUIET_HOURS");

  self->quiet_start = self->quiet_end = 0;
  if (env != NULL && env[0] != '\0')
    {
      if (!hd_quiet_hours_parse (env, &self->quiet_start, &self->quiet_end))
        g_message ("HELPDESK_QUIET_HOURS is not HH:MM-HH:MM: %s", env);
    }
  else if (g_settings_get_boolean (self->settings, "quiet-hours-enabled"))
    {
      self->quiet_start = g_settings_get_int (self->settings, "quiet-hours-start");
      self->quiet_end = g_settings_get_int (self->settings, "quiet-hours-end");
    }

  if (self->watcher != NULL)
    hd_alert_watcher_set_quiet_hours (self->watcher, self->quiet_start, self->quiet_end);
}

static void
settings_changed_cb (HdApplication *self,
                     const char    *key)
{
  if (g_str_equal (key, "run-in-background"))
    update_hold (self);
  else if (g_str_has_prefix (key, "quiet-hours-"))
    update_quiet_hours (self);
}

/* Started in the background: the file a window would open. */
static void
watch_default (HdApplication *self)
{
  g_autofree char *last = g_settings_get_string (self->settings, "last-database");
  g_autofree char *path = NULL;
  const char *env = g_getenv ("HELPDESK_DB");

  /* As hd_window_open_default(): $HELPDESK_DB wins, empty is unset. */
  if ((env == NULL || env[0] == '\0') && last[0] != '\0')
    path = g_steal_pointer (&last);
  else
    path = hd_store_default_path ();

  hd_application_watch (self, path, NULL);
}

/* Actions */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  HdApplication *self = user_data;
  const char *developers[] = { "Helpdesk developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Helpdesk"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("Helpdesk developers"),
                        "developers", developers,
                        "website", "https://github.com/helpdesk/helpdesk",
                        "issue-url", "https://github.com/helpdesk/helpdesk/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "comments", _("A help desk for small offices: one file, no server."),
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  HdApplication *self = user_data;
  HdWindow *window = get_window (self);
  GtkWidget *preferences;

  preferences = hd_preferences_window_new (GTK_WINDOW (window), self->settings,
                                           hd_window_get_path (window));
  if (hd_window_get_store (window) != NULL)
    hd_preferences_window_add_helpdesk (HD_PREFERENCES_WINDOW (preferences),
                                        hd_window_get_store (window));
  gtk_window_present (GTK_WINDOW (preferences));
}

/* From a notification: the ticket, in the window. */
static void
show_ticket_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  HdApplication *self = user_data;
  GtkApplication *app = GTK_APPLICATION (self);
  HdWindow *window;

  /* From the background: the file the alert came from. */
  if (gtk_application_get_active_window (app) == NULL && self->watcher != NULL)
    {
      self->opening_files = TRUE;
      window = get_window (self);
      self->opening_files = FALSE;
      hd_window_open_file (window, hd_alert_watcher_get_path (self->watcher));
    }
  else
    window = get_window (self);

  hd_window_show_ticket (window, g_variant_get_int64 (parameter));
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "show-ticket", show_ticket_activated, "x" },
  { "about", about_activated },
  { "preferences", preferences_activated },
};

/* GApplication */

/* --background: start without a window, or, when Helpdesk runs already,
 * do nothing (a plain launch would open a window there). */
static int
hd_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  HdApplication *self = HD_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (!g_variant_dict_contains (options, "background"))
    return -1;

  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_application_get_is_remote (app))
    return 0;

  self->background = TRUE;
  self->start_hidden = TRUE;
  update_hold (self);
  return -1;
}

static void
hd_application_activate (GApplication *app)
{
  HdApplication *self = HD_APPLICATION (app);

  if (self->start_hidden)
    {
      self->start_hidden = FALSE;
      watch_default (self);
      return;
    }

  gtk_window_present (GTK_WINDOW (get_window (self)));
}

static void
hd_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  HdApplication *self = HD_APPLICATION (app);
  HdWindow *window;
  g_autofree char *path = g_file_get_path (files[0]);

  if (self->start_hidden)
    {
      self->start_hidden = FALSE;
      if (path != NULL)
        hd_application_watch (self, path, NULL);
      return;
    }

  self->opening_files = TRUE;
  window = get_window (self);
  self->opening_files = FALSE;

  if (path != NULL)
    hd_window_open_file (window, path);
  gtk_window_present (GTK_WINDOW (window));
}

static void
hd_application_startup (GApplication *app)
{
  HdApplication *self = HD_APPLICATION (app);
  const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.new-ticket", { "<Control>n", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.knowledge-base", { "<Control>k", NULL } },
    { "win.reload", { "F5", "<Control>r", NULL } },
    { "win.open-file", { "<Control>o", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (hd_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->sigterm_source = g_unix_signal_add (SIGTERM, sigterm_cb, self);
  update_quiet_hours (self);
  update_hold (self);
}

static void
hd_application_shutdown (GApplication *app)
{
  HdApplication *self = HD_APPLICATION (app);

  g_clear_handle_id (&self->sigterm_source, g_source_remove);
  g_clear_object (&self->watcher);
  stop_fetchers (self);

  G_APPLICATION_CLASS (hd_application_parent_class)->shutdown (app);

  if (self->held)
    {
      self->held = FALSE;
      g_application_release (app);
    }
}

/* GtkApplication */

/* A window closes: it is no longer its application's when it ends its
 * session, so the application stops watching its file here. */
static void
hd_application_window_removed (GtkApplication *app,
                               GtkWindow      *window)
{
  GTK_APPLICATION_CLASS (hd_application_parent_class)->window_removed (app, window);

  if (HD_IS_WINDOW (window))
    hd_application_unwatch (HD_APPLICATION (app), window);
}

static void
hd_application_dispose (GObject *object)
{
  HdApplication *self = (HdApplication *) object;
  GHashTableIter iter;
  gpointer fetcher;

  g_clear_object (&self->watcher);
  g_clear_object (&self->fetcher);
  /* A fetcher may outlive the application by the run it finishes. */
  g_hash_table_iter_init (&iter, self->fetchers);
  while (g_hash_table_iter_next (&iter, NULL, &fetcher))
    g_object_weak_unref (fetcher, fetcher_finalized_cb, self);
  g_hash_table_remove_all (self->fetchers);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);
  g_clear_object (&self->settings);
  g_clear_object (&self->notifier);

  G_OBJECT_CLASS (hd_application_parent_class)->dispose (object);
}

static void
hd_application_finalize (GObject *object)
{
  HdApplication *self = (HdApplication *) object;

  g_hash_table_unref (self->fetchers);

  G_OBJECT_CLASS (hd_application_parent_class)->finalize (object);
}

static void
hd_application_class_init (HdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = hd_application_dispose;
  object_class->finalize = hd_application_finalize;
  app_class->handle_local_options = hd_application_handle_local_options;
  app_class->activate = hd_application_activate;
  app_class->open = hd_application_open;
  app_class->startup = hd_application_startup;
  app_class->shutdown = hd_application_shutdown;
  gtk_app_class->window_removed = hd_application_window_removed;
}

static void
hd_application_init (HdApplication *self)
{
  /* Both profiles share one schema and one set of resources. */
  self->settings = g_settings_new ("io.github.helpdesk.Helpdesk");
  self->fetchers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_application_add_main_option (G_APPLICATION (self), "background", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE,
                                 _("Start without a window, to show notifications and fetch mail (as at login)"),
                                 NULL);
}

HdApplication *
hd_application_new (void)
{
  return g_object_new (HD_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/helpdesk/Helpdesk",
                       NULL);
}

GSettings *
hd_application_get_settings (HdApplication *self)
{
  g_return_val_if_fail (HD_IS_APPLICATION (self), NULL);
  return self->settings;
}

/**
 * hd_application_get_notifier:
 *
 * Returns: (transfer none): what shows this person's alerts on the desktop
 */
HdNotifier *
hd_application_get_notifier (HdApplication *self)
{
  g_return_val_if_fail (HD_IS_APPLICATION (self), NULL);

  if (self->notifier == NULL)
    self->notifier = hd_notifier_new (G_APPLICATION (self));

  return self->notifier;
}

/**
 * hd_application_watch:
 * @path: the helpdesk file a window opened
 * @login: (nullable): who opened it; %NULL for hd_store_current_login()
 *
 * Shows @login's alerts from @path from now on, instead of the file
 * watched so far.
 */
void
hd_application_watch (HdApplication *self,
                      const char    *path,
                      const char    *login)
{
  g_return_if_fail (HD_IS_APPLICATION (self));
  g_return_if_fail (path != NULL);

  if (login == NULL)
    login = hd_store_current_login ();

  if (self->watcher != NULL &&
      g_str_equal (hd_alert_watcher_get_path (self->watcher), path) &&
      g_str_equal (hd_alert_watcher_get_login (self->watcher), login))
    {
      hd_alert_watcher_check_now (self->watcher);
      update_fetcher (self);
      return;
    }

  g_clear_object (&self->watcher);
  /* Its first look opens the file, off this thread: the quiet hours set
   * right after are in place by then. */
  self->watcher = hd_alert_watcher_new (path, login, hd_application_get_notifier (self));
  hd_alert_watcher_set_quiet_hours (self->watcher, self->quiet_start, self->quiet_end);
  update_fetcher (self);
}

/**
 * hd_application_unwatch:
 * @window: (nullable): the window that closed its helpdesk, or is closing
 *
 * The helpdesk that @window had open is closed there: watch the file of
 * another window, or, with none, stop watching unless running in the
 * background.
 */
void
hd_application_unwatch (HdApplication *self,
                        GtkWindow     *window)
{
  g_return_if_fail (HD_IS_APPLICATION (self));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      g_autoptr(HdPerson) me = NULL;
      HdStore *store;

      if (l->data == (gpointer) window || !HD_IS_WINDOW (l->data))
        continue;

      store = hd_window_get_store (l->data);
      if (store != NULL)
        {
          me = hd_store_dup_me (store);
          hd_application_watch (self, hd_store_get_path (store), hd_person_get_login (me));
          return;
        }
    }

  if (!self->held)
    g_clear_object (&self->watcher);
}

/**
 * hd_application_dup_fetcher:
 * @path: a helpdesk file
 * @login: who acts on it (staff); the same for every window of one
 *   process, as hd_store_current_login() says
 *
 * The one fetcher of @path in this process: the running one, or a new
 * one, which starts at once. It lives while someone holds it — the windows
 * on @path, and the application itself for the watched file while it
 * runs in the background.
 *
 * Returns: (transfer full): the fetcher of @path
 */
HdMailFetcher *
hd_application_dup_fetcher (HdApplication *self,
                            const char    *path,
                            const char    *login)
{
  g_autofree char *key = NULL;
  HdMailFetcher *fetcher;

  g_return_val_if_fail (HD_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  /* One file named two ways ("./x", "x") is still one file. */
  key = g_canonicalize_filename (path, NULL);
  fetcher = g_hash_table_lookup (self->fetchers, key);
  if (fetcher != NULL)
    {
      hd_mail_fetcher_wake (fetcher);
      return g_object_ref (fetcher);
    }

  fetcher = hd_mail_fetcher_new (path, login);
  g_object_weak_ref (G_OBJECT (fetcher), fetcher_finalized_cb, self);
  g_hash_table_insert (self->fetchers, g_steal_pointer (&key), fetcher);
  return fetcher;
}

/**
 * hd_application_get_fetcher:
 *
 * Returns: (transfer none) (nullable): the fetcher of @path, if any
 */
HdMailFetcher *
hd_application_get_fetcher (HdApplication *self,
                            const char    *path)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (HD_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  key = g_canonicalize_filename (path, NULL);
  return g_hash_table_lookup (self->fetchers, key);
}

/**
 * hd_application_get_watcher:
 *
 * Returns: (transfer none) (nullable): what shows the alerts now
 */
HdAlertWatcher *
hd_application_get_watcher (HdApplication *self)
{
  g_return_val_if_fail (HD_IS_APPLICATION (self), NULL);
  return self->watcher;
}
