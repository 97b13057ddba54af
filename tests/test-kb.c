/* test-kb.c — the knowledge base: articles, categories, visibility,
 * search, suggestions, links, publishing a ticket, and ticket search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "hd-rules.h"
#include "hd-store-private.h"
#include "hd-test-util.h"

typedef HdTestOffice Fixture;

static HdArticle *
add (HdStore      *store,
     const char   *title,
     const char   *body,
     const char   *category,
     HdVisibility  visibility,
     const char   *tags)
{
  g_auto(GStrv) tag_list = tags != NULL ? g_strsplit (tags, ",", -1) : NULL;
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;
  g_autoptr(GError) error = NULL;
  HdArticle *article;

  draft.title = title;
  draft.body = body;
  draft.category = category;
  draft.visibility = visibility;
  draft.tags = (const char * const *) tag_list;
  article = hd_store_add_article (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (article);
  return article;
}

static gint64
sql_count (HdStore    *store,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (hd_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static char *
hit_ids (GPtrArray *hits)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < hits->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (hits, i))));
  return g_string_free (ids, FALSE);
}

/* The ids of what @query finds, "3,1"; freed when the test ends. */
static const char *
search_ids (HdStore    *store,
            const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = hd_store_search_articles (store, query, 0, &error);
  char *ids;

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  ids = hit_ids (hits);
  g_test_queue_free (ids);
  return ids;
}

/* CRUD, history and conflicts */

