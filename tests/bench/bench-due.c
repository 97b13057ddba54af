/* bench-due.c — how long the file takes to keep SLA deadlines and alerts
 *
 * Seeds a helpdesk file with TICKETS open tickets (100 000 unless --tickets
 * says otherwise) in one transaction of plain inserts: created at random in
 * the 30 days before now, most assigned (opened) within a day, some pending
 * or pending and open again, under the four default policies, on a Berlin
 * calendar with a lunch break. The tickets have REPLIES replies and notes
 * each on average (3 unless --replies says otherwise), a few hundred
 * characters each, to tickets at random: the history a deadline is worked
 * out from sits among them, as in a file in use. The ticket search index
 * is not kept up for them; this benchmark does not search. Then it times,
 * on that file:
 *
 *   - hd_store_recompute_due() when every deadline is new (it writes every
 *     open ticket) and again when none moved (it only reads and computes);
 *   - a change of the calendar (hd_store_set_calendar(): every open ticket
 *     moves) and of one priority's policy (hd_store_set_sla_rule()), each
 *     with how long it held the write lock: from the end of its BEGIN
 *     IMMEDIATE to the end of its COMMIT, as SQLite's profile of those
 *     statements on the store's connection says;
 *   - hd_store_raise_due_alerts() when nothing is due (an index probe), when
 *     about 1 000 tickets have just become due (it stores their alerts), and
 *     once more at that moment (nothing new: a probe over those 1 000);
 *   - the first page of the list sorted by due, and the at-risk count.
 *
 * Every figure is one line
 *
 *   bench: due <what> <value> <unit>
 *
 * Run: _build/tests/bench/bench-due [--tickets N] [--dir DIR]
 *
 * With --dir the file stays there, and a later run with the same --dir
 * uses it again instead of seeding (its deadlines are cleared first, so
 * the first recomputation writes every one again).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hd-store-private.h"

#define SEED 20261123
#define DAY_USEC (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define MINUTE_USEC (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

static void
report (const char *what,
        double      value,
        const char *unit)
{
  printf ("bench: due %s %.*f %s\n", what, value >= 100 ? 0 : 2, value, unit);
  fflush (stdout);
}

static G_NORETURN void
die (const char   *what,
     const GError *error)
{
  g_printerr ("bench-due: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_printerr ("bench-due: %s: %s\n", sql, message);
      exit (1);
    }
}

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-due: %s: %s\n", sql, sqlite3_errmsg (db));
      exit (1);
    }
  return stmt;
}

static void
step_or_die (sqlite3      *db,
             sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_printerr ("bench-due: insert: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
  sqlite3_reset (stmt);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = prepare_or_die (db, sql);
  gint64 value = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;

  sqlite3_finalize (stmt);
  return value;
}

static void
add_status (sqlite3      *db,
            sqlite3_stmt *event,
            gint64        ticket,
            gint64        at,
            const char   *from,
            const char   *to)
{
  sqlite3_bind_int64 (event, 1, ticket);
  sqlite3_bind_int64 (event, 2, at);
  sqlite3_bind_text (event, 3, "status", -1, SQLITE_STATIC);
  sqlite3_bind_text (event, 4, "status", -1, SQLITE_STATIC);
  sqlite3_bind_text (event, 5, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (event, 6, to, -1, SQLITE_STATIC);
  step_or_die (db, event);
}

/* The text of a reply: a few hundred characters of words. */
static char *
reply_text (GRand *rand)
{
  static const char *const words[] = {
    "printer", "the", "screen", "restarted", "again", "thanks", "please", "check", "cable",
    "network", "it", "works", "now", "still", "not", "after", "update", "password", "tried",
  };
  GString *text = g_string_new (NULL);
  int length = g_rand_int_range (rand, 150, 700);

  while ((int) text->len < length)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "",
                            words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
  return g_string_free (text, FALSE);
}

/* @sql with the triggers that copy replies and notes into the ticket
 * search index set aside: one index update per reply would take most of
 * the seeding. They are made again as they were. */
