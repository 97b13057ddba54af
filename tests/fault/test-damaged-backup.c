/* test-damaged-backup.c — a damaged helpdesk file is never "backed up"
 *
 * A helpdesk of a few hundred tickets, then damaged copies of it: a page
 * zeroed at a dozen positions spread over the file (page 1, the header,
 * left out of the dozen: one more variant zeroes it), and garbage written
 * into five pages (page 1 among them, after its 100-byte header). For
 * each, "helpdesk-cli backup" either fails and leaves nothing in the
 * backup folder, or, where SQLite cannot tell the file was damaged at all
 * (a zeroed page it no longer uses), writes a backup that is itself sound.
 *
 * The rotating backups keep the last sound backup: a damaged file writes
 * none and removes none, and damaged backups already in the folder never
 * push a sound one out.
 *
 * Commands that change the file do not read all of it first: on the same
 * damaged variants, each change either meets the damage, says so, points
 * to "helpdesk-cli check" and leaves the file exactly as it was, or does
 * its work, which is then in the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* memmem */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hd-test-util.h"

#define N_TICKETS 300
#define N_ZEROED 12
#define N_GARBAGE_BYTES 256


/* SQLite's own verdict, read-only: "ok" or the first line of its report,
 * or the error that stopped it; @reported is FALSE when an error stopped
 * it, even after report lines. */
static char *
quick_check_full (const char *path,
                  gboolean   *reported)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *verdict;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  verdict = g_strdup (rc == SQLITE_ROW ? (const char *) sqlite3_column_text (stmt, 0)
                                       : sqlite3_errstr (rc));
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  *reported = rc == SQLITE_DONE;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return verdict;
}

static char *
quick_check (const char *path)
{
  gboolean reported;

  return quick_check_full (path, &reported);
}

static void
assert_sound (const char *path)
{
  g_autofree char *verdict = quick_check (path);

  g_assert_cmpstr (verdict, ==, "ok");
}

static void
assert_damaged (const char *path)
{
  g_autofree char *verdict = quick_check (path);

  g_assert_cmpstr (verdict, !=, "ok");
}

/* For g_ptr_array_sort(), which passes pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir but its hidden record of checked backups, sorted. */
static GPtrArray *
list_dir (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

static char *
make_description (guint n)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "Request %u. ", n);
  while (text->len < 400 + n % 300)
    g_string_append (text, "The label printer in room 2.14 prints every line twice. ");
  return g_string_free (text, FALSE);
}

/* A sound helpdesk of @n tickets, closed; returns its path. */
static char *
make_helpdesk (guint n)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Printer %u prints twice", i);
      g_autofree char *description = make_description (i);
      g_autoptr(GError) error = NULL;
      g_autoptr(HdTicket) ticket = NULL;
      HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

      draft.title = title;
      draft.description = description;
      ticket = hd_store_create_ticket (store, &draft, &error);
      g_assert_no_error (error);
    }

  return g_steal_pointer (&path);
}

static gsize
page_size_of (GBytes *file)
{
  const guint8 *data = g_bytes_get_data (file, NULL);
  gsize size = (gsize) data[16] << 8 | data[17];

  return size == 1 ? 65536 : size;
}

/* Writes @file with @length bytes at @offset replaced: zeros, or garbage
 * from @rand. */
static void
write_damaged (const char *path,
               GBytes     *file,
               gsize       offset,
               gsize       length,
               GRand      *rand)
{
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (file, &size), g_bytes_get_size (file));

  g_assert_cmpuint (offset + length, <=, size);
  for (gsize i = 0; i < length; i++)
    data[offset + i] = rand != NULL ? (guint8) g_rand_int_range (rand, 0, 256) : 0;

  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
}

/* A place for one damaged variant: its own folder, with a backup folder. */
static char *
variant_path (const char *name,
              char      **backups)
{
  g_autofree char *dir = g_build_filename (hd_test_dir (), name, NULL);

  *backups = g_build_filename (dir, "backups", NULL);
  g_assert_cmpint (g_mkdir_with_parents (*backups, 0700), ==, 0);
  return g_build_filename (dir, "helpdesk.db", NULL);
}

