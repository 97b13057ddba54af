/* hd-smtp.h — sending messages over SMTP, one or many to a connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-mail-account.h"

G_BEGIN_DECLS

/* A recipient the server would not take, and what it said. */
typedef struct {
  char     *address;
  char     *reply;
  gboolean  permanent;  /* a 5xx answer; else 4xx: try again later */
} HdSmtpRefusal;

/**
 * HdSmtpReceipt:
 * @reply: the server's last answer: to the message when it was taken
 *   ("250 2.0.0 Ok: queued as …"), to what failed when it was not; empty
 *   when the server said nothing (it could not be reached)
 * @refused: (element-type HdSmtpRefusal): recipients the server refused
 */
typedef struct {
  char      *reply;
  GPtrArray *refused;
} HdSmtpReceipt;

typedef struct _HdSmtpSession HdSmtpSession;

HdSmtpSession *hd_smtp_session_new  (const HdMailAccount *account,
                                     const char          *password);
void           hd_smtp_session_free (HdSmtpSession       *self);
gboolean       hd_smtp_session_send (HdSmtpSession       *self,
                                     const char          *sender,
                                     const char * const  *recipients,
                                     GBytes              *message,
                                     HdSmtpReceipt      **receipt,
                                     GCancellable        *cancellable,
                                     GError             **error);

gboolean hd_smtp_send         (const HdMailAccount *account,
                               const char          *password,
                               const char          *sender,
                               const char * const  *recipients,
                               GBytes              *message,
                               HdSmtpReceipt      **receipt,
                               GCancellable        *cancellable,
                               GError             **error);
gboolean hd_smtp_check        (const HdMailAccount *account,
                               const char          *password,
                               GCancellable        *cancellable,
                               GError             **error);
void     hd_smtp_receipt_free (HdSmtpReceipt       *receipt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdSmtpReceipt, hd_smtp_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdSmtpSession, hd_smtp_session_free)

G_END_DECLS
