/* hd-store-tickets.c — tickets and their history
 *
 * Each change reads the row inside BEGIN IMMEDIATE, checks the rules and the
 * version it was based on, then writes the row, one ticket_events row per
 * thing that changed and a change_log row, and commits. The UPDATE also
 * names the version, so a row changed by a writer that ignored the lock
 * still cannot be overwritten.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-enum-types.h"
#include "hd-rules.h"
#include "hd-store-private.h"

typedef struct {
  const char *field;
  char       *old_value;
  char       *new_value;
} FieldChange;

static void
field_change_clear (gpointer data)
{
  FieldChange *change = data;

  g_free (change->old_value);
  g_free (change->new_value);
}

static HdTicket *
load_ticket (HdStore  *self,
             gint64    number,
             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT " HD_TICKET_COLUMNS HD_TICKET_FROM " WHERE t.id = ?",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, number);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return hd_ticket_new_from_row (stmt);
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  hd_rules_no_ticket (number, error);
  return NULL;
}

static gboolean
insert_event (HdStore     *self,
              gint64       ticket,
              HdPerson    *actor,
              HdEventKind  kind,
              const char  *field,
              const char  *old_value,
              const char  *new_value,
              const char  *body,
              gint64      *event_id,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self,
                           "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, field,"
                           " old_value, new_value, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket);
  sqlite3_bind_int64 (stmt, 2, hd_store_now (self));
  sqlite3_bind_int64 (stmt, 3, hd_person_get_id (actor));
  sqlite3_bind_text (stmt, 4, hd_enum_to_nick (HD_TYPE_EVENT_KIND, kind), -1, SQLITE_STATIC);
  hd_bind_text_or_null (stmt, 5, field);
  hd_bind_text_or_null (stmt, 6, old_value);
  hd_bind_text_or_null (stmt, 7, new_value);
  hd_bind_text_or_null (stmt, 8, body);
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;

  if (event_id != NULL)
    *event_id = sqlite3_last_insert_rowid (hd_store_get_db (self));
  return TRUE;
}

/* Starts a change of ticket @number: takes the write lock, and checks that
 * the ticket exists, can be seen, and is still at @if_version (0: any). */
static HdTicket *
begin_ticket_change (HdStore    *self,
                     gint64      number,
                     gint64      if_version,
                     HdPerson  **me,
                     GError    **error)
{
  g_autoptr(HdTicket) ticket = NULL;

  if (!hd_store_begin_write (self, error))
    return NULL;

  *me = hd_store_lock_me (self, error);
  if (*me == NULL)
    goto fail;

  ticket = load_ticket (self, number, error);
  if (ticket == NULL || !hd_rules_check_see_ticket (*me, ticket, error))
    goto fail;

  if (if_version != 0 && hd_ticket_get_version (ticket) != if_version)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_CONFLICT,
                   _("Ticket #%" G_GINT64_FORMAT " was changed by someone else since you read it (version %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT "). Reload it and make your change again."),
                   number, hd_ticket_get_version (ticket), if_version);
      goto fail;
    }

  return g_steal_pointer (&ticket);

fail:
  g_clear_object (me);
  hd_store_rollback (self);
  return NULL;
}

/* Ends a change: the SLA deadlines as of this change (any change of
 * status, priority, category or first response can move them), change_log,
 * commit, and the ticket as now stored. */
static HdTicket *
finish_ticket_change (HdStore     *self,
                      gint64       number,
                      const char  *kind,
                      GError     **error)
{
  g_autoptr(HdTicket) ticket = NULL;

  if (!hd_store_sla_refresh_ticket (self, number, error) ||
      !hd_store_log_change (self, "tickets", number, kind, error))
    goto fail;

  ticket = load_ticket (self, number, error);
  if (ticket == NULL || !hd_store_commit (self, error))
    goto fail;

  return g_steal_pointer (&ticket);

fail:
  hd_store_rollback (self);
  return NULL;
}

