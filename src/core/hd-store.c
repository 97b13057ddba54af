/* hd-store.c — opening, creating and guarding a helpdesk file
 *
 * The rules for a file that several desktops may open at once (see
 * DESIGN.md): rollback journal, never WAL; synchronous=FULL; every write one
 * BEGIN IMMEDIATE … COMMIT; nothing held open while a person types; and a
 * file we refuse is left exactly as we found it, so nothing is written
 * before the file is known to be ours and not newer than us.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _DEFAULT_SOURCE /* st_mtim under -std=c17 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd-enum-types.h"
#include "hd-lease.h"
#include "hd-schema.h"
#include "hd-store-async.h"
#include "hd-store-private.h"

/* What FILE.locking looked like when it was read: a write compares it with
 * a stat of the record and reads the record again only when it differs. */
typedef struct {
  gboolean exists;
  dev_t    dev;
  ino_t    ino;
  gint64   mtime_ns;
  gint64   size;
} RecordStamp;

struct _HdStore
{
  GObject   parent_instance;

  /* owned */
  GMutex    job_mutex;  /* held by hd_store_run_async() jobs */
  GMutex    me_mutex;   /* guards me, which jobs refresh */
  sqlite3  *db;
  char     *path;
  char     *login;
  char     *name;
  HdPerson *me;
  gint64    tx_now;
  gint64    fake_now;      /* tests: the time of every transaction */
  char       *calendar_text; /* the last calendar read, and its text */
  HdCalendar *calendar;
  dev_t     dev;           /* the file the connection opened */
  ino_t     ino;
  HdLocking locking;
  RecordStamp record;      /* FILE.locking when it said @locking */
  gboolean  locking_unsafe; /* POSIX locks where they may not reach other desks */
  guint     busy_timeout;
  gint64    busy_since;    /* when the current wait for a lock began */
  int       schema_version;
  gboolean  read_only;
  HdVerified verified;     /* what this desk's record said at open */
  guint64   open_damage_seq; /* hd_store_damage_seq() then */
  HdFileStamp open_stamp;  /* the file's fingerprint then */
};

G_DEFINE_FINAL_TYPE (HdStore, hd_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_LOGIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers for statements */

const char *
hd_column_text (sqlite3_stmt *stmt,
                int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

void
hd_bind_text_or_null (sqlite3_stmt *stmt,
                      int           index,
                      const char   *text)
{
  if (text == NULL || text[0] == '\0')
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/* The time of the current write transaction: every row one change writes
 * carries the same moment, so a ticket's updated_at is its last event's.
 * Outside one, the clock (or the tests' time). */
gint64
hd_store_now (HdStore *self)
{
  if (self->tx_now != 0)
    return self->tx_now;
  return self->fake_now != 0 ? self->fake_now : g_get_real_time ();
}

sqlite3 *
hd_store_get_db (HdStore *self)
{
  return self->db;
}

/* Errors */

static gboolean
set_io_error (HdStore  *self,
              int       sys_errno,
              GError  **error)
{
  switch (sys_errno)
    {
    case ENOSPC:
    case EDQUOT:
      g_set_error (error, HD_ERROR, HD_ERROR_DISK_FULL,
                   _("The disk that holds “%s” is full. Free some space and try again; nothing was changed."),
                   self->path);
      return FALSE;
    case EROFS:
    case EACCES:
    case EPERM:
      g_set_error (error, HD_ERROR, HD_ERROR_READ_ONLY,
                   _("“%s” or its folder cannot be written. Ask for write access to both; nothing was changed."),
                   self->path);
      return FALSE;
    default:
      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("“%s” could not be read or written (%s). Check that the disk or network share is still there."),
                   self->path, g_strerror (sys_errno));
      return FALSE;
    }
}

/* The path no longer leads to the file the connection has open. */
static gboolean
set_gone_error (HdStore  *self,
                GError  **error)
{
  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
               _("“%s” is no longer there: it was moved or deleted, or the disk or network share that held it is gone. Nothing was saved; open the helpdesk again where it is now."),
               self->path);
  return FALSE;
}

/* SQLite met a damaged page on this connection: the file is damaged for
 * every store of it, and for whoever watches it. A damaged full-text
 * index is not (helpdesk-cli reindex rebuilds it), nor is a row that a
 * query expected and did not find: only what SQLite itself reported. */
static void
note_damage_seen (HdStore *self)
{
  int code = self->db != NULL ? sqlite3_extended_errcode (self->db) : SQLITE_OK;

  if ((code & 0xff) == SQLITE_CORRUPT && code != SQLITE_CORRUPT_VTAB)
    hd_store_note_damage (self, sqlite3_errmsg (self->db));
}

/* Turns an SQLite result code on this connection into a HdError. Always
 * returns FALSE so callers can `return hd_store_set_error_from_db (…)`. */
gboolean
hd_store_set_error_from_db (HdStore *self,
                            int      rc,
                            GError **error)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  int sys_errno = self->db != NULL ? sqlite3_system_errno (self->db) : 0;
  GError *refusal = self->db != NULL ? hd_lease_vfs_take_refusal (self->db) : NULL;
  g_autofree char *busy = NULL;

  /* The lease refused a write or a lock: say why, not "disk error". */
  if (refusal != NULL && rc != SQLITE_OK)
    {
      g_propagate_error (error, refusal);
      return FALSE;
    }
  g_clear_error (&refusal);

  /* SQLite's own check, before it writes the journal, of what
   * check_still_there() checks at BEGIN: not a matter of permissions. */
  if (rc == SQLITE_READONLY_DBMOVED)
    return set_gone_error (self, error);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      busy = self->db != NULL ? hd_lease_vfs_explain_busy (self->db, self->busy_timeout) : NULL;
      if (busy != NULL)
        {
          g_set_error_literal (error, HD_ERROR, HD_ERROR_BUSY, busy);
          return FALSE;
        }
      g_set_error (error, HD_ERROR, HD_ERROR_BUSY,
                   _("“%s” is busy: another program held it longer than the wait limit (%.1f s). Try again in a moment; nothing was changed."),
                   self->path, self->busy_timeout / 1000.0);
      return FALSE;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, HD_ERROR, HD_ERROR_READ_ONLY,
                   _("“%s” or its folder cannot be written. Ask for write access to both; nothing was changed."),
                   self->path);
      return FALSE;
    case SQLITE_FULL:
      return set_io_error (self, ENOSPC, error);
    case SQLITE_NOTADB:
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK,
                   _("“%s” is not a helpdesk file."), self->path);
      return FALSE;
    case SQLITE_CORRUPT:
      g_set_error (error, HD_ERROR, HD_ERROR_CORRUPT,
                   _("“%s” is damaged (%s). Restore it from a backup."), self->path, detail);
      note_damage_seen (self);
      return FALSE;
    case SQLITE_CONSTRAINT:
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("The change was refused by the file’s rules (%s)."), detail);
      return FALSE;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      if (sys_errno == ENOENT && (rc & 0xff) == SQLITE_CANTOPEN)
        {
          g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                       _("“%s” does not exist."), self->path);
          return FALSE;
        }
      return set_io_error (self, sys_errno != 0 ? sys_errno : EIO, error);
    default:
      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("“%s” could not be used: %s."), self->path, detail);
      return FALSE;
    }
}

