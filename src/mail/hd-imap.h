/* hd-imap.h — the support mailbox's folder, read over IMAP
 *
 * What the fetcher needs and no more: the UIDs of the messages not yet
 * handled, each message's raw bytes, and marking messages handled once
 * the caller has committed them to the file. A message is marked only
 * when the caller says so, so a fetcher stopped between its commit and
 * the mark fetches the message again next time, and the caller recognises
 * it by its Message-ID.
 *
 * "Not yet handled" is the keyword $HelpdeskFiled, not \Seen: a person
 * reading the support mailbox in a mail client marks messages seen, and
 * they must still be filed. Servers that do not keep keywords of their
 * own making (no "\*" in PERMANENTFLAGS) fall back to \Seen. Messages are
 * read while the folder is open read-only (EXAMINE), so reading marks
 * nothing; handled messages get both \Seen and the keyword.
 *
 * UIDs are only meaningful with the folder's UIDVALIDITY: every call that
 * takes UIDs takes it too, and fails with %HD_MAIL_ERROR_UIDVALIDITY when
 * the folder's changed (open and list again; the Message-IDs keep the
 * file free of duplicates).
 *
 * One session is one connection, reused from call to call; it blocks, so
 * use it from one worker thread at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-mail-account.h"

G_BEGIN_DECLS

#define HD_IMAP_KEYWORD "$HelpdeskFiled"

typedef struct _HdImapSession HdImapSession;

HdImapSession *hd_imap_session_new             (const HdMailAccount *account,
                                                const char          *password);
void           hd_imap_session_free            (HdImapSession       *self);
gboolean       hd_imap_session_open            (HdImapSession       *self,
                                                GCancellable        *cancellable,
                                                GError             **error);
guint32        hd_imap_session_get_uidvalidity (HdImapSession       *self);
gboolean       hd_imap_session_uses_keyword    (HdImapSession       *self);
GArray        *hd_imap_session_list_unhandled  (HdImapSession       *self,
                                                GCancellable        *cancellable,
                                                GError             **error);
GBytes        *hd_imap_session_fetch           (HdImapSession       *self,
                                                guint32              uidvalidity,
                                                guint32              uid,
                                                gsize                max_size,
                                                GCancellable        *cancellable,
                                                GError             **error);
gboolean       hd_imap_session_mark_handled    (HdImapSession       *self,
                                                guint32              uidvalidity,
                                                const guint32       *uids,
                                                guint                n_uids,
                                                GCancellable        *cancellable,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdImapSession, hd_imap_session_free)

G_END_DECLS
