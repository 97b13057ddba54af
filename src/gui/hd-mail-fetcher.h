/* hd-mail-fetcher.h — a desk fetches and sends the helpdesk's mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HD_TYPE_MAIL_FETCHER (hd_mail_fetcher_get_type ())

G_DECLARE_FINAL_TYPE (HdMailFetcher, hd_mail_fetcher, HD, MAIL_FETCHER, GObject)

HdMailFetcher *hd_mail_fetcher_new       (const char    *path,
                                          const char    *login);
const char    *hd_mail_fetcher_get_path  (HdMailFetcher *self);
void           hd_mail_fetcher_fetch_now (HdMailFetcher *self);
void           hd_mail_fetcher_wake      (HdMailFetcher *self);
gboolean       hd_mail_fetcher_is_running (HdMailFetcher *self);
void           hd_mail_fetcher_stop      (HdMailFetcher *self);

G_END_DECLS
