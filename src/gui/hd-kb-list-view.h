/* hd-kb-list-view.h — the knowledge base's list: search, categories, articles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_KB_LIST_VIEW (hd_kb_list_view_get_type ())

G_DECLARE_FINAL_TYPE (HdKbListView, hd_kb_list_view, HD, KB_LIST_VIEW, GtkWidget)

GtkWidget  *hd_kb_list_view_new          (void);
void        hd_kb_list_view_set_store    (HdKbListView *self,
                                          HdStore      *store,
                                          HdPerson     *me);
void        hd_kb_list_view_reload       (HdKbListView *self);
void        hd_kb_list_view_focus_search (HdKbListView *self);
const char *hd_kb_list_view_get_search   (HdKbListView *self);
void        hd_kb_list_view_select       (HdKbListView *self,
                                          gint64        id);
gint64      hd_kb_list_view_get_selected (HdKbListView *self);
void        hd_kb_list_view_set_tag      (HdKbListView *self,
                                          const char   *tag);
const char *hd_kb_list_view_get_tag      (HdKbListView *self);
guint       hd_kb_list_view_get_n_shown  (HdKbListView *self);
gboolean    hd_kb_list_view_is_loading   (HdKbListView *self);

G_END_DECLS
