/* hd-imap.c
 *
 * libcurl speaks IMAP; we only choose the commands. Two of libcurl's
 * habits shape this file. It selects a folder named in the URL itself,
 * read-write, and then fetches with BODY[] (not BODY.PEEK[]), which marks
 * the message seen; so the session opens the folder read-only with EXAMINE
 * of its own before fetching, and libcurl, which believes its own SELECT
 * still holds, fetches in read-only mode, where nothing is marked. And the
 * answers to commands of our own (CUSTOMREQUEST) reach the write function
 * line by line, literal-blind, so only commands whose answers hold no
 * literals (SELECT, EXAMINE, UID SEARCH, UID STORE) are sent that way;
 * messages are fetched through the URL, which libcurl reads properly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n-lib.h>

#include "hd-imap.h"
#include "hd-mail-curl.h"
#include "hd-mail-error.h"

/* UIDs per UID STORE, so that a command line stays short. */
#define STORE_CHUNK 500
/* Messages per UID SEARCH, at most, and positions per search for the
 * UIDs that bound them. libcurl (up to 8.x) keeps only the first 40 bytes
 * of an answer line longer than half its buffer, 8 KiB by default, when
 * the line fills a whole read ("Excessive server response line length
 * received ... Stripping"): a "* SEARCH" of thousands of UIDs came back
 * with 14. At most 500 UIDs of 10 digits each keep a line under 5.5 KiB. */
#define SEARCH_WINDOW 500
/* The most answer text a command of our own may bring (UID SEARCH of a
 * very large folder). */
#define MAX_ANSWER (64 * 1024 * 1024)

typedef enum {
  FOLDER_CLOSED,     /* not open on the connection, as far as we know */
  FOLDER_READ_WRITE, /* selected, by us or by libcurl */
  FOLDER_READ_ONLY,  /* examined by us: fetching marks nothing */
} FolderState;

struct _HdImapSession
{
  HdMailCurl  *curl;
  char        *folder;        /* as the account names it */
  char        *folder_path;   /* escaped for the URL */
  char        *folder_quoted; /* as an IMAP string */
  guint32      uidvalidity;
  guint32      exists;        /* messages in the folder when last opened */
  gboolean     keyword;       /* $HelpdeskFiled can be set */
  FolderState  state;
};

typedef struct {
  GByteArray *bytes;
  gsize       max;
  gboolean    too_large;
} Sink;

