/* bench-ticket-list.c — how fast the ticket list fills from large files
 *
 * For each size (1 000, 100 000 and 1 000 000 tickets unless --sizes says
 * otherwise) this seeds a helpdesk file, then drives a HdTicketList with a
 * real GMainLoop the way a window does: set a filter, wait for the count,
 * ask for the rows on screen, wait until they are real rows and not
 * placeholders. Every figure is one line
 *
 *   bench: <size> <what> <value> <unit>
 *
 * and the query plans of the first-page queries on the largest file are
 * printed as "plan:" lines. Times are the median of --runs runs (3), or of
 * one run when that took over a second.
 *
 * The file is seeded in a child process (this program run with --seed),
 * in one transaction of plain INSERTs, so that seeding neither counts
 * towards the memory figures nor leaves its page cache behind. The rows
 * look like a real office's: ten people, four of them staff; typical titles
 * and descriptions; every priority and status (status independent of age:
 * 30 % are new, open or pending); 70 % assigned; updated_at spread over two
 * years; a 'created' event per ticket and a reply on about half of them.
 *
 * "cold" means the file was just evicted from the OS page cache
 * (posix_fadvise) and the list opens a new connection; "warm" means a new
 * list (new connection) on a file the OS has cached.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* posix_fadvise () and fdatasync () under -std=c17 */
#define _POSIX_C_SOURCE 200809L

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hd-store-private.h"
#include "hd-ticket-list.h"

#define US_PER_DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define SCROLL_PAGES 200
#define LIVE_CHANGES 20
#define MAX_RUNS 99
/* A figure whose first run takes longer is measured once: the benchmark
 * has to stay within minutes at a million tickets. */
#define SLOW_MS 1000.0

static int n_runs = 3;
static const char *login = "disp";

/* Whether to measure a figure again after @done runs, the first of which
 * took @first_ms. */
static gboolean
another_run (int    done,
             double first_ms)
{
  return done < n_runs && !(done >= 1 && first_ms > SLOW_MS);
}

/* Output */

static void
report (guint       size,
        const char *what,
        double      value,
        const char *unit)
{
  printf ("bench: %u %s %.*f %s\n", size, what, value >= 100 ? 1 : 2, value, unit);
  fflush (stdout);
}

static void
report_int (guint       size,
            const char *what,
            guint64     value,
            const char *unit)
{
  printf ("bench: %u %s %" G_GUINT64_FORMAT " %s\n", size, what, value, unit);
  fflush (stdout);
}

