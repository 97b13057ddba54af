/* hd-mail-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "hd-mail-error.h"

G_DEFINE_QUARK (hd-mail-error-quark, hd_mail_error)

/**
 * hd_mail_error_is_temporary:
 *
 * Whether trying again later, unchanged, may succeed: the network or the
 * server was away, or the server said "not now". Settings the server
 * refused (a password, a certificate, a folder) and messages refused for
 * good wait for a person instead.
 */
gboolean
hd_mail_error_is_temporary (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TRUE;
  if (error->domain != HD_MAIL_ERROR)
    return FALSE;

  switch ((HdMailError) error->code)
    {
    case HD_MAIL_ERROR_DNS:
    case HD_MAIL_ERROR_CONNECT:
    case HD_MAIL_ERROR_TIMEOUT:
    case HD_MAIL_ERROR_SMTP_TEMPORARY:
    case HD_MAIL_ERROR_NETWORK:
    case HD_MAIL_ERROR_UIDVALIDITY:
      return TRUE;
    case HD_MAIL_ERROR_INVALID:
    case HD_MAIL_ERROR_TLS:
    case HD_MAIL_ERROR_TLS_UNTRUSTED:
    case HD_MAIL_ERROR_TLS_NAME_MISMATCH:
    case HD_MAIL_ERROR_LOGIN_REFUSED:
    case HD_MAIL_ERROR_FOLDER_MISSING:
    case HD_MAIL_ERROR_SMTP_REFUSED:
    case HD_MAIL_ERROR_TOO_LARGE:
    case HD_MAIL_ERROR_GONE:
    case HD_MAIL_ERROR_SIGN_IN:
    default:
      return FALSE;
    }
}
