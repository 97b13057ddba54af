/* hd-store-mail-out.c — what Helpdesk sends on its own, queued in the
 * transaction of the change that causes it
 *
 * A public reply by staff, a resolved ticket, a new ticket and the alerts
 * each put their message in mail_outbox inside the caller's write
 * transaction: a change that does not commit sends nothing, and one that
 * commits cannot lose its mail. The send pass (src/mail) composes and
 * sends the rows later, from whichever desk holds the mail lease.
 *
 * Messages to requesters go to the ticket's requester with its
 * participants in Cc, never to whoever wrote last; each carries its own
 * stored Message-ID, the ticket's thread in In-Reply-To and References,
 * the subject "[#N] Title", and Helpdesk's separator line above which an
 * answer is kept. Alerts go to staff who chose mail for them, never to
 * whoever caused them, and wait for the end of the recipient's quiet
 * hours. Automatic messages to one address obey the rate of hd-store-mail.c.
 *
 * The texts are templates: translated defaults the dispatcher may replace
 * in the file, with placeholders filled from the ticket.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-rules.h"
#include "hd-store-private.h"

/* Automatic messages to one address per hour (see hd-store-mail.c). */
#define AUTOMATIC_PER_HOUR 3
/* Message-IDs of the ticket's thread a message names in References. */
#define MAX_REFERENCES 10

/* Templates */

typedef struct {
  const char *name;
  const char *title;
  const char *description;
  const char *body;
} Template;

static const Template templates[] = {
  { "acknowledgement", N_("Acknowledgement"), N_("To the requester when a request arrives by mail"),
    N_("Hello {requester},\n\n"
       "Your request has been received as ticket #{number}, “{title}”.\n"
       "We will answer you by mail. To add to it, reply to this message.") },
  { "reply", N_("Public Reply"), N_("A public reply by staff, to the requester and the participants"),
    N_("{technician} wrote on ticket #{number}, “{title}”:\n\n"
       "{text}\n\n"
       "To answer, reply to this message.") },
  { "resolved", N_("Ticket Resolved"), N_("To the requester when the ticket is resolved"),
    N_("Hello {requester},\n\n"
       "Ticket #{number}, “{title}”, has been resolved.\n\n"
       "{text}\n\n"
       "If the problem is not solved, reply to this message: the ticket opens again.") },
  { "alert-new-ticket", N_("Alert: New Ticket"), N_("To dispatchers when a ticket is filed"),
    N_("A new ticket was filed by {requester}: #{number}, “{title}”.\n\n{text}") },
  { "alert-assigned", N_("Alert: Assigned to You"), N_("To a technician when a ticket is assigned to them"),
    N_("Ticket #{number}, “{title}”, from {requester}, has been assigned to you by {technician}.\n\n"
       "Deadline: {deadline}") },
  { "alert-sla-warning", N_("Alert: Deadline Near"), N_("To the assignee and dispatchers when a deadline is near"),
    N_("The deadline of ticket #{number}, “{title}”, is near: {deadline}.\n\n"
       "Assigned to: {technician}") },
  { "alert-sla-breach", N_("Alert: Deadline Passed"), N_("To the assignee and dispatchers when a deadline has passed"),
    N_("The deadline of ticket #{number}, “{title}”, has passed: {deadline}.\n\n"
       "Assigned to: {technician}") },
};

/* Each placeholder, and what it stands for. */
static const struct {
  const char *name;
  const char *meaning;
} placeholders[] = {
  { "requester", N_("The requester’s name") },
  { "number", N_("The ticket’s number") },
  { "title", N_("The ticket’s title") },
  { "text", N_("The reply, the solution, or the ticket’s description for the acknowledgement and alerts") },
  { "technician", N_("Who wrote the reply, resolved the ticket or made the assignment; otherwise the assignee") },
  { "deadline", N_("The ticket’s deadline, in the helpdesk’s time zone") },
};

static const Template *
find_template (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    if (g_strcmp0 (templates[i].name, name) == 0)
      return &templates[i];
  return NULL;
}

static gboolean
check_template_name (const char  *name,
                     GError     **error)
{
  if (find_template (name) != NULL)
    return TRUE;
  g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND, _("There is no mail template “%s”."),
               name != NULL ? name : "");
  return FALSE;
}

/**
 * hd_mail_template_names:
 *
 * Returns: (transfer container) (element-type utf8): the templates' names,
 *   NULL-terminated; free with g_free()
 */