static size_t
sink_write_cb (char   *data,
               size_t  size,
               size_t  count,
               void   *user_data)
{
  Sink *sink = user_data;

  if (sink->bytes->len + size * count > sink->max)
    {
      sink->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (sink->bytes, (const guint8 *) data, size * count);
  return size * count;
}

static char *
quote_string (const char *text)
{
  GString *quoted = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

/**
 * hd_imap_session_new:
 *
 * Returns: (transfer full): a session that has not connected yet
 */
HdImapSession *
hd_imap_session_new (const HdMailAccount *account,
                     const char          *password)
{
  HdImapSession *self = g_new0 (HdImapSession, 1);

  g_return_val_if_fail (hd_mail_account_has_login (account, password), NULL);

  self->curl = hd_mail_curl_new (account, FALSE, password);
  self->folder = g_strdup (hd_mail_account_get_folder (account));
  self->folder_path = g_uri_escape_string (self->folder, "/", FALSE);
  self->folder_quoted = quote_string (self->folder);
  return self;
}

void
hd_imap_session_free (HdImapSession *self)
{
  if (self == NULL)
    return;
  hd_mail_curl_free (self->curl);
  g_free (self->folder);
  g_free (self->folder_path);
  g_free (self->folder_quoted);
  g_free (self);
}

guint32
hd_imap_session_get_uidvalidity (HdImapSession *self)
{
  return self->uidvalidity;
}

/* Whether handled messages carry HD_IMAP_KEYWORD (else \Seen alone). */
gboolean
hd_imap_session_uses_keyword (HdImapSession *self)
{
  return self->keyword;
}

/* The folder in the URL, and with it the UIDVALIDITY when known: libcurl
 * checks it whenever it selects the folder again, after a reconnection. */
static char *
folder_url (HdImapSession *self,
            const char    *tail)
{
  g_autofree char *path = NULL;

  if (self->uidvalidity != 0)
    path = g_strdup_printf ("%s;UIDVALIDITY=%u%s", self->folder_path, self->uidvalidity,
                            tail != NULL ? tail : "");
  else
    path = g_strdup_printf ("%s%s", self->folder_path, tail != NULL ? tail : "");
  return hd_mail_curl_url (self->curl, path);
}

/* Sends @command (a command of our own) at @url and returns the untagged
 * answers, or NULL and CURLcode in @result. */
static GByteArray *
run_command (HdImapSession *self,
             const char    *url,
             const char    *command,
             GCancellable  *cancellable,
             CURLcode      *result)
{
  CURL *easy = hd_mail_curl_get_handle (self->curl);
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  Sink sink = { answer, MAX_ANSWER, FALSE };

  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_CUSTOMREQUEST, command);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, sink_write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, &sink);
  *result = hd_mail_curl_run (self->curl, cancellable);
  curl_easy_setopt (easy, CURLOPT_CUSTOMREQUEST, NULL);
  if (hd_mail_curl_reconnected (self->curl))
    self->state = FOLDER_CLOSED;
  if (*result != CURLE_OK)
    return NULL;
  g_byte_array_append (answer, (const guint8 *) "", 1);
  return g_steal_pointer (&answer);
}

static void
set_command_error (HdImapSession *self,
                   CURLcode       result,
                   GError       **error)
{
  if (result == CURLE_QUOTE_ERROR)
    g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_NETWORK,
                 _("The IMAP server “%s” refused a command: %s"),
                 hd_mail_curl_get_host (self->curl), hd_mail_curl_get_reply (self->curl));
  else if (result == CURLE_REMOTE_FILE_NOT_FOUND)
    g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_UIDVALIDITY,
                 _("The folder “%s” on “%s” was made anew since it was last read; it is read again from the start."),
                 self->folder, hd_mail_curl_get_host (self->curl));
  else
    hd_mail_curl_set_error (self->curl, result, error);
}

/* The number after @code ("UIDVALIDITY ") in a response code, or 0. */
static guint64
find_number (const char *answer,
             const char *code)
{
  const char *at = strstr (answer, code);

  if (at == NULL)
    return 0;
  return g_ascii_strtoull (at + strlen (code), NULL, 10);
}

/* The "* N EXISTS" of a SELECT or EXAMINE. */
static guint32
count_exists (const char *answer)
{
  for (const char *line = answer; line != NULL && *line != '\0';)
    {
      char *end;
      guint64 n;

      if (g_str_has_prefix (line, "* "))
        {
          n = g_ascii_strtoull (line + 2, &end, 10);
          if (end != line + 2 && g_ascii_strncasecmp (end, " EXISTS", 7) == 0)
            return (guint32) MIN (n, G_MAXUINT32);
        }
      line = strchr (line, '\n');
      line = line != NULL ? line + 1 : NULL;
    }
  return 0;
}

static gboolean
permits_keywords (const char *answer)
{
  const char *at = strstr (answer, "[PERMANENTFLAGS (");
  const char *end;

  if (at == NULL)
    return FALSE;
  end = strchr (at, ')');
  return end != NULL && (g_strstr_len (at, end - at, "\\*") != NULL ||
                         g_strstr_len (at, end - at, HD_IMAP_KEYWORD) != NULL);
}

/* SELECT or EXAMINE of our own, which tells the UIDVALIDITY (and for
 * SELECT whether keywords are kept). The first one, with nothing known
 * yet, names no folder in the URL, so that a missing folder is the
 * command's failure and not libcurl's own SELECT, which it would report
 * as a refused login. */
