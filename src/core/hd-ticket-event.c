/* hd-ticket-event.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-enum-types.h"
#include "hd-store-private.h"
#include "hd-ticket-event.h"

struct _HdTicketEvent
{
  GObject parent_instance;

  gint64       id;
  gint64       ticket;
  HdEventKind  kind;
  char        *actor;
  char        *actor_name;
  gint64       at;
  char        *field;
  char        *old_value;
  char        *new_value;
  char        *body;
};

G_DEFINE_FINAL_TYPE (HdTicketEvent, hd_ticket_event, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TICKET,
  PROP_KIND,
  PROP_ACTOR,
  PROP_ACTOR_NAME,
  PROP_AT,
  PROP_FIELD,
  PROP_OLD_VALUE,
  PROP_NEW_VALUE,
  PROP_BODY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hd_ticket_event_finalize (GObject *object)
{
  HdTicketEvent *self = (HdTicketEvent *) object;

  g_free (self->actor);
  g_free (self->actor_name);
  g_free (self->field);
  g_free (self->old_value);
  g_free (self->new_value);
  g_free (self->body);

  G_OBJECT_CLASS (hd_ticket_event_parent_class)->finalize (object);
}

static void
hd_ticket_event_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HdTicketEvent *self = HD_TICKET_EVENT (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_TICKET: g_value_set_int64 (value, self->ticket); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_ACTOR: g_value_set_string (value, self->actor); break;
    case PROP_ACTOR_NAME: g_value_set_string (value, self->actor_name); break;
    case PROP_AT: g_value_set_int64 (value, self->at); break;
    case PROP_FIELD: g_value_set_string (value, self->field); break;
    case PROP_OLD_VALUE: g_value_set_string (value, self->old_value); break;
    case PROP_NEW_VALUE: g_value_set_string (value, self->new_value); break;
    case PROP_BODY: g_value_set_string (value, self->body); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_ticket_event_class_init (HdTicketEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hd_ticket_event_finalize;
  object_class->get_property = hd_ticket_event_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TICKET] = g_param_spec_int64 ("ticket", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, HD_TYPE_EVENT_KIND,
                                             HD_EVENT_CREATED, flags);
  properties[PROP_ACTOR] = g_param_spec_string ("actor", NULL, NULL, NULL, flags);
  properties[PROP_ACTOR_NAME] = g_param_spec_string ("actor-name", NULL, NULL, NULL, flags);
  properties[PROP_AT] = g_param_spec_int64 ("at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FIELD] = g_param_spec_string ("field", NULL, NULL, NULL, flags);
  properties[PROP_OLD_VALUE] = g_param_spec_string ("old-value", NULL, NULL, NULL, flags);
  properties[PROP_NEW_VALUE] = g_param_spec_string ("new-value", NULL, NULL, NULL, flags);
  properties[PROP_BODY] = g_param_spec_string ("body", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hd_ticket_event_init (HdTicketEvent *self)
{
}

/* Builds an event from a row selected with HD_EVENT_COLUMNS. */
HdTicketEvent *
hd_ticket_event_new_from_row (sqlite3_stmt *stmt)
{
  HdTicketEvent *self = g_object_new (HD_TYPE_TICKET_EVENT, NULL);
  int kind = HD_EVENT_CREATED;

  self->id = sqlite3_column_int64 (stmt, 0);
  self->ticket = sqlite3_column_int64 (stmt, 1);
  hd_enum_from_nick (HD_TYPE_EVENT_KIND, hd_column_text (stmt, 2), &kind);
  self->kind = kind;
  self->actor = g_strdup (hd_column_text (stmt, 3));
  self->actor_name = g_strdup (hd_column_text (stmt, 4));
  self->at = sqlite3_column_int64 (stmt, 5);
  self->field = g_strdup (hd_column_text (stmt, 6));
  self->old_value = g_strdup (hd_column_text (stmt, 7));
  self->new_value = g_strdup (hd_column_text (stmt, 8));
  self->body = g_strdup (hd_column_text (stmt, 9));

  return self;
}

#define GETTER(type, field, fallback) \
  type hd_ticket_event_get_##field (HdTicketEvent *self) \
  { \
    g_return_val_if_fail (HD_IS_TICKET_EVENT (self), fallback); \
    return self->field; \
  }

GETTER (gint64, id, 0)
GETTER (gint64, ticket, 0)
GETTER (HdEventKind, kind, HD_EVENT_CREATED)
GETTER (const char *, actor, NULL)
GETTER (const char *, actor_name, NULL)
GETTER (gint64, at, 0)
GETTER (const char *, field, NULL)
GETTER (const char *, old_value, NULL)
GETTER (const char *, new_value, NULL)
GETTER (const char *, body, NULL)
