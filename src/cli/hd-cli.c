/* hd-cli.c — helpdesk-cli, the command-line tool over the core
 *
 * Every rule lives in the core; this file parses arguments, calls the
 * store and prints. Exit codes are part of the interface (see README):
 * 0 done, 1 usage or invalid input, 2 not found, 3 conflict, 4 permission
 * denied, 5 the file cannot be used.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* openat, fdopendir, O_NOFOLLOW */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd-cli-output.h"
#include "hd-enum-types.h"
#include "hd-store.h"
#include "hd-validate.h"

enum {
  EXIT_OK = 0,
  EXIT_USAGE = 1,
  EXIT_NOT_FOUND = 2,
  EXIT_CONFLICT = 3,
  EXIT_DENIED = 4,
  EXIT_UNUSABLE = 5,
};

typedef struct _Command Command;

typedef int (*CommandFunc) (const Command *command,
                            char         **args);

struct _Command
{
  const char  *group;
  const char  *name;
  const char  *parameters;
  CommandFunc  run;
  const char  *summary;
};

static char *opt_db;
static const Command *running;  /* the command main() runs */

static const GOptionEntry db_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db,
    N_("The helpdesk file (default: $HELPDESK_DB, else the per-user one)"), N_("FILE") },
  { NULL }
};

/* The file, and what to say when it is damaged */

/* --db, else $HELPDESK_DB, else the per-user default. */
static char *
db_path (void)
{
  return opt_db != NULL ? g_strdup (opt_db) : hd_store_default_path ();
}

/* A word the shell reads back as @text: quoted only when it has to be. */
static char *
shell_word (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("@%_+=:,./-", *p) == NULL)
      return g_shell_quote (text);

  return text[0] != '\0' ? g_strdup (text) : g_shell_quote (text);
}

/* For a damaged file: one line naming its newest good backup and the
 * command that puts it back, or %NULL when there is none. */
static char *
last_good_backup_hint (const char *path)
{
  g_autofree char *backup = hd_store_find_last_good_backup (path, NULL);
  g_autofree char *quoted_backup = NULL;
  g_autofree char *quoted_db = NULL;

  if (backup == NULL)
    return NULL;

  quoted_backup = shell_word (backup);
  if (opt_db == NULL)
    return g_strdup_printf (_("the last good backup is %s; restore it with: helpdesk-cli restore %s"),
                            backup, quoted_backup);

  quoted_db = shell_word (opt_db);
  return g_strdup_printf (_("the last good backup is %s; restore it with: helpdesk-cli --db %s restore %s"),
                          backup, quoted_db, quoted_backup);
}

/* Whether an error from opening @path may mean the file itself is damaged:
 * not a damaged locking record beside it, which a backup does not fix. */
static gboolean
may_be_damaged (const char   *path,
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
    return EXIT_UNUSABLE;

  switch ((HdError) error->code)
    {
    case HD_ERROR_NOT_FOUND: return EXIT_NOT_FOUND;
    case HD_ERROR_CONFLICT: return EXIT_CONFLICT;
    case HD_ERROR_PERMISSION_DENIED: return EXIT_DENIED;
    case HD_ERROR_INVALID_INPUT:
    case HD_ERROR_EXISTS: return EXIT_USAGE;
    case HD_ERROR_FAILED:
    case HD_ERROR_NOT_HELPDESK:
    case HD_ERROR_NEWER_VERSION:
    case HD_ERROR_READ_ONLY:
    case HD_ERROR_BUSY:
    case HD_ERROR_DISK_FULL:
    case HD_ERROR_CORRUPT:
    case HD_ERROR_WRONG_LOCKING:
    case HD_ERROR_LOCKING_CHANGED:
    default: return EXIT_UNUSABLE;
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
  if (opt_db == NULL)
    return g_strdup (_("see what is damaged with: helpdesk-cli check"));

  quoted_db = shell_word (opt_db);
  return g_strdup_printf (_("see what is damaged with: helpdesk-cli --db %s check"), quoted_db);
}

/* When the file is damaged, a line names the check (check_hint()), and
 * one its newest good backup and the command that puts it back. */
static int
fail (const GError *error)
{
  g_autofree char *path = db_path ();
  g_autofree char *check = NULL;
  g_autofree char *hint = NULL;

  g_printerr ("helpdesk-cli: %s\n", error->message);
  if (!may_be_damaged (path, error))
    return exit_code_for (error);

  if (g_error_matches (error, HD_ERROR, HD_ERROR_CORRUPT) && (check = check_hint ()) != NULL)
    g_printerr ("helpdesk-cli: %s\n", check);
  if ((hint = last_good_backup_hint (path)) != NULL)
    g_printerr ("helpdesk-cli: %s\n", hint);
  return exit_code_for (error);
}

/* "helpdesk-cli ticket new", "helpdesk-cli init" */
static char *
command_line_name (const Command *command)
{
  if (command->group == NULL)
    return g_strconcat ("helpdesk-cli ", command->name, NULL);

  return g_strconcat ("helpdesk-cli ", command->group, " ", command->name, NULL);
}

/* One line: what is wrong, and where to read how to do it right. */
static int
usage_error (const Command *command,
             const char    *message)
{
  g_autofree char *full = command_line_name (command);
  g_autofree char *text = g_strstrip (g_strdup (message));
  gboolean ends_sentence = text[0] != '\0' && strchr (".!?", text[strlen (text) - 1]) != NULL;

  /* GOption's own messages end without a full stop. */
  g_printerr (_("%s: %s%s Run “%s --help” for how to use it.\n"), full, text,
              ends_sentence ? "" : ".", full);
  return EXIT_USAGE;
}

/* Arguments */

/* Parses @args (after the command words) with @entries plus --db, and
 * checks that exactly @n_positional words remain. */
static gboolean
parse (const Command       *command,
       const GOptionEntry  *entries,
       char               **args,
       guint                n_positional,
       char              ***positional,
       int                 *status)
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
      *status = usage_error (command, error->message);
      return FALSE;
    }

  if (g_strv_length (argv) != n_positional + 1)
    {
      *status = usage_error (command, g_strv_length (argv) < n_positional + 1
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
static gboolean
parse_number (const Command *command,
              const char    *text,
              gint64        *number,
              int           *status)
{
  if (text[0] == '#')
    text++;

  if (!hd_parse_decimal (text, 1, G_MAXINT64, number))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a ticket number."), text);

      *status = usage_error (command, message);
      return FALSE;
    }

  return TRUE;
}

/* Number options are taken as text and read here: GOption's own would
 * take "0x10" as 16 and " 1", "+1" or "-1" as numbers. @text is %NULL
 * when the option was not given, and @value keeps its default. */
static gboolean
parse_option_number (const Command *command,
                     const char    *option,
                     const char    *text,
                     gint64         min,
                     gint64         max,
                     gint64        *value,
                     int           *status)
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
  *status = usage_error (command, message);
  return FALSE;
}

static gboolean
parse_enum (const Command *command,
            GType          type,
            const char    *what,
            const char    *nick,
            int           *value,
            int           *status)
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
  *status = usage_error (command, message);
  return FALSE;
}

/* Reads text for a description, reply or article from a file or standard
 * input ("-"): at most the size the file accepts, from a regular file
 * only, and refusing binary data and invalid UTF-8. It happens before the
 * helpdesk file is opened, so a refusal has changed nothing. */
static char *
read_text_file (const char  *path,
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

static gboolean
pick_text (const char  *inline_text,
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
      *out = read_text_file (file, field, error);
      return *out != NULL;
    }

  *out = g_strdup (inline_text);
  return TRUE;
}

static HdStore *
open_store_full (HdStoreOpenFlags   flags,
                 GError           **error)
{
  g_autofree char *path = db_path ();

  return hd_store_open_full (path, NULL, flags, error);
}

static HdStore *
open_store (GError **error)
{
  return open_store_full (HD_STORE_OPEN_DEFAULT, error);
}

/* Commands that change the file open it as reading commands do, without
 * reading all of it first (seconds on a file of a million tickets, for
 * every command a script runs): SQLite
 * checks each page a command reads or writes, and a command that meets
 * damage stops with its transaction rolled back; fail() then points to
 * "check", which reads the whole file. restore and reindex, which work
 * on the whole file anyway, make sure of it first. */
static HdStore *
open_store_verified (GError **error)
{
  return open_store_full (HD_STORE_OPEN_VERIFY, error);
}

/* Commands: init, check, reindex, backup */

static int
cmd_init (const Command  *command,
          char          **args)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *locking_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdLocation) location = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The helpdesk’s name, such as the office’s"),
      N_("NAME") },
    { "locking", 0, 0, G_OPTION_ARG_STRING, &locking_text,
      N_("How every desk locks the file: auto (default: from where it lives), posix or dotfile"),
      N_("METHOD") },
    { NULL }
  };
  HdLocking locking = HD_LOCKING_POSIX;
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status))
    return status;

  path = db_path ();
  location = hd_location_detect (path, NULL);
  if (locking_text == NULL || g_strcmp0 (locking_text, "auto") == 0)
    locking = location != NULL ? hd_location_recommended_locking (location->kind)
                               : HD_LOCKING_DOTFILE;
  else if (!hd_locking_from_string (locking_text, &locking))
    return usage_error (command, _("--locking takes auto, posix or dotfile."));

  if (location != NULL && hd_location_is_unsafe (location->kind))
    g_printerr ("helpdesk-cli: %s\n", hd_location_explain (location->kind));

  store = hd_store_create_full (path, NULL, name != NULL ? name : _("Helpdesk"), locking, &error);
  if (store == NULL)
    return fail (error);

  g_print (_("Created the helpdesk “%s” in %s; %s is its dispatcher.\n"),
           hd_store_get_name (store), path, hd_person_get_login (hd_store_get_me (store)));
  return EXIT_OK;
}

/* "helpdesk-cli [--db FILE] location --set-locking METHOD", as the person
 * typed the file. */
