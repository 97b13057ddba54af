/* hd-mail-parse.c — a message's bytes read with GMime into a record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gmime/gmime.h>

#include "hd-mail.h"
#include "hd-mail-private.h"

/* Attachments a message may bring, and nesting of parts: a message
 * beyond them is still filed, with what was read. */
#define MAX_ATTACHMENTS 100
#define MAX_DEPTH 20

typedef struct {
  HdMailMessage *msg;
  char          *plain;  /* the first text/plain body */
  char          *html;   /* the first text/html body */
} Walk;

void
hd_mail_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_mime_init ();
      g_once_init_leave (&done, 1);
    }
}

/* The decoded bytes of a leaf part (base64, quoted-printable undone). */
GBytes *
hd_mail_part_bytes (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) stream = NULL;
  GByteArray *array;

  if (content == NULL)
    return g_bytes_new (NULL, 0);

  stream = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

char *
hd_mail_part_text (GMimeObject *object)
{
  g_autoptr(GBytes) bytes = hd_mail_part_bytes (GMIME_PART (object));
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return hd_mail_to_utf8 (data, size, g_mime_object_get_content_type_parameter (object, "charset"));
}

static gboolean
is_attachment (GMimeObject *object)
{
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);
  GMimeContentType *type = g_mime_object_get_content_type (object);

  if (disposition != NULL && g_mime_content_disposition_is_attachment (disposition))
    return TRUE;
  if (g_mime_content_type_is_type (type, "text", "plain") ||
      g_mime_content_type_is_type (type, "text", "html"))
    return g_mime_part_get_filename (GMIME_PART (object)) != NULL;
  return TRUE;
}

static void
add_attachment (Walk        *w,
                GMimeObject *object,
                GBytes      *data,
                const char  *fallback)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);
  g_autofree char *mime_type = type != NULL ? g_mime_content_type_get_mime_type (type) : NULL;
  const char *name = GMIME_IS_PART (object) ? g_mime_part_get_filename (GMIME_PART (object)) : NULL;
  gboolean is_inline = g_mime_object_get_content_id (object) != NULL &&
                       (disposition == NULL ||
                        !g_mime_content_disposition_is_attachment (disposition));

  if (w->msg->attachments->len >= MAX_ATTACHMENTS)
    return;
  g_ptr_array_add (w->msg->attachments,
                   hd_mail_attachment_new (name != NULL ? name : fallback, mime_type, is_inline,
                                           data));
}

static void walk_object (Walk *w, GMimeObject *object, guint depth);

static void
walk_leaf (Walk        *w,
           GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);

  if (!is_attachment (object))
    {
      char **slot = g_mime_content_type_is_type (type, "text", "html") ? &w->html : &w->plain;

      if (*slot == NULL)
        {
          *slot = hd_mail_part_text (object);
          return;
        }
    }

  {
    g_autoptr(GBytes) data = hd_mail_part_bytes (GMIME_PART (object));

    add_attachment (w, object, data, "attachment");
  }
}

/* A message sent as an attachment (a forward "as attachment") is kept
 * whole, as an .eml file. */
static void
walk_message_part (Walk        *w,
                   GMimeObject *object)
{
  GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));
  g_autofree char *text = NULL;
  g_autoptr(GBytes) data = NULL;

  if (inner == NULL)
    return;
  text = g_mime_object_to_string (GMIME_OBJECT (inner), NULL);
  data = g_bytes_new (text, strlen (text));
  add_attachment (w, object, data, "message.eml");
}

/* Of an alternative, the plain text when there is one, else the HTML. */
static void
walk_alternative (Walk          *w,
                  GMimeMultipart *multipart,
                  guint          depth)
{
  int n = g_mime_multipart_get_count (multipart);
  GMimeObject *best = NULL;

  for (int i = 0; i < n; i++)
    {
      GMimeObject *part = g_mime_multipart_get_part (multipart, i);
      GMimeContentType *type = g_mime_object_get_content_type (part);

      if (g_mime_content_type_is_type (type, "text", "plain") ||
          (best == NULL && (g_mime_content_type_is_type (type, "text", "html") ||
                            GMIME_IS_MULTIPART (part))))
        best = part;
    }
  if (best != NULL)
    walk_object (w, best, depth + 1);
}

