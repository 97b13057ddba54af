/* bench-mail-import.c — received mail filed into a large helpdesk file
 *
 * Files --messages messages (2 000) into a copy of --file (a helpdesk file
 * whose dispatcher is "disp", such as /work/bench-data's; without --file a
 * small one is made), each read, classified and filed in its own
 * transaction as fetched mail is: new requests in Thunderbird, Outlook
 * (HTML only) and Gmail (alternative) shapes from 300 senders, a tenth
 * with a PDF, a third of them replies quoting an earlier message, one in
 * twelve an out-of-office reply. Prints
 *
 *   bench: mail import <n> messages  <r> filed/s (goal >= 100)  p50 <ms>  p95 <ms>
 *   bench: outcomes tickets <t> replies <r> not-filed <n>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "hd-mail.h"

#define SEED 20261207
#define GOAL_PER_SECOND 100.0

static char *file;
static int messages = 2000;

static GBytes *
make_message (GRand     *rand,
              int        i,
              GPtrArray *sent)
{
  g_autoptr(GString) s = g_string_new (NULL);
  int sender = g_rand_int_range (rand, 0, 300);
  int kind = g_rand_int_range (rand, 0, 12);
  gboolean reply = sent->len > 0 && g_rand_int_range (rand, 0, 3) == 0;

  g_string_append_printf (s, "From: Person %d <person%d@example.org>\n", sender, sender);
  g_string_append (s, "To: support@office.example\nDate: Mon, 7 Dec 2026 09:00:00 +0100\n");
  g_string_append_printf (s, "Message-ID: <bench-%d-%u@example.org>\n", i, g_rand_int (rand));
  if (kind == 0)
    g_string_append (s, "Auto-Submitted: auto-replied\nSubject: Out of office\n");
  else if (reply)
    {
      const char *to = g_ptr_array_index (sent, g_rand_int_range (rand, 0, sent->len));

      g_string_append_printf (s, "Subject: Re: request\nIn-Reply-To: <%s>\nReferences: <%s>\n",
                              to, to);
    }
  else
    g_string_append_printf (s, "Subject: Request %d: printer %d jams on tray %d\n", i,
                            g_rand_int_range (rand, 1, 40), g_rand_int_range (rand, 1, 4));
  g_string_append (s, "MIME-Version: 1.0\n");

  if (kind % 3 == 1)
    g_string_append (s, "Content-Type: text/html; charset=windows-1252\n\n"
                        "<html><head><style>p{}</style></head><body><p>Hello,</p>"
                        "<p>the printer on the second floor jams again \x96 tray 2.</p>"
                        "<p>Thanks</p></body></html>\n");
  else if (kind == 2 || kind == 5)
    g_string_append (s, "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
                        "Content-Type: text/plain; charset=utf-8\n\nSee the scan.\n\n"
                        "On Mon, Dec 7, 2026 at 9:00 AM Desk <support@office.example> wrote:\n"
                        "> old text\n--b\nContent-Type: application/pdf\n"
                        "Content-Disposition: attachment; filename=\"scan.pdf\"\n"
                        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJSVFT0YK\n--b--\n");
  else
    g_string_append (s, "Content-Type: text/plain; charset=utf-8\n\n"
                        "Hello,\n\nthe printer jams on every second page since this morning.\n\n"
                        "On Mon, Dec 7, 2026 at 9:00 AM Desk <support@office.example> wrote:\n"
                        "> Your request has been received.\n");
  return g_bytes_new (s->str, s->len);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static char *
copy_file (const char *dir)
{
  g_autofree char *target = g_build_filename (dir, "bench.helpdesk", NULL);
  g_autofree char *command = NULL;
  g_autofree char *locking = g_strconcat (file, ".locking", NULL);
  int status = 0;

  command = g_strdup_printf ("cp --sparse=always '%s' '%s'", file, target);
  if (!g_spawn_command_line_sync (command, NULL, NULL, &status, NULL) || status != 0)
    {
      g_printerr ("bench-mail-import: cannot copy %s\n", file);
      exit (1);
    }
  if (g_file_test (locking, G_FILE_TEST_EXISTS))
    {
      g_autofree char *lock_target = g_strconcat (target, ".locking", NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (locking, &contents, &length, NULL))
        g_file_set_contents (lock_target, contents, length, NULL);
    }
  return g_steal_pointer (&target);
}

static HdStore *
open_bench (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  HdStore *store;

  if (file != NULL)
    {
      path = copy_file (dir);
      store = hd_store_open (path, "disp", &error);
    }
  else
    {
      path = g_build_filename (dir, "small.helpdesk", NULL);
      store = hd_store_create (path, "disp", "Bench", &error);
    }
  if (store == NULL)
    {
      g_printerr ("bench-mail-import: %s\n", error->message);
      exit (1);
    }
  return store;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, "A helpdesk file to copy", "FILE" },
    { "messages", 0, 0, G_OPTION_ARG_INT, &messages, "Messages to file", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *ms = NULL;
  guint outcomes[4] = { 0, };
  gint64 start, total;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-mail-import: %s\n", error->message);
      return 2;
    }

  hd_mail_init ();
  dir = g_dir_make_tmp ("bench-mail-XXXXXX", &error);
  g_assert_no_error (error);
  store = open_bench (dir);
  ms = g_new0 (double, messages);

  start = g_get_monotonic_time ();
  for (int i = 0; i < messages; i++)
    {
      g_autoptr(GBytes) raw = make_message (rand, i, sent);
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(HdMailMessage) msg = hd_mail_parse (raw);
      HdMailFiling filing;

      if (!hd_store_file_mail (store, msg, &filing, &error))
        {
          g_printerr ("bench-mail-import: message %d: %s\n", i, error->message);
          return 1;
        }
      ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
      outcomes[filing.outcome]++;
      if (filing.outcome == HD_MAIL_FILED_TICKET && msg->message_id != NULL)
        g_ptr_array_add (sent, g_strdup (msg->message_id));
      hd_mail_filing_clear (&filing);
    }
  total = g_get_monotonic_time () - start;

  qsort (ms, messages, sizeof (double), compare_doubles);
  printf ("bench: mail import %d messages  %.0f filed/s (goal >= %.0f)  p50 %.1f ms  p95 %.1f ms\n",
          messages, messages / (total / 1e6), GOAL_PER_SECOND, ms[messages / 2],
          ms[(int) (messages * 0.95)]);
  printf ("bench: outcomes tickets %u replies %u not-filed %u filed-before %u\n",
          outcomes[HD_MAIL_FILED_TICKET], outcomes[HD_MAIL_FILED_REPLY],
          outcomes[HD_MAIL_NOT_FILED], outcomes[HD_MAIL_ALREADY_FILED]);

  g_clear_object (&store);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);

    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  return messages / (total / 1e6) >= GOAL_PER_SECOND ? 0 : 1;
}
