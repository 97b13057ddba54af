/* test-sla-store.c — SLA deadlines and alerts as the file keeps them
 *
 * Every store runs on a fixed clock (hd_store_set_time_for_testing()) and
 * the helpdesk on a plain calendar, Monday to Friday 09:00–17:00 UTC, so
 * each deadline can be worked out by hand. Monday 23 November 2026 is the
 * first day.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-store-private.h"
#include "hd-test-util.h"

#define CALENDAR "tz UTC; mon-fri 09:00-17:00"

/* 23 is a Monday. */
static gint64
at (int day,
    int hour,
    int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2026, 11, day, hour, minute, 0);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

typedef struct {
  char    *path;
  HdStore *disp;
  HdStore *tech1;
  HdStore *tech2;
  HdStore *req1;
} Fixture;

static void
set_calendar (HdStore    *store,
              const char *text)
{
  g_autoptr(HdCalendar) calendar = NULL;
  g_autoptr(GError) error = NULL;

  calendar = hd_calendar_new_from_string (text, &error);
  g_assert_no_error (error);
  hd_store_set_calendar (store, calendar, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->disp = hd_test_new_helpdesk (&f->path);
  set_calendar (f->disp, CALENDAR);
  f->tech1 = hd_test_open_as (f->path, "tech1");
  f->tech2 = hd_test_open_as (f->path, "tech2");
  f->req1 = hd_test_open_as (f->path, "req1");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->disp);
  g_clear_object (&f->tech1);
  g_clear_object (&f->tech2);
  g_clear_object (&f->req1);
  g_free (f->path);
}

/* Every store of the fixture acts at @now from here on. */
static void
clock_at (Fixture *f,
          gint64   now)
{
  hd_store_set_time_for_testing (f->disp, now);
  hd_store_set_time_for_testing (f->tech1, now);
  hd_store_set_time_for_testing (f->tech2, now);
  hd_store_set_time_for_testing (f->req1, now);
}

static gint64
file_ticket (HdStore    *store,
             const char *title,
             HdPriority  priority)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  draft.title = title;
  draft.priority = priority;
  draft.requester = "req1";
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  return hd_ticket_get_number (ticket);
}

static HdTicket *
reread (HdStore *store,
        gint64   number)
{
  g_autoptr(GError) error = NULL;
  HdTicket *ticket = hd_store_get_ticket (store, number, &error);

  g_assert_no_error (error);
  return ticket;
}

#define assert_due(store, number, due, warn) \
  G_STMT_START { \
    g_autoptr(HdTicket) t_ = reread ((store), (number)); \
    g_assert_cmpint (hd_ticket_get_due_at (t_), ==, (due)); \
    g_assert_cmpint (hd_ticket_get_warn_at (t_), ==, (warn)); \
  } G_STMT_END

static void
set_status (HdStore  *store,
            gint64    number,
            HdStatus  status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_store_set_ticket_status (store, number, 0, status, &error);

  g_assert_no_error (error);
}

static void
assign (HdStore    *store,
        gint64      number,
        const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_store_assign_ticket (store, number, 0, login, &error);

  g_assert_no_error (error);
}

static void
update (HdStore               *store,
        gint64                 number,
        const HdTicketChanges *changes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_store_update_ticket (store, number, 0, changes, &error);

  g_assert_no_error (error);
}

