/* hd-mail-text.c — charsets, HTML-only mail and quoted history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>

#include "hd-mail.h"

#define REPLACEMENT "\xef\xbf\xbd"

static gboolean
is_utf8_name (const char *charset)
{
  return charset == NULL || g_ascii_strcasecmp (charset, "utf-8") == 0 ||
         g_ascii_strcasecmp (charset, "utf8") == 0 ||
         g_ascii_strcasecmp (charset, "us-ascii") == 0;
}

/* Converts with @cd, each byte it cannot read as U+FFFD. */
static char *
convert (GIConv        cd,
         const guint8 *data,
         gsize         length)
{
  GString *out = g_string_sized_new (length + length / 2);
  char *in = (char *) data;
  gsize in_left = length;
  char buffer[4096];

  while (in_left > 0)
    {
      char *o = buffer;
      gsize o_left = sizeof buffer;
      gsize rc = g_iconv (cd, &in, &in_left, &o, &o_left);

      g_string_append_len (out, buffer, o - buffer);
      if (rc != (gsize) -1 || errno == E2BIG)
        continue;
      g_string_append (out, REPLACEMENT);
      if (errno != EILSEQ)
        break;
      in++;
      in_left--;
      g_iconv (cd, NULL, NULL, NULL, NULL);
    }
  return g_string_free (out, FALSE);
}

/**
 * hd_mail_to_utf8:
 * @charset: (nullable): the charset the part names
 *
 * @data as UTF-8 text: converted from @charset, or, when it names none
 * or one this system does not know, read as UTF-8 if it is, else as
 * Windows-1252 (what unlabelled Western mail is). Bytes invalid in the
 * charset become U+FFFD; NULs too.
 *
 * Returns: (transfer full):
 */
char *
hd_mail_to_utf8 (const guint8 *data,
                 gsize         length,
                 const char   *charset)
{
  g_autofree char *converted = NULL;
  GIConv cd = (GIConv) -1;

  if ((charset != NULL && is_utf8_name (charset)) ||
      g_utf8_validate_len ((const char *) data, length, NULL))
    return hd_mail_text_valid ((const char *) data, length);

  if (charset != NULL)
    cd = g_mime_iconv_open ("UTF-8", charset);
  if (cd == (GIConv) -1 && !g_utf8_validate_len ((const char *) data, length, NULL))
    cd = g_mime_iconv_open ("UTF-8", "windows-1252");
  if (cd == (GIConv) -1)
    return hd_mail_text_valid ((const char *) data, length);

  converted = convert (cd, data, length);
  g_mime_iconv_close (cd);
  return hd_mail_text_valid (converted, -1);
}

/* HTML */

static gboolean
is_block (const char *name)
{
  static const char * const blocks[] = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul",
    "ol", "pre", "hr", "blockquote", "section", "article", "header", "footer", "address",
    NULL
  };

  return g_strv_contains (blocks, name);
}

static void
newline (GString *out,
         guint    depth)
{
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "> ");
}

static void
append_text (GString    *out,
             const char *text,
             guint       depth)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      gboolean space = g_ascii_isspace (*p);

      if (space && (out->len == 0 || out->str[out->len - 1] == ' ' ||
                    out->str[out->len - 1] == '\n'))
        continue;
      g_string_append_c (out, space ? ' ' : *p);
    }
}

/* Quoted parts (blockquote, Gmail's and Outlook's quote containers)
 * become "> " lines, as in a plain text reply, so that trimming finds
 * them the same way. Links keep their address beside the text. */
static void
walk (xmlNode  *node,
      GString  *out,
      guint     depth,
      guint     level)
{
  for (; node != NULL; node = node->next)
    {
      const char *name = (const char *) node->name;

      if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
        {
          append_text (out, (const char *) node->content, depth);
          continue;
        }
      if (node->type != XML_ELEMENT_NODE || level > 200)
        continue;
      if (g_ascii_strcasecmp (name, "script") == 0 || g_ascii_strcasecmp (name, "style") == 0 ||
          g_ascii_strcasecmp (name, "head") == 0 || g_ascii_strcasecmp (name, "title") == 0)
        continue;

      {
        gboolean block = is_block (name);
        gboolean quote = g_ascii_strcasecmp (name, "blockquote") == 0;
        guint inner = depth + (quote ? 1 : 0);

        if (block)
          newline (out, inner);
        walk (node->children, out, inner, level + 1);
        if (g_ascii_strcasecmp (name, "a") == 0)
          {
            xmlChar *href = xmlGetProp (node, (const xmlChar *) "href");

            if (href != NULL && g_str_has_prefix ((const char *) href, "http"))
              g_string_append_printf (out, " <%s>", (const char *) href);
            xmlFree (href);
          }
        if (block)
          newline (out, depth);
      }
    }
}

