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
/* The deadline, with the tickets that have none last. Schema version 4
 * indexes this exact expression (tickets_due). */
#define DUE_RANK "coalesce(t.due_at, 9223372036854775807)"

static const struct {
  const char *ascending;
  const char *descending;
} orders[] = {
  [HD_TICKET_SORT_NUMBER] = { "t.id", "t.id DESC" },
  [HD_TICKET_SORT_TITLE] = { "t.title COLLATE NOCASE, t.id",
                             "t.title COLLATE NOCASE DESC, t.id DESC" },
  [HD_TICKET_SORT_REQUESTER] = { "r.name COLLATE NOCASE, r.id, t.id",
                                 "r.name COLLATE NOCASE DESC, r.id DESC, t.id DESC" },
  [HD_TICKET_SORT_PRIORITY] = { PRIORITY_RANK ", t.id", PRIORITY_RANK " DESC, t.id DESC" },
  [HD_TICKET_SORT_STATUS] = { STATUS_RANK ", t.id", STATUS_RANK " DESC, t.id DESC" },
  /* Only the assigned tickets; list_by_assignee() puts the unassigned
   * ones (SQLite's NULL name) first, or last when descending. */
  [HD_TICKET_SORT_ASSIGNEE] = { "a.name COLLATE NOCASE, a.id, t.id",
                                "a.name COLLATE NOCASE DESC, a.id DESC, t.id DESC" },
  [HD_TICKET_SORT_UPDATED] = { "t.updated_at, t.id", "t.updated_at DESC, t.id DESC" },
  [HD_TICKET_SORT_DUE] = { DUE_RANK ", t.id", DUE_RANK " DESC, t.id DESC" },
};

/* Sorting by a person drives the join from people_name, in name order,
 * and reaches each person's tickets in number order through
 * tickets_requester_id or tickets_assignee_id (schema version 3). CROSS
 * JOIN is how SQLite is told to keep that join order: from tickets, it
 * would have to sort every matching row for each page. Two people whose
 * names differ only in case are therefore ordered by their id, not mixed. */
#define FROM_BY_REQUESTER \
  " FROM people r CROSS JOIN tickets t ON t.requester_id = r.id" \
  " LEFT JOIN people a ON a.id = t.assignee_id"
#define FROM_BY_ASSIGNEE \
  " FROM people a CROSS JOIN tickets t ON t.assignee_id = a.id" \
  " JOIN people r ON r.id = t.requester_id"

/* The same for reading only the numbers of a list: a join costs a lookup
 * for every ticket of the list. */
#define NUMBERS_FROM " FROM tickets t"
#define NUMBERS_BY_REQUESTER " FROM people r CROSS JOIN tickets t ON t.requester_id = r.id"
#define NUMBERS_BY_ASSIGNEE " FROM people a CROSS JOIN tickets t ON t.assignee_id = a.id"

/* The type of the pointer bound as :found (read_found()). */
#define FOUND_POINTER "hd-found-tickets"

/* The FTS5 MATCH expression of a search: every word as a quoted prefix
 * (hd_fts_match_expression()), so any text is a valid search. Requesters'
 * searches are limited to the columns they may read: never "internal"
 * (notes, and escalation notes). NULL when the text has no word. */
static char *
search_expression (const char *text,
                   gboolean    staff)
{
  g_autofree char *words = hd_fts_match_expression (text, TRUE, FALSE, 1, FALSE);

  if (words == NULL)
    return NULL;
  if (staff)
    return g_steal_pointer (&words);

  return g_strdup_printf ("{title description conversation} : (%s)", words);
}

static gboolean
has_search (const HdTicketFilter *filter)
{
  return filter->search != NULL && filter->search[0] != '\0';
}

static gboolean
search_has_words (const HdTicketFilter *filter)
{
  g_autofree char *words = hd_fts_match_expression (filter->search, FALSE, FALSE, 1, FALSE);

  return words != NULL;
}

/* The WHERE clause holds only placeholders; bind_filter() binds them in the
 * same order. Requesters (@own_only) see their own tickets only, and never
 * find a ticket through an internal note or an escalation note (the body
 * of a "field" event). People are matched through their id, so counting
 * needs no join.
 *
 * When @ordered or @filter->at_risk, the status test is written "+t.status": without table
 * statistics SQLite would otherwise pick the status index and sort every
 * matching row for each page; with it, it walks the sort order's index and
 * stops after one page (2 ms instead of 1 s at 300 000 open tickets).
 *
 * @part, when not %NULL, is one more condition, without placeholders.
 *
 * A search is the set of tickets found (read_found()), which
 * bind_filter() binds as :found. @dense: walk the sort order's index and
 * keep the tickets found, stopping after one page (a count walks the
 * filter's index), for a search that finds many, when that reads fewer
 * rows than the next way (walk_is_shorter()); otherwise SQLite reads each
 * ticket found by its number, and sorts them.
 *
 * @past_people: a person filter's index is not to be used (person_has_many()):
 * a page walks the sort order's index instead. */