static void
test_crud (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(HdArticle) a = add (f->tech1, "  Printer jams  ", "Open *tray 2*.", "Hardware / Printers",
                                HD_VISIBILITY_INTERNAL, "Printer, paper ,printer");
  g_autoptr(HdArticle) read = NULL;
  g_autoptr(HdArticle) changed = NULL;
  g_autoptr(HdArticle) same = NULL;
  g_autoptr(HdArticle) stale = NULL;
  g_autoptr(HdArticle) archived = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  HdArticleChanges changes = { .body = "Open **tray 2** and pull." };
  HdArticleChanges title_change = { .title = "Stale title" };
  const char * const *tags;
  gint64 logged = sql_count (f->disp, "SELECT count(*) FROM change_log WHERE tbl = 'kb_articles'");

  g_assert_cmpstr (hd_article_get_title (a), ==, "Printer jams");
  g_assert_cmpstr (hd_article_get_category_path (a), ==, "Hardware/Printers");
  tags = hd_article_get_tags (a);
  g_assert_cmpuint (g_strv_length ((char **) tags), ==, 2);
  g_assert_cmpstr (tags[0], ==, "paper");
  g_assert_cmpstr (tags[1], ==, "printer");
  g_assert_cmpstr (hd_article_get_author (a), ==, "tech1");
  g_assert_cmpint (hd_article_get_version (a), ==, 1);

  read = hd_store_get_article (f->disp, hd_article_get_id (a), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_article_get_body (read), ==, "Open *tray 2*.");

  changed = hd_store_update_article (f->disp, hd_article_get_id (a), 1, &changes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_article_get_version (changed), ==, 2);
  g_assert_cmpstr (hd_article_get_body (changed), ==, "Open **tray 2** and pull.");
  g_assert_cmpint (sql_count (f->disp, "SELECT count(*) FROM change_log WHERE tbl = 'kb_articles'"),
                   ==, logged + 1);

  /* The same text again is no change. */
  same = hd_store_update_article (f->disp, hd_article_get_id (a), 2, &changes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_article_get_version (same), ==, 2);

  /* A stale version is refused and changes nothing. */
  stale = hd_store_update_article (f->tech1, hd_article_get_id (a), 1, &title_change, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_CONFLICT);
  g_assert_null (stale);
  g_clear_error (&error);
  g_clear_object (&read);
  read = hd_store_get_article (f->tech1, hd_article_get_id (a), &error);
  g_assert_cmpstr (hd_article_get_title (read), ==, "Printer jams");
  g_assert_cmpint (hd_article_get_version (read), ==, 2);

  history = hd_store_list_article_history (f->disp, hd_article_get_id (a), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (hd_article_revision_get_kind (g_ptr_array_index (history, 0)), ==,
                   HD_ARTICLE_EVENT_CREATED);
  g_assert_cmpint (hd_article_revision_get_kind (g_ptr_array_index (history, 1)), ==,
                   HD_ARTICLE_EVENT_EDITED);
  g_assert_cmpstr (hd_article_revision_get_actor (g_ptr_array_index (history, 1)), ==, "disp");
  g_assert_cmpstr (hd_article_revision_get_old_body (g_ptr_array_index (history, 1)), ==,
                   "Open *tray 2*.");
  g_assert_null (hd_article_revision_get_old_title (g_ptr_array_index (history, 1)));
  g_assert_cmpstr (hd_article_revision_get_fields (g_ptr_array_index (history, 1))[0], ==, "body");
  g_assert_cmpint (hd_article_revision_get_version (g_ptr_array_index (history, 1)), ==, 2);

  /* Invalid input */
  {
    HdArticleDraft empty = HD_ARTICLE_DRAFT_INIT;
    g_autoptr(HdArticle) none = NULL;
    const char *comma[] = { "a,b", NULL };

    empty.title = "   ";
    none = hd_store_add_article (f->disp, &empty, &error);
    g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
    g_clear_error (&error);

    empty.title = "Bad tag";
    empty.tags = comma;
    none = hd_store_add_article (f->disp, &empty, &error);
    g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
    g_clear_error (&error);

    empty.title = "Control\001char";
    empty.tags = NULL;
    none = hd_store_add_article (f->disp, &empty, &error);
    g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  /* Archive: out of lists, still readable by staff. */
  archived = hd_store_set_article_archived (f->disp, hd_article_get_id (a), 2, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_article_get_archived_at (archived), >, 0);
  all = hd_store_list_articles (f->disp, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 0);
  g_assert_cmpstr (search_ids (f->disp, "printer"), ==, "");
}

static void
test_requester_cannot_write (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HdArticle) a = add (f->disp, "FAQ", "Text", NULL, HD_VISIBILITY_FAQ, NULL);
  g_autoptr(HdArticle) none = NULL;
  g_autoptr(HdKbCategory) cat = NULL;
  g_autoptr(GError) error = NULL;
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;
  HdArticleChanges changes = { .title = "Mine now" };

  draft.title = "By a requester";
  none = hd_store_add_article (f->req1, &draft, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  none = hd_store_update_article (f->req1, hd_article_get_id (a), 0, &changes, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  cat = hd_store_add_kb_category (f->req1, 0, "Mine", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_assert_null (cat);
}

/* Categories */

static void
test_categories (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HdKbCategory) hw = NULL;
  g_autoptr(HdKbCategory) printers = NULL;
  g_autoptr(HdKbCategory) net = NULL;
  g_autoptr(HdKbCategory) dup = NULL;
  g_autoptr(HdKbCategory) moved = NULL;
  g_autoptr(HdKbCategory) renamed = NULL;
  g_autoptr(HdKbCategory) loop = NULL;
  g_autoptr(HdKbCategory) found = NULL;
  g_autoptr(HdArticle) a1 = NULL;
  g_autoptr(HdArticle) a2 = NULL;
  g_autoptr(HdArticle) a3 = NULL;
  g_autoptr(GPtrArray) tree = NULL;
  g_autoptr(GPtrArray) req_tree = NULL;
  g_autoptr(GPtrArray) under_hw = NULL;
  g_autoptr(GError) error = NULL;
  HdArticleFilter filter = { 0 };

  hw = hd_store_add_kb_category (f->tech1, 0, "Hardware", &error);
  g_assert_no_error (error);
  printers = hd_store_add_kb_category (f->tech1, hd_kb_category_get_id (hw), "Printers", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_kb_category_get_path (printers), ==, "Hardware/Printers");
  g_assert_cmpuint (hd_kb_category_get_depth (printers), ==, 1);

  dup = hd_store_add_kb_category (f->tech1, 0, "hardware", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_EXISTS);
  g_clear_error (&error);
  dup = hd_store_add_kb_category (f->tech1, 0, "A/B", &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  a1 = add (f->disp, "Toner", "x", "Hardware/Printers", HD_VISIBILITY_FAQ, NULL);
  a2 = add (f->disp, "Cables", "x", "Hardware", HD_VISIBILITY_INTERNAL, NULL);
  a3 = add (f->disp, "VPN", "x", "Network", HD_VISIBILITY_INTERNAL, NULL);

  /* By category, with descendants. */
  filter.category_id = hd_kb_category_get_id (hw);
  under_hw = hd_store_list_articles (f->disp, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (under_hw->len, ==, 2);
  g_assert_cmpstr (hd_article_get_title (g_ptr_array_index (under_hw, 0)), ==, "Cables");

  tree = hd_store_list_kb_categories (f->disp, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tree->len, ==, 3);
  g_assert_cmpstr (hd_kb_category_get_path (g_ptr_array_index (tree, 0)), ==, "Hardware");
  g_assert_cmpstr (hd_kb_category_get_path (g_ptr_array_index (tree, 1)), ==, "Hardware/Printers");
  g_assert_cmpstr (hd_kb_category_get_path (g_ptr_array_index (tree, 2)), ==, "Network");
  g_assert_cmpuint (hd_kb_category_get_n_articles (g_ptr_array_index (tree, 0)), ==, 1);

  /* Requesters see the branches that hold FAQ articles. */
  req_tree = hd_store_list_kb_categories (f->req1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (req_tree->len, ==, 2);
  g_assert_cmpuint (hd_kb_category_get_n_articles (g_ptr_array_index (req_tree, 0)), ==, 0);

  net = hd_store_find_kb_category (f->disp, "network", &error);
  g_assert_no_error (error);
  moved = hd_store_move_kb_category (f->disp, hd_kb_category_get_id (net),
                                     hd_kb_category_get_id (hw), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_kb_category_get_path (moved), ==, "Hardware/Network");

  loop = hd_store_move_kb_category (f->disp, hd_kb_category_get_id (hw),
                                    hd_kb_category_get_id (printers), &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  renamed = hd_store_rename_kb_category (f->disp, hd_kb_category_get_id (hw), "Devices", &error);
  g_assert_no_error (error);
  found = hd_store_find_kb_category (f->disp, "Devices/Network", &error);
  g_assert_no_error (error);
  {
    g_autoptr(HdArticle) vpn = hd_store_get_article (f->disp, hd_article_get_id (a3), &error);

    g_assert_cmpstr (hd_article_get_category_path (vpn), ==, "Devices/Network");
  }

  g_assert_false (hd_store_delete_kb_category (f->disp, hd_kb_category_get_id (hw), &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
}

/* A move keeps the whole subtree within the depth limit, and a rename with
 * a move happens whole or not at all. */
static void
test_category_moves (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HdKbCategory) deep = NULL;
  g_autoptr(HdKbCategory) x = NULL;
  g_autoptr(HdKbCategory) z = NULL;
  g_autoptr(HdKbCategory) refused = NULL;
  g_autoptr(HdKbCategory) changed = NULL;
  g_autoptr(HdKbCategory) clash = NULL;
  g_autoptr(HdKbCategory) found = NULL;
  g_autoptr(GError) error = NULL;
  const char *levels[] = { "A", "B", "C", "D", "E", "F" };
  gint64 parent = 0;

  /* A/B/C/D/E/F: six levels; X/Y/Z: three. */
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_clear_object (&deep);
      deep = hd_store_add_kb_category (f->disp, parent, levels[i], &error);
      g_assert_no_error (error);
      parent = hd_kb_category_get_id (deep);
    }
  x = hd_store_add_kb_category (f->disp, 0, "X", &error);
  g_assert_no_error (error);
  {
    g_autoptr(HdKbCategory) y = hd_store_add_kb_category (f->disp, hd_kb_category_get_id (x), "Y",
                                                          &error);

    g_assert_no_error (error);
    z = hd_store_add_kb_category (f->disp, hd_kb_category_get_id (y), "Z", &error);
    g_assert_no_error (error);
  }

  /* Below F, Z would be the ninth level. */
  refused = hd_store_move_kb_category (f->disp, hd_kb_category_get_id (x),
                                       hd_kb_category_get_id (deep), &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_assert_null (refused);
  g_clear_error (&error);
  found = hd_store_find_kb_category (f->disp, "X/Y/Z", &error);
  g_assert_no_error (error);
  g_clear_object (&found);

  /* Below E it is the eighth: allowed. */
  changed = hd_store_change_kb_category (f->disp, hd_kb_category_get_id (x), "Moved",
                                         hd_kb_category_get_parent_id (deep), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_kb_category_get_path (changed), ==, "A/B/C/D/E/Moved");
  found = hd_store_find_kb_category (f->disp, "A/B/C/D/E/Moved/Y/Z", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hd_kb_category_get_depth (found), ==, 7);
  g_clear_object (&found);

  /* Renamed to a name taken where it goes: neither the name nor the place
   * changes. */
  clash = hd_store_change_kb_category (f->disp, hd_kb_category_get_id (x), "a", 0, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_EXISTS);
  g_assert_null (clash);
  g_clear_error (&error);
  found = hd_store_find_kb_category (f->disp, "A/B/C/D/E/Moved", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_kb_category_get_id (found), ==, hd_kb_category_get_id (x));
  g_clear_object (&found);

  /* A path, with the levels above made as needed; the last must be new. */
  {
    g_autoptr(HdKbCategory) chairs = hd_store_add_kb_category_path (f->tech1, " Office / Chairs ",
                                                                    &error);
    g_autoptr(HdKbCategory) desks = NULL;
    g_autoptr(HdKbCategory) again = NULL;
    g_autoptr(HdKbCategory) req = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (hd_kb_category_get_path (chairs), ==, "Office/Chairs");
    desks = hd_store_add_kb_category_path (f->tech1, "office/Desks", &error);
    g_assert_no_error (error);
    g_assert_cmpint (hd_kb_category_get_parent_id (desks), ==,
                     hd_kb_category_get_parent_id (chairs));
    again = hd_store_add_kb_category_path (f->tech1, "Office/chairs", &error);
    g_assert_error (error, HD_ERROR, HD_ERROR_EXISTS);
    g_clear_error (&error);
    req = hd_store_add_kb_category_path (f->req1, "Mine/Own", &error);
    g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
    found = hd_store_find_kb_category (f->disp, "Mine", &error);
    g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
    g_assert_null (found);
  }
}

/* Visibility */

static void
test_faq_visibility (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HdArticle) faq = add (f->disp, "Reset your password", "Use the password portal.", NULL,
                                  HD_VISIBILITY_FAQ, "password");
  g_autoptr(HdArticle) internal = add (f->disp, "Password database admin", "Root password rotation.",
                                       NULL, HD_VISIBILITY_INTERNAL, "password");
  g_autoptr(HdArticle) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) staff_list = NULL;
  g_autoptr(GPtrArray) suggested = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_auto(GStrv) tags = NULL;
  g_autoptr(GError) error = NULL;

  list = hd_store_list_articles (f->req1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (hd_article_get_id (g_ptr_array_index (list, 0)), ==, hd_article_get_id (faq));
  staff_list = hd_store_list_articles (f->tech1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (staff_list->len, ==, 2);

  got = hd_store_get_article (f->req1, hd_article_get_id (internal), &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_null (got);
  g_clear_error (&error);
  history = hd_store_list_article_history (f->req1, hd_article_get_id (internal), &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  got = hd_store_get_article (f->req1, hd_article_get_id (faq), &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);

  g_assert_cmpstr (search_ids (f->req1, "password"), ==, "1");
  g_assert_cmpstr (search_ids (f->tech1, "password"), ==, "2,1");
  g_assert_cmpstr (search_ids (f->req1, "rotation"), ==, "");
  g_assert_cmpstr (search_ids (f->req1, "otatio"), ==, "");

  /* The internal article fits better, and is never suggested to a
   * requester. */
  suggested = hd_store_suggest_articles (f->req1, "reset password rotation", NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (suggested->len, ==, 1);
  g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (suggested, 0))),
                   ==, hd_article_get_id (faq));
  g_clear_pointer (&suggested, g_ptr_array_unref);
  suggested = hd_store_suggest_articles (f->tech1, "root password rotation", NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (suggested->len, >=, 1);
  g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (suggested, 0))),
                   ==, hd_article_get_id (internal));

  tags = hd_store_list_kb_tags (f->req1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (tags), ==, 1);

  /* A rule, for the window to decide what to offer. */
  g_assert_false (hd_rules_can_see_article (hd_store_get_me (f->req1), internal));
  g_assert_true (hd_rules_can_see_article (hd_store_get_me (f->req1), faq));
}

/* Search */

static void
test_search_awkward (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HdArticle) a = add (f->disp, "Printer \"quotes\" AND (parens)", "NEAR the OR printer - body *",
                                NULL, HD_VISIBILITY_INTERNAL, NULL);
  g_autofree char *very_long = NULL;
  const char *queries[] = {
    "", " ", "\"", "\"\"", "\"printer", "printer\"", "'", "*", "**", "printer*", "*printer",
    "-", "-printer", "printer -body", "NEAR", "NEAR(printer body)", "NEAR(printer", "AND", "OR",
    "NOT", "printer AND", "AND printer", "printer OR NOT", "(", ")", "(printer", "printer)",
    "((", "{title}: printer", "title:printer", "^printer", "+", "printer + body", "…",
    "🙂", "🖨️ printer", "!!!", "\\", "%", "_", "'; DROP TABLE kb_articles; --", "\t\n",
    "ünïcödé", "東京", "a", "ab", "abc", "pr",
  };
  GString *lots = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) hits = hd_store_search_articles (f->disp, queries[i], 0, &error);
      g_autoptr(GPtrArray) tickets = NULL;
      HdTicketFilter filter = { .search = queries[i] };

      g_assert_no_error (error);
      g_assert_nonnull (hits);
      tickets = hd_store_list_tickets (f->req1, &filter, &error);
      g_assert_no_error (error);
      g_assert_nonnull (tickets);
      g_clear_pointer (&hits, g_ptr_array_unref);
      hits = hd_store_suggest_articles (f->disp, queries[i], queries[i], 0, 0, &error);
      g_assert_no_error (error);
      g_assert_nonnull (hits);
    }

  for (guint i = 0; i < 2000; i++)
    g_string_append (lots, "printer \"NEAR( ");
  very_long = g_string_free (lots, FALSE);
  g_assert_cmpstr (search_ids (f->disp, very_long), ==, "1");

  /* Nothing but punctuation finds nothing. */
  g_assert_cmpstr (search_ids (f->disp, ""), ==, "");
  g_assert_cmpstr (search_ids (f->disp, "\"(*)-"), ==, "");
  /* Operators are words. */
  g_assert_cmpstr (search_ids (f->disp, "NEAR"), ==, "1");
  g_assert_cmpstr (search_ids (f->disp, "\"quotes"), ==, "1");
  g_assert_cmpstr (search_ids (f->disp, "(parens"), ==, "1");
  g_assert_cmpstr (hd_article_get_title (a), ==, "Printer \"quotes\" AND (parens)");
}

static void
test_search_ranking (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HdArticle) body_only = add (f->disp, "Paper feed", "The printer pulls two sheets.", NULL,
                                        HD_VISIBILITY_INTERNAL, NULL);
  g_autoptr(HdArticle) in_title = add (f->disp, "Printer pulls two sheets", "Clean the rollers.",
                                       NULL, HD_VISIBILITY_INTERNAL, NULL);
  g_autoptr(HdArticle) tagged = add (f->disp, "Rollers", "Clean them.", NULL,
                                     HD_VISIBILITY_INTERNAL, "printers");
  g_autoptr(HdArticle) other = add (f->disp, "VPN", "Tunnel.", NULL, HD_VISIBILITY_INTERNAL, NULL);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  HdArticleHit *first;
  g_autofree char *markup = NULL;

  /* Title before tags before body; "print" is a prefix of all three. */
  g_assert_cmpstr (search_ids (f->disp, "printer"), ==, "2,3,1");
  g_assert_cmpstr (search_ids (f->disp, "print"), ==, "2,3,1");
  /* Part of a word, through the trigrams. */
  g_assert_cmpstr (search_ids (f->disp, "rinte"), ==, "2,3,1");
  g_assert_cmpstr (search_ids (f->disp, "unnel"), ==, "4");
  /* Every word must match, as a word, a prefix, or a part. */
  g_assert_cmpstr (search_ids (f->disp, "printer rollers"), ==, "3,2");
  g_assert_cmpstr (search_ids (f->disp, "sheets rollers"), ==, "2");
  g_assert_cmpstr (search_ids (f->disp, "heet olle"), ==, "2");
  g_assert_cmpstr (search_ids (f->disp, "she olle"), ==, "2");
  g_assert_cmpstr (search_ids (f->disp, "nothing-like-this"), ==, "");
  /* Word matches come before part-of-word matches. */
  g_assert_cmpstr (search_ids (f->disp, "she"), ==, "2,1");

  hits = hd_store_search_articles (f->disp, "printer", 0, &error);
  g_assert_no_error (error);
  first = g_ptr_array_index (hits, 0);
  g_assert_cmpstr (hd_article_hit_get_marked_title (first), ==,
                   HD_MARK_START "Printer" HD_MARK_END " pulls two sheets");
  g_assert_cmpfloat (hd_article_hit_get_score (first), >,
                     hd_article_hit_get_score (g_ptr_array_index (hits, 1)));
  g_assert_nonnull (strstr (hd_article_hit_get_marked_snippet (g_ptr_array_index (hits, 2)),
                            HD_MARK_START "printer" HD_MARK_END));
  markup = hd_marked_text_to_markup ("a <b> " HD_MARK_START "x&y" HD_MARK_END, NULL, NULL);
  g_assert_cmpstr (markup, ==, "a &lt;b&gt; <b>x&amp;y</b>");
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = hd_store_search_articles (f->disp, "rinte", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_article_hit_get_marked_title (g_ptr_array_index (hits, 0)), ==,
                   "P" HD_MARK_START "rinte" HD_MARK_END "r pulls two sheets");
  (void) body_only; (void) in_title; (void) tagged; (void) other;
}

/* Suggestions on a small fixed corpus */

static void
test_suggestions (Fixture       *f,
                  gconstpointer  data)
{
  const struct { const char *title, *body, *tags; } corpus[] = {
    { "Printer jams on every floor", "Open the side door, remove the jammed paper, close the door.", "printer,paper" },
    { "Installing a printer driver", "Download the driver from the vendor and run the installer.", "printer,driver" },
    { "Connecting to the VPN", "Start the VPN client and sign in with your account.", "vpn,network" },
    { "Resetting your password", "Use the self-service portal to choose a new password.", "password,account" },
    { "Monitor flickers or stays black", "Check the cable and the input source of the monitor.", "monitor,hardware" },
    { "Floor plan of the office", "Rooms on floor 1 and floor 2, with their network ports.", "office" },
    { "Ordering toner", "Toner for the printers is ordered through purchasing.", "printer,toner" },
    { "Email on the phone", "Add the account in the mail app of your phone.", "email,phone" },
  };
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autoptr(HdArticle) a = add (f->disp, corpus[i].title, corpus[i].body, NULL,
                                    HD_VISIBILITY_INTERNAL, corpus[i].tags);
    }

  hits = hd_store_suggest_articles (f->tech1, "Printer on floor 2 jams",
                                    "Paper is stuck again, the display says jam in tray 2.", 0, 5,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, >=, 1);
  g_assert_cmpuint (hits->len, <=, 5);
  g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (hits, 0))), ==, 1);
  /* "floor" alone does not make the floor plan a suggestion. */
  for (guint i = 0; i < hits->len; i++)
    g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (hits, i))),
                     !=, 6);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = hd_store_suggest_articles (f->tech1, "Can't connect to VPN from home", NULL, 0, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (hits, 0))), ==, 3);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = hd_store_suggest_articles (f->tech1, "my screen flickers", "the monitor goes black", 0, 5,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (hits, 0))), ==, 5);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Only stopwords: nothing to suggest. */
  hits = hd_store_suggest_articles (f->tech1, "it is not the", "please help", 0, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);

  /* An article linked to the ticket is not suggested again. */
  ticket = hd_test_file_ticket (f->req1, "Printer on floor 2 jams");
  g_assert_true (hd_store_link_article (f->tech1, 1, hd_ticket_get_number (ticket), &error));
  g_assert_no_error (error);
  again = hd_store_suggest_articles (f->tech1, "Printer on floor 2 jams", NULL,
                                     hd_ticket_get_number (ticket), 5, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < again->len; i++)
    g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (again, i))), !=, 1);
}

