/* hd-mail-loop.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "hd-imap.h"
#include "hd-mail-error.h"
#include "hd-mail-loop.h"
#include "hd-mail-private.h"
#include "hd-smtp.h"

/* Outbox rows claimed at a time. */
#define SEND_BATCH 20

void
hd_mail_pass_report_clear (HdMailPassReport *report)
{
  g_clear_pointer (&report->busy_holder, g_free);
  memset (report, 0, sizeof *report);
}

/**
 * hd_mail_desk_identity:
 *
 * Returns: (transfer full): who this process is, as the mail lease names
 *   it: user, host and process, so that a person reading it knows which
 *   desk fetches
 */
char *
hd_mail_desk_identity (void)
{
  return g_strdup_printf ("%s@%s pid %d", g_get_user_name (), g_get_host_name (), (int) getpid ());
}

static HdMailSecurity
security_of (const char *text)
{
  HdMailSecurity security = HD_MAIL_SECURITY_TLS;

  /* Core stored only the three names; anything else stays TLS. */
  hd_mail_security_from_string (text, &security);
  return security;
}

/**
 * hd_mail_account_from_settings:
 *
 * Returns: (transfer full): the account @settings describe, without a
 *   ca_file (the system's authorities)
 */
HdMailAccount *
hd_mail_account_from_settings (const HdMailSettings *settings)
{
  HdMailAccount *account = hd_mail_account_new ();

  account->imap.host = g_strdup (settings->imap_host);
  account->imap.port = settings->imap_port;
  account->imap.security = security_of (settings->imap_security);
  account->smtp.host = g_strdup (settings->smtp_host);
  account->smtp.port = settings->smtp_port;
  account->smtp.security = security_of (settings->smtp_security);
  account->user = g_strdup (settings->user_name);
  account->folder = g_strdup (settings->imap_folder);
  account->address = g_strdup (settings->address);
  return account;
}

/* The lease, renewed every third of its time. */
typedef struct {
  HdStore    *store;
  const char *holder;
  gint64      renewed;  /* monotonic µs */
} Lease;

static gboolean
lease_take (Lease             *lease,
            HdMailPassReport  *report,
            GError           **error)
{
  gboolean taken = FALSE;
  g_autofree char *other = NULL;

  if (!hd_store_take_mail_lease (lease->store, lease->holder, HD_MAIL_LEASE_SECONDS, &taken,
                                 &other, error))
    return FALSE;
  if (!taken)
    {
      g_free (report->busy_holder);
      report->busy_holder = g_steal_pointer (&other);
    }
  lease->renewed = g_get_monotonic_time ();
  return TRUE;
}

/* FALSE when the lease was lost (another desk took it over: this one was
 * too slow to renew it) or the file failed. */
static gboolean
lease_renew_if_due (Lease             *lease,
                    HdMailPassReport  *report,
                    GError           **error)
{
  if (g_get_monotonic_time () - lease->renewed < HD_MAIL_LEASE_SECONDS * G_USEC_PER_SEC / 3)
    return TRUE;
  if (!lease_take (lease, report, error))
    return FALSE;
  if (report->busy_holder != NULL)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_CONFLICT,
                   _("Another desk (%s) took over reading the mailbox."), report->busy_holder);
      return FALSE;
    }
  return TRUE;
}

static void
lease_release (Lease *lease)
{
  g_autoptr(GError) error = NULL;

  if (!hd_store_release_mail_lease (lease->store, lease->holder, &error))
    g_debug ("The mail lease stays until it expires: %s", error->message);
}

/* Fetching */

typedef struct {
  HdStore          *store;
  HdImapSession    *imap;
  HdMailPassReport *report;
  GCancellable     *cancellable;
  Lease            *lease;
  guint32           uidvalidity;
  GArray           *pending;  /* filed, not yet marked */
  HdMailPassFunc    func;
  gpointer          user_data;
} Fetch;

