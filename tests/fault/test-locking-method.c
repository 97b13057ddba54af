/* test-locking-method.c — a file locked the wrong way for where it lives
 *
 * A helpdesk made on the file server's own disk gets POSIX locks; opened
 * through a share (bindfs, hd-test-share.h), whose POSIX locks may not
 * reach the other computers, it must refuse every write and say how to
 * switch. The dispatcher switches with `helpdesk-cli location
 * --set-locking`, which is refused while another desk holds the file, and
 * every desk that had the file open with the old method refuses its next
 * write until it opens the file again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-store-private.h"
#include "hd-test-share.h"
#include "hd-test-util.h"

/* Short waits: every refusal for a held file waits this long first. */
#define BUSY_TIMEOUT "300"

static int
run_cli (const char  *login,
         char       **out,
         char       **err,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("HELPDESK_CLI"));
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", login, TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_BUSY_TIMEOUT", BUSY_TIMEOUT, TRUE);
  cli = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (cli, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_test_message ("helpdesk-cli as %s: %s%s", login, *out, *err);
  return g_subprocess_get_exit_status (cli);
}

static char *
read_record (const char *path)
{
  g_autofree char *record = hd_store_locking_path (path);
  char *text = NULL;

  g_assert_true (g_file_get_contents (record, &text, NULL, NULL));
  return text;
}

/* A helpdesk with POSIX locks on the server's own disk, as a file made on
 * a local disk and copied to the share: its path through desk @i. */
static char *
seed_posix (HdTestShare *share,
            int          desk)
{
  g_autofree char *server_path = g_build_filename (share->src, "helpdesk.db", NULL);
  g_autoptr(HdStore) store = hd_test_new_helpdesk_at (server_path);
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, "Filed on the server");
  g_autofree char *record = read_record (server_path);

  g_assert_cmpint (hd_store_get_locking (store), ==, HD_LOCKING_POSIX);
  g_assert_cmpstr (record, ==, "posix\n");
  return g_build_filename (share->mounts[desk], "helpdesk.db", NULL);
}

