/* test-location.c — telling a local disk from a share, and how to lock there
 *
 * Most cases feed mountinfo fixtures (tests/fixtures/mountinfo-*.txt) so
 * that NFS, SMB, gvfs and the portal can be tested on a machine that has
 * none of them; the last two look at the real machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _DEFAULT_SOURCE /* realpath() under -std=c17 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd-error.h"
#include "hd-location.h"
#include "hd-test-util.h"

typedef struct {
  const char     *path;
  HdLocationKind  kind;
  const char     *fs_type;
  const char     *mount_point;
} Expected;

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
assert_detected (const char     *mountinfo,
                 const Expected *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdLocation) location = NULL;

  g_test_message ("%s", expected->path);
  location = hd_location_detect_with_mountinfo (expected->path, mountinfo, &error);
  g_assert_no_error (error);
  g_assert_nonnull (location);
  g_assert_cmpint (location->kind, ==, expected->kind);
  g_assert_cmpstr (location->fs_type, ==, expected->fs_type);
  g_assert_cmpstr (location->mount_point, ==, expected->mount_point);
}

static void
assert_all_detected (const char     *fixture,
                     const Expected *expected,
                     gsize           n)
{
  g_autofree char *mountinfo = read_fixture (fixture);

  for (gsize i = 0; i < n; i++)
    assert_detected (mountinfo, &expected[i]);
}

static void
test_kinds (void)
{
  static const Expected expected[] = {
    { "/mnt/nfs/helpdesk.db", HD_LOCATION_NFS, "nfs4", "/mnt/nfs" },
    { "/mnt/nfs3/helpdesk.db", HD_LOCATION_NFS, "nfs", "/mnt/nfs3" },
    { "/mnt/smb/helpdesk.db", HD_LOCATION_SMB, "cifs", "/mnt/smb" },
    { "/mnt/old/helpdesk.db", HD_LOCATION_SMB, "smbfs", "/mnt/old" },
    { "/run/user/1000/gvfs/smb-share:server=fs,share=hd/helpdesk.db",
      HD_LOCATION_GVFS, "fuse.gvfsd-fuse", "/run/user/1000/gvfs" },
    { "/run/user/1000/doc/8f3a2c1b/helpdesk.db",
      HD_LOCATION_PORTAL, "fuse.portal", "/run/user/1000/doc" },
    { "/home/ana/remote/helpdesk.db", HD_LOCATION_FUSE, "fuse.sshfs", "/home/ana/remote" },
    { "/mnt/bindfs/helpdesk.db", HD_LOCATION_FUSE, "fuse", "/mnt/bindfs" },
    { "/mnt/ceph/helpdesk.db", HD_LOCATION_NETWORK, "ceph", "/mnt/ceph" },
    { "/afs/office.example/helpdesk.db", HD_LOCATION_NETWORK, "afs", "/afs" },
    { "/mnt/host/helpdesk.db", HD_LOCATION_NETWORK, "9p", "/mnt/host" },
    { "/media/usb/helpdesk.db", HD_LOCATION_FUSE, "fuseblk", "/media/usb" },
    /* Local file systems of every sort lock alike. */
    { "/var/lib/helpdesk.db", HD_LOCATION_LOCAL, "ext4", "/" },
    { "/home/ana/helpdesk.db", HD_LOCATION_LOCAL, "btrfs", "/home" },
    { "/srv/xfs/helpdesk.db", HD_LOCATION_LOCAL, "xfs", "/srv/xfs" },
    { "/tmp/helpdesk.db", HD_LOCATION_LOCAL, "tmpfs", "/tmp" },
    { "/srv/overlay/helpdesk.db", HD_LOCATION_LOCAL, "overlay", "/srv/overlay" },
    /* The user's runtime folder is tmpfs; only its gvfs and doc children
     * are FUSE. */
    { "/run/user/1000/helpdesk.db", HD_LOCATION_LOCAL, "tmpfs", "/run/user/1000" },
    /* A bind mount of a subfolder is its own mount point. */
    { "/srv/bound/helpdesk.db", HD_LOCATION_LOCAL, "btrfs", "/srv/bound" },
  };

  assert_all_detected ("mountinfo-workstation.txt", expected, G_N_ELEMENTS (expected));
}

