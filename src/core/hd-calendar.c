/* hd-calendar.c — business time on a weekly schedule in a time zone
 *
 * Text forms. Working hours are clauses separated by “;”, each a list of
 * days and a list of intervals on the local clock:
 *
 *   mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00
 *
 * Days are mon … sun (or monday … sunday), ranges may wrap (fri-mon). Times
 * are H:MM or HH:MM from 00:00 to 24:00; an interval must end after it
 * starts, so a shift across midnight is two clauses (“mon 22:00-24:00; tue
 * 00:00-06:00”), which count as one stretch of working time. A day may
 * appear in several clauses as long as its intervals do not overlap;
 * touching intervals are merged. Holidays are local dates, whole days off:
 * “2024-12-25,2024-12-26”. A whole calendar in one string (for one TEXT
 * column or one command-line flag) adds clauses “tz ZONE” and “holidays
 * DATES”:
 *
 *   tz Europe/Berlin; mon-fri 09:00-17:00; holidays 2024-12-25,2024-12-26
 *
 * Daylight saving time. Business time is real elapsed time during which the
 * local clock shows a working time: an interval runs from the first moment
 * the clock shows its start to the last moment it shows its end. A bound in
 * the hour skipped in spring is the moment of the change; in the hour
 * repeated in autumn, a start is its first occurrence and an end its
 * second. So on the day clocks go forward an interval 01:30–03:30 holds one
 * hour, and on the day they go back it holds three; office hours away from
 * the change (09:00–17:00) always hold eight. Where that would make two
 * intervals overlap (one ending and the next starting inside the repeated
 * hour), the time is counted once. The engine assumes a zone changes its
 * offset at most once within three days, which holds for every zone in
 * use.
 *
 * Speed. The zone's offsets from 1970 to 2100 are read once into a table
 * (about 1 ms, on first use). The working time itself is laid out once per
 * block of 128 local days, on the first question about one of them: each
 * working span as instants, after the spans before it (where two overlap in
 * a repeated hour, the later one starts where the earlier ends), with the
 * business time before it in the block, so a question costs a few binary
 * searches in the blocks it touches, whatever the amount of time, never a
 * step per day or per minute. Blocks are built under g_once, so one
 * calendar serves many threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-calendar.h"
#include "hd-error.h"

#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)
#define MINUTES_PER_DAY 1440

/* g_date_get_julian () of 1970-01-01 */
#define JULIAN_EPOCH 719163

/* The span of the offset table, seconds since the epoch. */
#define TABLE_FIRST G_GINT64_CONSTANT (0)            /* 1970-01-01 */
#define TABLE_LAST  G_GINT64_CONSTANT (4102444800)   /* 2100-01-01 */

/* add_business gives up after scanning this many days in all, whatever the
 * calendar: 100 years. */
#define MAX_SCAN_DAYS (100 * 366)

/* Blocks of local days (days since 1970-01-01) laid out from a few days
 * before HD_CALENDAR_MIN_INSTANT to a few after HD_CALENDAR_MAX_INSTANT:
 * every day a question can reach, and nothing after the last day can
 * hold an answer before HD_CALENDAR_MAX_INSTANT. */
#define BLOCK_DAYS 128
#define FIRST_DAY  G_GINT64_CONSTANT (-25570)   /* 1899-12-29 */
#define LAST_DAY   G_GINT64_CONSTANT (84009)    /* 2200-01-04 */
#define N_BLOCKS   ((guint) ((LAST_DAY - FIRST_DAY) / BLOCK_DAYS + 1))

typedef struct {
  gint64 start;    /* seconds since the epoch */
  gint32 offset;   /* seconds east of UTC from @start on */
} ZoneStep;

/* Stretches of 2^20 s (12 days) of the table, each with its first step:
 * no zone changes its offset more than a few times in one. */
#define BUCKET_SHIFT 20
#define N_BUCKETS ((guint) ((TABLE_LAST - TABLE_FIRST) >> BUCKET_SHIFT) + 1)

typedef struct {
  guint16  bucket[N_BUCKETS];   /* the step in force at each bucket's start */
  guint    n_steps;
  ZoneStep steps[];
} ZoneTable;

/* A working interval as instants, µs. */
typedef struct {
  gint64 start;
  gint64 end;
} Span;

/* A span of working time counted once: it starts no earlier than every
 * span before it ended. */
typedef struct {
  gint64 start;    /* µs */
  gint64 end;
  gint64 before;   /* business µs of the spans before it in its block */
  gint32 day;      /* the local day it belongs to */
} Work;

/* BLOCK_DAYS local days' work, in order. */
typedef struct {
  guint16 first[BLOCK_DAYS + 1];   /* index of each day's first span; [BLOCK_DAYS] = n */
  guint16 lead_idle;               /* days before the first working one */
  guint16 trail_idle;              /* days after the last working one */
  guint   n;
  gint64  total;                   /* business µs of the block */
  Work    work[];
} Block;

struct _HdCalendar
{
  gatomicrefcount     ref;
  char               *zone;
  GTimeZone          *tz;
  HdCalendarInterval  hours[7][HD_CALENDAR_MAX_INTERVALS];   /* [0] is Monday */
  guint8              n_hours[7];
  gint32             *holidays;     /* local days since 1970-01-01, ascending, unique */
  guint               n_holidays;
  ZoneTable          *table;        /* built on first use */
  Block              *blocks[N_BLOCKS];   /* each built on first use */
};

G_DEFINE_BOXED_TYPE (HdCalendar, hd_calendar, hd_calendar_ref, hd_calendar_unref)

