/* hd-ticket-view.c
 *
 * Every read and write goes through store jobs on a worker thread. Edits
 * name the version they were based on: the version of the ticket when the
 * person started typing, so a change someone else saved meanwhile is a
 * conflict that they see and resolve, with their text kept, never a silent
 * overwrite.
 *
 * What the person types is also kept as a local draft (HdDrafts) a moment
 * after each keystroke, and forgotten once saved: it survives moving to
 * another ticket, a save the shared file refused, the window closing and a
 * crash, and comes back when the ticket is shown again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-article-editor.h"
#include "hd-assign-menu.h"
#include "hd-attachment-composer.h"
#include "hd-attachment-list.h"
#include "hd-drafts.h"
#include "hd-enum-types.h"
#include "hd-format.h"
#include "hd-rules.h"
#include "hd-mail-original.h"
#include "hd-store-async.h"
#include "hd-ticket-mail.h"
#include "hd-ticket-view.h"
#include "hd-markdown-text.h"

struct _HdTicketView
{
  GtkWidget       parent_instance;

  /* template widgets */
  GtkStack       *stack;
  GtkLabel       *number_label;
  GtkRevealer    *draft_revealer;
  AdwEntryRow    *title_row;
  AdwActionRow   *status_row;
  GtkMenuButton  *status_button;
  AdwActionRow   *priority_row;
  GtkMenuButton  *priority_button;
  AdwActionRow   *assignee_row;
  GtkMenuButton  *assignee_button;
  AdwActionRow   *tier_row;
  GtkMenuButton  *tier_button;
  AdwExpanderRow *sla_row;
  GPtrArray      *sla_lines;     /* the rows explaining the deadline */
  AdwActionRow   *requester_row;
  AdwEntryRow    *category_row;
  AdwEntryRow    *department_row;
  AdwEntryRow    *location_row;
  GtkTextView    *description_view;
  GtkButton      *save_description_button;
  GtkListBox     *timeline;
  HdTicketMail   *mail;
  GtkTextView    *composer_view;
  HdAttachmentComposer *attachment_composer;
  GtkScrolledWindow *ticket_scroller;
  GtkWidget      *ticket_clamp;
  GtkWidget      *send_button;
  guint           scroll_tick;    /* following the reply down, for scroll_frames more */
  guint           scroll_frames;
  GtkCheckButton *internal_check;
  GtkWidget      *linked_group;
  GtkWidget      *publish_button;
  GtkListBox     *linked_list;
  GtkWidget      *suggested_group;
  GtkListBox     *suggested_list;

  /* owned */
  HdStore        *store;
  HdPerson       *me;
  HdTicket       *ticket;
  GCancellable   *cancellable;
  HdDrafts       *drafts;

  gint64          number;
  gint64          edit_version;  /* version the pending edits are based on */
  gboolean        filling;       /* setting widgets from the file, not edits */
  guint           draft_source;  /* keeps the draft shortly after a keystroke */
  gboolean        draft_failed;  /* told the person already */
};

/* Long enough to batch a burst of typing, short enough that a crash loses
 * at most the last words. */
#define DRAFT_DELAY_MS 700

G_DEFINE_FINAL_TYPE (HdTicketView, hd_ticket_view, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  MESSAGE,
  TOAST,
  ARTICLE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  CHANGE_FIELDS,
  CHANGE_STATUS,
  CHANGE_ASSIGNEE,
  CHANGE_COMMENT,
  CHANGE_ESCALATE,
} ChangeKind;

typedef struct {
  ChangeKind       kind;
  gint64           number;
  gint64           if_version;
  HdTicketChanges  changes;    /* strings owned */
  HdStatus         status;
  char            *text;       /* assignee login, comment body or escalation note */
  gboolean         internal;
  int              tier;       /* escalating to */
  HdTicket        *before;     /* what the change undoes to */
  GPtrArray       *inputs;     /* a comment's files (HdAttachmentInput); or NULL */
} Change;

typedef struct {
  HdTicket   *ticket;
  GPtrArray  *events;
  HdWorkload *workload;  /* staff only: who can be assigned */
  HdSlaResult sla;
  char      **explanation;
  GPtrArray  *attachments;  /* HdAttachment, those this person may see */
} Loaded;

static void
change_free (Change *change)
{
  g_free ((char *) change->changes.title);
  g_free ((char *) change->changes.description);
  g_free ((char *) change->changes.category);
  g_free ((char *) change->changes.department);
  g_free ((char *) change->changes.location);
  g_free (change->text);
  g_clear_object (&change->before);
  g_clear_pointer (&change->inputs, g_ptr_array_unref);
  g_free (change);
}

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->ticket);
  g_clear_pointer (&loaded->events, g_ptr_array_unref);
  g_clear_pointer (&loaded->attachments, g_ptr_array_unref);
  g_clear_pointer (&loaded->workload, hd_workload_free);
  g_strfreev (loaded->explanation);
  g_free (loaded);
}

/* Jobs (worker thread) */

static gpointer
load_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  gint64 number = *(gint64 *) data;
  Loaded *loaded = g_new0 (Loaded, 1);
  g_autoptr(HdPerson) me = hd_store_dup_me (store);

  loaded->ticket = hd_store_get_ticket (store, number, error);
  if (loaded->ticket != NULL)
    loaded->events = hd_store_list_events (store, number, error);
  if (loaded->events != NULL)
    loaded->attachments = hd_store_list_attachments (store, number, error);
  if (loaded->attachments != NULL && hd_person_is_staff (me))
    loaded->workload = hd_workload_load (store, error);
  /* Why the deadline is what it is: worth a line, not a failed load. */
  if (loaded->events != NULL &&
      hd_store_get_sla (store, number, g_get_real_time (), &loaded->sla, NULL, NULL))
    loaded->explanation = hd_store_explain_sla (store, number, g_get_real_time (), NULL);

  if (loaded->attachments == NULL || (hd_person_is_staff (me) && loaded->workload == NULL))
    {
      loaded_free (loaded);
      return NULL;
    }

  return loaded;
}

static gpointer
change_job (HdStore  *store,
            gpointer  data,
            GError  **error)
{
  Change *change = data;

  switch (change->kind)
    {
    case CHANGE_FIELDS:
      return hd_store_update_ticket (store, change->number, change->if_version,
                                     &change->changes, error);
    case CHANGE_STATUS:
      return hd_store_set_ticket_status (store, change->number, change->if_version,
                                         change->status, error);
    case CHANGE_ASSIGNEE:
      return hd_store_assign_ticket (store, change->number, change->if_version, change->text,
                                     error);
    case CHANGE_COMMENT:
      if (change->inputs != NULL)
        return hd_store_add_comment_with_files (store, change->number, change->text,
                                                change->internal, change->inputs, NULL, error);
      return hd_store_add_comment (store, change->number, change->text, change->internal,
                                   error);
    case CHANGE_ESCALATE:
      return hd_store_escalate_ticket (store, change->number, change->if_version, change->tier,
                                       change->text, error);
    default:
      g_assert_not_reached ();
    }
}

/* Showing */

