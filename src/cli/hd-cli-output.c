/* hd-cli-output.c
 *
 * JSON keys and CSV columns are an interface that scripts rely on: add to
 * them, never rename. Times are ISO 8601 in UTC.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "hd-cli-output.h"
#include "hd-enum-types.h"

char *
hd_cli_format_time (gint64 usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (usec == 0)
    return NULL;

  dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static void
add_string (JsonBuilder *builder,
            const char  *key,
            const char  *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *key,
          gint64       usec)
{
  g_autofree char *text = hd_cli_format_time (usec);

  add_string (builder, key, text);
}

static void
add_int (JsonBuilder *builder,
         const char  *key,
         gint64       value)
{
  json_builder_set_member_name (builder, key);
  json_builder_add_int_value (builder, value);
}

JsonNode *
hd_cli_person_to_json (HdPerson *person)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int tier = hd_person_get_tier (person);

  json_builder_begin_object (builder);
  add_string (builder, "login", hd_person_get_login (person));
  add_string (builder, "name", hd_person_get_name (person));
  add_string (builder, "email", hd_person_get_email (person));
  add_string (builder, "role", hd_enum_to_nick (HD_TYPE_ROLE, hd_person_get_role (person)));
  json_builder_set_member_name (builder, "tier");
  if (tier > 0)
    json_builder_add_int_value (builder, tier);
  else
    json_builder_add_null_value (builder);
  add_string (builder, "department", hd_person_get_department (person));
  add_string (builder, "location", hd_person_get_location (person));
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, hd_person_get_active (person));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
add_event (JsonBuilder   *builder,
           HdTicketEvent *event)
{
  json_builder_begin_object (builder);
  add_string (builder, "kind",
              hd_enum_to_nick (HD_TYPE_EVENT_KIND, hd_ticket_event_get_kind (event)));
  add_string (builder, "actor", hd_ticket_event_get_actor (event));
  add_time (builder, "at", hd_ticket_event_get_at (event));
  if (hd_ticket_event_get_field (event) != NULL)
    {
      add_string (builder, "field", hd_ticket_event_get_field (event));
      add_string (builder, "from", hd_ticket_event_get_old_value (event));
      add_string (builder, "to", hd_ticket_event_get_new_value (event));
    }
  else if (hd_ticket_event_get_new_value (event) != NULL)
    add_string (builder, "title", hd_ticket_event_get_new_value (event));
  if (hd_ticket_event_get_body (event) != NULL)
    add_string (builder, "body", hd_ticket_event_get_body (event));
  json_builder_end_object (builder);
}

/* @events: (nullable): adds the "events" array when given */
JsonNode *
hd_cli_ticket_to_json (HdTicket  *ticket,
                       GPtrArray *events)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_int (builder, "number", hd_ticket_get_number (ticket));
  add_string (builder, "title", hd_ticket_get_title (ticket));
  add_string (builder, "description", hd_ticket_get_description (ticket));
  add_string (builder, "status", hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (ticket)));
  add_string (builder, "priority",
              hd_enum_to_nick (HD_TYPE_PRIORITY, hd_ticket_get_priority (ticket)));
  add_string (builder, "category", hd_ticket_get_category (ticket));
  add_string (builder, "requester", hd_ticket_get_requester (ticket));
  add_string (builder, "assignee", hd_ticket_get_assignee (ticket));
  add_int (builder, "tier", hd_ticket_get_tier (ticket));
  add_string (builder, "department", hd_ticket_get_department (ticket));
  add_string (builder, "location", hd_ticket_get_location (ticket));
  add_int (builder, "version", hd_ticket_get_version (ticket));
  add_time (builder, "created_at", hd_ticket_get_created_at (ticket));
  add_time (builder, "updated_at", hd_ticket_get_updated_at (ticket));
  add_time (builder, "first_response_at", hd_ticket_get_first_response_at (ticket));
  add_time (builder, "resolved_at", hd_ticket_get_resolved_at (ticket));
  add_time (builder, "closed_at", hd_ticket_get_closed_at (ticket));
  add_time (builder, "due_at", hd_ticket_get_due_at (ticket));
  add_time (builder, "warn_at", hd_ticket_get_warn_at (ticket));

  if (events != NULL)
    {
      json_builder_set_member_name (builder, "events");
      json_builder_begin_array (builder);
      for (guint i = 0; i < events->len; i++)
        add_event (builder, g_ptr_array_index (events, i));
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
hd_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* RFC 4180: quote every field that needs it, doubling quotes. */
static void
csv_field (GString    *line,
           const char *value,
           gboolean    last)
{
  if (value != NULL && strpbrk (value, ",\"\r\n") != NULL)
    {
      g_string_append_c (line, '"');
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (line, '"');
          g_string_append_c (line, *p);
        }
      g_string_append_c (line, '"');
    }
  else if (value != NULL)
    g_string_append (line, value);

  g_string_append (line, last ? "\r\n" : ",");
}

