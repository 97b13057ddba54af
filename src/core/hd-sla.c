/* hd-sla.c — the SLA clock of a ticket
 *
 * The history becomes a timeline of stretches in which the clock runs (new,
 * open), pauses (pending), or stands (resolved, closed); consecutive
 * stretches of one kind are merged. Each clock (first response, resolution)
 * walks the timeline up to the moment it stopped or now, adds up the
 * business time of the running stretches and notes where the warning share
 * and the whole target were crossed. Business time of a stretch is computed
 * once and shared by both clocks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-error.h"
#include "hd-sla.h"

typedef enum {
  MODE_RUN,
  MODE_PAUSE,
  MODE_STOP,
} Mode;

typedef struct {
  gint64 from;
  gint64 to;
  Mode   mode;
  gint64 business;   /* µs, -1 until computed */
} Stretch;

#define SMALL_TIMELINE 16

typedef struct {
  Stretch   small[SMALL_TIMELINE];
  Stretch  *items;
  gsize     n;
  gsize     allocated;
  gint64    created;
  gint64    now;
  Mode      mode_now;
  gboolean  stopped;       /* resolved or closed now */
  gint64    stopped_at;    /* since when, if @stopped */
  gboolean  ever_stopped;
  gint64    first_stop;    /* the first resolution, if @ever_stopped */
} Timeline;

G_DEFINE_BOXED_TYPE (HdSlaPolicy, hd_sla_policy, hd_sla_policy_copy, hd_sla_policy_free)

/* Policies */

/**
 * hd_sla_policy_new:
 * @name: (nullable): what people call it
 *
 * Returns: (transfer full): a policy; see hd_sla_policy_validate()
 */
HdSlaPolicy *
hd_sla_policy_new (const char *name,
                   guint       first_response_minutes,
                   guint       resolution_minutes,
                   guint       warn_percent)
{
  HdSlaPolicy *policy = g_new0 (HdSlaPolicy, 1);

  policy->name = g_strdup (name != NULL ? name : "");
  policy->first_response_minutes = first_response_minutes;
  policy->resolution_minutes = resolution_minutes;
  policy->warn_percent = warn_percent;
  return policy;
}

/**
 * hd_sla_policy_new_default:
 *
 * The targets a new helpdesk starts with, in business time: low 8 h to
 * respond and 40 h (a working week) to resolve, normal 4 h and 16 h, high
 * 1 h and 8 h, urgent 30 min and 4 h; warnings at 75 %.
 */
HdSlaPolicy *
hd_sla_policy_new_default (HdPriority priority)
{
  const char *name = hd_priority_to_label (priority);

  switch (priority)
    {
    case HD_PRIORITY_LOW:
      return hd_sla_policy_new (name, 8 * 60, 40 * 60, HD_SLA_DEFAULT_WARN_PERCENT);
    case HD_PRIORITY_NORMAL:
      return hd_sla_policy_new (name, 4 * 60, 16 * 60, HD_SLA_DEFAULT_WARN_PERCENT);
    case HD_PRIORITY_HIGH:
      return hd_sla_policy_new (name, 60, 8 * 60, HD_SLA_DEFAULT_WARN_PERCENT);
    case HD_PRIORITY_URGENT:
      return hd_sla_policy_new (name, 30, 4 * 60, HD_SLA_DEFAULT_WARN_PERCENT);
    default:
      g_return_val_if_reached (NULL);
    }
}

HdSlaPolicy *
hd_sla_policy_copy (const HdSlaPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, NULL);

  return hd_sla_policy_new (policy->name, policy->first_response_minutes,
                            policy->resolution_minutes, policy->warn_percent);
}

void
hd_sla_policy_free (HdSlaPolicy *policy)
{
  if (policy == NULL)
    return;

  g_free (policy->name);
  g_free (policy);
}

/**
 * hd_sla_policy_validate:
 *
 * Targets are at most %HD_SLA_MAX_TARGET_MINUTES, the first response no
 * later than the resolution, and the warning share 1–99 %.
 */
