/* hd-enums.h — ticket status, priority, roles, event and alert kinds,
 * article visibility
 *
 * The nicks ("new", "open", "requester", …) are what the file stores and what
 * the command-line tool reads and prints; labels are for people and are
 * translated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  HD_STATUS_NEW,
  HD_STATUS_OPEN,
  HD_STATUS_PENDING,
  HD_STATUS_RESOLVED,
  HD_STATUS_CLOSED,
} HdStatus;

#define HD_STATUS_MASK(s) (1u << (s))
#define HD_STATUS_MASK_ALL ((1u << (HD_STATUS_CLOSED + 1)) - 1)

typedef enum {
  HD_PRIORITY_LOW,
  HD_PRIORITY_NORMAL,
  HD_PRIORITY_HIGH,
  HD_PRIORITY_URGENT,
} HdPriority;

typedef enum {
  HD_ROLE_REQUESTER,
  HD_ROLE_TECHNICIAN,
  HD_ROLE_DISPATCHER,
} HdRole;

typedef enum {
  HD_EVENT_CREATED,
  HD_EVENT_REPLY,
  HD_EVENT_NOTE,
  HD_EVENT_STATUS,
  HD_EVENT_ASSIGNMENT,
  HD_EVENT_FIELD,
} HdEventKind;

/* What an alert (hd-alert.h) is about; the nicks are alerts.kind. */
typedef enum {
  HD_ALERT_ASSIGNED,
  HD_ALERT_SLA_WARNING,
  HD_ALERT_SLA_BREACH,
  HD_ALERT_NEW_TICKET,
} HdAlertKind;

/* Who may read a knowledge-base article; the nicks are
 * kb_articles.visibility. Requesters read FAQ articles only. */
typedef enum {
  HD_VISIBILITY_INTERNAL,
  HD_VISIBILITY_FAQ,
} HdVisibility;

/* One row of an article's history; the nicks are kb_article_events.kind. */
typedef enum {
  HD_ARTICLE_EVENT_CREATED,
  HD_ARTICLE_EVENT_EDITED,
  HD_ARTICLE_EVENT_ARCHIVED,
  HD_ARTICLE_EVENT_RESTORED,
} HdArticleEventKind;

#define HD_TIER_MIN 1
#define HD_TIER_MAX 3

const char *hd_enum_to_nick   (GType       type,
                               int         value);
gboolean    hd_enum_from_nick (GType       type,
                               const char *nick,
                               int        *value);

const char *hd_status_to_label   (HdStatus   status);
const char *hd_priority_to_label (HdPriority priority);
const char *hd_role_to_label     (HdRole     role);
const char *hd_visibility_to_label (HdVisibility visibility);

G_END_DECLS
