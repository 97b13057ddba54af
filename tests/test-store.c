/* test-store.c — creating, opening and refusing files; people; busy and
 * full files; check and backup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <utime.h>

#include "hd-lease.h"
#include "hd-schema.h"
#include "hd-store-private.h"
#include "hd-test-util.h"

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path);

  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Creating */

static void
test_create_sets_up_file (void)
{
  g_autofree char *path = hd_test_new_path ("create");
  g_autofree char *journal = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  store = hd_store_create (path, "alice", "  Acme office  ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_store_get_name (store), ==, "Acme office");
  g_assert_cmpint (hd_store_get_schema_version (store), ==, HD_SCHEMA_VERSION);
  g_assert_false (hd_store_is_read_only (store));

  /* The creator is the dispatcher. */
  g_assert_cmpstr (hd_person_get_login (hd_store_get_me (store)), ==, "alice");
  g_assert_cmpint (hd_person_get_role (hd_store_get_me (store)), ==, HD_ROLE_DISPATCHER);

  /* The connection follows the shared-file rules. */
  db = hd_store_get_db (store);
  g_assert_cmpint (query_int (db, "PRAGMA application_id"), ==, HD_APPLICATION_ID);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, HD_SCHEMA_VERSION);
  journal = query_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "delete");
  g_assert_cmpint (query_int (db, "PRAGMA synchronous"), ==, 2);   /* FULL */
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
}

