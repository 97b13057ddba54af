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
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GDateTime) date = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  GMimeTextPart *part;
  GMimeFormatOptions *options;
  char *text;

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

  options = g_mime_format_options_new ();
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  text = g_mime_object_to_string (GMIME_OBJECT (message), options);
  g_mime_format_options_free (options);
  return g_bytes_new_take (text, strlen (text));
}
