/* hd-lease.c — the dot-file lock of a shared helpdesk file, held as a lease
 *
 * The design, and what it leaves open, is in hd-lease.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* CLOCK_BOOTTIME, O_CLOEXEC, st_ctim under -std=c17 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hd-error.h"
#include "hd-lease.h"

#define TOKEN_CHARS 32

struct _HdLease
{
  char   *lock_dir;      /* FILE.lock */
  char   *private_dir;   /* FILE.lock.new-TOKEN: the next hold, prepared */
  char   *token;         /* this lease's for its whole life; the counter tells holds apart */
  guint64 counter;       /* guarded by leases_mutex while held, as are the two below */
  gint64  renewed;       /* CLOCK_BOOTTIME µs before the last renewal that succeeded */
  gboolean lost;         /* a renewal found the entry gone: taken over */
  gboolean held;
  gboolean prepared;     /* private_dir holds TOKEN.COUNTER */
  gint64  prepared_at;   /* CLOCK_BOOTTIME µs; an unused one is removed after a period */
};

/* Every lease this process holds, renewed by one thread. */
static GMutex     leases_mutex;
static GCond      leases_cond;
static GPtrArray *leases_held;
static GPtrArray *leases_prepared;  /* likewise; their folders are removed when unused */

/* Clocks and settings */

gint64
hd_lease_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_BOOTTIME, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

gint64
hd_lease_get_seconds (void)
{
  static gint64 seconds;

  if (g_once_init_enter (&seconds))
    {
      const char *env = g_getenv ("HELPDESK_LOCK_LEASE");
      guint64 value = HD_LEASE_DEFAULT_SECONDS;

      if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 1, 3600, &value, NULL))
        value = HD_LEASE_DEFAULT_SECONDS;
      g_once_init_leave (&seconds, (gint64) value);
    }

  return seconds;
}

static gint64
lease_usec (void)
{
  return hd_lease_get_seconds () * G_USEC_PER_SEC;
}

/* Who we are, for the entry and for recognising our own machine */

static char *
read_first_line (const char *path)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return g_strstrip (g_strdup (text));
}

static const char *
boot_id (void)
{
  static char *id;

  if (g_once_init_enter (&id))
    g_once_init_leave (&id, read_first_line ("/proc/sys/kernel/random/boot_id"));
  return id;
}

/* Pids mean the same only within one pid namespace: each Flatpak instance
 * has its own. */
static char *
pid_namespace_of (const char *pid)
{
  g_autofree char *link = g_strdup_printf ("/proc/%s/ns/pid", pid);
  char *target = g_file_read_link (link, NULL);

  return target != NULL ? target : g_strdup ("");
}

static const char *
pid_namespace (void)
{
  static char *ns;

  if (g_once_init_enter (&ns))
    g_once_init_leave (&ns, pid_namespace_of ("self"));
  return ns;
}

/* The start time of process @pid (field 22 of /proc/PID/stat), which tells
 * a process apart from a later one that got the same pid. */
static char *
process_start (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &stat, NULL, NULL) ||
      (after_name = strrchr (stat, ')')) == NULL)
    return NULL;

  fields = g_strsplit (after_name + 2, " ", 21);
  return g_strv_length (fields) >= 21 ? g_strdup (fields[19]) : NULL;
}

static char *
new_token (void)
{
  GString *token = g_string_sized_new (TOKEN_CHARS);

  for (guint i = 0; i < TOKEN_CHARS / 8; i++)
    g_string_append_printf (token, "%08x", g_random_int ());
  return g_string_free (token, FALSE);
}

static char *
owner_record (void)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *start = process_start (pid);

  return g_strdup_printf ("host=%s\nuser=%s\nboot=%s\npidns=%s\npid=%s\nstart=%s\n",
                          g_get_host_name (), g_get_user_name (), boot_id (),
                          pid_namespace (), pid, start != NULL ? start : "");
}

/* An entry's contents are written by whichever desk took the lock, or by
 * anyone who can write the folder: read at most a page, never block on a
 * FIFO, and keep only valid text. */
#define RECORD_MAX 4096

