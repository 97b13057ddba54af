/* test-mail-templates.c — Preferences → Templates and the alerts each
 * person chooses: a template edited in the window is the file's and the
 * preview shows it; Reset asks first; a technician reads templates and
 * cannot change them; delivery and quiet hours set in Preferences and in
 * People are what the file holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "hd-alert-mail-group.h"
#include "hd-gui-test-util.h"
#include "hd-mail-preferences.h"
#include "hd-mail-template-editor.h"
#include "hd-mail-templates.h"
#include "hd-people-window.h"
#include "hd-preferences-window.h"
#include "hd-test-util.h"

#define SCHEMA_ID "io.github.helpdesk.Helpdesk"

static const int widths[] = { 1366, 1024, 400 };

/* Screenshots of @window at each width, as NAME-WIDTH.png. */
static void
shoot (GtkWidget  *window,
       const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *file = g_strdup_printf ("screenshot-%s-%d.png", name, widths[i]);

      gtk_window_set_default_size (GTK_WINDOW (window), widths[i], 768);
      hd_wait_frames (window, 4);
      g_free (hd_save_screenshot (window, file));
    }
  gtk_window_set_default_size (GTK_WINDOW (window), widths[0], 768);
  hd_wait_frames (window, 3);
}

static GtkWidget *
open_preferences (HdStore *store)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWidget *window = hd_preferences_window_new (NULL, settings, hd_store_get_path (store));

  hd_preferences_window_add_helpdesk (HD_PREFERENCES_WINDOW (window), store);
  gtk_window_set_default_size (GTK_WINDOW (window), widths[0], 768);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static GtkWidget *
templates_page (GtkWidget *window)
{
  GtkWidget *page = hd_find_widget (window, HD_TYPE_MAIL_TEMPLATES, NULL, NULL);

  g_assert_nonnull (page);
  hd_wait_until (hd_mail_templates_is_idle, page, HD_WAIT_MS);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  return page;
}

/* Chooses the template titled @title and returns its editor, read. */
static GtkWidget *
open_template (GtkWidget  *window,
               const char *title)
{
  GtkWidget *page = templates_page (window);
  GtkWidget *row = hd_find_row (page, ADW_TYPE_ACTION_ROW, title);
  GtkWidget *editor;

  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  editor = hd_find_widget (window, HD_TYPE_MAIL_TEMPLATE_EDITOR, NULL, NULL);
  g_assert_nonnull (editor);
  hd_wait_until (hd_mail_template_editor_is_idle, editor, HD_WAIT_MS);
  return editor;
}

/* Whether the button's action is enabled. */
static gboolean
can_press (GtkWidget  *editor,
           const char *button)
{
  return gtk_widget_get_sensitive (hd_find_named (editor, GTK_TYPE_BUTTON, button));
}

