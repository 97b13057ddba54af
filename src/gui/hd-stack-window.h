/* hd-stack-window.h — a window with a list page and a form page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-store-async.h"

G_BEGIN_DECLS

#define HD_TYPE_STACK_WINDOW (hd_stack_window_get_type ())

G_DECLARE_DERIVABLE_TYPE (HdStackWindow, hd_stack_window, HD, STACK_WINDOW, AdwWindow)

struct _HdStackWindowClass
{
  AdwWindowClass parent_class;

  /* Reading what the list shows: @load_job returns it, @load_free frees
   * it, @loaded (transfer none) shows it. */
  HdStoreJobFunc   load_job;
  GDestroyNotify   load_free;
  void           (*loaded)    (HdStackWindow *self,
                               gpointer       result);

  /* The pages: @show_form with %NULL is an empty form, to add. */
  void           (*show_list) (HdStackWindow *self);
  void           (*show_form) (HdStackWindow *self,
                               gpointer       item);

  /* The tables whose changes the list shows, %NULL-terminated: see
   * hd_stack_window_follow(). */
  const char * const *tables;
};

void          hd_stack_window_class_set_template_from_resource (GtkWidgetClass *widget_class,
                                                                const char     *resource_name,
                                                                const char     *action_prefix);

HdStore      *hd_stack_window_get_store                        (HdStackWindow  *self);
GCancellable *hd_stack_window_get_cancellable                  (HdStackWindow  *self);
void          hd_stack_window_reload                           (HdStackWindow  *self);
GtkWidget    *hd_stack_window_create_row                       (HdStackWindow  *self,
                                                                const char     *title,
                                                                const char     *subtitle,
                                                                gpointer        item,
                                                                GDestroyNotify  item_free);
void          hd_stack_window_show_page                        (HdStackWindow  *self,
                                                                gboolean        form,
                                                                const char     *title);
void          hd_stack_window_show_error                       (HdStackWindow  *self,
                                                                const GError   *error);
void          hd_stack_window_toast                            (HdStackWindow  *self,
                                                                const char     *text);
void          hd_stack_window_set_busy                         (HdStackWindow  *self,
                                                                gboolean        busy);
void          hd_stack_window_changed                          (HdStackWindow  *self);
void          hd_stack_window_follow                           (HdStackWindow  *self,
                                                                GPtrArray      *changes);
void          hd_stack_window_run_change                       (HdStackWindow  *self,
                                                                HdStoreJobFunc  job,
                                                                gpointer        data,
                                                                GDestroyNotify  data_free);

G_END_DECLS
