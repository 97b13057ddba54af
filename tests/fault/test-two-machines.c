/* test-two-machines.c — one helpdesk file, two "machines" that share it
 *
 * The same folder is mounted twice with bindfs (hd-test-share.h). Writers
 * on both mounts add replies to one ticket; every reply a writer saw
 * committed must be in the file afterwards, and the file must be sound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "hd-store-private.h"
#include "hd-test-share.h"

#define WRITERS 6
#define REPLIES 60

/* Worker: adds REPLIES replies to ticket 1 through one mount and prints how
 * many it saw committed, and how many were refused for the locking method. */
static int
worker_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "tech1", &error);
  int committed = 0;
  int refused = 0;

  if (store == NULL)
    {
      g_printerr ("worker: %s\n", error->message);
      g_print ("0 0\n");
      return 0;
    }

  hd_store_set_busy_timeout (store, 60000);
  for (int i = 0; i < REPLIES; i++)
    {
      g_autoptr(HdTicketEvent) event = NULL;
      g_autofree char *body = g_strdup_printf ("reply %d from %d", i, (int) getpid ());

      g_clear_error (&error);
      event = hd_store_add_comment (store, 1, body, FALSE, &error);
      if (event != NULL)
        committed++;
      else if (g_error_matches (error, HD_ERROR, HD_ERROR_WRONG_LOCKING))
        refused++;
    }

  g_print ("%d %d\n", committed, refused);
  return 0;
}

static char *self_path;

/* Runs WRITERS workers, alternating mounts, all at once; returns how many
 * replies they saw committed, and sets @refused to how many were refused
 * for the locking method. */
static int
run_writers (HdTestShare *share,
             int         *refused)
{
  g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func (g_object_unref);
  int committed = 0;

  *refused = 0;
  for (int i = 0; i < WRITERS; i++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autofree char *path = g_build_filename (share->mounts[i % 2], "helpdesk.db", NULL);
      g_autoptr(GError) error = NULL;
      GSubprocess *worker;

      g_subprocess_launcher_setenv (launcher, "HD_TEST_WORKER", path, TRUE);
      worker = g_subprocess_launcher_spawn (launcher, &error, self_path, NULL);
      g_assert_no_error (error);
      g_ptr_array_add (workers, worker);
    }

  for (guint i = 0; i < workers->len; i++)
    {
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;

      g_subprocess_communicate_utf8 (g_ptr_array_index (workers, i), NULL, NULL, &out, NULL,
                                     &error);
      g_assert_no_error (error);
      committed += atoi (out);
      *refused += atoi (strchr (out, ' ') + 1);
    }

  return committed;
}

/* How many replies the file holds, and whether it is sound. */
static int
count_replies (const char *path,
               gboolean   *sound)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int replies = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  *sound = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK &&
           sqlite3_step (stmt) == SQLITE_ROW &&
           g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM ticket_events WHERE kind = 'reply'", -1,
                          &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    replies = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return replies;
}

static void
test_dotfile_loses_nothing (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  gboolean sound = FALSE;
  int committed, stored, refused;

  if (share == NULL)
    return;

  path = hd_test_share_seed (share, HD_LOCKING_DOTFILE);
  committed = run_writers (share, &refused);
  hd_test_share_unmount (share);
  stored = count_replies (path, &sound);

  g_test_message ("dot-file locking: %d replies committed, %d in the file, %s", committed,
                  stored, sound ? "sound" : "DAMAGED");
  g_assert_true (sound);
  g_assert_cmpint (committed, ==, WRITERS * REPLIES);
  g_assert_cmpint (refused, ==, 0);
  g_assert_cmpint (stored, ==, committed);
}

/* Why the method matters: POSIX locks, which these two mounts do not
 * share, once let these writers lose work or damage the file. A file
 * made with them on the server's own disk and opened through the mounts
 * now refuses every write, and stays as it was. */
static void
test_posix_on_such_a_share_is_refused (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  gboolean sound = FALSE;
  int committed, stored, refused;

  if (share == NULL)
    return;

  path = hd_test_share_seed (share, HD_LOCKING_POSIX);
  committed = run_writers (share, &refused);
  hd_test_share_unmount (share);
  stored = count_replies (path, &sound);

  g_test_message ("POSIX locking across the two mounts: %d replies committed, %d in the file, %s",
                  committed, stored, sound ? "sound" : "DAMAGED");
  g_assert_true (sound);
  g_assert_cmpint (committed, ==, 0);
  g_assert_cmpint (refused, ==, WRITERS * REPLIES);
  g_assert_cmpint (stored, ==, 0);
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

  g_test_add_func ("/fault/two-machines/dotfile-loses-nothing", test_dotfile_loses_nothing);
  g_test_add_func ("/fault/two-machines/posix-is-refused",
                   test_posix_on_such_a_share_is_refused);

  return g_test_run ();
}
