/* hd-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-preferences-window.h"

struct _HdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  AdwActionRow         *path_row;
  GtkButton            *forget_button;

  /* owned */
  GSettings            *settings;
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

static void
hd_preferences_window_dispose (GObject *object)
{
  HdPreferencesWindow *self = (HdPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hd_preferences_window_parent_class)->dispose (object);
}

static void
hd_preferences_window_class_init (HdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, path_row);
  gtk_widget_class_bind_template_child (widget_class, HdPreferencesWindow, forget_button);
  gtk_widget_class_bind_template_callback (widget_class, forget_cb);
}

static void
hd_preferences_window_init (HdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
  adw_action_row_set_subtitle (self->path_row, path != NULL ? path : _("None"));
  update_forget (self);
  return GTK_WIDGET (self);
}
