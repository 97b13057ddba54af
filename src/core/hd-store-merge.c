/* hd-store-merge.c — two records of one person made one
 *
 * Mail makes a requester of every unknown sender, so one person may end
 * up with two records: the one the dispatcher added, and one made from
 * a second address. Merging moves everything of the removed record to
 * the kept one, in one write transaction: the tickets they asked for and
 * were assigned, what they wrote and did (history, knowledge base, mail,
 * attachments), the tickets they take part in, their alerts and their
 * addresses; then the removed record is deleted. Foreign keys are
 * enforced, so a row left pointing at the removed record fails the
 * deletion and the whole merge, rather than leave it dangling.
 *
 * The removed record's address becomes one of the kept person's further
 * addresses (person_addresses), or their address if they had none, so
 * mail from it keeps finding them. Each ticket whose requester or
 * assignee changed says so in its history; the kept record's own details
 * stay as they were.
 *
 * A merge never takes a role away: the kept record must have at least
 * the removed one's role (requester < technician < dispatcher), or the
 * merge is refused and the dispatcher merges the other way round. Nobody
 * merges their own record away: the desk they act from is theirs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-rules.h"
#include "hd-store-private.h"

typedef struct {
  HdStore  *store;
  HdPerson *keep;
  HdPerson *remove;
  HdPerson *me;
} Merge;

static void
merge_clear (Merge *m)
{
  g_clear_object (&m->keep);
  g_clear_object (&m->remove);
  g_clear_object (&m->me);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Merge, merge_clear)

void
hd_person_merge_clear (HdPersonMerge *merge)
{
  g_clear_pointer (&merge->address, g_free);
}

/* Rules */

static int
role_rank (HdRole role)
{
  switch (role)
    {
    case HD_ROLE_DISPATCHER: return 2;
    case HD_ROLE_TECHNICIAN: return 1;
    case HD_ROLE_REQUESTER:
    default: return 0;
    }
}

static gboolean
check_merge (Merge   *m,
             GError **error)
{
  if (hd_person_get_id (m->keep) == hd_person_get_id (m->remove))
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                           _("A person cannot be merged into themselves."));
      return FALSE;
    }
  if (m->me != NULL && hd_person_get_id (m->me) == hd_person_get_id (m->remove))
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                           _("You cannot merge your own record away; merge the other record into yours."));
      return FALSE;
    }
  if (role_rank (hd_person_get_role (m->keep)) < role_rank (hd_person_get_role (m->remove)))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("“%s” (%s) cannot be merged into “%s” (%s): the role would be lost. Merge “%s” into “%s” instead, or change a role first."),
                   hd_person_get_login (m->remove),
                   hd_role_to_label (hd_person_get_role (m->remove)),
                   hd_person_get_login (m->keep),
                   hd_role_to_label (hd_person_get_role (m->keep)),
                   hd_person_get_login (m->keep), hd_person_get_login (m->remove));
      return FALSE;
    }
  return TRUE;
}

/* Counting */

static gboolean
count (HdStore     *self,
       const char  *sql,
       gint64       person,
       guint       *n,
       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);
  *n = (guint) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* What the records of @person amount to, as a merge would move them. */
static gboolean
count_records (HdStore        *self,
               HdPerson       *person,
               HdPersonMerge  *out,
               GError        **error)
{
  gint64 id = hd_person_get_id (person);

  memset (out, 0, sizeof *out);
  return count (self, "SELECT count(*) FROM tickets WHERE requester_id = ?", id,
                &out->requested, error) &&
         count (self, "SELECT count(*) FROM tickets WHERE assignee_id = ?", id,
                &out->assigned, error) &&
         count (self, "SELECT count(*) FROM ticket_events WHERE actor_id = ?", id,
                &out->events, error) &&
         count (self, "SELECT count(*) FROM ticket_participants WHERE person_id = ?", id,
                &out->participating, error) &&
         count (self, "SELECT count(*) FROM mail_messages WHERE person_id = ?", id,
                &out->messages, error) &&
         count (self, "SELECT (SELECT count(*) FROM kb_articles WHERE author_id = ?1)"
                " + (SELECT count(*) FROM kb_article_events WHERE actor_id = ?1)", id,
                &out->articles, error) &&
         count (self, "SELECT count(*) FROM alerts WHERE recipient_id = ?", id,
                &out->alerts, error) &&
         count (self, "SELECT count(*) FROM person_addresses WHERE person_id = ?", id,
                &out->addresses, error);
}

/* Moving */

/* Runs @sql with ?1 the kept person's id, ?2 the removed one's, ?3 now
 * and ?4 the acting dispatcher's, as far as it names them. */