static char *
set_locking_command (HdLocking locking)
{
  g_autofree char *quoted_db = NULL;

  if (opt_db == NULL)
    return g_strconcat ("helpdesk-cli location --set-locking ", hd_locking_to_string (locking),
                        NULL);

  quoted_db = shell_word (opt_db);
  return g_strdup_printf ("helpdesk-cli --db %s location --set-locking %s", quoted_db,
                          hd_locking_to_string (locking));
}

/* Only POSIX where it may not reach the other desks is wrong; dot-files
 * work everywhere, only slower where POSIX would do. */
static void
advise_locking (HdStore          *store,
                const HdLocation *location)
{
  HdLocking recommended = hd_location_recommended_locking (location->kind);
  g_autofree char *command = set_locking_command (recommended);

  if (hd_store_is_locking_unsafe (store))
    g_printerr (_("helpdesk-cli: POSIX locks may not reach the other computers that use the file here, so every change to it is refused until it is switched to dot-file locking (the dispatcher, while no other desk is writing): %s\n"),
                command);
  else if (hd_store_get_locking (store) != recommended)
    g_print (_("\nPOSIX locks would be faster here; the dispatcher can switch to them, while no other desk is writing, with: %s\n"),
             command);
}

static int
switch_locking (HdStore   *store,
                HdLocking  locking)
{
  g_autoptr(GError) error = NULL;

  /* POSIX where it is wrong is not "already" right: the core refuses it. */
  if (hd_store_get_locking (store) == locking && hd_store_is_locking_current (store, NULL) &&
      !hd_store_is_locking_unsafe (store))
    {
      g_print (_("“%s” is locked with “%s” already; nothing was changed.\n"),
               hd_store_get_path (store), hd_locking_to_string (locking));
      return EXIT_OK;
    }

  if (!hd_store_set_locking (store, locking, &error))
    return fail (error);

  g_print (_("“%s” is now locked with “%s”. A desk that has it open refuses its next change until it opens the file again; the window does that by itself.\n"),
           hd_store_get_path (store), hd_locking_to_string (locking));
  return EXIT_OK;
}

static int
cmd_location (const Command  *command,
              char          **args)
{
  g_autofree char *path = NULL;
  g_autofree char *set_locking = NULL;
  g_autoptr(HdLocation) location = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "set-locking", 0, 0, G_OPTION_ARG_STRING, &set_locking,
      N_("Switch how every desk locks the file: dotfile or posix (the dispatcher, while no other desk is writing)"),
      N_("METHOD") },
    { NULL }
  };
  HdLocking locking = HD_LOCKING_DOTFILE;
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status))
    return status;
  if (set_locking != NULL && !hd_locking_from_string (set_locking, &locking))
    return usage_error (command, _("--set-locking takes dotfile or posix."));

  path = db_path ();
  location = hd_location_detect (path, &error);
  if (location == NULL)
    return fail (error);

  /* An older file locked the wrong way is upgraded only once switched. */
  store = open_store_full (HD_STORE_OPEN_KEEP_VERSION, &error);
  if (store == NULL)
    return fail (error);

  if (set_locking != NULL)
    return switch_locking (store, locking);

  g_print (_("File:        %s\n"), path);
  g_print (_("File system: %s, mounted at %s\n"), location->fs_type, location->mount_point);
  g_print (_("Locking:     %s (recommended here: %s)\n"),
           hd_locking_to_string (hd_store_get_locking (store)),
           hd_locking_to_string (hd_location_recommended_locking (location->kind)));
  g_print ("\n%s\n", hd_location_explain (location->kind));
  advise_locking (store, location);
  return EXIT_OK;
}

static int
cmd_check (const Command  *command,
           char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  int status = EXIT_OK;

  if (!parse (command, NULL, args, 0, NULL, &status))
    return status;

  store = open_store (&error);
  if (store == NULL || !hd_store_check (store, &problems, &error))
    return fail (error);

  if (hd_store_is_read_only (store))
    g_printerr (_("helpdesk-cli: %s cannot be written here, so the search indexes were only compared with the tickets: SQLite checks them only with write access.\n"),
                hd_store_get_path (store));
  else if (!hd_store_can_write (store))
    g_printerr (_("helpdesk-cli: %s is locked with POSIX locks where they may not reach the other desks, so the search indexes were only compared with the tickets: SQLite checks them only under the write lock.\n"),
                hd_store_get_path (store));
  for (guint i = 0; i < problems->len; i++)
    g_print ("%s\n", (char *) g_ptr_array_index (problems, i));

  if (problems->len > 0)
    {
      g_autofree char *hint = last_good_backup_hint (hd_store_get_path (store));

      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "helpdesk-cli: %s has %u problem. Keep a copy of the file before any repair: “helpdesk-cli reindex” mends a search index; for anything else, restore a backup.\n",
                               "helpdesk-cli: %s has %u problems. Keep a copy of the file before any repair: “helpdesk-cli reindex” mends a search index; for anything else, restore a backup.\n",
                               problems->len),
                  hd_store_get_path (store), problems->len);
      if (hint != NULL)
        g_printerr ("helpdesk-cli: %s\n", hint);
      return EXIT_UNUSABLE;
    }

  g_print (_("%s is sound (schema version %d).\n"), hd_store_get_path (store),
           hd_store_get_schema_version (store));
  return EXIT_OK;
}

static int
cmd_reindex (const Command  *command,
             char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status = EXIT_OK;

  if (!parse (command, NULL, args, 0, NULL, &status))
    return status;

  store = open_store_verified (&error);
  if (store == NULL || !hd_store_rebuild_search_indexes (store, &error))
    return fail (error);

  g_print (_("Rebuilt the search indexes of %s.\n"), hd_store_get_path (store));
  return EXIT_OK;
}

static int
cmd_backup (const Command  *command,
            char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autofree char *written = NULL;
  int status = EXIT_OK;

  if (!parse (command, NULL, args, 1, &positional, &status))
    return status;

  store = open_store (&error);
  if (store == NULL || !hd_store_backup (store, positional[0], &written, &error))
    return fail (error);

  g_print (_("Backed up to %s\n"), written);
  return EXIT_OK;
}

static int
cmd_path (const Command  *command,
          char          **args)
{
  g_autofree char *path = NULL;
  int status = EXIT_OK;

  if (!parse (command, NULL, args, 0, NULL, &status))
    return status;

  path = db_path ();
  g_print ("%s\n", path);
  return EXIT_OK;
}

static int
cmd_restore (const Command  *command,
             char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autofree char *safety = NULL;
  int status = EXIT_OK;

  if (!parse (command, NULL, args, 1, &positional, &status))
    return status;

  store = open_store_verified (&error);
  if (store == NULL)
    {
      g_autofree char *path = db_path ();
      g_autofree char *damaged = NULL;
      g_autoptr(GError) recover_error = NULL;

      /* A damaged file cannot be opened to restore into: replace it,
       * keeping it beside. hd_store_recover() refuses a file that is not
       * damaged, or not a helpdesk's. */
      if (!may_be_damaged (path, error))
        return fail (error);

      if (!hd_store_recover (path, positional[0], &damaged, &recover_error))
        {
          /* Not ours after all: say so as opening it did. */
          if (g_error_matches (error, HD_ERROR, HD_ERROR_NOT_HELPDESK) &&
              g_error_matches (recover_error, HD_ERROR, HD_ERROR_NOT_HELPDESK))
            return fail (error);
          return fail (recover_error);
        }

      g_print (_("Restored %s from %s. The damaged file is kept as %s.\n"), path, positional[0],
               damaged);
      return EXIT_OK;
    }

  if (!hd_store_restore (store, positional[0], &safety, &error))
    return fail (error);

  g_print (_("Restored %s from %s. The file as it was is saved as %s.\n"),
           hd_store_get_path (store), positional[0], safety);
  return EXIT_OK;
}

/* Commands: people */

static int
cmd_person_add (const Command  *command,
                char          **args)
{
  g_autofree char *name = NULL, *email = NULL, *role = NULL;
  g_autofree char *department = NULL, *location = NULL, *tier_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gint64 tier = 0;
  int role_value = HD_ROLE_REQUESTER;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Full name (required)"), N_("NAME") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Email address"), N_("EMAIL") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      N_("requester (default), technician or dispatcher"), N_("ROLE") },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier_text, N_("Support tier 1–3 (technicians)"),
      N_("N") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Department"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Location"), N_("TEXT") },
    { NULL }
  };
  HdPersonDraft draft = { 0 };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_option_number (command, "--tier", tier_text, HD_TIER_MIN, HD_TIER_MAX, &tier,
                            &status))
    return status;
  if (name == NULL)
    return usage_error (command, _("--name is required."));
  if (role != NULL && !parse_enum (command, HD_TYPE_ROLE, _("role"), role, &role_value, &status))
    return status;

  draft.login = positional[0];
  draft.name = name;
  draft.email = email;
  draft.role = role_value;
  draft.tier = (int) tier;
  draft.department = department;
  draft.location = location;

  store = open_store (&error);
  if (store == NULL || (person = hd_store_add_person (store, &draft, &error)) == NULL)
    return fail (error);

  g_print (_("Added %s (%s) as %s.\n"), hd_person_get_login (person), hd_person_get_name (person),
           hd_enum_to_nick (HD_TYPE_ROLE, hd_person_get_role (person)));
  return EXIT_OK;
}

