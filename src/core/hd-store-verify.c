/* hd-store-verify.c — knowing that a helpdesk file is sound without
 * reading it whole on the way to the first rows
 *
 * SQLite's quick_check reads every page of a file: seconds for a large
 * helpdesk, and all the while it holds the file's read lock, which keeps
 * every other desk from committing (rollback journal; with dot-file
 * locking, from reading too). So no desk checks the shared file itself,
 * not even in the background. Instead:
 *
 * - A check is made on a copy. The copy is taken with SQLite's online
 *   backup in small steps, each under the read lock for about a tenth of
 *   a second, with a pause between them that lets other desks in; a
 *   change made meanwhile by another desk starts the copy again, and a
 *   background copy of a file that keeps changing gives up and tries
 *   later rather than hold the lock. The copy is then checked where only
 *   this desk reads it. Damage in the copy is the file's when a second
 *   copy shows it too (the first may have been spoiled on its way).
 *
 * - What a check found is remembered in this desk's own state, never in
 *   the shared file: $XDG_STATE_HOME/helpdesk/verified/NAME-HASH holds
 *   "sound" or "damaged" and the fingerprint of the file it was found in:
 *   its inode, size and modification time, and SQLite's change counter
 *   and page count from its header, read under the copy's lock. Every
 *   commit changes the counter; a file replaced or written behind SQLite's
 *   back changes its inode, size or time. Opening reads the fingerprint
 *   (a stat and the header's first bytes): a file that is as it was when
 *   last found sound needs no check, one that changed since gets one when
 *   the window is idle (hd_store_maintain()), and one found damaged as it
 *   is now is known damaged at once. helpdesk-cli check records what its
 *   own integrity check finds the same way.
 *
 * - Damage is also what SQLite reports when it reads a damaged page
 *   (SQLITE_CORRUPT), on any connection, for any read or write. Every such
 *   report marks the file damaged in this process, for every store that
 *   has it open (hd_store_damage_lookup()), and in the record. A damaged
 *   file refuses every change (HD_ERROR_CORRUPT), and whoever watches the
 *   path (hd_store_watch_damage()) hears of it at once, so a window can
 *   offer the last good backup.
 *
 * What is left: a desk writes into a file it has not yet verified, between
 * opening it and the first idle moment, when the file changed since this
 * desk last verified it. Any damaged page such a write touches fails it
 * (SQLite reads before it writes); damage elsewhere is found by the check
 * that follows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* O_CLOEXEC, pread(), st_mtim under -std=c17 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd-lease.h"
#include "hd-store-private.h"

/* The fingerprint */

static guint32
be32 (const guint8 *bytes)
{
  return (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 |
         (guint32) bytes[2] << 8 | (guint32) bytes[3];
}

/* A stat and the header as they are on disk; FALSE when unreadable. */
gboolean
hd_file_stamp_read (const char  *path,
                    HdFileStamp *stamp)
{
  guint8 header[32];
  struct stat st;
  ssize_t n;
  int fd;

  memset (stamp, 0, sizeof *stamp);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  n = fstat (fd, &st) == 0 ? pread (fd, header, sizeof header, 0) : -1;
  close (fd);
  if (n != (ssize_t) sizeof header)
    return FALSE;

  stamp->ino = st.st_ino;
  stamp->size = st.st_size;
  stamp->mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
                    st.st_mtim.tv_nsec;
  stamp->counter = be32 (header + 24);
  stamp->pages = be32 (header + 28);
  return TRUE;
}

static char *
stamp_to_string (const HdFileStamp *stamp)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                          " %u %u", stamp->ino, stamp->size, stamp->mtime_ns,
                          stamp->counter, stamp->pages);
}

/* This desk's record */

static char *
record_path (const char *path)
{
  g_autofree char *key = hd_store_file_key (path);

  return g_build_filename (g_get_user_state_dir (), "helpdesk", "verified", key, NULL);
}

/* "sound STAMP\n" or "damaged STAMP\nDETAIL\n". Written whole or not at
 * all (g_file_set_contents()); a record that cannot be written only means
 * another check later. */