static gboolean
mark_pending (Fetch   *f,
              GError **error)
{
  if (f->pending->len == 0)
    return TRUE;

  /* Tests stop here, between the commits and the mark, as a desk killed
   * at the worst moment would. */
  if (g_getenv ("HELPDESK_TEST_MAIL_ABORT_BEFORE_MARK") != NULL)
    abort ();

  if (!hd_imap_session_mark_handled (f->imap, f->uidvalidity, (const guint32 *) f->pending->data,
                                     f->pending->len, f->cancellable, error))
    return FALSE;
  f->report->marked += f->pending->len;
  g_array_set_size (f->pending, 0);
  return TRUE;
}

/* Messages read from the server and not filed yet. */
typedef struct {
  GArray    *uids;
  GPtrArray *msgs;     /* HdMailMessage, one per UID */
  gsize      bytes;
  guint      fetched;  /* for the report, counted where it is filed */
  guint      skipped;
} Chunk;

static void
chunk_init (Chunk *chunk)
{
  chunk->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  chunk->msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_mail_message_free);
  chunk->bytes = 0;
  chunk->fetched = chunk->skipped = 0;
}

static void
chunk_empty (Chunk *chunk)
{
  g_array_set_size (chunk->uids, 0);
  g_ptr_array_set_size (chunk->msgs, 0);
  chunk->bytes = 0;
  chunk->fetched = chunk->skipped = 0;
}

static void
chunk_clear (Chunk *chunk)
{
  g_clear_pointer (&chunk->uids, g_array_unref);
  g_clear_pointer (&chunk->msgs, g_ptr_array_unref);
}

/* Reads message @uid into @chunk; one too large or gone meanwhile is left
 * in the mailbox (and not marked). */