static void
print_tickets_csv (GPtrArray *tickets)
{
  static const char *columns[] = {
    "number", "title", "status", "priority", "category", "requester", "assignee", "tier",
    "department", "location", "version", "created_at", "updated_at", "due_at",
  };
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    csv_field (line, columns[c], c + 1 == G_N_ELEMENTS (columns));

  for (guint i = 0; i < tickets->len; i++)
    {
      HdTicket *t = g_ptr_array_index (tickets, i);
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, hd_ticket_get_number (t));
      g_autofree char *tier = g_strdup_printf ("%d", hd_ticket_get_tier (t));
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, hd_ticket_get_version (t));
      g_autofree char *created = hd_cli_format_time (hd_ticket_get_created_at (t));
      g_autofree char *updated = hd_cli_format_time (hd_ticket_get_updated_at (t));
      g_autofree char *due = hd_cli_format_time (hd_ticket_get_due_at (t));

      csv_field (line, number, FALSE);
      csv_field (line, hd_ticket_get_title (t), FALSE);
      csv_field (line, hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (t)), FALSE);
      csv_field (line, hd_enum_to_nick (HD_TYPE_PRIORITY, hd_ticket_get_priority (t)), FALSE);
      csv_field (line, hd_ticket_get_category (t), FALSE);
      csv_field (line, hd_ticket_get_requester (t), FALSE);
      csv_field (line, hd_ticket_get_assignee (t), FALSE);
      csv_field (line, tier, FALSE);
      csv_field (line, hd_ticket_get_department (t), FALSE);
      csv_field (line, hd_ticket_get_location (t), FALSE);
      csv_field (line, version, FALSE);
      csv_field (line, created, FALSE);
      csv_field (line, updated, FALSE);
      csv_field (line, due, TRUE);
    }

  fwrite (line->str, 1, line->len, stdout);
}

/* Pads @text with spaces to @width characters, cutting it with "…". */
static void
append_cell (GString    *line,
             const char *text,
             guint       width)
{
  glong len;

  text = text != NULL ? text : "-";
  len = g_utf8_strlen (text, -1);
  if ((guint) len > width)
    {
      const char *cut = g_utf8_offset_to_pointer (text, width - 1);

      g_string_append_len (line, text, cut - text);
      g_string_append (line, "…");
    }
  else
    {
      g_string_append (line, text);
      for (guint i = len; i < width; i++)
        g_string_append_c (line, ' ');
    }
  g_string_append (line, "  ");
}

/* The deadline in UTC like every time the tool prints, with "!" when at
 * risk and "!!" when breached: "2026-11-24 09:00 !" */
char *
hd_cli_format_due (HdTicket *ticket,
                   gint64    now)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  if (hd_ticket_get_due_at (ticket) == 0)
    return NULL;

  dt = g_date_time_new_from_unix_utc (hd_ticket_get_due_at (ticket) / G_USEC_PER_SEC);
  if (dt == NULL)
    return NULL;
  text = g_date_time_format (dt, "%Y-%m-%d %H:%M");

  switch (hd_ticket_get_due_state (ticket, now))
    {
    case HD_SLA_BREACHED: return g_strconcat (text, " !!", NULL);
    case HD_SLA_AT_RISK: return g_strconcat (text, " !", NULL);
    case HD_SLA_NONE:
    case HD_SLA_OK:
    case HD_SLA_MET:
    case HD_SLA_PAUSED:
    default: return g_steal_pointer (&text);
    }
}

