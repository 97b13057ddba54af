/* hd-ticket-list-view.c
 *
 * The columns sort in SQL, not in GTK: wrapping a paged model of a million
 * rows in a GtkSortListModel would read every row. Each column carries a
 * GtkCustomSorter only so that its header can be clicked; when the column
 * view's sorter changes we work out which column and direction it names and
 * tell the window, which refilters the model.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-format.h"
#include "hd-ticket-list-view.h"
#include "hd-ticket-rows.h"

struct _HdTicketListView
{
  GtkWidget            parent_instance;

  /* template widgets */
  GtkSearchEntry      *search_entry;
  GtkStack            *stack;
  GtkColumnView       *column_view;
  GtkSingleSelection  *selection;
  AdwStatusPage       *empty_page;
  GtkColumnViewColumn *number_column;
  GtkColumnViewColumn *title_column;
  GtkColumnViewColumn *requester_column;
  GtkColumnViewColumn *priority_column;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *assignee_column;
  GtkColumnViewColumn *due_column;
  GtkColumnViewColumn *updated_column;

  /* borrowed */
  HdTicketList        *list;

  /* owned */
  GtkColumnViewColumn *columns[8];      /* in template order */
  HdTicketRows        *rows;            /* the selection's model: self->list as rows */
  GtkWidget           *context_menu;    /* a GtkPopoverMenu, our child */

  gint64               selected;
  gboolean             model_changing;  /* between the list's change and the selection's */
  gboolean             selecting;       /* in hd_ticket_list_view_select() */
  gboolean             at_top;          /* scrolled to the top when the list changed */
  guint                loading_chosen;  /* the loading row chosen, when the list changed */
  int                  probed_column;   /* sort probe, see probe_sort() */
  gboolean             compact;
};

G_DEFINE_FINAL_TYPE (HdTicketListView, hd_ticket_list_view, GTK_TYPE_WIDGET)