static gboolean
open_folder (HdImapSession *self,
             gboolean       read_write,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *url = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GByteArray) answer = NULL;
  CURLcode result;
  guint64 uidvalidity;

  url = self->uidvalidity != 0 ? folder_url (self, NULL) : hd_mail_curl_url (self->curl, NULL);
  command = g_strdup_printf ("%s %s", read_write ? "SELECT" : "EXAMINE", self->folder_quoted);
  answer = run_command (self, url, command, cancellable, &result);
  if (answer == NULL && result == CURLE_QUOTE_ERROR)
    {
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_FOLDER_MISSING,
                   _("The IMAP server “%s” has no folder “%s” for this user (%s)."),
                   hd_mail_curl_get_host (self->curl), self->folder,
                   hd_mail_curl_get_reply (self->curl));
      return FALSE;
    }
  if (answer == NULL)
    return set_command_error (self, result, error), FALSE;

  uidvalidity = find_number ((const char *) answer->data, "[UIDVALIDITY ");
  if (uidvalidity == 0 || uidvalidity > G_MAXUINT32)
    {
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_NETWORK,
                   _("The IMAP server “%s” did not tell the folder’s UIDVALIDITY."),
                   hd_mail_curl_get_host (self->curl));
      return FALSE;
    }
  if (self->uidvalidity != 0 && uidvalidity != self->uidvalidity)
    {
      self->uidvalidity = (guint32) uidvalidity;
      return set_command_error (self, CURLE_REMOTE_FILE_NOT_FOUND, error), FALSE;
    }
  self->uidvalidity = (guint32) uidvalidity;
  self->exists = count_exists ((const char *) answer->data);
  if (read_write)
    self->keyword = permits_keywords ((const char *) answer->data);
  self->state = read_write ? FOLDER_READ_WRITE : FOLDER_READ_ONLY;
  return TRUE;
}

/**
 * hd_imap_session_open:
 *
 * Connects, logs in and opens the folder: the errors of a wrong server,
 * certificate, password or folder come from here. After an
 * %HD_MAIL_ERROR_UIDVALIDITY, open again and list again.
 */
gboolean
hd_imap_session_open (HdImapSession *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* Again after %HD_MAIL_ERROR_UIDVALIDITY: take the folder as it is now. */
  self->uidvalidity = 0;
  self->state = FOLDER_CLOSED;
  return open_folder (self, TRUE, cancellable, error);
}

static gboolean
check_uidvalidity (HdImapSession *self,
                   guint32        uidvalidity,
                   GError       **error)
{
  if (self->uidvalidity == 0)
    {
      g_set_error_literal (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID,
                           "hd_imap_session_open() was not called");
      return FALSE;
    }
  if (uidvalidity != self->uidvalidity)
    return set_command_error (self, CURLE_REMOTE_FILE_NOT_FOUND, error), FALSE;
  return TRUE;
}

