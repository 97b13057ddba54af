/* bench-mail-window.c — the window's frames while it fetches the mail
 *
 * The real window (`helpdesk FILE`, as a person launches it) on a copy of
 * --file (a helpdesk file whose dispatcher is "disp", such as
 * /work/bench-data's 100k one; without --file a small one is made), with
 * its mailbox on the mail suite's Dovecot and SMTP sink
 * (tests/hd-test-mail.c) and the password in a keyring of the bench's own,
 * on the bus the window registers on. Once the window has done the fetch
 * it does on opening, --messages requests (2 000) are delivered to the
 * mailbox and fetched with Fetch Mail Now (the bench-fetch-now action, see
 * src/gui/hd-bench-marks.c): the fetch's rate, and the CPU time the GUI
 * thread (the window's main thread) spent meanwhile, which, unlike the
 * frames below, the computer's other work hardly moves:
 *
 *   bench: mail-window fetch <n> messages in <s> (<r> filed/s) with the window open
 *   bench: mail-window fetch GUI thread CPU <s> (<ms> per message)
 *
 * Then as many again are delivered, the frame clock is kept running (the
 * bench-frames action) for a second of idle, and Fetch Mail Now is
 * activated again. Every frame until the fetch has ended is timed: when
 * it began, and how long its update, layout and painting took. Prints,
 * for the idle second and the fetch:
 *
 *   bench: mail-window <phase> frames <n>  interval p50 <ms> p95 <ms> p99 <ms> max <ms>
 *          work p50 <ms> p95 <ms> max <ms>  longest stall <ms>  goal …  ok|MISSED
 *
 * The interval is from one frame's start to the next's (16.7 ms when the
 * GUI thread is free); the longest stall is the longest interval less
 * one frame: the time the GUI thread was kept from drawing. Goals: p95
 * interval at most 20 ms, longest stall under 50 ms (three frames).
 *
 * Needs a display: run it under xvfb-run, e.g.
 *   xvfb-run -a -s '-screen 0 1280x800x24' meson test -C _build --benchmark \
 *     bench-mail-window --test-args '--file /work/bench-data/kb50k-t100000.helpdesk'
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hd-mail.h"
#include "hd-mail-loop.h"
#include "hd-mail-secret.h"
#include "hd-test-mail.h"

#define FRAME_US     16667
#define GOAL_P95_MS  20.0
#define GOAL_STALL_MS 50.0

static char *file;
static int n_messages = 2000;

typedef struct {
  GSubprocess      *app;
  GDataInputStream *marks;
  char             *bus_path;   /* the application's object path */
  GArray           *starts;     /* gint64: each frame's start */
  GArray           *work;       /* gint64: each frame's work */
} Window;

/* The file */

static char *
copy_file (const char *dir)
{
  g_autofree char *target = g_build_filename (dir, "bench.helpdesk", NULL);
  g_autofree char *locking = g_strconcat (file, ".locking", NULL);
  const char *argv[] = { "cp", "--sparse=always", file, target, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, NULL) || status != 0)
    g_error ("bench-mail-window: cannot copy %s", file);
  if (g_file_test (locking, G_FILE_TEST_EXISTS))
    {
      g_autofree char *lock_target = g_strconcat (target, ".locking", NULL);
      const char *lock_argv[] = { "cp", locking, lock_target, NULL };

      g_spawn_sync (NULL, (char **) lock_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    NULL, NULL);
    }
  return g_steal_pointer (&target);
}

/* The mailbox on the test's servers, checked once an hour: the window
 * fetches on opening and on Fetch Now only. */
static char *
prepare_file (const char *dir,
              HdTestImap *imap,
              HdTestSmtp *smtp)
{
  g_autoptr(HdMailSettings) settings = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file_id = NULL;
  g_autofree char *path = NULL;

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
    g_error ("bench-mail-window: %s", error->message);

  settings = hd_test_mail_settings (imap, smtp);
  if (!hd_store_set_mail_settings (store, settings, 0, &error) ||
      (file_id = hd_store_get_file_uuid (store, &error)) == NULL)
    g_error ("bench-mail-window: %s", error->message);
  account = hd_mail_account_from_settings (settings);
  if (!hd_mail_password_store (file_id, account, HD_TEST_MAIL_PASSWORD, NULL, &error))
    g_error ("bench-mail-window: keyring: %s", error->message);
  return g_steal_pointer (&path);
}

