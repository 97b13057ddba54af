/* hd-attachment.h — a file attached to a ticket's message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Longest name Helpdesk stores, in bytes: below what file systems allow
 * (255), with room for " (2)" when a copy is saved next to another. */
#define HD_ATTACHMENT_NAME_MAX 200

/* One attachment as hd_store_list_attachments() gives it. */
typedef struct {
  gint64    id;
  gint64    ticket;
  gint64    event;         /* the message it came with; 0: the ticket's first message */
  char     *name;          /* sanitized: no path parts, no control characters */
  char     *content_type;  /* a MIME type */
  gint64    size;          /* bytes */
  gboolean  is_inline;     /* shown inside a received mail's text */
  gboolean  internal;      /* of an internal note: staff only */
  char     *added_by;      /* login, or NULL */
  gint64    added_at;      /* Unix time */
} HdAttachment;

/* A file to attach: its bytes are read from @stream (or from @file,
 * opened when stored) in pieces, never all at once. @size is what it
 * says it holds; more or fewer bytes than that are refused. */
typedef struct {
  char         *name;          /* as given; sanitized when stored */
  char         *content_type;  /* a MIME type */
  gint64        size;
  GFile        *file;          /* or NULL */
  GInputStream *stream;        /* or NULL */
} HdAttachmentInput;

HdAttachmentInput *hd_attachment_input_new_for_file   (GFile         *file,
                                                       GCancellable  *cancellable,
                                                       GError       **error);
HdAttachmentInput *hd_attachment_input_new_for_stream (const char    *name,
                                                       const char    *content_type,
                                                       gint64         size,
                                                       GInputStream  *stream);
void               hd_attachment_input_free           (HdAttachmentInput *input);
GInputStream      *hd_attachment_input_open           (HdAttachmentInput *input,
                                                       GCancellable      *cancellable,
                                                       GError           **error);

void          hd_attachment_free          (HdAttachment *attachment);
HdAttachment *hd_attachment_copy          (const HdAttachment *attachment);
char         *hd_attachment_sanitize_name (const char   *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdAttachment, hd_attachment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdAttachmentInput, hd_attachment_input_free)

G_END_DECLS