static void
test_escaped_characters (void)
{
  static const Expected expected[] = {
    { "/mnt/smb share/helpdesk.db", HD_LOCATION_SMB, "smb3", "/mnt/smb share" },
    /* "/mnt/smb" is a prefix of "/mnt/smb share", but not a folder of it. */
    { "/mnt/smb/share/helpdesk.db", HD_LOCATION_SMB, "cifs", "/mnt/smb" },
    /* An escaped " - " in a mount point is not the separator before the type. */
    { "/mnt/a - b/helpdesk.db", HD_LOCATION_NFS, "nfs4", "/mnt/a - b" },
    { "/mnt/back\\slash/helpdesk.db", HD_LOCATION_NFS, "nfs4", "/mnt/back\\slash" },
    { "/mnt/back\\134slash/helpdesk.db", HD_LOCATION_LOCAL, "ext4", "/" },
  };

  assert_all_detected ("mountinfo-workstation.txt", expected, G_N_ELEMENTS (expected));
}

static void
test_longest_prefix (void)
{
  static const Expected expected[] = {
    { "/home/share/helpdesk.db", HD_LOCATION_NFS, "nfs4", "/home/share" },
    { "/home/share", HD_LOCATION_NFS, "nfs4", "/home/share" },
    { "/home/shared/helpdesk.db", HD_LOCATION_LOCAL, "ext4", "/home" },
    { "/home/helpdesk.db", HD_LOCATION_LOCAL, "ext4", "/home" },
    { "/homes/helpdesk.db", HD_LOCATION_LOCAL, "ext4", "/" },
    { "/helpdesk.db", HD_LOCATION_LOCAL, "ext4", "/" },
    /* Mounted on top of an NFS mount: the later line is what is seen. */
    { "/mnt/stack/helpdesk.db", HD_LOCATION_FUSE, "fuse.sshfs", "/mnt/stack" },
  };

  assert_all_detected ("mountinfo-nested.txt", expected, G_N_ELEMENTS (expected));
}

static void
test_not_yet_created (void)
{
  static const Expected expected[] = {
    { "/home/share/new/team/helpdesk.db", HD_LOCATION_NFS, "nfs4", "/home/share" },
    /* Lexical: ".." leaves the share before the mount is looked up. */
    { "/home/share/../helpdesk.db", HD_LOCATION_LOCAL, "ext4", "/home" },
    { "/home//share/./helpdesk.db", HD_LOCATION_NFS, "nfs4", "/home/share" },
  };

  assert_all_detected ("mountinfo-nested.txt", expected, G_N_ELEMENTS (expected));
}

static void
test_no_mount (void)
{
  /* No "/" line, and lines too short or without a type are skipped. */
  const char *mountinfo =
    "3 2 0:40 / /home/share rw,relatime - nfs4 fileserver:/share rw\n"
    "garbage\n"
    "4 1 0:41 / /mnt/x rw,relatime -\n"
    "\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(HdLocation) location = NULL;
  g_autoptr(HdLocation) share = NULL;

  location = hd_location_detect_with_mountinfo ("/mnt/x/helpdesk.db", mountinfo, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_null (location);
  g_assert_nonnull (strstr (error->message, "/mnt/x/helpdesk.db"));

  share = hd_location_detect_with_mountinfo ("/home/share/hd.db", mountinfo, NULL);
  g_assert_nonnull (share);
  g_assert_cmpint (share->kind, ==, HD_LOCATION_NFS);
}

static void
test_policy (void)
{
  static const struct {
    HdLocationKind kind;
    gboolean       shared;
    gboolean       unsafe;
    HdLocking      locking;
  } rows[] = {
    { HD_LOCATION_LOCAL, FALSE, FALSE, HD_LOCKING_POSIX },
    { HD_LOCATION_NFS, TRUE, FALSE, HD_LOCKING_DOTFILE },
    { HD_LOCATION_SMB, TRUE, FALSE, HD_LOCKING_DOTFILE },
    { HD_LOCATION_NETWORK, TRUE, FALSE, HD_LOCKING_DOTFILE },
    { HD_LOCATION_FUSE, TRUE, FALSE, HD_LOCKING_DOTFILE },
    { HD_LOCATION_GVFS, TRUE, TRUE, HD_LOCKING_DOTFILE },
    { HD_LOCATION_PORTAL, TRUE, TRUE, HD_LOCKING_DOTFILE },
  };
  g_autoptr(GHashTable) explanations = g_hash_table_new (g_str_hash, g_str_equal);

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const char *text = hd_location_explain (rows[i].kind);

      g_assert_cmpint (hd_location_is_shared (rows[i].kind), ==, rows[i].shared);
      g_assert_cmpint (hd_location_is_unsafe (rows[i].kind), ==, rows[i].unsafe);
      g_assert_cmpint (hd_location_recommended_locking (rows[i].kind), ==, rows[i].locking);
      g_assert_nonnull (text);
      g_assert_true (g_str_has_suffix (text, "."));
      /* Each kind gets its own advice. */
      g_assert_true (g_hash_table_add (explanations, (gpointer) text));
    }

  g_assert_cmpstr (hd_location_explain (HD_LOCATION_LOCAL), ==, "On this computer.");
  /* The unsafe kinds tell the person what to do instead. */
  g_assert_nonnull (strstr (hd_location_explain (HD_LOCATION_GVFS), "mount"));
  g_assert_nonnull (strstr (hd_location_explain (HD_LOCATION_PORTAL), "mounted"));
}

