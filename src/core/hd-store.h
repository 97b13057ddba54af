/* hd-store.h — one open helpdesk file
 *
 * A HdStore owns one SQLite connection and is used from one thread. Workers
 * open their own HdStore on the same path.
 *
 * Every change is one short BEGIN IMMEDIATE transaction that writes the row,
 * its history (ticket_events) and a change_log entry together, so a ticket
 * never exists without its history and other clients can see exactly what
 * changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-alert.h"
#include "hd-article.h"
#include "hd-attachment.h"
#include "hd-calendar.h"
#include "hd-enums.h"
#include "hd-error.h"
#include "hd-idle-gate.h"
#include "hd-location.h"
#include "hd-mail-message.h"
#include "hd-mail-settings.h"
#include "hd-person.h"
#include "hd-sla.h"
#include "hd-ticket.h"
#include "hd-ticket-event.h"

G_BEGIN_DECLS

#define HD_TYPE_STORE (hd_store_get_type ())

G_DECLARE_FINAL_TYPE (HdStore, hd_store, HD, STORE, GObject)

/* 'Helpdesk' in ASCII: the SQLite application_id of every helpdesk file. */
#define HD_APPLICATION_ID 0x48656c70

#define HD_STORE_DEFAULT_BUSY_TIMEOUT_MS 5000

/* How many backups a helpdesk's backup folder keeps, and how often a
 * window takes one. */
#define HD_STORE_BACKUPS_KEPT 14
#define HD_STORE_BACKUP_EVERY_SECONDS (12 * 60 * 60)

char       *hd_store_default_path   (void);
const char *hd_store_current_login  (void);

HdStore    *hd_store_create         (const char   *path,
                                     const char   *login,
                                     const char   *helpdesk_name,
                                     GError      **error);
HdStore    *hd_store_create_full    (const char   *path,
                                     const char   *login,
                                     const char   *helpdesk_name,
                                     HdLocking     locking,
                                     GError      **error);
HdStore    *hd_store_open           (const char   *path,
                                     const char   *login,
                                     GError      **error);
char       *hd_store_locking_path   (const char   *path);

typedef enum {
  HD_STORE_OPEN_DEFAULT = 0,
  HD_STORE_OPEN_VERIFY  = 1 << 0,  /* quick_check first; refuse a damaged file */
  /* An older file locked the wrong way for where it lives is opened as it
   * is, not refused: enough to switch its method (hd_store_set_locking()) */
  HD_STORE_OPEN_KEEP_VERSION = 1 << 1,
} HdStoreOpenFlags;

HdStore    *hd_store_open_full      (const char       *path,
                                     const char       *login,
                                     HdStoreOpenFlags  flags,
                                     GError          **error);
gboolean    hd_store_is_still_there (HdStore      *self,
                                     GError      **error);
gboolean    hd_store_is_locking_current (HdStore  *self,
                                         GError  **error);
gboolean    hd_store_is_locking_unsafe (HdStore   *self);
gboolean    hd_store_set_locking    (HdStore      *self,
                                     HdLocking     locking,
                                     GError      **error);
gboolean    hd_store_quick_check    (HdStore      *self,
                                     GError      **error);

/* What this desk knows of the file's soundness (hd-store-verify.c): found
 * sound, or damaged, by a check of the file as it is now, or unknown (the
 * file changed since, or was never checked here). A damaged file refuses
 * every change with %HD_ERROR_CORRUPT. */
typedef enum {
  HD_VERIFIED_UNKNOWN,
  HD_VERIFIED_SOUND,
  HD_VERIFIED_DAMAGED,
} HdVerified;

typedef void (*HdDamageFunc) (const char *path,
                              const char *message,
                              gpointer    user_data);

HdVerified  hd_store_get_verified   (HdStore      *self,
                                     char        **damage);
guint       hd_store_watch_damage   (const char     *path,
                                     HdDamageFunc    func,
                                     gpointer        data,
                                     GDestroyNotify  notify);
void        hd_store_unwatch_damage (guint           id);

const char *hd_store_get_path       (HdStore      *self);
const char *hd_store_get_name       (HdStore      *self);
HdPerson   *hd_store_get_me         (HdStore      *self);
gboolean    hd_store_is_read_only   (HdStore      *self);
gboolean    hd_store_can_write      (HdStore      *self);
HdLocking   hd_store_get_locking    (HdStore      *self);
int         hd_store_get_schema_version (HdStore  *self);
void        hd_store_set_busy_timeout (HdStore    *self,
                                       guint       msec);

