/* hd-test-share.h — one folder mounted twice, as two machines see a share
 *
 * The same folder ("server") is mounted twice with bindfs (direct_io, no
 * attribute caching). POSIX locks taken through one mount are invisible
 * through the other, exactly as between two machines whose share does not
 * carry locks; and each mount is a FUSE file system, where Helpdesk wants
 * dot-file locking.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hd-location.h"

G_BEGIN_DECLS

typedef struct {
  char     *root;
  char     *src;        /* the folder itself, as the file server sees it */
  char     *mounts[2];  /* desk1 and desk2 */
  gboolean  mounted[2];
} HdTestShare;

/* NULL, and the test skipped, where FUSE or bindfs is not available. */
HdTestShare *hd_test_share_new     (void);
void         hd_test_share_unmount (HdTestShare *share);
void         hd_test_share_free    (HdTestShare *share);

/* A helpdesk in the shared folder with a technician, tech1, and ticket 1;
 * returns its path as the server sees it. */
char        *hd_test_share_seed    (HdTestShare *share,
                                    HdLocking    locking);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdTestShare, hd_test_share_free)

G_END_DECLS
