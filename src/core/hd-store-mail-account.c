/* hd-store-mail-account.c — the mailbox's settings, the file's id, and
 * which desk reads the mailbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-rules.h"
#include "hd-store-private.h"

#define FILE_ID_KEY "file.id"

/* Settings */

/**
 * hd_store_get_mail_settings:
 *
 * Anyone may read them (they hold no secret); a file whose mailbox was
 * never set up gives the defaults of hd_mail_settings_new(), version 0.
 *
 * Returns: (transfer full): the mailbox's settings
 */
HdMailSettings *
hd_store_get_mail_settings (HdStore  *self,
                            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdMailSettings) s = hd_mail_settings_new ();
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  stmt = hd_store_prepare (self, "SELECT address, display_name, imap_host, imap_port,"
                           " imap_security, imap_folder, smtp_host, smtp_port, smtp_security,"
                           " user_name, interval_seconds, enabled, version"
                           " FROM mail_account WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return g_steal_pointer (&s);
  if (rc != SQLITE_ROW)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

#define TAKE(field, column) g_free (s->field), s->field = g_strdup (hd_column_text (stmt, column))
  TAKE (address, 0);
  g_clear_pointer (&s->display_name, g_free);
  if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    TAKE (display_name, 1);
  TAKE (imap_host, 2);
  s->imap_port = sqlite3_column_int (stmt, 3);
  TAKE (imap_security, 4);
  TAKE (imap_folder, 5);
  TAKE (smtp_host, 6);
  s->smtp_port = sqlite3_column_int (stmt, 7);
  TAKE (smtp_security, 8);
  TAKE (user_name, 9);
#undef TAKE
  s->interval_seconds = MAX (sqlite3_column_int (stmt, 10), HD_MAIL_MIN_INTERVAL);
  s->enabled = sqlite3_column_int (stmt, 11) != 0;
  s->version = sqlite3_column_int64 (stmt, 12);
  return g_steal_pointer (&s);
}

static guint
usual_port (const char *security,
            gboolean    smtp)
{
  if (smtp)
    return g_strcmp0 (security, "tls") == 0 ? 465 : 587;
  return g_strcmp0 (security, "tls") == 0 ? 993 : 143;
}

/**
 * hd_store_set_mail_settings:
 * @settings: every field, as hd_mail_settings_validate() accepts them
 * @if_version: the version @settings was read at; 0 to write whatever
 *   the file holds now
 *
 * Writes the mailbox's settings in one transaction with a change_log row
 * (table "mail_account", row 1, kind "updated") so that other desks see
 * them. The address is stored in lower case. What the fetcher keeps of
 * the folder (UIDVALIDITY) stays as it is. Dispatcher only.
 *
 * Returns: %FALSE with %HD_ERROR_CONFLICT when someone changed them since
 *   @if_version, %HD_ERROR_INVALID_INPUT, %HD_ERROR_PERMISSION_DENIED, …
 */
