/* test-mail-out.c — what Helpdesk sends on its own
 *
 * Public replies by staff, resolved notices, alerts to staff and the
 * templates of their texts: each is queued in the outbox by the change
 * that causes it, to the right people, threaded, and composed without
 * letting a ticket's title write headers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "hd-mail.h"
#include "hd-store-private.h"
#include "hd-test-util.h"

#define SUPPORT "support@office.example"
#define RITA "rita@example.org"
#define TOM "tom@office.example"

typedef struct {
  char    *path;
  HdStore *disp;
  HdStore *tech;
} Desk;

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
set_email (HdStore    *store,
           const char *login,
           const char *email)
{
  HdPersonChanges changes = HD_PERSON_CHANGES_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) person = NULL;

  changes.email = email;
  person = hd_store_update_person (store, login, &changes, &error);
  g_assert_no_error (error);
}

/* The mailbox's address is written as a row: its settings are not this
 * file's subject. */
static void
desk_set_up (Desk          *desk,
             gconstpointer  data)
{
  desk->disp = hd_test_new_helpdesk (&desk->path);
  set_email (desk->disp, "req1", RITA);
  set_email (desk->disp, "tech1", TOM);
  exec_sql (desk->path, "INSERT INTO mail_account (id, address) VALUES (1, '" SUPPORT "')");
  desk->tech = hd_test_open_as (desk->path, "tech1");
}

static void
desk_tear_down (Desk          *desk,
                gconstpointer  data)
{
  g_clear_object (&desk->tech);
  g_clear_object (&desk->disp);
  g_free (desk->path);
}

static GBytes *
mail (const char *from,
      const char *message_id,
      const char *in_reply_to,
      const char *cc,
      const char *subject,
      const char *body)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, "From: %s\r\nTo: " SUPPORT "\r\n", from);
  if (cc != NULL)
    g_string_append_printf (s, "Cc: %s\r\n", cc);
  g_string_append_printf (s, "Subject: %s\r\nMessage-ID: <%s>\r\n", subject, message_id);
  if (in_reply_to != NULL)
    g_string_append_printf (s, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", in_reply_to,
                            in_reply_to);
  g_string_append_printf (s, "Date: Mon, 7 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", body);
  return g_string_free_to_bytes (g_steal_pointer (&s));
}

static HdMailFiling
file_mail (Desk   *desk,
           GBytes *raw)
{
  g_autoptr(HdMailMessage) msg = hd_mail_parse (raw);
  g_autoptr(GError) error = NULL;
  HdMailFiling filing;

  g_assert_true (hd_store_file_mail (desk->disp, msg, &filing, &error));
  g_assert_no_error (error);
  return filing;
}

/* A ticket by mail from Rita with Carl in Cc: Carl is a participant. */
static gint64
ticket_by_mail (Desk *desk)
{
  g_autoptr(GBytes) raw = mail ("Rita Requester <" RITA ">", "first@example.org", NULL,
                                "Carl Colleague <carl@example.org>", "Printer jams",
                                "It jams on every page.");
  HdMailFiling filing = file_mail (desk, raw);
  gint64 number = filing.ticket;

  g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_TICKET);
  hd_mail_filing_clear (&filing);
  return number;
}

static void
comment (HdStore    *store,
         gint64      number,
         const char *body,
         gboolean    internal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicketEvent) event = hd_store_add_comment (store, number, body, internal, &error);

  g_assert_no_error (error);
}

static gint64
count_kind (Desk       *desk,
            const char *kind)
{
  return hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox WHERE kind = ?", kind);
}

/* The outbox row @id as the send pass composes it. */
static char *
composed (Desk   *desk,
          gint64  id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = hd_store_list_outgoing (desk->disp, FALSE, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      HdMailOutgoing *out = g_ptr_array_index (all, i);

      if (out->id == id)
        {
          g_autoptr(GBytes) bytes = hd_mail_compose (out, NULL);

          return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
        }
    }
  g_assert_not_reached ();
}

/* The value of header @name in @text's header, or NULL. */
static char *
header (const char *text,
        const char *name)
{
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autofree char *prefix = g_strconcat (name, ":", NULL);

  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (g_ascii_strncasecmp (lines[i], prefix, strlen (prefix)) == 0)
      return g_strstrip (g_strdup (lines[i] + strlen (prefix)));
  return NULL;
}

/* Replies */