static const char *const short_days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
static const char *const long_days[7] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

/* Errors */

/* Arithmetic */

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if (a % b != 0 && (a < 0) != (b < 0))
    q--;
  return q;
}

/* 0 is Monday: 1970-01-01 was a Thursday. */
static inline int
weekday_of_day (gint64 day)
{
  return (int) (((day + 3) % 7 + 7) % 7);
}

static inline gint64
clamp_instant (gint64 instant)
{
  return CLAMP (instant, HD_CALENDAR_MIN_INSTANT, HD_CALENDAR_MAX_INSTANT);
}

/* The zone */

static int
find_interval (GTimeZone *tz,
               gint64     seconds)
{
  return g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, seconds);
}

/* GTimeZone walks its list of transitions on every lookup; this finds the
 * boundaries of its intervals once, by bisection, and keeps the offsets. */
static ZoneTable *
zone_table_new (GTimeZone *tz)
{
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (ZoneStep));
  ZoneTable *table;
  int first = find_interval (tz, TABLE_FIRST);
  int last = find_interval (tz, TABLE_LAST - 1);
  ZoneStep step = { TABLE_FIRST, g_time_zone_get_offset (tz, first) };
  gint64 previous = TABLE_FIRST;

  g_array_append_val (steps, step);

  for (int i = first + 1; i <= last; i++)
    {
      /* find (lo) < i <= find (hi) */
      gint64 lo = previous;
      gint64 hi = TABLE_LAST - 1;
      int found;
      gint32 offset;

      while (hi - lo > 1)
        {
          gint64 mid = lo + (hi - lo) / 2;

          if (find_interval (tz, mid) >= i)
            hi = mid;
          else
            lo = mid;
        }

      found = find_interval (tz, hi);
      offset = g_time_zone_get_offset (tz, found);
      if (offset != g_array_index (steps, ZoneStep, steps->len - 1).offset)
        {
          step.start = hi;
          step.offset = offset;
          g_array_append_val (steps, step);
        }

      previous = hi;
      i = MAX (i, found);
    }

  table = g_malloc (sizeof (ZoneTable) + steps->len * sizeof (ZoneStep));
  table->n_steps = steps->len;
  memcpy (table->steps, steps->data, steps->len * sizeof (ZoneStep));

  for (guint b = 0, k = 0; b < N_BUCKETS; b++)
    {
      gint64 bucket_start = TABLE_FIRST + ((gint64) b << BUCKET_SHIFT);

      while (k + 1 < table->n_steps && table->steps[k + 1].start <= bucket_start)
        k++;
      table->bucket[b] = (guint16) k;
    }

  return table;
}

static ZoneTable *
get_table (HdCalendar *self)
{
  if (g_once_init_enter (&self->table))
    g_once_init_leave (&self->table, zone_table_new (self->tz));

  return self->table;
}

/* Seconds east of UTC at @seconds since the epoch. */
static gint32
offset_at (HdCalendar *self,
           gint64      seconds)
{
  const ZoneTable *table = get_table (self);
  guint k;

  if (seconds < TABLE_FIRST || seconds >= TABLE_LAST)
    return g_time_zone_get_offset (self->tz, find_interval (self->tz, seconds));

  /* the last step that starts at or before @seconds */
  k = table->bucket[(seconds - TABLE_FIRST) >> BUCKET_SHIFT];
  while (k + 1 < table->n_steps && table->steps[k + 1].start <= seconds)
    k++;

  return table->steps[k].offset;
}

/* The instant (seconds) at which the local clock shows @local (seconds
 * since 1970-01-01 00:00 local). A time skipped when clocks go forward is
 * the moment of the change; a time shown twice when they go back is its
 * second occurrence when @later, else its first. */
static gint64
local_to_utc (HdCalendar *self,
              gint64      local,
              gboolean    later)
{
  gint32 before = offset_at (self, local - SECONDS_PER_DAY);
  gint32 after = offset_at (self, local + SECONDS_PER_DAY);
  gint64 u_before, u_after, lo, hi;
  gboolean ok_before, ok_after;

  if (before == after)
    return local - before;

  u_before = local - before;
  u_after = local - after;
  ok_before = offset_at (self, u_before) == before;
  ok_after = offset_at (self, u_after) == after;

  if (ok_before && ok_after)
    return later ? MAX (u_before, u_after) : MIN (u_before, u_after);
  if (ok_before)
    return u_before;
  if (ok_after)
    return u_after;

  /* In the gap: find the change, between the two candidates. */
  lo = MIN (u_before, u_after);
  hi = MAX (u_before, u_after);
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (offset_at (self, mid) == after)
        hi = mid;
      else
        lo = mid;
    }
  return hi;
}

/* The local date (days since 1970-01-01) at @instant (µs). */
static gint64
local_day_of (HdCalendar *self,
              gint64      instant)
{
  gint64 seconds = floor_div (instant, G_USEC_PER_SEC);

  return floor_div (seconds + offset_at (self, seconds), SECONDS_PER_DAY);
}

static gboolean
is_holiday_day (HdCalendar *self,
                gint64      day)
{
  guint lo = 0;
  guint hi = self->n_holidays;

  if (hi == 0 || day < self->holidays[0] || day > self->holidays[hi - 1])
    return FALSE;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->holidays[mid] == day)
        return TRUE;
      if (self->holidays[mid] < day)
        lo = mid + 1;
      else
        hi = mid;
    }

  return FALSE;
}

