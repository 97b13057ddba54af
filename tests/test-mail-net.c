/* test-mail-net.c — the mail transport against real servers
 *
 * Dovecot and an SMTP sink run on 127.0.0.1 (hd-test-mail.h); every
 * failure the Test button names is made for real: a wrong password, port,
 * folder, a certificate nobody trusts, one made out to another name, a
 * name that does not resolve, a server that never answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-imap.h"
#include "hd-mail-account.h"
#include "hd-mail-error.h"
#include "hd-smtp.h"
#include "hd-test-mail.h"

typedef struct {
  HdTestImap    *imap;
  HdTestSmtp    *smtp;
  HdMailAccount *account;
} Servers;

static void
servers_set_up (Servers       *servers,
                gconstpointer  data)
{
  servers->imap = hd_test_imap_start ();
  if (servers->imap == NULL)
    return;
  servers->smtp = hd_test_smtp_start (servers->imap, HD_MAIL_SECURITY_STARTTLS);
  if (servers->smtp == NULL)
    return;
  servers->account = hd_test_mail_account (servers->imap, servers->smtp);
}

static void
servers_tear_down (Servers       *servers,
                   gconstpointer  data)
{
  g_clear_pointer (&servers->account, hd_mail_account_free);
  g_clear_pointer (&servers->smtp, hd_test_smtp_stop);
  g_clear_pointer (&servers->imap, hd_test_imap_stop);
}

#define SERVERS_OR_SKIP(servers) G_STMT_START { if ((servers)->account == NULL) return; } G_STMT_END

static void
assert_test_fails (const HdMailAccount *account,
                   const char          *password,
                   int                  code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hd_mail_account_test (account, password, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, code);
  g_test_message ("%s", error->message);
}

/* The Test button */

