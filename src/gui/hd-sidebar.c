/* hd-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-sidebar.h"

struct _HdSidebar
{
  GtkWidget   parent_instance;

  /* template widgets */
  GtkListBox *list_box;

  GtkWidget  *rows[HD_N_VIEWS];
  GtkLabel   *counts[HD_N_VIEWS];
  gboolean    staff;
};

G_DEFINE_FINAL_TYPE (HdSidebar, hd_sidebar, GTK_TYPE_WIDGET)

enum {
  VIEW_CHANGED,
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

static void
row_selected_cb (HdSidebar     *self,
                 GtkListBoxRow *row)
{
  if (row != NULL)
    g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

static void
hd_sidebar_dispose (GObject *object)
{
  GtkWidget *child;

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

  for (HdView view = 0; view < HD_N_VIEWS; view++)
    {
      self->rows[view] = create_row (self, view);
      gtk_list_box_append (self->list_box, self->rows[view]);
    }
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
  g_return_if_fail (view < HD_N_VIEWS);

  gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (self->rows[view]));
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
}
