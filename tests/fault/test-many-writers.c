/* test-many-writers.c — eight processes change the same tickets at once
 *
 * 8 processes each make 250 updates to the same two tickets through one
 * path: every update must be in the file (versions and history agree), and
 * the file must pass helpdesk-cli check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-store-private.h"
#include "hd-test-util.h"

#include <string.h>

#define WRITERS 8
#define UPDATES 250

static char *self_path;

/* Worker: UPDATES title changes, alternating between tickets 1 and 2,
 * each on whatever version the file holds (if_version 0). */
static int
worker_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "tech1", &error);

  if (store == NULL)
    {
      g_printerr ("worker: %s\n", error->message);
      return 1;
    }

  hd_store_set_busy_timeout (store, 60000);
  for (int i = 0; i < UPDATES; i++)
    {
      g_autofree char *title = g_strdup_printf ("Update %d of worker %d", i, (int) getpid ());
      HdTicketChanges changes = { .title = title };
      g_autoptr(HdTicket) ticket = hd_store_update_ticket (store, 1 + i % 2, 0, &changes,
                                                           &error);

      if (ticket == NULL)
        {
          g_printerr ("worker: %s\n", error->message);
          return 1;
        }
    }

  return 0;
}

static gint64
query (HdStore    *store,
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

static void
test_eight_writers (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdTicket) first = hd_test_file_ticket (store, "Shared one");
  g_autoptr(HdTicket) second = hd_test_file_ticket (store, "Shared two");
  g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSubprocess) check = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *check_out = NULL;
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < WRITERS; i++)
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
      GSubprocess *worker;

      g_subprocess_launcher_setenv (launcher, "HD_TEST_WORKER", path, TRUE);
      /* Opening reads the file too: under this contention, on a loaded
       * machine, a reader can wait longer than the default 5 s. */
      g_subprocess_launcher_setenv (launcher, "HELPDESK_BUSY_TIMEOUT", "60000", TRUE);
      worker = g_subprocess_launcher_spawn (launcher, &error, self_path, NULL);
      g_assert_no_error (error);
      g_ptr_array_add (workers, worker);
    }

  for (guint i = 0; i < workers->len; i++)
    {
      g_subprocess_wait_check (g_ptr_array_index (workers, i), NULL, &error);
      g_assert_no_error (error);
    }
  g_test_message ("%d x %d updates in %.2f s", WRITERS, UPDATES,
                  (g_get_monotonic_time () - start) / 1e6);

  /* Every update is there: one field event each, and the versions count
   * them all (each ticket started at version 1). */
  g_assert_cmpint (query (store, "SELECT count(*) FROM ticket_events WHERE kind = 'field'"), ==,
                   WRITERS * UPDATES);
  g_assert_cmpint (query (store, "SELECT sum(version) FROM tickets"), ==,
                   2 + WRITERS * UPDATES);

  check = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("HELPDESK_CLI"),
                            "--db", path, "check", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (check, NULL, NULL, &check_out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (check));
  g_assert_cmpint (g_subprocess_get_exit_status (check), ==, 0);
  g_assert_nonnull (strstr (check_out, "is sound"));
}

int
main (int   argc,
      char *argv[])
{
  const char *worker = g_getenv ("HD_TEST_WORKER");

  if (worker != NULL)
    return worker_main (worker);

  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/fault/many-writers/eight-times-250", test_eight_writers);

  return g_test_run ();
}
