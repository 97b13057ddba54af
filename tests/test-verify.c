/* test-verify.c — knowing a file is sound without reading it whole on open
 *
 * A file is checked on a copy, when it changed since this desk last found
 * it sound, and what was found is remembered for the file as it is. A
 * damaged file, found so by that check or by any read that meets a
 * damaged page, is reported to whoever watches it and refuses every
 * change, on every connection of the process and, by the record, at the
 * next open. The check waits at the window's idle gate.
 *
 * Files are damaged in place, the change counter bumped, as another
 * program or a failing disk would leave them: every connection reads
 * them again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <utime.h>

#include "hd-store-private.h"
#include "hd-test-util.h"

#define N_TICKETS 120

/* Helpers */

static HdStore *
new_office (char **path)
{
  HdStore *store = hd_test_new_helpdesk (path);

  for (guint i = 0; i < N_TICKETS; i++)
    {
      g_autofree char *title = g_strdup_printf ("Ticket number %u with a longer title", i);
      g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, title);
    }
  return store;
}

static gint64
root_page (const char *path,
           const char *table,
           gint64     *page_size)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 page;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage, (SELECT page_size FROM pragma_page_size)"
                                           " FROM sqlite_schema WHERE name = ?", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  page = sqlite3_column_int64 (stmt, 0);
  *page_size = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return page;
}

/* A bad sector over @table's root page, written behind SQLite's back, in
 * place; the change counter tells every connection to read again. */
static void
damage_table (const char *path,
              const char *table)
{
  gint64 page_size = 0;
  gint64 page = root_page (path, table, &page_size);
  g_autofree char *garbage = g_malloc (page_size);
  guint8 counter[4];
  FILE *file;

  memset (garbage, 0xA5, page_size);
  file = g_fopen (path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, 24, SEEK_SET), ==, 0);
  g_assert_cmpuint (fread (counter, 1, 4, file), ==, 4);
  counter[3]++;
  g_assert_cmpint (fseek (file, 24, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (counter, 1, 4, file), ==, 4);
  g_assert_cmpint (fseek (file, (page - 1) * page_size, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (garbage, 1, page_size, file), ==, (gsize) page_size);
  g_assert_cmpint (fclose (file), ==, 0);
}

static guint
count_backups (const char *path)
{
  g_autofree char *dir = hd_store_default_backup_dir (path);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      /* Nothing half-made is left behind. */
      g_assert_false (g_str_has_suffix (name, ".partial"));
      g_assert_false (g_str_has_prefix (name, ".verifying"));
      if (g_str_has_prefix (name, "helpdesk-"))
        n++;
    }
  return n;
}

static void
assert_refuses_changes (HdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  g_assert_false (hd_store_can_write (store));
  draft.title = "Filed into a damaged file";
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_null (ticket);
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "is damaged"));
}

/* This desk's record of @path is rewritten by every check: its inode
 * tells whether a check was made. */
static guint64
record_inode (const char *path)
{
  g_autofree char *key = hd_store_file_key (path);
  g_autofree char *record = g_build_filename (g_get_user_state_dir (), "helpdesk", "verified",
                                              key, NULL);
  GStatBuf st;

  return g_stat (record, &st) == 0 ? (guint64) st.st_ino : 0;
}

typedef struct {
  char  *path;
  char  *message;
  guint  calls;
} Heard;

static void
damage_heard_cb (const char *path,
                 const char *message,
                 gpointer    data)
{
  Heard *heard = data;

  heard->calls++;
  g_free (heard->path);
  g_free (heard->message);
  heard->path = g_strdup (path);
  heard->message = g_strdup (message);
}

static void
wait_until_heard (Heard *heard)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (heard->calls == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (heard->calls, ==, 1);
}

/* Tests */

/* Checked once, then not again until it changes; a check of a file backed
 * up lately keeps no copy. */
static void
test_unchanged_not_checked_again (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = new_office (&path);
  g_autoptr(HdStore) again = NULL;
  g_autoptr(GError) error = NULL;
  guint64 record;
  g_autofree char *written = NULL;
  g_autoptr(HdTicket) ticket = NULL;

  /* Never checked on this desk: unknown, and due. */
  g_assert_cmpint (hd_store_get_verified (disp, NULL), ==, HD_VERIFIED_UNKNOWN);
  g_assert_true (hd_store_maintain (disp, NULL, NULL, &written, &error));
  g_assert_no_error (error);
  g_assert_nonnull (written);
  g_assert_cmpuint (count_backups (path), ==, 1);

  /* Opened again: sound, with nothing to do, and nothing done. */
  record = record_inode (path);
  g_assert_cmpuint (record, !=, 0);
  again = hd_test_open_as (path, "disp");
  g_assert_cmpint (hd_store_get_verified (again, NULL), ==, HD_VERIFIED_SOUND);
  g_clear_pointer (&written, g_free);
  g_assert_true (hd_store_maintain (again, NULL, NULL, &written, &error));
  g_assert_no_error (error);
  g_assert_null (written);
  g_assert_cmpuint (record_inode (path), ==, record);
  g_clear_object (&again);

  /* Changed: unknown again, checked on a copy that is not kept, since the
   * last backup is recent; then sound. */
  ticket = hd_test_file_ticket (disp, "A change since the check");
  again = hd_test_open_as (path, "disp");
  g_assert_cmpint (hd_store_get_verified (again, NULL), ==, HD_VERIFIED_UNKNOWN);
  g_assert_true (hd_store_maintain (again, NULL, NULL, &written, &error));
  g_assert_no_error (error);
  g_assert_null (written);
  g_assert_cmpuint (record_inode (path), !=, record);
  g_assert_cmpuint (count_backups (path), ==, 1);
  g_clear_object (&again);
  again = hd_test_open_as (path, "disp");
  g_assert_cmpint (hd_store_get_verified (again, NULL), ==, HD_VERIFIED_SOUND);
}

