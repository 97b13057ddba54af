/* test-kb.c — the knowledge base in the window, from end to end
 *
 * Articles made through the core API, then read, searched, written and
 * linked to tickets through the window as a person would: the page lists
 * and searches them (matches in bold, awkward queries no error), the
 * article view renders Markdown, the editor previews as it is typed and
 * keeps the text through a conflict, a requester reads FAQ only, a ticket
 * suggests its article and links both ways, staff insert an article into
 * the reply (a staff-only one into an internal note only), a resolved
 * ticket becomes a draft article, and the New Ticket form suggests
 * answers. Staff arrange
 * the categories in their own window. What the editor holds is kept as a
 * draft until it is saved or discarded, and comes back. A tag in an
 * article narrows the list until it is cleared.
 * Screenshots: screenshot-kb.png, screenshot-kb-tag.png, screenshot-article-editor.png,
 * screenshot-kb-categories.png, screenshot-kb-category-form.png,
 * screenshot-article-editor-draft.png, screenshot-article-draft-notice.png,
 * screenshot-insert-article.png.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "hd-article-editor.h"
#include "hd-article-view.h"
#include "hd-gui-test-util.h"
#include "hd-kb-categories-window.h"
#include "hd-kb-list-view.h"
#include "hd-markdown-view.h"
#include "hd-new-ticket-dialog.h"
#include "hd-sidebar.h"
#include "hd-store-private.h"
#include "hd-tag-picker.h"
#include "hd-test-util.h"
#include "hd-ticket-view.h"
#include "hd-window.h"

#define PRINTER_BODY "## Clearing a jam\n\nOpen tray **2** and pull the paper out *slowly*.\n"
/* The same in a reply: plain text. */
#define PRINTER_TEXT "Clearing a jam\n\nOpen tray 2 and pull the paper out slowly.\n"

typedef struct {
  char          *path;
  HdStore       *disp;        /* the test's own connection, as the dispatcher */
  HdApplication *app;
  HdWindow      *window;
  gint64         printer;     /* "Printer jams", FAQ */
  gint64         vpn;         /* "VPN setup", internal */
  gint64         password;    /* "Password reset", FAQ */
  gint64         driver;      /* "Printer driver install", internal */
  guint          searches;
  char          *searched;    /* the text of the last search-changed */
} Fixture;

/* Finding things */

static HdKbListView *
kb_list (Fixture *f)
{
  return HD_KB_LIST_VIEW (hd_find_widget (GTK_WIDGET (f->window), HD_TYPE_KB_LIST_VIEW, NULL, NULL));
}

static HdArticleView *
article_view (Fixture *f)
{
  return HD_ARTICLE_VIEW (hd_find_widget (GTK_WIDGET (f->window), HD_TYPE_ARTICLE_VIEW, NULL, NULL));
}

static GtkWidget *
first_row (GtkWidget *list)
{
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      return child;
  return NULL;
}

static guint
n_rows (GtkWidget *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += GTK_IS_LIST_BOX_ROW (child);
  return n;
}

static gboolean
tag_covers (GtkTextBuffer *buffer,
            const char    *tag_name,
            const char    *text)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter start, match, end;

  gtk_text_buffer_get_start_iter (buffer, &start);
  if (tag == NULL || !gtk_text_iter_forward_search (&start, text, 0, &match, &end, NULL))
    return FALSE;
  return gtk_text_iter_has_tag (&match, tag);
}

/* Setting up */

static gint64
add_article (HdStore      *store,
             const char   *title,
             const char   *body,
             const char   *category,
             const char   *tag,
             HdVisibility  visibility)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdArticle) article = NULL;
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;
  const char *tags[] = { tag, NULL };

  draft.title = title;
  draft.body = body;
  draft.category = category;
  draft.tags = tag != NULL ? tags : NULL;
  draft.visibility = visibility;
  article = hd_store_add_article (store, &draft, &error);
  g_assert_no_error (error);
  return hd_article_get_id (article);
}

static gint64
file_ticket (HdStore    *store,
             const char *title,
             const char *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  draft.title = title;
  draft.description = description;
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  return hd_ticket_get_number (ticket);
}

static gboolean
window_open (HdWindow *window)
{
  return hd_window_get_store (window) != NULL;
}

static void
fixture_set_up (Fixture    *f,
                const char *login)
{
  hd_gui_test_seed (&f->path);
  f->disp = hd_test_open_as (f->path, "disp");
  f->printer = add_article (f->disp, "Printer jams", PRINTER_BODY, "Hardware/Printers",
                            "paper", HD_VISIBILITY_FAQ);
  f->vpn = add_article (f->disp, "VPN setup", "Install the *client* first.", "Network", NULL,
                        HD_VISIBILITY_INTERNAL);
  f->password = add_article (f->disp, "Password reset", "Press **Forgot password**.", NULL,
                             "account", HD_VISIBILITY_FAQ);
  f->driver = add_article (f->disp, "Printer driver install", "Use the vendor's driver.",
                           "Hardware/Printers", NULL, HD_VISIBILITY_INTERNAL);

  g_setenv ("HELPDESK_LOGIN", login, TRUE);
  f->app = hd_gui_test_new_application ();
  f->window = hd_window_new (f->app, hd_application_get_settings (f->app));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  hd_window_open_file (f->window, f->path);
  hd_wait_until (window_open, f->window, HD_WAIT_MS);
}

static void
fixture_tear_down (Fixture *f)
{
  hd_destroy_and_wait (GTK_WINDOW (f->window));
  g_clear_object (&f->app);
  g_clear_object (&f->disp);
  g_free (f->searched);
  g_free (f->path);
}

static gboolean
kb_idle (Fixture *f)
{
  return !hd_kb_list_view_is_loading (kb_list (f));
}

static gboolean
kb_lists_four (Fixture *f)
{
  return kb_idle (f) && hd_kb_list_view_get_n_shown (kb_list (f)) == 4;
}

static gboolean
kb_lists_two (Fixture *f)
{
  return kb_idle (f) && hd_kb_list_view_get_n_shown (kb_list (f)) == 2;
}

static void
open_kb (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.knowledge-base", NULL));
  g_assert_cmpint (hd_sidebar_get_view (HD_SIDEBAR (hd_find_widget (GTK_WIDGET (f->window),
                                                                    HD_TYPE_SIDEBAR, NULL, NULL))),
                   ==, HD_VIEW_KNOWLEDGE_BASE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (hd_find_named (GTK_WIDGET (f->window), GTK_TYPE_STACK, "list_stack"))),
                   ==, "kb");
}

/* Setting the text empties the entry first, which GtkSearchEntry
 * announces at once: the search that counts is the one for the text. */
static void
search_counted_cb (GtkSearchEntry *entry,
                   Fixture        *f)
{
  g_free (f->searched);
  f->searched = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static gboolean
searched (Fixture *f)
{
  GtkWidget *entry = hd_find_widget (GTK_WIDGET (kb_list (f)), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);

  return g_strcmp0 (f->searched, gtk_editable_get_text (GTK_EDITABLE (entry))) == 0 &&
         kb_idle (f);
}

/* Types @query and waits for its answer. */
static void
search (Fixture    *f,
        const char *query)
{
  GtkWidget *entry = hd_find_widget (GTK_WIDGET (kb_list (f)), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);

  g_clear_pointer (&f->searched, g_free);
  gtk_editable_set_text (GTK_EDITABLE (entry), query);
  hd_wait_until (searched, f, HD_WAIT_MS);
}

static gboolean
article_shown (Fixture *f)
{
  HdArticle *article = hd_article_view_get_article (article_view (f));

  return article != NULL && hd_article_get_id (article) == hd_article_view_get_id (article_view (f));
}

static gboolean
kb_lists_three (Fixture *f)
{
  return kb_idle (f) && hd_kb_list_view_get_n_shown (kb_list (f)) == 3;
}

static gboolean
offers_restore (Fixture *f)
{
  GtkWidget *button = hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_BUTTON, "archive_button");

  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), "_Restore") == 0;
}

static gboolean
printer_archived (Fixture *f)
{
  g_autoptr(HdArticle) article = hd_store_get_article (f->disp, f->printer, NULL);

  return article != NULL && hd_article_get_archived_at (article) != 0;
}

static gboolean
printer_restored (Fixture *f)
{
  g_autoptr(HdArticle) article = hd_store_get_article (f->disp, f->printer, NULL);

  return article != NULL && hd_article_get_archived_at (article) == 0;
}

/* The page: list, search with highlights, awkward queries, the article */

