/* hd-markdown-text.c — an article's Markdown as plain text
 *
 * Replies and mail are plain text: an article inserted into a reply must
 * read well there, without "**" and "| --- |". md4c parses the Markdown
 * (the same dialect as the window shows: CommonMark with GitHub's tables,
 * strikethrough, task lists and autolinks); this file writes what a
 * person would have typed in a plain-text mail:
 *
 *   - blocks apart by an empty line, list items on lines of their own
 *     ("• ", "1. ", "☐ "), nested lists and quotes indented;
 *   - emphasis, strong, code: their text; a link: its text and, when it
 *     says something else, the address in brackets; an image: its
 *     description;
 *   - code blocks indented by four spaces;
 *   - tables as aligned columns, a line of dashes under the header.
 *
 * Search snippets are pieces of the Markdown cut anywhere, which md4c
 * would misread; hd_markdown_clean_snippet() takes the syntax out of
 * them with a few patterns instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <md4c.h>
#include <string.h>

#include "hd-markdown-text.h"

/**
 * hd_markdown_entity_text:
 * @entity: an entity as md4c reports it ("&amp;", "&#233;")
 * @buffer: room for a character the entity names by number
 *
 * Returns: (nullable): the text of @entity if it is one people write by
 *   hand or a character's number; NULL for others, which stay as typed
 */
