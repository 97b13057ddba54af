/* bench-sla.c — how fast the SLA engine recomputes the due state of every
 * open ticket
 *
 * TICKETS synthetic open tickets (100 000 unless --tickets says otherwise),
 * created at random in the 30 days before a fixed “now”, each with up to
 * three stretches pending and most with a first response, under the four
 * default priority policies, on a Berlin calendar with a lunch break and 10
 * holidays. One round computes both clocks of every ticket and picks the one
 * the list shows; the best of ROUNDS rounds is reported, together with the
 * one-off cost of reading the zone's offsets on the first computation.
 *
 * Every figure is one line
 *
 *   bench: sla <what> <value> <unit>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd-sla.h"

#define ROUNDS 3
#define SEED 20241129
#define DAY_USEC (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define MINUTE_USEC (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

typedef struct {
  HdSlaTicket     ticket;
  HdPriority      priority;
  HdSlaTransition transitions[7];
} Ticket;

static void
report (const char *what,
        double      value,
        const char *unit)
{
  printf ("bench: sla %s %.*f %s\n", what, value >= 100 ? 0 : 2, value, unit);
  fflush (stdout);
}

static G_NORETURN void
die (const char   *what,
     const GError *error)
{
  g_printerr ("bench-sla: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static void
make_ticket (GRand  *rand,
             gint64  now,
             Ticket *t)
{
  gint64 at = now - (gint64) (g_rand_double (rand) * 30 * DAY_USEC);
  guint pauses = g_rand_int_range (rand, 0, 4);
  guint n = 0;

  t->priority = g_rand_int_range (rand, HD_PRIORITY_LOW, HD_PRIORITY_URGENT + 1);
  t->ticket.created = at;
  t->ticket.first_response = 0;

  /* assigned within a day */
  at += g_rand_int_range (rand, 1, 24 * 60) * MINUTE_USEC;
  if (at < now)
    t->transitions[n++] = (HdSlaTransition) { at, HD_STATUS_OPEN };

  if (g_rand_int_range (rand, 0, 10) < 7)
    {
      gint64 reply = t->ticket.created + g_rand_int_range (rand, 5, 8 * 60) * MINUTE_USEC;

      if (reply < now)
        t->ticket.first_response = reply;
    }

  /* pending for minutes to days, open again after a while */
  for (guint i = 0; i < pauses && n + 2 <= G_N_ELEMENTS (t->transitions); i++)
    {
      at += g_rand_int_range (rand, 30, 3 * 24 * 60) * MINUTE_USEC;
      if (at >= now)
        break;
      t->transitions[n++] = (HdSlaTransition) { at, HD_STATUS_PENDING };

      at += g_rand_int_range (rand, 10, 4 * 24 * 60) * MINUTE_USEC;
      if (at >= now)
        break;
      t->transitions[n++] = (HdSlaTransition) { at, HD_STATUS_OPEN };
    }

  t->ticket.transitions = t->transitions;
  t->ticket.n_transitions = n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  g_autoptr(GDateTime) now_dt = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autofree Ticket *tickets = NULL;
  HdSlaPolicy *policies[HD_PRIORITY_URGENT + 1];
  guint counts[HD_SLA_PAUSED + 1] = { 0, };
  int n_tickets = 100000;
  double best_ms = G_MAXDOUBLE;
  gint64 now, started;
  HdSlaResult result;
  GOptionEntry entries[] = {
    { "tickets", 0, 0, G_OPTION_ARG_INT, &n_tickets, "How many open tickets", "N" },
    { NULL }
  };

  context = g_option_context_new ("— time the SLA engine");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);
  if (n_tickets < 1)
    die ("options", NULL);

  started = g_get_monotonic_time ();
  calendar = hd_calendar_new ("Europe/Berlin", "mon-fri 08:00-12:00,13:00-17:00",
                              "2024-11-01,2024-11-20,2024-12-06,2024-12-13,2024-12-24,"
                              "2024-12-25,2024-12-26,2024-12-31,2025-01-01,2025-01-06",
                              &error);
  if (calendar == NULL)
    die ("calendar", error);

  now_dt = g_date_time_new (hd_calendar_get_time_zone (calendar), 2024, 12, 30, 14, 0, 0);
  now = g_date_time_to_unix (now_dt) * G_USEC_PER_SEC;

  /* the first computation reads the zone's offsets */
  hd_calendar_next_working (calendar, now);
  report ("calendar-setup", (g_get_monotonic_time () - started) / 1000.0, "ms");

  for (int p = HD_PRIORITY_LOW; p <= HD_PRIORITY_URGENT; p++)
    policies[p] = hd_sla_policy_new_default (p);

  rand = g_rand_new_with_seed (SEED);
  tickets = g_new (Ticket, n_tickets);
  for (int i = 0; i < n_tickets; i++)
    make_ticket (rand, now, &tickets[i]);

  for (int round = 0; round < ROUNDS; round++)
    {
      double ms;

      memset (counts, 0, sizeof counts);
      started = g_get_monotonic_time ();
      for (int i = 0; i < n_tickets; i++)
        {
          hd_sla_compute (policies[tickets[i].priority], calendar, &tickets[i].ticket, now, &result);
          counts[hd_sla_result_get_current (&result)->state]++;
        }
      ms = (g_get_monotonic_time () - started) / 1000.0;
      best_ms = MIN (best_ms, ms);
    }

  report ("tickets", n_tickets, "tickets");
  report ("total", best_ms, "ms");
  report ("per-ticket", best_ms * 1000.0 / n_tickets, "µs");
  report ("throughput", n_tickets / (best_ms / 1000.0), "tickets/s");
  printf ("bench: sla states ok %u, at risk %u, breached %u, paused %u, met %u\n",
          counts[HD_SLA_OK], counts[HD_SLA_AT_RISK], counts[HD_SLA_BREACHED],
          counts[HD_SLA_PAUSED], counts[HD_SLA_MET]);

  for (int p = HD_PRIORITY_LOW; p <= HD_PRIORITY_URGENT; p++)
    hd_sla_policy_free (policies[p]);

  return 0;
}
