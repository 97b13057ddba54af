/* test-ticket-list.c — the lazy, paged ticket list model, and how it stays live
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

/* Many tickets are written in one statement, as another tool could: one
 * a second, so that the last updated is the last filed. */
#define BULK_FILL \
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)" \
  " INSERT INTO tickets (title, description, status, requester_id, created_at, updated_at)" \
  " SELECT printf ('Ticket %03d', i), 'Details', 'open'," \
  "  (SELECT id FROM people WHERE login = 'req1'), i * 1000000, i * 1000000 FROM n"

static void
fill (HdStore *store,
      guint    n)
{
  sqlite3 *db = hd_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* Seeding only: no need to wait for the disk after each ticket. */
  sqlite3_exec (db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);

  if (n > 10000)
    {
      g_assert_cmpint (sqlite3_prepare_v2 (db, BULK_FILL, -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_int (stmt, 1, n);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      return;
    }

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

/* Asks for the row at @position and waits until it is real. */
static gint64
load (Fixture *f,
      guint    position)
{
  g_autoptr(HdTicket) first = g_list_model_get_item (G_LIST_MODEL (f->list), position);

  wait_idle (f);
  return number_at (f, position);
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

/* The length of the list when it became complete. */
static void
record_complete_cb (HdTicketList *list,
                    GParamSpec   *pspec,
                    guint        *n_items)
{
  if (hd_ticket_list_is_complete (list))
    *n_items = g_list_model_get_n_items (G_LIST_MODEL (list));
}

static void
test_first_page_then_numbers (Fixture       *f,
                              gconstpointer  data)
{
  HdTicketFilter all = { 0 };
  HdTicketFilter by_title = { .sort = HD_TICKET_SORT_TITLE };
  guint completed = 0;
  g_autoptr(HdTicket) first = NULL;
  g_autoptr(HdTicket) placeholder = NULL;

  /* The first page comes with its rows, then the rest of the list. */
  set_filter (f, &all);
  assert_changes (f, (Change[]) { { 0, 0, 100 }, { 100, 0, 150 } }, 2);
  g_assert_cmpuint (hd_ticket_list_get_n_loaded_pages (f->list), ==, 1);
  first = g_list_model_get_item (G_LIST_MODEL (f->list), 5);
  g_assert_false (hd_ticket_is_placeholder (first));
  g_assert_cmpint (hd_ticket_get_number (first), ==, 6);
  g_assert_false (hd_ticket_list_is_loading (f->list));

  /* The last, short page: a placeholder until it is read. */
  placeholder = g_list_model_get_item (G_LIST_MODEL (f->list), 249);
  g_assert_true (hd_ticket_is_placeholder (placeholder));
  wait_idle (f);
  assert_changes (f, (Change[]) { { 200, 50, 50 } }, 1);
  g_assert_cmpint (number_at (f, 249), ==, 250);
  g_assert_cmpuint (hd_ticket_list_get_n_loaded_pages (f->list), ==, 2);
  g_assert_cmpuint (hd_ticket_list_find (f->list, 250), ==, 249);
  g_assert_cmpuint (hd_ticket_list_find (f->list, 251), ==, G_MAXUINT);

  /* Not complete from a new filter on until its whole list is shown. */
  g_assert_true (hd_ticket_list_is_complete (f->list));
  g_signal_connect (f->list, "notify::complete", G_CALLBACK (record_complete_cb), &completed);
  hd_ticket_list_set_filter (f->list, &by_title);
  g_assert_false (hd_ticket_list_is_complete (f->list));
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 250, 100 }, { 100, 0, 150 } }, 2);
  g_assert_true (hd_ticket_list_is_complete (f->list));
  g_assert_cmpuint (completed, ==, 250);
  g_signal_handlers_disconnect_by_func (f->list, record_complete_cb, &completed);
}

static void
test_sort_and_filter (Fixture       *f,
                      gconstpointer  data)
{
  HdTicketFilter newest_first = { .sort = HD_TICKET_SORT_NUMBER, .descending = TRUE };
  HdTicketFilter search = { .search = "Ticket 01" };

  set_filter (f, &newest_first);
  assert_changes (f, (Change[]) { { 0, 0, 100 }, { 100, 0, 150 } }, 2);
  g_assert_cmpint (number_at (f, 0), ==, 250);
  g_assert_cmpint (load (f, 180), ==, 70);
  g_array_set_size (f->changes, 0);

  /* "Ticket 010" … "Ticket 019": a new filter replaces everything. */
  set_filter (f, &search);
  assert_changes (f, (Change[]) { { 0, 250, 10 } }, 1);
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
   * one reaches the view. */
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
  g_autoptr(HdTicket) changed = NULL;
  g_autoptr(HdTicket) extra = NULL;
  g_autoptr(HdTicket) reread = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketChanges rename = { .title = "Renamed elsewhere" };

  set_filter (f, &all);
  assert_changes (f, (Change[]) { { 0, 0, 100 }, { 100, 0, 150 } }, 2);

  /* Nothing changed: a reload announces nothing, nor does the same filter
   * set again. */
  hd_ticket_list_reload (f->list);
  wait_idle (f);
  set_filter (f, &all);
  assert_changes (f, NULL, 0);

  /* Another client renames ticket 3: only its row is announced. */
  changed = hd_store_update_ticket (f->disp, 3, 0, &rename, &error);
  g_assert_no_error (error);
  hd_ticket_list_reload_tickets (f->list, (gint64[]) { 3 }, 1);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 2, 1, 1 } }, 1);
  reread = g_list_model_get_item (G_LIST_MODEL (f->list), 2);
  g_assert_cmpstr (hd_ticket_get_title (reread), ==, "Renamed elsewhere");

  /* A new ticket is one more row, at its place. */
  extra = hd_test_file_ticket (f->disp, "One more");
  hd_ticket_list_reload_tickets (f->list, (gint64[]) { 251 }, 1);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 250, 0, 1 } }, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 251);
}

