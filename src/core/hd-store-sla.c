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
#include <string.h>

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

/* Policies and calendar, in memory */

/* The SLA settings as the file holds them: the calendar and every policy
 * row. A change of them works on a copy that holds the change before the
 * file does, so the deadlines can be worked out before the write lock. */
typedef struct {
  HdCalendar  *calendar;
  GPtrArray   *rules;                              /* HdSlaRule */
  HdSlaPolicy *defaults[HD_PRIORITY_URGENT + 1];   /* made when first needed */
} SlaSettings;

static void
sla_settings_clear (SlaSettings *settings)
{
  g_clear_pointer (&settings->calendar, hd_calendar_unref);
  g_clear_pointer (&settings->rules, g_ptr_array_unref);
  for (guint p = 0; p < G_N_ELEMENTS (settings->defaults); p++)
    g_clear_pointer (&settings->defaults[p], hd_sla_policy_free);
}

static gboolean
sla_settings_read (HdStore      *self,
                   SlaSettings  *settings,
                   GError      **error)
{
  memset (settings, 0, sizeof *settings);
  settings->rules = hd_store_list_sla_rules (self, error);
  settings->calendar = settings->rules != NULL ? load_calendar (self, NULL, error) : NULL;
  if (settings->calendar == NULL)
    {
      sla_settings_clear (settings);
      return FALSE;
    }

  return TRUE;
}

/* The policy for tickets of @priority and @category: the category's own,
 * else the priority's (category ''), else — when another tool deleted that
 * row — the engine's default. Categories are compared exactly. */
static const HdSlaPolicy *
sla_settings_policy (SlaSettings *settings,
                     HdPriority   priority,
                     const char  *category)
{
  const HdSlaPolicy *own = NULL;

  category = category != NULL ? category : "";
  for (guint i = 0; i < settings->rules->len; i++)
    {
      const HdSlaRule *rule = g_ptr_array_index (settings->rules, i);

      if (rule->priority != priority)
        continue;
      if (g_str_equal (rule->category, category))
        return rule->policy;
      if (rule->category[0] == '\0')
        own = rule->policy;
    }

  if (own != NULL)
    return own;

  g_assert (priority < G_N_ELEMENTS (settings->defaults));
  if (settings->defaults[priority] == NULL)
    settings->defaults[priority] = hd_sla_policy_new_default (priority);
  return settings->defaults[priority];
}

/* What a change of the SLA settings changes. */
typedef enum {
  SLA_CHANGE_NONE,       /* only recompute */
  SLA_CHANGE_CALENDAR,
  SLA_CHANGE_SET_RULE,
  SLA_CHANGE_DELETE_RULE,
} SlaChangeKind;

typedef struct {
  SlaChangeKind      kind;
  HdCalendar        *calendar;   /* SLA_CHANGE_CALENDAR */
  HdPriority         priority;   /* the rules */
  const char        *category;   /* clean */
  const HdSlaPolicy *policy;     /* SLA_CHANGE_SET_RULE */
} SlaChange;

static int
find_rule (SlaSettings *settings,
           HdPriority   priority,
           const char  *category)
{
  for (guint i = 0; i < settings->rules->len; i++)
    {
      const HdSlaRule *rule = g_ptr_array_index (settings->rules, i);

      if (rule->priority == priority && g_str_equal (rule->category, category))
        return (int) i;
    }

  return -1;
}

static void
put_rule (SlaSettings     *settings,
          const SlaChange *change)
{
  g_autofree char *name = policy_name (change->priority, change->category);
  int found = find_rule (settings, change->priority, change->category);

  if (found >= 0)
    g_ptr_array_remove_index (settings->rules, found);
  g_ptr_array_add (settings->rules,
                   sla_rule_new (change->priority, change->category,
                                 hd_sla_policy_new (name, change->policy->first_response_minutes,
                                                    change->policy->resolution_minutes,
                                                    change->policy->warn_percent)));
}

/* @settings as they will be once @change is written. */
static void
sla_settings_apply (SlaSettings     *settings,
                    const SlaChange *change)
{
  int found;

  switch (change->kind)
    {
    case SLA_CHANGE_CALENDAR:
      g_clear_pointer (&settings->calendar, hd_calendar_unref);
      settings->calendar = hd_calendar_ref (change->calendar);
      break;

    case SLA_CHANGE_SET_RULE:
      put_rule (settings, change);
      break;

    case SLA_CHANGE_DELETE_RULE:
      found = find_rule (settings, change->priority, change->category);
      if (found >= 0)
        g_ptr_array_remove_index (settings->rules, found);
      break;

    case SLA_CHANGE_NONE:
    default:
      break;
    }
}

