/* hd-store-maint.c — backing up, restoring and recovering a helpdesk file,
 * and switching its locking method
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* F_OFD_SETLK */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd-rules.h"
#include "hd-schema.h"
#include "hd-lease.h"
#include "hd-store-private.h"

/* In a folder: helpdesk-20261123-141500.db, then -2, -3 … within a second,
 * always after the last one of that second even if older ones were
 * rotated away, so names sort by time and no backup replaces another. */
static char *
backup_target (const char *dest)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *base = NULL;
  const char *name;
  guint64 last = 0;

  if (!g_file_test (dest, G_FILE_TEST_IS_DIR))
    return g_strdup (dest);

  now = g_date_time_new_now_local ();
  prefix = g_date_time_format (now, "helpdesk-%Y%m%d-%H%M%S");
  dir = g_dir_open (dest, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      guint64 n = 1;

      if (!g_str_has_prefix (name, prefix) || !g_str_has_suffix (name, ".db"))
        continue;
      if (name[strlen (prefix)] == '-')
        n = g_ascii_strtoull (name + strlen (prefix) + 1, NULL, 10);
      last = MAX (last, n);
    }

  base = last == 0 ? g_strdup_printf ("%s.db", prefix)
                   : g_strdup_printf ("%s-%" G_GUINT64_FORMAT ".db", prefix, last + 1);
  return g_build_filename (dest, base, NULL);
}

static gboolean verify_backup   (const char  *backup,
                                 GError     **error);

static int
copy_pages (sqlite3 *src,
            sqlite3 *dst)
{
  sqlite3_backup *backup = sqlite3_backup_init (dst, "main", src, "main");
  int rc;

  if (backup == NULL)
    return sqlite3_errcode (dst);

  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The checked copy @tmp becomes the backup @target, or goes. */
static gboolean
keep_copy (const char  *tmp,
           const char  *target,
           GError     **error)
{
  int saved_errno;

  if (g_rename (tmp, target) == 0)
    return TRUE;

  saved_errno = errno;
  g_unlink (tmp);
  g_set_error (error, HD_ERROR, HD_ERROR_FAILED, _("The backup could not be saved as “%s”: %s."),
               target, g_strerror (saved_errno));
  return FALSE;
}

/**
 * hd_store_backup:
 * @dest: a file to write, or a folder to put a dated file in
 * @written_path: (out) (optional) (transfer full): the file written
 *
 * Writes a consistent copy of the open file while others keep working: it
 * is copied in short steps (hd_store_copy_checked()), and other desks
 * commit between them. The copy is written beside @dest and renamed into
 * place only once complete and sound (SQLite's quick check), so an
 * interrupted backup never replaces a good one. A damaged file is refused
 * with %HD_ERROR_CORRUPT, and nothing is left behind.
 */
gboolean
hd_store_backup (HdStore     *self,
                 const char  *dest,
                 char       **written_path,
                 GError     **error)
{
  g_autofree char *target = NULL;
  g_autofree char *tmp = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);

  target = backup_target (dest);
  if (g_strcmp0 (target, hd_store_get_path (self)) == 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("A backup cannot replace the file it copies."));
      return FALSE;
    }

  tmp = g_strconcat (target, ".partial", NULL);
  if (!hd_store_copy_checked (self, tmp, target, &(HdCopyPace) { NULL, FALSE, NULL }, error))
    return FALSE;

  if (!keep_copy (tmp, target, error))
    return FALSE;

  if (written_path != NULL)
    *written_path = g_steal_pointer (&target);
  return TRUE;
}

/**
 * hd_store_default_backup_dir:
 *
 * Where automatic backups of @path go: a local folder, so a backup
 * survives the share: $XDG_DATA_HOME/helpdesk/backups/NAME-HASH, the hash
 * telling apart files of the same name in different folders.
 *
 * Returns: (transfer full): the folder
 */
char *
hd_store_default_backup_dir (const char *path)
{
  g_autofree char *name = hd_store_file_key (path);

  return g_build_filename (g_get_user_data_dir (), "helpdesk", "backups", name, NULL);
}

/* "NAME-HASH": the hash tells apart files of the same name in different
 * folders. */
char *
hd_store_file_key (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *base = g_path_get_basename (canonical);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, canonical, -1);

  hash[10] = '\0';
  return g_strdup_printf ("%s-%s", base, hash);
}

/* helpdesk-20261123-141500.db, then -2, -3 … -10 within that second: the
 * names without ".db", compared with numbers as numbers, sort by time. */
static char *
backup_sort_key (const char *path)
{
  g_autofree char *stem = g_strndup (path, strlen (path) - strlen (".db"));

  return g_utf8_collate_key_for_filename (stem, -1);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  g_autofree char *ka = backup_sort_key (*(char **) a);
  g_autofree char *kb = backup_sort_key (*(char **) b);

  return strcmp (ka, kb);
}

/* The backups in @dir, oldest first (their names sort by time). */
static GPtrArray *
list_backups (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_prefix (name, "helpdesk-") && g_str_has_suffix (name, ".db"))
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));

  g_ptr_array_sort (names, compare_names);
  return names;
}

/* Whether @path could stand in for the file: a sound helpdesk backup. */
static gboolean
is_sound_backup (const char *path)
{
  g_autoptr(GError) local_error = NULL;

  if (verify_backup (path, &local_error))
    return TRUE;

  g_debug ("The backup %s does not count as a sound one: %s", path, local_error->message);
  return FALSE;
}

/* The backups found sound are remembered in DIR/.checked, a line
 * "NAME SIZE MTIME" each, so that a rotation checks only the backups it
 * has not checked before: a check reads the whole backup, seconds for a
 * large helpdesk, and rotations run while the window is open. A backup
 * changed since (another size or time) is checked again. */