static char *
read_record (const char *path)
{
  char buffer[RECORD_MAX];
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, 0);
  ssize_t n;
  GStatBuf st;

  if (fd < 0)
    return NULL;
  n = fstat (fd, &st) == 0 && S_ISREG (st.st_mode) ? read (fd, buffer, sizeof buffer) : -1;
  close (fd);
  return n >= 0 ? g_utf8_make_valid (buffer, n) : NULL;
}

/* Entries */

static char *
entry_name (const char *token,
            guint64     counter)
{
  return g_strdup_printf ("%s.%" G_GUINT64_FORMAT, token, counter);
}

static gboolean
is_entry_name (const char *name)
{
  guint i;

  for (i = 0; i < TOKEN_CHARS; i++)
    if (!g_ascii_isxdigit (name[i]))
      return FALSE;
  if (name[i++] != '.' || name[i] == '\0')
    return FALSE;
  for (; name[i] != '\0'; i++)
    if (!g_ascii_isdigit (name[i]))
      return FALSE;
  return TRUE;
}

/* What the lock folder @lock_dir holds: its entry's name; for a folder
 * without one (a plain dot-file lock of an older Helpdesk, or what is left
 * of a lock taken over), ":INODE:CTIME", which changes whenever such a
 * folder is made anew. FALSE, errno set, when the folder cannot be read
 * (ENOENT: there is no lock). */
static gboolean
read_entry (const char  *lock_dir,
            char       **entry)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  GStatBuf st;

  dir = g_dir_open (lock_dir, 0, &error);
  if (dir == NULL)
    {
      errno = g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? ENOENT : EIO;
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_entry_name (name))
      {
        *entry = g_strdup (name);
        return TRUE;
      }

  if (g_stat (lock_dir, &st) != 0)
    return FALSE;
  *entry = g_strdup_printf (":%" G_GUINT64_FORMAT ":%" G_GINT64_FORMAT ".%ld",
                            (guint64) st.st_ino, (gint64) st.st_ctim.tv_sec,
                            st.st_ctim.tv_nsec);
  return TRUE;
}

static char *
record_value (const char *record,
              const char *key)
{
  g_auto(GStrv) lines = g_strsplit (record, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], key) && lines[i][strlen (key)] == '=')
      return g_strdup (lines[i] + strlen (key) + 1);
  return NULL;
}

/* Whether the process that wrote @record is known to be gone: it ran on
 * this machine since its last boot, in our pid namespace, and there is no
 * such process any more (or another one with its pid). */
static gboolean
owner_is_gone (const char *record)
{
  g_autofree char *boot = record_value (record, "boot");
  g_autofree char *ns = record_value (record, "pidns");
  g_autofree char *pid = record_value (record, "pid");
  g_autofree char *start = record_value (record, "start");
  g_autofree char *running_start = NULL;
  guint64 number;

  if (boot == NULL || ns == NULL || pid == NULL || start == NULL ||
      boot[0] == '\0' || ns[0] == '\0' ||
      g_strcmp0 (boot, boot_id ()) != 0 || g_strcmp0 (ns, pid_namespace ()) != 0 ||
      !g_ascii_string_to_unsigned (pid, 10, 1, G_MAXINT, &number, NULL))
    return FALSE;

  if (kill ((pid_t) number, 0) != 0 && errno == ESRCH)
    return TRUE;

  running_start = process_start (pid);
  return running_start != NULL && start[0] != '\0' && g_strcmp0 (running_start, start) != 0;
}

static char *
describe_holder (const char *record)
{
  g_autofree char *user = record_value (record, "user");
  g_autofree char *host = record_value (record, "host");

  if (user == NULL || host == NULL)
    return NULL;
  /* TRANSLATORS: who holds a helpdesk file's lock: "alice on desk-3" */
  return g_strdup_printf (_("%s on %s"), user, host);
}

/* Observations shared by the processes of this machine */

static char *
shared_watch_path (const char *lock_dir)
{
  g_autofree char *canonical = g_canonicalize_filename (lock_dir, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, canonical, -1);

  hash[16] = '\0';
  return g_build_filename (g_get_user_runtime_dir (), "helpdesk", "locks", hash, NULL);
}

