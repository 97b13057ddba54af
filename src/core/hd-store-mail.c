/* hd-store-mail.c — a received message becomes one ticket, one reply, or
 * one "Not filed" row
 *
 * Everything happens in one write transaction: the message's row (whose
 * Message-ID or header hash is unique, so a second filing of the same
 * message finds it and does nothing), the ticket or reply made through
 * the same functions as the window's (rules, history, deadlines,
 * change_log), the sender and the Cc'd people, the attachments, and the
 * acknowledgement queued in the outbox. A fetcher flags the message on
 * the server only after this commits; killed in between, it files the
 * message again next time and finds it filed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-rules.h"
#include "hd-store-private.h"

/* Automatic messages (acknowledgements) to one address per hour: an
 * autoresponder that answers each of them cannot make a loop. */
#define AUTOMATIC_PER_HOUR 3
/* Cc'd addresses a message may add to a ticket. */
#define MAX_PARTICIPANTS 20
#define BLOB_CHUNK (64 * 1024)

typedef struct {
  HdStore             *store;
  const HdMailMessage *msg;
  HdMailFiling        *filing;
  HdPerson            *me;
  char                *own_address;
  HdPerson            *sender;
  HdTicket            *ticket;      /* the ticket a reply goes to */
  gboolean             participant; /* the sender is one of its participants */
  gboolean             to_alert;    /* it answers an alert, mail staff alone had */
  gint64               row;         /* the message's mail_messages row */
  gboolean            *keep;        /* per attachment: within the limits */
  char                *left_out;    /* what was not kept and why, or NULL */
} Filing;

static void
filing_clear (Filing *f)
{
  g_clear_object (&f->me);
  g_clear_pointer (&f->own_address, g_free);
  g_clear_object (&f->sender);
  g_clear_object (&f->ticket);
  g_clear_pointer (&f->keep, g_free);
  g_clear_pointer (&f->left_out, g_free);
}

void
hd_mail_filing_clear (HdMailFiling *filing)
{
  g_clear_pointer (&filing->reason, g_free);
}