static void
test_account_ok (Servers      *servers,
                 gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (servers);
  g_assert_true (hd_mail_account_test (servers->account, HD_TEST_MAIL_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  /* It sends nothing. */
  g_assert_cmpuint (hd_test_smtp_count (servers->smtp), ==, 0);
}

static void
test_account_starttls (Servers      *servers,
                       gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (servers);
  servers->account->imap.security = HD_MAIL_SECURITY_STARTTLS;
  servers->account->imap.port = hd_test_imap_port (servers->imap, HD_MAIL_SECURITY_STARTTLS);
  g_assert_true (hd_mail_account_test (servers->account, HD_TEST_MAIL_PASSWORD, NULL, &error));
  g_assert_no_error (error);
}

static void
test_account_plain (Servers      *servers,
                    gconstpointer data)
{
  g_autoptr(HdTestSmtp) plain = NULL;
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (servers);
  plain = hd_test_smtp_start (servers->imap, HD_MAIL_SECURITY_PLAIN);
  servers->account->imap.security = HD_MAIL_SECURITY_PLAIN;
  servers->account->imap.port = hd_test_imap_port (servers->imap, HD_MAIL_SECURITY_PLAIN);
  servers->account->smtp.security = HD_MAIL_SECURITY_PLAIN;
  servers->account->smtp.port = hd_test_smtp_port (plain);
  g_assert_true (hd_mail_account_test (servers->account, HD_TEST_MAIL_PASSWORD, NULL, &error));
  g_assert_no_error (error);

  /* STARTTLS is required when chosen: a server without it is an error,
   * never a quiet fall back to plain text. */
  servers->account->smtp.security = HD_MAIL_SECURITY_STARTTLS;
  assert_test_fails (servers->account, HD_TEST_MAIL_PASSWORD, HD_MAIL_ERROR_TLS);
}

static void
test_account_bad_password (Servers      *servers,
                           gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (servers);
  assert_test_fails (servers->account, "wrong", HD_MAIL_ERROR_LOGIN_REFUSED);
  g_assert_false (hd_smtp_check (servers->account, "wrong", NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_LOGIN_REFUSED);
  g_assert_nonnull (strstr (error->message, "SMTP"));
}

static void
test_account_wrong_port (Servers      *servers,
                         gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (servers);
  servers->account->imap.port = hd_test_mail_closed_port ();
  assert_test_fails (servers->account, HD_TEST_MAIL_PASSWORD, HD_MAIL_ERROR_CONNECT);
  servers->account->smtp.port = hd_test_mail_closed_port ();
  g_assert_false (hd_smtp_check (servers->account, HD_TEST_MAIL_PASSWORD, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_CONNECT);
}

static void
test_account_wrong_folder (Servers      *servers,
                           gconstpointer data)
{
  SERVERS_OR_SKIP (servers);
  g_free (servers->account->folder);
  servers->account->folder = g_strdup ("Support Requests");
  assert_test_fails (servers->account, HD_TEST_MAIL_PASSWORD, HD_MAIL_ERROR_FOLDER_MISSING);

  /* Made, it is found, space and all. */
  hd_test_imap_create_folder (servers->imap, "Support Requests");
  g_assert_true (hd_mail_account_test (servers->account, HD_TEST_MAIL_PASSWORD, NULL, NULL));
}

static void
test_account_untrusted (Servers      *servers,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  SERVERS_OR_SKIP (servers);
  /* The system's authorities do not know the servers' self-signed
   * certificate. */
  g_clear_pointer (&servers->account->ca_file, g_free);
  assert_test_fails (servers->account, HD_TEST_MAIL_PASSWORD, HD_MAIL_ERROR_TLS_UNTRUSTED);
  g_assert_false (hd_smtp_check (servers->account, HD_TEST_MAIL_PASSWORD, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_TLS_UNTRUSTED);
}

static void
test_account_name_mismatch (Servers      *servers,
                            gconstpointer data)
{
  SERVERS_OR_SKIP (servers);
  /* The certificate is trusted, and made out to "localhost" only. */
  g_free (servers->account->imap.host);
  servers->account->imap.host = g_strdup ("127.0.0.1");
  assert_test_fails (servers->account, HD_TEST_MAIL_PASSWORD, HD_MAIL_ERROR_TLS_NAME_MISMATCH);
}

static void
test_account_dns (Servers      *servers,
                  gconstpointer data)
{
  SERVERS_OR_SKIP (servers);
  g_free (servers->account->imap.host);
  /* .invalid never resolves (RFC 2606). */
  servers->account->imap.host = g_strdup ("imap.helpdesk.invalid");
  assert_test_fails (servers->account, HD_TEST_MAIL_PASSWORD, HD_MAIL_ERROR_DNS);
}

static void
test_account_timeout (Servers      *servers,
                      gconstpointer data)
{
  g_autoptr(GSocket) silent = NULL;
  guint port;

  SERVERS_OR_SKIP (servers);
  silent = hd_test_mail_silent_port (&port);
  servers->account->imap.port = port;
  servers->account->timeout = 1;
  assert_test_fails (servers->account, HD_TEST_MAIL_PASSWORD, HD_MAIL_ERROR_TIMEOUT);
}

static gpointer
cancel_soon (gpointer cancellable)
{
  g_usleep (G_USEC_PER_SEC / 5);
  g_cancellable_cancel (cancellable);
  return NULL;
}

static void
test_account_cancel (Servers      *servers,
                     gconstpointer data)
{
  g_autoptr(GSocket) silent = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread;
  guint port;

  SERVERS_OR_SKIP (servers);
  silent = hd_test_mail_silent_port (&port);
  servers->account->imap.port = port;
  /* Longer than the test may run: only the cancellation can end it. */
  servers->account->timeout = 3600;
  thread = g_thread_new ("cancel", cancel_soon, cancellable);
  g_assert_false (hd_mail_account_test (servers->account, HD_TEST_MAIL_PASSWORD, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (thread);
}

static void
test_account_invalid (void)
{
  g_autoptr(HdMailAccount) account = hd_mail_account_new ();
  g_autoptr(GError) error = NULL;

  account->imap.host = g_strdup ("imap.example.org");
  account->smtp.host = g_strdup ("smtp.example.org");
  account->user = g_strdup ("support@example.org");
  account->address = g_strdup ("support@example.org");
  g_assert_true (hd_mail_account_validate (account, NULL));

  g_free (account->folder);
  account->folder = g_strdup ("INBOX\r\nA1 DELETE INBOX");
  g_assert_false (hd_mail_account_test (account, "x", NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID);
  g_clear_error (&error);
  g_free (account->folder);
  account->folder = NULL;
  g_free (account->imap.host);
  account->imap.host = g_strdup ("evil.example.org/INBOX?x");
  g_assert_false (hd_mail_account_validate (account, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Servers, NULL, servers_set_up, func, servers_tear_down)
  ADD ("/mail/account/ok", test_account_ok);
  ADD ("/mail/account/starttls", test_account_starttls);
  ADD ("/mail/account/plain", test_account_plain);
  ADD ("/mail/account/bad-password", test_account_bad_password);
  ADD ("/mail/account/wrong-port", test_account_wrong_port);
  ADD ("/mail/account/wrong-folder", test_account_wrong_folder);
  ADD ("/mail/account/untrusted", test_account_untrusted);
  ADD ("/mail/account/name-mismatch", test_account_name_mismatch);
  ADD ("/mail/account/dns", test_account_dns);
  ADD ("/mail/account/timeout", test_account_timeout);
  ADD ("/mail/account/cancel", test_account_cancel);
  g_test_add_func ("/mail/account/invalid", test_account_invalid);
#undef ADD

  return g_test_run ();
}
