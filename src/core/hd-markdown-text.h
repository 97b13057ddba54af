/* hd-markdown-text.h — an article's Markdown as plain text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char       *hd_markdown_to_text        (const char *markdown);
char       *hd_markdown_clean_snippet  (const char *snippet);
const char *hd_markdown_entity_text    (const char *entity,
                                        gsize       size,
                                        char        buffer[8]);

G_END_DECLS
