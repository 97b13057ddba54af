/* test-widgets.c — every templated widget builds, works alone, and goes away
 *
 * G_DEBUG=fatal-criticals (test_env) and g_test_init's fatal warnings turn
 * a template error, a bad property or a bad markup string into a failure.
 * Every widget is shown in a window, drawn, destroyed and must then be
 * finalized. The last test walks a fully loaded main window and requires
 * an accessible name on every control.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "hd-format.h"
#include "hd-gui-test-util.h"
#include "hd-markdown-view.h"
#include "hd-new-ticket-dialog.h"
#include "hd-people-window.h"
#include "hd-preferences-window.h"
#include "hd-renderer.h"
#include "hd-sidebar.h"
#include "hd-sla-window.h"
#include "hd-store-async.h"
#include "hd-test-util.h"
#include "hd-ticket-list-view.h"
#include "hd-ticket-rows.h"
#include "hd-ticket-view.h"
#include "hd-validate.h"
#include "hd-welcome-page.h"
#include "hd-window.h"

#define SCHEMA_ID "io.github.helpdesk.Helpdesk"

/* Shows @child alone in a window and waits until it is drawn. */
static GtkWindow *
present_child (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 800, 600);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  hd_wait_frames (GTK_WIDGET (window), 3);
  return window;
}

/* Destroys @window and checks that it and @widget were finalized. */
static void
destroy_with (GtkWindow *window,
              GtkWidget *widget)
{
  gpointer pointer = widget;

  g_object_add_weak_pointer (G_OBJECT (widget), &pointer);
  hd_destroy_and_wait (window);
  g_assert_null (pointer);
}

static guint
count_visible (GPtrArray *widgets)
{
  guint n = 0;

  for (guint i = 0; i < widgets->len; i++)
    n += gtk_widget_get_visible (g_ptr_array_index (widgets, i));
  return n;
}

static gboolean
label_has_text (GtkWidget *widget,
                gpointer   data)
{
  const char *text = gtk_label_get_text (GTK_LABEL (widget));

  return text != NULL && text[0] != '\0';
}

static gboolean
button_label_is (GtkWidget *widget,
                 gpointer   label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  GtkWidget *button = hd_find_widget (root, GTK_TYPE_BUTTON, button_label_is, (gpointer) label);

  g_assert_nonnull (button);
  return button;
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

/* HdSidebar */

static void
test_sidebar (void)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *sidebar, *count_label, *row;
  GtkWindow *window;
  guint changes = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  sidebar = hd_sidebar_new ();
  window = present_child (sidebar);
  g_signal_connect (sidebar, "view-changed", G_CALLBACK (count_cb), &changes);

  /* Nobody yet: a requester's views, and the knowledge base (its FAQ). */
  rows = hd_find_widgets (sidebar, GTK_TYPE_LIST_BOX_ROW, NULL, NULL);
  g_assert_cmpuint (rows->len, ==, HD_N_VIEWS + 1);
  g_assert_cmpuint (count_visible (rows), ==, 3);
  g_assert_cmpint (hd_sidebar_get_view (HD_SIDEBAR (sidebar)), ==, HD_VIEW_MY_REQUESTS);

  /* The dispatcher: every view but "My Requests", starting at "All Open". */
  store = hd_test_new_helpdesk (NULL);
  hd_sidebar_set_person (HD_SIDEBAR (sidebar), hd_store_get_me (store));
  g_assert_cmpuint (count_visible (rows), ==, HD_N_VIEWS);
  g_assert_false (gtk_widget_get_visible (g_ptr_array_index (rows, HD_VIEW_MY_REQUESTS)));
  g_assert_cmpint (hd_sidebar_get_view (HD_SIDEBAR (sidebar)), ==, HD_VIEW_OPEN);
  g_assert_cmpuint (changes, ==, 1);

  hd_sidebar_set_view (HD_SIDEBAR (sidebar), HD_VIEW_UNASSIGNED);
  g_assert_cmpint (hd_sidebar_get_view (HD_SIDEBAR (sidebar)), ==, HD_VIEW_UNASSIGNED);
  g_assert_cmpuint (changes, ==, 2);

  /* The knowledge base is a row of its own, last of the views. */
  hd_sidebar_set_view (HD_SIDEBAR (sidebar), HD_VIEW_KNOWLEDGE_BASE);
  g_assert_cmpint (hd_sidebar_get_view (HD_SIDEBAR (sidebar)), ==, HD_VIEW_KNOWLEDGE_BASE);
  g_assert_nonnull (hd_find_label (g_ptr_array_index (rows, HD_N_VIEWS), "Knowledge Base"));
  g_assert_cmpuint (changes, ==, 3);
  hd_sidebar_set_view (HD_SIDEBAR (sidebar), HD_VIEW_UNASSIGNED);
  g_assert_cmpuint (changes, ==, 4);

  /* The count shows in its own row. */
  hd_sidebar_set_count (HD_SIDEBAR (sidebar), HD_VIEW_PENDING, 42);
  count_label = hd_find_label (sidebar, "42");
  g_assert_nonnull (count_label);
  row = gtk_widget_get_ancestor (count_label, GTK_TYPE_LIST_BOX_ROW);
  g_assert_true (row == g_ptr_array_index (rows, HD_VIEW_PENDING));
  g_assert_nonnull (hd_find_label (row, hd_view_get_title (HD_VIEW_PENDING)));

  g_clear_pointer (&rows, g_ptr_array_unref);
  destroy_with (window, sidebar);
}

/* HdTicketListView */

static gboolean
counted_once (guint *count)
{
  return *count == 1;
}

static gboolean
column_title_is (GtkColumnViewColumn *column,
                 const char          *title)
{
  return g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0;
}

static void
test_ticket_list_view (void)
{
  GtkWidget *view, *column_view, *search;
  GListModel *columns;
  GtkColumnViewColumn *title_column = NULL;
  GtkWindow *window;
  gboolean descending = FALSE;
  guint sorts = 0, searches = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  view = hd_ticket_list_view_new ();
  window = present_child (view);
  g_signal_connect (view, "sort-changed", G_CALLBACK (count_cb), &sorts);

  g_assert_cmpint (hd_ticket_list_view_get_selected (HD_TICKET_LIST_VIEW (view)), ==, 0);
  g_assert_cmpstr (hd_ticket_list_view_get_search (HD_TICKET_LIST_VIEW (view)), ==, "");

  /* Newest activity first until a header is clicked. */
  g_assert_cmpint (hd_ticket_list_view_get_sort (HD_TICKET_LIST_VIEW (view), &descending), ==,
                   HD_TICKET_SORT_UPDATED);
  g_assert_true (descending);

  /* Clicking a header is the column view's sorter changing. */
  column_view = hd_find_widget (view, GTK_TYPE_COLUMN_VIEW, NULL, NULL);
  g_assert_nonnull (column_view);
  columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (column_view));
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 8);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (column_title_is (column, "Title"))
        title_column = column;
    }
  g_assert_nonnull (title_column);

  gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (column_view), title_column,
                                  GTK_SORT_ASCENDING);
  g_assert_cmpuint (sorts, >=, 1);
  g_assert_cmpint (hd_ticket_list_view_get_sort (HD_TICKET_LIST_VIEW (view), &descending), ==,
                   HD_TICKET_SORT_TITLE);
  g_assert_false (descending);

  /* Typing in the search entry is what the view reports, once the entry
   * says the search changed. */
  search = hd_find_widget (view, GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  g_assert_nonnull (search);
  g_signal_connect (view, "search-changed", G_CALLBACK (count_cb), &searches);
  gtk_editable_set_text (GTK_EDITABLE (search), "printer");
  hd_wait_until (counted_once, &searches, HD_WAIT_MS);
  g_assert_cmpstr (hd_ticket_list_view_get_search (HD_TICKET_LIST_VIEW (view)), ==, "printer");

  hd_ticket_list_view_set_empty_text (HD_TICKET_LIST_VIEW (view), "Nothing", "Really nothing");
  hd_ticket_list_view_set_model (HD_TICKET_LIST_VIEW (view), NULL);

  destroy_with (window, view);
}

/* HdTicketRows */

typedef struct {
  guint position, removed, added;
  guint calls;
} Change;

