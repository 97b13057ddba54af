/* test-calendar-diff.c — the engine's business time against the plain
 * day-by-day count (hd-calendar-reference.c)
 *
 * Random calendars in zones chosen for their odd clocks — Oslo, Bucharest
 * and New York (spring and autumn changes), São Paulo (changes at
 * midnight, then none), Lord Howe (a 30-minute change), Apia (a skipped
 * day in 2011) and Kiritimati (one in 1994), Santiago, Havana and Asunción
 * (changes at midnight), Troll (a two-hour change), Casablanca (two
 * changes a month apart), St John's and Kathmandu (odd offsets) — with
 * intervals that start and end where the clock jumps, shifts split at
 * midnight, and holidays; asked for instants around each change, at
 * random from 1900 to 2200, and at the ends of what the engine counts.
 * Every answer must be the reference's, to the microsecond.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-calendar-reference.h"
#include "hd-sla-reference.h"
#include "hd-test-util.h"

#define DAY_USEC (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define HOUR_USEC (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define MINUTE_USEC (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define JULIAN_EPOCH 719163

static const char *const zones[] = {
  "UTC", "Europe/Oslo", "Europe/Bucharest", "America/New_York", "America/Sao_Paulo",
  "Australia/Lord_Howe", "Pacific/Apia", "Pacific/Kiritimati", "America/Santiago",
  "America/Havana", "America/Asuncion", "Antarctica/Troll", "Africa/Casablanca",
  "America/St_Johns", "Asia/Kathmandu",
};

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* The zone's changes of offset between 1970 and 2100, in seconds. */
static GArray *
zone_changes (GTimeZone *tz)
{
  GArray *changes = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 last = G_GINT64_CONSTANT (4102444800);
  gint32 previous = g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, 0));

  /* Offsets that last less than six hours are not in any zone. */
  for (gint64 t = 6 * 3600; t < last; t += 6 * 3600)
    {
      gint32 offset = g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, t));
      gint64 lo = t - 6 * 3600, hi = t;

      if (offset == previous)
        continue;

      while (hi - lo > 1)
        {
          gint64 mid = lo + (hi - lo) / 2;
          gint32 at = g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, mid));

          if (at == previous)
            lo = mid;
          else
            hi = mid;
        }
      g_array_append_val (changes, hi);
      previous = offset;
    }

  return changes;
}

/* A minute of the day, often one where clocks change. */
static guint
random_minute (GRand *rand)
{
  static const guint edges[] = {
    0, 30, 60, 90, 120, 150, 180, 210, 240, 1380, 1410, 1439, 1440,
  };

  if (g_rand_boolean (rand))
    return edges[g_rand_int_range (rand, 0, G_N_ELEMENTS (edges))];
  if (g_rand_boolean (rand))
    return g_rand_int_range (rand, 0, 49) * 30;
  return g_rand_int_range (rand, 0, 1441);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  return (int) *(const guint *) a - (int) *(const guint *) b;
}

/* One weekday's intervals: none, or up to four, sorted, apart. */
static void
append_day (GString *hours,
            GRand   *rand,
            int      weekday)
{
  guint bounds[8];
  guint n = 2 * g_rand_int_range (rand, 1, 5);
  const char *separator = hours->len > 0 ? "; " : "";
  guint last_end = 0;

  for (guint i = 0; i < n; i++)
    bounds[i] = random_minute (rand);
  qsort (bounds, n, sizeof bounds[0], compare_uint);

  for (guint i = 0; i + 1 < n; i += 2)
    {
      if (bounds[i + 1] <= bounds[i] || bounds[i] < last_end)
        continue;

      if (separator[0] != ',')
        g_string_append_printf (hours, "%s%s ", separator, day_names[weekday]);
      else
        g_string_append (hours, separator);
      g_string_append_printf (hours, "%02u:%02u-%02u:%02u", bounds[i] / 60, bounds[i] % 60,
                              bounds[i + 1] / 60, bounds[i + 1] % 60);
      separator = ",";
      last_end = bounds[i + 1];
    }
}