/* Prepares "UPDATE tickets SET <sql_set>" that also stamps updated_at and
 * bumps the version, guarded by the version read. ?1–?3 are bound here; the
 * caller binds its own values from ?4 on, then calls run_update(). */
static sqlite3_stmt *
prepare_update (HdStore     *self,
                HdTicket    *ticket,
                const char  *sql_set,
                GError     **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  /* sql_set is one of the constant fragments in this file, never input. */
  sql = g_strconcat ("UPDATE tickets SET ", sql_set, ", updated_at = ?1,"
                     " version = version + 1 WHERE id = ?2 AND version = ?3", NULL);
  stmt = hd_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, hd_store_now (self));
  sqlite3_bind_int64 (stmt, 2, hd_ticket_get_number (ticket));
  sqlite3_bind_int64 (stmt, 3, hd_ticket_get_version (ticket));
  return stmt;
}

static gboolean
run_update (HdStore       *self,
            sqlite3_stmt  *stmt,
            HdTicket      *ticket,
            GError       **error)
{
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (hd_store_get_db (self)) != 1)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_CONFLICT,
                   _("Ticket #%" G_GINT64_FORMAT " was changed by someone else meanwhile. Reload it and make your change again."),
                   hd_ticket_get_number (ticket));
      return FALSE;
    }

  return TRUE;
}

static char *
normalize_line (const char *text)
{
  return text != NULL ? g_strstrip (g_strdup (text)) : NULL;
}

static gboolean
validate_draft_lines (const char  *category,
                      const char  *department,
                      const char  *location,
                      GError     **error)
{
  return hd_validate_line (_("The category"), category, HD_MAX_LINE_CHARS, FALSE, error) &&
         hd_validate_line (_("The department"), department, HD_MAX_LINE_CHARS, FALSE, error) &&
         hd_validate_line (_("The location"), location, HD_MAX_LINE_CHARS, FALSE, error);
}

static gboolean
validate_priority (HdPriority   priority,
                   GError     **error)
{
  if (hd_enum_to_nick (HD_TYPE_PRIORITY, priority) != NULL)
    return TRUE;

  g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT, _("Unknown priority %d."), priority);
  return FALSE;
}

/* Create */

static gboolean
insert_ticket (HdStore              *self,
               const HdTicketDraft  *draft,
               const char           *title,
               HdPerson             *requester,
               gint64               *number,
               GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = hd_store_now (self);

  stmt = hd_store_prepare (self,
                           "INSERT INTO tickets (title, description, priority, category,"
                           " requester_id, department, location, created_at, updated_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, draft->description != NULL ? draft->description : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, hd_enum_to_nick (HD_TYPE_PRIORITY, draft->priority), -1,
                     SQLITE_STATIC);
  hd_bind_text_or_null (stmt, 4, draft->category);
  sqlite3_bind_int64 (stmt, 5, hd_person_get_id (requester));
  hd_bind_text_or_null (stmt, 6, draft->department);
  hd_bind_text_or_null (stmt, 7, draft->location);
  sqlite3_bind_int64 (stmt, 8, now);
  sqlite3_bind_int64 (stmt, 9, now);
  if (!hd_store_step_done (self, stmt, error))
    return FALSE;

  *number = sqlite3_last_insert_rowid (hd_store_get_db (self));
  return TRUE;
}

/* Files a ticket for @requester, acting as @actor, inside the caller's
 * write transaction: the rules, the row, its "created" history, its SLA
 * deadlines and the change_log row. */