static void
change_cb (GListModel *model,
           guint       position,
           guint       removed,
           guint       added,
           Change     *change)
{
  *change = (Change) { position, removed, added, change->calls + 1 };
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* Tickets cannot be made with a number outside the store: ticket "n" is
 * the n-th object made here, told apart by its address. */
static GPtrArray *named_tickets;

static HdTicket *
named_ticket (guint n)
{
  if (named_tickets == NULL)
    named_tickets = g_ptr_array_new_with_free_func (g_object_unref);
  while (named_tickets->len <= n)
    g_ptr_array_add (named_tickets, g_object_new (HD_TYPE_TICKET, NULL));
  return g_ptr_array_index (named_tickets, n);
}

static void
store_set (GListStore  *store,
           guint        position,
           guint        removed,
           const guint *numbers,
           guint        n_numbers)
{
  g_autoptr(GPtrArray) tickets = g_ptr_array_new ();

  for (guint i = 0; i < n_numbers; i++)
    g_ptr_array_add (tickets, named_ticket (numbers[i]));
  g_list_store_splice (store, position, removed, tickets->pdata, tickets->len);
}

static guint
row_number (HdTicketRow *row)
{
  guint n;

  g_assert_true (g_ptr_array_find (named_tickets, hd_ticket_row_get_ticket (row), &n));
  return n;
}

static void
test_ticket_rows (void)
{
  static const guint five[] = { 1, 2, 3, 4, 5 };
  static const guint sorted[] = { 9, 8 };
  static const guint filed[] = { 7 };
  static const guint changed[] = { 6 };
  g_autoptr(GListStore) store = g_list_store_new (HD_TYPE_TICKET);
  g_autoptr(HdTicketRows) rows = hd_ticket_rows_new ();
  g_autoptr(HdTicketRow) row0 = NULL, row1 = NULL, row2 = NULL, row4 = NULL;
  g_autoptr(HdTicketRow) again = NULL;
  Change change = { 0 };
  guint notified0 = 0;

  store_set (store, 0, 0, five, G_N_ELEMENTS (five));
  hd_ticket_rows_set_model (rows, G_LIST_MODEL (store));
  g_assert_true (hd_ticket_rows_get_model (rows) == G_LIST_MODEL (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 5);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (rows)) == HD_TYPE_TICKET_ROW);
  g_signal_connect (rows, "items-changed", G_CALLBACK (change_cb), &change);

  /* A row is the same object while someone holds it. */
  row0 = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  row1 = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  row2 = g_list_model_get_item (G_LIST_MODEL (rows), 2);
  row4 = g_list_model_get_item (G_LIST_MODEL (rows), 4);
  again = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  g_assert_true (again == row0);
  g_assert_cmpuint (row_number (row2), ==, 3);
  g_signal_connect (row0, "notify::ticket", G_CALLBACK (count_notify_cb), &notified0);

  /* A sort to fewer tickets: the first two rows change in place, only
   * the rest is announced, and rows in it leave. */
  store_set (store, 0, 5, sorted, G_N_ELEMENTS (sorted));
  g_assert_cmpuint (change.calls, ==, 1);
  g_assert_cmpuint (change.position, ==, 2);
  g_assert_cmpuint (change.removed, ==, 3);
  g_assert_cmpuint (change.added, ==, 0);
  g_assert_cmpuint (notified0, ==, 1);
  g_assert_cmpuint (row_number (row0), ==, 9);
  g_assert_cmpuint (row_number (row1), ==, 8);
  g_assert_cmpuint (row_number (row2), ==, 3);     /* let go, as it was */
  g_assert_cmpuint (row_number (row4), ==, 5);

  /* A ticket filed at the top: rows move with their tickets. */
  store_set (store, 0, 0, filed, G_N_ELEMENTS (filed));
  g_assert_cmpuint (change.calls, ==, 2);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 1);
  g_clear_object (&again);
  again = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  g_assert_true (again == row0);
  g_assert_cmpuint (row_number (again), ==, 9);
  g_clear_object (&again);
  again = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  g_assert_true (again != row0 && again != row1);
  g_assert_cmpuint (row_number (again), ==, 7);

  /* A row read again: in place, nothing announced. */
  store_set (store, 1, 1, changed, G_N_ELEMENTS (changed));
  g_assert_cmpuint (change.calls, ==, 2);
  g_assert_cmpuint (notified0, ==, 2);
  g_assert_cmpuint (row_number (row0), ==, 6);

  /* A new filter: its first page, then the rest. Meanwhile the rows keep
   * their number, those past the page showing a placeholder; nothing is
   * announced until the list is whole and longer, or whole and shorter. */
  hd_ticket_rows_set_partial (rows, TRUE);
  store_set (store, 0, 3, sorted, 1);                     /* 9 */
  g_assert_cmpuint (change.calls, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 3);
  g_assert_true (hd_ticket_is_placeholder (hd_ticket_row_get_ticket (row0)));
  store_set (store, 1, 0, five, G_N_ELEMENTS (five));     /* 9 1 2 3 4 5 */
  g_assert_cmpuint (change.calls, ==, 3);
  g_assert_cmpuint (change.position, ==, 3);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 3);
  g_assert_cmpuint (row_number (row0), ==, 1);
  hd_ticket_rows_set_partial (rows, FALSE);
  g_assert_cmpuint (change.calls, ==, 3);
  hd_ticket_rows_set_partial (rows, TRUE);
  store_set (store, 0, 6, filed, G_N_ELEMENTS (filed));   /* 7 */
  g_assert_cmpuint (change.calls, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 6);
  hd_ticket_rows_set_partial (rows, FALSE);
  g_assert_cmpuint (change.calls, ==, 4);
  g_assert_cmpuint (change.position, ==, 1);
  g_assert_cmpuint (change.removed, ==, 5);
  g_assert_cmpuint (change.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 1);
  g_assert_true (hd_ticket_is_placeholder (hd_ticket_row_get_ticket (row0)));

  /* Rows outlive the list. */
  g_clear_object (&rows);
  g_assert_cmpuint (row_number (again), ==, 7);
  g_clear_pointer (&named_tickets, g_ptr_array_unref);
}

/* HdTicketView */

static gboolean
ticket_view_loaded (HdTicketView *view)
{
  return hd_ticket_view_get_ticket (view) != NULL;
}

static void
test_ticket_view (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  GtkWidget *view, *stack, *title_row, *requester_row;
  GtkWindow *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  view = hd_ticket_view_new ();
  window = present_child (view);

  g_assert_cmpint (hd_ticket_view_get_number (HD_TICKET_VIEW (view)), ==, 0);
  g_assert_null (hd_ticket_view_get_ticket (HD_TICKET_VIEW (view)));
  stack = hd_find_widget (view, GTK_TYPE_STACK, NULL, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");

  /* One ticket of a seeded file, read through the view's own jobs. */
  hd_gui_test_seed (&path);
  store = hd_test_open_as (path, "disp");
  me = hd_store_dup_me (store);
  hd_ticket_view_set_store (HD_TICKET_VIEW (view), store, me);
  hd_ticket_view_show (HD_TICKET_VIEW (view), 3);
  hd_wait_until (ticket_view_loaded, view, HD_WAIT_MS);

  g_assert_cmpint (hd_ticket_get_number (hd_ticket_view_get_ticket (HD_TICKET_VIEW (view))), ==, 3);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "ticket");
  title_row = hd_find_row (view, ADW_TYPE_ENTRY_ROW, "Title");
  g_assert_nonnull (title_row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==,
                   hd_gui_test_seed_titles[2]);
  g_assert_nonnull (hd_find_label (view, "#3"));
  g_assert_nonnull (hd_find_label (view, "Filed the ticket"));
  requester_row = hd_find_row (view, ADW_TYPE_ACTION_ROW, "Requester");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (requester_row)), ==, "req1");

  /* Nothing to show: back to the empty page. */
  hd_ticket_view_show (HD_TICKET_VIEW (view), 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");

  destroy_with (window, view);

  /* The view used the store only through jobs, all finished now. */
  events = hd_store_list_events (store, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
}

/* Unsaved text survives moving to another ticket, a refused save, the view
 * (the window) going away, and is forgotten once saved. */

static gboolean
ticket_view_shows (gpointer view)
{
  HdTicket *ticket = hd_ticket_view_get_ticket (view);

  return ticket != NULL &&
         hd_ticket_get_number (ticket) == hd_ticket_view_get_number (view);
}

static GtkTextView *
composer_of (GtkWidget *view)
{
  g_autoptr(GPtrArray) views = hd_find_widgets (view, GTK_TYPE_TEXT_VIEW, NULL, NULL);

  /* The description, then the composer. */
  g_assert_cmpuint (views->len, ==, 2);
  return g_ptr_array_index (views, 1);
}

static char *
buffer_text (GtkTextView *view)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
  return gtk_text_buffer_get_text (gtk_text_view_get_buffer (view), &start, &end, FALSE);
}

static gboolean
composer_empty (gpointer view)
{
  g_autofree char *text = buffer_text (composer_of (view));

  return text[0] == '\0';
}

static gboolean
draft_reply_is (gpointer data)
{
  gpointer *args = data;
  g_autoptr(HdDraft) draft = hd_drafts_get (args[0], 3);

  return draft != NULL && g_strcmp0 (draft->reply, args[1]) == 0;
}

static gboolean
no_draft_for_3 (gpointer drafts)
{
  g_autoptr(HdDraft) draft = hd_drafts_get (drafts, 3);

  return draft == NULL;
}

static gboolean
reply_in_file (gpointer data)
{
  gpointer *args = data;
  g_autoptr(GPtrArray) events = hd_store_list_events (args[0], 3, NULL);

  for (guint i = 0; events != NULL && i < events->len; i++)
    if (g_strcmp0 (hd_ticket_event_get_body (g_ptr_array_index (events, i)), args[1]) == 0)
      return TRUE;

  return FALSE;
}

static GtkWidget *drafts_view;

static gboolean
is_draft_revealer (GtkWidget *widget,
                   gpointer   data)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)),
                    "draft_revealer") == 0;
}

/* The view read the ticket as saved: no job of it left in flight. */
static gboolean
view_has_version (gpointer saved)
{
  HdTicket *shown = hd_ticket_view_get_ticket (HD_TICKET_VIEW (drafts_view));

  return shown != NULL && hd_ticket_get_version (shown) == hd_ticket_get_version (saved);
}

static gboolean
conflict_shown (gpointer data)
{
  return hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static void
test_ticket_view_drafts (void)
{
  g_autofree char *path = NULL;
  g_autofree char *typed = NULL;
  const char *refused = "A bell \a is no text";
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) other = NULL;
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdDrafts) drafts = NULL;
  g_autoptr(HdDraft) draft = NULL;
  g_autoptr(HdTicket) saved = NULL;
  g_autoptr(GError) error = NULL;
  const char *reply = "Reboot it <b>twice</b> & call me\nsecond line";
  gpointer args[2];
  GtkWidget *view, *title_row;
  GtkWindow *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  hd_gui_test_seed (&path);
  store = hd_test_open_as (path, "disp");
  me = hd_store_dup_me (store);
  drafts = hd_drafts_new (path, "disp");

  view = hd_ticket_view_new ();
  window = present_child (view);
  hd_ticket_view_set_store (HD_TICKET_VIEW (view), store, me);
  hd_ticket_view_set_drafts (HD_TICKET_VIEW (view), drafts);
  hd_ticket_view_show (HD_TICKET_VIEW (view), 3);
  hd_wait_until (ticket_view_shows, view, HD_WAIT_MS);

  /* A reply typed and a field edited, then another ticket: the form
   * empties, the text is kept (the moment the person moved on). */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (composer_of (view)), reply, -1);
  title_row = hd_find_row (view, ADW_TYPE_ENTRY_ROW, "Title");
  gtk_editable_set_text (GTK_EDITABLE (title_row), "Edited, not saved");
  hd_ticket_view_show (HD_TICKET_VIEW (view), 2);
  hd_wait_until (ticket_view_shows, view, HD_WAIT_MS);
  typed = buffer_text (composer_of (view));
  g_assert_cmpstr (typed, ==, "");
  draft = hd_drafts_get (drafts, 3);
  g_assert_nonnull (draft);
  g_assert_cmpstr (draft->reply, ==, reply);
  g_assert_cmpstr (draft->title, ==, "Edited, not saved");
  g_assert_cmpint (draft->base_version, ==, 1);

  /* Back: both return, the title marked as an edit of version 1. */
  hd_ticket_view_show (HD_TICKET_VIEW (view), 3);
  hd_wait_until (ticket_view_shows, view, HD_WAIT_MS);
  g_clear_pointer (&typed, g_free);
  typed = buffer_text (composer_of (view));
  g_assert_cmpstr (typed, ==, reply);
  title_row = hd_find_row (view, ADW_TYPE_ENTRY_ROW, "Title");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, "Edited, not saved");

  /* The view goes away (the window closed, the app quit) with more typed:
   * written at once, not a moment later. */
  gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (composer_of (view)), "!", -1);
  destroy_with (window, view);
  g_clear_pointer (&draft, hd_draft_free);
  {
    g_autoptr(HdDrafts) reread = hd_drafts_new (path, "disp");

    draft = hd_drafts_get (reread, 3);
    g_assert_nonnull (draft);
    g_assert_true (g_str_has_suffix (draft->reply, "second line!"));
  }

  /* Someone else saves the ticket meanwhile. */
  other = hd_test_open_as (path, "tech1");
  {
    HdTicketChanges changes = { .category = "Printers" };

    saved = hd_store_update_ticket (other, 3, 1, &changes, &error);
    g_assert_no_error (error);
  }

  /* A new view, a new session: the draft is back. */
  drafts_view = view = hd_ticket_view_new ();
  window = present_child (view);
  hd_ticket_view_set_store (HD_TICKET_VIEW (view), store, me);
  hd_ticket_view_set_drafts (HD_TICKET_VIEW (view), drafts);
  hd_ticket_view_show (HD_TICKET_VIEW (view), 3);
  hd_wait_until (ticket_view_shows, view, HD_WAIT_MS);
  g_clear_pointer (&typed, g_free);
  typed = buffer_text (composer_of (view));
  g_assert_true (g_str_has_suffix (typed, "second line!"));
  /* Restored field edits do not look edited: a notice says so. */
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (hd_find_widget (view, GTK_TYPE_REVEALER, is_draft_revealer, NULL))));

  /* A reply the file refuses (a control character) stays in the form and
   * the draft. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (composer_of (view)), refused, -1);
  g_assert_true (gtk_widget_activate_action (view, "ticket.send", NULL));
  args[0] = drafts;
  args[1] = (gpointer) refused;
  hd_wait_until (draft_reply_is, args, HD_WAIT_MS);
  g_clear_pointer (&typed, g_free);
  typed = buffer_text (composer_of (view));
  g_assert_cmpstr (typed, ==, refused);

  /* Sent: gone from the form and from the drafts; the title edit, based
   * on version 1, is still a draft, to be saved as a conflict. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (composer_of (view)), reply, -1);
  g_assert_true (gtk_widget_activate_action (view, "ticket.send", NULL));
  args[0] = store;
  args[1] = (gpointer) reply;
  hd_wait_until (reply_in_file, args, HD_WAIT_MS);
  hd_wait_until (composer_empty, view, HD_WAIT_MS);
  g_clear_pointer (&draft, hd_draft_free);
  draft = hd_drafts_get (drafts, 3);
  g_assert_nonnull (draft);
  g_assert_null (draft->reply);
  g_assert_cmpstr (draft->title, ==, "Edited, not saved");
  g_assert_cmpint (draft->base_version, ==, 1);

  /* Saved over the other change, on purpose, from the conflict dialog:
   * no draft left, and their category stays. */
  g_assert_true (gtk_widget_activate_action (view, "ticket.save-changes", NULL));
  hd_wait_until (conflict_shown, NULL, HD_WAIT_MS);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)),
                               "overwrite");
  hd_wait_until (no_draft_for_3, drafts, HD_WAIT_MS);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (hd_find_widget (view, GTK_TYPE_REVEALER, is_draft_revealer, NULL))));
  g_clear_object (&saved);
  saved = hd_store_get_ticket (store, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_get_title (saved), ==, "Edited, not saved");
  g_assert_cmpstr (hd_ticket_get_category (saved), ==, "Printers");
  hd_wait_until (view_has_version, saved, HD_WAIT_MS);
  destroy_with (window, view);
}

