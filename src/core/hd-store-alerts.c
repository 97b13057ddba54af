/* hd-store-alerts.c — assignment, new-ticket and SLA alerts in the
 * helpdesk file
 *
 * Alerts are rows in the file, one per ticket, kind, recipient and
 * deadline (UNIQUE, INSERT OR IGNORE): whichever client computes one first
 * stores it, the others find it there. A desktop takes its person's
 * undelivered alerts in one write transaction, marking each delivered with
 * a guarded UPDATE, so two desktops of one person never both show one.
 * SLA alerts are keyed on the deadlines hd-store-sla.c keeps in due_at
 * and warn_at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-store-private.h"

/**
 * hd_store_alert_assigned_locked:
 *
 * Inside the transaction that assigns ticket @number to @assignee: an
 * "assigned" alert for them, keyed on the transaction's time, unless they
 * assigned it to themselves.
 */
gboolean
hd_store_alert_assigned_locked (HdStore   *self,
                                gint64     number,
                                HdPerson  *assignee,
                                HdPerson  *actor,
                                GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (assignee == NULL || hd_person_get_id (assignee) == hd_person_get_id (actor))
    return TRUE;

  stmt = hd_store_prepare (self,
                           "INSERT OR IGNORE INTO alerts (ticket_id, kind, recipient_id, deadline,"
                           " actor_id, created_at) VALUES (?1, 'assigned', ?2, ?3, ?4, ?3)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, number);
  sqlite3_bind_int64 (stmt, 2, hd_person_get_id (assignee));
  sqlite3_bind_int64 (stmt, 3, hd_store_now (self));
  sqlite3_bind_int64 (stmt, 4, hd_person_get_id (actor));
  /* No change_log row of its own: the assignment's ("tickets",
   * "assigned") tells other clients to look, and a change stays one row.
   * The alert's mail, if the assignee chose mail, goes with it. */
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;
  return sqlite3_changes (hd_store_get_db (self)) == 0 ||
         hd_store_mail_alert_locked (self, sqlite3_last_insert_rowid (hd_store_get_db (self)),
                                     error);
}

/* The alerts stored by the statement just run, whose ids are above
 * @before: each one's mail, to those who chose mail. */
static gboolean
mail_alerts_above (HdStore  *self,
                   gint64    before,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = hd_store_prepare (self, "SELECT id FROM alerts WHERE id > ? ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);
  for (guint i = 0; i < ids->len; i++)
    if (!hd_store_mail_alert_locked (self, g_array_index (ids, gint64, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
max_alert_id (HdStore  *self,
              gint64   *max,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (self, "SELECT coalesce(max(id), 0) FROM alerts",
                                                   error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);
  *max = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/**
 * hd_store_alert_new_ticket_locked:
 *
 * Inside the transaction that files ticket @number: a "new-ticket" alert
 * for each active dispatcher who hears of alerts by mail, but not the one
 * who filed it, keyed on the ticket alone (deadline 0), and its mail,
 * which names it: a ticket is mailed to each dispatcher once, like every
 * other alert. New tickets are not shown on the desktop (the list shows
 * them), so the rows are stored as delivered.
 */
gboolean
hd_store_alert_new_ticket_locked (HdStore   *self,
                                  gint64     number,
                                  HdPerson  *actor,
                                  GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 before = 0;

  if (!max_alert_id (self, &before, error))
    return FALSE;
  stmt = hd_store_prepare (self,
                           "INSERT OR IGNORE INTO alerts (ticket_id, kind, recipient_id, deadline,"
                           " actor_id, created_at, delivered_at)"
                           " SELECT ?1, 'new-ticket', p.id, 0, ?2, ?3, ?3"
                           " FROM people p WHERE p.role = 'dispatcher' AND p.active = 1"
                           " AND p.alert_delivery != 'desktop' AND p.id IS NOT ?2 ORDER BY p.id",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, number);
  if (actor != NULL)
    sqlite3_bind_int64 (stmt, 2, hd_person_get_id (actor));
  sqlite3_bind_int64 (stmt, 3, hd_store_now (self));
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;
  return sqlite3_changes (hd_store_get_db (self)) == 0 || mail_alerts_above (self, before, error);
}

/* The SLA alerts due at :now and not stored yet: for each running ticket
 * whose warn_at has passed, a breach once due_at has too, else a warning,
 * to its assignee and every active dispatcher (one row for someone who is
 * both). Driven by tickets_warn, which holds running tickets only; the
 * "+" keeps SQLite, which has no statistics, from walking the status index
 * instead (every open ticket rather than those at risk). */
#define DUE_ALERTS \
  " SELECT t.id, k.kind, p.id, t.due_at" \
  " FROM tickets t" \
  " CROSS JOIN (SELECT 'sla-breach' AS kind UNION ALL SELECT 'sla-warning') k" \
  "   ON k.kind = CASE WHEN t.due_at <= :now THEN 'sla-breach' ELSE 'sla-warning' END" \
  " JOIN people p ON p.active = 1 AND (p.id = t.assignee_id OR p.role = 'dispatcher')" \
  " WHERE t.warn_at <= :now AND t.due_at IS NOT NULL AND +t.status IN " HD_STATUSES_RUNNING \
  " AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.ticket_id = t.id AND a.kind = k.kind" \
  "  AND a.recipient_id = p.id AND a.deadline = t.due_at)"

/**
 * hd_store_raise_due_alerts:
 * @now: µs since the epoch; 0 for the current time
 * @n_raised: (out) (optional): how many alerts this call stored
 *
 * Stores the SLA alerts due at @now that no client has stored yet: an
 * "sla-warning" once a running ticket's warn_at has passed, an
 * "sla-breach" once its due_at has (instead of the warning, if nobody
 * raised that in time), each to the ticket's assignee and to every active
 * dispatcher, keyed on the deadline, so a deadline that moves (a pause, a
 * new priority) is alerted again. Idempotent, and cheap when nothing is
 * due: it only reads then, through an index of the running tickets, and
 * takes the write lock only when there is something to store. Any client
 * may call it, as often as every minute; the alerts reach their recipients
 * through hd_store_take_alerts(). Writes a change_log row ("alerts",
 * "raised") when it stored any.
 */
gboolean
hd_store_raise_due_alerts (HdStore  *self,
                           gint64    now,
                           guint    *n_raised,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) probe = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  guint raised = 0;
  gint64 before;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (n_raised != NULL)
    *n_raised = 0;
  if (now == 0)
    now = g_get_real_time ();

  probe = hd_store_prepare (self, "SELECT EXISTS (" DUE_ALERTS ")", error);
  if (probe == NULL)
    return FALSE;
  sqlite3_bind_int64 (probe, sqlite3_bind_parameter_index (probe, ":now"), now);
  rc = sqlite3_step (probe);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);
  if (sqlite3_column_int (probe, 0) == 0)
    return TRUE;
  g_clear_pointer (&probe, sqlite3_finalize);

  if (!hd_store_begin_write (self, error))
    return FALSE;

  /* The alerts stored now are those above the highest before. */
  if (!max_alert_id (self, &before, error))
    goto fail;

  insert = hd_store_prepare (self,
                             "INSERT OR IGNORE INTO alerts (ticket_id, kind, recipient_id,"
                             " deadline, created_at) SELECT *, :now FROM (" DUE_ALERTS ")",
                             error);
  if (insert == NULL)
    goto fail;
  sqlite3_bind_int64 (insert, sqlite3_bind_parameter_index (insert, ":now"), now);
  if (!hd_store_step_done (self, insert, error))
    goto fail;

  raised = sqlite3_changes (hd_store_get_db (self));
  if (raised > 0 &&
      !hd_store_log_change (self, "alerts", sqlite3_last_insert_rowid (hd_store_get_db (self)),
                            "raised", error))
    goto fail;

  /* Their mail, to those who chose mail, in the same transaction. */
  if (raised > 0 && !mail_alerts_above (self, before, error))
    goto fail;

  if (!hd_store_commit (self, error))
    goto fail;

  if (n_raised != NULL)
    *n_raised = raised;
  return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/* Whether an alert still means something: the ticket is still assigned to
 * the recipient, or its clock still runs towards that deadline. */
#define ALERT_CURRENT \
  "CASE al.kind WHEN 'assigned' THEN t.assignee_id IS al.recipient_id" \
  " ELSE t.status IN " HD_STATUSES_RUNNING " AND t.due_at IS al.deadline END"

static gint64
my_id (HdStore *self)
{
  HdPerson *me = hd_store_get_me (self);

  return me != NULL ? hd_person_get_id (me) : 0;
}

/**
 * hd_store_take_alerts:
 *
 * Takes the acting person's undelivered alerts, oldest first, for this
 * desktop to show: in one write transaction each is marked delivered with
 * an UPDATE that succeeds only if no other desktop of the same person did
 * so first, and only those are returned, so every alert reaches exactly
 * one desktop. Alerts that no longer mean anything (the ticket was
 * assigned to someone else, its deadline moved, it was resolved) are
 * marked delivered and left out. Reads only, without the write lock, when
 * there is nothing to take: call it whenever other clients changed the
 * file (an assignment is a "tickets" change_log row, SLA alerts an
 * "alerts" one) and after hd_store_raise_due_alerts(), say every minute.
 *
 * Returns: (transfer full) (element-type HdAlert): the alerts to show,
 *   possibly none
 */
GPtrArray *
hd_store_take_alerts (HdStore  *self,
                      GError  **error)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) current = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) mark = NULL;
  gint64 me, now;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  me = my_id (self);
  if (me <= 0)
    return g_steal_pointer (&taken);

  stmt = hd_store_prepare (self,
                           "SELECT EXISTS (SELECT 1 FROM alerts"
                           " WHERE recipient_id = ? AND delivered_at IS NULL)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, me);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }
  if (sqlite3_column_int (stmt, 0) == 0)
    return g_steal_pointer (&taken);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!hd_store_begin_write (self, error))
    return NULL;
  now = hd_store_now (self);

  stmt = hd_store_prepare (self,
                           "SELECT " HD_ALERT_COLUMNS ", " ALERT_CURRENT HD_ALERT_FROM
                           " WHERE al.recipient_id = ? AND al.delivered_at IS NULL"
                           " ORDER BY al.id", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, me);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean is_current = sqlite3_column_int (stmt, 9) != 0;

      g_ptr_array_add (candidates, hd_alert_new_from_row (stmt));
      g_array_append_val (current, is_current);
    }
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  mark = hd_store_prepare (self,
                           "UPDATE alerts SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
                           error);
  if (mark == NULL)
    goto fail;

  for (guint i = 0; i < candidates->len; i++)
    {
      HdAlert *alert = g_ptr_array_index (candidates, i);

      sqlite3_reset (mark);
      sqlite3_bind_int64 (mark, 1, now);
      sqlite3_bind_int64 (mark, 2, hd_alert_get_id (alert));
      if (!hd_store_step_done (self, mark, error))
        goto fail;

      if (sqlite3_changes (hd_store_get_db (self)) == 1 && g_array_index (current, gboolean, i))
        {
          hd_alert_set_delivered_at (alert, now);
          g_ptr_array_add (taken, g_object_ref (alert));
        }
    }

  if (!hd_store_commit (self, error))
    goto fail;

  return g_steal_pointer (&taken);

fail:
  hd_store_rollback (self);
  return NULL;
}

/**
 * hd_store_list_alerts:
 * @undelivered_only: only those no desktop has taken yet
 * @limit: at most this many; 0 for all
 *
 * The acting person's alerts, newest first, for reading: nothing is marked
 * delivered, so a desktop still shows what a script listed.
 *
 * Returns: (transfer full) (element-type HdAlert):
 */
GPtrArray *
hd_store_list_alerts (HdStore   *self,
                      gboolean   undelivered_only,
                      guint      limit,
                      GError   **error)
{
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 me;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  me = my_id (self);
  if (me <= 0)
    return g_steal_pointer (&alerts);

  stmt = hd_store_prepare (self,
                           "SELECT " HD_ALERT_COLUMNS HD_ALERT_FROM
                           " WHERE al.recipient_id = ?1 AND (NOT ?2 OR al.delivered_at IS NULL)"
                           " ORDER BY al.id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, me);
  sqlite3_bind_int (stmt, 2, undelivered_only);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (alerts, hd_alert_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&alerts);
}
