/* bench-commit.c — how long a change takes to commit and to reach others
 *
 * For a helpdesk file with POSIX locks and again with dot-file locks, in a
 * temporary folder (in --dir DIR when given, e.g. on a network share), this
 * measures
 *
 *  - the latency of typical changes through the core API, COMMITS of each:
 *    create a ticket, update a title, add a reply, assign (p50, p95, p99,
 *    max). Every change is one BEGIN IMMEDIATE…COMMIT with synchronous=FULL,
 *    so the fsyncs dominate; a plain 4 KiB write+fsync in the same folder is
 *    measured for comparison;
 *  - the same title updates while another process reads the file without
 *    pause (this program run with --reader: the first page of the list and
 *    the open count, again and again, as a busy window does), p50 … max,
 *    and how many reads it made meanwhile;
 *  - how long a change takes to appear in another process: a child (this
 *    program run with --monitor) watches the file with a HdStoreMonitor and
 *    prints the monotonic time of every change it is told about, while this
 *    process commits SEEN_CHANGES title updates with random pauses of 0–1 s;
 *    p50, p95 and max of (seen − committed), for the default interval (1 s)
 *    and for 100 ms. g_get_monotonic_time() is CLOCK_MONOTONIC, the same
 *    clock in every process of a Linux machine;
 *  - how long WRITERS processes (this program run with --writer) take to
 *    update the same ticket UPDATES times each, all at once, and the
 *    resulting throughput; and how many of the updates they were told were
 *    saved are missing from the ticket's version afterwards (lost). With
 *    --second-dir (the same folder as --dir through another mount, as a
 *    second desk sees it: two bindfs mounts of one folder) every other
 *    writer works through it, and only dot-file locking is measured:
 *    POSIX locks do not meet across such mounts.
 *
 * Every figure is one line
 *
 *   bench: <locking> <what> <value> <unit>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* fsync () under -std=c17 */
#define _POSIX_C_SOURCE 200809L

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hd-store.h"
#include "hd-store-monitor.h"

#define COMMITS 500
#define FSYNCS 200
#define SEEN_CHANGES 50
#define WRITERS 8
#define UPDATES 250
/* A monitor child that has not seen every change by then gives up. */
#define MONITOR_GIVE_UP_SECONDS 120

static const struct {
  const char *label;
  HdLocking   locking;
} lockings[] = {
  { "posix", HD_LOCKING_POSIX },
  { "dotfile", HD_LOCKING_DOTFILE },
};

/* Output */

static void
report (const char *label,
        const char *what,
        double      value,
        const char *unit)
{
  printf ("bench: %s %s %.*f %s\n", label, what, value >= 100 ? 1 : 2, value, unit);
  fflush (stdout);
}

static G_NORETURN void
die (const char   *what,
     const GError *error)
{
  g_printerr ("bench-commit: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest rank, of values sorted already. */
static double
percentile (const double *sorted,
            guint         n,
            double        p)
{
  guint rank = (guint) ceil (p / 100.0 * n);

  return sorted[CLAMP (rank, 1, n) - 1];
}

/* Reports @what_p50, _p95, (_p99,) _max of @values, in ms. */
static void
report_spread (const char *label,
               const char *what,
               double     *values,
               guint       n,
               gboolean    with_p99)
{
  g_autofree char *p50 = g_strconcat (what, "_p50", NULL);
  g_autofree char *p95 = g_strconcat (what, "_p95", NULL);
  g_autofree char *p99 = g_strconcat (what, "_p99", NULL);
  g_autofree char *max = g_strconcat (what, "_max", NULL);

  qsort (values, n, sizeof *values, compare_double);
  report (label, p50, percentile (values, n, 50), "ms");
  report (label, p95, percentile (values, n, 95), "ms");
  if (with_p99)
    report (label, p99, percentile (values, n, 99), "ms");
  report (label, max, values[n - 1], "ms");
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* Interrupted runs remove their files too. Only async-signal-safe calls;
 * the paths are filled in before the handler is installed. */

static char cleanup_dir[4096];
static char cleanup_files[G_N_ELEMENTS (lockings) * 3 + 1][4096];
static char cleanup_dirs[G_N_ELEMENTS (lockings)][4096];

static void
cleanup_on_signal (int signum)
{
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_files); i++)
    if (cleanup_files[i][0] != '\0')
      unlink (cleanup_files[i]);
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_dirs); i++)
    if (cleanup_dirs[i][0] != '\0')
      rmdir (cleanup_dirs[i]);
  if (cleanup_dir[0] != '\0')
    rmdir (cleanup_dir);
  _exit (128 + signum);
}

