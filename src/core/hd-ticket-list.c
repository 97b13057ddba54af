/* hd-ticket-list.c — a GListModel of tickets, paged from the file
 *
 * The model knows how many tickets match and holds only the pages that
 * views asked for, at most MAX_PAGES of them, so memory does not grow with
 * the file. Counting and fetching run on a worker thread with the model's
 * own connection; the thread that owns the model never waits on the file.
 * Until its page arrives a position holds an empty placeholder ticket
 * (number 0); the real rows replace it with items-changed (pos, n, n).
 *
 * Each change of filter starts a new generation; results of an older one
 * are dropped when they arrive.
 *
 * Tasks have no source object: a task is often freed last on the worker
 * thread, and it must not take the model with it there. A job holds the
 * worker (and so the connection) and a weak reference to the model.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-store-private.h"
#include "hd-ticket-list.h"

#define MAX_PAGES 16

/* What worker threads share. The store is used by one task at a time. */
typedef struct {
  gatomicrefcount  ref;
  GMutex           mutex;
  char            *path;
  char            *login;
  HdStore         *store;
} Worker;

typedef struct {
  GPtrArray *items;     /* HdTicket, placeholders until loaded */
  guint64    last_use;
  gboolean   loaded;
  gboolean   fetching;
} Page;

typedef struct {
  Worker        *worker;
  GWeakRef       list;
  gboolean       refresh;
  HdTicketFilter filter;  /* strings owned */
  guint          generation;
  guint          page;    /* for fetches */
  guint          count;   /* result of a count */
  GPtrArray     *rows;    /* result of a fetch */
} Job;

struct _HdTicketList
{
  GObject       parent_instance;

  Worker       *worker;
  HdTicketFilter filter;   /* strings owned */
  GHashTable   *pages;     /* page index → Page */
  GCancellable *cancellable;
  guint         n_items;
  guint         generation;
  guint64       use_clock;
  guint         pending;   /* jobs in flight */
  gboolean      counted;
};

static void hd_ticket_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HdTicketList, hd_ticket_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hd_ticket_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

enum {
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Worker */

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref);
  return worker;
}

static void
worker_unref (Worker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref))
    return;

  g_clear_object (&worker->store);
  g_mutex_clear (&worker->mutex);
  g_free (worker->path);
  g_free (worker->login);
  g_free (worker);
}

/* Called with the mutex held, on a worker thread. */
static HdStore *
worker_store (Worker  *worker,
              GError **error)
{
  if (worker->store == NULL)
    worker->store = hd_store_open (worker->path, worker->login, error);

  return worker->store;
}

/* Jobs */

static void
filter_copy (HdTicketFilter       *dest,
             const HdTicketFilter *src)
{
  *dest = *src;
  dest->assignee = g_strdup (src->assignee);
  dest->requester = g_strdup (src->requester);
  dest->search = g_strdup (src->search);
}

static void
filter_clear (HdTicketFilter *filter)
{
  g_free ((char *) filter->assignee);
  g_free ((char *) filter->requester);
  g_free ((char *) filter->search);
  memset (filter, 0, sizeof *filter);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->worker, worker_unref);
  g_weak_ref_clear (&job->list);
  filter_clear (&job->filter);
  g_clear_pointer (&job->rows, g_ptr_array_unref);
  g_free (job);
}

static Job *
job_new (HdTicketList *self)
{
  Job *job = g_new0 (Job, 1);

  job->worker = worker_ref (self->worker);
  g_weak_ref_init (&job->list, self);
  filter_copy (&job->filter, &self->filter);
  job->generation = self->generation;
  return job;
}

