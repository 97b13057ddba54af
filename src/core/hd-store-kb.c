/* hd-store-kb.c — the knowledge base: articles, categories, search, links
 *
 * Changes follow hd-store-tickets.c: BEGIN IMMEDIATE, the rules, the
 * version read, the row, a kb_article_events row, a change_log row,
 * COMMIT. The full-text indexes (kb_fts, kb_trigram) follow kb_articles
 * through the triggers of schema version 5, in the same transaction.
 *
 * Search never hands what a person typed to FTS5: hd_fts_match_expression()
 * builds the MATCH expression from the words it finds, each one a quoted
 * string, so operators, quotes and brackets are only text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "hd-enum-types.h"
#include "hd-markdown-text.h"
#include "hd-rules.h"
#include "hd-store-private.h"

#define HD_KB_MAX_TAG_CHARS 50
#define HD_KB_MAX_TAGS 20
#define HD_KB_MAX_CATEGORY_DEPTH 8
/* More words than this in a query add nothing but time. */
#define MAX_QUERY_WORDS 16
#define MAX_SUGGEST_WORDS 24
#define DEFAULT_LIMIT 20

/* bm25 weights of kb_fts/kb_trigram's columns: title, body, tags. */
#define KB_BM25 "10.0, 1.0, 4.0"

/* Query building */

/* Words that say nothing about a problem, left out of suggestions: common
 * English function words, and the words of any request ("problem",
 * "working", "today", "keeps") that would tie a ticket to every article.
 * Searches keep every word: someone who types "the" means it. In strcmp()
 * order, for bsearch(). */
static const char * const stopwords[] = {
  "a", "able", "about", "after", "afternoon", "again", "all", "also", "am", "an", "and", "any",
  "anyone", "anything", "are", "as", "at", "be", "been", "before", "big", "bit", "but", "by",
  "came", "can", "cannot", "come", "comes", "could", "day", "days", "did", "do", "does", "doesn",
  "don", "down", "each", "error", "even", "evening", "every", "everyone", "everything", "few",
  "find", "fine", "for", "found", "friday", "from", "get", "gets", "getting", "give", "go",
  "goes", "got", "had", "has", "have", "hello", "help", "hi", "hour", "hours", "how", "i", "if",
  "in", "inside", "into", "is", "isn", "issue", "issues", "it", "its", "just", "keep", "keeps",
  "kept", "know", "last", "let", "like", "look", "looks", "lot", "made", "make", "makes", "many",
  "me", "minute", "minutes", "monday", "more", "morning", "most", "much", "my", "need", "needed",
  "needs", "next", "no", "not", "now", "of", "ok", "okay", "on", "one", "only", "or", "other",
  "others", "our", "out", "please", "problem", "problems", "put", "really", "s", "said", "same",
  "say", "says", "see", "seem", "seems", "since", "so", "some", "someone", "something", "still",
  "such", "t", "take", "thank", "thanks", "that", "the", "their", "them", "then", "there", "thing",
  "things", "this", "thursday", "time", "times", "to", "today", "tomorrow", "too", "took",
  "tried", "try", "trying", "tuesday", "two", "unable", "up", "us", "use", "used", "using",
  "very", "want", "wants", "was", "way", "we", "wednesday", "week", "went", "were", "what",
  "when", "where", "which", "while", "who", "why", "will", "with", "won", "work", "worked",
  "working", "works", "would", "yesterday", "you", "your",
};

static int
compare_stopword (const void *key,
                  const void *member)
{
  return strcmp (key, *(const char * const *) member);
}

static gboolean
is_stopword (const char *word)
{
  return bsearch (word, stopwords, G_N_ELEMENTS (stopwords), sizeof stopwords[0],
                  compare_stopword) != NULL;
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* The words of @text in order, lower case, without repeats: runs of
 * Unicode letters, digits and combining marks. Invalid UTF-8 ends the
 * text. */
static GPtrArray *
split_words (const char *text,
             guint       max_words)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  const char *p = text != NULL ? text : "";
  const char *end = NULL;

  g_utf8_validate (p, -1, &end);
  while (p < end && words->len < max_words)
    {
      const char *start;
      g_autofree char *word = NULL;
      gboolean seen = FALSE;

      while (p < end && !is_word_char (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (p < end && is_word_char (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p == start)
        break;

      word = g_utf8_strdown (start, p - start);
      for (guint i = 0; i < words->len && !seen; i++)
        seen = g_str_equal (g_ptr_array_index (words, i), word);
      if (!seen)
        g_ptr_array_add (words, g_steal_pointer (&word));
    }

  return words;
}

static void
append_quoted (GString    *expr,
               const char *word)
{
  g_string_append_c (expr, '"');
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (expr, '"');
      g_string_append_c (expr, *p);
    }
  g_string_append_c (expr, '"');
}

static char *
join_words (GPtrArray *words,
            gboolean   prefix,
            gboolean   any)
{
  GString *expr;

  if (words->len == 0)
    return NULL;

  expr = g_string_new (NULL);
  for (guint i = 0; i < words->len; i++)
    {
      if (i > 0)
        g_string_append (expr, any ? " OR " : " AND ");
      append_quoted (expr, g_ptr_array_index (words, i));
      if (prefix)
        g_string_append_c (expr, '*');
    }

  return g_string_free (expr, FALSE);
}

char *
hd_fts_match_expression (const char *text,
                         gboolean    prefix,
                         gboolean    any,
                         guint       min_chars,
                         gboolean    drop_stopwords)
{
  g_autoptr(GPtrArray) words = split_words (text, MAX_QUERY_WORDS * 4);

  for (guint i = words->len; i > 0; i--)
    {
      const char *word = g_ptr_array_index (words, i - 1);

      if (g_utf8_strlen (word, -1) < (glong) min_chars ||
          (drop_stopwords && is_stopword (word)))
        g_ptr_array_remove_index (words, i - 1);
    }
  if (words->len > MAX_QUERY_WORDS)
    g_ptr_array_set_size (words, MAX_QUERY_WORDS);

  return join_words (words, prefix, any);
}

/* Helpers */

/* For qsort() and g_ptr_array_sort() over arrays of strings. */
static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static HdArticle *
not_found (gint64   id,
           GError **error)
{
  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
               _("There is no article %" G_GINT64_FORMAT "."), id);
  return NULL;
}

typedef struct {
  gint64  id;
  gint64  parent_id;
  char   *name;
  char   *path;
  guint   depth;
} CategoryRow;

static void
category_row_free (gpointer data)
{
  CategoryRow *row = data;

  g_free (row->name);
  g_free (row->path);
  g_free (row);
}

/* Every category by id (gint64 keys), with its path and depth. */
static GHashTable *
load_categories (HdStore  *self,
                 GError  **error)
{
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                      category_row_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GHashTableIter iter;
  CategoryRow *row;
  int rc;

  stmt = hd_store_prepare (self, "SELECT id, parent_id, name FROM kb_categories", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      row = g_new0 (CategoryRow, 1);
      row->id = sqlite3_column_int64 (stmt, 0);
      row->parent_id = sqlite3_column_int64 (stmt, 1);
      row->name = g_strdup (hd_column_text (stmt, 2));
      g_hash_table_insert (rows, &row->id, row);
    }
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  /* Paths from the root; a cycle written by another tool stops at the
   * depth limit instead of looping. */
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    {
      GPtrArray *names = g_ptr_array_new ();
      CategoryRow *up = row;

      while (up != NULL && names->len <= 64)
        {
          g_ptr_array_insert (names, 0, up->name);
          up = up->parent_id != 0 ? g_hash_table_lookup (rows, &up->parent_id) : NULL;
        }
      g_ptr_array_add (names, NULL);
      row->path = g_strjoinv ("/", (char **) names->pdata);
      row->depth = names->len - 2;
      g_ptr_array_free (names, TRUE);
    }

  return g_steal_pointer (&rows);
}

/* id → path, for hd_article_new_from_row(). */
static GHashTable *
load_paths (HdStore  *self,
            GError  **error)
{
  g_autoptr(GHashTable) rows = load_categories (self, error);
  GHashTable *paths;
  GHashTableIter iter;
  CategoryRow *row;

  if (rows == NULL)
    return NULL;

  paths = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    g_hash_table_insert (paths, g_memdup2 (&row->id, sizeof row->id), g_strdup (row->path));

  return paths;
}

static HdArticle *
load_article (HdStore  *self,
              gint64    id,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) paths = NULL;
  int rc;

  paths = load_paths (self, error);
  if (paths == NULL)
    return NULL;

  stmt = hd_store_prepare (self, "SELECT " HD_ARTICLE_COLUMNS HD_ARTICLE_FROM " WHERE k.id = ?",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return hd_article_new_from_row (stmt, paths);
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return not_found (id, error);
}

/* Trimmed, lower case, sorted, without repeats, joined by newlines. */
static char *
normalize_tags (const char * const  *tags,
                GError             **error)
{
  g_autoptr(GPtrArray) clean = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (tags[i]));
      g_autofree char *tag = NULL;
      gboolean seen = FALSE;

      if (trimmed[0] == '\0')
        continue;
      if (!hd_validate_line (_("A tag"), trimmed, HD_KB_MAX_TAG_CHARS, TRUE, error))
        return NULL;
      if (strchr (trimmed, ',') != NULL)
        {
          g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                       _("The tag “%s” contains a comma. Give each tag separately."), trimmed);
          return NULL;
        }

      tag = g_utf8_strdown (trimmed, -1);
      for (guint j = 0; j < clean->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (clean, j), tag);
      if (!seen)
        g_ptr_array_add (clean, g_steal_pointer (&tag));
    }

  if (clean->len > HD_KB_MAX_TAGS)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("An article can have at most %d tags."), HD_KB_MAX_TAGS);
      return NULL;
    }

  g_ptr_array_sort (clean, compare_strings);
  g_ptr_array_add (clean, NULL);
  return g_strjoinv ("\n", (char **) clean->pdata);
}

