/* test-drafts.c — unsaved text kept on this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "hd-drafts.h"
#include "hd-enums.h"
#include "hd-error.h"
#include "hd-test-util.h"

static HdDraft *
sample (void)
{
  HdDraft *draft = hd_draft_new ();

  draft->base_version = 7;
  draft->title = g_strdup ("  Printer <b>jams</b> & smokes  ");
  draft->description = g_strdup ("Line one\nLine two\n\n\ttabbed; [group]\n# not a comment");
  draft->location = g_strdup ("");   /* emptied on purpose: still an edit */
  draft->reply = g_strdup ("Tried the tray — “no luck” 🖨\n");
  draft->internal = TRUE;
  return draft;
}

static void
assert_same (const HdDraft *a,
             const HdDraft *b)
{
  g_assert_cmpint (a->base_version, ==, b->base_version);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpstr (a->category, ==, b->category);
  g_assert_cmpstr (a->department, ==, b->department);
  g_assert_cmpstr (a->location, ==, b->location);
  g_assert_cmpstr (a->requester, ==, b->requester);
  g_assert_cmpint (a->priority, ==, b->priority);
  g_assert_cmpstr (a->reply, ==, b->reply);
  g_assert_cmpint (a->internal, ==, b->internal);
}

/* What is kept comes back byte for byte, in a later session too. */
static void
test_drafts_round_trip (void)
{
  g_autofree char *db = hd_test_new_path ("round-trip.db");
  g_autoptr(HdDrafts) drafts = hd_drafts_new (db, "tech1");
  g_autoptr(HdDrafts) later = NULL;
  g_autoptr(HdDraft) draft = sample ();
  g_autoptr(HdDraft) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) numbers = NULL;

  g_assert_null (hd_drafts_get (drafts, 12));
  g_assert_true (hd_drafts_set (drafts, 12, draft, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (hd_drafts_get_path (drafts), G_FILE_TEST_IS_REGULAR));

  later = hd_drafts_new (db, "tech1");
  got = hd_drafts_get (later, 12);
  g_assert_nonnull (got);
  assert_same (got, draft);
  g_assert_cmpint (got->saved_at, >, 0);
  g_assert_null (hd_drafts_get (later, 13));

  numbers = hd_drafts_list (later);
  g_assert_cmpuint (numbers->len, ==, 1);
  g_assert_cmpint (g_array_index (numbers, gint64, 0), ==, 12);
}

/* The new-ticket form keeps its own draft, apart from the tickets'. */
static void
test_drafts_new_ticket (void)
{
  g_autofree char *db = hd_test_new_path ("new-ticket.db");
  g_autoptr(HdDrafts) drafts = hd_drafts_new (db, "req1");
  g_autoptr(HdDrafts) later = NULL;
  g_autoptr(HdDraft) draft = hd_draft_new ();
  g_autoptr(HdDraft) got = NULL;
  g_autoptr(GArray) numbers = NULL;
  g_autoptr(GError) error = NULL;

  draft->title = g_strdup ("VPN drops every hour");
  draft->requester = g_strdup ("req1");
  draft->priority = 3;
  g_assert_true (hd_drafts_set (drafts, HD_DRAFT_NEW_TICKET, draft, &error));
  g_assert_no_error (error);

  later = hd_drafts_new (db, "req1");
  got = hd_drafts_get (later, HD_DRAFT_NEW_TICKET);
  assert_same (got, draft);
  numbers = hd_drafts_list (later);
  g_assert_cmpuint (numbers->len, ==, 0);
}

/* Drafts belong to one person on one file. */
static void
test_drafts_per_person_and_file (void)
{
  g_autofree char *db = hd_test_new_path ("one.db");
  g_autofree char *other_db = hd_test_new_path ("two.db");
  g_autoptr(HdDrafts) mine = hd_drafts_new (db, "tech1");
  g_autoptr(HdDrafts) theirs = hd_drafts_new (db, "tech2");
  g_autoptr(HdDrafts) elsewhere = hd_drafts_new (other_db, "tech1");
  g_autoptr(HdDraft) draft = sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HdDraft) kept = NULL;

  g_assert_true (hd_drafts_set (mine, 5, draft, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hd_drafts_get_path (mine), !=, hd_drafts_get_path (theirs));
  g_assert_cmpstr (hd_drafts_get_path (mine), !=, hd_drafts_get_path (elsewhere));
  g_assert_null (hd_drafts_get (theirs, 5));
  g_assert_null (hd_drafts_get (elsewhere, 5));
  kept = hd_drafts_get (mine, 5);
  g_assert_nonnull (kept);
}

