/* hd-assign-menu.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-assign-menu.h"

/**
 * hd_workload_load:
 *
 * Reads who can be assigned, how many open tickets each has and how many
 * of those are at risk or overdue now. Runs in a store job.
 *
 * Returns: (transfer full): the workload, or %NULL with @error set
 */
HdWorkload *
hd_workload_load (HdStore  *store,
                  GError  **error)
{
  g_autoptr(GPtrArray) people = hd_store_list_people (store, error);
  HdWorkload *workload;

  if (people == NULL)
    return NULL;

  workload = g_new0 (HdWorkload, 1);
  workload->staff = g_ptr_array_new_with_free_func (g_object_unref);
  workload->workload = g_array_new (FALSE, TRUE, sizeof (guint));
  workload->at_risk = g_array_new (FALSE, TRUE, sizeof (guint));
  for (guint i = 0; i < people->len; i++)
    {
      HdPerson *person = g_ptr_array_index (people, i);
      HdTicketFilter open = {
        .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) | HD_STATUS_MASK (HD_STATUS_OPEN) |
                       HD_STATUS_MASK (HD_STATUS_PENDING),
        .assignee = hd_person_get_login (person),
      };
      HdTicketFilter risky = {
        .status_mask = HD_STATUS_MASK (HD_STATUS_NEW) | HD_STATUS_MASK (HD_STATUS_OPEN),
        .assignee = hd_person_get_login (person),
        .at_risk = TRUE,
        .now = g_get_real_time (),
      };
      guint count = 0;
      guint at_risk = 0;

      if (!hd_person_is_staff (person) || !hd_person_get_active (person))
        continue;
      if (!hd_store_count_tickets (store, &open, &count, error) ||
          !hd_store_count_tickets (store, &risky, &at_risk, error))
        {
          hd_workload_free (workload);
          return NULL;
        }
      g_ptr_array_add (workload->staff, g_object_ref (person));
      g_array_append_val (workload->workload, count);
      g_array_append_val (workload->at_risk, at_risk);
    }

  return workload;
}

void
hd_workload_free (HdWorkload *workload)
{
  if (workload == NULL)
    return;

  g_ptr_array_unref (workload->staff);
  g_array_unref (workload->workload);
  g_array_unref (workload->at_risk);
  g_free (workload);
}

/**
 * hd_workload_describe:
 * @index: a person of @workload
 *
 * Returns: (transfer full): "Tina Tech (tier 2): 4 open, 1 at risk"
 */
char *
hd_workload_describe (HdWorkload *workload,
                      guint       index)
{
  HdPerson *person = g_ptr_array_index (workload->staff, index);
  g_autofree char *counts = hd_workload_describe_counts (workload, index);

  return g_strdup_printf (_("%s (tier %d): %s"), hd_person_get_name (person),
                          hd_person_get_tier (person), counts);
}

/**
 * hd_workload_equal:
 *
 * Returns: whether @a and @b show the same: the same people, named and
 *   tiered alike, with the same counts — nothing to rebuild
 */
gboolean
hd_workload_equal (HdWorkload *a,
                   HdWorkload *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->staff->len != b->staff->len)
    return FALSE;
  for (guint i = 0; i < a->staff->len; i++)
    {
      HdPerson *x = g_ptr_array_index (a->staff, i);
      HdPerson *y = g_ptr_array_index (b->staff, i);

      if (g_strcmp0 (hd_person_get_login (x), hd_person_get_login (y)) != 0 ||
          g_strcmp0 (hd_person_get_name (x), hd_person_get_name (y)) != 0 ||
          hd_person_get_role (x) != hd_person_get_role (y) ||
          hd_person_get_tier (x) != hd_person_get_tier (y) ||
          g_array_index (a->workload, guint, i) != g_array_index (b->workload, guint, i) ||
          g_array_index (a->at_risk, guint, i) != g_array_index (b->at_risk, guint, i))
        return FALSE;
    }
  return TRUE;
}

/**
 * hd_workload_describe_counts:
 *
 * Returns: (transfer full): "4 open, 1 at risk", or "4 open"
 */
char *
hd_workload_describe_counts (HdWorkload *workload,
                             guint       index)
{
  guint open = g_array_index (workload->workload, guint, index);
  guint at_risk = g_array_index (workload->at_risk, guint, index);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u open", "%u open",
                                                        open), open);

  if (at_risk == 0)
    return g_steal_pointer (&text);

  return g_strdup_printf (_("%s, %u at risk"), text, at_risk);
}

/**
 * hd_assign_menu_new:
 * @action: a detailed action taking the login as a string, "" to unassign
 *
 * One item per technician with how many open tickets each has — the
 * dispatcher's workload at a glance — and "Unassign".
 *
 * Returns: (transfer full): the menu
 */
GMenu *
hd_assign_menu_new (HdWorkload *workload,
                    const char *action)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) people = g_menu_new ();
  g_autoptr(GMenuItem) none = g_menu_item_new (_("Unassign"), NULL);

  for (guint i = 0; workload != NULL && i < workload->staff->len; i++)
    {
      HdPerson *person = g_ptr_array_index (workload->staff, i);
      g_autofree char *label = hd_workload_describe (workload, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, action, "s", hd_person_get_login (person));
      g_menu_append_item (people, item);
    }

  g_menu_append_section (menu, NULL, G_MENU_MODEL (people));
  g_menu_item_set_action_and_target (none, action, "s", "");
  g_menu_append_item (menu, none);
  return menu;
}
