/* hd-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-bench-marks.h"
#include "hd-sidebar.h"

struct _HdSidebar
{
  GtkWidget   parent_instance;

  /* template widgets */
  GtkListBox *list_box;

  GtkWidget  *rows[HD_N_VIEWS];
  GtkLabel   *counts[HD_N_VIEWS];
  GtkWidget  *kb_row;
  gboolean    staff;

  GPtrArray  *team_rows;    /* the Team heading, then one row per person */
  gboolean    rebuilding;   /* the team's rows change, not the choice */
};

G_DEFINE_FINAL_TYPE (HdSidebar, hd_sidebar, GTK_TYPE_WIDGET)

enum {
  VIEW_CHANGED,
  ASSIGN_DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct {
  const char *icon;
  const char *title;
  const char *empty;
  gboolean    staff;
} views[HD_N_VIEWS] = {
  [HD_VIEW_MINE] = { "avatar-default-symbolic", N_("My Tickets"),
                     N_("Nothing is assigned to you right now."), TRUE },
  [HD_VIEW_UNASSIGNED] = { "dialog-question-symbolic", N_("Unassigned"),
                           N_("Every request has someone working on it."), TRUE },
  [HD_VIEW_AT_RISK] = { "dialog-warning-symbolic", N_("At Risk"),
                        N_("No deadline is near or missed."), TRUE },
  [HD_VIEW_OPEN] = { "view-list-symbolic", N_("All Open"),
                     N_("There are no open tickets."), TRUE },
  [HD_VIEW_PENDING] = { "alarm-symbolic", N_("Waiting on Requester"),
                        N_("No ticket is waiting for an answer from its requester."), TRUE },
  [HD_VIEW_RESOLVED] = { "object-select-symbolic", N_("Resolved"),
                         N_("No ticket is waiting to be closed."), TRUE },
  [HD_VIEW_CLOSED] = { "folder-symbolic", N_("Closed"),
                       N_("No ticket has been closed yet."), FALSE },
  [HD_VIEW_MY_REQUESTS] = { "mail-send-symbolic", N_("My Requests"),
                            N_("You have no open requests. Press Ctrl+N to ask for help."),
                            FALSE },
};

/* What each view lists. Requesters' lists are limited to their own tickets
 * by the core whatever the filter says. */
void
hd_view_get_filter (HdView          view,
                    HdPerson       *me,
                    HdTicketFilter *filter)
{
  const guint active = HD_STATUS_MASK (HD_STATUS_NEW) | HD_STATUS_MASK (HD_STATUS_OPEN) |
                       HD_STATUS_MASK (HD_STATUS_PENDING);

  memset (filter, 0, sizeof *filter);

  switch (view)
    {
    case HD_VIEW_MINE:
      filter->status_mask = active;
      filter->assignee = hd_person_get_login (me);
      break;
    case HD_VIEW_UNASSIGNED:
      filter->status_mask = active;
      filter->unassigned = TRUE;
      break;
    case HD_VIEW_AT_RISK:
      /* The clock runs only while a ticket is new or open. */
      filter->status_mask = HD_STATUS_MASK (HD_STATUS_NEW) | HD_STATUS_MASK (HD_STATUS_OPEN);
      filter->at_risk = TRUE;
      break;
    case HD_VIEW_OPEN:
      filter->status_mask = active;
      break;
    case HD_VIEW_PENDING:
      filter->status_mask = HD_STATUS_MASK (HD_STATUS_PENDING);
      break;
    case HD_VIEW_RESOLVED:
      filter->status_mask = HD_STATUS_MASK (HD_STATUS_RESOLVED);
      break;
    case HD_VIEW_CLOSED:
      filter->status_mask = HD_STATUS_MASK (HD_STATUS_CLOSED);
      break;
    case HD_VIEW_MY_REQUESTS:
      filter->status_mask = active | HD_STATUS_MASK (HD_STATUS_RESOLVED);
      filter->requester = hd_person_get_login (me);
      break;
    case HD_N_VIEWS:
    case HD_VIEW_KNOWLEDGE_BASE:
    default:
      g_assert_not_reached ();
    }
}

const char *
hd_view_get_title (HdView view)
{
  g_return_val_if_fail (view < HD_N_VIEWS, NULL);
  return _(views[view].title);
}

const char *
hd_view_get_empty_text (HdView view)
{
  g_return_val_if_fail (view < HD_N_VIEWS, NULL);
  return _(views[view].empty);
}

static GtkWidget *
create_row (HdSidebar *self,
            HdView     view)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (views[view].icon);
  GtkWidget *label = gtk_label_new (_(views[view].title));
  GtkWidget *count = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), count);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(views[view].title), -1);

  g_object_set_data (G_OBJECT (row), "hd-view", GUINT_TO_POINTER (view));
  self->counts[view] = GTK_LABEL (count);
  return row;
}

