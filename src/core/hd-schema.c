/* hd-schema.c
 *
 * Migrations are append-only: a released entry is never edited, only
 * followed by a new one, and every entry has a fixture file in
 * tests/fixtures made by the version before it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-schema.h"

/* The full-text search of schema 5: the triggers that keep the indexes in
 * step, tickets_fts and how it is filled from the tickets and their
 * events. Migration 5 made them with exactly this SQL, and
 * hd_schema_search_rebuild() makes them again with it, so a rebuilt index
 * is the one a migrated file has. Should a later migration change any of
 * it, that migration spells out its own SQL, migration 5 gets a copy of
 * today's text, and these follow the newest schema. */
#define TICKETS_FTS_CREATE \
  "CREATE VIRTUAL TABLE tickets_fts USING fts5 (title, description, conversation, internal," \
  " tokenize='unicode61 remove_diacritics 2', prefix='2 3');"

#define TICKETS_FTS_FILL \
  "INSERT INTO tickets_fts (rowid, title, description, conversation, internal)" \
  " SELECT t.id, t.title, t.description," \
  "  coalesce ((SELECT group_concat (e.body, char(10)) FROM ticket_events e" \
  "             WHERE e.ticket_id = t.id AND e.kind = 'reply' AND e.body IS NOT NULL), '')," \
  "  coalesce ((SELECT group_concat (e.body, char(10)) FROM ticket_events e" \
  "             WHERE e.ticket_id = t.id AND e.kind IN ('note', 'field') AND e.body IS NOT NULL), '')" \
  " FROM tickets t;"

#define KB_FTS_TRIGGERS \
  "CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN" \
  "  INSERT INTO kb_fts (rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);" \
  "  INSERT INTO kb_trigram (rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);" \
  " END;" \
  "CREATE TRIGGER kb_articles_fts_delete AFTER DELETE ON kb_articles BEGIN" \
  "  INSERT INTO kb_fts (kb_fts, rowid, title, body, tags)" \
  "   VALUES ('delete', old.id, old.title, old.body, old.tags);" \
  "  INSERT INTO kb_trigram (kb_trigram, rowid, title, body, tags)" \
  "   VALUES ('delete', old.id, old.title, old.body, old.tags);" \
  " END;" \
  "CREATE TRIGGER kb_articles_fts_update AFTER UPDATE OF title, body, tags ON kb_articles BEGIN" \
  "  INSERT INTO kb_fts (kb_fts, rowid, title, body, tags)" \
  "   VALUES ('delete', old.id, old.title, old.body, old.tags);" \
  "  INSERT INTO kb_trigram (kb_trigram, rowid, title, body, tags)" \
  "   VALUES ('delete', old.id, old.title, old.body, old.tags);" \
  "  INSERT INTO kb_fts (rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);" \
  "  INSERT INTO kb_trigram (rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);" \
  " END;"

#define TICKETS_FTS_TRIGGERS \
  "CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN" \
  "  INSERT INTO tickets_fts (rowid, title, description, conversation, internal)" \
  "   VALUES (new.id, new.title, new.description, '', '');" \
  " END;" \
  "CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, description ON tickets" \
  " WHEN old.title IS NOT new.title OR old.description IS NOT new.description BEGIN" \
  "  UPDATE tickets_fts SET title = new.title, description = new.description" \
  "   WHERE rowid = new.id;" \
  " END;" \
  "CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN" \
  "  DELETE FROM tickets_fts WHERE rowid = old.id;" \
  " END;" \
  "CREATE TRIGGER tickets_fts_reply AFTER INSERT ON ticket_events" \
  " WHEN new.kind = 'reply' AND new.body IS NOT NULL BEGIN" \
  "  UPDATE tickets_fts SET conversation =" \
  "   CASE WHEN conversation = '' THEN new.body ELSE conversation || char(10) || new.body END" \
  "   WHERE rowid = new.ticket_id;" \
  " END;" \
  "CREATE TRIGGER tickets_fts_internal AFTER INSERT ON ticket_events" \
  " WHEN new.kind IN ('note', 'field') AND new.body IS NOT NULL BEGIN" \
  "  UPDATE tickets_fts SET internal =" \
  "   CASE WHEN internal = '' THEN new.body ELSE internal || char(10) || new.body END" \
  "   WHERE rowid = new.ticket_id;" \
  " END;"