/* Last updated first, a ticket updated elsewhere moves to the top: it
 * leaves its place and arrives at the first, and the rows in between stay
 * where views have them. */
static void
test_reload_moves_a_row (Fixture       *f,
                         gconstpointer  data)
{
  HdTicketFilter recent = { .sort = HD_TICKET_SORT_UPDATED, .descending = TRUE };
  HdTicketChanges rename = { .title = "Updated elsewhere" };
  g_autoptr(HdTicket) moved = NULL;
  g_autoptr(HdTicket) top = NULL;
  g_autoptr(GError) error = NULL;

  set_filter (f, &recent);
  g_assert_cmpint (load (f, 150), ==, 100);
  g_array_set_size (f->changes, 0);

  moved = hd_store_update_ticket (f->disp, 100, 0, &rename, &error);
  g_assert_no_error (error);
  hd_ticket_list_reload_tickets (f->list, (gint64[]) { 100 }, 1);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 0, 1 }, { 151, 1, 0 } }, 2);
  top = g_list_model_get_item (G_LIST_MODEL (f->list), 0);
  g_assert_cmpint (hd_ticket_get_number (top), ==, 100);
  g_assert_cmpstr (hd_ticket_get_title (top), ==, "Updated elsewhere");
  g_assert_cmpint (number_at (f, 150), ==, 101);
  g_assert_cmpint (number_at (f, 151), ==, 99);
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
    g_assert_cmpint (load (f, pos), ==, pos + 1);

  g_assert_cmpuint (hd_ticket_list_get_n_loaded_pages (f->list), <=, 12);
}

/* Which pages' rows were announced since the last call. */
static GHashTable *
announced_pages (Fixture *f)
{
  GHashTable *pages = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *c = &g_array_index (f->changes, Change, i);

      g_assert_cmpuint (c->removed, ==, c->added);
      g_assert_cmpuint (c->added, <=, HD_TICKET_LIST_PAGE_SIZE);
      g_hash_table_add (pages, GUINT_TO_POINTER (c->position / HD_TICKET_LIST_PAGE_SIZE));
    }

  g_array_set_size (f->changes, 0);
  return pages;
}

