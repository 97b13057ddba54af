/* hd-mail-goa.c
 *
 * Tokens are kept in memory, per account, until a little before GNOME
 * Online Accounts says they expire: the send pass opens a connection per
 * message, and each would otherwise ask the daemon again. A login that
 * the server refuses asks for a renewed one (hd_mail_goa_get_token() with
 * @renew), once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#ifdef HAVE_GOA
#define GOA_API_IS_SUBJECT_TO_CHANGE
#include <goa/goa.h>
#endif

#include "hd-mail-error.h"
#include "hd-mail-goa.h"

/* A token whose lifetime GNOME Online Accounts does not say is asked for
 * again after this long; a refused login asks sooner. */
#define UNKNOWN_LIFETIME (10 * 60)
/* Asked for again this long before it runs out: a login takes a moment. */
#define MARGIN 60

void
hd_mail_goa_account_free (HdMailGoaAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->id);
  g_free (account->identity);
  g_free (account->email);
  g_free (account->provider);
  g_free (account->imap_host);
  g_free (account->smtp_host);
  g_free (account);
}

/**
 * hd_mail_goa_is_built:
 *
 * Returns: whether this Helpdesk was built with GNOME Online Accounts
 */
gboolean
hd_mail_goa_is_built (void)
{
#ifdef HAVE_GOA
  return TRUE;
#else
  return FALSE;
#endif
}

/* The token cache */

typedef struct {
  char   *token;
  gint64  expires;  /* monotonic µs */
} Token;

static GMutex tokens_lock;
static GHashTable *tokens;  /* id → Token */

static char *
cached_token (const char *id)
{
  Token *token;
  char *copy = NULL;

  g_mutex_lock (&tokens_lock);
  token = tokens != NULL ? g_hash_table_lookup (tokens, id) : NULL;
  if (token != NULL && token->expires > g_get_monotonic_time ())
    copy = g_strdup (token->token);
  g_mutex_unlock (&tokens_lock);
  return copy;
}

#ifdef HAVE_GOA
static void
wipe (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
token_free (Token *token)
{
  wipe (token->token);
  g_free (token);
}

/* Kept only when GNOME Online Accounts gave it. */
static void
keep_token (const char *id,
            const char *value,
            gint        expires_in)
{
  Token *token = g_new0 (Token, 1);
  gint64 lifetime = expires_in > 0 ? MAX (expires_in - MARGIN, 0) : UNKNOWN_LIFETIME;

  token->token = g_strdup (value);
  token->expires = g_get_monotonic_time () + lifetime * G_USEC_PER_SEC;
  g_mutex_lock (&tokens_lock);
  if (tokens == NULL)
    tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) token_free);
  g_hash_table_replace (tokens, g_strdup (id), token);
  g_mutex_unlock (&tokens_lock);
}
#endif

/**
 * hd_mail_goa_forget_tokens:
 *
 * Drops every token kept in memory: the next login asks GNOME Online
 * Accounts again.
 */
void
hd_mail_goa_forget_tokens (void)
{
  g_mutex_lock (&tokens_lock);
  g_clear_pointer (&tokens, g_hash_table_unref);
  g_mutex_unlock (&tokens_lock);
}

#ifdef HAVE_GOA

static GoaClient *
connect_goa (GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GError) local = NULL;
  GoaClient *client = goa_client_new_sync (cancellable, &local);

  if (client == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN,
                     _("GNOME Online Accounts could not be reached: %s"), local->message);
    }
  return client;
}

/* An account Helpdesk can sign in with: it reads mail, and signs in with
 * OAuth 2.0. */
