/* hd-autostart.h — starting Helpdesk in the background at login
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the login starts: the application, without a window. */
#define HD_AUTOSTART_COMMAND "helpdesk --background"

gboolean  hd_autostart_uses_portal (void);
char     *hd_autostart_dup_path    (void);
void      hd_autostart_set_async   (gboolean              enabled,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  hd_autostart_set_finish  (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
