/* hd-mail-account.h — where the support mailbox is, and how to reach it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HdMailSecurity:
 * @HD_MAIL_SECURITY_TLS: TLS from the first byte (IMAPS, port 993; SMTPS,
 *   port 465)
 * @HD_MAIL_SECURITY_STARTTLS: a plain connection that must be upgraded with
 *   STARTTLS before logging in (IMAP 143, SMTP submission 587); a server
 *   that does not offer it is an error, never a fallback
 * @HD_MAIL_SECURITY_PLAIN: no encryption at all: the password crosses the
 *   network readable. Only when a person chose it explicitly.
 *
 * Certificates are always verified, whatever the security.
 */
typedef enum {
  HD_MAIL_SECURITY_TLS,
  HD_MAIL_SECURITY_STARTTLS,
  HD_MAIL_SECURITY_PLAIN,
} HdMailSecurity;

typedef struct {
  char           *host;
  guint           port;       /* 0: the usual port for the protocol and security */
  HdMailSecurity  security;
} HdMailServer;

/**
 * HdMailAccount:
 * @imap: the incoming server
 * @smtp: the outgoing server
 * @user: the login on both servers (an address, usually)
 * @folder: the IMAP folder requests arrive in; %NULL is "INBOX"
 * @address: the support address, the envelope sender of what Helpdesk sends
 * @ca_file: when set, only the certificate authorities in this PEM file are
 *   trusted, not the system's: for the tests' own servers, and offices
 *   with a private authority
 * @timeout: seconds to wait for a connection or any answer; 0 is 30
 * @goa_account: when set, the id of the account of GNOME Online Accounts
 *   whose OAuth 2.0 token logs @user in (SASL XOAUTH2), instead of a
 *   password: the functions that take a password then take %NULL, and
 *   ask GNOME Online Accounts for the token themselves (hd-mail-goa.h)
 *
 * A plain struct the caller fills; nothing here holds the password, which
 * lives in the keyring (hd-mail-secret.h), nor a token.
 */
typedef struct {
  HdMailServer  imap;
  HdMailServer  smtp;
  char         *user;
  char         *folder;
  char         *address;
  char         *ca_file;
  guint         timeout;
  char         *goa_account;
} HdMailAccount;

HdMailAccount *hd_mail_account_new          (void);
HdMailAccount *hd_mail_account_copy         (const HdMailAccount *account);
void           hd_mail_account_free         (HdMailAccount       *account);
gboolean       hd_mail_account_validate     (const HdMailAccount *account,
                                             GError             **error);
const char    *hd_mail_account_get_folder   (const HdMailAccount *account);
guint          hd_mail_account_get_timeout  (const HdMailAccount *account);

guint          hd_mail_server_get_port      (const HdMailServer  *server,
                                             gboolean             smtp);

const char    *hd_mail_security_to_string   (HdMailSecurity       security);
gboolean       hd_mail_security_from_string (const char          *text,
                                             HdMailSecurity      *security);

gboolean       hd_mail_account_has_login    (const HdMailAccount *account,
                                             const char          *password);

gboolean       hd_mail_account_test         (const HdMailAccount *account,
                                             const char          *password,
                                             GCancellable        *cancellable,
                                             GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailAccount, hd_mail_account_free)

G_END_DECLS
