/* test-attachments.c — files attached to replies and notes: names, limits,
 * one copy per content, streaming, and who sees what
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include <glib/gstdio.h>

#include "hd-test-util.h"

typedef HdTestOffice Fixture;

/* A stream that counts the bytes read from it: proof that a refused file
 * was not read. */
typedef struct {
  GFilterInputStream parent;
  gsize              count;
} CountingStream;

typedef GFilterInputStreamClass CountingStreamClass;

static GType counting_stream_get_type (void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CountingStream, g_object_unref)
G_DEFINE_TYPE (CountingStream, counting_stream, G_TYPE_FILTER_INPUT_STREAM)

static gssize
counting_stream_read (GInputStream  *stream,
                      void          *buffer,
                      gsize          count,
                      GCancellable  *cancellable,
                      GError       **error)
{
  CountingStream *self = (CountingStream *) stream;
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gssize got = g_input_stream_read (base, buffer, count, cancellable, error);

  if (got > 0)
    self->count += got;
  return got;
}

static void
counting_stream_class_init (CountingStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = counting_stream_read;
}

static void
counting_stream_init (CountingStream *self)
{
}

static CountingStream *
counting_stream_new (GInputStream *base)
{
  return g_object_new (counting_stream_get_type (), "base-stream", base, NULL);
}

static char *
write_file (const char *name,
            const char *data,
            gsize       size)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (hd_test_dir (), name, NULL);

  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);
  return path;
}

static GPtrArray *
inputs_for (const char *first_path,
            ...)
{
  GPtrArray *inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_input_free);
  va_list args;

  va_start (args, first_path);
  for (const char *p = first_path; p != NULL; p = va_arg (args, const char *))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GFile) file = g_file_new_for_path (p);
      HdAttachmentInput *input = hd_attachment_input_new_for_file (file, NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (inputs, input);
    }
  va_end (args);
  return inputs;
}