static char *
db_path (const char *dir,
         const char *label)
{
  g_autofree char *name = g_strconcat (label, ".db", NULL);

  return g_build_filename (dir, name, NULL);
}

static char *
probe_path (const char *dir)
{
  return g_build_filename (dir, "fsync-probe", NULL);
}

static void
install_cleanup (const char *dir)
{
  const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
  struct sigaction action = { .sa_handler = cleanup_on_signal };
  g_autofree char *probe = probe_path (dir);
  guint n = 0;

  g_strlcpy (cleanup_dir, dir, sizeof cleanup_dir);
  g_strlcpy (cleanup_files[n++], probe, sizeof cleanup_files[0]);
  for (guint i = 0; i < G_N_ELEMENTS (lockings); i++)
    {
      g_autofree char *path = db_path (dir, lockings[i].label);
      g_autofree char *journal = g_strconcat (path, "-journal", NULL);
      g_autofree char *record = hd_store_locking_path (path);
      g_autofree char *lock = g_strconcat (path, ".lock", NULL);

      g_strlcpy (cleanup_files[n++], path, sizeof cleanup_files[0]);
      g_strlcpy (cleanup_files[n++], journal, sizeof cleanup_files[0]);
      g_strlcpy (cleanup_files[n++], record, sizeof cleanup_files[0]);
      g_strlcpy (cleanup_dirs[i], lock, sizeof cleanup_dirs[0]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, NULL);
}

/* Removes everything in @dir (files and empty folders such as a left-over
 * FILE.lock), then @dir. */
static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  const char *name;

  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_remove (path) != 0)
        g_printerr ("bench-commit: could not remove %s: %s\n", path, g_strerror (errno));
    }

  if (g_rmdir (dir) != 0)
    g_printerr ("bench-commit: could not remove %s: %s\n", dir, g_strerror (errno));
}

static char *
filesystem_type (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_TYPE, NULL, NULL);
  if (info == NULL)
    return g_strdup ("unknown");
  return g_strdup (g_file_info_get_attribute_string (info, G_FILE_ATTRIBUTE_FILESYSTEM_TYPE));
}

/* Children */

static GSubprocess *
spawn_self (GSubprocessFlags   flags,
            const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  g_ptr_array_add (argv, (char *) "/proc/self/exe");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  child = g_subprocess_newv ((const char * const *) argv->pdata, flags, &error);
  if (child == NULL)
    die ("starting a child", error);
  return child;
}

static char *
read_child_line (GDataInputStream *out,
                 const char       *what)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

  if (line == NULL)
    die (what, error);
  return line;
}

static void
wait_child (GSubprocess *child,
            const char  *what)
{
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_check (child, NULL, &error))
    die (what, error);
}

/* The monitor child (--monitor): prints "ready" once the monitor has read
 * the file, then "seen <monotonic µs>" for every change it announces, and
 * quits after @expect changes. */

typedef struct {
  GMainLoop      *loop;
  HdStoreMonitor *monitor;
  int             expect;
  int             seen;
  gboolean        gave_up;
} Watch;

static void
changed_cb (HdStoreMonitor *monitor,
            GPtrArray      *changes,
            gpointer        user_data)
{
  Watch *watch = user_data;
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < changes->len; i++)
    printf ("seen %" G_GINT64_FORMAT "\n", now);
  fflush (stdout);

  watch->seen += changes->len;
  if (watch->seen >= watch->expect)
    g_main_loop_quit (watch->loop);
}

static void
failed_cb (HdStoreMonitor *monitor,
           const GError   *error,
           gpointer        user_data)
{
  g_printerr ("bench-commit: monitor: %s\n", error->message);
}

