/* test-lease.c — the dot-file lease on a share: desks that stall, clocks
 * that disagree, backups and restores that take long
 *
 * Two bindfs mounts of one folder are two desks whose POSIX locks do not
 * meet; the file is locked with dot-files. The lease is 2 s here
 * (HELPDESK_LOCK_LEASE), so every case runs in seconds. For each case:
 * every change that a desk was told was saved is in the file, and the file
 * is sound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* kill(), SIGSTOP under -std=c17 */
#include "config.h"

#include <gio/gio.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "hd-test-share.h"
#include "hd-lease.h"
#include "hd-store-private.h"

#define LEASE_SECONDS 2
#define REPLIES 40

static char *self_path;
static const char *shim_path;

/* Workers: this program again, with HD_TEST_WORKER saying what to do on
 * the file HD_TEST_PATH. Each prints what it was told was saved. */

static HdStore *
worker_open (const char *path,
             const char *login)
{
  g_autoptr(GError) error = NULL;
  HdStore *store = hd_store_open (path, login, &error);

  if (store == NULL)
    {
      g_print ("refused: %s\n", error->message);
      exit (0);
    }
  hd_store_set_busy_timeout (store, 60000);
  return store;
}

/* Adds @count replies to ticket 1; prints "saved BODY" for each saved. */
static void
worker_replies (const char *path,
                int         count)
{
  g_autoptr(HdStore) store = worker_open (path, "tech1");

  g_print ("clock %" G_GINT64_FORMAT "\n", g_get_real_time () / G_USEC_PER_SEC);
  for (int i = 0; i < count; i++)
    {
      g_autofree char *body = g_strdup_printf ("reply %d from %d", i, (int) getpid ());
      g_autoptr(HdTicketEvent) event = NULL;
      g_autoptr(GError) error = NULL;

      event = hd_store_add_comment (store, 1, body, FALSE, &error);
      if (event != NULL)
        g_print ("saved %s\n", body);
      else
        g_print ("refused: %s\n", error->message);
    }
}

/* A backup to @arg, or a restore from it: both have this shape. */
typedef gboolean (*CopyFunc) (HdStore     *store,
                              const char  *arg,
                              char       **written,
                              GError     **error);

static void
worker_copy (const char *path,
             const char *arg,
             const char *what,
             CopyFunc    copy)
{
  g_autoptr(HdStore) store = worker_open (path, "disp");
  g_autoptr(GError) error = NULL;
  gint64 start = hd_lease_now ();

  if (copy (store, arg, NULL, &error))
    g_print ("saved %s in %.1f s\n", what, (hd_lease_now () - start) / 1e6);
  else
    g_print ("refused: %s\n", error->message);
}

static int
worker_main (const char *worker)
{
  const char *path = g_getenv ("HD_TEST_PATH");
  const char *arg = g_getenv ("HD_TEST_ARG");

  if (g_str_equal (worker, "replies"))
    worker_replies (path, atoi (arg));
  else if (g_str_equal (worker, "backup"))
    worker_copy (path, arg, worker, hd_store_backup);
  else if (g_str_equal (worker, "restore"))
    worker_copy (path, arg, worker, hd_store_restore);
  return 0;
}

/* Starts a worker; @env is NULL-terminated pairs of variables and values. */
static GSubprocess *
spawn_worker (const char *worker,
              const char *path,
              const char *arg,
              ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *name;
  va_list args;

  g_subprocess_launcher_setenv (launcher, "HD_TEST_WORKER", worker, TRUE);
  g_subprocess_launcher_setenv (launcher, "HD_TEST_PATH", path, TRUE);
  g_subprocess_launcher_setenv (launcher, "HD_TEST_ARG", arg, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  va_start (args, arg);
  while ((name = va_arg (args, const char *)) != NULL)
    g_subprocess_launcher_setenv (launcher, name, va_arg (args, const char *), TRUE);
  va_end (args);

  process = g_subprocess_launcher_spawn (launcher, &error, self_path, NULL);
  g_assert_no_error (error);
  return process;
}

static char *
finish_worker (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return out;
}

/* Waits until @process has stopped itself (HELPDESK_TEST_STOP_AT). */
static void
wait_stopped (GSubprocess *process)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%s/stat",
                                                g_subprocess_get_identifier (process));

  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *stat = NULL;
      const char *state;

      g_assert_true (g_file_get_contents (stat_path, &stat, NULL, NULL));
      state = strrchr (stat, ')');
      if (state != NULL && state[2] == 'T')
        return;
      g_usleep (10 * 1000);
    }
  g_assert_not_reached ();
}

