/* test-mail-imap.c — reading the support folder from a real Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-imap.h"
#include "hd-mail-error.h"
#include "hd-test-mail.h"

typedef struct {
  HdTestImap    *imap;
  HdMailAccount *account;
} Server;

static void
server_set_up (Server       *server,
               gconstpointer data)
{
  server->imap = hd_test_imap_start ();
  if (server->imap != NULL)
    server->account = hd_test_mail_account (server->imap, NULL);
}

static void
server_tear_down (Server       *server,
                  gconstpointer data)
{
  g_clear_pointer (&server->account, hd_mail_account_free);
  g_clear_pointer (&server->imap, hd_test_imap_stop);
}

static char *
make_message (guint n)
{
  /* A line that looks like the end of an IMAP answer, and eight-bit
   * bytes: the message must come back as it went in. */
  return g_strdup_printf ("From: Requester %u <req%u@office.test>\r\n"
                          "To: support@helpdesk.test\r\n"
                          "Subject: Request %u\r\n"
                          "Message-ID: <%u@office.test>\r\n"
                          "Content-Type: text/plain; charset=ISO-8859-1\r\n"
                          "\r\n"
                          "A001 OK done\r\n"
                          "Caf\xe9 %u.\r\n", n, n, n, n, n);
}

static HdImapSession *
open_session (Server *server)
{
  g_autoptr(GError) error = NULL;
  HdImapSession *session = hd_imap_session_new (server->account, HD_TEST_MAIL_PASSWORD);

  g_assert_true (hd_imap_session_open (session, NULL, &error));
  g_assert_no_error (error);
  return session;
}

static GArray *
list_unhandled (HdImapSession *session)
{
  g_autoptr(GError) error = NULL;
  GArray *uids = hd_imap_session_list_unhandled (session, NULL, &error);

  g_assert_no_error (error);
  return uids;
}

static void
assert_uids (GArray *uids,
             guint   n,
             ...)
{
  va_list args;

  g_assert_cmpuint (uids->len, ==, n);
  va_start (args, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (uids, guint32, i), ==, va_arg (args, guint));
  va_end (args);
}

static void
test_fetch_and_mark (Server       *server,
                     gconstpointer data)
{
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(HdImapSession) again = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GArray) left = NULL;
  g_autoptr(GError) error = NULL;
  guint32 uidvalidity;

  if (server->imap == NULL)
    return;
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *message = make_message (i);

      hd_test_imap_append (server->imap, message);
    }

  session = open_session (server);
  g_assert_true (hd_imap_session_uses_keyword (session));
  uidvalidity = hd_imap_session_get_uidvalidity (session);
  g_assert_cmpuint (uidvalidity, !=, 0);
  uids = list_unhandled (session);
  assert_uids (uids, 3, 1, 2, 3);

  for (guint i = 0; i < uids->len; i++)
    {
      guint32 uid = g_array_index (uids, guint32, i);
      g_autofree char *expected = make_message (i + 1);
      g_autoptr(GBytes) bytes = hd_imap_session_fetch (session, uidvalidity, uid, 0, NULL, &error);
      g_autofree char *flags = NULL;

      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                       expected, strlen (expected));
      /* Reading marked nothing: not even \Seen. */
      flags = hd_test_imap_flags (server->imap, uid);
      g_assert_cmpstr (flags, ==, "");
    }

  /* The caller committed 1 and 3; 2 is still to do. */
  g_assert_true (hd_imap_session_mark_handled (session, uidvalidity, (guint32[]) { 3, 1 }, 2,
                                               NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *flags1 = hd_test_imap_flags (server->imap, 1);
    g_autofree char *flags2 = hd_test_imap_flags (server->imap, 2);

    g_assert_cmpstr (flags1, ==, "\\Seen " HD_IMAP_KEYWORD);
    g_assert_cmpstr (flags2, ==, "");
  }
  left = list_unhandled (session);
  assert_uids (left, 1, 2);

  /* Another connection, later: the same. */
  again = open_session (server);
  g_clear_pointer (&left, g_array_unref);
  left = list_unhandled (again);
  assert_uids (left, 1, 2);
}

