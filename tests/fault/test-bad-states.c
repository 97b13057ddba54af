/* test-bad-states.c — a helpdesk file in the bad states a desk meets
 *
 * A full disk, a read-only share or file, the file deleted, moved or
 * replaced while a desk has it open, and the share unmounted or dropped
 * under an open file. Each must end in the documented HdError and lose no
 * data: every change that reported success is in the file, the change that
 * failed left nothing behind (no ticket without its history, no change_log
 * row, no journal, no lock), and the file passes SQLite's integrity check.
 *
 * The disks are real: a small tmpfs, a read-only bind mount and a bindfs
 * (FUSE) mount, made in the case's own folder under /tmp, which needs root
 * (or FUSE, for bindfs). Where a mount cannot be made the case is skipped
 * with the reason. The teardown undoes every mount, lazily; and the
 * program mounts in a mount namespace of its own, so that even a failed
 * assertion, which aborts before the teardown, leaves nothing mounted.
 *
 * Root ignores permission bits, so the cases about a 0444 file and a 0555
 * folder run their reads and writes in a copy of this program started as
 * nobody (setpriv), or as the caller when that is not root.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* unshare */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hd-store-monitor.h"
#include "hd-store-private.h"
#include "hd-test-util.h"

#define NOBODY_ID "65534"
#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

/* The disk-full case: a tmpfs of DISK_SIZE, filled up to SLACK_BYTES,
 * then changes of BIG_CHARS each until one fails. Since schema version 5
 * a change also writes its words to tickets_fts (a copy of the text and
 * its index, and their journal), so a few changes need this much room. */
#define DISK_SIZE "1024k"
#define SLACK_BYTES (384 * 1024)
#define BIG_CHARS (20 * 1024)
#define MAX_CHANGES 200

static char *self_path;

/* Commands */

/* Runs @argv; when it fails, @why (if given) says how. */
static gboolean
run (const char * const  *argv,
     char               **why)
{
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (g_spawn_sync (NULL, (char **) argv, NULL,
                    G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, &err, &status, &error) &&
      g_spawn_check_wait_status (status, &error))
    return TRUE;

  if (why != NULL)
    *why = g_strdup_printf ("%s: %s%s%s", argv[0], error->message,
                            err != NULL ? "; " : "",
                            err != NULL ? g_strstrip (err) : "");
  return FALSE;
}

/* One line, as every message of the tool. */
static void
assert_one_line (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "\n"));
  g_assert_true (strchr (text, '\n') == text + strlen (text) - 1);
}

/* Fixture: the case's folder and mounts */

typedef struct {
  char        *point;
  GSubprocess *bindfs;   /* the FUSE server, for a bindfs mount */
  gboolean     mounted;
} Mount;

typedef struct {
  char      *root;
  GPtrArray *mounts;  /* Mount */
} Fixture;

static void
mount_free (Mount *mount)
{
  g_clear_object (&mount->bindfs);
  g_free (mount->point);
  g_free (mount);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->root = g_dir_make_tmp ("hd-bad-states-XXXXXX", &error);
  g_assert_no_error (error);
  /* nobody must reach the files of the permission cases. */
  g_assert_cmpint (g_chmod (f->root, 0755), ==, 0);
  f->mounts = g_ptr_array_new_with_free_func ((GDestroyNotify) mount_free);
}

/* Lazily: a mount still in use (a store left open by a failed assertion)
 * goes all the same. */
static gboolean
unmount (Mount  *mount,
         char  **why)
{
  g_autofree char *fusermount3 = g_find_program_in_path ("fusermount3");
  const char *fuse_argv[] = { fusermount3 != NULL ? "fusermount3" : "fusermount",
                              "-u", "-z", mount->point, NULL };
  const char *kernel_argv[] = { "umount", "-l", mount->point, NULL };

  if (!mount->mounted)
    return TRUE;

  mount->mounted = !run (mount->bindfs != NULL ? fuse_argv : kernel_argv, why);
  return !mount->mounted;
}

/* GSubprocess reaps its child on GLib's worker thread. */
static gboolean
wait_exited (GSubprocess *process,
             gint64       limit_us)
{
  gint64 limit = g_get_monotonic_time () + limit_us;

  while (g_subprocess_get_identifier (process) != NULL)
    {
      if (g_get_monotonic_time () > limit)
        return FALSE;
      g_usleep (10000);
    }

  return TRUE;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gboolean all_gone = TRUE;

  for (guint i = f->mounts->len; i-- > 0;)
    {
      Mount *mount = g_ptr_array_index (f->mounts, i);
      g_autofree char *why = NULL;

      if (!unmount (mount, &why))
        {
          g_printerr ("test-bad-states: %s\n", why);
          all_gone = FALSE;
        }
      /* Unmounted, bindfs ends once the last file through it is closed. */
      if (mount->bindfs != NULL && !wait_exited (mount->bindfs, 5 * G_USEC_PER_SEC))
        g_subprocess_force_exit (mount->bindfs);
    }

  /* Never through a mount left behind. */
  if (all_gone)
    {
      const char *rm[] = { "rm", "-rf", "--one-file-system", f->root, NULL };

      run (rm, NULL);
    }

  g_ptr_array_unref (f->mounts);
  g_free (f->root);
}