static char *
describe_event (HdTicketEvent *event)
{
  const char *field = hd_ticket_event_get_field (event);
  const char *old_value = hd_ticket_event_get_old_value (event);
  const char *new_value = hd_ticket_event_get_new_value (event);
  int from = 0, to = 0;

  switch (hd_ticket_event_get_kind (event))
    {
    case HD_EVENT_CREATED:
      return g_strdup (_("Filed the ticket"));
    case HD_EVENT_REPLY:
    case HD_EVENT_NOTE:
      return g_strdup (hd_ticket_event_get_body (event));
    case HD_EVENT_STATUS:
      hd_enum_from_nick (HD_TYPE_STATUS, old_value, &from);
      hd_enum_from_nick (HD_TYPE_STATUS, new_value, &to);
      return g_strdup_printf (_("Changed the status from %s to %s"), hd_status_to_label (from),
                              hd_status_to_label (to));
    case HD_EVENT_ASSIGNMENT:
      if (new_value == NULL)
        return g_strdup_printf (_("Unassigned the ticket from %s"), old_value);
      return g_strdup_printf (_("Assigned the ticket to %s"), new_value);
    case HD_EVENT_FIELD:
    default:
      /* An escalation: its note, when this person may read it, follows. */
      if (g_strcmp0 (field, "tier") == 0)
        {
          const char *note = hd_ticket_event_get_body (event);
          g_autofree char *moved = NULL;

          if (g_strcmp0 (old_value, new_value) < 0)
            moved = g_strdup_printf (_("Escalated the ticket from tier %s to tier %s"),
                                     old_value, new_value);
          else
            moved = g_strdup_printf (_("Returned the ticket from tier %s to tier %s"),
                                     old_value, new_value);
          if (note == NULL)
            return g_steal_pointer (&moved);
          return g_strdup_printf ("%s:\n%s", moved, note);
        }
      /* A knowledge-base article linked or unlinked: its number. */
      if (g_strcmp0 (field, "article") == 0)
        return new_value != NULL && new_value[0] != '\0'
               ? g_strdup_printf (_("Linked knowledge-base article %s"), new_value)
               : g_strdup_printf (_("Unlinked knowledge-base article %s"),
                                  old_value != NULL ? old_value : "");
      if (new_value == NULL || new_value[0] == '\0')
        return g_strdup_printf (_("Cleared the %s"), field);
      if (g_strcmp0 (field, "description") == 0)
        return g_strdup (_("Edited the description"));
      return g_strdup_printf (_("Changed the %s to “%s”"), field, new_value);
    }
}

static GtkWidget *
create_event_row (HdTicketEvent *event)
{
  HdEventKind kind = hd_ticket_event_get_kind (event);
  g_autofree char *when = hd_format_time (hd_ticket_event_get_at (event), g_get_real_time ());
  g_autofree char *text = describe_event (event);
  g_autofree char *header = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_label_new (NULL);
  GtkWidget *body = gtk_label_new (text);
  gboolean conversation = kind == HD_EVENT_REPLY || kind == HD_EVENT_NOTE;

  /* Names come from people: escape them, they are markup here. */
  header = g_markup_printf_escaped (kind == HD_EVENT_NOTE ? _("<b>%s</b> · internal note · %s")
                                                          : "<b>%s</b> · %s",
                                    hd_ticket_event_get_actor_name (event), when);
  gtk_label_set_markup (GTK_LABEL (top), header);
  gtk_label_set_xalign (GTK_LABEL (top), 0);
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (body), conversation);
  if (!conversation)
    gtk_widget_add_css_class (body, "dim-label");

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), body);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "hd-event",
                          g_memdup2 (&(gint64) { hd_ticket_event_get_id (event) }, sizeof (gint64)),
                          g_free);
  if (kind == HD_EVENT_NOTE)
    gtk_widget_add_css_class (row, "internal-note");

  return row;
}

static void
report (HdTicketView *self,
        const char   *message);

static void
attachment_message_cb (HdTicketView *self,
                       const char   *text)
{
  report (self, text);
}

/* The files that came with @event, under its text: those of the message
 * that filed the ticket (no event of their own) go with "created". */
static void
append_attachments (HdTicketView  *self,
                    GtkWidget     *row,
                    HdTicketEvent *event,
                    GPtrArray     *attachments)
{
  g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_free);
  gint64 id = hd_ticket_event_get_kind (event) == HD_EVENT_CREATED ? 0
                                                                    : hd_ticket_event_get_id (event);
  GtkWidget *list;

  for (guint i = 0; i < attachments->len; i++)
    {
      HdAttachment *a = g_ptr_array_index (attachments, i);

      if (a->event == id)
        g_ptr_array_add (mine, hd_attachment_copy (a));
    }
  if (mine->len == 0)
    return;

  list = hd_attachment_list_new (self->store, mine);
  g_signal_connect_object (list, "message", G_CALLBACK (attachment_message_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))), list);
}

static void
fill_timeline (HdTicketView *self,
               GPtrArray    *events,
               GPtrArray    *attachments)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->timeline))) != NULL)
    gtk_list_box_remove (self->timeline, child);

  for (guint i = 0; i < events->len; i++)
    {
      HdTicketEvent *event = g_ptr_array_index (events, i);
      GtkWidget *row = create_event_row (event);

      append_attachments (self, row, event, attachments);
      gtk_list_box_append (self->timeline, row);
    }
}

static GMenu *
status_menu (HdTicketView *self)
{
  GMenu *menu = g_menu_new ();

  for (HdStatus s = HD_STATUS_NEW; s <= HD_STATUS_CLOSED; s++)
    if (hd_rules_check_status (self->me, self->ticket, s, NULL))
      {
        g_autofree char *action = g_strdup_printf ("ticket.set-status::%s",
                                                   hd_enum_to_nick (HD_TYPE_STATUS, s));

        g_menu_append (menu, hd_status_to_label (s), action);
      }

  return menu;
}

static GMenu *
priority_menu (void)
{
  GMenu *menu = g_menu_new ();

  for (HdPriority p = HD_PRIORITY_LOW; p <= HD_PRIORITY_URGENT; p++)
    {
      g_autofree char *action = g_strdup_printf ("ticket.set-priority::%s",
                                                 hd_enum_to_nick (HD_TYPE_PRIORITY, p));

      g_menu_append (menu, hd_priority_to_label (p), action);
    }

  return menu;
}

/* The moves this person may make: one tier up, one down. */
static GMenu *
tier_menu (HdTicketView *self)
{
  GMenu *menu = g_menu_new ();
  int tier = hd_ticket_get_tier (self->ticket);

  if (hd_rules_check_escalate (self->me, self->ticket, tier + 1, NULL))
    {
      g_autofree char *label = g_strdup_printf (_("Escalate to Tier %d…"), tier + 1);

      g_menu_append (menu, label, "ticket.escalate('up')");
    }
  if (hd_rules_check_escalate (self->me, self->ticket, tier - 1, NULL))
    {
      g_autofree char *label = g_strdup_printf (_("Return to Tier %d…"), tier - 1);

      g_menu_append (menu, label, "ticket.escalate('down')");
    }

  return menu;
}

static void
set_entry (HdTicketView *self,
           AdwEntryRow  *row,
           const char   *value)
{
  /* Keep what the person is typing; the version they started from makes
   * saving it a conflict if the field changed meanwhile. */
  if (g_object_get_data (G_OBJECT (row), "hd-dirty") != NULL)
    return;

  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
}

static void
update_sensitivity (HdTicketView *self)
{
  gboolean staff = hd_person_is_staff (self->me);
  gboolean can_edit = hd_rules_check_edit (self->me, self->ticket, FALSE, NULL);
  gboolean open = hd_ticket_get_status (self->ticket) != HD_STATUS_CLOSED;

  gtk_widget_set_sensitive (GTK_WIDGET (self->title_row), can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->category_row), can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->department_row), can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->location_row), can_edit);
  gtk_text_view_set_editable (self->description_view, can_edit);
  gtk_widget_set_visible (GTK_WIDGET (self->priority_button), staff && open);
  gtk_widget_set_visible (GTK_WIDGET (self->assignee_button), staff && open);
  gtk_widget_set_visible (GTK_WIDGET (self->internal_check), staff);
  gtk_widget_set_visible (GTK_WIDGET (self->status_button),
                          g_menu_model_get_n_items (gtk_menu_button_get_menu_model (self->status_button)) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.send", open || staff);
  gtk_widget_set_visible (self->publish_button,
                          staff && (hd_ticket_get_status (self->ticket) == HD_STATUS_RESOLVED ||
                                    hd_ticket_get_status (self->ticket) == HD_STATUS_CLOSED));
  gtk_widget_set_visible (self->linked_group,
                          staff || gtk_widget_get_first_child (GTK_WIDGET (self->linked_list)) != NULL);
}

/* The running clock in a line (state in words, not colour alone), and the
 * engine's explanation below it: policy, calendar, pauses. */