gboolean    hd_store_check          (HdStore      *self,
                                     GPtrArray   **problems,
                                     GError      **error);
gboolean    hd_store_rebuild_search_indexes (HdStore  *self,
                                             GError  **error);
gboolean    hd_store_backup         (HdStore      *self,
                                     const char   *dest,
                                     char        **written_path,
                                     GError      **error);
char       *hd_store_default_backup_dir (const char *path);
gboolean    hd_store_backup_rotating (HdStore     *self,
                                      const char  *dir,
                                      guint        keep,
                                      char       **written_path,
                                      GError     **error);
gint64      hd_store_newest_backup_age (const char *dir);
gboolean    hd_store_maintain       (HdStore      *self,
                                     HdIdleGate   *gate,
                                     GCancellable *cancellable,
                                     char        **backup_written,
                                     GError      **error);
gboolean    hd_store_restore        (HdStore      *self,
                                     const char   *backup,
                                     char        **safety_copy,
                                     GError      **error);
char       *hd_store_find_last_good_backup (const char  *path,
                                            GError     **error);
gboolean    hd_store_recover        (const char   *path,
                                     const char   *backup,
                                     char        **damaged_copy,
                                     GError      **error);

/* People */

typedef struct {
  const char *login;
  const char *name;
  const char *email;       /* optional */
  HdRole      role;
  int         tier;        /* technicians and dispatchers: 1–3; 0 means 1 */
  const char *department;  /* optional */
  const char *location;    /* optional */
} HdPersonDraft;

/* NULL strings leave a field as it is; "" clears an optional one. */
typedef struct {
  const char *name;
  const char *email;
  const char *department;
  const char *location;
  gboolean    set_role;
  HdRole      role;
  int         tier;        /* 0: unchanged */
  int         active;      /* -1: unchanged, 0 or 1 */
} HdPersonChanges;

#define HD_PERSON_CHANGES_INIT { .active = -1 }

HdPerson   *hd_store_add_person     (HdStore               *self,
                                     const HdPersonDraft   *draft,
                                     GError               **error);
HdPerson   *hd_store_update_person  (HdStore               *self,
                                     const char            *login,
                                     const HdPersonChanges *changes,
                                     GError               **error);
HdPerson   *hd_store_find_person    (HdStore               *self,
                                     const char            *login,
                                     GError               **error);
GPtrArray  *hd_store_list_people    (HdStore               *self,
                                     GError               **error);

/* What merging one record of a person into another moves (see
 * hd_store_merge_people()). */
typedef struct {
  guint  requested;      /* tickets they asked for */
  guint  assigned;       /* tickets assigned to them */
  guint  events;         /* history rows they wrote: replies, notes, changes */
  guint  participating;  /* tickets they take part in */
  guint  messages;       /* mail received from them */
  guint  articles;       /* knowledge-base articles and revisions they wrote */
  guint  alerts;         /* alerts addressed to them */
  guint  addresses;      /* their further addresses */
  char  *address;        /* their address, which now reaches the kept person; or NULL */
} HdPersonMerge;

void        hd_person_merge_clear   (HdPersonMerge         *merge);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HdPersonMerge, hd_person_merge_clear)
gboolean    hd_store_merge_people   (HdStore               *self,
                                     const char            *keep,
                                     const char            *remove,
                                     HdPersonMerge         *result,
                                     GError               **error);
gboolean    hd_store_count_person_records (HdStore         *self,
                                           const char      *login,
                                           HdPersonMerge   *result,
                                           GError         **error);

/* Tickets */

typedef struct {
  const char *title;
  const char *description;
  const char *requester;   /* login; NULL means the current person */
  HdPriority  priority;
  const char *category;
  const char *department;
  const char *location;
} HdTicketDraft;

#define HD_TICKET_DRAFT_INIT { .priority = HD_PRIORITY_NORMAL }

/* NULL leaves a field as it is; "" clears an optional one. */
typedef struct {
  const char *title;
  const char *description;
  const char *category;
  const char *department;
  const char *location;
  gboolean    set_priority;
  HdPriority  priority;
} HdTicketChanges;

