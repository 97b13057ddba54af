/* test-sla.c — the SLA clock: pauses, stops, reopening, first responses,
 * warnings, breaches, policy changes, holidays and daylight saving time
 *
 * Every expected instant is written as a local date and time in the
 * calendar's zone and read by GLib, not by the code under test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-error.h"
#include "hd-sla.h"
#include "hd-test-util.h"

#include <string.h>

/* Tickets */

#define BERLIN "Europe/Berlin"

static HdCalendar *
berlin (void)
{
  return hd_test_new_calendar (BERLIN, "mon-fri 09:00-17:00", "2024-12-25,2024-12-26");
}

static HdCalendar *
christmas (void)
{
  return hd_test_new_calendar (BERLIN, "mon-fri 09:00-17:00", "2024-12-24,2024-12-25,2024-12-26,2025-01-01");
}

/* A ticket from a creation time, a first response (or NULL) and pairs of
 * (time, HdStatus) ending with NULL. */
typedef struct {
  HdSlaTicket  ticket;
  GArray      *transitions;
} Ticket;

static void
ticket_clear (Ticket *t)
{
  g_clear_pointer (&t->transitions, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ticket, ticket_clear)

static void
ticket_init_va (Ticket     *t,
                HdCalendar *cal,
                const char *created,
                const char *first_response,
                va_list     args)
{
  const char *text;

  t->transitions = g_array_new (FALSE, FALSE, sizeof (HdSlaTransition));
  while ((text = va_arg (args, const char *)) != NULL)
    {
      HdSlaTransition transition = { hd_test_at (cal, text), va_arg (args, int) };

      g_array_append_val (t->transitions, transition);
    }

  t->ticket.created = hd_test_at (cal, created);
  t->ticket.first_response = first_response != NULL ? hd_test_at (cal, first_response) : 0;
  t->ticket.transitions = (const HdSlaTransition *) (gpointer) t->transitions->data;
  t->ticket.n_transitions = t->transitions->len;
}

static void
ticket_init (Ticket     *t,
             HdCalendar *cal,
             const char *created,
             const char *first_response,
             ...)
{
  va_list args;

  va_start (args, first_response);
  ticket_init_va (t, cal, created, first_response, args);
  va_end (args);
}

/* Computes the clocks of such a ticket at @now. */
static void
run (HdCalendar        *cal,
     const HdSlaPolicy *policy,
     const char        *now,
     HdSlaResult       *result,
     const char        *created,
     const char        *first_response,
     ...)
{
  g_auto(Ticket) t = { { 0, }, NULL };
  va_list args;

  va_start (args, first_response);
  ticket_init_va (&t, cal, created, first_response, args);
  va_end (args);

  memset (result, 0xaa, sizeof *result);
  hd_sla_compute (policy, cal, &t.ticket, hd_test_at (cal, now), result);
}

static HdSlaPolicy *
high (void)
{
  return hd_sla_policy_new ("High", 60, 8 * 60, 75);
}

static void
assert_state (HdCalendar       *cal,
              const HdSlaState *state,
              HdSlaDueState     expected,
              const char       *due,
              gint64            elapsed,
              gint64            paused)
{
  g_assert_cmpstr (hd_sla_due_state_to_label (state->state), ==, hd_sla_due_state_to_label (expected));
  assert_instant (cal, state->due, due);
  g_assert_cmpint (state->elapsed, ==, elapsed);
  g_assert_cmpint (state->paused, ==, paused);
  g_assert_cmpfloat_with_epsilon (state->share, (double) elapsed / (double) state->target, 1e-9);
}

#define H(h, m) ((h) * 3600 + (m) * 60)

/* Working hours, no pauses */

static void
test_running (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  /* Monday 18 November 2024 */
  run (cal, policy, "2024-11-18 12:00", &r, "2024-11-18 10:00", NULL, NULL);
  assert_state (cal, &r.response, HD_SLA_BREACHED, "2024-11-18 11:00", H (2, 0), 0);
  g_assert_cmpint (r.response.target, ==, 3600);
  g_assert_cmpint (r.response.stopped, ==, 0);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-19 10:00", H (2, 0), 0);
  g_assert_cmpint (r.resolution.target, ==, 8 * 3600);
  g_assert_cmpfloat_with_epsilon (r.resolution.share, 0.25, 1e-9);
  assert_instant (cal, r.resolution.warn_at, "2024-11-18 16:00");
  assert_instant (cal, r.resolution.started, "2024-11-18 10:00");
  g_assert_cmpint (r.resolution.stopped, ==, 0);

  /* a “now” before creation counts as creation */
  run (cal, policy, "2024-11-18 08:00", &r, "2024-11-18 10:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-19 10:00", 0, 0);
}

static void
test_start_outside_hours (void)
{
  static const struct {
    const char *created;
    const char *started;
    const char *response_due;
    const char *resolution_due;
  } cases[] = {
    { "2024-11-18 07:00", "2024-11-18 09:00", "2024-11-18 10:00", "2024-11-18 17:00" },  /* before opening */
    { "2024-11-18 17:00", "2024-11-19 09:00", "2024-11-19 10:00", "2024-11-19 17:00" },  /* at closing */
    { "2024-11-15 18:40", "2024-11-18 09:00", "2024-11-18 10:00", "2024-11-18 17:00" },  /* Friday evening */
    { "2024-11-16 23:10", "2024-11-18 09:00", "2024-11-18 10:00", "2024-11-18 17:00" },  /* Saturday night */
    { "2024-12-24 16:30", "2024-12-24 16:30", "2024-12-27 09:30", "2024-12-27 16:30" },  /* before the holidays */
    { "2024-12-25 11:00", "2024-12-27 09:00", "2024-12-27 10:00", "2024-12-27 17:00" },  /* on a holiday */
  };
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HdSlaResult r;

      g_test_message ("created %s", cases[i].created);
      /* now: still before the start */
      run (cal, policy, cases[i].created, &r, cases[i].created, NULL, NULL);
      assert_state (cal, &r.response, HD_SLA_OK, cases[i].response_due, 0, 0);
      assert_state (cal, &r.resolution, HD_SLA_OK, cases[i].resolution_due, 0, 0);
      assert_instant (cal, r.response.started, cases[i].started);
      assert_instant (cal, r.resolution.started, cases[i].started);
    }
}