static void
fill_deadline (HdTicketView *self,
               Loaded       *loaded)
{
  const HdSlaState *state = hd_sla_result_get_current (&loaded->sla);
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < self->sla_lines->len; i++)
    adw_expander_row_remove (self->sla_row, g_ptr_array_index (self->sla_lines, i));
  g_ptr_array_set_size (self->sla_lines, 0);

  gtk_widget_set_visible (GTK_WIDGET (self->sla_row), loaded->explanation != NULL);
  if (loaded->explanation == NULL)
    return;

  if (state->state == HD_SLA_NONE || state->due == 0)
    subtitle = g_strdup (hd_sla_due_state_to_label (state->state));
  else
    {
      g_autofree char *when = hd_format_deadline (state->due, g_get_real_time ());

      subtitle = g_strdup_printf (_("%s · due %s"), hd_sla_due_state_to_label (state->state),
                                  when);
    }
  adw_expander_row_set_subtitle (self->sla_row, subtitle);

  gtk_widget_remove_css_class (GTK_WIDGET (self->sla_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->sla_row), "warning");
  if (state->state == HD_SLA_BREACHED)
    gtk_widget_add_css_class (GTK_WIDGET (self->sla_row), "error");
  else if (state->state == HD_SLA_AT_RISK)
    gtk_widget_add_css_class (GTK_WIDGET (self->sla_row), "warning");

  for (guint i = 0; loaded->explanation[i] != NULL; i++)
    {
      GtkWidget *line = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (line), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (line), loaded->explanation[i]);
      gtk_widget_add_css_class (line, "property");
      adw_expander_row_add_row (self->sla_row, line);
      g_ptr_array_add (self->sla_lines, line);
    }
}

static void
fill (HdTicketView *self,
      Loaded       *loaded)
{
  HdTicket *t = loaded->ticket;
  g_autofree char *number = hd_format_number (hd_ticket_get_number (t));
  g_autofree char *assignee = hd_format_assignee (hd_ticket_get_assignee_name (t));
  g_autoptr(GMenu) statuses = NULL;
  g_autoptr(GMenu) priorities = priority_menu ();
  g_autoptr(GMenu) assignees = hd_assign_menu_new (loaded->workload, "ticket.assign");
  GtkTextBuffer *description = gtk_text_view_get_buffer (self->description_view);

  g_set_object (&self->ticket, t);
  self->filling = TRUE;

  gtk_label_set_label (self->number_label, number);
  set_entry (self, self->title_row, hd_ticket_get_title (t));
  set_entry (self, self->category_row, hd_ticket_get_category (t));
  set_entry (self, self->department_row, hd_ticket_get_department (t));
  set_entry (self, self->location_row, hd_ticket_get_location (t));
  if (!gtk_widget_get_visible (GTK_WIDGET (self->save_description_button)))
    gtk_text_buffer_set_text (description, hd_ticket_get_description (t), -1);

  adw_action_row_set_subtitle (self->status_row, hd_status_to_label (hd_ticket_get_status (t)));
  adw_action_row_set_subtitle (self->priority_row,
                               hd_priority_to_label (hd_ticket_get_priority (t)));
  adw_action_row_set_subtitle (self->assignee_row, assignee);
  adw_action_row_set_subtitle (self->requester_row, hd_ticket_get_requester_name (t));
  {
    g_autofree char *tier = g_strdup_printf (_("Tier %d"), hd_ticket_get_tier (t));
    g_autoptr(GMenu) moves = tier_menu (self);

    adw_action_row_set_subtitle (self->tier_row, tier);
    gtk_menu_button_set_menu_model (self->tier_button, G_MENU_MODEL (moves));
    gtk_widget_set_visible (GTK_WIDGET (self->tier_button),
                            g_menu_model_get_n_items (G_MENU_MODEL (moves)) > 0);
  }

  statuses = status_menu (self);
  gtk_menu_button_set_menu_model (self->status_button, G_MENU_MODEL (statuses));
  gtk_menu_button_set_menu_model (self->priority_button, G_MENU_MODEL (priorities));
  gtk_menu_button_set_menu_model (self->assignee_button, G_MENU_MODEL (assignees));
  gtk_menu_button_set_icon_name (self->status_button, "document-edit-symbolic");
  gtk_menu_button_set_icon_name (self->priority_button, "document-edit-symbolic");
  gtk_menu_button_set_icon_name (self->assignee_button, "system-users-symbolic");

  fill_timeline (self, loaded->events, loaded->attachments);
  fill_deadline (self, loaded);
  update_sensitivity (self);
  self->filling = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "ticket");
}

static void
report (HdTicketView *self,
        const char   *message)
{
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

/* The knowledge base beside the ticket: the articles linked to it, and
 * (staff) up to three more found from its title and description. Read on
 * each load, which follows every saved change, never on a keystroke. */

#define N_SUGGESTIONS 3

typedef struct {
  gint64  number;
  char   *title;
  char   *description;
  gboolean staff;
} KbQuery;

typedef struct {
  gint64     number;
  GPtrArray *linked;       /* HdArticle */
  GPtrArray *suggested;    /* HdArticleHit; NULL for requesters */
} KbLoaded;

typedef struct {
  gint64   article;
  gint64   number;
  gboolean link;           /* else unlink */
} LinkChange;

static void
kb_query_free (KbQuery *q)
{
  g_free (q->title);
  g_free (q->description);
  g_free (q);
}

static void
kb_loaded_free (KbLoaded *l)
{
  g_clear_pointer (&l->linked, g_ptr_array_unref);
  g_clear_pointer (&l->suggested, g_ptr_array_unref);
  g_free (l);
}

static gpointer
kb_job (HdStore  *store,
        gpointer  data,
        GError  **error)
{
  KbQuery *q = data;
  KbLoaded *l = g_new0 (KbLoaded, 1);

  l->number = q->number;
  l->linked = hd_store_list_ticket_articles (store, q->number, error);
  if (l->linked != NULL && q->staff)
    l->suggested = hd_store_suggest_articles (store, q->title, q->description, q->number,
                                              N_SUGGESTIONS, error);
  if (l->linked == NULL || (q->staff && l->suggested == NULL))
    {
      kb_loaded_free (l);
      return NULL;
    }
  return l;
}

static gpointer
link_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  LinkChange *c = data;
  gboolean done = c->link ? hd_store_link_article (store, c->article, c->number, error)
                          : hd_store_unlink_article (store, c->article, c->number, error);

  return done ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
draft_article_job (HdStore  *store,
                   gpointer  data,
                   GError  **error)
{
  return hd_store_draft_article_from_ticket (store, *(gint64 *) data, error);
}

static void start_kb_load    (HdTicketView *self);
static void draft_changed_cb (HdTicketView *self);

static void
link_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdTicketView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hd_store_run_finish (HD_STORE (source), result, &error) == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }

  g_signal_emit (self, signals[CHANGED], 0, self->number);
  start_kb_load (self);
}

static void
run_link (HdTicketView *self,
          gint64        article,
          gboolean      link)
{
  LinkChange *c = g_new0 (LinkChange, 1);

  c->article = article;
  c->number = self->number;
  c->link = link;
  hd_store_run_async (self->store, link_job, c, g_free, NULL, self->cancellable, link_done,
                      g_object_ref (self));
}

static gint64
article_of (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);
  HdArticle *article = row != NULL ? g_object_get_data (G_OBJECT (row), "hd-article") : NULL;

  return article != NULL ? hd_article_get_id (article) : 0;
}

static void
link_clicked_cb (GtkButton    *button,
                 HdTicketView *self)
{
  run_link (self, article_of (GTK_WIDGET (button)), TRUE);
}

static void
unlink_clicked_cb (GtkButton    *button,
                   HdTicketView *self)
{
  run_link (self, article_of (GTK_WIDGET (button)), FALSE);
}

/* The articles sit above the reply: after quoting one, the page scrolls
 * down to the reply and its Send button (a focused child does not scroll
 * itself into view in GTK 4.8). The longer reply takes its height over a
 * few frames, as the text view lays out its lines: the page follows it
 * for SCROLL_FRAMES frames. */
#define SCROLL_FRAMES 12

static gboolean
scroll_to_composer_cb (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  HdTicketView *self = HD_TICKET_VIEW (widget);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->ticket_scroller);
  graphene_rect_t composer, send;

  if (gtk_widget_compute_bounds (GTK_WIDGET (self->composer_view), self->ticket_clamp, &composer) &&
      gtk_widget_compute_bounds (self->send_button, self->ticket_clamp, &send))
    gtk_adjustment_clamp_page (adjustment, composer.origin.y,
                               send.origin.y + send.size.height + 18);

  if (--self->scroll_frames > 0)
    return G_SOURCE_CONTINUE;
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
scroll_to_composer (HdTicketView *self)
{
  self->scroll_frames = SCROLL_FRAMES;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_composer_cb,
                                                      NULL, NULL);
}