static Mount *
fixture_add_mount (Fixture    *f,
                   const char *point)
{
  Mount *mount = g_new0 (Mount, 1);

  mount->point = g_strdup (point);
  mount->mounted = TRUE;
  g_ptr_array_add (f->mounts, mount);
  return mount;
}

/* Mounts with @argv, whose mount point is @point; skips the case, with the
 * reason, where that cannot be done here. */
static Mount *
mount_kernel (Fixture            *f,
              const char * const *argv,
              const char         *point)
{
  g_autofree char *why = NULL;
  g_autofree char *reason = NULL;

  g_assert_cmpint (g_mkdir_with_parents (point, 0755), ==, 0);
  if (!run (argv, &why))
    {
      reason = g_strdup_printf ("Cannot mount here, which this case needs (%s)", why);
      g_test_skip (reason);
      return NULL;
    }

  return fixture_add_mount (f, point);
}

static gboolean
is_mount_point (const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);
  GStatBuf st, parent_st;

  return g_stat (path, &st) == 0 && g_stat (parent, &parent_st) == 0 &&
         st.st_dev != parent_st.st_dev;
}

/* bindfs ends with the test program, however that ends. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* bindfs runs in the foreground, a child of ours, so that the case can
 * also kill it as a share that drops would. */
static Mount *
mount_bindfs (Fixture    *f,
              const char *source,
              const char *point)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) bindfs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("bindfs");
  g_autofree char *fusermount3 = g_find_program_in_path ("fusermount3");
  g_autofree char *fusermount = g_find_program_in_path ("fusermount");
  gint64 limit = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  Mount *mount;

  if (program == NULL || (fusermount3 == NULL && fusermount == NULL))
    {
      g_test_skip ("bindfs and fusermount are needed (Debian packages bindfs, fuse3)");
      return NULL;
    }

  g_assert_cmpint (g_mkdir_with_parents (point, 0755), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  bindfs = g_subprocess_launcher_spawn (launcher, &error, program, "-f", "-o",
                                        "direct_io,attr_timeout=0,entry_timeout=0",
                                        source, point, NULL);
  g_assert_no_error (error);

  while (!is_mount_point (point))
    {
      if (g_subprocess_get_identifier (bindfs) == NULL)
        {
          g_test_skip ("bindfs could not mount (no /dev/fuse?)");
          return NULL;
        }
      if (g_get_monotonic_time () > limit)
        {
          g_subprocess_force_exit (bindfs);
          g_test_skip ("bindfs did not mount within 5 s");
          return NULL;
        }
      g_usleep (10000);
    }

  mount = fixture_add_mount (f, point);
  mount->bindfs = g_steal_pointer (&bindfs);
  return mount;
}

/* The file as another program sees it */

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

static gint64
query (sqlite3    *db,
       const char *sql,
       gint64      arg)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

typedef struct {
  gint64 tickets;
  gint64 replies;
  gint64 changes;
} Counts;

/* Checks that @path is sound and complete: no journal or lock left beside
 * it, SQLite's integrity check, every ticket with its "created" event and
 * every event with its ticket. Returns what it holds. */
static Counts
assert_sound (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  Counts counts;

  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));

  db = open_raw (path);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  g_assert_cmpint (query (db, "SELECT count(*) FROM tickets t WHERE NOT EXISTS"
                              " (SELECT 1 FROM ticket_events e"
                              "  WHERE e.ticket_id = t.id AND e.kind = 'created')", 0), ==, 0);
  g_assert_cmpint (query (db, "SELECT count(*) FROM ticket_events e WHERE NOT EXISTS"
                              " (SELECT 1 FROM tickets t WHERE t.id = e.ticket_id)", 0), ==, 0);

  counts.tickets = query (db, "SELECT count(*) FROM tickets", 0);
  counts.replies = query (db, "SELECT count(*) FROM ticket_events WHERE kind = 'reply'", 0);
  counts.changes = query (db, "SELECT count(*) FROM change_log", 0);
  sqlite3_close (db);
  return counts;
}

