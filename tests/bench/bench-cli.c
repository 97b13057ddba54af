/* bench-cli.c — helpdesk-cli as a script runs it, whole process
 *
 * Each list or search is run as `helpdesk-cli ticket list …` and as the
 * `sqlite3` shell running the SELECT that prints the same rows (the same
 * columns, times formatted the same way), in turns, REPEAT times each,
 * standard output to /dev/null; the medians are compared:
 *
 *   bench: <variant> cli p50 <ms>  sqlite3 p50 <ms>  ratio <r> (goal <= 1.5)  rows <n>
 *
 * Before the timed runs both outputs are read once and their rows counted,
 * so a pair that printed different rows is reported, not timed. Then
 * `ticket comment` (on open tickets spread over the file) and `ticket new`,
 * warm, and cold: the copy's pages dropped from the page cache before each
 * run (posix_fadvise on the copy only):
 *
 *   bench: <command> <warm|cold> p50 <ms>  p95 <ms>  (goal <= 50 ms)
 *
 * The files: each --file, copied into a temporary folder first (the bench
 * writes: a technician with every fiftieth ticket assigned, replies, new
 * tickets), such as the files of `bench-kb --keep`; without --file, a file
 * of --tickets tickets (100 000) is generated. The search words are
 * --common ("printer jam") and a rare word: the word of a few tickets'
 * titles that the fewest tickets have.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* posix_fadvise */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hd-store.h"

#define SEED 20261207
#define CHANGE_GOAL_MS 50.0
#define RATIO_GOAL 1.5

static int repeat = 7;
static const char *cli;
static char *sqlite3_shell;

typedef struct {
  char *path;
  char *login;        /* the file's dispatcher, who runs every command */
  char *rare;         /* a word few tickets have */
  char *common;       /* words many tickets have */
} Bench;

static G_NORETURN void
die (const char *what,
     const char *detail)
{
  g_printerr ("bench-cli: %s: %s\n", what, detail != NULL ? detail : "failed");
  exit (1);
}

static void
report (const char *format,
        ...) G_GNUC_PRINTF (1, 2);

static void
report (const char *format,
        ...)
{
  g_autofree char *line = NULL;
  va_list ap;

  va_start (ap, format);
  line = g_strdup_vprintf (format, ap);
  va_end (ap);
  printf ("bench: %s\n", line);
  fflush (stdout);
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

static double
percentile (double *times,
            guint   n,
            guint   p)
{
  qsort (times, n, sizeof (double), compare_doubles);
  return times[MIN (n - 1, n * p / 100)];
}

/* SQL */

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    die (sql, message);
}

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    die (path, sqlite3_errmsg (db));
  sqlite3_busy_timeout (db, 10000);
  return db;
}

static char *
query_text (sqlite3    *db,
            const char *sql,
            const char *text)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    die (sql, sqlite3_errmsg (db));
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gint64
query_int (sqlite3    *db,
           const char *sql,
           const char *text)
{
  g_autofree char *value = query_text (db, sql, text);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

/* Running */

/* Runs @argv with standard output to /dev/null, or into @out when given;
 * returns the wall time in ms, or -1 when it failed (@out then holds what
 * it said on standard error). */
static double
run (const char * const  *argv,
     const char          *login,
     char               **out)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "HELPDESK_LOGIN", login, TRUE);
  g_autofree char *err = NULL;
  int status = 0;
  double start = now_ms ();

  if (!g_spawn_sync (NULL, (char **) argv, env,
                     G_SPAWN_SEARCH_PATH |
                     (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : G_SPAWN_DEFAULT),
                     NULL, NULL, out, &err, &status, &error))
    die (argv[0], error->message);
  if (g_spawn_check_wait_status (status, NULL))
    return now_ms () - start;

  if (out != NULL)
    {
      g_free (*out);
      *out = g_strdup (g_strstrip (err));
    }
  return -1;
}