static void
run_count (GTask        *task,
           gpointer      source,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Job *job = task_data;
  Worker *worker = job->worker;
  GError *error = NULL;
  HdStore *store;
  gboolean ok;

  g_mutex_lock (&worker->mutex);
  store = worker_store (worker, &error);
  ok = store != NULL && hd_store_count_tickets (store, &job->filter, &job->count, &error);
  g_mutex_unlock (&worker->mutex);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_fetch (GTask        *task,
           gpointer      source,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Job *job = task_data;
  Worker *worker = job->worker;
  GError *error = NULL;
  HdStore *store;

  if (g_task_return_error_if_cancelled (task))
    return;

  job->filter.offset = job->page * HD_TICKET_LIST_PAGE_SIZE;
  job->filter.limit = HD_TICKET_LIST_PAGE_SIZE;

  g_mutex_lock (&worker->mutex);
  store = worker_store (worker, &error);
  if (store != NULL)
    job->rows = hd_store_list_tickets (store, &job->filter, &error);
  g_mutex_unlock (&worker->mutex);

  if (job->rows != NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Pages */

static HdTicket *
placeholder_new (void)
{
  return g_object_new (HD_TYPE_TICKET, NULL);
}

gboolean
hd_ticket_is_placeholder (HdTicket *ticket)
{
  return hd_ticket_get_number (ticket) == 0;
}

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->items);
  g_free (page);
}

static guint
page_length (HdTicketList *self,
             guint         index)
{
  guint start = index * HD_TICKET_LIST_PAGE_SIZE;

  return MIN (HD_TICKET_LIST_PAGE_SIZE, self->n_items - start);
}

static void
set_pending (HdTicketList *self,
             int           delta)
{
  gboolean was_loading = self->pending > 0;

  self->pending += delta;
  if (was_loading != (self->pending > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
evict_old_pages (HdTicketList *self)
{
  while (g_hash_table_size (self->pages) > MAX_PAGES)
    {
      GHashTableIter iter;
      gpointer key, value, oldest_key = NULL;
      guint64 oldest = G_MAXUINT64;
      gboolean found = FALSE;   /* page 0's key is NULL */

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Page *page = value;

          if (!page->fetching && page->last_use < oldest)
            {
              oldest = page->last_use;
              oldest_key = key;
              found = TRUE;
            }
        }

      if (!found)
        break;
      g_hash_table_remove (self->pages, oldest_key);
    }
}

static void fetch_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data);

static void
start_fetch (HdTicketList *self,
             guint         index,
             Page         *page)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, fetch_done, NULL);
  Job *job = job_new (self);

  job->page = index;
  page->fetching = TRUE;
  set_pending (self, 1);
  g_task_set_source_tag (task, start_fetch);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_fetch);
}

static Page *
ensure_page (HdTicketList *self,
             guint         index)
{
  Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

  if (page == NULL)
    {
      guint length = page_length (self, index);

      page = g_new0 (Page, 1);
      page->items = g_ptr_array_new_full (length, g_object_unref);
      for (guint i = 0; i < length; i++)
        g_ptr_array_add (page->items, placeholder_new ());
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
      start_fetch (self, index, page);
      evict_old_pages (self);
    }

  page->last_use = ++self->use_clock;
  return page;
}

static gboolean
same_rows (GPtrArray *a,
           GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      HdTicket *x = g_ptr_array_index (a, i);
      HdTicket *y = g_ptr_array_index (b, i);

      if (hd_ticket_get_number (x) != hd_ticket_get_number (y) ||
          hd_ticket_get_version (x) != hd_ticket_get_version (y) ||
          hd_ticket_get_updated_at (x) != hd_ticket_get_updated_at (y))
        return FALSE;
    }

  return TRUE;
}

static void
fetch_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(HdTicketList) self = g_weak_ref_get (&job->list);
  g_autoptr(GError) error = NULL;
  Page *page;
  guint length;

  if (self == NULL)
    return;

  set_pending (self, -1);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[FAILED], 0, error);
      page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (job->page));
      if (page != NULL && job->generation == self->generation)
        page->fetching = FALSE;
      return;
    }

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (job->page));
  if (job->generation != self->generation || page == NULL)
    return;

  page->fetching = FALSE;
  length = page->items->len;

  /* A refetch that found the same rows keeps the objects views hold. */
  if (page->loaded && same_rows (page->items, job->rows))
    return;

  /* The file may have changed since the count: missing rows stay
   * placeholders until the next reload corrects the count. */
  for (guint i = 0; i < job->rows->len && i < length; i++)
    {
      g_object_unref (page->items->pdata[i]);
      page->items->pdata[i] = g_object_ref (job->rows->pdata[i]);
    }

  page->loaded = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), job->page * HD_TICKET_LIST_PAGE_SIZE,
                              length, length);
}

/* Counting */

static void
count_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(HdTicketList) self = g_weak_ref_get (&job->list);
  gboolean refresh = job->refresh;
  g_autoptr(GError) error = NULL;
  guint old;

  if (self == NULL)
    return;

  set_pending (self, -1);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }

  if (job->generation != self->generation)
    return;

  old = self->n_items;
  self->counted = TRUE;

  /* Same number of rows after an outside change: refetch the pages we hold
   * and tell views only about rows that really changed, so they keep their
   * scroll position and selection. */
  if (refresh && job->count == old)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!((Page *) value)->fetching)
          start_fetch (self, GPOINTER_TO_UINT (key), value);
      return;
    }

  g_hash_table_remove_all (self->pages);
  self->n_items = job->count;
  if (old != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

static void
start_count (HdTicketList *self,
             gboolean      refresh)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, count_done, NULL);
  Job *job = job_new (self);

  job->refresh = refresh;
  set_pending (self, 1);
  g_task_set_source_tag (task, start_count);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_count);
}

