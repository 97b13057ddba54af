/* hd-list-diff.h — the few edits that turn one list of numbers into another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One run of edits: @removed numbers at @old_position of the old list are
 * replaced by @added numbers at @new_position of the new one. */
typedef void (*HdListDiffFunc) (guint    old_position,
                                guint    removed,
                                guint    new_position,
                                guint    added,
                                gpointer user_data);

guint hd_list_diff (const guint32  *old_list,
                    guint           n_old,
                    const guint32  *new_list,
                    guint           n_new,
                    guint           max_edits,
                    HdListDiffFunc  func,
                    gpointer        user_data);

G_END_DECLS
