/* hd-cli-json.h — JSON as helpdesk-cli prints it, written as it goes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HdCliJson HdCliJson;

HdCliJson *hd_cli_json_new          (GString    *out);
void       hd_cli_json_free         (HdCliJson  *json);

void       hd_cli_json_begin_object (HdCliJson  *json);
void       hd_cli_json_end_object   (HdCliJson  *json);
void       hd_cli_json_begin_array  (HdCliJson  *json);
void       hd_cli_json_end_array    (HdCliJson  *json);
/* The name of the next value, inside an object. */
void       hd_cli_json_member       (HdCliJson  *json,
                                     const char *name);
/* @value: (nullable): null when %NULL */
void       hd_cli_json_string       (HdCliJson  *json,
                                     const char *value);
void       hd_cli_json_int          (HdCliJson  *json,
                                     gint64      value);
void       hd_cli_json_double       (HdCliJson  *json,
                                     double      value);
void       hd_cli_json_boolean      (HdCliJson  *json,
                                     gboolean    value);
void       hd_cli_json_null         (HdCliJson  *json);

/* @value in decimal, at least @width digits with leading zeros: for the
 * millions of numbers and times a long list prints, without printf. */
void       hd_cli_append_number     (GString    *out,
                                     gint64      value,
                                     guint       width);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdCliJson, hd_cli_json_free)

G_END_DECLS
