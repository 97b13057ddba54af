/* hd-store-sla.c — SLA deadlines in the helpdesk file
 *
 * The SLA engine (hd-sla.h) is pure; this file feeds it from the file and
 * stores what it says. A ticket's clock depends on its creation, its first
 * response, its status history (the "status" rows of ticket_events; the
 * status is "new" from creation until the first of them), the policy for
 * its priority and category, and the calendar. Every change that can move
 * a deadline recomputes it in the change's own transaction, so due_at and
 * warn_at are never older than the row they belong to, and every desktop
 * computes the same instants (the engine is deterministic), which is what
 * keys the alerts (hd-store-alerts.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-enum-types.h"
#include "hd-rules.h"
#include "hd-store-private.h"

/* Statuses in which the clock runs or pauses. */
#define NOT_STOPPED "('new', 'open', 'pending')"

/* Rules */

G_DEFINE_BOXED_TYPE (HdSlaRule, hd_sla_rule, hd_sla_rule_copy, hd_sla_rule_free)

static HdSlaRule *
sla_rule_new (HdPriority   priority,
              const char  *category,
              HdSlaPolicy *policy)
{
  HdSlaRule *rule = g_new0 (HdSlaRule, 1);

  rule->priority = priority;
  rule->category = g_strdup (category != NULL ? category : "");
  rule->policy = policy;
  return rule;
}

HdSlaRule *
hd_sla_rule_copy (const HdSlaRule *rule)
{
  g_return_val_if_fail (rule != NULL, NULL);

  return sla_rule_new (rule->priority, rule->category, hd_sla_policy_copy (rule->policy));
}

void
hd_sla_rule_free (HdSlaRule *rule)
{
  if (rule == NULL)
    return;

  g_free (rule->category);
  hd_sla_policy_free (rule->policy);
  g_free (rule);
}

/* “High”, or “High, Hardware” for a category's own policy. */
static char *
policy_name (HdPriority  priority,
             const char *category)
{
  if (category == NULL || category[0] == '\0')
    return g_strdup (hd_priority_to_label (priority));

  /* Translators: the name of an SLA policy: a priority, then the ticket category it is for */
  return g_strdup_printf (_("%s, %s"), hd_priority_to_label (priority), category);
}

/* The calendar */

/* The helpdesk's calendar; a file without one (written by another tool)
 * uses this machine's default until someone sets it, and says so in
 * @stored. A calendar the engine cannot read falls back the same way, with
 * a warning, so that tickets can still be changed. */
static HdCalendar *
load_calendar (HdStore   *self,
               gboolean  *stored,
               GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  HdCalendar *calendar = NULL;
  int rc;

  if (stored != NULL)
    *stored = FALSE;

  stmt = hd_store_prepare (self, "SELECT value FROM settings WHERE key = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, HD_SETTING_SLA_CALENDAR, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      calendar = hd_store_calendar_from_text (self, hd_column_text (stmt, 0), &local_error);
      if (calendar == NULL)
        g_warning ("The SLA calendar of %s cannot be read (%s); using the default",
                   hd_store_get_path (self), local_error->message);
      else if (stored != NULL)
        *stored = TRUE;
    }
  else if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  if (calendar == NULL)
    calendar = hd_calendar_new_default ();

  return calendar;
}

static gboolean
write_calendar (HdStore     *self,
                HdCalendar  *calendar,
                gboolean     replace,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *text = hd_calendar_to_string (calendar);

  stmt = hd_store_prepare (self,
                           replace ? "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"
                                   : "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, HD_SETTING_SLA_CALENDAR, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  return hd_store_step_done (self, stmt, error);
}

/* Policies */

typedef struct {
  HdStore      *store;
  sqlite3_stmt *stmt;
  GHashTable   *cache;   /* "priority\037category" → HdSlaPolicy */
} PolicyLookup;

static void
policy_lookup_init (PolicyLookup *lookup,
                    HdStore      *store)
{
  lookup->store = store;
  lookup->stmt = NULL;
  lookup->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) hd_sla_policy_free);
}

