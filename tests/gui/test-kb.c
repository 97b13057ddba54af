/* test-kb.c — the knowledge base in the window, from end to end
 *
 * Articles made through the core API, then read, searched, written and
 * linked to tickets through the window as a person would: the page lists
 * and searches them (matches in bold, awkward queries no error), the
 * article view renders Markdown, the editor previews as it is typed and
 * keeps the text through a conflict, a requester reads FAQ only, a ticket
 * suggests its article and links both ways, a resolved ticket becomes a
 * draft article, and the New Ticket form suggests answers. What the
 * editor holds is kept as a draft until it is saved or discarded, and
 * comes back.
 * Screenshots: screenshot-kb.png, screenshot-article-editor.png,
 * screenshot-article-editor-draft.png, screenshot-article-draft-notice.png.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-article-editor.h"
#include "hd-article-view.h"
#include "hd-gui-test-util.h"
#include "hd-kb-list-view.h"
#include "hd-markdown-view.h"
#include "hd-new-ticket-dialog.h"
#include "hd-sidebar.h"
#include "hd-test-util.h"
#include "hd-ticket-view.h"
#include "hd-window.h"

#define PRINTER_BODY "## Clearing a jam\n\nOpen tray **2** and pull the paper out *slowly*.\n"

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

static gboolean
has_id (GtkWidget *widget,
        gpointer   name)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), name) == 0;
}

static GtkWidget *
named (GtkWidget  *root,
       GType       type,
       const char *name)
{
  GtkWidget *widget = hd_find_widget (root, type, has_id, (gpointer) name);

  g_assert_nonnull (widget);
  return widget;
}

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
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (named (GTK_WIDGET (f->window), GTK_TYPE_STACK, "list_stack"))),
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
  GtkWidget *button = named (GTK_WIDGET (article_view (f)), GTK_TYPE_BUTTON, "archive_button");

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
  list = named (GTK_WIDGET (kb_list (f)), GTK_TYPE_LIST_BOX, "article_list");
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
  stack = named (GTK_WIDGET (kb_list (f)), GTK_TYPE_STACK, "stack");
  empty = named (GTK_WIDGET (kb_list (f)), ADW_TYPE_STATUS_PAGE, "empty_page");
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
  gtk_drop_down_set_selected (GTK_DROP_DOWN (named (GTK_WIDGET (kb_list (f)), GTK_TYPE_DROP_DOWN, "category_dropdown")),
                              1);
  hd_wait_until (kb_idle, f, HD_WAIT_MS);
  g_assert_cmpuint (hd_kb_list_view_get_n_shown (kb_list (f)), ==, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (named (GTK_WIDGET (kb_list (f)), GTK_TYPE_DROP_DOWN, "category_dropdown")),
                              0);
  hd_wait_until (kb_idle, f, HD_WAIT_MS);

  /* Chosen, the article is rendered from its Markdown. */
  search (f, "jam");
  row = first_row (list);
  gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (row));
  hd_wait_until (article_shown, f, HD_WAIT_MS);
  g_assert_cmpint (hd_article_view_get_id (article_view (f)), ==, f->printer);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (named (GTK_WIDGET (article_view (f)), HD_TYPE_MARKDOWN_VIEW, "body_view")));
  g_assert_true (tag_covers (buffer, "h2", "Clearing a jam"));
  g_assert_true (tag_covers (buffer, "strong", "2"));
  g_assert_true (tag_covers (buffer, "em", "slowly"));
  g_assert_true (gtk_widget_get_visible (named (GTK_WIDGET (article_view (f)), GTK_TYPE_BUTTON, "edit_button")));
  g_assert_true (gtk_widget_get_visible (named (GTK_WIDGET (article_view (f)), GTK_TYPE_LIST_BOX, "history_list")));

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
  list = named (GTK_WIDGET (kb_list (f)), GTK_TYPE_LIST_BOX, "article_list");
  g_assert_cmpuint (n_rows (list), ==, 2);
  g_assert_nonnull (hd_find_label (list, "Printer jams"));
  g_assert_nonnull (hd_find_label (list, "Password reset"));
  g_assert_null (hd_find_label (list, "VPN setup"));
  g_assert_null (hd_find_label (list, "Printer driver install"));
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (named (GTK_WIDGET (f->window), ADW_TYPE_WINDOW_TITLE, "kb_title"))),
                   ==, "FAQ");
  g_assert_false (gtk_widget_get_visible (named (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, "new_article_button")));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-article", NULL) &&
                  hd_find_toplevel (HD_TYPE_ARTICLE_EDITOR) != NULL);

  /* Reading one: no Edit, no links, no history. */
  gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (first_row (list)));
  hd_wait_until (article_shown, f, HD_WAIT_MS);
  g_assert_false (gtk_widget_get_visible (named (GTK_WIDGET (article_view (f)), GTK_TYPE_BUTTON, "edit_button")));
  g_assert_false (gtk_widget_get_visible (named (GTK_WIDGET (article_view (f)), GTK_TYPE_LIST_BOX, "history_list")));

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
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (named (editor, HD_TYPE_MARKDOWN_VIEW, "preview_view")));

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
  g_assert_true (gtk_widget_get_visible (named (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, "new_article_button")));

  /* New Article: the preview renders what is typed, a moment later. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-article", NULL));
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_ARTICLE_EDITOR), HD_WAIT_MS);
  editor = GTK_WIDGET (hd_find_toplevel (HD_TYPE_ARTICLE_EDITOR));
  gtk_editable_set_text (GTK_EDITABLE (named (editor, ADW_TYPE_ENTRY_ROW, "title_row")),
                         "Toner spills");
  gtk_editable_set_text (GTK_EDITABLE (named (editor, ADW_TYPE_ENTRY_ROW, "category_row")),
                         "Hardware/Printers");
  gtk_editable_set_text (GTK_EDITABLE (named (editor, ADW_TYPE_ENTRY_ROW, "tags_row")),
                         "toner, Cleaning");
  body = named (editor, GTK_TYPE_TEXT_VIEW, "body_view");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (body)), typed, -1);
  hd_wait_until (preview_has_heading, editor, HD_WAIT_MS);
  hd_wait_frames (editor, 3);
  shot = hd_save_screenshot (editor, "screenshot-article-editor.png");
  hd_gui_test_message ("screenshot: %s", shot);

  /* An empty title is refused with the core's reason, text kept. */
  gtk_editable_set_text (GTK_EDITABLE (named (editor, ADW_TYPE_ENTRY_ROW, "title_row")), "");
  g_assert_true (gtk_widget_activate_action (editor, "editor.save", NULL));
  hd_wait_until (gtk_widget_get_visible, named (editor, GTK_TYPE_LABEL, "error_label"), HD_WAIT_MS);
  kept = text_of (body);
  g_assert_cmpstr (kept, ==, typed);
  g_clear_pointer (&kept, g_free);

  /* Saved: in the file, and shown in the window. */
  gtk_editable_set_text (GTK_EDITABLE (named (editor, ADW_TYPE_ENTRY_ROW, "title_row")),
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
  body = named (editor, GTK_TYPE_TEXT_VIEW, "body_view");
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
  GtkWidget *group = named (GTK_WIDGET (ticket_view (f)), ADW_TYPE_PREFERENCES_GROUP, "suggested_group");

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
  GtkWidget *list = named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "linked_list");

  return n_rows (list) == 1 && hd_find_row (list, ADW_TYPE_ACTION_ROW, "Printer jams") != NULL;
}

