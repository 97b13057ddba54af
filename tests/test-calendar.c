/* test-calendar.c — working hours, holidays and business time, also across
 * daylight saving changes
 *
 * Every expected instant is written as a local date and time in the
 * calendar's zone (with an explicit offset where the local time occurs
 * twice) and read by GLib, not by the code under test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-calendar.h"
#include "hd-error.h"
#include "hd-test-util.h"

/* Parsing and writing */

static void
test_round_trip (void)
{
  static const struct {
    const char *hours;
    const char *canonical;
  } cases[] = {
    { "mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00", "mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00" },
    { "Mon - Fri  9:00-17:00", "mon-fri 09:00-17:00" },
    { "monday,wednesday 09:00-12:00; tue 09:00-12:00", "mon-wed 09:00-12:00" },
    { "fri-mon 10:00-11:00", "mon,fri-sun 10:00-11:00" },
    { "mon-fri 08:00-12:00; mon-thu 13:00-17:00", "mon-thu 08:00-12:00,13:00-17:00; fri 08:00-12:00" },
    { "mon 08:00-12:00,12:00-13:00", "mon 08:00-13:00" },
    { "mon 13:00-17:00 , 08:00-12:00", "mon 08:00-12:00,13:00-17:00" },
    { "mon 22:00-24:00; tue 00:00-06:00", "mon 22:00-24:00; tue 00:00-06:00" },
    { "mon-fri 09:00-17:00;;", "mon-fri 09:00-17:00" },
    { "sun 00:00-24:00", "sun 00:00-24:00" },
    { "tue,thu 09:00-17:00", "tue,thu 09:00-17:00" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HdCalendar) cal = NULL;
      g_autoptr(HdCalendar) again = NULL;
      g_autofree char *hours = NULL;
      g_autofree char *hours_again = NULL;

      g_test_message ("%s", cases[i].hours);
      cal = hd_calendar_new ("UTC", cases[i].hours, NULL, &error);
      g_assert_no_error (error);
      hours = hd_calendar_format_hours (cal);
      g_assert_cmpstr (hours, ==, cases[i].canonical);

      again = hd_calendar_new ("UTC", hours, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (hd_calendar_equal (cal, again));
      hours_again = hd_calendar_format_hours (again);
      g_assert_cmpstr (hours_again, ==, hours);
    }
}

static void
test_whole_string (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdCalendar) again = NULL;
  g_autoptr(HdCalendar) plain = NULL;
  g_autofree char *text = NULL;
  g_autofree char *holidays = NULL;
  g_autofree char *plain_text = NULL;
  const HdCalendarInterval *intervals;
  guint n;
  GDate date;

  if (!hd_test_have_zone ("Europe/Berlin"))
    return;

  cal = hd_calendar_new_from_string (" holidays 2024-12-26, 2024-12-25 2024-12-25; TZ  Europe/Berlin ;"
                                     "mon-fri 08:00-12:00,13:00-17:00; holidays 2025-01-01",
                                     &error);
  g_assert_no_error (error);
  text = hd_calendar_to_string (cal);
  g_assert_cmpstr (text, ==, "tz Europe/Berlin; mon-fri 08:00-12:00,13:00-17:00; holidays 2024-12-25,2024-12-26,2025-01-01");
  g_assert_cmpstr (hd_calendar_get_zone (cal), ==, "Europe/Berlin");
  g_assert_cmpuint (hd_calendar_get_n_holidays (cal), ==, 3);
  holidays = hd_calendar_format_holidays (cal);
  g_assert_cmpstr (holidays, ==, "2024-12-25,2024-12-26,2025-01-01");

  again = hd_calendar_new_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (hd_calendar_equal (cal, again));

  intervals = hd_calendar_get_intervals (cal, G_DATE_WEDNESDAY, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (intervals[0].start, ==, 8 * 60);
  g_assert_cmpuint (intervals[0].end, ==, 12 * 60);
  g_assert_cmpuint (intervals[1].start, ==, 13 * 60);
  g_assert_cmpuint (intervals[1].end, ==, 17 * 60);
  hd_calendar_get_intervals (cal, G_DATE_SUNDAY, &n);
  g_assert_cmpuint (n, ==, 0);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 26, G_DATE_DECEMBER, 2024);
  g_assert_true (hd_calendar_is_holiday (cal, &date));
  g_date_set_dmy (&date, 27, G_DATE_DECEMBER, 2024);
  g_assert_false (hd_calendar_is_holiday (cal, &date));

  plain = hd_calendar_new_from_string ("tz UTC; sat 10:00-11:00", &error);
  g_assert_no_error (error);
  plain_text = hd_calendar_to_string (plain);
  g_assert_cmpstr (plain_text, ==, "tz UTC; sat 10:00-11:00");
  g_assert_false (hd_calendar_equal (plain, cal));
}

