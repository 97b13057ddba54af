/* hd-ticket-event.h — one entry of a ticket's history and conversation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hd-enums.h"

G_BEGIN_DECLS

#define HD_TYPE_TICKET_EVENT (hd_ticket_event_get_type ())

G_DECLARE_FINAL_TYPE (HdTicketEvent, hd_ticket_event, HD, TICKET_EVENT, GObject)

gint64      hd_ticket_event_get_id         (HdTicketEvent *self);
gint64      hd_ticket_event_get_ticket     (HdTicketEvent *self);
HdEventKind hd_ticket_event_get_kind       (HdTicketEvent *self);
const char *hd_ticket_event_get_actor      (HdTicketEvent *self);
const char *hd_ticket_event_get_actor_name (HdTicketEvent *self);
gint64      hd_ticket_event_get_at         (HdTicketEvent *self);
const char *hd_ticket_event_get_field      (HdTicketEvent *self);
const char *hd_ticket_event_get_old_value  (HdTicketEvent *self);
const char *hd_ticket_event_get_new_value  (HdTicketEvent *self);
const char *hd_ticket_event_get_body       (HdTicketEvent *self);

G_END_DECLS