static int
cmd_person_update (const Command  *command,
                   char          **args)
{
  g_autofree char *name = NULL, *email = NULL, *role = NULL, *active = NULL;
  g_autofree char *department = NULL, *location = NULL, *tier_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  HdPersonChanges changes = HD_PERSON_CHANGES_INIT;
  int role_value = HD_ROLE_REQUESTER;
  gint64 tier = 0;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Full name"), N_("NAME") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Email address (\"\" clears it)"),
      N_("EMAIL") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("requester, technician or dispatcher"),
      N_("ROLE") },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier_text, N_("Support tier 1–3"), N_("N") },
    { "active", 0, 0, G_OPTION_ARG_STRING, &active, N_("yes, or no to deactivate"),
      N_("yes|no") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Department"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Location"), N_("TEXT") },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_option_number (command, "--tier", tier_text, HD_TIER_MIN, HD_TIER_MAX, &tier,
                            &status))
    return status;
  if (role != NULL && !parse_enum (command, HD_TYPE_ROLE, _("role"), role, &role_value, &status))
    return status;
  if (active != NULL && g_strcmp0 (active, "yes") != 0 && g_strcmp0 (active, "no") != 0)
    return usage_error (command, _("--active takes yes or no."));

  changes.name = name;
  changes.email = email;
  changes.department = department;
  changes.location = location;
  changes.set_role = role != NULL;
  changes.role = role_value;
  changes.tier = (int) tier;
  changes.active = active == NULL ? -1 : g_strcmp0 (active, "yes") == 0;

  store = open_store (&error);
  if (store == NULL ||
      (person = hd_store_update_person (store, positional[0], &changes, &error)) == NULL)
    return fail (error);

  g_print (_("Updated %s.\n"), hd_person_get_login (person));
  return EXIT_OK;
}

static int
cmd_person_list (const Command  *command,
                 char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status))
    return status;

  store = open_store (&error);
  if (store == NULL || (people = hd_store_list_people (store, &error)) == NULL)
    return fail (error);

  hd_cli_print_people (people, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return EXIT_OK;
}

/* Commands: tickets */

static int
cmd_ticket_new (const Command  *command,
                char          **args)
{
  g_autofree char *title = NULL, *description = NULL, *description_file = NULL;
  g_autofree char *requester = NULL, *priority = NULL, *category = NULL;
  g_autofree char *department = NULL, *location = NULL, *text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  int priority_value = HD_PRIORITY_NORMAL;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("One line that says what is wrong (required)"),
      N_("TEXT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("The details"), N_("TEXT") },
    { "description-file", 0, 0, G_OPTION_ARG_FILENAME, &description_file,
      N_("Read the details from a file, or - for standard input"), N_("FILE") },
    { "requester", 0, 0, G_OPTION_ARG_STRING, &requester,
      N_("Who asks (staff only; default: you)"), N_("LOGIN") },
    { "priority", 0, 0, G_OPTION_ARG_STRING, &priority, N_("low, normal (default), high or urgent"),
      N_("PRIORITY") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("Category"), N_("TEXT") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Department"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Location"), N_("TEXT") },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status))
    return status;
  if (title == NULL)
    return usage_error (command, _("--title is required."));
  if (priority != NULL &&
      !parse_enum (command, HD_TYPE_PRIORITY, _("priority"), priority, &priority_value, &status))
    return status;
  if (!pick_text (description, description_file, _("The description"), &text, &error))
    return fail (error);

  draft.title = title;
  draft.description = text;
  draft.requester = requester;
  draft.priority = priority_value;
  draft.category = category;
  draft.department = department;
  draft.location = location;

  store = open_store (&error);
  if (store == NULL || (ticket = hd_store_create_ticket (store, &draft, &error)) == NULL)
    return fail (error);

  g_print ("%" G_GINT64_FORMAT "\n", hd_ticket_get_number (ticket));
  return EXIT_OK;
}

static gboolean
parse_status_list (const Command *command,
                   const char    *list,
                   guint         *mask,
                   int           *status)
{
  g_auto(GStrv) parts = g_strsplit (list, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      int value;

      if (!parse_enum (command, HD_TYPE_STATUS, _("status"), g_strstrip (parts[i]), &value,
                       status))
        return FALSE;
      *mask |= HD_STATUS_MASK (value);
    }

  return TRUE;
}

/* On a terminal a list is a page unless --limit says otherwise; piped,
 * or as JSON or CSV, it is every ticket. */
#define TERMINAL_PAGE 50

typedef struct {
  HdCliTicketPrinter *printer;
  guint               size;     /* tickets in the page; 0: all */
  gboolean            person;   /* text on a terminal: say when more follow */
  gboolean            more;     /* a ticket after the page was read */
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->printer, hd_cli_ticket_printer_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Page, page_free)

/* An HdTicketFunc: prints the page's tickets, and notes one after it. */
static gboolean
print_in_page (HdTicket *ticket,
               gpointer  user_data)
{
  Page *page = user_data;

  if (page->size > 0 && hd_cli_ticket_printer_get_count (page->printer) == page->size)
    {
      page->more = TRUE;
      return FALSE;
    }

  return hd_cli_ticket_printer_add (ticket, page->printer);
}

/* Writes what the list left to write, and for a person at a terminal how
 * to see more. A reader that went away (a pager quit early) is no error;
 * any other failure to write is. */
static int
finish_page (Page   *page,
             gint64  offset)
{
  int write_errno = hd_cli_ticket_printer_finish (page->printer);
  guint shown = hd_cli_ticket_printer_get_count (page->printer);

  if (write_errno != 0 && write_errno != EPIPE)
    {
      g_printerr (_("helpdesk-cli: the list could not be written: %s\n"),
                  g_strerror (write_errno));
      return EXIT_UNUSABLE;
    }

  if (write_errno == 0 && page->more)
    g_print (_("Tickets %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " are shown, and more follow: add --offset %" G_GINT64_FORMAT " for the next %u, or --limit 0 for all of them.\n"),
             offset + 1, offset + shown, offset + shown, page->size);
  return EXIT_OK;
}

static int
cmd_ticket_list (const Command  *command,
                 char          **args)
{
  g_autofree char *search = NULL;
  g_autofree char *status_list = NULL, *assignee = NULL, *requester = NULL, *sort = NULL;
  g_autofree char *tier_text = NULL, *limit_text = NULL, *offset_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE, csv = FALSE;
  HdTicketFilter filter = { 0 };
  g_auto(Page) page = { 0 };
  gint64 tier = 0, limit = -1, offset = 0;
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_list,
      N_("Only these statuses, comma-separated: new, open, pending, resolved, closed"),
      N_("STATUS") },
    { "assignee", 0, 0, G_OPTION_ARG_STRING, &assignee,
      N_("Only tickets assigned to LOGIN, or none for unassigned ones"), N_("LOGIN|none") },
    { "requester", 0, 0, G_OPTION_ARG_STRING, &requester, N_("Only tickets filed by LOGIN"),
      N_("LOGIN") },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier_text, N_("Only tickets at support tier 1, 2 or 3"),
      N_("N") },
    { "at-risk", 0, 0, G_OPTION_ARG_NONE, &filter.at_risk,
      N_("Only tickets at risk of missing their SLA deadline, or past it"), NULL },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort,
      N_("Order by number (default), title, requester, priority, status, assignee, updated or due"),
      N_("FIELD") },
    { "descending", 0, 0, G_OPTION_ARG_NONE, &filter.descending, N_("Reverse the order"), NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only tickets with these words (or words starting so)"), N_("TEXT") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("Print at most N tickets; 0 prints them all (the default, but for a page of 50 on a terminal)"),
      N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_STRING, &offset_text, N_("Skip the first N tickets"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV (RFC 4180)"), NULL },
    { NULL }
  };
  static const char *const sorts[] = {
    [HD_TICKET_SORT_NUMBER] = "number", [HD_TICKET_SORT_TITLE] = "title",
    [HD_TICKET_SORT_REQUESTER] = "requester", [HD_TICKET_SORT_PRIORITY] = "priority",
    [HD_TICKET_SORT_STATUS] = "status", [HD_TICKET_SORT_ASSIGNEE] = "assignee",
    [HD_TICKET_SORT_UPDATED] = "updated", [HD_TICKET_SORT_DUE] = "due",
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status) ||
      !parse_option_number (command, "--tier", tier_text, HD_TIER_MIN, HD_TIER_MAX, &tier,
                            &status) ||
      !parse_option_number (command, "--limit", limit_text, 0, G_MAXINT32, &limit, &status) ||
      !parse_option_number (command, "--offset", offset_text, 0, G_MAXINT32, &offset, &status))
    return status;
  if (sort != NULL)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (sorts) && g_strcmp0 (sorts[i], sort) != 0; i++)
        ;
      if (i == G_N_ELEMENTS (sorts))
        return usage_error (command, _("--sort takes number, title, requester, priority, status, assignee, updated or due."));
      filter.sort = i;
    }
  if (json && csv)
    return usage_error (command, _("Choose --json or --csv, not both."));
  if (status_list != NULL && !parse_status_list (command, status_list, &filter.status_mask,
                                                 &status))
    return status;

  filter.tier = (int) tier;
  filter.unassigned = g_strcmp0 (assignee, "none") == 0;
  filter.assignee = filter.unassigned ? NULL : assignee;
  filter.requester = requester;
  filter.search = search;

  filter.offset = offset;
  /* Text shows only a summary of each ticket. */
  filter.summary = !json && !csv;
  page.printer = hd_cli_ticket_printer_new (json ? HD_CLI_FORMAT_JSON
                                                 : csv ? HD_CLI_FORMAT_CSV : HD_CLI_FORMAT_TEXT);
  page.person = !json && !csv && isatty (STDOUT_FILENO);
  page.size = limit >= 0 ? limit : page.person ? TERMINAL_PAGE : 0;
  /* One more than the page tells a person whether more follow. */
  filter.limit = page.size > 0 && page.person ? page.size + 1 : page.size;

  /* Printed as read, not held: a list may be a million tickets. */
  store = open_store (&error);
  if (store == NULL || !hd_store_foreach_ticket (store, &filter, print_in_page, &page, &error))
    return fail (error);

  return finish_page (&page, offset);
}

static int
cmd_ticket_show (const Command  *command,
                 char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean json = FALSE;
  gint64 number = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON, with the history as “events”"),
      NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_number (command, positional[0], &number, &status))
    return status;

  store = open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_get_ticket (store, number, &error)) == NULL ||
      (events = hd_store_list_events (store, number, &error)) == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(HdCliJson) writer = hd_cli_json_new (text);

      hd_cli_json_ticket (writer, ticket, events);
      hd_cli_print_json (text);
    }
  else
    hd_cli_print_ticket (ticket, events);

  return EXIT_OK;
}

