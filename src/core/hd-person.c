/* hd-person.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-enum-types.h"
#include "hd-person.h"
#include "hd-store-private.h"

struct _HdPerson
{
  GObject parent_instance;

  gint64  id;
  char   *login;
  char   *name;
  char   *email;
  HdRole  role;
  int     tier;
  char   *department;
  char   *location;
  gboolean active;
};

G_DEFINE_FINAL_TYPE (HdPerson, hd_person, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_LOGIN,
  PROP_NAME,
  PROP_EMAIL,
  PROP_ROLE,
  PROP_TIER,
  PROP_DEPARTMENT,
  PROP_LOCATION,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hd_person_finalize (GObject *object)
{
  HdPerson *self = (HdPerson *) object;

  g_free (self->login);
  g_free (self->name);
  g_free (self->email);
  g_free (self->department);
  g_free (self->location);

  G_OBJECT_CLASS (hd_person_parent_class)->finalize (object);
}

static void
hd_person_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HdPerson *self = HD_PERSON (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_LOGIN: g_value_set_string (value, self->login); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_EMAIL: g_value_set_string (value, self->email); break;
    case PROP_ROLE: g_value_set_enum (value, self->role); break;
    case PROP_TIER: g_value_set_int (value, self->tier); break;
    case PROP_DEPARTMENT: g_value_set_string (value, self->department); break;
    case PROP_LOCATION: g_value_set_string (value, self->location); break;
    case PROP_ACTIVE: g_value_set_boolean (value, self->active); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_person_class_init (HdPersonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hd_person_finalize;
  object_class->get_property = hd_person_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LOGIN] = g_param_spec_string ("login", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, HD_TYPE_ROLE,
                                             HD_ROLE_REQUESTER, flags);
  properties[PROP_TIER] = g_param_spec_int ("tier", NULL, NULL, 0, HD_TIER_MAX, 0, flags);
  properties[PROP_DEPARTMENT] = g_param_spec_string ("department", NULL, NULL, NULL, flags);
  properties[PROP_LOCATION] = g_param_spec_string ("location", NULL, NULL, NULL, flags);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, TRUE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hd_person_init (HdPerson *self)
{
  self->active = TRUE;
}

/* Builds a person from a row selected with HD_PERSON_COLUMNS. */
HdPerson *
hd_person_new_from_row (sqlite3_stmt *stmt)
{
  HdPerson *self = g_object_new (HD_TYPE_PERSON, NULL);
  int role = HD_ROLE_REQUESTER;

  self->id = sqlite3_column_int64 (stmt, 0);
  self->login = g_strdup (hd_column_text (stmt, 1));
  self->name = g_strdup (hd_column_text (stmt, 2));
  self->email = g_strdup (hd_column_text (stmt, 3));
  hd_enum_from_nick (HD_TYPE_ROLE, hd_column_text (stmt, 4), &role);
  self->role = role;
  self->tier = sqlite3_column_int (stmt, 5);
  self->department = g_strdup (hd_column_text (stmt, 6));
  self->location = g_strdup (hd_column_text (stmt, 7));
  self->active = sqlite3_column_int (stmt, 8) != 0;

  return self;
}

/* The person behind a login that the file does not know yet and cannot
 * record (a read-only file): a requester with no row. */
HdPerson *
hd_person_new_unregistered (const char *login,
                            const char *name)
{
  HdPerson *self = g_object_new (HD_TYPE_PERSON, NULL);

  self->login = g_strdup (login);
  self->name = g_strdup (name);
  self->role = HD_ROLE_REQUESTER;

  return self;
}

gint64
hd_person_get_id (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), 0);
  return self->id;
}

const char *
hd_person_get_login (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), NULL);
  return self->login;
}

const char *
hd_person_get_name (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), NULL);
  return self->name;
}

const char *
hd_person_get_email (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), NULL);
  return self->email;
}

HdRole
hd_person_get_role (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), HD_ROLE_REQUESTER);
  return self->role;
}

int
hd_person_get_tier (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), 0);
  return self->tier;
}

const char *
hd_person_get_department (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), NULL);
  return self->department;
}

const char *
hd_person_get_location (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), NULL);
  return self->location;
}

gboolean
hd_person_get_active (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), FALSE);
  return self->active;
}

/* Technicians and dispatchers: the people who work tickets. */
gboolean
hd_person_is_staff (HdPerson *self)
{
  g_return_val_if_fail (HD_IS_PERSON (self), FALSE);
  return self->active && self->role != HD_ROLE_REQUESTER;
}
