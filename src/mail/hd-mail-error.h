/* hd-mail-error.h — what went wrong talking to the mail servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HD_MAIL_ERROR (hd_mail_error_quark ())

/**
 * HdMailError:
 * @HD_MAIL_ERROR_INVALID: the account's settings are incomplete or wrong
 * @HD_MAIL_ERROR_DNS: the server's name could not be found
 * @HD_MAIL_ERROR_CONNECT: the connection was refused, or the server is
 *   unreachable
 * @HD_MAIL_ERROR_TIMEOUT: the server did not answer in time
 * @HD_MAIL_ERROR_TLS: the encrypted connection could not be made (no
 *   STARTTLS offered, handshake failed)
 * @HD_MAIL_ERROR_TLS_UNTRUSTED: the server's certificate is not signed by a
 *   trusted authority (self-signed, unknown authority, expired)
 * @HD_MAIL_ERROR_TLS_NAME_MISMATCH: the certificate is trusted but made out
 *   to another name than the server's
 * @HD_MAIL_ERROR_LOGIN_REFUSED: the server refused the user name or password
 * @HD_MAIL_ERROR_FOLDER_MISSING: the IMAP folder does not exist
 * @HD_MAIL_ERROR_SMTP_REFUSED: the SMTP server refused the sender, every
 *   recipient, or the message, for good (a 5xx answer): sending it again
 *   will not help
 * @HD_MAIL_ERROR_SMTP_TEMPORARY: the SMTP server refused for now (a 4xx
 *   answer): try again later
 * @HD_MAIL_ERROR_NETWORK: the connection broke off, or the server's answer
 *   made no sense
 * @HD_MAIL_ERROR_UIDVALIDITY: the folder's UIDVALIDITY changed: the UIDs
 *   the caller holds name other messages now; list the folder again
 * @HD_MAIL_ERROR_TOO_LARGE: the message is larger than the caller allows
 * @HD_MAIL_ERROR_GONE: the message is no longer in the folder (another
 *   program moved or deleted it)
 * @HD_MAIL_ERROR_SIGN_IN: no token could be had to log in with: the
 *   account of GNOME Online Accounts is gone, wants its person to sign in
 *   again, or GNOME Online Accounts is not there (hd-mail-goa.h)
 *
 * Cancellation is %G_IO_ERROR_CANCELLED. The message of each error is for
 * people and says which server it was; the server's own answer, when there
 * was one, is part of it (hd_smtp_send() keeps it apart as well).
 */
typedef enum {
  HD_MAIL_ERROR_INVALID,
  HD_MAIL_ERROR_DNS,
  HD_MAIL_ERROR_CONNECT,
  HD_MAIL_ERROR_TIMEOUT,
  HD_MAIL_ERROR_TLS,
  HD_MAIL_ERROR_TLS_UNTRUSTED,
  HD_MAIL_ERROR_TLS_NAME_MISMATCH,
  HD_MAIL_ERROR_LOGIN_REFUSED,
  HD_MAIL_ERROR_FOLDER_MISSING,
  HD_MAIL_ERROR_SMTP_REFUSED,
  HD_MAIL_ERROR_SMTP_TEMPORARY,
  HD_MAIL_ERROR_NETWORK,
  HD_MAIL_ERROR_UIDVALIDITY,
  HD_MAIL_ERROR_TOO_LARGE,
  HD_MAIL_ERROR_GONE,
  HD_MAIL_ERROR_SIGN_IN,
} HdMailError;

GQuark   hd_mail_error_quark        (void);
gboolean hd_mail_error_is_temporary (const GError *error);

G_END_DECLS
