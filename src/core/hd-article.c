/* hd-article.c — snapshots of the knowledge base
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-article.h"
#include "hd-enum-types.h"
#include "hd-store-private.h"

/**
 * hd_marked_text_to_markup:
 * @marked: text with HD_MARK_START/HD_MARK_END around matches
 * @open_tag: (nullable): what a match starts with, e.g. "<b>"; NULL: "<b>"
 * @close_tag: (nullable): what it ends with; NULL: "</b>"
 *
 * Escapes @marked for Pango markup and only then turns the markers into
 * the tags, so text a person typed can never become markup.
 *
 * Returns: (transfer full): markup
 */
char *
hd_marked_text_to_markup (const char *marked,
                          const char *open_tag,
                          const char *close_tag)
{
  GString *markup = g_string_new (NULL);
  const char *p = marked != NULL ? marked : "";
  gboolean open = FALSE;

  open_tag = open_tag != NULL ? open_tag : "<b>";
  close_tag = close_tag != NULL ? close_tag : "</b>";

  while (*p != '\0')
    {
      const char *end = p + strcspn (p, HD_MARK_START HD_MARK_END);

      if (end > p)
        {
          g_autofree char *escaped = g_markup_escape_text (p, end - p);

          g_string_append (markup, escaped);
        }
      if (*end == HD_MARK_START_CHAR && !open)
        {
          g_string_append (markup, open_tag);
          open = TRUE;
        }
      else if (*end == HD_MARK_END_CHAR && open)
        {
          g_string_append (markup, close_tag);
          open = FALSE;
        }
      p = *end != '\0' ? end + 1 : end;
    }
  if (open)
    g_string_append (markup, close_tag);

  return g_string_free (markup, FALSE);
}

/**
 * hd_marked_text_strip:
 *
 * Returns: (transfer full): @marked without the markers
 */
char *
hd_marked_text_strip (const char *marked)
{
  GString *text = g_string_new (NULL);

  for (const char *p = marked != NULL ? marked : ""; *p != '\0'; p++)
    if (*p != HD_MARK_START_CHAR && *p != HD_MARK_END_CHAR)
      g_string_append_c (text, *p);

  return g_string_free (text, FALSE);
}

/* HdArticle */

struct _HdArticle
{
  GObject parent_instance;

  gint64              id;
  char               *title;
  char               *body;
  gint64              category_id;
  char               *category_path;
  GStrv               tags;
  HdVisibility        visibility;
  char               *author;
  char               *author_name;
  gint64              created_at;
  gint64              updated_at;
  gint64              version;
  gint64              archived_at;
};

G_DEFINE_FINAL_TYPE (HdArticle, hd_article, G_TYPE_OBJECT)

enum {
  ARTICLE_PROP_0,
  ARTICLE_PROP_ID,
  ARTICLE_PROP_TITLE,
  ARTICLE_PROP_BODY,
  ARTICLE_PROP_CATEGORY_ID,
  ARTICLE_PROP_CATEGORY_PATH,
  ARTICLE_PROP_TAGS,
  ARTICLE_PROP_VISIBILITY,
  ARTICLE_PROP_AUTHOR,
  ARTICLE_PROP_AUTHOR_NAME,
  ARTICLE_PROP_CREATED_AT,
  ARTICLE_PROP_UPDATED_AT,
  ARTICLE_PROP_VERSION,
  ARTICLE_PROP_ARCHIVED_AT,
  ARTICLE_N_PROPS
};

static GParamSpec *article_props[ARTICLE_N_PROPS];

static void
hd_article_finalize (GObject *object)
{
  HdArticle *self = (HdArticle *) object;

  g_free (self->title);
  g_free (self->body);
  g_free (self->category_path);
  g_strfreev (self->tags);
  g_free (self->author);
  g_free (self->author_name);

  G_OBJECT_CLASS (hd_article_parent_class)->finalize (object);
}

