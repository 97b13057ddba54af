/* hd-mail-curl.h — one libcurl connection to a mail server (private)
 *
 * The IMAP and SMTP code set the request's options on the handle and call
 * hd_mail_curl_perform(), which runs it on a multi handle so that a
 * GCancellable stops it at once, keeps the server's answers (never what
 * we send: it holds the password) and turns libcurl's result into an
 * #HdMailError that says what failed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <curl/curl.h>

#include "hd-mail-account.h"

G_BEGIN_DECLS

typedef struct _HdMailCurl HdMailCurl;

/* @outgoing is a command line Helpdesk sent other than a login: lines of
 * the conversation, one at a time, without the line end. */
typedef void (*HdMailCurlTraceFunc) (const char *line,
                                     gboolean    outgoing,
                                     gpointer    user_data);

HdMailCurl *hd_mail_curl_new            (const HdMailAccount *account,
                                         gboolean             smtp,
                                         const char          *password);
void        hd_mail_curl_free           (HdMailCurl          *self);
CURL       *hd_mail_curl_get_handle     (HdMailCurl          *self);
const char *hd_mail_curl_get_host       (HdMailCurl          *self);
char       *hd_mail_curl_url            (HdMailCurl          *self,
                                         const char          *path);
void        hd_mail_curl_set_trace_func (HdMailCurl          *self,
                                         HdMailCurlTraceFunc  func,
                                         gpointer             user_data);
CURLcode    hd_mail_curl_run            (HdMailCurl          *self,
                                         GCancellable        *cancellable);
gboolean    hd_mail_curl_perform        (HdMailCurl          *self,
                                         GCancellable        *cancellable,
                                         GError             **error);
const char *hd_mail_curl_get_reply      (HdMailCurl          *self);
gboolean    hd_mail_curl_reconnected    (HdMailCurl          *self);
void        hd_mail_curl_set_error      (HdMailCurl          *self,
                                         CURLcode             result,
                                         GError             **error);
char       *hd_mail_clean_text          (const char          *text,
                                         gssize               length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailCurl, hd_mail_curl_free)

G_END_DECLS