typedef enum {
  HD_TICKET_SORT_NUMBER,
  HD_TICKET_SORT_TITLE,
  HD_TICKET_SORT_REQUESTER,
  HD_TICKET_SORT_PRIORITY,
  HD_TICKET_SORT_STATUS,
  HD_TICKET_SORT_ASSIGNEE,
  HD_TICKET_SORT_UPDATED,
  HD_TICKET_SORT_DUE,       /* the stored due_at; tickets without one last */
} HdTicketSort;

/* @at_risk keeps the tickets whose SLA clock runs (new, open) and whose
 * warn_at has passed at @now: at risk or breached. Time passes without any
 * change to the file, so a view of them sets @now itself and sets the
 * filter again now and then (a minute); 0 means the moment of each query,
 * which may differ between a count and the pages after it. */
typedef struct {
  guint        status_mask; /* HD_STATUS_MASK bits; 0 means every status */
  const char  *assignee;    /* login */
  gboolean     unassigned;
  const char  *requester;   /* login */
  int          tier;        /* 1–3; 0 means every tier */
  const char  *search;      /* words (as prefixes) of the title, description or conversation;
                             * any text is valid, text without a word finds nothing */
  gboolean     at_risk;     /* only tickets at risk or breached at @now */
  gint64       now;         /* µs since the epoch, for @at_risk; 0: the current time */
  HdTicketSort sort;
  gboolean     descending;
  guint        offset;
  guint        limit;       /* 0: no limit */
  guint        count_limit; /* hd_store_count_tickets() counts no further; 0: all */
  gboolean     summary;     /* read only the number, title, status, priority, assignee and
                             * due times (hd_ticket_get_due_state()); the rest stays empty */
} HdTicketFilter;

/* if_version: the version the change was based on; 0 means "the current
 * one", which makes the call apply to whatever the file holds now. */
HdTicket      *hd_store_create_ticket     (HdStore               *self,
                                           const HdTicketDraft   *draft,
                                           GError               **error);
HdTicket      *hd_store_get_ticket        (HdStore               *self,
                                           gint64                 number,
                                           GError               **error);
GPtrArray     *hd_store_list_tickets      (HdStore               *self,
                                           const HdTicketFilter  *filter,
                                           GError               **error);
/* Returns FALSE to stop the list. */
typedef gboolean (*HdTicketFunc)          (HdTicket              *ticket,
                                           gpointer               user_data);
gboolean       hd_store_foreach_ticket    (HdStore               *self,
                                           const HdTicketFilter  *filter,
                                           HdTicketFunc           func,
                                           gpointer               user_data,
                                           GError               **error);
gboolean       hd_store_count_tickets     (HdStore               *self,
                                           const HdTicketFilter  *filter,
                                           guint                 *count,
                                           GError               **error);
HdTicket      *hd_store_update_ticket     (HdStore               *self,
                                           gint64                 number,
                                           gint64                 if_version,
                                           const HdTicketChanges *changes,
                                           GError               **error);
HdTicket      *hd_store_assign_ticket     (HdStore               *self,
                                           gint64                 number,
                                           gint64                 if_version,
                                           const char            *assignee,
                                           GError               **error);
HdTicket      *hd_store_set_ticket_status (HdStore               *self,
                                           gint64                 number,
                                           gint64                 if_version,
                                           HdStatus               status,
                                           GError               **error);
HdTicket      *hd_store_escalate_ticket   (HdStore               *self,
                                           gint64                 number,
                                           gint64                 if_version,
                                           int                    to_tier,
                                           const char            *note,
                                           GError               **error);
HdTicketEvent *hd_store_add_comment       (HdStore               *self,
                                           gint64                 number,
                                           const char            *body,
                                           gboolean               internal,
                                           GError               **error);
GPtrArray     *hd_store_list_events       (HdStore               *self,
                                           gint64                 number,
                                           GError               **error);

/* Attachments (hd-store-attach.c) */

gboolean       hd_store_get_attachment_limits (HdStore           *self,
                                               gint64            *per_file,
                                               gint64            *per_message,
                                               GError           **error);
gboolean       hd_store_check_attachment_sizes (HdStore          *self,
                                                GPtrArray        *inputs,
                                                GError          **error);
HdTicketEvent *hd_store_add_comment_with_files (HdStore          *self,
                                                gint64            number,
                                                const char       *body,
                                                gboolean          internal,
                                                GPtrArray        *inputs,
                                                GCancellable     *cancellable,
                                                GError          **error);