/* Asks for pages 1 to 20, one after the other, while the file is locked:
 * as a view scrolled past them faster than the file answers. */
static void
ask_for_twenty_pages (Fixture *f)
{
  for (guint page = 1; page <= 20; page++)
    {
      g_autoptr(HdTicket) row = g_list_model_get_item (G_LIST_MODEL (f->list),
                                                       page * HD_TICKET_LIST_PAGE_SIZE + 50);

      g_assert_true (hd_ticket_is_placeholder (row));
    }
}

/* Only the pages asked for last are read; the worker was held up by a
 * lock meanwhile, and at most the page it had started on is read too. */
static void
test_stale_pages_dropped (Fixture       *f,
                          gconstpointer  data)
{
  HdTicketFilter all = { 0 };
  g_autoptr(GHashTable) pages = NULL;
  sqlite3 *db = hd_store_get_db (f->disp);
  guint extra = 0;

  set_filter (f, &all);
  g_array_set_size (f->changes, 0);

  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  ask_for_twenty_pages (f);
  g_usleep (G_USEC_PER_SEC / 10);
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  wait_idle (f);

  pages = announced_pages (f);
  for (guint page = 13; page <= 20; page++)
    g_assert_true (g_hash_table_contains (pages, GUINT_TO_POINTER (page)));
  for (guint page = 1; page <= 12; page++)
    extra += g_hash_table_contains (pages, GUINT_TO_POINTER (page));
  g_assert_cmpuint (extra, <=, 1);
  g_assert_cmpuint (g_hash_table_size (pages), ==, 8 + extra);
}

/* Pages asked for under one filter are never announced under the next. */
static void
test_new_filter_drops_pages (Fixture       *f,
                             gconstpointer  data)
{
  HdTicketFilter all = { 0 };
  HdTicketFilter newest_first = { .sort = HD_TICKET_SORT_NUMBER, .descending = TRUE };

  set_filter (f, &all);
  g_array_set_size (f->changes, 0);

  ask_for_twenty_pages (f);
  hd_ticket_list_set_filter (f->list, &newest_first);
  wait_idle (f);
  assert_changes (f, (Change[]) { { 0, 2500, 100 }, { 100, 0, 2400 } }, 2);
  g_assert_cmpint (number_at (f, 0), ==, 2500);
  /* The rows of both first pages, and none of the pages asked for. */
  g_assert_cmpuint (hd_ticket_list_get_n_loaded_pages (f->list), ==, 2);
}

/* 100 000 open tickets, last updated first, while a view scrolls and
 * another desk files and updates tickets: each change arrives at its
 * position, never as the whole list again, and the view gets real rows. */