/* Saved or discarded: an empty draft or a removal forgets it, on disk too. */
static void
test_drafts_remove (void)
{
  g_autofree char *db = hd_test_new_path ("remove.db");
  g_autoptr(HdDrafts) drafts = hd_drafts_new (db, "tech1");
  g_autoptr(HdDrafts) later = NULL;
  g_autoptr(HdDraft) draft = sample ();
  g_autoptr(HdDraft) empty = hd_draft_new ();
  g_autoptr(HdDraft) kept = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hd_drafts_set (drafts, 1, draft, &error));
  g_assert_true (hd_drafts_set (drafts, 2, draft, &error));
  g_assert_no_error (error);

  /* A reply of only white space is nothing to keep. */
  empty->reply = g_strdup (" \n\t ");
  g_assert_true (hd_draft_is_empty (empty));
  g_assert_true (hd_drafts_set (drafts, 1, empty, &error));
  g_assert_true (hd_drafts_remove (drafts, 2, &error));
  g_assert_true (hd_drafts_remove (drafts, 3, &error));   /* none: fine */
  g_assert_no_error (error);

  later = hd_drafts_new (db, "tech1");
  g_assert_null (hd_drafts_get (later, 1));
  g_assert_null (hd_drafts_get (later, 2));

  /* An emptied field is an edit worth keeping. */
  g_clear_pointer (&empty->reply, g_free);
  empty->title = g_strdup ("");
  g_assert_false (hd_draft_is_empty (empty));
  g_assert_true (hd_drafts_set (later, 4, empty, &error));
  kept = hd_drafts_get (later, 4);
  g_assert_cmpstr (kept->title, ==, "");
}

/* This computer's disk refusing the write: a clear error, the draft still
 * held, and written with the next change once the disk takes it again. */
static void
test_drafts_write_fails (void)
{
  g_autofree char *db = hd_test_new_path ("fails.db");
  g_autoptr(HdDrafts) drafts = hd_drafts_new (db, "tech1");
  g_autoptr(HdDrafts) later = NULL;
  g_autoptr(HdDraft) draft = sample ();
  g_autoptr(HdDraft) second = hd_draft_new ();
  g_autoptr(HdDraft) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (hd_drafts_get_path (drafts));
  g_autofree char *parent = g_path_get_dirname (dir);

  /* A file where the drafts folder should be. */
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (dir, "in the way", -1, NULL));

  g_assert_false (hd_drafts_set (drafts, 9, draft, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "unsaved text"));
  g_clear_error (&error);

  got = hd_drafts_get (drafts, 9);
  assert_same (got, draft);

  g_assert_cmpint (g_unlink (dir), ==, 0);
  second->reply = g_strdup ("another");
  g_assert_true (hd_drafts_set (drafts, 10, second, &error));
  g_assert_no_error (error);

  later = hd_drafts_new (db, "tech1");
  g_clear_pointer (&got, hd_draft_free);
  got = hd_drafts_get (later, 9);
  assert_same (got, draft);
}

/* A drafts file that cannot be read is set aside, never overwritten. */
static void
test_drafts_unreadable (void)
{
  g_autofree char *db = hd_test_new_path ("unreadable.db");
  g_autoptr(HdDrafts) first = hd_drafts_new (db, "tech1");
  g_autoptr(HdDrafts) drafts = NULL;
  g_autoptr(HdDraft) draft = sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (hd_drafts_get_path (first));
  const char garbage[] = "this is not a key file\n[unclosed\n";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (hd_drafts_get_path (first), garbage, -1, NULL));

  drafts = hd_drafts_new (db, "tech1");

  aside = g_strconcat (hd_drafts_get_path (drafts), ".unreadable", NULL);
  g_assert_true (g_file_get_contents (aside, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, garbage);

  g_assert_true (hd_drafts_set (drafts, 1, draft, &error));
  g_assert_no_error (error);
}

/* Knowledge-base articles */

static HdKbDraft *
article_sample (void)
{
  HdKbDraft *draft = hd_kb_draft_new ();

  draft->base_version = 3;
  draft->title = g_strdup ("Printer <b>jams</b> & smokes");
  draft->body = g_strdup ("## Steps\n\n1. Open tray **2**\n[group]\nkey = value\n# not a comment\n\t\\n\n");
  draft->category = g_strdup ("Hardware/Printers");
  draft->tags = g_strdup ("printer, Paper jam,");
  draft->visibility = HD_VISIBILITY_FAQ;
  return draft;
}

