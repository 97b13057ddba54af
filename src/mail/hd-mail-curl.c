/* hd-mail-curl.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-mail-curl.h"
#include "hd-mail-error.h"
#include "hd-mail-goa.h"

/* The longest server answer kept for messages. */
#define MAX_REPLY 1024

struct _HdMailCurl
{
  CURLM               *multi;
  CURL                *easy;
  char                *protocol;   /* "IMAP" or "SMTP", for messages */
  char                *scheme;
  char                *host;
  guint                port;
  guint                timeout;
  GString             *reply;      /* the server's last answer */
  gboolean             reply_done; /* the next line starts a new answer */
  gboolean             closing;    /* we said goodbye: later answers are not news */
  HdMailCurlTraceFunc  trace;
  gpointer             trace_data;
  /* Signing in through GNOME Online Accounts (XOAUTH2) */
  char                *goa_account;
  gboolean             have_token;  /* one is set on the handle */
  GError              *sign_in_error;
};

static gsize curl_ready;

static void
ensure_curl (void)
{
  /* libcurl's global set-up is not safe to race with another thread's. */
  if (g_once_init_enter (&curl_ready))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_ready, 1);
    }
}

/**
 * hd_mail_clean_text:
 *
 * A server's text as a person may read it: valid UTF-8, no control
 * characters, no line ends.
 */
char *
hd_mail_clean_text (const char *text,
                    gssize      length)
{
  char *clean = g_utf8_make_valid (text, length);

  for (char *p = clean; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return g_strstrip (clean);
}

/* IMAP's tag ("A004 ") says nothing to a person. */
static const char *
skip_tag (const char *line)
{
  const char *p = line;

  if (!g_ascii_isupper (*p))
    return line;
  for (p++; g_ascii_isdigit (*p); p++)
    ;
  return *p == ' ' && p > line + 1 ? p + 1 : line;
}

/* SMTP answers of several lines ("250-…" then "250 …") are kept whole. */
static void
note_reply_line (HdMailCurl *self,
                 const char *line)
{
  gboolean more = strlen (line) > 3 && g_ascii_isdigit (line[0]) && line[3] == '-';

  if (self->closing)
    return;
  line = skip_tag (line);
  if (self->reply_done)
    g_string_truncate (self->reply, 0);
  if (self->reply->len > 0)
    g_string_append_c (self->reply, ' ');
  if (self->reply->len < MAX_REPLY)
    g_string_append_len (self->reply, line, MIN (strlen (line), MAX_REPLY));
  self->reply_done = !more;
}

/* Out-going lines that can hold a secret never leave this function. */
static gboolean
line_is_secret (const char *line)
{
  static const char *open[] = { "MAIL FROM:", "RCPT TO:", "DATA", "QUIT" };

  for (guint i = 0; i < G_N_ELEMENTS (open); i++)
    if (g_ascii_strncasecmp (line, open[i], strlen (open[i])) == 0)
      return FALSE;
  return TRUE;
}

/* Nothing a request brings ever goes to standard output, libcurl's
 * default, unless a request collects it. */
static size_t
discard_cb (char   *data,
            size_t  size,
            size_t  count,
            void   *user_data)
{
  return size * count;
}

static int
debug_cb (CURL          *easy,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user_data)
{
  HdMailCurl *self = user_data;
  g_autofree char *line = NULL;

  if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT)
    return 0;
  line = hd_mail_clean_text (data, size);
  if (type == CURLINFO_HEADER_IN)
    note_reply_line (self, line);
  else if (g_str_has_suffix (line, " LOGOUT") || g_ascii_strcasecmp (line, "QUIT") == 0)
    self->closing = TRUE;
  if (type == CURLINFO_HEADER_OUT && line_is_secret (line))
    return 0;
  if (self->trace != NULL)
    self->trace (line, type == CURLINFO_HEADER_OUT, self->trace_data);
  return 0;
}

