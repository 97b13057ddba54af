/* test-crash.c — a writer killed with SIGKILL at random points
 *
 * A worker process (this program, re-run with HD_CRASH_WORKER set to the
 * file) makes changes as fast as it can: new tickets with a 2 KiB
 * description, title edits, replies, assigning and unassigning, moving
 * between open and pending. After its first committed change the parent
 * waits a random 0–30 ms and kills it with SIGKILL, often in the middle of
 * a transaction. After every kill the file must open with the core (SQLite
 * rolls the hot journal back), pass SQLite's integrity check and
 * hd_store_check(), and every ticket must have exactly its history: one
 * "created" event and one change_log row per transaction that touched it,
 * and a version that counts the transactions that changed it.
 *
 * Every row a transaction writes carries the same time stamp (the store
 * takes it once at BEGIN IMMEDIATE), so the distinct event times of a
 * ticket are the transactions that touched it. A field edit, a status
 * change and an assignment bump the version once each, however many events
 * they write (an assignment that also moves the status writes two); a
 * reply bumps it only when it moves a pending ticket back to open, and then
 * it writes a status event too. So: version = 1 + the number of distinct
 * times among the ticket's field, status and assignment events.
 *
 * HD_CRASH_ROUNDS overrides the number of kills (100).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hd-store.h"

#define DEFAULT_ROUNDS 100
#define MAX_SLEEP_US   30000
#define DESCRIPTION_CHARS 2048

/* Worker */

static char *
make_description (guint64 n)
{
  GString *text = g_string_sized_new (DESCRIPTION_CHARS + 64);

  g_string_append_printf (text, "Change %" G_GUINT64_FORMAT " from %d. ", n, (int) getpid ());
  while (text->len < DESCRIPTION_CHARS)
    g_string_append (text, "The printer on the third floor jams on every second page. ");
  g_string_truncate (text, DESCRIPTION_CHARS);
  return g_string_free (text, FALSE);
}

/* Loops until killed; prints one line per committed change ("error: …" for
 * a change that failed, which the parent counts as a failure). */
static int
worker_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "disp", &error);
  HdTicketFilter all = { 0 };
  guint count = 0;
  gint64 tickets;

  if (store == NULL)
    {
      printf ("error: open: %s\n", error->message);
      fflush (stdout);
      return 1;
    }

  hd_store_set_busy_timeout (store, 60000);
  if (!hd_store_count_tickets (store, &all, &count, &error))
    {
      printf ("error: count: %s\n", error->message);
      fflush (stdout);
      return 1;
    }
  tickets = count;

  for (guint64 n = 0; ; n++)
    {
      int op = tickets == 0 ? 0 : g_random_int_range (0, 5);
      gint64 number = tickets == 0 ? 0 : g_random_int_range (1, (gint32) tickets + 1);
      g_autoptr(HdTicket) ticket = NULL;
      g_autoptr(HdTicket) current = NULL;
      g_autoptr(HdTicketEvent) event = NULL;
      gboolean ok = FALSE;

      g_clear_error (&error);
      switch (op)
        {
        case 0:
          {
            g_autofree char *title = g_strdup_printf ("Printer %d-%" G_GUINT64_FORMAT,
                                                      (int) getpid (), n);
            g_autofree char *description = make_description (n);
            HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

            draft.title = title;
            draft.description = description;
            ticket = hd_store_create_ticket (store, &draft, &error);
            if (ticket != NULL)
              tickets = MAX (tickets, hd_ticket_get_number (ticket));
            ok = ticket != NULL;
          }
          break;

        case 1:
          {
            g_autofree char *title = g_strdup_printf ("Edited %d-%" G_GUINT64_FORMAT,
                                                      (int) getpid (), n);
            HdTicketChanges changes = { .title = title };

            ticket = hd_store_update_ticket (store, number, 0, &changes, &error);
            ok = ticket != NULL;
          }
          break;

        case 2:
          {
            g_autofree char *body = g_strdup_printf ("Reply %" G_GUINT64_FORMAT, n);

            event = hd_store_add_comment (store, number, body, FALSE, &error);
            ok = event != NULL;
          }
          break;

        case 3:
          current = hd_store_get_ticket (store, number, &error);
          if (current != NULL)
            ticket = hd_store_assign_ticket (store, number, 0,
                                             hd_ticket_get_assignee (current) == NULL ? "tech1"
                                                                                      : NULL,
                                             &error);
          ok = ticket != NULL;
          break;

        default:
          current = hd_store_get_ticket (store, number, &error);
          if (current != NULL)
            ticket = hd_store_set_ticket_status (store, number, 0,
                                                 hd_ticket_get_status (current) == HD_STATUS_PENDING
                                                   ? HD_STATUS_OPEN : HD_STATUS_PENDING,
                                                 &error);
          ok = ticket != NULL;
          break;
        }

      if (ok)
        printf ("%d\n", op);
      else
        printf ("error: op %d on #%" G_GINT64_FORMAT ": %s\n", op, number,
                error != NULL ? error->message : "?");
      fflush (stdout);
    }

  return 0;
}