static void
hd_article_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HdArticle *self = HD_ARTICLE (object);

  switch (prop_id)
    {
    case ARTICLE_PROP_ID: g_value_set_int64 (value, self->id); break;
    case ARTICLE_PROP_TITLE: g_value_set_string (value, self->title); break;
    case ARTICLE_PROP_BODY: g_value_set_string (value, self->body); break;
    case ARTICLE_PROP_CATEGORY_ID: g_value_set_int64 (value, self->category_id); break;
    case ARTICLE_PROP_CATEGORY_PATH: g_value_set_string (value, self->category_path); break;
    case ARTICLE_PROP_TAGS: g_value_set_boxed (value, self->tags); break;
    case ARTICLE_PROP_VISIBILITY: g_value_set_enum (value, self->visibility); break;
    case ARTICLE_PROP_AUTHOR: g_value_set_string (value, self->author); break;
    case ARTICLE_PROP_AUTHOR_NAME: g_value_set_string (value, self->author_name); break;
    case ARTICLE_PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case ARTICLE_PROP_UPDATED_AT: g_value_set_int64 (value, self->updated_at); break;
    case ARTICLE_PROP_VERSION: g_value_set_int64 (value, self->version); break;
    case ARTICLE_PROP_ARCHIVED_AT: g_value_set_int64 (value, self->archived_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_article_class_init (HdArticleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hd_article_finalize;
  object_class->get_property = hd_article_get_property;

  article_props[ARTICLE_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_props[ARTICLE_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, flags);
  article_props[ARTICLE_PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL, flags);
  article_props[ARTICLE_PROP_CATEGORY_ID] =
    g_param_spec_int64 ("category-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_props[ARTICLE_PROP_CATEGORY_PATH] =
    g_param_spec_string ("category-path", NULL, NULL, NULL, flags);
  article_props[ARTICLE_PROP_TAGS] =
    g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, flags);
  article_props[ARTICLE_PROP_VISIBILITY] =
    g_param_spec_enum ("visibility", NULL, NULL, HD_TYPE_VISIBILITY, HD_VISIBILITY_INTERNAL, flags);
  article_props[ARTICLE_PROP_AUTHOR] =
    g_param_spec_string ("author", NULL, NULL, NULL, flags);
  article_props[ARTICLE_PROP_AUTHOR_NAME] =
    g_param_spec_string ("author-name", NULL, NULL, NULL, flags);
  article_props[ARTICLE_PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_props[ARTICLE_PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_props[ARTICLE_PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_props[ARTICLE_PROP_ARCHIVED_AT] =
    g_param_spec_int64 ("archived-at", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, ARTICLE_N_PROPS, article_props);
}

static void
hd_article_init (HdArticle *self)
{
}

gint64
hd_article_get_id (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), 0);
  return self->id;
}

const char *
hd_article_get_title (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), NULL);
  return self->title;
}

const char *
hd_article_get_body (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), NULL);
  return self->body;
}

gint64
hd_article_get_category_id (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), 0);
  return self->category_id;
}

const char *
hd_article_get_category_path (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), NULL);
  return self->category_path;
}

const char * const *
hd_article_get_tags (HdArticle *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (HD_IS_ARTICLE (self), empty);
  return self->tags != NULL ? (const char * const *) self->tags : empty;
}

HdVisibility
hd_article_get_visibility (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), HD_VISIBILITY_INTERNAL);
  return self->visibility;
}

const char *
hd_article_get_author (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), NULL);
  return self->author;
}

const char *
hd_article_get_author_name (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), NULL);
  return self->author_name;
}

gint64
hd_article_get_created_at (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), 0);
  return self->created_at;
}

gint64
hd_article_get_updated_at (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), 0);
  return self->updated_at;
}

gint64
hd_article_get_version (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), 0);
  return self->version;
}

gint64
hd_article_get_archived_at (HdArticle *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE (self), 0);
  return self->archived_at;
}

/* HdKbCategory */

struct _HdKbCategory
{
  GObject parent_instance;

  gint64              id;
  gint64              parent_id;
  char               *name;
  char               *path;
  guint               depth;
  guint               n_articles;
};

G_DEFINE_FINAL_TYPE (HdKbCategory, hd_kb_category, G_TYPE_OBJECT)

