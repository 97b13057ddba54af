/* hd-mail-window.h — the mail that needs a person: not filed, not sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-stack-window.h"

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_MAIL_WINDOW (hd_mail_window_get_type ())

G_DECLARE_FINAL_TYPE (HdMailWindow, hd_mail_window, HD, MAIL_WINDOW, HdStackWindow)

GtkWidget *hd_mail_window_new (GtkWindow *parent,
                               HdStore   *store);

G_END_DECLS
