/* hd-mail-template-editor.c
 *
 * One template of what Helpdesk mails on its own, as a subpage of
 * Preferences → Templates: the text, a preview filled in for a ticket of
 * the file (the newest one, or the one whose number is typed) that
 * follows the typing, the placeholders with what each stands for, and
 * Reset to Default. Only the dispatcher changes templates (core says who:
 * hd_rules_check_manage_mail()); other staff read them and try the
 * preview. Reading, previewing and saving are store jobs: the window
 * never waits on the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-mail-template-editor.h"
#include "hd-store-async.h"

/* The preview follows the typing this long after the last key. */
#define PREVIEW_DELAY_MS 200

struct _HdMailTemplateEditor
{
  GtkBox            parent_instance;

  /* template widgets */
  AdwWindowTitle   *window_title;
  GtkWidget        *save_button;
  AdwPreferencesGroup *text_group;
  GtkWidget        *reset_button;
  GtkTextView      *body_view;
  GtkLabel         *state_label;
  GtkLabel         *text_error;
  AdwEntryRow      *ticket_row;
  AdwActionRow     *subject_row;
  GtkLabel         *preview_label;
  GtkLabel         *preview_error;
  GtkListBox       *placeholder_list;

  /* owned */
  HdStore          *store;
  GCancellable     *cancellable;
  char             *name;
  char             *saved_text;     /* as the file holds it; NULL until read */
  gboolean          custom;         /* the file holds the dispatcher's own text */
  gboolean          editable;
  guint             preview_source;
  guint             preview_serial; /* the newest preview asked for */
  guint             pending;        /* jobs under way */
  gulong            close_request;  /* on the window, while rooted */
  gboolean          closing;        /* Discard chosen on closing the window */
};

G_DEFINE_FINAL_TYPE (HdMailTemplateEditor, hd_mail_template_editor, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_STORE,
  PROP_NAME,
  PROP_EDITABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a read or a reset brings back. */
typedef struct {
  char     *text;
  gboolean  custom;
  gint64    newest;     /* the newest ticket's number; 0: none */
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_free (loaded->text);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

typedef struct {
  char   *name;
  char   *body;       /* NULL: reset to the default */
  gint64  number;
  guint   serial;
  char   *subject;    /* out */
  char   *text;       /* out */
  GError *failure;    /* out: why there is no preview */
} Job;

static void
job_free (Job *job)
{
  g_free (job->name);
  g_free (job->body);
  g_free (job->subject);
  g_free (job->text);
  g_clear_error (&job->failure);
  g_free (job);
}

static Job *
job_new (HdMailTemplateEditor *self,
         const char           *body)
{
  Job *job = g_new0 (Job, 1);

  job->name = g_strdup (self->name);
  job->body = g_strdup (body);
  return job;
}

static void schedule_preview (HdMailTemplateEditor *self);

/* The form */

static char *
dup_body (HdMailTemplateEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
is_dirty (HdMailTemplateEditor *self)
{
  g_autofree char *body = dup_body (self);

  return self->editable && self->saved_text != NULL && g_strcmp0 (body, self->saved_text) != 0;
}

static void
update_state (HdMailTemplateEditor *self)
{
  gboolean dirty = is_dirty (self);
  gboolean idle = self->saved_text != NULL;
  const char *state;

  if (dirty)
    state = _("Changed here, not saved yet.");
  else if (self->custom)
    state = _("This helpdesk’s own text: every desk sends it.");
  else
    state = _("Helpdesk’s default text, in the language of the desk that sends it.");
  gtk_label_set_text (self->state_label, state);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "template.save",
                                 self->editable && idle && dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "template.reset",
                                 self->editable && idle && (dirty || self->custom));
}

static void
set_body (HdMailTemplateEditor *self,
          const char           *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), text, -1);
}

static void
toast (HdMailTemplateEditor *self,
       const char           *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static void
show_label (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

/* What is wrong in the text (an unknown placeholder) is said under the
 * text; what keeps the preview from a ticket, under the preview. */
static void
show_error (HdMailTemplateEditor *self,
            const GError         *error)
{
  gboolean in_text = g_error_matches (error, HD_ERROR, HD_ERROR_INVALID_INPUT);

  show_label (self->text_error, in_text ? error->message : NULL);
  show_label (self->preview_error, error != NULL && !in_text ? error->message : NULL);
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->preview_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->preview_label), "dim-label");
}

static void
show_preview_error (HdMailTemplateEditor *self,
                    const char           *text)
{
  show_label (self->text_error, NULL);
  show_label (self->preview_error, text);
  if (text != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->preview_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->preview_label), "dim-label");
}

