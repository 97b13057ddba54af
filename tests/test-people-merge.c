/* test-people-merge.c — two records of one person made one
 *
 * Rita was added by the dispatcher as req1 (rita@example.org); mail from
 * her home address made a second requester, "rita-home". Merging moves
 * all of rita-home's tickets, history, participation, alerts and address
 * to req1, in one transaction, and deletes the record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "hd-test-util.h"

#define HOME "rita@home.example"

typedef struct {
  char    *path;
  HdStore *disp;
} Desk;

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
add (HdStore    *store,
     const char *login,
     const char *name,
     const char *email,
     HdRole      role)
{
  HdPersonDraft draft = { .login = login, .name = name, .email = email, .role = role };
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) person = hd_store_add_person (store, &draft, &error);

  g_assert_no_error (error);
}

static void
desk_set_up (Desk          *desk,
             gconstpointer  data)
{
  HdPersonChanges changes = HD_PERSON_CHANGES_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) rita = NULL;

  desk->disp = hd_test_new_helpdesk (&desk->path);
  changes.email = "rita@example.org";
  rita = hd_store_update_person (desk->disp, "req1", &changes, &error);
  g_assert_no_error (error);
  add (desk->disp, "rita-home", "Rita at home", HOME, HD_ROLE_REQUESTER);
}

static void
desk_tear_down (Desk          *desk,
                gconstpointer  data)
{
  g_clear_object (&desk->disp);
  g_free (desk->path);
}

static gint64
count (Desk       *desk,
       const char *sql)
{
  return hd_test_query_int (desk->path, sql, NULL);
}

/* rita-home asked for two tickets, wrote a reply, takes part in tech1's
 * ticket and in one of her own twin's; she was alerted once. */
static void
give_rita_home_records (Desk *desk)
{
  g_autoptr(HdStore) home = hd_test_open_as (desk->path, "rita-home");
  g_autoptr(HdStore) rita = hd_test_open_as (desk->path, "req1");
  g_autoptr(HdTicket) first = hd_test_file_ticket (home, "Printer jams");
  g_autoptr(HdTicket) second = hd_test_file_ticket (home, "Mouse broken");
  g_autoptr(HdTicket) own = hd_test_file_ticket (rita, "Screen flickers");
  g_autoptr(HdTicket) other = hd_test_file_ticket (desk->disp, "Server room warm");
  g_autoptr(HdTicketEvent) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = hd_store_add_comment (home, hd_ticket_get_number (first), "Still jams.", FALSE, &error);
  g_assert_no_error (error);
  exec_sql (desk->path,
            "INSERT INTO ticket_participants (ticket_id, person_id, added_at)"
            " SELECT t.id, p.id, 1 FROM tickets t, people p"
            " WHERE t.title IN ('Server room warm', 'Screen flickers') AND p.login = 'rita-home';"
            "INSERT INTO alerts (ticket_id, kind, recipient_id, deadline, created_at)"
            " SELECT 1, 'sla-warning', id, 5, 1 FROM people WHERE login = 'rita-home';");
}

static void
test_merge_moves_everything (Desk          *desk,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) gone = NULL;
  g_autoptr(HdPerson) rita = NULL;
  g_auto(HdPersonMerge) moved = { 0, };
  gint64 version_before;

  give_rita_home_records (desk);
  version_before = count (desk, "SELECT version FROM tickets WHERE id = 1");

  g_assert_true (hd_store_merge_people (desk->disp, "req1", "rita-home", &moved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (moved.requested, ==, 2);
  g_assert_cmpuint (moved.assigned, ==, 0);
  g_assert_cmpuint (moved.events, ==, 3);  /* two tickets filed, one reply */
  g_assert_cmpuint (moved.participating, ==, 2);
  g_assert_cmpuint (moved.alerts, ==, 1);
  g_assert_cmpstr (moved.address, ==, HOME);

  gone = hd_store_find_person (desk->disp, "rita-home", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_null (gone);
  g_clear_error (&error);
  rita = hd_store_find_person (desk->disp, "req1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_person_get_email (rita), ==, "rita@example.org");

  /* Tickets, history, participation, alerts, address: all req1's. */
  g_assert_cmpint (count (desk, "SELECT count(*) FROM tickets t JOIN people p"
                          " ON p.id = t.requester_id WHERE p.login = 'req1'"), ==, 3);
  g_assert_cmpint (count (desk, "SELECT version FROM tickets WHERE id = 1"), ==,
                   version_before + 1);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM ticket_events e JOIN people p"
                          " ON p.id = e.actor_id WHERE p.login = 'req1' AND e.kind = 'reply'"),
                   ==, 1);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM ticket_participants tp JOIN people p"
                          " ON p.id = tp.person_id WHERE p.login = 'req1'"), ==, 1);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM alerts a JOIN people p"
                          " ON p.id = a.recipient_id WHERE p.login = 'req1'"), ==, 1);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM person_addresses a JOIN people p"
                          " ON p.id = a.person_id WHERE p.login = 'req1'"
                          " AND a.address = '" HOME "'"), ==, 1);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

  /* Each moved ticket says so in its history, and the change is logged. */
  g_assert_cmpint (count (desk, "SELECT count(*) FROM ticket_events WHERE kind = 'field'"
                          " AND field = 'requester' AND old_value = 'Rita at home'"
                          " AND new_value = 'req1'"), ==, 2);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM change_log WHERE tbl = 'people'"
                          " AND kind = 'deleted'"), ==, 1);
}

