/* hd-ticket-list.c — a GListModel of tickets, paged from the file
 *
 * The list knows the number of every ticket at every position, and holds
 * the rows of only some of them.
 *
 * Numbers. A filter's tickets are read in two steps: its first page, which
 * is shown at once, then the numbers of all of them in order (4 bytes a
 * ticket: 1.7 MB for the 430 000 open tickets of a million; SQLite reads
 * them from the filter's index and sorts them, 0.2 s there). From then on
 * every position is known: a page is read by the numbers at its positions
 * (one lookup each), whatever its depth, and never by OFFSET, which walked
 * every row before it. A search lists at most
 * %HD_TICKET_LIST_SEARCH_LIMIT tickets. Until the numbers are in, the list
 * is not "complete": it is a page long and about to grow.
 *
 * Rows. Rows are held by ticket number, not by position, in a cache of at
 * most MAX_ROWS with the least recently used going first, so a ticket that
 * moves keeps its row. Until a row is read, its position holds a
 * placeholder ticket (number 0), made when a view asks for it; the real row
 * replaces it with items-changed (position, n, n). Asking for a position
 * never reads the file: it queues its page (and, near a page's end, the
 * next one) for the worker, and only the newest MAX_WAITING_PAGES requests
 * are read; older ones, scrolled past, are dropped unread.
 *
 * Changes elsewhere. A reload reads the numbers again on the worker and
 * compares them with the ones shown (hd_list_diff()): a ticket filed, one
 * gone, one that moved are each announced at their positions, and the
 * rows views hold of tickets that changed are read again and announced
 * where they are. Views keep their scroll position and their selection. A
 * reload asked for while one runs is run once after it, so a stream of
 * changes never piles reloads up, nor starves them.
 *
 * Threads. All reading runs on the list's own worker thread (HdWorker)
 * with the list's own connection, never in GLib's shared pool of threads:
 * a new filter's first page first, then reloads, then pages, newest first,
 * then a new filter's numbers. Counts for others
 * (hd_ticket_list_count_async()) run on a second thread with a connection
 * of their own, so they never wait for a long read of the list's. A read
 * for a filter that was replaced meanwhile stops where it is. Each
 * change of filter starts a new generation; the worker drops the work of
 * older ones unread, and their results are dropped if they arrive.
 *
 * Tasks have no source object: a task is often freed last on the worker
 * thread, and it must not take the model with it there. A job holds the
 * shared state (and so the connection) and a weak reference to the model.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-list-diff.h"
#include "hd-store-private.h"
#include "hd-ticket-list.h"
#include "hd-worker.h"

/* Rows held, placeholders included: a few screens of them. */
#define MAX_ROWS 1200
/* Page requests waiting for the worker; older ones are dropped. */
#define MAX_WAITING_PAGES 8
/* A view this close to the end of a page asks for the next one too. */
#define MARGIN 25
/* Insertions and deletions a reload looks for before it announces the
 * rest as one change: a hundred tickets moved. */
#define MAX_EDITS 200

/* The worker's order. A new filter's first page comes first, then what
 * shows changes, then the rows views ask for; a new filter's whole list,
 * which can take most of a second at a million tickets, waits for those.
 * Counts run on a thread of their own. */
enum {
  PRIORITY_FIRST,
  PRIORITY_RELOAD,
  PRIORITY_PAGE,
  PRIORITY_NUMBERS,
  PRIORITY_COUNT = 0,
};

/* What the list and its jobs share. The store is used on the worker
 * thread only; the counters are atomic. */
typedef struct {
  gatomicrefcount  ref;
  char            *path;
  char            *login;
  HdStore         *store;
  int              generation;  /* the newest filter's */
  int              page_seq;    /* the newest page request's */
  int              reading;     /* the generation of the job running, or -1 */
} Shared;

typedef enum {
  JOB_FIRST,     /* the first page of a new filter */
  JOB_NUMBERS,   /* all its numbers */
  JOB_RELOAD,    /* the numbers again, and rows that may have changed */
  JOB_PAGE,      /* rows by number */
  JOB_COUNT,     /* counts of other filters */
} JobKind;

typedef struct {
  guint old_position, removed, new_position, added;
} Hunk;

