/* test-mail.c — the window's side of email: the messages not filed, the
 * outbox with Retry, and the status under the views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "hd-gui-test-util.h"
#include "hd-mail-window.h"
#include "hd-mail.h"
#include "hd-test-util.h"
#include "hd-ticket-mail.h"
#include "hd-ticket-view.h"
#include "hd-window.h"

#define SUPPORT "support@office.example"

/* Mail whose subject and body are markup and script: shown as text. */
static const char markup_mail[] =
  "From: Mallory <mallory@example.org>\n"
  "To: " SUPPORT "\n"
  "Subject: <b>Out of office</b> & <i>gone</i>\n"
  "Date: Tue, 8 Dec 2026 09:00:00 +0100\n"
  "Message-ID: <markup@example.org>\n"
  "Auto-Submitted: auto-replied\n"
  "MIME-Version: 1.0\n"
  "Content-Type: text/plain; charset=utf-8\n"
  "\n"
  "<script>alert(1)</script> I am away.\n";

static gboolean
button_label_is (GtkWidget *widget,
                 gpointer   label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
activatable (GtkWidget *widget,
             gpointer   data)
{
  return gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget));
}

static void
import (HdStore    *store,
        GBytes     *raw)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_mail_import (store, raw, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
import_corpus (HdStore    *store,
               const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "mail", name, NULL);
  g_autoptr(GBytes) raw = hd_test_read_bytes (path);

  import (store, raw);
}

static void
run_sql (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* A helpdesk whose mailbox received a request from Rita (ticket #1, its
 * acknowledgement failed with the server's answer), and three messages
 * it did not file: a mailing list, an out-of-office reply, and an
 * automatic reply written in markup. */
static HdStore *
mail_desk (char **path)
{
  HdStore *store = hd_test_new_helpdesk (path);
  HdPersonChanges changes = HD_PERSON_CHANGES_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) rita = NULL;
  g_autoptr(GBytes) markup = g_bytes_new_static (markup_mail, strlen (markup_mail));

  changes.email = "rita@example.org";
  rita = hd_store_update_person (store, "req1", &changes, &error);
  g_assert_no_error (error);
  run_sql (*path, "INSERT INTO mail_account (id, address) VALUES (1, '" SUPPORT "')");
  import_corpus (store, "thunderbird-plain.eml");
  import_corpus (store, "mailing-list.eml");
  import_corpus (store, "ooo-auto-submitted.eml");
  import (store, markup);
  run_sql (*path, "UPDATE mail_outbox SET state = 'failed', attempts = 5, next_try_at = NULL,"
                  " server_answer = '550 5.1.1 <rita@example.org>: Recipient address rejected'");
  return store;
}

static HdMailSummary
summary_of (HdStore *store)
{
  g_autoptr(GError) error = NULL;
  HdMailSummary summary;

  g_assert_true (hd_store_get_mail_summary (store, &summary, &error));
  g_assert_no_error (error);
  return summary;
}

/* HdMailWindow */

typedef struct {
  GtkWidget *window;
  guint      want;
} Rows;

static gboolean
not_filed_listed (Rows *rows)
{
  g_autoptr(GPtrArray) found = hd_find_widgets (hd_find_named (rows->window, GTK_TYPE_LIST_BOX,
                                                       "not_filed_list"),
                                                ADW_TYPE_ACTION_ROW, activatable, NULL);

  return found->len == rows->want &&
         gtk_widget_get_sensitive (hd_find_named (rows->window, GTK_TYPE_STACK, "stack"));
}

static void
wait_not_filed (GtkWidget *window,
                guint      n)
{
  Rows rows = { window, n };

  hd_wait_until (not_filed_listed, &rows, HD_WAIT_MS);
}

static gboolean
failed_hidden (GtkWidget *window)
{
  return !gtk_widget_get_visible (hd_find_named (window, GTK_TYPE_LIST_BOX, "failed_list"));
}

static gboolean
showing_list (GtkWidget *window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (hd_find_named (window, GTK_TYPE_STACK,
                                                                        "stack"))),
                    "list") == 0 &&
         gtk_widget_get_sensitive (hd_find_named (window, GTK_TYPE_STACK, "stack"));
}

static char *
original_text (GtkWidget *window)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (hd_find_named (window,
                                                                          GTK_TYPE_TEXT_VIEW,
                                                                          "original_view")));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
