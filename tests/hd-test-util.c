/* hd-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>

#include "hd-test-util.h"

/* G_TEST_OPTION_ISOLATE_DIRS gives every test case its own XDG folders
 * (but not its own TMPDIR): files go there and vanish with the test. */
const char *
hd_test_dir (void)
{
  const char *dir = g_get_user_data_dir ();

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

char *
hd_test_new_path (const char *name)
{
  static guint counter;
  g_autofree char *base = g_strdup_printf ("%s-%u.db", name, ++counter);

  return g_build_filename (hd_test_dir (), base, NULL);
}

static void
add_person (HdStore    *store,
            const char *login,
            HdRole      role,
            int         tier)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) person = NULL;
  HdPersonDraft draft = { .login = login, .name = login, .role = role, .tier = tier };

  person = hd_store_add_person (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
}

void
hd_test_add_people (HdStore *store)
{
  add_person (store, "tech1", HD_ROLE_TECHNICIAN, 1);
  add_person (store, "tech2", HD_ROLE_TECHNICIAN, 2);
  add_person (store, "req1", HD_ROLE_REQUESTER, 0);
  add_person (store, "req2", HD_ROLE_REQUESTER, 0);
}

HdStore *
hd_test_new_helpdesk_at (const char *path)
{
  g_autoptr(GError) error = NULL;
  HdStore *store;

  store = hd_store_create (path, "disp", "Test office", &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  hd_test_add_people (store);
  return store;
}

HdStore *
hd_test_new_helpdesk (char **path)
{
  g_autofree char *file = hd_test_new_path ("helpdesk");
  HdStore *store = hd_test_new_helpdesk_at (file);

  if (path != NULL)
    *path = g_steal_pointer (&file);
  return store;
}

HdStore *
hd_test_open_as (const char *path,
                 const char *login)
{
  g_autoptr(GError) error = NULL;
  HdStore *store = hd_store_open (path, login, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

void
hd_test_office_set_up (HdTestOffice  *office,
                       gconstpointer  data)
{
  office->disp = hd_test_new_helpdesk (&office->path);
  office->tech1 = hd_test_open_as (office->path, "tech1");
  office->req1 = hd_test_open_as (office->path, "req1");
  office->req2 = hd_test_open_as (office->path, "req2");
}

void
hd_test_office_tear_down (HdTestOffice  *office,
                          gconstpointer  data)
{
  g_clear_object (&office->disp);
  g_clear_object (&office->tech1);
  g_clear_object (&office->req1);
  g_clear_object (&office->req2);
  g_free (office->path);
}

HdTicket *
hd_test_file_ticket (HdStore    *store,
                     const char *title)
{
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  HdTicket *ticket;

  draft.title = title;
  draft.description = "Details";
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  return ticket;
}

GBytes *
hd_test_read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* Calendars and instants, for the SLA engine's tests */

gboolean
hd_test_have_zone (const char *zone)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);

  if (tz == NULL)
    {
      g_autofree char *message = g_strdup_printf ("the time zone %s is not installed", zone);

      g_test_skip (message);
      return FALSE;
    }

  return TRUE;
}

HdCalendar *
hd_test_new_calendar (const char *zone,
                      const char *hours,
                      const char *holidays)
{
  g_autoptr(GError) error = NULL;
  HdCalendar *cal = hd_calendar_new (zone, hours, holidays, &error);

  g_assert_no_error (error);
  return cal;
}

/* “YYYY-MM-DD HH:MM[:SS][±HH:MM]”, in the calendar's zone unless an offset
 * is given; read by GLib. */
gint64
hd_test_at (HdCalendar *cal,
            const char *text)
{
  g_autoptr(GString) iso = g_string_new (text);
  g_autoptr(GDateTime) dt = NULL;

  g_assert_cmpuint (iso->len, >=, 16);
  iso->str[10] = 'T';
  if (iso->len == 16 || iso->str[16] != ':')
    g_string_insert (iso, 16, ":00");

  dt = g_date_time_new_from_iso8601 (iso->str, hd_calendar_get_time_zone (cal));
  if (dt == NULL)
    g_error ("cannot read the test's time “%s”", text);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static char *
show (HdCalendar *cal,
      gint64      instant)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;

  if (instant == HD_CALENDAR_NEVER)
    return g_strdup ("never");

  utc = g_date_time_new_from_unix_utc (instant / G_USEC_PER_SEC);
  local = g_date_time_to_timezone (utc, hd_calendar_get_time_zone (cal));
  text = g_date_time_format (local, "%Y-%m-%d %H:%M:%S%:z");
  if (instant % G_USEC_PER_SEC != 0)
    return g_strdup_printf ("%s + %" G_GINT64_FORMAT " µs", text, instant % G_USEC_PER_SEC);

  return g_steal_pointer (&text);
}

void
hd_test_assert_instant (const char *file,
                        int         line,
                        const char *func,
                        HdCalendar *cal,
                        gint64      actual,
                        const char *expected)
{
  gint64 wanted = hd_test_at (cal, expected);

  if (actual != wanted)
    {
      g_autofree char *got = show (cal, actual);
      g_autofree char *want = show (cal, wanted);
      g_autofree char *message = g_strdup_printf ("instant is %s, expected %s", got, want);

      g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
    }
}

int
hd_test_run_cli (const char  *path,
                  char       **out,
                  char       **err,
                  ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("HELPDESK_CLI");
  const char *arg;
  va_list ap;

  g_assert_true (cli != NULL && cli[0] != '\0');
  g_clear_pointer (out, g_free);
  g_clear_pointer (err, g_free);
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) path);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", "disp", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HELPDESK_DB");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

gint64
hd_test_query_int (const char *path,
                   const char *sql,
                   const char *arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

char *
hd_test_query_text (const char *path,
                    const char *sql,
                    const char *arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}