gboolean
hd_store_create_ticket_locked (HdStore              *self,
                               const HdTicketDraft  *draft,
                               HdPerson             *actor,
                               HdPerson             *requester,
                               gint64               *number,
                               GError              **error)
{
  g_autofree char *title = normalize_line (draft->title);
  g_autofree char *category = normalize_line (draft->category);
  g_autofree char *department = normalize_line (draft->department);
  g_autofree char *location = normalize_line (draft->location);
  HdTicketDraft clean;

  if (!hd_validate_line (_("The title"), title, HD_MAX_TITLE_CHARS, TRUE, error) ||
      !hd_validate_body (_("The description"), draft->description, FALSE, error) ||
      !validate_draft_lines (category, department, location, error) ||
      !validate_priority (draft->priority, error))
    return FALSE;

  clean = *draft;
  clean.category = category;
  clean.department = department;
  clean.location = location;

  return hd_rules_check_create (actor, requester, error) &&
         insert_ticket (self, &clean, title, requester, number, error) &&
         insert_event (self, *number, actor, HD_EVENT_CREATED, NULL, NULL, title, NULL, NULL,
                       error) &&
         hd_store_sla_refresh_ticket (self, *number, error) &&
         hd_store_log_change (self, "tickets", *number, "created", error) &&
         hd_store_alert_new_ticket_locked (self, *number, actor, error);
}

/**
 * hd_store_create_ticket:
 *
 * Files a new ticket, with its "created" history row.
 *
 * Returns: (transfer full): the new ticket; its number is never reused
 */
HdTicket *
hd_store_create_ticket (HdStore              *self,
                        const HdTicketDraft  *draft,
                        GError              **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdPerson) requester = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  gint64 number = 0;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (draft != NULL, NULL);

  if (draft->requester != NULL && !hd_validate_login (draft->requester, error))
    return NULL;

  if (!hd_store_begin_write (self, error))
    return NULL;

  me = hd_store_lock_me (self, error);
  if (me == NULL)
    goto fail;

  requester = draft->requester != NULL ? hd_store_lookup_person (self, draft->requester, error)
                                       : g_object_ref (me);
  if (requester == NULL ||
      !hd_store_create_ticket_locked (self, draft, me, requester, &number, error))
    goto fail;

  ticket = load_ticket (self, number, error);
  if (ticket == NULL || !hd_store_commit (self, error))
    goto fail;

  return g_steal_pointer (&ticket);

fail:
  hd_store_rollback (self);
  return NULL;
}

HdTicket *
hd_store_load_ticket_locked (HdStore  *self,
                             gint64    number,
                             GError  **error)
{
  return load_ticket (self, number, error);
}

/* Read */

/**
 * hd_store_get_ticket:
 *
 * Returns: (transfer full): ticket @number, if the acting person may see it
 */
HdTicket *
hd_store_get_ticket (HdStore  *self,
                     gint64    number,
                     GError  **error)
{
  g_autoptr(HdTicket) ticket = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  ticket = load_ticket (self, number, error);
  if (ticket == NULL || !hd_rules_check_see_ticket (hd_store_get_me (self), ticket, error))
    return NULL;

  return g_steal_pointer (&ticket);
}

/**
 * hd_store_list_events:
 *
 * The history and conversation of ticket @number, oldest first. Internal
 * notes are left out for requesters, and so is the note of an escalation:
 * they see that the ticket changed tier, with no body.
 *
 * Returns: (transfer full) (element-type HdTicketEvent):
 */
GPtrArray *
hd_store_list_events (HdStore  *self,
                      gint64    number,
                      GError  **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  ticket = hd_store_get_ticket (self, number, error);
  if (ticket == NULL)
    return NULL;

  /* Only "field" events carry a body for staff alone (the escalation
   * note, see hd_store_escalate_ticket()). */
  stmt = hd_store_prepare (self,
                           "SELECT " HD_EVENT_COLUMNS " FROM"
                           " (SELECT id, ticket_id, at, actor_id, kind, field, old_value,"
                           "  new_value, CASE WHEN ?2 OR kind != 'field' THEN body END AS body"
                           "  FROM ticket_events WHERE ticket_id = ?1 AND (?2 OR kind != 'note')) e"
                           " JOIN people p ON p.id = e.actor_id"
                           " ORDER BY e.id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, number);
  sqlite3_bind_int (stmt, 2, hd_person_is_staff (hd_store_get_me (self)));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, hd_ticket_event_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&events);
}