static void
test_live_while_scrolling (Fixture       *f,
                           gconstpointer  data)
{
  HdTicketFilter recent = {
    .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) | HD_STATUS_MASK (HD_STATUS_OPEN),
    .sort = HD_TICKET_SORT_UPDATED,
    .descending = TRUE,
  };
  const guint stops[] = { 0, 50000, 99950, 1000, 0 };
  guint n = GPOINTER_TO_UINT (data);

  set_filter (f, &recent);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, n);
  g_array_set_size (f->changes, 0);

  for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
    {
      g_autofree char *title = g_strdup_printf ("Filed while scrolling %u", i);
      HdTicketChanges rename = { .title = "Touched while scrolling" };
      g_autoptr(HdTicket) filed = NULL;
      g_autoptr(HdTicket) touched = NULL;
      g_autoptr(HdTicket) top = NULL;
      g_autoptr(GError) error = NULL;
      gint64 shown;

      /* The view is at this stop; its ticket is updated elsewhere, and a
       * new one is filed. */
      shown = load (f, stops[i] + 10);
      g_array_set_size (f->changes, 0);
      touched = hd_store_update_ticket (f->disp, shown, 0, &rename, &error);
      g_assert_no_error (error);
      filed = hd_test_file_ticket (f->disp, title);
      hd_ticket_list_reload_tickets (f->list, (gint64[]) { shown, hd_ticket_get_number (filed) },
                                     2);
      wait_idle (f);

      n++;
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, n);
      for (guint j = 0; j < f->changes->len; j++)
        {
          Change *c = &g_array_index (f->changes, Change, j);

          g_assert_cmpuint (c->removed + c->added, <=, 2);
        }
      g_assert_cmpuint (hd_ticket_list_find (f->list, hd_ticket_get_number (filed)), ==, 0);
      g_assert_cmpuint (hd_ticket_list_find (f->list, shown), ==, 1);
      g_assert_cmpint (load (f, 0), ==, hd_ticket_get_number (filed));
      top = g_list_model_get_item (G_LIST_MODEL (f->list), 0);
      g_assert_cmpstr (hd_ticket_get_title (top), ==, title);
      g_assert_cmpuint (hd_ticket_list_get_n_loaded_pages (f->list), <=, 12);
    }
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GArray **counts = user_data;
  g_autoptr(GError) error = NULL;

  *counts = hd_ticket_list_count_finish (HD_TICKET_LIST (source), result, &error);
  g_assert_no_error (error);
}

static GArray *
count (Fixture              *f,
       const HdTicketFilter *filters,
       guint                 n_filters)
{
  GArray *counts = NULL;

  hd_ticket_list_count_async (f->list, filters, n_filters, NULL, counted_cb, &counts);
  while (counts == NULL)
    g_main_context_iteration (NULL, TRUE);
  return counts;
}

/* Counting other filters on the list's thread, for a window's views. */
static void
test_counts (Fixture       *f,
             gconstpointer  data)
{
  const HdTicketFilter filters[] = {
    { 0 },
    { .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) },
    { .status_mask = HD_STATUS_MASK (HD_STATUS_CLOSED) },
    { .search = "Ticket 01" },
  };
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autoptr(HdTicket) extra = NULL;

  before = count (f, filters, G_N_ELEMENTS (filters));
  g_assert_cmpuint (before->len, ==, 4);
  g_assert_cmpuint (g_array_index (before, guint, 0), ==, 250);
  g_assert_cmpuint (g_array_index (before, guint, 1), ==, 250);
  g_assert_cmpuint (g_array_index (before, guint, 2), ==, 0);
  g_assert_cmpuint (g_array_index (before, guint, 3), ==, 10);

  extra = hd_test_file_ticket (f->disp, "Ticket 01 again");
  after = count (f, filters, G_N_ELEMENTS (filters));
  g_assert_cmpuint (g_array_index (after, guint, 0), ==, 251);
  g_assert_cmpuint (g_array_index (after, guint, 1), ==, 251);
  g_assert_cmpuint (g_array_index (after, guint, 3), ==, 11);
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
  ADD ("/ticket-list/first-page-then-numbers", 250, test_first_page_then_numbers);
  ADD ("/ticket-list/sort-and-filter", 250, test_sort_and_filter);
  ADD ("/ticket-list/newer-filter-wins", 250, test_newer_filter_wins);
  ADD ("/ticket-list/reload", 250, test_reload_after_outside_change);
  ADD ("/ticket-list/reload-moves-a-row", 250, test_reload_moves_a_row);
  ADD ("/ticket-list/memory-is-bounded", 2500, test_memory_is_bounded);
  ADD ("/ticket-list/stale-pages-dropped", 2500, test_stale_pages_dropped);
  ADD ("/ticket-list/new-filter-drops-pages", 2500, test_new_filter_drops_pages);
  ADD ("/ticket-list/live-while-scrolling", 100000, test_live_while_scrolling);
  ADD ("/ticket-list/counts", 250, test_counts);
  ADD ("/ticket-list/requester-sees-own", 0, test_requester_sees_own);
  ADD ("/ticket-list/unusable-file", 0, test_unusable_file);
#undef ADD

  return g_test_run ();
}