static gboolean
write_rule (HdStore          *self,
            const SlaChange  *change,
            GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self,
                           "INSERT OR REPLACE INTO sla_policies (priority, category,"
                           " response_minutes, resolve_minutes, warn_percent)"
                           " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, hd_enum_to_nick (HD_TYPE_PRIORITY, change->priority), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->category, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, (int) change->policy->first_response_minutes);
  sqlite3_bind_int (stmt, 4, (int) change->policy->resolution_minutes);
  sqlite3_bind_int (stmt, 5, (int) change->policy->warn_percent);
  return hd_store_step_done (self, stmt, error);
}

static gboolean
delete_rule (HdStore          *self,
             const SlaChange  *change,
             GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *priority = hd_enum_to_nick (HD_TYPE_PRIORITY, change->priority);

  stmt = hd_store_prepare (self, "DELETE FROM sla_policies WHERE priority = ? AND category = ?",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, priority, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->category, -1, SQLITE_TRANSIENT);
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (hd_store_get_db (self)) == 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("There is no policy for %s tickets in the category “%s”."),
                   priority, change->category);
      return FALSE;
    }

  return TRUE;
}

/* Writes @change into the file, inside the write transaction. */
static gboolean
write_change (HdStore          *self,
              const SlaChange  *change,
              GError          **error)
{
  switch (change->kind)
    {
    case SLA_CHANGE_CALENDAR:
      return write_calendar (self, change->calendar, TRUE, error);
    case SLA_CHANGE_SET_RULE:
      return write_rule (self, change, error);
    case SLA_CHANGE_DELETE_RULE:
      return delete_rule (self, change, error);
    case SLA_CHANGE_NONE:
    default:
      return TRUE;
    }
}

/* Tickets' clocks */

/* What the clock needs of one ticket, and what is stored now. */
typedef struct {
  gint64             number;
  gint64             created;
  gint64             first_response;
  HdStatus           status;
  const HdSlaPolicy *policy;    /* for its priority and category; the settings' */
  gint64             due_at;    /* as stored, 0 for NULL */
  gint64             warn_at;
  guint              first;     /* its status changes in the batch */
  guint              n;
} SlaRow;

/* Tickets read at once: rows in number order, each one's status changes
 * oldest first, one after another in @transitions. */
typedef struct {
  GArray *rows;          /* SlaRow */
  GArray *transitions;   /* HdSlaTransition */
} SlaBatch;

static void
sla_batch_init (SlaBatch *batch)
{
  batch->rows = g_array_new (FALSE, FALSE, sizeof (SlaRow));
  batch->transitions = g_array_new (FALSE, FALSE, sizeof (HdSlaTransition));
}

static void
sla_batch_clear (SlaBatch *batch)
{
  g_clear_pointer (&batch->rows, g_array_unref);
  g_clear_pointer (&batch->transitions, g_array_unref);
}

/* Columns of SlaRow, from tickets t. They name only columns that exist
 * since version 4, since migrating a file to version 4 runs this code. */
#define SLA_ROW_COLUMNS \
  "t.id, t.created_at, t.first_response_at, t.status, t.priority, t.category, " \
  "t.due_at, t.warn_at"

/* The tickets whose clock runs or pauses, from number ?1 on (of priority
 * ?2 unless it is NULL), and the status changes of tickets from ?1 on:
 * two walks in number order, over the table and over the history index,
 * that skip the closed past before ?1, never a jump per ticket. */
#define SLA_OPEN_ROWS \
  "SELECT " SLA_ROW_COLUMNS " FROM tickets t" \
  " WHERE t.id >= ?1 AND +t.status IN " NOT_STOPPED " AND (?2 IS NULL OR t.priority = ?2)" \
  " ORDER BY t.id"
#define SLA_OPEN_CHANGES \
  "SELECT ticket_id, at, new_value FROM ticket_events" \
  " WHERE ticket_id >= ?1 AND kind = 'status' ORDER BY ticket_id, id"

/* The same of ticket ?1. */
#define SLA_ONE_ROW "SELECT " SLA_ROW_COLUMNS " FROM tickets t WHERE t.id = ?1"
#define SLA_ONE_CHANGES \
  "SELECT ticket_id, at, new_value FROM ticket_events" \
  " WHERE ticket_id = ?1 AND kind = 'status' ORDER BY id"

/* Enum values of the text in @stmt's column @column, through @klass
 * (looked up once for many rows). */
static gboolean
column_enum (sqlite3_stmt *stmt,
             int           column,
             GEnumClass   *klass,
             int          *value)
{
  const char *nick = (const char *) sqlite3_column_text (stmt, column);
  GEnumValue *found = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  if (found == NULL)
    return FALSE;

  *value = found->value;
  return TRUE;
}

typedef struct {
  GEnumClass *statuses;
  GEnumClass *priorities;
} Nicks;

