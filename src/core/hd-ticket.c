/* hd-ticket.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-enum-types.h"
#include "hd-store-private.h"
#include "hd-ticket.h"

struct _HdTicket
{
  GObject parent_instance;

  gint64      number;
  char       *title;
  char       *description;
  HdStatus    status;
  HdPriority  priority;
  char       *category;
  char       *requester;
  char       *requester_name;
  char       *assignee;
  char       *assignee_name;
  int         tier;
  char       *department;
  char       *location;
  gint64      created_at;
  gint64      updated_at;
  gint64      first_response_at;
  gint64      resolved_at;
  gint64      closed_at;
  gint64      version;
  gint64      due_at;
  gint64      warn_at;
};

G_DEFINE_FINAL_TYPE (HdTicket, hd_ticket, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NUMBER,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_STATUS,
  PROP_PRIORITY,
  PROP_CATEGORY,
  PROP_REQUESTER,
  PROP_REQUESTER_NAME,
  PROP_ASSIGNEE,
  PROP_ASSIGNEE_NAME,
  PROP_TIER,
  PROP_DEPARTMENT,
  PROP_LOCATION,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_FIRST_RESPONSE_AT,
  PROP_RESOLVED_AT,
  PROP_CLOSED_AT,
  PROP_VERSION,
  PROP_DUE_AT,
  PROP_WARN_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_text (HdTicket *self)
{
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->requester, g_free);
  g_clear_pointer (&self->requester_name, g_free);
  g_clear_pointer (&self->assignee, g_free);
  g_clear_pointer (&self->assignee_name, g_free);
  g_clear_pointer (&self->department, g_free);
  g_clear_pointer (&self->location, g_free);
}

static void
hd_ticket_finalize (GObject *object)
{
  clear_text ((HdTicket *) object);

  G_OBJECT_CLASS (hd_ticket_parent_class)->finalize (object);
}

static void
hd_ticket_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HdTicket *self = HD_TICKET (object);

  switch (prop_id)
    {
    case PROP_NUMBER: g_value_set_int64 (value, self->number); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_STATUS: g_value_set_enum (value, self->status); break;
    case PROP_PRIORITY: g_value_set_enum (value, self->priority); break;
    case PROP_CATEGORY: g_value_set_string (value, self->category); break;
    case PROP_REQUESTER: g_value_set_string (value, self->requester); break;
    case PROP_REQUESTER_NAME: g_value_set_string (value, self->requester_name); break;
    case PROP_ASSIGNEE: g_value_set_string (value, self->assignee); break;
    case PROP_ASSIGNEE_NAME: g_value_set_string (value, self->assignee_name); break;
    case PROP_TIER: g_value_set_int (value, self->tier); break;
    case PROP_DEPARTMENT: g_value_set_string (value, self->department); break;
    case PROP_LOCATION: g_value_set_string (value, self->location); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case PROP_UPDATED_AT: g_value_set_int64 (value, self->updated_at); break;
    case PROP_FIRST_RESPONSE_AT: g_value_set_int64 (value, self->first_response_at); break;
    case PROP_RESOLVED_AT: g_value_set_int64 (value, self->resolved_at); break;
    case PROP_CLOSED_AT: g_value_set_int64 (value, self->closed_at); break;
    case PROP_VERSION: g_value_set_int64 (value, self->version); break;
    case PROP_DUE_AT: g_value_set_int64 (value, self->due_at); break;
    case PROP_WARN_AT: g_value_set_int64 (value, self->warn_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
time_param (const char *name)
{
  /* Microseconds since 1970 (UTC); 0 when the moment has not happened. */
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_param (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
hd_ticket_class_init (HdTicketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hd_ticket_finalize;
  object_class->get_property = hd_ticket_get_property;

  properties[PROP_NUMBER] = g_param_spec_int64 ("number", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TITLE] = string_param ("title");
  properties[PROP_DESCRIPTION] = string_param ("description");
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, HD_TYPE_STATUS,
                                               HD_STATUS_NEW, flags);
  properties[PROP_PRIORITY] = g_param_spec_enum ("priority", NULL, NULL, HD_TYPE_PRIORITY,
                                                 HD_PRIORITY_NORMAL, flags);
  properties[PROP_CATEGORY] = string_param ("category");
  properties[PROP_REQUESTER] = string_param ("requester");
  properties[PROP_REQUESTER_NAME] = string_param ("requester-name");
  properties[PROP_ASSIGNEE] = string_param ("assignee");
  properties[PROP_ASSIGNEE_NAME] = string_param ("assignee-name");
  properties[PROP_TIER] = g_param_spec_int ("tier", NULL, NULL, HD_TIER_MIN, HD_TIER_MAX,
                                            HD_TIER_MIN, flags);
  properties[PROP_DEPARTMENT] = string_param ("department");
  properties[PROP_LOCATION] = string_param ("location");
  properties[PROP_CREATED_AT] = time_param ("created-at");
  properties[PROP_UPDATED_AT] = time_param ("updated-at");
  properties[PROP_FIRST_RESPONSE_AT] = time_param ("first-response-at");
  properties[PROP_RESOLVED_AT] = time_param ("resolved-at");
  properties[PROP_CLOSED_AT] = time_param ("closed-at");
  properties[PROP_VERSION] = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* The running SLA clock's deadline and warning time; 0 when none (see
   * hd_ticket_get_due_at()). */
  properties[PROP_DUE_AT] = time_param ("due-at");
  properties[PROP_WARN_AT] = time_param ("warn-at");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hd_ticket_init (HdTicket *self)
{
  self->tier = HD_TIER_MIN;
  self->priority = HD_PRIORITY_NORMAL;
}