static void
test_seen_by_a_person (Server       *server,
                       gconstpointer data)
{
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autofree char *message = make_message (1);

  if (server->imap == NULL)
    return;
  hd_test_imap_append (server->imap, message);
  /* Someone read the support mailbox in their mail client. */
  hd_test_imap_add_flags (server->imap, 1, "\\Seen");
  session = open_session (server);
  uids = list_unhandled (session);
  assert_uids (uids, 1, 1);
}

static void
test_many_marked (Server       *server,
                  gconstpointer data)
{
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GArray) left = NULL;
  g_autoptr(GArray) odd = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GError) error = NULL;

  if (server->imap == NULL)
    return;
  for (guint i = 1; i <= 1203; i++)
    hd_test_imap_append (server->imap, "Subject: x\r\n\r\nx\r\n");
  session = open_session (server);
  uids = list_unhandled (session);
  g_assert_cmpuint (uids->len, ==, 1203);

  /* Every other one: more UIDs, and more ranges, than one command holds. */
  for (guint32 uid = 1; uid <= 1203; uid += 2)
    g_array_append_val (odd, uid);
  g_assert_true (hd_imap_session_mark_handled (session, hd_imap_session_get_uidvalidity (session),
                                               (guint32 *) odd->data, odd->len, NULL, &error));
  g_assert_no_error (error);
  left = list_unhandled (session);
  g_assert_cmpuint (left->len, ==, 601);
  for (guint i = 0; i < left->len; i++)
    g_assert_cmpuint (g_array_index (left, guint32, i) % 2, ==, 0);
}

static void
test_too_large (Server       *server,
                gconstpointer data)
{
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = make_message (1);
  guint32 uidvalidity;

  if (server->imap == NULL)
    return;
  hd_test_imap_append (server->imap, message);
  session = open_session (server);
  uidvalidity = hd_imap_session_get_uidvalidity (session);
  bytes = hd_imap_session_fetch (session, uidvalidity, 1, 40, NULL, &error);
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_TOO_LARGE);
  g_assert_null (bytes);
  g_clear_error (&error);

  /* The session goes on. */
  bytes = hd_imap_session_fetch (session, uidvalidity, 1, strlen (message), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, strlen (message));
}

static void
test_gone (Server       *server,
           gconstpointer data)
{
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (server->imap == NULL)
    return;
  hd_test_imap_append (server->imap, "Subject: x\r\n\r\nx\r\n");
  session = open_session (server);
  bytes = hd_imap_session_fetch (session, hd_imap_session_get_uidvalidity (session), 7, 0,
                                 NULL, &error);
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_GONE);
}

static void
test_uidvalidity (Server       *server,
                  gconstpointer data)
{
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(HdImapSession) fresh = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint32 old;

  if (server->imap == NULL)
    return;
  g_free (server->account->folder);
  server->account->folder = g_strdup ("Requests");
  hd_test_imap_create_folder (server->imap, "Requests");
  hd_test_imap_append_to (server->imap, "Requests", "Subject: old\r\n\r\nold\r\n");
  session = open_session (server);
  old = hd_imap_session_get_uidvalidity (session);
  uids = list_unhandled (session);
  assert_uids (uids, 1, 1);

  /* The folder is made anew: UID 1 is another message now. */
  hd_test_imap_recreate_folder (server->imap, "Requests");
  hd_test_imap_append_to (server->imap, "Requests", "Subject: new\r\n\r\nnew\r\n");

  fresh = open_session (server);
  g_assert_cmpuint (hd_imap_session_get_uidvalidity (fresh), !=, old);
  bytes = hd_imap_session_fetch (fresh, old, 1, 0, NULL, &error);
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_UIDVALIDITY);
  g_assert_null (bytes);
  g_clear_error (&error);
  g_assert_false (hd_imap_session_mark_handled (fresh, old, (guint32[]) { 1 }, 1, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_UIDVALIDITY);
  g_assert_true (hd_mail_error_is_temporary (error));
  g_clear_error (&error);

  /* The session that knew the old folder finds out too, and marks
   * nothing with its old UIDs. */
  g_assert_false (hd_imap_session_mark_handled (session, old, (guint32[]) { 1 }, 1, NULL, &error));
  g_assert_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_UIDVALIDITY);
  g_clear_pointer (&uids, g_array_unref);
  uids = list_unhandled (fresh);
  assert_uids (uids, 1, 1);

  /* Opened again, the old session takes the folder as it is now. */
  g_clear_error (&error);
  g_assert_true (hd_imap_session_open (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hd_imap_session_get_uidvalidity (session), ==,
                    hd_imap_session_get_uidvalidity (fresh));
  g_clear_pointer (&uids, g_array_unref);
  uids = list_unhandled (session);
  assert_uids (uids, 1, 1);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = hd_imap_session_fetch (session, hd_imap_session_get_uidvalidity (session), 1, 0,
                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                  "Subject: new"));
}

