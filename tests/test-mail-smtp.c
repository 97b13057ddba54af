/* test-mail-smtp.c — sending through a real SMTP server (an aiosmtpd sink)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-mail-error.h"
#include "hd-smtp.h"
#include "hd-test-mail.h"

typedef struct {
  HdTestImap    *imap;  /* for its certificate */
  HdTestSmtp    *smtp;
  HdMailAccount *account;
} Sink;

/* A dot at the start of a line (SMTP's end of data unless doubled), a
 * lone ".", eight-bit bytes, a long header. */
static const char reply_bytes[] =
  "From: Helpdesk <support@helpdesk.test>\r\n"
  "To: Ann Requester <ann@office.test>\r\n"
  "Subject: [#123] The printer on floor 2\r\n"
  "Message-ID: <reply-123-1@helpdesk.test>\r\n"
  "Auto-Submitted: auto-replied\r\n"
  "Content-Type: text/plain; charset=UTF-8\r\n"
  "Content-Transfer-Encoding: 8bit\r\n"
  "\r\n"
  "Hello Ann,\r\n"
  ".\r\n"
  ".. and the toner is new. Caf\xc3\xa9 au lait.\r\n";

static void
sink_set_up (Sink         *sink,
             gconstpointer data)
{
  sink->imap = hd_test_imap_start ();
  if (sink->imap == NULL)
    return;
  sink->smtp = hd_test_smtp_start (sink->imap, GPOINTER_TO_INT (data));
  if (sink->smtp != NULL)
    sink->account = hd_test_mail_account (sink->imap, sink->smtp);
}

static void
sink_tear_down (Sink         *sink,
                gconstpointer data)
{
  g_clear_pointer (&sink->account, hd_mail_account_free);
  g_clear_pointer (&sink->smtp, hd_test_smtp_stop);
  g_clear_pointer (&sink->imap, hd_test_imap_stop);
}

static GBytes *
reply_message (void)
{
  return g_bytes_new_static (reply_bytes, strlen (reply_bytes));
}

