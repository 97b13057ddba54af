/* test-mail-preferences.c — Preferences → Email: every setting saved in
 * the file, the password in a keyring of the test's own and never in the
 * file, Test saying what failed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-gui-test-util.h"
#include "hd-mail-loop.h"
#include "hd-mail-preferences.h"
#include "hd-mail-secret.h"
#include "hd-mail.h"
#include "hd-test-mail.h"
#include "hd-test-util.h"
#include "hd-window.h"

static HdTestKeyring *keyring;

static void
type_into (GtkWidget  *page,
           const char *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (hd_find_named (page, GTK_TYPE_WIDGET, row)), text);
}

static gboolean
page_ready (GtkWidget *page)
{
  return gtk_widget_get_sensitive (page);
}

typedef struct {
  GtkWidget  *page;
  const char *css;    /* "success" or "error" */
} Said;

static gboolean
result_shown (Said *said)
{
  GtkWidget *label = hd_find_named (said->page, GTK_TYPE_LABEL, "result_label");

  return gtk_widget_get_visible (label) && gtk_widget_has_css_class (label, said->css) &&
         gtk_widget_get_sensitive (hd_find_named (said->page, GTK_TYPE_BUTTON, "save_button"));
}

static const char *
result_text (GtkWidget *page)
{
  return gtk_label_get_text (GTK_LABEL (hd_find_named (page, GTK_TYPE_LABEL, "result_label")));
}

static void
click (GtkWidget  *page,
       const char *button)
{
  gtk_widget_set_visible (hd_find_named (page, GTK_TYPE_LABEL, "result_label"), FALSE);
  g_signal_emit_by_name (hd_find_named (page, GTK_TYPE_BUTTON, button), "clicked");
}