enum {
  SEARCH_CHANGED,
  SORT_CHANGED,
  TICKET_SELECTED,
  TICKET_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Which HdTicketSort each column stands for, in template order. */
static const HdTicketSort column_sorts[] = {
  HD_TICKET_SORT_NUMBER,
  HD_TICKET_SORT_TITLE,
  HD_TICKET_SORT_REQUESTER,
  HD_TICKET_SORT_PRIORITY,
  HD_TICKET_SORT_STATUS,
  HD_TICKET_SORT_ASSIGNEE,
  HD_TICKET_SORT_DUE,
  HD_TICKET_SORT_UPDATED,
};

/* Cells
 *
 * Each cell is a GtkInscription, made once when GTK makes the row and
 * filled when the row shows another ticket: on bind, and when its
 * HdTicketRow changes ticket in place (a sort, a page arriving; see
 * hd-ticket-rows.c). No expressions and no builder per cell: GTK 4.8 keeps
 * some 200 rows of 8 cells, and a sort used to build all of them anew.
 * A column is what its CellKind says; a differently shaped row (a card)
 * would fill its own widgets with the same functions. */

typedef void (*CellFill) (GtkInscription *cell,
                          HdTicket       *ticket,
                          gint64          now);

typedef struct {
  CellFill    fill;
  const char *style[3];     /* classes the cell always has */
  gboolean    ellipsize;
  gboolean    drag;         /* a ticket is dragged by this cell */
} CellKind;

static GQuark cell_kind_quark;

/* Adds or removes @name as @wanted says, leaving the style alone when
 * nothing changes. */
static void
set_class (GtkWidget  *cell,
           const char *name,
           gboolean    wanted)
{
  if (wanted && !gtk_widget_has_css_class (cell, name))
    gtk_widget_add_css_class (cell, name);
  else if (!wanted && gtk_widget_has_css_class (cell, name))
    gtk_widget_remove_css_class (cell, name);
}

/* Text from the file, which another program may have written: what is
 * not UTF-8 is shown mended, never handed to Pango. */
static void
set_file_text (GtkInscription *cell,
               const char     *text)
{
  g_autofree char *mended = NULL;

  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    text = mended = g_utf8_make_valid (text, -1);
  gtk_inscription_set_text (cell, text);
}

/* Takes @text. */
static void
take_text (GtkInscription *cell,
           char           *text)
{
  set_file_text (cell, text);
  g_free (text);
}

static void
fill_number (GtkInscription *cell,
             HdTicket       *ticket,
             gint64          now)
{
  take_text (cell, hd_format_number (hd_ticket_get_number (ticket)));
}

static void
fill_title (GtkInscription *cell,
            HdTicket       *ticket,
            gint64          now)
{
  set_file_text (cell, hd_ticket_get_title (ticket));
}

static void
fill_requester (GtkInscription *cell,
                HdTicket       *ticket,
                gint64          now)
{
  set_file_text (cell, hd_ticket_get_requester_name (ticket));
}

static void
fill_priority (GtkInscription *cell,
               HdTicket       *ticket,
               gint64          now)
{
  HdPriority priority = hd_ticket_get_priority (ticket);
  gboolean real = !hd_ticket_is_placeholder (ticket);

  gtk_inscription_set_text (cell, real ? hd_priority_to_label (priority) : "");
  set_class (GTK_WIDGET (cell), "error", priority == HD_PRIORITY_URGENT);
  set_class (GTK_WIDGET (cell), "warning", priority == HD_PRIORITY_HIGH);
  set_class (GTK_WIDGET (cell), "dim-label", priority == HD_PRIORITY_LOW);
}

static void
fill_status (GtkInscription *cell,
             HdTicket       *ticket,
             gint64          now)
{
  gboolean real = !hd_ticket_is_placeholder (ticket);

  gtk_inscription_set_text (cell, real ? hd_status_to_label (hd_ticket_get_status (ticket)) : "");
}

static void
fill_assignee (GtkInscription *cell,
               HdTicket       *ticket,
               gint64          now)
{
  if (hd_ticket_is_placeholder (ticket))
    gtk_inscription_set_text (cell, "");
  else
    take_text (cell, hd_format_assignee (hd_ticket_get_assignee_name (ticket)));
}

/* The running SLA clock: its deadline, and in words (not colour alone)
 * whether it is near or past. Nothing while the clock stands still. */
static void
fill_due (GtkInscription *cell,
          HdTicket       *ticket,
          gint64          now)
{
  gint64 due_at = hd_ticket_get_due_at (ticket);
  gint64 warn_at = hd_ticket_get_warn_at (ticket);
  gboolean overdue = due_at != 0 && now >= due_at;
  gboolean at_risk = !overdue && due_at != 0 && warn_at != 0 && now >= warn_at;
  g_autofree char *when = NULL;

  set_class (GTK_WIDGET (cell), "error", overdue);
  set_class (GTK_WIDGET (cell), "warning", at_risk);
  if (due_at == 0)
    {
      gtk_inscription_set_text (cell, "");
      return;
    }

  when = hd_format_deadline (due_at, now);
  if (overdue)
    take_text (cell, g_strdup_printf (_("Overdue · %s"), when));
  else if (at_risk)
    take_text (cell, g_strdup_printf (_("At risk · %s"), when));
  else
    gtk_inscription_set_text (cell, when);
}

static void
fill_updated (GtkInscription *cell,
              HdTicket       *ticket,
              gint64          now)
{
  take_text (cell, hd_format_time (hd_ticket_get_updated_at (ticket), now));
}

/* In template order. */
static const CellKind cell_kinds[] = {
  { fill_number,    { "numeric", "dim-label" }, FALSE, FALSE },
  { fill_title,     { NULL },                   TRUE,  TRUE  },
  { fill_requester, { NULL },                   TRUE,  FALSE },
  { fill_priority,  { NULL },                   TRUE,  FALSE },
  { fill_status,    { NULL },                   TRUE,  FALSE },
  { fill_assignee,  { NULL },                   TRUE,  FALSE },
  { fill_due,       { "numeric" },              TRUE,  FALSE },
  { fill_updated,   { "numeric" },              FALSE, FALSE },
};

static HdTicket *
item_ticket (GtkListItem *item)
{
  HdTicketRow *row = gtk_list_item_get_item (item);

  return row != NULL ? hd_ticket_row_get_ticket (row) : NULL;
}

static void
fill_cell (GtkListItem *item)
{
  GtkWidget *cell = gtk_list_item_get_child (item);
  const CellKind *kind = g_object_get_qdata (G_OBJECT (cell), cell_kind_quark);
  HdTicket *ticket = item_ticket (item);

  if (ticket != NULL)
    kind->fill (GTK_INSCRIPTION (cell), ticket, g_get_real_time ());
}

/* Dragging a ticket by its title, onto one of the team in the sidebar,
 * assigns it: the drag carries the ticket's number. */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkListItem   *item)
{
  HdTicket *ticket = item_ticket (item);

  if (ticket == NULL || hd_ticket_is_placeholder (ticket))
    return NULL;

  return gdk_content_provider_new_typed (G_TYPE_INT64, hd_ticket_get_number (ticket));
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               GtkListItem   *item)
{
  HdTicket *ticket = item_ticket (item);
  g_autofree char *text = NULL;
  GtkWidget *label;

  if (ticket == NULL)
    return;

  /* What is being moved, as a small card. */
  text = g_strdup_printf ("#%" G_GINT64_FORMAT " %s", hd_ticket_get_number (ticket),
                          hd_ticket_get_title (ticket));
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *bad = g_steal_pointer (&text);

      text = g_utf8_make_valid (bad, -1);
    }
  label = gtk_label_new (text);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_add_css_class (label, "card");
  gtk_widget_add_css_class (label, "drag-card");
  gtk_drag_icon_set_child (GTK_DRAG_ICON (gtk_drag_icon_get_for_drag (drag)), label);
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               const CellKind           *kind)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  g_object_set_qdata (G_OBJECT (cell), cell_kind_quark, (gpointer) kind);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 0);
  if (kind->ellipsize)
    gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell),
                                       GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  for (guint i = 0; i < G_N_ELEMENTS (kind->style) && kind->style[i] != NULL; i++)
    gtk_widget_add_css_class (cell, kind->style[i]);

  if (kind->drag)
    {
      GtkDragSource *source = gtk_drag_source_new ();

      gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
      g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare_cb), item);
      g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), item);
      gtk_widget_add_controller (cell, GTK_EVENT_CONTROLLER (source));
    }

  gtk_list_item_set_child (item, cell);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  g_signal_connect_object (gtk_list_item_get_item (item), "notify::ticket",
                           G_CALLBACK (fill_cell), item, G_CONNECT_SWAPPED);
  fill_cell (item);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), fill_cell, item);
}