/* The parts of a category path, trimmed, without empty ones. */
static char **
split_path (const char  *path,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (path != NULL ? path : "", "/", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      if (!hd_validate_line (_("A category name"), parts[i], HD_MAX_LINE_CHARS, TRUE, error))
        return NULL;
      g_strv_builder_add (builder, parts[i]);
      n++;
    }

  if (n > HD_KB_MAX_CATEGORY_DEPTH)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("The category “%s” is nested too deeply; use at most %d levels."), path,
                   HD_KB_MAX_CATEGORY_DEPTH);
      return NULL;
    }

  return g_strv_builder_end (builder);
}

/* The id of the category @name below @parent (0: top level), or 0. */
static gboolean
find_child (HdStore     *self,
            gint64       parent,
            const char  *name,
            gint64      *id,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self,
                           "SELECT id FROM kb_categories WHERE coalesce(parent_id, 0) = ?"
                           " AND name = ? COLLATE NOCASE", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, parent);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

static gboolean
insert_category (HdStore     *self,
                 gint64       parent,
                 const char  *name,
                 gint64      *id,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self, "INSERT INTO kb_categories (parent_id, name) VALUES (?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  if (parent != 0)
    sqlite3_bind_int64 (stmt, 1, parent);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;

  *id = sqlite3_last_insert_rowid (hd_store_get_db (self));
  return hd_store_log_change (self, "kb_categories", *id, "created", error);
}

/* Inside a write transaction: the id of @path, made as needed (0 for an
 * empty path). */
static gboolean
ensure_category (HdStore     *self,
                 const char  *path,
                 gint64      *id,
                 GError     **error)
{
  g_auto(GStrv) parts = split_path (path, error);
  gint64 parent = 0;

  if (parts == NULL)
    return FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 child = 0;

      if (!find_child (self, parent, parts[i], &child, error))
        return FALSE;
      if (child == 0 && !insert_category (self, parent, parts[i], &child, error))
        return FALSE;
      parent = child;
    }

  *id = parent;
  return TRUE;
}

static gboolean
insert_revision (HdStore             *self,
                 gint64               article,
                 HdPerson            *me,
                 HdArticleEventKind   kind,
                 gint64               version,
                 const char          *fields,
                 const char          *old_title,
                 const char          *old_body,
                 const char          *title,
                 const char          *body,
                 GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self,
                           "INSERT INTO kb_article_events (article_id, at, actor_id, kind, version,"
                           " fields, old_title, old_body, title, body)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, article);
  sqlite3_bind_int64 (stmt, 2, hd_store_now (self));
  sqlite3_bind_int64 (stmt, 3, hd_person_get_id (me));
  sqlite3_bind_text (stmt, 4, hd_enum_to_nick (HD_TYPE_ARTICLE_EVENT_KIND, kind), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, version);
  sqlite3_bind_text (stmt, 6, fields != NULL ? fields : "", -1, SQLITE_TRANSIENT);
  if (old_title != NULL)
    sqlite3_bind_text (stmt, 7, old_title, -1, SQLITE_TRANSIENT);
  if (old_body != NULL)
    sqlite3_bind_text (stmt, 8, old_body, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, body, -1, SQLITE_TRANSIENT);

  return hd_store_step_done (self, stmt, error);
}

static gboolean
validate_visibility (HdVisibility   visibility,
                     GError       **error)
{
  if (hd_enum_to_nick (HD_TYPE_VISIBILITY, visibility) != NULL)
    return TRUE;

  g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT, _("Unknown visibility %d."), visibility);
  return FALSE;
}

static gboolean
validate_text (const char  *title,
               gboolean     title_required,
               const char  *body,
               GError     **error)
{
  return (title == NULL && !title_required) ||
         (hd_validate_line (_("The title"), title, HD_MAX_TITLE_CHARS, TRUE, error) &&
          hd_validate_body (_("The article"), body, FALSE, error));
}

/* Starts a change: the write lock, the acting person (staff), and the
 * article at @if_version (0: any). */
static HdArticle *
begin_article_change (HdStore    *self,
                      gint64      id,
                      gint64      if_version,
                      HdPerson  **me,
                      GError    **error)
{
  g_autoptr(HdArticle) article = NULL;

  if (!hd_store_begin_write (self, error))
    return NULL;

  *me = hd_store_lock_me (self, error);
  if (*me == NULL)
    goto fail;

  article = load_article (self, id, error);
  if (article == NULL ||
      !hd_rules_check_see_article (*me, article, error) ||
      !hd_rules_check_write_kb (*me, error))
    goto fail;

  if (if_version != 0 && hd_article_get_version (article) != if_version)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_CONFLICT,
                   _("Article %" G_GINT64_FORMAT " was changed by someone else since you read it (version %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT "). Reload it and make your change again; keep a copy of your text."),
                   id, hd_article_get_version (article), if_version);
      goto fail;
    }

  return g_steal_pointer (&article);

fail:
  g_clear_object (me);
  hd_store_rollback (self);
  return NULL;
}

static HdArticle *
finish_article_change (HdStore     *self,
                       gint64       id,
                       const char  *kind,
                       GError     **error)
{
  g_autoptr(HdArticle) article = NULL;

  if (!hd_store_log_change (self, "kb_articles", id, kind, error))
    goto fail;

  article = load_article (self, id, error);
  if (article == NULL || !hd_store_commit (self, error))
    goto fail;

  return g_steal_pointer (&article);

fail:
  hd_store_rollback (self);
  return NULL;
}

static gboolean link_locked (HdStore  *self,
                             HdPerson *me,
                             gint64    article,
                             gint64    ticket,
                             GError  **error);

/* Articles */

/**
 * hd_store_add_article:
 *
 * Writes a new article (staff only), its "created" history row, and, when
 * @draft->ticket is set, its link to that ticket.
 *
 * Returns: (transfer full): the new article
 */
HdArticle *
hd_store_add_article (HdStore               *self,
                      const HdArticleDraft  *draft,
                      GError               **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autofree char *title = NULL;
  g_autofree char *tags = NULL;
  const char *body;
  gint64 category = 0;
  gint64 id;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (draft != NULL, NULL);

  title = draft->title != NULL ? g_strstrip (g_strdup (draft->title)) : NULL;
  body = draft->body != NULL ? draft->body : "";
  if (!validate_text (title, TRUE, body, error) ||
      !validate_visibility (draft->visibility, error))
    return NULL;
  tags = normalize_tags (draft->tags, error);
  if (tags == NULL)
    return NULL;

  if (!hd_store_begin_write (self, error))
    return NULL;

  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_write_kb (me, error) ||
      !ensure_category (self, draft->category, &category, error))
    goto fail;

  stmt = hd_store_prepare (self,
                           "INSERT INTO kb_articles (title, body, category_id, tags, visibility,"
                           " author_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, body, -1, SQLITE_TRANSIENT);
  if (category != 0)
    sqlite3_bind_int64 (stmt, 3, category);
  sqlite3_bind_text (stmt, 4, tags, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, hd_enum_to_nick (HD_TYPE_VISIBILITY, draft->visibility), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, hd_person_get_id (me));
  sqlite3_bind_int64 (stmt, 7, hd_store_now (self));
  sqlite3_bind_int64 (stmt, 8, hd_store_now (self));
  if (!hd_store_step_done (self, stmt, error))
    goto fail;

  id = sqlite3_last_insert_rowid (hd_store_get_db (self));
  if (!insert_revision (self, id, me, HD_ARTICLE_EVENT_CREATED, 1, "", NULL, NULL, title, body,
                        error))
    goto fail;

  if (draft->ticket != 0 && !link_locked (self, me, id, draft->ticket, error))
    goto fail;

  return finish_article_change (self, id, "created", error);

fail:
  hd_store_rollback (self);
  return NULL;
}

static void
add_field (GString    *fields,
           const char *field)
{
  if (fields->len > 0)
    g_string_append_c (fields, ',');
  g_string_append (fields, field);
}

/**
 * hd_store_update_article:
 * @if_version: the version the change is based on; 0 for the current one
 *
 * Changes an article (staff only). Fields equal to what is stored are no
 * change: nothing is written and the version stays.
 *
 * Returns: (transfer full): the article as now stored
 */
