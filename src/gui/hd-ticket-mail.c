/* hd-ticket-mail.c
 *
 * Under a ticket's history, for staff: every message received and sent on
 * the ticket. A received one names its sender and opens its original as
 * text (Show Original); a sent one names its recipient and says where it
 * is — waiting, sending, sent, or not sent with the server's answer and
 * Retry, which queues it again. Read by a store job each time the ticket
 * is shown or the file changes; hidden when the ticket has no mail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-format.h"
#include "hd-mail-original.h"
#include "hd-store-async.h"
#include "hd-ticket-mail.h"

struct _HdTicketMail
{
  GtkWidget     parent_instance;

  GtkWidget    *heading;
  GtkListBox   *list;

  HdStore      *store;
  GCancellable *cancellable;
  GPtrArray    *items;    /* (element-type HdMailOnTicket) what the list shows */
  gint64        number;
};

G_DEFINE_FINAL_TYPE (HdTicketMail, hd_ticket_mail, GTK_TYPE_WIDGET)

enum {
  LOADED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (HdTicketMail *self);

static const char *
state_text (const HdMailOnTicket *item)
{
  if (g_strcmp0 (item->state, "queued") == 0)
    return _("Waiting to be sent");
  if (g_strcmp0 (item->state, "sending") == 0)
    return _("Being sent");
  if (g_strcmp0 (item->state, "sent") == 0)
    return _("Sent");
  return _("Not sent");
}

/* Show Original */

static void
original_clicked_cb (GtkButton    *button,
                     HdTicketMail *self)
{
  gint64 *row = g_object_get_data (G_OBJECT (button), "hd-message-row");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->store != NULL)
    hd_mail_original_present (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store, *row);
}

/* Retry */

static gpointer
retry_job (HdStore  *store,
           gpointer  data,
           GError  **error)
{
  return hd_store_retry_outgoing (store, *(gint64 *) data, error) ? GINT_TO_POINTER (1) : NULL;
}

static void
retry_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HdTicketMail) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hd_store_run_finish (HD_STORE (source), result, &error) == NULL &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Refused (another desk retried first, say): why, and what is now. */
  if (error != NULL)
    g_signal_emit (self, signals[MESSAGE], 0, error->message);
  load (self);
}

static void
retry_clicked_cb (GtkButton    *button,
                  HdTicketMail *self)
{
  gint64 *outbox = g_memdup2 (g_object_get_data (G_OBJECT (button), "hd-outbox"), sizeof (gint64));

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  hd_store_run_async (self->store, retry_job, outbox, g_free, NULL, self->cancellable, retry_done,
                      g_object_ref (self));
}

/* The list */

static GtkWidget *
suffix_button (HdTicketMail *self,
               const char   *label,
               const char   *key,
               gint64        value,
               GCallback     callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), key, g_memdup2 (&value, sizeof value), g_free);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
create_row (HdTicketMail         *self,
            const HdMailOnTicket *item)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = hd_format_time (item->stored_at, g_get_real_time ());
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* Addresses, subjects and answers come from mail: plain text. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (!item->outgoing)
    {
      title = item->from_name != NULL && item->from_name[0] != '\0'
              ? g_strdup_printf (_("From %s <%s>"), item->from_name, item->from_address)
              : g_strdup_printf (_("From %s"), item->from_address);
      subtitle = g_strdup_printf (_("Received %s · %s"), when, item->subject);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("mail-unread-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 suffix_button (self, _("Show _Original"), "hd-message-row",
                                                item->row, G_CALLBACK (original_clicked_cb)));
    }
  else
    {
      gboolean failed = g_strcmp0 (item->state, "failed") == 0;

      title = g_strdup_printf (_("To %s"), item->to_address != NULL ? item->to_address : "");
      if (failed && !hd_mail_on_ticket_can_retry (item))
        subtitle = g_strdup_printf (_("%s · %s\n%s"), state_text (item), item->subject,
                                    _("Nobody it was for has a mail address."));
      else if (failed)
        subtitle = g_strdup_printf (_("%s · %s\n%s"), state_text (item), item->subject,
                                    item->server_answer != NULL ? item->server_answer
                                                                : _("The server gave no answer."));
      else
        subtitle = g_strdup_printf (_("%s · %s · %s"), state_text (item), when, item->subject);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (failed ? "dialog-warning-symbolic"
                                                                      : "mail-send-symbolic"));
      if (hd_mail_on_ticket_can_retry (item))
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   suffix_button (self, _("_Retry"), "hd-outbox", item->outbox,
                                                  G_CALLBACK (retry_clicked_cb)));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
