/* hd-store-check.c — checking a helpdesk file and rebuilding its indexes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-schema.h"
#include "hd-store-private.h"

typedef char *(*DescribeFunc) (const char *a,
                               const char *b);

static char *
describe_damage (const char *a,
                 const char *b)
{
  return g_strdup_printf (_("Damaged: %s"), a);
}

static char *
describe_dangling (const char *a,
                   const char *b)
{
  return g_strdup_printf (_("A row of “%s” refers to a missing row of “%s”."), a, b);
}

static char *
describe_no_history (const char *a,
                     const char *b)
{
  return g_strdup_printf (_("Ticket #%s has no history."), a);
}

static char *
describe_requester_assigned (const char *a,
                             const char *b)
{
  return g_strdup_printf (_("The requester “%s” is assigned open tickets."), a);
}

/* Runs @sql and adds one problem per row that is not a single "ok". */
static gboolean
collect_rows (HdStore       *self,
              const char    *sql,
              DescribeFunc   describe,
              GPtrArray     *problems,
              GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *first = hd_column_text (stmt, 0);

      if (sqlite3_column_count (stmt) == 1 && g_strcmp0 (first, "ok") == 0)
        continue;

      g_ptr_array_add (problems,
                       describe (first != NULL ? first : "",
                                 sqlite3_column_count (stmt) > 2
                                   ? hd_column_text (stmt, 2) : ""));
    }

  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

static char *
describe_raw (const char *a,
              const char *b)
{
  return g_strdup (a);
}

/* SQLite's check of every page: what it finds is also this desk's
 * verdict on the file as it is now (hd-store-verify.c), unless the file
 * changed while it was read. */
static gboolean
check_pages (HdStore    *self,
             GPtrArray  *problems,
             GError    **error)
{
  g_autoptr(GPtrArray) damage = g_ptr_array_new_with_free_func (g_free);
  HdFileStamp before, after;
  gboolean stamped = hd_file_stamp_read (hd_store_get_path (self), &before);

  if (!collect_rows (self, "PRAGMA integrity_check", describe_raw, damage, error))
    return FALSE;

  for (guint i = 0; i < damage->len; i++)
    g_ptr_array_add (problems, describe_damage (g_ptr_array_index (damage, i), NULL));

  if (damage->len > 0)
    hd_store_note_damage (self, g_ptr_array_index (damage, 0));
  else if (stamped && hd_file_stamp_read (hd_store_get_path (self), &after) &&
           memcmp (&before, &after, sizeof before) == 0)
    hd_store_note_sound (self, &before);
  return TRUE;
}

/* The full-text indexes. FTS5's integrity check compares an external
 * content index with its table only when asked to (rank 1): SQLite 3.40
 * otherwise passes kb_fts after kb_articles changed behind its back. */
typedef struct {
  const char *table;
  const char *check_sql;
  const char *what;
} SearchIndex;

static const SearchIndex search_indexes[] = {
  { "kb_fts", "INSERT INTO kb_fts (kb_fts, rank) VALUES ('integrity-check', 1)",
    N_("the words of knowledge-base articles") },
  { "kb_trigram", "INSERT INTO kb_trigram (kb_trigram, rank) VALUES ('integrity-check', 1)",
    N_("parts of words of knowledge-base articles") },
  { "tickets_fts", "INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('integrity-check', 1)",
    N_("the text of tickets") },
};

#define TICKETS_FTS (&search_indexes[2])

/* How many ticket numbers a problem names before "…". */
#define N_NAMED_TICKETS 5

/* Errors that say nothing about an index: the check could not run. */
static gboolean
check_could_not_run (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_INTERRUPT:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
add_index_problem (GPtrArray         *problems,
                   const SearchIndex *index,
                   const char        *detail)
{
  g_ptr_array_add (problems,
                   g_strdup_printf (_("The search index “%s” (%s) is damaged or out of step: %s. Rebuild the search indexes with “helpdesk-cli reindex”."),
                                    index->table, _(index->what), detail));
}

/* FTS5 runs its check as a write, though it writes nothing: under the
 * write lock, one index at a time, and rolled back. A damaged index fails
 * to open (SQLITE_ERROR) or to read (SQLITE_CORRUPT_VTAB). */
static gboolean
check_search_index (HdStore            *self,
                    const SearchIndex  *index,
                    gboolean           *sound,
                    GPtrArray          *problems,
                    GError            **error)
{
  sqlite3 *db = hd_store_get_db (self);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *detail = NULL;
  int rc;

  if (!hd_store_begin_write (self, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db, index->check_sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE && check_could_not_run (rc))
    {
      hd_store_set_error_from_db (self, rc, error);
      sqlite3_finalize (stmt);
      hd_store_rollback (self);
      return FALSE;
    }
  detail = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  hd_store_rollback (self);

  *sound = rc == SQLITE_DONE;
  if (!*sound)
    add_index_problem (problems, index, detail);
  return TRUE;
}

/* tickets_fts keeps its own copy of each ticket's title and description;
 * the triggers keep it in step, unless another tool wrote the file with
 * them missing. Reads only: about 4 s for a million tickets. */
static gboolean
check_tickets_in_step (HdStore    *self,
                       GPtrArray  *problems,
                       GError    **error)
{
  sqlite3 *db = hd_store_get_db (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) named = g_string_new (NULL);
  guint n = 0;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT t.id FROM tickets t LEFT JOIN tickets_fts f ON f.rowid = t.id"
                           " WHERE f.rowid IS NULL OR f.title IS NOT t.title"
                           "  OR f.description IS NOT t.description"
                           " UNION ALL"
                           " SELECT f.rowid FROM tickets_fts f"
                           " WHERE f.rowid NOT IN (SELECT id FROM tickets)",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (n < N_NAMED_TICKETS)
        g_string_append_printf (named, "%s#%" G_GINT64_FORMAT, n > 0 ? ", " : "",
                                (gint64) sqlite3_column_int64 (stmt, 0));
      else if (n == N_NAMED_TICKETS)
        g_string_append (named, "…");
      n++;
      rc = SQLITE_OK;
    }

  if (rc != SQLITE_DONE && check_could_not_run (rc))
    return hd_store_set_error_from_db (self, rc, error);
  if (rc != SQLITE_DONE)
    add_index_problem (problems, TICKETS_FTS, sqlite3_errmsg (db));
  else if (n > 0)
    g_ptr_array_add (problems,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "The search index “tickets_fts” (the text of tickets) is out of step with %u ticket (%s). Rebuild the search indexes with “helpdesk-cli reindex”.",
                                                   "The search index “tickets_fts” (the text of tickets) is out of step with %u tickets (%s). Rebuild the search indexes with “helpdesk-cli reindex”.",
                                                   n),
                                      n, named->str));
  return TRUE;
}