/* Quoting an article: the text goes where the cursor is, set off from
 * what is around it by a blank line, as a reply would read it. */
static void
insert_article_text (HdTicketView *self,
                     HdArticle    *article)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_view);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *body = NULL;
  GtkTextIter start, cursor, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  before = gtk_text_buffer_get_text (buffer, &start, &cursor, FALSE);
  after = gtk_text_buffer_get_text (buffer, &cursor, &end, FALSE);

  if (before[0] != '\0' && !g_str_has_suffix (before, "\n\n"))
    g_string_append (text, g_str_has_suffix (before, "\n") ? "\n" : "\n\n");
  /* Replies are plain text: the article's Markdown as a person would
   * have typed it, "**" and table bars gone. */
  body = hd_markdown_to_text (hd_article_get_body (article));
  g_string_append_printf (text, "%s\n\n%s", hd_article_get_title (article), body);
  if (after[0] != '\0' && !g_str_has_prefix (after, "\n\n"))
    g_string_append (text, g_str_has_suffix (text->str, "\n") ? "\n" : "\n\n");

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert (buffer, &cursor, text->str, text->len);
  gtk_text_buffer_end_user_action (buffer);
  gtk_text_buffer_place_cursor (buffer, &cursor);
  gtk_text_view_scroll_mark_onscreen (self->composer_view, gtk_text_buffer_get_insert (buffer));
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
  scroll_to_composer (self);
}

/* The answer came from the article: a suggestion becomes a link. */
static void
insert_clicked_cb (GtkButton    *button,
                   HdTicketView *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  HdArticle *article = g_object_get_data (G_OBJECT (row), "hd-article");

  if (!hd_rules_may_quote_article (article, gtk_check_button_get_active (self->internal_check)))
    return;

  insert_article_text (self, article);
  if (gtk_widget_get_parent (row) == GTK_WIDGET (self->suggested_list))
    run_link (self, hd_article_get_id (article), TRUE);
}

static void
update_insert_button (HdTicketView *self,
                      GtkWidget    *row)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (row), "hd-insert-button");
  HdArticle *article = g_object_get_data (G_OBJECT (row), "hd-article");
  gboolean may;

  if (button == NULL)
    return;

  may = hd_rules_may_quote_article (article, gtk_check_button_get_active (self->internal_check));
  gtk_widget_set_sensitive (button, may);
  gtk_widget_set_tooltip_text (button, may ? _("Insert into Reply")
                                           : _("Staff-only article: check Internal note to insert it"));
}

static void
update_insert_buttons (HdTicketView *self)
{
  GtkWidget *lists[] = { GTK_WIDGET (self->linked_list), GTK_WIDGET (self->suggested_list) };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (GtkWidget *row = gtk_widget_get_first_child (lists[i]); row != NULL;
         row = gtk_widget_get_next_sibling (row))
      update_insert_button (self, row);
}

static void
internal_toggled_cb (HdTicketView *self)
{
  update_insert_buttons (self);
  draft_changed_cb (self);
}

static void
add_insert_button (HdTicketView *self,
                   GtkWidget    *row,
                   HdArticle    *article)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-paste-symbolic");
  g_autofree char *name = g_strdup_printf (_("Insert “%s” into the reply"),
                                           hd_article_get_title (article));

  gtk_widget_set_name (button, "insert_button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  g_signal_connect_object (button, "clicked", G_CALLBACK (insert_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  /* The row owns the button: the pointer is borrowed. */
  g_object_set_data (G_OBJECT (row), "hd-insert-button", button);
  update_insert_button (self, row);
}

static void
article_row_activated_cb (HdTicketView  *self,
                          GtkListBoxRow *row)
{
  gint64 id = article_of (GTK_WIDGET (row));

  if (id != 0)
    g_signal_emit (self, signals[ARTICLE_ACTIVATED], 0, id);
}

/* @markup: the title as markup (a hit's, with its matches in bold) */
static GtkWidget *
create_article_row (HdTicketView *self,
                    HdArticle    *article,
                    const char   *markup,
                    gboolean      suggested)
{
  const char *path = hd_article_get_category_path (article);
  g_autofree char *subtitle = g_markup_escape_text (path != NULL ? path : _("Uncategorized"), -1);
  g_autofree char *name = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), markup);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "hd-article", g_object_ref (article), g_object_unref);

  if (!hd_person_is_staff (self->me))
    return row;

  add_insert_button (self, row, article);
  if (suggested)
    {
      button = gtk_button_new_with_mnemonic (_("_Link"));
      gtk_widget_set_name (button, "link_button");
      name = g_strdup_printf (_("Link “%s” to this ticket"), hd_article_get_title (article));
      g_signal_connect_object (button, "clicked", G_CALLBACK (link_clicked_cb), self, 0);
    }
  else
    {
      button = gtk_button_new_from_icon_name ("edit-delete-symbolic");
      gtk_widget_set_name (button, "unlink_button");
      name = g_strdup_printf (_("Unlink “%s”"), hd_article_get_title (article));
      gtk_widget_set_tooltip_text (button, _("Unlink"));
      gtk_widget_add_css_class (button, "flat");
      g_signal_connect_object (button, "clicked", G_CALLBACK (unlink_clicked_cb), self, 0);
    }

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
clear_kb (HdTicketView *self)
{
  clear_list (self->linked_list);
  clear_list (self->suggested_list);
  gtk_widget_set_visible (self->linked_group, FALSE);
  gtk_widget_set_visible (self->suggested_group, FALSE);
}

static void
fill_kb (HdTicketView *self,
         KbLoaded     *l)
{
  gboolean staff = hd_person_is_staff (self->me);

  clear_kb (self);
  for (guint i = 0; i < l->linked->len; i++)
    {
      HdArticle *article = g_ptr_array_index (l->linked, i);
      g_autofree char *markup = g_markup_escape_text (hd_article_get_title (article), -1);

      gtk_list_box_append (self->linked_list, create_article_row (self, article, markup, FALSE));
    }
  gtk_widget_set_visible (self->linked_group, staff || l->linked->len > 0);

  for (guint i = 0; l->suggested != NULL && i < l->suggested->len; i++)
    {
      HdArticleHit *hit = g_ptr_array_index (l->suggested, i);
      g_autofree char *markup = hd_marked_text_to_markup (hd_article_hit_get_marked_title (hit),
                                                          "<b>", "</b>");

      gtk_list_box_append (self->suggested_list,
                           create_article_row (self, hd_article_hit_get_article (hit), markup,
                                               TRUE));
    }
  gtk_widget_set_visible (self->suggested_group, l->suggested != NULL && l->suggested->len > 0);
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GWeakRef, weak_ref_free)

/* The articles follow every load of a ticket: they hold the view weakly,
 * so that a view closed meanwhile goes at once. */
static void
kb_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GWeakRef) ref = user_data;
  g_autoptr(HdTicketView) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  KbLoaded *l = hd_store_run_finish (HD_STORE (source), result, &error);

  /* Articles beside a ticket are a help, not the ticket: a failure here
   * leaves the lists as they were, and the monitor reports trouble. */
  if (l == NULL || self == NULL)
    {
      g_clear_pointer (&l, kb_loaded_free);
      return;
    }

  if (l->number == self->number)
    fill_kb (self, l);
  kb_loaded_free (l);
}

static void
start_kb_load (HdTicketView *self)
{
  KbQuery *q;
  GWeakRef *ref;

  if (self->ticket == NULL || self->store == NULL)
    return;

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);

  q = g_new0 (KbQuery, 1);
  q->number = self->number;
  q->title = g_strdup (hd_ticket_get_title (self->ticket));
  q->description = g_strdup (hd_ticket_get_description (self->ticket));
  q->staff = hd_person_is_staff (self->me);
  hd_store_run_async (self->store, kb_job, q, (GDestroyNotify) kb_query_free,
                      (GDestroyNotify) kb_loaded_free, self->cancellable, kb_done, ref);
}