typedef struct {
  guint refused_on_open;      /* the file could not even be opened */
  guint refused_by_check;     /* opened, and refused by the backup's check */
  guint undetectable;         /* SQLite cannot tell: a sound backup */
} Tally;

/* "backup" never reports success for a damaged file; where SQLite cannot
 * tell the damage, the backup it writes is itself sound. */
static void
backup_variant (const char *path,
                const char *backups,
                Tally      *tally)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) written = NULL;
  int status = hd_test_run_cli (path, &out, &err, "backup", backups, NULL);

  written = list_dir (backups);
  if (status == 0)
    {
      g_autofree char *backup = NULL;

      /* Success only where the file passes SQLite's check as it is. */
      assert_sound (path);
      g_assert_cmpuint (written->len, ==, 1);
      backup = g_build_filename (backups, g_ptr_array_index (written, 0), NULL);
      assert_sound (backup);
      tally->undetectable++;
      return;
    }

  g_assert_cmpint (status, !=, 0);
  g_assert_cmpuint (written->len, ==, 0);
  g_assert_null (strstr (out, "Backed up"));
  if (strstr (err, "no backup was written") != NULL)
    {
      g_assert_nonnull (strstr (err, "is damaged"));
      g_assert_nonnull (strstr (err, "helpdesk-cli check"));
      g_assert_nonnull (strstr (err, "restore the last good backup"));
      tally->refused_by_check++;
    }
  else
    {
      g_assert_true (strstr (err, "damaged") != NULL || strstr (err, "not a helpdesk") != NULL);
      tally->refused_on_open++;
    }
}

static void
test_cli_refuses_damaged (void)
{
  g_autofree char *source = make_helpdesk (N_TICKETS);
  g_autoptr(GBytes) file = hd_test_read_bytes (source);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  gsize page_size = page_size_of (file);
  gsize n_pages = g_bytes_get_size (file) / page_size;
  Tally tally = { 0 };
  guint variants = 0;

  g_test_message ("%s: %" G_GSIZE_FORMAT " pages of %" G_GSIZE_FORMAT " bytes", source,
                  n_pages, page_size);
  g_assert_cmpuint (n_pages, >, 4 * N_ZEROED);

  /* A page zeroed: page 1 alone, then a dozen spread over pages 2 … n. */
  for (guint k = 0; k <= N_ZEROED; k++)
    {
      gsize page = k == 0 ? 1 : 2 + (k - 1) * (n_pages - 2) / (N_ZEROED - 1);
      g_autofree char *name = g_strdup_printf ("zeroed-page-%" G_GSIZE_FORMAT, page);
      g_autofree char *backups = NULL;
      g_autofree char *path = variant_path (name, &backups);

      page = MIN (page, n_pages);
      write_damaged (path, file, (page - 1) * page_size, page_size, NULL);
      backup_variant (path, backups, &tally);
      variants++;
    }

  /* Garbage in the middle of a page: page 1 after its header, then four
   * spread over the file. */
  for (guint k = 0; k < 5; k++)
    {
      gsize page = k == 0 ? 1 : k * n_pages / 5;
      gsize offset = k == 0 ? 100 : (page - 1) * page_size + page_size / 2;
      g_autofree char *name = g_strdup_printf ("garbage-page-%" G_GSIZE_FORMAT, page);
      g_autofree char *backups = NULL;
      g_autofree char *path = variant_path (name, &backups);

      write_damaged (path, file, offset, N_GARBAGE_BYTES, rand);
      backup_variant (path, backups, &tally);
      variants++;
    }

  g_test_message ("%u damaged variants: %u refused on opening, %u refused by the backup's"
                  " check, %u undetectable by SQLite (their backups are sound)", variants,
                  tally.refused_on_open, tally.refused_by_check, tally.undetectable);
  /* The check is what this is about: most variants open and reach it. */
  g_assert_cmpuint (tally.refused_by_check, >=, variants / 2);
}

