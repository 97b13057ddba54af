/* hd-drafts.c
 *
 * Unsaved edits live in a small key file on this computer, never in the
 * shared file: they must survive exactly the moments the shared file
 * cannot be written (the share gone, the disk full, the file locked past
 * the timeout) and the window being closed or crashing meanwhile.
 *
 * One file per helpdesk file and person:
 * $XDG_DATA_HOME/helpdesk/drafts/NAME-HASH.ini, one group per ticket or
 * knowledge-base article ("ticket 12", "article 4", "new article from
 * ticket 12"). It is rewritten whole, atomically, on every change; it
 * holds a few drafts of a few kilobytes each. Whoever keeps drafts for a
 * file shares one HdDrafts: a second one would write its own groups over
 * the first one's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hd-drafts.h"
#include "hd-enum-types.h"
#include "hd-enums.h"
#include "hd-error.h"

struct _HdDrafts
{
  GObject   parent_instance;

  char     *path;
  GKeyFile *keys;
};

G_DEFINE_FINAL_TYPE (HdDrafts, hd_drafts, G_TYPE_OBJECT)

#define GROUP_NEW "new ticket"
#define GROUP_PREFIX "ticket "
#define GROUP_NEW_ARTICLE "new article"
#define GROUP_ARTICLE_PREFIX "article "

/* Beside a key whose text is not UTF-8, which GKeyFile would not read back. */
#define BASE64_SUFFIX "-base64"

/* HdDraft */

HdDraft *
hd_draft_new (void)
{
  HdDraft *draft = g_new0 (HdDraft, 1);

  draft->priority = -1;
  return draft;
}

HdDraft *
hd_draft_copy (const HdDraft *draft)
{
  HdDraft *copy = g_new0 (HdDraft, 1);

  *copy = *draft;
  copy->title = g_strdup (draft->title);
  copy->description = g_strdup (draft->description);
  copy->category = g_strdup (draft->category);
  copy->department = g_strdup (draft->department);
  copy->location = g_strdup (draft->location);
  copy->requester = g_strdup (draft->requester);
  copy->reply = g_strdup (draft->reply);
  return copy;
}

void
hd_draft_free (HdDraft *draft)
{
  if (draft == NULL)
    return;

  g_free (draft->title);
  g_free (draft->description);
  g_free (draft->category);
  g_free (draft->department);
  g_free (draft->location);
  g_free (draft->requester);
  g_free (draft->reply);
  g_free (draft);
}

static gboolean
blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;

  return TRUE;
}

/**
 * hd_draft_is_empty:
 *
 * Whether @draft holds nothing worth keeping: no edited field and no reply
 * with more than white space in it.
 */
gboolean
hd_draft_is_empty (const HdDraft *draft)
{
  /* An edited field emptied on purpose is still an edit. */
  return draft->title == NULL && draft->description == NULL && draft->category == NULL &&
         draft->department == NULL && draft->location == NULL && blank (draft->requester) &&
         blank (draft->reply);
}

/* HdKbDraft */

HdKbDraft *
hd_kb_draft_new (void)
{
  HdKbDraft *draft = g_new0 (HdKbDraft, 1);

  draft->visibility = -1;
  return draft;
}

HdKbDraft *
hd_kb_draft_copy (const HdKbDraft *draft)
{
  HdKbDraft *copy = g_new0 (HdKbDraft, 1);

  *copy = *draft;
  copy->title = g_strdup (draft->title);
  copy->body = g_strdup (draft->body);
  copy->category = g_strdup (draft->category);
  copy->tags = g_strdup (draft->tags);
  return copy;
}

void
hd_kb_draft_free (HdKbDraft *draft)
{
  if (draft == NULL)
    return;

  g_free (draft->title);
  g_free (draft->body);
  g_free (draft->category);
  g_free (draft->tags);
  g_free (draft);
}

/**
 * hd_kb_draft_is_empty:
 *
 * Whether @draft holds no text at all, only white space: nothing worth
 * keeping, whatever its visibility.
 */
gboolean
hd_kb_draft_is_empty (const HdKbDraft *draft)
{
  return blank (draft->title) && blank (draft->body) && blank (draft->category) &&
         blank (draft->tags);
}

/* HdDrafts */

static void
hd_drafts_finalize (GObject *object)
{
  HdDrafts *self = HD_DRAFTS (object);

  g_free (self->path);
  g_key_file_unref (self->keys);

  G_OBJECT_CLASS (hd_drafts_parent_class)->finalize (object);
}