original_shown (GtkWidget *window)
{
  g_autofree char *text = original_text (window);

  return text[0] != '\0';
}

static GtkWidget *
open_not_filed (GtkWidget  *window,
                const char *sender)
{
  GtkWidget *row = hd_find_row (hd_find_named (window, GTK_TYPE_LIST_BOX, "not_filed_list"),
                                ADW_TYPE_ACTION_ROW, sender);

  g_assert_nonnull (row);
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row)));
  g_signal_emit_by_name (row, "activated");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (hd_find_named (window, GTK_TYPE_STACK,
                                                                       "stack"))), ==, "form");
  hd_wait_until (original_shown, window, HD_WAIT_MS);
  return row;
}

static gint64
count_tickets (HdStore *store)
{
  gint64 n = 0;

  for (gint64 number = 1; number < 10; number++)
    {
      g_autoptr(HdTicket) ticket = hd_store_get_ticket (store, number, NULL);

      n += ticket != NULL;
    }
  return n;
}

/* More messages not filed than the window lists: the newest, and how
 * many there are. */
static void
test_mail_window_many (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_message_free);
  g_autofree HdMailFiling *filings = g_new0 (HdMailFiling, 210);
  g_autoptr(GError) error = NULL;
  const char *about;
  GtkWidget *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = mail_desk (&path);
  for (guint i = 0; i < 210; i++)
    {
      g_autofree char *text = g_strdup_printf ("From: Away %u <away%u@example.org>\n"
                                               "To: " SUPPORT "\nSubject: Away\n"
                                               "Message-ID: <away-%u@example.org>\n"
                                               "Auto-Submitted: auto-replied\n\nAway.\n", i, i, i);
      g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));

      g_ptr_array_add (msgs, hd_mail_parse (raw));
    }
  g_assert_true (hd_store_file_mail_batch (store, (const HdMailMessage * const *) msgs->pdata,
                                           msgs->len, filings, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < msgs->len; i++)
    hd_mail_filing_clear (&filings[i]);

  window = hd_mail_window_new (NULL, store);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  wait_not_filed (window, 200);
  about = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (hd_find_named (window,
                                                   ADW_TYPE_PREFERENCES_GROUP, "not_filed_group")));
  g_assert_nonnull (strstr (about, "The newest 200 of 213 messages are listed."));
  /* The newest first: the last filed. */
  g_assert_nonnull (hd_find_row (hd_find_named (window, GTK_TYPE_LIST_BOX, "not_filed_list"),
                                 ADW_TYPE_ACTION_ROW, "Away 209 <away209@example.org>"));
  hd_wait_frames (window, 5);
  g_free (hd_save_screenshot (window, "screenshot-mail-many.png"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_mail_window (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GPtrArray) on_ticket = NULL;
  g_autofree char *text = NULL;
  GtkWidget *window, *row, *retry, *error_label;
  const char *subtitle;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = mail_desk (&path);
  checker = hd_test_open_as (path, "disp");
  window = hd_mail_window_new (NULL, store);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));

  /* The outbox: the failed acknowledgement, the server's answer quoted. */
  wait_not_filed (window, 3);
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (hd_find_named (window,
                                                            ADW_TYPE_PREFERENCES_GROUP,
                                                            "outbox_group"))),
                   ==, "1 message could not be sent");
  failed = hd_find_widgets (hd_find_named (window, GTK_TYPE_LIST_BOX, "failed_list"), ADW_TYPE_ACTION_ROW,
                            NULL, NULL);
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_false (adw_preferences_row_get_use_markup (failed->pdata[0]));
  subtitle = adw_action_row_get_subtitle (failed->pdata[0]);
  g_assert_nonnull (strstr (subtitle, "To rita@example.org · ticket #1"));
  g_assert_nonnull (strstr (subtitle, "550 5.1.1 <rita@example.org>: Recipient address rejected"));

  /* The markup stays text. */
  row = hd_find_row (hd_find_named (window, GTK_TYPE_LIST_BOX, "not_filed_list"), ADW_TYPE_ACTION_ROW,
                     "Mallory <mallory@example.org>");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "<b>Out of office</b> & <i>gone</i>"));
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-mail-window.png"));

  /* Retry: queued again, for now. */
  retry = hd_find_widget (hd_find_named (window, GTK_TYPE_LIST_BOX, "failed_list"), GTK_TYPE_BUTTON,
                          button_label_is, "_Retry");
  g_assert_nonnull (retry);
  g_signal_emit_by_name (retry, "clicked");
  hd_wait_until (failed_hidden, window, HD_WAIT_MS);
  g_assert_cmpint (summary_of (checker).failed, ==, 0);
  g_assert_cmpint (summary_of (checker).waiting, ==, 1);
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (hd_find_named (window,
                                                            ADW_TYPE_PREFERENCES_GROUP,
                                                            "outbox_group"))),
                   ==, "1 message waiting to be sent");

  /* The original, as text: the script is shown, not run or rendered. */
  open_not_filed (window, "Mallory <mallory@example.org>");
  text = original_text (window);
  g_assert_nonnull (strstr (text, "Subject: <b>Out of office</b> & <i>gone</i>"));
  g_assert_nonnull (strstr (text, "<script>alert(1)</script> I am away."));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (hd_find_named (window, ADW_TYPE_ACTION_ROW,
                                                                       "subject_row"))),
                   ==, "<b>Out of office</b> & <i>gone</i>");
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-mail-not-filed.png"));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 700);
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-mail-not-filed-narrow.png"));

  /* Add to ticket #1: a number is needed, then it is a reply there. */
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "ticket_row")), "one");
  g_signal_emit_by_name (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "ticket_row"), "apply");
  error_label = hd_find_named (window, GTK_TYPE_LABEL, "form_error");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "“one” is not a ticket number.");
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "ticket_row")), "#1");
  g_signal_emit_by_name (hd_find_named (window, ADW_TYPE_ENTRY_ROW, "ticket_row"), "apply");
  hd_wait_until (showing_list, window, HD_WAIT_MS);
  wait_not_filed (window, 2);
  on_ticket = hd_store_list_ticket_mail (checker, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (on_ticket->len, ==, 3);
  g_assert_cmpstr (((HdMailOnTicket *) on_ticket->pdata[2])->from_address, ==,
                   "mallory@example.org");
  g_assert_cmpint (((HdMailOnTicket *) on_ticket->pdata[2])->event, >, 0);

  /* The mailing list as a new ticket. */
  g_assert_cmpint (count_tickets (checker), ==, 1);
  open_not_filed (window, "Announce Bot <announce@lists.example.org>");
  g_assert_true (gtk_widget_activate_action (window, "mail.file-new", NULL));
  hd_wait_until (showing_list, window, HD_WAIT_MS);
  wait_not_filed (window, 1);
  g_assert_cmpint (count_tickets (checker), ==, 2);

  /* The out-of-office reply dismissed: the list is empty, and says so. */
  row = hd_find_widget (hd_find_named (window, GTK_TYPE_LIST_BOX, "not_filed_list"), ADW_TYPE_ACTION_ROW,
                        activatable, NULL);
  g_signal_emit_by_name (row, "activated");
  hd_wait_until (original_shown, window, HD_WAIT_MS);
  g_assert_true (gtk_widget_activate_action (window, "mail.dismiss", NULL));
  hd_wait_until (showing_list, window, HD_WAIT_MS);
  wait_not_filed (window, 0);
  g_assert_cmpint (summary_of (checker).not_filed, ==, 0);
  g_assert_cmpint (count_tickets (checker), ==, 2);
  g_assert_nonnull (hd_find_row (window, ADW_TYPE_ACTION_ROW, "Every message received was filed"));

  hd_destroy_and_wait (GTK_WINDOW (window));
}

