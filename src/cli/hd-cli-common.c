/* hd-cli-common.c — what every command group of helpdesk-cli shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hd-cli-common.h"
#include "hd-validate.h"

static char *db_option;
static const HdCliCommand *running;  /* the command main() runs */

static const GOptionEntry db_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option,
    N_("The helpdesk file (default: $HELPDESK_DB, else the per-user one)"), N_("FILE") },
  { NULL }
};

/* Running a command */

/* --db as given before the command; a command's own --db replaces it. */
void
hd_cli_set_db_option (const char *path)
{
  g_free (db_option);
  db_option = g_strdup (path);
}

/* --db, or %NULL when it was not given. */
const char *
hd_cli_get_db_option (void)
{
  return db_option;
}

int
hd_cli_run (const HdCliCommand  *command,
            char               **args)
{
  running = command;
  return command->run (command, args);
}

/* The file, and what to say when it is damaged */

/* --db, else $HELPDESK_DB, else the per-user default. */
char *
hd_cli_db_path (void)
{
  return db_option != NULL ? g_strdup (db_option) : hd_store_default_path ();
}

/* A word the shell reads back as @text: quoted only when it has to be. */
char *
hd_cli_shell_word (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("@%_+=:,./-", *p) == NULL)
      return g_shell_quote (text);

  return text[0] != '\0' ? g_strdup (text) : g_shell_quote (text);
}

/* For a damaged file: one line naming its newest good backup and the
 * command that puts it back, or %NULL when there is none. */
char *
hd_cli_last_good_backup_hint (const char *path)
{
  g_autofree char *backup = hd_store_find_last_good_backup (path, NULL);
  g_autofree char *quoted_backup = NULL;
  g_autofree char *quoted_db = NULL;

  if (backup == NULL)
    return NULL;

  quoted_backup = hd_cli_shell_word (backup);
  if (db_option == NULL)
    return g_strdup_printf (_("the last good backup is %s; restore it with: helpdesk-cli restore %s"),
                            backup, quoted_backup);

  quoted_db = hd_cli_shell_word (db_option);
  return g_strdup_printf (_("the last good backup is %s; restore it with: helpdesk-cli --db %s restore %s"),
                          backup, quoted_db, quoted_backup);
}

/* Whether an error from opening @path may mean the file itself is damaged:
 * not a damaged locking record beside it, which a backup does not fix. */
gboolean
hd_cli_may_be_damaged (const char   *path,
                       const GError *error)
{
  g_autofree char *record = NULL;
  g_autofree char *text = NULL;
  HdLocking locking;

  if (!g_error_matches (error, HD_ERROR, HD_ERROR_CORRUPT) &&
      !g_error_matches (error, HD_ERROR, HD_ERROR_NOT_HELPDESK))
    return FALSE;

  record = hd_store_locking_path (path);
  return !g_file_get_contents (record, &text, NULL, NULL) ||
         hd_locking_from_string (text, &locking);
}

/* Errors */

static int
exit_code_for (const GError *error)
{
  if (error->domain != HD_ERROR)
    return HD_CLI_EXIT_UNUSABLE;

  switch ((HdError) error->code)
    {
    case HD_ERROR_NOT_FOUND: return HD_CLI_EXIT_NOT_FOUND;
    case HD_ERROR_CONFLICT: return HD_CLI_EXIT_CONFLICT;
    case HD_ERROR_PERMISSION_DENIED: return HD_CLI_EXIT_DENIED;
    case HD_ERROR_INVALID_INPUT:
    case HD_ERROR_EXISTS: return HD_CLI_EXIT_USAGE;
    case HD_ERROR_FAILED:
    case HD_ERROR_NOT_HELPDESK:
    case HD_ERROR_NEWER_VERSION:
    case HD_ERROR_READ_ONLY:
    case HD_ERROR_BUSY:
    case HD_ERROR_DISK_FULL:
    case HD_ERROR_CORRUPT:
    case HD_ERROR_WRONG_LOCKING:
    case HD_ERROR_LOCKING_CHANGED:
    default: return HD_CLI_EXIT_UNUSABLE;
    }
}

