/* hd-fault-share.c — one folder mounted twice: two "machines" sharing it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "hd-fault-share.h"
#include "hd-store.h"

gboolean
hd_fault_run (const char * const *argv)
{
  int status = -1;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH |
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

void
hd_fault_share_unmount (HdFaultShare *share)
{
  for (int i = 0; i < 2; i++)
    if (share->mounted[i])
      {
        const char *fusermount = g_find_program_in_path ("fusermount3") ? "fusermount3"
                                                                        : "fusermount";
        const char *argv[] = { fusermount, "-u", share->mounts[i], NULL };

        share->mounted[i] = !hd_fault_run (argv);
      }
}

void
hd_fault_share_free (HdFaultShare *share)
{
  const char *rm[] = { "rm", "-rf", share->root, NULL };

  hd_fault_share_unmount (share);
  if (!share->mounted[0] && !share->mounted[1] && share->root != NULL)
    hd_fault_run (rm);
  g_free (share->src);
  g_free (share->mounts[0]);
  g_free (share->mounts[1]);
  g_free (share->root);
  g_free (share);
}

/* NULL (and the test skipped) where FUSE or bindfs is not available. */
HdFaultShare *
hd_fault_share_new (void)
{
  g_autoptr(HdFaultShare) share = g_new0 (HdFaultShare, 1);
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
      share->mounted[i] = hd_fault_run (argv);
      if (!share->mounted[i])
        {
          g_test_skip ("bindfs could not mount (no /dev/fuse?)");
          return NULL;
        }
    }

  return g_steal_pointer (&share);
}

/* A helpdesk in the shared folder with a technician, tech1, and ticket 1;
 * returns its path as the server sees it. */
char *
hd_fault_seed (HdFaultShare *share,
               HdLocking     locking)
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

int
hd_fault_run_cli (const char  *path,
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
