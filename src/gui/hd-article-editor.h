/* hd-article-editor.h — writing a knowledge-base article, with a live preview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-drafts.h"
#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_ARTICLE_EDITOR (hd_article_editor_get_type ())

G_DECLARE_FINAL_TYPE (HdArticleEditor, hd_article_editor, HD, ARTICLE_EDITOR, AdwWindow)

GtkWidget *hd_article_editor_new          (GtkWindow            *parent,
                                           HdStore              *store,
                                           HdArticle            *article,
                                           const HdArticleDraft *prefill,
                                           HdDrafts             *drafts);
gboolean   hd_article_editor_has_changes  (HdArticleEditor      *self);

G_END_DECLS