static void
write_record (const char        *path,
              const HdFileStamp *stamp,
              const char        *damage)
{
  g_autofree char *file = record_path (path);
  g_autofree char *dir = g_path_get_dirname (file);
  g_autofree char *text = stamp_to_string (stamp);
  g_autofree char *contents = damage != NULL ? g_strdup_printf ("damaged %s\n%s\n", text, damage)
                                             : g_strdup_printf ("sound %s\n", text);
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (file, contents, -1, &error))
    g_debug ("This desk's verification record of %s was not kept: %s", path,
             error != NULL ? error->message : g_strerror (errno));
}

/* What the record says of the file as it is now (@stamp): unknown when
 * there is none, or it was made of the file as it was before a change. */
static HdVerified
read_record (const char        *path,
             const HdFileStamp *stamp,
             char             **damage)
{
  g_autofree char *file = record_path (path);
  g_autofree char *contents = NULL;
  g_autofree char *now = stamp_to_string (stamp);
  g_auto(GStrv) lines = NULL;
  const char *recorded;

  if (!g_file_get_contents (file, &contents, NULL, NULL))
    return HD_VERIFIED_UNKNOWN;

  lines = g_strsplit (contents, "\n", 3);
  if (g_str_has_prefix (lines[0], "sound "))
    recorded = lines[0] + strlen ("sound ");
  else if (g_str_has_prefix (lines[0], "damaged ") && lines[1] != NULL)
    recorded = lines[0] + strlen ("damaged ");
  else
    return HD_VERIFIED_UNKNOWN;

  if (strcmp (recorded, now) != 0)
    return HD_VERIFIED_UNKNOWN;
  if (recorded == lines[0] + strlen ("sound "))
    return HD_VERIFIED_SOUND;

  if (damage != NULL)
    *damage = g_strdup (lines[1]);
  return HD_VERIFIED_DAMAGED;
}

/**
 * hd_store_lookup_verified: (skip)
 * @ino: the inode of the file meant: another file at @path is unknown
 * @stamp: (out): the file's fingerprint now, zeros when it is not @ino
 * @damage: (out) (optional): what was found, when damaged
 *
 * What this desk found when it last checked @path, if the file is still
 * as it was then.
 */
HdVerified
hd_store_lookup_verified (const char   *path,
                          guint64       ino,
                          HdFileStamp  *stamp,
                          char        **damage)
{
  if (!hd_file_stamp_read (path, stamp) || stamp->ino != ino)
    {
      memset (stamp, 0, sizeof *stamp);
      return HD_VERIFIED_UNKNOWN;
    }
  return read_record (path, stamp, damage);
}

/* Damage seen in this process, and who wants to hear of it */

typedef struct {
  guint          id;
  char          *path;      /* canonical */
  GMainContext  *context;
  HdDamageFunc   func;
  gpointer       data;
  GDestroyNotify notify;
} Watch;

static GMutex      damage_mutex;
static GHashTable *damaged;   /* "DEV:INO" → Damage */
static GPtrArray  *watches;   /* Watch */
static guint       last_watch_id;

static char *
file_id (dev_t dev,
         ino_t ino)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, (guint64) dev,
                          (guint64) ino);
}

static void
watch_free (Watch *watch)
{
  if (watch->notify != NULL)
    watch->notify (watch->data);
  if (watch->context != NULL)
    g_main_context_unref (watch->context);
  g_free (watch->path);
  g_free (watch);
}

typedef struct {
  guint  id;
  char  *path;
  char  *message;
} Notice;

static void
notice_free (Notice *notice)
{
  g_free (notice->path);
  g_free (notice->message);
  g_free (notice);
}

/* In the watcher's context: call it, unless it stopped watching since. */
static gboolean
deliver_notice (gpointer data)
{
  Notice *notice = data;
  HdDamageFunc func = NULL;
  gpointer user_data = NULL;

  g_mutex_lock (&damage_mutex);
  for (guint i = 0; watches != NULL && i < watches->len; i++)
    {
      Watch *watch = g_ptr_array_index (watches, i);

      if (watch->id == notice->id)
        {
          func = watch->func;
          user_data = watch->data;
        }
    }
  g_mutex_unlock (&damage_mutex);

  if (func != NULL)
    func (notice->path, notice->message, user_data);
  return G_SOURCE_REMOVE;
}

/* Always later, from the watcher's main context: whoever found the damage
 * may be in the middle of a store call on that very thread. */