/* The mail on a ticket */

static const char reply_by_mail[] =
  "From: Rita Requester <rita@example.org>\n"
  "To: " SUPPORT "\n"
  "Subject: Re: [#1] Printer on the second floor jams\n"
  "Date: Tue, 8 Dec 2026 10:00:00 +0100\n"
  "Message-ID: <rita-reply@example.org>\n"
  "MIME-Version: 1.0\n"
  "Content-Type: text/plain; charset=utf-8\n"
  "\n"
  "It jams again <b>every</b> morning.\n";

static gboolean
mail_rows_are (GtkWidget *view)
{
  GtkWidget *mail = hd_find_widget (view, HD_TYPE_TICKET_MAIL, NULL, NULL);
  g_autoptr(GPtrArray) rows = hd_find_widgets (mail, ADW_TYPE_ACTION_ROW, NULL, NULL);
  const char *want = g_object_get_data (G_OBJECT (view), "want-state");

  if (!gtk_widget_get_visible (mail) || rows->len != 3)
    return FALSE;
  return strstr (adw_action_row_get_subtitle (rows->pdata[1]), want) != NULL;
}

static gboolean
original_dialog_shown (gpointer data)
{
  GtkWindow *window = hd_find_toplevel (ADW_TYPE_WINDOW);
  GtkWidget *view;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (window == NULL || g_strcmp0 (gtk_window_get_title (window), "Original Message") != 0)
    return FALSE;
  view = hd_find_widget (GTK_WIDGET (window), GTK_TYPE_TEXT_VIEW, NULL, NULL);
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &start, &end);
  text = gtk_text_buffer_get_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &start, &end,
                                   FALSE);
  return strstr (text, "It jams again <b>every</b> morning.") != NULL;
}

