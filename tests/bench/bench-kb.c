/* bench-kb.c — search latency of the knowledge base and of ticket search
 *
 * Builds a helpdesk of ARTICLES articles (50 000 unless --articles says
 * otherwise) and TICKETS tickets (1 000 000, --tickets) of synthetic text:
 * a vocabulary of a few thousand made-up words drawn with a Zipf-like skew,
 * plus real helpdesk words ("printer", "vpn", …) mixed in. The rows go in
 * with raw INSERTs in one transaction with the FTS triggers set aside; the
 * indexes are then built in one pass ('rebuild' for the articles, direct
 * inserts for tickets_fts) and the triggers put back.
 *
 * Then each query runs REPEAT times through the store, as the window would
 * call it, and the median and 95th percentile are reported:
 *
 *   bench: kb <query kind> p50 <ms> p95 <ms> hits <n>
 *   bench: tickets <query kind> p50 <ms> p95 <ms> count <n>
 *
 * Ticket search is the first page (100 rows, as the window's list reads
 * them, newest updated first) plus the count the list shows, as the
 * dispatcher, each time just after another desk's commit (so nothing read
 * for an earlier search is reused), then the next pages of that search,
 * up to the thousandth ticket. Requesters: "req" has filed 2 000 of the
 * tickets, "req2" all the others.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd-store.h"
#include "hd-ticket-list.h"

#define SEED 20250611
#define REPEAT 25
#define N_WORDS 4000

static const char * const real_words[] = {
  "printer", "paper", "jam", "toner", "tray", "floor", "network", "vpn", "password", "reset",
  "monitor", "flicker", "email", "outlook", "calendar", "laptop", "battery", "docking", "station",
  "keyboard", "mouse", "wifi", "router", "license", "install", "update", "driver", "scanner",
  "phone", "account", "locked", "share", "folder", "permission", "backup", "restore", "slow",
  "crash", "error", "login", "screen", "sound", "headset", "camera", "meeting", "teams",
};

static char *words[N_WORDS];

static void
report (const char *line)
{
  printf ("bench: %s\n", line);
  fflush (stdout);
}

static G_NORETURN void
die (const char   *what,
     const char   *detail)
{
  g_printerr ("bench-kb: %s: %s\n", what, detail != NULL ? detail : "failed");
  exit (1);
}

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    die (sql, message);
}

static void
make_vocabulary (GRand *rand)
{
  static const char * const syllables[] = {
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ber", "dan", "fel", "gor", "hin", "jus",
    "kel", "lam", "mor", "nis", "pel", "qua", "rin", "sor", "tem", "ul", "vor", "wen", "xa",
  };

  for (guint i = 0; i < N_WORDS; i++)
    {
      GString *w = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 2, 5);

      for (guint j = 0; j < n; j++)
        g_string_append (w, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
      words[i] = g_string_free (w, FALSE);
    }
}

/* A word: one in ten a real helpdesk word, the rest skewed to the
 * frequent end of the vocabulary. */
static const char *
pick_word (GRand *rand)
{
  double u;

  if (g_rand_int_range (rand, 0, 10) == 0)
    return real_words[g_rand_int_range (rand, 0, G_N_ELEMENTS (real_words))];

  u = g_rand_double (rand);
  return words[(guint) (u * u * u * N_WORDS) % N_WORDS];
}

static void
append_words (GString *text,
              GRand   *rand,
              guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (text, i % 12 == 0 ? '\n' : ' ');
      g_string_append (text, pick_word (rand));
    }
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report_times (const char *kind,
              const char *what,
              double     *times,
              const char *count_name,
              guint       count)
{
  g_autofree char *line = NULL;

  qsort (times, REPEAT, sizeof (double), compare_doubles);
  line = g_strdup_printf ("%s %-28s p50 %7.2f ms  p95 %7.2f ms  %s %u", kind, what,
                          times[REPEAT / 2], times[(REPEAT * 95) / 100], count_name, count);
  report (line);
}