/* The working spans of local date @day, as instants; empty ones (an interval
 * inside the skipped hour) are left out. Returns how many. */
static guint
day_spans (HdCalendar *self,
           gint64      day,
           Span       *spans)
{
  int weekday = weekday_of_day (day);
  guint n = self->n_hours[weekday];
  const HdCalendarInterval *hours = self->hours[weekday];
  gint64 midnight = day * SECONDS_PER_DAY;
  gint32 before, after;
  guint k = 0;

  if (n == 0 || is_holiday_day (self, day))
    return 0;

  /* No change of offset from the day before to the day after: every bound
   * is plain arithmetic. */
  before = offset_at (self, midnight - SECONDS_PER_DAY);
  after = offset_at (self, midnight + 2 * SECONDS_PER_DAY);

  for (guint i = 0; i < n; i++)
    {
      gint64 start = midnight + hours[i].start * 60;
      gint64 end = midnight + hours[i].end * 60;

      if (before == after)
        {
          start -= before;
          end -= before;
        }
      else
        {
          start = local_to_utc (self, start, FALSE);
          end = local_to_utc (self, end, TRUE);
        }

      /* the end of the previous interval may lie after this start when
       * both are in the repeated hour */
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

/* Blocks of work */

static inline guint
block_of_day (gint64 day)
{
  return (guint) ((day - FIRST_DAY) / BLOCK_DAYS);
}

static inline gint64
block_first_day (guint b)
{
  return FIRST_DAY + (gint64) b * BLOCK_DAYS;
}

/* The end of the latest span of the three days before @day: spans of
 * earlier days end before those days' start, so this is when everything
 * before @day has been counted. */
static gint64
counted_before (HdCalendar *self,
                gint64      day)
{
  Span spans[HD_CALENDAR_MAX_INTERVALS];
  gint64 counted = G_MININT64;

  for (gint64 d = day - 3; d < day; d++)
    {
      guint n = day_spans (self, d, spans);

      for (guint k = 0; k < n; k++)
        counted = MAX (counted, spans[k].end);
    }

  return counted;
}

static Block *
block_new (HdCalendar *self,
           guint       b)
{
  g_autoptr(GArray) work = g_array_new (FALSE, FALSE, sizeof (Work));
  Span spans[HD_CALENDAR_MAX_INTERVALS];
  gint64 first = block_first_day (b);
  gint64 counted = counted_before (self, first);
  gint64 total = 0;
  guint16 first_index[BLOCK_DAYS + 1];
  int first_worked = -1, last_worked = -1;
  Block *block;

  for (int i = 0; i < BLOCK_DAYS; i++)
    {
      guint n = day_spans (self, first + i, spans);

      first_index[i] = (guint16) work->len;
      for (guint k = 0; k < n; k++)
        {
          Work item = { MAX (counted, spans[k].start), spans[k].end, total, (gint32) (first + i) };

          counted = MAX (counted, spans[k].end);
          if (item.start >= item.end)
            continue;

          g_array_append_val (work, item);
          total += item.end - item.start;
          if (first_worked < 0)
            first_worked = i;
          last_worked = i;
        }
    }
  first_index[BLOCK_DAYS] = (guint16) work->len;

  block = g_malloc (sizeof (Block) + work->len * sizeof (Work));
  memcpy (block->first, first_index, sizeof first_index);
  block->lead_idle = first_worked < 0 ? BLOCK_DAYS : first_worked;
  block->trail_idle = first_worked < 0 ? BLOCK_DAYS : BLOCK_DAYS - 1 - last_worked;
  block->n = work->len;
  block->total = total;
  memcpy (block->work, work->data, work->len * sizeof (Work));
  return block;
}

static const Block *
get_block (HdCalendar *self,
           guint       b)
{
  if (g_once_init_enter (&self->blocks[b]))
    g_once_init_leave (&self->blocks[b], block_new (self, b));

  return self->blocks[b];
}

/* The first of @block's spans from @lo on that ends after @instant, or
 * block->n. */
static guint
first_ending_after (const Block *block,
                    guint        lo,
                    gint64       instant)
{
  guint hi = block->n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (block->work[mid].end > instant)
        hi = mid;
      else
        lo = mid + 1;
    }

  return lo;
}

/* The first of @block's spans in [@lo, @hi) that starts at or after
 * @instant, or @hi. */
static guint
first_starting_at (const Block *block,
                   guint        lo,
                   guint        hi,
                   gint64       instant)
{
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (block->work[mid].start >= instant)
        hi = mid;
      else
        lo = mid + 1;
    }

  return lo;
}

typedef struct {
  const Block *block;
  guint        b;
  guint        index;
} Place;

/* The first span of a day from @day to @last_day that ends after
 * @instant. */
static gboolean
find_work (HdCalendar *self,
           gint64      day,
           gint64      last_day,
           gint64      instant,
           Place      *place)
{
  guint b = block_of_day (day);
  guint lo = get_block (self, b)->first[day - block_first_day (b)];

  for (; b < N_BLOCKS && block_first_day (b) <= last_day; b++, lo = 0)
    {
      const Block *block = get_block (self, b);
      guint i = first_ending_after (block, lo, instant);

      if (i < block->n)
        {
          *place = (Place) { block, b, i };
          return block->work[i].day <= last_day;
        }
    }

  return FALSE;
}

/* Parsing */

static int
parse_day (const char *name)
{
  for (int i = 0; i < 7; i++)
    if (g_ascii_strcasecmp (name, short_days[i]) == 0 ||
        g_ascii_strcasecmp (name, long_days[i]) == 0)
      return i;

  return -1;
}