/* Statements and transactions */

sqlite3_stmt *
hd_store_prepare (HdStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  return stmt;
}

gboolean
hd_store_step_done (HdStore      *self,
                    sqlite3_stmt *stmt,
                    GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

static gboolean
exec (HdStore     *self,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

/* SQLite goes on using the inode it opened after the file was deleted,
 * moved or replaced, or its share unmounted. Its own check, when it opens
 * the journal, compares inode numbers only (not the device: a share
 * mounted anew, another disk), fails as if the file were read-only
 * (SQLITE_READONLY_DBMOVED), and is not made at all where the journal
 * cannot be created first. So, holding the write lock and before anything
 * is written, check that the path still leads to the file the connection
 * has open, and say plainly what happened. */
static gboolean
check_still_there (HdStore  *self,
                   GError  **error)
{
  GStatBuf st;
  int saved_errno;

  if (g_stat (self->path, &st) != 0)
    {
      saved_errno = errno;
      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        return set_gone_error (self, error);
      return set_io_error (self, saved_errno, error);
    }

  if (st.st_dev != self->dev || st.st_ino != self->ino)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                   _("“%s” was replaced by another file after it was opened. Nothing was saved; open it again to work with the file that is there now."),
                   self->path);
      return FALSE;
    }

  return TRUE;
}

/**
 * hd_store_is_still_there:
 *
 * Whether the path still leads to the file this store has open. After the
 * file was deleted, replaced or its share mounted anew, every write is
 * refused: open the path again to go on.
 *
 * Returns: %FALSE, with @error saying what happened, if it does not
 */
gboolean
hd_store_is_still_there (HdStore  *self,
                         GError  **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  return check_still_there (self, error);
}

/* The locking method
 *
 * Every desk must lock the file the way FILE.locking says, or desks do not
 * see each other's locks. Two things can break that: the file was made
 * with POSIX locks on a local disk and then copied, record and all, to a
 * share whose POSIX locks may not reach the other computers; or the
 * dispatcher switched the method (hd_store_set_locking()) while this
 * store had the file open with the old one. The first is known at open
 * and every write is refused; the second is found by the write itself. */


static void
stamp_record (HdStore     *self,
              RecordStamp *stamp)
{
  g_autofree char *record = hd_store_locking_path (self->path);
  struct stat st;

  memset (stamp, 0, sizeof *stamp);
  if (stat (record, &st) != 0)
    return;

  stamp->exists = TRUE;
  stamp->dev = st.st_dev;
  stamp->ino = st.st_ino;
  stamp->mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
                    st.st_mtim.tv_nsec;
  stamp->size = st.st_size;
}

static gboolean
stamps_equal (const RecordStamp *a,
              const RecordStamp *b)
{
  return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
         a->mtime_ns == b->mtime_ns && a->size == b->size;
}

static gboolean
set_wrong_locking_error (HdStore  *self,
                         GError  **error)
{
  g_set_error (error, HD_ERROR, HD_ERROR_WRONG_LOCKING,
               _("“%s” is locked with POSIX locks, which may not reach the other computers that use it where it is now, so two desks could overwrite each other’s work. Nothing was changed. Switch it to dot-file locking with “helpdesk-cli location --set-locking dotfile” (the dispatcher, while no other desk is writing), then open it again."),
               self->path);
  return FALSE;
}

/* A stat of the record per write; read again only when it changed. The
 * stamp is taken before the record is read: a change in between is read
 * again by the next write, never missed. */
static gboolean
check_locking_current (HdStore  *self,
                       GError  **error)
{
  RecordStamp now;
  HdLocking recorded;

  stamp_record (self, &now);
  if (stamps_equal (&now, &self->record))
    return TRUE;

  if (!hd_store_read_locking_record (self->path, &recorded, NULL, error))
    return FALSE;

  if (recorded != self->locking)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_LOCKING_CHANGED,
                   _("The way “%s” is locked was changed to “%s” after it was opened here, so this desk no longer sees the other desks’ locks. Nothing was saved; open the file again to go on."),
                   self->path, hd_locking_to_string (recorded));
      return FALSE;
    }

  self->record = now;
  return TRUE;
}

