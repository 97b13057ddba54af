/* hd-ticket-list.h — a lazy list of tickets for views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_TICKET_LIST (hd_ticket_list_get_type ())

G_DECLARE_FINAL_TYPE (HdTicketList, hd_ticket_list, HD, TICKET_LIST, GObject)

#define HD_TICKET_LIST_PAGE_SIZE 100

/* A search lists at most this many tickets, the best first in the list's
 * order: more than anyone scrolls through, and counting a million would
 * cost a lookup each. */
#define HD_TICKET_LIST_SEARCH_LIMIT 1000

HdTicketList *hd_ticket_list_new        (const char           *path,
                                         const char           *login);
void          hd_ticket_list_set_filter (HdTicketList         *self,
                                         const HdTicketFilter *filter);
void          hd_ticket_list_reload     (HdTicketList         *self);
void          hd_ticket_list_reload_tickets (HdTicketList     *self,
                                             const gint64     *numbers,
                                             guint             n_numbers);
gboolean      hd_ticket_list_is_loading (HdTicketList         *self);
gboolean      hd_ticket_list_is_complete (HdTicketList        *self);
guint         hd_ticket_list_get_n_loaded_pages (HdTicketList *self);
gboolean      hd_ticket_is_placeholder  (HdTicket             *ticket);
guint         hd_ticket_list_find       (HdTicketList         *self,
                                         gint64                number);

void          hd_ticket_list_count_async  (HdTicketList         *self,
                                           const HdTicketFilter *filters,
                                           guint                 n_filters,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GArray       *hd_ticket_list_count_finish (HdTicketList         *self,
                                           GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
