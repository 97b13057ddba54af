/* hd-notifier.h — desktop notifications for a person's alerts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-alert.h"

G_BEGIN_DECLS

#define HD_TYPE_NOTIFIER (hd_notifier_get_type ())

G_DECLARE_FINAL_TYPE (HdNotifier, hd_notifier, HD, NOTIFIER, GObject)

HdNotifier *hd_notifier_new  (GApplication *application);
gboolean    hd_notifier_show (HdNotifier   *self,
                              HdAlert      *alert,
                              GError      **error);

G_END_DECLS
