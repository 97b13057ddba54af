/* hd-cli.c — helpdesk-cli, the command-line tool over the core
 *
 * Every rule lives in the core; the commands parse arguments, call the
 * store and print. This file finds the command that the words name and
 * runs it, and prints the help that lists them; each group of commands
 * is a file of its own (hd-cli-ticket.c, hd-cli-kb.c, …) and what they
 * share is in hd-cli-common.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "hd-cli-common.h"

/* The command groups, in the order "helpdesk-cli --help" lists them.
 *
 * To add a group, say "mail": write hd-cli-mail.c with its commands and
 * their table,
 *
 *   const HdCliCommand hd_cli_mail_commands[] = {
 *     { "mail", "fetch", "", cmd_mail_fetch, N_("Fetch new mail once.") },
 *     …
 *     { NULL }
 *   };
 *
 * declare the table beside the others in hd-cli-common.h, add one line
 * for it here, and add the file to src/cli/meson.build and to
 * po/POTFILES.in. Its commands, "helpdesk-cli mail --help" and its place
 * in "helpdesk-cli --help" follow from the table. */
static const HdCliCommand * const groups[] = {
  hd_cli_init_commands,
  hd_cli_person_commands,
  hd_cli_ticket_commands,
  hd_cli_attachment_commands,
  hd_cli_sla_commands,
  hd_cli_kb_commands,
  hd_cli_alerts_commands,
  hd_cli_mail_commands,
  hd_cli_file_commands,
};

/* The @n-th command of all the groups, or %NULL past the last. */
static const HdCliCommand *
nth_command (guint n)
{
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    for (const HdCliCommand *c = groups[i]; c->name != NULL; c++)
      if (n-- == 0)
        return c;

  return NULL;
}

/* Every command, or those of @group ("ticket") when not %NULL. */
static void
print_commands (FILE       *stream,
                const char *group)
{
  const HdCliCommand *c;

  for (guint i = 0; (c = nth_command (i)) != NULL; i++)
    {
      g_autoptr(GString) words = g_string_new (NULL);

      if (group != NULL && g_strcmp0 (c->group, group) != 0)
        continue;
      if (c->group != NULL)
        g_string_append_printf (words, "%s ", c->group);
      g_string_append (words, c->name);
      if (c->parameters[0] != '\0')
        g_string_append_printf (words, " %s", c->parameters);
      fprintf (stream, "  %-32s %s\n", words->str, _(c->summary));
    }
}

static void
print_help (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: helpdesk-cli [--db FILE] COMMAND [OPTIONS…]"));
  fprintf (stream, "%s\n\n", _("Work with a Helpdesk file from the command line."));
  fprintf (stream, "%s\n", _("Commands:"));
  print_commands (stream, NULL);
  fprintf (stream, "\n%s\n", _("Run “helpdesk-cli COMMAND --help” for a command’s options."));
  fprintf (stream, "%s\n", _("The file is --db FILE, else $HELPDESK_DB, else the per-user default."));
  fprintf (stream, "%s\n", _("You act as your login; $HELPDESK_LOGIN overrides it (tests, administration)."));
}

/* "helpdesk-cli ticket --help": the group's commands. */
static void
print_group_help (FILE       *stream,
                  const char *group)
{
  fprintf (stream, _("Usage: helpdesk-cli [--db FILE] %s COMMAND [OPTIONS…]\n\n"), group);
  fprintf (stream, "%s\n", _("Commands:"));
  print_commands (stream, group);
  fprintf (stream, "\n");
  fprintf (stream, _("Run “helpdesk-cli %s COMMAND --help” for a command’s options.\n"), group);
}

static gboolean
is_group (const char *word)
{
  const HdCliCommand *c;

  for (guint i = 0; (c = nth_command (i)) != NULL; i++)
    if (g_strcmp0 (c->group, word) == 0)
      return TRUE;

  return FALSE;
}

/* The words name no command: the help of a group when asked for, else
 * one line that says where to look. */
static int
no_command (char **args)
{
  const char *next = args[1];

  if (!is_group (args[0]))
    {
      g_printerr (_("helpdesk-cli: unknown command “%s”. Run “helpdesk-cli --help”.\n"), args[0]);
      return HD_CLI_EXIT_USAGE;
    }

  if (next != NULL && next[0] != '-')
    {
      g_printerr (_("helpdesk-cli: unknown command “%s %s”. Run “helpdesk-cli %s --help” for its commands.\n"),
                  args[0], next, args[0]);
      return HD_CLI_EXIT_USAGE;
    }

  /* Only options follow the group, as in "ticket --db FILE --help". */
  if (g_strv_contains ((const char * const *) args, "--help") ||
      g_strv_contains ((const char * const *) args, "-h"))
    {
      print_group_help (stdout, args[0]);
      return HD_CLI_EXIT_OK;
    }

  g_printerr (_("helpdesk-cli: “%s” needs a command. Run “helpdesk-cli %s --help” for its commands.\n"),
              args[0], args[0]);
  return HD_CLI_EXIT_USAGE;
}

static const HdCliCommand *
find_command (char ***args)
{
  const char *first = (*args)[0];
  const char *second = first != NULL ? (*args)[1] : NULL;

  const HdCliCommand *c;

  for (guint i = 0; first != NULL && (c = nth_command (i)) != NULL; i++)
    {
      if (c->group == NULL && g_str_equal (first, c->name))
        {
          *args += 1;
          return c;
        }
      if (c->group != NULL && g_str_equal (first, c->group) && g_strcmp0 (second, c->name) == 0)
        {
          *args += 2;
          return c;
        }
    }

  return NULL;
}

/* Takes --db, --help and --version when they come before the command. */
static gboolean
take_global_options (char ***args,
                     int    *status)
{
  while ((*args)[0] != NULL && (*args)[0][0] == '-')
    {
      const char *arg = (*args)[0];

      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_help (stdout);
          *status = HD_CLI_EXIT_OK;
          return FALSE;
        }
      if (g_str_equal (arg, "--version"))
        {
          g_print ("helpdesk-cli %s\n", PACKAGE_VERSION);
          *status = HD_CLI_EXIT_OK;
          return FALSE;
        }
      if (g_str_equal (arg, "--db") && (*args)[1] == NULL)
        {
          g_printerr (_("helpdesk-cli: --db needs a FILE. Run “helpdesk-cli --help”.\n"));
          *status = HD_CLI_EXIT_USAGE;
          return FALSE;
        }
      if (g_str_equal (arg, "--db"))
        {
          hd_cli_set_db_option ((*args)[1]);
          *args += 2;
        }
      else if (g_str_has_prefix (arg, "--db="))
        {
          hd_cli_set_db_option (arg + strlen ("--db="));
          *args += 1;
        }
      else
        {
          g_printerr (_("helpdesk-cli: unknown option “%s”. Run “helpdesk-cli --help”.\n"), arg);
          *status = HD_CLI_EXIT_USAGE;
          return FALSE;
        }
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  const HdCliCommand *command;
  char **args = argv + 1;
  int status = HD_CLI_EXIT_OK;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!take_global_options (&args, &status))
    return status;

  if (args[0] == NULL)
    {
      print_help (stderr);
      return HD_CLI_EXIT_USAGE;
    }

  command = find_command (&args);
  if (command == NULL)
    {
      status = no_command (args);
      hd_cli_set_db_option (NULL);
      return status;
    }

  status = hd_cli_run (command, args);
  hd_cli_set_db_option (NULL);
  return status;
}
