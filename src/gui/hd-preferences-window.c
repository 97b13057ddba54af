/* hd-preferences-window.c
 *
 * Settings are bound to their rows, but for Start at Login: the switch
 * changes what starts at login first (hd-autostart.c), which may fail or
 * be refused, and only then the setting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-alert-mail-group.h"
#include "hd-alert-watcher.h"
#include "hd-autostart.h"
#include "hd-mail-preferences.h"
#include "hd-mail-templates.h"
#include "hd-preferences-window.h"
#include "hd-rules.h"
#include "hd-store-async.h"

/* The quiet hours are picked in half hours. */
#define STEP_MINUTES 30

struct _HdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  AdwPreferencesPage   *general_page;
  AdwActionRow         *path_row;
  GtkButton            *forget_button;
  GtkSwitch            *background_switch;
  AdwActionRow         *login_row;
  GtkSwitch            *login_switch;
  AdwExpanderRow       *quiet_row;
  AdwComboRow          *quiet_start_row;
  AdwComboRow          *quiet_end_row;

  /* owned */
  GSettings            *settings;
  char                 *login_subtitle;   /* the row's, as designed */

  gboolean              requested;   /* start at login, as last asked for */
  gboolean              reverting;   /* putting the login switch back */
};

G_DEFINE_FINAL_TYPE (HdPreferencesWindow, hd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
update_forget (HdPreferencesWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-databases");

  gtk_widget_set_sensitive (GTK_WIDGET (self->forget_button), recent[0] != NULL);
}

static void
forget_cb (HdPreferencesWindow *self)
{
  g_settings_reset (self->settings, "recent-databases");
  update_forget (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Recent files forgotten")));
}

/* Quiet hours: a setting in minutes, a row in half hours. */

static gboolean
minutes_to_selected (GValue   *value,
                     GVariant *variant,
                     gpointer  data)
{
  g_value_set_uint (value, (guint) g_variant_get_int32 (variant) / STEP_MINUTES);
  return TRUE;
}

static GVariant *
selected_to_minutes (const GValue       *value,
                     const GVariantType *type,
                     gpointer            data)
{
  guint selected = g_value_get_uint (value);

  if (selected == GTK_INVALID_LIST_POSITION)
    return NULL;

  return g_variant_new_int32 ((gint32) (selected * STEP_MINUTES));
}

static GListModel *
new_half_hours (void)
{
  GtkStringList *times = gtk_string_list_new (NULL);

  for (int minutes = 0; minutes < HD_MINUTES_PER_DAY; minutes += STEP_MINUTES)
    {
      g_autofree char *text = g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);

      gtk_string_list_append (times, text);
    }

  return G_LIST_MODEL (times);
}

/* Start at Login */

static void
autostart_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hd_autostart_set_finish (result, &error))
    {
      g_settings_set_boolean (self->settings, "start-at-login", self->requested);
      if (self->login_switch != NULL)
        {
          gtk_widget_set_sensitive (GTK_WIDGET (self->login_switch), TRUE);
          adw_action_row_set_subtitle (self->login_row, self->login_subtitle);
        }
      return;
    }

  /* Closed meanwhile: nobody to tell. */
  if (self->login_switch == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->login_switch), TRUE);
  self->reverting = TRUE;
  gtk_switch_set_active (self->login_switch, !self->requested);
  self->reverting = FALSE;
  /* A toast is too short for a path: the whole reason goes in the row. */
  adw_action_row_set_subtitle (self->login_row, error->message);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (self->requested
                                                   ? _("Helpdesk cannot start at login")
                                                   : _("Helpdesk still starts at login")));
}

static void
login_switch_active_cb (HdPreferencesWindow *self)
{
  if (self->reverting)
    return;

  /* One request at a time: the portal may ask the person first. */
  self->requested = gtk_switch_get_active (self->login_switch);
  gtk_widget_set_sensitive (GTK_WIDGET (self->login_switch), FALSE);
  hd_autostart_set_async (self->requested, NULL, autostart_done, g_object_ref (self));
}

