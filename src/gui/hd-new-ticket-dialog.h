/* hd-new-ticket-dialog.h — filing a ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-drafts.h"
#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_NEW_TICKET_DIALOG (hd_new_ticket_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HdNewTicketDialog, hd_new_ticket_dialog, HD, NEW_TICKET_DIALOG, AdwWindow)

GtkWidget *hd_new_ticket_dialog_new (GtkWindow *parent,
                                     HdStore   *store,
                                     HdPerson  *me,
                                     HdDrafts  *drafts);

G_END_DECLS