#define CHECKED_NAME ".checked"

static char *
backup_stamp (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09ld",
                          (gint64) st.st_size, (gint64) st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static GHashTable *
read_checked (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, CHECKED_NAME, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return checked;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *space = strchr (lines[i], ' ');

      if (space != NULL)
        g_hash_table_insert (checked, g_strndup (lines[i], space - lines[i]), g_strdup (space + 1));
    }
  return checked;
}

static void
write_checked (const char *dir,
               GHashTable *checked)
{
  g_autofree char *path = g_build_filename (dir, CHECKED_NAME, NULL);
  GString *text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer name, stamp;

  g_hash_table_iter_init (&iter, checked);
  while (g_hash_table_iter_next (&iter, &name, &stamp))
    g_string_append_printf (text, "%s %s\n", (char *) name, (char *) stamp);
  g_file_set_contents (path, text->str, text->len, NULL);
  g_string_free (text, TRUE);
}

/* Whether @path counts as sound: checked before and not changed since, or
 * checked now. */
static gboolean
is_checked_sound (const char *path,
                  gboolean    just_written,
                  GHashTable *checked,
                  GHashTable *still_sound)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *stamp = backup_stamp (path);

  if (stamp == NULL)
    return FALSE;
  if (!just_written && g_strcmp0 (g_hash_table_lookup (checked, name), stamp) != 0 &&
      !is_sound_backup (path))
    return FALSE;

  g_hash_table_insert (still_sound, g_steal_pointer (&name), g_steal_pointer (&stamp));
  return TRUE;
}

/* Keeps the @keep newest sound backups and whatever is newer than the
 * oldest of them. A backup that is damaged, or cannot be checked, counts
 * for nothing: it never pushes a sound one out, and goes once @keep sound
 * ones are newer. @written was checked as it was written. */
static void
rotate_backups (const char *dir,
                const char *written,
                guint       keep)
{
  g_autoptr(GPtrArray) backups = list_backups (dir);
  g_autoptr(GHashTable) checked = read_checked (dir);
  g_autoptr(GHashTable) still_sound = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                             g_free, g_free);
  guint sound = 0;

  for (guint i = backups->len; i > 0; i--)
    {
      const char *path = g_ptr_array_index (backups, i - 1);

      if (sound >= keep)
        g_unlink (path);
      else if (is_checked_sound (path, g_strcmp0 (path, written) == 0, checked, still_sound))
        sound++;
    }

  write_checked (dir, still_sound);
}

/**
 * hd_store_backup_rotating:
 * @dir: the backup folder, created when missing
 * @keep: how many sound backups to keep
 * @written_path: (out) (optional) (transfer full): the new backup
 *
 * Like hd_store_backup() into @dir, then removes older backups: only after
 * the new one was written and passed the check, and only those older than
 * the @keep newest sound ones (each checked as hd_store_find_last_good_backup()
 * checks it). A damaged file writes no backup and removes none, so the
 * last sound backup is never lost to damaged ones.
 */
gboolean
hd_store_backup_rotating (HdStore     *self,
                          const char  *dir,
                          guint        keep,
                          char       **written_path,
                          GError     **error)
{
  g_autofree char *written = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (keep > 0, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, HD_ERROR, HD_ERROR_FAILED, _("The backup folder “%s” cannot be made: %s."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (!hd_store_backup (self, dir, &written, error))
    return FALSE;

  rotate_backups (dir, written, keep);

  if (written_path != NULL)
    *written_path = g_steal_pointer (&written);
  return TRUE;
}

/**
 * hd_store_newest_backup_age:
 *
 * Returns: seconds since the newest backup in @dir was written, or -1 when
 *   there is none
 */
gint64
hd_store_newest_backup_age (const char *dir)
{
  g_autoptr(GPtrArray) backups = list_backups (dir);
  GStatBuf st;

  if (backups->len == 0 || g_stat (g_ptr_array_index (backups, backups->len - 1), &st) != 0)
    return -1;

  return MAX (0, g_get_real_time () / G_USEC_PER_SEC - (gint64) st.st_mtime);
}

/* Copies a desk left half-made in @dir when it was killed or lost power:
 * "….partial" and what goes with it. One another desk of this computer
 * is writing now is younger than an hour: a copy writes as it goes. */
#define STALE_PARTIAL_SECONDS (60 * 60)

static void
remove_stale_partials (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (strstr (name, ".partial") == NULL)
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode) &&
          now - (gint64) st.st_mtime > STALE_PARTIAL_SECONDS)
        g_unlink (path);
    }
}

/**
 * hd_store_maintain:
 * @self: a store opened for this alone: the copy uses its connection
 *   for as long as it takes (minutes for a large helpdesk on a share)
 * @gate: (nullable): the copy waits here between steps, for the window
 *   to be idle
 * @backup_written: (out) (optional) (transfer full): the backup kept, or
 *   %NULL when none was due
 *
 * What a window does for the file it has open, in the background: a
 * backup into its automatic backup folder when the newest is older than
 * %HD_STORE_BACKUP_EVERY_SECONDS, and a check of the file when it changed
 * since this desk last found it sound. Both are one copy, taken in steps
 * and checked (hd_store_copy_checked()); a copy made only to check the
 * file is not kept. A file that other desks keep changing is given up on
 * (%HD_ERROR_BUSY) rather than locked for the whole copy: try again
 * later. A damaged file fails with %HD_ERROR_CORRUPT, and is not copied
 * again while it is known damaged.
 */
