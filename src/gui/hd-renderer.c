/* hd-renderer.c — which of GTK's renderers the window draws with
 *
 * GTK 4.8 draws with OpenGL wherever an OpenGL context can be made, and on
 * a computer without a graphics processor (a virtual machine, a thin
 * client, a remote desktop) Mesa makes one anyway with its software
 * rasterizer, llvmpipe. llvmpipe offers no buffer age, so every frame is
 * drawn whole; measured with tests/bench/bench-window under Xvfb, GTK's
 * OpenGL renderer on llvmpipe takes ~80 MiB more than its cairo renderer
 * for the same window (202 against 118 MiB with one ticket) and a sort of
 * the ticket list waits for one or two 30 ms frames (p95 124 ms against
 * 16 ms on a one-ticket file). Such a desk is better served by cairo.
 *
 * A graphics processor the kernel drives has a render node,
 * /dev/dri/renderD*; where there is none, OpenGL could only be software,
 * and Helpdesk asks GTK for cairo. A renderer the person chose with
 * GSK_RENDERER is always kept. The choice is made in main(), before any
 * thread starts, because it is an environment variable GTK reads when it
 * makes each window's renderer; programs Helpdesk opens files with inherit
 * it, which on such a computer suits them too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-renderer.h"

/**
 * hd_renderer_for_machine:
 * @dri_dir: the folder of the kernel's graphics devices, `/dev/dri`
 *
 * Returns: (nullable): "cairo" when @dri_dir holds no render node, so
 *   that OpenGL could only be drawn in software; %NULL to leave the
 *   choice to GTK
 */
const char *
hd_renderer_for_machine (const char *dri_dir)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (dri_dir != NULL, NULL);

  dir = g_dir_open (dri_dir, 0, NULL);
  if (dir == NULL)
    return "cairo";
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return NULL;
  return "cairo";
}

/**
 * hd_renderer_choose:
 *
 * Asks GTK for cairo on a computer without a graphics processor, unless
 * GSK_RENDERER already names a renderer. Call before GTK starts and
 * before any thread does.
 */
void
hd_renderer_choose (void)
{
  const char *renderer;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  renderer = hd_renderer_for_machine ("/dev/dri");
  if (renderer != NULL)
    g_setenv ("GSK_RENDERER", renderer, FALSE);
}