/* HdWelcomePage */

typedef struct {
  char *path;
  char *name;
} Created;

static void
create_cb (HdWelcomePage *page,
           const char    *path,
           const char    *name,
           Created       *created)
{
  g_free (created->path);
  g_free (created->name);
  created->path = g_strdup (path);
  created->name = g_strdup (name);
}

static gboolean
run_quietly (const char * const *argv)
{
  int status = -1;

  return g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                       G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

static gboolean
location_explained (gpointer label)
{
  return gtk_widget_get_visible (label) &&
         strstr (gtk_label_get_text (label), "FUSE") != NULL;
}

static gboolean
label_is_location (GtkWidget *widget,
                   gpointer   data)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)),
                    "location_label") == 0;
}

static gboolean
label_hidden (gpointer label)
{
  return !gtk_widget_get_visible (label);
}

/* A folder on a share is explained before a helpdesk is created there. */
static void
test_welcome_explains_share (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *src = NULL;
  g_autofree char *mount = NULL;
  const char *fusermount = g_find_program_in_path ("fusermount3") ? "fusermount3" : "fusermount";
  GtkWidget *window, *page, *label;
  gboolean mounted;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  if (g_find_program_in_path ("bindfs") == NULL)
    {
      g_test_skip ("bindfs is needed for a FUSE folder");
      return;
    }

  root = g_dir_make_tmp ("hd-welcome-XXXXXX", &error);
  g_assert_no_error (error);
  src = g_build_filename (root, "src", NULL);
  mount = g_build_filename (root, "share", NULL);
  g_assert_cmpint (g_mkdir (src, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (mount, 0700), ==, 0);
  mounted = run_quietly ((const char *[]) { "bindfs", src, mount, NULL });
  if (!mounted)
    {
      g_test_skip ("bindfs could not mount");
      return;
    }

  window = gtk_window_new ();
  page = hd_welcome_page_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  hd_welcome_page_set_folder (HD_WELCOME_PAGE (page), mount);

  label = hd_find_widget (page, GTK_TYPE_LABEL, label_is_location, NULL);
  g_assert_nonnull (label);
  hd_wait_until (location_explained, label, HD_WAIT_MS);

  /* Back on this computer: nothing to explain. */
  hd_welcome_page_set_folder (HD_WELCOME_PAGE (page), root);
  hd_wait_until (label_hidden, label, HD_WAIT_MS);

  hd_destroy_and_wait (GTK_WINDOW (window));
  g_assert_true (run_quietly ((const char *[]) { fusermount, "-u", mount, NULL }));
  g_rmdir (mount);
  g_rmdir (src);
  g_rmdir (root);
}

static gboolean
one_recent_row (gpointer group)
{
  g_autoptr(GPtrArray) rows = hd_find_widgets (group, ADW_TYPE_ACTION_ROW, NULL, NULL);

  return rows->len == 1;
}

static void
test_welcome_page (void)
{
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const char *recent[3];
  Created created = { NULL, NULL };
  GtkWidget *page, *group, *error_label;
  GtkWindow *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  page = hd_welcome_page_new ();
  window = present_child (page);
  g_signal_connect (page, "create", G_CALLBACK (create_cb), &created);

  group = hd_find_widget (page, ADW_TYPE_PREFERENCES_GROUP, NULL, NULL);
  g_assert_nonnull (group);
  g_assert_false (gtk_widget_get_visible (group));

  /* Recent files that still exist, and only those: the check runs off the
   * drawing thread, so the missing one goes a moment later. */
  store = hd_test_new_helpdesk (&path);
  base = g_path_get_basename (path);
  recent[0] = "/nonexistent/helpdesk.db";
  recent[1] = path;
  recent[2] = NULL;
  hd_welcome_page_set_recent (HD_WELCOME_PAGE (page), recent);
  g_assert_true (gtk_widget_get_visible (group));
  hd_wait_until (one_recent_row, group, HD_WAIT_MS);
  rows = hd_find_widgets (group, ADW_TYPE_ACTION_ROW, NULL, NULL);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==, base);

  /* Why the last file could not be opened, then nothing. */
  hd_welcome_page_set_error (HD_WELCOME_PAGE (page), "That is not a helpdesk file & never was");
  error_label = hd_find_label (page, "That is not a helpdesk file & never was");
  g_assert_nonnull (error_label);
  g_assert_true (gtk_widget_get_visible (error_label));
  hd_welcome_page_set_error (HD_WELCOME_PAGE (page), NULL);
  g_assert_false (gtk_widget_get_visible (error_label));

  /* "Start a New Helpdesk" asks for helpdesk.db in the chosen folder. */
  g_signal_emit_by_name (find_button (page, "_Start a New Helpdesk"), "clicked");
  g_assert_nonnull (created.path);
  g_assert_true (g_str_has_suffix (created.path, G_DIR_SEPARATOR_S "helpdesk.db"));
  g_assert_cmpstr (created.name, ==, "My Office");
  g_free (created.path);
  g_free (created.name);

  g_clear_pointer (&rows, g_ptr_array_unref);
  destroy_with (window, page);
}

/* HdNewTicketDialog */

static gboolean
people_loaded (GtkDropDown *dropdown)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  return model != NULL && g_list_model_get_n_items (model) == 5 &&
         gtk_drop_down_get_selected_item (dropdown) != NULL;
}

static void
test_new_ticket_dialog (void)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) me = NULL;
  GtkWidget *dialog, *dropdown, *requester_row, *title_row, *create;
  gpointer pointer;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = hd_test_new_helpdesk (NULL);
  me = hd_store_dup_me (store);
  dialog = hd_new_ticket_dialog_new (NULL, store, me, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  hd_wait_frames (dialog, 3);

  /* The dispatcher files for anyone; for themselves unless they pick. */
  requester_row = hd_find_row (dialog, ADW_TYPE_ACTION_ROW, "Requester");
  g_assert_nonnull (requester_row);
  g_assert_true (gtk_widget_get_visible (requester_row));
  dropdown = hd_find_widget (dialog, GTK_TYPE_DROP_DOWN, NULL, NULL);
  g_assert_nonnull (dropdown);
  hd_wait_until (people_loaded, dropdown, HD_WAIT_MS);
  g_assert_cmpstr (hd_person_get_login (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown))),
                   ==, "disp");

  /* Nothing to file without a title. */
  create = find_button (dialog, "C_reate");
  g_assert_false (gtk_widget_get_sensitive (create));
  title_row = hd_find_row (dialog, ADW_TYPE_ENTRY_ROW, "What is wrong?");
  g_assert_nonnull (title_row);
  gtk_editable_set_text (GTK_EDITABLE (title_row), "The coffee machine & the fridge");
  g_assert_true (gtk_widget_get_sensitive (create));

  /* A title too long is the core's rule, shown under the field. */
  {
    g_autofree char *long_title = g_strnfill (HD_MAX_TITLE_CHARS + 1, 'x');

    gtk_editable_set_text (GTK_EDITABLE (title_row), long_title);
    g_assert_false (gtk_widget_get_sensitive (create));
    g_assert_true (gtk_widget_has_css_class (title_row, "error"));
    gtk_editable_set_text (GTK_EDITABLE (title_row), "Fine again");
    g_assert_true (gtk_widget_get_sensitive (create));
    g_assert_false (gtk_widget_has_css_class (title_row, "error"));
  }

  pointer = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &pointer);
  hd_destroy_and_wait (GTK_WINDOW (dialog));
  g_assert_null (pointer);
}

static gboolean window_gone (gpointer *pointer);

/* The form keeps what was typed when it is closed without filing. */

static gboolean
is_restored_revealer (GtkWidget *widget,
                      gpointer   data)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)),
                    "restored_revealer") == 0;
}

static gboolean
new_ticket_draft_gone (gpointer drafts)
{
  g_autoptr(HdDraft) draft = hd_drafts_get (drafts, HD_DRAFT_NEW_TICKET);

  return draft == NULL;
}