enum {
  KB_CATEGORY_PROP_0,
  KB_CATEGORY_PROP_ID,
  KB_CATEGORY_PROP_PARENT_ID,
  KB_CATEGORY_PROP_NAME,
  KB_CATEGORY_PROP_PATH,
  KB_CATEGORY_PROP_DEPTH,
  KB_CATEGORY_PROP_N_ARTICLES,
  KB_CATEGORY_N_PROPS
};

static GParamSpec *kb_category_props[KB_CATEGORY_N_PROPS];

static void
hd_kb_category_finalize (GObject *object)
{
  HdKbCategory *self = (HdKbCategory *) object;

  g_free (self->name);
  g_free (self->path);

  G_OBJECT_CLASS (hd_kb_category_parent_class)->finalize (object);
}

static void
hd_kb_category_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HdKbCategory *self = HD_KB_CATEGORY (object);

  switch (prop_id)
    {
    case KB_CATEGORY_PROP_ID: g_value_set_int64 (value, self->id); break;
    case KB_CATEGORY_PROP_PARENT_ID: g_value_set_int64 (value, self->parent_id); break;
    case KB_CATEGORY_PROP_NAME: g_value_set_string (value, self->name); break;
    case KB_CATEGORY_PROP_PATH: g_value_set_string (value, self->path); break;
    case KB_CATEGORY_PROP_DEPTH: g_value_set_uint (value, self->depth); break;
    case KB_CATEGORY_PROP_N_ARTICLES: g_value_set_uint (value, self->n_articles); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_kb_category_class_init (HdKbCategoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hd_kb_category_finalize;
  object_class->get_property = hd_kb_category_get_property;

  kb_category_props[KB_CATEGORY_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  kb_category_props[KB_CATEGORY_PROP_PARENT_ID] =
    g_param_spec_int64 ("parent-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  kb_category_props[KB_CATEGORY_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  kb_category_props[KB_CATEGORY_PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, flags);
  kb_category_props[KB_CATEGORY_PROP_DEPTH] =
    g_param_spec_uint ("depth", NULL, NULL, 0, G_MAXUINT, 0, flags);
  kb_category_props[KB_CATEGORY_PROP_N_ARTICLES] =
    g_param_spec_uint ("n-articles", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, KB_CATEGORY_N_PROPS, kb_category_props);
}

static void
hd_kb_category_init (HdKbCategory *self)
{
}

gint64
hd_kb_category_get_id (HdKbCategory *self)
{
  g_return_val_if_fail (HD_IS_KB_CATEGORY (self), 0);
  return self->id;
}

gint64
hd_kb_category_get_parent_id (HdKbCategory *self)
{
  g_return_val_if_fail (HD_IS_KB_CATEGORY (self), 0);
  return self->parent_id;
}

const char *
hd_kb_category_get_name (HdKbCategory *self)
{
  g_return_val_if_fail (HD_IS_KB_CATEGORY (self), NULL);
  return self->name;
}

const char *
hd_kb_category_get_path (HdKbCategory *self)
{
  g_return_val_if_fail (HD_IS_KB_CATEGORY (self), NULL);
  return self->path;
}

guint
hd_kb_category_get_depth (HdKbCategory *self)
{
  g_return_val_if_fail (HD_IS_KB_CATEGORY (self), 0);
  return self->depth;
}

guint
hd_kb_category_get_n_articles (HdKbCategory *self)
{
  g_return_val_if_fail (HD_IS_KB_CATEGORY (self), 0);
  return self->n_articles;
}

/* HdArticleRevision */

struct _HdArticleRevision
{
  GObject parent_instance;

  gint64              id;
  gint64              article;
  HdArticleEventKind  kind;
  char               *actor;
  char               *actor_name;
  gint64              at;
  gint64              version;
  GStrv               fields;
  char               *old_title;
  char               *old_body;
  char               *title;
  char               *body;
};

G_DEFINE_FINAL_TYPE (HdArticleRevision, hd_article_revision, G_TYPE_OBJECT)

enum {
  ARTICLE_REVISION_PROP_0,
  ARTICLE_REVISION_PROP_ID,
  ARTICLE_REVISION_PROP_ARTICLE,
  ARTICLE_REVISION_PROP_KIND,
  ARTICLE_REVISION_PROP_ACTOR,
  ARTICLE_REVISION_PROP_ACTOR_NAME,
  ARTICLE_REVISION_PROP_AT,
  ARTICLE_REVISION_PROP_VERSION,
  ARTICLE_REVISION_PROP_FIELDS,
  ARTICLE_REVISION_PROP_OLD_TITLE,
  ARTICLE_REVISION_PROP_OLD_BODY,
  ARTICLE_REVISION_PROP_TITLE,
  ARTICLE_REVISION_PROP_BODY,
  ARTICLE_REVISION_N_PROPS
};

static GParamSpec *article_revision_props[ARTICLE_REVISION_N_PROPS];

static void
hd_article_revision_finalize (GObject *object)
{
  HdArticleRevision *self = (HdArticleRevision *) object;

  g_free (self->actor);
  g_free (self->actor_name);
  g_strfreev (self->fields);
  g_free (self->old_title);
  g_free (self->old_body);
  g_free (self->title);
  g_free (self->body);

  G_OBJECT_CLASS (hd_article_revision_parent_class)->finalize (object);
}

static void
hd_article_revision_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HdArticleRevision *self = HD_ARTICLE_REVISION (object);

  switch (prop_id)
    {
    case ARTICLE_REVISION_PROP_ID: g_value_set_int64 (value, self->id); break;
    case ARTICLE_REVISION_PROP_ARTICLE: g_value_set_int64 (value, self->article); break;
    case ARTICLE_REVISION_PROP_KIND: g_value_set_enum (value, self->kind); break;
    case ARTICLE_REVISION_PROP_ACTOR: g_value_set_string (value, self->actor); break;
    case ARTICLE_REVISION_PROP_ACTOR_NAME: g_value_set_string (value, self->actor_name); break;
    case ARTICLE_REVISION_PROP_AT: g_value_set_int64 (value, self->at); break;
    case ARTICLE_REVISION_PROP_VERSION: g_value_set_int64 (value, self->version); break;
    case ARTICLE_REVISION_PROP_FIELDS: g_value_set_boxed (value, self->fields); break;
    case ARTICLE_REVISION_PROP_OLD_TITLE: g_value_set_string (value, self->old_title); break;
    case ARTICLE_REVISION_PROP_OLD_BODY: g_value_set_string (value, self->old_body); break;
    case ARTICLE_REVISION_PROP_TITLE: g_value_set_string (value, self->title); break;
    case ARTICLE_REVISION_PROP_BODY: g_value_set_string (value, self->body); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_article_revision_class_init (HdArticleRevisionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hd_article_revision_finalize;
  object_class->get_property = hd_article_revision_get_property;

  article_revision_props[ARTICLE_REVISION_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_revision_props[ARTICLE_REVISION_PROP_ARTICLE] =
    g_param_spec_int64 ("article", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_revision_props[ARTICLE_REVISION_PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, HD_TYPE_ARTICLE_EVENT_KIND, HD_ARTICLE_EVENT_CREATED, flags);
  article_revision_props[ARTICLE_REVISION_PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, NULL, flags);
  article_revision_props[ARTICLE_REVISION_PROP_ACTOR_NAME] =
    g_param_spec_string ("actor-name", NULL, NULL, NULL, flags);
  article_revision_props[ARTICLE_REVISION_PROP_AT] =
    g_param_spec_int64 ("at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_revision_props[ARTICLE_REVISION_PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  article_revision_props[ARTICLE_REVISION_PROP_FIELDS] =
    g_param_spec_boxed ("fields", NULL, NULL, G_TYPE_STRV, flags);
  article_revision_props[ARTICLE_REVISION_PROP_OLD_TITLE] =
    g_param_spec_string ("old-title", NULL, NULL, NULL, flags);
  article_revision_props[ARTICLE_REVISION_PROP_OLD_BODY] =
    g_param_spec_string ("old-body", NULL, NULL, NULL, flags);
  article_revision_props[ARTICLE_REVISION_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, flags);
  article_revision_props[ARTICLE_REVISION_PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, ARTICLE_REVISION_N_PROPS, article_revision_props);
}

static void
hd_article_revision_init (HdArticleRevision *self)
{
}

gint64
hd_article_revision_get_id (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), 0);
  return self->id;
}

gint64
hd_article_revision_get_article (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), 0);
  return self->article;
}

HdArticleEventKind
hd_article_revision_get_kind (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), HD_ARTICLE_EVENT_CREATED);
  return self->kind;
}

const char *
hd_article_revision_get_actor (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), NULL);
  return self->actor;
}

