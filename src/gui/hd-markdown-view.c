/* hd-markdown-view.c
 *
 * Markdown is parsed by md4c (CommonMark, with GitHub's tables,
 * strikethrough and autolinks) and written into a GtkTextBuffer with named
 * tags: "h1" to "h6", "strong", "em", "del", "code" (inline), "code-block",
 * "quote", "link", "list", "paragraph". Nothing of the text is ever read
 * as Pango markup: people's words are inserted as text, so "<b>" in an
 * article stays "<b>". Raw HTML in Markdown is shown as the text it is.
 *
 * Links keep their target on their own anonymous tag; a click opens
 * http, https and mailto links with the desktop's handler, and nothing
 * else (a file: or javascript: link in an article is only text).
 *
 * A table becomes a child anchor carrying its cells ("hd-table", a
 * Table), listed on the buffer ("hd-tables"); the view puts a grid of
 * labels there, header bold, columns aligned, text selectable. A buffer
 * rendered without a view shows the anchor's placeholder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <md4c.h>
#include <stdlib.h>

#include "hd-markdown-text.h"
#include "hd-markdown-view.h"

struct _HdMarkdownView
{
  GtkTextView  parent_instance;
};

G_DEFINE_FINAL_TYPE (HdMarkdownView, hd_markdown_view, GTK_TYPE_TEXT_VIEW)

#define INDENT_PX 24
#define TABLE_CELL_CHARS 24

/* Rendering */

typedef struct {
  GPtrArray *rows;          /* GPtrArray of cell texts */
  guint      header_rows;
} Table;

static void
table_free (Table *table)
{
  g_ptr_array_unref (table->rows);
  g_free (table);
}

typedef struct {
  GtkTextBuffer *buffer;
  GPtrArray     *tags;      /* the tags open now, innermost last */
  GArray        *lists;     /* HdMarkdownList, innermost last */
  int            quotes;    /* blockquote depth */
  gboolean       at_mark;   /* just after a list item's mark: its first block goes on */
  Table         *table;     /* the table being read */
  GPtrArray     *anchors;   /* the tables' anchors so far */
  GString       *cell;      /* the cell being read: text goes there */
} Render;

static GtkTextTag *
named_tag (GtkTextBuffer *buffer,
           const char    *name)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, name);

  if (tag != NULL)
    return tag;

  tag = gtk_text_buffer_create_tag (buffer, name, NULL);
  if (g_str_has_prefix (name, "h") && name[1] >= '1' && name[1] <= '6' && name[2] == '\0')
    {
      static const double scales[] = { 1.6, 1.4, 1.2, 1.1, 1.0, 1.0 };

      g_object_set (tag, "weight", PANGO_WEIGHT_BOLD, "scale", scales[name[1] - '1'],
                    "pixels-above-lines", 12, "pixels-below-lines", 6, NULL);
    }
  else if (g_str_equal (name, "strong"))
    g_object_set (tag, "weight", PANGO_WEIGHT_BOLD, NULL);
  else if (g_str_equal (name, "em"))
    g_object_set (tag, "style", PANGO_STYLE_ITALIC, NULL);
  else if (g_str_equal (name, "del"))
    g_object_set (tag, "strikethrough", TRUE, NULL);
  else if (g_str_equal (name, "u"))
    g_object_set (tag, "underline", PANGO_UNDERLINE_SINGLE, NULL);
  else if (g_str_equal (name, "code"))
    g_object_set (tag, "family", "monospace", "background", "rgba(127,127,127,0.15)", NULL);
  else if (g_str_equal (name, "code-block"))
    g_object_set (tag, "family", "monospace", "paragraph-background", "rgba(127,127,127,0.12)",
                  "left-margin", 12, "right-margin", 12, "wrap-mode", GTK_WRAP_NONE,
                  "pixels-below-lines", 6, NULL);
  else if (g_str_equal (name, "link"))
    g_object_set (tag, "underline", PANGO_UNDERLINE_SINGLE, "foreground", "#1c71d8", NULL);
  else if (g_str_equal (name, "paragraph"))
    g_object_set (tag, "pixels-below-lines", 8, NULL);
  else if (g_str_equal (name, "rule"))
    g_object_set (tag, "foreground", "rgba(127,127,127,0.6)", "justification", GTK_JUSTIFY_CENTER,
                  NULL);
  else if (g_str_has_prefix (name, "quote-"))
    g_object_set (tag, "left-margin", INDENT_PX * atoi (name + 6), "style", PANGO_STYLE_ITALIC,
                  "foreground", "rgba(127,127,127,1)", NULL);
  else if (g_str_has_prefix (name, "list-"))
    g_object_set (tag, "left-margin", INDENT_PX * atoi (name + 5),
                  "indent", -INDENT_PX / 2 - 6, "pixels-below-lines", 2, NULL);

  return tag;
}