static void
set_body (GtkWidget  *editor,
          const char *text)
{
  GtkTextView *view = GTK_TEXT_VIEW (hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view"));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static const char *
preview_of (GtkWidget *editor)
{
  return gtk_label_get_text (GTK_LABEL (hd_find_named (editor, GTK_TYPE_LABEL, "preview_label")));
}

typedef struct {
  GtkWidget  *editor;
  const char *text;
} Shown;

static gboolean
preview_shows (Shown *shown)
{
  return hd_mail_template_editor_is_idle (HD_MAIL_TEMPLATE_EDITOR (shown->editor)) &&
         g_strcmp0 (preview_of (shown->editor), shown->text) == 0;
}

static gboolean
text_error_shown (GtkWidget *editor)
{
  return hd_mail_template_editor_is_idle (HD_MAIL_TEMPLATE_EDITOR (editor)) &&
         gtk_widget_get_visible (hd_find_named (editor, GTK_TYPE_LABEL, "text_error"));
}

static gboolean
preview_error_shown (GtkWidget *editor)
{
  return hd_mail_template_editor_is_idle (HD_MAIL_TEMPLATE_EDITOR (editor)) &&
         gtk_widget_get_visible (hd_find_named (editor, GTK_TYPE_LABEL, "preview_error"));
}

/* What core renders for @body and ticket @number. */
static char *
rendered (HdStore    *store,
          const char *name,
          gint64      number,
          const char *body,
          char      **subject)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dropped = NULL;
  char *text = NULL;

  g_assert_true (hd_store_preview_mail_template (store, name, number, body,
                                                 subject != NULL ? subject : &dropped, &text,
                                                 &error));
  g_assert_no_error (error);
  return text;
}

static char *
stored_template (HdStore    *store,
                 const char *name,
                 gboolean   *custom)
{
  g_autoptr(GError) error = NULL;
  char *text = hd_store_get_mail_template (store, name, custom, &error);

  g_assert_no_error (error);
  return text;
}

typedef struct {
  HdStore    *store;
  const char *name;
  const char *text;    /* NULL: the default again */
} Stored;

static gboolean
file_holds_template (Stored *stored)
{
  gboolean custom = FALSE;
  g_autofree char *text = stored_template (stored->store, stored->name, &custom);

  return stored->text != NULL ? custom && g_strcmp0 (text, stored->text) == 0 : !custom;
}

static AdwMessageDialog *
wait_for_dialog (void)
{
  GtkWindow *dialog = NULL;
  gint64 end = g_get_monotonic_time () + HD_WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while ((dialog = hd_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) == NULL &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  return ADW_MESSAGE_DIALOG (dialog);
}

/* The Public Reply row says the helpdesk changed it. */
static gboolean
marked_changed (GtkWidget *window)
{
  GtkWidget *row = hd_find_row (hd_find_widget (window, HD_TYPE_MAIL_TEMPLATES, NULL, NULL),
                                ADW_TYPE_ACTION_ROW, "Public Reply");

  return row != NULL && hd_find_label (row, "Changed") != NULL;
}

static gboolean
gone (GtkWidget **widget)
{
  return *widget == NULL;
}

static void
test_edit_template (void)
{
  static const char body[] = "Dear {requester},\n\nabout #{number}, “{title}”: {technician} says\n{text}\n\n— Office IT";
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *subject = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  GtkWidget *window, *editor, *ticket_row;
  Stored stored;
  Shown shown;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  hd_gui_test_seed (&path);
  store = hd_test_open_as (path, "disp");
  checker = hd_test_open_as (path, "disp");
  window = open_preferences (store);

  /* The dispatcher has the mailbox's page and the templates, by name. */
  g_assert_nonnull (hd_find_widget (window, HD_TYPE_MAIL_PREFERENCES, NULL, NULL));
  templates_page (window);
  g_assert_nonnull (hd_find_row (window, ADW_TYPE_ACTION_ROW, "Acknowledgement"));
  g_assert_nonnull (hd_find_row (window, ADW_TYPE_ACTION_ROW, "Alert: Deadline Passed"));
  shoot (window, "mail-templates");

  /* The preview is the newest ticket's, as core renders it. */
  editor = open_template (window, "Public Reply");
  ticket_row = hd_find_named (editor, ADW_TYPE_ENTRY_ROW, "ticket_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ticket_row)), ==, "5");
  shown.editor = editor;
  expected = rendered (checker, "reply", 5, NULL, NULL);
  shown.text = expected;
  hd_wait_until (preview_shows, &shown, HD_WAIT_MS);
  g_assert_false (can_press (editor, "save_button"));
  g_assert_false (can_press (editor, "reset_button"));

  /* Typed: the preview follows, the file does not until Save. */
  set_body (editor, body);
  g_clear_pointer (&expected, g_free);
  expected = rendered (checker, "reply", 5, body, NULL);
  shown.text = expected;
  hd_wait_until (preview_shows, &shown, HD_WAIT_MS);
  g_assert_nonnull (strstr (preview_of (editor), "— Office IT"));
  g_assert_true (can_press (editor, "save_button"));
  stored = (Stored) { checker, "reply", NULL };
  g_assert_true (file_holds_template (&stored));
  shoot (window, "mail-template-editor");
  {
    GtkWidget *scroller = hd_find_widget (editor, GTK_TYPE_SCROLLED_WINDOW, NULL, NULL);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    hd_wait_frames (window, 3);
    g_free (hd_save_screenshot (window, "screenshot-mail-template-placeholders.png"));
  }

  /* A placeholder chosen goes where the cursor is. */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (hd_find_named (editor, GTK_TYPE_TEXT_VIEW,
                                                                                    "body_view")));
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_place_cursor (buffer, &end);
    g_signal_emit_by_name (hd_find_row (editor, ADW_TYPE_ACTION_ROW, "{deadline}"), "activated");
    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_true (g_str_has_suffix (text, "— Office IT{deadline}"));
    set_body (editor, body);
  }

  /* Another ticket, by its number. */
  gtk_editable_set_text (GTK_EDITABLE (ticket_row), "1");
  g_signal_emit_by_name (ticket_row, "apply");
  g_clear_pointer (&expected, g_free);
  expected = rendered (checker, "reply", 1, body, &subject);
  shown.text = expected;
  hd_wait_until (preview_shows, &shown, HD_WAIT_MS);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (hd_find_named (editor, ADW_TYPE_ACTION_ROW,
                                                                              "subject_row"))),
                   ==, subject);
  g_assert_cmpstr (subject, ==, "[#1] Printer on the second floor jams");

  /* A ticket that is not there: said under the preview. */
  gtk_editable_set_text (GTK_EDITABLE (ticket_row), "99");
  g_signal_emit_by_name (ticket_row, "apply");
  hd_wait_until (preview_error_shown, editor, HD_WAIT_MS);
  g_assert_false (gtk_widget_get_visible (hd_find_named (editor, GTK_TYPE_LABEL, "text_error")));
  gtk_editable_set_text (GTK_EDITABLE (ticket_row), "1");
  g_signal_emit_by_name (ticket_row, "apply");
  hd_wait_until (preview_shows, &shown, HD_WAIT_MS);
  g_assert_false (gtk_widget_get_visible (hd_find_named (editor, GTK_TYPE_LABEL, "preview_error")));

  /* Another program holding the file: said under the text, which stays. */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
    hd_store_set_busy_timeout (store, 200);
    g_assert_true (gtk_widget_activate_action (editor, "template.save", NULL));
    hd_wait_until (text_error_shown, editor, HD_WAIT_MS);
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hd_find_named (editor, GTK_TYPE_LABEL, "text_error"))),
                              "busy"));
    g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    g_assert_true (file_holds_template (&stored));
    g_assert_true (can_press (editor, "save_button"));
  }

  /* Saved: the file holds it, and the list says it was changed. */
  g_assert_true (gtk_widget_activate_action (editor, "template.save", NULL));
  stored.text = body;
  hd_wait_until (file_holds_template, &stored, HD_WAIT_MS);
  hd_wait_until (hd_mail_template_editor_is_idle, editor, HD_WAIT_MS);
  g_assert_false (can_press (editor, "save_button"));
  g_assert_true (can_press (editor, "reset_button"));
  hd_wait_until (marked_changed, window, HD_WAIT_MS);
  g_assert_false (gtk_widget_get_visible (hd_find_named (editor, GTK_TYPE_LABEL, "text_error")));

  /* A placeholder that does not exist: said, and not saved. */
  set_body (editor, "Hello {requestor}");
  hd_wait_until (text_error_shown, editor, HD_WAIT_MS);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hd_find_named (editor, GTK_TYPE_LABEL, "text_error"))),
                            "{requestor}"));
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-mail-template-error.png"));

  /* Reset asks first; Cancel keeps everything. */
  g_assert_true (gtk_widget_activate_action (editor, "template.reset", NULL));
  {
    AdwMessageDialog *dialog = wait_for_dialog ();

    hd_wait_frames (GTK_WIDGET (dialog), 3);
    g_free (hd_save_screenshot (GTK_WIDGET (dialog), "screenshot-mail-template-reset.png"));
    adw_message_dialog_response (dialog, "cancel");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  hd_wait_until (hd_mail_template_editor_is_idle, editor, HD_WAIT_MS);
  g_assert_true (file_holds_template (&stored));
  g_assert_true (gtk_widget_activate_action (editor, "template.reset", NULL));
  adw_message_dialog_response (wait_for_dialog (), "reset");
  stored.text = NULL;
  hd_wait_until (file_holds_template, &stored, HD_WAIT_MS);
  hd_wait_until (hd_mail_template_editor_is_idle, editor, HD_WAIT_MS);
  g_clear_pointer (&expected, g_free);
  expected = stored_template (checker, "reply", NULL);
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (hd_find_named (editor, GTK_TYPE_TEXT_VIEW,
                                                                                    "body_view")));
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, expected);
  }

  /* Closing the window with text not saved asks first; Keep Editing
   * keeps the window and the text. */
  set_body (editor, "Not to be kept");
  gtk_window_close (GTK_WINDOW (window));
  adw_message_dialog_response (wait_for_dialog (), "cancel");
  hd_wait_frames (window, 3);
  g_assert_true (gtk_widget_get_visible (window));
  g_assert_true (can_press (editor, "save_button"));

  /* Back with text not saved asks first; Discard leaves the file as it was. */
  g_assert_true (gtk_widget_activate_action (editor, "template.back", NULL));
  g_object_add_weak_pointer (G_OBJECT (editor), (gpointer *) &editor);
  adw_message_dialog_response (wait_for_dialog (), "discard");
  hd_wait_until (gone, &editor, HD_WAIT_MS);
  g_assert_true (file_holds_template (&stored));

  /* Discard on closing closes the window, and nothing is saved. */
  editor = open_template (window, "Public Reply");
  set_body (editor, "Not to be kept either");
  gtk_window_close (GTK_WINDOW (window));
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  adw_message_dialog_response (wait_for_dialog (), "discard");
  hd_wait_until (gone, &window, HD_WAIT_MS);
  g_assert_true (file_holds_template (&stored));
}

