/* hd-lease.h — the dot-file lock of a shared helpdesk file, held as a lease
 *
 * A helpdesk file on a share may be opened by several desks whose POSIX
 * locks do not meet. Those files are locked with a lock folder beside the
 * file, FILE.lock, which every desk of any share sees: whoever holds it may
 * read and write the file, everybody else waits. A desk can stop while it
 * holds it — a crash, a closed laptop lid, a share that hangs, a debugger —
 * so others must be able to take the lock over; and the desk that stopped
 * must then never write again under the lock it lost, or it would write its
 * pages into a file that the new holder is changing. That is a lease with
 * fencing:
 *
 * - The lock folder holds one entry, TOKEN.COUNTER: a random 128-bit token
 *   chosen for this hold and a counter. The entry's contents say who holds
 *   it (host, boot id, process), for messages and for the same-machine
 *   check below. A lock is taken by renaming such a folder, prepared under
 *   a private name (FILE.lock.new-TOKEN), to FILE.lock: the rename fails
 *   while another lock is there, so the lock appears whole, entry
 *   included, or not at all. Releasing moves the entry back into a new
 *   private folder under the next counter, ready for the next hold, and
 *   removes FILE.lock; a prepared folder unused for half a second is
 *   removed. So a lock taken and released costs four operations on the
 *   share, and no two holds ever show the same entry.
 *
 * - The holder renews the lease every HD_LEASE_RENEW_DIVISOR-th of the
 *   lease time, from a thread of its own that does not depend on SQL
 *   running: it renames TOKEN.N to TOKEN.N+1. The rename succeeds only if
 *   TOKEN.N is still there, so a holder whose lock was taken over learns it
 *   at its next renewal, and never touches the new holder's lock.
 *
 * - Another desk declares the lock abandoned only after it has seen the
 *   same entry for the whole lease time on its own monotonic clock
 *   (CLOCK_BOOTTIME). No file time is ever compared with a wall clock, so
 *   desks and a file server whose clocks disagree by any amount lock
 *   correctly. Observations are shared by the processes of one machine (in
 *   $XDG_RUNTIME_DIR), so a short helpdesk-cli run may take over a lock that
 *   another process of the same machine has watched go stale. It then
 *   removes exactly the entry it watched, by renaming TOKEN.N away: if the
 *   holder renewed meanwhile, that rename fails and nothing is taken.
 *
 * - The holder refuses to write once its own last successful renewal is
 *   older than HD_LEASE_FENCE_DIVISOR-th of the lease, measured with
 *   CLOCK_BOOTTIME so that a suspended laptop counts its sleep. The SQLite
 *   VFS (hd-lease-vfs.c) checks that before every write to the file and to
 *   its journal, and checks that the entry is still its own (by path)
 *   before the journal is made, before the first page of a commit is
 *   written and before the journal is deleted. A lock is released only by
 *   its owner: releasing moves TOKEN.N out, and removes the folder only
 *   if that succeeded.
 *
 * - On the same machine, a lock whose owner process is gone (same boot id
 *   and pid namespace, no such process or another process with its pid) is
 *   free at once.
 *
 * What is left: a desk that stops for longer than two thirds of the lease
 * exactly between a check and the write it guards (a window of a few
 * microseconds in this process) would still write once when it resumes;
 * and a share client that caches writes (NFS without the "sync" mount
 * option) may send pages handed to it before a stop to the server later.
 * Linux flushes such pages within 30 s by default, the lease time; mount
 * shares with "sync" (NFS) or "cache=none" (SMB) to close that too. Desks
 * running a Helpdesk older than this locking see the folder as a plain
 * dot-file lock: they wait for it, but they have the old flaws.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lease: a lock whose entry has not changed this long was abandoned.
 * HELPDESK_LOCK_LEASE (seconds) sets it, for tests; every desk must use the
 * same. */
#define HD_LEASE_DEFAULT_SECONDS 30
/* The holder renews this many times a lease … */
#define HD_LEASE_RENEW_DIVISOR 15
/* … and stops writing once its last renewal is this fraction old. */
#define HD_LEASE_FENCE_DIVISOR 3

typedef struct _HdLease HdLease;

/* What a desk waiting for a lock has seen of it. */
typedef struct {
  char   *entry;   /* the lock's entry, or ":INODE:CTIME" for a folder without one */
  gint64  since;   /* CLOCK_BOOTTIME µs at which it was first seen */
  char   *record;  /* the entry's contents; NULL when unknown */
  char   *holder;  /* who holds it, for messages; NULL when unknown */
  gboolean settled; /* held long enough to look up who holds it */
} HdLeaseWatch;

gint64    hd_lease_get_seconds    (void);
gint64    hd_lease_now            (void);

HdLease  *hd_lease_new            (const char    *path);
void      hd_lease_free           (HdLease       *lease);
gboolean  hd_lease_try_take       (HdLease       *lease,
                                   const char    *path,
                                   HdLeaseWatch  *watch,
                                   gboolean      *taken,
                                   GError       **error);
HdLease  *hd_lease_take           (const char    *path,
                                   guint          timeout_ms,
                                   GError       **error);
gboolean  hd_lease_is_held        (HdLease       *lease);
gboolean  hd_lease_check          (HdLease       *lease,
                                   gboolean       owned,
                                   GError       **error);
gboolean  hd_lease_is_lost        (HdLease       *lease);
void      hd_lease_release        (HdLease       *lease);
gboolean  hd_lease_is_taken       (const char    *path);
void      hd_lease_sweep          (const char    *path);
char     *hd_lease_explain_busy   (const char    *path,
                                   HdLeaseWatch  *watch,
                                   guint          timeout_ms);
void      hd_lease_watch_clear    (HdLeaseWatch  *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdLease, hd_lease_free)

G_END_DECLS
