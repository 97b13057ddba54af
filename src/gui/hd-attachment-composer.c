/* hd-attachment-composer.c — files waiting to go with a reply
 *
 * Files come from the Attach button's chooser, from a drop onto the
 * reply, or from an image pasted into it. Each is checked against the
 * file's limits when it is added, from its size alone, so that a file
 * too large is refused at once with the limit named, not when the reply
 * is sent. A pasted image is kept as PNG bytes until then.
 *
 * The pending files are kept as files and bytes, not as streams: a reply
 * the file refused can be sent again with the same files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-attachment-composer.h"
#include "hd-store-async.h"

typedef struct {
  char   *name;
  char   *content_type;
  gint64  size;
  GFile  *file;    /* or NULL */
  GBytes *bytes;   /* a pasted image; or NULL */
} Pending;

struct _HdAttachmentComposer
{
  GtkWidget     parent_instance;

  /* children */
  GtkWidget    *list;          /* a row per pending file */
  GtkWidget    *attach_button;

  /* owned */
  HdStore      *store;
  GPtrArray    *pending;       /* Pending */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (HdAttachmentComposer, hd_attachment_composer, GTK_TYPE_WIDGET)

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pending_free (Pending *p)
{
  g_free (p->name);
  g_free (p->content_type);
  g_clear_object (&p->file);
  g_clear_pointer (&p->bytes, g_bytes_unref);
  g_free (p);
}

static HdAttachmentInput *
pending_input (Pending *p)
{
  g_autoptr(GInputStream) stream = NULL;
  HdAttachmentInput *input;

  if (p->bytes == NULL)
    {
      input = g_new0 (HdAttachmentInput, 1);
      input->name = g_strdup (p->name);
      input->content_type = g_strdup (p->content_type);
      input->size = p->size;
      input->file = g_object_ref (p->file);
      return input;
    }
  stream = g_memory_input_stream_new_from_bytes (p->bytes);
  return hd_attachment_input_new_for_stream (p->name, p->content_type, p->size, stream);
}

static Pending *
pending_from_input (HdAttachmentInput *input,
                    GBytes            *bytes)
{
  Pending *p = g_new0 (Pending, 1);

  p->name = hd_attachment_sanitize_name (input->name);
  p->content_type = g_strdup (input->content_type);
  p->size = input->size;
  p->file = input->file != NULL ? g_object_ref (input->file) : NULL;
  p->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  return p;
}

static void
tell (HdAttachmentComposer *self,
      const char           *message)
{
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

/* The list */

static void
remove_clicked_cb (GtkButton            *button,
                   HdAttachmentComposer *self)
{
  Pending *p = g_object_get_data (G_OBJECT (button), "pending");
  guint index;

  if (g_ptr_array_find (self->pending, p, &index))
    {
      g_ptr_array_remove_index (self->pending, index);
      gtk_list_box_remove (GTK_LIST_BOX (self->list),
                           GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list),
                                                                      index)));
    }
  gtk_widget_set_visible (self->list, self->pending->len > 0);
}

static GtkWidget *
create_row (HdAttachmentComposer *self,
            Pending              *p)
{
  g_autofree char *type = g_content_type_from_mime_type (p->content_type);
  g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (type != NULL ? type : "application/octet-stream");
  g_autofree char *size = g_format_size (p->size);
  g_autofree char *remove_label = g_strdup_printf (_("Remove “%s”"), p->name);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (p->name);
  GtkWidget *size_label = gtk_label_new (size);
  GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (size_label, "dim-label");
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data (G_OBJECT (remove), "pending", p);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 2);
  gtk_box_append (GTK_BOX (row), gtk_image_new_from_gicon (icon));
  gtk_box_append (GTK_BOX (row), name);
  gtk_box_append (GTK_BOX (row), size_label);
  gtk_box_append (GTK_BOX (row), remove);
  return row;
}

static void
append_pending (HdAttachmentComposer *self,
                Pending              *p)
{
  g_ptr_array_add (self->pending, p);
  gtk_list_box_append (GTK_LIST_BOX (self->list), create_row (self, p));
  gtk_widget_set_visible (self->list, TRUE);
}

/* Adding: sizes read and checked on the worker thread */

typedef struct {
  GPtrArray *files;    /* GFile; or NULL */
  GBytes    *bytes;    /* a pasted image; or NULL */
  GPtrArray *pending;  /* HdAttachmentInput: the files already pending */
} AddJob;

