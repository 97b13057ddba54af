/* hd-cli-output.h — how helpdesk-cli prints people, tickets and history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-cli-json.h"
#include "hd-store.h"

G_BEGIN_DECLS

typedef enum {
  HD_CLI_FORMAT_TEXT,
  HD_CLI_FORMAT_JSON,
  HD_CLI_FORMAT_CSV,
} HdCliFormat;

char       *hd_cli_format_time      (gint64              usec);
void        hd_cli_json_person      (HdCliJson          *json,
                                     HdPerson           *person);
void        hd_cli_json_ticket      (HdCliJson          *json,
                                     HdTicket           *ticket,
                                     GPtrArray          *events);
void        hd_cli_print_json       (GString            *text);
void        hd_cli_print_people     (GPtrArray          *people,
                                     HdCliFormat         format);
void        hd_cli_print_ticket     (HdTicket           *ticket,
                                     GPtrArray          *events);
char       *hd_cli_format_due       (HdTicket           *ticket,
                                     gint64              now);
const char *hd_cli_due_state_nick   (HdSlaDueState       state);
void        hd_cli_json_sla         (HdCliJson          *json,
                                     gint64              number,
                                     const HdSlaPolicy  *policy,
                                     const HdSlaResult  *result,
                                     char              **lines);
void        hd_cli_print_alerts     (GPtrArray          *alerts,
                                     HdCliFormat         format);
void        hd_cli_print_sla_rules  (GPtrArray          *rules,
                                     HdCliFormat         format);
void        hd_cli_json_article_members (HdCliJson      *json,
                                         HdArticle      *article,
                                         gboolean        with_body);
void        hd_cli_print_articles   (GPtrArray          *articles,
                                     HdCliFormat         format);
void        hd_cli_print_article    (HdArticle          *article,
                                     GPtrArray          *tickets);
void        hd_cli_print_hits       (GPtrArray          *hits,
                                     HdCliFormat         format);

/* A list of tickets, printed one at a time (hd_store_foreach_ticket()). */
typedef struct _HdCliTicketPrinter HdCliTicketPrinter;

HdCliTicketPrinter *hd_cli_ticket_printer_new       (HdCliFormat         format);
void                hd_cli_ticket_printer_free      (HdCliTicketPrinter *printer);
gboolean            hd_cli_ticket_printer_add       (HdTicket           *ticket,
                                                     gpointer            printer);
guint               hd_cli_ticket_printer_get_count (HdCliTicketPrinter *printer);
int                 hd_cli_ticket_printer_finish    (HdCliTicketPrinter *printer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdCliTicketPrinter, hd_cli_ticket_printer_free)

G_END_DECLS