static void
test_kb_page (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  const char *awkward[] = { "\"unbalanced", "NEAR(", "-", "*", "(", "a OR", "NOT", "\"\"",
                            "printer\" AND -", "')--", NULL };
  GtkWidget *list, *row, *title, *entry, *stack, *empty;
  GtkTextBuffer *buffer;
  g_autofree char *shot = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  open_kb (f);
  hd_wait_until (kb_lists_four, f, HD_WAIT_MS);
  list = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_LIST_BOX, "article_list");
  g_assert_cmpuint (n_rows (list), ==, 4);
  entry = hd_find_widget (GTK_WIDGET (kb_list (f)), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  g_signal_connect (entry, "search-changed", G_CALLBACK (search_counted_cb), f);

  /* "print" finds "Printer jams", the match in bold, its text escaped. */
  search (f, "print");
  g_assert_cmpuint (hd_kb_list_view_get_n_shown (kb_list (f)), >=, 1);
  title = hd_find_label (list, "Printer jams");
  g_assert_nonnull (title);
  row = gtk_widget_get_ancestor (title, GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (title)), "<b>"));
  g_assert_true (gtk_label_get_use_markup (GTK_LABEL (title)));
  g_assert_nonnull (hd_find_label (row, "FAQ"));
  g_assert_nonnull (hd_find_label (row, "Hardware/Printers"));

  /* Any text is a search: none of these is an error. */
  stack = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_STACK, "stack");
  empty = hd_find_named (GTK_WIDGET (kb_list (f)), ADW_TYPE_STATUS_PAGE, "empty_page");
  for (guint i = 0; awkward[i] != NULL; i++)
    {
      search (f, awkward[i]);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "empty") == 0)
        g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty)), ==,
                         "No Matching Articles");
    }

  /* The category filter narrows a search: nothing about printers under
   * "Uncategorized", the printers under their category. */
  search (f, "printer");
  g_assert_cmpuint (hd_kb_list_view_get_n_shown (kb_list (f)), ==, 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_DROP_DOWN, "category_dropdown")),
                              1);
  hd_wait_until (kb_idle, f, HD_WAIT_MS);
  g_assert_cmpuint (hd_kb_list_view_get_n_shown (kb_list (f)), ==, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_DROP_DOWN, "category_dropdown")),
                              0);
  hd_wait_until (kb_idle, f, HD_WAIT_MS);

  /* Chosen, the article is rendered from its Markdown. */
  search (f, "jam");
  row = first_row (list);
  gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (row));
  hd_wait_until (article_shown, f, HD_WAIT_MS);
  g_assert_cmpint (hd_article_view_get_id (article_view (f)), ==, f->printer);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (hd_find_named (GTK_WIDGET (article_view (f)), HD_TYPE_MARKDOWN_VIEW, "body_view")));
  g_assert_true (tag_covers (buffer, "h2", "Clearing a jam"));
  g_assert_true (tag_covers (buffer, "strong", "2"));
  g_assert_true (tag_covers (buffer, "em", "slowly"));
  g_assert_true (gtk_widget_get_visible (hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_BUTTON, "edit_button")));
  g_assert_true (gtk_widget_get_visible (hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_LIST_BOX, "history_list")));

  hd_wait_frames (GTK_WIDGET (f->window), 3);
  shot = hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-kb.png");
  hd_gui_test_message ("screenshot: %s", shot);

  /* Archived: out of the list and searches, its history kept; restored:
   * back. */
  search (f, "");
  hd_wait_until (kb_lists_four, f, HD_WAIT_MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (article_view (f)), "article.archive",
                                             NULL));
  hd_wait_until (printer_archived, f, HD_WAIT_MS);
  hd_wait_until (kb_lists_three, f, HD_WAIT_MS);
  /* Still shown, to be restored. */
  hd_wait_until (offers_restore, f, HD_WAIT_MS);
  g_assert_cmpint (hd_article_view_get_id (article_view (f)), ==, f->printer);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (article_view (f)), "article.archive",
                                             NULL));
  hd_wait_until (printer_restored, f, HD_WAIT_MS);
  hd_wait_until (kb_lists_four, f, HD_WAIT_MS);

  fixture_tear_down (f);
}

/* A requester reads FAQ articles, and writes none. */
static void
test_kb_requester (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  GtkWidget *list;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "req1");
  open_kb (f);
  hd_wait_until (kb_lists_two, f, HD_WAIT_MS);
  list = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_LIST_BOX, "article_list");
  g_assert_cmpuint (n_rows (list), ==, 2);
  g_assert_nonnull (hd_find_label (list, "Printer jams"));
  g_assert_nonnull (hd_find_label (list, "Password reset"));
  g_assert_null (hd_find_label (list, "VPN setup"));
  g_assert_null (hd_find_label (list, "Printer driver install"));
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (hd_find_named (GTK_WIDGET (f->window), ADW_TYPE_WINDOW_TITLE, "kb_title"))),
                   ==, "FAQ");
  g_assert_false (gtk_widget_get_visible (hd_find_named (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, "new_article_button")));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-article", NULL) &&
                  hd_find_toplevel (HD_TYPE_ARTICLE_EDITOR) != NULL);
  /* Nor do they arrange categories: no button, and no window if asked. */
  g_assert_false (gtk_widget_get_visible (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_BUTTON, "categories_button")));
  g_signal_emit_by_name (kb_list (f), "manage-categories");
  hd_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_null (hd_find_toplevel (HD_TYPE_KB_CATEGORIES_WINDOW));

  /* Reading one: no Edit, no links, no history. */
  gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (first_row (list)));
  hd_wait_until (article_shown, f, HD_WAIT_MS);
  g_assert_false (gtk_widget_get_visible (hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_BUTTON, "edit_button")));
  g_assert_false (gtk_widget_get_visible (hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_LIST_BOX, "history_list")));

  fixture_tear_down (f);
}

/* The editor */

static gboolean
has_toplevel (gpointer type)
{
  return hd_find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

static gboolean
no_toplevel (gpointer type)
{
  return hd_find_toplevel (GPOINTER_TO_SIZE (type)) == NULL;
}

static gboolean
preview_has_heading (GtkWidget *editor)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (hd_find_named (editor, HD_TYPE_MARKDOWN_VIEW, "preview_view")));

  return tag_covers (buffer, "h1", "Toner") && tag_covers (buffer, "strong", "gloves");
}

static GtkWindow *
message_dialog (const char *heading)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0)
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
conflict_shown (gpointer data)
{
  return message_dialog ("Someone Else Changed This Article") != NULL;
}

static gboolean
discard_asked (gpointer data)
{
  return message_dialog ("Discard Changes?") != NULL;
}

static char *
text_of (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gint64
find_article (HdStore    *store,
              const char *title)
{
  g_autoptr(GPtrArray) articles = hd_store_list_articles (store, &(HdArticleFilter) { 0 }, NULL);

  for (guint i = 0; articles != NULL && i < articles->len; i++)
    if (g_strcmp0 (hd_article_get_title (g_ptr_array_index (articles, i)), title) == 0)
      return hd_article_get_id (g_ptr_array_index (articles, i));
  return 0;
}

static gboolean
toner_saved (Fixture *f)
{
  return find_article (f->disp, "Toner spills") != 0;
}

static gboolean
toner_shown (Fixture *f)
{
  return article_shown (f) &&
         g_strcmp0 (hd_article_get_title (hd_article_view_get_article (article_view (f))),
                    "Toner spills") == 0;
}

static void
test_kb_editor (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *shot = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(HdArticle) theirs = NULL;
  g_autoptr(GError) error = NULL;
  HdArticleChanges changes = { 0 };
  GtkWidget *editor, *body;
  GtkWindow *dialog;
  gint64 id;
  const char *typed = "# Toner\n\nWear **gloves** and use the vacuum.\n";
  const char *mine = "# Toner\n\nMy careful steps, **not** to be lost.\n";

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  open_kb (f);
  g_assert_true (gtk_widget_get_visible (hd_find_named (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, "new_article_button")));

  /* New Article: the preview renders what is typed, a moment later. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-article", NULL));
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  editor = GTK_WIDGET (hd_find_toplevel (HD_TYPE_ARTICLE_EDITOR));
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (editor, ADW_TYPE_ENTRY_ROW, "title_row")),
                         "Toner spills");
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (editor, ADW_TYPE_ENTRY_ROW, "category_row")),
                         "Hardware/Printers");
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (editor, ADW_TYPE_ENTRY_ROW, "tags_row")),
                         "toner, Cleaning");
  body = hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (body)), typed, -1);
  hd_wait_until (preview_has_heading, editor, HD_WAIT_MS);
  hd_wait_frames (editor, 3);
  shot = hd_save_screenshot (editor, "screenshot-article-editor.png");
  hd_gui_test_message ("screenshot: %s", shot);

  /* An empty title is refused with the core's reason, text kept. */
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (editor, ADW_TYPE_ENTRY_ROW, "title_row")), "");
  g_assert_true (gtk_widget_activate_action (editor, "editor.save", NULL));
  hd_wait_until (gtk_widget_get_visible, hd_find_named (editor, GTK_TYPE_LABEL, "error_label"), HD_WAIT_MS);
  kept = text_of (body);
  g_assert_cmpstr (kept, ==, typed);
  g_clear_pointer (&kept, g_free);

  /* Saved: in the file, and shown in the window. */
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (editor, ADW_TYPE_ENTRY_ROW, "title_row")),
                         "Toner spills");
  g_assert_true (gtk_widget_activate_action (editor, "editor.save", NULL));
  hd_wait_until (toner_saved, f, HD_WAIT_MS);
  hd_wait_until (no_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  hd_wait_until (toner_shown, f, HD_WAIT_MS);
  id = find_article (f->disp, "Toner spills");
  {
    g_autoptr(HdArticle) saved = hd_store_get_article (f->disp, id, NULL);

    g_assert_cmpstr (hd_article_get_body (saved), ==, typed);
    g_assert_cmpstr (hd_article_get_category_path (saved), ==, "Hardware/Printers");
    g_assert_cmpstrv (hd_article_get_tags (saved), ((const char *[]) { "cleaning", "toner", NULL }));
  }

  /* Edit, while someone else saves the article: both shown, text kept. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (article_view (f)), "article.edit", NULL));
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  editor = GTK_WIDGET (hd_find_toplevel (HD_TYPE_ARTICLE_EDITOR));
  body = hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (body)), mine, -1);
  changes.body = "Theirs: call the vendor.";
  theirs = hd_store_update_article (f->disp, id, 0, &changes, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (editor, "editor.save", NULL));
  hd_wait_until (conflict_shown, NULL, HD_WAIT_MS);
  dialog = message_dialog ("Someone Else Changed This Article");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "Theirs: call the vendor."));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  kept = text_of (body);
  g_assert_cmpstr (kept, ==, mine);
  g_assert_true (hd_article_editor_has_changes (HD_ARTICLE_EDITOR (editor)));

  /* Closing with the text unsaved asks first. */
  gtk_window_close (GTK_WINDOW (editor));
  hd_wait_until (discard_asked, NULL, HD_WAIT_MS);
  g_assert_nonnull (hd_find_toplevel (HD_TYPE_ARTICLE_EDITOR));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (message_dialog ("Discard Changes?")),
                               "discard");
  hd_wait_until (no_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  {
    g_autoptr(HdArticle) now = hd_store_get_article (f->disp, id, NULL);

    g_assert_cmpstr (hd_article_get_body (now), ==, "Theirs: call the vendor.");
  }

  fixture_tear_down (f);
}

