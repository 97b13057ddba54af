/* hd-cli-ticket.c — helpdesk-cli ticket: filing, listing and working tickets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* isatty */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <unistd.h>

#include "hd-cli-common.h"
#include "hd-cli-output.h"
#include "hd-enum-types.h"

/* Commands: tickets */

static int
cmd_ticket_new (const HdCliCommand  *command,
                char               **args)
{
  g_autofree char *title = NULL, *description = NULL, *description_file = NULL;
  g_autofree char *requester = NULL, *priority = NULL, *category = NULL;
  g_autofree char *department = NULL, *location = NULL, *text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  HdTicketDraft draft = HD_TICKET_DRAFT_INIT;
  int priority_value = HD_PRIORITY_NORMAL;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("One line that says what is wrong (required)"),
      N_("TEXT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("The details"), N_("TEXT") },
    { "description-file", 0, 0, G_OPTION_ARG_FILENAME, &description_file,
      N_("Read the details from a file, or - for standard input"), N_("FILE") },
    { "requester", 0, 0, G_OPTION_ARG_STRING, &requester,
      N_("Who asks (staff only; default: you)"), N_("LOGIN") },
    { "priority", 0, 0, G_OPTION_ARG_STRING, &priority, N_("low, normal (default), high or urgent"),
      N_("PRIORITY") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("Category"), N_("TEXT") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Department"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Location"), N_("TEXT") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;
  if (title == NULL)
    return hd_cli_usage_error (command, _("--title is required."));
  if (priority != NULL &&
      !hd_cli_parse_enum (command, HD_TYPE_PRIORITY, _("priority"), priority, &priority_value, &status))
    return status;
  if (!hd_cli_pick_text (description, description_file, _("The description"), &text, &error))
    return hd_cli_fail (error);

  draft.title = title;
  draft.description = text;
  draft.requester = requester;
  draft.priority = priority_value;
  draft.category = category;
  draft.department = department;
  draft.location = location;

  store = hd_cli_open_store (&error);
  if (store == NULL || (ticket = hd_store_create_ticket (store, &draft, &error)) == NULL)
    return hd_cli_fail (error);

  g_print ("%" G_GINT64_FORMAT "\n", hd_ticket_get_number (ticket));
  return HD_CLI_EXIT_OK;
}

static gboolean
parse_status_list (const HdCliCommand *command,
                   const char         *list,
                   guint              *mask,
                   int                *status)
{
  g_auto(GStrv) parts = g_strsplit (list, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      int value;

      if (!hd_cli_parse_enum (command, HD_TYPE_STATUS, _("status"), g_strstrip (parts[i]), &value,
                              status))
        return FALSE;
      *mask |= HD_STATUS_MASK (value);
    }

  return TRUE;
}

/* On a terminal a list is a page unless --limit says otherwise; piped,
 * or as JSON or CSV, it is every ticket. */
#define TERMINAL_PAGE 50

typedef struct {
  HdCliTicketPrinter *printer;
  guint               size;     /* tickets in the page; 0: all */
  gboolean            person;   /* text on a terminal: say when more follow */
  gboolean            more;     /* a ticket after the page was read */
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->printer, hd_cli_ticket_printer_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Page, page_free)

/* An HdTicketFunc: prints the page's tickets, and notes one after it. */
static gboolean
print_in_page (HdTicket *ticket,
               gpointer  user_data)
{
  Page *page = user_data;

  if (page->size > 0 && hd_cli_ticket_printer_get_count (page->printer) == page->size)
    {
      page->more = TRUE;
      return FALSE;
    }

  return hd_cli_ticket_printer_add (ticket, page->printer);
}

/* Writes what the list left to write, and for a person at a terminal how
 * to see more. A reader that went away (a pager quit early) is no error;
 * any other failure to write is. */
static int
finish_page (Page   *page,
             gint64  offset)
{
  int write_errno = hd_cli_ticket_printer_finish (page->printer);
  guint shown = hd_cli_ticket_printer_get_count (page->printer);

  if (write_errno != 0 && write_errno != EPIPE)
    {
      g_printerr (_("helpdesk-cli: the list could not be written: %s\n"),
                  g_strerror (write_errno));
      return HD_CLI_EXIT_UNUSABLE;
    }

  if (write_errno == 0 && page->more)
    g_print (_("Tickets %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " are shown, and more follow: add --offset %" G_GINT64_FORMAT " for the next %u, or --limit 0 for all of them.\n"),
             offset + 1, offset + shown, offset + shown, page->size);
  return HD_CLI_EXIT_OK;
}

static int
cmd_ticket_list (const HdCliCommand  *command,
                 char               **args)
{
  g_autofree char *search = NULL;
  g_autofree char *status_list = NULL, *assignee = NULL, *requester = NULL, *sort = NULL;
  g_autofree char *tier_text = NULL, *limit_text = NULL, *offset_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE, csv = FALSE;
  HdTicketFilter filter = { 0 };
  g_auto(Page) page = { 0 };
  gint64 tier = 0, limit = -1, offset = 0;
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_list,
      N_("Only these statuses, comma-separated: new, open, pending, resolved, closed"),
      N_("STATUS") },
    { "assignee", 0, 0, G_OPTION_ARG_STRING, &assignee,
      N_("Only tickets assigned to LOGIN, or none for unassigned ones"), N_("LOGIN|none") },
    { "requester", 0, 0, G_OPTION_ARG_STRING, &requester, N_("Only tickets filed by LOGIN"),
      N_("LOGIN") },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier_text, N_("Only tickets at support tier 1, 2 or 3"),
      N_("N") },
    { "at-risk", 0, 0, G_OPTION_ARG_NONE, &filter.at_risk,
      N_("Only tickets at risk of missing their SLA deadline, or past it"), NULL },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort,
      N_("Order by number (default), title, requester, priority, status, assignee, updated or due"),
      N_("FIELD") },
    { "descending", 0, 0, G_OPTION_ARG_NONE, &filter.descending, N_("Reverse the order"), NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only tickets with these words (or words starting so)"), N_("TEXT") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("Print at most N tickets; 0 prints them all (the default, but for a page of 50 on a terminal)"),
      N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_STRING, &offset_text, N_("Skip the first N tickets"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV (RFC 4180)"), NULL },
    { NULL }
  };
  static const char *const sorts[] = {
    [HD_TICKET_SORT_NUMBER] = "number", [HD_TICKET_SORT_TITLE] = "title",
    [HD_TICKET_SORT_REQUESTER] = "requester", [HD_TICKET_SORT_PRIORITY] = "priority",
    [HD_TICKET_SORT_STATUS] = "status", [HD_TICKET_SORT_ASSIGNEE] = "assignee",
    [HD_TICKET_SORT_UPDATED] = "updated", [HD_TICKET_SORT_DUE] = "due",
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status) ||
      !hd_cli_parse_option_number (command, "--tier", tier_text, HD_TIER_MIN, HD_TIER_MAX, &tier,
                                   &status) ||
      !hd_cli_parse_option_number (command, "--limit", limit_text, 0, G_MAXINT32, &limit,
                                   &status) ||
      !hd_cli_parse_option_number (command, "--offset", offset_text, 0, G_MAXINT32, &offset,
                                   &status))
    return status;
  if (sort != NULL)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (sorts) && g_strcmp0 (sorts[i], sort) != 0; i++)
        ;
      if (i == G_N_ELEMENTS (sorts))
        return hd_cli_usage_error (command, _("--sort takes number, title, requester, priority, status, assignee, updated or due."));
      filter.sort = i;
    }
  if (json && csv)
    return hd_cli_usage_error (command, _("Choose --json or --csv, not both."));
  if (status_list != NULL && !parse_status_list (command, status_list, &filter.status_mask,
                                                 &status))
    return status;

  filter.tier = (int) tier;
  filter.unassigned = g_strcmp0 (assignee, "none") == 0;
  filter.assignee = filter.unassigned ? NULL : assignee;
  filter.requester = requester;
  filter.search = search;

  filter.offset = offset;
  /* Text shows only a summary of each ticket. */
  filter.summary = !json && !csv;
  page.printer = hd_cli_ticket_printer_new (json ? HD_CLI_FORMAT_JSON
                                                 : csv ? HD_CLI_FORMAT_CSV : HD_CLI_FORMAT_TEXT);
  page.person = !json && !csv && isatty (STDOUT_FILENO);
  page.size = limit >= 0 ? limit : page.person ? TERMINAL_PAGE : 0;
  /* One more than the page tells a person whether more follow. */
  filter.limit = page.size > 0 && page.person ? page.size + 1 : page.size;

  /* Printed as read, not held: a list may be a million tickets. */
  store = hd_cli_open_store (&error);
  if (store == NULL || !hd_store_foreach_ticket (store, &filter, print_in_page, &page, &error))
    return hd_cli_fail (error);

  return finish_page (&page, offset);
}