static void
sla_row_read (SlaRow       *row,
              sqlite3_stmt *stmt,
              const Nicks  *nicks,
              SlaSettings  *settings,
              guint         first)
{
  int status = HD_STATUS_NEW;
  int priority = HD_PRIORITY_NORMAL;

  row->number = sqlite3_column_int64 (stmt, 0);
  row->created = sqlite3_column_int64 (stmt, 1);
  row->first_response = sqlite3_column_int64 (stmt, 2);
  column_enum (stmt, 3, nicks->statuses, &status);
  row->status = status;
  column_enum (stmt, 4, nicks->priorities, &priority);
  row->policy = sla_settings_policy (settings, priority, hd_column_text (stmt, 5));
  row->due_at = sqlite3_column_int64 (stmt, 6);
  row->warn_at = sqlite3_column_int64 (stmt, 7);
  row->first = first;
  row->n = 0;
}

/* Reads the rows @rows finds into @batch, each with the status changes
 * @changes finds for it: both in number order (SLA_OPEN_ROWS and
 * SLA_OPEN_CHANGES, or the SLA_ONE_ pair). */
static gboolean
sla_batch_read (HdStore       *self,
                SlaBatch      *batch,
                sqlite3_stmt  *rows,
                sqlite3_stmt  *changes,
                SlaSettings   *settings,
                GError       **error)
{
  Nicks nicks = { g_type_class_ref (HD_TYPE_STATUS), g_type_class_ref (HD_TYPE_PRIORITY) };
  int rc, rc_changes = sqlite3_step (changes);

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      SlaRow *row;

      g_array_set_size (batch->rows, batch->rows->len + 1);
      row = &g_array_index (batch->rows, SlaRow, batch->rows->len - 1);
      sla_row_read (row, rows, &nicks, settings, batch->transitions->len);

      for (; rc_changes == SQLITE_ROW && sqlite3_column_int64 (changes, 0) <= row->number;
           rc_changes = sqlite3_step (changes))
        {
          HdSlaTransition transition;
          int status;

          if (sqlite3_column_int64 (changes, 0) < row->number ||
              !column_enum (changes, 2, nicks.statuses, &status))
            continue;
          transition.at = sqlite3_column_int64 (changes, 1);
          transition.status = status;
          g_array_append_val (batch->transitions, transition);
          row->n++;
        }
    }

  g_type_class_unref (nicks.statuses);
  g_type_class_unref (nicks.priorities);
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);
  if (rc_changes != SQLITE_ROW && rc_changes != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc_changes, error);

  return TRUE;
}

/* Statements for ticket by ticket: SLA_ONE_ROW and SLA_ONE_CHANGES. */
typedef struct {
  sqlite3_stmt *row;
  sqlite3_stmt *changes;
} OneTicket;

static void
one_ticket_clear (OneTicket *one)
{
  g_clear_pointer (&one->row, sqlite3_finalize);
  g_clear_pointer (&one->changes, sqlite3_finalize);
}

static gboolean
one_ticket_init (HdStore    *self,
                 OneTicket  *one,
                 GError    **error)
{
  one->row = hd_store_prepare (self, SLA_ONE_ROW, error);
  one->changes = one->row != NULL ? hd_store_prepare (self, SLA_ONE_CHANGES, error) : NULL;
  if (one->changes == NULL)
    {
      one_ticket_clear (one);
      return FALSE;
    }

  return TRUE;
}

/* Ticket @number's row into @batch, if it has one. */
static gboolean
one_ticket_read (HdStore      *self,
                 OneTicket    *one,
                 SlaBatch     *batch,
                 gint64        number,
                 SlaSettings  *settings,
                 GError      **error)
{
  sqlite3_reset (one->row);
  sqlite3_reset (one->changes);
  sqlite3_bind_int64 (one->row, 1, number);
  sqlite3_bind_int64 (one->changes, 1, number);
  return sla_batch_read (self, batch, one->row, one->changes, settings, error);
}

/* Ticket @number's row into @batch; an error if it has none. */
static gboolean
sla_batch_read_one (HdStore       *self,
                    SlaBatch      *batch,
                    gint64         number,
                    SlaSettings   *settings,
                    GError       **error)
{
  OneTicket one;
  guint had = batch->rows->len;
  gboolean ok;

  if (!one_ticket_init (self, &one, error))
    return FALSE;

  ok = one_ticket_read (self, &one, batch, number, settings, error);
  one_ticket_clear (&one);
  if (ok && batch->rows->len == had)
    return hd_store_set_error_from_db (self, SQLITE_CORRUPT, error);

  return ok;
}

static void
sla_ticket_of (const SlaBatch *batch,
               const SlaRow   *row,
               HdSlaTicket    *ticket)
{
  ticket->created = row->created;
  ticket->first_response = row->first_response;
  ticket->transitions = &g_array_index (batch->transitions, HdSlaTransition, row->first);
  ticket->n_transitions = row->n;
}

/* What to store in due_at and warn_at: the clock a list shows, while it
 * runs; 0 (NULL) otherwise. */
typedef struct {
  gint64 number;
  gint64 due_at;
  gint64 warn_at;
} SlaDue;