static void
add_job_free (AddJob *job)
{
  g_clear_pointer (&job->files, g_ptr_array_unref);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_clear_pointer (&job->pending, g_ptr_array_unref);
  g_free (job);
}

static GPtrArray *
new_inputs (AddJob   *job,
            GError  **error)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_input_free);

  if (job->bytes != NULL)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (job->bytes);
      /* Translators: the name of an image pasted into a reply */
      g_ptr_array_add (inputs, hd_attachment_input_new_for_stream (_("Pasted image.png"), "image/png",
                                                                  g_bytes_get_size (job->bytes),
                                                                  stream));
    }
  for (guint i = 0; job->files != NULL && i < job->files->len; i++)
    {
      HdAttachmentInput *input = hd_attachment_input_new_for_file (g_ptr_array_index (job->files, i),
                                                                   NULL, error);
      if (input == NULL)
        return NULL;
      g_ptr_array_add (inputs, input);
    }
  return g_steal_pointer (&inputs);
}

static gpointer
add_job (HdStore  *store,
         gpointer  data,
         GError  **error)
{
  AddJob *job = data;
  g_autoptr(GPtrArray) added = new_inputs (job, error);
  g_autoptr(GPtrArray) all = NULL;

  if (added == NULL)
    return NULL;
  /* Those already pending, then the new ones: borrowed. */
  all = g_ptr_array_sized_new (job->pending->len + added->len);
  for (guint i = 0; i < job->pending->len; i++)
    g_ptr_array_add (all, g_ptr_array_index (job->pending, i));
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (all, g_ptr_array_index (added, i));
  if (!hd_store_check_attachment_sizes (store, all, error))
    return NULL;
  return g_steal_pointer (&added);
}

typedef struct {
  HdAttachmentComposer *self;
  GBytes               *bytes;
} AddCall;

static void
add_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree AddCall *call = user_data;
  g_autoptr(HdAttachmentComposer) self = call->self;
  g_autoptr(GBytes) bytes = call->bytes;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = hd_store_run_finish (HD_STORE (source), result, &error);

  if (added == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tell (self, error->message);
      return;
    }
  for (guint i = 0; i < added->len; i++)
    {
      HdAttachmentInput *input = g_ptr_array_index (added, i);

      append_pending (self, pending_from_input (input, input->file == NULL ? bytes : NULL));
    }
}

static void
start_add (HdAttachmentComposer *self,
           GPtrArray            *files,
           GBytes               *bytes)
{
  AddJob *job = g_new0 (AddJob, 1);
  AddCall *call = g_new0 (AddCall, 1);

  if (self->store == NULL)
    return;
  job->files = files != NULL ? g_ptr_array_ref (files) : NULL;
  job->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  job->pending = hd_attachment_composer_dup_inputs (self);
  call->self = g_object_ref (self);
  call->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  hd_store_run_async (self->store, add_job, job, (GDestroyNotify) add_job_free,
                      (GDestroyNotify) g_ptr_array_unref, self->cancellable, add_done, call);
}

/* Sources: the chooser, a drop, a paste */

static void
chooser_response_cb (GtkNativeDialog      *chooser,
                     int                   response,
                     HdAttachmentComposer *self)
{
  g_autoptr(GListModel) chosen = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      chosen = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      for (guint i = 0; i < g_list_model_get_n_items (chosen); i++)
        g_ptr_array_add (files, g_list_model_get_item (chosen, i));
      if (files->len > 0)
        start_add (self, files, NULL);
    }
  g_object_unref (chooser);
}

static void
attach_clicked_cb (HdAttachmentComposer *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Attach Files"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
drop_cb (GtkDropTarget        *target,
         const GValue         *value,
         double                x,
         double                y,
         HdAttachmentComposer *self)
{
  GSList *list = g_value_get_boxed (value);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, g_object_ref (l->data));
  if (files->len == 0)
    return FALSE;
  start_add (self, files, NULL);
  return TRUE;
}

static void
texture_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HdAttachmentComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result,
                                                                     &error);

  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tell (self, error->message);
      return;
    }
  hd_attachment_composer_add_texture (self, texture);
}

/* An image on the clipboard, and no text: attached, rather than nothing
 * pasted at all. Text pastes as text. */
static void
paste_cb (GtkTextView          *view,
          HdAttachmentComposer *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (!gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) ||
      gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    return;
  g_signal_stop_emission_by_name (view, "paste-clipboard");
  gdk_clipboard_read_texture_async (clipboard, self->cancellable, texture_read_cb,
                                    g_object_ref (self));
}