static gboolean
ready_cb (gpointer user_data)
{
  Watch *watch = user_data;

  /* The file has changes already, so the first good poll moves this. */
  if (hd_store_monitor_get_last_seq (watch->monitor) == 0)
    return G_SOURCE_CONTINUE;

  printf ("ready\n");
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

static gboolean
give_up_cb (gpointer user_data)
{
  Watch *watch = user_data;

  watch->gave_up = TRUE;
  g_main_loop_quit (watch->loop);
  return G_SOURCE_REMOVE;
}

static int
monitor_main (const char *path,
              int         interval,
              int         expect)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(HdStoreMonitor) monitor = hd_store_monitor_new (path, "disp");
  Watch watch = { .loop = loop, .monitor = monitor, .expect = expect };

  if (interval > 0)
    hd_store_monitor_set_interval (monitor, interval);
  g_signal_connect (monitor, "changed", G_CALLBACK (changed_cb), &watch);
  g_signal_connect (monitor, "failed", G_CALLBACK (failed_cb), &watch);
  g_timeout_add (10, ready_cb, &watch);
  g_timeout_add_seconds (MONITOR_GIVE_UP_SECONDS, give_up_cb, &watch);

  g_main_loop_run (loop);
  if (watch.gave_up)
    {
      g_printerr ("bench-commit: monitor saw %d of %d changes\n", watch.seen, watch.expect);
      return 1;
    }
  return 0;
}

/* A writer child (--writer): opens the file, prints "ready", waits for a
 * line on stdin, updates ticket 1 @updates times and prints how many
 * updates committed and how many failed. */
static int
writer_main (const char *path,
             int         updates)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "tech1", &error);
  char go[16];
  int committed = 0, failed = 0;

  if (store == NULL)
    die ("writer", error);
  hd_store_set_busy_timeout (store, 60000);

  printf ("ready\n");
  fflush (stdout);
  if (fgets (go, sizeof go, stdin) == NULL)
    return 1;

  for (int i = 0; i < updates; i++)
    {
      g_autofree char *title = g_strdup_printf ("Printer jams, update %d from %d", i,
                                                (int) getpid ());
      HdTicketChanges changes = { .title = title };
      g_autoptr(HdTicket) ticket = NULL;
      g_autoptr(GError) local_error = NULL;

      ticket = hd_store_update_ticket (store, 1, 0, &changes, &local_error);
      if (ticket != NULL)
        committed++;
      else if (failed++ == 0)
        g_printerr ("bench-commit: writer %d: %s\n", (int) getpid (), local_error->message);
    }

  printf ("%d %d\n", committed, failed);
  return 0;
}

/* A reader child (--reader): opens the file, prints "ready", then reads
 * the first page of the list and the count of open tickets, each in a
 * read transaction of its own, until its stdin closes; prints how many
 * times it did. */

typedef struct {
  HdStore      *store;
  volatile gint stop;
  guint         reads;
} Reader;

static gpointer
reader_stdin_thread (gpointer data)
{
  Reader *reader = data;
  char line[16];

  while (fgets (line, sizeof line, stdin) != NULL)
    ;
  g_atomic_int_set (&reader->stop, 1);
  return NULL;
}

static int
reader_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "tech2", &error);
  HdTicketFilter page = { .limit = 50 };
  HdTicketFilter open_only = { .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) |
                                              HD_STATUS_MASK (HD_STATUS_OPEN) };
  Reader reader = { store, 0, 0 };
  GThread *watch;

  if (store == NULL)
    die ("reader", error);
  hd_store_set_busy_timeout (store, 60000);

  watch = g_thread_new ("stdin", reader_stdin_thread, &reader);
  printf ("ready\n");
  fflush (stdout);

  while (!g_atomic_int_get (&reader.stop))
    {
      g_autoptr(GPtrArray) tickets = hd_store_list_tickets (store, &page, &error);
      guint count = 0;

      if (tickets == NULL || !hd_store_count_tickets (store, &open_only, &count, &error))
        die ("reading", error);
      reader.reads++;
    }

  g_thread_join (watch);
  printf ("%u\n", reader.reads);
  return 0;
}

/* Measurements */

static void
bench_fsync (const char *dir)
{
  g_autofree char *path = probe_path (dir);
  double times[FSYNCS];
  char block[4096];
  int fd;

  memset (block, 'x', sizeof block);
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    {
      g_printerr ("bench-commit: %s: %s\n", path, g_strerror (errno));
      exit (1);
    }

  for (guint i = 0; i < FSYNCS; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (pwrite (fd, block, sizeof block, 0) != sizeof block || fsync (fd) != 0)
        {
          g_printerr ("bench-commit: %s: %s\n", path, g_strerror (errno));
          exit (1);
        }
      times[i] = ms_since (start);
    }

  close (fd);
  g_unlink (path);
  report_spread ("disk", "write4k_fsync", times, FSYNCS, FALSE);
}

/* COMMITS title updates of tickets @first … while a reader child reads
 * the same file. */
