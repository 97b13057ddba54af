/* hd-mail-goa.h — signing in with an account of GNOME Online Accounts
 *
 * Offices on Google or Microsoft 365 often may not log in to their mail
 * with a password: the server wants an OAuth 2.0 token (SASL XOAUTH2).
 * GNOME Online Accounts holds such accounts for the person at the desk
 * and hands out their tokens over D-Bus; Helpdesk asks it for one on the
 * mail thread, right before it logs in, and keeps it only in memory:
 * never in the helpdesk file, the keyring or a log.
 *
 * Built without libgoa (meson -Dgoa=disabled), nothing is listed and
 * asking for a token fails with a message that says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HdMailGoaAccount:
 * @id: the account's id in GNOME Online Accounts on this desk
 *   ("account_1700000000_0"); another desk's id for the same mailbox
 *   differs
 * @identity: how GNOME Online Accounts presents it (an address, usually)
 * @email: the mail address of the account
 * @provider: the provider's name, for people ("Google", "Microsoft 365")
 * @imap_host, @smtp_host: the servers the provider names, or %NULL
 */
typedef struct {
  char *id;
  char *identity;
  char *email;
  char *provider;
  char *imap_host;
  char *smtp_host;
} HdMailGoaAccount;

void       hd_mail_goa_account_free (HdMailGoaAccount *account);

gboolean   hd_mail_goa_is_built     (void);
GPtrArray *hd_mail_goa_list         (GCancellable     *cancellable,
                                     GError          **error);
HdMailGoaAccount *hd_mail_goa_find  (const char       *id_or_address,
                                     GCancellable     *cancellable,
                                     GError          **error);
char      *hd_mail_goa_get_token    (const char       *id,
                                     gboolean          renew,
                                     GCancellable     *cancellable,
                                     GError          **error);
void       hd_mail_goa_forget_tokens (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailGoaAccount, hd_mail_goa_account_free)

G_END_DECLS