gboolean
hd_sla_policy_validate (const HdSlaPolicy  *policy,
                        GError            **error)
{
  g_return_val_if_fail (policy != NULL, FALSE);

  if (policy->first_response_minutes > HD_SLA_MAX_TARGET_MINUTES)
    return hd_error_invalid_input (error, _("The first-response target is too long: %u hours of business time at most."),
                                   HD_SLA_MAX_TARGET_MINUTES / 60);

  if (policy->resolution_minutes > HD_SLA_MAX_TARGET_MINUTES)
    return hd_error_invalid_input (error, _("The resolution target is too long: %u hours of business time at most."),
                                   HD_SLA_MAX_TARGET_MINUTES / 60);

  if (policy->first_response_minutes > 0 && policy->resolution_minutes > 0 &&
      policy->first_response_minutes > policy->resolution_minutes)
    {
      g_autofree char *response = hd_sla_format_duration (policy->first_response_minutes * (gint64) 60);
      g_autofree char *resolution = hd_sla_format_duration (policy->resolution_minutes * (gint64) 60);

      return hd_error_invalid_input (error, _("The first-response target (%s) must not be longer than the resolution target (%s)."),
                                     response, resolution);
    }

  if (policy->warn_percent < 1 || policy->warn_percent > 99)
    return hd_error_invalid_input (error, _("The warning share must be between 1 and 99 %%, not %u %%."),
                                   policy->warn_percent);

  return TRUE;
}

/* The timeline */

static Mode
mode_of (HdStatus status)
{
  switch (status)
    {
    case HD_STATUS_NEW:
    case HD_STATUS_OPEN:
      return MODE_RUN;
    case HD_STATUS_PENDING:
      return MODE_PAUSE;
    case HD_STATUS_RESOLVED:
    case HD_STATUS_CLOSED:
      return MODE_STOP;
    default:
      return MODE_RUN;
    }
}

static void
timeline_push (Timeline *tl,
               gint64    from,
               gint64    to,
               Mode      mode)
{
  if (to <= from)
    return;

  if (tl->n > 0 && tl->items[tl->n - 1].mode == mode && tl->items[tl->n - 1].to == from)
    {
      tl->items[tl->n - 1].to = to;
      return;
    }

  if (tl->n == tl->allocated)
    {
      tl->allocated *= 2;
      if (tl->items == tl->small)
        tl->items = g_memdup2 (tl->small, sizeof tl->small);
      tl->items = g_renew (Stretch, tl->items, tl->allocated);
    }

  tl->items[tl->n].from = from;
  tl->items[tl->n].to = to;
  tl->items[tl->n].mode = mode;
  tl->items[tl->n].business = -1;
  tl->n++;
}

static int
compare_transitions (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const HdSlaTransition *x = a;
  const HdSlaTransition *y = b;

  return (x->at > y->at) - (x->at < y->at);
}

static void
timeline_init (Timeline          *tl,
               const HdSlaTicket *ticket,
               gint64             now)
{
  g_autofree HdSlaTransition *sorted = NULL;
  const HdSlaTransition *transitions = ticket->transitions;
  HdStatus status = HD_STATUS_NEW;
  gint64 from = ticket->created;

  tl->items = tl->small;
  tl->n = 0;
  tl->allocated = SMALL_TIMELINE;
  tl->created = ticket->created;
  tl->now = MAX (now, ticket->created);
  tl->stopped = FALSE;
  tl->stopped_at = 0;
  tl->ever_stopped = FALSE;
  tl->first_stop = 0;

  for (gsize i = 1; i < ticket->n_transitions; i++)
    if (transitions[i].at < transitions[i - 1].at)
      {
        /* stable: equal instants keep their order */
        sorted = g_memdup2 (transitions, ticket->n_transitions * sizeof (HdSlaTransition));
        g_qsort_with_data (sorted, (int) ticket->n_transitions, sizeof (HdSlaTransition),
                           compare_transitions, NULL);
        transitions = sorted;
        break;
      }

  for (gsize i = 0; i < ticket->n_transitions; i++)
    {
      gint64 at = MAX (transitions[i].at, ticket->created);
      Mode before = mode_of (status);
      Mode after = mode_of (transitions[i].status);

      if (at > tl->now)
        break;

      timeline_push (tl, from, at, before);
      from = at;
      status = transitions[i].status;

      if (after == MODE_STOP && before != MODE_STOP)
        {
          tl->stopped_at = at;
          if (!tl->ever_stopped)
            tl->first_stop = at;
          tl->ever_stopped = TRUE;
        }
    }

  timeline_push (tl, from, tl->now, mode_of (status));
  tl->mode_now = mode_of (status);
  tl->stopped = tl->mode_now == MODE_STOP;
}

