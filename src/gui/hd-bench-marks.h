/* hd-bench-marks.h — what the window has drawn, for benchmarks
 *
 * Inert unless $HELPDESK_BENCH_MARKS names where to write: a file, or
 * "fd:N" for a descriptor the benchmark passed in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-sidebar.h"
#include "hd-ticket-view.h"

G_BEGIN_DECLS

void hd_bench_marks_watch_window (GtkWindow    *window,
                                  GtkWidget    *ticket_list,
                                  HdTicketView *ticket_view);
void hd_bench_marks_count        (HdView        view,
                                  guint         count);
void hd_bench_marks_event        (const char   *what);

G_END_DECLS