static gboolean
run (Merge       *m,
     const char  *sql,
     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (m->store, sql, error);
  int n;

  if (stmt == NULL)
    return FALSE;
  n = sqlite3_bind_parameter_count (stmt);
  sqlite3_bind_int64 (stmt, 1, hd_person_get_id (m->keep));
  if (n >= 2)
    sqlite3_bind_int64 (stmt, 2, hd_person_get_id (m->remove));
  if (n >= 3)
    sqlite3_bind_int64 (stmt, 3, hd_store_now (m->store));
  if (n >= 4)
    sqlite3_bind_int64 (stmt, 4, hd_person_get_id (m->me));
  return hd_store_step_done (m->store, stmt, error);
}

/* Each ticket whose @field (requester or assignee) changes says so in its
 * history, by name, and other desks hear that the ticket changed. */
static gboolean
note_tickets (Merge       *m,
              const char  *field,
              const char  *column_is_removed,
              GError     **error)
{
  g_autofree char *events = NULL;
  g_autofree char *log = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* column_is_removed is one of two constant fragments below, never input. */
  events = g_strconcat ("INSERT INTO ticket_events (ticket_id, at, actor_id, kind, field,"
                        " old_value, new_value) SELECT id, ?3, ?4, 'field', ?5, ?6, ?7"
                        " FROM tickets WHERE ", column_is_removed, " ORDER BY id", NULL);
  stmt = hd_store_prepare (m->store, events, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 2, hd_person_get_id (m->remove));
  sqlite3_bind_int64 (stmt, 3, hd_store_now (m->store));
  sqlite3_bind_int64 (stmt, 4, hd_person_get_id (m->me));
  sqlite3_bind_text (stmt, 5, field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, hd_person_get_name (m->remove), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, hd_person_get_name (m->keep), -1, SQLITE_STATIC);
  if (!hd_store_step_done (m->store, stmt, error))
    return FALSE;

  log = g_strconcat ("INSERT INTO change_log (at, tbl, row_id, actor_id, kind)"
                     " SELECT ?3, 'tickets', id, ?4, 'updated' FROM tickets WHERE ",
                     column_is_removed, NULL);
  return run (m, log, error);
}

static gboolean
move_tickets (Merge   *m,
              GError **error)
{
  return note_tickets (m, "requester", "requester_id = ?2", error) &&
         note_tickets (m, "assignee", "assignee_id = ?2", error) &&
         run (m, "UPDATE tickets SET requester_id = ?1, version = version + 1"
              " WHERE requester_id = ?2", error) &&
         run (m, "UPDATE tickets SET assignee_id = ?1, version = version + 1"
              " WHERE assignee_id = ?2", error);
}

/* A ticket both took part in stays one participation; the requester of
 * a ticket needs none. */
static gboolean
move_participation (Merge   *m,
                    GError **error)
{
  return run (m, "INSERT OR IGNORE INTO ticket_participants (ticket_id, person_id, added_at)"
              " SELECT ticket_id, ?1, added_at FROM ticket_participants WHERE person_id = ?2",
              error) &&
         run (m, "DELETE FROM ticket_participants WHERE person_id = ?2", error) &&
         run (m, "DELETE FROM ticket_participants WHERE person_id = ?1"
              " AND ticket_id IN (SELECT id FROM tickets WHERE requester_id = ?1)", error);
}

/* An alert both had (two dispatchers alerted of one deadline) stays the
 * kept person's; the removed one's copy goes, and its mail, queued or
 * sent, no longer names it. */
static gboolean
move_alerts (Merge   *m,
             GError **error)
{
  return run (m, "UPDATE OR IGNORE alerts SET recipient_id = ?1 WHERE recipient_id = ?2", error) &&
         run (m, "UPDATE mail_outbox SET alert_id = NULL WHERE alert_id IN"
              " (SELECT id FROM alerts WHERE recipient_id = ?2)", error) &&
         run (m, "DELETE FROM alerts WHERE recipient_id = ?2", error) &&
         run (m, "UPDATE alerts SET actor_id = ?1 WHERE actor_id = ?2", error);
}

