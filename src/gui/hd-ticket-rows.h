/* hd-ticket-rows.h — the ticket list as rows that stay where they are
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-ticket.h"

G_BEGIN_DECLS

#define HD_TYPE_TICKET_ROW (hd_ticket_row_get_type ())

G_DECLARE_FINAL_TYPE (HdTicketRow, hd_ticket_row, HD, TICKET_ROW, GObject)

HdTicket     *hd_ticket_row_get_ticket  (HdTicketRow  *self);

#define HD_TYPE_TICKET_ROWS (hd_ticket_rows_get_type ())

G_DECLARE_FINAL_TYPE (HdTicketRows, hd_ticket_rows, HD, TICKET_ROWS, GObject)

HdTicketRows *hd_ticket_rows_new        (void);
void          hd_ticket_rows_set_model  (HdTicketRows *self,
                                         GListModel   *tickets);
GListModel   *hd_ticket_rows_get_model  (HdTicketRows *self);
void          hd_ticket_rows_set_partial (HdTicketRows *self,
                                          gboolean      partial);

G_END_DECLS
