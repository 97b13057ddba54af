/* hd-new-ticket-dialog.c
 *
 * Fields are checked as they are typed with the core's own validation, so
 * the message next to a field is exactly the rule the file enforces.
 *
 * What is typed is kept as a local draft until the ticket is filed:
 * closing the form, or the window, or the shared file refusing the ticket,
 * loses nothing; the form opens again with it, and Start Over clears it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-markdown-view.h"
#include "hd-new-ticket-dialog.h"
#include "hd-store-async.h"
#include "hd-validate.h"

struct _HdNewTicketDialog
{
  AdwWindow      parent_instance;

  /* template widgets */
  GtkButton     *create_button;
  AdwEntryRow   *title_row;
  GtkLabel      *title_error;
  GtkTextView   *description_view;
  GtkLabel      *description_error;
  AdwActionRow  *requester_row;
  GtkDropDown   *requester_dropdown;
  AdwComboRow   *priority_row;
  GtkStringList *priorities;
  AdwEntryRow   *category_row;
  AdwEntryRow   *department_row;
  AdwEntryRow   *location_row;
  GtkLabel      *fields_error;
  GtkRevealer   *restored_revealer;
  GtkWidget     *suggestions_group;
  GtkListBox    *suggestions_list;

  /* owned */
  HdStore       *store;
  HdPerson      *me;
  GListStore    *people;
  GCancellable  *cancellable;
  HdDrafts      *drafts;
  char          *requester;     /* from the draft, until the people are read */

  gboolean       touched;  /* no "must not be empty" before the first key */
  gboolean       filling;  /* setting widgets from the draft, not typing */
  guint          draft_source;
  guint          suggest_source;
  GCancellable  *suggesting;    /* the suggestions asked for last */
};

#define DRAFT_DELAY_MS 700

/* Suggestions follow the title once the person pauses. */
#define SUGGEST_DELAY_MS 300
#define N_SUGGESTIONS 3

G_DEFINE_FINAL_TYPE (HdNewTicketDialog, hd_new_ticket_dialog, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  HdTicketDraft draft;   /* strings owned */
} Draft;

static void
draft_free (Draft *d)
{
  g_free ((char *) d->draft.title);
  g_free ((char *) d->draft.description);
  g_free ((char *) d->draft.requester);
  g_free ((char *) d->draft.category);
  g_free ((char *) d->draft.department);
  g_free ((char *) d->draft.location);
  g_free (d);
}

static char *
description_text (HdNewTicketDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
show_problem (GtkLabel  *label,
              GtkWidget *row,
              GError    *error)
{
  gtk_label_set_text (label, error != NULL ? error->message : NULL);
  gtk_widget_set_visible (GTK_WIDGET (label), error != NULL);
  if (row != NULL && error != NULL)
    gtk_widget_add_css_class (row, "error");
  else if (row != NULL)
    gtk_widget_remove_css_class (row, "error");

  return error == NULL;
}

static gboolean
validate (HdNewTicketDialog *self)
{
  g_autoptr(GError) title = NULL;
  g_autoptr(GError) description = NULL;
  g_autoptr(GError) fields = NULL;
  g_autofree char *body = description_text (self);
  gboolean ok = TRUE;

  if (self->touched || text_of (self->title_row)[0] != '\0')
    {
      self->touched = TRUE;
      hd_validate_line (_("The title"), text_of (self->title_row), HD_MAX_TITLE_CHARS, TRUE,
                        &title);
    }
  hd_validate_body (_("The description"), body, FALSE, &description);
  if (hd_validate_line (_("The category"), text_of (self->category_row), HD_MAX_LINE_CHARS,
                        FALSE, &fields))
    if (hd_validate_line (_("The department"), text_of (self->department_row),
                          HD_MAX_LINE_CHARS, FALSE, &fields))
      hd_validate_line (_("The location"), text_of (self->location_row), HD_MAX_LINE_CHARS,
                        FALSE, &fields);

  ok &= show_problem (self->title_error, GTK_WIDGET (self->title_row), title);
  ok &= show_problem (self->description_error, NULL, description);
  ok &= show_problem (self->fields_error, NULL, fields);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.create",
                                 ok && text_of (self->title_row)[0] != '\0');
  return ok;
}

/* Drafts */

static char *
nonempty (const char *text)
{
  return text != NULL && text[0] != '\0' ? g_strdup (text) : NULL;
}

static HdPerson *
selected_requester (HdNewTicketDialog *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->requester_row)))
    return NULL;

  return gtk_drop_down_get_selected_item (self->requester_dropdown);
}

