/* hd-mail.h — the mail floor: from a message's bytes to what core files
 *
 * Above core, beside nothing of the window: GMime reads and writes MIME,
 * libxml2 turns HTML-only mail into text (HTML is never rendered).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-store.h"

G_BEGIN_DECLS

void           hd_mail_init          (void);

/* Reading (hd-mail-parse.c). Every message, however damaged, becomes a
 * record: what cannot be read is left empty or marked automatic with a
 * reason, so that it is listed as not filed. */
HdMailMessage *hd_mail_parse         (GBytes      *raw);
GPtrArray     *hd_mail_parse_mbox    (GBytes      *data);
gboolean       hd_mail_looks_like_mbox (GBytes    *data);

/* Text (hd-mail-text.c) */
char          *hd_mail_to_utf8       (const guint8 *data,
                                      gsize         length,
                                      const char   *charset);
char          *hd_mail_html_to_text  (const char   *html);
char          *hd_mail_trim_quote    (const char   *text);

/* Composing (hd-mail-compose.c) */
GBytes        *hd_mail_compose       (const HdMailOutgoing *out,
                                      GDateTime            *now);
GBytes        *hd_mail_compose_with_attachments (HdStore              *store,
                                                 const HdMailOutgoing *out,
                                                 GDateTime            *now,
                                                 GError              **error);

/* Importing (hd-mail-import.c): each message of @data (one message, or
 * an mbox) read, classified and filed, each in its own transaction.
 * @func, if set, hears of each; an error of the file stops the import. */
typedef void (*HdMailImportFunc) (const HdMailMessage *msg,
                                  const HdMailFiling  *filing,
                                  gpointer             user_data);

gboolean       hd_mail_import        (HdStore          *store,
                                      GBytes           *data,
                                      HdMailImportFunc  func,
                                      gpointer          user_data,
                                      GError          **error);

gboolean       hd_mail_file_by_hand  (HdStore          *store,
                                      gint64            row,
                                      gint64            ticket,
                                      HdMailFiling     *filing,
                                      GError          **error);

G_END_DECLS
