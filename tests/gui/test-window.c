/* test-window.c — the main window from end to end
 *
 * A real window on a seeded file, acting as the dispatcher: the list loads
 * and shows the tickets, the form files one, the ticket view assigns it,
 * helpdesk-cli changes the file behind the window's back and the window
 * follows, and an edit based on an old version becomes a conflict that
 * keeps what the person typed. Then: the narrow, one-pane layout; messages
 * that quote markup characters; which file opens at start-up; the welcome
 * page. Screenshots land in the build directory (screenshot-*.png).
 *
 * Everything waits on the main loop, never on the clock: see
 * hd_wait_until().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "hd-gui-test-util.h"
#include "hd-new-ticket-dialog.h"
#include "hd-sidebar.h"
#include "hd-store-private.h"
#include "hd-test-share.h"
#include "hd-test-util.h"
#include "hd-ticket-list.h"
#include "hd-ticket-list-view.h"
#include "hd-ticket-rows.h"
#include "hd-ticket-view.h"
#include "hd-welcome-page.h"
#include "hd-window.h"

#define FORM_TITLE    "Scanner sends blank pages"
#define CLI_TITLE     "Filed from the command line"
#define RENAMED_TITLE "Renamed outside"
#define TYPED_TITLE   "Scanner sends blank pages since Monday"
#define THEIR_TITLE   "Scanner fixed? Changed from the command line"

typedef struct {
  char          *path;
  HdApplication *app;
  HdWindow      *window;
  HdStore       *checker;      /* the test's own connection to the file */
  GtkWidget     *sidebar;
  GtkWidget     *list_view;
  HdTicketView  *ticket_view;
  GtkWidget     *switch_button; /* in the trouble area */

  /* what a wait waits for */
  guint          n_expected;
  const char    *title;
  gint64         number;
} Fixture;

/* Reading the file and the window */

static HdTicket *
file_ticket (Fixture *f,
             gint64   number)
{
  g_autoptr(GError) error = NULL;
  HdTicket *ticket = hd_store_get_ticket (f->checker, number, &error);

  g_assert_no_error (error);
  return ticket;
}

/* The number of the ticket titled @title in the file, 0 if none. */
static gint64
file_find_title (Fixture    *f,
                 const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  HdTicketFilter all = { 0 };

  tickets = hd_store_list_tickets (f->checker, &all, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < tickets->len; i++)
    if (g_strcmp0 (hd_ticket_get_title (g_ptr_array_index (tickets, i)), title) == 0)
      return hd_ticket_get_number (g_ptr_array_index (tickets, i));

  return 0;
}

static GListModel *
window_list (Fixture *f)
{
  return G_LIST_MODEL (hd_window_get_ticket_list (f->window));
}

/* The text of the count in the sidebar row of @view. */
static const char *
sidebar_count (Fixture *f,
               HdView   view)
{
  g_autoptr(GPtrArray) rows = hd_find_widgets (f->sidebar, GTK_TYPE_LIST_BOX_ROW, NULL, NULL);
  g_autoptr(GPtrArray) labels = NULL;

  /* The views, then the team. */
  g_assert_cmpuint (rows->len, >=, HD_N_VIEWS);
  labels = hd_find_widgets (g_ptr_array_index (rows, view), GTK_TYPE_LABEL, NULL, NULL);
  g_assert_cmpuint (labels->len, ==, 2);
  g_assert_cmpstr (gtk_label_get_text (g_ptr_array_index (labels, 0)), ==,
                   hd_view_get_title (view));
  return gtk_label_get_text (g_ptr_array_index (labels, 1));
}

static GtkWidget *
column_view (Fixture *f)
{
  GtkWidget *column_view = hd_find_widget (f->list_view, GTK_TYPE_COLUMN_VIEW, NULL, NULL);

  g_assert_nonnull (column_view);
  return column_view;
}

/* Conditions */

static gboolean
list_loaded (Fixture *f)
{
  return hd_list_model_is_loaded (window_list (f), f->n_expected);
}

/* Every seeded title is a label in a row of the column view: drawn, not
 * just in the model. */
static gboolean
rows_drawn (Fixture *f)
{
  for (guint i = 0; hd_gui_test_seed_titles[i] != NULL; i++)
    {
      GtkWidget *label = hd_find_text (column_view (f), hd_gui_test_seed_titles[i]);

      if (label == NULL || !gtk_widget_is_drawable (label))
        return FALSE;
    }

  return TRUE;
}

static gboolean
counts_are (Fixture *f)
{
  g_autofree char *open = g_strdup_printf ("%u", f->n_expected);

  return g_strcmp0 (sidebar_count (f, HD_VIEW_OPEN), open) == 0;
}

static gboolean
five_unassigned (Fixture *f)
{
  return g_strcmp0 (sidebar_count (f, HD_VIEW_UNASSIGNED), "5") == 0;
}

static gboolean
list_has_title (Fixture *f)
{
  g_autoptr(HdTicket) ticket = hd_list_model_find_title (window_list (f), f->title);

  return ticket != NULL;
}

static gboolean
file_has_title (Fixture *f)
{
  f->number = file_find_title (f, f->title);
  return f->number != 0;
}

static gboolean
dialog_ready (Fixture *f)
{
  GtkWindow *dialog = hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG);
  GtkWidget *dropdown;

  if (dialog == NULL)
    return FALSE;

  /* The people are loaded and the dispatcher files for themselves. */
  dropdown = hd_find_widget (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN, NULL, NULL);
  return gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown)) != NULL;
}

static gboolean
dialog_gone (Fixture *f)
{
  return hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG) == NULL;
}

static gboolean
view_shows_number (Fixture *f)
{
  HdTicket *ticket = hd_ticket_view_get_ticket (f->ticket_view);

  return ticket != NULL && hd_ticket_get_number (ticket) == f->number;
}

/* The highlighted row of the list is ticket f->number. */
static gboolean
row_selected (Fixture *f)
{
  GtkSelectionModel *model = gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view (f)));
  HdTicketRow *row = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model));

  return row != NULL && hd_ticket_get_number (hd_ticket_row_get_ticket (row)) == f->number;
}

static gboolean
view_title_is (Fixture *f)
{
  HdTicket *ticket = hd_ticket_view_get_ticket (f->ticket_view);

  return ticket != NULL && hd_ticket_get_number (ticket) == f->number &&
         g_strcmp0 (hd_ticket_get_title (ticket), f->title) == 0;
}

static gboolean
file_title_is (Fixture *f)
{
  g_autoptr(HdTicket) ticket = file_ticket (f, f->number);

  return g_strcmp0 (hd_ticket_get_title (ticket), f->title) == 0;
}

static gboolean
assigned_to_tech1 (Fixture *f)
{
  g_autoptr(HdTicket) in_file = file_ticket (f, f->number);
  HdTicket *in_view = hd_ticket_view_get_ticket (f->ticket_view);

  return g_strcmp0 (hd_ticket_get_assignee (in_file), "tech1") == 0 &&
         in_view != NULL && g_strcmp0 (hd_ticket_get_assignee (in_view), "tech1") == 0;
}

/* The list's row for the ticket shows the assignee too. */
static gboolean
list_row_assigned (Fixture *f)
{
  g_autoptr(HdTicket) ticket = hd_list_model_find_title (window_list (f), f->title);

  return ticket != NULL && g_strcmp0 (hd_ticket_get_assignee (ticket), "tech1") == 0;
}

static gboolean
conflict_shown (Fixture *f)
{
  return hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* Every column of the list is in sight, none pushed out to the right. */
static void
check_columns_fit (Fixture *f,
                   GString *problems)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (column_view (f), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));

  if (gtk_adjustment_get_upper (h) > gtk_adjustment_get_page_size (h) + 1)
    g_string_append_printf (problems,
                            "\n  the ticket list needs %.0f px but its pane shows %.0f px: "
                            "columns are cut off at a window width of %d px",
                            gtk_adjustment_get_upper (h), gtk_adjustment_get_page_size (h),
                            gtk_widget_get_width (GTK_WIDGET (f->window)));
}

/* The widest chain of minimum widths under @widget, to say what holds a
 * window wide. */
static char *
widest_chain (GtkWidget *widget)
{
  GString *chain = g_string_new (NULL);

  for (;;)
    {
      GtkWidget *widest = NULL;
      int widest_min = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int min = 0;

          if (!gtk_widget_get_visible (child))
            continue;
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
          if (min > widest_min)
            {
              widest_min = min;
              widest = child;
            }
        }
      if (widest == NULL)
        break;

      g_string_append_printf (chain, "%s%s %d px", chain->len > 0 ? " > " : "",
                              G_OBJECT_TYPE_NAME (widest), widest_min);
      if (GTK_IS_LABEL (widest))
        g_string_append_printf (chain, " “%s”", gtk_label_get_text (GTK_LABEL (widest)));
      widget = widest;
    }

  return g_string_free (chain, FALSE);
}

