/* test-ticket-list.c — the lazy, paged ticket list model
 *
 * Every items-changed emission is recorded and compared exactly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-store-private.h"
#include "hd-test-util.h"
#include "hd-ticket-list.h"

typedef struct {
  guint position;
  guint removed;
  guint added;
} Change;

typedef struct {
  char         *path;
  HdStore      *disp;
  HdTicketList *list;
  GArray       *changes;
  GError       *failure;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  Change change = { position, removed, added };

  g_array_append_val (f->changes, change);
}

static void
failed_cb (HdTicketList *list,
           GError       *error,
           Fixture      *f)
{
  g_clear_error (&f->failure);
  f->failure = g_error_copy (error);
}

static void
fill (HdStore *store,
      guint    n)
{
  /* Seeding only: no need to wait for the disk after each ticket. */
  sqlite3_exec (hd_store_get_db (store), "PRAGMA synchronous = OFF", NULL, NULL, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Ticket %03u", i + 1);
      g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, title);
    }
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->disp = hd_test_new_helpdesk (&f->path);
  fill (f->disp, GPOINTER_TO_UINT (data));
  f->changes = g_array_new (FALSE, TRUE, sizeof (Change));
  f->list = hd_ticket_list_new (f->path, "disp");
  g_signal_connect (f->list, "items-changed", G_CALLBACK (items_changed_cb), f);
  g_signal_connect (f->list, "failed", G_CALLBACK (failed_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->list);
  g_clear_object (&f->disp);
  g_clear_pointer (&f->changes, g_array_unref);
  g_clear_error (&f->failure);
  g_free (f->path);
}

/* Runs the main context until the list has nothing in flight. */
static void
wait_idle (Fixture *f)
{
  while (hd_ticket_list_is_loading (f->list))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
assert_changes (Fixture     *f,
                const Change *expected,
                guint        n_expected)
{
  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *c = &g_array_index (f->changes, Change, i);

      g_test_message ("items-changed (%u, %u, %u)", c->position, c->removed, c->added);
    }

  g_assert_cmpuint (f->changes->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      Change *c = &g_array_index (f->changes, Change, i);

      g_assert_cmpuint (c->position, ==, expected[i].position);
      g_assert_cmpuint (c->removed, ==, expected[i].removed);
      g_assert_cmpuint (c->added, ==, expected[i].added);
    }

  g_array_set_size (f->changes, 0);
}

static gint64
number_at (Fixture *f,
           guint    position)
{
  g_autoptr(HdTicket) ticket = g_list_model_get_item (G_LIST_MODEL (f->list), position);

  g_assert_nonnull (ticket);
  return hd_ticket_get_number (ticket);
}

static void
set_filter (Fixture              *f,
            const HdTicketFilter *filter)
{
  hd_ticket_list_set_filter (f->list, filter);
  g_assert_true (hd_ticket_list_is_loading (f->list));
  wait_idle (f);
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  HdTicketFilter all = { 0 };

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (f->list)) == HD_TYPE_TICKET);
  set_filter (f, &all);
  assert_changes (f, NULL, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (f->list), 0));
}

static void
test_pages_load_lazily (Fixture       *f,
                        gconstpointer  data)
{
  HdTicketFilter all = { 0 };
  g_autoptr(HdTicket) placeholder = NULL;

  set_filter (f, &all);
  assert_changes (f, (Change[]) { { 0, 0, 250 } }, 1);
  g_assert_cmpuint (hd_ticket_list_get_n_loaded_pages (f->list), ==, 0);

  /* The first look at a row gives a placeholder and loads its page. */
  placeholder = g_list_model_get_item (G_LIST_MODEL (f->list), 5);
  g_assert_true (hd_ticket_is_placeholder (placeholder));
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 100, 100 } }, 1);
  g_assert_cmpint (number_at (f, 5), ==, 6);

  /* The last, short page. */
  g_clear_object (&placeholder);
  placeholder = g_list_model_get_item (G_LIST_MODEL (f->list), 249);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 200, 50, 50 } }, 1);
  g_assert_cmpint (number_at (f, 249), ==, 250);
  g_assert_cmpuint (hd_ticket_list_get_n_loaded_pages (f->list), ==, 2);
}

static void
test_sort_and_filter (Fixture       *f,
                      gconstpointer  data)
{
  HdTicketFilter newest_first = { .sort = HD_TICKET_SORT_NUMBER, .descending = TRUE };
  HdTicketFilter search = { .search = "Ticket 01" };
  g_autoptr(HdTicket) first = NULL;

  set_filter (f, &newest_first);
  assert_changes (f, (Change[]) { { 0, 0, 250 } }, 1);
  first = g_list_model_get_item (G_LIST_MODEL (f->list), 0);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 100, 100 } }, 1);
  g_assert_cmpint (number_at (f, 0), ==, 250);

  /* "Ticket 010" … "Ticket 019": a new filter replaces everything. */
  set_filter (f, &search);
  assert_changes (f, (Change[]) { { 0, 250, 10 } }, 1);
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (f->list), 0);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 10, 10 } }, 1);
  g_assert_cmpint (number_at (f, 9), ==, 19);
}

