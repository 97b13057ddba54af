/* hd-mail-original.c
 *
 * "Show Original": the message exactly as it was received, headers and
 * MIME parts, as plain text in a read-only view — never rendered, never
 * markup, so that nothing in a mail can make Helpdesk show or open
 * anything. Bytes that are not UTF-8 show as U+FFFD; a very large
 * message (attachments) shows its first megabyte and says so. The
 * original is read by a store job; the window never waits on the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-mail-message.h"
#include "hd-mail-original.h"
#include "hd-store-async.h"

/* The text shown for @raw: valid UTF-8, cut at HD_MAIL_ORIGINAL_SHOWN. */
char *
hd_mail_original_text (GBytes *raw)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (raw, &size);
  g_autofree char *text = hd_mail_text_valid (data != NULL ? data : "",
                                              MIN (size, HD_MAIL_ORIGINAL_SHOWN));

  g_autofree char *length = NULL;

  if (size <= HD_MAIL_ORIGINAL_SHOWN)
    return g_steal_pointer (&text);

  length = g_format_size (size);
  return g_strdup_printf (_("%s\n\n[The message is %s long; only its beginning is shown here.]"),
                          text, length);
}

static gpointer
original_job (HdStore  *store,
              gpointer  data,
              GError  **error)
{
  g_autoptr(GBytes) raw = hd_store_get_mail_original (store, *(gint64 *) data, error);

  return raw != NULL ? hd_mail_original_text (raw) : NULL;
}

static void
original_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GtkTextView) view = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hd_store_run_finish (HD_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view),
                            text != NULL ? text : error->message, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_STATE_BUSY, FALSE, -1);
}

static void
cancel_cb (GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

/**
 * hd_mail_original_present:
 * @message_row: the received message's row
 *
 * Opens a dialog over @parent with the original of the message.
 */
void
hd_mail_original_present (GtkWindow *parent,
                          HdStore   *store,
                          gint64     message_row)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  GtkEventController *keys = GTK_EVENT_CONTROLLER (gtk_shortcut_controller_new ());
  GCancellable *cancellable = g_cancellable_new ();
  gint64 *row = g_new (gint64, 1);

  *row = message_row;
  gtk_window_set_title (GTK_WINDOW (window), _("Original Message"));
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 560);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Original Message"), NULL));

  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Original Message"), -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_STATE_BUSY, TRUE, -1);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, keys);

  /* The read stops when the dialog goes. */
  g_object_set_data_full (G_OBJECT (window), "hd-cancellable", cancellable,
                          (GDestroyNotify) g_object_unref);
  g_signal_connect_swapped (window, "destroy", G_CALLBACK (cancel_cb), cancellable);
  hd_store_run_async (store, original_job, row, g_free, g_free, cancellable, original_done,
                      g_object_ref (view));
  gtk_window_present (GTK_WINDOW (window));
}