typedef struct {
  Shared         *shared;
  GWeakRef        list;
  JobKind         kind;
  int             generation;
  HdTicketFilter  filter;   /* strings owned */
  int             seq;      /* JOB_PAGE: its request; JOB_RELOAD: its serial */
  guint           page;     /* JOB_PAGE: its page when asked for */
  GArray         *base;     /* JOB_RELOAD: the numbers shown when asked for */
  GArray         *wanted;   /* JOB_PAGE, JOB_RELOAD: rows to read (guint32) */
  /* results */
  GArray         *numbers;  /* JOB_FIRST, JOB_NUMBERS, JOB_RELOAD: the list (guint32) */
  GArray         *hunks;    /* JOB_NUMBERS, JOB_RELOAD: from base (or first page) to numbers */
  GPtrArray      *rows;     /* HdTicket */
  GArray         *filters;  /* JOB_COUNT: HdTicketFilter, strings owned */
  GArray         *counts;   /* JOB_COUNT: guint */
} Job;

typedef struct {
  HdTicket *ticket;
  guint32   number;
  GList     link;       /* in lru; data is the Row */
} Row;

struct _HdTicketList
{
  GObject         parent_instance;

  Shared         *shared;
  HdWorker       *worker;
  Shared         *count_shared; /* counts have a thread and connection of their own */
  HdWorker       *count_worker;
  HdTicketFilter  filter;       /* strings owned */
  GCancellable   *cancellable;  /* the generation's work */
  int             generation;

  /* The numbers shown (guint32), never changed in place. While a reload's
   * changes are announced one by one, positions before split_new are
   * already next's and the rest are still numbers' from split_old on. */
  GArray         *numbers;
  GArray         *next;
  guint           split_new;
  guint           split_old;
  guint           n_items;
  gboolean        complete;     /* numbers hold the whole list, not the first page */

  GHashTable     *rows;         /* number → Row */
  GQueue          lru;          /* most recently used first */
  GHashTable     *requested;   /* page → request seq, for the positions of now */

  guint           pending;      /* jobs in flight that make the list loading */
  int             reload_serial;
  gboolean        reloading;
  gboolean        reload_again;
  gboolean        reload_all;   /* read every held row again, not only changed ones */
  GHashTable     *changed;      /* numbers of tickets to read again at the next reload */
};

static void hd_ticket_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HdTicketList, hd_ticket_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hd_ticket_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_COMPLETE,
  N_PROPS
};

enum {
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_reload (HdTicketList *self);

/* Shared state */

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
shared_unref (Shared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref))
    return;

  g_clear_object (&shared->store);
  g_free (shared->path);
  g_free (shared->login);
  g_free (shared);
}

/* SQLite calls this every few thousand steps of a statement: a read for
 * a filter that was replaced meanwhile (the person sorted again) stops. */
static int
progress_cb (void *data)
{
  Shared *shared = data;
  int reading = g_atomic_int_get (&shared->reading);

  return reading >= 0 && reading != g_atomic_int_get (&shared->generation);
}

/* On the worker thread. */
static HdStore *
shared_store (Shared  *shared,
              GError **error)
{
  if (shared->store == NULL)
    {
      shared->store = hd_store_open (shared->path, shared->login, error);
      if (shared->store != NULL)
        sqlite3_progress_handler (hd_store_get_db (shared->store), 10000, progress_cb, shared);
    }

  return shared->store;
}

/* Filters */

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

static gboolean
filter_equal (const HdTicketFilter *a,
              const HdTicketFilter *b)
{
  return a->status_mask == b->status_mask && g_strcmp0 (a->assignee, b->assignee) == 0 &&
         a->unassigned == b->unassigned && g_strcmp0 (a->requester, b->requester) == 0 &&
         a->tier == b->tier && g_strcmp0 (a->search, b->search) == 0 &&
         a->at_risk == b->at_risk && a->now == b->now && a->sort == b->sort &&
         a->descending == b->descending && a->count_limit == b->count_limit;
}

static GArray *
numbers_new (guint reserved)
{
  return g_array_sized_new (FALSE, FALSE, sizeof (guint32), reserved);
}

/* Jobs */

static void
job_free (Job *job)
{
  g_clear_pointer (&job->shared, shared_unref);
  g_weak_ref_clear (&job->list);
  filter_clear (&job->filter);
  g_clear_pointer (&job->base, g_array_unref);
  g_clear_pointer (&job->wanted, g_array_unref);
  g_clear_pointer (&job->numbers, g_array_unref);
  g_clear_pointer (&job->hunks, g_array_unref);
  g_clear_pointer (&job->rows, g_ptr_array_unref);
  if (job->filters != NULL)
    for (guint i = 0; i < job->filters->len; i++)
      filter_clear (&g_array_index (job->filters, HdTicketFilter, i));
  g_clear_pointer (&job->filters, g_array_unref);
  g_clear_pointer (&job->counts, g_array_unref);
  g_free (job);
}

