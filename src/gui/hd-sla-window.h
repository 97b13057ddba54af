/* hd-sla-window.h — the dispatcher edits the SLA calendar and policies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-stack-window.h"

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_SLA_WINDOW (hd_sla_window_get_type ())

G_DECLARE_FINAL_TYPE (HdSlaWindow, hd_sla_window, HD, SLA_WINDOW, HdStackWindow)

GtkWidget *hd_sla_window_new (GtkWindow *parent,
                              HdStore   *store);

G_END_DECLS
