/* test-recover.c — finding the last good backup, and putting it in place of
 * a damaged file
 *
 * Files are damaged the way disks and shares damage them: bytes in the
 * middle of a page of the tickets table, or garbage over the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hd-schema.h"
#include "hd-test-util.h"

#define N_TICKETS 300

/* Helpers */

static gint64
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
write_bytes (const char *path,
             const char *data,
             gsize       size)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);
}

/* A folder of its own, so that a test sees every file recovery leaves. */
static char *
new_dir (void)
{
  char *dir = g_build_filename (hd_test_dir (), "office-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

/* Made once: filing hundreds of tickets one safe transaction at a time
 * takes a while. */
static char *template_dir;
static char *template_path;

/* A helpdesk of N_TICKETS tickets, enough to span many pages, in a folder
 * of its own; returns its path. */
static char *
new_helpdesk (HdLocking locking)
{
  g_autofree char *dir = new_dir ();
  char *path = g_build_filename (dir, "office.db", NULL);
  g_autofree char *record = hd_store_locking_path (path);
  g_autofree char *record_text = g_strconcat (hd_locking_to_string (locking), "\n", NULL);
  g_autoptr(GBytes) contents = NULL;

  if (template_path == NULL)
    {
      g_autoptr(HdStore) store = NULL;
      g_autoptr(GError) error = NULL;

      template_dir = g_dir_make_tmp ("hd-recover-XXXXXX", &error);
      g_assert_no_error (error);
      template_path = g_build_filename (template_dir, "template.db", NULL);
      store = hd_store_create_full (template_path, "disp", "Test office", HD_LOCKING_POSIX,
                                    &error);
      g_assert_no_error (error);
      for (guint i = 0; i < N_TICKETS; i++)
        {
          g_autofree char *title = g_strdup_printf ("Printer %u jams", i + 1);
          g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, title);
        }
    }

  contents = hd_test_read_bytes (template_path);
  write_bytes (path, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
  write_bytes (record, record_text, -1);
  return path;
}

static void
remove_template (void)
{
  g_autofree char *record = NULL;

  if (template_path == NULL)
    return;

  record = hd_store_locking_path (template_path);
  g_unlink (template_path);
  g_unlink (record);
  g_rmdir (template_dir);
  g_clear_pointer (&template_path, g_free);
  g_clear_pointer (&template_dir, g_free);
}

static void
file_tickets (const char *path,
              guint       n)
{
  g_autoptr(HdStore) store = hd_test_open_as (path, "disp");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, "Filed later");
    }
}

/* Writes a backup into the folder where the window keeps them. */
static char *
backup_now (const char *path)
{
  g_autoptr(HdStore) store = hd_test_open_as (path, "disp");
  g_autofree char *dir = hd_store_default_backup_dir (path);
  g_autoptr(GError) error = NULL;
  char *written = NULL;

  g_assert_true (hd_store_backup_rotating (store, dir, HD_STORE_BACKUPS_KEPT, &written, &error));
  g_assert_no_error (error);
  return written;
}

/* Scribbles over 1500 bytes in the middle of a leaf page of the tickets
 * table, as a bad sector or a torn write over a share does. */
static void
damage_page (const char *path)
{
  gint64 page = sql_int (path, "SELECT pageno FROM dbstat WHERE name = 'tickets'"
                               " AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 3");
  gint64 page_size = sql_int (path, "PRAGMA page_size");
  g_autoptr(GBytes) bytes = hd_test_read_bytes (path);
  gsize size = 0;
  g_autofree char *data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (page, >, 1);
  g_assert_cmpint (page * page_size, <=, size);
  memset (data + (page - 1) * page_size + 1000, 0xA5, 1500);
  write_bytes (path, data, size);

  /* Damaged as the issue means it: the file is refused. */
  store = hd_store_open_full (path, "disp", HD_STORE_OPEN_VERIFY, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  g_assert_null (store);
}

/* Garbage over the 100-byte header: SQLite no longer knows the file. */
static void
damage_header (const char *path)
{
  g_autoptr(GBytes) bytes = hd_test_read_bytes (path);
  gsize size = 0;
  g_autofree char *data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100; i++)
    data[i] = (char) (0x5A ^ (i * 37));
  write_bytes (path, data, size);

  store = hd_store_open (path, "disp", &error);
  g_assert_nonnull (error);
  g_assert_null (store);
}