static void
keep_draft (HdNewTicketDialog *self)
{
  g_autoptr(HdDraft) draft = hd_draft_new ();
  g_autoptr(GError) error = NULL;
  HdPerson *requester = selected_requester (self);
  guint priority = adw_combo_row_get_selected (self->priority_row);

  g_clear_handle_id (&self->draft_source, g_source_remove);
  if (self->drafts == NULL)
    return;

  draft->title = nonempty (text_of (self->title_row));
  draft->description = description_text (self);
  if (draft->description[0] == '\0')
    g_clear_pointer (&draft->description, g_free);
  draft->category = nonempty (text_of (self->category_row));
  draft->department = nonempty (text_of (self->department_row));
  draft->location = nonempty (text_of (self->location_row));
  if (priority != HD_PRIORITY_NORMAL && priority != GTK_INVALID_LIST_POSITION)
    draft->priority = priority;
  if (requester != NULL && g_strcmp0 (hd_person_get_login (requester),
                                      hd_person_get_login (self->me)) != 0)
    draft->requester = g_strdup (hd_person_get_login (requester));
  else if (requester == NULL)
    draft->requester = g_strdup (self->requester);

  /* Only the choices alone, nothing typed: nothing worth keeping. */
  if (draft->title == NULL && draft->description == NULL && draft->category == NULL &&
      draft->department == NULL && draft->location == NULL)
    {
      hd_drafts_remove (self->drafts, HD_DRAFT_NEW_TICKET, NULL);
      return;
    }

  if (!hd_drafts_set (self->drafts, HD_DRAFT_NEW_TICKET, draft, &error))
    show_problem (self->fields_error, NULL, error);
}

static gboolean
keep_draft_cb (gpointer data)
{
  HdNewTicketDialog *self = data;

  self->draft_source = 0;
  keep_draft (self);
  return G_SOURCE_REMOVE;
}

static void
draft_changed (HdNewTicketDialog *self)
{
  if (self->filling || self->drafts == NULL)
    return;

  g_clear_handle_id (&self->draft_source, g_source_remove);
  self->draft_source = g_timeout_add (DRAFT_DELAY_MS, keep_draft_cb, self);
}

static void
set_row (AdwEntryRow *row,
         const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void title_changed_cb (HdNewTicketDialog *self);

static void
restore_draft (HdNewTicketDialog *self)
{
  g_autoptr(HdDraft) draft = hd_drafts_get (self->drafts, HD_DRAFT_NEW_TICKET);

  if (draft == NULL)
    return;

  self->filling = TRUE;
  set_row (self->title_row, draft->title);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                            draft->description != NULL ? draft->description : "", -1);
  set_row (self->category_row, draft->category);
  set_row (self->department_row, draft->department);
  set_row (self->location_row, draft->location);
  if (draft->priority >= HD_PRIORITY_LOW && draft->priority <= HD_PRIORITY_URGENT)
    adw_combo_row_set_selected (self->priority_row, draft->priority);
  g_free (self->requester);
  self->requester = g_strdup (draft->requester);
  self->filling = FALSE;

  gtk_revealer_set_reveal_child (self->restored_revealer, TRUE);
  validate (self);
  title_changed_cb (self);
}

static void
start_over_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HdNewTicketDialog *self = HD_NEW_TICKET_DIALOG (widget);

  g_clear_handle_id (&self->draft_source, g_source_remove);
  if (self->drafts != NULL)
    hd_drafts_remove (self->drafts, HD_DRAFT_NEW_TICKET, NULL);

  self->filling = TRUE;
  set_row (self->title_row, NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view), "", -1);
  set_row (self->category_row, NULL);
  set_row (self->department_row, NULL);
  set_row (self->location_row, NULL);
  adw_combo_row_set_selected (self->priority_row, HD_PRIORITY_NORMAL);
  self->filling = FALSE;

  self->touched = FALSE;
  gtk_revealer_set_reveal_child (self->restored_revealer, FALSE);
  validate (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}

static void
validate_cb (HdNewTicketDialog *self)
{
  validate (self);
  draft_changed (self);
}

/* Creating */

static gpointer
create_job (HdStore  *store,
            gpointer  data,
            GError  **error)
{
  return hd_store_create_ticket (store, &((Draft *) data)->draft, error);
}