static int
cmd_ticket_update (const Command  *command,
                   char          **args)
{
  g_autofree char *title = NULL, *description = NULL, *description_file = NULL;
  g_autofree char *priority = NULL, *category = NULL, *department = NULL, *location = NULL;
  g_autofree char *text = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  HdTicketChanges changes = { 0 };
  gint64 number = 0, if_version = 0;
  int priority_value = HD_PRIORITY_NORMAL;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("New title"), N_("TEXT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("New details"), N_("TEXT") },
    { "description-file", 0, 0, G_OPTION_ARG_FILENAME, &description_file,
      N_("Read the details from a file, or - for standard input"), N_("FILE") },
    { "priority", 0, 0, G_OPTION_ARG_STRING, &priority, N_("low, normal, high or urgent"),
      N_("PRIORITY") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("Category (\"\" clears it)"),
      N_("TEXT") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Department (\"\" clears it)"),
      N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Location (\"\" clears it)"),
      N_("TEXT") },
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse (exit 3) if the ticket is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                            &if_version, &status) ||
      !parse_number (command, positional[0], &number, &status))
    return status;
  if (priority != NULL &&
      !parse_enum (command, HD_TYPE_PRIORITY, _("priority"), priority, &priority_value, &status))
    return status;
  if (!pick_text (description, description_file, _("The description"), &text, &error))
    return fail (error);

  changes.title = title;
  changes.description = text;
  changes.category = category;
  changes.department = department;
  changes.location = location;
  changes.set_priority = priority != NULL;
  changes.priority = priority_value;

  store = open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_update_ticket (store, number, if_version, &changes, &error)) == NULL)
    return fail (error);

  g_print (_("Ticket #%" G_GINT64_FORMAT " is at version %" G_GINT64_FORMAT ".\n"),
           number, hd_ticket_get_version (ticket));
  return EXIT_OK;
}

static int
cmd_ticket_assign (const Command  *command,
                   char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gint64 number = 0, if_version = 0;
  const char *assignee;
  const GOptionEntry entries[] = {
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse (exit 3) if the ticket is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 2, &positional, &status) ||
      !parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                            &if_version, &status) ||
      !parse_number (command, positional[0], &number, &status))
    return status;

  assignee = g_strcmp0 (positional[1], "none") == 0 ? NULL : positional[1];
  store = open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_assign_ticket (store, number, if_version, assignee, &error)) == NULL)
    return fail (error);

  if (hd_ticket_get_assignee (ticket) != NULL)
    g_print (_("Ticket #%" G_GINT64_FORMAT " is assigned to %s.\n"), number,
             hd_ticket_get_assignee (ticket));
  else
    g_print (_("Ticket #%" G_GINT64_FORMAT " is unassigned.\n"), number);
  return EXIT_OK;
}

static int
cmd_ticket_status (const Command  *command,
                   char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gint64 number = 0, if_version = 0;
  int value = 0;
  const GOptionEntry entries[] = {
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse (exit 3) if the ticket is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 2, &positional, &status) ||
      !parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                            &if_version, &status) ||
      !parse_number (command, positional[0], &number, &status) ||
      !parse_enum (command, HD_TYPE_STATUS, _("status"), positional[1], &value, &status))
    return status;

  store = open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_set_ticket_status (store, number, if_version, value, &error)) == NULL)
    return fail (error);

  g_print (_("Ticket #%" G_GINT64_FORMAT " is %s.\n"), number,
           hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (ticket)));
  return EXIT_OK;
}

static int
cmd_ticket_comment (const Command  *command,
                    char          **args)
{
  g_autofree char *body = NULL, *body_file = NULL, *text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean internal = FALSE;
  gint64 number = 0;
  const GOptionEntry entries[] = {
    { "body", 0, 0, G_OPTION_ARG_STRING, &body, N_("The text of the reply"), N_("TEXT") },
    { "body-file", 0, 0, G_OPTION_ARG_FILENAME, &body_file,
      N_("Read the reply from a file, or - for standard input"), N_("FILE") },
    { "internal", 0, 0, G_OPTION_ARG_NONE, &internal,
      N_("An internal note that the requester does not see"), NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_number (command, positional[0], &number, &status))
    return status;
  if (body == NULL && body_file == NULL)
    return usage_error (command, _("--body or --body-file is required."));
  if (!pick_text (body, body_file, _("The reply"), &text, &error))
    return fail (error);

  store = open_store (&error);
  if (store == NULL ||
      (event = hd_store_add_comment (store, number, text, internal, &error)) == NULL)
    return fail (error);

  return EXIT_OK;
}

static int
cmd_ticket_escalate (const Command  *command,
                     char          **args)
{
  g_autofree char *note = NULL, *note_file = NULL, *text = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) before = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean down = FALSE;
  gint64 number = 0, if_version = 0;
  int to_tier;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note,
      N_("Why, for the next tier: what was tried, what is needed (required)"), N_("TEXT") },
    { "note-file", 0, 0, G_OPTION_ARG_FILENAME, &note_file,
      N_("Read the note from a file, or - for standard input"), N_("FILE") },
    { "down", 0, 0, G_OPTION_ARG_NONE, &down,
      N_("Return the ticket to the tier below instead"), NULL },
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse (exit 3) if the ticket is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                            &if_version, &status) ||
      !parse_number (command, positional[0], &number, &status))
    return status;
  if (note == NULL && note_file == NULL)
    return usage_error (command, _("--note or --note-file is required."));
  if (!pick_text (note, note_file, _("The escalation note"), &text, &error))
    return fail (error);

  /* The move is one tier from where the ticket is now; if someone moves it
   * meanwhile, the store refuses instead of skipping a tier. */
  store = open_store (&error);
  if (store == NULL || (before = hd_store_get_ticket (store, number, &error)) == NULL)
    return fail (error);

  to_tier = hd_ticket_get_tier (before) + (down ? -1 : 1);
  ticket = hd_store_escalate_ticket (store, number, if_version, to_tier, text, &error);
  if (ticket == NULL)
    return fail (error);

  if (down)
    g_print (_("Ticket #%" G_GINT64_FORMAT " returned to tier %d.\n"), number,
             hd_ticket_get_tier (ticket));
  else if (hd_ticket_get_assignee (before) != NULL && hd_ticket_get_assignee (ticket) == NULL)
    g_print (_("Ticket #%" G_GINT64_FORMAT " escalated to tier %d and unassigned from %s.\n"),
             number, hd_ticket_get_tier (ticket), hd_ticket_get_assignee (before));
  else
    g_print (_("Ticket #%" G_GINT64_FORMAT " escalated to tier %d.\n"), number,
             hd_ticket_get_tier (ticket));
  return EXIT_OK;
}

/* Commands: SLA */

static int
cmd_sla_show (const Command  *command,
              char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdSlaPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean json = FALSE;
  gint64 number = 0;
  gint64 now;
  HdSlaResult result;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON: the state, due time, warning time, business seconds elapsed and target, both clocks and the explanation"),
      NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_number (command, positional[0], &number, &status))
    return status;

  /* One instant for the state and the words. */
  now = g_get_real_time ();
  store = open_store (&error);
  if (store == NULL ||
      !hd_store_get_sla (store, number, now, &result, &policy, &error) ||
      (lines = hd_store_explain_sla (store, number, now, &error)) == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(HdCliJson) writer = hd_cli_json_new (text);

      hd_cli_json_sla (writer, number, policy, &result, lines);
      hd_cli_print_json (text);
    }
  else
    {
      for (guint i = 0; lines[i] != NULL; i++)
        g_print ("%s\n", lines[i]);
    }

  return EXIT_OK;
}

static int
cmd_sla_calendar (const Command  *command,
                  char          **args)
{
  g_autofree char *text = NULL;
  g_autofree char *written = NULL;
  g_autofree char *described = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING, &text,
      N_("Replace the calendar (dispatcher only), such as “tz Europe/Berlin; mon-fri 09:00-17:00; holidays 2026-12-24,2026-12-25”"),
      N_("TEXT") },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status))
    return status;

  if (text != NULL)
    {
      calendar = hd_calendar_new_from_string (text, &error);
      if (calendar == NULL)
        return fail (error);

      store = open_store (&error);
      if (store == NULL || !hd_store_set_calendar (store, calendar, &error))
        return fail (error);
    }
  else
    {
      store = open_store (&error);
      if (store == NULL || (calendar = hd_store_get_calendar (store, &error)) == NULL)
        return fail (error);
    }

  /* The text form first: it is what --set reads back. */
  written = hd_calendar_to_string (calendar);
  described = hd_calendar_describe (calendar);
  g_print ("%s\n%s\n", written, described);
  return EXIT_OK;
}

static gboolean
parse_target (const Command *command,
              const char    *option,
              const char    *text,
              guint         *minutes,
              int           *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (hd_sla_parse_minutes (text, minutes, &error))
    return TRUE;

  message = g_strdup_printf ("%s: %s", option, error->message);
  *status = usage_error (command, message);
  return FALSE;
}

