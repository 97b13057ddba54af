/* hd-test-mail.h — real mail servers for the tests
 *
 * Dovecot (IMAP) and an aiosmtpd sink (SMTP), started on 127.0.0.1 on
 * free ports as whoever runs the tests, in a folder of their own with a
 * self-signed certificate made for "localhost" at start. When a server
 * cannot run here, start() marks the test skipped with the reason and
 * returns NULL: the test returns at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hd-mail-account.h"
#include "hd-mail-settings.h"

G_BEGIN_DECLS

#define HD_TEST_MAIL_USER     "support@helpdesk.test"
#define HD_TEST_MAIL_PASSWORD "Correct horse battery staple"

typedef struct _HdTestImap HdTestImap;
typedef struct _HdTestSmtp HdTestSmtp;

/* Both servers share one certificate, a file of this folder. */
HdTestImap    *hd_test_imap_start        (void);
void           hd_test_imap_stop         (HdTestImap     *server);
guint          hd_test_imap_port         (HdTestImap     *server,
                                          HdMailSecurity  security);
const char    *hd_test_imap_ca_file      (HdTestImap     *server);
void           hd_test_imap_append       (HdTestImap     *server,
                                          const char     *message);
void           hd_test_imap_append_to    (HdTestImap     *server,
                                          const char     *folder,
                                          const char     *message);
char          *hd_test_imap_flags        (HdTestImap     *server,
                                          guint32         uid);
void           hd_test_imap_deliver_many (HdTestImap     *server,
                                          guint           n);
void           hd_test_imap_add_flags_to_set (HdTestImap *server,
                                              const char *uids,
                                              const char *flags);
void           hd_test_imap_add_flags    (HdTestImap     *server,
                                          guint32         uid,
                                          const char     *flags);
void           hd_test_imap_create_folder (HdTestImap    *server,
                                          const char     *folder);
void           hd_test_imap_recreate_folder (HdTestImap  *server,
                                          const char     *folder);

/* Dovecot that also takes XOAUTH2 with one of @tokens (the tests'
 * OAuth 2.0 server says which it was shown, in order, one a line). */
HdTestImap    *hd_test_imap_start_oauth  (const char * const *tokens);
char          *hd_test_imap_tokens_shown (HdTestImap     *server);

/* An account on @imap (TLS) and, when given, @smtp: user, password
 * above, the certificate trusted through ca_file. */
HdMailAccount *hd_test_mail_account      (HdTestImap     *imap,
                                          HdTestSmtp     *smtp);

/* The mailbox as the helpdesk file holds it, on @imap (TLS) and @smtp
 * (its security), user HD_TEST_MAIL_USER, checked once an hour, enabled. */
HdMailSettings *hd_test_mail_settings    (HdTestImap     *imap,
                                          HdTestSmtp     *smtp);

/* The sink asks for HD_TEST_MAIL_USER's login. */
HdTestSmtp    *hd_test_smtp_start        (HdTestImap     *certificate_from,
                                          HdMailSecurity  security);
HdTestSmtp    *hd_test_smtp_start_oauth  (HdTestImap     *certificate_from,
                                          HdMailSecurity  security,
                                          const char * const *tokens);
char          *hd_test_smtp_tokens_shown (HdTestSmtp     *sink);
void           hd_test_smtp_stop         (HdTestSmtp     *sink);
guint          hd_test_smtp_port         (HdTestSmtp     *sink);
HdMailSecurity hd_test_smtp_security     (HdTestSmtp     *sink);
guint          hd_test_smtp_count        (HdTestSmtp     *sink);
GBytes        *hd_test_smtp_message      (HdTestSmtp     *sink,
                                          guint           n);
/* The client's address and port that brought message @n. */
char          *hd_test_smtp_connection   (HdTestSmtp     *sink,
                                          guint           n);
char          *hd_test_smtp_envelope     (HdTestSmtp     *sink,
                                          guint           n);

/* A port nothing listens on, and one that takes connections and never
 * answers (closed by the _free). */
guint          hd_test_mail_closed_port  (void);
GSocket       *hd_test_mail_silent_port  (guint          *port);

/* A keyring of the test's own (see hd-test-mail.c); NULL when
 * gnome-keyring is not installed. */
typedef struct _HdTestKeyring HdTestKeyring;

HdTestKeyring *hd_test_keyring_start     (void);
void           hd_test_keyring_stop      (HdTestKeyring  *keyring);

/* GNOME Online Accounts of the test's own (python-dbusmock), on a bus of
 * its own: call it first in main(). */
typedef struct _HdTestGoa HdTestGoa;

HdTestGoa     *hd_test_goa_start         (void);
void           hd_test_goa_stop          (HdTestGoa      *goa);
void           hd_test_goa_add           (HdTestGoa      *goa,
                                          const char     *id,
                                          const char     *email,
                                          const char     *token,
                                          const char     *renewed,
                                          gboolean        reads_mail);
guint          hd_test_goa_calls         (HdTestGoa      *goa,
                                          const char     *id,
                                          const char     *method);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdTestImap, hd_test_imap_stop)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdTestSmtp, hd_test_smtp_stop)

G_END_DECLS
