/* hd-location.h — where a helpdesk file lives, and how to lock it there
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HdLocking:
 * @HD_LOCKING_POSIX: SQLite's default POSIX advisory locks; right where
 *   every desktop sees the same locks (a local disk, a share that carries
 *   them)
 * @HD_LOCKING_DOTFILE: a lock is a directory beside the file, which every
 *   client of any share sees, held as a lease (hd-lease.h); readers then
 *   wait for each other too
 *
 * One method per helpdesk file, recorded beside it (FILE.locking) and used
 * by every client: two clients using different methods do not see each
 * other's locks.
 */
typedef enum {
  HD_LOCKING_POSIX,
  HD_LOCKING_DOTFILE,
} HdLocking;

typedef enum {
  HD_LOCATION_LOCAL,   /* a disk of this computer */
  HD_LOCATION_NFS,
  HD_LOCATION_SMB,     /* CIFS, SMB2/3 */
  HD_LOCATION_NETWORK, /* another network or cluster file system: Ceph, AFS, 9p, … */
  HD_LOCATION_GVFS,    /* GNOME's gvfs FUSE mount */
  HD_LOCATION_PORTAL,  /* the Flatpak document portal */
  HD_LOCATION_FUSE,    /* another FUSE file system: sshfs, bindfs, … */
} HdLocationKind;

typedef struct {
  HdLocationKind  kind;
  char           *fs_type;      /* as /proc/self/mountinfo names it: "ext4", "nfs4", "fuse.gvfsd-fuse" */
  char           *mount_point;
} HdLocation;

HdLocation *hd_location_detect                 (const char     *path,
                                                GError        **error);
HdLocation *hd_location_detect_with_mountinfo  (const char     *path,
                                                const char     *mountinfo,
                                                GError        **error);
gboolean    hd_location_detect_kind            (const char     *path,
                                                HdLocationKind *kind,
                                                GError        **error);
void        hd_location_free                   (HdLocation     *location);
gboolean    hd_location_is_shared              (HdLocationKind  kind);
gboolean    hd_location_is_unsafe              (HdLocationKind  kind);
HdLocking   hd_location_recommended_locking    (HdLocationKind  kind);
const char *hd_location_explain                (HdLocationKind  kind);
const char *hd_locking_to_string               (HdLocking       locking);
gboolean    hd_locking_from_string             (const char     *text,
                                                HdLocking      *locking);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdLocation, hd_location_free)

G_END_DECLS
