/* hd-stack-window.c
 *
 * What the dispatcher's management windows (people, service levels,
 * knowledge-base categories) have in common: a list page and a form page
 * in a stack, a header that says which (Back and Save on the form, "+" on
 * the list), a toast for news and a label under the form for refusals.
 * A subclass brings the template, which names these widgets the same, and
 * says how to read the list and fill the form; every read and write is a
 * store job, cancelled when the window goes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-stack-window.h"
#include "hd-store-monitor.h"

typedef struct
{
  /* template widgets, bound by the subclass's template */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkButton       *back_button;
  GtkButton       *add_button;
  GtkButton       *save_button;
  GtkStack        *stack;
  GtkLabel        *form_error;

  /* owned */
  HdStore         *store;
  GCancellable    *cancellable;

  /* weak */
  AdwToast        *last_toast;
} HdStackWindowPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HdStackWindow, hd_stack_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The list */

static void
row_activated_cb (AdwActionRow  *row,
                  HdStackWindow *self)
{
  HD_STACK_WINDOW_GET_CLASS (self)->show_form (self, g_object_get_data (G_OBJECT (row),
                                                                        "hd-stack-window-item"));
}

/* Loading */

/**
 * hd_stack_window_follow:
 * @changes: (element-type HdChange): what an #HdStoreMonitor saw change
 *
 * Reads the list again when one of @changes is in the class's tables: the
 * list follows other desks, and helpdesk-cli. The form keeps what it
 * holds.
 */
void
hd_stack_window_follow (HdStackWindow *self,
                        GPtrArray     *changes)
{
  const char * const *tables;

  g_return_if_fail (HD_IS_STACK_WINDOW (self));

  tables = HD_STACK_WINDOW_GET_CLASS (self)->tables;
  for (guint i = 0; tables != NULL && i < changes->len; i++)
    {
      HdChange *change = g_ptr_array_index (changes, i);

      if (g_strv_contains (tables, change->table))
        {
          hd_stack_window_reload (self);
          return;
        }
    }
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdStackWindow) self = user_data;
  HdStackWindowClass *klass = HD_STACK_WINDOW_GET_CLASS (self);
  g_autoptr(GError) error = NULL;
  gpointer loaded = hd_store_run_finish (HD_STORE (source), result, &error);

  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        hd_stack_window_toast (self, error->message);
      return;
    }

  klass->loaded (self, loaded);
  klass->load_free (loaded);
}

/* Changing */

static void
change_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HdStackWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hd_store_run_finish (HD_STORE (source), result, &error);

  /* Closed meanwhile: nothing left to show it in. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  hd_stack_window_set_busy (self, FALSE);
  if (text == NULL)
    {
      /* Everything typed stays and the reason shows under the form; the
       * list shows what the file holds now. */
      hd_stack_window_show_error (self, error);
      hd_stack_window_reload (self);
      return;
    }

  hd_stack_window_toast (self, text);
  hd_stack_window_changed (self);
  HD_STACK_WINDOW_GET_CLASS (self)->show_list (self);
  hd_stack_window_reload (self);
}

/* Actions */

static void
add_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HD_STACK_WINDOW_GET_CLASS (widget)->show_form (HD_STACK_WINDOW (widget), NULL);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HD_STACK_WINDOW_GET_CLASS (widget)->show_list (HD_STACK_WINDOW (widget));
}

static void
back_or_close_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HdStackWindow *self = HD_STACK_WINDOW (widget);
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (priv->stack), "form") == 0)
    HD_STACK_WINDOW_GET_CLASS (self)->show_list (self);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* GObject */

static void
hd_stack_window_constructed (GObject *object)
{
  G_OBJECT_CLASS (hd_stack_window_parent_class)->constructed (object);

  hd_stack_window_reload (HD_STACK_WINDOW (object));
}

static void
hd_stack_window_dispose (GObject *object)
{
  HdStackWindow *self = (HdStackWindow *) object;
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->store);
  g_clear_weak_pointer (&priv->last_toast);

  G_OBJECT_CLASS (hd_stack_window_parent_class)->dispose (object);
}

static void
hd_stack_window_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HdStackWindow *self = HD_STACK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, hd_stack_window_get_store (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_stack_window_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HdStackWindow *self = HD_STACK_WINDOW (object);
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_stack_window_class_init (HdStackWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hd_stack_window_constructed;
  object_class->dispose = hd_stack_window_dispose;
  object_class->get_property = hd_stack_window_get_property;
  object_class->set_property = hd_stack_window_set_property;

  /**
   * HdStackWindow:store:
   *
   * The store the window reads and changes, used only through jobs.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HdStackWindow::changed:
   *
   * Something the window manages was added, changed or removed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hd_stack_window_init (HdStackWindow *self)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
}

/* For subclasses */

/**
 * hd_stack_window_class_set_template_from_resource:
 * @resource_name: a template that names its toast overlay, window title,
 *   back, add and save buttons, stack (pages "list" and "form") and form
 *   error label as this class does
 * @action_prefix: what the template's actions begin with: the add, back
 *   and back-or-close actions are installed under it
 *
 * Sets a subclass's template and binds what this class manages in it.
 */
void
hd_stack_window_class_set_template_from_resource (GtkWidgetClass *widget_class,
                                                  const char     *resource_name,
                                                  const char     *action_prefix)
{
  static const struct {
    const char *suffix;
    GtkWidgetActionActivateFunc activate;
  } actions[] = {
    { "add", add_activated },
    { "back", back_activated },
    { "back-or-close", back_or_close_activated },
  };

  g_return_if_fail (g_type_is_a (G_TYPE_FROM_CLASS (widget_class), HD_TYPE_STACK_WINDOW));

  gtk_widget_class_set_template_from_resource (widget_class, resource_name);
  gtk_widget_class_bind_template_child_private (widget_class, HdStackWindow, toast_overlay);
  gtk_widget_class_bind_template_child_private (widget_class, HdStackWindow, window_title);
  gtk_widget_class_bind_template_child_private (widget_class, HdStackWindow, back_button);
  gtk_widget_class_bind_template_child_private (widget_class, HdStackWindow, add_button);
  gtk_widget_class_bind_template_child_private (widget_class, HdStackWindow, save_button);
  gtk_widget_class_bind_template_child_private (widget_class, HdStackWindow, stack);
  gtk_widget_class_bind_template_child_private (widget_class, HdStackWindow, form_error);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree char *name = g_strconcat (action_prefix, ".", actions[i].suffix, NULL);

      gtk_widget_class_install_action (widget_class, name, NULL, actions[i].activate);
    }
}

HdStore *
hd_stack_window_get_store (HdStackWindow *self)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  g_return_val_if_fail (HD_IS_STACK_WINDOW (self), NULL);

  return priv->store;
}