static void
test_exact_bytes (Sink         *sink,
                  gconstpointer data)
{
  g_autoptr(GBytes) message = reply_message ();
  g_autoptr(GBytes) received = NULL;
  g_autoptr(HdSmtpReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *envelope = NULL;
  const char *to[] = { "ann@office.test", "bob@office.test", NULL };

  if (sink->account == NULL)
    return;
  g_assert_true (hd_smtp_send (sink->account, HD_TEST_MAIL_PASSWORD, NULL, to, message,
                               &receipt, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (receipt->reply, "250 "));
  g_assert_nonnull (strstr (receipt->reply, "queued as HD000001"));
  g_assert_cmpuint (receipt->refused->len, ==, 0);

  g_assert_cmpuint (hd_test_smtp_count (sink->smtp), ==, 1);
  received = hd_test_smtp_message (sink->smtp, 1);
  g_assert_true (g_bytes_equal (received, message));
  envelope = hd_test_smtp_envelope (sink->smtp, 1);
  g_assert_cmpstr (envelope, ==,
                   "{\"mail_from\": \"support@helpdesk.test\", "
                   "\"rcpt_tos\": [\"ann@office.test\", \"bob@office.test\"]}");
}

static void
test_bare_newlines (Sink         *sink,
                    gconstpointer data)
{
  static const char lf[] = "Subject: x\n\nline one\nline two\r\nthree";
  static const char crlf[] = "Subject: x\r\n\r\nline one\r\nline two\r\nthree\r\n";
  g_autoptr(GBytes) message = g_bytes_new_static (lf, strlen (lf));
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *envelope = NULL;
  const char *to[] = { "ann@office.test", NULL };

  if (sink->account == NULL)
    return;
  /* The null sender, as for a notice that must never be answered. */
  g_assert_true (hd_smtp_send (sink->account, HD_TEST_MAIL_PASSWORD, "", to, message,
                               NULL, NULL, &error));
  g_assert_no_error (error);
  received = hd_test_smtp_message (sink->smtp, 1);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   crlf, strlen (crlf));
  envelope = hd_test_smtp_envelope (sink->smtp, 1);
  g_assert_cmpstr (envelope, ==, "{\"mail_from\": \"<>\", \"rcpt_tos\": [\"ann@office.test\"]}");
}

static void
test_refused_for_good (Sink         *sink,
                       gconstpointer data)
{
  g_autoptr(GBytes) message = reply_message ();
  g_autoptr(HdSmtpReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  const char *to[] = { "refuse-me@office.test", NULL };
  HdSmtpRefusal *refusal;

  if (sink->account == NULL)
    return;
  g_assert_false (hd_smtp_send (sink->account, HD_TEST_MAIL_PASSWORD, NULL, to, message,
                                &receipt, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SMTP_REFUSED);
  g_assert_false (hd_mail_error_is_temporary (error));
  g_test_message ("%s", error->message);
  /* The server's own words, for the outbox. */
  g_assert_nonnull (strstr (error->message, "550 5.1.1"));
  g_assert_nonnull (strstr (receipt->reply, "550 5.1.1 <refuse-me@office.test>"));
  g_assert_cmpuint (receipt->refused->len, ==, 1);
  refusal = g_ptr_array_index (receipt->refused, 0);
  g_assert_cmpstr (refusal->address, ==, "refuse-me@office.test");
  g_assert_true (refusal->permanent);
  g_assert_cmpuint (hd_test_smtp_count (sink->smtp), ==, 0);
}

static void
session_send (HdSmtpSession *session,
              const char    *to,
              gboolean       taken)
{
  g_autoptr(GBytes) message = reply_message ();
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { to, NULL };

  g_assert_cmpint (hd_smtp_session_send (session, NULL, recipients, message, NULL, NULL, &error),
                   ==, taken);
  if (taken)
    g_assert_no_error (error);
  else
    g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SMTP_REFUSED);
}

/* Several messages over one connection; a refused one in between costs
 * the connection (libcurl closes it after a failure), not the session. */
static void
test_session (Sink         *sink,
              gconstpointer data)
{
  g_autoptr(HdSmtpSession) session = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL, *fourth = NULL;

  if (sink->account == NULL)
    return;
  session = hd_smtp_session_new (sink->account, HD_TEST_MAIL_PASSWORD);
  session_send (session, "ann@office.test", TRUE);
  session_send (session, "bob@office.test", TRUE);
  session_send (session, "refuse-me@office.test", FALSE);
  session_send (session, "carl@office.test", TRUE);
  session_send (session, "dora@office.test", TRUE);
  g_assert_cmpuint (hd_test_smtp_count (sink->smtp), ==, 4);

  first = hd_test_smtp_connection (sink->smtp, 1);
  second = hd_test_smtp_connection (sink->smtp, 2);
  third = hd_test_smtp_connection (sink->smtp, 3);
  fourth = hd_test_smtp_connection (sink->smtp, 4);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (third, ==, fourth);
  g_assert_cmpstr (second, !=, third);
}

static void
test_refused_for_now (Sink         *sink,
                      gconstpointer data)
{
  g_autoptr(GBytes) message = reply_message ();
  g_autoptr(HdSmtpReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  const char *to[] = { "later@office.test", NULL };

  if (sink->account == NULL)
    return;
  g_assert_false (hd_smtp_send (sink->account, HD_TEST_MAIL_PASSWORD, NULL, to, message,
                                &receipt, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SMTP_TEMPORARY);
  g_assert_true (hd_mail_error_is_temporary (error));
  g_assert_nonnull (strstr (receipt->reply, "451 4.3.0"));
  g_assert_cmpuint (hd_test_smtp_count (sink->smtp), ==, 0);
}

static void
test_some_refused (Sink         *sink,
                   gconstpointer data)
{
  g_autoptr(GBytes) message = reply_message ();
  g_autoptr(HdSmtpReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *envelope = NULL;
  const char *to[] = { "refuse-cc@office.test", "ann@office.test", "later@office.test", NULL };
  HdSmtpRefusal *refusal;

  if (sink->account == NULL)
    return;
  /* A wrong Cc address does not keep the reply from the requester. */
  g_assert_true (hd_smtp_send (sink->account, HD_TEST_MAIL_PASSWORD, NULL, to, message,
                               &receipt, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (receipt->refused->len, ==, 2);
  refusal = g_ptr_array_index (receipt->refused, 0);
  g_assert_cmpstr (refusal->address, ==, "refuse-cc@office.test");
  g_assert_true (refusal->permanent);
  g_assert_true (g_str_has_prefix (refusal->reply, "550 "));
  refusal = g_ptr_array_index (receipt->refused, 1);
  g_assert_cmpstr (refusal->address, ==, "later@office.test");
  g_assert_false (refusal->permanent);
  g_assert_true (g_str_has_prefix (receipt->reply, "250 "));
  envelope = hd_test_smtp_envelope (sink->smtp, 1);
  g_assert_nonnull (strstr (envelope, "\"rcpt_tos\": [\"ann@office.test\"]"));
}

static void
test_server_down (Sink         *sink,
                  gconstpointer data)
{
  g_autoptr(GBytes) message = reply_message ();
  g_autoptr(HdSmtpReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  const char *to[] = { "ann@office.test", NULL };

  if (sink->account == NULL)
    return;
  g_clear_pointer (&sink->smtp, hd_test_smtp_stop);
  g_assert_false (hd_smtp_send (sink->account, HD_TEST_MAIL_PASSWORD, NULL, to, message,
                                &receipt, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_CONNECT);
  g_assert_true (hd_mail_error_is_temporary (error));
  g_assert_cmpstr (receipt->reply, ==, "");
}

static void
test_bad_password (Sink         *sink,
                   gconstpointer data)
{
  g_autoptr(GBytes) message = reply_message ();
  g_autoptr(GError) error = NULL;
  const char *to[] = { "ann@office.test", NULL };

  if (sink->account == NULL)
    return;
  g_assert_false (hd_smtp_send (sink->account, "wrong", NULL, to, message, NULL, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_LOGIN_REFUSED);
  g_assert_cmpuint (hd_test_smtp_count (sink->smtp), ==, 0);
}

static void
test_bad_addresses (Sink         *sink,
                    gconstpointer data)
{
  g_autoptr(GBytes) message = reply_message ();
  g_autoptr(GError) error = NULL;
  const char *injected[] = { "ann@office.test>\r\nRCPT TO:<eve@evil.test", NULL };
  const char *none[] = { NULL };

  if (sink->account == NULL)
    return;
  g_assert_false (hd_smtp_send (sink->account, HD_TEST_MAIL_PASSWORD, NULL, injected, message,
                                NULL, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hd_smtp_send (sink->account, HD_TEST_MAIL_PASSWORD, NULL, none, message,
                                NULL, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID);
  g_assert_cmpuint (hd_test_smtp_count (sink->smtp), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, security, func) \
  g_test_add (path, Sink, GINT_TO_POINTER (security), sink_set_up, func, sink_tear_down)
  ADD ("/mail/smtp/exact-bytes/starttls", HD_MAIL_SECURITY_STARTTLS, test_exact_bytes);
  ADD ("/mail/smtp/exact-bytes/tls", HD_MAIL_SECURITY_TLS, test_exact_bytes);
  ADD ("/mail/smtp/bare-newlines", HD_MAIL_SECURITY_STARTTLS, test_bare_newlines);
  ADD ("/mail/smtp/refused-for-good", HD_MAIL_SECURITY_STARTTLS, test_refused_for_good);
  ADD ("/mail/smtp/refused-for-now", HD_MAIL_SECURITY_STARTTLS, test_refused_for_now);
  ADD ("/mail/smtp/session", HD_MAIL_SECURITY_STARTTLS, test_session);
  ADD ("/mail/smtp/some-refused", HD_MAIL_SECURITY_STARTTLS, test_some_refused);
  ADD ("/mail/smtp/server-down", HD_MAIL_SECURITY_STARTTLS, test_server_down);
  ADD ("/mail/smtp/bad-password", HD_MAIL_SECURITY_STARTTLS, test_bad_password);
  ADD ("/mail/smtp/bad-addresses", HD_MAIL_SECURITY_STARTTLS, test_bad_addresses);
#undef ADD

  return g_test_run ();
}
