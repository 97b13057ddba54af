/* hd-mail-account.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-imap.h"
#include "hd-mail-account.h"
#include "hd-mail-error.h"
#include "hd-smtp.h"

#define DEFAULT_TIMEOUT 30

static const char *security_names[] = { "tls", "starttls", "plain" };

static void
server_copy (HdMailServer       *to,
             const HdMailServer *from)
{
  to->host = g_strdup (from->host);
  to->port = from->port;
  to->security = from->security;
}

/* Names that would change the URL or the commands they are put in. */
static gboolean
text_is_clean (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return g_utf8_validate (text, -1, NULL);
}

static gboolean
host_is_valid (const char *host)
{
  if (host == NULL || *host == '\0' || !text_is_clean (host))
    return FALSE;
  return strpbrk (host, "/@?#[] ") == NULL;
}

static gboolean
folder_is_valid (const char *folder)
{
  /* IMAP names beyond ASCII travel in modified UTF-7, which libcurl does
   * not write for us. */
  for (const char *p = folder; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  return *folder != '\0';
}

/**
 * hd_mail_account_new:
 *
 * Returns: (transfer full): an account with TLS on both servers, folder
 *   INBOX and the default timeout, and nothing else set
 */
HdMailAccount *
hd_mail_account_new (void)
{
  HdMailAccount *account = g_new0 (HdMailAccount, 1);

  account->imap.security = HD_MAIL_SECURITY_TLS;
  account->smtp.security = HD_MAIL_SECURITY_TLS;
  account->folder = g_strdup ("INBOX");
  return account;
}

HdMailAccount *
hd_mail_account_copy (const HdMailAccount *account)
{
  HdMailAccount *copy;

  g_return_val_if_fail (account != NULL, NULL);

  copy = g_new0 (HdMailAccount, 1);
  server_copy (&copy->imap, &account->imap);
  server_copy (&copy->smtp, &account->smtp);
  copy->user = g_strdup (account->user);
  copy->folder = g_strdup (account->folder);
  copy->address = g_strdup (account->address);
  copy->ca_file = g_strdup (account->ca_file);
  copy->timeout = account->timeout;
  copy->goa_account = g_strdup (account->goa_account);
  return copy;
}

void
hd_mail_account_free (HdMailAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->imap.host);
  g_free (account->smtp.host);
  g_free (account->user);
  g_free (account->folder);
  g_free (account->address);
  g_free (account->ca_file);
  g_free (account->goa_account);
  g_free (account);
}

const char *
hd_mail_account_get_folder (const HdMailAccount *account)
{
  return account->folder != NULL ? account->folder : "INBOX";
}

guint
hd_mail_account_get_timeout (const HdMailAccount *account)
{
  return account->timeout != 0 ? account->timeout : DEFAULT_TIMEOUT;
}

/**
 * hd_mail_server_get_port:
 * @smtp: whether @server is the outgoing one
 *
 * Returns: the port set, or the usual one for the protocol and security
 */
guint
hd_mail_server_get_port (const HdMailServer *server,
                         gboolean            smtp)
{
  if (server->port != 0)
    return server->port;
  if (smtp)
    return server->security == HD_MAIL_SECURITY_TLS ? 465 : 587;
  return server->security == HD_MAIL_SECURITY_TLS ? 993 : 143;
}

const char *
hd_mail_security_to_string (HdMailSecurity security)
{
  g_return_val_if_fail (security <= HD_MAIL_SECURITY_PLAIN, NULL);
  return security_names[security];
}

gboolean
hd_mail_security_from_string (const char     *text,
                              HdMailSecurity *security)
{
  for (guint i = 0; i < G_N_ELEMENTS (security_names); i++)
    if (g_strcmp0 (text, security_names[i]) == 0)
      {
        *security = (HdMailSecurity) i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
invalid (GError    **error,
         const char *message)
{
  g_set_error_literal (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID, message);
  return FALSE;
}

/**
 * hd_mail_account_validate:
 *
 * Checks what can be checked without the network: both servers named,
 * ports in range, a user, a folder IMAP can be told, an address.
 */
gboolean
hd_mail_account_validate (const HdMailAccount *account,
                          GError             **error)
{
  g_return_val_if_fail (account != NULL, FALSE);

  if (!host_is_valid (account->imap.host))
    return invalid (error, _("Enter the name of the incoming (IMAP) server."));
  if (!host_is_valid (account->smtp.host))
    return invalid (error, _("Enter the name of the outgoing (SMTP) server."));
  if (account->imap.port > 65535 || account->smtp.port > 65535)
    return invalid (error, _("A port is a number from 1 to 65535."));
  if (account->imap.security > HD_MAIL_SECURITY_PLAIN ||
      account->smtp.security > HD_MAIL_SECURITY_PLAIN)
    return invalid (error, _("Choose TLS, STARTTLS or no encryption for each server."));
  if (account->user == NULL || *account->user == '\0' || !text_is_clean (account->user))
    return invalid (error, _("Enter the user name of the support mailbox."));
  if (!folder_is_valid (hd_mail_account_get_folder (account)))
    return invalid (error, _("The folder name may hold only ASCII letters, digits and punctuation."));
  if (account->address == NULL || strchr (account->address, '@') == NULL ||
      !text_is_clean (account->address) || strpbrk (account->address, "<> ") != NULL)
    return invalid (error, _("Enter the support address, such as support@example.org."));
  if (account->goa_account != NULL && (*account->goa_account == '\0' || !text_is_clean (account->goa_account)))
    return invalid (error, _("Choose an account of GNOME Online Accounts to sign in with."));
  return TRUE;
}

/**
 * hd_mail_account_has_login:
 * @password: (nullable): the password the caller has
 *
 * Returns: whether @account can log in: with @password, or through its
 *   account of GNOME Online Accounts
 */
gboolean
hd_mail_account_has_login (const HdMailAccount *account,
                           const char          *password)
{
  return account != NULL && (password != NULL || account->goa_account != NULL);
}

/**
 * hd_mail_account_test:
 * @password: (nullable): the password of @account's user; %NULL when it
 *   signs in through GNOME Online Accounts
 *
 * Logs in to both servers as Helpdesk will, opens the folder, and sends
 * nothing. Blocks: call it from a worker.
 *
 * Returns: %TRUE when both servers accepted; otherwise the error says
 *   which server and what failed (#HdMailError)
 */
gboolean
hd_mail_account_test (const HdMailAccount *account,
                      const char          *password,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autoptr(HdImapSession) imap = NULL;

  g_return_val_if_fail (hd_mail_account_has_login (account, password), FALSE);

  if (!hd_mail_account_validate (account, error))
    return FALSE;
  imap = hd_imap_session_new (account, password);
  if (!hd_imap_session_open (imap, cancellable, error))
    return FALSE;
  return hd_smtp_check (account, password, cancellable, error);
}
