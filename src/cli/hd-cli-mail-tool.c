/* hd-cli-mail-tool.c — helpdesk-cli-mail: the mail commands of
 * helpdesk-cli, in an executable of their own (see hd-cli-mail.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hd-cli-common.h"
#include "hd-cli-json.h"
#include "hd-cli-mail.h"
#include "hd-cli-output.h"
#include "hd-mail.h"
#include "hd-mail-error.h"
#include "hd-mail-goa.h"
#include "hd-mail-loop.h"
#include "hd-mail-secret.h"
#include "hd-mail-sign-in.h"

/* Beyond the exit codes of every command (hd-cli-common.h): the mail
 * server failed for now (try again later: the network, DNS, a timeout, a
 * 4xx answer), or in a way a person must fix (login refused, certificate
 * not trusted, folder missing, mailbox not set up). */
enum {
  HD_CLI_EXIT_MAIL_LATER = 6,
  HD_CLI_EXIT_MAIL_SETTINGS = 7,
};

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


static int
fail_mail (const char   *what,
           const GError *error)
{
  if (error->domain != HD_MAIL_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return hd_cli_fail (error);
  g_printerr ("helpdesk-cli: %s: %s\n", what, error->message);
  return hd_mail_error_is_temporary (error) ? HD_CLI_EXIT_MAIL_LATER : HD_CLI_EXIT_MAIL_SETTINGS;
}

/* The account of the file's settings, trusting $HELPDESK_MAIL_CA_FILE's
 * authorities instead of the system's when it is set (a private
 * authority; the tests' own servers). */
static HdMailAccount *
account_of (const HdMailSettings *settings)
{
  HdMailAccount *account = hd_mail_account_from_settings (settings);
  const char *ca_file = g_getenv ("HELPDESK_MAIL_CA_FILE");

  if (ca_file != NULL && *ca_file != '\0')
    account->ca_file = g_strdup (ca_file);
  return account;
}

/* The file's mailbox and how this desk logs in to it: the password from
 * its keyring (in @password), or its account of GNOME Online Accounts (in
 * the account); prints what is missing and returns the exit code
 * otherwise. */
static int
load_account (HdStore         *store,
              gboolean         need_enabled,
              HdMailAccount  **account,
              char           **password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) settings = hd_store_get_mail_settings (store, &error);
  g_autofree char *file_id = NULL;

  if (settings == NULL)
    return hd_cli_fail (error);
  if (!hd_mail_settings_is_complete (settings))
    {
      g_printerr (_("helpdesk-cli: The mailbox is not set up: run “helpdesk-cli mail account set”.\n"));
      return HD_CLI_EXIT_MAIL_SETTINGS;
    }
  if (need_enabled && !settings->enabled)
    {
      g_printerr (_("helpdesk-cli: Mail is turned off for this helpdesk (“mail account set --enabled yes” turns it on).\n"));
      return HD_CLI_EXIT_MAIL_SETTINGS;
    }
  file_id = hd_store_get_file_uuid (store, &error);
  if (file_id == NULL)
    return hd_cli_fail (error);
  *account = account_of (settings);
  if (!hd_mail_sign_in_lookup (file_id, *account, password, NULL, &error) ||
      !hd_mail_account_has_login (*account, *password))
    {
      if (error != NULL)
        g_printerr (_("helpdesk-cli: The keyring could not be read: %s\n"), error->message);
      else
        g_printerr (_("helpdesk-cli: This desk has no password for the mailbox: run “helpdesk-cli mail account set --password” (or --goa-account to sign in with GNOME Online Accounts).\n"));
      g_clear_pointer (account, hd_mail_account_free);
      return HD_CLI_EXIT_MAIL_SETTINGS;
    }
  return HD_CLI_EXIT_OK;
}

