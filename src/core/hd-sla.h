/* hd-sla.h — the SLA clock of a ticket: deadlines, due state, explanation
 *
 * Pure functions: the caller passes the policy in force now, the calendar,
 * what the ticket's history says (creation, status changes, first
 * response) and the current time, and gets both deadlines back. Nothing is
 * remembered between calls; when a policy or calendar changes, callers
 * recompute from the history and get the deadlines as if the new policy
 * had always applied.
 *
 * The clock runs while a ticket is new or open, counting business time on
 * the calendar only (a ticket filed at night starts at the next working
 * minute). It stands still while the ticket is pending (waiting on the
 * requester), which moves the deadline later by the business time spent
 * pending. It stops when the ticket is resolved or closed; if the ticket is
 * reopened, the clock resumes where it stopped and the time spent resolved
 * does not count either. The first-response clock stops at the first
 * response, or at the first resolution if nobody replied before that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hd-calendar.h"
#include "hd-enums.h"

G_BEGIN_DECLS

#define HD_TYPE_SLA_POLICY (hd_sla_policy_get_type ())

#define HD_SLA_DEFAULT_WARN_PERCENT 75
/* 8784 hours of business time: over four years of 8-hour days. */
#define HD_SLA_MAX_TARGET_MINUTES (366 * 24 * 60)

/**
 * HdSlaPolicy:
 * @name: what people call it, such as “High”; shown in explanations
 * @first_response_minutes: business minutes from creation to the first
 *   response, 0 for no target
 * @resolution_minutes: business minutes from creation to resolution, 0 for
 *   no target
 * @warn_percent: share of a target, 1–99, at which the ticket is at risk
 */
typedef struct {
  char  *name;
  guint  first_response_minutes;
  guint  resolution_minutes;
  guint  warn_percent;
} HdSlaPolicy;

/**
 * HdSlaDueState:
 * @HD_SLA_NONE: the policy sets no such target
 * @HD_SLA_OK: running, less than the warning share used
 * @HD_SLA_AT_RISK: running, at least the warning share used
 * @HD_SLA_BREACHED: the deadline passed before the clock stopped (it may
 *   have stopped since, late, or be paused now)
 * @HD_SLA_MET: the clock stopped at or before the deadline
 * @HD_SLA_PAUSED: pending, within the target
 */
typedef enum {
  HD_SLA_NONE,
  HD_SLA_OK,
  HD_SLA_AT_RISK,
  HD_SLA_BREACHED,
  HD_SLA_MET,
  HD_SLA_PAUSED,
} HdSlaDueState;

/**
 * HdSlaState:
 * @state: see #HdSlaDueState
 * @target: the target, seconds of business time; 0 with %HD_SLA_NONE
 * @elapsed: business seconds counted, until now or until the clock stopped
 * @paused: business seconds the clock stood still (pending, or resolved
 *   before a reopen), until now or until it stopped: how much later the
 *   deadline is than without pauses
 * @share: @elapsed / @target (1.0 and more once used up)
 * @started: the first working minute at or after creation
 * @due: the deadline, µs. Breached: when the target was used up. Met or
 *   paused: when it would be used up had the clock kept or started running
 *   at the moment it stopped or now. %HD_CALENDAR_NEVER when the calendar
 *   has no working time for a long while. 0 with %HD_SLA_NONE.
 * @warn_at: when the warning share was or will be reached, on the same
 *   terms as @due; the alert code keys warnings on (@due, ticket, person)
 * @stopped: when the clock stopped for good (first response; resolution),
 *   0 while it runs or pauses
 */
typedef struct {
  HdSlaDueState state;
  gint64        target;
  gint64        elapsed;
  gint64        paused;
  double        share;
  gint64        started;
  gint64        due;
  gint64        warn_at;
  gint64        stopped;
} HdSlaState;

/**
 * HdSlaTransition:
 * @at: µs since the epoch
 * @status: the status from @at on
 */
typedef struct {
  gint64   at;
  HdStatus status;
} HdSlaTransition;

/**
 * HdSlaTicket:
 * @created: µs since the epoch; the status is new from then until the
 *   first transition
 * @first_response: the first public reply to the requester, 0 if none yet
 * @transitions: (array length=n_transitions): status changes, oldest first
 *   (equal instants keep their order); changes after “now” are ignored
 * @n_transitions: how many
 *
 * What the clock needs to know of a ticket; the caller fills it from the
 * ticket and its status events.
 */
typedef struct {
  gint64                 created;
  gint64                 first_response;
  const HdSlaTransition *transitions;
  gsize                  n_transitions;
} HdSlaTicket;

typedef struct {
  HdSlaState response;
  HdSlaState resolution;
} HdSlaResult;

GType        hd_sla_policy_get_type       (void) G_GNUC_CONST;
HdSlaPolicy *hd_sla_policy_new            (const char         *name,
                                           guint               first_response_minutes,
                                           guint               resolution_minutes,
                                           guint               warn_percent);
HdSlaPolicy *hd_sla_policy_new_default    (HdPriority          priority);
HdSlaPolicy *hd_sla_policy_copy           (const HdSlaPolicy  *policy);
void         hd_sla_policy_free           (HdSlaPolicy        *policy);
gboolean     hd_sla_policy_validate       (const HdSlaPolicy  *policy,
                                           GError            **error);

void         hd_sla_compute               (const HdSlaPolicy  *policy,
                                           HdCalendar         *calendar,
                                           const HdSlaTicket  *ticket,
                                           gint64              now,
                                           HdSlaResult        *result);
const HdSlaState *
             hd_sla_result_get_current    (const HdSlaResult  *result);
char       **hd_sla_explain               (const HdSlaPolicy  *policy,
                                           HdCalendar         *calendar,
                                           const HdSlaTicket  *ticket,
                                           gint64              now);

const char  *hd_sla_due_state_to_label    (HdSlaDueState       state);
char        *hd_sla_format_duration       (gint64              seconds);
gboolean     hd_sla_parse_minutes         (const char         *text,
                                           guint              *minutes,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdSlaPolicy, hd_sla_policy_free)

G_END_DECLS
