/* hd-ticket-view.h — one ticket: its fields, history and conversation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-drafts.h"
#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_TICKET_VIEW (hd_ticket_view_get_type ())

G_DECLARE_FINAL_TYPE (HdTicketView, hd_ticket_view, HD, TICKET_VIEW, GtkWidget)

GtkWidget *hd_ticket_view_new        (void);
void       hd_ticket_view_set_store  (HdTicketView *self,
                                      HdStore      *store,
                                      HdPerson     *me);
void       hd_ticket_view_set_drafts (HdTicketView *self,
                                      HdDrafts     *drafts);
void       hd_ticket_view_keep_draft (HdTicketView *self);
void       hd_ticket_view_show       (HdTicketView *self,
                                      gint64        number);
void       hd_ticket_view_reload     (HdTicketView *self);
gint64     hd_ticket_view_get_number (HdTicketView *self);
HdTicket  *hd_ticket_view_get_ticket (HdTicketView *self);

G_END_DECLS