static void
walk_object (Walk        *w,
             GMimeObject *object,
             guint        depth)
{
  if (object == NULL || depth > MAX_DEPTH)
    return;

  if (GMIME_IS_MULTIPART (object))
    {
      GMimeContentType *type = g_mime_object_get_content_type (object);
      GMimeMultipart *multipart = GMIME_MULTIPART (object);

      if (g_mime_content_type_is_type (type, "multipart", "alternative"))
        {
          walk_alternative (w, multipart, depth);
          return;
        }
      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        walk_object (w, g_mime_multipart_get_part (multipart, i), depth + 1);
    }
  else if (GMIME_IS_MESSAGE_PART (object))
    walk_message_part (w, object);
  else if (GMIME_IS_PART (object))
    walk_leaf (w, object);
}

/* Addresses */

static void
add_addresses (GPtrArray           *into,
               InternetAddressList *list,
               guint                depth)
{
  int n = list != NULL ? internet_address_list_length (list) : 0;

  for (int i = 0; i < n && into->len < 200 && depth < 4; i++)
    {
      InternetAddress *a = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (a))
        add_addresses (into, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (a)),
                       depth + 1);
      else if (INTERNET_ADDRESS_IS_MAILBOX (a))
        {
          const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a));

          if (addr != NULL && addr[0] != '\0')
            g_ptr_array_add (into, hd_mail_address_new (addr, internet_address_get_name (a)));
        }
    }
}

static HdMailAddress *
first_address (InternetAddressList *list)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_address_free);

  add_addresses (all, list, 0);
  return all->len > 0 ? g_ptr_array_steal_index (all, 0) : NULL;
}

/* Identifiers */

static char *
clean_id (const char *id)
{
  g_autofree char *valid = id != NULL ? hd_mail_text_valid (id, -1) : NULL;

  if (valid == NULL)
    return NULL;
  g_strstrip (g_strdelimit (valid, "<>\r\n\t", ' '));
  if (valid[0] == '\0' || strlen (valid) > 998)
    return NULL;
  return g_steal_pointer (&valid);
}

static void
read_references (HdMailMessage *msg,
                 GMimeMessage  *message)
{
  const char *text = g_mime_object_get_header (GMIME_OBJECT (message), "References");
  const char *reply = g_mime_object_get_header (GMIME_OBJECT (message), "In-Reply-To");
  GMimeReferences *refs = text != NULL ? g_mime_references_parse (NULL, text) : NULL;
  GMimeReferences *replies = reply != NULL ? g_mime_references_parse (NULL, reply) : NULL;

  for (int i = 0; refs != NULL && i < g_mime_references_length (refs) && i < 100; i++)
    {
      char *id = clean_id (g_mime_references_get_message_id (refs, i));

      if (id != NULL)
        g_ptr_array_add (msg->references, id);
    }
  if (replies != NULL && g_mime_references_length (replies) > 0)
    msg->in_reply_to = clean_id (g_mime_references_get_message_id (replies, 0));
  g_clear_pointer (&refs, g_mime_references_free);
  g_clear_pointer (&replies, g_mime_references_free);
}

/* Headers that a server or a fetch adds on the way: the same message
 * fetched twice differs in them, so they are not part of its hash. */