/* The kept record had no address: the removed one's becomes theirs. */
static void
test_merge_address_to_empty (Desk          *desk,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) req2 = NULL;
  g_auto(HdPersonMerge) moved = { 0, };

  g_assert_true (hd_store_merge_people (desk->disp, "req2", "rita-home", &moved, &error));
  g_assert_no_error (error);
  req2 = hd_store_find_person (desk->disp, "req2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_person_get_email (req2), ==, HOME);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM person_addresses"), ==, 0);
}

/* A requester merged into a technician who is assigned tickets and two
 * dispatchers alerted of one deadline: one alert stays, its mail no
 * longer names the one that went. */
static void
test_merge_staff (Desk          *desk,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(HdPersonMerge) moved = { 0, };

  add (desk->disp, "disp2", "Dora", NULL, HD_ROLE_DISPATCHER);
  add (desk->disp, "dora-old", "Dora (old)", "dora@old.example", HD_ROLE_DISPATCHER);
  g_object_unref (hd_test_file_ticket (desk->disp, "Shared alert"));
  exec_sql (desk->path,
            "INSERT INTO alerts (ticket_id, kind, recipient_id, deadline, created_at)"
            " SELECT 1, 'sla-breach', id, 7, 1 FROM people WHERE login IN ('disp2', 'dora-old');"
            "INSERT INTO mail_messages (direction, message_id, header_hash, stored_at)"
            " VALUES ('out', 'alert@x', 'h', 1);"
            "INSERT INTO mail_outbox (message_id, kind, automatic, to_addr, subject, body,"
            " created_at, alert_id) SELECT 1, 'alert', 1, 'dora@old.example', 's', 'b', 1, a.id"
            " FROM alerts a JOIN people p ON p.id = a.recipient_id WHERE p.login = 'dora-old';");

  g_assert_true (hd_store_merge_people (desk->disp, "disp2", "dora-old", &moved, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM alerts WHERE kind = 'sla-breach'"), ==, 1);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM mail_outbox WHERE alert_id IS NOT NULL"),
                   ==, 0);
  g_assert_cmpint (count (desk, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
}

static void
assert_refused (HdStore    *store,
                const char *keep,
                const char *remove,
                gint        code)
{
  g_autoptr(GError) error = NULL;
  g_auto(HdPersonMerge) moved = { 0, };

  g_assert_false (hd_store_merge_people (store, keep, remove, &moved, &error));
  g_assert_error (error, HD_ERROR, code);
}

static void
test_merge_refusals (Desk          *desk,
                     gconstpointer  data)
{
  g_autoptr(HdStore) tech = hd_test_open_as (desk->path, "tech1");

  assert_refused (desk->disp, "req1", "req1", HD_ERROR_INVALID_INPUT);
  /* A technician's record is not merged into a requester's: the role
   * would go. The other way round is a merge. */
  assert_refused (desk->disp, "req1", "tech1", HD_ERROR_INVALID_INPUT);
  assert_refused (desk->disp, "tech1", "disp", HD_ERROR_INVALID_INPUT);
  assert_refused (desk->disp, "req1", "nobody", HD_ERROR_NOT_FOUND);
  assert_refused (tech, "req1", "rita-home", HD_ERROR_PERMISSION_DENIED);

  /* Nothing changed. */
  g_assert_cmpint (count (desk, "SELECT count(*) FROM people"), ==, 6);
}

/* Every column that names a person is one the merge moves: a table added
 * later that names people must be added to hd-store-merge.c, or a merge
 * of someone it names fails on the foreign key. */
static void
test_merge_covers_schema (Desk          *desk,
                          gconstpointer  data)
{
  g_autofree char *all = NULL;

  all = hd_test_query_text (desk->path,
                            "SELECT group_concat (name || '.' || col, ' ') FROM"
                            " (SELECT m.name AS name, f.\"from\" AS col FROM sqlite_schema m,"
                            "  pragma_foreign_key_list (m.name) f"
                            "  WHERE m.type = 'table' AND f.\"table\" = 'people'"
                            "  ORDER BY 1, 2)", NULL);
  g_assert_cmpstr (all, ==,
                   "alerts.actor_id alerts.recipient_id attachments.added_by change_log.actor_id"
                   " kb_article_events.actor_id kb_articles.author_id mail_messages.person_id"
                   " mail_templates.updated_by person_addresses.person_id"
                   " ticket_article_links.linked_by ticket_events.actor_id"
                   " ticket_participants.person_id tickets.assignee_id tickets.requester_id");
}

static void
test_count_records (Desk          *desk,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) tech = hd_test_open_as (desk->path, "tech1");
  g_auto(HdPersonMerge) counted = { 0, };

  give_rita_home_records (desk);
  g_assert_true (hd_store_count_person_records (desk->disp, "rita-home", &counted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counted.requested, ==, 2);
  g_assert_cmpuint (counted.events, ==, 3);
  g_assert_cmpuint (counted.participating, ==, 2);
  g_assert_false (hd_store_count_person_records (tech, "rita-home", &counted, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/people/merge/" path, Desk, NULL, desk_set_up, func, desk_tear_down)
  ADD ("moves-everything", test_merge_moves_everything);
  ADD ("address-to-empty", test_merge_address_to_empty);
  ADD ("staff", test_merge_staff);
  ADD ("refusals", test_merge_refusals);
  ADD ("covers-schema", test_merge_covers_schema);
  ADD ("count", test_count_records);
#undef ADD

  return g_test_run ();
}
