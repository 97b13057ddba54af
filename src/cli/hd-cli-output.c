/* hd-cli-output.c
 *
 * JSON keys and CSV columns are an interface that scripts rely on: add to
 * them, never rename. Times are ISO 8601 in UTC.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* gmtime_r, poll */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <poll.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hd-cli-output.h"
#include "hd-enum-types.h"

/* Times: @usec in UTC, as ISO 8601 or, with @minutes, "YYYY-MM-DD HH:MM".
 * Written here rather than through GDateTime: a list of a million tickets
 * prints several million. Years outside 1–9999 print nothing. */
static gboolean
append_time (GString  *out,
             gint64    usec,
             gboolean  minutes)
{
  time_t seconds = usec / G_USEC_PER_SEC;
  struct tm tm;

  if (gmtime_r (&seconds, &tm) == NULL || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
    return FALSE;

  hd_cli_append_number (out, tm.tm_year + 1900, 4);
  g_string_append_c (out, '-');
  hd_cli_append_number (out, tm.tm_mon + 1, 2);
  g_string_append_c (out, '-');
  hd_cli_append_number (out, tm.tm_mday, 2);
  g_string_append_c (out, minutes ? ' ' : 'T');
  hd_cli_append_number (out, tm.tm_hour, 2);
  g_string_append_c (out, ':');
  hd_cli_append_number (out, tm.tm_min, 2);
  if (!minutes)
    {
      g_string_append_c (out, ':');
      hd_cli_append_number (out, tm.tm_sec, 2);
      g_string_append_c (out, 'Z');
    }
  return TRUE;
}

char *
hd_cli_format_time (gint64 usec)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (usec == 0 || !append_time (text, usec, FALSE))
    return NULL;

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
add_string (HdCliJson  *json,
            const char *key,
            const char *value)
{
  hd_cli_json_member (json, key);
  hd_cli_json_string (json, value);
}

static void
add_time (HdCliJson  *json,
          const char *key,
          gint64      usec)
{
  g_autofree char *text = hd_cli_format_time (usec);

  add_string (json, key, text);
}

static void
add_int (HdCliJson  *json,
         const char *key,
         gint64      value)
{
  hd_cli_json_member (json, key);
  hd_cli_json_int (json, value);
}

void
hd_cli_json_person (HdCliJson *json,
                    HdPerson  *person)
{
  int tier = hd_person_get_tier (person);

  hd_cli_json_begin_object (json);
  add_string (json, "login", hd_person_get_login (person));
  add_string (json, "name", hd_person_get_name (person));
  add_string (json, "email", hd_person_get_email (person));
  add_string (json, "role", hd_enum_to_nick (HD_TYPE_ROLE, hd_person_get_role (person)));
  hd_cli_json_member (json, "tier");
  if (tier > 0)
    hd_cli_json_int (json, tier);
  else
    hd_cli_json_null (json);
  add_string (json, "department", hd_person_get_department (person));
  add_string (json, "location", hd_person_get_location (person));
  hd_cli_json_member (json, "active");
  hd_cli_json_boolean (json, hd_person_get_active (person));
  hd_cli_json_end_object (json);
}

static void
add_event (HdCliJson     *json,
           HdTicketEvent *event)
{
  hd_cli_json_begin_object (json);
  add_string (json, "kind",
              hd_enum_to_nick (HD_TYPE_EVENT_KIND, hd_ticket_event_get_kind (event)));
  add_string (json, "actor", hd_ticket_event_get_actor (event));
  add_time (json, "at", hd_ticket_event_get_at (event));
  if (hd_ticket_event_get_field (event) != NULL)
    {
      add_string (json, "field", hd_ticket_event_get_field (event));
      add_string (json, "from", hd_ticket_event_get_old_value (event));
      add_string (json, "to", hd_ticket_event_get_new_value (event));
    }
  else if (hd_ticket_event_get_new_value (event) != NULL)
    add_string (json, "title", hd_ticket_event_get_new_value (event));
  if (hd_ticket_event_get_body (event) != NULL)
    add_string (json, "body", hd_ticket_event_get_body (event));
  hd_cli_json_end_object (json);
}

/* @events: (nullable): adds the "events" array when given */
void
hd_cli_json_ticket (HdCliJson *json,
                    HdTicket  *ticket,
                    GPtrArray *events)
{
  hd_cli_json_begin_object (json);
  add_int (json, "number", hd_ticket_get_number (ticket));
  add_string (json, "title", hd_ticket_get_title (ticket));
  add_string (json, "description", hd_ticket_get_description (ticket));
  add_string (json, "status", hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (ticket)));
  add_string (json, "priority",
              hd_enum_to_nick (HD_TYPE_PRIORITY, hd_ticket_get_priority (ticket)));
  add_string (json, "category", hd_ticket_get_category (ticket));
  add_string (json, "requester", hd_ticket_get_requester (ticket));
  add_string (json, "assignee", hd_ticket_get_assignee (ticket));
  add_int (json, "tier", hd_ticket_get_tier (ticket));
  add_string (json, "department", hd_ticket_get_department (ticket));
  add_string (json, "location", hd_ticket_get_location (ticket));
  add_int (json, "version", hd_ticket_get_version (ticket));
  add_time (json, "created_at", hd_ticket_get_created_at (ticket));
  add_time (json, "updated_at", hd_ticket_get_updated_at (ticket));
  add_time (json, "first_response_at", hd_ticket_get_first_response_at (ticket));
  add_time (json, "resolved_at", hd_ticket_get_resolved_at (ticket));
  add_time (json, "closed_at", hd_ticket_get_closed_at (ticket));
  add_time (json, "due_at", hd_ticket_get_due_at (ticket));
  add_time (json, "warn_at", hd_ticket_get_warn_at (ticket));

  if (events != NULL)
    {
      hd_cli_json_member (json, "events");
      hd_cli_json_begin_array (json);
      for (guint i = 0; i < events->len; i++)
        add_event (json, g_ptr_array_index (events, i));
      hd_cli_json_end_array (json);
    }

  hd_cli_json_end_object (json);
}