static gboolean
is_trace_header (const char *name)
{
  static const char * const trace[] = {
    "received", "return-path", "delivered-to", "x-original-to", "status", "x-status",
    "x-uid", "x-keywords", "content-length", "lines", NULL
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_strv_contains (trace, lower) || g_str_has_prefix (lower, "x-mozilla-");
}

/* SHA-256 of the headers as written (without trace headers) and of the
 * text: how a message without a Message-ID is known again. */
static char *
header_hash (GMimeMessage *message,
             const char   *body)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  int n = g_mime_header_list_get_count (headers);

  for (int i = 0; i < n; i++)
    {
      GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
      const char *name = g_mime_header_get_name (h);
      const char *value = g_mime_header_get_raw_value (h);

      if (name == NULL || is_trace_header (name))
        continue;
      g_checksum_update (sum, (const guchar *) name, -1);
      g_checksum_update (sum, (const guchar *) ":", 1);
      if (value != NULL)
        g_checksum_update (sum, (const guchar *) value, -1);
    }
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) body, -1);
  return g_strdup (g_checksum_get_string (sum));
}

static void
read_body (HdMailMessage *msg,
           GMimeMessage  *message)
{
  Walk w = { .msg = msg };
  g_autofree char *text = NULL;

  walk_object (&w, g_mime_message_get_mime_part (message), 0);
  if (w.plain != NULL)
    text = g_steal_pointer (&w.plain);
  else if (w.html != NULL)
    text = hd_mail_html_to_text (w.html);
  else
    text = g_strdup ("");

  g_free (msg->body);
  msg->body = g_steal_pointer (&text);
  g_free (msg->reply_body);
  msg->reply_body = hd_mail_trim_quote (msg->body);
  g_free (w.plain);
  g_free (w.html);
}

static void
read_headers (HdMailMessage *msg,
              GMimeMessage  *message)
{
  const char *id = g_mime_message_get_message_id (message);
  const char *subject = g_mime_message_get_subject (message);
  GDateTime *date = g_mime_message_get_date (message);
  g_autofree char *valid_subject = hd_mail_text_valid (subject, -1);

  msg->message_id = clean_id (id);
  g_free (msg->subject);
  msg->subject = g_strstrip (g_strdelimit (g_steal_pointer (&valid_subject), "\r\n\t", ' '));
  if (date != NULL)
    msg->date = g_date_time_to_unix (date) * G_USEC_PER_SEC;
  msg->from = first_address (g_mime_message_get_from (message));
  msg->reply_to = first_address (g_mime_message_get_reply_to (message));
  add_addresses (msg->to, g_mime_message_get_to (message), 0);
  add_addresses (msg->cc, g_mime_message_get_cc (message), 0);
  read_references (msg, message);
}

/* Raw 8-bit headers */

/* Whether the message's own headers, up to the first empty line, have
 * bytes beyond ASCII: text a client wrote without encoded words. */
static gboolean
headers_have_8bit (GBytes *raw)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (raw, &size);

  for (gsize i = 0; i < size; i++)
    {
      if (p[i] >= 0x80)
        return TRUE;
      if (p[i] == '\n' && (i + 1 == size || p[i + 1] == '\n' ||
                           (p[i + 1] == '\r' && i + 2 < size && p[i + 2] == '\n')))
        return FALSE;
    }
  return FALSE;
}

static void
add_part_charset (GMimeObject *parent,
                  GMimeObject *part,
                  gpointer     data)
{
  GPtrArray *charsets = data;
  const char *charset = g_mime_object_get_content_type_parameter (part, "charset");

  if (charset == NULL || charsets->len >= 8 ||
      g_ascii_strcasecmp (charset, "utf-8") == 0 || g_ascii_strcasecmp (charset, "us-ascii") == 0)
    return;
  for (guint i = 0; i < charsets->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (charsets, i), charset) == 0)
      return;
  g_ptr_array_add (charsets, (gpointer) g_intern_string (charset));
}

/* GMime reads raw 8-bit header text as the first of its fallback
 * charsets that converts it cleanly: UTF-8, else ISO-8859-1, which takes
 * any byte, so a KOI8-R or Shift_JIS subject would come out as Latin-1
 * and Windows-1252 quotes as control characters. A message with such
 * headers is read again trying UTF-8, then the charsets of its own text
 * parts (a client writes its headers in the charset of its text), then
 * Windows-1252, then ISO-8859-1. NULL when @message needs nothing; else
 * @options is what it was read with, to be freed after it. */
