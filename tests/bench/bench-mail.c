/* bench-mail.c — the mail loop's passes, timed: fetched, filed and
 * acknowledged
 *
 * Starts the mail suite's Dovecot and SMTP sink (tests/hd-test-mail.c),
 * delivers --messages requests (2 000) from as many senders to the
 * mailbox, and runs one fetch pass (hd_mail_fetch_pass(): read by UID,
 * parsed, filed each in its own transaction, marked in batches) into a
 * copy of --file (a helpdesk file whose dispatcher is "disp", such as
 * /work/bench-data's 100k one; without --file a small one is made), then
 * one send pass of --sends acknowledgements (1 000) through the sink.
 * Prints
 *
 *   bench: mail fetch <n> messages  <r> filed/s (goal >= 100)  p50 <ms>  p95 <ms>  in <c> commits
 *   bench: mail send <n> messages  <r> sent/s  p50 <ms>  p95 <ms>
 *
 * Per message sent is the time between one message's end and the
 * next's. Received messages are filed a few to a transaction, so that
 * gap comes in bursts; per message filed is its time from the start of
 * its batch (the first fetch) to the commit that filed it, the marking of
 * the batch before included.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "hd-mail.h"
#include "hd-mail-loop.h"
#include "hd-test-mail.h"

#define GOAL_PER_SECOND 100.0

static char *file;
static int n_messages = 2000;
static int n_sends = 1000;

typedef struct {
  GArray *times;
  GArray *waits;       /* fetch: from its batch's start to its commit */
  guint   commits;     /* the last tick's */
  gint64  batch_start;
  gint64  last;
  guint   stop_after;  /* send: this many, then cancel */
  GCancellable *cancellable;
} Clock;

static void
tick (const HdMailPassReport *report,
      gpointer                user_data)
{
  Clock *clock = user_data;
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (clock->times, (gint64) { now - clock->last });
  if (report->commits != clock->commits)
    {
      /* The first message of a batch: it began when the last one ended. */
      clock->commits = report->commits;
      clock->batch_start = clock->last;
    }
  if (clock->waits != NULL)
    g_array_append_val (clock->waits, (gint64) { now - clock->batch_start });
  clock->last = now;
  if (clock->stop_after != 0 && clock->times->len >= clock->stop_after)
    g_cancellable_cancel (clock->cancellable);
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        const char *rate_unit,
        GArray     *times,
        gint64      total,
        gboolean    goal,
        const char *tail)
{
  g_array_sort (times, compare_times);
  printf ("bench: mail %s %u messages  %.1f %s%s  p50 %.2f ms  p95 %.2f ms%s\n", what, times->len,
          times->len / (total / (double) G_USEC_PER_SEC), rate_unit,
          goal ? " (goal >= 100)" : "",
          g_array_index (times, gint64, times->len / 2) / 1000.0,
          g_array_index (times, gint64, (times->len * 95) / 100) / 1000.0, tail);
  fflush (stdout);
}

static char *
copy_file (const char *dir)
{
  g_autofree char *target = g_build_filename (dir, "bench.helpdesk", NULL);
  g_autofree char *locking = g_strconcat (file, ".locking", NULL);
  const char *argv[] = { "cp", "--sparse=always", file, target, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, NULL) || status != 0)
    g_error ("bench-mail: cannot copy %s", file);
  if (g_file_test (locking, G_FILE_TEST_EXISTS))
    {
      g_autofree char *lock_target = g_strconcat (target, ".locking", NULL);
      const char *lock_argv[] = { "cp", locking, lock_target, NULL };

      g_spawn_sync (NULL, (char **) lock_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    NULL, NULL);
    }
  return g_steal_pointer (&target);
}

static HdStore *
open_bench (const char  *dir,
            char       **path)
{
  g_autoptr(GError) error = NULL;
  HdStore *store;

  if (file != NULL)
    {
      *path = copy_file (dir);
      store = hd_store_open (*path, "disp", &error);
    }
  else
    {
      *path = g_build_filename (dir, "small.helpdesk", NULL);
      store = hd_store_create (*path, "disp", "Bench", &error);
    }
  if (store == NULL)
    g_error ("bench-mail: %s", error->message);
  return store;
}