static G_NORETURN void
die (const char *what,
     const GError *error)
{
  g_printerr ("bench-ticket-list: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof *values, compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static double
ms_since (gint64 start,
          gint64 end)
{
  return (end - start) / 1000.0;
}

/* Memory, from /proc/self/status, in KiB */

static guint64
proc_status_kib (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;

  line = strstr (status, key);
  if (line == NULL)
    return 0;

  return g_ascii_strtoull (line + strlen (key), NULL, 10);
}

/* Lets VmHWM start again from the current resident set (Linux ≥ 4.0). */
static void
reset_peak_rss (void)
{
  FILE *clear_refs = fopen ("/proc/self/clear_refs", "w");

  if (clear_refs == NULL || fputs ("5", clear_refs) < 0 || fclose (clear_refs) != 0)
    g_printerr ("bench-ticket-list: cannot reset VmHWM; peaks include earlier sizes\n");
}

/* Interrupted runs remove their files too. Only async-signal-safe calls. */

static char cleanup_dir[4096];
static char cleanup_file[4096];
static char cleanup_journal[4096];

static void
cleanup_on_signal (int signum)
{
  if (cleanup_file[0] != '\0')
    unlink (cleanup_file);
  if (cleanup_journal[0] != '\0')
    unlink (cleanup_journal);
  if (cleanup_dir[0] != '\0')
    rmdir (cleanup_dir);
  _exit (128 + signum);
}

static void
set_cleanup (char       *slot,
             const char *path)
{
  /* Blocked while the slot changes, so the handler never sees half a path. */
  sigset_t all, old;

  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  g_strlcpy (slot, path != NULL ? path : "", 4096);
  sigprocmask (SIG_SETMASK, &old, NULL);
}

static void
install_cleanup (const char *dir)
{
  const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
  struct sigaction action = { .sa_handler = cleanup_on_signal };

  set_cleanup (cleanup_dir, dir);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, NULL);
}

static double
mib (guint64 kib)
{
  return kib / 1024.0;
}

/* Seeding */

static guint64 rng_state = 0x5eed;

static guint64
rng_next (void)
{
  /* splitmix64 */
  guint64 z = (rng_state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static guint
rng_below (guint n)
{
  return (guint) ((rng_next () >> 11) % n);
}

static double
rng_unit (void)
{
  return (rng_next () >> 11) * (1.0 / 9007199254740992.0);
}

#define PICK(array) (array[rng_below (G_N_ELEMENTS (array))])

/* "printer" is the common search word, "plotter" the rare one (one ticket
 * in 2 000), and "zeppelin" appears nowhere. */
static const char * const subjects[] = {
  "Printer", "Label printer", "Laptop", "Docking station", "VPN connection", "Outlook",
  "Shared drive", "Wi-Fi", "Desk phone", "Second monitor", "Keyboard", "Password",
  "Scanner", "Projector", "Video call", "Calendar", "Accounting software", "Badge reader",
  "Mobile phone", "Web browser", "Backup", "Excel macro", "Email signature", "Headset",
};

static const char * const problems[] = {
  "does not start", "keeps disconnecting", "is very slow", "shows an error message",
  "jams on every page", "cannot log in", "needs replacing", "stopped working",
  "asks for the password again", "makes a loud noise", "is not recognised",
  "freezes after a few minutes", "cannot be found", "needs to be set up",
  "lost all its settings",
};

static const char * const contexts[] = {
  "", "", "", "", " in meeting room 2", " on floor 3", " since the update",
  " after the office move", " for the new colleague", " since this morning",
  " at reception", " in the warehouse", " when working from home",
};

static const char * const sentences[] = {
  "Since yesterday it has not worked at all.",
  "I tried restarting the computer twice but nothing changed.",
  "The error message says that the connection timed out.",
  "Several colleagues in my team have the same problem.",
  "It worked fine last week before the update.",
  "Could someone please have a look today? We have a deadline on Friday.",
  "I have attached a screenshot of the message.",
  "The printer on our floor shows a paper jam even though the tray is empty.",
  "It only happens when I am connected through the docking station.",
  "My manager asked me to report this here.",
  "The green light is blinking but nothing else happens.",
  "I am working from home this week, so please call me on my mobile.",
  "The problem started after I changed my password.",
  "Other programs seem to work normally.",
  "It takes about ten minutes until the login screen appears.",
  "Please also check whether the backup of my files still runs every night.",
  "I cannot open any documents on the shared drive.",
  "The meeting room is booked all afternoon, so mornings would be better.",
  "This is urgent because customers are waiting for their invoices.",
  "Nothing has been changed on my side as far as I know.",
  "The same thing happened a few months ago and was fixed by replacing the cable.",
  "When I click on send, the message stays in the outbox.",
  "The screen flickers and then goes black for a few seconds.",
  "I need access to the accounting folder for the year-end closing.",
};

static const char * const replies[] = {
  "Thank you, I am looking into it.",
  "Could you tell me which room you are in?",
  "I have restarted the print server; please try again.",
  "Please restart your laptop and let me know if the problem remains.",
  "The replacement part has been ordered and should arrive next week.",
  "I have reset your password; you will get the new one by phone.",
  "This is a known issue with the last update; a fix is on its way.",
  "I will come by your desk after lunch.",
  "Can you send me a screenshot of the error?",
  "The printer driver has been reinstalled.",
  "It works again on my side; can you confirm?",
};

static const char * const categories[] = {
  "Hardware", "Software", "Network", "Accounts", "Printing", "Email", "Phone", "Other",
};

static const char * const departments[] = {
  "Sales", "Accounting", "Reception", "Warehouse", "Management", "Marketing",
};

static const struct {
  const char *login;
  const char *name;
  const char *role;
  int         tier;
  const char *department;
} people[] = {
  /* "disp" is created by hd_store_create () and only renamed */
  { "tech1", "Tom Meyer", "technician", 1, "IT" },
  { "tech2", "Rita Schulz", "technician", 2, "IT" },
  { "tech3", "Ali Kaya", "technician", 3, "IT" },
  { "anna", "Anna Berger", "requester", 0, "Sales" },
  { "ben", "Ben Okafor", "requester", 0, "Accounting" },
  { "carla", "Carla Rossi", "requester", 0, "Reception" },
  { "dieter", "Dieter Wolf", "requester", 0, "Warehouse" },
  { "eva", "Eva Lindqvist", "requester", 0, "Management" },
  { "farid", "Farid Haddad", "requester", 0, "Marketing" },
};

static void
seed_exec (sqlite3    *db,
           const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_printerr ("bench-ticket-list: %s: %s\n", sql, message);
      exit (1);
    }
}

static sqlite3_stmt *
seed_prepare (sqlite3    *db,
              const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-ticket-list: %s: %s\n", sql, sqlite3_errmsg (db));
      exit (1);
    }
  return stmt;
}

static void
seed_step (sqlite3      *db,
           sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_printerr ("bench-ticket-list: seeding: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
  sqlite3_reset (stmt);
}

static void
append_sentences (GString            *text,
                  const char * const *pool,
                  guint               pool_size,
                  guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, pool[rng_below (pool_size)]);
    }
}