static gboolean
article_lists_ticket (Fixture *f)
{
  GtkWidget *list = named (GTK_WIDGET (article_view (f)), GTK_TYPE_LIST_BOX, "tickets_list");
  g_autofree char *title = g_strdup_printf ("#%" G_GINT64_FORMAT " Printer on floor 2 jams",
                                            (gint64) f->searches);

  return article_shown (f) && hd_find_row (list, ADW_TYPE_ACTION_ROW, title) != NULL;
}

static gboolean
ticket_page_shows_it (Fixture *f)
{
  GtkStack *stack = GTK_STACK (named (GTK_WIDGET (f->window), GTK_TYPE_STACK, "detail_stack"));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "tickets") == 0 &&
         hd_ticket_view_get_ticket (ticket_view (f)) != NULL &&
         hd_ticket_get_number (hd_ticket_view_get_ticket (ticket_view (f))) == (gint64) f->searches;
}

static GtkWidget *
row_button (GtkWidget *row)
{
  GtkWidget *button = hd_find_widget (row, GTK_TYPE_BUTTON, NULL, NULL);

  g_assert_nonnull (button);
  return button;
}

static void
test_kb_ticket_links (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  GtkWidget *suggested, *row, *linked, *tickets;
  gint64 number;
  g_autofree char *title = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f, "disp");
  number = file_ticket (f->disp, "Printer on floor 2 jams",
                        "Paper stuck in tray 2 every morning.");
  /* (The counter doubles as the ticket's number for the waits.) */
  f->searches = number;

  /* Suggested: the printer article first, with its match in bold. */
  hd_window_show_ticket (f->window, number);
  hd_wait_until (suggestions_shown, f, HD_WAIT_MS);
  suggested = named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "suggested_list");
  g_assert_cmpuint (n_rows (suggested), <=, 3);
  row = first_row (suggested);
  title = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  g_assert_nonnull (strstr (title, "<b>"));
  g_assert_nonnull (strstr (title, "jams"));
  g_assert_true (g_str_has_prefix (title, "<b>Printer</b>") || strstr (title, "Printer") != NULL);
  g_assert_null (strstr (title, "driver"));

  /* Link: in the file, in the ticket's Linked Articles, out of the
   * suggestions, and in the article's Linked Tickets. */
  g_signal_emit_by_name (row_button (row), "clicked");
  hd_wait_until (linked_in_file, f, HD_WAIT_MS);
  hd_wait_until (linked_row_shown, f, HD_WAIT_MS);
  linked = named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_LIST_BOX, "linked_list");
  g_assert_null (hd_find_row (suggested, ADW_TYPE_ACTION_ROW, "Printer jams"));

  g_signal_emit_by_name (linked, "row-activated", first_row (linked));
  hd_wait_until (article_lists_ticket, f, HD_WAIT_MS);
  g_assert_cmpint (hd_article_view_get_id (article_view (f)), ==, f->printer);

  /* And back: the linked ticket, from the article. */
  tickets = named (GTK_WIDGET (article_view (f)), GTK_TYPE_LIST_BOX, "tickets_list");
  g_signal_emit_by_name (tickets, "row-activated", first_row (tickets));
  hd_wait_until (ticket_page_shows_it, f, HD_WAIT_MS);

  /* Unlink. */
  hd_wait_until (linked_row_shown, f, HD_WAIT_MS);
  g_signal_emit_by_name (row_button (first_row (linked)), "clicked");
  hd_wait_until (unlinked_in_file, f, HD_WAIT_MS);

  fixture_tear_down (f);
}