/* Tickets and articles */

static HdTicketView *
ticket_view (Fixture *f)
{
  return HD_TICKET_VIEW (hd_window_get_ticket_view (f->window));
}

static gboolean
suggestions_shown (Fixture *f)
{
  GtkWidget *group = hd_find_named (GTK_WIDGET (ticket_view (f)), ADW_TYPE_PREFERENCES_GROUP, "suggested_group");

  return gtk_widget_get_visible (group);
}

static guint
n_links (Fixture *f,
         gint64   number)
{
  g_autoptr(GPtrArray) articles = hd_store_list_ticket_articles (f->disp, number, NULL);

  return articles != NULL ? articles->len : 0;
}

static gboolean
linked_in_file (Fixture *f)
{
  return n_links (f, f->searches) == 1;
}

static gboolean
unlinked_in_file (Fixture *f)
{
  return n_links (f, f->searches) == 0;
}

static gboolean
linked_row_shown (Fixture *f)
{
  GtkWidget *list = hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "linked_list");

  return n_rows (list) == 1 && hd_find_row (list, ADW_TYPE_ACTION_ROW, "Printer jams") != NULL;
}

static gboolean
article_lists_ticket (Fixture *f)
{
  GtkWidget *list = hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_LIST_BOX, "tickets_list");
  g_autofree char *title = g_strdup_printf ("#%" G_GINT64_FORMAT " Printer on floor 2 jams",
                                            (gint64) f->searches);

  return article_shown (f) && hd_find_row (list, ADW_TYPE_ACTION_ROW, title) != NULL;
}

static gboolean
ticket_page_shows_it (Fixture *f)
{
  GtkStack *stack = GTK_STACK (hd_find_named (GTK_WIDGET (f->window), GTK_TYPE_STACK, "detail_stack"));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "tickets") == 0 &&
         hd_ticket_view_get_ticket (ticket_view (f)) != NULL &&
         hd_ticket_get_number (hd_ticket_view_get_ticket (ticket_view (f))) == (gint64) f->searches;
}

static gboolean
has_name (GtkWidget *widget,
          gpointer   name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

/* @name: "link_button", "unlink_button" or "insert_button" */
/* The ticket's history says what f->searched says. */
static gboolean
history_says (Fixture *f)
{
  return hd_find_label (GTK_WIDGET (ticket_view (f)), f->searched) != NULL;
}

static void
wait_for_history (Fixture    *f,
                  const char *text)
{
  g_free (f->searched);
  f->searched = g_strdup (text);
  hd_wait_until (history_says, f, HD_WAIT_MS);
}

static GtkWidget *
row_button (GtkWidget  *row,
            const char *name)
{
  GtkWidget *button = hd_find_widget (row, GTK_TYPE_BUTTON, has_name, (gpointer) name);

  g_assert_nonnull (button);
  return button;
}

/* Files "Printer on floor 2 jams" as the dispatcher and shows it with its
 * suggestions. The counter doubles as the ticket's number for the waits. */
static gint64
show_printer_ticket (Fixture *f)
{
  gint64 number = file_ticket (f->disp, "Printer on floor 2 jams",
                               "Paper stuck in tray 2 every morning since the new driver install.");

  f->searches = number;
  hd_window_show_ticket (f->window, number);
  hd_wait_until (suggestions_shown, f, HD_WAIT_MS);
  return number;
}

static void
test_kb_ticket_links (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  GtkWidget *suggested, *row, *linked, *tickets;
  g_autofree char *title = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  show_printer_ticket (f);

  /* Suggested: the printer article first, with its match in bold. */
  suggested = hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "suggested_list");
  g_assert_cmpuint (n_rows (suggested), <=, 3);
  row = first_row (suggested);
  title = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  g_assert_nonnull (strstr (title, "<b>"));
  g_assert_nonnull (strstr (title, "jams"));
  g_assert_true (g_str_has_prefix (title, "<b>Printer</b>") || strstr (title, "Printer") != NULL);
  g_assert_null (strstr (title, "driver"));

  /* Link: in the file, in the ticket's Linked Articles, out of the
   * suggestions, and in the article's Linked Tickets. */
  g_signal_emit_by_name (row_button (row, "link_button"), "clicked");
  hd_wait_until (linked_in_file, f, HD_WAIT_MS);
  hd_wait_until (linked_row_shown, f, HD_WAIT_MS);
  {
    g_autofree char *said = g_strdup_printf ("Linked knowledge-base article %" G_GINT64_FORMAT,
                                             f->printer);

    wait_for_history (f, said);
  }
  linked = hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "linked_list");
  g_assert_null (hd_find_row (suggested, ADW_TYPE_ACTION_ROW, "Printer jams"));

  g_signal_emit_by_name (linked, "row-activated", first_row (linked));
  hd_wait_until (article_lists_ticket, f, HD_WAIT_MS);
  g_assert_cmpint (hd_article_view_get_id (article_view (f)), ==, f->printer);

  /* And back: the linked ticket, from the article. */
  tickets = hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_LIST_BOX, "tickets_list");
  g_signal_emit_by_name (tickets, "row-activated", first_row (tickets));
  hd_wait_until (ticket_page_shows_it, f, HD_WAIT_MS);

  /* Unlink. */
  hd_wait_until (linked_row_shown, f, HD_WAIT_MS);
  g_signal_emit_by_name (row_button (first_row (linked), "unlink_button"), "clicked");
  hd_wait_until (unlinked_in_file, f, HD_WAIT_MS);
  {
    g_autofree char *said = g_strdup_printf ("Unlinked knowledge-base article %" G_GINT64_FORMAT,
                                             f->printer);

    wait_for_history (f, said);
  }

  fixture_tear_down (f);
}

/* Insert into Reply */

/* The row of the article titled @title, its matches in bold or not. */
static GtkWidget *
article_row (GtkWidget  *list,
             const char *title)
{
  for (GtkWidget *row = first_row (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      g_autofree char *text = NULL;

      g_assert_true (pango_parse_markup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                         -1, 0, NULL, &text, NULL, NULL));
      if (g_str_equal (text, title))
        return row;
    }
  return NULL;
}

static GtkWidget *
composer (Fixture *f)
{
  return hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_TEXT_VIEW, "composer_view");
}

static GtkWidget *
insert_button (Fixture    *f,
               const char *list,
               const char *title)
{
  GtkWidget *row = article_row (hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, list),
                                title);

  g_assert_nonnull (row);
  return row_button (row, "insert_button");
}

static gboolean
two_linked_in_file (Fixture *f)
{
  return n_links (f, f->searches) == 2;
}

static gboolean
driver_linked_shown (Fixture *f)
{
  GtkWidget *list = hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "linked_list");

  return n_rows (list) == 2 && article_row (list, "Printer driver install") != NULL;
}

/* The drafts file as the next session reads it holds the composer's text. */
static gboolean
reply_kept (Fixture *f)
{
  g_autoptr(HdDrafts) drafts = hd_drafts_new (f->path, "disp");
  g_autoptr(HdDraft) draft = hd_drafts_get (drafts, f->searches);
  g_autofree char *typed = text_of (composer (f));

  return draft != NULL && g_strcmp0 (draft->reply, typed) == 0;
}

static void
assert_cursor_at_end (Fixture *f)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (composer (f)));
  GtkTextIter cursor, end;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  gtk_text_buffer_get_end_iter (buffer, &end);
  g_assert_true (gtk_text_iter_equal (&cursor, &end));
  g_assert_true (gtk_widget_is_focus (composer (f)));
}

/* Scrolls the ticket view down to its articles, for the screenshot. */
static void
scroll_to_articles (Fixture *f)
{
  GtkWidget *group = hd_find_named (GTK_WIDGET (ticket_view (f)), ADW_TYPE_PREFERENCES_GROUP, "linked_group");
  GtkWidget *scrolled = gtk_widget_get_ancestor (group, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  double x, y;

  g_assert_true (gtk_widget_translate_coordinates (group, gtk_widget_get_first_child (viewport),
                                                   0, 0, &x, &y));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                            y - 12);
}

/* Whether the reply's Send button is within the part of the ticket page
 * shown. */
static gboolean
send_in_view (Fixture *f)
{
  GtkWidget *send = hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_BUTTON, "send_button");
  GtkWidget *scrolled = gtk_widget_get_ancestor (send, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (send, gtk_widget_get_first_child (viewport), &bounds) &&
         bounds.origin.y >= gtk_adjustment_get_value (adjustment) &&
         bounds.origin.y + bounds.size.height <=
           gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment);
}