/* One line from standard input; from a terminal, asked for without echo. */
static char *
read_password (GError **error)
{
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  g_autoptr(GString) line = g_string_new (NULL);
  int c;

  if (tty)
    {
      g_printerr (_("Password of the mailbox: "));
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
      else
        tty = FALSE;
    }
  while ((c = getchar ()) != EOF && c != '\n')
    if (line->len < 4096)
      g_string_append_c (line, (char) c);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (line->len == 0 || !g_utf8_validate (line->str, line->len, NULL))
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                           _("No password was given (one line on standard input)."));
      memset (line->str, 0, line->len);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static gboolean
parse_yes_no (const char *text,
              gboolean   *value)
{
  if (g_strcmp0 (text, "yes") == 0 || g_strcmp0 (text, "true") == 0 || g_strcmp0 (text, "on") == 0)
    *value = TRUE;
  else if (g_strcmp0 (text, "no") == 0 || g_strcmp0 (text, "false") == 0 || g_strcmp0 (text, "off") == 0)
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

static void
replace (char       **field,
         const char  *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static int
account_set (const HdCliCommand  *command,
             char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) settings = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autofree char *address = NULL, *name = NULL, *imap_host = NULL, *imap_security = NULL;
  g_autofree char *folder = NULL, *smtp_host = NULL, *smtp_security = NULL, *user = NULL;
  g_autofree char *imap_port = NULL, *smtp_port = NULL, *interval = NULL, *enabled = NULL;
  g_autofree char *file_id = NULL, *goa = NULL;
  g_autoptr(HdMailGoaAccount) goa_account = NULL;
  char *password = NULL;
  gboolean ask_password = FALSE;
  int status = HD_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("The support address"), "ADDRESS" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The name mail from the helpdesk carries"), "NAME" },
    { "imap-host", 0, 0, G_OPTION_ARG_STRING, &imap_host, N_("The incoming (IMAP) server"), "HOST" },
    { "imap-port", 0, 0, G_OPTION_ARG_STRING, &imap_port, N_("Its port (0: the usual one)"), "PORT" },
    { "imap-security", 0, 0, G_OPTION_ARG_STRING, &imap_security, N_("tls, starttls or plain"), "SECURITY" },
    { "folder", 0, 0, G_OPTION_ARG_STRING, &folder, N_("The folder requests arrive in"), "FOLDER" },
    { "smtp-host", 0, 0, G_OPTION_ARG_STRING, &smtp_host, N_("The outgoing (SMTP) server"), "HOST" },
    { "smtp-port", 0, 0, G_OPTION_ARG_STRING, &smtp_port, N_("Its port (0: the usual one)"), "PORT" },
    { "smtp-security", 0, 0, G_OPTION_ARG_STRING, &smtp_security, N_("tls, starttls or plain"), "SECURITY" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("The login on both servers"), "USER" },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &interval, N_("Seconds between fetches, at least 60"), "SECONDS" },
    { "enabled", 0, 0, G_OPTION_ARG_STRING, &enabled, N_("Whether desks fetch and send: yes or no"), "yes|no" },
    { "password", 0, 0, G_OPTION_ARG_NONE, &ask_password,
      N_("Read the password (one line of standard input, or asked for without echo) into this desk’s keyring"), NULL },
    { "goa-account", 0, 0, G_OPTION_ARG_STRING, &goa,
      N_("On this desk, sign in with this account of GNOME Online Accounts (its id or address; “none”: the password again)"), "ACCOUNT" },
    { NULL }
  };

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL || (settings = hd_store_get_mail_settings (store, &error)) == NULL)
    return hd_cli_fail (error);

  replace (&settings->address, address);
  if (name != NULL)
    {
      g_free (settings->display_name);
      settings->display_name = *name != '\0' ? g_strdup (name) : NULL;
    }
  replace (&settings->imap_host, imap_host);
  replace (&settings->imap_security, imap_security);
  replace (&settings->imap_folder, folder);
  replace (&settings->smtp_host, smtp_host);
  replace (&settings->smtp_security, smtp_security);
  replace (&settings->user_name, user);
  {
    struct { const char *option; const char *text; gint64 min, max; guint *to; } numbers[] = {
      { "--imap-port", imap_port, 0, 65535, &settings->imap_port },
      { "--smtp-port", smtp_port, 0, 65535, &settings->smtp_port },
      { "--interval", interval, HD_MAIL_MIN_INTERVAL, HD_MAIL_MAX_INTERVAL, &settings->interval_seconds },
    };

    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
      {
        gint64 value;

        if (numbers[i].text == NULL)
          continue;
        if (!hd_cli_parse_option_number (command, numbers[i].option, numbers[i].text,
                                         numbers[i].min, numbers[i].max, &value, &status))
          return status;
        *numbers[i].to = (guint) value;
      }
    /* A new security without a port: the usual port for it. */
    if (imap_security != NULL && imap_port == NULL)
      settings->imap_port = 0;
    if (smtp_security != NULL && smtp_port == NULL)
      settings->smtp_port = 0;
  }
  if (enabled != NULL && !parse_yes_no (enabled, &settings->enabled))
    return hd_cli_usage_error (command, _("--enabled is yes or no"));

  if (ask_password && goa != NULL)
    return hd_cli_usage_error (command, _("--password and --goa-account are two ways to sign in: give one"));
  if (goa != NULL && !g_str_equal (goa, "none") &&
      (goa_account = hd_mail_goa_find (goa, NULL, &error)) == NULL)
    {
      g_printerr ("helpdesk-cli: %s\n", error->message);
      return HD_CLI_EXIT_MAIL_SETTINGS;
    }
  if (ask_password && (password = read_password (&error)) == NULL)
    return hd_cli_fail (error);

  if (!hd_store_set_mail_settings (store, settings, settings->version, &error))
    {
      if (password != NULL)
        hd_mail_password_free (password);
      return hd_cli_fail (error);
    }
  g_print (_("The mailbox’s settings are saved.\n"));

  if (password == NULL && goa == NULL)
    return HD_CLI_EXIT_OK;
  g_clear_pointer (&settings, hd_mail_settings_free);
  settings = hd_store_get_mail_settings (store, &error);
  file_id = settings != NULL ? hd_store_get_file_uuid (store, &error) : NULL;
  if (file_id == NULL)
    {
      hd_mail_password_free (password);
      return hd_cli_fail (error);
    }
  account = account_of (settings);
  if (!hd_mail_settings_is_complete (settings))
    {
      hd_mail_password_free (password);
      g_printerr (_("helpdesk-cli: The mailbox is not set up: give its servers and user first.\n"));
      return HD_CLI_EXIT_MAIL_SETTINGS;
    }
  /* A password typed, or "none": the keyring's password signs in again. */
  if (!hd_mail_sign_in_set_goa (file_id, account, goa_account != NULL ? goa_account->id : NULL,
                                &error))
    {
      hd_mail_password_free (password);
      return hd_cli_fail (error);
    }
  if (goa_account != NULL)
    {
      g_print (_("This desk signs in with “%s” of GNOME Online Accounts (%s).\n"),
               goa_account->identity, goa_account->id);
      return HD_CLI_EXIT_OK;
    }
  if (password == NULL)
    {
      g_print (_("This desk signs in with the password in its keyring.\n"));
      return HD_CLI_EXIT_OK;
    }
  if (!hd_mail_password_store (file_id, account, password, NULL, &error))
    {
      hd_mail_password_free (password);
      g_printerr (_("helpdesk-cli: The password could not be kept in the keyring: %s\n"), error->message);
      return HD_CLI_EXIT_MAIL_SETTINGS;
    }
  hd_mail_password_free (password);
  g_print (_("The password is kept in this desk’s keyring.\n"));
  return HD_CLI_EXIT_OK;
}