static void
assert_no_problems (GString *problems)
{
  if (problems->len == 0)
    return;

  g_printerr ("Layout problems:%s\n", problems->str);
  g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,
                       "layout problems, listed above");
}

static void
assert_columns_fit (Fixture *f)
{
  g_autoptr(GString) problems = g_string_new (NULL);

  check_columns_fit (f, problems);
  assert_no_problems (problems);
}

static gboolean
leaflet_folded (Fixture *f)
{
  GtkWidget *leaflet = hd_find_widget (GTK_WIDGET (f->window), ADW_TYPE_LEAFLET, NULL, NULL);

  return adw_leaflet_get_folded (ADW_LEAFLET (leaflet));
}

/* helpdesk-cli, as the dispatcher */

typedef struct {
  gboolean  done;
  char     *out;
  char     *err;
  GError   *error;
} CliRun;

static void
cli_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  CliRun *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err,
                                        &run->error);
  run->done = TRUE;
}

static gboolean
cli_finished (CliRun *run)
{
  return run->done;
}

/* Runs helpdesk-cli --db PATH @args… while the window keeps running, and
 * returns what it printed. */
static char *
run_cli (Fixture    *f,
         const char *first,
         ...)
{
  const char *cli = g_getenv ("HELPDESK_CLI");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  CliRun run = { FALSE, NULL, NULL, NULL };
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->path);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", "disp", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, cli_done, &run);
  hd_wait_until (cli_finished, &run, HD_WAIT_MS);
  g_assert_no_error (run.error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("helpdesk-cli %s failed: %s", first, run.err);

  g_free (run.err);
  return run.out;
}

/* The test */

static void
fixture_new_window (Fixture *f)
{
  f->window = hd_window_new (f->app, hd_application_get_settings (f->app));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));

  f->sidebar = hd_find_widget (GTK_WIDGET (f->window), HD_TYPE_SIDEBAR, NULL, NULL);
  f->list_view = hd_find_widget (GTK_WIDGET (f->window), HD_TYPE_TICKET_LIST_VIEW, NULL, NULL);
  f->ticket_view = HD_TICKET_VIEW (hd_window_get_ticket_view (f->window));
  g_assert_nonnull (f->sidebar);
  g_assert_nonnull (f->list_view);
}

static void
fixture_set_up (Fixture *f)
{
  hd_gui_test_seed (&f->path);
  f->checker = hd_test_open_as (f->path, "disp");

  /* hd_store_current_login(): who the window acts as. */
  g_setenv ("HELPDESK_LOGIN", "disp", TRUE);
  f->app = hd_gui_test_new_application ();
  fixture_new_window (f);
}

static gboolean
ticket_view_finalized (gpointer *pointer)
{
  return *pointer == NULL;
}

static void
fixture_tear_down (Fixture *f)
{
  GtkWindow *dialog;
  gpointer ticket_view = f->ticket_view;

  while ((dialog = hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    hd_destroy_and_wait (dialog);

  /* The window goes, and its ticket view with it: nothing it handed out
   * (a toast, a job) may keep it and its store alive. */
  g_object_add_weak_pointer (G_OBJECT (ticket_view), &ticket_view);
  hd_destroy_and_wait (GTK_WINDOW (f->window));
  hd_wait_until (ticket_view_finalized, &ticket_view, HD_WAIT_MS);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (f->app)));
  g_clear_object (&f->app);
  g_clear_object (&f->checker);
  g_free (f->path);
}

static void
open_and_load (Fixture *f)
{
  GListModel *model;
  HdTicketRows *rows;
  GtkWidget *stack;

  hd_window_open_file (f->window, f->path);
  f->n_expected = HD_GUI_TEST_N_SEEDED;
  hd_wait_until (list_loaded, f, HD_WAIT_MS);

  g_assert_cmpstr (hd_window_get_path (f->window), ==, f->path);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Test office");
  stack = gtk_widget_get_parent (gtk_widget_get_ancestor (f->sidebar, ADW_TYPE_LEAFLET));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "main");

  /* Nothing spins out of sight: a spinner on a hidden page still had the
   * window laid out at every frame. */
  g_assert_false (gtk_spinner_get_spinning (GTK_SPINNER (hd_find_widget (GTK_WIDGET (f->window),
                                                                          GTK_TYPE_SPINNER,
                                                                          NULL, NULL))));

  /* The column view shows the window's list, every row of it drawn. */
  model = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view (f))));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, HD_GUI_TEST_N_SEEDED);
  rows = HD_TICKET_ROWS (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (model)));
  g_assert_true (hd_ticket_rows_get_model (rows) == window_list (f));
  hd_wait_until (rows_drawn, f, HD_WAIT_MS);

  /* The dispatcher's views, with their counts. */
  g_assert_cmpint (hd_sidebar_get_view (HD_SIDEBAR (f->sidebar)), ==, HD_VIEW_OPEN);
  hd_wait_until (counts_are, f, HD_WAIT_MS);
  g_assert_cmpstr (sidebar_count (f, HD_VIEW_UNASSIGNED), ==, "5");
  g_assert_cmpstr (sidebar_count (f, HD_VIEW_MINE), ==, "0");
  g_assert_cmpstr (sidebar_count (f, HD_VIEW_CLOSED), ==, "0");
}

/* Picks row @position, as a click would, and waits until the ticket view
 * shows that ticket. */
static void
select_row (Fixture *f,
            guint    position)
{
  GtkSelectionModel *model = gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view (f)));
  g_autoptr(HdTicketRow) row = g_list_model_get_item (G_LIST_MODEL (model), position);
  HdTicket *ticket = hd_ticket_row_get_ticket (row);

  g_assert_false (hd_ticket_is_placeholder (ticket));
  f->number = hd_ticket_get_number (ticket);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), position);
  hd_wait_until (view_shows_number, f, HD_WAIT_MS);
  g_assert_cmpint (hd_ticket_list_view_get_selected (HD_TICKET_LIST_VIEW (f->list_view)), ==,
                   f->number);
}

/* Files FORM_TITLE with the New Ticket form and waits until it is in the
 * file and the form closed. */
static void
save_through_the_form (Fixture *f)
{
  GtkWindow *dialog;
  GtkWidget *title_row;
  g_autoptr(HdTicket) filed = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-ticket", NULL));
  hd_wait_until (dialog_ready, f, HD_WAIT_MS);
  dialog = hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (f->window));

  title_row = hd_find_row (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "What is wrong?");
  g_assert_nonnull (title_row);
  gtk_editable_set_text (GTK_EDITABLE (title_row), FORM_TITLE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL));

  /* In the file, filed by and for the dispatcher; the form closes. */
  f->title = FORM_TITLE;
  hd_wait_until (file_has_title, f, HD_WAIT_MS);
  filed = file_ticket (f, f->number);
  g_assert_cmpstr (hd_ticket_get_requester (filed), ==, "disp");
  g_assert_null (hd_ticket_get_assignee (filed));
  hd_wait_until (dialog_gone, f, HD_WAIT_MS);
}

static void
file_through_the_form (Fixture *f)
{
  save_through_the_form (f);

  /* In the list, one more row; selected, and shown in the ticket view. */
  f->n_expected = HD_GUI_TEST_N_SEEDED + 1;
  hd_wait_until (list_loaded, f, HD_WAIT_MS);
  hd_wait_until (list_has_title, f, HD_WAIT_MS);
  hd_wait_until (counts_are, f, HD_WAIT_MS);
  hd_wait_until (view_shows_number, f, HD_WAIT_MS);
  hd_wait_until (row_selected, f, HD_WAIT_MS);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_row (GTK_WIDGET (f->ticket_view),
                                                                     ADW_TYPE_ENTRY_ROW, "Title"))),
                   ==, FORM_TITLE);
}

static void
assign_to_tech1 (Fixture *f)
{
  GtkWidget *assignee_row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->ticket_view), "ticket.assign", "s",
                                             "tech1"));
  hd_wait_until (assigned_to_tech1, f, HD_WAIT_MS);

  assignee_row = hd_find_row (GTK_WIDGET (f->ticket_view), ADW_TYPE_ACTION_ROW, "Assignee");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (assignee_row)), ==, "tech1");
  g_assert_nonnull (hd_find_label (GTK_WIDGET (f->ticket_view), "Assigned the ticket to tech1"));

  /* The window's own change reaches the list and the counts at once. */
  hd_wait_until (list_row_assigned, f, HD_WAIT_MS);
  hd_wait_until (five_unassigned, f, HD_WAIT_MS);
  g_assert_cmpstr (sidebar_count (f, HD_VIEW_OPEN), ==, "6");
}

