/* hd-markdown-view.h — Markdown shown as formatted text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HD_TYPE_MARKDOWN_VIEW (hd_markdown_view_get_type ())

G_DECLARE_FINAL_TYPE (HdMarkdownView, hd_markdown_view, HD, MARKDOWN_VIEW, GtkTextView)

GtkWidget  *hd_markdown_view_new          (void);
void        hd_markdown_view_set_markdown (HdMarkdownView *self,
                                           const char     *markdown);

void        hd_markdown_render            (GtkTextBuffer  *buffer,
                                           const char     *markdown);
const char *hd_markdown_link_at           (GtkTextIter    *iter);

G_END_DECLS