static void
test_errors (void)
{
  static const struct {
    const char *zone;
    const char *hours;
    const char *holidays;
    const char *message;
  } cases[] = {
    { "UTC", "", NULL, "The working hours contain no working time, so no deadline could ever be computed; give at least one day hours, such as “mon-fri 09:00-17:00”." },
    { "UTC", " ; ;", NULL, "The working hours contain no working time, so no deadline could ever be computed; give at least one day hours, such as “mon-fri 09:00-17:00”." },
    { "UTC", NULL, NULL, "The working hours contain no working time, so no deadline could ever be computed; give at least one day hours, such as “mon-fri 09:00-17:00”." },
    { "UTC", "mon-fri 25:00-26:00", NULL, "“25:00” is not a time of day between 00:00 and 24:00." },
    { "UTC", "mon 09:60-10:00", NULL, "“09:60” is not a time of day between 00:00 and 24:00." },
    { "UTC", "mon 09:00-24:01", NULL, "“24:01” is not a time of day between 00:00 and 24:00." },
    { "UTC", "mon 9-17", NULL, "“9” is not a time of day between 00:00 and 24:00." },
    { "UTC", "mon 09:00-17:0", NULL, "“17:0” is not a time of day between 00:00 and 24:00." },
    { "UTC", "funday 09:00-17:00", NULL, "“funday” is not a day; use mon, tue, wed, thu, fri, sat or sun." },
    { "UTC", "mon-fun 09:00-17:00", NULL, "“fun” is not a day; use mon, tue, wed, thu, fri, sat or sun." },
    { "UTC", "mon,,tue 09:00-17:00", NULL, "“” is not a day; use mon, tue, wed, thu, fri, sat or sun." },
    { "UTC", "mon 17:00-09:00", NULL, "The interval “17:00-09:00” does not end after it starts; split a shift across midnight into two days, such as “mon 22:00-24:00; tue 00:00-06:00”." },
    { "UTC", "mon 09:00-09:00", NULL, "The interval “09:00-09:00” does not end after it starts; split a shift across midnight into two days, such as “mon 22:00-24:00; tue 00:00-06:00”." },
    { "UTC", "mon 09:00-12:00,11:00-13:00", NULL, "On Monday the intervals 09:00-12:00 and 11:00-13:00 overlap." },
    { "UTC", "mon-fri 09:00-17:00; wed 12:00-13:00", NULL, "On Wednesday the intervals 09:00-17:00 and 12:00-13:00 overlap." },
    { "UTC", "09:00-17:00", NULL, "“09:00-17:00” does not start with days such as “mon-fri”." },
    { "UTC", "mon-fri", NULL, "“mon-fri” names days but no hours such as “09:00-17:00”." },
    { "UTC", "mon 09:00", NULL, "“09:00” is not an interval such as “09:00-17:00”." },
    { "UTC", "mon 09:00-10:00-11:00", NULL, "“09:00-10:00-11:00” is not an interval such as “09:00-17:00”." },
    { "UTC", "mon 09:00-10:00,", NULL, "“” is not an interval such as “09:00-17:00”." },
    { "UTC",
      "mon 00:00-00:01,01:00-01:01,02:00-02:01,03:00-03:01,04:00-04:01,05:00-05:01,06:00-06:01,"
      "07:00-07:01,08:00-08:01,09:00-09:01,10:00-10:01,11:00-11:01,12:00-12:01",
      NULL, "Monday has more than 12 working intervals." },
    { "UTC", "mon-fri 09:00-17:00", "2024-02-30", "“2024-02-30” is not a date in the form YYYY-MM-DD." },
    { "UTC", "mon-fri 09:00-17:00", "2024-12-25,24-12-26", "“24-12-26” is not a date in the form YYYY-MM-DD." },
    { "UTC", "mon-fri 09:00-17:00", "2024/12/25", "“2024/12/25” is not a date in the form YYYY-MM-DD." },
    { "UTC", "mon-fri 09:00-17:00", "christmas", "“christmas” is not a date in the form YYYY-MM-DD." },
    { "UTC", "mon-fri 09:00-17:00", "1812-06-24", "“1812-06-24” is not a date in the form YYYY-MM-DD." },
    { "Mars/Olympus_Mons", "mon-fri 09:00-17:00", NULL, "“Mars/Olympus_Mons” is not a known time zone; use a name such as “Europe/Berlin” or “UTC”." },
    { "../../etc/passwd", "mon-fri 09:00-17:00", NULL, "“../../etc/passwd” is not a known time zone; use a name such as “Europe/Berlin” or “UTC”." },
    { "/usr/share/zoneinfo/UTC", "mon-fri 09:00-17:00", NULL, "“/usr/share/zoneinfo/UTC” is not a known time zone; use a name such as “Europe/Berlin” or “UTC”." },
    { "CET-1CEST,M3.5.0,M10.5.0/3", "mon-fri 09:00-17:00", NULL, "“CET-1CEST,M3.5.0,M10.5.0/3” is not a known time zone; use a name such as “Europe/Berlin” or “UTC”." },
    { "", "mon-fri 09:00-17:00", NULL, "“” is not a known time zone; use a name such as “Europe/Berlin” or “UTC”." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HdCalendar) cal = NULL;

      g_test_message ("%s | %s | %s", cases[i].zone, cases[i].hours, cases[i].holidays);
      cal = hd_calendar_new (cases[i].zone, cases[i].hours, cases[i].holidays, &error);
      g_assert_null (cal);
      g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_string_errors (void)
{
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "tz UTC; tz UTC; mon 09:00-10:00", "The calendar names its time zone twice." },
    { "tz; mon 09:00-10:00", "“” is not a known time zone; use a name such as “Europe/Berlin” or “UTC”." },
    { "tz UTC; holidays 2024-13-01; mon 09:00-10:00", "“2024-13-01” is not a date in the form YYYY-MM-DD." },
    { "tz UTC; holidays 2024-12-24", "The working hours contain no working time, so no deadline could ever be computed; give at least one day hours, such as “mon-fri 09:00-17:00”." },
    { "tz UTC; weekdays 09:00-17:00", "“weekdays” is not a day; use mon, tue, wed, thu, fri, sat or sun." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HdCalendar) cal = NULL;

      g_test_message ("%s", cases[i].text);
      cal = hd_calendar_new_from_string (cases[i].text, &error);
      g_assert_null (cal);
      g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_default (void)
{
  g_autoptr(HdCalendar) cal = hd_calendar_new_default ();
  g_autoptr(HdCalendar) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hours = hd_calendar_format_hours (cal);
  g_autofree char *zone = hd_calendar_default_zone ();

  g_assert_cmpstr (hours, ==, "mon-fri 09:00-17:00");
  g_assert_cmpuint (hd_calendar_get_n_holidays (cal), ==, 0);
  g_assert_cmpstr (hd_calendar_get_zone (cal), ==, zone);

  /* whatever the zone, it can be stored and read back */
  again = hd_calendar_new (zone, hours, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (hd_calendar_equal (cal, again));
}

static void
test_describe (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdCalendar) plain = NULL;
  g_autofree char *text = NULL;
  g_autofree char *plain_text = NULL;

  if (!hd_test_have_zone ("Europe/Berlin"))
    return;

  cal = hd_test_new_calendar ("Europe/Berlin", "mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00",
                      "2024-12-25,2024-12-26");
  text = hd_calendar_describe (cal);
  g_assert_cmpstr (text, ==, "Mon–Fri 08:00–12:00, 13:00–17:00; Sat 09:00–12:00 (Europe/Berlin), 2 holidays");

  plain = hd_test_new_calendar ("UTC", "mon,tue,thu 09:00-17:00", "2024-12-25");
  plain_text = hd_calendar_describe (plain);
  g_assert_cmpstr (plain_text, ==, "Mon, Tue, Thu 09:00–17:00 (UTC), 1 holiday");
}

/* Office hours with a lunch break and Christmas, in Berlin */

static HdCalendar *
office (void)
{
  return hd_test_new_calendar ("Europe/Berlin", "mon-fri 08:00-12:00,13:00-17:00",
                       "2024-12-24,2024-12-25,2024-12-26,2025-01-01");
}

static void
test_next_working (void)
{
  static const struct {
    const char *at;
    const char *expected;
  } cases[] = {
    { "2024-11-20 10:00", "2024-11-20 10:00" },   /* Wednesday, working */
    { "2024-11-20 08:00", "2024-11-20 08:00" },   /* opening */
    { "2024-11-20 07:30", "2024-11-20 08:00" },   /* before opening */
    { "2024-11-20 00:00", "2024-11-20 08:00" },   /* midnight */
    { "2024-11-20 11:59:59", "2024-11-20 11:59:59" },
    { "2024-11-20 12:00", "2024-11-20 13:00" },   /* lunch begins */
    { "2024-11-20 12:30", "2024-11-20 13:00" },   /* lunch */
    { "2024-11-20 16:59:59", "2024-11-20 16:59:59" },
    { "2024-11-20 17:00", "2024-11-21 08:00" },   /* closing */
    { "2024-11-20 23:45", "2024-11-21 08:00" },   /* night */
    { "2024-11-22 18:40", "2024-11-25 08:00" },   /* Friday evening */
    { "2024-11-23 23:10", "2024-11-25 08:00" },   /* Saturday night */
    { "2024-11-24 12:00", "2024-11-25 08:00" },   /* Sunday */
    { "2024-12-23 17:30", "2024-12-27 08:00" },   /* before Christmas */
    { "2024-12-25 10:00", "2024-12-27 08:00" },   /* on a holiday */
    { "2024-12-31 18:00", "2025-01-02 08:00" },   /* New Year */
  };
  g_autoptr(HdCalendar) cal = NULL;

  if (!hd_test_have_zone ("Europe/Berlin"))
    return;

  cal = office ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_instant (cal, hd_calendar_next_working (cal, hd_test_at (cal, cases[i].at)),
                    cases[i].expected);
}

static void
test_add (void)
{
  static const struct {
    const char *start;
    gint64      minutes;
    const char *expected;
  } cases[] = {
    { "2024-11-20 10:00", 0, "2024-11-20 10:00" },
    { "2024-11-20 10:00", 60, "2024-11-20 11:00" },
    { "2024-11-20 11:30", 60, "2024-11-20 13:30" },     /* across lunch */
    { "2024-11-20 12:15", 30, "2024-11-20 13:30" },     /* from lunch */
    { "2024-11-20 16:00", 120, "2024-11-21 09:00" },    /* across the night */
    { "2024-11-22 16:00", 120, "2024-11-25 09:00" },    /* across the weekend */
    { "2024-11-23 10:00", 30, "2024-11-25 08:30" },     /* from Saturday */
    { "2024-11-20 06:00", 480, "2024-11-20 17:00" },    /* a whole day ends at closing */
    { "2024-11-20 08:00", 481, "2024-11-21 08:01" },
    { "2024-11-18 09:00", 1440, "2024-11-21 09:00" },   /* three days */
    { "2024-11-18 09:00", 4800, "2024-12-02 09:00" },   /* two weeks */
    { "2024-11-18 08:00", 4800, "2024-11-29 17:00" },
    { "2024-12-23 09:00", 2400, "2025-01-03 09:00" },   /* across the holidays */
    { "2024-12-20 17:00", 480, "2024-12-23 17:00" },
    { "2024-12-20 17:00", 481, "2024-12-27 08:01" },
  };
  g_autoptr(HdCalendar) cal = NULL;

  if (!hd_test_have_zone ("Europe/Berlin"))
    return;

  cal = office ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s + %" G_GINT64_FORMAT " min", cases[i].start, cases[i].minutes);
      assert_instant (cal, hd_calendar_add_business (cal, hd_test_at (cal, cases[i].start),
                                                     cases[i].minutes),
                      cases[i].expected);
    }

  /* sub-minute precision */
  assert_instant (cal, hd_calendar_add_business_usec (cal, hd_test_at (cal, "2024-11-20 11:59:30"),
                                                      45 * G_USEC_PER_SEC),
                  "2024-11-20 13:00:15");
}

static void
test_between (void)
{
  static const struct {
    const char *from;
    const char *to;
    gint64      seconds;
  } cases[] = {
    { "2024-11-20 10:00", "2024-11-20 15:00", 4 * 3600 },           /* lunch not counted */
    { "2024-11-20 10:00", "2024-11-20 10:00", 0 },
    { "2024-11-20 15:00", "2024-11-20 10:00", 0 },                  /* backwards */
    { "2024-11-20 12:10", "2024-11-20 12:50", 0 },                  /* inside lunch */
    { "2024-11-20 16:59:30", "2024-11-21 08:00:30", 60 },
    { "2024-11-22 16:00", "2024-11-25 10:00", 3 * 3600 },           /* weekend */
    { "2024-11-18 00:00", "2024-11-25 00:00", 40 * 3600 },          /* a week */
    { "2024-12-23 16:00", "2024-12-27 09:00", 2 * 3600 },           /* holidays */
    { "2024-12-23 00:00", "2025-01-06 00:00", 6 * 8 * 3600 },       /* the holiday fortnight */
  };
  g_autoptr(HdCalendar) cal = NULL;

  if (!hd_test_have_zone ("Europe/Berlin"))
    return;

  cal = office ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s → %s", cases[i].from, cases[i].to);
      g_assert_cmpint (hd_calendar_business_between (cal, hd_test_at (cal, cases[i].from),
                                                     hd_test_at (cal, cases[i].to)),
                       ==, cases[i].seconds);
    }

  g_assert_cmpint (hd_calendar_business_usec (cal, hd_test_at (cal, "2024-11-20 10:00"),
                                              hd_test_at (cal, "2024-11-20 10:00") + 1500),
                   ==, 1500);
}