/* H:MM or HH:MM, 00:00 … 24:00, as minutes. */
static gboolean
parse_time (const char *text,
            guint      *minutes)
{
  gsize len = strlen (text);
  guint hours, mins;

  if (len == 4 && g_ascii_isdigit (text[0]) && text[1] == ':' &&
      g_ascii_isdigit (text[2]) && g_ascii_isdigit (text[3]))
    {
      hours = text[0] - '0';
      mins = (text[2] - '0') * 10 + (text[3] - '0');
    }
  else if (len == 5 && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) &&
           text[2] == ':' && g_ascii_isdigit (text[3]) && g_ascii_isdigit (text[4]))
    {
      hours = (text[0] - '0') * 10 + (text[1] - '0');
      mins = (text[3] - '0') * 10 + (text[4] - '0');
    }
  else
    return FALSE;

  if (mins > 59 || hours > 24 || (hours == 24 && mins != 0))
    return FALSE;

  *minutes = hours * 60 + mins;
  return TRUE;
}

static char *
strip_spaces (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (out, *p);

  return g_string_free (out, FALSE);
}

/* Sets days[i] for every day named in @text (“mon-fri,sun”). */
static gboolean
parse_days (const char  *text,
            gboolean    *days,
            GError     **error)
{
  g_autofree char *compact = strip_spaces (text);
  g_auto(GStrv) items = g_strsplit (compact, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *dash = strchr (items[i], '-');
      int from, to;

      if (dash != NULL)
        {
          *dash = '\0';
          from = parse_day (items[i]);
          to = parse_day (dash + 1);
          if (from < 0 || to < 0)
            return hd_error_invalid_input (error, _("“%s” is not a day; use mon, tue, wed, thu, fri, sat or sun."),
                                           from < 0 ? items[i] : dash + 1);
        }
      else
        {
          from = to = parse_day (items[i]);
          if (from < 0)
            return hd_error_invalid_input (error, _("“%s” is not a day; use mon, tue, wed, thu, fri, sat or sun."),
                                           items[i]);
        }

      for (int d = from;; d = (d + 1) % 7)
        {
          days[d] = TRUE;
          if (d == to)
            break;
        }
    }

  return TRUE;
}

static gboolean
parse_intervals (const char  *text,
                 GArray      *intervals,
                 GError     **error)
{
  g_autofree char *compact = strip_spaces (text);
  g_auto(GStrv) items = g_strsplit (compact, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) bounds = g_strsplit (items[i], "-", -1);
      HdCalendarInterval interval;
      guint start, end;

      if (g_strv_length (bounds) != 2)
        return hd_error_invalid_input (error, _("“%s” is not an interval such as “09:00-17:00”."), items[i]);

      if (!parse_time (bounds[0], &start))
        return hd_error_invalid_input (error, _("“%s” is not a time of day between 00:00 and 24:00."), bounds[0]);
      if (!parse_time (bounds[1], &end))
        return hd_error_invalid_input (error, _("“%s” is not a time of day between 00:00 and 24:00."), bounds[1]);

      if (end <= start)
        return hd_error_invalid_input (error, _("The interval “%s” does not end after it starts; split a shift across midnight into two days, such as “mon 22:00-24:00; tue 00:00-06:00”."),
                                       items[i]);

      interval.start = start;
      interval.end = end;
      g_array_append_val (intervals, interval);
    }

  return TRUE;
}

static char *
format_minutes (guint minutes)
{
  return g_strdup_printf ("%02u:%02u", minutes / 60, minutes % 60);
}

static char *
format_interval (const HdCalendarInterval *interval,
                 const char               *dash)
{
  g_autofree char *start = format_minutes (interval->start);
  g_autofree char *end = format_minutes (interval->end);

  return g_strconcat (start, dash, end, NULL);
}

/* The translated name of a weekday (0 is Monday), full or abbreviated, as
 * the C library names it in the current locale. */
static char *
weekday_name (int      weekday,
              gboolean abbreviated)
{
  /* 2024-01-01 was a Monday */
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2024, 1, 1 + weekday, 12, 0, 0);

  return g_date_time_format (dt, abbreviated ? "%a" : "%A");
}

typedef struct {
  int                day;
  HdCalendarInterval interval;
} DayInterval;

static int
compare_day_intervals (gconstpointer a,
                       gconstpointer b)
{
  const DayInterval *x = a;
  const DayInterval *y = b;

  if (x->day != y->day)
    return x->day - y->day;
  return (int) x->interval.start - (int) y->interval.start;
}