/* Prints JSON written into @text, and a line break. */
void
hd_cli_print_json (GString *text)
{
  g_string_append_c (text, '\n');
  fwrite (text->str, 1, text->len, stdout);
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

/* Characters in @text: bytes, for ASCII. */
static glong
text_length (const char *text)
{
  const char *p = text;

  while (*p != '\0' && (guchar) *p < 0x80)
    p++;
  return *p == '\0' ? p - text : g_utf8_strlen (text, -1);
}

/* Pads @text with spaces to @width characters, cutting it with "…". */
static void
append_cell (GString    *line,
             const char *text,
             guint       width)
{
  glong len;

  text = text != NULL ? text : "-";
  len = text_length (text);
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
static void
append_due (GString  *out,
            HdTicket *ticket,
            gint64    now)
{
  if (hd_ticket_get_due_at (ticket) == 0 ||
      !append_time (out, hd_ticket_get_due_at (ticket), TRUE))
    return;

  switch (hd_ticket_get_due_state (ticket, now))
    {
    case HD_SLA_BREACHED: g_string_append (out, " !!"); break;
    case HD_SLA_AT_RISK: g_string_append (out, " !"); break;
    case HD_SLA_NONE:
    case HD_SLA_OK:
    case HD_SLA_MET:
    case HD_SLA_PAUSED:
    default: break;
    }
}

char *
hd_cli_format_due (HdTicket *ticket,
                   gint64    now)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_due (text, ticket, now);
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* Printing a list of tickets
 *
 * Rows are gathered in memory and written in large writes. While the list
 * is still being read from the file (and the file read-locked), only what
 * standard output takes at once is written: a reader that pauses, such as
 * a pager, must never keep other desks from saving. The rest is written
 * by hd_cli_ticket_printer_finish(), after the file is let go. */

#define WRITE_AT 65536

struct _HdCliTicketPrinter
{
  HdCliFormat  format;
  GString     *out;
  HdCliJson   *json;
  gint64       now;
  guint        count;
  gboolean     may_block;    /* a pipe, a socket or a terminal: a reader may pause */
  int          write_errno;  /* 0, or why a write failed */
};

static const char * const csv_columns[] = {
  "number", "title", "status", "priority", "category", "requester", "assignee", "tier",
  "department", "location", "version", "created_at", "updated_at", "due_at",
};

HdCliTicketPrinter *
hd_cli_ticket_printer_new (HdCliFormat format)
{
  HdCliTicketPrinter *self = g_new0 (HdCliTicketPrinter, 1);
  struct stat st;

  self->format = format;
  self->out = g_string_sized_new (2 * WRITE_AT);
  self->now = g_get_real_time ();
  self->may_block = isatty (STDOUT_FILENO) ||
                    (fstat (STDOUT_FILENO, &st) == 0 && (S_ISFIFO (st.st_mode) ||
                                                         S_ISSOCK (st.st_mode)));
  if (format == HD_CLI_FORMAT_JSON)
    {
      self->json = hd_cli_json_new (self->out);
      hd_cli_json_begin_array (self->json);
    }
  else if (format == HD_CLI_FORMAT_CSV)
    for (guint c = 0; c < G_N_ELEMENTS (csv_columns); c++)
      csv_field (self->out, csv_columns[c], c + 1 == G_N_ELEMENTS (csv_columns));

  return self;
}

void
hd_cli_ticket_printer_free (HdCliTicketPrinter *self)
{
  g_clear_pointer (&self->json, hd_cli_json_free);
  g_string_free (self->out, TRUE);
  g_free (self);
}

/* Writes the first @length bytes gathered, all of them or, with @ready,
 * what standard output takes without waiting; drops what was written. */
static void
write_out (HdCliTicketPrinter *self,
           gsize               length,
           gboolean            ready)
{
  gsize done = 0;

  while (done < length && self->write_errno == 0)
    {
      struct pollfd fd = { .fd = STDOUT_FILENO, .events = POLLOUT };
      gsize chunk = length - done;
      gssize n;

      if (ready && self->may_block)
        {
          /* Ready means room for PIPE_BUF bytes, no more. */
          if (poll (&fd, 1, 0) <= 0)
            break;
          chunk = MIN (chunk, PIPE_BUF);
        }

      n = write (STDOUT_FILENO, self->out->str + done, chunk);
      if (n < 0 && errno != EINTR)
        self->write_errno = errno;
      else if (n > 0)
        done += n;
    }

  g_string_erase (self->out, 0, done);
}

static void
add_text_row (HdCliTicketPrinter *self,
              HdTicket           *t)
{
  GString *out = self->out;
  gsize number_start, due_start;

  if (self->count == 0)
    {
      g_string_append_printf (out, "%-7s  ", _("NUMBER"));
      append_cell (out, _("STATUS"), 8);
      append_cell (out, _("PRIORITY"), 8);
      append_cell (out, _("ASSIGNEE"), 12);
      append_cell (out, _("DUE"), 20);
      g_string_append_printf (out, "%s\n", _("TITLE"));
    }

  /* "#%-6d  " */
  number_start = out->len;
  g_string_append_c (out, '#');
  hd_cli_append_number (out, hd_ticket_get_number (t), 1);
  while (out->len < number_start + 7)
    g_string_append_c (out, ' ');
  g_string_append (out, "  ");
  append_cell (out, hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (t)), 8);
  append_cell (out, hd_enum_to_nick (HD_TYPE_PRIORITY, hd_ticket_get_priority (t)), 8);
  append_cell (out, hd_ticket_get_assignee (t), 12);
  due_start = out->len;
  append_due (out, t, self->now);
  if (out->len == due_start)
    g_string_append_c (out, '-');
  for (glong i = text_length (out->str + due_start); i < 20; i++)
    g_string_append_c (out, ' ');
  g_string_append (out, "  ");
  g_string_append (out, hd_ticket_get_title (t));
  g_string_append_c (out, '\n');
}

static void
csv_number (GString *out,
            gint64   value)
{
  hd_cli_append_number (out, value, 1);
  g_string_append_c (out, ',');
}

static void
csv_time (GString  *out,
          gint64    usec,
          gboolean  last)
{
  if (usec != 0)
    append_time (out, usec, FALSE);
  g_string_append (out, last ? "\r\n" : ",");
}

static void
add_csv_row (HdCliTicketPrinter *self,
             HdTicket           *t)
{
  GString *out = self->out;

  csv_number (out, hd_ticket_get_number (t));
  csv_field (out, hd_ticket_get_title (t), FALSE);
  csv_field (out, hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (t)), FALSE);
  csv_field (out, hd_enum_to_nick (HD_TYPE_PRIORITY, hd_ticket_get_priority (t)), FALSE);
  csv_field (out, hd_ticket_get_category (t), FALSE);
  csv_field (out, hd_ticket_get_requester (t), FALSE);
  csv_field (out, hd_ticket_get_assignee (t), FALSE);
  csv_number (out, hd_ticket_get_tier (t));
  csv_field (out, hd_ticket_get_department (t), FALSE);
  csv_field (out, hd_ticket_get_location (t), FALSE);
  csv_number (out, hd_ticket_get_version (t));
  csv_time (out, hd_ticket_get_created_at (t), FALSE);
  csv_time (out, hd_ticket_get_updated_at (t), FALSE);
  csv_time (out, hd_ticket_get_due_at (t), TRUE);
}