/* When another process of this machine first saw @entry, or -1. Boot
 * time is one clock for the whole machine, so its moments are ours. */
static gint64
shared_watch_since (const char *lock_dir,
                    const char *entry)
{
  g_autofree char *path = shared_watch_path (lock_dir);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 since;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  lines = g_strsplit (text, "\n", 4);
  if (g_strv_length (lines) < 3 || g_strcmp0 (lines[0], entry) != 0 ||
      g_strcmp0 (lines[2], boot_id ()) != 0 ||
      !g_ascii_string_to_signed (lines[1], 10, 0, G_MAXINT64, &since, NULL))
    return -1;
  return since;
}

static void
shared_watch_save (const char *lock_dir,
                   const char *entry,
                   gint64      since)
{
  g_autofree char *path = shared_watch_path (lock_dir);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = g_strdup_printf ("%s\n%" G_GINT64_FORMAT "\n%s\n", entry, since,
                                           boot_id ());

  if (g_mkdir_with_parents (dir, 0700) == 0)
    g_file_set_contents (path, text, -1, NULL);
}

/* Most locks are held for milliseconds: who holds one is looked up, and
 * the watch shared with this machine's other processes, only once it has
 * been held this long. */
#define SETTLE_USEC (100 * 1000)

/* Records that @entry is what the lock holds now. */
static void
watch_see (HdLeaseWatch *watch,
           const char   *lock_dir,
           const char   *entry)
{
  g_autofree char *record_path = NULL;
  gint64 shared;

  if (watch->entry == NULL || strcmp (watch->entry, entry) != 0)
    {
      g_free (watch->entry);
      watch->entry = g_strdup (entry);
      watch->since = hd_lease_now ();
      watch->settled = FALSE;
      g_clear_pointer (&watch->holder, g_free);
      g_clear_pointer (&watch->record, g_free);
    }

  if (watch->settled || hd_lease_now () - watch->since < SETTLE_USEC)
    return;

  watch->settled = TRUE;
  shared = shared_watch_since (lock_dir, entry);
  if (shared >= 0 && shared < watch->since)
    watch->since = shared;
  else
    shared_watch_save (lock_dir, entry, watch->since);

  record_path = g_build_filename (lock_dir, entry, NULL);
  if (entry[0] != ':' && (watch->record = read_record (record_path)) != NULL)
    watch->holder = describe_holder (watch->record);
}

/* Taking over: removes exactly the entry that was watched. The rename
 * fails if the holder renewed (or released) since. */
static gboolean
take_over (const char *lock_dir,
           const char *entry)
{
  g_autofree char *from = NULL;
  g_autofree char *aside = NULL;

  if (entry[0] == ':')
    return g_rmdir (lock_dir) == 0;

  from = g_build_filename (lock_dir, entry, NULL);
  aside = g_strdup_printf ("%s.stale-%s", lock_dir, entry);
  if (g_rename (from, aside) != 0)
    return FALSE;

  g_unlink (aside);
  g_rmdir (lock_dir);
  g_info ("Took over the lock %s: its holder stopped renewing it", lock_dir);
  return TRUE;
}

/* A lock folder without an entry is what a desk killed while it released
 * or took over a lock leaves; or a plain dot-file lock of an older
 * Helpdesk, which holds it for a moment only. Either is taken over once it
 * stayed so for a renewal period. */
static gboolean
is_abandoned (HdLeaseWatch *watch)
{
  gint64 limit = watch->entry[0] == ':' ? lease_usec () / HD_LEASE_RENEW_DIVISOR : lease_usec ();

  return hd_lease_now () - watch->since >= limit ||
         (watch->record != NULL && owner_is_gone (watch->record));
}

/* The heartbeat */

static void unprepare (HdLease *lease);

static void
renew (HdLease *lease)
{
  g_autofree char *from = entry_name (lease->token, lease->counter);
  g_autofree char *to = entry_name (lease->token, lease->counter + 1);
  g_autofree char *from_path = g_build_filename (lease->lock_dir, from, NULL);
  g_autofree char *to_path = g_build_filename (lease->lock_dir, to, NULL);
  gint64 before = hd_lease_now ();

  if (lease->lost)
    return;

  if (g_rename (from_path, to_path) == 0)
    {
      lease->counter++;
      lease->renewed = before;
    }
  else if (errno == ENOENT)
    lease->lost = TRUE;
}