static void
scroll_to_end (GtkWidget *view)
{
  GtkWidget *scroller = hd_find_widget (view, GTK_TYPE_SCROLLED_WINDOW, hd_widget_has_id,
                                        "ticket_scroller");
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  hd_wait_frames (view, 3);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  hd_wait_frames (view, 3);
}

static gboolean
view_loaded (HdTicketView *view)
{
  return hd_ticket_view_get_ticket (view) != NULL;
}

static void
test_ticket_mail (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autoptr(HdStore) requester = NULL;
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdPerson) rita = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GBytes) reply = g_bytes_new_static (reply_by_mail, strlen (reply_by_mail));
  GtkWidget *view, *mail, *timeline, *button;
  GtkWindow *window, *dialog;
  const char *subtitle;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = mail_desk (&path);
  import (store, reply);
  checker = hd_test_open_as (path, "disp");
  me = hd_store_dup_me (store);

  view = hd_ticket_view_new ();
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1366, 768);
  gtk_window_set_child (window, view);
  gtk_window_present (window);
  hd_ticket_view_set_store (HD_TICKET_VIEW (view), store, me);
  hd_ticket_view_show (HD_TICKET_VIEW (view), 1);
  g_object_set_data (G_OBJECT (view), "want-state", (gpointer) "Not sent");
  hd_wait_until (mail_rows_are, view, HD_WAIT_MS);

  /* Received, sent and failed with the server's answer, received. */
  mail = hd_find_widget (view, HD_TYPE_TICKET_MAIL, NULL, NULL);
  rows = hd_find_widgets (mail, ADW_TYPE_ACTION_ROW, NULL, NULL);
  g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[0]), ==,
                   "From Rita Requester <rita@example.org>");
  g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[1]), ==, "To rita@example.org");
  subtitle = adw_action_row_get_subtitle (rows->pdata[1]);
  g_assert_nonnull (strstr (subtitle, "550 5.1.1 <rita@example.org>: Recipient address rejected"));
  for (guint i = 0; i < rows->len; i++)
    g_assert_false (adw_preferences_row_get_use_markup (rows->pdata[i]));

  /* The reply in the history says it came by mail, and from whom. */
  timeline = hd_find_widget (view, GTK_TYPE_LIST_BOX, hd_widget_has_id, "timeline");
  g_assert_nonnull (hd_find_label (timeline, "By mail from rita@example.org"));
  g_assert_nonnull (hd_find_label (timeline, "It jams again <b>every</b> morning."));
  scroll_to_end (view);
  g_free (hd_save_screenshot (GTK_WIDGET (window), "screenshot-ticket-mail.png"));
  gtk_window_set_default_size (window, 400, 768);
  hd_wait_frames (GTK_WIDGET (window), 3);
  scroll_to_end (view);
  g_free (hd_save_screenshot (GTK_WIDGET (window), "screenshot-ticket-mail-narrow.png"));

  /* Show Original: the message as text, in a dialog. */
  button = hd_find_widget (timeline, GTK_TYPE_BUTTON, button_label_is, "Show _Original");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  hd_wait_until (original_dialog_shown, NULL, HD_WAIT_MS);
  dialog = hd_find_toplevel (ADW_TYPE_WINDOW);
  hd_wait_frames (GTK_WIDGET (dialog), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (dialog), "screenshot-mail-original.png"));
  hd_destroy_and_wait (dialog);

  /* Retry: queued again, and the row says so. */
  button = hd_find_widget (mail, GTK_TYPE_BUTTON, button_label_is, "_Retry");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_object_set_data (G_OBJECT (view), "want-state", (gpointer) "Waiting to be sent");
  hd_wait_until (mail_rows_are, view, HD_WAIT_MS);
  g_assert_cmpint (summary_of (checker).failed, ==, 0);
  g_assert_null (hd_find_widget (mail, GTK_TYPE_BUTTON, button_label_is, "_Retry"));

  /* Requesters see no mail. */
  requester = hd_test_open_as (path, "req1");
  rita = hd_store_dup_me (requester);
  hd_ticket_view_set_store (HD_TICKET_VIEW (view), requester, rita);
  hd_ticket_view_show (HD_TICKET_VIEW (view), 1);
  hd_wait_until (view_loaded, view, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (window), 3);
  g_assert_false (gtk_widget_get_visible (mail));
  g_assert_null (hd_find_label (timeline, "By mail from rita@example.org"));

  hd_destroy_and_wait (window);
}

