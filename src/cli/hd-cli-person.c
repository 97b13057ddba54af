/* hd-cli-person.c — helpdesk-cli person: the people of the helpdesk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-cli-common.h"
#include "hd-cli-output.h"
#include "hd-enum-types.h"

/* Commands: people */

static int
cmd_person_add (const HdCliCommand  *command,
                char               **args)
{
  g_autofree char *name = NULL, *email = NULL, *role = NULL;
  g_autofree char *department = NULL, *location = NULL, *tier_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gint64 tier = 0;
  int role_value = HD_ROLE_REQUESTER;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Full name (required)"), N_("NAME") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Email address"), N_("EMAIL") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      N_("requester (default), technician or dispatcher"), N_("ROLE") },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier_text, N_("Support tier 1–3 (technicians)"),
      N_("N") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Department"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Location"), N_("TEXT") },
    { NULL }
  };
  HdPersonDraft draft = { 0 };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--tier", tier_text, HD_TIER_MIN, HD_TIER_MAX, &tier,
                                   &status))
    return status;
  if (name == NULL)
    return hd_cli_usage_error (command, _("--name is required."));
  if (role != NULL && !hd_cli_parse_enum (command, HD_TYPE_ROLE, _("role"), role, &role_value, &status))
    return status;

  draft.login = positional[0];
  draft.name = name;
  draft.email = email;
  draft.role = role_value;
  draft.tier = (int) tier;
  draft.department = department;
  draft.location = location;

  store = hd_cli_open_store (&error);
  if (store == NULL || (person = hd_store_add_person (store, &draft, &error)) == NULL)
    return hd_cli_fail (error);

  g_print (_("Added %s (%s) as %s.\n"), hd_person_get_login (person), hd_person_get_name (person),
           hd_enum_to_nick (HD_TYPE_ROLE, hd_person_get_role (person)));
  return HD_CLI_EXIT_OK;
}

static int
cmd_person_update (const HdCliCommand  *command,
                   char               **args)
{
  g_autofree char *name = NULL, *email = NULL, *role = NULL, *active = NULL;
  g_autofree char *department = NULL, *location = NULL, *tier_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  HdPersonChanges changes = HD_PERSON_CHANGES_INIT;
  int role_value = HD_ROLE_REQUESTER;
  gint64 tier = 0;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Full name"), N_("NAME") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Email address (\"\" clears it)"),
      N_("EMAIL") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("requester, technician or dispatcher"),
      N_("ROLE") },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier_text, N_("Support tier 1–3"), N_("N") },
    { "active", 0, 0, G_OPTION_ARG_STRING, &active, N_("yes, or no to deactivate"),
      N_("yes|no") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Department"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Location"), N_("TEXT") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--tier", tier_text, HD_TIER_MIN, HD_TIER_MAX, &tier,
                                   &status))
    return status;
  if (role != NULL && !hd_cli_parse_enum (command, HD_TYPE_ROLE, _("role"), role, &role_value, &status))
    return status;
  if (active != NULL && g_strcmp0 (active, "yes") != 0 && g_strcmp0 (active, "no") != 0)
    return hd_cli_usage_error (command, _("--active takes yes or no."));

  changes.name = name;
  changes.email = email;
  changes.department = department;
  changes.location = location;
  changes.set_role = role != NULL;
  changes.role = role_value;
  changes.tier = (int) tier;
  changes.active = active == NULL ? -1 : g_strcmp0 (active, "yes") == 0;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (person = hd_store_update_person (store, positional[0], &changes, &error)) == NULL)
    return hd_cli_fail (error);

  g_print (_("Updated %s.\n"), hd_person_get_login (person));
  return HD_CLI_EXIT_OK;
}

static int
cmd_person_list (const HdCliCommand  *command,
                 char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL || (people = hd_store_list_people (store, &error)) == NULL)
    return hd_cli_fail (error);

  hd_cli_print_people (people, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return HD_CLI_EXIT_OK;
}

/* One line per kind of record moved, only those there were. */
static void
print_merge (const char          *keep,
             const char          *remove,
             const HdPersonMerge *moved)
{
  const struct { guint n; const char *what; } lines[] = {
    { moved->requested, N_("Tickets asked for") },
    { moved->assigned, N_("Tickets assigned") },
    { moved->events, N_("History entries (replies, notes, changes)") },
    { moved->participating, N_("Tickets taken part in") },
    { moved->messages, N_("Mail messages received") },
    { moved->articles, N_("Knowledge-base articles and revisions") },
    { moved->alerts, N_("Alerts") },
    { moved->addresses, N_("Further addresses") },
  };

  g_print (_("Merged %s into %s; %s is deleted.\n"), remove, keep, remove);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    if (lines[i].n > 0)
      g_print ("  %s: %u\n", _(lines[i].what), lines[i].n);
  if (moved->address != NULL)
    g_print (_("Mail from %s now reaches %s.\n"), moved->address, keep);
}

static int
cmd_person_merge (const HdCliCommand  *command,
                  char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_auto(HdPersonMerge) moved = { 0, };
  const GOptionEntry entries[] = { { NULL } };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 2, &positional, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      !hd_store_merge_people (store, positional[0], positional[1], &moved, &error))
    return hd_cli_fail (error);

  print_merge (positional[0], positional[1], &moved);
  return HD_CLI_EXIT_OK;
}

const HdCliCommand hd_cli_person_commands[] = {
  { "person", "add", "LOGIN", cmd_person_add, N_("Add someone to the helpdesk (dispatcher only).") },
  { "person", "update", "LOGIN", cmd_person_update,
    N_("Change someone’s details, role, tier or whether they are active (dispatcher only).") },
  { "person", "list", "", cmd_person_list, N_("List the people of the helpdesk.") },
  { "person", "merge", "KEEP REMOVE", cmd_person_merge,
    N_("Move everything of REMOVE — tickets, history, addresses — to KEEP and delete REMOVE, "
       "for two records of one person (dispatcher only).") },
  { NULL }
};