static char *
tidy_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  guint blank = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (lines[i][0] == '\0' || g_strcmp0 (lines[i], ">") == 0)
        {
          blank++;
          continue;
        }
      if (out->len > 0)
        g_string_append (out, blank > 0 ? "\n\n" : "\n");
      g_string_append (out, lines[i]);
      blank = 0;
    }
  return g_string_free (out, FALSE);
}

/**
 * hd_mail_html_to_text:
 *
 * The text of an HTML-only message, read with libxml2's HTML parser
 * (recovering, offline: never fetching anything it names).
 *
 * Returns: (transfer full):
 */
char *
hd_mail_html_to_text (const char *html)
{
  htmlDocPtr doc;
  g_autoptr(GString) out = g_string_new (NULL);
  int length = (int) MIN (strlen (html), (gsize) G_MAXINT);

  doc = htmlReadMemory (html, length, NULL, "UTF-8",
                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                        HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  if (doc == NULL)
    return g_strdup ("");

  walk (xmlDocGetRootElement (doc), out, 0, 0);
  xmlFreeDoc (doc);
  return tidy_lines (out->str);
}

/* Quoted history */

static gboolean
is_attribution (char **lines,
                guint  i)
{
  const char *line = lines[i];
  const char *next = lines[i + 1];
  static const char * const starts[] = { "On ", "Am ", "Le ", "El ", "Il ", "Op ", NULL };
  static const char * const ends[] = { "wrote:", "schrieb:", "écrit :", "écrit:", "escribió:",
                                       "scritto:", "geschreven:", NULL };

  for (guint s = 0; starts[s] != NULL; s++)
    {
      if (!g_str_has_prefix (line, starts[s]))
        continue;
      for (guint e = 0; ends[e] != NULL; e++)
        if (g_str_has_suffix (line, ends[e]) || (next != NULL && g_str_has_suffix (next, ends[e])))
          return TRUE;
    }
  return FALSE;
}

/* Outlook's header block: "From:", then "Sent:" or "Date:" within a few
 * lines, and "To:" or "Subject:" too. */
static gboolean
is_outlook_block (char **lines,
                  guint  i)
{
  gboolean sent = FALSE;
  gboolean to = FALSE;

  if (!g_str_has_prefix (lines[i], "From:") && !g_str_has_prefix (lines[i], "*From:*"))
    return FALSE;

  for (guint j = i + 1; j < i + 6 && lines[j] != NULL; j++)
    {
      const char *l = lines[j][0] == '*' ? lines[j] + 1 : lines[j];

      sent = sent || g_str_has_prefix (l, "Sent:") || g_str_has_prefix (l, "Date:");
      to = to || g_str_has_prefix (l, "To:") || g_str_has_prefix (l, "Subject:");
    }
  return sent && to;
}

static gboolean
is_separator (char **lines,
              guint  i)
{
  g_autofree char *line = g_strstrip (g_strdup (lines[i]));

  if (strstr (line, HD_MAIL_REPLY_SEPARATOR) != NULL)
    return TRUE;
  if (g_ascii_strncasecmp (line, "-----Original Message-----", 26) == 0 ||
      g_ascii_strncasecmp (line, "----- Original Message -----", 28) == 0)
    return TRUE;
  return is_attribution (lines, i) || is_outlook_block (lines, i);
}

/**
 * hd_mail_trim_quote:
 *
 * A reply without the history it quotes: cut above Helpdesk's own
 * separator line, or at the first client quote header ("On … wrote:",
 * Outlook's "From: … Sent: …" block, "-----Original Message-----"), and
 * without the "> " lines that end it. A line of underscores Outlook puts
 * above its block goes too.
 *
 * Returns: (transfer full): the text kept; "" when all of it was quoted
 */
char *
hd_mail_trim_quote (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);
  guint end = n;

  for (guint i = 0; i < n; i++)
    {
      g_strdelimit (lines[i], "\r", ' ');
      g_strchomp (lines[i]);
    }

  for (guint i = 0; i < n && end == n; i++)
    if (is_separator (lines, i))
      end = i;

  /* Trailing quoted lines, blank lines, and an underscore rule. */
  while (end > 0 && (lines[end - 1][0] == '>' || lines[end - 1][0] == '\0' ||
                     (strlen (lines[end - 1]) >= 8 &&
                      strspn (lines[end - 1], "_-") == strlen (lines[end - 1]))))
    end--;

  g_free (lines[end]);
  lines[end] = NULL;
  for (guint i = end + 1; i < n; i++)
    g_clear_pointer (&lines[i], g_free);
  return g_strstrip (g_strjoinv ("\n", lines));
}