static void
create_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HdNewTicketDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_store_run_finish (HD_STORE (source), result, &error);

  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
  if (ticket == NULL)
    {
      /* Everything typed stays; the reason shows under the title. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_problem (self->title_error, NULL, error);
      gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
      return;
    }

  /* Filed: no longer a draft, and nothing to keep when the form closes. */
  if (self->drafts != NULL)
    hd_drafts_remove (self->drafts, HD_DRAFT_NEW_TICKET, NULL);
  g_clear_object (&self->drafts);

  g_signal_emit (self, signals[CREATED], 0, hd_ticket_get_number (ticket));
  gtk_window_close (GTK_WINDOW (self));
}

static void
create_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HdNewTicketDialog *self = HD_NEW_TICKET_DIALOG (widget);
  HdPerson *requester = gtk_drop_down_get_selected_item (self->requester_dropdown);
  Draft *d;

  self->touched = TRUE;
  if (!validate (self))
    return;

  /* Kept until the file has it: a refusal or a crash loses nothing. */
  keep_draft (self);

  d = g_new0 (Draft, 1);
  d->draft.title = g_strdup (text_of (self->title_row));
  d->draft.description = description_text (self);
  d->draft.priority = adw_combo_row_get_selected (self->priority_row);
  d->draft.category = g_strdup (text_of (self->category_row));
  d->draft.department = g_strdup (text_of (self->department_row));
  d->draft.location = g_strdup (text_of (self->location_row));
  if (requester != NULL && gtk_widget_get_visible (GTK_WIDGET (self->requester_row)))
    d->draft.requester = g_strdup (hd_person_get_login (requester));

  /* A focused GtkText made insensitive never hears of it (GTK warns). */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  hd_store_run_async (self->store, create_job, d, (GDestroyNotify) draft_free, g_object_unref,
                      self->cancellable, create_done, g_object_ref (self));
}

/* Suggestions: articles that may answer the question before it is
 * filed. Requesters see FAQ articles only; the store sees to that. */

static gpointer
suggest_job (HdStore  *store,
             gpointer  title,
             GError  **error)
{
  return hd_store_suggest_articles (store, title, NULL, 0, N_SUGGESTIONS, error);
}

static GtkWidget *
create_suggestion (HdArticleHit *hit)
{
  HdArticle *article = hd_article_hit_get_article (hit);
  const char *path = hd_article_get_category_path (article);
  g_autofree char *title = hd_marked_text_to_markup (hd_article_hit_get_marked_title (hit),
                                                     "<b>", "</b>");
  g_autofree char *subtitle = g_markup_escape_text (path != NULL ? path : "", -1);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *body = hd_markdown_view_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  hd_markdown_view_set_markdown (HD_MARKDOWN_VIEW (body), hd_article_get_body (article));
  gtk_accessible_update_property (GTK_ACCESSIBLE (body), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  hd_article_get_title (article), -1);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), body);
  return row;
}

static void
suggest_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HdNewTicketDialog) self = user_data;
  g_autoptr(GPtrArray) hits = hd_store_run_finish (HD_STORE (source), result, NULL);
  GtkWidget *child;

  /* Cancelled (the title changed again) or failed: a help, not the form. */
  if (hits == NULL)
    return;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->suggestions_list))) != NULL)
    gtk_list_box_remove (self->suggestions_list, child);
  for (guint i = 0; i < hits->len; i++)
    gtk_list_box_append (self->suggestions_list, create_suggestion (g_ptr_array_index (hits, i)));
  gtk_widget_set_visible (self->suggestions_group, hits->len > 0);
}

static gboolean
suggest_cb (gpointer data)
{
  HdNewTicketDialog *self = data;

  self->suggest_source = 0;
  g_cancellable_cancel (self->suggesting);
  g_clear_object (&self->suggesting);
  if (self->store == NULL)
    return G_SOURCE_REMOVE;

  self->suggesting = g_cancellable_new ();
  hd_store_run_async (self->store, suggest_job, g_strdup (text_of (self->title_row)), g_free,
                      (GDestroyNotify) g_ptr_array_unref, self->suggesting, suggest_done,
                      g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
title_changed_cb (HdNewTicketDialog *self)
{
  g_clear_handle_id (&self->suggest_source, g_source_remove);
  self->suggest_source = g_timeout_add (SUGGEST_DELAY_MS, suggest_cb, self);
}

/* People */

static gpointer
people_job (HdStore  *store,
            gpointer  data,
            GError  **error)
{
  return hd_store_list_people (store, error);
}

static void
people_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HdNewTicketDialog) self = user_data;
  g_autoptr(GPtrArray) people = hd_store_run_finish (HD_STORE (source), result, NULL);

  if (people == NULL)
    return;

  for (guint i = 0; i < people->len; i++)
    {
      HdPerson *person = g_ptr_array_index (people, i);

      if (!hd_person_get_active (person))
        continue;
      g_list_store_append (self->people, person);
      /* Filed for oneself unless the dispatcher picks someone else (now,
       * or in the draft). */
      if (g_strcmp0 (hd_person_get_login (person),
                     self->requester != NULL ? self->requester
                                             : hd_person_get_login (self->me)) == 0)
        {
          self->filling = TRUE;
          gtk_drop_down_set_selected (self->requester_dropdown,
                                      g_list_model_get_n_items (G_LIST_MODEL (self->people)) - 1);
          self->filling = FALSE;
        }
    }
  g_clear_pointer (&self->requester, g_free);
}