HdArticle *
hd_store_update_article (HdStore                 *self,
                         gint64                   id,
                         gint64                   if_version,
                         const HdArticleChanges  *changes,
                         GError                 **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GString) fields = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *title = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *old_tags = NULL;
  const char *new_title, *new_body;
  gint64 category = 0;
  HdVisibility visibility;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (changes != NULL, NULL);

  title = changes->title != NULL ? g_strstrip (g_strdup (changes->title)) : NULL;
  if ((title != NULL &&
       !hd_validate_line (_("The title"), title, HD_MAX_TITLE_CHARS, TRUE, error)) ||
      !hd_validate_body (_("The article"), changes->body, FALSE, error) ||
      (changes->set_visibility && !validate_visibility (changes->visibility, error)))
    return NULL;
  if (changes->set_tags && (tags = normalize_tags (changes->tags, error)) == NULL)
    return NULL;

  article = begin_article_change (self, id, if_version, &me, error);
  if (article == NULL)
    return NULL;

  category = hd_article_get_category_id (article);
  if (changes->category != NULL && !ensure_category (self, changes->category, &category, error))
    goto fail;

  new_title = title != NULL ? title : hd_article_get_title (article);
  new_body = changes->body != NULL ? changes->body : hd_article_get_body (article);
  visibility = changes->set_visibility ? changes->visibility : hd_article_get_visibility (article);
  old_tags = g_strjoinv ("\n", (char **) hd_article_get_tags (article));
  if (tags == NULL)
    tags = g_strdup (old_tags);

  if (!g_str_equal (new_title, hd_article_get_title (article)))
    add_field (fields, "title");
  if (!g_str_equal (new_body, hd_article_get_body (article)))
    add_field (fields, "body");
  if (category != hd_article_get_category_id (article))
    add_field (fields, "category");
  if (visibility != hd_article_get_visibility (article))
    add_field (fields, "visibility");
  if (!g_str_equal (tags, old_tags))
    add_field (fields, "tags");

  if (fields->len == 0)
    {
      /* Categories made for nothing go too. */
      hd_store_rollback (self);
      return g_steal_pointer (&article);
    }

  stmt = hd_store_prepare (self,
                           "UPDATE kb_articles SET title = ?1, body = ?2, category_id = ?3,"
                           " tags = ?4, visibility = ?5, updated_at = ?6, version = version + 1"
                           " WHERE id = ?7 AND version = ?8", error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, new_title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, new_body, -1, SQLITE_TRANSIENT);
  if (category != 0)
    sqlite3_bind_int64 (stmt, 3, category);
  sqlite3_bind_text (stmt, 4, tags, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, hd_enum_to_nick (HD_TYPE_VISIBILITY, visibility), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, hd_store_now (self));
  sqlite3_bind_int64 (stmt, 7, id);
  sqlite3_bind_int64 (stmt, 8, hd_article_get_version (article));
  if (!hd_store_step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (hd_store_get_db (self)) != 1)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_CONFLICT,
                   _("Article %" G_GINT64_FORMAT " was changed by someone else meanwhile. Reload it and make your change again."),
                   id);
      goto fail;
    }

  if (!insert_revision (self, id, me, HD_ARTICLE_EVENT_EDITED, hd_article_get_version (article) + 1,
                        fields->str,
                        g_str_equal (new_title, hd_article_get_title (article)) ? NULL
                                                                              : hd_article_get_title (article),
                        g_str_equal (new_body, hd_article_get_body (article)) ? NULL
                                                                            : hd_article_get_body (article),
                        new_title, new_body, error))
    goto fail;

  return finish_article_change (self, id, "updated", error);

fail:
  hd_store_rollback (self);
  return NULL;
}

/**
 * hd_store_set_article_archived:
 * @if_version: the version the change is based on; 0 for the current one
 *
 * Archives an article or restores it (staff only).
 *
 * Returns: (transfer full): the article as now stored
 */
HdArticle *
hd_store_set_article_archived (HdStore   *self,
                               gint64     id,
                               gint64     if_version,
                               gboolean   archived,
                               GError   **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  article = begin_article_change (self, id, if_version, &me, error);
  if (article == NULL)
    return NULL;

  if ((hd_article_get_archived_at (article) != 0) == !!archived)
    {
      hd_store_rollback (self);
      return g_steal_pointer (&article);
    }

  stmt = hd_store_prepare (self,
                           "UPDATE kb_articles SET archived_at = CASE WHEN ?1 THEN ?2 END,"
                           " updated_at = ?2, version = version + 1 WHERE id = ?3 AND version = ?4",
                           error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_int (stmt, 1, !!archived);
  sqlite3_bind_int64 (stmt, 2, hd_store_now (self));
  sqlite3_bind_int64 (stmt, 3, id);
  sqlite3_bind_int64 (stmt, 4, hd_article_get_version (article));
  if (!hd_store_step_done (self, stmt, error) ||
      !insert_revision (self, id, me,
                        archived ? HD_ARTICLE_EVENT_ARCHIVED : HD_ARTICLE_EVENT_RESTORED,
                        hd_article_get_version (article) + 1, "archived", NULL, NULL,
                        hd_article_get_title (article), hd_article_get_body (article), error))
    goto fail;

  return finish_article_change (self, id, archived ? "archived" : "restored", error);

fail:
  hd_store_rollback (self);
  return NULL;
}

/**
 * hd_store_get_article:
 *
 * Returns: (transfer full): article @id, if the acting person may read it
 */
HdArticle *
hd_store_get_article (HdStore  *self,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(HdArticle) article = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  article = load_article (self, id, error);
  if (article == NULL || !hd_rules_check_see_article (hd_store_get_me (self), article, error))
    return NULL;

  return g_steal_pointer (&article);
}

/* Runs @stmt and collects its HD_ARTICLE_COLUMNS rows. */
static GPtrArray *
collect_articles (HdStore       *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_autoptr(GPtrArray) articles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) paths = load_paths (self, error);
  int rc;

  if (paths == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (articles, hd_article_new_from_row (stmt, paths));

  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&articles);
}

/* The visibility test of every list: requesters (?staff false) read FAQ
 * articles that are not archived. */
#define VISIBLE_TO(staff) \
  " (" staff " OR (k.visibility = 'faq' AND k.archived_at IS NULL))"

/**
 * hd_store_list_articles:
 * @filter: (nullable): which articles; %NULL for all
 *
 * Returns: (transfer full) (element-type HdArticle): the articles the
 *   acting person may read, by title
 */
GPtrArray *
hd_store_list_articles (HdStore                *self,
                        const HdArticleFilter  *filter,
                        GError                **error)
{
  static const HdArticleFilter all = { 0 };
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (filter == NULL)
    filter = &all;

  stmt = hd_store_prepare (self,
                           "WITH RECURSIVE sub (id, depth) AS ("
                           "  SELECT ?1, 0 UNION ALL"
                           "  SELECT c.id, sub.depth + 1 FROM kb_categories c"
                           "  JOIN sub ON c.parent_id = sub.id WHERE sub.depth < 64)"
                           " SELECT " HD_ARTICLE_COLUMNS HD_ARTICLE_FROM
                           " WHERE" VISIBLE_TO ("?2")
                           " AND (?3 OR k.archived_at IS NULL)"
                           " AND (?1 = 0 OR k.category_id IN (SELECT id FROM sub))"
                           " AND (NOT ?4 OR k.category_id IS NULL)"
                           " AND (?5 IS NULL OR instr (char(10) || k.tags || char(10),"
                           "                           char(10) || ?5 || char(10)) > 0)"
                           " ORDER BY k.title COLLATE NOCASE, k.id LIMIT ?6 OFFSET ?7",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, filter->category_id);
  sqlite3_bind_int (stmt, 2, hd_rules_sees_internal_kb (hd_store_get_me (self)));
  sqlite3_bind_int (stmt, 3, filter->include_archived);
  sqlite3_bind_int (stmt, 4, filter->uncategorized);
  if (filter->tag != NULL && filter->tag[0] != '\0')
    {
      g_autofree char *tag = g_utf8_strdown (filter->tag, -1);

      sqlite3_bind_text (stmt, 5, g_strstrip (tag), -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int64 (stmt, 6, filter->limit > 0 ? (gint64) filter->limit : -1);
  sqlite3_bind_int64 (stmt, 7, filter->offset);

  return collect_articles (self, stmt, error);
}

/**
 * hd_store_list_article_history:
 *
 * Returns: (transfer full) (element-type HdArticleRevision): the history of
 *   an article the acting person may read, oldest first
 */
GPtrArray *
hd_store_list_article_history (HdStore  *self,
                               gint64    id,
                               GError  **error)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  article = hd_store_get_article (self, id, error);
  if (article == NULL)
    return NULL;

  stmt = hd_store_prepare (self,
                           "SELECT " HD_REVISION_COLUMNS " FROM kb_article_events v"
                           " JOIN people p ON p.id = v.actor_id WHERE v.article_id = ?"
                           " ORDER BY v.id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (revisions, hd_article_revision_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&revisions);
}

/* Categories */

static int
compare_rows_by_name (gconstpointer a,
                      gconstpointer b)
{
  const CategoryRow *ra = *(CategoryRow * const *) a;
  const CategoryRow *rb = *(CategoryRow * const *) b;
  g_autofree char *ka = g_utf8_casefold (ra->name, -1);
  g_autofree char *kb = g_utf8_casefold (rb->name, -1);
  int cmp = g_utf8_collate (ka, kb);

  return cmp != 0 ? cmp : (ra->id < rb->id ? -1 : ra->id > rb->id);
}

typedef struct {
  GHashTable *children;  /* parent id → GPtrArray of CategoryRow */
  GHashTable *counts;    /* id → guint, articles the person sees */
  GHashTable *visible;   /* ids with a visible article below, or NULL: all */
  GPtrArray  *out;
} TreeWalk;

static guint
subtree_count (TreeWalk *walk,
               gint64    id,
               guint     depth)
{
  GPtrArray *kids = g_hash_table_lookup (walk->children, &id);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (walk->counts, &id));

  for (guint i = 0; kids != NULL && i < kids->len && depth < 64; i++)
    n += subtree_count (walk, ((CategoryRow *) g_ptr_array_index (kids, i))->id, depth + 1);

  return n;
}

static void
walk_tree (TreeWalk *walk,
           gint64    parent,
           guint     depth)
{
  GPtrArray *kids = g_hash_table_lookup (walk->children, &parent);

  for (guint i = 0; kids != NULL && i < kids->len && depth < 64; i++)
    {
      CategoryRow *row = g_ptr_array_index (kids, i);

      if (walk->visible == NULL || subtree_count (walk, row->id, 0) > 0)
        {
          g_ptr_array_add (walk->out,
                           hd_kb_category_new (row->id, row->parent_id, row->name, row->path,
                                               row->depth,
                                               GPOINTER_TO_UINT (g_hash_table_lookup (walk->counts,
                                                                                      &row->id))));
          walk_tree (walk, row->id, depth + 1);
        }
    }
}

/**
 * hd_store_list_kb_categories:
 *
 * Returns: (transfer full) (element-type HdKbCategory): the tree, depth
 *   first
 */
GPtrArray *
hd_store_list_kb_categories (HdStore  *self,
                             GError  **error)
{
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GHashTable) children = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean staff;
  GHashTableIter iter;
  CategoryRow *row;
  GPtrArray *kids;
  TreeWalk walk;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  staff = hd_rules_sees_internal_kb (hd_store_get_me (self));
  rows = load_categories (self, error);
  if (rows == NULL)
    return NULL;

  counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  stmt = hd_store_prepare (self,
                           "SELECT k.category_id, count(*) FROM kb_articles k"
                           " WHERE k.category_id IS NOT NULL AND k.archived_at IS NULL"
                           " AND" VISIBLE_TO ("?1") " GROUP BY k.category_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, staff);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_hash_table_insert (counts, g_memdup2 (&id, sizeof id),
                           GUINT_TO_POINTER ((guint) sqlite3_column_int64 (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  children = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    {
      gint64 parent = row->parent_id;

      kids = g_hash_table_lookup (children, &parent);
      if (kids == NULL)
        {
          kids = g_ptr_array_new ();
          g_hash_table_insert (children, g_memdup2 (&parent, sizeof parent), kids);
        }
      g_ptr_array_add (kids, row);
    }
  g_hash_table_iter_init (&iter, children);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &kids))
    g_ptr_array_sort (kids, compare_rows_by_name);

  walk.children = children;
  walk.counts = counts;
  walk.visible = staff ? NULL : counts;
  walk.out = out;
  walk_tree (&walk, 0, 0);

  return g_steal_pointer (&out);
}

static HdKbCategory *
category_from_rows (GHashTable  *rows,
                    gint64       id,
                    GError     **error)
{
  CategoryRow *row = g_hash_table_lookup (rows, &id);

  if (row == NULL)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("There is no knowledge-base category %" G_GINT64_FORMAT "."), id);
      return NULL;
    }

  return hd_kb_category_new (row->id, row->parent_id, row->name, row->path, row->depth, 0);
}