static GtkListItemFactory *
cell_factory_new (const CellKind *kind)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), (gpointer) kind);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), NULL);
  return factory;
}

/* Sorting */

static GtkColumnViewColumn *
column_at (HdTicketListView *self,
           guint             index)
{
  GtkColumnViewColumn *columns[] = {
    self->number_column, self->title_column, self->requester_column, self->priority_column,
    self->status_column, self->assignee_column, self->due_column, self->updated_column,
  };

  return index < G_N_ELEMENTS (columns) ? columns[index] : NULL;
}

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  HdTicketListView *self = g_object_get_data (G_OBJECT (user_data), "hd-view");
  int index = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (user_data), "hd-index"));

  if (self->probed_column < 0)
    self->probed_column = index;
  return GTK_ORDERING_SMALLER;
}

/* GTK 4.8 does not say which column the column view sorts by (that is
 * gtk_column_view_sorter_get_primary_sort_column, 4.10). Its sorter asks
 * the primary column first and inverts the answer when descending, so one
 * comparison tells both. */
static gboolean
probe_sort (HdTicketListView *self,
            HdTicketSort     *sort,
            gboolean         *descending)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  GtkOrdering order;

  self->probed_column = -1;
  order = gtk_sorter_compare (sorter, a, b);
  if (self->probed_column < 0 || order == GTK_ORDERING_EQUAL)
    return FALSE;

  *sort = column_sorts[self->probed_column];
  *descending = order == GTK_ORDERING_LARGER;
  return TRUE;
}

static void
sorter_changed_cb (HdTicketListView *self)
{
  g_signal_emit (self, signals[SORT_CHANGED], 0);
}

static void
install_sorters (HdTicketListView *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_sorts); i++)
    {
      GtkCustomSorter *sorter = gtk_custom_sorter_new (NULL, NULL, NULL);

      g_object_set_data (G_OBJECT (sorter), "hd-view", self);
      g_object_set_data (G_OBJECT (sorter), "hd-index", GINT_TO_POINTER (i));
      gtk_custom_sorter_set_sort_func (sorter, probe_compare, sorter, NULL);
      gtk_column_view_column_set_sorter (column_at (self, i), GTK_SORTER (sorter));
      g_object_unref (sorter);
    }

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Signals */

