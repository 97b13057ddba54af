/* hd-validate.c
 *
 * Text reaches the file only if it is valid UTF-8 without NUL bytes or
 * control characters (tab and line breaks allowed in long text), and within
 * the limits below. Limits are in characters for lines and in bytes for
 * bodies, which is what the file stores.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* O_CLOEXEC */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd-error.h"
#include "hd-validate.h"

static gboolean
is_control (gunichar c,
            gboolean multiline)
{
  if (multiline && (c == '\n' || c == '\r' || c == '\t'))
    return FALSE;

  return g_unichar_type (c) == G_UNICODE_CONTROL ||
         c == 0x2028 || c == 0x2029; /* line and paragraph separators */
}

static gboolean
check_characters (const char  *field,
                  const char  *text,
                  gboolean     multiline,
                  GError     **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    return hd_error_invalid_input (error, _("%s is not valid UTF-8 text."), field);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (is_control (g_utf8_get_char (p), multiline))
      return hd_error_invalid_input (error,
                                     multiline ? _("%s contains a control character.")
                                               : _("%s must be a single line without control characters."),
                                     field);

  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

/**
 * hd_validate_bytes:
 * @data: bytes read from a file or a pipe, not necessarily NUL-terminated
 *
 * Checks raw input before it is treated as a string: no NUL byte (which
 * would silently cut the text) and valid UTF-8.
 */
gboolean
hd_validate_bytes (const char  *field,
                   const char  *data,
                   gsize        length,
                   GError     **error)
{
  if (memchr (data, '\0', length) != NULL)
    return hd_error_invalid_input (error, _("%s contains a NUL byte; is it a binary file?"), field);

  if (!g_utf8_validate_len (data, length, NULL))
    return hd_error_invalid_input (error, _("%s is not valid UTF-8 text."), field);

  return TRUE;
}

gboolean
hd_validate_line (const char  *field,
                  const char  *text,
                  guint        max_chars,
                  gboolean     required,
                  GError     **error)
{
  if (text == NULL || is_blank (text))
    {
      if (required)
        return hd_error_invalid_input (error, _("%s must not be empty."), field);
      return TRUE;
    }

  if (!check_characters (field, text, FALSE, error))
    return FALSE;

  if (g_utf8_strlen (text, -1) > max_chars)
    return hd_error_invalid_input (error, _("%s is too long: %u characters at most."), field, max_chars);

  return TRUE;
}

gboolean
hd_validate_body (const char  *field,
                  const char  *text,
                  gboolean     required,
                  GError     **error)
{
  if (text == NULL || is_blank (text))
    {
      if (required)
        return hd_error_invalid_input (error, _("%s must not be empty."), field);
      return TRUE;
    }

  if (strlen (text) > HD_MAX_BODY_BYTES)
    return hd_error_invalid_input (error, _("%s is too long: %u KiB at most. Attach large logs as files instead."),
                                   field, HD_MAX_BODY_BYTES / 1024);

  return check_characters (field, text, TRUE, error);
}

/* OS and directory logins: letters, digits and . _ @ - (user@domain). */
gboolean
hd_validate_login (const char  *login,
                   GError     **error)
{
  if (login == NULL || login[0] == '\0')
    return hd_error_invalid_input (error, _("A login must not be empty."));

  if (!g_utf8_validate (login, -1, NULL))
    return hd_error_invalid_input (error, _("A login must be valid UTF-8 text."));

  if (strlen (login) > HD_MAX_LOGIN_CHARS)
    return hd_error_invalid_input (error, _("A login is too long: %d characters at most."),
                                   HD_MAX_LOGIN_CHARS);

  if (login[0] == '-' || login[0] == '.')
    return hd_error_invalid_input (error, _("The login “%s” must not start with “-” or “.”."), login);

  for (const char *p = login; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      {
        g_autofree char *shown = g_strescape (login, NULL);

        return hd_error_invalid_input (error, _("The login “%s” may contain only letters, digits and . _ @ -."),
                                       shown);
      }

  return TRUE;
}

gboolean
hd_validate_email (const char  *email,
                   GError     **error)
{
  const char *at;

  if (email == NULL || email[0] == '\0')
    return TRUE;

  if (!hd_validate_line (_("The email address"), email, HD_MAX_EMAIL_CHARS, FALSE, error))
    return FALSE;

  at = strchr (email, '@');
  if (at == NULL || at == email || at[1] == '\0' || at[1] == '.' ||
      strchr (at + 1, '@') != NULL || strpbrk (email, " \t") != NULL)
    return hd_error_invalid_input (error, _("“%s” is not an email address."), email);

  return TRUE;
}

gboolean
hd_validate_tier (int       tier,
                  GError  **error)
{
  if (tier < 1 || tier > 3)
    return hd_error_invalid_input (error, _("The tier must be 1, 2 or 3, not %d."), tier);

  return TRUE;
}

/* Text from files
 *
 * A file given for a reply or an article is read with a bound: at most
 * @limit + 1 bytes, enough to tell that it is too long, so that /dev/zero
 * or a 10 GB log costs no more than the limit. Only regular files are
 * read: a device never ends, and a FIFO's open waits for a writer that
 * may never come. */

static void *
cannot_read (const char  *shown,
             int          saved_errno,
             GError     **error)
{
  g_set_error (error, HD_ERROR, saved_errno == ENOENT ? HD_ERROR_NOT_FOUND : HD_ERROR_INVALID_INPUT,
               _("Cannot read “%s”: %s."), shown, g_strerror (saved_errno));
  return NULL;
}

/**
 * hd_check_text_file:
 * @shown: the file as the person named it, for the message
 * @mode: its st_mode, from fstat() on the opened file
 *
 * Refuses anything but a regular file, saying what it is instead.
 */
gboolean
hd_check_text_file (const char  *shown,
                    mode_t       mode,
                    GError     **error)
{
  if (S_ISREG (mode))
    return TRUE;
  if (S_ISDIR (mode))
    return hd_error_invalid_input (error, _("“%s” is a folder, not a text file."), shown);
  if (S_ISFIFO (mode))
    return hd_error_invalid_input (error, _("“%s” is a pipe (FIFO), not a text file."), shown);
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return hd_error_invalid_input (error, _("“%s” is a device, not a text file."), shown);

  return hd_error_invalid_input (error, _("“%s” is not a regular file; give a text file."), shown);
}

/* Standard input may have been left non-blocking by whoever made it. */
static gboolean
wait_readable (int fd)
{
  struct pollfd poller = { .fd = fd, .events = POLLIN };

  return poll (&poller, 1, -1) >= 0 || errno == EINTR;
}

/**
 * hd_read_text_fd:
 * @field: what the text is, for messages ("The reply")
 * @shown: where it comes from, for messages; %NULL for standard input
 * @length: (out): how many bytes were read
 *
 * Reads what @fd holds, refusing it once it passes @limit bytes.
 *
 * Returns: (transfer full): the bytes, NUL-terminated (they may hold NUL
 *   bytes: check them with hd_validate_bytes()), or %NULL
 */
char *
hd_read_text_fd (int          fd,
                 const char  *field,
                 const char  *shown,
                 gsize        limit,
                 gsize       *length,
                 GError     **error)
{
  g_autofree char *data = g_malloc (limit + 2);
  gsize used = 0;

  while (used <= limit)
    {
      gssize n = read (fd, data + used, limit + 1 - used);

      if (n == 0)
        break;
      if (n > 0)
        used += n;
      else if (errno == EAGAIN ? !wait_readable (fd) : errno != EINTR)
        return cannot_read (shown != NULL ? shown : "-", errno, error);
    }

  if (used > limit)
    {
      if (shown != NULL)
        hd_error_invalid_input (error, _("%s in “%s” is too long: %" G_GSIZE_FORMAT " KiB at most."),
                                field, shown, limit / 1024);
      else
        hd_error_invalid_input (error, _("%s from standard input is too long: %" G_GSIZE_FORMAT " KiB at most."),
                                field, limit / 1024);
      return NULL;
    }

  data[used] = '\0';
  *length = used;
  return g_steal_pointer (&data);
}

/**
 * hd_read_text_input:
 * @path: a file, or "-" for standard input
 *
 * Reads a text input as hd_read_text_fd() does. A file is looked at
 * before it is opened, and opened without waiting, so that neither a
 * device nor a FIFO is ever read; standard input is whatever the caller
 * was given, read with the same bound.
 */
char *
hd_read_text_input (const char  *field,
                    const char  *path,
                    gsize        limit,
                    gsize       *length,
                    GError     **error)
{
  struct stat st;
  char *text = NULL;
  int fd;

  if (g_str_equal (path, "-"))
    return hd_read_text_fd (STDIN_FILENO, field, NULL, limit, length, error);

  if (g_stat (path, &st) != 0)
    return cannot_read (path, errno, error);
  if (!hd_check_text_file (path, st.st_mode, error))
    return NULL;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    return cannot_read (path, errno, error);

  /* What was opened may not be what was looked at a moment before. */
  if (fstat (fd, &st) != 0)
    cannot_read (path, errno, error);
  else if (hd_check_text_file (path, st.st_mode, error))
    text = hd_read_text_fd (fd, field, path, limit, length, error);
  close (fd);
  return text;
}

/**
 * hd_parse_decimal:
 * @text: a number as someone typed it
 * @value: (out): the number, when it is one
 *
 * Reads @text as a number from @min to @max written the one plain way:
 * decimal digits only, no leading zero but in "0" itself, no spaces, no
 * "+", and "-" only when @min is below zero. g_ascii_string_to_signed()
 * alone takes "+1" and "007", and GOption's number options "0x10" and
 * " 1": a typo must not become another number.
 */
gboolean
hd_parse_decimal (const char *text,
                  gint64      min,
                  gint64      max,
                  gint64     *value)
{
  const char *digits = text;

  g_return_val_if_fail (value != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  if (digits[0] == '-' && min < 0)
    digits++;
  if (digits[0] == '\0' || (digits[0] == '0' && (digits[1] != '\0' || digits != text)))
    return FALSE;
  for (const char *p = digits; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return g_ascii_string_to_signed (text, 10, min, max, value, NULL);
}
