/* hd-location.c
 *
 * Which file system a helpdesk file lives on decides how it must be locked
 * (DESIGN.md, "The file is the database; treat it as shared"). Two sources
 * answer: statfs(2) asks the kernel about the very file system the path is
 * on, but knows FUSE only as "FUSE"; /proc/self/mountinfo names the FUSE
 * subtype (gvfs, the document portal) and the mount point, but can be
 * matched to the wrong line when mounts hide each other. So the network
 * kinds come from statfs and the FUSE subtype from mountinfo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _DEFAULT_SOURCE /* realpath() under -std=c17 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "hd-error.h"
#include "hd-location.h"

/* Spelled out here: <linux/magic.h> lacks some of them in older kernels'
 * headers (SMB2, FUSE). */
#define NFS_SUPER_MAGIC  0x6969
#define SMB_SUPER_MAGIC  0x517B
#define CIFS_SUPER_MAGIC 0xFF534D42
#define SMB2_SUPER_MAGIC 0xFE534D42
#define FUSE_SUPER_MAGIC 0x65735546
#define CEPH_SUPER_MAGIC 0x00C36400
#define AFS_SUPER_MAGIC  0x5346414F
#define KAFS_SUPER_MAGIC 0x6B414653
#define V9FS_MAGIC       0x01021997
#define LUSTRE_MAGIC     0x0BD00BD0
#define GFS2_MAGIC       0x01161970
#define OCFS2_MAGIC      0x7461636F
#define CODA_SUPER_MAGIC 0x73757245

/* Network and cluster file systems other than NFS and SMB: shared between
 * computers, with locking that Helpdesk cannot vouch for. */
static const char * const other_network_fs[] = {
  "ceph", "afs", "9p", "lustre", "gfs2", "ocfs2", "coda", "glusterfs", "virtiofs",
  "ncpfs", "orangefs", "beegfs", "gpfs", NULL
};

typedef struct {
  char    *mount_point;
  char    *fs_type;
  gboolean has_dev;
  guint    dev_major;
  guint    dev_minor;
} MountEntry;

static void
mount_entry_clear (MountEntry *entry)
{
  g_clear_pointer (&entry->mount_point, g_free);
  g_clear_pointer (&entry->fs_type, g_free);
}