/* Builds a ticket from a row selected with HD_TICKET_COLUMNS. */
HdTicket *
hd_ticket_new_from_row (sqlite3_stmt *stmt)
{
  HdTicket *self = g_object_new (HD_TYPE_TICKET, NULL);

  hd_ticket_set_from_row (self, stmt);
  return self;
}

/* Drops the text of the row before, and reads the number, title, status
 * and priority: the first columns of HD_TICKET_COLUMNS and of
 * HD_TICKET_SUMMARY_COLUMNS, the status at @status_column and the
 * priority after it. */
static void
set_heading (HdTicket     *self,
             sqlite3_stmt *stmt,
             int           status_column)
{
  int status = HD_STATUS_NEW;
  int priority = HD_PRIORITY_NORMAL;

  clear_text (self);
  self->number = sqlite3_column_int64 (stmt, 0);
  self->title = g_strdup (hd_column_text (stmt, 1));
  hd_enum_from_nick (HD_TYPE_STATUS, hd_column_text (stmt, status_column), &status);
  self->status = status;
  hd_enum_from_nick (HD_TYPE_PRIORITY, hd_column_text (stmt, status_column + 1), &priority);
  self->priority = priority;
}

/* Makes @self the ticket of another row: a list read one ticket at a
 * time reuses one object (hd_store_foreach_ticket()). */
void
hd_ticket_set_from_row (HdTicket     *self,
                        sqlite3_stmt *stmt)
{
  set_heading (self, stmt, 3);
  self->description = g_strdup (hd_column_text (stmt, 2));
  self->category = g_strdup (hd_column_text (stmt, 5));
  self->requester = g_strdup (hd_column_text (stmt, 6));
  self->requester_name = g_strdup (hd_column_text (stmt, 7));
  self->assignee = g_strdup (hd_column_text (stmt, 8));
  self->assignee_name = g_strdup (hd_column_text (stmt, 9));
  self->tier = sqlite3_column_int (stmt, 10);
  self->department = g_strdup (hd_column_text (stmt, 11));
  self->location = g_strdup (hd_column_text (stmt, 12));
  self->created_at = sqlite3_column_int64 (stmt, 13);
  self->updated_at = sqlite3_column_int64 (stmt, 14);
  self->first_response_at = sqlite3_column_int64 (stmt, 15);
  self->resolved_at = sqlite3_column_int64 (stmt, 16);
  self->closed_at = sqlite3_column_int64 (stmt, 17);
  self->version = sqlite3_column_int64 (stmt, 18);
  self->due_at = sqlite3_column_int64 (stmt, 19);
  self->warn_at = sqlite3_column_int64 (stmt, 20);
}