gboolean
hd_store_maintain (HdStore       *self,
                   HdIdleGate    *gate,
                   GCancellable  *cancellable,
                   char         **backup_written,
                   GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *target = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *damage = NULL;
  HdCopyPace pace = { gate, TRUE, cancellable };
  HdVerified verified;
  gint64 age;
  gboolean keep;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  /* Not a file made, not a page read before the window is idle. */
  if (gate != NULL)
    hd_idle_gate_wait (gate, cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  verified = hd_store_get_verified (self, &damage);
  if (verified == HD_VERIFIED_DAMAGED)
    {
      g_autofree char *message = hd_store_damage_message (hd_store_get_path (self), damage);

      g_set_error_literal (error, HD_ERROR, HD_ERROR_CORRUPT, message);
      return FALSE;
    }

  dir = hd_store_default_backup_dir (hd_store_get_path (self));
  age = hd_store_newest_backup_age (dir);
  keep = age < 0 || age >= HD_STORE_BACKUP_EVERY_SECONDS;
  if (!keep && verified == HD_VERIFIED_SOUND)
    return TRUE;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, HD_ERROR, HD_ERROR_FAILED, _("The backup folder “%s” cannot be made: %s."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  remove_stale_partials (dir);

  target = keep ? backup_target (dir)
                : g_strdup_printf ("%s/.verifying-%d.db", dir, (int) getpid ());
  tmp = g_strconcat (target, ".partial", NULL);
  if (!hd_store_copy_checked (self, tmp, target, &pace, error))
    return FALSE;

  if (!keep)
    {
      g_unlink (tmp);
      return TRUE;
    }

  if (!keep_copy (tmp, target, error))
    return FALSE;
  rotate_backups (dir, target, HD_STORE_BACKUPS_KEPT);

  if (backup_written != NULL)
    *backup_written = g_steal_pointer (&target);
  return TRUE;
}

/* Opening a helpdesk file upgrades an older one in place, and a backup
 * must stay as it was (it may be read-only, too). So a restore copies the
 * backup into @dir and opens the copy; the caller removes @copy. */
static HdStore *
open_copy_of_backup (HdStore     *self,
                     const char  *backup,
                     const char  *dir,
                     char       **copy,
                     GError     **error)
{
  sqlite3 *src = NULL;
  sqlite3 *dst = NULL;
  int rc;

  if (!verify_backup (backup, error))
    return NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, HD_ERROR, HD_ERROR_FAILED, _("The backup folder “%s” cannot be made: %s."),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  *copy = g_strdup_printf ("%s/restoring-%d-%08x.db", dir, (int) getpid (), g_random_int ());
  rc = sqlite3_open_v2 (backup, &src, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_open_v2 (*copy, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    rc = copy_pages (src, dst);
  sqlite3_close (dst);
  sqlite3_close (src);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, HD_ERROR, (rc & 0xff) == SQLITE_FULL ? HD_ERROR_DISK_FULL : HD_ERROR_FAILED,
                   _("The backup “%s” could not be copied to restore it (%s); nothing was changed."),
                   backup, sqlite3_errstr (rc));
      return NULL;
    }

  return hd_store_open_full (*copy, hd_person_get_login (hd_store_get_me (self)),
                             HD_STORE_OPEN_VERIFY, error);
}

typedef char HdRestoreCopy;

static void
remove_copy (HdRestoreCopy *copy)
{
  g_autofree char *journal = g_strconcat (copy, "-journal", NULL);

  g_unlink (copy);
  g_unlink (journal);
  g_free (copy);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdRestoreCopy, remove_copy)

/**
 * hd_store_restore:
 * @backup: a backup of this helpdesk (or of any helpdesk file)
 * @safety_copy: (out) (optional) (transfer full): where the file as it was
 *   before the restore was saved
 *
 * Replaces the contents of the open file with @backup. Only the dispatcher
 * may. The backup is checked first (a helpdesk file, not newer, sound);
 * the file as it was is backed up to its automatic backup folder, so a
 * restore can itself be undone. The pages are copied into the live file
 * under its own lock with the online backup API, never by replacing the
 * file: other desks that have it open then read the restored contents.
 */
gboolean
hd_store_restore (HdStore     *self,
                  const char  *backup,
                  char       **safety_copy,
                  GError     **error)
{
  g_autoptr(HdStore) source = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(HdRestoreCopy) copy = NULL;
  g_autofree char *damage = NULL;
  sqlite3_backup *pages;
  gint64 last_seq;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (backup != NULL, FALSE);

  if (!hd_rules_check_manage_people (hd_store_get_me (self), NULL))
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED,
                           _("Only the dispatcher restores a helpdesk from a backup."));
      return FALSE;
    }

  /* The copy writes pages itself, not in hd_store_begin_write(). A switch
   * of the method between this check and the copy's lock is not caught. */
  if (!hd_store_check_locking (self, error))
    return FALSE;

  /* A damaged file cannot be saved among the backups first: it is for
   * hd_store_recover(), which keeps it beside the file instead. */
  if (hd_store_get_verified (self, &damage) == HD_VERIFIED_DAMAGED)
    {
      g_autofree char *message = hd_store_damage_message (hd_store_get_path (self), damage);

      g_set_error_literal (error, HD_ERROR, HD_ERROR_CORRUPT, message);
      return FALSE;
    }

  dir = hd_store_default_backup_dir (hd_store_get_path (self));
  source = open_copy_of_backup (self, backup, dir, &copy, error);
  if (source == NULL)
    return FALSE;
  if (hd_store_get_schema_version (source) > hd_store_get_schema_version (self))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NEWER_VERSION,
                   _("“%s” was made by a newer Helpdesk than the file it would replace."), backup);
      return FALSE;
    }

  if (!hd_store_backup_rotating (self, dir, HD_STORE_BACKUPS_KEPT, safety_copy, error))
    return FALSE;

  stmt = hd_store_prepare (self, "SELECT coalesce(max(seq), 0) FROM change_log", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);
  last_seq = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  pages = sqlite3_backup_init (hd_store_get_db (self), "main", hd_store_get_db (source), "main");
  if (pages == NULL)
    return hd_store_set_error_from_db (self, sqlite3_errcode (hd_store_get_db (self)), error);

  rc = sqlite3_backup_step (pages, -1);
  sqlite3_backup_finish (pages);
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  /* Tell every open window to read everything again. Other desks' monitors
   * have seen the old file's changes, so the row must come after all of
   * them, and after the backup's (a backup of another file may count
   * further). No actor: the restored people may not
   * include whoever restored. */
  stmt = hd_store_prepare (self,
                           "INSERT INTO change_log (seq, at, tbl, row_id, kind)"
                           " SELECT max(?, coalesce(max(seq), 0)) + 1, ?, 'settings', 0, 'restored'"
                           " FROM change_log", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, last_seq);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  return hd_store_step_done (self, stmt, error);
}