const char *
hd_markdown_entity_text (const char *entity,
                         gsize       size,
                         char        buffer[8])
{
  static const struct { const char *name; const char *text; } known[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&apos;", "'" },
    { "&nbsp;", "\u00a0" }, { "&copy;", "©" }, { "&reg;", "®" }, { "&hellip;", "…" },
    { "&mdash;", "—" }, { "&ndash;", "–" }, { "&euro;", "€" },
  };

  if (size > 3 && size < 16 && entity[1] == '#')
    {
      char digits[16] = { 0 };
      gboolean hex = entity[2] == 'x' || entity[2] == 'X';
      guint64 code;

      memcpy (digits, entity + (hex ? 3 : 2), size - (hex ? 3 : 2));
      code = g_ascii_strtoull (digits, NULL, hex ? 16 : 10);
      if (code > 0 && code <= G_MAXUINT32 && g_unichar_validate ((gunichar) code) &&
          code != 0xfffe)
        {
          buffer[g_unichar_to_utf8 ((gunichar) code, buffer)] = '\0';
          return buffer;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strlen (known[i].name) == size && memcmp (entity, known[i].name, size) == 0)
      return known[i].text;

  return NULL;
}

/**
 * hd_markdown_list_mark:
 * @list: the list @item is in; its next number moves on
 *
 * Returns: (transfer full): @item's mark as both renderers write it: a
 *   box for a task, its number for a numbered list, else a bullet
 */
char *
hd_markdown_list_mark (HdMarkdownList           *list,
                       const MD_BLOCK_LI_DETAIL *item)
{
  if (item->is_task)
    return g_strdup (item->task_mark == ' ' ? "☐ " : "☑ ");
  if (list->ordered)
    return g_strdup_printf ("%u. ", list->next++);
  return g_strdup ("• ");
}

typedef struct {
  GString   *out;
  GArray    *lists;      /* HdMarkdownList, innermost last */
  int        quotes;
  int        code;       /* inside a code block */
  gboolean   at_mark;    /* just after a list item's mark */
  gboolean   line_start; /* the next character starts a line: write the prefix */
  GPtrArray *table;      /* rows (GPtrArray of cells) while inside a table */
  GString   *cell;       /* the cell being read */
  GString   *link_text;  /* the text of the link being read */
  char      *href;
  guint      header_rows;
} Text;

/* What each line starts with here: quotes' "> ", then three spaces per
 * list around it (@lists of them), then a code block's four. */
static void
write_prefix (Text  *t,
              guint  lists)
{
  for (int i = 0; i < t->quotes; i++)
    g_string_append (t->out, "> ");
  for (guint i = 0; i < lists; i++)
    g_string_append (t->out, "   ");
  if (t->code > 0)
    g_string_append (t->out, "    ");
}

static void
emit (Text       *t,
      const char *text,
      gssize      size)
{
  const char *end = text + (size < 0 ? (gssize) strlen (text) : size);

  if (t->cell != NULL)
    {
      g_string_append_len (t->cell, text, end - text);
      return;
    }
  if (t->link_text != NULL)
    g_string_append_len (t->link_text, text, end - text);

  for (const char *p = text; p < end; p++)
    {
      if (t->line_start && *p != '\n')
        {
          write_prefix (t, t->lists->len);
          t->line_start = FALSE;
        }
      g_string_append_c (t->out, *p);
      if (*p == '\n')
        t->line_start = TRUE;
    }
  t->at_mark = FALSE;
}

/* Ends the line being written, if any. */
static void
end_line (Text *t)
{
  if (t->out->len > 0 && !t->line_start)
    {
      g_string_append_c (t->out, '\n');
      t->line_start = TRUE;
    }
}

/* A new block: on the line of its list item's mark, else apart from what
 * came before by an empty line — a line break only inside a list. */
static void
start_block (Text *t)
{
  if (t->at_mark)
    return;
  end_line (t);
  if (t->out->len > 0 && t->lists->len == 0 && !g_str_has_suffix (t->out->str, "\n\n"))
    {
      for (int i = 0; i < t->quotes; i++)
        g_string_append (t->out, ">");
      g_string_append_c (t->out, '\n');
    }
}

/* The rows of a table read, as aligned columns. */
static void
write_table (Text *t)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, TRUE, sizeof (glong));

  for (guint r = 0; r < t->table->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (t->table, r);

      for (guint c = 0; c < row->len; c++)
        {
          glong width = g_utf8_strlen (g_ptr_array_index (row, c), -1);

          if (widths->len <= c)
            g_array_set_size (widths, c + 1);
          g_array_index (widths, glong, c) = MAX (g_array_index (widths, glong, c), width);
        }
    }

  for (guint r = 0; r < t->table->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (t->table, r);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < row->len; c++)
        {
          const char *cell = g_ptr_array_index (row, c);

          if (c > 0)
            g_string_append (line, "  ");
          g_string_append (line, cell);
          if (c + 1 < row->len)
            for (glong pad = g_utf8_strlen (cell, -1); pad < g_array_index (widths, glong, c); pad++)
              g_string_append_c (line, ' ');
        }
      emit (t, line->str, line->len);
      emit (t, "\n", 1);

      if (r + 1 == t->header_rows)
        {
          g_string_truncate (line, 0);
          for (guint c = 0; c < widths->len; c++)
            {
              if (c > 0)
                g_string_append (line, "  ");
              for (glong i = 0; i < MAX (g_array_index (widths, glong, c), 1); i++)
                g_string_append (line, "-");
            }
          emit (t, line->str, line->len);
          emit (t, "\n", 1);
        }
    }
}