static char *
random_hours (GRand *rand)
{
  g_autoptr(GString) hours = g_string_new (NULL);

  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      return g_strdup ("mon-fri 09:00-17:00");
    case 1:
      return g_strdup ("mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00");
    case 2:
      /* a night shift split at midnight */
      return g_strdup ("mon-fri 22:00-24:00; tue-sat 00:00-06:00");
    case 3:
      return g_strdup ("mon-sun 00:00-24:00");
    default:
      for (int d = 0; d < 7; d++)
        if (g_rand_int_range (rand, 0, 10) < 7)
          append_day (hours, rand, d);
      if (hours->len == 0)
        g_string_append (hours, "wed 00:00-01:00");
      return g_string_free (g_steal_pointer (&hours), FALSE);
    }
}

static char *
format_day (gint64 day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) (day + JULIAN_EPOCH));
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

/* Holidays around @around (µs): none, a few, or a run of weeks. */
static char *
random_holidays (GRand  *rand,
                 gint64  around)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 day = around / DAY_USEC;
  guint n = g_rand_int_range (rand, 0, 4) == 0 ? 0 : g_rand_int_range (rand, 1, 40);
  gboolean run = g_rand_int_range (rand, 0, 5) == 0;

  for (guint i = 0; i < n; i++)
    {
      gint64 at = run ? day - 3 + i : day + g_rand_int_range (rand, -20, 60);
      g_autofree char *date = NULL;

      if (at < -25567 || at > 83000)   /* 1900 … 2197 */
        continue;
      date = format_day (at);
      g_string_append_printf (text, "%s%s", text->len > 0 ? "," : "", date);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct {
  HdCalendar *cal;
  const char *text;
  guint       checked;
} Case;

static void
fail (const Case *c,
      const char *what,
      gint64      a,
      gint64      b,
      gint64      got,
      gint64      want)
{
  g_error ("%s: %s (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") is %" G_GINT64_FORMAT
           ", the reference says %" G_GINT64_FORMAT, c->text, what, a, b, got, want);
}

static void
check_next (Case   *c,
            gint64  instant)
{
  gint64 got = hd_calendar_next_working (c->cal, instant);
  gint64 want = hd_ref_next_working (c->cal, instant);

  if (got != want)
    fail (c, "next_working", instant, 0, got, want);
  c->checked++;
}

static gint64
check_add (Case   *c,
           gint64  start,
           gint64  usec)
{
  gint64 got = hd_calendar_add_business_usec (c->cal, start, usec);
  gint64 want = hd_ref_add_business_usec (c->cal, start, usec);

  if (got != want)
    fail (c, "add_business_usec", start, usec, got, want);
  c->checked++;
  return got;
}

static void
check_between (Case   *c,
               gint64  from,
               gint64  to)
{
  gint64 got = hd_calendar_business_usec (c->cal, from, to);
  gint64 want = hd_ref_business_usec (c->cal, from, to);

  if (got != want)
    fail (c, "business_usec", from, to, got, want);
  c->checked++;
}

/* Business time to add: a few minutes to several weeks, whole minutes or
 * any µs. */
static gint64
random_amount (GRand *rand)
{
  switch (g_rand_int_range (rand, 0, 5))
    {
    case 0:
      return g_rand_int_range (rand, -2, 3);
    case 1:
      return g_rand_int_range (rand, 1, 120) * MINUTE_USEC;
    case 2:
      return g_rand_int_range (rand, 1, 60 * 200) * MINUTE_USEC;
    case 3:
      return (gint64) (g_rand_double (rand) * 300 * HOUR_USEC);
    default:
      return g_rand_int_range (rand, 1, 40) * 8 * HOUR_USEC + g_rand_int_range (rand, -1, 2);
    }
}

/* Asks all three questions at and around @instant. */
static void
check_around (Case   *c,
              GRand  *rand,
              gint64  instant)
{
  gint64 end;

  check_next (c, instant);
  end = check_add (c, instant, random_amount (rand));
  if (end != HD_CALENDAR_NEVER)
    {
      check_between (c, instant, end);
      check_between (c, instant + g_rand_int_range (rand, -1, 2), end + g_rand_int_range (rand, -1, 2));
      check_next (c, end);
      check_add (c, end, random_amount (rand));
    }
  check_between (c, instant, instant + (gint64) (g_rand_double (rand) * 40 * DAY_USEC));
  check_between (c, instant - (gint64) (g_rand_double (rand) * 3 * DAY_USEC), instant);
}

/* An instant near one of the zone's changes: within three days, often
 * within a few hours, sometimes on the second. */
