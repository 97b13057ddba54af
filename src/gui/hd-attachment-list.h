/* hd-attachment-list.h — the files under one message, to open or save
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_ATTACHMENT_LIST (hd_attachment_list_get_type ())
G_DECLARE_FINAL_TYPE (HdAttachmentList, hd_attachment_list, HD, ATTACHMENT_LIST, GtkWidget)

GtkWidget *hd_attachment_list_new      (HdStore          *store,
                                        GPtrArray        *attachments);
guint      hd_attachment_list_get_n    (HdAttachmentList *self);
void       hd_attachment_list_save_to  (HdAttachmentList *self,
                                        guint             index,
                                        GFile            *dest);
void       hd_attachment_list_open     (HdAttachmentList *self,
                                        guint             index);

/* The private copy Open writes for attachment @id; for tests. */
char      *hd_attachment_list_open_path (gint64           id,
                                         const char      *name);

G_END_DECLS
