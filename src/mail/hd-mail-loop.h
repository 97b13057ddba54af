/* hd-mail-loop.h — one pass of fetching, one pass of sending
 *
 * What a desk does every interval (the window, helpdesk --background, a
 * cron line running "helpdesk-cli mail fetch"): take the mail lease so
 * that one desk at a time reads the mailbox, file what arrived, send
 * what is due. Each pass blocks: run it from a worker, with its own
 * HdStore, and cancel it through @cancellable.
 *
 * Fetching reads a few messages, files them in one transaction (each
 * stored with its Message-ID beside its ticket or reply) and marks
 * messages handled on the server only after those commits, in batches. A desk killed between the two fetches the
 * messages again next time, and the file recognises them: no second
 * ticket. A folder whose UIDVALIDITY changed is listed again, for the
 * same reason safely.
 *
 * Sending claims the outbox rows due, composes each from its row, hands
 * it to the SMTP server once, and marks it sent, failed (refused for good,
 * with the server's answer) or queued again with back-off (refused for
 * now, or no server reached). See hd-store-mail-send.c for where "sent
 * exactly once" cannot hold.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-mail-account.h"
#include "hd-store.h"

G_BEGIN_DECLS

/* How long the lease (and a claimed outbox row) holds without renewal;
 * a pass renews it every third of that. */
#define HD_MAIL_LEASE_SECONDS 120

/* Messages filed in one transaction, at most, and the bytes they may
 * bring together before they are filed: one commit's wait for the disk
 * is shared by many messages, and the file stays locked only as long as
 * writing them takes. */
#define HD_MAIL_FILE_BATCH 25
#define HD_MAIL_FILE_BATCH_BYTES ((gsize) 16 * 1024 * 1024)
/* Messages marked handled on the server at a time. */
#define HD_MAIL_MARK_BATCH 50

/* The largest message fetched; larger ones are left in the mailbox and
 * counted as skipped. */
#define HD_MAIL_MAX_MESSAGE_BYTES ((gsize) 64 * 1024 * 1024)

typedef struct {
  char     *busy_holder;   /* another desk had the lease: nothing was done */
  /* Fetching */
  guint     fetched;
  guint     tickets;
  guint     replies;
  guint     not_filed;
  guint     already_filed;
  guint     marked;
  guint     skipped;       /* too large, or gone from the folder meanwhile */
  guint     commits;       /* transactions the messages were filed in */
  gboolean  uidvalidity_changed;
  /* Sending */
  guint     sent;
  guint     failed;
  guint     postponed;     /* queued again for later */
} HdMailPassReport;

void           hd_mail_pass_report_clear     (HdMailPassReport       *report);

/* Called after each message filed or sent, with the counts so far: for
 * progress, and for timing each message. */
typedef void (*HdMailPassFunc) (const HdMailPassReport *report,
                                gpointer                user_data);

char          *hd_mail_desk_identity         (void);
HdMailAccount *hd_mail_account_from_settings (const HdMailSettings   *settings);

gboolean       hd_mail_fetch_pass            (HdStore                *store,
                                              const HdMailAccount    *account,
                                              const char             *password,
                                              const char             *holder,
                                              HdMailPassReport       *report,
                                              HdMailPassFunc          func,
                                              gpointer                user_data,
                                              GCancellable           *cancellable,
                                              GError                **error);
gboolean       hd_mail_send_pass             (HdStore                *store,
                                              const HdMailAccount    *account,
                                              const char             *password,
                                              const char             *holder,
                                              HdMailPassReport       *report,
                                              HdMailPassFunc          func,
                                              gpointer                user_data,
                                              GCancellable           *cancellable,
                                              GError                **error);

G_END_DECLS
