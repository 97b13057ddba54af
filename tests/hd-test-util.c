/* hd-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-test-util.h"

/* G_TEST_OPTION_ISOLATE_DIRS gives every test case its own XDG folders
 * (but not its own TMPDIR): files go there and vanish with the test. */
const char *
hd_test_dir (void)
{
  const char *dir = g_get_user_data_dir ();

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

char *
hd_test_new_path (const char *name)
{
  static guint counter;
  g_autofree char *base = g_strdup_printf ("%s-%u.db", name, ++counter);

  return g_build_filename (hd_test_dir (), base, NULL);
}

static void
add_person (HdStore    *store,
            const char *login,
            HdRole      role,
            int         tier)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) person = NULL;
  HdPersonDraft draft = { .login = login, .name = login, .role = role, .tier = tier };

  person = hd_store_add_person (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
}

void
hd_test_add_people (HdStore *store)
{
  add_person (store, "tech1", HD_ROLE_TECHNICIAN, 1);
  add_person (store, "tech2", HD_ROLE_TECHNICIAN, 2);
  add_person (store, "req1", HD_ROLE_REQUESTER, 0);
  add_person (store, "req2", HD_ROLE_REQUESTER, 0);
}

HdStore *
hd_test_new_helpdesk_at (const char *path)
{
  g_autoptr(GError) error = NULL;
  HdStore *store;

  store = hd_store_create (path, "disp", "Test office", &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  hd_test_add_people (store);
  return store;
}

HdStore *
hd_test_new_helpdesk (char **path)
{
  g_autofree char *file = hd_test_new_path ("helpdesk");
  HdStore *store = hd_test_new_helpdesk_at (file);

  if (path != NULL)
    *path = g_steal_pointer (&file);
  return store;
}

HdStore *
hd_test_open_as (const char *path,
                 const char *login)
{
  g_autoptr(GError) error = NULL;
  HdStore *store = hd_store_open (path, login, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

HdTicket *
hd_test_file_ticket (HdStore    *store,
                     const char *title)
{
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  HdTicket *ticket;

  draft.title = title;
  draft.description = "Details";
  ticket = hd_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  return ticket;
}

GBytes *
hd_test_read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}
