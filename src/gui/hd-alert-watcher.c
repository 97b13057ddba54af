/* hd-alert-watcher.c
 *
 * Watches one helpdesk file for one person, with or without a window: it
 * raises the SLA alerts that have come due (whichever desk runs does; the
 * file keeps each once) and shows the ones addressed to this person that no
 * other desk of theirs has shown yet. It looks when the file changes (an
 * assignment by someone else; its own HdStoreMonitor asks PRAGMA
 * data_version, which costs next to nothing) and every alert interval,
 * since deadlines come with time alone.
 *
 * During quiet hours it still raises alerts but takes none: taking marks an
 * alert delivered, so the ones not taken wait in the file and are shown at
 * the first look after the quiet hours end.
 *
 * Nothing here is an error a person must hear about: the window says when
 * the file cannot be read. A failed look is logged (g_debug) and the next
 * tick tries again, opening the file anew if it went away.
 *
 * An open in flight holds no reference: dispose cancels it, and its
 * callback then returns before looking at the watcher. A look in flight is
 * not cancelled: the alerts it took are marked delivered in the file, and
 * are shown even when the watcher stopped meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-alert-watcher.h"
#include "hd-store-async.h"
#include "hd-store-monitor.h"

#define ALERT_INTERVAL_S 60

struct _HdAlertWatcher
{
  GObject         parent_instance;

  /* owned */
  char           *path;
  char           *login;
  HdNotifier     *notifier;
  HdStore        *store;        /* NULL until opened, and once the file went away */
  HdStoreMonitor *monitor;
  GCancellable   *cancellable;
  guint           tick_source;
  int             quiet_start;  /* minutes from midnight; equal bounds: none */
  int             quiet_end;
  gboolean        busy;         /* opening the file or looking in it */
  gboolean        again;        /* asked to look while busy */
};

G_DEFINE_FINAL_TYPE (HdAlertWatcher, hd_alert_watcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_LOGIN,
  PROP_NOTIFIER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Looking */

static gboolean
is_quiet_now (HdAlertWatcher *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return hd_quiet_hours_contain (self->quiet_start, self->quiet_end,
                                 g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now));
}

/* Runs on the store's worker. @data is TRUE during quiet hours. */
static gpointer
alerts_job (HdStore  *store,
            gpointer  data,
            GError  **error)
{
  if (hd_store_can_write (store) &&
      !hd_store_raise_due_alerts (store, g_get_real_time (), NULL, error))
    return NULL;

  if (GPOINTER_TO_INT (data))
    return g_ptr_array_new_with_free_func (g_object_unref);

  return hd_store_take_alerts (store, error);
}

/* A look in flight: it outlives a watcher that stops. */
typedef struct {
  GWeakRef    watcher;
  HdNotifier *notifier;
} Look;

static Look *
look_new (HdAlertWatcher *self)
{
  Look *look = g_new0 (Look, 1);

  g_weak_ref_init (&look->watcher, self);
  look->notifier = g_object_ref (self->notifier);
  return look;
}

static void
look_free (Look *look)
{
  g_weak_ref_clear (&look->watcher);
  g_object_unref (look->notifier);
  g_free (look);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Look, look_free)

static void
show_alerts (HdNotifier *notifier,
             GPtrArray  *alerts)
{
  for (guint i = 0; i < alerts->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!hd_notifier_show (notifier, g_ptr_array_index (alerts, i), &error))
        g_message ("A notification could not be shown: %s", error->message);
    }
}

static void
done_looking (HdAlertWatcher *self)
{
  self->busy = FALSE;
  if (self->again)
    {
      self->again = FALSE;
      hd_alert_watcher_check_now (self);
    }
}

static void
alerts_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Look) look = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autoptr(HdAlertWatcher) self = g_weak_ref_get (&look->watcher);

  if (alerts != NULL)
    show_alerts (look->notifier, alerts);
  else
    g_debug ("Alerts in %s: %s", hd_store_get_path (HD_STORE (source)), error->message);

  if (self != NULL)
    done_looking (self);
}

static void
look (HdAlertWatcher *self)
{
  hd_store_run_async (self->store, alerts_job, GINT_TO_POINTER (is_quiet_now (self)), NULL,
                      (GDestroyNotify) g_ptr_array_unref, NULL, alerts_done, look_new (self));
}

