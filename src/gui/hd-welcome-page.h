/* hd-welcome-page.h — start a helpdesk, open one, or pick a recent one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HD_TYPE_WELCOME_PAGE (hd_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (HdWelcomePage, hd_welcome_page, HD, WELCOME_PAGE, GtkWidget)

GtkWidget *hd_welcome_page_new        (void);
void       hd_welcome_page_set_recent (HdWelcomePage      *self,
                                       const char * const *paths);
void       hd_welcome_page_set_error  (HdWelcomePage      *self,
                                       const char         *message);
void       hd_welcome_page_set_folder (HdWelcomePage      *self,
                                       const char         *folder);

G_END_DECLS
