/* hd-alert-watcher.h — a person's alerts from one helpdesk file, shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-notifier.h"

G_BEGIN_DECLS

#define HD_TYPE_ALERT_WATCHER (hd_alert_watcher_get_type ())

G_DECLARE_FINAL_TYPE (HdAlertWatcher, hd_alert_watcher, HD, ALERT_WATCHER, GObject)

/* Minutes in a day: quiet hours and their bounds are minutes from midnight. */
#define HD_MINUTES_PER_DAY (24 * 60)

HdAlertWatcher *hd_alert_watcher_new             (const char     *path,
                                                  const char     *login,
                                                  HdNotifier     *notifier);
const char     *hd_alert_watcher_get_path        (HdAlertWatcher *self);
const char     *hd_alert_watcher_get_login       (HdAlertWatcher *self);
void            hd_alert_watcher_set_quiet_hours (HdAlertWatcher *self,
                                                  int             start,
                                                  int             end);
void            hd_alert_watcher_check_now       (HdAlertWatcher *self);

guint           hd_alert_watcher_interval        (void);

gboolean        hd_quiet_hours_contain           (int             start,
                                                  int             end,
                                                  int             minute);
gboolean        hd_quiet_hours_parse             (const char     *text,
                                                  int            *start,
                                                  int            *end);

G_END_DECLS
