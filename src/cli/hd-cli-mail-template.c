/* hd-cli-mail-template.c — helpdesk-cli mail template: the texts of what
 * Helpdesk sends on its own, and how each person gets alerts
 *
 * Run by helpdesk-cli-mail with the other mail commands (hd-cli-mail.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "hd-cli-common.h"
#include "hd-cli-mail.h"

/* The new text: --text, or the file --file names ("-": standard input). */
static char *
read_text (const char  *text,
           const char  *file,
           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (text != NULL)
    return g_strdup (text);
  if (g_strcmp0 (file, "-") == 0)
    {
      g_autoptr(GString) in = g_string_new (NULL);
      char buffer[4096];
      size_t n;

      while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
        g_string_append_len (in, buffer, n);
      length = in->len;
      contents = g_string_free (g_steal_pointer (&in), FALSE);
    }
  else if (!g_file_get_contents (file, &contents, &length, error))
    return NULL;
  if (memchr (contents, '\0', length) != NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is not a text: it holds a NUL byte."), file);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

static int
template_list (HdStore *store)
{
  g_autofree const char **names = hd_mail_template_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      gboolean custom = FALSE;

      text = hd_store_get_mail_template (store, names[i], &custom, &error);
      if (text == NULL)
        return hd_cli_fail (error);
      /* TRANSLATORS: a template's name, whether it was changed, what it is for */
      g_print (_("%-18s %-8s %s\n"), names[i], custom ? _("changed") : _("default"),
               hd_mail_template_describe (names[i]));
    }
  return HD_CLI_EXIT_OK;
}

static int
cmd_mail_template (const HdCliCommand  *command,
                   char               **args)
{
  g_autofree char *text = NULL, *file = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  const GOptionEntry entries[] = {
    { "text", 0, 0, G_OPTION_ARG_STRING, &text,
      N_("set, preview: the template’s text"), N_("TEXT") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_("set, preview: read the text from FILE (- for standard input)"), N_("FILE") },
    { NULL }
  };
  const char *action = args[0] != NULL && args[0][0] != '-' ? args[0] : NULL;
  guint n = g_strcmp0 (action, "list") == 0 ? 1 : g_strcmp0 (action, "preview") == 0 ? 3 : 2;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, n, &positional, &status))
    return status;
  if (!g_str_equal (positional[0], "list") && !g_str_equal (positional[0], "show") &&
      !g_str_equal (positional[0], "set") && !g_str_equal (positional[0], "reset") &&
      !g_str_equal (positional[0], "preview"))
    return hd_cli_usage_error (command, _("Say list, show, set, reset or preview."));
  if (text != NULL && file != NULL)
    return hd_cli_usage_error (command, _("Give --text or --file, not both."));
  if (g_str_equal (positional[0], "set") && text == NULL && file == NULL)
    return hd_cli_usage_error (command, _("set needs the text: --text TEXT or --file FILE."));

  store = hd_cli_open_store (&error);
  if (store == NULL)
    return hd_cli_fail (error);

  if (g_str_equal (positional[0], "list"))
    return template_list (store);

  if (g_str_equal (positional[0], "show"))
    {
      g_autofree char *body = hd_store_get_mail_template (store, positional[1], NULL, &error);

      if (body == NULL)
        return hd_cli_fail (error);
      g_print ("%s\n", body);
      return HD_CLI_EXIT_OK;
    }

  if (g_str_equal (positional[0], "reset"))
    {
      if (!hd_store_set_mail_template (store, positional[1], NULL, &error))
        return hd_cli_fail (error);
      g_print (_("The template “%s” is the default again.\n"), positional[1]);
      return HD_CLI_EXIT_OK;
    }

  if (g_str_equal (positional[0], "set"))
    {
      g_autofree char *body = read_text (text, file, &error);

      if (body == NULL)
        {
          g_printerr ("helpdesk-cli: %s\n", error->message);
          return HD_CLI_EXIT_NOT_FOUND;
        }
      if (!hd_store_set_mail_template (store, positional[1], body, &error))
        return hd_cli_fail (error);
      g_print (_("Set the template “%s”.\n"), positional[1]);
      return HD_CLI_EXIT_OK;
    }

  /* preview NAME NUMBER */
  {
    g_autofree char *body = NULL;
    g_autofree char *subject = NULL;
    g_autofree char *rendered = NULL;
    gint64 number;

    if (!hd_cli_parse_number (command, positional[2], &number, &status))
      return status;
    if (text != NULL || file != NULL)
      {
        body = read_text (text, file, &error);
        if (body == NULL)
          {
            g_printerr ("helpdesk-cli: %s\n", error->message);
            return HD_CLI_EXIT_NOT_FOUND;
          }
      }
    if (!hd_store_preview_mail_template (store, positional[1], number, body, &subject, &rendered,
                                         &error))
      return hd_cli_fail (error);
    g_print (_("Subject: %s\n\n%s\n"), subject, rendered);
    return HD_CLI_EXIT_OK;
  }
}

