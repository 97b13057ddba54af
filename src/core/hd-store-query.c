/* hd-store-query.c — finding, sorting and counting tickets
 *
 * Lists are sorted and filtered in SQL, in pages, so a window over a file of
 * a million tickets holds only the rows on screen. Every ordering ends in
 * the ticket number, which makes it total: a page boundary never splits
 * rows that compare equal. The SQL is assembled from the constant
 * fragments below; values are always bound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-enum-types.h"
#include "hd-store-private.h"

/* Ranks that sort like the workflow and by urgency, not alphabetically.
 * Schema version 2 indexes these exact expressions. */
#define PRIORITY_RANK \
  "(CASE t.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END)"
#define STATUS_RANK \
  "(CASE t.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2" \
  " WHEN 'resolved' THEN 3 ELSE 4 END)"

static const struct {
  const char *ascending;
  const char *descending;
} orders[] = {
  [HD_TICKET_SORT_NUMBER] = { "t.id", "t.id DESC" },
  [HD_TICKET_SORT_TITLE] = { "t.title COLLATE NOCASE, t.id",
                             "t.title COLLATE NOCASE DESC, t.id DESC" },
  [HD_TICKET_SORT_REQUESTER] = { "r.name COLLATE NOCASE, t.id",
                                 "r.name COLLATE NOCASE DESC, t.id DESC" },
  [HD_TICKET_SORT_PRIORITY] = { PRIORITY_RANK ", t.id", PRIORITY_RANK " DESC, t.id DESC" },
  [HD_TICKET_SORT_STATUS] = { STATUS_RANK ", t.id", STATUS_RANK " DESC, t.id DESC" },
  [HD_TICKET_SORT_ASSIGNEE] = { "a.name COLLATE NOCASE, t.id",
                                "a.name COLLATE NOCASE DESC, t.id DESC" },
  [HD_TICKET_SORT_UPDATED] = { "t.updated_at, t.id", "t.updated_at DESC, t.id DESC" },
};

/* A LIKE pattern that finds @text literally: % _ and \ lose their meaning. */
static char *
like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

static gboolean
has_search (const HdTicketFilter *filter)
{
  return filter->search != NULL && filter->search[0] != '\0';
}

/* Orders an index walks in order, so a page stops after its rows. */
static gboolean
sort_has_index (HdTicketSort sort)
{
  return sort != HD_TICKET_SORT_REQUESTER && sort != HD_TICKET_SORT_ASSIGNEE;
}

/* The WHERE clause holds only placeholders; bind_filter() binds them in the
 * same order. Requesters (@own_only) see their own tickets only, and never
 * find a ticket through an internal note. People are matched through their
 * id, so counting needs no join.
 *
 * When @ordered, the status test is written "+t.status": without table
 * statistics SQLite would otherwise pick the status index and sort every
 * matching row for each page; with it, it walks the sort order's index and
 * stops after one page (2 ms instead of 1 s at 300 000 open tickets). */
static void
append_where (GString              *sql,
              const HdTicketFilter *filter,
              const char           *own_only,
              gboolean              ordered)
{
  guint mask = filter->status_mask & HD_STATUS_MASK_ALL;
  gboolean walk_index = ordered && sort_has_index (filter->sort);

  g_string_append (sql, " WHERE 1");
  if (mask != 0)
    {
      int low = -1, high = -1;

      g_string_append (sql, walk_index ? " AND +t.status IN (" : " AND t.status IN (");
      for (int s = HD_STATUS_NEW; s <= HD_STATUS_CLOSED; s++)
        if (mask & HD_STATUS_MASK (s))
          {
            g_string_append (sql, "?,");
            low = low < 0 ? s : low;
            high = s;
          }
      g_string_truncate (sql, sql->len - 1);
      g_string_append_c (sql, ')');

      /* The rank of a status is its HdStatus value: sorting by status
       * walks only the range of ranks the filter can match. */
      if (ordered && filter->sort == HD_TICKET_SORT_STATUS)
        g_string_append_printf (sql, " AND " STATUS_RANK " BETWEEN %d AND %d", low, high);
    }

  if (filter->assignee != NULL)
    g_string_append (sql, " AND t.assignee_id = (SELECT id FROM people WHERE login = ?)");
  else if (filter->unassigned)
    g_string_append (sql, " AND t.assignee_id IS NULL");
  if (filter->requester != NULL)
    g_string_append (sql, " AND t.requester_id = (SELECT id FROM people WHERE login = ?)");
  if (own_only != NULL)
    g_string_append (sql, " AND t.requester_id = (SELECT id FROM people WHERE login = ?)");
  if (has_search (filter))
    g_string_append (sql,
                     " AND (t.title LIKE :search ESCAPE '\\'"
                     "  OR t.description LIKE :search ESCAPE '\\'"
                     "  OR EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id"
                     "   AND e.body LIKE :search ESCAPE '\\'"
                     "   AND (:staff OR e.kind != 'note')))");
}