static void
policy_lookup_clear (PolicyLookup *lookup)
{
  g_clear_pointer (&lookup->stmt, sqlite3_finalize);
  g_clear_pointer (&lookup->cache, g_hash_table_unref);
}

/* The policy for tickets of @priority and @category: the category's own,
 * else the priority's (category ''), else — when another tool deleted that
 * row — the engine's default. Categories are compared exactly. */
static const HdSlaPolicy *
policy_lookup (PolicyLookup  *lookup,
               HdPriority     priority,
               const char    *category,
               GError       **error)
{
  g_autofree char *key = NULL;
  HdSlaPolicy *policy;
  int rc;

  category = category != NULL ? category : "";
  key = g_strdup_printf ("%d\037%s", priority, category);
  policy = g_hash_table_lookup (lookup->cache, key);
  if (policy != NULL)
    return policy;

  if (lookup->stmt == NULL)
    {
      lookup->stmt = hd_store_prepare (lookup->store,
                                       "SELECT category, response_minutes, resolve_minutes,"
                                       " warn_percent FROM sla_policies"
                                       " WHERE priority = ?1 AND category IN (?2, '')"
                                       " ORDER BY category = '' LIMIT 1", error);
      if (lookup->stmt == NULL)
        return NULL;
    }

  sqlite3_reset (lookup->stmt);
  sqlite3_bind_text (lookup->stmt, 1, hd_enum_to_nick (HD_TYPE_PRIORITY, priority), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (lookup->stmt, 2, category, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (lookup->stmt);
  if (rc == SQLITE_ROW)
    {
      g_autofree char *name = policy_name (priority, hd_column_text (lookup->stmt, 0));

      policy = hd_sla_policy_new (name,
                                  (guint) sqlite3_column_int (lookup->stmt, 1),
                                  (guint) sqlite3_column_int (lookup->stmt, 2),
                                  (guint) sqlite3_column_int (lookup->stmt, 3));
    }
  else if (rc == SQLITE_DONE)
    policy = hd_sla_policy_new_default (priority);
  else
    {
      hd_store_set_error_from_db (lookup->store, rc, error);
      return NULL;
    }
  sqlite3_reset (lookup->stmt);

  g_hash_table_insert (lookup->cache, g_steal_pointer (&key), policy);
  return policy;
}

/* Tickets' clocks */

/* What the clock needs of one ticket, and what is stored now. */
typedef struct {
  gint64      number;
  gint64      created;
  gint64      first_response;
  HdStatus    status;
  HdPriority  priority;
  char       *category;
  gint64      due_at;
  gint64      warn_at;
  GArray     *transitions;   /* HdSlaTransition */
} SlaRow;

static void
sla_row_clear (SlaRow *row)
{
  g_clear_pointer (&row->category, g_free);
  g_clear_pointer (&row->transitions, g_array_unref);
}

/* Columns of SlaRow, from tickets t. They name only columns that exist
 * since version 4, since migrating a file to version 4 runs this code. */
#define SLA_ROW_COLUMNS \
  "t.id, t.created_at, t.first_response_at, t.status, t.priority, t.category, " \
  "t.due_at, t.warn_at"

static void
sla_row_read (SlaRow       *row,
              sqlite3_stmt *stmt)
{
  int status = HD_STATUS_NEW;
  int priority = HD_PRIORITY_NORMAL;

  row->number = sqlite3_column_int64 (stmt, 0);
  row->created = sqlite3_column_int64 (stmt, 1);
  row->first_response = sqlite3_column_int64 (stmt, 2);
  hd_enum_from_nick (HD_TYPE_STATUS, hd_column_text (stmt, 3), &status);
  row->status = status;
  hd_enum_from_nick (HD_TYPE_PRIORITY, hd_column_text (stmt, 4), &priority);
  row->priority = priority;
  row->category = g_strdup (hd_column_text (stmt, 5));
  row->due_at = sqlite3_column_int64 (stmt, 6);
  row->warn_at = sqlite3_column_int64 (stmt, 7);
  row->transitions = NULL;
}

/* The status changes of @row's ticket, oldest first, through @stmt
 * (prepared by prepare_transitions(), reused for many tickets). */
static gboolean
read_transitions (HdStore       *self,
                  sqlite3_stmt  *stmt,
                  SlaRow        *row,
                  GError       **error)
{
  int rc;

  row->transitions = g_array_new (FALSE, FALSE, sizeof (HdSlaTransition));
  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, row->number);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HdSlaTransition transition;
      int status;

      if (!hd_enum_from_nick (HD_TYPE_STATUS, hd_column_text (stmt, 1), &status))
        continue;
      transition.at = sqlite3_column_int64 (stmt, 0);
      transition.status = status;
      g_array_append_val (row->transitions, transition);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

static sqlite3_stmt *
prepare_transitions (HdStore  *self,
                     GError  **error)
{
  return hd_store_prepare (self,
                           "SELECT at, new_value FROM ticket_events"
                           " WHERE ticket_id = ? AND kind = 'status' ORDER BY id", error);
}

static void
sla_ticket_of (const SlaRow *row,
               HdSlaTicket  *ticket)
{
  ticket->created = row->created;
  ticket->first_response = row->first_response;
  ticket->transitions = (const HdSlaTransition *) row->transitions->data;
  ticket->n_transitions = row->transitions->len;
}

/* The due_at and warn_at to store: the clock a list shows, while it runs;
 * 0 (NULL) otherwise. */
static void
compute_due (const HdSlaPolicy *policy,
             HdCalendar        *calendar,
             const SlaRow      *row,
             gint64             now,
             gint64            *due_at,
             gint64            *warn_at)
{
  const HdSlaState *current;
  HdSlaTicket ticket;
  HdSlaResult result;

  *due_at = 0;
  *warn_at = 0;
  if (row->status != HD_STATUS_NEW && row->status != HD_STATUS_OPEN)
    return;

  sla_ticket_of (row, &ticket);
  hd_sla_compute (policy, calendar, &ticket, now, &result);
  current = hd_sla_result_get_current (&result);

  if (current->stopped != 0 || current->due == HD_CALENDAR_NEVER ||
      (current->state != HD_SLA_OK && current->state != HD_SLA_AT_RISK &&
       current->state != HD_SLA_BREACHED))
    return;

  *due_at = current->due;
  *warn_at = current->warn_at != HD_CALENDAR_NEVER ? current->warn_at : current->due;
}

static void
bind_time_or_null (sqlite3_stmt *stmt,
                   int           index,
                   gint64        usec)
{
  if (usec != 0)
    sqlite3_bind_int64 (stmt, index, usec);
  else
    sqlite3_bind_null (stmt, index);
}

/* Recomputes @row and writes it when it changed; @changed counts. */
static gboolean
store_due (HdStore       *self,
           PolicyLookup  *policies,
           HdCalendar    *calendar,
           sqlite3_stmt  *update,
           const SlaRow  *row,
           guint         *changed,
           GError       **error)
{
  const HdSlaPolicy *policy = NULL;
  gint64 due_at = 0, warn_at = 0;

  if (row->status == HD_STATUS_NEW || row->status == HD_STATUS_OPEN)
    {
      policy = policy_lookup (policies, row->priority, row->category, error);
      if (policy == NULL)
        return FALSE;
      compute_due (policy, calendar, row, hd_store_now (self), &due_at, &warn_at);
    }

  if (due_at == row->due_at && warn_at == row->warn_at)
    return TRUE;

  sqlite3_reset (update);
  bind_time_or_null (update, 1, due_at);
  bind_time_or_null (update, 2, warn_at);
  sqlite3_bind_int64 (update, 3, row->number);
  if (!hd_store_step_done (self, update, error))
    return FALSE;
  sqlite3_reset (update);

  if (changed != NULL)
    (*changed)++;
  return TRUE;
}

/* due_at and warn_at are derived: writing them bumps neither the version
 * nor updated_at, so a recomputation never conflicts with someone's edit. */
static sqlite3_stmt *
prepare_store_due (HdStore  *self,
                   GError  **error)
{
  return hd_store_prepare (self, "UPDATE tickets SET due_at = ?, warn_at = ? WHERE id = ?", error);
}

/**
 * hd_store_sla_refresh_ticket:
 *
 * Inside a write transaction that changed ticket @number: recomputes and
 * stores its due_at and warn_at as of the transaction's time.
 */
gboolean
hd_store_sla_refresh_ticket (HdStore  *self,
                             gint64    number,
                             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) transitions = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  PolicyLookup policies;
  SlaRow row = { 0 };
  gboolean ok;
  int rc;

  stmt = hd_store_prepare (self, "SELECT " SLA_ROW_COLUMNS " FROM tickets t WHERE t.id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, number);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
  sla_row_read (&row, stmt);

  policy_lookup_init (&policies, self);
  ok = (transitions = prepare_transitions (self, error)) != NULL &&
       (update = prepare_store_due (self, error)) != NULL &&
       read_transitions (self, transitions, &row, error) &&
       (calendar = load_calendar (self, NULL, error)) != NULL &&
       store_due (self, &policies, calendar, update, &row, NULL, error);
  policy_lookup_clear (&policies);
  sla_row_clear (&row);

  return ok;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const SlaRow *x = a;
  const SlaRow *y = b;

  return (x->number > y->number) - (x->number < y->number);
}

/* Inside a write transaction: recomputes every ticket that is not resolved
 * or closed, or only those of @priority (when ≥ 0). Reads them all first:
 * the writes then never disturb the statement that finds them. */
static gboolean
recompute_locked (HdStore   *self,
                  int        priority,
                  guint     *n_changed,
                  GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) transitions = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (SlaRow));
  PolicyLookup policies;
  gboolean ok = TRUE;
  guint changed = 0;
  int rc;

  g_array_set_clear_func (rows, (GDestroyNotify) sla_row_clear);

  stmt = hd_store_prepare (self,
                           priority < 0
                             ? "SELECT " SLA_ROW_COLUMNS " FROM tickets t"
                               " WHERE t.status IN " NOT_STOPPED
                             : "SELECT " SLA_ROW_COLUMNS " FROM tickets t"
                               " WHERE t.status IN " NOT_STOPPED " AND t.priority = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  if (priority >= 0)
    sqlite3_bind_text (stmt, 1, hd_enum_to_nick (HD_TYPE_PRIORITY, priority), -1,
                       SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SlaRow row;

      sla_row_read (&row, stmt);
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* In number order the history index and the table are read and written
   * front to back, not at random. */
  g_array_sort (rows, compare_rows);

  transitions = prepare_transitions (self, error);
  update = prepare_store_due (self, error);
  calendar = load_calendar (self, NULL, error);
  if (transitions == NULL || update == NULL || calendar == NULL)
    return FALSE;

  policy_lookup_init (&policies, self);
  for (guint i = 0; ok && i < rows->len; i++)
    {
      SlaRow *row = &g_array_index (rows, SlaRow, i);

      ok = read_transitions (self, transitions, row, error) &&
           store_due (self, &policies, calendar, update, row, &changed, error);
      g_clear_pointer (&row->transitions, g_array_unref);
    }
  policy_lookup_clear (&policies);

  if (ok && n_changed != NULL)
    *n_changed = changed;
  return ok;
}

/**
 * hd_store_sla_set_up_locked:
 *
 * Migration to schema version 4 (and a new file): records this machine's
 * default calendar as the helpdesk's, unless the file has one, and
 * computes every open ticket's due time.
 */
gboolean
hd_store_sla_set_up_locked (HdStore  *self,
                            GError  **error)
{
  g_autoptr(HdCalendar) calendar = hd_calendar_new_default ();

  return write_calendar (self, calendar, FALSE, error) &&
         recompute_locked (self, -1, NULL, error);
}

/* Public API: the calendar */

/**
 * hd_store_get_calendar:
 *
 * Returns: (transfer full): the helpdesk's SLA calendar (stored in the
 *   settings as hd_calendar_to_string() under %HD_SETTING_SLA_CALENDAR);
 *   every desk counts business time on it, in its zone, not the desk's own
 */
HdCalendar *
hd_store_get_calendar (HdStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  return load_calendar (self, NULL, error);
}

/* Begins a change of the SLA settings: the dispatcher's alone. */
static gboolean
begin_sla_change (HdStore  *self,
                  GError  **error)
{
  g_autoptr(HdPerson) me = NULL;

  if (!hd_store_begin_write (self, error))
    return FALSE;

  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_manage_sla (me, error))
    {
      hd_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
finish_sla_change (HdStore  *self,
                   GError  **error)
{
  if (!hd_store_log_change (self, "settings", 0, "sla", error) ||
      !hd_store_commit (self, error))
    {
      hd_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * hd_store_set_calendar:
 * @calendar: the new calendar, such as one from
 *   hd_calendar_new_from_string(), which checks it
 *
 * Replaces the helpdesk's SLA calendar (dispatcher only) and, in the same
 * transaction, recomputes the deadline of every ticket that is not
 * resolved or closed.
 */
gboolean
hd_store_set_calendar (HdStore     *self,
                       HdCalendar  *calendar,
                       GError     **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (calendar != NULL, FALSE);

  if (!begin_sla_change (self, error))
    return FALSE;

  if (!write_calendar (self, calendar, TRUE, error) ||
      !recompute_locked (self, -1, NULL, error))
    {
      hd_store_rollback (self);
      return FALSE;
    }

  return finish_sla_change (self, error);
}

/* Public API: policies */

/**
 * hd_store_list_sla_rules:
 *
 * Returns: (transfer full) (element-type HdSlaRule): every policy, by
 *   priority (low first), each priority's own ("" category) before its
 *   categories' in alphabetical order
 */
GPtrArray *
hd_store_list_sla_rules (HdStore  *self,
                         GError  **error)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_sla_rule_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  stmt = hd_store_prepare (self,
                           "SELECT priority, category, response_minutes, resolve_minutes,"
                           " warn_percent FROM sla_policies ORDER BY"
                           " CASE priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1"
                           " WHEN 'high' THEN 2 ELSE 3 END, category", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int priority = HD_PRIORITY_NORMAL;
      const char *category = hd_column_text (stmt, 1);
      g_autofree char *name = NULL;

      hd_enum_from_nick (HD_TYPE_PRIORITY, hd_column_text (stmt, 0), &priority);
      name = policy_name (priority, category);
      g_ptr_array_add (rules,
                       sla_rule_new (priority, category,
                                     hd_sla_policy_new (name,
                                                        (guint) sqlite3_column_int (stmt, 2),
                                                        (guint) sqlite3_column_int (stmt, 3),
                                                        (guint) sqlite3_column_int (stmt, 4))));
    }

  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&rules);
}

static gboolean
check_rule_key (HdPriority    priority,
                const char   *category,
                GError      **error)
{
  if (hd_enum_to_nick (HD_TYPE_PRIORITY, priority) == NULL)
    return hd_error_invalid_input (error, _("Unknown priority %d."), priority);

  return hd_validate_line (_("The category"), category, HD_MAX_LINE_CHARS, FALSE, error);
}

/**
 * hd_store_get_sla_policy:
 * @category: (nullable): a ticket's category
 *
 * Returns: (transfer full): the policy that tickets of @priority and
 *   @category follow: the category's own, else the priority's
 */
HdSlaPolicy *
hd_store_get_sla_policy (HdStore     *self,
                         HdPriority   priority,
                         const char  *category,
                         GError     **error)
{
  PolicyLookup policies;
  const HdSlaPolicy *policy;
  HdSlaPolicy *copy = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!check_rule_key (priority, category, error))
    return NULL;

  policy_lookup_init (&policies, self);
  policy = policy_lookup (&policies, priority, category, error);
  if (policy != NULL)
    copy = hd_sla_policy_copy (policy);
  policy_lookup_clear (&policies);

  return copy;
}

/**
 * hd_store_set_sla_rule:
 * @category: (nullable): %NULL or "" for the priority's own policy, else
 *   a ticket category that gets a policy of its own
 * @policy: the targets, checked with hd_sla_policy_validate(); its name is
 *   ignored
 *
 * Adds or replaces a policy (dispatcher only) and recomputes, in the same
 * transaction, the deadlines of the open tickets of @priority.
 */
gboolean
hd_store_set_sla_rule (HdStore            *self,
                       HdPriority          priority,
                       const char         *category,
                       const HdSlaPolicy  *policy,
                       GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *clean = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (policy != NULL, FALSE);

  clean = g_strstrip (g_strdup (category != NULL ? category : ""));
  if (!check_rule_key (priority, clean, error) ||
      !hd_sla_policy_validate (policy, error) ||
      !begin_sla_change (self, error))
    return FALSE;

  stmt = hd_store_prepare (self,
                           "INSERT OR REPLACE INTO sla_policies (priority, category,"
                           " response_minutes, resolve_minutes, warn_percent)"
                           " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, hd_enum_to_nick (HD_TYPE_PRIORITY, priority), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, clean, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, (int) policy->first_response_minutes);
  sqlite3_bind_int (stmt, 4, (int) policy->resolution_minutes);
  sqlite3_bind_int (stmt, 5, (int) policy->warn_percent);
  if (!hd_store_step_done (self, stmt, error) ||
      !recompute_locked (self, priority, NULL, error))
    goto fail;

  return finish_sla_change (self, error);

fail:
  hd_store_rollback (self);
  return FALSE;
}

/**
 * hd_store_delete_sla_rule:
 * @category: a category with a policy of its own
 *
 * Removes a category's own policy (dispatcher only): its tickets follow
 * their priority's policy again, recomputed in the same transaction. A
 * priority's own policy cannot be removed (%HD_ERROR_INVALID_INPUT); set
 * its targets to 0 for none.
 */
gboolean
hd_store_delete_sla_rule (HdStore     *self,
                          HdPriority   priority,
                          const char  *category,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *clean = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  clean = g_strstrip (g_strdup (category != NULL ? category : ""));
  if (!check_rule_key (priority, clean, error))
    return FALSE;
  if (clean[0] == '\0')
    return hd_error_invalid_input (error, _("The policy of a priority cannot be removed, only a category’s own; give that priority no targets instead."));

  if (!begin_sla_change (self, error))
    return FALSE;

  stmt = hd_store_prepare (self, "DELETE FROM sla_policies WHERE priority = ? AND category = ?",
                           error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, hd_enum_to_nick (HD_TYPE_PRIORITY, priority), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, clean, -1, SQLITE_TRANSIENT);
  if (!hd_store_step_done (self, stmt, error))
    goto fail;

  if (sqlite3_changes (hd_store_get_db (self)) == 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("There is no policy for %s tickets in the category “%s”."),
                   hd_enum_to_nick (HD_TYPE_PRIORITY, priority), clean);
      goto fail;
    }

  if (!recompute_locked (self, priority, NULL, error))
    goto fail;

  return finish_sla_change (self, error);

fail:
  hd_store_rollback (self);
  return FALSE;
}

/**
 * hd_store_recompute_due:
 * @n_tickets: (out) (optional): how many tickets' deadlines changed
 *
 * Recomputes the deadline of every ticket that is not resolved or closed,
 * in one transaction. Changes do this for what they touch; this is for
 * after another tool changed the file, and for measuring. Anyone may run
 * it; it writes a change_log row ("settings", "sla") only when a deadline
 * moved.
 */
gboolean
hd_store_recompute_due (HdStore  *self,
                        guint    *n_tickets,
                        GError  **error)
{
  guint changed = 0;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!hd_store_begin_write (self, error))
    return FALSE;

  if (!recompute_locked (self, -1, &changed, error) ||
      (changed > 0 && !hd_store_log_change (self, "settings", 0, "sla", error)) ||
      !hd_store_commit (self, error))
    {
      hd_store_rollback (self);
      return FALSE;
    }

  if (n_tickets != NULL)
    *n_tickets = changed;
  return TRUE;
}

/* Public API: one ticket's clock */

/* Reads what the engine needs for ticket @number, if the acting person
 * may see it, and the policy and calendar for it. */
static gboolean
load_ticket_clock (HdStore       *self,
                   gint64         number,
                   SlaRow        *row,
                   HdSlaPolicy  **policy,
                   HdCalendar   **calendar,
                   GError       **error)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) transitions = NULL;
  int rc;

  ticket = hd_store_get_ticket (self, number, error);
  if (ticket == NULL)
    return FALSE;

  stmt = hd_store_prepare (self, "SELECT " SLA_ROW_COLUMNS " FROM tickets t WHERE t.id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, number);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
  sla_row_read (row, stmt);

  transitions = prepare_transitions (self, error);
  if (transitions == NULL || !read_transitions (self, transitions, row, error))
    return FALSE;

  {
    PolicyLookup policies;
    const HdSlaPolicy *found;

    /* Not hd_store_get_sla_policy(): a category another tool wrote must
     * not stop the explanation. */
    policy_lookup_init (&policies, self);
    found = policy_lookup (&policies, row->priority, row->category, error);
    *policy = found != NULL ? hd_sla_policy_copy (found) : NULL;
    policy_lookup_clear (&policies);
    if (*policy == NULL)
      return FALSE;
  }

  *calendar = load_calendar (self, NULL, error);
  if (*calendar == NULL)
    {
      g_clear_pointer (policy, hd_sla_policy_free);
      return FALSE;
    }

  return TRUE;
}