static Job *
job_new (HdTicketList *self,
         JobKind       kind)
{
  Job *job = g_new0 (Job, 1);

  job->shared = shared_ref (self->shared);
  g_weak_ref_init (&job->list, self);
  job->kind = kind;
  job->generation = self->generation;
  filter_copy (&job->filter, &self->filter);
  return job;
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
set_complete (HdTicketList *self,
              gboolean      complete)
{
  if (self->complete == complete)
    return;

  self->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

static Shared *
shared_new (const char *path,
            const char *login)
{
  Shared *shared = g_new0 (Shared, 1);

  g_atomic_ref_count_init (&shared->ref);
  shared->path = g_strdup (path);
  shared->login = g_strdup (login);
  shared->reading = -1;
  return shared;
}

static void
run_job (HdTicketList        *self,
         Job                 *job,
         GCancellable        *cancellable,
         int                  priority,
         GTaskThreadFunc      func,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  if (job->kind != JOB_COUNT)
    set_pending (self, 1);
  g_task_set_source_tag (task, run_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  hd_worker_run (job->kind == JOB_COUNT ? self->count_worker : self->worker, task, priority,
                 job->kind == JOB_PAGE, func);
}

/* Work on the worker thread */

static gboolean
job_is_stale (Job *job)
{
  if (g_atomic_int_get (&job->shared->generation) != job->generation)
    return TRUE;

  /* Enough newer pages were asked for since: this one was scrolled past. */
  return job->kind == JOB_PAGE &&
         g_atomic_int_get (&job->shared->page_seq) - job->seq >= MAX_WAITING_PAGES;
}

static void
diff_cb (guint    old_position,
         guint    removed,
         guint    new_position,
         guint    added,
         gpointer user_data)
{
  Hunk hunk = { old_position, removed, new_position, added };

  g_array_append_val (user_data, hunk);
}

static gboolean
read_rows (HdStore  *store,
           Job      *job,
           GError  **error)
{
  job->rows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint start = 0; job->wanted != NULL && start < job->wanted->len;
       start += HD_TICKET_LIST_PAGE_SIZE)
    {
      g_autoptr(GPtrArray) rows = NULL;
      guint n = MIN (HD_TICKET_LIST_PAGE_SIZE, job->wanted->len - start);

      rows = hd_store_get_tickets_by_number (store, &g_array_index (job->wanted, guint32, start),
                                             n, error);
      if (rows == NULL)
        return FALSE;
      g_ptr_array_extend_and_steal (job->rows, g_steal_pointer (&rows));
    }

  return TRUE;
}

static gboolean
read_numbers (HdStore  *store,
              Job      *job,
              GError  **error)
{
  job->numbers = numbers_new (0);
  if (!hd_store_list_ticket_numbers (store, &job->filter, job->numbers, error))
    return FALSE;

  /* The comparison runs here too: it walks the whole list. */
  job->hunks = g_array_new (FALSE, FALSE, sizeof (Hunk));
  if (job->base != NULL)
    hd_list_diff ((const guint32 *) job->base->data, job->base->len,
                  (const guint32 *) job->numbers->data, job->numbers->len, MAX_EDITS,
                  diff_cb, job->hunks);
  return TRUE;
}

static gboolean
read_counts (HdStore  *store,
             Job      *job,
             GError  **error)
{
  job->counts = g_array_sized_new (FALSE, TRUE, sizeof (guint), job->filters->len);
  g_array_set_size (job->counts, job->filters->len);
  for (guint i = 0; i < job->filters->len; i++)
    if (!hd_store_count_tickets (store, &g_array_index (job->filters, HdTicketFilter, i),
                                 &g_array_index (job->counts, guint, i), error))
      return FALSE;

  return TRUE;
}

static void
run (GTask        *task,
     gpointer      source,
     gpointer      task_data,
     GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  HdStore *store;
  gboolean ok = FALSE;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (job->kind != JOB_COUNT && job_is_stale (job))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Not wanted any more");
      return;
    }

  /* Counts are for others: they are never stopped. */
  g_atomic_int_set (&job->shared->reading, job->kind == JOB_COUNT ? -1 : job->generation);
  store = shared_store (job->shared, &error);
  if (store != NULL)
    switch (job->kind)
      {
      case JOB_FIRST:
        job->filter.limit = HD_TICKET_LIST_PAGE_SIZE;
        job->rows = hd_store_list_tickets (store, &job->filter, &error);
        ok = job->rows != NULL;
        break;
      case JOB_NUMBERS:
        ok = read_numbers (store, job, &error);
        break;
      case JOB_RELOAD:
        ok = read_numbers (store, job, &error) && read_rows (store, job, &error);
        break;
      case JOB_PAGE:
        ok = read_rows (store, job, &error);
        break;
      case JOB_COUNT:
        ok = read_counts (store, job, &error);
        break;
      default:
        g_assert_not_reached ();
      }

  g_atomic_int_set (&job->shared->reading, -1);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else if (job->kind != JOB_COUNT && job_is_stale (job))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Not wanted any more");
    }
  else
    g_task_return_error (task, error);
}