/* The text as the file holds it, after a read, a save or a reset. */
static void
take_loaded (HdMailTemplateEditor *self,
             Loaded               *loaded)
{
  g_free (self->saved_text);
  self->saved_text = g_strdup (loaded->text);
  self->custom = loaded->custom;
  set_body (self, loaded->text);
  update_state (self);
}

/* Reading */

static gint64
newest_ticket (HdStore *store)
{
  HdTicketFilter filter = { .sort = HD_TICKET_SORT_NUMBER, .descending = TRUE, .limit = 1,
                            .summary = TRUE };
  g_autoptr(GPtrArray) tickets = hd_store_list_tickets (store, &filter, NULL);

  if (tickets == NULL || tickets->len == 0)
    return 0;
  return hd_ticket_get_number (g_ptr_array_index (tickets, 0));
}

static gpointer
load_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Job *job = data;
  g_autoptr(Loaded) loaded = g_new0 (Loaded, 1);

  loaded->text = hd_store_get_mail_template (store, job->name, &loaded->custom, error);
  if (loaded->text == NULL)
    return NULL;
  loaded->newest = newest_ticket (store);
  return g_steal_pointer (&loaded);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdMailTemplateEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Loaded) loaded = hd_store_run_finish (HD_STORE (source), result, &error);

  self->pending--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (loaded == NULL)
    {
      gtk_label_set_text (self->state_label, error->message);
      return;
    }
  if (loaded->newest > 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, loaded->newest);

      gtk_editable_set_text (GTK_EDITABLE (self->ticket_row), number);
    }
  take_loaded (self, loaded);
  gtk_text_view_set_editable (self->body_view, self->editable);
  gtk_text_view_set_cursor_visible (self->body_view, self->editable);
  schedule_preview (self);
}

static void
load (HdMailTemplateEditor *self)
{
  self->pending++;
  hd_store_run_async (self->store, load_job, job_new (self, NULL), (GDestroyNotify) job_free,
                      (GDestroyNotify) loaded_free, self->cancellable, load_done,
                      g_object_ref (self));
}

/* The preview */

/* Returns @data, with the preview or why there is none: a stale
 * answer is known by its serial, a refusal as much as a preview. */
static gpointer
preview_job (HdStore  *store,
             gpointer  data,
             GError  **error)
{
  Job *job = data;

  hd_store_preview_mail_template (store, job->name, job->number, job->body, &job->subject,
                                  &job->text, &job->failure);
  return job;
}

static void
preview_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HdMailTemplateEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  Job *job = hd_store_run_finish (HD_STORE (source), result, &error);

  self->pending--;
  if (job == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  /* Only the newest counts: the text changed again meanwhile. */
  if (job->serial != self->preview_serial)
    return;
  show_error (self, job->failure);
  if (job->failure != NULL)
    return;
  adw_action_row_set_subtitle (self->subject_row, job->subject);
  gtk_label_set_text (self->preview_label, job->text);
}

static gboolean
preview_cb (gpointer user_data)
{
  HdMailTemplateEditor *self = user_data;
  g_autofree char *body = dup_body (self);
  guint64 number = 0;
  Job *job;

  self->preview_source = 0;
  if (!g_ascii_string_to_unsigned (gtk_editable_get_text (GTK_EDITABLE (self->ticket_row)), 10,
                                   1, G_MAXINT64, &number, NULL))
    {
      show_preview_error (self, self->saved_text == NULL ? NULL
                          : _("Type the number of a ticket to preview the message with."));
      return G_SOURCE_REMOVE;
    }

  job = job_new (self, body);
  job->number = (gint64) number;
  job->serial = ++self->preview_serial;
  self->pending++;
  hd_store_run_async (self->store, preview_job, job, (GDestroyNotify) job_free, NULL,
                      self->cancellable, preview_done, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_preview (HdMailTemplateEditor *self)
{
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, preview_cb, self);
}

static void
body_changed_cb (HdMailTemplateEditor *self)
{
  if (self->saved_text == NULL)
    return;
  update_state (self);
  schedule_preview (self);
}

static void
ticket_apply_cb (HdMailTemplateEditor *self)
{
  schedule_preview (self);
}

/* Saving and Reset: both return the text as the file then holds it. */

static gpointer
save_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Job *job = data;
  g_autoptr(Loaded) loaded = g_new0 (Loaded, 1);

  if (!hd_store_set_mail_template (store, job->name, job->body, error))
    return NULL;
  loaded->text = hd_store_get_mail_template (store, job->name, &loaded->custom, error);
  if (loaded->text == NULL)
    return NULL;
  return g_steal_pointer (&loaded);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdMailTemplateEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Loaded) loaded = hd_store_run_finish (HD_STORE (source), result, &error);

  self->pending--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_text_view_set_editable (self->body_view, self->editable);
  if (loaded == NULL)
    {
      /* The text stays as typed, to correct or save again; why, under it. */
      update_state (self);
      show_label (self->text_error, error->message);
      toast (self, _("Template not saved"));
      return;
    }
  show_label (self->text_error, NULL);
  take_loaded (self, loaded);
  toast (self, loaded->custom ? _("Template saved") : _("Template reset to the default"));
  g_signal_emit (self, signals[SAVED], 0);
}