static void
print_tickets_text (GPtrArray *tickets)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gint64 now = g_get_real_time ();

  if (tickets->len == 0)
    {
      g_printerr ("%s\n", _("No tickets."));
      return;
    }

  g_string_append_printf (out, "%-7s  ", _("NUMBER"));
  append_cell (out, _("STATUS"), 8);
  append_cell (out, _("PRIORITY"), 8);
  append_cell (out, _("ASSIGNEE"), 12);
  append_cell (out, _("DUE"), 20);
  g_string_append_printf (out, "%s\n", _("TITLE"));

  for (guint i = 0; i < tickets->len; i++)
    {
      HdTicket *t = g_ptr_array_index (tickets, i);
      g_autofree char *due = hd_cli_format_due (t, now);

      g_string_append_printf (out, "#%-6" G_GINT64_FORMAT "  ", hd_ticket_get_number (t));
      append_cell (out, hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (t)), 8);
      append_cell (out, hd_enum_to_nick (HD_TYPE_PRIORITY, hd_ticket_get_priority (t)), 8);
      append_cell (out, hd_ticket_get_assignee (t), 12);
      append_cell (out, due, 20);
      g_string_append_printf (out, "%s\n", hd_ticket_get_title (t));
    }

  fwrite (out->str, 1, out->len, stdout);
}

void
hd_cli_print_tickets (GPtrArray   *tickets,
                      HdCliFormat  format)
{
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonNode) node = NULL;

  switch (format)
    {
    case HD_CLI_FORMAT_JSON:
      array = json_array_new ();
      for (guint i = 0; i < tickets->len; i++)
        json_array_add_element (array, hd_cli_ticket_to_json (g_ptr_array_index (tickets, i),
                                                              NULL));
      node = json_node_init_array (json_node_alloc (), array);
      hd_cli_print_json (node);
      break;
    case HD_CLI_FORMAT_CSV:
      print_tickets_csv (tickets);
      break;
    case HD_CLI_FORMAT_TEXT:
    default:
      print_tickets_text (tickets);
      break;
    }
}

void
hd_cli_print_people (GPtrArray   *people,
                     HdCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == HD_CLI_FORMAT_JSON)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < people->len; i++)
        json_array_add_element (array, hd_cli_person_to_json (g_ptr_array_index (people, i)));
      node = json_node_init_array (json_node_alloc (), array);
      hd_cli_print_json (node);
      return;
    }

  append_cell (out, _("LOGIN"), 16);
  append_cell (out, _("ROLE"), 10);
  append_cell (out, _("TIER"), 4);
  g_string_append_printf (out, "%s\n", _("NAME"));
  for (guint i = 0; i < people->len; i++)
    {
      HdPerson *p = g_ptr_array_index (people, i);
      g_autofree char *tier = hd_person_get_tier (p) > 0
                                ? g_strdup_printf ("%d", hd_person_get_tier (p)) : NULL;

      append_cell (out, hd_person_get_login (p), 16);
      append_cell (out, hd_enum_to_nick (HD_TYPE_ROLE, hd_person_get_role (p)), 10);
      append_cell (out, tier, 4);
      g_string_append (out, hd_person_get_name (p));
      if (!hd_person_get_active (p))
        g_string_append_printf (out, " (%s)", _("inactive"));
      g_string_append_c (out, '\n');
    }

  fwrite (out->str, 1, out->len, stdout);
}

static void
print_field (const char *label,
             const char *value)
{
  if (value != NULL && value[0] != '\0')
    g_print ("%-14s %s\n", label, value);
}

/* A move between tiers is a "field" event for "tier" whose body is the
 * note (see hd_store_escalate_ticket()); requesters get it without one. */