static void
bench_commits_reading (HdStore    *store,
                       const char *label,
                       gint64      first)
{
  static double update[COMMITS];
  const char *args[] = { "--reader", hd_store_get_path (store), NULL };
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *reads = NULL;
  g_autoptr(GError) error = NULL;

  child = spawn_self (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, args);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  ready = read_child_line (out, "reader child");
  if (g_strcmp0 (ready, "ready") != 0)
    die ("the reader child did not start", NULL);

  for (guint i = 0; i < COMMITS; i++)
    {
      g_autofree char *title = g_strdup_printf ("Printer on floor %u prints blank pages", i % 7);
      HdTicketChanges changes = { .title = title };
      g_autoptr(HdTicket) ticket = NULL;
      gint64 start = g_get_monotonic_time ();

      ticket = hd_store_update_ticket (store, first + i, 0, &changes, &error);
      update[i] = ms_since (start);
      if (ticket == NULL)
        die ("updating a ticket while another process reads", error);
    }

  if (!g_output_stream_close (g_subprocess_get_stdin_pipe (child), NULL, &error))
    die ("stopping the reader", error);
  reads = read_child_line (out, "reader child");
  wait_child (child, "reader child");

  report_spread (label, "commit_update_reading", update, COMMITS, TRUE);
  report (label, "commit_update_reading_reads", g_ascii_strtod (reads, NULL), "reads");
}

static void
bench_commits (HdStore    *store,
               const char *label)
{
  static double create[COMMITS], update[COMMITS], reply[COMMITS], assign[COMMITS];
  g_autoptr(GError) error = NULL;
  gint64 first = 0;

  for (guint i = 0; i < COMMITS; i++)
    {
      g_autofree char *title = g_strdup_printf ("Printer on floor %u does not print", i % 7);
      HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
      g_autoptr(HdTicket) ticket = NULL;
      gint64 start;

      draft.title = title;
      draft.description = "Since this morning every job stays in the queue. I restarted the"
                          " printer twice but nothing changed.";
      draft.category = "Printing";
      start = g_get_monotonic_time ();
      ticket = hd_store_create_ticket (store, &draft, &error);
      create[i] = ms_since (start);
      if (ticket == NULL)
        die ("creating a ticket", error);
      if (i == 0)
        first = hd_ticket_get_number (ticket);
    }

  for (guint i = 0; i < COMMITS; i++)
    {
      g_autofree char *title = g_strdup_printf ("Printer on floor %u jams on every page",
                                                i % 7);
      HdTicketChanges changes = { .title = title };
      g_autoptr(HdTicket) ticket = NULL;
      gint64 start = g_get_monotonic_time ();

      ticket = hd_store_update_ticket (store, first + i, 0, &changes, &error);
      update[i] = ms_since (start);
      if (ticket == NULL)
        die ("updating a ticket", error);
    }

  for (guint i = 0; i < COMMITS; i++)
    {
      g_autoptr(HdTicketEvent) event = NULL;
      gint64 start = g_get_monotonic_time ();

      event = hd_store_add_comment (store, first + i,
                                    "I have restarted the print server; please try again.",
                                    FALSE, &error);
      reply[i] = ms_since (start);
      if (event == NULL)
        die ("adding a reply", error);
    }

  for (guint i = 0; i < COMMITS; i++)
    {
      g_autoptr(HdTicket) ticket = NULL;
      gint64 start = g_get_monotonic_time ();

      ticket = hd_store_assign_ticket (store, first + i, 0, i % 2 ? "tech1" : "tech2", &error);
      assign[i] = ms_since (start);
      if (ticket == NULL)
        die ("assigning a ticket", error);
    }

  bench_commits_reading (store, label, first);

  report_spread (label, "commit_create", create, COMMITS, TRUE);
  report_spread (label, "commit_update", update, COMMITS, TRUE);
  report_spread (label, "commit_reply", reply, COMMITS, TRUE);
  report_spread (label, "commit_assign", assign, COMMITS, TRUE);
}

/* Commits SEEN_CHANGES title updates of ticket 1 while a monitor child
 * polling every @interval ms watches the file. */