/* Rows */

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
row_free (Row *row)
{
  g_object_unref (row->ticket);
  g_free (row);
}

static Row *
lookup_row (HdTicketList *self,
            guint32       number)
{
  Row *row = g_hash_table_lookup (self->rows, GUINT_TO_POINTER (number));

  if (row != NULL)
    {
      g_queue_unlink (&self->lru, &row->link);
      g_queue_push_head_link (&self->lru, &row->link);
    }
  return row;
}

static void
forget_row (HdTicketList *self,
            Row          *row)
{
  g_queue_unlink (&self->lru, &row->link);
  g_hash_table_remove (self->rows, GUINT_TO_POINTER (row->number));
}

/* Takes @ticket. */
static Row *
hold_row (HdTicketList *self,
          guint32       number,
          HdTicket     *ticket)
{
  Row *row = lookup_row (self, number);

  if (row != NULL)
    {
      g_object_unref (row->ticket);
      row->ticket = ticket;
      return row;
    }

  row = g_new0 (Row, 1);
  row->number = number;
  row->ticket = ticket;
  row->link.data = row;
  g_hash_table_insert (self->rows, GUINT_TO_POINTER (number), row);
  g_queue_push_head_link (&self->lru, &row->link);

  while (self->lru.length > MAX_ROWS)
    forget_row (self, g_queue_peek_tail (&self->lru));
  return row;
}

static gboolean
same_row (HdTicket *a,
          HdTicket *b)
{
  return hd_ticket_get_number (a) == hd_ticket_get_number (b) &&
         hd_ticket_get_version (a) == hd_ticket_get_version (b) &&
         hd_ticket_get_updated_at (a) == hd_ticket_get_updated_at (b) &&
         hd_ticket_get_due_at (a) == hd_ticket_get_due_at (b) &&
         hd_ticket_get_warn_at (a) == hd_ticket_get_warn_at (b) &&
         hd_ticket_get_status (a) == hd_ticket_get_status (b) &&
         hd_ticket_get_priority (a) == hd_ticket_get_priority (b) &&
         g_strcmp0 (hd_ticket_get_title (a), hd_ticket_get_title (b)) == 0 &&
         g_strcmp0 (hd_ticket_get_requester_name (a), hd_ticket_get_requester_name (b)) == 0 &&
         g_strcmp0 (hd_ticket_get_assignee_name (a), hd_ticket_get_assignee_name (b)) == 0;
}

/* Positions */

static guint32
number_at (HdTicketList *self,
           guint         position)
{
  if (self->next != NULL && position < self->split_new)
    return g_array_index (self->next, guint32, position);
  if (self->next != NULL)
    return g_array_index (self->numbers, guint32, self->split_old + position - self->split_new);
  return g_array_index (self->numbers, guint32, position);
}

static void
emit_run (HdTicketList *self,
          guint         start,
          guint         end)
{
  if (end > start)
    g_list_model_items_changed (G_LIST_MODEL (self), start, end - start, end - start);
}

/* Announces the rows of @numbers (a set) where they are: first looked for
 * from @hint on, where they were asked for, then, for those not found
 * there, in the whole list. */
static void
announce_rows (HdTicketList *self,
               GHashTable   *numbers,
               guint         hint,
               guint         hint_length)
{
  guint found = 0, start = G_MAXUINT;
  guint end = MIN (hint + hint_length, self->n_items);

  if (g_hash_table_size (numbers) == 0)
    return;

  for (guint i = hint; i < end; i++)
    if (g_hash_table_contains (numbers, GUINT_TO_POINTER (number_at (self, i))))
      {
        found++;
        start = MIN (start, i);
      }
    else if (start != G_MAXUINT)
      {
        emit_run (self, start, i);
        start = G_MAXUINT;
      }
  if (start != G_MAXUINT)
    emit_run (self, start, end);
  if (found == g_hash_table_size (numbers))
    return;

  for (guint i = 0; i < self->n_items; i++)
    if ((i < hint || i >= end) &&
        g_hash_table_contains (numbers, GUINT_TO_POINTER (number_at (self, i))))
      emit_run (self, i, i + 1);
}