/* Recovering a damaged file
 *
 * A damaged file cannot be opened, so hd_store_restore() (which copies the
 * backup into the open file) cannot help; hd_store_recover() replaces the
 * file instead. It never opens the damaged file as a HdStore, so it cannot
 * know who its dispatcher was: the people are in the damaged file. The
 * file's permissions are the boundary: only someone who may write the file
 * itself (not just its folder) may replace it, and the damaged file is
 * always kept. */

/* SQLite's lock bytes (os_unix.c): PENDING, RESERVED and the SHARED range
 * follow each other, 512 bytes from 1 GiB. A write lock over all of them
 * is what SQLite's EXCLUSIVE lock looks like to every other client. */
#define SQLITE_LOCK_FIRST_BYTE 0x40000000
#define SQLITE_LOCK_BYTES 512

static const guint8 sqlite_magic[16] = "SQLite format 3";

typedef struct {
  HdLocking locking;
  HdLease  *lease;     /* dotfile: the lease on FILE.lock */
  int       fd;        /* posix: the file, holding an OFD lock; else -1 */
} FileLock;

static guint
busy_timeout_ms (void)
{
  const char *env = g_getenv ("HELPDESK_BUSY_TIMEOUT");
  guint64 timeout = HD_STORE_DEFAULT_BUSY_TIMEOUT_MS;

  if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 0, G_MAXINT, &timeout, NULL))
    timeout = HD_STORE_DEFAULT_BUSY_TIMEOUT_MS;

  return timeout;
}

static gboolean
set_file_error (int          saved_errno,
                const char  *path,
                GError     **error)
{
  switch (saved_errno)
    {
    case ENOSPC:
    case EDQUOT:
      g_set_error (error, HD_ERROR, HD_ERROR_DISK_FULL,
                   _("The disk that holds “%s” is full. Free some space and try again; the damaged file was not replaced."),
                   path);
      return FALSE;
    case EROFS:
    case EACCES:
    case EPERM:
      g_set_error (error, HD_ERROR, HD_ERROR_READ_ONLY,
                   _("“%s” or its folder cannot be written. Ask for write access to both; the damaged file was not replaced."),
                   path);
      return FALSE;
    default:
      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("“%s” could not be read or written (%s); the damaged file was not replaced."),
                   path, g_strerror (saved_errno));
      return FALSE;
    }
}

static int
query_raw_int (sqlite3     *db,
               const char  *sql,
               gint64      *value)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;

  *value = sqlite3_column_int64 (stmt, 0);
  return SQLITE_OK;
}

/* Whether @backup is a sound helpdesk file this Helpdesk can read. It is
 * opened read-only and never written: no upgrade, no journal mode, no
 * recovery of an unfinished change (that is refused instead). */
static gboolean
verify_backup (const char  *backup,
               GError     **error)
{
  sqlite3 *db = NULL;
  g_autofree char *detail = NULL;
  gint64 app_id = 0;
  gint64 version = 0;
  GStatBuf st;
  int rc;

  if (g_stat (backup, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                     _("There is no backup at “%s”. Check the name; nothing was changed."), backup);
      else
        g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                     _("The backup “%s” cannot be read (%s); nothing was changed."), backup,
                     g_strerror (saved_errno));
      return FALSE;
    }

  if (!S_ISREG (st.st_mode) || st.st_size == 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK,
                   _("“%s” is not a helpdesk backup. Choose another backup; nothing was changed."),
                   backup);
      return FALSE;
    }

  rc = sqlite3_open_v2 (backup, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, TRUE);
      sqlite3_busy_timeout (db, busy_timeout_ms ());
      rc = query_raw_int (db, "PRAGMA application_id", &app_id);
    }
  if (rc == SQLITE_OK)
    rc = query_raw_int (db, "PRAGMA user_version", &version);
  if (rc == SQLITE_OK && app_id == HD_APPLICATION_ID && version <= HD_SCHEMA_VERSION)
    rc = hd_store_quick_check_db (db, &detail);
  sqlite3_close (db);

  if (rc == SQLITE_OK && app_id != HD_APPLICATION_ID)
    rc = SQLITE_NOTADB;

  switch (rc & 0xff)
    {
    case SQLITE_OK:
      break;
    case SQLITE_NOTADB:
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK,
                   _("“%s” is not a helpdesk backup. Choose another backup; nothing was changed."),
                   backup);
      return FALSE;
    case SQLITE_CORRUPT:
      g_set_error (error, HD_ERROR, HD_ERROR_CORRUPT,
                   _("The backup “%s” is damaged too (%s). Choose another backup; nothing was changed."),
                   backup, sqlite3_errstr (rc));
      return FALSE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, HD_ERROR, HD_ERROR_BUSY,
                   _("The backup “%s” is busy: another program is writing it. Try again in a moment; nothing was changed."),
                   backup);
      return FALSE;
    default:
      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("The backup “%s” could not be checked without changing it (%s). Choose another backup; nothing was changed."),
                   backup, sqlite3_errstr (rc));
      return FALSE;
    }

  if (version > HD_SCHEMA_VERSION)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NEWER_VERSION,
                   _("The backup “%s” was made by a newer version of Helpdesk (file version %d, this program knows %d). Update Helpdesk or choose another backup; nothing was changed."),
                   backup, (int) version, HD_SCHEMA_VERSION);
      return FALSE;
    }

  if (detail != NULL)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_CORRUPT,
                   _("The backup “%s” is damaged too (%s). Choose another backup; nothing was changed."),
                   backup, detail);
      return FALSE;
    }

  return TRUE;
}