static void
exec_without_search_triggers (sqlite3 *db,
                              void   (*insert) (sqlite3 *db, gpointer data),
                              gpointer data)
{
  static const char *const names[] = { "tickets_fts_reply", "tickets_fts_internal" };
  char *create[G_N_ELEMENTS (names)] = { NULL, };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      sqlite3_stmt *stmt = prepare_or_die (db, "SELECT sql FROM sqlite_schema"
                                               " WHERE type = 'trigger' AND name = ?");
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER %s", names[i]);

      sqlite3_bind_text (stmt, 1, names[i], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        create[i] = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      if (create[i] != NULL)
        exec_or_die (db, drop);
    }

  insert (db, data);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (create[i] != NULL)
      {
        exec_or_die (db, create[i]);
        g_free (create[i]);
      }
}

typedef struct {
  int     n_tickets;
  double  replies;
  gint64  now;
} Seed;

static void insert_tickets (sqlite3 *db, gpointer data);

/* One transaction of plain inserts: the store's own calls would take an
 * fsync per ticket. */
static void
seed (HdStore *store,
      int      n_tickets,
      double   replies,
      gint64   now)
{
  Seed what = { n_tickets, replies, now };
  sqlite3 *db = hd_store_get_db (store);

  exec_or_die (db, "PRAGMA synchronous = OFF; BEGIN IMMEDIATE");
  exec_without_search_triggers (db, insert_tickets, &what);
  /* No ANALYZE: files in use have no statistics either. */
  exec_or_die (db, "COMMIT; PRAGMA synchronous = FULL");
}

