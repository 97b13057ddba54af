/* hd-store-maint.c — checking and backing up a helpdesk file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hd-rules.h"
#include "hd-schema.h"
#include "hd-store-private.h"

typedef char *(*DescribeFunc) (const char *a,
                               const char *b);

static char *
describe_damage (const char *a,
                 const char *b)
{
  return g_strdup_printf (_("Damaged: %s"), a);
}

static char *
describe_dangling (const char *a,
                   const char *b)
{
  return g_strdup_printf (_("A row of “%s” refers to a missing row of “%s”."), a, b);
}

static char *
describe_no_history (const char *a,
                     const char *b)
{
  return g_strdup_printf (_("Ticket #%s has no history."), a);
}

static char *
describe_requester_assigned (const char *a,
                             const char *b)
{
  return g_strdup_printf (_("The requester “%s” is assigned open tickets."), a);
}

/* Runs @sql and adds one problem per row that is not a single "ok". */
static gboolean
collect_rows (HdStore       *self,
              const char    *sql,
              DescribeFunc   describe,
              GPtrArray     *problems,
              GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *first = hd_column_text (stmt, 0);

      if (sqlite3_column_count (stmt) == 1 && g_strcmp0 (first, "ok") == 0)
        continue;

      g_ptr_array_add (problems,
                       describe (first != NULL ? first : "",
                                 sqlite3_column_count (stmt) > 2
                                   ? hd_column_text (stmt, 2) : ""));
    }

  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

/**
 * hd_store_check:
 * @problems: (out) (transfer full) (element-type utf8): what is wrong, one
 *   sentence each; empty when the file is sound
 *
 * Checks the whole file: SQLite's integrity check, references between rows,
 * the schema version, and that every ticket has its history.
 *
 * Returns: %FALSE only when the check itself could not run
 */
gboolean
hd_store_check (HdStore     *self,
                GPtrArray  **problems,
                GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  if (!collect_rows (self, "PRAGMA integrity_check", describe_damage, found, error) ||
      !collect_rows (self, "PRAGMA foreign_key_check", describe_dangling, found, error) ||
      !collect_rows (self,
                     "SELECT id, 0 FROM tickets t WHERE NOT EXISTS"
                     " (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id"
                     "  AND e.kind = 'created')",
                     describe_no_history, found, error) ||
      !collect_rows (self,
                     "SELECT login, 0 FROM people WHERE role = 'requester' AND id IN"
                     " (SELECT assignee_id FROM tickets WHERE status NOT IN ('resolved', 'closed'))",
                     describe_requester_assigned, found, error))
    return FALSE;

  if (hd_store_get_schema_version (self) != HD_SCHEMA_VERSION)
    g_ptr_array_add (found, g_strdup_printf (_("The schema is version %d, expected %d."),
                                             hd_store_get_schema_version (self),
                                             HD_SCHEMA_VERSION));

  *problems = g_steal_pointer (&found);
  return TRUE;
}

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

/* Copies the open file into @tmp with the online backup API, holding a read
 * lock on the source for the whole copy so the copy is one consistent
 * moment; other desktops wait only while it runs. */
static gboolean
copy_to (HdStore     *self,
         const char  *tmp,
         const char  *target,
         GError     **error)
{
  sqlite3 *src = hd_store_get_db (self);
  sqlite3 *dst = NULL;
  sqlite3_backup *backup;
  gboolean ok = FALSE;
  int rc;

  rc = sqlite3_exec (src, "BEGIN; SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return hd_store_set_error_from_db (self, rc, error);

  rc = sqlite3_open_v2 (tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (dst, "main", src, "main");
      rc = backup != NULL ? sqlite3_backup_step (backup, -1) : sqlite3_errcode (dst);
      if (backup != NULL)
        sqlite3_backup_finish (backup);
      ok = rc == SQLITE_DONE;
      if (ok)
        rc = sqlite3_exec (dst, "PRAGMA quick_check", NULL, NULL, NULL);
      ok = ok && rc == SQLITE_OK;
    }

  if (!ok)
    g_set_error (error, HD_ERROR, rc == SQLITE_FULL ? HD_ERROR_DISK_FULL : HD_ERROR_FAILED,
                 _("The backup to “%s” failed: %s."), target,
                 dst != NULL ? sqlite3_errmsg (dst) : sqlite3_errstr (rc));

  sqlite3_close (dst);
  sqlite3_exec (src, "COMMIT", NULL, NULL, NULL);
  return ok;
}

/**
 * hd_store_backup:
 * @dest: a file to write, or a folder to put a dated file in
 * @written_path: (out) (optional) (transfer full): the file written
 *
 * Writes a consistent copy of the open file while others keep working. The
 * copy is written beside @dest and renamed into place only once complete,
 * so an interrupted backup never replaces a good one.
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
  g_unlink (tmp);

  if (!copy_to (self, tmp, target, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  if (g_rename (tmp, target) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp);
      g_set_error (error, HD_ERROR, HD_ERROR_FAILED, _("The backup could not be saved as “%s”: %s."),
                   target, g_strerror (saved_errno));
      return FALSE;
    }

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
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *base = g_path_get_basename (canonical);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, canonical, -1);
  g_autofree char *name = NULL;

  hash[10] = '\0';
  name = g_strdup_printf ("%s-%s", base, hash);
  return g_build_filename (g_get_user_data_dir (), "helpdesk", "backups", name, NULL);
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

/**
 * hd_store_backup_rotating:
 * @dir: the backup folder, created when missing
 * @keep: how many backups to keep; older ones are removed after a new one
 *   was written and checked
 * @written_path: (out) (optional) (transfer full): the new backup
 */
gboolean
hd_store_backup_rotating (HdStore     *self,
                          const char  *dir,
                          guint        keep,
                          char       **written_path,
                          GError     **error)
{
  g_autoptr(GPtrArray) backups = NULL;

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

  if (!hd_store_backup (self, dir, written_path, error))
    return FALSE;

  backups = list_backups (dir);
  for (guint i = 0; i + keep < backups->len; i++)
    g_unlink (g_ptr_array_index (backups, i));

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
  sqlite3_backup *copy;
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

  source = hd_store_open_full (backup, hd_person_get_login (hd_store_get_me (self)),
                               HD_STORE_OPEN_VERIFY, error);
  if (source == NULL)
    return FALSE;
  if (hd_store_get_schema_version (source) > hd_store_get_schema_version (self))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NEWER_VERSION,
                   _("“%s” was made by a newer Helpdesk than the file it would replace."), backup);
      return FALSE;
    }

  dir = hd_store_default_backup_dir (hd_store_get_path (self));
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

  copy = sqlite3_backup_init (hd_store_get_db (self), "main", hd_store_get_db (source), "main");
  if (copy == NULL)
    return hd_store_set_error_from_db (self, sqlite3_errcode (hd_store_get_db (self)), error);

  rc = sqlite3_backup_step (copy, -1);
  sqlite3_backup_finish (copy);
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  /* Tell every open window to read everything again. Other desks' monitors
   * have seen the old file's changes, so the row must come after all of
   * them, not after the backup's. No actor: the restored people may not
   * include whoever restored. */
  stmt = hd_store_prepare (self,
                           "INSERT INTO change_log (seq, at, tbl, row_id, kind)"
                           " VALUES (?, ?, 'settings', 0, 'restored')", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, MAX (last_seq + 1, 1));
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  return hd_store_step_done (self, stmt, error);
}