/* Update fields */

static void
diff_field (GArray     *diffs,
            const char *field,
            const char *current,
            const char *change)
{
  FieldChange fc = { field, NULL, NULL };

  if (change == NULL)
    return;
  if (g_strcmp0 (current != NULL ? current : "", change) == 0)
    return;

  fc.old_value = g_strdup (current);
  fc.new_value = g_strdup (change);
  g_array_append_val (diffs, fc);
}

static const char *
diff_value (GArray     *diffs,
            const char *field,
            const char *current)
{
  for (guint i = 0; i < diffs->len; i++)
    {
      FieldChange *fc = &g_array_index (diffs, FieldChange, i);

      if (g_str_equal (fc->field, field))
        return fc->new_value;
    }

  return current;
}

static GArray *
diff_ticket (HdTicket              *ticket,
             const char            *title,
             const HdTicketChanges *changes,
             char                 **lines)
{
  GArray *diffs = g_array_new (FALSE, TRUE, sizeof (FieldChange));

  g_array_set_clear_func (diffs, field_change_clear);
  diff_field (diffs, "title", hd_ticket_get_title (ticket), title);
  diff_field (diffs, "description", hd_ticket_get_description (ticket), changes->description);
  diff_field (diffs, "category", hd_ticket_get_category (ticket), lines[0]);
  diff_field (diffs, "department", hd_ticket_get_department (ticket), lines[1]);
  diff_field (diffs, "location", hd_ticket_get_location (ticket), lines[2]);
  if (changes->set_priority)
    diff_field (diffs, "priority",
                hd_enum_to_nick (HD_TYPE_PRIORITY, hd_ticket_get_priority (ticket)),
                hd_enum_to_nick (HD_TYPE_PRIORITY, changes->priority));

  return diffs;
}