static gint64
count_rows (const char *path,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static GBytes *
read_out (HdStore *store,
          gint64   id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_true (hd_store_read_attachment (store, id, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_names (void)
{
  struct { const char *in, *out; } cases[] = {
    { "../../etc/passwd", "passwd" },
    { "C:\\Users\\x\\report.pdf", "report.pdf" },
    { "a\x01" "b", "a_b" },
    { "line\nbreak.txt", "line_break.txt" },
    { "\xff\xfeoops.txt", "\xef\xbf\xbd\xef\xbf\xbdoops.txt" },
    { "invoice\xe2\x80\xae" "fdp.exe", "invoice_fdp.exe" },
    { ".bashrc", "bashrc" },
    { "..", "attachment" },
    { "dir/", "attachment" },
    { "", "attachment" },
    { NULL, "attachment" },
    { "  spaced name.odt  ", "spaced name.odt" },
  };
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autofree char *bounded = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = hd_attachment_sanitize_name (cases[i].in);

      g_assert_cmpstr (got, ==, cases[i].out);
    }

  /* 300 characters, two bytes each, and an extension: cut between
   * characters, the extension kept. */
  for (guint i = 0; i < 300; i++)
    g_string_append (long_name, "é");
  g_string_append (long_name, ".pdf");
  bounded = hd_attachment_sanitize_name (long_name->str);
  g_assert_cmpuint (strlen (bounded), <=, HD_ATTACHMENT_NAME_MAX);
  g_assert_true (g_utf8_validate (bounded, -1, NULL));
  g_assert_true (g_str_has_suffix (bounded, "é.pdf"));
}

static void
test_round_trip_and_dedupe (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Printer");
  gint64 number = hd_ticket_get_number (ticket);
  g_autofree char *content = g_malloc (200 * 1024);
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GPtrArray) first = NULL, second = NULL, list = NULL;
  g_autoptr(HdTicketEvent) e1 = NULL, e2 = NULL;
  g_autoptr(GBytes) back = NULL;
  HdAttachment *att;

  /* Several blob pieces, and not all zero. */
  for (gsize i = 0; i < 200 * 1024; i++)
    content[i] = (char) (i * 7 + i / 251);
  a = write_file ("log.txt", content, 200 * 1024);
  b = write_file ("same-bytes.bin", content, 200 * 1024);

  first = inputs_for (a, NULL);
  e1 = hd_store_add_comment_with_files (f->tech1, number, "See the log.", FALSE, first, NULL,
                                        &error);
  g_assert_no_error (error);
  second = inputs_for (b, NULL);
  e2 = hd_store_add_comment_with_files (f->tech1, number, NULL, TRUE, second, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_event_get_kind (e2), ==, HD_EVENT_NOTE);
  g_assert_cmpstr (hd_ticket_event_get_body (e2), !=, "");

  list = hd_store_list_attachments (f->tech1, number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  att = g_ptr_array_index (list, 0);
  g_assert_cmpstr (att->name, ==, "log.txt");
  g_assert_nonnull (strchr (att->content_type, '/'));
  g_assert_cmpint (att->size, ==, 200 * 1024);
  g_assert_cmpint (att->event, ==, hd_ticket_event_get_id (e1));
  g_assert_cmpstr (att->added_by, ==, "tech1");
  g_assert_false (att->internal);
  g_assert_true (((HdAttachment *) g_ptr_array_index (list, 1))->internal);

  back = read_out (f->req1, att->id);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), content, 200 * 1024);

  /* Two attachments, one copy of the bytes. */
  g_assert_cmpint (count_rows (f->path, "attachments"), ==, 2);
  g_assert_cmpint (count_rows (f->path, "attachment_blobs"), ==, 1);
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Scanner");
  gint64 number = hd_ticket_get_number (ticket);
  g_autofree char *big = g_strnfill (1001, 'x');
  g_autofree char *half = g_strnfill (800, 'y');
  g_autofree char *big_path = write_file ("big.txt", big, 1001);
  g_autofree char *one = write_file ("one.txt", half, 800);
  g_autofree char *two = write_file ("two.txt", "z", 1);
  g_autofree char *three = write_file ("three.txt", half, 800);
  g_autoptr(GPtrArray) too_big = inputs_for (big_path, NULL);
  g_autoptr(GPtrArray) together = inputs_for (one, two, three, NULL);
  g_autoptr(GPtrArray) fine = inputs_for (one, two, NULL);
  g_autoptr(HdTicketEvent) refused = NULL, added = NULL;
  gint64 per_file = 0, per_message = 0;
  g_autofree char *limit_1000 = g_format_size (1000);
  g_autofree char *limit_1500 = g_format_size (1500);

  g_assert_true (hd_store_get_attachment_limits (f->tech1, &per_file, &per_message, &error));
  g_assert_cmpint (per_file, ==, 10 * 1024 * 1024);
  g_assert_cmpint (per_message, ==, 25 * 1024 * 1024);

  g_assert_true (hd_store_set_attachment_limits (f->disp, 1000, 1500, &error));
  g_assert_no_error (error);

  refused = hd_store_add_comment_with_files (f->tech1, number, "x", FALSE, too_big, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "big.txt"));
  g_assert_nonnull (strstr (error->message, limit_1000));
  g_clear_error (&error);

  refused = hd_store_add_comment_with_files (f->tech1, number, "x", FALSE, together, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, limit_1500));
  g_clear_error (&error);
  g_assert_cmpint (count_rows (f->path, "attachments"), ==, 0);
  g_assert_cmpint (count_rows (f->path, "attachment_blobs"), ==, 0);

  added = hd_store_add_comment_with_files (f->tech1, number, "x", FALSE, fine, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f->path, "attachments"), ==, 2);
}

/* A 30 MiB file is refused from its size, before a byte is read; a file
 * that grows past what it said while it is read is refused on the first
 * piece too much, and leaves nothing behind. */
