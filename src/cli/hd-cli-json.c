/* hd-cli-json.c — JSON as helpdesk-cli prints it, written as it goes
 *
 * A list of a million tickets is written to the output one ticket at a
 * time, never built as a tree first. The layout is the one scripts have
 * always had: two spaces of indent per level, "name" : value, one value
 * per line, [] for an empty array. Text is UTF-8 as stored; quotes,
 * backslashes and control characters are escaped, and bytes that are not
 * UTF-8 (written by another program) become U+FFFD, so that the output
 * is always JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hd-cli-json.h"

/* Objects and arrays nest no deeper than this in what the tool prints. */
#define MAX_DEPTH 16

struct _HdCliJson
{
  GString  *out;                 /* borrowed */
  guint     depth;
  gboolean  in_array[MAX_DEPTH]; /* at each depth: an array, not an object */
  guint     n_values[MAX_DEPTH]; /* values or members written at each depth */
  gboolean  after_name;          /* a member's name is written, its value not */
};

HdCliJson *
hd_cli_json_new (GString *out)
{
  HdCliJson *json = g_new0 (HdCliJson, 1);

  json->out = out;
  return json;
}

void
hd_cli_json_free (HdCliJson *json)
{
  g_free (json);
}

static void
indent (HdCliJson *json)
{
  g_string_append_c (json->out, '\n');
  for (guint i = 0; i < json->depth; i++)
    g_string_append (json->out, "  ");
}

/* Before a value: after its name in an object, or on a line of its own
 * in an array. */
static void
begin_value (HdCliJson *json)
{
  if (json->after_name)
    {
      json->after_name = FALSE;
      return;
    }
  if (json->depth == 0)
    return;

  g_assert (json->in_array[json->depth - 1]);
  if (json->n_values[json->depth - 1]++ > 0)
    g_string_append_c (json->out, ',');
  indent (json);
}

static void
open_container (HdCliJson *json,
      gboolean   array)
{
  begin_value (json);
  g_assert (json->depth < MAX_DEPTH);
  g_string_append_c (json->out, array ? '[' : '{');
  json->in_array[json->depth] = array;
  json->n_values[json->depth] = 0;
  json->depth++;
}

static void
close_container (HdCliJson *json,
       gboolean   array)
{
  g_assert (json->depth > 0 && json->in_array[json->depth - 1] == array);
  g_assert (!json->after_name);
  json->depth--;
  if (json->n_values[json->depth] > 0)
    indent (json);
  g_string_append_c (json->out, array ? ']' : '}');
}

void
hd_cli_json_begin_object (HdCliJson *json)
{
  open_container (json, FALSE);
}

void
hd_cli_json_end_object (HdCliJson *json)
{
  close_container (json, FALSE);
}

void
hd_cli_json_begin_array (HdCliJson *json)
{
  open_container (json, TRUE);
}

void
hd_cli_json_end_array (HdCliJson *json)
{
  close_container (json, TRUE);
}

static void
append_quoted (GString    *out,
               const char *text)
{
  g_autofree char *valid = NULL;
  const char *run;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  run = text;

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      const char *escape = NULL;

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        default: break;
        }
      if (escape != NULL)
        g_string_append (out, escape);
      else
        g_string_append_printf (out, "\\u%04x", c);
    }
  g_string_append_len (out, run, strlen (run));
  g_string_append_c (out, '"');
}

void
hd_cli_json_member (HdCliJson  *json,
                    const char *name)
{
  g_assert (json->depth > 0 && !json->in_array[json->depth - 1] && !json->after_name);
  if (json->n_values[json->depth - 1]++ > 0)
    g_string_append_c (json->out, ',');
  indent (json);
  append_quoted (json->out, name);
  g_string_append (json->out, " : ");
  json->after_name = TRUE;
}

void
hd_cli_json_string (HdCliJson  *json,
                    const char *value)
{
  begin_value (json);
  if (value != NULL)
    append_quoted (json->out, value);
  else
    g_string_append (json->out, "null");
}

void
hd_cli_append_number (GString *out,
                      gint64   value,
                      guint    width)
{
  char digits[24];
  guint64 rest = value < 0 ? -(guint64) value : (guint64) value;
  guint n = 0;

  do
    {
      digits[n++] = '0' + rest % 10;
      rest /= 10;
    }
  while (rest > 0 || n < width);

  if (value < 0)
    g_string_append_c (out, '-');
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

void
hd_cli_json_int (HdCliJson *json,
                 gint64     value)
{
  begin_value (json);
  hd_cli_append_number (json->out, value, 1);
}

/* Every digit a double holds, and always a fraction or an exponent, so
 * that it reads back as a double. */
void
hd_cli_json_double (HdCliJson *json,
                    double     value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  begin_value (json);
  if (!isfinite (value))
    {
      g_string_append (json->out, "null");
      return;
    }
  g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  g_string_append (json->out, buffer);
  if (strpbrk (buffer, ".e") == NULL)
    g_string_append (json->out, ".0");
}

void
hd_cli_json_boolean (HdCliJson *json,
                     gboolean   value)
{
  begin_value (json);
  g_string_append (json->out, value ? "true" : "false");
}

void
hd_cli_json_null (HdCliJson *json)
{
  begin_value (json);
  g_string_append (json->out, "null");
}