static gboolean
write_fields (HdStore   *self,
              HdTicket  *ticket,
              HdPerson  *me,
              GArray    *diffs,
              GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare_update (self, ticket,
                         "title = ?4, description = ?5, category = ?6, department = ?7,"
                         " location = ?8, priority = ?9", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 4, diff_value (diffs, "title", hd_ticket_get_title (ticket)), -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, diff_value (diffs, "description",
                                          hd_ticket_get_description (ticket)), -1,
                     SQLITE_TRANSIENT);
  hd_bind_text_or_null (stmt, 6, diff_value (diffs, "category", hd_ticket_get_category (ticket)));
  hd_bind_text_or_null (stmt, 7, diff_value (diffs, "department",
                                             hd_ticket_get_department (ticket)));
  hd_bind_text_or_null (stmt, 8, diff_value (diffs, "location", hd_ticket_get_location (ticket)));
  sqlite3_bind_text (stmt, 9, diff_value (diffs, "priority",
                                          hd_enum_to_nick (HD_TYPE_PRIORITY,
                                                           hd_ticket_get_priority (ticket))),
                     -1, SQLITE_TRANSIENT);
  if (!run_update (self, stmt, ticket, error))
    return FALSE;

  for (guint i = 0; i < diffs->len; i++)
    {
      FieldChange *fc = &g_array_index (diffs, FieldChange, i);

      if (!insert_event (self, hd_ticket_get_number (ticket), me, HD_EVENT_FIELD, fc->field,
                         fc->old_value, fc->new_value, NULL, NULL, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
validate_changes (const HdTicketChanges  *changes,
                  const char             *title,
                  char                  **lines,
                  GError                **error)
{
  return (title == NULL ||
          hd_validate_line (_("The title"), title, HD_MAX_TITLE_CHARS, TRUE, error)) &&
         hd_validate_body (_("The description"), changes->description, FALSE, error) &&
         validate_draft_lines (lines[0], lines[1], lines[2], error) &&
         (!changes->set_priority || validate_priority (changes->priority, error));
}

/**
 * hd_store_update_ticket:
 * @if_version: the version the change is based on; 0 for the current one
 *
 * Changes a ticket's fields; one "field" history row per changed field.
 * Fields equal to what is stored are not a change and bump nothing.
 *
 * Returns: (transfer full): the ticket as now stored
 */
HdTicket *
hd_store_update_ticket (HdStore                *self,
                        gint64                  number,
                        gint64                  if_version,
                        const HdTicketChanges  *changes,
                        GError                **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GArray) diffs = NULL;
  g_autofree char *title = NULL;
  g_autofree char *category = NULL;
  g_autofree char *department = NULL;
  g_autofree char *location = NULL;
  char *lines[3];

  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (changes != NULL, NULL);

  title = normalize_line (changes->title);
  lines[0] = category = normalize_line (changes->category);
  lines[1] = department = normalize_line (changes->department);
  lines[2] = location = normalize_line (changes->location);
  if (!validate_changes (changes, title, lines, error))
    return NULL;

  ticket = begin_ticket_change (self, number, if_version, &me, error);
  if (ticket == NULL)
    return NULL;

  diffs = diff_ticket (ticket, title, changes, lines);
  if (diffs->len == 0)
    {
      hd_store_rollback (self);
      return g_steal_pointer (&ticket);
    }

  if (!hd_rules_check_edit (me, ticket, changes->set_priority &&
                                        changes->priority != hd_ticket_get_priority (ticket),
                            error) ||
      !write_fields (self, ticket, me, diffs, error))
    {
      hd_store_rollback (self);
      return NULL;
    }

  return finish_ticket_change (self, number, "updated", error);
}

/* Status */

static gboolean
record_status (HdStore   *self,
               HdTicket  *ticket,
               HdPerson  *me,
               HdStatus   status,
               GError   **error)
{
  return insert_event (self, hd_ticket_get_number (ticket), me, HD_EVENT_STATUS, "status",
                       hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (ticket)),
                       hd_enum_to_nick (HD_TYPE_STATUS, status), NULL, NULL, error);
}

/* Moves the row to @status and stamps resolved/closed times: resolving sets
 * resolved_at, reopening clears it, closing sets closed_at. */
static gboolean
write_status (HdStore   *self,
              HdTicket  *ticket,
              HdPerson  *me,
              HdStatus   status,
              GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare_update (self, ticket,
                         "status = ?4,"
                         " resolved_at = CASE WHEN ?4 = 'resolved' THEN ?1"
                         "                    WHEN ?4 IN ('open', 'pending', 'new') THEN NULL"
                         "                    ELSE resolved_at END,"
                         " closed_at = CASE WHEN ?4 = 'closed' THEN ?1 ELSE closed_at END",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 4, hd_enum_to_nick (HD_TYPE_STATUS, status), -1, SQLITE_STATIC);

  /* Resolving tells the requester by mail, in this transaction. */
  return run_update (self, stmt, ticket, error) &&
         record_status (self, ticket, me, status, error) &&
         (status != HD_STATUS_RESOLVED || hd_ticket_get_status (ticket) == HD_STATUS_RESOLVED ||
          hd_store_mail_resolved_locked (self, ticket, me, error));
}

/**
 * hd_store_set_ticket_status:
 * @if_version: the version the change is based on; 0 for the current one
 *
 * Returns: (transfer full): the ticket as now stored
 */
HdTicket *
hd_store_set_ticket_status (HdStore   *self,
                            gint64     number,
                            gint64     if_version,
                            HdStatus   status,
                            GError   **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdTicket) ticket = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (hd_enum_to_nick (HD_TYPE_STATUS, status) == NULL)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT, _("Unknown status %d."), status);
      return NULL;
    }

  ticket = begin_ticket_change (self, number, if_version, &me, error);
  if (ticket == NULL)
    return NULL;

  if (hd_ticket_get_status (ticket) == status)
    {
      hd_store_rollback (self);
      return g_steal_pointer (&ticket);
    }

  if (!hd_rules_check_status (me, ticket, status, error) ||
      !write_status (self, ticket, me, status, error))
    {
      hd_store_rollback (self);
      return NULL;
    }

  return finish_ticket_change (self, number, "status", error);
}