static int
enter_block (MD_BLOCKTYPE type,
             void        *detail,
             void        *data)
{
  Text *t = data;

  switch (type)
    {
    case MD_BLOCK_H:
    case MD_BLOCK_P:
    case MD_BLOCK_HTML:
      start_block (t);
      break;
    case MD_BLOCK_CODE:
      start_block (t);
      end_line (t);
      t->at_mark = FALSE;
      t->code++;
      break;
    case MD_BLOCK_QUOTE:
      start_block (t);
      t->quotes++;
      break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      {
        HdMarkdownList list = { type == MD_BLOCK_OL,
                      type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *) detail)->start : 0 };

        if (t->lists->len == 0)
          start_block (t);
        g_array_append_val (t->lists, list);
      }
      break;
    case MD_BLOCK_LI:
      {
        HdMarkdownList *list = &g_array_index (t->lists, HdMarkdownList, t->lists->len - 1);
        g_autofree char *mark = hd_markdown_list_mark (list, detail);

        end_line (t);
        /* The mark stands out of its item's indentation. */
        write_prefix (t, t->lists->len - 1);
        g_string_append (t->out, mark);
        t->line_start = FALSE;
        t->at_mark = TRUE;
      }
      break;
    case MD_BLOCK_HR:
      start_block (t);
      emit (t, "―――――――――――――――", -1);
      break;
    case MD_BLOCK_TABLE:
      start_block (t);
      t->table = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      t->header_rows = 0;
      break;
    case MD_BLOCK_TR:
      if (t->table != NULL)
        g_ptr_array_add (t->table, g_ptr_array_new_with_free_func (g_free));
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      if (t->table != NULL && t->table->len > 0)
        t->cell = g_string_new (NULL);
      break;
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
    case MD_BLOCK_DOC:
    default:
      break;
    }

  return 0;
}

static int
leave_block (MD_BLOCKTYPE type,
             void        *detail,
             void        *data)
{
  Text *t = data;

  switch (type)
    {
    case MD_BLOCK_CODE:
      t->code--;
      break;
    case MD_BLOCK_QUOTE:
      end_line (t);
      t->quotes--;
      break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      g_array_set_size (t->lists, t->lists->len - 1);
      break;
    case MD_BLOCK_LI:
      t->at_mark = FALSE;
      break;
    case MD_BLOCK_THEAD:
      if (t->table != NULL)
        t->header_rows = t->table->len;
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      if (t->cell != NULL)
        {
          GPtrArray *row = g_ptr_array_index (t->table, t->table->len - 1);

          g_ptr_array_add (row, g_strstrip (g_string_free (g_steal_pointer (&t->cell), FALSE)));
        }
      break;
    case MD_BLOCK_TABLE:
      if (t->table != NULL)
        {
          write_table (t);
          g_clear_pointer (&t->table, g_ptr_array_unref);
        }
      break;
    case MD_BLOCK_H:
    case MD_BLOCK_P:
    case MD_BLOCK_HTML:
    case MD_BLOCK_HR:
    case MD_BLOCK_TR:
    case MD_BLOCK_TBODY:
    case MD_BLOCK_DOC:
    default:
      break;
    }

  return 0;
}

static int
enter_span (MD_SPANTYPE type,
            void       *detail,
            void       *data)
{
  Text *t = data;

  if (type == MD_SPAN_A && t->link_text == NULL && t->cell == NULL)
    {
      MD_SPAN_A_DETAIL *a = detail;

      t->link_text = g_string_new (NULL);
      t->href = g_strndup (a->href.text, a->href.size);
    }

  return 0;
}

static int
leave_span (MD_SPANTYPE type,
            void       *detail,
            void       *data)
{
  Text *t = data;

  if (type == MD_SPAN_A && t->link_text != NULL)
    {
      g_autoptr(GString) shown = g_steal_pointer (&t->link_text);
      g_autofree char *href = g_steal_pointer (&t->href);
      const char *address = g_str_has_prefix (href, "mailto:") ? href + strlen ("mailto:") : href;

      if (*address != '\0' && !g_str_equal (shown->str, address) && !g_str_equal (shown->str, href))
        {
          g_autofree char *after = g_strdup_printf (" (%s)", address);

          emit (t, after, -1);
        }
    }

  return 0;
}

static int
text_cb (MD_TEXTTYPE  type,
         const char  *text,
         MD_SIZE      size,
         void        *data)
{
  Text *t = data;
  char buffer[8];
  const char *known;

  switch (type)
    {
    case MD_TEXT_NULLCHAR:
      emit (t, "\ufffd", -1);
      break;
    case MD_TEXT_BR:
      emit (t, t->cell != NULL ? " " : "\n", 1);
      break;
    case MD_TEXT_SOFTBR:
      emit (t, " ", 1);
      break;
    case MD_TEXT_ENTITY:
      known = hd_markdown_entity_text (text, size, buffer);
      if (known != NULL)
        emit (t, known, -1);
      else
        emit (t, text, size);
      break;
    case MD_TEXT_CODE:
    case MD_TEXT_NORMAL:
    case MD_TEXT_HTML:
    case MD_TEXT_LATEXMATH:
    default:
      emit (t, text, size);
      break;
    }

  return 0;
}

