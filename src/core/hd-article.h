/* hd-article.h — knowledge-base articles, categories, history and hits
 *
 * Every type here is an immutable snapshot of what the file held when it
 * was read, like HdTicket: changes go through HdStore (the "Knowledge
 * base" section of hd-store.h), which returns new snapshots.
 *
 * Highlighted text (HdArticleHit) marks each match with
 * HD_MARK_START ("\001") before and HD_MARK_END ("\002") after it. These
 * control characters never occur in text the store accepts, so they are
 * unambiguous. To show such text, escape it FIRST and turn the markers
 * into tags AFTER: hd_marked_text_to_markup() does exactly that for Pango
 * markup; hd_marked_text_strip() drops the markers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hd-enums.h"

G_BEGIN_DECLS

#define HD_MARK_START "\001"
#define HD_MARK_END   "\002"
#define HD_MARK_START_CHAR '\001'
#define HD_MARK_END_CHAR   '\002'

char *hd_marked_text_to_markup (const char *marked,
                                const char *open_tag,
                                const char *close_tag);
char *hd_marked_text_strip     (const char *marked);

/* HdArticle */

#define HD_TYPE_ARTICLE (hd_article_get_type ())

G_DECLARE_FINAL_TYPE (HdArticle, hd_article, HD, ARTICLE, GObject)

gint64               hd_article_get_id            (HdArticle *self);
const char          *hd_article_get_title         (HdArticle *self);
/* Markdown, exactly as written. */
const char          *hd_article_get_body          (HdArticle *self);
/* 0 and NULL: the article has no category. The path joins the names from
 * the root with "/", e.g. "Hardware/Printers". */
gint64               hd_article_get_category_id   (HdArticle *self);
const char          *hd_article_get_category_path (HdArticle *self);
/* Never NULL; sorted, lower case, without duplicates. */
const char * const  *hd_article_get_tags          (HdArticle *self);
HdVisibility         hd_article_get_visibility    (HdArticle *self);
const char          *hd_article_get_author        (HdArticle *self);
const char          *hd_article_get_author_name   (HdArticle *self);
gint64               hd_article_get_created_at    (HdArticle *self);
gint64               hd_article_get_updated_at    (HdArticle *self);
gint64               hd_article_get_version       (HdArticle *self);
/* 0 unless archived: archived articles stay linked and keep their history
 * but leave lists, search and suggestions. */
gint64               hd_article_get_archived_at   (HdArticle *self);

/* HdKbCategory: one node of the category tree. */

#define HD_TYPE_KB_CATEGORY (hd_kb_category_get_type ())

G_DECLARE_FINAL_TYPE (HdKbCategory, hd_kb_category, HD, KB_CATEGORY, GObject)

gint64      hd_kb_category_get_id         (HdKbCategory *self);
gint64      hd_kb_category_get_parent_id  (HdKbCategory *self);  /* 0: top level */
const char *hd_kb_category_get_name       (HdKbCategory *self);
const char *hd_kb_category_get_path       (HdKbCategory *self);  /* "Hardware/Printers" */
guint       hd_kb_category_get_depth      (HdKbCategory *self);  /* 0: top level */
/* Articles in this category alone (not its descendants) that the acting
 * person may see, archived ones left out. */
guint       hd_kb_category_get_n_articles (HdKbCategory *self);

/* HdArticleRevision: one row of an article's history, oldest first. */

#define HD_TYPE_ARTICLE_REVISION (hd_article_revision_get_type ())

G_DECLARE_FINAL_TYPE (HdArticleRevision, hd_article_revision, HD, ARTICLE_REVISION, GObject)

gint64               hd_article_revision_get_id          (HdArticleRevision *self);
gint64               hd_article_revision_get_article     (HdArticleRevision *self);
HdArticleEventKind   hd_article_revision_get_kind        (HdArticleRevision *self);
const char          *hd_article_revision_get_actor       (HdArticleRevision *self);
const char          *hd_article_revision_get_actor_name  (HdArticleRevision *self);
gint64               hd_article_revision_get_at          (HdArticleRevision *self);
/* The version the change produced. */
gint64               hd_article_revision_get_version     (HdArticleRevision *self);
/* What changed: some of "title", "body", "category", "visibility",
 * "tags", "archived"; empty for "created". Never NULL. */
const char * const  *hd_article_revision_get_fields      (HdArticleRevision *self);
/* The title and body before the change, NULL when the change kept them. */
const char          *hd_article_revision_get_old_title   (HdArticleRevision *self);
const char          *hd_article_revision_get_old_body    (HdArticleRevision *self);
/* The title and body after the change (the whole text of that version). */
const char          *hd_article_revision_get_title       (HdArticleRevision *self);
const char          *hd_article_revision_get_body        (HdArticleRevision *self);

/* HdArticleHit: one search result or suggestion, best first. */

#define HD_TYPE_ARTICLE_HIT (hd_article_hit_get_type ())

G_DECLARE_FINAL_TYPE (HdArticleHit, hd_article_hit, HD, ARTICLE_HIT, GObject)

HdArticle  *hd_article_hit_get_article       (HdArticleHit *self);
/* The title with the matches between HD_MARK_START and HD_MARK_END. */
const char *hd_article_hit_get_marked_title  (HdArticleHit *self);
/* A short extract of the body (about 24 words, "…" where cut) around the
 * matches, marked the same way, on one line and without Markdown's syntax
 * (hd_markdown_clean_snippet()); the title's extract when only the title
 * or tags matched. Show it as plain text. */
const char *hd_article_hit_get_marked_snippet (HdArticleHit *self);
/* Higher is better; only meaningful within one result. */
double      hd_article_hit_get_score         (HdArticleHit *self);

G_END_DECLS
