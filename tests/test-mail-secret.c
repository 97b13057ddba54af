/* test-mail-secret.c — the mailbox password in a real keyring
 *
 * A D-Bus session of the test's own with GNOME Keyring in it,
 * unlocked with a password of the test's, its keyrings in the test's
 * isolated data folder; skipped when gnome-keyring is not installed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include <libsecret/secret.h>

#include "hd-mail-secret.h"

typedef struct {
  char            *dir;
  GSubprocess     *bus;
  GSubprocess     *keyring;
  HdMailAccount   *account;
} Keyring;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
secrets_served (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
start_keyring (Keyring    *keyring,
               const char *daemon)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *in;

  keyring->dir = g_dir_make_tmp ("hd-test-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* Its keyrings and its socket in a folder of the test's own. */
  g_subprocess_launcher_setenv (launcher, "HOME", keyring->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", keyring->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", keyring->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", keyring->dir, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  keyring->keyring = g_subprocess_launcher_spawn (launcher, &error, daemon, "--foreground",
                                                  "--unlock", "--components=secrets", NULL);
  g_assert_no_error (error);
  /* The keyring's own password, on standard input: it makes the login
   * keyring with it and unlocks it. */
  in = g_subprocess_get_stdin_pipe (keyring->keyring);
  g_output_stream_write_all (in, "keyring password", 16, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (in, NULL, NULL);

  for (guint i = 0; i < 3000 && !secrets_served (); i++)
    g_usleep (10 * 1000);
  g_assert_true (secrets_served ());
}

/* A bus of our own: never the desktop's, whose keyring is a person's. Not
 * GTestDBus, whose end waits for libsecret to let go of the connection,
 * which it never quite does. */
static void
start_bus (Keyring *keyring)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  keyring->bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session",
                                              "--nofork", "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (keyring->bus));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
}

/* One bus and one keyring for every test: the bus connection is the
 * process's own (libsecret's included), made once. */
static Keyring the_keyring;

static gboolean
keyring_start (Keyring *keyring)
{
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  g_autoptr(GDBusConnection) bus = NULL;

  if (daemon == NULL)
    return FALSE;
  start_bus (keyring);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_assert_nonnull (bus);
  /* The bus goes away before the program ends: that is no reason to
   * end it early. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  start_keyring (keyring, daemon);
  return TRUE;
}

static void
stop_process (GSubprocess **process)
{
  if (*process == NULL)
    return;
  g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

static void
keyring_stop (Keyring *keyring)
{
  secret_service_disconnect ();
  stop_process (&keyring->keyring);
  stop_process (&keyring->bus);
  if (keyring->dir != NULL)
    {
      const char *argv[] = { "rm", "-rf", "--", keyring->dir, NULL };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    NULL, NULL);
      g_clear_pointer (&keyring->dir, g_free);
    }
}

static void
keyring_set_up (Keyring      *keyring,
                gconstpointer data)
{
  if (the_keyring.keyring == NULL)
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

  if (keyring->account == NULL)
    return;
  hd_mail_password_store_async ("file-a", keyring->account, "s3cret: ünïcode", NULL,
                                async_done_cb, &stored);
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

  keyring_start (&the_keyring);
  status = g_test_run ();
  keyring_stop (&the_keyring);
  return status;
}
