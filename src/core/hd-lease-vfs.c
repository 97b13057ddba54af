/* hd-lease-vfs.c — SQLite's file access for a file locked with a lease
 *
 * A VFS over SQLite's "unix-none" (its Unix file access without locks)
 * whose locks are leases (hd-lease.h) and whose writes are fenced: every
 * write to the file and to its journal first checks that this desk's lease
 * is fresh; before the journal is made, before the first page of a commit
 * and before the journal is deleted it also checks, on the share, that the
 * lock is still its own. A write refused so fails with SQLITE_IOERR; the
 * store asks hd_lease_vfs_take_refusal() why.
 *
 * All locks are exclusive, as with SQLite's unix-dotfile: SHARED already
 * takes the lease. Unlike unix-dotfile, a desk holding SHARED knows that
 * nobody else holds RESERVED, so a journal left by a desk that stopped is
 * found hot and rolled back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* SIGSTOP, raise() under -std=c17 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "hd-lease.h"
#include "hd-store-private.h"

#define JOURNAL_SUFFIX "-journal"

typedef enum {
  KIND_DB,
  KIND_JOURNAL,
  KIND_OTHER,
} Kind;

typedef struct _LeaseFile LeaseFile;

struct _LeaseFile
{
  sqlite3_file  base;
  sqlite3_file *real;      /* "unix-none"'s file, allocated right after this */
  Kind          kind;
  char         *path;      /* the database file, for the database and its journal */

  /* the database file */
  int           level;
  HdLease      *lease;
  HdLeaseWatch  watch;
  gboolean      owned_checked;  /* since EXCLUSIVE was taken */
  GError       *refusal;        /* why the last write was refused */

  /* a journal: the database file that holds the lease */
  LeaseFile    *db;
};

/* The database files open through this VFS, for their journals to find. */
static GMutex     files_mutex;
static GPtrArray *db_files;

static sqlite3_vfs *
base_vfs (sqlite3_vfs *vfs)
{
  return vfs->pAppData;
}

/* Tests: HELPDESK_TEST_STOP_AT names a point in a commit where the process
 * stops itself (SIGSTOP) once, as a desk whose lid was closed there. */
static void
test_stop_at (const char *point)
{
  static gsize stopped;
  const char *at = g_getenv ("HELPDESK_TEST_STOP_AT");

  if (at == NULL || strcmp (at, point) != 0 || !g_once_init_enter (&stopped))
    return;
  g_once_init_leave (&stopped, 1);
  raise (SIGSTOP);
}

/* Whether @db may write now; the reason is kept for the store. */
static gboolean
fence (LeaseFile *db,
       gboolean   owned)
{
  g_autoptr(GError) error = NULL;

  if (db != NULL && hd_lease_is_held (db->lease) && hd_lease_check (db->lease, owned, &error))
    return TRUE;

  if (db != NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, HD_ERROR, HD_ERROR_BUSY,
                             _("This desk no longer holds the lock on the helpdesk file. Nothing was saved; try again."));
      g_clear_error (&db->refusal);
      db->refusal = g_steal_pointer (&error);
    }
  return FALSE;
}

static LeaseFile *
find_holder (const char *db_path)
{
  LeaseFile *holder = NULL;

  g_mutex_lock (&files_mutex);
  for (guint i = 0; db_files != NULL && i < db_files->len && holder == NULL; i++)
    {
      LeaseFile *file = g_ptr_array_index (db_files, i);

      if (file->lease != NULL && hd_lease_is_held (file->lease) &&
          strcmp (file->path, db_path) == 0)
        holder = file;
    }
  g_mutex_unlock (&files_mutex);
  return holder;
}

static char *
db_path_of_journal (const char *journal)
{
  if (journal == NULL || !g_str_has_suffix (journal, JOURNAL_SUFFIX))
    return NULL;
  return g_strndup (journal, strlen (journal) - strlen (JOURNAL_SUFFIX));
}

/* File methods */