/* An HdTicketFunc: prints @ticket; FALSE once standard output fails. */
gboolean
hd_cli_ticket_printer_add (HdTicket *ticket,
                           gpointer  user_data)
{
  HdCliTicketPrinter *self = user_data;

  switch (self->format)
    {
    case HD_CLI_FORMAT_JSON:
      hd_cli_json_ticket (self->json, ticket, NULL);
      break;
    case HD_CLI_FORMAT_CSV:
      add_csv_row (self, ticket);
      break;
    case HD_CLI_FORMAT_TEXT:
    default:
      add_text_row (self, ticket);
      break;
    }
  self->count++;

  if (self->out->len >= WRITE_AT)
    write_out (self, self->out->len, TRUE);
  return self->write_errno == 0;
}

guint
hd_cli_ticket_printer_get_count (HdCliTicketPrinter *self)
{
  return self->count;
}

/* Ends the list and writes the rest, waiting for the reader now.
 * Returns 0, or the error of a write that failed. */
int
hd_cli_ticket_printer_finish (HdCliTicketPrinter *self)
{
  if (self->format == HD_CLI_FORMAT_JSON)
    {
      hd_cli_json_end_array (self->json);
      g_string_append_c (self->out, '\n');
    }
  else if (self->format == HD_CLI_FORMAT_TEXT && self->count == 0)
    g_printerr ("%s\n", _("No tickets."));

  fflush (stdout);
  write_out (self, self->out->len, FALSE);
  return self->write_errno;
}