static void
test_reply_to_requester_and_participants (Desk          *desk,
                                          gconstpointer  data)
{
  gint64 number = ticket_by_mail (desk);
  g_autofree char *to = NULL, *cc = NULL, *subject = NULL, *body = NULL, *refs = NULL;
  g_autofree char *in_reply_to = NULL, *message_id = NULL, *text = NULL, *h = NULL;
  gint64 id;

  comment (desk->tech, number, "Please open the back tray.", FALSE);
  g_assert_cmpint (count_kind (desk, "reply"), ==, 1);

  to = hd_test_query_text (desk->path, "SELECT to_addr FROM mail_outbox WHERE kind = ?", "reply");
  cc = hd_test_query_text (desk->path, "SELECT cc FROM mail_outbox WHERE kind = ?", "reply");
  subject = hd_test_query_text (desk->path, "SELECT subject FROM mail_outbox WHERE kind = ?", "reply");
  body = hd_test_query_text (desk->path, "SELECT body FROM mail_outbox WHERE kind = ?", "reply");
  g_assert_cmpstr (to, ==, RITA);
  g_assert_cmpstr (cc, ==, "carl@example.org");
  g_assert_cmpstr (subject, ==, "[#1] Printer jams");
  g_assert_true (g_str_has_prefix (body, HD_MAIL_REPLY_SEPARATOR "\n"));
  g_assert_nonnull (strstr (body, "Please open the back tray."));
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT automatic FROM mail_outbox WHERE kind = ?",
                              "reply"), ==, 0);

  /* Its own stored Message-ID, threaded to the ticket's mail. */
  message_id = hd_test_query_text (desk->path, "SELECT m.message_id FROM mail_outbox o"
                           " JOIN mail_messages m ON m.id = o.message_id WHERE o.kind = ?", "reply");
  refs = hd_test_query_text (desk->path, "SELECT m.refs FROM mail_outbox o"
                     " JOIN mail_messages m ON m.id = o.message_id WHERE o.kind = ?", "reply");
  in_reply_to = hd_test_query_text (desk->path, "SELECT m.in_reply_to FROM mail_outbox o"
                            " JOIN mail_messages m ON m.id = o.message_id WHERE o.kind = ?", "reply");
  g_assert_true (g_str_has_suffix (message_id, "@office.example"));
  g_assert_true (g_str_has_prefix (refs, "first@example.org "));
  g_assert_nonnull (in_reply_to);
  g_assert_nonnull (strstr (refs, in_reply_to));

  /* As sent: To, Cc, threading, and no Auto-Submitted for a person's words. */
  id = hd_test_query_int (desk->path, "SELECT id FROM mail_outbox WHERE kind = ?", "reply");
  text = composed (desk, id);
  h = header (text, "Cc");
  g_assert_cmpstr (h, ==, "carl@example.org");
  g_clear_pointer (&h, g_free);
  h = header (text, "In-Reply-To");
  g_assert_nonnull (h);
  g_clear_pointer (&h, g_free);
  h = header (text, "Auto-Submitted");
  g_assert_null (h);

  /* An answer by mail to it threads back to the ticket. */
  {
    g_autoptr(GBytes) raw = mail ("Rita Requester <" RITA ">", "second@example.org", message_id,
                                  NULL, "Re: something else", "Done, still jams.\n\n"
                                  HD_MAIL_REPLY_SEPARATOR "\nold text");
    HdMailFiling filing = file_mail (desk, raw);

    g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_REPLY);
    g_assert_cmpint (filing.ticket, ==, number);
    hd_mail_filing_clear (&filing);
  }
  /* ... and is not echoed to anyone. */
  g_assert_cmpint (count_kind (desk, "reply"), ==, 1);
}

/* A reply with files (the window's and ticket attach's way) leaves by
 * mail with them; a note with files does not leave. */
static void
test_reply_with_files (Desk          *desk,
                       gconstpointer  data)
{
  gint64 number = ticket_by_mail (desk);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_input_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_input_free);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data ("%PDF-1.4", 8, NULL);
  g_autoptr(GInputStream) secret = g_memory_input_stream_new_from_data ("secret", 6, NULL);
  g_autoptr(HdTicketEvent) event = NULL;
  g_autoptr(HdTicketEvent) note = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 id;

  g_ptr_array_add (inputs, hd_attachment_input_new_for_stream ("manual.pdf", "application/pdf", 8,
                                                               stream));
  event = hd_store_add_comment_with_files (desk->tech, number, "The manual.", FALSE, inputs, NULL,
                                           &error);
  g_assert_no_error (error);
  g_ptr_array_add (notes, hd_attachment_input_new_for_stream ("notes.txt", "text/plain", 6, secret));
  note = hd_store_add_comment_with_files (desk->tech, number, "Internal.", TRUE, notes, NULL,
                                          &error);
  g_assert_no_error (error);

  g_assert_cmpint (count_kind (desk, "reply"), ==, 1);
  id = hd_test_query_int (desk->path, "SELECT id FROM mail_outbox WHERE kind = ?", "reply");
  files = hd_store_list_outgoing_attachments (desk->disp, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 1);
  g_assert_cmpstr (((HdAttachment *) g_ptr_array_index (files, 0))->name, ==, "manual.pdf");

  {
    g_autoptr(GPtrArray) all = hd_store_list_outgoing (desk->disp, FALSE, &error);

    for (guint i = 0; i < all->len; i++)
      {
        HdMailOutgoing *out = g_ptr_array_index (all, i);

        if (out->id == id)
          {
            g_autoptr(GBytes) bytes = hd_mail_compose_with_attachments (desk->disp, out, NULL,
                                                                        &error);

            g_assert_no_error (error);
            text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          }
      }
  }
  g_assert_nonnull (strstr (text, "manual.pdf"));
  g_assert_null (strstr (text, "notes.txt"));
}

/* Participants whose addresses contain one another's are all written
 * to, each once. */
static void
test_reply_similar_addresses (Desk          *desk,
                              gconstpointer  data)
{
  g_autoptr(GBytes) raw = mail ("Rita Requester <" RITA ">", "similar@example.org", NULL,
                                "<arita@example.org>, <ita@example.org>, <ita@example.org>",
                                "Printer jams", "It jams.");
  HdMailFiling filing = file_mail (desk, raw);
  g_autofree char *to = NULL;
  g_autofree char *cc = NULL;

  g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_TICKET);
  comment (desk->tech, filing.ticket, "On it.", FALSE);
  hd_mail_filing_clear (&filing);
  to = hd_test_query_text (desk->path, "SELECT to_addr FROM mail_outbox WHERE kind = ?", "reply");
  cc = hd_test_query_text (desk->path, "SELECT cc FROM mail_outbox WHERE kind = ?", "reply");
  g_assert_cmpstr (to, ==, RITA);
  g_assert_cmpstr (cc, ==, "arita@example.org,ita@example.org");
}