gboolean
hd_store_set_mail_settings (HdStore               *self,
                            const HdMailSettings  *settings,
                            gint64                 if_version,
                            GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdPerson) me = NULL;
  g_autofree char *address = NULL;
  gint64 version = 0;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  if (!hd_mail_settings_validate (settings, error))
    return FALSE;
  address = g_utf8_strdown (settings->address != NULL ? settings->address : "", -1);

  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_manage_mail (me, error))
    goto fail;

  stmt = hd_store_prepare (self, "SELECT version FROM mail_account WHERE id = 1", error);
  if (stmt == NULL)
    goto fail;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (if_version != 0 && if_version != version)
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_CONFLICT,
                           _("Someone else changed the mailbox’s settings meanwhile."));
      goto fail;
    }

  stmt = hd_store_prepare (self, "INSERT INTO mail_account (id, address, display_name,"
                           " imap_host, imap_port, imap_security, imap_folder, smtp_host,"
                           " smtp_port, smtp_security, user_name, interval_seconds, enabled,"
                           " version) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1)"
                           " ON CONFLICT (id) DO UPDATE SET address = ?1, display_name = ?2,"
                           " imap_host = ?3, imap_port = ?4, imap_security = ?5, imap_folder = ?6,"
                           " smtp_host = ?7, smtp_port = ?8, smtp_security = ?9, user_name = ?10,"
                           " interval_seconds = ?11, enabled = ?12, version = version + 1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  hd_bind_text_or_null (stmt, 2, settings->display_name);
  sqlite3_bind_text (stmt, 3, settings->imap_host != NULL ? settings->imap_host : "", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, settings->imap_port != 0 ? settings->imap_port
                                                      : usual_port (settings->imap_security, FALSE));
  sqlite3_bind_text (stmt, 5, settings->imap_security, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, settings->imap_folder, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, settings->smtp_host != NULL ? settings->smtp_host : "", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, settings->smtp_port != 0 ? settings->smtp_port
                                                      : usual_port (settings->smtp_security, TRUE));
  sqlite3_bind_text (stmt, 9, settings->smtp_security, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, settings->user_name, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 11, settings->interval_seconds);
  sqlite3_bind_int (stmt, 12, settings->enabled ? 1 : 0);
  if (!hd_store_step_done (self, stmt, error))
    goto fail;

  if (hd_store_log_change (self, "mail_account", 1, "updated", error) && hd_store_commit (self, error))
    return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/* The file's id */

static char *
read_file_id (HdStore  *self,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT value FROM settings WHERE key = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, FILE_ID_KEY, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (hd_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    hd_store_set_error_from_db (self, rc, error);
  return NULL;
}

/**
 * hd_store_get_file_uuid:
 *
 * A random UUID made the first time it is asked for and kept in the
 * settings table ("file.id"), the same for every desk from then on: what
 * the keyring finds the mailbox password by (hd-mail-secret.h). Two desks
 * asking at once agree: the row is inserted only when there is none
 * (INSERT OR IGNORE under the write lock) and read back after. A copy of
 * the file (a backup) has the same id.
 *
 * Returns: (transfer full): the id, or %NULL with @error (a read-only file
 *   that has none yet: %HD_ERROR_READ_ONLY)
 */
char *
hd_store_get_file_uuid (HdStore  *self,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *uuid = NULL;
  GError *local = NULL;
  char *id;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  id = read_file_id (self, &local);
  if (id != NULL || local != NULL)
    {
      if (local != NULL)
        g_propagate_error (error, local);
      return id;
    }

  if (!hd_store_begin_write (self, error))
    return NULL;
  uuid = g_uuid_string_random ();
  stmt = hd_store_prepare (self, "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, FILE_ID_KEY, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_STATIC);
  if (!hd_store_step_done (self, stmt, error))
    goto fail;
  id = read_file_id (self, error);
  if (id != NULL && hd_store_commit (self, error))
    return id;
  g_free (id);

fail:
  hd_store_rollback (self);
  return NULL;
}

/* The lease */

/**
 * hd_store_take_mail_lease:
 * @holder: who the desk is (hd_mail_desk_identity()), the same string
 *   for the whole life of one fetching or sending process
 * @seconds: how long the lease holds without renewal
 * @taken: (out): whether @holder holds it now
 * @other: (out) (optional) (transfer full): when not taken, who holds it
 *
 * Takes the mail lease, or renews it when @holder has it already: one
 * desk at a time fetches and sends. Another desk's lease is taken over
 * once it expired (that desk was killed or lost the file). Staff only.
 *
 * Returns: %FALSE on an error of the file only; not getting the lease is
 *   %TRUE with *@taken %FALSE
 */
gboolean
hd_store_take_mail_lease (HdStore     *self,
                          const char  *holder,
                          guint        seconds,
                          gboolean    *taken,
                          char       **other,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdPerson) me = NULL;
  gint64 now;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (holder != NULL && *holder != '\0', FALSE);
  g_return_val_if_fail (taken != NULL, FALSE);

  *taken = FALSE;
  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_file_mail (me, error))
    goto fail;
  now = hd_store_now (self);

  stmt = hd_store_prepare (self, "SELECT holder, expires_at FROM mail_lease WHERE id = 1", error);
  if (stmt == NULL)
    goto fail;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && g_strcmp0 (hd_column_text (stmt, 0), holder) != 0 &&
      sqlite3_column_int64 (stmt, 1) > now)
    {
      if (other != NULL)
        *other = g_strdup (hd_column_text (stmt, 0));
      hd_store_rollback (self);
      return TRUE;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = hd_store_prepare (self, "INSERT INTO mail_lease (id, holder, taken_at, expires_at)"
                           " VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET"
                           " taken_at = CASE WHEN holder = ?1 THEN taken_at ELSE ?2 END,"
                           " holder = ?1, expires_at = ?3", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, holder, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, now + (gint64) seconds * G_USEC_PER_SEC);
  if (!hd_store_step_done (self, stmt, error) || !hd_store_commit (self, error))
    goto fail;
  *taken = TRUE;
  return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/**
 * hd_store_release_mail_lease:
 *
 * Gives the lease up if @holder has it, so that another desk need not
 * wait for it to expire. Doing nothing when another holds it.
 */
gboolean
hd_store_release_mail_lease (HdStore     *self,
                             const char  *holder,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_begin_write (self, error))
    return FALSE;
  stmt = hd_store_prepare (self, "DELETE FROM mail_lease WHERE id = 1 AND holder = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, holder, -1, SQLITE_STATIC);
  if (hd_store_step_done (self, stmt, error) && hd_store_commit (self, error))
    return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/**
 * hd_store_note_mail_uidvalidity:
 * @uidvalidity: the folder's UIDVALIDITY as the server says it now
 * @changed: (out): whether it differs from the one noted before (the
 *   folder was recreated: every message is looked at again, and those
 *   filed already are recognised by their Message-ID)
 *
 * Notes the folder's UIDVALIDITY in the mailbox's row. Staff only; the
 * settings' version stays (this is no change of settings).
 */
gboolean
hd_store_note_mail_uidvalidity (HdStore   *self,
                                guint32    uidvalidity,
                                gboolean  *changed,
                                GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdPerson) me = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (changed != NULL)
    *changed = FALSE;
  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_file_mail (me, error))
    goto fail;
  stmt = hd_store_prepare (self, "SELECT uid_validity FROM mail_account WHERE id = 1", error);
  if (stmt == NULL)
    goto fail;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      hd_store_rollback (self);
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    {
      hd_store_set_error_from_db (self, rc, error);
      goto fail;
    }
  if (changed != NULL)
    *changed = sqlite3_column_type (stmt, 0) != SQLITE_NULL &&
               sqlite3_column_int64 (stmt, 0) != uidvalidity;
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = hd_store_prepare (self, "UPDATE mail_account SET uid_validity = ? WHERE id = 1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, uidvalidity);
  if (hd_store_step_done (self, stmt, error) && hd_store_commit (self, error))
    return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}