GPtrArray     *hd_store_list_attachments  (HdStore               *self,
                                           gint64                 number,
                                           GError               **error);
HdAttachment  *hd_store_get_attachment    (HdStore               *self,
                                           gint64                 id,
                                           GError               **error);
gboolean       hd_store_read_attachment   (HdStore               *self,
                                           gint64                 id,
                                           GOutputStream         *out,
                                           GCancellable          *cancellable,
                                           GError               **error);
GFile         *hd_store_save_attachment   (HdStore               *self,
                                           gint64                 id,
                                           GFile                 *dest,
                                           gboolean               overwrite,
                                           GCancellable          *cancellable,
                                           GError               **error);
GPtrArray     *hd_store_list_outgoing_attachments (HdStore       *self,
                                                   gint64         outbox_id,
                                                   GError       **error);

/* Mail (hd-store-mail.c) */

typedef enum {
  HD_MAIL_FILED_TICKET,   /* a new ticket */
  HD_MAIL_FILED_REPLY,    /* a reply on a ticket */
  HD_MAIL_NOT_FILED,      /* kept among the messages not filed, with the reason */
  HD_MAIL_ALREADY_FILED,  /* the same message was filed before; nothing changed */
} HdMailOutcome;

typedef struct {
  HdMailOutcome outcome;
  gint64        ticket;       /* the ticket it made or answered (or whose mail bounced); 0: none */
  gint64        event;        /* the reply's history entry; 0: none */
  gint64        message_row;  /* its row among the stored messages */
  gboolean      acknowledged; /* an acknowledgement to the requester was queued */
  char         *reason;       /* not filed: why */
} HdMailFiling;

/* Attachments received mail may bring (settings keys, bytes). */
#define HD_MAIL_SETTING_FILE_LIMIT     "mail.attachment-limit"
#define HD_MAIL_SETTING_MESSAGE_LIMIT  "mail.message-attachments-limit"
#define HD_MAIL_DEFAULT_FILE_LIMIT     (G_GINT64_CONSTANT (10) * 1024 * 1024)
#define HD_MAIL_DEFAULT_MESSAGE_LIMIT  (G_GINT64_CONSTANT (25) * 1024 * 1024)

void           hd_mail_filing_clear       (HdMailFiling          *filing);
gboolean       hd_store_set_attachment_limits (HdStore           *self,
                                               gint64             per_file,
                                               gint64             per_message,
                                               GError           **error);
gboolean       hd_store_file_mail         (HdStore               *self,
                                           const HdMailMessage   *msg,
                                           HdMailFiling          *filing,
                                           GError               **error);
gboolean       hd_store_file_mail_batch   (HdStore               *self,
                                           const HdMailMessage * const *msgs,
                                           guint                  n_msgs,
                                           HdMailFiling          *filings,
                                           GError               **error);
GPtrArray     *hd_store_list_not_filed    (HdStore               *self,
                                           const HdMailNotFiled  *after,
                                           guint                  limit,
                                           GError               **error);
GBytes        *hd_store_get_mail_original (HdStore               *self,
                                           gint64                 message_row,
                                           GError               **error);
/* The outbox, oldest first; @waiting_only: only queued and sending rows. */
GPtrArray     *hd_store_list_outgoing     (HdStore               *self,
                                           gboolean               waiting_only,
                                           GError               **error);
gboolean       hd_store_file_mail_by_hand (HdStore               *self,
                                           gint64                 row,
                                           const HdMailMessage   *msg,
                                           gint64                 ticket,
                                           HdMailFiling          *filing,
                                           GError               **error);
gboolean       hd_store_dismiss_not_filed (HdStore               *self,
                                           gint64                 row,
                                           GError               **error);

/* What the window says of the mail: messages waiting to be sent, sent
 * in vain, and received but not filed. */
typedef struct {
  int waiting;    /* queued or sending */
  int failed;
  int not_filed;
} HdMailSummary;

/* A message on a ticket, received or sent (hd_store_list_ticket_mail()). */
typedef struct {
  gint64   row;            /* its row among the stored messages */
  gint64   ticket;
  gboolean outgoing;
  gint64   event;          /* the history entry it made; 0: none */
  char    *from_address;   /* received: the sender */
  char    *from_name;      /* or NULL */
  char    *to_address;     /* sent: the first recipient; else NULL */
  char    *subject;
  gint64   stored_at;
  gint64   outbox;         /* sent: the outbox row; else 0 */
  char    *state;          /* sent: "queued", "sending", "sent", "failed"; else NULL */
  char    *server_answer;  /* or NULL */
  int      attempts;
} HdMailOnTicket;

