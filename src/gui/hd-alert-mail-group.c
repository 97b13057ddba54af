/* hd-alert-mail-group.c
 *
 * How one person hears of alerts in this helpdesk — a desktop
 * notification, an email or both — and the quiet hours that hold their
 * alert mail back. In Preferences for oneself, and in the People window
 * for the dispatcher, who may set it for anyone: core decides who may read
 * and change whose (hd_store_get_alert_mail()). The setting lives in the
 * helpdesk file and is saved as soon as it changes, by a store job; a
 * refusal is shown under the rows and what the file holds comes back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-alert-mail-group.h"
#include "hd-alert-watcher.h"
#include "hd-store-async.h"

/* The quiet hours are offered in half hours, with what the file holds. */
#define STEP_MINUTES 30

static const char * const deliveries[] = { "desktop", "email", "both" };

struct _HdAlertMailGroup
{
  AdwPreferencesGroup  parent_instance;

  /* template widgets */
  AdwComboRow         *delivery_row;
  AdwExpanderRow      *quiet_row;
  AdwComboRow         *quiet_start_row;
  AdwComboRow         *quiet_end_row;
  GtkLabel            *error_label;

  /* owned */
  HdStore             *store;
  GCancellable        *cancellable;   /* the loading of one login */
  char                *login;
  char                *email;         /* the person's address as last read, or NULL */
  GArray              *minutes;       /* int: each quiet-hours choice */
  guint                pending;       /* jobs under way */
  gboolean             filling;       /* rows set from the file, not by a person */
  gboolean             saving;        /* a save under way */
  gboolean             resave;        /* rows changed while it was */
};

G_DEFINE_FINAL_TYPE (HdAlertMailGroup, hd_alert_mail_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  char *login;
  char *delivery;
  int   quiet_start;     /* -1: none */
  int   quiet_end;
  char *email;           /* the person's address, or NULL */
} AlertMail;

static void
alert_mail_free (AlertMail *mail)
{
  g_free (mail->login);
  g_free (mail->delivery);
  g_free (mail->email);
  g_free (mail);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlertMail, alert_mail_free)

static void load (HdAlertMailGroup *self);

/* The rows */

static void
show_error (HdAlertMailGroup *self,
            const GError     *error)
{
  gtk_label_set_text (self->error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
}

/* Half hours and @start and @end (when set), in order, for both rows. */
static void
set_times (HdAlertMailGroup *self,
           int               start,
           int               end)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_array_set_size (self->minutes, 0);
  for (int minute = 0; minute < HD_MINUTES_PER_DAY; minute++)
    {
      g_autofree char *label = NULL;

      if (minute % STEP_MINUTES != 0 && minute != start && minute != end)
        continue;
      label = g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);
      gtk_string_list_append (labels, label);
      g_array_append_val (self->minutes, minute);
    }
  adw_combo_row_set_model (self->quiet_start_row, G_LIST_MODEL (labels));
  adw_combo_row_set_model (self->quiet_end_row, G_LIST_MODEL (labels));
}

static guint
time_index (HdAlertMailGroup *self,
            int               minute)
{
  for (guint i = 0; i < self->minutes->len; i++)
    if (g_array_index (self->minutes, int, i) == minute)
      return i;
  return 0;
}

static int
time_of (HdAlertMailGroup *self,
         AdwComboRow      *row)
{
  guint selected = adw_combo_row_get_selected (row);

  return selected < self->minutes->len ? g_array_index (self->minutes, int, selected) : 0;
}

static guint
delivery_index (const char *delivery)
{
  for (guint i = 0; i < G_N_ELEMENTS (deliveries); i++)
    if (g_strcmp0 (delivery, deliveries[i]) == 0)
      return i;
  return 0;
}

/* Mail to nobody: say so where it is chosen. */
static void
update_delivery_subtitle (HdAlertMailGroup *self,
                          const char       *email)
{
  gboolean by_mail = adw_combo_row_get_selected (self->delivery_row) != 0;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->delivery_row),
                               by_mail && (email == NULL || email[0] == '\0')
                               ? _("No email address is on file for this person: alert mail cannot reach them")
                               : NULL);
}

static void
fill (HdAlertMailGroup *self,
      const AlertMail  *mail)
{
  /* 22:00–07:00 until someone chooses. */
  int start = mail->quiet_start >= 0 ? mail->quiet_start : 22 * 60;
  int end = mail->quiet_end >= 0 ? mail->quiet_end : 7 * 60;

  self->filling = TRUE;
  set_times (self, start, end);
  adw_combo_row_set_selected (self->delivery_row, delivery_index (mail->delivery));
  adw_expander_row_set_enable_expansion (self->quiet_row, mail->quiet_start >= 0);
  adw_combo_row_set_selected (self->quiet_start_row, time_index (self, start));
  adw_combo_row_set_selected (self->quiet_end_row, time_index (self, end));
  update_delivery_subtitle (self, mail->email);
  self->filling = FALSE;
}

/* Reading */

static gpointer
load_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  const char *login = data;
  g_autoptr(AlertMail) mail = g_new0 (AlertMail, 1);
  g_autoptr(HdPerson) person = NULL;

  mail->login = g_strdup (login);
  if (!hd_store_get_alert_mail (store, login, &mail->delivery, &mail->quiet_start,
                                &mail->quiet_end, error))
    return NULL;
  person = hd_store_find_person (store, login, NULL);
  if (person != NULL)
    mail->email = g_strdup (hd_person_get_email (person));
  return g_steal_pointer (&mail);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdAlertMailGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AlertMail) mail = hd_store_run_finish (HD_STORE (source), result, &error);

  self->pending--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED))
    {
      /* Not theirs to read: nothing to show. */
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  if (mail == NULL)
    {
      /* The file busy or gone: said, the rows kept as they were. */
      show_error (self, error);
      return;
    }
  g_free (self->email);
  self->email = g_strdup (mail->email);
  fill (self, mail);
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
}

