/* hd-store-monitor.c — noticing every change to a helpdesk file
 *
 * Other desktops write the file over a network share, where file monitors
 * see nothing, so the monitor polls. A poll runs on the monitor's own thread
 * (never in GLib's shared pool, where a burst of other work would hold it
 * up) with the monitor's own connection and asks PRAGMA data_version,
 * which costs a shared lock and a look at the file header and changes
 * whenever any other connection committed: another desktop, another
 * process, or another HdStore of this one. Only then does it read the
 * change_log rows newer than the last one seen, and the monitor announces
 * them together, one `changed` per poll.
 *
 * A shared lock is not free: on a share locked with dot-files it is the
 * lease itself, which every other desk then waits for. So the monitor
 * ticks every 250 ms but takes the lock about once a second; the ticks in
 * between only glance, without a lock, at what a commit always changes:
 * the file's size and modification time, and the change counter in its
 * header (bytes 24–27, which SQLite raises whenever it lets go of a file
 * it changed, the journal never being WAL here). When any of them differs
 * from what the last locked poll saw, the tick polls at once. The counter
 * is read through the connection's own file, never a descriptor of ours,
 * whose closing would drop the process's POSIX locks on the file. A share
 * may answer a glance from its cache and miss a commit; the locked poll a
 * second later does not.
 *
 * The monitor's connection never writes, so no commit escapes data_version;
 * hd_store_monitor_poll_now() only saves the wait for the next tick.
 *
 * A GTask drops its source object wherever the task is freed last, which
 * is the pool thread when that thread lets go after the callback ran; a
 * monitor unreffed during a poll would be disposed there, racing with its
 * own timer. So a poll's task has no source object: it holds the worker,
 * and with it the connection, and only a weak reference to the monitor,
 * which is always freed on its own thread.
 *
 * A switch of the file's locking method (hd_store_set_locking()) is reported
 * as %HD_ERROR_LOCKING_CHANGED, once: the next poll opens the file with the
 * new method, and whoever shows the file opens it again too.
 *
 * SQLite goes on reading the inode it opened: a file deleted, renamed away or
 * replaced behind its back keeps answering, unchanged, for ever. So a poll
 * also stats the path and compares it with the file it opened; a difference
 * is reported, and the next poll opens whatever the path holds by then.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* st_mtim */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hd-store-monitor.h"
#include "hd-store-private.h"
#include "hd-worker.h"

/* Rows read per query: each query is a read transaction of its own, so a
 * long backlog never holds the shared lock that writers wait for. */
#define CHANGES_PER_QUERY 1000

/* The longest time between two locked polls: a glance may miss a commit
 * on a share, never for longer than this. */
#define LOCKED_POLL_EVERY_US (1000 * G_TIME_SPAN_MILLISECOND)

/* What a glance compares: the file as the last locked poll found it. */
typedef struct {
  goffset  size;
  gint64   mtime_ns;
  guint32  counter;
} Stamp;

/* What the polls share. Never more than one runs at a time; path and login
 * do not change, the rest belongs to whichever holds the mutex. */
typedef struct {
  gatomicrefcount  ref;
  GMutex           mutex;
  char            *path;
  char            *login;
  HdStore         *store;
  dev_t            dev;           /* the file the store has open */
  ino_t            ino;
  gint64           data_version;  /* as the store's connection last saw it */
  guint64          last_seq;
  gboolean         started;       /* last_seq is known */
  Stamp            stamp;         /* the file when data_version was read */
  gint64           locked_at;     /* monotonic µs of the last locked poll; 0: none yet */
  int              n_polls;       /* atomic: polls run, glances included */
  int              n_locked;      /* atomic: of those, the ones that took a lock */
} Worker;

/* One poll: what it needs, on the worker thread and back. */
typedef struct {
  Worker   *worker;
  GWeakRef  monitor;
  gboolean  force;
  gint64    locked_every;   /* µs: a glance is enough when the last locked poll is newer */
} Job;

/* What a good poll brings back. */
typedef struct {
  GPtrArray *changes;   /* HdChange */
  guint64    last_seq;
} Poll;

struct _HdStoreMonitor
{
  GObject       parent_instance;

  /* owned */
  Worker       *worker;
  HdWorker     *thread;       /* polls run here, never in GLib's shared pool */
  GMainContext *context;
  GSource      *timeout;
  GCancellable *cancellable;
  guint64       last_seq;
  guint         interval;
  gboolean      polling;
  gboolean      poll_again;
  gboolean      healthy;
};