/* Whether the file at @path (if any) holds @text anywhere. */
static gboolean
file_holds (const char *path,
            const char *text)
{
  g_autofree char *contents = NULL;
  gsize length = 0, n = strlen (text);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (contents + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_mail_preferences (void)
{
  g_autofree char *path = NULL;
  g_autofree char *port = NULL;
  g_autofree char *file_id = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autoptr(HdMailSettings) settings = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *page;
  Said said;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;
  if (keyring == NULL)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  store = hd_test_new_helpdesk (&path);
  checker = hd_test_open_as (path, "disp");
  window = adw_preferences_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  page = hd_mail_preferences_new (store);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (window),
                                           ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (window));
  hd_wait_until (page_ready, page, HD_WAIT_MS);
  said.page = page;

  /* Every field; a port that is none is refused before anything is saved. */
  port = g_strdup_printf ("%u", hd_test_mail_closed_port ());
  type_into (page, "address_row", "Support@Office.example");
  type_into (page, "name_row", "Office Support");
  type_into (page, "user_row", "support");
  type_into (page, "password_row", "s3cret-Pa55");
  type_into (page, "imap_host_row", "127.0.0.1");
  type_into (page, "imap_port_row", "99999");
  type_into (page, "folder_row", "Requests");
  type_into (page, "smtp_host_row", "127.0.0.1");
  type_into (page, "smtp_port_row", port);
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (page, ADW_TYPE_COMBO_ROW, "smtp_security_row")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (page, ADW_TYPE_COMBO_ROW, "interval_row")), 2);
  gtk_switch_set_active (GTK_SWITCH (hd_find_named (page, GTK_TYPE_SWITCH, "enabled_switch")), TRUE);
  click (page, "save_button");
  said.css = "error";
  hd_wait_until (result_shown, &said, HD_WAIT_MS);
  g_assert_cmpstr (result_text (page), ==, "“99999” is not a port: a port is a number from 1 to 65535.");
  settings = hd_store_get_mail_settings (checker, &error);
  g_assert_no_error (error);
  g_assert_cmpint (settings->version, ==, 0);
  g_clear_pointer (&settings, hd_mail_settings_free);

  /* Plain IMAP may be chosen, and says what it means. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (hd_find_named (page, ADW_TYPE_COMBO_ROW, "imap_security_row")), 2);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (hd_find_named (page, ADW_TYPE_COMBO_ROW,
                                                                       "imap_security_row"))),
                   ==, "The password and every message cross the network readable");
  g_assert_true (gtk_widget_has_css_class (hd_find_named (page, ADW_TYPE_COMBO_ROW, "imap_security_row"),
                                           "error"));

  /* Saved: the settings in the file, the password in the keyring only. */
  type_into (page, "imap_port_row", port);
  click (page, "save_button");
  said.css = "success";
  hd_wait_until (result_shown, &said, HD_WAIT_MS);
  g_assert_cmpstr (result_text (page), ==, "Saved. The password is in this computer’s keyring.");
  settings = hd_store_get_mail_settings (checker, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (settings->address, ==, "support@office.example");
  g_assert_cmpstr (settings->display_name, ==, "Office Support");
  g_assert_cmpstr (settings->user_name, ==, "support");
  g_assert_cmpstr (settings->imap_host, ==, "127.0.0.1");
  g_assert_cmpuint (settings->imap_port, ==, atoi (port));
  g_assert_cmpstr (settings->imap_security, ==, "plain");
  g_assert_cmpstr (settings->imap_folder, ==, "Requests");
  g_assert_cmpstr (settings->smtp_security, ==, "starttls");
  g_assert_cmpuint (settings->interval_seconds, ==, 300);
  g_assert_true (settings->enabled);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hd_find_named (page, GTK_TYPE_WIDGET,
                                                               "password_row"))), ==, "");
  file_id = hd_store_get_file_uuid (checker, &error);
  g_assert_no_error (error);
  account = hd_mail_account_from_settings (settings);
  stored = hd_mail_password_lookup (file_id, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, "s3cret-Pa55");
  g_assert_false (file_holds (path, "s3cret-Pa55"));
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);

    g_assert_false (file_holds (wal, "s3cret-Pa55"));
  }

  /* Test, with the keyring's password: it says what failed, in the mail
   * floor's own words. */
  g_assert_false (hd_mail_account_test (account, stored, NULL, &error));
  expected = g_strdup (error->message);
  g_clear_error (&error);
  click (page, "test_button");
  said.css = "error";
  hd_wait_until (result_shown, &said, HD_WAIT_MS);
  g_assert_cmpstr (result_text (page), ==, expected);

  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-mail-preferences.png"));
  {
    GtkWidget *scroller = hd_find_widget (page, GTK_TYPE_SCROLLED_WINDOW, NULL, NULL);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    hd_wait_frames (window, 3);
    g_free (hd_save_screenshot (window, "screenshot-mail-preferences-test.png"));
  }
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 768);
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-mail-preferences-narrow.png"));

  hd_destroy_and_wait (GTK_WINDOW (window));
}

/* Fetching from the window */

static char *
request (guint n)
{
  return g_strdup_printf ("From: Person %u <person%u@example.org>\r\n"
                          "To: " HD_TEST_MAIL_USER "\r\n"
                          "Subject: Request %u\r\n"
                          "Message-ID: <window-request-%u@example.org>\r\n"
                          "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
                          "\r\n"
                          "Please help with thing %u.\r\n", n, n, n, n, n);
}

typedef struct {
  HdStore    *checker;
  HdTestSmtp *smtp;
  gint64      ticket;
  guint       sent;
} Filed;

static gboolean
filed_and_acknowledged (Filed *f)
{
  g_autoptr(HdTicket) ticket = hd_store_get_ticket (f->checker, f->ticket, NULL);

  return ticket != NULL && hd_test_smtp_count (f->smtp) >= f->sent;
}

static gboolean
has_store (HdWindow *window)
{
  return hd_window_get_store (window) != NULL;
}

static gboolean
fetcher_gone (HdMailFetcher **fetcher)
{
  return *fetcher == NULL;
}