static void
test_technician_reads_templates (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *window, *editor, *view;
  Stored stored;
  Shown shown;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  hd_gui_test_seed (&path);
  store = hd_test_open_as (path, "tech1");
  checker = hd_test_open_as (path, "disp");
  window = open_preferences (store);

  /* No mailbox page; the templates to read, with their preview. */
  g_assert_null (hd_find_widget (window, HD_TYPE_MAIL_PREFERENCES, NULL, NULL));
  editor = open_template (window, "Acknowledgement");
  shown.editor = editor;
  expected = rendered (checker, "acknowledgement", 5, NULL, NULL);
  shown.text = expected;
  hd_wait_until (preview_shows, &shown, HD_WAIT_MS);
  view = hd_find_named (editor, GTK_TYPE_TEXT_VIEW, "body_view");
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
  g_assert_false (gtk_widget_get_visible (hd_find_named (editor, GTK_TYPE_BUTTON, "save_button")));
  g_assert_false (gtk_widget_get_visible (hd_find_named (editor, GTK_TYPE_BUTTON, "reset_button")));
  shoot (window, "mail-template-read-only");

  /* Text put there anyway is not saved: the action is off, and the file
   * keeps the default. */
  set_body (editor, "Go away");
  hd_wait_until (hd_mail_template_editor_is_idle, editor, HD_WAIT_MS);
  g_assert_false (can_press (editor, "save_button"));
  gtk_widget_activate_action (editor, "template.save", NULL);
  hd_wait_until (hd_mail_template_editor_is_idle, editor, HD_WAIT_MS);
  stored = (Stored) { checker, "acknowledgement", NULL };
  g_assert_true (file_holds_template (&stored));

  hd_destroy_and_wait (GTK_WINDOW (window));
}