/* Cancelled when the window goes. */
GCancellable *
hd_stack_window_get_cancellable (HdStackWindow *self)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  g_return_val_if_fail (HD_IS_STACK_WINDOW (self), NULL);

  return priv->cancellable;
}

/* Reads the list again; it shows once read, or a toast says why not. */
void
hd_stack_window_reload (HdStackWindow *self)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);
  HdStackWindowClass *klass = HD_STACK_WINDOW_GET_CLASS (self);

  g_return_if_fail (HD_IS_STACK_WINDOW (self));

  hd_store_run_async (priv->store, klass->load_job, NULL, NULL, klass->load_free,
                      priv->cancellable, load_done, g_object_ref (self));
}

/**
 * hd_stack_window_create_row:
 * @title: plain text, as people typed it
 * @item: (transfer full): what the row shows, given to the show_form
 *   method when the row is activated; freed with @item_free
 *
 * Returns: (transfer floating): a row for the list that opens @item's form
 */
GtkWidget *
hd_stack_window_create_row (HdStackWindow  *self,
                            const char     *title,
                            const char     *subtitle,
                            gpointer        item,
                            GDestroyNotify  item_free)
{
  GtkWidget *row = adw_action_row_new ();

  g_return_val_if_fail (HD_IS_STACK_WINDOW (self), NULL);

  /* Names are what people typed, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "hd-stack-window-item", item, item_free);
  g_signal_connect_object (row, "activated", G_CALLBACK (row_activated_cb), self, 0);
  return row;
}

/**
 * hd_stack_window_show_page:
 * @form: the form page, or else the list
 * @title: what the header says
 */
void
hd_stack_window_show_page (HdStackWindow *self,
                           gboolean       form,
                           const char    *title)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  g_return_if_fail (HD_IS_STACK_WINDOW (self));

  gtk_stack_set_visible_child_name (priv->stack, form ? "form" : "list");
  adw_window_title_set_title (priv->window_title, title);
  gtk_widget_set_visible (GTK_WIDGET (priv->back_button), form);
  gtk_widget_set_visible (GTK_WIDGET (priv->save_button), form);
  gtk_widget_set_visible (GTK_WIDGET (priv->add_button), !form);
}

/* @error: (nullable): what to say under the form; %NULL hides it */
void
hd_stack_window_show_error (HdStackWindow *self,
                            const GError  *error)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  g_return_if_fail (HD_IS_STACK_WINDOW (self));

  gtk_label_set_text (priv->form_error, error != NULL ? error->message : NULL);
  gtk_widget_set_visible (GTK_WIDGET (priv->form_error), error != NULL);
}

/* @text: plain text */
void
hd_stack_window_toast (HdStackWindow *self,
                       const char    *text)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);
  /* A toast's title is markup; names are what people typed. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_return_if_fail (HD_IS_STACK_WINDOW (self));

  /* The newest news replaces the last, rather than queueing behind it. */
  if (priv->last_toast != NULL)
    adw_toast_dismiss (priv->last_toast);
  priv->last_toast = adw_toast_new (escaped);
  g_object_add_weak_pointer (G_OBJECT (priv->last_toast), (gpointer *) &priv->last_toast);
  adw_toast_overlay_add_toast (priv->toast_overlay, priv->last_toast);
}

/* Makes the window wait for a job; a focused GtkText made insensitive
 * never hears of it (GTK warns), hence the focus. */
void
hd_stack_window_set_busy (HdStackWindow *self,
                          gboolean       busy)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  g_return_if_fail (HD_IS_STACK_WINDOW (self));

  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (priv->stack), !busy);
}

/* Emits HdStackWindow::changed. */
void
hd_stack_window_changed (HdStackWindow *self)
{
  g_return_if_fail (HD_IS_STACK_WINDOW (self));

  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * hd_stack_window_run_change:
 * @job: the change; returns what to say once done (a string, freed with
 *   g_free()), or %NULL with the core's reason
 * @data: (transfer full): passed to @job, freed with @data_free
 *
 * Runs a change from the form while the window waits. Done, a toast says
 * so and the list shows again, read anew; refused, the reason shows under
 * the form, which keeps what was typed.
 */
void
hd_stack_window_run_change (HdStackWindow  *self,
                            HdStoreJobFunc  job,
                            gpointer        data,
                            GDestroyNotify  data_free)
{
  HdStackWindowPrivate *priv = hd_stack_window_get_instance_private (self);

  g_return_if_fail (HD_IS_STACK_WINDOW (self));

  hd_stack_window_set_busy (self, TRUE);
  hd_store_run_async (priv->store, job, data, data_free, g_free,
                      priv->cancellable, change_done, g_object_ref (self));
}