/* Adding and measuring agree, from many starts (inside hours, outside,
 * weekends, holidays) over many amounts. */
static void
test_add_between_agree (void)
{
  g_autoptr(HdCalendar) cal = NULL;
  gint64 first;

  if (!hd_test_have_zone ("Europe/Berlin"))
    return;

  cal = office ();
  first = hd_test_at (cal, "2024-12-18 06:17");
  for (gint64 start = first; start < first + G_GINT64_CONSTANT (20 * 86400) * G_USEC_PER_SEC; start += G_GINT64_CONSTANT (3 * 3617) * G_USEC_PER_SEC)
    for (gint64 minutes = 1; minutes < 6000; minutes = minutes * 3 + 7)
      {
        gint64 end = hd_calendar_add_business (cal, start, minutes);

        g_assert_cmpint (hd_calendar_business_between (cal, start, end), ==, minutes * 60);
        /* the end lies in working time or at its close */
        g_assert_cmpint (hd_calendar_business_between (cal, end - G_USEC_PER_SEC, end), ==, 1);
      }
}

static void
test_midnight_shift (void)
{
  g_autoptr(HdCalendar) cal = hd_test_new_calendar ("UTC", "mon 22:00-24:00; tue 00:00-06:00", NULL);

  assert_instant (cal, hd_calendar_next_working (cal, hd_test_at (cal, "2024-11-18 21:00")),
                  "2024-11-18 22:00");
  assert_instant (cal, hd_calendar_next_working (cal, hd_test_at (cal, "2024-11-19 00:00")),
                  "2024-11-19 00:00");
  assert_instant (cal, hd_calendar_add_business (cal, hd_test_at (cal, "2024-11-18 23:00"), 120),
                  "2024-11-19 01:00");
  assert_instant (cal, hd_calendar_add_business (cal, hd_test_at (cal, "2024-11-19 05:00"), 120),
                  "2024-11-25 23:00");
  g_assert_cmpint (hd_calendar_business_between (cal, hd_test_at (cal, "2024-11-18 12:00"),
                                                 hd_test_at (cal, "2024-11-19 12:00")),
                   ==, 8 * 3600);
}