const char *
hd_article_revision_get_actor_name (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), NULL);
  return self->actor_name;
}

gint64
hd_article_revision_get_at (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), 0);
  return self->at;
}

gint64
hd_article_revision_get_version (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), 0);
  return self->version;
}

const char * const *
hd_article_revision_get_fields (HdArticleRevision *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), empty);
  return self->fields != NULL ? (const char * const *) self->fields : empty;
}

const char *
hd_article_revision_get_old_title (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), NULL);
  return self->old_title;
}

const char *
hd_article_revision_get_old_body (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), NULL);
  return self->old_body;
}

const char *
hd_article_revision_get_title (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), NULL);
  return self->title;
}

const char *
hd_article_revision_get_body (HdArticleRevision *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_REVISION (self), NULL);
  return self->body;
}

/* HdArticleHit */

struct _HdArticleHit
{
  GObject parent_instance;

  HdArticle          *article;
  char               *marked_title;
  char               *marked_snippet;
  double              score;
};

G_DEFINE_FINAL_TYPE (HdArticleHit, hd_article_hit, G_TYPE_OBJECT)

enum {
  ARTICLE_HIT_PROP_0,
  ARTICLE_HIT_PROP_ARTICLE,
  ARTICLE_HIT_PROP_MARKED_TITLE,
  ARTICLE_HIT_PROP_MARKED_SNIPPET,
  ARTICLE_HIT_PROP_SCORE,
  ARTICLE_HIT_N_PROPS
};