static gint64
near_change (GRand  *rand,
             GArray *changes)
{
  gint64 at;

  if (changes->len == 0)
    return (gint64) g_rand_int_range (rand, 0, G_MAXINT32) * G_USEC_PER_SEC;

  at = g_array_index (changes, gint64, g_rand_int_range (rand, 0, changes->len)) * G_USEC_PER_SEC;
  switch (g_rand_int_range (rand, 0, 3))
    {
    case 0:
      return at + g_rand_int_range (rand, -2, 3) * G_USEC_PER_SEC;
    case 1:
      return at + g_rand_int_range (rand, -6 * 60, 6 * 60) * MINUTE_USEC;
    default:
      return at + (gint64) ((g_rand_double (rand) - 0.5) * 6 * DAY_USEC);
    }
}

static void
check_zone (const char *zone,
            guint       n_calendars,
            guint       n_instants)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GArray) changes = NULL;
  guint checked = 0;

  if (!hd_test_have_zone (zone))
    return;

  tz = g_time_zone_new_identifier (zone);
  changes = zone_changes (tz);

  for (guint i = 0; i < n_calendars; i++)
    {
      gint64 around = near_change (rand, changes);
      g_autofree char *hours = random_hours (rand);
      g_autofree char *holidays = random_holidays (rand, around);
      g_autoptr(HdCalendar) cal = hd_test_new_calendar (zone, hours, holidays);
      g_autofree char *text = hd_calendar_to_string (cal);
      Case c = { cal, text, 0 };

      for (guint j = 0; j < n_instants; j++)
        {
          gint64 instant;

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              instant = around + (gint64) ((g_rand_double (rand) - 0.5) * 20 * DAY_USEC);
              break;
            case 1:
              instant = HD_CALENDAR_MIN_INSTANT +
                        (gint64) (g_rand_double (rand) * (HD_CALENDAR_MAX_INSTANT - HD_CALENDAR_MIN_INSTANT));
              break;
            default:
              instant = near_change (rand, changes);
              break;
            }
          check_around (&c, rand, instant);
        }

      checked += c.checked;
    }

  g_test_message ("%s: %u answers, %u changes of offset from 1970 to 2100", zone, checked,
                  changes->len);
}

static void
test_zone (gconstpointer data)
{
  check_zone (data, g_test_thorough () ? 200 : 25, 30);
}

/* Every installed zone, a few calendars each: -m thorough. */
static void
test_all_zones (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GFile) root = g_file_new_for_path ("/usr/share/zoneinfo");
  g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func (g_object_unref);

  if (!g_test_thorough ())
    {
      g_test_skip ("only with -m thorough");
      return;
    }

  g_ptr_array_add (queue, g_object_ref (root));
  while (queue->len > 0)
    {
      g_autoptr(GFile) dir = g_ptr_array_steal_index (queue, queue->len - 1);
      g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, "standard::*", G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
      GFileInfo *info;

      while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr(GFileInfo) owned = info;
          g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
          g_autofree char *relative = g_file_get_relative_path (root, child);

          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            {
              if (!g_str_equal (g_file_info_get_name (info), "posix") &&
                  !g_str_equal (g_file_info_get_name (info), "right"))
                g_ptr_array_add (queue, g_steal_pointer (&child));
            }
          else if (g_ascii_isupper (relative[0]) && strchr (relative, '.') == NULL)
            g_ptr_array_add (names, g_steal_pointer (&relative));
        }
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *zone = g_ptr_array_index (names, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(HdCalendar) probe = hd_calendar_new (zone, "mon 09:00-10:00", NULL, &error);

      if (probe != NULL)
        check_zone (zone, 4, 10);
    }
}

/* Every 37 minutes through the days around a change that no random draw
 * may hit: Apia skipping 30 December 2011, Kiritimati 31 December 1994,
 * Lord Howe's half hour, Santiago's midnight. */