/**
 * hd_store_find_last_good_backup:
 * @path: a helpdesk file, damaged or not
 *
 * Looks through the automatic backups of @path (hd_store_default_backup_dir(),
 * where hd_store_backup_rotating() writes them and hd_store_restore() keeps
 * the file as it was before a restore), newest first, for one that is a
 * helpdesk file this Helpdesk can read and passes SQLite's quick check.
 * Backups are opened read-only and never changed.
 *
 * They are ordered by their names, which carry the local time they were
 * written (helpdesk-20261123-141500.db, -2, -3 … within a second): unlike
 * modification times, names survive copying the folder, and they are the
 * order in which the folder is rotated. Only the hour when the clocks go
 * back can be out of order.
 *
 * Returns: (transfer full): the newest good backup, or %NULL with
 *   %HD_ERROR_NOT_FOUND when there is none
 */
char *
hd_store_find_last_good_backup (const char  *path,
                                GError     **error)
{
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) backups = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = hd_store_default_backup_dir (path);
  backups = list_backups (dir);

  for (guint i = backups->len; i > 0; i--)
    {
      const char *candidate = g_ptr_array_index (backups, i - 1);
      g_autoptr(GError) local_error = NULL;

      if (verify_backup (candidate, &local_error))
        return g_strdup (candidate);

      g_debug ("Not offering the backup %s: %s", candidate, local_error->message);
    }

  if (backups->len == 0)
    g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                 _("There is no backup of “%s” in “%s”."), path, dir);
  else
    g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                 _("None of the backups of “%s” in “%s” can be used: each is damaged or not a helpdesk file."),
                 path, dir);
  return NULL;
}

static guint32
header_uint32 (const guint8 *bytes)
{
  return (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 |
         (guint32) bytes[2] << 8 | (guint32) bytes[3];
}

/**
 * hd_store_read_header:
 * @user_version: (out) (optional): the schema version the header records
 *
 * What the first 100 bytes of @path say, read with plain reads as they are
 * on disk: SQLite would first roll back a hot journal left beside the
 * file, which writes the file. application_id is at offset 68 of the
 * header and user_version at 60, both big-endian.
 */
HdHeaderKind
hd_store_read_header (const char *path,
                      gint64     *user_version)
{
  guint8 header[100] = { 0 };
  FILE *file;
  size_t n = 0;

  file = g_fopen (path, "rb");
  if (file != NULL)
    {
      n = fread (header, 1, sizeof header, file);
      fclose (file);
    }

  if (n < sizeof header || memcmp (header, sqlite_magic, sizeof sqlite_magic) != 0)
    return HD_HEADER_NONE;

  if (user_version != NULL)
    *user_version = (gint32) header_uint32 (header + 60);
  return header_uint32 (header + 68) == HD_APPLICATION_ID ? HD_HEADER_HELPDESK
                                                          : HD_HEADER_OTHER;
}

/* Whether a file that SQLite may be unable to read is a helpdesk file: its
 * header says so; or Helpdesk recorded how to lock it; or it has no header
 * left at all (garbage) but Helpdesk made backups of this path. Another
 * program's database, or a text file nobody used as a helpdesk, is never
 * ours. */
static gboolean
is_ours (const char *path,
         HdHeaderKind header,
         gboolean    recorded)
{
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) backups = NULL;

  if (header == HD_HEADER_HELPDESK || recorded)
    return TRUE;
  if (header == HD_HEADER_OTHER)
    return FALSE;

  dir = hd_store_default_backup_dir (path);
  backups = list_backups (dir);
  return backups->len > 0;
}

/* Takes the lock every desk takes before it writes @path, so that no desk
 * is in the middle of a change while the file is copied and replaced:
 *
 * - dotfile: the lease on FILE.lock that the store's VFS takes (hd-lease.h),
 *   taken over from a desk that stopped the same way.
 * - posix: a write lock over SQLite's lock bytes, as an open file
 *   description lock (Linux): it is not lost when SQLite closes its own
 *   descriptors of the same file in this process. Where the system has no
 *   such locks the replacement is not guarded against a desk that writes
 *   at that very moment; but such a desk is writing into a damaged file,
 *   and the rename never mixes the two files.
 *
 * Not guarded either way: desks that still have the old file open keep
 * it open (it is the damaged one); their monitors see that the file was
 * replaced, and their next write is refused. Within this process, closing
 * any descriptor of the file drops the POSIX locks SQLite holds on it, so
 * callers close their own stores of the file first. */
static gboolean
lock_file (const char  *path,
           HdLocking    locking,
           FileLock    *lock,
           GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) busy_timeout_ms () * 1000;

  lock->locking = locking;
  lock->fd = -1;

  if (locking == HD_LOCKING_DOTFILE)
    {
      lock->lease = hd_lease_take (path, busy_timeout_ms (), error);
      return lock->lease != NULL;
    }

