/* hd-fault-shim.c — an LD_PRELOAD library for the fault suite
 *
 * HD_TEST_CLOCK_SHIFT=SECONDS moves this process's wall clock (and only
 * it: monotonic and boot-time clocks run on), as on a desk whose clock is
 * wrong. HD_TEST_SLOW_WRITE_MS=N with HD_TEST_SLOW_WRITE_SUFFIX=TEXT makes
 * every write to a file whose name ends with TEXT take N ms longer, as on
 * a slow USB stick or share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* Both pwrite() and pwrite64() are defined here, under their own names. */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long
clock_shift (void)
{
  const char *shift = getenv ("HD_TEST_CLOCK_SHIFT");

  return shift != NULL ? atol (shift) : 0;
}

int
clock_gettime (clockid_t        id,
               struct timespec *ts)
{
  static int (*real) (clockid_t, struct timespec *);
  int rc;

  if (real == NULL)
    real = (int (*) (clockid_t, struct timespec *)) dlsym (RTLD_NEXT, "clock_gettime");
  rc = real (id, ts);
  if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
    ts->tv_sec += clock_shift ();
  return rc;
}

int
gettimeofday (struct timeval *tv,
              void           *tz)
{
  static int (*real) (struct timeval *, void *);
  int rc;

  if (real == NULL)
    real = (int (*) (struct timeval *, void *)) dlsym (RTLD_NEXT, "gettimeofday");
  rc = real (tv, tz);
  if (rc == 0)
    tv->tv_sec += clock_shift ();
  return rc;
}

time_t
time (time_t *out)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  if (out != NULL)
    *out = ts.tv_sec;
  return ts.tv_sec;
}

static void
slow_down (int fd)
{
  const char *ms = getenv ("HD_TEST_SLOW_WRITE_MS");
  const char *suffix = getenv ("HD_TEST_SLOW_WRITE_SUFFIX");
  char link[64];
  char name[PATH_MAX];
  ssize_t n;

  if (ms == NULL || suffix == NULL)
    return;
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink (link, name, sizeof name - 1);
  if (n <= 0)
    return;
  name[n] = '\0';
  if ((size_t) n >= strlen (suffix) && strcmp (name + n - strlen (suffix), suffix) == 0)
    usleep ((useconds_t) atol (ms) * 1000);
}

ssize_t
write (int         fd,
       const void *buffer,
       size_t      count)
{
  static ssize_t (*real) (int, const void *, size_t);

  if (real == NULL)
    real = (ssize_t (*) (int, const void *, size_t)) dlsym (RTLD_NEXT, "write");
  slow_down (fd);
  return real (fd, buffer, count);
}

ssize_t
pwrite64 (int         fd,
          const void *buffer,
          size_t      count,
          off64_t     offset)
{
  static ssize_t (*real) (int, const void *, size_t, off64_t);

  if (real == NULL)
    real = (ssize_t (*) (int, const void *, size_t, off64_t)) dlsym (RTLD_NEXT, "pwrite64");
  slow_down (fd);
  return real (fd, buffer, count, offset);
}

ssize_t
pwrite (int         fd,
        const void *buffer,
        size_t      count,
        off_t       offset)
{
  return pwrite64 (fd, buffer, count, offset);
}
