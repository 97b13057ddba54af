/* test-two-machines.c — one helpdesk file, two "machines" that share it
 *
 * The same folder is mounted twice with bindfs (direct_io, no attribute
 * caching). POSIX locks taken through one mount are invisible through the
 * other, exactly as between two machines whose share does not carry locks.
 * Writers on both mounts add replies to one ticket; every reply a writer
 * saw committed must be in the file afterwards, and the file must be
 * sound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hd-store-private.h"

#define WRITERS 6
#define REPLIES 60

typedef struct {
  char *root;
  char *src;
  char *mounts[2];
  gboolean mounted[2];
} Share;

static gboolean
run (const char * const *argv)
{
  int status = -1;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH |
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

static void
share_unmount (Share *share)
{
  for (int i = 0; i < 2; i++)
    if (share->mounted[i])
      {
        const char *fusermount = g_find_program_in_path ("fusermount3") ? "fusermount3"
                                                                        : "fusermount";
        const char *argv[] = { fusermount, "-u", share->mounts[i], NULL };

        share->mounted[i] = !run (argv);
      }
}

static void
share_free (Share *share)
{
  const char *rm[] = { "rm", "-rf", share->root, NULL };

  share_unmount (share);
  if (!share->mounted[0] && !share->mounted[1] && share->root != NULL)
    run (rm);
  g_free (share->src);
  g_free (share->mounts[0]);
  g_free (share->mounts[1]);
  g_free (share->root);
  g_free (share);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Share, share_free)

/* NULL (and the test skipped) where FUSE or bindfs is not available. */
static Share *
share_new (void)
{
  g_autoptr(Share) share = g_new0 (Share, 1);
  g_autoptr(GError) error = NULL;

  if (g_find_program_in_path ("bindfs") == NULL ||
      (g_find_program_in_path ("fusermount") == NULL &&
       g_find_program_in_path ("fusermount3") == NULL))
    {
      g_test_skip ("bindfs and fusermount are needed (Debian packages bindfs, fuse3)");
      return NULL;
    }

  share->root = g_dir_make_tmp ("hd-share-XXXXXX", &error);
  g_assert_no_error (error);
  share->src = g_build_filename (share->root, "server", NULL);
  g_assert_cmpint (g_mkdir (share->src, 0700), ==, 0);

  for (int i = 0; i < 2; i++)
    {
      const char *argv[] = { "bindfs", "-o", "direct_io,attr_timeout=0,entry_timeout=0",
                             share->src, NULL, NULL };
      g_autofree char *name = g_strdup_printf ("desk%d", i + 1);

      share->mounts[i] = g_build_filename (share->root, name, NULL);
      g_assert_cmpint (g_mkdir (share->mounts[i], 0700), ==, 0);
      argv[4] = share->mounts[i];
      share->mounted[i] = run (argv);
      if (!share->mounted[i])
        {
          g_test_skip ("bindfs could not mount (no /dev/fuse?)");
          return NULL;
        }
    }

  return g_steal_pointer (&share);
}

/* Worker: adds REPLIES replies to ticket 1 through one mount and prints how
 * many it saw committed. */
static int
worker_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open (path, "tech1", &error);
  int committed = 0;

  if (store == NULL)
    {
      g_printerr ("worker: %s\n", error->message);
      g_print ("0\n");
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
    }

  g_print ("%d\n", committed);
  return 0;
}

static char *self_path;

/* Runs WRITERS workers, alternating mounts, all at once; returns how many
 * replies they saw committed. */
static int
run_writers (Share *share)
{
  g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func (g_object_unref);
  int committed = 0;

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

static char *
seed (Share     *share,
      HdLocking  locking)
{
  g_autofree char *path = g_build_filename (share->src, "helpdesk.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_create_full (path, "disp", "Shared office", locking,
                                                   &error);
  g_autoptr(HdTicket) ticket = NULL;
  HdPersonDraft tech = { .login = "tech1", .name = "Tech", .role = HD_ROLE_TECHNICIAN };
  HdTicketDraft draft = { .title = "Shared printer", .priority = HD_PRIORITY_NORMAL };
  g_autoptr(HdPerson) person = NULL;

  g_assert_no_error (error);
  person = hd_store_add_person (store, &tech, &error);
  g_assert_no_error (error);
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
test_dotfile_loses_nothing (void)
{
  g_autoptr(Share) share = share_new ();
  g_autofree char *path = NULL;
  gboolean sound = FALSE;
  int committed, stored;

  if (share == NULL)
    return;

  path = seed (share, HD_LOCKING_DOTFILE);
  committed = run_writers (share);
  share_unmount (share);
  stored = count_replies (path, &sound);

  g_test_message ("dot-file locking: %d replies committed, %d in the file, %s", committed,
                  stored, sound ? "sound" : "DAMAGED");
  g_assert_true (sound);
  g_assert_cmpint (committed, ==, WRITERS * REPLIES);
  g_assert_cmpint (stored, ==, committed);
}

/* Why detection matters: the same writers with POSIX locks, which these
 * two mounts do not share, lose work or damage the file. */
static void
test_posix_on_such_a_share_loses_updates (void)
{
  g_autoptr(Share) share = share_new ();
  g_autofree char *path = NULL;
  gboolean sound = FALSE;
  int committed, stored;

  if (share == NULL)
    return;

  path = seed (share, HD_LOCKING_POSIX);
  committed = run_writers (share);
  share_unmount (share);
  stored = count_replies (path, &sound);

  g_test_message ("POSIX locking across the two mounts: %d replies committed, %d in the file, %s",
                  committed, stored, sound ? "sound" : "DAMAGED");
  g_assert_true (!sound || stored != committed);
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
  g_test_add_func ("/fault/two-machines/posix-loses-updates",
                   test_posix_on_such_a_share_loses_updates);

  return g_test_run ();
}
