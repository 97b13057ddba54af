/* hd-mail-sign-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>

#include "hd-mail-secret.h"
#include "hd-mail-sign-in.h"

#define KEY_USER "user"
#define KEY_SERVER "server"
#define KEY_GOA "goa-account"

static char *
config_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "helpdesk", "mail-sign-in.ini", NULL);
}

/* The desk's choices; empty when there is no file yet, or it cannot be
 * read (a damaged file is a password, which the keyring then lacks). */
static GKeyFile *
read_choices (void)
{
  g_autofree char *path = config_path ();
  GKeyFile *keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_KEEP_COMMENTS, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR))
    g_message ("%s is not read: %s", path, error->message);
  return keys;
}

/**
 * hd_mail_sign_in_get_goa:
 * @file_id: the helpdesk file's id (hd_store_get_file_uuid())
 *
 * Reads a small local file: quick, but call it off the GUI thread like
 * the keyring.
 *
 * Returns: (transfer full) (nullable): the id of the account of GNOME
 *   Online Accounts this desk logs in to @account with, or %NULL: with
 *   the password in its keyring
 */
char *
hd_mail_sign_in_get_goa (const char          *file_id,
                         const HdMailAccount *account)
{
  g_autoptr(GKeyFile) keys = NULL;
  g_autofree char *user = NULL;
  g_autofree char *server = NULL;
  char *goa;

  g_return_val_if_fail (file_id != NULL && account != NULL, NULL);

  keys = read_choices ();
  user = g_key_file_get_string (keys, file_id, KEY_USER, NULL);
  server = g_key_file_get_string (keys, file_id, KEY_SERVER, NULL);
  if (g_strcmp0 (user, account->user) != 0 || g_strcmp0 (server, account->imap.host) != 0)
    return NULL;
  goa = g_key_file_get_string (keys, file_id, KEY_GOA, NULL);
  if (goa != NULL && *goa == '\0')
    g_clear_pointer (&goa, g_free);
  return goa;
}

/**
 * hd_mail_sign_in_set_goa:
 * @goa_account: (nullable): the account's id; %NULL to log in with the
 *   password again
 *
 * Keeps this desk's choice for @account of the helpdesk file @file_id.
 */
gboolean
hd_mail_sign_in_set_goa (const char          *file_id,
                         const HdMailAccount *account,
                         const char          *goa_account,
                         GError             **error)
{
  g_autoptr(GKeyFile) keys = NULL;
  g_autofree char *path = config_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_return_val_if_fail (file_id != NULL && account != NULL, FALSE);
  g_return_val_if_fail (account->user != NULL && account->imap.host != NULL, FALSE);

  keys = read_choices ();
  /* Back to the password where it never was anything else: nothing to
   * write (a desk whose configuration folder cannot be written keeps
   * working with its password). */
  if (goa_account == NULL && !g_key_file_has_group (keys, file_id))
    return TRUE;
  if (goa_account == NULL)
    g_key_file_remove_group (keys, file_id, NULL);
  else
    {
      g_key_file_set_string (keys, file_id, KEY_USER, account->user);
      g_key_file_set_string (keys, file_id, KEY_SERVER, account->imap.host);
      g_key_file_set_string (keys, file_id, KEY_GOA, goa_account);
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("The folder “%s” could not be made: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  return g_key_file_save_to_file (keys, path, error);
}

/**
 * hd_mail_sign_in_lookup:
 * @account: the mailbox; its goa_account is set when this desk logs in
 *   through GNOME Online Accounts
 * @password: (out) (transfer full): the password from the keyring, to be
 *   freed with hd_mail_password_free(); %NULL when the desk logs in
 *   through GNOME Online Accounts, or has no password
 *
 * How this desk logs in. Blocks on the keyring: call it from a worker.
 *
 * Returns: %FALSE when the keyring could not be read. Whether there is
 *   anything to log in with at all: hd_mail_account_has_login()
 */
gboolean
hd_mail_sign_in_lookup (const char     *file_id,
                        HdMailAccount  *account,
                        char          **password,
                        GCancellable   *cancellable,
                        GError        **error)
{
  GError *local = NULL;

  g_return_val_if_fail (file_id != NULL && account != NULL && password != NULL, FALSE);

  *password = NULL;
  g_free (account->goa_account);
  account->goa_account = hd_mail_sign_in_get_goa (file_id, account);
  if (account->goa_account != NULL)
    return TRUE;
  *password = hd_mail_password_lookup (file_id, account, cancellable, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}