static void
test_known_changes (void)
{
  static const struct {
    const char *zone;
    const char *from;
    const char *hours;
  } cases[] = {
    { "Pacific/Apia", "2011-12-27 00:00", "mon-sun 00:00-24:00" },
    { "Pacific/Apia", "2011-12-27 00:00", "thu-sat 09:00-17:00; fri 22:00-24:00; sat 00:00-02:00" },
    { "Pacific/Kiritimati", "1994-12-28 00:00", "mon-sun 08:00-12:00,23:00-24:00" },
    { "Australia/Lord_Howe", "2024-04-04 00:00", "sun 01:30-02:00,02:00-02:30; mon-fri 09:00-17:00" },
    { "Australia/Lord_Howe", "2024-10-03 00:00", "sun 01:45-02:15,02:30-03:00; sat 23:00-24:00" },
    { "America/Santiago", "2024-04-03 00:00", "sat 22:00-24:00; sun 00:00-02:00" },
    { "America/Santiago", "2024-09-05 00:00", "sat 22:00-24:00; sun 00:00-02:00" },
    { "America/Sao_Paulo", "2018-11-01 00:00", "mon-sun 00:00-01:00,23:00-24:00" },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HdCalendar) cal = NULL;
      g_autofree char *text = NULL;
      gint64 from;
      Case c;

      if (!hd_test_have_zone (cases[i].zone))
        continue;

      cal = hd_test_new_calendar (cases[i].zone, cases[i].hours, NULL);
      text = hd_calendar_to_string (cal);
      c = (Case) { cal, text, 0 };
      from = hd_test_at (cal, cases[i].from);
      for (gint64 at = from; at < from + 8 * DAY_USEC; at += 37 * MINUTE_USEC)
        check_around (&c, rand, at);
    }
}

/* A calendar whose working days stop for @days days in a row: how far the
 * engine looks for the next working minute before it says never. */
static void
test_long_idle (void)
{
  static const int runs[] = { 797, 798, 799, 800, 801, 802, 803 };

  for (gsize i = 0; i < G_N_ELEMENTS (runs); i++)
    for (int shape = 0; shape < 2; shape++)
      {
        g_autoptr(GString) holidays = g_string_new (NULL);
        g_autoptr(HdCalendar) cal = NULL;
        g_autofree char *text = NULL;
        gint64 first = 19000;   /* 2022-01-08 */
        Case c;

        for (int d = 0; d < runs[i]; d++)
          {
            g_autofree char *date = format_day (first + d);

            g_string_append_printf (holidays, "%s%s", d > 0 ? "," : "", date);
          }

        cal = hd_test_new_calendar ("Europe/Oslo", shape == 0 ? "mon-sun 09:00-17:00" : "mon,thu 09:00-10:00",
                                    holidays->str);
        text = hd_calendar_to_string (cal);
        c = (Case) { cal, text, 0 };

        for (int before = -3; before <= 3; before++)
          {
            gint64 start = (first + before) * DAY_USEC + 12 * HOUR_USEC;

            check_next (&c, start);
            check_add (&c, start, MINUTE_USEC);
            check_add (&c, start, 8 * HOUR_USEC);
            check_add (&c, start, 30 * HOUR_USEC + 1);
            check_between (&c, start, start + 900 * DAY_USEC);
          }
      }
}

/* A minute a week: a century of scanning ends with never. */
static void
test_century (void)
{
  g_autoptr(HdCalendar) cal = hd_test_new_calendar ("America/Sao_Paulo", "mon 09:00-09:01", NULL);
  g_autofree char *text = hd_calendar_to_string (cal);
  Case c = { cal, text, 0 };
  gint64 start = hd_test_at (cal, "1950-06-01 12:00");

  for (int minutes = 5200; minutes <= 5240; minutes += 4)
    check_add (&c, start, minutes * MINUTE_USEC);
  check_add (&c, start, 5213 * MINUTE_USEC - 1);
  check_between (&c, start, HD_CALENDAR_MAX_INSTANT);
}

