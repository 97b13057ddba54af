/* hd-schema.h — the file's schema and its migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* PRAGMA user_version of a file this program writes. One entry per bump:
 *
 *   1 — people, tickets, ticket_events, change_log, settings
 *   2 — indexes for every order the ticket list sorts by
 *   3 — tickets by requester and by assignee in number order, for the
 *       people-first requester and assignee sorts
 *   4 — SLA policies, the calendar setting, tickets' due_at and warn_at,
 *       alerts
 *   5 — the knowledge base (categories, articles, their history, links to
 *       tickets), FTS5 indexes over articles (words and trigrams) and over
 *       tickets (tickets_fts)
 *   6 — email: messages in and out (mail_messages, mail_raw), the outbox,
 *       the mailbox settings and fetch lease, attachments, ticket
 *       participants, and each person's alert delivery
 *   7 — quiet hours, the outbox's alert links and notes, mail templates
 *   8 — people's further addresses (person_addresses), and alerts of
 *       kind 'new-ticket'
 */
#define HD_SCHEMA_VERSION 9

/* The SQL that takes a file from version @to - 1 to @to (1 ≤ @to ≤
 * HD_SCHEMA_VERSION). Each runs in its own write transaction. */
const char *hd_schema_migration (int to);

/* The SQL that rebuilds every full-text index (kb_fts, kb_trigram,
 * tickets_fts) of a file of HD_SCHEMA_VERSION from the rows it indexes,
 * and makes again the triggers that keep them in step. Run it in one
 * write transaction. */
const char *hd_schema_search_rebuild (void);

/* Those triggers' names, %NULL-terminated. */
const char * const *hd_schema_search_triggers (void);

G_END_DECLS