static HdKbCategory *
load_category (HdStore  *self,
               gint64    id,
               GError  **error)
{
  g_autoptr(GHashTable) rows = load_categories (self, error);

  return rows != NULL ? category_from_rows (rows, id, error) : NULL;
}

/**
 * hd_store_find_kb_category:
 * @path: "Hardware/Printers"; case does not matter
 *
 * Returns: (transfer full): the category, or %NULL with HD_ERROR_NOT_FOUND
 */
HdKbCategory *
hd_store_find_kb_category (HdStore     *self,
                           const char  *path,
                           GError     **error)
{
  g_auto(GStrv) parts = NULL;
  gint64 id = 0;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  parts = split_path (path, error);
  if (parts == NULL)
    return NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 child = 0;

      if (!find_child (self, id, parts[i], &child, error))
        return NULL;
      if (child == 0)
        break;
      id = child;
      if (parts[i + 1] == NULL)
        return load_category (self, id, error);
    }

  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
               _("There is no knowledge-base category “%s”. See the list with “helpdesk-cli kb categories”."),
               path != NULL ? path : "");
  return NULL;
}

static gboolean
begin_category_change (HdStore   *self,
                       GError   **error)
{
  g_autoptr(HdPerson) me = NULL;

  if (!hd_store_begin_write (self, error))
    return FALSE;

  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_write_kb (me, error))
    {
      hd_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_name_free (HdStore     *self,
                 gint64       parent,
                 const char  *name,
                 gint64       except,
                 GError     **error)
{
  gint64 existing = 0;

  if (!find_child (self, parent, name, &existing, error))
    return FALSE;
  if (existing == 0 || existing == except)
    return TRUE;

  g_set_error (error, HD_ERROR, HD_ERROR_EXISTS,
               _("There is a category “%s” there already. Choose another name."), name);
  return FALSE;
}

static char *
clean_name (const char  *name,
            GError     **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (name != NULL ? name : ""));

  if (!hd_validate_line (_("The category name"), clean, HD_MAX_LINE_CHARS, TRUE, error))
    return NULL;
  if (strchr (clean, '/') != NULL)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("A category name cannot contain “/”; it separates the levels of a path."));
      return NULL;
    }

  return g_steal_pointer (&clean);
}

static HdKbCategory *
finish_category_change (HdStore     *self,
                        gint64       id,
                        const char  *kind,
                        GError     **error)
{
  g_autoptr(HdKbCategory) category = NULL;

  if (!hd_store_log_change (self, "kb_categories", id, kind, error) ||
      (category = load_category (self, id, error)) == NULL ||
      !hd_store_commit (self, error))
    {
      hd_store_rollback (self);
      return NULL;
    }

  return g_steal_pointer (&category);
}

/**
 * hd_store_add_kb_category:
 * @parent_id: 0 for the top level
 *
 * Returns: (transfer full): the new category
 */
HdKbCategory *
hd_store_add_kb_category (HdStore     *self,
                          gint64       parent_id,
                          const char  *name,
                          GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdKbCategory) parent = NULL;
  gint64 id;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  clean = clean_name (name, error);
  if (clean == NULL || !begin_category_change (self, error))
    return NULL;

  if (parent_id != 0 && (parent = load_category (self, parent_id, error)) == NULL)
    goto fail;
  if (parent != NULL && hd_kb_category_get_depth (parent) + 1 >= HD_KB_MAX_CATEGORY_DEPTH)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Categories nest at most %d levels deep."), HD_KB_MAX_CATEGORY_DEPTH);
      goto fail;
    }
  if (!check_name_free (self, parent_id, clean, 0, error))
    goto fail;

  stmt = hd_store_prepare (self, "INSERT INTO kb_categories (parent_id, name) VALUES (?, ?)",
                           error);
  if (stmt == NULL)
    goto fail;
  if (parent_id != 0)
    sqlite3_bind_int64 (stmt, 1, parent_id);
  sqlite3_bind_text (stmt, 2, clean, -1, SQLITE_TRANSIENT);
  if (!hd_store_step_done (self, stmt, error))
    goto fail;

  id = sqlite3_last_insert_rowid (hd_store_get_db (self));
  return finish_category_change (self, id, "created", error);

fail:
  hd_store_rollback (self);
  return NULL;
}

/**
 * hd_store_add_kb_category_path:
 * @path: "Hardware/Printers"
 *
 * Adds the category at @path with the levels above it that are missing,
 * in one transaction. The last level must be new (HD_ERROR_EXISTS).
 *
 * Returns: (transfer full): the new category
 */
HdKbCategory *
hd_store_add_kb_category_path (HdStore     *self,
                               const char  *path,
                               GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(HdKbCategory) category = NULL;
  gint64 parent = 0;
  guint n;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  parts = split_path (path, error);
  if (parts == NULL)
    return NULL;
  n = g_strv_length (parts);
  if (n == 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT, _("The category needs a name."));
      return NULL;
    }
  if (!begin_category_change (self, error))
    return NULL;

  for (guint i = 0; i < n; i++)
    {
      gint64 child = 0;

      if (!find_child (self, parent, parts[i], &child, error))
        goto fail;
      if (child != 0 && i == n - 1)
        {
          g_set_error (error, HD_ERROR, HD_ERROR_EXISTS,
                       _("There is a category “%s” there already. Choose another name."),
                       parts[i]);
          goto fail;
        }
      if (child == 0 && !insert_category (self, parent, parts[i], &child, error))
        goto fail;
      parent = child;
    }

  /* insert_category() logged each level. */
  category = load_category (self, parent, error);
  if (category != NULL && hd_store_commit (self, error))
    return g_steal_pointer (&category);

fail:
  hd_store_rollback (self);
  return NULL;
}

/* How many levels lie below @id in @rows: 0 for a category without
 * subcategories. */
static guint
subtree_height (GHashTable *rows,
                gint64      id)
{
  GHashTableIter iter;
  CategoryRow *row;
  guint height = 0;

  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    {
      CategoryRow *up = row;

      /* Up from each category to a child of @id, if it is below it; a
       * cycle written by another tool stops at the depth limit. */
      for (guint steps = 0; up != NULL && steps <= 64; steps++)
        {
          if (up->parent_id == id)
            {
              height = MAX (height, row->depth - up->depth + 1);
              break;
            }
          up = up->parent_id != 0 ? g_hash_table_lookup (rows, &up->parent_id) : NULL;
        }
    }

  return height;
}

/* Renames category @id to @name (NULL: keeps it) and, when @move, puts it
 * below @new_parent_id (0: the top level), in one transaction: the name
 * must be free at the place it ends up, it cannot move below itself, and
 * its deepest subcategory must stay within the depth limit. */
