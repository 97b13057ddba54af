/* hd-cli-kb.c — helpdesk-cli kb: the knowledge base, its categories, and
 * its import from and export to folders of Markdown files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* openat, fdopendir, O_NOFOLLOW */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd-cli-common.h"
#include "hd-cli-output.h"
#include "hd-enum-types.h"
#include "hd-validate.h"

/* Commands: knowledge base */

static gboolean
parse_article_id (const HdCliCommand *command,
                  const char         *text,
                  gint64             *id,
                  int                *status)
{
  if (!hd_parse_decimal (text, 1, G_MAXINT64, id))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an article number."), text);

      *status = hd_cli_usage_error (command, message);
      return FALSE;
    }

  return TRUE;
}

/* "a, b,c" → { "a", "b", "c" } */
static char **
split_tags (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }

  return g_strv_builder_end (builder);
}

static int
cmd_kb_add (const HdCliCommand  *command,
            char               **args)
{
  g_autofree char *title = NULL, *file = NULL, *category = NULL, *tags_text = NULL;
  g_autofree char *body = NULL, *ticket_text = NULL;
  g_auto(GStrv) tags = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  gboolean faq = FALSE;
  gint64 ticket = 0;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The article’s title (required)"), N_("TEXT") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_("The Markdown text (required; - reads standard input)"), N_("FILE") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("Category path such as Hardware/Printers; made when missing"), N_("PATH") },
    { "faq", 0, 0, G_OPTION_ARG_NONE, &faq, N_("Requesters may read it (default: internal)"), NULL },
    { "tags", 0, 0, G_OPTION_ARG_STRING, &tags_text, N_("Tags, separated by commas"), N_("A,B") },
    { "ticket", 0, 0, G_OPTION_ARG_STRING, &ticket_text, N_("Link the new article to this ticket"),
      N_("NUMBER") },
    { NULL }
  };
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status) ||
      !hd_cli_parse_option_number (command, "--ticket", ticket_text, 1, G_MAXINT64, &ticket,
                                   &status))
    return status;
  if (title == NULL)
    return hd_cli_usage_error (command, _("--title is required."));
  if (file == NULL)
    return hd_cli_usage_error (command, _("--file is required."));

  body = hd_cli_read_text_file (file, _("The article"), &error);
  if (body == NULL)
    return hd_cli_fail (error);
  tags = split_tags (tags_text);

  draft.title = title;
  draft.body = body;
  draft.category = category;
  draft.tags = (const char * const *) tags;
  draft.visibility = faq ? HD_VISIBILITY_FAQ : HD_VISIBILITY_INTERNAL;
  draft.ticket = ticket;

  store = hd_cli_open_store (&error);
  if (store == NULL || (article = hd_store_add_article (store, &draft, &error)) == NULL)
    return hd_cli_fail (error);

  g_print ("%" G_GINT64_FORMAT "\n", hd_article_get_id (article));
  return HD_CLI_EXIT_OK;
}