static int
account_show (const HdCliCommand  *command,
              char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) s = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autofree char *file_id = NULL;
  g_autofree char *password_state = NULL;
  g_autofree char *goa = NULL;
  gboolean json = FALSE;
  gboolean have_password = FALSE;
  int status = HD_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;
  store = hd_cli_open_store (&error);
  if (store == NULL || (s = hd_store_get_mail_settings (store, &error)) == NULL)
    return hd_cli_fail (error);

  /* Whether this desk has a password, never the password. */
  if (hd_mail_settings_is_complete (s) && (file_id = hd_store_get_file_uuid (store, NULL)) != NULL)
    {
      char *password;

      account = account_of (s);
      goa = hd_mail_sign_in_get_goa (file_id, account);
      password = goa == NULL ? hd_mail_password_lookup (file_id, account, NULL, &error) : NULL;
      have_password = password != NULL;
      if (password != NULL)
        hd_mail_password_free (password);
    }
  if (goa != NULL)
    password_state = g_strdup_printf (_("not used: this desk signs in with GNOME Online Accounts (account “%s”)"), goa);
  else if (have_password)
    password_state = g_strdup (_("kept in this desk’s keyring"));
  else if (error != NULL)
    password_state = g_strdup_printf (_("unknown: %s"), error->message);
  else
    password_state = g_strdup (_("none on this desk"));

  if (json)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(HdCliJson) w = hd_cli_json_new (text);

      hd_cli_json_begin_object (w);
      hd_cli_json_member (w, "address"); hd_cli_json_string (w, s->address);
      hd_cli_json_member (w, "name"); hd_cli_json_string (w, s->display_name);
      hd_cli_json_member (w, "imap_host"); hd_cli_json_string (w, s->imap_host);
      hd_cli_json_member (w, "imap_port"); hd_cli_json_int (w, s->imap_port);
      hd_cli_json_member (w, "imap_security"); hd_cli_json_string (w, s->imap_security);
      hd_cli_json_member (w, "folder"); hd_cli_json_string (w, s->imap_folder);
      hd_cli_json_member (w, "smtp_host"); hd_cli_json_string (w, s->smtp_host);
      hd_cli_json_member (w, "smtp_port"); hd_cli_json_int (w, s->smtp_port);
      hd_cli_json_member (w, "smtp_security"); hd_cli_json_string (w, s->smtp_security);
      hd_cli_json_member (w, "user"); hd_cli_json_string (w, s->user_name);
      hd_cli_json_member (w, "interval"); hd_cli_json_int (w, s->interval_seconds);
      hd_cli_json_member (w, "enabled"); hd_cli_json_boolean (w, s->enabled);
      hd_cli_json_member (w, "password_on_this_desk"); hd_cli_json_boolean (w, have_password);
      hd_cli_json_member (w, "goa_account_on_this_desk"); hd_cli_json_string (w, goa);
      hd_cli_json_member (w, "version"); hd_cli_json_int (w, s->version);
      hd_cli_json_end_object (w);
      hd_cli_print_json (text);
      return HD_CLI_EXIT_OK;
    }

  g_print (_("Address:   %s%s%s%s\n"), s->address, s->display_name != NULL ? " (" : "",
           s->display_name != NULL ? s->display_name : "", s->display_name != NULL ? ")" : "");
  g_print (_("IMAP:      %s port %u, %s, folder %s%s\n"), s->imap_host, s->imap_port, s->imap_security,
           s->imap_folder, g_str_equal (s->imap_security, "plain") ? _(" — NOT ENCRYPTED") : "");
  g_print (_("SMTP:      %s port %u, %s%s\n"), s->smtp_host, s->smtp_port, s->smtp_security,
           g_str_equal (s->smtp_security, "plain") ? _(" — NOT ENCRYPTED") : "");
  g_print (_("User:      %s\n"), s->user_name);
  g_print (_("Password:  %s\n"), password_state);
  g_print (_("Fetching:  %s, every %u seconds\n"), s->enabled ? _("on") : _("off"), s->interval_seconds);
  return HD_CLI_EXIT_OK;
}