static void
timeline_clear (Timeline *tl)
{
  if (tl->items != tl->small)
    g_free (tl->items);
  tl->items = NULL;
}

static gint64
stretch_business (HdCalendar *calendar,
                  Stretch    *stretch,
                  gint64      end)
{
  if (end < stretch->to)
    return hd_calendar_business_usec (calendar, stretch->from, end);

  if (stretch->business < 0)
    stretch->business = hd_calendar_business_usec (calendar, stretch->from, stretch->to);
  return stretch->business;
}

/* The clock */

static gint64
add_business (HdCalendar *calendar,
              gint64      start,
              gint64      usec)
{
  if (start == HD_CALENDAR_NEVER)
    return HD_CALENDAR_NEVER;
  return hd_calendar_add_business_usec (calendar, start, usec);
}

/* Walks @tl up to @end: the moment the clock stopped for good when
 * @stopped, else now. */
static void
run_clock (HdCalendar *calendar,
           Timeline   *tl,
           guint       minutes,
           guint       warn_percent,
           gboolean    stopped,
           gint64      end,
           HdSlaState *state)
{
  gint64 target = MIN (minutes, HD_SLA_MAX_TARGET_MINUTES) * (gint64) 60 * G_USEC_PER_SEC;
  gint64 warn = target * CLAMP (warn_percent, 1, 99) / 100;
  gint64 elapsed = 0;
  gint64 paused = 0;
  gint64 crossed = 0;
  gint64 warned = 0;
  gboolean has_crossed = FALSE;
  gboolean has_warned = FALSE;

  memset (state, 0, sizeof *state);
  if (minutes == 0)
    {
      state->state = HD_SLA_NONE;
      return;
    }

  for (gsize i = 0; i < tl->n && tl->items[i].from < end; i++)
    {
      Stretch *stretch = &tl->items[i];
      gint64 business = stretch_business (calendar, stretch, end);

      if (stretch->mode != MODE_RUN)
        {
          paused += business;
          continue;
        }

      if (!has_warned && elapsed + business >= warn)
        {
          warned = add_business (calendar, stretch->from, warn - elapsed);
          has_warned = TRUE;
        }
      if (!has_crossed && elapsed + business >= target)
        {
          crossed = add_business (calendar, stretch->from, target - elapsed);
          has_crossed = TRUE;
        }
      elapsed += business;
    }

  state->target = target / G_USEC_PER_SEC;
  state->elapsed = elapsed / G_USEC_PER_SEC;
  state->paused = paused / G_USEC_PER_SEC;
  state->share = (double) elapsed / (double) target;
  state->started = hd_calendar_next_working (calendar, tl->created);
  state->warn_at = has_warned ? warned : add_business (calendar, end, warn - elapsed);

  if (stopped)
    {
      state->stopped = end;
      if (has_crossed)
        {
          state->due = crossed;
          state->state = crossed < end ? HD_SLA_BREACHED : HD_SLA_MET;
        }
      else
        {
          state->due = add_business (calendar, end, target - elapsed);
          state->state = HD_SLA_MET;
        }
    }
  else if (has_crossed)
    {
      state->due = crossed;
      state->state = HD_SLA_BREACHED;
    }
  else
    {
      state->due = add_business (calendar, end, target - elapsed);
      if (tl->mode_now == MODE_PAUSE)
        state->state = HD_SLA_PAUSED;
      else
        state->state = has_warned ? HD_SLA_AT_RISK : HD_SLA_OK;
    }
}

