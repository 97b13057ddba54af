/* hd-store-attach.c — files attached to a ticket's replies and notes
 *
 * A file's bytes go into attachment_blobs through SQLite's blob I/O, a
 * piece at a time: the row is made at the size the file says it has,
 * filled as the file is read, and its SHA-256 is known only at the end.
 * The row therefore starts under a unique stand-in hash and takes its
 * real one when the last piece is in; when the file turns out to be
 * stored already, the new row goes and the old one is named instead.
 * All of it happens in the transaction that adds the reply, so nobody
 * sees a stand-in.
 *
 * Who may see an attachment follows its message: requesters never see
 * those of internal notes, and are told no more than that it does not
 * exist.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-rules.h"
#include "hd-store-private.h"

#define CHUNK (64 * 1024)

#define ATTACHMENT_COLUMNS \
  "a.id, a.ticket_id, a.event_id, a.name, a.content_type, a.size, a.inline," \
  " coalesce(e.kind = 'note', 0), p.login, a.added_at, a.blob_id"
#define ATTACHMENT_FROM \
  " FROM attachments a LEFT JOIN ticket_events e ON e.id = a.event_id" \
  " LEFT JOIN people p ON p.id = a.added_by"

/* Limits */

static gboolean
read_setting (HdStore     *self,
              const char  *key,
              gint64       fallback,
              gint64      *value,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT value FROM settings WHERE key = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  *value = rc == SQLITE_ROW ? g_ascii_strtoll (hd_column_text (stmt, 0), NULL, 10) : 0;
  if (*value <= 0)
    *value = fallback;
  return TRUE;
}

/**
 * hd_store_get_attachment_limits:
 * @per_file: (out): bytes one file may have
 * @per_message: (out): bytes a message's files may have together
 *
 * The limits hd_store_set_attachment_limits() set, for received mail and
 * for files attached at a desk alike.
 */
gboolean
hd_store_get_attachment_limits (HdStore  *self,
                                gint64   *per_file,
                                gint64   *per_message,
                                GError  **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  return read_setting (self, HD_MAIL_SETTING_FILE_LIMIT, HD_MAIL_DEFAULT_FILE_LIMIT, per_file,
                       error) &&
         read_setting (self, HD_MAIL_SETTING_MESSAGE_LIMIT, HD_MAIL_DEFAULT_MESSAGE_LIMIT,
                       per_message, error);
}

static gboolean
too_large (const char  *name,
           gint64       size,
           gint64       limit,
           gboolean     together,
           GError     **error)
{
  g_autofree char *shown = hd_attachment_sanitize_name (name);
  g_autofree char *has = g_format_size (size);
  g_autofree char *may = g_format_size (limit);

  if (together)
    g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                 _("“%s” (%s) cannot be attached: a message’s files may be %s at most together."),
                 shown, has, may);
  else
    g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                 _("“%s” (%s) cannot be attached: files may be %s at most."), shown, has, may);
  return FALSE;
}

/**
 * hd_store_check_attachment_sizes:
 * @inputs: (element-type HdAttachmentInput): files for one message
 *
 * Whether @inputs fit the limits, from the sizes they say they have: no
 * byte is read. The error names the file and the limit.
 */
gboolean
hd_store_check_attachment_sizes (HdStore    *self,
                                 GPtrArray  *inputs,
                                 GError    **error)
{
  gint64 per_file, per_message, total = 0;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_get_attachment_limits (self, &per_file, &per_message, error))
    return FALSE;
  for (guint i = 0; i < inputs->len; i++)
    {
      HdAttachmentInput *input = g_ptr_array_index (inputs, i);

      if (input->size < 0 || input->size > per_file)
        return too_large (input->name, input->size, per_file, FALSE, error);
      total += input->size;
      if (total > per_message)
        return too_large (input->name, input->size, per_message, TRUE, error);
    }
  return TRUE;
}

/* Writing */

static gboolean
insert_placeholder (HdStore  *self,
                    gint64    size,
                    gint64   *id,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *standin = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uuid, -1);

  stmt = hd_store_prepare (self, "INSERT INTO attachment_blobs (sha256, size, data)"
                           " VALUES (?1, ?2, zeroblob(?2))", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, standin, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, size);
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (hd_store_get_db (self));
  return TRUE;
}

static gboolean
changed_while_read (const char  *name,
                    GError     **error)
{
  g_autofree char *shown = hd_attachment_sanitize_name (name);

  g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
               _("“%s” changed while it was being attached. Attach it again."), shown);
  return FALSE;
}

/* Reads @input into blob @id, piece by piece, hashing as it goes. One
 * more read than the size says must find the end. */