/* Takes the rows of @rows that the list holds (or, with @all, every one).
 * Returns the numbers of those that differ from what views were given: a
 * view may still show a placeholder the list no longer holds, so a row
 * that was not held counts as changed. */
static GHashTable *
take_rows (HdTicketList *self,
           GPtrArray    *rows,
           gboolean      all)
{
  GHashTable *changed = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      HdTicket *ticket = g_ptr_array_index (rows, i);
      guint32 number = hd_ticket_get_number (ticket);
      Row *row = g_hash_table_lookup (self->rows, GUINT_TO_POINTER (number));

      if (row == NULL ? !all : same_row (row->ticket, ticket))
        continue;

      hold_row (self, number, g_object_ref (ticket));
      g_hash_table_add (changed, GUINT_TO_POINTER (number));
    }

  return changed;
}

/* Pages */

static void page_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
request_page (HdTicketList *self,
              guint         page)
{
  guint start = page * HD_TICKET_LIST_PAGE_SIZE;
  guint end = MIN (start + HD_TICKET_LIST_PAGE_SIZE, self->n_items);
  Job *job;

  if (start >= end || g_hash_table_contains (self->requested, GUINT_TO_POINTER (page)))
    return;

  job = job_new (self, JOB_PAGE);
  job->page = page;
  job->seq = g_atomic_int_add (&self->shared->page_seq, 1) + 1;
  job->wanted = numbers_new (end - start);
  for (guint i = start; i < end; i++)
    {
      guint32 number = number_at (self, i);
      Row *row = g_hash_table_lookup (self->rows, GUINT_TO_POINTER (number));

      if (row == NULL || hd_ticket_is_placeholder (row->ticket))
        g_array_append_val (job->wanted, number);
    }

  g_hash_table_insert (self->requested, GUINT_TO_POINTER (page), GINT_TO_POINTER (job->seq));
  run_job (self, job, self->cancellable, PRIORITY_PAGE, run, page_done, NULL);
}

static void
failed (HdTicketList *self,
        GError       *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[FAILED], 0, error);
}

/* Where every job's callback starts: the job (@job), and the list when it
 * is still there and the job is of its filter; %NULL otherwise, and then
 * there is nothing to do. Whether the job succeeded is in @ok; a failure
 * is reported. */
static HdTicketList *
job_finish (GAsyncResult  *result,
            Job          **job,
            gboolean      *ok)
{
  g_autoptr(GError) error = NULL;
  HdTicketList *self;

  *job = g_task_get_task_data (G_TASK (result));
  *ok = g_task_propagate_boolean (G_TASK (result), &error);
  self = g_weak_ref_get (&(*job)->list);
  if (self == NULL)
    return NULL;

  set_pending (self, -1);
  if ((*job)->generation != self->generation)
    {
      g_object_unref (self);
      return NULL;
    }

  if (!*ok)
    failed (self, error);
  return self;
}

static void
page_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Job *job;
  gboolean ok;
  g_autoptr(HdTicketList) self = job_finish (result, &job, &ok);
  g_autoptr(GHashTable) changed = NULL;
  gpointer seq;

  if (self == NULL)
    return;

  /* Read, dropped or failed: the page may be asked for again, should its
   * rows leave the cache. */
  if (g_hash_table_lookup_extended (self->requested, GUINT_TO_POINTER (job->page), NULL, &seq) &&
      GPOINTER_TO_INT (seq) == job->seq)
    g_hash_table_remove (self->requested, GUINT_TO_POINTER (job->page));

  if (!ok)
    return;

  changed = take_rows (self, job->rows, TRUE);
  announce_rows (self, changed, job->page * HD_TICKET_LIST_PAGE_SIZE, HD_TICKET_LIST_PAGE_SIZE);
}

/* Applying new numbers */

static void
apply_hunk (HdTicketList *self,
            const Hunk   *hunk)
{
  self->split_new = hunk->new_position + hunk->added;
  self->split_old = hunk->old_position + hunk->removed;
  self->n_items = self->split_new + (self->numbers->len - self->split_old);
  g_list_model_items_changed (G_LIST_MODEL (self), hunk->new_position, hunk->removed,
                              hunk->added);
}

