/* hd-calendar.h — working hours, a time zone and holidays: business time
 *
 * A calendar answers three questions on instants (µs since the Unix epoch,
 * UTC, like every time in the file): when does the next working minute
 * start, when will a given amount of business time have passed, and how much
 * business time lies between two instants. The SLA clock (hd-sla.h) is built
 * on them. Calendars are immutable and reference counted, so one can be
 * shared between threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HD_TYPE_CALENDAR (hd_calendar_get_type ())

/* Returned instead of an instant when the calendar has no working time for
 * HD_CALENDAR_SCAN_DAYS days in a row (say, every working day of two years
 * is a holiday), or when the answer lies beyond HD_CALENDAR_MAX_INSTANT. */
#define HD_CALENDAR_NEVER G_MAXINT64

/* How many days without any working time the calendar looks through before
 * it gives up with HD_CALENDAR_NEVER: a little over two years. */
#define HD_CALENDAR_SCAN_DAYS 800

/* Instants are clamped to 1900-01-01 … 2200-01-01 UTC. */
#define HD_CALENDAR_MIN_INSTANT (G_GINT64_CONSTANT (-2208988800) * G_USEC_PER_SEC)
#define HD_CALENDAR_MAX_INSTANT (G_GINT64_CONSTANT (7258118400) * G_USEC_PER_SEC)

/* Working intervals per weekday, after adjacent ones are merged. */
#define HD_CALENDAR_MAX_INTERVALS 12

/**
 * HdCalendarInterval:
 * @start: minutes from local midnight, 0–1439
 * @end: minutes from local midnight, @start + 1 … 1440 (24:00)
 *
 * One working interval of a weekday, read on the local clock of the
 * calendar's zone.
 */
typedef struct {
  guint16 start;
  guint16 end;
} HdCalendarInterval;

typedef struct _HdCalendar HdCalendar;

GType       hd_calendar_get_type            (void) G_GNUC_CONST;

HdCalendar *hd_calendar_new                 (const char   *zone,
                                             const char   *hours,
                                             const char   *holidays,
                                             GError      **error);
HdCalendar *hd_calendar_new_from_string     (const char   *text,
                                             GError      **error);
HdCalendar *hd_calendar_new_default         (void);
HdCalendar *hd_calendar_ref                 (HdCalendar   *self);
void        hd_calendar_unref               (HdCalendar   *self);

char       *hd_calendar_default_zone        (void);

const char *hd_calendar_get_zone            (HdCalendar   *self);
GTimeZone  *hd_calendar_get_time_zone       (HdCalendar   *self);
const HdCalendarInterval *
            hd_calendar_get_intervals       (HdCalendar   *self,
                                             GDateWeekday  weekday,
                                             guint        *n_intervals);
guint       hd_calendar_get_n_holidays      (HdCalendar   *self);
gboolean    hd_calendar_is_holiday          (HdCalendar   *self,
                                             const GDate  *date);
gboolean    hd_calendar_equal               (HdCalendar   *a,
                                             HdCalendar   *b);

char       *hd_calendar_format_hours        (HdCalendar   *self);
char       *hd_calendar_format_holidays     (HdCalendar   *self);
char       *hd_calendar_to_string           (HdCalendar   *self);
char       *hd_calendar_describe            (HdCalendar   *self);

gint64      hd_calendar_next_working        (HdCalendar   *self,
                                             gint64        instant);
gint64      hd_calendar_add_business        (HdCalendar   *self,
                                             gint64        start,
                                             gint64        minutes);
gint64      hd_calendar_add_business_usec   (HdCalendar   *self,
                                             gint64        start,
                                             gint64        usec);
gint64      hd_calendar_business_between    (HdCalendar   *self,
                                             gint64        from,
                                             gint64        to);
gint64      hd_calendar_business_usec       (HdCalendar   *self,
                                             gint64        from,
                                             gint64        to);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdCalendar, hd_calendar_unref)

G_END_DECLS