typedef struct {
  guint met;       /* the change met the damage: refused, nothing written */
  guint done;      /* it did not: done, and in the file */
} ChangeTally;

/* Whether @needle is anywhere in the bytes of @path. */
static gboolean
file_holds (const char *path,
            const char *needle)
{
  g_autoptr(GBytes) bytes = hd_test_read_bytes (path);

  return memmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), needle,
                 strlen (needle)) != NULL;
}

/* Runs one change on the damaged file @path: ticket new, a reply to
 * ticket @number, or moving it to "pending". */
static void
change_variant (const char  *path,
                guint        kind,
                guint        number,
                const char  *text,
                ChangeTally *tally)
{
  g_autoptr(GBytes) before = hd_test_read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *number_arg = g_strdup_printf ("%u", number);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (kind == 0)
    status = hd_test_run_cli (path, &out, &err, "ticket", "new", "--title", text, NULL);
  else if (kind == 1)
    status = hd_test_run_cli (path, &out, &err, "ticket", "comment", number_arg, "--body", text,
                              NULL);
  else
    status = hd_test_run_cli (path, &out, &err, "ticket", "status", number_arg, "pending", NULL);

  after = hd_test_read_bytes (path);
  if (status == 0)
    {
      /* Done means written: the text is in the file, or the file changed. */
      g_assert_true (kind == 2 ? !g_bytes_equal (before, after) : file_holds (path, text));
      tally->done++;
      return;
    }

  g_assert_cmpint (status, ==, 5);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (strstr (err, "is damaged") != NULL || strstr (err, "not a helpdesk") != NULL);
  if (strstr (err, "is damaged") != NULL)
    g_assert_nonnull (strstr (err, "see what is damaged with: helpdesk-cli --db"));
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  tally->met++;
}

/* A page zeroed, or garbage in one, at positions spread over the file;
 * on each variant a new ticket, then a reply to and a status change of
 * tickets near the start, the middle and the end. */
static void
test_cli_change_on_damaged (void)
{
  g_autofree char *source = make_helpdesk (N_TICKETS);
  g_autoptr(GBytes) file = hd_test_read_bytes (source);
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  gsize page_size = page_size_of (file);
  gsize n_pages = g_bytes_get_size (file) / page_size;
  const guint numbers[] = { 1, N_TICKETS / 2, N_TICKETS };
  ChangeTally tally = { 0 };
  guint changes = 0;

  for (guint k = 0; k < 2 * N_ZEROED; k++)
    {
      gsize page = 2 + (k / 2) * (n_pages - 2) / (N_ZEROED - 1);
      g_autofree char *name = g_strdup_printf ("change-%s-%" G_GSIZE_FORMAT,
                                               k % 2 == 0 ? "zeroed" : "garbage", page);
      g_autofree char *backups = NULL;
      g_autofree char *path = variant_path (name, &backups);

      page = MIN (page, n_pages);
      if (k % 2 == 0)
        write_damaged (path, file, (page - 1) * page_size, page_size, NULL);
      else
        write_damaged (path, file, (page - 1) * page_size + page_size / 2, N_GARBAGE_BYTES, rand);

      for (guint c = 0; c < 1 + 2 * G_N_ELEMENTS (numbers); c++)
        {
          g_autofree char *text = g_strdup_printf ("Change %u on %s", c, name);

          change_variant (path, c == 0 ? 0 : 1 + (c - 1) % 2,
                          c == 0 ? 0 : numbers[(c - 1) / 2], text, &tally);
          changes++;
        }
    }

  g_test_message ("%u changes on damaged files: %u met the damage and changed nothing,"
                  " %u did not and were written", changes, tally.met, tally.done);
  /* Both happen: the damage is met where it lies, and only there. */
  g_assert_cmpuint (tally.met, >=, changes / 10);
  g_assert_cmpuint (tally.done, >=, changes / 10);
}

