/* hd-cli-mail.c — helpdesk-cli mail: handed to helpdesk-cli-mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "hd-cli-common.h"
#include "hd-cli-mail.h"

/* The tool beside this executable (a build folder, or the same bin
 * folder), else the installed one. */
static char *
tool_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, HD_CLI_MAIL_TOOL, NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  return g_build_filename (LIBEXECDIR, HD_CLI_MAIL_TOOL, NULL);
}

static int
run_in_mail_tool (const HdCliCommand  *command,
                  char               **args)
{
  g_autofree char *path = tool_path ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;

  g_strv_builder_add (builder, path);
  if (hd_cli_get_db_option () != NULL)
    g_strv_builder_addv (builder, (const char *[]) { "--db", hd_cli_get_db_option (), NULL });
  g_strv_builder_addv (builder, (const char *[]) { command->group, command->name, NULL });
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);

  execv (path, argv);
  g_printerr (_("helpdesk-cli: cannot run %s: %s\n"), path, g_strerror (errno));
  return HD_CLI_EXIT_UNUSABLE;
}

const HdCliCommand hd_cli_mail_commands[] = {
  { "mail", "import", "FILE", run_in_mail_tool, HD_CLI_MAIL_IMPORT_SUMMARY },
  { "mail", "template", "list | show NAME | set NAME | reset NAME | preview NAME NUMBER",
    run_in_mail_tool, HD_CLI_MAIL_TEMPLATE_SUMMARY },
  { "mail", "alerts", "LOGIN", run_in_mail_tool, HD_CLI_MAIL_ALERTS_SUMMARY },
  { "mail", "account", "set|show|test", run_in_mail_tool, HD_CLI_MAIL_ACCOUNT_SUMMARY },
  { "mail", "fetch", "", run_in_mail_tool, HD_CLI_MAIL_FETCH_SUMMARY },
  { "mail", "send", "", run_in_mail_tool, HD_CLI_MAIL_SEND_SUMMARY },
  { "mail", "queue", "", run_in_mail_tool, HD_CLI_MAIL_QUEUE_SUMMARY },
  { NULL }
};