static void
test_new_ticket_dialog_draft (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdDrafts) drafts = NULL;
  g_autoptr(HdDraft) draft = NULL;
  GtkWidget *dialog, *title_row, *category_row, *revealer;
  gpointer pointer;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = hd_test_new_helpdesk (&path);
  me = hd_store_dup_me (store);
  drafts = hd_drafts_new (path, "disp");

  dialog = hd_new_ticket_dialog_new (NULL, store, me, drafts);
  gtk_window_present (GTK_WINDOW (dialog));
  revealer = hd_find_widget (dialog, GTK_TYPE_REVEALER, is_restored_revealer, NULL);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  title_row = hd_find_row (dialog, ADW_TYPE_ENTRY_ROW, "What is wrong?");
  category_row = hd_find_row (dialog, ADW_TYPE_ENTRY_ROW, "Category");
  gtk_editable_set_text (GTK_EDITABLE (title_row), "Scanner <i>offline</i>");
  gtk_editable_set_text (GTK_EDITABLE (category_row), "Hardware");
  hd_destroy_and_wait (GTK_WINDOW (dialog));

  draft = hd_drafts_get (drafts, HD_DRAFT_NEW_TICKET);
  g_assert_nonnull (draft);
  g_assert_cmpstr (draft->title, ==, "Scanner <i>offline</i>");
  g_assert_cmpstr (draft->category, ==, "Hardware");

  /* Opened again: as it was left, and saying so. */
  dialog = hd_new_ticket_dialog_new (NULL, store, me, drafts);
  gtk_window_present (GTK_WINDOW (dialog));
  revealer = hd_find_widget (dialog, GTK_TYPE_REVEALER, is_restored_revealer, NULL);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  title_row = hd_find_row (dialog, ADW_TYPE_ENTRY_ROW, "What is wrong?");
  category_row = hd_find_row (dialog, ADW_TYPE_ENTRY_ROW, "Category");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, "Scanner <i>offline</i>");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (category_row)), ==, "Hardware");
  hd_wait_frames (dialog, 3);
  g_free (hd_save_screenshot (dialog, "screenshot-new-ticket-draft.png"));

  /* Start Over: an empty form, nothing kept. */
  g_assert_true (gtk_widget_activate_action (dialog, "dialog.start-over", NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (category_row)), ==, "");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_true (new_ticket_draft_gone (drafts));

  /* Filed: the draft written on the way is forgotten. */
  gtk_editable_set_text (GTK_EDITABLE (title_row), "Projector bulb");
  g_assert_true (gtk_widget_activate_action (dialog, "dialog.create", NULL));
  pointer = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &pointer);
  hd_wait_until (window_gone, &pointer, HD_WAIT_MS);
  g_assert_true (new_ticket_draft_gone (drafts));
}

/* Filing while someone else holds the file: the form waits, keeps what was
 * typed, then files. */

static gboolean
time_passed (gint64 *deadline)
{
  return g_get_monotonic_time () >= *deadline;
}

static gboolean
window_gone (gpointer *pointer)
{
  return *pointer == NULL;
}

static void
test_new_ticket_dialog_busy (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  HdTicketFilter all = { 0 };
  GtkWidget *dialog, *title_row;
  sqlite3 *db = NULL;
  gpointer pointer;
  gint64 deadline;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = hd_test_new_helpdesk (&path);
  me = hd_store_dup_me (store);
  dialog = hd_new_ticket_dialog_new (NULL, store, me, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  hd_wait_until (people_loaded, hd_find_widget (dialog, GTK_TYPE_DROP_DOWN, NULL, NULL),
                 HD_WAIT_MS);

  /* Typing in the title, as a person would: it has the focus. */
  title_row = hd_find_row (dialog, ADW_TYPE_ENTRY_ROW, "What is wrong?");
  g_assert_true (gtk_widget_grab_focus (title_row));
  gtk_editable_set_text (GTK_EDITABLE (title_row), "Filed while the file was busy");
  hd_wait_frames (dialog, 3);

  /* Another program holds the file for a moment (shorter than the busy
   * timeout). */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  /* Held longer than a cursor blink (1.2 s): whatever the form does while
   * it waits, it does it with the focus where it left it. The one wait on
   * the clock, since waiting for time is the point. */
  g_assert_true (gtk_widget_activate_action (dialog, "dialog.create", NULL));
  deadline = g_get_monotonic_time () + 1500 * G_TIME_SPAN_MILLISECOND;
  hd_wait_until (time_passed, &deadline, HD_WAIT_MS);
  g_assert_true (hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG) == GTK_WINDOW (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==,
                   "Filed while the file was busy");

  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  /* Filed, and the form closes by itself. */
  pointer = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &pointer);
  hd_wait_until (window_gone, &pointer, HD_WAIT_MS);
  g_clear_object (&store);
  checker = hd_test_open_as (path, "disp");
  tickets = hd_store_list_tickets (checker, &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, 1);
  g_assert_cmpstr (hd_ticket_get_title (g_ptr_array_index (tickets, 0)), ==,
                   "Filed while the file was busy");
}

/* Deadlines read with their time, and their day as near as it is. */

static gint64
local_usec (int month,
            int day,
            int hour,
            int minute)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, month, day, hour, minute, 0);

  return g_date_time_to_unix (when) * G_USEC_PER_SEC;
}

static void
test_format_deadline (void)
{
  gint64 now = local_usec (11, 23, 10, 0);   /* a Monday */
  struct {
    gint64      due;
    const char *text;
  } cases[] = {
    { local_usec (11, 23, 14, 0), "14:00" },
    { local_usec (11, 23, 9, 30), "09:30" },          /* earlier today: overdue */
    { local_usec (11, 24, 9, 30), "Tomorrow 09:30" },
    { local_usec (11, 22, 17, 0), "Yesterday 17:00" },
    { local_usec (11, 26, 11, 0), "Thu 11:00" },
    { local_usec (12, 2, 16, 0), "2 Dec 16:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = hd_format_deadline (cases[i].due, now);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
  g_assert_cmpstr (hd_format_deadline (0, now), ==, "");
}

/* HdMarkdownView: Markdown through md4c into the buffer's tags */

static gboolean
has_tag_at (GtkTextBuffer *buffer,
            const char    *word,
            const char    *tag_name)
{
  GtkTextIter start, match_start;
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);

  gtk_text_buffer_get_start_iter (buffer, &start);
  if (tag == NULL ||
      !gtk_text_iter_forward_search (&start, word, GTK_TEXT_SEARCH_TEXT_ONLY, &match_start,
                                     NULL, NULL))
    return FALSE;

  return gtk_text_iter_has_tag (&match_start, tag);
}

static GtkTextIter
iter_at_word (GtkTextBuffer *buffer,
              const char    *word)
{
  GtkTextIter start, match_start;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, word, GTK_TEXT_SEARCH_TEXT_ONLY,
                                               &match_start, NULL, NULL));
  return match_start;
}

static void
test_markdown (void)
{
  const char *sample =
    "# Printer jams\n"
    "\n"
    "Open **tray 2** and *gently* pull the `paper`; see [the manual](https://example.com/p?a=1&amp;b=2).\n"
    "Markup such as <b>bold</b> stays text &amp; entities decode: &#x263A; &lt;ok&gt;\n"
    "\n"
    "## Steps\n"
    "\n"
    "1. Power off\n"
    "2. Wait\n"
    "\n"
    "- tray\n"
    "  - roller\n"
    "\n"
    "```\n"
    "lpstat -p\n"
    "```\n"
    "\n"
    "> Call the vendor if it smokes.\n"
    "\n"
    "| Network | Password |\n"
    "| --- | --- |\n"
    "| Office-Guest | at **reception** |\n"
    "\n"
    "~~old~~ and [local](file:///etc/passwd)\n";
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  GtkTextIter start, end, link;
  g_autofree char *text = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  hd_markdown_render (buffer, sample);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  /* The words, without Markdown's marks, and markup left as text. */
  g_assert_true (g_str_has_prefix (text, "Printer jams\nOpen tray 2 and gently pull the paper; see the manual."));
  g_assert_nonnull (strstr (text, "Markup such as <b>bold</b> stays text & entities decode: ☺ <ok>"));
  g_assert_nonnull (strstr (text, "1. Power off\n2. Wait\n"));
  g_assert_nonnull (strstr (text, "• tray\n• roller"));
  g_assert_nonnull (strstr (text, "lpstat -p"));
  g_assert_false (g_str_has_suffix (text, "\n"));
  g_assert_null (strstr (text, "**"));
  g_assert_null (strstr (text, "```"));

  /* The formatting, as tags. */
  g_assert_true (has_tag_at (buffer, "Printer jams", "h1"));
  g_assert_true (has_tag_at (buffer, "Steps", "h2"));
  g_assert_true (has_tag_at (buffer, "tray 2", "strong"));
  g_assert_true (has_tag_at (buffer, "gently", "em"));
  g_assert_true (has_tag_at (buffer, "paper", "code"));
  g_assert_true (has_tag_at (buffer, "lpstat", "code-block"));
  g_assert_true (has_tag_at (buffer, "Call the vendor", "quote-1"));
  g_assert_true (has_tag_at (buffer, "old and", "del"));
  g_assert_true (has_tag_at (buffer, "roller", "list-2"));
  g_assert_false (has_tag_at (buffer, "Open", "strong"));
  g_assert_false (has_tag_at (buffer, "<b>bold</b>", "strong"));

  /* Links keep their target; a file: link is only text to the view. */
  link = iter_at_word (buffer, "the manual");
  g_assert_cmpstr (hd_markdown_link_at (&link), ==, "https://example.com/p?a=1&amp;b=2");
  g_assert_true (has_tag_at (buffer, "the manual", "link"));
  link = iter_at_word (buffer, "Open");
  g_assert_null (hd_markdown_link_at (&link));

  /* A table is not text of the buffer: no bars, no rule. */
  g_assert_null (strstr (text, "|"));
  g_assert_null (strstr (text, "---"));
  g_assert_null (strstr (text, "Office-Guest"));

  /* As a person sees it: the table a grid of its cells, header first. */
    {
      GtkWidget *view = hd_markdown_view_new ();
      GtkWindow *window;
      GtkWidget *grid, *cell;

      hd_markdown_view_set_markdown (HD_MARKDOWN_VIEW (view), sample);
      grid = hd_find_widget (view, GTK_TYPE_GRID, NULL, NULL);
      g_assert_nonnull (grid);
      cell = gtk_grid_get_child_at (GTK_GRID (grid), 0, 0);
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (cell)), ==, "Network");
      g_assert_true (gtk_widget_has_css_class (cell, "heading"));
      cell = gtk_grid_get_child_at (GTK_GRID (grid), 1, 1);
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (cell)), ==, "at reception");
      g_assert_false (gtk_widget_has_css_class (cell, "heading"));
      g_assert_false (gtk_label_get_use_markup (GTK_LABEL (cell)));
      window = present_child (view);
      g_free (hd_save_screenshot (GTK_WIDGET (window), "screenshot-markdown.png"));
      destroy_with (window, view);
    }

  /* Nothing at all, and text that is not UTF-8. */
  hd_markdown_render (buffer, NULL);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 0);
  hd_markdown_render (buffer, "bad \xff byte");
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 10);
}

/* HdPeopleWindow */

static gboolean
rows_listed (gpointer list)
{
  g_autoptr(GPtrArray) rows = hd_find_widgets (list, ADW_TYPE_ACTION_ROW, NULL, NULL);

  return rows->len > 0;
}

static gboolean
showing_list (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (hd_find_named (window, GTK_TYPE_STACK, "stack"))),
                    "list") == 0 &&
         gtk_widget_get_sensitive (hd_find_named (window, GTK_TYPE_STACK, "stack"));
}

static gboolean
form_error_shown (gpointer window)
{
  return gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "form_error")) &&
         gtk_widget_get_sensitive (hd_find_named (window, GTK_TYPE_STACK, "stack"));
}