/* Zeroes the root page of @table in the closed file @path. */
static void
damage_table (const char *path,
              const char *table)
{
  g_autoptr(GBytes) file = hd_test_read_bytes (path);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 root;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage FROM sqlite_schema WHERE name = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  root = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  write_damaged (path, file, (root - 1) * page_size_of (file), page_size_of (file), NULL);
  assert_damaged (path);
}

/* Damages the closed file @path from the middle on, a page zeroed or
 * garbage in one, until SQLite's quick check reports the damage in its
 * rows and does not stop on an error (the case a backup used to take for
 * sound), and the file still opens. */
static void
damage_reported (const char *path)
{
  g_autoptr(GBytes) file = hd_test_read_bytes (path);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gsize page_size = page_size_of (file);
  gsize n_pages = g_bytes_get_size (file) / page_size;

  for (gsize i = n_pages; i < 4 * n_pages; i++)
    {
      gsize page = 1 + i / 2 % n_pages;
      g_autofree char *verdict = NULL;
      g_autoptr(HdStore) store = NULL;
      gboolean reported = FALSE;

      if (i % 2 == 0)
        write_damaged (path, file, (page - 1) * page_size, page_size, NULL);
      else
        write_damaged (path, file, (page - 1) * page_size + page_size / 2, N_GARBAGE_BYTES,
                       rand);
      verdict = quick_check_full (path, &reported);
      if (reported && g_strcmp0 (verdict, "ok") != 0)
        store = hd_store_open (path, "disp", NULL);
      if (store != NULL)
        {
          g_test_message ("page %" G_GSIZE_FORMAT " %s: %s", page,
                          i % 2 == 0 ? "zeroed" : "with garbage", verdict);
          return;
        }
    }

  g_assert_not_reached ();
}

/* The names in @names are @expected, in any order. */
static void
assert_names (GPtrArray          *names,
              const char * const *expected,
              guint               n_expected)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (guint i = 0; i < n_expected; i++)
    g_ptr_array_add (sorted, (gpointer) expected[i]);
  g_ptr_array_sort (sorted, compare_names);
  g_assert_cmpuint (names->len, ==, n_expected);
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpstr (g_ptr_array_index (names, i), ==, g_ptr_array_index (sorted, i));
}

/* Three sound backups, keep = 3; then the file is damaged: the automatic
 * backup is refused and all three stay. */
static void
test_rotation_keeps_sound (void)
{
  g_autofree char *path = make_helpdesk (40);
  g_autofree char *dir = g_build_filename (hd_test_dir (), "backups", NULL);
  g_autoptr(HdStore) store = hd_test_open_as (path, "disp");
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *made = NULL;

      g_assert_true (hd_store_backup_rotating (store, dir, 3, &made, &error));
      g_assert_no_error (error);
      assert_sound (made);
    }
  before = list_dir (dir);
  g_assert_cmpuint (before->len, ==, 3);
  g_clear_object (&store);

  damage_reported (path);
  store = hd_test_open_as (path, "disp");
  g_assert_false (hd_store_backup_rotating (store, dir, 3, &written, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "no backup was written"));
  g_assert_null (written);

  after = list_dir (dir);
  assert_names (after, (const char * const *) before->pdata, before->len);
  for (guint i = 0; i < after->len; i++)
    {
      g_autofree char *backup = g_build_filename (dir, g_ptr_array_index (after, i), NULL);

      assert_sound (backup);
    }
}

/* Damaged backups already in the folder (from before backups were
 * checked, or spoiled since) count for nothing: with keep = 2 the newest
 * sound older backup stays; they go once two sound ones are newer. */
