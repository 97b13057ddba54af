/* hd-mail-classify.c — automatic mail, which never makes or reopens a ticket
 *
 * Autoresponders, bounces and lists would otherwise answer the helpdesk's
 * acknowledgements and make a ticket of each answer, without end. What is
 * automatic is known by the headers RFC 3834 and the usual servers set
 * (Auto-Submitted, X-Autoreply, X-Autorespond, Precedence, List-Id, an
 * empty Return-Path), by the sender (MAILER-DAEMON, postmaster), and by
 * being a delivery-status report. Mail from the helpdesk's own address is
 * recognized by core, which knows that address.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-mail-private.h"

static char *
header_lower (GMimeMessage *message,
              const char   *name)
{
  const char *value = g_mime_object_get_header (GMIME_OBJECT (message), name);
  g_autofree char *valid = NULL;

  if (value == NULL)
    return NULL;
  valid = hd_mail_text_valid (value, -1);
  return g_strstrip (g_utf8_strdown (valid, -1));
}

/* The first word of a header's value ("auto-replied; x=y" → "auto-replied"). */
static char *
first_token (const char *value)
{
  gsize n = strcspn (value, "; \t");

  return g_strndup (value, n);
}

static char *
reason_from_headers (GMimeMessage *message)
{
  g_autofree char *auto_submitted = header_lower (message, "Auto-Submitted");
  g_autofree char *precedence = header_lower (message, "Precedence");
  g_autofree char *list_id = header_lower (message, "List-Id");
  g_autofree char *return_path = header_lower (message, "Return-Path");

  if (auto_submitted != NULL)
    {
      g_autofree char *token = first_token (auto_submitted);

      if (g_strcmp0 (token, "no") != 0)
        return g_strdup_printf (_("Automatic message (Auto-Submitted: %s)."), token);
    }
  if (g_mime_object_get_header (GMIME_OBJECT (message), "X-Autoreply") != NULL ||
      g_mime_object_get_header (GMIME_OBJECT (message), "X-Autorespond") != NULL)
    return g_strdup (_("Automatic reply (X-Autoreply or X-Autorespond)."));
  if (precedence != NULL)
    {
      g_autofree char *token = first_token (precedence);
      static const char * const bulk[] = { "bulk", "junk", "list", "auto_reply", NULL };

      if (g_strv_contains (bulk, token))
        return g_strdup_printf (_("Bulk or automatic mail (Precedence: %s)."), token);
    }
  if (list_id != NULL)
    return g_strdup (_("Mailing-list message (List-Id)."));
  if (return_path != NULL && strcmp (return_path, "<>") == 0)
    return g_strdup (_("Automatic message (empty Return-Path)."));
  return NULL;
}

static char *
reason_from_sender (HdMailMessage *msg)
{
  g_autofree char *local = NULL;
  const char *at;

  if (msg->from == NULL)
    return NULL;
  at = strchr (msg->from->address, '@');
  local = at != NULL ? g_strndup (msg->from->address, at - msg->from->address)
                     : g_strdup (msg->from->address);
  if (g_strcmp0 (local, "mailer-daemon") == 0 || g_strcmp0 (local, "postmaster") == 0)
    return g_strdup_printf (_("Message from the mail system (%s)."), msg->from->address);
  return NULL;
}

/* Subjects that autoresponders use when they set no header at all. */
static char *
reason_from_subject (HdMailMessage *msg)
{
  static const char * const prefixes[] = {
    "automatic reply:", "auto reply:", "autoreply:", "auto-reply:", "out of office:",
    "out of office reply:", "abwesenheitsnotiz:", "réponse automatique :", NULL
  };
  g_autofree char *lower = g_utf8_strdown (msg->subject, -1);

  for (guint i = 0; prefixes[i] != NULL; i++)
    if (g_str_has_prefix (lower, prefixes[i]))
      return g_strdup_printf (_("Automatic reply (subject “%s”)."), msg->subject);
  return NULL;
}

/* A report's message/rfc822 or text/rfc822-headers part names the
 * message that bounced by its Message-ID. */
static char *
bounced_id_of (GMimeObject *part)
{
  g_autofree char *text = NULL;
  const char *line;

  if (GMIME_IS_MESSAGE_PART (part))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
      const char *id = inner != NULL ? g_mime_message_get_message_id (inner) : NULL;

      return id != NULL ? g_strdup (id) : NULL;
    }
  if (!GMIME_IS_PART (part))
    return NULL;

  text = hd_mail_part_text (part);
  for (line = text; line != NULL; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    if (g_ascii_strncasecmp (line, "Message-ID:", 11) == 0)
      {
        g_autofree char *value = g_strndup (line + 11, strcspn (line + 11, "\r\n"));

        g_strstrip (g_strdelimit (value, "<>", ' '));
        return value[0] != '\0' ? g_steal_pointer (&value) : NULL;
      }
  return NULL;
}

static char *
status_of (GMimeObject *part)
{
  g_autofree char *text = hd_mail_part_text (part);
  g_autoptr(GString) status = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Status:", 7) == 0 ||
        g_ascii_strncasecmp (lines[i], "Diagnostic-Code:", 16) == 0)
      g_string_append_printf (status, "%s%s", status->len > 0 ? " " : "", g_strstrip (lines[i]));
  return status->len > 0 ? g_strndup (status->str, 1000) : NULL;
}

/* multipart/report; report-type=delivery-status */
static gboolean
read_bounce (HdMailMessage *msg,
             GMimeMessage  *message)
{
  GMimeObject *top = g_mime_message_get_mime_part (message);
  GMimeMultipart *report;

  if (top == NULL || !GMIME_IS_MULTIPART (top) ||
      !g_mime_content_type_is_type (g_mime_object_get_content_type (top), "multipart", "report"))
    return FALSE;

  report = GMIME_MULTIPART (top);
  for (int i = 0; i < g_mime_multipart_get_count (report); i++)
    {
      GMimeObject *part = g_mime_multipart_get_part (report, i);
      GMimeContentType *type = g_mime_object_get_content_type (part);

      if (g_mime_content_type_is_type (type, "message", "delivery-status") && GMIME_IS_PART (part))
        msg->bounce_status = status_of (part);
      else if (msg->bounced_id == NULL &&
               (g_mime_content_type_is_type (type, "message", "rfc822") ||
                g_mime_content_type_is_type (type, "text", "rfc822-headers")))
        msg->bounced_id = bounced_id_of (part);
    }
  return TRUE;
}

void
hd_mail_classify (HdMailMessage *msg,
                  GMimeMessage  *message)
{
  char *reason = NULL;

  if (read_bounce (msg, message))
    reason = msg->bounce_status != NULL
             ? g_strdup_printf (_("Delivery report (bounce): %s"), msg->bounce_status)
             : g_strdup (_("Delivery report (bounce)."));
  if (reason == NULL)
    reason = reason_from_headers (message);
  if (reason == NULL)
    reason = reason_from_sender (msg);
  if (reason == NULL)
    reason = reason_from_subject (msg);

  g_free (msg->automatic);
  msg->automatic = reason;
}
