/* hd-alert.h — one alert addressed to one person
 *
 * An alert says that a ticket was assigned to someone, or that its SLA
 * deadline is near or has passed. Alerts are computed in core by whichever
 * client runs and stored once per ticket, kind, recipient and deadline (see
 * hd_store_raise_due_alerts() and hd_store_take_alerts()). A HdAlert is an
 * immutable snapshot with everything a desktop notification needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hd-enums.h"

G_BEGIN_DECLS

#define HD_TYPE_ALERT (hd_alert_get_type ())

G_DECLARE_FINAL_TYPE (HdAlert, hd_alert, HD, ALERT, GObject)

gint64       hd_alert_get_id            (HdAlert *self);
HdAlertKind  hd_alert_get_kind          (HdAlert *self);
gint64       hd_alert_get_ticket_number (HdAlert *self);
const char  *hd_alert_get_ticket_title  (HdAlert *self);
gint64       hd_alert_get_deadline      (HdAlert *self);
const char  *hd_alert_get_actor         (HdAlert *self);
const char  *hd_alert_get_actor_name    (HdAlert *self);
gint64       hd_alert_get_created_at    (HdAlert *self);
gint64       hd_alert_get_delivered_at  (HdAlert *self);

char        *hd_alert_dup_summary       (HdAlert *self);
const char  *hd_alert_kind_to_label     (HdAlertKind kind);

G_END_DECLS
