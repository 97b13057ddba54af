/* test-validate.c — every check that text passes before it reaches the file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* mkfifo */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hd-error.h"
#include "hd-validate.h"

/* Evaluates @call before looking at @error: function arguments have no
 * order in C. */
#define ASSERT_INVALID(call, error) \
  G_STMT_START { gboolean ok_ = (call); assert_invalid (ok_, error); } G_STMT_END

static void
assert_invalid (gboolean  ok,
                GError   *error)
{
  g_assert_false (ok);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_line_required (void)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;

  ASSERT_INVALID (hd_validate_line ("Title", NULL, 10, TRUE, &e1), e1);
  ASSERT_INVALID (hd_validate_line ("Title", "", 10, TRUE, &e2), e2);
  ASSERT_INVALID (hd_validate_line ("Title", " \t ", 10, TRUE, &e3), e3);
  g_assert_true (strstr (e3->message, "Title") != NULL);

  g_assert_true (hd_validate_line ("Category", NULL, 10, FALSE, NULL));
  g_assert_true (hd_validate_line ("Category", "", 10, FALSE, NULL));
}

static void
test_line_length_in_characters (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* 200 two-byte characters are 200 characters, not 400. */
  for (int i = 0; i < 200; i++)
    g_string_append (text, "é");
  g_assert_true (hd_validate_line ("Title", text->str, 200, TRUE, NULL));

  g_string_append (text, "x");
  ASSERT_INVALID (hd_validate_line ("Title", text->str, 200, TRUE, &error), error);
}

static void
test_line_rejects_bad_text (void)
{
  const char *bad[] = {
    "bad \xff\xfe bytes",   /* invalid UTF-8 */
    "\xc3",                 /* truncated sequence */
    "two\nlines",
    "escape \x1b[31m red",
    "bell\a",
    "delete\x7f",
    "sep\xe2\x80\xa8line",  /* U+2028 LINE SEPARATOR */
    "c1 \xc2\x85 next line",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      ASSERT_INVALID (hd_validate_line ("Title", bad[i], 200, TRUE, &error), error);
    }

  /* Markup and quotes are ordinary text: stored as typed, escaped on show. */
  g_assert_true (hd_validate_line ("Title", "<b>bold</b> & \"quoted\" 'x'", 200, TRUE, NULL));
  g_assert_true (hd_validate_line ("Title", "Drucker im 2. OG — défaut 日本", 200, TRUE, NULL));
}

static void
test_body (void)
{
  g_autofree char *huge = NULL;
  g_autofree char *limit = NULL;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;

  g_assert_true (hd_validate_body ("Body", "line one\r\nline two\n\tindented", TRUE, NULL));
  g_assert_true (hd_validate_body ("Body", NULL, FALSE, NULL));
  ASSERT_INVALID (hd_validate_body ("Body", "  \n ", TRUE, &e1), e1);
  ASSERT_INVALID (hd_validate_body ("Body", "esc \x1b", TRUE, &e2), e2);
  ASSERT_INVALID (hd_validate_body ("Body", "bad \xff", TRUE, &e3), e3);

  limit = g_strnfill (HD_MAX_BODY_BYTES, 'a');
  g_assert_true (hd_validate_body ("Body", limit, TRUE, NULL));
  huge = g_strnfill (HD_MAX_BODY_BYTES + 1, 'a');
  ASSERT_INVALID (hd_validate_body ("Body", huge, TRUE, &e4), e4);
}

static void
test_bytes (void)
{
  const char with_nul[] = "before\0after";
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  ASSERT_INVALID (hd_validate_bytes ("The file", with_nul, sizeof with_nul - 1, &e1), e1);
  g_assert_true (strstr (e1->message, "NUL") != NULL);
  ASSERT_INVALID (hd_validate_bytes ("The file", "a\xff", 2, &e2), e2);
  g_assert_true (hd_validate_bytes ("The file", "plain text\n", 11, NULL));
}