static HdPerson *
person_in (HdStore    *store,
           const char *login)
{
  g_autoptr(GError) error = NULL;
  HdPerson *person = hd_store_find_person (store, login, &error);

  g_assert_no_error (error);
  return person;
}

static void
test_people_window (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autoptr(HdPerson) tech1 = NULL;
  g_autoptr(HdPerson) added = NULL;
  g_autoptr(HdPerson) disp = NULL;
  g_autoptr(GPtrArray) staff = NULL;
  g_autoptr(GPtrArray) requesters = NULL;
  GtkWidget *window, *row;
  guint changed = 0;
  gpointer pointer;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = hd_test_new_helpdesk (&path);
  checker = hd_test_open_as (path, "disp");
  window = hd_people_window_new (NULL, store);
  g_signal_connect (window, "changed", G_CALLBACK (count_cb), &changed);
  gtk_window_present (GTK_WINDOW (window));
  hd_wait_until (rows_listed, hd_find_named (window, GTK_TYPE_LIST_BOX, "requester_list"), HD_WAIT_MS);

  /* Staff and requesters apart. */
  staff = hd_find_widgets (hd_find_named (window, GTK_TYPE_LIST_BOX, "staff_list"), ADW_TYPE_ACTION_ROW,
                           NULL, NULL);
  requesters = hd_find_widgets (hd_find_named (window, GTK_TYPE_LIST_BOX, "requester_list"),
                                ADW_TYPE_ACTION_ROW, NULL, NULL);
  g_assert_cmpuint (staff->len, ==, 3);
  g_assert_cmpuint (requesters->len, ==, 2);
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-people.png"));

  /* tech1 to tier 2. */
  row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "tech1");
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activated");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "login_row"))),
                   ==, "tech1");
  g_assert_false (gtk_widget_get_sensitive (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "login_row")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (window, ADW_TYPE_COMBO_ROW, "tier_row")), 1);
  g_assert_true (gtk_widget_activate_action (window, "people.save", NULL));
  hd_wait_until (showing_list, window, HD_WAIT_MS);
  tech1 = person_in (checker, "tech1");
  g_assert_cmpint (hd_person_get_tier (tech1), ==, 2);
  g_assert_cmpuint (changed, ==, 1);

  /* Someone new, a tier-3 technician, with markup in the name. */
  g_assert_true (gtk_widget_activate_action (window, "people.add", NULL));
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "login_row")), "nina");
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "name_row")),
                         "Nina <b>Network</b> & Co");
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (window, ADW_TYPE_COMBO_ROW, "role_row")),
                              HD_ROLE_TECHNICIAN);
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (window, ADW_TYPE_COMBO_ROW, "tier_row")), 2);
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-person-form.png"));
  g_assert_true (gtk_widget_activate_action (window, "people.save", NULL));
  hd_wait_until (showing_list, window, HD_WAIT_MS);
  added = person_in (checker, "nina");
  g_assert_cmpstr (hd_person_get_name (added), ==, "Nina <b>Network</b> & Co");
  g_assert_cmpint (hd_person_get_role (added), ==, HD_ROLE_TECHNICIAN);
  g_assert_cmpint (hd_person_get_tier (added), ==, 3);

  /* A bad login is the core's rule, said as it is typed. */
  g_assert_true (gtk_widget_activate_action (window, "people.add", NULL));
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "login_row")),
                         "has space");
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "form_error")));
  g_assert_false (gtk_widget_is_sensitive (hd_find_named (window, GTK_TYPE_BUTTON, "save_button")));
  g_assert_true (gtk_widget_activate_action (window, "people.back", NULL));

  /* The last dispatcher cannot stop being one: refused, with the reason,
   * the form kept, nothing changed. */
  row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "disp");
  g_signal_emit_by_name (row, "activated");
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (window, ADW_TYPE_COMBO_ROW, "role_row")),
                              HD_ROLE_REQUESTER);
  g_assert_true (gtk_widget_activate_action (window, "people.save", NULL));
  hd_wait_until (form_error_shown, window, HD_WAIT_MS);
  disp = person_in (checker, "disp");
  g_assert_cmpint (hd_person_get_role (disp), ==, HD_ROLE_DISPATCHER);

  pointer = window;
  g_object_add_weak_pointer (G_OBJECT (window), &pointer);
  hd_destroy_and_wait (GTK_WINDOW (window));
  g_assert_null (pointer);
}

static GtkWindow *
merge_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        g_str_has_prefix (adw_message_dialog_get_heading (l->data), "Merge "))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
merge_dialog_shown (gpointer data)
{
  return merge_dialog () != NULL;
}

static gboolean
rita_home_gone (gpointer window)
{
  return hd_find_row (window, ADW_TYPE_ACTION_ROW, "Rita <i>at home</i>") == NULL;
}

/* Rita wrote from home, which made a second record: the dispatcher opens
 * it, Merge Into… counts what it holds and names it, she picks Rita's
 * record, and the home record is gone, its ticket Rita's. */
static void
test_people_merge (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) home = NULL;
  g_autoptr(HdPerson) added = NULL;
  g_autoptr(HdPerson) gone = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) moved = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonDraft draft = { .login = "rita-home", .name = "Rita <i>at home</i>",
                          .email = "rita@home.example", .role = HD_ROLE_REQUESTER };
  GtkWidget *window, *row, *choice;
  GtkWindow *dialog;
  GListModel *names;
  const char *body;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = hd_test_new_helpdesk (&path);
  added = hd_store_add_person (store, &draft, &error);
  g_assert_no_error (error);
  home = hd_test_open_as (path, "rita-home");
  ticket = hd_test_file_ticket (home, "Printer at home jams");

  window = hd_people_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  hd_wait_until (rows_listed, hd_find_named (window, GTK_TYPE_LIST_BOX, "requester_list"), HD_WAIT_MS);

  /* Adding someone offers no merge; a person's form does. */
  g_assert_true (gtk_widget_activate_action (window, "people.add", NULL));
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP,
                                                         "merge_group")));
  g_assert_true (gtk_widget_activate_action (window, "people.back", NULL));
  row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "Rita <i>at home</i>");
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activated");
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP,
                                                        "merge_group")));
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-person-merge-row.png"));

  g_assert_true (gtk_widget_activate_action (window, "people.merge", NULL));
  hd_wait_until (merge_dialog_shown, NULL, HD_WAIT_MS);
  dialog = merge_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Merge “Rita <i>at home</i>” Into…");
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (body, "1 ticket asked for and 1 history entry"));

  /* Only those whose role is at least a requester's, not the record
   * itself: everyone else, here. */
  choice = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  names = gtk_drop_down_get_model (GTK_DROP_DOWN (choice));
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, 5);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      g_autoptr(GtkStringObject) name = g_list_model_get_item (names, i);

      g_assert_null (strstr (gtk_string_object_get_string (name), "rita-home"));
      if (g_str_has_suffix (gtk_string_object_get_string (name), "(req1)"))
        gtk_drop_down_set_selected (GTK_DROP_DOWN (choice), i);
    }
  hd_wait_frames (GTK_WIDGET (dialog), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (dialog), "screenshot-people-merge.png"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "merge");
  hd_wait_until (showing_list, window, HD_WAIT_MS);

  {
    g_autoptr(HdStore) checker = hd_test_open_as (path, "disp");

    gone = hd_store_find_person (checker, "rita-home", &error);
    g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
    g_clear_error (&error);
    moved = hd_store_get_ticket (checker, hd_ticket_get_number (ticket), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (hd_ticket_get_requester (moved), ==, "req1");
  }
  hd_wait_until (rita_home_gone, window, HD_WAIT_MS);

  hd_destroy_and_wait (GTK_WINDOW (window));
}

/* HdPreferencesWindow */

static void
test_preferences_window (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  const char *recent[] = { "/somewhere/helpdesk.db", NULL };
  GtkWidget *window, *path_row, *forget;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  /* Nothing to forget. */
  g_settings_reset (settings, "recent-databases");
  window = hd_preferences_window_new (NULL, settings, "/srv/office/helpdesk.db");
  gtk_window_present (GTK_WINDOW (window));
  hd_wait_frames (window, 3);
  path_row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "Open Now");
  g_assert_nonnull (path_row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (path_row)), ==,
                   "/srv/office/helpdesk.db");
  g_assert_false (gtk_widget_get_sensitive (find_button (window, "_Forget")));
  hd_destroy_and_wait (GTK_WINDOW (window));

  /* Recent files, forgotten on request. */
  g_settings_set_strv (settings, "recent-databases", recent);
  window = hd_preferences_window_new (NULL, settings, NULL);
  gtk_window_present (GTK_WINDOW (window));
  hd_wait_frames (window, 3);
  path_row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "Open Now");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (path_row)), ==, "None");
  forget = find_button (window, "_Forget");
  g_assert_true (gtk_widget_get_sensitive (forget));
  g_signal_emit_by_name (forget, "clicked");
  g_assert_false (gtk_widget_get_sensitive (forget));
  {
    g_auto(GStrv) now = g_settings_get_strv (settings, "recent-databases");

    g_assert_cmpuint (g_strv_length (now), ==, 0);
  }
  hd_destroy_and_wait (GTK_WINDOW (window));
}

/* HdWindow and what the application adds to it */

