/* hd-store-monitor.h — what changed in a helpdesk file, whoever changed it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-error.h"

G_BEGIN_DECLS

/**
 * HdChange:
 * @seq: the change_log sequence number; later changes have larger ones
 * @table: "tickets" or "people"
 * @row: the ticket number or the person's id
 * @kind: for tickets "created", "updated", "status", "assigned" or
 *   "comment"; for people "created" or "updated"
 * @actor: (nullable): the login of who made the change, %NULL when the file
 *   does not say (written by another tool)
 *
 * One row of the file's change_log.
 */
typedef struct {
  guint64  seq;
  char    *table;
  gint64   row;
  char    *kind;
  char    *actor;
} HdChange;

#define HD_TYPE_CHANGE (hd_change_get_type ())

GType     hd_change_get_type (void) G_GNUC_CONST;
HdChange *hd_change_new      (guint64         seq,
                              const char     *table,
                              gint64          row,
                              const char     *kind,
                              const char     *actor);
HdChange *hd_change_copy     (const HdChange *change);
void      hd_change_free     (HdChange       *change);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdChange, hd_change_free)

#define HD_TYPE_STORE_MONITOR (hd_store_monitor_get_type ())

G_DECLARE_FINAL_TYPE (HdStoreMonitor, hd_store_monitor, HD, STORE_MONITOR, GObject)

#define HD_STORE_MONITOR_DEFAULT_INTERVAL_MS 250

HdStoreMonitor *hd_store_monitor_new          (const char     *path,
                                               const char     *login);
void            hd_store_monitor_set_interval (HdStoreMonitor *self,
                                               guint           msec);
void            hd_store_monitor_poll_now     (HdStoreMonitor *self);
guint64         hd_store_monitor_get_last_seq (HdStoreMonitor *self);
gboolean        hd_store_monitor_is_healthy   (HdStoreMonitor *self);
guint           hd_store_monitor_get_n_polls  (HdStoreMonitor *self,
                                               guint          *locked);

G_END_DECLS
