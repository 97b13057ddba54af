/* hd-cli-common.h — what every command group of helpdesk-cli shares
 *
 * A command group is one file, hd-cli-GROUP.c, that exports a table of
 * its commands (declared below); hd-cli.c lists the tables and runs the
 * command the words name. Everything a command does between its words
 * and its output is here: the file it works on, its arguments, its
 * errors and exit codes.
 *
 * Exit codes are part of the interface (see README): 0 done, 1 usage or
 * invalid input, 2 not found, 3 conflict, 4 permission denied, 5 the file
 * cannot be used.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hd-store.h"

G_BEGIN_DECLS

enum {
  HD_CLI_EXIT_OK = 0,
  HD_CLI_EXIT_USAGE = 1,
  HD_CLI_EXIT_NOT_FOUND = 2,
  HD_CLI_EXIT_CONFLICT = 3,
  HD_CLI_EXIT_DENIED = 4,
  HD_CLI_EXIT_UNUSABLE = 5,
};

typedef struct _HdCliCommand HdCliCommand;

/* Runs @command with the words after its name; returns the exit code. */
typedef int (*HdCliCommandFunc) (const HdCliCommand  *command,
                                 char               **args);

/* One command: "helpdesk-cli GROUP NAME PARAMETERS", or "helpdesk-cli
 * NAME PARAMETERS" when @group is %NULL. A table ends with { NULL }. */
struct _HdCliCommand
{
  const char       *group;
  const char       *name;
  const char       *parameters;  /* for --help: "NUMBER LOGIN|none" */
  HdCliCommandFunc  run;
  const char       *summary;     /* one line for --help, marked for translation */
};

/* The tables of the command groups, in hd-cli-GROUP.c; hd-cli.c lists
 * them in the order --help shows them. */
extern const HdCliCommand hd_cli_init_commands[];    /* hd-cli-admin.c */
extern const HdCliCommand hd_cli_person_commands[];  /* hd-cli-person.c */
extern const HdCliCommand hd_cli_ticket_commands[];  /* hd-cli-ticket.c */
extern const HdCliCommand hd_cli_attachment_commands[]; /* hd-cli-attachment.c */
extern const HdCliCommand hd_cli_sla_commands[];     /* hd-cli-sla.c */
extern const HdCliCommand hd_cli_kb_commands[];      /* hd-cli-kb.c */
extern const HdCliCommand hd_cli_alerts_commands[];  /* hd-cli-sla.c */
extern const HdCliCommand hd_cli_file_commands[];    /* hd-cli-admin.c */
extern const HdCliCommand hd_cli_mail_commands[];    /* hd-cli-mail.c */

/* Running a command */

void        hd_cli_set_db_option         (const char           *path);
const char *hd_cli_get_db_option         (void);
int         hd_cli_run                   (const HdCliCommand   *command,
                                          char                **args);

/* The file, and what to say when it is damaged */

char       *hd_cli_db_path               (void);
char       *hd_cli_shell_word            (const char           *text);
char       *hd_cli_last_good_backup_hint (const char           *path);
gboolean    hd_cli_may_be_damaged        (const char           *path,
                                          const GError         *error);
HdStore    *hd_cli_open_store_full       (HdStoreOpenFlags      flags,
                                          GError              **error);
HdStore    *hd_cli_open_store            (GError              **error);
HdStore    *hd_cli_open_store_verified   (GError              **error);

/* Errors */

int         hd_cli_fail                  (const GError         *error);
int         hd_cli_usage_error           (const HdCliCommand   *command,
                                          const char           *message);

/* Arguments: each returns %FALSE with the exit code in @status after
 * saying what is wrong. */

gboolean    hd_cli_parse                 (const HdCliCommand   *command,
                                          const GOptionEntry   *entries,
                                          char                **args,
                                          guint                 n_positional,
                                          char               ***positional,
                                          int                  *status);
gboolean    hd_cli_parse_number          (const HdCliCommand   *command,
                                          const char           *text,
                                          gint64               *number,
                                          int                  *status);
gboolean    hd_cli_parse_option_number   (const HdCliCommand   *command,
                                          const char           *option,
                                          const char           *text,
                                          gint64                min,
                                          gint64                max,
                                          gint64               *value,
                                          int                  *status);
gboolean    hd_cli_parse_enum            (const HdCliCommand   *command,
                                          GType                 type,
                                          const char           *what,
                                          const char           *nick,
                                          int                  *value,
                                          int                  *status);

/* Text from a file or standard input ("-"), read before the helpdesk
 * file is opened */

char       *hd_cli_read_text_file        (const char           *path,
                                          const char           *field,
                                          GError              **error);
gboolean    hd_cli_pick_text             (const char           *inline_text,
                                          const char           *file,
                                          const char           *field,
                                          char                **out,
                                          GError              **error);

G_END_DECLS
