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
  char   *token;
  guint64 counter;       /* guarded by leases_mutex, as are the two below */
  gint64  renewed;       /* CLOCK_BOOTTIME µs before the last renewal that succeeded */
  gboolean lost;         /* a renewal found the entry gone: taken over */
};

/* Every lease this process holds, renewed by one thread. */
static GMutex     leases_mutex;
static GCond      leases_cond;
static GPtrArray *leases_held;

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
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *since = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");

  return g_strdup_printf ("host=%s\nuser=%s\nboot=%s\npidns=%s\npid=%s\nstart=%s\nsince=%s\n",
                          g_get_host_name (), g_get_user_name (), boot_id (),
                          pid_namespace (), pid, start != NULL ? start : "", since);
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
  g_autofree char *since = record_value (record, "since");

  if (user == NULL || host == NULL || since == NULL)
    return NULL;
  /* TRANSLATORS: who holds a helpdesk file's lock: "alice on desk-3 since 2026-12-07 14:02:11" */
  return g_strdup_printf (_("%s on %s since %s"), user, host, since);
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

/* Records that @entry is what the lock holds now. */
static void
watch_see (HdLeaseWatch *watch,
           const char   *lock_dir,
           const char   *entry)
{
  g_autofree char *record_path = NULL;
  gint64 shared;

  if (watch->entry != NULL && strcmp (watch->entry, entry) == 0)
    return;

  g_free (watch->entry);
  watch->entry = g_strdup (entry);
  watch->since = hd_lease_now ();
  shared = shared_watch_since (lock_dir, entry);
  if (shared >= 0 && shared < watch->since)
    watch->since = shared;
  else
    shared_watch_save (lock_dir, entry, watch->since);

  g_clear_pointer (&watch->holder, g_free);
  g_clear_pointer (&watch->record, g_free);
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

static gboolean
is_abandoned (HdLeaseWatch *watch)
{
  return hd_lease_now () - watch->since >= lease_usec () ||
         (watch->record != NULL && owner_is_gone (watch->record));
}

/* The heartbeat */

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

static gpointer
heartbeat_thread (gpointer data)
{
  gint64 period = lease_usec () / HD_LEASE_RENEW_DIVISOR;

  g_mutex_lock (&leases_mutex);
  for (;;)
    {
      g_cond_wait_until (&leases_cond, &leases_mutex, g_get_monotonic_time () + period);
      for (guint i = 0; i < leases_held->len; i++)
        renew (g_ptr_array_index (leases_held, i));
    }
  g_mutex_unlock (&leases_mutex);
  return NULL;
}

static void
hold (HdLease *lease)
{
  static gsize started;

  if (g_once_init_enter (&started))
    {
      leases_held = g_ptr_array_new ();
      g_thread_unref (g_thread_new ("hd-lease", heartbeat_thread, NULL));
      g_once_init_leave (&started, 1);
    }

  g_mutex_lock (&leases_mutex);
  g_ptr_array_add (leases_held, lease);
  g_mutex_unlock (&leases_mutex);
}

/* Taking and releasing */

static void
lease_free (HdLease *lease)
{
  g_free (lease->lock_dir);
  g_free (lease->token);
  g_free (lease);
}

static gboolean
write_new_file (const char *path,
                const char *text)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  gssize len = strlen (text);
  int saved_errno;

  if (fd < 0)
    return FALSE;
  fchmod (fd, 0666);
  if (write (fd, text, len) == len && close (fd) == 0)
    return TRUE;

  saved_errno = errno != 0 ? errno : EIO;
  close (fd);
  g_unlink (path);
  errno = saved_errno;
  return FALSE;
}

/* Prepares FILE.lock.new-TOKEN holding TOKEN.0 and renames it to FILE.lock.
 * Returns the lease; NULL with errno EEXIST when a lock is there. */
