/* hd-cli-attachment.c — helpdesk-cli ticket attach|attachments, attachment save
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "hd-cli-common.h"
#include "hd-cli-json.h"
#include "hd-cli-output.h"

static int
cmd_ticket_attach (const HdCliCommand  *command,
                   char               **args)
{
  g_autofree char *body = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_input_free);
  g_auto(GStrv) positional = NULL;
  HdAttachmentInput *input;
  gboolean internal = FALSE;
  gint64 number = 0;
  const GOptionEntry entries[] = {
    { "body", 0, 0, G_OPTION_ARG_STRING, &body, N_("A text to go with the file"), N_("TEXT") },
    { "internal", 0, 0, G_OPTION_ARG_NONE, &internal,
      N_("Attach to an internal note that the requester does not see"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 2, &positional, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;

  file = g_file_new_for_commandline_arg (positional[1]);
  input = hd_attachment_input_new_for_file (file, NULL, &error);
  if (input == NULL)
    {
      g_printerr ("helpdesk-cli: %s\n", error->message);
      return HD_CLI_EXIT_USAGE;
    }
  g_ptr_array_add (inputs, input);

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (event = hd_store_add_comment_with_files (store, number, body, internal, inputs, NULL,
                                                &error)) == NULL)
    return hd_cli_fail (error);
  return HD_CLI_EXIT_OK;
}

static void
print_json (GPtrArray *list)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(HdCliJson) writer = hd_cli_json_new (text);

  hd_cli_json_begin_array (writer);
  for (guint i = 0; i < list->len; i++)
    {
      HdAttachment *a = g_ptr_array_index (list, i);
      g_autofree char *added_at = NULL;

      hd_cli_json_begin_object (writer);
      hd_cli_json_member (writer, "id");
      hd_cli_json_int (writer, a->id);
      hd_cli_json_member (writer, "event");
      if (a->event != 0)
        hd_cli_json_int (writer, a->event);
      else
        hd_cli_json_null (writer);
      hd_cli_json_member (writer, "name");
      hd_cli_json_string (writer, a->name);
      hd_cli_json_member (writer, "content_type");
      hd_cli_json_string (writer, a->content_type);
      hd_cli_json_member (writer, "size");
      hd_cli_json_int (writer, a->size);
      hd_cli_json_member (writer, "internal");
      hd_cli_json_boolean (writer, a->internal);
      hd_cli_json_member (writer, "added_by");
      hd_cli_json_string (writer, a->added_by);
      hd_cli_json_member (writer, "added_at");
      added_at = hd_cli_format_time (a->added_at);
      hd_cli_json_string (writer, added_at);
      hd_cli_json_end_object (writer);
    }
  hd_cli_json_end_array (writer);
  hd_cli_print_json (text);
}

static void
print_text (GPtrArray *list)
{
  for (guint i = 0; i < list->len; i++)
    {
      HdAttachment *a = g_ptr_array_index (list, i);
      g_autofree char *size = g_format_size (a->size);

      /* The name is the sender's: never let it drive the terminal. */
      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s%s\n", a->id, size, a->content_type, a->name,
               a->internal ? _(" (internal note)") : "");
    }
}

static int
cmd_ticket_attachments (const HdCliCommand  *command,
                        char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean json = FALSE;
  gint64 number = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL || (list = hd_store_list_attachments (store, number, &error)) == NULL)
    return hd_cli_fail (error);

  if (json)
    print_json (list);
  else
    print_text (list);
  return HD_CLI_EXIT_OK;
}

static int
cmd_attachment_save (const HdCliCommand  *command,
                     char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dest = NULL;
  g_autoptr(GFile) saved = NULL;
  g_auto(GStrv) positional = NULL;
  g_autofree char *shown = NULL;
  gboolean force = FALSE;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace a file that exists already"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 2, &positional, &status) ||
      !hd_cli_parse_number (command, positional[0], &id, &status))
    return status;

  dest = g_file_new_for_commandline_arg (positional[1]);
  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (saved = hd_store_save_attachment (store, id, dest, force, NULL, &error)) == NULL)
    return hd_cli_fail (error);

  shown = g_file_get_parse_name (saved);
  g_print (_("Saved as %s\n"), shown);
  return HD_CLI_EXIT_OK;
}

const HdCliCommand hd_cli_attachment_commands[] = {
  { "ticket", "attach", "NUMBER FILE", cmd_ticket_attach,
    N_("Attach a file to a ticket as a reply, or an internal note with --internal.") },
  { "ticket", "attachments", "NUMBER", cmd_ticket_attachments,
    N_("List a ticket’s attachments.") },
  { "attachment", "save", "ID DEST", cmd_attachment_save,
    N_("Save an attachment to a file or into a folder (--force to replace).") },
  { NULL }
};