/* What the changes that reported success were. */
typedef struct {
  Counts  before;
  GArray *tickets;  /* gint64: ticket numbers filed */
  GArray *replies;  /* gint64: reply event ids */
} Ledger;

static void
ledger_init (Ledger     *ledger,
             const char *path)
{
  ledger->before = assert_sound (path);
  ledger->tickets = g_array_new (FALSE, FALSE, sizeof (gint64));
  ledger->replies = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
ledger_add_ticket (Ledger   *ledger,
                   HdTicket *ticket)
{
  gint64 number = hd_ticket_get_number (ticket);

  g_array_append_val (ledger->tickets, number);
}

static void
ledger_clear (Ledger *ledger)
{
  g_clear_pointer (&ledger->tickets, g_array_unref);
  g_clear_pointer (&ledger->replies, g_array_unref);
}

/* Every change the ledger holds is in the file at @path, and nothing else:
 * one change_log row per change, so not even a part of a failed one. */
static void
assert_holds (const char   *path,
              const Ledger *ledger)
{
  Counts now = assert_sound (path);
  sqlite3 *db = open_raw (path);

  for (guint i = 0; i < ledger->tickets->len; i++)
    g_assert_cmpint (query (db, "SELECT count(*) FROM tickets WHERE id = ?",
                            g_array_index (ledger->tickets, gint64, i)), ==, 1);
  for (guint i = 0; i < ledger->replies->len; i++)
    g_assert_cmpint (query (db, "SELECT count(*) FROM ticket_events WHERE id = ? AND kind = 'reply'",
                            g_array_index (ledger->replies, gint64, i)), ==, 1);
  sqlite3_close (db);

  g_assert_cmpint (now.tickets, ==, ledger->before.tickets + ledger->tickets->len);
  g_assert_cmpint (now.replies, ==, ledger->before.replies + ledger->replies->len);
  g_assert_cmpint (now.changes, ==,
                   ledger->before.changes + ledger->tickets->len + ledger->replies->len);
}

/* Changes */

static char *
make_text (gsize       size,
           const char *what)
{
  GString *text = g_string_sized_new (size + 80);

  while (text->len < size)
    g_string_append_printf (text, "%s: the printer on the third floor jams again. ", what);
  g_string_truncate (text, size);
  return g_string_free (text, FALSE);
}

static HdTicket *
file_ticket (HdStore     *store,
             const char  *title,
             gsize        size,
             GError     **error)
{
  g_autofree char *description = make_text (size, title);
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  draft.title = title;
  draft.description = description;
  return hd_store_create_ticket (store, &draft, error);
}

/* Files a ticket and replies to @number, recording what succeeded; FALSE
 * with @error at the first change that fails. */
static gboolean
make_changes (HdStore  *store,
              gint64    number,
              Ledger   *ledger,
              guint     n,
              gsize     size,
              GError  **error)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Change %u", i);

      if (i % 2 == 0)
        {
          g_autoptr(HdTicket) ticket = file_ticket (store, title, size, error);

          if (ticket == NULL)
            return FALSE;
          ledger_add_ticket (ledger, ticket);
        }
      else
        {
          g_autofree char *body = make_text (size, title);
          g_autoptr(HdTicketEvent) event = hd_store_add_comment (store, number, body, FALSE,
                                                                 error);
          gint64 id;

          if (event == NULL)
            return FALSE;
          id = hd_ticket_event_get_id (event);
          g_array_append_val (ledger->replies, id);
        }
    }

  return TRUE;
}

/* 1. The disk fills up */