static void
set_security (HdMailCurl         *self,
              const HdMailServer *server,
              gboolean            smtp)
{
  switch (server->security)
    {
    case HD_MAIL_SECURITY_TLS:
      self->scheme = g_strdup (smtp ? "smtps" : "imaps");
      break;
    case HD_MAIL_SECURITY_STARTTLS:
      self->scheme = g_strdup (smtp ? "smtp" : "imap");
      curl_easy_setopt (self->easy, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
      break;
    case HD_MAIL_SECURITY_PLAIN:
    default:
      self->scheme = g_strdup (smtp ? "smtp" : "imap");
      curl_easy_setopt (self->easy, CURLOPT_USE_SSL, (long) CURLUSESSL_NONE);
      break;
    }
}

static void
set_options (HdMailCurl          *self,
             const HdMailAccount *account,
             const char          *password)
{
  CURL *easy = self->easy;

  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, discard_cb);
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, self->scheme);
  curl_easy_setopt (easy, CURLOPT_USERNAME, account->user);
  /* With an account of GNOME Online Accounts, its token: set before each
   * request (hd_mail_curl_run()), and only XOAUTH2, never a fallback to a
   * login that would send something else. */
  if (account->goa_account != NULL)
    curl_easy_setopt (easy, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
  else
    curl_easy_setopt (easy, CURLOPT_PASSWORD, password);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (account->ca_file != NULL)
    curl_easy_setopt (easy, CURLOPT_CAINFO, account->ca_file);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, (long) self->timeout);
  curl_easy_setopt (easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long) self->timeout);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_TIME, (long) self->timeout);
  /* The debug stream is how the server's answers reach us; with a debug
   * function set, libcurl prints nothing itself. */
  curl_easy_setopt (easy, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt (easy, CURLOPT_DEBUGDATA, self);
  curl_easy_setopt (easy, CURLOPT_VERBOSE, 1L);
}

/**
 * hd_mail_curl_new:
 * @smtp: %TRUE for @account's outgoing server, %FALSE for the incoming one
 * @password: (nullable): %NULL when @account signs in through GNOME Online
 *   Accounts
 */
HdMailCurl *
hd_mail_curl_new (const HdMailAccount *account,
                  gboolean             smtp,
                  const char          *password)
{
  const HdMailServer *server = smtp ? &account->smtp : &account->imap;
  HdMailCurl *self = g_new0 (HdMailCurl, 1);

  ensure_curl ();
  self->multi = curl_multi_init ();
  self->easy = curl_easy_init ();
  g_assert (self->multi != NULL && self->easy != NULL);
  self->protocol = g_strdup (smtp ? "SMTP" : "IMAP");
  self->host = g_strdup (server->host);
  self->port = hd_mail_server_get_port (server, smtp);
  self->timeout = hd_mail_account_get_timeout (account);
  self->reply = g_string_new (NULL);
  self->goa_account = g_strdup (account->goa_account);
  set_security (self, server, smtp);
  set_options (self, account, password);
  return self;
}

void
hd_mail_curl_free (HdMailCurl *self)
{
  if (self == NULL)
    return;
  curl_easy_cleanup (self->easy);
  curl_multi_cleanup (self->multi);
  g_free (self->protocol);
  g_free (self->scheme);
  g_free (self->host);
  g_string_free (self->reply, TRUE);
  g_free (self->goa_account);
  g_clear_error (&self->sign_in_error);
  g_free (self);
}

CURL *
hd_mail_curl_get_handle (HdMailCurl *self)
{
  return self->easy;
}

const char *
hd_mail_curl_get_host (HdMailCurl *self)
{
  return self->host;
}

/**
 * hd_mail_curl_url:
 * @path: (nullable): what follows the server, already escaped
 */
char *
hd_mail_curl_url (HdMailCurl *self,
                  const char *path)
{
  /* An address literal needs its brackets in a URL. */
  gboolean ipv6 = strchr (self->host, ':') != NULL;

  return g_strdup_printf ("%s://%s%s%s:%u/%s", self->scheme,
                          ipv6 ? "[" : "", self->host, ipv6 ? "]" : "",
                          self->port, path != NULL ? path : "");
}

void
hd_mail_curl_set_trace_func (HdMailCurl          *self,
                             HdMailCurlTraceFunc  func,
                             gpointer             user_data)
{
  self->trace = func;
  self->trace_data = user_data;
}