static HdKbCategory *
change_category (HdStore     *self,
                 gint64       id,
                 const char  *name,
                 gboolean     move,
                 gint64       new_parent_id,
                 GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(HdKbCategory) category = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint parent_depth = 0;

  if (name != NULL && (clean = clean_name (name, error)) == NULL)
    return NULL;
  if (!begin_category_change (self, error))
    return NULL;

  rows = load_categories (self, error);
  if (rows == NULL || (category = category_from_rows (rows, id, error)) == NULL)
    goto fail;
  if (!move)
    new_parent_id = hd_kb_category_get_parent_id (category);

  if (move && new_parent_id != 0)
    {
      g_autoptr(HdKbCategory) parent = category_from_rows (rows, new_parent_id, error);
      CategoryRow *up;
      guint height = 0;

      if (parent == NULL)
        goto fail;

      /* Below itself would make a loop. */
      for (up = g_hash_table_lookup (rows, &new_parent_id); up != NULL;
           up = up->parent_id != 0 ? g_hash_table_lookup (rows, &up->parent_id) : NULL)
        if (up->id == id || ++height > 64)
          {
            g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                         _("“%s” cannot move into itself or one of its subcategories."),
                         hd_kb_category_get_path (category));
            goto fail;
          }
      parent_depth = hd_kb_category_get_depth (parent) + 1;
    }

  if (move && parent_depth + subtree_height (rows, id) + 1 > HD_KB_MAX_CATEGORY_DEPTH)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Categories nest at most %d levels deep."), HD_KB_MAX_CATEGORY_DEPTH);
      goto fail;
    }

  if (!check_name_free (self, new_parent_id,
                        clean != NULL ? clean : hd_kb_category_get_name (category), id, error))
    goto fail;

  stmt = hd_store_prepare (self,
                           "UPDATE kb_categories SET name = coalesce (?1, name),"
                           " parent_id = CASE WHEN ?2 THEN ?3 ELSE parent_id END"
                           " WHERE id = ?4", error);
  if (stmt == NULL)
    goto fail;
  hd_bind_text_or_null (stmt, 1, clean);
  sqlite3_bind_int (stmt, 2, move);
  if (new_parent_id != 0)
    sqlite3_bind_int64 (stmt, 3, new_parent_id);
  sqlite3_bind_int64 (stmt, 4, id);
  if (!hd_store_step_done (self, stmt, error))
    goto fail;

  return finish_category_change (self, id, move ? "moved" : "renamed", error);

fail:
  hd_store_rollback (self);
  return NULL;
}

/**
 * hd_store_rename_kb_category:
 *
 * Returns: (transfer full): the category as now stored
 */
HdKbCategory *
hd_store_rename_kb_category (HdStore     *self,
                             gint64       id,
                             const char  *name,
                             GError     **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return change_category (self, id, name, FALSE, 0, error);
}

/**
 * hd_store_move_kb_category:
 * @new_parent_id: 0 for the top level
 *
 * Returns: (transfer full): the category as now stored
 */
HdKbCategory *
hd_store_move_kb_category (HdStore  *self,
                           gint64    id,
                           gint64    new_parent_id,
                           GError  **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  return change_category (self, id, NULL, TRUE, new_parent_id, error);
}

/**
 * hd_store_change_kb_category:
 * @name: the new name
 * @new_parent_id: 0 for the top level
 *
 * Renames and moves a category at once: both happen, or neither.
 *
 * Returns: (transfer full): the category as now stored
 */
HdKbCategory *
hd_store_change_kb_category (HdStore     *self,
                             gint64       id,
                             const char  *name,
                             gint64       new_parent_id,
                             GError     **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return change_category (self, id, name, TRUE, new_parent_id, error);
}

/**
 * hd_store_delete_kb_category:
 *
 * Deletes an empty category; one with articles (archived ones too) or
 * subcategories is HD_ERROR_INVALID_INPUT.
 */
gboolean
hd_store_delete_kb_category (HdStore  *self,
                             gint64    id,
                             GError  **error)
{
  g_autoptr(HdKbCategory) category = NULL;
  g_autoptr(sqlite3_stmt) used = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!begin_category_change (self, error))
    return FALSE;

  category = load_category (self, id, error);
  if (category == NULL)
    goto fail;

  used = hd_store_prepare (self,
                           "SELECT EXISTS (SELECT 1 FROM kb_articles WHERE category_id = ?1)"
                           " OR EXISTS (SELECT 1 FROM kb_categories WHERE parent_id = ?1)", error);
  if (used == NULL)
    goto fail;
  sqlite3_bind_int64 (used, 1, id);
  if (sqlite3_step (used) != SQLITE_ROW)
    {
      hd_store_set_error_from_db (self, sqlite3_errcode (hd_store_get_db (self)), error);
      goto fail;
    }
  if (sqlite3_column_int (used, 0))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("The category “%s” still holds articles or subcategories. Move them elsewhere first."),
                   hd_kb_category_get_path (category));
      goto fail;
    }

  stmt = hd_store_prepare (self, "DELETE FROM kb_categories WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!hd_store_step_done (self, stmt, error) ||
      !hd_store_log_change (self, "kb_categories", id, "deleted", error) ||
      !hd_store_commit (self, error))
    goto fail;

  return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/**
 * hd_store_list_kb_tags:
 *
 * Returns: (transfer full): the tags in use, sorted
 */
char **
hd_store_list_kb_tags (HdStore  *self,
                       GError  **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char **keys = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  stmt = hd_store_prepare (self,
                           "SELECT DISTINCT k.tags FROM kb_articles k WHERE k.tags != ''"
                           " AND k.archived_at IS NULL AND" VISIBLE_TO ("?1"), error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, hd_rules_sees_internal_kb (hd_store_get_me (self)));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(GStrv) tags = g_strsplit (hd_column_text (stmt, 0), "\n", -1);

      for (guint i = 0; tags[i] != NULL; i++)
        if (tags[i][0] != '\0')
          g_hash_table_add (seen, g_strdup (tags[i]));
    }
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  keys = (char **) g_hash_table_get_keys_as_array (seen, &n);
  qsort (keys, n, sizeof (char *), compare_strings);
  g_strv_builder_addv (builder, (const char **) keys);
  return g_strv_builder_end (builder);
}

/* Search */

typedef struct {
  gint64   id;
  double   score;
  gboolean trigram;
} Candidate;

/* Adds a ranked match to @found, unless already there. Every word match
 * ranks above every substring-only match. */
static void
keep_candidate (GArray     *found,
                GHashTable *seen,
                gint64      id,
                double      bm25,
                gboolean    trigram)
{
  Candidate c = { id, -bm25, trigram };

  g_hash_table_add (seen, g_memdup2 (&c.id, sizeof c.id));
  c.score = trigram ? c.score / (1.0 + c.score) : 1.0 + c.score;
  g_array_append_val (found, c);
}

/* The two indexes' queries, with the table's name written in: a name
 * cannot be a bound parameter. */
#define CUTOFF_SQL(t) \
  "SELECT rowid FROM " t " WHERE " t " MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?2"

#define RANK_FAST_SQL(t) \
  "SELECT rowid, bm25(" t ", " KB_BM25 ") FROM " t \
  " WHERE " t " MATCH ?1 AND (rowid >= ?2 OR rowid IN" \
  "   (SELECT rowid FROM " t " WHERE " t " MATCH ?3))" \
  " ORDER BY 2, 1 LIMIT ?4"

#define RANK_SQL(t) \
  "SELECT " t ".rowid, bm25(" t ", " KB_BM25 ") FROM " t \
  " JOIN kb_articles k ON k.id = " t ".rowid" \
  " WHERE " t " MATCH ?1 AND k.archived_at IS NULL AND" VISIBLE_TO ("?2") \
  " AND (?3 IS NULL OR k.id IN (SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?3))" \
  " AND (?4 = 0 OR k.id NOT IN" \
  "      (SELECT article_id FROM ticket_article_links WHERE ticket_id = ?4))" \
  " ORDER BY 2, 1 LIMIT ?5"

