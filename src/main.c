/* main.c — the helpdesk executable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "hd-application.h"
#include "hd-resources.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HdApplication) app = NULL;

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