/* Carl wrote last; the answer still goes to Rita, Carl in Cc. */
static void
test_reply_not_to_last_writer (Desk          *desk,
                               gconstpointer  data)
{
  gint64 number = ticket_by_mail (desk);
  g_autoptr(GBytes) raw = mail ("Carl Colleague <carl@example.org>", "carl-1@example.org",
                                "first@example.org", NULL, "Re: Printer jams", "Mine too.");
  HdMailFiling filing = file_mail (desk, raw);
  g_autofree char *to = NULL;
  g_autofree char *cc = NULL;

  g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_REPLY);
  hd_mail_filing_clear (&filing);
  g_assert_cmpint (count_kind (desk, "reply"), ==, 0);

  comment (desk->tech, number, "Both printers are being fixed.", FALSE);
  to = hd_test_query_text (desk->path, "SELECT to_addr FROM mail_outbox WHERE kind = ?", "reply");
  cc = hd_test_query_text (desk->path, "SELECT cc FROM mail_outbox WHERE kind = ?", "reply");
  g_assert_cmpstr (to, ==, RITA);
  g_assert_cmpstr (cc, ==, "carl@example.org");
}

static void
test_internal_note_stays (Desk          *desk,
                          gconstpointer  data)
{
  gint64 number = ticket_by_mail (desk);
  gint64 before = hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL);

  comment (desk->tech, number, "The toner is from the cheap supplier.", TRUE);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL), ==, before);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox WHERE body LIKE ?",
                              "%cheap supplier%"), ==, 0);
}

/* Staff answering by mail with Rita in Cc: she had it, nobody else is
 * to be told, nothing is queued; without her, she gets it. */
static void
test_staff_mail_reply_not_echoed (Desk          *desk,
                                  gconstpointer  data)
{
  gint64 number = ticket_by_mail (desk);
  g_autoptr(GBytes) all = mail ("Tom <" TOM ">", "tom-1@office.example", "first@example.org",
                                RITA ", carl@example.org", "Re: Printer jams", "On my way.");
  g_autoptr(GBytes) alone = mail ("Tom <" TOM ">", "tom-2@office.example", "first@example.org",
                                  NULL, "Re: Printer jams", "Fixed, I think.");
  HdMailFiling filing = file_mail (desk, all);
  g_autofree char *to = NULL;

  g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_REPLY);
  g_assert_cmpint (filing.ticket, ==, number);
  hd_mail_filing_clear (&filing);
  g_assert_cmpint (count_kind (desk, "reply"), ==, 0);

  filing = file_mail (desk, alone);
  hd_mail_filing_clear (&filing);
  g_assert_cmpint (count_kind (desk, "reply"), ==, 1);
  to = hd_test_query_text (desk->path, "SELECT to_addr FROM mail_outbox WHERE kind = ?", "reply");
  g_assert_cmpstr (to, ==, RITA);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox WHERE to_addr = ?",
                              TOM), ==, 0);
}

/* req2 has no address: nothing can reach her, and the outbox says so. */
static void
test_no_address (Desk          *desk,
                 gconstpointer  data)
{
  g_autoptr(HdStore) req2 = hd_test_open_as (desk->path, "req2");
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (req2, "No address");
  g_autofree char *note = NULL;
  g_autofree char *state = NULL;

  comment (desk->tech, hd_ticket_get_number (ticket), "Noted.", FALSE);
  g_assert_cmpint (count_kind (desk, "reply"), ==, 1);
  state = hd_test_query_text (desk->path, "SELECT state FROM mail_outbox WHERE kind = ?", "reply");
  note = hd_test_query_text (desk->path, "SELECT note FROM mail_outbox WHERE kind = ?", "reply");
  g_assert_cmpstr (state, ==, "failed");
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "req2"));
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox"
                              " WHERE state IN ('queued', 'sending')", NULL), ==, 0);

  /* The outbox as listed says it too, for the window to show. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) all = hd_store_list_outgoing (desk->disp, FALSE, &error);
    HdMailOutgoing *out;

    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, 1);
    out = g_ptr_array_index (all, 0);
    g_assert_cmpstr (out->note, ==, note);
    g_assert_cmpstr (out->state, ==, "failed");
  }
}

/* A title with CR/LF (another tool wrote it) cannot add a header. */
static void
test_title_cannot_inject (Desk          *desk,
                          gconstpointer  data)
{
  gint64 number = ticket_by_mail (desk);
  g_autofree char *text = NULL;
  g_autofree char *bcc = NULL;
  g_autofree char *subject = NULL;
  gint64 id;

  exec_sql (desk->path, "UPDATE tickets SET title = 'Jam' || char(13, 10) || 'Bcc: evil@example.net'"
                        " || char(10) || 'X-Evil: 1 <b>bold</b>' WHERE id = 1");
  comment (desk->tech, number, "Answer.", FALSE);
  id = hd_test_query_int (desk->path, "SELECT id FROM mail_outbox WHERE kind = ?", "reply");
  subject = hd_test_query_text (desk->path, "SELECT subject FROM mail_outbox WHERE kind = ?", "reply");
  g_assert_null (strchr (subject, '\n'));
  g_assert_null (strchr (subject, '\r'));
  g_assert_cmpstr (subject, ==, "[#1] Jam  Bcc: evil@example.net X-Evil: 1 <b>bold</b>");

  text = composed (desk, id);
  bcc = header (text, "Bcc");
  g_assert_null (bcc);
  g_assert_null (header (text, "X-Evil"));
}