static void
bind_named_int (sqlite3_stmt *stmt,
                const char   *name,
                gint64        value)
{
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, name), value);
}

static void
bind_filter (sqlite3_stmt         *stmt,
             const HdTicketFilter *filter,
             const char           *own_only)
{
  int index = 1;

  for (int s = HD_STATUS_NEW; s <= HD_STATUS_CLOSED; s++)
    if (filter->status_mask & HD_STATUS_MASK (s))
      sqlite3_bind_text (stmt, index++, hd_enum_to_nick (HD_TYPE_STATUS, s), -1, SQLITE_STATIC);

  if (filter->assignee != NULL)
    sqlite3_bind_text (stmt, index++, filter->assignee, -1, SQLITE_TRANSIENT);
  if (filter->requester != NULL)
    sqlite3_bind_text (stmt, index++, filter->requester, -1, SQLITE_TRANSIENT);
  if (own_only != NULL)
    sqlite3_bind_text (stmt, index++, own_only, -1, SQLITE_TRANSIENT);
  if (has_search (filter))
    {
      sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":search"),
                         like_pattern (filter->search), -1, g_free);
      bind_named_int (stmt, ":staff", own_only == NULL);
    }
}

static const char *
own_only_login (HdStore *self)
{
  HdPerson *me = hd_store_get_me (self);

  return hd_person_is_staff (me) ? NULL : hd_person_get_login (me);
}

static gboolean
check_filter (const HdTicketFilter  *filter,
              GError               **error)
{
  if ((guint) filter->sort >= G_N_ELEMENTS (orders))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT, "Unknown sort order %d",
                   filter->sort);
      return FALSE;
    }

  return !has_search (filter) ||
         hd_validate_line (_("The search"), filter->search, HD_MAX_TITLE_CHARS, FALSE, error);
}

/**
 * hd_store_list_tickets:
 * @filter: (nullable): which tickets, in which order, which page; %NULL for
 *   all, by number
 *
 * Requesters get only their own tickets: the filter narrows that, never
 * widens it.
 *
 * Returns: (transfer full) (element-type HdTicket): the tickets
 */
GPtrArray *
hd_store_list_tickets (HdStore               *self,
                       const HdTicketFilter  *filter,
                       GError               **error)
{
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT " HD_TICKET_COLUMNS HD_TICKET_FROM);
  HdTicketFilter all = { 0 };
  const char *own_only;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (filter == NULL)
    filter = &all;
  if (!check_filter (filter, error))
    return NULL;

  own_only = own_only_login (self);
  append_where (sql, filter, own_only, TRUE);
  g_string_append_printf (sql, " ORDER BY %s",
                          filter->descending ? orders[filter->sort].descending
                                             : orders[filter->sort].ascending);
  if (filter->limit > 0 || filter->offset > 0)
    g_string_append (sql, " LIMIT :limit OFFSET :offset");

  stmt = hd_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;

  bind_filter (stmt, filter, own_only);
  if (filter->limit > 0 || filter->offset > 0)
    {
      bind_named_int (stmt, ":limit", filter->limit > 0 ? (gint64) filter->limit : -1);
      bind_named_int (stmt, ":offset", filter->offset);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tickets, hd_ticket_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&tickets);
}

/**
 * hd_store_count_tickets:
 * @filter: (nullable): which tickets; sort, offset and limit are ignored
 * @count: (out): how many tickets the acting person would get
 */
gboolean
hd_store_count_tickets (HdStore               *self,
                        const HdTicketFilter  *filter,
                        guint                 *count,
                        GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  /* No join: a ticket's requester always exists (a foreign key), and
   * people filters test ids. Joining would read every row, not an index. */
  g_autoptr(GString) sql = g_string_new ("SELECT count(*) FROM tickets t");
  HdTicketFilter all = { 0 };
  const char *own_only;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  if (filter == NULL)
    filter = &all;
  if (!check_filter (filter, error))
    return FALSE;

  own_only = own_only_login (self);
  append_where (sql, filter, own_only, FALSE);
  stmt = hd_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  bind_filter (stmt, filter, own_only);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  *count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}