/**
 * hd_store_get_sla:
 * @now: µs since the epoch; 0 for the current time
 * @result: (out caller-allocates): both clocks of the ticket at @now
 * @policy: (out) (optional) (transfer full): the policy in force for it
 *
 * Computes ticket @number's clocks from its history, if the acting person
 * may see it. Unlike the stored due_at, this also tells the state of a
 * paused or stopped clock: met, breached, paused with so much left.
 * hd_sla_result_get_current() picks the one a list shows.
 */
gboolean
hd_store_get_sla (HdStore       *self,
                  gint64         number,
                  gint64         now,
                  HdSlaResult   *result,
                  HdSlaPolicy  **policy,
                  GError       **error)
{
  g_autoptr(HdSlaPolicy) found = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  SlaRow row = { 0 };
  HdSlaTicket ticket;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (!load_ticket_clock (self, number, &row, &found, &calendar, error))
    {
      sla_row_clear (&row);
      return FALSE;
    }

  sla_ticket_of (&row, &ticket);
  hd_sla_compute (found, calendar, &ticket, now != 0 ? now : g_get_real_time (), result);
  sla_row_clear (&row);

  if (policy != NULL)
    *policy = g_steal_pointer (&found);
  return TRUE;
}

/**
 * hd_store_explain_sla:
 * @now: µs since the epoch; 0 for the current time
 *
 * Why ticket @number's deadlines are what they are (hd_sla_explain()):
 * the policy, the calendar, when the clock started, each pause, and each
 * clock's state, one line per fact, in the reader's language, instants in
 * the calendar's zone. Whoever may see the ticket may read it.
 *
 * Returns: (transfer full) (array zero-terminated=1): the lines
 */
char **
hd_store_explain_sla (HdStore  *self,
                      gint64    number,
                      gint64    now,
                      GError  **error)
{
  g_autoptr(HdSlaPolicy) policy = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  SlaRow row = { 0 };
  HdSlaTicket ticket;
  char **lines;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!load_ticket_clock (self, number, &row, &policy, &calendar, error))
    {
      sla_row_clear (&row);
      return NULL;
    }

  sla_ticket_of (&row, &ticket);
  lines = hd_sla_explain (policy, calendar, &ticket, now != 0 ? now : g_get_real_time ());
  sla_row_clear (&row);
  return lines;
}