/* The knowledge base: a section of its own below the views. */
static GtkWidget *
create_kb_row (void)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("accessories-dictionary-symbolic");
  GtkWidget *label = gtk_label_new (_("Knowledge Base"));
  GtkWidget *separator = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_margin_top (separator, 6);
  gtk_widget_set_margin_bottom (separator, 6);
  gtk_list_box_row_set_header (GTK_LIST_BOX_ROW (row), separator);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Knowledge Base"), -1);
  gtk_widget_set_tooltip_text (row, _("Knowledge Base (Ctrl+K)"));
  g_object_set_data (G_OBJECT (row), "hd-view", GUINT_TO_POINTER (HD_VIEW_KNOWLEDGE_BASE));
  return row;
}

static void
row_selected_cb (HdSidebar     *self,
                 GtkListBoxRow *row)
{
  if (row != NULL && !self->rebuilding)
    g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

/* The team: each person's open tickets (and how many are at risk), a view
 * of them, and a place to drop a ticket dragged from the list to assign
 * it to them. */

static gboolean
ticket_dropped_cb (GtkDropTarget *target,
                   const GValue  *value,
                   double         x,
                   double         y,
                   HdSidebar     *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  HdPerson *person = g_object_get_data (G_OBJECT (row), "hd-person");
  gint64 number = g_value_get_int64 (value);

  if (person == NULL || number <= 0)
    return FALSE;

  g_signal_emit (self, signals[ASSIGN_DROPPED], 0, number, hd_person_get_login (person));
  return TRUE;
}

static GtkWidget *
create_member_row (HdSidebar  *self,
                   HdWorkload *workload,
                   guint       index)
{
  HdPerson *person = g_ptr_array_index (workload->staff, index);
  g_autofree char *counts = hd_workload_describe_counts (workload, index);
  g_autofree char *name = hd_workload_describe (workload, index);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("avatar-default-symbolic");
  GtkWidget *label = gtk_label_new (hd_person_get_name (person));
  GtkWidget *count = gtk_label_new (counts);
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INT64, GDK_ACTION_COPY);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  if (g_array_index (workload->at_risk, guint, index) > 0)
    gtk_widget_add_css_class (count, "warning");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), count);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_tooltip_text (row, _("Drop a ticket here to assign it"));

  g_object_set_data (G_OBJECT (row), "hd-view", GUINT_TO_POINTER (HD_VIEW_MEMBER));
  g_object_set_data_full (G_OBJECT (row), "hd-person", g_object_ref (person), g_object_unref);
  g_signal_connect_object (target, "drop", G_CALLBACK (ticket_dropped_cb), self, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
  return row;
}

static GtkWidget *
create_team_heading (void)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (_("Team"));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
hd_sidebar_dispose (GObject *object)
{
  GtkWidget *child;

  g_clear_pointer (&HD_SIDEBAR (object)->team_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), HD_TYPE_SIDEBAR);
  /* Only bound direct children are unparented above; ours is a
   * GtkScrolledWindow. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (hd_sidebar_parent_class)->dispose (object);
}

static void
hd_sidebar_class_init (HdSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_sidebar_dispose;

  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  /**
   * HdSidebar::assign-dropped:
   * @number: the ticket dragged from the list
   * @login: the person it was dropped on
   */
  signals[ASSIGN_DROPPED] = g_signal_new ("assign-dropped", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, HdSidebar, list_box);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hd_sidebar_init (HdSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->team_rows = g_ptr_array_new ();

  for (HdView view = 0; view < HD_N_VIEWS; view++)
    {
      self->rows[view] = create_row (self, view);
      gtk_list_box_append (self->list_box, self->rows[view]);
    }
  self->kb_row = create_kb_row ();
  gtk_list_box_append (self->list_box, self->kb_row);
  hd_sidebar_set_person (self, NULL);
}

GtkWidget *
hd_sidebar_new (void)
{
  return g_object_new (HD_TYPE_SIDEBAR, NULL);
}

