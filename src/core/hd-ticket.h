/* hd-ticket.h — a snapshot of one ticket row
 *
 * A HdTicket is immutable: it is what the file held when it was read. Changes
 * go through HdStore, which returns a new snapshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hd-enums.h"
#include "hd-sla.h"

G_BEGIN_DECLS

#define HD_TYPE_TICKET (hd_ticket_get_type ())

G_DECLARE_FINAL_TYPE (HdTicket, hd_ticket, HD, TICKET, GObject)

gint64      hd_ticket_get_number            (HdTicket *self);
const char *hd_ticket_get_title             (HdTicket *self);
const char *hd_ticket_get_description       (HdTicket *self);
HdStatus    hd_ticket_get_status            (HdTicket *self);
HdPriority  hd_ticket_get_priority          (HdTicket *self);
const char *hd_ticket_get_category          (HdTicket *self);
const char *hd_ticket_get_requester         (HdTicket *self);
const char *hd_ticket_get_requester_name    (HdTicket *self);
const char *hd_ticket_get_assignee          (HdTicket *self);
const char *hd_ticket_get_assignee_name     (HdTicket *self);
int         hd_ticket_get_tier              (HdTicket *self);
const char *hd_ticket_get_department        (HdTicket *self);
const char *hd_ticket_get_location          (HdTicket *self);
gint64      hd_ticket_get_created_at        (HdTicket *self);
gint64      hd_ticket_get_updated_at        (HdTicket *self);
gint64      hd_ticket_get_first_response_at (HdTicket *self);
gint64      hd_ticket_get_resolved_at       (HdTicket *self);
gint64      hd_ticket_get_closed_at         (HdTicket *self);
gint64      hd_ticket_get_version           (HdTicket *self);
gint64      hd_ticket_get_due_at            (HdTicket *self);
gint64      hd_ticket_get_warn_at           (HdTicket *self);
HdSlaDueState hd_ticket_get_due_state       (HdTicket *self,
                                             gint64    now);

G_END_DECLS
