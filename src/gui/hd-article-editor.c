/* hd-article-editor.c
 *
 * Title, category path, tags, who may read it, and the Markdown text
 * beside its preview (above it when the window is narrow). The preview
 * follows the typing a moment later, not on every key.
 *
 * Saving names the version the editor opened: if someone saved the
 * article meanwhile, the person sees both versions and chooses, with their
 * text kept in the form. What the file refuses (an empty title, a bad
 * category name) shows under the form, text kept too. Closing with
 * unsaved text asks first.
 *
 * What is typed is also kept as a local draft (HdDrafts) a moment after
 * each keystroke and at once when the editor closes, and forgotten once
 * saved or discarded: it survives a save the file refused, the window
 * closing and a crash. Opening the editor again for the same article (or
 * New Article, or Publish as Article on the same ticket) brings it back
 * with a notice, still based on the version it began from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-article-editor.h"
#include "hd-drafts.h"
#include "hd-markdown-view.h"
#include "hd-store-async.h"

/* Quick enough to feel live, slow enough that a burst of typing renders once. */
#define PREVIEW_DELAY_MS 200

/* Side by side needs room for two readable columns. */
#define NARROW_WIDTH 760

/* Long enough to batch a burst of typing, short enough that a crash loses
 * at most the last words. */
#define DRAFT_DELAY_MS 700

struct _HdArticleEditor
{
  AdwWindow       parent_instance;

  /* template widgets */
  AdwWindowTitle *window_title;
  GtkButton      *save_button;
  GtkRevealer    *draft_revealer;
  GtkLabel       *draft_label;
  AdwEntryRow    *title_row;
  AdwEntryRow    *category_row;
  AdwEntryRow    *tags_row;
  AdwComboRow    *visibility_row;
  GtkLabel       *error_label;
  GtkBox         *panes;
  GtkTextView    *body_view;
  HdMarkdownView *preview_view;

  /* owned */
  HdStore        *store;
  HdArticle      *article;      /* the version opened; NULL for a new article */
  HdDrafts       *drafts;       /* NULL: nothing is kept */
  HdKbDraft      *original;     /* the form as it opened, for Discard */
  GCancellable   *cancellable;

  gint64          if_version;   /* what a save is based on */
  gint64          ticket;       /* a new article is linked to it */
  guint           preview_source;
  guint           draft_source; /* keeps the draft shortly after a keystroke */
  gboolean        dirty;
  gboolean        drafted;      /* typed here or restored: worth keeping */
  gboolean        draft_failed; /* told the person already */
  gboolean        filling;
  gboolean        closing;      /* the person agreed to lose their changes */
};

G_DEFINE_FINAL_TYPE (HdArticleEditor, hd_article_editor, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  gint64        id;           /* 0: add */
  gint64        if_version;
  gint64        ticket;
  char         *title;
  char         *body;
  char         *category;
  GStrv         tags;
  HdVisibility  visibility;
} Save;

static void
save_free (Save *s)
{
  g_free (s->title);
  g_free (s->body);
  g_free (s->category);
  g_strfreev (s->tags);
  g_free (s);
}

/* Jobs (worker thread) */

static gpointer
save_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Save *s = data;

  if (s->id == 0)
    {
      HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;

      draft.title = s->title;
      draft.body = s->body;
      draft.category = s->category;
      draft.tags = (const char * const *) s->tags;
      draft.visibility = s->visibility;
      draft.ticket = s->ticket;
      return hd_store_add_article (store, &draft, error);
    }
  else
    {
      HdArticleChanges changes = { 0 };

      changes.title = s->title;
      changes.body = s->body;
      changes.category = s->category;
      changes.set_tags = TRUE;
      changes.tags = (const char * const *) s->tags;
      changes.set_visibility = TRUE;
      changes.visibility = s->visibility;
      return hd_store_update_article (store, s->id, s->if_version, &changes, error);
    }
}

static gpointer
current_job (HdStore  *store,
             gpointer  data,
             GError  **error)
{
  return hd_store_get_article (store, *(gint64 *) data, error);
}

/* Helpers */