static void
compute (const HdSlaPolicy *policy,
         HdCalendar        *calendar,
         const HdSlaTicket *ticket,
         Timeline          *tl,
         HdSlaResult       *result)
{
  gboolean response_stopped = FALSE;
  gint64 response_end = tl->now;

  if (ticket->first_response != 0 && ticket->first_response <= tl->now)
    {
      response_stopped = TRUE;
      response_end = MAX (ticket->first_response, tl->created);
    }
  if (tl->ever_stopped && (!response_stopped || tl->first_stop < response_end))
    {
      response_stopped = TRUE;
      response_end = tl->first_stop;
    }

  run_clock (calendar, tl, policy->first_response_minutes, policy->warn_percent,
             response_stopped, response_end, &result->response);
  run_clock (calendar, tl, policy->resolution_minutes, policy->warn_percent,
             tl->stopped, tl->stopped ? tl->stopped_at : tl->now, &result->resolution);
}

/**
 * hd_sla_compute:
 * @policy: the policy in force now for the ticket's priority (and
 *   category); a changed policy applies to the whole history
 * @calendar: the calendar of the policy
 * @ticket: what the history says
 * @now: µs since the epoch; a “now” before creation counts as creation
 * @result: (out caller-allocates): both clocks
 *
 * Computes both clocks. Deterministic: the same input gives the same
 * deadlines on every desktop, so alerts keyed on a deadline are stored once.
 */
void
hd_sla_compute (const HdSlaPolicy *policy,
                HdCalendar        *calendar,
                const HdSlaTicket *ticket,
                gint64             now,
                HdSlaResult       *result)
{
  Timeline tl;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (calendar != NULL);
  g_return_if_fail (ticket != NULL);
  g_return_if_fail (ticket->n_transitions == 0 || ticket->transitions != NULL);
  g_return_if_fail (result != NULL);

  timeline_init (&tl, ticket, now);
  compute (policy, calendar, ticket, &tl, result);
  timeline_clear (&tl);
}

static int
severity (const HdSlaState *state)
{
  switch (state->state)
    {
    case HD_SLA_BREACHED: return 3;
    case HD_SLA_AT_RISK: return 2;
    case HD_SLA_OK:
    case HD_SLA_PAUSED: return 1;
    case HD_SLA_NONE:
    case HD_SLA_MET:
    default: return 0;
    }
}

/**
 * hd_sla_result_get_current:
 *
 * Returns: (transfer none): the clock a list shows in its Due column: of
 *   the clocks still running or paused, the most urgent (breached before at
 *   risk before the rest, then the earlier deadline); when both stopped,
 *   the resolution clock (or the response clock without a resolution
 *   target)
 */
const HdSlaState *
hd_sla_result_get_current (const HdSlaResult *result)
{
  const HdSlaState *response;
  const HdSlaState *resolution;
  gboolean response_live, resolution_live;

  g_return_val_if_fail (result != NULL, NULL);

  response = &result->response;
  resolution = &result->resolution;
  response_live = response->state != HD_SLA_NONE && response->stopped == 0;
  resolution_live = resolution->state != HD_SLA_NONE && resolution->stopped == 0;

  if (response_live && resolution_live)
    {
      if (severity (response) != severity (resolution))
        return severity (response) > severity (resolution) ? response : resolution;
      return response->due <= resolution->due ? response : resolution;
    }
  if (response_live)
    return response;
  if (resolution_live || resolution->state != HD_SLA_NONE)
    return resolution;
  return response;
}