gboolean hd_mail_on_ticket_can_retry (const HdMailOnTicket *item);

void           hd_mail_on_ticket_free     (HdMailOnTicket        *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailOnTicket, hd_mail_on_ticket_free)

gboolean       hd_store_get_mail_summary  (HdStore               *self,
                                           HdMailSummary         *summary,
                                           GError               **error);
GPtrArray     *hd_store_list_ticket_mail  (HdStore               *self,
                                           gint64                 ticket,
                                           GError               **error);
GPtrArray     *hd_store_list_failed_mail  (HdStore               *self,
                                           GError               **error);
gboolean       hd_store_retry_outgoing    (HdStore               *self,
                                           gint64                 outbox,
                                           GError               **error);

/* What Helpdesk sends on its own (hd-store-mail-out.c): replies,
 * resolved notices and alerts are queued by the changes that cause them;
 * these are the templates of their texts and how each person gets alerts. */
const char   **hd_mail_template_names      (void);
const char    *hd_mail_template_title      (const char            *name);
const char    *hd_mail_template_describe   (const char            *name);
const char   **hd_mail_template_placeholders (void);
const char    *hd_mail_template_placeholder_meaning (const char      *name);
const char    *hd_mail_template_default    (const char            *name);
char          *hd_store_get_mail_template  (HdStore               *self,
                                            const char            *name,
                                            gboolean              *custom,
                                            GError               **error);
gboolean       hd_store_set_mail_template  (HdStore               *self,
                                            const char            *name,
                                            const char            *body,
                                            GError               **error);
gboolean       hd_store_preview_mail_template (HdStore            *self,
                                               const char         *name,
                                               gint64              number,
                                               const char         *body,
                                               char              **subject,
                                               char              **text,
                                               GError            **error);
gboolean       hd_store_set_alert_mail     (HdStore               *self,
                                            const char            *login,
                                            const char            *delivery,
                                            int                    quiet_start,
                                            int                    quiet_end,
                                            GError               **error);
gboolean       hd_store_get_alert_mail     (HdStore               *self,
                                            const char            *login,
                                            char                 **delivery,
                                            int                   *quiet_start,
                                            int                   *quiet_end,
                                            GError               **error);
/* The mailbox (hd-store-mail-account.c): its settings (hd-mail-settings.h;
 * anyone reads them, the dispatcher writes them, versioned, with a
 * change_log row for table "mail_account"), the file's stable id (the
 * keyring's key for the password), the lease that lets one desk at a time
 * fetch and send, and the folder's UIDVALIDITY as last seen. */
HdMailSettings *hd_store_get_mail_settings (HdStore              *self,
                                            GError              **error);
gboolean       hd_store_set_mail_settings (HdStore               *self,
                                           const HdMailSettings  *settings,
                                           gint64                 if_version,
                                           GError               **error);
char          *hd_store_get_file_uuid     (HdStore               *self,
                                           GError               **error);
gboolean       hd_store_take_mail_lease   (HdStore               *self,
                                           const char            *holder,
                                           guint                  seconds,
                                           gboolean              *taken,
                                           char                 **other,
                                           GError               **error);
gboolean       hd_store_release_mail_lease (HdStore              *self,
                                            const char           *holder,
                                            GError              **error);
gboolean       hd_store_note_mail_uidvalidity (HdStore           *self,
                                               guint32            uidvalidity,
                                               gboolean          *changed,
                                               GError           **error);

/* Sending (hd-store-mail-send.c): the desk holding the mail lease claims
 * the rows due (queued → sending, held for @hold_seconds so that a desk
 * killed meanwhile leaves them to the next), sends them, and says what
 * became of each. */
typedef enum {
  HD_MAIL_SEND_SENT,    /* the server took it */
  HD_MAIL_SEND_FAILED,  /* refused for good (5xx): kept with the server's answer */
  HD_MAIL_SEND_RETRY,   /* refused for now (4xx), or no server reached: later */
} HdMailSendOutcome;

#define HD_MAIL_SEND_MAX_ATTEMPTS 12