static int
cmd_sla_policy (const Command  *command,
                char          **args)
{
  g_autofree char *category = NULL, *response = NULL, *resolve = NULL, *warn_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean json = FALSE;
  gint64 warn = HD_SLA_DEFAULT_WARN_PERCENT;
  const GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("set, delete: the policy of tickets in this category (default: the priority’s own)"),
      N_("TEXT") },
    { "response", 0, 0, G_OPTION_ARG_STRING, &response,
      N_("set: the first-response target in business time, such as 30min, 4h or 1h30; none for no target (required)"),
      N_("DURATION") },
    { "resolve", 0, 0, G_OPTION_ARG_STRING, &resolve,
      N_("set: the resolution target, likewise (required)"), N_("DURATION") },
    { "warn", 0, 0, G_OPTION_ARG_STRING, &warn_text,
      N_("set: warn at this share of a target, 1–99 % (default 75)"), N_("PERCENT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("list: print JSON"), NULL },
    { NULL }
  };
  const char *action = args[0] != NULL && args[0][0] != '-' ? args[0] : NULL;
  int priority = HD_PRIORITY_NORMAL;
  int status = EXIT_OK;

  if (!parse (command, entries, args, g_strcmp0 (action, "list") == 0 ? 1 : 2, &positional,
              &status))
    return status;

  if (g_str_equal (positional[0], "list"))
    {
      g_autoptr(GPtrArray) rules = NULL;

      store = open_store (&error);
      if (store == NULL || (rules = hd_store_list_sla_rules (store, &error)) == NULL)
        return fail (error);

      hd_cli_print_sla_rules (rules, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
      return EXIT_OK;
    }

  if (!g_str_equal (positional[0], "set") && !g_str_equal (positional[0], "delete"))
    return usage_error (command, _("Say list, set or delete."));
  if (!parse_enum (command, HD_TYPE_PRIORITY, _("priority"), positional[1], &priority, &status))
    return status;

  if (g_str_equal (positional[0], "delete"))
    {
      if (category == NULL)
        return usage_error (command, _("--category is required: only a category’s own policy can be deleted."));

      store = open_store (&error);
      if (store == NULL || !hd_store_delete_sla_rule (store, priority, category, &error))
        return fail (error);

      g_print (_("Deleted the policy for %s tickets in “%s”; they follow the %s policy again.\n"),
               positional[1], category, positional[1]);
      return EXIT_OK;
    }
  else
    {
      g_autoptr(HdSlaPolicy) policy = NULL;
      guint response_minutes = 0, resolve_minutes = 0;

      if (response == NULL || resolve == NULL)
        return usage_error (command, _("--response and --resolve are required."));
      if (!parse_target (command, "--response", response, &response_minutes, &status) ||
          !parse_target (command, "--resolve", resolve, &resolve_minutes, &status) ||
          !parse_option_number (command, "--warn", warn_text, 1, 99, &warn, &status))
        return status;

      policy = hd_sla_policy_new (NULL, response_minutes, resolve_minutes, (guint) warn);
      store = open_store (&error);
      if (store == NULL || !hd_store_set_sla_rule (store, priority, category, policy, &error))
        return fail (error);

      if (category != NULL && category[0] != '\0')
        g_print (_("Set the policy for %s tickets in “%s”.\n"), positional[1], category);
      else
        g_print (_("Set the policy for %s tickets.\n"), positional[1]);
      return EXIT_OK;
    }
}

static int
cmd_sla_recompute (const Command  *command,
                   char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;
  int status = EXIT_OK;

  if (!parse (command, NULL, args, 0, NULL, &status))
    return status;

  store = open_store (&error);
  if (store == NULL || !hd_store_recompute_due (store, &changed, &error))
    return fail (error);

  g_print (g_dngettext (GETTEXT_PACKAGE, "%u deadline changed.\n", "%u deadlines changed.\n",
                        changed), changed);
  return EXIT_OK;
}

/* Commands: alerts */

static int
cmd_alerts (const Command  *command,
            char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *limit_text = NULL;
  gboolean json = FALSE, all = FALSE;
  gint64 limit = 50;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Also the alerts a desktop has shown already"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("At most N alerts, newest first (default 50)"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status) ||
      !parse_option_number (command, "--limit", limit_text, 1, G_MAXINT, &limit, &status))
    return status;

  /* It may store alerts: like every change, only into a sound file. */
  store = open_store (&error);
  if (store == NULL)
    return fail (error);

  /* Whichever client runs computes the deadlines that passed; listing
   * marks nothing delivered, so the desktop still shows them. */
  if (hd_store_can_write (store) && !hd_store_raise_due_alerts (store, 0, NULL, &error))
    return fail (error);

  alerts = hd_store_list_alerts (store, !all, (guint) limit, &error);
  if (alerts == NULL)
    return fail (error);

  hd_cli_print_alerts (alerts, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return EXIT_OK;
}


/* Commands: knowledge base */

static gboolean
parse_article_id (const Command *command,
                  const char    *text,
                  gint64        *id,
                  int           *status)
{
  if (!hd_parse_decimal (text, 1, G_MAXINT64, id))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an article number."), text);

      *status = usage_error (command, message);
      return FALSE;
    }

  return TRUE;
}

/* "a, b,c" → { "a", "b", "c" } */
static char **
split_tags (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }

  return g_strv_builder_end (builder);
}

static int
cmd_kb_add (const Command  *command,
            char          **args)
{
  g_autofree char *title = NULL, *file = NULL, *category = NULL, *tags_text = NULL;
  g_autofree char *body = NULL, *ticket_text = NULL;
  g_auto(GStrv) tags = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  gboolean faq = FALSE;
  gint64 ticket = 0;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The article’s title (required)"), N_("TEXT") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_("The Markdown text (required; - reads standard input)"), N_("FILE") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("Category path such as Hardware/Printers; made when missing"), N_("PATH") },
    { "faq", 0, 0, G_OPTION_ARG_NONE, &faq, N_("Requesters may read it (default: internal)"), NULL },
    { "tags", 0, 0, G_OPTION_ARG_STRING, &tags_text, N_("Tags, separated by commas"), N_("A,B") },
    { "ticket", 0, 0, G_OPTION_ARG_STRING, &ticket_text, N_("Link the new article to this ticket"),
      N_("NUMBER") },
    { NULL }
  };
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status) ||
      !parse_option_number (command, "--ticket", ticket_text, 1, G_MAXINT64, &ticket, &status))
    return status;
  if (title == NULL)
    return usage_error (command, _("--title is required."));
  if (file == NULL)
    return usage_error (command, _("--file is required."));

  body = read_text_file (file, _("The article"), &error);
  if (body == NULL)
    return fail (error);
  tags = split_tags (tags_text);

  draft.title = title;
  draft.body = body;
  draft.category = category;
  draft.tags = (const char * const *) tags;
  draft.visibility = faq ? HD_VISIBILITY_FAQ : HD_VISIBILITY_INTERNAL;
  draft.ticket = ticket;

  store = open_store (&error);
  if (store == NULL || (article = hd_store_add_article (store, &draft, &error)) == NULL)
    return fail (error);

  g_print ("%" G_GINT64_FORMAT "\n", hd_article_get_id (article));
  return EXIT_OK;
}

static int
cmd_kb_update (const Command  *command,
               char          **args)
{
  g_autofree char *title = NULL, *file = NULL, *category = NULL, *tags_text = NULL;
  g_autofree char *body = NULL;
  g_autofree char *if_version_text = NULL;
  g_auto(GStrv) tags = NULL;
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  gboolean faq = FALSE, internal = FALSE;
  gint64 if_version = 0;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("New title"), N_("TEXT") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_("New Markdown text (- reads standard input)"), N_("FILE") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("New category path (\"\" clears it)"), N_("PATH") },
    { "tags", 0, 0, G_OPTION_ARG_STRING, &tags_text,
      N_("Replace the tags (commas between; \"\" clears them)"), N_("A,B") },
    { "faq", 0, 0, G_OPTION_ARG_NONE, &faq, N_("Requesters may read it"), NULL },
    { "internal", 0, 0, G_OPTION_ARG_NONE, &internal, N_("Only staff may read it"), NULL },
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse the change if the article is no longer at version V"), N_("V") },
    { NULL }
  };
  HdArticleChanges changes = { 0 };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                            &if_version, &status) ||
      !parse_article_id (command, positional[0], &id, &status))
    return status;
  if (faq && internal)
    return usage_error (command, _("Give either --faq or --internal, not both."));

  if (file != NULL && (body = read_text_file (file, _("The article"), &error)) == NULL)
    return fail (error);

  changes.title = title;
  changes.body = body;
  changes.category = category;
  if (tags_text != NULL)
    {
      tags = split_tags (tags_text);
      changes.set_tags = TRUE;
      changes.tags = (const char * const *) tags;
    }
  changes.set_visibility = faq || internal;
  changes.visibility = faq ? HD_VISIBILITY_FAQ : HD_VISIBILITY_INTERNAL;

  store = open_store (&error);
  if (store == NULL ||
      (article = hd_store_update_article (store, id, if_version, &changes, &error)) == NULL)
    return fail (error);

  g_print (_("Article %" G_GINT64_FORMAT " is at version %" G_GINT64_FORMAT ".\n"),
           hd_article_get_id (article), hd_article_get_version (article));
  return EXIT_OK;
}

static int
cmd_kb_archive (const Command  *command,
                char          **args)
{
  g_auto(GStrv) positional = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  gboolean restore = FALSE;
  gint64 if_version = 0;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "restore", 0, 0, G_OPTION_ARG_NONE, &restore, N_("Bring an archived article back"), NULL },
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse the change if the article is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                            &if_version, &status) ||
      !parse_article_id (command, positional[0], &id, &status))
    return status;

  store = open_store (&error);
  if (store == NULL ||
      (article = hd_store_set_article_archived (store, id, if_version, !restore, &error)) == NULL)
    return fail (error);

  g_print (restore ? _("Article %" G_GINT64_FORMAT " is back.\n")
                   : _("Article %" G_GINT64_FORMAT " is archived.\n"), id);
  return EXIT_OK;
}

static int
cmd_kb_list (const Command  *command,
             char          **args)
{
  g_autofree char *category = NULL, *tag = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdKbCategory) found = NULL;
  g_autoptr(GPtrArray) articles = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE, archived = FALSE;
  const GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("Only this category and the ones below it"), N_("PATH") },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag, N_("Only articles with this tag"), N_("TAG") },
    { "archived", 0, 0, G_OPTION_ARG_NONE, &archived, N_("Archived articles too"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  HdArticleFilter filter = { 0 };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 0, NULL, &status))
    return status;

  store = open_store (&error);
  if (store == NULL)
    return fail (error);

  if (category != NULL)
    {
      found = hd_store_find_kb_category (store, category, &error);
      if (found == NULL)
        return fail (error);
      filter.category_id = hd_kb_category_get_id (found);
    }
  filter.tag = tag;
  filter.include_archived = archived;

  articles = hd_store_list_articles (store, &filter, &error);
  if (articles == NULL)
    return fail (error);

  hd_cli_print_articles (articles, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return EXIT_OK;
}