#ifdef F_OFD_SETLK
  for (;;)
    {
      struct flock range = { 0 };
      GStatBuf now;
      GStatBuf held;
      int fd = g_open (path, O_RDWR | O_CLOEXEC, 0);

      if (fd < 0)
        return set_file_error (errno, path, error);

      range.l_type = F_WRLCK;
      range.l_whence = SEEK_SET;
      range.l_start = SQLITE_LOCK_FIRST_BYTE;
      range.l_len = SQLITE_LOCK_BYTES;
      if (fcntl (fd, F_OFD_SETLK, &range) != 0)
        {
          int saved_errno = errno;

          close (fd);
          if (saved_errno != EAGAIN && saved_errno != EACCES)
            {
              g_debug ("No lock on %s (%s); replacing it unguarded", path,
                       g_strerror (saved_errno));
              return TRUE;
            }
          if (g_get_monotonic_time () >= deadline)
            goto busy;
          g_usleep (20 * 1000);
          continue;
        }

      /* Still the file at @path, not one put there meanwhile? */
      if (fstat (fd, &held) == 0 && g_stat (path, &now) == 0 &&
          held.st_dev == now.st_dev && held.st_ino == now.st_ino)
        {
          lock->fd = fd;
          return TRUE;
        }
      close (fd);
      if (g_get_monotonic_time () >= deadline)
        goto busy;
    }
#else
  return TRUE;
#endif

busy:
  g_set_error (error, HD_ERROR, HD_ERROR_BUSY,
               _("“%s” is busy: another program held it longer than the wait limit (%.1f s). Try again in a moment; nothing was changed."),
               path, busy_timeout_ms () / 1000.0);
  return FALSE;
}

/* Before the damaged file is replaced: a dot-file lock must still be ours,
 * or another desk took it over while the copy took long. */
static gboolean
still_locked (FileLock  *lock,
              GError   **error)
{
  return lock->lease == NULL || hd_lease_check (lock->lease, TRUE, error);
}

static void
unlock_file (FileLock *lock)
{
  g_clear_pointer (&lock->lease, hd_lease_free);
  if (lock->fd >= 0)
    close (lock->fd);
  lock->fd = -1;
}

/* Under the lock: whether @path is damaged. It is read as it is, without
 * SQLite's locks (we hold the file's lock) and without its journal
 * (immutable), so reading never writes it. */
static gboolean
probe_damaged (const char  *path,
               gboolean    *damaged,
               GError     **error)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
  g_autofree char *detail = NULL;
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, TRUE);
      rc = hd_store_quick_check_db (db, &detail);
    }
  sqlite3_close (db);

  switch (rc & 0xff)
    {
    case SQLITE_OK:
      *damaged = detail != NULL;
      return TRUE;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      *damaged = TRUE;
      return TRUE;
    default:
      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("“%s” could not be read to check it (%s); nothing was changed."), path,
                   sqlite3_errstr (rc));
      return FALSE;
    }
}

static gboolean
sync_file (const char  *path,
           GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int saved_errno;

  if (fd >= 0 && fsync (fd) == 0)
    return close (fd) == 0 || set_file_error (errno, path, error);

  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  return set_file_error (saved_errno, path, error);
}

/* Copies @backup into the new file @tmp with the online backup API, under a
 * read lock on the backup so the copy is one consistent moment, and checks
 * the copy. */
static gboolean
copy_backup (const char  *backup,
             const char  *tmp,
             const char  *path,
             GError     **error)
{
  sqlite3 *src = NULL;
  sqlite3 *dst = NULL;
  sqlite3_backup *copy = NULL;
  g_autofree char *detail = NULL;
  int rc;

  rc = sqlite3_open_v2 (backup, &src, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (src, busy_timeout_ms ());
      rc = sqlite3_exec (src, "BEGIN; SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_open_v2 (tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      copy = sqlite3_backup_init (dst, "main", src, "main");
      rc = copy != NULL ? SQLITE_OK : sqlite3_errcode (dst);
    }
  while (rc == SQLITE_OK)
    {
      rc = sqlite3_backup_step (copy, 1024);
    }
  if (copy != NULL)
    sqlite3_backup_finish (copy);
  if (rc == SQLITE_DONE)
    rc = hd_store_quick_check_db (dst, &detail);
  if (rc == SQLITE_OK && detail != NULL)
    rc = SQLITE_CORRUPT;

  if (rc != SQLITE_OK)
    {
      if ((rc & 0xff) == SQLITE_FULL)
        set_file_error (ENOSPC, path, error);
      else
        g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                     _("The backup “%s” could not be copied beside “%s” (%s); the damaged file was not replaced."),
                     backup, path,
                     dst != NULL ? sqlite3_errmsg (dst) : sqlite3_errstr (rc));
    }

  sqlite3_close (dst);
  if (src != NULL)
    sqlite3_exec (src, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (src);
  return rc == SQLITE_OK;
}

/* Copies the damaged file byte for byte to PATH.damaged-YYYYMMDD-HHMMSS
 * (-2, -3 … within a second), never over another file. */
static char *
keep_damaged (const char  *path,
              GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = NULL;
  char buffer[64 * 1024];
  GStatBuf st;
  int in = -1;
  int out = -1;
  int saved_errno = 0;
  ssize_t n;

  in = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0 || fstat (in, &st) != 0)
    goto fail;

  for (guint i = 1; out < 0; i++)
    {
      g_free (target);
      target = i == 1 ? g_strdup_printf ("%s.damaged-%s", path, stamp)
                      : g_strdup_printf ("%s.damaged-%s-%u", path, stamp, i);
      out = g_open (target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0666);
      if (out < 0 && errno != EEXIST)
        {
          g_clear_pointer (&target, g_free);
          goto fail;
        }
    }

  while ((n = read (in, buffer, sizeof buffer)) != 0)
    {
      char *p = buffer;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      while (n > 0)
        {
          ssize_t written = write (out, p, n);

          if (written < 0 && errno == EINTR)
            continue;
          if (written < 0)
            goto fail;
          p += written;
          n -= written;
        }
    }

  if (fsync (out) != 0 || close (out) != 0)
    {
      out = -1;
      goto fail;
    }
  close (in);
  return g_steal_pointer (&target);

fail:
  saved_errno = errno;
  if (in >= 0)
    close (in);
  if (out >= 0)
    close (out);
  if (target != NULL)
    g_unlink (target);
  set_file_error (saved_errno, path, error);
  return NULL;
}

