/* hd-enums.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-enums.h"

/* Referenced once and kept: our enums live as long as the program, and a
 * list of a million tickets reads two of them for each. */
static GEnumClass *
enum_class (GType type)
{
  gpointer klass = g_type_class_peek_static (type);

  return klass != NULL ? klass : g_type_class_ref (type);
}

/* Returns the nick of @value in the GEnum @type, or %NULL when @value is not
 * one of its members. The string is static. */
const char *
hd_enum_to_nick (GType type,
                 int   value)
{
  GEnumValue *ev = g_enum_get_value (enum_class (type), value);

  return ev != NULL ? ev->value_nick : NULL;
}

gboolean
hd_enum_from_nick (GType       type,
                   const char *nick,
                   int        *value)
{
  GEnumValue *ev;

  g_return_val_if_fail (value != NULL, FALSE);

  if (nick == NULL)
    return FALSE;

  ev = g_enum_get_value_by_nick (enum_class (type), nick);
  if (ev == NULL)
    return FALSE;

  *value = ev->value;
  return TRUE;
}

const char *
hd_status_to_label (HdStatus status)
{
  switch (status)
    {
    case HD_STATUS_NEW: return _("New");
    case HD_STATUS_OPEN: return _("Open");
    case HD_STATUS_PENDING: return _("Waiting on requester");
    case HD_STATUS_RESOLVED: return _("Resolved");
    case HD_STATUS_CLOSED: return _("Closed");
    default: g_return_val_if_reached (NULL);
    }
}

const char *
hd_priority_to_label (HdPriority priority)
{
  switch (priority)
    {
    case HD_PRIORITY_LOW: return _("Low");
    case HD_PRIORITY_NORMAL: return _("Normal");
    case HD_PRIORITY_HIGH: return _("High");
    case HD_PRIORITY_URGENT: return _("Urgent");
    default: g_return_val_if_reached (NULL);
    }
}

const char *
hd_role_to_label (HdRole role)
{
  switch (role)
    {
    case HD_ROLE_REQUESTER: return _("Requester");
    case HD_ROLE_TECHNICIAN: return _("Technician");
    case HD_ROLE_DISPATCHER: return _("Dispatcher");
    default: g_return_val_if_reached (NULL);
    }
}

const char *
hd_visibility_to_label (HdVisibility visibility)
{
  switch (visibility)
    {
    case HD_VISIBILITY_INTERNAL: return _("Internal");
    case HD_VISIBILITY_FAQ: return _("FAQ");
    default: g_return_val_if_reached (NULL);
    }
}
