/* hd-mail-compose.c — an outbox row as the MIME message that is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-mail-private.h"

static char *
bracketed (const char *id)
{
  return g_strdup_printf ("<%s>", id);
}

static void
set_threading (GMimeMessage         *message,
               const HdMailOutgoing *out)
{
  g_auto(GStrv) refs = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  g_mime_message_set_message_id (message, out->message_id);
  if (out->in_reply_to != NULL)
    {
      g_autofree char *value = bracketed (out->in_reply_to);

      g_mime_object_set_header (GMIME_OBJECT (message), "In-Reply-To", value, NULL);
    }
  if (out->references == NULL)
    return;

  refs = g_strsplit (out->references, " ", -1);
  for (guint i = 0; refs[i] != NULL; i++)
    if (refs[i][0] != '\0')
      g_string_append_printf (text, "%s<%s>", text->len > 0 ? " " : "", refs[i]);
  if (text->len > 0)
    g_mime_object_set_header (GMIME_OBJECT (message), "References", text->str, NULL);
}

static void
set_addresses (GMimeMessage         *message,
               const HdMailOutgoing *out)
{
  g_auto(GStrv) cc = out->cc != NULL ? g_strsplit (out->cc, ",", -1) : NULL;

  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM, out->from_name,
                              out->from_address);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO, out->to_name, out->to_address);
  for (guint i = 0; cc != NULL && cc[i] != NULL; i++)
    if (g_strstrip (cc[i])[0] != '\0')
      g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_CC, NULL, cc[i]);
}

static GMimeMessage *
build_message (const HdMailOutgoing *out,
               GDateTime            *now)
{
  g_autoptr(GDateTime) date = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  GMimeMessage *message;
  GMimeTextPart *part;

  hd_mail_init ();
  message = g_mime_message_new (TRUE);
  set_addresses (message, out);
  g_mime_message_set_subject (message, out->subject, "utf-8");
  g_mime_message_set_date (message, date);
  set_threading (message, out);
  if (out->automatic)
    {
      g_mime_object_set_header (GMIME_OBJECT (message), "Auto-Submitted", "auto-generated", NULL);
      g_mime_object_set_header (GMIME_OBJECT (message), "X-Auto-Response-Suppress", "All", NULL);
    }

  part = g_mime_text_part_new_with_subtype ("plain");
  g_mime_text_part_set_text (part, out->body);
  g_mime_part_set_content_encoding (GMIME_PART (part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  g_mime_message_set_mime_part (message, GMIME_OBJECT (part));
  g_object_unref (part);
  return message;
}

static GBytes *
message_bytes (GMimeMessage *message)
{
  GMimeFormatOptions *options = g_mime_format_options_new ();
  char *text;

  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  text = g_mime_object_to_string (GMIME_OBJECT (message), options);
  g_mime_format_options_free (options);
  return g_bytes_new_take (text, strlen (text));
}

/**
 * hd_mail_compose:
 * @out: an outbox row (hd_store_list_outgoing())
 * @now: (nullable): the Date to write; %NULL for the current time
 *
 * The message as it goes to the SMTP server: UTF-8 text, lines ending
 * in CRLF, the row's own Message-ID and threading headers, and, for what
 * Helpdesk sends on its own, Auto-Submitted and X-Auto-Response-Suppress
 * so that autoresponders keep quiet.
 *
 * Returns: (transfer full):
 */
GBytes *
hd_mail_compose (const HdMailOutgoing *out,
                 GDateTime            *now)
{
  g_autoptr(GMimeMessage) message = build_message (out, now);

  return message_bytes (message);
}

/* Attachments */

/* The bytes of @attachment, read out of the file through blob I/O, as a
 * base64 part named with the stored (sanitized) name. */
static GMimePart *
attachment_part (HdStore       *store,
                 HdAttachment  *attachment,
                 GError       **error)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) bytes = NULL;
  GMimeStream *stream;
  GMimeDataWrapper *content;
  GMimeContentType *type;
  GMimePart *part;

  if (!hd_store_read_attachment (store, attachment->id, out, NULL, error) ||
      !g_output_stream_close (out, NULL, error))
    return NULL;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes));
  content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);

  g_object_unref (stream);

  part = g_mime_part_new_with_type ("application", "octet-stream");
  type = g_mime_content_type_parse (NULL, attachment->content_type);
  g_mime_object_set_content_type (GMIME_OBJECT (part), type);
  g_object_unref (type);
  g_mime_part_set_content (part, content);
  g_object_unref (content);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_ATTACHMENT);
  g_mime_part_set_filename (part, attachment->name);
  return part;
}

/* The text becomes the first part of a multipart/mixed, the files follow. */
static gboolean
add_attachments (GMimeMessage  *message,
                 HdStore       *store,
                 GPtrArray     *attachments,
                 GError       **error)
{
  GMimeMultipart *mixed = g_mime_multipart_new_with_subtype ("mixed");
  gboolean ok = TRUE;

  g_mime_multipart_add (mixed, g_mime_message_get_mime_part (message));
  for (guint i = 0; ok && i < attachments->len; i++)
    {
      GMimePart *part = attachment_part (store, g_ptr_array_index (attachments, i), error);

      ok = part != NULL;
      if (ok)
        g_mime_multipart_add (mixed, GMIME_OBJECT (part));
      g_clear_object (&part);
    }
  if (ok)
    g_mime_message_set_mime_part (message, GMIME_OBJECT (mixed));
  g_object_unref (mixed);
  return ok;
}

/**
 * hd_mail_compose_with_attachments:
 * @store: the file the outbox row is in
 * @out: an outbox row (hd_store_list_outgoing())
 * @now: (nullable): the Date to write; %NULL for the current time
 *
 * Like hd_mail_compose(), with the files of the public reply the row
 * carries (hd_store_list_outgoing_attachments()) attached; a message
 * without any is the same as hd_mail_compose() makes.
 *
 * Returns: (transfer full) (nullable):
 */
GBytes *
hd_mail_compose_with_attachments (HdStore               *store,
                                  const HdMailOutgoing  *out,
                                  GDateTime             *now,
                                  GError               **error)
{
  g_autoptr(GMimeMessage) message = build_message (out, now);
  g_autoptr(GPtrArray) attachments = hd_store_list_outgoing_attachments (store, out->id, error);

  if (attachments == NULL)
    return NULL;
  if (attachments->len > 0 && !add_attachments (message, store, attachments, error))
    return NULL;
  return message_bytes (message);
}
