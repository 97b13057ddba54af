/* hd-format.h — how tickets' values read in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hd-store.h"

G_BEGIN_DECLS

char *hd_format_number   (gint64      number);
char *hd_format_time     (gint64      usec,
                          gint64      now_usec);
char *hd_format_deadline (gint64      usec,
                          gint64      now_usec);
char *hd_format_assignee (const char *name);

G_END_DECLS