static int
cmd_ticket_show (const HdCliCommand  *command,
                 char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean json = FALSE;
  gint64 number = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON, with the history as “events”"),
      NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_get_ticket (store, number, &error)) == NULL ||
      (events = hd_store_list_events (store, number, &error)) == NULL)
    return hd_cli_fail (error);

  if (json)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(HdCliJson) writer = hd_cli_json_new (text);

      hd_cli_json_ticket (writer, ticket, events);
      hd_cli_print_json (text);
    }
  else
    hd_cli_print_ticket (ticket, events);

  return HD_CLI_EXIT_OK;
}

static int
cmd_ticket_update (const HdCliCommand  *command,
                   char               **args)
{
  g_autofree char *title = NULL, *description = NULL, *description_file = NULL;
  g_autofree char *priority = NULL, *category = NULL, *department = NULL, *location = NULL;
  g_autofree char *text = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  HdTicketChanges changes = { 0 };
  gint64 number = 0, if_version = 0;
  int priority_value = HD_PRIORITY_NORMAL;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("New title"), N_("TEXT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("New details"), N_("TEXT") },
    { "description-file", 0, 0, G_OPTION_ARG_FILENAME, &description_file,
      N_("Read the details from a file, or - for standard input"), N_("FILE") },
    { "priority", 0, 0, G_OPTION_ARG_STRING, &priority, N_("low, normal, high or urgent"),
      N_("PRIORITY") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("Category (\"\" clears it)"),
      N_("TEXT") },
    { "department", 0, 0, G_OPTION_ARG_STRING, &department, N_("Department (\"\" clears it)"),
      N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Location (\"\" clears it)"),
      N_("TEXT") },
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse (exit 3) if the ticket is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                                   &if_version, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;
  if (priority != NULL &&
      !hd_cli_parse_enum (command, HD_TYPE_PRIORITY, _("priority"), priority, &priority_value, &status))
    return status;
  if (!hd_cli_pick_text (description, description_file, _("The description"), &text, &error))
    return hd_cli_fail (error);

  changes.title = title;
  changes.description = text;
  changes.category = category;
  changes.department = department;
  changes.location = location;
  changes.set_priority = priority != NULL;
  changes.priority = priority_value;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_update_ticket (store, number, if_version, &changes, &error)) == NULL)
    return hd_cli_fail (error);

  g_print (_("Ticket #%" G_GINT64_FORMAT " is at version %" G_GINT64_FORMAT ".\n"),
           number, hd_ticket_get_version (ticket));
  return HD_CLI_EXIT_OK;
}

