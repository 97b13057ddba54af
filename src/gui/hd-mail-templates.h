/* hd-mail-templates.h — Preferences → Templates: what Helpdesk mails on
 * its own, each template opened in its editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_MAIL_TEMPLATES (hd_mail_templates_get_type ())

G_DECLARE_FINAL_TYPE (HdMailTemplates, hd_mail_templates, HD, MAIL_TEMPLATES, AdwPreferencesPage)

GtkWidget *hd_mail_templates_new     (HdStore         *store);
gboolean   hd_mail_templates_is_idle (HdMailTemplates *self);

G_END_DECLS
