/* hd-article-view.c
 *
 * An article as the file holds it, read by a store job: its Markdown
 * rendered, where it sits, who wrote it and when; for staff also the
 * tickets linked to it (choosing one shows it) and its history, and Edit,
 * which opens HdArticleEditor on the version shown. An article with a
 * draft of this person's says so, and Continue Editing brings it back.
 * Its tags are buttons: choosing one asks for the articles with that tag.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-article-editor.h"
#include "hd-article-view.h"
#include "hd-format.h"
#include "hd-markdown-view.h"
#include "hd-store-async.h"

struct _HdArticleView
{
  GtkWidget       parent_instance;

  /* template widgets */
  GtkStack       *stack;
  AdwStatusPage  *empty_page;
  GtkRevealer    *draft_revealer;
  GtkLabel       *title_label;
  GtkButton      *edit_button;
  GtkButton      *archive_button;
  GtkLabel       *badge_label;
  GtkLabel       *meta_label;
  GtkWidget      *tags_row;
  GtkFlowBox     *tags_box;
  GtkLabel       *byline_label;
  HdMarkdownView *body_view;
  GtkWidget      *tickets_group;
  GtkListBox     *tickets_list;
  GtkWidget      *history_list;
  AdwExpanderRow *history_row;

  /* owned */
  HdStore        *store;
  HdPerson       *me;
  HdArticle      *article;
  HdDrafts       *drafts;
  GCancellable   *cancellable;
  GPtrArray      *history_rows;

  gint64          id;
};

G_DEFINE_FINAL_TYPE (HdArticleView, hd_article_view, GTK_TYPE_WIDGET)

enum {
  TICKET_ACTIVATED,
  TAG_ACTIVATED,
  CHANGED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  HdArticle *article;
  GPtrArray *tickets;    /* HdTicket; staff only */
  GPtrArray *history;    /* HdArticleRevision; staff only */
} Loaded;

static void
loaded_free (Loaded *l)
{
  g_clear_object (&l->article);
  g_clear_pointer (&l->tickets, g_ptr_array_unref);
  g_clear_pointer (&l->history, g_ptr_array_unref);
  g_free (l);
}

/* Jobs (worker thread) */

static gpointer
load_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  gint64 id = *(gint64 *) data;
  g_autoptr(HdPerson) me = hd_store_dup_me (store);
  Loaded *l = g_new0 (Loaded, 1);

  l->article = hd_store_get_article (store, id, error);
  if (l->article != NULL && hd_person_is_staff (me))
    {
      l->tickets = hd_store_list_article_tickets (store, id, error);
      if (l->tickets != NULL)
        l->history = hd_store_list_article_history (store, id, error);
      if (l->history == NULL)
        g_clear_object (&l->article);
    }

  if (l->article == NULL)
    {
      loaded_free (l);
      return NULL;
    }
  return l;
}

/* Showing */

/* Whether this person left unsaved changes to the article in the editor. */
static void
update_draft_notice (HdArticleView *self)
{
  g_autoptr(HdKbDraft) draft = NULL;
  gboolean kept;

  if (self->drafts != NULL && self->article != NULL)
    draft = hd_drafts_get_article (self->drafts, hd_article_get_id (self->article), 0);
  kept = draft != NULL && self->me != NULL && hd_person_is_staff (self->me);

  gtk_widget_set_visible (GTK_WIDGET (self->draft_revealer), kept);
  gtk_revealer_set_reveal_child (self->draft_revealer, kept);
}

static GtkWidget *
create_ticket_row (HdTicket *ticket)
{
  g_autofree char *number = hd_format_number (hd_ticket_get_number (ticket));
  g_autofree char *title = g_strdup_printf ("%s %s", number, hd_ticket_get_title (ticket));
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               hd_status_to_label (hd_ticket_get_status (ticket)));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "hd-number",
                          g_memdup2 (&(gint64) { hd_ticket_get_number (ticket) }, sizeof (gint64)),
                          g_free);
  return row;
}

static void
fill_tickets (HdArticleView *self,
              GPtrArray     *tickets)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tickets_list))) != NULL)
    gtk_list_box_remove (self->tickets_list, child);

  gtk_widget_set_visible (self->tickets_group, tickets != NULL);
  if (tickets == NULL)
    return;

  for (guint i = 0; i < tickets->len; i++)
    gtk_list_box_append (self->tickets_list, create_ticket_row (g_ptr_array_index (tickets, i)));

  if (tickets->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No ticket is linked to this article yet."));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->tickets_list, row);
    }
}

