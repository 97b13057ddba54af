/* hd-mail-sign-in.h — how this desk logs in to a helpdesk file's mailbox
 *
 * With the password in this desk's keyring (hd-mail-secret.h), or with
 * the token of an account of GNOME Online Accounts (hd-mail-goa.h). The
 * choice is this desk's, like the password: the accounts of GNOME Online
 * Accounts are a person's, on one computer, each with an id of that
 * computer's own, so the shared helpdesk file cannot name one. It is kept
 * in the desk's configuration ($XDG_CONFIG_HOME/helpdesk/mail-sign-in.ini),
 * by the file's id and, like the password, for the mailbox's user and
 * IMAP server: a mailbox moved elsewhere asks for a new choice. It holds
 * no secret: an account's id, never a token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-mail-account.h"

G_BEGIN_DECLS

char     *hd_mail_sign_in_get_goa (const char          *file_id,
                                   const HdMailAccount *account);
gboolean  hd_mail_sign_in_set_goa (const char          *file_id,
                                   const HdMailAccount *account,
                                   const char          *goa_account,
                                   GError             **error);
gboolean  hd_mail_sign_in_lookup  (const char          *file_id,
                                   HdMailAccount       *account,
                                   char               **password,
                                   GCancellable        *cancellable,
                                   GError             **error);

G_END_DECLS