/* Words */

const char *
hd_sla_due_state_to_label (HdSlaDueState state)
{
  switch (state)
    {
    case HD_SLA_NONE: return _("No target");
    case HD_SLA_OK: return _("On time");
    case HD_SLA_AT_RISK: return _("At risk");
    case HD_SLA_BREACHED: return _("Breached");
    case HD_SLA_MET: return _("Met");
    case HD_SLA_PAUSED: return _("Paused");
    default: g_return_val_if_reached (NULL);
    }
}

/**
 * hd_sla_format_duration:
 * @seconds: a duration; the sign is ignored
 *
 * Returns: the duration in whole minutes for people: “45 min”, “8 h”,
 *   “2 h 10 min”
 */
char *
hd_sla_format_duration (gint64 seconds)
{
  guint64 minutes = (seconds < 0 ? -(guint64) seconds : (guint64) seconds) / 60;
  guint hours = (guint) MIN (minutes / 60, G_MAXUINT);
  guint rest = (guint) (minutes % 60);

  if (hours > 0 && rest > 0)
    /* Translators: a duration in hours and minutes */
    return g_strdup_printf (_("%u h %u min"), hours, rest);
  if (hours > 0)
    /* Translators: a duration in hours */
    return g_strdup_printf (_("%u h"), hours);
  /* Translators: a duration in minutes */
  return g_strdup_printf (_("%u min"), rest);
}

static gboolean
is_unit (const char *word,
         gsize       len,
         const char *const *units)
{
  for (guint i = 0; units[i] != NULL; i++)
    if (strlen (units[i]) == len && g_ascii_strncasecmp (word, units[i], len) == 0)
      return TRUE;

  return FALSE;
}

/**
 * hd_sla_parse_minutes:
 * @text: a target as people write it: “90”, “90min”, “4h”, “1h30”,
 *   “1 h 30 min”; “0” or “none” for no target
 * @minutes: (out): business minutes
 */
gboolean
hd_sla_parse_minutes (const char  *text,
                      guint       *minutes,
                      GError     **error)
{
  static const char *const hour_units[] = { "h", "hr", "hrs", "hour", "hours", NULL };
  static const char *const minute_units[] = { "m", "min", "mins", "minute", "minutes", NULL };
  const char *p = text;
  guint64 total = 0;
  gboolean any = FALSE;
  gboolean after_hours = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (minutes != NULL, FALSE);

  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "none", 4) == 0 && strspn (p + 4, " \t\n") == strlen (p + 4))
    {
      *minutes = 0;
      return TRUE;
    }

  while (*p != '\0')
    {
      guint64 number = 0;
      const char *word;
      gsize digits = 0;

      while (g_ascii_isdigit (*p) && number <= HD_SLA_MAX_TARGET_MINUTES)
        {
          number = number * 10 + (guint64) (*p++ - '0');
          digits++;
        }
      while (g_ascii_isdigit (*p))
        p++;
      if (digits == 0)
        goto fail;
      while (g_ascii_isspace (*p))
        p++;

      word = p;
      while (g_ascii_isalpha (*p))
        p++;

      if (is_unit (word, p - word, hour_units) && !after_hours && !any)
        {
          total += number * 60;
          after_hours = TRUE;
        }
      else if (is_unit (word, p - word, minute_units) ||
               (p == word && (after_hours || !any)))
        {
          total += number;
          while (g_ascii_isspace (*p))
            p++;
          if (*p != '\0')
            goto fail;
        }
      else
        goto fail;

      any = TRUE;
      while (g_ascii_isspace (*p))
        p++;
    }

  if (!any)
    goto fail;

  if (total > HD_SLA_MAX_TARGET_MINUTES)
    return hd_error_invalid_input (error, _("The target “%s” is too long: %u hours of business time at most."),
                                   text, HD_SLA_MAX_TARGET_MINUTES / 60);

  *minutes = (guint) total;
  return TRUE;