static void
screenshot_wide (Fixture *f)
{
  g_autofree char *path = NULL;

  select_row (f, 0);
  g_assert_nonnull (hd_find_label (GTK_WIDGET (f->ticket_view), "Filed the ticket"));
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), >, 1200);
  g_assert_false (leaflet_folded (f));
  path = hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-main-window.png");
  assert_columns_fit (f);
}

static void
follow_the_command_line (Fixture *f)
{
  g_autofree char *out = NULL;
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, f->number);
  gint64 shown = f->number;
  gint64 filed;

  /* A ticket filed elsewhere appears in the list by itself. */
  out = run_cli (f, "ticket", "new", "--title", CLI_TITLE, NULL);
  filed = g_ascii_strtoll (out, NULL, 10);
  g_assert_cmpint (filed, ==, shown + 1);
  f->title = CLI_TITLE;
  hd_wait_until (list_has_title, f, HD_WAIT_MS);
  f->n_expected = HD_GUI_TEST_N_SEEDED + 2;
  hd_wait_until (list_loaded, f, HD_WAIT_MS);
  hd_wait_until (counts_are, f, HD_WAIT_MS);

  /* The shown ticket renamed elsewhere: the view follows, and so does the
   * title field, since nobody is typing in it. */
  g_free (run_cli (f, "ticket", "update", number, "--title", RENAMED_TITLE, NULL));
  f->title = RENAMED_TITLE;
  hd_wait_until (view_title_is, f, HD_WAIT_MS);
  g_assert_cmpint (hd_ticket_view_get_number (f->ticket_view), ==, shown);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_row (GTK_WIDGET (f->ticket_view),
                                                                     ADW_TYPE_ENTRY_ROW, "Title"))),
                   ==, RENAMED_TITLE);
  hd_wait_until (list_has_title, f, HD_WAIT_MS);
}

static void
edit_in_conflict (Fixture *f)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, f->number);
  GtkWidget *title_row = hd_find_row (GTK_WIDGET (f->ticket_view), ADW_TYPE_ENTRY_ROW, "Title");
  g_autoptr(HdTicket) in_file = NULL;
  AdwMessageDialog *dialog;

  /* Someone types a new title but has not saved it yet… */
  gtk_editable_set_text (GTK_EDITABLE (title_row), TYPED_TITLE);

  /* …while someone else renames the ticket. The view reloads and keeps
   * what is being typed. */
  g_free (run_cli (f, "ticket", "update", number, "--title", THEIR_TITLE, NULL));
  f->title = THEIR_TITLE;
  hd_wait_until (view_title_is, f, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, TYPED_TITLE);

  /* Saving it is a conflict, not a silent overwrite. */
  g_signal_emit_by_name (title_row, "apply");
  hd_wait_until (conflict_shown, f, HD_WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (f->window));
  g_assert_true (adw_message_dialog_has_response (dialog, "overwrite"));
  g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
  /* Both versions, side by side. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), THEIR_TITLE));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), TYPED_TITLE));
  hd_wait_frames (GTK_WIDGET (dialog), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (dialog), "screenshot-conflict.png"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, TYPED_TITLE);
  in_file = file_ticket (f, f->number);
  g_assert_cmpstr (hd_ticket_get_title (in_file), ==, THEIR_TITLE);

  /* "Save Mine", now that they have seen the other change. */
  adw_message_dialog_response (dialog, "overwrite");
  f->title = TYPED_TITLE;
  hd_wait_until (file_title_is, f, HD_WAIT_MS);
  hd_wait_until (view_title_is, f, HD_WAIT_MS);
  hd_destroy_and_wait (GTK_WINDOW (dialog));
}

static GtkWidget *
leaflet_child (Fixture *f)
{
  GtkWidget *leaflet = hd_find_widget (GTK_WIDGET (f->window), ADW_TYPE_LEAFLET, NULL, NULL);

  return adw_leaflet_get_visible_child (ADW_LEAFLET (leaflet));
}

static gboolean
showing_ticket_pane (Fixture *f)
{
  return gtk_widget_is_ancestor (GTK_WIDGET (f->ticket_view), leaflet_child (f));
}

static gboolean
showing_list_pane (Fixture *f)
{
  return gtk_widget_is_ancestor (f->list_view, leaflet_child (f));
}

/* Narrow, one pane at a time: the list, a ticket picked in it, back. */
static void
test_narrow (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *path = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int min_width = 0, declared = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);
  select_row (f, 0);

  /* Resize once the window server has settled the first size: a late
   * configure event for it would undo ours. */
  hd_wait_frames (GTK_WIDGET (f->window), 5);
  g_assert_false (leaflet_folded (f));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 700);
  hd_wait_until (leaflet_folded, f, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <, 480);
  g_assert_true (showing_list_pane (f));
  path = hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-narrow.png");

  /* Picking a ticket shows it in place of the list; Back returns. */
  select_row (f, 2);
  hd_wait_until (showing_ticket_pane, f, HD_WAIT_MS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL));
  hd_wait_until (showing_list_pane, f, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (f->window), 3);

  /* Folded, the list is the whole window: what it shows must fit. And
   * the window goes as narrow as it says it does (hd-window.ui: 360 px,
   * a phone), which means every pane does. */
  check_columns_fit (f, problems);
  gtk_widget_get_size_request (GTK_WIDGET (f->window), &declared, NULL);
  g_assert_cmpint (declared, ==, 360);
  gtk_widget_measure (GTK_WIDGET (f->window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL,
                      NULL, NULL);
  if (min_width > declared)
    {
      g_autofree char *why = widest_chain (GTK_WIDGET (f->window));

      g_string_append_printf (problems, "\n  the window cannot be narrower than %d px "
                              "(it asks for %d): %s", min_width, declared, why);
    }
  assert_no_problems (problems);

  fixture_tear_down (f);
}

static gboolean
tooltip_is (GtkWidget *widget,
            gpointer   text)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0;
}

/* The menu of the list pane's Assign button, once the workload is read. */
static GMenuModel *
list_assign_menu (Fixture *f)
{
  GtkWidget *button = hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_MENU_BUTTON,
                                      tooltip_is, (gpointer) "Assign the Selected Ticket");

  g_assert_nonnull (button);
  return gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
}

static gboolean
list_assign_menu_ready (Fixture *f)
{
  return list_assign_menu (f) != NULL;
}

static gboolean
file_assignee_is_tech2 (Fixture *f)
{
  g_autoptr(HdTicket) ticket = file_ticket (f, f->number);

  return g_strcmp0 (hd_ticket_get_assignee (ticket), "tech2") == 0;
}

/* Labels of the technicians' section: "tech1 (tier 1): 0 open", … */
static char *
menu_labels (GMenuModel *menu)
{
  GMenuModel *people = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  GString *labels = g_string_new (NULL);

  for (int i = 0; people != NULL && i < g_menu_model_get_n_items (people); i++)
    {
      g_autofree char *label = NULL;

      g_menu_model_get_item_attribute (people, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      g_string_append_printf (labels, "%s%s", i > 0 ? "; " : "", label);
    }

  g_clear_object (&people);
  return g_string_free (labels, FALSE);
}

static gboolean
menu_shows_tech2_busy (Fixture *f)
{
  g_autofree char *labels = menu_labels (list_assign_menu (f));

  return strstr (labels, "tech2 (tier 2): 1 open") != NULL;
}

/* The dispatcher assigns the selected row from the list pane, through the
 * menu that shows each technician's open tickets. */
static void
test_assign_from_list (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(HdTicket) assigned = NULL;
  g_autofree char *before = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);
  select_row (f, 1);

  hd_wait_until (list_assign_menu_ready, f, HD_WAIT_MS);
  before = menu_labels (list_assign_menu (f));
  g_assert_nonnull (strstr (before, "tech2 (tier 2): 0 open"));
  g_assert_nonnull (strstr (before, "disp (tier 1): 0 open"));
  g_assert_null (strstr (before, "req1"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.assign-selected",
                                             "s", "tech2"));
  hd_wait_until (file_assignee_is_tech2, f, HD_WAIT_MS);
  assigned = file_ticket (f, f->number);
  g_assert_cmpint (hd_ticket_get_status (assigned), ==, HD_STATUS_OPEN);

  /* The menu follows the file: tech2 now has one. */
  hd_wait_until (menu_shows_tech2_busy, f, HD_WAIT_MS);

  fixture_tear_down (f);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static gboolean
menu_shows_tech1_busy (Fixture *f)
{
  g_autofree char *labels = menu_labels (list_assign_menu (f));

  return strstr (labels, "tech1 (tier 1): 1 open") != NULL;
}

static gboolean list_has_expected_count (Fixture *f);

/* A new requester's ticket (what every mail from a new address files)
 * changes nobody's load: the Assign menus are not made again for it, only
 * for the assignment after it. */
static void
test_assign_menu_follows_load (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(HdStore) newcomer = NULL;
  g_autoptr(HdTicket) filed = NULL;
  g_autoptr(HdTicket) assigned = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *button;
  guint rebuilt = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);
  hd_wait_until (list_assign_menu_ready, f, HD_WAIT_MS);
  button = hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_MENU_BUTTON, tooltip_is,
                           (gpointer) "Assign the Selected Ticket");
  g_signal_connect (button, "notify::menu-model", G_CALLBACK (count_cb), &rebuilt);

  newcomer = hd_test_open_as (f->path, "newcomer");
  filed = hd_test_file_ticket (newcomer, "Badge reader beeps");
  f->n_expected = HD_GUI_TEST_N_SEEDED + 1;
  hd_wait_until (list_has_expected_count, f, HD_WAIT_MS);

  assigned = hd_store_assign_ticket (f->checker, hd_ticket_get_number (filed),
                                     hd_ticket_get_version (filed), "tech1", &error);
  g_assert_no_error (error);
  hd_wait_until (menu_shows_tech1_busy, f, HD_WAIT_MS);
  g_assert_cmpuint (rebuilt, ==, 1);

  g_signal_handlers_disconnect_by_func (button, count_cb, &rebuilt);
  fixture_tear_down (f);
}