/* Fills a fresh helpdesk file at @path with @n tickets. */
static void
seed (const char *path,
      guint       n)
{
  static const char * const statuses[] = { "new", "open", "pending", "resolved", "closed" };
  static const guint status_weights[] = { 8, 14, 8, 20, 50 };          /* percent */
  static const char * const priorities[] = { "low", "normal", "high", "urgent" };
  static const guint priority_weights[] = { 20, 55, 20, 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GString) description = g_string_new (NULL);
  g_autoptr(GString) reply = g_string_new (NULL);
  sqlite3_stmt *add_person, *add_ticket, *add_event, *ids;
  gint64 staff[4], requesters[G_N_ELEMENTS (people)], staff_tier[4];
  guint n_staff = 0, n_requesters = 0;
  gint64 now = g_get_real_time ();
  gint64 span = 730 * US_PER_DAY;
  char title[256];
  sqlite3 *db;

  store = hd_store_create (path, "disp", "Benchmark office", &error);
  if (store == NULL)
    die ("creating the file", error);
  db = hd_store_get_db (store);

  /* Seeding only: nothing here has to survive a crash. */
  seed_exec (db, "PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF;"
                 " PRAGMA cache_size = -262144; BEGIN");

  seed_exec (db, "UPDATE people SET name = 'Dana Fischer', email = 'dana@acme.example',"
                 " department = 'IT', location = 'Floor 1' WHERE login = 'disp'");
  add_person = seed_prepare (db, "INSERT INTO people (login, name, email, role, tier,"
                                 " department, location, created_at)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *email = g_strdup_printf ("%s@acme.example", people[i].login);
      g_autofree char *location = g_strdup_printf ("Floor %u", 1 + i % 4);

      sqlite3_bind_text (add_person, 1, people[i].login, -1, SQLITE_STATIC);
      sqlite3_bind_text (add_person, 2, people[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_text (add_person, 3, email, -1, SQLITE_STATIC);
      sqlite3_bind_text (add_person, 4, people[i].role, -1, SQLITE_STATIC);
      if (people[i].tier > 0)
        sqlite3_bind_int (add_person, 5, people[i].tier);
      else
        sqlite3_bind_null (add_person, 5);
      sqlite3_bind_text (add_person, 6, people[i].department, -1, SQLITE_STATIC);
      sqlite3_bind_text (add_person, 7, location, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (add_person, 8, now - span - US_PER_DAY);
      seed_step (db, add_person);
    }
  sqlite3_finalize (add_person);

  ids = seed_prepare (db, "SELECT id, role, coalesce(tier, 1) FROM people ORDER BY id");
  while (sqlite3_step (ids) == SQLITE_ROW)
    {
      if (strcmp ((const char *) sqlite3_column_text (ids, 1), "requester") == 0)
        requesters[n_requesters++] = sqlite3_column_int64 (ids, 0);
      else if (n_staff < G_N_ELEMENTS (staff))
        {
          staff_tier[n_staff] = sqlite3_column_int64 (ids, 2);
          staff[n_staff++] = sqlite3_column_int64 (ids, 0);
        }
    }
  sqlite3_finalize (ids);
  g_assert (n_staff == 4 && n_requesters == 6);

  add_ticket = seed_prepare (db,
                             "INSERT INTO tickets (title, description, status, priority, category,"
                             " requester_id, assignee_id, tier, department, location, created_at,"
                             " updated_at, first_response_at, resolved_at, closed_at, version)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                             " ?14, ?15, ?16)");
  add_event = seed_prepare (db,
                            "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, new_value, body)"
                            " VALUES (?, ?, ?, ?, ?, ?)");

  for (guint i = 0; i < n; i++)
    {
      guint status = 0, priority = 0, roll;
      gint64 created, updated, requester, assignee = 0, replied = 0, ticket;
      gboolean has_reply = rng_unit () < 0.5 || i % 4000 == 2007;
      guint assignee_index = 0;

      roll = rng_below (100);
      while (roll >= status_weights[status])
        roll -= status_weights[status++];
      roll = rng_below (100);
      while (roll >= priority_weights[priority])
        roll -= priority_weights[priority++];

      /* Filed evenly over two years, last touched up to 30 days later. */
      created = now - span + (gint64) ((double) span * i / n) + rng_below (3600) * G_USEC_PER_SEC;
      updated = MIN (now, created + (gint64) (rng_unit () * rng_unit () * 30 * US_PER_DAY));
      if (has_reply)
        replied = created + (gint64) ((updated - created) * rng_unit ());

      requester = rng_below (100) < 85 ? requesters[rng_below (n_requesters)]
                                       : staff[rng_below (n_staff)];
      /* New tickets are never assigned: 92 % × 76 % ≈ 70 % assigned. */
      if (status != 0 && rng_below (100) < 76)
        {
          assignee_index = rng_below (n_staff);
          assignee = staff[assignee_index];
        }

      g_snprintf (title, sizeof title, "%s %s%s", PICK (subjects), PICK (problems),
                  PICK (contexts));
      g_string_truncate (description, 0);
      append_sentences (description, sentences, G_N_ELEMENTS (sentences), 2 + rng_below (5));
      if (i % 4000 == 7)
        g_string_append (description, " The old plotter in the basement shows the same fault.");

      sqlite3_bind_text (add_ticket, 1, title, -1, SQLITE_STATIC);
      sqlite3_bind_text (add_ticket, 2, description->str, description->len, SQLITE_STATIC);
      sqlite3_bind_text (add_ticket, 3, statuses[status], -1, SQLITE_STATIC);
      sqlite3_bind_text (add_ticket, 4, priorities[priority], -1, SQLITE_STATIC);
      sqlite3_bind_text (add_ticket, 5, PICK (categories), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (add_ticket, 6, requester);
      if (assignee != 0)
        sqlite3_bind_int64 (add_ticket, 7, assignee);
      else
        sqlite3_bind_null (add_ticket, 7);
      sqlite3_bind_int64 (add_ticket, 8, assignee != 0 ? staff_tier[assignee_index] : 1);
      sqlite3_bind_text (add_ticket, 9, PICK (departments), -1, SQLITE_STATIC);
      sqlite3_bind_text (add_ticket, 10, i % 3 ? "Main office" : "Branch office", -1,
                         SQLITE_STATIC);
      sqlite3_bind_int64 (add_ticket, 11, created);
      sqlite3_bind_int64 (add_ticket, 12, updated);
      if (has_reply)
        sqlite3_bind_int64 (add_ticket, 13, replied);
      else
        sqlite3_bind_null (add_ticket, 13);
      if (status >= 3)
        sqlite3_bind_int64 (add_ticket, 14, updated);
      else
        sqlite3_bind_null (add_ticket, 14);
      if (status == 4)
        sqlite3_bind_int64 (add_ticket, 15, updated);
      else
        sqlite3_bind_null (add_ticket, 15);
      sqlite3_bind_int64 (add_ticket, 16, 1 + has_reply + (assignee != 0) + (status > 1) +
                                          (status > 2) + (status > 3));
      seed_step (db, add_ticket);
      ticket = sqlite3_last_insert_rowid (db);

      sqlite3_bind_int64 (add_event, 1, ticket);
      sqlite3_bind_int64 (add_event, 2, created);
      sqlite3_bind_int64 (add_event, 3, requester);
      sqlite3_bind_text (add_event, 4, "created", -1, SQLITE_STATIC);
      sqlite3_bind_text (add_event, 5, title, -1, SQLITE_STATIC);
      sqlite3_bind_null (add_event, 6);
      seed_step (db, add_event);

      if (has_reply)
        {
          g_string_truncate (reply, 0);
          append_sentences (reply, replies, G_N_ELEMENTS (replies), 1 + rng_below (3));
          if (i % 4000 == 2007)
            g_string_append (reply, " We could use the plotter in the basement meanwhile.");

          sqlite3_bind_int64 (add_event, 1, ticket);
          sqlite3_bind_int64 (add_event, 2, replied);
          sqlite3_bind_int64 (add_event, 3, assignee != 0 ? assignee : staff[1 + rng_below (3)]);
          sqlite3_bind_text (add_event, 4, "reply", -1, SQLITE_STATIC);
          sqlite3_bind_null (add_event, 5);
          sqlite3_bind_text (add_event, 6, reply->str, reply->len, SQLITE_STATIC);
          seed_step (db, add_event);
        }
    }

  sqlite3_finalize (add_ticket);
  sqlite3_finalize (add_event);
  seed_exec (db, "COMMIT");
}

/* Runs seed () in a child process: its time and peak memory are its own. */
static void
seed_in_child (const char *path,
               guint       n,
               double     *seconds,
               guint64    *peak_kib)
{
  g_autofree char *count = g_strdup_printf ("%u", n);
  const char *argv[] = { "/proc/self/exe", "--seed", path, "--seed-count", count, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    die ("seeding", error);

  if (sscanf (out, "seeded %lf %" G_GUINT64_FORMAT, seconds, peak_kib) != 2)
    die ("seeding printed no figures", NULL);
}

/* Pushes the file out of the OS page cache, so the next read is cold. */
static void
evict_from_page_cache (const char *path)
{
  int fd = g_open (path, O_RDONLY, 0);

  if (fd < 0)
    return;
  fdatasync (fd);
  posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  close (fd);
}

/* Driving the list as a window would */

typedef struct {
  GMainLoop    *loop;
  HdTicketList *list;
  guint         target;    /* the position whose row we wait for */
  gboolean      waiting;
  gboolean      counted;   /* the count of the current filter arrived */
  gint64        count_at;
  gint64        done_at;
  gint64        settled_at; /* when the list last stopped loading */
  GError       *error;
} Probe;

static gboolean
target_loaded (Probe *p)
{
  g_autoptr(HdTicket) ticket = g_list_model_get_item (G_LIST_MODEL (p->list), p->target);

  return ticket != NULL && !hd_ticket_is_placeholder (ticket);
}

static void
probe_done (Probe *p)
{
  p->done_at = g_get_monotonic_time ();
  p->waiting = FALSE;
  g_main_loop_quit (p->loop);
}

/* After set_filter the first items-changed is the count, (0, old, n): like
 * a view, ask for the row we want to show, which starts its page's fetch.
 * The page arrives as items-changed (page start, len, len). */
static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Probe      *p)
{
  guint n = g_list_model_get_n_items (model);

  if (!p->waiting)
    return;

  if (!p->counted)
    {
      p->counted = TRUE;
      p->count_at = g_get_monotonic_time ();
      if (n == 0)
        probe_done (p);
      else
        {
          p->target = MIN (p->target, n - 1);
          if (target_loaded (p))
            probe_done (p);
        }
      return;
    }

  if (p->target >= position && p->target < position + added && target_loaded (p))
    probe_done (p);
}

/* A count of 0 on an empty list emits nothing: the list just stops
 * loading. count_done () notifies before it emits items-changed, so look
 * once the main loop is idle again. */
static gboolean
check_empty_cb (gpointer data)
{
  Probe *p = data;

  if (p->waiting && !p->counted && !hd_ticket_list_is_loading (p->list) &&
      g_list_model_get_n_items (G_LIST_MODEL (p->list)) == 0)
    {
      p->counted = TRUE;
      p->count_at = g_get_monotonic_time ();
      probe_done (p);
    }
  return G_SOURCE_REMOVE;
}

static void
loading_cb (HdTicketList *list,
            GParamSpec   *pspec,
            Probe        *p)
{
  if (!hd_ticket_list_is_loading (list))
    p->settled_at = g_get_monotonic_time ();
  if (p->waiting && !p->counted && !hd_ticket_list_is_loading (list))
    g_idle_add (check_empty_cb, p);
}

static void
failed_cb (HdTicketList *list,
           GError       *error,
           Probe        *p)
{
  g_clear_error (&p->error);
  p->error = g_error_copy (error);
  g_main_loop_quit (p->loop);
}

static gboolean
timeout_cb (gpointer data)
{
  Probe *p = data;

  g_set_error_literal (&p->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no rows after 10 minutes");
  g_main_loop_quit (p->loop);
  return G_SOURCE_REMOVE;
}

static void
probe_run (Probe *p)
{
  guint timeout = g_timeout_add_seconds (600, timeout_cb, p);

  g_main_loop_run (p->loop);
  if (p->error != NULL)
    die ("the ticket list", p->error);
  g_source_remove (timeout);
}

/* Lets work of earlier filters finish, so it does not count for the next. */
static void
probe_settle (Probe *p)
{
  while (hd_ticket_list_is_loading (p->list))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
probe_set_list (Probe        *p,
                HdTicketList *list)
{
  if (p->list != NULL)
    {
      g_signal_handlers_disconnect_by_data (p->list, p);
      g_object_unref (p->list);
    }
  p->list = list;
  if (list != NULL)
    {
      g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), p);
      g_signal_connect (list, "notify::loading", G_CALLBACK (loading_cb), p);
      g_signal_connect (list, "failed", G_CALLBACK (failed_cb), p);
    }
}

/* Shows a small other list first: the list takes the same filter set
 * again as a reload, which changes nothing. */
static void
probe_switch_away (Probe *p)
{
  HdTicketFilter other = { .status_mask = HD_STATUS_MASK (HD_STATUS_PENDING),
                           .sort = HD_TICKET_SORT_NUMBER, .search = "zeppelin" };

  probe_settle (p);
  hd_ticket_list_set_filter (p->list, &other);
  probe_settle (p);
}

/* Sets @filter and waits until the row at @target (or the last one) is
 * loaded. Returns milliseconds since @start; @count_ms: until the count. */
static double
apply_filter (Probe                *p,
              const HdTicketFilter *filter,
              gint64                start,
              double               *count_ms)
{
  p->target = 0;
  p->counted = FALSE;
  p->waiting = TRUE;
  hd_ticket_list_set_filter (p->list, filter);
  probe_run (p);

  if (count_ms != NULL)
    *count_ms = ms_since (start, p->count_at);
  return ms_since (start, p->done_at);
}

/* Asks for the row at @position and waits until it is loaded. */
static double
jump_to (Probe *p,
         guint  position)
{
  gint64 start = g_get_monotonic_time ();

  p->target = position;
  p->counted = TRUE;
  p->waiting = TRUE;
  if (target_loaded (p))
    return 0;

  probe_run (p);
  return ms_since (start, p->done_at);
}

static guint
n_items (Probe *p)
{
  return g_list_model_get_n_items (G_LIST_MODEL (p->list));
}

static void plans (const char *path,
                   guint       size);

/* The measurements */

static const char * const sort_names[] = {
  [HD_TICKET_SORT_NUMBER] = "number",
  [HD_TICKET_SORT_TITLE] = "title",
  [HD_TICKET_SORT_REQUESTER] = "requester",
  [HD_TICKET_SORT_PRIORITY] = "priority",
  [HD_TICKET_SORT_STATUS] = "status",
  [HD_TICKET_SORT_ASSIGNEE] = "assignee",
  [HD_TICKET_SORT_UPDATED] = "updated",
  [HD_TICKET_SORT_DUE] = "due",
};

static const struct {
  const char *name;
  const char *word;
} searches[] = {
  { "common", "printer" },
  { "rare", "plotter" },
  { "none", "zeppelin" },
};

/* The "All open" view: new, open and pending, last updated first. */
static HdTicketFilter
all_open (void)
{
  HdTicketFilter filter = {
    .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) | HD_STATUS_MASK (HD_STATUS_OPEN) |
                   HD_STATUS_MASK (HD_STATUS_PENDING),
    .sort = HD_TICKET_SORT_UPDATED,
    .descending = TRUE,
  };

  return filter;
}

/* A new list on @path, as a window opening: until its first page shows. */
static double
measure_open (Probe      *p,
              const char *path,
              gboolean    cold,
              double     *count_ms)
{
  HdTicketFilter filter = all_open ();
  gint64 start;

  probe_set_list (p, NULL);
  if (cold)
    evict_from_page_cache (path);

  start = g_get_monotonic_time ();
  probe_set_list (p, hd_ticket_list_new (path, login));
  return apply_filter (p, &filter, start, count_ms);
}

/* The time until the first rows, and until the whole list is known (the
 * list stops loading). */
static void
report_filter (Probe                *p,
               guint                 size,
               const char           *what,
               const HdTicketFilter *filter)
{
  double total[MAX_RUNS] = { 0 }, all[MAX_RUNS] = { 0 };
  g_autofree char *all_name = g_strdup_printf ("%s.all", what);
  int runs;

  for (runs = 0; another_run (runs, total[0]); runs++)
    {
      gint64 start;

      probe_switch_away (p);
      start = g_get_monotonic_time ();
      total[runs] = apply_filter (p, filter, start, NULL);
      probe_settle (p);
      all[runs] = ms_since (start, p->settled_at);
    }

  report (size, what, median (total, runs), "ms");
  report (size, all_name, median (all, runs), "ms");
}

static void
report_jump (Probe      *p,
             const char *path,
             guint       size,
             const char *what,
             gboolean    last)
{
  HdTicketFilter filter = all_open ();
  double times[MAX_RUNS] = { 0 };
  int runs;

  for (runs = 0; another_run (runs, times[0]); runs++)
    {
      guint n;

      /* A new list each time, so the page is not held yet; the view
       * jumps once the list is known. */
      probe_set_list (p, hd_ticket_list_new (path, login));
      apply_filter (p, &filter, g_get_monotonic_time (), NULL);
      probe_settle (p);
      n = n_items (p);
      times[runs] = n > 0 ? jump_to (p, last ? n - 1 : n / 2) : 0;
    }
  report (size, what, median (times, runs), "ms");
}

/* Outside changes: another connection files a ticket (and every other
 * time updates one deep in the list) while the list shows its first rows,
 * as in the window; the list hears of the tickets as from the monitor.
 * The time is from the reload until the new ticket's real row is in the
 * list, near the top. The monitor's poll interval (1 s) comes on top in a window. */
static void
report_live (Probe      *p,
             const char *path,
             guint       size)
{
  HdTicketFilter filter = all_open ();
  g_autoptr(HdStore) writer = NULL;
  g_autoptr(GError) error = NULL;
  double times[LIVE_CHANGES];
  guint n;

  writer = hd_store_open (path, login, &error);
  if (writer == NULL)
    die ("opening the file to change it", error);

  probe_switch_away (p);
  apply_filter (p, &filter, g_get_monotonic_time (), NULL);
  probe_settle (p);
  n = n_items (p);

  for (guint i = 0; i < LIVE_CHANGES; i++)
    {
      HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
      HdTicketChanges touch = { .title = "Touched by another desk" };
      g_autoptr(HdTicket) filed = NULL;
      g_autoptr(HdTicket) touched = NULL;
      g_autoptr(HdTicket) deep = NULL;
      gint64 numbers[2], start;
      guint at;

      /* A row deep in the list, held by the list as a view would. */
      p->target = n / 2;
      if (!target_loaded (p))
        jump_to (p, n / 2);
      deep = g_list_model_get_item (G_LIST_MODEL (p->list), n / 2);

      /* The ticket filed last is the last updated: it goes to the top. */
      numbers[1] = hd_ticket_get_number (deep);
      if (i % 2 == 1 && (touched = hd_store_update_ticket (writer, numbers[1], 0, &touch,
                                                           &error)) == NULL)
        die ("updating a ticket", error);
      draft.title = "Filed by another desk";
      filed = hd_store_create_ticket (writer, &draft, &error);
      if (filed == NULL)
        die ("filing a ticket", error);
      numbers[0] = hd_ticket_get_number (filed);

      start = g_get_monotonic_time ();
      hd_ticket_list_reload_tickets (p->list, numbers, i % 2 == 1 ? 2 : 1);
      while ((at = hd_ticket_list_find (p->list, numbers[0])) == G_MAXUINT)
        g_main_context_iteration (NULL, TRUE);
      jump_to (p, at);
      times[i] = ms_since (start, g_get_monotonic_time ());
      probe_settle (p);
      n = n_items (p);
    }

  qsort (times, LIVE_CHANGES, sizeof (double), compare_double);
  report (size, "outside_change_p50", times[LIVE_CHANGES / 2], "ms");
  report (size, "outside_change_p95", times[LIVE_CHANGES * 95 / 100], "ms");
}

/* What a window's list costs after being used: ten sorts, a jump to the
 * end and back, twenty outside changes (report_live()). */
static void
report_memory (Probe      *p,
               const char *path,
               guint       size)
{
  reset_peak_rss ();
  report (size, "rss_before_use", mib (proc_status_kib ("VmRSS:")), "MiB");

  for (guint i = 0; i < 10; i++)
    {
      HdTicketFilter sorted = all_open ();

      sorted.sort = (HdTicketSort) (i % (HD_TICKET_SORT_DUE + 1));
      sorted.descending = i % 2;
      probe_switch_away (p);
      apply_filter (p, &sorted, g_get_monotonic_time (), NULL);
    }
  probe_settle (p);
  if (n_items (p) > 0)
    {
      jump_to (p, n_items (p) - 1);
      jump_to (p, 0);
    }
  report_live (p, path, size);

  report (size, "rss_after_use", mib (proc_status_kib ("VmRSS:")), "MiB");
  report (size, "peak_rss_use", mib (proc_status_kib ("VmHWM:")), "MiB");
}

static void
measure (const char *path,
         guint       size,
         gboolean    largest)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Probe p = { .loop = loop };
  HdTicketFilter all_tickets = { .sort = HD_TICKET_SORT_NUMBER, .descending = TRUE };
  double times[MAX_RUNS] = { 0 }, counts[MAX_RUNS] = { 0 }, pages[SCROLL_PAGES];
  guint n_pages;
  int runs;

  reset_peak_rss ();
  report (size, "rss_before", mib (proc_status_kib ("VmRSS:")), "MiB");

  for (runs = 0; another_run (runs, times[0]); runs++)
    times[runs] = measure_open (&p, path, TRUE, &counts[runs]);
  report_int (size, "open_tickets_first", n_items (&p), "tickets");
  report (size, "first_page_cold", median (times, runs), "ms");

  for (runs = 0; another_run (runs, times[0]); runs++)
    times[runs] = measure_open (&p, path, FALSE, &counts[runs]);
  report (size, "first_page_warm", median (times, runs), "ms");
  probe_settle (&p);
  report_int (size, "open_tickets", n_items (&p), "tickets");

  for (int sort = HD_TICKET_SORT_NUMBER; sort <= HD_TICKET_SORT_DUE; sort++)
    for (int descending = 0; descending <= 1; descending++)
      {
        g_autofree char *what = g_strdup_printf ("sort_%s_%s", sort_names[sort],
                                                 descending ? "desc" : "asc");
        HdTicketFilter sorted = all_open ();

        sorted.sort = sort;
        sorted.descending = descending;
        report_filter (&p, size, what, &sorted);
      }

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autofree char *what = g_strdup_printf ("search_%s", searches[i].name);
      g_autofree char *matches = g_strdup_printf ("search_%s_matches", searches[i].name);
      HdTicketFilter search = all_open ();

      search.search = searches[i].word;
      report_filter (&p, size, what, &search);
      report_int (size, matches, n_items (&p), "tickets");
    }

  report_jump (&p, path, size, "jump_middle", FALSE);
  report_jump (&p, path, size, "jump_last", TRUE);

  /* Scrolling down page by page, as far as 200 pages go, in "All
   * tickets", newest first. The model holds at most 1 200 rows whatever
   * the order. */
  probe_switch_away (&p);
  apply_filter (&p, &all_tickets, g_get_monotonic_time (), NULL);
  probe_settle (&p);
  n_pages = MIN (SCROLL_PAGES, (n_items (&p) + HD_TICKET_LIST_PAGE_SIZE - 1) /
                               HD_TICKET_LIST_PAGE_SIZE);
  for (guint page = 0; page < n_pages; page++)
    pages[page] = jump_to (&p, page * HD_TICKET_LIST_PAGE_SIZE);
  report_int (size, "scroll_pages", n_pages, "pages");
  if (n_pages > 0)
    report (size, "scroll_page", median (pages, n_pages), "ms");
  report_int (size, "pages_held", hd_ticket_list_get_n_loaded_pages (p.list), "pages");
  report (size, "rss_after_scroll", mib (proc_status_kib ("VmRSS:")), "MiB");
  report (size, "peak_rss", mib (proc_status_kib ("VmHWM:")), "MiB");

  /* A list as a window opens it, then used. */
  probe_set_list (&p, hd_ticket_list_new (path, login));
  report_memory (&p, path, size);
  probe_set_list (&p, NULL);

  if (largest)
    plans (path, size);
}

static void
bench_size (const char *dir,
            guint       size,
            gboolean    largest)
{
  g_autofree char *name = g_strdup_printf ("bench-%u.helpdesk", size);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *locking = g_strconcat (path, ".locking", NULL);
  double seed_s;
  guint64 seed_peak;
  GStatBuf st;

  set_cleanup (cleanup_file, path);
  set_cleanup (cleanup_journal, journal);
  seed_in_child (path, size, &seed_s, &seed_peak);
  report (size, "seed_time", seed_s, "s");
  report (size, "seed_peak_rss", mib (seed_peak), "MiB");
  if (g_stat (path, &st) == 0)
    report (size, "file_size", st.st_size / 1048576.0, "MiB");

  measure (path, size, largest);

  g_unlink (path);
  g_unlink (journal);
  g_unlink (locking);
  set_cleanup (cleanup_file, NULL);
  set_cleanup (cleanup_journal, NULL);
}

/* Query plans, from a connection of our own that records what SQL the
 * store runs for a filter. */

static int
trace_cb (unsigned  type,
          void     *data,
          void     *stmt,
          void     *sql)
{
  char **last = data;

  if (type == SQLITE_TRACE_STMT && g_str_has_prefix (sql, "SELECT"))
    {
      g_free (*last);
      *last = g_strdup (sql);
    }
  return 0;
}

static void
print_plan (sqlite3    *db,
            guint       size,
            const char *what,
            const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr(GHashTable) depth = g_hash_table_new (NULL, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL) != SQLITE_OK)
    {
      printf ("plan: %u %s (cannot explain: %s)\n", size, what, sqlite3_errmsg (db));
      return;
    }

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int id = sqlite3_column_int (stmt, 0);
      int parent = sqlite3_column_int (stmt, 1);
      guint level = parent == 0 ? 0
                    : GPOINTER_TO_UINT (g_hash_table_lookup (depth, GINT_TO_POINTER (parent))) + 1;

      g_hash_table_insert (depth, GINT_TO_POINTER (id), GUINT_TO_POINTER (level));
      printf ("plan: %u %s %*s%s\n", size, what, (int) level * 2, "",
              (const char *) sqlite3_column_text (stmt, 3));
    }
  fflush (stdout);
}