static char *
body_text (HdArticleEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* "printer, Paper jam ,," → { "printer", "Paper jam" }: the store
 * lower-cases and sorts. */
static GStrv
split_tags (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *tag = g_strstrip (parts[i]);

      if (tag[0] != '\0')
        g_strv_builder_add (builder, tag);
    }
  return g_strv_builder_end (builder);
}

static void
show_error (HdArticleEditor *self,
            const char      *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_busy (HdArticleEditor *self,
          gboolean         busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", !busy);
}

static void
update_preview (HdArticleEditor *self)
{
  g_autofree char *body = body_text (self);

  g_clear_handle_id (&self->preview_source, g_source_remove);
  hd_markdown_view_set_markdown (self->preview_view, body);
}

static gboolean
preview_cb (gpointer data)
{
  HdArticleEditor *self = data;

  self->preview_source = 0;
  update_preview (self);
  return G_SOURCE_REMOVE;
}

static HdVisibility
selected_visibility (HdArticleEditor *self)
{
  return adw_combo_row_get_selected (self->visibility_row) == 1 ? HD_VISIBILITY_FAQ
                                                                : HD_VISIBILITY_INTERNAL;
}

/* Widgets take UTF-8 only; a draft's text may have come from elsewhere. */
static void
set_row (AdwEntryRow *row,
         const char  *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  gtk_editable_set_text (GTK_EDITABLE (row), valid);
}

static void
fill (HdArticleEditor *self,
      const HdKbDraft *form)
{
  g_autofree char *body = g_utf8_make_valid (form->body != NULL ? form->body : "", -1);

  self->filling = TRUE;
  set_row (self->title_row, form->title);
  set_row (self->category_row, form->category);
  set_row (self->tags_row, form->tags);
  if (form->visibility >= 0)
    adw_combo_row_set_selected (self->visibility_row,
                                form->visibility == HD_VISIBILITY_FAQ ? 1 : 0);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), body, -1);
  self->filling = FALSE;
  update_preview (self);
}

static HdKbDraft *
form_new (const char         *title,
          const char         *body,
          const char         *category,
          const char * const *tags,
          HdVisibility        visibility)
{
  HdKbDraft *form = hd_kb_draft_new ();

  form->title = g_strdup (title);
  form->body = g_strdup (body);
  form->category = g_strdup (category);
  form->tags = tags != NULL ? g_strjoinv (", ", (GStrv) tags) : NULL;
  form->visibility = visibility;
  return form;
}

/* Drafts */

static gint64
draft_id (HdArticleEditor *self)
{
  return self->article != NULL ? hd_article_get_id (self->article) : HD_DRAFT_NEW_ARTICLE;
}

static HdKbDraft *
collect_draft (HdArticleEditor *self)
{
  HdKbDraft *draft = hd_kb_draft_new ();

  draft->base_version = self->article != NULL ? self->if_version : 0;
  draft->title = g_strdup (row_text (self->title_row));
  draft->body = body_text (self);
  draft->category = g_strdup (row_text (self->category_row));
  draft->tags = g_strdup (row_text (self->tags_row));
  draft->visibility = selected_visibility (self);
  return draft;
}

/* Writes the form as a draft, once something was typed. */
static void
keep_draft (HdArticleEditor *self)
{
  g_autoptr(HdKbDraft) draft = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->draft_source, g_source_remove);
  if (self->drafts == NULL || !self->drafted)
    return;

  draft = collect_draft (self);
  if (hd_drafts_set_article (self->drafts, draft_id (self), self->ticket, draft, &error))
    self->draft_failed = FALSE;
  else if (!self->draft_failed)
    {
      /* Once: it is retried with every keystroke. */
      self->draft_failed = TRUE;
      show_error (self, error->message);
    }
}

static gboolean
keep_draft_cb (gpointer data)
{
  HdArticleEditor *self = data;

  self->draft_source = 0;
  keep_draft (self);
  return G_SOURCE_REMOVE;
}

/* Saved or discarded: nothing to bring back. */
static void
forget_draft (HdArticleEditor *self)
{
  g_clear_handle_id (&self->draft_source, g_source_remove);
  self->drafted = FALSE;
  if (self->drafts != NULL)
    hd_drafts_remove_article (self->drafts, draft_id (self), self->ticket, NULL);
}