/* Best first; ties by id, as the queries order them. */
static int
compare_candidates (const void *a,
                    const void *b)
{
  const Candidate *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* Ranking every match through the join with kb_articles reads each
 * matching article's row, bodies and all: for a common word in 50 000
 * articles that is tens of milliseconds. The fast way ranks in the index
 * alone: the newest FAST_CANDIDATES matches and every article whose title
 * matches, then reads only the best of them to see whether the person may
 * read them. It is exact when a word has fewer matches than that; beyond,
 * an older article matching only in its body can be missed, never one
 * matching in its title. When it cannot fill the page, the full query
 * (rank_matches) runs. */
#define FAST_CANDIDATES 2000

static gboolean
rank_fast (HdStore     *self,
           gboolean     trigram,
           const char  *match,
           gint64       ticket,
           guint        limit,
           GArray      *found,
           GHashTable  *seen,
           gboolean    *complete,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) cutoff = NULL;
  g_autoptr(sqlite3_stmt) ranked = NULL;
  g_autoptr(sqlite3_stmt) visible = NULL;
  g_autofree char *titles = g_strdup_printf ("{title} : (%s)", match);
  guint wanted = found->len + limit;
  guint margin = (limit + g_hash_table_size (seen)) * 3 + 10;
  guint n_ranked = 0;
  gint64 oldest = 0;
  int rc;

  *complete = FALSE;

  cutoff = hd_store_prepare (self, trigram ? CUTOFF_SQL ("kb_trigram") : CUTOFF_SQL ("kb_fts"),
                             error);
  if (cutoff == NULL)
    return FALSE;
  sqlite3_bind_text (cutoff, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (cutoff, 2, FAST_CANDIDATES - 1);
  rc = sqlite3_step (cutoff);
  if (rc == SQLITE_ROW)
    oldest = sqlite3_column_int64 (cutoff, 0);
  else if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  ranked = hd_store_prepare (self, trigram ? RANK_FAST_SQL ("kb_trigram")
                                           : RANK_FAST_SQL ("kb_fts"), error);
  visible = hd_store_prepare (self,
                              "SELECT 1 FROM kb_articles k"
                              " WHERE k.id = ?1 AND k.archived_at IS NULL AND" VISIBLE_TO ("?2")
                              " AND (?3 = 0 OR k.id NOT IN"
                              "      (SELECT article_id FROM ticket_article_links"
                              "       WHERE ticket_id = ?3))", error);
  if (ranked == NULL || visible == NULL)
    return FALSE;

  sqlite3_bind_text (ranked, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (ranked, 2, oldest);
  sqlite3_bind_text (ranked, 3, titles, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (ranked, 4, margin);
  sqlite3_bind_int (visible, 2, hd_rules_sees_internal_kb (hd_store_get_me (self)));
  sqlite3_bind_int64 (visible, 3, ticket);

  while (found->len < wanted && (rc = sqlite3_step (ranked)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (ranked, 0);
      int shown;

      n_ranked++;
      if (g_hash_table_contains (seen, &id))
        continue;

      sqlite3_reset (visible);
      sqlite3_bind_int64 (visible, 1, id);
      shown = sqlite3_step (visible);
      if (shown == SQLITE_DONE)
        continue;
      if (shown != SQLITE_ROW)
        return hd_store_set_error_from_db (self, shown, error);

      keep_candidate (found, seen, id, sqlite3_column_double (ranked, 1), trigram);
    }
  if (found->len < wanted && rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  /* Full, or every match was looked at: nothing more to find. */
  *complete = found->len >= wanted || (oldest == 0 && n_ranked < margin);
  return TRUE;
}

/* Adds to @found up to @limit articles matching @match in kb_fts, or in
 * kb_trigram when @trigram, best first, that the person may read, are not
 * archived, are not in @seen, and are not linked to @ticket. @also
 * (nullable) is a kb_fts expression they must match as well. */
static gboolean
rank_matches (HdStore     *self,
              gboolean     trigram,
              const char  *match,
              const char  *also,
              gint64       ticket,
              guint        limit,
              GArray      *found,
              GHashTable  *seen,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint first = found->len;
  guint wanted = found->len + limit;
  gboolean complete = FALSE;
  int rc;

  if (also == NULL &&
      (!rank_fast (self, trigram, match, ticket, limit, found, seen, &complete, error) ||
       complete))
    return complete;
  limit = wanted - found->len;

  stmt = hd_store_prepare (self, trigram ? RANK_SQL ("kb_trigram") : RANK_SQL ("kb_fts"), error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, hd_rules_sees_internal_kb (hd_store_get_me (self)));
  if (also != NULL)
    sqlite3_bind_text (stmt, 3, also, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, ticket);
  sqlite3_bind_int64 (stmt, 5, (gint64) limit + g_hash_table_size (seen));

  while (found->len < wanted && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (!g_hash_table_contains (seen, &id))
        keep_candidate (found, seen, id, sqlite3_column_double (stmt, 1), trigram);
    }
  if (found->len < wanted && rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  /* The fast way's hits and the full query's, in one order. */
  if (first < found->len)
    qsort (&g_array_index (found, Candidate, first), found->len - first, sizeof (Candidate),
           compare_candidates);
  return TRUE;
}

/* Reads @table's highlight() of the title and snippet() of the body for
 * @match, for every candidate of @found whose trigram flag is @trigram,
 * into @marks (id → two strings). One statement for them all: a query
 * for one rowid would read the whole doclist of a prefix again each time
 * (a third of a millisecond for a common word), the "+" has FTS5 read it
 * once and SQLite keep the wanted rows. */
#define MARKS_SQL(t) \
  "SELECT rowid, highlight(" t ", 0, char(1), char(2))," \
  " snippet(" t ", 1, char(1), char(2), '…', 24)" \
  " FROM " t " WHERE " t " MATCH ?1 AND +rowid IN (SELECT value FROM json_each(?2))"

static gboolean
read_marks (HdStore     *self,
            GArray      *found,
            gboolean     trigram,
            const char  *match,
            GHashTable  *marks,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) ids = g_string_new ("[");
  int rc;

  for (guint i = 0; i < found->len; i++)
    {
      Candidate *c = &g_array_index (found, Candidate, i);

      if (c->trigram == trigram)
        g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, ids->len > 1 ? "," : "", c->id);
    }
  if (ids->len == 1)
    return TRUE;
  g_string_append_c (ids, ']');

  stmt = hd_store_prepare (self, trigram ? MARKS_SQL ("kb_trigram") : MARKS_SQL ("kb_fts"),
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, ids->str, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      char **pair = g_new0 (char *, 3);

      pair[0] = g_strdup (hd_column_text (stmt, 1));
      pair[1] = g_strdup (hd_column_text (stmt, 2));
      g_hash_table_insert (marks, g_memdup2 (&id, sizeof id), pair);
    }
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

/* The hits for @found: each article with its title and a body extract
 * marked for @match (word candidates) or @trigram_match. */
static GPtrArray *
make_hits (HdStore     *self,
           GArray      *found,
           const char  *match,
           const char  *trigram_match,
           GError     **error)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) paths = load_paths (self, error);
  g_autoptr(GHashTable) marks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       (GDestroyNotify) g_strfreev);
  g_autoptr(sqlite3_stmt) article = NULL;

  if (paths == NULL)
    return NULL;

  article = hd_store_prepare (self, "SELECT " HD_ARTICLE_COLUMNS HD_ARTICLE_FROM " WHERE k.id = ?",
                              error);
  if (article == NULL ||
      !read_marks (self, found, FALSE, match, marks, error) ||
      (trigram_match != NULL && !read_marks (self, found, TRUE, trigram_match, marks, error)))
    return NULL;

  for (guint i = 0; i < found->len; i++)
    {
      Candidate *c = &g_array_index (found, Candidate, i);
      g_autoptr(HdArticle) a = NULL;
      char **pair;
      int rc;

      sqlite3_reset (article);
      sqlite3_bind_int64 (article, 1, c->id);
      rc = sqlite3_step (article);
      if (rc == SQLITE_DONE)
        continue;  /* gone meanwhile */
      if (rc != SQLITE_ROW)
        {
          hd_store_set_error_from_db (self, rc, error);
          return NULL;
        }
      a = hd_article_new_from_row (article, paths);

      pair = g_hash_table_lookup (marks, &c->id);
      if (pair != NULL)
        {
          g_autofree char *snippet = hd_markdown_clean_snippet (pair[1]);

          g_ptr_array_add (hits, hd_article_hit_new (a, pair[0], snippet, c->score));
        }
      else
        g_ptr_array_add (hits, hd_article_hit_new (a, hd_article_get_title (a), "", c->score));
    }

  return g_steal_pointer (&hits);
}

/**
 * hd_store_search_articles:
 * @query: whatever the person typed
 * @limit: at most this many hits; 0 for 20
 *
 * See the "Knowledge base" section of hd-store.h. Never fails because of
 * what @query holds.
 *
 * Returns: (transfer full) (element-type HdArticleHit): the hits, best first
 */
GPtrArray *
hd_store_search_articles (HdStore     *self,
                          const char  *query,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GPtrArray) long_words = g_ptr_array_new ();
  g_autoptr(GPtrArray) short_words = g_ptr_array_new ();
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *match = NULL;
  g_autofree char *trigram_match = NULL;
  g_autofree char *short_match = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  limit = limit > 0 ? limit : DEFAULT_LIMIT;
  words = split_words (query, MAX_QUERY_WORDS);
  if (words->len == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < words->len; i++)
    {
      char *word = g_ptr_array_index (words, i);

      g_ptr_array_add (g_utf8_strlen (word, -1) >= 3 ? long_words : short_words, word);
    }

  /* Whole words and word prefixes first, then parts of words. */
  match = join_words (words, TRUE, FALSE);
  trigram_match = join_words (long_words, FALSE, FALSE);
  short_match = join_words (short_words, TRUE, FALSE);
  if (!rank_matches (self, FALSE, match, NULL, 0, limit, found, seen, error))
    return NULL;
  if (trigram_match != NULL && found->len < limit &&
      !rank_matches (self, TRUE, trigram_match, short_match, 0, limit - found->len,
                     found, seen, error))
    return NULL;

  return make_hits (self, found, match, trigram_match, error);
}

/* Suggestions
 *
 * A ticket is not a query: its title and description hold a few words
 * that matter among many that do not, and an article sharing one common
 * word with it is no suggestion. So suggestions work in three steps:
 *
 *  1. The ticket's terms: its words without the stopwords above, reduced
 *     to a stem ("jams" → "jam", "disconnecting" → "disconnect", "jammed"
 *     → "jam") that matches as a prefix; a hyphenated word such as
 *     "Wi-Fi" or "e-mail" stays one term, matching the phrase "wi fi" or
 *     the word "wifi" (never "wi" and "fi" apart, which would match
 *     "with" and "file"); words with digits (file names, dates) are left
 *     out.
 *  2. Candidates: the articles matching any term, by bm25 (rank_matches),
 *     as many as SUGGEST_CANDIDATES.
 *  3. Each candidate's score: the sum of the weights of the terms it
 *     matches, a term's weight being its inverse document frequency
 *     (rare words say more), half again for a term of the ticket's title,
 *     halved when the article has it only in its body. A candidate is
 *     suggested when its score reaches SUGGEST_FLOOR of what an article
 *     matching every term in its title would score, and half the best
 *     candidate's: nothing is better than something unrelated.
 *
 * tests/test-kb-suggest.c measures this on a labelled set of thirty
 * tickets and fifteen articles. */

#define SUGGEST_CANDIDATES 20
#define SUGGEST_FLOOR 0.2
#define SUGGEST_OF_BEST 0.5

typedef struct {
  char    *match;      /* its FTS5 expression */
  char    *key;        /* to drop repeats */
  gboolean in_title;   /* from the ticket's title */
} SuggestTerm;

static void
suggest_term_clear (gpointer data)
{
  SuggestTerm *term = data;

  g_free (term->match);
  g_free (term->key);
}

/* "jams" → "jam", "disconnecting" → "disconnect", "jammed" → "jam",
 * "deleted" → "delet": a stem that finds the word's forms as a prefix. */
static void
stem (char *word)
{
  static const char * const endings[] = { "ing", "ed" };
  gsize len = strlen (word);

  if (len > 3 && word[len - 1] == 's' && word[len - 2] != 's' && word[len - 2] != 'u')
    word[--len] = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      gsize ending = strlen (endings[i]);

      if (len >= ending + 3 && g_str_has_suffix (word, endings[i]))
        {
          len -= ending;
          word[len] = '\0';
          /* "jamm" → "jam", but "install" and "fill" stay. */
          if (len >= 4 && word[len - 1] == word[len - 2] && strchr ("aeioulsz", word[len - 1]) == NULL)
            word[--len] = '\0';
          break;
        }
    }
}