/* Resolved */

static void
test_resolved_notice (Desk          *desk,
                      gconstpointer  data)
{
  gint64 number = ticket_by_mail (desk);
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *to = NULL;
  g_autofree char *text = NULL;
  g_autofree char *h = NULL;

  comment (desk->tech, number, "The roller was worn; replaced.", FALSE);
  resolved = hd_store_set_ticket_status (desk->tech, number, 0, HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_kind (desk, "resolved"), ==, 1);
  to = hd_test_query_text (desk->path, "SELECT to_addr FROM mail_outbox WHERE kind = ?", "resolved");
  body = hd_test_query_text (desk->path, "SELECT body FROM mail_outbox WHERE kind = ?", "resolved");
  g_assert_cmpstr (to, ==, RITA);
  g_assert_true (g_str_has_prefix (body, HD_MAIL_REPLY_SEPARATOR));
  g_assert_nonnull (strstr (body, "The roller was worn; replaced."));
  g_assert_nonnull (strstr (body, "reply to this message"));

  text = composed (desk, hd_test_query_int (desk->path, "SELECT id FROM mail_outbox WHERE kind = ?",
                                    "resolved"));
  h = header (text, "Auto-Submitted");
  g_assert_cmpstr (h, ==, "auto-generated");

  /* Answering reopens it (filing does), and resolving again tells again. */
  {
    g_autofree char *message_id = hd_test_query_text (desk->path, "SELECT m.message_id FROM mail_outbox o"
                                              " JOIN mail_messages m ON m.id = o.message_id"
                                              " WHERE o.kind = ?", "resolved");
    g_autoptr(GBytes) raw = mail ("Rita Requester <" RITA ">", "again@example.org", message_id,
                                  NULL, "Re: x", "It jams again.");
    HdMailFiling filing = file_mail (desk, raw);
    g_autoptr(HdTicket) again = NULL;

    g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_REPLY);
    hd_mail_filing_clear (&filing);
    again = hd_store_get_ticket (desk->disp, number, &error);
    g_assert_cmpint (hd_ticket_get_status (again), ==, HD_STATUS_OPEN);
  }
}

/* A change that does not commit queues nothing. */
static void
test_refused_change_queues_nothing (Desk          *desk,
                                    gconstpointer  data)
{
  g_autoptr(HdStore) req2 = hd_test_open_as (desk->path, "req2");
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicketEvent) event = NULL;
  gint64 number = ticket_by_mail (desk);
  gint64 before = hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL);

  /* Not her ticket. */
  event = hd_store_add_comment (req2, number, "Me too", FALSE, &error);
  g_assert_null (event);
  g_assert_nonnull (error);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL), ==, before);
}

/* Without a mailbox nothing is queued, to be sent when one is set up. */
static void
test_no_mailbox (Desk          *desk,
                 gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (desk->disp, "No mailbox yet");
  g_autoptr(HdTicket) resolved = NULL;
  g_autoptr(GError) error = NULL;

  exec_sql (desk->path, "DELETE FROM mail_account");
  exec_sql (desk->path, "UPDATE tickets SET requester_id = (SELECT id FROM people WHERE login = 'req1')");
  comment (desk->tech, hd_ticket_get_number (ticket), "Hello.", FALSE);
  resolved = hd_store_set_ticket_status (desk->tech, hd_ticket_get_number (ticket), 0,
                                         HD_STATUS_RESOLVED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL), ==, 0);
}

/* Alerts */

static void
set_alert_mail (HdStore    *store,
                const char *login,
                const char *delivery,
                int         start,
                int         end)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_store_set_alert_mail (store, login, delivery, start, end, &error));
  g_assert_no_error (error);
}

static void
assign (HdStore    *store,
        gint64      number,
        const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_store_assign_ticket (store, number, 0, login, &error);

  g_assert_no_error (error);
}

static void
test_alert_assigned_by_mail (Desk          *desk,
                             gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (desk->disp, "Screen dark");
  g_autoptr(HdTicket) other = hd_test_file_ticket (desk->disp, "Mouse gone");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  g_autofree char *h = NULL;

  /* Desktop only: no mail. */
  assign (desk->disp, hd_ticket_get_number (other), "tech1");
  g_assert_cmpint (count_kind (desk, "alert"), ==, 0);

  set_alert_mail (desk->tech, "tech1", "email", -1, -1);
  assign (desk->disp, hd_ticket_get_number (ticket), "tech1");
  g_assert_cmpint (count_kind (desk, "alert"), ==, 1);
  subject = hd_test_query_text (desk->path, "SELECT subject FROM mail_outbox WHERE kind = ?", "alert");
  g_assert_cmpstr (subject, ==, "[#1] Assigned to you: Screen dark");
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox o"
                              " JOIN alerts a ON a.id = o.alert_id WHERE o.to_addr = ?", TOM),
                   ==, 1);

  text = composed (desk, hd_test_query_int (desk->path, "SELECT id FROM mail_outbox WHERE kind = ?",
                                    "alert"));
  h = header (text, "Auto-Submitted");
  g_assert_cmpstr (h, ==, "auto-generated");
  g_clear_pointer (&h, g_free);
  h = header (text, "X-Auto-Response-Suppress");
  g_assert_cmpstr (h, ==, "All");

  /* By mail only: the desktop does not show it too (the other, from
   * before, it does). */
  shown = hd_store_take_alerts (desk->tech, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shown->len, ==, 1);
  g_assert_cmpint (hd_alert_get_ticket_number (g_ptr_array_index (shown, 0)), ==,
                   hd_ticket_get_number (other));
}

