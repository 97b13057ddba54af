/* hd-calendar-reference.c — business time counted one day at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-calendar-reference.h"

#define DAY G_GINT64_CONSTANT (86400)
/* g_date_get_julian () of 1970-01-01 */
#define JULIAN_EPOCH 719163
/* add_business gives up after this many days in all */
#define MAX_SCAN_DAYS (100 * 366)

typedef struct {
  gint64 start;   /* µs */
  gint64 end;
} Span;

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static gint64
clamp_instant (gint64 instant)
{
  return CLAMP (instant, HD_CALENDAR_MIN_INSTANT, HD_CALENDAR_MAX_INSTANT);
}

/* Seconds east of UTC at @seconds since the epoch, from GLib every time. */
static gint32
offset_at (HdCalendar *cal,
           gint64      seconds)
{
  GTimeZone *tz = hd_calendar_get_time_zone (cal);

  return g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL,
                                                                 seconds));
}

/* When the local clock shows @local: the moment of the change inside a
 * skipped hour, the first (or, when @later, the second) of two. */
static gint64
local_to_utc (HdCalendar *cal,
              gint64      local,
              gboolean    later)
{
  gint32 before = offset_at (cal, local - DAY);
  gint32 after = offset_at (cal, local + DAY);
  gint64 u_before = local - before;
  gint64 u_after = local - after;
  gboolean ok_before, ok_after;
  gint64 lo, hi;

  if (before == after)
    return u_before;

  ok_before = offset_at (cal, u_before) == before;
  ok_after = offset_at (cal, u_after) == after;
  if (ok_before && ok_after)
    return later ? MAX (u_before, u_after) : MIN (u_before, u_after);
  if (ok_before)
    return u_before;
  if (ok_after)
    return u_after;

  lo = MIN (u_before, u_after);
  hi = MAX (u_before, u_after);
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (offset_at (cal, mid) == after)
        hi = mid;
      else
        lo = mid;
    }
  return hi;
}

static gint64
local_day_of (HdCalendar *cal,
              gint64      instant)
{
  gint64 seconds = floor_div (instant, G_USEC_PER_SEC);

  return floor_div (seconds + offset_at (cal, seconds), DAY);
}

static gboolean
is_holiday (HdCalendar *cal,
            gint64      day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) (day + JULIAN_EPOCH));
  return hd_calendar_is_holiday (cal, &date);
}

/* The working spans of local day @day: every interval's start at its first
 * moment on the clock, its end at its last, empty ones left out, a start
 * inside the previous span moved to that span's end. */
static guint
day_spans (HdCalendar *cal,
           gint64      day,
           Span       *spans)
{
  GDateWeekday weekday = (GDateWeekday) (((day + 3) % 7 + 7) % 7 + 1);
  const HdCalendarInterval *hours;
  guint n, k = 0;

  hours = hd_calendar_get_intervals (cal, weekday, &n);
  if (n == 0 || is_holiday (cal, day))
    return 0;

  for (guint i = 0; i < n; i++)
    {
      gint64 start = local_to_utc (cal, day * DAY + hours[i].start * 60, FALSE);
      gint64 end = local_to_utc (cal, day * DAY + hours[i].end * 60, TRUE);

      if (k > 0)
        start = MAX (start, spans[k - 1].end / G_USEC_PER_SEC);
      if (end > start)
        {
          spans[k].start = start * G_USEC_PER_SEC;
          spans[k].end = end * G_USEC_PER_SEC;
          k++;
        }
    }

  return k;
}

gint64
hd_ref_next_working (HdCalendar *cal,
                     gint64      instant)
{
  Span spans[HD_CALENDAR_MAX_INTERVALS];
  gint64 day;

  instant = clamp_instant (instant);
  day = local_day_of (cal, instant) - 1;
  for (int i = 0; i < HD_CALENDAR_SCAN_DAYS + 2; i++, day++)
    {
      guint n = day_spans (cal, day, spans);

      for (guint k = 0; k < n; k++)
        if (instant < spans[k].end)
          {
            gint64 found = MAX (instant, spans[k].start);

            return found < HD_CALENDAR_MAX_INSTANT ? found : HD_CALENDAR_NEVER;
          }
    }

  return HD_CALENDAR_NEVER;
}

gint64
hd_ref_add_business_usec (HdCalendar *cal,
                          gint64      start,
                          gint64      usec)
{
  Span spans[HD_CALENDAR_MAX_INTERVALS];
  gint64 counted = G_MININT64;
  gint64 day;
  int idle = 0;

  if (usec <= 0)
    return start;
  if (start >= HD_CALENDAR_MAX_INSTANT)
    return HD_CALENDAR_NEVER;

  start = clamp_instant (start);
  day = local_day_of (cal, start) - 1;
  for (int i = 0; i < MAX_SCAN_DAYS && idle <= HD_CALENDAR_SCAN_DAYS; i++, day++)
    {
      guint n = day_spans (cal, day, spans);
      gboolean worked = FALSE;

      for (guint k = 0; k < n; k++)
        {
          gint64 from = MAX (MAX (start, counted), spans[k].start);

          counted = MAX (counted, spans[k].end);
          if (from >= spans[k].end)
            continue;

          worked = TRUE;
          if (usec <= spans[k].end - from)
            return from + usec <= HD_CALENDAR_MAX_INSTANT ? from + usec : HD_CALENDAR_NEVER;
          usec -= spans[k].end - from;
        }

      idle = worked ? 0 : idle + 1;
    }

  return HD_CALENDAR_NEVER;
}

gint64
hd_ref_business_usec (HdCalendar *cal,
                      gint64      from,
                      gint64      to)
{
  Span spans[HD_CALENDAR_MAX_INTERVALS];
  gint64 total = 0;
  gint64 counted;
  gint64 last;

  from = clamp_instant (from);
  to = clamp_instant (to);
  if (to <= from)
    return 0;

  counted = from;
  last = local_day_of (cal, to);
  for (gint64 day = local_day_of (cal, from) - 1; day <= last; day++)
    {
      guint n = day_spans (cal, day, spans);

      for (guint k = 0; k < n; k++)
        {
          gint64 a = MAX (counted, spans[k].start);
          gint64 b = MIN (to, spans[k].end);

          if (b > a)
            {
              total += b - a;
              counted = b;
            }
        }
    }

  return total;
}