static double
run_or_die (const char * const *argv,
            const char         *login)
{
  g_autofree char *err = NULL;
  double ms = run (argv, login, &err);

  if (ms < 0)
    die (argv[0], err);
  return ms;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* Rows printed: lines (less a header line), or objects with a "number". */
static guint
count_rows (const char *text,
            gboolean    json,
            gboolean    header)
{
  guint n = 0;

  if (!json)
    return count_lines (text) - (header && text[0] != '\0');

  for (const char *p = text; (p = strstr (p, "\"number\"")) != NULL; p++)
    n++;
  return n;
}

static const char * const *
argv_of (GPtrArray *argv)
{
  g_ptr_array_add (argv, NULL);
  return (const char * const *) argv->pdata;
}

/* One variant: `helpdesk-cli ticket list ARGS` against the sqlite3 shell
 * running @sql in @mode (NULL, "-json" or "-csv"), which prints a header
 * line when the CLI does: text and CSV. */
static void
compare (Bench              *bench,
         const char         *name,
         const char * const *args,
         const char         *mode,
         const char         *sql)
{
  g_autoptr(GPtrArray) cli_args = g_ptr_array_new ();
  g_autoptr(GPtrArray) sql_args = g_ptr_array_new ();
  const char * const *cli_argv, * const *sql_argv;
  gboolean json = g_strcmp0 (mode, "-json") == 0;
  gboolean csv = g_strcmp0 (mode, "-csv") == 0;
  g_autofree char *cli_out = NULL, *sql_out = NULL;
  g_autofree double *cli_times = g_new (double, repeat);
  g_autofree double *sql_times = g_new (double, repeat);
  guint cli_rows, sql_rows;
  double cli_ms, sql_ms;

  g_ptr_array_add (cli_args, (char *) cli);
  g_ptr_array_add (cli_args, (char *) "--db");
  g_ptr_array_add (cli_args, bench->path);
  g_ptr_array_add (cli_args, (char *) "ticket");
  g_ptr_array_add (cli_args, (char *) "list");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (cli_args, (char *) args[i]);
  cli_argv = argv_of (cli_args);

  g_ptr_array_add (sql_args, sqlite3_shell);
  g_ptr_array_add (sql_args, (char *) "-readonly");
  if (mode != NULL)
    g_ptr_array_add (sql_args, (char *) mode);
  if (csv)
    g_ptr_array_add (sql_args, (char *) "-header");
  g_ptr_array_add (sql_args, bench->path);
  g_ptr_array_add (sql_args, (char *) sql);
  sql_argv = argv_of (sql_args);

  if (run (cli_argv, bench->login, &cli_out) < 0)
    {
      report ("%-34s cli failed: %s", name, cli_out);
      return;
    }
  if (run (sql_argv, bench->login, &sql_out) < 0)
    die (sql, sql_out);
  cli_rows = count_rows (cli_out, json, !json);
  sql_rows = count_rows (sql_out, json, csv);
  if (cli_rows != sql_rows)
    {
      report ("%-34s rows differ: cli %u, sqlite3 %u", name, cli_rows, sql_rows);
      return;
    }

  for (int r = 0; r < repeat; r++)
    {
      cli_times[r] = run_or_die (cli_argv, bench->login);
      sql_times[r] = run_or_die (sql_argv, bench->login);
    }
  cli_ms = percentile (cli_times, repeat, 50);
  sql_ms = percentile (sql_times, repeat, 50);
  report ("%-34s cli p50 %8.1f ms  sqlite3 p50 %8.1f ms  ratio %5.2f (goal <= %.1f)  rows %u",
          name, cli_ms, sql_ms, cli_ms / sql_ms, RATIO_GOAL, cli_rows);
}

/* The columns the CLI prints, as sqlite3 would print them. */
#define TEXT_COLUMNS \
  "t.id, t.status, t.priority, a.login," \
  " strftime('%Y-%m-%d %H:%M', t.due_at / 1000000, 'unixepoch'), t.title"
#define ISO(column) \
  "strftime('%Y-%m-%dT%H:%M:%SZ', t." column " / 1000000, 'unixepoch') AS " column
#define ALL_COLUMNS \
  "t.id AS number, t.title, t.description, t.status, t.priority, t.category," \
  " r.login AS requester, a.login AS assignee, t.tier, t.department, t.location, t.version, " \
  ISO ("created_at") ", " ISO ("updated_at") ", " ISO ("first_response_at") ", " \
  ISO ("resolved_at") ", " ISO ("closed_at") ", " ISO ("due_at") ", " ISO ("warn_at")
#define CSV_COLUMNS \
  "t.id AS number, t.title, t.status, t.priority, t.category, r.login AS requester," \
  " a.login AS assignee, t.tier, t.department, t.location, t.version, " \
  ISO ("created_at") ", " ISO ("updated_at") ", " ISO ("due_at")
#define FROM_TEXT " FROM tickets t LEFT JOIN people a ON a.id = t.assignee_id"
#define FROM_ALL \
  " FROM tickets t JOIN people r ON r.id = t.requester_id" \
  " LEFT JOIN people a ON a.id = t.assignee_id"

/* The text columns of the tickets @match finds, then @tail. */
static char *
found_sql (const char *match,
           const char *tail)
{
  return g_strconcat ("SELECT " TEXT_COLUMNS FROM_TEXT " WHERE t.id IN (SELECT rowid FROM"
                      " tickets_fts WHERE tickets_fts MATCH '", match, "')", tail, NULL);
}

/* "printer jam" as the CLI searches it: each word a quoted prefix. */
static char *
match_of (const char *words)
{
  g_auto(GStrv) parts = g_strsplit (words, " ", -1);
  g_autoptr(GString) match = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_string_append_printf (match, "%s\"%s\"*", match->len > 0 ? " " : "", parts[i]);
  return g_string_free (g_steal_pointer (&match), FALSE);
}

static void
bench_lists (Bench *bench)
{
  g_autofree char *common = match_of (bench->common);
  g_autofree char *rare = match_of (bench->rare);
  g_autofree char *common_sql = found_sql (common, " ORDER BY t.id");
  g_autofree char *rare_sql = found_sql (rare, " ORDER BY t.id");
  g_autofree char *common_page_sql = found_sql (common, " ORDER BY t.updated_at DESC, t.id DESC"
                                                        " LIMIT 20");
  g_autofree char *middle = NULL;
  g_autofree char *middle_sql = NULL;
  sqlite3 *db = open_db (bench->path);
  gint64 n = query_int (db, "SELECT count(*) FROM tickets", NULL);

  sqlite3_close (db);
  middle = g_strdup_printf ("%" G_GINT64_FORMAT, n / 2);
  middle_sql = g_strconcat ("SELECT " TEXT_COLUMNS FROM_TEXT " ORDER BY t.id LIMIT 50 OFFSET ",
                            middle, NULL);

  compare (bench, "default (every ticket)", (const char *[]) { NULL }, NULL,
           "SELECT " TEXT_COLUMNS FROM_TEXT " ORDER BY t.id");
  compare (bench, "--limit 50", (const char *[]) { "--limit", "50", NULL }, NULL,
           "SELECT " TEXT_COLUMNS FROM_TEXT " ORDER BY t.id LIMIT 50");
  compare (bench, "--limit 50 --offset N/2",
           (const char *[]) { "--limit", "50", "--offset", middle, NULL }, NULL, middle_sql);
  compare (bench, "--status new,open", (const char *[]) { "--status", "new,open", NULL }, NULL,
           "SELECT " TEXT_COLUMNS FROM_TEXT " WHERE t.status IN ('new', 'open') ORDER BY t.id");
  compare (bench, "--assignee bench-tech", (const char *[]) { "--assignee", "bench-tech", NULL },
           NULL, "SELECT " TEXT_COLUMNS FROM_TEXT " WHERE t.assignee_id ="
                 " (SELECT id FROM people WHERE login = 'bench-tech') ORDER BY t.id");
  compare (bench, "--sort title", (const char *[]) { "--sort", "title", NULL }, NULL,
           "SELECT " TEXT_COLUMNS FROM_TEXT " ORDER BY t.title COLLATE NOCASE, t.id");
  compare (bench, "--status new --sort title --limit 20",
           (const char *[]) { "--status", "new", "--sort", "title", "--limit", "20", NULL }, NULL,
           "SELECT " TEXT_COLUMNS FROM_TEXT " WHERE t.status = 'new'"
           " ORDER BY t.title COLLATE NOCASE, t.id LIMIT 20");
  compare (bench, "--search common", (const char *[]) { "--search", bench->common, NULL }, NULL,
           common_sql);
  compare (bench, "--search common, a page",
           (const char *[]) { "--search", bench->common, "--sort", "updated", "--descending",
                              "--limit", "20", NULL }, NULL, common_page_sql);
  compare (bench, "--search rare", (const char *[]) { "--search", bench->rare, NULL }, NULL,
           rare_sql);
  compare (bench, "--json", (const char *[]) { "--json", NULL }, "-json",
           "SELECT " ALL_COLUMNS FROM_ALL " ORDER BY t.id");
  compare (bench, "--csv", (const char *[]) { "--csv", NULL }, "-csv",
           "SELECT " CSV_COLUMNS FROM_ALL " ORDER BY t.id");
}

/* Change commands */

/* Drops the copy's pages from the page cache, as after a reboot; only
 * this file's, which no one else uses. */
static void
drop_cache (const char *path)
{
  int fd = open (path, O_RDONLY);

  if (fd < 0)
    die (path, g_strerror (errno));
  fdatasync (fd);
  posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  close (fd);
}

static void
report_change (const char *name,
               const char *cache,
               double     *times)
{
  double p50 = percentile (times, repeat, 50);
  double p95 = percentile (times, repeat, 95);

  report ("%-34s %-4s p50 %6.1f ms  p95 %6.1f ms  (goal <= %.0f ms)", name, cache, p50, p95,
          CHANGE_GOAL_MS);
}

static void
bench_changes (Bench *bench)
{
  sqlite3 *db = open_db (bench->path);
  gint64 n = query_int (db, "SELECT max(id) FROM tickets", NULL);
  g_autofree double *times = g_new (double, repeat);

  for (int cold = 0; cold <= 1; cold++)
    {
      for (int r = 0; r < repeat; r++)
        {
          g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, n * (r + 1) / (repeat + 1));
          g_autofree char *number = query_text (db, "SELECT min(id) FROM tickets WHERE id >= ?1"
                                                    " AND status IN ('new', 'open')", at);
          const char *argv[] = { cli, "--db", bench->path, "ticket", "comment", number, "--body",
                                 "Could you try again with the new driver?", NULL };

          if (number == NULL)
            die ("comment", "no open ticket");
          if (cold)
            drop_cache (bench->path);
          times[r] = run_or_die (argv, bench->login);
        }
      report_change ("ticket comment", cold ? "cold" : "warm", times);

      for (int r = 0; r < repeat; r++)
        {
          const char *argv[] = { cli, "--db", bench->path, "ticket", "new", "--title",
                                 "Scanner on floor 3 feeds two sheets at once", NULL };

          if (cold)
            drop_cache (bench->path);
          times[r] = run_or_die (argv, bench->login);
        }
      report_change ("ticket new", cold ? "cold" : "warm", times);
    }
  sqlite3_close (db);
}

