/* hd-store-async.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-store-async.h"
#include "hd-store-private.h"

typedef struct {
  HdStoreJobFunc  func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
} Job;

static void
job_free (Job *job)
{
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_free (job);
}

static void
run_job (GTask        *task,
         gpointer      source,
         gpointer      task_data,
         GCancellable *cancellable)
{
  HdStore *store = source;
  Job *job = task_data;
  GError *error = NULL;
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* One job at a time: a connection runs one transaction. */
  g_mutex_lock (hd_store_get_job_mutex (store));
  result = job->func (store, job->data, &error);
  g_mutex_unlock (hd_store_get_job_mutex (store));

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, job->result_free);
}

/**
 * hd_store_run_async:
 * @func: the work, run on a worker thread with exclusive use of the store
 * @data: (nullable): passed to @func, freed with @data_free when done
 * @result_free: (nullable): frees what @func returned if nobody takes it
 *
 * Runs @func off the calling thread. A result is a non-%NULL pointer or an
 * error; a job with nothing to return returns the store itself, unowned.
 */
void
hd_store_run_async (HdStore             *self,
                    HdStoreJobFunc       func,
                    gpointer             data,
                    GDestroyNotify       data_free,
                    GDestroyNotify       result_free,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (HD_IS_STORE (self));
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hd_store_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_job);
}

/**
 * hd_store_run_finish:
 *
 * Returns: (transfer full): what the job returned, or %NULL with @error set
 */
gpointer
hd_store_run_finish (HdStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  char             *path;
  char             *login;
  char             *name;   /* set: create */
  HdStoreOpenFlags  flags;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_free (data->login);
  g_free (data->name);
  g_free (data);
}

static void
run_open (GTask        *task,
          gpointer      source,
          gpointer      task_data,
          GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  HdStore *store;

  if (data->name != NULL)
    store = hd_store_create (data->path, data->login, data->name, &error);
  else
    store = hd_store_open_full (data->path, data->login, data->flags, &error);

  if (store != NULL)
    g_task_return_pointer (task, store, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
start_open (OpenData            *data,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, hd_store_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, run_open);
}

/**
 * hd_store_open_async:
 *
 * hd_store_open_full() on a worker thread; finish with
 * hd_store_open_finish().
 */
void
hd_store_open_async (const char          *path,
                     const char          *login,
                     HdStoreOpenFlags     flags,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  OpenData *data = g_new0 (OpenData, 1);

  g_return_if_fail (path != NULL);

  data->path = g_strdup (path);
  data->login = g_strdup (login);
  data->flags = flags;
  start_open (data, cancellable, callback, user_data);
}

/**
 * hd_store_create_async:
 *
 * hd_store_create() on a worker thread; finish with
 * hd_store_open_finish().
 */
void
hd_store_create_async (const char          *path,
                       const char          *login,
                       const char          *helpdesk_name,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  OpenData *data = g_new0 (OpenData, 1);

  g_return_if_fail (path != NULL);
  g_return_if_fail (helpdesk_name != NULL);

  data->path = g_strdup (path);
  data->login = g_strdup (login);
  data->name = g_strdup (helpdesk_name);
  start_open (data, cancellable, callback, user_data);
}

/**
 * hd_store_open_finish:
 *
 * Returns: (transfer full): the open store, or %NULL with @error set
 */
HdStore *
hd_store_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