/* Waits until @worker made @path, the sign that it holds the lock now. */
static void
wait_for_file (GSubprocess *worker,
               const char  *path)
{
  for (int i = 0; i < 4000 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    {
      if (g_subprocess_get_identifier (worker) == NULL)
        {
          g_autofree char *out = finish_worker (worker);

          g_error ("the worker ended before it made %s: %s", path, out);
        }
      g_usleep (5 * 1000);
    }
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* The bodies a worker printed as saved. */
static GPtrArray *
saved_lines (const char *out,
             int        *refused)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *saved = g_ptr_array_new_with_free_func (g_free);

  *refused = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "saved "))
      g_ptr_array_add (saved, g_strdup (lines[i] + strlen ("saved ")));
    else if (g_str_has_prefix (lines[i], "refused: "))
      (*refused)++;
  return saved;
}

static gint64
count_rows (sqlite3    *db,
            const char *sql,
            const char *text)
{
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

static gint64
count_replies (const char *path,
               const char *body)
{
  sqlite3 *db = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  count = count_rows (db, body != NULL
                      ? "SELECT count(*) FROM ticket_events WHERE kind = 'reply' AND body = ?"
                      : "SELECT count(*) FROM ticket_events WHERE kind = 'reply'", body);
  sqlite3_close (db);
  return count;
}

static gint64
count_tickets (const char *path,
               const char *title)
{
  sqlite3 *db = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  count = count_rows (db, "SELECT count(*) FROM tickets WHERE title = ?", title);
  sqlite3_close (db);
  return count;
}

/* Sound by SQLite's integrity check and by Helpdesk's own; no lock and no
 * journal left beside it. */
static void
assert_sound (const char *path)
{
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  store = hd_store_open_full (path, "disp", HD_STORE_OPEN_VERIFY, &error);
  g_assert_no_error (error);
  g_assert_true (hd_store_check (store, &problems, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_object (&store);

  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

static char *
desk_path (HdTestShare *share,
           int           desk)
{
  return g_build_filename (share->mounts[desk], "helpdesk.db", NULL);
}

/* A desk stops in the middle of its commit for longer than the lease; the
 * other desk takes the lock over and writes; the first resumes. It must
 * find out before it writes a page, and fail, with nothing else touched. */
static void
test_stalled_writer (gconstpointer data)
{
  const char *point = data;
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *desk1 = NULL;
  g_autofree char *desk2 = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) stalled = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GError) error = NULL;
  int refused;

  if (share == NULL)
    return;

  path = hd_test_share_seed (share, HD_LOCKING_DOTFILE);
  desk1 = desk_path (share, 0);
  desk2 = desk_path (share, 1);

  stalled = spawn_worker ("replies", desk1, "1", "HELPDESK_TEST_STOP_AT", point, NULL);
  wait_stopped (stalled);

  store = hd_store_open (desk2, "tech1", &error);
  g_assert_no_error (error);
  hd_store_set_busy_timeout (store, 30000);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("desk 2 reply %d", i);
      g_autoptr(HdTicketEvent) event = hd_store_add_comment (store, 1, body, FALSE, &error);

      g_assert_no_error (error);
    }
  g_clear_object (&store);

  kill (atoi (g_subprocess_get_identifier (stalled)), SIGCONT);
  out = finish_worker (stalled);
  g_test_message ("the desk stopped at %s says: %s", point, out);
  saved = saved_lines (out, &refused);
  g_assert_cmpuint (saved->len, ==, 0);
  g_assert_cmpint (refused, ==, 1);
  g_assert_nonnull (strstr (out, "lost its lock"));

  hd_test_share_unmount (share);
  assert_sound (path);
  g_assert_cmpint (count_replies (path, NULL), ==, 3);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("desk 2 reply %d", i);

      g_assert_cmpint (count_replies (path, body), ==, 1);
    }
}

