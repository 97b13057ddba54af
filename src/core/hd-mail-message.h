/* hd-mail-message.h — a received message as core files it
 *
 * The mail floor (src/mail) reads a message's MIME into this plain record;
 * core knows nothing of MIME. Every string is valid UTF-8 (what was not
 * became U+FFFD on the way in); addresses are lower case.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The line above which a reply to Helpdesk's own mail is kept; what
 * follows it is quoted history. Plain ASCII, never translated, so that
 * every desk finds it whatever its language. */
#define HD_MAIL_REPLY_SEPARATOR "##- Please type your reply above this line -##"

typedef struct {
  char *address;  /* lower case */
  char *name;     /* the display name, decoded; NULL when none */
} HdMailAddress;

typedef struct {
  char    *name;          /* sanitized: no path parts, no control characters */
  char    *content_type;  /* "type/subtype" */
  gboolean is_inline;     /* an image shown in the text, not a file sent */
  GBytes  *data;
} HdMailAttachment;

typedef struct {
  char          *message_id;   /* without angle brackets; NULL when the message has none */
  char          *header_hash;  /* SHA-256 (hex) of the headers, always set */
  char          *in_reply_to;  /* without angle brackets, or NULL */
  GPtrArray     *references;   /* (element-type utf8): oldest first */
  HdMailAddress *from;         /* NULL when there is no usable From */
  HdMailAddress *reply_to;     /* NULL when none */
  GPtrArray     *to;           /* (element-type HdMailAddress) */
  GPtrArray     *cc;           /* (element-type HdMailAddress) */
  char          *subject;      /* decoded, one line; "" when none */
  gint64         date;         /* µs since the epoch; 0 when none or unreadable */
  char          *body;         /* the best text, whole */
  char          *reply_body;   /* the body without quoted history */
  GPtrArray     *attachments;  /* (element-type HdMailAttachment) */
  GBytes        *raw;          /* the original message, byte for byte */

  /* What the classifier found (src/mail): why the message is automatic
   * and must neither make nor reopen a ticket; NULL for a person's mail. */
  char          *automatic;
  /* A delivery-status report: the Message-ID of the message that could
   * not be delivered, and the report's status text. */
  char          *bounced_id;
  char          *bounce_status;
} HdMailMessage;

/* An outgoing message as the outbox holds it (hd_store_get_outgoing());
 * the mail floor composes its MIME from this when it sends it. */
typedef struct {
  gint64   id;            /* the outbox row */
  gint64   ticket;        /* 0: none */
  char    *kind;          /* "acknowledgement", "reply", … */
  gboolean automatic;     /* sent by Helpdesk on its own: Auto-Submitted */
  char    *message_id;    /* without angle brackets */
  char    *in_reply_to;   /* or NULL */
  char    *references;    /* space-separated, without angle brackets; or NULL */
  char    *from_address;  /* the mailbox's address; "" when none is set up */
  char    *from_name;     /* or NULL */
  char    *to_address;
  char    *to_name;       /* or NULL */
  char    *cc;            /* comma-separated addresses, or NULL */
  char    *subject;
  char    *body;
  char    *state;         /* "queued", "sending", "sent", "failed" */
  int      attempts;
  gint64   created_at;
  char    *note;          /* who was left out and why (no address), or NULL */
  gint64   next_try_at;   /* queued: when it is tried (again); sending: until when it is held; 0: none */
  char    *server_answer; /* what the server said last, or NULL */
} HdMailOutgoing;

void              hd_mail_outgoing_free    (HdMailOutgoing   *outgoing);
/* A received message that was not filed (hd_store_list_not_filed()). */
typedef struct {
  gint64  row;           /* its row among the stored messages */
  char   *from_address;
  char   *from_name;     /* or NULL */
  char   *subject;
  char   *reason;
  gint64  stored_at;
  gint64  ticket;        /* a bounce: the ticket whose mail bounced; else 0 */
} HdMailNotFiled;

void              hd_mail_not_filed_free   (HdMailNotFiled   *item);


HdMailAddress    *hd_mail_address_new      (const char       *address,
                                            const char       *name);
void              hd_mail_address_free     (HdMailAddress    *address);
HdMailAttachment *hd_mail_attachment_new   (const char       *name,
                                            const char       *content_type,
                                            gboolean          is_inline,
                                            GBytes           *data);
void              hd_mail_attachment_free  (HdMailAttachment *attachment);
HdMailMessage    *hd_mail_message_new      (void);
void              hd_mail_message_free     (HdMailMessage    *message);

char             *hd_mail_sanitize_name    (const char       *name);
char             *hd_mail_text_valid       (const char       *text,
                                            gssize            length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailAddress, hd_mail_address_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailAttachment, hd_mail_attachment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailMessage, hd_mail_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailOutgoing, hd_mail_outgoing_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdMailNotFiled, hd_mail_not_filed_free)

G_END_DECLS