static GParamSpec *article_hit_props[ARTICLE_HIT_N_PROPS];

static void
hd_article_hit_finalize (GObject *object)
{
  HdArticleHit *self = (HdArticleHit *) object;

  g_clear_object (&self->article);
  g_free (self->marked_title);
  g_free (self->marked_snippet);

  G_OBJECT_CLASS (hd_article_hit_parent_class)->finalize (object);
}

static void
hd_article_hit_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HdArticleHit *self = HD_ARTICLE_HIT (object);

  switch (prop_id)
    {
    case ARTICLE_HIT_PROP_ARTICLE: g_value_set_object (value, self->article); break;
    case ARTICLE_HIT_PROP_MARKED_TITLE: g_value_set_string (value, self->marked_title); break;
    case ARTICLE_HIT_PROP_MARKED_SNIPPET: g_value_set_string (value, self->marked_snippet); break;
    case ARTICLE_HIT_PROP_SCORE: g_value_set_double (value, self->score); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_article_hit_class_init (HdArticleHitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hd_article_hit_finalize;
  object_class->get_property = hd_article_hit_get_property;

  article_hit_props[ARTICLE_HIT_PROP_ARTICLE] =
    g_param_spec_object ("article", NULL, NULL, HD_TYPE_ARTICLE, flags);
  article_hit_props[ARTICLE_HIT_PROP_MARKED_TITLE] =
    g_param_spec_string ("marked-title", NULL, NULL, NULL, flags);
  article_hit_props[ARTICLE_HIT_PROP_MARKED_SNIPPET] =
    g_param_spec_string ("marked-snippet", NULL, NULL, NULL, flags);
  article_hit_props[ARTICLE_HIT_PROP_SCORE] =
    g_param_spec_double ("score", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);

  g_object_class_install_properties (object_class, ARTICLE_HIT_N_PROPS, article_hit_props);
}

static void
hd_article_hit_init (HdArticleHit *self)
{
}

HdArticle *
hd_article_hit_get_article (HdArticleHit *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_HIT (self), NULL);
  return self->article;
}

const char *
hd_article_hit_get_marked_title (HdArticleHit *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_HIT (self), NULL);
  return self->marked_title;
}

const char *
hd_article_hit_get_marked_snippet (HdArticleHit *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_HIT (self), NULL);
  return self->marked_snippet;
}