/* Files */

static const char * const real_words[] = {
  "printer", "paper", "jam", "toner", "tray", "floor", "network", "vpn", "password", "reset",
  "monitor", "flicker", "email", "outlook", "calendar", "laptop", "battery", "docking",
  "keyboard", "mouse", "wifi", "router", "license", "install", "update", "driver", "scanner",
  "phone", "account", "locked", "share", "folder", "permission", "backup", "restore", "slow",
};

static void
append_words (GString *text,
              GRand   *rand,
              guint    n)
{
  static const char * const syllables[] = {
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ber", "dan", "fel", "gor", "hin", "jus",
  };

  for (guint i = 0; i < n; i++)
    {
      double u = g_rand_double (rand);

      if (i > 0)
        g_string_append_c (text, ' ');
      if (g_rand_int_range (rand, 0, 4) == 0)
        {
          g_string_append (text, real_words[g_rand_int_range (rand, 0, G_N_ELEMENTS (real_words))]);
          continue;
        }
      /* Made-up words, the frequent ones far more so. */
      for (guint k = (guint) (u * u * u * 3000) + 1; k > 0; k /= G_N_ELEMENTS (syllables))
        g_string_append (text, syllables[k % G_N_ELEMENTS (syllables)]);
    }
}

/* A helpdesk of @n tickets: "disp" its dispatcher, "req" who files them. */
static void
generate (const char *path,
          guint       n)
{
  static const char * const statuses[] = { "new", "open", "pending", "resolved", "closed",
                                           "closed", "closed" };
  static const char * const priorities[] = { "low", "normal", "normal", "high", "urgent" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GString) description = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_create (path, "disp", "Bench", &error);
  HdPersonDraft req = { .login = "req", .name = "Rita Requester", .role = HD_ROLE_REQUESTER };
  g_autoptr(HdPerson) person = NULL;
  gint64 now = g_get_real_time ();
  double start = now_ms ();
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;

  if (store == NULL || (person = hd_store_add_person (store, &req, &error)) == NULL)
    die ("create", error->message);

  db = open_db (path);
  exec (db, "BEGIN IMMEDIATE");
  sqlite3_prepare_v2 (db, "INSERT INTO tickets (title, description, status, priority,"
                          " requester_id, created_at, updated_at)"
                          " VALUES (?, ?, ?, ?, (SELECT id FROM people WHERE login = 'req'), ?, ?)",
                      -1, &stmt, NULL);
  for (guint i = 0; i < n; i++)
    {
      gint64 at = now - (gint64) (n - i) * 60 * G_USEC_PER_SEC;

      g_string_truncate (title, 0);
      g_string_truncate (description, 0);
      append_words (title, rand, g_rand_int_range (rand, 3, 9));
      append_words (description, rand, g_rand_int_range (rand, 8, 40));
      sqlite3_bind_text (stmt, 1, title->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, description->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))],
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, priorities[g_rand_int_range (rand, 0, G_N_ELEMENTS (priorities))],
                         -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, at);
      sqlite3_bind_int64 (stmt, 6, at);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        die ("ticket", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  exec (db, "COMMIT");
  sqlite3_close (db);

  /* Deadlines as the file would have them. */
  g_clear_object (&store);
  store = hd_store_open (path, "disp", &error);
  if (store == NULL || !hd_store_recompute_due (store, NULL, &error))
    die ("deadlines", error->message);
  report ("generated %u tickets in %.1f s", n, (now_ms () - start) / 1000.0);
}