static void
test_login (void)
{
  const char *good[] = { "alice", "a.b", "j_doe", "x-y", "user@example.org", "A1" };
  const char *bad[] = { "", "-rf", ".hidden", "two words", "semi;colon", "quote'", "ünï",
                        "tab\t", "slash/x" };
  g_autofree char *long_login = g_strnfill (65, 'a');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (hd_validate_login (good[i], NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;

      ASSERT_INVALID (hd_validate_login (bad[i], &e), e);
    }

  ASSERT_INVALID (hd_validate_login (long_login, &error), error);
  g_assert_false (hd_validate_login (NULL, NULL));
}

static void
test_email (void)
{
  const char *bad[] = { "plain", "@example.org", "a@", "a@.org", "a@b@c", "a b@c.org" };

  g_assert_true (hd_validate_email (NULL, NULL));
  g_assert_true (hd_validate_email ("", NULL));
  g_assert_true (hd_validate_email ("tom@example.org", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;

      ASSERT_INVALID (hd_validate_email (bad[i], &e), e);
    }
}

static void
test_tier (void)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  for (int tier = 1; tier <= 3; tier++)
    g_assert_true (hd_validate_tier (tier, NULL));
  ASSERT_INVALID (hd_validate_tier (0, &e1), e1);
  ASSERT_INVALID (hd_validate_tier (4, &e2), e2);
}

/* A text file is read up to its limit and no further, and only when it
 * is a regular file. */
static void
test_read_text_input (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hd-validate-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "text", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;
  g_autoptr(GError) e5 = NULL;
  gsize length = 0;

  g_assert_true (g_file_set_contents (path, "12345678", 8, NULL));
  text = hd_read_text_input ("The reply", path, 8, &length, NULL);
  g_assert_cmpstr (text, ==, "12345678");
  g_assert_cmpuint (length, ==, 8);

  ASSERT_INVALID (hd_read_text_input ("The reply", path, 7, &length, &e1) != NULL, e1);
  g_assert_nonnull (strstr (e1->message, path));
  g_assert_nonnull (strstr (e1->message, "too long"));

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  ASSERT_INVALID (hd_read_text_input ("The reply", fifo, 8, &length, &e2) != NULL, e2);
  g_assert_nonnull (strstr (e2->message, "FIFO"));
  ASSERT_INVALID (hd_read_text_input ("The reply", "/dev/zero", 8, &length, &e3) != NULL, e3);
  g_assert_nonnull (strstr (e3->message, "device"));
  ASSERT_INVALID (hd_read_text_input ("The reply", dir, 8, &length, &e4) != NULL, e4);
  g_assert_nonnull (strstr (e4->message, "folder"));

  g_assert_null (hd_read_text_input ("The reply", missing, 8, &length, &e5));
  g_assert_error (e5, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (e5->message, missing));

  g_unlink (fifo);
  g_unlink (path);
  g_rmdir (dir);
}

/* One plain way to write a number; everything else is a typo to refuse. */
static void
test_decimal (void)
{
  static const char * const bad[] = {
    "", " 1", "1 ", "+1", "01", "00", "0x10", "1e3", "1.0", "1,000", "１", "-0", "--1", "-",
    "9223372036854775808", "99999999999999999999",
  };
  gint64 value = 0;

  g_assert_true (hd_parse_decimal ("0", 0, 10, &value));
  g_assert_cmpint (value, ==, 0);
  g_assert_true (hd_parse_decimal ("10", 0, 10, &value));
  g_assert_cmpint (value, ==, 10);
  g_assert_true (hd_parse_decimal ("9223372036854775807", 1, G_MAXINT64, &value));
  g_assert_cmpint (value, ==, G_MAXINT64);
  g_assert_true (hd_parse_decimal ("-5", -10, 10, &value));
  g_assert_cmpint (value, ==, -5);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("“%s”", bad[i]);
      g_assert_false (hd_parse_decimal (bad[i], -10, G_MAXINT64, &value));
    }

  /* In range, and a sign only where negatives are allowed. */
  g_assert_false (hd_parse_decimal ("11", 0, 10, &value));
  g_assert_false (hd_parse_decimal ("0", 1, 10, &value));
  g_assert_false (hd_parse_decimal ("-1", 0, 10, &value));
  g_assert_false (hd_parse_decimal ("-9223372036854775808", 1, G_MAXINT64, &value));
  g_assert_false (hd_parse_decimal (NULL, 0, 10, &value));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/validate/line/required", test_line_required);
  g_test_add_func ("/validate/line/length", test_line_length_in_characters);
  g_test_add_func ("/validate/line/bad-text", test_line_rejects_bad_text);
  g_test_add_func ("/validate/body", test_body);
  g_test_add_func ("/validate/bytes", test_bytes);
  g_test_add_func ("/validate/login", test_login);
  g_test_add_func ("/validate/email", test_email);
  g_test_add_func ("/validate/tier", test_tier);
  g_test_add_func ("/validate/decimal", test_decimal);
  g_test_add_func ("/validate/read-text-input", test_read_text_input);

  return g_test_run ();
}
