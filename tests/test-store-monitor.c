/* test-store-monitor.c — hearing about every change to the file
 *
 * Every `changed` and `failed` emission is recorded and compared exactly.
 * Waits run the main context until the expected emission arrives, under a
 * guard that fails the test rather than let it hang.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "hd-store-monitor.h"
#include "hd-store-private.h"
#include "hd-test-util.h"

#define WAIT_LIMIT_MS 5000
#define FAST_MS 50
/* Longer than any test: only poll_now() or a new interval polls. */
#define NEVER_MS 600000

typedef struct {
  char           *path;
  HdStore        *disp;
  HdStoreMonitor *monitor;
  GPtrArray      *batches;   /* one GPtrArray of HdChange per `changed` */
  GPtrArray      *errors;    /* GError, one per `failed` */
  guint           n_healthy_notifies;
  guint           n_open;    /* descriptors of the file before the monitor */
  guint           polls_wanted;
  gboolean        expired;
  gboolean        finalized;
  GThread        *finalized_in;
} Fixture;

typedef gboolean (*Condition) (Fixture *f);

static void
changed_cb (HdStoreMonitor *monitor,
            GPtrArray      *changes,
            Fixture        *f)
{
  g_ptr_array_add (f->batches, g_ptr_array_ref (changes));
}

static void
failed_cb (HdStoreMonitor *monitor,
           GError         *error,
           Fixture        *f)
{
  g_test_message ("failed: %s", error->message);
  g_ptr_array_add (f->errors, g_error_copy (error));
}

static void
notify_healthy_cb (HdStoreMonitor *monitor,
                   GParamSpec     *pspec,
                   Fixture        *f)
{
  f->n_healthy_notifies++;
}

/* Descriptors this process holds on @path: SQLite keeps one per
 * connection. */
static guint
count_open (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *fd = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (fd, NULL);

      if (g_strcmp0 (target, path) == 0)
        n++;
    }

  return n;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->disp = hd_test_new_helpdesk (&f->path);
  f->n_open = count_open (f->path);
  f->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  f->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  /* Watched by someone other than the people who change things, so that
   * an actor's login cannot come from the monitor's own. */
  f->monitor = hd_store_monitor_new (f->path, "tech2");
  hd_store_monitor_set_interval (f->monitor, GPOINTER_TO_UINT (data));
  g_signal_connect (f->monitor, "changed", G_CALLBACK (changed_cb), f);
  g_signal_connect (f->monitor, "failed", G_CALLBACK (failed_cb), f);
  g_signal_connect (f->monitor, "notify::healthy", G_CALLBACK (notify_healthy_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->monitor);
  g_clear_object (&f->disp);
  g_clear_pointer (&f->batches, g_ptr_array_unref);
  g_clear_pointer (&f->errors, g_ptr_array_unref);
  g_free (f->path);
}

/* Waiting */

static gboolean
guard_cb (gpointer user_data)
{
  Fixture *f = user_data;

  f->expired = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Some conditions change on the monitor's worker thread, which does not
 * wake the main context: look again every few milliseconds. */
static void
wait_for (Fixture    *f,
          Condition   done,
          const char *what)
{
  guint guard;
  guint wake;

  f->expired = FALSE;
  guard = g_timeout_add (WAIT_LIMIT_MS, guard_cb, f);
  wake = g_timeout_add (10, wake_cb, NULL);
  while (!done (f) && !f->expired)
    g_main_context_iteration (NULL, TRUE);

  if (f->expired)
    g_error ("Still waiting for %s after %d ms", what, WAIT_LIMIT_MS);
  g_source_remove (guard);
  g_source_remove (wake);
}

/* Until something waits on the main context, without dispatching it: in
 * the tests that use this, only a poll's report can. */
static void
wait_pending (const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_MS * G_TIME_SPAN_MILLISECOND;

  while (!g_main_context_pending (NULL))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Still waiting for %s after %d ms", what, WAIT_LIMIT_MS);
      g_thread_yield ();
    }
}

