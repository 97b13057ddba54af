/* test-notifications.c — alerts reach a person's desktop, once
 *
 * End to end, as in an office: a private session bus (GTestDBus), a real
 * notification server (dunst) on it, dbus-monitor printing every Notify
 * call, and the real `helpdesk` running for the technician tech1. Others
 * change the file with the real helpdesk-cli, as on other desks:
 *
 * - the dispatcher assigns tech1 a ticket: exactly one notification;
 * - tech1 assigns a ticket to themselves: none;
 * - a ticket's SLA clock crosses its warning share: exactly one warning.
 *
 * Then without a window, as after a login with Start at Login (the
 * settings are in memory, one set per process, so the background mode
 * comes from the command line, `helpdesk --background`, as in the
 * autostart entry):
 *
 * - an assignment still brings exactly one notification;
 * - launching helpdesk again opens a window in the running one, and the
 *   next assignment still brings exactly one;
 * - during quiet hours ($HELPDESK_QUIET_HOURS) an assignment brings none,
 *   and `helpdesk-cli alerts` shows the alert as not delivered; the next
 *   start outside the quiet hours shows it.
 *
 * Needs a display (xvfb-run) for dunst and the window; skips without one,
 * or without dunst or dbus-monitor (build-aux/deps.sh --tests installs
 * them).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "hd-test-util.h"

#define WAIT_US (20 * G_USEC_PER_SEC)

typedef struct {
  GTestDBus   *bus;
  GSubprocess *dunst;
  GSubprocess *monitor;
  GSubprocess *app;
  GString     *seen;      /* dbus-monitor's output so far */
  char        *path;
} Desk;

static gboolean
have_programs (void)
{
  const char *needed[] = { "dunst", "dbus-monitor", NULL };

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("no display: run under xvfb-run");
      return FALSE;
    }

  for (guint i = 0; needed[i] != NULL; i++)
    {
      g_autofree char *found = g_find_program_in_path (needed[i]);

      if (found == NULL)
        {
          g_autofree char *why = g_strdup_printf ("%s is not installed", needed[i]);

          g_test_skip (why);
          return FALSE;
        }
    }

  return TRUE;
}

static void
iterate (void)
{
  g_main_context_iteration (NULL, FALSE);
  g_usleep (20 * 1000);
}

static gboolean
name_has_owner (const char *name)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  if (bus == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
wait_for_name (const char *name)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (!name_has_owner (name))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      iterate ();
    }
}

/* Reads what dbus-monitor printed so far, without blocking. */
static void
read_monitor (Desk *desk)
{
  GInputStream *base = g_subprocess_get_stdout_pipe (desk->monitor);
  char buffer[4096];
  gssize n;

  while (g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (base)) &&
         (n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (base), buffer,
                                                        sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (desk->seen, buffer, n);
}

static guint
count_in (const char *text,
          const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static guint
notifications (Desk *desk)
{
  read_monitor (desk);
  return count_in (desk->seen->str, "member=Notify");
}

static void
wait_for_notifications (Desk  *desk,
                        guint  expected)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (notifications (desk) < expected)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("waited for %u notifications, saw %u:\n%s", expected, notifications (desk),
                 desk->seen->str);
      iterate ();
    }
}

/* Nothing more arrives for a while: the app had every chance (it looks
 * every second here) and did not notify. */
static void
assert_quiet (Desk  *desk,
              guint  expected,
              guint  seconds)
{
  gint64 until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    {
      g_assert_cmpuint (notifications (desk), ==, expected);
      iterate ();
    }
}

/* Runs helpdesk-cli as @login and returns what it printed. */
static char *
cli_v (Desk       *desk,
       const char *login,
       va_list     args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) g_getenv ("HELPDESK_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, desk->path);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", login, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return out;
}

static void
cli (Desk       *desk,
     const char *login,
     ...)
{
  g_autofree char *out = NULL;
  va_list args;

  va_start (args, login);
  out = cli_v (desk, login, args);
  va_end (args);
}

static char *
cli_output (Desk       *desk,
            const char *login,
            ...)
{
  char *out;
  va_list args;

  va_start (args, login);
  out = cli_v (desk, login, args);
  va_end (args);
  return out;
}

static void
desk_up (Desk *desk)
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  /* GTestDBus unsets DISPLAY (no X11 autolaunch of buses); the
   * notification server and the window need it back. */
  desk->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (desk->bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  /* dunst with its defaults: the test's XDG_CONFIG_HOME is its own. */
  desk->dunst = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, "dunst", NULL);
  g_assert_no_error (error);
  wait_for_name ("org.freedesktop.Notifications");

  desk->monitor = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                    G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                    "dbus-monitor", "--session",
                                    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
                                    NULL);
  g_assert_no_error (error);
  desk->seen = g_string_new (NULL);

  /* Once a monitor, dbus-monitor prints the bus's word that it lost its
   * own name; every Notify after that is seen. */
  deadline = g_get_monotonic_time () + WAIT_US;
  while (read_monitor (desk), desk->seen->len == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      iterate ();
    }
}