static gboolean
list_has_expected_count (Fixture *f)
{
  HdTicketList *list = hd_window_get_ticket_list (f->window);

  return list != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (list)) == f->n_expected;
}

static gboolean
restore_dialog_shown (Fixture *f)
{
  return hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* The dispatcher restores a backup while the window has the file open:
 * the window shows the restored tickets, and the file says so too. */
static void
test_restore (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *backup = NULL;
  g_autoptr(GPtrArray) in_file = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  g_autoptr(HdTicket) extra = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);

  backup = hd_test_new_path ("before-the-mistake");
  g_assert_true (hd_store_backup (f->checker, backup, NULL, &error));
  g_assert_no_error (error);
  draft.title = "Filed after the backup";
  extra = hd_store_create_ticket (f->checker, &draft, &error);
  g_assert_no_error (error);
  f->n_expected = 6;
  hd_wait_until (list_has_expected_count, f, HD_WAIT_MS);

  hd_window_restore (f->window, backup);
  hd_wait_until (restore_dialog_shown, f, HD_WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "restore");

  f->n_expected = 5;
  hd_wait_until (list_has_expected_count, f, HD_WAIT_MS);
  in_file = hd_store_list_tickets (f->checker, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (in_file->len, ==, 5);
  hd_destroy_and_wait (GTK_WINDOW (dialog));

  fixture_tear_down (f);
}

/* A notification clicked while Helpdesk ran without a window: the window
 * opens the helpdesk, then shows the ticket. */
static void
test_show_ticket_while_opening (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  hd_window_show_ticket (f->window, 3);
  hd_window_open_file (f->window, f->path);
  f->number = 3;
  hd_wait_until (view_shows_number, f, HD_WAIT_MS);

  fixture_tear_down (f);
}

/* A row chosen while its page is still being read (a click deep in a long
 * list, Page Up, End) opens its ticket when the page arrives, and stays
 * chosen: the real row replaces the loading one, which the selection by
 * itself would let go. */

#define MANY_TICKETS 600

static gboolean
list_has_many (Fixture *f)
{
  HdTicketList *list = hd_window_get_ticket_list (f->window);

  return list != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (list)) == MANY_TICKETS + HD_GUI_TEST_N_SEEDED &&
         !hd_ticket_list_is_loading (list);
}

static gboolean
row_loaded (Fixture *f)
{
  g_autoptr(HdTicket) ticket = g_list_model_get_item (window_list (f), f->n_expected);

  return ticket != NULL && !hd_ticket_is_placeholder (ticket);
}

static void
test_choose_loading_row (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *sql = NULL;
  g_autoptr(HdTicketRow) chosen = NULL;
  g_autoptr(HdTicket) loaded = NULL;
  GtkSelectionModel *model;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  sql = g_strdup_printf ("WITH RECURSIVE n (i) AS"
                         " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
                         " INSERT INTO tickets (title, requester_id, created_at, updated_at)"
                         " SELECT 'Bulk ' || i, (SELECT id FROM people WHERE login = 'req1'), i, i"
                         " FROM n", MANY_TICKETS);
  g_assert_cmpint (sqlite3_exec (hd_store_get_db (f->checker), sql, NULL, NULL, NULL), ==,
                   SQLITE_OK);
  hd_window_open_file (f->window, f->path);
  hd_wait_until (list_has_many, f, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (f->window), 3);

  /* Near the end, far below what is drawn: its page was never read. */
  f->n_expected = MANY_TICKETS - 10;
  model = gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view (f)));
  chosen = g_list_model_get_item (G_LIST_MODEL (model), f->n_expected);
  g_assert_true (hd_ticket_is_placeholder (hd_ticket_row_get_ticket (chosen)));
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), f->n_expected);

  hd_wait_until (row_loaded, f, HD_WAIT_MS);
  loaded = g_list_model_get_item (window_list (f), f->n_expected);
  f->number = hd_ticket_get_number (loaded);
  hd_wait_until (view_shows_number, f, HD_WAIT_MS);
  g_assert_true (row_selected (f));
  g_assert_cmpint (hd_ticket_list_view_get_selected (HD_TICKET_LIST_VIEW (f->list_view)), ==,
                   f->number);

  fixture_tear_down (f);
}

/* The team in the sidebar: each person's open tickets, a view of them,
 * and a ticket dragged by its title and dropped on a person is theirs. */

static GtkWidget *
team_row (Fixture    *f,
          const char *login)
{
  g_autoptr(GPtrArray) rows = hd_find_widgets (f->sidebar, GTK_TYPE_LIST_BOX_ROW, NULL, NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      HdPerson *person = g_object_get_data (g_ptr_array_index (rows, i), "hd-person");

      if (person != NULL && g_strcmp0 (hd_person_get_login (person), login) == 0)
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

static gboolean
team_shown (Fixture *f)
{
  return team_row (f, "tech2") != NULL;
}

static gboolean
tech2_has_one (Fixture *f)
{
  GtkWidget *row = team_row (f, "tech2");

  return row != NULL && hd_find_label (row, "1 open") != NULL;
}

static GtkEventController *
controller_of (GtkWidget *widget,
               GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }

  return NULL;
}

static gboolean
label_is_title (GtkWidget *widget,
                gpointer   title)
{
  return g_strcmp0 (hd_widget_get_text (widget), title) == 0 &&
         controller_of (widget, GTK_TYPE_DRAG_SOURCE) != NULL;
}

/* A sort keeps the rows GTK made and fills them anew; the selection
 * follows its ticket to where it sorts. */

static gboolean
first_is_ticket_1 (Fixture *f)
{
  g_autoptr(HdTicket) ticket = NULL;

  if (!hd_list_model_is_loaded (window_list (f), HD_GUI_TEST_N_SEEDED))
    return FALSE;
  ticket = g_list_model_get_item (window_list (f), 0);
  return hd_ticket_get_number (ticket) == 1;
}

static gboolean
row_selected_and_drawn (Fixture *f)
{
  g_autoptr(HdTicket) first = g_list_model_get_item (window_list (f), 0);
  GtkWidget *title = hd_find_text (column_view (f), hd_ticket_get_title (first));

  return row_selected (f) && title != NULL && gtk_widget_is_drawable (title);
}

static void
test_sort_keeps_rows (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(HdTicket) first = NULL;
  g_autoptr(HdTicket) sorted_first = NULL;
  g_autoptr(GListModel) columns = NULL;
  GtkWidget *cell;
  guint position;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);

  /* Newest first: ticket #1 is not the first row, its title cell is. */
  first = g_list_model_get_item (window_list (f), 0);
  g_assert_cmpint (hd_ticket_get_number (first), !=, 1);
  cell = hd_find_text (column_view (f), hd_ticket_get_title (first));
  g_assert_true (GTK_IS_INSCRIPTION (cell));
  g_object_add_weak_pointer (G_OBJECT (cell), (gpointer *) &cell);
  select_row (f, HD_GUI_TEST_N_SEEDED - 1);

  /* Sorted by number, as a click on its header does. */
  columns = g_object_ref (gtk_column_view_get_columns (GTK_COLUMN_VIEW (column_view (f))));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Number") == 0)
        gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (column_view (f)), column,
                                        GTK_SORT_ASCENDING);
    }
  hd_wait_until (first_is_ticket_1, f, HD_WAIT_MS);
  hd_wait_until (row_selected_and_drawn, f, HD_WAIT_MS);

  /* The same cell, in the same row, shows ticket #1 now. */
  sorted_first = g_list_model_get_item (window_list (f), 0);
  g_assert_nonnull (cell);
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (cell)), ==,
                   hd_ticket_get_title (sorted_first));
  g_object_remove_weak_pointer (G_OBJECT (cell), (gpointer *) &cell);

  /* The selected ticket is still the one open, at its new place. */
  position = hd_ticket_list_find (HD_TICKET_LIST (window_list (f)), f->number);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (
                      gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view (f))))),
                    ==, position);
  g_assert_cmpint (hd_ticket_list_view_get_selected (HD_TICKET_LIST_VIEW (f->list_view)), ==,
                   f->number);
  g_assert_true (view_shows_number (f));

  fixture_tear_down (f);
}