static void
deliver (HdTestImap *imap,
         int         first)
{
  for (int i = first; i < first + n_messages; i++)
    {
      g_autofree char *message = NULL;
      GString *text = g_string_new (NULL);

      g_string_append_printf (text, "From: Requester %d <bench-req%d@office.test>\r\n"
                              "To: " HD_TEST_MAIL_USER "\r\n"
                              "Subject: Request from the window bench %d\r\n"
                              "Message-ID: <bench-window-%d@office.test>\r\n"
                              "Date: Mon, 7 Dec 2026 10:00:00 +0100\r\n"
                              "\r\n", i, i, i, i);
      for (guint line = 0; line < 40; line++)
        g_string_append (text, "The printer on the second floor prints only blank pages again.\r\n");
      message = g_string_free (text, FALSE);
      hd_test_imap_append (imap, message);
    }
}

/* The window and its marks */

static void
launch (Window     *w,
        const char *path,
        HdTestImap *imap)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GInputStream) pipe_in = NULL;
  g_autoptr(GError) error = NULL;
  int fds[2];

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error))
    g_error ("bench-mail-window: %s", error->message);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_BENCH_MARKS", "fd:3", TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", "disp", TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_MAIL_CA_FILE", hd_test_imap_ca_file (imap),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  w->app = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HELPDESK_APP"), path, NULL);
  if (w->app == NULL)
    g_error ("bench-mail-window: %s", error->message);
  pipe_in = g_unix_input_stream_new (fds[0], TRUE);
  w->marks = g_data_input_stream_new (pipe_in);
}

/* The next mark: its time, its word, and the rest in @args. Blocks. */
static gint64
next_mark (Window  *w,
           char   **word,
           char   **args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line (w->marks, NULL, NULL, &error);
  g_auto(GStrv) parts = NULL;

  if (line == NULL)
    g_error ("bench-mail-window: the window went away%s%s", error ? ": " : "",
             error ? error->message : "");
  parts = g_strsplit (line, " ", 3);
  *word = g_strdup (parts[1] != NULL ? parts[1] : "");
  *args = g_strdup (parts[1] != NULL && parts[2] != NULL ? parts[2] : "");
  return g_ascii_strtoll (parts[0], NULL, 10);
}

/* Reads marks until @wanted; frames on the way are kept. */
static void
wait_for (Window     *w,
          const char *wanted)
{
  for (;;)
    {
      g_autofree char *word = NULL, *args = NULL;
      gint64 at = next_mark (w, &word, &args);

      if (g_str_equal (word, "bus") && w->bus_path == NULL)
        w->bus_path = g_strdup (strchr (args, ' ') + 1);
      else if (g_str_equal (word, "frame"))
        {
          gint64 work = g_ascii_strtoll (args, NULL, 10);

          g_array_append_val (w->starts, at);
          g_array_append_val (w->work, work);
        }
      if (g_str_equal (word, wanted))
        return;
    }
}

static void
activate (Window     *w,
          const char *action,
          GVariant   *parameter)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder parameters;

  g_variant_builder_init (&parameters, G_VARIANT_TYPE ("av"));
  if (parameter != NULL)
    g_variant_builder_add (&parameters, "v", parameter);
  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, w->bus_path, "org.gtk.Actions",
                                       "Activate",
                                       g_variant_new ("(sava{sv})", action, &parameters, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (reply == NULL)
    g_error ("bench-mail-window: %s: %s", action, error->message);
}

/* The CPU time the window's GUI thread (its main thread) has used, in
 * µs: unlike the frames, hardly touched by what else the computer runs. */
static gint64
gui_thread_cpu (Window *w)
{
  const char *id = g_subprocess_get_identifier (w->app);
  g_autofree char *path = g_strdup_printf ("/proc/%s/task/%s/stat", id, id);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (id == NULL || !g_file_get_contents (path, &stat, NULL, NULL) ||
      (after_name = strrchr (stat, ')')) == NULL)
    return 0;
  /* After "pid (comm)": state is field 3, utime 14, stime 15. */
  fields = g_strsplit (after_name + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10)) *
         G_USEC_PER_SEC / sysconf (_SC_CLK_TCK);
}

/* Figures */

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *sorted,
               guint   percent)
{
  guint i = MIN (sorted->len - 1, (sorted->len * percent) / 100);

  return g_array_index (sorted, gint64, i) / 1000.0;
}