static void
build (const char *path,
       guint       n_articles,
       guint       n_tickets)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) talk = g_string_new (NULL);
  g_autoptr(GPtrArray) triggers = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *fts = NULL;
  gint64 now = g_get_real_time ();
  double start = now_ms ();
  g_autofree char *line = NULL;

  make_vocabulary (rand);
  if (sqlite3_open (path, &db) != SQLITE_OK)
    die ("open", sqlite3_errmsg (db));
  exec (db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;");

  /* Set the triggers aside; the indexes are built in one pass below. */
  sqlite3_prepare_v2 (db, "SELECT sql FROM sqlite_schema WHERE type = 'trigger'", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (triggers, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  exec (db, "BEGIN");
  for (guint i = 0; i < triggers->len; i++)
    {
      const char *sql = g_ptr_array_index (triggers, i);
      const char *name = sql + strlen ("CREATE TRIGGER ");
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER %.*s", (int) strcspn (name, " "), name);

      exec (db, drop);
    }

  exec (db, "INSERT INTO kb_categories (id, parent_id, name) VALUES"
            " (1, NULL, 'Hardware'), (2, 1, 'Printers'), (3, NULL, 'Network'), (4, NULL, 'Accounts')");
  sqlite3_prepare_v2 (db,
                      "INSERT INTO kb_articles (title, body, category_id, tags, visibility, author_id,"
                      " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)", -1, &stmt, NULL);
  for (guint i = 0; i < n_articles; i++)
    {
      g_string_truncate (title, 0);
      g_string_truncate (body, 0);
      append_words (title, rand, g_rand_int_range (rand, 3, 9));
      append_words (body, rand, g_rand_int_range (rand, 60, 220));
      sqlite3_bind_text (stmt, 1, title->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, body->str, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, g_rand_int_range (rand, 1, 5));
      sqlite3_bind_text (stmt, 4, pick_word (rand), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, i % 3 == 0 ? "faq" : "internal", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, now);
      sqlite3_bind_int64 (stmt, 7, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        die ("article", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);

  sqlite3_prepare_v2 (db,
                      "INSERT INTO tickets (title, description, status, priority, requester_id,"
                      " created_at, updated_at) VALUES (?, ?, ?, 'normal', ?, ?, ?)", -1, &stmt, NULL);
  sqlite3_prepare_v2 (db,
                      "INSERT INTO tickets_fts (rowid, title, description, conversation, internal)"
                      " VALUES (?, ?, ?, ?, ?)", -1, &fts, NULL);
  for (guint i = 0; i < n_tickets; i++)
    {
      static const char * const statuses[] = { "new", "open", "pending", "resolved", "closed", "closed", "closed" };
      gint64 at = now - (gint64) (n_tickets - i) * 60 * G_USEC_PER_SEC;
      gint64 id;

      g_string_truncate (title, 0);
      g_string_truncate (body, 0);
      g_string_truncate (talk, 0);
      append_words (title, rand, g_rand_int_range (rand, 3, 9));
      append_words (body, rand, g_rand_int_range (rand, 8, 40));
      if (g_rand_int_range (rand, 0, 3) == 0)
        append_words (talk, rand, g_rand_int_range (rand, 5, 30));
      sqlite3_bind_text (stmt, 1, title->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, body->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))], -1,
                         SQLITE_STATIC);
      /* "req" files one ticket in 500, as someone in a busy office;
       * "req2" the rest, as a monitoring system that mails its alarms. */
      sqlite3_bind_int (stmt, 4, i % 500 == 0 ? 2 : 3);
      sqlite3_bind_int64 (stmt, 5, at);
      sqlite3_bind_int64 (stmt, 6, at);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        die ("ticket", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
      id = sqlite3_last_insert_rowid (db);

      sqlite3_bind_int64 (fts, 1, id);
      sqlite3_bind_text (fts, 2, title->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (fts, 3, body->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (fts, 4, talk->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (fts, 5, "", -1, SQLITE_STATIC);
      if (sqlite3_step (fts) != SQLITE_DONE)
        die ("tickets_fts", sqlite3_errmsg (db));
      sqlite3_reset (fts);
    }
  sqlite3_finalize (stmt);
  sqlite3_finalize (fts);

  exec (db, "INSERT INTO kb_fts (kb_fts) VALUES ('rebuild');"
            "INSERT INTO kb_trigram (kb_trigram) VALUES ('rebuild');");
  for (guint i = 0; i < triggers->len; i++)
    exec (db, g_ptr_array_index (triggers, i));
  exec (db, "COMMIT");
  exec (db, "INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize');"
            "INSERT INTO kb_fts (kb_fts) VALUES ('optimize');"
            "INSERT INTO kb_trigram (kb_trigram) VALUES ('optimize');");
  sqlite3_close (db);

  line = g_strdup_printf ("built %u articles and %u tickets in %.1f s", n_articles, n_tickets,
                          (now_ms () - start) / 1000.0);
  report (line);
}

static void
bench_kb (HdStore    *store,
          const char *kind,
          const char *query)
{
  double times[REPEAT];
  guint hits = 0;

  for (guint r = 0; r < REPEAT; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = NULL;
      double start = now_ms ();

      found = hd_store_search_articles (store, query, 20, &error);
      times[r] = now_ms () - start;
      if (found == NULL)
        die (query, error->message);
      hits = found->len;
    }

  report_times ("kb", kind, times, "hits", hits);
}

static void
bench_suggest (HdStore    *store,
               const char *title,
               const char *description)
{
  double times[REPEAT];
  guint hits = 0;

  for (guint r = 0; r < REPEAT; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = NULL;
      double start = now_ms ();

      found = hd_store_suggest_articles (store, title, description, 0, 5, &error);
      times[r] = now_ms () - start;
      if (found == NULL)
        die (title, error->message);
      hits = found->len;
    }

  report_times ("kb", "suggestion from a ticket", times, "hits", hits);
}

/* Another desk's commit: the store reads a search afresh after it, as it
 * does for each new text typed. */
static void
touch_file (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    die ("touch", sqlite3_errmsg (db));
  sqlite3_busy_timeout (db, 5000);
  exec (db, "UPDATE people SET name = name WHERE id = 1");
  sqlite3_close (db);
}

static void
bench_tickets (HdStore    *store,
               const char *kind,
               const char *query,
               guint       status_mask)
{
  double times[REPEAT];
  guint count = 0;
  /* As the window's list asks: a page, and a count that stops where
   * the list stops. */
  HdTicketFilter filter = { .search = query, .status_mask = status_mask,
                            .sort = HD_TICKET_SORT_UPDATED,
                            .descending = TRUE, .limit = HD_TICKET_LIST_PAGE_SIZE,
                            .count_limit = HD_TICKET_LIST_SEARCH_LIMIT };

  for (guint r = 0; r < REPEAT; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = NULL;
      double start;

      touch_file (hd_store_get_path (store));
      start = now_ms ();

      if (!hd_store_count_tickets (store, &filter, &count, &error))
        die (query, error->message);
      page = hd_store_list_tickets (store, &filter, &error);
      times[r] = now_ms () - start;
      if (page == NULL)
        die (query, error->message);
    }

  report_times ("tickets", kind, times, "count", count);

  /* The next pages of the same search, as the person scrolls. */
  for (guint r = 0; r < REPEAT; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = NULL;
      double start = now_ms ();

      filter.offset = HD_TICKET_LIST_PAGE_SIZE * (1 + r % 9);
      page = hd_store_list_tickets (store, &filter, &error);
      times[r] = now_ms () - start;
      if (page == NULL)
        die (query, error->message);
    }
  {
    g_autofree char *next = g_strdup_printf ("%s, next page", kind);

    report_times ("tickets", next, times, "count", count);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *keep = NULL;
  int n_articles = 50000;
  int n_tickets = 1000000;
  const GOptionEntry entries[] = {
    { "articles", 0, 0, G_OPTION_ARG_INT, &n_articles, "How many articles", "N" },
    { "tickets", 0, 0, G_OPTION_ARG_INT, &n_tickets, "How many tickets", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep,
      "Build the file at PATH and keep it; if it exists, measure it again", "PATH" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error->message);

  if (keep != NULL && g_file_test (keep, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);

      /* The same made-up words as the file was built with. */
      make_vocabulary (rand);
      path = g_strdup (keep);
      goto measure;
    }
  if (keep != NULL)
    path = g_strdup (keep);
  else
    {
      dir = g_dir_make_tmp ("bench-kb-XXXXXX", &error);
      if (dir == NULL)
        die ("temporary folder", error->message);
      path = g_build_filename (dir, "kb.helpdesk", NULL);
    }

  store = hd_store_create (path, "disp", "Bench", &error);
  if (store == NULL)
    die ("create", error->message);
  {
    HdPersonDraft req = { .login = "req", .name = "Requester", .role = HD_ROLE_REQUESTER };
    HdPersonDraft req2 = { .login = "req2", .name = "Requester 2", .role = HD_ROLE_REQUESTER };
    g_autoptr(HdPerson) p1 = hd_store_add_person (store, &req, &error);
    g_autoptr(HdPerson) p2 = hd_store_add_person (store, &req2, &error);

    if (p1 == NULL || p2 == NULL)
      die ("people", error->message);
  }
  g_clear_object (&store);

  build (path, (guint) n_articles, (guint) n_tickets);

measure:
  store = hd_store_open (path, "disp", &error);
  if (store == NULL)
    die ("open", error->message);

  bench_kb (store, "single word", "printer");
  bench_kb (store, "two words", "printer jam");
  bench_kb (store, "prefix", "prin");
  bench_kb (store, "part of a word", "rinte");
  bench_kb (store, "made-up word", words[N_WORDS - 1]);
  bench_kb (store, "no match", "zzqxjw");
  bench_kb (store, "awkward", "\"NEAR( printer -* AND");
  bench_suggest (store, "Printer on floor 2 jams", "Paper is stuck in the tray again since Monday.");

  bench_tickets (store, "single word", "printer", 0);
  bench_tickets (store, "single word, open", "printer",
                 HD_STATUS_MASK (HD_STATUS_NEW) | HD_STATUS_MASK (HD_STATUS_OPEN));
  bench_tickets (store, "two words", "printer jam", 0);
  bench_tickets (store, "prefix", "prin", 0);
  bench_tickets (store, "made-up word", words[N_WORDS - 1], 0);
  bench_tickets (store, "no match", "zzqxjw", 0);

  {
    g_autoptr(HdStore) requester = hd_store_open (path, "req", &error);

    if (requester == NULL)
      die ("open as requester", error->message);
    bench_kb (requester, "single word (requester)", "printer");
    bench_tickets (requester, "single word (requester)", "printer", 0);
  }
  {
    g_autoptr(HdStore) requester = hd_store_open (path, "req2", &error);

    if (requester == NULL)
      die ("open as requester", error->message);
    bench_tickets (requester, "single word (heavy requester)", "printer", 0);
  }

  g_clear_object (&store);
  if (keep == NULL)
    {
      g_unlink (path);
      g_rmdir (dir);
    }
  return 0;
}
