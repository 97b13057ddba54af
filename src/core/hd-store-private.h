/* hd-store-private.h — what the store files share and nobody else sees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include "hd-store.h"
#include "hd-validate.h"

G_BEGIN_DECLS

/* Column lists for the row constructors below; keep them in step. */
#define HD_PERSON_COLUMNS \
  "p.id, p.login, p.name, p.email, p.role, p.tier, p.department, " \
  "p.location, p.active"

#define HD_TICKET_COLUMNS \
  "t.id, t.title, t.description, t.status, t.priority, t.category, " \
  "r.login, r.name, a.login, a.name, t.tier, t.department, t.location, " \
  "t.created_at, t.updated_at, t.first_response_at, t.resolved_at, " \
  "t.closed_at, t.version, t.due_at, t.warn_at"

#define HD_TICKET_FROM \
  " FROM tickets t JOIN people r ON r.id = t.requester_id" \
  " LEFT JOIN people a ON a.id = t.assignee_id"

/* What a list shows of a ticket (HdTicketFilter.summary). Without the
 * requester, the join from tickets needs no other person than the
 * assignee: SQLite leaves out a LEFT JOIN whose columns are not used. */
#define HD_TICKET_SUMMARY_COLUMNS \
  "t.id, t.title, t.status, t.priority, a.login, t.due_at, t.warn_at"
#define HD_TICKET_SUMMARY_FROM \
  " FROM tickets t LEFT JOIN people a ON a.id = t.assignee_id"

#define HD_EVENT_COLUMNS \
  "e.id, e.ticket_id, e.kind, p.login, p.name, e.at, e.field, " \
  "e.old_value, e.new_value, e.body"

/* An alert with its ticket and actor; needs HD_ALERT_FROM. */
#define HD_ALERT_COLUMNS \
  "al.id, al.kind, al.ticket_id, t.title, al.deadline, ac.login, ac.name, " \
  "al.created_at, al.delivered_at"

#define HD_ALERT_FROM \
  " FROM alerts al JOIN tickets t ON t.id = al.ticket_id" \
  " LEFT JOIN people ac ON ac.id = al.actor_id"

/* A knowledge-base article with its author; needs HD_ARTICLE_FROM. */
#define HD_ARTICLE_COLUMNS \
  "k.id, k.title, k.body, k.category_id, k.tags, k.visibility, au.login, " \
  "au.name, k.created_at, k.updated_at, k.version, k.archived_at"

#define HD_ARTICLE_FROM \
  " FROM kb_articles k JOIN people au ON au.id = k.author_id"

#define HD_REVISION_COLUMNS \
  "v.id, v.article_id, v.kind, p.login, p.name, v.at, v.version, v.fields, " \
  "v.old_title, v.old_body, v.title, v.body"

/* An outbox row with what composing it needs; needs HD_OUTGOING_FROM. */
#define HD_OUTGOING_COLUMNS \
  "o.id, o.ticket_id, o.kind, o.automatic, m.message_id, m.in_reply_to, m.refs, " \
  "a.address, a.display_name, o.to_addr, o.to_name, o.cc, o.subject, o.body, " \
  "o.state, o.attempts, o.created_at, o.note, o.next_try_at, o.server_answer"

#define HD_OUTGOING_FROM \
  " FROM mail_outbox o JOIN mail_messages m ON m.id = o.message_id" \
  " LEFT JOIN mail_account a ON a.id = 1"

HdMailOutgoing *hd_mail_outgoing_new_from_row (sqlite3_stmt *stmt);
HdArticle     *hd_article_new_from_row      (sqlite3_stmt *stmt,
                                             GHashTable   *paths);
HdKbCategory  *hd_kb_category_new           (gint64        id,
                                             gint64        parent_id,
                                             const char   *name,
                                             const char   *path,
                                             guint         depth,
                                             guint         n_articles);
HdArticleRevision *hd_article_revision_new_from_row (sqlite3_stmt *stmt);
HdArticleHit  *hd_article_hit_new           (HdArticle    *article,
                                             const char   *marked_title,
                                             const char   *marked_snippet,
                                             double        score);

/* Full-text search (hd-store-kb.c): the FTS5 MATCH expression for what a
 * person typed, or NULL when it holds no word. Each word is a quoted
 * string ("" doubled), never an operator; @prefix adds "*" to each.
 * @any joins the words with OR instead of AND; @min_chars drops shorter
 * words; @drop_stopwords drops common English words. */
char          *hd_fts_match_expression      (const char   *text,
                                             gboolean      prefix,
                                             gboolean      any,
                                             guint         min_chars,
                                             gboolean      drop_stopwords);

HdPerson      *hd_person_new_from_row       (sqlite3_stmt *stmt);
HdAlert       *hd_alert_new_from_row        (sqlite3_stmt *stmt);
void           hd_alert_set_delivered_at    (HdAlert      *self,
                                             gint64        delivered_at);
HdPerson      *hd_person_new_unregistered   (const char   *login,
                                             const char   *name);