static int
cmd_kb_show (const Command  *command,
             char          **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON, with the Markdown as “body” and linked tickets as “tickets”"), NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_article_id (command, positional[0], &id, &status))
    return status;

  store = open_store (&error);
  if (store == NULL ||
      (article = hd_store_get_article (store, id, &error)) == NULL ||
      (tickets = hd_store_list_article_tickets (store, id, &error)) == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(HdCliJson) writer = hd_cli_json_new (text);

      hd_cli_json_begin_object (writer);
      hd_cli_json_article_members (writer, article, TRUE);
      hd_cli_json_member (writer, "tickets");
      hd_cli_json_begin_array (writer);
      for (guint i = 0; i < tickets->len; i++)
        hd_cli_json_int (writer, hd_ticket_get_number (g_ptr_array_index (tickets, i)));
      hd_cli_json_end_array (writer);
      hd_cli_json_end_object (writer);
      hd_cli_print_json (text);
      return EXIT_OK;
    }

  hd_cli_print_article (article, tickets);
  return EXIT_OK;
}

static int
cmd_kb_search (const Command  *command,
               char          **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *limit_text = NULL;
  gboolean json = FALSE;
  gint64 limit = 20;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text, N_("At most N articles (default 20)"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_option_number (command, "--limit", limit_text, 1, G_MAXINT, &limit, &status))
    return status;

  store = open_store (&error);
  if (store == NULL ||
      (hits = hd_store_search_articles (store, positional[0], (guint) limit, &error)) == NULL)
    return fail (error);

  hd_cli_print_hits (hits, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return EXIT_OK;
}

static int
cmd_kb_suggest (const Command  *command,
                char          **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  gint64 number = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status) ||
      !parse_number (command, positional[0], &number, &status))
    return status;

  store = open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_get_ticket (store, number, &error)) == NULL ||
      (hits = hd_store_suggest_articles (store, hd_ticket_get_title (ticket),
                                         hd_ticket_get_description (ticket), number, 5,
                                         &error)) == NULL)
    return fail (error);

  hd_cli_print_hits (hits, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return EXIT_OK;
}

static int
cmd_kb_link (const Command  *command,
             char          **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean unlink = FALSE;
  gint64 id = 0, number = 0;
  const GOptionEntry entries[] = {
    { "remove", 0, 0, G_OPTION_ARG_NONE, &unlink, N_("Remove the link instead"), NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 2, &positional, &status) ||
      !parse_article_id (command, positional[0], &id, &status) ||
      !parse_number (command, positional[1], &number, &status))
    return status;

  store = open_store (&error);
  if (store == NULL ||
      !(unlink ? hd_store_unlink_article (store, id, number, &error)
               : hd_store_link_article (store, id, number, &error)))
    return fail (error);

  g_print (unlink ? _("Article %" G_GINT64_FORMAT " is no longer linked to ticket #%" G_GINT64_FORMAT ".\n")
                  : _("Linked article %" G_GINT64_FORMAT " to ticket #%" G_GINT64_FORMAT ".\n"),
           id, number);
  return EXIT_OK;
}

static int
cmd_kb_categories (const Command  *command,
                   char          **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GError) error = NULL;
  int status = EXIT_OK;

  if (!parse (command, NULL, args, 0, NULL, &status))
    return status;

  store = open_store (&error);
  if (store == NULL || (categories = hd_store_list_kb_categories (store, &error)) == NULL)
    return fail (error);

  for (guint i = 0; i < categories->len; i++)
    {
      HdKbCategory *c = g_ptr_array_index (categories, i);

      g_print ("%s (%u)\n", hd_kb_category_get_path (c), hd_kb_category_get_n_articles (c));
    }
  return EXIT_OK;
}

/* Options may come anywhere, so the action is the first word that is
 * neither an option nor --db's FILE; it says how many words follow. */
static guint
category_words (char **args)
{
  const char *action = NULL;

  for (guint i = 0; args[i] != NULL && action == NULL; i++)
    {
      if (g_str_equal (args[i], "--db") && args[i + 1] != NULL)
        i++;
      else if (args[i][0] != '-')
        action = args[i];
    }

  if (g_strcmp0 (action, "rename") == 0)
    return 3;
  if (g_strcmp0 (action, "move") == 0)
    return g_strv_contains ((const char * const *) args, "--top") ? 2 : 3;
  return 2;
}

static int
cmd_kb_category (const Command  *command,
                 char          **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdKbCategory) found = NULL;
  g_autoptr(HdKbCategory) parent = NULL;
  g_autoptr(HdKbCategory) changed = NULL;
  g_autoptr(GError) error = NULL;
  gboolean top = FALSE;
  const GOptionEntry entries[] = {
    { "top", 0, 0, G_OPTION_ARG_NONE, &top,
      N_("move: to the top level (the same as a NEW-PARENT of \"\")"), NULL },
    { NULL }
  };
  const char *action;
  int status = EXIT_OK;

  if (!parse (command, entries, args, category_words (args), &positional, &status))
    return status;

  action = positional[0];
  if (!g_str_equal (action, "add") && !g_str_equal (action, "rename") &&
      !g_str_equal (action, "move") && !g_str_equal (action, "delete"))
    return usage_error (command, _("Say add, rename, move or delete."));
  if (top && !g_str_equal (action, "move"))
    return usage_error (command, _("--top goes with move only."));

  store = open_store (&error);
  if (store == NULL)
    return fail (error);

  if (g_str_equal (action, "add"))
    {
      changed = hd_store_add_kb_category_path (store, positional[1], &error);
      if (changed == NULL)
        return fail (error);

      g_print (_("Added the category “%s”.\n"), hd_kb_category_get_path (changed));
      return EXIT_OK;
    }

  found = hd_store_find_kb_category (store, positional[1], &error);
  if (found == NULL)
    return fail (error);

  if (g_str_equal (action, "delete"))
    {
      if (!hd_store_delete_kb_category (store, hd_kb_category_get_id (found), &error))
        return fail (error);

      g_print (_("Deleted the category “%s”.\n"), hd_kb_category_get_path (found));
      return EXIT_OK;
    }

  if (g_str_equal (action, "rename"))
    changed = hd_store_rename_kb_category (store, hd_kb_category_get_id (found), positional[2],
                                           &error);
  else
    {
      g_autofree char *to = g_strstrip (g_strdup (top ? "" : positional[2]));

      /* "" is the top level. */
      if (to[0] != '\0' && (parent = hd_store_find_kb_category (store, to, &error)) == NULL)
        return fail (error);
      changed = hd_store_move_kb_category (store, hd_kb_category_get_id (found),
                                           parent != NULL ? hd_kb_category_get_id (parent) : 0,
                                           &error);
    }
  if (changed == NULL)
    return fail (error);

  g_print (_("The category “%s” is now “%s”.\n"), hd_kb_category_get_path (found),
           hd_kb_category_get_path (changed));
  return EXIT_OK;
}

/* kb export writes, and kb import reads, a little front matter before the
 * Markdown, so that a round trip keeps what the Markdown cannot say:
 *
 *   ---
 *   visibility: faq
 *   tags: printer, paper
 *   ---
 *
 * Any "key: value" lines between two "---" lines at the very start; keys
 * other than visibility, tags and category are left alone. Returns where
 * the Markdown starts. */
typedef struct {
  char *visibility;
  char *tags;
  char *category;
} FrontMatter;

static void
front_matter_clear (FrontMatter *front)
{
  g_clear_pointer (&front->visibility, g_free);
  g_clear_pointer (&front->tags, g_free);
  g_clear_pointer (&front->category, g_free);
}

static const char *
read_front_matter (const char  *text,
                   FrontMatter *front)
{
  const char *line;

  if (!g_str_has_prefix (text, "---\n") && !g_str_has_prefix (text, "---\r\n"))
    return text;

  line = strchr (text, '\n') + 1;
  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      g_autofree char *entry = g_strstrip (end != NULL ? g_strndup (line, end - line)
                                                       : g_strdup (line));
      const char *colon = strchr (entry, ':');

      if (g_str_equal (entry, "---"))
        return end != NULL ? end + 1 : line + strlen (line);
      if (colon != NULL)
        {
          g_autofree char *key = g_strstrip (g_strndup (entry, colon - entry));
          char **slot = g_str_equal (key, "visibility") ? &front->visibility
                        : g_str_equal (key, "tags") ? &front->tags
                        : g_str_equal (key, "category") ? &front->category
                        : NULL;

          if (slot != NULL)
            {
              g_free (*slot);
              *slot = g_strstrip (g_strdup (colon + 1));
            }
        }
      if (end == NULL)
        break;
      line = end + 1;
    }

  /* No closing line: not front matter after all. */
  front_matter_clear (front);
  return text;
}

/* kb import: the title is the first "# " heading, which leaves the body,
 * else the file name without ".md". */
static void
split_markdown (const char  *text,
                const char  *file_name,
                char       **title,
                char       **body)
{
  const char *line = text;

  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize len = end != NULL ? (gsize) (end - line) : strlen (line);

      if (len > 2 && g_str_has_prefix (line, "# "))
        {
          GString *rest = g_string_new_len (text, line - text);
          const char *after = end != NULL ? end + 1 : line + len;

          *title = g_strstrip (g_strndup (line + 2, len - 2));
          while (*after == '\n' || *after == '\r')
            after++;
          g_string_append (rest, after);
          *body = g_string_free (rest, FALSE);
          return;
        }
      if (end == NULL)
        break;
      line = end + 1;
    }

  *title = g_strndup (file_name, g_str_has_suffix (file_name, ".md") ? strlen (file_name) - 3
                                                                     : strlen (file_name));
  *body = g_strdup (text);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