static void
notify_watches (const char *path,
                const char *message)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);

  g_mutex_lock (&damage_mutex);
  for (guint i = 0; watches != NULL && i < watches->len; i++)
    {
      Watch *watch = g_ptr_array_index (watches, i);
      g_autoptr(GSource) source = NULL;
      Notice *notice;

      if (strcmp (watch->path, canonical) != 0)
        continue;
      notice = g_new0 (Notice, 1);
      notice->id = watch->id;
      notice->path = g_strdup (path);
      notice->message = g_strdup (message);
      source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver_notice, notice, (GDestroyNotify) notice_free);
      g_source_attach (source, watch->context);
    }
  g_mutex_unlock (&damage_mutex);
}

/**
 * hd_store_watch_damage:
 * @path: a helpdesk file
 * @func: called with what was found, in the thread-default main context of
 *   the caller, whenever a connection of this process finds @path damaged
 *   (a read or write that met a damaged page, a check, a verification)
 *
 * Returns: an id for hd_store_unwatch_damage()
 */
guint
hd_store_watch_damage (const char     *path,
                       HdDamageFunc    func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  Watch *watch;
  guint id;

  g_return_val_if_fail (path != NULL, 0);
  g_return_val_if_fail (func != NULL, 0);

  watch = g_new0 (Watch, 1);
  watch->path = g_canonicalize_filename (path, NULL);
  watch->context = g_main_context_ref_thread_default ();
  watch->func = func;
  watch->data = data;
  watch->notify = notify;

  g_mutex_lock (&damage_mutex);
  if (watches == NULL)
    watches = g_ptr_array_new ();
  watch->id = id = ++last_watch_id;
  g_ptr_array_add (watches, watch);
  g_mutex_unlock (&damage_mutex);
  return id;
}

void
hd_store_unwatch_damage (guint id)
{
  Watch *found = NULL;

  g_mutex_lock (&damage_mutex);
  for (guint i = 0; watches != NULL && i < watches->len; i++)
    if (((Watch *) g_ptr_array_index (watches, i))->id == id)
      found = g_ptr_array_steal_index (watches, i);
  g_mutex_unlock (&damage_mutex);

  /* Outside the lock: @notify may do anything. */
  if (found != NULL)
    watch_free (found);
}

/* What this process found, the file as it was then, and when: entries
 * are numbered in the order they were made. */
typedef struct {
  char        *detail;
  HdFileStamp  stamp;
  guint64      seq;
} Damage;

static guint64 damage_seq;

static void
damage_free (Damage *damage)
{
  g_free (damage->detail);
  g_free (damage);
}

/**
 * hd_store_damage_seq: (skip)
 *
 * Returns: the number of the last damage remembered in this process: a
 *   store takes it when it opens its file (see hd_store_damage_lookup())
 */
guint64
hd_store_damage_seq (void)
{
  guint64 seq;

  g_mutex_lock (&damage_mutex);
  seq = damage_seq;
  g_mutex_unlock (&damage_mutex);
  return seq;
}

/**
 * hd_store_remember_damage: (skip)
 *
 * Remembers in this process that the file @self has open is damaged, for
 * every store of it: by device and inode, and by its fingerprint now.
 *
 * Returns: whether it was news: not known of this file as it is now
 */
gboolean
hd_store_remember_damage (HdStore    *self,
                          const char *detail)
{
  Damage *damage = g_new0 (Damage, 1);
  g_autofree char *id = NULL;
  Damage *known;
  gboolean news;
  dev_t dev;
  ino_t ino;

  hd_store_get_file_id (self, &dev, &ino);
  id = file_id (dev, ino);
  damage->detail = g_strdup (detail);
  if (!hd_file_stamp_read (hd_store_get_path (self), &damage->stamp) ||
      damage->stamp.ino != (guint64) ino)
    memset (&damage->stamp, 0, sizeof damage->stamp);

  g_mutex_lock (&damage_mutex);
  if (damaged == NULL)
    damaged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) damage_free);
  /* The same file as it was: every later read of a damaged page says it
   * again. Another fingerprint: another file, or the file changed. */
  known = g_hash_table_lookup (damaged, id);
  news = known == NULL || memcmp (&known->stamp, &damage->stamp, sizeof known->stamp) != 0;
  damage->seq = ++damage_seq;
  g_hash_table_replace (damaged, g_steal_pointer (&id), damage);
  g_mutex_unlock (&damage_mutex);
  return news;
}

