/* hd-mail-preferences.c
 *
 * Preferences → Email, for the dispatcher: every setting of the support
 * mailbox as the helpdesk file holds it (hd_store_get_mail_settings()),
 * and the password, which goes to this computer's keyring under the
 * file's id and never into the file. Test logs in to both servers with
 * what is typed, on a thread of its own (a server may take its time),
 * and says exactly what failed: the name, the certificate, the login or
 * the folder. Saving goes through core, which checks every field and
 * refuses to overwrite a change another desk saved meanwhile.
 *
 * Where this computer has accounts of GNOME Online Accounts that read
 * mail, Sign In With offers them beside the password: this desk then logs
 * in with the account's OAuth 2.0 token (XOAUTH2). Like the password, the
 * choice is this computer's own (hd-mail-sign-in.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-mail-goa.h"
#include "hd-mail-loop.h"
#include "hd-mail-preferences.h"
#include "hd-mail-secret.h"
#include "hd-mail-sign-in.h"
#include "hd-store-async.h"

static const guint intervals[] = { 60, 120, 300, 600, 900, 1800, 3600 };
static const char * const securities[] = { "tls", "starttls", "plain" };

struct _HdMailPreferences
{
  AdwPreferencesPage  parent_instance;

  /* template widgets */
  AdwEntryRow        *address_row;
  AdwEntryRow        *name_row;
  AdwEntryRow        *user_row;
  AdwComboRow        *sign_in_row;
  GtkStringList      *sign_ins;
  AdwEntryRow        *password_row;
  AdwEntryRow        *imap_host_row;
  AdwComboRow        *imap_security_row;
  AdwEntryRow        *imap_port_row;
  AdwEntryRow        *folder_row;
  AdwEntryRow        *smtp_host_row;
  AdwComboRow        *smtp_security_row;
  AdwEntryRow        *smtp_port_row;
  GtkSwitch          *enabled_switch;
  AdwComboRow        *interval_row;
  GtkStringList      *intervals;
  GtkWidget          *test_button;
  GtkWidget          *test_spinner;
  GtkLabel           *result_label;
  GtkWidget          *save_button;

  /* owned */
  HdStore            *store;
  GCancellable       *cancellable;
  HdMailSettings     *settings;     /* as last read */
  char               *file_id;      /* the keyring's key for this file */
  gboolean            has_password; /* this keyring holds one for the account */
  GPtrArray          *goa_ids;      /* the accounts of sign_ins after "Password" */
  gboolean            goa_listed;   /* they are there (or there are none) */
  char               *goa_chosen;   /* the one this desk signs in with, or NULL */
};

G_DEFINE_FINAL_TYPE (HdMailPreferences, hd_mail_preferences, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load (HdMailPreferences *self);

/* Saying */

static void
say (HdMailPreferences *self,
     const char        *text,
     gboolean           ok)
{
  gtk_label_set_text (self->result_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), ok ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->result_label), ok ? "success" : "error");
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
}

static void
set_busy (HdMailPreferences *self,
          gboolean           busy)
{
  gtk_widget_set_sensitive (self->test_button, !busy);
  gtk_widget_set_sensitive (self->save_button, !busy);
  gtk_widget_set_visible (self->test_spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->test_spinner), busy);
}

/* The form */

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static guint
security_index (const char *security)
{
  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    if (g_strcmp0 (security, securities[i]) == 0)
      return i;
  return 0;
}

static const char *
security_of (AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  return selected < G_N_ELEMENTS (securities) ? securities[selected] : securities[0];
}

static void
security_changed_cb (HdMailPreferences *self)
{
  AdwComboRow *rows[] = { self->imap_security_row, self->smtp_security_row };

  /* No encryption is allowed, and flagged where it is chosen. */
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gboolean plain = g_str_equal (security_of (rows[i]), "plain");

      adw_action_row_set_subtitle (ADW_ACTION_ROW (rows[i]),
                                   plain ? _("The password and every message cross the network readable")
                                         : NULL);
      if (plain)
        gtk_widget_add_css_class (GTK_WIDGET (rows[i]), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (rows[i]), "error");
    }
}