static void
load (HdAlertMailGroup *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  if (self->login == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->pending++;
  hd_store_run_async (self->store, load_job, g_strdup (self->login), g_free,
                      (GDestroyNotify) alert_mail_free, self->cancellable, load_done,
                      g_object_ref (self));
}

/* Saving, as soon as a row changes */

static gpointer
save_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  AlertMail *mail = data;

  return hd_store_set_alert_mail (store, mail->login, mail->delivery, mail->quiet_start,
                                  mail->quiet_end, error)
         ? GINT_TO_POINTER (1) : NULL;
}

static void save (HdAlertMailGroup *self);

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdAlertMailGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  self->pending--;
  self->saving = FALSE;
  if (hd_store_run_finish (HD_STORE (source), result, &error) != NULL)
    {
      if (self->resave)
        save (self);
      return;
    }
  self->resave = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_error (self, error);
  load (self);
}

/* One save at a time, each with the rows as they are: the store's jobs
 * may run in any order, and the last choice must be the one kept. */
static void
save (HdAlertMailGroup *self)
{
  AlertMail *mail;
  gboolean quiet = adw_expander_row_get_enable_expansion (self->quiet_row);

  self->resave = FALSE;
  mail = g_new0 (AlertMail, 1);
  mail->login = g_strdup (self->login);
  mail->delivery = g_strdup (deliveries[MIN (adw_combo_row_get_selected (self->delivery_row),
                                             G_N_ELEMENTS (deliveries) - 1)]);
  mail->quiet_start = quiet ? time_of (self, self->quiet_start_row) : -1;
  mail->quiet_end = quiet ? time_of (self, self->quiet_end_row) : -1;

  /* Not cancelled with a new login: what was chosen is saved. */
  self->saving = TRUE;
  self->pending++;
  hd_store_run_async (self->store, save_job, mail, (GDestroyNotify) alert_mail_free, NULL,
                      NULL, save_done, g_object_ref (self));
}

static void
changed_cb (HdAlertMailGroup *self)
{
  if (self->filling || self->login == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (self)))
    return;

  update_delivery_subtitle (self, self->email);
  show_error (self, NULL);
  if (self->saving)
    self->resave = TRUE;
  else
    save (self);
}

/* GObject */

static void
hd_alert_mail_group_dispose (GObject *object)
{
  HdAlertMailGroup *self = HD_ALERT_MAIL_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_ALERT_MAIL_GROUP);

  G_OBJECT_CLASS (hd_alert_mail_group_parent_class)->dispose (object);
}

static void
hd_alert_mail_group_finalize (GObject *object)
{
  HdAlertMailGroup *self = HD_ALERT_MAIL_GROUP (object);

  g_clear_object (&self->store);
  g_free (self->login);
  g_free (self->email);
  g_array_unref (self->minutes);

  G_OBJECT_CLASS (hd_alert_mail_group_parent_class)->finalize (object);
}

static void
hd_alert_mail_group_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HdAlertMailGroup *self = HD_ALERT_MAIL_GROUP (object);

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
hd_alert_mail_group_class_init (HdAlertMailGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_alert_mail_group_dispose;
  object_class->finalize = hd_alert_mail_group_finalize;
  object_class->set_property = hd_alert_mail_group_set_property;

  /**
   * HdAlertMailGroup:store:
   *
   * The store of the person looking, used only through jobs.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HD_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-alert-mail-group.ui");
  gtk_widget_class_bind_template_child (widget_class, HdAlertMailGroup, delivery_row);
  gtk_widget_class_bind_template_child (widget_class, HdAlertMailGroup, quiet_row);
  gtk_widget_class_bind_template_child (widget_class, HdAlertMailGroup, quiet_start_row);
  gtk_widget_class_bind_template_child (widget_class, HdAlertMailGroup, quiet_end_row);
  gtk_widget_class_bind_template_child (widget_class, HdAlertMailGroup, error_label);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
}

static void
hd_alert_mail_group_init (HdAlertMailGroup *self)
{
  self->minutes = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * hd_alert_mail_group_new:
 * @store: the store of the person looking, used only through jobs
 *
 * Returns: (transfer floating): the group, empty until a login is set
 */
GtkWidget *
hd_alert_mail_group_new (HdStore *store)
{
  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  return g_object_new (HD_TYPE_ALERT_MAIL_GROUP, "store", store, NULL);
}

/**
 * hd_alert_mail_group_set_login:
 * @login: (nullable): whose settings to show and change
 */
void
hd_alert_mail_group_set_login (HdAlertMailGroup *self,
                               const char       *login)
{
  g_return_if_fail (HD_IS_ALERT_MAIL_GROUP (self));

  g_free (self->login);
  self->login = g_strdup (login);
  show_error (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), login != NULL);
  load (self);
}

const char *
hd_alert_mail_group_get_login (HdAlertMailGroup *self)
{
  g_return_val_if_fail (HD_IS_ALERT_MAIL_GROUP (self), NULL);

  return self->login;
}

/* Whether every read and save asked for is done (for tests). */
gboolean
hd_alert_mail_group_is_idle (HdAlertMailGroup *self)
{
  g_return_val_if_fail (HD_IS_ALERT_MAIL_GROUP (self), FALSE);

  return self->pending == 0 && gtk_widget_get_sensitive (GTK_WIDGET (self));
}