static void
stop (GSubprocess *process)
{
  if (process != NULL)
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
    }
}

static void
desk_down (Desk *desk)
{
  stop (desk->app);
  stop (desk->monitor);
  stop (desk->dunst);
  g_clear_object (&desk->app);
  g_clear_object (&desk->monitor);
  g_clear_object (&desk->dunst);
  if (desk->seen != NULL)
    g_string_free (desk->seen, TRUE);
  g_test_dbus_down (desk->bus);
  g_clear_object (&desk->bus);
  g_free (desk->path);
}

/* The technician's session: the helpdesk file is their default one
 * ($HELPDESK_DB), and the app looks for alerts every second. */
static GSubprocessLauncher *
new_launcher (Desk       *desk,
              const char *quiet_hours)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", "tech1", TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_DB", desk->path, TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_ALERT_INTERVAL", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  if (quiet_hours != NULL)
    g_subprocess_launcher_setenv (launcher, "HELPDESK_QUIET_HOURS", quiet_hours, TRUE);
  return launcher;
}

/* The technician's app, with its window on the helpdesk file. */
static void
start_app (Desk *desk)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (desk, NULL);
  g_autoptr(GError) error = NULL;

  desk->app = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HELPDESK_APP"),
                                           desk->path, NULL);
  g_assert_no_error (error);
  wait_for_name (APPLICATION_ID);
}

/* As at login: no window. */
static void
start_in_background (Desk       *desk,
                     const char *quiet_hours)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (desk, quiet_hours);
  g_autoptr(GError) error = NULL;

  g_assert_null (desk->app);
  desk->app = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HELPDESK_APP"),
                                           "--background", NULL);
  g_assert_no_error (error);
  wait_for_name (APPLICATION_ID);
}

static char *
app_object_path (void)
{
  g_autofree char *id = g_strdup (APPLICATION_ID);

  return g_strconcat ("/", g_strdelimit (id, ".", '/'), NULL);
}

/* What the application exports under @path: its windows are nodes of
 * APP_PATH/window. */
static char *
introspect (const char *path)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  char *xml = NULL;

  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, path,
                                       "org.freedesktop.DBus.Introspectable", "Introspect",
                                       NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(s)", &xml);
  return xml;
}

static gboolean
has_window (void)
{
  g_autofree char *app_path = app_object_path ();
  g_autofree char *path = g_strconcat (app_path, "/window", NULL);
  g_autofree char *xml = introspect (path);

  return xml != NULL && strstr (xml, "<node name=\"") != NULL;
}

static void
wait_for_window (void)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (!has_window ())
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      iterate ();
    }
}

/* Quit from the application's menu: the whole process ends, background
 * or not. */
static void
quit_app (Desk *desk)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *path = app_object_path ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, path, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  while (g_subprocess_get_identifier (desk->app) != NULL || name_has_owner (APPLICATION_ID))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      iterate ();
    }
  g_assert_true (g_subprocess_get_if_exited (desk->app));
  g_assert_cmpint (g_subprocess_get_exit_status (desk->app), ==, 0);
  g_clear_object (&desk->app);
}

/* "HH:MM-HH:MM": from an hour ago to an hour from now, local time. */
static char *
quiet_hours_around_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int minute = g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now);
  int start = (minute + 23 * 60) % (24 * 60);
  int end = (minute + 60) % (24 * 60);

  return g_strdup_printf ("%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60);
}

/* No window: the alerts come all the same, once. */
static void
test_background (Desk *desk)
{
  quit_app (desk);
  start_in_background (desk, NULL);
  g_assert_false (has_window ());
  assert_quiet (desk, 2, 2);

  cli (desk, "req1", "ticket", "new", "--title", "Scanner offline", NULL);
  cli (desk, "disp", "ticket", "assign", "4", "tech1", NULL);
  wait_for_notifications (desk, 3);
  g_assert_nonnull (strstr (desk->seen->str, "assigned ticket #4 to you"));
  assert_quiet (desk, 3, 3);
  g_assert_false (has_window ());

  /* Launched again, as from the desktop's menu: a window, in the same
   * process (the launch itself ends at once), and still one notification
   * per alert. */
  {
    g_autoptr(GSubprocessLauncher) launcher = new_launcher (desk, NULL);
    g_autoptr(GSubprocess) again = NULL;
    g_autoptr(GError) error = NULL;

    again = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HELPDESK_APP"), NULL);
    g_assert_no_error (error);
    g_subprocess_wait_check (again, NULL, &error);
    g_assert_no_error (error);
  }
  wait_for_window ();
  cli (desk, "req1", "ticket", "new", "--title", "Projector flickers", NULL);
  cli (desk, "disp", "ticket", "assign", "5", "tech1", NULL);
  wait_for_notifications (desk, 4);
  g_assert_nonnull (strstr (desk->seen->str, "assigned ticket #5 to you"));
  assert_quiet (desk, 4, 3);

  quit_app (desk);
}