/* Never to whoever made the change. */
static void
test_alert_not_to_actor (Desk          *desk,
                         gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (desk->disp, "Keyboard");
  g_autoptr(HdStore) req1 = hd_test_open_as (desk->path, "req1");
  g_autoptr(HdTicket) by_rita = NULL;

  set_alert_mail (desk->tech, "tech1", "both", -1, -1);
  assign (desk->tech, hd_ticket_get_number (ticket), "tech1");
  g_assert_cmpint (count_kind (desk, "alert"), ==, 0);

  /* New tickets reach the dispatcher, but not the ones she files. */
  set_email (desk->disp, "disp", "dana@office.example");
  set_alert_mail (desk->disp, "disp", "both", -1, -1);
  g_clear_object (&ticket);
  ticket = hd_test_file_ticket (desk->disp, "Filed by the dispatcher");
  g_assert_cmpint (count_kind (desk, "alert"), ==, 0);
  by_rita = hd_test_file_ticket (req1, "Filed by Rita");
  g_assert_cmpint (count_kind (desk, "alert"), ==, 1);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox o"
                              " JOIN alerts al ON al.id = o.alert_id"
                              " WHERE o.kind = 'alert' AND o.to_addr = ? AND al.kind = 'new-ticket'",
                              "dana@office.example"), ==, 1);
}

/* A ticket's new-ticket alert is a row like the others' (one per
 * dispatcher who chose mail), and its mail names it: the same message
 * filed again, from another desk, and a pass raising due alerts queue
 * nothing more. The desktop does not show new tickets as alerts. */
static void
test_alert_new_ticket_once (Desk          *desk,
                            gconstpointer  data)
{
  g_autoptr(GBytes) raw = mail ("Rita Requester <" RITA ">", "new-once@example.org", NULL, NULL,
                                "Scanner offline", "The scanner is offline.");
  g_autoptr(HdStore) disp2 = NULL;
  g_autoptr(HdMailMessage) msg = hd_mail_parse (raw);
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GError) error = NULL;
  HdPersonDraft draft = { .login = "disp2", .name = "Dora", .role = HD_ROLE_DISPATCHER };
  g_autoptr(HdPerson) dora = hd_store_add_person (desk->disp, &draft, &error);
  HdMailFiling filing;
  gint64 number;

  g_assert_no_error (error);
  set_email (desk->disp, "disp", "dana@office.example");
  set_email (desk->disp, "disp2", "dora@office.example");
  set_alert_mail (desk->disp, "disp", "email", -1, -1);
  set_alert_mail (desk->disp, "disp2", "both", -1, -1);

  filing = file_mail (desk, raw);
  number = filing.ticket;
  g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_TICKET);
  hd_mail_filing_clear (&filing);

  /* Again: the second desk files the same message, and raises alerts. */
  disp2 = hd_test_open_as (desk->path, "disp2");
  g_assert_true (hd_store_file_mail (disp2, msg, &filing, &error));
  g_assert_no_error (error);
  g_assert_cmpint (filing.outcome, ==, HD_MAIL_ALREADY_FILED);
  hd_mail_filing_clear (&filing);
  g_assert_true (hd_store_raise_due_alerts (disp2, 0, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (number, ==, 1);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM alerts"
                                      " WHERE kind = 'new-ticket' AND ticket_id = 1 AND deadline = 0",
                                      NULL), ==, 2);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox o"
                                      " JOIN alerts al ON al.id = o.alert_id"
                                      " WHERE al.kind = 'new-ticket' AND o.to_addr = ?",
                                      "dana@office.example"), ==, 1);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox o"
                                      " JOIN alerts al ON al.id = o.alert_id"
                                      " WHERE al.kind = 'new-ticket' AND o.to_addr = ?",
                                      "dora@office.example"), ==, 1);
  g_assert_cmpint (count_kind (desk, "alert"), ==, 2);

  shown = hd_store_take_alerts (desk->disp, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shown->len, ==, 0);
  g_clear_pointer (&shown, g_ptr_array_unref);
  shown = hd_store_take_alerts (disp2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shown->len, ==, 0);
}

/* Tom answers the alert that the ticket is his: mail only staff had.
 * His answer is an internal note, and nothing goes to Rita; written to
 * the helpdesk naming the ticket, it is a public reply that does. */