static char *
describe_revision (HdArticleRevision *revision)
{
  const char * const *fields = hd_article_revision_get_fields (revision);
  g_autofree char *joined = NULL;

  switch (hd_article_revision_get_kind (revision))
    {
    case HD_ARTICLE_EVENT_CREATED:
      return g_strdup (_("Wrote the article"));
    case HD_ARTICLE_EVENT_ARCHIVED:
      return g_strdup (_("Archived the article"));
    case HD_ARTICLE_EVENT_RESTORED:
      return g_strdup (_("Restored the article"));
    case HD_ARTICLE_EVENT_EDITED:
    default:
      if (fields == NULL || fields[0] == NULL)
        return g_strdup (_("Edited the article"));
      joined = g_strjoinv (", ", (GStrv) fields);
      /* The names of the fields changed: "title, body". */
      return g_strdup_printf (_("Changed the %s"), joined);
    }
}

static void
fill_history (HdArticleView *self,
              GPtrArray     *history)
{
  g_autofree char *count = NULL;

  for (guint i = 0; i < self->history_rows->len; i++)
    adw_expander_row_remove (self->history_row, g_ptr_array_index (self->history_rows, i));
  g_ptr_array_set_size (self->history_rows, 0);

  gtk_widget_set_visible (self->history_list, history != NULL);
  if (history == NULL)
    return;

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change", "%u changes",
                                        history->len),
                           history->len);
  adw_expander_row_set_subtitle (self->history_row, count);

  /* Newest first: what changed last is what a reader looks for. */
  for (guint i = history->len; i > 0; i--)
    {
      HdArticleRevision *revision = g_ptr_array_index (history, i - 1);
      g_autofree char *what = describe_revision (revision);
      g_autofree char *when = hd_format_time (hd_article_revision_get_at (revision),
                                              g_get_real_time ());
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s · version %" G_GINT64_FORMAT),
                                                   hd_article_revision_get_actor_name (revision),
                                                   when,
                                                   hd_article_revision_get_version (revision));
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_expander_row_add_row (self->history_row, row);
      g_ptr_array_add (self->history_rows, row);
    }
}

static GtkWidget *
create_tag_button (const char *tag)
{
  g_autofree char *tooltip = g_strdup_printf (_("Show the Articles Tagged “%s”"), tag);
  GtkWidget *button = gtk_button_new_with_label (tag);
  GtkWidget *child = gtk_flow_box_child_new ();

  /* The button takes the focus: one stop per tag. */
  gtk_widget_set_focusable (child, FALSE);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "kb-tag");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "article.show-tag");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (tag));
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), button);
  return child;
}

/* The buttons stay while the tags do: one keeps its focus through a
 * reload. */
static void
fill_tags (HdArticleView      *self,
           const char * const *old,
           const char * const *tags)
{
  GtkWidget *child;

  if (old != NULL && tags != NULL && g_strv_equal (old, tags))
    return;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tags_box))) != NULL)
    gtk_flow_box_remove (self->tags_box, child);

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    gtk_flow_box_insert (self->tags_box, create_tag_button (tags[i]), -1);
  gtk_widget_set_visible (self->tags_row, tags != NULL && tags[0] != NULL);
}

