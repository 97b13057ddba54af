/* hd-worker.c — a thread of one's own for a GTask's work
 *
 * g_task_run_in_thread() shares one pool of threads among everything in
 * the process: a burst of slow reads there (a list asking for many pages
 * of a large file) leaves the file's monitor and every other job waiting
 * behind it. A worker is one thread that runs only what its owner gives
 * it, in the owner's order: by priority, then first come first served, or
 * newest first for work where the latest request is the one that matters
 * (the rows on screen now).
 *
 * The task is completed as with g_task_run_in_thread(): its callback runs
 * in the task's main context once the function returned it. A task may be
 * freed last on the worker thread, so tasks given to a worker should not
 * have a source object that must die on its own thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-worker.h"

struct _HdWorker
{
  GThreadPool *pool;
  guint64      seq;     /* the owner's thread only */
};

typedef struct {
  GTask           *task;
  GTaskThreadFunc  func;
  int              priority;
  gboolean         newest_first;
  guint64          seq;
} Item;

static void
item_free (Item *item)
{
  g_object_unref (item->task);
  g_free (item);
}

static void
run_item (gpointer data,
          gpointer user_data)
{
  Item *item = data;

  item->func (item->task, g_task_get_source_object (item->task),
              g_task_get_task_data (item->task), g_task_get_cancellable (item->task));
  item_free (item);
}

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const Item *x = a, *y = b;

  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  if (x->newest_first && y->newest_first)
    return x->seq > y->seq ? -1 : x->seq < y->seq;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * hd_worker_new:
 *
 * Starts a thread that runs the tasks given to it one at a time.
 */
HdWorker *
hd_worker_new (void)
{
  HdWorker *self = g_new0 (HdWorker, 1);
  g_autoptr(GError) error = NULL;

  self->pool = g_thread_pool_new_full (run_item, NULL, (GDestroyNotify) item_free, 1, TRUE,
                                       &error);
  if (self->pool == NULL)
    g_error ("Cannot start a worker thread: %s", error->message);
  g_thread_pool_set_sort_function (self->pool, compare_items, NULL);
  return self;
}

/**
 * hd_worker_run:
 * @priority: lower runs sooner
 * @newest_first: among queued tasks of the same priority that say so, the
 *   newest runs first; other tasks run in the order they came
 * @func: what to run on the worker's thread; it returns @task's result
 *
 * Like g_task_run_in_thread(), on this worker's thread. Queued tasks are
 * not dropped by the worker: @func should return at once when it finds its
 * work no longer wanted (g_task_return_error_if_cancelled()).
 */
void
hd_worker_run (HdWorker        *self,
               GTask           *task,
               int              priority,
               gboolean         newest_first,
               GTaskThreadFunc  func)
{
  Item *item;

  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  item = g_new0 (Item, 1);
  item->task = g_object_ref (task);
  item->func = func;
  item->priority = priority;
  item->newest_first = newest_first;
  item->seq = ++self->seq;
  g_thread_pool_push (self->pool, item, NULL);
}

/**
 * hd_worker_free:
 *
 * Returns at once. The thread runs what is queued (cancel it first to
 * make that quick) and then ends.
 */
void
hd_worker_free (HdWorker *self)
{
  if (self == NULL)
    return;

  g_thread_pool_free (self->pool, FALSE, FALSE);
  g_free (self);
}
