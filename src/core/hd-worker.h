/* hd-worker.h — a thread of one's own for a GTask's work
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HdWorker HdWorker;

HdWorker *hd_worker_new  (void);
void      hd_worker_run  (HdWorker        *self,
                          GTask           *task,
                          int              priority,
                          gboolean         newest_first,
                          GTaskThreadFunc  func);
void      hd_worker_free (HdWorker        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdWorker, hd_worker_free)

G_END_DECLS