static void
fill (HdArticleView *self,
      Loaded        *l)
{
  HdArticle *a = l->article;
  const char *path = hd_article_get_category_path (a);
  g_autoptr(GString) meta = g_string_new (path != NULL ? path : _("Uncategorized"));
  g_autofree char *when = hd_format_time (hd_article_get_updated_at (a), g_get_real_time ());
  g_autofree char *byline = NULL;
  gboolean staff = self->me != NULL && hd_person_is_staff (self->me);
  g_autoptr(HdArticle) old = self->article != NULL ? g_object_ref (self->article) : NULL;

  g_set_object (&self->article, a);

  if (staff && hd_article_get_visibility (a) == HD_VISIBILITY_INTERNAL)
    g_string_append (meta, _(" · Internal: staff only"));
  if (hd_article_get_archived_at (a) != 0)
    g_string_append (meta, _(" · Archived"));

  byline = g_strdup_printf (_("Written by %s · updated %s"), hd_article_get_author_name (a),
                            when);

  gtk_label_set_text (self->title_label, hd_article_get_title (a));
  gtk_widget_set_visible (GTK_WIDGET (self->badge_label),
                          hd_article_get_visibility (a) == HD_VISIBILITY_FAQ);
  gtk_label_set_text (self->meta_label, meta->str);
  fill_tags (self, old != NULL ? hd_article_get_tags (old) : NULL, hd_article_get_tags (a));
  gtk_label_set_text (self->byline_label, byline);
  hd_markdown_view_set_markdown (self->body_view, hd_article_get_body (a));
  gtk_widget_set_visible (GTK_WIDGET (self->edit_button), staff);
  gtk_widget_set_visible (GTK_WIDGET (self->archive_button), staff);
  gtk_button_set_label (self->archive_button, hd_article_get_archived_at (a) != 0
                                              ? _("_Restore") : _("_Archive"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->archive_button),
                               hd_article_get_archived_at (a) != 0
                               ? _("Bring This Article Back to Lists and Searches")
                               : _("Take This Article Out of Lists and Searches"));
  fill_tickets (self, l->tickets);
  fill_history (self, l->history);
  update_draft_notice (self);
  gtk_stack_set_visible_child_name (self->stack, "article");
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdArticleView) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *l = hd_store_run_finish (HD_STORE (source), result, &error);

  if (l == NULL)
    {
      g_autofree char *markup = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->article);
      /* The description is markup; the error may quote a path. */
      markup = g_markup_escape_text (error->message, -1);
      adw_status_page_set_title (self->empty_page, _("This Article Cannot Be Shown"));
      adw_status_page_set_description (self->empty_page, markup);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if (hd_article_get_id (l->article) == self->id)
    fill (self, l);
  loaded_free (l);
}

static void
start_load (HdArticleView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  hd_store_run_async (self->store, load_job, g_memdup2 (&self->id, sizeof self->id), g_free,
                      (GDestroyNotify) loaded_free, self->cancellable, load_done,
                      g_object_ref (self));
}

/* Signal callbacks and actions */

static void
ticket_activated_cb (HdArticleView *self,
                     GtkListBoxRow *row)
{
  gint64 *number = g_object_get_data (G_OBJECT (row), "hd-number");

  if (number != NULL)
    g_signal_emit (self, signals[TICKET_ACTIVATED], 0, *number);
}

static void
show_tag_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_signal_emit (widget, signals[TAG_ACTIVATED], 0, g_variant_get_string (parameter, NULL));
}

static void
saved_cb (HdArticleView *self,
          HdArticle     *article)
{
  g_signal_emit (self, signals[CHANGED], 0, hd_article_get_id (article));
  if (hd_article_get_id (article) == self->id)
    start_load (self);
}

static void
edit_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdArticleView *self = HD_ARTICLE_VIEW (widget);
  GtkWidget *editor;

  if (self->article == NULL || self->store == NULL)
    return;

  editor = hd_article_editor_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store,
                                  self->article, NULL, self->drafts);
  g_signal_connect_object (editor, "saved", G_CALLBACK (saved_cb), self, G_CONNECT_SWAPPED);
  /* The editor keeps or forgets its draft before it goes. */
  g_signal_connect_object (editor, "destroy", G_CALLBACK (update_draft_notice), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

/* Archiving: out of lists, searches and suggestions, links and history
 * kept, and back with Restore. */

typedef struct {
  gint64   id;
  gint64   version;
  gboolean archived;
} Archive;

static gpointer
archive_job (HdStore  *store,
             gpointer  data,
             GError  **error)
{
  Archive *a = data;

  return hd_store_set_article_archived (store, a->id, a->version, a->archived, error);
}

static void
archive_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HdArticleView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdArticle) article = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autofree char *text = NULL;

  if (article == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[MESSAGE], 0, error->message);
      return;
    }

  text = g_strdup_printf (hd_article_get_archived_at (article) != 0
                          ? _("“%s” archived") : _("“%s” restored"),
                          hd_article_get_title (article));
  g_signal_emit (self, signals[MESSAGE], 0, text);
  saved_cb (self, article);
}

static void
archive_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HdArticleView *self = HD_ARTICLE_VIEW (widget);
  Archive *a;

  if (self->article == NULL || self->store == NULL)
    return;

  /* On the version shown: archiving what someone just changed is refused. */
  a = g_new0 (Archive, 1);
  a->id = hd_article_get_id (self->article);
  a->version = hd_article_get_version (self->article);
  a->archived = hd_article_get_archived_at (self->article) == 0;
  hd_store_run_async (self->store, archive_job, a, g_free, g_object_unref, self->cancellable,
                      archive_done, g_object_ref (self));
}