static int
cmd_kb_update (const HdCliCommand  *command,
               char               **args)
{
  g_autofree char *title = NULL, *file = NULL, *category = NULL, *tags_text = NULL;
  g_autofree char *body = NULL;
  g_autofree char *if_version_text = NULL;
  g_auto(GStrv) tags = NULL;
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  gboolean faq = FALSE, internal = FALSE;
  gint64 if_version = 0;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("New title"), N_("TEXT") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_("New Markdown text (- reads standard input)"), N_("FILE") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("New category path (\"\" clears it)"), N_("PATH") },
    { "tags", 0, 0, G_OPTION_ARG_STRING, &tags_text,
      N_("Replace the tags (commas between; \"\" clears them)"), N_("A,B") },
    { "faq", 0, 0, G_OPTION_ARG_NONE, &faq, N_("Requesters may read it"), NULL },
    { "internal", 0, 0, G_OPTION_ARG_NONE, &internal, N_("Only staff may read it"), NULL },
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse the change if the article is no longer at version V"), N_("V") },
    { NULL }
  };
  HdArticleChanges changes = { 0 };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                                   &if_version, &status) ||
      !parse_article_id (command, positional[0], &id, &status))
    return status;
  if (faq && internal)
    return hd_cli_usage_error (command, _("Give either --faq or --internal, not both."));

  if (file != NULL && (body = hd_cli_read_text_file (file, _("The article"), &error)) == NULL)
    return hd_cli_fail (error);

  changes.title = title;
  changes.body = body;
  changes.category = category;
  if (tags_text != NULL)
    {
      tags = split_tags (tags_text);
      changes.set_tags = TRUE;
      changes.tags = (const char * const *) tags;
    }
  changes.set_visibility = faq || internal;
  changes.visibility = faq ? HD_VISIBILITY_FAQ : HD_VISIBILITY_INTERNAL;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (article = hd_store_update_article (store, id, if_version, &changes, &error)) == NULL)
    return hd_cli_fail (error);

  g_print (_("Article %" G_GINT64_FORMAT " is at version %" G_GINT64_FORMAT ".\n"),
           hd_article_get_id (article), hd_article_get_version (article));
  return HD_CLI_EXIT_OK;
}

static int
cmd_kb_archive (const HdCliCommand  *command,
                char               **args)
{
  g_auto(GStrv) positional = NULL;
  g_autofree char *if_version_text = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  gboolean restore = FALSE;
  gint64 if_version = 0;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "restore", 0, 0, G_OPTION_ARG_NONE, &restore, N_("Bring an archived article back"), NULL },
    { "if-version", 0, 0, G_OPTION_ARG_STRING, &if_version_text,
      N_("Refuse the change if the article is no longer at version V"), N_("V") },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--if-version", if_version_text, 1, G_MAXINT64,
                                   &if_version, &status) ||
      !parse_article_id (command, positional[0], &id, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (article = hd_store_set_article_archived (store, id, if_version, !restore, &error)) == NULL)
    return hd_cli_fail (error);

  g_print (restore ? _("Article %" G_GINT64_FORMAT " is back.\n")
                   : _("Article %" G_GINT64_FORMAT " is archived.\n"), id);
  return HD_CLI_EXIT_OK;
}

static int
cmd_kb_list (const HdCliCommand  *command,
             char               **args)
{
  g_autofree char *category = NULL, *tag = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdKbCategory) found = NULL;
  g_autoptr(GPtrArray) articles = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE, archived = FALSE;
  const GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("Only this category and the ones below it"), N_("PATH") },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag, N_("Only articles with this tag"), N_("TAG") },
    { "archived", 0, 0, G_OPTION_ARG_NONE, &archived, N_("Archived articles too"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  HdArticleFilter filter = { 0 };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 0, NULL, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL)
    return hd_cli_fail (error);

  if (category != NULL)
    {
      found = hd_store_find_kb_category (store, category, &error);
      if (found == NULL)
        return hd_cli_fail (error);
      filter.category_id = hd_kb_category_get_id (found);
    }
  filter.tag = tag;
  filter.include_archived = archived;

  articles = hd_store_list_articles (store, &filter, &error);
  if (articles == NULL)
    return hd_cli_fail (error);

  hd_cli_print_articles (articles, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return HD_CLI_EXIT_OK;
}

static int
cmd_kb_show (const HdCliCommand  *command,
             char               **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON, with the Markdown as “body” and linked tickets as “tickets”"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !parse_article_id (command, positional[0], &id, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (article = hd_store_get_article (store, id, &error)) == NULL ||
      (tickets = hd_store_list_article_tickets (store, id, &error)) == NULL)
    return hd_cli_fail (error);

  if (json)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(HdCliJson) writer = hd_cli_json_new (text);

      hd_cli_json_begin_object (writer);
      hd_cli_json_article_members (writer, article, TRUE);
      hd_cli_json_member (writer, "tickets");
      hd_cli_json_begin_array (writer);
      for (guint i = 0; i < tickets->len; i++)
        hd_cli_json_int (writer, hd_ticket_get_number (g_ptr_array_index (tickets, i)));
      hd_cli_json_end_array (writer);
      hd_cli_json_end_object (writer);
      hd_cli_print_json (text);
      return HD_CLI_EXIT_OK;
    }

  hd_cli_print_article (article, tickets);
  return HD_CLI_EXIT_OK;
}