fill (HdTicketMail *self,
      GPtrArray    *items)
{
  GtkListBoxRow *row;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = g_ptr_array_ref (items);
  while ((row = gtk_list_box_get_row_at_index (self->list, 0)) != NULL)
    gtk_list_box_remove (self->list, GTK_WIDGET (row));
  for (guint i = 0; i < items->len; i++)
    gtk_list_box_append (self->list, create_row (self, items->pdata[i]));
  gtk_widget_set_visible (GTK_WIDGET (self), items->len > 0);
  g_signal_emit (self, signals[LOADED], 0);
}

static gpointer
load_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  return hd_store_list_ticket_mail (store, *(gint64 *) data, error);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdTicketMail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = hd_store_run_finish (HD_STORE (source), result, &error);

  /* A failed read keeps what was shown; the ticket view reports trouble. */
  if (items != NULL)
    fill (self, items);
}

static void
load (HdTicketMail *self)
{
  gint64 *number = g_new (gint64, 1);

  *number = self->number;
  hd_store_run_async (self->store, load_job, number, g_free, (GDestroyNotify) g_ptr_array_unref,
                      self->cancellable, load_done, g_object_ref (self));
}

/* GObject */

static void
hd_ticket_mail_dispose (GObject *object)
{
  HdTicketMail *self = HD_TICKET_MAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->heading, gtk_widget_unparent);
  if (self->list != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->list));
      self->list = NULL;
    }

  G_OBJECT_CLASS (hd_ticket_mail_parent_class)->dispose (object);
}

static void
hd_ticket_mail_class_init (HdTicketMailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_ticket_mail_dispose;

  /**
   * HdTicketMail::loaded:
   *
   * The list shows the ticket's mail as the file holds it now.
   */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HdTicketMail::message:
   * @text: why something failed
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
hd_ticket_mail_init (HdTicketMail *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);

  self->heading = gtk_label_new (_("Mail"));
  gtk_label_set_xalign (GTK_LABEL (self->heading), 0);
  gtk_widget_add_css_class (self->heading, "heading");
  gtk_widget_set_parent (self->heading, GTK_WIDGET (self));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Mail received and sent"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->list), GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
hd_ticket_mail_new (void)
{
  return g_object_new (HD_TYPE_TICKET_MAIL, NULL);
}

/**
 * hd_ticket_mail_show:
 * @store: (nullable): used only through jobs
 * @me: (nullable): who is looking: only staff see a ticket's mail
 * @number: the ticket; 0: none
 *
 * Reads @number's mail again and shows it once read.
 */
void
hd_ticket_mail_show (HdTicketMail *self,
                     HdStore      *store,
                     HdPerson     *me,
                     gint64        number)
{
  g_return_if_fail (HD_IS_TICKET_MAIL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->store, store);
  if (number != self->number)
    {
      g_clear_pointer (&self->items, g_ptr_array_unref);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
    }
  self->number = number;

  if (store == NULL || me == NULL || !hd_person_is_staff (me) || number == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  load (self);
}

/* (transfer none) (element-type HdMailOnTicket) (nullable): what it shows */
GPtrArray *
hd_ticket_mail_get_items (HdTicketMail *self)
{
  g_return_val_if_fail (HD_IS_TICKET_MAIL (self), NULL);

  return self->items;
}

/* The received message that made history entry @event, or NULL. */
const HdMailOnTicket *
hd_ticket_mail_find_event (HdTicketMail *self,
                           gint64        event)
{
  g_return_val_if_fail (HD_IS_TICKET_MAIL (self), NULL);

  for (guint i = 0; self->items != NULL && i < self->items->len; i++)
    {
      const HdMailOnTicket *item = self->items->pdata[i];

      if (!item->outgoing && item->event == event && event != 0)
        return item;
    }
  return NULL;
}
