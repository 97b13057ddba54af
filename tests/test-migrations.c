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
#include <string.h>

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

/* Version 4 brought SLA deadlines: a file upgraded to it has the default
 * policies, a calendar, and due times for its open tickets, filled in by
 * the upgrade itself. */
static void
assert_sla_content (HdStore *store,
                    int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(HdTicket) fresh = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autofree char *text = NULL;
  HdSlaResult result;

  calendar = hd_store_get_calendar (store, &error);
  g_assert_no_error (error);
  text = hd_calendar_to_string (calendar);
  if (version >= 4)
    g_assert_cmpstr (text, ==, "tz Europe/Berlin; mon-fri 08:00-12:00,13:00-17:00; holidays 2026-12-24,2026-12-25");
  else
    {
      g_autoptr(HdCalendar) fallback = hd_calendar_new_default ();

      g_assert_true (hd_calendar_equal (calendar, fallback));
    }

  rules = hd_store_list_sla_rules (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, version >= 4 ? 5 : 4);

  resolved = hd_store_get_ticket (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_due_at (resolved), ==, 0);
  g_assert_cmpint (hd_ticket_get_warn_at (resolved), ==, 0);

  /* The new ticket's first-response clock, as the engine has it. */
  fresh = hd_store_get_ticket (store, 2, &error);
  g_assert_no_error (error);
  g_assert_true (hd_store_get_sla (store, 2, hd_ticket_get_created_at (fresh), &result, NULL,
                                   &error));
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_due_at (fresh), >, hd_ticket_get_created_at (fresh));
  g_assert_cmpint (hd_ticket_get_due_at (fresh), ==, result.response.due);
  g_assert_cmpint (hd_ticket_get_warn_at (fresh), ==, result.response.warn_at);
}

static void
assert_fixture_alerts (const char *path,
                       int         version)
{
  g_autoptr(HdStore) tom = hd_test_open_as (path, "tom");
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;

  alerts = hd_store_list_alerts (tom, FALSE, 0, &error);
  g_assert_no_error (error);
  if (version < 4)
    {
      g_assert_cmpuint (alerts->len, ==, 0);
      return;
    }

  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpint (hd_alert_get_kind (g_ptr_array_index (alerts, 0)), ==, HD_ALERT_ASSIGNED);
  g_assert_cmpint (hd_alert_get_ticket_number (g_ptr_array_index (alerts, 0)), ==, 1);
  g_assert_cmpstr (hd_alert_get_actor (g_ptr_array_index (alerts, 0)), ==, "dana");
}

/* Version 5 brought the knowledge base and full-text search: the upgrade
 * indexes the conversations it finds, internal notes apart. */
static void
assert_kb_content (const char *path,
                   int         version)
{
  g_autoptr(HdStore) tom = hd_test_open_as (path, "tom");
  g_autoptr(HdStore) rita = hd_test_open_as (path, "rita");
  g_autoptr(GPtrArray) articles = NULL;
  g_autoptr(GPtrArray) by_note = NULL;
  g_autoptr(GPtrArray) rita_by_note = NULL;
  g_autoptr(GPtrArray) by_reply = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) linked = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketFilter note = { .search = "router" };
  HdTicketFilter reply = { .search = "office" };

  by_note = hd_store_list_tickets (tom, &note, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_note->len, ==, 1);
  rita_by_note = hd_store_list_tickets (rita, &note, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rita_by_note->len, ==, 0);
  by_reply = hd_store_list_tickets (rita, &reply, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_reply->len, ==, 1);

  articles = hd_store_list_articles (tom, NULL, &error);
  g_assert_no_error (error);
  if (version < 5)
    {
      g_assert_cmpuint (articles->len, ==, 0);
      return;
    }

  g_assert_cmpuint (articles->len, ==, 2);
  g_assert_cmpstr (hd_article_get_title (g_ptr_array_index (articles, 0)), ==,
                   "A flickering monitor");
  g_assert_cmpstr (hd_article_get_category_path (g_ptr_array_index (articles, 1)), ==,
                   "Network/VPN");
  history = hd_store_list_article_history (tom, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpstr (hd_article_revision_get_old_title (g_ptr_array_index (history, 1)), ==,
                   "Monitor flickers");

  hits = hd_store_search_articles (tom, "route", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = hd_store_search_articles (rita, "vpn", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);

  linked = hd_store_list_ticket_articles (rita, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (linked->len, ==, 1);
}

static gint64
query_count (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Version 6 brought email: an older file gets empty mail tables and
 * everyone's alerts on the desktop; a file of 6 keeps its messages, its
 * outbox, its original bytes and attachments. */
static void
assert_mail_content (const char *path,
                     int         version)
{
  gboolean mail = version >= 6;

  g_assert_cmpint (query_count (path, "SELECT count(*) FROM mail_messages"), ==,
                   version >= 7 ? 5 : mail ? 3 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM mail_messages WHERE ticket_id = 2"
                                " AND direction = 'in' AND message_id = '5f1c2e@mail.example.org'"),
                   ==, mail ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM mail_messages"
                                " WHERE not_filed_reason IS NOT NULL"), ==, mail ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM mail_outbox WHERE state = 'sent'"),
                   ==, mail ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT coalesce(sum(length(raw)), 0) FROM mail_raw"),
                   ==, mail ? 148 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM attachments a"
                                " JOIN attachment_blobs b ON b.id = a.blob_id"
                                " WHERE b.data = CAST('Hello, world!' AS BLOB)"), ==, mail ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM ticket_participants"), ==, mail ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM mail_account"), ==, mail ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM people WHERE alert_delivery = 'both'"),
                   ==, mail ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM people WHERE alert_delivery = 'desktop'"),
                   ==, mail ? 2 : 3);
}