/* Quiet hours: the alert waits in the file, undelivered, and comes once
 * they are over (here: at the next start without them). */
static void
test_quiet_hours (Desk *desk)
{
  g_autofree char *quiet = quiet_hours_around_now ();
  g_autofree char *undelivered = NULL;

  start_in_background (desk, quiet);
  cli (desk, "req1", "ticket", "new", "--title", "Badge reader beeps", NULL);
  cli (desk, "disp", "ticket", "assign", "6", "tech1", NULL);
  assert_quiet (desk, 4, 4);

  undelivered = cli_output (desk, "tech1", "alerts", "--json", NULL);
  g_assert_nonnull (strstr (undelivered, "\"ticket\" : 6,"));
  g_assert_nonnull (strstr (undelivered, "\"kind\" : \"assigned\""));
  g_assert_cmpuint (count_in (undelivered, "\"delivered_at\" : null"), ==, 1);
  quit_app (desk);

  start_in_background (desk, NULL);
  wait_for_notifications (desk, 5);
  g_assert_nonnull (strstr (desk->seen->str, "assigned ticket #6 to you"));
  assert_quiet (desk, 5, 2);
}

static void
test_notifications (void)
{
  Desk desk = { 0 };
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdCalendar) always = NULL;
  g_autoptr(HdSlaPolicy) quick = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;

  if (!have_programs ())
    return;

  /* The helpdesk: a calendar with no closing time, and urgent tickets to
   * be answered within a minute, with the warning at 5 % (3 s). */
  store = hd_test_new_helpdesk (&desk.path);
  always = hd_calendar_new_from_string ("tz UTC; mon-sun 00:00-24:00", &error);
  g_assert_no_error (error);
  g_assert_true (hd_store_set_calendar (store, always, &error));
  g_assert_no_error (error);
  quick = hd_sla_policy_new_default (HD_PRIORITY_URGENT);
  quick->first_response_minutes = 1;
  quick->resolution_minutes = 60;
  quick->warn_percent = 5;
  g_assert_true (hd_store_set_sla_rule (store, HD_PRIORITY_URGENT, "", quick, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  desk_up (&desk);
  start_app (&desk);
  /* The app has the file open once it has looked for alerts: give it the
   * time a person would not notice. */
  assert_quiet (&desk, 0, 3);

  /* The dispatcher assigns tech1 a ticket, on another desk: one. */
  cli (&desk, "req1", "ticket", "new", "--title", "Printer <b>on fire</b> & smoking", NULL);
  cli (&desk, "disp", "ticket", "assign", "1", "tech1", NULL);
  wait_for_notifications (&desk, 1);
  g_assert_nonnull (strstr (desk.seen->str, "assigned ticket #1 to you"));
  /* The title is the body, escaped: servers read it as markup. */
  escaped = g_markup_escape_text ("Printer <b>on fire</b> & smoking", -1);
  g_assert_nonnull (strstr (desk.seen->str, escaped));
  assert_quiet (&desk, 1, 3);

  /* tech1 takes a ticket themselves: nobody is told of their own change. */
  cli (&desk, "tech1", "ticket", "new", "--title", "Mouse double-clicks", NULL);
  cli (&desk, "tech1", "ticket", "assign", "2", "tech1", NULL);
  assert_quiet (&desk, 1, 3);

  /* An urgent ticket of tech1's own (no assignment alert) crosses its
   * warning share after 3 s: one warning, and only one. */
  cli (&desk, "tech1", "ticket", "new", "--title", "Server room door open", "--priority",
       "urgent", NULL);
  cli (&desk, "tech1", "ticket", "assign", "3", "tech1", NULL);
  wait_for_notifications (&desk, 2);
  g_assert_nonnull (strstr (desk.seen->str, "Ticket #3 is close to its deadline"));
  assert_quiet (&desk, 2, 4);
  /* Before it is missed too (a minute): what follows takes longer. */
  cli (&desk, "tech1", "ticket", "status", "3", "resolved", NULL);

  test_background (&desk);
  test_quiet_hours (&desk);

  desk_down (&desk);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/notifications/end-to-end", test_notifications);

  return g_test_run ();
}