static const char * const migrations[] = {
  /* 1: the first schema. Times are microseconds since 1970 in UTC. The
   * enums are stored as the nicks of hd-enums.h so the file reads well in
   * other tools, and CHECKs keep other writers honest. */
  "CREATE TABLE settings ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE people ("
  "  id         INTEGER PRIMARY KEY,"
  "  login      TEXT NOT NULL UNIQUE,"
  "  name       TEXT NOT NULL,"
  "  email      TEXT,"
  "  role       TEXT NOT NULL DEFAULT 'requester'"
  "             CHECK (role IN ('requester', 'technician', 'dispatcher')),"
  "  tier       INTEGER CHECK (tier IS NULL OR tier BETWEEN 1 AND 3),"
  "  department TEXT,"
  "  location   TEXT,"
  "  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
  "  created_at INTEGER NOT NULL"
  ") STRICT;"

  /* AUTOINCREMENT: a ticket number is never reused, even after the
   * highest ticket is deleted by another tool. */
  "CREATE TABLE tickets ("
  "  id                INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  title             TEXT NOT NULL CHECK (length(title) > 0),"
  "  description       TEXT NOT NULL DEFAULT '',"
  "  status            TEXT NOT NULL DEFAULT 'new'"
  "                    CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),"
  "  priority          TEXT NOT NULL DEFAULT 'normal'"
  "                    CHECK (priority IN ('low', 'normal', 'high', 'urgent')),"
  "  category          TEXT,"
  "  requester_id      INTEGER NOT NULL REFERENCES people (id),"
  "  assignee_id       INTEGER REFERENCES people (id),"
  "  tier              INTEGER NOT NULL DEFAULT 1 CHECK (tier BETWEEN 1 AND 3),"
  "  department        TEXT,"
  "  location          TEXT,"
  "  asset             TEXT,"
  "  created_at        INTEGER NOT NULL,"
  "  updated_at        INTEGER NOT NULL,"
  "  first_response_at INTEGER,"
  "  resolved_at       INTEGER,"
  "  closed_at         INTEGER,"
  "  version           INTEGER NOT NULL DEFAULT 1"
  ") STRICT;"
  "CREATE INDEX tickets_status_updated ON tickets (status, updated_at);"
  "CREATE INDEX tickets_assignee ON tickets (assignee_id, status);"
  "CREATE INDEX tickets_requester ON tickets (requester_id, status);"

  /* Append-only history and conversation of a ticket. */
  "CREATE TABLE ticket_events ("
  "  id        INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  ticket_id INTEGER NOT NULL REFERENCES tickets (id),"
  "  at        INTEGER NOT NULL,"
  "  actor_id  INTEGER NOT NULL REFERENCES people (id),"
  "  kind      TEXT NOT NULL"
  "            CHECK (kind IN ('created', 'reply', 'note', 'status', 'assignment', 'field')),"
  "  field     TEXT,"
  "  old_value TEXT,"
  "  new_value TEXT,"
  "  body      TEXT"
  ") STRICT;"
  "CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);"

  /* What other clients poll to refresh exactly what changed. */
  "CREATE TABLE change_log ("
  "  seq      INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  at       INTEGER NOT NULL,"
  "  tbl      TEXT NOT NULL,"
  "  row_id   INTEGER NOT NULL,"
  "  actor_id INTEGER REFERENCES people (id),"
  "  kind     TEXT NOT NULL"
  ") STRICT;",

  /* 2: the ticket list pages through the file in these orders; without an
   * index each page would sort the whole table. The rank expressions must
   * stay identical to the ones in hd-store-query.c. */
  "CREATE INDEX tickets_updated ON tickets (updated_at, id);"
  "CREATE INDEX tickets_title ON tickets (title COLLATE NOCASE, id);"
  "CREATE INDEX tickets_priority_rank ON tickets"
  " ((CASE priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END), id);"
  "CREATE INDEX tickets_status_rank ON tickets"
  " ((CASE status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2"
  " WHEN 'resolved' THEN 3 ELSE 4 END), id);"
  "CREATE INDEX people_name ON people (name COLLATE NOCASE, id);",

  /* 3: sorting by requester or assignee walks people_name and, for each
   * person, these indexes in ticket number order (SQLite appends the
   * rowid), so a page stops after its rows. tickets_requester and
   * tickets_assignee end in the status, which would need a sort. */
  "CREATE INDEX tickets_requester_id ON tickets (requester_id);"
  "CREATE INDEX tickets_assignee_id ON tickets (assignee_id);",

  /* 4: SLA deadlines and alerts. The policies are the engine's defaults
   * (hd_sla_policy_new_default(), test-sla-store checks they agree); a
   * category of '' is the priority's policy for every category without one
   * of its own. The calendar ('sla.calendar' in settings) and the tickets'
   * due_at and warn_at are written by hd-store-sla.c in this same
   * transaction, since they need the machine's zone and the SLA engine.
   * due_at and warn_at hold the clock a list shows (hd_sla_result_get_current())
   * while it runs, NULL otherwise. DUE_RANK in hd-store-query.c is the
   * indexed expression: tickets without a deadline sort last. Only running
   * tickets have a warn_at, so tickets_warn stays small. */
  "CREATE TABLE sla_policies ("
  "  priority         TEXT NOT NULL"
  "                   CHECK (priority IN ('low', 'normal', 'high', 'urgent')),"
  "  category         TEXT NOT NULL DEFAULT '',"
  "  response_minutes INTEGER NOT NULL CHECK (response_minutes BETWEEN 0 AND 527040),"
  "  resolve_minutes  INTEGER NOT NULL CHECK (resolve_minutes BETWEEN 0 AND 527040),"
  "  warn_percent     INTEGER NOT NULL DEFAULT 75 CHECK (warn_percent BETWEEN 1 AND 99),"
  "  PRIMARY KEY (priority, category)"
  ") STRICT;"
  "INSERT INTO sla_policies (priority, category, response_minutes, resolve_minutes, warn_percent)"
  " VALUES ('low', '', 480, 2400, 75), ('normal', '', 240, 960, 75),"
  " ('high', '', 60, 480, 75), ('urgent', '', 30, 240, 75);"

  "ALTER TABLE tickets ADD COLUMN due_at INTEGER;"
  "ALTER TABLE tickets ADD COLUMN warn_at INTEGER;"
  "CREATE INDEX tickets_due ON tickets ((coalesce(due_at, 9223372036854775807)), id);"
  "CREATE INDEX tickets_warn ON tickets (warn_at) WHERE warn_at IS NOT NULL;"

  /* One row per ticket, kind, recipient and deadline, however many
   * desktops compute it; delivered_at is set by the one that shows it. */
  "CREATE TABLE alerts ("
  "  id           INTEGER PRIMARY KEY,"
  "  ticket_id    INTEGER NOT NULL REFERENCES tickets (id),"
  "  kind         TEXT NOT NULL CHECK (kind IN ('assigned', 'sla-warning', 'sla-breach')),"
  "  recipient_id INTEGER NOT NULL REFERENCES people (id),"
  "  deadline     INTEGER NOT NULL,"
  "  actor_id     INTEGER REFERENCES people (id),"
  "  created_at   INTEGER NOT NULL,"
  "  delivered_at INTEGER,"
  "  UNIQUE (ticket_id, kind, recipient_id, deadline)"
  ") STRICT;"
  "CREATE INDEX alerts_recipient ON alerts (recipient_id, delivered_at);",

  /* 5: the knowledge base, and full-text search.
   *
   * Categories are a tree; sibling names differ regardless of case (the
   * UNIQUE index names the top level 0, since NULLs never collide). Tags
   * are one column, lower case, sorted and joined by newlines, so the
   * full-text index can cover them without a join.
   *
   * kb_fts (words) and kb_trigram (three-character substrings, for parts
   * of words) index kb_articles as external content, and the triggers
   * keep them in step inside the writer's own transaction, whichever
   * program writes. kb_article_events is the history: each row holds the
   * title and body after the change and, when they changed, before it.
   *
   * tickets_fts holds its own copy of the text (a contentless table
   * cannot delete rows in SQLite 3.40): title, description, the public
   * conversation (replies) and, in a column of its own that requesters'
   * searches never look at, internal text (notes, and the notes of
   * escalations: "field" events with a body). ticket_events is
   * append-only, so a new event appends to its column. */
  "CREATE TABLE kb_categories ("
  "  id        INTEGER PRIMARY KEY,"
  "  parent_id INTEGER REFERENCES kb_categories (id),"
  "  name      TEXT NOT NULL CHECK (length(name) > 0 AND instr(name, '/') = 0)"
  ") STRICT;"
  "CREATE UNIQUE INDEX kb_categories_name ON kb_categories"
  " ((coalesce(parent_id, 0)), name COLLATE NOCASE);"

  "CREATE TABLE kb_articles ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  title       TEXT NOT NULL CHECK (length(title) > 0),"
  "  body        TEXT NOT NULL DEFAULT '',"
  "  category_id INTEGER REFERENCES kb_categories (id),"
  "  tags        TEXT NOT NULL DEFAULT '',"
  "  visibility  TEXT NOT NULL DEFAULT 'internal' CHECK (visibility IN ('internal', 'faq')),"
  "  author_id   INTEGER NOT NULL REFERENCES people (id),"
  "  created_at  INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL,"
  "  archived_at INTEGER,"
  "  version     INTEGER NOT NULL DEFAULT 1"
  ") STRICT;"
  "CREATE INDEX kb_articles_title ON kb_articles (title COLLATE NOCASE, id);"
  "CREATE INDEX kb_articles_category ON kb_articles (category_id, title COLLATE NOCASE, id);"

  "CREATE TABLE kb_article_events ("
  "  id         INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  article_id INTEGER NOT NULL REFERENCES kb_articles (id),"
  "  at         INTEGER NOT NULL,"
  "  actor_id   INTEGER NOT NULL REFERENCES people (id),"
  "  kind       TEXT NOT NULL CHECK (kind IN ('created', 'edited', 'archived', 'restored')),"
  "  version    INTEGER NOT NULL,"
  "  fields     TEXT NOT NULL DEFAULT '',"
  "  old_title  TEXT,"
  "  old_body   TEXT,"
  "  title      TEXT NOT NULL,"
  "  body       TEXT NOT NULL"
  ") STRICT;"
  "CREATE INDEX kb_article_events_article ON kb_article_events (article_id, id);"

  "CREATE TABLE ticket_article_links ("
  "  ticket_id  INTEGER NOT NULL REFERENCES tickets (id),"
  "  article_id INTEGER NOT NULL REFERENCES kb_articles (id),"
  "  linked_by  INTEGER NOT NULL REFERENCES people (id),"
  "  linked_at  INTEGER NOT NULL,"
  "  PRIMARY KEY (ticket_id, article_id)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE INDEX ticket_article_links_article ON ticket_article_links (article_id, ticket_id);"

  "CREATE VIRTUAL TABLE kb_fts USING fts5 (title, body, tags,"
  " content='kb_articles', content_rowid='id',"
  " tokenize='unicode61 remove_diacritics 2', prefix='2 3');"
  "CREATE VIRTUAL TABLE kb_trigram USING fts5 (title, body, tags,"
  " content='kb_articles', content_rowid='id', tokenize='trigram');"
  KB_FTS_TRIGGERS

  TICKETS_FTS_CREATE
  TICKETS_FTS_FILL
  TICKETS_FTS_TRIGGERS,

  /* 6: email. Every message the helpdesk receives or sends is a row of
   * mail_messages, whose message_id (without angle brackets) is unique: a
   * message filed twice is found there and filing it again does nothing.
   * A message without a Message-ID is known by header_hash, a SHA-256 of
   * its headers, which every row carries. A received message either
   * became a ticket or a reply (ticket_id, event_id), or was not filed
   * (not_filed_reason, a sentence for the dispatcher); an outgoing one
   * names the ticket it belongs to, so replies to it thread there. The
   * original bytes are kept in mail_raw, apart, so that reading the
   * message rows never reads whole mails.
   *
   * The outbox is one row per outgoing message, sent by whichever desk
   * holds the mail lease: queued, then sending, then sent or failed with
   * the server's answer; attempts and next_try_at pace the retries.
   * to_addr is the lower-case address it goes to first, for the rate of
   * automatic messages to one address. The MIME text is composed from the
   * row when it is sent.
   *
   * mail_account is the one mailbox of the file, never its password
   * (that lives in each desk's keyring); mail_lease says which desk
   * fetches and sends now. Attachments are stored once per content
   * (attachment_blobs, by SHA-256, streamed with SQLite's blob I/O) and
   * named per message. Participants are the people Cc'd on a ticket. */
  "CREATE TABLE mail_messages ("
  "  id               INTEGER PRIMARY KEY,"
  "  direction        TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
  "  message_id       TEXT UNIQUE CHECK (message_id IS NULL OR length(message_id) > 0),"
  "  header_hash      TEXT NOT NULL,"
  "  ticket_id        INTEGER REFERENCES tickets (id),"
  "  event_id         INTEGER REFERENCES ticket_events (id),"
  "  person_id        INTEGER REFERENCES people (id),"
  "  from_addr        TEXT NOT NULL DEFAULT '',"
  "  from_name        TEXT,"
  "  subject          TEXT NOT NULL DEFAULT '',"
  "  in_reply_to      TEXT,"
  "  refs             TEXT,"
  "  sent_at          INTEGER,"
  "  stored_at        INTEGER NOT NULL,"
  "  not_filed_reason TEXT,"
  "  CHECK (direction = 'in' OR not_filed_reason IS NULL)"
  ") STRICT;"
  "CREATE UNIQUE INDEX mail_messages_hash ON mail_messages (header_hash)"
  " WHERE message_id IS NULL;"
  "CREATE INDEX mail_messages_ticket ON mail_messages (ticket_id, id);"
  "CREATE INDEX mail_messages_not_filed ON mail_messages (stored_at)"
  " WHERE not_filed_reason IS NOT NULL;"

  "CREATE TABLE mail_raw ("
  "  message_id INTEGER PRIMARY KEY REFERENCES mail_messages (id),"
  "  raw        BLOB NOT NULL"
  ") STRICT;"

  "CREATE TABLE mail_outbox ("
  "  id            INTEGER PRIMARY KEY,"
  "  message_id    INTEGER NOT NULL UNIQUE REFERENCES mail_messages (id),"
  "  ticket_id     INTEGER REFERENCES tickets (id),"
  "  kind          TEXT NOT NULL"
  "                CHECK (kind IN ('acknowledgement', 'reply', 'resolved', 'alert', 'other')),"
  "  automatic     INTEGER NOT NULL CHECK (automatic IN (0, 1)),"
  "  to_addr       TEXT NOT NULL,"
  "  to_name       TEXT,"
  "  cc            TEXT,"
  "  subject       TEXT NOT NULL,"
  "  body          TEXT NOT NULL,"
  "  state         TEXT NOT NULL DEFAULT 'queued'"
  "                CHECK (state IN ('queued', 'sending', 'sent', 'failed')),"
  "  attempts      INTEGER NOT NULL DEFAULT 0,"
  "  next_try_at   INTEGER,"
  "  server_answer TEXT,"
  "  created_at    INTEGER NOT NULL,"
  "  sent_at       INTEGER"
  ") STRICT;"
  "CREATE INDEX mail_outbox_waiting ON mail_outbox (next_try_at)"
  " WHERE state IN ('queued', 'sending');"
  "CREATE INDEX mail_outbox_to ON mail_outbox (to_addr, created_at) WHERE automatic = 1;"
  "CREATE INDEX mail_outbox_ticket ON mail_outbox (ticket_id);"

  "CREATE TABLE mail_account ("
  "  id            INTEGER PRIMARY KEY CHECK (id = 1),"
  "  address       TEXT NOT NULL DEFAULT '',"
  "  display_name  TEXT,"
  "  imap_host     TEXT NOT NULL DEFAULT '',"
  "  imap_port     INTEGER NOT NULL DEFAULT 993 CHECK (imap_port BETWEEN 1 AND 65535),"
  "  imap_security TEXT NOT NULL DEFAULT 'tls'"
  "                CHECK (imap_security IN ('tls', 'starttls', 'plain')),"
  "  imap_folder   TEXT NOT NULL DEFAULT 'INBOX',"
  "  smtp_host     TEXT NOT NULL DEFAULT '',"
  "  smtp_port     INTEGER NOT NULL DEFAULT 465 CHECK (smtp_port BETWEEN 1 AND 65535),"
  "  smtp_security TEXT NOT NULL DEFAULT 'tls'"
  "                CHECK (smtp_security IN ('tls', 'starttls', 'plain')),"
  "  user_name     TEXT NOT NULL DEFAULT '',"
  "  interval_seconds INTEGER NOT NULL DEFAULT 60 CHECK (interval_seconds >= 10),"
  "  enabled       INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),"
  "  uid_validity  INTEGER,"
  "  last_uid      INTEGER,"
  "  version       INTEGER NOT NULL DEFAULT 1"
  ") STRICT;"

  "CREATE TABLE mail_lease ("
  "  id          INTEGER PRIMARY KEY CHECK (id = 1),"
  "  holder      TEXT NOT NULL,"
  "  taken_at    INTEGER NOT NULL,"
  "  expires_at  INTEGER NOT NULL"
  ") STRICT;"

  "CREATE TABLE attachment_blobs ("
  "  id     INTEGER PRIMARY KEY,"
  "  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
  "  size   INTEGER NOT NULL CHECK (size >= 0),"
  "  data   BLOB NOT NULL"
  ") STRICT;"

  "CREATE TABLE attachments ("
  "  id           INTEGER PRIMARY KEY,"
  "  blob_id      INTEGER NOT NULL REFERENCES attachment_blobs (id),"
  "  message_id   INTEGER REFERENCES mail_messages (id),"
  "  ticket_id    INTEGER REFERENCES tickets (id),"
  "  event_id     INTEGER REFERENCES ticket_events (id),"
  "  name         TEXT NOT NULL CHECK (length(name) > 0 AND instr(name, '/') = 0),"
  "  content_type TEXT NOT NULL DEFAULT 'application/octet-stream',"
  "  size         INTEGER NOT NULL CHECK (size >= 0),"
  "  inline       INTEGER NOT NULL DEFAULT 0 CHECK (inline IN (0, 1)),"
  "  added_by     INTEGER REFERENCES people (id),"
  "  added_at     INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX attachments_message ON attachments (message_id);"
  "CREATE INDEX attachments_ticket ON attachments (ticket_id, id);"
  "CREATE INDEX attachments_blob ON attachments (blob_id);"

  "CREATE TABLE ticket_participants ("
  "  ticket_id INTEGER NOT NULL REFERENCES tickets (id),"
  "  person_id INTEGER NOT NULL REFERENCES people (id),"
  "  added_at  INTEGER NOT NULL,"
  "  PRIMARY KEY (ticket_id, person_id)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE INDEX ticket_participants_person ON ticket_participants (person_id, ticket_id);"

  /* How each person hears of alerts, and when not by mail. */
  "ALTER TABLE people ADD COLUMN alert_delivery TEXT NOT NULL DEFAULT 'desktop'"
  " CHECK (alert_delivery IN ('desktop', 'email', 'both'));"
  "CREATE INDEX people_email ON people (lower(email)) WHERE email IS NOT NULL;",

  /* 7: what Helpdesk sends on its own. Quiet hours are minutes of the
   * day (0–1439) in the helpdesk's time zone (its SLA calendar's), start
   * and end, across midnight when the end is the smaller; NULL for none:
   * an alert by mail queued inside them waits until they end. An outbox
   * row made for an alert names it (alert_id, unique), so an alert is
   * queued once however many desks raise it; note says who was left out
   * of a message and why (no address), or, on a row that was never sent
   * (failed, no attempts), why nobody could be written to. mail_templates
   * holds the dispatcher's own texts; a template without a row is the
   * translated default. */
  "ALTER TABLE people ADD COLUMN quiet_start INTEGER"
  " CHECK (quiet_start IS NULL OR quiet_start BETWEEN 0 AND 1439);"
  "ALTER TABLE people ADD COLUMN quiet_end INTEGER"
  " CHECK (quiet_end IS NULL OR quiet_end BETWEEN 0 AND 1439);"
  "ALTER TABLE mail_outbox ADD COLUMN alert_id INTEGER REFERENCES alerts (id);"
  "ALTER TABLE mail_outbox ADD COLUMN note TEXT;"
  "CREATE UNIQUE INDEX mail_outbox_alert ON mail_outbox (alert_id) WHERE alert_id IS NOT NULL;"

  "CREATE TABLE mail_templates ("
  "  name       TEXT PRIMARY KEY CHECK (name IN ('acknowledgement', 'reply', 'resolved',"
  "             'alert-new-ticket', 'alert-assigned', 'alert-sla-warning', 'alert-sla-breach')),"
  "  body       TEXT NOT NULL,"
  "  updated_by INTEGER REFERENCES people (id),"
  "  updated_at INTEGER NOT NULL"
  ") STRICT, WITHOUT ROWID;",

  /* 8: people with more than one address, and the new-ticket alert.
   * person_addresses holds a person's addresses besides people.email,
   * lower case, each reaching one person: the address of a record merged
   * into another keeps finding the person it was merged into.
   *
   * alerts may now be of kind 'new-ticket' (to a dispatcher), so that
   * its mail is queued once like the other alerts' (mail_outbox.alert_id).
   * SQLite changes a CHECK only by making the table again; foreign keys
   * are enforced in migrations, so the outbox's links to alerts are set
   * aside while the old table goes, and put back on the new one, whose
   * rows keep their ids. */
  "CREATE TABLE person_addresses ("
  "  address   TEXT PRIMARY KEY CHECK (length(address) > 0 AND address = lower(address)),"
  "  person_id INTEGER NOT NULL REFERENCES people (id),"
  "  added_at  INTEGER NOT NULL"
  ") STRICT, WITHOUT ROWID;"
  "CREATE INDEX person_addresses_person ON person_addresses (person_id);"

  "CREATE TEMP TABLE outbox_alert_links AS"
  " SELECT id, alert_id FROM mail_outbox WHERE alert_id IS NOT NULL;"
  "UPDATE mail_outbox SET alert_id = NULL WHERE alert_id IS NOT NULL;"
  "CREATE TABLE alerts_8 ("
  "  id           INTEGER PRIMARY KEY,"
  "  ticket_id    INTEGER NOT NULL REFERENCES tickets (id),"
  "  kind         TEXT NOT NULL"
  "               CHECK (kind IN ('assigned', 'sla-warning', 'sla-breach', 'new-ticket')),"
  "  recipient_id INTEGER NOT NULL REFERENCES people (id),"
  "  deadline     INTEGER NOT NULL,"
  "  actor_id     INTEGER REFERENCES people (id),"
  "  created_at   INTEGER NOT NULL,"
  "  delivered_at INTEGER,"
  "  UNIQUE (ticket_id, kind, recipient_id, deadline)"
  ") STRICT;"
  "INSERT INTO alerts_8 (id, ticket_id, kind, recipient_id, deadline, actor_id, created_at,"
  " delivered_at) SELECT id, ticket_id, kind, recipient_id, deadline, actor_id, created_at,"
  " delivered_at FROM alerts;"
  "DROP TABLE alerts;"
  "ALTER TABLE alerts_8 RENAME TO alerts;"
  "CREATE INDEX alerts_recipient ON alerts (recipient_id, delivered_at);"
  "UPDATE mail_outbox SET alert_id = (SELECT l.alert_id FROM outbox_alert_links l"
  "  WHERE l.id = mail_outbox.id)"
  " WHERE id IN (SELECT id FROM outbox_alert_links);"
  "DROP TABLE outbox_alert_links;",

  /* 9: a ticket's deadlines are worked out from its status changes
   * (hd-store-sla.c). ticket_events_ticket finds all of a ticket's
   * events, and each one's row had to be read to see its kind: with a
   * few replies per ticket, reading the status changes of 100 000 open
   * tickets for a calendar change took two seconds. This index holds the
   * status changes alone, with what is read of them. */
  "CREATE INDEX ticket_events_status ON ticket_events (ticket_id, id, at, new_value)"
  " WHERE kind = 'status';",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == HD_SCHEMA_VERSION);