static void
push (Render     *r,
      GtkTextTag *tag)
{
  g_ptr_array_add (r->tags, g_object_ref (tag));
}

static void
pop (Render *r)
{
  if (r->tags->len > 0)
    g_ptr_array_remove_index (r->tags, r->tags->len - 1);
}

/* Inserts @text at the end with every tag open now. */
static void
insert (Render     *r,
        const char *text,
        gssize      length)
{
  GtkTextIter end, start;
  int offset;

  if (r->cell != NULL)
    {
      g_string_append_len (r->cell, text, length);
      return;
    }

  r->at_mark = FALSE;
  gtk_text_buffer_get_end_iter (r->buffer, &end);
  offset = gtk_text_iter_get_offset (&end);
  gtk_text_buffer_insert (r->buffer, &end, text, length);
  gtk_text_buffer_get_iter_at_offset (r->buffer, &start, offset);
  gtk_text_buffer_get_end_iter (r->buffer, &end);
  for (guint i = 0; i < r->tags->len; i++)
    gtk_text_buffer_apply_tag (r->buffer, g_ptr_array_index (r->tags, i), &start, &end);
}

/* A new block starts on a line of its own, but for the first block of a
 * list item, which follows its mark. */
static void
new_line (Render *r)
{
  GtkTextIter end;

  if (r->at_mark)
    {
      r->at_mark = FALSE;
      return;
    }

  gtk_text_buffer_get_end_iter (r->buffer, &end);
  if (!gtk_text_iter_starts_line (&end))
    gtk_text_buffer_insert (r->buffer, &end, "\n", 1);
}

static char *
attribute_text (const MD_ATTRIBUTE *attribute)
{
  return g_strndup (attribute->text, attribute->size);
}

