/* hd-test-share.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "hd-store.h"
#include "hd-test-share.h"

static gboolean
run (const char * const *argv)
{
  int status = -1;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH |
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

void
hd_test_share_unmount (HdTestShare *share)
{
  for (int i = 0; i < 2; i++)
    if (share->mounted[i])
      {
        g_autofree char *fusermount3 = g_find_program_in_path ("fusermount3");
        const char *argv[] = { fusermount3 != NULL ? "fusermount3" : "fusermount", "-u",
                               share->mounts[i], NULL };

        share->mounted[i] = !run (argv);
      }
}

void
hd_test_share_free (HdTestShare *share)
{
  const char *rm[] = { "rm", "-rf", share->root, NULL };

  hd_test_share_unmount (share);
  if (!share->mounted[0] && !share->mounted[1] && share->root != NULL)
    run (rm);
  g_free (share->src);
  g_free (share->mounts[0]);
  g_free (share->mounts[1]);
  g_free (share->root);
  g_free (share);
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

HdTestShare *
hd_test_share_new (void)
{
  g_autoptr(HdTestShare) share = g_new0 (HdTestShare, 1);
  g_autoptr(GError) error = NULL;

  if (!have_program ("bindfs") || (!have_program ("fusermount") && !have_program ("fusermount3")))
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

char *
hd_test_share_seed (HdTestShare *share,
                    HdLocking    locking)
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