const char *
hd_schema_migration (int to)
{
  g_return_val_if_fail (to >= 1 && to <= HD_SCHEMA_VERSION, NULL);

  return migrations[to - 1];
}

/* The full-text indexes from the rows they index, and the triggers that
 * keep them in step, made again as another tool may have dropped or
 * changed them. The knowledge base's indexes are external content: FTS5
 * reads kb_articles again. tickets_fts holds its own copy, possibly
 * damaged too: it is dropped, which needs no part of it to be readable
 * (unlike deleting its rows), and made and filled as by migration 5. */
const char *
hd_schema_search_rebuild (void)
{
  return "DROP TRIGGER IF EXISTS kb_articles_fts_insert;"
         "DROP TRIGGER IF EXISTS kb_articles_fts_delete;"
         "DROP TRIGGER IF EXISTS kb_articles_fts_update;"
         "DROP TRIGGER IF EXISTS tickets_fts_insert;"
         "DROP TRIGGER IF EXISTS tickets_fts_update;"
         "DROP TRIGGER IF EXISTS tickets_fts_delete;"
         "DROP TRIGGER IF EXISTS tickets_fts_reply;"
         "DROP TRIGGER IF EXISTS tickets_fts_internal;"
         KB_FTS_TRIGGERS
         TICKETS_FTS_TRIGGERS
         "INSERT INTO kb_fts (kb_fts) VALUES ('rebuild');"
         "INSERT INTO kb_trigram (kb_trigram) VALUES ('rebuild');"
         "DROP TABLE IF EXISTS tickets_fts;"
         TICKETS_FTS_CREATE
         TICKETS_FTS_FILL;
}

/* The triggers hd_schema_search_rebuild() makes, as named in the file. */
const char * const *
hd_schema_search_triggers (void)
{
  static const char * const names[] = {
    "kb_articles_fts_insert", "kb_articles_fts_delete", "kb_articles_fts_update",
    "tickets_fts_insert", "tickets_fts_update", "tickets_fts_delete", "tickets_fts_reply",
    "tickets_fts_internal", NULL
  };

  return names;
}