/* Assignment */

/* Assigning a new ticket opens it; unassigning an open one returns it to the
 * dispatcher's queue as new. Other statuses stay. */
static HdStatus
status_after_assign (HdTicket *ticket,
                     HdPerson *assignee)
{
  HdStatus status = hd_ticket_get_status (ticket);

  if (assignee != NULL && status == HD_STATUS_NEW)
    return HD_STATUS_OPEN;
  if (assignee == NULL && status == HD_STATUS_OPEN)
    return HD_STATUS_NEW;

  return status;
}

static gboolean
write_assignment (HdStore   *self,
                  HdTicket  *ticket,
                  HdPerson  *me,
                  HdPerson  *assignee,
                  GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  HdStatus status = status_after_assign (ticket, assignee);

  stmt = prepare_update (self, ticket, "assignee_id = ?4, status = ?5", error);
  if (stmt == NULL)
    return FALSE;

  if (assignee != NULL)
    sqlite3_bind_int64 (stmt, 4, hd_person_get_id (assignee));
  sqlite3_bind_text (stmt, 5, hd_enum_to_nick (HD_TYPE_STATUS, status), -1, SQLITE_STATIC);
  if (!run_update (self, stmt, ticket, error) ||
      !insert_event (self, hd_ticket_get_number (ticket), me, HD_EVENT_ASSIGNMENT, "assignee",
                     hd_ticket_get_assignee (ticket),
                     assignee != NULL ? hd_person_get_login (assignee) : NULL,
                     NULL, NULL, error) ||
      !hd_store_alert_assigned_locked (self, hd_ticket_get_number (ticket), assignee, me,
                                       error))
    return FALSE;

  if (status != hd_ticket_get_status (ticket))
    return record_status (self, ticket, me, status, error);

  return TRUE;
}

/**
 * hd_store_assign_ticket:
 * @assignee: (nullable): a technician's or dispatcher's login; %NULL to
 *   unassign
 * @if_version: the version the change is based on; 0 for the current one
 *
 * Returns: (transfer full): the ticket as now stored
 */
HdTicket *
hd_store_assign_ticket (HdStore     *self,
                        gint64       number,
                        gint64       if_version,
                        const char  *assignee,
                        GError     **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(HdTicket) ticket = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (assignee != NULL && !hd_validate_login (assignee, error))
    return NULL;

  ticket = begin_ticket_change (self, number, if_version, &me, error);
  if (ticket == NULL)
    return NULL;

  if (assignee != NULL)
    {
      person = hd_store_lookup_person (self, assignee, error);
      if (person == NULL)
        goto fail;
    }

  if (!hd_rules_check_assign (me, ticket, person, error))
    goto fail;

  if (g_strcmp0 (assignee, hd_ticket_get_assignee (ticket)) == 0)
    {
      hd_store_rollback (self);
      return g_steal_pointer (&ticket);
    }

  if (!write_assignment (self, ticket, me, person, error))
    goto fail;

  return finish_ticket_change (self, number, "assigned", error);

fail:
  hd_store_rollback (self);
  return NULL;
}

/* Comments */

/* A public reply from staff other than the requester is the first response;
 * a requester answering a pending ticket puts it back to open. Neither
 * bumps the version unless the status changes: a reply does not conflict
 * with someone editing the fields. */