/* Shows @numbers in place of the numbers shown, announcing @hunks (or the
 * whole list, when %NULL) one after the other. */
static void
show_numbers (HdTicketList *self,
              GArray       *numbers,
              GArray       *hunks)
{
  Hunk all = { 0, self->n_items, 0, numbers->len };

  /* Pages are asked for by their positions, which move. */
  g_hash_table_remove_all (self->requested);

  self->next = g_array_ref (numbers);
  self->split_new = 0;
  self->split_old = 0;
  if (hunks == NULL)
    {
      if (all.removed > 0 || all.added > 0)
        apply_hunk (self, &all);
    }
  else
    for (guint i = 0; i < hunks->len; i++)
      apply_hunk (self, &g_array_index (hunks, Hunk, i));

  g_array_unref (self->numbers);
  self->numbers = g_steal_pointer (&self->next);
  self->n_items = self->numbers->len;
}

static void numbers_done (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
first_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Job *job;
  gboolean ok;
  g_autoptr(HdTicketList) self = job_finish (result, &job, &ok);
  g_autoptr(GArray) numbers = NULL;

  if (self == NULL || !ok)
    return;

  numbers = numbers_new (job->rows->len);
  for (guint i = 0; i < job->rows->len; i++)
    {
      HdTicket *ticket = g_ptr_array_index (job->rows, i);
      guint32 number = hd_ticket_get_number (ticket);

      hold_row (self, number, g_object_ref (ticket));
      g_array_append_val (numbers, number);
    }

  show_numbers (self, numbers, NULL);

  /* A first page that is the whole list needs no second look. */
  if (job->rows->len < HD_TICKET_LIST_PAGE_SIZE)
    {
      set_complete (self, TRUE);
      if (self->reload_again)
        start_reload (self);
      return;
    }

  job = job_new (self, JOB_NUMBERS);
  job->base = g_array_ref (self->numbers);
  run_job (self, job, self->cancellable, PRIORITY_NUMBERS, run, numbers_done, NULL);
}

static void
numbers_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Job *job;
  gboolean ok;
  g_autoptr(HdTicketList) self = job_finish (result, &job, &ok);

  if (self == NULL || !ok)
    return;

  show_numbers (self, job->numbers, job->base == self->numbers ? job->hunks : NULL);
  set_complete (self, TRUE);
  if (self->reload_again)
    start_reload (self);
}

/* Reloading */

static void reload_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data);

static void
start_reload (HdTicketList *self)
{
  Job *job;

  /* Once the running reload is back: it may have read the file before the
   * change. Before the numbers are in, they are read after it anyway. */
  if (self->reloading || !self->complete)
    {
      self->reload_again = TRUE;
      return;
    }

  job = job_new (self, JOB_RELOAD);
  job->seq = ++self->reload_serial;
  job->base = g_array_ref (self->numbers);
  job->wanted = numbers_new (0);
  for (GList *l = self->lru.head; l != NULL; l = l->next)
    {
      Row *row = l->data;

      if (!hd_ticket_is_placeholder (row->ticket) &&
          (self->reload_all || g_hash_table_contains (self->changed,
                                                      GUINT_TO_POINTER (row->number))))
        g_array_append_val (job->wanted, row->number);
    }

  self->reloading = TRUE;
  self->reload_again = FALSE;
  self->reload_all = FALSE;
  g_hash_table_remove_all (self->changed);
  run_job (self, job, self->cancellable, PRIORITY_RELOAD, run, reload_done, NULL);
}