static void
test_team_drag (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(GdkContentProvider) content = NULL;
  g_autoptr(HdTicket) dragged = NULL;
  g_autoptr(GError) error = NULL;
  GValue value = G_VALUE_INIT;
  GtkWidget *title;
  gboolean dropped = FALSE;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);
  hd_wait_until (team_shown, f, HD_WAIT_MS);
  g_assert_nonnull (hd_find_label (team_row (f, "tech2"), "0 open"));

  /* Picked up by the title of the row for ticket #3 … */
  title = hd_find_widget (f->list_view, GTK_TYPE_WIDGET, label_is_title,
                          (gpointer) hd_gui_test_seed_titles[2]);
  g_assert_nonnull (title);
  g_signal_emit_by_name (controller_of (title, GTK_TYPE_DRAG_SOURCE), "prepare", 1.0, 1.0,
                         &content);
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_INT64);
  g_assert_true (gdk_content_provider_get_value (content, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_value_get_int64 (&value), ==, 3);

  /* … and dropped on tech2. */
  g_signal_emit_by_name (controller_of (team_row (f, "tech2"), GTK_TYPE_DROP_TARGET), "drop",
                         &value, 1.0, 1.0, &dropped);
  g_assert_true (dropped);
  f->number = 3;
  hd_wait_until (file_assignee_is_tech2, f, HD_WAIT_MS);
  hd_wait_until (tech2_has_one, f, HD_WAIT_MS);

  /* tech2's desk: the one ticket. */
  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (team_row (f, "tech2"))),
                           GTK_LIST_BOX_ROW (team_row (f, "tech2")));
  f->n_expected = 1;
  hd_wait_until (list_loaded, f, HD_WAIT_MS);
  dragged = hd_list_model_find_title (window_list (f), hd_gui_test_seed_titles[2]);
  g_assert_nonnull (dragged);
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-team.png"));

  g_value_unset (&value);
  fixture_tear_down (f);
}

/* Escalating from the ticket view: a note is required, the ticket moves
 * up a tier in the file, and the history shows the move with its note. */

static gboolean
file_tier_is_2 (Fixture *f)
{
  g_autoptr(HdTicket) ticket = file_ticket (f, f->number);

  return hd_ticket_get_tier (ticket) == 2;
}

static gboolean
timeline_shows_note (Fixture *f)
{
  return hd_find_label (GTK_WIDGET (f->ticket_view),
                        "Escalated the ticket from tier 1 to tier 2:\nNeeds <b>network</b> access") != NULL;
}

static void
test_escalate (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  AdwMessageDialog *dialog;
  GtkTextView *note;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);
  select_row (f, 0);
  g_assert_nonnull (hd_find_row (GTK_WIDGET (f->ticket_view), ADW_TYPE_ACTION_ROW, "Support Tier"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->ticket_view), "ticket.escalate", "s",
                                             "up"));
  hd_wait_until (restore_dialog_shown, f, HD_WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "escalate"));
  note = GTK_TEXT_VIEW (hd_find_widget (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW, NULL, NULL));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (note), "   ", -1);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "escalate"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (note), "Needs <b>network</b> access", -1);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "escalate"));
  hd_wait_frames (GTK_WIDGET (dialog), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (dialog), "screenshot-escalate.png"));
  adw_message_dialog_response (dialog, "escalate");
  hd_destroy_and_wait (GTK_WINDOW (dialog));

  hd_wait_until (file_tier_is_2, f, HD_WAIT_MS);
  hd_wait_until (timeline_shows_note, f, HD_WAIT_MS);

  fixture_tear_down (f);
}

/* A damaged file is refused, and its newest sound backup offered: taken,
 * it replaces the file, the damaged one kept beside it, and the helpdesk
 * opens. */

static gboolean
damaged_copy_exists (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".damaged-", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, prefix))
      return TRUE;

  return FALSE;
}

static void
test_recover_damaged (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *dir = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) extra = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *data = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  AdwMessageDialog *dialog;
  gint64 page, page_size;
  gsize size = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);

  /* A backup with the five seeded tickets, then a sixth. */
  dir = hd_store_default_backup_dir (f->path);
  g_assert_true (hd_store_backup_rotating (f->checker, dir, HD_STORE_BACKUPS_KEPT, &backup,
                                           &error));
  g_assert_no_error (error);
  draft.title = "Filed after the backup";
  extra = hd_store_create_ticket (f->checker, &draft, &error);
  g_assert_no_error (error);

  /* A bad sector over the tickets' root page. */
  {
    sqlite3_stmt *stmt = NULL;
    sqlite3 *db = hd_store_get_db (f->checker);

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage FROM sqlite_schema"
                                             " WHERE name = 'tickets'", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    page = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_size", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    page_size = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
  }
  g_clear_object (&f->checker);
  bytes = hd_test_read_bytes (f->path);
  data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
  g_assert_cmpint (page * page_size, <=, (gint64) size);
  memset (data + (page - 1) * page_size, 0xA5, page_size);
  g_assert_true (g_file_set_contents (f->path, data, size, NULL));

  hd_window_open_file (f->window, f->path);
  hd_wait_until (restore_dialog_shown, f, HD_WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Restore the Last Good Backup?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "is damaged"));
  hd_wait_frames (GTK_WIDGET (dialog), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (dialog), "screenshot-damaged.png"));
  adw_message_dialog_response (dialog, "restore");

  f->n_expected = HD_GUI_TEST_N_SEEDED;
  hd_wait_until (list_has_expected_count, f, HD_WAIT_MS);
  g_assert_cmpstr (hd_window_get_path (f->window), ==, f->path);
  g_assert_true (damaged_copy_exists (f->path));
  hd_destroy_and_wait (GTK_WINDOW (dialog));

  fixture_tear_down (f);
}

/* A bad sector over the history's root page, written behind SQLite's
 * back, in place (a file put there anew would be another file to the
 * window); the change counter tells every connection to read again. The
 * test's own connection is closed first. */
static void
damage_history_in_place (Fixture *f)
{
  g_autofree char *zeros = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 page, page_size;
  guint8 counter[4];
  FILE *file;

  g_assert_cmpint (sqlite3_prepare_v2 (hd_store_get_db (f->checker),
                                       "SELECT rootpage, (SELECT page_size FROM pragma_page_size)"
                                       " FROM sqlite_schema WHERE name = 'ticket_events'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  page = sqlite3_column_int64 (stmt, 0);
  page_size = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  g_clear_object (&f->checker);

  zeros = g_malloc0 (page_size);
  file = g_fopen (f->path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, 24, SEEK_SET), ==, 0);
  g_assert_cmpuint (fread (counter, 1, 4, file), ==, 4);
  counter[3]++;
  g_assert_cmpint (fseek (file, 24, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (counter, 1, 4, file), ==, 4);
  g_assert_cmpint (fseek (file, (page - 1) * page_size, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (zeros, 1, page_size, file), ==, (gsize) page_size);
  g_assert_cmpint (fclose (file), ==, 0);
}

/* The automatic backup waits until the window is idle: nothing is copied
 * on the way to the first rows, then a backup is taken and this desk knows
 * the file sound. */

static gboolean
backup_written (Fixture *f)
{
  g_autofree char *dir = hd_store_default_backup_dir (f->path);

  return hd_store_newest_backup_age (dir) >= 0;
}

static void
test_backup_when_idle (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *dir = NULL;
  g_autoptr(HdStore) store = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  g_setenv ("HELPDESK_IDLE_MS", "1500", TRUE);
  fixture_set_up (f);
  dir = hd_store_default_backup_dir (f->path);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  open_and_load (f);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  store = hd_test_open_as (f->path, "disp");
  g_assert_cmpint (hd_store_get_verified (store, NULL), ==, HD_VERIFIED_UNKNOWN);
  g_clear_object (&store);

  hd_wait_until (backup_written, f, HD_WAIT_MS);
  store = hd_test_open_as (f->path, "disp");
  g_assert_cmpint (hd_store_get_verified (store, NULL), ==, HD_VERIFIED_SOUND);

  fixture_tear_down (f);
}

/* A file damaged where the first rows do not reach: it opens, and the
 * idle check finds the damage. The window says so in the bar, refuses
 * changes, and offers the last good backup, which puts a sound helpdesk
 * in its place. */

static gboolean
is_recover_button (GtkWidget *widget,
                   gpointer   data)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)),
                    "Restore the Last Good Backup…") == 0;
}