static int
account_test (const HdCliCommand  *command,
              char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  char *password = NULL;
  int status = HD_CLI_EXIT_OK;
  const GOptionEntry entries[] = { { NULL } };
  gboolean ok;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;
  store = hd_cli_open_store (&error);
  if (store == NULL)
    return hd_cli_fail (error);
  status = load_account (store, FALSE, &account, &password);
  if (status != HD_CLI_EXIT_OK)
    return status;
  ok = hd_mail_account_test (account, password, NULL, &error);
  hd_mail_password_free (password);
  if (!ok)
    return fail_mail (_("The test failed"), error);
  g_print (_("Both servers accepted the login and the folder “%s” opened.\n"),
           hd_mail_account_get_folder (account));
  return HD_CLI_EXIT_OK;
}

static int
cmd_mail_account (const HdCliCommand  *command,
                  char               **args)
{
  if (args[0] != NULL && g_str_equal (args[0], "set"))
    return account_set (command, args + 1);
  if (args[0] != NULL && g_str_equal (args[0], "show"))
    return account_show (command, args + 1);
  if (args[0] != NULL && g_str_equal (args[0], "test"))
    return account_test (command, args + 1);
  /* The help lists the options of set, which has them all. */
  if (args[0] != NULL && (g_str_equal (args[0], "--help") || g_str_equal (args[0], "-h")))
    return account_set (command, args);
  return hd_cli_usage_error (command, _("Say set, show or test."));
}