/* Fills the disk that holds @path, up to @slack bytes. */
static void
fill_disk (const char *path,
           gsize       slack)
{
  static const char zeros[64 * 1024];
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  goffset size = 0;

  g_assert_cmpint (fd, >=, 0);
  for (;;)
    {
      gssize written = write (fd, zeros, sizeof zeros);

      if (written < 0)
        {
          g_assert_cmpint (errno, ==, ENOSPC);
          break;
        }
      size += written;
    }

  g_assert_cmpint (size, >, (goffset) slack);
  g_assert_cmpint (ftruncate (fd, size - slack), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *disk = g_build_filename (f->root, "disk", NULL);
  g_autofree char *path = g_build_filename (disk, "helpdesk.db", NULL);
  g_autofree char *filler = g_build_filename (disk, "filler", NULL);
  g_autofree char *big = g_build_filename (f->root, "big.txt", NULL);
  g_autofree char *big_text = make_text (BIG_CHARS, "From the command line");
  g_autofree char *out = NULL, *err = NULL;
  const char *argv[] = { "mount", "-t", "tmpfs", "-o", "size=" DISK_SIZE ",mode=0755",
                         "tmpfs", disk, NULL };
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) first = NULL;
  g_autoptr(HdTicket) after = NULL;
  g_autoptr(GBytes) before_cli = NULL;
  g_autoptr(GBytes) after_cli = NULL;
  g_autoptr(GError) error = NULL;
  HdLocking locking = GPOINTER_TO_INT (data);
  Ledger ledger;
  int status;

  if (mount_kernel (f, argv, disk) == NULL)
    return;

  /* Both ways of locking: a dot-file lock must not outlive the failure
   * either, or the next change would wait for it and fail as busy. */
  store = hd_store_create_full (path, "disp", "Test office", locking, &error);
  g_assert_no_error (error);
  hd_test_add_people (store);
  first = hd_test_file_ticket (store, "Before the disk filled up");
  fill_disk (filler, SLACK_BYTES);

  ledger_init (&ledger, path);
  g_assert_false (make_changes (store, hd_ticket_get_number (first), &ledger, MAX_CHANGES,
                                BIG_CHARS, &error));
  g_test_message ("disk full (%s locking) after %u tickets and %u replies: %s",
                  hd_locking_to_string (locking), ledger.tickets->len, ledger.replies->len,
                  error->message);
  g_assert_error (error, HD_ERROR, HD_ERROR_DISK_FULL);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "disk"));
  /* Some changes fitted, so the check below is about something. */
  g_assert_cmpuint (ledger.tickets->len + ledger.replies->len, >, 0);
  assert_holds (path, &ledger);

  /* Space again: the same store goes on writing. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  after = hd_test_file_ticket (store, "After space was freed");
  ledger_add_ticket (&ledger, after);
  assert_holds (path, &ledger);

  /* The command-line tool says so in one line, and leaves the file as it
   * was. */
  g_assert_true (g_file_set_contents (big, big_text, -1, NULL));
  fill_disk (filler, 4096);
  before_cli = hd_test_read_bytes (path);
  status = hd_test_run_cli (path, &out, &err, "ticket", "new", "--title", "Too big for the disk",
                    "--description-file", big, NULL);
  g_test_message ("helpdesk-cli on a full disk: exit %d, %s", status, err);
  g_assert_cmpint (status, ==, 5);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "disk"));
  g_assert_cmpstr (out, ==, "");
  after_cli = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before_cli, after_cli));
  assert_holds (path, &ledger);
  g_assert_cmpint (g_unlink (filler), ==, 0);

  g_clear_object (&store);
  ledger_clear (&ledger);
}

/* 2. Read-only */