static gboolean
parse_hours (HdCalendar  *self,
             const char  *hours,
             GError     **error)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (DayInterval));
  g_auto(GStrv) clauses = NULL;
  gboolean any = FALSE;

  clauses = g_strsplit (hours != NULL ? hours : "", ";", -1);
  for (guint i = 0; clauses[i] != NULL; i++)
    {
      g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (HdCalendarInterval));
      g_autofree char *days_text = NULL;
      gboolean days[7] = { FALSE, };
      char *clause = g_strstrip (clauses[i]);
      const char *digit = clause;

      if (clause[0] == '\0')
        continue;

      while (*digit != '\0' && !g_ascii_isdigit (*digit))
        digit++;

      days_text = g_strndup (clause, digit - clause);
      g_strstrip (days_text);
      if (days_text[0] == '\0')
        return hd_error_invalid_input (error, _("“%s” does not start with days such as “mon-fri”."), clause);
      if (*digit == '\0')
        return hd_error_invalid_input (error, _("“%s” names days but no hours such as “09:00-17:00”."), clause);

      if (!parse_days (days_text, days, error) ||
          !parse_intervals (digit, intervals, error))
        return FALSE;

      for (int d = 0; d < 7; d++)
        for (guint k = 0; days[d] && k < intervals->len; k++)
          {
            DayInterval item = { d, g_array_index (intervals, HdCalendarInterval, k) };

            g_array_append_val (all, item);
          }
    }

  g_array_sort (all, compare_day_intervals);

  for (guint i = 0; i < all->len; i++)
    {
      const DayInterval *item = &g_array_index (all, DayInterval, i);
      HdCalendarInterval *list = self->hours[item->day];
      guint n = self->n_hours[item->day];

      if (n > 0 && item->interval.start < list[n - 1].end)
        {
          g_autofree char *day = weekday_name (item->day, FALSE);
          g_autofree char *first = format_interval (&list[n - 1], "-");
          g_autofree char *second = format_interval (&item->interval, "-");

          return hd_error_invalid_input (error, _("On %s the intervals %s and %s overlap."), day, first, second);
        }

      if (n > 0 && item->interval.start == list[n - 1].end)
        {
          list[n - 1].end = item->interval.end;
          continue;
        }

      if (n == HD_CALENDAR_MAX_INTERVALS)
        {
          g_autofree char *day = weekday_name (item->day, FALSE);

          return hd_error_invalid_input (error, _("%s has more than %d working intervals."),
                                         day, HD_CALENDAR_MAX_INTERVALS);
        }

      list[n] = item->interval;
      self->n_hours[item->day] = n + 1;
      any = TRUE;
    }

  if (!any)
    return hd_error_invalid_input (error, _("The working hours contain no working time, so no deadline could ever be computed; give at least one day hours, such as “mon-fri 09:00-17:00”."));

  return TRUE;
}

static int
compare_days (gconstpointer a,
              gconstpointer b)
{
  gint32 x = *(const gint32 *) a;
  gint32 y = *(const gint32 *) b;

  return (x > y) - (x < y);
}

/* YYYY-MM-DD, years 1900 … 2199, as days since 1970-01-01. */
static gboolean
parse_date (const char *text,
            gint32     *day)
{
  GDate date;
  guint year, month, mday;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  year = (guint) g_ascii_strtoull (text, NULL, 10);
  month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  mday = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (year < 1900 || year > 2199 || !g_date_valid_dmy (mday, month, year))
    return FALSE;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, mday, month, year);
  *day = (gint32) g_date_get_julian (&date) - JULIAN_EPOCH;
  return TRUE;
}

static gboolean
parse_holidays (HdCalendar  *self,
                const char  *holidays,
                GError     **error)
{
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_auto(GStrv) items = NULL;
  guint n = 0;

  if (holidays == NULL)
    return TRUE;

  items = g_strsplit_set (holidays, ", ;\t\n", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      gint32 day;

      if (items[i][0] == '\0')
        continue;
      if (!parse_date (items[i], &day))
        return hd_error_invalid_input (error, _("“%s” is not a date in the form YYYY-MM-DD."), items[i]);
      g_array_append_val (days, day);
    }

  g_array_sort (days, compare_days);
  for (guint i = 0; i < days->len; i++)
    if (n == 0 || g_array_index (days, gint32, i) != g_array_index (days, gint32, n - 1))
      g_array_index (days, gint32, n++) = g_array_index (days, gint32, i);

  self->n_holidays = n;
  self->holidays = g_memdup2 (days->data, n * sizeof (gint32));
  return TRUE;
}

