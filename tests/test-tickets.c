/* test-tickets.c — every ticket operation, its history, conflicts and the
 * role rules as the store applies them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "hd-store-private.h"
#include "hd-test-util.h"

typedef HdTestOffice Fixture;

static GPtrArray *
events_of (HdStore *store,
           gint64   number)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *events = hd_store_list_events (store, number, &error);

  g_assert_no_error (error);
  return events;
}

static HdTicketEvent *
event_at (GPtrArray *events,
          guint      index)
{
  g_assert_cmpuint (index, <, events->len);
  return g_ptr_array_index (events, index);
}

static void
assert_event (HdTicketEvent *event,
              HdEventKind    kind,
              const char    *actor,
              const char    *field,
              const char    *old_value,
              const char    *new_value)
{
  g_assert_cmpint (hd_ticket_event_get_kind (event), ==, kind);
  g_assert_cmpstr (hd_ticket_event_get_actor (event), ==, actor);
  g_assert_cmpstr (hd_ticket_event_get_field (event), ==, field);
  g_assert_cmpstr (hd_ticket_event_get_old_value (event), ==, old_value);
  g_assert_cmpstr (hd_ticket_event_get_new_value (event), ==, new_value);
  g_assert_cmpint (hd_ticket_event_get_at (event), >, 0);
}

static guint
count_tickets (HdStore *store)
{
  g_autoptr(GPtrArray) tickets = hd_store_list_tickets (store, NULL, NULL);

  return tickets->len;
}

static HdTicket *
get (HdStore *store,
     gint64   number)
{
  g_autoptr(GError) error = NULL;
  HdTicket *ticket = hd_store_get_ticket (store, number, &error);

  g_assert_no_error (error);
  return ticket;
}

/* Create */

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = {
    .title = "  Printer <b>jammed</b> & \"stuck\"  ",
    .description = "Floor 2.\nIt beeps.",
    .priority = HD_PRIORITY_HIGH,
    .category = "Hardware", .department = "Sales", .location = "Room 7",
  };
  gint64 before = g_get_real_time ();

  ticket = hd_store_create_ticket (f->req1, &draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_number (ticket), ==, 1);
  g_assert_cmpstr (hd_ticket_get_title (ticket), ==, "Printer <b>jammed</b> & \"stuck\"");
  g_assert_cmpstr (hd_ticket_get_description (ticket), ==, "Floor 2.\nIt beeps.");
  g_assert_cmpint (hd_ticket_get_status (ticket), ==, HD_STATUS_NEW);
  g_assert_cmpint (hd_ticket_get_priority (ticket), ==, HD_PRIORITY_HIGH);
  g_assert_cmpstr (hd_ticket_get_category (ticket), ==, "Hardware");
  g_assert_cmpstr (hd_ticket_get_department (ticket), ==, "Sales");
  g_assert_cmpstr (hd_ticket_get_location (ticket), ==, "Room 7");
  g_assert_cmpstr (hd_ticket_get_requester (ticket), ==, "req1");
  g_assert_null (hd_ticket_get_assignee (ticket));
  g_assert_cmpint (hd_ticket_get_tier (ticket), ==, 1);
  g_assert_cmpint (hd_ticket_get_version (ticket), ==, 1);
  g_assert_cmpint (hd_ticket_get_created_at (ticket), >=, before);
  g_assert_cmpint (hd_ticket_get_updated_at (ticket), ==, hd_ticket_get_created_at (ticket));
  g_assert_cmpint (hd_ticket_get_first_response_at (ticket), ==, 0);

  events = events_of (f->req1, 1);
  g_assert_cmpuint (events->len, ==, 1);
  assert_event (event_at (events, 0), HD_EVENT_CREATED, "req1", NULL, NULL,
                "Printer <b>jammed</b> & \"stuck\"");
}

static void
test_create_on_behalf (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) refused = NULL;
  g_autoptr(HdTicket) unknown = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  draft.title = "Phoned in";
  draft.requester = "req2";
  ticket = hd_store_create_ticket (f->disp, &draft, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_get_requester (ticket), ==, "req2");
  events = events_of (f->disp, hd_ticket_get_number (ticket));
  assert_event (event_at (events, 0), HD_EVENT_CREATED, "disp", NULL, NULL, "Phoned in");

  refused = hd_store_create_ticket (f->req1, &draft, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  draft.requester = "nobody";
  unknown = hd_store_create_ticket (f->disp, &draft, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_cmpuint (count_tickets (f->disp), ==, 1);
}

static void
test_create_bad_input (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *long_title = g_strnfill (201, 'x');
  g_autofree char *huge = g_strnfill (HD_MAX_BODY_BYTES + 1, 'x');
  g_autofree char *long_category = g_strnfill (101, 'c');
  struct {
    const char *title;
    const char *description;
    const char *category;
    int         priority;
  } cases[] = {
    { NULL, NULL, NULL, HD_PRIORITY_NORMAL },
    { "", NULL, NULL, HD_PRIORITY_NORMAL },
    { "   ", NULL, NULL, HD_PRIORITY_NORMAL },
    { long_title, NULL, NULL, HD_PRIORITY_NORMAL },
    { "bad \xff utf8", NULL, NULL, HD_PRIORITY_NORMAL },
    { "two\nlines", NULL, NULL, HD_PRIORITY_NORMAL },
    { "ok", "bad \xc3\x28", NULL, HD_PRIORITY_NORMAL },
    { "ok", "escape \x1b[2J", NULL, HD_PRIORITY_NORMAL },
    { "ok", huge, NULL, HD_PRIORITY_NORMAL },
    { "ok", NULL, long_category, HD_PRIORITY_NORMAL },
    { "ok", NULL, NULL, 42 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HdTicket) ticket = NULL;
      g_autoptr(GError) error = NULL;
      HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

      g_test_message ("case %u", i);
      draft.title = cases[i].title;
      draft.description = cases[i].description;
      draft.category = cases[i].category;
      draft.priority = cases[i].priority;
      ticket = hd_store_create_ticket (f->disp, &draft, &error);
      g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
      g_assert_null (ticket);
    }

  g_assert_cmpuint (count_tickets (f->disp), ==, 0);
}

static void
test_numbers_never_reused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(HdTicket) t1 = hd_test_file_ticket (f->disp, "one");
  g_autoptr(HdTicket) t2 = hd_test_file_ticket (f->disp, "two");
  g_autoptr(HdTicket) t3 = NULL;
  sqlite3 *db = hd_store_get_db (f->disp);

  /* Another tool deletes the newest ticket; its number stays taken. */
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM ticket_events WHERE ticket_id = 2;"
                                     "DELETE FROM tickets WHERE id = 2", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  t3 = hd_test_file_ticket (f->disp, "three");
  g_assert_cmpint (hd_ticket_get_number (t3), ==, 3);
}

