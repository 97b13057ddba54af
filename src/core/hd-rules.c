/* hd-rules.c — roles and workflow
 *
 * Requesters see and comment on their own tickets, may correct a ticket
 * nobody has picked up yet, and may reopen a resolved one; they never
 * assign, triage or write internal notes. Technicians and dispatchers work
 * any ticket, and move it between the support tiers as the escalation rules
 * below allow. Only dispatchers manage people.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-enum-types.h"
#include "hd-error.h"
#include "hd-rules.h"

static gboolean
deny (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED, message);
  return FALSE;
}

static gboolean
is_own (HdPerson *me,
        HdTicket *ticket)
{
  return g_strcmp0 (hd_person_get_login (me), hd_ticket_get_requester (ticket)) == 0;
}

static gboolean
refuse_closed (HdTicket  *ticket,
               GError   **error)
{
  if (hd_ticket_get_status (ticket) != HD_STATUS_CLOSED)
    return TRUE;

  g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
               _("Ticket #%" G_GINT64_FORMAT " is closed and can no longer be changed. File a follow-up ticket instead."),
               hd_ticket_get_number (ticket));
  return FALSE;
}

/* new → open (assigned) → pending (waiting on requester) → resolved →
 * closed; resolved → open when the solution does not hold. A closed ticket
 * is final; later trouble is a follow-up ticket. */
gboolean
hd_rules_is_valid_transition (HdStatus from,
                              HdStatus to)
{
  switch (from)
    {
    case HD_STATUS_NEW:
      return to != HD_STATUS_NEW;
    case HD_STATUS_OPEN:
      return to == HD_STATUS_PENDING || to == HD_STATUS_RESOLVED || to == HD_STATUS_CLOSED;
    case HD_STATUS_PENDING:
      return to == HD_STATUS_OPEN || to == HD_STATUS_RESOLVED || to == HD_STATUS_CLOSED;
    case HD_STATUS_RESOLVED:
      return to == HD_STATUS_OPEN || to == HD_STATUS_CLOSED;
    case HD_STATUS_CLOSED:
      return FALSE;
    default:
      return FALSE;
    }
}

gboolean
hd_rules_can_see_ticket (HdPerson *me,
                         HdTicket *ticket)
{
  g_return_val_if_fail (HD_IS_PERSON (me), FALSE);
  g_return_val_if_fail (HD_IS_TICKET (ticket), FALSE);

  return hd_person_is_staff (me) || is_own (me, ticket);
}

/**
 * hd_rules_no_ticket:
 *
 * Sets %HD_ERROR_NOT_FOUND for ticket @number: for a number nobody filed,
 * and, in the very same words, for a ticket a requester may not see.
 */
void
hd_rules_no_ticket (gint64   number,
                    GError **error)
{
  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
               _("There is no ticket #%" G_GINT64_FORMAT "."), number);
}

gboolean
hd_rules_check_see_ticket (HdPerson  *me,
                           HdTicket  *ticket,
                           GError   **error)
{
  if (hd_rules_can_see_ticket (me, ticket))
    return TRUE;

  /* Not "permission denied": the same words as for a number nobody filed,
   * so that a requester cannot learn which numbers exist. */
  hd_rules_no_ticket (hd_ticket_get_number (ticket), error);
  return FALSE;
}

gboolean
hd_rules_check_create (HdPerson  *me,
                       HdPerson  *requester,
                       GError   **error)
{
  if (!hd_person_is_staff (me) && hd_person_get_id (requester) != hd_person_get_id (me))
    return deny (error, _("Requesters can file tickets only for themselves."));

  if (!hd_person_get_active (requester))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("“%s” has been deactivated and cannot file tickets."),
                   hd_person_get_login (requester));
      return FALSE;
    }

  return TRUE;
}

gboolean
hd_rules_check_edit (HdPerson  *me,
                     HdTicket  *ticket,
                     gboolean   changes_priority,
                     GError   **error)
{
  if (!hd_rules_check_see_ticket (me, ticket, error) || !refuse_closed (ticket, error))
    return FALSE;

  if (hd_person_is_staff (me))
    return TRUE;

  if (changes_priority)
    return deny (error, _("Only technicians and the dispatcher set a ticket’s priority."));

  if (hd_ticket_get_status (ticket) != HD_STATUS_NEW)
    return deny (error, _("A technician is working on this ticket now; add a reply instead of editing it."));

  return TRUE;
}