static int
enter_block (MD_BLOCKTYPE type,
             void        *detail,
             void        *data)
{
  Render *r = data;
  char name[16];

  switch (type)
    {
    case MD_BLOCK_H:
      new_line (r);
      g_snprintf (name, sizeof name, "h%u", ((MD_BLOCK_H_DETAIL *) detail)->level);
      push (r, named_tag (r->buffer, name));
      break;
    case MD_BLOCK_P:
      new_line (r);
      push (r, named_tag (r->buffer, "paragraph"));
      break;
    case MD_BLOCK_CODE:
      new_line (r);
      push (r, named_tag (r->buffer, "code-block"));
      break;
    case MD_BLOCK_QUOTE:
      r->quotes++;
      g_snprintf (name, sizeof name, "quote-%d", MIN (r->quotes, 9));
      push (r, named_tag (r->buffer, name));
      break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      {
        HdMarkdownList list = { type == MD_BLOCK_OL,
                      type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *) detail)->start : 0 };

        g_array_append_val (r->lists, list);
        g_snprintf (name, sizeof name, "list-%u", MIN (r->lists->len, 9));
        push (r, named_tag (r->buffer, name));
      }
      break;
    case MD_BLOCK_LI:
      {
        HdMarkdownList *list = &g_array_index (r->lists, HdMarkdownList, r->lists->len - 1);
        g_autofree char *mark = hd_markdown_list_mark (list, detail);

        r->at_mark = FALSE;
        new_line (r);
        insert (r, mark, -1);
        /* The item's first paragraph continues the mark's line. */
        r->at_mark = TRUE;
      }
      break;
    case MD_BLOCK_HR:
      new_line (r);
      push (r, named_tag (r->buffer, "rule"));
      insert (r, "―――――――――――――――", -1);
      pop (r);
      break;
    case MD_BLOCK_TABLE:
      new_line (r);
      r->table = g_new0 (Table, 1);
      r->table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      break;
    case MD_BLOCK_HTML:
      new_line (r);
      push (r, named_tag (r->buffer, "code-block"));
      break;
    case MD_BLOCK_TR:
      if (r->table != NULL)
        g_ptr_array_add (r->table->rows, g_ptr_array_new_with_free_func (g_free));
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      if (r->table != NULL && r->table->rows->len > 0)
        r->cell = g_string_new (NULL);
      break;
    case MD_BLOCK_DOC:
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
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
  Render *r = data;

  switch (type)
    {
    case MD_BLOCK_H:
    case MD_BLOCK_P:
    case MD_BLOCK_CODE:
    case MD_BLOCK_HTML:
      pop (r);
      break;
    case MD_BLOCK_TABLE:
      if (r->table != NULL)
        {
          GtkTextIter end;
          GtkTextChildAnchor *anchor;

          gtk_text_buffer_get_end_iter (r->buffer, &end);
          anchor = gtk_text_buffer_create_child_anchor (r->buffer, &end);
          g_object_set_data_full (G_OBJECT (anchor), "hd-table", g_steal_pointer (&r->table),
                                  (GDestroyNotify) table_free);
          g_ptr_array_add (r->anchors, g_object_ref (anchor));
          gtk_text_buffer_get_end_iter (r->buffer, &end);
          gtk_text_buffer_insert (r->buffer, &end, "\n", 1);
        }
      break;
    case MD_BLOCK_THEAD:
      if (r->table != NULL)
        r->table->header_rows = r->table->rows->len;
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      if (r->cell != NULL)
        {
          GPtrArray *row = g_ptr_array_index (r->table->rows, r->table->rows->len - 1);

          g_ptr_array_add (row, g_strstrip (g_string_free (g_steal_pointer (&r->cell), FALSE)));
        }
      break;
    case MD_BLOCK_QUOTE:
      r->quotes--;
      pop (r);
      break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      g_array_set_size (r->lists, r->lists->len - 1);
      pop (r);
      break;
    case MD_BLOCK_LI:
      r->at_mark = FALSE;
      break;
    case MD_BLOCK_DOC:
    case MD_BLOCK_HR:
    case MD_BLOCK_TBODY:
    case MD_BLOCK_TR:
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
  Render *r = data;

  switch (type)
    {
    case MD_SPAN_EM:
      push (r, named_tag (r->buffer, "em"));
      break;
    case MD_SPAN_STRONG:
      push (r, named_tag (r->buffer, "strong"));
      break;
    case MD_SPAN_DEL:
      push (r, named_tag (r->buffer, "del"));
      break;
    case MD_SPAN_U:
      push (r, named_tag (r->buffer, "u"));
      break;
    case MD_SPAN_CODE:
      push (r, named_tag (r->buffer, "code"));
      break;
    case MD_SPAN_A:
      {
        /* The target rides on a tag of its own, next to the look. */
        GtkTextTag *target = gtk_text_buffer_create_tag (r->buffer, NULL, NULL);

        g_object_set_data_full (G_OBJECT (target), "hd-href",
                                attribute_text (&((MD_SPAN_A_DETAIL *) detail)->href), g_free);
        push (r, named_tag (r->buffer, "link"));
        push (r, target);
      }
      break;
    case MD_SPAN_IMG:
      /* Images come with attachments; until then, their description. */
      push (r, named_tag (r->buffer, "em"));
      insert (r, "🖼 ", -1);
      break;
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
    case MD_SPAN_WIKILINK:
    default:
      push (r, named_tag (r->buffer, "code"));
      break;
    }

  return 0;
}