/* A read meets a damaged page after the file was opened: the watchers
 * hear of it once, every store of the file refuses changes, and the next
 * open knows it at once. The file is not written. */
static void
test_damage_found_reading (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = new_office (&path);
  g_autoptr(HdStore) reader = NULL;
  g_autoptr(HdStore) later = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *damage = NULL;
  HdTicketFilter filter = { 0 };
  Heard heard = { 0 };
  guint watch;

  damage_table (path, "tickets");
  before = hd_test_read_bytes (path);
  watch = hd_store_watch_damage (path, damage_heard_cb, &heard, NULL);

  /* Opening reads none of it. */
  reader = hd_test_open_as (path, "tech1");
  g_assert_cmpint (hd_store_get_verified (reader, NULL), ==, HD_VERIFIED_UNKNOWN);
  g_assert_true (hd_store_can_write (reader));

  tickets = hd_store_list_tickets (reader, &filter, &error);
  g_assert_null (tickets);
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  g_clear_error (&error);
  wait_until_heard (&heard);
  g_assert_cmpstr (heard.path, ==, path);
  g_assert_nonnull (strstr (heard.message, "is damaged"));

  /* Every store of the file, the one opened before too; told once. */
  assert_refuses_changes (reader);
  assert_refuses_changes (disp);
  tickets = hd_store_list_tickets (reader, &filter, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  g_clear_error (&error);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (heard.calls, ==, 1);

  /* This desk's record: damaged as the file is now, without a read. */
  {
    HdFileStamp stamp, now;

    g_assert_cmpint (hd_store_lookup_verified (path, 0, &now, NULL), ==, HD_VERIFIED_UNKNOWN);
    g_assert_true (hd_file_stamp_read (path, &stamp));
    g_assert_cmpint (hd_store_lookup_verified (path, stamp.ino, &now, &damage), ==,
                     HD_VERIFIED_DAMAGED);
    g_assert_nonnull (damage);
  }
  later = hd_test_open_as (path, "disp");
  g_assert_cmpint (hd_store_get_verified (later, NULL), ==, HD_VERIFIED_DAMAGED);
  assert_refuses_changes (later);
  g_assert_false (hd_store_maintain (later, NULL, NULL, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);

  after = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  hd_store_unwatch_damage (watch);
  g_free (heard.path);
  g_free (heard.message);
}

/* Damage where opening and the first rows never read: the idle check's
 * copy finds it. No backup is written, the older one is kept. */
static void
test_damage_found_by_check (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = new_office (&path);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  HdTicketFilter filter = { .limit = 10 };
  Heard heard = { 0 };
  guint watch;

  g_assert_true (hd_store_maintain (disp, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_backups (path), ==, 1);
  g_clear_object (&disp);

  damage_table (path, "ticket_events");
  watch = hd_store_watch_damage (path, damage_heard_cb, &heard, NULL);
  store = hd_test_open_as (path, "disp");
  g_assert_cmpint (hd_store_get_verified (store, NULL), ==, HD_VERIFIED_UNKNOWN);
  tickets = hd_store_list_tickets (store, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, 10);

  g_assert_false (hd_store_maintain (store, NULL, NULL, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  wait_until_heard (&heard);
  assert_refuses_changes (store);
  g_assert_cmpuint (count_backups (path), ==, 1);

  hd_store_unwatch_damage (watch);
  g_free (heard.path);
  g_free (heard.message);
}

/* Copies left half-made by a desk that was killed go at the next check;
 * one another desk is writing now stays. */
static void
test_stale_copies_removed (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = new_office (&path);
  g_autofree char *dir = hd_store_default_backup_dir (path);
  g_autofree char *stale = g_build_filename (dir, "helpdesk-20200101-000000.db.partial", NULL);
  g_autofree char *stale_journal = g_strconcat (stale, "-journal", NULL);
  g_autofree char *fresh = g_build_filename (dir, ".verifying-1.db.partial", NULL);
  g_autoptr(GError) error = NULL;
  struct utimbuf old = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (stale, "half", -1, NULL));
  g_assert_true (g_file_set_contents (stale_journal, "half", -1, NULL));
  g_assert_true (g_file_set_contents (fresh, "being written", -1, NULL));
  old.actime = old.modtime = g_get_real_time () / G_USEC_PER_SEC - 2 * 60 * 60;
  g_assert_cmpint (g_utime (stale, &old), ==, 0);
  g_assert_cmpint (g_utime (stale_journal, &old), ==, 0);

  g_assert_true (hd_store_maintain (disp, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale_journal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
}

/* A file put in place of a damaged one (a recovery, a copy) is another
 * file: what was found of the old one does not hold for it. */
static void
test_replaced_file_unknown (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = new_office (&path);
  g_autofree char *copy = g_strconcat (path, ".copy", NULL);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketFilter filter = { 0 };

  g_assert_true (hd_store_backup (disp, copy, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&disp);
  damage_table (path, "tickets");
  store = hd_test_open_as (path, "disp");
  tickets = hd_store_list_tickets (store, &filter, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_object (&store);

  g_assert_cmpint (g_rename (copy, path), ==, 0);
  store = hd_test_open_as (path, "disp");
  g_assert_cmpint (hd_store_get_verified (store, NULL), ==, HD_VERIFIED_UNKNOWN);
  g_assert_true (hd_store_can_write (store));
  tickets = hd_store_list_tickets (store, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, N_TICKETS);
}

/* The check waits at the gate: nothing is copied while the window is
 * held busy; released, it goes on. */

typedef struct {
  HdStore    *store;
  HdIdleGate *gate;
  char       *written;
  GError     *error;
} Maintaining;

static gpointer
maintain_thread (gpointer data)
{
  Maintaining *m = data;

  hd_store_maintain (m->store, m->gate, NULL, &m->written, &m->error);
  return NULL;
}

static void
test_waits_for_idle (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = new_office (&path);
  g_autoptr(HdIdleGate) gate = hd_idle_gate_new (20);
  g_autofree char *dir = hd_store_default_backup_dir (path);
  Maintaining m = { disp, gate, NULL, NULL };
  GThread *thread;

  hd_idle_gate_hold (gate);
  thread = g_thread_new ("maintain", maintain_thread, &m);
  for (guint i = 0; i < 20; i++)
    {
      g_usleep (20 * 1000);
      hd_idle_gate_touch (gate);
      g_assert_cmpuint (count_backups (path), ==, 0);
      /* Not even the copy's first pages. */
      if (g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);

          g_assert_null (g_dir_read_name (listing));
        }
    }
  g_assert_false (hd_idle_gate_is_open (gate));

  hd_idle_gate_release (gate);
  g_thread_join (thread);
  g_assert_no_error (m.error);
  g_assert_nonnull (m.written);
  g_assert_cmpuint (count_backups (path), ==, 1);
  g_free (m.written);
}

/* The gate itself: open after the quiet time, shut while held or
 * touched, and a wait ends when cancelled. */

static gpointer
wait_thread (gpointer data)
{
  GCancellable *cancellable = g_object_get_data (data, "cancellable");

  return GINT_TO_POINTER (hd_idle_gate_wait (g_object_get_data (data, "gate"), cancellable));
}

static void
test_gate (void)
{
  g_autoptr(HdIdleGate) gate = hd_idle_gate_new (30);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GObject) data = g_object_new (G_TYPE_OBJECT, NULL);
  GThread *thread;

  g_assert_false (hd_idle_gate_is_open (gate));
  g_assert_true (hd_idle_gate_wait (gate, NULL));
  g_assert_true (hd_idle_gate_is_open (gate));
  hd_idle_gate_touch (gate);
  g_assert_false (hd_idle_gate_is_open (gate));
  g_assert_true (hd_idle_gate_wait (gate, NULL));

  /* Held, a wait lasts until cancelled. */
  hd_idle_gate_hold (gate);
  g_object_set_data (data, "gate", gate);
  g_object_set_data (data, "cancellable", cancellable);
  thread = g_thread_new ("wait", wait_thread, data);
  g_usleep (100 * 1000);
  g_assert_false (hd_idle_gate_is_open (gate));
  g_cancellable_cancel (cancellable);
  g_assert_false (GPOINTER_TO_INT (g_thread_join (thread)));

  /* Released, it waits the quiet time again. */
  hd_idle_gate_release (gate);
  g_assert_false (hd_idle_gate_is_open (gate));
  g_assert_true (hd_idle_gate_wait (gate, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/verify/unchanged-not-checked-again", test_unchanged_not_checked_again);
  g_test_add_func ("/verify/damage-found-reading", test_damage_found_reading);
  g_test_add_func ("/verify/damage-found-by-check", test_damage_found_by_check);
  g_test_add_func ("/verify/replaced-file-unknown", test_replaced_file_unknown);
  g_test_add_func ("/verify/stale-copies-removed", test_stale_copies_removed);
  g_test_add_func ("/verify/waits-for-idle", test_waits_for_idle);
  g_test_add_func ("/verify/gate", test_gate);

  return g_test_run ();
}