static void
test_posix_on_share_refuses_writes (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicket) read = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  if (share == NULL)
    return;

  path = seed_posix (share, 0);
  before = hd_test_read_bytes (path);
  store = hd_test_open_as (path, "tech1");
  g_assert_true (hd_store_is_locking_unsafe (store));

  /* Reading works. */
  read = hd_store_get_ticket (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hd_ticket_get_title (read), ==, "Filed on the server");

  /* Every write is refused, saying why and how to switch. */
  draft.title = "Through the share";
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_null (ticket);
  g_assert_error (error, HD_ERROR, HD_ERROR_WRONG_LOCKING);
  g_assert_nonnull (strstr (error->message, "POSIX locks"));
  g_assert_nonnull (strstr (error->message, "helpdesk-cli location --set-locking dotfile"));
  g_assert_nonnull (strstr (error->message, "Nothing was changed"));
  g_clear_error (&error);
  event = hd_store_add_comment (store, 1, "Through the share", FALSE, &error);
  g_assert_null (event);
  g_assert_error (error, HD_ERROR, HD_ERROR_WRONG_LOCKING);

  g_clear_error (&error);
  g_clear_object (&store);

  /* A restore copies pages into the file itself: refused the same way. */
  store = hd_test_open_as (path, "disp");
  backup = g_build_filename (hd_test_dir (), "backup.db", NULL);
  g_assert_true (hd_store_backup (store, backup, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (hd_store_restore (store, backup, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_WRONG_LOCKING);

  g_clear_object (&store);
  after = hd_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

/* The tool says the same, with exit 5, and does not make such a file. */
static void
test_cli_refuses_writes (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *other = NULL;
  g_autofree char *out = NULL, *err = NULL;

  if (share == NULL)
    return;

  path = seed_posix (share, 0);
  g_assert_cmpint (run_cli ("tech1", &out, &err, "--db", path, "ticket", "new", "--title",
                            "Through the share", NULL), ==, 5);
  g_assert_nonnull (strstr (err, "--set-locking dotfile"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli ("tech1", &out, &err, "--db", path, "ticket", "list", "--csv",
                            NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Filed on the server"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Checking reads; FTS5's own check of the indexes, a write, is left out. */
  g_assert_cmpint (run_cli ("disp", &out, &err, "--db", path, "check", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "only compared with the tickets"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli ("disp", &out, &err, "--db", path, "alerts", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli ("disp", &out, &err, "--db", path, "location", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Locking:     posix (recommended here: dotfile)"));
  g_assert_nonnull (strstr (err, "every change to it is refused"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  other = g_build_filename (share->mounts[1], "other.db", NULL);
  g_assert_cmpint (run_cli ("disp", &out, &err, "--db", other, "init", "--locking", "posix",
                            NULL), ==, 5);
  g_assert_nonnull (strstr (err, "nothing was created"));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
}

/* The dispatcher switches; desks open the file again and write. A desk
 * that had the file open before (here on the server's own disk, where
 * its POSIX locks did work) refuses its next write. */
static void
test_switch (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *server_path = NULL;
  g_autofree char *record = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(HdStore) early = NULL;
  g_autoptr(HdStore) again = NULL;
  g_autoptr(HdStore) desk2 = NULL;
  g_autoptr(HdTicket) before = NULL;
  g_autoptr(HdTicket) refused = NULL;
  g_autoptr(HdTicket) after = NULL;
  g_autoptr(HdTicket) other = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

  if (share == NULL)
    return;

  path = seed_posix (share, 0);
  server_path = g_build_filename (share->src, "helpdesk.db", NULL);
  early = hd_test_open_as (server_path, "tech1");
  before = hd_test_file_ticket (early, "Before the switch");

  g_assert_cmpint (run_cli ("disp", &out, &err, "--db", path, "location", "--set-locking",
                            "dotfile", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "is now locked with “dotfile”"));
  record = read_record (path);
  g_assert_cmpstr (record, ==, "dotfile\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli ("tech1", &out, &err, "--db", path, "ticket", "new", "--title",
                            "After the switch", NULL), ==, 0);

  draft.title = "With the old method";
  refused = hd_store_create_ticket (early, &draft, &error);
  g_assert_null (refused);
  g_assert_error (error, HD_ERROR, HD_ERROR_LOCKING_CHANGED);
  g_assert_nonnull (strstr (error->message, "open the file again"));
  g_clear_error (&error);
  g_assert_false (hd_store_is_locking_current (early, NULL));

  again = hd_test_open_as (server_path, "tech1");
  g_assert_cmpint (hd_store_get_locking (again), ==, HD_LOCKING_DOTFILE);
  after = hd_test_file_ticket (again, "Opened again");
  desk2 = hd_test_open_as (g_build_filename (share->mounts[1], "helpdesk.db", NULL), "tech1");
  g_assert_false (hd_store_is_locking_unsafe (desk2));
  other = hd_test_file_ticket (desk2, "From the other desk");
  g_assert_cmpint (hd_ticket_get_number (other), ==, 5);
}

static void
test_switch_refused_for_requester (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *record = NULL;
  g_autofree char *out = NULL, *err = NULL;

  if (share == NULL)
    return;

  path = seed_posix (share, 0);
  g_assert_cmpint (run_cli ("req1", &out, &err, "--db", path, "location", "--set-locking",
                            "dotfile", NULL), ==, 4);
  g_assert_nonnull (strstr (err, "Only the dispatcher"));
  record = read_record (path);
  g_assert_cmpstr (record, ==, "posix\n");
}

/* Dot-files are right everywhere; POSIX locks on the share are not. */
static void
test_switch_to_posix_on_share_refused (void)
{
  g_autoptr(HdTestShare) share = hd_test_share_new ();
  g_autofree char *path = NULL;
  g_autofree char *record = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(HdStore) store = NULL;

  if (share == NULL)
    return;

  path = g_build_filename (share->mounts[0], "helpdesk.db", NULL);
  store = hd_test_new_helpdesk_at (path);
  g_assert_cmpint (hd_store_get_locking (store), ==, HD_LOCKING_DOTFILE);
  g_clear_object (&store);

  g_assert_cmpint (run_cli ("disp", &out, &err, "--db", path, "location", "--set-locking",
                            "posix", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "cannot be switched to POSIX locks"));
  record = read_record (path);
  g_assert_cmpstr (record, ==, "dotfile\n");
}

/* A desk in the middle of a change with POSIX locks (on the server's own
 * disk) holds the switch off; once it is done, the switch goes through. */
static void
test_switch_refused_while_posix_held (void)
{
  g_autofree char *path = NULL;
  g_autofree char *record = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) holder = hd_test_open_as (path, "tech1");
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_store_begin_write (holder, &error));
  g_assert_no_error (error);

  g_assert_cmpint (run_cli ("disp", &out, &err, "--db", path, "location", "--set-locking",
                            "dotfile", NULL), ==, 5);
  g_assert_nonnull (strstr (err, "Another desk is working with"));
  record = read_record (path);
  g_assert_cmpstr (record, ==, "posix\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&record, g_free);

  hd_store_rollback (holder);
  g_assert_cmpint (run_cli ("disp", &out, &err, "--db", path, "location", "--set-locking",
                            "dotfile", NULL), ==, 0);
  record = read_record (path);
  g_assert_cmpstr (record, ==, "dotfile\n");
}

/* The same with dot-files: a desk in a change holds FILE.lock. Run here,
 * not in a second process: the tool would wait for the lock to read the
 * file at all. */
static void
test_switch_refused_while_dotfile_held (void)
{
  g_autofree char *path = hd_test_new_path ("dotfile");
  g_autofree char *record = NULL;
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autoptr(HdStore) disp = NULL;
  g_autoptr(HdStore) holder = NULL;
  g_autoptr(GError) error = NULL;

  disp = hd_store_create_full (path, "disp", "Dot-file office", HD_LOCKING_DOTFILE, &error);
  g_assert_no_error (error);
  hd_test_add_people (disp);
  holder = hd_test_open_as (path, "tech1");
  g_setenv ("HELPDESK_BUSY_TIMEOUT", BUSY_TIMEOUT, TRUE);

  g_assert_true (hd_store_begin_write (holder, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (lock, G_FILE_TEST_IS_DIR));

  g_assert_false (hd_store_set_locking (disp, HD_LOCKING_POSIX, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "Another desk is working with"));
  g_clear_error (&error);
  record = read_record (path);
  g_assert_cmpstr (record, ==, "dotfile\n");
  g_clear_pointer (&record, g_free);

  hd_store_rollback (holder);
  g_assert_true (hd_store_set_locking (disp, HD_LOCKING_POSIX, &error));
  g_assert_no_error (error);
  record = read_record (path);
  g_assert_cmpstr (record, ==, "posix\n");
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));
  g_unsetenv ("HELPDESK_BUSY_TIMEOUT");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/fault/locking-method/posix-on-share-refuses-writes",
                   test_posix_on_share_refuses_writes);
  g_test_add_func ("/fault/locking-method/cli-refuses-writes", test_cli_refuses_writes);
  g_test_add_func ("/fault/locking-method/switch", test_switch);
  g_test_add_func ("/fault/locking-method/switch-refused-for-requester",
                   test_switch_refused_for_requester);
  g_test_add_func ("/fault/locking-method/switch-to-posix-on-share-refused",
                   test_switch_to_posix_on_share_refused);
  g_test_add_func ("/fault/locking-method/switch-refused-while-posix-held",
                   test_switch_refused_while_posix_held);
  g_test_add_func ("/fault/locking-method/switch-refused-while-dotfile-held",
                   test_switch_refused_while_dotfile_held);

  return g_test_run ();
}