/* Daylight saving time */

static void
test_dst_berlin_spring (void)
{
  g_autoptr(HdCalendar) night = NULL;
  g_autoptr(HdCalendar) gap = NULL;
  g_autoptr(HdCalendar) cal = NULL;

  if (!hd_test_have_zone ("Europe/Berlin"))
    return;

  /* Sunday 31 March 2024: 02:00 CET becomes 03:00 CEST */
  night = hd_test_new_calendar ("Europe/Berlin", "sun 01:30-03:30", NULL);
  g_assert_cmpint (hd_calendar_business_between (night, hd_test_at (night, "2024-03-31 00:00"),
                                                 hd_test_at (night, "2024-04-01 00:00")),
                   ==, 3600);
  g_assert_cmpint (hd_calendar_business_between (night, hd_test_at (night, "2024-03-24 00:00"),
                                                 hd_test_at (night, "2024-03-25 00:00")),
                   ==, 2 * 3600);
  assert_instant (night, hd_calendar_next_working (night, hd_test_at (night, "2024-03-31 00:10")),
                  "2024-03-31 01:30");
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-03-31 01:30"), 30),
                  "2024-03-31 03:00");
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-03-31 01:30"), 60),
                  "2024-03-31 03:30");
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-03-31 01:30"), 90),
                  "2024-04-07 02:00");

  /* an interval that starts in the skipped hour starts at the change */
  gap = hd_test_new_calendar ("Europe/Berlin", "sun 02:30-04:00", NULL);
  assert_instant (gap, hd_calendar_next_working (gap, hd_test_at (gap, "2024-03-31 01:00")),
                  "2024-03-31 03:00");
  g_assert_cmpint (hd_calendar_business_between (gap, hd_test_at (gap, "2024-03-31 00:00"),
                                                 hd_test_at (gap, "2024-04-01 00:00")),
                   ==, 3600);
  g_assert_cmpint (hd_calendar_business_between (gap, hd_test_at (gap, "2024-03-24 00:00"),
                                                 hd_test_at (gap, "2024-03-25 00:00")),
                   ==, 5400);

  /* office hours are not touched: the weekend is simply shorter */
  cal = hd_test_new_calendar ("Europe/Berlin", "mon-fri 09:00-17:00", NULL);
  assert_instant (cal, hd_calendar_add_business (cal, hd_test_at (cal, "2024-03-29 16:00"), 120),
                  "2024-04-01 10:00");
  g_assert_cmpint (hd_calendar_business_between (cal, hd_test_at (cal, "2024-03-29 16:00"),
                                                 hd_test_at (cal, "2024-04-01 10:00")),
                   ==, 2 * 3600);
  g_assert_cmpint (hd_calendar_business_between (cal, hd_test_at (cal, "2024-03-25 00:00"),
                                                 hd_test_at (cal, "2024-04-08 00:00")),
                   ==, 80 * 3600);
}