static gboolean
has_digit (const char *word)
{
  for (const char *p = word; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;

  return FALSE;
}

/* Adds @text's terms to @terms, in order, without repeats, up to
 * MAX_SUGGEST_WORDS. Invalid UTF-8 ends the text. */
static void
add_suggest_terms (GArray     *terms,
                   const char *text,
                   gboolean    in_title)
{
  const char *p = text != NULL ? text : "";
  const char *end = NULL;

  g_utf8_validate (p, -1, &end);
  while (p < end && terms->len < MAX_SUGGEST_WORDS)
    {
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *key = NULL;
      SuggestTerm term = { NULL, };
      gboolean skip = FALSE;

      while (p < end && !is_word_char (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p >= end)
        break;

      /* A word, and the words joined to it by hyphens. */
      for (;;)
        {
          const char *start = p;

          while (p < end && is_word_char (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          g_ptr_array_add (parts, g_utf8_strdown (start, p - start));
          if (p + 1 < end && *p == '-' && is_word_char (g_utf8_get_char (p + 1)))
            p++;
          else
            break;
        }
      g_ptr_array_add (parts, NULL);

      for (guint i = 0; parts->pdata[i] != NULL; i++)
        skip |= has_digit (parts->pdata[i]);
      if (skip)
        continue;

      if (parts->len == 2)
        {
          char *word = parts->pdata[0];

          if (g_utf8_strlen (word, -1) < 2 || is_stopword (word))
            continue;
          stem (word);
          key = g_strdup (word);
          term.match = g_strdup_printf (g_utf8_strlen (word, -1) >= 3 ? "\"%s\"*" : "\"%s\"", word);
        }
      else
        {
          g_autofree char *spaced = g_strjoinv (" ", (char **) parts->pdata);
          g_autofree char *joined = g_strjoinv ("", (char **) parts->pdata);

          key = g_strjoinv ("-", (char **) parts->pdata);
          term.match = g_strdup_printf ("(\"%s\" OR \"%s\")", spaced, joined);
        }

      for (guint i = 0; i < terms->len && !skip; i++)
        skip = g_str_equal (g_array_index (terms, SuggestTerm, i).key, key);
      if (skip || strchr (key, '"') != NULL)
        {
          g_free (term.match);
          continue;
        }

      term.key = g_steal_pointer (&key);
      term.in_title = in_title;
      g_array_append_val (terms, term);
    }
}

/* The first column of @stmt's one row, with @match (if not NULL) bound
 * to its first parameter; @stmt is reset first, to run again. */
static gboolean
count_matches (HdStore       *self,
               sqlite3_stmt  *stmt,
               const char    *match,
               gint64        *count,
               GError       **error)
{
  int rc;

  sqlite3_reset (stmt);
  if (match != NULL)
    sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  *count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Adds @weight to the score (id → double *) of every candidate of @ids
 * (a JSON array, bound to @stmt already) that matches @match; @stmt is
 * SCORE_SQL. */
#define SCORE_SQL \
  "SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?1 AND +rowid IN (SELECT value FROM json_each(?2))"

static gboolean
score_matches (HdStore       *self,
               sqlite3_stmt  *stmt,
               const char    *match,
               double         weight,
               GHashTable    *scores,
               GError       **error)
{
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      double *score = g_hash_table_lookup (scores, &id);

      if (score != NULL)
        *score += weight;
    }
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

/* Weighs @terms, scores the candidates of @found by them, and keeps those
 * worth suggesting, best first (see "Suggestions" above). */
static gboolean
keep_suggestions (HdStore  *self,
                  GArray   *terms,
                  GArray   *found,
                  GError  **error)
{
  g_autoptr(GHashTable) scores = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_autoptr(GString) ids = g_string_new ("[");
  g_autoptr(sqlite3_stmt) all = NULL;
  g_autoptr(sqlite3_stmt) matching = NULL;
  g_autoptr(sqlite3_stmt) score = NULL;
  double full = 0.0, best = 0.0;
  gint64 n_articles = 0;
  guint kept = 0;

  if (found->len == 0)
    return TRUE;
  if ((all = hd_store_prepare (self, "SELECT count(*) FROM kb_articles", error)) == NULL ||
      (matching = hd_store_prepare (self, "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH ?",
                                    error)) == NULL ||
      (score = hd_store_prepare (self, SCORE_SQL, error)) == NULL ||
      !count_matches (self, all, NULL, &n_articles, error))
    return FALSE;

  for (guint i = 0; i < found->len; i++)
    {
      Candidate *c = &g_array_index (found, Candidate, i);

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", c->id);
      g_hash_table_insert (scores, &c->id, g_new0 (double, 1));
    }
  g_string_append_c (ids, ']');
  sqlite3_bind_text (score, 2, ids->str, -1, SQLITE_STATIC);

  for (guint i = 0; i < terms->len; i++)
    {
      SuggestTerm *term = &g_array_index (terms, SuggestTerm, i);
      g_autofree char *in_title = g_strdup_printf ("{title tags} : %s", term->match);
      double boost = term->in_title ? 1.5 : 1.0;
      double weight;
      gint64 df = 0;

      /* Okapi's inverse document frequency, never below zero; a term as
       * rare as can be (one article) is what a full match counts. */
      if (!count_matches (self, matching, term->match, &df, error))
        return FALSE;
      full += boost * log ((n_articles - 1 + 0.5) / 1.5 + 1.0);
      if (df == 0)
        continue;
      weight = boost * log ((n_articles - df + 0.5) / (df + 0.5) + 1.0);

      if (!score_matches (self, score, term->match, weight / 2, scores, error) ||
          !score_matches (self, score, in_title, weight / 2, scores, error))
        return FALSE;
    }

  for (guint i = 0; i < found->len; i++)
    {
      Candidate *c = &g_array_index (found, Candidate, i);

      c->score = *(double *) g_hash_table_lookup (scores, &c->id);
      best = MAX (best, c->score);
    }

  for (guint i = 0; i < found->len; i++)
    {
      Candidate c = g_array_index (found, Candidate, i);

      if (c.score >= SUGGEST_FLOOR * full && c.score >= SUGGEST_OF_BEST * best)
        g_array_index (found, Candidate, kept++) = c;
    }
  g_array_set_size (found, kept);
  g_array_sort (found, compare_candidates);
  return TRUE;
}

/**
 * hd_store_suggest_articles:
 * @title: (nullable): the ticket's title
 * @description: (nullable): its description
 * @ticket: a ticket whose linked articles to leave out, or 0
 * @limit: at most this many; 0 for 20
 *
 * Articles for a ticket that a technician would call right, best first:
 * see "Suggestions" above. Often none.
 *
 * Returns: (transfer full) (element-type HdArticleHit): the hits, best first
 */
GPtrArray *
hd_store_suggest_articles (HdStore     *self,
                           const char  *title,
                           const char  *description,
                           gint64       ticket,
                           guint        limit,
                           GError     **error)
{
  g_autoptr(GArray) terms = g_array_new (FALSE, TRUE, sizeof (SuggestTerm));
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GString) match = g_string_new (NULL);

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  limit = limit > 0 ? limit : DEFAULT_LIMIT;
  g_array_set_clear_func (terms, suggest_term_clear);
  add_suggest_terms (terms, title, TRUE);
  add_suggest_terms (terms, description, FALSE);
  if (terms->len == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < terms->len; i++)
    g_string_append_printf (match, "%s%s", i > 0 ? " OR " : "",
                            g_array_index (terms, SuggestTerm, i).match);

  if (!rank_matches (self, FALSE, match->str, NULL, ticket, MAX (limit, SUGGEST_CANDIDATES),
                     found, seen, error) ||
      !keep_suggestions (self, terms, found, error))
    return NULL;
  if (found->len > limit)
    g_array_set_size (found, limit);

  return make_hits (self, found, match->str, NULL, error);
}

/* Links */

static gboolean
check_ticket_exists (HdStore  *self,
                     gint64    ticket,
                     GError  **error)
{
  g_autoptr(HdTicket) found = hd_store_get_ticket (self, ticket, error);

  return found != NULL;
}

static gboolean
insert_link_event (HdStore     *self,
                   HdPerson    *me,
                   gint64       ticket,
                   gint64       article,
                   gboolean     linked,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) touch = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, article);

  stmt = hd_store_prepare (self,
                           "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, field,"
                           " old_value, new_value) VALUES (?, ?, ?, 'field', 'article', ?, ?)",
                           error);
  touch = hd_store_prepare (self, "UPDATE tickets SET updated_at = ? WHERE id = ?", error);
  if (stmt == NULL || touch == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket);
  sqlite3_bind_int64 (stmt, 2, hd_store_now (self));
  sqlite3_bind_int64 (stmt, 3, hd_person_get_id (me));
  sqlite3_bind_text (stmt, linked ? 5 : 4, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (touch, 1, hd_store_now (self));
  sqlite3_bind_int64 (touch, 2, ticket);

  return hd_store_step_done (self, stmt, error) &&
         hd_store_step_done (self, touch, error) &&
         hd_store_log_change (self, "tickets", ticket, linked ? "linked" : "unlinked", error) &&
         hd_store_log_change (self, "kb_articles", article, linked ? "linked" : "unlinked", error);
}

/* Inside a write transaction. */
static gboolean
link_locked (HdStore   *self,
             HdPerson  *me,
             gint64     article,
             gint64     ticket,
             GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdArticle) found = NULL;

  if (!hd_rules_check_write_kb (me, error) ||
      !check_ticket_exists (self, ticket, error))
    return FALSE;

  found = load_article (self, article, error);
  if (found == NULL)
    return FALSE;

  stmt = hd_store_prepare (self,
                           "INSERT INTO ticket_article_links (ticket_id, article_id, linked_by,"
                           " linked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket);
  sqlite3_bind_int64 (stmt, 2, article);
  sqlite3_bind_int64 (stmt, 3, hd_person_get_id (me));
  sqlite3_bind_int64 (stmt, 4, hd_store_now (self));
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (hd_store_get_db (self)) == 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_EXISTS,
                   _("Article %" G_GINT64_FORMAT " is linked to ticket #%" G_GINT64_FORMAT " already."),
                   article, ticket);
      return FALSE;
    }

  return insert_link_event (self, me, ticket, article, TRUE, error);
}

/**
 * hd_store_link_article:
 *
 * Links an article to a ticket (staff only).
 */
gboolean
hd_store_link_article (HdStore  *self,
                       gint64    article,
                       gint64    ticket,
                       GError  **error)
{
  g_autoptr(HdPerson) me = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_begin_write (self, error))
    return FALSE;

  me = hd_store_lock_me (self, error);
  if (me == NULL || !link_locked (self, me, article, ticket, error) ||
      !hd_store_commit (self, error))
    {
      hd_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * hd_store_unlink_article:
 *
 * Removes the link between an article and a ticket (staff only).
 */
gboolean
hd_store_unlink_article (HdStore  *self,
                         gint64    article,
                         gint64    ticket,
                         GError  **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_begin_write (self, error))
    return FALSE;

  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_write_kb (me, error) ||
      !check_ticket_exists (self, ticket, error))
    goto fail;

  stmt = hd_store_prepare (self,
                           "DELETE FROM ticket_article_links WHERE ticket_id = ? AND article_id = ?",
                           error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, ticket);
  sqlite3_bind_int64 (stmt, 2, article);
  if (!hd_store_step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (hd_store_get_db (self)) == 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("Article %" G_GINT64_FORMAT " is not linked to ticket #%" G_GINT64_FORMAT "."),
                   article, ticket);
      goto fail;
    }

  if (!insert_link_event (self, me, ticket, article, FALSE, error) ||
      !hd_store_commit (self, error))
    goto fail;

  return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/**
 * hd_store_list_ticket_articles:
 *
 * Returns: (transfer full) (element-type HdArticle): the articles linked to
 *   a ticket the acting person may see, that they may read
 */
