/* hd-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-format.h"

/* "#42"; placeholders (0) read as nothing while their page loads. */
char *
hd_format_number (gint64 number)
{
  if (number <= 0)
    return g_strdup ("");

  return g_strdup_printf ("#%" G_GINT64_FORMAT, number);
}

/* Today's times as "14:05", yesterday's as "Yesterday", this year's as
 * "23 Nov", older ones with the year: what a list needs at a glance. */
char *
hd_format_time (gint64 usec,
                gint64 now_usec)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  int days;

  if (usec <= 0)
    return g_strdup ("");

  when = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  now = g_date_time_new_from_unix_local (now_usec / G_USEC_PER_SEC);
  days = g_date_time_get_day_of_year (now) - g_date_time_get_day_of_year (when);

  if (g_date_time_get_year (when) == g_date_time_get_year (now) && days == 0)
    return g_date_time_format (when, "%H:%M");
  if (g_date_time_get_year (when) == g_date_time_get_year (now) && days == 1)
    return g_strdup (_("Yesterday"));
  if (g_date_time_get_year (when) == g_date_time_get_year (now))
    return g_date_time_format (when, _("%e %b"));

  return g_date_time_format (when, _("%e %b %Y"));
}

/* A deadline always with its time, and its day as near as it is: "14:00",
 * "Tomorrow 09:30", "Wed 11:00", "2 Dec 16:00". */
char *
hd_format_deadline (gint64 usec,
                    gint64 now_usec)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) today = NULL;
  GTimeSpan ahead;

  if (usec <= 0)
    return g_strdup ("");

  when = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  now = g_date_time_new_from_unix_local (now_usec / G_USEC_PER_SEC);
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  ahead = g_date_time_difference (when, today);

  if (ahead >= 0 && ahead < G_TIME_SPAN_DAY)
    return g_date_time_format (when, "%H:%M");
  if (ahead >= G_TIME_SPAN_DAY && ahead < 2 * G_TIME_SPAN_DAY)
    return g_date_time_format (when, _("Tomorrow %H:%M"));
  if (ahead >= -G_TIME_SPAN_DAY && ahead < 0)
    return g_date_time_format (when, _("Yesterday %H:%M"));
  if (ahead >= 0 && ahead < 7 * G_TIME_SPAN_DAY)
    return g_date_time_format (when, _("%a %H:%M"));

  return g_date_time_format (when, _("%-d %b %H:%M"));
}

char *
hd_format_assignee (const char *name)
{
  return g_strdup (name != NULL ? name : _("Unassigned"));
}
