/* hd-cli-mail.h — the mail commands, run by a tool of their own
 *
 * Reading and sending mail needs GMime, libxml2 (and, for the network,
 * libcurl and libsecret): a few milliseconds of loading that every other
 * command would pay. So "helpdesk-cli mail …" runs helpdesk-cli-mail, a
 * second executable beside it or in libexecdir, with the same words; the
 * summaries are shared so that both print the same help.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-cli-common.h"

#define HD_CLI_MAIL_TOOL "helpdesk-cli-mail"

#define HD_CLI_MAIL_IMPORT_SUMMARY \
  N_("File the messages of an .eml or mbox file as fetched mail is filed (staff only).")

#define HD_CLI_MAIL_TEMPLATE_SUMMARY \
  N_("List, show, change, reset or preview the texts Helpdesk mails (set, reset: dispatcher only).")
#define HD_CLI_MAIL_ALERTS_SUMMARY \
  N_("Show or set how someone gets alerts (desktop, email, both) and their quiet hours.")

#define HD_CLI_MAIL_ACCOUNT_SUMMARY \
  N_("Set, show or test the support mailbox (set: dispatcher only; the password goes to this desk’s keyring).")
#define HD_CLI_MAIL_FETCH_SUMMARY \
  N_("File what arrived in the mailbox, then send what is due: one pass, for cron.")
#define HD_CLI_MAIL_SEND_SUMMARY \
  N_("Send the messages of the outbox that are due.")
#define HD_CLI_MAIL_QUEUE_SUMMARY \
  N_("List the messages waiting to be sent, or that failed (--all: the sent ones too).")

/* hd-cli-mail-template.c, in helpdesk-cli-mail */
extern const HdCliCommand hd_cli_mail_template_commands[];