static GArray *
parse_search (const char *answer)
{
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  const char *line = answer;

  for (; line != NULL && *line != '\0'; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    {
      char *end;

      if (g_ascii_strncasecmp (line, "* SEARCH", 8) != 0)
        continue;
      for (const char *p = line + 8; *p == ' '; p = end)
        {
          guint64 uid = g_ascii_strtoull (p + 1, &end, 10);

          if (end == p + 1 || uid == 0 || uid > G_MAXUINT32)
            break;
          g_array_append_val (uids, (guint32) { uid });
        }
    }
  return uids;
}

static int
compare_uids (gconstpointer a,
              gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* The UIDs @criteria find, each at least @from (a UID set "a:*" finds
 * the last message even when its UID is below a). */
static GArray *
search (HdImapSession *self,
        const char    *criteria,
        guint32        from,
        GCancellable  *cancellable,
        GError       **error)
{
  g_autofree char *url = folder_url (self, NULL);
  g_autofree char *command = g_strdup_printf ("UID SEARCH %s", criteria);
  g_autoptr(GByteArray) answer = NULL;
  g_autoptr(GArray) found = NULL;
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  CURLcode result;

  answer = run_command (self, url, command, cancellable, &result);
  if (answer == NULL)
    {
      g_array_unref (uids);
      return set_command_error (self, result, error), NULL;
    }
  found = parse_search ((const char *) answer->data);
  for (guint i = 0; i < found->len; i++)
    if (g_array_index (found, guint32, i) >= from)
      g_array_append_val (uids, g_array_index (found, guint32, i));
  return uids;
}

/* The UIDs of every SEARCH_WINDOW-th message: the ends of the windows
 * searched, each answer no longer than a window. */
static GArray *
window_ends (HdImapSession *self,
             GCancellable  *cancellable,
             GError       **error)
{
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint32 first = SEARCH_WINDOW; first < self->exists;
       first += SEARCH_WINDOW * SEARCH_WINDOW)
    {
      g_autoptr(GString) positions = g_string_new (NULL);
      g_autoptr(GArray) uids = NULL;

      for (guint32 n = first; n < self->exists && n < first + SEARCH_WINDOW * SEARCH_WINDOW;
           n += SEARCH_WINDOW)
        g_string_append_printf (positions, "%s%u", positions->len > 0 ? "," : "", n);
      uids = search (self, positions->str, 0, cancellable, error);
      if (uids == NULL)
        return g_array_unref (ends), NULL;
      g_array_append_vals (ends, uids->data, uids->len);
    }
  g_array_sort (ends, compare_uids);
  return ends;
}

/**
 * hd_imap_session_list_unhandled:
 *
 * Lists the folder in windows of at most SEARCH_WINDOW messages, by UID
 * so that messages expunged meanwhile move no window; the last window is
 * open, for what arrives while the others are searched.
 *
 * Returns: (transfer full) (element-type guint32): the UIDs of the
 *   messages not yet marked handled (nor deleted), oldest first, under
 *   hd_imap_session_get_uidvalidity()
 */
GArray *
hd_imap_session_list_unhandled (HdImapSession *self,
                                GCancellable  *cancellable,
                                GError       **error)
{
  const char *unhandled = self->keyword ? "UNDELETED NOT KEYWORD " HD_IMAP_KEYWORD
                                        : "UNDELETED UNSEEN";
  g_autoptr(GArray) ends = NULL;
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 from = 1;

  g_return_val_if_fail (self != NULL, NULL);

  /* Opened afresh: its count of messages now, its UIDVALIDITY checked. */
  if (!check_uidvalidity (self, self->uidvalidity, error) ||
      !open_folder (self, TRUE, cancellable, error))
    return NULL;
  ends = window_ends (self, cancellable, error);
  if (ends == NULL)
    return NULL;

  for (guint i = 0; i <= ends->len; i++)
    {
      guint32 to = i < ends->len ? g_array_index (ends, guint32, i) : 0;
      g_autofree char *criteria = NULL;
      g_autoptr(GArray) found = NULL;

      if (i < ends->len && to < from)
        continue;
      criteria = to != 0 ? g_strdup_printf ("UID %u:%u %s", from, to, unhandled)
                         : g_strdup_printf ("UID %u:* %s", from, unhandled);
      found = search (self, criteria, from, cancellable, error);
      if (found == NULL)
        return NULL;
      g_array_append_vals (uids, found->data, found->len);
      from = to + 1;
    }
  g_array_sort (uids, compare_uids);
  return g_steal_pointer (&uids);
}

/**
 * hd_imap_session_fetch:
 * @max_size: the most bytes to accept; 0 for no limit
 *
 * Reads one message as it is on the server, marking nothing.
 *
 * Returns: (transfer full): its bytes
 */
GBytes *
hd_imap_session_fetch (HdImapSession *self,
                       guint32        uidvalidity,
                       guint32        uid,
                       gsize          max_size,
                       GCancellable  *cancellable,
                       GError       **error)
{
  CURL *easy;
  g_autofree char *tail = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  Sink sink = { bytes, max_size != 0 ? max_size : G_MAXSIZE, FALSE };
  CURLcode result;

  g_return_val_if_fail (self != NULL, NULL);

  if (!check_uidvalidity (self, uidvalidity, error))
    return NULL;
  if (self->state != FOLDER_READ_ONLY && !open_folder (self, FALSE, cancellable, error))
    return NULL;

  easy = hd_mail_curl_get_handle (self->curl);
  tail = g_strdup_printf ("/;UID=%u", uid);
  url = folder_url (self, tail);
  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, sink_write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, &sink);
  result = hd_mail_curl_run (self->curl, cancellable);
  if (hd_mail_curl_reconnected (self->curl))
    self->state = FOLDER_READ_WRITE;

  if (result == CURLE_WRITE_ERROR && sink.too_large)
    {
      g_autofree char *size = g_format_size (max_size);

      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_TOO_LARGE,
                   _("The message is larger than %s."), size);
      return NULL;
    }
  if (result == CURLE_REMOTE_FILE_NOT_FOUND && self->state == FOLDER_READ_ONLY)
    {
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_GONE,
                   _("Message %u is no longer in the folder “%s”."), uid, self->folder);
      return NULL;
    }
  if (result != CURLE_OK)
    return set_command_error (self, result, error), NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* "1:3,7" for 1, 2, 3, 7, from sorted UIDs. */