/**
 * hd_store_is_locking_current:
 *
 * Whether FILE.locking still says the method this store locks the file
 * with. After the dispatcher switched it, every write is refused with
 * %HD_ERROR_LOCKING_CHANGED: open the path again to go on.
 *
 * Returns: %FALSE, with @error saying what happened, if it does not
 */
gboolean
hd_store_is_locking_current (HdStore  *self,
                             GError  **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  return check_locking_current (self, error);
}

/* For writes that do not go through hd_store_begin_write() (a restore's
 * page copy): the same refusals, checked before the copy takes its lock. */
gboolean
hd_store_check_locking (HdStore  *self,
                        GError  **error)
{
  if (self->locking_unsafe)
    return set_wrong_locking_error (self, error);

  return check_locking_current (self, error);
}

/**
 * hd_store_is_locking_unsafe:
 *
 * Whether the file is locked with POSIX locks where they may not reach the
 * other desks (hd_location_recommended_locking() says dot-files): then
 * every write is refused with %HD_ERROR_WRONG_LOCKING, and reading works.
 */
gboolean
hd_store_is_locking_unsafe (HdStore *self)
{
  g_return_val_if_fail (HD_IS_STORE (self), FALSE);
  return self->locking_unsafe;
}

/* Where the file lives, looked at once per open. A location that cannot
 * be told is taken as it is recorded: detection reads only our own
 * mountinfo and statfs, which fail only without /proc and a reachable
 * folder, and then the open itself fails next. */
static void
detect_unsafe_locking (HdStore *self)
{
  HdLocationKind kind;

  self->locking_unsafe = self->locking == HD_LOCKING_POSIX &&
                         hd_location_detect_kind (self->path, &kind, NULL) &&
                         hd_location_recommended_locking (kind) != HD_LOCKING_POSIX;
}

/* A new file is not made with a method that every write would refuse. */
static gboolean
check_locking_fits (HdStore  *self,
                    GError  **error)
{
  detect_unsafe_locking (self);
  if (!self->locking_unsafe)
    return TRUE;

  g_set_error (error, HD_ERROR, HD_ERROR_WRONG_LOCKING,
               _("“%s” cannot be locked with POSIX locks where it would live: they may not reach the other computers that use it. Create it with dot-file locking (“--locking dotfile”, or leave the choice to Helpdesk); nothing was created."),
               self->path);
  return FALSE;
}

/* What this process found of the file, while it had it open or of it as
 * it was when opened. */
static char *
find_damage (HdStore *self)
{
  return hd_store_damage_lookup (self->dev, self->ino, self->open_damage_seq, &self->open_stamp);
}

/* A file found damaged, here or by this desk's last check of it as it
 * was when opened, takes no change: it would build on pages that are
 * gone. */
static gboolean
check_not_damaged (HdStore  *self,
                   GError  **error)
{
  g_autofree char *damage = find_damage (self);
  g_autofree char *message = NULL;

  if (damage == NULL)
    return TRUE;

  message = hd_store_damage_message (self->path, damage);
  g_set_error_literal (error, HD_ERROR, HD_ERROR_CORRUPT, message);
  return FALSE;
}

/* IMMEDIATE takes the write lock up front, through the busy handler. A plain
 * BEGIN that later upgrades fails with SQLITE_BUSY at once instead. */
gboolean
hd_store_begin_write (HdStore  *self,
                      GError  **error)
{
  if (self->read_only)
    return hd_store_set_error_from_db (self, SQLITE_READONLY, error);

  if (self->locking_unsafe)
    return set_wrong_locking_error (self, error);

  if (!check_not_damaged (self, error))
    return FALSE;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Under the lock, which a switch of the method holds while it writes
   * the record: a method changed before now is seen now. */
  if (!check_still_there (self, error) ||
      !check_locking_current (self, error))
    {
      hd_store_rollback (self);
      return FALSE;
    }

  self->tx_now = self->fake_now != 0 ? self->fake_now : g_get_real_time ();
  return TRUE;
}

/* The calendar @text describes, parsed once for as long as the file
 * holds the same text: a calendar reads its zone's offsets on first use. */
HdCalendar *
hd_store_calendar_from_text (HdStore     *self,
                             const char  *text,
                             GError     **error)
{
  HdCalendar *calendar;

  if (self->calendar != NULL && g_strcmp0 (self->calendar_text, text) == 0)
    return hd_calendar_ref (self->calendar);

  calendar = hd_calendar_new_from_string (text, error);
  if (calendar == NULL)
    return NULL;

  g_free (self->calendar_text);
  self->calendar_text = g_strdup (text);
  g_clear_pointer (&self->calendar, hd_calendar_unref);
  self->calendar = hd_calendar_ref (calendar);
  return calendar;
}

void
hd_store_set_time_for_testing (HdStore *self,
                               gint64   now)
{
  self->fake_now = now;
}

/* A COMMIT that fails (readers kept the lock past the timeout, disk full)
 * leaves the transaction open; roll it back so nothing is half-written and
 * the lock is released. */
gboolean
hd_store_commit (HdStore  *self,
                 GError  **error)
{
  int rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      hd_store_set_error_from_db (self, rc, error);
      hd_store_rollback (self);
      return FALSE;
    }

  self->tx_now = 0;
  return TRUE;
}

void
hd_store_rollback (HdStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->tx_now = 0;
}