static void
test_streaming_refusals (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Big file");
  g_autofree char *path = g_build_filename (hd_test_dir (), "big.iso", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(CountingStream) counting = NULL;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_input_free);
  g_autoptr(HdTicketEvent) refused = NULL;
  g_autofree char *limit = g_format_size (10 * 1024 * 1024);
  FILE *fp = fopen (path, "w");

  g_assert_nonnull (fp);
  g_assert_cmpint (ftruncate (fileno (fp), 30 * 1024 * 1024), ==, 0);
  fclose (fp);

  raw = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  counting = counting_stream_new (G_INPUT_STREAM (raw));
  g_ptr_array_add (inputs, hd_attachment_input_new_for_stream ("big.iso", NULL, 30 * 1024 * 1024,
                                                              G_INPUT_STREAM (counting)));
  refused = hd_store_add_comment_with_files (f->tech1, hd_ticket_get_number (ticket), "x", FALSE,
                                             inputs, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, limit));
  g_assert_cmpuint (counting->count, ==, 0);
  g_clear_error (&error);

  /* Says 1 000 bytes, brings 30 MiB. */
  ((HdAttachmentInput *) g_ptr_array_index (inputs, 0))->size = 1000;
  refused = hd_store_add_comment_with_files (f->tech1, hd_ticket_get_number (ticket), "x", FALSE,
                                             inputs, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
  g_assert_cmpuint (counting->count, <=, 64 * 1024);
  g_assert_cmpint (count_rows (f->path, "attachment_blobs"), ==, 0);
  g_assert_cmpint (count_rows (f->path, "ticket_events WHERE kind = 'reply'"), ==, 0);
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Password");
  gint64 number = hd_ticket_get_number (ticket);
  g_autofree char *note = write_file ("admin-notes.txt", "root password hint", 18);
  g_autofree char *shot = write_file ("screenshot.png", "\x89PNG....", 8);
  g_autoptr(GPtrArray) internal = inputs_for (note, NULL);
  g_autoptr(GPtrArray) mine = inputs_for (shot, NULL);
  g_autoptr(HdTicketEvent) e1 = NULL, e2 = NULL, refused = NULL;
  g_autoptr(GPtrArray) staff_list = NULL, req_list = NULL, other_list = NULL;
  g_autoptr(HdAttachment) hidden = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  gint64 note_id;

  e1 = hd_store_add_comment_with_files (f->tech1, number, "hint", TRUE, internal, NULL, &error);
  g_assert_no_error (error);
  /* A requester attaches to a reply on their own request… */
  e2 = hd_store_add_comment_with_files (f->req1, number, "here", FALSE, mine, NULL, &error);
  g_assert_no_error (error);
  /* …but not to an internal note, nor to someone else's request. */
  refused = hd_store_add_comment_with_files (f->req1, number, "x", TRUE, mine, NULL, &error);
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  refused = hd_store_add_comment_with_files (f->req2, number, "x", FALSE, mine, NULL, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);

  staff_list = hd_store_list_attachments (f->tech1, number, &error);
  g_assert_cmpuint (staff_list->len, ==, 2);
  note_id = ((HdAttachment *) g_ptr_array_index (staff_list, 0))->id;

  req_list = hd_store_list_attachments (f->req1, number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (req_list->len, ==, 1);
  g_assert_cmpstr (((HdAttachment *) g_ptr_array_index (req_list, 0))->name, ==, "screenshot.png");

  hidden = hd_store_get_attachment (f->req1, note_id, &error);
  g_assert_null (hidden);
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hd_store_read_attachment (f->req1, note_id, out, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  other_list = hd_store_list_attachments (f->req2, number, &error);
  g_assert_null (other_list);
  g_assert_nonnull (error);
  g_clear_error (&error);
}

static void
test_save (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_test_file_ticket (f->req1, "Save");
  g_autofree char *src = write_file ("report.pdf", "%PDF-1.4 report", 15);
  g_autoptr(GPtrArray) inputs = inputs_for (src, NULL);
  g_autoptr(HdTicketEvent) e = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *dir = g_build_filename (hd_test_dir (), "out", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) saved = NULL, again = NULL, forced = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *saved_path = NULL;
  gint64 id;

  e = hd_store_add_comment_with_files (f->tech1, hd_ticket_get_number (ticket), "r", FALSE,
                                       inputs, NULL, &error);
  g_assert_no_error (error);
  list = hd_store_list_attachments (f->req1, hd_ticket_get_number (ticket), &error);
  id = ((HdAttachment *) g_ptr_array_index (list, 0))->id;
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);

  saved = hd_store_save_attachment (f->req1, id, folder, FALSE, NULL, &error);
  g_assert_no_error (error);
  saved_path = g_file_get_path (saved);
  g_assert_true (g_str_has_suffix (saved_path, "/out/report.pdf"));
  g_file_get_contents (saved_path, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, "%PDF-1.4 report");

  g_file_set_contents (saved_path, "mine", -1, &error);
  again = hd_store_save_attachment (f->req1, id, folder, FALSE, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, HD_ERROR, HD_ERROR_EXISTS);
  g_clear_error (&error);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (saved_path, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "mine");

  forced = hd_store_save_attachment (f->req1, id, saved, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (saved_path, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "%PDF-1.4 report");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, hd_test_office_set_up, func, hd_test_office_tear_down)
  g_test_add_func ("/attachments/names", test_names);
  ADD ("/attachments/round-trip-and-dedupe", test_round_trip_and_dedupe);
  ADD ("/attachments/limits", test_limits);
  ADD ("/attachments/streaming-refusals", test_streaming_refusals);
  ADD ("/attachments/roles", test_roles);
  ADD ("/attachments/save", test_save);
#undef ADD

  return g_test_run ();
}