/* A helpdesk with two tickets and a reply at @path, closed. */
static void
seed (const char *path)
{
  g_autoptr(HdStore) store = hd_test_new_helpdesk_at (path);
  g_autoptr(HdTicket) one = hd_test_file_ticket (store, "Printer jams");
  g_autoptr(HdTicket) two = hd_test_file_ticket (store, "No network");
  g_autoptr(HdTicketEvent) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = hd_store_add_comment (store, 1, "Have you tried turning it off?", FALSE, &error);
  g_assert_no_error (error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir, sorted: nothing may appear beside the file. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
assert_read_only_error (GError     *error,
                        const char *path)
{
  g_assert_error (error, HD_ERROR, HD_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "cannot be written"));
}

static void
test_read_only_mount (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *office = g_build_filename (f->root, "office", NULL);
  g_autofree char *ro = g_build_filename (f->root, "office-ro", NULL);
  g_autofree char *path = g_build_filename (office, "helpdesk.db", NULL);
  g_autofree char *ro_path = g_build_filename (ro, "helpdesk.db", NULL);
  g_autofree char *names_before = NULL;
  g_autofree char *names_after = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const char *bind[] = { "mount", "--bind", office, ro, NULL };
  const char *remount[] = { "mount", "-o", "remount,bind,ro", ro, NULL };
  g_autofree char *why = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketFilter all = { 0 };

  g_assert_cmpint (g_mkdir (office, 0755), ==, 0);
  seed (path);
  if (mount_kernel (f, bind, ro) == NULL)
    return;
  if (!run (remount, &why))
    {
      g_autofree char *reason = g_strdup_printf ("Cannot make a read-only bind mount (%s)", why);

      g_test_skip (reason);
      return;
    }

  before = hd_test_read_bytes (path);
  names_before = list_dir (office);

  /* Reading works. */
  store = hd_store_open (ro_path, "disp", &error);
  g_assert_no_error (error);
  g_assert_true (hd_store_is_read_only (store));
  tickets = hd_store_list_tickets (store, &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, 2);
  events = hd_store_list_events (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);

  /* Every kind of change is refused, saying why. */
  {
    g_autoptr(HdTicket) ticket = file_ticket (store, "Refused", 100, &error);

    g_assert_null (ticket);
    assert_read_only_error (error, ro_path);
    g_test_message ("read-only mount: %s", error->message);
    g_clear_error (&error);
  }
  {
    HdTicketChanges changes = { .title = "Renamed" };
    g_autoptr(HdTicket) ticket = hd_store_update_ticket (store, 1, 0, &changes, &error);

    g_assert_null (ticket);
    assert_read_only_error (error, ro_path);
    g_clear_error (&error);
  }
  {
    g_autoptr(HdTicket) ticket = hd_store_assign_ticket (store, 1, 0, "tech1", &error);

    g_assert_null (ticket);
    assert_read_only_error (error, ro_path);
    g_clear_error (&error);
  }
  {
    g_autoptr(HdTicket) ticket = hd_store_set_ticket_status (store, 2, 0, HD_STATUS_PENDING,
                                                              &error);

    g_assert_null (ticket);
    assert_read_only_error (error, ro_path);
    g_clear_error (&error);
  }
  {
    g_autoptr(HdTicketEvent) event = hd_store_add_comment (store, 1, "Refused", TRUE, &error);

    g_assert_null (event);
    assert_read_only_error (error, ro_path);
    g_clear_error (&error);
  }
  {
    HdPersonDraft draft = { .login = "newcomer", .name = "Newcomer", .role = HD_ROLE_REQUESTER };
    g_autoptr(HdPerson) person = hd_store_add_person (store, &draft, &error);

    g_assert_null (person);
    assert_read_only_error (error, ro_path);
    g_clear_error (&error);
  }
  {
    HdPersonChanges changes = HD_PERSON_CHANGES_INIT;
    g_autoptr(HdPerson) person = NULL;

    changes.name = "Renamed";
    person = hd_store_update_person (store, "req1", &changes, &error);
    g_assert_null (person);
    assert_read_only_error (error, ro_path);
    g_clear_error (&error);
  }
  g_clear_object (&store);

  /* The same through the command-line tool. */
  g_assert_cmpint (hd_test_run_cli (ro_path, &out, &err, "ticket", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Printer jams"));
  g_assert_cmpint (hd_test_run_cli (ro_path, &out, &err, "ticket", "new", "--title", "Refused", NULL),
                   ==, 5);
  g_test_message ("helpdesk-cli on a read-only mount: %s", err);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "cannot be written"));

  /* Not a byte changed, nothing left beside the file. */
  after = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  names_after = list_dir (office);
  g_assert_cmpstr (names_after, ==, names_before);
}

/* Worker, run as nobody: reads @path and tries to change it. Prints
 * "tickets N", then "CODE MESSAGE" per change tried. */
static int
reader_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "disp", &error);
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  HdTicketFilter all = { 0 };

  if (store == NULL)
    {
      g_print ("open %d %s\n", error->code, error->message);
      return 1;
    }

  tickets = hd_store_list_tickets (store, &all, &error);
  if (tickets == NULL)
    {
      g_print ("list %d %s\n", error->code, error->message);
      return 1;
    }
  g_print ("tickets %u\n", tickets->len);

  ticket = file_ticket (store, "Refused", 100, &error);
  g_print ("%d %s\n", ticket != NULL ? -1 : error->code, ticket != NULL ? "saved" : error->message);
  g_clear_error (&error);
  event = hd_store_add_comment (store, 1, "Refused", FALSE, &error);
  g_print ("%d %s\n", event != NULL ? -1 : error->code, event != NULL ? "saved" : error->message);
  return 0;
}

/* Runs reader_main() on @path as nobody (root ignores permission bits). */
static char **
read_as_nobody (const char *path)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (getuid () == 0)
    {
      g_ptr_array_add (argv, (char *) "setpriv");
      g_ptr_array_add (argv, (char *) "--reuid=" NOBODY_ID);
      g_ptr_array_add (argv, (char *) "--regid=" NOBODY_ID);
      g_ptr_array_add (argv, (char *) "--clear-groups");
      g_ptr_array_add (argv, (char *) "--");
    }
  g_ptr_array_add (argv, self_path);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "HD_TEST_READER", path, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("as nobody on %s: %s", path, out);
  g_assert_true (g_subprocess_get_successful (process));
  return g_strsplit (g_strchomp (out), "\n", -1);
}

