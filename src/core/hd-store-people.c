/* hd-store-people.c — the people of a helpdesk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-enum-types.h"
#include "hd-rules.h"
#include "hd-store-private.h"

static gboolean
validate_details (const char  *name,
                  const char  *email,
                  const char  *department,
                  const char  *location,
                  GError     **error)
{
  return hd_validate_line (_("The name"), name, HD_MAX_LINE_CHARS, FALSE, error) &&
         hd_validate_email (email, error) &&
         hd_validate_line (_("The department"), department, HD_MAX_LINE_CHARS, FALSE, error) &&
         hd_validate_line (_("The location"), location, HD_MAX_LINE_CHARS, FALSE, error);
}

static gboolean
validate_role_tier (HdRole    role,
                    int       tier,
                    GError  **error)
{
  if (hd_enum_to_nick (HD_TYPE_ROLE, role) == NULL)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT, _("Unknown role %d."), role);
      return FALSE;
    }

  if (tier == 0)
    return TRUE;

  if (role == HD_ROLE_REQUESTER)
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                           _("Only technicians and dispatchers have a tier."));
      return FALSE;
    }

  return hd_validate_tier (tier, error);
}

static gint64
count_active_dispatchers (HdStore  *self,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self,
                           "SELECT count(*) FROM people WHERE role = 'dispatcher' AND active = 1",
                           error);
  if (stmt == NULL)
    return -1;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      hd_store_set_error_from_db (self, rc, error);
      return -1;
    }

  return sqlite3_column_int64 (stmt, 0);
}

/* Inside the write transaction: the dispatcher who acts. */
static HdPerson *
lock_dispatcher (HdStore  *self,
                 GError  **error)
{
  g_autoptr(HdPerson) me = NULL;

  if (!hd_store_begin_write (self, error))
    return NULL;

  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_manage_people (me, error))
    {
      hd_store_rollback (self);
      return NULL;
    }

  return g_steal_pointer (&me);
}

static HdPerson *
finish_person_change (HdStore     *self,
                      const char  *login,
                      const char  *kind,
                      GError     **error)
{
  g_autoptr(HdPerson) person = hd_store_lookup_person (self, login, error);

  if (person == NULL ||
      !hd_store_log_change (self, "people", hd_person_get_id (person), kind, error) ||
      !hd_store_commit (self, error))
    {
      hd_store_rollback (self);
      return NULL;
    }

  return g_steal_pointer (&person);
}

/**
 * hd_store_add_person:
 *
 * Adds someone to the helpdesk. Only the dispatcher may.
 *
 * Returns: (transfer full): the new person
 */
HdPerson *
hd_store_add_person (HdStore              *self,
                     const HdPersonDraft  *draft,
                     GError              **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdPerson) existing = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (draft != NULL, NULL);

  name = g_strstrip (g_strdup (draft->name != NULL ? draft->name : ""));
  if (!hd_validate_login (draft->login, error) ||
      !hd_validate_line (_("The name"), name, HD_MAX_LINE_CHARS, TRUE, error) ||
      !validate_details (name, draft->email, draft->department, draft->location, error) ||
      !validate_role_tier (draft->role, draft->tier, error))
    return NULL;

  me = lock_dispatcher (self, error);
  if (me == NULL)
    return NULL;

  existing = hd_store_lookup_person (self, draft->login, NULL);
  if (existing != NULL)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_EXISTS,
                   _("“%s” is already known to this helpdesk; change them with “person update”."),
                   draft->login);
      hd_store_rollback (self);
      return NULL;
    }

  stmt = hd_store_prepare (self,
                           "INSERT INTO people (login, name, email, role, tier, department,"
                           " location, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, draft->login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  hd_bind_text_or_null (stmt, 3, draft->email);
  sqlite3_bind_text (stmt, 4, hd_enum_to_nick (HD_TYPE_ROLE, draft->role), -1, SQLITE_STATIC);
  if (draft->role != HD_ROLE_REQUESTER)
    sqlite3_bind_int (stmt, 5, draft->tier != 0 ? draft->tier : HD_TIER_MIN);
  hd_bind_text_or_null (stmt, 6, draft->department);
  hd_bind_text_or_null (stmt, 7, draft->location);
  sqlite3_bind_int64 (stmt, 8, hd_store_now (self));
  if (!hd_store_step_done (self, stmt, error))
    goto fail;

  return finish_person_change (self, draft->login, "created", error);

fail:
  hd_store_rollback (self);
  return NULL;
}

