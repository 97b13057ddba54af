/* test-mail-loop.c — the whole way, with real servers and real programs
 *
 * A real Dovecot, a real SMTP sink, a real GNOME Keyring on a bus of the
 * test's own, and helpdesk-cli run as a person (or cron) would run it:
 * mail delivered to the mailbox becomes a ticket and its acknowledgement
 * reaches the sink; a reply to it threads; two desks fetching at once
 * file each message once; a desk killed between its commits and the mark
 * makes no second ticket; the outbox waits for a sink that is down and
 * sends once when it is back; an autoresponder makes no loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>

#include "hd-mail.h"
#include "hd-test-mail.h"
#include "hd-test-util.h"

static HdTestKeyring *the_keyring;

typedef struct {
  HdTestImap *imap;
  HdTestSmtp *smtp;
  char       *path;
} Loop;

/* Runs helpdesk-cli as the dispatcher on the loop's file; @input on its
 * standard input; @env_abort set: the fetch aborts between its commits
 * and the mark. Returns the process, ended, or still running when
 * @wait is FALSE. */
static GSubprocess *
spawn_cli (Loop        *l,
           const char  *input,
           gboolean     env_abort,
           const char  *first,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (char *) g_getenv ("HELPDESK_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, l->path);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new ((input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0) |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", "disp", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HELPDESK_DB");
  g_subprocess_launcher_setenv (launcher, "HELPDESK_MAIL_CA_FILE", hd_test_imap_ca_file (l->imap), TRUE);
  if (env_abort)
    g_subprocess_launcher_setenv (launcher, "HELPDESK_TEST_MAIL_ABORT_BEFORE_MARK", "1", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* finish() hands it over. */
  g_object_set_data_full (G_OBJECT (process), "input", g_strdup (input), g_free);
  return process;
}

/* Waits for @process; its exit status, its output in @out. */
static int
finish (GSubprocess  *process,
        char        **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL, *e = NULL;

  g_subprocess_communicate_utf8 (process, g_object_get_data (G_OBJECT (process), "input"), NULL,
                                 &o, &e, &error);
  g_assert_no_error (error);
  g_test_message ("out: %s\nerr: %s", o, e);
  if (out != NULL)
    *out = g_strconcat (o, e, NULL);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}


static int
run (Loop        *l,
     char       **out,
     const char  *first,
     ...)
{
  g_autoptr(GSubprocess) process = NULL;
  const char *args[8] = { NULL, };
  guint n = 0;
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL && n < 7; arg = va_arg (ap, const char *))
    args[n++] = arg;
  va_end (ap);
  process = spawn_cli (l, NULL, FALSE, args[0], args[1], args[2], args[3], args[4], args[5],
                       args[6], NULL);
  return finish (process, out);
}

static gint64
query_int (Loop       *l,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (l->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* What another desk, or time passing, would do to the file. */
static void
exec_sql (Loop       *l,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (l->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
set_smtp_port (Loop *l)
{
  g_autofree char *port = g_strdup_printf ("%u", hd_test_smtp_port (l->smtp));
  g_autofree char *out = NULL;

  g_assert_cmpint (run (l, &out, "mail", "account", "set", "--smtp-port", port, NULL), ==, 0);
}

static void
loop_set_up (Loop          *l,
             gconstpointer  data)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *imap_port = NULL, *smtp_port = NULL, *out = NULL;

  if (the_keyring == NULL)
    {
      g_test_skip ("gnome-keyring is not installed (apt install gnome-keyring)");
      return;
    }
  l->imap = hd_test_imap_start ();
  if (l->imap == NULL)
    return;
  l->smtp = hd_test_smtp_start (l->imap, HD_MAIL_SECURITY_STARTTLS);
  if (l->smtp == NULL)
    return;
  store = hd_test_new_helpdesk (&l->path);

  imap_port = g_strdup_printf ("%u", hd_test_imap_port (l->imap, HD_MAIL_SECURITY_TLS));
  smtp_port = g_strdup_printf ("%u", hd_test_smtp_port (l->smtp));
  process = spawn_cli (l, HD_TEST_MAIL_PASSWORD "\n", FALSE, "mail", "account", "set",
                       "--address", HD_TEST_MAIL_USER, "--name", "Test support",
                       "--imap-host", "localhost", "--imap-port", imap_port, "--imap-security", "tls",
                       "--smtp-host", "localhost", "--smtp-port", smtp_port,
                       "--smtp-security", "starttls", "--user", HD_TEST_MAIL_USER,
                       "--enabled", "yes", "--password", NULL);
  g_assert_cmpint (finish (process, &out), ==, 0);
  g_assert_nonnull (strstr (out, "keyring"));
}

static void
loop_tear_down (Loop          *l,
                gconstpointer  data)
{
  g_clear_pointer (&l->smtp, hd_test_smtp_stop);
  g_clear_pointer (&l->imap, hd_test_imap_stop);
  g_free (l->path);
}

#define SERVERS_OR_SKIP(l) G_STMT_START { if ((l)->smtp == NULL) return; } G_STMT_END

static char *
request (guint n)
{
  return g_strdup_printf ("From: Person %u <person%u@example.org>\r\n"
                          "To: " HD_TEST_MAIL_USER "\r\n"
                          "Subject: Request %u\r\n"
                          "Message-ID: <request-%u@example.org>\r\n"
                          "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
                          "\r\n"
                          "Please help with thing %u.\r\n", n, n, n, n, n);
}

static void
deliver (Loop  *l,
         guint  from,
         guint  to)
{
  for (guint n = from; n < to; n++)
    {
      g_autofree char *message = request (n);

      hd_test_imap_append (l->imap, message);
    }
}

static HdMailMessage *
sink_message (Loop  *l,
              guint  n)
{
  g_autoptr(GBytes) bytes = hd_test_smtp_message (l->smtp, n);

  return hd_mail_parse (bytes);
}

static void
test_request_and_reply (Loop          *l,
                        gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *envelope = NULL;
  g_autoptr(HdMailMessage) ack = NULL;

  SERVERS_OR_SKIP (l);

  deliver (l, 1, 2);
  g_assert_cmpint (run (l, &out, "mail", "fetch", NULL), ==, 0);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM tickets"), ==, 1);
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 1);
  ack = sink_message (l, 1);
  g_assert_nonnull (strstr (ack->subject, "[#1]"));
  g_assert_nonnull (ack->message_id);
  envelope = hd_test_smtp_envelope (l->smtp, 1);
  g_assert_nonnull (strstr (envelope, "person1@example.org"));
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM mail_outbox WHERE state = 'sent'"), ==, 1);

  /* The requester answers the acknowledgement: a reply on ticket 1. */
  reply = g_strdup_printf ("From: Person 1 <person1@example.org>\r\n"
                           "To: " HD_TEST_MAIL_USER "\r\n"
                           "Subject: Re: %s\r\n"
                           "Message-ID: <answer-1@example.org>\r\n"
                           "In-Reply-To: <%s>\r\n"
                           "References: <request-1@example.org> <%s>\r\n"
                           "\r\n"
                           "It is the one on the second floor.\r\n",
                           ack->subject, ack->message_id, ack->message_id);
  hd_test_imap_append (l->imap, reply);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (l, &out, "mail", "fetch", NULL), ==, 0);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM tickets"), ==, 1);
  g_assert_cmpint (query_int (l, "SELECT ticket_id FROM mail_messages"
                                 " WHERE message_id = 'answer-1@example.org'"), ==, 1);
  /* Both are marked handled: fetching again files nothing. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (l, &out, "mail", "fetch", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Fetched: 0;"));

  /* A public reply with a file leaves with the file. */
  {
    g_autofree char *file = g_build_filename (g_get_user_data_dir (), "driver-notes.txt", NULL);
    g_autoptr(HdMailMessage) answer = NULL;
    g_autoptr(GError) error = NULL;
    HdMailAttachment *attachment;

    g_assert_true (g_file_set_contents (file, "Install version 4.2, then restart.\n", -1, &error));
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run (l, &out, "ticket", "attach", "1", file, "--body", "Here are the notes.", NULL), ==, 0);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run (l, &out, "mail", "send", NULL), ==, 0);
    g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 2);
    answer = sink_message (l, 2);
    g_assert_nonnull (strstr (answer->body, "Here are the notes."));
    g_assert_cmpuint (answer->attachments->len, ==, 1);
    attachment = g_ptr_array_index (answer->attachments, 0);
    g_assert_cmpstr (attachment->name, ==, "driver-notes.txt");
    g_assert_cmpmem (g_bytes_get_data (attachment->data, NULL), g_bytes_get_size (attachment->data),
                     "Install version 4.2, then restart.\n", 35);
  }
}