G_DEFINE_BOXED_TYPE (HdChange, hd_change, hd_change_copy, hd_change_free)
G_DEFINE_FINAL_TYPE (HdStoreMonitor, hd_store_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HEALTHY,
  N_PROPS
};

enum {
  CHANGED,
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

static Job *
job_new (HdStoreMonitor *self,
         gboolean        force)
{
  Job *job = g_new0 (Job, 1);

  job->worker = worker_ref (self->worker);
  g_weak_ref_init (&job->monitor, self);
  job->force = force;
  /* Half a tick early: a tick that comes a little late still locks. */
  job->locked_every = LOCKED_POLL_EVERY_US - self->interval * (G_TIME_SPAN_MILLISECOND / 2);
  return job;
}

/* May run on the worker thread, where a task can end. */
static void
job_free (Job *job)
{
  g_weak_ref_clear (&job->monitor);
  worker_unref (job->worker);
  g_free (job);
}

static void
poll_free (Poll *poll)
{
  g_ptr_array_unref (poll->changes);
  g_free (poll);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Poll, poll_free)

static gboolean
query_int64 (HdStore     *store,
             const char  *sql,
             gint64      *value,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (store, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Called with the mutex held. The open connection is dropped when the path
 * no longer leads to its file, so that the next poll opens the path anew. */
static gboolean
check_file (Worker    *worker,
            GStatBuf  *st,
            GError   **error)
{
  int saved_errno;

  if (g_stat (worker->path, st) != 0)
    {
      saved_errno = errno;
      g_clear_object (&worker->store);
      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                     _("“%s” is no longer there: it was moved or deleted, or the disk or network share that held it is gone."),
                     worker->path);
      else
        g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                     _("“%s” could not be reached (%s). Check that the disk or network share is still there."),
                     worker->path, g_strerror (saved_errno));
      return FALSE;
    }

  if (worker->store != NULL && (st->st_dev != worker->dev || st->st_ino != worker->ino))
    {
      g_clear_object (&worker->store);
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("“%s” was replaced by another file; what is shown may be out of date."),
                   worker->path);
      return FALSE;
    }

  return TRUE;
}

/* Called with the mutex held, on a fresh connection. History from before
 * the monitor started is not news, and neither is that of another file put
 * at the path (a copy, a backup put back); the same file coming back after
 * a failure still has the rows we missed. */
static gboolean
start_from (Worker          *worker,
            const GStatBuf  *st,
            GError         **error)
{
  gint64 max_seq = 0;

  if (!query_int64 (worker->store, "SELECT ifnull(max(seq), 0) FROM change_log", &max_seq,
                    error))
    return FALSE;

  if (!worker->started || st->st_dev != worker->dev || st->st_ino != worker->ino ||
      (guint64) max_seq < worker->last_seq)
    worker->last_seq = max_seq;

  worker->started = TRUE;
  worker->dev = st->st_dev;
  worker->ino = st->st_ino;
  return TRUE;
}

/* Called with the mutex held. last_seq moves only when every row after it
 * was read, so a poll that fails half-way is repeated whole. */
static gboolean
read_changes (Worker     *worker,
              GPtrArray  *changes,
              GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint64 seq = worker->last_seq;
  guint n_rows;
  int rc;

  stmt = hd_store_prepare (worker->store,
                           "SELECT c.seq, c.tbl, c.row_id, c.kind, p.login"
                           " FROM change_log c LEFT JOIN people p ON p.id = c.actor_id"
                           " WHERE c.seq > ? ORDER BY c.seq"
                           " LIMIT " G_STRINGIFY (CHANGES_PER_QUERY), error);
  if (stmt == NULL)
    return FALSE;

  do
    {
      n_rows = 0;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, seq);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          seq = sqlite3_column_int64 (stmt, 0);
          g_ptr_array_add (changes, hd_change_new (seq, hd_column_text (stmt, 1),
                                                   sqlite3_column_int64 (stmt, 2),
                                                   hd_column_text (stmt, 3),
                                                   hd_column_text (stmt, 4)));
          n_rows++;
        }
      if (rc != SQLITE_DONE)
        return hd_store_set_error_from_db (worker->store, rc, error);
    }
  while (n_rows == CHANGES_PER_QUERY);

  worker->last_seq = seq;
  return TRUE;
}

/* The file's change counter, read without a lock through the connection's
 * own file (see the top). FALSE when it cannot be read: then poll. */