static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/**
 * hd_store_recover:
 * @path: a helpdesk file that cannot be opened because it is damaged
 * @backup: a backup of it, such as hd_store_find_last_good_backup() offers
 * @damaged_copy: (out) (optional) (transfer full): where the damaged file
 *   is kept
 *
 * Replaces a damaged helpdesk file with a copy of @backup, keeping the
 * damaged file byte for byte as PATH.damaged-YYYYMMDD-HHMMSS in the same
 * folder (with its journal, if it had one, as that name plus "-journal").
 * The backup must be a sound helpdesk file not made by a newer Helpdesk.
 * It is copied beside @path and renamed over it, so @path is always either
 * the damaged file or the whole backup; this happens under the file's lock
 * (see lock_file()). FILE.locking is kept as it is.
 *
 * Nobody's role can be checked (the people are in the damaged file):
 * whoever may write the file may recover it, as they could with any other
 * tool. Close every HdStore of @path in this process first.
 *
 * Refused, with nothing changed: a file that is not damaged
 * (%HD_ERROR_EXISTS: use hd_store_restore() for it), a missing file
 * (%HD_ERROR_NOT_FOUND), a file that is not a helpdesk file
 * (%HD_ERROR_NOT_HELPDESK), and a backup that is damaged, not a helpdesk
 * file or newer.
 */
gboolean
hd_store_recover (const char  *path,
                  const char  *backup,
                  char       **damaged_copy,
                  GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *kept_journal = NULL;
  FileLock lock = { .fd = -1 };
  HdLocking locking = HD_LOCKING_POSIX;
  gboolean recorded = FALSE;
  gboolean damaged = FALSE;
  gboolean journal_moved = FALSE;
  HdHeaderKind header;
  GStatBuf st;
  GStatBuf backup_st;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (backup != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        {
          g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                       _("There is no helpdesk file at “%s” to recover. Check the name, or create one with “helpdesk-cli init”."),
                       path);
          return FALSE;
        }
      return set_file_error (saved_errno, path, error);
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK,
                   _("“%s” is not a helpdesk file; nothing was changed."), path);
      return FALSE;
    }

  if (g_stat (backup, &backup_st) == 0 &&
      backup_st.st_dev == st.st_dev && backup_st.st_ino == st.st_ino)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("“%s” is the damaged file itself. Choose a backup of it; nothing was changed."),
                   backup);
      return FALSE;
    }

  /* Replacing needs only the folder; recovering asks for the file too, so
   * that nobody who may not change the helpdesk can swap it. */
  dir = g_path_get_dirname (path);
  if (g_access (path, W_OK) != 0 || g_access (dir, W_OK) != 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_READ_ONLY,
                   _("“%s” or its folder cannot be written. Ask for write access to both; nothing was changed."),
                   path);
      return FALSE;
    }

  if (!hd_store_read_locking_record (path, &locking, &recorded, error))
    return FALSE;

  header = hd_store_read_header (path, NULL);
  if (!is_ours (path, header, recorded))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK,
                   _("“%s” is not a helpdesk file, so it is not replaced by a backup; nothing was changed."),
                   path);
      return FALSE;
    }

  if (!verify_backup (backup, error))
    return FALSE;

  if (!lock_file (path, locking, &lock, error))
    return FALSE;

  if (!probe_damaged (path, &damaged, error))
    goto fail;
  /* SQLite reads an empty file as an empty database; it is no helpdesk. */
  damaged = damaged || hd_store_read_header (path, NULL) == HD_HEADER_NONE;
  if (!damaged && hd_store_read_header (path, NULL) == HD_HEADER_OTHER)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK,
                   _("“%s” is another program’s database, not a damaged helpdesk file, so it is not replaced; nothing was changed."),
                   path);
      goto fail;
    }
  if (!damaged)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_EXISTS,
                   _("“%s” is not damaged: it opens and passes the check, so it is not replaced. Restore the backup into it with the ordinary restore (dispatcher only); nothing was changed."),
                   path);
      goto fail;
    }

  tmp = g_strdup_printf ("%s.recovering-%d-%08x", path, (int) getpid (), g_random_int ());
  if (!copy_backup (backup, tmp, path, error))
    goto fail;

  /* Everyone who could use the damaged file can use its replacement, as
   * far as the file system lets us: the group can only be kept where we
   * belong to it, and some shares ignore both. */
  if (g_chmod (tmp, st.st_mode & 07777) != 0 || chown (tmp, (uid_t) -1, st.st_gid) != 0)
    g_debug ("The copy of %s does not have the permissions of %s: %s", backup, path,
             g_strerror (errno));
  if (!sync_file (tmp, error))
    goto fail;

  kept = keep_damaged (path, error);
  if (kept == NULL || !still_locked (&lock, error))
    goto fail;

  /* A journal beside the file belongs to the damaged file: played into the
   * backup it would damage that too. It goes with the damaged copy. */
  journal = g_strconcat (path, "-journal", NULL);
  kept_journal = g_strconcat (kept, "-journal", NULL);
  if (g_file_test (journal, G_FILE_TEST_EXISTS))
    {
      if (g_rename (journal, kept_journal) != 0)
        {
          set_file_error (errno, path, error);
          goto fail;
        }
      journal_moved = TRUE;
    }

  if (g_rename (tmp, path) != 0)
    {
      set_file_error (errno, path, error);
      goto fail;
    }
  sync_folder (path);
  unlock_file (&lock);

  if (damaged_copy != NULL)
    *damaged_copy = g_steal_pointer (&kept);
  return TRUE;