static GTimeZone *
load_zone (const char  *zone,
           GError     **error)
{
  GTimeZone *tz = NULL;

  /* IANA names only: no paths, no POSIX rules, nothing empty. */
  if (zone != NULL && zone[0] != '\0' && strlen (zone) <= 64 &&
      g_ascii_isalpha (zone[0]) && strstr (zone, "..") == NULL &&
      strspn (zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") == strlen (zone))
    tz = g_time_zone_new_identifier (zone);

  if (tz == NULL)
    hd_error_invalid_input (error, _("“%s” is not a known time zone; use a name such as “Europe/Berlin” or “UTC”."),
                            zone != NULL ? zone : "");

  return tz;
}

/* Construction */

static void
calendar_free (HdCalendar *self)
{
  g_free (self->zone);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_free (self->holidays);
  g_free (self->table);
  for (guint b = 0; b < N_BLOCKS; b++)
    g_free (self->blocks[b]);
  g_free (self);
}

/**
 * hd_calendar_new:
 * @zone: an IANA time zone name (“Europe/Berlin”), or %NULL for
 *   hd_calendar_default_zone()
 * @hours: working hours, such as “mon-fri 08:00-12:00,13:00-17:00”
 * @holidays: (nullable): local dates, whole days off, such as
 *   “2024-12-25,2024-12-26” (commas or blanks between them)
 *
 * Returns: (transfer full): the calendar, or %NULL with %HD_ERROR_INVALID_INPUT
 *   saying what is wrong: an unknown zone, day or time, an interval that
 *   ends before it starts or overlaps another, a malformed date, or a week
 *   without any working time.
 */
HdCalendar *
hd_calendar_new (const char  *zone,
                 const char  *hours,
                 const char  *holidays,
                 GError     **error)
{
  g_autofree char *default_zone = NULL;
  HdCalendar *self;

  if (zone == NULL)
    zone = default_zone = hd_calendar_default_zone ();

  self = g_new0 (HdCalendar, 1);
  g_atomic_ref_count_init (&self->ref);
  self->zone = g_strdup (zone);

  if ((self->tz = load_zone (zone, error)) == NULL ||
      !parse_hours (self, hours, error) ||
      !parse_holidays (self, holidays, error))
    {
      calendar_free (self);
      return NULL;
    }

  return self;
}

/**
 * hd_calendar_new_from_string:
 * @text: a whole calendar, such as
 *   “tz Europe/Berlin; mon-fri 09:00-17:00; holidays 2024-12-25,2024-12-26”,
 *   as hd_calendar_to_string() writes it
 *
 * Without a “tz” clause the zone is hd_calendar_default_zone().
 */
HdCalendar *
hd_calendar_new_from_string (const char  *text,
                             GError     **error)
{
  g_auto(GStrv) clauses = NULL;
  g_autoptr(GString) hours = g_string_new (NULL);
  g_autoptr(GString) holidays = g_string_new (NULL);
  g_autofree char *zone = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  clauses = g_strsplit (text, ";", -1);
  for (guint i = 0; clauses[i] != NULL; i++)
    {
      char *clause = g_strstrip (clauses[i]);
      gsize word = strcspn (clause, " \t");

      if (word == 2 && g_ascii_strncasecmp (clause, "tz", 2) == 0)
        {
          if (zone != NULL)
            {
              hd_error_invalid_input (error, _("The calendar names its time zone twice."));
              return NULL;
            }
          zone = g_strstrip (g_strdup (clause + word));
        }
      else if (word == 8 && g_ascii_strncasecmp (clause, "holidays", 8) == 0)
        {
          g_string_append (holidays, clause + word);
          g_string_append_c (holidays, ',');
        }
      else if (clause[0] != '\0')
        {
          g_string_append (hours, clause);
          g_string_append_c (hours, ';');
        }
    }

  return hd_calendar_new (zone, hours->str, holidays->str, error);
}

/**
 * hd_calendar_default_zone:
 *
 * Returns: the name of this computer's time zone, or “UTC” when it has
 *   none that other computers would understand.
 */
char *
hd_calendar_default_zone (void)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  const char *id = g_time_zone_get_identifier (local);
  g_autoptr(GTimeZone) check = NULL;

  if (id != NULL && g_ascii_isalpha (id[0]) && (check = load_zone (id, NULL)) != NULL)
    return g_strdup (id);

  return g_strdup ("UTC");
}

/**
 * hd_calendar_new_default:
 *
 * Monday to Friday, 09:00 to 17:00, no holidays, in this computer's zone.
 */
HdCalendar *
hd_calendar_new_default (void)
{
  g_autoptr(GError) error = NULL;
  HdCalendar *self = hd_calendar_new (NULL, "mon-fri 09:00-17:00", NULL, &error);

  g_assert_no_error (error);
  return self;
}

HdCalendar *
hd_calendar_ref (HdCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
hd_calendar_unref (HdCalendar *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref))
    calendar_free (self);
}

/* Accessors */

const char *
hd_calendar_get_zone (HdCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->zone;
}

/**
 * hd_calendar_get_time_zone:
 *
 * Returns: (transfer none): the zone, to show instants in it
 */
GTimeZone *
hd_calendar_get_time_zone (HdCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tz;
}

/**
 * hd_calendar_get_intervals:
 * @weekday: a valid weekday
 * @n_intervals: (out): how many
 *
 * Returns: (array length=n_intervals): the working intervals of @weekday in
 *   ascending order, merged where they touch
 */
const HdCalendarInterval *
hd_calendar_get_intervals (HdCalendar   *self,
                           GDateWeekday  weekday,
                           guint        *n_intervals)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (g_date_valid_weekday (weekday), NULL);
  g_return_val_if_fail (n_intervals != NULL, NULL);

  *n_intervals = self->n_hours[weekday - 1];
  return self->hours[weekday - 1];
}

guint
hd_calendar_get_n_holidays (HdCalendar *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_holidays;
}

gboolean
hd_calendar_is_holiday (HdCalendar  *self,
                        const GDate *date)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  return is_holiday_day (self, (gint64) g_date_get_julian (date) - JULIAN_EPOCH);
}

/* Same zone, hours and holidays. */
gboolean
hd_calendar_equal (HdCalendar *a,
                   HdCalendar *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (g_strcmp0 (a->zone, b->zone) != 0 || a->n_holidays != b->n_holidays ||
      memcmp (a->n_hours, b->n_hours, sizeof a->n_hours) != 0)
    return FALSE;

  for (int d = 0; d < 7; d++)
    if (memcmp (a->hours[d], b->hours[d], a->n_hours[d] * sizeof (HdCalendarInterval)) != 0)
      return FALSE;

  return a->n_holidays == 0 ||
         memcmp (a->holidays, b->holidays, a->n_holidays * sizeof (gint32)) == 0;
}

/* Text */

static gboolean
same_hours (HdCalendar *self,
            int         a,
            int         b)
{
  return self->n_hours[a] == self->n_hours[b] &&
         memcmp (self->hours[a], self->hours[b],
                 self->n_hours[a] * sizeof (HdCalendarInterval)) == 0;
}

/* Weekdays grouped by identical hours, in the order of their first day:
 * each group is a bit mask of days. */
static guint
group_days (HdCalendar *self,
            guint8     *groups)
{
  guint8 done = 0;
  guint n = 0;

  for (int d = 0; d < 7; d++)
    {
      if (self->n_hours[d] == 0 || (done & (1u << d)))
        continue;

      groups[n] = 0;
      for (int e = d; e < 7; e++)
        if (same_hours (self, d, e))
          groups[n] |= 1u << e;
      done |= groups[n];
      n++;
    }

  return n;
}