/* For damage a command met in the pages it read: one line with the
 * command that reads the whole file. Not for the commands that read all
 * of it themselves; their errors say what to do. */
static char *
check_hint (void)
{
  static const char * const whole_file[] = { "check", "backup", "reindex", "restore", NULL };
  g_autofree char *quoted_db = NULL;

  if (running != NULL && running->group == NULL &&
      g_strv_contains (whole_file, running->name))
    return NULL;
  if (db_option == NULL)
    return g_strdup (_("see what is damaged with: helpdesk-cli check"));

  quoted_db = hd_cli_shell_word (db_option);
  return g_strdup_printf (_("see what is damaged with: helpdesk-cli --db %s check"), quoted_db);
}

/* When the file is damaged, a line names the check (check_hint()), and
 * one its newest good backup and the command that puts it back. */
int
hd_cli_fail (const GError *error)
{
  g_autofree char *path = hd_cli_db_path ();
  g_autofree char *check = NULL;
  g_autofree char *hint = NULL;

  g_printerr ("helpdesk-cli: %s\n", error->message);
  if (!hd_cli_may_be_damaged (path, error))
    return exit_code_for (error);

  if (g_error_matches (error, HD_ERROR, HD_ERROR_CORRUPT) && (check = check_hint ()) != NULL)
    g_printerr ("helpdesk-cli: %s\n", check);
  if ((hint = hd_cli_last_good_backup_hint (path)) != NULL)
    g_printerr ("helpdesk-cli: %s\n", hint);
  return exit_code_for (error);
}

/* "helpdesk-cli ticket new", "helpdesk-cli init" */
static char *
command_line_name (const HdCliCommand *command)
{
  if (command->group == NULL)
    return g_strconcat ("helpdesk-cli ", command->name, NULL);

  return g_strconcat ("helpdesk-cli ", command->group, " ", command->name, NULL);
}

/* One line: what is wrong, and where to read how to do it right. */
int
hd_cli_usage_error (const HdCliCommand *command,
                    const char         *message)
{
  g_autofree char *full = command_line_name (command);
  g_autofree char *text = g_strstrip (g_strdup (message));
  gboolean ends_sentence = text[0] != '\0' && strchr (".!?", text[strlen (text) - 1]) != NULL;

  /* GOption's own messages end without a full stop. */
  g_printerr (_("%s: %s%s Run “%s --help” for how to use it.\n"), full, text,
              ends_sentence ? "" : ".", full);
  return HD_CLI_EXIT_USAGE;
}

/* Arguments */

/* Parses @args (after the command words) with @entries plus --db, and
 * checks that exactly @n_positional words remain. */
gboolean
hd_cli_parse (const HdCliCommand   *command,
              const GOptionEntry   *entries,
              char                **args,
              guint                 n_positional,
              char               ***positional,
              int                  *status)
{
  g_autofree char *full = command_line_name (command);
  g_autoptr(GOptionContext) context = g_option_context_new (command->parameters);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  GStrvBuilder *builder = g_strv_builder_new ();

  /* --help prints "Usage: helpdesk-cli ticket new [OPTION…]". */
  g_set_prgname (full);
  g_strv_builder_add (builder, full);
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, db_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (context, &argv, &error))
    {
      *status = hd_cli_usage_error (command, error->message);
      return FALSE;
    }

  if (g_strv_length (argv) != n_positional + 1)
    {
      *status = hd_cli_usage_error (command, g_strv_length (argv) < n_positional + 1
                                               ? _("Missing arguments.")
                                               : _("Too many arguments."));
      return FALSE;
    }

  if (positional != NULL)
    *positional = g_strdupv (argv + 1);
  return TRUE;
}

/* A ticket number as people write it, "12" or "#12"; strictly decimal, so
 * that "012" or "0x1" never names another ticket than the one meant. */