typedef struct {
  HdStore    *store;
  gboolean    faq;
  GHashTable *seen;   /* "dev:ino" of each file and folder → where it was met */
  guint       imported;
  guint       failed;
} Import;

static void import_folder (Import     *import,
                           int         fd,
                           const char *relative);

static void
not_imported (Import     *import,
              const char *rel,
              const char *why)
{
  g_printerr (_("%s: not imported: %s\n"), rel, why);
  import->failed++;
}

/* Where the file or folder @st was met before (through a hard link or a
 * bind mount); else %NULL, and it is remembered as met at @rel. */
static const char *
seen_before (Import            *import,
             const struct stat *st,
             const char        *rel)
{
  g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                                          (guint64) st->st_dev, (guint64) st->st_ino);
  const char *first = g_hash_table_lookup (import->seen, key);

  if (first == NULL)
    g_hash_table_insert (import->seen, g_steal_pointer (&key),
                         g_strdup (rel[0] != '\0' ? rel : "."));
  return first;
}

/* Opens @name in @dir_fd (seen as @st) to read it, and says what it is in
 * @opened; -1 with @error set when it is not a regular file. */
static int
open_article_file (int                dir_fd,
                   const char        *name,
                   const char        *rel,
                   const struct stat *st,
                   struct stat       *opened,
                   GError           **error)
{
  int fd;

  /* Looked at first, so that a device or a FIFO is never even opened. */
  if (!hd_check_text_file (rel, st->st_mode, error))
    return -1;

  fd = openat (dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, opened) != 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
    }
  else if (hd_check_text_file (rel, opened->st_mode, error))
    return fd;

  if (fd >= 0)
    close (fd);
  return -1;
}

/* The Markdown of @rel, read from @dir_fd; %NULL when it is refused or was
 * imported already. */
static char *
read_article_file (Import            *import,
                   int                dir_fd,
                   const char        *name,
                   const char        *rel,
                   const struct stat *st)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *first = NULL;
  struct stat opened;
  gsize length = 0;
  int fd;

  fd = open_article_file (dir_fd, name, rel, st, &opened, &error);
  if (fd >= 0 && (first = seen_before (import, &opened, rel)) == NULL)
    contents = hd_read_text_fd (fd, _("The article"), rel, HD_MAX_BODY_BYTES, &length, &error);
  if (fd >= 0)
    close (fd);

  if (first != NULL)
    g_printerr (_("%s: skipped: it is the same file as %s, imported once.\n"), rel, first);
  else if (contents == NULL)
    not_imported (import, rel, error->message);
  else if (!g_utf8_validate_len (contents, length, NULL))
    {
      not_imported (import, rel, _("it is not UTF-8 text. Convert it (e.g. with iconv) and import it again."));
      g_clear_pointer (&contents, g_free);
    }
  return g_steal_pointer (&contents);
}

static void
import_article (Import     *import,
                const char *rel,
                const char *name,
                const char *relative,
                const char *contents)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_auto(GStrv) tags = NULL;
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;
  FrontMatter front = { NULL, NULL, NULL };
  const char *markdown;
  int visibility;

  markdown = read_front_matter (contents, &front);
  split_markdown (markdown, name, &title, &body);
  draft.title = title;
  draft.body = body;
  draft.category = front.category != NULL ? front.category : relative;
  visibility = import->faq ? HD_VISIBILITY_FAQ : HD_VISIBILITY_INTERNAL;
  if (front.visibility != NULL &&
      !hd_enum_from_nick (HD_TYPE_VISIBILITY, front.visibility, &visibility))
    {
      g_printerr (_("%s: not imported: its visibility “%s” is neither internal nor faq.\n"),
                  rel, front.visibility);
      import->failed++;
      front_matter_clear (&front);
      return;
    }
  draft.visibility = visibility;
  if (front.tags != NULL)
    {
      tags = g_strsplit (front.tags, ",", -1);
      draft.tags = (const char * const *) tags;
    }
  article = hd_store_add_article (import->store, &draft, &local_error);
  front_matter_clear (&front);
  if (article == NULL)
    {
      not_imported (import, rel, local_error->message);
      return;
    }

  g_print (_("%s: article %" G_GINT64_FORMAT "\n"), rel, hd_article_get_id (article));
  import->imported++;
}

/* Links are not followed: one may lead out of the folder (to a private
 * key, say) or back into it, in a loop or to a file imported already.
 * Only a link that would have been imported is worth a word. */
static void
skip_link (Import     *import,
           int         dir_fd,
           const char *name,
           const char *rel)
{
  struct stat target;

  if (g_str_has_suffix (name, ".md") ||
      (fstatat (dir_fd, name, &target, 0) == 0 && S_ISDIR (target.st_mode)))
    not_imported (import, rel, _("it is a symbolic link, which import does not follow; copy what it points to into the folder instead."));
}

/* One name in the folder @dir_fd, whose category is @relative. */
static void
import_entry (Import     *import,
              int         dir_fd,
              const char *name,
              const char *relative)
{
  g_autofree char *rel = relative[0] != '\0' ? g_build_filename (relative, name, NULL)
                                             : g_strdup (name);
  g_autofree char *contents = NULL;
  struct stat st;
  int fd;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    not_imported (import, rel, g_strerror (errno));
  else if (S_ISLNK (st.st_mode))
    skip_link (import, dir_fd, name, rel);
  else if (S_ISDIR (st.st_mode))
    {
      fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        not_imported (import, rel, g_strerror (errno));
      else
        import_folder (import, fd, rel);
    }
  else if (g_str_has_suffix (name, ".md") &&
           (contents = read_article_file (import, dir_fd, name, rel, &st)) != NULL)
    import_article (import, rel, name, relative, contents);
}

/* Imports the folder open as @fd, and closes it. */
static void
import_folder (Import     *import,
               int         fd,
               const char *relative)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *first;
  struct stat st;
  struct dirent *entry;
  DIR *dir;

  if (fstat (fd, &st) != 0 || (dir = fdopendir (fd)) == NULL)
    {
      not_imported (import, relative[0] != '\0' ? relative : ".", g_strerror (errno));
      close (fd);
      return;
    }
  if ((first = seen_before (import, &st, relative)) != NULL)
    {
      g_printerr (_("%s: skipped: it is the same folder as %s, imported once.\n"), relative, first);
      closedir (dir);
      return;
    }

  while ((entry = readdir (dir)) != NULL)
    if (entry->d_name[0] != '.')
      g_ptr_array_add (names, g_strdup (entry->d_name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    import_entry (import, dirfd (dir), g_ptr_array_index (names, i), relative);
  closedir (dir);
}

static int
cmd_kb_import (const Command  *command,
               char          **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  gboolean faq = FALSE;
  const GOptionEntry entries[] = {
    { "faq", 0, 0, G_OPTION_ARG_NONE, &faq,
      N_("Requesters may read the imported articles (default: internal)"), NULL },
    { NULL }
  };
  Import import = { 0 };
  int status = EXIT_OK;
  int fd;

  if (!parse (command, entries, args, 1, &positional, &status))
    return status;
  if (!g_file_test (positional[0], G_FILE_TEST_IS_DIR))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a folder."), positional[0]);

      return usage_error (command, message);
    }

  store = open_store (&error);
  if (store == NULL)
    return fail (error);

  /* The folder named is followed if it is a link: it was chosen. */
  fd = g_open (positional[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      g_printerr ("helpdesk-cli: %s: %s\n", positional[0], g_strerror (errno));
      return EXIT_USAGE;
    }

  import.store = store;
  import.faq = faq;
  import.seen = seen;
  import_folder (&import, fd, "");

  g_print (g_dngettext (GETTEXT_PACKAGE, "Imported %u article", "Imported %u articles",
                        import.imported), import.imported);
  g_print (g_dngettext (GETTEXT_PACKAGE, "; %u file failed.\n", "; %u files failed.\n",
                        import.failed), import.failed);
  return import.failed > 0 ? EXIT_USAGE : EXIT_OK;
}

/* A file or folder name from @text: no separators, no control or
 * reserved characters, no leading dot, at most 80 characters. */
static char *
safe_name (const char *text)
{
  GString *name = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text; *p != '\0' && n < 80; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || strchr ("/\\:*?\"<>|", (int) (c < 0x80 ? c : 'a')) != NULL)
        g_string_append_c (name, '-');
      else
        g_string_append_unichar (name, c);
    }

  g_strstrip (name->str);
  g_string_set_size (name, strlen (name->str));
  while (name->len > 0 && name->str[0] == '.')
    g_string_erase (name, 0, 1);

  return g_string_free (name, FALSE);
}

static gboolean
dir_is_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir == NULL || g_dir_read_name (dir) == NULL;
}

