/* main.c — the helpdesk executable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "hd-application.h"
#include "hd-renderer.h"
#include "hd-resources.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HdApplication) app = NULL;

#ifdef __GLIBC__
  /* The list's, the counts' and the monitor's threads read the file
   * (SQLite's caches, the numbers of a list) and free it again; with an
   * arena of its own each such thread kept what it had freed, 3-4 MB more
   * with every change another desk made (36 MB after ten, at 100 000
   * tickets). One arena for the main thread, one shared by all others. */
  mallopt (M_ARENA_MAX, 2);
#endif

  /* Before GTK and before any thread: see hd-renderer.c. */
  hd_renderer_choose ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The GUI is a static library: register its resources by hand, or the
   * linker may drop the object that would register them. */
  hd_register_resource ();

  app = hd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