static gboolean
print_tier_event (HdTicketEvent *e,
                  const char    *at,
                  const char    *who)
{
  const char *from = hd_ticket_event_get_old_value (e);
  const char *to = hd_ticket_event_get_new_value (e);
  const char *note = hd_ticket_event_get_body (e);
  gint64 from_tier = 0, to_tier = 0;

  if (g_strcmp0 (hd_ticket_event_get_field (e), "tier") != 0 ||
      from == NULL || to == NULL ||
      !g_ascii_string_to_signed (from, 10, HD_TIER_MIN, HD_TIER_MAX, &from_tier, NULL) ||
      !g_ascii_string_to_signed (to, 10, HD_TIER_MIN, HD_TIER_MAX, &to_tier, NULL))
    return FALSE;

  if (to_tier > from_tier && note != NULL)
    g_print (_("%s  %s escalated the ticket from tier %d to tier %d:\n%s\n"), at, who,
             (int) from_tier, (int) to_tier, note);
  else if (to_tier > from_tier)
    g_print (_("%s  %s escalated the ticket from tier %d to tier %d\n"), at, who,
             (int) from_tier, (int) to_tier);
  else if (note != NULL)
    g_print (_("%s  %s returned the ticket from tier %d to tier %d:\n%s\n"), at, who,
             (int) from_tier, (int) to_tier, note);
  else
    g_print (_("%s  %s returned the ticket from tier %d to tier %d\n"), at, who,
             (int) from_tier, (int) to_tier);
  return TRUE;
}

static void
print_event (HdTicketEvent *e)
{
  g_autofree char *at = hd_cli_format_time (hd_ticket_event_get_at (e));
  const char *who = hd_ticket_event_get_actor (e);

  switch (hd_ticket_event_get_kind (e))
    {
    case HD_EVENT_CREATED:
      g_print (_("%s  %s created the ticket\n"), at, who);
      break;
    case HD_EVENT_REPLY:
      g_print (_("%s  %s replied:\n%s\n"), at, who, hd_ticket_event_get_body (e));
      break;
    case HD_EVENT_NOTE:
      g_print (_("%s  %s wrote an internal note:\n%s\n"), at, who, hd_ticket_event_get_body (e));
      break;
    case HD_EVENT_FIELD:
      if (print_tier_event (e, at, who))
        break;
      G_GNUC_FALLTHROUGH;
    case HD_EVENT_STATUS:
    case HD_EVENT_ASSIGNMENT:
    default:
      g_print (_("%s  %s changed %s: %s → %s\n"), at, who, hd_ticket_event_get_field (e),
               hd_ticket_event_get_old_value (e) ? hd_ticket_event_get_old_value (e) : "-",
               hd_ticket_event_get_new_value (e) ? hd_ticket_event_get_new_value (e) : "-");
      break;
    }
}

void
hd_cli_print_ticket (HdTicket  *t,
                     GPtrArray *events)
{
  g_autofree char *created = hd_cli_format_time (hd_ticket_get_created_at (t));
  g_autofree char *updated = hd_cli_format_time (hd_ticket_get_updated_at (t));
  g_autofree char *tier = g_strdup_printf ("%d", hd_ticket_get_tier (t));
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, hd_ticket_get_version (t));
  g_autofree char *due = hd_cli_format_due (t, g_get_real_time ());

  g_print ("#%" G_GINT64_FORMAT "  %s\n\n", hd_ticket_get_number (t), hd_ticket_get_title (t));
  print_field (_("Status:"), hd_status_to_label (hd_ticket_get_status (t)));
  print_field (_("Priority:"), hd_priority_to_label (hd_ticket_get_priority (t)));
  print_field (_("Requester:"), hd_ticket_get_requester (t));
  print_field (_("Assignee:"), hd_ticket_get_assignee (t));
  print_field (_("Tier:"), tier);
  print_field (_("Category:"), hd_ticket_get_category (t));
  print_field (_("Department:"), hd_ticket_get_department (t));
  print_field (_("Location:"), hd_ticket_get_location (t));
  print_field (_("Created:"), created);
  print_field (_("Updated:"), updated);
  print_field (_("Due:"), due);
  print_field (_("Version:"), version);

  if (hd_ticket_get_description (t)[0] != '\0')
    g_print ("\n%s\n", hd_ticket_get_description (t));

  g_print ("\n%s\n", _("History:"));
  for (guint i = 0; i < events->len; i++)
    print_event (g_ptr_array_index (events, i));
}