static int
cmd_kb_export (const Command  *command,
               char          **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) articles = NULL;
  g_autoptr(GHashTable) written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Write into a folder that is not empty, replacing files of the same name"), NULL },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse (command, entries, args, 1, &positional, &status))
    return status;

  if (g_file_test (positional[0], G_FILE_TEST_EXISTS) &&
      !g_file_test (positional[0], G_FILE_TEST_IS_DIR))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a folder."), positional[0]);

      return usage_error (command, message);
    }
  if (!force && !dir_is_empty (positional[0]))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not empty; choose an empty folder, or add --force to write into it."),
                                                  positional[0]);

      return usage_error (command, message);
    }

  store = open_store (&error);
  if (store == NULL || (articles = hd_store_list_articles (store, NULL, &error)) == NULL)
    return fail (error);

  for (guint i = 0; i < articles->len; i++)
    {
      HdArticle *a = g_ptr_array_index (articles, i);
      g_autoptr(GString) folder = g_string_new (positional[0]);
      g_autofree char *name = safe_name (hd_article_get_title (a));
      g_autofree char *file_name = NULL;
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      g_autofree char *key = NULL;

      if (hd_article_get_category_path (a) != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (hd_article_get_category_path (a), "/", -1);

          for (guint j = 0; parts[j] != NULL; j++)
            {
              g_autofree char *part = safe_name (parts[j]);

              g_string_append_printf (folder, G_DIR_SEPARATOR_S "%s",
                                      part[0] != '\0' ? part : "-");
            }
        }

      if (g_mkdir_with_parents (folder->str, 0755) != 0)
        {
          g_printerr (_("helpdesk-cli: cannot make the folder %s: %s\n"), folder->str,
                      g_strerror (errno));
          return EXIT_UNUSABLE;
        }

      /* Two articles with one title in one folder: the second gets its id. */
      file_name = g_strdup_printf ("%s.md", name[0] != '\0' ? name : "article");
      path = g_build_filename (folder->str, file_name, NULL);
      key = g_utf8_casefold (path, -1);
      if (g_hash_table_contains (written, key))
        {
          g_free (path);
          g_free (key);
          g_free (file_name);
          file_name = g_strdup_printf ("%s-%" G_GINT64_FORMAT ".md",
                                       name[0] != '\0' ? name : "article", hd_article_get_id (a));
          path = g_build_filename (folder->str, file_name, NULL);
          key = g_utf8_casefold (path, -1);
        }
      g_hash_table_add (written, g_steal_pointer (&key));

      {
        g_autofree char *tag_list = g_strjoinv (", ", (char **) hd_article_get_tags (a));

        text = g_strdup_printf ("---\nvisibility: %s\n%s%s%s---\n# %s\n\n%s%s",
                                hd_enum_to_nick (HD_TYPE_VISIBILITY, hd_article_get_visibility (a)),
                                tag_list[0] != '\0' ? "tags: " : "", tag_list,
                                tag_list[0] != '\0' ? "\n" : "",
                                hd_article_get_title (a), hd_article_get_body (a),
                                g_str_has_suffix (hd_article_get_body (a), "\n") ? "" : "\n");
      }
      if (!g_file_set_contents (path, text, -1, &error))
        {
          g_printerr ("helpdesk-cli: %s\n", error->message);
          return EXIT_UNUSABLE;
        }
      g_print ("%s\n", path);
    }

  return EXIT_OK;
}

static const Command commands[] = {
  { NULL, "init", "", cmd_init, N_("Create a new helpdesk file; you become its dispatcher.") },
  { "person", "add", "LOGIN", cmd_person_add, N_("Add someone to the helpdesk (dispatcher only).") },
  { "person", "update", "LOGIN", cmd_person_update,
    N_("Change someone’s details, role, tier or whether they are active (dispatcher only).") },
  { "person", "list", "", cmd_person_list, N_("List the people of the helpdesk.") },
  { "ticket", "new", "", cmd_ticket_new, N_("File a ticket and print its number.") },
  { "ticket", "list", "", cmd_ticket_list, N_("List tickets.") },
  { "ticket", "show", "NUMBER", cmd_ticket_show, N_("Show a ticket with its history.") },
  { "ticket", "update", "NUMBER", cmd_ticket_update, N_("Change a ticket’s fields.") },
  { "ticket", "assign", "NUMBER LOGIN|none", cmd_ticket_assign,
    N_("Assign a ticket to a technician, or unassign it.") },
  { "ticket", "status", "NUMBER STATUS", cmd_ticket_status,
    N_("Move a ticket to new, open, pending, resolved or closed.") },
  { "ticket", "comment", "NUMBER", cmd_ticket_comment,
    N_("Add a reply, or an internal note with --internal.") },
  { "ticket", "escalate", "NUMBER", cmd_ticket_escalate,
    N_("Move a ticket to the next support tier with a note, or back down with --down.") },
  { "sla", "show", "NUMBER", cmd_sla_show,
    N_("Explain a ticket’s SLA deadlines: policy, hours counted, pauses.") },
  { "sla", "calendar", "", cmd_sla_calendar,
    N_("Print the SLA calendar, or replace it with --set (dispatcher only).") },
  { "sla", "policy", "list | set PRIORITY | delete PRIORITY", cmd_sla_policy,
    N_("List the SLA policies, or set or delete one (dispatcher only).") },
  { "sla", "recompute", "", cmd_sla_recompute,
    N_("Recompute every open ticket’s deadline (after other tools changed the file).") },
  { "kb", "add", "", cmd_kb_add,
    N_("Write a knowledge-base article from a Markdown file and print its number.") },
  { "kb", "update", "ID", cmd_kb_update, N_("Change an article’s text, title, category, tags or visibility.") },
  { "kb", "archive", "ID", cmd_kb_archive, N_("Archive an article, or bring it back with --restore.") },
  { "kb", "list", "", cmd_kb_list, N_("List the knowledge-base articles you may read.") },
  { "kb", "show", "ID", cmd_kb_show, N_("Show an article with its Markdown text.") },
  { "kb", "search", "QUERY", cmd_kb_search, N_("Search the knowledge base; any text is a valid query.") },
  { "kb", "suggest", "NUMBER", cmd_kb_suggest, N_("Suggest articles for a ticket.") },
  { "kb", "link", "ID NUMBER", cmd_kb_link, N_("Link an article to a ticket (--remove: unlink).") },
  { "kb", "categories", "", cmd_kb_categories, N_("List the knowledge-base categories.") },
  { "kb", "category", "add|delete PATH | rename PATH NEW-NAME | move PATH NEW-PARENT",
    cmd_kb_category,
    N_("Add a category (with its missing parents), rename, move or delete an empty one.") },
  { "kb", "import", "DIR", cmd_kb_import,
    N_("Import every .md file under DIR; subfolders become categories.") },
  { "kb", "export", "DIR", cmd_kb_export,
    N_("Write every article as a .md file into DIR, in category folders.") },
  { NULL, "alerts", "", cmd_alerts,
    N_("List your alerts that no desktop has shown yet (--all: recent ones too).") },
  { NULL, "location", "", cmd_location,
    N_("Say where the file lives, how it is locked, and whether that is safe there; --set-locking switches the method.") },
  { NULL, "path", "", cmd_path,
    N_("Print the helpdesk file that commands use (--db, $HELPDESK_DB or the default).") },
  { NULL, "check", "", cmd_check,
    N_("Check the file’s integrity, schema and search indexes; exit 0 when sound.") },
  { NULL, "reindex", "", cmd_reindex,
    N_("Rebuild the search indexes from the articles and tickets (when check finds them damaged).") },
  { NULL, "backup", "DEST", cmd_backup,
    N_("Write a consistent copy of the file to DEST (a file, or a folder for a dated copy).") },
  { NULL, "restore", "SRC", cmd_restore,
    N_("Replace the file's contents with the backup SRC, keeping a copy of what it was (dispatcher only).") },
};

/* Every command, or those of @group ("ticket") when not %NULL. */
static void
print_commands (FILE       *stream,
                const char *group)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GString) words = g_string_new (NULL);

      if (group != NULL && g_strcmp0 (commands[i].group, group) != 0)
        continue;
      if (commands[i].group != NULL)
        g_string_append_printf (words, "%s ", commands[i].group);
      g_string_append (words, commands[i].name);
      if (commands[i].parameters[0] != '\0')
        g_string_append_printf (words, " %s", commands[i].parameters);
      fprintf (stream, "  %-32s %s\n", words->str, _(commands[i].summary));
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
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].group, word) == 0)
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
      return EXIT_USAGE;
    }

  if (next != NULL && next[0] != '-')
    {
      g_printerr (_("helpdesk-cli: unknown command “%s %s”. Run “helpdesk-cli %s --help” for its commands.\n"),
                  args[0], next, args[0]);
      return EXIT_USAGE;
    }

  /* Only options follow the group, as in "ticket --db FILE --help". */
  if (g_strv_contains ((const char * const *) args, "--help") ||
      g_strv_contains ((const char * const *) args, "-h"))
    {
      print_group_help (stdout, args[0]);
      return EXIT_OK;
    }

  g_printerr (_("helpdesk-cli: “%s” needs a command. Run “helpdesk-cli %s --help” for its commands.\n"),
              args[0], args[0]);
  return EXIT_USAGE;
}

static const Command *
find_command (char ***args)
{
  const char *first = (*args)[0];
  const char *second = first != NULL ? (*args)[1] : NULL;

  for (guint i = 0; first != NULL && i < G_N_ELEMENTS (commands); i++)
    {
      const Command *c = &commands[i];

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
          *status = EXIT_OK;
          return FALSE;
        }
      if (g_str_equal (arg, "--version"))
        {
          g_print ("helpdesk-cli %s\n", PACKAGE_VERSION);
          *status = EXIT_OK;
          return FALSE;
        }
      if (g_str_equal (arg, "--db") && (*args)[1] == NULL)
        {
          g_printerr (_("helpdesk-cli: --db needs a FILE. Run “helpdesk-cli --help”.\n"));
          *status = EXIT_USAGE;
          return FALSE;
        }
      if (g_str_equal (arg, "--db"))
        {
          g_free (opt_db);
          opt_db = g_strdup ((*args)[1]);
          *args += 2;
        }
      else if (g_str_has_prefix (arg, "--db="))
        {
          g_free (opt_db);
          opt_db = g_strdup (arg + strlen ("--db="));
          *args += 1;
        }
      else
        {
          g_printerr (_("helpdesk-cli: unknown option “%s”. Run “helpdesk-cli --help”.\n"), arg);
          *status = EXIT_USAGE;
          return FALSE;
        }
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  const Command *command;
  char **args = argv + 1;
  int status = EXIT_OK;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!take_global_options (&args, &status))
    return status;

  if (args[0] == NULL)
    {
      print_help (stderr);
      return EXIT_USAGE;
    }

  command = find_command (&args);
  if (command == NULL)
    {
      status = no_command (args);
      g_free (opt_db);
      return status;
    }

  running = command;
  status = command->run (command, args);
  g_free (opt_db);
  return status;
}
