/* hd-tag-picker.h — the knowledge base's tags, to search and pick one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_TAG_PICKER (hd_tag_picker_get_type ())

G_DECLARE_FINAL_TYPE (HdTagPicker, hd_tag_picker, HD, TAG_PICKER, GtkPopover)

GtkWidget  *hd_tag_picker_new          (void);
void        hd_tag_picker_set_store    (HdTagPicker *self,
                                        HdStore     *store);
void        hd_tag_picker_invalidate   (HdTagPicker *self);
GListModel *hd_tag_picker_get_shown    (HdTagPicker *self);
gboolean    hd_tag_picker_is_loading   (HdTagPicker *self);

G_END_DECLS