static gboolean
fill_blob (HdStore            *self,
           HdAttachmentInput  *input,
           gint64              id,
           GChecksum          *sum,
           GCancellable       *cancellable,
           GError            **error)
{
  g_autoptr(GInputStream) stream = hd_attachment_input_open (input, cancellable, error);
  g_autofree guint8 *buffer = g_malloc (CHUNK);
  sqlite3_blob *blob = NULL;
  gint64 at = 0;
  gssize got = 1;
  int rc;

  if (stream == NULL)
    return FALSE;
  rc = sqlite3_blob_open (hd_store_get_db (self), "main", "attachment_blobs", "data", id, 1, &blob);
  while (rc == SQLITE_OK && got > 0)
    {
      got = g_input_stream_read (stream, buffer, CHUNK, cancellable, error);
      if (got < 0)
        break;
      if (at + got > input->size)
        {
          got = -1;
          changed_while_read (input->name, error);
          break;
        }
      rc = sqlite3_blob_write (blob, buffer, (int) got, (int) at);
      g_checksum_update (sum, buffer, got);
      at += got;
    }
  sqlite3_blob_close (blob);
  if (rc != SQLITE_OK)
    return hd_store_set_error_from_db (self, rc, error);
  if (got < 0)
    return FALSE;
  return at == input->size || changed_while_read (input->name, error);
}

/* The blob takes its real hash, or gives way to the row that has it. */
static gboolean
settle_blob (HdStore     *self,
             gint64      *id,
             const char  *sha,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) change = NULL;
  int rc;

  find = hd_store_prepare (self, "SELECT id FROM attachment_blobs WHERE sha256 = ?", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, sha, -1, SQLITE_STATIC);
  rc = sqlite3_step (find);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  if (rc == SQLITE_ROW)
    {
      change = hd_store_prepare (self, "DELETE FROM attachment_blobs WHERE id = ?", error);
      if (change == NULL)
        return FALSE;
      sqlite3_bind_int64 (change, 1, *id);
      *id = sqlite3_column_int64 (find, 0);
      return hd_store_step_done (self, change, error);
    }

  change = hd_store_prepare (self, "UPDATE attachment_blobs SET sha256 = ? WHERE id = ?", error);
  if (change == NULL)
    return FALSE;
  sqlite3_bind_text (change, 1, sha, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (change, 2, *id);
  return hd_store_step_done (self, change, error);
}

static gboolean
store_input (HdStore            *self,
             HdAttachmentInput  *input,
             gint64             *blob,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  return insert_placeholder (self, input->size, blob, error) &&
         fill_blob (self, input, *blob, sum, cancellable, error) &&
         settle_blob (self, blob, g_checksum_get_string (sum), error);
}