static gint64
sql_int (HdStore    *store,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (hd_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Deadlines follow the ticket */

static void
test_due_on_create (Fixture       *f,
                    gconstpointer  data)
{
  gint64 normal, high, night;

  clock_at (f, at (23, 10, 0));
  /* Normal: respond within 4 h, warn at 75 % (3 h). */
  normal = file_ticket (f->disp, "Printer jams", HD_PRIORITY_NORMAL);
  assert_due (f->disp, normal, at (23, 14, 0), at (23, 13, 0));

  /* High: 1 h, warn at 45 min. */
  high = file_ticket (f->disp, "Server down", HD_PRIORITY_HIGH);
  assert_due (f->disp, high, at (23, 11, 0), at (23, 10, 45));

  /* Filed at night: the clock starts at the next working minute. */
  clock_at (f, at (23, 20, 0));
  night = file_ticket (f->req1, "Mouse broken", HD_PRIORITY_NORMAL);
  assert_due (f->disp, night, at (24, 13, 0), at (24, 12, 0));
}

static void
test_due_pause_resume_resolve (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicketEvent) reply = NULL;
  g_autoptr(HdTicket) paused = NULL;
  gint64 number;

  clock_at (f, at (23, 10, 0));
  number = file_ticket (f->disp, "VPN drops", HD_PRIORITY_NORMAL);

  /* Assigning opens it; the clock ran all along. */
  clock_at (f, at (23, 10, 30));
  assign (f->disp, number, "tech1");
  assert_due (f->disp, number, at (23, 14, 0), at (23, 13, 0));

  /* Pending at 11:00: no deadline while the clock stands still. */
  clock_at (f, at (23, 11, 0));
  set_status (f->tech1, number, HD_STATUS_PENDING);
  assert_due (f->disp, number, 0, 0);
  paused = reread (f->disp, number);
  g_assert_cmpint (hd_ticket_get_due_state (paused, at (23, 20, 0)), ==, HD_SLA_PAUSED);

  /* Back at 15:00 with 1 h used: 3 h left, 2 h today and 1 h tomorrow.
   * The warning (2 h on) falls at the end of Monday's hours. */
  clock_at (f, at (23, 15, 0));
  set_status (f->tech1, number, HD_STATUS_OPEN);
  {
    g_autoptr(HdTicket) resumed = reread (f->disp, number);

    g_assert_cmpint (hd_ticket_get_due_at (resumed), ==, at (24, 10, 0));
    g_assert_cmpint (hd_ticket_get_warn_at (resumed), >, at (23, 16, 59));
    g_assert_cmpint (hd_ticket_get_warn_at (resumed), <=, at (24, 9, 0));
  }

  /* The first response on Tuesday 09:30 stops that clock: the resolution
   * clock (16 h) shows now, 3.5 h used, so 12.5 h left: 7.5 h on Tuesday
   * and 5 h on Wednesday. */
  clock_at (f, at (24, 9, 30));
  reply = hd_store_add_comment (f->tech1, number, "Which office?", FALSE, &error);
  g_assert_no_error (error);
  assert_due (f->disp, number, at (25, 14, 0), at (25, 10, 0));

  /* Resolved: the clock stops, nothing is due. */
  clock_at (f, at (25, 10, 0));
  set_status (f->tech1, number, HD_STATUS_RESOLVED);
  assert_due (f->disp, number, 0, 0);

  /* Reopened on Thursday: the time spent resolved does not count. 12 h
   * were used by Wednesday 10:00 (1 h + 2 h on Monday, 8 h on Tuesday,
   * 1 h on Wednesday), so 4 h are left: due Thursday 13:00. The warning
   * share (12 h) was reached as it was resolved. */
  clock_at (f, at (26, 9, 0));
  set_status (f->disp, number, HD_STATUS_OPEN);
  assert_due (f->disp, number, at (26, 13, 0), at (25, 10, 0));
}

static void
test_due_priority_and_category (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdSlaPolicy) hardware = hd_sla_policy_new (NULL, 15, 120, 50);
  HdTicketChanges urgent = { .set_priority = TRUE, .priority = HD_PRIORITY_URGENT };
  HdTicketChanges category = { .category = "Hardware" };
  HdTicketChanges retitle = { .title = "Printer jams a lot" };
  gint64 number;

  clock_at (f, at (23, 10, 0));
  number = file_ticket (f->disp, "Printer jams", HD_PRIORITY_NORMAL);
  assert_due (f->disp, number, at (23, 14, 0), at (23, 13, 0));

  /* Urgent: 30 min from creation, as if it had always been urgent. */
  clock_at (f, at (23, 10, 10));
  update (f->tech1, number, &urgent);
  assert_due (f->disp, number, at (23, 10, 30), at (23, 10, 22) + 30 * G_USEC_PER_SEC);

  /* Urgent hardware has a policy of its own: 15 min, warn at half. */
  hd_store_set_sla_rule (f->disp, HD_PRIORITY_URGENT, "Hardware", hardware, &error);
  g_assert_no_error (error);
  assert_due (f->disp, number, at (23, 10, 30), at (23, 10, 22) + 30 * G_USEC_PER_SEC);
  update (f->tech1, number, &category);
  assert_due (f->disp, number, at (23, 10, 15), at (23, 10, 7) + 30 * G_USEC_PER_SEC);

  /* A change that moves nothing keeps the deadline, and the version
   * counts only people's changes. */
  update (f->tech1, number, &retitle);
  assert_due (f->disp, number, at (23, 10, 15), at (23, 10, 7) + 30 * G_USEC_PER_SEC);
  {
    g_autoptr(HdTicket) ticket = reread (f->disp, number);

    g_assert_cmpint (hd_ticket_get_version (ticket), ==, 4);
  }
}

