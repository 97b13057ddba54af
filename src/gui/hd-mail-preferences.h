/* hd-mail-preferences.h — Preferences → Email: the helpdesk's mailbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_MAIL_PREFERENCES (hd_mail_preferences_get_type ())

G_DECLARE_FINAL_TYPE (HdMailPreferences, hd_mail_preferences, HD, MAIL_PREFERENCES,
                      AdwPreferencesPage)

GtkWidget *hd_mail_preferences_new (HdStore *store);

G_END_DECLS