static void
test_kb_insert_article (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  GtkCheckButton *internal;
  GtkTextBuffer *buffer;
  GtkWidget *driver;
  GtkTextIter end;
  g_autofree char *text = NULL;
  g_autofree char *shot = NULL;
  gint64 number;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  number = show_printer_ticket (f);
  internal = GTK_CHECK_BUTTON (hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_CHECK_BUTTON, "internal_check"));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (composer (f)));

  /* A staff-only article goes into an internal note only, and says so. */
  driver = insert_button (f, "suggested_list", "Printer driver install");
  g_assert_false (gtk_widget_get_sensitive (driver));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (driver), "Internal note"));
  g_assert_true (gtk_widget_get_sensitive (insert_button (f, "suggested_list", "Printer jams")));

  /* A FAQ article into an empty reply: title, blank line, body; the
   * suggestion is linked, and the text kept as a draft. */
  g_signal_emit_by_name (insert_button (f, "suggested_list", "Printer jams"), "clicked");
  text = text_of (composer (f));
  g_assert_cmpstr (text, ==, "Printer jams\n\n" PRINTER_TEXT);
  assert_cursor_at_end (f);
  /* The page scrolls down to the reply, Send included. */
  hd_wait_until (send_in_view, f, HD_WAIT_MS);
  hd_wait_until (linked_in_file, f, HD_WAIT_MS);
  hd_wait_until (linked_row_shown, f, HD_WAIT_MS);
  hd_wait_until (reply_kept, f, HD_WAIT_MS);
  g_assert_null (article_row (hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "suggested_list"),
                              "Printer jams"));

  scroll_to_articles (f);
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  shot = hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-insert-article.png");
  hd_gui_test_message ("screenshot: %s", shot);

  /* Internal note checked: the staff-only article goes in too, after a
   * blank line, and is linked. */
  g_assert_false (gtk_widget_get_sensitive (insert_button (f, "suggested_list", "Printer driver install")));
  gtk_check_button_set_active (internal, TRUE);
  driver = insert_button (f, "suggested_list", "Printer driver install");
  g_assert_true (gtk_widget_get_sensitive (driver));
  g_signal_emit_by_name (driver, "clicked");
  g_clear_pointer (&text, g_free);
  text = text_of (composer (f));
  g_assert_cmpstr (text, ==, "Printer jams\n\n" PRINTER_TEXT "\n"
                             "Printer driver install\n\nUse the vendor's driver.\n");
  assert_cursor_at_end (f);
  hd_wait_until (two_linked_in_file, f, HD_WAIT_MS);
  hd_wait_until (driver_linked_shown, f, HD_WAIT_MS);

  /* A public reply again: not even from the linked row. */
  gtk_check_button_set_active (internal, FALSE);
  g_assert_false (gtk_widget_get_sensitive (insert_button (f, "linked_list", "Printer driver install")));

  /* From a linked row, after typed text: set off by a blank line, and no
   * second link. */
  gtk_text_buffer_set_text (buffer, "Hello", -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  g_signal_emit_by_name (insert_button (f, "linked_list", "Printer jams"), "clicked");
  g_clear_pointer (&text, g_free);
  text = text_of (composer (f));
  g_assert_cmpstr (text, ==, "Hello\n\nPrinter jams\n\n" PRINTER_TEXT);
  assert_cursor_at_end (f);
  hd_wait_until (reply_kept, f, HD_WAIT_MS);
  g_assert_cmpuint (n_links (f, number), ==, 2);

  fixture_tear_down (f);
}

/* Requesters read linked articles; they quote none. */
static void
test_kb_insert_requester (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(GError) error = NULL;
  GtkWidget *linked;
  gint64 number;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "req1");
  {
    g_autoptr(HdStore) req1 = hd_test_open_as (f->path, "req1");

    number = file_ticket (req1, "Printer on floor 2 jams", "Paper stuck in tray 2 every morning.");
  }
  g_assert_true (hd_store_link_article (f->disp, f->printer, number, &error));
  g_assert_no_error (error);
  f->searches = number;

  hd_window_show_ticket (f->window, number);
  hd_wait_until (linked_row_shown, f, HD_WAIT_MS);
  linked = hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "linked_list");
  g_assert_null (hd_find_widget (linked, GTK_TYPE_BUTTON, NULL, NULL));
  g_assert_true (gtk_widget_get_visible (composer (f)));

  fixture_tear_down (f);
}

static gboolean
publish_offered (Fixture *f)
{
  return hd_ticket_view_get_ticket (ticket_view (f)) != NULL &&
         gtk_widget_get_visible (hd_find_named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_BUTTON, "publish_button"));
}

static void
test_kb_publish (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(HdTicketEvent) reply = NULL;
  g_autofree char *body = NULL;
  GtkWidget *editor;
  gint64 number;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  {
    g_autoptr(HdStore) req1 = hd_test_open_as (f->path, "req1");

    number = file_ticket (req1, "Scanner saves to the wrong folder",
                          "Scans land in Documents instead of Scans.");
  }
  reply = hd_store_add_comment (f->disp, number, "Set the folder under Settings, Destination.",
                                FALSE, &error);
  g_assert_no_error (error);
  resolved = hd_store_set_ticket_status (f->disp, number, 0, HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);
  f->searches = number;

  hd_window_show_ticket (f->window, number);
  hd_wait_until (publish_offered, f, HD_WAIT_MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ticket_view (f)), "ticket.publish", NULL));
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  editor = GTK_WIDGET (hd_find_toplevel (HD_TYPE_ARTICLE_EDITOR));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (editor, ADW_TYPE_ENTRY_ROW, "title_row"))),
                   ==, "Scanner saves to the wrong folder");
  body = text_of (hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
  g_assert_nonnull (strstr (body, "Scans land in Documents"));
  g_assert_nonnull (strstr (body, "Settings, Destination"));
  g_assert_true (hd_article_editor_has_changes (HD_ARTICLE_EDITOR (editor)));

  /* Saving links the new article to the ticket. */
  g_assert_true (gtk_widget_activate_action (editor, "editor.save", NULL));
  hd_wait_until (linked_in_file, f, HD_WAIT_MS);
  hd_wait_until (no_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);

  fixture_tear_down (f);
}

/* Drafts: what the editor holds is kept until it is saved or discarded */

static GtkWidget *
open_editor (GtkWidget  *widget,
             const char *action)
{
  g_assert_true (gtk_widget_activate_action (widget, action, NULL));
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  return GTK_WIDGET (hd_find_toplevel (HD_TYPE_ARTICLE_EDITOR));
}

static const char *
row_text (GtkWidget  *editor,
          const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (hd_find_named (editor, ADW_TYPE_ENTRY_ROW, name)));
}

static void
type_into (GtkWidget  *editor,
           const char *name,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (editor, ADW_TYPE_ENTRY_ROW, name)), text);
}

static void
type_body (GtkWidget  *editor,
           const char *text)
{
  GtkWidget *body = hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (body)), text, -1);
}

/* The drafts file as the next session reads it. */
static HdKbDraft *
kept_draft (Fixture *f,
            gint64   id,
            gint64   ticket)
{
  g_autoptr(HdDrafts) drafts = hd_drafts_new (f->path, "disp");

  return hd_drafts_get_article (drafts, id, ticket);
}

static gboolean
notice_shown (GtkWidget *root)
{
  GtkWidget *revealer = hd_find_named (root, GTK_TYPE_REVEALER, "draft_revealer");

  return gtk_widget_get_visible (revealer) &&
         gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static gboolean
view_notice_gone (Fixture *f)
{
  return article_shown (f) && !notice_shown (GTK_WIDGET (article_view (f)));
}

static gboolean
new_article_kept (Fixture *f)
{
  g_autoptr(HdKbDraft) kept = kept_draft (f, HD_DRAFT_NEW_ARTICLE, 0);

  return kept != NULL && g_strcmp0 (kept->title, "Badge reader beeps") == 0;
}

static void
show_article (Fixture *f,
              gint64   id)
{
  hd_article_view_show (article_view (f), id);
  hd_wait_until (article_shown, f, HD_WAIT_MS);
}

/* Typed into the editor, which then goes without Save or Discard (its
 * window closed under it, the program quit): opened again, it holds the
 * text with a notice saying so; saved, the draft is gone. */
static void
test_kb_editor_draft (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(HdKbDraft) kept = NULL;
  g_autoptr(HdArticle) saved = NULL;
  g_autofree char *body = NULL;
  g_autofree char *shot = NULL;
  GtkWidget *editor;
  const char *typed = "## Clearing a jam\n\nOpen tray **2**, then *wait* for the fan to stop.\n\n"
                      "- Pull the paper out slowly\n- Close the tray\n";

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  open_kb (f);
  show_article (f, f->printer);
  g_assert_false (notice_shown (GTK_WIDGET (article_view (f))));

  editor = open_editor (GTK_WIDGET (article_view (f)), "article.edit");
  g_assert_false (notice_shown (editor));
  type_into (editor, "title_row", "Printer jams in tray 2");
  type_into (editor, "tags_row", "paper, tray");
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (editor, ADW_TYPE_COMBO_ROW, "visibility_row")), 0);
  type_body (editor, typed);
  hd_destroy_and_wait (GTK_WINDOW (editor));

  kept = kept_draft (f, f->printer, 0);
  g_assert_nonnull (kept);
  g_assert_cmpstr (kept->title, ==, "Printer jams in tray 2");
  g_assert_cmpstr (kept->body, ==, typed);
  g_assert_cmpint (kept->base_version, ==, 1);
  g_assert_cmpint (kept->visibility, ==, HD_VISIBILITY_INTERNAL);
  g_assert_true (notice_shown (GTK_WIDGET (article_view (f))));
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  shot = hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-article-draft-notice.png");
  hd_gui_test_message ("screenshot: %s", shot);
  g_clear_pointer (&shot, g_free);

  /* Opened again: every field back, and the notice. */
  editor = open_editor (GTK_WIDGET (article_view (f)), "article.edit");
  body = text_of (hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
  g_assert_cmpstr (body, ==, typed);
  g_assert_cmpstr (row_text (editor, "title_row"), ==, "Printer jams in tray 2");
  g_assert_cmpstr (row_text (editor, "category_row"), ==, "Hardware/Printers");
  g_assert_cmpstr (row_text (editor, "tags_row"), ==, "paper, tray");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (hd_find_named (editor, ADW_TYPE_COMBO_ROW, "visibility_row"))),
                    ==, 0);
  g_assert_true (notice_shown (editor));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (hd_find_named (editor, GTK_TYPE_LABEL, "draft_label"))),
                                   "Restored your unsaved changes from "));
  g_assert_true (hd_article_editor_has_changes (HD_ARTICLE_EDITOR (editor)));
  hd_wait_frames (editor, 3);
  shot = hd_save_screenshot (editor, "screenshot-article-editor-draft.png");
  hd_gui_test_message ("screenshot: %s", shot);

  /* Saved: in the file, and no draft left, nor a notice. */
  g_assert_true (gtk_widget_activate_action (editor, "editor.save", NULL));
  hd_wait_until (no_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  saved = hd_store_get_article (f->disp, f->printer, NULL);
  g_assert_cmpstr (hd_article_get_body (saved), ==, typed);
  g_assert_cmpstr (hd_article_get_title (saved), ==, "Printer jams in tray 2");
  g_assert_cmpint (hd_article_get_visibility (saved), ==, HD_VISIBILITY_INTERNAL);
  g_clear_pointer (&kept, hd_kb_draft_free);
  kept = kept_draft (f, f->printer, 0);
  g_assert_null (kept);
  hd_wait_until (view_notice_gone, f, HD_WAIT_MS);

  fixture_tear_down (f);
}