static HdMailGoaAccount *
describe (GoaObject *object)
{
  GoaAccount *account = goa_object_peek_account (object);
  GoaMail *mail = goa_object_peek_mail (object);
  HdMailGoaAccount *described;

  if (account == NULL || mail == NULL || goa_object_peek_oauth2_based (object) == NULL ||
      goa_account_get_mail_disabled (account))
    return NULL;
  described = g_new0 (HdMailGoaAccount, 1);
  described->id = g_strdup (goa_account_get_id (account));
  described->identity = g_strdup (goa_account_get_presentation_identity (account));
  described->email = g_strdup (goa_mail_get_email_address (mail));
  described->provider = g_strdup (goa_account_get_provider_name (account));
  described->imap_host = g_strdup (goa_mail_get_imap_host (mail));
  described->smtp_host = g_strdup (goa_mail_get_smtp_host (mail));
  if (described->identity == NULL)
    described->identity = g_strdup (described->email != NULL ? described->email : described->id);
  return described;
}

static int
by_identity (gconstpointer a,
             gconstpointer b)
{
  const HdMailGoaAccount *x = *(HdMailGoaAccount * const *) a;
  const HdMailGoaAccount *y = *(HdMailGoaAccount * const *) b;

  return g_utf8_collate (x->identity, y->identity);
}

static GPtrArray *
list_accounts (GoaClient *client)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_goa_account_free);
  GList *objects = goa_client_get_accounts (client);

  for (GList *l = objects; l != NULL; l = l->next)
    {
      HdMailGoaAccount *described = describe (l->data);

      if (described != NULL && described->id != NULL)
        g_ptr_array_add (found, described);
      else
        hd_mail_goa_account_free (described);
    }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort (found, by_identity);
  return found;
}

/* GNOME Online Accounts says "not authorized" when the person must sign in
 * again (the provider refused to renew the token); anything else (no
 * network to renew it) may pass. */
static void
set_goa_error (GoaObject  *object,
               GError     *local,
               GError    **error)
{
  const char *identity = goa_account_get_presentation_identity (goa_object_peek_account (object));

  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, local);
  else if (g_error_matches (local, GOA_ERROR, GOA_ERROR_NOT_AUTHORIZED))
    {
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN,
                   _("GNOME Online Accounts needs you to sign in to “%s” again (Settings → Online Accounts): %s"),
                   identity, local->message);
      g_error_free (local);
    }
  else
    {
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_NETWORK,
                   _("GNOME Online Accounts gave no token for “%s” now: %s"), identity, local->message);
      g_error_free (local);
    }
}

static char *
ask_token (GoaObject     *object,
           gboolean       renew,
           gint          *expires_in,
           GCancellable  *cancellable,
           GError       **error)
{
  GoaOAuth2Based *oauth2 = goa_object_peek_oauth2_based (object);
  GError *local = NULL;
  char *token = NULL;

  if (oauth2 == NULL)
    {
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN,
                   _("The account “%s” of GNOME Online Accounts does not sign in with OAuth 2.0."),
                   goa_account_get_presentation_identity (goa_object_peek_account (object)));
      return NULL;
    }
  if (renew &&
      !goa_account_call_ensure_credentials_sync (goa_object_peek_account (object), NULL,
                                                 cancellable, &local))
    {
      set_goa_error (object, local, error);
      return NULL;
    }
  if (!goa_oauth2_based_call_get_access_token_sync (oauth2, &token, expires_in, cancellable, &local))
    {
      set_goa_error (object, local, error);
      return NULL;
    }
  return token;
}

static char *
fetch_token (const char    *id,
             gboolean       renew,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GoaClient) client = connect_goa (cancellable, error);
  g_autoptr(GoaObject) object = NULL;
  char *token;
  gint expires_in = 0;

  if (client == NULL)
    return NULL;
  object = goa_client_lookup_by_id (client, id);
  if (object == NULL || goa_object_peek_account (object) == NULL)
    {
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN,
                   _("There is no account “%s” in GNOME Online Accounts on this computer: choose another one, or a password."),
                   id);
      return NULL;
    }
  token = ask_token (object, renew, &expires_in, cancellable, error);
  if (token != NULL)
    keep_token (id, token, expires_in);
  return token;
}

#endif