HdTicket      *hd_ticket_new_from_row       (sqlite3_stmt *stmt);
void           hd_ticket_set_from_row       (HdTicket     *self,
                                             sqlite3_stmt *stmt);
void           hd_ticket_set_summary_from_row (HdTicket     *self,
                                               sqlite3_stmt *stmt);
HdTicketEvent *hd_ticket_event_new_from_row (sqlite3_stmt *stmt);

/* Dot-file locking (hd-lease-vfs.c): the SQLite VFS whose locks are
 * leases (hd-lease.h), and what it can tell of a refused write or lock. */
#define HD_LEASE_VFS_NAME "helpdesk-lease"
#define HD_LEASE_FCNTL_FILE 0x48440001

gboolean       hd_store_read_locking_record (const char  *path,
                                             HdLocking   *locking,
                                             gboolean    *recorded,
                                             GError     **error);

gboolean       hd_lease_vfs_register      (void);
gboolean       hd_lease_vfs_check         (sqlite3      *db,
                                           GError      **error);
GError        *hd_lease_vfs_take_refusal  (sqlite3      *db);
char          *hd_lease_vfs_explain_busy  (sqlite3      *db,
                                           guint         timeout_ms);

/* Statements and transactions (hd-store.c) */
sqlite3_stmt  *hd_store_prepare     (HdStore      *self,
                                     const char   *sql,
                                     GError      **error);
gboolean       hd_store_step_done   (HdStore      *self,
                                     sqlite3_stmt *stmt,
                                     GError      **error);
gboolean       hd_store_begin_write (HdStore      *self,
                                     GError      **error);
gboolean       hd_store_check_locking (HdStore    *self,
                                       GError    **error);
gboolean       hd_store_commit      (HdStore      *self,
                                     GError      **error);
void           hd_store_rollback    (HdStore      *self);
gboolean       hd_store_add_query_functions (sqlite3 *db);

/* For HdTicketList (hd-store-query.c). */
gboolean       hd_store_list_ticket_numbers   (HdStore               *self,
                                               const HdTicketFilter  *filter,
                                               GArray                *numbers,
                                               GError               **error);
GPtrArray     *hd_store_get_tickets_by_number (HdStore               *self,
                                               const guint32         *numbers,
                                               guint                  n_numbers,
                                               GError               **error);
gboolean       hd_store_set_error_from_db (HdStore *self,
                                           int      rc,
                                           GError **error);
gboolean       hd_store_log_change  (HdStore      *self,
                                     const char   *table,
                                     gint64        row,
                                     const char   *kind,
                                     GError      **error);
gint64         hd_store_now         (HdStore      *self);
sqlite3       *hd_store_get_db      (HdStore      *self);
GMutex        *hd_store_get_job_mutex (HdStore    *self);
HdPerson      *hd_store_lock_me     (HdStore      *self,
                                     GError      **error);
HdPerson      *hd_store_lookup_person (HdStore    *self,
                                       const char *login,
                                       GError    **error);

/* Tests: every transaction's time is @now from then on (0: the clock). */
void           hd_store_set_time_for_testing (HdStore     *self,
                                              gint64       now);

/* Tests: @between runs with @data whenever a recomputation of deadlines
 * (hd-store-sla.c) has worked them out and is about to take the write
 * lock, so a test can change the file underneath; NULL for none. */
void           hd_store_sla_set_between_for_testing (void         (*between) (gpointer data),
                                                     gpointer       data);

/* Tests: from how many moved deadlines the deadline indexes are built again
 * instead of kept up entry by entry (0: as in use). */
void           hd_store_sla_set_rebuild_min_for_testing (guint         n_moving);

HdCalendar    *hd_store_calendar_from_text  (HdStore     *self,
                                             const char  *text,
                                             GError     **error);

/* Statuses in which the SLA clock runs; only these tickets have a due_at. */
#define HD_STATUSES_RUNNING "('new', 'open')"

/* SLA (hd-store-sla.c, hd-store-alerts.c), inside a write transaction. */
gboolean       hd_store_sla_set_up_locked   (HdStore      *self,
                                             GError      **error);
gboolean       hd_store_sla_refresh_ticket  (HdStore      *self,
                                             gint64        number,
                                             GError      **error);
gboolean       hd_store_alert_assigned_locked (HdStore    *self,
                                               gint64      number,
                                               HdPerson   *assignee,
                                               HdPerson   *actor,
                                               GError    **error);
gboolean       hd_store_alert_new_ticket_locked (HdStore    *self,
                                                 gint64      number,
                                                 HdPerson   *actor,
                                                 GError    **error);

/* Tickets inside the caller's write transaction, acting as @actor
 * (hd-store-tickets.c); filing mail uses them so its changes obey the
 * same rules and leave the same history as the window's. */
gboolean       hd_store_create_ticket_locked (HdStore             *self,
                                              const HdTicketDraft *draft,
                                              HdPerson            *actor,
                                              HdPerson            *requester,
                                              gint64              *number,
                                              GError             **error);