/* GListModel */

static GType
hd_ticket_list_get_item_type (GListModel *model)
{
  return HD_TYPE_TICKET;
}

static guint
hd_ticket_list_get_n_items (GListModel *model)
{
  return HD_TICKET_LIST (model)->n_items;
}

static gpointer
hd_ticket_list_get_item (GListModel *model,
                         guint       position)
{
  HdTicketList *self = HD_TICKET_LIST (model);
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = ensure_page (self, position / HD_TICKET_LIST_PAGE_SIZE);
  return g_object_ref (g_ptr_array_index (page->items, position % HD_TICKET_LIST_PAGE_SIZE));
}

static void
hd_ticket_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hd_ticket_list_get_item_type;
  iface->get_n_items = hd_ticket_list_get_n_items;
  iface->get_item = hd_ticket_list_get_item;
}

/* GObject */

static void
hd_ticket_list_dispose (GObject *object)
{
  HdTicketList *self = (HdTicketList *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pages, g_hash_table_unref);

  G_OBJECT_CLASS (hd_ticket_list_parent_class)->dispose (object);
}

static void
hd_ticket_list_finalize (GObject *object)
{
  HdTicketList *self = (HdTicketList *) object;

  filter_clear (&self->filter);
  g_clear_pointer (&self->worker, worker_unref);

  G_OBJECT_CLASS (hd_ticket_list_parent_class)->finalize (object);
}

static void
hd_ticket_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HdTicketList *self = HD_TICKET_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, hd_ticket_list_is_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_ticket_list_class_init (HdTicketListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hd_ticket_list_dispose;
  object_class->finalize = hd_ticket_list_finalize;
  object_class->get_property = hd_ticket_list_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HdTicketList::failed:
   * @error: why the file could not be read
   *
   * The list could not be counted or a page could not be read; it keeps
   * what it had.
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hd_ticket_list_init (HdTicketList *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->cancellable = g_cancellable_new ();
}

/* Public API */

/**
 * hd_ticket_list_new:
 * @path: the helpdesk file, opened again on a worker thread
 * @login: (nullable): who is looking; %NULL for hd_store_current_login()
 *
 * Creates an empty list; set a filter to fill it.
 */
HdTicketList *
hd_ticket_list_new (const char *path,
                    const char *login)
{
  HdTicketList *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (HD_TYPE_TICKET_LIST, NULL);
  self->worker = g_new0 (Worker, 1);
  g_atomic_ref_count_init (&self->worker->ref);
  g_mutex_init (&self->worker->mutex);
  self->worker->path = g_strdup (path);
  self->worker->login = g_strdup (login);
  return self;
}

/**
 * hd_ticket_list_set_filter:
 *
 * Which tickets to list, in which order. The list empties and refills
 * asynchronously. Offset and limit are ignored; a search lists at most
 * %HD_TICKET_LIST_SEARCH_LIMIT tickets.
 */
void
hd_ticket_list_set_filter (HdTicketList         *self,
                           const HdTicketFilter *filter)
{
  g_return_if_fail (HD_IS_TICKET_LIST (self));
  g_return_if_fail (filter != NULL);

  filter_clear (&self->filter);
  filter_copy (&self->filter, filter);
  self->filter.offset = 0;
  self->filter.limit = 0;
  self->filter.count_limit = filter->search != NULL && filter->search[0] != '\0'
                             ? HD_TICKET_LIST_SEARCH_LIMIT : 0;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  start_count (self, FALSE);
}

/**
 * hd_ticket_list_reload:
 *
 * Reads the file again after it changed. Rows that did not change are not
 * announced, so views keep their place.
 */
void
hd_ticket_list_reload (HdTicketList *self)
{
  g_return_if_fail (HD_IS_TICKET_LIST (self));

  if (!self->counted)
    return;

  start_count (self, TRUE);
}

gboolean
hd_ticket_list_is_loading (HdTicketList *self)
{
  g_return_val_if_fail (HD_IS_TICKET_LIST (self), FALSE);
  return self->pending > 0;
}

guint
hd_ticket_list_get_n_loaded_pages (HdTicketList *self)
{
  g_return_val_if_fail (HD_IS_TICKET_LIST (self), 0);
  return g_hash_table_size (self->pages);
}
