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

  /* Someone else's ticket is one that does not exist, in the same words. */
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  {
    g_autoptr(GError) missing = NULL;

    hd_rules_no_ticket (hd_ticket_get_number (f->ticket), &missing);
    g_assert_cmpstr (error->message, ==, missing->message);
  }
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
  g_assert_error (e2, HD_ERROR, HD_ERROR_NOT_FOUND);
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
  g_assert_error (e2, HD_ERROR, HD_ERROR_NOT_FOUND);
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

static HdArticle *
add_article (HdStore      *store,
             const char   *title,
             HdVisibility  visibility)
{
  g_autoptr(GError) error = NULL;
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;
  HdArticle *article;

  draft.title = title;
  draft.body = "Some text.";
  draft.visibility = visibility;
  article = hd_store_add_article (store, &draft, &error);
  g_assert_no_error (error);
  return article;
}

static void
test_quote_article (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HdArticle) faq = add_article (f->store, "Printer jams", HD_VISIBILITY_FAQ);
  g_autoptr(HdArticle) internal = add_article (f->store, "Printer driver install",
                                               HD_VISIBILITY_INTERNAL);

  g_assert_true (hd_rules_may_quote_article (faq, FALSE));
  g_assert_true (hd_rules_may_quote_article (faq, TRUE));
  g_assert_false (hd_rules_may_quote_article (internal, FALSE));
  g_assert_true (hd_rules_may_quote_article (internal, TRUE));
}

static HdTicket *
escalated (HdStore  *store,
           HdTicket *ticket,
           int       to_tier)
{
  g_autoptr(GError) error = NULL;
  HdTicket *moved = hd_store_escalate_ticket (store, hd_ticket_get_number (ticket), 0, to_tier,
                                              "Needs the next tier", &error);

  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_tier (moved), ==, to_tier);
  return moved;
}

static void
assert_escalate (HdPerson *actor,
                 HdTicket *ticket,
                 int       to_tier,
                 int       code)
{
  g_autoptr(GError) error = NULL;
  gboolean allowed = hd_rules_check_escalate (actor, ticket, to_tier, &error);

  g_test_message ("%s moves #%" G_GINT64_FORMAT " from tier %d to %d",
                  hd_person_get_login (actor), hd_ticket_get_number (ticket),
                  hd_ticket_get_tier (ticket), to_tier);
  if (code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (allowed);
    }
  else
    {
      g_assert_error (error, HD_ERROR, code);
      g_assert_false (allowed);
    }
}

#define OK -1
#define DENIED HD_ERROR_PERMISSION_DENIED
#define INVALID HD_ERROR_INVALID_INPUT

static void
test_escalate (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HdStore) as_req1 = hd_test_open_as (hd_store_get_path (f->store), "req1");
  g_autoptr(HdTicket) filed2 = hd_test_file_ticket (as_req1, "VPN");
  g_autoptr(HdTicket) filed3 = hd_test_file_ticket (as_req1, "Server");
  g_autoptr(HdTicket) filed4 = hd_test_file_ticket (as_req1, "Mail");
  g_autoptr(HdTicket) filed5 = hd_test_file_ticket (as_req1, "Phone");
  g_autoptr(HdTicket) filed6 = hd_test_file_ticket (as_req1, "Chair");
  g_autoptr(HdTicket) tier2 = escalated (f->store, filed2, 2);
  g_autoptr(HdTicket) tier3_step = escalated (f->store, filed3, 2);
  g_autoptr(HdTicket) tier3 = escalated (f->store, tier3_step, 3);
  g_autoptr(HdTicket) mine_step = escalated (f->store, filed4, 2);
  g_autoptr(HdTicket) tier2_mine = NULL;   /* tier 2, assigned to tech1 */
  g_autoptr(HdTicket) pending = NULL;
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(HdTicket) closed = NULL;
  g_autoptr(HdPerson) tech2 = find (f->store, "tech2");
  g_autoptr(HdPerson) gone = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonDraft draft = { .login = "gone", .name = "Gone", .role = HD_ROLE_TECHNICIAN, .tier = 3 };
  HdPersonChanges deactivate = { .active = 0 };

  tier2_mine = hd_store_assign_ticket (f->store, 4, 0, "tech1", &error);
  g_assert_no_error (error);
  pending = hd_store_set_ticket_status (f->store, 5, 0, HD_STATUS_PENDING, &error);
  g_assert_no_error (error);
  resolved = hd_store_set_ticket_status (f->store, 6, 0, HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);
  g_clear_object (&gone);
  gone = hd_store_add_person (f->store, &draft, &error);
  g_assert_no_error (error);
  g_clear_object (&gone);
  gone = hd_store_update_person (f->store, "gone", &deactivate, &error);
  g_assert_no_error (error);
  g_assert_false (hd_person_get_active (gone));

  /* Staff only; the dispatcher may do anything the tiers allow. */
  assert_escalate (f->tech1, f->ticket, 2, OK);
  assert_escalate (f->disp, f->ticket, 2, OK);
  assert_escalate (f->req1, f->ticket, 2, DENIED);
  assert_escalate (f->req2, f->ticket, 2, DENIED);
  assert_escalate (gone, f->ticket, 2, DENIED);
  assert_escalate (f->tech1, pending, 2, OK);

  /* One tier at a time, between 1 and 3. */
  assert_escalate (f->tech1, f->ticket, 1, INVALID);
  assert_escalate (f->tech1, f->ticket, 3, INVALID);
  assert_escalate (f->disp, f->ticket, 0, INVALID);
  assert_escalate (f->disp, tier3, 4, INVALID);
  assert_escalate (f->disp, tier3, 1, INVALID);
  assert_escalate (f->disp, tier3, 2, OK);
  assert_escalate (f->disp, tier2, 1, OK);
  assert_escalate (f->disp, tier2, 3, OK);

  /* A technician escalates from their own tier or below, or what is
   * theirs; returns a ticket down only from their own tier or below. */
  assert_escalate (f->tech1, tier2, 3, DENIED);
  assert_escalate (f->tech1, tier2, 1, DENIED);
  assert_escalate (tech2, tier2, 3, OK);
  assert_escalate (tech2, tier2, 1, OK);
  assert_escalate (tech2, tier3, 2, DENIED);
  assert_escalate (f->tech1, tier2_mine, 3, OK);
  assert_escalate (f->tech1, tier2_mine, 1, DENIED);

  /* Resolved and closed tickets stay where they are. */
  assert_escalate (f->tech1, resolved, 2, INVALID);
  assert_escalate (f->disp, resolved, 2, INVALID);
  closed = hd_store_set_ticket_status (f->store, 6, 0, HD_STATUS_CLOSED, &error);
  g_assert_no_error (error);
  assert_escalate (f->disp, closed, 2, INVALID);
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
  ADD ("/rules/escalate", test_escalate);
  ADD ("/rules/quote-article", test_quote_article);
#undef ADD

  return g_test_run ();
}
