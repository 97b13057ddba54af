/* hd-window.h — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-application.h"
#include "hd-store.h"
#include "hd-ticket-list.h"

G_BEGIN_DECLS

#define HD_TYPE_WINDOW (hd_window_get_type ())

G_DECLARE_FINAL_TYPE (HdWindow, hd_window, HD, WINDOW, AdwApplicationWindow)

HdWindow   *hd_window_new          (HdApplication *application,
                                    GSettings     *settings);
void        hd_window_open_file    (HdWindow      *self,
                                    const char    *path);
void        hd_window_open_default (HdWindow      *self);
void        hd_window_restore      (HdWindow      *self,
                                    const char    *backup);
const char *hd_window_get_path     (HdWindow      *self);
HdStore    *hd_window_get_store    (HdWindow      *self);
HdTicketList *hd_window_get_ticket_list (HdWindow *self);
GtkWidget  *hd_window_get_ticket_view (HdWindow   *self);
void        hd_window_show_ticket  (HdWindow      *self,
                                    gint64         number);

G_END_DECLS