static GtkWidget *
recover_button (Fixture *f)
{
  GtkWidget *button = hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, is_recover_button,
                                      NULL);

  g_assert_nonnull (button);
  return button;
}

static gboolean
damage_shown (Fixture *f)
{
  GtkWidget *revealer = gtk_widget_get_ancestor (recover_button (f), GTK_TYPE_REVEALER);

  return gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)) &&
         gtk_widget_get_visible (recover_button (f)) && restore_dialog_shown (f);
}

static void
test_damage_found_when_idle (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  g_setenv ("HELPDESK_IDLE_MS", "1000", TRUE);
  fixture_set_up (f);
  dir = hd_store_default_backup_dir (f->path);
  g_assert_true (hd_store_backup_rotating (f->checker, dir, HD_STORE_BACKUPS_KEPT, NULL,
                                           &error));
  g_assert_no_error (error);

  damage_history_in_place (f);

  /* It opens, with its rows. */
  open_and_load (f);

  g_assert_false (gtk_widget_get_visible (recover_button (f)));
  hd_wait_until (damage_shown, f, HD_WAIT_MS);
  {
    GtkWidget *revealer = gtk_widget_get_ancestor (recover_button (f), GTK_TYPE_REVEALER);
    GtkWidget *label = hd_find_widget (revealer, GTK_TYPE_LABEL, NULL, NULL);

    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "is damaged"));
  }
  g_assert_false (hd_store_can_write (hd_window_get_store (f->window)));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-ticket", NULL);
  g_assert_null (hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG));
  dialog = ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Restore the Last Good Backup?");
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-damaged-open.png"));

  g_clear_object (&f->checker);
  adw_message_dialog_response (dialog, "restore");
  f->n_expected = HD_GUI_TEST_N_SEEDED;
  hd_wait_until (list_has_expected_count, f, HD_WAIT_MS);
  g_assert_true (damaged_copy_exists (f->path));
  hd_destroy_and_wait (GTK_WINDOW (dialog));
  f->checker = hd_test_open_as (f->path, "disp");
  g_assert_true (hd_store_can_write (f->checker));
  g_assert_false (gtk_widget_get_visible (recover_button (f)));

  fixture_tear_down (f);
}

/* The file is damaged while the window has it open, and the dispatcher
 * restores a backup: a damaged file is never saved among the backups, so
 * it is replaced the way a damaged file is, kept beside it, and the
 * helpdesk opens again with the backup's tickets. */
static void
test_restore_damaged (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *backup = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) extra = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  AdwMessageDialog *dialog;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);

  backup = hd_test_new_path ("before-the-damage");
  g_assert_true (hd_store_backup (f->checker, backup, NULL, &error));
  g_assert_no_error (error);
  draft.title = "Filed after the backup";
  extra = hd_store_create_ticket (f->checker, &draft, &error);
  g_assert_no_error (error);
  f->n_expected = 6;
  hd_wait_until (list_has_expected_count, f, HD_WAIT_MS);

  damage_history_in_place (f);

  hd_window_restore (f->window, backup);
  hd_wait_until (restore_dialog_shown, f, HD_WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "restore");

  f->n_expected = HD_GUI_TEST_N_SEEDED;
  hd_wait_until (list_has_expected_count, f, HD_WAIT_MS);
  g_assert_cmpstr (hd_window_get_path (f->window), ==, f->path);
  g_assert_true (damaged_copy_exists (f->path));
  hd_destroy_and_wait (GTK_WINDOW (dialog));

  /* No damaged copy went among the automatic backups. */
  dir = hd_store_default_backup_dir (f->path);
  f->checker = hd_test_open_as (f->path, "disp");
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autoptr(HdStore) copy = NULL;

        /* .checked: the rotation's record of the backups it checked. */
        if (name[0] == '.')
          continue;
        copy = hd_store_open_full (path, "disp", HD_STORE_OPEN_VERIFY, &error);
        g_assert_no_error (error);
        g_assert_nonnull (copy);
      }
  }

  fixture_tear_down (f);
}

/* A file chosen from a place that passes no locks between computers (a
 * gvfs mount: here a bindfs mount with gvfs's FUSE subtype) is explained
 * before it is opened, and opened only on request. */

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
window_shows_welcome (Fixture *f)
{
  GtkWidget *stack = gtk_widget_get_parent (gtk_widget_get_ancestor (f->sidebar,
                                                                     ADW_TYPE_LEAFLET));

  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "welcome") == 0;
}

static gboolean window_shows_main (Fixture *f);

static gboolean
window_path_is (Fixture *f)
{
  return g_strcmp0 (hd_window_get_path (f->window), f->title) == 0;
}

static void
test_open_unsafe_location (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  const char *fusermount = g_find_program_in_path ("fusermount3") ? "fusermount3" : "fusermount";
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *src = NULL;
  g_autofree char *mount = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *chosen = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  AdwMessageDialog *dialog;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  if (g_find_program_in_path ("bindfs") == NULL)
    {
      g_test_skip ("bindfs is needed for a FUSE folder");
      return;
    }

  fixture_set_up (f);
  root = g_dir_make_tmp ("hd-unsafe-XXXXXX", &error);
  g_assert_no_error (error);
  src = g_build_filename (root, "src", NULL);
  mount = g_build_filename (root, "gvfs", NULL);
  g_assert_cmpint (g_mkdir (src, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (mount, 0700), ==, 0);
  copy = g_build_filename (src, "office.db", NULL);
  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, length, NULL));
  if (!run_quietly ((const char *[]) { "bindfs", "-o", "subtype=gvfsd-fuse", src, mount, NULL }))
    {
      g_test_skip ("bindfs could not mount");
      fixture_tear_down (f);
      return;
    }
  chosen = g_build_filename (mount, "office.db", NULL);

  /* Explained, and left unopened on Cancel. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open-chosen", "s",
                                             chosen));
  hd_wait_until (restore_dialog_shown, f, HD_WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Open From an Unsafe Location?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "does not pass locks"));
  hd_wait_frames (GTK_WIDGET (dialog), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (dialog), "screenshot-unsafe-location.png"));
  adw_message_dialog_response (dialog, "cancel");
  hd_destroy_and_wait (GTK_WINDOW (dialog));
  hd_wait_frames (GTK_WIDGET (f->window), 5);
  g_assert_true (window_shows_welcome (f));
  g_assert_null (hd_window_get_path (f->window));

  /* Opened on request. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open-chosen", "s",
                                             chosen));
  hd_wait_until (restore_dialog_shown, f, HD_WAIT_MS);
  dialog = ADW_MESSAGE_DIALOG (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "open");
  hd_destroy_and_wait (GTK_WINDOW (dialog));
  hd_wait_until (window_shows_main, f, HD_WAIT_MS);
  g_assert_cmpstr (hd_window_get_path (f->window), ==, chosen);

  /* A file on this computer opens straight away. The copy's list has as
   * many tickets: the wait is for the path first, which changes only once
   * the location was looked at on a thread and the file opened, later
   * than that on a busy machine. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open-chosen", "s",
                                             f->path));
  f->title = f->path;
  hd_wait_until (window_path_is, f, HD_WAIT_MS);
  f->n_expected = HD_GUI_TEST_N_SEEDED;
  hd_wait_until (list_has_expected_count, f, HD_WAIT_MS);
  g_assert_null (hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  fixture_tear_down (f);
  g_assert_true (run_quietly ((const char *[]) { fusermount, "-u", "-z", mount, NULL }));
  run_quietly ((const char *[]) { "rm", "-rf", root, NULL });
}

/* A helpdesk that can only be read (a read-only mount: root, who runs CI,
 * ignores permission bits) opens, shows its tickets, and says at once
 * that nothing can be changed here, rather than at the first save. */

static gboolean warning_label_is (GtkWidget *widget,
                                  gpointer   data);

static gboolean
read_only_told (Fixture *f)
{
  return hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_LABEL, warning_label_is,
                         (gpointer) "can only be read") != NULL;
}