fail:
  return hd_error_invalid_input (error, _("“%s” is not a duration such as “4h”, “30min” or “1h30”."), text);
}

/* The explanation */

static GDateTime *
local_time (HdCalendar *calendar,
            gint64      instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant / G_USEC_PER_SEC);

  return g_date_time_to_timezone (utc, hd_calendar_get_time_zone (calendar));
}

/* “Tue 24 Nov 09:00”, with the year when it is not this year's. */
static char *
format_instant (HdCalendar *calendar,
                gint64      instant,
                gint64      now)
{
  g_autoptr(GDateTime) dt = local_time (calendar, instant);
  g_autoptr(GDateTime) today = local_time (calendar, now);

  if (g_date_time_get_year (dt) == g_date_time_get_year (today))
    /* Translators: a date and time in g_date_time_format() notation, “Tue 24 Nov 09:00” */
    return g_date_time_format (dt, _("%a %-d %b %H:%M"));

  /* Translators: a date and time in g_date_time_format() notation, “Tue 24 Nov 2026 09:00” */
  return g_date_time_format (dt, _("%a %-d %b %Y %H:%M"));
}

/* “Tue 24 Nov 11:00 – 13:10”, or with both dates when they differ. */
static char *
format_range (HdCalendar *calendar,
              gint64      from,
              gint64      to,
              gint64      now)
{
  g_autoptr(GDateTime) a = local_time (calendar, from);
  g_autoptr(GDateTime) b = local_time (calendar, to);
  g_autofree char *start = format_instant (calendar, from, now);
  g_autofree char *end = NULL;

  if (g_date_time_get_year (a) == g_date_time_get_year (b) &&
      g_date_time_get_day_of_year (a) == g_date_time_get_day_of_year (b))
    end = g_date_time_format (b, "%H:%M");
  else
    end = format_instant (calendar, to, now);

  /* Translators: a range of time */
  return g_strdup_printf (_("%s – %s"), start, end);
}

static char *
explain_policy (const HdSlaPolicy *policy)
{
  g_autofree char *response = hd_sla_format_duration (policy->first_response_minutes * (gint64) 60);
  g_autofree char *resolution = hd_sla_format_duration (policy->resolution_minutes * (gint64) 60);

  if (policy->first_response_minutes > 0 && policy->resolution_minutes > 0)
    return g_strdup_printf (_("Policy: %s — respond within %s, resolve within %s of business time"),
                            policy->name, response, resolution);
  if (policy->resolution_minutes > 0)
    return g_strdup_printf (_("Policy: %s — no first-response target, resolve within %s of business time"),
                            policy->name, resolution);
  if (policy->first_response_minutes > 0)
    return g_strdup_printf (_("Policy: %s — respond within %s of business time, no resolution target"),
                            policy->name, response);
  return g_strdup_printf (_("Policy: %s — no targets"), policy->name);
}

static char *
explain_clock (HdCalendar       *calendar,
               const char       *name,
               const HdSlaState *state,
               gint64            now)
{
  g_autofree char *due = NULL;
  g_autofree char *elapsed = hd_sla_format_duration (state->elapsed);
  g_autofree char *target = hd_sla_format_duration (state->target);
  g_autofree char *left = hd_sla_format_duration (state->target - state->elapsed);
  g_autofree char *stopped = NULL;
  int percent = (int) (state->share * 100.0);

  if (state->due == HD_CALENDAR_NEVER)
    return g_strdup_printf (_("%s: the calendar has no working time for over two years, so there is no deadline"),
                            name);

  due = format_instant (calendar, state->due, now);
  if (state->stopped != 0)
    stopped = format_instant (calendar, state->stopped, now);

  switch (state->state)
    {
    case HD_SLA_OK:
      return g_strdup_printf (_("%s: due %s; %s of %s used (%d %%)"), name, due, elapsed, target, percent);
    case HD_SLA_AT_RISK:
      return g_strdup_printf (_("%s: due %s, at risk; %s of %s used (%d %%)"), name, due, elapsed, target, percent);
    case HD_SLA_PAUSED:
      return g_strdup_printf (_("%s: paused with %s of %s left; due %s if work resumed now"), name, left, target, due);
    case HD_SLA_MET:
      return g_strdup_printf (_("%s: met %s, after %s of business time (target %s)"), name, stopped, elapsed, target);
    case HD_SLA_BREACHED:
      if (state->stopped != 0)
        return g_strdup_printf (_("%s: breached; due %s, done %s (target %s)"), name, due, stopped, target);
      return g_strdup_printf (_("%s: breached; due %s (target %s)"), name, due, target);
    case HD_SLA_NONE:
    default:
      return NULL;
    }
}

