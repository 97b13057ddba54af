/* hd-ticket-rows.c — the ticket list as rows that stay where they are
 *
 * GTK 4.8's list views keep a row's widgets only while its item is the
 * same object: a change that replaces the items in view (a sort, a new
 * filter, the first page of either) destroys some 200 rows of cells and
 * builds 200 new ones, which took most of a sort's time. So the column
 * view is not given the tickets but HdTicketRows: one HdTicketRow for a
 * position, made when a view asks for that position and kept while someone
 * holds it, which shows the ticket at its position.
 *
 * A change of the tickets (position, removed, added) is passed on as the
 * same change, but its first min (removed, added) positions are changed in
 * place: their rows stay, take their new tickets and notify "ticket", and
 * only the rest is announced with items-changed. Rows after the change move
 * with their tickets. The cells follow "ticket"; GTK keeps its widgets.
 *
 * While the list is partial (a new filter's first page, before the rest
 * of its numbers; hd_ticket_rows_set_partial()), it may shrink to a page
 * and grow back a moment later: GTK would destroy the rows past the page
 * and build them again. The rows keep their number then, those past the
 * list's end showing a placeholder, and follow its length when it is whole.
 *
 * A selection of a position stays on that position when its row changes
 * in place: whoever follows a ticket there looks at the row's ticket again
 * (hd-ticket-list-view.c does).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-ticket-rows.h"

struct _HdTicketRow
{
  GObject       parent_instance;

  HdTicket     *ticket;     /* owned */
  HdTicketRows *owner;      /* borrowed; NULL once the row left the list */
  guint         position;
};

struct _HdTicketRows
{
  GObject     parent_instance;

  GListModel *tickets;      /* owned */
  HdTicket   *placeholder;  /* owned: shown past the end of a partial list */
  GHashTable *rows;         /* position → HdTicketRow, borrowed: a row leaves when freed */
  guint       n_items;      /* as announced */
  gboolean    partial;
};

static void hd_ticket_rows_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE (HdTicketRow, hd_ticket_row, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE_WITH_CODE (HdTicketRows, hd_ticket_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hd_ticket_rows_model_init))

enum {
  ROW_PROP_0,
  ROW_PROP_TICKET,
  ROW_N_PROPS
};

static GParamSpec *row_properties[ROW_N_PROPS];

/* HdTicketRow */

static void
row_set_ticket (HdTicketRow *row,
                HdTicket    *ticket)
{
  if (g_set_object (&row->ticket, ticket))
    g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_TICKET]);
}

static void
hd_ticket_row_finalize (GObject *object)
{
  HdTicketRow *row = (HdTicketRow *) object;

  if (row->owner != NULL)
    g_hash_table_remove (row->owner->rows, GUINT_TO_POINTER (row->position));
  g_clear_object (&row->ticket);

  G_OBJECT_CLASS (hd_ticket_row_parent_class)->finalize (object);
}

static void
hd_ticket_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HdTicketRow *row = HD_TICKET_ROW (object);

  switch (prop_id)
    {
    case ROW_PROP_TICKET:
      g_value_set_object (value, row->ticket);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_ticket_row_class_init (HdTicketRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hd_ticket_row_finalize;
  object_class->get_property = hd_ticket_row_get_property;

  row_properties[ROW_PROP_TICKET] =
    g_param_spec_object ("ticket", NULL, NULL, HD_TYPE_TICKET,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ROW_N_PROPS, row_properties);
}

static void
hd_ticket_row_init (HdTicketRow *row)
{
}

/**
 * hd_ticket_row_get_ticket:
 *
 * Returns: (transfer none): the ticket at the row's position, as the list
 *   last gave it (a placeholder while its page loads)
 */
HdTicket *
hd_ticket_row_get_ticket (HdTicketRow *self)
{
  g_return_val_if_fail (HD_IS_TICKET_ROW (self), NULL);
  return self->ticket;
}

/* Rows */

static void
let_go (HdTicketRow *row)
{
  row->owner = NULL;
  row->position = G_MAXUINT;
}

/* The rows held at positions from @start on: before @start + @removed they
 * leave the list; after it they move by @added - @removed. */
static void
move_rows (HdTicketRows *self,
           guint         start,
           guint         removed,
           guint         added)
{
  GHashTable *moved = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  HdTicketRow *row;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    {
      if (row->position >= start && row->position - start < removed)
        {
          let_go (row);
          continue;
        }
      if (row->position >= start)
        row->position = row->position - removed + added;
      g_hash_table_insert (moved, GUINT_TO_POINTER (row->position), row);
    }

  g_hash_table_unref (self->rows);
  self->rows = moved;
}

static guint
n_tickets (HdTicketRows *self)
{
  return self->tickets != NULL ? g_list_model_get_n_items (self->tickets) : 0;
}

static HdTicket *
dup_ticket_at (HdTicketRows *self,
               guint         position)
{
  if (position < n_tickets (self))
    return g_list_model_get_item (self->tickets, position);
  return g_object_ref (self->placeholder);
}

/* The rows held from @start for @n_items take the tickets now there. */
static void
refresh_rows (HdTicketRows *self,
              guint         start,
              guint         n_items)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  HdTicketRow *row;

  if (n_items == 0)
    return;

  /* Gathered first: a row's handlers may ask for rows. */
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    if (row->position >= start && row->position - start < n_items)
      g_ptr_array_add (changed, g_object_ref (row));

  for (guint i = 0; i < changed->len; i++)
    {
      g_autoptr(HdTicket) ticket = NULL;

      row = g_ptr_array_index (changed, i);
      if (row->owner == NULL)
        continue;
      ticket = dup_ticket_at (self, row->position);
      row_set_ticket (row, ticket);
    }
}