static int
lease_close (sqlite3_file *file)
{
  LeaseFile *self = (LeaseFile *) file;
  int rc = self->real->pMethods->xClose (self->real);

  if (self->kind == KIND_DB)
    {
      g_mutex_lock (&files_mutex);
      g_ptr_array_remove_fast (db_files, self);
      g_mutex_unlock (&files_mutex);
      g_clear_pointer (&self->lease, hd_lease_free);
      hd_lease_watch_clear (&self->watch);
      g_clear_error (&self->refusal);
    }
  g_free (self->path);
  return rc;
}

static int
lease_read (sqlite3_file      *file,
            void              *buffer,
            int                amount,
            sqlite3_int64      offset)
{
  LeaseFile *self = (LeaseFile *) file;

  return self->real->pMethods->xRead (self->real, buffer, amount, offset);
}

static int
lease_write (sqlite3_file  *file,
             const void    *buffer,
             int            amount,
             sqlite3_int64  offset)
{
  LeaseFile *self = (LeaseFile *) file;

  if (self->kind == KIND_DB)
    {
      if (!self->owned_checked)
        test_stop_at ("db-write");
      if (!fence (self, !self->owned_checked))
        return SQLITE_IOERR_WRITE;
      self->owned_checked = TRUE;
    }
  else if (self->kind == KIND_JOURNAL && !fence (self->db, FALSE))
    return SQLITE_IOERR_WRITE;

  return self->real->pMethods->xWrite (self->real, buffer, amount, offset);
}

static int
lease_truncate (sqlite3_file  *file,
                sqlite3_int64  size)
{
  LeaseFile *self = (LeaseFile *) file;

  if (self->kind != KIND_OTHER && !fence (self->kind == KIND_DB ? self : self->db, FALSE))
    return SQLITE_IOERR_TRUNCATE;

  return self->real->pMethods->xTruncate (self->real, size);
}

static int
lease_sync (sqlite3_file *file,
            int           flags)
{
  LeaseFile *self = (LeaseFile *) file;

  if (self->kind == KIND_JOURNAL)
    test_stop_at ("journal-sync");
  return self->real->pMethods->xSync (self->real, flags);
}

static int
lease_file_size (sqlite3_file  *file,
                 sqlite3_int64 *size)
{
  LeaseFile *self = (LeaseFile *) file;

  return self->real->pMethods->xFileSize (self->real, size);
}

static int
lease_lock (sqlite3_file *file,
            int           level)
{
  LeaseFile *self = (LeaseFile *) file;
  g_autoptr(GError) error = NULL;
  gboolean taken;

  if (self->kind != KIND_DB || level <= self->level)
    return SQLITE_OK;

  if (!hd_lease_is_held (self->lease))
    {
      if (!hd_lease_try_take (self->lease, self->path, &self->watch, &taken, &error))
        {
          g_clear_error (&self->refusal);
          self->refusal = g_steal_pointer (&error);
          return SQLITE_IOERR_LOCK;
        }
      if (!taken)
        return SQLITE_BUSY;
    }
  else if (level >= SQLITE_LOCK_RESERVED && self->level < SQLITE_LOCK_RESERVED &&
           !fence (self, FALSE))
    return SQLITE_IOERR_LOCK;  /* a read that outlived the lease; the journal's check follows */

  if (level == SQLITE_LOCK_EXCLUSIVE)
    self->owned_checked = FALSE;
  self->level = level;
  return SQLITE_OK;
}

static int
lease_unlock (sqlite3_file *file,
              int           level)
{
  LeaseFile *self = (LeaseFile *) file;

  if (self->kind != KIND_DB || level >= self->level)
    return SQLITE_OK;

  self->level = level;
  if (level == SQLITE_LOCK_NONE)
    hd_lease_release (self->lease);
  return SQLITE_OK;
}

static int
lease_check_reserved_lock (sqlite3_file *file,
                           int          *reserved)
{
  LeaseFile *self = (LeaseFile *) file;

  if (self->kind != KIND_DB)
    *reserved = 0;
  else if (self->level > SQLITE_LOCK_SHARED)
    *reserved = 1;
  else if (hd_lease_is_held (self->lease))
    *reserved = 0;  /* ours alone: nobody else can be writing */
  else
    *reserved = hd_lease_is_taken (self->path);
  return SQLITE_OK;
}