static gboolean
has_toplevel (gpointer type)
{
  return hd_find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

static gboolean
is_error_label (GtkWidget *widget,
                gpointer   data)
{
  return gtk_widget_has_css_class (widget, "error") && gtk_widget_get_visible (widget) &&
         label_has_text (widget, NULL);
}

static gboolean
welcome_error_shown (GtkWidget *page)
{
  return hd_find_widget (page, GTK_TYPE_LABEL, is_error_label, NULL) != NULL;
}

static void
test_window (void)
{
  g_autoptr(HdApplication) app = NULL;
  g_autofree char *path = NULL;
  GtkWidget *stack, *page;
  GtkWindow *other;
  HdWindow *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  app = hd_gui_test_new_application ();
  window = hd_window_new (app, hd_application_get_settings (app));
  gtk_window_present (GTK_WINDOW (window));
  hd_wait_frames (GTK_WIDGET (window), 3);

  /* Nothing opened: the welcome page. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Helpdesk");
  g_assert_null (hd_window_get_store (window));
  g_assert_null (hd_window_get_ticket_list (window));
  g_assert_null (hd_window_get_path (window));
  g_assert_true (HD_IS_TICKET_VIEW (hd_window_get_ticket_view (window)));
  stack = hd_find_widget (GTK_WIDGET (window), GTK_TYPE_STACK, NULL, NULL);
  g_assert_nonnull (stack);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "welcome");
  page = hd_find_widget (GTK_WIDGET (window), HD_TYPE_WELCOME_PAGE, NULL, NULL);
  g_assert_true (gtk_widget_is_drawable (page));

  /* A file that is not a helpdesk brings the welcome page back with why. */
  path = g_build_filename (hd_test_dir (), "not-a-helpdesk.db", NULL);
  g_assert_true (g_file_set_contents (path, "just some text, not SQLite", -1, NULL));
  hd_window_open_file (window, path);
  hd_wait_until (welcome_error_shown, page, HD_WAIT_MS);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "welcome");
  g_assert_null (hd_window_get_store (window));

  /* The application's windows: shortcuts, preferences, about. */
  /* The window keeps its shortcuts window (GtkApplication loads
   * gtk/help-overlay.ui) and hides it on close. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), HD_WAIT_MS);
  other = hd_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_true (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) ==
                 GTK_SHORTCUTS_WINDOW (other));
  hd_wait_frames (GTK_WIDGET (other), 2);
  gtk_window_close (other);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (other)));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_PREFERENCES_WINDOW), HD_WAIT_MS);
  other = hd_find_toplevel (HD_TYPE_PREFERENCES_WINDOW);
  g_assert_true (gtk_window_get_transient_for (other) == GTK_WINDOW (window));
  hd_destroy_and_wait (other);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), HD_WAIT_MS);
  hd_destroy_and_wait (hd_find_toplevel (ADW_TYPE_ABOUT_WINDOW));

  hd_destroy_and_wait (GTK_WINDOW (window));
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
}

/* The shortcuts window */

static void
test_help_overlay (void)
{
  g_autoptr(HdApplication) app = NULL;
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GPtrArray) shortcuts = NULL;
  g_autoptr(GString) unbound = g_string_new (NULL);
  GtkWidget *section;
  GObject *overlay;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  builder = gtk_builder_new_from_resource ("/io/github/helpdesk/Helpdesk/gtk/help-overlay.ui");
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_present (GTK_WINDOW (overlay));
  /* Shown, the window is owned by the toplevels only. */
  g_clear_object (&builder);
  hd_wait_frames (GTK_WIDGET (overlay), 3);

  /* Every documented shortcut works: the application binds it, or (the
   * composer's Ctrl+Enter, the article editor's Ctrl+S) the widget that
   * handles it does. */
  app = hd_gui_test_new_application ();
  /* The section's, not the copies the window keeps for searching. */
  section = hd_find_widget (GTK_WIDGET (overlay), GTK_TYPE_SHORTCUTS_SECTION, NULL, NULL);
  g_assert_nonnull (section);
  shortcuts = hd_find_widgets (section, GTK_TYPE_SHORTCUTS_SHORTCUT, NULL, NULL);
  g_assert_cmpuint (shortcuts->len, ==, 11);
  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *accel = NULL;
      g_autofree char *title = NULL;
      g_auto(GStrv) actions = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i), "accelerator", &accel, "title", &title,
                    NULL);
      if (g_strcmp0 (accel, "<Control>Return") == 0 || g_strcmp0 (accel, "<Control>s") == 0)
        continue;

      actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), accel);
      if (actions == NULL || actions[0] == NULL)
        g_string_append_printf (unbound, "\n  “%s” (%s)", title, accel);
    }
  if (unbound->len > 0)
    {
      g_printerr ("The shortcuts window lists shortcuts that nothing binds:%s\n", unbound->str);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,
                           "unbound shortcuts, listed above");
    }

  g_clear_pointer (&shortcuts, g_ptr_array_unref);
  hd_destroy_and_wait (GTK_WINDOW (overlay));
}

/* Accessibility */

static gboolean
has_text (const char *text)
{
  return text != NULL && text[0] != '\0';
}

static gboolean
has_accessible_label (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      /* NULL when the label is "", else its value. */
      g_autofree char *value = gtk_test_accessible_check_property (accessible,
                                                                   GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                   "");
      if (value != NULL)
        return TRUE;
    }

  return gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static gboolean
has_visible_label (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && has_text (gtk_button_get_label (GTK_BUTTON (widget))))
    return TRUE;
  if (GTK_IS_MENU_BUTTON (widget) && has_text (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget))))
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (widget) &&
      has_text (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget))))
    return TRUE;

  /* A custom child such as AdwButtonContent: its label is the name. */
  return (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget)) &&
         hd_find_widget (widget, GTK_TYPE_LABEL, label_has_text, NULL) != NULL;
}

static gboolean
has_titled_row (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);

  return row != NULL && has_text (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
}

/* Widgets a person operates, and which a screen reader must name. */
static gboolean
is_control (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  /* Parts of a composite control are named by the control. */
  if (GTK_IS_BUTTON (widget) && (GTK_IS_MENU_BUTTON (parent) || GTK_IS_DROP_DOWN (parent)))
    return FALSE;
  if (GTK_IS_TEXT (widget))
    {
      GtkWidget *editable = gtk_widget_get_ancestor (parent, GTK_TYPE_EDITABLE);

      return editable == NULL || ADW_IS_ENTRY_ROW (editable);
    }

  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_ENTRY (widget) ||
         GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget) ||
         GTK_IS_CHECK_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_LIST_BOX (widget);
}

static gboolean
is_named (GtkWidget *widget)
{
  if (has_accessible_label (widget))
    return TRUE;
  if (has_text (gtk_widget_get_tooltip_text (widget)))
    return TRUE;
  if (has_visible_label (widget))
    return TRUE;

  /* An entry row's text, a combo's list: the row's title names them. A
   * button in a row is still a button of its own and needs a name. */
  if (GTK_IS_TEXT (widget) || GTK_IS_ENTRY (widget) || GTK_IS_DROP_DOWN (widget))
    return has_titled_row (widget);

  /* An expander row's own lists (its header, its rows) belong to the row
   * and are named by its title; libadwaita 1.2 does not relate them. */
  if (GTK_IS_LIST_BOX (widget))
    {
      GtkWidget *expander = gtk_widget_get_ancestor (widget, ADW_TYPE_EXPANDER_ROW);

      return expander != NULL &&
             has_text (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (expander)));
    }

  return FALSE;
}

/* Walks @widget's tree. What a GtkDropDown builds inside itself (its
 * popup's search entry) is GTK's, not ours: it goes to @notes, not to
 * @report. */
static void
find_unnamed (GtkWidget *root,
              GtkWidget *widget,
              GString   *report,
              GString   *notes,
              guint     *n_checked)
{
  if (is_control (widget))
    {
      (*n_checked)++;
      if (!is_named (widget))
        {
          g_autofree char *where = hd_widget_path (root, widget);

          g_string_append_printf (report, "\n  %s without an accessible name%s: %s",
                                  G_OBJECT_TYPE_NAME (widget),
                                  gtk_widget_is_drawable (widget) ? " (on screen)" : "",
                                  where);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_unnamed (root, child, GTK_IS_DROP_DOWN (widget) ? notes : report, notes, n_checked);
}

static gboolean
list_loaded (HdWindow *window)
{
  return hd_list_model_is_loaded (G_LIST_MODEL (hd_window_get_ticket_list (window)),
                                  HD_GUI_TEST_N_SEEDED);
}

static gboolean
ticket_shown (HdWindow *window)
{
  return hd_ticket_view_get_ticket (HD_TICKET_VIEW (hd_window_get_ticket_view (window))) != NULL;
}

static gboolean
dialog_people_loaded (GtkWidget *dialog)
{
  return people_loaded (GTK_DROP_DOWN (hd_find_widget (dialog, GTK_TYPE_DROP_DOWN, NULL, NULL)));
}

static void
test_accessible_names (void)
{
  g_autoptr(HdApplication) app = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GString) notes = g_string_new (NULL);
  GtkWidget *column_view, *dialog;
  HdWindow *window;
  guint n_checked = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  hd_gui_test_seed (&path);
  g_setenv ("HELPDESK_LOGIN", "disp", TRUE);
  app = hd_gui_test_new_application ();
  window = hd_window_new (app, hd_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  /* Fully loaded: the list, and a ticket picked in it as a click would,
   * with its history and menus. */
  hd_window_open_file (window, path);
  hd_wait_until (list_loaded, window, HD_WAIT_MS);
  column_view = hd_find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW, NULL, NULL);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view))),
                                     0);
  hd_wait_until (ticket_shown, window, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (window), 3);

  find_unnamed (GTK_WIDGET (window), GTK_WIDGET (window), report, notes, &n_checked);
  hd_gui_test_message ("Main window: %u controls checked", n_checked);
  g_assert_cmpuint (n_checked, >, 20);

  /* And the form for filing a ticket. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-ticket", NULL));
  hd_wait_until (has_toplevel, GSIZE_TO_POINTER (HD_TYPE_NEW_TICKET_DIALOG), HD_WAIT_MS);
  dialog = GTK_WIDGET (hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG));
  hd_wait_until (dialog_people_loaded, dialog, HD_WAIT_MS);
  n_checked = 0;
  find_unnamed (dialog, dialog, report, notes, &n_checked);
  hd_gui_test_message ("New ticket dialog: %u controls checked", n_checked);
  g_assert_cmpuint (n_checked, >, 8);

  /* Said now, whatever closing the windows brings. */
  if (notes->len > 0)
    hd_gui_test_message ("Inside GTK's own widgets, not counted:%s", notes->str);
  if (report->len > 0)
    g_printerr ("Controls a screen reader cannot name:%s\n", report->str);

  hd_destroy_and_wait (GTK_WINDOW (dialog));
  hd_destroy_and_wait (GTK_WINDOW (window));

  if (report->len > 0)
    g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,
                         "controls without an accessible name, listed above");
}

/* HdSlaWindow */

typedef struct {
  guint *count;
  guint  want;
} Count;

static gboolean
count_reached (gpointer data)
{
  Count *count = data;

  return *count->count >= count->want;
}

static gboolean
n_policies_listed (gpointer window)
{
  g_autoptr(GPtrArray) rows = hd_find_widgets (hd_find_named (window, GTK_TYPE_LIST_BOX, "policy_list"),
                                               ADW_TYPE_ACTION_ROW, NULL, NULL);

  return rows->len == GPOINTER_TO_UINT (g_object_get_data (window, "want-rows"));
}

static void
wait_policies (GtkWidget *window,
               guint      n)
{
  g_object_set_data (G_OBJECT (window), "want-rows", GUINT_TO_POINTER (n));
  hd_wait_until (n_policies_listed, window, HD_WAIT_MS);
}

static gboolean
calendar_error_shown (gpointer window)
{
  return gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "calendar_error")) &&
         gtk_widget_get_sensitive (hd_find_named (window, GTK_TYPE_STACK, "stack"));
}

static void
open_policy (GtkWidget  *window,
             const char *title)
{
  GtkWidget *row = hd_find_row (window, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row)));
  g_signal_emit_by_name (row, "activated");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (hd_find_named (window, GTK_TYPE_STACK, "stack"))),
                   ==, "form");
}

static void
type_into (GtkWidget  *window,
           const char *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, row)), text);
}

static guint
policy_count (HdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = hd_store_list_sla_rules (store, &error);

  g_assert_no_error (error);
  return rules->len;
}

static char *
calendar_text (HdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdCalendar) calendar = hd_store_get_calendar (store, &error);

  g_assert_no_error (error);
  return hd_calendar_to_string (calendar);
}

