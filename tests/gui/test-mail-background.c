/* test-mail-background.c — `helpdesk --background` fetches and sends the
 * mail with no window open
 *
 * As after a login with Start at Login: the real `helpdesk --background`
 * for the dispatcher, on a helpdesk file whose mailbox is the mail suite's
 * Dovecot and SMTP sink (tests/hd-test-mail.c), the password in a keyring
 * of the test's own, on the bus the application registers on. Nothing
 * but the background can fetch here (no window, no cron):
 *
 * - a request delivered to the mailbox becomes a ticket and its
 *   acknowledgement reaches the sink, and no window opens;
 * - a second desk (helpdesk-cli mail fetch, run over and over as a cron
 *   line would) fetching while the background does: every message one
 *   ticket, one acknowledgement;
 * - quitting in the middle of a long fetch, from the menu or by SIGTERM
 *   as at logout, lets go of the mail lease: another desk takes over at
 *   once and files the rest, each once.
 *
 * Needs a display (xvfb-run), gnome-keyring, Dovecot and aiosmtpd; skips
 * with the reason without them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "hd-mail.h"
#include "hd-test-mail.h"
#include "hd-test-util.h"

#define WAIT_US (60 * G_USEC_PER_SEC)

static HdTestKeyring *keyring;

typedef struct {
  HdTestImap  *imap;
  HdTestSmtp  *smtp;
  char        *path;
  GSubprocess *app;
} Desk;

/* Programs */

static GSubprocessLauncher *
new_launcher (Desk                *desk,
              GSubprocessFlags     flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", "disp", TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_DB", desk->path, TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_MAIL_CA_FILE",
                                hd_test_imap_ca_file (desk->imap), TRUE);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  return launcher;
}

/* helpdesk-cli as the dispatcher; @input on its standard input. Returns
 * what it printed, and asserts it succeeded. */
static char *
cli (Desk       *desk,
     const char *input,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const char *arg;
  va_list ap;

  launcher = new_launcher (desk, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_ptr_array_add (argv, (char *) g_getenv ("HELPDESK_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, desk->path);
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("helpdesk-cli: %s%s", out, err);
  g_assert_true (g_subprocess_get_successful (process));
  return g_strconcat (out, err, NULL);
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

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static char *
app_object_path (void)
{
  g_autofree char *id = g_strdup (APPLICATION_ID);

  return g_strconcat ("/", g_strdelimit (id, ".", '/'), NULL);
}

/* The application exports its windows as nodes of APP_PATH/window. */
static gboolean
has_window (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *app_path = app_object_path ();
  g_autofree char *path = g_strconcat (app_path, "/window", NULL);
  g_autoptr(GVariant) reply = NULL;
  const char *xml = NULL;

  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, path,
                                       "org.freedesktop.DBus.Introspectable", "Introspect",
                                       NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(&s)", &xml);
  return xml != NULL && strstr (xml, "<node name=\"") != NULL;
}

/* As at login: no window, nothing asked of it. */
static void
start_in_background (Desk *desk)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (desk, G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  g_assert_null (desk->app);
  desk->app = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HELPDESK_APP"),
                                           "--background", NULL);
  g_assert_no_error (error);
  while (!name_has_owner (APPLICATION_ID))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      iterate ();
    }
}

static void
wait_for_exit (Desk *desk)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (g_subprocess_get_identifier (desk->app) != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      iterate ();
    }
  g_assert_true (g_subprocess_get_if_exited (desk->app));
  g_assert_cmpint (g_subprocess_get_exit_status (desk->app), ==, 0);
  g_clear_object (&desk->app);
}

/* Quit from the application's menu. */
static void
quit_app (Desk *desk)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *path = app_object_path ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, path, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  wait_for_exit (desk);
}

/* The file and the mail */

/* Read beside the application's writes: waits for their locks. */
static gint64
count (Desk       *desk,
       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (desk->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
wait_for_tickets (Desk   *desk,
                  gint64  at_least)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (count (desk, "SELECT count(*) FROM tickets") < at_least)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      iterate ();
    }
}

static void
wait_for_sent (Desk  *desk,
               guint  at_least)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (hd_test_smtp_count (desk->smtp) < at_least)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      iterate ();
    }
}

static void
deliver (Desk  *desk,
         guint  from,
         guint  to)
{
  for (guint n = from; n < to; n++)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf ("From: Person %u <person%u@example.org>\r\n"
                                 "To: " HD_TEST_MAIL_USER "\r\n"
                                 "Subject: Request %u\r\n"
                                 "Message-ID: <background-%u@example.org>\r\n"
                                 "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
                                 "\r\n"
                                 "Please help with thing %u.\r\n", n, n, n, n, n);
      hd_test_imap_append (desk->imap, message);
    }
}

/* Each message filed once: as many tickets, received messages and
 * acknowledgements queued or sent as messages delivered. */
static void
assert_each_once (Desk   *desk,
                  gint64  delivered)
{
  g_assert_cmpint (count (desk, "SELECT count(*) FROM tickets"), ==, delivered);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM mail_messages WHERE direction = 'in'"), ==,
                   delivered);
  g_assert_cmpint (count (desk, "SELECT count(DISTINCT message_id) FROM mail_messages"
                                " WHERE direction = 'in'"), ==, delivered);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM mail_outbox"), ==, delivered);
}

/* The mailbox on the test's servers, checked once an hour: what is
 * fetched within the test is fetched by the background's first run. */