/* Parent */

static char *self_path;

typedef enum {
  JOURNAL_NONE,
  JOURNAL_COLD,  /* left by a transaction that had not written the file yet */
  JOURNAL_HOT,   /* the file may hold half a transaction; must be rolled back */
} JournalState;

/* SQLite (synchronous=FULL) writes the journal header with a zeroed magic
 * and fills the magic in only when it syncs the journal, just before it
 * first writes the database file; a journal whose first byte is zero is not
 * hot and SQLite ignores it (and leaves it there until the next write). */
static JournalState
journal_state (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (journal, &contents, &length, NULL))
    return JOURNAL_NONE;

  return length > 0 && contents[0] != 0 ? JOURNAL_HOT : JOURNAL_COLD;
}

static gint64
query_count (sqlite3    *db,
             const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return value;
}

/* Tickets whose history does not match the row: no or several "created"
 * events or change_log rows, a version that does not count the changing
 * transactions, or a change_log row count that does not match the
 * transactions. */
#define BAD_TICKETS_SQL \
  "WITH ev AS (SELECT ticket_id," \
  "                   sum(kind = 'created') AS created," \
  "                   count(DISTINCT at) AS txs," \
  "                   count(DISTINCT CASE WHEN kind IN ('field', 'status', 'assignment')" \
  "                                       THEN at END) AS bumps," \
  "                   sum(kind = 'field') AS fields," \
  "                   sum(kind = 'status') AS statuses," \
  "                   sum(kind = 'assignment') AS assignments" \
  "            FROM ticket_events GROUP BY ticket_id)," \
  "     cl AS (SELECT row_id, count(*) AS n, sum(kind = 'created') AS created" \
  "            FROM change_log WHERE tbl = 'tickets' GROUP BY row_id)," \
  "     paired AS (SELECT s.ticket_id, count(*) AS n FROM ticket_events s" \
  "                JOIN ticket_events a ON a.ticket_id = s.ticket_id AND a.at = s.at" \
  "                 AND a.kind = 'assignment'" \
  "                WHERE s.kind = 'status' GROUP BY s.ticket_id)" \
  " SELECT t.id, t.version, ev.created, cl.created, ev.bumps, ev.txs, cl.n," \
  "        ev.fields, ev.statuses, ev.assignments, paired.n" \
  " FROM tickets t" \
  " LEFT JOIN ev ON ev.ticket_id = t.id" \
  " LEFT JOIN cl ON cl.row_id = t.id" \
  " LEFT JOIN paired ON paired.ticket_id = t.id" \
  " WHERE ev.created IS NOT 1 OR cl.created IS NOT 1" \
  "    OR t.version != 1 + ev.bumps" \
  "    OR t.version != 1 + ev.fields + ev.statuses + ev.assignments - ifnull (paired.n, 0)" \
  "    OR cl.n != ev.txs"

