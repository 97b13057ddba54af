/* hd-kb-categories-window.h — staff arrange the knowledge base's categories
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-stack-window.h"

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_KB_CATEGORIES_WINDOW (hd_kb_categories_window_get_type ())

G_DECLARE_FINAL_TYPE (HdKbCategoriesWindow, hd_kb_categories_window, HD, KB_CATEGORIES_WINDOW,
                      HdStackWindow)

GtkWidget *hd_kb_categories_window_new (GtkWindow *parent,
                                        HdStore   *store);

G_END_DECLS
