/* hd-article-view.h — one knowledge-base article, rendered, with its links and history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-drafts.h"
#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_ARTICLE_VIEW (hd_article_view_get_type ())

G_DECLARE_FINAL_TYPE (HdArticleView, hd_article_view, HD, ARTICLE_VIEW, GtkWidget)

GtkWidget *hd_article_view_new         (void);
void       hd_article_view_set_store   (HdArticleView *self,
                                        HdStore       *store,
                                        HdPerson      *me);
void       hd_article_view_set_drafts  (HdArticleView *self,
                                        HdDrafts      *drafts);
void       hd_article_view_show        (HdArticleView *self,
                                        gint64         id);
void       hd_article_view_reload      (HdArticleView *self);
gint64     hd_article_view_get_id      (HdArticleView *self);
HdArticle *hd_article_view_get_article (HdArticleView *self);

G_END_DECLS
