/* hd-sla-reference.h — a ticket's SLA clocks counted the plain way, for the
 * differential tests
 *
 * hd_sla_compute()'s rules walked stretch by stretch on the day-by-day
 * business time of hd-calendar-reference.h, so that the engine's own way
 * of counting can be compared with it on random ticket histories.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-sla.h"

G_BEGIN_DECLS

void  hd_ref_sla_compute  (const HdSlaPolicy *policy,
                           HdCalendar        *cal,
                           const HdSlaTicket *ticket,
                           gint64             now,
                           HdSlaResult       *result);

G_END_DECLS