static void
test_dst_berlin_autumn (void)
{
  g_autoptr(HdCalendar) night = NULL;
  g_autoptr(HdCalendar) split = NULL;
  g_autoptr(HdCalendar) cal = NULL;

  if (!hd_test_have_zone ("Europe/Berlin"))
    return;

  /* Sunday 27 October 2024: 03:00 CEST becomes 02:00 CET */
  night = hd_test_new_calendar ("Europe/Berlin", "sun 01:30-03:30", NULL);
  g_assert_cmpint (hd_calendar_business_between (night, hd_test_at (night, "2024-10-27 00:00"),
                                                 hd_test_at (night, "2024-10-28 00:00")),
                   ==, 3 * 3600);
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-10-27 01:30"), 60),
                  "2024-10-27 02:30+02:00");
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-10-27 01:30"), 120),
                  "2024-10-27 02:30+01:00");
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-10-27 01:30"), 150),
                  "2024-10-27 03:00+01:00");
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-10-27 01:30"), 180),
                  "2024-10-27 03:30+01:00");
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-10-27 01:30"), 181),
                  "2024-11-03 01:31");
  /* in the repeated hour, both times are working time */
  assert_instant (night, hd_calendar_next_working (night, hd_test_at (night, "2024-10-27 02:10+02:00")),
                  "2024-10-27 02:10+02:00");
  assert_instant (night, hd_calendar_next_working (night, hd_test_at (night, "2024-10-27 02:10+01:00")),
                  "2024-10-27 02:10+01:00");

  /* two intervals with bounds in the repeated hour: the first runs until
   * the second 02:15, the second from the first 02:45; the stretch where
   * they overlap counts once: 00:00 CEST to 04:00 CET */
  split = hd_test_new_calendar ("Europe/Berlin", "sun 00:00-02:15,02:45-04:00", NULL);
  g_assert_cmpint (hd_calendar_business_between (split, hd_test_at (split, "2024-10-27 00:00"),
                                                 hd_test_at (split, "2024-10-28 00:00")),
                   ==, 5 * 3600);
  g_assert_cmpint (hd_calendar_business_between (split, hd_test_at (split, "2024-10-20 00:00"),
                                                 hd_test_at (split, "2024-10-21 00:00")),
                   ==, 3 * 3600 + 30 * 60);
  assert_instant (split, hd_calendar_next_working (split, hd_test_at (split, "2024-10-27 02:30+02:00")),
                  "2024-10-27 02:30+02:00");
  assert_instant (split, hd_calendar_add_business (split, hd_test_at (split, "2024-10-27 00:00"), 5 * 60),
                  "2024-10-27 04:00");
  assert_instant (split, hd_calendar_add_business (split, hd_test_at (split, "2024-10-27 00:00"), 5 * 60 + 1),
                  "2024-11-03 00:01");

  cal = hd_test_new_calendar ("Europe/Berlin", "mon-fri 09:00-17:00", NULL);
  assert_instant (cal, hd_calendar_add_business (cal, hd_test_at (cal, "2024-10-25 16:00"), 120),
                  "2024-10-28 10:00");
  g_assert_cmpint (hd_calendar_business_between (cal, hd_test_at (cal, "2024-10-25 09:00"),
                                                 hd_test_at (cal, "2024-10-28 17:00")),
                   ==, 16 * 3600);
}