static void
test_alert_answer_is_internal (Desk          *desk,
                               gconstpointer  data)
{
  gint64 number = ticket_by_mail (desk);
  g_autofree char *alert_id = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) public = NULL;
  g_autoptr(HdTicketEvent) note = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  HdMailFiling filing;

  set_alert_mail (desk->tech, "tech1", "email", -1, -1);
  assign (desk->disp, number, "tech1");
  alert_id = hd_test_query_text (desk->path, "SELECT m.message_id FROM mail_outbox o"
                                 " JOIN mail_messages m ON m.id = o.message_id"
                                 " WHERE o.kind = ?", "alert");
  g_assert_nonnull (alert_id);

  answer = mail ("Tom <" TOM ">", "tom-alert@office.example", alert_id, NULL,
                 "Re: [#1] Assigned to you: Printer jams",
                 "Rita again; her printer is the one we meant to replace.");
  filing = file_mail (desk, answer);
  g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_REPLY);
  g_assert_cmpint (filing.ticket, ==, number);
  hd_mail_filing_clear (&filing);
  events = hd_store_list_events (desk->disp, number, &error);
  g_assert_no_error (error);
  note = g_object_ref (g_ptr_array_index (events, events->len - 1));
  g_assert_cmpint (hd_ticket_event_get_kind (note), ==, HD_EVENT_NOTE);
  g_assert_cmpint (count_kind (desk, "reply"), ==, 0);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox WHERE to_addr = ?",
                                      RITA), ==, 1);  /* the acknowledgement */

  public = mail ("Tom <" TOM ">", "tom-public@office.example", NULL, NULL,
                 "[#1] Printer jams", "I will come by at ten.");
  filing = file_mail (desk, public);
  g_assert_cmpint (filing.outcome, ==, HD_MAIL_FILED_REPLY);
  hd_mail_filing_clear (&filing);
  g_assert_cmpint (count_kind (desk, "reply"), ==, 1);
}

/* SLA alerts: once per alert row, however often they are raised. */
static void
test_alert_sla_once (Desk          *desk,
                     gconstpointer  data)
{
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (desk->disp, "Server down");
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) other_desk = hd_test_open_as (desk->path, "tech2");
  guint raised = 0;

  set_alert_mail (desk->tech, "tech1", "both", -1, -1);
  assign (desk->disp, hd_ticket_get_number (ticket), "tech1");
  g_assert_cmpint (count_kind (desk, "alert"), ==, 1);

  /* Long after the deadline: a breach, to tech1 and the dispatcher
   * (who has no address). */
  g_assert_true (hd_store_raise_due_alerts (desk->disp, G_MAXINT64 / 2, &raised, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (raised, ==, 2);
  g_assert_cmpint (count_kind (desk, "alert"), ==, 2);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox o JOIN alerts a"
                              " ON a.id = o.alert_id WHERE a.kind = ?", "sla-breach"), ==, 1);

  g_assert_true (hd_store_raise_due_alerts (other_desk, G_MAXINT64 / 2, &raised, &error));
  g_assert_cmpuint (raised, ==, 0);
  g_assert_cmpint (count_kind (desk, "alert"), ==, 2);
}

/* Automatic messages to one address: three an hour. */
static void
test_alert_rate_limit (Desk          *desk,
                       gconstpointer  data)
{
  set_alert_mail (desk->tech, "tech1", "email", -1, -1);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *title = g_strdup_printf ("Ticket %d", i);
      g_autoptr(HdTicket) ticket = hd_test_file_ticket (desk->disp, title);

      assign (desk->disp, hd_ticket_get_number (ticket), "tech1");
    }
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM alerts", NULL), ==, 5);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox WHERE to_addr = ?",
                              TOM), ==, 3);
}

static gint64
utc_at (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

/* Quiet hours 22:00–07:00 in the helpdesk's zone, across midnight. */
static void
test_quiet_hours (void)
{
  g_autoptr(GTimeZone) berlin = NULL;
  int start = 22 * 60, end = 7 * 60;

  if (!hd_test_have_zone ("Europe/Berlin"))
    {
      g_test_skip ("No time zone data for Europe/Berlin");
      return;
    }
  berlin = g_time_zone_new_identifier ("Europe/Berlin");

  /* 23:30 in Berlin: until 07:00 the next morning. */
  g_assert_cmpint (hd_store_mail_after_quiet (berlin, start, end, utc_at ("2026-12-07T23:30:00+01:00")),
                   ==, utc_at ("2026-12-08T07:00:00+01:00"));
  /* 03:00: until 07:00 the same morning. */
  g_assert_cmpint (hd_store_mail_after_quiet (berlin, start, end, utc_at ("2026-12-08T03:00:00+01:00")),
                   ==, utc_at ("2026-12-08T07:00:00+01:00"));
  /* Noon, 07:00 and 21:59: at once. */
  g_assert_cmpint (hd_store_mail_after_quiet (berlin, start, end, utc_at ("2026-12-08T12:00:00+01:00")),
                   ==, utc_at ("2026-12-08T12:00:00+01:00"));
  g_assert_cmpint (hd_store_mail_after_quiet (berlin, start, end, utc_at ("2026-12-08T07:00:00+01:00")),
                   ==, utc_at ("2026-12-08T07:00:00+01:00"));
  g_assert_cmpint (hd_store_mail_after_quiet (berlin, start, end, utc_at ("2026-12-08T21:59:00+01:00")),
                   ==, utc_at ("2026-12-08T21:59:00+01:00"));
  /* Within one day: 12:00–13:00. */
  g_assert_cmpint (hd_store_mail_after_quiet (berlin, 720, 780, utc_at ("2026-12-08T12:30:00+01:00")),
                   ==, utc_at ("2026-12-08T13:00:00+01:00"));
  /* None. */
  g_assert_cmpint (hd_store_mail_after_quiet (berlin, -1, -1, utc_at ("2026-12-08T23:00:00+01:00")),
                   ==, utc_at ("2026-12-08T23:00:00+01:00"));
}

/* An alert raised in the recipient's quiet hours waits for their end. */
static void
test_alert_waits_for_quiet_hours (Desk          *desk,
                                  gconstpointer  data)
{
  g_autoptr(HdCalendar) cal = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  gint64 night;

  if (!hd_test_have_zone ("Europe/Berlin"))
    {
      g_test_skip ("No time zone data for Europe/Berlin");
      return;
    }
  cal = hd_test_new_calendar ("Europe/Berlin", "mon-fri 08:00-17:00", "");
  g_assert_true (hd_store_set_calendar (desk->disp, cal, &error));
  g_assert_no_error (error);

  set_alert_mail (desk->disp, "tech1", "email", 22 * 60, 7 * 60);
  night = utc_at ("2026-12-07T23:30:00+01:00");
  hd_store_set_time_for_testing (desk->disp, night);
  ticket = hd_test_file_ticket (desk->disp, "At night");
  assign (desk->disp, hd_ticket_get_number (ticket), "tech1");
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT next_try_at FROM mail_outbox WHERE to_addr = ?",
                              TOM), ==, utc_at ("2026-12-08T07:00:00+01:00"));
}