static gboolean
write_comment_effects (HdStore   *self,
                       HdTicket  *ticket,
                       HdPerson  *me,
                       gboolean   internal,
                       GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean is_requester = g_strcmp0 (hd_person_get_login (me),
                                     hd_ticket_get_requester (ticket)) == 0;
  gboolean first_response = !internal && !is_requester && hd_person_is_staff (me) &&
                            hd_ticket_get_first_response_at (ticket) == 0;

  if (!internal && is_requester && hd_ticket_get_status (ticket) == HD_STATUS_PENDING)
    return write_status (self, ticket, me, HD_STATUS_OPEN, error);

  stmt = hd_store_prepare (self,
                           "UPDATE tickets SET updated_at = ?1,"
                           " first_response_at = CASE WHEN ?2 THEN ?1 ELSE first_response_at END"
                           " WHERE id = ?3", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, hd_store_now (self));
  sqlite3_bind_int (stmt, 2, first_response);
  sqlite3_bind_int64 (stmt, 3, hd_ticket_get_number (ticket));
  return hd_store_step_done (self, stmt, error);
}

static HdTicketEvent *
load_event (HdStore  *self,
            gint64    id,
            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self,
                           "SELECT " HD_EVENT_COLUMNS " FROM ticket_events e"
                           " JOIN people p ON p.id = e.actor_id WHERE e.id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return hd_ticket_event_new_from_row (stmt);

  hd_store_set_error_from_db (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
  return NULL;
}

/* Moves @ticket to @status as @actor inside the caller's write
 * transaction, if the rules let @actor; the caller refreshes the
 * deadlines and logs the change. */
gboolean
hd_store_set_status_locked (HdStore    *self,
                            HdTicket   *ticket,
                            HdPerson   *actor,
                            HdStatus    status,
                            GError    **error)
{
  return hd_rules_check_status (actor, ticket, status, error) &&
         write_status (self, ticket, actor, status, error);
}

/* Adds @actor's reply or note to @ticket inside the caller's write
 * transaction, after the caller checked that @actor may: the event, what
 * it does to the ticket (a requester's answer reopens a pending ticket;
 * staff's first reply is the first response), the deadlines and the
 * change_log row. The caller queues a public reply's mail
 * (hd_store_mail_reply_locked()) once the reply has its files. */
gboolean
hd_store_add_comment_locked (HdStore     *self,
                             HdTicket    *ticket,
                             HdPerson    *actor,
                             const char  *body,
                             gboolean     internal,
                             gint64      *event_id,
                             GError     **error)
{
  gint64 number = hd_ticket_get_number (ticket);

  return hd_validate_body (internal ? _("The note") : _("The reply"), body, TRUE, error) &&
         insert_event (self, number, actor, internal ? HD_EVENT_NOTE : HD_EVENT_REPLY, NULL,
                       NULL, NULL, body, event_id, error) &&
         write_comment_effects (self, ticket, actor, internal, error) &&
         hd_store_sla_refresh_ticket (self, number, error) &&
         hd_store_log_change (self, "tickets", number, "comment", error);
}

/**
 * hd_store_add_comment:
 * @internal: %TRUE for an internal note that requesters never see
 *
 * Adds a public reply or an internal note to the conversation.
 *
 * Returns: (transfer full): the new history entry
 */
HdTicketEvent *
hd_store_add_comment (HdStore     *self,
                      gint64       number,
                      const char  *body,
                      gboolean     internal,
                      GError     **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  gint64 event_id = 0;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!hd_validate_body (internal ? _("The note") : _("The reply"), body, TRUE, error))
    return NULL;

  ticket = begin_ticket_change (self, number, 0, &me, error);
  if (ticket == NULL)
    return NULL;

  /* A public reply by staff leaves by mail, in this transaction. */
  if (!hd_rules_check_comment (me, ticket, internal, error) ||
      !hd_store_add_comment_locked (self, ticket, me, body, internal, &event_id, error) ||
      (!internal && !hd_store_mail_reply_locked (self, ticket, me, body, event_id, NULL, error)))
    goto fail;

  event = load_event (self, event_id, error);
  if (event == NULL || !hd_store_commit (self, error))
    goto fail;

  return g_steal_pointer (&event);

fail:
  hd_store_rollback (self);
  return NULL;
}

/* Escalation */

