/* test-rules.c — roles and the status workflow, as pure functions over
 * people and tickets read from a real file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-rules.h"
#include "hd-test-util.h"

typedef struct {
  HdStore  *store;
  HdPerson *disp;
  HdPerson *tech1;
  HdPerson *req1;
  HdPerson *req2;
  HdTicket *ticket;   /* filed by req1, new */
} Fixture;

static HdPerson *
find (HdStore    *store,
      const char *login)
{
  g_autoptr(GError) error = NULL;
  HdPerson *person = hd_store_find_person (store, login, &error);

  g_assert_no_error (error);
  return person;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) as_req1 = NULL;

  f->store = hd_test_new_helpdesk (&path);
  as_req1 = hd_test_open_as (path, "req1");
  f->ticket = hd_test_file_ticket (as_req1, "Mouse broken");
  f->disp = find (f->store, "disp");
  f->tech1 = find (f->store, "tech1");
  f->req1 = find (f->store, "req1");
  f->req2 = find (f->store, "req2");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->ticket);
  g_clear_object (&f->disp);
  g_clear_object (&f->tech1);
  g_clear_object (&f->req1);
  g_clear_object (&f->req2);
  g_clear_object (&f->store);
}

static void
test_transitions (void)
{
  /* rows: from; columns: to (new, open, pending, resolved, closed) */
  static const gboolean allowed[5][5] = {
    /* new */      { FALSE, TRUE,  TRUE,  TRUE,  TRUE  },
    /* open */     { FALSE, FALSE, TRUE,  TRUE,  TRUE  },
    /* pending */  { FALSE, TRUE,  FALSE, TRUE,  TRUE  },
    /* resolved */ { FALSE, TRUE,  FALSE, FALSE, TRUE  },
    /* closed */   { FALSE, FALSE, FALSE, FALSE, FALSE },
  };

  for (int from = HD_STATUS_NEW; from <= HD_STATUS_CLOSED; from++)
    for (int to = HD_STATUS_NEW; to <= HD_STATUS_CLOSED; to++)
      {
        g_test_message ("%d → %d", from, to);
        g_assert_cmpint (hd_rules_is_valid_transition (from, to), ==, allowed[from][to]);
      }
}

static void
test_visibility (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_rules_can_see_ticket (f->disp, f->ticket));
  g_assert_true (hd_rules_can_see_ticket (f->tech1, f->ticket));
  g_assert_true (hd_rules_can_see_ticket (f->req1, f->ticket));
  g_assert_false (hd_rules_can_see_ticket (f->req2, f->ticket));
  g_assert_false (hd_rules_check_see_ticket (f->req2, f->ticket, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
}

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_rules_check_create (f->req1, f->req1, NULL));
  g_assert_true (hd_rules_check_create (f->tech1, f->req2, NULL));
  g_assert_true (hd_rules_check_create (f->disp, f->req1, NULL));
  g_assert_false (hd_rules_check_create (f->req1, f->req2, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
}

static void
test_edit (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  g_assert_true (hd_rules_check_edit (f->tech1, f->ticket, TRUE, NULL));
  g_assert_true (hd_rules_check_edit (f->req1, f->ticket, FALSE, NULL));
  g_assert_false (hd_rules_check_edit (f->req1, f->ticket, TRUE, &e1));
  g_assert_error (e1, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_assert_false (hd_rules_check_edit (f->req2, f->ticket, FALSE, &e2));
  g_assert_error (e2, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
}

static void
test_status (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  g_assert_true (hd_rules_check_status (f->tech1, f->ticket, HD_STATUS_PENDING, NULL));
  g_assert_false (hd_rules_check_status (f->req1, f->ticket, HD_STATUS_CLOSED, &e1));
  g_assert_error (e1, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_assert_false (hd_rules_check_status (f->tech1, f->ticket, HD_STATUS_NEW, &e2));
  g_assert_error (e2, HD_ERROR, HD_ERROR_INVALID_INPUT);
}

static void
test_assign (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  g_assert_true (hd_rules_check_assign (f->disp, f->ticket, f->tech1, NULL));
  g_assert_true (hd_rules_check_assign (f->tech1, f->ticket, f->tech1, NULL));
  g_assert_true (hd_rules_check_assign (f->tech1, f->ticket, NULL, NULL));
  g_assert_false (hd_rules_check_assign (f->req1, f->ticket, f->tech1, &e1));
  g_assert_error (e1, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_assert_false (hd_rules_check_assign (f->disp, f->ticket, f->req2, &e2));
  g_assert_error (e2, HD_ERROR, HD_ERROR_INVALID_INPUT);
}

static void
test_comment (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  g_assert_true (hd_rules_check_comment (f->req1, f->ticket, FALSE, NULL));
  g_assert_true (hd_rules_check_comment (f->tech1, f->ticket, TRUE, NULL));
  g_assert_false (hd_rules_check_comment (f->req1, f->ticket, TRUE, &e1));
  g_assert_error (e1, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_assert_false (hd_rules_check_comment (f->req2, f->ticket, FALSE, &e2));
  g_assert_error (e2, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
}

static void
test_manage_people (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  g_assert_true (hd_rules_check_manage_people (f->disp, NULL));
  g_assert_false (hd_rules_check_manage_people (f->tech1, &e1));
  g_assert_error (e1, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_assert_false (hd_rules_check_manage_people (f->req1, &e2));
  g_assert_error (e2, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rules/transitions", test_transitions);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/rules/visibility", test_visibility);
  ADD ("/rules/create", test_create);
  ADD ("/rules/edit", test_edit);
  ADD ("/rules/status", test_status);
  ADD ("/rules/assign", test_assign);
  ADD ("/rules/comment", test_comment);
  ADD ("/rules/manage-people", test_manage_people);
#undef ADD

  return g_test_run ();
}