static int
cmd_kb_search (const HdCliCommand  *command,
               char               **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *limit_text = NULL;
  gboolean json = FALSE;
  gint64 limit = 20;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text, N_("At most N articles (default 20)"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_option_number (command, "--limit", limit_text, 1, G_MAXINT, &limit, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (hits = hd_store_search_articles (store, positional[0], (guint) limit, &error)) == NULL)
    return hd_cli_fail (error);

  hd_cli_print_hits (hits, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return HD_CLI_EXIT_OK;
}

static int
cmd_kb_suggest (const HdCliCommand  *command,
                char               **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  gint64 number = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status) ||
      !hd_cli_parse_number (command, positional[0], &number, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      (ticket = hd_store_get_ticket (store, number, &error)) == NULL ||
      (hits = hd_store_suggest_articles (store, hd_ticket_get_title (ticket),
                                         hd_ticket_get_description (ticket), number, 5,
                                         &error)) == NULL)
    return hd_cli_fail (error);

  hd_cli_print_hits (hits, json ? HD_CLI_FORMAT_JSON : HD_CLI_FORMAT_TEXT);
  return HD_CLI_EXIT_OK;
}

static int
cmd_kb_link (const HdCliCommand  *command,
             char               **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean unlink = FALSE;
  gint64 id = 0, number = 0;
  const GOptionEntry entries[] = {
    { "remove", 0, 0, G_OPTION_ARG_NONE, &unlink, N_("Remove the link instead"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 2, &positional, &status) ||
      !parse_article_id (command, positional[0], &id, &status) ||
      !hd_cli_parse_number (command, positional[1], &number, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL ||
      !(unlink ? hd_store_unlink_article (store, id, number, &error)
               : hd_store_link_article (store, id, number, &error)))
    return hd_cli_fail (error);

  g_print (unlink ? _("Article %" G_GINT64_FORMAT " is no longer linked to ticket #%" G_GINT64_FORMAT ".\n")
                  : _("Linked article %" G_GINT64_FORMAT " to ticket #%" G_GINT64_FORMAT ".\n"),
           id, number);
  return HD_CLI_EXIT_OK;
}

static int
cmd_kb_categories (const HdCliCommand  *command,
                   char               **args)
{
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GError) error = NULL;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, NULL, args, 0, NULL, &status))
    return status;

  store = hd_cli_open_store (&error);
  if (store == NULL || (categories = hd_store_list_kb_categories (store, &error)) == NULL)
    return hd_cli_fail (error);

  for (guint i = 0; i < categories->len; i++)
    {
      HdKbCategory *c = g_ptr_array_index (categories, i);

      g_print ("%s (%u)\n", hd_kb_category_get_path (c), hd_kb_category_get_n_articles (c));
    }
  return HD_CLI_EXIT_OK;
}

/* Options may come anywhere, so the action is the first word that is
 * neither an option nor --db's FILE; it says how many words follow. */
static guint
category_words (char **args)
{
  const char *action = NULL;

  for (guint i = 0; args[i] != NULL && action == NULL; i++)
    {
      if (g_str_equal (args[i], "--db") && args[i + 1] != NULL)
        i++;
      else if (args[i][0] != '-')
        action = args[i];
    }

  if (g_strcmp0 (action, "rename") == 0)
    return 3;
  if (g_strcmp0 (action, "move") == 0)
    return g_strv_contains ((const char * const *) args, "--top") ? 2 : 3;
  return 2;
}

