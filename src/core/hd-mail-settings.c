/* hd-mail-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-error.h"
#include "hd-mail-settings.h"
#include "hd-validate.h"

/**
 * hd_mail_settings_new:
 *
 * Returns: (transfer full): the settings of a mailbox not set up yet:
 *   empty names, TLS on the usual ports, INBOX, every minute, disabled
 */
HdMailSettings *
hd_mail_settings_new (void)
{
  HdMailSettings *self = g_new0 (HdMailSettings, 1);

  self->address = g_strdup ("");
  self->imap_host = g_strdup ("");
  self->imap_port = 993;
  self->imap_security = g_strdup ("tls");
  self->imap_folder = g_strdup ("INBOX");
  self->smtp_host = g_strdup ("");
  self->smtp_port = 465;
  self->smtp_security = g_strdup ("tls");
  self->user_name = g_strdup ("");
  self->interval_seconds = HD_MAIL_DEFAULT_INTERVAL;
  return self;
}

HdMailSettings *
hd_mail_settings_copy (const HdMailSettings *settings)
{
  HdMailSettings *self = g_new0 (HdMailSettings, 1);

  *self = *settings;
  self->address = g_strdup (settings->address);
  self->display_name = g_strdup (settings->display_name);
  self->imap_host = g_strdup (settings->imap_host);
  self->imap_security = g_strdup (settings->imap_security);
  self->imap_folder = g_strdup (settings->imap_folder);
  self->smtp_host = g_strdup (settings->smtp_host);
  self->smtp_security = g_strdup (settings->smtp_security);
  self->user_name = g_strdup (settings->user_name);
  return self;
}

void
hd_mail_settings_free (HdMailSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->address);
  g_free (settings->display_name);
  g_free (settings->imap_host);
  g_free (settings->imap_security);
  g_free (settings->imap_folder);
  g_free (settings->smtp_host);
  g_free (settings->smtp_security);
  g_free (settings->user_name);
  g_free (settings);
}

static gboolean
is_security (const char *text)
{
  return g_strcmp0 (text, "tls") == 0 || g_strcmp0 (text, "starttls") == 0 ||
         g_strcmp0 (text, "plain") == 0;
}

/* A DNS name or an IP address: letters, digits, '-', '.', and ':' for
 * IPv6; nothing that would change the URL it is put in. */
static gboolean
is_host (const char *host)
{
  gsize length = host != NULL ? strlen (host) : 0;

  if (length == 0 || length > 253 || host[0] == '.' || host[0] == '-')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != ':')
      return FALSE;
  return strstr (host, "..") == NULL;
}

static gboolean
is_folder (const char *folder)
{
  /* Names beyond ASCII travel in modified UTF-7, which is not written. */
  if (folder == NULL || *folder == '\0' || strlen (folder) > 200)
    return FALSE;
  for (const char *p = folder; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f || *p == '"' || *p == '\\')
      return FALSE;
  return TRUE;
}

static gboolean
is_address (const char *address)
{
  const char *at;

  if (address == NULL || *address == '\0' || strlen (address) > HD_MAX_EMAIL_CHARS)
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f || strchr ("<>()[],;:\\\"", *p) != NULL)
      return FALSE;
  at = strchr (address, '@');
  return at != NULL && at != address && strchr (at + 1, '@') == NULL && is_host (at + 1) &&
         strchr (at + 1, '.') != NULL && g_utf8_validate (address, -1, NULL);
}

static gboolean
is_clean_line (const char *text,
               gsize       max)
{
  if (text == NULL || strlen (text) > max || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/**
 * hd_mail_settings_validate:
 *
 * Checks what can be checked without the network. Empty server names and
 * address are allowed while the mailbox is disabled (set up in steps);
 * once @enabled, every field must be there. Ports 0 are allowed (the
 * usual one).
 *
 * Returns: %FALSE with %HD_ERROR_INVALID_INPUT saying which field is wrong
 */
gboolean
hd_mail_settings_validate (const HdMailSettings *s,
                           GError              **error)
{
  g_return_val_if_fail (s != NULL, FALSE);

  if (s->address != NULL && *s->address != '\0' && !is_address (s->address))
    return hd_error_invalid_input (error, _("“%s” is not an email address, such as support@example.org."),
                                   s->address);
  if (s->display_name != NULL && !is_clean_line (s->display_name, 200))
    return hd_error_invalid_input (error, _("The sender name must be one line of at most 200 bytes."));
  if (s->imap_host != NULL && *s->imap_host != '\0' && !is_host (s->imap_host))
    return hd_error_invalid_input (error, _("“%s” is not a server name (IMAP)."), s->imap_host);
  if (s->smtp_host != NULL && *s->smtp_host != '\0' && !is_host (s->smtp_host))
    return hd_error_invalid_input (error, _("“%s” is not a server name (SMTP)."), s->smtp_host);
  if (s->imap_port > 65535 || s->smtp_port > 65535)
    return hd_error_invalid_input (error, _("A port is a number from 1 to 65535."));
  if (!is_security (s->imap_security) || !is_security (s->smtp_security))
    return hd_error_invalid_input (error, _("The security of a server is “tls”, “starttls” or “plain”."));
  if (!is_folder (s->imap_folder))
    return hd_error_invalid_input (error, _("The folder name may hold only ASCII letters, digits and punctuation."));
  if (s->user_name == NULL || !is_clean_line (s->user_name, 254))
    return hd_error_invalid_input (error, _("The user name must be one line of at most 254 bytes."));
  if (s->interval_seconds < HD_MAIL_MIN_INTERVAL || s->interval_seconds > HD_MAIL_MAX_INTERVAL)
    return hd_error_invalid_input (error, _("Mail is fetched every %d seconds at most, and at least once a day."),
                                   HD_MAIL_MIN_INTERVAL);
  if (s->enabled && !hd_mail_settings_is_complete (s))
    return hd_error_invalid_input (error, _("Enter the address, both servers and the user name before turning the mailbox on."));
  return TRUE;
}

/**
 * hd_mail_settings_is_complete:
 *
 * Returns: whether the address, both servers and the user are set
 */
gboolean
hd_mail_settings_is_complete (const HdMailSettings *s)
{
  return s->address != NULL && *s->address != '\0' && s->imap_host != NULL &&
         *s->imap_host != '\0' && s->smtp_host != NULL && *s->smtp_host != '\0' &&
         s->user_name != NULL && *s->user_name != '\0';
}
