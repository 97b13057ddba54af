/* hd-mail-templates.c
 *
 * Preferences → Templates: every text Helpdesk mails on its own — the
 * acknowledgement, replies, the resolved notice, the alerts — by its
 * name for people, with what it is for and whether this helpdesk changed
 * it. Choosing one opens its editor as a subpage (hd-mail-template-editor.c).
 * Staff read them; core lets only the dispatcher change them, and the
 * page asks core which this person is, in the job that reads the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-mail-template-editor.h"
#include "hd-mail-templates.h"
#include "hd-rules.h"
#include "hd-store-async.h"

struct _HdMailTemplates
{
  AdwPreferencesPage   parent_instance;

  /* template widgets */
  AdwPreferencesGroup *group;
  GtkListBox          *list;
  GtkLabel            *error_label;

  /* owned */
  HdStore             *store;
  GCancellable        *cancellable;
  gboolean             editable;    /* as core decided at the last read */
  guint                pending;
};

G_DEFINE_FINAL_TYPE (HdMailTemplates, hd_mail_templates, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  gboolean  editable;
  GPtrArray *changed;   /* (element-type utf8): the templates this helpdesk changed */
} Listed;

static void
listed_free (Listed *listed)
{
  g_ptr_array_unref (listed->changed);
  g_free (listed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listed, listed_free)

static void load (HdMailTemplates *self);

/* Reading */

static gpointer
list_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  g_autoptr(Listed) listed = g_new0 (Listed, 1);
  g_autofree const char **names = hd_mail_template_names ();
  HdPerson *me = hd_store_get_me (store);

  listed->changed = g_ptr_array_new_with_free_func (g_free);
  listed->editable = me != NULL && hd_rules_check_manage_mail (me, NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *text = NULL;
      gboolean custom = FALSE;

      text = hd_store_get_mail_template (store, names[i], &custom, error);
      if (text == NULL)
        return NULL;
      if (custom)
        g_ptr_array_add (listed->changed, g_strdup (names[i]));
    }
  return g_steal_pointer (&listed);
}

static void
editor_saved_cb (HdMailTemplates *self)
{
  load (self);
}

static void
row_activated_cb (HdMailTemplates *self,
                  GtkListBoxRow   *row)
{
  const char *name = g_object_get_data (G_OBJECT (row), "template");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *editor;

  if (!ADW_IS_PREFERENCES_WINDOW (root))
    return;
  editor = hd_mail_template_editor_new (self->store, name, self->editable);
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (root), editor);
}

static GtkWidget *
create_row (const char *name,
            gboolean    changed)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), hd_mail_template_title (name));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), hd_mail_template_describe (name));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "template", g_strdup (name), g_free);
  if (changed)
    {
      GtkWidget *label = gtk_label_new (_("Changed"));

      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static void
list_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdMailTemplates) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Listed) listed = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autofree const char **names = hd_mail_template_names ();
  GtkWidget *child;

  self->pending--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_label_set_text (self->error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  if (listed == NULL)
    return;

  self->editable = listed->editable;
  adw_preferences_group_set_description (self->group, self->editable
    ? _("What Helpdesk mails on its own. Choose one to change its text and see it filled in for a ticket.")
    : _("What Helpdesk mails on its own. Choose one to read it filled in for a ticket; only the dispatcher changes them."));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; names[i] != NULL; i++)
    gtk_list_box_append (self->list,
                         create_row (names[i], g_ptr_array_find_with_equal_func (listed->changed, names[i],
                                                                                 g_str_equal, NULL)));
}

static void
load (HdMailTemplates *self)
{
  self->pending++;
  hd_store_run_async (self->store, list_job, NULL, NULL, (GDestroyNotify) listed_free,
                      self->cancellable, list_done, g_object_ref (self));
}

/* GObject */

static void
hd_mail_templates_constructed (GObject *object)
{
  HdMailTemplates *self = HD_MAIL_TEMPLATES (object);

  G_OBJECT_CLASS (hd_mail_templates_parent_class)->constructed (object);
  load (self);
}

static void
hd_mail_templates_dispose (GObject *object)
{
  HdMailTemplates *self = HD_MAIL_TEMPLATES (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_MAIL_TEMPLATES);

  G_OBJECT_CLASS (hd_mail_templates_parent_class)->dispose (object);
}

static void
hd_mail_templates_finalize (GObject *object)
{
  HdMailTemplates *self = HD_MAIL_TEMPLATES (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hd_mail_templates_parent_class)->finalize (object);
}

static void
hd_mail_templates_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HdMailTemplates *self = HD_MAIL_TEMPLATES (object);

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
hd_mail_templates_class_init (HdMailTemplatesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hd_mail_templates_constructed;
  object_class->dispose = hd_mail_templates_dispose;
  object_class->finalize = hd_mail_templates_finalize;
  object_class->set_property = hd_mail_templates_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HD_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-mail-templates.ui");
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplates, group);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplates, list);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplates, error_label);
}

static void
hd_mail_templates_init (HdMailTemplates *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * hd_mail_templates_new:
 * @store: the store of the person looking (staff), used only through jobs
 *
 * Returns: (transfer floating): the Templates page of the preferences
 */
GtkWidget *
hd_mail_templates_new (HdStore *store)
{
  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  return g_object_new (HD_TYPE_MAIL_TEMPLATES, "store", store, NULL);
}

/* Whether the list is read (for tests). */
gboolean
hd_mail_templates_is_idle (HdMailTemplates *self)
{
  g_return_val_if_fail (HD_IS_MAIL_TEMPLATES (self), FALSE);

  return self->pending == 0 && gtk_widget_get_first_child (GTK_WIDGET (self->list)) != NULL;
}