/* The first and last days the engine counts. */
static void
test_extremes (void)
{
  for (gsize z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(HdCalendar) cal = NULL;
      g_autofree char *text = NULL;
      Case c;

      if (!hd_test_have_zone (zones[z]))
        continue;

      cal = hd_test_new_calendar (zones[z], "mon-sun 00:00-02:00,22:00-24:00", NULL);
      text = hd_calendar_to_string (cal);
      c = (Case) { cal, text, 0 };

      for (gint64 d = -3 * DAY_USEC; d <= 3 * DAY_USEC; d += 5 * HOUR_USEC + 7)
        {
          check_next (&c, HD_CALENDAR_MIN_INSTANT + d);
          check_next (&c, HD_CALENDAR_MAX_INSTANT + d);
          check_add (&c, HD_CALENDAR_MIN_INSTANT + d, 3 * HOUR_USEC);
          check_add (&c, HD_CALENDAR_MAX_INSTANT + d, 1);
          check_add (&c, HD_CALENDAR_MAX_INSTANT - 4 * DAY_USEC + d, 20 * HOUR_USEC);
          check_between (&c, HD_CALENDAR_MIN_INSTANT + d, HD_CALENDAR_MIN_INSTANT + 4 * DAY_USEC);
          check_between (&c, HD_CALENDAR_MAX_INSTANT - 4 * DAY_USEC, HD_CALENDAR_MAX_INSTANT + d);
        }
      check_next (&c, G_MININT64);
      check_next (&c, G_MAXINT64);
      check_add (&c, G_MININT64, HOUR_USEC);
      check_add (&c, 0, G_MAXINT64 / 2);
      check_between (&c, G_MININT64, G_MAXINT64);
    }
}

/* One calendar shared by threads that all ask at once: the same answers
 * as one thread gets. */
typedef struct {
  HdCalendar *cal;
  gint64     *answers;
  guint       n;
} Shared;

static gint64
shared_instant (guint i)
{
  /* spread over two centuries, so the threads meet on fresh days */
  return HD_CALENDAR_MIN_INSTANT + (gint64) i * 4271 * HOUR_USEC;
}

static gpointer
shared_thread (gpointer data)
{
  Shared *shared = data;

  for (guint i = 0; i < shared->n; i++)
    {
      gint64 at = shared_instant (i);

      if (hd_calendar_add_business_usec (shared->cal, at, 100 * HOUR_USEC) != shared->answers[2 * i] ||
          hd_calendar_business_usec (shared->cal, at, at + 30 * DAY_USEC) != shared->answers[2 * i + 1])
        return GINT_TO_POINTER (1);
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(HdCalendar) check = hd_test_new_calendar ("Europe/Bucharest", "mon-fri 09:00-17:00", "2024-12-25");
  g_autofree gint64 *answers = NULL;
  GThread *threads[4];
  Shared shared;
  guint n = 400;

  answers = g_new (gint64, 2 * n);
  for (guint i = 0; i < n; i++)
    {
      answers[2 * i] = hd_ref_add_business_usec (check, shared_instant (i), 100 * HOUR_USEC);
      answers[2 * i + 1] = hd_ref_business_usec (check, shared_instant (i),
                                                  shared_instant (i) + 30 * DAY_USEC);
    }

  for (int round = 0; round < 3; round++)
    {
      g_autoptr(HdCalendar) cal = hd_test_new_calendar ("Europe/Bucharest", "mon-fri 09:00-17:00", "2024-12-25");

      shared = (Shared) { cal, answers, n };
      for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
        threads[t] = g_thread_new ("calendar", shared_thread, &shared);
      for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
        g_assert_null (g_thread_join (threads[t]));
    }
}

/* SLA clocks */

static void
assert_same_state (const char       *what,
                   const HdSlaState *got,
                   const HdSlaState *want)
{
  if (got->state != want->state || got->target != want->target ||
      got->elapsed != want->elapsed || got->paused != want->paused ||
      got->share != want->share || got->started != want->started ||
      got->due != want->due || got->warn_at != want->warn_at || got->stopped != want->stopped)
    g_error ("%s: state %d/%d target %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
             " elapsed %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
             " paused %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
             " started %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
             " due %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
             " warn %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
             " stopped %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " (engine/reference)",
             what, got->state, want->state, got->target, want->target, got->elapsed, want->elapsed,
             got->paused, want->paused, got->started, want->started, got->due, want->due,
             got->warn_at, want->warn_at, got->stopped, want->stopped);
}

static HdStatus
random_status (GRand *rand)
{
  static const HdStatus statuses[] = {
    HD_STATUS_OPEN, HD_STATUS_OPEN, HD_STATUS_PENDING, HD_STATUS_PENDING,
    HD_STATUS_RESOLVED, HD_STATUS_CLOSED, HD_STATUS_NEW,
  };

  return statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
}

/* A history from @created: pauses of minutes to days, resolutions and
 * reopenings, now and then two changes at one instant or one out of
 * order. */
static guint
random_history (GRand           *rand,
                gint64           created,
                HdSlaTransition *transitions,
                guint            max)
{
  guint n = g_rand_int_range (rand, 0, max + 1);
  gint64 at = created;

  for (guint i = 0; i < n; i++)
    {
      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          break;
        case 1:
          at -= g_rand_int_range (rand, 1, 3 * 60) * MINUTE_USEC;
          break;
        case 2:
          at += (gint64) (g_rand_double (rand) * 4 * DAY_USEC);
          break;
        default:
          at += g_rand_int_range (rand, 1, 10 * 60) * MINUTE_USEC;
          break;
        }
      transitions[i] = (HdSlaTransition) { at, random_status (rand) };
    }

  return n;
}