static void
reload_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job;
  gboolean ok;
  g_autoptr(HdTicketList) self = job_finish (result, &job, &ok);

  if (self == NULL)
    return;

  /* A failure was reported; a reload asked for meanwhile still runs. */
  self->reloading = FALSE;
  if (ok && job->base != self->numbers)
    self->reload_again = TRUE;   /* the list moved meanwhile: compare again */
  else if (ok)
    {
      /* Rows that arrive in a new position were just asked for again by
       * views, and got their new contents then. */
      g_autoptr(GHashTable) changed = take_rows (self, job->rows, FALSE);

      show_numbers (self, job->numbers, job->hunks);
      for (guint i = 0; i < job->hunks->len; i++)
        {
          Hunk *hunk = &g_array_index (job->hunks, Hunk, i);

          for (guint j = 0; j < hunk->added && g_hash_table_size (changed) > 0; j++)
            g_hash_table_remove (changed,
                                 GUINT_TO_POINTER (number_at (self, hunk->new_position + j)));
        }
      announce_rows (self, changed, 0, 0);
    }

  if (self->reload_again)
    start_reload (self);
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
  guint32 number;
  guint page, offset;
  Row *row;

  if (position >= self->n_items)
    return NULL;

  number = number_at (self, position);
  row = lookup_row (self, number);
  if (row != NULL && !hd_ticket_is_placeholder (row->ticket))
    return g_object_ref (row->ticket);

  if (row == NULL)
    row = hold_row (self, number, placeholder_new ());

  /* The page, and the next or previous one when the view is near it. */
  page = position / HD_TICKET_LIST_PAGE_SIZE;
  offset = position % HD_TICKET_LIST_PAGE_SIZE;
  request_page (self, page);
  if (offset >= HD_TICKET_LIST_PAGE_SIZE - MARGIN)
    request_page (self, page + 1);
  else if (offset < MARGIN && page > 0)
    request_page (self, page - 1);

  return g_object_ref (row->ticket);
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
  /* Whatever is queued still runs, finds itself cancelled and returns. */
  g_clear_pointer (&self->worker, hd_worker_free);
  g_clear_pointer (&self->count_worker, hd_worker_free);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_queue_init (&self->lru);

  G_OBJECT_CLASS (hd_ticket_list_parent_class)->dispose (object);
}

static void
hd_ticket_list_finalize (GObject *object)
{
  HdTicketList *self = (HdTicketList *) object;

  filter_clear (&self->filter);
  g_clear_pointer (&self->numbers, g_array_unref);
  g_clear_pointer (&self->requested, g_hash_table_unref);
  g_clear_pointer (&self->changed, g_hash_table_unref);
  g_clear_pointer (&self->shared, shared_unref);
  g_clear_pointer (&self->count_shared, shared_unref);

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
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
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
  /**
   * HdTicketList:complete:
   *
   * Whether the list holds all of its filter's tickets. From a new filter
   * on until the rest of the list follows its first page it does not: the
   * list may then grow. Views may keep their length meanwhile.
   */
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HdTicketList::failed:
   * @error: why the file could not be read
   *
   * The list could not be read, or a page of it; it keeps what it had.
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hd_ticket_list_init (HdTicketList *self)
{
  self->rows = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) row_free);
  self->requested = g_hash_table_new (NULL, NULL);
  self->changed = g_hash_table_new (NULL, NULL);
  self->numbers = numbers_new (0);
  self->cancellable = g_cancellable_new ();
}

/* Public API */

/**
 * hd_ticket_list_new:
 * @path: the helpdesk file, opened again on the list's own thread
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
  self->shared = shared_new (path, login);
  self->worker = hd_worker_new ();
  return self;
}

/**
 * hd_ticket_list_set_filter:
 *
 * Which tickets to list, in which order. The first page replaces the list
 * when it has been read, then the rest of the list follows. Setting the
 * same filter again reloads it. Offset and limit are ignored; a search
 * lists at most %HD_TICKET_LIST_SEARCH_LIMIT tickets.
 */
void
hd_ticket_list_set_filter (HdTicketList         *self,
                           const HdTicketFilter *filter)
{
  HdTicketFilter copy;

  g_return_if_fail (HD_IS_TICKET_LIST (self));
  g_return_if_fail (filter != NULL);

  filter_copy (&copy, filter);
  copy.offset = 0;
  copy.limit = 0;
  copy.count_limit = filter->search != NULL && filter->search[0] != '\0'
                     ? HD_TICKET_LIST_SEARCH_LIMIT : 0;
  if (self->generation > 0 && filter_equal (&copy, &self->filter))
    {
      filter_clear (&copy);
      hd_ticket_list_reload (self);
      return;
    }

  filter_clear (&self->filter);
  self->filter = copy;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  g_atomic_int_set (&self->shared->generation, self->generation);
  g_hash_table_remove_all (self->requested);
  self->reloading = FALSE;
  self->reload_again = FALSE;
  set_complete (self, FALSE);

  run_job (self, job_new (self, JOB_FIRST), self->cancellable, PRIORITY_FIRST, run,
           first_done, NULL);
}

/**
 * hd_ticket_list_reload:
 *
 * Reads the file again after it changed, and every row held. Only what
 * changed is announced, so views keep their place.
 */
