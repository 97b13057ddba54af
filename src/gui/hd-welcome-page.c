/* hd-welcome-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-location.h"
#include "hd-store.h"
#include "hd-welcome-page.h"

struct _HdWelcomePage
{
  GtkWidget             parent_instance;

  /* template widgets */
  AdwStatusPage        *status_page;
  GtkLabel             *error_label;
  AdwEntryRow          *name_row;
  AdwActionRow         *location_row;
  GtkLabel             *location_label;
  AdwPreferencesGroup  *recent_group;
  GtkListBox           *recent_list;

  /* owned */
  GCancellable         *cancellable;
  char                 *folder;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (HdWelcomePage, hd_welcome_page, GTK_TYPE_WIDGET)

enum {
  CREATE,
  OPEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
detect_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      folder,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  HdLocation *location = hd_location_detect (folder, &error);

  if (location != NULL)
    g_task_return_pointer (task, location, (GDestroyNotify) hd_location_free);
  else
    g_task_return_error (task, error);
}

/* Says what kind of place the folder is before anything is created there:
 * a share gets dot-file locks; gvfs and portal paths cannot be shared. */
static void
detect_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HdWelcomePage) self = user_data;
  g_autoptr(HdLocation) location = g_task_propagate_pointer (G_TASK (result), NULL);
  gboolean unsafe;

  if (location == NULL || self->location_label == NULL)
    return;

  unsafe = hd_location_is_unsafe (location->kind);
  gtk_label_set_text (self->location_label, hd_location_explain (location->kind));
  gtk_widget_set_visible (GTK_WIDGET (self->location_label),
                          hd_location_is_shared (location->kind));
  if (unsafe)
    gtk_widget_add_css_class (GTK_WIDGET (self->location_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->location_label), "warning");
}

static void
set_folder (HdWelcomePage *self,
            const char    *folder)
{
  g_autoptr(GTask) task = NULL;

  g_free (self->folder);
  self->folder = g_strdup (folder);
  adw_action_row_set_subtitle (self->location_row, folder);

  /* statfs() on a share that went away can hang: ask on a worker. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, detect_done, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (folder), g_free);
  g_task_run_in_thread (task, detect_in_thread);
}

static void
create_cb (HdWelcomePage *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *path = g_build_filename (self->folder, "helpdesk.db", NULL);

  g_signal_emit (self, signals[CREATE], 0, path, name[0] != '\0' ? name : _("Helpdesk"));
}

static void
chooser_response_cb (HdWelcomePage        *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        set_folder (self, path);
    }

  g_clear_object (&self->chooser);
}

static void
choose_folder_cb (HdWelcomePage *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose a Folder for the Helpdesk"),
                                               GTK_WINDOW (native),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
recent_activated_cb (HdWelcomePage *self,
                     GtkListBoxRow *row)
{
  g_signal_emit (self, signals[OPEN], 0, g_object_get_data (G_OBJECT (row), "hd-path"));
}

static void
hd_welcome_page_dispose (GObject *object)
{
  HdWelcomePage *self = (HdWelcomePage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (hd_welcome_page_parent_class)->dispose (object);
}

static void
hd_welcome_page_finalize (GObject *object)
{
  g_free (HD_WELCOME_PAGE (object)->folder);

  G_OBJECT_CLASS (hd_welcome_page_parent_class)->finalize (object);
}

static void
hd_welcome_page_class_init (HdWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_welcome_page_dispose;
  object_class->finalize = hd_welcome_page_finalize;

  /**
   * HdWelcomePage::create:
   * @path: where the new file goes
   * @name: the helpdesk's name
   */
  signals[CREATE] = g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                  G_TYPE_STRING, G_TYPE_STRING);
  /**
   * HdWelcomePage::open:
   * @path: a recent helpdesk file
   */
  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HdWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HdWelcomePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, HdWelcomePage, name_row);
  gtk_widget_class_bind_template_child (widget_class, HdWelcomePage, location_row);
  gtk_widget_class_bind_template_child (widget_class, HdWelcomePage, location_label);
  gtk_widget_class_bind_template_child (widget_class, HdWelcomePage, recent_group);
  gtk_widget_class_bind_template_child (widget_class, HdWelcomePage, recent_list);
  gtk_widget_class_bind_template_callback (widget_class, create_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_cb);
  gtk_widget_class_bind_template_callback (widget_class, recent_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hd_welcome_page_init (HdWelcomePage *self)
{
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Installed under the application id, which the profile changes. */
  adw_status_page_set_icon_name (self->status_page, APPLICATION_ID);

  path = hd_store_default_path ();
  folder = g_path_get_dirname (path);
  set_folder (self, folder);
}

GtkWidget *
hd_welcome_page_new (void)
{
  return g_object_new (HD_TYPE_WELCOME_PAGE, NULL);
}

static void
query_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWidget) row = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *list = gtk_widget_get_parent (row);
  HdWelcomePage *self;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (list == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return;

  self = HD_WELCOME_PAGE (gtk_widget_get_ancestor (list, HD_TYPE_WELCOME_PAGE));
  gtk_list_box_remove (GTK_LIST_BOX (list), row);
  if (self != NULL && gtk_widget_get_first_child (list) == NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->recent_group), FALSE);
}

/* Drops the row of a file that is gone. Asked on a worker: on a share that
 * went away even stat() can hang, and the window must not. */
static void
check_still_there (HdWelcomePage *self,
                   GtkWidget     *row,
                   const char    *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, NULL, query_done, g_object_ref (row));
}

void
hd_welcome_page_set_recent (HdWelcomePage      *self,
                            const char * const *paths)
{
  GtkWidget *child;
  guint n = 0;

  g_return_if_fail (HD_IS_WELCOME_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (paths[i]);
      g_autofree char *dir = g_path_get_dirname (paths[i]);
      GtkWidget *row;

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "hd-path", g_strdup (paths[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
      check_still_there (self, row, paths[i]);
      n++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), n > 0);
}

/**
 * hd_welcome_page_set_error:
 * @message: (nullable): why the last file could not be opened or created
 */
void
hd_welcome_page_set_error (HdWelcomePage *self,
                           const char    *message)
{
  g_return_if_fail (HD_IS_WELCOME_PAGE (self));

  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/**
 * hd_welcome_page_set_folder:
 * @folder: where a new helpdesk would go
 *
 * Also says, once it is known, what kind of place that is.
 */
void
hd_welcome_page_set_folder (HdWelcomePage *self,
                            const char    *folder)
{
  g_return_if_fail (HD_IS_WELCOME_PAGE (self));
  g_return_if_fail (folder != NULL);

  set_folder (self, folder);
}
