/* hd-fault-share.h — one folder mounted twice: two "machines" sharing it
 *
 * The same folder is mounted twice with bindfs (direct_io, no attribute
 * caching). POSIX locks taken through one mount are invisible through the
 * other, exactly as between two machines whose share does not carry locks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hd-location.h"

G_BEGIN_DECLS

typedef struct {
  char     *root;
  char     *src;        /* the "server's" folder */
  char     *mounts[2];  /* the two desks' view of it */
  gboolean  mounted[2];
} HdFaultShare;

/* NULL, and the test skipped, where FUSE or bindfs is not available. */
HdFaultShare *hd_fault_share_new     (void);
void          hd_fault_share_unmount (HdFaultShare *share);
void          hd_fault_share_free    (HdFaultShare *share);
gboolean      hd_fault_run           (const char * const *argv);
char         *hd_fault_seed          (HdFaultShare *share,
                                      HdLocking     locking);

/* Runs this build's helpdesk-cli ($HELPDESK_CLI, as meson sets it) as
 * "disp" on @path, with the arguments that follow up to NULL; returns its
 * exit status. @out and @err are replaced, so one pair serves a case. */
int           hd_fault_run_cli       (const char   *path,
                                      char        **out,
                                      char        **err,
                                      ...) G_GNUC_NULL_TERMINATED;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdFaultShare, hd_fault_share_free)

G_END_DECLS