/* Copies @source into @dir, with its locking record when it has one. */
static char *
copy_file (const char *source,
           const char *dir)
{
  g_autofree char *base = g_path_get_basename (source);
  g_autofree char *record = hd_store_locking_path (source);
  char *copy = g_build_filename (dir, base, NULL);
  const char *argv[] = { "cp", "--sparse=always", source, copy, NULL };
  const char *record_argv[] = { "cp", record, dir, NULL };

  run_or_die (argv, "");
  if (g_file_test (record, G_FILE_TEST_EXISTS))
    run_or_die (record_argv, "");
  return copy;
}

/* Letters and digits only, three or more: safe inside the SQL's quotes. */
static gboolean
is_word (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return strlen (text) >= 3;
}

/* A technician with every fiftieth ticket, the dispatcher who acts, and
 * a word few tickets have. */
static void
prepare (Bench *bench)
{
  static const char *sample = "SELECT title FROM tickets WHERE id = ?1";
  sqlite3 *db = open_db (bench->path);
  gint64 n = query_int (db, "SELECT max(id) FROM tickets", NULL);
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  gint64 fewest = G_MAXINT64;

  bench->login = query_text (db, "SELECT login FROM people WHERE role = 'dispatcher'"
                                 " ORDER BY id LIMIT 1", NULL);
  if (bench->login == NULL)
    die (bench->path, "no dispatcher");

  if (query_int (db, "SELECT count(*) FROM people WHERE login = 'bench-tech'", NULL) == 0)
    {
      sqlite3_stmt *stmt = NULL;

      exec (db, "BEGIN IMMEDIATE");
      sqlite3_prepare_v2 (db, "INSERT INTO people (login, name, role, tier, created_at)"
                              " VALUES ('bench-tech', 'Bench Technician', 'technician', 1, ?)",
                          -1, &stmt, NULL);
      sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (now, NULL, 10));
      if (sqlite3_step (stmt) != SQLITE_DONE)
        die ("technician", sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      exec (db, "UPDATE tickets SET assignee_id = (SELECT id FROM people WHERE login = 'bench-tech')"
                " WHERE id % 50 = 7 AND assignee_id IS NULL");
      exec (db, "COMMIT");
    }

  /* The rarest word of ten tickets' titles, found at least once. */
  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, n * i / 11);
      g_autofree char *title = query_text (db, sample, at);
      g_auto(GStrv) words = g_strsplit (title != NULL ? title : "", " ", -1);

      for (guint w = 0; words[w] != NULL; w++)
        {
          g_autofree char *match = match_of (words[w]);
          gint64 found;

          if (!is_word (words[w]))
            continue;
          found = query_int (db, "SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH ?1",
                             match);
          if (found > 0 && found < fewest)
            {
              fewest = found;
              g_free (bench->rare);
              bench->rare = g_strdup (words[w]);
            }
        }
    }
  if (bench->rare == NULL)
    die (bench->path, "no word to search for");
  sqlite3_close (db);
  report ("%s: %" G_GINT64_FORMAT " tickets; common words \"%s\", rare word \"%s\"",
          bench->path, n, bench->common, bench->rare);
}