static void
test_read_only (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  const char *fusermount = g_find_program_in_path ("fusermount3") ? "fusermount3" : "fusermount";
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *src = NULL;
  g_autofree char *mount = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *seeded = NULL;
  gsize length = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  if (g_find_program_in_path ("bindfs") == NULL)
    {
      g_test_skip ("bindfs is needed for a read-only mount");
      return;
    }

  fixture_set_up (f);
  root = g_dir_make_tmp ("hd-read-only-XXXXXX", &error);
  g_assert_no_error (error);
  src = g_build_filename (root, "src", NULL);
  mount = g_build_filename (root, "ro", NULL);
  g_assert_cmpint (g_mkdir (src, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (mount, 0700), ==, 0);
  copy = g_build_filename (src, "office.db", NULL);
  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, length, NULL));
  if (!run_quietly ((const char *[]) { "bindfs", "-r", src, mount, NULL }))
    {
      g_test_skip ("bindfs could not mount");
      fixture_tear_down (f);
      return;
    }

  seeded = g_steal_pointer (&f->path);
  f->path = g_build_filename (mount, "office.db", NULL);
  open_and_load (f);
  hd_wait_until (read_only_told, f, HD_WAIT_MS);
  /* Nothing to file here: the form does not open. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-ticket", NULL);
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_null (hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG));
  g_free (hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-read-only.png"));

  fixture_tear_down (f);
  g_assert_true (run_quietly ((const char *[]) { fusermount, "-u", "-z", mount, NULL }));
  run_quietly ((const char *[]) { "rm", "-rf", root, NULL });
}

/* The file replaced behind the window's back (put back from a copy, or a
 * share mounted anew): the window notices, opens the path again and goes
 * on at the same ticket, with the reply being typed still there, and
 * saving it then reaches the file that is there now. */

static GtkTextBuffer *
composer_buffer (Fixture *f)
{
  g_autoptr(GPtrArray) views = hd_find_widgets (GTK_WIDGET (f->ticket_view), GTK_TYPE_TEXT_VIEW,
                                                NULL, NULL);

  g_assert_cmpuint (views->len, ==, 2);   /* the description, the composer */
  return gtk_text_view_get_buffer (g_ptr_array_index (views, 1));
}

static gboolean
reconnected_with_reply (Fixture *f)
{
  GtkTextBuffer *buffer = composer_buffer (f);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (hd_window_get_store (f->window) == f->checker || !view_shows_number (f))
    return FALSE;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strcmp0 (text, f->title) == 0;
}

static gboolean
reply_in_new_file (Fixture *f)
{
  g_autoptr(HdStore) store = hd_store_open (f->path, "disp", NULL);
  g_autoptr(GPtrArray) events = store != NULL ? hd_store_list_events (store, f->number, NULL)
                                              : NULL;

  for (guint i = 0; events != NULL && i < events->len; i++)
    if (g_strcmp0 (hd_ticket_event_get_body (g_ptr_array_index (events, i)), f->title) == 0)
      return TRUE;

  return FALSE;
}

static void
test_reconnect_replaced (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  HdStore *before;
  gsize length = 0;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);
  select_row (f, 1);
  f->title = "Typed while the file was swapped";
  gtk_text_buffer_set_text (composer_buffer (f), f->title, -1);

  /* The same helpdesk put back as a new file: another inode. */
  before = hd_window_get_store (f->window);
  g_clear_object (&f->checker);
  copy = g_strconcat (f->path, ".copy", NULL);
  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, length, NULL));
  g_assert_cmpint (g_rename (copy, f->path), ==, 0);

  f->checker = before;   /* compared with, never used */
  hd_wait_until (reconnected_with_reply, f, 3 * HD_WAIT_MS);
  f->checker = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->ticket_view), "ticket.send", NULL));
  hd_wait_until (reply_in_new_file, f, HD_WAIT_MS);

  fixture_tear_down (f);
}

static gboolean
warning_label_is (GtkWidget *widget,
                  gpointer   data)
{
  const char *text = gtk_label_get_text (GTK_LABEL (widget));

  return text != NULL && strstr (text, data) != NULL && gtk_widget_get_mapped (widget);
}

static gboolean
button_label_is (GtkWidget *widget,
                 gpointer   data)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

static GtkRevealer *
trouble_revealer (Fixture *f)
{
  GtkWidget *button = hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, button_label_is,
                                      (gpointer) "Switch to Dot-File Locking");

  g_assert_nonnull (button);
  return GTK_REVEALER (gtk_widget_get_ancestor (button, GTK_TYPE_REVEALER));
}

static gboolean
leaflet_unfolded (Fixture *f)
{
  return !leaflet_folded (f);
}

static gboolean
window_shows_main (Fixture *f)
{
  return hd_window_get_ticket_list (f->window) != NULL;
}

/* Dot-file locks on this computer's disk, where POSIX locks would be
 * faster, are safe: nothing is refused and nothing is pointed out. */
static void
test_locking_warning (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *path = hd_test_new_path ("dotfile-here");
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  store = hd_store_create_full (path, "disp", "Dot-files here", HD_LOCKING_DOTFILE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  hd_window_open_file (f->window, path);
  hd_wait_until (window_shows_main, f, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (f->window), 10);
  g_assert_false (gtk_revealer_get_reveal_child (trouble_revealer (f)));

  fixture_tear_down (f);
}

/* A helpdesk made with POSIX locks on a local disk and copied, record and
 * all, onto a share: the window says that nothing can be changed and why,
 * and offers the dispatcher the switch. A switch that another desk holds
 * off says so there; once it goes through, the window opens the file
 * again and changes are saved. */

static gboolean
switch_offered (Fixture *f)
{
  return hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_LABEL, warning_label_is,
                         (gpointer) "locked with POSIX locks") != NULL &&
         gtk_widget_get_mapped (f->switch_button);
}

static gboolean
switch_failed_told (Fixture *f)
{
  return hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_LABEL, warning_label_is,
                         (gpointer) "Another desk is working with") != NULL &&
         gtk_widget_get_sensitive (f->switch_button);
}

static gboolean
switched_and_reopened (Fixture *f)
{
  HdStore *store = hd_window_get_store (f->window);

  return store != NULL && hd_store_get_locking (store) == HD_LOCKING_DOTFILE &&
         !gtk_revealer_get_reveal_child (trouble_revealer (f)) && list_loaded (f);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, length, NULL));
}

static void
test_switch_locking (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(HdTestShare) share = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *record = NULL;
  g_autofree char *copied_record = NULL;
  g_autofree char *lock = NULL;
  g_autofree char *text = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  share = hd_test_share_new ();
  if (share == NULL)
    return;

  /* A short wait for a held file. */
  g_setenv ("HELPDESK_BUSY_TIMEOUT", "300", TRUE);
  fixture_set_up (f);
  copy = g_build_filename (share->src, "office.db", NULL);
  record = g_strconcat (f->path, ".locking", NULL);
  copied_record = g_strconcat (copy, ".locking", NULL);
  copy_file (f->path, copy);
  copy_file (record, copied_record);
  g_clear_object (&f->checker);
  g_free (f->path);
  f->path = g_build_filename (share->mounts[0], "office.db", NULL);
  f->checker = hd_test_open_as (f->path, "disp");

  open_and_load (f);
  f->switch_button = hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, button_label_is,
                                     (gpointer) "Switch to Dot-File Locking");
  g_assert_nonnull (f->switch_button);
  hd_wait_until (switch_offered, f, HD_WAIT_MS);
  /* Nothing to file until it is switched: the form does not open. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-ticket", NULL);
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_null (hd_find_toplevel (HD_TYPE_NEW_TICKET_DIALOG));
  g_free (hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-wrong-locking.png"));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 700);
  hd_wait_until (leaflet_folded, f, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (f->window), 5);
  g_free (hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-wrong-locking-narrow.png"));

  /* Another desk holds the file (its dot-file lock): refused, said there. */
  lock = g_strconcat (copy, ".lock", NULL);
  g_assert_cmpint (g_mkdir (lock, 0755), ==, 0);
  gtk_widget_activate (f->switch_button);
  hd_wait_until (switch_failed_told, f, HD_WAIT_MS);
  g_assert_true (g_file_get_contents (copied_record, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "posix\n");
  g_clear_pointer (&text, g_free);
  hd_wait_frames (GTK_WIDGET (f->window), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-switch-refused-narrow.png"));
  g_assert_cmpint (g_rmdir (lock), ==, 0);
  /* Dot-file readers wait for each other: the usual wait from now on. */
  g_unsetenv ("HELPDESK_BUSY_TIMEOUT");

  /* Nobody holds it: switched, opened again, and changes are saved. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 768);
  hd_wait_until (leaflet_unfolded, f, HD_WAIT_MS);
  gtk_widget_activate (f->switch_button);
  f->n_expected = HD_GUI_TEST_N_SEEDED;
  hd_wait_until (switched_and_reopened, f, HD_WAIT_MS);
  g_assert_true (g_file_get_contents (copied_record, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "dotfile\n");
  g_clear_object (&f->checker);
  f->checker = hd_test_open_as (f->path, "disp");
  save_through_the_form (f);

  fixture_tear_down (f);
}

static gboolean
label_mentions (GtkWidget  *widget,
                const char *text)
{
  return gtk_widget_get_mapped (widget) &&
         strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
button_is_labelled (GtkWidget  *widget,
                    const char *label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
waiting_for_bob (Fixture *f)
{
  return hd_find_label (GTK_WIDGET (f->window), "Waiting for Another Desk") != NULL &&
         hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_LABEL,
                         (HdWidgetPredicate) label_mentions, "<b>bob</b> on desk-9") != NULL;
}

/* A file another desk holds: the window waits, says whose it is (as text),
 * and opens the file as soon as that desk lets go. */
static void
test_wait_for_other_desk (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *path = hd_test_new_path ("held");
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *entry = g_build_filename (lock, "0123456789abcdef0123456789abcdef.1", NULL);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *button;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  store = hd_store_create_full (path, "disp", "Held", HD_LOCKING_DOTFILE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Desk 9's lock, from another machine: only its owner may remove it yet. */
  g_assert_cmpint (g_mkdir (lock, 0777), ==, 0);
  g_assert_true (g_file_set_contents (entry, "host=desk-9\nuser=<b>bob</b>\nboot=other\n"
                                      "pidns=x\npid=1\nstart=1\nsince=09:00\n", -1, NULL));
  g_setenv ("HELPDESK_BUSY_TIMEOUT", "200", TRUE);
  hd_window_open_file (f->window, path);
  hd_wait_until (waiting_for_bob, f, HD_WAIT_MS);
  g_assert_false (window_shows_main (f));

  /* Nobody has to wait: Stop Waiting goes back to the welcome page. */
  button = hd_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON,
                           (HdWidgetPredicate) button_is_labelled, "_Stop Waiting");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_signal_emit_by_name (button, "clicked");
  hd_wait_until (window_shows_welcome, f, HD_WAIT_MS);

  /* Waiting again; then desk 9 lets go. */
  hd_window_open_file (f->window, path);
  hd_wait_until (waiting_for_bob, f, HD_WAIT_MS);
  g_assert_cmpint (g_unlink (entry), ==, 0);
  g_assert_cmpint (g_rmdir (lock), ==, 0);
  hd_wait_until (window_shows_main, f, HD_WAIT_MS);
  g_assert_cmpstr (hd_window_get_path (f->window), ==, path);
  g_unsetenv ("HELPDESK_BUSY_TIMEOUT");

  fixture_tear_down (f);
}

/* Another desk switches the method while the window has the file open:
 * the window opens it again with the new one, and saves with it. */

static gboolean
reopened_with_dotfile (Fixture *f)
{
  HdStore *store = hd_window_get_store (f->window);

  return store != NULL && hd_store_get_locking (store) == HD_LOCKING_DOTFILE &&
         list_loaded (f);
}

static void
test_locking_switched_elsewhere (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);
  g_assert_cmpint (hd_store_get_locking (hd_window_get_store (f->window)), ==,
                   HD_LOCKING_POSIX);

  g_free (run_cli (f, "location", "--set-locking", "dotfile", NULL));
  hd_wait_until (reopened_with_dotfile, f, HD_WAIT_MS);
  g_clear_object (&f->checker);
  f->checker = hd_test_open_as (f->path, "disp");
  save_through_the_form (f);

  fixture_tear_down (f);
}

static void
test_end_to_end (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);
  screenshot_wide (f);
  file_through_the_form (f);
  assign_to_tech1 (f);
  follow_the_command_line (f);
  edit_in_conflict (f);
  fixture_tear_down (f);
}