static void
save (HdMailTemplateEditor *self,
      const char           *body)
{
  /* Nothing typed meanwhile is lost: the form waits for the file. */
  gtk_text_view_set_editable (self->body_view, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "template.save", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "template.reset", FALSE);
  gtk_label_set_text (self->state_label, _("Saving…"));
  self->pending++;
  hd_store_run_async (self->store, save_job, job_new (self, body), (GDestroyNotify) job_free,
                      (GDestroyNotify) loaded_free, self->cancellable, save_done,
                      g_object_ref (self));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (widget);
  g_autofree char *body = dup_body (self);

  save (self, body);
}

/* Asks before something is lost: @response_id (destructive) or Cancel;
 * @func runs with the answer. */
static void
ask (HdMailTemplateEditor *self,
     const char           *heading,
     const char           *body,
     const char           *cancel_label,
     const char           *response_id,
     const char           *response_label,
     GCallback             func)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, NULL);

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", cancel_label,
                                    response_id, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response_id,
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", func, self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reset_response_cb (AdwMessageDialog     *dialog,
                   const char           *response,
                   HdMailTemplateEditor *self)
{
  if (g_str_equal (response, "reset"))
    save (self, NULL);
}

static void
reset_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (widget);
  /* TRANSLATORS: %s is a template's name, such as “Public Reply” */
  g_autofree char *body = g_strdup_printf (_("“%s” will be Helpdesk’s own text again, for every desk. The text written here is lost."),
                                           hd_mail_template_title (self->name));

  ask (self, _("Reset to the Default Text?"), body, _("_Cancel"), "reset", _("_Reset"),
       G_CALLBACK (reset_response_cb));
}

/* Back to the list, asking first when the text is not saved. */

static void
close_subpage (HdMailTemplateEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (root));
}

static void
discard_response_cb (AdwMessageDialog     *dialog,
                     const char           *response,
                     HdMailTemplateEditor *self)
{
  if (g_str_equal (response, "discard"))
    close_subpage (self);
}

static void
ask_discard (HdMailTemplateEditor *self,
             GCallback             func)
{
  /* TRANSLATORS: %s is a template's name, such as “Public Reply” */
  g_autofree char *body = g_strdup_printf (_("The changes to “%s” are not saved."),
                                           hd_mail_template_title (self->name));

  ask (self, _("Discard Changes?"), body, _("_Keep Editing"), "discard", _("_Discard"), func);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (widget);

  if (is_dirty (self))
    ask_discard (self, G_CALLBACK (discard_response_cb));
  else
    close_subpage (self);
}

/* Closing the window with text not saved asks too. */

static void
close_window_cb (gpointer data)
{
  g_autoptr(GtkWindow) window = data;

  gtk_window_close (window);
}

static void
close_response_cb (AdwMessageDialog     *dialog,
                   const char           *response,
                   HdMailTemplateEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!g_str_equal (response, "discard") || root == NULL)
    return;
  /* Once the dialog is done with its answer: closing the window takes
   * the dialog with it. */
  self->closing = TRUE;
  g_idle_add_once (close_window_cb, g_object_ref (root));
}

static gboolean
close_request_cb (GtkWindow            *window,
                  HdMailTemplateEditor *self)
{
  if (self->closing || !is_dirty (self))
    return FALSE;
  ask_discard (self, G_CALLBACK (close_response_cb));
  return TRUE;
}

/* The placeholders: each with what it stands for; the dispatcher puts
 * one in the text where the cursor is by choosing it. */

static void
placeholder_activated_cb (AdwActionRow         *row,
                          HdMailTemplateEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);

  gtk_text_buffer_insert_at_cursor (buffer, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                    -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
}

static void
add_placeholders (HdMailTemplateEditor *self)
{
  g_autofree const char **names = hd_mail_template_placeholders ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *braced = g_strdup_printf ("{%s}", names[i]);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), braced);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   hd_mail_template_placeholder_meaning (names[i]));
      if (self->editable)
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("list-add-symbolic");

          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          gtk_widget_set_tooltip_text (row, _("Insert into the text"));
          g_signal_connect_object (row, "activated", G_CALLBACK (placeholder_activated_cb), self, 0);
        }
      gtk_list_box_append (self->placeholder_list, row);
    }
}

