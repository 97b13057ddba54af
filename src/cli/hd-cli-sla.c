/* hd-cli-sla.c — helpdesk-cli sla: deadlines, calendar and policies; and
 * alerts, which the deadlines raise
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-cli-common.h"
#include "hd-cli-output.h"
#include "hd-enum-types.h"

/* Commands: SLA */

static int
cmd_sla_show (const HdCliCommand  *command,
              char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdSlaPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean json = FALSE;
  gint64 number = 0;
  gint64 now;
  HdSlaResult result;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON: the state, due time, warning time, business seconds elapsed and target, both clocks and the explanation"),
      NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;

  /* One instant for the state and the words. */
  now = g_get_real_time ();
  store = hd_cli_open_store (&error);
  if (store == NULL ||
      !hd_store_get_sla (store, number, now, &result, &policy, &error) ||
      (lines = hd_store_explain_sla (store, number, now, &error)) == NULL)
    return hd_cli_fail (error);

  if (json)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(HdCliJson) writer = hd_cli_json_new (text);

      hd_cli_json_sla (writer, number, policy, &result, lines);
      hd_cli_print_json (text);
    }
  else
    {
      for (guint i = 0; lines[i] != NULL; i++)
        g_print ("%s\n", lines[i]);
    }

  return HD_CLI_EXIT_OK;
}

static int
cmd_sla_calendar (const HdCliCommand  *command,
                  char               **args)
{
  g_autofree char *text = NULL;
  g_autofree char *written = NULL;
  g_autofree char *described = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdCalendar) calendar = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING, &text,
      N_("Replace the calendar (dispatcher only), such as “tz Europe/Berlin; mon-fri 09:00-17:00; holidays 2026-12-24,2026-12-25”"),
      N_("TEXT") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;

  if (text != NULL)
    {
      calendar = hd_calendar_new_from_string (text, &error);
      if (calendar == NULL)
        return hd_cli_fail (error);

      store = hd_cli_open_store (&error);
      if (store == NULL || !hd_store_set_calendar (store, calendar, &error))
        return hd_cli_fail (error);
    }
  else
    {
      store = hd_cli_open_store (&error);
      if (store == NULL || (calendar = hd_store_get_calendar (store, &error)) == NULL)
        return hd_cli_fail (error);
    }

  /* The text form first: it is what --set reads back. */
  written = hd_calendar_to_string (calendar);
  described = hd_calendar_describe (calendar);
  g_print ("%s\n%s\n", written, described);
  return HD_CLI_EXIT_OK;
}

static gboolean
parse_target (const HdCliCommand *command,
              const char         *option,
              const char         *text,
              guint              *minutes,
              int                *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (hd_sla_parse_minutes (text, minutes, &error))
    return TRUE;

  message = g_strdup_printf ("%s: %s", option, error->message);
  *status = hd_cli_usage_error (command, message);
  return FALSE;
}