static void
compute_due (HdCalendar     *calendar,
             const SlaBatch *batch,
             const SlaRow   *row,
             gint64          now,
             SlaDue         *due)
{
  const HdSlaState *current;
  HdSlaTicket ticket;
  HdSlaResult result;

  *due = (SlaDue) { row->number, 0, 0 };
  if (row->status != HD_STATUS_NEW && row->status != HD_STATUS_OPEN)
    return;

  sla_ticket_of (batch, row, &ticket);
  hd_sla_compute (row->policy, calendar, &ticket, now, &result);
  current = hd_sla_result_get_current (&result);

  if (current->stopped != 0 || current->due == HD_CALENDAR_NEVER ||
      (current->state != HD_SLA_OK && current->state != HD_SLA_AT_RISK &&
       current->state != HD_SLA_BREACHED))
    return;

  due->due_at = current->due;
  due->warn_at = current->warn_at != HD_CALENDAR_NEVER ? current->warn_at : current->due;
}

/* The deadlines of @batch that differ from the stored ones, by number. */
static GArray *
compute_changed_dues (HdCalendar     *calendar,
                      const SlaBatch *batch,
                      gint64          now)
{
  GArray *dues = g_array_new (FALSE, FALSE, sizeof (SlaDue));

  for (guint i = 0; i < batch->rows->len; i++)
    {
      const SlaRow *row = &g_array_index (batch->rows, SlaRow, i);
      SlaDue due;

      compute_due (calendar, batch, row, now, &due);
      if (due.due_at != row->due_at || due.warn_at != row->warn_at)
        g_array_append_val (dues, due);
    }

  return dues;
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

/* Writes @dues, but for the tickets in @skip (when not NULL). due_at and
 * warn_at are derived: writing them bumps neither the version nor
 * updated_at, so a recomputation never conflicts with someone's edit. */
static gboolean
write_dues (HdStore     *self,
            GArray      *dues,
            GHashTable  *skip,
            guint       *n_written,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) update = NULL;

  /* Most changes move no deadline: nothing to prepare then. */
  if (dues->len == 0)
    return TRUE;

  update = hd_store_prepare (self, "UPDATE tickets SET due_at = ?, warn_at = ? WHERE id = ?", error);
  if (update == NULL)
    return FALSE;

  for (guint i = 0; i < dues->len; i++)
    {
      const SlaDue *due = &g_array_index (dues, SlaDue, i);

      if (skip != NULL && g_hash_table_contains (skip, &due->number))
        continue;

      bind_time_or_null (update, 1, due->due_at);
      bind_time_or_null (update, 2, due->warn_at);
      sqlite3_bind_int64 (update, 3, due->number);
      if (!hd_store_step_done (self, update, error))
        return FALSE;
      sqlite3_reset (update);
      (*n_written)++;
    }

  return TRUE;
}

/* Inside a write transaction: recomputes and stores the deadlines of
 * tickets @numbers (gint64 *) that exist, as of the transaction's time. */
static gboolean
refresh_tickets (HdStore      *self,
                 SlaSettings  *settings,
                 GList        *numbers,
                 guint        *n_written,
                 GError      **error)
{
  g_autoptr(GArray) dues = NULL;
  OneTicket one;
  SlaBatch batch;
  gboolean ok = TRUE;

  if (numbers == NULL)
    return TRUE;
  if (!one_ticket_init (self, &one, error))
    return FALSE;

  sla_batch_init (&batch);
  for (GList *l = numbers; ok && l != NULL; l = l->next)
    ok = one_ticket_read (self, &one, &batch, *(gint64 *) l->data, settings, error);
  one_ticket_clear (&one);

  if (ok)
    {
      dues = compute_changed_dues (settings->calendar, &batch, hd_store_now (self));
      ok = write_dues (self, dues, NULL, n_written, error);
    }
  sla_batch_clear (&batch);
  return ok;
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
  g_autoptr(GArray) dues = NULL;
  SlaSettings settings;
  SlaBatch batch;
  guint written = 0;
  gboolean ok;

  if (!sla_settings_read (self, &settings, error))
    return FALSE;

  sla_batch_init (&batch);
  ok = sla_batch_read_one (self, &batch, number, &settings, error);
  if (ok)
    {
      dues = compute_changed_dues (settings.calendar, &batch, hd_store_now (self));
      ok = write_dues (self, dues, NULL, &written, error);
    }
  sla_batch_clear (&batch);
  sla_settings_clear (&settings);
  return ok;
}