/**
 * hd_store_damage_lookup: (skip)
 * @open_seq: hd_store_damage_seq() when the store opened its file
 * @open_stamp: the file's fingerprint then
 *
 * Whether this process found the file of a store damaged. Device and
 * inode alone could name a file made after a damaged one was deleted: an
 * entry counts for a store if it was made while the store had its file
 * open (an open file keeps its inode), or of the file as it was when the
 * store opened it. Reads nothing.
 *
 * Returns: (transfer full) (nullable): what was found
 */
char *
hd_store_damage_lookup (dev_t              dev,
                        ino_t              ino,
                        guint64            open_seq,
                        const HdFileStamp *open_stamp)
{
  g_autofree char *id = file_id (dev, ino);
  char *detail = NULL;
  Damage *known;

  g_mutex_lock (&damage_mutex);
  known = damaged != NULL ? g_hash_table_lookup (damaged, id) : NULL;
  if (known != NULL &&
      (known->seq > open_seq ||
       (known->stamp.ino != 0 && memcmp (&known->stamp, open_stamp, sizeof known->stamp) == 0)))
    detail = g_strdup (known->detail);
  g_mutex_unlock (&damage_mutex);
  return detail;
}

/* Makes the message every refusal of a damaged file gives. */
char *
hd_store_damage_message (const char *path,
                         const char *detail)
{
  return g_strdup_printf (_("“%s” is damaged (%s). Nothing can be saved in it: restore it from a backup."),
                          path, detail);
}

/**
 * hd_store_note_damage: (skip)
 * @detail: what SQLite found, one line
 *
 * The file this store has open is damaged as it is now: remembered in
 * this process and in this desk's record, and told to whoever watches it.
 * Called by whichever connection found it, on any thread.
 */
void
hd_store_note_damage (HdStore    *self,
                      const char *detail)
{
  g_autofree char *message = NULL;
  HdFileStamp stamp;
  dev_t dev;
  ino_t ino;

  hd_store_get_file_id (self, &dev, &ino);
  if (hd_file_stamp_read (hd_store_get_path (self), &stamp) && stamp.ino == (guint64) ino)
    write_record (hd_store_get_path (self), &stamp, detail);

  if (!hd_store_remember_damage (self, detail))
    return;

  message = hd_store_damage_message (hd_store_get_path (self), detail);
  notify_watches (hd_store_get_path (self), message);
}

/* The file as @stamp describes it was found sound. */
void
hd_store_note_sound (HdStore           *self,
                     const HdFileStamp *stamp)
{
  if (stamp->ino != 0)
    write_record (hd_store_get_path (self), stamp, NULL);
}

/* Copying in steps, and checking the copy */

/* How long one step holds the file's read lock, and how long the lock is
 * left free after it. A desk waiting for a dot-file lock looks again at
 * least every 100 ms (SQLite's busy handler); a desk that waits for a
 * POSIX lock to commit holds PENDING, which keeps the next step out until
 * it is done, so a short gap is enough there. */
#define STEP_HOLD_US         (100 * 1000)
#define STEP_GAP_POSIX_US    (10 * 1000)
#define STEP_GAP_DOTFILE_US  (120 * 1000)
#define FIRST_STEP_PAGES     16
#define MAX_STEP_PAGES       2048
#define MAX_RESTARTS         3

/* PRAGMA quick_check(1): SQLITE_OK with @detail NULL when sound, SQLITE_OK
 * with @detail set to SQLite's one-line report when damaged, or the error
 * that stopped it. */
int
hd_store_quick_check_db (sqlite3  *db,
                         char    **detail)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(1)", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return rc;

  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      *detail = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      g_strdelimit (*detail, "\r\n", ' ');
    }

  return SQLITE_OK;
}