static void
search_changed_cb (HdTicketListView *self)
{
  g_signal_emit (self, signals[SEARCH_CHANGED], 0);
}

/* The ticket at @position, as its row shows it. */
static HdTicket *
dup_ticket_at (HdTicketListView *self,
               guint             position)
{
  if (self->list == NULL || position == GTK_INVALID_LIST_POSITION)
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->list), position);
}

static gint64
number_at (HdTicketListView *self,
           guint             position)
{
  g_autoptr(HdTicket) ticket = dup_ticket_at (self, position);

  return ticket != NULL ? hd_ticket_get_number (ticket) : 0;
}

static void
selected_cb (HdTicketListView *self)
{
  gint64 number = number_at (self, gtk_single_selection_get_selected (self->selection));

  /* A selection that moves with its row, or that the window made, is no
   * choice of the person's. */
  if (self->model_changing || self->selecting || number == self->selected)
    return;

  /* A placeholder row (its page still loading) is the person's choice all
   * the same: the ticket selected before is let go, and the row's ticket
   * opens when its page arrives (items_changed_cb()). */
  if (number == 0)
    {
      self->selected = 0;
      return;
    }

  self->selected = number;
  g_signal_emit (self, signals[TICKET_SELECTED], 0, number);
}

static void
activate_cb (HdTicketListView *self,
             guint             position)
{
  gint64 number = number_at (self, position);

  if (number > 0)
    g_signal_emit (self, signals[TICKET_ACTIVATED], 0, number);
}

static void
update_empty_state (HdTicketListView *self)
{
  gboolean empty = self->list != NULL &&
                   g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0 &&
                   !hd_ticket_list_is_loading (self->list);

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

/* Runs before the selection hears of the change. */
static void
items_changing_cb (HdTicketListView *self)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

  self->model_changing = TRUE;
  /* A loading row chosen: the selection lets it go when its ticket
   * replaces it (GtkSingleSelection keeps only the same item), and
   * items_changed_cb() chooses the row again. */
  self->loading_chosen = self->selected == 0
                         ? gtk_single_selection_get_selected (self->selection)
                         : GTK_INVALID_LIST_POSITION;
  self->at_top = vadjustment != NULL &&
                 gtk_adjustment_get_value (vadjustment) <= gtk_adjustment_get_lower (vadjustment);
}

/* GTK keeps the first row shown where it is when rows arrive above it; a
 * person at the top of the list wants to see them arrive. The column view
 * scrolls with its list view's action, which GTK 4.8 offers only there. */
static void
stay_at_top (HdTicketListView *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", 0);
}

/* Keeps the selected ticket selected when its row moves or reloads. The
 * list finds it by number: asking for every added row would make a row for
 * each, and read their pages. */
static void
items_changed_cb (HdTicketListView *self,
                  guint             position,
                  guint             removed,
                  guint             added)
{
  guint found, selected;

  self->model_changing = FALSE;
  update_empty_state (self);
  if (self->at_top && position == 0 && added > removed)
    stay_at_top (self);

  /* The row chosen while its page was loading has its ticket now. It is
   * still the person's choice, and opens. */
  if (self->selected == 0)
    {
      if (removed == added && self->loading_chosen >= position &&
          self->loading_chosen < position + added &&
          gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
        gtk_single_selection_set_selected (self->selection, self->loading_chosen);
      else
        selected_cb (self);
      return;
    }

  selected = gtk_single_selection_get_selected (self->selection);
  if (number_at (self, selected) == self->selected)
    return;

  /* The selected row shows another ticket now (rows change in place):
   * the selection follows the ticket, or leaves the row. */
  found = hd_ticket_list_find (self->list, self->selected);
  if (found >= position && found < position + added)
    selected = found;
  else if (selected >= position && selected - position < MAX (removed, added))
    selected = GTK_INVALID_LIST_POSITION;
  else
    return;

  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, selected);
  self->selecting = FALSE;
}

/* A new filter's first page is followed by the rest of its list: the
 * rows past the page stay meanwhile (see hd-ticket-rows.c). */