static void
assert_refused_to_nobody (const char *path)
{
  g_autoptr(GBytes) before = hd_test_read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *names_before = list_dir (dir);
  g_autofree char *names_after = NULL;
  g_autofree char *read_only = g_strdup_printf ("%d “%s” or its folder cannot be written.",
                                                HD_ERROR_READ_ONLY, path);
  g_auto(GStrv) lines = read_as_nobody (path);

  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[0], ==, "tickets 2");
  g_assert_true (g_str_has_prefix (lines[1], read_only));
  g_assert_true (g_str_has_prefix (lines[2], read_only));

  after = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  names_after = list_dir (dir);
  g_assert_cmpstr (names_after, ==, names_before);
}

static void
test_read_only_permissions (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *file_dir = g_build_filename (f->root, "file-0444", NULL);
  g_autofree char *file_path = g_build_filename (file_dir, "helpdesk.db", NULL);
  g_autofree char *folder_dir = g_build_filename (f->root, "folder-0555", NULL);
  g_autofree char *folder_path = g_build_filename (folder_dir, "helpdesk.db", NULL);
  g_autofree char *locking = NULL;

  if (getuid () == 0 && g_find_program_in_path ("setpriv") == NULL)
    {
      g_test_skip ("setpriv (util-linux) is needed to act as nobody: root ignores permission bits");
      return;
    }

  /* A file nobody may not write, in a folder everyone may. */
  g_assert_cmpint (g_mkdir (file_dir, 0777), ==, 0);
  g_assert_cmpint (g_chmod (file_dir, 0777), ==, 0);
  seed (file_path);
  g_assert_cmpint (g_chmod (file_path, 0444), ==, 0);
  locking = g_strconcat (file_path, ".locking", NULL);
  g_assert_cmpint (g_chmod (locking, 0444), ==, 0);
  assert_refused_to_nobody (file_path);

  /* A file everyone may write, in a folder nobody may: no journal. */
  g_assert_cmpint (g_mkdir (folder_dir, 0755), ==, 0);
  seed (folder_path);
  g_assert_cmpint (g_chmod (folder_path, 0666), ==, 0);
  g_assert_cmpint (g_chmod (folder_dir, 0555), ==, 0);
  assert_refused_to_nobody (folder_path);
}

/* 3. The file deleted, moved or replaced while open */

typedef struct {
  GError *failed;
  gint64  seen;
} Watch;

static void
failed_cb (HdStoreMonitor *monitor,
           GError         *error,
           Watch          *watch)
{
  g_clear_error (&watch->failed);
  watch->failed = g_error_copy (error);
}

static gboolean
monitor_started (HdStoreMonitor *monitor,
                 Watch          *watch)
{
  return hd_store_monitor_get_last_seq (monitor) > 0;
}

static gboolean
monitor_failed (HdStoreMonitor *monitor,
                Watch          *watch)
{
  return watch->failed != NULL;
}

static void
wait_for (HdStoreMonitor *monitor,
          Watch          *watch,
          gboolean      (*done) (HdStoreMonitor *, Watch *),
          const char     *what)
{
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (!done (monitor, watch))
    {
      if (g_get_monotonic_time () > limit)
        g_error ("Still waiting for %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
}

static void
assert_gone_error (GError     *error,
                   const char *path,
                   const char *words)
{
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, words));
  g_assert_nonnull (strstr (error->message, "Nothing was saved"));
}

static void
test_file_deleted (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->root, "helpdesk.db", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *names_before = NULL;
  g_autofree char *names_after = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk_at (path);
  g_autoptr(HdTicket) kept = hd_test_file_ticket (store, "Filed before");
  g_autoptr(HdStoreMonitor) monitor = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch = { 0 };

  monitor = hd_store_monitor_new (path, "disp");
  hd_store_monitor_set_interval (monitor, 50);
  g_signal_connect (monitor, "failed", G_CALLBACK (failed_cb), &watch);
  wait_for (monitor, &watch, monitor_started, "the monitor to read the file");

  g_assert_cmpint (g_unlink (path), ==, 0);
  names_before = list_dir (f->root);

  /* SQLite would write into the deleted file, which nobody will see. */
  ticket = file_ticket (store, "Into the void", 100, &error);
  g_assert_null (ticket);
  g_test_message ("file deleted: %s", error->message);
  assert_gone_error (error, path, "no longer there");
  g_clear_error (&error);

  event = hd_store_add_comment (store, hd_ticket_get_number (kept), "Into the void", FALSE,
                                &error);
  g_assert_null (event);
  assert_gone_error (error, path, "no longer there");

  /* Nothing written in its place. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  names_after = list_dir (f->root);
  g_assert_cmpstr (names_after, ==, names_before);

  /* Whoever just looks is told too. */
  wait_for (monitor, &watch, monitor_failed, "the monitor to fail");
  g_assert_error (watch.failed, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_false (hd_store_monitor_is_healthy (monitor));
  g_clear_error (&watch.failed);
}

static void
test_file_moved (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->root, "helpdesk.db", NULL);
  g_autofree char *moved = g_build_filename (f->root, "moved.db", NULL);
  g_autoptr(HdStore) store = hd_test_new_helpdesk_at (path);
  g_autoptr(HdTicket) kept = hd_test_file_ticket (store, "Filed before");
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  Ledger ledger;

  ledger_init (&ledger, path);
  g_assert_cmpint (g_rename (path, moved), ==, 0);
  before = hd_test_read_bytes (moved);

  ticket = file_ticket (store, "Where did it go", 100, &error);
  g_assert_null (ticket);
  g_test_message ("file moved: %s", error->message);
  assert_gone_error (error, path, "no longer there");

  /* SQLite's own check, were the file moved during a change, says the
   * same rather than that the file cannot be written. */
  g_clear_error (&error);
  g_assert_false (hd_store_set_error_from_db (store, SQLITE_READONLY_DBMOVED, &error));
  assert_gone_error (error, path, "no longer there");

  /* The file where it went is as it was, and complete. */
  after = hd_test_read_bytes (moved);
  g_assert_true (g_bytes_equal (before, after));
  assert_holds (moved, &ledger);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  ledger_clear (&ledger);
}