static guint
count_tickets (HdStore *store)
{
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_assert_true (hd_store_count_tickets (store, NULL, &count, &error));
  g_assert_no_error (error);
  return count;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* The names in @path's folder, sorted, as one string. */
static char *
list_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, (char *) name);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
assert_bytes (const char *path,
              GBytes     *expected)
{
  g_autoptr(GBytes) now = hd_test_read_bytes (path);

  g_assert_true (g_bytes_equal (now, expected));
}

/* The last good backup */

static void
test_last_good_skips_damaged (void)
{
  g_autofree char *path = new_helpdesk (HD_LOCKING_POSIX);
  g_autofree char *oldest = backup_now (path);
  g_autofree char *middle = NULL;
  g_autofree char *newest = NULL;
  g_autofree char *found = NULL;
  g_autofree char *stray = NULL;
  g_autofree char *dir = hd_store_default_backup_dir (path);
  g_autoptr(GBytes) damaged_backup = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  file_tickets (path, 1);
  middle = backup_now (path);
  file_tickets (path, 1);
  newest = backup_now (path);

  /* The newest backup is damaged; a file in the folder that is named like
   * a backup but is none is newer still. */
  damage_page (newest);
  damaged_backup = hd_test_read_bytes (newest);
  stray = g_build_filename (dir, "helpdesk-99991231-235959.db", NULL);
  write_bytes (stray, "not a database", -1);

  found = hd_store_find_last_good_backup (path, &error);
  g_assert_no_error (error);
  /* Not the oldest good one: the newest one that is good. */
  g_assert_cmpstr (found, ==, middle);
  g_assert_cmpstr (found, !=, oldest);

  /* Looking did not touch the backups. */
  assert_bytes (newest, damaged_backup);

  store = hd_test_open_as (found, "disp");
  g_assert_cmpuint (count_tickets (store), ==, N_TICKETS + 1);
}

static void
test_last_good_none (void)
{
  g_autofree char *path = new_helpdesk (HD_LOCKING_POSIX);
  g_autofree char *only = NULL;
  g_autofree char *found = NULL;
  g_autoptr(GError) error = NULL;

  /* No backups at all. */
  found = hd_store_find_last_good_backup (path, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Only a damaged one. */
  only = backup_now (path);
  damage_page (only);
  found = hd_store_find_last_good_backup (path, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_null (found);
}

/* Recovering */

static void
test_recover_damaged_page (void)
{
  g_autofree char *path = new_helpdesk (HD_LOCKING_POSIX);
  g_autofree char *backup = backup_now (path);
  g_autofree char *record = hd_store_locking_path (path);
  g_autofree char *damaged_copy = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *names = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(GBytes) record_before = hd_test_read_bytes (record);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  file_tickets (path, 10);
  damage_page (path);
  damaged = hd_test_read_bytes (path);

  g_assert_true (hd_store_recover (path, backup, &damaged_copy, &error));
  g_assert_no_error (error);

  /* The damaged file is kept byte for byte beside the file... */
  g_assert_nonnull (damaged_copy);
  base = g_path_get_basename (damaged_copy);
  g_assert_true (g_regex_match_simple ("^office\\.db\\.damaged-\\d{8}-\\d{6}$", base, 0, 0));
  g_assert_true (g_str_has_prefix (damaged_copy, dir));
  assert_bytes (damaged_copy, damaged);

  /* ...the locking record stays as it was, and nothing else is left. */
  assert_bytes (record, record_before);
  names = list_folder (path);
  expected = g_strdup_printf ("office.db %s office.db.locking", base);
  g_assert_cmpstr (names, ==, expected);

  /* The file is the backup now: sound, with the backup's tickets. */
  store = hd_store_open_full (path, "disp", HD_STORE_OPEN_VERIFY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_tickets (store), ==, N_TICKETS);
  g_assert_true (hd_store_check (store, &problems, &error));
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_recover_garbage_header (void)
{
  g_autofree char *path = new_helpdesk (HD_LOCKING_DOTFILE);
  g_autofree char *backup = backup_now (path);
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *damaged_copy = NULL;
  g_autofree char *kept_journal = NULL;
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  damage_header (path);
  damaged = hd_test_read_bytes (path);
  /* A journal left by the desk whose write went wrong: it belongs to the
   * damaged file and must not be played into the backup. */
  write_bytes (journal, "unfinished change", -1);

  /* Another desk holds the dot-file lock: recovery waits for it, and gives
   * up leaving everything as it was. */
  g_assert_cmpint (g_mkdir (lock, 0777), ==, 0);
  g_setenv ("HELPDESK_BUSY_TIMEOUT", "300", TRUE);
  g_assert_false (hd_store_recover (path, backup, &damaged_copy, &error));
  g_unsetenv ("HELPDESK_BUSY_TIMEOUT");
  g_assert_error (error, HD_ERROR, HD_ERROR_BUSY);
  g_assert_null (damaged_copy);
  assert_bytes (path, damaged);
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_assert_cmpint (g_rmdir (lock), ==, 0);

  g_assert_true (hd_store_recover (path, backup, &damaged_copy, &error));
  g_assert_no_error (error);
  assert_bytes (damaged_copy, damaged);
  kept_journal = g_strconcat (damaged_copy, "-journal", NULL);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept_journal, G_FILE_TEST_IS_REGULAR));
  /* The lock was ours while we worked, and is given back. */
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));

  store = hd_store_open_full (path, "disp", HD_STORE_OPEN_VERIFY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_store_get_locking (store), ==, HD_LOCKING_DOTFILE);
  g_assert_cmpuint (count_tickets (store), ==, N_TICKETS);
}

