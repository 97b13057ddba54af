/* hd-renderer.h — which of GTK's renderers the window draws with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *hd_renderer_for_machine (const char *dri_dir);
void        hd_renderer_choose      (void);

G_END_DECLS