/* The last answer of the server, for messages: "NO [AUTHENTICATIONFAILED]
 * …", "550 5.1.1 No such user". Empty when it said nothing. */
const char *
hd_mail_curl_get_reply (HdMailCurl *self)
{
  return self->reply->str;
}

/* Whether the last request had to connect (and log in) anew. */
gboolean
hd_mail_curl_reconnected (HdMailCurl *self)
{
  long connects = 0;

  curl_easy_getinfo (self->easy, CURLINFO_NUM_CONNECTS, &connects);
  return connects > 0;
}

static void
wake_cb (GCancellable *cancellable,
         gpointer      multi)
{
  curl_multi_wakeup (multi);
}

static CURLcode
run_until_done (HdMailCurl   *self,
                GCancellable *cancellable)
{
  int running = 1;

  while (!g_cancellable_is_cancelled (cancellable))
    {
      CURLMsg *msg;
      int left;

      if (curl_multi_perform (self->multi, &running) != CURLM_OK)
        return CURLE_FAILED_INIT;
      while ((msg = curl_multi_info_read (self->multi, &left)) != NULL)
        if (msg->msg == CURLMSG_DONE)
          return msg->data.result;
      if (curl_multi_poll (self->multi, NULL, 0, 1000, NULL) != CURLM_OK)
        return CURLE_FAILED_INIT;
    }
  return CURLE_ABORTED_BY_CALLBACK;
}

static CURLcode
run_once (HdMailCurl   *self,
          GCancellable *cancellable)
{
  CURLcode result;
  gulong handler = 0;

  g_string_truncate (self->reply, 0);
  self->reply_done = FALSE;
  self->closing = FALSE;
  if (g_cancellable_is_cancelled (cancellable))
    return CURLE_ABORTED_BY_CALLBACK;

  curl_multi_add_handle (self->multi, self->easy);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_cb), self->multi, NULL);
  result = run_until_done (self, cancellable);
  g_cancellable_disconnect (cancellable, handler);
  curl_multi_remove_handle (self->multi, self->easy);
  return result;
}

/* The token goes to libcurl, which keeps its own copy, and nowhere else.
 * FALSE with self->sign_in_error set when there is none. */
static gboolean
set_token (HdMailCurl   *self,
           gboolean      renew,
           GCancellable *cancellable)
{
  char *token;

  g_clear_error (&self->sign_in_error);
  token = hd_mail_goa_get_token (self->goa_account, renew, cancellable, &self->sign_in_error);
  if (token == NULL)
    return FALSE;
  curl_easy_setopt (self->easy, CURLOPT_XOAUTH2_BEARER, token);
  memset (token, 0, strlen (token));
  g_free (token);
  self->have_token = TRUE;
  return TRUE;
}