/* Another desk reading a POSIX-locked file: a child process holds SQLite's
 * shared lock (a read lock over the SHARED byte range) until @release_fd
 * is closed. A process of its own, because closing any descriptor of a
 * file drops all of a process's POSIX locks on it. */
static GPid
hold_shared_lock (const char *path,
                  int        *release_fd)
{
  int ready[2];
  int release[2];
  char answer = 0;
  GPid pid;

  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (release), ==, 0);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct flock range = { 0 };
      int fd = open (path, O_RDWR);
      char c;

      range.l_type = F_RDLCK;
      range.l_whence = SEEK_SET;
      range.l_start = 0x40000002;
      range.l_len = 510;
      c = fd >= 0 && fcntl (fd, F_SETLK, &range) == 0 ? 'y' : 'n';
      close (release[1]);
      if (write (ready[1], &c, 1) != 1 || read (release[0], &c, 1) < 0)
        _exit (1);
      _exit (0);
    }

  close (ready[1]);
  close (release[0]);
  g_assert_cmpint (read (ready[0], &answer, 1), ==, 1);
  close (ready[0]);
  g_assert_cmpint (answer, ==, 'y');
  *release_fd = release[1];
  return pid;
}

/* A POSIX-locked file: recovery waits while another desk uses the file. */
static void
test_recover_waits_for_posix_lock (void)
{
  g_autofree char *path = new_helpdesk (HD_LOCKING_POSIX);
  g_autofree char *backup = backup_now (path);
  g_autofree char *damaged_copy = NULL;
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(GError) error = NULL;
  int release_fd = -1;
  int child_status = 0;
  GPid pid;

  damage_page (path);
  damaged = hd_test_read_bytes (path);

  pid = hold_shared_lock (path, &release_fd);
  g_setenv ("HELPDESK_BUSY_TIMEOUT", "300", TRUE);
  g_assert_false (hd_store_recover (path, backup, &damaged_copy, &error));
  g_unsetenv ("HELPDESK_BUSY_TIMEOUT");
  g_assert_error (error, HD_ERROR, HD_ERROR_BUSY);
  g_assert_null (damaged_copy);
  assert_bytes (path, damaged);
  g_clear_error (&error);

  close (release_fd);
  g_assert_cmpint (waitpid (pid, &child_status, 0), ==, pid);
  g_assert_true (hd_store_recover (path, backup, &damaged_copy, &error));
  g_assert_no_error (error);
  assert_bytes (damaged_copy, damaged);
}