/* The status under the views */

typedef struct {
  GtkWidget  *window;
  const char *want;
} Status;

static gboolean
status_says (Status *status)
{
  GtkWidget *button = hd_find_named (status->window, GTK_TYPE_BUTTON, "mail_status_button");
  GtkWidget *label = hd_find_named (status->window, GTK_TYPE_LABEL, "mail_status_label");

  return gtk_widget_get_visible (button) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), status->want) == 0;
}

static void
test_window_status (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autoptr(HdApplication) app = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *mail;
  HdWindow *window;
  Status status;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = mail_desk (&path);
  g_clear_object (&store);
  checker = hd_test_open_as (path, "disp");
  g_setenv ("HELPDESK_LOGIN", "disp", TRUE);
  app = hd_gui_test_new_application ();
  window = hd_window_new (app, hd_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  hd_window_open_file (window, path);

  status.window = GTK_WIDGET (window);
  status.want = "1 message could not be sent\n3 messages not filed";
  hd_wait_until (status_says, &status, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (window), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (window), "screenshot-mail-status.png"));

  /* Another desk retries the message: the status follows. */
  failed = hd_store_list_failed_mail (checker, &error);
  g_assert_no_error (error);
  g_assert_true (hd_store_retry_outgoing (checker, ((HdMailOnTicket *) failed->pdata[0])->outbox,
                                          &error));
  g_assert_no_error (error);
  status.want = "1 message waiting to be sent\n3 messages not filed";
  hd_wait_until (status_says, &status, HD_WAIT_MS);

  /* It opens the Mail window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.mail", NULL));
  mail = hd_find_toplevel (HD_TYPE_MAIL_WINDOW);
  g_assert_nonnull (mail);
  g_assert_true (gtk_window_get_transient_for (mail) == GTK_WINDOW (window));
  hd_destroy_and_wait (mail);

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 700);
  hd_wait_frames (GTK_WIDGET (window), 3);
  g_free (hd_save_screenshot (GTK_WIDGET (window), "screenshot-mail-status-narrow.png"));

  hd_destroy_and_wait (GTK_WINDOW (window));
}

static gboolean
has_store (HdWindow *window)
{
  return hd_window_get_store (window) != NULL;
}

/* A requester's window says nothing of the mailbox. */
static void
test_window_status_requester (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdApplication) app = NULL;
  g_autoptr(GListModel) list = NULL;
  HdWindow *window;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  store = mail_desk (&path);
  g_clear_object (&store);
  g_setenv ("HELPDESK_LOGIN", "req1", TRUE);
  app = hd_gui_test_new_application ();
  window = hd_window_new (app, hd_application_get_settings (app));
  gtk_window_present (GTK_WINDOW (window));
  hd_window_open_file (window, path);
  hd_wait_until (has_store, window, HD_WAIT_MS);
  hd_wait_frames (GTK_WIDGET (window), 10);
  g_assert_false (gtk_widget_get_visible (hd_find_named (GTK_WIDGET (window), GTK_TYPE_BUTTON,
                                                 "mail_status_button")));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.mail", NULL);
  g_assert_null (hd_find_toplevel (HD_TYPE_MAIL_WINDOW));
  hd_destroy_and_wait (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  hd_gui_test_init (&argc, &argv);
  hd_mail_init ();

  g_test_add_func ("/gui/mail/window", test_mail_window);
  g_test_add_func ("/gui/mail/window-many", test_mail_window_many);
  g_test_add_func ("/gui/mail/window-status", test_window_status);
  g_test_add_func ("/gui/mail/ticket", test_ticket_mail);
  g_test_add_func ("/gui/mail/window-status-requester", test_window_status_requester);

  return g_test_run ();
}
