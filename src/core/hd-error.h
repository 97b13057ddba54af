/* hd-error.h — the error domain of the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HD_ERROR (hd_error_quark ())

/**
 * HdError:
 * @HD_ERROR_FAILED: an unexpected failure (I/O error, internal error)
 * @HD_ERROR_NOT_FOUND: the file, ticket or person does not exist
 * @HD_ERROR_NOT_HELPDESK: the file is not a helpdesk file
 * @HD_ERROR_NEWER_VERSION: the file was made by a newer Helpdesk
 * @HD_ERROR_READ_ONLY: the file or its folder cannot be written
 * @HD_ERROR_BUSY: another program held the file longer than the busy timeout
 * @HD_ERROR_DISK_FULL: there is no space left where the file lives
 * @HD_ERROR_CORRUPT: the file is damaged
 * @HD_ERROR_CONFLICT: somebody else changed the row since it was read
 * @HD_ERROR_PERMISSION_DENIED: the person's role does not allow the action
 * @HD_ERROR_INVALID_INPUT: a value was refused by validation
 * @HD_ERROR_EXISTS: the thing to create exists already
 * @HD_ERROR_WRONG_LOCKING: the file is recorded to be locked with POSIX locks
 *   where they may not reach the other desks (a network share, FUSE): every
 *   write is refused until it is switched to dot-file locking
 * @HD_ERROR_LOCKING_CHANGED: the file's locking method was changed after it
 *   was opened here: open it again to write
 *
 * Callers act on these codes: the command-line tool maps them to exit codes,
 * the window to the matching message and recovery.
 */
typedef enum {
  HD_ERROR_FAILED,
  HD_ERROR_NOT_FOUND,
  HD_ERROR_NOT_HELPDESK,
  HD_ERROR_NEWER_VERSION,
  HD_ERROR_READ_ONLY,
  HD_ERROR_BUSY,
  HD_ERROR_DISK_FULL,
  HD_ERROR_CORRUPT,
  HD_ERROR_CONFLICT,
  HD_ERROR_PERMISSION_DENIED,
  HD_ERROR_INVALID_INPUT,
  HD_ERROR_EXISTS,
  HD_ERROR_WRONG_LOCKING,
  HD_ERROR_LOCKING_CHANGED,
} HdError;

GQuark   hd_error_quark         (void);
gboolean hd_error_invalid_input (GError     **error,
                                 const char  *format,
                                 ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