static gboolean
fetch_one (Fetch   *f,
           guint32  uid,
           Chunk   *chunk,
           GError **error)
{
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) local = NULL;

  raw = hd_imap_session_fetch (f->imap, f->uidvalidity, uid, HD_MAIL_MAX_MESSAGE_BYTES,
                               f->cancellable, &local);
  if (raw == NULL)
    {
      if (g_error_matches (local, HD_MAIL_ERROR, HD_MAIL_ERROR_TOO_LARGE) ||
          g_error_matches (local, HD_MAIL_ERROR, HD_MAIL_ERROR_GONE))
        {
          g_message ("Message %u of the mailbox left there: %s", uid, local->message);
          chunk->skipped++;
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  chunk->fetched++;
  chunk->bytes += g_bytes_get_size (raw);
  g_array_append_val (chunk->uids, uid);
  g_ptr_array_add (chunk->msgs, hd_mail_parse (raw));
  return TRUE;
}

/* Reads the messages @uids names from @at on until @chunk is full. */
static gboolean
read_chunk (Fetch   *f,
            GArray  *uids,
            guint   *at,
            Chunk   *chunk,
            GError **error)
{
  chunk_empty (chunk);
  while (*at < uids->len && chunk->msgs->len < HD_MAIL_FILE_BATCH &&
         chunk->bytes < HD_MAIL_FILE_BATCH_BYTES)
    {
      if (g_cancellable_set_error_if_cancelled (f->cancellable, error) ||
          !fetch_one (f, g_array_index (uids, guint32, *at), chunk, error))
        return FALSE;
      (*at)++;
    }
  return TRUE;
}

/* The next chunk, read on a thread of its own while this one files the
 * chunk before: the server's time and the file's overlap. The reader
 * alone uses the IMAP session until it is joined. */
typedef struct {
  Fetch    *f;
  GArray   *uids;
  guint     at;
  Chunk     chunk;
  gboolean  ok;
  GError   *error;
  GThread  *thread;
} Reader;

static gpointer
reader_run (gpointer data)
{
  Reader *r = data;

  r->ok = read_chunk (r->f, r->uids, &r->at, &r->chunk, &r->error);
  return NULL;
}

/* With no thread to be had, the chunk is read here and now. */
static void
reader_start (Reader *r)
{
  r->thread = g_thread_try_new ("hd-mail-read", reader_run, r, NULL);
  if (r->thread == NULL)
    reader_run (r);
}

/* Waits for the reader; its error, if any, unless @error is set already. */
static gboolean
reader_join (Reader  *r,
             GError **error)
{
  if (r->thread != NULL)
    g_thread_join (g_steal_pointer (&r->thread));
  if (r->ok)
    return TRUE;
  if (error != NULL && *error == NULL)
    g_propagate_error (error, g_steal_pointer (&r->error));
  g_clear_error (&r->error);
  return FALSE;
}

static void
count_outcome (HdMailPassReport   *report,
               const HdMailFiling *filing)
{
  switch (filing->outcome)
    {
    case HD_MAIL_FILED_TICKET:
      report->tickets++;
      break;
    case HD_MAIL_FILED_REPLY:
      report->replies++;
      break;
    case HD_MAIL_NOT_FILED:
      report->not_filed++;
      break;
    case HD_MAIL_ALREADY_FILED:
      report->already_filed++;
      break;
    default:
      break;
    }
}

/* The chunk's messages filed in one transaction, then owed their marks. */
static gboolean
file_chunk (Fetch   *f,
            Chunk   *chunk,
            GError **error)
{
  guint n = chunk->msgs->len;
  g_autofree HdMailFiling *filings = g_new0 (HdMailFiling, MAX (n, 1));

  f->report->fetched += chunk->fetched;
  f->report->skipped += chunk->skipped;
  if (n == 0)
    return TRUE;
  if (!lease_renew_if_due (f->lease, f->report, error) ||
      !hd_store_file_mail_batch (f->store, (const HdMailMessage * const *) chunk->msgs->pdata, n,
                                 filings, error))
    return FALSE;
  f->report->commits++;
  for (guint i = 0; i < n; i++)
    {
      count_outcome (f->report, &filings[i]);
      hd_mail_filing_clear (&filings[i]);
      g_array_append_val (f->pending, g_array_index (chunk->uids, guint32, i));
      if (f->func != NULL)
        f->func (f->report, f->user_data);
    }
  return TRUE;
}

/* Files the messages @uids names, a chunk at a time, each chunk read
 * while the one before is filed; marks what is owed whenever the reader
 * is idle and enough is. */
static gboolean
file_listed (Fetch   *f,
             GArray  *uids,
             GError **error)
{
  Chunk current;
  Reader next = { f, uids, 0, };
  gboolean ok;

  chunk_init (&current);
  chunk_init (&next.chunk);
  next.ok = TRUE;  /* no reader has failed */
  ok = read_chunk (f, uids, &next.at, &current, error);
  while (ok)
    {
      Chunk filled = current;

      if (next.at < uids->len)
        reader_start (&next);
      ok = file_chunk (f, &filled, error);
      ok = reader_join (&next, error) && ok;
      if (ok && f->pending->len >= HD_MAIL_MARK_BATCH)
        ok = mark_pending (f, error);
      if (!ok || (next.chunk.msgs->len == 0 && next.at >= uids->len && next.chunk.skipped == 0))
        break;
      /* The chunk read becomes the one to file; the filed one is reused. */
      current = next.chunk;
      next.chunk = filled;
      chunk_empty (&next.chunk);
    }
  chunk_clear (&current);
  chunk_clear (&next.chunk);
  return ok;
}

/* The folder listed, filed and marked, then listed again until a listing
 * names no message this pass has not looked at: what arrived meanwhile is
 * filed too. */
static gboolean
fetch_folder (Fetch   *f,
              GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (guint32));
  gboolean changed = FALSE;

  if (!hd_imap_session_open (f->imap, f->cancellable, error))
    return FALSE;
  f->uidvalidity = hd_imap_session_get_uidvalidity (f->imap);
  if (!hd_store_note_mail_uidvalidity (f->store, f->uidvalidity, &changed, error))
    return FALSE;
  f->report->uidvalidity_changed |= changed;

  for (;;)
    {
      g_autoptr(GArray) uids = hd_imap_session_list_unhandled (f->imap, f->cancellable, error);

      if (uids == NULL)
        return FALSE;
      g_array_set_size (fresh, 0);
      for (guint i = 0; i < uids->len; i++)
        if (g_hash_table_add (seen, GUINT_TO_POINTER (g_array_index (uids, guint32, i))))
          g_array_append_val (fresh, g_array_index (uids, guint32, i));
      if (fresh->len > 0 && !file_listed (f, fresh, error))
        return FALSE;
      if (!mark_pending (f, error))
        return FALSE;
      if (fresh->len == 0)
        return TRUE;
    }
}