static void
test_rotation_ignores_damaged_backups (void)
{
  g_autofree char *path = make_helpdesk (40);
  g_autofree char *dir = g_build_filename (hd_test_dir (), "backups", NULL);
  g_autoptr(HdStore) store = hd_test_open_as (path, "disp");
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  const char *sound[] = { "helpdesk-20200101-000001.db", "helpdesk-20200101-000002.db" };
  const char *damaged[] = { "helpdesk-20200101-000003.db", "helpdesk-20200101-000004.db" };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (hd_store_backup (store, dir, &first, &error));
  g_assert_no_error (error);
  file = hd_test_read_bytes (first);
  g_assert_cmpint (g_unlink (first), ==, 0);
  g_clear_pointer (&first, g_free);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *s = g_build_filename (dir, sound[i], NULL);
      g_autofree char *d = g_build_filename (dir, damaged[i], NULL);

      g_assert_true (g_file_set_contents (s, g_bytes_get_data (file, NULL),
                                          g_bytes_get_size (file), NULL));
      g_assert_true (g_file_set_contents (d, g_bytes_get_data (file, NULL),
                                          g_bytes_get_size (file), NULL));
      damage_table (d, "tickets");
    }

  g_assert_true (hd_store_backup_rotating (store, dir, 2, &first, &error));
  g_assert_no_error (error);
  names = list_dir (dir);
  {
    g_autofree char *base = g_path_get_basename (first);
    const char *expected[] = { sound[1], damaged[0], damaged[1], base };

    assert_names (names, expected, G_N_ELEMENTS (expected));
  }
  g_clear_pointer (&names, g_ptr_array_unref);

  /* Two sound backups newer than all of them now. */
  g_assert_true (hd_store_backup_rotating (store, dir, 2, &second, &error));
  g_assert_no_error (error);
  names = list_dir (dir);
  {
    g_autofree char *base1 = g_path_get_basename (first);
    g_autofree char *base2 = g_path_get_basename (second);
    const char *expected[] = { base1, base2 };

    assert_names (names, expected, G_N_ELEMENTS (expected));
  }
}

/* A rotation remembers which backups it found sound, and checks again one
 * that changed since: spoiled, it no longer counts. */
static void
test_rotation_rechecks_changed (void)
{
  g_autofree char *path = make_helpdesk (40);
  g_autofree char *dir = g_build_filename (hd_test_dir (), "backups", NULL);
  g_autofree char *record = g_build_filename (dir, ".checked", NULL);
  g_autoptr(HdStore) store = hd_test_open_as (path, "disp");
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char *made[3] = { NULL };
  char *base[3] = { NULL };

  for (guint i = 0; i < 3; i++)
    {
      if (i == 2)
        damage_table (made[1], "tickets");
      g_assert_true (hd_store_backup_rotating (store, dir, 2, &made[i], &error));
      g_assert_no_error (error);
      base[i] = g_path_get_basename (made[i]);
    }

  /* The spoiled backup counts for nothing, so the oldest sound one stays. */
  names = list_dir (dir);
  assert_names (names, (const char * const *) base, 3);
  g_assert_true (g_file_get_contents (record, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, base[0]));
  g_assert_null (strstr (text, base[1]));
  g_assert_nonnull (strstr (text, base[2]));

  for (guint i = 0; i < 3; i++)
    {
      g_free (made[i]);
      g_free (base[i]);
    }
}

int
main (int   argc,
      char *argv[])
{

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);


  g_test_add_func ("/fault/damaged-backup/cli-refuses-damaged", test_cli_refuses_damaged);
  g_test_add_func ("/fault/damaged-backup/cli-change-on-damaged", test_cli_change_on_damaged);
  g_test_add_func ("/fault/damaged-backup/rotation-keeps-sound", test_rotation_keeps_sound);
  g_test_add_func ("/fault/damaged-backup/rotation-rechecks-changed",
                   test_rotation_rechecks_changed);
  g_test_add_func ("/fault/damaged-backup/rotation-ignores-damaged-backups",
                   test_rotation_ignores_damaged_backups);

  return g_test_run ();
}