static int
cmd_sla_policy (const HdCliCommand  *command,
                char               **args)
{
  g_autofree char *category = NULL, *response = NULL, *resolve = NULL, *warn_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean json = FALSE;
  gint64 warn = HD_SLA_DEFAULT_WARN_PERCENT;
  const GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("set, delete: the policy of tickets in this category (default: the priority’s own)"),
      N_("TEXT") },
    { "response", 0, 0, G_OPTION_ARG_STRING, &response,
      N_("set: the first-response target in business time, such as 30min, 4h or 1h30; none for no target (required)"),
      N_("DURATION") },
    { "resolve", 0, 0, G_OPTION_ARG_STRING, &resolve,
      N_("set: the resolution target, likewise (required)"), N_("DURATION") },
    { "warn", 0, 0, G_OPTION_ARG_STRING, &warn_text,
      N_("set: warn at this share of a target, 1–99 % (default 75)"), N_("PERCENT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("list: print JSON"), NULL },
    { NULL }
  };
  const char *action = args[0] != NULL && args[0][0] != '-' ? args[0] : NULL;
  int priority = HD_PRIORITY_NORMAL;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, g_strcmp0 (action, "list") == 0 ? 1 : 2, &positional,
                     &status))
    return status;

  if (g_str_equal (positional[0], "list"))
    {
      g_autoptr(GPtrArray) rules = NULL;

      store = hd_cli_open_store (&error);
      if (store == NULL || (rules = hd_store_list_sla_rules (store, &error)) == NULL)
        return hd_cli_fail (error);

      hd_cli_print_sla_rules (rules, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
      return HD_CLI_EXIT_OK;
    }

  if (!g_str_equal (positional[0], "set") && !g_str_equal (positional[0], "delete"))
    return hd_cli_usage_error (command, _("Say list, set or delete."));
  if (!hd_cli_parse_enum (command, HD_TYPE_PRIORITY, _("priority"), positional[1], &priority, &status))
    return status;

  if (g_str_equal (positional[0], "delete"))
    {
      if (category == NULL)
        return hd_cli_usage_error (command, _("--category is required: only a category’s own policy can be deleted."));

      store = hd_cli_open_store (&error);
      if (store == NULL || !hd_store_delete_sla_rule (store, priority, category, &error))
        return hd_cli_fail (error);

      g_print (_("Deleted the policy for %s tickets in “%s”; they follow the %s policy again.\n"),
               positional[1], category, positional[1]);
      return HD_CLI_EXIT_OK;
    }
  else
    {
      g_autoptr(HdSlaPolicy) policy = NULL;
      guint response_minutes = 0, resolve_minutes = 0;

      if (response == NULL || resolve == NULL)
        return hd_cli_usage_error (command, _("--response and --resolve are required."));
      if (!parse_target (command, "--response", response, &response_minutes, &status) ||
          !parse_target (command, "--resolve", resolve, &resolve_minutes, &status) ||
          !hd_cli_parse_option_number (command, "--warn", warn_text, 1, 99, &warn, &status))
        return status;

      policy = hd_sla_policy_new (NULL, response_minutes, resolve_minutes, (guint) warn);
      store = hd_cli_open_store (&error);
      if (store == NULL || !hd_store_set_sla_rule (store, priority, category, policy, &error))
        return hd_cli_fail (error);

      if (category != NULL && category[0] != '\0')
        g_print (_("Set the policy for %s tickets in “%s”.\n"), positional[1], category);
      else
        g_print (_("Set the policy for %s tickets.\n"), positional[1]);
      return HD_CLI_EXIT_OK;
    }
}

static int
cmd_sla_recompute (const HdCliCommand  *command,
                   char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, NULL, args, 0, NULL, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL || !hd_store_recompute_due (store, &changed, &error))
    return hd_cli_fail (error);

  g_print (g_dngettext (GETTEXT_PACKAGE, "%u deadline changed.\n", "%u deadlines changed.\n",
                        changed), changed);
  return HD_CLI_EXIT_OK;
}

/* Commands: alerts */

static int
cmd_alerts (const HdCliCommand  *command,
            char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *limit_text = NULL;
  gboolean json = FALSE, all = FALSE;
  gint64 limit = 50;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Also the alerts a desktop has shown already"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("At most N alerts, newest first (default 50)"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status) ||
      !hd_cli_parse_option_number (command, "--limit", limit_text, 1, G_MAXINT, &limit, &status))
    return status;

  /* It may store alerts: like every change, only into a sound file. */
  store = hd_cli_open_store (&error);
  if (store == NULL)
    return hd_cli_fail (error);

  /* Whichever client runs computes the deadlines that passed; listing
   * marks nothing delivered, so the desktop still shows them. */
  if (hd_store_can_write (store) && !hd_store_raise_due_alerts (store, 0, NULL, &error))
    return hd_cli_fail (error);

  alerts = hd_store_list_alerts (store, !all, (guint) limit, &error);
  if (alerts == NULL)
    return hd_cli_fail (error);

  hd_cli_print_alerts (alerts, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return HD_CLI_EXIT_OK;
}

const HdCliCommand hd_cli_sla_commands[] = {
  { "sla", "show", "NUMBER", cmd_sla_show,
    N_("Explain a ticket’s SLA deadlines: policy, hours counted, pauses.") },
  { "sla", "calendar", "", cmd_sla_calendar,
    N_("Print the SLA calendar, or replace it with --set (dispatcher only).") },
  { "sla", "policy", "list | set PRIORITY | delete PRIORITY", cmd_sla_policy,
    N_("List the SLA policies, or set or delete one (dispatcher only).") },
  { "sla", "recompute", "", cmd_sla_recompute,
    N_("Recompute every open ticket’s deadline (after other tools changed the file).") },
  { NULL }
};

const HdCliCommand hd_cli_alerts_commands[] = {
  { NULL, "alerts", "", cmd_alerts,
    N_("List your alerts that no desktop has shown yet (--all: recent ones too).") },
  { NULL }
};