static void
test_alert_settings_rules (Desk          *desk,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *delivery = NULL;
  int start, end;

  /* Someone else's settings: dispatcher only. */
  g_assert_false (hd_store_set_alert_mail (desk->tech, "tech2", "email", -1, -1, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (hd_store_set_alert_mail (desk->tech, "tech1", "pigeon", -1, -1, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (hd_store_set_alert_mail (desk->tech, "tech1", "email", 1440, 60, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  set_alert_mail (desk->disp, "tech2", "both", 1200, 360);
  g_assert_true (hd_store_get_alert_mail (desk->disp, "tech2", &delivery, &start, &end, &error));
  g_assert_cmpstr (delivery, ==, "both");
  g_assert_cmpint (start, ==, 1200);
  g_assert_cmpint (end, ==, 360);
  g_clear_pointer (&delivery, g_free);

  /* Reading them too: a technician reads their own, not a colleague's
   * (quiet hours say when someone is off work). */
  g_assert_false (hd_store_get_alert_mail (desk->tech, "tech2", &delivery, &start, &end, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_assert_null (delivery);
  g_clear_error (&error);
  g_assert_true (hd_store_get_alert_mail (desk->tech, "tech1", &delivery, &start, &end, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (delivery, ==, "desktop");
}

/* Templates */

static void
test_templates (Desk          *desk,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *body = NULL;
  g_autofree const char **names = hd_mail_template_names ();
  gint64 number = ticket_by_mail (desk);
  gint64 before;
  gboolean custom = TRUE;

  g_assert_cmpuint (g_strv_length ((char **) names), ==, 7);
  g_assert_cmpstr (hd_mail_template_title ("alert-sla-breach"), ==, "Alert: Deadline Passed");
  g_assert_null (hd_mail_template_title ("farewell"));
  {
    g_autofree const char **words = hd_mail_template_placeholders ();

    /* Every placeholder says what it stands for, and is accepted. */
    g_assert_cmpuint (g_strv_length ((char **) words), ==, 6);
    for (guint i = 0; words[i] != NULL; i++)
      {
        g_autofree char *braced = g_strdup_printf ("{%s}", words[i]);

        g_assert_nonnull (hd_mail_template_placeholder_meaning (words[i]));
        g_assert_true (hd_store_set_mail_template (desk->disp, "reply", braced, &error));
        g_assert_no_error (error);
      }
    g_assert_null (hd_mail_template_placeholder_meaning ("requestor"));
    g_assert_true (hd_store_set_mail_template (desk->disp, "reply", NULL, &error));
  }
  text = hd_store_get_mail_template (desk->disp, "reply", &custom, &error);
  g_assert_no_error (error);
  g_assert_false (custom);
  g_assert_cmpstr (text, ==, hd_mail_template_default ("reply"));

  /* Only the dispatcher edits; unknown placeholders are refused. */
  g_assert_false (hd_store_set_mail_template (desk->tech, "reply", "Hi", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (hd_store_set_mail_template (desk->disp, "reply", "Hi {requestor}", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (hd_store_set_mail_template (desk->disp, "farewell", "Hi", &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (hd_store_set_mail_template (desk->disp, "reply",
                                             "Dear {requester}, {technician} says on #{number}"
                                             " ({title}):\n{text}", &error));
  g_assert_no_error (error);

  /* The preview renders for the ticket and queues nothing. */
  before = hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL);
  g_assert_true (hd_store_preview_mail_template (desk->disp, "reply", number, NULL, &subject,
                                                 &preview, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL), ==, before);
  g_assert_cmpstr (subject, ==, "[#1] Printer jams");
  g_assert_true (g_str_has_prefix (preview, HD_MAIL_REPLY_SEPARATOR "\n\nDear req1, "));
  g_assert_nonnull (strstr (preview, "#1 (Printer jams)"));

  /* The dispatcher's text is the one sent. */
  comment (desk->tech, number, "New toner.", FALSE);
  body = hd_test_query_text (desk->path, "SELECT body FROM mail_outbox WHERE kind = ?", "reply");
  g_assert_nonnull (strstr (body, "Dear req1, tech1 says on #1 (Printer jams):\nNew toner."));

  /* Reset: the default again. */
  g_assert_true (hd_store_set_mail_template (desk->disp, "reply", NULL, &error));
  g_clear_pointer (&text, g_free);
  text = hd_store_get_mail_template (desk->disp, "reply", &custom, &error);
  g_assert_false (custom);
  g_assert_cmpstr (text, ==, hd_mail_template_default ("reply"));

  /* A text another program wrote that is not UTF-8 is read as UTF-8. */
  exec_sql (desk->path, "INSERT INTO mail_templates (name, body, updated_at)"
                        " VALUES ('resolved', CAST (X'48656c6c6f20ff7b7469746c657d' AS TEXT), 0)");
  g_clear_pointer (&text, g_free);
  text = hd_store_get_mail_template (desk->disp, "resolved", &custom, &error);
  g_assert_no_error (error);
  g_assert_true (custom);
  g_assert_cmpstr (text, ==, "Hello \xef\xbf\xbd{title}");
}

/* The acknowledgement is a template too. */
static void
test_acknowledgement_template (Desk          *desk,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  g_assert_true (hd_store_set_mail_template (desk->disp, "acknowledgement",
                                             "Got it, {requester}: #{number}.", &error));
  ticket_by_mail (desk);
  body = hd_test_query_text (desk->path, "SELECT body FROM mail_outbox WHERE kind = ?", "acknowledgement");
  g_assert_cmpstr (body, ==, HD_MAIL_REPLY_SEPARATOR "\n\nGot it, req1: #1.\n");
}

/* The CLI: helpdesk-cli mail template and mail alerts. */
static void
test_cli (Desk          *desk,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *stored = NULL;
  gint64 number = ticket_by_mail (desk);
  gint64 before = hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL);

  g_assert_cmpint (number, ==, 1);
  g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "template", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "alert-sla-breach"));

  g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "template", "set", "resolved",
                                    "--text", "Solved, {requester}: {text}", NULL), ==, 0);
  stored = hd_test_query_text (desk->path, "SELECT body FROM mail_templates WHERE name = ?", "resolved");
  g_assert_cmpstr (stored, ==, "Solved, {requester}: {text}");

  g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "template", "preview",
                                    "resolved", "1", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Subject: [#1] Printer jams\n"));
  g_assert_nonnull (strstr (out, "Solved, req1: "));
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_outbox", NULL), ==, before);

  g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "template", "set", "reply",
                                    "--text", "{nope}", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "{nope}"));
  {
    g_autofree char *nul = hd_test_new_path ("nul.txt");

    g_assert_true (g_file_set_contents (nul, "Hi\0{requester}", 14, NULL));
    g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "template", "set", "reply",
                                      "--file", nul, NULL), ==, 2);
    g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_templates WHERE name = ?",
                                "reply"), ==, 0);
  }
  g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "template", "reset",
                                    "resolved", NULL), ==, 0);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT count(*) FROM mail_templates", NULL), ==, 0);

  g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "alerts", "tech1",
                                    "--delivery", "email", "--quiet", "22:30-06:15", NULL), ==, 0);
  g_assert_cmpint (hd_test_query_int (desk->path, "SELECT quiet_start * 10000 + quiet_end FROM people"
                              " WHERE login = ?", "tech1"), ==, 1350 * 10000 + 375);
  g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "alerts", "tech1",
                                    "--quiet", "7pm", NULL), ==, 1);
  g_assert_cmpint (hd_test_run_cli (desk->path, &out, &err, "mail", "alerts", "tech1",
                                    "--quiet", "none", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "alerts by email, no quiet hours"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/mail-out/" name, Desk, NULL, desk_set_up, func, desk_tear_down)

  ADD ("reply/to-requester-and-participants", test_reply_to_requester_and_participants);
  ADD ("reply/not-to-last-writer", test_reply_not_to_last_writer);
  ADD ("reply/similar-addresses", test_reply_similar_addresses);
  ADD ("reply/with-files", test_reply_with_files);
  ADD ("reply/internal-note-stays", test_internal_note_stays);
  ADD ("reply/staff-mail-not-echoed", test_staff_mail_reply_not_echoed);
  ADD ("reply/no-address", test_no_address);
  ADD ("reply/title-cannot-inject", test_title_cannot_inject);
  ADD ("reply/refused-change-queues-nothing", test_refused_change_queues_nothing);
  ADD ("reply/no-mailbox", test_no_mailbox);
  ADD ("resolved/notice", test_resolved_notice);
  ADD ("alert/assigned-by-mail", test_alert_assigned_by_mail);
  ADD ("alert/not-to-actor", test_alert_not_to_actor);
  ADD ("alert/new-ticket-once", test_alert_new_ticket_once);
  ADD ("alert/answer-is-internal", test_alert_answer_is_internal);
  ADD ("alert/sla-once", test_alert_sla_once);
  ADD ("alert/rate-limit", test_alert_rate_limit);
  ADD ("alert/waits-for-quiet-hours", test_alert_waits_for_quiet_hours);
  ADD ("alert/settings-rules", test_alert_settings_rules);
  g_test_add_func ("/mail-out/alert/quiet-hours", test_quiet_hours);
  ADD ("template/edit-preview-reset", test_templates);
  ADD ("template/acknowledgement", test_acknowledgement_template);
  ADD ("cli", test_cli);

  return g_test_run ();
}
