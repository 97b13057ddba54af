/* test-mail-secret.c — the mailbox password in a real keyring
 *
 * A D-Bus session of the test's own with GNOME Keyring in it,
 * unlocked with a password of the test's, its keyrings in the test's
 * isolated data folder; skipped when gnome-keyring is not installed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include "hd-mail-secret.h"
#include "hd-test-mail.h"

typedef struct {
  HdMailAccount   *account;
} Keyring;

/* One bus and one keyring for every test. */
static HdTestKeyring *the_keyring;

static void
keyring_set_up (Keyring      *keyring,
                gconstpointer data)
{
  if (the_keyring == NULL)
    {
      g_test_skip ("gnome-keyring is not installed (apt install gnome-keyring)");
      return;
    }
  keyring->account = hd_mail_account_new ();
  keyring->account->imap.host = g_strdup ("imap.office.test");
  keyring->account->smtp.host = g_strdup ("smtp.office.test");
  keyring->account->user = g_strdup ("support@office.test");
  keyring->account->address = g_strdup ("support@office.test");
}

static void
keyring_tear_down (Keyring      *keyring,
                   gconstpointer data)
{
  g_clear_pointer (&keyring->account, hd_mail_account_free);
}

static char *
lookup (const char          *file_id,
        const HdMailAccount *account)
{
  g_autoptr(GError) error = NULL;
  char *password = hd_mail_password_lookup (file_id, account, NULL, &error);

  g_assert_no_error (error);
  return password;
}

static void
test_store_lookup_clear (Keyring      *keyring,
                         gconstpointer data)
{
  g_autoptr(HdMailAccount) other_user = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  if (keyring->account == NULL)
    return;
  password = lookup ("file-a", keyring->account);
  g_assert_null (password);

  g_assert_true (hd_mail_password_store ("file-a", keyring->account, "app password 1", NULL, &error));
  g_assert_no_error (error);
  password = lookup ("file-a", keyring->account);
  g_assert_cmpstr (password, ==, "app password 1");
  hd_mail_password_free (password);

  /* Another helpdesk file, or another user, has a password of its own. */
  g_assert_null (lookup ("file-b", keyring->account));
  other_user = hd_mail_account_copy (keyring->account);
  g_free (other_user->user);
  other_user->user = g_strdup ("alerts@office.test");
  g_assert_null (lookup ("file-a", other_user));

  /* Stored again, it replaces the first. */
  g_assert_true (hd_mail_password_store ("file-a", keyring->account, "app password 2", NULL, &error));
  password = lookup ("file-a", keyring->account);
  g_assert_cmpstr (password, ==, "app password 2");
  hd_mail_password_free (password);

  g_assert_true (hd_mail_password_clear ("file-a", keyring->account, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (lookup ("file-a", keyring->account));
  /* Clearing what is not there is no failure. */
  g_assert_true (hd_mail_password_clear ("file-a", keyring->account, NULL, &error));
  g_assert_no_error (error);
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (Keyring      *keyring,
            gconstpointer data)
{
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  HdMailAccount *account;
  char *file_id;

  if (keyring->account == NULL)
    return;
  /* The caller's strings are gone (and overwritten) before the keyring
   * answers: the call must not need them any more. */
  account = hd_mail_account_copy (keyring->account);
  file_id = g_strdup ("file-a");
  hd_mail_password_store_async (file_id, account, "s3cret: ünïcode", NULL,
                                async_done_cb, &stored);
  memset (account->user, 'x', strlen (account->user));
  memset (account->imap.host, 'x', strlen (account->imap.host));
  memset (file_id, 'x', strlen (file_id));
  hd_mail_account_free (account);
  g_free (file_id);
  g_assert_true (hd_mail_password_store_finish (wait_for (&stored), &error));
  g_assert_no_error (error);
  hd_mail_password_lookup_async ("file-a", keyring->account, NULL, async_done_cb, &found);
  password = hd_mail_password_lookup_finish (wait_for (&found), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "s3cret: ünïcode");
  hd_mail_password_free (password);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/mail/secret/store-lookup-clear", Keyring, NULL, keyring_set_up,
              test_store_lookup_clear, keyring_tear_down);
  g_test_add ("/mail/secret/async", Keyring, NULL, keyring_set_up, test_async,
              keyring_tear_down);

  the_keyring = hd_test_keyring_start ();
  status = g_test_run ();
  hd_test_keyring_stop (the_keyring);
  return status;
}