/* SLA and alerts */

const char *
hd_cli_due_state_nick (HdSlaDueState state)
{
  switch (state)
    {
    case HD_SLA_OK: return "ok";
    case HD_SLA_AT_RISK: return "at-risk";
    case HD_SLA_BREACHED: return "breached";
    case HD_SLA_MET: return "met";
    case HD_SLA_PAUSED: return "paused";
    case HD_SLA_NONE:
    default: return "none";
    }
}

static void
add_instant (JsonBuilder *builder,
             const char  *key,
             gint64       usec)
{
  add_time (builder, key, usec == HD_CALENDAR_NEVER ? 0 : usec);
}

static void
add_clock (JsonBuilder      *builder,
           const char       *key,
           const HdSlaState *state)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_object (builder);
  add_string (builder, "state", hd_cli_due_state_nick (state->state));
  add_instant (builder, "due", state->due);
  add_instant (builder, "warn_at", state->warn_at);
  add_int (builder, "elapsed", state->elapsed);
  add_int (builder, "target", state->target);
  add_int (builder, "paused", state->paused);
  add_time (builder, "stopped", state->stopped);
  json_builder_end_object (builder);
}

/* The clock a list shows at the top level ("state", "due", "warn_at",
 * "elapsed" and "target" in seconds of business time), then both clocks
 * and the explanation. */
JsonNode *
hd_cli_sla_to_json (gint64              number,
                    const HdSlaPolicy  *policy,
                    const HdSlaResult  *result,
                    char              **lines)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const HdSlaState *current = hd_sla_result_get_current (result);

  json_builder_begin_object (builder);
  add_int (builder, "number", number);
  add_string (builder, "policy", policy->name);
  add_string (builder, "clock", current == &result->response ? "first-response" : "resolution");
  add_string (builder, "state", hd_cli_due_state_nick (current->state));
  add_instant (builder, "due", current->due);
  add_instant (builder, "warn_at", current->warn_at);
  add_int (builder, "elapsed", current->elapsed);
  add_int (builder, "target", current->target);
  add_clock (builder, "first_response", &result->response);
  add_clock (builder, "resolution", &result->resolution);
  json_builder_set_member_name (builder, "explanation");
  json_builder_begin_array (builder);
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    json_builder_add_string_value (builder, lines[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
alert_to_json (HdAlert *alert)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_int (builder, "id", hd_alert_get_id (alert));
  add_string (builder, "kind", hd_enum_to_nick (HD_TYPE_ALERT_KIND, hd_alert_get_kind (alert)));
  add_int (builder, "ticket", hd_alert_get_ticket_number (alert));
  add_string (builder, "title", hd_alert_get_ticket_title (alert));
  add_time (builder, "deadline", hd_alert_get_deadline (alert));
  add_string (builder, "actor", hd_alert_get_actor (alert));
  add_time (builder, "created_at", hd_alert_get_created_at (alert));
  add_time (builder, "delivered_at", hd_alert_get_delivered_at (alert));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
hd_cli_print_alerts (GPtrArray   *alerts,
                     HdCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == HD_CLI_FORMAT_JSON)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < alerts->len; i++)
        json_array_add_element (array, alert_to_json (g_ptr_array_index (alerts, i)));
      node = json_node_init_array (json_node_alloc (), array);
      hd_cli_print_json (node);
      return;
    }

  if (alerts->len == 0)
    {
      g_printerr ("%s\n", _("No alerts."));
      return;
    }

  for (guint i = 0; i < alerts->len; i++)
    {
      HdAlert *alert = g_ptr_array_index (alerts, i);
      g_autofree char *at = hd_cli_format_time (hd_alert_get_created_at (alert));
      g_autofree char *summary = hd_alert_dup_summary (alert);

      g_string_append_printf (out, "%s  %s%s\n", at, summary,
                              hd_alert_get_delivered_at (alert) == 0 ? " *" : "");
    }

  fwrite (out->str, 1, out->len, stdout);
}