static char *
describe_restored (gint64 saved_at)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  char *text = NULL;

  if (saved_at > 0)
    when = g_date_time_new_from_unix_local (saved_at / G_USEC_PER_SEC);
  if (when != NULL && g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    /* Translators: a g_date_time_format() format */
    text = g_date_time_format (when, _("Restored your unsaved changes from today, %H:%M."));
  else if (when != NULL)
    /* Translators: a g_date_time_format() format */
    text = g_date_time_format (when, _("Restored your unsaved changes from %-d %B %Y, %H:%M."));

  return text != NULL ? text : g_strdup (_("Restored your unsaved changes from earlier."));
}

/* Puts the draft kept for this article back in the form. It keeps the
 * version it was based on: saving it after someone else saved the article
 * is a conflict, with both versions shown. */
static void
restore_draft (HdArticleEditor *self)
{
  g_autoptr(HdKbDraft) draft = NULL;
  g_autofree char *notice = NULL;

  if (self->drafts == NULL ||
      (draft = hd_drafts_get_article (self->drafts, draft_id (self), self->ticket)) == NULL)
    return;

  fill (self, draft);
  if (self->article != NULL && draft->base_version != 0)
    self->if_version = draft->base_version;
  self->dirty = TRUE;
  self->drafted = TRUE;

  notice = describe_restored (draft->saved_at);
  gtk_label_set_text (self->draft_label, notice);
  gtk_widget_set_visible (GTK_WIDGET (self->draft_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->draft_revealer, TRUE);
}

static void
discard_draft_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HdArticleEditor *self = HD_ARTICLE_EDITOR (widget);

  forget_draft (self);
  fill (self, self->original);
  self->if_version = self->article != NULL ? hd_article_get_version (self->article) : 0;
  /* A ticket's article is still not saved: closing it asks. */
  self->dirty = self->ticket != 0;
  show_error (self, NULL);
  gtk_revealer_set_reveal_child (self->draft_revealer, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->draft_revealer), FALSE);
}

/* Saving */

static Save *
collect (HdArticleEditor *self)
{
  Save *s = g_new0 (Save, 1);

  s->id = self->article != NULL ? hd_article_get_id (self->article) : 0;
  s->if_version = self->if_version;
  s->ticket = self->ticket;
  s->title = g_strdup (row_text (self->title_row));
  s->body = body_text (self);
  s->category = g_strstrip (g_strdup (row_text (self->category_row)));
  s->tags = split_tags (row_text (self->tags_row));
  s->visibility = selected_visibility (self);
  return s;
}

static void run_save (HdArticleEditor *self,
                      Save            *s);

static gboolean
close_cb (gpointer data)
{
  HdArticleEditor *self = data;

  self->closing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

/* From a message dialog's response: the dialog goes first (it is
 * transient for the editor and still being answered). */
static void
close_later (HdArticleEditor *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_cb, g_object_ref (self), g_object_unref);
}

typedef struct {
  HdArticleEditor *self;
  Save            *yours;
} Conflict;

static void
conflict_free (Conflict *c)
{
  g_clear_object (&c->self);
  g_clear_pointer (&c->yours, save_free);
  g_free (c);
}

static void
conflict_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      HdArticleEditor  *self)
{
  gint64 theirs = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "hd-version");

  if (g_strcmp0 (response, "discard") == 0)
    close_later (self);
  else if (g_strcmp0 (response, "overwrite") == 0)
    {
      /* Over the version the person has now seen, and no other. */
      self->if_version = theirs;
      run_save (self, collect (self));
    }
}

static void
append_difference (GString    *body,
                   const char *label,
                   const char *theirs,
                   const char *yours)
{
  g_autofree char *a = g_strdup (theirs != NULL && theirs[0] != '\0' ? theirs : "—");
  g_autofree char *b = g_strdup (yours != NULL && yours[0] != '\0' ? yours : "—");

  if (g_strcmp0 (a, b) == 0)
    return;
  if (g_utf8_strlen (a, -1) > 160)
    *g_utf8_offset_to_pointer (a, 160) = '\0';
  if (g_utf8_strlen (b, -1) > 160)
    *g_utf8_offset_to_pointer (b, 160) = '\0';

  g_string_append_printf (body, _("\n\n%s\nTheirs: %s\nYours: %s"), label, a, b);
}