void
hd_ticket_list_reload (HdTicketList *self)
{
  g_return_if_fail (HD_IS_TICKET_LIST (self));

  if (self->generation == 0)
    return;

  self->reload_all = TRUE;
  start_reload (self);
}

/**
 * hd_ticket_list_reload_tickets:
 * @numbers: (array length=n_numbers): the tickets that changed
 *
 * Like hd_ticket_list_reload() when only these tickets changed: the list
 * is read again, but of the rows held only theirs.
 */
void
hd_ticket_list_reload_tickets (HdTicketList *self,
                               const gint64 *numbers,
                               guint         n_numbers)
{
  g_return_if_fail (HD_IS_TICKET_LIST (self));

  if (self->generation == 0)
    return;

  for (guint i = 0; i < n_numbers; i++)
    if (numbers[i] > 0 && numbers[i] <= G_MAXUINT32)
      g_hash_table_add (self->changed, GUINT_TO_POINTER ((guint32) numbers[i]));
  start_reload (self);
}

gboolean
hd_ticket_list_is_loading (HdTicketList *self)
{
  g_return_val_if_fail (HD_IS_TICKET_LIST (self), FALSE);
  return self->pending > 0;
}

/**
 * hd_ticket_list_is_complete:
 *
 * Returns: whether the list holds all of its filter's tickets (see
 *   #HdTicketList:complete)
 */
gboolean
hd_ticket_list_is_complete (HdTicketList *self)
{
  g_return_val_if_fail (HD_IS_TICKET_LIST (self), FALSE);
  return self->complete;
}

/**
 * hd_ticket_list_get_n_loaded_pages:
 *
 * Returns: how many pages' worth of real rows the list holds
 */
guint
hd_ticket_list_get_n_loaded_pages (HdTicketList *self)
{
  guint n = 0;

  g_return_val_if_fail (HD_IS_TICKET_LIST (self), 0);

  for (GList *l = self->lru.head; l != NULL; l = l->next)
    n += !hd_ticket_is_placeholder (((Row *) l->data)->ticket);
  return (n + HD_TICKET_LIST_PAGE_SIZE - 1) / HD_TICKET_LIST_PAGE_SIZE;
}

/**
 * hd_ticket_list_find:
 * @number: a ticket number
 *
 * Where ticket @number is in the list, without reading the file or making
 * a row: a view finds its selected ticket again this way.
 *
 * Returns: its position, or %GTK_INVALID_LIST_POSITION's value (G_MAXUINT)
 */
guint
hd_ticket_list_find (HdTicketList *self,
                     gint64        number)
{
  g_return_val_if_fail (HD_IS_TICKET_LIST (self), G_MAXUINT);

  if (number <= 0 || number > G_MAXUINT32)
    return G_MAXUINT;

  for (guint i = 0; i < self->n_items; i++)
    if (number_at (self, i) == (guint32) number)
      return i;

  return G_MAXUINT;
}

static void
count_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_array_ref (job->counts), (GDestroyNotify) g_array_unref);
}

/**
 * hd_ticket_list_count_async:
 * @filters: (array length=n_filters): what to count
 *
 * Counts the tickets of each filter on a thread and connection of the
 * list's that read nothing else: a window's counts never hold up its list,
 * nor wait for it to read a million numbers.
 */
void
hd_ticket_list_count_async (HdTicketList         *self,
                            const HdTicketFilter *filters,
                            guint                 n_filters,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  GTask *outer;
  Job *job;

  g_return_if_fail (HD_IS_TICKET_LIST (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hd_ticket_list_count_async);

  if (self->count_worker == NULL)
    {
      self->count_shared = shared_new (self->shared->path, self->shared->login);
      self->count_worker = hd_worker_new ();
    }

  job = job_new (self, JOB_COUNT);
  g_clear_pointer (&job->shared, shared_unref);
  job->shared = shared_ref (self->count_shared);
  job->filters = g_array_sized_new (FALSE, TRUE, sizeof (HdTicketFilter), n_filters);
  g_array_set_size (job->filters, n_filters);
  for (guint i = 0; i < n_filters; i++)
    filter_copy (&g_array_index (job->filters, HdTicketFilter, i), &filters[i]);
  run_job (self, job, cancellable, PRIORITY_COUNT, run, count_done, outer);
}

/**
 * hd_ticket_list_count_finish:
 *
 * Returns: (transfer full) (element-type guint): the counts, in the order
 *   of the filters, or %NULL with @error set
 */
GArray *
hd_ticket_list_count_finish (HdTicketList  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