/* Without its triggers an index drifts with every change: one dropped by
 * another tool is as much a problem as the drift itself. */
static gboolean
check_search_triggers (HdStore    *self,
                       GPtrArray  *problems,
                       GError    **error)
{
  const char * const *names = hd_schema_search_triggers ();
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self, "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                           error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; names[i] != NULL; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, names[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        g_ptr_array_add (problems,
                         g_strdup_printf (_("The trigger “%s”, which keeps a search index in step, is missing. Rebuild the search indexes with “helpdesk-cli reindex”, which makes it again."),
                                          names[i]));
      else if (rc != SQLITE_ROW)
        return hd_store_set_error_from_db (self, rc, error);
    }

  return TRUE;
}

static gboolean
check_search_indexes (HdStore    *self,
                      GPtrArray  *problems,
                      GError    **error)
{
  gboolean tickets_sound = TRUE;

  if (!check_search_triggers (self, problems, error))
    return FALSE;

  /* A file this program cannot write cannot run FTS5's own check. */
  for (guint i = 0; i < G_N_ELEMENTS (search_indexes) && hd_store_can_write (self); i++)
    {
      gboolean sound = TRUE;

      if (!check_search_index (self, &search_indexes[i], &sound, problems, error))
        return FALSE;
      if (&search_indexes[i] == TICKETS_FTS)
        tickets_sound = sound;
    }

  /* A damaged tickets_fts is reported once. */
  if (!tickets_sound)
    return TRUE;

  return check_tickets_in_step (self, problems, error);
}

/**
 * hd_store_check:
 * @problems: (out) (transfer full) (element-type utf8): what is wrong, one
 *   sentence each; empty when the file is sound
 *
 * Checks the whole file: SQLite's integrity check, references between rows,
 * the schema version, that every ticket has its history, and the
 * full-text indexes: their triggers, FTS5's own check of each (against
 * kb_articles for the knowledge base's), and that tickets_fts holds every
 * ticket's title and description as they are. FTS5's check needs the write lock for a
 * moment per index (about 12 s for tickets_fts over a million tickets),
 * and is left out on a file this program cannot write.
 *
 * Returns: %FALSE only when the check itself could not run
 */
gboolean
hd_store_check (HdStore     *self,
                GPtrArray  **problems,
                GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  if (!check_pages (self, found, error) ||
      !collect_rows (self, "PRAGMA foreign_key_check", describe_dangling, found, error) ||
      !collect_rows (self,
                     "SELECT id, 0 FROM tickets t WHERE NOT EXISTS"
                     " (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id"
                     "  AND e.kind = 'created')",
                     describe_no_history, found, error) ||
      !collect_rows (self,
                     "SELECT login, 0 FROM people WHERE role = 'requester' AND id IN"
                     " (SELECT assignee_id FROM tickets WHERE status NOT IN ('resolved', 'closed'))",
                     describe_requester_assigned, found, error) ||
      !check_search_indexes (self, found, error))
    return FALSE;

  if (hd_store_get_schema_version (self) != HD_SCHEMA_VERSION)
    g_ptr_array_add (found, g_strdup_printf (_("The schema is version %d, expected %d."),
                                             hd_store_get_schema_version (self),
                                             HD_SCHEMA_VERSION));

  *problems = g_steal_pointer (&found);
  return TRUE;
}

/**
 * hd_store_rebuild_search_indexes:
 *
 * Rebuilds the full-text indexes (kb_fts, kb_trigram, tickets_fts) from
 * the rows they index, in one write transaction: searches find with the
 * old indexes or the new ones, never half of one. It changes nothing
 * anyone reads, so it needs no role; other desks wait for the write lock
 * meanwhile (about 40 s for a million tickets).
 *
 * An index whose own records cannot be read at all (FTS5: "vtable
 * constructor failed") cannot be rebuilt: restore the file from a backup.
 */
gboolean
hd_store_rebuild_search_indexes (HdStore  *self,
                                 GError  **error)
{
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_begin_write (self, error))
    return FALSE;

  rc = sqlite3_exec (hd_store_get_db (self), hd_schema_search_rebuild (), NULL, NULL, NULL);
  if (rc != SQLITE_OK && check_could_not_run (rc))
    hd_store_set_error_from_db (self, rc, error);
  else if (rc != SQLITE_OK)
    g_set_error (error, HD_ERROR, HD_ERROR_CORRUPT,
                 _("The search indexes of “%s” are damaged beyond rebuilding (%s). Restore the file from a backup; nothing was changed."),
                 hd_store_get_path (self), sqlite3_errmsg (hd_store_get_db (self)));
  if (rc != SQLITE_OK)
    {
      hd_store_rollback (self);
      return FALSE;
    }

  return hd_store_commit (self, error);
}