/* @text: empty for the usual port; @port: 0 then */
static gboolean
read_port (const char  *text,
           guint       *port,
           GError     **error)
{
  guint64 value = 0;

  if (text[0] == '\0')
    {
      *port = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a port: a port is a number from 1 to 65535."), text);
      return FALSE;
    }
  *port = (guint) value;
  return TRUE;
}

static HdMailSettings *
settings_from_form (HdMailPreferences  *self,
                    GError            **error)
{
  g_autoptr(HdMailSettings) settings = hd_mail_settings_new ();
  guint selected = adw_combo_row_get_selected (self->interval_row);
  const char *name = text_of (self->name_row);

  g_free (settings->address);
  settings->address = g_strstrip (g_strdup (text_of (self->address_row)));
  settings->display_name = name[0] != '\0' ? g_strdup (name) : NULL;
  g_free (settings->user_name);
  settings->user_name = g_strstrip (g_strdup (text_of (self->user_row)));
  g_free (settings->imap_host);
  settings->imap_host = g_strstrip (g_strdup (text_of (self->imap_host_row)));
  g_free (settings->imap_security);
  settings->imap_security = g_strdup (security_of (self->imap_security_row));
  g_free (settings->imap_folder);
  settings->imap_folder = g_strstrip (g_strdup (text_of (self->folder_row)));
  g_free (settings->smtp_host);
  settings->smtp_host = g_strstrip (g_strdup (text_of (self->smtp_host_row)));
  g_free (settings->smtp_security);
  settings->smtp_security = g_strdup (security_of (self->smtp_security_row));
  settings->interval_seconds = selected < G_N_ELEMENTS (intervals) ? intervals[selected]
                                                                  : HD_MAIL_DEFAULT_INTERVAL;
  settings->enabled = gtk_switch_get_active (self->enabled_switch);
  settings->version = self->settings != NULL ? self->settings->version : 0;
  if (settings->imap_folder[0] == '\0')
    {
      g_free (settings->imap_folder);
      settings->imap_folder = g_strdup ("INBOX");
    }

  if (!read_port (text_of (self->imap_port_row), &settings->imap_port, error) ||
      !read_port (text_of (self->smtp_port_row), &settings->smtp_port, error) ||
      !hd_mail_settings_validate (settings, error))
    return NULL;
  return g_steal_pointer (&settings);
}

static void
fill (HdMailPreferences *self)
{
  const HdMailSettings *s = self->settings;
  g_autofree char *imap_port = s->imap_port != 0 ? g_strdup_printf ("%u", s->imap_port) : NULL;
  g_autofree char *smtp_port = s->smtp_port != 0 ? g_strdup_printf ("%u", s->smtp_port) : NULL;
  guint interval = 0;

  set_text (self->address_row, s->address);
  set_text (self->name_row, s->display_name);
  set_text (self->user_row, s->user_name);
  set_text (self->imap_host_row, s->imap_host);
  adw_combo_row_set_selected (self->imap_security_row, security_index (s->imap_security));
  set_text (self->imap_port_row, imap_port);
  set_text (self->folder_row, s->imap_folder);
  set_text (self->smtp_host_row, s->smtp_host);
  adw_combo_row_set_selected (self->smtp_security_row, security_index (s->smtp_security));
  set_text (self->smtp_port_row, smtp_port);
  gtk_switch_set_active (self->enabled_switch, s->enabled);
  /* The nearest choice at least as long as the setting. */
  while (interval + 1 < G_N_ELEMENTS (intervals) && intervals[interval] < s->interval_seconds)
    interval++;
  adw_combo_row_set_selected (self->interval_row, interval);
  security_changed_cb (self);
}

/* Sign In With */

/* The id of the account of GNOME Online Accounts chosen, or NULL: the
 * password. */
static const char *
goa_of_form (HdMailPreferences *self)
{
  guint selected = adw_combo_row_get_selected (self->sign_in_row);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > self->goa_ids->len)
    return NULL;
  return g_ptr_array_index (self->goa_ids, selected - 1);
}

static void
sign_in_changed_cb (HdMailPreferences *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), goa_of_form (self) == NULL);
}

static guint
add_sign_in (HdMailPreferences *self,
             const char        *id,
             const char        *label)
{
  g_ptr_array_add (self->goa_ids, g_strdup (id));
  gtk_string_list_append (self->sign_ins, label);
  return self->goa_ids->len;
}