static gboolean
vpn_reread (Fixture *f)
{
  return article_shown (f) &&
         hd_article_get_version (hd_article_view_get_article (article_view (f))) == 2;
}

/* A draft keeps the version it began from: restored into an editor opened
 * on a newer version, saving it is a conflict, the text still kept. */
static void
test_kb_editor_draft_conflict (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(HdKbDraft) kept = NULL;
  g_autoptr(HdArticle) theirs = NULL;
  g_autoptr(HdArticle) now = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  HdArticleChanges changes = { 0 };
  GtkWidget *editor;
  GtkWindow *dialog;
  const char *mine = "Install the *client* first, then import **office.ovpn**.";

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  open_kb (f);
  show_article (f, f->vpn);
  editor = open_editor (GTK_WIDGET (article_view (f)), "article.edit");
  type_body (editor, mine);
  hd_destroy_and_wait (GTK_WINDOW (editor));

  /* Someone else saves the article meanwhile; the window reads it again. */
  changes.body = "Theirs: use the new portal.";
  theirs = hd_store_update_article (f->disp, f->vpn, 0, &changes, &error);
  g_assert_no_error (error);
  hd_wait_until (vpn_reread, f, HD_WAIT_MS);

  editor = open_editor (GTK_WIDGET (article_view (f)), "article.edit");
  body = text_of (hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
  g_assert_cmpstr (body, ==, mine);
  g_assert_true (notice_shown (editor));
  g_assert_true (gtk_widget_activate_action (editor, "editor.save", NULL));
  hd_wait_until (conflict_shown, NULL, HD_WAIT_MS);
  dialog = message_dialog ("Someone Else Changed This Article");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "Theirs: use the new portal."));
  kept = kept_draft (f, f->vpn, 0);
  g_assert_nonnull (kept);
  g_assert_cmpint (kept->base_version, ==, 1);
  g_assert_cmpstr (kept->body, ==, mine);

  /* Saved over theirs, knowingly: the draft goes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "overwrite");
  hd_wait_until (no_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  now = hd_store_get_article (f->disp, f->vpn, NULL);
  g_assert_cmpstr (hd_article_get_body (now), ==, mine);
  g_assert_cmpint (hd_article_get_version (now), ==, 3);
  g_clear_pointer (&kept, hd_kb_draft_free);
  kept = kept_draft (f, f->vpn, 0);
  g_assert_null (kept);

  fixture_tear_down (f);
}

/* New Article keeps its draft too: Discard in the notice, or Discard in
 * "Discard Changes?", forgets it. */
static void
test_kb_new_article_draft (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(HdKbDraft) kept = NULL;
  g_autofree char *body = NULL;
  GtkWidget *editor;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  open_kb (f);
  editor = open_editor (GTK_WIDGET (f->window), "win.new-article");
  g_assert_false (notice_shown (editor));
  type_into (editor, "title_row", "Scanner glass");
  type_body (editor, "Wipe it with a *dry* cloth.\n");
  hd_destroy_and_wait (GTK_WINDOW (editor));
  kept = kept_draft (f, HD_DRAFT_NEW_ARTICLE, 0);
  g_assert_nonnull (kept);
  g_assert_cmpstr (kept->title, ==, "Scanner glass");

  /* Back; Discard empties the form and forgets the draft. */
  editor = open_editor (GTK_WIDGET (f->window), "win.new-article");
  g_assert_cmpstr (row_text (editor, "title_row"), ==, "Scanner glass");
  g_assert_true (notice_shown (editor));
  g_assert_true (gtk_widget_activate_action (editor, "editor.discard-draft", NULL));
  g_assert_cmpstr (row_text (editor, "title_row"), ==, "");
  body = text_of (hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
  g_assert_cmpstr (body, ==, "");
  g_assert_false (notice_shown (editor));
  g_assert_false (hd_article_editor_has_changes (HD_ARTICLE_EDITOR (editor)));
  g_clear_pointer (&kept, hd_kb_draft_free);
  kept = kept_draft (f, HD_DRAFT_NEW_ARTICLE, 0);
  g_assert_null (kept);
  /* Nothing unsaved: closing asks nothing. */
  gtk_window_close (GTK_WINDOW (editor));
  hd_wait_until (no_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);

  /* Kept a moment after typing, before anything closes; then closed with
   * "Discard Changes?" → Discard: forgotten. */
  editor = open_editor (GTK_WIDGET (f->window), "win.new-article");
  type_into (editor, "title_row", "Badge reader beeps");
  hd_wait_until (new_article_kept, f, HD_WAIT_MS);
  gtk_window_close (GTK_WINDOW (editor));
  hd_wait_until (discard_asked, NULL, HD_WAIT_MS);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (message_dialog ("Discard Changes?")),
                               "discard");
  hd_wait_until (no_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  kept = kept_draft (f, HD_DRAFT_NEW_ARTICLE, 0);
  g_assert_null (kept);

  editor = open_editor (GTK_WIDGET (f->window), "win.new-article");
  g_assert_false (notice_shown (editor));
  g_assert_cmpstr (row_text (editor, "title_row"), ==, "");
  hd_destroy_and_wait (GTK_WINDOW (editor));

  fixture_tear_down (f);
}

/* Publish as Article keeps a draft per ticket: it comes back in place of
 * the ticket's text, and saving it still links the ticket. */
static void
test_kb_publish_draft (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(HdKbDraft) kept = NULL;
  g_autofree char *body = NULL;
  GtkWidget *editor;
  const char *typed = "## Problem\n\nScans land in Documents.\n\n## Solution\n\nSettings, Destination.\n";

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  f->searches = file_ticket (f->disp, "Scanner saves to the wrong folder",
                             "Scans land in Documents instead of Scans.");
  resolved = hd_store_set_ticket_status (f->disp, f->searches, 0, HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);
  hd_window_show_ticket (f->window, f->searches);
  hd_wait_until (publish_offered, f, HD_WAIT_MS);

  editor = open_editor (GTK_WIDGET (ticket_view (f)), "ticket.publish");
  g_assert_false (notice_shown (editor));
  type_body (editor, typed);
  hd_destroy_and_wait (GTK_WINDOW (editor));
  kept = kept_draft (f, HD_DRAFT_NEW_ARTICLE, f->searches);
  g_assert_nonnull (kept);
  g_assert_cmpstr (kept->body, ==, typed);
  g_clear_pointer (&kept, hd_kb_draft_free);
  kept = kept_draft (f, HD_DRAFT_NEW_ARTICLE, 0);
  g_assert_null (kept);

  editor = open_editor (GTK_WIDGET (ticket_view (f)), "ticket.publish");
  body = text_of (hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
  g_assert_cmpstr (body, ==, typed);
  g_assert_cmpstr (row_text (editor, "title_row"), ==, "Scanner saves to the wrong folder");
  g_assert_true (notice_shown (editor));
  g_assert_true (gtk_widget_activate_action (editor, "editor.save", NULL));
  hd_wait_until (linked_in_file, f, HD_WAIT_MS);
  hd_wait_until (no_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  kept = kept_draft (f, HD_DRAFT_NEW_ARTICLE, f->searches);
  g_assert_null (kept);

  fixture_tear_down (f);
}

/* The New Ticket form: answers before filing; FAQ only for requesters. */

static gboolean
form_suggests (GtkWidget *dialog)
{
  GtkWidget *group = hd_find_named (dialog, ADW_TYPE_PREFERENCES_GROUP, "suggestions_group");

  return gtk_widget_get_visible (group);
}

static void
test_kb_new_ticket_suggestions (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  GtkWidget *dialog, *list;
  g_autoptr(GPtrArray) rows = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "req1");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-ticket", NULL));
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_NEW_TICKET_DIALOG), HD_WAIT_MS);
  dialog = GTK_WIDGET (hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG));
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (dialog, ADW_TYPE_ENTRY_ROW, "title_row")),
                         "The printer jams again");
  hd_wait_until (form_suggests, dialog, HD_WAIT_MS);

  list = hd_find_named (dialog, GTK_TYPE_LIST_BOX, "suggestions_list");
  rows = hd_find_widgets (list, ADW_TYPE_EXPANDER_ROW, NULL, NULL);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)),
                            "jams"));
  /* The answer itself, rendered, one click away. */
  g_assert_nonnull (hd_find_widget (list, HD_TYPE_MARKDOWN_VIEW, NULL, NULL));

  g_clear_pointer (&rows, g_ptr_array_unref);
  hd_destroy_and_wait (GTK_WINDOW (dialog));
  fixture_tear_down (f);
}

/* Categories: staff add, rename, move and delete them in their own
 * window; the core's refusals show in it, and the category filter
 * follows. */

static GtkWidget *
categories_window (void)
{
  GtkWindow *window = hd_find_toplevel (HD_TYPE_KB_CATEGORIES_WINDOW);

  g_assert_nonnull (window);
  return GTK_WIDGET (window);
}

static gboolean
category_in_file (Fixture    *f,
                  const char *path)
{
  g_autoptr(HdKbCategory) category = hd_store_find_kb_category (f->disp, path, NULL);

  return category != NULL;
}

/* The list is up, with a row titled f->searched (the name waited for). */
static gboolean
categories_list_shows (Fixture *f)
{
  GtkWidget *window = categories_window ();
  GtkStack *stack = GTK_STACK (hd_find_named (window, GTK_TYPE_STACK, "stack"));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "list") == 0 &&
         gtk_widget_get_sensitive (GTK_WIDGET (stack)) &&
         hd_find_row (hd_find_named (window, GTK_TYPE_LIST_BOX, "category_list"), ADW_TYPE_ACTION_ROW,
                      f->searched) != NULL;
}