void
hd_cli_print_people (GPtrArray   *people,
                     HdCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == HD_CLI_FORMAT_JSON)
    {
      g_autoptr(HdCliJson) json = hd_cli_json_new (out);

      hd_cli_json_begin_array (json);
      for (guint i = 0; i < people->len; i++)
        hd_cli_json_person (json, g_ptr_array_index (people, i));
      hd_cli_json_end_array (json);
      hd_cli_print_json (out);
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
add_instant (HdCliJson  *json,
             const char *key,
             gint64      usec)
{
  add_time (json, key, usec == HD_CALENDAR_NEVER ? 0 : usec);
}

static void
add_clock (HdCliJson        *json,
           const char       *key,
           const HdSlaState *state)
{
  hd_cli_json_member (json, key);
  hd_cli_json_begin_object (json);
  add_string (json, "state", hd_cli_due_state_nick (state->state));
  add_instant (json, "due", state->due);
  add_instant (json, "warn_at", state->warn_at);
  add_int (json, "elapsed", state->elapsed);
  add_int (json, "target", state->target);
  add_int (json, "paused", state->paused);
  add_time (json, "stopped", state->stopped);
  hd_cli_json_end_object (json);
}

/* The clock a list shows at the top level ("state", "due", "warn_at",
 * "elapsed" and "target" in seconds of business time), then both clocks
 * and the explanation. */
void
hd_cli_json_sla (HdCliJson          *json,
                 gint64              number,
                 const HdSlaPolicy  *policy,
                 const HdSlaResult  *result,
                 char              **lines)
{
  const HdSlaState *current = hd_sla_result_get_current (result);

  hd_cli_json_begin_object (json);
  add_int (json, "number", number);
  add_string (json, "policy", policy->name);
  add_string (json, "clock", current == &result->response ? "first-response" : "resolution");
  add_string (json, "state", hd_cli_due_state_nick (current->state));
  add_instant (json, "due", current->due);
  add_instant (json, "warn_at", current->warn_at);
  add_int (json, "elapsed", current->elapsed);
  add_int (json, "target", current->target);
  add_clock (json, "first_response", &result->response);
  add_clock (json, "resolution", &result->resolution);
  hd_cli_json_member (json, "explanation");
  hd_cli_json_begin_array (json);
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    hd_cli_json_string (json, lines[i]);
  hd_cli_json_end_array (json);
  hd_cli_json_end_object (json);
}

static void
add_alert (HdCliJson *json,
           HdAlert   *alert)
{
  hd_cli_json_begin_object (json);
  add_int (json, "id", hd_alert_get_id (alert));
  add_string (json, "kind", hd_enum_to_nick (HD_TYPE_ALERT_KIND, hd_alert_get_kind (alert)));
  add_int (json, "ticket", hd_alert_get_ticket_number (alert));
  add_string (json, "title", hd_alert_get_ticket_title (alert));
  add_time (json, "deadline", hd_alert_get_deadline (alert));
  add_string (json, "actor", hd_alert_get_actor (alert));
  add_time (json, "created_at", hd_alert_get_created_at (alert));
  add_time (json, "delivered_at", hd_alert_get_delivered_at (alert));
  hd_cli_json_end_object (json);
}

void
hd_cli_print_alerts (GPtrArray   *alerts,
                     HdCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == HD_CLI_FORMAT_JSON)
    {
      g_autoptr(HdCliJson) json = hd_cli_json_new (out);

      hd_cli_json_begin_array (json);
      for (guint i = 0; i < alerts->len; i++)
        add_alert (json, g_ptr_array_index (alerts, i));
      hd_cli_json_end_array (json);
      hd_cli_print_json (out);
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
      g_autoptr(HdCliJson) json = hd_cli_json_new (out);

      hd_cli_json_begin_array (json);
      for (guint i = 0; i < rules->len; i++)
        {
          HdSlaRule *rule = g_ptr_array_index (rules, i);

          hd_cli_json_begin_object (json);
          add_string (json, "priority", hd_enum_to_nick (HD_TYPE_PRIORITY, rule->priority));
          add_string (json, "category", rule->category[0] != '\0' ? rule->category : NULL);
          add_int (json, "response_minutes", rule->policy->first_response_minutes);
          add_int (json, "resolve_minutes", rule->policy->resolution_minutes);
          add_int (json, "warn_percent", rule->policy->warn_percent);
          hd_cli_json_end_object (json);
        }
      hd_cli_json_end_array (json);
      hd_cli_print_json (out);
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

/* The article's members, inside an object the caller opens and closes,
 * adding members of its own. */
void
hd_cli_json_article_members (HdCliJson *json,
                             HdArticle *article,
                             gboolean   with_body)
{
  const char * const *tags = hd_article_get_tags (article);

  add_int (json, "id", hd_article_get_id (article));
  add_string (json, "title", hd_article_get_title (article));
  add_string (json, "category", hd_article_get_category_path (article));
  hd_cli_json_member (json, "tags");
  hd_cli_json_begin_array (json);
  for (guint i = 0; tags[i] != NULL; i++)
    hd_cli_json_string (json, tags[i]);
  hd_cli_json_end_array (json);
  add_string (json, "visibility",
              hd_enum_to_nick (HD_TYPE_VISIBILITY, hd_article_get_visibility (article)));
  add_string (json, "author", hd_article_get_author (article));
  add_time (json, "created", hd_article_get_created_at (article));
  add_time (json, "updated", hd_article_get_updated_at (article));
  add_time (json, "archived", hd_article_get_archived_at (article));
  add_int (json, "version", hd_article_get_version (article));
  if (with_body)
    add_string (json, "body", hd_article_get_body (article));
}

void
hd_cli_print_articles (GPtrArray   *articles,
                       HdCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == HD_CLI_FORMAT_JSON)
    {
      g_autoptr(HdCliJson) json = hd_cli_json_new (out);

      hd_cli_json_begin_array (json);
      for (guint i = 0; i < articles->len; i++)
        {
          hd_cli_json_begin_object (json);
          hd_cli_json_article_members (json, g_ptr_array_index (articles, i), FALSE);
          hd_cli_json_end_object (json);
        }
      hd_cli_json_end_array (json);
      hd_cli_print_json (out);
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
      g_autoptr(HdCliJson) json = hd_cli_json_new (out);

      hd_cli_json_begin_array (json);
      for (guint i = 0; i < hits->len; i++)
        {
          HdArticleHit *hit = g_ptr_array_index (hits, i);
          g_autofree char *snippet = hd_marked_text_strip (hd_article_hit_get_marked_snippet (hit));
          g_autofree char *marked_title = marks_to_brackets (hd_article_hit_get_marked_title (hit));
          g_autofree char *marked_snippet = marks_to_brackets (hd_article_hit_get_marked_snippet (hit));

          /* The markers are control characters: JSON gets [[ ]] too. */
          hd_cli_json_begin_object (json);
          hd_cli_json_article_members (json, hd_article_hit_get_article (hit), FALSE);
          add_string (json, "highlighted_title", marked_title);
          add_string (json, "snippet", snippet);
          add_string (json, "highlighted_snippet", marked_snippet);
          hd_cli_json_member (json, "score");
          hd_cli_json_double (json, hd_article_hit_get_score (hit));
          hd_cli_json_end_object (json);
        }
      hd_cli_json_end_array (json);
      hd_cli_print_json (out);
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
