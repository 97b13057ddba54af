/* hd-assign-menu.h — the technicians a ticket can go to, with their load
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-store.h"

G_BEGIN_DECLS

typedef struct {
  GPtrArray *staff;     /* HdPerson: active technicians and dispatchers */
  GArray    *workload;  /* guint: open tickets of each */
  GArray    *at_risk;   /* guint: of those, at or past their SLA warning now */
} HdWorkload;

HdWorkload *hd_workload_load (HdStore     *store,
                              GError     **error);
void        hd_workload_free (HdWorkload  *workload);
gboolean    hd_workload_equal (HdWorkload *a,
                               HdWorkload *b);
char       *hd_workload_describe        (HdWorkload *workload,
                                         guint       index);
char       *hd_workload_describe_counts (HdWorkload *workload,
                                         guint       index);
GMenu      *hd_assign_menu_new (HdWorkload *workload,
                                const char *action);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdWorkload, hd_workload_free)

G_END_DECLS