static void
bench_seen (HdStore    *store,
            const char *label,
            guint       interval,
            GRand      *rand)
{
  g_autofree char *interval_text = g_strdup_printf ("%u", interval);
  g_autofree char *expect_text = g_strdup_printf ("%d", SEEN_CHANGES);
  g_autofree char *what = g_strdup_printf ("seen_%ums", interval);
  const char *args[] = { "--monitor", hd_store_get_path (store), "--interval", interval_text,
                         "--expect", expect_text, NULL };
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *ready = NULL;
  g_autoptr(GError) error = NULL;
  gint64 committed[SEEN_CHANGES];
  double latency[SEEN_CHANGES];

  child = spawn_self (G_SUBPROCESS_FLAGS_STDOUT_PIPE, args);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  ready = read_child_line (out, "monitor child");
  if (g_strcmp0 (ready, "ready") != 0)
    die ("the monitor child did not start", NULL);

  for (guint i = 0; i < SEEN_CHANGES; i++)
    {
      g_autofree char *title = g_strdup_printf ("Scanner in room %u is not recognised", i);
      HdTicketChanges changes = { .title = title };
      g_autoptr(HdTicket) ticket = NULL;

      g_usleep (g_rand_int_range (rand, 0, G_USEC_PER_SEC + 1));
      ticket = hd_store_update_ticket (store, 1, 0, &changes, &error);
      committed[i] = g_get_monotonic_time ();
      if (ticket == NULL)
        die ("updating a ticket", error);
    }

  /* Changes are announced in commit order, one line each. */
  for (guint i = 0; i < SEEN_CHANGES; i++)
    {
      g_autofree char *line = read_child_line (out, "monitor child");
      gint64 seen;

      if (sscanf (line, "seen %" G_GINT64_FORMAT, &seen) != 1)
        die ("the monitor child printed something else", NULL);
      latency[i] = (seen - committed[i]) / 1000.0;
    }
  wait_child (child, "monitor child");

  report_spread (label, what, latency, SEEN_CHANGES, FALSE);
}

/* WRITERS processes update ticket 1 UPDATES times each, all at once. */
static char *second_dir;

/* The file as the second desk sees it, or @path without --second-dir. */
static char *
second_desk_path (const char *path)
{
  g_autofree char *file = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *folder = g_path_get_basename (dir);

  if (second_dir == NULL)
    return g_strdup (path);
  return g_build_filename (second_dir, folder, file, NULL);
}

static gint64
ticket_version (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "disp", &error);
  g_autoptr(HdTicket) ticket = NULL;

  if (store == NULL || (ticket = hd_store_get_ticket (store, 1, &error)) == NULL)
    die ("reading the ticket", error);
  return hd_ticket_get_version (ticket);
}

static void
bench_writers (const char *path,
               const char *label)
{
  g_autofree char *updates_text = g_strdup_printf ("%d", UPDATES);
  g_autofree char *second = second_desk_path (path);
  const char *args[] = { "--writer", path, "--updates", updates_text, NULL };
  GSubprocess *children[WRITERS];
  GDataInputStream *outs[WRITERS];
  g_autofree char *total = g_strdup_printf ("writers%d_total", WRITERS);
  g_autofree char *throughput = g_strdup_printf ("writers%d_throughput", WRITERS);
  g_autofree char *lost = g_strdup_printf ("writers%d_lost", WRITERS);
  int committed = 0, failed = 0;
  gint64 start, version;
  double seconds;

  version = ticket_version (path);
  for (guint i = 0; i < WRITERS; i++)
    {
      g_autofree char *ready = NULL;

      args[1] = i % 2 == 0 ? path : second;
      children[i] = spawn_self (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                args);
      outs[i] = g_data_input_stream_new (g_subprocess_get_stdout_pipe (children[i]));
      ready = read_child_line (outs[i], "writer child");
      if (g_strcmp0 (ready, "ready") != 0)
        die ("a writer child did not start", NULL);
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < WRITERS; i++)
    {
      GOutputStream *in = g_subprocess_get_stdin_pipe (children[i]);
      g_autoptr(GError) error = NULL;

      if (!g_output_stream_write_all (in, "go\n", 3, NULL, NULL, &error) ||
          !g_output_stream_close (in, NULL, &error))
        die ("starting a writer", error);
    }

  for (guint i = 0; i < WRITERS; i++)
    {
      g_autofree char *line = read_child_line (outs[i], "writer child");
      int ok, bad;

      if (sscanf (line, "%d %d", &ok, &bad) != 2)
        die ("a writer child printed something else", NULL);
      committed += ok;
      failed += bad;
    }
  seconds = ms_since (start) / 1000.0;

  for (guint i = 0; i < WRITERS; i++)
    {
      wait_child (children[i], "writer child");
      g_object_unref (outs[i]);
      g_object_unref (children[i]);
    }

  report (label, total, seconds, "s");
  report (label, throughput, committed / seconds, "commits/s");
  report (label, lost, version + committed - ticket_version (path), "updates");
  if (failed > 0 || committed != WRITERS * UPDATES)
    printf ("# %s: %d of %d updates committed, %d failed\n", label, committed,
            WRITERS * UPDATES, failed);
}