/* Whether a check or a read ended on damage, not on a failure to read. */
gboolean
hd_store_is_damage (int         rc,
                    const char *detail)
{
  return detail != NULL || (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

static gboolean
set_copy_error (const char  *target,
                sqlite3     *dst,
                int          rc,
                GError     **error)
{
  g_set_error (error, HD_ERROR, (rc & 0xff) == SQLITE_FULL ? HD_ERROR_DISK_FULL : HD_ERROR_FAILED,
               _("The backup to “%s” failed: %s."), target,
               dst != NULL ? sqlite3_errmsg (dst) : sqlite3_errstr (rc));
  return FALSE;
}

/* The read lock for one step: the first read of a transaction also tells
 * SQLite whether another desk changed the file since the last step, and
 * the copy then starts again. */
static gboolean
begin_read (HdStore  *self,
            GError  **error)
{
  sqlite3 *db = hd_store_get_db (self);
  int rc = sqlite3_exec (db, "BEGIN; SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;

  hd_store_set_error_from_db (self, rc, error);
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
end_read (HdStore *self)
{
  sqlite3 *db = hd_store_get_db (self);

  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
}

/* Between steps: the lock is free for a moment whatever happens (this is
 * a pause for other desks, not a retry), then the work waits until the
 * window is idle. */
static gboolean
pause_between_steps (HdStore           *self,
                     const HdCopyPace  *pace,
                     gboolean           first,
                     GError           **error)
{
  if (!first)
    g_usleep (hd_store_get_locking (self) == HD_LOCKING_DOTFILE ? STEP_GAP_DOTFILE_US
                                                                : STEP_GAP_POSIX_US);
  if (pace->gate != NULL)
    hd_idle_gate_wait (pace->gate, pace->cancellable);
  return !g_cancellable_set_error_if_cancelled (pace->cancellable, error);
}

/* As many pages as one step copies in about STEP_HOLD_US, growing at most
 * fourfold a step: pages read from the disk take far longer than pages in
 * the cache, and the next step may meet them. */
static int
next_step_pages (int    pages,
                 gint64 elapsed_us)
{
  gint64 next = (gint64) pages * STEP_HOLD_US / MAX (elapsed_us, 1);

  return (int) CLAMP (next, 16, MIN ((gint64) pages * 4, MAX_STEP_PAGES));
}

static gboolean
refuse_busy_copy (HdStore  *self,
                  GError  **error)
{
  g_set_error (error, HD_ERROR, HD_ERROR_BUSY,
               _("“%s” changed too often while it was being copied; the copy will be taken later."),
               hd_store_get_path (self));
  return FALSE;
}

/* Copies the whole file into @dst in steps. @stamp is the file's
 * fingerprint under the lock of the last step: what the copy is of. */
static gboolean
copy_in_steps (HdStore           *self,
               sqlite3           *dst,
               const char        *target,
               const HdCopyPace  *pace,
               HdFileStamp       *stamp,
               GError           **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (dst, "main", hd_store_get_db (self), "main");
  int pages = FIRST_STEP_PAGES;
  int remaining = -1;
  guint restarts = 0;
  guint busy_steps = 0;
  guint steps = 0;
  gint64 longest = 0;
  gboolean hold = FALSE;
  gboolean ok = FALSE;

  if (backup == NULL)
    return set_copy_error (target, dst, sqlite3_errcode (dst), error);

  for (;;)
    {
      gint64 start;
      int rc;

      if (!pause_between_steps (self, pace, remaining < 0, error))
        break;
      start = g_get_monotonic_time ();
      if (!begin_read (self, error))
        break;
      steps++;
      rc = sqlite3_backup_step (backup, hold ? -1 : pages);
      if (rc == SQLITE_DONE && !hd_file_stamp_read (hd_store_get_path (self), stamp))
        memset (stamp, 0, sizeof *stamp);
      /* A step that took longer than the lease: was it one moment? */
      if ((rc == SQLITE_OK || rc == SQLITE_DONE) &&
          !hd_lease_vfs_check (hd_store_get_db (self), error))
        {
          end_read (self);
          break;
        }
      end_read (self);
      longest = MAX (longest, g_get_monotonic_time () - start);

      if (rc == SQLITE_DONE)
        {
          ok = TRUE;
          break;
        }
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
        {
          set_copy_error (target, dst, rc, error);
          break;
        }
      /* The copy itself in use (not by other desks: the read lock is
       * ours), step after step: give up rather than loop. */
      busy_steps = rc == SQLITE_OK ? 0 : busy_steps + 1;
      if (busy_steps > MAX_RESTARTS)
        {
          refuse_busy_copy (self, error);
          break;
        }

      /* Another desk committed: the copy started again. */
      if (remaining >= 0 && sqlite3_backup_remaining (backup) > remaining &&
          ++restarts > MAX_RESTARTS)
        {
          if (pace->give_up)
            {
              refuse_busy_copy (self, error);
              break;
            }
          hold = TRUE;
        }
      remaining = sqlite3_backup_remaining (backup);
      pages = next_step_pages (pages, g_get_monotonic_time () - start);
    }

  sqlite3_backup_finish (backup);
  g_debug ("Copied %s for %s in %u steps, %u started again, the lock held %.0f ms at most: %s",
           hd_store_get_path (self), target, steps, restarts, longest / 1000.0,
           ok ? "done" : "given up");
  return ok;
}

/* The check reads the whole copy: it waits, too, while the window is busy. */
static int
check_progress_cb (void *data)
{
  const HdCopyPace *pace = data;

  if (pace->gate != NULL && !hd_idle_gate_is_open (pace->gate))
    hd_idle_gate_wait (pace->gate, pace->cancellable);
  return g_cancellable_is_cancelled (pace->cancellable);
}

/* Copies the file into the new file @tmp and checks the copy: TRUE with
 * @damage NULL when sound, TRUE with @damage set when damaged. */
static gboolean
copy_once (HdStore           *self,
           const char        *tmp,
           const char        *target,
           const HdCopyPace  *pace,
           HdFileStamp       *stamp,
           char             **damage,
           GError           **error)
{
  sqlite3 *dst = NULL;
  gboolean ok = FALSE;
  int rc;

  g_unlink (tmp);
  rc = sqlite3_open_v2 (tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    set_copy_error (target, dst, rc, error);
  else if (copy_in_steps (self, dst, target, pace, stamp, error))
    {
      sqlite3_progress_handler (dst, 10000, check_progress_cb, (gpointer) pace);
      rc = hd_store_quick_check_db (dst, damage);
      if (g_cancellable_set_error_if_cancelled (pace->cancellable, error))
        ;
      else if (rc != SQLITE_OK && hd_store_is_damage (rc, NULL))
        ok = (*damage = g_strdup (sqlite3_errstr (rc))) != NULL;
      else if (rc != SQLITE_OK)
        set_copy_error (target, dst, rc, error);
      else
        ok = TRUE;
    }

  sqlite3_close (dst);
  if (!ok)
    {
      g_autofree char *journal = g_strconcat (tmp, "-journal", NULL);

      g_unlink (tmp);
      g_unlink (journal);
    }
  return ok;
}

/**
 * hd_store_copy_checked: (skip)
 * @tmp: the copy, made anew; kept when sound
 * @target: what the copy is for, for messages
 *
 * Copies the open file into @tmp with SQLite's online backup, in steps
 * that hold the file's read lock briefly each (see the top of this file),
 * and checks the copy with SQLite's quick check, and records what it
 * found for this desk. A damaged copy is the file's damage when a second
 * copy is damaged too: then %HD_ERROR_CORRUPT, and the file is noted
 * damaged (hd_store_note_damage()).
 */
gboolean
hd_store_copy_checked (HdStore           *self,
                       const char        *tmp,
                       const char        *target,
                       const HdCopyPace  *pace,
                       GError           **error)
{
  g_autofree char *again = g_strconcat (tmp, ".again", NULL);
  g_autofree char *damage = NULL;
  g_autofree char *damage_again = NULL;
  HdFileStamp stamp;

  if (!copy_once (self, tmp, target, pace, &stamp, &damage, error))
    return FALSE;
  if (damage == NULL)
    {
      hd_store_note_sound (self, &stamp);
      return TRUE;
    }

  g_unlink (tmp);
  if (!copy_once (self, again, target, pace, &stamp, &damage_again, error))
    return FALSE;
  if (damage_again == NULL)
    {
      g_message ("A copy of %s was damaged on its way to %s (%s), a second one was sound: that disk may be failing.",
                 hd_store_get_path (self), target, damage);
      hd_store_note_sound (self, &stamp);
      return g_rename (again, tmp) == 0 || set_copy_error (target, NULL, SQLITE_IOERR, error);
    }

  g_unlink (again);
  hd_store_note_damage (self, damage_again);
  g_set_error (error, HD_ERROR, HD_ERROR_CORRUPT,
               _("“%s” is damaged (%s), so no backup was written: a copy would not bring back a sound helpdesk, and the older backups were kept. See what is wrong with “helpdesk-cli check”, then restore the last good backup; the file itself was not changed."),
               hd_store_get_path (self), damage_again);
  return FALSE;
}
