/* test-mail-oauth.c — signing in with a token of GNOME Online Accounts
 *
 * GNOME Online Accounts is python-dbusmock on a bus of the test's own
 * (mail-servers/hd-goa-mock.py); Dovecot takes XOAUTH2 through its oauth2
 * passdb, which asks an introspection server of the test's own whether a
 * token is good, and the SMTP sink takes AUTH XOAUTH2 with the same
 * tokens. Each server writes down every token it was shown, so a test
 * can tell which token logged in, and that a refused one was renewed once
 * and only once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-mail.h"
#include "hd-mail-account.h"
#include "hd-mail-error.h"
#include "hd-mail-goa.h"
#include "hd-mail-sign-in.h"
#include "hd-smtp.h"
#include "hd-test-mail.h"
#include "hd-test-util.h"

#define GOOD_TOKEN    "tok-good-1"
#define RENEWED_TOKEN "tok-good-2"

static HdTestGoa *the_goa;

typedef struct {
  HdTestImap    *imap;
  HdTestSmtp    *smtp;
  HdMailAccount *account;
} OAuth;

static void
oauth_set_up (OAuth         *o,
              gconstpointer  data)
{
  const char *tokens[] = { GOOD_TOKEN, RENEWED_TOKEN, NULL };

  if (the_goa == NULL)
    {
      g_test_skip ("python3-dbusmock is not installed (apt install python3-dbusmock)");
      return;
    }
  if (!hd_mail_goa_is_built ())
    {
      g_test_skip ("built without GNOME Online Accounts (libgoa-1.0-dev, -Dgoa=enabled)");
      return;
    }
  /* Each test's accounts have ids of their own; tokens of earlier tests
   * are forgotten all the same. */
  hd_mail_goa_forget_tokens ();
  o->imap = hd_test_imap_start_oauth (tokens);
  if (o->imap == NULL)
    return;
  o->smtp = hd_test_smtp_start_oauth (o->imap, HD_MAIL_SECURITY_STARTTLS, tokens);
  if (o->smtp == NULL)
    return;
  o->account = hd_test_mail_account (o->imap, o->smtp);
}

static void
oauth_tear_down (OAuth         *o,
                 gconstpointer  data)
{
  g_clear_pointer (&o->account, hd_mail_account_free);
  g_clear_pointer (&o->smtp, hd_test_smtp_stop);
  g_clear_pointer (&o->imap, hd_test_imap_stop);
}

#define SERVERS_OR_SKIP(o) G_STMT_START { if ((o)->account == NULL) return; } G_STMT_END

static void
use_goa (OAuth      *o,
         const char *id,
         const char *token,
         const char *renewed)
{
  hd_test_goa_add (the_goa, id, HD_TEST_MAIL_USER, token, renewed, TRUE);
  o->account->goa_account = g_strdup (id);
}

static void
assert_shown (char       *shown,
              const char *expected)
{
  g_assert_cmpstr (shown, ==, expected);
  g_free (shown);
}

/* GNOME Online Accounts' accounts that read mail with OAuth 2.0 */

