/* test-refused-file.c — a refused file stays as it was, hot journal and all
 *
 * A writer (this program, re-run with HD_JOURNAL_WRITER set to the file)
 * opens a file with plain SQLite, rollback journal, a one-page cache so
 * that its pages spill into the file before COMMIT, writes, says so, and
 * is killed with SIGKILL: the file is half-changed and its journal is hot.
 * SQLite rolls such a journal back on the next read.
 *
 * For another program's SQLite file and for a file of a newer Helpdesk
 * left like that, every command that opens a file (the tool's and the
 * core's, as the window opens it too) refuses it with a clear error and
 * leaves the file and its journal byte for byte as they were. The hot
 * journal of a helpdesk file of this version is still rolled back: that is
 * the crash recovery of every desk, and it must go on working, with either
 * locking method. (The writer locks the POSIX way either way: a killed
 * dot-file writer also leaves FILE.lock, which only clearing a stale lock
 * removes; here it is as if that had happened.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hd-schema.h"
#include "hd-store-async.h"
#include "hd-test-util.h"

#define FOREIGN_APPLICATION_ID 0x4e4f5445  /* 'NOTE' */
#define N_TICKETS 20

static char *self_path;

/* Writer */

/* Opens @path as any SQLite program would, changes it in one transaction
 * (every ticket's title, and a new table) that spills into the file,
 * prints "spilled" and waits to be killed. */
static int
writer_main (const char *path)
{
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db,
                       "PRAGMA journal_mode = DELETE;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA cache_size = 1;"
                       "PRAGMA cache_spill = 1;"
                       "BEGIN;"
                       "UPDATE tickets SET title = 'Unfinished ' || id;"
                       "CREATE TABLE filler (x BLOB);"
                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
                       " INSERT INTO filler SELECT randomblob(3000) FROM n;",
                       NULL, NULL, &message);
  if (rc != SQLITE_OK)
    {
      printf ("error: %s\n", message != NULL ? message : sqlite3_errstr (rc));
      fflush (stdout);
      return 1;
    }

  printf ("spilled\n");
  fflush (stdout);
  for (;;)
    pause ();
}

/* Files */

static char *
journal_of (const char *path)
{
  return g_strconcat (path, "-journal", NULL);
}

static char *
checksum_of (const char *path)
{
  g_autoptr(GBytes) bytes = hd_test_read_bytes (path);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static void
sql_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* Leaves @path half-changed by a killed writer, with its hot journal. */
static void
leave_hot_journal (const char *path)
{
  g_autofree char *journal = journal_of (path);
  g_autofree char *before = checksum_of (path);
  g_autofree char *after = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) writer = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "HD_JOURNAL_WRITER", path, TRUE);
  writer = g_subprocess_launcher_spawn (launcher, &error, self_path, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "spilled");

  g_subprocess_send_signal (writer, SIGKILL);
  g_subprocess_wait (writer, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (writer));

  /* The file holds pages of the unfinished change, so rolling its journal
   * back would change it. */
  g_assert_true (g_file_test (journal, G_FILE_TEST_IS_REGULAR));
  after = checksum_of (path);
  g_assert_cmpstr (after, !=, before);
}

typedef struct {
  char *path;
  char *file_sum;
  char *journal_sum;
} Snapshot;

static void
snapshot_take (Snapshot   *snapshot,
               const char *path)
{
  g_autofree char *journal = journal_of (path);

  snapshot->path = g_strdup (path);
  snapshot->file_sum = checksum_of (path);
  snapshot->journal_sum = checksum_of (journal);
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_free (snapshot->path);
  g_free (snapshot->file_sum);
  g_free (snapshot->journal_sum);
}