static int
lease_file_control (sqlite3_file *file,
                    int           op,
                    void         *arg)
{
  LeaseFile *self = (LeaseFile *) file;

  if (op == HD_LEASE_FCNTL_FILE)
    {
      *(LeaseFile **) arg = self->kind == KIND_DB ? self : NULL;
      return SQLITE_OK;
    }
  return self->real->pMethods->xFileControl (self->real, op, arg);
}

static int
lease_sector_size (sqlite3_file *file)
{
  LeaseFile *self = (LeaseFile *) file;

  return self->real->pMethods->xSectorSize (self->real);
}

static int
lease_device_characteristics (sqlite3_file *file)
{
  LeaseFile *self = (LeaseFile *) file;

  return self->real->pMethods->xDeviceCharacteristics (self->real);
}

/* Version 1: no shared memory, so no WAL, which a share cannot carry. */
static const sqlite3_io_methods lease_io_methods = {
  .iVersion = 1,
  .xClose = lease_close,
  .xRead = lease_read,
  .xWrite = lease_write,
  .xTruncate = lease_truncate,
  .xSync = lease_sync,
  .xFileSize = lease_file_size,
  .xLock = lease_lock,
  .xUnlock = lease_unlock,
  .xCheckReservedLock = lease_check_reserved_lock,
  .xFileControl = lease_file_control,
  .xSectorSize = lease_sector_size,
  .xDeviceCharacteristics = lease_device_characteristics,
};

/* VFS methods */

static int
lease_open (sqlite3_vfs  *vfs,
            const char   *name,
            sqlite3_file *file,
            int           flags,
            int          *out_flags)
{
  LeaseFile *self = (LeaseFile *) file;
  g_autofree char *db_path = NULL;
  int rc;

  memset (self, 0, sizeof *self);
  self->real = (sqlite3_file *) (self + 1);
  self->kind = (flags & SQLITE_OPEN_MAIN_DB) ? KIND_DB
             : (flags & SQLITE_OPEN_MAIN_JOURNAL) ? KIND_JOURNAL : KIND_OTHER;

  if (self->kind == KIND_JOURNAL)
    {
      db_path = db_path_of_journal (name);
      self->db = db_path != NULL ? find_holder (db_path) : NULL;
      /* Making a journal starts writing: the lock must still be ours. */
      if ((flags & SQLITE_OPEN_CREATE) && !fence (self->db, TRUE))
        return SQLITE_CANTOPEN;
    }

  rc = base_vfs (vfs)->xOpen (base_vfs (vfs), name, self->real, flags, out_flags);
  if (rc != SQLITE_OK)
    return rc;

  self->base.pMethods = &lease_io_methods;
  if (self->kind == KIND_DB)
    {
      self->path = g_strdup (name);
      self->lease = hd_lease_new (name);
      g_mutex_lock (&files_mutex);
      if (db_files == NULL)
        db_files = g_ptr_array_new ();
      g_ptr_array_add (db_files, self);
      g_mutex_unlock (&files_mutex);
    }
  return SQLITE_OK;
}

/* Deleting the journal is the commit: the lock must still be ours. */
static int
lease_delete (sqlite3_vfs *vfs,
              const char  *name,
              int          sync_dir)
{
  g_autofree char *db_path = db_path_of_journal (name);

  if (db_path != NULL)
    {
      test_stop_at ("journal-delete");
      if (!fence (find_holder (db_path), TRUE))
        return SQLITE_IOERR_DELETE;
    }
  return base_vfs (vfs)->xDelete (base_vfs (vfs), name, sync_dir);
}

static int
lease_access (sqlite3_vfs *vfs,
              const char  *name,
              int          flags,
              int         *result)
{
  return base_vfs (vfs)->xAccess (base_vfs (vfs), name, flags, result);
}

static int
lease_full_pathname (sqlite3_vfs *vfs,
                     const char  *name,
                     int          size,
                     char        *out)
{
  return base_vfs (vfs)->xFullPathname (base_vfs (vfs), name, size, out);
}