/* mountinfo writes space, tab, newline and backslash as \ooo octal. */
static char *
unescape_mountinfo (const char *field)
{
  GString *out = g_string_sized_new (strlen (field));

  for (const char *p = field; *p != '\0'; p++)
    {
      if (p[0] == '\\' &&
          p[1] >= '0' && p[1] <= '3' &&
          p[2] >= '0' && p[2] <= '7' &&
          p[3] >= '0' && p[3] <= '7')
        {
          g_string_append_c (out, (char) (((p[1] - '0') << 6) |
                                          ((p[2] - '0') << 3) |
                                          (p[3] - '0')));
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* "ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL…] - TYPE SOURCE …":
 * the optional fields vary in number, so the type is found after " - ". */
static gboolean
parse_mountinfo_line (const char *line,
                      MountEntry *entry)
{
  g_auto(GStrv) fields = g_strsplit (line, " ", -1);
  guint n = g_strv_length (fields);
  guint separator;

  if (n < 7)
    return FALSE;

  for (separator = 6; separator < n; separator++)
    if (strcmp (fields[separator], "-") == 0)
      break;
  if (separator + 1 >= n || fields[separator + 1][0] == '\0')
    return FALSE;

  entry->has_dev = sscanf (fields[2], "%u:%u", &entry->dev_major, &entry->dev_minor) == 2;
  entry->mount_point = unescape_mountinfo (fields[4]);
  entry->fs_type = unescape_mountinfo (fields[separator + 1]);
  return TRUE;
}

/* A mount point covers @path if it is @path or a whole-component prefix:
 * /home/share covers /home/share/x but not /home/shared. */
static gboolean
mount_point_covers (const char *mount_point,
                    const char *path)
{
  size_t len = strlen (mount_point);

  if (strcmp (mount_point, "/") == 0)
    return path[0] == '/';

  return strncmp (mount_point, path, len) == 0 &&
         (path[len] == '\0' || path[len] == '/');
}

static gboolean
entry_has_dev (const MountEntry *entry,
               const struct stat *st)
{
  return st != NULL && entry->has_dev &&
         entry->dev_major == major (st->st_dev) &&
         entry->dev_minor == minor (st->st_dev);
}

/* The longest covering mount point wins; among equal ones the last line,
 * as a later mount on the same point hides the earlier one. When @st is
 * known, a line whose device is the path's own wins over a longer one
 * that does not: a mount hidden by a later mount on a parent folder (or
 * left over under a bind mount) still lists a longer mount point. Btrfs
 * subvolumes carry their own device numbers, hence only a preference. */
static gboolean
find_mount (const char        *path,
            const char        *mountinfo,
            const struct stat *st,
            MountEntry        *best)
{
  g_auto(GStrv) lines = g_strsplit (mountinfo, "\n", -1);
  gboolean best_has_dev = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      MountEntry entry = { NULL, };
      gboolean has_dev;

      if (!parse_mountinfo_line (lines[i], &entry) ||
          !mount_point_covers (entry.mount_point, path))
        {
          mount_entry_clear (&entry);
          continue;
        }

      has_dev = entry_has_dev (&entry, st);
      if (best->mount_point == NULL ||
          (has_dev && !best_has_dev) ||
          (has_dev == best_has_dev &&
           strlen (entry.mount_point) >= strlen (best->mount_point)))
        {
          mount_entry_clear (best);
          *best = entry;
          best_has_dev = has_dev;
        }
      else
        mount_entry_clear (&entry);
    }

  return best->mount_point != NULL;
}

static HdLocationKind
kind_from_fs_type (const char *fs_type)
{
  if (strcmp (fs_type, "fuse.gvfsd-fuse") == 0)
    return HD_LOCATION_GVFS;
  if (strcmp (fs_type, "fuse.portal") == 0)
    return HD_LOCATION_PORTAL;
  if (strcmp (fs_type, "fuse") == 0 || strcmp (fs_type, "fuseblk") == 0 ||
      g_str_has_prefix (fs_type, "fuse.") || g_str_has_prefix (fs_type, "fuseblk."))
    return HD_LOCATION_FUSE;
  if (strcmp (fs_type, "nfs") == 0 || strcmp (fs_type, "nfs4") == 0)
    return HD_LOCATION_NFS;
  if (strcmp (fs_type, "cifs") == 0 || strcmp (fs_type, "smb3") == 0 ||
      strcmp (fs_type, "smbfs") == 0)
    return HD_LOCATION_SMB;
  if (g_strv_contains (other_network_fs, fs_type))
    return HD_LOCATION_NETWORK;
  return HD_LOCATION_LOCAL;
}

/* f_type is a signed word whose width differs between architectures;
 * the magic numbers are 32 bits. */
static HdLocationKind
kind_from_magic (guint32     magic,
                 const char **name)
{
  switch (magic)
    {
    case NFS_SUPER_MAGIC:
      *name = "nfs";
      return HD_LOCATION_NFS;
    case CIFS_SUPER_MAGIC:
      *name = "cifs";
      return HD_LOCATION_SMB;
    case SMB2_SUPER_MAGIC:
      *name = "smb3";
      return HD_LOCATION_SMB;
    case SMB_SUPER_MAGIC:
      *name = "smbfs";
      return HD_LOCATION_SMB;
    case FUSE_SUPER_MAGIC:
      *name = "fuse";
      return HD_LOCATION_FUSE;
    case CEPH_SUPER_MAGIC:
      *name = "ceph";
      return HD_LOCATION_NETWORK;
    case AFS_SUPER_MAGIC:
    case KAFS_SUPER_MAGIC:
      *name = "afs";
      return HD_LOCATION_NETWORK;
    case V9FS_MAGIC:
      *name = "9p";
      return HD_LOCATION_NETWORK;
    case LUSTRE_MAGIC:
      *name = "lustre";
      return HD_LOCATION_NETWORK;
    case GFS2_MAGIC:
      *name = "gfs2";
      return HD_LOCATION_NETWORK;
    case OCFS2_MAGIC:
      *name = "ocfs2";
      return HD_LOCATION_NETWORK;
    case CODA_SUPER_MAGIC:
      *name = "coda";
      return HD_LOCATION_NETWORK;
    default:
      *name = NULL;
      return HD_LOCATION_LOCAL;
    }
}

static gboolean
is_fuse_kind (HdLocationKind kind)
{
  return kind == HD_LOCATION_FUSE || kind == HD_LOCATION_GVFS ||
         kind == HD_LOCATION_PORTAL;
}

static HdLocation *
location_new (HdLocationKind  kind,
              const char     *fs_type,
              const char     *mount_point)
{
  HdLocation *location = g_new0 (HdLocation, 1);

  location->kind = kind;
  location->fs_type = g_strdup (fs_type);
  location->mount_point = g_strdup (mount_point);
  return location;
}

/* A helpdesk about to be created has no file yet, maybe not even its
 * folder: the nearest folder that exists is on the same file system. */
static char *
existing_ancestor (const char  *path,
                   GError     **error)
{
  g_autofree char *current = g_canonicalize_filename (path, NULL);

  for (;;)
    {
      char *resolved = realpath (current, NULL);
      char *parent;

      if (resolved != NULL)
        {
          char *copy = g_strdup (resolved);

          free (resolved);
          return copy;
        }
      if (strcmp (current, "/") == 0)
        break;

      parent = g_path_get_dirname (current);
      g_free (current);
      current = parent;
    }

  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
               _("No folder above “%s” exists."), path);
  return NULL;
}

/* Without mountinfo (no /proc in a sandbox), the mount point is the
 * highest folder on the same device. Bind mounts of one device are not
 * told apart this way, which only matters for the mount point shown. */
static char *
mount_point_by_device (const char *path,
                       dev_t       dev)
{
  g_autofree char *current = g_strdup (path);

  while (strcmp (current, "/") != 0)
    {
      g_autofree char *parent = g_path_get_dirname (current);
      struct stat st;

      if (stat (parent, &st) != 0 || st.st_dev != dev)
        break;
      g_free (current);
      current = g_steal_pointer (&parent);
    }

  return g_steal_pointer (&current);
}

/* Local file systems are not named by kind_from_magic(): they all lock
 * alike, so the number is enough to show. */
static char *
statfs_name (const char *magic_name,
             guint32     magic)
{
  if (magic_name != NULL)
    return g_strdup (magic_name);
  return g_strdup_printf ("0x%x", magic);
}

static HdLocation *
detect_from_statfs (const char        *path,
                    const struct stat *st,
                    HdLocationKind     kind,
                    const char        *magic_name,
                    guint32            magic)
{
  g_autofree char *mount_point = mount_point_by_device (path, st->st_dev);
  g_autofree char *name = statfs_name (magic_name, magic);

  return location_new (kind, name, mount_point);
}

HdLocation *
hd_location_detect_with_mountinfo (const char  *path,
                                   const char  *mountinfo,
                                   GError     **error)
{
  g_autofree char *canonical = NULL;
  MountEntry entry = { NULL, };
  HdLocation *location;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (mountinfo != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Only the text is consulted: the path need not exist here. */
  canonical = g_canonicalize_filename (path, NULL);
  if (!find_mount (canonical, mountinfo, NULL, &entry))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("No mounted file system holds “%s”."), path);
      return NULL;
    }

  location = location_new (kind_from_fs_type (entry.fs_type), entry.fs_type,
                           entry.mount_point);
  mount_entry_clear (&entry);
  return location;
}