/* Shows this desk's choice; an account it chose that is gone from GNOME
 * Online Accounts stays listed, so that Test says what is wrong. */
static void
select_sign_in (HdMailPreferences *self)
{
  guint index = 0;

  if (self->goa_chosen != NULL && !g_ptr_array_find_with_equal_func (self->goa_ids, self->goa_chosen,
                                                                     g_str_equal, &index))
    {
      g_autofree char *label = g_strdup_printf (_("Account “%s” (not on this computer now)"),
                                                self->goa_chosen);

      index = add_sign_in (self, self->goa_chosen, label) - 1;
    }
  if (self->goa_ids->len > 0)
    gtk_widget_set_visible (GTK_WIDGET (self->sign_in_row), TRUE);
  adw_combo_row_set_selected (self->sign_in_row, self->goa_chosen != NULL ? index + 1 : 0);
  sign_in_changed_cb (self);
}

static void
list_goa_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *accounts = hd_mail_goa_list (cancellable, &error);

  if (accounts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, accounts, (GDestroyNotify) g_ptr_array_unref);
}

static void
goa_listed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HdMailPreferences *self = HD_MAIL_PREFERENCES (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->goa_listed = TRUE;
  /* No GNOME Online Accounts on this desk: the password alone. */
  if (accounts == NULL)
    g_debug ("No accounts of GNOME Online Accounts: %s", error->message);
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      HdMailGoaAccount *account = g_ptr_array_index (accounts, i);
      /* Translators: an account of GNOME Online Accounts: its address, then its provider */
      g_autofree char *label = g_strdup_printf (_("%s (%s)"), account->identity,
                                                account->provider != NULL ? account->provider : account->id);

      add_sign_in (self, account->id, label);
    }
  if (self->settings != NULL)
    select_sign_in (self);
}

static void
list_goa (HdMailPreferences *self)
{
  g_autoptr(GTask) task = NULL;

  if (!hd_mail_goa_is_built ())
    {
      self->goa_listed = TRUE;
      return;
    }
  task = g_task_new (self, self->cancellable, goa_listed, NULL);
  g_task_run_in_thread (task, list_goa_thread);
}

/* A call to the keyring: it reads the account's strings (and the file
 * id) until it is done, so they live as long as the call. */
typedef struct {
  HdMailPreferences *self;
  HdMailAccount     *account;
  char              *file_id;
} KeyringCall;

static KeyringCall *
keyring_call_new (HdMailPreferences    *self,
                  const HdMailSettings *settings)
{
  KeyringCall *call = g_new0 (KeyringCall, 1);

  call->self = g_object_ref (self);
  call->account = hd_mail_account_from_settings (settings);
  call->file_id = g_strdup (self->file_id);
  return call;
}

static void
keyring_call_free (KeyringCall *call)
{
  g_object_unref (call->self);
  hd_mail_account_free (call->account);
  g_free (call->file_id);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringCall, keyring_call_free)

/* Reading */

typedef struct {
  HdMailSettings *settings;
  char           *file_id;
  char           *goa_chosen;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->settings, hd_mail_settings_free);
  g_free (loaded->file_id);
  g_free (loaded->goa_chosen);
  g_free (loaded);
}

static gpointer
load_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Loaded *loaded = g_new0 (Loaded, 1);

  loaded->settings = hd_store_get_mail_settings (store, error);
  if (loaded->settings != NULL)
    loaded->file_id = hd_store_get_file_uuid (store, error);
  if (loaded->file_id == NULL)
    {
      loaded_free (loaded);
      return NULL;
    }
  if (hd_mail_settings_is_complete (loaded->settings))
    {
      g_autoptr(HdMailAccount) account = hd_mail_account_from_settings (loaded->settings);

      loaded->goa_chosen = hd_mail_sign_in_get_goa (loaded->file_id, account);
    }
  return loaded;
}

static void
password_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KeyringCall) call = user_data;
  HdMailPreferences *self = call->self;
  g_autoptr(GError) error = NULL;
  char *password = hd_mail_password_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->has_password = password != NULL;
  hd_mail_password_free (password);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                 self->has_password
                                 ? _("Password (in this computer’s keyring; type to replace it)")
                                 : _("Password"));
}

