/* hd-mail-private.h — what the mail files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gi18n-lib.h>
#include <gmime/gmime.h>

#include "hd-mail.h"

G_BEGIN_DECLS

GBytes *hd_mail_part_bytes (GMimePart     *part);
char   *hd_mail_part_text  (GMimeObject   *object);

/* Sets @msg->automatic (and the bounce fields) from @message's headers
 * and structure (hd-mail-classify.c). */
void    hd_mail_classify   (HdMailMessage *msg,
                            GMimeMessage  *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

G_END_DECLS