static gboolean
read_counter (HdStore *store,
              guint32 *counter)
{
  sqlite3_file *file = NULL;
  guchar bytes[4];

  if (sqlite3_file_control (hd_store_get_db (store), "main", SQLITE_FCNTL_FILE_POINTER,
                            &file) != SQLITE_OK ||
      file == NULL || file->pMethods == NULL ||
      file->pMethods->xRead (file, bytes, sizeof bytes, 24) != SQLITE_OK)
    return FALSE;

  *counter = (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 | (guint32) bytes[2] << 8 |
             bytes[3];
  return TRUE;
}

/* Called with the mutex held. */
static gboolean
take_stamp (Worker         *worker,
            const GStatBuf *st,
            Stamp          *stamp)
{
  stamp->size = st->st_size;
  stamp->mtime_ns = (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
                    st->st_mtim.tv_nsec;
  return worker->store != NULL && read_counter (worker->store, &stamp->counter);
}

static gboolean
stamps_equal (const Stamp *a,
              const Stamp *b)
{
  return a->size == b->size && a->mtime_ns == b->mtime_ns && a->counter == b->counter;
}

/* Called with the mutex held, on a worker thread. */
static gboolean
worker_poll (Worker     *worker,
             gboolean    force,
             gint64      locked_every,
             GPtrArray  *changes,
             GError    **error)
{
  GStatBuf st;
  Stamp stamp = { 0 };
  gint64 version = 0, now;
  gboolean opened = FALSE, stamped;

  if (!check_file (worker, &st, error))
    return FALSE;

  /* A glance (see the top): nothing moved since the last locked poll. */
  g_atomic_int_inc (&worker->n_polls);
  now = g_get_monotonic_time ();
  stamped = take_stamp (worker, &st, &stamp);
  if (!force && stamped && worker->locked_at != 0 && now - worker->locked_at < locked_every &&
      stamps_equal (&stamp, &worker->stamp))
    return TRUE;

  g_atomic_int_inc (&worker->n_locked);

  /* A connection with the old locking method could read a change half
   * made with the new one: the next poll opens the file anew. */
  if (worker->store != NULL && !hd_store_is_locking_current (worker->store, error))
    {
      g_clear_object (&worker->store);
      return FALSE;
    }

  if (worker->store == NULL)
    {
      worker->store = hd_store_open (worker->path, worker->login, error);
      if (worker->store == NULL)
        return FALSE;
      opened = TRUE;
      stamped = take_stamp (worker, &st, &stamp);
    }

  /* The version first: a commit that lands before the rows are read is
   * read now, one that lands after changes the version for the next poll. */
  if (!query_int64 (worker->store, "PRAGMA data_version", &version, error) ||
      (opened && !start_from (worker, &st, error)))
    goto fail;

  /* A new connection's version says nothing about what happened before. */
  if ((opened || force || version != worker->data_version) &&
      !read_changes (worker, changes, error))
    goto fail;

  /* The stamp was taken before data_version: a commit in between makes
   * the next glance poll again, never hides. */
  worker->data_version = version;
  worker->stamp = stamp;
  worker->locked_at = stamped ? now : 0;
  return TRUE;

fail:
  /* Busy, damaged, gone: start again from a fresh connection. */
  g_clear_object (&worker->store);
  return FALSE;
}

static void
run_poll (GTask        *task,
          gpointer      source,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Job *job = task_data;
  Worker *worker = job->worker;
  g_autoptr(GPtrArray) changes = NULL;
  GError *error = NULL;
  guint64 last_seq;
  Poll *poll;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    return;

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_change_free);

  g_mutex_lock (&worker->mutex);
  ok = worker_poll (worker, job->force, job->locked_every, changes, &error);
  last_seq = worker->last_seq;
  g_mutex_unlock (&worker->mutex);

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }

  poll = g_new0 (Poll, 1);
  poll->changes = g_steal_pointer (&changes);
  poll->last_seq = last_seq;
  g_task_return_pointer (task, poll, (GDestroyNotify) poll_free);
}

/* Polls */

static void
set_healthy (HdStoreMonitor *self,
             gboolean        healthy)
{
  if (self->healthy == healthy)
    return;

  self->healthy = healthy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEALTHY]);
}