/* Links and publishing */

static void
test_links (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "VPN drops");
  g_autoptr(HdTicket) other = hd_test_file_ticket (f->req2, "Mouse");
  g_autoptr(HdTicket) after = NULL;
  g_autoptr(HdArticle) faq = add (f->disp, "VPN FAQ", "x", NULL, HD_VISIBILITY_FAQ, NULL);
  g_autoptr(HdArticle) internal = add (f->disp, "VPN internals", "x", NULL,
                                       HD_VISIBILITY_INTERNAL, NULL);
  g_autoptr(GPtrArray) of_ticket = NULL;
  g_autoptr(GPtrArray) req_of_ticket = NULL;
  g_autoptr(GPtrArray) of_article = NULL;
  g_autoptr(GPtrArray) req2_of_article = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketEvent *last;
  gint64 n = hd_ticket_get_number (ticket);

  g_assert_true (hd_store_link_article (f->tech1, 1, n, &error));
  g_assert_no_error (error);
  g_assert_true (hd_store_link_article (f->tech1, 2, n, &error));
  g_assert_true (hd_store_link_article (f->tech1, 1, hd_ticket_get_number (other), &error));
  g_assert_false (hd_store_link_article (f->tech1, 1, n, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (hd_store_link_article (f->req1, 1, n, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (hd_store_link_article (f->tech1, 99, n, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hd_store_link_article (f->tech1, 1, 99, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The link is history, and does not bump the ticket's version. */
  after = hd_store_get_ticket (f->disp, n, &error);
  g_assert_cmpint (hd_ticket_get_version (after), ==, hd_ticket_get_version (ticket));
  events = hd_store_list_events (f->disp, n, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpint (hd_ticket_event_get_kind (last), ==, HD_EVENT_FIELD);
  g_assert_cmpstr (hd_ticket_event_get_field (last), ==, "article");
  g_assert_cmpstr (hd_ticket_event_get_new_value (last), ==, "2");

  of_ticket = hd_store_list_ticket_articles (f->tech1, n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (of_ticket->len, ==, 2);
  req_of_ticket = hd_store_list_ticket_articles (f->req1, n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (req_of_ticket->len, ==, 1);
  g_assert_cmpstr (hd_article_get_title (g_ptr_array_index (req_of_ticket, 0)), ==, "VPN FAQ");

  of_article = hd_store_list_article_tickets (f->tech1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (of_article->len, ==, 2);
  req2_of_article = hd_store_list_article_tickets (f->req2, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (req2_of_article->len, ==, 1);

  g_assert_true (hd_store_unlink_article (f->tech1, 1, n, &error));
  g_assert_no_error (error);
  g_assert_false (hd_store_unlink_article (f->tech1, 1, n, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  (void) faq; (void) internal;
}

static void
test_publish (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) done = NULL;
  g_autoptr(HdTicketEvent) reply1 = NULL;
  g_autoptr(HdTicketEvent) reply2 = NULL;
  g_autoptr(HdTicketEvent) note = NULL;
  g_autoptr(HdTicketEvent) own = NULL;
  g_autoptr(HdArticleDraft) draft = NULL;
  g_autoptr(HdArticleDraft) refused = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GPtrArray) linked = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft td = HD_TICKET_DRAFT_INIT;

  td.title = "Outlook asks for the password every hour";
  td.description = "Since the update, Outlook keeps asking.";
  ticket = hd_store_create_ticket (f->req1, &td, &error);
  g_assert_no_error (error);
  reply1 = hd_store_add_comment (f->tech1, 1, "Did you change your password lately?", FALSE, &error);
  own = hd_store_add_comment (f->req1, 1, "Yes, on Monday.", FALSE, &error);
  note = hd_store_add_comment (f->tech1, 1, "Secret: token cache broken", TRUE, &error);
  reply2 = hd_store_add_comment (f->tech1, 1, "Remove the saved credentials in the Credential Manager, then sign in again.",
                                 FALSE, &error);
  g_assert_no_error (error);
  done = hd_store_set_ticket_status (f->tech1, 1, 0, HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);

  refused = hd_store_draft_article_from_ticket (f->req1, 1, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  draft = hd_store_draft_article_from_ticket (f->tech1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft->title, ==, "Outlook asks for the password every hour");
  g_assert_cmpint (draft->visibility, ==, HD_VISIBILITY_INTERNAL);
  g_assert_cmpint (draft->ticket, ==, 1);
  g_assert_nonnull (strstr (draft->body, "Since the update"));
  g_assert_nonnull (strstr (draft->body, "Credential Manager"));
  g_assert_null (strstr (draft->body, "Secret"));
  g_assert_null (strstr (draft->body, "on Monday"));
  g_assert_null (strstr (draft->body, "lately"));  /* resolved: the last answer only */

  article = hd_store_add_article (f->tech1, draft, &error);
  g_assert_no_error (error);
  linked = hd_store_list_ticket_articles (f->tech1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (linked->len, ==, 1);
  g_assert_cmpint (hd_article_get_id (g_ptr_array_index (linked, 0)), ==, hd_article_get_id (article));
}

/* Ticket search over tickets_fts */

/* The numbers of the tickets @search finds, "1,3"; freed when the test
 * ends. */
static const char *
ticket_numbers (HdStore    *store,
                const char *search)
{
  HdTicketFilter filter = { .search = search };
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);
  char *numbers;
  guint count = 0;

  tickets = hd_store_list_tickets (store, &filter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < tickets->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            hd_ticket_get_number (g_ptr_array_index (tickets, i)));
  g_assert_true (hd_store_count_tickets (store, &filter, &count, &error));
  g_assert_cmpuint (count, ==, tickets->len);
  numbers = g_string_free (out, FALSE);
  g_test_queue_free (numbers);
  return numbers;
}

static void
test_ticket_search (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HdTicket) t1 = hd_test_file_ticket (f->req1, "Printer jams");
  g_autoptr(HdTicket) t2 = hd_test_file_ticket (f->req1, "Laptop battery");
  g_autoptr(HdTicket) t3 = hd_test_file_ticket (f->req2, "Printer offline");
  g_autoptr(HdTicket) renamed = NULL;
  g_autoptr(HdTicketEvent) reply = NULL;
  g_autoptr(HdTicketEvent) note = NULL;
  g_autoptr(HdTicket) up = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketChanges changes = { .title = "Laptop battery swelling", .description = "Bulging case" };

  reply = hd_store_add_comment (f->tech1, 2, "Bring it to the helpdesk counter.", FALSE, &error);
  g_assert_no_error (error);
  note = hd_store_add_comment (f->tech1, 2, "Supplier warranty claim RMA-77.", TRUE, &error);
  g_assert_no_error (error);
  up = hd_store_escalate_ticket (f->tech1, 1, 0, 2, "Fuser unit broken", &error);
  g_assert_no_error (error);
  renamed = hd_store_update_ticket (f->req1, 2, 0, &changes, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (ticket_numbers (f->disp, "printer"), ==, "1,3");
  g_assert_cmpstr (ticket_numbers (f->disp, "print"), ==, "1,3");
  g_assert_cmpstr (ticket_numbers (f->req1, "printer"), ==, "1");
  g_assert_cmpstr (ticket_numbers (f->disp, "swelling"), ==, "2");
  g_assert_cmpstr (ticket_numbers (f->disp, "bulging"), ==, "2");
  g_assert_cmpstr (ticket_numbers (f->disp, "counter"), ==, "2");
  g_assert_cmpstr (ticket_numbers (f->req1, "counter"), ==, "2");
  /* Internal text: staff find it, requesters never. */
  g_assert_cmpstr (ticket_numbers (f->disp, "warranty"), ==, "2");
  g_assert_cmpstr (ticket_numbers (f->req1, "warranty"), ==, "");
  g_assert_cmpstr (ticket_numbers (f->disp, "fuser"), ==, "1");
  g_assert_cmpstr (ticket_numbers (f->req1, "fuser"), ==, "");
  /* Awkward text is no error. */
  g_assert_cmpstr (ticket_numbers (f->disp, "\"printer"), ==, "1,3");
  g_assert_cmpstr (ticket_numbers (f->disp, "printer AND NOT"), ==, "");
  g_assert_cmpstr (ticket_numbers (f->disp, "(*)"), ==, "");
  g_assert_cmpstr (ticket_numbers (f->disp, "rma 77"), ==, "2");
  (void) t1; (void) t2; (void) t3;
}

/* A word in more tickets than a page walks past (the sort order's index
 * is walked instead of reading every ticket found), and all of them (read
 * from the set of tickets found): the pages are the same as SQL's own
 * answer, in order, with a filter and without. */
static void
test_ticket_search_many (Fixture       *f,
                         gconstpointer  data)
{
  sqlite3 *db = hd_store_get_db (f->disp);
  g_autoptr(GError) error = NULL;
  const struct {
    guint offset;
    guint mask;
    const char *requester;
    guint limit;       /* 0: all */
    guint expected;    /* rows */
  } pages[] = {
    { 0, 0, NULL, 50, 50 },
    { 1000, 0, NULL, 50, 50 },
    { 0, HD_STATUS_MASK (HD_STATUS_NEW), NULL, 50, 50 },
    /* req2 filed more tickets than the search finds, req1 fewer: a page
     * walks past req2's tickets and reads req1's. */
    { 0, 0, "req2", 50, 50 },
    { 100, HD_STATUS_MASK (HD_STATUS_NEW), "req2", 50, 50 },
    { 0, 0, "req1", 50, 50 },
    /* Every ticket found, from an offset or not, with filters or not. */
    { 0, 0, NULL, 0, 2080 },
    { 2000, 0, NULL, 0, 80 },
    { 0, HD_STATUS_MASK (HD_STATUS_NEW), NULL, 0, 1387 },
    { 0, HD_STATUS_MASK (HD_STATUS_NEW), "req2", 0, 1189 },
  };

  /* 2 600 tickets, four in five about toner, at distinct times; one in
   * seven filed by req1 (id 4), the others by req2 (id 5). */
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  for (int i = 0; i < 2600; i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO tickets (title, requester_id, status,"
                                              " created_at, updated_at)"
                                              " VALUES ('%s %d', %d, '%s', %d, %d)",
                                              i % 5 == 0 ? "Laptop" : "Toner low", i,
                                              i % 7 == 0 ? 4 : 5,
                                              i % 3 == 0 ? "open" : "new", i, (i * 7919) % 2600);

      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);

  for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
    {
      HdTicketFilter filter = { .search = "toner", .status_mask = pages[p].mask,
                                .requester = pages[p].requester,
                                .sort = HD_TICKET_SORT_UPDATED, .descending = TRUE,
                                .limit = pages[p].limit, .offset = pages[p].offset };
      g_autoptr(GPtrArray) tickets = hd_store_list_tickets (f->disp, &filter, &error);
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM tickets WHERE title LIKE 'Toner%%'"
                                              " AND (%u = 0 OR status = 'new')"
                                              " AND ('%s' = '' OR requester_id ="
                                              "      (SELECT id FROM people WHERE login = '%s'))"
                                              " ORDER BY updated_at DESC, id DESC"
                                              " LIMIT %d OFFSET %u", pages[p].mask,
                                              pages[p].requester != NULL ? pages[p].requester : "",
                                              pages[p].requester != NULL ? pages[p].requester : "",
                                              pages[p].limit > 0 ? (int) pages[p].limit : -1,
                                              pages[p].offset);
      sqlite3_stmt *stmt = NULL;
      guint i = 0;

      g_assert_no_error (error);
      g_assert_cmpuint (tickets->len, ==, pages[p].expected);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_assert_cmpuint (i, <, tickets->len);
          g_assert_cmpint (hd_ticket_get_number (g_ptr_array_index (tickets, i)), ==,
                           sqlite3_column_int64 (stmt, 0));
          i++;
        }
      sqlite3_finalize (stmt);
      g_assert_cmpuint (i, ==, pages[p].expected);
    }

  /* In number order, a page deep down is read from the tickets found,
   * one near the top by walking the tickets. */
  for (guint offset = 0; offset <= 2000; offset += 1000)
    {
      HdTicketFilter filter = { .search = "toner", .limit = 50, .offset = offset };
      g_autoptr(GPtrArray) tickets = hd_store_list_tickets (f->disp, &filter, &error);
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM tickets WHERE title LIKE 'Toner%%'"
                                              " ORDER BY id LIMIT 50 OFFSET %u", offset);
      sqlite3_stmt *stmt = NULL;
      guint i = 0;

      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_assert_cmpuint (i, <, tickets->len);
          g_assert_cmpint (hd_ticket_get_number (g_ptr_array_index (tickets, i)), ==,
                           sqlite3_column_int64 (stmt, 0));
          i++;
        }
      sqlite3_finalize (stmt);
      g_assert_cmpuint (i, ==, 50);
      g_assert_cmpuint (tickets->len, ==, 50);
    }

  /* Counted in full, or up to a limit (what a list's search asks). */
  {
    HdTicketFilter all = { .search = "toner" };
    HdTicketFilter capped = { .search = "toner", .count_limit = 100 };
    HdTicketFilter few = { .search = "laptop", .count_limit = 1000 };
    guint n = 0;

    g_assert_true (hd_store_count_tickets (f->disp, &all, &n, &error));
    g_assert_cmpuint (n, ==, 2080);
    g_assert_true (hd_store_count_tickets (f->disp, &capped, &n, &error));
    g_assert_cmpuint (n, ==, 100);
    g_assert_true (hd_store_count_tickets (f->disp, &few, &n, &error));
    g_assert_cmpuint (n, ==, 520);
    g_assert_no_error (error);
  }

  /* With a status filter: the new toner tickets (i % 3 != 0). */
  {
    HdTicketFilter fresh = { .search = "toner", .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) };
    HdTicketFilter all = { .search = "toner" };
    g_autoptr(HdTicket) mine = NULL;
    g_autoptr(HdTicket) theirs = NULL;
    guint n = 0;

    g_assert_true (hd_store_count_tickets (f->disp, &fresh, &n, &error));
    g_assert_cmpuint (n, ==, 1387);

    /* What was found is read again after a change, this desk's own or
     * another's. */
    mine = hd_test_file_ticket (f->disp, "Toner for floor 3");
    g_assert_true (hd_store_count_tickets (f->disp, &all, &n, &error));
    g_assert_cmpuint (n, ==, 2081);
    g_assert_true (hd_store_count_tickets (f->disp, &fresh, &n, &error));
    g_assert_cmpuint (n, ==, 1388);
    theirs = hd_test_file_ticket (f->tech1, "Toner cartridge");
    g_assert_true (hd_store_count_tickets (f->disp, &all, &n, &error));
    g_assert_cmpuint (n, ==, 2082);
    g_assert_no_error (error);
  }
}

/* A word in more articles than the search ranks in the index alone: an old
 * article with it in its title still comes first, and a requester, for
 * whom the newest matches are all internal, still finds the FAQ ones. */
static void
test_search_many_matches (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HdArticle) old_title = NULL;
  g_autoptr(HdArticle) old_faq = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) seen_by_requester = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = hd_store_get_db (f->disp);

  old_title = add (f->disp, "Common toner question", "Nothing else.", NULL,
                   HD_VISIBILITY_INTERNAL, NULL);
  old_faq = add (f->disp, "Paper sizes", "The common toner fits every tray.", NULL,
                 HD_VISIBILITY_FAQ, NULL);

  /* 2 500 newer internal articles with the word in their bodies, written
   * at once (the triggers keep the indexes). */
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  for (int i = 0; i < 2500; i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO kb_articles (title, body, author_id,"
                                              " created_at, updated_at)"
                                              " VALUES ('Note %d', 'About toner and paper %d',"
                                              " 1, 1, 1)", i, i);

      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);

  hits = hd_store_search_articles (f->disp, "toner", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 10);
  g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (hits, 0))),
                   ==, hd_article_get_id (old_title));

  seen_by_requester = hd_store_search_articles (f->req1, "toner", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen_by_requester->len, ==, 1);
  g_assert_cmpint (hd_article_get_id (hd_article_hit_get_article (g_ptr_array_index (seen_by_requester, 0))),
                   ==, hd_article_get_id (old_faq));
}

/* A snippet reads as text: no table bars, rules or emphasis marks. */
static void
test_search_snippet_plain (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(HdArticle) wifi = add (f->disp, "Wi-Fi networks",
                                   "The office has two networks:\n\n"
                                   "| Network | Who | Password |\n| --- | --- | --- |\n"
                                   "| Office-Guest | **visitors** | printed at reception |\n",
                                   NULL, HD_VISIBILITY_INTERNAL, NULL);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  const char *snippet;

  hits = hd_store_search_articles (f->tech1, "visitors", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  snippet = hd_article_hit_get_marked_snippet (g_ptr_array_index (hits, 0));
  g_assert_nonnull (strstr (snippet, HD_MARK_START "visitors" HD_MARK_END));
  g_assert_null (strchr (snippet, '|'));
  g_assert_null (strstr (snippet, "---"));
  g_assert_null (strstr (snippet, "**"));
  g_assert_null (strchr (snippet, '\n'));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, hd_test_office_set_up, func, hd_test_office_tear_down)

  ADD ("/kb/crud", test_crud);
  ADD ("/kb/requester-cannot-write", test_requester_cannot_write);
  ADD ("/kb/categories", test_categories);
  ADD ("/kb/category-moves", test_category_moves);
  ADD ("/kb/faq-visibility", test_faq_visibility);
  ADD ("/kb/search/awkward", test_search_awkward);
  ADD ("/kb/search/ranking", test_search_ranking);
  ADD ("/kb/search/many-matches", test_search_many_matches);
  ADD ("/kb/search/snippet-plain", test_search_snippet_plain);
  ADD ("/kb/suggestions", test_suggestions);
  ADD ("/kb/links", test_links);
  ADD ("/kb/publish", test_publish);
  ADD ("/kb/ticket-search", test_ticket_search);
  ADD ("/kb/ticket-search/many", test_ticket_search_many);

  return g_test_run ();
}