static void
open_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open_finish (result, &error);
  HdAlertWatcher *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (store == NULL)
    {
      /* Not at once again: the file may be gone for a while. */
      g_debug ("Alerts: %s cannot be opened: %s", self->path, error->message);
      self->again = FALSE;
      done_looking (self);
      return;
    }

  self->store = g_steal_pointer (&store);
  look (self);
}

/* Signal callbacks */

static gboolean
tick_cb (gpointer data)
{
  hd_alert_watcher_check_now (HD_ALERT_WATCHER (data));
  return G_SOURCE_CONTINUE;
}

static void
monitor_changed_cb (HdAlertWatcher *self,
                    GPtrArray      *changes)
{
  hd_alert_watcher_check_now (self);
}

/* Gone, or another file at the path now: the store would go on reading
 * the old one. The next look opens whatever the path holds by then. */
static void
monitor_failed_cb (HdAlertWatcher *self,
                   GError         *error)
{
  g_debug ("Alerts: %s: %s", self->path, error->message);
  g_clear_object (&self->store);
}

static void
monitor_healthy_cb (HdAlertWatcher *self)
{
  if (hd_store_monitor_is_healthy (self->monitor))
    hd_alert_watcher_check_now (self);
}

/* GObject */

static void
hd_alert_watcher_constructed (GObject *object)
{
  HdAlertWatcher *self = HD_ALERT_WATCHER (object);

  G_OBJECT_CLASS (hd_alert_watcher_parent_class)->constructed (object);

  g_assert (self->path != NULL && HD_IS_NOTIFIER (self->notifier));
  if (self->login == NULL)
    self->login = g_strdup (hd_store_current_login ());

  self->monitor = hd_store_monitor_new (self->path, self->login);
  /* Notifications need no quicker look than this, and a watcher left
   * running in the background wakes the computer less. */
  hd_store_monitor_set_interval (self->monitor, 1000);
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "failed", G_CALLBACK (monitor_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "notify::healthy", G_CALLBACK (monitor_healthy_cb),
                           self, G_CONNECT_SWAPPED);
  self->tick_source = g_timeout_add_seconds (hd_alert_watcher_interval (), tick_cb, self);
  hd_alert_watcher_check_now (self);
}

static void
hd_alert_watcher_dispose (GObject *object)
{
  HdAlertWatcher *self = HD_ALERT_WATCHER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->notifier);

  G_OBJECT_CLASS (hd_alert_watcher_parent_class)->dispose (object);
}

static void
hd_alert_watcher_finalize (GObject *object)
{
  HdAlertWatcher *self = HD_ALERT_WATCHER (object);

  g_clear_object (&self->cancellable);
  g_free (self->path);
  g_free (self->login);

  G_OBJECT_CLASS (hd_alert_watcher_parent_class)->finalize (object);
}