/* Publish as article: the ticket's problem and solution, as a draft in
 * the editor; saving it links the article to the ticket. */

static void
published_cb (HdTicketView *self,
              HdArticle    *article)
{
  g_autofree char *text = g_strdup_printf (_("Article “%s” saved and linked to this ticket"),
                                           hd_article_get_title (article));

  report (self, text);
  g_signal_emit (self, signals[CHANGED], 0, self->number);
  start_kb_load (self);
}

static void
draft_article_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(HdTicketView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdArticleDraft) draft = hd_store_run_finish (HD_STORE (source), result, &error);
  GtkWidget *editor;

  if (draft == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }

  editor = hd_article_editor_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                  self->store, NULL, draft, self->drafts);
  g_signal_connect_object (editor, "saved", G_CALLBACK (published_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
publish_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HdTicketView *self = HD_TICKET_VIEW (widget);

  if (self->ticket == NULL || self->store == NULL)
    return;

  hd_store_run_async (self->store, draft_article_job,
                      g_memdup2 (&self->number, sizeof self->number), g_free,
                      (GDestroyNotify) hd_article_draft_free, self->cancellable,
                      draft_article_done, g_object_ref (self));
}

/* Mail (staff): the ticket's messages under its history, and on each
 * reply that came by mail, its sender and Show Original. */

static void
original_clicked_cb (GtkButton    *button,
                     HdTicketView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  hd_mail_original_present (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store,
                            *(gint64 *) g_object_get_data (G_OBJECT (button), "hd-message-row"));
}

static void
mark_mail_event (HdTicketView         *self,
                 GtkWidget            *row,
                 const HdMailOnTicket *mail)
{
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *text = g_strdup_printf (_("By mail from %s"), mail->from_address);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Show _Original"));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "caption");
  g_object_set_data_full (G_OBJECT (button), "hd-message-row",
                          g_memdup2 (&mail->row, sizeof mail->row), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (original_clicked_cb), self);
  gtk_box_append (GTK_BOX (line), label);
  gtk_box_append (GTK_BOX (line), button);
  g_object_set_data (G_OBJECT (row), "hd-mail-line", line);
  gtk_box_append (GTK_BOX (box), line);
}

static void
mail_loaded_cb (HdTicketView *self)
{
  for (GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->timeline, 0);
       row != NULL;
       row = gtk_list_box_get_row_at_index (self->timeline, gtk_list_box_row_get_index (row) + 1))
    {
      gint64 *event = g_object_get_data (G_OBJECT (row), "hd-event");
      const HdMailOnTicket *mail = event != NULL ? hd_ticket_mail_find_event (self->mail, *event)
                                                 : NULL;

      if (mail != NULL && g_object_get_data (G_OBJECT (row), "hd-mail-line") == NULL)
        mark_mail_event (self, GTK_WIDGET (row), mail);
    }
}

static void
mail_message_cb (HdTicketView *self,
                 const char   *text)
{
  report (self, text);
}

static void
show_mail (HdTicketView *self)
{
  hd_ticket_mail_show (self->mail, self->store, self->me, self->number);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdTicketView) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *loaded = hd_store_run_finish (HD_STORE (source), result, &error);

  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }

  if (hd_ticket_get_number (loaded->ticket) == self->number)
    {
      fill (self, loaded);
      start_kb_load (self);
      show_mail (self);
    }
  loaded_free (loaded);
}

static void
start_load (HdTicketView *self)
{
  gint64 *number = g_new (gint64, 1);

  *number = self->number;
  hd_store_run_async (self->store, load_job, number, g_free, (GDestroyNotify) loaded_free,
                      self->cancellable, load_done, g_object_ref (self));
}

/* Changing */

static void clear_edits (HdTicketView *self);
static void keep_draft  (HdTicketView *self);
static void ask_escalation   (HdTicketView *self,
                              int           to_tier,
                              const char   *note);
static void forget_saved (HdTicketView *self,
                          Change       *change);

static void
show_conflict (HdTicketView *self,
               Change       *change);

typedef struct {
  HdTicketView *self;
  Change       *change;   /* owned by the job, alive until this returns */
} ChangeCall;

static void run_change (HdTicketView *self,
                        Change       *change);

static void
undo_clicked_cb (AdwToast *toast)
{
  HdTicketView *self = g_object_get_data (G_OBJECT (toast), "hd-view");
  Change *undo = g_object_steal_data (G_OBJECT (toast), "hd-undo");

  /* The undo names the version it undoes: if someone changed the ticket
   * since, it is refused instead of overwriting them. */
  if (undo == NULL)
    return;
  if (self->store != NULL && self->number == undo->number)
    run_change (self, undo);
  else
    change_free (undo);
}

/* A toast that says what changed, with Undo when the way back is allowed
 * (a closed ticket, for one, is final). */
static void
offer_undo (HdTicketView *self,
            Change       *change,
            HdTicket     *after)
{
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  Change *undo = g_new0 (Change, 1);
  gboolean can_undo;
  AdwToast *toast;

  undo->kind = change->kind;
  undo->number = change->number;
  undo->if_version = hd_ticket_get_version (after);
  if (change->kind == CHANGE_STATUS)
    {
      undo->status = hd_ticket_get_status (change->before);
      can_undo = hd_rules_check_status (self->me, after, undo->status, NULL);
      title = g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " is now “%s”"), change->number,
                               hd_status_to_label (hd_ticket_get_status (after)));
    }
  else
    {
      undo->text = g_strdup (hd_ticket_get_assignee (change->before));
      can_undo = hd_ticket_get_status (after) != HD_STATUS_CLOSED;
      if (hd_ticket_get_assignee (after) != NULL)
        title = g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " assigned to %s"),
                                 change->number, hd_ticket_get_assignee_name (after));
      else
        title = g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " unassigned"), change->number);
    }

  /* A toast's title is markup; names are people's text. */
  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  if (can_undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_object_set_data_full (G_OBJECT (toast), "hd-undo", undo, (GDestroyNotify) change_free);
      g_object_set_data_full (G_OBJECT (toast), "hd-view", g_object_ref (self), g_object_unref);
      g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), NULL);
    }
  else
    change_free (undo);

  g_signal_emit (self, signals[TOAST], 0, toast);
  g_object_unref (toast);
}

static void
change_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree ChangeCall *call = user_data;
  g_autoptr(HdTicketView) self = call->self;
  Change *change = call->change;
  g_autoptr(GError) error = NULL;
  gpointer done = hd_store_run_finish (HD_STORE (source), result, &error);

  if (done == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, HD_ERROR, HD_ERROR_CONFLICT) && change->kind == CHANGE_FIELDS &&
          change->number == self->number)
        show_conflict (self, change);
      else
        report (self, error->message);
      /* A refused escalation: its note back, to change or to try again. */
      if (change->kind == CHANGE_ESCALATE && change->number == self->number &&
          self->ticket != NULL)
        ask_escalation (self, change->tier, change->text);
      /* Not saved: the text stays in the form, and in the draft. */
      if (change->number == self->number)
        keep_draft (self);
      start_load (self);
      return;
    }

  if (change->kind == CHANGE_STATUS || change->kind == CHANGE_ASSIGNEE)
    offer_undo (self, change, done);
  g_object_unref (done);
  if (change->kind == CHANGE_COMMENT)
    report (self, change->internal ? _("Note added") : _("Reply sent"));
  /* The files went with it; those the person added meanwhile did too,
   * unless the reply was for another ticket. */
  if (change->kind == CHANGE_COMMENT && change->inputs != NULL && change->number == self->number)
    hd_attachment_composer_clear (self->attachment_composer);
  else if (change->kind == CHANGE_ESCALATE)
    {
      g_autofree char *text = g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " is now at tier %d"),
                                               change->number, change->tier);

      report (self, text);
    }
  forget_saved (self, change);

  g_signal_emit (self, signals[CHANGED], 0, change->number);
  start_load (self);
}

static void
run_change (HdTicketView *self,
            Change       *change)
{
  ChangeCall *call = g_new0 (ChangeCall, 1);

  change->number = self->number;
  call->self = g_object_ref (self);
  call->change = change;
  hd_store_run_async (self->store, change_job, change, (GDestroyNotify) change_free,
                      g_object_unref, self->cancellable, change_done, call);
}

