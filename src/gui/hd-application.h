/* hd-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-alert-watcher.h"
#include "hd-mail-fetcher.h"
#include "hd-notifier.h"

G_BEGIN_DECLS

#define HD_TYPE_APPLICATION (hd_application_get_type ())

G_DECLARE_FINAL_TYPE (HdApplication, hd_application, HD, APPLICATION, AdwApplication)

HdApplication  *hd_application_new          (void);
GSettings      *hd_application_get_settings (HdApplication *self);
HdNotifier     *hd_application_get_notifier (HdApplication *self);

void            hd_application_watch        (HdApplication *self,
                                             const char    *path,
                                             const char    *login);
void            hd_application_unwatch      (HdApplication *self,
                                             GtkWindow     *window);
HdAlertWatcher *hd_application_get_watcher  (HdApplication *self);
HdMailFetcher  *hd_application_dup_fetcher  (HdApplication *self,
                                             const char    *path,
                                             const char    *login);
HdMailFetcher  *hd_application_get_fetcher  (HdApplication *self,
                                             const char    *path);

G_END_DECLS