/* "HH:MM-HH:MM" as minutes of the day; "none" as -1, -1. */
static gboolean
parse_quiet (const char *text,
             int        *start,
             int        *end)
{
  unsigned h1, m1, h2, m2;
  char tail;

  if (g_strcmp0 (text, "none") == 0)
    {
      *start = *end = -1;
      return TRUE;
    }
  if (sscanf (text, "%2u:%2u-%2u:%2u%c", &h1, &m1, &h2, &m2, &tail) != 4 ||
      h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59)
    return FALSE;
  *start = (int) (h1 * 60 + m1);
  *end = (int) (h2 * 60 + m2);
  return TRUE;
}

static int
cmd_mail_alerts (const HdCliCommand  *command,
                 char               **args)
{
  g_autofree char *delivery = NULL, *quiet = NULL, *stored = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  const GOptionEntry entries[] = {
    { "delivery", 0, 0, G_OPTION_ARG_STRING, &delivery,
      N_("How alerts come: desktop, email or both"), N_("HOW") },
    { "quiet", 0, 0, G_OPTION_ARG_STRING, &quiet,
      N_("No alert mail between these times, in the helpdesk’s time zone, such as 22:00-07:00; none for none"),
      N_("HH:MM-HH:MM") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;
  int start = -1, end = -1, stored_start, stored_end;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status))
    return status;
  if (quiet != NULL && !parse_quiet (quiet, &start, &end))
    return hd_cli_usage_error (command, _("--quiet takes HH:MM-HH:MM, such as 22:00-07:00, or none."));

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      !hd_store_get_alert_mail (store, positional[0], &stored, &stored_start, &stored_end, &error))
    return hd_cli_fail (error);
  if (quiet == NULL)
    {
      start = stored_start;
      end = stored_end;
    }
  if (delivery != NULL)
    {
      g_free (stored);
      stored = g_strdup (delivery);
    }

  if ((delivery != NULL || quiet != NULL) &&
      !hd_store_set_alert_mail (store, positional[0], stored, start, end, &error))
    return hd_cli_fail (error);

  if (start < 0)
    g_print (_("%s: alerts by %s, no quiet hours.\n"), positional[0], stored);
  else
    g_print (_("%s: alerts by %s, no mail %02d:%02d–%02d:%02d.\n"), positional[0], stored,
             start / 60, start % 60, end / 60, end % 60);
  return HD_CLI_EXIT_OK;
}

const HdCliCommand hd_cli_mail_template_commands[] = {
  { "mail", "template", "list | show NAME | set NAME | reset NAME | preview NAME NUMBER",
    cmd_mail_template, HD_CLI_MAIL_TEMPLATE_SUMMARY },
  { "mail", "alerts", "LOGIN", cmd_mail_alerts, HD_CLI_MAIL_ALERTS_SUMMARY },
  { NULL }
};