gboolean
hd_store_log_change (HdStore     *self,
                     const char  *table,
                     gint64       row,
                     const char  *kind,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self,
                           "INSERT INTO change_log (at, tbl, row_id, actor_id, kind)"
                           " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, hd_store_now (self));
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, row);
  if (self->me != NULL && hd_person_get_id (self->me) > 0)
    sqlite3_bind_int64 (stmt, 4, hd_person_get_id (self->me));
  sqlite3_bind_text (stmt, 5, kind, -1, SQLITE_STATIC);

  return hd_store_step_done (self, stmt, error);
}

static gboolean
query_int (HdStore     *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = hd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Identity */

/* HELPDESK_LOGIN stands in for the OS login, for tests and administration.
 * It is no security boundary: the file's permissions are. */
const char *
hd_store_current_login (void)
{
  const char *login = g_getenv ("HELPDESK_LOGIN");

  if (login != NULL && login[0] != '\0')
    return login;

  return g_get_user_name ();
}

char *
hd_store_default_path (void)
{
  const char *env = g_getenv ("HELPDESK_DB");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "helpdesk", "helpdesk.db", NULL);
}

/* The OS's full name belongs to the OS login; someone acting under another
 * login (HELPDESK_LOGIN) is known by that login until renamed. */
static const char *
display_name_for (const char *login)
{
  const char *real = g_get_real_name ();

  if (g_strcmp0 (login, g_get_user_name ()) == 0 &&
      real != NULL && real[0] != '\0' && g_strcmp0 (real, "Unknown") != 0 &&
      g_utf8_validate (real, -1, NULL))
    return real;

  return login;
}

static void
set_me (HdStore  *self,
        HdPerson *me)
{
  g_mutex_lock (&self->me_mutex);
  g_set_object (&self->me, me);
  g_mutex_unlock (&self->me_mutex);
}

static HdPerson *
load_person (HdStore     *self,
             const char  *login,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT " HD_PERSON_COLUMNS " FROM people p WHERE p.login = ?",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return hd_person_new_from_row (stmt);
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }

  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
               _("Nobody with the login “%s” is known to this helpdesk."), login);
  return NULL;
}

/* Inside a write transaction: the acting person as the file knows them now
 * (a dispatcher may have changed their role since the file was opened),
 * recorded as a requester when the file has not met them yet. */
static HdPerson *
register_me_locked (HdStore     *self,
                    HdRole       role,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  HdPerson *me;

  me = load_person (self, self->login, &local_error);
  if (me != NULL || !g_error_matches (local_error, HD_ERROR, HD_ERROR_NOT_FOUND))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return me;
    }

  stmt = hd_store_prepare (self,
                           "INSERT INTO people (login, name, role, tier, created_at)"
                           " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, self->login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, display_name_for (self->login), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, hd_enum_to_nick (HD_TYPE_ROLE, role), -1, SQLITE_STATIC);
  if (role != HD_ROLE_REQUESTER)
    sqlite3_bind_int (stmt, 4, HD_TIER_MIN);
  sqlite3_bind_int64 (stmt, 5, hd_store_now (self));
  if (!hd_store_step_done (self, stmt, error))
    return NULL;

  me = load_person (self, self->login, error);
  if (me != NULL)
    {
      set_me (self, me);
      if (!hd_store_log_change (self, "people", hd_person_get_id (me), "created", error))
        g_clear_object (&me);
    }

  return me;
}

/* Opening */

