/* test-attachments.c — files in the ticket view: listed under their
 * message, saved, attached through the composer, pasted as an image,
 * and refused over the limit with the limit named
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "hd-attachment-composer.h"
#include "hd-attachment-list.h"
#include "hd-gui-test-util.h"
#include "hd-store-async.h"
#include "hd-test-util.h"
#include "hd-ticket-view.h"

typedef struct {
  char       *path;
  HdStore    *store;      /* the view's */
  HdStore    *checker;    /* the test's own */
  GtkWidget  *view;
  GtkWindow  *window;
  GFile      *saved;
  char       *message;    /* the view's last message */
  guint       n_expected;
} Fixture;

static void
message_cb (HdTicketView *view,
            const char   *text,
            Fixture      *f)
{
  g_free (f->message);
  f->message = g_strdup (text);
}

static void
message_cb_swapped (Fixture    *f,
                    const char *text)
{
  g_free (f->message);
  f->message = g_strdup (text);
}

static void
attach_as (HdStore    *store,
           gint64      number,
           const char *name,
           const char *type,
           const char *data,
           gboolean    internal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, strlen (data));
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_input_free);
  g_autoptr(HdTicketEvent) event = NULL;

  g_ptr_array_add (inputs, hd_attachment_input_new_for_stream (name, type, strlen (data), stream));
  event = hd_store_add_comment_with_files (store, number, "Files for you.", internal, inputs,
                                           NULL, &error);
  g_assert_no_error (error);
}

static gboolean
lists_shown (Fixture *f)
{
  g_autoptr(GPtrArray) lists = hd_find_widgets (f->view, HD_TYPE_ATTACHMENT_LIST, NULL, NULL);

  return lists->len == f->n_expected;
}

static gboolean
open_copy_exists (Fixture *f)
{
  return g_file_query_exists (f->saved, NULL);
}

static gboolean
saved_exists (Fixture *f)
{
  return g_file_query_exists (f->saved, NULL) && f->message != NULL &&
         g_str_has_prefix (f->message, "Saved");
}

static HdAttachmentComposer *
composer (Fixture *f)
{
  GtkWidget *c = hd_find_widget (f->view, HD_TYPE_ATTACHMENT_COMPOSER, NULL, NULL);

  g_assert_nonnull (c);
  return HD_ATTACHMENT_COMPOSER (c);
}

static gboolean
one_pending (Fixture *f)
{
  return hd_attachment_composer_get_n (composer (f)) == 1;
}

static gboolean
has_message (Fixture *f)
{
  return f->message != NULL;
}

static guint
count_in_file (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = hd_store_list_attachments (f->checker, 1, &error);

  g_assert_no_error (error);
  return list->len;
}

static gboolean
file_has_expected (Fixture *f)
{
  return count_in_file (f) == f->n_expected;
}

/* The conversation, at the end of the ticket, in sight. */
static void
scroll_to_end (Fixture   *f,
               GtkWidget *inside)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (inside, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  hd_wait_frames (GTK_WIDGET (f->window), 3);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  hd_wait_frames (GTK_WIDGET (f->window), 3);
}

static void
set_up (Fixture *f)
{
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (&f->path);
  g_autoptr(HdStore) tech1 = NULL;
  g_autoptr(HdStore) req1 = hd_test_open_as (f->path, "req1");
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdPerson) me = NULL;

  ticket = hd_test_file_ticket (req1, "Monitor flickers");
  tech1 = hd_test_open_as (f->path, "tech1");
  attach_as (tech1, 1, "driver-notes.txt", "text/plain", "Use driver 4.2, not 4.3.", FALSE);
  attach_as (tech1, 1, "screen log.csv", "text/csv", "time,event\n1,flicker\n", FALSE);
  attach_as (tech1, 1, "admin.txt", "text/plain", "internal only", TRUE);

  f->checker = hd_test_open_as (f->path, "tech1");
  f->store = hd_test_open_as (f->path, "tech1");
  me = hd_store_dup_me (f->store);
  f->view = hd_ticket_view_new ();
  g_signal_connect (f->view, "message", G_CALLBACK (message_cb), f);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1366, 800);
  gtk_window_set_child (f->window, f->view);
  gtk_window_present (f->window);
  hd_ticket_view_set_store (HD_TICKET_VIEW (f->view), f->store, me);
  hd_ticket_view_show (HD_TICKET_VIEW (f->view), 1);
}

static void
tear_down (Fixture *f)
{
  hd_destroy_and_wait (f->window);
  g_clear_object (&f->store);
  g_clear_object (&f->checker);
  g_clear_object (&f->saved);
  g_free (f->message);
  g_free (f->path);
}

