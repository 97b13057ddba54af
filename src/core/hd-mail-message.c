/* hd-mail-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-attachment.h"
#include "hd-mail-message.h"

HdMailAddress *
hd_mail_address_new (const char *address,
                     const char *name)
{
  HdMailAddress *self = g_new0 (HdMailAddress, 1);
  g_autofree char *valid = hd_mail_text_valid (address, -1);

  self->address = g_utf8_strdown (g_strstrip (valid), -1);
  if (name != NULL)
    {
      g_autofree char *clean = hd_mail_text_valid (name, -1);

      g_strdelimit (clean, "\r\n\t", ' ');
      g_strstrip (clean);
      self->name = clean[0] != '\0' ? g_steal_pointer (&clean) : NULL;
    }
  return self;
}

void
hd_mail_address_free (HdMailAddress *self)
{
  if (self == NULL)
    return;

  g_free (self->address);
  g_free (self->name);
  g_free (self);
}

HdMailAttachment *
hd_mail_attachment_new (const char *name,
                        const char *content_type,
                        gboolean    is_inline,
                        GBytes     *data)
{
  HdMailAttachment *self = g_new0 (HdMailAttachment, 1);

  self->name = hd_mail_sanitize_name (name);
  self->content_type = g_ascii_strdown (content_type != NULL ? content_type
                                                             : "application/octet-stream", -1);
  self->is_inline = is_inline;
  self->data = g_bytes_ref (data);
  return self;
}

void
hd_mail_attachment_free (HdMailAttachment *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->content_type);
  g_bytes_unref (self->data);
  g_free (self);
}

HdMailMessage *
hd_mail_message_new (void)
{
  HdMailMessage *self = g_new0 (HdMailMessage, 1);

  self->references = g_ptr_array_new_with_free_func (g_free);
  self->to = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_address_free);
  self->cc = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_address_free);
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_attachment_free);
  self->subject = g_strdup ("");
  self->body = g_strdup ("");
  self->reply_body = g_strdup ("");
  return self;
}

void
hd_mail_message_free (HdMailMessage *self)
{
  if (self == NULL)
    return;

  g_free (self->message_id);
  g_free (self->header_hash);
  g_free (self->in_reply_to);
  g_ptr_array_unref (self->references);
  hd_mail_address_free (self->from);
  hd_mail_address_free (self->reply_to);
  g_ptr_array_unref (self->to);
  g_ptr_array_unref (self->cc);
  g_free (self->subject);
  g_free (self->body);
  g_free (self->reply_body);
  g_ptr_array_unref (self->attachments);
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_free (self->automatic);
  g_free (self->bounced_id);
  g_free (self->bounce_status);
  g_free (self);
}

void
hd_mail_outgoing_free (HdMailOutgoing *self)
{
  if (self == NULL)
    return;

  g_free (self->kind);
  g_free (self->message_id);
  g_free (self->in_reply_to);
  g_free (self->references);
  g_free (self->from_address);
  g_free (self->from_name);
  g_free (self->to_address);
  g_free (self->to_name);
  g_free (self->cc);
  g_free (self->subject);
  g_free (self->body);
  g_free (self->state);
  g_free (self->note);
  g_free (self->server_answer);
  g_free (self);
}

void
hd_mail_not_filed_free (HdMailNotFiled *self)
{
  if (self == NULL)
    return;

  g_free (self->from_address);
  g_free (self->from_name);
  g_free (self->subject);
  g_free (self->reason);
  g_free (self);
}

/**
 * hd_mail_text_valid:
 *
 * @text as valid UTF-8 without NUL: each invalid byte becomes U+FFFD, a
 * NUL becomes U+FFFD too (mail is text; a NUL would end it early).
 *
 * Returns: (transfer full):
 */
char *
hd_mail_text_valid (const char *text,
                    gssize      length)
{
  GString *out;
  const char *end;
  gsize len;

  if (text == NULL)
    return g_strdup ("");

  len = length < 0 ? strlen (text) : (gsize) length;
  out = g_string_sized_new (len);
  while (len > 0)
    {
      g_utf8_validate_len (text, len, &end);
      g_string_append_len (out, text, end - text);
      len -= end - text;
      text = end;
      if (len > 0)
        {
          g_string_append (out, "\xef\xbf\xbd");
          text++;
          len--;
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * hd_mail_sanitize_name:
 *
 * An attachment's name as it may be stored and later saved: see
 * hd_attachment_sanitize_name(), which names files attached at a desk
 * the same way.
 *
 * Returns: (transfer full):
 */
char *
hd_mail_sanitize_name (const char *name)
{
  return hd_attachment_sanitize_name (name);
}