GPtrArray     *hd_store_claim_outgoing    (HdStore               *self,
                                           guint                  limit,
                                           guint                  hold_seconds,
                                           GError               **error);
gboolean       hd_store_finish_outgoing   (HdStore               *self,
                                           gint64                 id,
                                           HdMailSendOutcome      outcome,
                                           const char            *server_answer,
                                           GError               **error);

/* SLA deadlines (hd-store-sla.c)
 *
 * Every ticket change recomputes the ticket's SLA clocks with hd_sla_compute()
 * in its own transaction, from the ticket's creation, first response and
 * status history under the policy for its priority and category and the
 * helpdesk's calendar, and stores the clock a list shows
 * (hd_sla_result_get_current()) as the ticket's due_at and warn_at
 * (hd_ticket_get_due_at()): set while the ticket is new or open, 0 while it
 * is pending (the clock stands still; the deadline moves every minute),
 * resolved or closed, or has no target. A change of the calendar or of a
 * policy recomputes every open ticket it concerns in the same transaction.
 * Such changes write a change_log row for the table "settings" with the
 * kind "sla": lists should reload then, since many deadlines moved.
 */

/**
 * HdSlaRule:
 * @priority: which tickets
 * @category: "" for every category without a rule of its own, else the
 *   ticket category it applies to, exactly as typed on tickets
 * @policy: the targets; its name is for explanations
 *
 * One row of the SLA policy table.
 */
typedef struct {
  HdPriority   priority;
  char        *category;
  HdSlaPolicy *policy;
} HdSlaRule;

#define HD_TYPE_SLA_RULE (hd_sla_rule_get_type ())

GType          hd_sla_rule_get_type       (void) G_GNUC_CONST;
HdSlaRule     *hd_sla_rule_copy           (const HdSlaRule       *rule);
void           hd_sla_rule_free           (HdSlaRule             *rule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdSlaRule, hd_sla_rule_free)

/* The key of the calendar in the settings table. */
#define HD_SETTING_SLA_CALENDAR "sla.calendar"

HdCalendar    *hd_store_get_calendar      (HdStore               *self,
                                           GError               **error);
gboolean       hd_store_set_calendar      (HdStore               *self,
                                           HdCalendar            *calendar,
                                           GError               **error);
GPtrArray     *hd_store_list_sla_rules    (HdStore               *self,
                                           GError               **error);
gboolean       hd_store_set_sla_rule      (HdStore               *self,
                                           HdPriority             priority,
                                           const char            *category,
                                           const HdSlaPolicy     *policy,
                                           GError               **error);
gboolean       hd_store_delete_sla_rule   (HdStore               *self,
                                           HdPriority             priority,
                                           const char            *category,
                                           GError               **error);
HdSlaPolicy   *hd_store_get_sla_policy    (HdStore               *self,
                                           HdPriority             priority,
                                           const char            *category,
                                           GError               **error);
gboolean       hd_store_recompute_due     (HdStore               *self,
                                           guint                 *n_tickets,
                                           GError               **error);
gboolean       hd_store_get_sla           (HdStore               *self,
                                           gint64                 number,
                                           gint64                 now,
                                           HdSlaResult           *result,
                                           HdSlaPolicy          **policy,
                                           GError               **error);
char         **hd_store_explain_sla       (HdStore               *self,
                                           gint64                 number,
                                           gint64                 now,
                                           GError               **error);

/* Alerts (hd-store-sla.c)
 *
 * Rows of the file, one per ticket, kind, recipient and deadline, stored
 * by whichever client notices them first: an "assigned" alert is written
 * by the assignment itself (never to the person who assigned); SLA alerts
 * by hd_store_raise_due_alerts(), which any running client calls about
 * once a minute. A desktop then calls hd_store_take_alerts() and shows
 * what it returns (HdAlert has the ticket's number and title, the kind,
 * the deadline and who acted): each alert is returned to exactly one
 * desktop of its recipient, ever. Take after the monitor reports changes
 * by others (an assignment is a "tickets" change, raised SLA alerts an
 * "alerts" one) and after each raise; both only read, without the write
 * lock, when there is nothing to do. On a read-only file they fail with
 * HD_ERROR_READ_ONLY when they would have to write: alerts cannot be
 * marked delivered there.
 * hd_store_list_alerts() reads without marking anything (the CLI).
 */