static int
cmd_kb_category (const HdCliCommand  *command,
                 char               **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdKbCategory) found = NULL;
  g_autoptr(HdKbCategory) parent = NULL;
  g_autoptr(HdKbCategory) changed = NULL;
  g_autoptr(GError) error = NULL;
  gboolean top = FALSE;
  const GOptionEntry entries[] = {
    { "top", 0, 0, G_OPTION_ARG_NONE, &top,
      N_("move: to the top level (the same as a NEW-PARENT of \"\")"), NULL },
    { NULL }
  };
  const char *action;
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, category_words (args), &positional, &status))
    return status;

  action = positional[0];
  if (!g_str_equal (action, "add") && !g_str_equal (action, "rename") &&
      !g_str_equal (action, "move") && !g_str_equal (action, "delete"))
    return hd_cli_usage_error (command, _("Say add, rename, move or delete."));
  if (top && !g_str_equal (action, "move"))
    return hd_cli_usage_error (command, _("--top goes with move only."));

  store = hd_cli_open_store (&error);
  if (store == NULL)
    return hd_cli_fail (error);

  if (g_str_equal (action, "add"))
    {
      changed = hd_store_add_kb_category_path (store, positional[1], &error);
      if (changed == NULL)
        return hd_cli_fail (error);

      g_print (_("Added the category “%s”.\n"), hd_kb_category_get_path (changed));
      return HD_CLI_EXIT_OK;
    }

  found = hd_store_find_kb_category (store, positional[1], &error);
  if (found == NULL)
    return hd_cli_fail (error);

  if (g_str_equal (action, "delete"))
    {
      if (!hd_store_delete_kb_category (store, hd_kb_category_get_id (found), &error))
        return hd_cli_fail (error);

      g_print (_("Deleted the category “%s”.\n"), hd_kb_category_get_path (found));
      return HD_CLI_EXIT_OK;
    }

  if (g_str_equal (action, "rename"))
    changed = hd_store_rename_kb_category (store, hd_kb_category_get_id (found), positional[2],
                                           &error);
  else
    {
      g_autofree char *to = g_strstrip (g_strdup (top ? "" : positional[2]));

      /* "" is the top level. */
      if (to[0] != '\0' && (parent = hd_store_find_kb_category (store, to, &error)) == NULL)
        return hd_cli_fail (error);
      changed = hd_store_move_kb_category (store, hd_kb_category_get_id (found),
                                           parent != NULL ? hd_kb_category_get_id (parent) : 0,
                                           &error);
    }
  if (changed == NULL)
    return hd_cli_fail (error);

  g_print (_("The category “%s” is now “%s”.\n"), hd_kb_category_get_path (found),
           hd_kb_category_get_path (changed));
  return HD_CLI_EXIT_OK;
}

/* kb export writes, and kb import reads, a little front matter before the
 * Markdown, so that a round trip keeps what the Markdown cannot say:
 *
 *   ---
 *   visibility: faq
 *   tags: printer, paper
 *   ---
 *
 * Any "key: value" lines between two "---" lines at the very start; keys
 * other than visibility, tags and category are left alone. Returns where
 * the Markdown starts. */
typedef struct {
  char *visibility;
  char *tags;
  char *category;
} FrontMatter;

static void
front_matter_clear (FrontMatter *front)
{
  g_clear_pointer (&front->visibility, g_free);
  g_clear_pointer (&front->tags, g_free);
  g_clear_pointer (&front->category, g_free);
}