/* The file and its journal as they were, and nothing left beside them. */
static void
assert_unchanged (const Snapshot *snapshot,
                  const char     *after_what)
{
  g_autofree char *journal = journal_of (snapshot->path);
  g_autofree char *lock = g_strconcat (snapshot->path, ".lock", NULL);
  g_autofree char *file_sum = checksum_of (snapshot->path);
  g_autofree char *journal_sum = NULL;

  g_test_message ("after %s", after_what);
  g_assert_cmpstr (file_sum, ==, snapshot->file_sum);
  g_assert_true (g_file_test (journal, G_FILE_TEST_IS_REGULAR));
  journal_sum = checksum_of (journal);
  g_assert_cmpstr (journal_sum, ==, snapshot->journal_sum);
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));
}

/* The refused files */

/* A helpdesk file of a newer Helpdesk, locked with @locking. */
static char *
make_newer (HdLocking locking)
{
  g_autofree char *path = hd_test_new_path ("newer");
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_create_full (path, "disp", "Newer office", locking, &error);
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", HD_SCHEMA_VERSION + 1);

  g_assert_no_error (error);
  for (guint i = 1; i <= N_TICKETS; i++)
    g_object_unref (hd_test_file_ticket (store, "Made by this Helpdesk"));
  g_clear_object (&store);
  sql_exec (path, bump);
  return g_steal_pointer (&path);
}

/* Another program's database, with tables a careless program might take
 * for its own. */
static char *
make_foreign (void)
{
  g_autofree char *path = hd_test_new_path ("notes");
  g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d;"
                                          "CREATE TABLE tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT);"
                                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
                                          " INSERT INTO tickets (title) SELECT 'theirs ' || i FROM n;",
                                          FOREIGN_APPLICATION_ID);

  sql_exec (path, sql);
  return g_steal_pointer (&path);
}

/* Commands */

/* A sound backup of a helpdesk of this version, for "restore". */
static char *
make_backup (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autofree char *dir = g_build_filename (hd_test_dir (), "chosen", NULL);
  g_autoptr(GError) error = NULL;
  char *written = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (hd_store_backup (store, dir, &written, &error));
  g_assert_no_error (error);
  return written;
}

/* Every command that opens the file refuses it, with one line that says
 * why (@reason) and that the file was not changed, and changes nothing. */
static void
assert_cli_refuses (const Snapshot *snapshot,
                    const char     *reason,
                    const char     *unchanged)
{
  g_autofree char *backup = make_backup ();
  g_autofree char *backups = g_build_filename (hd_test_dir (), "backups", NULL);
  const char *commands[][6] = {
    { "ticket", "list" },
    { "ticket", "show", "1" },
    { "ticket", "new", "--title", "Printer jams" },
    { "person", "list" },
    { "kb", "list" },
    { "backup", backups },
    { "restore", backup },
    { "check" },
    { "reindex" },
    { "location" },
  };

  g_assert_cmpint (g_mkdir_with_parents (backups, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char * const *c = commands[i];
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *what = g_strjoinv (" ", (char **) c);
      int status;

      status = hd_test_run_cli (snapshot->path, &out, &err, c[0], c[1], c[2], c[3], c[4], c[5], NULL);
      g_test_message ("helpdesk-cli %s: %d, %s", what, status, err);
      g_assert_cmpint (status, !=, 0);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "helpdesk-cli: "));
      g_assert_nonnull (strstr (err, reason));
      g_assert_nonnull (strstr (err, unchanged));
      g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
      assert_unchanged (snapshot, what);
    }

  {
    g_autoptr(GDir) dir = g_dir_open (backups, 0, NULL);

    g_assert_nonnull (dir);
    g_assert_null (g_dir_read_name (dir));
  }
}

static void
open_async_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GError **error = data;
  g_autoptr(HdStore) store = hd_store_open_finish (result, error);

  g_assert_null (store);
}

/* The core's ways in: the tool's, the window's (on a worker, verifying
 * first) and the background ones' (hd_store_open). */