static CURLcode
sign_in_failed (HdMailCurl *self)
{
  return g_error_matches (self->sign_in_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         ? CURLE_ABORTED_BY_CALLBACK : CURLE_LOGIN_DENIED;
}

/**
 * hd_mail_curl_run:
 *
 * Runs the request set on the handle until it ends or @cancellable is
 * cancelled (%CURLE_ABORTED_BY_CALLBACK): a cancelled request's
 * connection is closed, the next request opens another.
 *
 * Signing in through GNOME Online Accounts, a refused login is most
 * likely a token that ran out: the request is run once more with a
 * renewed one, and no more. The server refuses a login before it takes
 * any command, so running the request again repeats nothing.
 */
CURLcode
hd_mail_curl_run (HdMailCurl   *self,
                  GCancellable *cancellable)
{
  CURLcode result;

  g_clear_error (&self->sign_in_error);
  if (self->goa_account == NULL)
    return run_once (self, cancellable);

  if (!self->have_token && !set_token (self, FALSE, cancellable))
    return sign_in_failed (self);
  result = run_once (self, cancellable);
  if (result != CURLE_LOGIN_DENIED)
    return result;
  if (!set_token (self, TRUE, cancellable))
    return sign_in_failed (self);
  return run_once (self, cancellable);
}

gboolean
hd_mail_curl_perform (HdMailCurl   *self,
                      GCancellable *cancellable,
                      GError      **error)
{
  CURLcode result = hd_mail_curl_run (self, cancellable);

  if (result == CURLE_OK)
    return TRUE;
  hd_mail_curl_set_error (self, result, error);
  return FALSE;
}

/* Both libcurl's TLS back-ends keep the certificate check's result apart
 * from the name check: a certificate that failed with a result of zero
 * was trusted, and made out to another name. */
static HdMailError
certificate_error (HdMailCurl *self)
{
  long verify = 0;

  curl_easy_getinfo (self->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
  return verify != 0 ? HD_MAIL_ERROR_TLS_UNTRUSTED : HD_MAIL_ERROR_TLS_NAME_MISMATCH;
}

static void
set_tls_error (HdMailCurl *self,
               CURLcode    result,
               GError    **error)
{
  HdMailError code = HD_MAIL_ERROR_TLS;

  if (result == CURLE_PEER_FAILED_VERIFICATION)
    code = certificate_error (self);

  if (code == HD_MAIL_ERROR_TLS_UNTRUSTED)
    g_set_error (error, HD_MAIL_ERROR, code,
                 /* Translators: the first %s is IMAP or SMTP, the second a server's name */
                 _("The certificate of the %s server “%s” is not trusted: it may be self-signed, expired, or signed by an unknown authority. Nothing was sent over this connection."),
                 self->protocol, self->host);
  else if (code == HD_MAIL_ERROR_TLS_NAME_MISMATCH)
    g_set_error (error, HD_MAIL_ERROR, code,
                 _("The certificate of the %s server is made out to another name than “%s”. Enter the server’s name as its certificate has it."),
                 self->protocol, self->host);
  else
    g_set_error (error, HD_MAIL_ERROR, code,
                 _("No secure connection could be made with the %s server “%s” (%s). Check the port and the security setting."),
                 self->protocol, self->host, curl_easy_strerror (result));
}

static void
set_network_error (HdMailCurl *self,
                   CURLcode    result,
                   GError    **error)
{
  g_autofree char *detail = NULL;

  detail = *self->reply->str != '\0' ? g_strdup (self->reply->str)
                                      : g_strdup (curl_easy_strerror (result));
  g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_NETWORK,
               _("The conversation with the %s server “%s” failed: %s"),
               self->protocol, self->host, detail);
}

static void
set_login_error (HdMailCurl  *self,
                 GError     **error)
{
  if (self->sign_in_error != NULL)
    g_propagate_error (error, g_error_copy (self->sign_in_error));
  else if (self->goa_account != NULL)
    g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_LOGIN_REFUSED,
                 /* Translators: the first %s is IMAP or SMTP, the second a server's name */
                 _("The %s server “%s” refused the sign-in with the token of GNOME Online Accounts, renewed once: %s"),
                 self->protocol, self->host, self->reply->str);
  else
    g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_LOGIN_REFUSED,
                 _("The %s server “%s” refused the user name or password: %s"),
                 self->protocol, self->host, self->reply->str);
}

/**
 * hd_mail_curl_set_error:
 *
 * Sets @error from @result, a request's end other than %CURLE_OK.
 */
void
hd_mail_curl_set_error (HdMailCurl *self,
                        CURLcode    result,
                        GError    **error)
{
  switch ((int) result)
    {
    case CURLE_ABORTED_BY_CALLBACK:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_DNS,
                   _("The %s server “%s” could not be found. Check its name and the network."),
                   self->protocol, self->host);
      break;
    case CURLE_COULDNT_CONNECT:
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_CONNECT,
                   _("The %s server “%s” refused the connection on port %u, or cannot be reached. Check the port and the network."),
                   self->protocol, self->host, self->port);
      break;
    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_TIMEOUT,
                   _("The %s server “%s” did not answer within %u seconds."),
                   self->protocol, self->host, self->timeout);
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CACERT_BADFILE:
      set_tls_error (self, result, error);
      break;
    case CURLE_LOGIN_DENIED:
      set_login_error (self, error);
      break;
    default:
      set_network_error (self, result, error);
      break;
    }
}