static int
leave_span (MD_SPANTYPE type,
            void       *detail,
            void       *data)
{
  Render *r = data;

  pop (r);
  if (type == MD_SPAN_A)
    pop (r);
  return 0;
}

/* The entities people write by hand; others stay as typed. */
static void
insert_entity (Render     *r,
               const char *text,
               MD_SIZE     size)
{
  char buffer[8];
  const char *known = hd_markdown_entity_text (text, size, buffer);

  if (known != NULL)
    insert (r, known, -1);
  else
    insert (r, text, size);
}

static int
text (MD_TEXTTYPE  type,
      const char  *text,
      MD_SIZE      size,
      void        *data)
{
  Render *r = data;

  switch (type)
    {
    case MD_TEXT_NULLCHAR:
      insert (r, "\ufffd", -1);
      break;
    case MD_TEXT_BR:
      insert (r, "\n", 1);
      break;
    case MD_TEXT_SOFTBR:
      insert (r, " ", 1);
      break;
    case MD_TEXT_ENTITY:
      insert_entity (r, text, size);
      break;
    case MD_TEXT_NORMAL:
    case MD_TEXT_CODE:
    case MD_TEXT_HTML:
    case MD_TEXT_LATEXMATH:
    default:
      insert (r, text, size);
      break;
    }

  return 0;
}

/**
 * hd_markdown_render:
 * @buffer: replaced by the rendered text
 * @markdown: (nullable): CommonMark with GitHub's tables, strikethrough,
 *   task lists and autolinks; invalid UTF-8 is shown with replacement
 *   characters
 *
 * Writes @markdown into @buffer as formatted text, with the named tags
 * described at the top of this file.
 */
void
hd_markdown_render (GtkTextBuffer *buffer,
                    const char    *markdown)
{
  g_autofree char *valid = NULL;
  GtkTextIter end;
  Render r = { 0 };
  MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML,
    .enter_block = enter_block,
    .leave_block = leave_block,
    .enter_span = enter_span,
    .leave_span = leave_span,
    .text = text,
  };

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  gtk_text_buffer_set_text (buffer, "", 0);
  g_object_set_data (G_OBJECT (buffer), "hd-tables", NULL);
  if (markdown == NULL)
    return;

  valid = g_utf8_make_valid (markdown, -1);
  r.buffer = buffer;
  r.tags = g_ptr_array_new_with_free_func (g_object_unref);
  r.lists = g_array_new (FALSE, FALSE, sizeof (HdMarkdownList));
  r.anchors = g_ptr_array_new_with_free_func (g_object_unref);
  md_parse (valid, strlen (valid), &parser, &r);
  g_ptr_array_unref (r.tags);
  g_array_unref (r.lists);
  g_clear_pointer (&r.table, table_free);
  g_object_set_data_full (G_OBJECT (buffer), "hd-tables", r.anchors,
                          (GDestroyNotify) g_ptr_array_unref);
  if (r.cell != NULL)
    g_string_free (r.cell, TRUE);

  /* No empty line at the very end. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  if (gtk_text_iter_backward_char (&end) && gtk_text_iter_get_char (&end) == '\n')
    {
      GtkTextIter last;

      gtk_text_buffer_get_end_iter (buffer, &last);
      gtk_text_buffer_delete (buffer, &end, &last);
    }
}

/**
 * hd_markdown_link_at:
 *
 * Returns: (nullable): the target of the link at @iter
 */
