/* hd-mail-settings.h — the support mailbox as the helpdesk file holds it
 *
 * One mailbox per helpdesk file: where its servers are, which address it
 * has, how often it is read. Never its password, which each desk keeps in
 * its own keyring, found again by the file's id (hd_store_get_file_uuid()).
 * Reading and writing go through HdStore (hd-store.h); this is the plain
 * record and its checks, which need no file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HD_MAIL_DEFAULT_INTERVAL 60        /* seconds between fetches */
#define HD_MAIL_MIN_INTERVAL     60
#define HD_MAIL_MAX_INTERVAL     (24 * 60 * 60)

/**
 * HdMailSettings:
 * @address: the support address (lower case once stored); "" when not set up
 * @display_name: the name mail from Helpdesk carries, or %NULL
 * @imap_host: the incoming server's host name
 * @imap_port: its port, 1–65535; 0 when written means the usual one for
 *   @imap_security (993 for "tls", else 143)
 * @imap_security: "tls", "starttls" or "plain" (no encryption: only when a
 *   person chose it)
 * @imap_folder: the folder requests arrive in (ASCII); "INBOX" by default
 * @smtp_host, @smtp_port, @smtp_security: the outgoing server (465 for
 *   "tls", else 587)
 * @user_name: the login on both servers
 * @interval_seconds: how often a desk fetches, at least 60
 * @enabled: whether desks fetch and send at all
 * @version: the row's version when read (0: never set up); pass it back
 *   to hd_store_set_mail_settings() to refuse overwriting someone else's
 *   change
 */
typedef struct {
  char     *address;
  char     *display_name;
  char     *imap_host;
  guint     imap_port;
  char     *imap_security;
  char     *imap_folder;
  char     *smtp_host;
  guint     smtp_port;
  char     *smtp_security;
  char     *user_name;
  guint     interval_seconds;
  gboolean  enabled;
  gint64    version;
} HdMailSettings;

HdMailSettings *hd_mail_settings_new      (void);
HdMailSettings *hd_mail_settings_copy     (const HdMailSettings *settings);
void            hd_mail_settings_free     (HdMailSettings       *settings);
gboolean        hd_mail_settings_validate (const HdMailSettings *settings,
                                           GError              **error);
gboolean        hd_mail_settings_is_complete (const HdMailSettings *settings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailSettings, hd_mail_settings_free)

G_END_DECLS