static gboolean
run (HdStore     *self,
     const char  *sql,
     GError     **error)
{
  int rc = sqlite3_exec (hd_store_get_db (self), sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || hd_store_set_error_from_db (self, rc, error);
}

/* Text */

/* @text without control characters other than newline and tab (mail
 * carries form feeds and escapes that no field accepts), with CRLF as LF,
 * cut at @max_bytes on a character boundary with a note. */
static char *
clean_text (const char *text,
            gsize       max_bytes,
            gboolean    one_line)
{
  g_autofree char *valid = hd_mail_text_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r')
        continue;
      if ((c == '\n' || c == '\t') && one_line)
        c = ' ';
      else if (c != '\n' && c != '\t' &&
               (g_unichar_type (c) == G_UNICODE_CONTROL || c == 0x2028 || c == 0x2029))
        c = 0xfffd;
      if (out->len + 6 > max_bytes)
        {
          if (!one_line)
            g_string_append (out, _("\n[… cut here; the whole message is kept with the ticket]"));
          break;
        }
      g_string_append_unichar (out, c);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

static char *
ticket_title (const HdMailMessage *msg)
{
  g_autofree char *title = clean_text (msg->subject, HD_MAX_TITLE_CHARS * 4, TRUE);

  if (title[0] == '\0')
    return g_strdup (_("(no subject)"));
  if (g_utf8_strlen (title, -1) > HD_MAX_TITLE_CHARS)
    *g_utf8_offset_to_pointer (title, HD_MAX_TITLE_CHARS) = '\0';
  return g_steal_pointer (&title);
}

static char *
text_or_note (const char          *text,
              const HdMailMessage *msg)
{
  g_autofree char *body = clean_text (text, HD_MAX_BODY_BYTES - 128, FALSE);

  if (body[0] != '\0')
    return g_steal_pointer (&body);
  if (msg->attachments->len > 0)
    return g_strdup (_("(The message has only attachments.)"));
  return g_strdup (_("(The message has no text.)"));
}

/* Rows */

static gboolean
query_found (HdStore       *self,
             sqlite3_stmt  *stmt,
             gboolean      *found,
             GError       **error)
{
  int rc = sqlite3_step (stmt);

  *found = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE || hd_store_set_error_from_db (self, rc, error);
}

static gboolean
find_filed (Filing   *f,
            gboolean *found,
            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (f->msg->message_id != NULL)
    stmt = hd_store_prepare (f->store, "SELECT id, ticket_id, not_filed_reason FROM mail_messages"
                             " WHERE message_id = ?", error);
  else
    stmt = hd_store_prepare (f->store, "SELECT id, ticket_id, not_filed_reason FROM mail_messages"
                             " WHERE header_hash = ? AND message_id IS NULL", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, f->msg->message_id != NULL ? f->msg->message_id
                                                         : f->msg->header_hash, -1, SQLITE_STATIC);
  if (!query_found (f->store, stmt, found, error))
    return FALSE;

  if (*found)
    {
      f->filing->outcome = HD_MAIL_ALREADY_FILED;
      f->filing->message_row = sqlite3_column_int64 (stmt, 0);
      f->filing->ticket = sqlite3_column_int64 (stmt, 1);
      f->filing->reason = g_strdup (hd_column_text (stmt, 2));
    }
  return TRUE;
}

static gboolean
load_own_address (Filing  *f,
                  GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found;

  stmt = hd_store_prepare (f->store, "SELECT lower(address) FROM mail_account WHERE id = 1",
                           error);
  if (stmt == NULL || !query_found (f->store, stmt, &found, error))
    return FALSE;

  f->own_address = g_strdup (found ? hd_column_text (stmt, 0) : "");
  return TRUE;
}

/* The original, byte for byte, apart from the row so that lists of
 * messages never read it. */
static gboolean
insert_raw (Filing  *f,
            GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gsize size = 0;
  const void *data = f->msg->raw != NULL ? g_bytes_get_data (f->msg->raw, &size) : NULL;

  stmt = hd_store_prepare (f->store, "INSERT INTO mail_raw (message_id, raw) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, f->row);
  sqlite3_bind_blob64 (stmt, 2, data != NULL ? data : "", size, SQLITE_STATIC);
  return hd_store_step_done (f->store, stmt, error);
}

/* The message's row; @reason set for one not filed. */
static gboolean
insert_message (Filing      *f,
                gint64       ticket,
                gint64       event,
                const char  *reason,
                GError     **error)
{
  const HdMailMessage *msg = f->msg;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) refs = g_string_new (NULL);
  g_autofree char *subject = clean_text (msg->subject, 4000, TRUE);

  stmt = hd_store_prepare (f->store,
                           "INSERT INTO mail_messages (direction, message_id, header_hash,"
                           " ticket_id, event_id, person_id, from_addr, from_name, subject,"
                           " in_reply_to, refs, sent_at, stored_at, not_filed_reason)"
                           " VALUES ('in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < msg->references->len; i++)
    g_string_append_printf (refs, "%s%s", i > 0 ? " " : "",
                            (char *) g_ptr_array_index (msg->references, i));
  hd_bind_text_or_null (stmt, 1, msg->message_id);
  sqlite3_bind_text (stmt, 2, msg->header_hash, -1, SQLITE_STATIC);
  if (ticket != 0)
    sqlite3_bind_int64 (stmt, 3, ticket);
  if (event != 0)
    sqlite3_bind_int64 (stmt, 4, event);
  if (f->sender != NULL)
    sqlite3_bind_int64 (stmt, 5, hd_person_get_id (f->sender));
  sqlite3_bind_text (stmt, 6, msg->from != NULL ? msg->from->address : "", -1, SQLITE_STATIC);
  hd_bind_text_or_null (stmt, 7, msg->from != NULL ? msg->from->name : NULL);
  sqlite3_bind_text (stmt, 8, subject, -1, SQLITE_STATIC);
  hd_bind_text_or_null (stmt, 9, msg->in_reply_to);
  hd_bind_text_or_null (stmt, 10, refs->str);
  if (msg->date != 0)
    sqlite3_bind_int64 (stmt, 11, msg->date);
  sqlite3_bind_int64 (stmt, 12, hd_store_now (f->store));
  hd_bind_text_or_null (stmt, 13, reason);
  if (!hd_store_step_done (f->store, stmt, error))
    return FALSE;

  f->row = sqlite3_last_insert_rowid (hd_store_get_db (f->store));
  f->filing->message_row = f->row;
  return insert_raw (f, error) &&
         hd_store_log_change (f->store, "mail_messages", f->row, "created", error);
}

/* Streams @data into the blob of row @id, as a large attachment would be
 * written without a second copy in SQLite's memory. */
static gboolean
write_blob (HdStore  *self,
            gint64    id,
            GBytes   *data,
            GError  **error)
{
  sqlite3_blob *blob = NULL;
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);
  int rc = sqlite3_blob_open (hd_store_get_db (self), "main", "attachment_blobs", "data", id, 1,
                              &blob);

  for (gsize at = 0; rc == SQLITE_OK && at < size; at += BLOB_CHUNK)
    rc = sqlite3_blob_write (blob, bytes + at, (int) MIN (BLOB_CHUNK, size - at), (int) at);
  sqlite3_blob_close (blob);
  return rc == SQLITE_OK || hd_store_set_error_from_db (self, rc, error);
}

static gboolean
store_blob (HdStore  *self,
            GBytes   *data,
            gint64   *id,
            GError  **error)
{
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  gboolean found;

  find = hd_store_prepare (self, "SELECT id FROM attachment_blobs WHERE sha256 = ?", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, sha, -1, SQLITE_STATIC);
  if (!query_found (self, find, &found, error))
    return FALSE;
  if (found)
    {
      *id = sqlite3_column_int64 (find, 0);
      return TRUE;
    }

  insert = hd_store_prepare (self, "INSERT INTO attachment_blobs (sha256, size, data)"
                             " VALUES (?, ?, zeroblob(?))", error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, sha, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 2, g_bytes_get_size (data));
  sqlite3_bind_int64 (insert, 3, g_bytes_get_size (data));
  if (!hd_store_step_done (self, insert, error))
    return FALSE;

  *id = sqlite3_last_insert_rowid (hd_store_get_db (self));
  return write_blob (self, *id, data, error);
}

static gboolean
insert_attachments (Filing  *f,
                    gint64   ticket,
                    gint64   event,
                    GError **error)
{
  for (guint i = 0; i < f->msg->attachments->len; i++)
    {
      HdMailAttachment *a = g_ptr_array_index (f->msg->attachments, i);
      g_autoptr(sqlite3_stmt) stmt = NULL;
      gint64 blob = 0;

      if (f->keep != NULL && !f->keep[i])
        continue;
      if (!store_blob (f->store, a->data, &blob, error))
        return FALSE;

      stmt = hd_store_prepare (f->store,
                               "INSERT INTO attachments (blob_id, message_id, ticket_id, event_id,"
                               " name, content_type, size, inline, added_by, added_at)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, blob);
      sqlite3_bind_int64 (stmt, 2, f->row);
      if (ticket != 0)
        sqlite3_bind_int64 (stmt, 3, ticket);
      if (event != 0)
        sqlite3_bind_int64 (stmt, 4, event);
      sqlite3_bind_text (stmt, 5, a->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, a->content_type, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, g_bytes_get_size (a->data));
      sqlite3_bind_int (stmt, 8, a->is_inline);
      if (f->sender != NULL)
        sqlite3_bind_int64 (stmt, 9, hd_person_get_id (f->sender));
      sqlite3_bind_int64 (stmt, 10, hd_store_now (f->store));
      if (!hd_store_step_done (f->store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Limits */

/* Which attachments are kept: each at most @per_file, all together at
 * most @per_message, in the order the message has them. What is left out
 * is said in @f->left_out, for the ticket and for the sender. */
static gboolean
plan_attachments (Filing  *f,
                  GError **error)
{
  GPtrArray *all = f->msg->attachments;
  g_autoptr(GString) note = g_string_new (NULL);
  gint64 per_file, per_message, total = 0;

  if (!hd_store_get_attachment_limits (f->store, &per_file, &per_message, error))
    return FALSE;

  f->keep = g_new0 (gboolean, all->len + 1);
  for (guint i = 0; i < all->len; i++)
    {
      HdMailAttachment *a = g_ptr_array_index (all, i);
      gint64 size = g_bytes_get_size (a->data);
      g_autofree char *shown = g_format_size (size);

      f->keep[i] = size <= per_file && total + size <= per_message;
      if (f->keep[i])
        total += size;
      else if (size > per_file)
        {
          g_autofree char *limit = g_format_size (per_file);

          g_string_append_printf (note, _("“%s” (%s) was not kept: files may be %s at most.\n"),
                                  a->name, shown, limit);
        }
      else
        {
          g_autofree char *limit = g_format_size (per_message);

          g_string_append_printf (note, _("“%s” (%s) was not kept: a message’s files may be %s at most together.\n"),
                                  a->name, shown, limit);
        }
    }
  if (note->len > 0)
    f->left_out = g_string_free (g_steal_pointer (&note), FALSE);
  return TRUE;
}

static char *
with_left_out (Filing     *f,
               const char *text)
{
  if (f->left_out == NULL)
    return g_strdup (text);
  return g_strconcat (text, "\n\n", f->left_out, NULL);
}

/**
 * hd_store_set_attachment_limits:
 * @per_file: bytes one attachment may have; 0 for the default (10 MiB)
 * @per_message: bytes a message's attachments may have together; 0 for
 *   the default (25 MiB)
 *
 * What received mail may bring into the file. A larger attachment is not
 * kept: the ticket says so, and so does the mail that answers the sender.
 * Dispatcher only.
 */
gboolean
hd_store_set_attachment_limits (HdStore  *self,
                                gint64    per_file,
                                gint64    per_message,
                                GError  **error)
{
  const char *keys[] = { HD_MAIL_SETTING_FILE_LIMIT, HD_MAIL_SETTING_MESSAGE_LIMIT };
  gint64 values[] = { per_file, per_message };
  g_autoptr(HdPerson) me = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (per_file < 0 || per_message < 0)
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                           _("An attachment limit cannot be negative."));
      return FALSE;
    }
  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_manage_mail (me, error))
    goto fail;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, values[i]);

      stmt = hd_store_prepare (self, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                               error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, keys[i], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
      if (!hd_store_step_done (self, stmt, error))
        goto fail;
    }
  if (hd_store_log_change (self, "settings", 0, "mail", error) && hd_store_commit (self, error))
    return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/* People */

static HdPerson *
find_person_by_address (HdStore     *self,
                        const char  *address,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found;

  /* Their own address first, then someone's further address (one merged
   * into them, say). */
  stmt = hd_store_prepare (self, "SELECT " HD_PERSON_COLUMNS " FROM people p"
                           " WHERE p.id IN (SELECT id FROM people"
                           "  WHERE lower(email) = ?1 AND email IS NOT NULL"
                           "  UNION ALL SELECT person_id FROM person_addresses WHERE address = ?1)"
                           " ORDER BY lower(p.email) IS ?1 DESC, p.active DESC, p.id LIMIT 1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  if (!query_found (self, stmt, &found, error))
    return NULL;
  if (!found)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND, "%s", address);
      return NULL;
    }
  return hd_person_new_from_row (stmt);
}

/* A login for someone known only by address: the address itself, its
 * other characters as "_", numbered when taken. */
static char *
login_for_address (HdStore     *self,
                   const char  *address,
                   GError     **error)
{
  g_autofree char *base = g_strndup (address, HD_MAX_LOGIN_CHARS - 4);

  for (char *p = base; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      *p = '_';
  if (base[0] == '-' || base[0] == '.' || base[0] == '\0')
    {
      char *prefixed = g_strconcat ("m", base, NULL);

      g_free (base);
      base = prefixed;
    }

  for (int n = 1; n < 1000; n++)
    {
      g_autofree char *login = n == 1 ? g_strdup (base) : g_strdup_printf ("%s-%d", base, n);
      g_autoptr(GError) local = NULL;
      g_autoptr(HdPerson) taken = hd_store_lookup_person (self, login, &local);

      if (taken == NULL && !g_error_matches (local, HD_ERROR, HD_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (taken == NULL)
        return g_steal_pointer (&login);
    }

  g_set_error (error, HD_ERROR, HD_ERROR_EXISTS, _("No free login for “%s”."), address);
  return NULL;
}

static char *
person_name (const HdMailAddress *address)
{
  g_autofree char *name = clean_text (address->name != NULL ? address->name : "",
                                      HD_MAX_LINE_CHARS * 4, TRUE);
  const char *at;

  if (name[0] == '\0')
    {
      at = strchr (address->address, '@');
      g_free (name);
      name = at != NULL && at != address->address ? g_strndup (address->address,
                                                               at - address->address)
                                                  : g_strdup (address->address);
    }
  if (g_utf8_strlen (name, -1) > HD_MAX_LINE_CHARS)
    *g_utf8_offset_to_pointer (name, HD_MAX_LINE_CHARS) = '\0';
  return g_steal_pointer (&name);
}

/* The person with @address, or a new requester with the mail's name. */
static HdPerson *
person_for_address (HdStore              *self,
                    const HdMailAddress  *address,
                    GError              **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(HdPerson) person = find_person_by_address (self, address->address, &local);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *login = NULL;
  g_autofree char *name = NULL;

  if (person != NULL || !g_error_matches (local, HD_ERROR, HD_ERROR_NOT_FOUND))
    {
      if (person == NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      return g_steal_pointer (&person);
    }

  login = login_for_address (self, address->address, error);
  if (login == NULL)
    return NULL;
  name = person_name (address);

  stmt = hd_store_prepare (self, "INSERT INTO people (login, name, email, role, created_at)"
                           " VALUES (?, ?, ?, 'requester', ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, address->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, hd_store_now (self));
  if (!hd_store_step_done (self, stmt, error) ||
      !hd_store_log_change (self, "people", sqlite3_last_insert_rowid (hd_store_get_db (self)),
                            "created", error))
    return NULL;

  return hd_store_lookup_person (self, login, error);
}

static gboolean
is_participant (HdStore   *self,
                gint64     ticket,
                HdPerson  *person,
                gboolean  *found,
                GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self, "SELECT 1 FROM ticket_participants"
                           " WHERE ticket_id = ? AND person_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ticket);
  sqlite3_bind_int64 (stmt, 2, hd_person_get_id (person));
  return query_found (self, stmt, found, error);
}

static gboolean
add_participant (HdStore   *self,
                 gint64     ticket,
                 HdPerson  *person,
                 GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self, "INSERT OR IGNORE INTO ticket_participants"
                           " (ticket_id, person_id, added_at) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ticket);
  sqlite3_bind_int64 (stmt, 2, hd_person_get_id (person));
  sqlite3_bind_int64 (stmt, 3, hd_store_now (self));
  return hd_store_step_done (self, stmt, error);
}

/* The mailbox's "+internal" address (support+internal@office.example
 * for support@office.example): staff write there to add an internal note
 * by mail. */
static gboolean
is_internal_address (Filing     *f,
                     const char *address)
{
  const char *at = strchr (f->own_address, '@');
  g_autofree char *internal = NULL;

  if (at == NULL || at == f->own_address)
    return FALSE;
  internal = g_strdup_printf ("%.*s+internal%s", (int) (at - f->own_address), f->own_address, at);
  return g_strcmp0 (address, internal) == 0;
}

static gboolean
sent_to_internal (Filing *f)
{
  GPtrArray *lists[] = { f->msg->to, f->msg->cc };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      if (is_internal_address (f, ((HdMailAddress *) g_ptr_array_index (lists[l], i))->address))
        return TRUE;
  return FALSE;
}

/* Everyone the message went to besides the sender and the helpdesk
 * becomes a participant of @ticket (the requester needs not). */
static gboolean
add_recipients (Filing  *f,
                HdTicket *ticket,
                GError **error)
{
  GPtrArray *lists[] = { f->msg->to, f->msg->cc };
  guint added = 0;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len && added < MAX_PARTICIPANTS; i++)
      {
        HdMailAddress *a = g_ptr_array_index (lists[l], i);
        g_autoptr(HdPerson) person = NULL;

        if (g_strcmp0 (a->address, f->own_address) == 0 || is_internal_address (f, a->address) ||
            g_strcmp0 (a->address, f->msg->from->address) == 0 ||
            !hd_validate_email (a->address, NULL))
          continue;
        person = person_for_address (f->store, a, error);
        if (person == NULL)
          return FALSE;
        if (g_strcmp0 (hd_person_get_login (person), hd_ticket_get_requester (ticket)) == 0)
          continue;
        if (!add_participant (f->store, hd_ticket_get_number (ticket), person, error))
          return FALSE;
        added++;
      }
  return TRUE;
}

/* Not filed */

static gboolean
mark_bounced (Filing  *f,
              gint64  *ticket,
              GError **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  gboolean found;

  find = hd_store_prepare (f->store, "SELECT o.id, o.ticket_id FROM mail_outbox o"
                           " JOIN mail_messages m ON m.id = o.message_id"
                           " WHERE m.message_id = ? AND m.direction = 'out'", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, f->msg->bounced_id, -1, SQLITE_STATIC);
  if (!query_found (f->store, find, &found, error))
    return FALSE;
  if (!found)
    return TRUE;

  *ticket = sqlite3_column_int64 (find, 1);
  update = hd_store_prepare (f->store, "UPDATE mail_outbox SET state = 'failed', server_answer = ?"
                             " WHERE id = ?", error);
  if (update == NULL)
    return FALSE;
  hd_bind_text_or_null (update, 1, f->msg->bounce_status != NULL ? f->msg->bounce_status
                                                                  : _("The message bounced."));
  sqlite3_bind_int64 (update, 2, sqlite3_column_int64 (find, 0));
  return hd_store_step_done (f->store, update, error) &&
         hd_store_log_change (f->store, "mail_outbox", sqlite3_column_int64 (find, 0), "failed",
                              error);
}

static gboolean
file_not_filed (Filing      *f,
                const char  *reason,
                GError     **error)
{
  gint64 ticket = 0;

  if (f->msg->bounced_id != NULL && !mark_bounced (f, &ticket, error))
    return FALSE;

  f->filing->outcome = HD_MAIL_NOT_FILED;
  f->filing->ticket = ticket;
  f->filing->reason = g_strdup (reason);
  return insert_message (f, ticket, 0, reason, error);
}

/* Why a message may not be filed: automatic, without a sender, or from
 * the helpdesk itself. NULL when it may. */
static char *
refusal (Filing *f)
{
  const HdMailMessage *msg = f->msg;

  if (msg->automatic != NULL)
    return g_strdup (msg->automatic);
  if (msg->from == NULL || !hd_validate_email (msg->from->address, NULL))
    return g_strdup (_("The message has no sender address."));
  if (f->own_address[0] != '\0' && g_strcmp0 (msg->from->address, f->own_address) == 0)
    return g_strdup (_("The message comes from the helpdesk’s own address."));
  return NULL;
}

/* Threading */

/* The ticket of the stored message @id, if any, and whether that message
 * was an alert Helpdesk sent. */
static gboolean
ticket_of_message_id (HdStore     *self,
                      const char  *id,
                      gint64      *ticket,
                      gboolean    *alert,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found;

  stmt = hd_store_prepare (self, "SELECT m.ticket_id, o.kind IS 'alert' FROM mail_messages m"
                           " LEFT JOIN mail_outbox o ON o.message_id = m.id"
                           " WHERE m.message_id = ? AND m.ticket_id IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (!query_found (self, stmt, &found, error))
    return FALSE;
  if (found)
    {
      *ticket = sqlite3_column_int64 (stmt, 0);
      *alert = sqlite3_column_int (stmt, 1) != 0;
    }
  return TRUE;
}

/* In-Reply-To, then References newest first, against every message the
 * helpdesk stored, received or sent. */
static gboolean
thread_by_headers (Filing  *f,
                   gint64  *ticket,
                   GError **error)
{
  const HdMailMessage *msg = f->msg;

  if (msg->in_reply_to != NULL &&
      !ticket_of_message_id (f->store, msg->in_reply_to, ticket, &f->to_alert, error))
    return FALSE;

  for (guint i = msg->references->len; *ticket == 0 && i > 0; i--)
    if (!ticket_of_message_id (f->store, g_ptr_array_index (msg->references, i - 1), ticket,
                               &f->to_alert, error))
      return FALSE;

  return TRUE;
}

/* The number of the first "[#N]" in @subject, or 0. */
static gint64
subject_number (const char *subject)
{
  for (const char *p = strstr (subject, "[#"); p != NULL; p = strstr (p + 2, "[#"))
    {
      const char *digits = p + 2;
      char *end = NULL;
      guint64 n;

      if (!g_ascii_isdigit (*digits))
        continue;
      n = g_ascii_strtoull (digits, &end, 10);
      if (*end == ']' && n > 0 && n < G_MAXINT64 && end - digits <= 18)
        return (gint64) n;
    }
  return 0;
}

/* The subject's [#N] counts only for the ticket's requester, its
 * participants and staff: anyone else naming a number files a ticket. */
static gboolean
thread_by_subject (Filing  *f,
                   gint64  *ticket,
                   GError **error)
{
  gint64 number = subject_number (f->msg->subject);
  g_autoptr(HdTicket) named = NULL;
  g_autoptr(GError) local = NULL;
  gboolean participant = FALSE;

  if (number == 0)
    return TRUE;

  named = hd_store_load_ticket_locked (f->store, number, &local);
  if (named == NULL)
    {
      if (g_error_matches (local, HD_ERROR, HD_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  if (!is_participant (f->store, number, f->sender, &participant, error))
    return FALSE;
  if (participant || hd_person_is_staff (f->sender) ||
      g_strcmp0 (hd_ticket_get_requester (named), hd_person_get_login (f->sender)) == 0)
    *ticket = number;
  return TRUE;
}

/* The ticket the message answers, if any; a closed ticket takes no more
 * replies, so an answer to it files a follow-up ticket. */
static gboolean
find_thread (Filing  *f,
             GError **error)
{
  gint64 number = 0;
  g_autoptr(HdTicket) ticket = NULL;

  if (!thread_by_headers (f, &number, error) ||
      (number == 0 && !thread_by_subject (f, &number, error)))
    return FALSE;
  if (number == 0)
    return TRUE;

  ticket = hd_store_load_ticket_locked (f->store, number, error);
  if (ticket == NULL)
    return FALSE;
  if (hd_ticket_get_status (ticket) == HD_STATUS_CLOSED)
    return TRUE;

  if (!is_participant (f->store, number, f->sender, &f->participant, error))
    return FALSE;
  f->ticket = g_steal_pointer (&ticket);
  return TRUE;
}

/* Outgoing */

/* The acknowledgement template (hd-store-mail-out.c), and what of the
 * message was not kept. */
static char *
acknowledgement_text (Filing   *f,
                      HdTicket *ticket,
                      GError  **error)
{
  g_autofree char *text = hd_store_mail_render_acknowledgement (f->store, ticket, error);

  if (text == NULL)
    return NULL;
  return g_strconcat (text, "\n", f->left_out != NULL ? "\n" : "",
                      f->left_out != NULL ? f->left_out : "", NULL);
}

static char *
left_out_text (Filing   *f,
               HdTicket *ticket)
{
  g_autofree char *intro = NULL;

  intro = g_strdup_printf (_("Your message was added to ticket #%" G_GINT64_FORMAT ", “%s”, but not all of its files:"),
                           hd_ticket_get_number (ticket), hd_ticket_get_title (ticket));
  return g_strconcat (HD_MAIL_REPLY_SEPARATOR, "\n\n", intro, "\n\n", f->left_out, NULL);
}

/* An automatic message to the sender about @ticket, in the outbox
 * (hd-store-mail-out.c: its own Message-ID, threaded to the ticket's
 * mail, within the rate of automatic messages to one address). */
static gboolean
queue_automatic (Filing      *f,
                 HdTicket    *ticket,
                 const char  *kind,
                 const char  *body,
                 GError     **error)
{
  gboolean queued = FALSE;

  if (!hd_store_mail_queue_automatic_locked (f->store, ticket, kind, f->sender, body, &queued,
                                             error))
    return FALSE;
  f->filing->acknowledged = f->filing->acknowledged ||
                            (queued && g_str_equal (kind, "acknowledgement"));
  return TRUE;
}

/* Filing */

/* The requester told of a solution by mail answers it: the ticket was
 * not solved for her, so it is open again (as "Reopen" in the window). */
static gboolean
reopen_if_resolved (Filing  *f,
                    GError **error)
{
  gint64 number = hd_ticket_get_number (f->ticket);

  if (hd_ticket_get_status (f->ticket) != HD_STATUS_RESOLVED ||
      g_strcmp0 (hd_ticket_get_requester (f->ticket), hd_person_get_login (f->sender)) != 0)
    return TRUE;

  if (!hd_store_set_status_locked (f->store, f->ticket, f->sender, HD_STATUS_OPEN, error))
    return FALSE;
  g_clear_object (&f->ticket);
  f->ticket = hd_store_load_ticket_locked (f->store, number, error);
  return f->ticket != NULL;
}

static gboolean
file_reply (Filing  *f,
            GError **error)
{
  const HdMailMessage *msg = f->msg;
  g_autofree char *text = text_or_note (msg->reply_body[0] != '\0' ? msg->reply_body : msg->body,
                                        msg);
  g_autofree char *body = with_left_out (f, text);
  g_autofree char *notice = NULL;
  gint64 number = hd_ticket_get_number (f->ticket);
  gint64 event = 0;
  gboolean internal;

  /* Whoever answers the thread the helpdesk started is taking part in it. */
  if (!f->participant && !hd_person_is_staff (f->sender) &&
      g_strcmp0 (hd_ticket_get_requester (f->ticket), hd_person_get_login (f->sender)) != 0)
    {
      if (!add_participant (f->store, number, f->sender, error))
        return FALSE;
      f->participant = TRUE;
    }

  /* Staff answering an alert answer mail only staff had, which may quote
   * what requesters must not read, and the ticket's requester is not
   * among its recipients: it is an internal note, as one sent to the
   * "+internal" address. A public reply by mail is a message to the
   * helpdesk naming the ticket ("[#N]" in the subject), or an answer to
   * the requester's mail. */
  internal = hd_person_is_staff (f->sender) && (f->to_alert || sent_to_internal (f));
  if (!(internal ? hd_rules_check_comment (f->sender, f->ticket, TRUE, error)
                 : hd_rules_check_mail_reply (f->sender, f->ticket, f->participant, error)) ||
      !reopen_if_resolved (f, error) ||
      !hd_store_add_comment_locked (f->store, f->ticket, f->sender, body, internal, &event, error))
    return FALSE;

  /* Staff answering by mail answer the requester and participants too,
   * but not those the mail itself went to. */
  if (!internal)
    {
      g_autoptr(GPtrArray) reached = g_ptr_array_new ();

      g_ptr_array_extend (reached, msg->to, NULL, NULL);
      g_ptr_array_extend (reached, msg->cc, NULL, NULL);
      g_ptr_array_add (reached, msg->from);
      if (!hd_store_mail_reply_locked (f->store, f->ticket, f->sender, text, event, reached,
                                       error))
        return FALSE;
    }

  f->filing->outcome = HD_MAIL_FILED_REPLY;
  f->filing->ticket = number;
  f->filing->event = event;
  if (!insert_message (f, number, event, NULL, error) ||
      !insert_attachments (f, number, event, error) ||
      !add_recipients (f, f->ticket, error))
    return FALSE;
  if (f->left_out == NULL)
    return TRUE;
  notice = left_out_text (f, f->ticket);
  return queue_automatic (f, f->ticket, "other", notice, error);
}

static gboolean
file_ticket (Filing  *f,
             GError **error)
{
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  g_autofree char *title = ticket_title (f->msg);
  g_autofree char *text = text_or_note (f->msg->body, f->msg);
  g_autofree char *body = with_left_out (f, text);
  g_autofree char *ack = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  gint64 number = 0;

  draft.title = title;
  draft.description = body;
  if (!hd_store_create_ticket_locked (f->store, &draft, f->sender, f->sender, &number, error))
    return FALSE;

  ticket = hd_store_load_ticket_locked (f->store, number, error);
  if (ticket == NULL)
    return FALSE;

  f->filing->outcome = HD_MAIL_FILED_TICKET;
  f->filing->ticket = number;
  ack = acknowledgement_text (f, ticket, error);
  if (ack == NULL)
    return FALSE;
  return insert_message (f, number, 0, NULL, error) &&
         insert_attachments (f, number, 0, error) &&
         add_recipients (f, ticket, error) &&
         queue_automatic (f, ticket, "acknowledgement", ack, error);
}

static gboolean
file_locked (Filing  *f,
             GError **error)
{
  g_autofree char *reason = NULL;
  g_autoptr(GError) refused = NULL;

  if (!load_own_address (f, error))
    return FALSE;

  /* A sender becomes a person only with a message that is filed: one
   * refused here never gets that far, and one a rule refuses below is
   * rolled back to the savepoint, new person and all. */
  reason = refusal (f);
  if (reason != NULL)
    return file_not_filed (f, reason, error);

  f->sender = person_for_address (f->store, f->msg->from, error);
  if (f->sender == NULL)
    return FALSE;
  if (!hd_person_get_active (f->sender))
    {
      g_autofree char *why = g_strdup_printf (_("The sender “%s” has been deactivated."),
                                              hd_person_get_login (f->sender));

      return file_not_filed (f, why, error);
    }

  if (!find_thread (f, error) || !plan_attachments (f, error))
    return FALSE;

  if (f->ticket != NULL ? file_reply (f, &refused) : file_ticket (f, &refused))
    return TRUE;

  /* A rule refused it (a requester answering another's ticket, say):
   * nothing of it is kept but the row that says why. */
  if (!g_error_matches (refused, HD_ERROR, HD_ERROR_PERMISSION_DENIED) &&
      !g_error_matches (refused, HD_ERROR, HD_ERROR_INVALID_INPUT))
    {
      g_propagate_error (error, g_steal_pointer (&refused));
      return FALSE;
    }
  g_clear_object (&f->sender);
  g_clear_object (&f->ticket);
  f->filing->event = 0;
  f->filing->acknowledged = FALSE;
  return run (f->store, "ROLLBACK TO filing", error) &&
         file_not_filed (f, refused->message, error);
}

/* One message inside the open transaction, under its own savepoint so
 * that a message a rule refuses keeps only the row that says why; a
 * message filed before (in this transaction too) is left alone. */
static gboolean
file_in_transaction (HdStore             *self,
                     HdPerson            *me,
                     const HdMailMessage *msg,
                     HdMailFiling        *filing,
                     GError             **error)
{
  Filing f = { .store = self, .msg = msg, .filing = filing, .me = g_object_ref (me) };
  gboolean found = FALSE;
  gboolean ok;

  ok = find_filed (&f, &found, error) &&
       (found || (run (self, "SAVEPOINT filing", error) && file_locked (&f, error) &&
                  run (self, "RELEASE filing", error)));
  filing_clear (&f);
  return ok;
}

/**
 * hd_store_file_mail_batch:
 * @msgs: (array length=n_msgs): the messages, read and classified by the
 *   mail floor
 * @filings: (array length=n_msgs) (out caller-allocates): what became of
 *   each; clear each with hd_mail_filing_clear()
 *
 * Files each of @msgs as hd_store_file_mail() does, all in one
 * transaction: one commit, and so one wait for the disk, for all of
 * them. Each message's Message-ID is stored in the same transaction as
 * its ticket or reply, so a fetcher that marks the messages on the
 * server after this returns keeps every message filed exactly once.
 *
 * Returns: %FALSE on an error of the file, with nothing of any of them
 *   written
 */
gboolean
hd_store_file_mail_batch (HdStore                    *self,
                          const HdMailMessage * const *msgs,
                          guint                       n_msgs,
                          HdMailFiling               *filings,
                          GError                    **error)
{
  g_autoptr(HdPerson) me = NULL;
  gboolean ok;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (msgs != NULL || n_msgs == 0, FALSE);
  for (guint i = 0; i < n_msgs; i++)
    g_return_val_if_fail (msgs[i] != NULL && msgs[i]->header_hash != NULL, FALSE);

  memset (filings, 0, n_msgs * sizeof *filings);
  if (!hd_store_begin_write (self, error))
    return FALSE;

  me = hd_store_lock_me (self, error);
  ok = me != NULL && hd_rules_check_file_mail (me, error);
  for (guint i = 0; ok && i < n_msgs; i++)
    ok = file_in_transaction (self, me, msgs[i], &filings[i], error);
  ok = ok && hd_store_commit (self, error);
  if (!ok)
    {
      hd_store_rollback (self);
      for (guint i = 0; i < n_msgs; i++)
        hd_mail_filing_clear (&filings[i]);
    }
  return ok;
}

/**
 * hd_store_file_mail:
 * @msg: the message, read and classified by the mail floor
 * @filing: (out caller-allocates): what became of it; clear it with
 *   hd_mail_filing_clear()
 *
 * Files @msg as exactly one new ticket, one reply, or one "Not filed"
 * row, in one transaction; a message filed before is left alone
 * (%HD_MAIL_ALREADY_FILED). Only staff file mail.
 *
 * Returns: %FALSE on an error of the file, with nothing written
 */
gboolean
hd_store_file_mail (HdStore              *self,
                    const HdMailMessage  *msg,
                    HdMailFiling         *filing,
                    GError              **error)
{
  g_return_val_if_fail (msg != NULL, FALSE);

  return hd_store_file_mail_batch (self, &msg, 1, filing, error);
}

/* Filing by hand */

/* The not-filed row @row forgotten, so that the same message, filed now,
 * takes its place with the same Message-ID. */
static gboolean
forget_not_filed (HdStore  *self,
                  gint64    row,
                  GError  **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) raw = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  gboolean found = FALSE;

  find = hd_store_prepare (self, "SELECT 1 FROM mail_messages"
                           " WHERE id = ? AND not_filed_reason IS NOT NULL", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_int64 (find, 1, row);
  if (!query_found (self, find, &found, error))
    return FALSE;
  if (!found)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("Message %" G_GINT64_FORMAT " is not among the messages not filed."), row);
      return FALSE;
    }

  raw = hd_store_prepare (self, "DELETE FROM mail_raw WHERE message_id = ?", error);
  if (raw == NULL)
    return FALSE;
  sqlite3_bind_int64 (raw, 1, row);
  del = hd_store_prepare (self, "DELETE FROM mail_messages WHERE id = ?", error);
  if (del == NULL || !hd_store_step_done (self, raw, error))
    return FALSE;
  sqlite3_bind_int64 (del, 1, row);
  return hd_store_step_done (self, del, error) &&
         hd_store_log_change (self, "mail_messages", row, "deleted", error);
}

static gboolean
file_by_hand_locked (Filing  *f,
                     gint64   row,
                     gint64   ticket,
                     GError **error)
{
  if (!forget_not_filed (f->store, row, error) || !load_own_address (f, error))
    return FALSE;
  if (f->msg->from == NULL || f->msg->from->address == NULL || f->msg->from->address[0] == '\0')
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                           _("The message has no sender to file it for."));
      return FALSE;
    }

  f->sender = person_for_address (f->store, f->msg->from, error);
  if (f->sender == NULL)
    return FALSE;
  if (ticket != 0)
    {
      f->ticket = hd_store_load_ticket_locked (f->store, ticket, error);
      if (f->ticket == NULL ||
          !is_participant (f->store, ticket, f->sender, &f->participant, error))
        return FALSE;
    }
  if (!plan_attachments (f, error))
    return FALSE;
  return f->ticket != NULL ? file_reply (f, error) : file_ticket (f, error);
}

/**
 * hd_store_file_mail_by_hand:
 * @row: a message among those not filed (#HdMailNotFiled.row)
 * @msg: that message, read again from its original by the mail floor
 * @ticket: the ticket to add it to as a reply; 0: file it as a new ticket
 * @filing: (out caller-allocates): what became of it; clear it with
 *   hd_mail_filing_clear()
 *
 * The dispatcher's decision for a message that was not filed: it is
 * filed the way hd_store_file_mail() files a person's message (sender,
 * participants, attachments, acknowledgement within the rate limit),
 * whatever the classifier said, and leaves the list of messages not
 * filed, in one transaction. The ticket's rules still apply. Staff only.
 *
 * Returns: %FALSE with nothing written on an error
 */
gboolean
hd_store_file_mail_by_hand (HdStore              *self,
                            gint64                row,
                            const HdMailMessage  *msg,
                            gint64                ticket,
                            HdMailFiling         *filing,
                            GError              **error)
{
  Filing f = { .store = self, .msg = msg, .filing = filing };
  gboolean ok;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (msg != NULL && msg->header_hash != NULL, FALSE);

  memset (filing, 0, sizeof *filing);
  if (!hd_store_begin_write (self, error))
    return FALSE;

  f.me = hd_store_lock_me (self, error);
  ok = f.me != NULL && hd_rules_check_file_mail (f.me, error) &&
       file_by_hand_locked (&f, row, ticket, error) && hd_store_commit (self, error);
  if (!ok)
    {
      hd_store_rollback (self);
      hd_mail_filing_clear (filing);
    }
  filing_clear (&f);
  return ok;
}

/**
 * hd_store_dismiss_not_filed:
 * @row: a message among those not filed
 *
 * Takes the message off the list of messages not filed without filing
 * it. Its row stays, so that the same message fetched again is known
 * and not listed a second time. Staff only.
 */
gboolean
hd_store_dismiss_not_filed (HdStore  *self,
                            gint64    row,
                            GError  **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  ok = me != NULL && hd_rules_check_file_mail (me, error) &&
       (stmt = hd_store_prepare (self, "UPDATE mail_messages SET not_filed_reason = NULL"
                                 " WHERE id = ? AND not_filed_reason IS NOT NULL", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, row);
      ok = hd_store_step_done (self, stmt, error);
    }
  if (ok && sqlite3_changes (hd_store_get_db (self)) == 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("Message %" G_GINT64_FORMAT " is not among the messages not filed."), row);
      ok = FALSE;
    }
  ok = ok && hd_store_log_change (self, "mail_messages", row, "updated", error) &&
       hd_store_commit (self, error);
  if (!ok)
    hd_store_rollback (self);
  return ok;
}

/* The outbox */

HdMailOutgoing *
hd_mail_outgoing_new_from_row (sqlite3_stmt *stmt)
{
  HdMailOutgoing *out = g_new0 (HdMailOutgoing, 1);

  out->id = sqlite3_column_int64 (stmt, 0);
  out->ticket = sqlite3_column_int64 (stmt, 1);
  out->kind = g_strdup (hd_column_text (stmt, 2));
  out->automatic = sqlite3_column_int (stmt, 3);
  out->message_id = g_strdup (hd_column_text (stmt, 4));
  out->in_reply_to = g_strdup (hd_column_text (stmt, 5));
  out->references = g_strdup (hd_column_text (stmt, 6));
  out->from_address = g_strdup (hd_column_text (stmt, 7) != NULL ? hd_column_text (stmt, 7) : "");
  out->from_name = g_strdup (hd_column_text (stmt, 8));
  out->to_address = g_strdup (hd_column_text (stmt, 9));
  out->to_name = g_strdup (hd_column_text (stmt, 10));
  out->cc = g_strdup (hd_column_text (stmt, 11));
  out->subject = g_strdup (hd_column_text (stmt, 12));
  out->body = g_strdup (hd_column_text (stmt, 13));
  out->state = g_strdup (hd_column_text (stmt, 14));
  out->attempts = sqlite3_column_int (stmt, 15);
  out->created_at = sqlite3_column_int64 (stmt, 16);
  out->note = g_strdup (hd_column_text (stmt, 17));
  out->next_try_at = sqlite3_column_int64 (stmt, 18);
  out->server_answer = g_strdup (hd_column_text (stmt, 19));
  return out;
}

/**
 * hd_store_list_outgoing:
 * @waiting_only: only the messages still to be sent (queued or sending)
 *
 * The outbox, oldest first, with what composing each message needs: its
 * Message-ID and threading headers, and the mailbox it is sent from.
 * Only staff read it: it holds every requester's mail.
 *
 * Returns: (transfer full) (element-type HdMailOutgoing):
 */
GPtrArray *
hd_store_list_outgoing (HdStore   *self,
                        gboolean   waiting_only,
                        GError   **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_outgoing_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!hd_rules_check_file_mail (hd_store_get_me (self), error))
    return NULL;

  stmt = hd_store_prepare (self,
                           "SELECT " HD_OUTGOING_COLUMNS HD_OUTGOING_FROM
                           " WHERE NOT ?1 OR o.state IN ('queued', 'sending') ORDER BY o.id",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, waiting_only);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (all, hd_mail_outgoing_new_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&all);
}

void
hd_mail_on_ticket_free (HdMailOnTicket *item)
{
  if (item == NULL)
    return;
  g_free (item->from_address);
  g_free (item->from_name);
  g_free (item->to_address);
  g_free (item->subject);
  g_free (item->state);
  g_free (item->server_answer);
  g_free (item);
}

/**
 * hd_store_get_mail_summary:
 * @summary: (out caller-allocates):
 *
 * How many messages wait to be sent, failed, and were not filed, for the
 * window to say so. Staff only.
 */
gboolean
hd_store_get_mail_summary (HdStore        *self,
                           HdMailSummary  *summary,
                           GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  memset (summary, 0, sizeof *summary);
  if (!hd_rules_check_file_mail (hd_store_get_me (self), error))
    return FALSE;

  stmt = hd_store_prepare (self,
                           "SELECT (SELECT count(*) FROM mail_outbox"
                           "         WHERE state IN ('queued', 'sending')),"
                           " (SELECT count(*) FROM mail_outbox WHERE state = 'failed'),"
                           " (SELECT count(*) FROM mail_messages WHERE not_filed_reason IS NOT NULL)",
                           error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);
  summary->waiting = sqlite3_column_int (stmt, 0);
  summary->failed = sqlite3_column_int (stmt, 1);
  summary->not_filed = sqlite3_column_int (stmt, 2);
  return TRUE;
}

static GPtrArray *
list_mail (HdStore      *self,
           sqlite3_stmt *stmt,
           GError      **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_on_ticket_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HdMailOnTicket *item = g_new0 (HdMailOnTicket, 1);

      item->row = sqlite3_column_int64 (stmt, 0);
      item->outgoing = sqlite3_column_int (stmt, 1);
      item->event = sqlite3_column_int64 (stmt, 2);
      item->from_address = g_strdup (hd_column_text (stmt, 3));
      item->from_name = g_strdup (hd_column_text (stmt, 4));
      item->to_address = g_strdup (hd_column_text (stmt, 5));
      item->subject = g_strdup (hd_column_text (stmt, 6));
      item->stored_at = sqlite3_column_int64 (stmt, 7);
      item->outbox = sqlite3_column_int64 (stmt, 8);
      item->state = g_strdup (hd_column_text (stmt, 9));
      item->server_answer = g_strdup (hd_column_text (stmt, 10));
      item->attempts = sqlite3_column_int (stmt, 11);
      item->ticket = sqlite3_column_int64 (stmt, 12);
      g_ptr_array_add (all, item);
    }
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&all);
}

#define MAIL_COLUMNS \
  "SELECT m.id, m.direction = 'out', m.event_id, m.from_addr, m.from_name, o.to_addr," \
  " m.subject, m.stored_at, o.id, o.state, o.server_answer, o.attempts, m.ticket_id" \
  " FROM mail_messages m LEFT JOIN mail_outbox o ON o.message_id = m.id"

/**
 * hd_store_list_ticket_mail:
 * @ticket: the ticket's number
 *
 * The messages received and sent on @ticket, oldest first; a sent one
 * with its state in the outbox and the server's last answer. Staff only.
 *
 * Returns: (transfer full) (element-type HdMailOnTicket):
 */
GPtrArray *
hd_store_list_ticket_mail (HdStore  *self,
                           gint64    ticket,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!hd_rules_check_file_mail (hd_store_get_me (self), error))
    return NULL;

  stmt = hd_store_prepare (self, MAIL_COLUMNS
                           " WHERE m.ticket_id = ? AND m.not_filed_reason IS NULL ORDER BY m.id",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, ticket);
  return list_mail (self, stmt, error);
}

/**
 * hd_store_list_failed_mail:
 *
 * The outgoing messages that failed, newest first, with the server's
 * answer, for the dispatcher to retry. Staff only.
 *
 * Returns: (transfer full) (element-type HdMailOnTicket):
 */
GPtrArray *
hd_store_list_failed_mail (HdStore  *self,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!hd_rules_check_file_mail (hd_store_get_me (self), error))
    return NULL;

  stmt = hd_store_prepare (self, MAIL_COLUMNS " WHERE o.state = 'failed' ORDER BY o.id DESC",
                           error);
  return stmt != NULL ? list_mail (self, stmt, error) : NULL;
}

/* A message queued as failed because nobody it was for has a mail
 * address has nowhere to go: trying it again cannot help. */
#define OUTBOX_HAS_RECIPIENT "to_addr <> ''"

/**
 * hd_mail_on_ticket_can_retry:
 *
 * Whether @item is a sent message that failed and may be tried again: not
 * one that failed because nobody it was for has a mail address.
 */
gboolean
hd_mail_on_ticket_can_retry (const HdMailOnTicket *item)
{
  g_return_val_if_fail (item != NULL, FALSE);

  return item->outgoing && g_strcmp0 (item->state, "failed") == 0 &&
         item->to_address != NULL && item->to_address[0] != '\0';
}

/**
 * hd_store_retry_outgoing:
 * @outbox: a failed message's outbox row
 *
 * Queues a failed message again, to be tried at the next send pass (its
 * next try is now), with its attempts counted afresh: a person decided
 * to try again, so the back-off starts over. Staff only.
 */
gboolean
hd_store_retry_outgoing (HdStore  *self,
                         gint64    outbox,
                         GError  **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  ok = me != NULL && hd_rules_check_file_mail (me, error) &&
       (stmt = hd_store_prepare (self, "UPDATE mail_outbox SET state = 'queued', next_try_at = ?,"
                                 " attempts = 0 WHERE id = ? AND state = 'failed' AND "
                                 OUTBOX_HAS_RECIPIENT, error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, hd_store_now (self));
      sqlite3_bind_int64 (stmt, 2, outbox);
      ok = hd_store_step_done (self, stmt, error);
    }
  if (ok && sqlite3_changes (hd_store_get_db (self)) == 0)
    {
      g_autoptr(sqlite3_stmt) why = hd_store_prepare (self, "SELECT 1 FROM mail_outbox"
                                                      " WHERE id = ? AND NOT " OUTBOX_HAS_RECIPIENT,
                                                      NULL);

      if (why != NULL)
        sqlite3_bind_int64 (why, 1, outbox);
      if (why != NULL && sqlite3_step (why) == SQLITE_ROW)
        g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                             _("Nobody this message was for has a mail address, so it cannot be "
                               "sent. Add their address in People, then write again."));
      else
        g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                     _("Message %" G_GINT64_FORMAT " has not failed; there is nothing to retry."),
                     outbox);
      ok = FALSE;
    }
  ok = ok && hd_store_log_change (self, "mail_outbox", outbox, "queued", error) &&
       hd_store_commit (self, error);
  if (!ok)
    hd_store_rollback (self);
  return ok;
}