static void
assert_core_refuses (const Snapshot *snapshot,
                     int             code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = NULL;

  store = hd_store_open (snapshot->path, "disp", &error);
  g_assert_null (store);
  g_assert_error (error, HD_ERROR, code);
  assert_unchanged (snapshot, "hd_store_open");
  g_clear_error (&error);

  store = hd_store_open_full (snapshot->path, "disp", HD_STORE_OPEN_VERIFY, &error);
  g_assert_null (store);
  g_assert_error (error, HD_ERROR, code);
  assert_unchanged (snapshot, "hd_store_open_full, verifying");
  g_clear_error (&error);

  hd_store_open_async (snapshot->path, NULL, HD_STORE_OPEN_VERIFY, NULL, open_async_done,
                       &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, HD_ERROR, code);
  assert_unchanged (snapshot, "hd_store_open_async, as the window opens a file");
}

static void
test_newer (gconstpointer data)
{
  HdLocking locking = GPOINTER_TO_INT (data);
  g_autofree char *path = make_newer (locking);
  Snapshot snapshot = { 0 };

  leave_hot_journal (path);
  snapshot_take (&snapshot, path);

  assert_core_refuses (&snapshot, HD_ERROR_NEWER_VERSION);
  assert_cli_refuses (&snapshot, "newer version of Helpdesk", "the file was not changed");
  snapshot_clear (&snapshot);
}

static void
test_foreign (void)
{
  g_autofree char *path = make_foreign ();
  Snapshot snapshot = { 0 };

  leave_hot_journal (path);
  snapshot_take (&snapshot, path);

  assert_core_refuses (&snapshot, HD_ERROR_NOT_HELPDESK);
  assert_cli_refuses (&snapshot, "is not a helpdesk file", "left as it was");
  snapshot_clear (&snapshot);
}

/* A helpdesk file of this version: the journal is rolled back on opening,
 * and the file holds what was committed, soundly. */
static void
test_own_rolled_back (gconstpointer data)
{
  HdLocking locking = GPOINTER_TO_INT (data);
  g_autofree char *path = hd_test_new_path ("ours");
  g_autofree char *journal = journal_of (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_create_full (path, "disp", "Our office", locking, &error);
  g_autoptr(GPtrArray) problems = NULL;
  HdTicketFilter all = { 0 };
  guint count = 0;

  g_assert_no_error (error);
  for (guint i = 1; i <= N_TICKETS; i++)
    g_object_unref (hd_test_file_ticket (store, "Committed before the crash"));
  g_clear_object (&store);

  leave_hot_journal (path);

  store = hd_store_open (path, "disp", &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_true (hd_store_check (store, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_true (hd_store_count_tickets (store, &all, &count, &error));
  g_assert_cmpuint (count, ==, N_TICKETS);
  g_clear_object (&store);

  /* Nothing of the unfinished change is left. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db,
                                         "SELECT (SELECT count(*) FROM sqlite_schema WHERE name = 'filler')"
                                         " + (SELECT count(*) FROM tickets WHERE title LIKE 'Unfinished%')",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *writer = g_getenv ("HD_JOURNAL_WRITER");

  if (writer != NULL)
    return writer_main (writer);

  setlocale (LC_ALL, "");
  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);


  g_test_add_data_func ("/fault/refused-file/newer/posix", GINT_TO_POINTER (HD_LOCKING_POSIX),
                        test_newer);
  g_test_add_data_func ("/fault/refused-file/newer/dotfile",
                        GINT_TO_POINTER (HD_LOCKING_DOTFILE), test_newer);
  g_test_add_func ("/fault/refused-file/foreign", test_foreign);
  g_test_add_data_func ("/fault/refused-file/own-rolled-back/posix",
                        GINT_TO_POINTER (HD_LOCKING_POSIX), test_own_rolled_back);
  g_test_add_data_func ("/fault/refused-file/own-rolled-back/dotfile",
                        GINT_TO_POINTER (HD_LOCKING_DOTFILE), test_own_rolled_back);

  return g_test_run ();
}