/* What the window tells the person quotes what they typed, as text. */

static gboolean
toast_shows (Fixture *f)
{
  GtkWidget *overlay = hd_find_widget (GTK_WIDGET (f->window), ADW_TYPE_TOAST_OVERLAY, NULL, NULL);
  g_autoptr(GPtrArray) labels = hd_find_widgets (overlay, GTK_TYPE_LABEL, NULL, NULL);

  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), f->title) != NULL)
      return TRUE;

  return FALSE;
}

static void
test_messages_are_text (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr(HdTicket) ticket = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (f);
  open_and_load (f);

  select_row (f, 0);

  /* A login the core refuses; its message quotes it, markup characters
   * and all, and the toast shows exactly that. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->ticket_view), "ticket.assign", "s",
                                             "r&d<team>"));
  f->title = "“r&d<team>”";
  hd_wait_until (toast_shows, f, HD_WAIT_MS);
  ticket = file_ticket (f, f->number);
  g_assert_null (hd_ticket_get_assignee (ticket));

  fixture_tear_down (f);
}

/* Starting up: $HELPDESK_DB, else the file used last. An empty
 * $HELPDESK_DB is no file, as helpdesk-cli and hd_store_default_path()
 * read it. */

static gboolean
window_has_path (Fixture *f)
{
  return g_strcmp0 (hd_window_get_path (f->window), f->path) == 0;
}

static void
open_default_with (Fixture    *f,
                   const char *helpdesk_db)
{
  if (helpdesk_db != NULL)
    g_setenv ("HELPDESK_DB", helpdesk_db, TRUE);
  else
    g_unsetenv ("HELPDESK_DB");

  /* A fresh window, as at start-up. */
  hd_destroy_and_wait (GTK_WINDOW (f->window));
  fixture_new_window (f);

  hd_gui_test_message ("Starting with HELPDESK_DB %s%s%s", helpdesk_db != NULL ? "“" : "unset",
                       helpdesk_db != NULL ? helpdesk_db : "", helpdesk_db != NULL ? "”" : "");
  g_settings_set_string (hd_application_get_settings (f->app), "last-database", f->path);
  hd_window_open_default (f->window);
  hd_wait_until (window_has_path, f, HD_WAIT_MS);
}

static void
test_open_default (void)
{
  Fixture fixture = { 0 };

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  fixture_set_up (&fixture);
  open_default_with (&fixture, NULL);
  open_default_with (&fixture, "");
  fixture_tear_down (&fixture);
}

/* Nothing opened: the welcome page, with the recent file. */
static void
test_welcome (void)
{
  g_autoptr(HdApplication) app = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *shot = NULL;
  const char *recent[2] = { NULL, NULL };
  GtkWidget *page, *row, *status;
  HdWindow *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = hd_test_new_helpdesk (&path);
  base = g_path_get_basename (path);
  recent[0] = path;
  app = hd_gui_test_new_application ();
  g_settings_set_strv (hd_application_get_settings (app), "recent-databases", recent);

  window = hd_window_new (app, hd_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  hd_wait_frames (GTK_WIDGET (window), 3);

  page = hd_find_widget (GTK_WIDGET (window), HD_TYPE_WELCOME_PAGE, NULL, NULL);
  g_assert_true (gtk_widget_is_drawable (page));
  row = hd_find_row (page, ADW_TYPE_ACTION_ROW, base);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_drawable (row));
  shot = hd_save_screenshot (GTK_WIDGET (window), "screenshot-welcome.png");

  /* The icon is installed under the application id, which the development
   * profile changes (data/meson.build). */
  status = hd_find_widget (page, ADW_TYPE_STATUS_PAGE, NULL, NULL);
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (status)), ==, APPLICATION_ID);

  hd_destroy_and_wait (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  hd_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/window/end-to-end", test_end_to_end);
  g_test_add_func ("/gui/window/narrow", test_narrow);
  g_test_add_func ("/gui/window/assign-from-list", test_assign_from_list);
  g_test_add_func ("/gui/window/assign-menu-follows-load", test_assign_menu_follows_load);
  g_test_add_func ("/gui/window/restore", test_restore);
  g_test_add_func ("/gui/window/escalate", test_escalate);
  g_test_add_func ("/gui/window/team-drag", test_team_drag);
  g_test_add_func ("/gui/window/sort-keeps-rows", test_sort_keeps_rows);
  g_test_add_func ("/gui/window/show-ticket-while-opening", test_show_ticket_while_opening);
  g_test_add_func ("/gui/window/choose-loading-row", test_choose_loading_row);
  g_test_add_func ("/gui/window/recover-damaged", test_recover_damaged);
  g_test_add_func ("/gui/window/restore-damaged", test_restore_damaged);
  g_test_add_func ("/gui/window/backup-when-idle", test_backup_when_idle);
  g_test_add_func ("/gui/window/damage-found-when-idle", test_damage_found_when_idle);
  g_test_add_func ("/gui/window/open-unsafe-location", test_open_unsafe_location);
  g_test_add_func ("/gui/window/reconnect-replaced", test_reconnect_replaced);
  g_test_add_func ("/gui/window/read-only", test_read_only);
  g_test_add_func ("/gui/window/locking-warning", test_locking_warning);
  g_test_add_func ("/gui/window/wait-for-other-desk", test_wait_for_other_desk);
  g_test_add_func ("/gui/window/switch-locking", test_switch_locking);
  g_test_add_func ("/gui/window/locking-switched-elsewhere", test_locking_switched_elsewhere);
  g_test_add_func ("/gui/window/messages-are-text", test_messages_are_text);
  g_test_add_func ("/gui/window/open-default", test_open_default);
  g_test_add_func ("/gui/window/welcome", test_welcome);

  return g_test_run ();
}