static void
test_fetch_now (void)
{
  g_autofree char *path = NULL;
  g_autofree char *file_id = NULL;
  g_autofree char *first = request (1);
  g_autofree char *second = request (2);
  g_autofree char *third = request (3);
  HdMailFetcher *fetcher;
  HdWindow *second_window;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdStore) checker = NULL;
  g_autoptr(HdMailSettings) settings = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autoptr(HdApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) early = NULL;
  HdTestImap *imap;
  HdTestSmtp *smtp;
  HdWindow *window;
  Filed filed;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;
  if (keyring == NULL)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }
  imap = hd_test_imap_start ();
  if (imap == NULL)
    return;
  smtp = hd_test_smtp_start (imap, HD_MAIL_SECURITY_STARTTLS);
  if (smtp == NULL)
    {
      hd_test_imap_stop (imap);
      return;
    }

  /* The mailbox on the test's servers, checked once an hour: only Fetch
   * Now makes the window fetch again within the test. */
  store = hd_test_new_helpdesk (&path);
  settings = hd_test_mail_settings (imap, smtp);
  g_assert_true (hd_store_set_mail_settings (store, settings, 0, &error));
  g_assert_no_error (error);
  file_id = hd_store_get_file_uuid (store, &error);
  g_assert_no_error (error);
  account = hd_mail_account_from_settings (settings);
  g_assert_true (hd_mail_password_store (file_id, account, HD_TEST_MAIL_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  g_setenv ("HELPDESK_MAIL_CA_FILE", hd_test_imap_ca_file (imap), TRUE);
  hd_test_imap_append (imap, first);
  checker = hd_test_open_as (path, "disp");

  /* Opened, the window fetches: a ticket, and its acknowledgement sent. */
  g_setenv ("HELPDESK_LOGIN", "disp", TRUE);
  app = hd_gui_test_new_application ();
  window = hd_window_new (app, hd_application_get_settings (app));
  gtk_window_present (GTK_WINDOW (window));
  hd_window_open_file (window, path);
  hd_wait_until (has_store, window, HD_WAIT_MS);
  filed = (Filed) { checker, smtp, 1, 1 };
  hd_wait_until (filed_and_acknowledged, &filed, 60000);

  /* Fetch Now fetches what came since. */
  hd_test_imap_append (imap, second);
  early = hd_store_get_ticket (checker, 2, NULL);
  g_assert_null (early);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.fetch-now", NULL));
  filed = (Filed) { checker, smtp, 2, 2 };
  hd_wait_until (filed_and_acknowledged, &filed, 60000);

  /* A second window on the file shares the application's one fetcher. */
  fetcher = hd_application_get_fetcher (app, path);
  g_assert_nonnull (fetcher);
  g_object_add_weak_pointer (G_OBJECT (fetcher), (gpointer *) &fetcher);
  second_window = hd_window_new (app, hd_application_get_settings (app));
  gtk_window_present (GTK_WINDOW (second_window));
  hd_window_open_file (second_window, path);
  hd_wait_until (has_store, second_window, HD_WAIT_MS);
  g_assert_true (hd_application_get_fetcher (app, path) == fetcher);

  /* In the background, it goes on with no window: Fetch Now from the
   * application files what came since. */
  g_settings_set_boolean (hd_application_get_settings (app), "run-in-background", TRUE);
  hd_destroy_and_wait (GTK_WINDOW (window));
  hd_destroy_and_wait (GTK_WINDOW (second_window));
  g_assert_true (hd_application_get_fetcher (app, path) == fetcher);
  hd_test_imap_append (imap, third);
  hd_mail_fetcher_fetch_now (fetcher);
  filed = (Filed) { checker, smtp, 3, 3 };
  hd_wait_until (filed_and_acknowledged, &filed, 60000);

  /* No longer in the background, and no window: no fetcher. */
  g_settings_set_boolean (hd_application_get_settings (app), "run-in-background", FALSE);
  hd_wait_until (fetcher_gone, &fetcher, HD_WAIT_MS);
  g_assert_null (hd_application_get_fetcher (app, path));

  g_unsetenv ("HELPDESK_MAIL_CA_FILE");
  hd_test_smtp_stop (smtp);
  hd_test_imap_stop (imap);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before GTK makes the process's bus connection: libsecret's is the
   * same, and must reach the test's keyring. */
  keyring = hd_test_keyring_start ();
  hd_gui_test_init (&argc, &argv);
  hd_mail_init ();

  g_test_add_func ("/gui/mail/preferences", test_mail_preferences);
  g_test_add_func ("/gui/mail/fetch-now", test_fetch_now);

  status = g_test_run ();
  g_clear_pointer (&keyring, hd_test_keyring_stop);
  return status;
}