static void
bench_locking (const char *dir,
               const char *label,
               HdLocking   locking,
               GRand      *rand)
{
  g_autofree char *path = db_path (dir, label);
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) tech1 = NULL;
  g_autoptr(HdPerson) tech2 = NULL;
  HdPersonDraft draft1 = { .login = "tech1", .name = "Tom Meyer", .role = HD_ROLE_TECHNICIAN,
                           .tier = 1, .department = "IT" };
  HdPersonDraft draft2 = { .login = "tech2", .name = "Rita Schulz", .role = HD_ROLE_TECHNICIAN,
                           .tier = 2, .department = "IT" };

  store = hd_store_create_full (path, "disp", "Benchmark office", locking, &error);
  if (store == NULL)
    die ("creating the file", error);
  if ((tech1 = hd_store_add_person (store, &draft1, &error)) == NULL ||
      (tech2 = hd_store_add_person (store, &draft2, &error)) == NULL)
    die ("adding people", error);

  bench_commits (store, label);
  bench_seen (store, label, HD_STORE_MONITOR_DEFAULT_INTERVAL_MS, rand);
  bench_seen (store, label, 100, rand);
  bench_writers (path, label);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *parent = NULL;
  g_autofree char *template = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *monitor_path = NULL;
  g_autofree char *writer_path = NULL;
  g_autofree char *reader_path = NULL;
  g_autofree char *fs_type = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  int interval = 0, expect = SEEN_CHANGES, updates = UPDATES;
  gint64 start;
  const GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &parent,
      "Where to make the temporary folder, e.g. on a network share (default: $TMPDIR)", "DIR" },
    { "second-dir", 0, 0, G_OPTION_ARG_FILENAME, &second_dir,
      "DIR seen through a second mount: half the writers use it (dot-file locking only)", "DIR2" },
    { "monitor", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &monitor_path, NULL, NULL },
    { "interval", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &interval, NULL, NULL },
    { "expect", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &expect, NULL, NULL },
    { "writer", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &writer_path, NULL, NULL },
    { "updates", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &updates, NULL, NULL },
    { "reader", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &reader_path, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new ("— how long a change takes to commit and to reach others");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);

  if (monitor_path != NULL)
    return monitor_main (monitor_path, interval, expect);
  if (writer_path != NULL)
    return writer_main (writer_path, updates);
  if (reader_path != NULL)
    return reader_main (reader_path);

  if (parent != NULL)
    {
      template = g_build_filename (parent, "helpdesk-bench-XXXXXX", NULL);
      dir = g_strdup (g_mkdtemp (template));
      if (dir == NULL)
        {
          g_printerr ("bench-commit: cannot make a folder in %s: %s\n", parent,
                      g_strerror (errno));
          return 1;
        }
    }
  else if ((dir = g_dir_make_tmp ("helpdesk-bench-XXXXXX", &error)) == NULL)
    die ("temporary folder", error);

  install_cleanup (dir);
  fs_type = filesystem_type (dir);
  rand = g_rand_new_with_seed (0x5eed);
  start = g_get_monotonic_time ();

  printf ("# bench-commit: SQLite %s; files in %s (%s)\n", sqlite3_libversion (), dir, fs_type);
  printf ("# Every change is one BEGIN IMMEDIATE…COMMIT with synchronous=FULL and a rollback"
          " journal: several fsyncs (journal, file, folder) per commit, which dominate its"
          " latency on a real disk or share; compare disk write4k_fsync.\n");
  printf ("# seen_<interval>: from the commit returning here to another process's"
          " HdStoreMonitor announcing it, %d changes 0 to 1 s apart.\n", SEEN_CHANGES);
  printf ("# writers%d: %d processes updating one ticket %d times each (if_version 0),"
          " all at once.\n", WRITERS, WRITERS, UPDATES);
  fflush (stdout);

  bench_fsync (dir);
  for (guint i = 0; i < G_N_ELEMENTS (lockings); i++)
    if (second_dir == NULL || lockings[i].locking == HD_LOCKING_DOTFILE)
      bench_locking (dir, lockings[i].label, lockings[i].locking, rand);

  printf ("# bench-commit: %.0f s in all\n", ms_since (start) / 1000.0);
  remove_dir (dir);
  return 0;
}
