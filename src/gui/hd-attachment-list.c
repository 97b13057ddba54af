/* hd-attachment-list.c — the files under one message, to open or save
 *
 * Each file shows its type's icon, its name and size, and two buttons.
 * Open writes a private, read-only copy under the user's cache folder
 * and hands it to the default application; Save As writes where the
 * person chooses. Both read the file on the store's worker thread, and
 * nothing opens unless the person asks: a file whose type could run a
 * program is only ever saved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hd-attachment-list.h"
#include "hd-store-async.h"

struct _HdAttachmentList
{
  GtkWidget     parent_instance;

  /* owned */
  HdStore      *store;
  GPtrArray    *attachments;   /* HdAttachment */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (HdAttachmentList, hd_attachment_list, GTK_TYPE_WIDGET)

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  gint64  id;
  char   *name;
  GFile  *dest;        /* Save As: where; Open: NULL */
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_free (job->name);
  g_clear_object (&job->dest);
  g_free (job);
}

static void
tell (HdAttachmentList *self,
      const char       *message)
{
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

/* Opening */

/**
 * hd_attachment_list_open_path:
 *
 * Returns: (transfer full): where Open keeps its copy of attachment @id:
 *   a folder of its own under the cache, the file under its stored name
 */
char *
hd_attachment_list_open_path (gint64      id,
                              const char *name)
{
  g_autofree char *folder = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return g_build_filename (g_get_user_cache_dir (), "helpdesk", "attachments", folder, name, NULL);
}

/* A fresh copy each time, read-only: what the application shows is what
 * the file holds, and it cannot be changed by mistake and taken for the
 * stored one. */
static gpointer
open_copy_job (HdStore  *store,
               gpointer  data,
               GError  **error)
{
  SaveJob *job = data;
  g_autofree char *path = hd_attachment_list_open_path (job->id, job->name);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) saved = NULL;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("Could not make a folder for the copy: %s"), g_strerror (errno));
      return NULL;
    }
  g_chmod (folder, 0700);
  g_unlink (path);
  saved = hd_store_save_attachment (store, job->id, file, FALSE, NULL, error);
  if (saved == NULL)
    return NULL;
  g_chmod (path, 0400);
  return g_steal_pointer (&saved);
}

static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HdAttachmentList) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("No application could open the file: %s"),
                                               error->message);

      tell (self, text);
    }
}

static void
open_copy_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HdAttachmentList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) copy = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autoptr(GdkAppLaunchContext) context = NULL;
  g_autofree char *uri = NULL;

  if (copy == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tell (self, error->message);
      return;
    }
  uri = g_file_get_uri (copy);
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), self->cancellable,
                                           launched_cb, g_object_ref (self));
}

/* Types whose default application may run them rather than show them.
 * Not g_content_type_can_be_executable(): that says yes to all text. */
static gboolean
may_run (const char *type)
{
  static const char * const running[] = {
    "application/x-executable", "application/x-sharedlib", "application/x-desktop",
    "application/x-shellscript", "application/x-ms-dos-executable", "application/x-msdownload",
    "application/x-msi", "application/x-ms-shortcut", "application/vnd.microsoft.portable-executable",
    "application/x-python-bytecode", "text/x-python", "text/x-python3", "application/x-perl",
    "application/x-ruby", "application/x-java-archive", "application/x-flatpakref",
    "application/vnd.flatpak.ref", "application/x-deb", "application/vnd.debian.binary-package",
    "application/x-rpm", "application/vnd.appimage", "application/x-iso9660-appimage",
  };

  for (guint i = 0; i < G_N_ELEMENTS (running); i++)
    {
      g_autofree char *other = g_content_type_from_mime_type (running[i]);

      if (other != NULL && g_content_type_is_a (type, other))
        return TRUE;
    }
  return FALSE;
}

/**
 * hd_attachment_list_open:
 *
 * Opens attachment @index with the default application, from a private
 * read-only copy; a type that could run a program is refused.
 */
void
hd_attachment_list_open (HdAttachmentList *self,
                         guint             index)
{
  HdAttachment *a;
  g_autofree char *type = NULL;
  SaveJob *job;

  g_return_if_fail (HD_IS_ATTACHMENT_LIST (self));
  g_return_if_fail (index < self->attachments->len);

  a = g_ptr_array_index (self->attachments, index);
  type = g_content_type_from_mime_type (a->content_type);
  if (type == NULL || may_run (type))
    {
      tell (self, _("This kind of file could run a program. Save it, and open it yourself if you trust it."));
      return;
    }

  job = g_new0 (SaveJob, 1);
  job->id = a->id;
  job->name = g_strdup (a->name);
  hd_store_run_async (self->store, open_copy_job, job, (GDestroyNotify) save_job_free,
                      g_object_unref, self->cancellable, open_copy_done, g_object_ref (self));
}

/* Saving */