static void
complete_changed_cb (HdTicketListView *self)
{
  hd_ticket_rows_set_partial (self->rows,
                              self->list != NULL && !hd_ticket_list_is_complete (self->list));
}

/* A list that could not be read further will not grow: its rows are
 * what it has. */
static void
list_failed_cb (HdTicketListView *self)
{
  hd_ticket_rows_set_partial (self->rows, FALSE);
}

/* The context menu acts on the selected ticket: GTK 4.8 offers no way to
 * tell which row a click landed on, and a left click selects first. */
static void
context_pressed_cb (GtkGestureClick  *gesture,
                    int               n_press,
                    double            x,
                    double            y,
                    HdTicketListView *self)
{
  GdkRectangle at = { 0, 0, 1, 1 };
  double lx = x, ly = y;

  if (self->context_menu == NULL || self->selected == 0)
    return;

  /* The popover is ours; the click was the column view's. */
  gtk_widget_translate_coordinates (GTK_WIDGET (self->column_view), GTK_WIDGET (self), x, y,
                                    &lx, &ly);
  at.x = (int) lx;
  at.y = (int) ly;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &at);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

/* GObject */

static void
hd_ticket_list_view_dispose (GObject *object)
{
  HdTicketListView *self = (HdTicketListView *) object;
  GtkWidget *child;

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);

  /* Tearing the columns down changes the sorter: nobody is listening. */
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  self->list = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_TICKET_LIST_VIEW);
  g_clear_object (&self->rows);
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    g_clear_object (&self->columns[i]);
  /* Only bound direct children are unparented above; ours is a GtkBox. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (hd_ticket_list_view_parent_class)->dispose (object);
}

static void
hd_ticket_list_view_class_init (HdTicketListViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_ticket_list_view_dispose;

  signals[SEARCH_CHANGED] = g_signal_new ("search-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[SORT_CHANGED] = g_signal_new ("sort-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  signals[TICKET_SELECTED] = g_signal_new ("ticket-selected", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[TICKET_ACTIVATED] = g_signal_new ("ticket-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (HD_TYPE_TICKET);
  cell_kind_quark = g_quark_from_static_string ("hd-cell-kind");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-ticket-list-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, stack);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, column_view);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, selection);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, number_column);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, title_column);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, requester_column);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, priority_column);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, status_column);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, assignee_column);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, due_column);
  gtk_widget_class_bind_template_child (widget_class, HdTicketListView, updated_column);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hd_ticket_list_view_init (HdTicketListView *self)
{
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    {
      g_autoptr(GtkListItemFactory) factory = cell_factory_new (&cell_kinds[i]);

      self->columns[i] = g_object_ref (column_at (self, i));
      gtk_column_view_column_set_factory (self->columns[i], factory);
    }

  /* Before the selection hears of a change. */
  self->rows = hd_ticket_rows_new ();
  g_signal_connect_object (self->rows, "items-changed", G_CALLBACK (items_changing_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->rows));
  install_sorters (self);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (context_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));
  /* Newest activity first until a header is clicked. */
  gtk_column_view_sort_by_column (self->column_view, self->updated_column,
                                  GTK_SORT_DESCENDING);
}

/* Public API */

GtkWidget *
hd_ticket_list_view_new (void)
{
  return g_object_new (HD_TYPE_TICKET_LIST_VIEW, NULL);
}

/**
 * hd_ticket_list_view_set_model:
 * @list: (nullable): the tickets to show; the view does not own it
 */