HdLocation *
hd_location_detect (const char  *path,
                    GError     **error)
{
  g_autofree char *canonical = NULL;
  g_autofree char *mountinfo = NULL;
  MountEntry entry = { NULL, };
  struct statfs fs;
  struct stat st;
  HdLocationKind by_statfs;
  HdLocationKind by_mountinfo;
  const char *magic_name;
  guint32 magic;
  HdLocation *location;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  canonical = existing_ancestor (path, error);
  if (canonical == NULL)
    return NULL;

  if (statfs (canonical, &fs) != 0 || stat (canonical, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("Cannot tell which file system holds “%s”: %s"),
                   canonical, g_strerror (saved_errno));
      return NULL;
    }

  magic = (guint32) fs.f_type;
  by_statfs = kind_from_magic (magic, &magic_name);

  /* An unreadable mountinfo only costs the FUSE subtype and the exact
   * mount point; statfs still tells network from local. */
  if (!g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL) ||
      !find_mount (canonical, mountinfo, &st, &entry))
    return detect_from_statfs (canonical, &st, by_statfs, magic_name, magic);

  by_mountinfo = kind_from_fs_type (entry.fs_type);
  if (by_mountinfo == by_statfs ||
      (by_statfs == HD_LOCATION_FUSE && is_fuse_kind (by_mountinfo)))
    location = location_new (by_mountinfo, entry.fs_type, entry.mount_point);
  else
    {
      g_autofree char *name = statfs_name (magic_name, magic);

      /* They disagree: the line matched is not the file system the path
       * is on after all. Only the kernel's answer decides whether locks
       * must travel. */
      location = location_new (by_statfs, name, entry.mount_point);
    }

  mount_entry_clear (&entry);
  return location;
}

/**
 * hd_location_detect_kind:
 *
 * The kind hd_location_detect() gives @path, without its name or mount
 * point. /proc/self/mountinfo is read only when statfs says FUSE, the one
 * kind whose subtype it tells; for any other, hd_location_detect() keeps
 * what statfs says. Every opening of a helpdesk file asks this, and the
 * kernel writes out every mount of the system for mountinfo, which took
 * longer than the rest of opening a file on this machine.
 */
