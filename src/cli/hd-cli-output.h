/* hd-cli-output.h — how helpdesk-cli prints people, tickets and history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hd-store.h"

G_BEGIN_DECLS

typedef enum {
  HD_CLI_FORMAT_TEXT,
  HD_CLI_FORMAT_JSON,
  HD_CLI_FORMAT_CSV,
} HdCliFormat;

char     *hd_cli_format_time      (gint64         usec);
JsonNode *hd_cli_person_to_json   (HdPerson      *person);
JsonNode *hd_cli_ticket_to_json   (HdTicket      *ticket,
                                   GPtrArray     *events);
void      hd_cli_print_json       (JsonNode      *node);
void      hd_cli_print_people     (GPtrArray     *people,
                                   HdCliFormat    format);
void      hd_cli_print_tickets    (GPtrArray     *tickets,
                                   HdCliFormat    format);
void      hd_cli_print_ticket     (HdTicket      *ticket,
                                   GPtrArray     *events);
char     *hd_cli_format_due       (HdTicket      *ticket,
                                   gint64         now);
const char *hd_cli_due_state_nick (HdSlaDueState  state);
JsonNode *hd_cli_sla_to_json      (gint64              number,
                                   const HdSlaPolicy  *policy,
                                   const HdSlaResult  *result,
                                   char              **lines);
void      hd_cli_print_alerts     (GPtrArray     *alerts,
                                   HdCliFormat    format);
void      hd_cli_print_sla_rules  (GPtrArray     *rules,
                                   HdCliFormat    format);
JsonNode *hd_cli_article_to_json  (HdArticle     *article,
                                   gboolean       with_body);
void      hd_cli_print_articles   (GPtrArray     *articles,
                                   HdCliFormat    format);
void      hd_cli_print_article    (HdArticle     *article,
                                   GPtrArray     *tickets);
void      hd_cli_print_hits       (GPtrArray     *hits,
                                   HdCliFormat    format);

G_END_DECLS