static const char *
pick (const char *change,
      const char *current)
{
  return change != NULL ? change : current;
}

/* The last active dispatcher cannot be demoted or deactivated: nobody could
 * manage people any more. */
static gboolean
keeps_a_dispatcher (HdStore               *self,
                    HdPerson              *person,
                    const HdPersonChanges *changes,
                    GError               **error)
{
  gboolean loses = hd_person_get_role (person) == HD_ROLE_DISPATCHER &&
                   hd_person_get_active (person) &&
                   ((changes->set_role && changes->role != HD_ROLE_DISPATCHER) ||
                    changes->active == 0);
  gint64 count;

  if (!loses)
    return TRUE;

  count = count_active_dispatchers (self, error);
  if (count < 0)
    return FALSE;
  if (count > 1)
    return TRUE;

  g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                       _("This is the last active dispatcher; make someone else dispatcher first."));
  return FALSE;
}

/**
 * hd_store_update_person:
 *
 * Changes someone's details, role, tier or whether they are active. Only the
 * dispatcher may.
 *
 * Returns: (transfer full): the person as now stored
 */
HdPerson *
hd_store_update_person (HdStore                *self,
                        const char             *login,
                        const HdPersonChanges  *changes,
                        GError                **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *name = NULL;
  HdRole role;
  int tier;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (changes != NULL, NULL);

  if (changes->name != NULL)
    name = g_strstrip (g_strdup (changes->name));
  if ((name != NULL &&
       !hd_validate_line (_("The name"), name, HD_MAX_LINE_CHARS, TRUE, error)) ||
      !validate_details (name, changes->email, changes->department, changes->location, error) ||
      !validate_role_tier (changes->set_role ? changes->role : HD_ROLE_TECHNICIAN,
                           changes->tier, error))
    return NULL;

  me = lock_dispatcher (self, error);
  if (me == NULL)
    return NULL;

  person = hd_store_lookup_person (self, login, error);
  if (person == NULL || !keeps_a_dispatcher (self, person, changes, error))
    goto fail;

  role = changes->set_role ? changes->role : hd_person_get_role (person);
  tier = changes->tier != 0 ? changes->tier : MAX (hd_person_get_tier (person), HD_TIER_MIN);
  if (role == HD_ROLE_REQUESTER && changes->tier != 0)
    {
      validate_role_tier (role, changes->tier, error);
      goto fail;
    }

  stmt = hd_store_prepare (self,
                           "UPDATE people SET name = ?, email = ?, department = ?, location = ?,"
                           " role = ?, tier = ?, active = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, pick (name, hd_person_get_name (person)), -1, SQLITE_TRANSIENT);
  hd_bind_text_or_null (stmt, 2, pick (changes->email, hd_person_get_email (person)));
  hd_bind_text_or_null (stmt, 3, pick (changes->department, hd_person_get_department (person)));
  hd_bind_text_or_null (stmt, 4, pick (changes->location, hd_person_get_location (person)));
  sqlite3_bind_text (stmt, 5, hd_enum_to_nick (HD_TYPE_ROLE, role), -1, SQLITE_STATIC);
  if (role != HD_ROLE_REQUESTER)
    sqlite3_bind_int (stmt, 6, tier);
  sqlite3_bind_int (stmt, 7, changes->active >= 0 ? changes->active != 0
                                                  : hd_person_get_active (person));
  sqlite3_bind_int64 (stmt, 8, hd_person_get_id (person));
  if (!hd_store_step_done (self, stmt, error))
    goto fail;

  return finish_person_change (self, login, "updated", error);

fail:
  hd_store_rollback (self);
  return NULL;
}

/**
 * hd_store_find_person:
 *
 * Returns: (transfer full): the person with @login, or %NULL with
 *   %HD_ERROR_NOT_FOUND
 */
HdPerson *
hd_store_find_person (HdStore     *self,
                      const char  *login,
                      GError     **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  g_return_val_if_fail (login != NULL, NULL);

  return hd_store_lookup_person (self, login, error);
}

/**
 * hd_store_list_people:
 *
 * Returns: (transfer full) (element-type HdPerson): everyone, by name
 */
GPtrArray *
hd_store_list_people (HdStore  *self,
                      GError  **error)
{
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  stmt = hd_store_prepare (self,
                           "SELECT " HD_PERSON_COLUMNS " FROM people p"
                           " ORDER BY p.name COLLATE NOCASE, p.login", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (people, hd_person_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&people);
}