static void
test_two_desks (Loop          *l,
                gconstpointer  data)
{
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autofree char *out_a = NULL, *out_b = NULL;

  SERVERS_OR_SKIP (l);

  deliver (l, 1, 41);
  a = spawn_cli (l, NULL, FALSE, "mail", "fetch", NULL);
  b = spawn_cli (l, NULL, FALSE, "mail", "fetch", NULL);
  g_assert_cmpint (finish (a, &out_a), ==, 0);
  g_assert_cmpint (finish (b, &out_b), ==, 0);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM tickets"), ==, 40);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM mail_messages WHERE direction = 'in'"), ==, 40);
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 40);

  /* Without the lease, two desks reading at once still file each once. */
  deliver (l, 41, 61);
  g_clear_object (&a);
  g_clear_object (&b);
  a = spawn_cli (l, NULL, FALSE, "mail", "fetch", NULL);
  for (guint i = 0; i < 500 && query_int (l, "SELECT count(*) FROM mail_lease") == 0; i++)
    g_usleep (10 * 1000);
  exec_sql (l, "DELETE FROM mail_lease");
  b = spawn_cli (l, NULL, FALSE, "mail", "fetch", NULL);
  finish (a, NULL);
  finish (b, NULL);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM tickets"), ==, 60);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM mail_messages WHERE direction = 'in'"), ==, 60);
}