fail:
  if (journal_moved)
    g_rename (kept_journal, journal);
  if (kept != NULL)
    g_unlink (kept);
  if (tmp != NULL)
    {
      g_autofree char *tmp_journal = g_strconcat (tmp, "-journal", NULL);

      g_unlink (tmp);
      g_unlink (tmp_journal);
    }
  unlock_file (&lock);
  return FALSE;
}

/* Switching the locking method
 *
 * Every desk locks the file the way FILE.locking says. The switch takes
 * both methods' locks, as every desk takes them before it writes, so no
 * desk of either method is in the middle of a change while the record is
 * replaced; each desk checks the record under its lock at the start of
 * every write (hd_store_begin_write()), and one that still uses the old
 * method refuses to write and opens the file again.
 *
 * Not covered: a desk whose POSIX locks do not reach this one (another
 * computer, where they do not cross the share: the very case that calls
 * for the switch) may be in a change it began before the record changed.
 * Its own writes were refused there already (hd_store_is_locking_unsafe())
 * unless it sees the file as local, such as on the file server itself.
 *
 * Within this process, taking the POSIX lock opens and closes the file,
 * which drops the POSIX locks other connections of this process hold on
 * it (lock_file()); every write of this process with POSIX locks was
 * already refused where the switch matters, so only a read can be cut
 * short, and the caller opens the file again anyway. */

static gboolean
check_switch_allowed (HdStore    *self,
                      HdLocking   locking,
                      GError    **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdLocation) location = NULL;

  me = hd_store_lookup_person (self, hd_person_get_login (hd_store_get_me (self)), NULL);
  if (!hd_rules_check_set_locking (me != NULL ? me : hd_store_get_me (self), error))
    return FALSE;

  location = hd_location_detect (hd_store_get_path (self), NULL);
  if (locking == HD_LOCKING_POSIX && location != NULL &&
      hd_location_recommended_locking (location->kind) != HD_LOCKING_POSIX)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("“%s” cannot be switched to POSIX locks: where it lives they may not reach the other computers that use it, so two desks could overwrite each other’s work. It keeps its locking method; nothing was changed."),
                   hd_store_get_path (self));
      return FALSE;
    }

  return TRUE;
}

static gboolean
lock_both (const char  *path,
           FileLock    *dotfile,
           FileLock    *posix,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (lock_file (path, HD_LOCKING_DOTFILE, dotfile, &local_error) &&
      lock_file (path, HD_LOCKING_POSIX, posix, &local_error))
    return TRUE;

  unlock_file (dotfile);
  /* lock_file()'s own messages speak of replacing a damaged file. */
  if (g_error_matches (local_error, HD_ERROR, HD_ERROR_BUSY))
    g_set_error (error, HD_ERROR, HD_ERROR_BUSY,
                 _("Another desk is working with “%s” right now, so its locking method was not changed. Try again when no other desk is saving a change."),
                 path);
  else
    g_set_error (error, HD_ERROR, local_error->code,
                 _("“%s” could not be locked to switch its locking method. Check that you may write it and its folder, and that the disk or share is there; nothing was changed."),
                 path);
  return FALSE;
}

static gboolean
write_record (const char  *path,
              HdLocking    locking,
              GError     **error)
{
  g_autofree char *record = hd_store_locking_path (path);
  g_autofree char *text = g_strconcat (hd_locking_to_string (locking), "\n", NULL);
  g_autoptr(GError) local_error = NULL;

  if (g_file_set_contents (record, text, -1, &local_error))
    return TRUE;

  g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
               _("The locking record “%s” cannot be written (%s); the locking method was not changed."),
               record, local_error->message);
  return FALSE;
}

/**
 * hd_store_set_locking:
 * @locking: how every desk is to lock the file from now on
 *
 * Switches the file's locking method: only the dispatcher may, and only
 * while no other desk holds the file (%HD_ERROR_BUSY after the busy
 * timeout). POSIX locks are refused where they may not reach the other
 * desks (%HD_ERROR_INVALID_INPUT). Every store that has the file open,
 * this one included, refuses its next write with
 * %HD_ERROR_LOCKING_CHANGED: open the file again to go on.
 *
 * Returns: whether the record now says @locking
 */
gboolean
hd_store_set_locking (HdStore    *self,
                      HdLocking   locking,
                      GError    **error)
{
  const char *path;
  FileLock dotfile = { .fd = -1 };
  FileLock posix = { .fd = -1 };
  gboolean ok;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = hd_store_get_path (self);
  if (!check_switch_allowed (self, locking, error))
    return FALSE;

  /* Nothing to do: no desk need open the file again. */
  if (hd_store_get_locking (self) == locking && hd_store_is_locking_current (self, NULL))
    return TRUE;

  if (!lock_both (path, &dotfile, &posix, error))
    return FALSE;

  ok = write_record (path, locking, error);
  unlock_file (&posix);
  unlock_file (&dotfile);
  return ok;
}