static void
hd_alert_watcher_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HdAlertWatcher *self = HD_ALERT_WATCHER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_LOGIN:
      g_value_set_string (value, self->login);
      break;
    case PROP_NOTIFIER:
      g_value_set_object (value, self->notifier);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_alert_watcher_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HdAlertWatcher *self = HD_ALERT_WATCHER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_LOGIN:
      self->login = g_value_dup_string (value);
      break;
    case PROP_NOTIFIER:
      self->notifier = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_alert_watcher_class_init (HdAlertWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hd_alert_watcher_constructed;
  object_class->dispose = hd_alert_watcher_dispose;
  object_class->finalize = hd_alert_watcher_finalize;
  object_class->get_property = hd_alert_watcher_get_property;
  object_class->set_property = hd_alert_watcher_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* NULL: hd_store_current_login() */
  properties[PROP_LOGIN] =
    g_param_spec_string ("login", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTIFIER] =
    g_param_spec_object ("notifier", NULL, NULL, HD_TYPE_NOTIFIER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hd_alert_watcher_init (HdAlertWatcher *self)
{
  self->cancellable = g_cancellable_new ();
}

/* Public API */

/**
 * hd_alert_watcher_new:
 * @path: the helpdesk file
 * @login: (nullable): whose alerts; %NULL for hd_store_current_login()
 * @notifier: shows them
 *
 * Starts watching at once: alerts that waited (for quiet hours to end, or
 * for this person to start Helpdesk) are shown at the first look.
 */
HdAlertWatcher *
hd_alert_watcher_new (const char *path,
                      const char *login,
                      HdNotifier *notifier)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (HD_IS_NOTIFIER (notifier), NULL);

  return g_object_new (HD_TYPE_ALERT_WATCHER,
                       "path", path,
                       "login", login,
                       "notifier", notifier,
                       NULL);
}

const char *
hd_alert_watcher_get_path (HdAlertWatcher *self)
{
  g_return_val_if_fail (HD_IS_ALERT_WATCHER (self), NULL);
  return self->path;
}

const char *
hd_alert_watcher_get_login (HdAlertWatcher *self)
{
  g_return_val_if_fail (HD_IS_ALERT_WATCHER (self), NULL);
  return self->login;
}

/**
 * hd_alert_watcher_set_quiet_hours:
 * @start: minutes from midnight
 * @end: minutes from midnight; before @start for quiet hours over
 *   midnight, equal to it for none
 *
 * Alerts wait in the file from @start until @end, local time.
 */
void
hd_alert_watcher_set_quiet_hours (HdAlertWatcher *self,
                                  int             start,
                                  int             end)
{
  g_return_if_fail (HD_IS_ALERT_WATCHER (self));
  g_return_if_fail (start >= 0 && start < HD_MINUTES_PER_DAY);
  g_return_if_fail (end >= 0 && end < HD_MINUTES_PER_DAY);

  self->quiet_start = start;
  self->quiet_end = end;
}

/**
 * hd_alert_watcher_check_now:
 *
 * Looks for alerts without waiting for the next tick; a look asked for
 * while one runs follows it.
 */
void
hd_alert_watcher_check_now (HdAlertWatcher *self)
{
  g_return_if_fail (HD_IS_ALERT_WATCHER (self));

  if (self->busy)
    {
      self->again = TRUE;
      return;
    }

  self->busy = TRUE;
  if (self->store != NULL)
    look (self);
  else
    hd_store_open_async (self->path, self->login, HD_STORE_OPEN_DEFAULT, self->cancellable,
                         open_done, self);
}

/**
 * hd_alert_watcher_interval:
 *
 * Returns: seconds between two looks that nothing asked for:
 *   $HELPDESK_ALERT_INTERVAL (1 to 3600), else a minute
 */
guint
hd_alert_watcher_interval (void)
{
  const char *env = g_getenv ("HELPDESK_ALERT_INTERVAL");
  guint64 seconds = ALERT_INTERVAL_S;

  /* Scripts and tests may look more often. */
  if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 1, 3600, &seconds, NULL))
    seconds = ALERT_INTERVAL_S;

  return (guint) seconds;
}

/**
 * hd_quiet_hours_contain:
 * @start: the first quiet minute, from midnight
 * @end: the first minute that is no longer quiet; before @start when the
 *   quiet hours span midnight; equal to @start when there are none
 * @minute: the minute of the day to ask about
 *
 * Returns: whether @minute is within the quiet hours
 */
gboolean
hd_quiet_hours_contain (int start,
                        int end,
                        int minute)
{
  if (start == end)
    return FALSE;
  if (start < end)
    return minute >= start && minute < end;
  return minute >= start || minute < end;
}

static gboolean
parse_time (const char *text,
            int        *minutes)
{
  guint64 hours, mins;
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 23, &hours, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &mins, NULL))
    return FALSE;

  *minutes = (int) (hours * 60 + mins);
  return TRUE;
}

/**
 * hd_quiet_hours_parse:
 * @text: "HH:MM-HH:MM", such as "20:00-07:00"
 *
 * Returns: %FALSE if @text is not of that form; @start and @end are then
 *   untouched
 */
gboolean
hd_quiet_hours_parse (const char *text,
                      int        *start,
                      int        *end)
{
  g_auto(GStrv) bounds = NULL;
  int from, to;

  g_return_val_if_fail (text != NULL, FALSE);

  bounds = g_strsplit (text, "-", -1);
  if (g_strv_length (bounds) != 2 || !parse_time (bounds[0], &from) || !parse_time (bounds[1], &to))
    return FALSE;

  *start = from;
  *end = to;
  return TRUE;
}