static void
test_locking_strings (void)
{
  static const char *refused[] = { "Posix?", "", " ", "POSIX", "posix dotfile", "dot-file", "posix\ndotfile" };
  HdLocking locking = HD_LOCKING_POSIX;

  g_assert_cmpstr (hd_locking_to_string (HD_LOCKING_POSIX), ==, "posix");
  g_assert_cmpstr (hd_locking_to_string (HD_LOCKING_DOTFILE), ==, "dotfile");

  g_assert_true (hd_locking_from_string ("dotfile", &locking));
  g_assert_cmpint (locking, ==, HD_LOCKING_DOTFILE);
  g_assert_true (hd_locking_from_string ("posix", &locking));
  g_assert_cmpint (locking, ==, HD_LOCKING_POSIX);

  /* As written by `echo dotfile > FILE.locking`, or by an editor. */
  g_assert_true (hd_locking_from_string (" dotfile\n", &locking));
  g_assert_cmpint (locking, ==, HD_LOCKING_DOTFILE);
  g_assert_true (hd_locking_from_string ("\tposix\r\n", &locking));
  g_assert_cmpint (locking, ==, HD_LOCKING_POSIX);

  /* A refusal leaves the caller's value alone. */
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      locking = HD_LOCKING_DOTFILE;
      g_assert_false (hd_locking_from_string (refused[i], &locking));
      g_assert_cmpint (locking, ==, HD_LOCKING_DOTFILE);
    }
}

/* As the kernel names it: the test folder may lie below a symbolic link. */
static char *
real_path (const char *path)
{
  char *resolved = realpath (path, NULL);
  char *copy;

  g_assert_nonnull (resolved);
  copy = g_strdup (resolved);
  free (resolved);
  return copy;
}

static gboolean
covers (const char *mount_point,
        const char *path)
{
  return strcmp (mount_point, "/") == 0 ||
         (g_str_has_prefix (path, mount_point) &&
          (path[strlen (mount_point)] == '\0' || path[strlen (mount_point)] == '/'));
}

static void
test_real_local (void)
{
  g_autofree char *dir = real_path (hd_test_dir ());
  g_autofree char *file = g_build_filename (dir, "helpdesk.db", NULL);
  g_autofree char *deep = g_build_filename (dir, "not", "yet", "helpdesk.db", NULL);
  g_autofree char *mountinfo = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdLocation) location = NULL;
  g_autoptr(HdLocation) later = NULL;
  g_autoptr(HdLocation) from_text = NULL;
  HdLocationKind kind;

  location = hd_location_detect (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (location);
  g_test_message ("%s: %s on %s", dir, location->fs_type, location->mount_point);
  g_assert_cmpint (location->kind, ==, HD_LOCATION_LOCAL);
  g_assert_cmpstr (location->fs_type, !=, "");
  g_assert_true (covers (location->mount_point, dir));

  /* Folders to be made on the way are on the same file system. */
  later = hd_location_detect (deep, &error);
  g_assert_no_error (error);
  g_assert_cmpint (later->kind, ==, location->kind);
  g_assert_cmpstr (later->fs_type, ==, location->fs_type);
  g_assert_cmpstr (later->mount_point, ==, location->mount_point);

  /* The kind alone, from statfs. */
  g_assert_true (hd_location_detect_kind (file, &kind, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, HD_LOCATION_LOCAL);
  g_assert_true (hd_location_detect_kind (deep, &kind, &error));
  g_assert_cmpint (kind, ==, HD_LOCATION_LOCAL);

  /* With the same text, the mountinfo reading agrees with the real one. */
  if (!g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL))
    return;
  from_text = hd_location_detect_with_mountinfo (dir, mountinfo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_text->fs_type, ==, location->fs_type);
  g_assert_cmpstr (from_text->mount_point, ==, location->mount_point);
}