static void
print_report (const HdMailPassReport *r,
              gboolean                fetching)
{
  if (fetching)
    g_print (_("Fetched: %u; new tickets: %u; replies: %u; not filed: %u; filed before: %u; "
               "marked handled: %u; left in the mailbox: %u.\n"),
             r->fetched, r->tickets, r->replies, r->not_filed, r->already_filed, r->marked,
             r->skipped);
  else
    g_print (_("Sent: %u; failed: %u; postponed: %u.\n"), r->sent, r->failed, r->postponed);
}

/* fetch: one fetch pass, then one send pass (what it queued, the
 * acknowledgements, and whatever else is due). */
static int
run_passes (const HdCliCommand  *command,
            char               **args,
            gboolean             fetch)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autofree char *holder = hd_mail_desk_identity ();
  HdMailPassReport report = { 0, };
  char *password = NULL;
  int status = HD_CLI_EXIT_OK;
  const GOptionEntry entries[] = { { NULL } };

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;
  store = hd_cli_open_store (&error);
  if (store == NULL)
    return hd_cli_fail (error);
  status = load_account (store, TRUE, &account, &password);
  if (status != HD_CLI_EXIT_OK)
    return status;

  if (fetch)
    {
      gboolean ok = hd_mail_fetch_pass (store, account, password, holder, &report, NULL, NULL,
                                        NULL, &error);

      if (report.busy_holder != NULL)
        {
          g_print (_("Another desk reads the mailbox now (%s); nothing fetched.\n"), report.busy_holder);
          hd_mail_pass_report_clear (&report);
          hd_mail_password_free (password);
          return HD_CLI_EXIT_OK;
        }
      print_report (&report, TRUE);
      if (report.uidvalidity_changed)
        g_print (_("The folder was recreated on the server; its messages were looked at again.\n"));
      hd_mail_pass_report_clear (&report);
      if (!ok)
        {
          hd_mail_password_free (password);
          return fail_mail (_("Fetching stopped"), error);
        }
    }

  if (!hd_mail_send_pass (store, account, password, holder, &report, NULL, NULL, NULL, &error))
    {
      print_report (&report, FALSE);
      hd_mail_pass_report_clear (&report);
      hd_mail_password_free (password);
      return fail_mail (_("Sending stopped"), error);
    }
  hd_mail_password_free (password);
  if (report.busy_holder != NULL)
    g_print (_("Another desk sends now (%s); nothing sent.\n"), report.busy_holder);
  else
    print_report (&report, FALSE);
  hd_mail_pass_report_clear (&report);
  return HD_CLI_EXIT_OK;
}