static char *
uid_set (const guint32 *uids,
         guint          n_uids)
{
  GString *set = g_string_new (NULL);

  for (guint i = 0; i < n_uids;)
    {
      guint j = i;

      while (j + 1 < n_uids && uids[j + 1] <= uids[j] + 1)
        j++;
      g_string_append_printf (set, "%s%u", set->len > 0 ? "," : "", uids[i]);
      if (uids[j] != uids[i])
        g_string_append_printf (set, ":%u", uids[j]);
      i = j + 1;
    }
  return g_string_free (set, FALSE);
}

static gboolean
store_flags (HdImapSession *self,
             const guint32 *uids,
             guint          n_uids,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *url = folder_url (self, NULL);
  g_autofree char *set = uid_set (uids, n_uids);
  g_autofree char *command = NULL;
  g_autoptr(GByteArray) answer = NULL;
  CURLcode result;

  command = g_strdup_printf ("UID STORE %s +FLAGS.SILENT (\\Seen%s)", set,
                             self->keyword ? " " HD_IMAP_KEYWORD : "");
  answer = run_command (self, url, command, cancellable, &result);
  if (answer == NULL)
    return set_command_error (self, result, error), FALSE;
  return TRUE;
}

/**
 * hd_imap_session_mark_handled:
 * @uids: (array length=n_uids): messages the caller has committed
 *
 * Marks the messages handled, so that hd_imap_session_list_unhandled()
 * leaves them out. Call it only after the commit that stored them.
 */
gboolean
hd_imap_session_mark_handled (HdImapSession *self,
                              guint32        uidvalidity,
                              const guint32 *uids,
                              guint          n_uids,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autofree guint32 *sorted = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (uids != NULL || n_uids == 0, FALSE);

  if (!check_uidvalidity (self, uidvalidity, error))
    return FALSE;
  if (n_uids == 0)
    return TRUE;
  /* The folder is opened again, whatever state we believe it is in, so
   * that its UIDVALIDITY is checked on this very connection just before
   * the flags are set: a folder made anew since (by another program, or
   * a server restored from a backup) must not get the marks of messages
   * it does not hold, or its own unfiled messages would be skipped. */
  if (!open_folder (self, TRUE, cancellable, error))
    return FALSE;

  sorted = g_memdup2 (uids, n_uids * sizeof *uids);
  qsort (sorted, n_uids, sizeof *sorted, compare_uids);
  for (guint i = 0; i < n_uids; i += STORE_CHUNK)
    if (!store_flags (self, sorted + i, MIN (STORE_CHUNK, n_uids - i), cancellable, error))
      return FALSE;
  return TRUE;
}