static void
plans (const char *path,
       guint       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "disp", &error);
  g_autofree char *sql = NULL;
  HdTicketFilter filter = all_open ();
  guint count;

  if (store == NULL)
    die ("opening the file for its query plans", error);
  sqlite3_trace_v2 (hd_store_get_db (store), SQLITE_TRACE_STMT, trace_cb, &sql);

  if (!hd_store_count_tickets (store, &filter, &count, &error))
    die ("counting", error);
  print_plan (hd_store_get_db (store), size, "count", sql);

  filter.limit = HD_TICKET_LIST_PAGE_SIZE;
  for (int sort = HD_TICKET_SORT_NUMBER; sort <= HD_TICKET_SORT_UPDATED; sort++)
    for (int descending = 0; descending <= 1; descending++)
      {
        g_autofree char *what = g_strdup_printf ("sort_%s_%s", sort_names[sort],
                                                 descending ? "desc" : "asc");
        g_autoptr(GPtrArray) rows = NULL;

        filter.sort = sort;
        filter.descending = descending;
        rows = hd_store_list_tickets (store, &filter, &error);
        if (rows == NULL)
          die ("listing", error);
        print_plan (hd_store_get_db (store), size, what, sql);
      }

  filter = all_open ();
  filter.search = searches[0].word;
  if (!hd_store_count_tickets (store, &filter, &count, &error))
    die ("counting", error);
  print_plan (hd_store_get_db (store), size, "search.count", sql);
  filter.limit = HD_TICKET_LIST_PAGE_SIZE;
  {
    g_autoptr(GPtrArray) rows = hd_store_list_tickets (store, &filter, &error);

    if (rows == NULL)
      die ("searching", error);
    print_plan (hd_store_get_db (store), size, "search", sql);
  }

  sqlite3_trace_v2 (hd_store_get_db (store), 0, NULL, NULL);
}