static void
present_conflict (Conflict  *c,
                  HdArticle *theirs)
{
  HdArticleEditor *self = c->self;
  g_autoptr(GString) body = g_string_new (_("This article was changed while you were editing it. Your text is still in the form: save it over their change, or discard it and keep theirs."));
  gint64 version = theirs != NULL ? hd_article_get_version (theirs) : 0;
  GtkWidget *dialog;

  if (theirs != NULL)
    {
      append_difference (body, _("Title"), hd_article_get_title (theirs), c->yours->title);
      append_difference (body, _("Category"), hd_article_get_category_path (theirs),
                         c->yours->category);
      append_difference (body, _("Text"), hd_article_get_body (theirs), c->yours->body);
    }

  /* Plain text (body-use-markup is off): people's words as typed. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Someone Else Changed This Article"),
                                   body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard Mine"),
                                    "overwrite", _("_Save Mine"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "overwrite",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "overwrite",
                                           version != 0);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hd-version",
                          g_memdup2 (&version, sizeof version), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (conflict_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
current_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Conflict *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdArticle) theirs = hd_store_run_finish (HD_STORE (source), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    present_conflict (c, theirs);
  conflict_free (c);
}

static void
show_conflict (HdArticleEditor *self,
               Save            *s)
{
  Conflict *c = g_new0 (Conflict, 1);
  gint64 *id = g_memdup2 (&s->id, sizeof s->id);

  c->self = g_object_ref (self);
  c->yours = collect (self);
  hd_store_run_async (self->store, current_job, id, g_free, g_object_unref, self->cancellable,
                      current_done, c);
}

typedef struct {
  HdArticleEditor *self;
  Save            *save;   /* owned by the job, alive until this returns */
} SaveCall;

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree SaveCall *call = user_data;
  g_autoptr(HdArticleEditor) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdArticle) article = hd_store_run_finish (HD_STORE (source), result, &error);

  set_busy (self, FALSE);
  if (article == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, HD_ERROR, HD_ERROR_CONFLICT))
        {
          show_error (self, error->message);
          show_conflict (self, call->save);
        }
      else
        show_error (self, error->message);
      return;
    }

  self->dirty = FALSE;
  forget_draft (self);
  g_signal_emit (self, signals[SAVED], 0, article);
  gtk_window_close (GTK_WINDOW (self));
}

static void
run_save (HdArticleEditor *self,
          Save            *s)
{
  SaveCall *call = g_new0 (SaveCall, 1);

  call->self = g_object_ref (self);
  call->save = s;
  /* Kept until the file has it: a refusal or a crash loses nothing. */
  keep_draft (self);
  show_error (self, NULL);
  set_busy (self, TRUE);
  hd_store_run_async (self->store, save_job, s, (GDestroyNotify) save_free, g_object_unref,
                      self->cancellable, save_done, call);
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdArticleEditor *self = HD_ARTICLE_EDITOR (widget);

  run_save (self, collect (self));
}

/* Signal callbacks */

static void
edited_cb (HdArticleEditor *self)
{
  if (self->filling)
    return;

  self->dirty = TRUE;
  self->drafted = TRUE;
  if (self->drafts != NULL)
    {
      g_clear_handle_id (&self->draft_source, g_source_remove);
      self->draft_source = g_timeout_add (DRAFT_DELAY_MS, keep_draft_cb, self);
    }
}

static void
body_changed_cb (HdArticleEditor *self)
{
  edited_cb (self);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, preview_cb, self);
}

static void
width_changed_cb (HdArticleEditor *self)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->panes),
                                  width > 0 && width < NARROW_WIDTH ? GTK_ORIENTATION_VERTICAL
                                                                    : GTK_ORIENTATION_HORIZONTAL);
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     HdArticleEditor  *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    close_later (self);
}

/* GObject */