static void
lookup_password (HdMailPreferences *self)
{
  KeyringCall *call;

  if (self->settings->user_name[0] == '\0' || self->settings->imap_host[0] == '\0')
    return;
  call = keyring_call_new (self, self->settings);
  hd_mail_password_lookup_async (call->file_id, call->account, self->cancellable, password_found,
                                 call);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdMailPreferences) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *loaded = hd_store_run_finish (HD_STORE (source), result, &error);

  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, error->message, FALSE);
      return;
    }

  g_clear_pointer (&self->settings, hd_mail_settings_free);
  self->settings = g_steal_pointer (&loaded->settings);
  g_free (self->file_id);
  self->file_id = g_steal_pointer (&loaded->file_id);
  g_free (self->goa_chosen);
  self->goa_chosen = g_steal_pointer (&loaded->goa_chosen);
  loaded_free (loaded);
  fill (self);
  if (self->goa_listed)
    select_sign_in (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
  lookup_password (self);
}

static void
load (HdMailPreferences *self)
{
  hd_store_run_async (self->store, load_job, NULL, NULL, (GDestroyNotify) loaded_free,
                      self->cancellable, load_done, g_object_ref (self));
}

/* Saving: the settings through core, then the password to the keyring. */

typedef struct {
  HdMailSettings *settings;
  char           *file_id;
  char           *goa;      /* this desk's choice; NULL: the password */
} Save;

static void
save_free (Save *save)
{
  hd_mail_settings_free (save->settings);
  g_free (save->file_id);
  g_free (save->goa);
  g_free (save);
}

/* The settings into the file, then how this desk signs in, for the
 * mailbox as saved. */
static gpointer
save_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Save *save = data;
  g_autoptr(HdMailAccount) account = NULL;

  if (!hd_store_set_mail_settings (store, save->settings, save->settings->version, error))
    return NULL;
  account = hd_mail_account_from_settings (save->settings);
  if (save->file_id != NULL && !hd_mail_sign_in_set_goa (save->file_id, account, save->goa, error))
    return NULL;
  return GINT_TO_POINTER (1);
}

static void
password_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KeyringCall) call = user_data;
  HdMailPreferences *self = call->self;
  g_autoptr(GError) error = NULL;

  if (!hd_mail_password_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      say (self, error->message, FALSE);
      return;
    }
  set_busy (self, FALSE);
  set_text (self->password_row, NULL);
  say (self, _("Saved. The password is in this computer’s keyring."), TRUE);
  load (self);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdMailPreferences) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) saved = NULL;
  KeyringCall *call;
  const char *password = text_of (self->password_row);

  if (hd_store_run_finish (HD_STORE (source), result, &error) == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      say (self, error->message, FALSE);
      return;
    }

  if (password[0] == '\0' || goa_of_form (self) != NULL)
    {
      set_busy (self, FALSE);
      say (self, _("Saved."), TRUE);
      load (self);
      return;
    }
  saved = settings_from_form (self, NULL);
  if (saved == NULL)
    {
      set_busy (self, FALSE);
      load (self);
      return;
    }
  call = keyring_call_new (self, saved);
  hd_mail_password_store_async (call->file_id, call->account, password, self->cancellable,
                                password_stored, call);
}