/* Main */

static guint
count_all (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, login, &error);
  HdTicketFilter all = { 0 };
  guint n = 0;

  if (store == NULL || !hd_store_count_tickets (store, &all, &n, &error))
    die (path, error);
  return n;
}

static gboolean
parse_sizes (const char *text,
             GArray     *sizes)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GString) digits = g_string_new (g_strstrip (parts[i]));
      guint64 value;
      guint size;

      g_string_replace (digits, "_", "", 0);
      if (!g_ascii_string_to_unsigned (digits->str, 10, 1, 100000000, &value, NULL))
        return FALSE;
      size = value;
      g_array_append_val (sizes, size);
    }
  return sizes->len > 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sizes_text = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *seed_path = NULL;
  g_autofree char *file = NULL;
  g_autofree char *template = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int seed_count = 0;
  guint largest = 0;
  const GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_text,
      "Numbers of tickets, comma-separated (default 1000,100000,1000000)", "N,N,…" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs per figure; the median is reported (3)",
      "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &parent,
      "Where to make the temporary folder, e.g. on a network share (default: $TMPDIR)", "DIR" },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      "Measure this helpdesk file instead of seeding new ones; it is changed (use a copy)",
      "FILE" },
    { "login", 0, 0, G_OPTION_ARG_STRING, &login, "Who looks at --file (default disp)", "LOGIN" },
    { "seed", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &seed_path, NULL, NULL },
    { "seed-count", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &seed_count, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new ("— how fast the ticket list fills from large files");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);

  if (seed_path != NULL)
    {
      gint64 start = g_get_monotonic_time ();

      seed (seed_path, MAX (seed_count, 0));
      printf ("seeded %f %" G_GUINT64_FORMAT "\n",
              (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
              proc_status_kib ("VmHWM:"));
      return 0;
    }

  if (file != NULL)
    {
      printf ("# bench-ticket-list: SQLite %s; medians of %d run(s), one run when it takes"
              " over %.0f ms; %s as %s\n", sqlite3_libversion (), n_runs, SLOW_MS, file, login);
      measure (file, count_all (file), TRUE);
      return 0;
    }

  if (!parse_sizes (sizes_text != NULL ? sizes_text : "1000,100000,1000000", sizes) ||
      n_runs < 1 || n_runs > MAX_RUNS)
    {
      g_printerr ("bench-ticket-list: --sizes takes numbers such as 1000,100000 and --runs 1 to 99\n");
      return 1;
    }

  for (guint i = 0; i < sizes->len; i++)
    largest = MAX (largest, g_array_index (sizes, guint, i));

  if (parent != NULL)
    {
      template = g_build_filename (parent, "helpdesk-bench-XXXXXX", NULL);
      dir = g_strdup (g_mkdtemp (template));
      if (dir == NULL)
        {
          g_printerr ("bench-ticket-list: cannot make a folder in %s: %s\n", parent,
                      g_strerror (errno));
          return 1;
        }
    }
  else if ((dir = g_dir_make_tmp ("helpdesk-bench-XXXXXX", &error)) == NULL)
    die ("temporary folder", error);

  install_cleanup (dir);
  printf ("# bench-ticket-list: SQLite %s; medians of %d run(s), one run when it takes over"
          " %.0f ms; files in %s\n", sqlite3_libversion (), n_runs, SLOW_MS, dir);

  for (guint i = 0; i < sizes->len; i++)
    {
      guint size = g_array_index (sizes, guint, i);

      /* Plans once, on the first file of the largest size. */
      bench_size (dir, size, size == largest);
      if (size == largest)
        largest = 0;
    }

  if (g_rmdir (dir) != 0)
    g_printerr ("bench-ticket-list: could not remove %s: %s\n", dir, g_strerror (errno));
  return 0;
}