static Change *
change_new (HdTicketView *self,
            ChangeKind    kind)
{
  Change *change = g_new0 (Change, 1);

  change->kind = kind;
  change->if_version = self->edit_version != 0 ? self->edit_version
                                               : hd_ticket_get_version (self->ticket);
  change->before = g_object_ref (self->ticket);
  return change;
}

/* Edits */

static AdwEntryRow *
entry_rows (HdTicketView *self,
            guint         index)
{
  AdwEntryRow *rows[] = { self->title_row, self->category_row, self->department_row,
                          self->location_row };

  return index < G_N_ELEMENTS (rows) ? rows[index] : NULL;
}

static void
clear_edits (HdTicketView *self)
{
  for (guint i = 0; entry_rows (self, i) != NULL; i++)
    g_object_set_data (G_OBJECT (entry_rows (self, i)), "hd-dirty", NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->save_description_button), FALSE);
  gtk_revealer_set_reveal_child (self->draft_revealer, FALSE);
  self->edit_version = 0;
}

static void
mark_edited (HdTicketView *self)
{
  if (self->edit_version == 0 && self->ticket != NULL)
    self->edit_version = hd_ticket_get_version (self->ticket);
}

static void
field_changed_cb (HdTicketView *self,
                  AdwEntryRow  *row)
{
  if (self->filling)
    return;

  g_object_set_data (G_OBJECT (row), "hd-dirty", GINT_TO_POINTER (TRUE));
  mark_edited (self);
  draft_changed_cb (self);
}

static void
description_changed_cb (HdTicketView *self)
{
  if (self->filling)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->save_description_button), TRUE);
  mark_edited (self);
  draft_changed_cb (self);
}

static char *
text_of (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Drafts */

static HdDraft *
collect_draft (HdTicketView *self)
{
  HdDraft *draft = hd_draft_new ();
  char **fields[] = { &draft->title, &draft->category, &draft->department, &draft->location };
  gboolean edited = FALSE;

  for (guint i = 0; entry_rows (self, i) != NULL; i++)
    if (g_object_get_data (G_OBJECT (entry_rows (self, i)), "hd-dirty") != NULL)
      {
        *fields[i] = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry_rows (self, i))));
        edited = TRUE;
      }

  if (gtk_widget_get_visible (GTK_WIDGET (self->save_description_button)))
    {
      draft->description = text_of (self->description_view);
      edited = TRUE;
    }

  if (edited)
    draft->base_version = self->edit_version;
  draft->reply = text_of (self->composer_view);
  draft->internal = gtk_check_button_get_active (self->internal_check);
  return draft;
}

/* Writes the draft of the ticket shown now, or forgets it when there is
 * nothing unsaved left. */
static void
keep_draft (HdTicketView *self)
{
  g_autoptr(HdDraft) draft = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->draft_source, g_source_remove);
  if (self->drafts == NULL || self->number == 0)
    return;

  draft = collect_draft (self);
  if (hd_drafts_set (self->drafts, self->number, draft, &error))
    self->draft_failed = FALSE;
  else if (!self->draft_failed)
    {
      /* Once: it is retried with every keystroke. */
      self->draft_failed = TRUE;
      report (self, error->message);
    }
}

static gboolean
keep_draft_cb (gpointer data)
{
  HdTicketView *self = data;

  self->draft_source = 0;
  keep_draft (self);
  return G_SOURCE_REMOVE;
}

static void
draft_changed_cb (HdTicketView *self)
{
  if (self->filling || self->drafts == NULL || self->number == 0)
    return;

  g_clear_handle_id (&self->draft_source, g_source_remove);
  self->draft_source = g_timeout_add (DRAFT_DELAY_MS, keep_draft_cb, self);
}

/* Puts the draft kept for the ticket about to be shown back in the form.
 * Edited fields keep the version they were based on: saving them is a
 * conflict, with both versions shown, if the ticket changed since. */
static void
restore_draft (HdTicketView *self)
{
  g_autoptr(HdDraft) draft = NULL;
  const char *fields[4];
  gboolean edited = FALSE;

  if (self->drafts == NULL || self->number == 0 ||
      (draft = hd_drafts_get (self->drafts, self->number)) == NULL)
    return;

  fields[0] = draft->title;
  fields[1] = draft->category;
  fields[2] = draft->department;
  fields[3] = draft->location;

  self->filling = TRUE;
  for (guint i = 0; entry_rows (self, i) != NULL; i++)
    if (fields[i] != NULL)
      {
        gtk_editable_set_text (GTK_EDITABLE (entry_rows (self, i)), fields[i]);
        g_object_set_data (G_OBJECT (entry_rows (self, i)), "hd-dirty", GINT_TO_POINTER (TRUE));
        edited = TRUE;
      }
  if (draft->description != NULL)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                                draft->description, -1);
      gtk_widget_set_visible (GTK_WIDGET (self->save_description_button), TRUE);
      edited = TRUE;
    }
  if (draft->reply != NULL)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer_view), draft->reply, -1);
      gtk_check_button_set_active (self->internal_check, draft->internal);
    }
  self->filling = FALSE;

  /* Restored field edits are not visibly edits: the notice says so and
   * offers to save or drop them all. A restored reply is plain to see. */
  if (edited)
    {
      self->edit_version = draft->base_version;
      gtk_revealer_set_reveal_child (self->draft_revealer, TRUE);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Your unsent reply to ticket #%" G_GINT64_FORMAT " is back in the form"),
                                               self->number);

      report (self, text);
    }
}

/* A change was saved: what it saved is no longer a draft. The person may
 * have moved to another ticket meanwhile; that one's form is left alone. */
static void
forget_saved (HdTicketView *self,
              Change       *change)
{
  g_autoptr(HdDraft) draft = NULL;

  if (change->number == self->number)
    {
      g_autofree char *typed = text_of (self->composer_view);

      /* Words typed after Send was pressed stay. */
      if (change->kind == CHANGE_COMMENT && g_strcmp0 (typed, change->text) == 0)
        {
          self->filling = TRUE;
          gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer_view), "", -1);
          gtk_check_button_set_active (self->internal_check, FALSE);
          self->filling = FALSE;
        }
      else if (change->kind == CHANGE_FIELDS)
        clear_edits (self);
      keep_draft (self);
      return;
    }

  if (self->drafts == NULL || (draft = hd_drafts_get (self->drafts, change->number)) == NULL)
    return;

  if (change->kind == CHANGE_COMMENT && g_strcmp0 (draft->reply, change->text) == 0)
    g_clear_pointer (&draft->reply, g_free);
  else if (change->kind == CHANGE_FIELDS && draft->base_version == change->if_version)
    {
      g_clear_pointer (&draft->title, g_free);
      g_clear_pointer (&draft->description, g_free);
      g_clear_pointer (&draft->category, g_free);
      g_clear_pointer (&draft->department, g_free);
      g_clear_pointer (&draft->location, g_free);
      draft->base_version = 0;
    }
  hd_drafts_set (self->drafts, change->number, draft, NULL);
}

/* Saves every edited field in one change, so one conflict check covers
 * them all. */
static Change *
collect_edits (HdTicketView *self)
{
  Change *change = change_new (self, CHANGE_FIELDS);
  const char **fields[] = { &change->changes.title, &change->changes.category,
                            &change->changes.department, &change->changes.location };

  for (guint i = 0; entry_rows (self, i) != NULL; i++)
    if (g_object_get_data (G_OBJECT (entry_rows (self, i)), "hd-dirty") != NULL)
      *fields[i] = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry_rows (self, i))));

  if (gtk_widget_get_visible (GTK_WIDGET (self->save_description_button)))
    change->changes.description = text_of (self->description_view);

  return change;
}

static void
field_apply_cb (HdTicketView *self)
{
  run_change (self, collect_edits (self));
}