/* Makes @self the summary of a row selected with HD_TICKET_SUMMARY_COLUMNS:
 * what a list shows, the rest empty. */
void
hd_ticket_set_summary_from_row (HdTicket     *self,
                                sqlite3_stmt *stmt)
{
  set_heading (self, stmt, 2);
  self->assignee = g_strdup (hd_column_text (stmt, 4));
  self->due_at = sqlite3_column_int64 (stmt, 5);
  self->warn_at = sqlite3_column_int64 (stmt, 6);
  self->tier = HD_TIER_MIN;
  self->created_at = self->updated_at = self->first_response_at = 0;
  self->resolved_at = self->closed_at = self->version = 0;
}

#define GETTER(type, field, fallback) \
  type hd_ticket_get_##field (HdTicket *self) \
  { \
    g_return_val_if_fail (HD_IS_TICKET (self), fallback); \
    return self->field; \
  }

GETTER (gint64, number, 0)
GETTER (const char *, title, NULL)
GETTER (const char *, description, NULL)
GETTER (HdStatus, status, HD_STATUS_NEW)
GETTER (HdPriority, priority, HD_PRIORITY_NORMAL)
GETTER (const char *, category, NULL)
GETTER (const char *, requester, NULL)
GETTER (const char *, requester_name, NULL)
GETTER (const char *, assignee, NULL)
GETTER (const char *, assignee_name, NULL)
GETTER (int, tier, HD_TIER_MIN)
GETTER (const char *, department, NULL)
GETTER (const char *, location, NULL)
GETTER (gint64, created_at, 0)
GETTER (gint64, updated_at, 0)
GETTER (gint64, first_response_at, 0)
GETTER (gint64, resolved_at, 0)
GETTER (gint64, closed_at, 0)
GETTER (gint64, version, 0)

/**
 * hd_ticket_get_due_at:
 *
 * Returns: the deadline of the SLA clock that runs now (first response
 *   until someone answered, then resolution; see
 *   hd_sla_result_get_current()), µs since the epoch; 0 while the ticket is
 *   pending, resolved or closed, or its policy sets no target. Use
 *   hd_store_get_sla() for the state of a stopped or paused clock.
 */
GETTER (gint64, due_at, 0)

/**
 * hd_ticket_get_warn_at:
 *
 * Returns: when that clock reaches its warning share (at risk); 0 when
 *   hd_ticket_get_due_at() is 0
 */
GETTER (gint64, warn_at, 0)

/**
 * hd_ticket_get_due_state:
 * @now: µs since the epoch
 *
 * What a Due column shows at @now, from the stored times alone:
 * %HD_SLA_BREACHED once due_at has passed, %HD_SLA_AT_RISK once warn_at
 * has, else %HD_SLA_OK; %HD_SLA_PAUSED while pending; %HD_SLA_NONE for a
 * ticket without a running clock (no target, resolved, closed).
 */
HdSlaDueState
hd_ticket_get_due_state (HdTicket *self,
                         gint64    now)
{
  g_return_val_if_fail (HD_IS_TICKET (self), HD_SLA_NONE);

  if (self->status == HD_STATUS_PENDING)
    return HD_SLA_PAUSED;
  if (self->due_at == 0)
    return HD_SLA_NONE;
  if (self->due_at <= now)
    return HD_SLA_BREACHED;
  if (self->warn_at != 0 && self->warn_at <= now)
    return HD_SLA_AT_RISK;
  return HD_SLA_OK;
}