static void
test_no_ticket_without_history (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  sqlite3 *db = hd_store_get_db (f->disp);

  /* Make the history write fail halfway through the transaction. */
  g_assert_cmpint (sqlite3_exec (db, "CREATE TEMP TRIGGER fail_history BEFORE INSERT ON"
                                     " main.ticket_events BEGIN SELECT RAISE(ABORT, 'no'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  draft.title = "Half written?";
  ticket = hd_store_create_ticket (f->disp, &draft, &error);
  g_assert_nonnull (error);
  g_assert_null (ticket);
  g_assert_cmpuint (count_tickets (f->disp), ==, 0);
  g_assert_true (sqlite3_get_autocommit (db));
}

/* Update */

static void
test_update_fields (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Screen");
  g_autoptr(HdTicket) updated = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketChanges changes = {
    .title = "Screen flickers", .category = "Hardware",
    .set_priority = TRUE, .priority = HD_PRIORITY_URGENT,
  };

  updated = hd_store_update_ticket (f->tech1, 1, 1, &changes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_get_title (updated), ==, "Screen flickers");
  g_assert_cmpstr (hd_ticket_get_category (updated), ==, "Hardware");
  g_assert_cmpint (hd_ticket_get_priority (updated), ==, HD_PRIORITY_URGENT);
  g_assert_cmpstr (hd_ticket_get_description (updated), ==, "Details");
  g_assert_cmpint (hd_ticket_get_version (updated), ==, 2);
  g_assert_cmpint (hd_ticket_get_updated_at (updated), >=, hd_ticket_get_created_at (updated));

  events = events_of (f->tech1, 1);
  g_assert_cmpuint (events->len, ==, 4);
  assert_event (event_at (events, 1), HD_EVENT_FIELD, "tech1", "title", "Screen",
                "Screen flickers");
  assert_event (event_at (events, 2), HD_EVENT_FIELD, "tech1", "category", NULL, "Hardware");
  assert_event (event_at (events, 3), HD_EVENT_FIELD, "tech1", "priority", "normal", "urgent");
}

static void
test_update_clears_and_noop (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) same = NULL;
  g_autoptr(HdTicket) cleared = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = { .title = "Desk", .location = "Room 1" };
  HdTicketChanges nothing = { .title = "Desk", .location = "Room 1" };
  HdTicketChanges clear = { .location = "" };

  ticket = hd_store_create_ticket (f->disp, &draft, &error);
  g_assert_no_error (error);

  same = hd_store_update_ticket (f->disp, 1, 0, &nothing, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_version (same), ==, 1);

  cleared = hd_store_update_ticket (f->disp, 1, 0, &clear, &error);
  g_assert_no_error (error);
  g_assert_null (hd_ticket_get_location (cleared));
  g_assert_cmpint (hd_ticket_get_version (cleared), ==, 2);

  events = events_of (f->disp, 1);
  g_assert_cmpuint (events->len, ==, 2);
  assert_event (event_at (events, 1), HD_EVENT_FIELD, "disp", "location", "Room 1", NULL);
}

static void
test_update_conflict (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Original");
  g_autoptr(HdTicket) mine = get (f->tech1, 1);
  g_autoptr(HdTicket) theirs = NULL;
  g_autoptr(HdTicket) refused = NULL;
  g_autoptr(HdTicket) now = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketChanges their_change = { .title = "Theirs" };
  HdTicketChanges my_change = { .title = "Mine" };

  /* Both read version 1; the dispatcher saves first. */
  theirs = hd_store_update_ticket (f->disp, 1, hd_ticket_get_version (mine), &their_change,
                                   &error);
  g_assert_no_error (error);

  refused = hd_store_update_ticket (f->tech1, 1, hd_ticket_get_version (mine), &my_change,
                                    &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_CONFLICT);
  g_assert_null (refused);

  now = get (f->tech1, 1);
  g_assert_cmpstr (hd_ticket_get_title (now), ==, "Theirs");
  g_assert_cmpint (hd_ticket_get_version (now), ==, 2);
  events = events_of (f->tech1, 1);
  g_assert_cmpuint (events->len, ==, 2);
}

static void
test_update_rules (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Typo in titel");
  g_autoptr(HdTicket) fixed = NULL;
  g_autoptr(HdTicket) result = NULL;
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(HdTicket) closed = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketChanges fix = { .title = "Typo in title" };
  HdTicketChanges urgent = { .set_priority = TRUE, .priority = HD_PRIORITY_URGENT };
  HdTicketChanges again = { .description = "More details" };

  /* The requester may correct their new ticket, but not triage it. */
  fixed = hd_store_update_ticket (f->req1, 1, 0, &fix, &error);
  g_assert_no_error (error);
  result = hd_store_update_ticket (f->req1, 1, 0, &urgent, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* Nobody else's ticket: for them it does not exist. */
  result = hd_store_update_ticket (f->req2, 1, 0, &fix, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Once a technician has it, the requester replies instead. */
  assigned = hd_store_assign_ticket (f->tech1, 1, 0, "tech1", &error);
  g_assert_no_error (error);
  result = hd_store_update_ticket (f->req1, 1, 0, &again, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* Closed is final. */
  closed = hd_store_set_ticket_status (f->tech1, 1, 0, HD_STATUS_CLOSED, &error);
  g_assert_no_error (error);
  result = hd_store_update_ticket (f->tech1, 1, 0, &again, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
}

static void
test_update_missing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HdTicket) result = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketChanges change = { .title = "x" };

  result = hd_store_update_ticket (f->disp, 99, 0, &change, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
}

/* Assignment and status */

static void
test_assign (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Laptop");
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(HdTicket) unassigned = NULL;
  g_autoptr(HdTicket) same = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  assigned = hd_store_assign_ticket (f->disp, 1, 1, "tech1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_get_assignee (assigned), ==, "tech1");
  g_assert_cmpstr (hd_ticket_get_assignee_name (assigned), ==, "tech1");
  g_assert_cmpint (hd_ticket_get_status (assigned), ==, HD_STATUS_OPEN);
  g_assert_cmpint (hd_ticket_get_version (assigned), ==, 2);

  same = hd_store_assign_ticket (f->disp, 1, 0, "tech1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_version (same), ==, 2);

  unassigned = hd_store_assign_ticket (f->disp, 1, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (hd_ticket_get_assignee (unassigned));
  g_assert_cmpint (hd_ticket_get_status (unassigned), ==, HD_STATUS_NEW);

  events = events_of (f->disp, 1);
  g_assert_cmpuint (events->len, ==, 5);
  assert_event (event_at (events, 1), HD_EVENT_ASSIGNMENT, "disp", "assignee", NULL, "tech1");
  assert_event (event_at (events, 2), HD_EVENT_STATUS, "disp", "status", "new", "open");
  assert_event (event_at (events, 3), HD_EVENT_ASSIGNMENT, "disp", "assignee", "tech1", NULL);
  assert_event (event_at (events, 4), HD_EVENT_STATUS, "disp", "status", "open", "new");
}

static void
test_assign_refusals (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Laptop");
  struct {
    HdStore    *store;
    const char *assignee;
    gint64      if_version;
    int         code;
  } cases[] = {
    { f->req1, "tech1", 0, HD_ERROR_PERMISSION_DENIED },
    { f->disp, "req2", 0, HD_ERROR_INVALID_INPUT },
    { f->disp, "nobody", 0, HD_ERROR_NOT_FOUND },
    { f->disp, "bad login!", 0, HD_ERROR_INVALID_INPUT },
    { f->disp, "tech1", 7, HD_ERROR_CONFLICT },
  };
  g_autoptr(HdTicket) now = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HdTicket) result = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      result = hd_store_assign_ticket (cases[i].store, 1, cases[i].if_version,
                                       cases[i].assignee, &error);
      g_assert_error (error, HD_ERROR, cases[i].code);
    }

  now = get (f->disp, 1);
  g_assert_null (hd_ticket_get_assignee (now));
  g_assert_cmpint (hd_ticket_get_version (now), ==, 1);
}

static void
test_status_lifecycle (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Email");
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(HdTicket) reopened = NULL;
  g_autoptr(HdTicket) closed = NULL;
  g_autoptr(HdTicket) refused = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  resolved = hd_store_set_ticket_status (f->tech1, 1, 1, HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_resolved_at (resolved), >, 0);

  /* The requester says the fix did not hold. */
  reopened = hd_store_set_ticket_status (f->req1, 1, 0, HD_STATUS_OPEN, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_status (reopened), ==, HD_STATUS_OPEN);
  g_assert_cmpint (hd_ticket_get_resolved_at (reopened), ==, 0);

  closed = hd_store_set_ticket_status (f->tech1, 1, 0, HD_STATUS_CLOSED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_closed_at (closed), >, 0);

  refused = hd_store_set_ticket_status (f->tech1, 1, 0, HD_STATUS_OPEN, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);

  events = events_of (f->disp, 1);
  g_assert_cmpuint (events->len, ==, 4);
  assert_event (event_at (events, 1), HD_EVENT_STATUS, "tech1", "status", "new", "resolved");
  assert_event (event_at (events, 2), HD_EVENT_STATUS, "req1", "status", "resolved", "open");
  assert_event (event_at (events, 3), HD_EVENT_STATUS, "tech1", "status", "open", "closed");
}

static void
test_status_requester_limits (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Chair");
  g_autoptr(HdTicket) result = NULL;
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(GError) error = NULL;

  result = hd_store_set_ticket_status (f->req1, 1, 0, HD_STATUS_CLOSED, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  resolved = hd_store_set_ticket_status (f->tech1, 1, 0, HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);
  result = hd_store_set_ticket_status (f->req2, 1, 0, HD_STATUS_OPEN, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  result = hd_store_set_ticket_status (f->disp, 1, 0, 99, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
}

/* Conversation */

static void
test_comments (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Wifi");
  g_autoptr(HdTicketEvent) from_requester = NULL;
  g_autoptr(HdTicketEvent) note = NULL;
  g_autoptr(HdTicketEvent) reply = NULL;
  g_autoptr(HdTicketEvent) second = NULL;
  g_autoptr(HdTicket) after_requester = NULL;
  g_autoptr(HdTicket) after_note = NULL;
  g_autoptr(HdTicket) after_reply = NULL;
  g_autoptr(HdTicket) after_second = NULL;
  g_autoptr(GPtrArray) staff_view = NULL;
  g_autoptr(GPtrArray) requester_view = NULL;
  g_autoptr(GError) error = NULL;

  from_requester = hd_store_add_comment (f->req1, 1, "Also the printer", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_event_get_kind (from_requester), ==, HD_EVENT_REPLY);
  after_requester = get (f->disp, 1);
  g_assert_cmpint (hd_ticket_get_first_response_at (after_requester), ==, 0);

  note = hd_store_add_comment (f->tech1, 1, "Router firmware?", TRUE, &error);
  g_assert_no_error (error);
  after_note = get (f->disp, 1);
  g_assert_cmpint (hd_ticket_get_first_response_at (after_note), ==, 0);

  reply = hd_store_add_comment (f->tech1, 1, "On my way", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_event_get_body (reply), ==, "On my way");
  after_reply = get (f->disp, 1);
  g_assert_cmpint (hd_ticket_get_first_response_at (after_reply), ==,
                   hd_ticket_event_get_at (reply));
  /* Replies do not conflict with someone editing the fields. */
  g_assert_cmpint (hd_ticket_get_version (after_reply), ==, 1);

  second = hd_store_add_comment (f->disp, 1, "Fixed?", FALSE, &error);
  g_assert_no_error (error);
  after_second = get (f->disp, 1);
  g_assert_cmpint (hd_ticket_get_first_response_at (after_second), ==,
                   hd_ticket_event_get_at (reply));

  staff_view = events_of (f->tech1, 1);
  g_assert_cmpuint (staff_view->len, ==, 5);
  g_assert_cmpint (hd_ticket_event_get_kind (event_at (staff_view, 2)), ==, HD_EVENT_NOTE);

  requester_view = events_of (f->req1, 1);
  g_assert_cmpuint (requester_view->len, ==, 4);
  for (guint i = 0; i < requester_view->len; i++)
    g_assert_cmpint (hd_ticket_event_get_kind (event_at (requester_view, i)), !=, HD_EVENT_NOTE);
}

static void
test_requester_reply_reopens_pending (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Password");
  g_autoptr(HdTicket) pending = NULL;
  g_autoptr(HdTicket) after = NULL;
  g_autoptr(HdTicketEvent) answer = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  pending = hd_store_set_ticket_status (f->tech1, 1, 0, HD_STATUS_PENDING, &error);
  g_assert_no_error (error);
  answer = hd_store_add_comment (f->req1, 1, "Here is the screenshot", FALSE, &error);
  g_assert_no_error (error);

  after = get (f->disp, 1);
  g_assert_cmpint (hd_ticket_get_status (after), ==, HD_STATUS_OPEN);
  g_assert_cmpint (hd_ticket_get_version (after), ==, hd_ticket_get_version (pending) + 1);
  events = events_of (f->disp, 1);
  assert_event (event_at (events, events->len - 1), HD_EVENT_STATUS, "req1", "status",
                "pending", "open");
}

static void
test_comment_refusals (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Phone");
  g_autoptr(HdTicket) closed = NULL;
  g_autoptr(HdTicketEvent) result = NULL;
  g_autoptr(HdTicketEvent) late_note = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  result = hd_store_add_comment (f->req1, 1, "secret", TRUE, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  result = hd_store_add_comment (f->req2, 1, "me too", FALSE, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  result = hd_store_add_comment (f->tech1, 1, " \n ", FALSE, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  result = hd_store_add_comment (f->tech1, 1, "bad \xfe", FALSE, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  result = hd_store_add_comment (f->tech1, 42, "where?", FALSE, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  closed = hd_store_set_ticket_status (f->tech1, 1, 0, HD_STATUS_CLOSED, &error);
  g_assert_no_error (error);
  result = hd_store_add_comment (f->req1, 1, "reopen please", FALSE, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  late_note = hd_store_add_comment (f->tech1, 1, "Replaced the handset.", TRUE, &error);
  g_assert_no_error (error);

  events = events_of (f->tech1, 1);
  g_assert_cmpuint (events->len, ==, 3);   /* created, closed, the note */
}

/* Reading */

static void
test_visibility (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HdTicket) mine = hd_test_file_ticket (f->req1, "Mine");
  g_autoptr(HdTicket) theirs = hd_test_file_ticket (f->req2, "Theirs");
  g_autoptr(HdTicket) denied = NULL;
  g_autoptr(GPtrArray) req_list = NULL;
  g_autoptr(GPtrArray) sneaky = NULL;
  g_autoptr(GPtrArray) staff_list = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketFilter other = { .requester = "req2" };

  req_list = hd_store_list_tickets (f->req1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (req_list->len, ==, 1);
  g_assert_cmpstr (hd_ticket_get_title (g_ptr_array_index (req_list, 0)), ==, "Mine");

  /* Asking for someone else's tickets does not widen the view. */
  sneaky = hd_store_list_tickets (f->req1, &other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sneaky->len, ==, 0);

  /* Someone else's ticket does not exist for a requester. */
  denied = hd_store_get_ticket (f->req1, hd_ticket_get_number (theirs), &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  events = hd_store_list_events (f->req1, hd_ticket_get_number (theirs), &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  staff_list = hd_store_list_tickets (f->tech1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (staff_list->len, ==, 2);
}

static void
test_list_filters (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HdTicket) t1 = hd_test_file_ticket (f->req1, "one");
  g_autoptr(HdTicket) t2 = hd_test_file_ticket (f->req2, "two");
  g_autoptr(HdTicket) t3 = hd_test_file_ticket (f->req2, "three");
  g_autoptr(HdTicket) a = hd_store_assign_ticket (f->disp, 2, 0, "tech1", NULL);
  g_autoptr(HdTicket) s = hd_store_set_ticket_status (f->disp, 3, 0, HD_STATUS_RESOLVED, NULL);
  struct {
    HdTicketFilter filter;
    const char    *expected;
  } cases[] = {
    { { 0 }, "1,2,3" },
    { { .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) }, "1" },
    { { .status_mask = HD_STATUS_MASK (HD_STATUS_OPEN) | HD_STATUS_MASK (HD_STATUS_RESOLVED) },
      "2,3" },
    { { .assignee = "tech1" }, "2" },
    { { .assignee = "tech2" }, "" },
    { { .unassigned = TRUE }, "1,3" },
    { { .requester = "req2" }, "2,3" },
    { { .requester = "req2", .unassigned = TRUE }, "3" },
    { { .limit = 2 }, "1,2" },
  };

  g_assert_nonnull (a);
  g_assert_nonnull (s);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) tickets = NULL;
      g_autoptr(GString) numbers = g_string_new (NULL);
      g_autoptr(GError) error = NULL;

      tickets = hd_store_list_tickets (f->disp, &cases[i].filter, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < tickets->len; j++)
        g_string_append_printf (numbers, "%s%" G_GINT64_FORMAT, j > 0 ? "," : "",
                                hd_ticket_get_number (g_ptr_array_index (tickets, j)));
      g_test_message ("case %u", i);
      g_assert_cmpstr (numbers->str, ==, cases[i].expected);
    }

  /* A summary: what a list shows, read as the whole ticket has it. */
  {
    HdTicketFilter whole = { 0 };
    HdTicketFilter summary = { .summary = TRUE };
    g_autoptr(GPtrArray) full = hd_store_list_tickets (f->disp, &whole, NULL);
    g_autoptr(GPtrArray) brief = hd_store_list_tickets (f->disp, &summary, NULL);

    g_assert_cmpuint (brief->len, ==, full->len);
    for (guint i = 0; i < full->len; i++)
      {
        HdTicket *t = g_ptr_array_index (full, i);
        HdTicket *b = g_ptr_array_index (brief, i);

        g_assert_cmpint (hd_ticket_get_number (b), ==, hd_ticket_get_number (t));
        g_assert_cmpstr (hd_ticket_get_title (b), ==, hd_ticket_get_title (t));
        g_assert_cmpint (hd_ticket_get_status (b), ==, hd_ticket_get_status (t));
        g_assert_cmpint (hd_ticket_get_priority (b), ==, hd_ticket_get_priority (t));
        g_assert_cmpstr (hd_ticket_get_assignee (b), ==, hd_ticket_get_assignee (t));
        g_assert_cmpint (hd_ticket_get_due_at (b), ==, hd_ticket_get_due_at (t));
        g_assert_cmpint (hd_ticket_get_warn_at (b), ==, hd_ticket_get_warn_at (t));
        g_assert_null (hd_ticket_get_description (b));
        g_assert_null (hd_ticket_get_requester (b));
      }
    g_assert_nonnull (hd_ticket_get_assignee (g_ptr_array_index (brief, 1)));
    g_assert_cmpint (hd_ticket_get_due_at (g_ptr_array_index (brief, 0)), !=, 0);
  }
}

static char *
list_numbers (HdStore              *store,
              const HdTicketFilter *filter)
{
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;
  GString *numbers = g_string_new (NULL);

  tickets = hd_store_list_tickets (store, filter, &error);
  g_assert_no_error (error);
  for (guint j = 0; j < tickets->len; j++)
    g_string_append_printf (numbers, "%s%" G_GINT64_FORMAT, j > 0 ? "," : "",
                            hd_ticket_get_number (g_ptr_array_index (tickets, j)));
  return g_string_free (numbers, FALSE);
}

typedef struct {
  GString *numbers;
  guint    left;      /* stop after this many; G_MAXUINT: never */
} Collected;

static gboolean
collect_number (HdTicket *ticket,
                gpointer  user_data)
{
  Collected *collected = user_data;

  g_string_append_printf (collected->numbers, "%s%" G_GINT64_FORMAT,
                          collected->numbers->len > 0 ? "," : "", hd_ticket_get_number (ticket));
  return --collected->left > 0;
}

static gboolean
keep_ticket (HdTicket *ticket,
             gpointer  user_data)
{
  g_ptr_array_add (user_data, g_object_ref (ticket));
  return TRUE;
}

/* The numbers hd_store_foreach_ticket() gives, up to @most. */
static char *
foreach_numbers (HdStore              *store,
                 const HdTicketFilter *filter,
                 guint                 most)
{
  g_autoptr(GError) error = NULL;
  Collected collected = { g_string_new (NULL), most };

  g_assert_true (hd_store_foreach_ticket (store, filter, collect_number, &collected, &error));
  g_assert_no_error (error);
  return g_string_free (collected.numbers, FALSE);
}

static void
rename_person (HdStore    *store,
               const char *login,
               const char *name)
{
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonChanges changes = { .name = name, .active = -1 };

  person = hd_store_update_person (store, login, &changes, &error);
  g_assert_no_error (error);
}

static void
file_for (HdStore    *store,
          const char *requester,
          const char *assignee)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  draft.title = "Sorted";
  draft.requester = requester;
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  if (assignee != NULL)
    {
      g_autoptr(HdTicket) assigned = NULL;

      assigned = hd_store_assign_ticket (store, hd_ticket_get_number (ticket), 0, assignee,
                                         &error);
      g_assert_no_error (error);
    }
}

/* The requester and assignee orders are read from people first (and the
 * assignee order in two parts, unassigned tickets first), so every page
 * boundary is tested against the whole list. Names equal but for case
 * sort by the person's id, then by number. hd_store_foreach_ticket()
 * gives the same, and stops where its function says, in either part. */
static void
test_list_by_person (Fixture       *f,
                     gconstpointer  data)
{
  guint open = HD_STATUS_MASK (HD_STATUS_NEW) | HD_STATUS_MASK (HD_STATUS_OPEN) |
               HD_STATUS_MASK (HD_STATUS_PENDING);
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(GError) error = NULL;
  struct {
    HdStore       *store;
    HdTicketFilter filter;
    const char    *expected;
  } cases[] = {
    { f->disp, { .sort = HD_TICKET_SORT_REQUESTER }, "3,7,2,5,8,1,4,6" },
    { f->disp, { .sort = HD_TICKET_SORT_REQUESTER, .descending = TRUE }, "6,4,1,8,5,2,7,3" },
    { f->disp, { .sort = HD_TICKET_SORT_REQUESTER, .status_mask = open }, "3,7,2,5,8,1,4" },
    { f->disp, { .sort = HD_TICKET_SORT_REQUESTER, .status_mask = open, .descending = TRUE },
      "4,1,8,5,2,7,3" },
    { f->disp, { .sort = HD_TICKET_SORT_REQUESTER, .assignee = "tech1" }, "3,8,6" },
    { f->req1, { .sort = HD_TICKET_SORT_REQUESTER, .descending = TRUE }, "8,5,2" },
    { f->disp, { .sort = HD_TICKET_SORT_ASSIGNEE }, "2,4,7,3,6,8,1,5" },
    { f->disp, { .sort = HD_TICKET_SORT_ASSIGNEE, .descending = TRUE }, "5,1,8,6,3,7,4,2" },
    { f->disp, { .sort = HD_TICKET_SORT_ASSIGNEE, .status_mask = open }, "2,4,7,3,8,1,5" },
    { f->disp, { .sort = HD_TICKET_SORT_ASSIGNEE, .status_mask = open, .descending = TRUE },
      "5,1,8,3,7,4,2" },
    { f->disp, { .sort = HD_TICKET_SORT_ASSIGNEE, .requester = "req2" }, "4,6,1" },
    { f->disp, { .sort = HD_TICKET_SORT_ASSIGNEE, .unassigned = TRUE, .descending = TRUE },
      "7,4,2" },
    { f->disp, { .sort = HD_TICKET_SORT_ASSIGNEE, .assignee = "tech2", .descending = TRUE },
      "5,1" },
    { f->req1, { .sort = HD_TICKET_SORT_ASSIGNEE }, "2,8,5" },
    { f->req1, { .sort = HD_TICKET_SORT_ASSIGNEE, .descending = TRUE }, "5,8,2" },
  };

  /* disp "disp", tech1 "bea", tech2 "Bea", req1 "Zoe", req2 "zoe" */
  rename_person (f->disp, "tech1", "bea");
  rename_person (f->disp, "tech2", "Bea");
  rename_person (f->disp, "req1", "Zoe");
  rename_person (f->disp, "req2", "zoe");

  file_for (f->disp, "req2", "tech2");  /* 1 */
  file_for (f->disp, "req1", NULL);     /* 2 */
  file_for (f->disp, NULL, "tech1");    /* 3 */
  file_for (f->disp, "req2", NULL);     /* 4 */
  file_for (f->disp, "req1", "tech2");  /* 5 */
  file_for (f->disp, "req2", "tech1");  /* 6 */
  file_for (f->disp, NULL, NULL);       /* 7 */
  file_for (f->disp, "req1", "tech1");  /* 8 */
  resolved = hd_store_set_ticket_status (f->disp, 6, 0, HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *whole = list_numbers (cases[i].store, &cases[i].filter);
      g_autofree char *each = foreach_numbers (cases[i].store, &cases[i].filter, G_MAXUINT);

      g_test_message ("case %u", i);
      g_assert_cmpstr (whole, ==, cases[i].expected);
      g_assert_cmpstr (each, ==, whole);
      {
        /* Tickets kept are left as they were read. */
        g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
        g_autoptr(GString) numbers = g_string_new (NULL);

        g_assert_true (hd_store_foreach_ticket (cases[i].store, &cases[i].filter, keep_ticket,
                                                kept, &error));
        g_assert_no_error (error);
        for (guint j = 0; j < kept->len; j++)
          g_string_append_printf (numbers, "%s%" G_GINT64_FORMAT, j > 0 ? "," : "",
                                  hd_ticket_get_number (g_ptr_array_index (kept, j)));
        g_assert_cmpstr (numbers->str, ==, whole);
      }
      for (guint most = 1; most <= 3; most++)
        {
          g_autofree char *first = foreach_numbers (cases[i].store, &cases[i].filter, most);
          HdTicketFilter page = cases[i].filter;
          g_autofree char *expected = NULL;

          page.limit = most;
          expected = list_numbers (cases[i].store, &page);
          g_assert_cmpstr (first, ==, expected);
        }

      /* Pages of every size, and every offset without a limit. */
      for (guint size = 1; size <= 9; size++)
        {
          g_autoptr(GString) pages = g_string_new (NULL);
          HdTicketFilter page = cases[i].filter;

          page.limit = size;
          for (page.offset = 0; page.offset <= 9; page.offset += size)
            {
              g_autofree char *numbers = list_numbers (cases[i].store, &page);

              if (numbers[0] != '\0')
                g_string_append_printf (pages, "%s%s", pages->len > 0 ? "," : "", numbers);
            }
          g_test_message ("case %u, pages of %u", i, size);
          g_assert_cmpstr (pages->str, ==, whole);
        }

      for (guint offset = 0; offset <= 9; offset++)
        {
          HdTicketFilter rest = cases[i].filter;
          g_autofree char *numbers = NULL;
          const char *expected = whole;

          rest.offset = offset;
          numbers = list_numbers (cases[i].store, &rest);
          for (guint skip = 0; skip < offset && *expected != '\0'; skip++)
            {
              const char *comma = strchr (expected, ',');

              expected = comma != NULL ? comma + 1 : "";
            }
          g_test_message ("case %u, from %u", i, offset);
          g_assert_cmpstr (numbers, ==, expected);
        }
    }
}

static void
test_changes_seen_by_other_connection (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Seen elsewhere");
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(HdTicket) seen = NULL;
  g_autoptr(GError) error = NULL;

  assigned = hd_store_assign_ticket (f->disp, 1, 0, "tech1", &error);
  g_assert_no_error (error);

  seen = get (f->req1, 1);
  g_assert_cmpstr (hd_ticket_get_assignee (seen), ==, "tech1");
  g_assert_cmpint (hd_ticket_get_version (seen), ==, 2);
}

/* Escalation */

static gint64
sql_count (HdStore    *store,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (hd_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static HdTicket *
escalate (HdStore    *store,
          gint64      number,
          gint64      if_version,
          int         to_tier,
          const char *note)
{
  g_autoptr(GError) error = NULL;
  HdTicket *ticket = hd_store_escalate_ticket (store, number, if_version, to_tier, note, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  return ticket;
}

static void
test_escalate (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "VPN drops");
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(HdTicket) up = NULL;
  g_autoptr(HdTicket) seen = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) requester_view = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketFilter search = { .search = "concentrator" };
  gint64 logged = sql_count (f->disp, "SELECT count(*) FROM change_log");

  assigned = hd_store_assign_ticket (f->disp, 1, 0, "tech1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_version (assigned), ==, 2);

  /* tech1 (tier 1) passes it on: tier 2, no longer theirs, still open. */
  up = escalate (f->tech1, 1, 2, 2, "Tunnel drops on the concentrator.\nNeeds network access.");
  g_assert_cmpint (hd_ticket_get_tier (up), ==, 2);
  g_assert_null (hd_ticket_get_assignee (up));
  g_assert_cmpint (hd_ticket_get_status (up), ==, HD_STATUS_OPEN);
  g_assert_cmpint (hd_ticket_get_version (up), ==, 3);
  g_assert_cmpint (hd_ticket_get_updated_at (up), >=, hd_ticket_get_updated_at (assigned));

  seen = get (f->req1, 1);
  g_assert_cmpint (hd_ticket_get_tier (seen), ==, 2);

  events = events_of (f->disp, 1);
  g_assert_cmpuint (events->len, ==, 5);
  assert_event (event_at (events, 3), HD_EVENT_FIELD, "tech1", "tier", "1", "2");
  g_assert_cmpstr (hd_ticket_event_get_body (event_at (events, 3)), ==,
                   "Tunnel drops on the concentrator.\nNeeds network access.");
  assert_event (event_at (events, 4), HD_EVENT_ASSIGNMENT, "tech1", "assignee", "tech1", NULL);

  /* One change_log row, by tech1. */
  g_assert_cmpint (sql_count (f->disp, "SELECT count(*) FROM change_log"), ==, logged + 2);
  g_assert_cmpint (sql_count (f->disp,
                              "SELECT count(*) FROM change_log c JOIN people p ON p.id = c.actor_id"
                              " WHERE c.tbl = 'tickets' AND c.row_id = 1 AND c.kind = 'escalated'"
                              " AND p.login = 'tech1'"), ==, 1);

  /* The requester sees the move, not the note, and cannot find it by the
   * note; staff can. */
  requester_view = events_of (f->req1, 1);
  g_assert_cmpuint (requester_view->len, ==, 5);
  assert_event (event_at (requester_view, 3), HD_EVENT_FIELD, "tech1", "tier", "1", "2");
  g_assert_null (hd_ticket_event_get_body (event_at (requester_view, 3)));
  found = hd_store_list_tickets (f->req1, &search, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = hd_store_list_tickets (f->tech1, &search, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
}

static void
test_escalate_assignee (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HdStore) tech2 = hd_test_open_as (f->path, "tech2");
  g_autoptr(HdTicket) t1 = hd_test_file_ticket (f->req1, "Kept by tier 2");
  g_autoptr(HdTicket) t2 = hd_test_file_ticket (f->req1, "Returned");
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(HdTicket) kept = NULL;
  g_autoptr(HdTicket) up = NULL;
  g_autoptr(HdTicket) down = NULL;
  g_autoptr(HdTicket) pending = NULL;
  g_autoptr(HdTicket) again = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  /* tech2 is tier 2: escalating their ticket to tier 2 leaves it theirs. */
  assigned = hd_store_assign_ticket (f->disp, 1, 0, "tech2", &error);
  g_assert_no_error (error);
  kept = escalate (tech2, 1, 0, 2, "Needs admin rights");
  g_assert_cmpstr (hd_ticket_get_assignee (kept), ==, "tech2");
  g_assert_cmpint (hd_ticket_get_tier (kept), ==, 2);
  events = events_of (f->disp, 1);
  g_assert_cmpuint (events->len, ==, 4);   /* created, assigned, opened, tier */
  assert_event (event_at (events, 3), HD_EVENT_FIELD, "tech2", "tier", "1", "2");

  /* Returning a ticket down keeps its assignee, whatever their tier. */
  g_clear_object (&assigned);
  up = escalate (f->disp, 2, 0, 2, "Tier 2, please");
  assigned = hd_store_assign_ticket (f->disp, 2, 0, "tech2", &error);
  g_assert_no_error (error);
  down = escalate (tech2, 2, hd_ticket_get_version (assigned), 1, "A tier 1 job after all");
  g_assert_cmpint (hd_ticket_get_tier (down), ==, 1);
  g_assert_cmpstr (hd_ticket_get_assignee (down), ==, "tech2");
  g_assert_cmpint (hd_ticket_get_status (down), ==, HD_STATUS_OPEN);
  g_assert_cmpint (hd_ticket_get_version (down), ==, hd_ticket_get_version (assigned) + 1);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = events_of (f->disp, 2);
  assert_event (event_at (events, events->len - 1), HD_EVENT_FIELD, "tech2", "tier", "2", "1");
  g_assert_cmpstr (hd_ticket_event_get_body (event_at (events, events->len - 1)), ==,
                   "A tier 1 job after all");

  /* A pending ticket moves and stays pending. */
  pending = hd_store_set_ticket_status (tech2, 2, 0, HD_STATUS_PENDING, &error);
  g_assert_no_error (error);
  again = escalate (f->tech1, 2, 0, 2, "Back up");
  g_assert_cmpint (hd_ticket_get_status (again), ==, HD_STATUS_PENDING);
  g_assert_cmpstr (hd_ticket_get_assignee (again), ==, "tech2");
}

static void
test_escalate_refusals (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HdTicket) t1 = hd_test_file_ticket (f->req1, "Tier 1");
  g_autoptr(HdTicket) t2 = hd_test_file_ticket (f->req1, "Tier 3");
  g_autoptr(HdTicket) t3 = hd_test_file_ticket (f->req1, "Closed");
  g_autoptr(HdTicket) t4 = hd_test_file_ticket (f->req1, "Resolved");
  g_autoptr(HdTicket) up2 = escalate (f->disp, 2, 0, 2, "Up");
  g_autoptr(HdTicket) up3 = escalate (f->disp, 2, 0, 3, "Up again");
  g_autoptr(HdTicket) closed = hd_store_set_ticket_status (f->disp, 3, 0, HD_STATUS_CLOSED, NULL);
  g_autoptr(HdTicket) resolved = hd_store_set_ticket_status (f->disp, 4, 0, HD_STATUS_RESOLVED,
                                                              NULL);
  g_autofree char *huge = g_strnfill (HD_MAX_BODY_BYTES + 1, 'x');
  struct {
    HdStore    *store;
    gint64      number;
    gint64      if_version;
    int         to_tier;
    const char *note;
    int         code;
  } cases[] = {
    { f->tech1, 1, 0, 2, NULL, HD_ERROR_INVALID_INPUT },
    { f->tech1, 1, 0, 2, "", HD_ERROR_INVALID_INPUT },
    { f->tech1, 1, 0, 2, " \n\t ", HD_ERROR_INVALID_INPUT },
    { f->tech1, 1, 0, 2, "bad \xfe", HD_ERROR_INVALID_INPUT },
    { f->tech1, 1, 0, 2, "escape \x1b[2J", HD_ERROR_INVALID_INPUT },
    { f->tech1, 1, 0, 2, huge, HD_ERROR_INVALID_INPUT },
    { f->tech1, 1, 0, 0, "Below tier 1", HD_ERROR_INVALID_INPUT },
    { f->tech1, 1, 0, 1, "Same tier", HD_ERROR_INVALID_INPUT },
    { f->tech1, 1, 0, 3, "Two tiers", HD_ERROR_INVALID_INPUT },
    { f->disp, 2, 0, 4, "Beyond tier 3", HD_ERROR_INVALID_INPUT },
    { f->tech1, 2, 0, 2, "Not my tier", HD_ERROR_PERMISSION_DENIED },
    { f->req1, 1, 0, 2, "Hurry up", HD_ERROR_PERMISSION_DENIED },
    { f->req2, 1, 0, 2, "Not even mine", HD_ERROR_NOT_FOUND },
    { f->tech1, 1, 7, 2, "Stale", HD_ERROR_CONFLICT },
    { f->disp, 3, 0, 2, "Closed", HD_ERROR_INVALID_INPUT },
    { f->disp, 4, 0, 2, "Resolved", HD_ERROR_INVALID_INPUT },
    { f->disp, 99, 0, 2, "Missing", HD_ERROR_NOT_FOUND },
  };
  gint64 logged, history;

  g_assert_nonnull (closed);
  g_assert_nonnull (resolved);
  logged = sql_count (f->disp, "SELECT count(*) FROM change_log");
  history = sql_count (f->disp, "SELECT count(*) FROM ticket_events");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HdTicket) result = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      result = hd_store_escalate_ticket (cases[i].store, cases[i].number, cases[i].if_version,
                                         cases[i].to_tier, cases[i].note, &error);
      g_assert_error (error, HD_ERROR, cases[i].code);
      g_assert_null (result);
      g_assert_true (sqlite3_get_autocommit (hd_store_get_db (cases[i].store)));
    }

  /* Nothing changed. */
  for (gint64 n = 1; n <= 4; n++)
    {
      g_autoptr(HdTicket) now = get (f->disp, n);
      static const int tiers[] = { 1, 3, 1, 1 };
      static const gint64 versions[] = { 1, 3, 2, 2 };

      g_assert_cmpint (hd_ticket_get_tier (now), ==, tiers[n - 1]);
      g_assert_cmpint (hd_ticket_get_version (now), ==, versions[n - 1]);
    }
  g_assert_cmpint (sql_count (f->disp, "SELECT count(*) FROM change_log"), ==, logged);
  g_assert_cmpint (sql_count (f->disp, "SELECT count(*) FROM ticket_events"), ==, history);
}

/* The tier, its history and the unassignment are one transaction. */
static void
test_escalate_atomic (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "All or nothing");
  g_autoptr(HdTicket) assigned = hd_store_assign_ticket (f->disp, 1, 0, "tech1", NULL);
  g_autoptr(HdTicket) result = NULL;
  g_autoptr(HdTicket) now = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = hd_store_get_db (f->tech1);

  g_assert_nonnull (assigned);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TEMP TRIGGER fail_unassign BEFORE INSERT ON"
                                     " main.ticket_events WHEN NEW.kind = 'assignment'"
                                     " BEGIN SELECT RAISE(ABORT, 'no'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  result = hd_store_escalate_ticket (f->tech1, 1, 0, 2, "Half written?", &error);
  g_assert_nonnull (error);
  g_assert_null (result);
  g_assert_true (sqlite3_get_autocommit (db));

  now = get (f->disp, 1);
  g_assert_cmpint (hd_ticket_get_tier (now), ==, 1);
  g_assert_cmpstr (hd_ticket_get_assignee (now), ==, "tech1");
  g_assert_cmpint (hd_ticket_get_version (now), ==, 2);
  events = events_of (f->disp, 1);
  g_assert_cmpuint (events->len, ==, 3);
}

static void
test_list_by_tier (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HdTicket) t1 = hd_test_file_ticket (f->req1, "one");
  g_autoptr(HdTicket) t2 = hd_test_file_ticket (f->req2, "two");
  g_autoptr(HdTicket) t3 = hd_test_file_ticket (f->req1, "three");
  g_autoptr(HdTicket) up2 = escalate (f->disp, 2, 0, 2, "Tier 2");
  g_autoptr(HdTicket) up3a = escalate (f->disp, 3, 0, 2, "Tier 2");
  g_autoptr(HdTicket) up3b = escalate (f->disp, 3, 0, 3, "Tier 3");
  g_autoptr(GError) error = NULL;
  struct {
    HdStore       *store;
    HdTicketFilter filter;
    const char    *expected;
  } cases[] = {
    { f->disp, { 0 }, "1,2,3" },
    { f->disp, { .tier = 1 }, "1" },
    { f->disp, { .tier = 2 }, "2" },
    { f->disp, { .tier = 3 }, "3" },
    { f->disp, { .tier = 2, .sort = HD_TICKET_SORT_ASSIGNEE }, "2" },
    { f->disp, { .tier = 3, .search = "three" }, "3" },
    { f->req1, { .tier = 3 }, "3" },
    { f->req1, { .tier = 2 }, "" },
  };
  HdTicketFilter bad = { .tier = 4 };
  g_autoptr(GPtrArray) refused = NULL;
  guint count = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *numbers = list_numbers (cases[i].store, &cases[i].filter);

      g_test_message ("case %u", i);
      g_assert_cmpstr (numbers, ==, cases[i].expected);
    }

  g_assert_true (hd_store_count_tickets (f->disp, &cases[2].filter, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1);

  refused = hd_store_list_tickets (f->disp, &bad, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_assert_null (refused);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, hd_test_office_set_up, func, hd_test_office_tear_down)
  ADD ("/tickets/create/fields-and-history", test_create);
  ADD ("/tickets/create/on-behalf", test_create_on_behalf);
  ADD ("/tickets/create/bad-input", test_create_bad_input);
  ADD ("/tickets/create/numbers-never-reused", test_numbers_never_reused);
  ADD ("/tickets/create/never-without-history", test_no_ticket_without_history);
  ADD ("/tickets/update/fields", test_update_fields);
  ADD ("/tickets/update/clear-and-noop", test_update_clears_and_noop);
  ADD ("/tickets/update/conflict", test_update_conflict);
  ADD ("/tickets/update/rules", test_update_rules);
  ADD ("/tickets/update/missing", test_update_missing);
  ADD ("/tickets/assign/history", test_assign);
  ADD ("/tickets/assign/refusals", test_assign_refusals);
  ADD ("/tickets/status/lifecycle", test_status_lifecycle);
  ADD ("/tickets/status/requester-limits", test_status_requester_limits);
  ADD ("/tickets/comments/first-response-and-notes", test_comments);
  ADD ("/tickets/comments/requester-reopens-pending", test_requester_reply_reopens_pending);
  ADD ("/tickets/comments/refusals", test_comment_refusals);
  ADD ("/tickets/read/visibility", test_visibility);
  ADD ("/tickets/read/filters", test_list_filters);
  ADD ("/tickets/read/by-person", test_list_by_person);
  ADD ("/tickets/read/other-connection", test_changes_seen_by_other_connection);
  ADD ("/tickets/escalate/history-and-unassign", test_escalate);
  ADD ("/tickets/escalate/assignee", test_escalate_assignee);
  ADD ("/tickets/escalate/refusals", test_escalate_refusals);
  ADD ("/tickets/escalate/atomic", test_escalate_atomic);
  ADD ("/tickets/read/by-tier", test_list_by_tier);
#undef ADD

  return g_test_run ();
}
