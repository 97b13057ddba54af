/* hd-validate.h — checks every piece of text before it reaches the file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define HD_MAX_TITLE_CHARS 200
#define HD_MAX_LINE_CHARS  100
#define HD_MAX_BODY_BYTES  (128 * 1024)
#define HD_MAX_LOGIN_CHARS 64
#define HD_MAX_EMAIL_CHARS 254

gboolean hd_validate_bytes (const char  *field,
                            const char  *data,
                            gsize        length,
                            GError     **error);
gboolean hd_validate_line  (const char  *field,
                            const char  *text,
                            guint        max_chars,
                            gboolean     required,
                            GError     **error);
gboolean hd_validate_body  (const char  *field,
                            const char  *text,
                            gboolean     required,
                            GError     **error);
gboolean hd_validate_login (const char  *login,
                            GError     **error);
gboolean hd_validate_email (const char  *email,
                            GError     **error);
gboolean hd_validate_tier  (int          tier,
                            GError     **error);

gboolean hd_check_text_file (const char  *shown,
                             mode_t       mode,
                             GError     **error);
char    *hd_read_text_fd    (int          fd,
                             const char  *field,
                             const char  *shown,
                             gsize        limit,
                             gsize       *length,
                             GError     **error);
char    *hd_read_text_input (const char  *field,
                             const char  *path,
                             gsize        limit,
                             gsize       *length,
                             GError     **error);

gboolean hd_parse_decimal  (const char  *text,
                            gint64       min,
                            gint64       max,
                            gint64      *value);

G_END_DECLS