static gboolean
categories_list_lacks (Fixture *f)
{
  GtkWidget *window = categories_window ();
  GtkStack *stack = GTK_STACK (hd_find_named (window, GTK_TYPE_STACK, "stack"));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "list") == 0 &&
         gtk_widget_get_sensitive (GTK_WIDGET (stack)) &&
         hd_find_row (hd_find_named (window, GTK_TYPE_LIST_BOX, "category_list"), ADW_TYPE_ACTION_ROW,
                      f->searched) == NULL;
}

static void
wait_for_row (Fixture    *f,
              const char *name)
{
  g_free (f->searched);
  f->searched = g_strdup (name);
  hd_wait_until (categories_list_shows, f, HD_WAIT_MS);
}

static GtkWidget *
category_row (const char *name)
{
  GtkWidget *row = hd_find_row (hd_find_named (categories_window (), GTK_TYPE_LIST_BOX, "category_list"),
                                ADW_TYPE_ACTION_ROW, name);

  g_assert_nonnull (row);
  return row;
}

static void
open_category (const char *name)
{
  g_signal_emit_by_name (category_row (name), "activated");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (hd_find_named (categories_window (), GTK_TYPE_STACK, "stack"))),
                   ==, "form");
}

static guint
parent_position (GtkWidget  *window,
                 const char *path)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (hd_find_named (window, ADW_TYPE_COMBO_ROW, "parent_row")));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), path) == 0)
        return i;
    }
  return G_MAXUINT;
}

static void
choose_parent (GtkWidget  *window,
               const char *path)
{
  guint i = parent_position (window, path);

  g_assert_cmpuint (i, !=, G_MAXUINT);
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (window, ADW_TYPE_COMBO_ROW, "parent_row")), i);
}

static void
type_name (GtkWidget  *window,
           const char *name)
{
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "name_row")), name);
}

static gboolean
category_error_shown (GtkWidget *window)
{
  return gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "form_error")) &&
         gtk_widget_get_sensitive (hd_find_named (window, GTK_TYPE_STACK, "stack"));
}

static const char *
category_error (GtkWidget *window)
{
  return gtk_label_get_text (GTK_LABEL (hd_find_named (window, GTK_TYPE_LABEL, "form_error")));
}

/* The position of @name (the end of a path) in the KB page's category
 * filter, or GTK_INVALID_LIST_POSITION. */
static guint
filter_position (Fixture    *f,
                 const char *name)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_DROP_DOWN, "category_dropdown"));
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_has_suffix (gtk_string_object_get_string (item), name))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
filter_offers (Fixture    *f,
               const char *name)
{
  return filter_position (f, name) != GTK_INVALID_LIST_POSITION;
}

static void
filter_by (Fixture    *f,
           const char *name)
{
  guint position = filter_position (f, name);

  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_DROP_DOWN,
                                                    "category_dropdown")), position);
}

/* The filter's category is gone: back to every article. */
static gboolean
kb_lists_all_three (Fixture *f)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_DROP_DOWN, "category_dropdown"));

  return gtk_drop_down_get_selected (dropdown) == 0 && kb_lists_three (f);
}

static gboolean
filter_offers_software (Fixture *f)
{
  return filter_offers (f, "Software");
}

static gboolean
software_added (Fixture *f)
{
  return category_in_file (f, "Hardware/Software");
}

static gboolean
applications_renamed (Fixture *f)
{
  return category_in_file (f, "Hardware/Applications") && !category_in_file (f, "Hardware/Software");
}

static gboolean
applications_moved (Fixture *f)
{
  return category_in_file (f, "Network/Applications") &&
         !category_in_file (f, "Hardware/Applications");
}

static gboolean
applications_deleted (Fixture *f)
{
  return !category_in_file (f, "Network/Applications");
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static gboolean
delete_asked (gpointer data)
{
  return message_dialog ("Delete Category?") != NULL;
}

static void
test_kb_categories (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) expected = NULL;
  g_autoptr(HdArticle) archived = NULL;
  g_autoptr(HdKbCategory) network = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *shot = NULL;
  GtkWidget *button, *window, *hardware_icon, *printers_icon;
  GtkWindow *dialog;
  guint changed = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  /* A technician: staff arrange the categories, not only the dispatcher. */
  fixture_set_up (f, "tech1");
  open_kb (f);
  hd_wait_until (kb_lists_four, f, HD_WAIT_MS);
  button = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_BUTTON, "categories_button");
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_KB_CATEGORIES_WINDOW), HD_WAIT_MS);
  window = categories_window ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (window)) == GTK_WINDOW (f->window));
  g_signal_connect_swapped (window, "changed", G_CALLBACK (count_cb), &changed);

  /* The tree, indented, with each category's articles. */
  wait_for_row (f, "Printers");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (category_row ("Printers"))), ==,
                   "2 articles");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (category_row ("Hardware"))), ==,
                   "No articles");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (category_row ("Network"))), ==,
                   "1 article");
  hardware_icon = hd_find_widget (category_row ("Hardware"), GTK_TYPE_IMAGE, NULL, NULL);
  printers_icon = hd_find_widget (category_row ("Printers"), GTK_TYPE_IMAGE, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_margin_start (printers_icon), >,
                   gtk_widget_get_margin_start (hardware_icon));
  hd_wait_frames (window, 3);
  shot = hd_save_screenshot (window, "screenshot-kb-categories.png");
  hd_gui_test_message ("screenshot: %s", shot);
  g_clear_pointer (&shot, g_free);

  /* Add "Software" inside "Hardware": in the file, in the list, and in
   * the KB page's category filter. */
  g_assert_true (gtk_widget_activate_action (window, "categories.add", NULL));
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP, "delete_group")));
  g_assert_false (gtk_widget_is_sensitive (hd_find_named (window, GTK_TYPE_BUTTON, "save_button")));
  type_name (window, "Software");
  choose_parent (window, "Hardware");
  g_assert_true (gtk_widget_activate_action (window, "categories.save", NULL));
  hd_wait_until (software_added, f, HD_WAIT_MS);
  wait_for_row (f, "Software");
  hd_wait_until (filter_offers_software, f, HD_WAIT_MS);
  g_assert_cmpuint (changed, ==, 1);

  /* Rename it. */
  open_category ("Software");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "name_row"))),
                   ==, "Software");
  type_name (window, "Applications");
  g_assert_true (gtk_widget_activate_action (window, "categories.save", NULL));
  hd_wait_until (applications_renamed, f, HD_WAIT_MS);
  wait_for_row (f, "Applications");

  /* Move it into "Network". Nothing can move into itself or below
   * itself: "Hardware" is not offered a place inside "Hardware". */
  open_category ("Hardware");
  g_assert_cmpuint (parent_position (window, "Top Level"), ==, 0);
  g_assert_cmpuint (parent_position (window, "Network"), !=, G_MAXUINT);
  g_assert_cmpuint (parent_position (window, "Hardware"), ==, G_MAXUINT);
  g_assert_cmpuint (parent_position (window, "Hardware/Printers"), ==, G_MAXUINT);
  g_assert_cmpuint (parent_position (window, "Hardware/Applications"), ==, G_MAXUINT);
  g_assert_true (gtk_widget_activate_action (window, "categories.back", NULL));
  open_category ("Applications");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (hd_find_named (window, ADW_TYPE_COMBO_ROW, "parent_row"))),
                    ==, parent_position (window, "Hardware"));
  choose_parent (window, "Network");
  g_assert_true (gtk_widget_activate_action (window, "categories.save", NULL));
  hd_wait_until (applications_moved, f, HD_WAIT_MS);
  wait_for_row (f, "Applications");

  /* The core's refusals, said under the form, with what was typed kept. */
  g_assert_true (gtk_widget_activate_action (window, "categories.add", NULL));
  type_name (window, "hardware");
  g_assert_true (gtk_widget_activate_action (window, "categories.save", NULL));
  hd_wait_until (category_error_shown, window, HD_WAIT_MS);
  g_assert_cmpstr (category_error (window), ==,
                   "There is a category “hardware” there already. Choose another name.");
  type_name (window, "Cables/Adapters");
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "form_error")));
  g_assert_true (gtk_widget_activate_action (window, "categories.save", NULL));
  hd_wait_until (category_error_shown, window, HD_WAIT_MS);
  g_assert_cmpstr (category_error (window), ==,
                   "A category name cannot contain “/”; it separates the levels of a path.");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "name_row"))),
                   ==, "Cables/Adapters");
  g_assert_false (category_in_file (f, "Cables"));
  g_assert_true (gtk_widget_activate_action (window, "categories.back", NULL));

  /* A category with articles: Delete is off, and says why. */
  open_category ("Printers");
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP, "delete_group")));
  g_assert_false (gtk_widget_is_sensitive (hd_find_named (window, GTK_TYPE_BUTTON, "delete_button")));
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "delete_note")));
  hd_wait_frames (window, 3);
  shot = hd_save_screenshot (window, "screenshot-kb-category-form.png");
  hd_gui_test_message ("screenshot: %s", shot);
  g_assert_true (gtk_widget_activate_action (window, "categories.back", NULL));

  /* "Network" lists no article once its one is archived, but that
   * article still holds it (below). */
  archived = hd_store_set_article_archived (f->disp, f->vpn, 0, TRUE, &error);
  g_assert_no_error (error);
  network = hd_store_find_kb_category (f->disp, "Network", &error);
  g_assert_no_error (error);
  g_assert_false (hd_store_delete_kb_category (f->disp, hd_kb_category_get_id (network), &expected));

  /* An empty one: deleted once confirmed. The KB page showed it; it shows
   * every article instead. */
  filter_by (f, "Applications");
  hd_wait_until (kb_idle, f, HD_WAIT_MS);
  g_assert_cmpuint (hd_kb_list_view_get_n_shown (kb_list (f)), ==, 0);
  open_category ("Applications");
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "delete_note")));
  g_assert_true (gtk_widget_is_sensitive (hd_find_named (window, GTK_TYPE_BUTTON, "delete_button")));
  g_assert_true (gtk_widget_activate_action (window, "categories.delete", NULL));
  hd_wait_until (delete_asked, NULL, HD_WAIT_MS);
  dialog = message_dialog ("Delete Category?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "“Network/Applications”"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  hd_wait_until (applications_deleted, f, HD_WAIT_MS);
  g_free (f->searched);
  f->searched = g_strdup ("Applications");
  hd_wait_until (categories_list_lacks, f, HD_WAIT_MS);
  hd_wait_until (kb_lists_all_three, f, HD_WAIT_MS);

  /* "Network" now looks empty, but its archived article holds it: the
   * core refuses, the window says so, and nothing is deleted. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (category_row ("Network"))), ==,
                   "No articles");
  before = hd_store_list_kb_categories (f->disp, &error);
  g_assert_no_error (error);
  open_category ("Network");
  g_assert_true (gtk_widget_is_sensitive (hd_find_named (window, GTK_TYPE_BUTTON, "delete_button")));
  g_assert_true (gtk_widget_activate_action (window, "categories.delete", NULL));
  hd_wait_until (delete_asked, NULL, HD_WAIT_MS);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (message_dialog ("Delete Category?")), "delete");
  hd_wait_until (category_error_shown, window, HD_WAIT_MS);
  g_assert_cmpstr (category_error (window), ==, expected->message);
  g_assert_true (category_in_file (f, "Network"));
  after = hd_store_list_kb_categories (f->disp, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpuint (changed, ==, 4);

  hd_destroy_and_wait (GTK_WINDOW (window));
  fixture_tear_down (f);
}

/* Tags: a tag in an article narrows the list */

/* The titles the list shows, in order, joined by "|". */
static char *
listed_titles (Fixture *f)
{
  GtkWidget *list = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_LIST_BOX, "article_list");
  GString *titles = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row))
      {
        GtkWidget *title = hd_find_widget (row, GTK_TYPE_LABEL, NULL, NULL);

        g_string_append_printf (titles, "%s%s", titles->len > 0 ? "|" : "",
                                gtk_label_get_text (GTK_LABEL (title)));
      }
  return g_string_free (titles, FALSE);
}