/* Runs the main context for @msec, for whatever should not happen in it. */
static void
run_for (Fixture *f,
         guint    msec)
{
  f->expired = FALSE;
  g_timeout_add (msec, guard_cb, f);
  while (!f->expired)
    g_main_context_iteration (NULL, TRUE);
}

static gint64
file_max_seq (HdStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (hd_store_get_db (store),
                                       "SELECT max(seq) FROM change_log", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
started (Fixture *f)
{
  return hd_store_monitor_get_last_seq (f->monitor) != 0;
}

static gboolean
got_batch (Fixture *f)
{
  return f->batches->len > 0;
}

static gboolean
got_failure (Fixture *f)
{
  return f->errors->len > 0;
}

static GError *
error_at (Fixture *f,
          guint    index)
{
  g_assert_cmpuint (f->errors->len, >, index);
  return g_ptr_array_index (f->errors, index);
}

static gboolean
got_not_helpdesk (Fixture *f)
{
  return f->errors->len > 0 &&
         g_error_matches (error_at (f, f->errors->len - 1), HD_ERROR, HD_ERROR_NOT_HELPDESK);
}

static gboolean
healthy (Fixture *f)
{
  return hd_store_monitor_is_healthy (f->monitor);
}

/* The first poll reads the newest change already in the file, and
 * announces nothing: that is history. */
static void
wait_started (Fixture *f,
              HdStore *store)
{
  wait_for (f, started, "the first poll");
  g_assert_cmpuint (hd_store_monitor_get_last_seq (f->monitor), ==, file_max_seq (store));
  g_assert_cmpuint (f->batches->len, ==, 0);
}

/* Checking */

typedef struct {
  const char *table;
  gint64      row;
  const char *kind;
  const char *actor;
} Expected;

static void
assert_batch (Fixture        *f,
              guint           index,
              const Expected *expected,
              guint           n_expected)
{
  GPtrArray *batch;
  guint64 seq = 0;

  g_assert_cmpuint (f->batches->len, >, index);
  batch = g_ptr_array_index (f->batches, index);
  for (guint i = 0; i < batch->len; i++)
    {
      HdChange *c = g_ptr_array_index (batch, i);

      g_test_message ("change %" G_GUINT64_FORMAT ": %s %" G_GINT64_FORMAT " %s by %s",
                      c->seq, c->table, c->row, c->kind, c->actor);
    }

  g_assert_cmpuint (batch->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      HdChange *c = g_ptr_array_index (batch, i);

      g_assert_cmpuint (c->seq, >, seq);
      seq = c->seq;
      g_assert_cmpstr (c->table, ==, expected[i].table);
      g_assert_cmpint (c->row, ==, expected[i].row);
      g_assert_cmpstr (c->kind, ==, expected[i].kind);
      g_assert_cmpstr (c->actor, ==, expected[i].actor);
    }
}

static HdChange *
last_change (Fixture *f)
{
  GPtrArray *batch = g_ptr_array_index (f->batches, f->batches->len - 1);

  return g_ptr_array_index (batch, batch->len - 1);
}

/* Another process: the command-line tool, as @login. */
static gint64
cli_new_ticket (const char *path,
                const char *login,
                const char *title)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *cli = g_getenv ("HELPDESK_CLI");
  guint64 number = 0;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", login, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HELPDESK_DB");
  process = g_subprocess_launcher_spawn (launcher, &error, cli, "--db", path,
                                         "ticket", "new", "--title", title, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (process));
  if (g_subprocess_get_exit_status (process) != 0)
    g_test_message ("helpdesk-cli: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_ascii_string_to_unsigned (g_strstrip (out), 10, 1, G_MAXINT64, &number, &error);
  g_assert_no_error (error);
  return number;
}

/* Tests */

static void
test_other_connection (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;

  wait_started (f, f->disp);

  /* Polls that find nothing new are silent. */
  run_for (f, 5 * FAST_MS);
  g_assert_cmpuint (f->batches->len, ==, 0);
  g_assert_cmpuint (f->errors->len, ==, 0);

  /* Another connection of this process: its commit changes what the
   * monitor's connection reads as data_version. */
  ticket = hd_test_file_ticket (f->disp, "Printer jammed");
  wait_for (f, got_batch, "the new ticket");
  assert_batch (f, 0, (Expected[]) {
    { "tickets", hd_ticket_get_number (ticket), "created", "disp" },
  }, 1);
  g_assert_cmpuint (last_change (f)->seq, ==, file_max_seq (f->disp));
  g_assert_cmpuint (hd_store_monitor_get_last_seq (f->monitor), ==, last_change (f)->seq);

  /* Announced once only. */
  run_for (f, 5 * FAST_MS);
  g_assert_cmpuint (f->batches->len, ==, 1);
  g_assert_true (hd_store_monitor_is_healthy (f->monitor));
  g_assert_cmpuint (f->n_healthy_notifies, ==, 0);
}

static gboolean
polled_enough (Fixture *f)
{
  return hd_store_monitor_get_n_polls (f->monitor, NULL) >= f->polls_wanted;
}

/* Between the polls that take the file's lock, about one a second, the
 * ticks only glance at the file: on a share locked with dot-files a lock
 * is the lease, which every other desk would wait for. A change is heard
 * all the same. */
static void
test_glances (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;
  guint polls_before, locked_before, locked_after, polls_after;

  wait_started (f, f->disp);

  polls_before = hd_store_monitor_get_n_polls (f->monitor, &locked_before);
  f->polls_wanted = polls_before + 20;
  wait_for (f, polled_enough, "twenty polls");
  polls_after = hd_store_monitor_get_n_polls (f->monitor, &locked_after);
  g_test_message ("%u polls, %u of them locked", polls_after - polls_before,
                  locked_after - locked_before);
  /* Twenty ticks of FAST_MS are a second: one or two locked polls, or a
   * few more on a machine so busy that ticks come late. */
  g_assert_cmpuint (locked_after - locked_before, <, (polls_after - polls_before) / 2);
  g_assert_cmpuint (f->batches->len, ==, 0);

  ticket = hd_test_file_ticket (f->disp, "Printer jammed");
  wait_for (f, got_batch, "the new ticket");
  assert_batch (f, 0, (Expected[]) {
    { "tickets", hd_ticket_get_number (ticket), "created", "disp" },
  }, 1);
  g_assert_cmpuint (f->errors->len, ==, 0);
}

static void
test_one_signal_per_poll (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HdStore) tech1 = hd_test_open_as (f->path, "tech1");
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(HdTicketEvent) comment = NULL;
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonDraft draft = { .login = "req3", .name = "Req Three", .role = HD_ROLE_REQUESTER };
  gint64 number;

  wait_started (f, f->disp);

  /* No poll runs while these are written: the interval is long. */
  ticket = hd_test_file_ticket (f->disp, "No network");
  number = hd_ticket_get_number (ticket);
  assigned = hd_store_assign_ticket (f->disp, number, 0, "tech1", &error);
  g_assert_no_error (error);
  comment = hd_store_add_comment (tech1, number, "Looking at it", FALSE, &error);
  g_assert_no_error (error);
  person = hd_store_add_person (f->disp, &draft, &error);
  g_assert_no_error (error);

  hd_store_monitor_set_interval (f->monitor, FAST_MS);
  wait_for (f, got_batch, "the four changes");
  assert_batch (f, 0, (Expected[]) {
    { "tickets", number, "created", "disp" },
    { "tickets", number, "assigned", "disp" },
    { "tickets", number, "comment", "tech1" },
    { "people", hd_person_get_id (person), "created", "disp" },
  }, 4);

  run_for (f, 5 * FAST_MS);
  g_assert_cmpuint (f->batches->len, ==, 1);
}