static void
test_recover_refuses_healthy (void)
{
  g_autofree char *path = new_helpdesk (HD_LOCKING_POSIX);
  g_autofree char *backup = backup_now (path);
  g_autofree char *damaged_copy = NULL;
  g_autofree char *names_before = NULL;
  g_autofree char *names_after = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GError) error = NULL;

  file_tickets (path, 1);
  before = hd_test_read_bytes (path);
  names_before = list_folder (path);

  g_assert_false (hd_store_recover (path, backup, &damaged_copy, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_EXISTS);
  /* It says what to do instead. */
  g_assert_nonnull (strstr (error->message, "restore"));
  g_assert_null (damaged_copy);

  assert_bytes (path, before);
  names_after = list_folder (path);
  g_assert_cmpstr (names_after, ==, names_before);
}

static void
test_recover_refuses_bad_backup (void)
{
  g_autofree char *path = new_helpdesk (HD_LOCKING_POSIX);
  g_autofree char *backup = backup_now (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = g_build_filename (dir, "..", "notes.txt", NULL);
  g_autofree char *newer = NULL;
  g_autofree char *newer_sql = NULL;
  g_autofree char *damaged_copy = NULL;
  g_autofree char *names_before = NULL;
  g_autofree char *names_after = NULL;
  g_autoptr(GBytes) file_before = NULL;
  g_autoptr(GBytes) backup_before = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  damage_page (path);
  damage_page (backup);
  file_before = hd_test_read_bytes (path);
  backup_before = hd_test_read_bytes (backup);
  names_before = list_folder (path);

  /* A damaged backup: both files are left as they are. */
  g_assert_false (hd_store_recover (path, backup, &damaged_copy, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, backup));
  g_clear_error (&error);
  assert_bytes (path, file_before);
  assert_bytes (backup, backup_before);
  names_after = list_folder (path);
  g_assert_cmpstr (names_after, ==, names_before);

  /* Something that is no helpdesk at all. */
  write_bytes (text, "Monday: call the printer company", -1);
  g_assert_false (hd_store_recover (path, text, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK);
  g_clear_error (&error);

  /* A backup made by a newer Helpdesk. */
  g_clear_object (&store);
  store = hd_test_new_helpdesk (&newer);
  g_clear_object (&store);
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  newer_sql = g_strdup_printf ("PRAGMA user_version = %d", HD_SCHEMA_VERSION + 1);
  g_assert_cmpint (sqlite3_exec (db, newer_sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_false (hd_store_recover (path, newer, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NEWER_VERSION);
  g_clear_error (&error);

  assert_bytes (path, file_before);
  g_clear_pointer (&names_after, g_free);
  names_after = list_folder (path);
  g_assert_cmpstr (names_after, ==, names_before);
}

static void
test_recover_refuses_missing_and_foreign (void)
{
  g_autofree char *path = new_helpdesk (HD_LOCKING_POSIX);
  g_autofree char *backup = backup_now (path);
  g_autofree char *dir = new_dir ();
  g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *other = g_build_filename (dir, "other-app.db", NULL);
  g_autoptr(GBytes) text_before = NULL;
  g_autoptr(GBytes) other_before = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_false (hd_store_recover (missing, backup, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A text file, and another program's damaged database: not ours. */
  write_bytes (text, "Shopping list: toner, paper", -1);
  text_before = hd_test_read_bytes (text);
  g_assert_false (hd_store_recover (text, backup, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK);
  assert_bytes (text, text_before);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE tickets (id INTEGER PRIMARY KEY, title TEXT);"
                                     "INSERT INTO tickets (title) VALUES (zeroblob(3000));"
                                     "INSERT INTO tickets (title) VALUES (zeroblob(3000));",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  other_before = hd_test_read_bytes (other);
  g_assert_false (hd_store_recover (other, backup, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK);
  assert_bytes (other, other_before);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/recover/last-good/skips-damaged", test_last_good_skips_damaged);
  g_test_add_func ("/recover/last-good/none", test_last_good_none);
  g_test_add_func ("/recover/damaged-page", test_recover_damaged_page);
  g_test_add_func ("/recover/garbage-header", test_recover_garbage_header);
  g_test_add_func ("/recover/waits-for-posix-lock", test_recover_waits_for_posix_lock);
  g_test_add_func ("/recover/refuses/healthy", test_recover_refuses_healthy);
  g_test_add_func ("/recover/refuses/bad-backup", test_recover_refuses_bad_backup);
  g_test_add_func ("/recover/refuses/missing-and-foreign", test_recover_refuses_missing_and_foreign);

  status = g_test_run ();
  remove_template ();
  return status;
}