gboolean       hd_store_raise_due_alerts  (HdStore               *self,
                                           gint64                 now,
                                           guint                 *n_raised,
                                           GError               **error);
GPtrArray     *hd_store_take_alerts       (HdStore               *self,
                                           GError               **error);
GPtrArray     *hd_store_list_alerts       (HdStore               *self,
                                           gboolean               undelivered_only,
                                           guint                  limit,
                                           GError               **error);

/* Knowledge base (hd-store-kb.c)
 *
 * Articles are Markdown with a title, an optional category (a tree of
 * HdKbCategory), tags and a visibility. Requesters read FAQ articles only:
 * an internal article is HD_ERROR_NOT_FOUND for them (its existence is not
 * revealed) and never appears in their lists, searches or suggestions.
 * Technicians and dispatchers ("staff") write articles, manage categories
 * and link articles to tickets; requesters get HD_ERROR_PERMISSION_DENIED.
 *
 * Changes follow the ticket rules: one BEGIN IMMEDIATE transaction writes
 * the row, a kb_article_events history row and a change_log row for the
 * table "kb_articles" (kinds "created", "updated", "archived", "restored",
 * "linked", "unlinked") or "kb_categories"; @if_version (0: the current
 * one) guards against lost updates with HD_ERROR_CONFLICT, and nothing is
 * changed then. Articles are archived, not deleted: an archived article
 * keeps its history and links, is still readable by id, and leaves lists,
 * searches and suggestions.
 *
 * Searching: any text is a valid query. It is split into words (runs of
 * Unicode letters and digits); an article matches when every word matches
 * its title, body or tags, as a word prefix ("print" finds "printer") or,
 * for words of three or more characters, as a substring anywhere
 * ("rinte" finds "printer"). Quotes, operators (AND, OR, NOT, NEAR), "*",
 * "-", parentheses are just text. A query without any word finds nothing
 * (an empty array, not an error). Results are ranked by bm25 with the
 * title weighing most, then tags, then the body; prefix matches before
 * substring-only ones. See hd-article.h for the highlight markers.
 */

typedef struct {
  const char         *title;
  const char         *body;        /* Markdown; may be empty */
  const char         *category;    /* path "Hardware/Printers", created as needed; NULL or "": none */
  const char * const *tags;        /* NULL: none; trimmed, lower-cased, deduplicated */
  HdVisibility        visibility;
  gint64              ticket;      /* not 0: link the new article to this ticket in the same transaction */
} HdArticleDraft;

#define HD_ARTICLE_DRAFT_INIT { .visibility = HD_VISIBILITY_INTERNAL }

/* hd_store_draft_article_from_ticket() returns a draft that owns its
 * strings; free it with this. Never call it on a draft you filled in. */
void           hd_article_draft_free        (HdArticleDraft        *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdArticleDraft, hd_article_draft_free)

/* NULL leaves a field as it is; category "" clears it. */
typedef struct {
  const char         *title;
  const char         *body;
  const char         *category;
  gboolean            set_tags;
  const char * const *tags;
  gboolean            set_visibility;
  HdVisibility        visibility;
} HdArticleChanges;

typedef struct {
  gint64       category_id;      /* 0: every category; else it and its descendants */
  gboolean     uncategorized;    /* only articles without a category */
  const char  *tag;              /* only articles with this tag */
  gboolean     include_archived;
  guint        limit;            /* 0: all */
  guint        offset;
} HdArticleFilter;

HdArticle     *hd_store_add_article         (HdStore                *self,
                                             const HdArticleDraft   *draft,
                                             GError                **error);
HdArticle     *hd_store_update_article      (HdStore                *self,
                                             gint64                  id,
                                             gint64                  if_version,
                                             const HdArticleChanges *changes,
                                             GError                **error);
HdArticle     *hd_store_set_article_archived (HdStore               *self,
                                              gint64                 id,
                                              gint64                 if_version,
                                              gboolean               archived,
                                              GError               **error);
HdArticle     *hd_store_get_article         (HdStore                *self,
                                             gint64                  id,
                                             GError                **error);
/* By title (case-insensitive), then id. (element-type HdArticle) */
GPtrArray     *hd_store_list_articles       (HdStore                *self,
                                             const HdArticleFilter  *filter,
                                             GError                **error);
/* Oldest first. (element-type HdArticleRevision) */
GPtrArray     *hd_store_list_article_history (HdStore               *self,
                                              gint64                 id,
                                              GError               **error);