gboolean
hd_location_detect_kind (const char      *path,
                         HdLocationKind  *kind,
                         GError         **error)
{
  g_autofree char *canonical = NULL;
  g_autoptr(HdLocation) location = NULL;
  const char *magic_name;
  struct statfs fs;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  canonical = existing_ancestor (path, error);
  if (canonical == NULL)
    return FALSE;

  if (statfs (canonical, &fs) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("Cannot tell which file system holds “%s”: %s"),
                   canonical, g_strerror (saved_errno));
      return FALSE;
    }

  *kind = kind_from_magic ((guint32) fs.f_type, &magic_name);
  if (*kind != HD_LOCATION_FUSE)
    return TRUE;

  location = hd_location_detect (path, error);
  if (location == NULL)
    return FALSE;
  *kind = location->kind;
  return TRUE;
}

void
hd_location_free (HdLocation *location)
{
  if (location == NULL)
    return;

  g_free (location->fs_type);
  g_free (location->mount_point);
  g_free (location);
}

gboolean
hd_location_is_shared (HdLocationKind kind)
{
  return kind != HD_LOCATION_LOCAL;
}

/* gvfs and the portal are FUSE servers of this session. A POSIX lock
 * taken through them stays in the server (FUSE does not forward it to
 * the real share), so no other computer sees it. A dot-file lock is a
 * mkdir() that gvfs hands to whichever backend is behind the mount, from
 * a daemon that answers lookups from its own cache; not every backend
 * refuses an existing name (Google Drive makes a second folder of the
 * same name), so two desks can both believe they hold the lock. */
gboolean
hd_location_is_unsafe (HdLocationKind kind)
{
  return kind == HD_LOCATION_GVFS || kind == HD_LOCATION_PORTAL;
}

/* A share may or may not carry POSIX locks between machines (NFS without
 * lockd, SMB with "nobrl", sshfs never): dot-file locks always travel,
 * at the cost of readers waiting for each other. */
HdLocking
hd_location_recommended_locking (HdLocationKind kind)
{
  switch (kind)
    {
    case HD_LOCATION_LOCAL:
      return HD_LOCKING_POSIX;
    case HD_LOCATION_NFS:
    case HD_LOCATION_SMB:
    case HD_LOCATION_NETWORK:
    case HD_LOCATION_FUSE:
    case HD_LOCATION_GVFS:
    case HD_LOCATION_PORTAL:
      return HD_LOCKING_DOTFILE;
    default:
      g_return_val_if_reached (HD_LOCKING_DOTFILE);
    }
}

const char *
hd_location_explain (HdLocationKind kind)
{
  switch (kind)
    {
    case HD_LOCATION_LOCAL:
      return _("On this computer.");
    case HD_LOCATION_NFS:
      return _("On an NFS network share. Helpdesk locks the file with lock "
               "folders beside it, so that every desk sees every lock.");
    case HD_LOCATION_SMB:
      return _("On an SMB (Windows) network share. Helpdesk locks the file "
               "with lock folders beside it, so that every desk sees every lock.");
    case HD_LOCATION_NETWORK:
      return _("On a network or cluster file system shared between computers. "
               "Helpdesk locks the file with lock folders beside it, so that "
               "every desk sees every lock.");
    case HD_LOCATION_GVFS:
      return _("This folder is opened through GNOME’s file sharing layer, "
               "which does not pass locks between computers: two desks could "
               "overwrite each other’s work. Mount the share with the system "
               "(NFS or SMB in /etc/fstab, or “mount”) and open the file there.");
    case HD_LOCATION_PORTAL:
      return _("This file was handed to Helpdesk through the document portal, "
               "which does not pass locks between computers: two desks could "
               "overwrite each other’s work. Open the file from its real "
               "location, mounted with the system (NFS or SMB).");
    case HD_LOCATION_FUSE:
      return _("On a FUSE file system. Helpdesk locks the file with lock "
               "folders beside it; this is safe only if the file system "
               "creates folders atomically for every desk.");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
hd_locking_to_string (HdLocking locking)
{
  switch (locking)
    {
    case HD_LOCKING_POSIX:
      return "posix";
    case HD_LOCKING_DOTFILE:
      return "dotfile";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* The text comes from FILE.locking, maybe written by hand with a final
 * newline; anything but the two names is refused rather than guessed,
 * since a wrong guess means clients that do not see each other's locks. */
gboolean
hd_locking_from_string (const char *text,
                        HdLocking  *locking)
{
  g_autofree char *word = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (locking != NULL, FALSE);

  word = g_strstrip (g_strdup (text));
  if (strcmp (word, "posix") == 0)
    *locking = HD_LOCKING_POSIX;
  else if (strcmp (word, "dotfile") == 0)
    *locking = HD_LOCKING_DOTFILE;
  else
    return FALSE;

  return TRUE;
}
