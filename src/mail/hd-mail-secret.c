/* hd-mail-secret.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "hd-mail-secret.h"

#define ATTR_FILE   "helpdesk-file"
#define ATTR_USER   "user"
#define ATTR_SERVER "server"

/* Named after the application, so the keyring's owner can tell whose
 * passwords these are. */
static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    APPLICATION_ID ".Mail", SECRET_SCHEMA_NONE,
    {
      { ATTR_FILE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_USER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_SERVER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0,
  };

  return &schema;
}

static char *
password_label (const HdMailAccount *account)
{
  /* Translators: how the password is listed in the keyring (Passwords and
   * Keys); the first %s is a user name, the second a server */
  return g_strdup_printf (_("Helpdesk mailbox %s on %s"), account->user, account->imap.host);
}

static GHashTable *
attributes (const char          *file_id,
            const HdMailAccount *account)
{
  /* The values are copies: libsecret's asynchronous calls keep a
   * reference to the table, not to its strings, until they finish, and
   * the caller's account may be gone by then. */
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (table, (gpointer) ATTR_FILE, g_strdup (file_id));
  g_hash_table_insert (table, (gpointer) ATTR_USER, g_strdup (account->user));
  g_hash_table_insert (table, (gpointer) ATTR_SERVER, g_strdup (account->imap.host));
  return table;
}

static gboolean
account_is_named (const char          *file_id,
                  const HdMailAccount *account)
{
  return file_id != NULL && account != NULL && account->user != NULL &&
         account->imap.host != NULL;
}

/**
 * hd_mail_password_store:
 * @file_id: what identifies the helpdesk file for good
 *
 * Keeps @password for @account's user and IMAP server, replacing the one
 * kept before. Blocks on D-Bus: call it from a worker, or use
 * hd_mail_password_store_async().
 */
gboolean
hd_mail_password_store (const char          *file_id,
                        const HdMailAccount *account,
                        const char          *password,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(GHashTable) table = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (account_is_named (file_id, account), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  table = attributes (file_id, account);
  label = password_label (account);
  return secret_password_storev_sync (password_schema (), table, SECRET_COLLECTION_DEFAULT,
                                      label, password, cancellable, error);
}

/**
 * hd_mail_password_lookup:
 *
 * Returns: (transfer full) (nullable): the password, to be freed with
 *   hd_mail_password_free(); %NULL without an error when none is kept
 */
char *
hd_mail_password_lookup (const char          *file_id,
                         const HdMailAccount *account,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_autoptr(GHashTable) table = NULL;

  g_return_val_if_fail (account_is_named (file_id, account), NULL);

  table = attributes (file_id, account);
  return secret_password_lookupv_sync (password_schema (), table, cancellable, error);
}

/**
 * hd_mail_password_clear:
 *
 * Forgets the password: when the account changes server or user, or the
 * dispatcher removes it.
 */
gboolean
hd_mail_password_clear (const char          *file_id,
                        const HdMailAccount *account,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (account_is_named (file_id, account), FALSE);

  table = attributes (file_id, account);
  /* FALSE without an error: there was none to forget. */
  if (secret_password_clearv_sync (password_schema (), table, cancellable, &local) || local == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* Wipes the password from memory before freeing it. */
void
hd_mail_password_free (char *password)
{
  secret_password_free (password);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hd_mail_password_store_async (const char          *file_id,
                              const HdMailAccount *account,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GHashTable) table = NULL;
  g_autofree char *label = NULL;
  GTask *task;

  g_return_if_fail (account_is_named (file_id, account));
  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hd_mail_password_store_async);
  table = attributes (file_id, account);
  label = password_label (account);
  secret_password_storev (password_schema (), table, SECRET_COLLECTION_DEFAULT, label,
                          password, cancellable, stored_cb, task);
}

gboolean
hd_mail_password_store_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

void
hd_mail_password_lookup_async (const char          *file_id,
                               const HdMailAccount *account,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GHashTable) table = NULL;
  GTask *task;

  g_return_if_fail (account_is_named (file_id, account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hd_mail_password_lookup_async);
  table = attributes (file_id, account);
  secret_password_lookupv (password_schema (), table, cancellable, looked_up_cb, task);
}

/**
 * hd_mail_password_lookup_finish:
 *
 * Returns: (transfer full) (nullable): as hd_mail_password_lookup()
 */
char *
hd_mail_password_lookup_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