static const char *
read_front_matter (const char  *text,
                   FrontMatter *front)
{
  const char *line;

  if (!g_str_has_prefix (text, "---\n") && !g_str_has_prefix (text, "---\r\n"))
    return text;

  line = strchr (text, '\n') + 1;
  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      g_autofree char *entry = g_strstrip (end != NULL ? g_strndup (line, end - line)
                                                       : g_strdup (line));
      const char *colon = strchr (entry, ':');

      if (g_str_equal (entry, "---"))
        return end != NULL ? end + 1 : line + strlen (line);
      if (colon != NULL)
        {
          g_autofree char *key = g_strstrip (g_strndup (entry, colon - entry));
          char **slot = g_str_equal (key, "visibility") ? &front->visibility
                        : g_str_equal (key, "tags") ? &front->tags
                        : g_str_equal (key, "category") ? &front->category
                        : NULL;

          if (slot != NULL)
            {
              g_free (*slot);
              *slot = g_strstrip (g_strdup (colon + 1));
            }
        }
      if (end == NULL)
        break;
      line = end + 1;
    }

  /* No closing line: not front matter after all. */
  front_matter_clear (front);
  return text;
}

/* kb import: the title is the first "# " heading, which leaves the body,
 * else the file name without ".md". */
static void
split_markdown (const char  *text,
                const char  *file_name,
                char       **title,
                char       **body)
{
  const char *line = text;

  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize len = end != NULL ? (gsize) (end - line) : strlen (line);

      if (len > 2 && g_str_has_prefix (line, "# "))
        {
          GString *rest = g_string_new_len (text, line - text);
          const char *after = end != NULL ? end + 1 : line + len;

          *title = g_strstrip (g_strndup (line + 2, len - 2));
          while (*after == '\n' || *after == '\r')
            after++;
          g_string_append (rest, after);
          *body = g_string_free (rest, FALSE);
          return;
        }
      if (end == NULL)
        break;
      line = end + 1;
    }

  *title = g_strndup (file_name, g_str_has_suffix (file_name, ".md") ? strlen (file_name) - 3
                                                                     : strlen (file_name));
  *body = g_strdup (text);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

typedef struct {
  HdStore    *store;
  gboolean    faq;
  GHashTable *seen;   /* "dev:ino" of each file and folder → where it was met */
  guint       imported;
  guint       failed;
} Import;

static void import_folder (Import     *import,
                           int         fd,
                           const char *relative);

static void
not_imported (Import     *import,
              const char *rel,
              const char *why)
{
  g_printerr (_("%s: not imported: %s\n"), rel, why);
  import->failed++;
}

/* Where the file or folder @st was met before (through a hard link or a
 * bind mount); else %NULL, and it is remembered as met at @rel. */
static const char *
seen_before (Import            *import,
             const struct stat *st,
             const char        *rel)
{
  g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                                          (guint64) st->st_dev, (guint64) st->st_ino);
  const char *first = g_hash_table_lookup (import->seen, key);

  if (first == NULL)
    g_hash_table_insert (import->seen, g_steal_pointer (&key),
                         g_strdup (rel[0] != '\0' ? rel : "."));
  return first;
}

/* Opens @name in @dir_fd (seen as @st) to read it, and says what it is in
 * @opened; -1 with @error set when it is not a regular file. */
static int
open_article_file (int                dir_fd,
                   const char        *name,
                   const char        *rel,
                   const struct stat *st,
                   struct stat       *opened,
                   GError           **error)
{
  int fd;

  /* Looked at first, so that a device or a FIFO is never even opened. */
  if (!hd_check_text_file (rel, st->st_mode, error))
    return -1;

  fd = openat (dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, opened) != 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
    }
  else if (hd_check_text_file (rel, opened->st_mode, error))
    return fd;

  if (fd >= 0)
    close (fd);
  return -1;
}

/* The Markdown of @rel, read from @dir_fd; %NULL when it is refused or was
 * imported already. */
static char *
read_article_file (Import            *import,
                   int                dir_fd,
                   const char        *name,
                   const char        *rel,
                   const struct stat *st)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *first = NULL;
  struct stat opened;
  gsize length = 0;
  int fd;

  fd = open_article_file (dir_fd, name, rel, st, &opened, &error);
  if (fd >= 0 && (first = seen_before (import, &opened, rel)) == NULL)
    contents = hd_read_text_fd (fd, _("The article"), rel, HD_MAX_BODY_BYTES, &length, &error);
  if (fd >= 0)
    close (fd);

  if (first != NULL)
    g_printerr (_("%s: skipped: it is the same file as %s, imported once.\n"), rel, first);
  else if (contents == NULL)
    not_imported (import, rel, error->message);
  else if (!g_utf8_validate_len (contents, length, NULL))
    {
      not_imported (import, rel, _("it is not UTF-8 text. Convert it (e.g. with iconv) and import it again."));
      g_clear_pointer (&contents, g_free);
    }
  return g_steal_pointer (&contents);
}