/**
 * hd_sla_explain:
 *
 * Returns: (transfer full): why the deadlines are what they are, one line
 *   for people per fact, in their language: the policy, the calendar, when
 *   the clock started, each pause and each stretch spent resolved before a
 *   reopen, and the state of each clock. Instants are shown in the
 *   calendar's zone.
 */
char **
hd_sla_explain (const HdSlaPolicy *policy,
                HdCalendar        *calendar,
                const HdSlaTicket *ticket,
                gint64             now)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *described = NULL;
  g_autofree char *created = NULL;
  HdSlaResult result;
  Timeline tl;
  gint64 started;
  char *line;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (calendar != NULL, NULL);
  g_return_val_if_fail (ticket != NULL, NULL);

  timeline_init (&tl, ticket, now);
  compute (policy, calendar, ticket, &tl, &result);
  now = tl.now;

  g_ptr_array_add (lines, explain_policy (policy));

  described = hd_calendar_describe (calendar);
  g_ptr_array_add (lines, g_strdup_printf (_("Calendar: %s"), described));

  created = format_instant (calendar, ticket->created, now);
  started = hd_calendar_next_working (calendar, ticket->created);
  if (started == ticket->created)
    g_ptr_array_add (lines, g_strdup_printf (_("Created %s, during working hours: counted from then"), created));
  else if (started != HD_CALENDAR_NEVER)
    {
      g_autofree char *from = format_instant (calendar, started, now);

      g_ptr_array_add (lines, g_strdup_printf (_("Created %s, outside working hours: counted from %s"),
                                               created, from));
    }

  for (gsize i = 0; i < tl.n; i++)
    {
      Stretch *stretch = &tl.items[i];
      g_autofree char *range = NULL;
      g_autofree char *business = NULL;
      g_autofree char *since = NULL;
      gint64 usec;

      if (stretch->mode == MODE_RUN || (stretch->mode == MODE_STOP && i == tl.n - 1))
        continue;

      usec = stretch_business (calendar, stretch, stretch->to);
      business = hd_sla_format_duration (usec / G_USEC_PER_SEC);
      range = format_range (calendar, stretch->from, stretch->to, now);

      if (stretch->mode == MODE_STOP)
        line = g_strdup_printf (_("Resolved, then reopened (%s): %s of business time not counted"),
                                range, business);
      else if (i == tl.n - 1)
        {
          since = format_instant (calendar, stretch->from, now);
          line = g_strdup_printf (_("Waiting on the requester since %s: paused, %s of business time so far"),
                                  since, business);
        }
      else if (usec == 0)
        line = g_strdup_printf (_("Waiting on the requester (%s) outside working hours: no effect on the deadline"),
                                range);
      else
        line = g_strdup_printf (_("Paused %s while waiting on the requester (%s)"), business, range);

      g_ptr_array_add (lines, line);
    }

  if ((line = explain_clock (calendar, _("First response"), &result.response, now)) != NULL)
    g_ptr_array_add (lines, line);
  if ((line = explain_clock (calendar, _("Resolution"), &result.resolution, now)) != NULL)
    g_ptr_array_add (lines, line);

  timeline_clear (&tl);

  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_steal (lines, NULL);
}
