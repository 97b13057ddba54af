/* hd-sidebar.h — the views of the ticket list, with live counts, and the knowledge base
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-assign-menu.h"
#include "hd-store.h"

G_BEGIN_DECLS

/* In the order the sidebar lists them. */
typedef enum {
  HD_VIEW_MINE,
  HD_VIEW_UNASSIGNED,
  HD_VIEW_AT_RISK,       /* SLA deadline near or past */
  HD_VIEW_OPEN,
  HD_VIEW_PENDING,
  HD_VIEW_RESOLVED,
  HD_VIEW_MY_REQUESTS,   /* requesters only */
  HD_VIEW_CLOSED,
  HD_N_VIEWS,
  HD_VIEW_MEMBER = HD_N_VIEWS,  /* one of the team: see hd_sidebar_get_member() */
  HD_VIEW_KNOWLEDGE_BASE,       /* articles, not tickets */
} HdView;

#define HD_TYPE_SIDEBAR (hd_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (HdSidebar, hd_sidebar, HD, SIDEBAR, GtkWidget)

GtkWidget  *hd_sidebar_new          (void);
void        hd_sidebar_set_person   (HdSidebar      *self,
                                     HdPerson       *me);
HdView      hd_sidebar_get_view     (HdSidebar      *self);
void        hd_sidebar_set_view     (HdSidebar      *self,
                                     HdView          view);
void        hd_sidebar_set_count    (HdSidebar      *self,
                                     HdView          view,
                                     guint           count);
void        hd_sidebar_set_team     (HdSidebar      *self,
                                     HdWorkload     *workload);
HdPerson   *hd_sidebar_get_member   (HdSidebar      *self);
void        hd_view_get_filter      (HdView          view,
                                     HdPerson       *me,
                                     HdTicketFilter *filter);
const char *hd_view_get_title       (HdView          view);
const char *hd_view_get_empty_text  (HdView          view);

G_END_DECLS