static void
test_calendar_change_recomputes (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdCalendar) mornings = NULL;
  g_autoptr(HdCalendar) stored = NULL;
  g_autofree char *text = NULL;
  gint64 open_ticket, pending, version, logged;

  clock_at (f, at (23, 10, 0));
  open_ticket = file_ticket (f->disp, "Printer jams", HD_PRIORITY_NORMAL);
  pending = file_ticket (f->disp, "Which printer?", HD_PRIORITY_NORMAL);
  set_status (f->disp, pending, HD_STATUS_PENDING);
  assert_due (f->disp, open_ticket, at (23, 14, 0), at (23, 13, 0));
  {
    g_autoptr(HdTicket) ticket = reread (f->disp, open_ticket);

    version = hd_ticket_get_version (ticket);
  }

  mornings = hd_calendar_new_from_string ("tz UTC; mon-fri 09:00-12:00", &error);
  g_assert_no_error (error);

  /* Only the dispatcher; nothing changes otherwise. */
  g_assert_false (hd_store_set_calendar (f->tech1, mornings, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (hd_store_set_calendar (f->req1, mornings, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  assert_due (f->disp, open_ticket, at (23, 14, 0), at (23, 13, 0));

  /* 2 h on Monday morning, 2 h on Tuesday. */
  logged = sql_int (f->disp, "SELECT max(seq) FROM change_log");
  clock_at (f, at (23, 10, 5));
  g_assert_true (hd_store_set_calendar (f->disp, mornings, &error));
  g_assert_no_error (error);
  assert_due (f->disp, open_ticket, at (24, 11, 0), at (24, 10, 0));
  assert_due (f->disp, pending, 0, 0);
  g_assert_cmpint (sql_int (f->disp, "SELECT max(seq) FROM change_log"), ==, logged + 1);
  g_assert_cmpint (sql_int (f->disp, "SELECT count(*) FROM change_log WHERE tbl = 'settings'"
                                     " AND kind = 'sla'"), >=, 1);
  /* Derived, not edited: the version stays. */
  {
    g_autoptr(HdTicket) ticket = reread (f->disp, open_ticket);

    g_assert_cmpint (hd_ticket_get_version (ticket), ==, version);
  }

  /* Every desk reads the file's calendar. */
  stored = hd_store_get_calendar (f->tech2, &error);
  g_assert_no_error (error);
  text = hd_calendar_to_string (stored);
  g_assert_cmpstr (text, ==, "tz UTC; mon-fri 09:00-12:00");
}

/* The deadline indexes as the file defines them, one per line. */
static char *
due_indexes (Fixture *f)
{
  return hd_test_query_text (f->path,
                             "SELECT group_concat(name || ': ' || sql, char(10)) FROM"
                             " (SELECT name, sql FROM sqlite_schema"
                             "  WHERE type = 'index' AND tbl_name = 'tickets' ORDER BY name)", NULL);
}

/* Numbers of the open tickets in due order, as @store lists them; with
 * @check, asserts that this is the order of their due_at. */
static char *
by_due (HdStore  *store,
        gboolean  check)
{
  HdTicketFilter filter = { .sort = HD_TICKET_SORT_DUE,
                            .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) |
                                           HD_STATUS_MASK (HD_STATUS_OPEN) };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = hd_store_list_tickets (store, &filter, &error);
  GString *numbers = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < tickets->len; i++)
    {
      HdTicket *ticket = g_ptr_array_index (tickets, i);

      if (check && i > 0)
        g_assert_cmpint (hd_ticket_get_due_at (g_ptr_array_index (tickets, i - 1)), <=,
                         hd_ticket_get_due_at (ticket));
      g_string_append_printf (numbers, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                              hd_ticket_get_number (ticket));
    }
  return g_string_free (numbers, FALSE);
}

/* A change that moves most deadlines builds the deadline indexes again
 * rather than moving their entries one by one: the file keeps exactly
 * its indexes, they agree with the table, and every desk sorts by them —
 * also when the change fails half-way. */
static void
test_calendar_change_rebuilds_indexes (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(HdCalendar) mornings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *indexes = NULL;
  g_autofree char *indexes_after = NULL;
  g_autofree char *integrity = NULL;
  g_autofree char *order = NULL;
  g_autofree char *order_after = NULL;
  g_autofree char *order_failed = NULL;
  HdPriority priorities[] = { HD_PRIORITY_LOW, HD_PRIORITY_URGENT, HD_PRIORITY_NORMAL,
                              HD_PRIORITY_HIGH, HD_PRIORITY_NORMAL, HD_PRIORITY_URGENT };
  gint64 last = 0, last_due, last_warn;
  int rc;

  hd_store_sla_set_rebuild_min_for_testing (1);
  for (guint i = 0; i < G_N_ELEMENTS (priorities); i++)
    {
      clock_at (f, at (23, 9 + i, 30));
      last = file_ticket (f->disp, "Printer jams", priorities[i]);
    }
  indexes = due_indexes (f);
  order = by_due (f->tech2, TRUE);
  {
    g_autoptr(HdTicket) ticket = reread (f->tech1, last);

    last_due = hd_ticket_get_due_at (ticket);
    last_warn = hd_ticket_get_warn_at (ticket);
  }

  /* Fails on the last ticket's write, after the indexes were dropped:
   * nothing of it stays, the indexes included. */
  rc = sqlite3_exec (hd_store_get_db (f->disp),
                     "CREATE TEMP TRIGGER fail_due BEFORE UPDATE OF due_at ON main.tickets"
                     " WHEN new.id = (SELECT max(id) FROM main.tickets)"
                     " BEGIN SELECT RAISE(ABORT, 'the share went away'); END",
                     NULL, NULL, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  mornings = hd_calendar_new_from_string ("tz UTC; mon-fri 07:00-11:00", &error);
  g_assert_no_error (error);
  clock_at (f, at (23, 16, 0));
  g_assert_false (hd_store_set_calendar (f->disp, mornings, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (hd_store_get_db (f->disp), "DROP TRIGGER temp.fail_due",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  indexes_after = due_indexes (f);
  g_assert_cmpstr (indexes_after, ==, indexes);
  order_failed = by_due (f->tech2, TRUE);
  g_assert_cmpstr (order_failed, ==, order);
  assert_due (f->tech1, last, last_due, last_warn);
  g_clear_pointer (&indexes_after, g_free);

  /* Every deadline moves. */
  g_assert_true (hd_store_set_calendar (f->disp, mornings, &error));
  g_assert_no_error (error);
  indexes_after = due_indexes (f);
  g_assert_cmpstr (indexes_after, ==, indexes);
  integrity = hd_test_query_text (f->path, "PRAGMA integrity_check", NULL);
  g_assert_cmpstr (integrity, ==, "ok");
  order_after = by_due (f->tech2, TRUE);
  g_assert_cmpint (strlen (order_after), ==, strlen (order));
  g_assert_cmpint (sql_int (f->tech2, "SELECT count(*) FROM tickets WHERE due_at IS NOT NULL"), ==,
                   G_N_ELEMENTS (priorities));
  {
    g_autoptr(HdTicket) ticket = reread (f->tech1, last);

    g_assert_cmpint (hd_ticket_get_due_at (ticket), !=, last_due);
  }
  hd_store_sla_set_rebuild_min_for_testing (0);
  g_assert_cmpint (sql_int (f->tech2, "SELECT count(*) FROM tickets INDEXED BY tickets_warn"
                                      " WHERE warn_at IS NOT NULL"), ==, G_N_ELEMENTS (priorities));
  g_assert_cmpint (sql_int (f->tech2, "SELECT count(*) FROM tickets INDEXED BY tickets_due"
                                      " WHERE coalesce(due_at, 9223372036854775807) > 0"),
                   ==, G_N_ELEMENTS (priorities));
}

static void
test_policies (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(HdSlaPolicy) network = hd_sla_policy_new (NULL, 20, 240, 80);
  g_autoptr(HdSlaPolicy) backwards = hd_sla_policy_new (NULL, 600, 60, 75);
  g_autoptr(HdSlaPolicy) none = hd_sla_policy_new (NULL, 0, 0, 75);
  g_autoptr(HdSlaPolicy) found = NULL;
  gint64 number;

  /* A new file starts with the engine's defaults. */
  rules = hd_store_list_sla_rules (f->disp, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 4);
  for (int p = HD_PRIORITY_LOW; p <= HD_PRIORITY_URGENT; p++)
    {
      HdSlaRule *rule = g_ptr_array_index (rules, p);
      g_autoptr(HdSlaPolicy) engine = hd_sla_policy_new_default (p);

      g_assert_cmpint (rule->priority, ==, p);
      g_assert_cmpstr (rule->category, ==, "");
      g_assert_cmpstr (rule->policy->name, ==, engine->name);
      g_assert_cmpuint (rule->policy->first_response_minutes, ==, engine->first_response_minutes);
      g_assert_cmpuint (rule->policy->resolution_minutes, ==, engine->resolution_minutes);
      g_assert_cmpuint (rule->policy->warn_percent, ==, engine->warn_percent);
    }
  g_clear_pointer (&rules, g_ptr_array_unref);

  /* Only the dispatcher sets them, and the engine checks them. */
  g_assert_false (hd_store_set_sla_rule (f->tech1, HD_PRIORITY_HIGH, "Network", network, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (hd_store_set_sla_rule (f->disp, HD_PRIORITY_HIGH, NULL, backwards, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (hd_store_set_sla_rule (f->disp, HD_PRIORITY_HIGH, "Bad\ncategory", network,
                                         &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (hd_store_set_sla_rule (f->disp, HD_PRIORITY_HIGH, " Network ", network, &error));
  g_assert_no_error (error);
  rules = hd_store_list_sla_rules (f->tech1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 5);
  g_assert_cmpstr (((HdSlaRule *) g_ptr_array_index (rules, 3))->category, ==, "Network");
  g_assert_cmpuint (((HdSlaRule *) g_ptr_array_index (rules, 3))->policy->warn_percent, ==, 80);

  found = hd_store_get_sla_policy (f->tech1, HD_PRIORITY_HIGH, "Network", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->first_response_minutes, ==, 20);
  g_assert_cmpstr (found->name, ==, "High, Network");
  g_clear_pointer (&found, hd_sla_policy_free);
  found = hd_store_get_sla_policy (f->tech1, HD_PRIORITY_HIGH, "Printers", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->first_response_minutes, ==, 60);
  g_assert_cmpstr (found->name, ==, "High");

  /* Deleting: only a category's own, once. */
  g_assert_false (hd_store_delete_sla_rule (f->tech1, HD_PRIORITY_HIGH, "Network", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (hd_store_delete_sla_rule (f->disp, HD_PRIORITY_HIGH, "", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (hd_store_delete_sla_rule (f->disp, HD_PRIORITY_HIGH, "Network", &error));
  g_assert_no_error (error);
  g_assert_false (hd_store_delete_sla_rule (f->disp, HD_PRIORITY_HIGH, "Network", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* No targets: no deadline, for open tickets at once. */
  clock_at (f, at (23, 10, 0));
  number = file_ticket (f->disp, "Coffee machine", HD_PRIORITY_LOW);
  assert_due (f->disp, number, at (24, 10, 0), at (23, 16, 0));
  g_assert_true (hd_store_set_sla_rule (f->disp, HD_PRIORITY_LOW, NULL, none, &error));
  g_assert_no_error (error);
  assert_due (f->disp, number, 0, 0);
}

/* The at-risk view and the Due order */

/* At Monday 14:30, all normal (4 h, warning at 3 h) unless said:
 *   #1 09:00 due 13:00, breached      #2 10:00 due 14:00, breached
 *   #3 11:00 due 15:00, at risk       #4 12:00 due 16:00, on time
 *   #5 13:00 pending: none            #6 13:30 resolved: none
 *   #7 low, 09:00: due 17:00 (8 h), warning 15:00, on time */
static void
fill_due_mix (Fixture *f)
{
  const struct { int hour, minute; HdPriority priority; } tickets[] = {
    { 9, 0, HD_PRIORITY_NORMAL }, { 10, 0, HD_PRIORITY_NORMAL }, { 11, 0, HD_PRIORITY_NORMAL },
    { 12, 0, HD_PRIORITY_NORMAL }, { 13, 0, HD_PRIORITY_NORMAL }, { 13, 30, HD_PRIORITY_NORMAL },
    { 9, 0, HD_PRIORITY_LOW },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tickets); i++)
    {
      g_autofree char *title = g_strdup_printf ("Ticket %u", i + 1);

      clock_at (f, at (23, tickets[i].hour, tickets[i].minute));
      g_assert_cmpint (file_ticket (f->disp, title, tickets[i].priority), ==, i + 1);
    }

  set_status (f->disp, 5, HD_STATUS_PENDING);
  set_status (f->disp, 6, HD_STATUS_RESOLVED);
}

static char *
numbers_of (GPtrArray *tickets)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < tickets->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            hd_ticket_get_number (g_ptr_array_index (tickets, i)));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
list_numbers (HdStore              *store,
              const HdTicketFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = hd_store_list_tickets (store, filter, &error);

  g_assert_no_error (error);
  return numbers_of (tickets);
}

static guint
count_words (const char *text)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);

  return text[0] != '\0' ? g_strv_length (words) : 0;
}

/* The whole list, and the same read page by page in every page size. */
static void
assert_order (HdStore        *store,
              HdTicketFilter  filter,
              const char     *expected)
{
  g_autofree char *all = list_numbers (store, &filter);
  guint count = 0;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (all, ==, expected);
  hd_store_count_tickets (store, &filter, &count, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, count_words (expected));

  for (guint size = 1; size <= 4; size++)
    {
      g_autoptr(GString) paged = g_string_new (NULL);

      for (guint offset = 0; offset <= count; offset += size)
        {
          g_autofree char *page = NULL;

          filter.offset = offset;
          filter.limit = size;
          page = list_numbers (store, &filter);
          if (page[0] != '\0')
            g_string_append_printf (paged, "%s%s", paged->len > 0 ? " " : "", page);
        }
      g_assert_cmpstr (paged->str, ==, expected);
    }
}

static void
test_at_risk_and_due_sort (Fixture       *f,
                           gconstpointer  data)
{
  gint64 now = at (23, 14, 30);
  HdTicketFilter by_due = { .sort = HD_TICKET_SORT_DUE };
  HdTicketFilter by_due_desc = { .sort = HD_TICKET_SORT_DUE, .descending = TRUE };
  HdTicketFilter at_risk = { .at_risk = TRUE, .now = now };
  HdTicketFilter at_risk_by_due = { .at_risk = TRUE, .now = now, .sort = HD_TICKET_SORT_DUE };
  HdTicketFilter later = { .at_risk = TRUE, .now = at (23, 15, 0) };
  HdTicketFilter mine = { .at_risk = TRUE, .now = now, .assignee = "tech1" };
  HdTicketFilter open_by_due = { .sort = HD_TICKET_SORT_DUE,
                                 .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) |
                                                HD_STATUS_MASK (HD_STATUS_PENDING) };

  fill_due_mix (f);

  /* Tickets without a deadline last, by number; descending is the exact
   * reverse. */
  assert_order (f->disp, by_due, "1 2 3 4 7 5 6");
  assert_order (f->disp, by_due_desc, "6 5 7 4 3 2 1");
  assert_order (f->disp, open_by_due, "1 2 3 4 7 5");

  /* At risk or breached at 14:30; at 15:00 #4 and #7 join. */
  assert_order (f->disp, at_risk, "1 2 3");
  assert_order (f->disp, at_risk_by_due, "1 2 3");
  assert_order (f->disp, later, "1 2 3 4 7");
  assign (f->disp, 2, "tech1");
  assign (f->disp, 4, "tech1");
  assert_order (f->tech1, mine, "2");

  /* Requesters see their own only, at risk or not. */
  {
    g_autoptr(HdStore) req2 = hd_test_open_as (f->path, "req2");

    assert_order (req2, at_risk, "");
    assert_order (f->req1, at_risk, "1 2 3");
  }

  /* What a Due column shows. */
  {
    g_autoptr(HdTicket) t1 = reread (f->disp, 1);
    g_autoptr(HdTicket) t3 = reread (f->disp, 3);
    g_autoptr(HdTicket) t4 = reread (f->disp, 4);
    g_autoptr(HdTicket) t6 = reread (f->disp, 6);

    g_assert_cmpint (hd_ticket_get_due_state (t1, now), ==, HD_SLA_BREACHED);
    g_assert_cmpint (hd_ticket_get_due_state (t3, now), ==, HD_SLA_AT_RISK);
    g_assert_cmpint (hd_ticket_get_due_state (t4, now), ==, HD_SLA_OK);
    g_assert_cmpint (hd_ticket_get_due_state (t6, now), ==, HD_SLA_NONE);
  }
}

static void
test_explain (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) req2 = hd_test_open_as (f->path, "req2");
  g_auto(GStrv) lines = NULL;
  g_autoptr(HdSlaPolicy) policy = NULL;
  HdSlaResult result;
  g_autofree char *joined = NULL;

  fill_due_mix (f);

  lines = hd_store_explain_sla (f->req1, 5, at (23, 14, 30), &error);
  g_assert_no_error (error);
  joined = g_strjoinv ("\n", lines);
  g_test_message ("%s", joined);
  g_assert_true (g_str_has_prefix (lines[0], "Policy: Normal"));
  g_assert_nonnull (strstr (joined, "Waiting on the requester since"));
  g_assert_nonnull (strstr (joined, "First response: paused"));

  g_assert_true (hd_store_get_sla (f->disp, 1, at (23, 14, 30), &result, &policy, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (policy->name, ==, "Normal");
  g_assert_cmpint (result.response.state, ==, HD_SLA_BREACHED);
  g_assert_cmpint (result.response.due, ==, at (23, 13, 0));

  /* Whoever may not see the ticket may not read its deadlines: for them
   * it does not exist. */
  g_clear_pointer (&lines, g_strfreev);
  lines = hd_store_explain_sla (req2, 5, 0, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_null (lines);
  g_clear_error (&error);
  g_assert_false (hd_store_get_sla (req2, 5, 0, &result, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hd_store_get_sla (f->disp, 99, 0, &result, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
}

/* Alerts */

static GPtrArray *
take (HdStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *alerts = hd_store_take_alerts (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (alerts);
  return alerts;
}

static void
test_assignment_alert (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *summary = NULL;
  HdAlert *alert;

  clock_at (f, at (23, 10, 0));
  file_ticket (f->disp, "Printer <jams>", HD_PRIORITY_NORMAL);
  file_ticket (f->disp, "VPN drops", HD_PRIORITY_NORMAL);
  file_ticket (f->disp, "Screen flickers", HD_PRIORITY_NORMAL);

  clock_at (f, at (23, 10, 5));
  assign (f->disp, 1, "tech1");

  /* Listing marks nothing. */
  listed = hd_store_list_alerts (f->tech1, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpint (hd_alert_get_delivered_at (g_ptr_array_index (listed, 0)), ==, 0);

  /* Exactly one, with what a notification needs. */
  alerts = take (f->tech1);
  g_assert_cmpuint (alerts->len, ==, 1);
  alert = g_ptr_array_index (alerts, 0);
  g_assert_cmpint (hd_alert_get_kind (alert), ==, HD_ALERT_ASSIGNED);
  g_assert_cmpint (hd_alert_get_ticket_number (alert), ==, 1);
  g_assert_cmpstr (hd_alert_get_ticket_title (alert), ==, "Printer <jams>");
  g_assert_cmpstr (hd_alert_get_actor (alert), ==, "disp");
  g_assert_cmpint (hd_alert_get_deadline (alert), ==, at (23, 10, 5));
  g_assert_cmpint (hd_alert_get_delivered_at (alert), ==, at (23, 10, 5));
  summary = hd_alert_dup_summary (alert);
  g_assert_cmpstr (summary, ==, "Ticket #1 “Printer <jams>” was assigned to you by disp");
  g_clear_pointer (&alerts, g_ptr_array_unref);

  alerts = take (f->tech1);
  g_assert_cmpuint (alerts->len, ==, 0);
  g_clear_pointer (&alerts, g_ptr_array_unref);
  alerts = take (f->disp);
  g_assert_cmpuint (alerts->len, ==, 0);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  /* Nobody is alerted about their own change. */
  assign (f->tech1, 2, "tech1");
  assign (f->disp, 3, "disp");
  g_assert_cmpint (sql_int (f->disp, "SELECT count(*) FROM alerts"), ==, 1);

  /* Assigned again later: a new alert. */
  clock_at (f, at (23, 11, 0));
  assign (f->disp, 1, "tech2");
  clock_at (f, at (23, 11, 5));
  assign (f->disp, 1, "tech1");
  alerts = take (f->tech1);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpint (hd_alert_get_deadline (g_ptr_array_index (alerts, 0)), ==, at (23, 11, 5));
  g_clear_pointer (&alerts, g_ptr_array_unref);

  /* tech2's alert went stale before any desktop of theirs took it: it is
   * marked delivered but not shown. */
  alerts = take (f->tech2);
  g_assert_cmpuint (alerts->len, ==, 0);
  g_assert_cmpint (sql_int (f->disp, "SELECT count(*) FROM alerts WHERE delivered_at IS NULL"),
                   ==, 0);

  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = hd_store_list_alerts (f->tech1, FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpint (hd_alert_get_deadline (g_ptr_array_index (listed, 0)), ==, at (23, 11, 5));
}

static gint64
count_alerts (HdStore    *store,
              const char *kind,
              const char *login,
              gint64      ticket)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM alerts a JOIN people p"
                                          " ON p.id = a.recipient_id WHERE a.kind = '%s'"
                                          " AND p.login = '%s' AND a.ticket_id = %" G_GINT64_FORMAT,
                                          kind, login, ticket);

  return sql_int (store, sql);
}

static void
test_due_alerts (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(HdStore) disp2 = NULL;
  HdPersonDraft second = { .login = "disp2", .name = "Second", .role = HD_ROLE_DISPATCHER,
                           .tier = 1 };
  HdPersonDraft gone = { .login = "disp3", .name = "Gone", .role = HD_ROLE_DISPATCHER,
                         .tier = 1 };
  HdPersonChanges deactivate = HD_PERSON_CHANGES_INIT;
  guint raised = 99;
  gint64 logged;

  g_object_unref (hd_store_add_person (f->disp, &second, &error));
  g_assert_no_error (error);
  g_object_unref (hd_store_add_person (f->disp, &gone, &error));
  g_assert_no_error (error);
  deactivate.active = 0;
  g_object_unref (hd_store_update_person (f->disp, "disp3", &deactivate, &error));
  g_assert_no_error (error);

  fill_due_mix (f);
  assign (f->disp, 1, "tech1");
  assign (f->disp, 3, "tech2");
  g_clear_pointer (&alerts, g_ptr_array_unref);
  alerts = take (f->tech1);
  g_clear_pointer (&alerts, g_ptr_array_unref);
  alerts = take (f->tech2);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  /* Nothing due at 11:00: nothing written. */
  logged = sql_int (f->disp, "SELECT max(seq) FROM change_log");
  g_assert_true (hd_store_raise_due_alerts (f->tech1, at (23, 11, 0), &raised, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (raised, ==, 0);
  g_assert_cmpint (sql_int (f->disp, "SELECT max(seq) FROM change_log"), ==, logged);

  /* 14:30: breaches of #1 and #2, the warning of #3, to the assignee and
   * each active dispatcher. */
  g_assert_true (hd_store_raise_due_alerts (f->tech1, at (23, 14, 30), &raised, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (raised, ==, 8);
  g_assert_cmpint (count_alerts (f->disp, "sla-breach", "tech1", 1), ==, 1);
  g_assert_cmpint (count_alerts (f->disp, "sla-breach", "disp", 1), ==, 1);
  g_assert_cmpint (count_alerts (f->disp, "sla-breach", "disp2", 1), ==, 1);
  g_assert_cmpint (count_alerts (f->disp, "sla-breach", "disp3", 1), ==, 0);
  g_assert_cmpint (count_alerts (f->disp, "sla-warning", "disp", 1), ==, 0);
  g_assert_cmpint (count_alerts (f->disp, "sla-breach", "disp", 2), ==, 1);
  g_assert_cmpint (count_alerts (f->disp, "sla-breach", "disp2", 2), ==, 1);
  g_assert_cmpint (count_alerts (f->disp, "sla-warning", "tech2", 3), ==, 1);
  g_assert_cmpint (count_alerts (f->disp, "sla-warning", "disp", 3), ==, 1);
  g_assert_cmpint (count_alerts (f->disp, "sla-warning", "disp2", 3), ==, 1);
  g_assert_cmpint (sql_int (f->disp, "SELECT count(*) FROM alerts WHERE kind != 'assigned'"), ==, 8);
  g_assert_cmpint (sql_int (f->disp, "SELECT max(seq) FROM change_log"), ==, logged + 1);

  /* Again, from another desktop: the same rows. */
  disp2 = hd_test_open_as (f->path, "disp2");
  g_assert_true (hd_store_raise_due_alerts (disp2, at (23, 14, 31), &raised, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (raised, ==, 0);
  g_assert_cmpint (sql_int (f->disp, "SELECT count(*) FROM alerts WHERE kind != 'assigned'"), ==, 8);

  /* Each gets theirs, with the deadline. */
  alerts = take (f->tech2);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpint (hd_alert_get_kind (g_ptr_array_index (alerts, 0)), ==, HD_ALERT_SLA_WARNING);
  g_assert_cmpint (hd_alert_get_deadline (g_ptr_array_index (alerts, 0)), ==, at (23, 15, 0));
  g_assert_null (hd_alert_get_actor (g_ptr_array_index (alerts, 0)));
  g_clear_pointer (&alerts, g_ptr_array_unref);
  alerts = take (disp2);
  g_assert_cmpuint (alerts->len, ==, 3);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  /* #3 breaches at 15:00; #4 and #7 reach their warnings. */
  g_assert_true (hd_store_raise_due_alerts (f->disp, at (23, 15, 0), &raised, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (raised, ==, 3 + 2 + 2);
  g_assert_cmpint (count_alerts (f->disp, "sla-breach", "tech2", 3), ==, 1);

  /* A pause moves the deadline: a resumed ticket is alerted again for its
   * new one, a paused one not at all. */
  clock_at (f, at (23, 15, 10));
  set_status (f->disp, 4, HD_STATUS_PENDING);
  g_assert_true (hd_store_raise_due_alerts (f->disp, at (23, 16, 0), &raised, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (raised, ==, 0);
}

/* Two desktops of one person take at once: each alert reaches one. */

typedef struct {
  const char *path;
  GPtrArray  *ids;     /* gint64 *, the alerts this thread got */
  GMutex     *start;
} Taker;

static gpointer
take_thread (gpointer data)
{
  Taker *taker = data;
  g_autoptr(HdStore) store = hd_test_open_as (taker->path, "tech1");

  g_mutex_lock (taker->start);
  g_mutex_unlock (taker->start);

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) alerts = hd_store_take_alerts (store, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < alerts->len; i++)
        g_ptr_array_add (taker->ids,
                         g_memdup2 (&(gint64) { hd_alert_get_id (g_ptr_array_index (alerts, i)) },
                                    sizeof (gint64)));
      g_usleep (g_random_int_range (0, 2000));
    }

  return NULL;
}

static void
test_take_concurrently (Fixture       *f,
                        gconstpointer  data)
{
  const guint n = 40;
  Taker takers[2];
  GThread *threads[2];
  GMutex start;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);
  g_autoptr(HdStore) feeder = hd_test_open_as (f->path, "disp");

  g_mutex_init (&start);
  for (guint i = 0; i < n / 2; i++)
    {
      g_autofree char *title = g_strdup_printf ("Ticket %u", i + 1);
      g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->disp, title);

      assign (f->disp, hd_ticket_get_number (ticket), "tech1");
    }

  g_mutex_lock (&start);
  for (guint t = 0; t < 2; t++)
    {
      takers[t].path = f->path;
      takers[t].ids = g_ptr_array_new_with_free_func (g_free);
      takers[t].start = &start;
      threads[t] = g_thread_new ("taker", take_thread, &takers[t]);
    }
  g_mutex_unlock (&start);

  /* More arrive while they take. */
  for (guint i = n / 2; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Ticket %u", i + 1);
      g_autoptr(HdTicket) ticket = hd_test_file_ticket (feeder, title);

      assign (feeder, hd_ticket_get_number (ticket), "tech1");
    }

  for (guint t = 0; t < 2; t++)
    g_thread_join (threads[t]);

  /* Whatever is left, a third desktop takes. */
  {
    g_autoptr(GPtrArray) rest = take (f->tech1);

    for (guint i = 0; i < rest->len; i++)
      g_ptr_array_add (takers[0].ids,
                       g_memdup2 (&(gint64) { hd_alert_get_id (g_ptr_array_index (rest, i)) },
                                  sizeof (gint64)));
  }

  for (guint t = 0; t < 2; t++)
    {
      g_test_message ("desktop %u took %u alerts", t, takers[t].ids->len);
      for (guint i = 0; i < takers[t].ids->len; i++)
        {
          gint64 *id = g_ptr_array_index (takers[t].ids, i);

          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, id);
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);

  for (guint t = 0; t < 2; t++)
    g_ptr_array_unref (takers[t].ids);
  g_mutex_clear (&start);
}

/* The file */

static void
test_recompute_and_calendar_setting (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint changed = 99;
  gint64 number;

  clock_at (f, at (23, 10, 0));
  number = file_ticket (f->disp, "Printer jams", HD_PRIORITY_NORMAL);

  /* Nothing moved: nothing written. */
  g_assert_true (hd_store_recompute_due (f->tech1, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 0);

  /* Another tool's edit is put right. */
  g_assert_cmpint (sqlite3_exec (hd_store_get_db (f->disp),
                                 "UPDATE tickets SET due_at = NULL, warn_at = NULL", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  g_assert_true (hd_store_recompute_due (f->tech1, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  assert_due (f->disp, number, at (23, 14, 0), at (23, 13, 0));

  g_assert_cmpint (sql_int (f->disp, "SELECT count(*) FROM settings WHERE key = 'sla.calendar'"
                                     " AND value = '" CALENDAR "'"), ==, 1);
}

/* Changes underneath a recomputation: it works the deadlines out before
 * it takes the write lock, then must write what is true when it holds it. */

typedef struct {
  Fixture *f;
  guint    calls;
  guint    act_on;     /* change the file on these calls (bits, from 1) */
  void   (*act) (Fixture *f);
} Underneath;

static void
underneath_cb (gpointer data)
{
  Underneath *u = data;

  u->calls++;
  if (u->act_on & (1u << u->calls))
    u->act (u->f);
}

static void
set_mornings (Fixture     *f,
              Underneath  *u)
{
  hd_store_sla_set_between_for_testing (underneath_cb, u);
  set_calendar (f->disp, "tz UTC; mon-fri 09:00-12:00");
  hd_store_sla_set_between_for_testing (NULL, NULL);
}

static void
assert_nothing_left (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  guint changed = 99;

  g_assert_true (hd_store_recompute_due (f->disp, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 0);
}

/* Ticket 1 becomes high, ticket 2 pending, and ticket 3 is filed (on the
 * old calendar), all by another desk. */
static void
change_tickets (Fixture *f)
{
  HdTicketChanges high = { .set_priority = TRUE, .priority = HD_PRIORITY_HIGH };

  update (f->tech1, 1, &high);
  set_status (f->tech1, 2, HD_STATUS_PENDING);
  g_assert_cmpint (file_ticket (f->tech1, "Scanner", HD_PRIORITY_NORMAL), ==, 3);
  assert_due (f->tech1, 3, at (23, 14, 0), at (23, 13, 0));
}

static void
test_recompute_tickets_changed_underneath (Fixture       *f,
                                           gconstpointer  data)
{
  Underneath u = { f, 0, 1u << 1, change_tickets };

  clock_at (f, at (23, 10, 0));
  file_ticket (f->disp, "Printer jams", HD_PRIORITY_NORMAL);
  file_ticket (f->disp, "Which printer?", HD_PRIORITY_NORMAL);

  /* Normal on mornings: 2 h on Monday, 2 h on Tuesday; high: 1 h. The
   * changed tickets are worked out again under the lock, as they are
   * now, without starting over. */
  set_mornings (f, &u);
  g_assert_cmpuint (u.calls, ==, 1);
  assert_due (f->disp, 1, at (23, 11, 0), at (23, 10, 45));
  assert_due (f->disp, 2, 0, 0);
  assert_due (f->disp, 3, at (24, 11, 0), at (24, 10, 0));
  assert_nothing_left (f);
}

/* Another dispatcher sets the normal policy to 2 h and 8 h. */
static void
change_policy (Fixture *f)
{
  g_autoptr(HdStore) other = hd_test_open_as (f->path, "disp");
  g_autoptr(HdSlaPolicy) policy = hd_sla_policy_new (NULL, 120, 480, 75);
  g_autoptr(GError) error = NULL;

  hd_store_set_time_for_testing (other, at (23, 10, 0));
  g_assert_true (hd_store_set_sla_rule (other, HD_PRIORITY_NORMAL, NULL, policy, &error));
  g_assert_no_error (error);
}

static void
test_recompute_settings_changed_underneath (Fixture       *f,
                                            gconstpointer  data)
{
  Underneath u = { f, 0, 1u << 1, change_policy };

  clock_at (f, at (23, 10, 0));
  file_ticket (f->disp, "Printer jams", HD_PRIORITY_NORMAL);

  /* The policy's own recomputation runs in between; the calendar's starts
   * again, and its deadlines follow both changes: 2 h on Monday morning. */
  set_mornings (f, &u);
  g_assert_cmpuint (u.calls, ==, 3);
  assert_due (f->disp, 1, at (23, 12, 0), at (23, 11, 30));
  assert_nothing_left (f);
}

/* Another tool makes ticket 1 urgent and leaves no change_log row. */
static void
change_without_log (Fixture *f)
{
  g_assert_cmpint (sqlite3_exec (hd_store_get_db (f->tech2),
                                 "UPDATE tickets SET priority = 'urgent' WHERE id = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_recompute_unlogged_write_underneath (Fixture       *f,
                                          gconstpointer  data)
{
  Underneath u = { f, 0, 1u << 1, change_without_log };

  clock_at (f, at (23, 10, 0));
  file_ticket (f->disp, "Printer jams", HD_PRIORITY_NORMAL);

  /* Urgent: 30 min, warn at 22.5. */
  set_mornings (f, &u);
  g_assert_cmpuint (u.calls, ==, 2);
  assert_due (f->disp, 1, at (23, 10, 30), at (23, 10, 22) + 30 * G_USEC_PER_SEC);
  assert_nothing_left (f);
}

/* Something that may matter changes every time it looks. */
static void
change_settings_row (Fixture *f)
{
  g_assert_cmpint (sqlite3_exec (hd_store_get_db (f->tech2),
                                 "INSERT INTO change_log (at, tbl, row_id, kind)"
                                 " VALUES (0, 'settings', 0, 'test');"
                                 "UPDATE tickets SET priority = 'high' WHERE id = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_recompute_gives_up_on_optimism (Fixture       *f,
                                     gconstpointer  data)
{
  Underneath u = { f, 0, ~0u, change_settings_row };

  clock_at (f, at (23, 10, 0));
  file_ticket (f->disp, "Printer jams", HD_PRIORITY_NORMAL);

  /* After three tries it works under the lock, where nothing can change. */
  set_mornings (f, &u);
  g_assert_cmpuint (u.calls, ==, 3);
  assert_due (f->disp, 1, at (23, 11, 0), at (23, 10, 45));
  assert_nothing_left (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sla-store/due/create", test_due_on_create);
  ADD ("/sla-store/due/pause-resume-resolve", test_due_pause_resume_resolve);
  ADD ("/sla-store/due/priority-and-category", test_due_priority_and_category);
  ADD ("/sla-store/due/calendar-change", test_calendar_change_recomputes);
  ADD ("/sla-store/due/calendar-change-indexes", test_calendar_change_rebuilds_indexes);
  ADD ("/sla-store/due/recompute", test_recompute_and_calendar_setting);
  ADD ("/sla-store/due/underneath/tickets", test_recompute_tickets_changed_underneath);
  ADD ("/sla-store/due/underneath/settings", test_recompute_settings_changed_underneath);
  ADD ("/sla-store/due/underneath/unlogged", test_recompute_unlogged_write_underneath);
  ADD ("/sla-store/due/underneath/always", test_recompute_gives_up_on_optimism);
  ADD ("/sla-store/policies", test_policies);
  ADD ("/sla-store/list/at-risk-and-due-sort", test_at_risk_and_due_sort);
  ADD ("/sla-store/explain", test_explain);
  ADD ("/sla-store/alerts/assignment", test_assignment_alert);
  ADD ("/sla-store/alerts/due", test_due_alerts);
  ADD ("/sla-store/alerts/take-concurrently", test_take_concurrently);
#undef ADD

  return g_test_run ();
}