static void
test_killed_before_mark (Loop          *l,
                         gconstpointer  data)
{
  g_autoptr(GSubprocess) killed = NULL;
  g_autofree char *out = NULL;

  SERVERS_OR_SKIP (l);

  deliver (l, 1, 6);
  killed = spawn_cli (l, NULL, TRUE, "mail", "fetch", NULL);
  g_subprocess_wait (killed, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (killed));
  g_assert_cmpint (g_subprocess_get_term_sig (killed), ==, SIGABRT);
  /* Filed, not marked, nothing sent yet. */
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM tickets"), ==, 5);
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 0);

  /* Its lease holds another desk back until it expires. */
  g_assert_cmpint (run (l, &out, "mail", "fetch", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Another desk"));
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 0);
  exec_sql (l, "UPDATE mail_lease SET expires_at = 0");

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (l, &out, "mail", "fetch", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "filed before: 5;"));
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM tickets"), ==, 5);
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 5);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (l, &out, "mail", "fetch", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Fetched: 0;"));
}

static void
test_sink_down (Loop          *l,
                gconstpointer  data)
{
  g_autofree char *out = NULL;

  SERVERS_OR_SKIP (l);

  deliver (l, 1, 3);
  g_clear_pointer (&l->smtp, hd_test_smtp_stop);
  g_assert_cmpint (run (l, &out, "mail", "fetch", NULL), ==, 6);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM tickets"), ==, 2);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM mail_outbox"
                                 " WHERE state = 'queued' AND attempts = 1"), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (l, &out, "mail", "queue", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"state\" : \"queued\""));

  /* Not due yet: nothing is tried. */
  l->smtp = hd_test_smtp_start (l->imap, HD_MAIL_SECURITY_STARTTLS);
  set_smtp_port (l);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (l, &out, "mail", "send", NULL), ==, 0);
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 0);

  /* A minute later: each sent once. */
  exec_sql (l, "UPDATE mail_outbox SET next_try_at = next_try_at - 61000000");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (l, &out, "mail", "send", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Sent: 2;"));
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (l, &out, "mail", "send", NULL), ==, 0);
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 2);
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM mail_outbox"
                                 " WHERE state = 'sent' AND attempts = 2"), ==, 2);
}

static void
test_autoresponder (Loop          *l,
                    gconstpointer  data)
{
  guint answered = 0;

  SERVERS_OR_SKIP (l);

  deliver (l, 1, 2);
  /* An autoresponder answers everything that reaches it, as some do
   * without saying they are automatic, others saying so. */
  for (guint round = 0; round < 6; round++)
    {
      g_autofree char *out = NULL;
      guint count;

      g_assert_cmpint (run (l, &out, "mail", "fetch", NULL), ==, 0);
      count = hd_test_smtp_count (l->smtp);
      for (; answered < count; answered++)
        {
          g_autoptr(HdMailMessage) got = sink_message (l, answered + 1);
          g_autofree char *auto_reply = NULL;

          auto_reply = g_strdup_printf ("From: Person 1 <person1@example.org>\r\n"
                                        "To: " HD_TEST_MAIL_USER "\r\n"
                                        "Subject: Out of office: %s\r\n"
                                        "Message-ID: <away-%u@example.org>\r\n"
                                        "In-Reply-To: <%s>\r\n"
                                        "%s"
                                        "\r\n"
                                        "I am away until Monday.\r\n",
                                        got->subject, answered, got->message_id,
                                        answered % 2 == 0 ? "Auto-Submitted: auto-replied\r\n" : "");
          hd_test_imap_append (l->imap, auto_reply);
        }
    }
  g_assert_cmpint (query_int (l, "SELECT count(*) FROM tickets"), ==, 1);
  g_assert_cmpint (hd_test_smtp_count (l->smtp), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  hd_mail_init ();

#define ADD(path, func) g_test_add (path, Loop, NULL, loop_set_up, func, loop_tear_down)
  ADD ("/mail/loop/request-and-reply", test_request_and_reply);
  ADD ("/mail/loop/two-desks", test_two_desks);
  ADD ("/mail/loop/killed-before-mark", test_killed_before_mark);
  ADD ("/mail/loop/sink-down", test_sink_down);
  ADD ("/mail/loop/autoresponder", test_autoresponder);
#undef ADD

  the_keyring = hd_test_keyring_start ();
  status = g_test_run ();
  hd_test_keyring_stop (the_keyring);
  return status;
}