static void
test_list (OAuth         *o,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(HdMailGoaAccount) found = NULL;
  g_autoptr(GError) error = NULL;
  gboolean listed = FALSE;

  SERVERS_OR_SKIP (o);
  hd_test_goa_add (the_goa, "list_mail", "desk@office.test", "t", "t", TRUE);
  hd_test_goa_add (the_goa, "list_calendar_only", "calendar@office.test", "t", "t", FALSE);

  accounts = hd_mail_goa_list (NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < accounts->len; i++)
    {
      HdMailGoaAccount *account = g_ptr_array_index (accounts, i);

      g_assert_cmpstr (account->id, !=, "list_calendar_only");
      if (g_str_equal (account->id, "list_mail"))
        {
          listed = TRUE;
          g_assert_cmpstr (account->email, ==, "desk@office.test");
          g_assert_cmpstr (account->identity, ==, "desk@office.test");
          g_assert_cmpstr (account->provider, ==, "Google");
        }
    }
  g_assert_true (listed);

  /* Found by id, or by the address only it has. */
  found = hd_mail_goa_find ("DESK@office.test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->id, ==, "list_mail");
  g_assert_null (hd_mail_goa_find ("calendar@office.test", NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN);
  g_assert_nonnull (strstr (error->message, "list_mail"));
}

/* Logging in */

static void
test_login (OAuth         *o,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (o);
  use_goa (o, "login", GOOD_TOKEN, RENEWED_TOKEN);

  g_assert_true (hd_mail_account_test (o->account, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_shown (hd_test_imap_tokens_shown (o->imap), GOOD_TOKEN "\n");
  assert_shown (hd_test_smtp_tokens_shown (o->smtp), GOOD_TOKEN "\n");
  g_assert_cmpuint (hd_test_goa_calls (the_goa, "login", "EnsureCredentials"), ==, 0);
  /* The SMTP login took the token kept from the IMAP one. */
  g_assert_cmpuint (hd_test_goa_calls (the_goa, "login", "GetAccessToken"), ==, 1);
}

/* A password, with no account of GNOME Online Accounts, still works on
 * the same servers. */
static void
test_password_still (OAuth         *o,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (o);
  g_assert_true (hd_mail_account_test (o->account, HD_TEST_MAIL_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  assert_shown (hd_test_imap_tokens_shown (o->imap), "");
}

/* A token that ran out is refused; the login asks for a renewed one
 * (EnsureCredentials) and logs in with it. */
static void
test_renewed (OAuth         *o,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (o);
  use_goa (o, "renewed", "tok-ran-out", RENEWED_TOKEN);

  g_assert_true (hd_mail_account_test (o->account, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_shown (hd_test_imap_tokens_shown (o->imap), "tok-ran-out\n" RENEWED_TOKEN "\n");
  assert_shown (hd_test_smtp_tokens_shown (o->smtp), RENEWED_TOKEN "\n");
  g_assert_cmpuint (hd_test_goa_calls (the_goa, "renewed", "EnsureCredentials"), ==, 1);
}

/* The same on the SMTP server alone: a message is sent once. */
static void
test_renewed_smtp (OAuth         *o,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  const char *to[] = { "someone@example.org", NULL };

  SERVERS_OR_SKIP (o);
  use_goa (o, "renewed_smtp", "tok-ran-out", RENEWED_TOKEN);
  message = g_bytes_new_static ("Subject: Hello\r\n\r\nHello.\r\n", 27);

  g_assert_true (hd_smtp_send (o->account, NULL, NULL, to, message, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hd_test_smtp_count (o->smtp), ==, 1);
  assert_shown (hd_test_smtp_tokens_shown (o->smtp), "tok-ran-out\n" RENEWED_TOKEN "\n");
  g_assert_cmpuint (hd_test_goa_calls (the_goa, "renewed_smtp", "EnsureCredentials"), ==, 1);
}

/* A renewed token refused too: renewed once, never again, and the error
 * says it was the token. */
static void
test_refused (OAuth         *o,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (o);
  use_goa (o, "refused", "tok-bad-1", "tok-bad-2");

  g_assert_false (hd_mail_account_test (o->account, NULL, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_LOGIN_REFUSED);
  g_assert_nonnull (strstr (error->message, "GNOME Online Accounts"));
  g_assert_null (strstr (error->message, "tok-bad"));
  g_assert_false (hd_mail_error_is_temporary (error));
  assert_shown (hd_test_imap_tokens_shown (o->imap), "tok-bad-1\ntok-bad-2\n");
  g_assert_cmpuint (hd_test_goa_calls (the_goa, "refused", "EnsureCredentials"), ==, 1);
}

/* The provider will not renew the token: its person must sign in again,
 * and the error says where. */
static void
test_sign_in_again (OAuth         *o,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (o);
  use_goa (o, "sign_in_again", "tok-ran-out", "");

  g_assert_false (hd_mail_account_test (o->account, NULL, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN);
  g_assert_nonnull (strstr (error->message, "Online Accounts"));
  g_assert_false (hd_mail_error_is_temporary (error));
}

static void
test_account_gone (OAuth         *o,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (o);
  o->account->goa_account = g_strdup ("never_added");

  g_assert_false (hd_mail_account_test (o->account, NULL, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN);
  g_assert_nonnull (strstr (error->message, "never_added"));
  /* Nothing reached the server. */
  assert_shown (hd_test_imap_tokens_shown (o->imap), "");
}

/* This desk's choice */

static void
test_sign_in_choice (OAuth         *o,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailAccount) moved = NULL;
  g_autofree char *goa = NULL;
  char *password = NULL;

  SERVERS_OR_SKIP (o);
  g_assert_null (hd_mail_sign_in_get_goa ("file-a", o->account));
  g_assert_true (hd_mail_sign_in_set_goa ("file-a", o->account, "choice", &error));
  g_assert_no_error (error);

  goa = hd_mail_sign_in_get_goa ("file-a", o->account);
  g_assert_cmpstr (goa, ==, "choice");
  g_assert_null (hd_mail_sign_in_get_goa ("file-b", o->account));

  /* The lookup sets the account's goa_account and asks no keyring. */
  g_assert_true (hd_mail_sign_in_lookup ("file-a", o->account, &password, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (password);
  g_assert_cmpstr (o->account->goa_account, ==, "choice");

  /* The mailbox moved to another server: the choice was for the old one. */
  moved = hd_mail_account_copy (o->account);
  g_free (moved->imap.host);
  moved->imap.host = g_strdup ("imap.elsewhere.test");
  g_assert_null (hd_mail_sign_in_get_goa ("file-a", moved));

  /* Back to the password. */
  g_assert_true (hd_mail_sign_in_set_goa ("file-a", o->account, NULL, &error));
  g_assert_null (hd_mail_sign_in_get_goa ("file-a", o->account));
}

/* helpdesk-cli */

/* Runs helpdesk-cli as the dispatcher on @path, debug messages on, and
 * returns its exit status; its output in @out. */
static int
run_cli (OAuth       *o,
         const char  *path,
         char       **out,
         const char  *first,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *o_text = NULL, *e_text = NULL;
  va_list ap;

  g_ptr_array_add (argv, (char *) g_getenv ("HELPDESK_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) path);
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", "disp", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  /* The test's own configuration folder (the environment names none). */
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_MAIL_CA_FILE", hd_test_imap_ca_file (o->imap), TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &o_text, &e_text, &error);
  g_assert_no_error (error);
  g_test_message ("out: %s\nerr: %s", o_text, e_text);
  *out = g_strconcat (o_text, e_text, NULL);
  return g_subprocess_get_exit_status (process);
}

static gboolean
file_holds (const char *path,
            const char *text)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, NULL))
    return FALSE;
  return g_strstr_len (data, length, text) != NULL;
}

/* The dispatcher chooses the account with helpdesk-cli; fetching files a
 * request and sends its acknowledgement, both logins with the token, and
 * the token is nowhere: not in the file, the desk's configuration, or
 * what the program says with every debug message on. */
static void
test_cli (OAuth         *o,
          gconstpointer  data)
{
  g_autoptr(HdStore) store = NULL;
  g_autofree char *path = NULL, *out = NULL, *config = NULL;
  g_autofree char *imap_port = NULL, *smtp_port = NULL;
  g_autoptr(GString) said = g_string_new (NULL);

  SERVERS_OR_SKIP (o);
  hd_test_goa_add (the_goa, "cli", HD_TEST_MAIL_USER, "tok-ran-out", RENEWED_TOKEN, TRUE);
  store = hd_test_new_helpdesk (&path);
  imap_port = g_strdup_printf ("%u", hd_test_imap_port (o->imap, HD_MAIL_SECURITY_TLS));
  smtp_port = g_strdup_printf ("%u", hd_test_smtp_port (o->smtp));

  g_assert_cmpint (run_cli (o, path, &out, "mail", "account", "set", "--address", HD_TEST_MAIL_USER,
                            "--imap-host", "localhost", "--imap-port", imap_port,
                            "--smtp-host", "localhost", "--smtp-port", smtp_port,
                            "--smtp-security", "starttls", "--user", HD_TEST_MAIL_USER,
                            "--enabled", "yes", "--goa-account", "cli", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "GNOME Online Accounts"));
  g_string_append (said, out);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (o, path, &out, "mail", "account", "show", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "GNOME Online Accounts (account “cli”)"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (o, path, &out, "mail", "account", "test", NULL), ==, 0);
  g_string_append (said, out);
  g_clear_pointer (&out, g_free);

  hd_test_imap_append (o->imap, "From: Person <person@example.org>\r\n"
                                "To: " HD_TEST_MAIL_USER "\r\n"
                                "Subject: The printer\r\n"
                                "Message-ID: <printer@example.org>\r\n"
                                "\r\n"
                                "It jams.\r\n");
  g_assert_cmpint (run_cli (o, path, &out, "mail", "fetch", NULL), ==, 0);
  g_string_append (said, out);
  g_assert_cmpint (hd_test_query_int (path, "SELECT count(*) FROM tickets", NULL), ==, 1);
  g_assert_cmpuint (hd_test_smtp_count (o->smtp), ==, 1);

  /* The token is in no file and no message. */
  config = g_build_filename (g_get_user_config_dir (), "helpdesk", "mail-sign-in.ini", NULL);
  g_assert_true (file_holds (config, "goa-account=cli"));
  g_assert_false (file_holds (config, RENEWED_TOKEN));
  g_assert_false (file_holds (path, RENEWED_TOKEN));
  g_assert_false (file_holds (path, "tok-ran-out"));
  g_assert_null (strstr (said->str, "tok-"));

  /* Back to the password (the keyring's, which this bus has none of). */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (o, path, &out, "mail", "account", "set", "--goa-account", "none", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "password"));
  g_assert_false (file_holds (config, "goa-account"));
  g_clear_pointer (&out, g_free);

  /* An account this desk does not have is refused, naming those it has. */
  g_assert_cmpint (run_cli (o, path, &out, "mail", "account", "set", "--goa-account", "nobody@else.test", NULL), ==, 7);
  g_assert_nonnull (strstr (out, "cli (" HD_TEST_MAIL_USER ")"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  hd_mail_init ();

#define ADD(path, func) g_test_add (path, OAuth, NULL, oauth_set_up, func, oauth_tear_down)
  ADD ("/mail/oauth/list", test_list);
  ADD ("/mail/oauth/login", test_login);
  ADD ("/mail/oauth/password-still", test_password_still);
  ADD ("/mail/oauth/renewed", test_renewed);
  ADD ("/mail/oauth/renewed-smtp", test_renewed_smtp);
  ADD ("/mail/oauth/refused", test_refused);
  ADD ("/mail/oauth/sign-in-again", test_sign_in_again);
  ADD ("/mail/oauth/account-gone", test_account_gone);
  ADD ("/mail/oauth/sign-in-choice", test_sign_in_choice);
  ADD ("/mail/oauth/cli", test_cli);
#undef ADD

  the_goa = hd_test_goa_start ();
  status = g_test_run ();
  hd_test_goa_stop (the_goa);
  return status;
}