static void
test_cancel_fetch (Server       *server,
                   gconstpointer data)
{
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = make_message (1);
  guint32 uidvalidity;

  if (server->imap == NULL)
    return;
  hd_test_imap_append (server->imap, message);
  session = open_session (server);
  uidvalidity = hd_imap_session_get_uidvalidity (session);
  g_cancellable_cancel (cancellable);
  bytes = hd_imap_session_fetch (session, uidvalidity, 1, 0, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* A cancelled call leaves the session usable. */
  bytes = hd_imap_session_fetch (session, uidvalidity, 1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, strlen (message));
  {
    g_autofree char *flags = hd_test_imap_flags (server->imap, 1);

    g_assert_cmpstr (flags, ==, "");
  }
}

/* A folder far larger than one answer line of libcurl's holds, some
 * of it handled, some deleted: listed whole and exactly. Set
 * HELPDESK_TEST_MAIL_LARGE to try another size (100000). */
static void
test_list_large (Server       *server,
                 gconstpointer data)
{
  const char *size = g_getenv ("HELPDESK_TEST_MAIL_LARGE");
  guint n = size != NULL ? (guint) g_ascii_strtoull (size, NULL, 10) : 5000;
  g_autoptr(HdImapSession) session = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GString) handled = g_string_new (NULL);
  g_autoptr(GString) deleted = g_string_new (NULL);
  guint expected = 0;
  gint64 start;

  if (server->imap == NULL)
    return;
  hd_test_imap_deliver_many (server->imap, n);
  session = open_session (server);
  for (guint uid = 1; uid <= n; uid++)
    {
      GString *set = uid % 7 == 0 ? handled : uid % 11 == 0 ? deleted : NULL;

      if (set == NULL)
        expected++;
      else
        g_string_append_printf (set, "%s%u", set->len > 0 ? "," : "", uid);
      /* Commands of a few kilobytes each. */
      if (handled->len > 4000 || uid == n)
        {
          hd_test_imap_add_flags_to_set (server->imap, handled->str, "\\Seen " HD_IMAP_KEYWORD);
          g_string_truncate (handled, 0);
        }
      if (deleted->len > 4000 || uid == n)
        {
          hd_test_imap_add_flags_to_set (server->imap, deleted->str, "\\Deleted");
          g_string_truncate (deleted, 0);
        }
    }

  start = g_get_monotonic_time ();
  uids = list_unhandled (session);
  g_test_message ("%u messages listed in %.0f ms", n, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (uids->len, ==, expected);
  for (guint i = 0, uid = 1; i < uids->len; i++, uid++)
    {
      while (uid % 7 == 0 || (uid % 11 == 0))
        uid++;
      g_assert_cmpuint (g_array_index (uids, guint32, i), ==, uid);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Server, NULL, server_set_up, func, server_tear_down)
  ADD ("/mail/imap/fetch-and-mark", test_fetch_and_mark);
  ADD ("/mail/imap/seen-by-a-person", test_seen_by_a_person);
  ADD ("/mail/imap/many-marked", test_many_marked);
  ADD ("/mail/imap/list-large", test_list_large);
  ADD ("/mail/imap/too-large", test_too_large);
  ADD ("/mail/imap/gone", test_gone);
  ADD ("/mail/imap/uidvalidity", test_uidvalidity);
  ADD ("/mail/imap/cancel", test_cancel_fetch);
#undef ADD

  return g_test_run ();
}