gboolean       hd_store_add_comment_locked   (HdStore             *self,
                                              HdTicket            *ticket,
                                              HdPerson            *actor,
                                              const char          *body,
                                              gboolean             internal,
                                              gint64              *event_id,
                                              GError             **error);
gboolean       hd_store_set_status_locked    (HdStore             *self,
                                              HdTicket            *ticket,
                                              HdPerson            *actor,
                                              HdStatus             status,
                                              GError             **error);
HdTicket      *hd_store_load_ticket_locked   (HdStore             *self,
                                              gint64               number,
                                              GError             **error);

/* Mail Helpdesk sends on its own, inside the caller's write transaction
 * (hd-store-mail-out.c). */
gboolean       hd_store_mail_reply_locked    (HdStore             *self,
                                              HdTicket            *ticket,
                                              HdPerson            *actor,
                                              const char          *body,
                                              gint64               event,
                                              GPtrArray           *reached,
                                              GError             **error);
gboolean       hd_store_mail_resolved_locked (HdStore             *self,
                                              HdTicket            *ticket,
                                              HdPerson            *actor,
                                              GError             **error);
gboolean       hd_store_mail_alert_locked    (HdStore             *self,
                                              gint64               alert_id,
                                              GError             **error);
gboolean       hd_store_mail_too_many_automatic (HdStore          *self,
                                                 const char       *address,
                                                 gboolean         *too_many,
                                                 GError          **error);
gboolean       hd_store_mail_queue_automatic_locked (HdStore      *self,
                                                     HdTicket     *ticket,
                                                     const char   *kind,
                                                     HdPerson     *to,
                                                     const char   *body,
                                                     gboolean     *queued,
                                                     GError      **error);
char          *hd_store_mail_render_acknowledgement (HdStore      *self,
                                                     HdTicket     *ticket,
                                                     GError      **error);
gint64         hd_store_mail_after_quiet     (GTimeZone           *zone,
                                              int                  start,
                                              int                  end,
                                              gint64               now);

/* What a file's header says (hd-store-maint.c). */
typedef enum {
  HD_HEADER_NONE,      /* empty, short or garbage: no SQLite header */
  HD_HEADER_OTHER,     /* an SQLite header without our application_id */
  HD_HEADER_HELPDESK,
} HdHeaderKind;

HdHeaderKind   hd_store_read_header (const char *path,
                                     gint64     *user_version);

/* The name of @path's backup folder and of this desk's record of it:
 * "NAME-HASH" (hd-store-maint.c). */
char          *hd_store_file_key    (const char *path);

/* Verification (hd-store-verify.c): a file's fingerprint, this desk's
 * record of what a check found, and damage seen in this process. */
typedef struct {
  guint64 ino;
  gint64  size;
  gint64  mtime_ns;
  guint32 counter;   /* SQLite's file change counter, header offset 24 */
  guint32 pages;     /* the database size in pages, header offset 28 */
} HdFileStamp;

gboolean       hd_file_stamp_read       (const char        *path,
                                         HdFileStamp       *stamp);
HdVerified     hd_store_lookup_verified (const char        *path,
                                         guint64            ino,
                                         HdFileStamp       *stamp,
                                         char             **damage);
void           hd_store_get_file_id     (HdStore           *self,
                                         dev_t             *dev,
                                         ino_t             *ino);
gboolean       hd_store_remember_damage (HdStore           *self,
                                         const char        *detail);
guint64        hd_store_damage_seq      (void);
char          *hd_store_damage_lookup   (dev_t              dev,
                                         ino_t              ino,
                                         guint64            open_seq,
                                         const HdFileStamp *open_stamp);
char          *hd_store_damage_message  (const char        *path,
                                         const char        *detail);
void           hd_store_note_damage     (HdStore           *self,
                                         const char        *detail);
void           hd_store_note_sound      (HdStore           *self,
                                         const HdFileStamp *stamp);

/* How a copy gives way: at @gate between steps (NULL: never waits), and
 * when other desks keep changing the file, by giving up (HD_ERROR_BUSY)
 * or by holding the lock for the rest of the copy. */
typedef struct {
  HdIdleGate   *gate;
  gboolean      give_up;
  GCancellable *cancellable;
} HdCopyPace;

gboolean       hd_store_copy_checked    (HdStore           *self,
                                         const char        *tmp,
                                         const char        *target,
                                         const HdCopyPace  *pace,
                                         GError           **error);
int            hd_store_quick_check_db  (sqlite3           *db,
                                         char             **detail);
gboolean       hd_store_is_damage       (int                rc,
                                         const char        *detail);

/* Binds a UTF-8 string, or NULL when @text is NULL or empty. */
void           hd_bind_text_or_null (sqlite3_stmt *stmt,
                                     int           index,
                                     const char   *text);
const char    *hd_column_text       (sqlite3_stmt *stmt,
                                     int           column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
