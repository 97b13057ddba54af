/* hd-smtp.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hd-mail-curl.h"
#include "hd-mail-error.h"
#include "hd-smtp.h"

/* libcurl 8.2 mended the option's name; Debian 12 has the old one. */
#if LIBCURL_VERSION_NUM >= 0x080200
#define HD_CURLOPT_RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLOWFAILS
#else
#define HD_CURLOPT_RCPT_ALLOWFAILS CURLOPT_MAIL_RCPT_ALLLOWFAILS
#endif

/* Messages sent over one connection before a fresh one is made. */
#define SESSION_MESSAGES 100

typedef struct {
  GBytes        *bytes;
  gsize          offset;
  HdSmtpReceipt *receipt;
  char          *recipient;  /* the RCPT TO the server is answering */
} Transfer;

static void
refusal_free (HdSmtpRefusal *refusal)
{
  g_free (refusal->address);
  g_free (refusal->reply);
  g_free (refusal);
}

void
hd_smtp_receipt_free (HdSmtpReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->reply);
  g_ptr_array_unref (receipt->refused);
  g_free (receipt);
}

static HdSmtpReceipt *
receipt_new (void)
{
  HdSmtpReceipt *receipt = g_new0 (HdSmtpReceipt, 1);

  receipt->reply = g_strdup ("");
  receipt->refused = g_ptr_array_new_with_free_func ((GDestroyNotify) refusal_free);
  return receipt;
}

static size_t
read_cb (char   *buffer,
         size_t  size,
         size_t  count,
         void   *user_data)
{
  Transfer *transfer = user_data;
  gsize length;
  const char *data = g_bytes_get_data (transfer->bytes, &length);
  gsize n = MIN (size * count, length - transfer->offset);

  memcpy (buffer, data + transfer->offset, n);
  transfer->offset += n;
  return n;
}

/* SMTP wants CRLF line ends; a bare LF becomes CRLF, all else is kept. */
static GBytes *
with_crlf (GBytes *message)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  GString *fixed;

  if (length == 0 || (memchr (data, '\n', length) == NULL))
    return g_bytes_ref (message);
  fixed = g_string_sized_new (length + length / 32);
  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        g_string_append_c (fixed, '\r');
      g_string_append_c (fixed, data[i]);
    }
  return g_string_free_to_bytes (fixed);
}

/* Which recipient each answer is about, from the conversation. */
static void
trace_cb (const char *line,
          gboolean    outgoing,
          gpointer    user_data)
{
  Transfer *transfer = user_data;
  HdSmtpRefusal *refusal;

  if (outgoing)
    {
      g_clear_pointer (&transfer->recipient, g_free);
      if (g_ascii_strncasecmp (line, "RCPT TO:", 8) == 0)
        transfer->recipient = g_strdelimit (g_strdup (line + 8), "<>", ' ');
      return;
    }
  if (transfer->recipient == NULL || strlen (line) < 4 || line[3] == '-' || line[0] == '2')
    return;
  refusal = g_new0 (HdSmtpRefusal, 1);
  refusal->address = g_strdup (g_strstrip (transfer->recipient));
  refusal->reply = g_strdup (line);
  refusal->permanent = line[0] == '5';
  g_ptr_array_add (transfer->receipt->refused, refusal);
  g_clear_pointer (&transfer->recipient, g_free);
}

static gboolean
address_is_clean (const char *address)
{
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
      return FALSE;
  return TRUE;
}

static struct curl_slist *
recipient_list (const char * const  *recipients,
                GError             **error)
{
  struct curl_slist *list = NULL;

  for (guint i = 0; recipients[i] != NULL; i++)
    {
      g_autofree char *item = NULL;

      if (!address_is_clean (recipients[i]) || strchr (recipients[i], '@') == NULL)
        {
          g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID,
                       _("“%s” is not an e-mail address."), recipients[i]);
          curl_slist_free_all (list);
          return NULL;
        }
      item = g_strdup_printf ("<%s>", recipients[i]);
      list = curl_slist_append (list, item);
    }
  if (list == NULL)
    g_set_error_literal (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID,
                         _("The message has no recipient."));
  return list;
}