static int
cmd_ticket_assign (const HdCliCommand  *command,
                   char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gint64 number = 0, if_version = 0;
  const char *assignee;
  const GOptionEntry entries[] = {
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse (exit 3) if the ticket is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 2, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                                   &if_version, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;

  assignee = g_strcmp0 (positional[1], "none") == 0 ? NULL : positional[1];
  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_assign_ticket (store, number, if_version, assignee, &error)) == NULL)
    return hd_cli_fail (error);

  if (hd_ticket_get_assignee (ticket) != NULL)
    g_print (_("Ticket #%" G_GINT64_FORMAT " is assigned to %s.\n"), number,
             hd_ticket_get_assignee (ticket));
  else
    g_print (_("Ticket #%" G_GINT64_FORMAT " is unassigned.\n"), number);
  return HD_CLI_EXIT_OK;
}

static int
cmd_ticket_status (const HdCliCommand  *command,
                   char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gint64 number = 0, if_version = 0;
  int value = 0;
  const GOptionEntry entries[] = {
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse (exit 3) if the ticket is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 2, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                                   &if_version, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status) ||
      !hd_cli_parse_enum (command, HD_TYPE_STATUS, _("status"), positional[1], &value, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_set_ticket_status (store, number, if_version, value, &error)) == NULL)
    return hd_cli_fail (error);

  g_print (_("Ticket #%" G_GINT64_FORMAT " is %s.\n"), number,
           hd_enum_to_nick (HD_TYPE_STATUS, hd_ticket_get_status (ticket)));
  return HD_CLI_EXIT_OK;
}

