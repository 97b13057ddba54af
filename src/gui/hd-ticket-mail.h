/* hd-ticket-mail.h — a ticket's mail: what came in, what went out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_TICKET_MAIL (hd_ticket_mail_get_type ())

G_DECLARE_FINAL_TYPE (HdTicketMail, hd_ticket_mail, HD, TICKET_MAIL, GtkWidget)

GtkWidget *hd_ticket_mail_new       (void);
void       hd_ticket_mail_show      (HdTicketMail *self,
                                     HdStore      *store,
                                     HdPerson     *me,
                                     gint64        number);
GPtrArray *hd_ticket_mail_get_items (HdTicketMail *self);
const HdMailOnTicket *hd_ticket_mail_find_event (HdTicketMail *self,
                                                 gint64        event);

G_END_DECLS