gboolean
hd_rules_check_status (HdPerson  *me,
                       HdTicket  *ticket,
                       HdStatus   status,
                       GError   **error)
{
  HdStatus from = hd_ticket_get_status (ticket);

  if (!hd_rules_check_see_ticket (me, ticket, error) || !refuse_closed (ticket, error))
    return FALSE;

  if (!hd_rules_is_valid_transition (from, status))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("A ticket cannot go from “%s” to “%s”."),
                   hd_status_to_label (from), hd_status_to_label (status));
      return FALSE;
    }

  if (hd_person_is_staff (me))
    return TRUE;

  if (from == HD_STATUS_RESOLVED && status == HD_STATUS_OPEN)
    return TRUE;

  return deny (error, _("Requesters can only reopen their resolved tickets."));
}

gboolean
hd_rules_check_assign (HdPerson  *me,
                       HdTicket  *ticket,
                       HdPerson  *assignee,
                       GError   **error)
{
  if (!hd_person_is_staff (me))
    return deny (error, _("Only technicians and the dispatcher assign tickets."));

  if (!refuse_closed (ticket, error))
    return FALSE;

  if (assignee != NULL && !hd_person_is_staff (assignee))
    {
      if (hd_person_get_active (assignee))
        g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                     _("“%s” is a requester; only technicians and the dispatcher can be assigned tickets."),
                     hd_person_get_login (assignee));
      else
        g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                     _("“%s” has been deactivated and cannot be assigned tickets."),
                     hd_person_get_login (assignee));
      return FALSE;
    }

  return TRUE;
}

gboolean
hd_rules_check_comment (HdPerson  *me,
                        HdTicket  *ticket,
                        gboolean   internal,
                        GError   **error)
{
  if (!hd_rules_check_see_ticket (me, ticket, error))
    return FALSE;

  if (internal && !hd_person_is_staff (me))
    return deny (error, _("Internal notes are for technicians and the dispatcher."));

  /* Staff may still document a closed ticket with internal notes. */
  if (!internal && !refuse_closed (ticket, error))
    return FALSE;

  return TRUE;
}

/* Mail is filed by a staff desk (the one that holds the mailbox's
 * password), on behalf of whoever sent it. */
gboolean
hd_rules_check_file_mail (HdPerson  *me,
                          GError   **error)
{
  if (hd_person_get_active (me) && hd_person_is_staff (me))
    return TRUE;

  return deny (error, _("Only technicians and the dispatcher file mail."));
}

/* The mailbox's settings, like the helpdesk's, are the dispatcher's. */
gboolean
hd_rules_check_manage_mail (HdPerson  *me,
                            GError   **error)
{
  if (hd_person_get_active (me) && hd_person_get_role (me) == HD_ROLE_DISPATCHER)
    return TRUE;

  return deny (error, _("Only the dispatcher changes the mailbox’s settings."));
}

/* A reply by mail from @sender: staff and the requester reply as in the
 * window; a participant (someone Cc'd on the ticket) replies publicly. */
gboolean
hd_rules_check_mail_reply (HdPerson  *sender,
                           HdTicket  *ticket,
                           gboolean   participant,
                           GError   **error)
{
  if (participant && !hd_person_is_staff (sender))
    return refuse_closed (ticket, error);

  return hd_rules_check_comment (sender, ticket, FALSE, error);
}

gboolean
hd_rules_check_manage_people (HdPerson  *me,
                              GError   **error)
{
  if (hd_person_get_active (me) && hd_person_get_role (me) == HD_ROLE_DISPATCHER)
    return TRUE;

  return deny (error, _("Only the dispatcher manages people."));
}

/* How every desk locks the file is the dispatcher's to change: a switch
 * makes every other desk open the file again. */
gboolean
hd_rules_check_set_locking (HdPerson  *me,
                            GError   **error)
{
  if (hd_person_get_active (me) && hd_person_get_role (me) == HD_ROLE_DISPATCHER)
    return TRUE;

  return deny (error, _("Only the dispatcher changes how the helpdesk file is locked; ask them to. Nothing was changed."));
}

/* The SLA calendar and policies are the dispatcher's, like people. */
gboolean
hd_rules_check_manage_sla (HdPerson  *me,
                           GError   **error)
{
  if (hd_person_get_active (me) && hd_person_get_role (me) == HD_ROLE_DISPATCHER)
    return TRUE;

  return deny (error, _("Only the dispatcher changes the SLA calendar and policies."));
}

/* Escalation moves a ticket one tier up (to_tier = tier + 1, at most
 * HD_TIER_MAX) or back down (to_tier = tier - 1, at least HD_TIER_MIN).
 *
 * - Only staff move tickets between tiers; requesters and deactivated
 *   people never do.
 * - A closed ticket is final, and a resolved one is done: it is reopened
 *   first if the solution did not hold. New, open and pending tickets move.
 * - A technician escalates a ticket of their own tier or below, or one
 *   assigned to them (a tier 1 technician who was handed a tier 2 ticket may
 *   still pass it on); they return a ticket to the tier below only from
 *   their own tier or below, so a lower tier cannot push work back down from
 *   a tier above it. The dispatcher may do either at any tier.
 *
 * The note that must go with every move is text, checked by the store with
 * hd_validate_body(). */