/* GObject */

static void
hd_new_ticket_dialog_dispose (GObject *object)
{
  HdNewTicketDialog *self = (HdNewTicketDialog *) object;

  /* Closed without filing: what was typed is kept for next time. */
  if (self->draft_source != 0)
    keep_draft (self);
  g_clear_object (&self->drafts);
  g_clear_pointer (&self->requester, g_free);
  g_clear_handle_id (&self->suggest_source, g_source_remove);
  g_cancellable_cancel (self->suggesting);
  g_clear_object (&self->suggesting);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_NEW_TICKET_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->me);
  g_clear_object (&self->people);

  G_OBJECT_CLASS (hd_new_ticket_dialog_parent_class)->dispose (object);
}

static void
hd_new_ticket_dialog_class_init (HdNewTicketDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_new_ticket_dialog_dispose;

  /**
   * HdNewTicketDialog::created:
   * @number: the new ticket's number
   */
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-new-ticket-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, title_error);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, description_view);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, description_error);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, requester_row);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, requester_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, priority_row);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, priorities);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, category_row);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, department_row);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, fields_error);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, restored_revealer);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, suggestions_group);
  gtk_widget_class_bind_template_child (widget_class, HdNewTicketDialog, suggestions_list);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_install_action (widget_class, "dialog.create", NULL, create_activated);
  gtk_widget_class_install_action (widget_class, "dialog.start-over", NULL,
                                   start_over_activated);
}

static void
hd_new_ticket_dialog_init (HdNewTicketDialog *self)
{
  g_autoptr(GtkExpression) name = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->people = g_list_store_new (HD_TYPE_PERSON);

  for (HdPriority p = HD_PRIORITY_LOW; p <= HD_PRIORITY_URGENT; p++)
    gtk_string_list_append (self->priorities, hd_priority_to_label (p));
  adw_combo_row_set_selected (self->priority_row, HD_PRIORITY_NORMAL);

  name = gtk_property_expression_new (HD_TYPE_PERSON, NULL, "name");
  gtk_drop_down_set_expression (self->requester_dropdown, name);
  gtk_drop_down_set_model (self->requester_dropdown, G_LIST_MODEL (self->people));

  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (validate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->title_row, "changed", G_CALLBACK (title_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->priority_row, "notify::selected",
                           G_CALLBACK (draft_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->requester_dropdown, "notify::selected",
                           G_CALLBACK (draft_changed), self, G_CONNECT_SWAPPED);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->create_button));
  validate (self);
}

/**
 * hd_new_ticket_dialog_new:
 * @drafts: (nullable): where to keep what is typed until it is filed
 */
GtkWidget *
hd_new_ticket_dialog_new (GtkWindow *parent,
                          HdStore   *store,
                          HdPerson  *me,
                          HdDrafts  *drafts)
{
  HdNewTicketDialog *self;

  g_return_val_if_fail (HD_IS_STORE (store), NULL);
  g_return_val_if_fail (HD_IS_PERSON (me), NULL);

  self = g_object_new (HD_TYPE_NEW_TICKET_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->me = g_object_ref (me);
  if (drafts != NULL)
    {
      self->drafts = g_object_ref (drafts);
      restore_draft (self);
    }

  /* Staff file tickets for whoever phoned or came by. */
  gtk_widget_set_visible (GTK_WIDGET (self->requester_row), hd_person_is_staff (me));
  hd_store_run_async (store, people_job, NULL, NULL, (GDestroyNotify) g_ptr_array_unref,
                      self->cancellable, people_done, g_object_ref (self));

  return GTK_WIDGET (self);
}