static void
test_create_refuses_existing (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) first = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) second = NULL;
  g_autoptr(GBytes) before = hd_test_read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;

  second = hd_store_create (path, "mallory", "Takeover", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_EXISTS);
  g_assert_null (second);

  after = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_create_in_new_folder (void)
{
  g_autofree char *path = g_build_filename (hd_test_dir (), "a", "b", "hd.db", NULL);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = hd_store_create (path, "alice", "Office", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_create_bad_name (void)
{
  g_autofree char *path = hd_test_new_path ("badname");
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = hd_store_create (path, "alice", "Two\nlines", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Opening and refusing */

static void
assert_refused_unchanged (const char *path,
                          int         code)
{
  g_autoptr(GBytes) before = hd_test_read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  store = hd_store_open (path, "alice", &error);
  g_assert_error (error, HD_ERROR, code);
  g_assert_null (store);
  g_test_message ("refused with: %s", error->message);

  after = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

static void
test_open_missing (void)
{
  g_autofree char *path = hd_test_new_path ("missing");
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = hd_store_open (path, "alice", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_open_text_file (void)
{
  g_autofree char *path = hd_test_new_path ("text");

  g_assert_true (g_file_set_contents (path, "Dear diary,\nnot a database.\n", -1, NULL));
  assert_refused_unchanged (path, HD_ERROR_NOT_HELPDESK);
}

static void
test_open_empty_file (void)
{
  g_autofree char *path = hd_test_new_path ("empty");

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  assert_refused_unchanged (path, HD_ERROR_NOT_HELPDESK);
}

static void
test_open_other_database (void)
{
  g_autofree char *path = hd_test_new_path ("other");

  raw_exec (path, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');");
  assert_refused_unchanged (path, HD_ERROR_NOT_HELPDESK);
}

static void
test_open_folder (void)
{
  g_autofree char *path = hd_test_new_path ("folder");
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  store = hd_store_open (path, "alice", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK);
}

static void
test_open_newer_version (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", HD_SCHEMA_VERSION + 1);

  g_clear_object (&store);
  raw_exec (path, sql);
  assert_refused_unchanged (path, HD_ERROR_NEWER_VERSION);
}

static void
test_open_corrupt (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_clear_object (&store);

  /* Keep the header (so it is still recognisably SQLite) and scribble over
   * the first page's contents, where the schema lives. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 4096);
  memset (contents + 100, 0xA5, 3000);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  reopened = hd_store_open (path, "alice", &error);
  g_assert_nonnull (error);
  g_assert_true (error->code == HD_ERROR_CORRUPT || error->code == HD_ERROR_NOT_HELPDESK);
  g_test_message ("refused with: %s", error->message);
}

static void
test_unknown_login_is_requester (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) newcomer = hd_test_open_as (path, "newcomer");
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdPerson) recorded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (hd_person_get_role (hd_store_get_me (newcomer)), ==, HD_ROLE_REQUESTER);
  /* Opening does not write: the person is recorded by their first change. */
  recorded = hd_store_find_person (disp, "newcomer", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  ticket = hd_test_file_ticket (newcomer, "My first request");
  g_assert_cmpstr (hd_ticket_get_requester (ticket), ==, "newcomer");
  recorded = hd_store_find_person (disp, "newcomer", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_person_get_role (recorded), ==, HD_ROLE_REQUESTER);
}

/* People */

static void
test_people_add_and_list (void)
{
  g_autoptr(HdStore) store = hd_test_new_helpdesk (NULL);
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonDraft draft = {
    .login = "zoe", .name = " Zoë Tech ", .email = "zoe@example.org",
    .role = HD_ROLE_TECHNICIAN, .tier = 3, .department = "IT", .location = "Basement",
  };

  person = hd_store_add_person (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_person_get_name (person), ==, "Zoë Tech");
  g_assert_cmpstr (hd_person_get_email (person), ==, "zoe@example.org");
  g_assert_cmpint (hd_person_get_role (person), ==, HD_ROLE_TECHNICIAN);
  g_assert_cmpint (hd_person_get_tier (person), ==, 3);
  g_assert_cmpstr (hd_person_get_department (person), ==, "IT");
  g_assert_cmpstr (hd_person_get_location (person), ==, "Basement");
  g_assert_true (hd_person_get_active (person));

  people = hd_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 6);
}

static void
test_people_add_refusals (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) tech = hd_test_open_as (path, "tech1");
  g_autoptr(HdStore) req = hd_test_open_as (path, "req1");
  g_autoptr(GPtrArray) people = NULL;
  struct {
    HdStore      *store;
    HdPersonDraft draft;
    int           code;
  } cases[] = {
    { tech, { "x1", "X", NULL, HD_ROLE_REQUESTER, 0 }, HD_ERROR_PERMISSION_DENIED },
    { req, { "x2", "X", NULL, HD_ROLE_TECHNICIAN, 1 }, HD_ERROR_PERMISSION_DENIED },
    { disp, { "tech1", "Again", NULL, HD_ROLE_TECHNICIAN, 1 }, HD_ERROR_EXISTS },
    { disp, { "bad login", "X", NULL, HD_ROLE_REQUESTER, 0 }, HD_ERROR_INVALID_INPUT },
    { disp, { "x3", "", NULL, HD_ROLE_REQUESTER, 0 }, HD_ERROR_INVALID_INPUT },
    { disp, { "x4", "X", "not-an-address", HD_ROLE_REQUESTER, 0 }, HD_ERROR_INVALID_INPUT },
    { disp, { "x5", "X", NULL, HD_ROLE_REQUESTER, 2 }, HD_ERROR_INVALID_INPUT },
    { disp, { "x6", "X", NULL, HD_ROLE_TECHNICIAN, 4 }, HD_ERROR_INVALID_INPUT },
    { disp, { "x7", "X", NULL, 17, 0 }, HD_ERROR_INVALID_INPUT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HdPerson) person = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      person = hd_store_add_person (cases[i].store, &cases[i].draft, &error);
      g_assert_error (error, HD_ERROR, cases[i].code);
      g_assert_null (person);
    }

  /* Nobody was added to the five people of the fixture. */
  people = hd_store_list_people (disp, NULL);
  g_assert_cmpuint (people->len, ==, 5);
}

static void
test_people_update (void)
{
  g_autoptr(HdStore) store = hd_test_new_helpdesk (NULL);
  g_autoptr(HdPerson) promoted = NULL;
  g_autoptr(HdPerson) renamed = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonChanges promote = HD_PERSON_CHANGES_INIT;
  HdPersonChanges rename = HD_PERSON_CHANGES_INIT;

  promote.set_role = TRUE;
  promote.role = HD_ROLE_TECHNICIAN;
  promote.tier = 2;
  promoted = hd_store_update_person (store, "req1", &promote, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_person_get_role (promoted), ==, HD_ROLE_TECHNICIAN);
  g_assert_cmpint (hd_person_get_tier (promoted), ==, 2);

  rename.name = "Tech One";
  rename.email = "one@example.org";
  renamed = hd_store_update_person (store, "tech1", &rename, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_person_get_name (renamed), ==, "Tech One");
  g_assert_cmpstr (hd_person_get_email (renamed), ==, "one@example.org");
  g_assert_cmpint (hd_person_get_tier (renamed), ==, 1);
}

static void
test_people_last_dispatcher (void)
{
  g_autoptr(HdStore) store = hd_test_new_helpdesk (NULL);
  g_autoptr(HdPerson) result = NULL;
  g_autoptr(HdPerson) disp = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonChanges demote = HD_PERSON_CHANGES_INIT;
  HdPersonChanges deactivate = HD_PERSON_CHANGES_INIT;

  demote.set_role = TRUE;
  demote.role = HD_ROLE_TECHNICIAN;
  result = hd_store_update_person (store, "disp", &demote, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  deactivate.active = 0;
  result = hd_store_update_person (store, "disp", &deactivate, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  disp = hd_store_find_person (store, "disp", NULL);
  g_assert_cmpint (hd_person_get_role (disp), ==, HD_ROLE_DISPATCHER);
  g_assert_true (hd_person_get_active (disp));
}

static void
test_people_deactivated (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) tech = hd_test_open_as (path, "tech1");
  g_autoptr(HdPerson) changed = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(HdTicket) refused = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonChanges deactivate = HD_PERSON_CHANGES_INIT;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  deactivate.active = 0;
  changed = hd_store_update_person (disp, "tech1", &deactivate, &error);
  g_assert_no_error (error);
  g_assert_false (hd_person_get_active (changed));

  /* The open store notices at its next change, without reopening. */
  draft.title = "Anything";
  refused = hd_store_create_ticket (tech, &draft, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  ticket = hd_test_file_ticket (disp, "Needs someone");
  assigned = hd_store_assign_ticket (disp, hd_ticket_get_number (ticket), 0, "tech1", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
}

static void
test_role_change_applies_at_once (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) req = hd_test_open_as (path, "req1");
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (disp, "Server down");
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(HdPerson) promoted = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonChanges promote = HD_PERSON_CHANGES_INIT;

  /* Someone else's ticket does not exist for a requester. */
  assigned = hd_store_assign_ticket (req, hd_ticket_get_number (ticket), 0, "req1", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  promote.set_role = TRUE;
  promote.role = HD_ROLE_TECHNICIAN;
  promoted = hd_store_update_person (disp, "req1", &promote, &error);
  g_assert_no_error (error);

  assigned = hd_store_assign_ticket (req, hd_ticket_get_number (ticket), 0, "req1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_get_assignee (assigned), ==, "req1");
}

/* Busy and full */

static guint
count_tickets (HdStore *store)
{
  g_autoptr(GPtrArray) tickets = hd_store_list_tickets (store, NULL, NULL);

  g_assert_nonnull (tickets);
  return tickets->len;
}

static void
test_busy (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdTicket) refused = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  sqlite3 *other = raw_open (path);
  gint64 start;

  /* Another program holds the file. */
  g_assert_cmpint (sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  hd_store_set_busy_timeout (store, 200);
  draft.title = "Blocked";
  start = g_get_monotonic_time ();
  refused = hd_store_create_ticket (store, &draft, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_BUSY);
  g_assert_null (refused);
  /* It waited for the timeout instead of failing at once. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  g_assert_cmpuint (count_tickets (store), ==, 0);
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_tickets (store), ==, 1);
}

static gpointer
release_later (gpointer data)
{
  sqlite3 *other = data;

  g_usleep (100 * 1000);
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  return NULL;
}

/* A lock held for a moment, released while the change waits: the change
 * goes through, however often it tried meanwhile. */
static void
test_busy_released (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  sqlite3 *other = raw_open (path);
  GThread *thread;

  g_assert_cmpint (sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  thread = g_thread_new ("release", release_later, other);

  hd_store_set_busy_timeout (store, 30000);
  draft.title = "Waited";
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ticket);

  g_thread_join (thread);
  sqlite3_close (other);
  g_assert_cmpuint (count_tickets (store), ==, 1);
}

static void
test_disk_full (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdTicket) first = hd_test_file_ticket (store, "Before the disk filled up");
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  sqlite3 *db = hd_store_get_db (store);
  gint64 pages = query_int (db, "PRAGMA page_count");
  g_autofree char *cap = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);

  /* The file may not grow: exactly what a full disk does to SQLite. */
  g_assert_cmpint (sqlite3_exec (db, cap, NULL, NULL, NULL), ==, SQLITE_OK);

  for (int i = 0; i < 1000; i++)
    g_string_append (big, "A long description that needs new pages. ");
  draft.title = "After";
  draft.description = big->str;

  for (int i = 0; i < 20 && error == NULL; i++)
    {
      g_autoptr(HdTicket) ticket = hd_store_create_ticket (store, &draft, &error);
    }
  g_assert_error (error, HD_ERROR, HD_ERROR_DISK_FULL);
  g_test_message ("%s", error->message);

  /* Whatever did fit is whole: every ticket has its history. */
  {
    g_autoptr(GPtrArray) problems = NULL;

    g_assert_true (hd_store_check (store, &problems, NULL));
    g_assert_cmpuint (problems->len, ==, 0);
  }
}

/* Dot-file locking */

/* Leaves FILE.lock as a desk leaves it: one entry, whose contents say who
 * held it. */
static void
leave_lock (const char *path,
            const char *record)
{
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *entry = g_build_filename (lock, "0123456789abcdef0123456789abcdef.7", NULL);

  g_assert_cmpint (g_mkdir (lock, 0777), ==, 0);
  g_assert_true (g_file_set_contents (entry, record, -1, NULL));
}

static char *
this_machine (const char *what)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (what, &text, NULL, NULL));
  return g_strstrip (g_steal_pointer (&text));
}

/* A pid that no process has now: one that just ended. */
static char *
ended_pid (void)
{
  const char *argv[] = { "true", NULL };
  GPid pid;
  int status;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, NULL));
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return g_strdup_printf ("%d", (int) pid);
}

static HdTicket *
try_ticket (HdStore     *store,
            const char  *title,
            GError     **error)
{
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  draft.title = title;
  return hd_store_create_ticket (store, &draft, error);
}

static void
test_dotfile_lease (void)
{
  g_autofree char *path = hd_test_new_path ("dotfile");
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *record = hd_store_locking_path (path);
  g_autofree char *text = NULL;
  g_autofree char *boot = this_machine ("/proc/sys/kernel/random/boot_id");
  g_autofree char *ns = g_file_read_link ("/proc/self/ns/pid", NULL);
  g_autofree char *gone = ended_pid ();
  g_autofree char *dead = NULL;
  g_autofree char *remote = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) other = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  HdLease *held;

  store = hd_store_create_full (path, "disp", "Office on a share", HD_LOCKING_DOTFILE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (record, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "dotfile\n");

  /* Another client opening the file reads the record and locks the same way. */
  other = hd_test_open_as (path, "disp");
  g_assert_cmpint (hd_store_get_locking (other), ==, HD_LOCKING_DOTFILE);
  hd_store_set_busy_timeout (other, 300);

  /* A live lock (held by another desk) is respected, and the message says
   * whose it is. */
  held = hd_lease_take (path, 1000, &error);
  g_assert_no_error (error);
  g_assert_null (try_ticket (other, "While someone holds the lock", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, g_get_host_name ()));
  g_assert_nonnull (strstr (error->message, "taken over once it has not been renewed for 30 s"));
  g_clear_error (&error);
  hd_lease_free (held);
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));

  /* A lock left on this machine by a process that is gone is free at once. */
  dead = g_strdup_printf ("host=%s\nuser=bob\nboot=%s\npidns=%s\npid=%s\nstart=1\nsince=then\n",
                          g_get_host_name (), boot, ns, gone);
  leave_lock (path, dead);
  ticket = try_ticket (other, "After the crash", &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));

  /* The same from another machine (another boot): only the lease time
   * tells, however old the folder's times say it is. */
  remote = g_strdup_printf ("host=desk-9\nuser=bob\nboot=another-boot\npidns=%s\npid=%s\nstart=1\nsince=then\n",
                            ns, gone);
  leave_lock (path, remote);
  g_assert_null (try_ticket (other, "While desk-9 may still work", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "bob on desk-9"));
  g_clear_error (&error);
  g_assert_true (g_file_test (lock, G_FILE_TEST_IS_DIR));
}

/* A lock's record is anyone's text: read a page of it at most, and only
 * valid UTF-8 reaches a message. */
static void
test_dotfile_hostile_record (void)
{
  g_autofree char *path = hd_test_new_path ("dotfile");
  g_autoptr(GString) record = g_string_new ("host=desk-9\nuser=b\xffob\nboot=other\nsince=9:00\n");
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = hd_store_create_full (path, "disp", "Office on a share", HD_LOCKING_DOTFILE, &error);
  g_assert_no_error (error);
  hd_store_set_busy_timeout (store, 200);

  for (guint i = 0; i < 100000; i++)
    g_string_append (record, "padding=0123456789\n");
  leave_lock (path, record->str);

  g_assert_null (try_ticket (store, "While desk-9 holds it", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_BUSY);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "b\xef\xbf\xbdob on desk-9"));
}

/* What desks that stopped at the wrong moment leave beside the file is
 * swept when the file is opened, and only that. */
static void
test_dotfile_litter (void)
{
  g_autofree char *path = hd_test_new_path ("dotfile");
  g_autofree char *token = g_strnfill (32, 'a');
  g_autofree char *other = g_strnfill (32, 'b');
  g_autofree char *stale = g_strdup_printf ("%s.lock.stale-%s.4", path, token);
  g_autofree char *unknown = g_strdup_printf ("%s.lock.stale-notes", path);
  g_autofree char *dead_dir = g_strdup_printf ("%s.lock.new-%s", path, token);
  g_autofree char *dead_entry = g_strdup_printf ("%s/%s.0", dead_dir, token);
  g_autofree char *remote_dir = g_strdup_printf ("%s.lock.new-%s", path, other);
  g_autofree char *remote_entry = g_strdup_printf ("%s/%s.0", remote_dir, other);
  g_autofree char *boot = this_machine ("/proc/sys/kernel/random/boot_id");
  g_autofree char *ns = g_file_read_link ("/proc/self/ns/pid", NULL);
  g_autofree char *gone = ended_pid ();
  g_autofree char *dead = g_strdup_printf ("host=here\nuser=bob\nboot=%s\npidns=%s\npid=%s\n"
                                           "start=1\nsince=then\n", boot, ns, gone);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) again = NULL;
  g_autoptr(GError) error = NULL;

  store = hd_store_create_full (path, "disp", "Office on a share", HD_LOCKING_DOTFILE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_true (g_file_set_contents (stale, "", -1, NULL));
  g_assert_true (g_file_set_contents (unknown, "", -1, NULL));
  g_assert_cmpint (g_mkdir (dead_dir, 0777), ==, 0);
  g_assert_true (g_file_set_contents (dead_entry, dead, -1, NULL));
  g_assert_cmpint (g_mkdir (remote_dir, 0777), ==, 0);
  g_assert_true (g_file_set_contents (remote_entry, "host=desk-9\nboot=other\n", -1, NULL));

  again = hd_test_open_as (path, "disp");
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dead_dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (unknown, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (remote_entry, G_FILE_TEST_EXISTS));
}

/* A plain dot-file lock, as SQLite's unix-dotfile and older Helpdesks make
 * it, is waited for too. */
static void
test_dotfile_plain_lock (void)
{
  g_autofree char *path = hd_test_new_path ("dotfile");
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = hd_store_create_full (path, "disp", "Office on a share", HD_LOCKING_DOTFILE, &error);
  g_assert_no_error (error);
  hd_store_set_busy_timeout (store, 300);

  g_assert_cmpint (g_mkdir (lock, 0777), ==, 0);
  g_assert_null (try_ticket (store, "While an older desk holds the lock", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_cmpint (g_rmdir (lock), ==, 0);
}

static void
test_locking_record (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autofree char *record = hd_store_locking_path (path);
  g_autoptr(HdStore) reopened = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;

  /* A local file: POSIX locks, recorded. */
  g_assert_cmpint (hd_store_get_locking (store), ==, HD_LOCKING_POSIX);
  g_assert_true (g_file_test (record, G_FILE_TEST_IS_REGULAR));
  g_clear_object (&store);

  /* A damaged record is refused, and the file left alone. */
  before = hd_test_read_bytes (path);
  g_assert_true (g_file_set_contents (record, "flock\n", -1, NULL));
  reopened = hd_store_open (path, "disp", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  after = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_error (&error);

  /* No record at all: a file from before records existed, POSIX. */
  g_assert_cmpint (g_unlink (record), ==, 0);
  reopened = hd_store_open (path, "disp", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_store_get_locking (reopened), ==, HD_LOCKING_POSIX);
}

/* Check and backup */

static void
test_check_sound_and_broken (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, "Keyboard");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_store_check (store, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Another tool removes the history behind the program's back. */
  raw_exec (path, "DELETE FROM ticket_events");
  g_assert_true (hd_store_check (store, &problems, &error));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "#1"));
}

/* The search indexes: damaged behind the program's back, check names each
 * one, and rebuilding them mends them all. */

static gboolean
problems_mention (GPtrArray  *problems,
                  const char *needle)
{
  for (guint i = 0; i < problems->len; i++)
    if (strstr (g_ptr_array_index (problems, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static HdStore *
new_searchable_helpdesk (char **path)
{
  HdStore *store = hd_test_new_helpdesk (path);
  g_autoptr(HdTicket) one = hd_test_file_ticket (store, "Printer jams");
  g_autoptr(HdTicket) two = hd_test_file_ticket (store, "Scanner is slow");
  g_autoptr(HdTicketEvent) reply = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;

  reply = hd_store_add_comment (store, 1, "Open tray 2", FALSE, &error);
  g_assert_no_error (error);
  draft.title = "Clearing a paper jam";
  draft.body = "Open the tray and pull the paper out slowly.";
  article = hd_store_add_article (store, &draft, &error);
  g_assert_no_error (error);
  return store;
}

/* Checks @store and returns its problems, asserting the check ran. */
static GPtrArray *
check (HdStore *store)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_store_check (store, &problems, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, i));
  return g_steal_pointer (&problems);
}

static void
rebuild_and_assert_sound (HdStore *store)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_store_rebuild_search_indexes (store, &error));
  g_assert_no_error (error);
  problems = check (store);
  g_assert_cmpuint (problems->len, ==, 0);
}

static guint
n_article_hits (HdStore    *store,
                const char *query)
{
  g_autoptr(GPtrArray) hits = hd_store_search_articles (store, query, 0, NULL);

  g_assert_nonnull (hits);
  return hits->len;
}

/* Another tool changed an article with the triggers gone: both of its
 * indexes disagree with it, and its searches with its text. */
static void
test_check_kb_indexes_out_of_step (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = new_searchable_helpdesk (&path);
  g_autoptr(GPtrArray) problems = check (store);

  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  raw_exec (path, "DROP TRIGGER kb_articles_fts_update;"
                  "UPDATE kb_articles SET body = 'Call the vendor about toner' WHERE id = 1;");
  problems = check (store);
  g_assert_cmpuint (problems->len, ==, 3);
  g_assert_true (problems_mention (problems, "“kb_articles_fts_update”"));
  g_assert_true (problems_mention (problems, "“kb_fts”"));
  g_assert_true (problems_mention (problems, "“kb_trigram”"));
  g_assert_true (problems_mention (problems, "helpdesk-cli reindex"));
  g_assert_cmpuint (n_article_hits (store, "vendor"), ==, 0);

  /* Rebuilt, with its trigger: sound, found, and kept in step again. */
  rebuild_and_assert_sound (store);
  g_assert_cmpuint (n_article_hits (store, "vendor"), ==, 1);
  g_assert_cmpuint (n_article_hits (store, "pull"), ==, 0);
  raw_exec (path, "UPDATE kb_articles SET title = 'Toner questions' WHERE id = 1;");
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = check (store);
  g_assert_cmpuint (problems->len, ==, 0);
}

/* tickets_fts keeps its own copy: a ticket renamed with the trigger gone,
 * a row deleted from it, a row for no ticket; each named by number. */
static void
test_check_tickets_index_out_of_step (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = new_searchable_helpdesk (&path);
  g_autoptr(GPtrArray) problems = NULL;
  sqlite3 *db;

  raw_exec (path, "DROP TRIGGER tickets_fts_update;"
                  "UPDATE tickets SET title = 'Scanner on fire' WHERE id = 2;"
                  "DELETE FROM tickets_fts WHERE rowid = 1;"
                  "INSERT INTO tickets_fts (rowid, title, description, conversation, internal)"
                  " VALUES (99, 'Ghost', '', '', '');");
  problems = check (store);
  g_assert_true (problems_mention (problems, "“tickets_fts_update”"));
  g_assert_true (problems_mention (problems, "“tickets_fts” (the text of tickets) is out of step with 3 tickets (#1, #2, #99)"));
  g_assert_cmpuint (problems->len, ==, 2);

  rebuild_and_assert_sound (store);
  db = raw_open (path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH 'fire'"),
                   ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH 'ghost'"),
                   ==, 0);
  /* Refilled as the migration fills it: the conversation too. */
  g_assert_cmpint (query_int (db, "SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH 'conversation:tray'"),
                   ==, 1);
  sqlite3_close (db);
}

/* Garbage in the indexes' own records: FTS5's check finds it, a rebuild
 * replaces them. */
static void
test_check_indexes_damaged (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = new_searchable_helpdesk (&path);
  g_autoptr(GPtrArray) problems = NULL;

  raw_exec (path, "UPDATE kb_fts_data SET block = randomblob (length (block))"
                  " WHERE id = (SELECT max (id) FROM kb_fts_data);"
                  "UPDATE tickets_fts_data SET block = randomblob (length (block))"
                  " WHERE id = (SELECT max (id) FROM tickets_fts_data);");
  problems = check (store);
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_true (problems_mention (problems, "“kb_fts” (the words of knowledge-base articles) is damaged or out of step"));
  g_assert_true (problems_mention (problems, "“tickets_fts” (the text of tickets) is damaged or out of step"));

  rebuild_and_assert_sound (store);
  g_assert_cmpuint (n_article_hits (store, "paper"), ==, 1);
}

/* An index whose own bookkeeping is damaged: a record of its structure
 * that is garbage is mended by a rebuild; one that cannot be opened at
 * all (its settings gone) is still a problem the check names, not a check
 * that failed, and a rebuild says it cannot. */
static void
test_check_index_unreadable (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = new_searchable_helpdesk (&path);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  raw_exec (path, "UPDATE kb_trigram_data SET block = x'ffffffffffffffffffffffff' WHERE id = 10;");
  problems = check (store);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (problems_mention (problems, "“kb_trigram”"));
  rebuild_and_assert_sound (store);

  /* (A connection that has the index open keeps its settings in memory:
   * the next one to open the file finds them gone.) */
  raw_exec (path, "DELETE FROM kb_fts_config;");
  g_clear_object (&store);
  store = hd_test_open_as (path, "disp");
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = check (store);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (problems_mention (problems, "“kb_fts”"));
  g_assert_false (hd_store_rebuild_search_indexes (store, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "Restore the file from a backup"));
}

static void
test_backup (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, "Back me up");
  g_autofree char *dest = hd_test_new_path ("backup");
  g_autofree char *written = NULL;
  g_autofree char *partial = g_strconcat (dest, ".partial", NULL);
  g_autoptr(HdStore) copy = NULL;
  g_autoptr(HdTicket) copied = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_store_backup (store, dest, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, dest);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  copy = hd_test_open_as (dest, "disp");
  copied = hd_store_get_ticket (copy, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_get_title (copied), ==, "Back me up");
}

static void
test_backup_to_folder (void)
{
  g_autoptr(HdStore) store = hd_test_new_helpdesk (NULL);
  g_autofree char *folder = hd_test_new_path ("backups");
  g_autofree char *written = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (hd_store_backup (store, folder, &written, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (written, folder));
  g_assert_true (g_str_has_suffix (written, ".db"));
  g_assert_true (g_file_test (written, G_FILE_TEST_IS_REGULAR));
}

static void
test_backup_refusals (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autofree char *nowhere = g_build_filename (hd_test_dir (), "no", "such", "x.db", NULL);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  g_assert_false (hd_store_backup (store, path, NULL, &e1));
  g_assert_error (e1, HD_ERROR, HD_ERROR_INVALID_INPUT);

  g_assert_false (hd_store_backup (store, nowhere, NULL, &e2));
  g_assert_nonnull (e2);
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
}

static void
test_backup_rotating (void)
{
  g_autoptr(HdStore) store = hd_test_new_helpdesk (NULL);
  g_autofree char *dir = g_build_filename (hd_test_dir (), "rotating", NULL);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = g_build_filename (dir, ".checked", NULL);
  guint n = 0;

  g_assert_cmpint (hd_store_newest_backup_age (dir), ==, -1);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *written = NULL;

      g_assert_true (hd_store_backup_rotating (store, dir, 3, &written, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_test (written, G_FILE_TEST_IS_REGULAR));
    }

  /* The three newest, and the record of the backups found sound. */
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 4);
  g_assert_true (g_file_test (record, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (hd_store_newest_backup_age (dir), >=, 0);
  g_assert_cmpint (hd_store_newest_backup_age (dir), <, 60);
}

static void
test_restore (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) elsewhere = hd_test_open_as (path, "tech1");
  g_autoptr(HdTicket) kept = hd_test_file_ticket (disp, "Kept by the backup");
  g_autofree char *backup = hd_test_new_path ("restore-source");
  g_autofree char *junk = hd_test_new_path ("junk");
  g_autofree char *safety = NULL;
  g_autoptr(HdTicket) lost = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(HdStore) saved = NULL;
  g_autoptr(GError) error = NULL;
  gint64 old_seq;

  g_assert_true (hd_store_backup (disp, backup, NULL, &error));
  lost = hd_test_file_ticket (disp, "Filed after the backup");
  before = hd_store_list_tickets (disp, NULL, NULL);
  g_assert_cmpuint (before->len, ==, 2);

  /* Only the dispatcher; never from something that is not a helpdesk. */
  g_assert_false (hd_store_restore (elsewhere, backup, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (junk, "not a database", -1, NULL));
  g_assert_false (hd_store_restore (disp, junk, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK);
  g_clear_error (&error);

  old_seq = query_int (hd_store_get_db (disp), "SELECT max(seq) FROM change_log");
  g_assert_true (hd_store_restore (disp, backup, &safety, &error));
  g_assert_no_error (error);
  /* Other desks' monitors have seen old_seq: the restore comes after it. */
  g_assert_cmpint (query_int (hd_store_get_db (disp), "SELECT max(seq) FROM change_log"), ==,
                   old_seq + 1);
  after = hd_store_list_tickets (disp, NULL, NULL);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (hd_ticket_get_title (g_ptr_array_index (after, 0)), ==, "Kept by the backup");

  /* Another desk with the file open reads the restored contents. */
  seen = hd_store_list_tickets (elsewhere, NULL, NULL);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_true (hd_store_check (disp, &problems, NULL));
  g_assert_cmpuint (problems->len, ==, 0);

  /* What the file held before is kept, so the restore can be undone. */
  saved = hd_test_open_as (safety, "disp");
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = hd_store_list_tickets (saved, NULL, NULL);
  g_assert_cmpuint (seen->len, ==, 2);
}

/* A backup of an older Helpdesk is restored upgraded, and stays exactly
 * as it was: opening it would have upgraded it in place. */
static void
test_restore_older_backup (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (&path);
  g_autofree char *backup = hd_test_new_path ("schema-4");
  g_autofree char *sql_path = g_test_build_filename (G_TEST_DIST, "fixtures", "schema-4.sql",
                                                     NULL);
  g_autofree char *dir = hd_store_default_backup_dir (path);
  g_autofree char *sql = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(HdStore) reopened = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  sqlite3 *db = NULL;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, NULL));
  g_assert_cmpint (sqlite3_open (backup, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  before = hd_test_read_bytes (backup);

  g_assert_true (hd_store_restore (disp, backup, NULL, &error));
  g_assert_no_error (error);
  after = hd_test_read_bytes (backup);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (query_int (hd_store_get_db (disp), "PRAGMA user_version"), ==,
                   HD_SCHEMA_VERSION);

  reopened = hd_test_open_as (path, "dana");
  tickets = hd_store_list_tickets (reopened, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, >, 0);

  /* The copy it was restored from is gone. */
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    g_assert_false (g_str_has_prefix (name, "restoring-"));
}

static void
test_change_log (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, "Logged");
  g_autoptr(HdTicket) assigned = NULL;
  sqlite3 *db = hd_store_get_db (store);
  gint64 before = query_int (db, "SELECT max(seq) FROM change_log");

  assigned = hd_store_assign_ticket (store, 1, 0, "tech1", NULL);
  g_assert_nonnull (assigned);
  g_assert_cmpint (query_int (db, "SELECT max(seq) FROM change_log"), ==, before + 1);
  g_assert_cmpint (query_int (db, "SELECT row_id FROM change_log ORDER BY seq DESC"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/create/sets-up-file", test_create_sets_up_file);
  g_test_add_func ("/store/create/refuses-existing", test_create_refuses_existing);
  g_test_add_func ("/store/create/new-folder", test_create_in_new_folder);
  g_test_add_func ("/store/create/bad-name", test_create_bad_name);
  g_test_add_func ("/store/open/missing", test_open_missing);
  g_test_add_func ("/store/open/text-file", test_open_text_file);
  g_test_add_func ("/store/open/empty-file", test_open_empty_file);
  g_test_add_func ("/store/open/other-database", test_open_other_database);
  g_test_add_func ("/store/open/folder", test_open_folder);
  g_test_add_func ("/store/open/newer-version", test_open_newer_version);
  g_test_add_func ("/store/open/corrupt", test_open_corrupt);
  g_test_add_func ("/store/open/unknown-login", test_unknown_login_is_requester);
  g_test_add_func ("/store/people/add-and-list", test_people_add_and_list);
  g_test_add_func ("/store/people/add-refusals", test_people_add_refusals);
  g_test_add_func ("/store/people/update", test_people_update);
  g_test_add_func ("/store/people/last-dispatcher", test_people_last_dispatcher);
  g_test_add_func ("/store/people/deactivated", test_people_deactivated);
  g_test_add_func ("/store/people/role-change-at-once", test_role_change_applies_at_once);
  g_test_add_func ("/store/busy", test_busy);
  g_test_add_func ("/store/busy/released", test_busy_released);
  g_test_add_func ("/store/disk-full", test_disk_full);
  g_test_add_func ("/store/locking/record", test_locking_record);
  g_test_add_func ("/store/locking/dotfile-lease", test_dotfile_lease);
  g_test_add_func ("/store/locking/dotfile-plain-lock", test_dotfile_plain_lock);
  g_test_add_func ("/store/locking/dotfile-litter", test_dotfile_litter);
  g_test_add_func ("/store/locking/dotfile-hostile-record", test_dotfile_hostile_record);
  g_test_add_func ("/store/check", test_check_sound_and_broken);
  g_test_add_func ("/store/check/kb-indexes", test_check_kb_indexes_out_of_step);
  g_test_add_func ("/store/check/tickets-index", test_check_tickets_index_out_of_step);
  g_test_add_func ("/store/check/indexes-damaged", test_check_indexes_damaged);
  g_test_add_func ("/store/check/index-unreadable", test_check_index_unreadable);
  g_test_add_func ("/store/backup/file", test_backup);
  g_test_add_func ("/store/backup/folder", test_backup_to_folder);
  g_test_add_func ("/store/backup/refusals", test_backup_refusals);
  g_test_add_func ("/store/backup/rotating", test_backup_rotating);
  g_test_add_func ("/store/restore", test_restore);
  g_test_add_func ("/store/restore-older-backup", test_restore_older_backup);
  g_test_add_func ("/store/change-log", test_change_log);

  return g_test_run ();
}