static void
test_file_replaced (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->root, "helpdesk.db", NULL);
  g_autofree char *copy = g_build_filename (f->root, "copy.db", NULL);
  g_autoptr(HdStore) store = hd_test_new_helpdesk_at (path);
  g_autoptr(HdTicket) kept = hd_test_file_ticket (store, "Filed before");
  g_autoptr(HdStore) fresh = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) again = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  Ledger ledger;

  /* Put back from a copy the way copy tools do, by renaming over it. */
  g_assert_true (hd_store_backup (store, copy, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (copy, path), ==, 0);
  before = hd_test_read_bytes (path);
  ledger_init (&ledger, path);

  /* The old store would write into the file that was replaced. */
  ticket = file_ticket (store, "Into the old file", 100, &error);
  g_assert_null (ticket);
  g_test_message ("file replaced: %s", error->message);
  assert_gone_error (error, path, "replaced");
  g_clear_error (&error);
  event = hd_store_add_comment (store, hd_ticket_get_number (kept), "Into the old file", FALSE,
                                &error);
  g_assert_null (event);
  assert_gone_error (error, path, "replaced");
  g_clear_error (&error);

  after = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  assert_holds (path, &ledger);

  /* Opened again, the file there now takes changes. */
  fresh = hd_test_open_as (path, "disp");
  again = hd_test_file_ticket (fresh, "Into the new file");
  ledger_add_ticket (&ledger, again);
  assert_holds (path, &ledger);
  ledger_clear (&ledger);
}

/* 4. The share unmounted while open */

static void
test_share_unmounted (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *server = g_build_filename (f->root, "server", NULL);
  g_autofree char *desk = g_build_filename (f->root, "desk", NULL);
  g_autofree char *server_path = g_build_filename (server, "helpdesk.db", NULL);
  g_autofree char *desk_path = g_build_filename (desk, "helpdesk.db", NULL);
  g_autofree char *names = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) reopened = NULL;
  g_autoptr(HdTicket) first = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) again = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  Mount *mount;
  Ledger ledger;

  g_assert_cmpint (g_mkdir (server, 0755), ==, 0);
  mount = mount_bindfs (f, server, desk);
  if (mount == NULL)
    return;

  store = hd_test_new_helpdesk_at (desk_path);
  first = hd_test_file_ticket (store, "Before the share went");
  ledger_init (&ledger, server_path);
  g_assert_true (make_changes (store, hd_ticket_get_number (first), &ledger, 4, 1000, &error));
  g_assert_no_error (error);

  /* The share goes while the store has the file open. */
  if (!unmount (mount, &why))
    g_error ("%s", why);

  ticket = file_ticket (store, "After the share went", 100, &error);
  g_assert_null (ticket);
  g_test_message ("share unmounted: %s", error->message);
  assert_gone_error (error, desk_path, "network share");
  g_clear_error (&error);
  event = hd_store_add_comment (store, hd_ticket_get_number (first), "After the share went",
                                FALSE, &error);
  g_assert_null (event);
  assert_gone_error (error, desk_path, "network share");
  g_clear_error (&error);

  /* Nothing was left in the bare mount point, where a journal or lock
   * would be out of everyone's sight. A desk prepares its next dot-file
   * lock beside the file and removes it when unused for half a second
   * (hd-lease.h): wait that long. */
  for (int i = 0; i < 100; i++)
    {
      g_free (names);
      names = list_dir (desk);
      if (names[0] == '\0')
        break;
      g_usleep (50 * 1000);
    }
  g_assert_cmpstr (names, ==, "");
  g_clear_object (&store);

  /* The file on the server holds every change that reported success. */
  assert_holds (server_path, &ledger);

  /* Back again, the same path opens and takes changes. */
  g_clear_pointer (&why, g_free);
  mount = mount_bindfs (f, server, desk);
  g_assert_nonnull (mount);
  reopened = hd_test_open_as (desk_path, "disp");
  again = hd_test_file_ticket (reopened, "After the share came back");
  ledger_add_ticket (&ledger, again);
  g_clear_object (&reopened);
  assert_holds (server_path, &ledger);
  ledger_clear (&ledger);
}

