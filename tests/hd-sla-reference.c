/* hd-sla-reference.c — a ticket's SLA clocks, stretch by stretch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-calendar-reference.h"
#include "hd-sla-reference.h"

typedef enum { RUN, PAUSE, STOP } Mode;

typedef struct {
  gint64 from;
  gint64 to;
  Mode   mode;
} Stretch;

typedef struct {
  GArray   *stretches;
  gint64    created;
  gint64    now;
  Mode      mode_now;
  gboolean  stopped;
  gint64    stopped_at;
  gboolean  ever_stopped;
  gint64    first_stop;
} Timeline;

static Mode
mode_of (HdStatus status)
{
  if (status == HD_STATUS_PENDING)
    return PAUSE;
  if (status == HD_STATUS_RESOLVED || status == HD_STATUS_CLOSED)
    return STOP;
  return RUN;
}

static void
push (Timeline *tl,
      gint64    from,
      gint64    to,
      Mode      mode)
{
  Stretch stretch = { from, to, mode };
  Stretch *last;

  if (to <= from)
    return;

  last = tl->stretches->len > 0 ? &g_array_index (tl->stretches, Stretch, tl->stretches->len - 1) : NULL;
  if (last != NULL && last->mode == mode && last->to == from)
    last->to = to;
  else
    g_array_append_val (tl->stretches, stretch);
}

static int
compare_at (gconstpointer a,
            gconstpointer b)
{
  gint64 x = ((const HdSlaTransition *) a)->at;
  gint64 y = ((const HdSlaTransition *) b)->at;

  return (x > y) - (x < y);
}

static void
timeline_init (Timeline          *tl,
               const HdSlaTicket *ticket,
               gint64             now)
{
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (HdSlaTransition));
  HdStatus status = HD_STATUS_NEW;
  gint64 from = ticket->created;

  memset (tl, 0, sizeof *tl);
  tl->stretches = g_array_new (FALSE, FALSE, sizeof (Stretch));
  tl->created = ticket->created;
  tl->now = MAX (now, ticket->created);

  /* g_array_sort() is not stable; equal instants keep their order */
  g_array_append_vals (sorted, ticket->transitions, ticket->n_transitions);
  for (guint i = 1; i < sorted->len; i++)
    for (guint j = i; j > 0 && compare_at (&g_array_index (sorted, HdSlaTransition, j - 1),
                                           &g_array_index (sorted, HdSlaTransition, j)) > 0; j--)
      {
        HdSlaTransition swap = g_array_index (sorted, HdSlaTransition, j);

        g_array_index (sorted, HdSlaTransition, j) = g_array_index (sorted, HdSlaTransition, j - 1);
        g_array_index (sorted, HdSlaTransition, j - 1) = swap;
      }

  for (guint i = 0; i < sorted->len; i++)
    {
      const HdSlaTransition *t = &g_array_index (sorted, HdSlaTransition, i);
      gint64 at = MAX (t->at, ticket->created);
      Mode before = mode_of (status);

      if (at > tl->now)
        break;

      push (tl, from, at, before);
      from = at;
      status = t->status;
      if (mode_of (status) == STOP && before != STOP)
        {
          tl->stopped_at = at;
          if (!tl->ever_stopped)
            tl->first_stop = at;
          tl->ever_stopped = TRUE;
        }
    }

  push (tl, from, tl->now, mode_of (status));
  tl->mode_now = mode_of (status);
  tl->stopped = tl->mode_now == STOP;
}

static gint64
add (HdCalendar *cal,
     gint64      start,
     gint64      usec)
{
  return start == HD_CALENDAR_NEVER ? HD_CALENDAR_NEVER : hd_ref_add_business_usec (cal, start, usec);
}

static void
run_clock (HdCalendar *cal,
           Timeline   *tl,
           guint       minutes,
           guint       warn_percent,
           gboolean    stopped,
           gint64      end,
           HdSlaState *state)
{
  gint64 target = MIN (minutes, HD_SLA_MAX_TARGET_MINUTES) * (gint64) 60 * G_USEC_PER_SEC;
  gint64 warn = target * CLAMP (warn_percent, 1, 99) / 100;
  gint64 elapsed = 0, paused = 0, crossed = 0, warned = 0;
  gboolean has_crossed = FALSE, has_warned = FALSE;

  memset (state, 0, sizeof *state);
  if (minutes == 0)
    {
      state->state = HD_SLA_NONE;
      return;
    }

  for (guint i = 0; i < tl->stretches->len; i++)
    {
      const Stretch *s = &g_array_index (tl->stretches, Stretch, i);
      gint64 business;

      if (s->from >= end)
        break;
      business = hd_ref_business_usec (cal, s->from, MIN (s->to, end));
      if (s->mode != RUN)
        {
          paused += business;
          continue;
        }
      if (!has_warned && elapsed + business >= warn)
        {
          warned = add (cal, s->from, warn - elapsed);
          has_warned = TRUE;
        }
      if (!has_crossed && elapsed + business >= target)
        {
          crossed = add (cal, s->from, target - elapsed);
          has_crossed = TRUE;
        }
      elapsed += business;
    }

  state->target = target / G_USEC_PER_SEC;
  state->elapsed = elapsed / G_USEC_PER_SEC;
  state->paused = paused / G_USEC_PER_SEC;
  state->share = (double) elapsed / (double) target;
  state->started = hd_ref_next_working (cal, tl->created);
  state->warn_at = has_warned ? warned : add (cal, end, warn - elapsed);

  if (stopped)
    {
      state->stopped = end;
      state->due = has_crossed ? crossed : add (cal, end, target - elapsed);
      state->state = has_crossed && crossed < end ? HD_SLA_BREACHED : HD_SLA_MET;
    }
  else if (has_crossed)
    {
      state->due = crossed;
      state->state = HD_SLA_BREACHED;
    }
  else
    {
      state->due = add (cal, end, target - elapsed);
      if (tl->mode_now == PAUSE)
        state->state = HD_SLA_PAUSED;
      else
        state->state = has_warned ? HD_SLA_AT_RISK : HD_SLA_OK;
    }
}

void
hd_ref_sla_compute (const HdSlaPolicy *policy,
                    HdCalendar        *cal,
                    const HdSlaTicket *ticket,
                    gint64             now,
                    HdSlaResult       *result)
{
  Timeline tl;
  gboolean response_stopped = FALSE;
  gint64 response_end;

  timeline_init (&tl, ticket, now);
  response_end = tl.now;

  if (ticket->first_response != 0 && ticket->first_response <= tl.now)
    {
      response_stopped = TRUE;
      response_end = MAX (ticket->first_response, tl.created);
    }
  if (tl.ever_stopped && (!response_stopped || tl.first_stop < response_end))
    {
      response_stopped = TRUE;
      response_end = tl.first_stop;
    }

  run_clock (cal, &tl, policy->first_response_minutes, policy->warn_percent,
             response_stopped, response_end, &result->response);
  run_clock (cal, &tl, policy->resolution_minutes, policy->warn_percent,
             tl.stopped, tl.stopped ? tl.stopped_at : tl.now, &result->resolution);
  g_array_unref (tl.stretches);
}