const char *
hd_markdown_link_at (GtkTextIter *iter)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      const char *href = g_object_get_data (l->data, "hd-href");

      if (href != NULL)
        return href;
    }

  return NULL;
}

/* The view */

static gboolean
may_open (const char *uri)
{
  g_autofree char *scheme = g_uri_parse_scheme (uri);

  return scheme != NULL && (g_ascii_strcasecmp (scheme, "http") == 0 ||
                            g_ascii_strcasecmp (scheme, "https") == 0 ||
                            g_ascii_strcasecmp (scheme, "mailto") == 0);
}

static const char *
link_at_point (HdMarkdownView *self,
               double          x,
               double          y)
{
  GtkTextIter iter;
  int bx, by;

  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET,
                                         (int) x, (int) y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self), &iter, bx, by))
    return NULL;

  return hd_markdown_link_at (&iter);
}

static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             HdMarkdownView  *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  const char *href;

  /* A drag that selected text is not a click on a link. */
  if (gtk_text_buffer_get_has_selection (buffer))
    return;

  href = link_at_point (self, x, y);
  if (href != NULL && may_open (href))
    gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), href, GDK_CURRENT_TIME);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           HdMarkdownView           *self)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   link_at_point (self, x, y) != NULL ? "pointer" : NULL);
}

static void
hd_markdown_view_class_init (HdMarkdownViewClass *klass)
{
}

static void
hd_markdown_view_init (HdMarkdownView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_text_view_set_editable (GTK_TEXT_VIEW (self), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self), 12);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (released_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

/* A table's cells in a grid, columns aligned, header bold. */
static GtkWidget *
table_grid (Table *table)
{
  GtkWidget *grid = g_object_new (GTK_TYPE_GRID,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_TABLE,
                                  "column-spacing", 18,
                                  "row-spacing", 6,
                                  "margin-top", 6,
                                  "margin-bottom", 6,
                                  NULL);

  gtk_widget_add_css_class (grid, "hd-markdown-table");
  for (guint r = 0; r < table->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < row->len; c++)
        {
          const char *text = g_ptr_array_index (row, c);
          GtkWidget *label = gtk_label_new (text);

          /* The view gives a child its smallest width: a cell asks for
           * its whole text up to TABLE_CELL_CHARS, and wraps beyond. */
          gtk_label_set_xalign (GTK_LABEL (label), 0.0);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
          gtk_label_set_width_chars (GTK_LABEL (label),
                                     (int) MIN (g_utf8_strlen (text, -1), TABLE_CELL_CHARS));
          gtk_label_set_max_width_chars (GTK_LABEL (label), TABLE_CELL_CHARS);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          gtk_widget_set_valign (label, GTK_ALIGN_START);
          if (r < table->header_rows)
            gtk_widget_add_css_class (label, "heading");
          gtk_grid_attach (GTK_GRID (grid), label, c, r, 1, 1);
        }
    }

  return grid;
}

GtkWidget *
hd_markdown_view_new (void)
{
  return g_object_new (HD_TYPE_MARKDOWN_VIEW, NULL);
}

/**
 * hd_markdown_view_set_markdown:
 * @markdown: (nullable): what to show
 */
void
hd_markdown_view_set_markdown (HdMarkdownView *self,
                               const char     *markdown)
{
  GtkTextBuffer *buffer;
  GPtrArray *anchors;

  g_return_if_fail (HD_IS_MARKDOWN_VIEW (self));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  hd_markdown_render (buffer, markdown);

  /* Each table's anchor gets its grid. */
  anchors = g_object_get_data (G_OBJECT (buffer), "hd-tables");
  for (guint i = 0; anchors != NULL && i < anchors->len; i++)
    {
      GtkTextChildAnchor *anchor = g_ptr_array_index (anchors, i);

      gtk_text_view_add_child_at_anchor (GTK_TEXT_VIEW (self),
                                         table_grid (g_object_get_data (G_OBJECT (anchor), "hd-table")),
                                         anchor);
    }
}