static void
discard_changes_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  HdTicketView *self = HD_TICKET_VIEW (widget);

  clear_edits (self);
  keep_draft (self);
  if (self->ticket != NULL)
    {
      g_autoptr(HdTicket) ticket = g_object_ref (self->ticket);

      /* Back to the ticket as last read, while it is read again. */
      self->filling = TRUE;
      set_entry (self, self->title_row, hd_ticket_get_title (ticket));
      set_entry (self, self->category_row, hd_ticket_get_category (ticket));
      set_entry (self, self->department_row, hd_ticket_get_department (ticket));
      set_entry (self, self->location_row, hd_ticket_get_location (ticket));
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                                hd_ticket_get_description (ticket) != NULL
                                ? hd_ticket_get_description (ticket) : "", -1);
      self->filling = FALSE;
    }
  start_load (self);
}

static void
save_description_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  run_change (HD_TICKET_VIEW (widget), collect_edits (HD_TICKET_VIEW (widget)));
}

/* Conflicts */

static void
conflict_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      HdTicketView     *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      clear_edits (self);
      keep_draft (self);
      start_load (self);
    }
  else if (g_strcmp0 (response, "overwrite") == 0)
    {
      Change *change = collect_edits (self);

      /* Based on what the file holds now: the person has seen it. */
      change->if_version = 0;
      run_change (self, change);
    }
}

/* One line per edited field: what the file holds now, and what was typed.
 * Long text is shortened; the person's full text stays in the form. */
static void
append_difference (GString    *body,
                   const char *label,
                   const char *theirs,
                   const char *yours)
{
  g_autofree char *a = g_strdup (theirs != NULL && theirs[0] != '\0' ? theirs : "—");
  g_autofree char *b = g_strdup (yours != NULL && yours[0] != '\0' ? yours : "—");

  if (g_utf8_strlen (a, -1) > 120)
    *g_utf8_offset_to_pointer (a, 120) = '\0';
  if (g_utf8_strlen (b, -1) > 120)
    *g_utf8_offset_to_pointer (b, 120) = '\0';

  g_string_append_printf (body, _("\n\n%s\nTheirs: %s\nYours: %s"), label, a, b);
}

typedef struct {
  HdTicketView    *self;
  gint64           number;
  HdTicketChanges  yours;   /* strings owned */
} Conflict;

static void
conflict_free (Conflict *c)
{
  g_clear_object (&c->self);
  g_free ((char *) c->yours.title);
  g_free ((char *) c->yours.description);
  g_free ((char *) c->yours.category);
  g_free ((char *) c->yours.department);
  g_free ((char *) c->yours.location);
  g_free (c);
}

static gpointer
current_ticket_job (HdStore  *store,
                    gpointer  number,
                    GError  **error)
{
  return hd_store_get_ticket (store, *(gint64 *) number, error);
}

static void
present_conflict (Conflict *c,
                  HdTicket *theirs)
{
  HdTicketView *self = c->self;
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  g_string_printf (body, _("Ticket #%" G_GINT64_FORMAT " was changed while you were editing it. Your text is still in the form: save it over their change, or discard it and keep theirs."),
                   c->number);
  if (theirs != NULL)
    {
      if (c->yours.title != NULL)
        append_difference (body, _("Title"), hd_ticket_get_title (theirs), c->yours.title);
      if (c->yours.category != NULL)
        append_difference (body, _("Category"), hd_ticket_get_category (theirs),
                           c->yours.category);
      if (c->yours.department != NULL)
        append_difference (body, _("Department"), hd_ticket_get_department (theirs),
                           c->yours.department);
      if (c->yours.location != NULL)
        append_difference (body, _("Location"), hd_ticket_get_location (theirs),
                           c->yours.location);
      if (c->yours.description != NULL)
        append_difference (body, _("Description"), hd_ticket_get_description (theirs),
                           c->yours.description);
    }

  /* The body is plain text (body-use-markup is off): people's words as typed. */
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Someone Else Changed This Ticket"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard Mine"),
                                    "overwrite", _("_Save Mine"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "overwrite",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (conflict_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
current_ticket_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Conflict *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) theirs = hd_store_run_finish (HD_STORE (source), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    present_conflict (c, theirs);
  conflict_free (c);
}

/* Shows both versions: reads the ticket as the file holds it now (a job),
 * then lists, for each field the person edited, theirs and yours. */
static void
show_conflict (HdTicketView *self,
               Change       *change)
{
  Conflict *c = g_new0 (Conflict, 1);
  gint64 *number = g_new (gint64, 1);

  c->self = g_object_ref (self);
  c->number = *number = change->number;
  c->yours.title = g_strdup (change->changes.title);
  c->yours.description = g_strdup (change->changes.description);
  c->yours.category = g_strdup (change->changes.category);
  c->yours.department = g_strdup (change->changes.department);
  c->yours.location = g_strdup (change->changes.location);

  hd_store_run_async (self->store, current_ticket_job, number, g_free, g_object_unref,
                      self->cancellable, current_ticket_done, c);
}

/* Actions */

static void
set_status_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HdTicketView *self = HD_TICKET_VIEW (widget);
  Change *change = change_new (self, CHANGE_STATUS);
  int status = HD_STATUS_OPEN;

  hd_enum_from_nick (HD_TYPE_STATUS, g_variant_get_string (parameter, NULL), &status);
  change->status = status;
  change->if_version = hd_ticket_get_version (self->ticket);
  run_change (self, change);
}

static void
set_priority_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  HdTicketView *self = HD_TICKET_VIEW (widget);
  Change *change = change_new (self, CHANGE_FIELDS);
  int priority = HD_PRIORITY_NORMAL;

  hd_enum_from_nick (HD_TYPE_PRIORITY, g_variant_get_string (parameter, NULL), &priority);
  change->changes.set_priority = TRUE;
  change->changes.priority = priority;
  change->if_version = hd_ticket_get_version (self->ticket);
  run_change (self, change);
}

static void
assign_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HdTicketView *self = HD_TICKET_VIEW (widget);
  Change *change = change_new (self, CHANGE_ASSIGNEE);
  const char *login = g_variant_get_string (parameter, NULL);

  change->text = login[0] != '\0' ? g_strdup (login) : NULL;
  change->if_version = hd_ticket_get_version (self->ticket);
  run_change (self, change);
}

static void
send_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdTicketView *self = HD_TICKET_VIEW (widget);
  g_autofree char *body = text_of (self->composer_view);
  Change *change;
  g_autofree char *trimmed = g_strstrip (g_strdup (body));

  guint files = hd_attachment_composer_get_n (self->attachment_composer);

  /* Nothing typed and no file: nothing to send. Anything else goes to the
   * core, whose refusal (too long, control characters) the person then
   * reads. */
  if (self->ticket == NULL || (trimmed[0] == '\0' && files == 0))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
      return;
    }

  change = change_new (self, CHANGE_COMMENT);
  change->text = g_steal_pointer (&body);
  change->internal = gtk_check_button_get_active (self->internal_check);
  if (files > 0)
    change->inputs = hd_attachment_composer_dup_inputs (self->attachment_composer);
  run_change (self, change);
}

/* Escalating: the note is required, and kept if the file refuses it. */

static char *
note_of (AdwMessageDialog *dialog)
{
  GtkTextView *view = GTK_TEXT_VIEW (gtk_frame_get_child (GTK_FRAME (adw_message_dialog_get_extra_child (dialog))));

  return text_of (view);
}

static void
note_changed_cb (GtkTextBuffer    *buffer,
                 AdwMessageDialog *dialog)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  adw_message_dialog_set_response_enabled (dialog, "escalate", text[0] != '\0');
}

static void
escalation_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        HdTicketView     *self)
{
  Change *change;

  if (g_strcmp0 (response, "escalate") != 0 || self->ticket == NULL ||
      self->number != *(gint64 *) g_object_get_data (G_OBJECT (dialog), "hd-number"))
    return;

  change = change_new (self, CHANGE_ESCALATE);
  change->if_version = hd_ticket_get_version (self->ticket);
  change->tier = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "hd-tier"));
  change->text = note_of (dialog);
  run_change (self, change);
}

