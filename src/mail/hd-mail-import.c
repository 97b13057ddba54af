/* hd-mail-import.c — messages from a file, through the same path as
 * fetched mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-mail.h"

static gboolean
file_one (HdStore              *store,
          const HdMailMessage  *msg,
          HdMailImportFunc      func,
          gpointer              user_data,
          GError              **error)
{
  HdMailFiling filing;

  if (!hd_store_file_mail (store, msg, &filing, error))
    return FALSE;
  if (func != NULL)
    func (msg, &filing, user_data);
  hd_mail_filing_clear (&filing);
  return TRUE;
}

/**
 * hd_mail_import:
 * @data: one message, or an mbox (it starts with a "From " line)
 *
 * Returns: %FALSE when the file refused a message (busy, read-only,
 *   damaged…); the messages before it stay filed
 */
gboolean
hd_mail_import (HdStore           *store,
                GBytes            *data,
                HdMailImportFunc   func,
                gpointer           user_data,
                GError           **error)
{
  g_autoptr(GPtrArray) messages = NULL;

  g_return_val_if_fail (HD_IS_STORE (store), FALSE);

  if (hd_mail_looks_like_mbox (data))
    messages = hd_mail_parse_mbox (data);
  else
    {
      messages = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_message_free);
      g_ptr_array_add (messages, hd_mail_parse (data));
    }

  for (guint i = 0; i < messages->len; i++)
    if (!file_one (store, g_ptr_array_index (messages, i), func, user_data, error))
      return FALSE;
  return TRUE;
}

/**
 * hd_mail_file_by_hand:
 * @row: a message among those not filed
 * @ticket: the ticket to add it to; 0: a new ticket
 * @filing: (out caller-allocates): what became of it
 *
 * The dispatcher's decision for a message that was not filed: its
 * original read again and filed as @ticket says
 * (hd_store_file_mail_by_hand()).
 */
gboolean
hd_mail_file_by_hand (HdStore       *store,
                      gint64         row,
                      gint64         ticket,
                      HdMailFiling  *filing,
                      GError       **error)
{
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(HdMailMessage) msg = NULL;

  g_return_val_if_fail (HD_IS_STORE (store), FALSE);

  memset (filing, 0, sizeof *filing);
  raw = hd_store_get_mail_original (store, row, error);
  if (raw == NULL)
    return FALSE;
  msg = hd_mail_parse (raw);
  return hd_store_file_mail_by_hand (store, row, msg, ticket, filing, error);
}