static int
lease_randomness (sqlite3_vfs *vfs,
                  int          size,
                  char        *out)
{
  return base_vfs (vfs)->xRandomness (base_vfs (vfs), size, out);
}

static int
lease_sleep (sqlite3_vfs *vfs,
             int          microseconds)
{
  return base_vfs (vfs)->xSleep (base_vfs (vfs), microseconds);
}

static int
lease_current_time (sqlite3_vfs *vfs,
                    double      *now)
{
  return base_vfs (vfs)->xCurrentTime (base_vfs (vfs), now);
}

static int
lease_get_last_error (sqlite3_vfs *vfs,
                      int          size,
                      char        *out)
{
  return base_vfs (vfs)->xGetLastError (base_vfs (vfs), size, out);
}

static int
lease_current_time_int64 (sqlite3_vfs   *vfs,
                          sqlite3_int64 *now)
{
  return base_vfs (vfs)->xCurrentTimeInt64 (base_vfs (vfs), now);
}

/**
 * hd_lease_vfs_register:
 *
 * Registers the VFS %HD_LEASE_VFS_NAME once (never as the default).
 *
 * Returns: whether it is there
 */
gboolean
hd_lease_vfs_register (void)
{
  static sqlite3_vfs vfs;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      sqlite3_vfs *base = sqlite3_vfs_find ("unix-none");

      if (base != NULL)
        {
          vfs.iVersion = 2;
          vfs.szOsFile = sizeof (LeaseFile) + base->szOsFile;
          vfs.mxPathname = base->mxPathname;
          vfs.zName = HD_LEASE_VFS_NAME;
          vfs.pAppData = base;
          vfs.xOpen = lease_open;
          vfs.xDelete = lease_delete;
          vfs.xAccess = lease_access;
          vfs.xFullPathname = lease_full_pathname;
          vfs.xRandomness = lease_randomness;
          vfs.xSleep = lease_sleep;
          vfs.xCurrentTime = lease_current_time;
          vfs.xGetLastError = lease_get_last_error;
          vfs.xCurrentTimeInt64 = lease_current_time_int64;
          if (sqlite3_vfs_register (&vfs, 0) != SQLITE_OK)
            vfs.zName = NULL;
        }
      g_once_init_leave (&done, 1);
    }

  return vfs.zName != NULL;
}

static LeaseFile *
main_file (sqlite3 *db)
{
  LeaseFile *file = NULL;

  if (sqlite3_file_control (db, "main", HD_LEASE_FCNTL_FILE, &file) != SQLITE_OK)
    return NULL;
  return file;
}

/**
 * hd_lease_vfs_check:
 *
 * Whether @db still holds the lease it read under: after a long read (a
 * backup), nobody can have written meanwhile. %TRUE where @db is not
 * locked with a lease.
 */
gboolean
hd_lease_vfs_check (sqlite3  *db,
                    GError  **error)
{
  LeaseFile *file = main_file (db);

  return file == NULL || !hd_lease_is_held (file->lease) ||
         hd_lease_check (file->lease, TRUE, error);
}

/**
 * hd_lease_vfs_take_refusal:
 *
 * Why the last write or lock of @db's file was refused by its lease, if it
 * was; forgets it.
 *
 * Returns: (transfer full) (nullable): the error
 */
GError *
hd_lease_vfs_take_refusal (sqlite3 *db)
{
  LeaseFile *file = main_file (db);

  return file != NULL ? g_steal_pointer (&file->refusal) : NULL;
}

/**
 * hd_lease_vfs_explain_busy:
 *
 * Returns: (transfer full) (nullable): who holds the lock @db waited for
 *   in vain, and when it is taken over; %NULL when this is not known
 */
char *
hd_lease_vfs_explain_busy (sqlite3 *db,
                           guint    timeout_ms)
{
  LeaseFile *file = main_file (db);

  if (file == NULL || file->watch.holder == NULL)
    return NULL;
  return hd_lease_explain_busy (file->path, &file->watch, timeout_ms);
}