/* GObject */

static void
hd_article_view_dispose (GObject *object)
{
  HdArticleView *self = (HdArticleView *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_ARTICLE_VIEW);
  g_clear_object (&self->store);
  g_clear_object (&self->me);
  g_clear_object (&self->article);
  g_clear_object (&self->drafts);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (hd_article_view_parent_class)->dispose (object);
}

static void
hd_article_view_class_init (HdArticleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_article_view_dispose;

  /**
   * HdArticleView::ticket-activated:
   * @number: a linked ticket the person chose
   */
  signals[TICKET_ACTIVATED] = g_signal_new ("ticket-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * HdArticleView::tag-activated:
   * @tag: one of the article's tags, chosen to list the articles with it
   */
  signals[TAG_ACTIVATED] = g_signal_new ("tag-activated", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * HdArticleView::changed:
   * @id: the article this view's editor saved
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * HdArticleView::message:
   * @text: what happened, or why it could not
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (HD_TYPE_MARKDOWN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-article-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, stack);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, draft_revealer);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, title_label);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, edit_button);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, archive_button);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, badge_label);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, meta_label);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, tags_row);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, tags_box);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, byline_label);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, body_view);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, tickets_group);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, tickets_list);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, history_list);
  gtk_widget_class_bind_template_child (widget_class, HdArticleView, history_row);
  gtk_widget_class_install_action (widget_class, "article.edit", NULL, edit_activated);
  gtk_widget_class_install_action (widget_class, "article.archive", NULL, archive_activated);
  gtk_widget_class_install_action (widget_class, "article.show-tag", "s", show_tag_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hd_article_view_init (HdArticleView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->history_rows = g_ptr_array_new ();
  g_signal_connect_object (self->tickets_list, "row-activated", G_CALLBACK (ticket_activated_cb),
                           self, G_CONNECT_SWAPPED);
}

/* Public API */

GtkWidget *
hd_article_view_new (void)
{
  return g_object_new (HD_TYPE_ARTICLE_VIEW, NULL);
}

/**
 * hd_article_view_set_store:
 * @store: (nullable): used only through jobs
 * @me: (nullable): who is reading: staff see links, history and Edit
 */
void
hd_article_view_set_store (HdArticleView *self,
                           HdStore       *store,
                           HdPerson      *me)
{
  g_return_if_fail (HD_IS_ARTICLE_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->store, store);
  g_set_object (&self->me, me);
  hd_article_view_show (self, 0);
}

/**
 * hd_article_view_set_drafts:
 * @drafts: (nullable): where the editor keeps unsaved text for this file
 *   and person
 */
void
hd_article_view_set_drafts (HdArticleView *self,
                            HdDrafts      *drafts)
{
  g_return_if_fail (HD_IS_ARTICLE_VIEW (self));

  g_set_object (&self->drafts, drafts);
  update_draft_notice (self);
}

/**
 * hd_article_view_show:
 * @id: the article; 0 shows nothing
 */
void
hd_article_view_show (HdArticleView *self,
                      gint64         id)
{
  g_return_if_fail (HD_IS_ARTICLE_VIEW (self));

  if (id == self->id && id != 0)
    return;

  self->id = id;
  g_clear_object (&self->article);
  if (id == 0 || self->store == NULL)
    {
      self->id = 0;
      g_cancellable_cancel (self->cancellable);
      adw_status_page_set_title (self->empty_page, _("No Article Selected"));
      adw_status_page_set_description (self->empty_page,
                                       _("Choose an article from the list to read it."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  start_load (self);
}

/* Reads the article again: the file changed. */
void
hd_article_view_reload (HdArticleView *self)
{
  g_return_if_fail (HD_IS_ARTICLE_VIEW (self));

  if (self->id != 0 && self->store != NULL)
    start_load (self);
}

gint64
hd_article_view_get_id (HdArticleView *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_VIEW (self), 0);
  return self->id;
}

/**
 * hd_article_view_get_article:
 *
 * Returns: (transfer none) (nullable): the article as last read
 */
HdArticle *
hd_article_view_get_article (HdArticleView *self)
{
  g_return_val_if_fail (HD_IS_ARTICLE_VIEW (self), NULL);
  return self->article;
}