/* Not filed, and originals */

static sqlite3_stmt *
prepare_not_filed (HdStore              *self,
                   const HdMailNotFiled *after,
                   guint                 limit,
                   GError              **error)
{
  sqlite3_stmt *stmt;

  /* Keyset paging: the partial index on stored_at ends each entry with
   * the row id, so a page seeks to its first row and costs only its own,
   * however deep it is. */
  if (after != NULL)
    stmt = hd_store_prepare (self, "SELECT id, from_addr, from_name, subject, not_filed_reason,"
                             " stored_at, ticket_id FROM mail_messages"
                             " WHERE not_filed_reason IS NOT NULL AND (stored_at, id) < (?, ?)"
                             " ORDER BY stored_at DESC, id DESC LIMIT ?", error);
  else
    stmt = hd_store_prepare (self, "SELECT id, from_addr, from_name, subject, not_filed_reason,"
                             " stored_at, ticket_id FROM mail_messages"
                             " WHERE not_filed_reason IS NOT NULL"
                             " ORDER BY stored_at DESC, id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  if (after != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, after->stored_at);
      sqlite3_bind_int64 (stmt, 2, after->row);
    }
  sqlite3_bind_int64 (stmt, 3, limit);
  return stmt;
}

/**
 * hd_store_list_not_filed:
 * @after: (nullable): the last message of the page before; %NULL for
 *   the first page
 * @limit: the most messages to return
 *
 * A page of the received messages that were not filed, newest first,
 * each with the reason, for the dispatcher to look through: the ones
 * after @after. Staff only.
 *
 * Returns: (transfer full) (element-type HdMailNotFiled): fewer than
 *   @limit at the end
 */