/* Recomputing many tickets
 *
 * A change of the calendar or of a policy moves the deadlines of every
 * open ticket it applies to: 100 000 of them take a few hundred
 * milliseconds to read and work out, and other desks must not wait that
 * long for the write lock. So the tickets are read in one read
 * transaction and their deadlines worked out with no lock held; the write
 * transaction then checks what happened meanwhile. Nothing: it writes the
 * deadlines that moved. Tickets changed by others (change_log rows of
 * "tickets"): it recomputes just those, under the lock, from what they
 * are now. Anything else that could matter (the SLA settings, a restore, a
 * write that left no change_log row): it lets go of the lock and starts
 * again, and after a few tries does everything under the lock, as it
 * must then. */

#define OPTIMISTIC_TRIES 3

static void (*between_for_testing) (gpointer data);
static gpointer between_data;

void
hd_store_sla_set_between_for_testing (void     (*between) (gpointer data),
                                      gpointer   data)
{
  between_for_testing = between;
  between_data = data;
}

/* Deadlines worked out from one state of the file. */
typedef struct {
  SlaSettings  settings;
  GArray      *dues;           /* SlaDue that differ from the stored ones */
  gint64       data_version;   /* PRAGMA data_version when read */
  gint64       last_seq;       /* the newest change_log row then */
} SlaPlan;

static void
sla_plan_clear (SlaPlan *plan)
{
  sla_settings_clear (&plan->settings);
  g_clear_pointer (&plan->dues, g_array_unref);
}