static void
test_other_process (Fixture       *f,
                    gconstpointer  data)
{
  gint64 number;

  if (g_getenv ("HELPDESK_CLI") == NULL)
    {
      g_test_skip ("$HELPDESK_CLI is not set; run the tests with meson test");
      return;
    }

  wait_started (f, f->disp);

  number = cli_new_ticket (f->path, "disp", "Screen flickers");
  wait_for (f, got_batch, "the ticket filed by helpdesk-cli");
  assert_batch (f, 0, (Expected[]) { { "tickets", number, "created", "disp" } }, 1);
  g_assert_cmpuint (hd_store_monitor_get_last_seq (f->monitor), ==, file_max_seq (f->disp));
}

static void
test_poll_now (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;

  wait_started (f, f->disp);

  /* Nothing polls for minutes, except when asked. */
  ticket = hd_test_file_ticket (f->disp, "Mouse broken");
  run_for (f, 5 * FAST_MS);
  g_assert_cmpuint (f->batches->len, ==, 0);

  hd_store_monitor_poll_now (f->monitor);
  wait_for (f, got_batch, "the ticket after poll_now");
  assert_batch (f, 0, (Expected[]) {
    { "tickets", hd_ticket_get_number (ticket), "created", "disp" },
  }, 1);
}

static void
test_poll_now_while_polling (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;

  wait_started (f, f->disp);

  /* A poll that has read the file but not reported yet: its result waits
   * on the main context, which nothing iterates. */
  hd_store_monitor_poll_now (f->monitor);
  wait_pending ("the poll's report");

  /* A change it cannot have seen, and a request that must not be lost
   * although a poll is still in flight. */
  ticket = hd_test_file_ticket (f->disp, "Keyboard missing");
  hd_store_monitor_poll_now (f->monitor);

  wait_for (f, got_batch, "the ticket filed during a poll");
  assert_batch (f, 0, (Expected[]) {
    { "tickets", hd_ticket_get_number (ticket), "created", "disp" },
  }, 1);
}