gboolean
hd_cli_parse_number (const HdCliCommand *command,
                     const char         *text,
                     gint64             *number,
                     int                *status)
{
  if (text[0] == '#')
    text++;

  if (!hd_parse_decimal (text, 1, G_MAXINT64, number))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a ticket number."), text);

      *status = hd_cli_usage_error (command, message);
      return FALSE;
    }

  return TRUE;
}

/* Number options are taken as text and read here: GOption's own would
 * take "0x10" as 16 and " 1", "+1" or "-1" as numbers. @text is %NULL
 * when the option was not given, and @value keeps its default. */
gboolean
hd_cli_parse_option_number (const HdCliCommand *command,
                            const char         *option,
                            const char         *text,
                            gint64              min,
                            gint64              max,
                            gint64             *value,
                            int                *status)
{
  g_autofree char *message = NULL;

  if (text == NULL || hd_parse_decimal (text, min, max, value))
    return TRUE;

  /* "1 to 2147483647" says less than "1 or more". */
  if (max >= G_MAXINT)
    message = g_strdup_printf (_("%s takes a number of %" G_GINT64_FORMAT " or more, in digits only, not “%s”."),
                               option, min, text);
  else
    message = g_strdup_printf (_("%s takes a number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ", in digits only, not “%s”."),
                               option, min, max, text);
  *status = hd_cli_usage_error (command, message);
  return FALSE;
}

gboolean
hd_cli_parse_enum (const HdCliCommand *command,
                   GType               type,
                   const char         *what,
                   const char         *nick,
                   int                *value,
                   int                *status)
{
  g_autoptr(GEnumClass) klass = NULL;
  g_autoptr(GString) valid = NULL;
  g_autofree char *message = NULL;

  if (hd_enum_from_nick (type, nick, value))
    return TRUE;

  klass = g_type_class_ref (type);
  valid = g_string_new (NULL);
  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (valid, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);

  message = g_strdup_printf (_("Unknown %s “%s”; use one of: %s."), what, nick, valid->str);
  *status = hd_cli_usage_error (command, message);
  return FALSE;
}

/* Reads text for a description, reply or article from a file or standard
 * input ("-"): at most the size the file accepts, from a regular file
 * only, and refusing binary data and invalid UTF-8. It happens before the
 * helpdesk file is opened, so a refusal has changed nothing. */
char *
hd_cli_read_text_file (const char  *path,
                       const char  *field,
                       GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  contents = hd_read_text_input (field, path, HD_MAX_BODY_BYTES, &length, &local_error);
  if (contents != NULL && hd_validate_bytes (field, contents, length, &local_error))
    return g_steal_pointer (&contents);

  g_set_error (error, local_error->domain, local_error->code, "%s %s", local_error->message,
               _("Nothing was changed."));
  return NULL;
}

gboolean
hd_cli_pick_text (const char  *inline_text,
                  const char  *file,
                  const char  *field,
                  char       **out,
                  GError     **error)
{
  if (inline_text != NULL && file != NULL)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Give %s either inline or from a file, not both."), field);
      return FALSE;
    }

  if (file != NULL)
    {
      *out = hd_cli_read_text_file (file, field, error);
      return *out != NULL;
    }

  *out = g_strdup (inline_text);
  return TRUE;
}

HdStore *
hd_cli_open_store_full (HdStoreOpenFlags   flags,
                        GError           **error)
{
  g_autofree char *path = hd_cli_db_path ();

  return hd_store_open_full (path, NULL, flags, error);
}

HdStore *
hd_cli_open_store (GError **error)
{
  return hd_cli_open_store_full (HD_STORE_OPEN_DEFAULT, error);
}

/* Commands that change the file open it as reading commands do, without
 * reading all of it first (seconds on a file of a million tickets, for
 * every command a script runs): SQLite
 * checks each page a command reads or writes, and a command that meets
 * damage stops with its transaction rolled back; hd_cli_fail() then points to
 * "check", which reads the whole file. restore and reindex, which work
 * on the whole file anyway, make sure of it first. */
HdStore *
hd_cli_open_store_verified (GError **error)
{
  return hd_cli_open_store_full (HD_STORE_OPEN_VERIFY, error);
}