/* GObject */

static void
hd_mail_template_editor_constructed (GObject *object)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (object);

  G_OBJECT_CLASS (hd_mail_template_editor_parent_class)->constructed (object);

  adw_window_title_set_title (self->window_title, hd_mail_template_title (self->name));
  adw_window_title_set_subtitle (self->window_title,
                                 self->editable ? _("Mail Template") : _("Mail Template, Read Only"));
  adw_preferences_group_set_description (self->text_group, hd_mail_template_describe (self->name));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (GTK_WIDGET (self->placeholder_list),
                                                                                          ADW_TYPE_PREFERENCES_GROUP)),
                                         self->editable
                                         ? _("Written in braces. Each is filled in when the message is sent; choose one to put it where the cursor is.")
                                         : _("Written in braces. Each is filled in when the message is sent. Only the dispatcher changes templates."));
  gtk_widget_set_visible (self->save_button, self->editable);
  gtk_widget_set_visible (self->reset_button, self->editable);
  add_placeholders (self);
  update_state (self);
  load (self);
}

static void
hd_mail_template_editor_root (GtkWidget *widget)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (widget);

  GTK_WIDGET_CLASS (hd_mail_template_editor_parent_class)->root (widget);
  self->close_request = g_signal_connect_object (gtk_widget_get_root (widget), "close-request",
                                                 G_CALLBACK (close_request_cb), self, 0);
}

static void
hd_mail_template_editor_unroot (GtkWidget *widget)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (widget);

  g_clear_signal_handler (&self->close_request, gtk_widget_get_root (widget));
  GTK_WIDGET_CLASS (hd_mail_template_editor_parent_class)->unroot (widget);
}

static void
hd_mail_template_editor_dispose (GObject *object)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_MAIL_TEMPLATE_EDITOR);

  G_OBJECT_CLASS (hd_mail_template_editor_parent_class)->dispose (object);
}

static void
hd_mail_template_editor_finalize (GObject *object)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_free (self->name);
  g_free (self->saved_text);

  G_OBJECT_CLASS (hd_mail_template_editor_parent_class)->finalize (object);
}

static void
hd_mail_template_editor_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  HdMailTemplateEditor *self = HD_MAIL_TEMPLATE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_EDITABLE:
      self->editable = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_mail_template_editor_class_init (HdMailTemplateEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hd_mail_template_editor_constructed;
  object_class->dispose = hd_mail_template_editor_dispose;
  object_class->finalize = hd_mail_template_editor_finalize;
  object_class->set_property = hd_mail_template_editor_set_property;
  widget_class->root = hd_mail_template_editor_root;
  widget_class->unroot = hd_mail_template_editor_unroot;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HD_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HdMailTemplateEditor:editable:
   *
   * Whether the person may change templates, as core's rules say.
   */
  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, FALSE,
                          G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HdMailTemplateEditor::saved:
   *
   * The file holds a new text for the template, or the default again.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-mail-template-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, text_group);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, reset_button);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, body_view);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, state_label);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, text_error);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, ticket_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, subject_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, preview_label);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, preview_error);
  gtk_widget_class_bind_template_child (widget_class, HdMailTemplateEditor, placeholder_list);
  gtk_widget_class_bind_template_callback (widget_class, ticket_apply_cb);

  gtk_widget_class_install_action (widget_class, "template.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "template.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "template.reset", NULL, reset_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "template.save", NULL);
}

static void
hd_mail_template_editor_init (HdMailTemplateEditor *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_text_view_set_editable (self->body_view, FALSE);
  g_signal_connect_object (gtk_text_view_get_buffer (self->body_view), "changed",
                           G_CALLBACK (body_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * hd_mail_template_editor_new:
 * @store: the store of the person looking, used only through jobs
 * @name: the template, one of hd_mail_template_names()
 * @editable: whether core lets this person change templates
 *
 * Returns: (transfer floating): the editor, to show as a subpage
 */
GtkWidget *
hd_mail_template_editor_new (HdStore    *store,
                             const char *name,
                             gboolean    editable)
{
  g_return_val_if_fail (HD_IS_STORE (store), NULL);
  g_return_val_if_fail (hd_mail_template_title (name) != NULL, NULL);

  return g_object_new (HD_TYPE_MAIL_TEMPLATE_EDITOR, "store", store, "name", name,
                       "editable", editable, NULL);
}

/* Whether every job asked for is done and the preview shown (for tests). */
gboolean
hd_mail_template_editor_is_idle (HdMailTemplateEditor *self)
{
  g_return_val_if_fail (HD_IS_MAIL_TEMPLATE_EDITOR (self), FALSE);

  return self->pending == 0 && self->preview_source == 0 && self->saved_text != NULL;
}
