/* hd-alert-mail-group.h — how one person hears of alerts: desktop, email
 * or both, and the quiet hours of their alert mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_ALERT_MAIL_GROUP (hd_alert_mail_group_get_type ())

G_DECLARE_FINAL_TYPE (HdAlertMailGroup, hd_alert_mail_group, HD, ALERT_MAIL_GROUP,
                      AdwPreferencesGroup)

GtkWidget  *hd_alert_mail_group_new       (HdStore          *store);
void        hd_alert_mail_group_set_login (HdAlertMailGroup *self,
                                           const char       *login);
const char *hd_alert_mail_group_get_login (HdAlertMailGroup *self);
gboolean    hd_alert_mail_group_is_idle   (HdAlertMailGroup *self);

G_END_DECLS