/* Categories: the whole tree, depth first, siblings by name; staff see
 * every category, requesters those holding FAQ articles (or with such
 * descendants). Names are one line, without "/"; siblings differ
 * (case-insensitively) else HD_ERROR_EXISTS. (element-type HdKbCategory) */
GPtrArray     *hd_store_list_kb_categories  (HdStore                *self,
                                             GError                **error);
HdKbCategory  *hd_store_find_kb_category    (HdStore                *self,
                                             const char             *path,
                                             GError                **error);
HdKbCategory  *hd_store_add_kb_category     (HdStore                *self,
                                             gint64                  parent_id,
                                             const char             *name,
                                             GError                **error);
/* With the levels above it that are missing: "Hardware/Printers". */
HdKbCategory  *hd_store_add_kb_category_path (HdStore               *self,
                                              const char            *path,
                                              GError               **error);
HdKbCategory  *hd_store_rename_kb_category  (HdStore                *self,
                                             gint64                  id,
                                             const char             *name,
                                             GError                **error);
/* Refuses to move a category below itself, or its subcategories deeper
 * than the limit (HD_ERROR_INVALID_INPUT). */
HdKbCategory  *hd_store_move_kb_category    (HdStore                *self,
                                             gint64                  id,
                                             gint64                  new_parent_id,
                                             GError                **error);
/* A rename and a move at once: both, or neither. */
HdKbCategory  *hd_store_change_kb_category  (HdStore                *self,
                                             gint64                  id,
                                             const char             *name,
                                             gint64                  new_parent_id,
                                             GError                **error);
/* Only an empty category (no articles, no subcategories). */
gboolean       hd_store_delete_kb_category  (HdStore                *self,
                                             gint64                  id,
                                             GError                **error);
/* Every tag of the articles the acting person may see, sorted. */
char         **hd_store_list_kb_tags        (HdStore                *self,
                                             GError                **error);

/* (element-type HdArticleHit); @limit 0 means 20. */
GPtrArray     *hd_store_search_articles     (HdStore                *self,
                                             const char             *query,
                                             guint                   limit,
                                             GError                **error);
/* Articles for a ticket being written or read: any of the significant
 * words of @title and @description (common English words and words of
 * one letter left out), ranked by bm25 with title matches first; articles
 * already linked to @ticket (0: none) are left out. (element-type HdArticleHit) */
GPtrArray     *hd_store_suggest_articles    (HdStore                *self,
                                             const char             *title,
                                             const char             *description,
                                             gint64                  ticket,
                                             guint                   limit,
                                             GError                **error);

/* Links (staff). Linking writes a "field" ticket event for the field
 * "article" (new_value: the article id; unlinking: old_value) without
 * changing the ticket's version, and change_log rows for both the ticket
 * ("linked"/"unlinked") and the article. Linking twice is
 * HD_ERROR_EXISTS; unlinking what is not linked HD_ERROR_NOT_FOUND. */
gboolean       hd_store_link_article        (HdStore                *self,
                                             gint64                  article,
                                             gint64                  ticket,
                                             GError                **error);
gboolean       hd_store_unlink_article      (HdStore                *self,
                                             gint64                  article,
                                             gint64                  ticket,
                                             GError                **error);
/* The articles linked to @ticket that the acting person may see, in link
 * order. (element-type HdArticle) */
GPtrArray     *hd_store_list_ticket_articles (HdStore               *self,
                                              gint64                 ticket,
                                              GError               **error);
/* The tickets linked to @article that the acting person may see, by
 * number. (element-type HdTicket) */
GPtrArray     *hd_store_list_article_tickets (HdStore               *self,
                                              gint64                 article,
                                              GError               **error);

/* "Publish as article" (staff): a draft from ticket @ticket: its title,
 * and a Markdown body of the description ("## Problem") and the public
 * replies of staff ("## Solution"; the last one when the ticket is
 * resolved or closed, else all of them), internal visibility, the
 * ticket's category as the article category when one of that path exists,
 * and draft->ticket set so that hd_store_add_article() links it. Internal
 * notes are never copied. Free with hd_article_draft_free(). */
HdArticleDraft *hd_store_draft_article_from_ticket (HdStore          *self,
                                                    gint64            ticket,
                                                    GError          **error);

G_END_DECLS