static void
hd_drafts_class_init (HdDraftsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hd_drafts_finalize;
}

static void
hd_drafts_init (HdDrafts *self)
{
  self->keys = g_key_file_new ();
}

static char *
drafts_path (const char *db_path,
             const char *login)
{
  g_autofree char *canonical = g_canonicalize_filename (db_path, NULL);
  g_autofree char *base = g_path_get_basename (canonical);
  g_autofree char *key = g_strconcat (canonical, "\n", login, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, key, -1);
  g_autofree char *name = NULL;

  hash[10] = '\0';
  name = g_strdup_printf ("%s-%s.ini", base, hash);
  return g_build_filename (g_get_user_data_dir (), "helpdesk", "drafts", name, NULL);
}

/**
 * hd_drafts_new:
 * @db_path: the helpdesk file the drafts are for
 * @login: whose drafts they are
 *
 * Reads the drafts kept for @login's work on @db_path. A drafts file that
 * cannot be read is set aside (NAME.ini.unreadable), never overwritten.
 */
HdDrafts *
hd_drafts_new (const char *db_path,
               const char *login)
{
  HdDrafts *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (login != NULL, NULL);

  self = g_object_new (HD_TYPE_DRAFTS, NULL);
  self->path = drafts_path (db_path, login);

  if (!g_key_file_load_from_file (self->keys, self->path, G_KEY_FILE_KEEP_COMMENTS, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_autofree char *aside = g_strconcat (self->path, ".unreadable", NULL);

      g_message ("Drafts in %s could not be read (%s); kept as %s", self->path,
                 error->message, aside);
      g_rename (self->path, aside);
      g_key_file_unref (self->keys);
      self->keys = g_key_file_new ();
    }

  return self;
}

const char *
hd_drafts_get_path (HdDrafts *self)
{
  g_return_val_if_fail (HD_IS_DRAFTS (self), NULL);
  return self->path;
}

static char *
group_name (gint64 number)
{
  if (number == HD_DRAFT_NEW_TICKET)
    return g_strdup (GROUP_NEW);

  return g_strdup_printf (GROUP_PREFIX "%" G_GINT64_FORMAT, number);
}

/* Text that is not UTF-8 (pasted from another program, say) comes back
 * byte for byte too: see set_string(). */
static char *
get_string (GKeyFile   *keys,
            const char *group,
            const char *key)
{
  g_autofree char *encoded_key = g_strconcat (key, BASE64_SUFFIX, NULL);
  g_autofree char *encoded = NULL;
  g_autofree guchar *bytes = NULL;
  gsize length = 0;

  if (g_key_file_has_key (keys, group, key, NULL))
    return g_key_file_get_string (keys, group, key, NULL);

  encoded = g_key_file_get_string (keys, group, encoded_key, NULL);
  if (encoded == NULL)
    return NULL;

  bytes = g_base64_decode (encoded, &length);
  return g_strndup ((const char *) bytes, length);
}

/**
 * hd_drafts_get:
 * @number: a ticket, or %HD_DRAFT_NEW_TICKET
 *
 * Returns: (transfer full) (nullable): the draft kept for @number
 */
HdDraft *
hd_drafts_get (HdDrafts *self,
               gint64    number)
{
  g_autofree char *group = group_name (number);
  HdDraft *draft;

  g_return_val_if_fail (HD_IS_DRAFTS (self), NULL);

  if (!g_key_file_has_group (self->keys, group))
    return NULL;

  draft = hd_draft_new ();
  draft->base_version = g_key_file_get_int64 (self->keys, group, "base-version", NULL);
  draft->title = get_string (self->keys, group, "title");
  draft->description = get_string (self->keys, group, "description");
  draft->category = get_string (self->keys, group, "category");
  draft->department = get_string (self->keys, group, "department");
  draft->location = get_string (self->keys, group, "location");
  draft->requester = get_string (self->keys, group, "requester");
  draft->reply = get_string (self->keys, group, "reply");
  draft->internal = g_key_file_get_boolean (self->keys, group, "internal", NULL);
  draft->saved_at = g_key_file_get_int64 (self->keys, group, "saved-at", NULL);
  if (g_key_file_has_key (self->keys, group, "priority", NULL))
    draft->priority = g_key_file_get_integer (self->keys, group, "priority", NULL);

  return draft;
}

static gboolean
save (HdDrafts  *self,
      GError   **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, HD_ERROR, saved_errno == ENOSPC ? HD_ERROR_DISK_FULL : HD_ERROR_FAILED,
                   _("Your unsaved text could not be kept in “%s”: %s."), dir,
                   g_strerror (saved_errno));
      return FALSE;
    }

  data = g_key_file_to_data (self->keys, &length, NULL);
  if (!g_file_set_contents_full (self->path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      gboolean full = g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);

      g_set_error (error, HD_ERROR, full ? HD_ERROR_DISK_FULL : HD_ERROR_FAILED,
                   _("Your unsaved text could not be kept on this computer: %s"),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* GKeyFile writes any bytes but reads back only UTF-8: other text is
 * kept as base64 under KEY-base64. */
static void
set_string (GKeyFile   *keys,
            const char *group,
            const char *key,
            const char *value)
{
  g_autofree char *encoded_key = NULL;
  g_autofree char *encoded = NULL;

  if (value == NULL)
    return;

  if (g_utf8_validate (value, -1, NULL))
    {
      g_key_file_set_string (keys, group, key, value);
      return;
    }

  encoded_key = g_strconcat (key, BASE64_SUFFIX, NULL);
  encoded = g_base64_encode ((const guchar *) value, strlen (value));
  g_key_file_set_string (keys, group, encoded_key, encoded);
}

/**
 * hd_drafts_set:
 * @number: a ticket, or %HD_DRAFT_NEW_TICKET
 * @draft: what the person has typed; an empty draft removes the one kept
 *
 * Keeps @draft, replacing the one kept for @number, and writes the drafts
 * file. When writing fails the draft is still held in memory and written
 * with the next change.
 */
gboolean
hd_drafts_set (HdDrafts       *self,
               gint64          number,
               const HdDraft  *draft,
               GError        **error)
{
  g_autofree char *group = group_name (number);

  g_return_val_if_fail (HD_IS_DRAFTS (self), FALSE);
  g_return_val_if_fail (draft != NULL, FALSE);

  if (hd_draft_is_empty (draft))
    return hd_drafts_remove (self, number, error);

  g_key_file_remove_group (self->keys, group, NULL);
  if (draft->base_version != 0)
    g_key_file_set_int64 (self->keys, group, "base-version", draft->base_version);
  set_string (self->keys, group, "title", draft->title);
  set_string (self->keys, group, "description", draft->description);
  set_string (self->keys, group, "category", draft->category);
  set_string (self->keys, group, "department", draft->department);
  set_string (self->keys, group, "location", draft->location);
  set_string (self->keys, group, "requester", draft->requester);
  if (draft->priority >= 0)
    g_key_file_set_integer (self->keys, group, "priority", draft->priority);
  if (!blank (draft->reply))
    {
      set_string (self->keys, group, "reply", draft->reply);
      g_key_file_set_boolean (self->keys, group, "internal", draft->internal);
    }
  g_key_file_set_int64 (self->keys, group, "saved-at", g_get_real_time ());

  return save (self, error);
}

/**
 * hd_drafts_remove:
 *
 * Forgets the draft kept for @number, once it is saved or discarded.
 */
gboolean
hd_drafts_remove (HdDrafts  *self,
                  gint64     number,
                  GError   **error)
{
  g_autofree char *group = group_name (number);

  g_return_val_if_fail (HD_IS_DRAFTS (self), FALSE);

  if (!g_key_file_remove_group (self->keys, group, NULL))
    return TRUE;

  return save (self, error);
}

/**
 * hd_drafts_list:
 *
 * Returns: (transfer full) (element-type gint64): the tickets with a draft,
 *   in the order they were first kept; the new-ticket form's is not listed
 */
GArray *
hd_drafts_list (HdDrafts *self)
{
  g_auto(GStrv) groups = NULL;
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (HD_IS_DRAFTS (self), numbers);

  groups = g_key_file_get_groups (self->keys, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      guint64 number = 0;

      if (g_str_has_prefix (groups[i], GROUP_PREFIX) &&
          g_ascii_string_to_unsigned (groups[i] + strlen (GROUP_PREFIX), 10, 1, G_MAXINT64,
                                      &number, NULL))
        {
          gint64 n = (gint64) number;

          g_array_append_val (numbers, n);
        }
    }

  return numbers;
}

/* Articles */

static char *
article_group_name (gint64 id,
                    gint64 ticket)
{
  if (id != HD_DRAFT_NEW_ARTICLE)
    return g_strdup_printf (GROUP_ARTICLE_PREFIX "%" G_GINT64_FORMAT, id);
  if (ticket != 0)
    return g_strdup_printf (GROUP_NEW_ARTICLE " from " GROUP_PREFIX "%" G_GINT64_FORMAT, ticket);

  return g_strdup (GROUP_NEW_ARTICLE);
}

/**
 * hd_drafts_get_article:
 * @id: an article, or %HD_DRAFT_NEW_ARTICLE
 * @ticket: for a new article, the ticket it is published from, else 0:
 *   each ticket's article has a draft of its own
 *
 * Returns: (transfer full) (nullable): the draft kept for the article
 */
HdKbDraft *
hd_drafts_get_article (HdDrafts *self,
                       gint64    id,
                       gint64    ticket)
{
  g_autofree char *group = article_group_name (id, ticket);
  g_autofree char *visibility = NULL;
  HdKbDraft *draft;
  int value;

  g_return_val_if_fail (HD_IS_DRAFTS (self), NULL);
  g_return_val_if_fail (id == HD_DRAFT_NEW_ARTICLE || ticket == 0, NULL);

  if (!g_key_file_has_group (self->keys, group))
    return NULL;

  draft = hd_kb_draft_new ();
  draft->base_version = g_key_file_get_int64 (self->keys, group, "base-version", NULL);
  draft->title = get_string (self->keys, group, "title");
  draft->body = get_string (self->keys, group, "body");
  draft->category = get_string (self->keys, group, "category");
  draft->tags = get_string (self->keys, group, "tags");
  draft->saved_at = g_key_file_get_int64 (self->keys, group, "saved-at", NULL);
  visibility = g_key_file_get_string (self->keys, group, "visibility", NULL);
  if (visibility != NULL && hd_enum_from_nick (HD_TYPE_VISIBILITY, visibility, &value))
    draft->visibility = value;

  return draft;
}

/**
 * hd_drafts_set_article:
 * @id: an article, or %HD_DRAFT_NEW_ARTICLE
 * @ticket: for a new article, the ticket it is published from, else 0
 * @draft: the form; an empty one removes the draft kept
 *
 * Keeps @draft as hd_drafts_set() keeps a ticket's.
 */
gboolean
hd_drafts_set_article (HdDrafts         *self,
                       gint64            id,
                       gint64            ticket,
                       const HdKbDraft  *draft,
                       GError          **error)
{
  g_autofree char *group = article_group_name (id, ticket);

  g_return_val_if_fail (HD_IS_DRAFTS (self), FALSE);
  g_return_val_if_fail (id == HD_DRAFT_NEW_ARTICLE || ticket == 0, FALSE);
  g_return_val_if_fail (draft != NULL, FALSE);

  if (hd_kb_draft_is_empty (draft))
    return hd_drafts_remove_article (self, id, ticket, error);

  g_key_file_remove_group (self->keys, group, NULL);
  if (draft->base_version != 0)
    g_key_file_set_int64 (self->keys, group, "base-version", draft->base_version);
  set_string (self->keys, group, "title", draft->title);
  set_string (self->keys, group, "body", draft->body);
  set_string (self->keys, group, "category", draft->category);
  set_string (self->keys, group, "tags", draft->tags);
  if (draft->visibility >= 0)
    g_key_file_set_string (self->keys, group, "visibility",
                           hd_enum_to_nick (HD_TYPE_VISIBILITY, draft->visibility));
  g_key_file_set_int64 (self->keys, group, "saved-at", g_get_real_time ());

  return save (self, error);
}

/**
 * hd_drafts_remove_article:
 *
 * Forgets the draft kept for the article, once it is saved or discarded.
 */
gboolean
hd_drafts_remove_article (HdDrafts  *self,
                          gint64     id,
                          gint64     ticket,
                          GError   **error)
{
  g_autofree char *group = article_group_name (id, ticket);

  g_return_val_if_fail (HD_IS_DRAFTS (self), FALSE);
  g_return_val_if_fail (id == HD_DRAFT_NEW_ARTICLE || ticket == 0, FALSE);

  if (!g_key_file_remove_group (self->keys, group, NULL))
    return TRUE;

  return save (self, error);
}