static void
save_clicked_cb (HdMailPreferences *self)
{
  g_autoptr(GError) error = NULL;
  HdMailSettings *settings = settings_from_form (self, &error);
  Save *save;

  if (settings == NULL)
    {
      say (self, error->message, FALSE);
      return;
    }
  save = g_new0 (Save, 1);
  save->settings = settings;
  save->file_id = g_strdup (self->file_id);
  save->goa = g_strdup (goa_of_form (self));
  set_busy (self, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  hd_store_run_async (self->store, save_job, save, (GDestroyNotify) save_free,
                      NULL, self->cancellable, save_done, g_object_ref (self));
}

/* Testing, on a thread of its own: the store's jobs never wait on it. */

typedef struct {
  HdMailAccount *account;
  char          *password;   /* typed, or NULL: the keyring's */
  char          *file_id;
} Test;

static void
test_free (Test *test)
{
  hd_mail_account_free (test->account);
  hd_mail_password_free (test->password);
  g_free (test->file_id);
  g_free (test);
}

static void
test_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  Test *test = data;
  GError *error = NULL;
  char *password = test->password;
  char *found = NULL;

  if (test->account->goa_account == NULL && password == NULL)
    {
      found = hd_mail_password_lookup (test->file_id, test->account, cancellable, &error);
      if (found == NULL && error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("There is no password in this computer’s keyring for this account: type it above."));
      password = found;
    }
  if (hd_mail_account_has_login (test->account, password))
    hd_mail_account_test (test->account, password, cancellable, &error);
  hd_mail_password_free (found);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
test_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HdMailPreferences *self = HD_MAIL_PREFERENCES (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (error != NULL)
    say (self, error->message, FALSE);
  else
    say (self, _("Both servers answered: the login was accepted and the folder opened."), TRUE);
}

static void
test_clicked_cb (HdMailPreferences *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) settings = NULL;
  g_autoptr(GTask) task = NULL;
  const char *password = text_of (self->password_row);
  Test *test;

  settings = settings_from_form (self, &error);
  if (settings == NULL)
    {
      say (self, error->message, FALSE);
      return;
    }

  test = g_new0 (Test, 1);
  test->account = hd_mail_account_from_settings (settings);
  /* A private authority trusted for fetching is trusted for the test. */
  if (g_getenv ("HELPDESK_MAIL_CA_FILE") != NULL && *g_getenv ("HELPDESK_MAIL_CA_FILE") != '\0')
    test->account->ca_file = g_strdup (g_getenv ("HELPDESK_MAIL_CA_FILE"));
  test->account->goa_account = g_strdup (goa_of_form (self));
  test->password = password[0] != '\0' && test->account->goa_account == NULL ? g_strdup (password)
                                                                             : NULL;
  test->file_id = g_strdup (self->file_id);
  set_busy (self, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  task = g_task_new (self, self->cancellable, test_done, NULL);
  g_task_set_task_data (task, test, (GDestroyNotify) test_free);
  g_task_run_in_thread (task, test_thread);
}

/* GObject */

static void
hd_mail_preferences_constructed (GObject *object)
{
  HdMailPreferences *self = HD_MAIL_PREFERENCES (object);

  G_OBJECT_CLASS (hd_mail_preferences_parent_class)->constructed (object);
  load (self);
  list_goa (self);
}

static void
hd_mail_preferences_dispose (GObject *object)
{
  HdMailPreferences *self = HD_MAIL_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->settings, hd_mail_settings_free);
  g_clear_pointer (&self->file_id, g_free);
  g_clear_pointer (&self->goa_ids, g_ptr_array_unref);
  g_clear_pointer (&self->goa_chosen, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_MAIL_PREFERENCES);

  G_OBJECT_CLASS (hd_mail_preferences_parent_class)->dispose (object);
}

static void
hd_mail_preferences_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HdMailPreferences *self = HD_MAIL_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_mail_preferences_class_init (HdMailPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hd_mail_preferences_constructed;
  object_class->dispose = hd_mail_preferences_dispose;
  object_class->set_property = hd_mail_preferences_set_property;

  /**
   * HdMailPreferences:store:
   *
   * The dispatcher's store, used only through jobs.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HD_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-mail-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, address_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, name_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, user_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, sign_in_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, sign_ins);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, password_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, imap_host_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, imap_security_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, imap_port_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, folder_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, smtp_host_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, smtp_security_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, smtp_port_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, interval_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, intervals);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, test_button);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, result_label);
  gtk_widget_class_bind_template_child (widget_class, HdMailPreferences, save_button);
  gtk_widget_class_bind_template_callback (widget_class, security_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
}

static void
hd_mail_preferences_init (HdMailPreferences *self)
{
  self->cancellable = g_cancellable_new ();
  self->goa_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (intervals); i++)
    {
      g_autofree char *label = NULL;

      if (intervals[i] == 3600)
        label = g_strdup (_("Every hour"));
      else
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every minute", "Every %u minutes",
                                              intervals[i] / 60), intervals[i] / 60);
      gtk_string_list_append (self->intervals, label);
    }
}

/**
 * hd_mail_preferences_new:
 * @store: the dispatcher's store, used only through jobs
 *
 * Returns: (transfer floating): the Email page of the preferences
 */
GtkWidget *
hd_mail_preferences_new (HdStore *store)
{
  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  return g_object_new (HD_TYPE_MAIL_PREFERENCES, "store", store, NULL);
}
