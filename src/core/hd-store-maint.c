/* hd-store-maint.c — checking and backing up a helpdesk file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

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
 * so a backup never replaces another one made in the same second. */
static char *
backup_target (const char *dest)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;

  if (!g_file_test (dest, G_FILE_TEST_IS_DIR))
    return g_strdup (dest);

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  for (guint n = 1; ; n++)
    {
      g_autofree char *base = n == 1 ? g_strdup_printf ("helpdesk-%s.db", stamp)
                                     : g_strdup_printf ("helpdesk-%s-%u.db", stamp, n);
      char *path = g_build_filename (dest, base, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
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
