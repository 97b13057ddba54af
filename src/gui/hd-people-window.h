/* hd-people-window.h — the dispatcher manages people and their tiers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-stack-window.h"

#include "hd-store.h"

G_BEGIN_DECLS

#define HD_TYPE_PEOPLE_WINDOW (hd_people_window_get_type ())

G_DECLARE_FINAL_TYPE (HdPeopleWindow, hd_people_window, HD, PEOPLE_WINDOW, HdStackWindow)

GtkWidget *hd_people_window_new (GtkWindow *parent,
                                 HdStore   *store);

G_END_DECLS