static void
append_where (GString              *sql,
              const HdTicketFilter *filter,
              const char           *own_only,
              gboolean              ordered,
              gboolean              dense,
              gboolean              past_people,
              const char           *part)
{
  guint mask = filter->status_mask & HD_STATUS_MASK_ALL;

  g_string_append (sql, " WHERE 1");
  if (mask != 0)
    {
      g_string_append (sql, ordered || filter->at_risk ? " AND +t.status IN (" : " AND t.status IN (");
      for (int s = HD_STATUS_NEW; s <= HD_STATUS_CLOSED; s++)
        if (mask & HD_STATUS_MASK (s))
          g_string_append (sql, "?,");
      g_string_truncate (sql, sql->len - 1);
      g_string_append_c (sql, ')');

      /* The rank of a status is its HdStatus value: sorting by status
       * walks only the range of ranks the filter can match. */
      if (ordered && filter->sort == HD_TICKET_SORT_STATUS)
        g_string_append (sql, " AND " STATUS_RANK " BETWEEN :rank_low AND :rank_high");
    }

  if (filter->assignee != NULL)
    g_string_append (sql, past_people ? " AND +t.assignee_id = (SELECT id FROM people WHERE login = ?)"
                                      : " AND t.assignee_id = (SELECT id FROM people WHERE login = ?)");
  else if (filter->unassigned)
    g_string_append (sql, " AND t.assignee_id IS NULL");
  if (filter->requester != NULL)
    g_string_append (sql, past_people ? " AND +t.requester_id = (SELECT id FROM people WHERE login = ?)"
                                      : " AND t.requester_id = (SELECT id FROM people WHERE login = ?)");
  if (own_only != NULL)
    g_string_append (sql, past_people ? " AND +t.requester_id = (SELECT id FROM people WHERE login = ?)"
                                      : " AND t.requester_id = (SELECT id FROM people WHERE login = ?)");
  if (filter->tier != 0)
    g_string_append (sql, " AND t.tier = ?");
  /* tickets_fts (schema version 5) has the words of the title,
   * description, replies and, apart, the internal text. A search without
   * any word (only punctuation) finds nothing. */
  if (has_search (filter) && search_has_words (filter))
    g_string_append (sql, dense
                          ? " AND hd_found(:found, t.id)"
                          : " AND t.id IN hd_found_ids(:found)");
  else if (has_search (filter))
    g_string_append (sql, " AND 0");
  /* Only running tickets have a warn_at; the status test is for other
   * tools' rows. tickets_warn holds just those tickets, and the "+" (here
   * and in the status filter above) makes SQLite find them through it
   * rather than through every open ticket of the status index. */
  if (filter->at_risk)
    g_string_append (sql, " AND t.warn_at <= :now AND +t.status IN ('new', 'open')");
  if (part != NULL)
    g_string_append (sql, part);
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
             const char           *own_only,
             GArray               *found)
{
  int index = 1;
  int low = -1, high = -1;

  for (int s = HD_STATUS_NEW; s <= HD_STATUS_CLOSED; s++)
    if (filter->status_mask & HD_STATUS_MASK (s))
      {
        sqlite3_bind_text (stmt, index++, hd_enum_to_nick (HD_TYPE_STATUS, s), -1, SQLITE_STATIC);
        low = low < 0 ? s : low;
        high = s;
      }
  if (sqlite3_bind_parameter_index (stmt, ":rank_low") != 0)
    {
      bind_named_int (stmt, ":rank_low", low);
      bind_named_int (stmt, ":rank_high", high);
    }

  if (filter->assignee != NULL)
    sqlite3_bind_text (stmt, index++, filter->assignee, -1, SQLITE_TRANSIENT);
  if (filter->requester != NULL)
    sqlite3_bind_text (stmt, index++, filter->requester, -1, SQLITE_TRANSIENT);
  if (own_only != NULL)
    sqlite3_bind_text (stmt, index++, own_only, -1, SQLITE_TRANSIENT);
  if (filter->tier != 0)
    sqlite3_bind_int (stmt, index++, filter->tier);
  if (found != NULL)
    sqlite3_bind_pointer (stmt, sqlite3_bind_parameter_index (stmt, ":found"),
                          g_array_ref (found), FOUND_POINTER,
                          (void (*) (void *)) g_array_unref);
  if (filter->at_risk)
    bind_named_int (stmt, ":now", filter->now != 0 ? filter->now : g_get_real_time ());
}