static void
test_dst_new_york (void)
{
  g_autoptr(HdCalendar) always = NULL;
  g_autoptr(HdCalendar) night = NULL;
  g_autoptr(HdCalendar) cal = NULL;

  if (!hd_test_have_zone ("America/New_York"))
    return;

  /* 10 March 2024: 02:00 EST becomes 03:00 EDT; 3 November 2024: 02:00
   * EDT becomes 01:00 EST */
  always = hd_test_new_calendar ("America/New_York", "mon-sun 00:00-24:00", NULL);
  g_assert_cmpint (hd_calendar_business_between (always, hd_test_at (always, "2024-03-10 00:00"),
                                                 hd_test_at (always, "2024-03-11 00:00")),
                   ==, 23 * 3600);
  g_assert_cmpint (hd_calendar_business_between (always, hd_test_at (always, "2024-11-03 00:00"),
                                                 hd_test_at (always, "2024-11-04 00:00")),
                   ==, 25 * 3600);
  assert_instant (always, hd_calendar_add_business (always, hd_test_at (always, "2024-03-09 12:00"), 1440),
                  "2024-03-10 13:00");
  assert_instant (always, hd_calendar_add_business (always, hd_test_at (always, "2024-11-02 12:00"), 1440),
                  "2024-11-03 11:00");

  night = hd_test_new_calendar ("America/New_York", "sun 01:00-03:00", NULL);
  g_assert_cmpint (hd_calendar_business_between (night, hd_test_at (night, "2024-03-10 00:00"),
                                                 hd_test_at (night, "2024-03-11 00:00")),
                   ==, 3600);
  g_assert_cmpint (hd_calendar_business_between (night, hd_test_at (night, "2024-11-03 00:00"),
                                                 hd_test_at (night, "2024-11-04 00:00")),
                   ==, 3 * 3600);
  assert_instant (night, hd_calendar_add_business (night, hd_test_at (night, "2024-03-10 01:00"), 60),
                  "2024-03-10 03:00");

  cal = hd_test_new_calendar ("America/New_York", "mon-fri 09:00-17:00", NULL);
  assert_instant (cal, hd_calendar_add_business (cal, hd_test_at (cal, "2024-03-08 16:00"), 120),
                  "2024-03-11 10:00");
  assert_instant (cal, hd_calendar_add_business (cal, hd_test_at (cal, "2024-11-01 16:00"), 120),
                  "2024-11-04 10:00");
}

