/* test-migrations.c — every shipped schema version opens in this program
 *
 * tests/fixtures/schema-N.sql is a dump of a real file of version N. Each
 * is loaded into a file and opened; the store must migrate it to the
 * current version with all of its data intact. Adding a migration without
 * a fixture of the version before it fails here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "hd-schema.h"
#include "hd-test-util.h"

static char *
load_fixture (int version)
{
  g_autofree char *name = g_strdup_printf ("schema-%d.sql", version);
  g_autofree char *sql_path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  char *path = hd_test_new_path (name);
  sqlite3 *db = NULL;

  g_file_get_contents (sql_path, &sql, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return path;
}

static void
assert_fixture_content (HdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) vpn = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GPtrArray) tickets = NULL;

  g_assert_cmpstr (hd_store_get_name (store), ==, "Fixture office");

  people = hd_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 3);

  tickets = hd_store_list_tickets (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, 2);

  vpn = hd_store_get_ticket (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_get_title (vpn), ==, "VPN drops every hour");
  g_assert_cmpstr (hd_ticket_get_description (vpn), ==,
                   "Since Monday, \"quotes\" and <markup> stay as typed.");
  g_assert_cmpint (hd_ticket_get_status (vpn), ==, HD_STATUS_RESOLVED);
  g_assert_cmpint (hd_ticket_get_priority (vpn), ==, HD_PRIORITY_HIGH);
  g_assert_cmpstr (hd_ticket_get_requester (vpn), ==, "rita");
  g_assert_cmpstr (hd_ticket_get_requester_name (vpn), ==, "Rita Requester");
  g_assert_cmpstr (hd_ticket_get_assignee (vpn), ==, "tom");
  g_assert_cmpint (hd_ticket_get_first_response_at (vpn), >, 0);
  g_assert_cmpint (hd_ticket_get_resolved_at (vpn), >, 0);

  /* created, assignment, status, reply, note, status */
  events = hd_store_list_events (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 6);
  g_assert_cmpint (hd_ticket_event_get_kind (g_ptr_array_index (events, 4)), ==, HD_EVENT_NOTE);
}

static void
test_fixture (gconstpointer data)
{
  int version = GPOINTER_TO_INT (data);
  g_autofree char *path = load_fixture (version);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  store = hd_store_open (path, "dana", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_store_get_schema_version (store), ==, HD_SCHEMA_VERSION);
  g_assert_cmpint (hd_person_get_role (hd_store_get_me (store)), ==, HD_ROLE_DISPATCHER);

  g_assert_true (hd_store_check (store, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  assert_fixture_content (store);
  g_clear_object (&store);

  /* Opening again is a no-op, and the file still works for changes. */
  store = hd_test_open_as (path, "tom");
  {
    g_autoptr(HdTicket) reopened = NULL;

    reopened = hd_store_set_ticket_status (store, 1, 0, HD_STATUS_CLOSED, &error);
    g_assert_no_error (error);
  }
}

static void
test_migration_sql_is_listed (void)
{
  for (int v = 1; v <= HD_SCHEMA_VERSION; v++)
    {
      g_autofree char *name = g_strdup_printf ("schema-%d.sql", v);
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);

      g_assert_nonnull (hd_schema_migration (v));
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_error ("Schema version %d has no fixture %s: add one made by that version", v, path);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/migrations/every-version-has-a-fixture", test_migration_sql_is_listed);
  for (int v = 1; v <= HD_SCHEMA_VERSION; v++)
    {
      g_autofree char *path = g_strdup_printf ("/migrations/from-version-%d", v);

      g_test_add_data_func (path, GINT_TO_POINTER (v), test_fixture);
    }

  return g_test_run ();
}
