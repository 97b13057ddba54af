/* hd-ticket-list-view.h — the ticket list: columns, sorting, search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-ticket-list.h"

G_BEGIN_DECLS

#define HD_TYPE_TICKET_LIST_VIEW (hd_ticket_list_view_get_type ())

G_DECLARE_FINAL_TYPE (HdTicketListView, hd_ticket_list_view, HD, TICKET_LIST_VIEW, GtkWidget)

GtkWidget    *hd_ticket_list_view_new          (void);
void          hd_ticket_list_view_set_model    (HdTicketListView *self,
                                                HdTicketList     *list);
void          hd_ticket_list_view_set_empty_text (HdTicketListView *self,
                                                  const char       *title,
                                                  const char       *description);
const char   *hd_ticket_list_view_get_search   (HdTicketListView *self);
HdTicketSort  hd_ticket_list_view_get_sort     (HdTicketListView *self,
                                                gboolean         *descending);
void          hd_ticket_list_view_focus_search (HdTicketListView *self);
void          hd_ticket_list_view_set_compact  (HdTicketListView *self,
                                                gboolean          compact);
gint64        hd_ticket_list_view_get_selected (HdTicketListView *self);
HdTicket     *hd_ticket_list_view_dup_selected_ticket (HdTicketListView *self);
void          hd_ticket_list_view_set_context_menu (HdTicketListView *self,
                                                    GMenuModel       *menu);
void          hd_ticket_list_view_select       (HdTicketListView *self,
                                                gint64            number);

G_END_DECLS
