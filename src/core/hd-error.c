/* hd-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-error.h"

G_DEFINE_QUARK (hd-error-quark, hd_error)

/**
 * hd_error_invalid_input:
 * @format: the message, for people: what is wrong and how to put it right
 *
 * Sets %HD_ERROR_INVALID_INPUT.
 *
 * Returns: %FALSE, so that checks can `return hd_error_invalid_input (…)`
 */
gboolean
hd_error_invalid_input (GError     **error,
                        const char  *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT, message);
  return FALSE;
}