/* A zone without daylight saving time, for contrast, east of UTC */
static void
test_zone_without_dst (void)
{
  g_autoptr(HdCalendar) cal = NULL;

  if (!hd_test_have_zone ("Asia/Tokyo"))
    return;

  cal = hd_test_new_calendar ("Asia/Tokyo", "mon-fri 09:00-18:00", NULL);
  assert_instant (cal, hd_calendar_next_working (cal, hd_test_at (cal, "2024-11-22 19:00")),
                  "2024-11-25 09:00");
  /* Monday 09:00 in Tokyo is Monday 00:00 UTC */
  g_assert_cmpint (hd_calendar_next_working (cal, hd_test_at (cal, "2024-11-22 19:00")), ==,
                   G_GINT64_CONSTANT (1732492800) * G_USEC_PER_SEC);
}

/* Giving up */

static void
test_never (void)
{
  g_autoptr(GString) mondays = g_string_new (NULL);
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdCalendar) year = NULL;
  g_autoptr(HdCalendar) sparse = NULL;
  g_autoptr(GDateTime) monday = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  gint64 start;

  /* every Monday for three years is a holiday */
  for (int week = 0; week < 3 * 53; week++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_weeks (monday, week);
      g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");

      g_string_append_printf (mondays, "%s ", date);
    }

  cal = hd_test_new_calendar ("UTC", "mon 09:00-10:00", mondays->str);
  start = hd_test_at (cal, "2024-01-01 00:00");
  g_assert_cmpint (hd_calendar_next_working (cal, start), ==, HD_CALENDAR_NEVER);
  g_assert_cmpint (hd_calendar_add_business (cal, start, 30), ==, HD_CALENDAR_NEVER);
  g_assert_cmpint (hd_calendar_business_between (cal, start, hd_test_at (cal, "2027-01-01 00:00")), ==, 0);
  g_assert_cmpint (hd_calendar_business_between (cal, start, HD_CALENDAR_NEVER), >, 0);

  /* one year of holidays is not too many */
  year = hd_test_new_calendar ("UTC", "mon 09:00-10:00", "2024-01-01,2024-01-08,2024-01-15");
  assert_instant (year, hd_calendar_next_working (year, start), "2024-01-22 09:00");

  /* a minute a week will not reach a year of business time this century */
  sparse = hd_test_new_calendar ("UTC", "mon 09:00-09:01", NULL);
  g_assert_cmpint (hd_calendar_add_business (sparse, start, 366 * 24 * 60), ==, HD_CALENDAR_NEVER);
  assert_instant (sparse, hd_calendar_add_business (sparse, start, 2), "2024-01-08 09:01");
}