static void
insert_tickets (sqlite3  *db,
                gpointer  data)
{
  const Seed *what = data;
  int n_tickets = what->n_tickets;
  gint64 now = what->now;
  static const char *const priorities[] = { "low", "normal", "high", "urgent" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  sqlite3_stmt *ticket, *event, *set, *said;
  gint64 tech = query_int (db, "SELECT id FROM people WHERE login = 'tech'");
  gint64 requester = query_int (db, "SELECT id FROM people WHERE login = 'req'");

  ticket = prepare_or_die (db, "INSERT INTO tickets (title, status, priority, requester_id,"
                               " assignee_id, created_at, updated_at, first_response_at)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  event = prepare_or_die (db, "INSERT INTO ticket_events (ticket_id, at, actor_id, kind,"
                              " field, old_value, new_value) VALUES (?, ?, 1, ?, ?, ?, ?)");
  set = prepare_or_die (db, "UPDATE tickets SET status = ? WHERE id = ?");
  said = prepare_or_die (db, "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, body)"
                             " VALUES (?, ?, ?, ?, ?)");

  for (int i = 0; i < n_tickets; i++)
    {
      g_autofree char *title = g_strdup_printf ("Ticket %d", i + 1);
      gint64 created = now - (gint64) (g_rand_double (rand) * 30 * DAY_USEC);
      gint64 at = created + g_rand_int_range (rand, 1, 24 * 60) * MINUTE_USEC;
      gint64 reply = created + g_rand_int_range (rand, 5, 8 * 60) * MINUTE_USEC;
      gboolean opened = at < now && g_rand_int_range (rand, 0, 10) < 8;
      guint pauses = opened ? g_rand_int_range (rand, 0, 3) : 0;
      const char *status = opened ? "open" : "new";
      gint64 number;

      sqlite3_bind_text (ticket, 1, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (ticket, 2, "new", -1, SQLITE_STATIC);
      sqlite3_bind_text (ticket, 3, priorities[g_rand_int_range (rand, 0, 4)], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (ticket, 4, requester);
      if (opened)
        sqlite3_bind_int64 (ticket, 5, tech);
      else
        sqlite3_bind_null (ticket, 5);
      sqlite3_bind_int64 (ticket, 6, created);
      sqlite3_bind_int64 (ticket, 7, created);
      if (opened && reply < now && g_rand_int_range (rand, 0, 10) < 7)
        sqlite3_bind_int64 (ticket, 8, reply);
      else
        sqlite3_bind_null (ticket, 8);
      step_or_die (db, ticket);
      number = sqlite3_last_insert_rowid (db);

      sqlite3_bind_int64 (event, 1, number);
      sqlite3_bind_int64 (event, 2, created);
      sqlite3_bind_text (event, 3, "created", -1, SQLITE_STATIC);
      sqlite3_bind_null (event, 4);
      sqlite3_bind_null (event, 5);
      sqlite3_bind_text (event, 6, title, -1, SQLITE_TRANSIENT);
      step_or_die (db, event);

      if (opened)
        add_status (db, event, number, at, "new", "open");

      for (guint p = 0; p < pauses; p++)
        {
          at += g_rand_int_range (rand, 30, 3 * 24 * 60) * MINUTE_USEC;
          if (at >= now)
            break;
          add_status (db, event, number, at, "open", "pending");
          status = "pending";

          at += g_rand_int_range (rand, 10, 4 * 24 * 60) * MINUTE_USEC;
          if (at >= now)
            break;
          add_status (db, event, number, at, "pending", "open");
          status = "open";
        }

      if (!g_str_equal (status, "new"))
        {
          sqlite3_bind_text (set, 1, status, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (set, 2, number);
          step_or_die (db, set);
        }
    }

  /* The conversations, interleaved as they happen: each reply or note to
   * a ticket drawn at random, so a ticket's history is spread over the
   * table as in a file that has been in use. */
  for (gint64 r = (gint64) (what->replies * n_tickets); r > 0; r--)
    {
      g_autofree char *body = reply_text (rand);
      gboolean note = g_rand_int_range (rand, 0, 4) == 0;

      sqlite3_bind_int64 (said, 1, g_rand_int_range (rand, 1, n_tickets + 1));
      sqlite3_bind_int64 (said, 2, now - g_rand_int_range (rand, 1, 24 * 60) * MINUTE_USEC);
      sqlite3_bind_int64 (said, 3, note || g_rand_boolean (rand) ? tech : requester);
      sqlite3_bind_text (said, 4, note ? "note" : "reply", -1, SQLITE_STATIC);
      sqlite3_bind_text (said, 5, body, -1, SQLITE_TRANSIENT);
      step_or_die (db, said);
    }

  sqlite3_finalize (ticket);
  sqlite3_finalize (event);
  sqlite3_finalize (set);
  sqlite3_finalize (said);
}

static double
ms_since (gint64 started)
{
  return (g_get_monotonic_time () - started) / 1000.0;
}

/* The write lock, as the profile of BEGIN IMMEDIATE and COMMIT or
 * ROLLBACK on the store's connection sees it. */
typedef struct {
  gint64 taken;     /* monotonic µs, 0 while not held */
  double held_ms;   /* the longest hold since the last reset */
} Lock;

static int
lock_trace_cb (unsigned int  type,
               void         *data,
               void         *p,
               void         *x)
{
  Lock *lock = data;
  const char *sql = sqlite3_sql (p);

  if (sql == NULL)
    return 0;

  if (g_ascii_strncasecmp (sql, "BEGIN IMMEDIATE", 15) == 0)
    lock->taken = g_get_monotonic_time ();
  else if (lock->taken != 0 && (g_ascii_strncasecmp (sql, "COMMIT", 6) == 0 ||
                                g_ascii_strncasecmp (sql, "ROLLBACK", 8) == 0))
    {
      lock->held_ms = MAX (lock->held_ms, ms_since (lock->taken));
      lock->taken = 0;
    }

  return 0;
}

/* The processor time this thread has used, in ms: on a computer busy
 * with other work, a steadier figure of the work done than the time it
 * took. */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1.0e6;
}

/* Times @what, then reports it, the processor time it used and how long
 * it held the lock. */
#define TIMED(lock, name, call) \
  G_STMT_START { \
    gint64 started_ = g_get_monotonic_time (); \
    double cpu_started_ = cpu_ms (); \
    (lock)->held_ms = 0; \
    if (!(call)) \
      die (name, error); \
    report (name, ms_since (started_), "ms"); \
    report (name "-cpu", cpu_ms () - cpu_started_, "ms"); \
    report (name "-lock", (lock)->held_ms, "ms"); \
  } G_STMT_END

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *keep_dir = NULL;
  HdPersonDraft tech = { .login = "tech", .name = "Tech", .role = HD_ROLE_TECHNICIAN, .tier = 1 };
  HdPersonDraft req = { .login = "req", .name = "Req", .role = HD_ROLE_REQUESTER };
  int n_tickets = 100000;
  double replies = 3;
  guint changed = 0, raised = 0, count = 0;
  gint64 started, quiet, busy;
  gboolean reuse;
  Lock lock = { 0, };
  double ms;
  GOptionEntry entries[] = {
    { "tickets", 0, 0, G_OPTION_ARG_INT, &n_tickets, "How many open tickets", "N" },
    { "replies", 0, 0, G_OPTION_ARG_DOUBLE, &replies, "Replies and notes per ticket, on average (3)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &keep_dir, "Where to put the file (default: a temporary folder)", "DIR" },
    { NULL }
  };

  context = g_option_context_new ("— time SLA deadlines and alerts in a helpdesk file");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);
  if (n_tickets < 1000)
    die ("--tickets takes 1000 or more", NULL);

  dir = keep_dir != NULL ? g_strdup (keep_dir) : g_dir_make_tmp ("bench-due-XXXXXX", &error);
  if (dir == NULL)
    die ("folder", error);
  path = g_build_filename (dir, "due.db", NULL);
  reuse = keep_dir != NULL && g_file_test (path, G_FILE_TEST_EXISTS);
  calendar = hd_calendar_new ("Europe/Berlin", "mon-fri 08:00-12:00,13:00-17:00",
                              "2026-12-24,2026-12-25,2026-12-31", &error);
  if (calendar == NULL)
    die ("calendar", error);

  if (reuse)
    {
      store = hd_store_open (path, "disp", &error);
      if (store == NULL || !hd_store_set_calendar (store, calendar, &error))
        die ("open", error);
      exec_or_die (hd_store_get_db (store), "DELETE FROM alerts; UPDATE tickets SET due_at = NULL, warn_at = NULL");
      n_tickets = (int) query_int (hd_store_get_db (store), "SELECT count(*) FROM tickets");
      report ("seed-reused", 0, "ms");
    }
  else
    {
      store = hd_store_create_full (path, "disp", "Bench", HD_LOCKING_POSIX, &error);
      if (store == NULL)
        die ("create", error);
      g_object_unref (hd_store_add_person (store, &tech, &error));
      g_object_unref (hd_store_add_person (store, &req, &error));
      if (!hd_store_set_calendar (store, calendar, &error))
        die ("calendar", error);

      started = g_get_monotonic_time ();
      seed (store, n_tickets, replies, g_get_real_time ());
      report ("seed", ms_since (started), "ms");
    }
  report ("tickets", n_tickets, "open tickets");
  sqlite3_trace_v2 (hd_store_get_db (store), SQLITE_TRACE_PROFILE, lock_trace_cb, &lock);

  lock.held_ms = 0;
  started = g_get_monotonic_time ();
  if (!hd_store_recompute_due (store, &changed, &error))
    die ("recompute", error);
  ms = ms_since (started);
  report ("recompute-all-new", ms, "ms");
  report ("recompute-all-new-lock", lock.held_ms, "ms");
  report ("recompute-all-new-rate", n_tickets / (ms / 1000.0), "tickets/s");
  report ("recompute-all-new-changed", changed, "tickets");

  lock.held_ms = 0;
  started = g_get_monotonic_time ();
  if (!hd_store_recompute_due (store, &changed, &error))
    die ("recompute", error);
  ms = ms_since (started);
  report ("recompute-unchanged", ms, "ms");
  report ("recompute-unchanged-lock", lock.held_ms, "ms");
  report ("recompute-unchanged-rate", n_tickets / (ms / 1000.0), "tickets/s");
  report ("recompute-unchanged-changed", changed, "tickets");

  {
    g_autoptr(HdCalendar) later = hd_calendar_new ("Europe/Berlin", "mon-fri 08:30-12:00,13:00-17:30",
                                                   "2026-12-24,2026-12-25,2026-12-31", &error);
    g_autoptr(HdSlaPolicy) normal = hd_sla_policy_new ("Normal", 3 * 60, 12 * 60, 80);
    g_autoptr(HdSlaPolicy) normal_again = hd_sla_policy_new_default (HD_PRIORITY_NORMAL);

    TIMED (&lock, "set-calendar", hd_store_set_calendar (store, later, &error));
    TIMED (&lock, "set-calendar-back", hd_store_set_calendar (store, calendar, &error));
    TIMED (&lock, "set-policy", hd_store_set_sla_rule (store, HD_PRIORITY_NORMAL, NULL, normal, &error));
    TIMED (&lock, "set-policy-back",
           hd_store_set_sla_rule (store, HD_PRIORITY_NORMAL, NULL, normal_again, &error));
  }
  sqlite3_trace_v2 (hd_store_get_db (store), 0, NULL, NULL);

  /* Before the first warning, nothing is due; about 1 000 tickets reach
   * theirs by the 1 000th warning. */
  quiet = query_int (hd_store_get_db (store), "SELECT min(warn_at) FROM tickets") - 1;
  busy = query_int (hd_store_get_db (store),
                    "SELECT warn_at FROM tickets WHERE warn_at IS NOT NULL"
                    " ORDER BY warn_at LIMIT 1 OFFSET 999");
  report ("running-with-deadline",
          query_int (hd_store_get_db (store), "SELECT count(*) FROM tickets WHERE warn_at IS NOT NULL"),
          "tickets");

  started = g_get_monotonic_time ();
  for (int i = 0; i < 100; i++)
    if (!hd_store_raise_due_alerts (store, quiet, &raised, &error))
      die ("raise", error);
  report ("raise-nothing-due", ms_since (started) / 100, "ms");

  started = g_get_monotonic_time ();
  if (!hd_store_raise_due_alerts (store, busy, &raised, &error))
    die ("raise", error);
  report ("raise-1000-due", ms_since (started), "ms");
  report ("raise-1000-due-alerts", raised, "alerts");

  started = g_get_monotonic_time ();
  if (!hd_store_raise_due_alerts (store, busy, &raised, &error))
    die ("raise", error);
  report ("raise-1000-due-again", ms_since (started), "ms");
  report ("raise-1000-due-again-alerts", raised, "alerts");

  {
    HdTicketFilter by_due = { .sort = HD_TICKET_SORT_DUE, .limit = 100,
                              .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) |
                                             HD_STATUS_MASK (HD_STATUS_OPEN) |
                                             HD_STATUS_MASK (HD_STATUS_PENDING) };
    HdTicketFilter at_risk = { .at_risk = TRUE, .now = busy };
    g_autoptr(GPtrArray) page = NULL;

    started = g_get_monotonic_time ();
    page = hd_store_list_tickets (store, &by_due, &error);
    if (page == NULL)
      die ("list", error);
    report ("first-page-by-due", ms_since (started), "ms");

    started = g_get_monotonic_time ();
    if (!hd_store_count_tickets (store, &at_risk, &count, &error))
      die ("count", error);
    report ("count-at-risk", ms_since (started), "ms");
    report ("at-risk", count, "tickets");
  }

  g_clear_object (&store);
  if (keep_dir == NULL)
    {
      g_autofree char *locking = hd_store_locking_path (path);

      g_unlink (path);
      g_unlink (locking);
      g_rmdir (dir);
    }

  return 0;
}