/* Version 7 brought what Helpdesk sends on its own: an older file has
 * nobody with quiet hours, the default templates and no alert mail; a
 * file of 7 keeps them, and its templates are read from it. */
static void
assert_mail_out_content (const char *path,
                         int         version)
{
  gboolean seven = version >= 7;
  g_autoptr(HdStore) dana = hd_test_open_as (path, "dana");
  g_autoptr(GError) error = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *delivery = NULL;
  gboolean custom = TRUE;
  int start = 0, end = 0;

  g_assert_cmpint (query_count (path, "SELECT count(*) FROM people WHERE quiet_start IS NOT NULL"),
                   ==, seven ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM mail_outbox WHERE alert_id = 1"),
                   ==, seven ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM mail_outbox WHERE note IS NOT NULL"),
                   ==, seven ? 1 : 0);

  resolved = hd_store_get_mail_template (dana, "resolved", &custom, &error);
  g_assert_no_error (error);
  g_assert_cmpint (custom, ==, seven);
  g_assert_cmpint (g_str_has_prefix (resolved, "Dear {requester}"), ==, seven);

  g_assert_true (hd_store_get_alert_mail (dana, "tom", &delivery, &start, &end, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (delivery, ==, version >= 6 ? "both" : "desktop");
  g_assert_cmpint (start, ==, seven ? 22 * 60 : -1);
  g_assert_cmpint (end, ==, seven ? 7 * 60 : -1);
}

/* Version 8 brought people's further addresses and new-ticket alerts:
 * alerts was made again, keeping its rows, their ids and the outbox's
 * links to them; a file of 8 keeps rita's second address and dana's
 * new-ticket alert. */
static void
assert_people_content (const char *path,
                       int         version)
{
  gboolean eight = version >= 8;
  g_autoptr(HdStore) dana = hd_test_open_as (path, "dana");
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (query_count (path, "SELECT count(*) FROM person_addresses"
                                " WHERE address = 'rita@home.example' AND person_id = 3"),
                   ==, eight ? 1 : 0);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM alerts WHERE id = 1"
                                " AND kind = 'assigned' AND recipient_id = 2"), ==, version >= 4);
  g_assert_cmpint (query_count (path, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

  alerts = hd_store_list_alerts (dana, FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, eight ? 1 : 0);
  if (eight)
    g_assert_cmpint (hd_alert_get_kind (g_ptr_array_index (alerts, 0)), ==, HD_ALERT_NEW_TICKET);
}

/* 9: a ticket's deadlines read its status changes through an index of
 * their own, not through all of its events. */
static void
assert_status_index (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean used = FALSE;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT ticket_id, at, new_value"
                                           " FROM ticket_events WHERE ticket_id >= 1"
                                           " AND kind = 'status' ORDER BY ticket_id, id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    used |= strstr ((const char *) sqlite3_column_text (stmt, 3), "ticket_events_status") != NULL;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_true (used);
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
  assert_sla_content (store, version);
  g_clear_object (&store);
  assert_fixture_alerts (path, version);
  assert_kb_content (path, version);
  assert_mail_content (path, version);
  assert_mail_out_content (path, version);
  assert_people_content (path, version);
  assert_status_index (path);

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