static HdLease *
install (const char *lock_dir)
{
  g_autofree char *token = new_token ();
  g_autofree char *private = g_strdup_printf ("%s.new-%s", lock_dir, token);
  g_autofree char *name = entry_name (token, 0);
  g_autofree char *entry = g_build_filename (private, name, NULL);
  g_autofree char *record = owner_record ();
  HdLease *lease;
  gint64 before;
  int saved_errno;

  /* Every desk must be able to take over the lock of any other. */
  if (g_mkdir (private, 0777) != 0)
    return NULL;
  g_chmod (private, 0777);
  if (!write_new_file (entry, record))
    {
      saved_errno = errno;
      g_rmdir (private);
      errno = saved_errno;
      return NULL;
    }

  before = hd_lease_now ();
  if (g_rename (private, lock_dir) != 0)
    {
      saved_errno = errno == ENOTEMPTY ? EEXIST : errno;
      g_unlink (entry);
      g_rmdir (private);
      errno = saved_errno;
      return NULL;
    }

  lease = g_new0 (HdLease, 1);
  lease->lock_dir = g_strdup (lock_dir);
  lease->token = g_steal_pointer (&token);
  lease->renewed = before;
  return lease;
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
 * @path: the helpdesk file
 * @watch: what this caller has seen of the lock so far; updated
 * @lease: (out): the lease, or %NULL while another desk holds the lock
 *
 * Takes the lock if it is free, or was abandoned as @watch tells. Call it
 * again with the same @watch while waiting.
 *
 * Returns: %FALSE when the lock can be neither taken nor read
 */
gboolean
hd_lease_try_take (const char    *path,
                   HdLeaseWatch  *watch,
                   HdLease      **lease,
                   GError       **error)
{
  g_autofree char *lock_dir = g_strconcat (path, ".lock", NULL);

  *lease = NULL;
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      g_autofree char *entry = NULL;

      if (!read_entry (lock_dir, &entry))
        {
          if (errno != ENOENT)
            return set_lock_error (path, errno, error);
          *lease = install (lock_dir);
          if (*lease != NULL)
            {
              hold (*lease);
              hd_lease_watch_clear (watch);
              return TRUE;
            }
          if (errno != EEXIST)
            return set_lock_error (path, errno, error);
          continue;
        }

      watch_see (watch, lock_dir, entry);
      if (!is_abandoned (watch) || !take_over (lock_dir, entry))
        return TRUE;
    }

  return TRUE;
}

/**
 * hd_lease_take:
 * @timeout_ms: how long to wait for another desk
 *
 * Takes the lock of @path, waiting as SQLite's busy handler would.
 *
 * Returns: (transfer full): the lease, or %NULL with %HD_ERROR_BUSY
 */
HdLease *
hd_lease_take (const char  *path,
               guint        timeout_ms,
               GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  HdLeaseWatch watch = { 0 };
  HdLease *lease = NULL;

  while (hd_lease_try_take (path, &watch, &lease, error) && lease == NULL)
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
 * Releases and frees @lease. A lease that was taken over is only freed:
 * the lock there now is another desk's.
 */
void
hd_lease_release (HdLease *lease)
{
  g_autofree char *name = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *aside = NULL;

  if (lease == NULL)
    return;

  g_mutex_lock (&leases_mutex);
  g_ptr_array_remove_fast (leases_held, lease);
  name = entry_name (lease->token, lease->counter);
  entry = g_build_filename (lease->lock_dir, name, NULL);
  aside = g_strdup_printf ("%s.stale-%s", lease->lock_dir, name);
  /* Moved out, not deleted in place: a share deletes a file that a waiting
   * desk has open by renaming it inside the folder (.nfsXXXX,
   * .fuse_hiddenXXXX), which would keep the folder from being removed. */
  if (!lease->lost && g_rename (entry, aside) == 0)
    {
      g_rmdir (lease->lock_dir);
      g_unlink (aside);
    }
  g_mutex_unlock (&leases_mutex);

  lease_free (lease);
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
}
