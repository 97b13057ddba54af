/* hd-rules.h — who may do what, and which status changes exist
 *
 * Pure functions over snapshots: the store calls them inside the write
 * transaction, and the window calls them to decide what to offer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-article.h"
#include "hd-person.h"
#include "hd-ticket.h"

G_BEGIN_DECLS

gboolean hd_rules_is_valid_transition (HdStatus   from,
                                       HdStatus   to);
gboolean hd_rules_can_see_ticket      (HdPerson  *me,
                                       HdTicket  *ticket);
gboolean hd_rules_check_see_ticket    (HdPerson  *me,
                                       HdTicket  *ticket,
                                       GError   **error);
void     hd_rules_no_ticket           (gint64     number,
                                       GError   **error);
gboolean hd_rules_check_create        (HdPerson  *me,
                                       HdPerson  *requester,
                                       GError   **error);
gboolean hd_rules_check_edit          (HdPerson  *me,
                                       HdTicket  *ticket,
                                       gboolean   changes_priority,
                                       GError   **error);
gboolean hd_rules_check_status        (HdPerson  *me,
                                       HdTicket  *ticket,
                                       HdStatus   status,
                                       GError   **error);
gboolean hd_rules_check_assign        (HdPerson  *me,
                                       HdTicket  *ticket,
                                       HdPerson  *assignee,
                                       GError   **error);
gboolean hd_rules_check_comment       (HdPerson  *me,
                                       HdTicket  *ticket,
                                       gboolean   internal,
                                       GError   **error);
gboolean hd_rules_check_file_mail     (HdPerson  *me,
                                       GError   **error);
gboolean hd_rules_check_manage_mail   (HdPerson  *me,
                                       GError   **error);
gboolean hd_rules_check_mail_reply    (HdPerson  *sender,
                                       HdTicket  *ticket,
                                       gboolean   participant,
                                       GError   **error);
gboolean hd_rules_check_manage_people (HdPerson  *me,
                                       GError   **error);
gboolean hd_rules_check_manage_sla    (HdPerson  *me,
                                       GError   **error);
gboolean hd_rules_check_set_locking   (HdPerson  *me,
                                       GError   **error);
gboolean hd_rules_check_escalate      (HdPerson  *actor,
                                       HdTicket  *ticket,
                                       int        to_tier,
                                       GError   **error);

/* Knowledge base: staff read every article; requesters read FAQ articles
 * that are not archived, and an article they may not read does not exist
 * for them (HD_ERROR_NOT_FOUND). Staff write articles and categories and
 * link articles to tickets. */
gboolean hd_rules_can_see_article     (HdPerson  *me,
                                       HdArticle *article);
gboolean hd_rules_check_see_article   (HdPerson  *me,
                                       HdArticle *article,
                                       GError   **error);
gboolean hd_rules_sees_internal_kb    (HdPerson  *me);
gboolean hd_rules_check_write_kb      (HdPerson  *me,
                                       GError   **error);
/* A FAQ article may be quoted in any reply; a staff-only one only in an
 * internal note, which the requester never reads. */
gboolean hd_rules_may_quote_article   (HdArticle *article,
                                       gboolean   internal_note);

G_END_DECLS