/* A search is read once into a set, the sorted numbers of the tickets
 * found. When it finds many, SQL tests it with hd_found(:found, id): a
 * page walks the sort order's index and stops after one page, instead of
 * SQLite reading and sorting every ticket found (a common word among a
 * million tickets: 72 000 found). A rare word, every ticket of a search
 * or a page deep down are better read through the tickets found, which
 * SQL reads from the set as the table hd_found_ids(:found): below
 * DENSE_SEARCH found, or when walk_is_shorter() says so.
 *
 * With a person filter (someone's tickets, a requester's own), SQLite
 * reads that person's tickets through their index and keeps those in the
 * set, which costs a lookup in memory each; unless the person has more
 * tickets than were found (person_has_many()), when a page walks the sort
 * order's index as without one. */
#define DENSE_SEARCH 2000

static int
compare_ids (const void *a,
             const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
found_function (sqlite3_context  *context,
                int               argc,
                sqlite3_value   **argv)
{
  GArray *found = sqlite3_value_pointer (argv[0], FOUND_POINTER);
  gint64 id = sqlite3_value_int64 (argv[1]);

  sqlite3_result_int (context,
                      found != NULL && found->len > 0 &&
                      bsearch (&id, found->data, found->len, sizeof (gint64), compare_ids) != NULL);
}

/* hd_found_ids(:found), the set as a table of ticket numbers: with
 * "t.id IN hd_found_ids(:found)" SQLite reads each ticket found by its
 * number, without running the search again (after SQLite's own carray
 * extension). */
typedef struct {
  sqlite3_vtab_cursor  base;
  GArray              *ids;     /* the bound set's, for the statement's run */
  guint                next;
} FoundCursor;

enum { FOUND_COLUMN_ID, FOUND_COLUMN_SET };

static int
found_table_connect (sqlite3             *db,
                     void                *aux,
                     int                  argc,
                     const char * const  *argv,
                     sqlite3_vtab       **vtab,
                     char               **message)
{
  int rc = sqlite3_declare_vtab (db, "CREATE TABLE x (id INTEGER, found HIDDEN)");

  if (rc != SQLITE_OK)
    return rc;

  *vtab = sqlite3_malloc (sizeof (sqlite3_vtab));
  if (*vtab == NULL)
    return SQLITE_NOMEM;
  memset (*vtab, 0, sizeof (sqlite3_vtab));
  return sqlite3_vtab_config (db, SQLITE_VTAB_DIRECTONLY);
}

static int
found_table_disconnect (sqlite3_vtab *vtab)
{
  sqlite3_free (vtab);
  return SQLITE_OK;
}

/* The set is a required argument; the numbers come sorted. */
static int
found_table_best_index (sqlite3_vtab       *vtab,
                        sqlite3_index_info *info)
{
  for (int i = 0; i < info->nConstraint; i++)
    {
      const struct sqlite3_index_constraint *c = &info->aConstraint[i];

      if (c->iColumn != FOUND_COLUMN_SET || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
        continue;
      if (!c->usable)
        return SQLITE_CONSTRAINT;

      info->aConstraintUsage[i].argvIndex = 1;
      info->aConstraintUsage[i].omit = 1;
      info->orderByConsumed = info->nOrderBy == 1 &&
                              info->aOrderBy[0].iColumn == FOUND_COLUMN_ID &&
                              !info->aOrderBy[0].desc;
      info->estimatedCost = DENSE_SEARCH;
      info->estimatedRows = DENSE_SEARCH;
      return SQLITE_OK;
    }

  return SQLITE_CONSTRAINT;
}

static int
found_table_open (sqlite3_vtab         *vtab,
                  sqlite3_vtab_cursor **cursor)
{
  FoundCursor *self = sqlite3_malloc (sizeof (FoundCursor));

  if (self == NULL)
    return SQLITE_NOMEM;
  memset (self, 0, sizeof (FoundCursor));
  *cursor = &self->base;
  return SQLITE_OK;
}

static int
found_table_close (sqlite3_vtab_cursor *cursor)
{
  sqlite3_free (cursor);
  return SQLITE_OK;
}

static int
found_table_filter (sqlite3_vtab_cursor  *cursor,
                    int                   index,
                    const char           *index_text,
                    int                   argc,
                    sqlite3_value       **argv)
{
  FoundCursor *self = (FoundCursor *) cursor;

  self->ids = argc == 1 ? sqlite3_value_pointer (argv[0], FOUND_POINTER) : NULL;
  self->next = 0;
  return SQLITE_OK;
}

static int
found_table_next (sqlite3_vtab_cursor *cursor)
{
  ((FoundCursor *) cursor)->next++;
  return SQLITE_OK;
}

static int
found_table_eof (sqlite3_vtab_cursor *cursor)
{
  FoundCursor *self = (FoundCursor *) cursor;

  return self->ids == NULL || self->next >= self->ids->len;
}

static int
found_table_column (sqlite3_vtab_cursor *cursor,
                    sqlite3_context     *context,
                    int                  column)
{
  FoundCursor *self = (FoundCursor *) cursor;

  if (column == FOUND_COLUMN_ID)
    sqlite3_result_int64 (context, g_array_index (self->ids, gint64, self->next));
  return SQLITE_OK;
}

static int
found_table_rowid (sqlite3_vtab_cursor *cursor,
                   sqlite3_int64       *rowid)
{
  *rowid = ((FoundCursor *) cursor)->next;
  return SQLITE_OK;
}

/* Eponymous only (no xCreate): it exists in every connection as
 * hd_found_ids, and cannot be created in the file. */
static sqlite3_module found_table = {
  .xConnect = found_table_connect,
  .xBestIndex = found_table_best_index,
  .xDisconnect = found_table_disconnect,
  .xOpen = found_table_open,
  .xClose = found_table_close,
  .xFilter = found_table_filter,
  .xNext = found_table_next,
  .xEof = found_table_eof,
  .xColumn = found_table_column,
  .xRowid = found_table_rowid,
};

/* Called once for each connection the store opens. */
gboolean
hd_store_add_query_functions (sqlite3 *db)
{
  return sqlite3_create_function_v2 (db, "hd_found", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                     NULL, found_function, NULL, NULL, NULL) == SQLITE_OK &&
         sqlite3_create_module_v2 (db, "hd_found_ids", &found_table, NULL, NULL) == SQLITE_OK;
}

/* The last set read, kept on the store while the file is unchanged: the
 * list asks for a count and a page of the same search, and more pages as
 * the person scrolls. */
typedef struct {
  char   *match;
  gint64  data_version;   /* PRAGMA data_version: others' commits */
  gint64  changes;        /* sqlite3_total_changes64(): this connection's */
  GArray *ids;
} FoundCache;

static void
found_cache_free (FoundCache *cache)
{
  g_free (cache->match);
  g_clear_pointer (&cache->ids, g_array_unref);
  g_free (cache);
}

static gboolean
read_stamp (HdStore   *self,
            gint64    *data_version,
            gint64    *changes,
            GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (self, "PRAGMA data_version", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  *data_version = sqlite3_column_int64 (stmt, 0);
  *changes = sqlite3_total_changes64 (hd_store_get_db (self));
  return TRUE;
}

/* The set of tickets @filter's search finds, or %NULL (and no error)
 * without a search, or a search of no words. */
static gboolean
read_found (HdStore               *self,
            const HdTicketFilter  *filter,
            const char            *own_only,
            GArray               **found,
            GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *match = NULL;
  FoundCache *cache;
  gint64 data_version = 0, changes = 0;
  int rc;

  *found = NULL;
  if (!has_search (filter) ||
      (match = search_expression (filter->search, own_only == NULL)) == NULL)
    return TRUE;

  if (!read_stamp (self, &data_version, &changes, error))
    return FALSE;
  cache = g_object_get_qdata (G_OBJECT (self), g_quark_from_static_string ("hd-found-cache"));
  if (cache != NULL && cache->data_version == data_version && cache->changes == changes &&
      g_str_equal (cache->match, match))
    {
      *found = g_array_ref (cache->ids);
      return TRUE;
    }

  /* In rowid order: sorted as it comes. */
  stmt = hd_store_prepare (self, "SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  cache = g_new0 (FoundCache, 1);
  cache->match = g_steal_pointer (&match);
  cache->data_version = data_version;
  cache->changes = changes;
  cache->ids = g_steal_pointer (&ids);
  *found = g_array_ref (cache->ids);
  g_object_set_qdata_full (G_OBJECT (self), g_quark_from_static_string ("hd-found-cache"), cache,
                           (GDestroyNotify) found_cache_free);
  return TRUE;
}

/* Whether the person a filter is about (someone's tickets, a requester's
 * own) has at least @n tickets, as many as a dense search found: then a
 * page is better found by walking the sort order's index and testing each
 * ticket found than by reading all of that person's tickets (a mailbox
 * that files alarms may have filed most of the file). Counting stops at
 * @n, through the person's index. */
static gboolean
person_has_many (HdStore               *self,
                 const HdTicketFilter  *filter,
                 const char            *own_only,
                 guint                  n,
                 gboolean              *many,
                 GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *login = filter->assignee != NULL ? filter->assignee
                      : filter->requester != NULL ? filter->requester : own_only;
  int rc;

  *many = FALSE;
  if (login == NULL)
    return TRUE;

  stmt = hd_store_prepare (self, filter->assignee != NULL
                                 ? "SELECT count(*) FROM (SELECT 1 FROM tickets WHERE assignee_id ="
                                   " (SELECT id FROM people WHERE login = ?1) LIMIT ?2)"
                                 : "SELECT count(*) FROM (SELECT 1 FROM tickets WHERE requester_id ="
                                   " (SELECT id FROM people WHERE login = ?1) LIMIT ?2)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, n);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  *many = sqlite3_column_int64 (stmt, 0) >= n;
  return TRUE;
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

  if (filter->tier != 0 && !hd_validate_tier (filter->tier, error))
    return FALSE;

  return !has_search (filter) ||
         hd_validate_line (_("The search"), filter->search, HD_MAX_TITLE_CHARS, FALSE, error);
}

/* How many entries a walk that tests each against the set reads in the
 * time it takes to read one ticket found by its number: an index's
 * entries, against a ticket read and sorted among the others; the
 * tickets themselves in number order, against one read in that order
 * too. Measured on a million tickets, "printer jam" (5 726 found), pages
 * of 100 at offsets 0 to 5 500. */
#define WALK_INDEX_PER_FOUND 32
#define WALK_TABLE_PER_FOUND 1

/* Whether rows @offset to @offset + @limit of a search that finds
 * @n_found tickets are reached sooner by walking the order (@by_number:
 * the tickets by number; else an index) than by reading every ticket
 * found: yes for a page near the top of a search that finds many, not
 * for all of them, nor for a page deep down. The tickets found are taken
 * to be spread evenly over the order, and ticket numbers to be dense. */
static gboolean
walk_is_shorter (HdStore  *self,
                 guint     n_found,
                 gint64    limit,
                 gint64    offset,
                 gboolean  by_number,
                 gboolean *shorter,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *shorter = FALSE;
  if (limit < 0 || n_found < DENSE_SEARCH)
    return TRUE;

  stmt = hd_store_prepare (self, "SELECT max(id) FROM tickets", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  *shorter = (double) (offset + limit) * sqlite3_column_int64 (stmt, 0) / n_found <=
             (double) (by_number ? WALK_TABLE_PER_FOUND : WALK_INDEX_PER_FOUND) * n_found;
  return TRUE;
}

/* Where append_tickets() puts the rows: into @tickets, or one at a time
 * to @func, which may stop the list, or only their numbers into @numbers
 * (guint32); @n counts them. */
typedef struct {
  GPtrArray    *tickets;
  GArray       *numbers;
  HdTicketFunc  func;
  gpointer      data;
  gboolean      summary;   /* rows of HD_TICKET_SUMMARY_COLUMNS */
  HdTicket     *ticket;    /* for @func, one object for every row */
  guint         n;
  gboolean      stopped;
  gboolean      out_of_range;  /* a number too large for @numbers */
} TicketSink;

static HdTicket *
sink_ticket (TicketSink   *sink,
             HdTicket     *ticket,
             sqlite3_stmt *stmt)
{
  if (ticket == NULL)
    ticket = g_object_new (HD_TYPE_TICKET, NULL);
  if (sink->summary)
    hd_ticket_set_summary_from_row (ticket, stmt);
  else
    hd_ticket_set_from_row (ticket, stmt);
  return ticket;
}

static void
sink_add (TicketSink   *sink,
          sqlite3_stmt *stmt)
{
  sink->n++;
  if (sink->numbers != NULL)
    {
      gint64 number = sqlite3_column_int64 (stmt, 0);

      /* Ticket numbers start at 1 and count up: four billion is far. */
      if (number <= 0 || number > G_MAXUINT32)
        sink->stopped = sink->out_of_range = TRUE;
      else
        g_array_append_vals (sink->numbers, &(guint32) { number }, 1);
      return;
    }
  if (sink->tickets != NULL)
    {
      g_ptr_array_add (sink->tickets, sink_ticket (sink, NULL, stmt));
      return;
    }

  /* A ticket that @func kept a reference to stays as it is. */
  if (sink->ticket != NULL && G_OBJECT (sink->ticket)->ref_count > 1)
    g_clear_object (&sink->ticket);
  sink->ticket = sink_ticket (sink, sink->ticket, stmt);

  if (!sink->func (sink->ticket, sink->data))
    sink->stopped = TRUE;
}

/* Puts into @sink the rows @offset to @offset + @limit (@limit -1: to the
 * end) of one query: @from, the filter's WHERE clause and @part, in
 * @order.
 *
 * All of a list's numbers are read without the "+" before the status
 * test (append_where()): SQLite then reads the filter's index and sorts
 * what it found, rather than walking the order's index and reading every
 * ticket's row to test its status (0.2 s instead of 2.4 s for the open
 * tickets among a million, by last update). */
static gboolean
append_tickets (HdStore              *self,
                const HdTicketFilter *filter,
                const char           *own_only,
                const char           *from,
                const char           *part,
                const char           *order,
                gint64                limit,
                gint64                offset,
                TicketSink           *sink,
                GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new (sink->numbers != NULL ? "SELECT t.id"
                                         : filter->summary ? "SELECT " HD_TICKET_SUMMARY_COLUMNS
                                         : "SELECT " HD_TICKET_COLUMNS);
  g_autoptr(GArray) found = NULL;
  gboolean paged = limit >= 0 || offset > 0;
  gboolean walk = FALSE;
  gboolean past_people = FALSE;
  int rc;

  if (!read_found (self, filter, own_only, &found, error))
    return FALSE;

  /* A join from people would reach the tickets found through each person
   * in turn: it walks its order, as for a page. */
  if (found != NULL && found->len >= DENSE_SEARCH && !g_str_equal (from, HD_TICKET_FROM))
    walk = TRUE;
  else if (found != NULL &&
           !walk_is_shorter (self, found->len, limit, offset,
                             g_str_equal (order, "t.id") || g_str_equal (order, "t.id DESC"),
                             &walk, error))
    return FALSE;
  if (walk && !person_has_many (self, filter, own_only, found->len, &past_people, error))
    return FALSE;

  g_string_append (sql, filter->summary && g_str_equal (from, HD_TICKET_FROM)
                        ? HD_TICKET_SUMMARY_FROM : from);
  append_where (sql, filter, own_only, sink->numbers == NULL || paged, walk, past_people, part);
  g_string_append_printf (sql, " ORDER BY %s", order);
  if (paged)
    g_string_append (sql, " LIMIT :limit OFFSET :offset");

  stmt = hd_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  bind_filter (stmt, filter, own_only, found);
  if (paged)
    {
      bind_named_int (stmt, ":limit", limit);
      bind_named_int (stmt, ":offset", offset);
    }

  while (!sink->stopped && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    sink_add (sink, stmt);

  if (!sink->stopped && rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);
  if (sink->out_of_range)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_CORRUPT,
                   _("A ticket number is out of range (%" G_GINT64_FORMAT ")."),
                   (gint64) sqlite3_column_int64 (stmt, 0));
      return FALSE;
    }

  return TRUE;
}

/* No join: a ticket's requester always exists (a foreign key), and people
 * filters test ids. Joining would read every row, not an index. */
static gboolean
count_where (HdStore              *self,
             const HdTicketFilter *filter,
             const char           *own_only,
             const char           *part,
             gint64               *count,
             GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) found = NULL;
  guint mask = filter->status_mask & HD_STATUS_MASK_ALL;
  int rc;

  if (!read_found (self, filter, own_only, &found, error))
    return FALSE;

  /* The search alone: every ticket found counts (tickets_fts has a row
   * for each ticket, and only for them). */
  if (found != NULL && (mask == 0 || mask == HD_STATUS_MASK_ALL) && filter->tier == 0 &&
      own_only == NULL && filter->assignee == NULL && filter->requester == NULL &&
      !filter->unassigned && !filter->at_risk && part == NULL)
    {
      *count = filter->count_limit > 0 ? MIN (found->len, filter->count_limit) : found->len;
      return TRUE;
    }

  /* Counting stops at the limit: a common word among a million tickets
   * finds more than anyone scrolls through, and each costs a lookup. */
  g_string_append (sql, filter->count_limit > 0 ? "SELECT count(*) FROM (SELECT 1 FROM tickets t"
                                                : "SELECT count(*) FROM tickets t");
  append_where (sql, filter, own_only, FALSE, found != NULL && found->len >= DENSE_SEARCH, FALSE,
                part);
  if (filter->count_limit > 0)
    g_string_append (sql, " LIMIT :count_limit)");
  stmt = hd_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  bind_filter (stmt, filter, own_only, found);
  if (filter->count_limit > 0)
    bind_named_int (stmt, ":count_limit", filter->count_limit);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  *count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

#define UNASSIGNED " AND t.assignee_id IS NULL"

/* Unassigned tickets have no assignee name, which SQLite sorts first: they
 * come before everyone's tickets, or after them when descending. A join
 * from people cannot reach them, so the order is read in two parts, the
 * unassigned tickets by number (tickets_assignee_id holds them in number
 * order) and the assigned ones from people_name, and a page may span both.
 * Where the second part starts is counted only for a page that begins
 * past the end of the first, and with covering indexes.
 *
 * The parts are two statements: a change committed between them can move
 * a row across the page's seam, as a change between two pages does; the
 * list reloads on every change anyway. */
static gboolean
list_by_assignee (HdStore              *self,
                  const HdTicketFilter *filter,
                  const char           *own_only,
                  TicketSink           *sink,
                  GError              **error)
{
  const char *by_name = filter->descending ? orders[HD_TICKET_SORT_ASSIGNEE].descending
                                           : orders[HD_TICKET_SORT_ASSIGNEE].ascending;
  const char *by_number = filter->descending ? "t.id DESC" : "t.id";
  gint64 limit = filter->limit > 0 ? (gint64) filter->limit : -1;
  gint64 offset = filter->offset;
  const char *by_assignee = sink->numbers != NULL ? NUMBERS_BY_ASSIGNEE : FROM_BY_ASSIGNEE;
  const char *by_ticket = sink->numbers != NULL ? NUMBERS_FROM : HD_TICKET_FROM;
  gint64 first_size;

  /* Filters that leave only one part. */
  if (filter->assignee != NULL)
    return append_tickets (self, filter, own_only, by_assignee, NULL, by_name,
                           limit, offset, sink, error);
  if (filter->unassigned)
    return append_tickets (self, filter, own_only, by_ticket, NULL, by_number,
                           limit, offset, sink, error);

  if (!filter->descending)
    {
      if (!append_tickets (self, filter, own_only, by_ticket, UNASSIGNED, by_number,
                           limit, offset, sink, error))
        return FALSE;
    }
  else if (!append_tickets (self, filter, own_only, by_assignee, NULL, by_name,
                            limit, offset, sink, error))
    return FALSE;

  if (sink->stopped || (limit >= 0 && sink->n == (guint) limit))
    return TRUE;

  /* The first part ended on this page, or before it. */
  if (sink->n > 0 || offset == 0)
    {
      first_size = offset + sink->n;
    }
  else if (!filter->descending)
    {
      if (!count_where (self, filter, own_only, UNASSIGNED, &first_size, error))
        return FALSE;
    }
  else
    {
      gint64 unassigned;

      /* Both counts walk a covering index; counting the assigned tickets
       * directly would read the table. */
      if (!count_where (self, filter, own_only, NULL, &first_size, error) ||
          !count_where (self, filter, own_only, UNASSIGNED, &unassigned, error))
        return FALSE;
      first_size -= unassigned;
    }

  offset = MAX (offset - first_size, 0);
  if (limit >= 0)
    limit -= sink->n;

  if (!filter->descending)
    return append_tickets (self, filter, own_only, by_assignee, NULL, by_name,
                           limit, offset, sink, error);
  else
    return append_tickets (self, filter, own_only, by_ticket, UNASSIGNED, by_number,
                           limit, offset, sink, error);
}

static gboolean
list_tickets (HdStore              *self,
              const HdTicketFilter *filter,
              TicketSink           *sink,
              GError              **error)
{
  HdTicketFilter all = { 0 };
  const char *own_only;
  const char *from;

  if (filter == NULL)
    filter = &all;
  if (!check_filter (filter, error))
    return FALSE;

  own_only = own_only_login (self);
  if (filter->sort == HD_TICKET_SORT_ASSIGNEE)
    return list_by_assignee (self, filter, own_only, sink, error);

  if (filter->sort == HD_TICKET_SORT_REQUESTER)
    from = sink->numbers != NULL ? NUMBERS_BY_REQUESTER : FROM_BY_REQUESTER;
  else
    from = sink->numbers != NULL ? NUMBERS_FROM : HD_TICKET_FROM;

  return append_tickets (self, filter, own_only, from, NULL,
                         filter->descending ? orders[filter->sort].descending
                                            : orders[filter->sort].ascending,
                         filter->limit > 0 ? (gint64) filter->limit : -1, filter->offset,
                         sink, error);
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
  TicketSink sink = { .tickets = tickets, .summary = filter != NULL && filter->summary };

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!list_tickets (self, filter, &sink, error))
    return NULL;

  return g_steal_pointer (&tickets);
}

/**
 * hd_store_foreach_ticket:
 * @filter: (nullable): as for hd_store_list_tickets()
 * @func: (scope call): called with each ticket in turn; returns %FALSE
 *   to stop. The ticket is the same object for the next row unless @func
 *   keeps a reference to it.
 *
 * Lists the tickets of hd_store_list_tickets() without holding them all:
 * every ticket of a large file, say. The file is read-locked until this
 * returns, so other desks cannot save meanwhile: @func must never wait on
 * anything slow, such as a pipe that a person reads.
 */
gboolean
hd_store_foreach_ticket (HdStore               *self,
                         const HdTicketFilter  *filter,
                         HdTicketFunc           func,
                         gpointer               user_data,
                         GError               **error)
{
  TicketSink sink = { .func = func, .data = user_data,
                      .summary = filter != NULL && filter->summary };
  gboolean ok;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  ok = list_tickets (self, filter, &sink, error);
  g_clear_object (&sink.ticket);
  return ok;
}

/**
 * hd_store_list_ticket_numbers:
 * @filter: which tickets, in which order; offset and limit are ignored, a
 *   count_limit limits the list
 * @numbers: (element-type guint32): where to append the numbers
 *
 * The numbers of all the tickets hd_store_list_tickets() would list, in
 * its order: 4 bytes a ticket, so a list can know every position.
 */
gboolean
hd_store_list_ticket_numbers (HdStore               *self,
                              const HdTicketFilter  *filter,
                              GArray                *numbers,
                              GError               **error)
{
  HdTicketFilter all = *filter;
  TicketSink sink = { .numbers = numbers };

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_array_get_element_size (numbers) == sizeof (guint32), FALSE);

  all.offset = 0;
  all.limit = filter->count_limit;
  return list_tickets (self, &all, &sink, error);
}

/**
 * hd_store_get_tickets_by_number:
 * @numbers: (array length=n_numbers): which tickets
 *
 * Reads the tickets with these numbers that still exist and that the
 * acting person may see, in no particular order: the rows of one page of
 * a list that knows its numbers.
 *
 * Returns: (transfer full) (element-type HdTicket): the tickets
 */
GPtrArray *
hd_store_get_tickets_by_number (HdStore        *self,
                                const guint32  *numbers,
                                guint           n_numbers,
                                GError        **error)
{
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sql = g_string_new ("SELECT " HD_TICKET_COLUMNS HD_TICKET_FROM);
  g_autoptr(GString) list = g_string_new ("[");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  HdTicketFilter none = { 0 };
  const char *own_only = own_only_login (self);
  TicketSink sink = { .tickets = tickets };
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  /* The numbers travel as one JSON array, a single bound value. */
  for (guint i = 0; i < n_numbers; i++)
    g_string_append_printf (list, i > 0 ? ",%u" : "%u", numbers[i]);
  g_string_append_c (list, ']');

  append_where (sql, &none, own_only, FALSE, FALSE, FALSE,
                " AND t.id IN (SELECT value FROM json_each(:numbers))");
  stmt = hd_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;

  bind_filter (stmt, &none, own_only, NULL);
  sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":numbers"), list->str,
                     (int) list->len, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    sink_add (&sink, stmt);
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
  HdTicketFilter all = { 0 };
  gint64 n;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  if (filter == NULL)
    filter = &all;
  if (!check_filter (filter, error))
    return FALSE;

  if (!count_where (self, filter, own_only_login (self), NULL, &n, error))
    return FALSE;

  *count = n;
  return TRUE;
}