/* Two desks write at once, one with its wall clock off by @data seconds. */
static void
test_clock_skew (gconstpointer data)
{
  const char *shift = data;
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *desk1 = NULL;
  g_autofree char *desk2 = NULL;
  g_autofree char *skewed_out = NULL;
  g_autofree char *plain_out = NULL;
  g_autofree char *count = g_strdup_printf ("%d", REPLIES);
  g_autoptr(GSubprocess) skewed = NULL;
  g_autoptr(GSubprocess) plain = NULL;
  g_autoptr(GPtrArray) saved_skewed = NULL;
  g_autoptr(GPtrArray) saved_plain = NULL;
  const char *clock;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int refused;

  if (share == NULL)
    return;

  path = hd_test_share_seed (share, HD_LOCKING_DOTFILE);
  desk1 = desk_path (share, 0);
  desk2 = desk_path (share, 1);

  skewed = spawn_worker ("replies", desk1, count, "LD_PRELOAD", shim_path,
                         "HD_TEST_CLOCK_SHIFT", shift, NULL);
  plain = spawn_worker ("replies", desk2, count, NULL);
  skewed_out = finish_worker (skewed);
  plain_out = finish_worker (plain);

  /* The shim did move the desk's clock. */
  clock = strstr (skewed_out, "clock ");
  g_assert_nonnull (clock);
  g_assert_cmpint (ABS (g_ascii_strtoll (clock + 6, NULL, 10) - now - atoi (shift)), <, 10);

  saved_skewed = saved_lines (skewed_out, &refused);
  g_assert_cmpint (refused, ==, 0);
  saved_plain = saved_lines (plain_out, &refused);
  g_assert_cmpint (refused, ==, 0);

  hd_test_share_unmount (share);
  assert_sound (path);
  g_assert_cmpint (count_replies (path, NULL), ==, 2 * REPLIES);
  for (guint i = 0; i < saved_skewed->len; i++)
    g_assert_cmpint (count_replies (path, g_ptr_array_index (saved_skewed, i)), ==, 1);
  for (guint i = 0; i < saved_plain->len; i++)
    g_assert_cmpint (count_replies (path, g_ptr_array_index (saved_plain, i)), ==, 1);
}

static void
add_tickets (const char *path,
             int         count,
             const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "disp", &error);

  g_assert_no_error (error);
  for (int i = 0; i < count; i++)
    {
      g_autoptr(HdTicket) ticket = NULL;
      HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
      g_autofree char *text = g_strnfill (2000, 'x');

      draft.title = title;
      draft.description = text;
      ticket = hd_store_create_ticket (store, &draft, &error);
      g_assert_no_error (error);
    }
}

/* While the other desk holds the lock: it must wait the whole time,
 * however longer than the lease, unless @timeout_ms is shorter. */
static void
write_while_held (const char *desk,
                  const char *title,
                  guint       timeout_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (desk, "tech1", &error);
  g_autoptr(HdTicket) ticket = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  g_assert_no_error (error);
  hd_store_set_busy_timeout (store, timeout_ms);
  draft.title = title;
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
}

/* A backup to a slow disk takes long, and a step of it longer than the
 * lease: the lock stays its own for the step. Another desk writes between
 * two steps, waiting less than the whole backup (its wait limit is shorter
 * than the copy), and the backup, copied again after that change, is
 * still one moment of the file. */
static void
test_slow_backup (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *desk1 = NULL;
  g_autofree char *desk2 = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) worker = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  int refused;

  if (share == NULL)
    return;

  path = hd_test_share_seed (share, HD_LOCKING_DOTFILE);
  add_tickets (path, 40, "Filled before the backup");
  desk1 = desk_path (share, 0);
  desk2 = desk_path (share, 1);
  backup = g_build_filename (share->root, "backup.db", NULL);
  partial = g_strconcat (backup, ".partial", NULL);

  worker = spawn_worker ("backup", desk1, backup, "LD_PRELOAD", shim_path,
                         "HD_TEST_SLOW_WRITE_SUFFIX", ".partial",
                         "HD_TEST_SLOW_WRITE_MS", "60", NULL);
  wait_for_file (worker, partial);
  write_while_held (desk2, "Filed during the backup", 3000);
  out = finish_worker (worker);
  g_test_message ("backup: %s", out);

  saved = saved_lines (out, &refused);
  g_assert_cmpint (refused, ==, 0);
  g_assert_cmpuint (saved->len, ==, 1);
  /* Meaningful only if the copy outlasted the lease. */
  g_assert_cmpfloat (g_ascii_strtod ((char *) saved->pdata[0] + strlen ("backup in "), NULL),
                     >, 2 * LEASE_SECONDS);

  hd_test_share_unmount (share);
  assert_sound (path);
  g_assert_cmpint (count_tickets (path, "Filed during the backup"), ==, 1);
  assert_sound (backup);
  g_assert_cmpint (count_tickets (backup, "Filled before the backup"), ==, 40);
  g_assert_cmpint (count_tickets (backup, "Filed during the backup"), <=, 1);
}

/* A restore into the live file through a slow share takes several leases:
 * the other desk waits, and writes after it. */