void
hd_ticket_list_view_set_model (HdTicketListView *self,
                               HdTicketList     *list)
{
  g_return_if_fail (HD_IS_TICKET_LIST_VIEW (self));

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);

  self->list = list;
  self->selected = 0;
  complete_changed_cb (self);
  hd_ticket_rows_set_model (self->rows, G_LIST_MODEL (list));
  self->model_changing = FALSE;

  if (list != NULL)
    {
      g_signal_connect_object (list, "items-changed", G_CALLBACK (items_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (list, "notify::loading", G_CALLBACK (update_empty_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (list, "notify::complete", G_CALLBACK (complete_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (list, "failed", G_CALLBACK (list_failed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  update_empty_state (self);
}

void
hd_ticket_list_view_set_empty_text (HdTicketListView *self,
                                    const char       *title,
                                    const char       *description)
{
  g_return_if_fail (HD_IS_TICKET_LIST_VIEW (self));

  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
}

const char *
hd_ticket_list_view_get_search (HdTicketListView *self)
{
  g_return_val_if_fail (HD_IS_TICKET_LIST_VIEW (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

HdTicketSort
hd_ticket_list_view_get_sort (HdTicketListView *self,
                              gboolean         *descending)
{
  HdTicketSort sort = HD_TICKET_SORT_UPDATED;

  g_return_val_if_fail (HD_IS_TICKET_LIST_VIEW (self), HD_TICKET_SORT_NUMBER);
  g_return_val_if_fail (descending != NULL, HD_TICKET_SORT_NUMBER);

  *descending = TRUE;
  if (!probe_sort (self, &sort, descending))
    {
      sort = HD_TICKET_SORT_NUMBER;
      *descending = FALSE;
    }

  return sort;
}

void
hd_ticket_list_view_focus_search (HdTicketListView *self)
{
  g_return_if_fail (HD_IS_TICKET_LIST_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * hd_ticket_list_view_set_compact:
 * @compact: %TRUE on a narrow screen: number, title and status only
 */
void
hd_ticket_list_view_set_compact (HdTicketListView *self,
                                 gboolean          compact)
{
  g_return_if_fail (HD_IS_TICKET_LIST_VIEW (self));

  if (compact == self->compact)
    return;
  self->compact = compact;

  /* GTK 4.8 keeps hidden columns' widths when it shares out the space, so
   * the title would not grow: take columns out instead of hiding them, and
   * put them all back in their order. self->columns keeps them alive. */
  for (guint i = 2; i < G_N_ELEMENTS (self->columns); i++)
    if (gtk_column_view_column_get_column_view (self->columns[i]) == self->column_view)
      gtk_column_view_remove_column (self->column_view, self->columns[i]);
  for (guint i = 2; i < G_N_ELEMENTS (self->columns); i++)
    if (!compact || self->columns[i] == self->status_column)
      gtk_column_view_append_column (self->column_view, self->columns[i]);
}

/**
 * hd_ticket_list_view_dup_selected_ticket:
 *
 * Returns: (transfer full) (nullable): the selected row's ticket, as the
 *   list last read it
 */
HdTicket *
hd_ticket_list_view_dup_selected_ticket (HdTicketListView *self)
{
  g_autoptr(HdTicket) ticket = NULL;
  guint position;

  g_return_val_if_fail (HD_IS_TICKET_LIST_VIEW (self), NULL);

  position = gtk_single_selection_get_selected (self->selection);
  if (position == GTK_INVALID_LIST_POSITION)
    return NULL;

  ticket = dup_ticket_at (self, position);
  if (ticket == NULL || hd_ticket_get_number (ticket) != self->selected)
    return NULL;

  return g_steal_pointer (&ticket);
}

/**
 * hd_ticket_list_view_set_context_menu:
 * @menu: (nullable): what right-clicking the list offers for the selected
 *   ticket; %NULL for nothing
 */
void
hd_ticket_list_view_set_context_menu (HdTicketListView *self,
                                      GMenuModel       *menu)
{
  g_return_if_fail (HD_IS_TICKET_LIST_VIEW (self));

  if (self->context_menu == NULL && menu != NULL)
    {
      self->context_menu = gtk_popover_menu_new_from_model (menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
    }
  else if (self->context_menu != NULL)
    gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), menu);
}

gint64
hd_ticket_list_view_get_selected (HdTicketListView *self)
{
  g_return_val_if_fail (HD_IS_TICKET_LIST_VIEW (self), 0);
  return self->selected;
}

/**
 * hd_ticket_list_view_select:
 *
 * Selects ticket @number once its row is in the list (now or when its page
 * arrives).
 */
void
hd_ticket_list_view_select (HdTicketListView *self,
                            gint64            number)
{
  guint position;

  g_return_if_fail (HD_IS_TICKET_LIST_VIEW (self));

  /* Not in the list yet (just filed): nothing else stays selected, and
   * the row is selected when it arrives. */
  self->selected = number;
  position = self->list != NULL ? hd_ticket_list_find (self->list, number) : G_MAXUINT;
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = FALSE;
}
