/* hd-application.c — the Helpdesk application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-application.h"
#include "hd-notifier.h"
#include "hd-preferences-window.h"
#include "hd-window.h"

struct _HdApplication
{
  AdwApplication  parent_instance;

  /* owned */
  GSettings      *settings;
  HdNotifier     *notifier;

  gboolean        opening_files;
};

G_DEFINE_FINAL_TYPE (HdApplication, hd_application, ADW_TYPE_APPLICATION)

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
  gtk_window_present (GTK_WINDOW (preferences));
}

/* From a notification: the ticket, in the window. */
static void
show_ticket_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  HdApplication *self = user_data;
  HdWindow *window = get_window (self);

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

static void
hd_application_activate (GApplication *app)
{
  HdApplication *self = HD_APPLICATION (app);

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
}

static void
hd_application_dispose (GObject *object)
{
  HdApplication *self = (HdApplication *) object;

  g_clear_object (&self->settings);
  g_clear_object (&self->notifier);

  G_OBJECT_CLASS (hd_application_parent_class)->dispose (object);
}

static void
hd_application_class_init (HdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = hd_application_dispose;
  app_class->activate = hd_application_activate;
  app_class->open = hd_application_open;
  app_class->startup = hd_application_startup;
}

static void
hd_application_init (HdApplication *self)
{
  /* Both profiles share one schema and one set of resources. */
  self->settings = g_settings_new ("io.github.helpdesk.Helpdesk");
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