static gboolean
move_authorship (Merge   *m,
                 GError **error)
{
  static const char * const statements[] = {
    "UPDATE ticket_events SET actor_id = ?1 WHERE actor_id = ?2",
    "UPDATE kb_articles SET author_id = ?1 WHERE author_id = ?2",
    "UPDATE kb_article_events SET actor_id = ?1 WHERE actor_id = ?2",
    "UPDATE ticket_article_links SET linked_by = ?1 WHERE linked_by = ?2",
    "UPDATE mail_messages SET person_id = ?1 WHERE person_id = ?2",
    "UPDATE attachments SET added_by = ?1 WHERE added_by = ?2",
    "UPDATE mail_templates SET updated_by = ?1 WHERE updated_by = ?2",
    "UPDATE change_log SET actor_id = ?1 WHERE actor_id = ?2",
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    if (!run (m, statements[i], error))
      return FALSE;
  return TRUE;
}

/* The removed record's address reaches the kept person: as their address
 * if they had none, else as a further one. Their further addresses move
 * too. @address is set to the address that now reaches them, if any. */
static gboolean
move_addresses (Merge   *m,
                char   **address,
                GError **error)
{
  const char *theirs = hd_person_get_email (m->remove);
  const char *mine = hd_person_get_email (m->keep);
  g_autofree char *lower = NULL;
  g_autofree char *mine_lower = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!run (m, "UPDATE person_addresses SET person_id = ?1 WHERE person_id = ?2", error))
    return FALSE;
  if (theirs == NULL || theirs[0] == '\0')
    return TRUE;

  /* Lower case as the mail floor writes a sender's address. */
  lower = g_strstrip (g_utf8_strdown (theirs, -1));
  mine_lower = mine != NULL ? g_strstrip (g_utf8_strdown (mine, -1)) : NULL;
  if (g_strcmp0 (mine_lower, lower) == 0)
    return TRUE;

  if (mine == NULL || mine[0] == '\0')
    stmt = hd_store_prepare (m->store, "UPDATE people SET email = ?2 WHERE id = ?1", error);
  else
    stmt = hd_store_prepare (m->store, "INSERT OR REPLACE INTO person_addresses"
                             " (address, person_id, added_at) VALUES (?2, ?1, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, hd_person_get_id (m->keep));
  sqlite3_bind_text (stmt, 2, mine == NULL || mine[0] == '\0' ? theirs : lower, -1,
                     SQLITE_STATIC);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_int64 (stmt, 3, hd_store_now (m->store));
  if (!hd_store_step_done (m->store, stmt, error))
    return FALSE;
  *address = g_strdup (theirs);
  return TRUE;
}

static gboolean
delete_removed (Merge   *m,
                GError **error)
{
  return run (m, "DELETE FROM people WHERE id = ?2", error) &&
         hd_store_log_change (m->store, "people", hd_person_get_id (m->remove), "deleted",
                              error) &&
         hd_store_log_change (m->store, "people", hd_person_get_id (m->keep), "updated", error);
}

static gboolean
load_pair (Merge       *m,
           const char  *keep,
           const char  *remove,
           GError     **error)
{
  m->keep = hd_store_lookup_person (m->store, keep, error);
  if (m->keep == NULL)
    return FALSE;
  m->remove = hd_store_lookup_person (m->store, remove, error);
  return m->remove != NULL;
}

/**
 * hd_store_merge_people:
 * @keep: the login of the record that stays
 * @remove: the login of the record merged into it, and deleted
 * @result: (out caller-allocates) (optional): what moved; clear it with
 *   hd_person_merge_clear()
 *
 * Makes two records of one person one, in one transaction: tickets
 * (requester and assignee, each noted in the ticket's history), history,
 * knowledge-base authorship, received mail, attachments, participation,
 * alerts and addresses move from @remove to @keep, and @remove is
 * deleted; mail from its address finds @keep from now on. Refused for
 * one record merged into itself, for the acting dispatcher's own record,
 * and where @keep's role is below @remove's. Dispatcher only.
 */
gboolean
hd_store_merge_people (HdStore        *self,
                       const char     *keep,
                       const char     *remove,
                       HdPersonMerge  *result,
                       GError        **error)
{
  g_auto(Merge) m = { .store = self };
  HdPersonMerge moved = { 0, };

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (keep != NULL && remove != NULL, FALSE);

  if (result != NULL)
    memset (result, 0, sizeof *result);
  if (!hd_store_begin_write (self, error))
    return FALSE;
  m.me = hd_store_lock_me (self, error);
  if (m.me == NULL || !hd_rules_check_manage_people (m.me, error) ||
      !load_pair (&m, keep, remove, error) || !check_merge (&m, error) ||
      !count_records (self, m.remove, &moved, error) ||
      !move_tickets (&m, error) || !move_participation (&m, error) ||
      !move_alerts (&m, error) || !move_authorship (&m, error) ||
      !move_addresses (&m, &moved.address, error) || !delete_removed (&m, error) ||
      !hd_store_commit (self, error))
    {
      hd_store_rollback (self);
      hd_person_merge_clear (&moved);
      return FALSE;
    }

  if (result != NULL)
    *result = moved;
  else
    hd_person_merge_clear (&moved);
  return TRUE;
}

/**
 * hd_store_count_person_records:
 * @login: whose records
 * @result: (out caller-allocates): what a merge of @login into another
 *   record would move (its address is left %NULL); clear it with
 *   hd_person_merge_clear()
 *
 * For the dispatcher to see what a merge moves before making it. Reads
 * every ticket's history, so call it off the window's thread on a large
 * file. Dispatcher only.
 */
gboolean
hd_store_count_person_records (HdStore        *self,
                               const char     *login,
                               HdPersonMerge  *result,
                               GError        **error)
{
  g_autoptr(HdPerson) person = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  if (hd_store_get_me (self) == NULL)
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED,
                           _("Only the dispatcher manages people."));
      return FALSE;
    }
  if (!hd_rules_check_manage_people (hd_store_get_me (self), error))
    return FALSE;
  person = hd_store_lookup_person (self, login, error);
  return person != NULL && count_records (self, person, result, error);
}