static void
bench_file (const char *path,
            const char *common)
{
  Bench bench = { .path = (char *) path, .common = (char *) common };

  prepare (&bench);
  bench_lists (&bench);
  bench_changes (&bench);
  g_free (bench.login);
  g_free (bench.rare);
}

static void
remove_copy (const char *path)
{
  g_autofree char *record = hd_store_locking_path (path);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (path);
  g_unlink (record);
  g_unlink (journal);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *common = NULL;
  g_autofree char *dir = NULL;
  int n_tickets = 100000;
  const GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files,
      "A helpdesk file to measure a copy of (repeatable)", "PATH" },
    { "tickets", 0, 0, G_OPTION_ARG_INT, &n_tickets,
      "Without --file: how many tickets to generate", "N" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Runs of each command", "N" },
    { "common", 0, 0, G_OPTION_ARG_STRING, &common, "Words many tickets have", "WORDS" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error->message);
  if (repeat < 1)
    die ("options", "--repeat must be at least 1");

  cli = g_getenv ("HELPDESK_CLI");
  sqlite3_shell = g_find_program_in_path ("sqlite3");
  if (cli == NULL || cli[0] == '\0')
    die ("HELPDESK_CLI", "not set (meson sets it)");
  if (sqlite3_shell == NULL)
    die ("sqlite3", "the sqlite3 shell is not installed");

  dir = g_dir_make_tmp ("bench-cli-XXXXXX", &error);
  if (dir == NULL)
    die ("temporary folder", error->message);

  if (files == NULL)
    {
      g_autofree char *path = g_build_filename (dir, "generated.helpdesk", NULL);

      generate (path, (guint) n_tickets);
      bench_file (path, common != NULL ? common : "printer jam");
      remove_copy (path);
    }
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    {
      g_autofree char *copy = copy_file (files[i], dir);

      bench_file (copy, common != NULL ? common : "printer jam");
      remove_copy (copy);
    }

  g_rmdir (dir);
  g_free (sqlite3_shell);
  return 0;
}