static void
ask_escalation (HdTicketView *self,
                int           to_tier,
                const char   *note)
{
  gboolean up = to_tier > hd_ticket_get_tier (self->ticket);
  g_autofree char *heading = NULL;
  GtkWidget *dialog, *frame, *view;
  GtkTextBuffer *buffer;

  heading = up ? g_strdup_printf (_("Escalate Ticket #%" G_GINT64_FORMAT " to Tier %d"),
                                  self->number, to_tier)
               : g_strdup_printf (_("Return Ticket #%" G_GINT64_FORMAT " to Tier %d"),
                                  self->number, to_tier);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   up ? _("Say what you found and what the next tier should do. Staff read this note with the ticket’s history; the requester does not.")
                                      : _("Say what is left to do at the tier below. Staff read this note with the ticket’s history; the requester does not."));

  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, 100);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note for the other tier"), -1);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), frame);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "escalate", up ? _("_Escalate") : _("_Return"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "escalate",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "escalate", FALSE);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_signal_connect_object (buffer, "changed", G_CALLBACK (note_changed_cb), dialog, 0);
  gtk_text_buffer_set_text (buffer, note != NULL ? note : "", -1);

  g_object_set_data (G_OBJECT (dialog), "hd-tier", GINT_TO_POINTER (to_tier));
  g_object_set_data_full (G_OBJECT (dialog), "hd-number",
                          g_memdup2 (&self->number, sizeof self->number), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (escalation_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
}

static void
escalate_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HdTicketView *self = HD_TICKET_VIEW (widget);
  int step = g_strcmp0 (g_variant_get_string (parameter, NULL), "down") == 0 ? -1 : 1;

  if (self->ticket != NULL)
    ask_escalation (self, hd_ticket_get_tier (self->ticket) + step, NULL);
}

/* GObject */

static void
hd_ticket_view_dispose (GObject *object)
{
  HdTicketView *self = (HdTicketView *) object;

  if (self->scroll_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
      self->scroll_tick = 0;
    }

  keep_draft (self);
  g_clear_object (&self->drafts);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_TICKET_VIEW);
  g_clear_object (&self->store);
  g_clear_object (&self->me);
  g_clear_object (&self->ticket);
  g_clear_pointer (&self->sla_lines, g_ptr_array_unref);

  G_OBJECT_CLASS (hd_ticket_view_parent_class)->dispose (object);
}

static void
hd_ticket_view_class_init (HdTicketViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_ticket_view_dispose;

  /**
   * HdTicketView::changed:
   * @number: the ticket this view changed
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * HdTicketView::message:
   * @text: what to tell the person: a result, or why something failed
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * HdTicketView::toast:
   * @toast: a toast to show, perhaps with Undo
   */
  signals[TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);
  /**
   * HdTicketView::article-activated:
   * @id: a linked or suggested article the person chose to read
   */
  signals[ARTICLE_ACTIVATED] = g_signal_new ("article-activated", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (HD_TYPE_ATTACHMENT_COMPOSER);
  g_type_ensure (HD_TYPE_TICKET_MAIL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-ticket-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, stack);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, number_label);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, draft_revealer);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, title_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, status_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, status_button);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, priority_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, priority_button);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, assignee_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, assignee_button);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, tier_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, tier_button);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, sla_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, requester_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, category_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, department_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, location_row);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, description_view);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, save_description_button);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, timeline);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, mail);
  gtk_widget_class_bind_template_callback (widget_class, mail_loaded_cb);
  gtk_widget_class_bind_template_callback (widget_class, mail_message_cb);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, composer_view);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, attachment_composer);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, internal_check);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, ticket_scroller);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, ticket_clamp);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, send_button);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, linked_group);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, publish_button);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, linked_list);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, suggested_group);
  gtk_widget_class_bind_template_child (widget_class, HdTicketView, suggested_list);
  gtk_widget_class_bind_template_callback (widget_class, article_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, field_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);

  gtk_widget_class_install_action (widget_class, "ticket.set-status", "s", set_status_activated);
  gtk_widget_class_install_action (widget_class, "ticket.set-priority", "s",
                                   set_priority_activated);
  gtk_widget_class_install_action (widget_class, "ticket.assign", "s", assign_activated);
  gtk_widget_class_install_action (widget_class, "ticket.escalate", "s", escalate_activated);
  gtk_widget_class_install_action (widget_class, "ticket.send", NULL, send_activated);
  gtk_widget_class_install_action (widget_class, "ticket.save-description", NULL,
                                   save_description_activated);
  gtk_widget_class_install_action (widget_class, "ticket.save-changes", NULL,
                                   save_description_activated);
  gtk_widget_class_install_action (widget_class, "ticket.discard-changes", NULL,
                                   discard_changes_activated);
  gtk_widget_class_install_action (widget_class, "ticket.publish", NULL, publish_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hd_ticket_view_init (HdTicketView *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->sla_lines = g_ptr_array_new ();

  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (description_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->composer_view), "changed",
                           G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->internal_check, "toggled",
                           G_CALLBACK (internal_toggled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->attachment_composer, "message",
                           G_CALLBACK (attachment_message_cb), self, G_CONNECT_SWAPPED);
  hd_attachment_composer_watch (self->attachment_composer, self->composer_view);

  /* Ctrl+Enter sends; the text view would otherwise take it as a newline. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>Return"),
                                                          gtk_named_action_new ("ticket.send")));
  gtk_widget_add_controller (GTK_WIDGET (self->composer_view), shortcuts);
}

/* Public API */

GtkWidget *
hd_ticket_view_new (void)
{
  return g_object_new (HD_TYPE_TICKET_VIEW, NULL);
}

/**
 * hd_ticket_view_set_store:
 * @store: (nullable): used only through jobs
 * @me: (nullable): who is looking
 */
void
hd_ticket_view_set_store (HdTicketView *self,
                          HdStore      *store,
                          HdPerson     *me)
{
  g_return_if_fail (HD_IS_TICKET_VIEW (self));

  keep_draft (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_set_object (&self->store, store);
  g_set_object (&self->me, me);
  hd_attachment_composer_set_store (self->attachment_composer, store);
  g_clear_object (&self->ticket);
  self->number = 0;
  show_mail (self);
  clear_edits (self);
  clear_kb (self);
  self->filling = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer_view), "", -1);
  self->filling = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/**
 * hd_ticket_view_set_drafts:
 * @drafts: (nullable): where unsaved text is kept for this file and person
 */
void
hd_ticket_view_set_drafts (HdTicketView *self,
                           HdDrafts     *drafts)
{
  g_return_if_fail (HD_IS_TICKET_VIEW (self));

  keep_draft (self);
  g_set_object (&self->drafts, drafts);
  self->draft_failed = FALSE;
}

/**
 * hd_ticket_view_keep_draft:
 *
 * Writes what the person has typed and not saved to the drafts now,
 * rather than a moment later: before the window closes.
 */
void
hd_ticket_view_keep_draft (HdTicketView *self)
{
  g_return_if_fail (HD_IS_TICKET_VIEW (self));
  keep_draft (self);
}

/**
 * hd_ticket_view_show:
 * @number: the ticket; 0 shows nothing
 */
void
hd_ticket_view_show (HdTicketView *self,
                     gint64        number)
{
  g_return_if_fail (HD_IS_TICKET_VIEW (self));

  if (number == self->number)
    return;

  keep_draft (self);
  self->number = number;
  clear_edits (self);
  clear_kb (self);
  self->filling = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer_view), "", -1);
  gtk_check_button_set_active (self->internal_check, FALSE);
  hd_attachment_composer_clear (self->attachment_composer);
  self->filling = FALSE;
  if (number == 0 || self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  restore_draft (self);
  start_load (self);
}

/**
 * hd_ticket_view_reload:
 *
 * Reads the ticket again after the file changed, keeping whatever the
 * person is typing.
 */
void
hd_ticket_view_reload (HdTicketView *self)
{
  g_return_if_fail (HD_IS_TICKET_VIEW (self));

  if (self->number != 0 && self->store != NULL)
    start_load (self);
}

gint64
hd_ticket_view_get_number (HdTicketView *self)
{
  g_return_val_if_fail (HD_IS_TICKET_VIEW (self), 0);
  return self->number;
}

/**
 * hd_ticket_view_get_ticket:
 *
 * Returns: (transfer none) (nullable): the ticket as last read
 */
HdTicket *
hd_ticket_view_get_ticket (HdTicketView *self)
{
  g_return_val_if_fail (HD_IS_TICKET_VIEW (self), NULL);
  return self->ticket;
}