static gboolean
insert_attachment (HdStore            *self,
                   HdAttachmentInput  *input,
                   gint64              number,
                   gint64              event,
                   gint64              blob,
                   HdPerson           *actor,
                   GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *name = hd_attachment_sanitize_name (input->name);

  stmt = hd_store_prepare (self, "INSERT INTO attachments (blob_id, ticket_id, event_id, name,"
                           " content_type, size, inline, added_by, added_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, blob);
  sqlite3_bind_int64 (stmt, 2, number);
  sqlite3_bind_int64 (stmt, 3, event);
  sqlite3_bind_text (stmt, 4, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, input->content_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, input->size);
  sqlite3_bind_int64 (stmt, 7, hd_person_get_id (actor));
  sqlite3_bind_int64 (stmt, 8, hd_store_now (self));
  return hd_store_step_done (self, stmt, error) &&
         hd_store_log_change (self, "attachments", sqlite3_last_insert_rowid (hd_store_get_db (self)),
                              "created", error);
}

static HdTicketEvent *
load_event (HdStore  *self,
            gint64    id,
            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT " HD_EVENT_COLUMNS " FROM ticket_events e"
                           " JOIN people p ON p.id = e.actor_id WHERE e.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return hd_ticket_event_new_from_row (stmt);
  hd_store_set_error_from_db (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
  return NULL;
}

static gboolean
attach_all (HdStore       *self,
            GPtrArray     *inputs,
            gint64         number,
            gint64         event,
            HdPerson      *actor,
            GCancellable  *cancellable,
            GError       **error)
{
  for (guint i = 0; i < inputs->len; i++)
    {
      HdAttachmentInput *input = g_ptr_array_index (inputs, i);
      gint64 blob = 0;

      if (!store_input (self, input, &blob, cancellable, error) ||
          !insert_attachment (self, input, number, event, blob, actor, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * hd_store_add_comment_with_files:
 * @body: (nullable): the text; may be empty when there are files
 * @inputs: (element-type HdAttachmentInput): files to attach
 *
 * Adds a public reply or an internal note with files attached, all in
 * one transaction, under the same rules as hd_store_add_comment(): a
 * requester may attach files to a reply on their own request. Files over
 * the limits are refused before a byte of them is read.
 *
 * Returns: (transfer full): the new history entry
 */
HdTicketEvent *
hd_store_add_comment_with_files (HdStore       *self,
                                 gint64         number,
                                 const char    *body,
                                 gboolean       internal,
                                 GPtrArray     *inputs,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicketEvent) added = NULL;
  gint64 event = 0;
  const char *text = body;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if ((text == NULL || *text == '\0') && inputs->len > 0)
    text = _("(The message has only attachments.)");
  if (!hd_store_check_attachment_sizes (self, inputs, error) || !hd_store_begin_write (self, error))
    return NULL;

  me = hd_store_lock_me (self, error);
  if (me == NULL)
    goto fail;
  ticket = hd_store_load_ticket_locked (self, number, error);
  if (ticket == NULL ||
      !hd_rules_check_comment (me, ticket, internal, error) ||
      !hd_store_add_comment_locked (self, ticket, me, text, internal, &event, error) ||
      !attach_all (self, inputs, number, event, me, cancellable, error) ||
      (!internal && !hd_store_mail_reply_locked (self, ticket, me, text, event, NULL, error)))
    goto fail;

  added = load_event (self, event, error);
  if (added == NULL || !hd_store_commit (self, error))
    goto fail;
  return g_steal_pointer (&added);

fail:
  hd_store_rollback (self);
  return NULL;
}

/* Reading */

static HdAttachment *
attachment_from_row (sqlite3_stmt *stmt)
{
  HdAttachment *a = g_new0 (HdAttachment, 1);

  a->id = sqlite3_column_int64 (stmt, 0);
  a->ticket = sqlite3_column_int64 (stmt, 1);
  a->event = sqlite3_column_int64 (stmt, 2);
  a->name = g_strdup (hd_column_text (stmt, 3));
  a->content_type = g_strdup (hd_column_text (stmt, 4));
  a->size = sqlite3_column_int64 (stmt, 5);
  a->is_inline = sqlite3_column_int (stmt, 6);
  a->internal = sqlite3_column_int (stmt, 7);
  a->added_by = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  a->added_at = sqlite3_column_int64 (stmt, 9);
  return a;
}

/**
 * hd_store_list_attachments:
 *
 * The attachments of ticket @number, in the order they came. Requesters
 * see only those of public messages.
 *
 * Returns: (transfer full) (element-type HdAttachment):
 */
GPtrArray *
hd_store_list_attachments (HdStore  *self,
                           gint64    number,
                           GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_free);
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  ticket = hd_store_get_ticket (self, number, error);
  if (ticket == NULL)
    return NULL;

  stmt = hd_store_prepare (self, "SELECT " ATTACHMENT_COLUMNS ATTACHMENT_FROM
                           " WHERE a.ticket_id = ?1 AND (?2 OR e.kind IS NULL OR e.kind != 'note')"
                           " ORDER BY a.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, number);
  sqlite3_bind_int (stmt, 2, hd_person_is_staff (hd_store_get_me (self)));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, attachment_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
no_such_attachment (gint64   id,
                    GError **error)
{
  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
               _("There is no attachment %" G_GINT64_FORMAT "."), id);
  return FALSE;
}

/* Attachment @id if the acting person may see it, and its blob. */
static HdAttachment *
lookup (HdStore  *self,
        gint64    id,
        gint64   *blob,
        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdAttachment) a = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  HdPerson *me = hd_store_get_me (self);
  int rc;

  stmt = hd_store_prepare (self, "SELECT " ATTACHMENT_COLUMNS ATTACHMENT_FROM " WHERE a.id = ?",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }
  if (rc == SQLITE_DONE)
    {
      no_such_attachment (id, error);
      return NULL;
    }

  a = attachment_from_row (stmt);
  *blob = sqlite3_column_int64 (stmt, 10);
  /* A mail that was not filed belongs to no ticket: staff only. */
  if ((a->ticket == 0 || a->internal) && !hd_person_is_staff (me))
    {
      no_such_attachment (id, error);
      return NULL;
    }
  if (a->ticket != 0)
    {
      ticket = hd_store_load_ticket_locked (self, a->ticket, error);
      if (ticket == NULL || !hd_rules_can_see_ticket (me, ticket))
        {
          g_clear_error (error);
          no_such_attachment (id, error);
          return NULL;
        }
    }
  return g_steal_pointer (&a);
}

/**
 * hd_store_get_attachment:
 *
 * Returns: (transfer full): attachment @id, if the acting person may see it
 */
HdAttachment *
hd_store_get_attachment (HdStore  *self,
                         gint64    id,
                         GError  **error)
{
  gint64 blob;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  return lookup (self, id, &blob, error);
}

static gboolean
copy_blob (HdStore        *self,
           gint64          blob_id,
           GOutputStream  *out,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autofree guint8 *buffer = g_malloc (CHUNK);
  sqlite3_blob *blob = NULL;
  gboolean ok = TRUE;
  int rc, size;

  rc = sqlite3_blob_open (hd_store_get_db (self), "main", "attachment_blobs", "data", blob_id, 0,
                          &blob);
  size = rc == SQLITE_OK ? sqlite3_blob_bytes (blob) : 0;
  for (int at = 0; rc == SQLITE_OK && ok && at < size; at += CHUNK)
    {
      int n = MIN (CHUNK, size - at);

      rc = sqlite3_blob_read (blob, buffer, n, at);
      if (rc == SQLITE_OK)
        ok = g_output_stream_write_all (out, buffer, n, NULL, cancellable, error);
    }
  sqlite3_blob_close (blob);
  if (rc != SQLITE_OK)
    return hd_store_set_error_from_db (self, rc, error);
  return ok;
}

/**
 * hd_store_read_attachment:
 * @out: where the bytes go, a piece at a time; not closed
 *
 * Copies the bytes of attachment @id to @out through SQLite's blob I/O,
 * if the acting person may see it.
 */
gboolean
hd_store_read_attachment (HdStore        *self,
                          gint64          id,
                          GOutputStream  *out,
                          GCancellable   *cancellable,
                          GError        **error)
{
  g_autoptr(HdAttachment) a = NULL;
  gint64 blob = 0;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  a = lookup (self, id, &blob, error);
  return a != NULL && copy_blob (self, blob, out, cancellable, error);
}

static GFileOutputStream *
open_dest (GFile         *dest,
           gboolean       overwrite,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GError) local = NULL;
  GFileOutputStream *out;

  if (overwrite)
    return g_file_replace (dest, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);

  out = g_file_create (dest, G_FILE_CREATE_NONE, cancellable, &local);
  if (out == NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_autofree char *shown = g_file_get_parse_name (dest);

      g_set_error (error, HD_ERROR, HD_ERROR_EXISTS,
                   _("“%s” exists already; it was left as it is."), shown);
      return NULL;
    }
  if (out == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return out;
}

/**
 * hd_store_save_attachment:
 * @dest: a file, or a folder to save into under the attachment's name
 * @overwrite: whether an existing file is replaced; otherwise it is an
 *   %HD_ERROR_EXISTS error
 *
 * Returns: (transfer full) (nullable): the file written
 */
GFile *
hd_store_save_attachment (HdStore       *self,
                          gint64         id,
                          GFile         *dest,
                          gboolean       overwrite,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(HdAttachment) a = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) target = NULL;
  gint64 blob = 0;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (dest), NULL);

  a = lookup (self, id, &blob, error);
  if (a == NULL)
    return NULL;
  if (g_file_query_file_type (dest, G_FILE_QUERY_INFO_NONE, cancellable) == G_FILE_TYPE_DIRECTORY)
    target = g_file_get_child (dest, a->name);
  else
    target = g_object_ref (dest);

  out = open_dest (target, overwrite, cancellable, error);
  if (out == NULL)
    return NULL;
  if (!copy_blob (self, blob, G_OUTPUT_STREAM (out), cancellable, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    {
      /* Never leave half a file behind under the attachment's name. */
      if (!overwrite)
        g_file_delete (target, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&target);
}

/**
 * hd_store_list_outgoing_attachments:
 *
 * The attachments that go with outbox row @outbox_id: those of the
 * public reply it carries. An internal note's files never leave.
 *
 * Returns: (transfer full) (element-type HdAttachment):
 */
GPtrArray *
hd_store_list_outgoing_attachments (HdStore  *self,
                                    gint64    outbox_id,
                                    GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  stmt = hd_store_prepare (self, "SELECT " ATTACHMENT_COLUMNS ATTACHMENT_FROM
                           " JOIN mail_messages m ON m.event_id = a.event_id"
                           " JOIN mail_outbox o ON o.message_id = m.id"
                           " WHERE o.id = ? AND e.kind = 'reply' ORDER BY a.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, outbox_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, attachment_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}