/* bindfs: a real FUSE mount. The assertions run in a subprocess so that
 * the mount is undone whatever happens to them (a failed assertion
 * aborts, and would skip any teardown in this process). */

#define BINDFS_MOUNT_ENV "HD_TEST_BINDFS_MOUNT"

static gboolean
run (const char * const  *argv,
     GError             **error)
{
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;

  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s: ", argv[0], g_strstrip (err));
      return FALSE;
    }
  return TRUE;
}

static const char *
find_fusermount (void)
{
  static const char *names[] = { "fusermount3", "fusermount" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *found = g_find_program_in_path (names[i]);

      if (found != NULL)
        return names[i];
    }
  return NULL;
}

static void
check_bindfs_mount (const char *mount)
{
  g_autofree char *file = g_build_filename (mount, "helpdesk.db", NULL);
  g_autofree char *deep = g_build_filename (mount, "team", "helpdesk.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HdLocation) location = NULL;
  g_autoptr(HdLocation) later = NULL;
  g_autoptr(HdLocation) source = NULL;
  HdLocationKind kind;
  g_autofree char *source_dir = g_path_get_dirname (mount);

  location = hd_location_detect (file, &error);
  g_assert_no_error (error);
  g_test_message ("%s: %s on %s", mount, location->fs_type, location->mount_point);
  g_assert_cmpint (location->kind, ==, HD_LOCATION_FUSE);
  g_assert_true (hd_location_detect_kind (file, &kind, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, HD_LOCATION_FUSE);
  g_assert_true (g_str_has_prefix (location->fs_type, "fuse"));
  g_assert_cmpstr (location->mount_point, ==, mount);

  later = hd_location_detect (deep, &error);
  g_assert_no_error (error);
  g_assert_cmpint (later->kind, ==, HD_LOCATION_FUSE);
  g_assert_cmpstr (later->mount_point, ==, mount);

  /* The folder that holds both the source and the mount is local. */
  source = hd_location_detect (source_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (source->kind, ==, HD_LOCATION_LOCAL);
  g_assert_cmpstr (source->mount_point, !=, mount);
}

static void
test_real_bindfs (void)
{
  g_autofree char *bindfs = g_find_program_in_path ("bindfs");
  const char *fusermount = find_fusermount ();
  g_autofree char *dir = NULL;
  g_autofree char *src = NULL;
  g_autofree char *mount = NULL;
  g_autoptr(GError) error = NULL;
  gboolean unmounted;

  if (g_test_subprocess ())
    {
      g_assert_nonnull (g_getenv (BINDFS_MOUNT_ENV));
      check_bindfs_mount (g_getenv (BINDFS_MOUNT_ENV));
      return;
    }

  if (bindfs == NULL || fusermount == NULL)
    {
      g_test_skip ("bindfs and fusermount are needed for a real FUSE mount");
      return;
    }
  if (g_access ("/dev/fuse", R_OK | W_OK) != 0)
    {
      g_test_skip ("/dev/fuse cannot be opened");
      return;
    }

  dir = real_path (hd_test_dir ());
  src = g_build_filename (dir, "source", NULL);
  /* A space, to meet \040 in the real mountinfo. */
  mount = g_build_filename (dir, "bind mount", NULL);
  g_assert_cmpint (g_mkdir (src, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (mount, 0700), ==, 0);

  if (!run ((const char *[]) { "bindfs", src, mount, NULL }, &error))
    {
      g_autofree char *message = g_strdup_printf ("bindfs could not mount: %s", error->message);

      g_test_skip (message);
      return;
    }

  g_setenv (BINDFS_MOUNT_ENV, mount, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  unmounted = run ((const char *[]) { fusermount, "-u", mount, NULL }, &error);

  g_test_trap_assert_passed ();
  g_assert_no_error (error);
  g_assert_true (unmounted);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/location/kinds", test_kinds);
  g_test_add_func ("/location/escaped-characters", test_escaped_characters);
  g_test_add_func ("/location/longest-prefix", test_longest_prefix);
  g_test_add_func ("/location/not-yet-created", test_not_yet_created);
  g_test_add_func ("/location/no-mount", test_no_mount);
  g_test_add_func ("/location/policy", test_policy);
  g_test_add_func ("/location/locking-strings", test_locking_strings);
  g_test_add_func ("/location/real-local", test_real_local);
  g_test_add_func ("/location/real-bindfs", test_real_bindfs);

  return g_test_run ();
}