gboolean
hd_rules_check_escalate (HdPerson  *actor,
                         HdTicket  *ticket,
                         int        to_tier,
                         GError   **error)
{
  gint64 number = hd_ticket_get_number (ticket);
  int tier = hd_ticket_get_tier (ticket);
  int my_tier;
  gboolean up = to_tier > tier;

  g_return_val_if_fail (HD_IS_PERSON (actor), FALSE);
  g_return_val_if_fail (HD_IS_TICKET (ticket), FALSE);

  if (!hd_person_get_active (actor))
    return deny (error, _("Your account has been deactivated; ask the dispatcher to escalate this ticket."));

  if (!hd_person_is_staff (actor))
    return deny (error, _("Only technicians and the dispatcher escalate tickets. Add a reply to say what is still wrong."));

  if (!refuse_closed (ticket, error))
    return FALSE;

  if (hd_ticket_get_status (ticket) == HD_STATUS_RESOLVED)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Ticket #%" G_GINT64_FORMAT " is resolved. Reopen it before you move it to another tier."),
                   number);
      return FALSE;
    }

  if (to_tier == tier)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Ticket #%" G_GINT64_FORMAT " is already at tier %d."), number, tier);
      return FALSE;
    }

  if (to_tier > HD_TIER_MAX && tier == HD_TIER_MAX)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Ticket #%" G_GINT64_FORMAT " is already at tier %d, the highest; it cannot be escalated further."),
                   number, HD_TIER_MAX);
      return FALSE;
    }

  if (to_tier < HD_TIER_MIN && tier == HD_TIER_MIN)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Ticket #%" G_GINT64_FORMAT " is already at tier %d, the lowest; it cannot be returned further."),
                   number, HD_TIER_MIN);
      return FALSE;
    }

  if (to_tier != tier + 1 && to_tier != tier - 1)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Tickets move one tier at a time, and ticket #%" G_GINT64_FORMAT " is at tier %d, not next to tier %d."),
                   number, tier, to_tier);
      return FALSE;
    }

  if (hd_person_get_role (actor) == HD_ROLE_DISPATCHER)
    return TRUE;

  my_tier = MAX (hd_person_get_tier (actor), HD_TIER_MIN);
  if (tier <= my_tier)
    return TRUE;

  if (up && g_strcmp0 (hd_ticket_get_assignee (ticket), hd_person_get_login (actor)) == 0)
    return TRUE;

  if (up)
    g_set_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED,
                 _("Ticket #%" G_GINT64_FORMAT " is at tier %d, above your tier %d: only its assignee, a technician of tier %d or higher, or the dispatcher can escalate it."),
                 number, tier, my_tier, tier);
  else
    g_set_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED,
                 _("Ticket #%" G_GINT64_FORMAT " is at tier %d, above your tier %d: only a technician of tier %d or higher, or the dispatcher, can return it to tier %d."),
                 number, tier, my_tier, tier, to_tier);
  return FALSE;
}

/* Knowledge base */

gboolean
hd_rules_sees_internal_kb (HdPerson *me)
{
  g_return_val_if_fail (HD_IS_PERSON (me), FALSE);

  return hd_person_is_staff (me);
}

gboolean
hd_rules_can_see_article (HdPerson  *me,
                          HdArticle *article)
{
  g_return_val_if_fail (HD_IS_PERSON (me), FALSE);
  g_return_val_if_fail (HD_IS_ARTICLE (article), FALSE);

  if (hd_rules_sees_internal_kb (me))
    return TRUE;

  return hd_article_get_visibility (article) == HD_VISIBILITY_FAQ &&
         hd_article_get_archived_at (article) == 0;
}

gboolean
hd_rules_check_see_article (HdPerson   *me,
                            HdArticle  *article,
                            GError    **error)
{
  if (hd_rules_can_see_article (me, article))
    return TRUE;

  /* Not "permission denied": a requester learns nothing about internal
   * articles, not even that one exists. */
  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
               _("There is no article %" G_GINT64_FORMAT "."), hd_article_get_id (article));
  return FALSE;
}

gboolean
hd_rules_check_write_kb (HdPerson  *me,
                         GError   **error)
{
  if (hd_person_get_active (me) && hd_person_is_staff (me))
    return TRUE;

  return deny (error, _("Only technicians and the dispatcher write the knowledge base; ask one of them to add or change an article."));
}

gboolean
hd_rules_may_quote_article (HdArticle *article,
                            gboolean   internal_note)
{
  g_return_val_if_fail (HD_IS_ARTICLE (article), FALSE);

  return internal_note || hd_article_get_visibility (article) == HD_VISIBILITY_FAQ;
}