/**
 * hd_sidebar_set_person:
 * @me: (nullable): who is looking; staff see the dispatcher's views,
 *   requesters their own requests
 */
void
hd_sidebar_set_person (HdSidebar *self,
                       HdPerson  *me)
{
  g_return_if_fail (HD_IS_SIDEBAR (self));

  self->staff = me != NULL && hd_person_is_staff (me);
  hd_sidebar_set_team (self, NULL);
  for (HdView view = 0; view < HD_N_VIEWS; view++)
    {
      gboolean visible = self->staff ? view != HD_VIEW_MY_REQUESTS
                                     : !views[view].staff;

      gtk_widget_set_visible (self->rows[view], visible);
    }

  hd_sidebar_set_view (self, self->staff ? HD_VIEW_OPEN : HD_VIEW_MY_REQUESTS);
}

HdView
hd_sidebar_get_view (HdSidebar *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (HD_IS_SIDEBAR (self), HD_VIEW_OPEN);

  row = gtk_list_box_get_selected_row (self->list_box);
  if (row == NULL)
    return self->staff ? HD_VIEW_OPEN : HD_VIEW_MY_REQUESTS;

  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "hd-view"));
}

void
hd_sidebar_set_view (HdSidebar *self,
                     HdView     view)
{
  g_return_if_fail (HD_IS_SIDEBAR (self));
  g_return_if_fail (view < HD_N_VIEWS || view == HD_VIEW_KNOWLEDGE_BASE);

  gtk_list_box_select_row (self->list_box,
                           GTK_LIST_BOX_ROW (view == HD_VIEW_KNOWLEDGE_BASE ? self->kb_row
                                                                            : self->rows[view]));
}

void
hd_sidebar_set_count (HdSidebar *self,
                      HdView     view,
                      guint      count)
{
  g_autofree char *text = NULL;

  g_return_if_fail (HD_IS_SIDEBAR (self));
  g_return_if_fail (view < HD_N_VIEWS);

  text = g_strdup_printf ("%u", count);
  gtk_label_set_label (self->counts[view], text);
  hd_bench_marks_count (view, count);
}

/**
 * hd_sidebar_set_team:
 * @workload: (nullable): the staff and their open tickets; %NULL hides
 *   the team
 *
 * Shows each person with their open tickets and how many are at risk.
 * The person chosen before stays chosen.
 */
void
hd_sidebar_set_team (HdSidebar  *self,
                     HdWorkload *workload)
{
  HdPerson *chosen;
  g_autofree char *login = NULL;

  g_return_if_fail (HD_IS_SIDEBAR (self));

  chosen = hd_sidebar_get_member (self);
  login = chosen != NULL ? g_strdup (hd_person_get_login (chosen)) : NULL;

  self->rebuilding = TRUE;
  for (guint i = 0; i < self->team_rows->len; i++)
    gtk_list_box_remove (self->list_box, g_ptr_array_index (self->team_rows, i));
  g_ptr_array_set_size (self->team_rows, 0);

  if (workload != NULL && workload->staff->len > 0)
    {
      GtkWidget *heading = create_team_heading ();

      gtk_list_box_append (self->list_box, heading);
      g_ptr_array_add (self->team_rows, heading);
      for (guint i = 0; i < workload->staff->len; i++)
        {
          GtkWidget *row = create_member_row (self, workload, i);
          HdPerson *person = g_ptr_array_index (workload->staff, i);

          gtk_list_box_append (self->list_box, row);
          g_ptr_array_add (self->team_rows, row);
          if (g_strcmp0 (login, hd_person_get_login (person)) == 0)
            gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (row));
        }
    }
  self->rebuilding = FALSE;

  /* The person chosen is no longer there: back to every open ticket. */
  if (login != NULL && hd_sidebar_get_member (self) == NULL)
    hd_sidebar_set_view (self, self->staff ? HD_VIEW_OPEN : HD_VIEW_MY_REQUESTS);
}

/**
 * hd_sidebar_get_member:
 *
 * Returns: (transfer none) (nullable): the person whose tickets are shown,
 *   when the view is %HD_VIEW_MEMBER
 */
HdPerson *
hd_sidebar_get_member (HdSidebar *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (HD_IS_SIDEBAR (self), NULL);

  row = gtk_list_box_get_selected_row (self->list_box);
  return row != NULL ? g_object_get_data (G_OBJECT (row), "hd-person") : NULL;
}