static void
check_history (const char *path,
               guint       round)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int bad = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  g_assert_cmpint (query_count (db,
                                "SELECT count(*) FROM tickets t WHERE NOT EXISTS"
                                " (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id"
                                "  AND e.kind = 'created')"), ==, 0);

  g_assert_cmpint (sqlite3_prepare_v2 (db, BAD_TICKETS_SQL, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (bad++ < 10)
        g_printerr ("round %u: ticket #%lld: version %lld, created events %s, created"
                    " change_log rows %s, version-bumping transactions %s, transactions %s,"
                    " change_log rows %s, field/status/assignment events %s/%s/%s,"
                    " status events paired with an assignment %s\n",
                    round, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                    sqlite3_column_text (stmt, 2), sqlite3_column_text (stmt, 3),
                    sqlite3_column_text (stmt, 4), sqlite3_column_text (stmt, 5),
                    sqlite3_column_text (stmt, 6), sqlite3_column_text (stmt, 7),
                    sqlite3_column_text (stmt, 8), sqlite3_column_text (stmt, 9),
                    sqlite3_column_text (stmt, 10));
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (bad, ==, 0);

  /* Every ticket change_log row has events from the same transaction, and
   * every event a change_log row; no history for tickets that are gone. */
  g_assert_cmpint (query_count (db,
                                "SELECT count(*) FROM (SELECT row_id, at FROM change_log"
                                " WHERE tbl = 'tickets' EXCEPT"
                                " SELECT ticket_id, at FROM ticket_events)"), ==, 0);
  g_assert_cmpint (query_count (db,
                                "SELECT count(*) FROM (SELECT ticket_id, at FROM ticket_events"
                                " EXCEPT SELECT row_id, at FROM change_log"
                                " WHERE tbl = 'tickets')"), ==, 0);
  g_assert_cmpint (query_count (db,
                                "SELECT count(*) FROM ticket_events e WHERE NOT EXISTS"
                                " (SELECT 1 FROM tickets t WHERE t.id = e.ticket_id)"), ==, 0);

  sqlite3_close (db);
}

static void
check_file (const char *path,
            guint       round)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  store = hd_store_open (path, "disp", &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  g_assert_true (hd_store_check (store, &problems, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("round %u: hd_store_check: %s\n", round,
                (const char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);

  /* Opening rolled a hot journal back. */
  g_assert_cmpint (journal_state (path), !=, JOURNAL_HOT);

  check_history (path, round);
}

typedef struct {
  guint   rounds;
  guint64 changes;
  guint   cold_journals;
  guint   hot_journals;
} Totals;

static void
run_round (const char *path,
           guint       round,
           Totals     *totals)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) worker = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  char *line;
  guint changes = 0;
  guint errors = 0;

  g_subprocess_launcher_setenv (launcher, "HD_CRASH_WORKER", path, TRUE);
  worker = g_subprocess_launcher_spawn (launcher, &error, self_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (worker));

  /* Running: it has committed a change. */
  first = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_false (g_str_has_prefix (first, "error"));
  changes++;

  g_usleep (g_test_rand_int_range (0, MAX_SLEEP_US + 1));
  g_subprocess_force_exit (worker);
  g_subprocess_wait (worker, NULL, &error);
  g_assert_no_error (error);
  /* Killed, not ended on its own. */
  g_assert_true (g_subprocess_get_if_signaled (worker));
  g_assert_cmpint (g_subprocess_get_term_sig (worker), ==, SIGKILL);

  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      if (g_str_has_prefix (line, "error"))
        {
          g_printerr ("round %u: worker: %s\n", round, line);
          errors++;
        }
      else
        changes++;
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (errors, ==, 0);

  switch (journal_state (path))
    {
    case JOURNAL_HOT:
      totals->hot_journals++;
      break;
    case JOURNAL_COLD:
      totals->cold_journals++;
      break;
    case JOURNAL_NONE:
    default:
      break;
    }
  totals->changes += changes;
  totals->rounds++;

  check_file (path, round);
}

/* With dot-file locking the killed writer also leaves its lock, which the
 * next desk of this machine takes over at once: its process is gone. */
static void
test_kill_writer (gconstpointer data)
{
  HdLocking locking = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hd-crash-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) tech = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  HdPersonDraft draft = { .login = "tech1", .name = "Tech One", .role = HD_ROLE_TECHNICIAN };
  const char *env = g_getenv ("HD_CRASH_ROUNDS");
  guint rounds = env != NULL ? (guint) atoi (env) : DEFAULT_ROUNDS;
  Totals totals = { 0 };

  g_assert_no_error (error);
  path = g_build_filename (dir, "helpdesk.db", NULL);
  store = hd_store_create_full (path, "disp", "Crash office", locking, &error);
  g_assert_no_error (error);
  tech = hd_store_add_person (store, &draft, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  for (guint round = 1; round <= rounds; round++)
    run_round (path, round, &totals);

  g_test_message ("%u kills, %" G_GUINT64_FORMAT " changes committed before them (as reported"
                  " by the workers); %u kills left a journal: %u hot (the file was being"
                  " written, rolled back on open), %u not yet synced (the file untouched);"
                  " %.1f s", totals.rounds, totals.changes,
                  totals.hot_journals + totals.cold_journals, totals.hot_journals,
                  totals.cold_journals, g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (totals.rounds, ==, rounds);

  {
    const char *argv[] = { "rm", "-rf", dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                  NULL, NULL);
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *worker = g_getenv ("HD_CRASH_WORKER");

  if (worker != NULL)
    return worker_main (worker);

  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_data_func ("/fault/crash/kill-writer/posix", GINT_TO_POINTER (HD_LOCKING_POSIX),
                        test_kill_writer);
  g_test_add_data_func ("/fault/crash/kill-writer/dotfile", GINT_TO_POINTER (HD_LOCKING_DOTFILE),
                        test_kill_writer);

  return g_test_run ();
}