static HdSlaPolicy *
random_policy (GRand *rand)
{
  static const guint targets[] = { 0, 1, 30, 60, 240, 480, 960, 2400, 10000 };
  guint response = targets[g_rand_int_range (rand, 0, G_N_ELEMENTS (targets))];
  guint resolution = targets[g_rand_int_range (rand, 0, G_N_ELEMENTS (targets))];

  if (g_rand_int_range (rand, 0, 4) == 0)
    resolution = g_rand_int_range (rand, 1, HD_SLA_MAX_TARGET_MINUTES + 1);
  return hd_sla_policy_new ("Random", response, resolution, g_rand_int_range (rand, 1, 100));
}

static void
check_sla_zone (gconstpointer data)
{
  const char *zone = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GArray) changes = NULL;
  guint n_calendars = g_test_thorough () ? 100 : 12;

  if (!hd_test_have_zone (zone))
    return;

  tz = g_time_zone_new_identifier (zone);
  changes = zone_changes (tz);

  for (guint i = 0; i < n_calendars; i++)
    {
      gint64 around = near_change (rand, changes);
      g_autofree char *hours = random_hours (rand);
      g_autofree char *holidays = random_holidays (rand, around);
      g_autoptr(HdCalendar) cal = hd_test_new_calendar (zone, hours, holidays);
      g_autofree char *text = hd_calendar_to_string (cal);

      for (guint j = 0; j < 25; j++)
        {
          g_autoptr(HdSlaPolicy) policy = random_policy (rand);
          HdSlaTransition transitions[10];
          HdSlaTicket ticket;
          HdSlaResult got, want;
          gint64 now;

          ticket.created = around + (gint64) ((g_rand_double (rand) - 0.7) * 10 * DAY_USEC);
          ticket.n_transitions = random_history (rand, ticket.created, transitions,
                                                 G_N_ELEMENTS (transitions));
          ticket.transitions = transitions;
          ticket.first_response = g_rand_boolean (rand) ? 0 :
            ticket.created + g_rand_int_range (rand, -60, 3 * 24 * 60) * MINUTE_USEC;
          now = ticket.created + (gint64) ((g_rand_double (rand) - 0.05) * 20 * DAY_USEC);

          memset (&got, 0x55, sizeof got);
          memset (&want, 0xaa, sizeof want);
          hd_sla_compute (policy, cal, &ticket, now, &got);
          hd_ref_sla_compute (policy, cal, &ticket, now, &want);

          if (memcmp (&got, &want, sizeof got) != 0)
            {
              g_test_message ("%s; %u+%u min, warn %u %%; created %" G_GINT64_FORMAT
                              ", now %" G_GINT64_FORMAT, text, policy->first_response_minutes,
                              policy->resolution_minutes, policy->warn_percent, ticket.created, now);
              assert_same_state ("first response", &got.response, &want.response);
              assert_same_state ("resolution", &got.resolution, &want.resolution);
            }
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autofree char *path = g_strdup_printf ("/calendar-diff/zone/%s", zones[i]);

      g_autofree char *sla_path = g_strdup_printf ("/sla-diff/zone/%s", zones[i]);

      g_test_add_data_func (path, zones[i], test_zone);
      g_test_add_data_func (sla_path, zones[i], check_sla_zone);
    }
  g_test_add_func ("/calendar-diff/all-zones", test_all_zones);
  g_test_add_func ("/calendar-diff/known-changes", test_known_changes);
  g_test_add_func ("/calendar-diff/long-idle", test_long_idle);
  g_test_add_func ("/calendar-diff/century", test_century);
  g_test_add_func ("/calendar-diff/extremes", test_extremes);
  g_test_add_func ("/calendar-diff/threads", test_threads);

  return g_test_run ();
}