static gboolean
not_built (GError **error)
{
  g_set_error_literal (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN,
                       _("This Helpdesk was built without GNOME Online Accounts: sign in with a password."));
  return FALSE;
}

/**
 * hd_mail_goa_list:
 *
 * The accounts of GNOME Online Accounts on this desk that read mail and
 * sign in with OAuth 2.0, by their identity. Blocks on D-Bus: call it
 * from a worker.
 *
 * Returns: (transfer full) (element-type HdMailGoaAccount): the accounts,
 *   perhaps none (also when built without it); %NULL when GNOME Online
 *   Accounts could not be reached
 */
GPtrArray *
hd_mail_goa_list (GCancellable  *cancellable,
                  GError       **error)
{
#ifdef HAVE_GOA
  g_autoptr(GoaClient) client = connect_goa (cancellable, error);

  return client != NULL ? list_accounts (client) : NULL;
#else
  return g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_goa_account_free);
#endif
}

static gboolean
names (const HdMailGoaAccount *account,
       const char             *address)
{
  return g_ascii_strcasecmp (account->email != NULL ? account->email : "", address) == 0 ||
         g_ascii_strcasecmp (account->identity, address) == 0;
}

/**
 * hd_mail_goa_find:
 * @id_or_address: an account's id, or its address when one account alone
 *   has it
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with an error
 *   (%HD_MAIL_ERROR_SIGN_IN) that names the accounts there are
 */
HdMailGoaAccount *
hd_mail_goa_find (const char    *id_or_address,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GString) known = g_string_new (NULL);
  HdMailGoaAccount *found = NULL;
  guint matches = 0;
  guint index;

  g_return_val_if_fail (id_or_address != NULL, NULL);
  accounts = hd_mail_goa_list (cancellable, error);
  if (accounts == NULL)
    return NULL;
  for (guint i = 0; i < accounts->len; i++)
    {
      HdMailGoaAccount *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (account->id, id_or_address) == 0)
        return g_ptr_array_steal_index (accounts, i);
      if (names (account, id_or_address) && matches++ == 0)
        found = account;
      g_string_append_printf (known, "%s%s (%s)", known->len > 0 ? ", " : "", account->id,
                              account->identity);
    }
  if (matches == 1 && g_ptr_array_find (accounts, found, &index))
    return g_ptr_array_steal_index (accounts, index);
  if (!hd_mail_goa_is_built ())
    not_built (error);
  else if (known->len == 0)
    g_set_error_literal (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN,
                         _("GNOME Online Accounts has no account on this computer that reads mail with OAuth 2.0 (add one in Settings → Online Accounts)."));
  else
    g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SIGN_IN,
                 matches > 1 ? _("Several accounts have the address “%s”: name one by its id. The accounts: %s.")
                             : _("GNOME Online Accounts has no mail account “%s” on this computer. The accounts: %s."),
                 id_or_address, known->str);
  return NULL;
}

/**
 * hd_mail_goa_get_token:
 * @id: the account's id (#HdMailGoaAccount.id)
 * @renew: %TRUE after a server refused the last token: GNOME Online
 *   Accounts checks the account (EnsureCredentials) and renews the token
 *   when it can
 *
 * Blocks on D-Bus, and on the provider when a token is renewed: call it
 * from the mail thread.
 *
 * Returns: (transfer full): an access token; free it with g_free() once
 *   it is handed to libcurl. %NULL with %HD_MAIL_ERROR_SIGN_IN when a
 *   person must act (the account is gone, or wants a new sign-in),
 *   %HD_MAIL_ERROR_NETWORK when it may work later
 */
char *
hd_mail_goa_get_token (const char    *id,
                       gboolean       renew,
                       GCancellable  *cancellable,
                       GError       **error)
{
  char *token;

  g_return_val_if_fail (id != NULL, NULL);

  if (!renew && (token = cached_token (id)) != NULL)
    return token;
#ifdef HAVE_GOA
  return fetch_token (id, renew, cancellable, error);
#else
  not_built (error);
  return NULL;
#endif
}
