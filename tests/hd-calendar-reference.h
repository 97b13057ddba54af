/* hd-calendar-reference.h — business time counted the plain way, for the
 * differential tests
 *
 * The engine's rules (hd-calendar.h) written as directly as they read: one
 * local day at a time, each day's working intervals turned into instants
 * with a GTimeZone lookup per bound, the days' spans visited in order. It
 * is slow on purpose and shares no code with the engine, so the engine's
 * faster way of counting can be compared with it on many random
 * calendars, zones and instants.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-calendar.h"

G_BEGIN_DECLS

gint64  hd_ref_next_working       (HdCalendar *cal,
                                   gint64      instant);
gint64  hd_ref_add_business_usec  (HdCalendar *cal,
                                   gint64      start,
                                   gint64      usec);
gint64  hd_ref_business_usec      (HdCalendar *cal,
                                   gint64      from,
                                   gint64      to);

G_END_DECLS