static void
test_newer_filter_wins (Fixture       *f,
                        gconstpointer  data)
{
  HdTicketFilter all = { 0 };
  HdTicketFilter none = { .status_mask = HD_STATUS_MASK (HD_STATUS_CLOSED) };
  HdTicketFilter few = { .search = "Ticket 00" };

  /* Three filters in a row, faster than the file answers: only the last
   * one's count reaches the view. */
  hd_ticket_list_set_filter (f->list, &all);
  hd_ticket_list_set_filter (f->list, &none);
  hd_ticket_list_set_filter (f->list, &few);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 0, 9 } }, 1);
}

static void
test_reload_after_outside_change (Fixture       *f,
                                  gconstpointer  data)
{
  HdTicketFilter all = { 0 };
  g_autoptr(HdTicket) first = NULL;
  g_autoptr(HdTicket) changed = NULL;
  g_autoptr(HdTicket) extra = NULL;
  g_autoptr(HdTicket) reread = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketChanges rename = { .title = "Renamed elsewhere" };

  set_filter (f, &all);
  first = g_list_model_get_item (G_LIST_MODEL (f->list), 0);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 0, 250 }, { 0, 100, 100 } }, 2);

  /* Nothing changed: a reload announces nothing. */
  hd_ticket_list_reload (f->list);
  wait_idle (f);
  assert_changes (f, NULL, 0);

  /* Another client renames ticket 3: only its page is announced. */
  changed = hd_store_update_ticket (f->disp, 3, 0, &rename, &error);
  g_assert_no_error (error);
  hd_ticket_list_reload (f->list);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 100, 100 } }, 1);
  reread = g_list_model_get_item (G_LIST_MODEL (f->list), 2);
  g_assert_cmpstr (hd_ticket_get_title (reread), ==, "Renamed elsewhere");

  /* A new ticket changes the count. */
  extra = hd_test_file_ticket (f->disp, "One more");
  hd_ticket_list_reload (f->list);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 250, 251 } }, 1);
}

static void
test_memory_is_bounded (Fixture       *f,
                        gconstpointer  data)
{
  HdTicketFilter all = { 0 };

  set_filter (f, &all);
  g_array_set_size (f->changes, 0);

  /* Scroll through all of it. */
  for (guint pos = 0; pos < 2500; pos += HD_TICKET_LIST_PAGE_SIZE)
    {
      g_autoptr(HdTicket) item = g_list_model_get_item (G_LIST_MODEL (f->list), pos);

      wait_idle (f);
      g_assert_cmpint (number_at (f, pos), ==, pos + 1);
    }

  g_assert_cmpuint (hd_ticket_list_get_n_loaded_pages (f->list), <=, 16);
}

static void
test_requester_sees_own (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(HdStore) req = hd_test_open_as (f->path, "req1");
  g_autoptr(HdTicket) mine = hd_test_file_ticket (req, "Mine");
  g_autoptr(HdTicketList) list = hd_ticket_list_new (f->path, "req1");
  g_autoptr(HdTicket) first = NULL;
  HdTicketFilter all = { 0 };

  hd_ticket_list_set_filter (list, &all);
  while (hd_ticket_list_is_loading (list))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  while (hd_ticket_list_is_loading (list))
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (hd_ticket_get_title (first), ==, "Mine");
}

static void
test_unusable_file (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = hd_test_new_path ("not-a-helpdesk");
  g_autoptr(HdTicketList) list = NULL;
  HdTicketFilter all = { 0 };

  g_assert_true (g_file_set_contents (path, "hello", -1, NULL));
  list = hd_ticket_list_new (path, "disp");
  g_signal_connect (list, "failed", G_CALLBACK (failed_cb), f);
  hd_ticket_list_set_filter (list, &all);
  while (hd_ticket_list_is_loading (list))
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (f->failure, HD_ERROR, HD_ERROR_NOT_HELPDESK);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, n, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (n), fixture_set_up, func, fixture_tear_down)
  ADD ("/ticket-list/empty", 0, test_empty);
  ADD ("/ticket-list/pages-load-lazily", 250, test_pages_load_lazily);
  ADD ("/ticket-list/sort-and-filter", 250, test_sort_and_filter);
  ADD ("/ticket-list/newer-filter-wins", 250, test_newer_filter_wins);
  ADD ("/ticket-list/reload", 250, test_reload_after_outside_change);
  ADD ("/ticket-list/memory-is-bounded", 2500, test_memory_is_bounded);
  ADD ("/ticket-list/requester-sees-own", 0, test_requester_sees_own);
  ADD ("/ticket-list/unusable-file", 0, test_unusable_file);
#undef ADD

  return g_test_run ();
}