/* The thread wakes this often; a prepared hold unused for two ticks goes,
 * so that a desk that only looks leaves little in the shared folder. */
#define TICK_USEC (250 * 1000)

static gpointer
heartbeat_thread (gpointer data)
{
  gint64 period = lease_usec () / HD_LEASE_RENEW_DIVISOR;
  gint64 tick = MIN (period, TICK_USEC);

  g_mutex_lock (&leases_mutex);
  for (;;)
    {
      g_cond_wait_until (&leases_cond, &leases_mutex, g_get_monotonic_time () + tick);
      for (guint i = 0; i < leases_held->len; i++)
        {
          HdLease *lease = g_ptr_array_index (leases_held, i);

          if (hd_lease_now () - lease->renewed >= period - tick / 2)
            renew (lease);
        }
      for (guint i = leases_prepared->len; i > 0; i--)
        {
          HdLease *lease = g_ptr_array_index (leases_prepared, i - 1);

          if (hd_lease_now () - lease->prepared_at >= 2 * tick)
            unprepare (lease);
        }
    }
  g_mutex_unlock (&leases_mutex);
  return NULL;
}

/* Called with leases_mutex held. */
static void
hold (HdLease *lease)
{
  lease->held = TRUE;
  lease->lost = FALSE;
  g_ptr_array_add (leases_held, lease);
}

/* Taking and releasing
 *
 * A lease prepares its next hold beside the lock, in FILE.lock.new-TOKEN
 * holding TOKEN.COUNTER, and takes the lock by renaming that folder to
 * FILE.lock. Releasing moves the entry back into a new private folder,
 * under the next counter, and removes FILE.lock: a lock taken and
 * released is four operations on the share. */

static gboolean
write_new_file (const char *path,
                const char *text)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  gssize len = strlen (text);
  int saved_errno;

  if (fd < 0)
    return FALSE;
  if (write (fd, text, len) == len && close (fd) == 0)
    return TRUE;

  saved_errno = errno != 0 ? errno : EIO;
  close (fd);
  g_unlink (path);
  errno = saved_errno;
  return FALSE;
}

/* Whether this process's umask keeps others from writing a folder it
 * makes; read once from /proc, which does not change the umask. */
static gboolean
umask_restricts_others (void)
{
  static gsize restricts;

  if (g_once_init_enter (&restricts))
    {
      g_autofree char *status = NULL;
      const char *line;
      guint64 mask = 022;

      if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
          (line = strstr (status, "\nUmask:")) != NULL)
        mask = g_ascii_strtoull (line + strlen ("\nUmask:"), NULL, 8);
      g_once_init_leave (&restricts, (mask & 022) != 0 ? 2 : 1);
    }
  return restricts == 2;
}

/* Called with leases_mutex held. */
static void
set_prepared (HdLease  *lease,
              gboolean  prepared)
{
  if (lease->prepared == prepared)
    return;

  lease->prepared = prepared;
  lease->prepared_at = hd_lease_now ();
  if (prepared)
    g_ptr_array_add (leases_prepared, lease);
  else
    g_ptr_array_remove_fast (leases_prepared, lease);
}

/* Every desk must be able to take over the lock of any other, so the lock
 * folder is writable by all. */
static gboolean
make_private_dir (HdLease *lease)
{
  if (g_mkdir (lease->private_dir, 0777) != 0)
    return FALSE;
  if (umask_restricts_others ())
    g_chmod (lease->private_dir, 0777);
  return TRUE;
}

static gboolean
prepare (HdLease *lease)
{
  g_autofree char *name = entry_name (lease->token, lease->counter);
  g_autofree char *entry = g_build_filename (lease->private_dir, name, NULL);
  g_autofree char *record = owner_record ();
  int saved_errno;

  if (lease->prepared)
    return TRUE;
  if (!make_private_dir (lease))
    return FALSE;
  if (!write_new_file (entry, record))
    {
      saved_errno = errno;
      g_rmdir (lease->private_dir);
      errno = saved_errno;
      return FALSE;
    }

  set_prepared (lease, TRUE);
  return TRUE;
}