/* Each message's files under it, with name and size; Save As writes the
 * bytes where the person chose. */
static void
test_list_and_save (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(GPtrArray) lists = NULL;
  g_autofree char *dest = NULL, *contents = NULL;
  g_autofree char *size = g_format_size (strlen ("Use driver 4.2, not 4.3."));
  GtkWidget *name;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  set_up (f);
  f->n_expected = 3;
  hd_wait_until (lists_shown, f, HD_WAIT_MS);
  lists = hd_find_widgets (f->view, HD_TYPE_ATTACHMENT_LIST, NULL, NULL);
  for (guint i = 0; i < lists->len; i++)
    g_assert_cmpuint (hd_attachment_list_get_n (g_ptr_array_index (lists, i)), ==, 1);

  /* Under its own message: the list sits in the row of that reply. */
  name = hd_find_label (f->view, "driver-notes.txt");
  g_assert_nonnull (name);
  g_assert_true (gtk_widget_is_ancestor (name, g_ptr_array_index (lists, 0)));
  g_assert_nonnull (hd_find_label (g_ptr_array_index (lists, 0), size));
  g_assert_nonnull (hd_find_label (f->view, "screen log.csv"));
  g_assert_nonnull (hd_find_label (f->view, "admin.txt"));
  scroll_to_end (f, name);
  g_free (hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-attachments-1366.png"));
  gtk_window_set_default_size (f->window, 400, 800);
  hd_wait_frames (GTK_WIDGET (f->window), 5);
  scroll_to_end (f, name);
  g_free (hd_save_screenshot (GTK_WIDGET (f->window), "screenshot-attachments-400.png"));

  /* Open: a private copy nobody can write to, in a folder of its own. */
  {
    HdAttachmentList *first = g_ptr_array_index (lists, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) in_file = hd_store_list_attachments (f->checker, 1, &error);
    gint64 id = ((HdAttachment *) g_ptr_array_index (in_file, 0))->id;
    g_autofree char *copy = hd_attachment_list_open_path (id, "driver-notes.txt");
    g_autofree char *folder = g_path_get_dirname (copy);
    g_autofree char *copied = NULL;
    GStatBuf st;

    f->saved = g_file_new_for_path (copy);
    hd_attachment_list_open (first, 0);
    hd_wait_until (open_copy_exists, f, HD_WAIT_MS);
    g_assert_cmpint (g_stat (copy, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0400);
    g_assert_cmpint (g_stat (folder, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    g_assert_true (g_file_get_contents (copy, &copied, NULL, NULL));
    g_assert_cmpstr (copied, ==, "Use driver 4.2, not 4.3.");
    g_clear_object (&f->saved);
  }

  /* A file that could run a program is never opened, only saved. */
  {
    g_autoptr(GPtrArray) fake = g_ptr_array_new_with_free_func ((GDestroyNotify) hd_attachment_free);
    HdAttachment script = { .id = 999, .name = (char *) "setup.sh",
                            .content_type = (char *) "application/x-shellscript", .size = 10 };
    GtkWidget *list;

    g_ptr_array_add (fake, hd_attachment_copy (&script));
    list = g_object_ref_sink (hd_attachment_list_new (f->store, fake));
    g_signal_connect_swapped (list, "message", G_CALLBACK (message_cb_swapped), f);
    g_clear_pointer (&f->message, g_free);
    hd_attachment_list_open (HD_ATTACHMENT_LIST (list), 0);
    g_assert_nonnull (f->message);
    g_assert_nonnull (strstr (f->message, "could run a program"));
    g_object_unref (list);
  }

  dest = g_build_filename (hd_test_dir (), "saved-notes.txt", NULL);
  f->saved = g_file_new_for_path (dest);
  hd_attachment_list_save_to (g_ptr_array_index (lists, 0), 0, f->saved);
  hd_wait_until (saved_exists, f, HD_WAIT_MS);
  g_assert_true (g_file_get_contents (dest, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "Use driver 4.2, not 4.3.");

  tear_down (f);
}

/* A requester sees no internal note's file. */
static void
test_requester_view (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(HdStore) req1 = NULL;
  g_autoptr(HdPerson) me = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  set_up (f);
  req1 = hd_test_open_as (f->path, "req1");
  me = hd_store_dup_me (req1);
  hd_ticket_view_set_store (HD_TICKET_VIEW (f->view), req1, me);
  hd_ticket_view_show (HD_TICKET_VIEW (f->view), 1);
  f->n_expected = 2;
  hd_wait_until (lists_shown, f, HD_WAIT_MS);
  g_assert_null (hd_find_label (f->view, "admin.txt"));
  hd_ticket_view_set_store (HD_TICKET_VIEW (f->view), NULL, NULL);
  tear_down (f);
}

/* A file added to the composer goes with the reply; one over the limit
 * is refused at once, the limit named. */
static void
test_attach_and_send (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *src = g_build_filename (hd_test_dir (), "photo.jpg", NULL);
  g_autofree char *big = g_build_filename (hd_test_dir (), "big.iso", NULL);
  g_autofree char *big_data = g_strnfill (3000, 'b');
  g_autofree char *limit = g_format_size (2000);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) too_big = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) disp = NULL;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  set_up (f);
  f->n_expected = 3;
  hd_wait_until (lists_shown, f, HD_WAIT_MS);
  g_assert_true (g_file_set_contents (src, "\xff\xd8\xff jpeg", -1, NULL));
  g_assert_true (g_file_set_contents (big, big_data, 3000, NULL));

  disp = hd_test_open_as (f->path, "disp");
  g_assert_true (hd_store_set_attachment_limits (disp, 2000, 5000, &error));
  g_ptr_array_add (too_big, g_file_new_for_path (big));
  hd_attachment_composer_add_files (composer (f), too_big);
  hd_wait_until (has_message, f, HD_WAIT_MS);
  g_assert_nonnull (strstr (f->message, "big.iso"));
  g_assert_nonnull (strstr (f->message, limit));
  g_assert_cmpuint (hd_attachment_composer_get_n (composer (f)), ==, 0);

  g_ptr_array_add (files, g_file_new_for_path (src));
  hd_attachment_composer_add_files (composer (f), files);
  hd_wait_until (one_pending, f, HD_WAIT_MS);
  g_assert_nonnull (hd_find_label (GTK_WIDGET (composer (f)), "photo.jpg"));

  /* No text: the file alone is the reply. */
  g_assert_true (gtk_widget_activate_action (f->view, "ticket.send", NULL));
  f->n_expected = 4;
  hd_wait_until (file_has_expected, f, HD_WAIT_MS);
  hd_wait_until (lists_shown, f, HD_WAIT_MS);
  g_assert_cmpuint (hd_attachment_composer_get_n (composer (f)), ==, 0);
  g_assert_nonnull (hd_find_label (f->view, "photo.jpg"));
  tear_down (f);
}

/* An image pasted into the reply becomes a PNG attachment. */
static void
test_paste_image (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  static const guint8 pixels[4 * 2 * 2] = { 255, 0, 0, 255, 0, 255, 0, 255,
                                            0, 0, 255, 255, 255, 255, 255, 255 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (pixels, sizeof pixels);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (2, 2, GDK_MEMORY_R8G8B8A8, bytes, 8);
  GtkWidget *text;

  if (hd_gui_test_skip_without_display () || hd_gui_test_run_isolated ())
    return;

  set_up (f);
  f->n_expected = 3;
  hd_wait_until (lists_shown, f, HD_WAIT_MS);
  /* The reply's text view is the one in the frame next to the composer. */
  text = gtk_widget_get_first_child (gtk_widget_get_prev_sibling (GTK_WIDGET (composer (f))));
  g_assert_true (GTK_IS_TEXT_VIEW (text));

  gdk_clipboard_set_texture (gtk_widget_get_clipboard (text), texture);
  g_signal_emit_by_name (text, "paste-clipboard");
  hd_wait_until (one_pending, f, HD_WAIT_MS);
  g_assert_nonnull (hd_find_label (GTK_WIDGET (composer (f)), "Pasted image.png"));
  /* Attached, not pasted as text. */
  g_assert_cmpint (gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text))),
                   ==, 0);

  g_assert_true (gtk_widget_activate_action (f->view, "ticket.send", NULL));
  f->n_expected = 4;
  hd_wait_until (file_has_expected, f, HD_WAIT_MS);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = hd_store_list_attachments (f->checker, 1, &error);
    HdAttachment *png = g_ptr_array_index (list, 3);
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

    g_assert_cmpstr (png->content_type, ==, "image/png");
    g_assert_true (hd_store_read_attachment (f->checker, png->id, out, NULL, &error));
    g_output_stream_close (out, NULL, NULL);
    g_assert_cmpmem (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), 8,
                     "\x89PNG\r\n\x1a\n", 8);
  }
  tear_down (f);
}

int
main (int   argc,
      char *argv[])
{
  hd_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/attachments/list-and-save", test_list_and_save);
  g_test_add_func ("/gui/attachments/requester", test_requester_view);
  g_test_add_func ("/gui/attachments/attach-and-send", test_attach_and_send);
  g_test_add_func ("/gui/attachments/paste-image", test_paste_image);

  return g_test_run ();
}