static void
test_extreme_instants (void)
{
  g_autoptr(HdCalendar) cal = hd_test_new_calendar ("UTC", "mon-fri 09:00-17:00", NULL);

  /* clamped, not looping for ages */
  g_assert_cmpint (hd_calendar_next_working (cal, G_MININT64), >=, HD_CALENDAR_MIN_INSTANT);
  g_assert_cmpint (hd_calendar_next_working (cal, G_MAXINT64), ==, HD_CALENDAR_NEVER);
  g_assert_cmpint (hd_calendar_add_business (cal, HD_CALENDAR_MAX_INSTANT, 60), ==, HD_CALENDAR_NEVER);
  g_assert_cmpint (hd_calendar_business_between (cal, G_MININT64, G_MAXINT64), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/calendar/round-trip", test_round_trip);
  g_test_add_func ("/calendar/whole-string", test_whole_string);
  g_test_add_func ("/calendar/errors", test_errors);
  g_test_add_func ("/calendar/string-errors", test_string_errors);
  g_test_add_func ("/calendar/default", test_default);
  g_test_add_func ("/calendar/describe", test_describe);
  g_test_add_func ("/calendar/next-working", test_next_working);
  g_test_add_func ("/calendar/add", test_add);
  g_test_add_func ("/calendar/between", test_between);
  g_test_add_func ("/calendar/add-between-agree", test_add_between_agree);
  g_test_add_func ("/calendar/midnight-shift", test_midnight_shift);
  g_test_add_func ("/calendar/dst/berlin-spring", test_dst_berlin_spring);
  g_test_add_func ("/calendar/dst/berlin-autumn", test_dst_berlin_autumn);
  g_test_add_func ("/calendar/dst/new-york", test_dst_new_york);
  g_test_add_func ("/calendar/zone-without-dst", test_zone_without_dst);
  g_test_add_func ("/calendar/never", test_never);
  g_test_add_func ("/calendar/extreme-instants", test_extreme_instants);

  return g_test_run ();
}