static void
test_start_in_lunch_break (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = hd_test_new_calendar (BERLIN, "mon-fri 08:00-12:00,13:00-17:00", NULL);

  run (cal, policy, "2024-11-18 12:45", &r, "2024-11-18 12:30", NULL, NULL);
  assert_instant (cal, r.resolution.started, "2024-11-18 13:00");
  assert_state (cal, &r.response, HD_SLA_OK, "2024-11-18 14:00", 0, 0);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-19 12:00", 0, 0);

  run (cal, policy, "2024-11-18 13:30", &r, "2024-11-18 11:45", NULL, NULL);
  assert_state (cal, &r.response, HD_SLA_AT_RISK, "2024-11-18 13:45", H (0, 45), 0);
  assert_instant (cal, r.response.warn_at, "2024-11-18 13:30");
}

/* Warnings and breaches, exactly at the threshold */

static void
test_at_risk_threshold (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  run (cal, policy, "2024-11-18 14:59:59", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-18 17:00", H (5, 59) + 59, 0);
  assert_instant (cal, r.resolution.warn_at, "2024-11-18 15:00");

  run (cal, policy, "2024-11-18 15:00", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_AT_RISK, "2024-11-18 17:00", H (6, 0), 0);
  g_assert_cmpfloat_with_epsilon (r.resolution.share, 0.75, 1e-9);
  assert_instant (cal, r.resolution.warn_at, "2024-11-18 15:00");

  /* the response clock: 45 of 60 minutes */
  run (cal, policy, "2024-11-18 09:44", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.response, HD_SLA_OK, "2024-11-18 10:00", H (0, 44), 0);
  run (cal, policy, "2024-11-18 09:45", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.response, HD_SLA_AT_RISK, "2024-11-18 10:00", H (0, 45), 0);

  /* another warning share */
  policy->warn_percent = 50;
  run (cal, policy, "2024-11-18 13:00", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_AT_RISK, "2024-11-18 17:00", H (4, 0), 0);
  assert_instant (cal, r.resolution.warn_at, "2024-11-18 13:00");
}

static void
test_breached (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  run (cal, policy, "2024-11-18 16:59:59", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_AT_RISK, "2024-11-18 17:00", H (7, 59) + 59, 0);

  run (cal, policy, "2024-11-18 17:00", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_BREACHED, "2024-11-18 17:00", H (8, 0), 0);

  /* nights do not count, so the elapsed time stays at the target … */
  run (cal, policy, "2024-11-18 23:00", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_BREACHED, "2024-11-18 17:00", H (8, 0), 0);

  /* … and grows again in the morning */
  run (cal, policy, "2024-11-19 09:30", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_BREACHED, "2024-11-18 17:00", H (8, 30), 0);
  g_assert_cmpfloat_with_epsilon (r.resolution.share, 8.5 / 8, 1e-9);
  assert_state (cal, &r.response, HD_SLA_BREACHED, "2024-11-18 10:00", H (8, 30), 0);

  /* breached, then pending: stays breached */
  run (cal, policy, "2024-11-19 12:00", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 17:30", HD_STATUS_PENDING, NULL);
  assert_state (cal, &r.resolution, HD_SLA_BREACHED, "2024-11-18 17:00", H (8, 0), H (3, 0));
}

static void
test_met (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  run (cal, policy, "2024-11-20 12:00", &r, "2024-11-18 09:00", "2024-11-18 09:20",
       "2024-11-18 16:00", HD_STATUS_RESOLVED, NULL);
  assert_state (cal, &r.resolution, HD_SLA_MET, "2024-11-18 17:00", H (7, 0), 0);
  assert_instant (cal, r.resolution.stopped, "2024-11-18 16:00");
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", H (0, 20), 0);
  assert_instant (cal, r.response.stopped, "2024-11-18 09:20");

  /* resolved, then closed: the clock stopped at the resolution */
  run (cal, policy, "2024-11-20 12:00", &r, "2024-11-18 09:00", "2024-11-18 09:20",
       "2024-11-18 16:00", HD_STATUS_RESOLVED, "2024-11-19 10:00", HD_STATUS_CLOSED, NULL);
  assert_state (cal, &r.resolution, HD_SLA_MET, "2024-11-18 17:00", H (7, 0), 0);
  assert_instant (cal, r.resolution.stopped, "2024-11-18 16:00");

  /* exactly at the deadline is in time */
  run (cal, policy, "2024-11-20 12:00", &r, "2024-11-18 09:00", "2024-11-18 10:00",
       "2024-11-18 17:00", HD_STATUS_RESOLVED, NULL);
  assert_state (cal, &r.resolution, HD_SLA_MET, "2024-11-18 17:00", H (8, 0), 0);
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", H (1, 0), 0);

  /* an hour after closing is late, though no business time passed */
  run (cal, policy, "2024-11-20 12:00", &r, "2024-11-18 09:00", "2024-11-18 09:20",
       "2024-11-18 18:00", HD_STATUS_RESOLVED, NULL);
  assert_state (cal, &r.resolution, HD_SLA_BREACHED, "2024-11-18 17:00", H (8, 0), 0);
  assert_instant (cal, r.resolution.stopped, "2024-11-18 18:00");

  run (cal, policy, "2024-11-20 12:00", &r, "2024-11-18 09:00", "2024-11-18 09:20",
       "2024-11-19 09:30", HD_STATUS_RESOLVED, NULL);
  assert_state (cal, &r.resolution, HD_SLA_BREACHED, "2024-11-18 17:00", H (8, 30), 0);
  assert_instant (cal, r.resolution.stopped, "2024-11-19 09:30");

  /* changes after now are not known yet */
  run (cal, policy, "2024-11-18 11:00", &r, "2024-11-18 09:00", "2024-11-18 12:00",
       "2024-11-18 16:00", HD_STATUS_RESOLVED, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-18 17:00", H (2, 0), 0);
  assert_state (cal, &r.response, HD_SLA_BREACHED, "2024-11-18 10:00", H (2, 0), 0);
}

/* First response */

static void
test_first_response (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  run (cal, policy, "2024-11-18 12:00", &r, "2024-11-18 09:00", "2024-11-18 09:45", NULL);
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", H (0, 45), 0);
  assert_instant (cal, r.response.warn_at, "2024-11-18 09:45");

  run (cal, policy, "2024-11-18 12:00", &r, "2024-11-18 09:00", "2024-11-18 10:30", NULL);
  assert_state (cal, &r.response, HD_SLA_BREACHED, "2024-11-18 10:00", H (1, 30), 0);
  assert_instant (cal, r.response.stopped, "2024-11-18 10:30");

  /* before the start: answered before the clock ran */
  run (cal, policy, "2024-11-18 12:00", &r, "2024-11-16 10:00", "2024-11-16 11:00", NULL);
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", 0, 0);

  /* a response stamped before creation (clocks of two desktops) */
  run (cal, policy, "2024-11-18 12:00", &r, "2024-11-18 09:00", "2024-11-18 08:59", NULL);
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", 0, 0);
  assert_instant (cal, r.response.stopped, "2024-11-18 09:00");

  /* no response yet */
  run (cal, policy, "2024-11-18 09:30", &r, "2024-11-18 09:00", NULL, NULL);
  assert_state (cal, &r.response, HD_SLA_OK, "2024-11-18 10:00", H (0, 30), 0);
  assert_instant (cal, r.response.warn_at, "2024-11-18 09:45");
  g_assert_cmpint (r.response.stopped, ==, 0);

  /* a response in the future of now is not known yet */
  run (cal, policy, "2024-11-18 09:30", &r, "2024-11-18 09:00", "2024-11-18 09:40", NULL);
  assert_state (cal, &r.response, HD_SLA_OK, "2024-11-18 10:00", H (0, 30), 0);

  /* resolved without a reply: the resolution answers */
  run (cal, policy, "2024-11-18 12:00", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 09:40", HD_STATUS_RESOLVED, NULL);
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", H (0, 40), 0);
  assert_instant (cal, r.response.stopped, "2024-11-18 09:40");
  assert_state (cal, &r.resolution, HD_SLA_MET, "2024-11-18 17:00", H (0, 40), 0);

  /* pending before any reply pauses this clock too */
  run (cal, policy, "2024-11-18 11:20", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 09:30", HD_STATUS_PENDING, "2024-11-18 11:00", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.response, HD_SLA_AT_RISK, "2024-11-18 11:30", H (0, 50), H (1, 30));
}

/* Pauses */

static void
test_pause_within_day (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  run (cal, policy, "2024-11-18 14:00", &r, "2024-11-18 09:00", "2024-11-18 09:30",
       "2024-11-18 11:00", HD_STATUS_PENDING, "2024-11-18 13:10", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-19 11:10", H (2, 50), H (2, 10));
  assert_instant (cal, r.resolution.warn_at, "2024-11-19 09:10");
  /* the first response came before the pause */
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", H (0, 30), 0);
}

static void
test_pause_across_night_and_weekend (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  /* Friday 10:00; pending Friday 16:00 to Monday 10:00 */
  run (cal, policy, "2024-11-25 11:00", &r, "2024-11-22 10:00", "2024-11-22 10:15",
       "2024-11-22 16:00", HD_STATUS_PENDING, "2024-11-25 10:00", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_AT_RISK, "2024-11-25 12:00", H (7, 0), H (2, 0));
  assert_instant (cal, r.resolution.warn_at, "2024-11-22 16:00");

  /* pending over a night only: no effect */
  run (cal, policy, "2024-11-19 10:00", &r, "2024-11-18 13:00", "2024-11-18 13:15",
       "2024-11-18 16:59", HD_STATUS_PENDING, "2024-11-19 08:30", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-19 13:01", H (4, 59), H (0, 1));

  /* several pauses */
  run (cal, policy, "2024-11-20 10:00", &r, "2024-11-18 09:00", "2024-11-18 09:10",
       "2024-11-18 10:00", HD_STATUS_PENDING, "2024-11-18 11:00", HD_STATUS_OPEN,
       "2024-11-18 16:00", HD_STATUS_PENDING, "2024-11-19 16:00", HD_STATUS_OPEN,
       "2024-11-19 16:30", HD_STATUS_PENDING, "2024-11-19 16:45", HD_STATUS_PENDING,
       "2024-11-20 09:15", HD_STATUS_OPEN, NULL);
  /* counted: Mon 9–10, 11–16, Tue 16:00–16:30, Wed 9:15–10:00 = 7 h 15 min */
  assert_state (cal, &r.resolution, HD_SLA_AT_RISK, "2024-11-20 10:45", H (7, 15), H (9, 45));
  assert_instant (cal, r.resolution.warn_at, "2024-11-18 16:00");
}

static void
test_paused_now (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  run (cal, policy, "2024-11-19 10:00", &r, "2024-11-18 09:00", "2024-11-18 09:30",
       "2024-11-18 11:00", HD_STATUS_PENDING, NULL);
  assert_state (cal, &r.resolution, HD_SLA_PAUSED, "2024-11-19 16:00", H (2, 0), H (7, 0));
  assert_instant (cal, r.resolution.warn_at, "2024-11-19 14:00");
  g_assert_cmpint (r.resolution.stopped, ==, 0);
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", H (0, 30), 0);

  /* pending from the moment of creation; a status stamped a second before
   * creation counts from creation */
  run (cal, policy, "2024-11-18 11:00", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 08:59:59", HD_STATUS_PENDING, "2024-11-18 10:00", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-19 10:00", H (1, 0), H (1, 0));
  run (cal, policy, "2024-11-18 11:00", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 09:00", HD_STATUS_PENDING, "2024-11-18 10:00", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-11-19 10:00", H (1, 0), H (1, 0));
}

static void
test_reopen (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;
  HdSlaResult shuffled;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  /* resolved Monday 15:00, reopened Tuesday 10:00 */
  run (cal, policy, "2024-11-19 11:00", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 15:00", HD_STATUS_RESOLVED, "2024-11-19 10:00", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_AT_RISK, "2024-11-19 12:00", H (7, 0), H (3, 0));
  assert_instant (cal, r.resolution.warn_at, "2024-11-18 15:00");
  g_assert_cmpint (r.resolution.stopped, ==, 0);
  /* nobody replied before the resolution, which came late for a response */
  assert_state (cal, &r.response, HD_SLA_BREACHED, "2024-11-18 10:00", H (6, 0), 0);
  assert_instant (cal, r.response.stopped, "2024-11-18 15:00");

  /* the same history in another order gives the same clocks */
  run (cal, policy, "2024-11-19 11:00", &shuffled, "2024-11-18 09:00", NULL,
       "2024-11-19 10:00", HD_STATUS_OPEN, "2024-11-18 15:00", HD_STATUS_RESOLVED, NULL);
  g_assert_cmpmem (&r, sizeof r, &shuffled, sizeof shuffled);

  /* resolved again, in time */
  run (cal, policy, "2024-11-20 11:00", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 15:00", HD_STATUS_RESOLVED, "2024-11-19 10:00", HD_STATUS_OPEN,
       "2024-11-19 11:30", HD_STATUS_RESOLVED, NULL);
  assert_state (cal, &r.resolution, HD_SLA_MET, "2024-11-19 12:00", H (7, 30), H (3, 0));
  assert_instant (cal, r.resolution.stopped, "2024-11-19 11:30");

  /* reopened after the deadline would have passed: the resolved stretch
   * does not count, the ticket is still in time */
  run (cal, policy, "2024-11-21 09:30", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 16:00", HD_STATUS_RESOLVED, "2024-11-21 09:00", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_AT_RISK, "2024-11-21 10:00", H (7, 30), H (17, 0));

  run (cal, policy, "2024-11-21 10:15", &r, "2024-11-18 09:00", NULL,
       "2024-11-18 16:00", HD_STATUS_RESOLVED, "2024-11-21 09:00", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_BREACHED, "2024-11-21 10:00", H (8, 15), H (17, 0));
}

/* Several days and holidays */

static void
test_several_days (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) low = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = christmas ();
  low = hd_sla_policy_new_default (HD_PRIORITY_LOW);

  /* 40 h across Christmas and New Year */
  run (cal, low, "2024-12-23 10:00", &r, "2024-12-23 09:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2025-01-02 17:00", H (1, 0), 0);
  assert_state (cal, &r.response, HD_SLA_OK, "2024-12-23 17:00", H (1, 0), 0);
  assert_instant (cal, r.resolution.warn_at, "2024-12-31 15:00");

  run (cal, low, "2025-01-02 16:00", &r, "2024-12-23 09:00", "2024-12-23 11:00", NULL);
  assert_state (cal, &r.resolution, HD_SLA_AT_RISK, "2025-01-02 17:00", H (39, 0), 0);

  /* a week of the normal target, pending over the holidays */
  run (cal, low, "2025-01-03 12:00", &r, "2024-12-20 09:00", "2024-12-20 10:00",
       "2024-12-20 17:00", HD_STATUS_PENDING, "2025-01-02 09:00", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2025-01-07 17:00", H (19, 0), H (32, 0));

  run (cal, policy, "2024-12-20 16:30", &r, "2024-12-20 16:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-12-23 16:00", H (0, 30), 0);
  run (cal, policy, "2024-12-23 12:30", &r, "2024-12-23 12:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-12-27 12:00", H (0, 30), 0);
}

/* Policy changes: the caller passes the policy in force, and the clocks are
 * computed from the history as if it had always applied */

static void
test_policy_change (void)
{
  static const struct {
    guint       minutes;
    guint       warn;
    HdSlaDueState state;
    const char *due;
    const char *warn_at;
  } cases[] = {
    { 8 * 60, 75, HD_SLA_OK, "2024-11-19 11:00", "2024-11-18 17:00" },
    { 4 * 60, 75, HD_SLA_BREACHED, "2024-11-18 15:00", "2024-11-18 14:00" },
    { 16 * 60, 75, HD_SLA_OK, "2024-11-20 11:00", "2024-11-19 15:00" },
    { 5 * 60 + 30, 75, HD_SLA_OK, "2024-11-18 16:30", "2024-11-18 15:07:30" },
    { 8 * 60, 50, HD_SLA_AT_RISK, "2024-11-19 11:00", "2024-11-18 15:00" },
  };
  g_autoptr(HdCalendar) cal = NULL;
  HdSlaResult first;
  HdSlaResult again;
  gint64 previous_due = 0;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HdSlaPolicy) policy = hd_sla_policy_new ("Custom", 0, cases[i].minutes, cases[i].warn);
      HdSlaResult r;

      g_test_message ("%u min, warning at %u %%", cases[i].minutes, cases[i].warn);
      run (cal, policy, "2024-11-18 15:00", &r, "2024-11-18 09:00", NULL,
           "2024-11-18 11:00", HD_STATUS_PENDING, "2024-11-18 13:00", HD_STATUS_OPEN, NULL);
      assert_state (cal, &r.resolution, cases[i].state, cases[i].due, H (4, 0), H (2, 0));
      assert_instant (cal, r.resolution.warn_at, cases[i].warn_at);
      g_assert_cmpint (r.response.state, ==, HD_SLA_NONE);
    }

  /* the same policy again gives the same answer */
  {
    g_autoptr(HdSlaPolicy) policy = high ();

    run (cal, policy, "2024-11-18 15:00", &first, "2024-11-18 09:00", NULL,
         "2024-11-18 11:00", HD_STATUS_PENDING, "2024-11-18 13:00", HD_STATUS_OPEN, NULL);
    run (cal, policy, "2024-11-18 15:00", &again, "2024-11-18 09:00", NULL,
         "2024-11-18 11:00", HD_STATUS_PENDING, "2024-11-18 13:00", HD_STATUS_OPEN, NULL);
    g_assert_cmpmem (&first, sizeof first, &again, sizeof again);
  }

  /* a longer target never gives an earlier deadline, and the pause moves
   * every deadline by exactly the business time spent pending */
  for (guint minutes = 30; minutes <= 40 * 60; minutes += 15)
    {
      g_autoptr(HdSlaPolicy) policy = hd_sla_policy_new ("Custom", 0, minutes, 75);
      HdSlaResult paused;
      HdSlaResult straight;

      run (cal, policy, "2024-11-18 10:00", &paused, "2024-11-18 09:00", NULL,
           "2024-11-18 09:30", HD_STATUS_PENDING, "2024-11-18 09:30", HD_STATUS_PENDING,
           "2024-11-18 11:00", HD_STATUS_OPEN, NULL);
      run (cal, policy, "2024-11-18 10:00", &straight, "2024-11-18 09:00", NULL, NULL);
      if (paused.resolution.state == HD_SLA_BREACHED)
        continue;
      g_assert_cmpint (paused.resolution.due, >=, previous_due);
      g_assert_cmpint (hd_calendar_business_between (cal, straight.resolution.due, paused.resolution.due),
                       ==, paused.resolution.paused);
      previous_due = paused.resolution.due;
    }
}

/* Daylight saving time */

static void
test_dst (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  /* spring: Friday 29 March to Monday 1 April 2024 */
  run (cal, policy, "2024-04-01 10:00", &r, "2024-03-29 15:00", NULL, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-04-01 15:00", H (3, 0), 0);
  assert_state (cal, &r.response, HD_SLA_BREACHED, "2024-03-29 16:00", H (3, 0), 0);

  /* autumn: Friday 25 to Monday 28 October 2024 */
  run (cal, policy, "2024-10-28 10:00", &r, "2024-10-25 15:00", NULL,
       "2024-10-25 16:00", HD_STATUS_PENDING, "2024-10-28 09:30", HD_STATUS_OPEN, NULL);
  assert_state (cal, &r.resolution, HD_SLA_OK, "2024-10-28 16:30", H (1, 30), H (1, 30));
}

static void
test_dst_new_york (void)
{
  g_autoptr(HdCalendar) office = NULL;
  g_autoptr(HdCalendar) always = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  g_autoptr(HdSlaPolicy) day = hd_sla_policy_new ("A day", 0, 24 * 60, 75);
  HdSlaResult r;

  if (!hd_test_have_zone ("America/New_York"))
    return;
  office = hd_test_new_calendar ("America/New_York", "mon-fri 09:00-17:00", NULL);
  always = hd_test_new_calendar ("America/New_York", "mon-sun 00:00-24:00", NULL);

  /* pending over the weekend clocks went forward */
  run (office, policy, "2024-03-11 11:00", &r, "2024-03-08 15:00", "2024-03-08 15:30",
       "2024-03-08 16:00", HD_STATUS_PENDING, "2024-03-11 10:00", HD_STATUS_OPEN, NULL);
  assert_state (office, &r.resolution, HD_SLA_OK, "2024-03-11 17:00", H (2, 0), H (2, 0));

  /* round the clock: 24 real hours, one of them repeated at 01:00 */
  run (always, day, "2024-11-02 18:00", &r, "2024-11-02 12:00", NULL, NULL);
  assert_state (always, &r.resolution, HD_SLA_OK, "2024-11-03 11:00", H (6, 0), 0);

  /* pending from 00:30 EDT to 02:30 EST: three real hours */
  run (always, day, "2024-11-03 03:00", &r, "2024-11-02 12:00", NULL,
       "2024-11-03 00:30", HD_STATUS_PENDING, "2024-11-03 02:30", HD_STATUS_OPEN, NULL);
  assert_state (always, &r.resolution, HD_SLA_OK, "2024-11-03 14:00", H (13, 0), H (3, 0));
  assert_instant (always, r.resolution.warn_at, "2024-11-03 08:00");

  /* spring: 23 real hours on 10 March */
  run (always, day, "2024-03-10 12:00", &r, "2024-03-09 12:00", NULL, NULL);
  assert_state (always, &r.resolution, HD_SLA_AT_RISK, "2024-03-10 13:00", H (23, 0), 0);
  run (always, day, "2024-03-10 13:00", &r, "2024-03-09 12:00", NULL, NULL);
  assert_state (always, &r.resolution, HD_SLA_BREACHED, "2024-03-10 13:00", H (24, 0), 0);
}

/* Targets that are not there */

static void
test_no_targets (void)
{
  g_autoptr(HdCalendar) cal = hd_test_new_calendar ("UTC", "mon-fri 09:00-17:00", NULL);
  g_autoptr(HdSlaPolicy) none = hd_sla_policy_new ("None", 0, 0, 75);
  g_autoptr(HdSlaPolicy) response_only = hd_sla_policy_new ("Reply", 60, 0, 75);
  HdSlaResult r;

  run (cal, none, "2024-11-18 12:00", &r, "2024-11-18 09:00", NULL, NULL);
  g_assert_cmpint (r.response.state, ==, HD_SLA_NONE);
  g_assert_cmpint (r.resolution.state, ==, HD_SLA_NONE);
  g_assert_cmpint (r.resolution.due, ==, 0);
  g_assert_cmpint (r.resolution.target, ==, 0);
  g_assert_true (hd_sla_result_get_current (&r) == &r.response);

  run (cal, response_only, "2024-11-18 12:00", &r, "2024-11-18 09:00", "2024-11-18 09:10", NULL);
  g_assert_cmpint (r.resolution.state, ==, HD_SLA_NONE);
  assert_state (cal, &r.response, HD_SLA_MET, "2024-11-18 10:00", H (0, 10), 0);
  g_assert_true (hd_sla_result_get_current (&r) == &r.response);
}

static void
test_never (void)
{
  g_autoptr(GString) mondays = g_string_new (NULL);
  g_autoptr(GDateTime) monday = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  g_auto(GStrv) lines = NULL;
  g_auto(Ticket) t = { { 0, }, NULL };
  HdSlaResult r;

  for (int week = 0; week < 3 * 53; week++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_weeks (monday, week);
      g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");

      g_string_append_printf (mondays, "%s ", date);
    }
  cal = hd_test_new_calendar ("UTC", "mon 09:00-17:00", mondays->str);

  run (cal, policy, "2024-01-03 12:00", &r, "2024-01-02 12:00", NULL, NULL);
  g_assert_cmpint (r.resolution.state, ==, HD_SLA_OK);
  g_assert_cmpint (r.resolution.due, ==, HD_CALENDAR_NEVER);
  g_assert_cmpint (r.resolution.started, ==, HD_CALENDAR_NEVER);

  ticket_init (&t, cal, "2024-01-02 12:00", NULL, NULL);
  lines = hd_sla_explain (policy, cal, &t.ticket, hd_test_at (cal, "2024-01-03 12:00"));
  g_assert_cmpstr (lines[g_strv_length (lines) - 1], ==,
                   "Resolution: the calendar has no working time for over two years, so there is no deadline");
}

/* What the list shows */

static void
test_current (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  HdSlaResult r;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  /* both running: the response is due first */
  run (cal, policy, "2024-11-18 09:10", &r, "2024-11-18 09:00", NULL, NULL);
  g_assert_true (hd_sla_result_get_current (&r) == &r.response);

  /* the response is breached */
  run (cal, policy, "2024-11-18 12:00", &r, "2024-11-18 09:00", NULL, NULL);
  g_assert_true (hd_sla_result_get_current (&r) == &r.response);

  /* answered: the resolution */
  run (cal, policy, "2024-11-18 16:00", &r, "2024-11-18 09:00", "2024-11-18 09:05", NULL);
  g_assert_cmpint (r.resolution.state, ==, HD_SLA_AT_RISK);
  g_assert_true (hd_sla_result_get_current (&r) == &r.resolution);

  /* answered late: history; the resolution */
  run (cal, policy, "2024-11-18 12:00", &r, "2024-11-18 09:00", "2024-11-18 11:00", NULL);
  g_assert_cmpint (r.response.state, ==, HD_SLA_BREACHED);
  g_assert_true (hd_sla_result_get_current (&r) == &r.resolution);

  /* both at risk: the earlier deadline */
  policy->first_response_minutes = 7 * 60 + 50;
  run (cal, policy, "2024-11-18 15:30", &r, "2024-11-18 09:00", NULL, NULL);
  g_assert_cmpint (r.response.state, ==, HD_SLA_AT_RISK);
  g_assert_cmpint (r.resolution.state, ==, HD_SLA_AT_RISK);
  g_assert_true (hd_sla_result_get_current (&r) == &r.response);

  /* the resolution breached, the response only at risk */
  policy->first_response_minutes = 8 * 60;
  policy->resolution_minutes = 7 * 60;
  run (cal, policy, "2024-11-18 16:30", &r, "2024-11-18 09:00", NULL, NULL);
  g_assert_cmpint (r.response.state, ==, HD_SLA_AT_RISK);
  g_assert_cmpint (r.resolution.state, ==, HD_SLA_BREACHED);
  g_assert_true (hd_sla_result_get_current (&r) == &r.resolution);
  policy->resolution_minutes = 8 * 60;

  /* all done */
  run (cal, policy, "2024-11-19 12:00", &r, "2024-11-18 09:00", "2024-11-18 09:05",
       "2024-11-18 10:00", HD_STATUS_RESOLVED, NULL);
  g_assert_true (hd_sla_result_get_current (&r) == &r.resolution);
}

/* The explanation */

static void
assert_lines (char       **lines,
              const char  *expected[])
{
  guint n = 0;

  for (; expected[n] != NULL; n++)
    {
      g_assert_nonnull (lines[n]);
      g_assert_cmpstr (lines[n], ==, expected[n]);
    }
  g_assert_null (lines[n]);
}

static void
test_explain (void)
{
  const char *expected[] = {
    "Policy: High — respond within 1 h, resolve within 8 h of business time",
    "Calendar: Mon–Fri 09:00–17:00 (Europe/Berlin), 2 holidays",
    "Created Fri 15 Nov 18:40, outside working hours: counted from Mon 18 Nov 09:00",
    "Paused 2 h 10 min while waiting on the requester (Mon 18 Nov 11:00 – 13:10)",
    "Waiting on the requester (Mon 18 Nov 18:00 – Tue 19 Nov 08:00) outside working hours: no effect on the deadline",
    "Resolved, then reopened (Tue 19 Nov 10:00 – 14:00): 4 h of business time not counted",
    "First response: met Mon 18 Nov 09:30, after 30 min of business time (target 1 h)",
    "Resolution: due Tue 19 Nov 15:10, at risk; 7 h 50 min of 8 h used (97 %)",
    NULL
  };
  const char *paused[] = {
    "Policy: High — respond within 1 h, resolve within 8 h of business time",
    "Calendar: Mon–Fri 09:00–17:00 (Europe/Berlin), 2 holidays",
    "Created Mon 18 Nov 09:00, during working hours: counted from then",
    "Waiting on the requester since Mon 18 Nov 10:30: paused, 1 h 30 min of business time so far",
    "First response: breached; due Mon 18 Nov 10:00 (target 1 h)",
    "Resolution: paused with 6 h 30 min of 8 h left; due Tue 19 Nov 10:30 if work resumed now",
    NULL
  };
  const char *last_year[] = {
    "Policy: Custom — no first-response target, resolve within 40 h of business time",
    "Calendar: Mon–Fri 09:00–17:00 (Europe/Berlin), 2 holidays",
    "Created Mon 30 Dec 2024 09:00, during working hours: counted from then",
    "Resolution: breached; due Fri 3 Jan 17:00, done Thu 9 Jan 12:00 (target 40 h)",
    NULL
  };
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdSlaPolicy) policy = high ();
  g_autoptr(HdSlaPolicy) week = hd_sla_policy_new ("Custom", 0, 40 * 60, 75);
  g_auto(Ticket) t1 = { { 0, }, NULL };
  g_auto(Ticket) t2 = { { 0, }, NULL };
  g_auto(Ticket) t3 = { { 0, }, NULL };
  g_auto(GStrv) lines1 = NULL;
  g_auto(GStrv) lines2 = NULL;
  g_auto(GStrv) lines3 = NULL;

  if (!hd_test_have_zone (BERLIN))
    return;
  cal = berlin ();

  ticket_init (&t1, cal, "2024-11-15 18:40", "2024-11-18 09:30",
               "2024-11-18 11:00", HD_STATUS_PENDING, "2024-11-18 13:10", HD_STATUS_OPEN,
               "2024-11-18 18:00", HD_STATUS_PENDING, "2024-11-19 08:00", HD_STATUS_OPEN,
               "2024-11-19 10:00", HD_STATUS_RESOLVED, "2024-11-19 14:00", HD_STATUS_OPEN,
               NULL);
  lines1 = hd_sla_explain (policy, cal, &t1.ticket, hd_test_at (cal, "2024-11-19 15:00"));
  assert_lines (lines1, expected);

  ticket_init (&t2, cal, "2024-11-18 09:00", NULL, "2024-11-18 10:30", HD_STATUS_PENDING, NULL);
  lines2 = hd_sla_explain (policy, cal, &t2.ticket, hd_test_at (cal, "2024-11-18 12:00"));
  assert_lines (lines2, paused);

  /* 1 January is no holiday of this calendar */
  ticket_init (&t3, cal, "2024-12-30 09:00", NULL, "2025-01-09 12:00", HD_STATUS_RESOLVED, NULL);
  lines3 = hd_sla_explain (week, cal, &t3.ticket, hd_test_at (cal, "2025-01-10 12:00"));
  assert_lines (lines3, last_year);
}

/* Policies and durations */

static void
test_policy_defaults (void)
{
  static const struct {
    HdPriority  priority;
    const char *name;
    guint       response;
    guint       resolution;
  } cases[] = {
    { HD_PRIORITY_LOW, "Low", 8 * 60, 40 * 60 },
    { HD_PRIORITY_NORMAL, "Normal", 4 * 60, 16 * 60 },
    { HD_PRIORITY_HIGH, "High", 60, 8 * 60 },
    { HD_PRIORITY_URGENT, "Urgent", 30, 4 * 60 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HdSlaPolicy) policy = hd_sla_policy_new_default (cases[i].priority);
      g_autoptr(HdSlaPolicy) copy = hd_sla_policy_copy (policy);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (policy->name, ==, cases[i].name);
      g_assert_cmpuint (policy->first_response_minutes, ==, cases[i].response);
      g_assert_cmpuint (policy->resolution_minutes, ==, cases[i].resolution);
      g_assert_cmpuint (policy->warn_percent, ==, HD_SLA_DEFAULT_WARN_PERCENT);
      g_assert_true (hd_sla_policy_validate (policy, &error));
      g_assert_no_error (error);

      g_assert_true (copy != policy);
      g_assert_cmpstr (copy->name, ==, policy->name);
      g_assert_cmpuint (copy->resolution_minutes, ==, policy->resolution_minutes);
    }
}

static void
test_policy_errors (void)
{
  static const struct {
    guint       response;
    guint       resolution;
    guint       warn;
    const char *message;
  } cases[] = {
    { HD_SLA_MAX_TARGET_MINUTES + 1, 0, 75, "The first-response target is too long: 8784 hours of business time at most." },
    { 60, HD_SLA_MAX_TARGET_MINUTES + 1, 75, "The resolution target is too long: 8784 hours of business time at most." },
    { 90, 60, 75, "The first-response target (1 h 30 min) must not be longer than the resolution target (1 h)." },
    { 60, 480, 0, "The warning share must be between 1 and 99 %, not 0 %." },
    { 60, 480, 100, "The warning share must be between 1 and 99 %, not 100 %." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HdSlaPolicy) policy = hd_sla_policy_new ("Odd", cases[i].response, cases[i].resolution,
                                                         cases[i].warn);
      g_autoptr(GError) error = NULL;

      g_assert_false (hd_sla_policy_validate (policy, &error));
      g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_parse_minutes (void)
{
  static const struct {
    const char *text;
    guint       minutes;
  } good[] = {
    { "90", 90 }, { "90min", 90 }, { "90 m", 90 }, { "4h", 240 }, { "1h30", 90 },
    { "1 h 30 min", 90 }, { "2 hours", 120 }, { "1h 5m", 65 }, { "0", 0 },
    { "none", 0 }, { " None ", 0 }, { "8784h", 8784 * 60 }, { "1 hour 1 minute", 61 },
  };
  static const char *bad[] = {
    "", " ", "h", "1x", "1h2h", "30min 1h", "abc", "1.5h", "-5", "1h30min5", "nonesuch",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint minutes = 12345;

      g_test_message ("“%s”", good[i].text);
      g_assert_true (hd_sla_parse_minutes (good[i].text, &minutes, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (minutes, ==, good[i].minutes);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message = g_strdup_printf ("“%s” is not a duration such as “4h”, “30min” or “1h30”.", bad[i]);
      guint minutes = 12345;

      g_test_message ("“%s”", bad[i]);
      g_assert_false (hd_sla_parse_minutes (bad[i], &minutes, &error));
      g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, message);
      g_assert_cmpuint (minutes, ==, 12345);
    }

  {
    g_autoptr(GError) error = NULL;
    guint minutes;

    g_assert_false (hd_sla_parse_minutes ("99999999999999999999", &minutes, &error));
    g_assert_cmpstr (error->message, ==, "The target “99999999999999999999” is too long: 8784 hours of business time at most.");
  }
}

static void
test_format_duration (void)
{
  static const struct {
    gint64      seconds;
    const char *text;
  } cases[] = {
    { 0, "0 min" }, { 59, "0 min" }, { 60, "1 min" }, { 3600, "1 h" }, { 7800, "2 h 10 min" },
    { -5400, "1 h 30 min" }, { 40 * 3600, "40 h" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = hd_sla_format_duration (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  g_assert_cmpstr (hd_sla_due_state_to_label (HD_SLA_AT_RISK), ==, "At risk");
  g_assert_cmpstr (hd_sla_due_state_to_label (HD_SLA_BREACHED), ==, "Breached");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sla/running", test_running);
  g_test_add_func ("/sla/start/outside-hours", test_start_outside_hours);
  g_test_add_func ("/sla/start/lunch-break", test_start_in_lunch_break);
  g_test_add_func ("/sla/at-risk-threshold", test_at_risk_threshold);
  g_test_add_func ("/sla/breached", test_breached);
  g_test_add_func ("/sla/met", test_met);
  g_test_add_func ("/sla/first-response", test_first_response);
  g_test_add_func ("/sla/pause/within-day", test_pause_within_day);
  g_test_add_func ("/sla/pause/night-and-weekend", test_pause_across_night_and_weekend);
  g_test_add_func ("/sla/pause/now", test_paused_now);
  g_test_add_func ("/sla/reopen", test_reopen);
  g_test_add_func ("/sla/several-days", test_several_days);
  g_test_add_func ("/sla/policy-change", test_policy_change);
  g_test_add_func ("/sla/dst/berlin", test_dst);
  g_test_add_func ("/sla/dst/new-york", test_dst_new_york);
  g_test_add_func ("/sla/no-targets", test_no_targets);
  g_test_add_func ("/sla/never", test_never);
  g_test_add_func ("/sla/current", test_current);
  g_test_add_func ("/sla/explain", test_explain);
  g_test_add_func ("/sla/policy/defaults", test_policy_defaults);
  g_test_add_func ("/sla/policy/errors", test_policy_errors);
  g_test_add_func ("/sla/parse-minutes", test_parse_minutes);
  g_test_add_func ("/sla/format-duration", test_format_duration);

  return g_test_run ();
}