static void
import_article (Import     *import,
                const char *rel,
                const char *name,
                const char *relative,
                const char *contents)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(HdArticle) article = NULL;
  g_auto(GStrv) tags = NULL;
  HdArticleDraft draft = HD_ARTICLE_DRAFT_INIT;
  FrontMatter front = { NULL, NULL, NULL };
  const char *markdown;
  int visibility;

  markdown = read_front_matter (contents, &front);
  split_markdown (markdown, name, &title, &body);
  draft.title = title;
  draft.body = body;
  draft.category = front.category != NULL ? front.category : relative;
  visibility = import->faq ? HD_VISIBILITY_FAQ : HD_VISIBILITY_INTERNAL;
  if (front.visibility != NULL &&
      !hd_enum_from_nick (HD_TYPE_VISIBILITY, front.visibility, &visibility))
    {
      g_printerr (_("%s: not imported: its visibility “%s” is neither internal nor faq.\n"),
                  rel, front.visibility);
      import->failed++;
      front_matter_clear (&front);
      return;
    }
  draft.visibility = visibility;
  if (front.tags != NULL)
    {
      tags = g_strsplit (front.tags, ",", -1);
      draft.tags = (const char * const *) tags;
    }
  article = hd_store_add_article (import->store, &draft, &local_error);
  front_matter_clear (&front);
  if (article == NULL)
    {
      not_imported (import, rel, local_error->message);
      return;
    }

  g_print (_("%s: article %" G_GINT64_FORMAT "\n"), rel, hd_article_get_id (article));
  import->imported++;
}

/* Links are not followed: one may lead out of the folder (to a private
 * key, say) or back into it, in a loop or to a file imported already.
 * Only a link that would have been imported is worth a word. */
static void
skip_link (Import     *import,
           int         dir_fd,
           const char *name,
           const char *rel)
{
  struct stat target;

  if (g_str_has_suffix (name, ".md") ||
      (fstatat (dir_fd, name, &target, 0) == 0 && S_ISDIR (target.st_mode)))
    not_imported (import, rel, _("it is a symbolic link, which import does not follow; copy what it points to into the folder instead."));
}

/* One name in the folder @dir_fd, whose category is @relative. */
static void
import_entry (Import     *import,
              int         dir_fd,
              const char *name,
              const char *relative)
{
  g_autofree char *rel = relative[0] != '\0' ? g_build_filename (relative, name, NULL)
                                             : g_strdup (name);
  g_autofree char *contents = NULL;
  struct stat st;
  int fd;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    not_imported (import, rel, g_strerror (errno));
  else if (S_ISLNK (st.st_mode))
    skip_link (import, dir_fd, name, rel);
  else if (S_ISDIR (st.st_mode))
    {
      fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        not_imported (import, rel, g_strerror (errno));
      else
        import_folder (import, fd, rel);
    }
  else if (g_str_has_suffix (name, ".md") &&
           (contents = read_article_file (import, dir_fd, name, rel, &st)) != NULL)
    import_article (import, rel, name, relative, contents);
}

