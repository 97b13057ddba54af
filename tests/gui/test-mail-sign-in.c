/* test-mail-sign-in.c — Preferences → Email signing in with an account of
 * GNOME Online Accounts
 *
 * GNOME Online Accounts is python-dbusmock on a bus of the test's own;
 * Dovecot and the SMTP sink take XOAUTH2 (hd-test-mail.h). The page lists
 * the computer's mail accounts beside the password, Test logs in with the
 * chosen one's token, and Save keeps the choice for this computer, shown
 * again when the page opens anew.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-gui-test-util.h"
#include "hd-mail-goa.h"
#include "hd-mail-loop.h"
#include "hd-mail-preferences.h"
#include "hd-mail-sign-in.h"
#include "hd-mail.h"
#include "hd-test-mail.h"
#include "hd-test-util.h"

#define TOKEN "tok-window"

static HdTestGoa *goa;

typedef struct {
  GtkWidget  *page;
  const char *css;    /* "success" or "error" */
} Said;

/* Said anything; what it said is asserted after. */
static gboolean
result_shown (Said *said)
{
  GtkWidget *label = hd_find_named (said->page, GTK_TYPE_LABEL, "result_label");

  return gtk_widget_get_visible (label) &&
         gtk_widget_get_sensitive (hd_find_named (said->page, GTK_TYPE_BUTTON, "save_button"));
}

static void
assert_said (Said       *said,
             const char *text)
{
  GtkWidget *label = hd_find_named (said->page, GTK_TYPE_LABEL, "result_label");

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, text);
  g_assert_true (gtk_widget_has_css_class (label, said->css));
}

static void
click (GtkWidget  *page,
       const char *button)
{
  gtk_widget_set_visible (hd_find_named (page, GTK_TYPE_LABEL, "result_label"), FALSE);
  g_signal_emit_by_name (hd_find_named (page, GTK_TYPE_BUTTON, button), "clicked");
}

static AdwComboRow *
sign_in_row (GtkWidget *page)
{
  return ADW_COMBO_ROW (hd_find_named (page, ADW_TYPE_COMBO_ROW, "sign_in_row"));
}

/* Loaded, and the accounts listed. */
static gboolean
accounts_listed (GtkWidget *page)
{
  return gtk_widget_get_sensitive (page) && gtk_widget_get_visible (GTK_WIDGET (sign_in_row (page)));
}

static GtkWidget *
open_page (HdStore    *store,
           GtkWidget **window)
{
  GtkWidget *page = hd_mail_preferences_new (store);

  *window = adw_preferences_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1366, 768);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (*window), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (*window));
  hd_wait_until (accounts_listed, page, HD_WAIT_MS);
  return page;
}

static HdStore *
new_helpdesk (HdTestImap  *imap,
              HdTestSmtp  *smtp,
              char       **path)
{
  HdStore *store = hd_test_new_helpdesk (path);
  g_autoptr(HdMailSettings) settings = hd_test_mail_settings (imap, smtp);
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_store_set_mail_settings (store, settings, 0, &error));
  g_assert_no_error (error);
  return store;
}

static void
test_sign_in (void)
{
  const char *tokens[] = { TOKEN, NULL };
  g_autofree char *path = NULL;
  g_autofree char *file_id = NULL;
  g_autofree char *chosen = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdMailSettings) settings = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTestImap) imap = NULL;
  g_autoptr(HdTestSmtp) smtp = NULL;
  GtkWidget *window, *page;
  GListModel *choices;
  Said said;

  /* Skipped before the test's child process starts: a child's skip is
   * its parent's failure. */
  if (goa == NULL)
    {
      g_test_skip ("python3-dbusmock is not installed (apt install python3-dbusmock)");
      return;
    }
  if (!hd_mail_goa_is_built ())
    {
      g_test_skip ("built without GNOME Online Accounts");
      return;
    }
  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;
  imap = hd_test_imap_start_oauth (tokens);
  if (imap == NULL)
    return;
  smtp = hd_test_smtp_start_oauth (imap, HD_MAIL_SECURITY_STARTTLS, tokens);
  if (smtp == NULL)
    return;
  g_setenv ("HELPDESK_MAIL_CA_FILE", hd_test_imap_ca_file (imap), TRUE);
  hd_test_goa_add (goa, "window", HD_TEST_MAIL_USER, TOKEN, TOKEN, TRUE);
  hd_test_goa_add (goa, "calendar", "calendar@office.test", "t", "t", FALSE);
  store = new_helpdesk (imap, smtp, &path);

  /* The password, then the one account that reads mail. */
  page = open_page (store, &window);
  said.page = page;
  choices = adw_combo_row_get_model (sign_in_row (page));
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (choices), 0), ==, "Password");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (choices), 1), ==,
                   HD_TEST_MAIL_USER " (Google)");
  g_assert_cmpuint (adw_combo_row_get_selected (sign_in_row (page)), ==, 0);
  g_assert_true (gtk_widget_get_visible (hd_find_named (page, GTK_TYPE_WIDGET, "password_row")));

  /* Chosen, the password is not asked for, and Test logs in with the
   * account's token (the keyring has no password at all). */
  adw_combo_row_set_selected (sign_in_row (page), 1);
  g_assert_false (gtk_widget_get_visible (hd_find_named (page, GTK_TYPE_WIDGET, "password_row")));
  click (page, "test_button");
  said.css = "success";
  hd_wait_until (result_shown, &said, 40000);
  assert_said (&said, "Both servers answered: the login was accepted and the folder opened.");
  {
    g_autofree char *shown = hd_test_imap_tokens_shown (imap);

    g_assert_cmpstr (shown, ==, TOKEN "\n");
  }

  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-mail-sign-in.png"));

  /* Saved for this computer. */
  click (page, "save_button");
  hd_wait_until (result_shown, &said, HD_WAIT_MS);
  assert_said (&said, "Saved.");
  settings = hd_store_get_mail_settings (store, &error);
  g_assert_no_error (error);
  file_id = hd_store_get_file_uuid (store, &error);
  g_assert_no_error (error);
  account = hd_mail_account_from_settings (settings);
  chosen = hd_mail_sign_in_get_goa (file_id, account);
  g_assert_cmpstr (chosen, ==, "window");
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 768);
  hd_wait_frames (window, 3);
  g_free (hd_save_screenshot (window, "screenshot-mail-sign-in-narrow.png"));
  hd_destroy_and_wait (GTK_WINDOW (window));

  /* Opened anew, the page shows the choice. */
  page = open_page (store, &window);
  g_assert_cmpuint (adw_combo_row_get_selected (sign_in_row (page)), ==, 1);
  g_assert_false (gtk_widget_get_visible (hd_find_named (page, GTK_TYPE_WIDGET, "password_row")));
  hd_destroy_and_wait (GTK_WINDOW (window));
  g_unsetenv ("HELPDESK_MAIL_CA_FILE");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before GTK makes the process's bus connection: GNOME Online Accounts
   * must be reached on the test's bus. */
  goa = hd_test_goa_start ();
  hd_gui_test_init (&argc, &argv);
  hd_mail_init ();

  g_test_add_func ("/gui/mail/sign-in-goa", test_sign_in);

  status = g_test_run ();
  g_clear_pointer (&goa, hd_test_goa_stop);
  return status;
}