static void
hd_preferences_window_dispose (GObject *object)
{
  HdPreferencesWindow *self = (HdPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (hd_preferences_window_parent_class)->dispose (object);
}

static void
hd_preferences_window_finalize (GObject *object)
{
  HdPreferencesWindow *self = (HdPreferencesWindow *) object;

  g_clear_object (&self->settings);
  g_free (self->login_subtitle);

  G_OBJECT_CLASS (hd_preferences_window_parent_class)->finalize (object);
}

static void
hd_preferences_window_class_init (HdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_preferences_window_dispose;
  object_class->finalize = hd_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, general_page);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, path_row);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, forget_button);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, login_row);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, login_switch);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, quiet_row);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, quiet_start_row);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, quiet_end_row);
  gtk_widget_class_bind_template_callback (widget_class, forget_cb);
}

static void
hd_preferences_window_init (HdPreferencesWindow *self)
{
  g_autoptr(GListModel) times = new_half_hours ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->login_subtitle = g_strdup (adw_action_row_get_subtitle (self->login_row));
  adw_combo_row_set_model (self->quiet_start_row, times);
  adw_combo_row_set_model (self->quiet_end_row, times);
}

static void
bind_settings (HdPreferencesWindow *self)
{
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "quiet-hours-enabled", self->quiet_row, "enable-expansion",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "quiet-hours-start", self->quiet_start_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, minutes_to_selected,
                                selected_to_minutes, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "quiet-hours-end", self->quiet_end_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, minutes_to_selected,
                                selected_to_minutes, NULL, NULL);

  gtk_switch_set_active (self->login_switch,
                         g_settings_get_boolean (self->settings, "start-at-login"));
  g_signal_connect_object (self->login_switch, "notify::active",
                           G_CALLBACK (login_switch_active_cb), self, G_CONNECT_SWAPPED);
}

/**
 * hd_preferences_window_new:
 * @path: (nullable): the helpdesk file open now
 */
GtkWidget *
hd_preferences_window_new (GtkWindow  *parent,
                           GSettings  *settings,
                           const char *path)
{
  HdPreferencesWindow *self = g_object_new (HD_TYPE_PREFERENCES_WINDOW,
                                            "transient-for", parent, NULL);

  self->settings = g_object_ref (settings);
  bind_settings (self);
  adw_action_row_set_subtitle (self->path_row, path != NULL ? path : _("None"));
  update_forget (self);
  return GTK_WIDGET (self);
}

/**
 * hd_preferences_window_add_helpdesk:
 * @store: the open helpdesk, used only through jobs
 *
 * What the person who opened @store sets in it: staff choose how alerts
 * reach them and read the mail templates; the dispatcher also sets up the
 * mailbox and changes the templates. Core's rules say who is which.
 */
void
hd_preferences_window_add_helpdesk (HdPreferencesWindow *self,
                                    HdStore             *store)
{
  g_autoptr(HdPerson) me = NULL;
  GtkWidget *alerts;

  g_return_if_fail (HD_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (HD_IS_STORE (store));

  me = hd_store_dup_me (store);
  if (me == NULL || !hd_rules_check_file_mail (me, NULL))
    return;

  alerts = hd_alert_mail_group_new (store);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (alerts), _("Alerts in This Helpdesk"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (alerts),
                                         _("How you hear of new tickets, assignments and deadlines. Kept in the helpdesk file, for every desk you use; saved as soon as you change it."));
  hd_alert_mail_group_set_login (HD_ALERT_MAIL_GROUP (alerts), hd_person_get_login (me));
  adw_preferences_page_add (self->general_page, ADW_PREFERENCES_GROUP (alerts));

  if (hd_rules_check_manage_mail (me, NULL))
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                                ADW_PREFERENCES_PAGE (hd_mail_preferences_new (store)));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (hd_mail_templates_new (store)));
}