/* Runs of consecutive days in @mask, as “mon-wed,fri” (machine) or
 * “Mon–Wed, Fri” (people). */
static void
append_days (GString  *out,
             guint8    mask,
             gboolean  for_people)
{
  gboolean first = TRUE;

  for (int d = 0; d < 7; d++)
    {
      int e = d;

      if (!(mask & (1u << d)))
        continue;

      while (e + 1 < 7 && (mask & (1u << (e + 1))))
        e++;

      if (!first)
        g_string_append (out, for_people ? ", " : ",");
      first = FALSE;

      if (for_people)
        {
          g_autofree char *from = weekday_name (d, TRUE);

          g_string_append (out, from);
          if (e > d)
            {
              g_autofree char *to = weekday_name (e, TRUE);

              g_string_append_printf (out, "%s%s", e == d + 1 ? ", " : "–", to);
            }
        }
      else
        {
          g_string_append (out, short_days[d]);
          if (e > d)
            g_string_append_printf (out, "-%s", short_days[e]);
        }

      d = e;
    }
}

static char *
format_hours (HdCalendar *self,
              gboolean    for_people)
{
  GString *out = g_string_new (NULL);
  guint8 groups[7];
  guint n = group_days (self, groups);

  for (guint g = 0; g < n; g++)
    {
      int d = g_bit_nth_lsf (groups[g], -1);

      if (g > 0)
        g_string_append (out, "; ");
      append_days (out, groups[g], for_people);
      g_string_append_c (out, ' ');

      for (guint i = 0; i < self->n_hours[d]; i++)
        {
          g_autofree char *interval = format_interval (&self->hours[d][i], for_people ? "–" : "-");

          if (i > 0)
            g_string_append (out, for_people ? ", " : ",");
          g_string_append (out, interval);
        }
    }

  return g_string_free (out, FALSE);
}

/**
 * hd_calendar_format_hours:
 *
 * Returns: the working hours in the canonical text form that
 *   hd_calendar_new() reads: days with the same hours grouped, in order,
 *   such as “mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00”
 */
char *
hd_calendar_format_hours (HdCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return format_hours (self, FALSE);
}

/**
 * hd_calendar_format_holidays:
 *
 * Returns: the holidays in ascending order, such as “2024-12-25,2024-12-26”,
 *   or an empty string
 */
char *
hd_calendar_format_holidays (HdCalendar *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->n_holidays; i++)
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_julian (&date, self->holidays[i] + JULIAN_EPOCH);
      g_string_append_printf (out, "%s%04u-%02u-%02u", i > 0 ? "," : "",
                              g_date_get_year (&date), g_date_get_month (&date),
                              g_date_get_day (&date));
    }

  return g_string_free (out, FALSE);
}

/**
 * hd_calendar_to_string:
 *
 * Returns: the whole calendar in one line that
 *   hd_calendar_new_from_string() reads back, such as
 *   “tz Europe/Berlin; mon-fri 09:00-17:00; holidays 2024-12-25”
 */
char *
hd_calendar_to_string (HdCalendar *self)
{
  g_autofree char *hours = NULL;
  g_autofree char *holidays = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  hours = format_hours (self, FALSE);
  holidays = hd_calendar_format_holidays (self);

  if (holidays[0] == '\0')
    return g_strdup_printf ("tz %s; %s", self->zone, hours);
  return g_strdup_printf ("tz %s; %s; holidays %s", self->zone, hours, holidays);
}

/**
 * hd_calendar_describe:
 *
 * Returns: the calendar for people, in their language, such as
 *   “Mon–Fri 09:00–17:00 (Europe/Berlin), 2 holidays”
 */
char *
hd_calendar_describe (HdCalendar *self)
{
  g_autofree char *hours = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  hours = format_hours (self, TRUE);
  if (self->n_holidays == 0)
    /* Translators: working hours, then the time zone: “Mon–Fri 09:00–17:00 (Europe/Berlin)” */
    return g_strdup_printf (_("%s (%s)"), hours, self->zone);

  /* Translators: working hours, the time zone and the number of holidays */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s), %u holiday", "%s (%s), %u holidays",
                                       self->n_holidays),
                          hours, self->zone, self->n_holidays);
}

/* Business time */

/**
 * hd_calendar_next_working:
 * @instant: µs since the epoch
 *
 * Returns: @instant when it lies in working time, else the start of the
 *   next working interval; %HD_CALENDAR_NEVER when there is none within
 *   %HD_CALENDAR_SCAN_DAYS days or before %HD_CALENDAR_MAX_INSTANT
 */
gint64
hd_calendar_next_working (HdCalendar *self,
                          gint64      instant)
{
  Place place;
  gint64 day, found;

  g_return_val_if_fail (self != NULL, HD_CALENDAR_NEVER);

  instant = clamp_instant (instant);

  /* From the day before: a span may end after local midnight when clocks go
   * back at midnight. */
  day = local_day_of (self, instant) - 1;
  if (!find_work (self, day, day + HD_CALENDAR_SCAN_DAYS + 1, instant, &place))
    return HD_CALENDAR_NEVER;

  found = MAX (instant, place.block->work[place.index].start);
  return found < HD_CALENDAR_MAX_INSTANT ? found : HD_CALENDAR_NEVER;
}

/* Where @usec of business time after position @base of @place's block
 * (business µs from the block's start) runs out, if in that block. */
