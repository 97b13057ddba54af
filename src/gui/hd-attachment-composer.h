/* hd-attachment-composer.h — files waiting to go with a reply
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_ATTACHMENT_COMPOSER (hd_attachment_composer_get_type ())
G_DECLARE_FINAL_TYPE (HdAttachmentComposer, hd_attachment_composer, HD, ATTACHMENT_COMPOSER,
                      GtkWidget)

void       hd_attachment_composer_set_store    (HdAttachmentComposer *self,
                                                HdStore              *store);
void       hd_attachment_composer_add_files    (HdAttachmentComposer *self,
                                                GPtrArray            *files);
void       hd_attachment_composer_add_texture  (HdAttachmentComposer *self,
                                                GdkTexture           *texture);
void       hd_attachment_composer_watch        (HdAttachmentComposer *self,
                                                GtkTextView          *view);
guint      hd_attachment_composer_get_n        (HdAttachmentComposer *self);
GPtrArray *hd_attachment_composer_dup_inputs   (HdAttachmentComposer *self);
void       hd_attachment_composer_clear        (HdAttachmentComposer *self);

G_END_DECLS