/**
 * hd_markdown_to_text:
 * @markdown: (nullable): an article's body; invalid UTF-8 is mended
 *
 * Returns: (transfer full): @markdown as plain text (see the top of this
 *   file), ending with a line break unless it is empty
 */
char *
hd_markdown_to_text (const char *markdown)
{
  g_autofree char *valid = g_utf8_make_valid (markdown != NULL ? markdown : "", -1);
  Text t = { 0 };
  MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML,
    .enter_block = enter_block,
    .leave_block = leave_block,
    .enter_span = enter_span,
    .leave_span = leave_span,
    .text = text_cb,
  };

  t.out = g_string_new (NULL);
  t.lists = g_array_new (FALSE, FALSE, sizeof (HdMarkdownList));
  t.line_start = TRUE;
  md_parse (valid, strlen (valid), &parser, &t);

  g_array_unref (t.lists);
  if (t.table != NULL)
    g_ptr_array_unref (t.table);
  if (t.cell != NULL)
    g_string_free (t.cell, TRUE);
  if (t.link_text != NULL)
    g_string_free (t.link_text, TRUE);
  g_free (t.href);

  /* Trailing spaces and empty lines off, one line break on. */
  while (t.out->len > 0 && g_ascii_isspace (t.out->str[t.out->len - 1]))
    g_string_truncate (t.out, t.out->len - 1);
  if (t.out->len > 0)
    g_string_append_c (t.out, '\n');
  return g_string_free (t.out, FALSE);
}

/**
 * hd_markdown_clean_snippet:
 * @snippet: a piece of Markdown, maybe cut in the middle of its syntax
 *
 * Returns: (transfer full): @snippet on one line without Markdown's
 *   syntax: table rules and bars, heading and quote marks, list marks,
 *   emphasis, code marks, and links reduced to their text
 */
char *
hd_markdown_clean_snippet (const char *snippet)
{
  static const struct { const char *pattern; const char *replacement; } rules[] = {
    { "\\[([^\\]\\n]*)\\]\\([^)\\n]*\\)?", "\\1" },     /* [text](address) → text */
    { "!(?=\\[)", "" },                                    /* an image's "!" */
    { "^[ \\t]*(#{1,6}|>+|[-*+]|\\d+[.)])[ \\t]+", "" },   /* line marks */
    { "(\\|[ \\t]*:?-{2,}:?[ \\t]*)+\\|?", " " },          /* a table's rule */
    { "-{3,}|={3,}|_{3,}|\\*{3,}", " " },                  /* other rules */
    { "\\|", " " },                                        /* a table's bars */
    { "\\*\\*|__|~~|`+", "" },                             /* strong, strike, code */
    { "(?<![\\w*])\\*(?=\\S)|(?<=\\S)\\*(?![\\w*])", "" }, /* emphasis */
    { "\\s+", " " },
  };
  g_autofree char *valid = g_utf8_make_valid (snippet != NULL ? snippet : "", -1);
  char *text = g_steal_pointer (&valid);

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr(GRegex) regex = g_regex_new (rules[i].pattern, G_REGEX_MULTILINE | G_REGEX_OPTIMIZE,
                                             0, NULL);
      char *replaced;

      g_assert (regex != NULL);
      replaced = g_regex_replace (regex, text, -1, 0, rules[i].replacement, 0, NULL);
      if (replaced != NULL)
        {
          g_free (text);
          text = replaced;
        }
    }

  return g_strstrip (text);
}