static gboolean
run_out_in_block (const Block *block,
                  guint        lo,
                  gint64       base,
                  gint64       usec,
                  guint       *index)
{
  gint64 wanted = base + usec;
  guint hi = block->n;

  if (usec > block->total - base)
    return FALSE;

  /* the first span whose end is at or past @wanted */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const Work *w = &block->work[mid];

      if (w->before + (w->end - w->start) >= wanted)
        hi = mid;
      else
        lo = mid + 1;
    }

  *index = lo;
  return TRUE;
}

/**
 * hd_calendar_add_business_usec:
 * @start: µs since the epoch
 * @usec: business time to add, µs
 *
 * Returns: the instant at which @usec of business time have passed since
 *   @start: the end of that time, so a target that uses up a working day
 *   ends at closing time, not at the next opening. @start itself when
 *   @usec is 0 or less. %HD_CALENDAR_NEVER when the calendar has no
 *   working time for %HD_CALENDAR_SCAN_DAYS days in a row, or the answer
 *   lies beyond %HD_CALENDAR_MAX_INSTANT or a century away.
 */
gint64
hd_calendar_add_business_usec (HdCalendar *self,
                               gint64      start,
                               gint64      usec)
{
  gint64 first_day, last_day, idle, base, found;
  const Block *block;
  Place place;
  guint b, i;

  g_return_val_if_fail (self != NULL, HD_CALENDAR_NEVER);

  if (usec <= 0)
    return start;
  if (start >= HD_CALENDAR_MAX_INSTANT)
    return HD_CALENDAR_NEVER;

  start = clamp_instant (start);
  first_day = local_day_of (self, start) - 1;
  last_day = first_day + MAX_SCAN_DAYS - 1;
  if (!find_work (self, first_day, last_day, start, &place))
    return HD_CALENDAR_NEVER;

  /* @idle counts the days without working time in a row before the
   * block's first working day: more than HD_CALENDAR_SCAN_DAYS of them end
   * the search. Inside a block they are fewer. */
  block = place.block;
  b = place.b;
  i = place.index;
  idle = block->work[i].day - first_day;
  base = block->work[i].before + MAX (0, start - block->work[i].start);

  for (;;)
    {
      if (idle > HD_CALENDAR_SCAN_DAYS)
        return HD_CALENDAR_NEVER;
      if (run_out_in_block (block, i, base, usec, &i))
        break;

      usec -= block->total - base;
      idle = block->trail_idle;
      do
        {
          if (++b >= N_BLOCKS || block_first_day (b) > last_day || idle > HD_CALENDAR_SCAN_DAYS)
            return HD_CALENDAR_NEVER;
          block = get_block (self, b);
          idle += block->lead_idle;
        }
      while (block->n == 0);
      base = 0;
      i = 0;
    }

  if (block->work[i].day > last_day)
    return HD_CALENDAR_NEVER;

  found = block->work[i].start + (base + usec - block->work[i].before);
  return found <= HD_CALENDAR_MAX_INSTANT ? found : HD_CALENDAR_NEVER;
}

/**
 * hd_calendar_add_business:
 * @start: µs since the epoch
 * @minutes: business time to add
 *
 * hd_calendar_add_business_usec() in minutes.
 */
gint64
hd_calendar_add_business (HdCalendar *self,
                          gint64      start,
                          gint64      minutes)
{
  return hd_calendar_add_business_usec (self, start, minutes * 60 * G_USEC_PER_SEC);
}

/* Business µs of @block's spans [@lo, @hi) inside [@from, @to). */
static gint64
block_business (const Block *block,
                guint        lo,
                guint        hi,
                gint64       from,
                gint64       to)
{
  const Work *first, *last;

  hi = first_starting_at (block, lo, hi, to);
  if (hi <= lo)
    return 0;

  first = &block->work[lo];
  last = &block->work[hi - 1];
  return last->before + (last->end - last->start) - first->before
         - MAX (0, from - first->start) - MAX (0, last->end - to);
}

/**
 * hd_calendar_business_usec:
 * @from: µs since the epoch
 * @to: µs since the epoch
 *
 * Returns: the business time in [@from, @to), µs; 0 when @to is not after
 *   @from
 */
gint64
hd_calendar_business_usec (HdCalendar *self,
                           gint64      from,
                           gint64      to)
{
  gint64 last_day, total = 0;
  Place place;

  g_return_val_if_fail (self != NULL, 0);

  from = clamp_instant (from);
  to = clamp_instant (to);
  if (to <= from)
    return 0;

  /* The spans of the days from the day before @from's to @to's. */
  last_day = local_day_of (self, to);
  if (!find_work (self, local_day_of (self, from) - 1, last_day, from, &place))
    return 0;

  for (guint b = place.b, lo = place.index; b <= block_of_day (last_day); b++, lo = 0)
    {
      const Block *block = get_block (self, b);
      guint hi = b == block_of_day (last_day) ? block->first[last_day + 1 - block_first_day (b)]
                                              : block->n;

      total += block_business (block, lo, hi, from, to);
    }

  return total;
}

/**
 * hd_calendar_business_between:
 * @from: µs since the epoch
 * @to: µs since the epoch
 *
 * Returns: the business time in [@from, @to), in whole seconds (rounded
 *   down); 0 when @to is not after @from
 */
gint64
hd_calendar_business_between (HdCalendar *self,
                              gint64      from,
                              gint64      to)
{
  return hd_calendar_business_usec (self, from, to) / G_USEC_PER_SEC;
}