static gboolean
publish_offered (Fixture *f)
{
  return hd_ticket_view_get_ticket (ticket_view (f)) != NULL &&
         gtk_widget_get_visible (named (GTK_WIDGET (ticket_view (f)), GTK_TYPE_BUTTON, "publish_button"));
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
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, ADW_TYPE_ENTRY_ROW, "title_row"))),
                   ==, "Scanner saves to the wrong folder");
  body = text_of (named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
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
  return gtk_editable_get_text (GTK_EDITABLE (named (editor, ADW_TYPE_ENTRY_ROW, name)));
}

static void
type_into (GtkWidget  *editor,
           const char *name,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (named (editor, ADW_TYPE_ENTRY_ROW, name)), text);
}

static void
type_body (GtkWidget  *editor,
           const char *text)
{
  GtkWidget *body = named (editor, GTK_TYPE_TEXT_VIEW, "body_view");

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
  GtkWidget *revealer = named (root, GTK_TYPE_REVEALER, "draft_revealer");

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
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (editor, ADW_TYPE_COMBO_ROW, "visibility_row")), 0);
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
  body = text_of (named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
  g_assert_cmpstr (body, ==, typed);
  g_assert_cmpstr (row_text (editor, "title_row"), ==, "Printer jams in tray 2");
  g_assert_cmpstr (row_text (editor, "category_row"), ==, "Hardware/Printers");
  g_assert_cmpstr (row_text (editor, "tags_row"), ==, "paper, tray");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (named (editor, ADW_TYPE_COMBO_ROW, "visibility_row"))),
                    ==, 0);
  g_assert_true (notice_shown (editor));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (named (editor, GTK_TYPE_LABEL, "draft_label"))),
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
  body = text_of (named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
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
  body = text_of (named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
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
  body = text_of (named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));
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
  GtkWidget *group = named (dialog, ADW_TYPE_PREFERENCES_GROUP, "suggestions_group");

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
  gtk_editable_set_text (GTK_EDITABLE (named (dialog, ADW_TYPE_ENTRY_ROW, "title_row")),
                         "The printer jams again");
  hd_wait_until (form_suggests, dialog, HD_WAIT_MS);

  list = named (dialog, GTK_TYPE_LIST_BOX, "suggestions_list");
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

int
main (int   argc,
      char *argv[])
{
  hd_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/kb/page", test_kb_page);
  g_test_add_func ("/gui/kb/requester", test_kb_requester);
  g_test_add_func ("/gui/kb/editor", test_kb_editor);
  g_test_add_func ("/gui/kb/ticket-links", test_kb_ticket_links);
  g_test_add_func ("/gui/kb/publish", test_kb_publish);
  g_test_add_func ("/gui/kb/editor-draft", test_kb_editor_draft);
  g_test_add_func ("/gui/kb/editor-draft-conflict", test_kb_editor_draft_conflict);
  g_test_add_func ("/gui/kb/new-article-draft", test_kb_new_article_draft);
  g_test_add_func ("/gui/kb/publish-draft", test_kb_publish_draft);
  g_test_add_func ("/gui/kb/new-ticket-suggestions", test_kb_new_ticket_suggestions);

  return g_test_run ();
}
