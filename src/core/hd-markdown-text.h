/* hd-markdown-text.h — an article's Markdown as plain text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <md4c.h>

G_BEGIN_DECLS

/* A list being rendered: whether it is numbered, and the next number. */
typedef struct {
  gboolean ordered;
  unsigned next;
} HdMarkdownList;

char       *hd_markdown_list_mark      (HdMarkdownList            *list,
                                        const MD_BLOCK_LI_DETAIL  *item);

char       *hd_markdown_to_text        (const char *markdown);
char       *hd_markdown_clean_snippet  (const char *snippet);
const char *hd_markdown_entity_text    (const char *entity,
                                        gsize       size,
                                        char        buffer[8]);

G_END_DECLS
