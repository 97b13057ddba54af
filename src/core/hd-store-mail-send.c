/* hd-store-mail-send.c — the outbox as the sending desk works through it
 *
 * A message leaves in three steps: claimed (queued → sending, in one
 * transaction, held for a while), handed to the SMTP server, then marked
 * sent, failed, or queued again for later. A desk killed between the
 * claim and the mark leaves the row in "sending"; once the hold ran out
 * the row is claimed again like a queued one.
 *
 * Sent exactly once holds except in one window: the server took the
 * message and the desk died before it marked the row sent. SMTP has no way
 * to ask "did you get this one?", so the message is sent again when its
 * hold runs out. It keeps its Message-ID, so mail clients thread (and
 * most show) the two as one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-rules.h"
#include "hd-store-private.h"

/* The first retry after a minute, then twice as long each time, at
 * most six hours apart; after this many attempts the message failed. */
#define RETRY_FIRST_SECONDS 60
#define RETRY_MAX_SECONDS   (6 * 60 * 60)

/**
 * hd_store_claim_outgoing:
 * @limit: the most rows to claim
 * @hold_seconds: how long the rows are the caller's: a desk that dies
 *   leaves them to the next one once this ran out
 *
 * Claims the outbox rows due now (queued with next_try_at passed or
 * unset, or left sending by a desk whose hold ran out), oldest due first,
 * marking them "sending" in one transaction. Staff only; the caller should
 * hold the mail lease (hd_store_take_mail_lease()).
 *
 * Returns: (transfer full) (element-type HdMailOutgoing): the claimed
 *   rows, perhaps none
 */
GPtrArray *
hd_store_claim_outgoing (HdStore  *self,
                         guint     limit,
                         guint     hold_seconds,
                         GError  **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_outgoing_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) claim = NULL;
  g_autoptr(HdPerson) me = NULL;
  gint64 now;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!hd_store_begin_write (self, error))
    return NULL;
  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_file_mail (me, error))
    goto fail;
  now = hd_store_now (self);

  stmt = hd_store_prepare (self, "SELECT " HD_OUTGOING_COLUMNS HD_OUTGOING_FROM
                           " WHERE o.state IN ('queued', 'sending')"
                           " AND coalesce(o.next_try_at, 0) <= ?"
                           " ORDER BY coalesce(o.next_try_at, 0), o.id LIMIT ?", error);
  claim = hd_store_prepare (self, "UPDATE mail_outbox SET state = 'sending', next_try_at = ?"
                            " WHERE id = ?", error);
  if (stmt == NULL || claim == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int (stmt, 2, (int) MIN (limit, G_MAXINT));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HdMailOutgoing *out = hd_mail_outgoing_new_from_row (stmt);

      g_ptr_array_add (all, out);
      sqlite3_reset (claim);
      sqlite3_bind_int64 (claim, 1, now + (gint64) hold_seconds * G_USEC_PER_SEC);
      sqlite3_bind_int64 (claim, 2, out->id);
      if (!hd_store_step_done (self, claim, error))
        goto fail;
      g_free (out->state);
      out->state = g_strdup ("sending");
    }
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      goto fail;
    }
  if (all->len > 0 && !hd_store_log_change (self, "mail_outbox", 0, "sending", error))
    goto fail;
  if (hd_store_commit (self, error))
    return g_steal_pointer (&all);

fail:
  hd_store_rollback (self);
  return NULL;
}

static gint64
retry_delay (int attempts)
{
  gint64 delay = RETRY_FIRST_SECONDS;

  for (int i = 1; i < attempts && delay < RETRY_MAX_SECONDS; i++)
    delay *= 2;
  return MIN (delay, RETRY_MAX_SECONDS) * G_USEC_PER_SEC;
}

/**
 * hd_store_finish_outgoing:
 * @id: a row claimed with hd_store_claim_outgoing()
 * @outcome: %HD_MAIL_SEND_SENT, %HD_MAIL_SEND_FAILED (refused for good:
 *   sending it again would not help) or %HD_MAIL_SEND_RETRY (refused for
 *   now, or the server could not be reached)
 * @server_answer: (nullable): what the server said, kept with the row
 *
 * Marks what became of a claimed message, counting the attempt. A retry
 * waits a minute, then twice as long after each attempt, at most six
 * hours; after %HD_MAIL_SEND_MAX_ATTEMPTS the message failed. A row no
 * longer "sending" (marked meanwhile) is left as it is. Staff only.
 */
gboolean
hd_store_finish_outgoing (HdStore            *self,
                          gint64              id,
                          HdMailSendOutcome   outcome,
                          const char         *server_answer,
                          GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdPerson) me = NULL;
  const char *kind = NULL;
  gint64 now;
  int attempts = 0;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_file_mail (me, error))
    goto fail;
  now = hd_store_now (self);

  stmt = hd_store_prepare (self, "SELECT attempts FROM mail_outbox WHERE id = ? AND state = 'sending'",
                           error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      hd_store_rollback (self);
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    {
      hd_store_set_error_from_db (self, rc, error);
      goto fail;
    }
  attempts = sqlite3_column_int (stmt, 0) + 1;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (outcome == HD_MAIL_SEND_RETRY && attempts >= HD_MAIL_SEND_MAX_ATTEMPTS)
    outcome = HD_MAIL_SEND_FAILED;
  switch (outcome)
    {
    case HD_MAIL_SEND_SENT:
      kind = "sent";
      stmt = hd_store_prepare (self, "UPDATE mail_outbox SET state = 'sent', attempts = ?1,"
                               " server_answer = ?2, sent_at = ?3, next_try_at = NULL WHERE id = ?4",
                               error);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 3, now);
      break;
    case HD_MAIL_SEND_FAILED:
      kind = "failed";
      stmt = hd_store_prepare (self, "UPDATE mail_outbox SET state = 'failed', attempts = ?1,"
                               " server_answer = ?2, next_try_at = NULL WHERE id = ?4",
                               error);
      break;
    case HD_MAIL_SEND_RETRY:
      kind = "queued";
      stmt = hd_store_prepare (self, "UPDATE mail_outbox SET state = 'queued', attempts = ?1,"
                               " server_answer = ?2, next_try_at = ?3 WHERE id = ?4", error);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 3, now + retry_delay (attempts));
      break;
    default:
      g_return_val_if_reached (FALSE);
    }
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, attempts);
  hd_bind_text_or_null (stmt, 2, server_answer);
  sqlite3_bind_int64 (stmt, 4, id);
  if (hd_store_step_done (self, stmt, error) &&
      hd_store_log_change (self, "mail_outbox", id, kind, error) &&
      hd_store_commit (self, error))
    return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}