static gpointer
save_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  SaveJob *job = data;

  /* The chooser asked before replacing a file. */
  return hd_store_save_attachment (store, job->id, job->dest, TRUE, NULL, error);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdAttachmentList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) saved = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (saved == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tell (self, error->message);
      return;
    }
  name = g_file_get_basename (saved);
  text = g_strdup_printf (_("Saved “%s”"), name);
  tell (self, text);
}

/**
 * hd_attachment_list_save_to:
 * @dest: the file to write (replaced if it exists), or a folder
 *
 * What Save As does once the person chose where: also the way tests save.
 */
void
hd_attachment_list_save_to (HdAttachmentList *self,
                            guint             index,
                            GFile            *dest)
{
  SaveJob *job;

  g_return_if_fail (HD_IS_ATTACHMENT_LIST (self));
  g_return_if_fail (index < self->attachments->len);

  job = g_new0 (SaveJob, 1);
  job->id = ((HdAttachment *) g_ptr_array_index (self->attachments, index))->id;
  job->dest = g_object_ref (dest);
  hd_store_run_async (self->store, save_job, job, (GDestroyNotify) save_job_free, g_object_unref,
                      self->cancellable, save_done, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  HdAttachmentList *self = g_object_get_data (G_OBJECT (chooser), "list");
  guint index = GPOINTER_TO_UINT (user_data);
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        hd_attachment_list_save_to (self, index, file);
    }
  g_object_unref (chooser);
}

static void
save_as (HdAttachmentList *self,
         guint             index)
{
  HdAttachment *a = g_ptr_array_index (self->attachments, index);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Save Attachment"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), a->name);
  g_object_set_data_full (G_OBJECT (chooser), "list", g_object_ref (self), g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb),
                    GUINT_TO_POINTER (index));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Rows */

static void
open_clicked_cb (GtkButton        *button,
                 HdAttachmentList *self)
{
  hd_attachment_list_open (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

static void
save_clicked_cb (GtkButton        *button,
                 HdAttachmentList *self)
{
  save_as (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

static GtkWidget *
row_button (HdAttachmentList *self,
            const char       *icon,
            const char       *tooltip,
            const char       *label,
            guint             index,
            GCallback         callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (index));
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static GtkWidget *
create_row (HdAttachmentList *self,
            HdAttachment     *a,
            guint             index)
{
  g_autofree char *type = g_content_type_from_mime_type (a->content_type);
  g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (type != NULL ? type : "application/octet-stream");
  g_autofree char *size = g_format_size (a->size);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *image = gtk_image_new_from_gicon (icon);
  GtkWidget *name = gtk_label_new (a->name);
  GtkWidget *size_label = gtk_label_new (size);
  g_autofree char *open_label = g_strdup_printf (_("Open “%s”"), a->name);
  g_autofree char *save_label = g_strdup_printf (_("Save “%s” As…"), a->name);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_set_tooltip_text (name, a->name);
  gtk_widget_add_css_class (size_label, "dim-label");
  gtk_widget_add_css_class (size_label, "numeric");
  gtk_box_append (GTK_BOX (row), image);
  gtk_box_append (GTK_BOX (row), name);
  gtk_box_append (GTK_BOX (row), size_label);
  gtk_box_append (GTK_BOX (row), row_button (self, "document-open-symbolic", _("Open"), open_label,
                                             index, G_CALLBACK (open_clicked_cb)));
  gtk_box_append (GTK_BOX (row), row_button (self, "document-save-as-symbolic", _("Save As…"),
                                             save_label, index, G_CALLBACK (save_clicked_cb)));
  gtk_widget_add_css_class (row, "attachment");
  return row;
}

static void
hd_attachment_list_dispose (GObject *object)
{
  HdAttachmentList *self = HD_ATTACHMENT_LIST (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (hd_attachment_list_parent_class)->dispose (object);
}

static void
hd_attachment_list_class_init (HdAttachmentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_attachment_list_dispose;

  /**
   * HdAttachmentList::message:
   * @text: what to tell the person: saved, or why not
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachments");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hd_attachment_list_init (HdAttachmentList *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 2);
  self->cancellable = g_cancellable_new ();
}

/**
 * hd_attachment_list_new:
 * @store: read only through jobs
 * @attachments: (element-type HdAttachment): those of one message
 */
GtkWidget *
hd_attachment_list_new (HdStore   *store,
                        GPtrArray *attachments)
{
  HdAttachmentList *self = g_object_new (HD_TYPE_ATTACHMENT_LIST, NULL);

  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  self->store = g_object_ref (store);
  self->attachments = g_ptr_array_ref (attachments);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Attachments"), -1);
  for (guint i = 0; i < attachments->len; i++)
    gtk_widget_set_parent (create_row (self, g_ptr_array_index (attachments, i), i),
                           GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

guint
hd_attachment_list_get_n (HdAttachmentList *self)
{
  g_return_val_if_fail (HD_IS_ATTACHMENT_LIST (self), 0);
  return self->attachments->len;
}