/* Removes the prepared hold. */
static void
unprepare (HdLease *lease)
{
  g_autofree char *name = entry_name (lease->token, lease->counter);
  g_autofree char *entry = g_build_filename (lease->private_dir, name, NULL);

  if (!lease->prepared)
    return;
  g_unlink (entry);
  g_rmdir (lease->private_dir);
  set_prepared (lease, FALSE);
}

/* Renames the prepared folder to FILE.lock. FALSE with errno EEXIST when a
 * lock is there. Called with leases_mutex held, so that the heartbeat does
 * not remove the folder meanwhile. */
static gboolean
install_locked (HdLease *lease)
{
  gint64 before;
  int renamed;

  if (!prepare (lease))
    return FALSE;

  before = hd_lease_now ();
  renamed = g_rename (lease->private_dir, lease->lock_dir);
  if (renamed != 0 && errno == ENOENT)
    {
      /* The prepared folder is gone (a share mounted anew): once more. */
      set_prepared (lease, FALSE);
      if (!prepare (lease))
        return FALSE;
      before = hd_lease_now ();
      renamed = g_rename (lease->private_dir, lease->lock_dir);
    }
  if (renamed != 0)
    {
      /* Still wanted: not unused while this desk waits for the lock. */
      lease->prepared_at = hd_lease_now ();
      if (errno == ENOTEMPTY)
        errno = EEXIST;
      return FALSE;
    }

  set_prepared (lease, FALSE);
  lease->renewed = before;
  hold (lease);
  return TRUE;
}

static gboolean
install (HdLease *lease)
{
  gboolean installed;
  int saved_errno;

  g_mutex_lock (&leases_mutex);
  installed = install_locked (lease);
  saved_errno = errno;
  g_mutex_unlock (&leases_mutex);
  errno = saved_errno;
  return installed;
}

/**
 * hd_lease_new:
 * @path: the helpdesk file
 *
 * A lease on @path's dot-file lock, not taken yet: hd_lease_try_take().
 * Free it with hd_lease_free().
 */
HdLease *
hd_lease_new (const char *path)
{
  static gsize started;
  HdLease *lease = g_new0 (HdLease, 1);

  if (g_once_init_enter (&started))
    {
      leases_held = g_ptr_array_new ();
      leases_prepared = g_ptr_array_new ();
      g_thread_unref (g_thread_new ("hd-lease", heartbeat_thread, NULL));
      g_once_init_leave (&started, 1);
    }

  lease->lock_dir = g_strconcat (path, ".lock", NULL);
  lease->token = new_token ();
  lease->private_dir = g_strdup_printf ("%s.new-%s", lease->lock_dir, lease->token);
  return lease;
}

void
hd_lease_free (HdLease *lease)
{
  if (lease == NULL)
    return;

  hd_lease_release (lease);
  g_mutex_lock (&leases_mutex);
  unprepare (lease);
  g_mutex_unlock (&leases_mutex);
  g_free (lease->lock_dir);
  g_free (lease->private_dir);
  g_free (lease->token);
  g_free (lease);
}

gboolean
hd_lease_is_held (HdLease *lease)
{
  gboolean held;

  g_mutex_lock (&leases_mutex);
  held = lease->held;
  g_mutex_unlock (&leases_mutex);
  return held;
}

/* Worded as the store words the same trouble with the file itself. */
static gboolean
set_lock_error (const char  *path,
                int          saved_errno,
                GError     **error)
{
  if (saved_errno == EACCES || saved_errno == EROFS || saved_errno == EPERM)
    g_set_error (error, HD_ERROR, HD_ERROR_READ_ONLY,
                 _("“%s” or its folder cannot be written. Ask for write access to both; nothing was changed."),
                 path);
  else
    g_set_error (error, HD_ERROR, HD_ERROR_FAILED,
                 _("“%s” could not be read or written (%s). Check that the disk or network share is still there."),
                 path, g_strerror (saved_errno));
  return FALSE;
}

