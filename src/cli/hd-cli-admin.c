/* hd-cli-admin.c — helpdesk-cli's commands on the file itself: init,
 * location, path, check, reindex, backup, restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-cli-common.h"

/* Commands: init, check, reindex, backup */

static int
cmd_init (const HdCliCommand  *command,
          char               **args)
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
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;

  path = hd_cli_db_path ();
  location = hd_location_detect (path, NULL);
  if (locking_text == NULL || g_strcmp0 (locking_text, "auto") == 0)
    locking = location != NULL ? hd_location_recommended_locking (location->kind)
                               : HD_LOCKING_DOTFILE;
  else if (!hd_locking_from_string (locking_text, &locking))
    return hd_cli_usage_error (command, _("--locking takes auto, posix or dotfile."));

  if (location != NULL && hd_location_is_unsafe (location->kind))
    g_printerr ("helpdesk-cli: %s\n", hd_location_explain (location->kind));

  store = hd_store_create_full (path, NULL, name != NULL ? name : _("Helpdesk"), locking, &error);
  if (store == NULL)
    return hd_cli_fail (error);

  g_print (_("Created the helpdesk “%s” in %s; %s is its dispatcher.\n"),
           hd_store_get_name (store), path, hd_person_get_login (hd_store_get_me (store)));
  return HD_CLI_EXIT_OK;
}

/* "helpdesk-cli [--db FILE] location --set-locking METHOD", as the person
 * typed the file. */
static char *
set_locking_command (HdLocking locking)
{
  g_autofree char *quoted_db = NULL;

  if (hd_cli_get_db_option () == NULL)
    return g_strconcat ("helpdesk-cli location --set-locking ", hd_locking_to_string (locking),
                        NULL);

  quoted_db = hd_cli_shell_word (hd_cli_get_db_option ());
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
      return HD_CLI_EXIT_OK;
    }

  if (!hd_store_set_locking (store, locking, &error))
    return hd_cli_fail (error);

  g_print (_("“%s” is now locked with “%s”. A desk that has it open refuses its next change until it opens the file again; the window does that by itself.\n"),
           hd_store_get_path (store), hd_locking_to_string (locking));
  return HD_CLI_EXIT_OK;
}

static int
cmd_location (const HdCliCommand  *command,
              char               **args)
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
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;
  if (set_locking != NULL && !hd_locking_from_string (set_locking, &locking))
    return hd_cli_usage_error (command, _("--set-locking takes dotfile or posix."));

  path = hd_cli_db_path ();
  location = hd_location_detect (path, &error);
  if (location == NULL)
    return hd_cli_fail (error);

  /* An older file locked the wrong way is upgraded only once switched. */
  store = hd_cli_open_store_full (HD_STORE_OPEN_KEEP_VERSION, &error);
  if (store == NULL)
    return hd_cli_fail (error);

  if (set_locking != NULL)
    return switch_locking (store, locking);

  g_print (_("File:        %s\n"), path);
  g_print (_("File system: %s, mounted at %s\n"), location->fs_type, location->mount_point);
  g_print (_("Locking:     %s (recommended here: %s)\n"),
           hd_locking_to_string (hd_store_get_locking (store)),
           hd_locking_to_string (hd_location_recommended_locking (location->kind)));
  g_print ("\n%s\n", hd_location_explain (location->kind));
  advise_locking (store, location);
  return HD_CLI_EXIT_OK;
}

static int
cmd_check (const HdCliCommand  *command,
           char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, NULL, args, 0, NULL, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL || !hd_store_check (store, &problems, &error))
    return hd_cli_fail (error);

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
      g_autofree char *hint = hd_cli_last_good_backup_hint (hd_store_get_path (store));

      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "helpdesk-cli: %s has %u problem. Keep a copy of the file before any repair: “helpdesk-cli reindex” mends a search index; for anything else, restore a backup.\n",
                               "helpdesk-cli: %s has %u problems. Keep a copy of the file before any repair: “helpdesk-cli reindex” mends a search index; for anything else, restore a backup.\n",
                               problems->len),
                  hd_store_get_path (store), problems->len);
      if (hint != NULL)
        g_printerr ("helpdesk-cli: %s\n", hint);
      return HD_CLI_EXIT_UNUSABLE;
    }

  g_print (_("%s is sound (schema version %d).\n"), hd_store_get_path (store),
           hd_store_get_schema_version (store));
  return HD_CLI_EXIT_OK;
}

static int
cmd_reindex (const HdCliCommand  *command,
             char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, NULL, args, 0, NULL, &status))
    return status;

  store = hd_cli_open_store_verified (&error);
  if (store == NULL || !hd_store_rebuild_search_indexes (store, &error))
    return hd_cli_fail (error);

  g_print (_("Rebuilt the search indexes of %s.\n"), hd_store_get_path (store));
  return HD_CLI_EXIT_OK;
}

static int
cmd_backup (const HdCliCommand  *command,
            char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autofree char *written = NULL;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, NULL, args, 1, &positional, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL || !hd_store_backup (store, positional[0], &written, &error))
    return hd_cli_fail (error);

  g_print (_("Backed up to %s\n"), written);
  return HD_CLI_EXIT_OK;
}

static int
cmd_path (const HdCliCommand  *command,
          char               **args)
{
  g_autofree char *path = NULL;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, NULL, args, 0, NULL, &status))
    return status;

  path = hd_cli_db_path ();
  g_print ("%s\n", path);
  return HD_CLI_EXIT_OK;
}

static int
cmd_restore (const HdCliCommand  *command,
             char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autofree char *safety = NULL;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, NULL, args, 1, &positional, &status))
    return status;

  store = hd_cli_open_store_verified (&error);
  if (store == NULL)
    {
      g_autofree char *path = hd_cli_db_path ();
      g_autofree char *damaged = NULL;
      g_autoptr(GError) recover_error = NULL;

      /* A damaged file cannot be opened to restore into: replace it,
       * keeping it beside. hd_store_recover() refuses a file that is not
       * damaged, or not a helpdesk's. */
      if (!hd_cli_may_be_damaged (path, error))
        return hd_cli_fail (error);

      if (!hd_store_recover (path, positional[0], &damaged, &recover_error))
        {
          /* Not ours after all: say so as opening it did. */
          if (g_error_matches (error, HD_ERROR, HD_ERROR_NOT_HELPDESK) &&
              g_error_matches (recover_error, HD_ERROR, HD_ERROR_NOT_HELPDESK))
            return hd_cli_fail (error);
          return hd_cli_fail (recover_error);
        }

      g_print (_("Restored %s from %s. The damaged file is kept as %s.\n"), path, positional[0],
               damaged);
      return HD_CLI_EXIT_OK;
    }

  if (!hd_store_restore (store, positional[0], &safety, &error))
    return hd_cli_fail (error);

  g_print (_("Restored %s from %s. The file as it was is saved as %s.\n"),
           hd_store_get_path (store), positional[0], safety);
  return HD_CLI_EXIT_OK;
}

const HdCliCommand hd_cli_init_commands[] = {
  { NULL, "init", "", cmd_init, N_("Create a new helpdesk file; you become its dispatcher.") },
  { NULL }
};

const HdCliCommand hd_cli_file_commands[] = {
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
  { NULL }
};