/**
 * hd_mail_fetch_pass:
 * @store: the file, opened as a staff member
 * @account: the mailbox (hd_mail_account_from_settings())
 * @password: (nullable): its password (hd_mail_sign_in_lookup()); %NULL
 *   when @account signs in through GNOME Online Accounts
 * @holder: this desk (hd_mail_desk_identity())
 * @report: (out caller-allocates): what was done; clear it with
 *   hd_mail_pass_report_clear()
 * @func: (nullable): called after each message
 *
 * Files every message of the folder not yet handled, then marks them
 * handled on the server. When another desk holds the mail lease, does
 * nothing and says who in @report->busy_holder.
 *
 * Returns: %FALSE when the server or the file failed (#HdMailError,
 *   #HdError); what was filed before stays filed
 */
gboolean
hd_mail_fetch_pass (HdStore              *store,
                    const HdMailAccount  *account,
                    const char           *password,
                    const char           *holder,
                    HdMailPassReport     *report,
                    HdMailPassFunc        func,
                    gpointer              user_data,
                    GCancellable         *cancellable,
                    GError              **error)
{
  g_autoptr(GArray) pending = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(HdImapSession) imap = NULL;
  Lease lease = { store, holder, 0 };
  Fetch f = { store, NULL, report, cancellable, &lease, 0, pending, func, user_data };
  gboolean ok = FALSE;

  g_return_val_if_fail (HD_IS_STORE (store), FALSE);
  g_return_val_if_fail (hd_mail_account_has_login (account, password) && holder != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  if (!lease_take (&lease, report, error))
    return FALSE;
  if (report->busy_holder != NULL)
    return TRUE;

  imap = hd_imap_session_new (account, password);
  f.imap = imap;
  /* A folder recreated under the pass is listed once more: what was
   * filed from it already is recognised by its Message-ID. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr(GError) local = NULL;

      g_array_set_size (pending, 0);
      ok = fetch_folder (&f, &local);
      if (ok)
        break;
      if (!g_error_matches (local, HD_MAIL_ERROR, HD_MAIL_ERROR_UIDVALIDITY) || attempt == 2)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          break;
        }
      report->uidvalidity_changed = TRUE;
    }
  lease_release (&lease);
  return ok;
}

/* Sending */

static GStrv
recipients_of (const HdMailOutgoing *out)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_add (builder, out->to_address);
  if (out->cc != NULL)
    {
      g_auto(GStrv) cc = g_strsplit (out->cc, ",", -1);

      for (guint i = 0; cc[i] != NULL; i++)
        {
          char *address = g_strstrip (cc[i]);

          if (*address != '\0' && g_ascii_strcasecmp (address, out->to_address) != 0)
            g_strv_builder_add (builder, address);
        }
    }
  return g_strv_builder_end (builder);
}

static char *
answer_of (HdSmtpReceipt *receipt,
           const GError  *error)
{
  GString *text = g_string_new (NULL);

  if (receipt != NULL && receipt->reply != NULL && *receipt->reply != '\0')
    g_string_append (text, receipt->reply);
  else if (error != NULL)
    g_string_append (text, error->message);
  for (guint i = 0; receipt != NULL && receipt->refused != NULL && i < receipt->refused->len; i++)
    {
      HdSmtpRefusal *refusal = g_ptr_array_index (receipt->refused, i);

      g_string_append_printf (text, "%s%s: %s", text->len > 0 ? "\n" : "", refusal->address,
                              refusal->reply);
    }
  return g_string_free (text, FALSE);
}

/* Whether @error says nothing about the message but about reaching the
 * server or logging in: the rest of the batch would fare the same. */
static gboolean
is_server_error (const GError *error)
{
  return error->domain == HD_MAIL_ERROR && error->code != HD_MAIL_ERROR_SMTP_REFUSED &&
         error->code != HD_MAIL_ERROR_SMTP_TEMPORARY;
}

/**
 * hd_mail_send_pass:
 *
 * Sends every outbox message due, each once, over one connection as long
 * as the server keeps it, marking each sent, failed or postponed
 * (@report). When the server cannot be reached or refuses
 * the login, the messages claimed are postponed and the pass stops with
 * that error. Arguments as hd_mail_fetch_pass().
 */
gboolean
hd_mail_send_pass (HdStore              *store,
                   const HdMailAccount  *account,
                   const char           *password,
                   const char           *holder,
                   HdMailPassReport     *report,
                   HdMailPassFunc        func,
                   gpointer              user_data,
                   GCancellable         *cancellable,
                   GError              **error)
{
  Lease lease = { store, holder, 0 };
  g_autoptr(HdSmtpSession) smtp = NULL;  /* one connection for the pass */
  GError *stop = NULL;

  g_return_val_if_fail (HD_IS_STORE (store), FALSE);
  g_return_val_if_fail (hd_mail_account_has_login (account, password) && holder != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  if (!lease_take (&lease, report, error))
    return FALSE;
  if (report->busy_holder != NULL)
    return TRUE;

  while (stop == NULL)
    {
      g_autoptr(GPtrArray) rows = hd_store_claim_outgoing (store, SEND_BATCH, HD_MAIL_LEASE_SECONDS,
                                                           &stop);

      if (rows == NULL || rows->len == 0)
        break;
      for (guint i = 0; i < rows->len; i++)
        {
          HdMailOutgoing *out = g_ptr_array_index (rows, i);
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(HdSmtpReceipt) receipt = NULL;
          g_autoptr(GError) local = NULL;
          g_auto(GStrv) recipients = NULL;
          g_autofree char *answer = NULL;
          HdMailSendOutcome outcome;

          /* Stopped: the rows left wait for their hold to run out. */
          if (stop != NULL || g_cancellable_set_error_if_cancelled (cancellable, &stop) ||
              !lease_renew_if_due (&lease, report, &stop))
            break;

          /* A public reply's files go with it, read from the file. */
          bytes = hd_mail_compose_with_attachments (store, out, NULL, &stop);
          if (bytes == NULL)
            break;
          recipients = recipients_of (out);
          if (smtp == NULL)
            smtp = hd_smtp_session_new (account, password);
          if (hd_smtp_session_send (smtp, NULL, (const char * const *) recipients, bytes, &receipt,
                                    cancellable, &local))
            outcome = HD_MAIL_SEND_SENT;
          else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              stop = g_steal_pointer (&local);
              break;
            }
          else if (g_error_matches (local, HD_MAIL_ERROR, HD_MAIL_ERROR_SMTP_REFUSED))
            outcome = HD_MAIL_SEND_FAILED;
          else
            outcome = HD_MAIL_SEND_RETRY;

          answer = answer_of (receipt, local);
          if (!hd_store_finish_outgoing (store, out->id, outcome, answer, &stop))
            break;
          if (outcome == HD_MAIL_SEND_SENT)
            report->sent++;
          else if (outcome == HD_MAIL_SEND_FAILED)
            report->failed++;
          else
            report->postponed++;
          if (func != NULL)
            func (report, user_data);

          /* The server is away or refuses the login: the rest of the
           * batch is postponed untried. */
          if (local != NULL && is_server_error (local))
            {
              for (guint j = i + 1; j < rows->len; j++)
                if (hd_store_finish_outgoing (store, ((HdMailOutgoing *) g_ptr_array_index (rows, j))->id,
                                              HD_MAIL_SEND_RETRY, local->message, NULL))
                  report->postponed++;
              stop = g_steal_pointer (&local);
              break;
            }
        }
    }

  lease_release (&lease);
  if (stop != NULL)
    {
      g_propagate_error (error, stop);
      return FALSE;
    }
  return TRUE;
}
