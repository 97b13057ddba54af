/* hd-person.h — a person known to the helpdesk file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hd-enums.h"

G_BEGIN_DECLS

#define HD_TYPE_PERSON (hd_person_get_type ())

G_DECLARE_FINAL_TYPE (HdPerson, hd_person, HD, PERSON, GObject)

gint64      hd_person_get_id         (HdPerson *self);
const char *hd_person_get_login      (HdPerson *self);
const char *hd_person_get_name       (HdPerson *self);
const char *hd_person_get_email      (HdPerson *self);
HdRole      hd_person_get_role       (HdPerson *self);
int         hd_person_get_tier       (HdPerson *self);
const char *hd_person_get_department (HdPerson *self);
const char *hd_person_get_location   (HdPerson *self);
gboolean    hd_person_get_active     (HdPerson *self);
gboolean    hd_person_is_staff       (HdPerson *self);

G_END_DECLS
