/* hd-cli-mail-tool.c — helpdesk-cli-mail: the mail commands of
 * helpdesk-cli, in an executable of their own (see hd-cli-mail.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <locale.h>
#include <string.h>

#include "hd-cli-common.h"
#include "hd-cli-mail.h"
#include "hd-mail.h"

typedef struct {
  guint counts[HD_MAIL_ALREADY_FILED + 1];
  guint n;
} ImportTally;

static void
print_filing (const HdMailMessage *msg,
              const HdMailFiling  *filing,
              gpointer             user_data)
{
  ImportTally *tally = user_data;
  const char *id = msg->message_id != NULL ? msg->message_id : msg->header_hash;

  tally->counts[filing->outcome]++;
  tally->n++;
  switch (filing->outcome)
    {
    case HD_MAIL_FILED_TICKET:
      g_print (_("%u: new ticket #%" G_GINT64_FORMAT "%s (%s)\n"), tally->n, filing->ticket,
               filing->acknowledged ? _(", acknowledgement queued") : "", id);
      break;
    case HD_MAIL_FILED_REPLY:
      g_print (_("%u: reply on ticket #%" G_GINT64_FORMAT " (%s)\n"), tally->n, filing->ticket, id);
      break;
    case HD_MAIL_NOT_FILED:
      g_print (_("%u: not filed: %s (%s)\n"), tally->n, filing->reason, id);
      break;
    case HD_MAIL_ALREADY_FILED:
      g_print (_("%u: filed before, nothing changed (%s)\n"), tally->n, id);
      break;
    default:
      g_assert_not_reached ();
    }
}

static int
cmd_mail_import (const HdCliCommand  *command,
                 char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) data = NULL;
  const GOptionEntry entries[] = { { NULL } };
  ImportTally tally = { 0, };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status))
    return status;

  /* A FIFO's open would wait for a writer, a device never end. */
  if (!g_file_test (positional[0], G_FILE_TEST_IS_REGULAR))
    {
      g_printerr (_("helpdesk-cli: “%s” is not a mail file (an .eml or an mbox).\n"), positional[0]);
      return HD_CLI_EXIT_NOT_FOUND;
    }
  mapped = g_mapped_file_new (positional[0], FALSE, &error);
  if (mapped == NULL)
    {
      g_printerr ("helpdesk-cli: %s\n", error->message);
      return HD_CLI_EXIT_NOT_FOUND;
    }
  data = g_mapped_file_get_bytes (mapped);

  store = hd_cli_open_store (&error);
  if (store == NULL || !hd_mail_import (store, data, print_filing, &tally, &error))
    {
      if (tally.n > 0)
        g_printerr (_("%u messages were filed before the error; importing again skips them.\n"),
                    tally.n);
      return hd_cli_fail (error);
    }

  g_print (_("Messages: %u; new tickets: %u; replies: %u; not filed: %u; filed before: %u.\n"),
           tally.n, tally.counts[HD_MAIL_FILED_TICKET], tally.counts[HD_MAIL_FILED_REPLY],
           tally.counts[HD_MAIL_NOT_FILED], tally.counts[HD_MAIL_ALREADY_FILED]);
  return HD_CLI_EXIT_OK;
}

static const HdCliCommand commands[] = {
  { "mail", "import", "FILE", cmd_mail_import, HD_CLI_MAIL_IMPORT_SUMMARY },
  { NULL }
};

static const HdCliCommand * const tables[] = { commands, hd_cli_mail_template_commands };

/* helpdesk-cli runs this as "helpdesk-cli-mail [--db FILE] mail NAME …". */
int
main (int   argc,
      char *argv[])
{
  char **args = argv + 1;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (args[0] != NULL && g_str_equal (args[0], "--db") && args[1] != NULL)
    {
      hd_cli_set_db_option (args[1]);
      args += 2;
    }

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const HdCliCommand *c = tables[t]; c->name != NULL; c++)
      if (g_strcmp0 (args[0], c->group) == 0 && args[0] != NULL &&
          g_strcmp0 (args[1], c->name) == 0)
        {
          status = hd_cli_run (c, args + 2);
          hd_cli_set_db_option (NULL);
          return status;
        }

  g_printerr (_("%s runs the mail commands of helpdesk-cli; run “helpdesk-cli mail --help”.\n"),
              HD_CLI_MAIL_TOOL);
  return HD_CLI_EXIT_USAGE;
}