GPtrArray *
hd_store_list_ticket_articles (HdStore  *self,
                               gint64    ticket,
                               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!check_ticket_exists (self, ticket, error))
    return NULL;

  stmt = hd_store_prepare (self,
                           "SELECT " HD_ARTICLE_COLUMNS HD_ARTICLE_FROM
                           " JOIN ticket_article_links l ON l.article_id = k.id"
                           " WHERE l.ticket_id = ?1 AND" VISIBLE_TO ("?2")
                           " ORDER BY l.linked_at, k.id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, ticket);
  sqlite3_bind_int (stmt, 2, hd_rules_sees_internal_kb (hd_store_get_me (self)));
  return collect_articles (self, stmt, error);
}

/**
 * hd_store_list_article_tickets:
 *
 * Returns: (transfer full) (element-type HdTicket): the tickets linked to an
 *   article, that the acting person may see
 */
GPtrArray *
hd_store_list_article_tickets (HdStore  *self,
                               gint64    article,
                               GError  **error)
{
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HdArticle) found = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  HdPerson *me = hd_store_get_me (self);
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  found = hd_store_get_article (self, article, error);
  if (found == NULL)
    return NULL;

  stmt = hd_store_prepare (self,
                           "SELECT " HD_TICKET_COLUMNS HD_TICKET_FROM
                           " JOIN ticket_article_links l ON l.ticket_id = t.id"
                           " WHERE l.article_id = ?1 AND (?2 OR r.login = ?3) ORDER BY t.id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, article);
  sqlite3_bind_int (stmt, 2, hd_person_is_staff (me));
  sqlite3_bind_text (stmt, 3, hd_person_get_login (me), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tickets, hd_ticket_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&tickets);
}

/* Publish as article */

void
hd_article_draft_free (HdArticleDraft *draft)
{
  if (draft == NULL)
    return;

  g_free ((char *) draft->title);
  g_free ((char *) draft->body);
  g_free ((char *) draft->category);
  g_strfreev ((char **) draft->tags);
  g_free (draft);
}

/**
 * hd_store_draft_article_from_ticket:
 *
 * See hd-store.h. Staff only.
 *
 * Returns: (transfer full): a draft to edit and pass to
 *   hd_store_add_article()
 */
HdArticleDraft *
hd_store_draft_article_from_ticket (HdStore  *self,
                                    gint64    ticket,
                                    GError  **error)
{
  g_autoptr(HdTicket) found = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) replies = g_ptr_array_new ();
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(HdKbCategory) category = NULL;
  HdArticleDraft *draft;
  HdStatus status;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!hd_rules_check_write_kb (hd_store_get_me (self), error))
    return NULL;

  found = hd_store_get_ticket (self, ticket, error);
  if (found == NULL)
    return NULL;
  events = hd_store_list_events (self, ticket, error);
  if (events == NULL)
    return NULL;

  /* Public replies by anyone but the requester: staff's answers. */
  for (guint i = 0; i < events->len; i++)
    {
      HdTicketEvent *event = g_ptr_array_index (events, i);

      if (hd_ticket_event_get_kind (event) == HD_EVENT_REPLY &&
          g_strcmp0 (hd_ticket_event_get_actor (event), hd_ticket_get_requester (found)) != 0 &&
          hd_ticket_event_get_body (event) != NULL)
        g_ptr_array_add (replies, (gpointer) hd_ticket_event_get_body (event));
    }

  g_string_append_printf (body, "## %s\n\n", _("Problem"));
  if (hd_ticket_get_description (found) != NULL && hd_ticket_get_description (found)[0] != '\0')
    g_string_append_printf (body, "%s\n\n", hd_ticket_get_description (found));
  else
    g_string_append_printf (body, "%s\n\n", hd_ticket_get_title (found));

  g_string_append_printf (body, "## %s\n\n", _("Solution"));
  status = hd_ticket_get_status (found);
  if (replies->len == 0)
    g_string_append_printf (body, "%s\n\n", _("Describe the solution here."));
  else if (status == HD_STATUS_RESOLVED || status == HD_STATUS_CLOSED)
    g_string_append_printf (body, "%s\n\n", (char *) g_ptr_array_index (replies, replies->len - 1));
  else
    for (guint i = 0; i < replies->len; i++)
      g_string_append_printf (body, "%s\n\n", (char *) g_ptr_array_index (replies, i));

  g_string_append_c (body, '_');
  g_string_append_printf (body, _("From ticket #%" G_GINT64_FORMAT "."), ticket);
  g_string_append (body, "_\n");

  draft = g_new0 (HdArticleDraft, 1);
  draft->title = g_strdup (hd_ticket_get_title (found));
  draft->body = g_string_free (g_steal_pointer (&body), FALSE);
  draft->visibility = HD_VISIBILITY_INTERNAL;
  draft->ticket = ticket;

  if (hd_ticket_get_category (found) != NULL)
    {
      category = hd_store_find_kb_category (self, hd_ticket_get_category (found), NULL);
      if (category != NULL)
        draft->category = g_strdup (hd_kb_category_get_path (category));
    }

  return draft;
}