/**
 * hd_lease_try_take:
 * @path: the helpdesk file, for messages
 * @watch: what this caller has seen of the lock so far; updated
 * @taken: (out): whether @lease holds the lock now
 *
 * Takes the lock if it is free, or was abandoned as @watch tells. Call it
 * again with the same @watch while waiting.
 *
 * Returns: %FALSE when the lock can be neither taken nor read
 */
gboolean
hd_lease_try_take (HdLease       *lease,
                   const char    *path,
                   HdLeaseWatch  *watch,
                   gboolean      *taken,
                   GError       **error)
{
  *taken = lease->held;
  for (guint attempt = 0; attempt < 4 && !*taken; attempt++)
    {
      g_autofree char *entry = NULL;

      if (!read_entry (lease->lock_dir, &entry))
        {
          if (errno != ENOENT)
            return set_lock_error (path, errno, error);
          *taken = install (lease);
          if (!*taken && errno != EEXIST)
            return set_lock_error (path, errno, error);
          continue;
        }

      watch_see (watch, lease->lock_dir, entry);
      if (!is_abandoned (watch) || !take_over (lease->lock_dir, entry))
        return TRUE;
    }

  if (*taken)
    hd_lease_watch_clear (watch);
  return TRUE;
}

/**
 * hd_lease_take:
 * @timeout_ms: how long to wait for another desk
 *
 * Takes the lock of @path, waiting as SQLite's busy handler would.
 *
 * Returns: (transfer full): the lease, to free with hd_lease_free(), or
 *   %NULL with %HD_ERROR_BUSY
 */
HdLease *
hd_lease_take (const char  *path,
               guint        timeout_ms,
               GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  HdLeaseWatch watch = { 0 };
  HdLease *lease = hd_lease_new (path);
  gboolean taken = FALSE;

  while (hd_lease_try_take (lease, path, &watch, &taken, error) && !taken)
    {
      if (g_get_monotonic_time () >= deadline)
        {
          g_autofree char *message = hd_lease_explain_busy (path, &watch, timeout_ms);

          g_set_error_literal (error, HD_ERROR, HD_ERROR_BUSY, message);
          break;
        }
      g_usleep (20 * 1000);
    }

  hd_lease_watch_clear (&watch);
  if (!taken)
    g_clear_pointer (&lease, hd_lease_free);
  return lease;
}

/**
 * hd_lease_check:
 * @owned: also check, on the share, that the lock is still ours
 *
 * Whether the holder may still write: its lease was renewed recently
 * enough that no other desk can have taken it over.
 */
gboolean
hd_lease_check (HdLease   *lease,
                gboolean   owned,
                GError   **error)
{
  g_autofree char *name = NULL;
  g_autofree char *entry = NULL;
  gint64 age;
  gboolean ok;

  g_mutex_lock (&leases_mutex);
  age = hd_lease_now () - lease->renewed;
  ok = !lease->lost && age < lease_usec () / HD_LEASE_FENCE_DIVISOR;
  if (ok && owned)
    {
      name = entry_name (lease->token, lease->counter);
      entry = g_build_filename (lease->lock_dir, name, NULL);
      ok = g_access (entry, F_OK) == 0;
      lease->lost = !ok && errno == ENOENT;
    }
  g_mutex_unlock (&leases_mutex);

  if (!ok)
    g_set_error (error, HD_ERROR, HD_ERROR_BUSY,
                 _("This desk lost its lock on the helpdesk file: it was stopped or cut off from the file for %.0f s, and another desk may have taken the lock over. Nothing was saved; try again."),
                 (double) age / G_USEC_PER_SEC);
  return ok;
}

gboolean
hd_lease_is_lost (HdLease *lease)
{
  gboolean lost;

  g_mutex_lock (&leases_mutex);
  lost = lease->lost;
  g_mutex_unlock (&leases_mutex);
  return lost;
}