/* An escalation is stored as a "field" event for the field "tier", from
 * the old tier to the new one (as text, like every old_value/new_value),
 * with the note that explains it as the event's body. ticket_events.kind
 * keeps its CHECK: no schema change is needed, and other tools that read
 * "field" events understand it. The note is written for the next tier, so
 * requesters see the move but not the note (hd_store_list_events() and the
 * search leave it out for them, as they do internal notes). */

/* Escalating takes the ticket away from an assignee below the new tier, so
 * that it turns up among the unassigned tickets for the next tier; someone
 * at that tier or above keeps it. Returning a ticket down keeps its
 * assignee. */
static gboolean
escalation_unassigns (HdStore    *self,
                      HdTicket   *ticket,
                      int         to_tier,
                      gboolean   *unassign,
                      GError    **error)
{
  g_autoptr(HdPerson) assignee = NULL;

  *unassign = FALSE;
  if (to_tier <= hd_ticket_get_tier (ticket) || hd_ticket_get_assignee (ticket) == NULL)
    return TRUE;

  assignee = hd_store_lookup_person (self, hd_ticket_get_assignee (ticket), error);
  if (assignee == NULL)
    return FALSE;

  *unassign = hd_person_get_tier (assignee) < to_tier;
  return TRUE;
}

/* The status stays as it is, even when the assignee is dropped: to the
 * requester the ticket is still being worked on, only by someone else. */
static gboolean
write_escalation (HdStore     *self,
                  HdTicket    *ticket,
                  HdPerson    *me,
                  int          to_tier,
                  const char  *note,
                  gboolean     unassign,
                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *old_tier = g_strdup_printf ("%d", hd_ticket_get_tier (ticket));
  g_autofree char *new_tier = g_strdup_printf ("%d", to_tier);

  stmt = prepare_update (self, ticket,
                         "tier = ?4, assignee_id = CASE WHEN ?5 THEN NULL ELSE assignee_id END",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 4, to_tier);
  sqlite3_bind_int (stmt, 5, unassign);
  if (!run_update (self, stmt, ticket, error) ||
      !insert_event (self, hd_ticket_get_number (ticket), me, HD_EVENT_FIELD, "tier", old_tier,
                     new_tier, note, NULL, error))
    return FALSE;

  if (unassign)
    return insert_event (self, hd_ticket_get_number (ticket), me, HD_EVENT_ASSIGNMENT, "assignee",
                         hd_ticket_get_assignee (ticket), NULL, NULL, NULL, error);

  return TRUE;
}

/**
 * hd_store_escalate_ticket:
 * @if_version: the version the change is based on; 0 for the current one
 * @to_tier: the ticket's tier plus one to escalate it, minus one to return
 *   it to the tier below
 * @note: why; required, checked like a reply
 *
 * Moves a ticket to the next tier up or down (see
 * hd_rules_check_escalate() for who may), in one transaction: the new tier,
 * a "field" history row for "tier" whose body is @note, and, when
 * escalating past the assignee's tier, an "assignment" row that unassigns
 * the ticket. The status does not change. The change_log kind is
 * "escalated".
 *
 * Returns: (transfer full): the ticket as now stored
 */
HdTicket *
hd_store_escalate_ticket (HdStore     *self,
                          gint64       number,
                          gint64       if_version,
                          int          to_tier,
                          const char  *note,
                          GError     **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  gboolean unassign = FALSE;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!hd_validate_body (_("The escalation note"), note, TRUE, error))
    return NULL;

  ticket = begin_ticket_change (self, number, if_version, &me, error);
  if (ticket == NULL)
    return NULL;

  if (!hd_rules_check_escalate (me, ticket, to_tier, error) ||
      !escalation_unassigns (self, ticket, to_tier, &unassign, error) ||
      !write_escalation (self, ticket, me, to_tier, note, unassign, error))
    {
      hd_store_rollback (self);
      return NULL;
    }

  return finish_ticket_change (self, number, "escalated", error);
}