GPtrArray *
hd_store_list_not_filed (HdStore              *self,
                         const HdMailNotFiled *after,
                         guint                 limit,
                         GError              **error)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_not_filed_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  if (!hd_rules_check_file_mail (hd_store_get_me (self), error))
    return NULL;

  stmt = prepare_not_filed (self, after, limit, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HdMailNotFiled *item = g_new0 (HdMailNotFiled, 1);

      item->row = sqlite3_column_int64 (stmt, 0);
      item->from_address = g_strdup (hd_column_text (stmt, 1));
      item->from_name = g_strdup (hd_column_text (stmt, 2));
      item->subject = g_strdup (hd_column_text (stmt, 3));
      item->reason = g_strdup (hd_column_text (stmt, 4));
      item->stored_at = sqlite3_column_int64 (stmt, 5);
      item->ticket = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (page, item);
    }
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&page);
}

/**
 * hd_store_get_mail_original:
 * @message_row: a stored message's row (#HdMailFiling.message_row)
 *
 * The message exactly as it was received, to be viewed as text (never
 * rendered) or saved. Staff only: it may hold what a reply's trimming
 * left out, internal addresses, anything.
 *
 * Returns: (transfer full): its bytes
 */
GBytes *
hd_store_get_mail_original (HdStore  *self,
                            gint64    message_row,
                            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!hd_rules_check_file_mail (hd_store_get_me (self), error))
    return NULL;

  stmt = hd_store_prepare (self, "SELECT raw FROM mail_raw WHERE message_id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_row);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc == SQLITE_DONE)
    g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                 _("No message %" G_GINT64_FORMAT " was received."), message_row);
  else
    hd_store_set_error_from_db (self, rc, error);
  return NULL;
}