/**
 * hd_lease_release:
 *
 * Lets go of the lock, if @lease holds it. A lease that was taken over
 * only forgets it: the lock there now is another desk's. The entry is
 * moved out of FILE.lock, not deleted in place: a share deletes a file
 * that a waiting desk has open by renaming it inside its folder
 * (.nfsXXXX, .fuse_hiddenXXXX), which would keep FILE.lock from being
 * removed. It moves into the next hold's private folder, under the next
 * counter.
 */
void
hd_lease_release (HdLease *lease)
{
  g_autofree char *name = NULL;
  g_autofree char *next = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *prepared = NULL;

  g_mutex_lock (&leases_mutex);
  if (!lease->held)
    {
      g_mutex_unlock (&leases_mutex);
      return;
    }

  g_ptr_array_remove_fast (leases_held, lease);
  lease->held = FALSE;
  name = entry_name (lease->token, lease->counter);
  next = entry_name (lease->token, lease->counter + 1);
  entry = g_build_filename (lease->lock_dir, name, NULL);
  prepared = g_build_filename (lease->private_dir, next, NULL);
  if (!lease->lost && make_private_dir (lease))
    {
      if (g_rename (entry, prepared) == 0)
        {
          set_prepared (lease, TRUE);
          g_rmdir (lease->lock_dir);
        }
      else
        g_rmdir (lease->private_dir);
    }
  /* Never the same entry name for two holds: a desk that watched this one
   * must not take the next for it. */
  lease->counter++;
  g_mutex_unlock (&leases_mutex);
}

/**
 * hd_lease_sweep:
 * @path: a helpdesk file locked with dot-files
 *
 * Removes what desks that stopped at the wrong moment left beside the
 * file: entries moved out of a lock that was taken over (FILE.lock.stale-*)
 * and locks being prepared by a process of this machine that is gone
 * (FILE.lock.new-*). Another machine's half-prepared lock is left alone:
 * nothing tells whether its process still runs.
 */
void
hd_lease_sweep (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *stale = g_strconcat (base, ".lock.stale-", NULL);
  g_autofree char *new = g_strconcat (base, ".lock.new-", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *litter = g_build_filename (folder, name, NULL);
      g_autofree char *entry = NULL;
      g_autofree char *entry_path = NULL;
      g_autofree char *record = NULL;

      if (g_str_has_prefix (name, stale) && is_entry_name (name + strlen (stale)))
        g_unlink (litter);
      if (!g_str_has_prefix (name, new) || !read_entry (litter, &entry) || entry[0] == ':')
        continue;
      entry_path = g_build_filename (litter, entry, NULL);
      record = read_record (entry_path);
      if (record != NULL && owner_is_gone (record) &&
          g_unlink (entry_path) == 0)
        g_rmdir (litter);
    }
}

/* Whether anybody holds the lock of @path. */
gboolean
hd_lease_is_taken (const char *path)
{
  g_autofree char *lock_dir = g_strconcat (path, ".lock", NULL);

  return g_file_test (lock_dir, G_FILE_TEST_EXISTS);
}

/* The message for a desk that waited @timeout_ms in vain. */
char *
hd_lease_explain_busy (const char   *path,
                       HdLeaseWatch *watch,
                       guint         timeout_ms)
{
  gint64 unchanged = watch->entry != NULL ? (hd_lease_now () - watch->since) / G_USEC_PER_SEC : 0;

  if (watch->holder == NULL)
    return g_strdup_printf (_("“%s” is busy: another program held it longer than the wait limit (%.1f s). Try again in a moment; nothing was changed."),
                            path, timeout_ms / 1000.0);

  return g_strdup_printf (_("“%s” is in use by %s. This desk waited %.1f s; nothing was changed. If that desk has stopped, its lock is taken over once it has not been renewed for %d s (for %d s now)."),
                          path, watch->holder, timeout_ms / 1000.0,
                          (int) hd_lease_get_seconds (), (int) unchanged);
}

void
hd_lease_watch_clear (HdLeaseWatch *watch)
{
  g_clear_pointer (&watch->entry, g_free);
  g_clear_pointer (&watch->holder, g_free);
  g_clear_pointer (&watch->record, g_free);
  watch->since = 0;
  watch->settled = FALSE;
}