static gboolean
hd_article_editor_close_request (GtkWindow *window)
{
  HdArticleEditor *self = HD_ARTICLE_EDITOR (window);
  GtkWidget *dialog;

  if (self->closing)
    forget_draft (self);
  if (!self->dirty || self->closing)
    return GTK_WINDOW_CLASS (hd_article_editor_parent_class)->close_request (window);

  /* At once: the program may end before the question is answered. */
  keep_draft (self);
  dialog = adw_message_dialog_new (window, _("Discard Changes?"),
                                   _("What you wrote in this article is not saved and will be lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
hd_article_editor_dispose (GObject *object)
{
  HdArticleEditor *self = (HdArticleEditor *) object;

  /* Gone without Save or Discard (its window closed, the program quit):
   * kept for next time. */
  keep_draft (self);
  g_clear_object (&self->drafts);
  g_clear_pointer (&self->original, hd_kb_draft_free);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_ARTICLE_EDITOR);
  g_clear_object (&self->store);
  g_clear_object (&self->article);

  G_OBJECT_CLASS (hd_article_editor_parent_class)->dispose (object);
}

static void
hd_article_editor_class_init (HdArticleEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hd_article_editor_dispose;
  window_class->close_request = hd_article_editor_close_request;

  /**
   * HdArticleEditor::saved:
   * @article: the article as the file now holds it
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, HD_TYPE_ARTICLE);

  g_type_ensure (HD_TYPE_MARKDOWN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-article-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, draft_revealer);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, draft_label);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, category_row);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, tags_row);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, visibility_row);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, panes);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, body_view);
  gtk_widget_class_bind_template_child (widget_class, HdArticleEditor, preview_view);
  gtk_widget_class_bind_template_callback (widget_class, edited_cb);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "editor.discard-draft", NULL,
                                   discard_draft_activated);
}

static void
hd_article_editor_init (HdArticleEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (gtk_text_view_get_buffer (self->body_view), "changed",
                           G_CALLBACK (body_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::default-width", G_CALLBACK (width_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
}

/* Public API */

/**
 * hd_article_editor_new:
 * @store: used only through jobs
 * @article: (nullable): the article to edit, as last read; %NULL writes a
 *   new one
 * @prefill: (nullable): for a new article, what the form starts with; its
 *   ticket, when set, is linked to the article saved
 * @drafts: (nullable): where to keep what is typed until it is saved; a
 *   draft kept there for this article (or for a new one, or one from the
 *   same ticket) replaces what the form starts with
 */
GtkWidget *
hd_article_editor_new (GtkWindow            *parent,
                       HdStore              *store,
                       HdArticle            *article,
                       const HdArticleDraft *prefill,
                       HdDrafts             *drafts)
{
  HdArticleEditor *self;

  g_return_val_if_fail (HD_IS_STORE (store), NULL);
  g_return_val_if_fail (article == NULL || HD_IS_ARTICLE (article), NULL);
  g_return_val_if_fail (drafts == NULL || HD_IS_DRAFTS (drafts), NULL);

  self = g_object_new (HD_TYPE_ARTICLE_EDITOR, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  if (drafts != NULL)
    self->drafts = g_object_ref (drafts);
  if (article != NULL)
    {
      self->article = g_object_ref (article);
      self->if_version = hd_article_get_version (article);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Article"));
      adw_window_title_set_title (self->window_title, _("Edit Article"));
      adw_window_title_set_subtitle (self->window_title, hd_article_get_title (article));
      self->original = form_new (hd_article_get_title (article), hd_article_get_body (article),
                                 hd_article_get_category_path (article),
                                 hd_article_get_tags (article),
                                 hd_article_get_visibility (article));
    }
  else if (prefill != NULL)
    {
      g_autofree char *from = g_strdup_printf (_("From ticket #%" G_GINT64_FORMAT),
                                               prefill->ticket);

      adw_window_title_set_title (self->window_title, _("New Article"));
      self->ticket = prefill->ticket;
      if (prefill->ticket != 0)
        adw_window_title_set_subtitle (self->window_title, from);
      self->original = form_new (prefill->title, prefill->body, prefill->category,
                                 prefill->tags, prefill->visibility);
      /* A draft from a ticket is not saved yet: closing it asks. */
      self->dirty = TRUE;
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("New Article"));
      self->original = form_new (NULL, NULL, NULL, NULL, HD_VISIBILITY_INTERNAL);
    }
  fill (self, self->original);
  restore_draft (self);
  width_changed_cb (self);

  return GTK_WIDGET (self);
}

/* Whether the form holds text that is not saved. */
gboolean
hd_article_editor_has_changes (HdArticleEditor *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_EDITOR (self), FALSE);
  return self->dirty;
}
