/* hd-mail-original.h — a received message as it came, shown as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

/* The most of an original the dialog shows; the rest is said to be cut. */
#define HD_MAIL_ORIGINAL_SHOWN (1024 * 1024)

char      *hd_mail_original_text    (GBytes     *raw);
void       hd_mail_original_present (GtkWindow  *parent,
                                     HdStore    *store,
                                     gint64      message_row);

G_END_DECLS