static void
assert_same_article (const HdKbDraft *a,
                     const HdKbDraft *b)
{
  g_assert_cmpint (a->base_version, ==, b->base_version);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->body, ==, b->body);
  g_assert_cmpstr (a->category, ==, b->category);
  g_assert_cmpstr (a->tags, ==, b->tags);
  g_assert_cmpint (a->visibility, ==, b->visibility);
}

/* An article's draft comes back in a later session with the version it
 * was based on, beside the tickets' drafts and never listed with them;
 * once removed it is gone from disk too. */
static void
test_drafts_article_round_trip (void)
{
  g_autofree char *db = hd_test_new_path ("article.db");
  g_autoptr(HdDrafts) drafts = hd_drafts_new (db, "tech1");
  g_autoptr(HdDrafts) later = NULL;
  g_autoptr(HdDrafts) after_removal = NULL;
  g_autoptr(HdKbDraft) draft = article_sample ();
  g_autoptr(HdKbDraft) got = NULL;
  g_autoptr(HdDraft) ticket = sample ();
  g_autoptr(HdDraft) ticket_got = NULL;
  g_autoptr(GArray) numbers = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (hd_drafts_get_article (drafts, 4, 0));
  /* Ticket 4 and article 4 are different things. */
  g_assert_true (hd_drafts_set (drafts, 4, ticket, &error));
  g_assert_true (hd_drafts_set_article (drafts, 4, 0, draft, &error));
  g_assert_no_error (error);

  later = hd_drafts_new (db, "tech1");
  got = hd_drafts_get_article (later, 4, 0);
  g_assert_nonnull (got);
  assert_same_article (got, draft);
  g_assert_cmpint (got->base_version, ==, 3);
  g_assert_cmpint (got->saved_at, >, 0);
  g_assert_null (hd_drafts_get_article (later, 5, 0));
  g_assert_null (hd_drafts_get_article (later, HD_DRAFT_NEW_ARTICLE, 0));
  ticket_got = hd_drafts_get (later, 4);
  assert_same (ticket_got, ticket);
  numbers = hd_drafts_list (later);
  g_assert_cmpuint (numbers->len, ==, 1);
  g_assert_cmpint (g_array_index (numbers, gint64, 0), ==, 4);

  /* Saved: forgotten; the ticket's draft stays. */
  g_assert_true (hd_drafts_remove_article (later, 4, 0, &error));
  g_assert_true (hd_drafts_remove_article (later, 4, 0, &error));   /* none: fine */
  g_assert_no_error (error);
  after_removal = hd_drafts_new (db, "tech1");
  g_assert_null (hd_drafts_get_article (after_removal, 4, 0));
  g_clear_pointer (&ticket_got, hd_draft_free);
  ticket_got = hd_drafts_get (after_removal, 4);
  assert_same (ticket_got, ticket);
}

/* A new article has a draft of its own, and so has each ticket's
 * "Publish as Article"; nothing typed is nothing kept. */
static void
test_drafts_article_new (void)
{
  g_autofree char *db = hd_test_new_path ("new-article.db");
  g_autoptr(HdDrafts) drafts = hd_drafts_new (db, "tech1");
  g_autoptr(HdDrafts) later = NULL;
  g_autoptr(HdKbDraft) plain = hd_kb_draft_new ();
  g_autoptr(HdKbDraft) from_ticket = article_sample ();
  g_autoptr(HdKbDraft) empty = hd_kb_draft_new ();
  g_autoptr(HdKbDraft) got = NULL;
  g_autoptr(GArray) numbers = NULL;
  g_autoptr(GError) error = NULL;

  plain->title = g_strdup ("Toner spills");
  from_ticket->base_version = 0;
  g_assert_true (hd_drafts_set_article (drafts, HD_DRAFT_NEW_ARTICLE, 0, plain, &error));
  g_assert_true (hd_drafts_set_article (drafts, HD_DRAFT_NEW_ARTICLE, 12, from_ticket, &error));
  g_assert_no_error (error);

  later = hd_drafts_new (db, "tech1");
  got = hd_drafts_get_article (later, HD_DRAFT_NEW_ARTICLE, 0);
  assert_same_article (got, plain);
  g_assert_cmpint (got->base_version, ==, 0);
  g_assert_cmpint (got->visibility, ==, -1);
  g_clear_pointer (&got, hd_kb_draft_free);
  got = hd_drafts_get_article (later, HD_DRAFT_NEW_ARTICLE, 12);
  assert_same_article (got, from_ticket);
  g_clear_pointer (&got, hd_kb_draft_free);
  g_assert_null (hd_drafts_get_article (later, HD_DRAFT_NEW_ARTICLE, 13));
  numbers = hd_drafts_list (later);
  g_assert_cmpuint (numbers->len, ==, 0);

  /* Only white space left: forgotten, whatever the visibility. */
  empty->title = g_strdup ("  ");
  empty->body = g_strdup ("\n\n");
  empty->visibility = HD_VISIBILITY_FAQ;
  g_assert_true (hd_kb_draft_is_empty (empty));
  g_assert_true (hd_drafts_set_article (later, HD_DRAFT_NEW_ARTICLE, 0, empty, &error));
  g_assert_no_error (error);
  g_assert_null (hd_drafts_get_article (later, HD_DRAFT_NEW_ARTICLE, 0));
  got = hd_drafts_get_article (later, HD_DRAFT_NEW_ARTICLE, 12);
  g_assert_nonnull (got);
}