const char **
hd_mail_template_names (void)
{
  const char **names = g_new0 (const char *, G_N_ELEMENTS (templates) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    names[i] = templates[i].name;
  return names;
}

/* The template's name for people, translated; NULL for an unknown name. */
const char *
hd_mail_template_title (const char *name)
{
  const Template *t = find_template (name);

  return t != NULL ? _(t->title) : NULL;
}

/**
 * hd_mail_template_placeholders:
 *
 * Returns: (transfer container) (element-type utf8): the names a template
 *   may hold in braces, NULL-terminated; free with g_free()
 */
const char **
hd_mail_template_placeholders (void)
{
  const char **names = g_new0 (const char *, G_N_ELEMENTS (placeholders) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
    names[i] = placeholders[i].name;
  return names;
}

/* What placeholder @name stands for, translated; NULL for an unknown one. */
const char *
hd_mail_template_placeholder_meaning (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
    if (g_strcmp0 (placeholders[i].name, name) == 0)
      return _(placeholders[i].meaning);
  return NULL;
}

/* What the template is for, translated; NULL for an unknown name. */
const char *
hd_mail_template_describe (const char *name)
{
  const Template *t = find_template (name);

  return t != NULL ? _(t->description) : NULL;
}

/* The translated default text of template @name; NULL for an unknown name. */
const char *
hd_mail_template_default (const char *name)
{
  const Template *t = find_template (name);

  return t != NULL ? _(t->body) : NULL;
}

/* Each "{word}" of @text, with @fill (NULL: check only); FALSE with
 * @error for an unknown word, so a typing error is not mailed out. */
static gboolean
expand (const char  *text,
        GHashTable  *fill,
        GString     *out,
        GError     **error)
{
  const char *p = text;

  while (*p != '\0')
    {
      const char *open = strchr (p, '{');
      const char *close = open != NULL ? strchr (open, '}') : NULL;
      g_autofree char *word = NULL;
      gboolean known = FALSE;

      if (open == NULL || close == NULL)
        {
          if (out != NULL)
            g_string_append (out, p);
          break;
        }
      if (out != NULL)
        g_string_append_len (out, p, open - p);
      word = g_strndup (open + 1, close - open - 1);
      known = hd_mail_template_placeholder_meaning (word) != NULL;
      if (!known)
        {
          g_autofree const char **names = hd_mail_template_placeholders ();
          g_autofree char *all = g_strjoinv (", ", (char **) names);

          g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                       _("A template has no placeholder “{%s}”; there are: %s."), word, all);
          return FALSE;
        }
      if (out != NULL)
        g_string_append (out, fill != NULL ? g_hash_table_lookup (fill, word) : "");
      p = close + 1;
    }
  return TRUE;
}

static char *
load_template (HdStore     *self,
               const char  *name,
               gboolean    *custom,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT body FROM mail_templates WHERE name = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (custom != NULL)
    *custom = rc == SQLITE_ROW;
  /* Another program may have written anything there: it is read as
   * UTF-8, with replacement characters for what is not. */
  if (rc == SQLITE_ROW)
    return g_utf8_make_valid (hd_column_text (stmt, 0), -1);
  if (rc == SQLITE_DONE)
    return g_strdup (hd_mail_template_default (name));
  hd_store_set_error_from_db (self, rc, error);
  return NULL;
}

/**
 * hd_store_get_mail_template:
 * @custom: (out) (optional): whether the dispatcher replaced the default
 *
 * The text template @name has in this file: the dispatcher's, or the
 * translated default. Staff only.
 */
char *
hd_store_get_mail_template (HdStore     *self,
                            const char  *name,
                            gboolean    *custom,
                            GError     **error)
{
  g_return_val_if_fail (HD_IS_STORE (self), NULL);

  if (!check_template_name (name, error) ||
      !hd_rules_check_file_mail (hd_store_get_me (self), error))
    return NULL;
  return load_template (self, name, custom, error);
}

/**
 * hd_store_set_mail_template:
 * @body: (nullable): the new text; %NULL to go back to the default
 *
 * Replaces the text of template @name in the file, for every desk.
 * Placeholders are checked: an unknown one is refused. Dispatcher only.
 */
gboolean
hd_store_set_mail_template (HdStore     *self,
                            const char  *name,
                            const char  *body,
                            GError     **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!check_template_name (name, error))
    return FALSE;
  if (body != NULL &&
      (!hd_validate_body (_("The template"), body, TRUE, error) || !expand (body, NULL, NULL, error)))
    return FALSE;

  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  if (me == NULL || !hd_rules_check_manage_mail (me, error))
    goto fail;

  if (body != NULL)
    stmt = hd_store_prepare (self, "INSERT OR REPLACE INTO mail_templates"
                             " (name, body, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4)", error);
  else
    stmt = hd_store_prepare (self, "DELETE FROM mail_templates WHERE name = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (body != NULL)
    {
      sqlite3_bind_text (stmt, 2, body, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, hd_person_get_id (me));
      sqlite3_bind_int64 (stmt, 4, hd_store_now (self));
    }
  if (hd_store_step_done (self, stmt, error) &&
      hd_store_log_change (self, "settings", 0, "mail-template", error) &&
      hd_store_commit (self, error))
    return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/* Text */

/* One line for a header: control characters (CR and LF above all: a
 * title must not add headers) become spaces. */
static char *
one_line (const char *text)
{
  g_autofree char *valid = hd_mail_text_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) == G_UNICODE_CONTROL || c == 0x2028 || c == 0x2029 || c == 0x85)
        c = ' ';
      g_string_append_unichar (out, c);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

static HdCalendar *
helpdesk_calendar (HdStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  HdCalendar *calendar = NULL;

  stmt = hd_store_prepare (self, "SELECT value FROM settings WHERE key = 'sla.calendar'", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    calendar = hd_store_calendar_from_text (self, hd_column_text (stmt, 0), NULL);
  return calendar != NULL ? calendar : hd_calendar_new_default ();
}

static char *
format_deadline (HdStore *self,
                 gint64   at)
{
  g_autoptr(HdCalendar) calendar = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (at <= 0)
    return g_strdup (_("none"));
  calendar = helpdesk_calendar (self);
  utc = g_date_time_new_from_unix_utc (at / G_USEC_PER_SEC);
  local = g_date_time_to_timezone (utc, hd_calendar_get_time_zone (calendar));
  return g_date_time_format (local, "%Y-%m-%d %H:%M %Z");
}

/* The ticket's text a template shows: @text as given, without controls. */
static char *
body_text (const char *text)
{
  g_autofree char *valid = hd_mail_text_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r')
        continue;
      if (c != '\n' && c != '\t' && g_unichar_type (c) == G_UNICODE_CONTROL)
        c = 0xfffd;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Template @name for @ticket, with Helpdesk's separator line on top so
 * that an answer is kept without what it quotes. @technician: who acted
 * or is assigned; @text: the reply, the solution, the description. */
static char *
render (HdStore     *self,
        const char  *name,
        const char  *template_text,
        HdTicket    *ticket,
        const char  *technician,
        const char  *text,
        gint64       deadline,
        GError     **error)
{
  g_autoptr(GHashTable) fill = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *loaded = NULL;
  g_autoptr(GString) out = g_string_new (HD_MAIL_REPLY_SEPARATOR "\n\n");
  const char *assignee = hd_ticket_get_assignee_name (ticket);

  if (template_text == NULL)
    {
      loaded = load_template (self, name, NULL, error);
      if (loaded == NULL)
        return NULL;
      template_text = loaded;
    }

  g_hash_table_insert (fill, "requester", one_line (hd_ticket_get_requester_name (ticket)));
  g_hash_table_insert (fill, "number", g_strdup_printf ("%" G_GINT64_FORMAT,
                                                        hd_ticket_get_number (ticket)));
  g_hash_table_insert (fill, "title", one_line (hd_ticket_get_title (ticket)));
  g_hash_table_insert (fill, "text", body_text (text));
  g_hash_table_insert (fill, "technician",
                       technician != NULL ? one_line (technician)
                       : assignee != NULL ? one_line (assignee) : g_strdup (_("nobody")));
  g_hash_table_insert (fill, "deadline",
                       format_deadline (self, deadline != 0 ? deadline
                                                            : hd_ticket_get_due_at (ticket)));
  if (!expand (template_text, fill, out, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* "[#N] Title", or "[#N] Label: Title", on one line. */
static char *
ticket_subject (HdTicket   *ticket,
                const char *label)
{
  g_autofree char *title = one_line (hd_ticket_get_title (ticket));

  if (label != NULL)
    return g_strdup_printf ("[#%" G_GINT64_FORMAT "] %s: %s", hd_ticket_get_number (ticket),
                            label, title);
  return g_strdup_printf ("[#%" G_GINT64_FORMAT "] %s", hd_ticket_get_number (ticket), title);
}

/* The outbox */

typedef struct {
  gint64      ticket;
  gint64      event;       /* the reply it carries, whose files go with it; 0: none */
  const char *kind;        /* mail_outbox.kind */
  gboolean    automatic;
  const char *to_addr;     /* "" when nobody can be written to */
  const char *to_name;
  const char *cc;          /* or NULL */
  const char *subject;
  const char *body;
  const char *state;       /* "queued", or "failed" for nobody */
  gint64      next_try_at;
  gint64      alert_id;    /* 0: none */
  const char *note;        /* or NULL */
} Outgoing;

static char *
own_address (HdStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = hd_store_prepare (self, "SELECT lower(address) FROM mail_account WHERE id = 1", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW && hd_column_text (stmt, 0) != NULL)
    return g_strdup (hd_column_text (stmt, 0));
  return g_strdup ("");
}

/* The ticket's thread: the Message-IDs stored for it, received and sent,
 * oldest first; the newest is the one answered. */
static gboolean
ticket_thread (HdStore   *self,
               gint64     ticket,
               char     **in_reply_to,
               char     **references,
               GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) refs = g_string_new (NULL);
  int rc;

  stmt = hd_store_prepare (self, "SELECT m.message_id FROM mail_messages m"
                           " WHERE m.ticket_id = ? AND m.message_id IS NOT NULL"
                           " AND m.not_filed_reason IS NULL AND NOT EXISTS"
                           " (SELECT 1 FROM mail_outbox o WHERE o.message_id = m.id"
                           "  AND o.kind = 'alert')"
                           " ORDER BY m.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ticket);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (hd_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return hd_store_set_error_from_db (self, rc, error);

  *in_reply_to = NULL;
  *references = NULL;
  if (ids->len == 0)
    return TRUE;

  /* The first message, then the newest ones. */
  g_string_append (refs, g_ptr_array_index (ids, 0));
  for (guint i = MAX (1, (gint) ids->len - (MAX_REFERENCES - 1)); i < ids->len; i++)
    g_string_append_printf (refs, " %s", (char *) g_ptr_array_index (ids, i));
  *in_reply_to = g_strdup (g_ptr_array_index (ids, ids->len - 1));
  *references = g_string_free (g_steal_pointer (&refs), FALSE);
  return TRUE;
}

/* Whether the file has a mailbox: without one nothing is queued, so that
 * setting one up later does not send what was said long before. */
static gboolean
mail_set_up (HdStore *self)
{
  g_autofree char *address = own_address (self);

  return address[0] != '\0';
}

/* Puts @o in the outbox with a message row of its own (its Message-ID,
 * under which answers to it thread to the ticket). */
static gboolean
queue (HdStore         *self,
       const Outgoing  *o,
       GError         **error)
{
  g_autoptr(sqlite3_stmt) message = NULL;
  g_autoptr(sqlite3_stmt) outbox = NULL;
  g_autofree char *from = own_address (self);
  const char *at = strchr (from, '@');
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *message_id = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *in_reply_to = NULL;
  g_autofree char *references = NULL;
  gint64 now = hd_store_now (self);
  gint64 row;

  message_id = g_strdup_printf ("helpdesk.%" G_GINT64_FORMAT ".%s@%s", o->ticket, uuid,
                                at != NULL && at[1] != '\0' ? at + 1 : "helpdesk.invalid");
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, message_id, -1);
  if (o->ticket != 0 && !ticket_thread (self, o->ticket, &in_reply_to, &references, error))
    return FALSE;

  message = hd_store_prepare (self,
                              "INSERT INTO mail_messages (direction, message_id, header_hash,"
                              " ticket_id, from_addr, subject, in_reply_to, refs, stored_at,"
                              " event_id) VALUES ('out', ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (message == NULL)
    return FALSE;
  sqlite3_bind_text (message, 1, message_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (message, 2, hash, -1, SQLITE_STATIC);
  if (o->ticket != 0)
    sqlite3_bind_int64 (message, 3, o->ticket);
  sqlite3_bind_text (message, 4, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (message, 5, o->subject, -1, SQLITE_STATIC);
  hd_bind_text_or_null (message, 6, in_reply_to);
  hd_bind_text_or_null (message, 7, references);
  sqlite3_bind_int64 (message, 8, now);
  if (o->event != 0)
    sqlite3_bind_int64 (message, 9, o->event);
  if (!hd_store_step_done (self, message, error))
    return FALSE;
  row = sqlite3_last_insert_rowid (hd_store_get_db (self));

  outbox = hd_store_prepare (self,
                             "INSERT INTO mail_outbox (message_id, ticket_id, kind, automatic,"
                             " to_addr, to_name, cc, subject, body, state, next_try_at,"
                             " created_at, alert_id, note)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                             error);
  if (outbox == NULL)
    return FALSE;
  sqlite3_bind_int64 (outbox, 1, row);
  if (o->ticket != 0)
    sqlite3_bind_int64 (outbox, 2, o->ticket);
  sqlite3_bind_text (outbox, 3, o->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int (outbox, 4, o->automatic);
  sqlite3_bind_text (outbox, 5, o->to_addr, -1, SQLITE_STATIC);
  hd_bind_text_or_null (outbox, 6, o->to_name);
  hd_bind_text_or_null (outbox, 7, o->cc);
  sqlite3_bind_text (outbox, 8, o->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (outbox, 9, o->body, -1, SQLITE_STATIC);
  sqlite3_bind_text (outbox, 10, o->state, -1, SQLITE_STATIC);
  if (g_str_equal (o->state, "queued"))
    sqlite3_bind_int64 (outbox, 11, MAX (o->next_try_at, now));
  sqlite3_bind_int64 (outbox, 12, now);
  if (o->alert_id != 0)
    sqlite3_bind_int64 (outbox, 13, o->alert_id);
  hd_bind_text_or_null (outbox, 14, o->note);
  if (!hd_store_step_done (self, outbox, error))
    return FALSE;

  return hd_store_log_change (self, "mail_outbox", sqlite3_last_insert_rowid (hd_store_get_db (self)),
                              g_str_equal (o->state, "queued") ? "queued" : "failed", error);
}

/**
 * hd_store_mail_too_many_automatic:
 * @address: lower case
 *
 * Whether @address had its share of automatic messages in the last hour:
 * an autoresponder answering each of them cannot make a loop, and a
 * flood of alerts does not bury anyone.
 */
gboolean
hd_store_mail_too_many_automatic (HdStore     *self,
                                  const char  *address,
                                  gboolean    *too_many,
                                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT count(*) FROM mail_outbox"
                           " WHERE automatic = 1 AND to_addr = ? AND created_at > ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, hd_store_now (self) - (gint64) G_USEC_PER_SEC * 3600);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);
  *too_many = sqlite3_column_int64 (stmt, 0) >= AUTOMATIC_PER_HOUR;
  return TRUE;
}

/* Requesters */

typedef struct {
  gint64  id;
  char   *login;
  char   *name;
  char   *address;  /* lower case; NULL when none */
} Recipient;

static void
recipient_free (Recipient *r)
{
  g_free (r->login);
  g_free (r->name);
  g_free (r->address);
  g_free (r);
}

/* The requester first, then the participants in the order they came. */
static GPtrArray *
ticket_recipients (HdStore  *self,
                   gint64    ticket,
                   GError  **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) recipient_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self,
                           "SELECT p.id, p.login, p.name, lower(trim(p.email)), 0, 0 FROM tickets t"
                           " JOIN people p ON p.id = t.requester_id WHERE t.id = ?1"
                           " UNION ALL"
                           " SELECT p.id, p.login, p.name, lower(trim(p.email)), 1, tp.added_at"
                           " FROM ticket_participants tp JOIN people p ON p.id = tp.person_id"
                           " WHERE tp.ticket_id = ?1 AND p.active = 1"
                           " ORDER BY 5, 6, 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, ticket);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Recipient *r = g_new0 (Recipient, 1);
      const char *address = hd_column_text (stmt, 3);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->login = g_strdup (hd_column_text (stmt, 1));
      r->name = one_line (hd_column_text (stmt, 2));
      r->address = address != NULL && hd_validate_email (address, NULL) ? g_strdup (address) : NULL;
      g_ptr_array_add (all, r);
    }
  if (rc != SQLITE_DONE)
    {
      hd_store_set_error_from_db (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&all);
}

static gboolean
reached_already (const char *address,
                 GPtrArray  *reached)
{
  for (guint i = 0; reached != NULL && i < reached->len; i++)
    if (g_strcmp0 (((HdMailAddress *) g_ptr_array_index (reached, i))->address, address) == 0)
      return TRUE;
  return FALSE;
}

/* @body to the ticket's requester and participants but @actor and those
 * who had it already (@reached: addresses a reply by mail went to); those
 * without an address are named in the row's note, and when nobody has
 * one the row says so and is never sent. */
static gboolean
queue_to_requesters (HdStore     *self,
                     HdTicket    *ticket,
                     gint64       event,
                     HdPerson    *actor,
                     GPtrArray   *reached,
                     const char  *kind,
                     gboolean     automatic,
                     const char  *body,
                     GError     **error)
{
  g_autoptr(GPtrArray) all = ticket_recipients (self, hd_ticket_get_number (ticket), error);
  g_autoptr(GString) cc = g_string_new (NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *subject = ticket_subject (ticket, NULL);
  g_autofree char *note = NULL;
  Recipient *to = NULL;
  Outgoing o = { .ticket = hd_ticket_get_number (ticket), .event = event, .kind = kind,
                 .automatic = automatic, .subject = subject, .body = body, .state = "queued" };

  if (all == NULL)
    return FALSE;

  for (guint i = 0; i < all->len; i++)
    {
      Recipient *r = g_ptr_array_index (all, i);

      if (actor != NULL && r->id == hd_person_get_id (actor))
        continue;
      if (r->address == NULL)
        {
          g_string_append_printf (missing, "%s%s", missing->len > 0 ? ", " : "", r->name);
          continue;
        }
      if (reached_already (r->address, reached) || !g_hash_table_add (seen, r->address))
        continue;
      if (to == NULL)
        to = r;
      else
        g_string_append_printf (cc, "%s%s", cc->len > 0 ? "," : "", r->address);
    }

  if (missing->len > 0)
    note = g_strdup_printf (_("Not sent to %s: no mail address."), missing->str);
  if (to == NULL && note == NULL)
    return TRUE;   /* everyone had it already, or nobody to tell */

  if (to != NULL && automatic)
    {
      gboolean too_many = FALSE;

      if (!hd_store_mail_too_many_automatic (self, to->address, &too_many, error))
        return FALSE;
      if (too_many)
        return TRUE;
    }

  o.to_addr = to != NULL ? to->address : "";
  o.to_name = to != NULL ? to->name : NULL;
  o.cc = cc->len > 0 ? cc->str : NULL;
  o.note = note;
  if (to == NULL)
    o.state = "failed";
  return queue (self, &o, error);
}

/* An automatic message about @ticket to @to alone (the acknowledgement,
 * what of a message was not kept), inside the caller's transaction;
 * @queued says whether it was: not without a mailbox, an address, or
 * beyond the rate. */
gboolean
hd_store_mail_queue_automatic_locked (HdStore     *self,
                                      HdTicket    *ticket,
                                      const char  *kind,
                                      HdPerson    *to,
                                      const char  *body,
                                      gboolean    *queued,
                                      GError     **error)
{
  const char *email = hd_person_get_email (to);
  g_autofree char *address = NULL;
  g_autofree char *name = NULL;
  g_autofree char *subject = NULL;
  gboolean too_many = FALSE;
  Outgoing o = { .ticket = hd_ticket_get_number (ticket), .kind = kind, .automatic = TRUE,
                 .body = body, .state = "queued" };

  *queued = FALSE;
  if (!mail_set_up (self) || email == NULL || !hd_validate_email (email, NULL))
    return TRUE;
  address = g_utf8_strdown (email, -1);
  if (!hd_store_mail_too_many_automatic (self, address, &too_many, error))
    return FALSE;
  if (too_many)
    return TRUE;

  name = one_line (hd_person_get_name (to));
  subject = ticket_subject (ticket, NULL);
  o.to_addr = address;
  o.to_name = name;
  o.subject = subject;
  if (!queue (self, &o, error))
    return FALSE;
  *queued = TRUE;
  return TRUE;
}

/* Inside the transaction of @actor's public reply @body on @ticket
 * (history entry @event, whose files go with it): the reply by mail to
 * the requester and participants. Every caller of
 * hd_store_add_comment_locked() for a public reply calls this too. */
gboolean
hd_store_mail_reply_locked (HdStore     *self,
                            HdTicket    *ticket,
                            HdPerson    *actor,
                            const char  *body,
                            gint64       event,
                            GPtrArray   *reached,
                            GError     **error)
{
  g_autofree char *text = NULL;

  if (!hd_person_is_staff (actor) || !mail_set_up (self))
    return TRUE;
  text = render (self, "reply", NULL, ticket, hd_person_get_name (actor), body, 0, error);
  return text != NULL &&
         queue_to_requesters (self, ticket, event, actor, reached, "reply", FALSE, text, error);
}

/* The newest public reply by someone other than the requester: what
 * solved the ticket, as far as the conversation says. */
static char *
solution (HdStore  *self,
          gint64    ticket,
          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = hd_store_prepare (self, "SELECT e.body FROM ticket_events e"
                           " JOIN tickets t ON t.id = e.ticket_id"
                           " WHERE e.ticket_id = ? AND e.kind = 'reply' AND e.body IS NOT NULL"
                           " AND e.actor_id != t.requester_id ORDER BY e.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, ticket);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (hd_column_text (stmt, 0));
  if (rc == SQLITE_DONE)
    return g_strdup (_("(No solution was written in the ticket.)"));
  hd_store_set_error_from_db (self, rc, error);
  return NULL;
}

/* Inside the transaction that resolves @ticket: the requester told, with
 * the solution, that answering reopens it. Not when the requester
 * resolved it. */
gboolean
hd_store_mail_resolved_locked (HdStore   *self,
                               HdTicket  *ticket,
                               HdPerson  *actor,
                               GError   **error)
{
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;

  if (g_strcmp0 (hd_person_get_login (actor), hd_ticket_get_requester (ticket)) == 0 ||
      !mail_set_up (self))
    return TRUE;
  text = solution (self, hd_ticket_get_number (ticket), error);
  if (text == NULL)
    return FALSE;
  body = render (self, "resolved", NULL, ticket, hd_person_get_name (actor), text, 0, error);
  return body != NULL &&
         queue_to_requesters (self, ticket, 0, actor, NULL, "resolved", TRUE, body, error);
}

/* The acknowledgement's text for @ticket (hd-store-mail.c). */
char *
hd_store_mail_render_acknowledgement (HdStore   *self,
                                      HdTicket  *ticket,
                                      GError   **error)
{
  return render (self, "acknowledgement", NULL, ticket, NULL, hd_ticket_get_description (ticket),
                 0, error);
}

/* Staff alerts */

/* When mail to someone with quiet hours @start–@end (minutes of the day
 * in @zone; across midnight when @end < @start) may leave at @now: @now
 * itself outside them, else the end of them. */
gint64
hd_store_mail_after_quiet (GTimeZone *zone,
                           int        start,
                           int        end,
                           gint64     now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) until = NULL;
  int minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
  gboolean quiet;
  int days = 0;

  if (start < 0 || end < 0 || start == end)
    return now;
  if (start < end)
    quiet = minute >= start && minute < end;
  else
    {
      quiet = minute >= start || minute < end;
      days = minute >= start ? 1 : 0;
    }
  if (!quiet)
    return now;

  day = g_date_time_add_days (local, days);
  until = g_date_time_new (zone, g_date_time_get_year (day), g_date_time_get_month (day),
                           g_date_time_get_day_of_month (day), end / 60, end % 60, 0);
  return until != NULL ? g_date_time_to_unix (until) * G_USEC_PER_SEC : now;
}

typedef struct {
  gint64      recipient;
  char       *address;
  char       *name;
  char       *delivery;
  int         quiet_start;
  int         quiet_end;
} StaffMember;

static void
staff_member_clear (StaffMember *m)
{
  g_clear_pointer (&m->address, g_free);
  g_clear_pointer (&m->name, g_free);
  g_clear_pointer (&m->delivery, g_free);
}

static void
staff_from_row (StaffMember  *m,
                sqlite3_stmt *stmt,
                int           first)
{
  const char *address = hd_column_text (stmt, first + 1);

  m->recipient = sqlite3_column_int64 (stmt, first);
  m->address = address != NULL && hd_validate_email (address, NULL) ? g_strdup (address) : NULL;
  m->name = one_line (hd_column_text (stmt, first + 2));
  m->delivery = g_strdup (hd_column_text (stmt, first + 3));
  m->quiet_start = sqlite3_column_type (stmt, first + 4) == SQLITE_NULL
                   ? -1 : sqlite3_column_int (stmt, first + 4);
  m->quiet_end = sqlite3_column_type (stmt, first + 5) == SQLITE_NULL
                 ? -1 : sqlite3_column_int (stmt, first + 5);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StaffMember, staff_member_clear)

#define STAFF_COLUMNS \
  "p.id, lower(trim(p.email)), p.name, p.alert_delivery, p.quiet_start, p.quiet_end"

/* An alert to @m by mail, if they chose mail and have an address; after
 * their quiet hours; within the rate. */
static gboolean
queue_alert (HdStore      *self,
             StaffMember  *m,
             HdTicket     *ticket,
             const char   *template_name,
             const char   *label,
             const char   *technician,
             const char   *text,
             gint64        deadline,
             gint64        alert_id,
             gboolean     *queued,
             GError      **error)
{
  g_autoptr(HdCalendar) calendar = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  gboolean too_many = FALSE;
  Outgoing o = { .ticket = hd_ticket_get_number (ticket), .kind = "alert", .automatic = TRUE,
                 .state = "queued", .alert_id = alert_id };

  *queued = FALSE;
  if (g_strcmp0 (m->delivery, "desktop") == 0 || m->address == NULL)
    return TRUE;
  if (!hd_store_mail_too_many_automatic (self, m->address, &too_many, error))
    return FALSE;
  if (too_many)
    return TRUE;

  body = render (self, template_name, NULL, ticket, technician, text, deadline, error);
  if (body == NULL)
    return FALSE;
  subject = ticket_subject (ticket, label);
  calendar = helpdesk_calendar (self);

  o.to_addr = m->address;
  o.to_name = m->name;
  o.subject = subject;
  o.body = body;
  o.next_try_at = hd_store_mail_after_quiet (hd_calendar_get_time_zone (calendar), m->quiet_start, m->quiet_end,
                                             hd_store_now (self));
  if (!queue (self, &o, error))
    return FALSE;
  *queued = TRUE;
  return TRUE;
}

/* Inside the transaction that stored alert @alert_id: its mail, once
 * (the outbox row names the alert), to a recipient who chose mail, never
 * to whoever caused it. Someone who chose mail only has the alert marked
 * delivered, so no desktop shows it as well. */
gboolean
hd_store_mail_alert_locked (HdStore  *self,
                            gint64    alert_id,
                            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(StaffMember) m = { 0, };
  g_autofree char *kind = NULL;
  g_autofree char *template_name = NULL;
  const char *label;
  gint64 actor, deadline, number;
  gboolean queued = FALSE;
  int rc;

  if (!mail_set_up (self))
    return TRUE;
  stmt = hd_store_prepare (self, "SELECT al.kind, al.ticket_id, al.actor_id, al.deadline, "
                           STAFF_COLUMNS " FROM alerts al JOIN people p ON p.id = al.recipient_id"
                           " WHERE al.id = ? AND p.active = 1"
                           " AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.alert_id = al.id)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, alert_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);

  kind = g_strdup (hd_column_text (stmt, 0));
  number = sqlite3_column_int64 (stmt, 1);
  actor = sqlite3_column_int64 (stmt, 2);
  deadline = sqlite3_column_int64 (stmt, 3);
  staff_from_row (&m, stmt, 4);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (actor != 0 && actor == m.recipient)
    return TRUE;

  ticket = hd_store_load_ticket_locked (self, number, error);
  if (ticket == NULL)
    return FALSE;

  template_name = g_strconcat ("alert-", kind, NULL);
  label = g_str_equal (kind, "assigned") ? _("Assigned to you")
        : g_str_equal (kind, "new-ticket") ? _("New ticket")
        : g_str_equal (kind, "sla-warning") ? _("Deadline near") : _("Deadline passed");
  if (g_str_equal (kind, "assigned"))
    {
      g_autoptr(sqlite3_stmt) who = hd_store_prepare (self, "SELECT name FROM people WHERE id = ?",
                                                      error);
      g_autofree char *actor_name = NULL;

      if (who == NULL)
        return FALSE;
      sqlite3_bind_int64 (who, 1, actor);
      if (sqlite3_step (who) == SQLITE_ROW)
        actor_name = g_strdup (hd_column_text (who, 0));
      if (!queue_alert (self, &m, ticket, template_name, label, actor_name,
                        hd_ticket_get_description (ticket), hd_ticket_get_due_at (ticket),
                        alert_id, &queued, error))
        return FALSE;
    }
  else if (!queue_alert (self, &m, ticket, template_name, label, NULL,
                         hd_ticket_get_description (ticket), deadline, alert_id, &queued, error))
    return FALSE;

  if (queued && g_str_equal (m.delivery, "email"))
    {
      stmt = hd_store_prepare (self, "UPDATE alerts SET delivered_at = ?"
                               " WHERE id = ? AND delivered_at IS NULL", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, hd_store_now (self));
      sqlite3_bind_int64 (stmt, 2, alert_id);
      return hd_store_step_done (self, stmt, error);
    }
  return TRUE;
}

/* Preview and settings */

/**
 * hd_store_preview_mail_template:
 * @body: (nullable): a text to try instead of the template's own
 * @subject: (out): the subject it would have
 * @text: (out): the text it would have
 *
 * Template @name rendered for ticket @number as it would be sent now,
 * without queuing anything: the reply shows the ticket's newest public
 * reply, the resolved notice its solution, the alerts its deadline.
 * Staff only.
 */
gboolean
hd_store_preview_mail_template (HdStore     *self,
                                const char  *name,
                                gint64       number,
                                const char  *body,
                                char       **subject,
                                char       **text,
                                GError     **error)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autofree char *sample = NULL;
  const char *label = NULL;
  const char *technician = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (!check_template_name (name, error) ||
      !hd_rules_check_file_mail (hd_store_get_me (self), error))
    return FALSE;
  ticket = hd_store_get_ticket (self, number, error);
  if (ticket == NULL)
    return FALSE;

  if (g_str_equal (name, "reply") || g_str_equal (name, "resolved"))
    {
      sample = solution (self, number, error);
      if (sample == NULL)
        return FALSE;
      technician = hd_person_get_name (hd_store_get_me (self));
    }
  else
    sample = g_strdup (hd_ticket_get_description (ticket));

  if (g_str_equal (name, "alert-new-ticket"))
    label = _("New ticket");
  else if (g_str_equal (name, "alert-assigned"))
    {
      label = _("Assigned to you");
      technician = hd_person_get_name (hd_store_get_me (self));
    }
  else if (g_str_equal (name, "alert-sla-warning"))
    label = _("Deadline near");
  else if (g_str_equal (name, "alert-sla-breach"))
    label = _("Deadline passed");

  *text = render (self, name, body, ticket, technician, sample, 0, error);
  if (*text == NULL)
    return FALSE;
  *subject = ticket_subject (ticket, label);
  return TRUE;
}

/**
 * hd_store_set_alert_mail:
 * @login: whose settings
 * @delivery: "desktop", "email" or "both"
 * @quiet_start: minute of the day (0–1439) quiet hours start, in the
 *   helpdesk's time zone; -1 for none
 * @quiet_end: minute of the day they end; -1 for none
 *
 * How @login hears of alerts, and when no alert mail may reach them
 * (across midnight when @quiet_end is the smaller). Anyone for
 * themselves; the dispatcher for everyone.
 */
gboolean
hd_store_set_alert_mail (HdStore     *self,
                         const char  *login,
                         const char  *delivery,
                         int          quiet_start,
                         int          quiet_end,
                         GError     **error)
{
  g_autoptr(HdPerson) me = NULL;
  g_autoptr(HdPerson) person = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  if (g_strcmp0 (delivery, "desktop") != 0 && g_strcmp0 (delivery, "email") != 0 &&
      g_strcmp0 (delivery, "both") != 0)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                   _("Alerts come by “desktop”, “email” or “both”, not “%s”."),
                   delivery != NULL ? delivery : "");
      return FALSE;
    }
  if ((quiet_start < 0) != (quiet_end < 0) || quiet_start > 1439 || quiet_end > 1439)
    {
      g_set_error_literal (error, HD_ERROR, HD_ERROR_INVALID_INPUT,
                           _("Quiet hours need a start and an end between 00:00 and 23:59."));
      return FALSE;
    }

  if (!hd_store_begin_write (self, error))
    return FALSE;
  me = hd_store_lock_me (self, error);
  if (me == NULL)
    goto fail;
  person = hd_store_lookup_person (self, login, error);
  if (person == NULL ||
      (hd_person_get_id (person) != hd_person_get_id (me) &&
       !hd_rules_check_manage_people (me, error)))
    goto fail;

  stmt = hd_store_prepare (self, "UPDATE people SET alert_delivery = ?, quiet_start = ?,"
                           " quiet_end = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, delivery, -1, SQLITE_STATIC);
  if (quiet_start >= 0)
    {
      sqlite3_bind_int (stmt, 2, quiet_start);
      sqlite3_bind_int (stmt, 3, quiet_end);
    }
  sqlite3_bind_int64 (stmt, 4, hd_person_get_id (person));
  if (hd_store_step_done (self, stmt, error) &&
      hd_store_log_change (self, "people", hd_person_get_id (person), "updated", error) &&
      hd_store_commit (self, error))
    return TRUE;

fail:
  hd_store_rollback (self);
  return FALSE;
}

/**
 * hd_store_get_alert_mail:
 * @delivery: (out) (transfer full): "desktop", "email" or "both"
 * @quiet_start: (out): minute of the day, or -1 for none
 * @quiet_end: (out): minute of the day, or -1 for none
 *
 * How @login hears of alerts (see hd_store_set_alert_mail()). A person
 * reads their own; only the dispatcher reads anyone's, as for changing
 * them: quiet hours say when someone is off work.
 */
gboolean
hd_store_get_alert_mail (HdStore     *self,
                         const char  *login,
                         char       **delivery,
                         int         *quiet_start,
                         int         *quiet_end,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  HdPerson *me;

  g_return_val_if_fail (HD_IS_STORE (self), FALSE);

  me = hd_store_get_me (self);
  if (me == NULL || g_strcmp0 (hd_person_get_login (me), login) != 0)
    {
      if (me == NULL)
        {
          g_set_error_literal (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED,
                               _("Only the dispatcher can see how other people hear of alerts."));
          return FALSE;
        }
      if (!hd_rules_check_manage_people (me, error))
        return FALSE;
    }

  stmt = hd_store_prepare (self, "SELECT alert_delivery, quiet_start, quiet_end FROM people"
                           " WHERE login = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HD_ERROR, HD_ERROR_NOT_FOUND, _("Nobody has the login “%s”."), login);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return hd_store_set_error_from_db (self, rc, error);
  *delivery = g_strdup (hd_column_text (stmt, 0));
  *quiet_start = sqlite3_column_type (stmt, 1) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 1);
  *quiet_end = sqlite3_column_type (stmt, 2) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 2);
  return TRUE;
}