double
hd_article_hit_get_score (HdArticleHit *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_HIT (self), 0.0);
  return self->score;
}

/* Constructors for the store (hd-store-private.h) */

static GStrv
split_lines (const char *text)
{
  if (text == NULL || text[0] == '\0')
    return g_new0 (char *, 1);

  return g_strsplit (text, "\n", -1);
}

/* Builds an article from a row selected with HD_ARTICLE_COLUMNS; @paths
 * maps category ids (as gint64 pointers) to their paths. */
HdArticle *
hd_article_new_from_row (sqlite3_stmt *stmt,
                         GHashTable   *paths)
{
  HdArticle *self = g_object_new (HD_TYPE_ARTICLE, NULL);
  int visibility = HD_VISIBILITY_INTERNAL;

  self->id = sqlite3_column_int64 (stmt, 0);
  self->title = g_strdup (hd_column_text (stmt, 1));
  self->body = g_strdup (hd_column_text (stmt, 2));
  self->category_id = sqlite3_column_int64 (stmt, 3);
  if (self->category_id != 0 && paths != NULL)
    self->category_path = g_strdup (g_hash_table_lookup (paths, &self->category_id));
  self->tags = split_lines (hd_column_text (stmt, 4));
  hd_enum_from_nick (HD_TYPE_VISIBILITY, hd_column_text (stmt, 5), &visibility);
  self->visibility = visibility;
  self->author = g_strdup (hd_column_text (stmt, 6));
  self->author_name = g_strdup (hd_column_text (stmt, 7));
  self->created_at = sqlite3_column_int64 (stmt, 8);
  self->updated_at = sqlite3_column_int64 (stmt, 9);
  self->version = sqlite3_column_int64 (stmt, 10);
  self->archived_at = sqlite3_column_int64 (stmt, 11);

  return self;
}

HdKbCategory *
hd_kb_category_new (gint64      id,
                    gint64      parent_id,
                    const char *name,
                    const char *path,
                    guint       depth,
                    guint       n_articles)
{
  HdKbCategory *self = g_object_new (HD_TYPE_KB_CATEGORY, NULL);

  self->id = id;
  self->parent_id = parent_id;
  self->name = g_strdup (name);
  self->path = g_strdup (path);
  self->depth = depth;
  self->n_articles = n_articles;

  return self;
}

/* Builds a history row from a row selected with HD_REVISION_COLUMNS. */
HdArticleRevision *
hd_article_revision_new_from_row (sqlite3_stmt *stmt)
{
  HdArticleRevision *self = g_object_new (HD_TYPE_ARTICLE_REVISION, NULL);
  int kind = HD_ARTICLE_EVENT_CREATED;
  const char *fields;

  self->id = sqlite3_column_int64 (stmt, 0);
  self->article = sqlite3_column_int64 (stmt, 1);
  hd_enum_from_nick (HD_TYPE_ARTICLE_EVENT_KIND, hd_column_text (stmt, 2), &kind);
  self->kind = kind;
  self->actor = g_strdup (hd_column_text (stmt, 3));
  self->actor_name = g_strdup (hd_column_text (stmt, 4));
  self->at = sqlite3_column_int64 (stmt, 5);
  self->version = sqlite3_column_int64 (stmt, 6);
  fields = hd_column_text (stmt, 7);
  self->fields = fields != NULL && fields[0] != '\0' ? g_strsplit (fields, ",", -1)
                                                     : g_new0 (char *, 1);
  self->old_title = g_strdup (hd_column_text (stmt, 8));
  self->old_body = g_strdup (hd_column_text (stmt, 9));
  self->title = g_strdup (hd_column_text (stmt, 10));
  self->body = g_strdup (hd_column_text (stmt, 11));

  return self;
}

HdArticleHit *
hd_article_hit_new (HdArticle  *article,
                    const char *marked_title,
                    const char *marked_snippet,
                    double      score)
{
  HdArticleHit *self = g_object_new (HD_TYPE_ARTICLE_HIT, NULL);

  self->article = g_object_ref (article);
  self->marked_title = g_strdup (marked_title);
  self->marked_snippet = g_strdup (marked_snippet);
  self->score = score;

  return self;
}
