/* hd-alert.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-alert.h"
#include "hd-enum-types.h"
#include "hd-store-private.h"

struct _HdAlert
{
  GObject parent_instance;

  gint64       id;
  HdAlertKind  kind;
  gint64       ticket_number;
  char        *ticket_title;
  gint64       deadline;
  char        *actor;
  char        *actor_name;
  gint64       created_at;
  gint64       delivered_at;
};

G_DEFINE_FINAL_TYPE (HdAlert, hd_alert, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_TICKET_NUMBER,
  PROP_TICKET_TITLE,
  PROP_DEADLINE,
  PROP_ACTOR,
  PROP_ACTOR_NAME,
  PROP_CREATED_AT,
  PROP_DELIVERED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hd_alert_finalize (GObject *object)
{
  HdAlert *self = (HdAlert *) object;

  g_free (self->ticket_title);
  g_free (self->actor);
  g_free (self->actor_name);

  G_OBJECT_CLASS (hd_alert_parent_class)->finalize (object);
}

static void
hd_alert_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  HdAlert *self = HD_ALERT (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_TICKET_NUMBER: g_value_set_int64 (value, self->ticket_number); break;
    case PROP_TICKET_TITLE: g_value_set_string (value, self->ticket_title); break;
    case PROP_DEADLINE: g_value_set_int64 (value, self->deadline); break;
    case PROP_ACTOR: g_value_set_string (value, self->actor); break;
    case PROP_ACTOR_NAME: g_value_set_string (value, self->actor_name); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case PROP_DELIVERED_AT: g_value_set_int64 (value, self->delivered_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
int64_param (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_param (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
hd_alert_class_init (HdAlertClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hd_alert_finalize;
  object_class->get_property = hd_alert_get_property;

  properties[PROP_ID] = int64_param ("id");
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, HD_TYPE_ALERT_KIND,
                                             HD_ALERT_ASSIGNED,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TICKET_NUMBER] = int64_param ("ticket-number");
  properties[PROP_TICKET_TITLE] = string_param ("ticket-title");
  properties[PROP_DEADLINE] = int64_param ("deadline");
  properties[PROP_ACTOR] = string_param ("actor");
  properties[PROP_ACTOR_NAME] = string_param ("actor-name");
  properties[PROP_CREATED_AT] = int64_param ("created-at");
  properties[PROP_DELIVERED_AT] = int64_param ("delivered-at");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hd_alert_init (HdAlert *self)
{
}

/* Builds an alert from a row selected with HD_ALERT_COLUMNS. */
HdAlert *
hd_alert_new_from_row (sqlite3_stmt *stmt)
{
  HdAlert *self = g_object_new (HD_TYPE_ALERT, NULL);
  int kind = HD_ALERT_ASSIGNED;

  self->id = sqlite3_column_int64 (stmt, 0);
  hd_enum_from_nick (HD_TYPE_ALERT_KIND, hd_column_text (stmt, 1), &kind);
  self->kind = kind;
  self->ticket_number = sqlite3_column_int64 (stmt, 2);
  self->ticket_title = g_strdup (hd_column_text (stmt, 3));
  self->deadline = sqlite3_column_int64 (stmt, 4);
  self->actor = g_strdup (hd_column_text (stmt, 5));
  self->actor_name = g_strdup (hd_column_text (stmt, 6));
  self->created_at = sqlite3_column_int64 (stmt, 7);
  self->delivered_at = sqlite3_column_int64 (stmt, 8);

  return self;
}

/* For take: the moment this desktop marked it delivered. */
void
hd_alert_set_delivered_at (HdAlert *self,
                           gint64   delivered_at)
{
  self->delivered_at = delivered_at;
}

#define GETTER(type, field, fallback) \
  type hd_alert_get_##field (HdAlert *self) \
  { \
    g_return_val_if_fail (HD_IS_ALERT (self), fallback); \
    return self->field; \
  }

/**
 * hd_alert_get_deadline:
 *
 * Returns: for an assignment, when it was made; for an SLA warning or
 *   breach, the deadline (µs since the epoch) it is about
 */

/**
 * hd_alert_get_actor:
 *
 * Returns: (nullable): the login of who made the assignment; %NULL for SLA
 *   alerts, which nobody caused
 */

/**
 * hd_alert_get_delivered_at:
 *
 * Returns: when a desktop of the recipient took it (hd_store_take_alerts()),
 *   0 while nobody has
 */
GETTER (gint64, id, 0)
GETTER (HdAlertKind, kind, HD_ALERT_ASSIGNED)
GETTER (gint64, ticket_number, 0)
GETTER (const char *, ticket_title, NULL)
GETTER (gint64, deadline, 0)
GETTER (const char *, actor, NULL)
GETTER (const char *, actor_name, NULL)
GETTER (gint64, created_at, 0)
GETTER (gint64, delivered_at, 0)

/**
 * hd_alert_kind_to_label:
 *
 * Returns: what the kind is called, for people: “Assigned to you”,
 *   “Deadline near”, “Deadline missed”, “New ticket”
 */
const char *
hd_alert_kind_to_label (HdAlertKind kind)
{
  switch (kind)
    {
    case HD_ALERT_ASSIGNED: return _("Assigned to you");
    case HD_ALERT_SLA_WARNING: return _("Deadline near");
    case HD_ALERT_SLA_BREACH: return _("Deadline missed");
    case HD_ALERT_NEW_TICKET: return _("New ticket");
    default: g_return_val_if_reached (NULL);
    }
}

/**
 * hd_alert_dup_summary:
 *
 * Returns: (transfer full): one line for people, such as “Ticket #12
 *   “Printer jams” was assigned to you by Dana”. The title is as typed:
 *   escape it before using the line as markup (a notification body).
 */
char *
hd_alert_dup_summary (HdAlert *self)
{
  g_return_val_if_fail (HD_IS_ALERT (self), NULL);

  switch (self->kind)
    {
    case HD_ALERT_ASSIGNED:
      if (self->actor_name != NULL)
        return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " “%s” was assigned to you by %s"),
                                self->ticket_number, self->ticket_title, self->actor_name);
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " “%s” was assigned to you"),
                              self->ticket_number, self->ticket_title);
    case HD_ALERT_SLA_WARNING:
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " “%s” is at risk of missing its deadline"),
                              self->ticket_number, self->ticket_title);
    case HD_ALERT_SLA_BREACH:
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " “%s” missed its deadline"),
                              self->ticket_number, self->ticket_title);
    case HD_ALERT_NEW_TICKET:
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " “%s” was filed"),
                              self->ticket_number, self->ticket_title);
    default:
      g_return_val_if_reached (NULL);
    }
}