/* Alerts */

typedef struct {
  HdStore    *store;
  const char *login;
  const char *delivery;
  int         start;
  int         end;
} Delivery;

static gboolean
file_holds_delivery (Delivery *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *delivery = NULL;
  int start = 0, end = 0;

  g_assert_true (hd_store_get_alert_mail (d->store, d->login, &delivery, &start, &end, &error));
  return g_strcmp0 (delivery, d->delivery) == 0 && start == d->start && end == d->end;
}

static void
choose_time (GtkWidget  *group,
             const char *row,
             const char *time)
{
  AdwComboRow *combo = ADW_COMBO_ROW (hd_find_named (group, ADW_TYPE_COMBO_ROW, row));
  GListModel *model = adw_combo_row_get_model (combo);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), time))
      {
        adw_combo_row_set_selected (combo, i);
        return;
      }
  g_assert_not_reached ();
}

static void
test_alert_delivery (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  GtkWidget *window, *group;
  AdwComboRow *delivery_row;
  Delivery d;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  hd_gui_test_seed (&path);
  store = hd_test_open_as (path, "tech1");
  checker = hd_test_open_as (path, "disp");

  /* tech1, in Preferences: email, then quiet hours 21:30–06:00. */
  window = open_preferences (store);
  group = hd_find_widget (window, HD_TYPE_ALERT_MAIL_GROUP, NULL, NULL);
  g_assert_nonnull (group);
  hd_wait_until (hd_alert_mail_group_is_idle, group, HD_WAIT_MS);
  delivery_row = ADW_COMBO_ROW (hd_find_named (group, ADW_TYPE_COMBO_ROW, "delivery_row"));
  g_assert_cmpuint (adw_combo_row_get_selected (delivery_row), ==, 0);
  adw_combo_row_set_selected (delivery_row, 1);
  d = (Delivery) { checker, "tech1", "email", -1, -1 };
  hd_wait_until (file_holds_delivery, &d, HD_WAIT_MS);
  /* tech1 has no address: the row says so. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (delivery_row)),
                            "No email address"));

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (hd_find_named (group, ADW_TYPE_EXPANDER_ROW, "quiet_row")), TRUE);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (hd_find_named (group, ADW_TYPE_EXPANDER_ROW,
                                                                          "quiet_row")), TRUE);
  /* Chosen one after the other, faster than the file takes them: the
   * last choice is the one kept. */
  choose_time (group, "quiet_start_row", "20:00");
  choose_time (group, "quiet_start_row", "20:30");
  choose_time (group, "quiet_end_row", "05:00");
  choose_time (group, "quiet_start_row", "21:00");
  choose_time (group, "quiet_start_row", "21:30");
  choose_time (group, "quiet_end_row", "06:00");
  d = (Delivery) { checker, "tech1", "email", 21 * 60 + 30, 6 * 60 };
  hd_wait_until (hd_alert_mail_group_is_idle, group, HD_WAIT_MS);
  g_assert_true (file_holds_delivery (&d));
  hd_wait_until (file_holds_delivery, &d, HD_WAIT_MS);
  hd_wait_until (hd_alert_mail_group_is_idle, group, HD_WAIT_MS);
  shoot (window, "alert-preferences");
  hd_destroy_and_wait (GTK_WINDOW (window));

  /* The dispatcher, in tech1's details in People: what tech1 chose, and
   * both; a time set elsewhere to the minute is offered as it is. */
  g_assert_true (hd_store_set_alert_mail (checker, "tech1", "email", 22 * 60 + 15, 6 * 60, NULL));
  window = hd_people_window_new (NULL, checker);
  gtk_window_set_default_size (GTK_WINDOW (window), widths[0], 768);
  gtk_window_present (GTK_WINDOW (window));
  {
    GtkWidget *row = NULL;
    gint64 end = g_get_monotonic_time () + HD_WAIT_MS * G_TIME_SPAN_MILLISECOND;

    while ((row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "tech1")) == NULL &&
           g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (row);
    g_signal_emit_by_name (row, "activated");
  }
  group = hd_find_widget (window, HD_TYPE_ALERT_MAIL_GROUP, NULL, NULL);
  g_assert_cmpstr (hd_alert_mail_group_get_login (HD_ALERT_MAIL_GROUP (group)), ==, "tech1");
  hd_wait_until (hd_alert_mail_group_is_idle, group, HD_WAIT_MS);
  delivery_row = ADW_COMBO_ROW (hd_find_named (group, ADW_TYPE_COMBO_ROW, "delivery_row"));
  g_assert_cmpuint (adw_combo_row_get_selected (delivery_row), ==, 1);
  g_assert_cmpstr (adw_combo_row_get_selected_item (ADW_COMBO_ROW (hd_find_named (group, ADW_TYPE_COMBO_ROW,
                                                                                  "quiet_start_row")))
                   != NULL ? gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (hd_find_named (group, ADW_TYPE_COMBO_ROW, "quiet_start_row"))))
                           : NULL, ==, "22:15");
  adw_combo_row_set_selected (delivery_row, 2);
  d = (Delivery) { checker, "tech1", "both", 22 * 60 + 15, 6 * 60 };
  hd_wait_until (file_holds_delivery, &d, HD_WAIT_MS);
  hd_wait_until (hd_alert_mail_group_is_idle, group, HD_WAIT_MS);
  shoot (window, "person-alerts");

  /* A requester gets no alerts: no such group for them. */
  g_assert_true (gtk_widget_activate_action (window, "people.back", NULL));
  {
    GtkWidget *row = hd_find_row (window, ADW_TYPE_ACTION_ROW, "req1");

    g_assert_nonnull (row);
    g_signal_emit_by_name (row, "activated");
  }
  g_assert_false (gtk_widget_get_visible (group));
  hd_destroy_and_wait (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  hd_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/mail-templates/edit", test_edit_template);
  g_test_add_func ("/gui/mail-templates/technician", test_technician_reads_templates);
  g_test_add_func ("/gui/mail-templates/alert-delivery", test_alert_delivery);

  return g_test_run ();
}