static gboolean
apply_pragmas (HdStore  *self,
               GError  **error)
{
  /* journal_mode is only set when it differs: setting it writes the file,
   * and a read-only file in DELETE mode must still open. */
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean is_delete = FALSE;
  int rc;

  if (!exec (self, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", error))
    return FALSE;

  stmt = hd_store_prepare (self, "PRAGMA journal_mode", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);
  is_delete = g_ascii_strcasecmp (hd_column_text (stmt, 0), "delete") == 0;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!is_delete && !self->read_only && !self->locking_unsafe)
    return exec (self, "PRAGMA journal_mode = DELETE", error);

  return TRUE;
}

/* What a migration needs beyond its SQL, in its transaction: version 4
 * records this machine's calendar as the helpdesk's (the first desktop to
 * upgrade a file decides its zone) and computes every open ticket's due
 * time, so an upgraded file is complete when the upgrade commits. */
static gboolean
migrate_with_code (HdStore  *self,
                   int       to,
                   GError  **error)
{
  if (to == 4)
    return hd_store_sla_set_up_locked (self, error);

  return TRUE;
}

static gboolean
migrate (HdStore  *self,
         GError  **error)
{
  while (self->schema_version < HD_SCHEMA_VERSION)
    {
      gint64 version = 0;
      g_autofree char *bump = NULL;

      if (!hd_store_begin_write (self, error))
        return FALSE;

      /* Another desktop may have migrated while we waited for the lock. */
      if (!query_int (self, "PRAGMA user_version", &version, error))
        goto fail;
      if (version >= HD_SCHEMA_VERSION)
        {
          self->schema_version = version;
          hd_store_rollback (self);
          break;
        }

      bump = g_strdup_printf ("PRAGMA user_version = %d", (int) version + 1);
      if (!exec (self, hd_schema_migration (version + 1), error) ||
          !migrate_with_code (self, version + 1, error) ||
          !exec (self, bump, error) ||
          !hd_store_commit (self, error))
        goto fail;

      self->schema_version = version + 1;
    }

  return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

static gboolean
load_settings (HdStore  *self,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT value FROM settings WHERE key = 'name'", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    self->name = g_strdup (hd_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  return TRUE;
}

static gboolean
load_me (HdStore  *self,
         GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  HdPerson *me;

  me = load_person (self, self->login, &local_error);
  if (me != NULL)
    {
      set_me (self, me);
      g_object_unref (me);
      return TRUE;
    }
  if (!g_error_matches (local_error, HD_ERROR, HD_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Somebody new: a requester, recorded on their first change. */
  self->me = hd_person_new_unregistered (self->login, display_name_for (self->login));
  return TRUE;
}

/* Locking
 *
 * With dot-file locking (HD_LOCKING_DOTFILE) the file is opened through
 * the VFS of hd-lease-vfs.c: its lock is a lease with fencing, taken over
 * from a desk that stopped and never written to by one that lost it (see
 * hd-lease.h). Both methods wait for the lock with SQLite's busy timeout. */

char *
hd_store_locking_path (const char *path)
{
  return g_strconcat (path, ".locking", NULL);
}

/**
 * hd_store_read_locking_record:
 * @recorded: (out) (optional): whether there was a record
 *
 * Reads FILE.locking beside @path; a file without one was made before
 * locking methods were recorded, on a local disk: POSIX.
 */
gboolean
hd_store_read_locking_record (const char  *path,
                              HdLocking   *locking,
                              gboolean    *recorded,
                              GError     **error)
{
  g_autofree char *record = hd_store_locking_path (path);
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  *locking = HD_LOCKING_POSIX;
  if (recorded != NULL)
    *recorded = FALSE;

  if (!g_file_get_contents (record, &text, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("The locking record “%s” cannot be read: %s"), record,
                   local_error->message);
      return FALSE;
    }

  if (!hd_locking_from_string (text, locking))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_CORRUPT,
                   _("The locking record “%s” must say “posix” or “dotfile”. Restore it; every desk must lock the file the same way."),
                   record);
      return FALSE;
    }

  if (recorded != NULL)
    *recorded = TRUE;
  return TRUE;
}

static gboolean
write_locking (HdStore  *self,
               GError  **error)
{
  g_autofree char *record = hd_store_locking_path (self->path);
  g_autofree char *text = g_strconcat (hd_locking_to_string (self->locking), "\n", NULL);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents (record, text, -1, &local_error))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                   _("The locking record “%s” cannot be written: %s"), record,
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Waiting for a lock that another connection holds. SQLite's own busy
 * timeout sleeps 1, 2, 5, 10 … ms between tries: a commit that finds
 * another desk in the middle of a read, which lasts well under a
 * millisecond, sleeps a millisecond or more, the reader then sleeps past
 * the commit, and two busy processes make each other wait several
 * milliseconds per change. These tries start 50 µs apart and back off to
 * 25 ms, until busy_timeout has passed since the first. */
#define BUSY_FIRST_SLEEP_US 50
#define BUSY_LONGEST_SLEEP_US 25000

static int
busy_cb (void *data,
         int   tries)
{
  HdStore *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 left, sleep;

  if (tries == 0)
    self->busy_since = now;
  left = self->busy_since + (gint64) self->busy_timeout * 1000 - now;
  if (left <= 0)
    return 0;

  sleep = MIN ((gint64) BUSY_FIRST_SLEEP_US << MIN (tries, 10), BUSY_LONGEST_SLEEP_US);
  g_usleep (MIN (sleep, left));
  return 1;
}

static gboolean
open_connection (HdStore  *self,
                 int       flags,
                 GError  **error)
{
  const char *vfs = NULL;
  GStatBuf st;
  int rc;

  if (self->locking == HD_LOCKING_DOTFILE)
    {
      if (!hd_lease_vfs_register ())
        {
          g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                       _("“%s” is locked with dot-files, which this system’s SQLite cannot do."),
                       self->path);
          return FALSE;
        }
      vfs = HD_LEASE_VFS_NAME;
    }

  rc = sqlite3_open_v2 (self->path, &self->db, flags, vfs);

  if (rc != SQLITE_OK)
    {
      hd_store_set_error_from_db (self, rc, error);
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }

  /* SQLite has opened the file by now, creating it if asked: this is the
   * file every write must still find at the path (check_still_there()). */
  if (g_stat (self->path, &st) != 0)
    {
      set_io_error (self, errno, error);
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }
  self->dev = st.st_dev;
  self->ino = st.st_ino;
  /* Damage this process finds of it from now on is its own: this store
   * keeps the inode from being reused (find_damage()). */
  self->open_damage_seq = hd_store_damage_seq ();

  sqlite3_extended_result_codes (self->db, TRUE);
  if (!hd_store_add_query_functions (self->db))
    {
      hd_store_set_error_from_db (self, sqlite3_errcode (self->db), error);
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }
  sqlite3_busy_handler (self->db, busy_cb, self);
  return TRUE;
}

static gboolean
file_is_writable (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  /* The rollback journal is a file created beside the database. */
  return g_access (path, W_OK) == 0 && g_access (dir, W_OK) == 0;
}

static gboolean
refuse_not_helpdesk (HdStore  *self,
                     GError  **error)
{
  g_set_error (error, HD_ERROR, HD_ERROR_NOT_HELPDESK,
               _("“%s” is not a helpdesk file; it was left as it was. Check that it is the file you meant."),
               self->path);
  return FALSE;
}

static gboolean
refuse_newer (HdStore  *self,
              gint64    version,
              GError  **error)
{
  g_set_error (error, HD_ERROR, HD_ERROR_NEWER_VERSION,
               _("“%s” was made by a newer version of Helpdesk (file version %d, this program knows %d). Update Helpdesk to open it; the file was not changed."),
               self->path, (int) version, HD_SCHEMA_VERSION);
  return FALSE;
}

/* Before SQLite opens the file: its first read rolls back a hot journal
 * left beside the file by a writer that was killed, and that writes the
 * file. For a file of ours that is crash recovery and must happen; another
 * program's file, or a newer Helpdesk's, is left exactly as it is, journal
 * and all. It is judged by its header as it is on disk, which may be the
 * half-committed one of the writer that was killed: whatever the journal
 * holds, that writer's program is the one to roll it back. A file with no
 * SQLite header at all (a torn first page, or no database) is left to
 * SQLite, which recovers the one and refuses the other. */
static gboolean
identify_on_disk (HdStore  *self,
                  GError  **error)
{
  gint64 version = 0;

  switch (hd_store_read_header (self->path, &version))
    {
    case HD_HEADER_OTHER:
      return refuse_not_helpdesk (self, error);
    case HD_HEADER_HELPDESK:
      return version <= HD_SCHEMA_VERSION || refuse_newer (self, version, error);
    case HD_HEADER_NONE:
    default:
      return TRUE;
    }
}

/* Reads only: whether the file is ours and not too new for us, as SQLite
 * reads it (another desk may have changed it since identify_on_disk()). */
static gboolean
identify (HdStore  *self,
          GError  **error)
{
  gint64 app_id = 0;
  gint64 version = 0;

  if (!query_int (self, "PRAGMA application_id", &app_id, error) ||
      !query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;

  if (app_id != HD_APPLICATION_ID)
    return refuse_not_helpdesk (self, error);

  if (version > HD_SCHEMA_VERSION)
    return refuse_newer (self, version, error);

  self->schema_version = version;
  return TRUE;
}

/* Reads the whole file: about 0.3 s per 100 000 tickets on a local disk. */
gboolean
hd_store_quick_check (HdStore  *self,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  stmt = hd_store_prepare (self, "PRAGMA quick_check(1)", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  if (g_strcmp0 (hd_column_text (stmt, 0), "ok") != 0)
    {
      /* SQLite's report spans lines; errors are one line. */
      g_autofree char *detail = g_strdup (hd_column_text (stmt, 0));

      g_strdelimit (detail, "\r\n", ' ');
      g_set_error (error, HD_ERROR, HD_ERROR_CORRUPT,
                   _("“%s” is damaged (%s). Nothing was changed; restore it from a backup."),
                   self->path, detail);
      return FALSE;
    }

  return TRUE;
}

/* The stamp first: a record changed while it is read is read again by
 * the first write (check_locking_current()). */
static gboolean
read_locking (HdStore  *self,
              GError  **error)
{
  stamp_record (self, &self->record);
  return hd_store_read_locking_record (self->path, &self->locking, NULL, error);
}

/* This desk's record of its last check: a file found damaged as it is
 * now refuses changes at once, without reading it again. */
static void
look_up_verified (HdStore *self)
{
  g_autofree char *damage = NULL;

  self->verified = hd_store_lookup_verified (self->path, self->ino, &self->open_stamp, &damage);
  if (self->verified == HD_VERIFIED_DAMAGED)
    hd_store_remember_damage (self, damage);
}

/* An older file is upgraded when it is opened, which writes it. */
static gboolean
check_upgradable (HdStore           *self,
                  HdStoreOpenFlags   flags,
                  GError           **error)
{
  if (self->schema_version >= HD_SCHEMA_VERSION)
    return TRUE;

  if (self->read_only)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_READ_ONLY,
                   _("“%s” needs upgrading to this version of Helpdesk but cannot be written. Ask for write access to it and its folder."),
                   self->path);
      return FALSE;
    }

  if (self->locking_unsafe && !(flags & HD_STORE_OPEN_KEEP_VERSION))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_WRONG_LOCKING,
                   _("“%s” needs upgrading to this version of Helpdesk, but it is locked with POSIX locks, which may not reach the other computers that use it where it is now; nothing was changed. Switch it to dot-file locking first with “helpdesk-cli location --set-locking dotfile” (the dispatcher), then open it again."),
                   self->path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
open_existing (HdStore           *self,
               HdStoreOpenFlags   flags,
               GError           **error)
{
  GStatBuf st;

  if (g_stat (self->path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND,
                     _("There is no helpdesk file at “%s”. Create one with “helpdesk-cli init”."),
                     self->path);
      else
        set_io_error (self, saved_errno, error);
      return FALSE;
    }

  if (!S_ISREG (st.st_mode) || st.st_size == 0)
    return refuse_not_helpdesk (self, error);

  if (!identify_on_disk (self, error))
    return FALSE;

  self->read_only = !file_is_writable (self->path);

  if (!read_locking (self, error))
    return FALSE;
  if (self->locking == HD_LOCKING_DOTFILE && !self->read_only)
    hd_lease_sweep (self->path);
  if (!open_connection (self, self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
                        error) ||
      !identify (self, error))
    return FALSE;
  detect_unsafe_locking (self);
  look_up_verified (self);

  if ((flags & HD_STORE_OPEN_VERIFY) && !hd_store_quick_check (self, error))
    return FALSE;

  if (!check_upgradable (self, flags, error))
    return FALSE;

  /* A file that may not be written stays as old as it is. */
  return apply_pragmas (self, error) &&
         (self->locking_unsafe || migrate (self, error)) &&
         load_settings (self, error) &&
         load_me (self, error);
}

static gboolean
create_new (HdStore     *self,
            const char  *helpdesk_name,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *app_id = g_strdup_printf ("PRAGMA application_id = %d", HD_APPLICATION_ID);
  g_autofree char *version = g_strdup_printf ("PRAGMA user_version = %d", HD_SCHEMA_VERSION);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdPerson) me = NULL;

  if (g_mkdir_with_parents (dir, 0750) != 0)
    return set_io_error (self, errno, error);

  /* The record comes first: whoever opens the new file locks it our way. */
  if (!write_locking (self, error) ||
      !read_locking (self, error) ||
      !open_connection (self, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error) ||
      !apply_pragmas (self, error))
    return FALSE;

  /* One transaction: a new file is either complete or empty. */
  if (!hd_store_begin_write (self, error))
    return FALSE;

  if (!exec (self, app_id, error) ||
      !exec (self, hd_schema_migration (1), error))
    goto fail;
  for (int v = 2; v <= HD_SCHEMA_VERSION; v++)
    if (!exec (self, hd_schema_migration (v), error) ||
        !migrate_with_code (self, v, error))
      goto fail;
  if (!exec (self, version, error))
    goto fail;

  stmt = hd_store_prepare (self, "INSERT INTO settings (key, value) VALUES ('name', ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, helpdesk_name, -1, SQLITE_TRANSIENT);
  if (!hd_store_step_done (self, stmt, error))
    goto fail;

  /* Whoever creates the helpdesk is its dispatcher. */
  me = register_me_locked (self, HD_ROLE_DISPATCHER, error);
  if (me == NULL || !hd_store_commit (self, error))
    goto fail;

  self->schema_version = HD_SCHEMA_VERSION;
  self->name = g_strdup (helpdesk_name);
  return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/* GObject */

static void
hd_store_finalize (GObject *object)
{
  HdStore *self = (HdStore *) object;

  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_object (&self->me);
  g_mutex_clear (&self->job_mutex);
  g_mutex_clear (&self->me_mutex);
  g_free (self->path);
  g_free (self->login);
  g_free (self->name);
  g_free (self->calendar_text);
  g_clear_pointer (&self->calendar, hd_calendar_unref);

  G_OBJECT_CLASS (hd_store_parent_class)->finalize (object);
}

static void
hd_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  HdStore *self = HD_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_LOGIN: g_value_set_string (value, self->login); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  HdStore *self = HD_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH: self->path = g_value_dup_string (value); break;
    case PROP_LOGIN: self->login = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_store_class_init (HdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hd_store_finalize;
  object_class->get_property = hd_store_get_property;
  object_class->set_property = hd_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGIN] =
    g_param_spec_string ("login", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hd_store_init (HdStore *self)
{
  const char *env = g_getenv ("HELPDESK_BUSY_TIMEOUT");
  guint64 timeout = HD_STORE_DEFAULT_BUSY_TIMEOUT_MS;

  if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 0, G_MAXINT, &timeout, NULL))
    timeout = HD_STORE_DEFAULT_BUSY_TIMEOUT_MS;

  self->busy_timeout = timeout;
  g_mutex_init (&self->job_mutex);
  g_mutex_init (&self->me_mutex);
}

/* Public API */

static HdStore *
store_new (const char  *path,
           const char  *login,
           GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (login == NULL)
    login = hd_store_current_login ();

  if (!hd_validate_login (login, error))
    return NULL;

  return g_object_new (HD_TYPE_STORE, "path", path, "login", login, NULL);
}

/**
 * hd_store_open:
 * @path: the helpdesk file
 * @login: (nullable): who is acting; %NULL for hd_store_current_login()
 *
 * Opens an existing helpdesk file, upgrading its schema when it is older,
 * and rolling back a change that a killed writer left unfinished. A file
 * that is refused (not a helpdesk file, newer, damaged) is not written
 * to: another program's file or a newer Helpdesk's is refused by its
 * header before SQLite could roll back a journal left beside it. A file
 * locked with POSIX locks where they may not reach the other desks opens
 * for reading, and refuses every write with %HD_ERROR_WRONG_LOCKING
 * (hd_store_is_locking_unsafe()).
 */
HdStore *
hd_store_open (const char  *path,
               const char  *login,
               GError     **error)
{
  return hd_store_open_full (path, login, HD_STORE_OPEN_DEFAULT, error);
}

/**
 * hd_store_open_full:
 * @flags: %HD_STORE_OPEN_VERIFY to read the whole file first and refuse it
 *   with %HD_ERROR_CORRUPT, unchanged, when it is damaged
 *
 * Like hd_store_open(). Verify before changing a file that has not been
 * checked lately; plain reads do not need it, SQLite reports damage in the
 * pages it reads.
 */
HdStore *
hd_store_open_full (const char        *path,
                    const char        *login,
                    HdStoreOpenFlags   flags,
                    GError           **error)
{
  g_autoptr(HdStore) self = store_new (path, login, error);

  if (self == NULL || !open_existing (self, flags, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * hd_store_create:
 * @path: where the new file goes; its folder is created when missing
 * @login: (nullable): who creates it, and so becomes its dispatcher
 * @helpdesk_name: the name people see, such as the office's
 *
 * Creates a new helpdesk file. An existing non-empty file is refused with
 * %HD_ERROR_EXISTS and left alone.
 */
HdStore *
hd_store_create (const char  *path,
                 const char  *login,
                 const char  *helpdesk_name,
                 GError     **error)
{
  g_autoptr(HdLocation) location = hd_location_detect (path, NULL);
  HdLocking locking = location != NULL ? hd_location_recommended_locking (location->kind)
                                       : HD_LOCKING_DOTFILE;

  return hd_store_create_full (path, login, helpdesk_name, locking, error);
}

/**
 * hd_store_create_full:
 * @locking: how every client will lock the file; recorded beside it as
 *   FILE.locking. POSIX locks where they may not reach the other desks
 *   (hd_location_recommended_locking()) are refused with
 *   %HD_ERROR_WRONG_LOCKING, and nothing is created.
 *
 * Like hd_store_create(), which picks the locking method from where the
 * file lives (hd_location_detect()).
 */
HdStore *
hd_store_create_full (const char  *path,
                      const char  *login,
                      const char  *helpdesk_name,
                      HdLocking    locking,
                      GError     **error)
{
  g_autoptr(HdStore) self = NULL;
  g_autofree char *name = NULL;
  g_autofree char *record = NULL;
  GStatBuf st;
  gboolean existed;

  g_return_val_if_fail (helpdesk_name != NULL, NULL);

  name = g_strstrip (g_strdup (helpdesk_name));
  if (!hd_validate_line (_("Helpdesk name"), name, HD_MAX_LINE_CHARS, TRUE, error))
    return NULL;

  self = store_new (path, login, error);
  if (self == NULL)
    return NULL;

  existed = g_stat (path, &st) == 0;
  if (existed && (!S_ISREG (st.st_mode) || st.st_size > 0))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_EXISTS,
                   _("“%s” exists already. Open it, or choose another name."), path);
      return NULL;
    }

  self->locking = locking;
  if (!check_locking_fits (self, error) ||
      !create_new (self, name, error))
    {
      g_clear_pointer (&self->db, sqlite3_close);
      if (!existed)
        {
          g_unlink (path);
          record = hd_store_locking_path (path);
          g_unlink (record);
        }
      return NULL;
    }

  return g_steal_pointer (&self);
}

HdLocking
hd_store_get_locking (HdStore *self)
{
  g_return_val_if_fail (HD_IS_STORE (self), HD_LOCKING_POSIX);
  return self->locking;
}

const char *
hd_store_get_path (HdStore *self)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  return self->path;
}

const char *
hd_store_get_name (HdStore *self)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  return self->name != NULL ? self->name : _("Helpdesk");
}

/**
 * hd_store_dup_me:
 *
 * Safe while jobs run on the store.
 *
 * Returns: (transfer full): the acting person, as last read from the file
 */
HdPerson *
hd_store_dup_me (HdStore *self)
{
  HdPerson *me;

  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  g_mutex_lock (&self->me_mutex);
  me = g_object_ref (self->me);
  g_mutex_unlock (&self->me_mutex);
  return me;
}

GMutex *
hd_store_get_job_mutex (HdStore *self)
{
  return &self->job_mutex;
}

/**
 * hd_store_get_me:
 *
 * Only for the thread that uses the store; see hd_store_dup_me().
 *
 * Returns: (transfer none): the acting person, as last read from the file
 */
HdPerson *
hd_store_get_me (HdStore *self)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);
  return self->me;
}

