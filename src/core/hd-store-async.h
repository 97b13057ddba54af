/* hd-store-async.h — running store work off the calling thread
 *
 * A window must never wait on the file: a network share can take
 * milliseconds per page and a busy file seconds. Everything a window asks of
 * its store goes through these calls, which run on a worker thread, one job
 * at a time per store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-store.h"

G_BEGIN_DECLS

/* Runs on a worker thread with exclusive use of @store. */
typedef gpointer (*HdStoreJobFunc) (HdStore  *store,
                                    gpointer  data,
                                    GError  **error);

void      hd_store_run_async    (HdStore             *self,
                                 HdStoreJobFunc       func,
                                 gpointer             data,
                                 GDestroyNotify       data_free,
                                 GDestroyNotify       result_free,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gpointer  hd_store_run_finish   (HdStore             *self,
                                 GAsyncResult        *result,
                                 GError             **error);

void      hd_store_open_async   (const char          *path,
                                 const char          *login,
                                 HdStoreOpenFlags     flags,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
void      hd_store_create_async (const char          *path,
                                 const char          *login,
                                 const char          *helpdesk_name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
HdStore  *hd_store_open_finish  (GAsyncResult        *result,
                                 GError             **error);

HdPerson *hd_store_dup_me       (HdStore             *self);

G_END_DECLS