static void
test_sla_window (void)
{
  const char *titles[] = { "Low", "Normal", "High", "Urgent" };
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autoptr(HdStore) tech = NULL;
  g_autoptr(HdSlaPolicy) policy = NULL;
  g_autoptr(HdCalendar) bad = NULL;
  g_autoptr(GError) expected = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *window, *title;
  guint changed = 0;
  Count count = { &changed, 0 };
  guint minutes;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = hd_test_new_helpdesk (&path);
  checker = hd_test_open_as (path, "disp");
  window = hd_sla_window_new (NULL, store);
  g_signal_connect (window, "changed", G_CALLBACK (count_cb), &changed);
  gtk_window_present (GTK_WINDOW (window));

  /* The four defaults, in priority order, said in words. */
  wait_policies (window, 4);
  rows = hd_find_widgets (hd_find_named (window, GTK_TYPE_LIST_BOX, "policy_list"), ADW_TYPE_ACTION_ROW,
                          NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), ==, titles[i]);
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 3)), ==,
                   "Respond within 30 min · Resolve within 4 h · warn at 75 %");
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "calendar_preview")));
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-sla-window.png"));

  /* Urgent answered within 45 minutes. */
  open_policy (window, "Urgent");
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP, "delete_group")));
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP, "key_group")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "response_row"))),
                   ==, "30min");
  type_into (window, "response_row", "45");
  g_assert_true (gtk_widget_activate_action (window, "sla.save", NULL));
  hd_wait_until (showing_list, window, HD_WAIT_MS);
  policy = hd_store_get_sla_policy (checker, HD_PRIORITY_URGENT, NULL, NULL);
  g_assert_cmpuint (policy->first_response_minutes, ==, 45);
  g_assert_cmpuint (policy->resolution_minutes, ==, 4 * 60);
  g_clear_pointer (&policy, hd_sla_policy_free);
  g_assert_cmpuint (changed, ==, 1);
  wait_policies (window, 4);

  /* Printers get their own targets for high tickets, then lose them. */
  g_assert_true (gtk_widget_activate_action (window, "sla.add", NULL));
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP, "key_group")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (window, ADW_TYPE_COMBO_ROW, "priority_row")),
                              HD_PRIORITY_HIGH);
  type_into (window, "category_row", "Printers");
  type_into (window, "response_row", "2h");
  type_into (window, "resolution_row", "1h30");
  /* The engine's own words, as it is typed. */
  policy = hd_sla_policy_new (NULL, 120, 90, HD_SLA_DEFAULT_WARN_PERCENT);
  g_assert_false (hd_sla_policy_validate (policy, &expected));
  g_clear_pointer (&policy, hd_sla_policy_free);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hd_find_named (window, GTK_TYPE_LABEL, "form_error"))), ==,
                   expected->message);
  g_clear_error (&expected);
  type_into (window, "response_row", "30");
  type_into (window, "resolution_row", "1 h 30 min");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (hd_find_named (window, GTK_TYPE_SPIN_BUTTON, "warn_spin")), 60);
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "form_error")));
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-sla-form.png"));
  g_assert_true (gtk_widget_activate_action (window, "sla.save", NULL));
  hd_wait_until (showing_list, window, HD_WAIT_MS);
  policy = hd_store_get_sla_policy (checker, HD_PRIORITY_HIGH, "Printers", NULL);
  g_assert_cmpuint (policy->first_response_minutes, ==, 30);
  g_assert_cmpuint (policy->resolution_minutes, ==, 90);
  g_assert_cmpuint (policy->warn_percent, ==, 60);
  g_clear_pointer (&policy, hd_sla_policy_free);
  wait_policies (window, 5);
  open_policy (window, "High · Printers");
  title = hd_find_label (hd_find_named (window, ADW_TYPE_WINDOW_TITLE, "window_title"), "High · Printers");
  g_assert_nonnull (title);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (title)));
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP, "delete_group")));
  g_assert_true (gtk_widget_activate_action (window, "sla.delete", NULL));
  hd_wait_until (showing_list, window, HD_WAIT_MS);
  g_assert_cmpuint (policy_count (checker), ==, 4);
  g_assert_cmpuint (changed, ==, 3);
  wait_policies (window, 4);

  /* "soon" is no duration: said as the engine says it, nothing saved. */
  open_policy (window, "High");
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, ADW_TYPE_PREFERENCES_GROUP, "delete_group")));
  type_into (window, "response_row", "soon");
  g_assert_false (hd_sla_parse_minutes ("soon", &minutes, &expected));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hd_find_named (window, GTK_TYPE_LABEL, "form_error"))), ==,
                   expected->message);
  g_clear_error (&expected);
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "form_error")));
  g_assert_false (gtk_widget_is_sensitive (hd_find_named (window, GTK_TYPE_BUTTON, "save_button")));
  gtk_widget_activate_action (window, "sla.save", NULL);
  policy = hd_store_get_sla_policy (checker, HD_PRIORITY_HIGH, NULL, NULL);
  g_assert_cmpuint (policy->first_response_minutes, ==, 60);
  g_clear_pointer (&policy, hd_sla_policy_free);
  g_assert_true (gtk_widget_activate_action (window, "sla.back", NULL));

  /* A bad calendar: the engine's message, the Save button off, the file
   * as it was. */
  before = calendar_text (checker);
  type_into (window, "hours_row", "mon-fri 25:00-26:00");
  bad = hd_calendar_new (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "zone_row"))),
                         "mon-fri 25:00-26:00", NULL, &expected);
  g_assert_null (bad);
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "calendar_error")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hd_find_named (window, GTK_TYPE_LABEL, "calendar_error"))), ==,
                   expected->message);
  g_clear_error (&expected);
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "calendar_preview")));
  g_assert_false (gtk_widget_is_sensitive (hd_find_named (window, GTK_TYPE_BUTTON, "calendar_save_button")));
  gtk_widget_activate_action (window, "sla.save-calendar", NULL);
  after = calendar_text (checker);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* Around the clock, stored. */
  type_into (window, "hours_row", "mon-sun 00:00-24:00");
  g_assert_false (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "calendar_error")));
  g_assert_true (gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LABEL, "calendar_preview")));
  g_assert_true (gtk_widget_activate_action (window, "sla.save-calendar", NULL));
  count.want = 4;
  hd_wait_until (count_reached, &count, HD_WAIT_MS);
  after = calendar_text (checker);
  g_assert_nonnull (strstr (after, "mon-sun 00:00-24:00"));
  g_assert_false (gtk_widget_is_sensitive (hd_find_named (window, GTK_TYPE_BUTTON, "calendar_save_button")));
  hd_destroy_and_wait (GTK_WINDOW (window));

  /* A technician may look, but the core refuses every change, and the
   * window says why with what was typed kept. */
  tech = hd_test_open_as (path, "tech1");
  bad = hd_store_get_calendar (tech, NULL);
  g_assert_false (hd_store_set_calendar (tech, bad, &expected));
  changed = 0;
  window = hd_sla_window_new (NULL, tech);
  g_signal_connect (window, "changed", G_CALLBACK (count_cb), &changed);
  gtk_window_present (GTK_WINDOW (window));
  wait_policies (window, 4);
  type_into (window, "hours_row", "mon-fri 08:00-16:00");
  g_assert_true (gtk_widget_activate_action (window, "sla.save-calendar", NULL));
  hd_wait_until (calendar_error_shown, window, HD_WAIT_MS);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hd_find_named (window, GTK_TYPE_LABEL, "calendar_error"))), ==,
                   expected->message);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "hours_row"))),
                   ==, "mon-fri 08:00-16:00");
  open_policy (window, "Normal");
  type_into (window, "response_row", "2h");
  g_assert_true (gtk_widget_activate_action (window, "sla.save", NULL));
  hd_wait_until (form_error_shown, window, HD_WAIT_MS);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hd_find_named (window, GTK_TYPE_LABEL, "form_error"))), ==,
                   expected->message);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "response_row"))),
                   ==, "2h");
  policy = hd_store_get_sla_policy (checker, HD_PRIORITY_NORMAL, NULL, NULL);
  g_assert_cmpuint (policy->first_response_minutes, ==, 4 * 60);
  g_clear_pointer (&after, g_free);
  after = calendar_text (checker);
  g_assert_nonnull (strstr (after, "mon-sun 00:00-24:00"));
  g_assert_cmpuint (changed, ==, 0);
  hd_destroy_and_wait (GTK_WINDOW (window));
}

/* Notifications: running in the background, starting at login, quiet
 * hours */

static gboolean
file_exists (const char *path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
is_sensitive (GtkWidget *widget)
{
  return gtk_widget_get_sensitive (widget);
}

static gboolean
group_has_title (GtkWidget *widget,
                 gpointer   data)
{
  return has_text (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)));
}

static const char *
combo_text (GtkWidget *row)
{
  return gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row)));
}

/* Toggles Start at Login and waits until the switch may be used again. */
static void
toggle_login (GtkWidget *login_switch,
              gboolean   active)
{
  gtk_switch_set_active (GTK_SWITCH (login_switch), active);
  hd_wait_until (is_sensitive, login_switch, HD_WAIT_MS);
}

static void
check_start_at_login (GtkWidget *window,
                      GSettings *settings)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "autostart", NULL);
  g_autofree char *path = g_build_filename (dir, APPLICATION_ID ".desktop", NULL);
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *type = NULL;
  GtkWidget *row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "Start at Login");
  GtkWidget *login_switch = hd_find_widget (row, GTK_TYPE_SWITCH, NULL, NULL);

  g_assert_false (gtk_switch_get_active (GTK_SWITCH (login_switch)));
  g_assert_false (file_exists (path));

  /* On: an autostart entry that starts the application without a window. */
  toggle_login (login_switch, TRUE);
  g_assert_true (g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC,
                                NULL);
  g_assert_cmpstr (exec, ==, "helpdesk --background");
  type = g_key_file_get_value (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, NULL);
  g_assert_cmpstr (type, ==, "Application");
  g_assert_true (g_settings_get_boolean (settings, "start-at-login"));

  /* Off: gone. */
  toggle_login (login_switch, FALSE);
  g_assert_false (file_exists (path));
  g_assert_false (g_settings_get_boolean (settings, "start-at-login"));

  /* The folder cannot be made: the window says why, and the switch goes
   * back. */
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_assert_true (g_file_set_contents (dir, "not a folder", -1, NULL));
  toggle_login (login_switch, TRUE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (login_switch)));
  g_assert_false (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), dir));
  g_assert_nonnull (hd_find_label (window, "Helpdesk cannot start at login"));
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-preferences-autostart-failed.png"));
  g_assert_cmpint (g_unlink (dir), ==, 0);

  /* Once it works again, the row says what it is for again. */
  toggle_login (login_switch, TRUE);
  g_assert_true (file_exists (path));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Start in the background when you log in, without a window");
  toggle_login (login_switch, FALSE);
}

