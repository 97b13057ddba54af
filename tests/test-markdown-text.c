/* test-markdown-text.c — an article's Markdown as plain text for a reply,
 * and search snippets without Markdown's syntax
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-markdown-text.h"

static void
assert_text (const char *markdown,
             const char *expected)
{
  g_autofree char *text = hd_markdown_to_text (markdown);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_blocks_and_spans (void)
{
  assert_text ("", "");
  assert_text (NULL, "");
  assert_text ("Press **Forgot password** and *wait*.",
               "Press Forgot password and wait.\n");
  assert_text ("## Clearing a jam\n\nOpen tray **2** and pull the paper out *slowly*.\n",
               "Clearing a jam\n\nOpen tray 2 and pull the paper out slowly.\n");
  assert_text ("Run `sudo apt install wireguard` first.",
               "Run sudo apt install wireguard first.\n");
  assert_text ("One\ntwo  \nthree", "One two\nthree\n");
  assert_text ("AT&amp;T &lt;b&gt; &#233;t&#xE9; &unknown;", "AT&T <b> été &unknown;\n");
  assert_text ("---\n", "―――――――――――――――\n");
  assert_text ("> Quoted\n>\n> twice", "> Quoted\n>\n> twice\n");
  assert_text ("```\nls -l\ncd /tmp\n```\n", "    ls -l\n    cd /tmp\n");
  /* Markup is only text: nothing is taken as HTML. */
  assert_text ("<b>bold</b> & <script>", "<b>bold</b> & <script>\n");
}

static void
test_lists (void)
{
  assert_text ("1. Open the cover.\n2. Pull the sheet.\n\nDone.",
               "1. Open the cover.\n2. Pull the sheet.\n\nDone.\n");
  assert_text ("- one\n- two\n  - two a\n  - two b\n- three",
               "• one\n• two\n   • two a\n   • two b\n• three\n");
  assert_text ("3. third\n4. fourth", "3. third\n4. fourth\n");
  assert_text ("- [ ] to do\n- [x] done", "☐ to do\n☑ done\n");
}

static void
test_links (void)
{
  assert_text ("See [the portal](https://account.example) now.",
               "See the portal (https://account.example) now.\n");
  assert_text ("<https://account.example>", "https://account.example\n");
  assert_text ("Write to [it@example.org](mailto:it@example.org).", "Write to it@example.org.\n");
  assert_text ("![The tray](tray.png)", "The tray\n");
}

static void
test_table (void)
{
  assert_text ("| Network | Who |\n| --- | --- |\n| Office | staff |\n| Office-Guest | visitors |\n",
               "Network       Who\n"
               "------------  --------\n"
               "Office        staff\n"
               "Office-Guest  visitors\n");
  assert_text ("Before\n\n| A | **B** |\n|---|---|\n| 1 | `2` |\n\nAfter",
               "Before\n\nA  B\n-  -\n1  2\n\nAfter\n");
}

static void
test_invalid_utf8 (void)
{
  g_autofree char *text = hd_markdown_to_text ("caf\xe9 **ok**");

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, "ok"));
  g_assert_null (strstr (text, "**"));
}

static void
assert_snippet (const char *snippet,
                const char *expected)
{
  g_autofree char *clean = hd_markdown_clean_snippet (snippet);

  g_assert_cmpstr (clean, ==, expected);
}

static void
test_snippets (void)
{
  assert_snippet ("| Network | Who | Password |\n| --- | --- | --- |\n| Office | staff",
                  "Network Who Password Office staff");
  assert_snippet ("## The VPN drops\n\n- Check that your **home** internet",
                  "The VPN drops Check that your home internet");
  assert_snippet ("see [the portal](https://x.example) and `sudo apt`",
                  "see the portal and sudo apt");
  assert_snippet ("pull it out *slowly*, 2 * 3 = 6", "pull it out slowly, 2 * 3 = 6");
  /* The search's highlight marks stay where they were. */
  assert_snippet ("the \001printer\002 **jams**", "the \001printer\002 jams");
  assert_snippet ("…rest of a [link text", "…rest of a [link text");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/markdown-text/blocks-and-spans", test_blocks_and_spans);
  g_test_add_func ("/markdown-text/lists", test_lists);
  g_test_add_func ("/markdown-text/links", test_links);
  g_test_add_func ("/markdown-text/table", test_table);
  g_test_add_func ("/markdown-text/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/markdown-text/snippets", test_snippets);

  return g_test_run ();
}
