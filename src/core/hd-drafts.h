/* hd-drafts.h — what a person typed and has not saved yet, kept locally
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The new-ticket form's draft; tickets use their number. */
#define HD_DRAFT_NEW_TICKET 0

/* A new article's draft; articles use their id. */
#define HD_DRAFT_NEW_ARTICLE 0

/**
 * HdDraft:
 * @base_version: the ticket's version when the person began editing its
 *   fields, so that saving the draft later is a conflict if someone else
 *   changed the ticket meanwhile; 0 when no field is edited
 * @title: (nullable): the edited title; %NULL when not edited
 * @description: (nullable): likewise
 * @category: (nullable): likewise
 * @department: (nullable): likewise
 * @location: (nullable): likewise
 * @requester: (nullable): the new-ticket form's requester login
 * @priority: the new-ticket form's priority, or -1
 * @reply: (nullable): the reply or note being written
 * @internal: whether @reply is an internal note
 * @saved_at: when the draft was written, in µs since the epoch
 */
typedef struct {
  gint64    base_version;
  char     *title;
  char     *description;
  char     *category;
  char     *department;
  char     *location;
  char     *requester;
  int       priority;
  char     *reply;
  gboolean  internal;
  gint64    saved_at;
} HdDraft;

/**
 * HdKbDraft:
 * @base_version: the article's version when the person began editing it,
 *   so that saving the draft later is a conflict if someone else saved the
 *   article meanwhile; 0 for a new article
 * @title: (nullable): the form's title, as typed
 * @body: (nullable): the Markdown text
 * @category: (nullable): the category path, as typed
 * @tags: (nullable): the tags, as typed ("printer, Paper jam")
 * @visibility: an #HdVisibility, or -1
 * @saved_at: when the draft was written, in µs since the epoch
 *
 * The knowledge-base editor's whole form, unlike #HdDraft's edited fields:
 * an article is saved in one piece.
 */
typedef struct {
  gint64    base_version;
  char     *title;
  char     *body;
  char     *category;
  char     *tags;
  int       visibility;
  gint64    saved_at;
} HdKbDraft;

#define HD_TYPE_DRAFTS (hd_drafts_get_type ())

G_DECLARE_FINAL_TYPE (HdDrafts, hd_drafts, HD, DRAFTS, GObject)

HdDraft    *hd_draft_new          (void);
HdDraft    *hd_draft_copy         (const HdDraft *draft);
void        hd_draft_free         (HdDraft       *draft);
gboolean    hd_draft_is_empty     (const HdDraft *draft);

HdKbDraft  *hd_kb_draft_new       (void);
HdKbDraft  *hd_kb_draft_copy      (const HdKbDraft *draft);
void        hd_kb_draft_free      (HdKbDraft     *draft);
gboolean    hd_kb_draft_is_empty  (const HdKbDraft *draft);

HdDrafts   *hd_drafts_new         (const char    *db_path,
                                   const char    *login);
const char *hd_drafts_get_path    (HdDrafts      *self);
HdDraft    *hd_drafts_get         (HdDrafts      *self,
                                   gint64         number);
gboolean    hd_drafts_set         (HdDrafts      *self,
                                   gint64         number,
                                   const HdDraft *draft,
                                   GError       **error);
gboolean    hd_drafts_remove      (HdDrafts      *self,
                                   gint64         number,
                                   GError       **error);
GArray     *hd_drafts_list        (HdDrafts      *self);

HdKbDraft  *hd_drafts_get_article    (HdDrafts        *self,
                                      gint64           id,
                                      gint64           ticket);
gboolean    hd_drafts_set_article    (HdDrafts        *self,
                                      gint64           id,
                                      gint64           ticket,
                                      const HdKbDraft *draft,
                                      GError         **error);
gboolean    hd_drafts_remove_article (HdDrafts        *self,
                                      gint64           id,
                                      gint64           ticket,
                                      GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdDraft, hd_draft_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdKbDraft, hd_kb_draft_free)

G_END_DECLS