/* Imports the folder open as @fd, and closes it. */
static void
import_folder (Import     *import,
               int         fd,
               const char *relative)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *first;
  struct stat st;
  struct dirent *entry;
  DIR *dir;

  if (fstat (fd, &st) != 0 || (dir = fdopendir (fd)) == NULL)
    {
      not_imported (import, relative[0] != '\0' ? relative : ".", g_strerror (errno));
      close (fd);
      return;
    }
  if ((first = seen_before (import, &st, relative)) != NULL)
    {
      g_printerr (_("%s: skipped: it is the same folder as %s, imported once.\n"), relative, first);
      closedir (dir);
      return;
    }

  while ((entry = readdir (dir)) != NULL)
    if (entry->d_name[0] != '.')
      g_ptr_array_add (names, g_strdup (entry->d_name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    import_entry (import, dirfd (dir), g_ptr_array_index (names, i), relative);
  closedir (dir);
}

static int
cmd_kb_import (const HdCliCommand  *command,
               char               **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  gboolean faq = FALSE;
  const GOptionEntry entries[] = {
    { "faq", 0, 0, G_OPTION_ARG_NONE, &faq,
      N_("Requesters may read the imported articles (default: internal)"), NULL },
    { NULL }
  };
  Import import = { 0 };
  int status = HD_CLI_EXIT_OK;
  int fd;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status))
    return status;
  if (!g_file_test (positional[0], G_FILE_TEST_IS_DIR))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a folder."), positional[0]);

      return hd_cli_usage_error (command, message);
    }

  store = hd_cli_open_store (&error);
  if (store == NULL)
    return hd_cli_fail (error);

  /* The folder named is followed if it is a link: it was chosen. */
  fd = g_open (positional[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      g_printerr ("helpdesk-cli: %s: %s\n", positional[0], g_strerror (errno));
      return HD_CLI_EXIT_USAGE;
    }

  import.store = store;
  import.faq = faq;
  import.seen = seen;
  import_folder (&import, fd, "");

  g_print (g_dngettext (GETTEXT_PACKAGE, "Imported %u article", "Imported %u articles",
                        import.imported), import.imported);
  g_print (g_dngettext (GETTEXT_PACKAGE, "; %u file failed.\n", "; %u files failed.\n",
                        import.failed), import.failed);
  return import.failed > 0 ? HD_CLI_EXIT_USAGE : HD_CLI_EXIT_OK;
}

/* A file or folder name from @text: no separators, no control or
 * reserved characters, no leading dot, at most 80 characters. */
static char *
safe_name (const char *text)
{
  GString *name = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text; *p != '\0' && n < 80; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || strchr ("/\\:*?\"<>|", (int) (c < 0x80 ? c : 'a')) != NULL)
        g_string_append_c (name, '-');
      else
        g_string_append_unichar (name, c);
    }

  g_strstrip (name->str);
  g_string_set_size (name, strlen (name->str));
  while (name->len > 0 && name->str[0] == '.')
    g_string_erase (name, 0, 1);

  return g_string_free (name, FALSE);
}

static gboolean
dir_is_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir == NULL || g_dir_read_name (dir) == NULL;
}