/* Once the list is read, it shows just @titles. Every change of the
 * filters starts its read at once: waiting for none running is enough. */
static void
assert_listed (Fixture    *f,
               const char *titles)
{
  g_autofree char *shown = NULL;

  hd_wait_until (kb_idle, f, HD_WAIT_MS);
  shown = listed_titles (f);
  g_assert_cmpstr (shown, ==, titles);
}

static void
show_listed (Fixture    *f,
             const char *title)
{
  GtkWidget *list = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_LIST_BOX, "article_list");
  GtkWidget *label = hd_find_label (list, title);

  g_assert_nonnull (label);
  gtk_list_box_select_row (GTK_LIST_BOX (list),
                           GTK_LIST_BOX_ROW (gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW)));
  hd_wait_until (article_shown, f, HD_WAIT_MS);
  g_assert_cmpstr (hd_article_get_title (hd_article_view_get_article (article_view (f))), ==,
                   title);
}

static gboolean
is_labelled (GtkWidget *widget,
             gpointer   label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* The article's button for @tag, as the reader sees it: the text as typed. */
static GtkWidget *
tag_button (Fixture    *f,
            const char *tag)
{
  GtkWidget *box = hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_FLOW_BOX, "tags_box");
  GtkWidget *button = hd_find_widget (box, GTK_TYPE_BUTTON, is_labelled, (gpointer) tag);
  GtkWidget *label;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_true (gtk_widget_get_focusable (button));
  g_assert_nonnull (gtk_widget_get_tooltip_text (button));
  label = hd_find_widget (button, GTK_TYPE_LABEL, NULL, NULL);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, tag);
  return button;
}

/* Clicked at once: gtk_widget_activate() clicks after a flash, and the
 * store's monitor may read the article again meanwhile, replacing it. */
static void
press (GtkWidget *button)
{
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
tag_chosen (Fixture *f)
{
  return hd_kb_list_view_get_tag (kb_list (f)) != NULL && kb_idle (f);
}

static void
choose_tag (Fixture    *f,
            const char *tag)
{
  g_autofree char *chip = g_strdup_printf ("Tag: %s", tag);
  GtkWidget *label = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_LABEL, "tag_label");

  g_assert_null (hd_kb_list_view_get_tag (kb_list (f)));
  press (tag_button (f, tag));
  hd_wait_until (tag_chosen, f, HD_WAIT_MS);
  g_assert_cmpstr (hd_kb_list_view_get_tag (kb_list (f)), ==, tag);
  g_assert_true (gtk_widget_is_visible (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_BOX, "tag_chip")));
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, chip);
}

static GtkWidget *
clear_tag_button (Fixture *f)
{
  GtkWidget *chip = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_BOX, "tag_chip");
  GtkWidget *button = hd_find_widget (chip, GTK_TYPE_BUTTON, NULL, NULL);

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Show Articles of Every Tag");
  return button;
}

static HdTagPicker *
tag_picker (Fixture *f)
{
  GtkWidget *button = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_MENU_BUTTON, "tags_button");

  return HD_TAG_PICKER (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
}

static gboolean
picker_ready (HdTagPicker *picker)
{
  return !hd_tag_picker_is_loading (picker);
}

/* The tags the popover lists, joined by "|". */
static char *
shown_tags (HdTagPicker *picker)
{
  GListModel *shown = hd_tag_picker_get_shown (picker);
  GString *tags = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(GtkStringObject) tag = g_list_model_get_item (shown, i);

      g_string_append_printf (tags, "%s%s", tags->len > 0 ? "|" : "",
                              gtk_string_object_get_string (tag));
    }
  return g_string_free (tags, FALSE);
}

/* Opens the Tags popover, which reads the tags only then. */
static HdTagPicker *
open_tags (Fixture *f)
{
  GtkWidget *button = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_MENU_BUTTON, "tags_button");
  HdTagPicker *picker = tag_picker (f);

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (picker)));
  hd_wait_until (picker_ready, picker, HD_WAIT_MS);
  return picker;
}

/* Every tag, as typed, without an article; closed again. */
static char *
menu_tags (Fixture *f)
{
  HdTagPicker *picker = open_tags (f);
  char *tags = shown_tags (picker);

  gtk_popover_popdown (GTK_POPOVER (picker));
  return tags;
}

static gboolean
tag_cleared (Fixture *f)
{
  return hd_kb_list_view_get_tag (kb_list (f)) == NULL;
}

static void
choose_category (Fixture    *f,
                 const char *name)
{
  GtkWidget *dropdown = hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_DROP_DOWN, "category_dropdown");
  GListModel *names = gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown));

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_str_has_suffix (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name))
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
        hd_wait_until (kb_idle, f, HD_WAIT_MS);
        return;
      }
  g_assert_not_reached ();
}

static void
test_kb_tags (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  GtkWidget *entry;
  g_autofree char *shot = NULL;
  g_autofree char *menu = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  add_article (f->disp, "Paper sizes", "A4 and Letter.", NULL, "paper", HD_VISIBILITY_INTERNAL);
  add_article (f->disp, "Label printer setup", "Feed the labels.", "Hardware/Printers", "<b>&x",
               HD_VISIBILITY_INTERNAL);
  open_kb (f);
  hd_kb_list_view_reload (kb_list (f));
  assert_listed (f, "Label printer setup|Paper sizes|Password reset|Printer driver install|"
                    "Printer jams|VPN setup");
  g_assert_false (gtk_widget_is_visible (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_BOX, "tag_chip")));
  entry = hd_find_widget (GTK_WIDGET (kb_list (f)), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  g_signal_connect (entry, "search-changed", G_CALLBACK (search_counted_cb), f);

  /* The article's tag lists the articles with it, and the chip says so. */
  show_listed (f, "Printer jams");
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (hd_find_named (GTK_WIDGET (article_view (f)), GTK_TYPE_LABEL, "meta_label"))),
                         "paper"));
  choose_tag (f, "paper");
  assert_listed (f, "Paper sizes|Printer jams");
  g_assert_cmpint (hd_kb_list_view_get_selected (kb_list (f)), ==, f->printer);

  hd_wait_frames (GTK_WIDGET (f->window), 3);
  shot = hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-kb-tag.png");
  hd_gui_test_message ("screenshot: %s", shot);

  /* With a category: both narrow. */
  choose_category (f, "Printers");
  assert_listed (f, "Printer jams");
  choose_category (f, "Uncategorized");
  assert_listed (f, "Paper sizes");
  choose_category (f, "All Categories");
  assert_listed (f, "Paper sizes|Printer jams");

  /* With a search: only the hits with the tag. */
  search (f, "printer");
  assert_listed (f, "Printer jams");

  /* Cleared: the search alone again, then everything. */
  press (clear_tag_button (f));
  hd_wait_until (tag_cleared, f, HD_WAIT_MS);
  assert_listed (f, "Printer driver install|Label printer setup|Printer jams");
  g_assert_false (gtk_widget_is_visible (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_BOX, "tag_chip")));
  search (f, "");
  assert_listed (f, "Label printer setup|Paper sizes|Password reset|Printer driver install|"
                    "Printer jams|VPN setup");

  /* A tag is text, not markup: shown as typed, and it still filters. */
  show_listed (f, "Label printer setup");
  choose_tag (f, "<b>&x");
  assert_listed (f, "Label printer setup");
  hd_kb_list_view_set_tag (kb_list (f), NULL);
  assert_listed (f, "Label printer setup|Paper sizes|Password reset|Printer driver install|"
                    "Printer jams|VPN setup");

  /* The Tags menu offers every tag, as typed, without an article. */
  menu = menu_tags (f);
  g_assert_cmpstr (menu, ==, "<b>&x|account|paper");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (kb_list (f)), "kb.show-tag", "s",
                                             "account"));
  assert_listed (f, "Password reset");
  g_assert_true (gtk_widget_is_visible (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_BOX, "tag_chip")));
  press (clear_tag_button (f));
  hd_wait_until (tag_cleared, f, HD_WAIT_MS);
  assert_listed (f, "Label printer setup|Paper sizes|Password reset|Printer driver install|"
                    "Printer jams|VPN setup");

  fixture_tear_down (f);
}