gboolean
hd_store_is_read_only (HdStore *self)
{
  g_return_val_if_fail (HD_IS_STORE (self), TRUE);
  return self->read_only;
}

/**
 * hd_store_can_write:
 *
 * Whether any change can be made here: the file can be written, is
 * locked the way its place needs (hd_store_is_locking_unsafe()), and was
 * not found damaged (hd_store_get_verified()). Reads nothing. Work
 * that only writes on the side (alerts, FTS5's own check) is left out
 * when it cannot.
 */
gboolean
hd_store_can_write (HdStore *self)
{
  g_autofree char *damage = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (self->read_only || self->locking_unsafe)
    return FALSE;
  damage = find_damage (self);
  return damage == NULL;
}

/**
 * hd_store_get_verified:
 * @damage: (out) (optional) (transfer full): what was found, when damaged
 *
 * Whether this desk knows the file to be sound (its last check of it
 * found it so, and it had not changed since when it was opened) or
 * damaged (that check, or any read or write since, found damage). Reads
 * nothing: safe on the thread that draws.
 */
HdVerified
hd_store_get_verified (HdStore  *self,
                       char    **damage)
{
  g_autofree char *found = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), HD_VERIFIED_UNKNOWN);

  found = find_damage (self);
  if (found != NULL)
    {
      if (damage != NULL)
        *damage = g_steal_pointer (&found);
      return HD_VERIFIED_DAMAGED;
    }

  return self->verified == HD_VERIFIED_SOUND ? HD_VERIFIED_SOUND : HD_VERIFIED_UNKNOWN;
}

void
hd_store_get_file_id (HdStore *self,
                      dev_t   *dev,
                      ino_t   *ino)
{
  *dev = self->dev;
  *ino = self->ino;
}

int
hd_store_get_schema_version (HdStore *self)
{
  g_return_val_if_fail (HD_IS_STORE (self), 0);
  return self->schema_version;
}

void
hd_store_set_busy_timeout (HdStore *self,
                           guint    msec)
{
  g_return_if_fail (HD_IS_STORE (self));

  self->busy_timeout = msec;
}

/* Inside a write transaction: the acting person, refused when deactivated. */
HdPerson *
hd_store_lock_me (HdStore  *self,
                  GError  **error)
{
  g_autoptr(HdPerson) me = register_me_locked (self, HD_ROLE_REQUESTER, error);

  if (me == NULL)
    return NULL;

  set_me (self, me);

  if (!hd_person_get_active (me))
    {
      g_set_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED,
                   _("Your account “%s” has been deactivated in this helpdesk. Ask the dispatcher."),
                   hd_person_get_login (me));
      return NULL;
    }

  return g_steal_pointer (&me);
}

HdPerson *
hd_store_lookup_person (HdStore     *self,
                        const char  *login,
                        GError     **error)
{
  return load_person (self, login, error);
}
