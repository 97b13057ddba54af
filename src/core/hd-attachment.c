/* hd-attachment.c — a file attached to a ticket's message, and its name
 *
 * A name comes from a sender or a desk Helpdesk does not control, and it
 * ends up as a file name when someone saves or opens the attachment: it
 * must never climb out of a folder, hide itself, carry terminal escapes
 * or text-direction tricks, or be longer than a file system allows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hd-attachment.h"

void
hd_attachment_free (HdAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->name);
  g_free (attachment->content_type);
  g_free (attachment->added_by);
  g_free (attachment);
}

HdAttachment *
hd_attachment_copy (const HdAttachment *attachment)
{
  HdAttachment *copy = g_memdup2 (attachment, sizeof *attachment);

  copy->name = g_strdup (attachment->name);
  copy->content_type = g_strdup (attachment->content_type);
  copy->added_by = g_strdup (attachment->added_by);
  return copy;
}

/* Control characters, and the invisible marks that reorder text on
 * screen ("txt.exe" shown as "exe.txt"). */
static gboolean
is_unwanted (gunichar c)
{
  return g_unichar_iscntrl (c) ||
         (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) ||
         c == 0xFEFF;
}

/* The last path part, with both kinds of separator. */
static const char *
last_part (const char *name)
{
  const char *slash = strrchr (name, '/');
  const char *backslash = strrchr (name, '\\');
  const char *after = MAX (slash, backslash);

  return after != NULL ? after + 1 : name;
}

static char *
replace_unwanted (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_unwanted (c))
        g_string_append_c (out, '_');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* At most @max bytes, cut between characters, keeping a short extension
 * so that the file still opens with the right application. */
static void
bound_length (GString *name,
              gsize    max)
{
  const char *dot = strrchr (name->str, '.');
  gsize ext = dot != NULL && dot != name->str ? strlen (dot) : 0;
  g_autofree char *extension = NULL;
  const char *cut;

  if (name->len <= max)
    return;
  if (ext > 16)
    ext = 0;
  extension = g_strdup (name->str + name->len - ext);
  cut = g_utf8_find_prev_char (name->str, name->str + (max - ext) + 1);
  g_string_truncate (name, cut != NULL ? (gsize) (cut - name->str) : 0);
  g_string_append (name, extension);
}

/**
 * hd_attachment_sanitize_name:
 * @name: (nullable): a name as a sender or a file system gave it, in any
 *   bytes
 *
 * The name Helpdesk stores and saves under: valid UTF-8 (what is not is
 * replaced), only the last part of a path, control and direction
 * characters replaced by "_", no leading dot, dash or space, at most
 * %HD_ATTACHMENT_NAME_MAX bytes; "attachment" when nothing is left.
 *
 * Returns: (transfer full):
 */
char *
hd_attachment_sanitize_name (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  g_autofree char *clean = replace_unwanted (last_part (valid));
  g_autoptr(GString) out = g_string_new (g_strstrip (clean));

  /* Hidden files, and names a shell command would read as options. */
  while (out->len > 0 && (out->str[0] == '.' || out->str[0] == '-' || out->str[0] == ' '))
    g_string_erase (out, 0, 1);
  bound_length (out, HD_ATTACHMENT_NAME_MAX);
  g_strchomp (out->str);
  out->len = strlen (out->str);
  if (out->len == 0)
    g_string_assign (out, _("attachment"));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Inputs */

/**
 * hd_attachment_input_new_for_file:
 *
 * @file as an attachment: its name, type and size, read from the file
 * system without reading its bytes. Only regular files are attached.
 *
 * Returns: (transfer full) (nullable):
 */
HdAttachmentInput *
hd_attachment_input_new_for_file (GFile         *file,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *basename = NULL;
  HdAttachmentInput *input;
  const char *type;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return NULL;

  basename = g_file_get_basename (file);
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *shown = hd_attachment_sanitize_name (basename);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("“%s” is not a file and cannot be attached."), shown);
      return NULL;
    }

  type = g_file_info_get_content_type (info);
  input = g_new0 (HdAttachmentInput, 1);
  input->name = g_steal_pointer (&basename);
  input->content_type = type != NULL ? g_content_type_get_mime_type (type) : NULL;
  if (input->content_type == NULL)
    input->content_type = g_strdup ("application/octet-stream");
  input->size = g_file_info_get_size (info);
  input->file = g_object_ref (file);
  return input;
}

/**
 * hd_attachment_input_new_for_stream:
 * @content_type: (nullable): a MIME type; %NULL: guessed from @name
 *
 * Returns: (transfer full):
 */
HdAttachmentInput *
hd_attachment_input_new_for_stream (const char   *name,
                                    const char   *content_type,
                                    gint64        size,
                                    GInputStream *stream)
{
  HdAttachmentInput *input = g_new0 (HdAttachmentInput, 1);

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  input->name = g_strdup (name);
  if (content_type != NULL)
    input->content_type = g_strdup (content_type);
  else
    {
      g_autofree char *guessed = g_content_type_guess (name, NULL, 0, NULL);

      input->content_type = g_content_type_get_mime_type (guessed);
    }
  if (input->content_type == NULL)
    input->content_type = g_strdup ("application/octet-stream");
  input->size = size;
  input->stream = g_object_ref (stream);
  return input;
}

void
hd_attachment_input_free (HdAttachmentInput *input)
{
  if (input == NULL)
    return;
  g_free (input->name);
  g_free (input->content_type);
  g_clear_object (&input->file);
  g_clear_object (&input->stream);
  g_free (input);
}

/* Returns: (transfer full): the stream to read the bytes from */
GInputStream *
hd_attachment_input_open (HdAttachmentInput  *input,
                          GCancellable       *cancellable,
                          GError            **error)
{
  if (input->stream != NULL)
    return g_object_ref (input->stream);
  return G_INPUT_STREAM (g_file_read (input->file, cancellable, error));
}