static void
bench (void)
{
  g_autoptr(HdTestImap) imap = hd_test_imap_start ();
  g_autoptr(HdTestSmtp) smtp = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autoptr(HdMailSettings) settings = hd_mail_settings_new ();
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = NULL, *path = NULL, *commits = NULL;
  HdMailPassReport result = { 0, };
  Clock clock = { 0, };
  gint64 start;

  if (imap == NULL)
    return;
  smtp = hd_test_smtp_start (imap, HD_MAIL_SECURITY_STARTTLS);
  if (smtp == NULL)
    return;
  account = hd_test_mail_account (imap, smtp);

  dir = g_dir_make_tmp ("bench-mail-XXXXXX", &error);
  g_assert_no_error (error);
  store = open_bench (dir, &path);
  g_free (settings->address);
  settings->address = g_strdup (HD_TEST_MAIL_USER);
  g_free (settings->imap_host);
  settings->imap_host = g_strdup ("localhost");
  g_free (settings->smtp_host);
  settings->smtp_host = g_strdup ("localhost");
  g_free (settings->user_name);
  settings->user_name = g_strdup (HD_TEST_MAIL_USER);
  settings->enabled = TRUE;
  if (!hd_store_set_mail_settings (store, settings, 0, &error))
    g_error ("bench-mail: %s", error->message);

  for (int i = 1; i <= n_messages; i++)
    {
      g_autofree char *message = NULL;
      GString *text = g_string_new (NULL);

      g_string_append_printf (text, "From: Requester %d <bench-req%d@office.test>\r\n"
                              "To: " HD_TEST_MAIL_USER "\r\n"
                              "Subject: Request number %d\r\n"
                              "Message-ID: <bench-loop-%d@office.test>\r\n"
                              "Date: Mon, 7 Dec 2026 10:00:00 +0100\r\n"
                              "\r\n", i, i, i, i);
      for (guint line = 0; line < 40; line++)
        g_string_append (text, "The printer on the second floor prints only blank pages again.\r\n");
      message = g_string_free (text, FALSE);
      hd_test_imap_append (imap, message);
    }

  clock.times = g_array_new (FALSE, FALSE, sizeof (gint64));
  clock.waits = g_array_new (FALSE, FALSE, sizeof (gint64));
  start = clock.last = g_get_monotonic_time ();
  if (!hd_mail_fetch_pass (store, account, HD_TEST_MAIL_PASSWORD, "bench", &result, tick, &clock,
                           NULL, &error))
    g_error ("bench-mail: fetch: %s", error->message);
  g_assert_cmpuint (result.fetched, ==, (guint) n_messages);
  g_assert_cmpuint (result.tickets, ==, (guint) n_messages);
  g_assert_cmpuint (result.marked, ==, (guint) n_messages);
  commits = g_strdup_printf ("  in %u commits", result.commits);
  report ("fetch", "filed/s", clock.waits, g_get_monotonic_time () - start, TRUE, commits);
  g_clear_pointer (&clock.waits, g_array_unref);
  hd_mail_pass_report_clear (&result);

  /* The acknowledgements the fetch queued, --sends of them. */
  g_array_set_size (clock.times, 0);
  clock.stop_after = (guint) n_sends;
  clock.cancellable = cancellable;
  start = clock.last = g_get_monotonic_time ();
  if (!hd_mail_send_pass (store, account, HD_TEST_MAIL_PASSWORD, "bench", &result, tick, &clock,
                          cancellable, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_error ("bench-mail: send: %s", error->message);
  g_assert_cmpuint (result.sent, ==, (guint) MIN (n_sends, n_messages));
  g_assert_cmpuint (hd_test_smtp_count (smtp), ==, result.sent);
  report ("send", "sent/s", clock.times, g_get_monotonic_time () - start, FALSE, "");
  hd_mail_pass_report_clear (&result);
  g_array_unref (clock.times);

  g_clear_object (&store);
  {
    const char *argv[] = { "rm", "-rf", "--", dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, "A helpdesk file to copy", "FILE" },
    { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages to fetch", "N" },
    { "sends", 0, 0, G_OPTION_ARG_INT, &n_sends, "Messages to send", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-mail: %s\n", error->message);
      return 2;
    }
  hd_mail_init ();
  g_test_add_func ("/bench/mail", bench);
  return g_test_run ();
}