/* Whatever the text holds comes back byte for byte: markup, key-file
 * syntax, control characters, and bytes that are not UTF-8 at all. */
static void
test_drafts_article_bytes (void)
{
  g_autofree char *db = hd_test_new_path ("bytes.db");
  g_autoptr(HdDrafts) drafts = hd_drafts_new (db, "tech1");
  g_autoptr(HdDrafts) later = NULL;
  g_autoptr(HdKbDraft) draft = hd_kb_draft_new ();
  g_autoptr(HdKbDraft) got = NULL;
  g_autoptr(HdDraft) reply = hd_draft_new ();
  g_autoptr(HdDraft) reply_got = NULL;
  g_autoptr(GError) error = NULL;
  const char not_utf8[] = "caf\xe9 \xff\xfe <i>Latin-1</i> \xc3\x28 end";

  g_assert_false (g_utf8_validate (not_utf8, -1, NULL));
  draft->base_version = 9;
  draft->title = g_strdup ("<span foreground=\"red\">&amp; &lt;b&gt;</span>");
  draft->body = g_strdup (not_utf8);
  draft->category = g_strdup (" leading and trailing ");
  draft->tags = g_strdup ("\x01\x02 marks\r\n");
  reply->reply = g_strdup (not_utf8);
  g_assert_true (hd_drafts_set_article (drafts, 7, 0, draft, &error));
  g_assert_true (hd_drafts_set (drafts, 7, reply, &error));
  g_assert_no_error (error);

  later = hd_drafts_new (db, "tech1");
  got = hd_drafts_get_article (later, 7, 0);
  g_assert_nonnull (got);
  assert_same_article (got, draft);
  g_assert_cmpmem (got->body, strlen (got->body), not_utf8, strlen (not_utf8));
  reply_got = hd_drafts_get (later, 7);
  g_assert_cmpstr (reply_got->reply, ==, not_utf8);
}

/* Unsaved text is the person's own: only they may read the file, on a
 * computer others may use too, however it was written last. */
static void
test_drafts_permissions (void)
{
  g_autofree char *db = hd_test_new_path ("private.db");
  g_autoptr(HdDrafts) drafts = hd_drafts_new (db, "tech1");
  g_autoptr(HdKbDraft) draft = article_sample ();
  g_autoptr(HdDraft) ticket = sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (hd_drafts_get_path (drafts));
  GStatBuf st;

  g_assert_true (hd_drafts_set_article (drafts, 2, 0, draft, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (hd_drafts_get_path (drafts), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Rewritten atomically (a new file each time): still private. */
  g_assert_cmpint (g_chmod (hd_drafts_get_path (drafts), 0644), ==, 0);
  g_assert_true (hd_drafts_set (drafts, 2, ticket, &error));
  g_assert_true (hd_drafts_remove_article (drafts, 2, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (hd_drafts_get_path (drafts), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/drafts/round-trip", test_drafts_round_trip);
  g_test_add_func ("/drafts/new-ticket", test_drafts_new_ticket);
  g_test_add_func ("/drafts/per-person-and-file", test_drafts_per_person_and_file);
  g_test_add_func ("/drafts/remove", test_drafts_remove);
  g_test_add_func ("/drafts/write-fails", test_drafts_write_fails);
  g_test_add_func ("/drafts/unreadable", test_drafts_unreadable);
  g_test_add_func ("/drafts/article/round-trip", test_drafts_article_round_trip);
  g_test_add_func ("/drafts/article/new", test_drafts_article_new);
  g_test_add_func ("/drafts/article/bytes", test_drafts_article_bytes);
  g_test_add_func ("/drafts/permissions", test_drafts_permissions);

  return g_test_run ();
}