void
hd_cli_print_sla_rules (GPtrArray   *rules,
                        HdCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == HD_CLI_FORMAT_JSON)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < rules->len; i++)
        {
          HdSlaRule *rule = g_ptr_array_index (rules, i);

          json_builder_begin_object (builder);
          add_string (builder, "priority", hd_enum_to_nick (HD_TYPE_PRIORITY, rule->priority));
          add_string (builder, "category", rule->category[0] != '\0' ? rule->category : NULL);
          add_int (builder, "response_minutes", rule->policy->first_response_minutes);
          add_int (builder, "resolve_minutes", rule->policy->resolution_minutes);
          add_int (builder, "warn_percent", rule->policy->warn_percent);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      node = json_builder_get_root (builder);
      hd_cli_print_json (node);
      return;
    }

  append_cell (out, _("PRIORITY"), 8);
  append_cell (out, _("CATEGORY"), 16);
  append_cell (out, _("RESPOND"), 10);
  append_cell (out, _("RESOLVE"), 10);
  g_string_append_printf (out, "%s\n", _("WARN"));
  for (guint i = 0; i < rules->len; i++)
    {
      HdSlaRule *rule = g_ptr_array_index (rules, i);
      g_autofree char *respond = rule->policy->first_response_minutes > 0
        ? hd_sla_format_duration (rule->policy->first_response_minutes * (gint64) 60) : NULL;
      g_autofree char *resolve = rule->policy->resolution_minutes > 0
        ? hd_sla_format_duration (rule->policy->resolution_minutes * (gint64) 60) : NULL;

      append_cell (out, hd_enum_to_nick (HD_TYPE_PRIORITY, rule->priority), 8);
      append_cell (out, rule->category[0] != '\0' ? rule->category : _("(any)"), 16);
      append_cell (out, respond, 10);
      append_cell (out, resolve, 10);
      g_string_append_printf (out, "%u %%\n", rule->policy->warn_percent);
    }

  fwrite (out->str, 1, out->len, stdout);
}

/* Knowledge base */

JsonNode *
hd_cli_article_to_json (HdArticle *article,
                        gboolean   with_body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char * const *tags = hd_article_get_tags (article);

  json_builder_begin_object (builder);
  add_int (builder, "id", hd_article_get_id (article));
  add_string (builder, "title", hd_article_get_title (article));
  add_string (builder, "category", hd_article_get_category_path (article));
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (guint i = 0; tags[i] != NULL; i++)
    json_builder_add_string_value (builder, tags[i]);
  json_builder_end_array (builder);
  add_string (builder, "visibility",
              hd_enum_to_nick (HD_TYPE_VISIBILITY, hd_article_get_visibility (article)));
  add_string (builder, "author", hd_article_get_author (article));
  add_time (builder, "created", hd_article_get_created_at (article));
  add_time (builder, "updated", hd_article_get_updated_at (article));
  add_time (builder, "archived", hd_article_get_archived_at (article));
  add_int (builder, "version", hd_article_get_version (article));
  if (with_body)
    add_string (builder, "body", hd_article_get_body (article));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
hd_cli_print_articles (GPtrArray   *articles,
                       HdCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == HD_CLI_FORMAT_JSON)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < articles->len; i++)
        json_array_add_element (array, hd_cli_article_to_json (g_ptr_array_index (articles, i),
                                                               FALSE));
      node = json_node_init_array (json_node_alloc (), array);
      hd_cli_print_json (node);
      return;
    }

  append_cell (out, _("ID"), 6);
  append_cell (out, _("SHOWN TO"), 9);
  append_cell (out, _("CATEGORY"), 24);
  g_string_append_printf (out, "%s\n", _("TITLE"));
  for (guint i = 0; i < articles->len; i++)
    {
      HdArticle *a = g_ptr_array_index (articles, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, hd_article_get_id (a));

      append_cell (out, id, 6);
      append_cell (out, hd_enum_to_nick (HD_TYPE_VISIBILITY, hd_article_get_visibility (a)), 9);
      append_cell (out, hd_article_get_category_path (a), 24);
      g_string_append (out, hd_article_get_title (a));
      if (hd_article_get_archived_at (a) != 0)
        g_string_append_printf (out, " (%s)", _("archived"));
      g_string_append_c (out, '\n');
    }

  fwrite (out->str, 1, out->len, stdout);
}