static void
test_file_moved_away (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *away = g_strconcat (f->path, ".away", NULL);
  g_autoptr(HdTicket) ticket = NULL;

  wait_started (f, f->disp);

  g_assert_cmpint (g_rename (f->path, away), ==, 0);
  wait_for (f, got_failure, "the file to be missed");
  g_assert_error (error_at (f, 0), HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_false (hd_store_monitor_is_healthy (f->monitor));
  g_assert_cmpuint (f->n_healthy_notifies, ==, 1);

  /* It keeps polling, and keeps failing, without flapping. */
  run_for (f, 5 * FAST_MS);
  g_assert_cmpuint (f->errors->len, >, 1);
  g_assert_false (hd_store_monitor_is_healthy (f->monitor));
  g_assert_cmpuint (f->n_healthy_notifies, ==, 1);

  /* A share that comes back recovers by itself, and changes are heard
   * again. */
  g_assert_cmpint (g_rename (away, f->path), ==, 0);
  wait_for (f, healthy, "the file to come back");
  g_assert_cmpuint (f->n_healthy_notifies, ==, 2);
  g_assert_cmpuint (f->batches->len, ==, 0);

  ticket = hd_test_file_ticket (f->disp, "Back again");
  wait_for (f, got_batch, "a change after the file came back");
  assert_batch (f, 0, (Expected[]) {
    { "tickets", hd_ticket_get_number (ticket), "created", "disp" },
  }, 1);
}

/* SQLite reads the inode it opened: after the file is deleted, renamed
 * away or replaced, the monitor's connection would go on reading the old
 * one, data_version unchanged, and never fail (SQLite 3.40; only writes
 * fail, with SQLITE_READONLY_DBMOVED). The monitor compares the path's
 * inode with the one it opened to notice. */
static void
test_file_replaced (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *text = g_strconcat (f->path, ".txt", NULL);
  g_autofree char *copy = g_strconcat (f->path, ".copy", NULL);
  g_autoptr(HdStore) restored = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;

  wait_started (f, f->disp);
  g_assert_true (hd_store_backup (f->disp, copy, NULL, &error));
  g_assert_no_error (error);

  /* Replaced the way editors and copy tools do, by renaming over it. */
  g_assert_true (g_file_set_contents (text, "Not a helpdesk\n", -1, NULL));
  g_assert_cmpint (g_rename (text, f->path), ==, 0);
  wait_for (f, got_not_helpdesk, "the text file to be refused");
  g_assert_error (error_at (f, 0), HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_false (hd_store_monitor_is_healthy (f->monitor));

  /* A helpdesk file put back is another file: its history is not news,
   * what happens to it from now on is. */
  g_assert_cmpint (g_rename (copy, f->path), ==, 0);
  wait_for (f, healthy, "the copy to be read");
  g_assert_cmpuint (f->batches->len, ==, 0);

  restored = hd_test_open_as (f->path, "disp");
  g_assert_cmpuint (hd_store_monitor_get_last_seq (f->monitor), ==, file_max_seq (restored));
  ticket = hd_test_file_ticket (restored, "After the restore");
  wait_for (f, got_batch, "a change to the restored file");
  assert_batch (f, 0, (Expected[]) {
    { "tickets", hd_ticket_get_number (ticket), "created", "disp" },
  }, 1);
}

static gboolean
got_locking_changed (Fixture *f)
{
  return f->errors->len > 0 &&
         g_error_matches (error_at (f, f->errors->len - 1), HD_ERROR, HD_ERROR_LOCKING_CHANGED);
}

/* The dispatcher switches the locking method: the monitor's connection,
 * with the old method, would read changes half made with the new one.
 * The switch is reported once, and the next poll reads with the new
 * method and hears of what follows. */
static void
test_locking_switched (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HdStore) switched = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;

  wait_started (f, f->disp);
  g_assert_true (hd_store_set_locking (f->disp, HD_LOCKING_DOTFILE, &error));
  g_assert_no_error (error);
  wait_for (f, got_locking_changed, "the switch to be reported");
  wait_for (f, healthy, "the file to be read with dot-files");
  g_assert_cmpuint (f->errors->len, ==, 1);
  g_assert_cmpuint (f->batches->len, ==, 0);

  switched = hd_test_open_as (f->path, "disp");
  g_assert_cmpint (hd_store_get_locking (switched), ==, HD_LOCKING_DOTFILE);
  ticket = hd_test_file_ticket (switched, "After the switch");
  wait_for (f, got_batch, "a change after the switch");
  assert_batch (f, 0, (Expected[]) {
    { "tickets", hd_ticket_get_number (ticket), "created", "disp" },
  }, 1);
  g_assert_cmpuint (f->errors->len, ==, 1);
}

static void
finalized_cb (gpointer data)
{
  Fixture *f = data;

  f->finalized = TRUE;
  f->finalized_in = g_thread_self ();
}

/* Hands the fixture's reference to the test. Weak pointers would not do:
 * they are cleared by dispose, and these tests are about what follows it. */
static HdStoreMonitor *
steal_monitor (Fixture *f)
{
  g_object_set_data_full (G_OBJECT (f->monitor), "test-finalized", f, finalized_cb);
  return g_steal_pointer (&f->monitor);
}

static gboolean
connection_closed (Fixture *f)
{
  return count_open (f->path) == f->n_open;
}

static void
test_unref_while_polling (Fixture       *f,
                          gconstpointer  data)
{
  HdStoreMonitor *monitor;
  g_autoptr(HdTicket) ticket = NULL;

  wait_started (f, f->disp);
  g_assert_cmpuint (count_open (f->path), ==, f->n_open + 1);
  ticket = hd_test_file_ticket (f->disp, "Going away");

  /* The last reference goes at once, on this thread, though a poll runs:
   * freed by the task on the pool thread, the monitor would race with its
   * own timer here. */
  monitor = steal_monitor (f);
  hd_store_monitor_poll_now (monitor);
  g_object_unref (monitor);
  g_assert_true (f->finalized);
  g_assert_true (f->finalized_in == g_thread_self ());
  g_assert_null (g_main_context_find_source_by_user_data (NULL, monitor));

  /* The poll ends on its own, closing the monitor's connection, and
   * reports to nobody. */
  wait_for (f, connection_closed, "the monitor's connection to close");
  run_for (f, 5 * FAST_MS);
  g_assert_cmpuint (f->batches->len, ==, 0);
  g_assert_cmpuint (f->errors->len, ==, 0);
}

static void
test_dispose_while_polling (Fixture       *f,
                            gconstpointer  data)
{
  HdStoreMonitor *monitor;
  g_autoptr(HdTicket) ticket = NULL;

  wait_started (f, f->disp);
  ticket = hd_test_file_ticket (f->disp, "Disposed");

  /* A poll that finds a change reports after dispose, to a monitor still
   * alive; a handler connected afterwards must hear nothing of it. Its
   * report cannot arrive before the main context runs again. */
  monitor = steal_monitor (f);
  hd_store_monitor_poll_now (monitor);
  g_object_run_dispose (G_OBJECT (monitor));
  g_signal_connect (monitor, "changed", G_CALLBACK (changed_cb), f);
  g_signal_connect (monitor, "failed", G_CALLBACK (failed_cb), f);
  g_assert_null (g_main_context_find_source_by_user_data (NULL, monitor));

  /* Disposed, the monitor has no timer: what wakes the context now is the
   * poll's report. */
  wait_pending ("the poll's report");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (f->batches->len, ==, 0);
  g_assert_cmpuint (f->errors->len, ==, 0);

  g_object_unref (monitor);
  g_assert_true (f->finalized);
  g_assert_true (f->finalized_in == g_thread_self ());
  g_assert_cmpuint (count_open (f->path), ==, f->n_open);
}

static void
test_change_boxed (void)
{
  g_autoptr(HdChange) change = hd_change_new (7, "tickets", 12, "status", NULL);
  g_autoptr(HdChange) copy = g_boxed_copy (HD_TYPE_CHANGE, change);

  g_assert_true (G_TYPE_IS_BOXED (HD_TYPE_CHANGE));
  g_assert_true (copy != change);
  g_assert_cmpuint (copy->seq, ==, 7);
  g_assert_cmpstr (copy->table, ==, "tickets");
  g_assert_true (copy->table != change->table);
  g_assert_cmpint (copy->row, ==, 12);
  g_assert_cmpstr (copy->kind, ==, "status");
  g_assert_null (copy->actor);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, interval, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (interval), fixture_set_up, func, fixture_tear_down)
  ADD ("/store-monitor/other-connection", FAST_MS, test_other_connection);
  ADD ("/store-monitor/one-signal-per-poll", NEVER_MS, test_one_signal_per_poll);
  ADD ("/store-monitor/glances", FAST_MS, test_glances);
  ADD ("/store-monitor/other-process", FAST_MS, test_other_process);
  ADD ("/store-monitor/poll-now", NEVER_MS, test_poll_now);
  ADD ("/store-monitor/poll-now-while-polling", NEVER_MS, test_poll_now_while_polling);
  ADD ("/store-monitor/file-moved-away", FAST_MS, test_file_moved_away);
  ADD ("/store-monitor/file-replaced", FAST_MS, test_file_replaced);
  ADD ("/store-monitor/locking-switched", FAST_MS, test_locking_switched);
  ADD ("/store-monitor/unref-while-polling", FAST_MS, test_unref_while_polling);
  ADD ("/store-monitor/dispose-while-polling", FAST_MS, test_dispose_while_polling);
#undef ADD
  g_test_add_func ("/store-monitor/change-boxed", test_change_boxed);

  return g_test_run ();
}