static int
cmd_mail_fetch (const HdCliCommand  *command,
                char               **args)
{
  return run_passes (command, args, TRUE);
}

static int
cmd_mail_send (const HdCliCommand  *command,
               char               **args)
{
  return run_passes (command, args, FALSE);
}

static int
cmd_mail_queue (const HdCliCommand  *command,
                char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gboolean json = FALSE, all = FALSE;
  int status = HD_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Also the messages sent"), NULL },
    { NULL }
  };

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;
  store = hd_cli_open_store (&error);
  if (store == NULL || (rows = hd_store_list_outgoing (store, FALSE, &error)) == NULL)
    return hd_cli_fail (error);

  if (json)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(HdCliJson) w = hd_cli_json_new (text);

      hd_cli_json_begin_array (w);
      for (guint i = 0; i < rows->len; i++)
        {
          HdMailOutgoing *o = g_ptr_array_index (rows, i);

          if (!all && g_str_equal (o->state, "sent"))
            continue;
          hd_cli_json_begin_object (w);
          hd_cli_json_member (w, "id"); hd_cli_json_int (w, o->id);
          hd_cli_json_member (w, "ticket");
          if (o->ticket != 0) hd_cli_json_int (w, o->ticket); else hd_cli_json_null (w);
          hd_cli_json_member (w, "kind"); hd_cli_json_string (w, o->kind);
          hd_cli_json_member (w, "to"); hd_cli_json_string (w, o->to_address);
          hd_cli_json_member (w, "cc"); hd_cli_json_string (w, o->cc);
          hd_cli_json_member (w, "subject"); hd_cli_json_string (w, o->subject);
          hd_cli_json_member (w, "state"); hd_cli_json_string (w, o->state);
          hd_cli_json_member (w, "attempts"); hd_cli_json_int (w, o->attempts);
          hd_cli_json_member (w, "created_at"); hd_cli_json_int (w, o->created_at);
          hd_cli_json_member (w, "next_try_at");
          if (o->next_try_at != 0) hd_cli_json_int (w, o->next_try_at); else hd_cli_json_null (w);
          hd_cli_json_member (w, "server_answer"); hd_cli_json_string (w, o->server_answer);
          hd_cli_json_end_object (w);
        }
      hd_cli_json_end_array (w);
      hd_cli_print_json (text);
      return HD_CLI_EXIT_OK;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      HdMailOutgoing *o = g_ptr_array_index (rows, i);
      g_autofree char *when = NULL;

      if (!all && g_str_equal (o->state, "sent"))
        continue;
      when = o->next_try_at != 0 ? hd_cli_format_time (o->next_try_at) : g_strdup ("-");
      g_print ("%" G_GINT64_FORMAT "\t%s\t#%" G_GINT64_FORMAT "\t%s\t%s\t%d\t%s\t%s\n", o->id, o->state,
               o->ticket, o->to_address, o->kind, o->attempts, when,
               o->server_answer != NULL ? o->server_answer : "");
    }
  return HD_CLI_EXIT_OK;
}

static const HdCliCommand commands[] = {
  { "mail", "import", "FILE", cmd_mail_import, HD_CLI_MAIL_IMPORT_SUMMARY },
  { "mail", "account", "set|show|test", cmd_mail_account, HD_CLI_MAIL_ACCOUNT_SUMMARY },
  { "mail", "fetch", "", cmd_mail_fetch, HD_CLI_MAIL_FETCH_SUMMARY },
  { "mail", "send", "", cmd_mail_send, HD_CLI_MAIL_SEND_SUMMARY },
  { "mail", "queue", "", cmd_mail_queue, HD_CLI_MAIL_QUEUE_SUMMARY },
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