void
hd_cli_print_article (HdArticle *article,
                      GPtrArray *tickets)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *tags = g_strjoinv (", ", (char **) hd_article_get_tags (article));
  g_autofree char *updated = hd_cli_format_time (hd_article_get_updated_at (article));

  g_string_append_printf (out, "# %s\n\n", hd_article_get_title (article));
  g_string_append_printf (out, "%s: %" G_GINT64_FORMAT "  %s: %" G_GINT64_FORMAT "  %s: %s\n",
                          _("Article"), hd_article_get_id (article),
                          _("Version"), hd_article_get_version (article),
                          _("Shown to"),
                          hd_visibility_to_label (hd_article_get_visibility (article)));
  g_string_append_printf (out, "%s: %s\n", _("Category"),
                          hd_article_get_category_path (article) != NULL
                            ? hd_article_get_category_path (article) : "-");
  g_string_append_printf (out, "%s: %s\n", _("Tags"), tags[0] != '\0' ? tags : "-");
  g_string_append_printf (out, "%s: %s, %s\n", _("Updated"), updated,
                          hd_article_get_author_name (article));
  if (tickets != NULL && tickets->len > 0)
    {
      g_string_append_printf (out, "%s:", _("Linked tickets"));
      for (guint i = 0; i < tickets->len; i++)
        g_string_append_printf (out, " #%" G_GINT64_FORMAT,
                                hd_ticket_get_number (g_ptr_array_index (tickets, i)));
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, "\n%s\n", hd_article_get_body (article));

  fwrite (out->str, 1, out->len, stdout);
}

/* Marks as [[…]] in text; as is, with the markers, nowhere. */
static char *
marks_to_brackets (const char *marked)
{
  GString *text = g_string_new (NULL);

  for (const char *p = marked != NULL ? marked : ""; *p != '\0'; p++)
    {
      if (*p == HD_MARK_START_CHAR)
        g_string_append (text, "[[");
      else if (*p == HD_MARK_END_CHAR)
        g_string_append (text, "]]");
      else if (*p == '\n' || *p == '\r' || *p == '\t')
        g_string_append_c (text, ' ');
      else
        g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

void
hd_cli_print_hits (GPtrArray   *hits,
                   HdCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == HD_CLI_FORMAT_JSON)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < hits->len; i++)
        {
          HdArticleHit *hit = g_ptr_array_index (hits, i);
          JsonNode *element = hd_cli_article_to_json (hd_article_hit_get_article (hit), FALSE);
          JsonObject *object = json_node_get_object (element);
          g_autofree char *title = hd_marked_text_strip (hd_article_hit_get_marked_title (hit));
          g_autofree char *snippet = hd_marked_text_strip (hd_article_hit_get_marked_snippet (hit));
          g_autofree char *marked_title = marks_to_brackets (hd_article_hit_get_marked_title (hit));
          g_autofree char *marked_snippet = marks_to_brackets (hd_article_hit_get_marked_snippet (hit));

          /* The markers are control characters: JSON gets [[ ]] too. */
          json_object_set_string_member (object, "highlighted_title", marked_title);
          json_object_set_string_member (object, "snippet", snippet);
          json_object_set_string_member (object, "highlighted_snippet", marked_snippet);
          json_object_set_double_member (object, "score", hd_article_hit_get_score (hit));
          json_array_add_element (array, element);
        }
      node = json_node_init_array (json_node_alloc (), array);
      hd_cli_print_json (node);
      return;
    }

  for (guint i = 0; i < hits->len; i++)
    {
      HdArticleHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *title = marks_to_brackets (hd_article_hit_get_marked_title (hit));
      g_autofree char *snippet = marks_to_brackets (hd_article_hit_get_marked_snippet (hit));

      g_string_append_printf (out, "%" G_GINT64_FORMAT "\t%s\n",
                              hd_article_get_id (hd_article_hit_get_article (hit)), title);
      if (snippet[0] != '\0')
        g_string_append_printf (out, "\t%s\n", snippet);
    }

  fwrite (out->str, 1, out->len, stdout);
}