static gboolean
query_int64 (HdStore     *self,
             const char  *sql,
             gint64      *value,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* The tickets whose deadlines @change moves: those of its priority for a
 * policy, else all whose clock runs or pauses. */
static gboolean
read_open_tickets (HdStore          *self,
                   const SlaChange  *change,
                   SlaSettings      *settings,
                   SlaBatch         *batch,
                   GError          **error)
{
  g_autoptr(sqlite3_stmt) rows = NULL;
  g_autoptr(sqlite3_stmt) changes = NULL;
  gint64 oldest;

  if (!query_int64 (self, "SELECT coalesce(min(id), 0) FROM tickets WHERE status IN " NOT_STOPPED,
                    &oldest, error) ||
      (rows = hd_store_prepare (self, SLA_OPEN_ROWS, error)) == NULL ||
      (changes = hd_store_prepare (self, SLA_OPEN_CHANGES, error)) == NULL)
    return FALSE;
  if (oldest == 0)
    return TRUE;

  sqlite3_bind_int64 (rows, 1, oldest);
  sqlite3_bind_int64 (changes, 1, oldest);
  if (change->kind == SLA_CHANGE_SET_RULE || change->kind == SLA_CHANGE_DELETE_RULE)
    sqlite3_bind_text (rows, 2, hd_enum_to_nick (HD_TYPE_PRIORITY, change->priority), -1,
                       SQLITE_STATIC);

  return sla_batch_read (self, batch, rows, changes, settings, error);
}

/* Reads the settings (with @change) and the tickets into @batch, in the
 * current transaction. */
static gboolean
read_plan (HdStore          *self,
           const SlaChange  *change,
           SlaPlan          *plan,
           SlaBatch         *batch,
           GError          **error)
{
  memset (plan, 0, sizeof *plan);
  if (!sla_settings_read (self, &plan->settings, error))
    return FALSE;
  sla_settings_apply (&plan->settings, change);

  if (!query_int64 (self, "PRAGMA data_version", &plan->data_version, error) ||
      !query_int64 (self, "SELECT coalesce(max(seq), 0) FROM change_log", &plan->last_seq, error) ||
      !read_open_tickets (self, change, &plan->settings, batch, error))
    {
      sla_plan_clear (plan);
      return FALSE;
    }

  return TRUE;
}

/* Works out @plan's deadlines from @batch as of now. */
static void
compute_plan (HdStore  *self,
              SlaPlan  *plan,
              SlaBatch *batch)
{
  plan->dues = compute_changed_dues (plan->settings.calendar, batch, hd_store_now (self));
}

/* Reads in a read transaction of its own (one state of the file, and no
 * lock held while computing), then computes. */
static gboolean
make_plan_unlocked (HdStore          *self,
                    const SlaChange  *change,
                    SlaPlan          *plan,
                    GError          **error)
{
  sqlite3 *db = hd_store_get_db (self);
  SlaBatch batch;
  gboolean ok;
  int rc;

  rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return hd_store_set_error_from_db (self, rc, error);

  sla_batch_init (&batch);
  ok = read_plan (self, change, plan, &batch, error);
  sqlite3_exec (db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  if (ok)
    compute_plan (self, plan, &batch);
  sla_batch_clear (&batch);
  return ok;
}

/* The same inside the write transaction. */
static gboolean
make_plan_locked (HdStore          *self,
                  const SlaChange  *change,
                  SlaPlan          *plan,
                  GError          **error)
{
  SlaBatch batch;
  gboolean ok;

  sla_batch_init (&batch);
  ok = read_plan (self, change, plan, &batch, error);
  if (ok)
    compute_plan (self, plan, &batch);
  sla_batch_clear (&batch);
  return ok;
}

typedef enum {
  UNDERNEATH_NOTHING,
  UNDERNEATH_TICKETS,   /* only tickets changed: recompute those */
  UNDERNEATH_ANYTHING,  /* start again */
} Underneath;

/* Inside the write transaction: what others wrote since @plan was read,
 * and in @tickets (gint64 → itself) which tickets they changed. */
static gboolean
check_underneath (HdStore      *self,
                  SlaPlan      *plan,
                  GHashTable   *tickets,
                  Underneath   *underneath,
                  GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 data_version;
  int rc;

  *underneath = UNDERNEATH_NOTHING;
  if (!query_int64 (self, "PRAGMA data_version", &data_version, error))
    return FALSE;
  if (data_version == plan->data_version)
    return TRUE;

  /* Others committed: a write without a change_log row, or one the rows
   * do not name well enough, means anything may have changed. */
  *underneath = UNDERNEATH_ANYTHING;
  stmt = hd_store_prepare (self, "SELECT tbl, row_id FROM change_log WHERE seq > ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, plan->last_seq);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *table = hd_column_text (stmt, 0);
      gint64 row = sqlite3_column_int64 (stmt, 1);

      if (g_str_equal (table, "tickets"))
        g_hash_table_add (tickets, g_memdup2 (&row, sizeof row));
      else if (!g_str_equal (table, "alerts") && !g_str_equal (table, "people") &&
               !g_str_equal (table, "kb_articles") && !g_str_equal (table, "kb_categories"))
        return TRUE;
    }
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  if (g_hash_table_size (tickets) > 0)
    *underneath = UNDERNEATH_TICKETS;
  return TRUE;
}

/* Begins the write transaction of @change: the dispatcher's alone, unless
 * it only recomputes. */
static gboolean
begin_sla_write (HdStore          *self,
                 const SlaChange  *change,
                 GError          **error)
{
  g_autoptr(HdPerson) me = NULL;

  if (!hd_store_begin_write (self, error))
    return FALSE;
  if (change->kind == SLA_CHANGE_NONE)
    return TRUE;

  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_manage_sla (me, error))
    {
      hd_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/* The indexes on the deadlines
 *
 * Moving one ticket's deadline moves its entry in tickets_due and in
 * tickets_warn: a b-tree delete and insert in each, about 1.5 µs apiece
 * here. When a change of the calendar moves most deadlines, building an
 * index again from the table (one sort) costs a third of moving its
 * entries one by one: 100 000 open tickets took ~300 ms of CPU under the
 * lock with both indexes kept, ~170 ms with both dropped and built again.
 * So an index is dropped before the writes and built again after them, in
 * the same transaction, when the writes would move more than a third of
 * its entries; readers never see the file without it. Not for a few
 * hundred moves, though, which take a millisecond or so either way: a
 * schema change makes every desk read the file's schema again. The definition built
 * again is the one the file holds (sqlite_schema), so the schema stays
 * exactly as the migrations made it. */

#define DUE_INDEX_REBUILD_MIN 500

static guint due_index_rebuild_min = DUE_INDEX_REBUILD_MIN;

void
hd_store_sla_set_rebuild_min_for_testing (guint n_moving)
{
  due_index_rebuild_min = n_moving > 0 ? n_moving : DUE_INDEX_REBUILD_MIN;
}

typedef struct {
  const char *name;
  const char *count_sql;   /* about how many entries it holds */
  const char *drop_sql;
  char       *create_sql;  /* when dropped: how to build it again */
} DueIndex;

static gboolean
due_index_drop_if_worth (HdStore   *self,
                         DueIndex  *index,
                         guint      n_moving,
                         GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *create = NULL;
  gint64 entries;
  int rc;

  if (n_moving < due_index_rebuild_min)
    return TRUE;
  if (!query_int64 (self, index->count_sql, &entries, error))
    return FALSE;
  if ((gint64) n_moving * 3 <= entries)
    return TRUE;

  stmt = hd_store_prepare (self, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, index->name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;            /* an older file without it: nothing to keep up */
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  /* A schema change waits for no statement of this connection to be
   * running: this one is done with first. */
  create = g_strdup (hd_column_text (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_exec (hd_store_get_db (self), index->drop_sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return hd_store_set_error_from_db (self, rc, error);

  index->create_sql = g_steal_pointer (&create);
  return TRUE;
}

static gboolean
due_index_build_again (HdStore   *self,
                       DueIndex  *index,
                       GError   **error)
{
  g_autofree char *create = g_steal_pointer (&index->create_sql);
  int rc;

  if (create == NULL)
    return TRUE;

  rc = sqlite3_exec (hd_store_get_db (self), create, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return hd_store_set_error_from_db (self, rc, error);
  return TRUE;
}

/* Inside the write transaction: @change and the deadlines of @plan, but
 * those of @changed (when not NULL) recomputed as they are now. */
static gboolean
write_plan (HdStore          *self,
            const SlaChange  *change,
            SlaPlan          *plan,
            GHashTable       *changed,
            guint            *n_written,
            GError          **error)
{
  g_autoptr(GList) numbers = changed != NULL ? g_hash_table_get_keys (changed) : NULL;
  DueIndex indexes[] = {
    { "tickets_due", "SELECT coalesce(max(id), 0) FROM tickets", "DROP INDEX tickets_due", NULL },
    { "tickets_warn", "SELECT count(*) FROM tickets WHERE warn_at IS NOT NULL",
      "DROP INDEX tickets_warn", NULL },
  };
  gboolean ok = write_change (self, change, error);

  for (guint i = 0; ok && i < G_N_ELEMENTS (indexes); i++)
    ok = due_index_drop_if_worth (self, &indexes[i], plan->dues->len, error);

  ok = ok &&
       write_dues (self, plan->dues, changed, n_written, error) &&
       refresh_tickets (self, &plan->settings, numbers, n_written, error);

  /* After a failure the caller rolls the transaction back, and the
   * dropped indexes with it. */
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      if (ok)
        ok = due_index_build_again (self, &indexes[i], error);
      g_clear_pointer (&indexes[i].create_sql, g_free);
    }

  return ok;
}

/* One try at apply_sla_change(): under the lock from the start when
 * @locked. Sets @again (and writes nothing) when others changed what
 * matters meanwhile. */
static gboolean
try_sla_change (HdStore          *self,
                const SlaChange  *change,
                gboolean          locked,
                guint            *n_written,
                gboolean         *again,
                GError          **error)
{
  g_autoptr(GHashTable) changed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  Underneath underneath = UNDERNEATH_NOTHING;
  SlaPlan plan = { 0 };
  gboolean ok;

  *again = FALSE;
  if (!locked && !make_plan_unlocked (self, change, &plan, error))
    return FALSE;
  if (!locked && between_for_testing != NULL)
    between_for_testing (between_data);

  if (!begin_sla_write (self, change, error))
    {
      sla_plan_clear (&plan);
      return FALSE;
    }

  ok = locked ? make_plan_locked (self, change, &plan, error)
              : check_underneath (self, &plan, changed, &underneath, error);
  *again = ok && underneath == UNDERNEATH_ANYTHING;
  ok = ok && !*again &&
       write_plan (self, change, &plan, underneath == UNDERNEATH_TICKETS ? changed : NULL,
                   n_written, error) &&
       ((change->kind == SLA_CHANGE_NONE && *n_written == 0) ||
        hd_store_log_change (self, "settings", 0, "sla", error)) &&
       hd_store_commit (self, error);
  sla_plan_clear (&plan);

  if (!ok)
    hd_store_rollback (self);
  return ok || *again;
}

/* Writes @change and every deadline it moves; with %SLA_CHANGE_NONE only
 * the deadlines that moved since they were stored. @n_written counts the
 * tickets written. Writes a change_log row ("settings", "sla") for a
 * change, and for a recomputation that moved a deadline. */
static gboolean
apply_sla_change_cached (HdStore          *self,
                         const SlaChange  *change,
                         guint            *n_written,
                         GError          **error)
{
  gboolean again = TRUE;

  for (guint attempt = 0; again; attempt++)
    {
      *n_written = 0;
      if (!try_sla_change (self, change, attempt >= OPTIMISTIC_TRIES, n_written, &again, error))
        return FALSE;
    }

  return TRUE;
}

/* SQLite's page cache holds 2 MB unless told otherwise: rewriting the
 * deadlines of 100 000 tickets touches some 20 to 40 MB of the table and
 * its due and warn indexes, and would read them again and again and spill
 * half-written pages into the file before the commit. While it works, the
 * connection may keep up to RECOMPUTE_CACHE_KIB of the file. */
#define RECOMPUTE_CACHE_KIB 65536

static gboolean
apply_sla_change (HdStore          *self,
                  const SlaChange  *change,
                  guint            *n_written,
                  GError          **error)
{
  g_autofree char *restore = NULL;
  gint64 cache_size;
  guint written = 0;
  gboolean ok;

  if (!query_int64 (self, "PRAGMA cache_size", &cache_size, error))
    return FALSE;

  restore = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);
  sqlite3_exec (hd_store_get_db (self), "PRAGMA cache_size = -" G_STRINGIFY (RECOMPUTE_CACHE_KIB),
                NULL, NULL, NULL);
  ok = apply_sla_change_cached (self, change, &written, error);
  sqlite3_exec (hd_store_get_db (self), restore, NULL, NULL, NULL);

  if (ok && n_written != NULL)
    *n_written = written;
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
  SlaChange none = { SLA_CHANGE_NONE, };
  SlaPlan plan;
  guint written = 0;
  gboolean ok;

  if (!write_calendar (self, calendar, FALSE, error) ||
      !make_plan_locked (self, &none, &plan, error))
    return FALSE;

  ok = write_dues (self, plan.dues, NULL, &written, error);
  sla_plan_clear (&plan);
  return ok;
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

/**
 * hd_store_set_calendar:
 * @calendar: the new calendar, such as one from
 *   hd_calendar_new_from_string(), which checks it
 *
 * Replaces the helpdesk's SLA calendar (dispatcher only) and, in the same
 * transaction, the deadline of every ticket that is not resolved or
 * closed, worked out before it takes the write lock.
 */
gboolean
hd_store_set_calendar (HdStore     *self,
                       HdCalendar  *calendar,
                       GError     **error)
{
  SlaChange change = { SLA_CHANGE_CALENDAR, .calendar = calendar };

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (calendar != NULL, FALSE);

  return apply_sla_change (self, &change, NULL, error);
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
  SlaSettings settings;
  HdSlaPolicy *copy;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!check_rule_key (priority, category, error) ||
      !sla_settings_read (self, &settings, error))
    return NULL;

  copy = hd_sla_policy_copy (sla_settings_policy (&settings, priority, category));
  sla_settings_clear (&settings);
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
  g_autofree char *clean = NULL;
  SlaChange change = { SLA_CHANGE_SET_RULE, .priority = priority, .policy = policy };

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (policy != NULL, FALSE);

  clean = g_strstrip (g_strdup (category != NULL ? category : ""));
  if (!check_rule_key (priority, clean, error) ||
      !hd_sla_policy_validate (policy, error))
    return FALSE;

  change.category = clean;
  return apply_sla_change (self, &change, NULL, error);
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
  g_autofree char *clean = NULL;
  SlaChange change = { SLA_CHANGE_DELETE_RULE, .priority = priority };

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  clean = g_strstrip (g_strdup (category != NULL ? category : ""));
  if (!check_rule_key (priority, clean, error))
    return FALSE;
  if (clean[0] == '\0')
    return hd_error_invalid_input (error, _("The policy of a priority cannot be removed, only a category’s own; give that priority no targets instead."));

  change.category = clean;
  return apply_sla_change (self, &change, NULL, error);
}

/**
 * hd_store_recompute_due:
 * @n_tickets: (out) (optional): how many tickets' deadlines changed
 *
 * Recomputes the deadline of every ticket that is not resolved or closed
 * and writes those that moved in one transaction, worked out before it
 * takes the write lock. Changes do this for what they touch; this is for
 * after another tool changed the file, and for measuring. Anyone may run
 * it; it writes a change_log row ("settings", "sla") only when a deadline
 * moved.
 */
gboolean
hd_store_recompute_due (HdStore  *self,
                        guint    *n_tickets,
                        GError  **error)
{
  SlaChange none = { SLA_CHANGE_NONE, };

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  return apply_sla_change (self, &none, n_tickets, error);
}

/* Public API: one ticket's clock */

/* Reads what the engine needs for ticket @number, if the acting person
 * may see it, into @batch, and the settings for it. */
static gboolean
load_ticket_clock (HdStore      *self,
                   gint64        number,
                   SlaBatch     *batch,
                   SlaSettings  *settings,
                   GError      **error)
{
  g_autoptr(HdTicket) ticket = NULL;

  ticket = hd_store_get_ticket (self, number, error);
  if (ticket == NULL || !sla_settings_read (self, settings, error))
    return FALSE;

  if (!sla_batch_read_one (self, batch, number, settings, error))
    {
      sla_settings_clear (settings);
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
  SlaSettings settings;
  SlaBatch batch;
  HdSlaTicket ticket;
  const SlaRow *row;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  sla_batch_init (&batch);
  if (!load_ticket_clock (self, number, &batch, &settings, error))
    {
      sla_batch_clear (&batch);
      return FALSE;
    }

  row = &g_array_index (batch.rows, SlaRow, 0);
  sla_ticket_of (&batch, row, &ticket);
  hd_sla_compute (row->policy, settings.calendar, &ticket, now != 0 ? now : g_get_real_time (),
                  result);
  if (policy != NULL)
    *policy = hd_sla_policy_copy (row->policy);

  sla_batch_clear (&batch);
  sla_settings_clear (&settings);
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
  SlaSettings settings;
  SlaBatch batch;
  HdSlaTicket ticket;
  const SlaRow *row;
  char **lines;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  sla_batch_init (&batch);
  if (!load_ticket_clock (self, number, &batch, &settings, error))
    {
      sla_batch_clear (&batch);
      return NULL;
    }

  row = &g_array_index (batch.rows, SlaRow, 0);
  sla_ticket_of (&batch, row, &ticket);
  lines = hd_sla_explain (row->policy, settings.calendar, &ticket,
                          now != 0 ? now : g_get_real_time ());

  sla_batch_clear (&batch);
  sla_settings_clear (&settings);
  return lines;
}