/* Whether every refusal was for now only (so all of it may be tried
 * again), when the server refused every recipient. */
static gboolean
refusals_temporary (HdSmtpReceipt *receipt)
{
  for (guint i = 0; i < receipt->refused->len; i++)
    if (((HdSmtpRefusal *) g_ptr_array_index (receipt->refused, i))->permanent)
      return FALSE;
  return TRUE;
}

static void
set_send_error (HdMailCurl    *curl,
                CURLcode       result,
                HdSmtpReceipt *receipt,
                GError       **error)
{
  long code = 0;
  const char *host = hd_mail_curl_get_host (curl);

  curl_easy_getinfo (hd_mail_curl_get_handle (curl), CURLINFO_RESPONSE_CODE, &code);
  if (result == CURLE_LOGIN_DENIED || (code < 400 || code > 599))
    {
      hd_mail_curl_set_error (curl, result, error);
      return;
    }
  if (code >= 500 && (receipt->refused->len == 0 || !refusals_temporary (receipt)))
    g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SMTP_REFUSED,
                 _("The SMTP server “%s” refused the message: %s"), host, receipt->reply);
  else
    g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_SMTP_TEMPORARY,
                 _("The SMTP server “%s” cannot take the message now: %s"), host, receipt->reply);
}

static void
set_transfer_options (CURL               *easy,
                      const char         *sender,
                      struct curl_slist  *recipients,
                      Transfer           *transfer)
{
  g_autofree char *from = g_strdup_printf ("<%s>", sender);

  curl_easy_setopt (easy, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt (easy, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt (easy, HD_CURLOPT_RCPT_ALLOWFAILS, 1L);
  curl_easy_setopt (easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (easy, CURLOPT_INFILESIZE_LARGE,
                    (curl_off_t) g_bytes_get_size (transfer->bytes));
  curl_easy_setopt (easy, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt (easy, CURLOPT_READDATA, transfer);
}

struct _HdSmtpSession
{
  HdMailAccount *account;
  HdMailCurl    *curl;
  guint          sent;  /* messages over the connection */
};

/**
 * hd_smtp_session_new:
 * @password: (nullable): %NULL when @account signs in through GNOME
 *   Online Accounts
 *
 * Returns: (transfer full): a session for sending several messages over
 *   one connection; it connects and logs in with the first
 */
HdSmtpSession *
hd_smtp_session_new (const HdMailAccount *account,
                     const char          *password)
{
  HdSmtpSession *self;
  g_autofree char *url = NULL;

  g_return_val_if_fail (hd_mail_account_has_login (account, password), NULL);

  self = g_new0 (HdSmtpSession, 1);
  self->account = hd_mail_account_copy (account);
  self->curl = hd_mail_curl_new (account, TRUE, password);
  url = hd_mail_curl_url (self->curl, NULL);
  curl_easy_setopt (hd_mail_curl_get_handle (self->curl), CURLOPT_URL, url);
  return self;
}

void
hd_smtp_session_free (HdSmtpSession *self)
{
  if (self == NULL)
    return;
  hd_mail_curl_free (self->curl);
  hd_mail_account_free (self->account);
  g_free (self);
}

/**
 * hd_smtp_session_send:
 * @sender: (nullable): the envelope sender; %NULL for the account's
 *   address, "" for none (the null sender, "<>")
 * @recipients: the envelope recipients, bare addresses
 * @message: the message as it is to arrive, headers and all
 * @receipt: (out) (optional): what the server answered, in success and in
 *   failure
 *
 * Sends @message once to @recipients, over the session's connection
 * when it is still open (libcurl keeps it between messages, and closes
 * it after a failure), else over a new one. The server may take it for
 * some recipients and refuse others: that is success, with the refused
 * ones in @receipt. Blocks: call it from a worker.
 *
 * Returns: whether the server took the message for at least one
 *   recipient. %HD_MAIL_ERROR_SMTP_REFUSED means it never will;
 *   hd_mail_error_is_temporary() tells what is worth trying again.
 */
gboolean
hd_smtp_session_send (HdSmtpSession       *self,
                      const char          *sender,
                      const char * const  *recipients,
                      GBytes              *message,
                      HdSmtpReceipt      **receipt,
                      GCancellable        *cancellable,
                      GError             **error)
{
  CURL *easy;
  g_autoptr(HdSmtpReceipt) answer = receipt_new ();
  g_autoptr(GBytes) bytes = NULL;
  struct curl_slist *list;
  Transfer transfer = { 0, };
  CURLcode result;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (recipients != NULL && message != NULL, FALSE);

  sender = sender != NULL ? sender : self->account->address;
  if (!hd_mail_account_validate (self->account, error))
    return FALSE;
  if (!address_is_clean (sender))
    return g_set_error (error, HD_MAIL_ERROR, HD_MAIL_ERROR_INVALID,
                        _("“%s” is not an e-mail address."), sender), FALSE;
  list = recipient_list (recipients, error);
  if (list == NULL)
    return FALSE;

  bytes = with_crlf (message);
  transfer = (Transfer) { bytes, 0, answer, NULL };
  easy = hd_mail_curl_get_handle (self->curl);
  /* Servers may refuse more messages on one connection than they like:
   * every SESSION_MESSAGES-th closes it behind it. */
  curl_easy_setopt (easy, CURLOPT_FORBID_REUSE, (long) ((self->sent + 1) % SESSION_MESSAGES == 0));
  set_transfer_options (easy, sender, list, &transfer);
  hd_mail_curl_set_trace_func (self->curl, trace_cb, &transfer);

  result = hd_mail_curl_run (self->curl, cancellable);
  hd_mail_curl_set_trace_func (self->curl, NULL, NULL);
  curl_easy_setopt (easy, CURLOPT_MAIL_RCPT, NULL);
  curl_easy_setopt (easy, CURLOPT_READDATA, NULL);
  g_free (answer->reply);
  answer->reply = g_strdup (hd_mail_curl_get_reply (self->curl));
  if (result != CURLE_OK)
    set_send_error (self->curl, result, answer, error);
  else
    self->sent++;

  g_free (transfer.recipient);
  curl_slist_free_all (list);
  if (receipt != NULL)
    *receipt = g_steal_pointer (&answer);
  return result == CURLE_OK;
}

/**
 * hd_smtp_send:
 *
 * Sends one message over a connection of its own: see
 * hd_smtp_session_send().
 */
gboolean
hd_smtp_send (const HdMailAccount *account,
              const char          *password,
              const char          *sender,
              const char * const  *recipients,
              GBytes              *message,
              HdSmtpReceipt      **receipt,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(HdSmtpSession) session = NULL;

  g_return_val_if_fail (hd_mail_account_has_login (account, password), FALSE);
  g_return_val_if_fail (recipients != NULL && message != NULL, FALSE);

  session = hd_smtp_session_new (account, password);
  return hd_smtp_session_send (session, sender, recipients, message, receipt, cancellable, error);
}

/**
 * hd_smtp_check:
 *
 * Connects to the outgoing server and logs in as hd_smtp_send() would,
 * then says NOOP: sends no message.
 */
gboolean
hd_smtp_check (const HdMailAccount *account,
               const char          *password,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autoptr(HdMailCurl) curl = NULL;
  g_autofree char *url = NULL;
  CURL *easy;

  g_return_val_if_fail (hd_mail_account_has_login (account, password), FALSE);

  curl = hd_mail_curl_new (account, TRUE, password);
  easy = hd_mail_curl_get_handle (curl);
  url = hd_mail_curl_url (curl, NULL);
  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_CUSTOMREQUEST, "NOOP");
  return hd_mail_curl_perform (curl, cancellable, error);
}