/* The frames from @first on, before @end (µs). */
static void
report (Window     *w,
        const char *phase,
        guint       first,
        guint       end)
{
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) work = g_array_new (FALSE, FALSE, sizeof (gint64));
  double p95, stall;

  for (guint i = first; i < end; i++)
    {
      g_array_append_val (work, g_array_index (w->work, gint64, i));
      if (i > first)
        g_array_append_val (intervals, (gint64) { g_array_index (w->starts, gint64, i) -
                                                  g_array_index (w->starts, gint64, i - 1) });
    }
  if (intervals->len == 0)
    {
      printf ("bench: mail-window %s no frames\n", phase);
      return;
    }
  g_array_sort (intervals, compare_times);
  g_array_sort (work, compare_times);
  p95 = percentile_ms (intervals, 95);
  stall = MAX (0.0, percentile_ms (intervals, 100) - FRAME_US / 1000.0);
  printf ("bench: mail-window %s frames %u  interval p50 %.1f ms p95 %.1f ms p99 %.1f ms max %.1f ms"
          "  work p50 %.1f ms p95 %.1f ms max %.1f ms  longest stall %.1f ms"
          "  goal p95 <= %.0f ms, stall < %.0f ms  %s\n",
          phase, work->len, percentile_ms (intervals, 50), p95, percentile_ms (intervals, 99),
          percentile_ms (intervals, 100), percentile_ms (work, 50), percentile_ms (work, 95),
          percentile_ms (work, 100), stall, GOAL_P95_MS, GOAL_STALL_MS,
          p95 <= GOAL_P95_MS && stall < GOAL_STALL_MS ? "ok" : "MISSED");
  fflush (stdout);
}

static void
bench (void)
{
  g_autoptr(HdTestImap) imap = NULL;
  g_autoptr(HdTestSmtp) smtp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *path = NULL;
  Window w = { 0, };
  guint idle_from, fetch_from;
  gint64 idle_until, fetch_start, fetch_end, cpu_start, cpu_end;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display: run under xvfb-run -a -s '-screen 0 1280x800x24'");
      return;
    }
  imap = hd_test_imap_start ();
  if (imap == NULL)
    return;
  smtp = hd_test_smtp_start (imap, HD_MAIL_SECURITY_STARTTLS);
  if (smtp == NULL)
    return;
  dir = g_dir_make_tmp ("bench-mail-window-XXXXXX", &error);
  g_assert_no_error (error);
  path = prepare_file (dir, imap, smtp);
  w.starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  w.work = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Opened, drawn, its first (empty) fetch done. */
  launch (&w, path, imap);
  wait_for (&w, "fetched");
  g_assert_nonnull (w.bus_path);

  /* What the window costs: a fetch with no frames asked for, the GUI
   * thread's CPU time (forced frames would cost more than the rest). */
  deliver (imap, 1);
  fetch_start = g_get_monotonic_time ();
  cpu_start = gui_thread_cpu (&w);
  activate (&w, "bench-fetch-now", NULL);
  wait_for (&w, "fetched");
  fetch_end = g_get_monotonic_time ();
  cpu_end = gui_thread_cpu (&w);
  printf ("bench: mail-window fetch %d messages in %.1f s (%.0f filed/s) with the window open\n",
          n_messages, (fetch_end - fetch_start) / (double) G_USEC_PER_SEC,
          n_messages / ((fetch_end - fetch_start) / (double) G_USEC_PER_SEC));
  printf ("bench: mail-window fetch GUI thread CPU %.2f s (%.2f ms per message)\n",
          (cpu_end - cpu_start) / (double) G_USEC_PER_SEC,
          (cpu_end - cpu_start) / 1000.0 / n_messages);
  fflush (stdout);

  /* What a person sees: as many again, a second of idle frames, then the
   * fetch, frame by frame. */
  deliver (imap, n_messages + 1);
  activate (&w, "bench-frames", g_variant_new_boolean (TRUE));
  idle_from = w.starts->len;
  idle_until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (w.starts->len == idle_from ||
         g_array_index (w.starts, gint64, w.starts->len - 1) < idle_until)
    wait_for (&w, "frame");
  fetch_from = w.starts->len;
  activate (&w, "bench-fetch-now", NULL);
  wait_for (&w, "fetched");
  activate (&w, "bench-frames", g_variant_new_boolean (FALSE));
  report (&w, "idle", idle_from, fetch_from);
  report (&w, "fetch", fetch_from, w.starts->len);

  activate (&w, "quit", NULL);
  g_subprocess_wait (w.app, NULL, NULL);
  g_clear_object (&w.app);
  g_clear_object (&w.marks);
  g_free (w.bus_path);
  g_array_unref (w.starts);
  g_array_unref (w.work);
  {
    const char *argv[] = { "rm", "-rf", "--", dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  }
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, "A helpdesk file to copy", "FILE" },
    { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages to fetch", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  HdTestKeyring *keyring;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-mail-window: %s\n", error->message);
      return 2;
    }
  hd_mail_init ();
  /* The bus the window registers on, with the keyring on it. */
  keyring = hd_test_keyring_start ();
  if (keyring == NULL)
    {
      g_printerr ("bench-mail-window: gnome-keyring is not installed\n");
      return 77;
    }
  g_test_add_func ("/bench/mail-window", bench);
  status = g_test_run ();
  hd_test_keyring_stop (keyring);
  return status;
}