static void poll_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
start_poll (HdStoreMonitor *self,
            gboolean        force)
{
  g_autoptr(GTask) task = NULL;

  /* Disposed: a handler or the owner asked for a poll all the same. */
  if (self->cancellable == NULL)
    return;

  /* A tick that finds a poll running has nothing to add; a request made
   * after the running poll read the rows must not be lost. */
  if (self->polling)
    {
      self->poll_again |= force;
      return;
    }

  /* GTask calls back on the thread-default context of the moment, which a
   * thread that runs our context without pushing it would get wrong. */
  g_main_context_push_thread_default (self->context);
  task = g_task_new (NULL, self->cancellable, poll_done, NULL);
  g_main_context_pop_thread_default (self->context);

  self->polling = TRUE;
  g_task_set_source_tag (task, start_poll);
  g_task_set_task_data (task, job_new (self, force), (GDestroyNotify) job_free);
  hd_worker_run (self->thread, task, 0, FALSE, run_poll);
}

/* A poll outlives a monitor unreffed or disposed while it ran: the weak
 * reference is then empty, or the cancelled cancellable turns the result
 * into an error; either way nothing of the monitor is touched. */
static void
poll_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(HdStoreMonitor) self = g_weak_ref_get (&job->monitor);
  g_autoptr(GError) error = NULL;
  g_autoptr(Poll) poll = NULL;

  poll = g_task_propagate_pointer (G_TASK (result), &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Before emitting, so that handlers may ask for a poll. */
  self->polling = FALSE;

  if (poll == NULL)
    {
      set_healthy (self, FALSE);
      g_signal_emit (self, signals[FAILED], 0, error);
    }
  else
    {
      self->last_seq = poll->last_seq;
      set_healthy (self, TRUE);
      if (poll->changes->len > 0)
        g_signal_emit (self, signals[CHANGED], 0, poll->changes);
    }

  if (self->poll_again)
    {
      self->poll_again = FALSE;
      start_poll (self, TRUE);
    }
}

/* Timer */

static gboolean
tick_cb (gpointer user_data)
{
  start_poll (user_data, FALSE);
  return G_SOURCE_CONTINUE;
}

/* The source, not its id: g_source_remove() looks ids up in the global
 * default context, which need not be the monitor's. */
static void
stop_timer (HdStoreMonitor *self)
{
  if (self->timeout == NULL)
    return;

  g_source_destroy (self->timeout);
  g_clear_pointer (&self->timeout, g_source_unref);
}

static void
start_timer (HdStoreMonitor *self)
{
  stop_timer (self);

  /* Whole seconds let GLib wake up for us together with other timers,
   * which laptops running on battery notice. */
  if (self->interval % 1000 == 0)
    self->timeout = g_timeout_source_new_seconds (self->interval / 1000);
  else
    self->timeout = g_timeout_source_new (self->interval);

  g_source_set_name (self->timeout, "[helpdesk] store monitor");
  g_source_set_callback (self->timeout, tick_cb, self, NULL);
  g_source_attach (self->timeout, self->context);
}

/* GObject */

static void
hd_store_monitor_dispose (GObject *object)
{
  HdStoreMonitor *self = (HdStoreMonitor *) object;

  stop_timer (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->thread, hd_worker_free);

  G_OBJECT_CLASS (hd_store_monitor_parent_class)->dispose (object);
}

static void
hd_store_monitor_finalize (GObject *object)
{
  HdStoreMonitor *self = (HdStoreMonitor *) object;

  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->worker, worker_unref);

  G_OBJECT_CLASS (hd_store_monitor_parent_class)->finalize (object);
}