static void
desk_set_up (Desk          *desk,
             gconstpointer  data)
{
  g_autoptr(HdStore) store = NULL;
  g_autofree char *imap_port = NULL, *smtp_port = NULL, *out = NULL;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("no display: run under xvfb-run");
      return;
    }
  if (keyring == NULL)
    {
      g_test_skip ("gnome-keyring is not installed (apt install gnome-keyring)");
      return;
    }
  desk->imap = hd_test_imap_start ();
  if (desk->imap == NULL)
    return;
  desk->smtp = hd_test_smtp_start (desk->imap, HD_MAIL_SECURITY_STARTTLS);
  if (desk->smtp == NULL)
    return;

  store = hd_test_new_helpdesk (&desk->path);
  imap_port = g_strdup_printf ("%u", hd_test_imap_port (desk->imap, HD_MAIL_SECURITY_TLS));
  smtp_port = g_strdup_printf ("%u", hd_test_smtp_port (desk->smtp));
  out = cli (desk, HD_TEST_MAIL_PASSWORD "\n", "mail", "account", "set",
             "--address", HD_TEST_MAIL_USER, "--name", "Test support",
             "--imap-host", "localhost", "--imap-port", imap_port, "--imap-security", "tls",
             "--smtp-host", "localhost", "--smtp-port", smtp_port, "--smtp-security", "starttls",
             "--user", HD_TEST_MAIL_USER, "--interval", "3600", "--enabled", "yes", "--password",
             NULL);
  g_assert_nonnull (strstr (out, "keyring"));
}

static void
desk_tear_down (Desk          *desk,
                gconstpointer  data)
{
  if (desk->app != NULL)
    {
      g_subprocess_force_exit (desk->app);
      g_subprocess_wait (desk->app, NULL, NULL);
      g_clear_object (&desk->app);
    }
  g_clear_pointer (&desk->smtp, hd_test_smtp_stop);
  g_clear_pointer (&desk->imap, hd_test_imap_stop);
  g_free (desk->path);
}

#define SERVERS_OR_SKIP(desk) G_STMT_START { if ((desk)->smtp == NULL) return; } G_STMT_END

/* Tests */

static void
test_fetch (Desk          *desk,
            gconstpointer  data)
{
  SERVERS_OR_SKIP (desk);

  deliver (desk, 1, 2);
  start_in_background (desk);
  wait_for_tickets (desk, 1);
  wait_for_sent (desk, 1);
  g_assert_false (has_window ());
  assert_each_once (desk, 1);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM mail_outbox WHERE state = 'sent'"), ==, 1);

  quit_app (desk);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM mail_lease"), ==, 0);
}

/* Another desk's cron line fetches while the background does: the lease
 * lets one at a time read the mailbox, and every message is one ticket. */
static void
test_two_desks (Desk          *desk,
                gconstpointer  data)
{
  const guint n = 120;
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  SERVERS_OR_SKIP (desk);

  deliver (desk, 1, n + 1);
  start_in_background (desk);
  while (hd_test_smtp_count (desk->smtp) < n)
    {
      g_autofree char *out = cli (desk, NULL, "mail", "fetch", NULL);

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_assert_false (has_window ());
  quit_app (desk);
  assert_each_once (desk, n);
  g_assert_cmpuint (hd_test_smtp_count (desk->smtp), ==, n);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM mail_outbox WHERE state = 'sent'"), ==, n);
}

/* Quitting in the middle of a long fetch: the lease is let go of on the
 * way out, so the next desk takes over at once (the lease would hold it
 * back two minutes otherwise, as after a crash) and files the rest. */
static void
quit_during_fetch (Desk     *desk,
                   gboolean  by_signal)
{
  const guint n = 400;
  g_autofree char *out = NULL;
  gint64 filed;

  SERVERS_OR_SKIP (desk);

  deliver (desk, 1, n + 1);
  start_in_background (desk);
  wait_for_tickets (desk, 1);
  if (by_signal)
    {
      g_subprocess_send_signal (desk->app, SIGTERM);
      wait_for_exit (desk);
    }
  else
    quit_app (desk);

  filed = count (desk, "SELECT count(*) FROM tickets");
  g_test_message ("filed when it quit: %" G_GINT64_FORMAT " of %u", filed, n);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM mail_lease"), ==, 0);

  out = cli (desk, NULL, "mail", "fetch", NULL);
  g_assert_null (strstr (out, "Another desk"));
  assert_each_once (desk, n);
}

static void
test_quit_during_fetch (Desk          *desk,
                        gconstpointer  data)
{
  quit_during_fetch (desk, FALSE);
}

static void
test_sigterm_during_fetch (Desk          *desk,
                           gconstpointer  data)
{
  quit_during_fetch (desk, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  hd_mail_init ();
  /* The bus the application registers on, with the keyring on it. */
  keyring = hd_test_keyring_start ();

#define ADD(path, func) g_test_add (path, Desk, NULL, desk_set_up, func, desk_tear_down)
  ADD ("/gui/mail/background/fetch", test_fetch);
  ADD ("/gui/mail/background/two-desks", test_two_desks);
  ADD ("/gui/mail/background/quit-during-fetch", test_quit_during_fetch);
  ADD ("/gui/mail/background/sigterm-during-fetch", test_sigterm_during_fetch);
#undef ADD

  status = g_test_run ();
  g_clear_pointer (&keyring, hd_test_keyring_stop);
  return status;
}