/* A requester's tag lists the FAQ articles with it, never internal ones. */
/* The Tags popover: read only when first opened, the tags of many
 * articles listed lazily, narrowed as one types; Down goes into the list,
 * Enter picks the first match, Escape closes without picking. */

static gboolean
picker_shows_ten (HdTagPicker *picker)
{
  return g_list_model_get_n_items (hd_tag_picker_get_shown (picker)) == 10;
}

static guint
count_rows (GtkWidget *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static GtkEventController *
key_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        return controller;
    }
  g_assert_not_reached ();
}

static void
test_kb_tag_picker (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *all = NULL;
  g_autofree char *narrowed = NULL;
  g_autofree char *all_mended = NULL;
  g_autofree char *shot = NULL;
  HdTagPicker *picker;
  GtkWidget *entry, *list;
  gboolean handled = FALSE;
  GString *expected = g_string_new ("account");

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *title = g_strdup_printf ("Tagged %03u", i);
      g_autofree char *tag = g_strdup_printf ("tag-%03u", i);
      g_autofree char *topic = g_strdup_printf ("topic-%03u", i);
      g_autofree char *area = g_strdup_printf ("area-%03u", i);
      const char *tags[] = { tag, topic, area, NULL };
      g_autoptr(HdArticle) article = NULL;
      g_autoptr(GError) error = NULL;
      HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;

      draft.title = title;
      draft.body = "Text.";
      draft.tags = tags;
      article = hd_store_add_article (f->disp, &draft, &error);
      g_assert_no_error (error);
    }

  /* The window opened on its tickets: the knowledge base was not read. */
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_false (hd_kb_list_view_is_loading (kb_list (f)));
  g_assert_cmpuint (hd_kb_list_view_get_n_shown (kb_list (f)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (hd_tag_picker_get_shown (tag_picker (f))), ==, 0);

  open_kb (f);
  hd_wait_until (kb_idle, f, HD_WAIT_MS);
  g_assert_cmpuint (hd_kb_list_view_get_n_shown (kb_list (f)), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (hd_tag_picker_get_shown (tag_picker (f))), ==, 0);

  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 768);
  picker = open_tags (f);
  all = shown_tags (picker);
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (expected, "|area-%03u", i);
  g_string_append (expected, "|paper");
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (expected, "|tag-%03u", i);
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (expected, "|topic-%03u", i);
  g_assert_cmpstr (all, ==, expected->str);
  g_string_free (expected, TRUE);

  /* Rows are made for what is in view, not for every tag. */
  list = hd_find_widget (GTK_WIDGET (picker), GTK_TYPE_LIST_VIEW, NULL, NULL);
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_cmpuint (count_rows (list), <, 602);
  shot = hd_save_screenshot (GTK_WIDGET (picker), "screenshot-kb-tag-picker.png");
  hd_gui_test_message ("screenshot: %s", shot);

  /* Typing narrows; Down moves into the list, at the first match. */
  entry = hd_find_widget (GTK_WIDGET (picker), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_is_focus (entry) ||
                 gtk_widget_get_focus_child (entry) != NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), "G-19");
  hd_wait_until (picker_shows_ten, picker, HD_WAIT_MS);
  narrowed = shown_tags (picker);
  g_assert_cmpstr (narrowed, ==, "tag-190|tag-191|tag-192|tag-193|tag-194|tag-195|tag-196|tag-197|"
                                 "tag-198|tag-199");
  g_signal_emit_by_name (key_controller (entry), "key-pressed", GDK_KEY_Down, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_true (gtk_widget_get_focus_child (list) != NULL || gtk_widget_has_focus (list));

  /* Enter in the entry picks the highlighted (first) match. */
  g_signal_emit_by_name (entry, "activate");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (picker)));
  hd_wait_until (tag_chosen, f, HD_WAIT_MS);
  g_assert_cmpstr (hd_kb_list_view_get_tag (kb_list (f)), ==, "tag-190");
  assert_listed (f, "Tagged 190");

  /* Opened again: a fresh search; Escape closes and changes nothing. */
  picker = open_tags (f);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (picker)));
  g_assert_cmpstr (hd_kb_list_view_get_tag (kb_list (f)), ==, "tag-190");

  /* A click (activation) on a row picks it. */
  picker = open_tags (f);
  g_signal_emit_by_name (list, "activate", 0);
  hd_wait_until (kb_idle, f, HD_WAIT_MS);
  g_assert_cmpstr (hd_kb_list_view_get_tag (kb_list (f)), ==, "account");

  /* A tag that is not UTF-8 (written by another tool) is shown mended. */
  g_assert_cmpint (sqlite3_exec (hd_store_get_db (f->disp),
                                 "UPDATE kb_articles SET tags = CAST(x'6261ff64' AS TEXT)"
                                 " WHERE title = 'Tagged 000'", NULL, NULL, NULL), ==, SQLITE_OK);
  hd_kb_list_view_reload (kb_list (f));
  picker = open_tags (f);
  all_mended = shown_tags (picker);
  g_assert_true (g_utf8_validate (all_mended, -1, NULL));
  g_assert_nonnull (strstr (all_mended, "ba\xef\xbf\xbd" "d|"));
  gtk_popover_popdown (GTK_POPOVER (picker));

  fixture_tear_down (f);
}

static void
test_kb_requester_tags (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *menu = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "req1");
  add_article (f->disp, "Paper sizes", "A4 and Letter.", NULL, "paper", HD_VISIBILITY_INTERNAL);
  add_article (f->disp, "Envelope feeding", "Flap up.", NULL, "paper", HD_VISIBILITY_FAQ);
  add_article (f->disp, "Badge readers", "Staff only.", NULL, "doors", HD_VISIBILITY_INTERNAL);
  open_kb (f);
  hd_kb_list_view_reload (kb_list (f));
  assert_listed (f, "Envelope feeding|Password reset|Printer jams");
  /* Nor are the tags of internal articles offered. */
  menu = menu_tags (f);
  g_assert_cmpstr (menu, ==, "account|paper");

  show_listed (f, "Printer jams");
  choose_tag (f, "paper");
  assert_listed (f, "Envelope feeding|Printer jams");

  press (clear_tag_button (f));
  hd_wait_until (tag_cleared, f, HD_WAIT_MS);
  assert_listed (f, "Envelope feeding|Password reset|Printer jams");

  fixture_tear_down (f);
}

/* The list holds a row for f->searched, whichever page shows. */
static gboolean
categories_list_has (Fixture *f)
{
  return hd_find_row (hd_find_named (categories_window (), GTK_TYPE_LIST_BOX, "category_list"),
                      ADW_TYPE_ACTION_ROW, f->searched) != NULL;
}

/* Another desk's categories show in the open Categories window, and the
 * form being filled in keeps what was typed. */
static void
test_kb_categories_follow (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdKbCategory) scanners = NULL;
  g_autoptr(HdKbCategory) plotters = NULL;
  GtkWidget *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "tech1");
  open_kb (f);
  g_signal_emit_by_name (hd_find_named (GTK_WIDGET (kb_list (f)), GTK_TYPE_BUTTON, "categories_button"),
                         "clicked");
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_KB_CATEGORIES_WINDOW), HD_WAIT_MS);
  window = categories_window ();
  wait_for_row (f, "Printers");

  /* f->disp is another connection: another desk. */
  scanners = hd_store_add_kb_category (f->disp, 0, "Scanners", &error);
  g_assert_no_error (error);
  wait_for_row (f, "Scanners");

  g_assert_true (gtk_widget_activate_action (window, "categories.add", NULL));
  type_name (window, "Typed here");
  plotters = hd_store_add_kb_category (f->disp, 0, "Plotters", &error);
  g_assert_no_error (error);
  g_free (f->searched);
  f->searched = g_strdup ("Plotters");
  hd_wait_until (categories_list_has, f, HD_WAIT_MS);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (hd_find_named (window, GTK_TYPE_STACK, "stack"))),
                   ==, "form");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "name_row"))),
                   ==, "Typed here");

  gtk_window_destroy (GTK_WINDOW (window));
  fixture_tear_down (f);
}

int
main (int   argc,
      char *argv[])
{
  hd_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/kb/page", test_kb_page);
  g_test_add_func ("/gui/kb/requester", test_kb_requester);
  g_test_add_func ("/gui/kb/editor", test_kb_editor);
  g_test_add_func ("/gui/kb/ticket-links", test_kb_ticket_links);
  g_test_add_func ("/gui/kb/insert-article", test_kb_insert_article);
  g_test_add_func ("/gui/kb/insert-requester", test_kb_insert_requester);
  g_test_add_func ("/gui/kb/publish", test_kb_publish);
  g_test_add_func ("/gui/kb/editor-draft", test_kb_editor_draft);
  g_test_add_func ("/gui/kb/editor-draft-conflict", test_kb_editor_draft_conflict);
  g_test_add_func ("/gui/kb/new-article-draft", test_kb_new_article_draft);
  g_test_add_func ("/gui/kb/publish-draft", test_kb_publish_draft);
  g_test_add_func ("/gui/kb/new-ticket-suggestions", test_kb_new_ticket_suggestions);
  g_test_add_func ("/gui/kb/categories", test_kb_categories);
  g_test_add_func ("/gui/kb/categories-follow", test_kb_categories_follow);
  g_test_add_func ("/gui/kb/tags", test_kb_tags);
  g_test_add_func ("/gui/kb/requester-tags", test_kb_requester_tags);
  g_test_add_func ("/gui/kb/tag-picker", test_kb_tag_picker);

  return g_test_run ();
}
