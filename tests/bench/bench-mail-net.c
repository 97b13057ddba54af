/* bench-mail-net.c — the mail transport's speed against the test servers
 *
 * Dovecot and the SMTP sink of the mail suite (tests/hd-test-mail.c) on
 * 127.0.0.1, over TLS (IMAPS) and STARTTLS (submission):
 *
 * - fetch: MESSAGES messages (2 000 unless --messages says otherwise), of
 *   about 3 KiB, listed, each read raw by UID, then all marked handled;
 * - fetch-and-mark: the same, each message marked as soon as it is read,
 *   as a fetcher that commits one message at a time does (a tenth of them);
 * - send: SENDS messages (1 000 unless --sends) through the sink, one
 *   connection each, as the outbox sends them.
 *
 * Only the transport is timed: parsing and filing are not part of it.
 * Every figure is one line
 *
 *   bench: mail-net <what> <value> <unit>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "hd-imap.h"
#include "hd-smtp.h"
#include "hd-test-mail.h"

static int n_messages = 2000;
static int n_sends = 1000;

static void
report (const char *what,
        double      value,
        const char *unit)
{
  printf ("bench: mail-net %s %.*f %s\n", what, value >= 100 ? 1 : 2, value, unit);
  fflush (stdout);
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Messages per second over @total, and the 95th percentile of @times. */
static void
report_run (const char *what,
            GArray     *times,
            gint64      total)
{
  g_autofree char *rate = g_strdup_printf ("%s-rate", what);
  g_autofree char *p95 = g_strdup_printf ("%s-p95", what);
  g_autofree char *median = g_strdup_printf ("%s-median", what);

  g_array_sort (times, compare_times);
  report (rate, times->len / (total / (double) G_USEC_PER_SEC), "messages/s");
  report (median, g_array_index (times, gint64, times->len / 2) / 1000.0, "ms");
  report (p95, g_array_index (times, gint64, (times->len * 95) / 100) / 1000.0, "ms");
}

static char *
make_message (guint n)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          "From: Requester %u <req%u@office.test>\r\n"
                          "To: support@helpdesk.test\r\n"
                          "Subject: Request number %u\r\n"
                          "Message-ID: <bench-%u@office.test>\r\n"
                          "Date: Mon, 7 Dec 2026 10:00:00 +0100\r\n"
                          "\r\n", n, n, n, n);
  for (guint line = 0; line < 40; line++)
    g_string_append (text, "The printer on the second floor prints only blank pages again.\r\n");
  return g_string_free (text, FALSE);
}

static void
fill_inbox (HdTestImap *imap,
            guint       count)
{
  for (guint i = 1; i <= count; i++)
    {
      g_autofree char *message = make_message (i);

      hd_test_imap_append (imap, message);
    }
}

static HdImapSession *
open_session (HdMailAccount *account)
{
  g_autoptr(GError) error = NULL;
  HdImapSession *session = hd_imap_session_new (account, HD_TEST_MAIL_PASSWORD);

  if (!hd_imap_session_open (session, NULL, &error))
    g_error ("bench-mail-net: %s", error->message);
  return session;
}

static void
fetch_one (HdImapSession *session,
           guint32        uid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = hd_imap_session_fetch (session,
                                                   hd_imap_session_get_uidvalidity (session),
                                                   uid, 0, NULL, &error);

  if (bytes == NULL)
    g_error ("bench-mail-net: fetch %u: %s", uid, error->message);
}

static void
mark (HdImapSession *session,
      const guint32 *uids,
      guint          n)
{
  g_autoptr(GError) error = NULL;

  if (!hd_imap_session_mark_handled (session, hd_imap_session_get_uidvalidity (session),
                                     uids, n, NULL, &error))
    g_error ("bench-mail-net: mark: %s", error->message);
}

static GArray *
list (HdImapSession *session)
{
  g_autoptr(GError) error = NULL;
  GArray *uids = hd_imap_session_list_unhandled (session, NULL, &error);

  if (uids == NULL)
    g_error ("bench-mail-net: list: %s", error->message);
  return uids;
}

/* Everything read, then everything marked at once. */
static void
bench_fetch (HdMailAccount *account)
{
  g_autoptr(HdImapSession) session = open_session (account);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) uids = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 marked;

  uids = list (session);
  g_assert_cmpuint (uids->len, ==, (guint) n_messages);
  for (guint i = 0; i < uids->len; i++)
    {
      gint64 before = g_get_monotonic_time ();

      fetch_one (session, g_array_index (uids, guint32, i));
      g_array_append_vals (times, (gint64[]) { g_get_monotonic_time () - before }, 1);
    }
  marked = g_get_monotonic_time ();
  mark (session, (guint32 *) uids->data, uids->len);
  report ("mark-all", (g_get_monotonic_time () - marked) / 1000.0, "ms");
  report_run ("fetch", times, g_get_monotonic_time () - start);
}

/* Each message marked as soon as it is read. */
static void
bench_fetch_and_mark (HdMailAccount *account,
                      HdTestImap    *imap)
{
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) uids = NULL;
  guint count = MAX (n_messages / 10, 1);
  gint64 start;

  fill_inbox (imap, count);
  session = open_session (account);
  start = g_get_monotonic_time ();
  uids = list (session);
  g_assert_cmpuint (uids->len, ==, count);
  for (guint i = 0; i < uids->len; i++)
    {
      guint32 uid = g_array_index (uids, guint32, i);
      gint64 before = g_get_monotonic_time ();

      fetch_one (session, uid);
      mark (session, &uid, 1);
      g_array_append_vals (times, (gint64[]) { g_get_monotonic_time () - before }, 1);
    }
  report_run ("fetch-and-mark", times, g_get_monotonic_time () - start);
}

static void
bench_send (HdMailAccount *account)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *to[] = { "ann@office.test", "bob@office.test", NULL };
  gint64 start = g_get_monotonic_time ();

  for (int i = 1; i <= n_sends; i++)
    {
      g_autofree char *text = make_message (i);
      g_autoptr(GBytes) message = g_bytes_new_take (g_steal_pointer (&text), strlen (text));
      g_autoptr(GError) error = NULL;
      gint64 before = g_get_monotonic_time ();

      if (!hd_smtp_send (account, HD_TEST_MAIL_PASSWORD, NULL, to, message, NULL, NULL, &error))
        g_error ("bench-mail-net: send %d: %s", i, error->message);
      g_array_append_vals (times, (gint64[]) { g_get_monotonic_time () - before }, 1);
    }
  report_run ("send", times, g_get_monotonic_time () - start);
}

static void
bench (void)
{
  g_autoptr(HdTestImap) imap = hd_test_imap_start ();
  g_autoptr(HdTestSmtp) smtp = NULL;
  g_autoptr(HdMailAccount) account = NULL;

  if (imap == NULL)
    return;
  smtp = hd_test_smtp_start (imap, HD_MAIL_SECURITY_STARTTLS);
  if (smtp == NULL)
    return;
  account = hd_test_mail_account (imap, smtp);

  fill_inbox (imap, n_messages);
  bench_fetch (account);
  bench_fetch_and_mark (account, imap);
  bench_send (account);
  g_assert_cmpuint (hd_test_smtp_count (smtp), ==, (guint) n_sends);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
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
      g_printerr ("bench-mail-net: %s\n", error->message);
      return 2;
    }
  g_test_add_func ("/bench/mail-net", bench);
  return g_test_run ();
}