static void
test_preferences_notifications (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autoptr(GPtrArray) groups = NULL;
  GtkWidget *window, *row, *from, *to;
  guint n_checked = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  window = hd_preferences_window_new (NULL, settings, "/srv/office/helpdesk.db");
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 860);
  gtk_window_present (GTK_WINDOW (window));
  hd_wait_frames (window, 3);

  /* Run in Background is the setting. */
  row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "Run in Background");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Keep receiving notifications, and fetching and sending the mail, "
                   "after the window is closed");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (hd_find_widget (row, GTK_TYPE_SWITCH, NULL,
                                                                     NULL))));
  adw_action_row_activate (ADW_ACTION_ROW (row));
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));

  /* Quiet hours: off, 20:00 to 07:00 until changed, in half hours. */
  row = hd_find_row (window, ADW_TYPE_EXPANDER_ROW, "Quiet Hours");
  from = hd_find_row (window, ADW_TYPE_COMBO_ROW, "From");
  to = hd_find_row (window, ADW_TYPE_COMBO_ROW, "To");
  g_assert_nonnull (row);
  g_assert_false (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (row)));
  g_assert_cmpstr (combo_text (from), ==, "20:00");
  g_assert_cmpstr (combo_text (to), ==, "07:00");
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), TRUE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "quiet-hours-enabled"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (from), 45);
  g_assert_cmpint (g_settings_get_int (settings, "quiet-hours-start"), ==, 22 * 60 + 30);
  g_settings_set_int (settings, "quiet-hours-end", 6 * 60 + 30);
  g_assert_cmpstr (combo_text (to), ==, "06:30");

  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-preferences-notifications.png"));
  /* Our groups: the window's own search page is libadwaita's. */
  groups = hd_find_widgets (window, ADW_TYPE_PREFERENCES_GROUP, group_has_title, NULL);
  g_assert_cmpuint (groups->len, ==, 2);
  for (guint i = 0; i < groups->len; i++)
    find_unnamed (window, g_ptr_array_index (groups, i), report, notes, &n_checked);
  hd_gui_test_message ("Preferences: %u controls checked", n_checked);
  g_assert_cmpuint (n_checked, >=, 1);
  if (report->len > 0)
    g_error ("Controls a screen reader cannot name:%s", report->str);

  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    hd_gui_test_message ("Inside a Flatpak: Start at Login asks the portal, not checked");
  else
    check_start_at_login (window, settings);

  hd_destroy_and_wait (GTK_WINDOW (window));
}

/* The application watches the file of its window's helpdesk, and goes on
 * after the window only when running in the background. */

static gboolean
window_has_store (HdWindow *window)
{
  return hd_window_get_store (window) != NULL;
}

static gboolean
app_has_no_watcher (HdApplication *app)
{
  return hd_application_get_watcher (app) == NULL;
}

static HdWindow *
open_window (HdApplication *app,
             const char    *path)
{
  HdWindow *window = hd_window_new (app, hd_application_get_settings (app));

  gtk_window_present (GTK_WINDOW (window));
  hd_window_open_file (window, path);
  hd_wait_until (window_has_store, window, HD_WAIT_MS);
  return window;
}

static void
test_alert_watcher (void)
{
  g_autoptr(HdApplication) app = NULL;
  g_autofree char *path = NULL;
  gpointer watcher;
  GSettings *settings;
  HdWindow *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  hd_gui_test_seed (&path);
  g_setenv ("HELPDESK_LOGIN", "tech1", TRUE);
  app = hd_gui_test_new_application ();
  settings = hd_application_get_settings (app);
  g_assert_null (hd_application_get_watcher (app));

  /* The window's helpdesk, for the person it opened as; not after it. */
  window = open_window (app, path);
  watcher = hd_application_get_watcher (app);
  g_assert_nonnull (watcher);
  g_assert_cmpstr (hd_alert_watcher_get_path (watcher), ==, hd_window_get_path (window));
  g_assert_cmpstr (hd_alert_watcher_get_login (watcher), ==, "tech1");
  g_object_add_weak_pointer (watcher, &watcher);
  hd_destroy_and_wait (GTK_WINDOW (window));
  g_assert_null (hd_application_get_watcher (app));
  g_assert_null (watcher);

  /* In the background: on after the window, until that is turned off. */
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  window = open_window (app, path);
  watcher = hd_application_get_watcher (app);
  g_object_add_weak_pointer (watcher, &watcher);
  hd_destroy_and_wait (GTK_WINDOW (window));
  g_assert_true (hd_application_get_watcher (app) == watcher);
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  hd_wait_until (app_has_no_watcher, app, HD_WAIT_MS);
  g_assert_null (watcher);

  /* Closing the helpdesk in the window (its menu) ends the watching too. */
  window = open_window (app, path);
  g_assert_nonnull (hd_application_get_watcher (app));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-helpdesk", NULL));
  g_assert_null (hd_application_get_watcher (app));
  hd_destroy_and_wait (GTK_WINDOW (window));
}

/* Quiet hours, as minutes from midnight: [start, end), over midnight when
 * end < start, none when equal. */
static void
test_quiet_hours (void)
{
  const char *bad[] = { "", "20:00", "24:00-07:00", "20:60-07:00", "ab:cd-07:00",
                        "20:00-07:00-08:00", "20-07", NULL };
  int start = -1, end = -1;

  /* 20:00 to 07:00 */
  g_assert_false (hd_quiet_hours_contain (1200, 420, 1199));
  g_assert_true (hd_quiet_hours_contain (1200, 420, 1200));
  g_assert_true (hd_quiet_hours_contain (1200, 420, 1439));
  g_assert_true (hd_quiet_hours_contain (1200, 420, 0));
  g_assert_true (hd_quiet_hours_contain (1200, 420, 419));
  g_assert_false (hd_quiet_hours_contain (1200, 420, 420));
  g_assert_false (hd_quiet_hours_contain (1200, 420, 720));

  /* 12:00 to 13:00 */
  g_assert_false (hd_quiet_hours_contain (720, 780, 0));
  g_assert_false (hd_quiet_hours_contain (720, 780, 719));
  g_assert_true (hd_quiet_hours_contain (720, 780, 720));
  g_assert_true (hd_quiet_hours_contain (720, 780, 779));
  g_assert_false (hd_quiet_hours_contain (720, 780, 780));

  /* From midnight, and up to midnight. */
  g_assert_true (hd_quiet_hours_contain (0, 420, 0));
  g_assert_false (hd_quiet_hours_contain (0, 420, 1439));
  g_assert_true (hd_quiet_hours_contain (1200, 0, 1439));
  g_assert_false (hd_quiet_hours_contain (1200, 0, 0));

  /* Equal bounds: no quiet hours at all. */
  for (int minute = 0; minute < HD_MINUTES_PER_DAY; minute += 30)
    g_assert_false (hd_quiet_hours_contain (600, 600, minute));

  g_assert_true (hd_quiet_hours_parse ("20:00-07:00", &start, &end));
  g_assert_cmpint (start, ==, 1200);
  g_assert_cmpint (end, ==, 420);
  g_assert_true (hd_quiet_hours_parse ("7:05-23:59", &start, &end));
  g_assert_cmpint (start, ==, 425);
  g_assert_cmpint (end, ==, 1439);
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_assert_false (hd_quiet_hours_parse (bad[i], &start, &end));
      g_assert_cmpint (start, ==, 425);
    }
}

/* Where no graphics processor has a render node, OpenGL could only be
 * Mesa's software rasterizer: the window asks for cairo. A render node, or
 * a renderer the person named, leaves the choice alone. */
static void
test_renderer_choice (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *card = NULL;
  g_autofree char *card0 = NULL;
  g_autofree char *render = NULL;
  g_autofree char *render_card0 = NULL;
  g_autofree char *render_node = NULL;

  /* The child of the last part below. */
  if (g_test_subprocess ())
    {
      hd_renderer_choose ();
      g_print ("GSK_RENDERER=%s\n", g_getenv ("GSK_RENDERER"));
      return;
    }

  root = g_dir_make_tmp ("hd-dri-XXXXXX", &error);
  g_assert_no_error (error);
  missing = g_build_filename (root, "none", NULL);
  card = g_build_filename (root, "card-only", NULL);
  card0 = g_build_filename (card, "card0", NULL);
  render = g_build_filename (root, "render", NULL);
  render_card0 = g_build_filename (render, "card0", NULL);
  render_node = g_build_filename (render, "renderD128", NULL);
  g_assert_cmpint (g_mkdir (card, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (render, 0700), ==, 0);
  g_assert_true (g_file_set_contents (card0, "", 0, NULL));
  g_assert_true (g_file_set_contents (render_card0, "", 0, NULL));
  g_assert_true (g_file_set_contents (render_node, "", 0, NULL));

  /* No /dev/dri at all: a virtual machine, Xvfb. */
  g_assert_cmpstr (hd_renderer_for_machine (missing), ==, "cairo");
  /* A display controller without a render node draws nothing itself. */
  g_assert_cmpstr (hd_renderer_for_machine (card), ==, "cairo");
  /* A graphics processor: GTK chooses. */
  g_assert_null (hd_renderer_for_machine (render));

  /* A renderer the person named is kept; none named, this machine's
   * answer is set for GTK to read. */
  g_setenv ("GSK_RENDERER", "ngl", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("GSK_RENDERER=ngl\n");
  g_unsetenv ("GSK_RENDERER");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  if (hd_renderer_for_machine ("/dev/dri") != NULL)
    g_test_trap_assert_stdout ("GSK_RENDERER=cairo\n");
  else
    g_test_trap_assert_stdout ("GSK_RENDERER=(null)\n");

  for (const char *const *path = (const char *const[]) { render_node, render_card0, card0, render,
                                                         card, root, NULL };
       *path != NULL; path++)
    g_assert_cmpint (g_remove (*path), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  hd_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/widgets/sidebar", test_sidebar);
  g_test_add_func ("/gui/widgets/renderer-choice", test_renderer_choice);
  g_test_add_func ("/gui/widgets/ticket-list-view", test_ticket_list_view);
  g_test_add_func ("/gui/widgets/ticket-rows", test_ticket_rows);
  g_test_add_func ("/gui/widgets/ticket-view", test_ticket_view);
  g_test_add_func ("/gui/widgets/ticket-view-drafts", test_ticket_view_drafts);
  g_test_add_func ("/gui/widgets/welcome-page", test_welcome_page);
  g_test_add_func ("/gui/widgets/welcome-explains-share", test_welcome_explains_share);
  g_test_add_func ("/gui/widgets/new-ticket-dialog", test_new_ticket_dialog);
  g_test_add_func ("/gui/widgets/filing-while-busy", test_new_ticket_dialog_busy);
  g_test_add_func ("/gui/widgets/new-ticket-draft", test_new_ticket_dialog_draft);
  g_test_add_func ("/gui/widgets/format-deadline", test_format_deadline);
  g_test_add_func ("/gui/widgets/markdown", test_markdown);
  g_test_add_func ("/gui/widgets/people-window", test_people_window);
  g_test_add_func ("/gui/widgets/people-merge", test_people_merge);
  g_test_add_func ("/gui/widgets/sla-window", test_sla_window);
  g_test_add_func ("/gui/widgets/preferences-window", test_preferences_window);
  g_test_add_func ("/gui/widgets/window", test_window);
  g_test_add_func ("/gui/widgets/help-overlay", test_help_overlay);
  g_test_add_func ("/gui/widgets/accessible-names", test_accessible_names);
  g_test_add_func ("/gui/widgets/preferences-notifications", test_preferences_notifications);
  g_test_add_func ("/gui/widgets/alert-watcher", test_alert_watcher);
  g_test_add_func ("/gui/widgets/quiet-hours", test_quiet_hours);

  return g_test_run ();
}