/* Object */

static void
hd_attachment_composer_dispose (GObject *object)
{
  HdAttachmentComposer *self = HD_ATTACHMENT_COMPOSER (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (hd_attachment_composer_parent_class)->dispose (object);
}

static void
hd_attachment_composer_class_init (HdAttachmentComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_attachment_composer_dispose;

  /**
   * HdAttachmentComposer::message:
   * @text: why a file was not added
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachmentcomposer");
}

static void
hd_attachment_composer_init (HdAttachmentComposer *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkWidget *content = adw_button_content_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  self->cancellable = g_cancellable_new ();

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Files to send with the reply"), -1);
  gtk_widget_set_visible (self->list, FALSE);
  gtk_widget_set_parent (self->list, GTK_WIDGET (self));

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "mail-attachment-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Attach Files…"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  self->attach_button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (self->attach_button), content);
  gtk_widget_set_halign (self->attach_button, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->attach_button, "flat");
  gtk_widget_set_tooltip_text (self->attach_button,
                               _("Attach files to the reply; you can also drop files or paste an image into it"));
  g_signal_connect_object (self->attach_button, "clicked", G_CALLBACK (attach_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_set_parent (self->attach_button, GTK_WIDGET (self));
}

/* Public API */

/**
 * hd_attachment_composer_set_store:
 * @store: (nullable): read only through jobs
 *
 * Also forgets the pending files: they were for another file.
 */
void
hd_attachment_composer_set_store (HdAttachmentComposer *self,
                                  HdStore              *store)
{
  g_return_if_fail (HD_IS_ATTACHMENT_COMPOSER (self));

  g_set_object (&self->store, store);
  hd_attachment_composer_clear (self);
}

/**
 * hd_attachment_composer_add_files:
 * @files: (element-type GFile):
 *
 * Adds @files if they fit the limits with those already pending;
 * otherwise ::message says which one does not and the limit.
 */
void
hd_attachment_composer_add_files (HdAttachmentComposer *self,
                                  GPtrArray            *files)
{
  g_return_if_fail (HD_IS_ATTACHMENT_COMPOSER (self));
  start_add (self, files, NULL);
}

/**
 * hd_attachment_composer_add_texture:
 *
 * Adds an image (pasted, say) as a PNG file.
 */
void
hd_attachment_composer_add_texture (HdAttachmentComposer *self,
                                    GdkTexture           *texture)
{
  g_autoptr(GBytes) png = NULL;

  g_return_if_fail (HD_IS_ATTACHMENT_COMPOSER (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  png = gdk_texture_save_to_png_bytes (texture);
  start_add (self, NULL, png);
}

/**
 * hd_attachment_composer_watch:
 * @view: the reply's text
 *
 * Files dropped onto @view and images pasted into it are attached.
 */
void
hd_attachment_composer_watch (HdAttachmentComposer *self,
                              GtkTextView          *view)
{
  GtkDropTarget *target;

  g_return_if_fail (HD_IS_ATTACHMENT_COMPOSER (self));

  /* Before the text view's own drop target, which would insert the
   * files' URIs as text. */
  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (target), GTK_PHASE_CAPTURE);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (view), GTK_EVENT_CONTROLLER (target));
  g_signal_connect_object (view, "paste-clipboard", G_CALLBACK (paste_cb), self, 0);
}

guint
hd_attachment_composer_get_n (HdAttachmentComposer *self)
{
  g_return_val_if_fail (HD_IS_ATTACHMENT_COMPOSER (self), 0);
  return self->pending->len;
}

/**
 * hd_attachment_composer_dup_inputs:
 *
 * Returns: (transfer full) (element-type HdAttachmentInput): the pending
 *   files, fresh for one attempt to send
 */
GPtrArray *
hd_attachment_composer_dup_inputs (HdAttachmentComposer *self)
{
  GPtrArray *inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_input_free);

  g_return_val_if_fail (HD_IS_ATTACHMENT_COMPOSER (self), inputs);

  for (guint i = 0; i < self->pending->len; i++)
    g_ptr_array_add (inputs, pending_input (g_ptr_array_index (self->pending, i)));
  return inputs;
}

void
hd_attachment_composer_clear (HdAttachmentComposer *self)
{
  GtkWidget *row;

  g_return_if_fail (HD_IS_ATTACHMENT_COMPOSER (self));

  g_ptr_array_set_size (self->pending, 0);
  while ((row = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), row);
  gtk_widget_set_visible (self->list, FALSE);
}