static void
test_slow_restore (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *desk1 = NULL;
  g_autofree char *desk2 = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) worker = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int refused;

  if (share == NULL)
    return;

  path = hd_test_share_seed (share, HD_LOCKING_DOTFILE);
  add_tickets (path, 40, "Filled before the backup");
  backup = g_build_filename (share->root, "backup.db", NULL);
  store = hd_store_open (path, "disp", &error);
  g_assert_no_error (error);
  g_assert_true (hd_store_backup (store, backup, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  add_tickets (path, 1, "Filed after the backup");

  desk1 = desk_path (share, 0);
  desk2 = desk_path (share, 1);
  journal = g_strconcat (desk1, "-journal", NULL);
  worker = spawn_worker ("restore", desk1, backup, "LD_PRELOAD", shim_path,
                         "HD_TEST_SLOW_WRITE_SUFFIX", "/desk1/helpdesk.db",
                         "HD_TEST_SLOW_WRITE_MS", "60", NULL);
  wait_for_file (worker, journal);
  write_while_held (desk2, "Filed during the restore", 60000);
  out = finish_worker (worker);
  g_test_message ("restore: %s", out);

  saved = saved_lines (out, &refused);
  g_assert_cmpint (refused, ==, 0);
  g_assert_cmpuint (saved->len, ==, 1);
  g_assert_cmpfloat (g_ascii_strtod ((char *) saved->pdata[0] + strlen ("restore in "), NULL),
                     >, 2 * LEASE_SECONDS);

  hd_test_share_unmount (share);
  assert_sound (path);
  g_assert_cmpint (count_tickets (path, "Filled before the backup"), ==, 40);
  g_assert_cmpint (count_tickets (path, "Filed after the backup"), ==, 0);
  g_assert_cmpint (count_tickets (path, "Filed during the restore"), ==, 1);
}

/* A desk waiting for the lock reads the holder's entry at the moment the
 * holder lets go. A share deletes a file that is open by renaming it in
 * the folder (.fuse_hidden…, .nfs…); the lock folder must still go, or
 * every desk waits a whole lease for a lock that nobody holds. */
static void
test_release_while_read (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *desk1 = NULL;
  g_autofree char *lock = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *seen = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  HdLease *lease;
  int fd;

  if (share == NULL)
    return;

  path = hd_test_share_seed (share, HD_LOCKING_DOTFILE);
  desk1 = desk_path (share, 0);
  lease = hd_lease_take (desk1, 1000, &error);
  g_assert_no_error (error);

  /* Read through the holder's own mount, as a desk there would. */
  lock = g_build_filename (share->mounts[0], "helpdesk.db.lock", NULL);
  dir = g_dir_open (lock, 0, &error);
  g_assert_no_error (error);
  entry = g_build_filename (lock, g_dir_read_name (dir), NULL);
  fd = g_open (entry, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);

  hd_lease_release (lease);
  seen = g_strconcat (path, ".lock", NULL);
  g_assert_false (g_file_test (seen, G_FILE_TEST_EXISTS));
  close (fd);
  hd_lease_free (lease);
}

int
main (int   argc,
      char *argv[])
{
  const char *worker = g_getenv ("HD_TEST_WORKER");
  g_autofree char *lease = g_strdup_printf ("%d", LEASE_SECONDS);

  g_setenv ("HELPDESK_LOCK_LEASE", lease, TRUE);
  /* Desks wait for each other as long as a stopped desk may take. */
  g_setenv ("HELPDESK_BUSY_TIMEOUT", "60000", TRUE);
  if (worker != NULL)
    return worker_main (worker);

  self_path = g_canonicalize_filename (argv[0], NULL);
  shim_path = g_getenv ("HD_FAULT_SHIM");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_assert_nonnull (shim_path);

  g_test_add_data_func ("/fault/lease/stalled/before-journal-sync", "journal-sync",
                        test_stalled_writer);
  g_test_add_data_func ("/fault/lease/stalled/after-journal-sync", "db-write",
                        test_stalled_writer);
  g_test_add_data_func ("/fault/lease/stalled/before-journal-delete", "journal-delete",
                        test_stalled_writer);
  g_test_add_data_func ("/fault/lease/clock/ahead-40s", "40", test_clock_skew);
  g_test_add_data_func ("/fault/lease/clock/behind-40s", "-40", test_clock_skew);
  g_test_add_data_func ("/fault/lease/clock/ahead-1h", "3600", test_clock_skew);
  g_test_add_func ("/fault/lease/slow-backup", test_slow_backup);
  g_test_add_func ("/fault/lease/slow-restore", test_slow_restore);
  g_test_add_func ("/fault/lease/release-while-read", test_release_while_read);

  return g_test_run ();
}