static void
hd_store_monitor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HdStoreMonitor *self = HD_STORE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_HEALTHY:
      g_value_set_boolean (value, self->healthy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_store_monitor_class_init (HdStoreMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hd_store_monitor_dispose;
  object_class->finalize = hd_store_monitor_finalize;
  object_class->get_property = hd_store_monitor_get_property;

  /**
   * HdStoreMonitor:healthy:
   *
   * Whether the last poll could read the file. It starts %TRUE. When it
   * becomes %TRUE again after a failure, changes may have been missed (the
   * file may even be another one now): reload everything shown.
   */
  properties[PROP_HEALTHY] =
    g_param_spec_boolean ("healthy", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HdStoreMonitor::changed:
   * @changes: (element-type HdChange): the new change_log rows, oldest first
   *
   * Emitted once per poll that found changes, whichever client made them,
   * on the thread-default main context the monitor was created in. The
   * array belongs to the emission; take a reference to keep it.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  /**
   * HdStoreMonitor::failed:
   * @error: why the file could not be read; %HD_ERROR_NOT_FOUND when the
   *   path is gone or leads to another file now
   *
   * Emitted after every poll that failed, so about once per interval while
   * the problem lasts: show the latest error while #HdStoreMonitor:healthy
   * is %FALSE rather than one alert per emission. Polling goes on, and a
   * file that comes back is picked up again.
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hd_store_monitor_init (HdStoreMonitor *self)
{
  self->interval = HD_STORE_MONITOR_DEFAULT_INTERVAL_MS;
  self->healthy = TRUE;
  self->cancellable = g_cancellable_new ();
}

/* Public API */

/**
 * hd_change_new:
 * @actor: (nullable): who made the change
 */
HdChange *
hd_change_new (guint64     seq,
               const char *table,
               gint64      row,
               const char *kind,
               const char *actor)
{
  HdChange *change = g_new0 (HdChange, 1);

  change->seq = seq;
  change->table = g_strdup (table);
  change->row = row;
  change->kind = g_strdup (kind);
  change->actor = g_strdup (actor);
  return change;
}

HdChange *
hd_change_copy (const HdChange *change)
{
  g_return_val_if_fail (change != NULL, NULL);

  return hd_change_new (change->seq, change->table, change->row, change->kind, change->actor);
}

void
hd_change_free (HdChange *change)
{
  if (change == NULL)
    return;

  g_free (change->table);
  g_free (change->kind);
  g_free (change->actor);
  g_free (change);
}

/**
 * hd_store_monitor_new:
 * @path: the helpdesk file, opened again on a worker thread
 * @login: (nullable): who is looking; %NULL for hd_store_current_login()
 *
 * Starts watching @path. The monitor belongs to the thread-default main
 * context of the caller: it ticks and emits its signals there, and is used
 * from that thread only. Changes made before the first poll, which starts
 * at once, are history and not announced: create the monitor before reading
 * what is shown.
 */
HdStoreMonitor *
hd_store_monitor_new (const char *path,
                      const char *login)
{
  HdStoreMonitor *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (HD_TYPE_STORE_MONITOR, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->worker = g_new0 (Worker, 1);
  g_atomic_ref_count_init (&self->worker->ref);
  g_mutex_init (&self->worker->mutex);
  self->worker->path = g_strdup (path);
  self->worker->login = g_strdup (login);
  self->thread = hd_worker_new ();

  start_timer (self);
  start_poll (self, FALSE);
  return self;
}

/**
 * hd_store_monitor_set_interval:
 * @msec: the time between polls, in milliseconds
 *
 * A poll that takes longer than this (a slow share, a busy file) delays
 * the next one rather than piling up behind it.
 */
void
hd_store_monitor_set_interval (HdStoreMonitor *self,
                               guint           msec)
{
  g_return_if_fail (HD_IS_STORE_MONITOR (self));
  g_return_if_fail (msec > 0);

  if (self->interval == msec)
    return;

  self->interval = msec;
  if (self->timeout != NULL)
    start_timer (self);
}

/**
 * hd_store_monitor_poll_now:
 *
 * Polls without waiting for the next tick, and reads change_log even when
 * data_version says nothing changed. Call it after this program's own
 * writes to hear about them at once; they would be noticed at the next tick
 * anyway, since they go through another connection than the monitor's.
 */
void
hd_store_monitor_poll_now (HdStoreMonitor *self)
{
  g_return_if_fail (HD_IS_STORE_MONITOR (self));

  start_poll (self, TRUE);
}

/**
 * hd_store_monitor_get_last_seq:
 *
 * Returns: the sequence number of the newest change known; 0 until the
 *   first poll has read the file, or while the file has no changes
 */
guint64
hd_store_monitor_get_last_seq (HdStoreMonitor *self)
{
  g_return_val_if_fail (HD_IS_STORE_MONITOR (self), 0);
  return self->last_seq;
}

/**
 * hd_store_monitor_get_n_polls:
 * @locked: (out) (optional): how many of them took the file's lock
 *
 * For tests: how the polls went so far.
 *
 * Returns: how many polls ran, glances included
 */
guint
hd_store_monitor_get_n_polls (HdStoreMonitor *self,
                              guint          *locked)
{
  g_return_val_if_fail (HD_IS_STORE_MONITOR (self), 0);

  if (locked != NULL)
    *locked = g_atomic_int_get (&self->worker->n_locked);
  return g_atomic_int_get (&self->worker->n_polls);
}

gboolean
hd_store_monitor_is_healthy (HdStoreMonitor *self)
{
  g_return_val_if_fail (HD_IS_STORE_MONITOR (self), FALSE);
  return self->healthy;
}
