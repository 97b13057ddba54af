/* hd-mail-secret.h — the mailbox password, kept in the desktop's keyring
 *
 * The password never goes into the helpdesk file (every desk can read it)
 * nor into any log. libsecret keeps it in the Secret Service of the
 * session (GNOME Keyring, KWallet), or through the Secret portal inside
 * Flatpak. It is found again by the helpdesk file it belongs to, the user
 * and the IMAP server, so one desk can serve several helpdesk files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-mail-account.h"

G_BEGIN_DECLS

gboolean  hd_mail_password_store         (const char          *file_id,
                                          const HdMailAccount *account,
                                          const char          *password,
                                          GCancellable        *cancellable,
                                          GError             **error);
char     *hd_mail_password_lookup        (const char          *file_id,
                                          const HdMailAccount *account,
                                          GCancellable        *cancellable,
                                          GError             **error);
gboolean  hd_mail_password_clear         (const char          *file_id,
                                          const HdMailAccount *account,
                                          GCancellable        *cancellable,
                                          GError             **error);
void      hd_mail_password_free          (char                *password);

void      hd_mail_password_store_async   (const char          *file_id,
                                          const HdMailAccount *account,
                                          const char          *password,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  hd_mail_password_store_finish  (GAsyncResult        *result,
                                          GError             **error);
void      hd_mail_password_lookup_async  (const char          *file_id,
                                          const HdMailAccount *account,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char     *hd_mail_password_lookup_finish (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