static GMimeMessage *
reread_8bit_headers (GMimeMessage        *message,
                     GBytes              *raw,
                     GMimeParserOptions **options)
{
  g_autoptr(GPtrArray) charsets = g_ptr_array_new ();
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (raw, &size);

  if (!headers_have_8bit (raw))
    return NULL;

  g_ptr_array_add (charsets, (gpointer) "utf-8");
  g_mime_message_foreach (message, add_part_charset, charsets);
  g_ptr_array_add (charsets, (gpointer) "windows-1252");
  g_ptr_array_add (charsets, (gpointer) "iso-8859-1");
  g_ptr_array_add (charsets, NULL);

  *options = g_mime_parser_options_new ();
  g_mime_parser_options_set_fallback_charsets (*options, (const char **) charsets->pdata);
  stream = g_mime_stream_mem_new_with_buffer ((const char *) data, size);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  return g_mime_parser_construct_message (parser, *options);
}

/* A record of @message; @raw its bytes as received. */
static HdMailMessage *
record_from_message (GMimeMessage *first,
                     GBytes       *raw)
{
  GMimeParserOptions *options = NULL;
  GMimeMessage *again = reread_8bit_headers (first, raw, &options);
  GMimeMessage *message = again != NULL ? again : first;
  HdMailMessage *msg = hd_mail_message_new ();

  msg->raw = g_bytes_ref (raw);
  read_headers (msg, message);
  read_body (msg, message);
  msg->header_hash = header_hash (message, msg->body);
  hd_mail_classify (msg, message);

  /* GMime's headers decode with the options they were parsed with,
   * which they borrow: the message goes first. */
  g_clear_object (&again);
  g_clear_pointer (&options, g_mime_parser_options_free);
  return msg;
}

/* What cannot be read as a message at all is still a record: not filed,
 * and saying why. */
static HdMailMessage *
unreadable (GBytes *raw)
{
  HdMailMessage *msg = hd_mail_message_new ();

  msg->raw = g_bytes_ref (raw);
  msg->header_hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
  msg->automatic = g_strdup (_("The message could not be read as mail."));
  return msg;
}

/**
 * hd_mail_parse:
 * @raw: one message, as received
 *
 * Returns: (transfer full): its record, classified; never %NULL
 */
HdMailMessage *
hd_mail_parse (GBytes *raw)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (raw, &size);

  hd_mail_init ();
  stream = g_mime_stream_mem_new_with_buffer ((const char *) data, size);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, NULL);
  if (message == NULL)
    return unreadable (raw);

  return record_from_message (message, raw);
}

gboolean
hd_mail_looks_like_mbox (GBytes *data)
{
  gsize size;
  const char *bytes = g_bytes_get_data (data, &size);

  return size >= 5 && memcmp (bytes, "From ", 5) == 0;
}

/**
 * hd_mail_parse_mbox:
 * @data: an mbox file's bytes
 *
 * Returns: (transfer full) (element-type HdMailMessage): each message's
 *   record, its original bytes cut from @data
 */
GPtrArray *
hd_mail_parse_mbox (GBytes *data)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_message_free);
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);

  hd_mail_init ();
  stream = g_mime_stream_mem_new_with_buffer ((const char *) bytes, size);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);

  while (!g_mime_parser_eos (parser))
    {
      g_autoptr(GMimeMessage) message = g_mime_parser_construct_message (parser, NULL);
      gint64 begin = g_mime_parser_get_headers_begin (parser);
      gint64 end = g_mime_parser_tell (parser);
      g_autoptr(GBytes) raw = NULL;

      if (message == NULL)
        break;
      begin = CLAMP (begin, 0, (gint64) size);
      end = CLAMP (end, begin, (gint64) size);
      raw = g_bytes_new_from_bytes (data, begin, end - begin);
      g_ptr_array_add (all, record_from_message (message, raw));
    }
  return all;
}