static int
cmd_kb_export (const HdCliCommand  *command,
               char               **args)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) articles = NULL;
  g_autoptr(GHashTable) written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Write into a folder that is not empty, replacing files of the same name"), NULL },
    { NULL }
  };
  int status = HD_CLI_EXIT_OK;

  if (!hd_cli_parse (command, entries, args, 1, &positional, &status))
    return status;

  if (g_file_test (positional[0], G_FILE_TEST_EXISTS) &&
      !g_file_test (positional[0], G_FILE_TEST_IS_DIR))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a folder."), positional[0]);

      return hd_cli_usage_error (command, message);
    }
  if (!force && !dir_is_empty (positional[0]))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not empty; choose an empty folder, or add --force to write into it."),
                                                  positional[0]);

      return hd_cli_usage_error (command, message);
    }

  store = hd_cli_open_store (&error);
  if (store == NULL || (articles = hd_store_list_articles (store, NULL, &error)) == NULL)
    return hd_cli_fail (error);

  for (guint i = 0; i < articles->len; i++)
    {
      HdArticle *a = g_ptr_array_index (articles, i);
      g_autoptr(GString) folder = g_string_new (positional[0]);
      g_autofree char *name = safe_name (hd_article_get_title (a));
      g_autofree char *file_name = NULL;
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      g_autofree char *key = NULL;

      if (hd_article_get_category_path (a) != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (hd_article_get_category_path (a), "/", -1);

          for (guint j = 0; parts[j] != NULL; j++)
            {
              g_autofree char *part = safe_name (parts[j]);

              g_string_append_printf (folder, G_DIR_SEPARATOR_S "%s",
                                      part[0] != '\0' ? part : "-");
            }
        }

      if (g_mkdir_with_parents (folder->str, 0755) != 0)
        {
          g_printerr (_("helpdesk-cli: cannot make the folder %s: %s\n"), folder->str,
                      g_strerror (errno));
          return HD_CLI_EXIT_UNUSABLE;
        }

      /* Two articles with one title in one folder: the second gets its id. */
      file_name = g_strdup_printf ("%s.md", name[0] != '\0' ? name : "article");
      path = g_build_filename (folder->str, file_name, NULL);
      key = g_utf8_casefold (path, -1);
      if (g_hash_table_contains (written, key))
        {
          g_free (path);
          g_free (key);
          g_free (file_name);
          file_name = g_strdup_printf ("%s-%" G_GINT64_FORMAT ".md",
                                       name[0] != '\0' ? name : "article", hd_article_get_id (a));
          path = g_build_filename (folder->str, file_name, NULL);
          key = g_utf8_casefold (path, -1);
        }
      g_hash_table_add (written, g_steal_pointer (&key));

      {
        g_autofree char *tag_list = g_strjoinv (", ", (char **) hd_article_get_tags (a));

        text = g_strdup_printf ("---\nvisibility: %s\n%s%s%s---\n# %s\n\n%s%s",
                                hd_enum_to_nick (HD_TYPE_VISIBILITY, hd_article_get_visibility (a)),
                                tag_list[0] != '\0' ? "tags: " : "", tag_list,
                                tag_list[0] != '\0' ? "\n" : "",
                                hd_article_get_title (a), hd_article_get_body (a),
                                g_str_has_suffix (hd_article_get_body (a), "\n") ? "" : "\n");
      }
      if (!g_file_set_contents (path, text, -1, &error))
        {
          g_printerr ("helpdesk-cli: %s\n", error->message);
          return HD_CLI_EXIT_UNUSABLE;
        }
      g_print ("%s\n", path);
    }

  return HD_CLI_EXIT_OK;
}

const HdCliCommand hd_cli_kb_commands[] = {
  { "kb", "add", "", cmd_kb_add,
    N_("Write a knowledge-base article from a Markdown file and print its number.") },
  { "kb", "update", "ID", cmd_kb_update, N_("Change an article’s text, title, category, tags or visibility.") },
  { "kb", "archive", "ID", cmd_kb_archive, N_("Archive an article, or bring it back with --restore.") },
  { "kb", "list", "", cmd_kb_list, N_("List the knowledge-base articles you may read.") },
  { "kb", "show", "ID", cmd_kb_show, N_("Show an article with its Markdown text.") },
  { "kb", "search", "QUERY", cmd_kb_search, N_("Search the knowledge base; any text is a valid query.") },
  { "kb", "suggest", "NUMBER", cmd_kb_suggest, N_("Suggest articles for a ticket.") },
  { "kb", "link", "ID NUMBER", cmd_kb_link, N_("Link an article to a ticket (--remove: unlink).") },
  { "kb", "categories", "", cmd_kb_categories, N_("List the knowledge-base categories.") },
  { "kb", "category", "add|delete PATH | rename PATH NEW-NAME | move PATH NEW-PARENT",
    cmd_kb_category,
    N_("Add a category (with its missing parents), rename, move or delete an empty one.") },
  { "kb", "import", "DIR", cmd_kb_import,
    N_("Import every .md file under DIR; subfolders become categories.") },
  { "kb", "export", "DIR", cmd_kb_export,
    N_("Write every article as a .md file into DIR, in category folders.") },
  { NULL }
};