static int
cmd_ticket_comment (const HdCliCommand  *command,
                    char               **args)
{
  g_autofree char *body = NULL, *body_file = NULL, *text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean internal = FALSE;
  gint64 number = 0;
  const GOptionEntry entries[] = {
    { "body", 0, 0, G_OPTION_ARG_STRING, &body, N_("The text of the reply"), N_("TEXT") },
    { "body-file", 0, 0, G_OPTION_ARG_FILENAME, &body_file,
      N_("Read the reply from a file, or - for standard input"), N_("FILE") },
    { "internal", 0, 0, G_OPTION_ARG_NONE, &internal,
      N_("An internal note that the requester does not see"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;
  if (body == NULL && body_file == NULL)
    return hd_cli_usage_error (command, _("--body or --body-file is required."));
  if (!hd_cli_pick_text (body, body_file, _("The reply"), &text, &error))
    return hd_cli_fail (error);

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (event = hd_store_add_comment (store, number, text, internal, &error)) == NULL)
    return hd_cli_fail (error);

  return HD_CLI_EXIT_OK;
}

static int
cmd_ticket_escalate (const HdCliCommand  *command,
                     char               **args)
{
  g_autofree char *note = NULL, *note_file = NULL, *text = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) before = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean down = FALSE;
  gint64 number = 0, if_version = 0;
  int to_tier;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note,
      N_("Why, for the next tier: what was tried, what is needed (required)"), N_("TEXT") },
    { "note-file", 0, 0, G_OPTION_ARG_FILENAME, &note_file,
      N_("Read the note from a file, or - for standard input"), N_("FILE") },
    { "down", 0, 0, G_OPTION_ARG_NONE, &down,
      N_("Return the ticket to the tier below instead"), NULL },
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse (exit 3) if the ticket is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                                   &if_version, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;
  if (note == NULL && note_file == NULL)
    return hd_cli_usage_error (command, _("--note or --note-file is required."));
  if (!hd_cli_pick_text (note, note_file, _("The escalation note"), &text, &error))
    return hd_cli_fail (error);

  /* The move is one tier from where the ticket is now; if someone moves it
   * meanwhile, the store refuses instead of skipping a tier. */
  store = hd_cli_open_store (&error);
  if (store == NULL || (before = hd_store_get_ticket (store, number, &error)) == NULL)
    return hd_cli_fail (error);

  to_tier = hd_ticket_get_tier (before) + (down ? -1 : 1);
  ticket = hd_store_escalate_ticket (store, number, if_version, to_tier, text, &error);
  if (ticket == NULL)
    return hd_cli_fail (error);

  if (down)
    g_print (_("Ticket #%" G_GINT64_FORMAT " returned to tier %d.\n"), number,
             hd_ticket_get_tier (ticket));
  else if (hd_ticket_get_assignee (before) != NULL && hd_ticket_get_assignee (ticket) == NULL)
    g_print (_("Ticket #%" G_GINT64_FORMAT " escalated to tier %d and unassigned from %s.\n"),
             number, hd_ticket_get_tier (ticket), hd_ticket_get_assignee (before));
  else
    g_print (_("Ticket #%" G_GINT64_FORMAT " escalated to tier %d.\n"), number,
             hd_ticket_get_tier (ticket));
  return HD_CLI_EXIT_OK;
}

const HdCliCommand hd_cli_ticket_commands[] = {
  { "ticket", "new", "", cmd_ticket_new, N_("File a ticket and print its number.") },
  { "ticket", "list", "", cmd_ticket_list, N_("List tickets.") },
  { "ticket", "show", "NUMBER", cmd_ticket_show, N_("Show a ticket with its history.") },
  { "ticket", "update", "NUMBER", cmd_ticket_update, N_("Change a ticket’s fields.") },
  { "ticket", "assign", "NUMBER LOGIN|none", cmd_ticket_assign,
    N_("Assign a ticket to a technician, or unassign it.") },
  { "ticket", "status", "NUMBER STATUS", cmd_ticket_status,
    N_("Move a ticket to new, open, pending, resolved or closed.") },
  { "ticket", "comment", "NUMBER", cmd_ticket_comment,
    N_("Add a reply, or an internal note with --internal.") },
  { "ticket", "escalate", "NUMBER", cmd_ticket_escalate,
    N_("Move a ticket to the next support tier with a note, or back down with --down.") },
  { NULL }
};