/* The share drops with the file open (the server or the network goes):
 * every access fails with an I/O error, "Transport endpoint is not
 * connected", which must read plainly, not as a busy file, and lose
 * nothing. */
static void
test_share_dropped (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *server = g_build_filename (f->root, "server", NULL);
  g_autofree char *desk = g_build_filename (f->root, "desk", NULL);
  g_autofree char *server_path = g_build_filename (server, "helpdesk.db", NULL);
  g_autofree char *desk_path = g_build_filename (desk, "helpdesk.db", NULL);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) reopened = NULL;
  g_autoptr(HdTicket) first = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) again = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  Mount *mount;
  Ledger ledger;

  g_assert_cmpint (g_mkdir (server, 0755), ==, 0);
  mount = mount_bindfs (f, server, desk);
  if (mount == NULL)
    return;

  store = hd_test_new_helpdesk_at (desk_path);
  first = hd_test_file_ticket (store, "Before the share dropped");
  ledger_init (&ledger, server_path);
  g_assert_true (make_changes (store, hd_ticket_get_number (first), &ledger, 4, 1000, &error));
  g_assert_no_error (error);

  g_subprocess_force_exit (mount->bindfs);
  g_assert_true (wait_exited (mount->bindfs, 5 * G_USEC_PER_SEC));

  ticket = file_ticket (store, "After the share dropped", 100, &error);
  g_assert_null (ticket);
  g_test_message ("share dropped: %s", error->message);
  g_assert_error (error, HD_ERROR, HD_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, desk_path));
  g_assert_nonnull (strstr (error->message, "network share is still there"));
  g_clear_error (&error);
  event = hd_store_add_comment (store, hd_ticket_get_number (first), "After the share dropped",
                                FALSE, &error);
  g_assert_null (event);
  g_assert_error (error, HD_ERROR, HD_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_object (&store);

  if (!unmount (mount, &why))
    g_error ("%s", why);
  assert_holds (server_path, &ledger);

  mount = mount_bindfs (f, server, desk);
  g_assert_nonnull (mount);
  reopened = hd_test_open_as (desk_path, "disp");
  again = hd_test_file_ticket (reopened, "After the share came back");
  ledger_add_ticket (&ledger, again);
  g_clear_object (&reopened);
  assert_holds (server_path, &ledger);
  ledger_clear (&ledger);
}

int
main (int   argc,
      char *argv[])
{
  const char *reader = g_getenv ("HD_TEST_READER");

  /* The messages are UTF-8, and so is what the reader prints. */
  setlocale (LC_ALL, "");

  if (reader != NULL)
    return reader_main (reader);

  /* The cases mount in a mount namespace of their own, which goes with the
   * program however it ends: a failed assertion aborts before the teardown
   * (and bindfs, our child, is told to end too). Where that is not allowed
   * the cases mostly cannot mount anyway, and skip. */
  if (unshare (CLONE_NEWNS) == 0 && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    g_printerr ("test-bad-states: mounts will be seen outside: %s\n", g_strerror (errno));

  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);


#define ADD_WITH(name, data, func) \
  g_test_add ("/fault/bad-states/" name, Fixture, data, fixture_set_up, func, fixture_tear_down)
#define ADD(name, func) ADD_WITH (name, NULL, func)
  ADD_WITH ("disk-full/posix", GINT_TO_POINTER (HD_LOCKING_POSIX), test_disk_full);
  ADD_WITH ("disk-full/dotfile", GINT_TO_POINTER (HD_LOCKING_DOTFILE), test_disk_full);
  ADD ("read-only-mount", test_read_only_mount);
  ADD ("read-only-permissions", test_read_only_permissions);
  ADD ("file-deleted", test_file_deleted);
  ADD ("file-moved", test_file_moved);
  ADD ("file-replaced", test_file_replaced);
  ADD ("share-unmounted", test_share_unmounted);
  ADD ("share-dropped", test_share_dropped);
#undef ADD
#undef ADD_WITH

  return g_test_run ();
}