/* While partial, every row from @position on takes its ticket in place,
 * and the rows only ever grow. */
static void
partial_changed (HdTicketRows *self,
                 guint         position)
{
  guint before = self->n_items;

  refresh_rows (self, position, before - MIN (position, before));
  if (n_tickets (self) <= before)
    return;

  self->n_items = n_tickets (self);
  g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->n_items - before);
}

static void
tickets_changed_cb (HdTicketRows *self,
                    guint         position,
                    guint         removed,
                    guint         added)
{
  guint common = MIN (removed, added);

  if (self->partial)
    {
      partial_changed (self, position);
      return;
    }

  self->n_items = n_tickets (self);
  if (removed != added)
    move_rows (self, position + common, removed - common, added - common);
  refresh_rows (self, position, common);
  if (removed != added)
    g_list_model_items_changed (G_LIST_MODEL (self), position + common, removed - common,
                                added - common);
}

/* GListModel */

static GType
hd_ticket_rows_get_item_type (GListModel *model)
{
  return HD_TYPE_TICKET_ROW;
}

static guint
hd_ticket_rows_get_n_items (GListModel *model)
{
  return HD_TICKET_ROWS (model)->n_items;
}

static gpointer
hd_ticket_rows_get_item (GListModel *model,
                         guint       position)
{
  HdTicketRows *self = HD_TICKET_ROWS (model);
  HdTicketRow *row;

  if (position >= hd_ticket_rows_get_n_items (model))
    return NULL;

  row = g_hash_table_lookup (self->rows, GUINT_TO_POINTER (position));
  if (row != NULL)
    return g_object_ref (row);

  row = g_object_new (HD_TYPE_TICKET_ROW, NULL);
  row->ticket = dup_ticket_at (self, position);
  row->owner = self;
  row->position = position;
  g_hash_table_insert (self->rows, GUINT_TO_POINTER (position), row);
  return row;
}

static void
hd_ticket_rows_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hd_ticket_rows_get_item_type;
  iface->get_n_items = hd_ticket_rows_get_n_items;
  iface->get_item = hd_ticket_rows_get_item;
}

/* GObject */

static void
hd_ticket_rows_dispose (GObject *object)
{
  HdTicketRows *self = (HdTicketRows *) object;

  if (self->tickets != NULL)
    g_signal_handlers_disconnect_by_data (self->tickets, self);
  g_clear_object (&self->tickets);
  /* Rows others still hold outlive us. */
  move_rows (self, 0, G_MAXUINT, 0);

  G_OBJECT_CLASS (hd_ticket_rows_parent_class)->dispose (object);
}

static void
hd_ticket_rows_finalize (GObject *object)
{
  HdTicketRows *self = (HdTicketRows *) object;

  g_hash_table_unref (self->rows);
  g_object_unref (self->placeholder);

  G_OBJECT_CLASS (hd_ticket_rows_parent_class)->finalize (object);
}

static void
hd_ticket_rows_class_init (HdTicketRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hd_ticket_rows_dispose;
  object_class->finalize = hd_ticket_rows_finalize;
}

static void
hd_ticket_rows_init (HdTicketRows *self)
{
  self->rows = g_hash_table_new (NULL, NULL);
  self->placeholder = g_object_new (HD_TYPE_TICKET, NULL);
}

/* Public API */

HdTicketRows *
hd_ticket_rows_new (void)
{
  return g_object_new (HD_TYPE_TICKET_ROWS, NULL);
}

/**
 * hd_ticket_rows_set_model:
 * @tickets: (nullable): a list of #HdTicket
 *
 * Shows @tickets instead, changing the rows held in place.
 */
void
hd_ticket_rows_set_model (HdTicketRows *self,
                          GListModel   *tickets)
{
  guint removed, added;

  g_return_if_fail (HD_IS_TICKET_ROWS (self));
  g_return_if_fail (tickets == NULL || G_IS_LIST_MODEL (tickets));

  if (tickets == self->tickets)
    return;

  removed = self->n_items;
  if (self->tickets != NULL)
    g_signal_handlers_disconnect_by_data (self->tickets, self);
  g_set_object (&self->tickets, tickets);
  if (tickets != NULL)
    g_signal_connect_object (tickets, "items-changed", G_CALLBACK (tickets_changed_cb), self,
                             G_CONNECT_SWAPPED);

  added = n_tickets (self);
  if (removed > 0 || added > 0)
    tickets_changed_cb (self, 0, removed, added);
}

/**
 * hd_ticket_rows_get_model:
 *
 * Returns: (transfer none) (nullable): the tickets shown
 */
GListModel *
hd_ticket_rows_get_model (HdTicketRows *self)
{
  g_return_val_if_fail (HD_IS_TICKET_ROWS (self), NULL);
  return self->tickets;
}

/**
 * hd_ticket_rows_set_partial:
 * @partial: %TRUE while the list may still grow (a new filter's first
 *   page): the rows keep their number meanwhile
 *
 * When the list is whole again, the rows past its end go.
 */
void
hd_ticket_rows_set_partial (HdTicketRows *self,
                            gboolean      partial)
{
  guint removed;

  g_return_if_fail (HD_IS_TICKET_ROWS (self));

  partial = !!partial;
  if (partial == self->partial)
    return;

  self->partial = partial;
  if (partial || self->n_items <= n_tickets (self))
    return;

  removed = self->n_items - n_tickets (self);
  self->n_items = n_tickets (self);
  move_rows (self, self->n_items, removed, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), self->n_items, removed, 0);
}
