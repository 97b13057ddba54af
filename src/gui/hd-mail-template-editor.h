/* hd-mail-template-editor.h — one mail template: its text, a preview
 * for a ticket, its placeholders, Reset to Default
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_MAIL_TEMPLATE_EDITOR (hd_mail_template_editor_get_type ())

G_DECLARE_FINAL_TYPE (HdMailTemplateEditor, hd_mail_template_editor, HD, MAIL_TEMPLATE_EDITOR,
                      GtkBox)

GtkWidget *hd_mail_template_editor_new     (HdStore              *store,
                                            const char           *name,
                                            gboolean              editable);
gboolean   hd_mail_template_editor_is_idle (HdMailTemplateEditor *self);

G_END_DECLS
