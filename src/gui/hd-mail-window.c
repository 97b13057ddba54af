/* hd-mail-window.c
 *
 * The mail that needs a person. The outbox: how many messages wait to be
 * sent, and each that failed with the server's answer and Retry. The
 * messages not filed (automatic replies, bounces, lists, mail from the
 * helpdesk's own address): each opens with its sender, subject, date and
 * reason and the original as plain text — never rendered — and the
 * dispatcher files it as a new ticket, adds it to a ticket she names, or
 * dismisses it. Every read and write is a store job; core decides.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hd-format.h"
#include "hd-mail-original.h"
#include "hd-mail-window.h"
#include "hd-mail.h"

/* The messages not filed the window lists, newest first; the count says
 * how many more there are. Each is a row, so the list stays short. */
#define NOT_FILED_SHOWN 200

struct _HdMailWindow
{
  HdStackWindow          parent_instance;

  /* template widgets */
  AdwPreferencesGroup   *outbox_group;
  AdwPreferencesGroup   *not_filed_group;
  GtkListBox            *failed_list;
  GtkListBox            *not_filed_list;
  AdwActionRow          *from_row;
  AdwActionRow          *subject_row;
  AdwActionRow          *received_row;
  AdwActionRow          *reason_row;
  AdwEntryRow           *ticket_row;
  GtkTextView           *original_view;
  GtkButton             *add_button;

  /* owned */
  char                  *not_filed_about; /* the group's description, from the template */
  HdMailNotFiled        *showing;    /* the message the form shows */
  GCancellable          *original_cancellable;
};

G_DEFINE_FINAL_TYPE (HdMailWindow, hd_mail_window, HD_TYPE_STACK_WINDOW)

typedef struct {
  HdMailSummary summary;
  GPtrArray    *failed;      /* (element-type HdMailOnTicket) */
  GPtrArray    *not_filed;   /* (element-type HdMailNotFiled) */
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->failed, g_ptr_array_unref);
  g_clear_pointer (&loaded->not_filed, g_ptr_array_unref);
  g_free (loaded);
}

static HdMailNotFiled *
not_filed_copy (const HdMailNotFiled *item)
{
  HdMailNotFiled *copy = g_new0 (HdMailNotFiled, 1);

  copy->row = item->row;
  copy->from_address = g_strdup (item->from_address);
  copy->from_name = g_strdup (item->from_name);
  copy->subject = g_strdup (item->subject);
  copy->reason = g_strdup (item->reason);
  copy->stored_at = item->stored_at;
  copy->ticket = item->ticket;
  return copy;
}

/* "Rita Example <rita@example.org>", or the address alone. */
static char *
sender_of (const HdMailNotFiled *item)
{
  const char *address = item->from_address != NULL && item->from_address[0] != '\0'
                        ? item->from_address : _("no sender");

  if (item->from_name == NULL || item->from_name[0] == '\0')
    return g_strdup (address);
  return g_strdup_printf ("%s <%s>", item->from_name, address);
}

static const char *
subject_of (const char *subject)
{
  return subject != NULL && subject[0] != '\0' ? subject : _("(no subject)");
}

/* Reading */

static gpointer
load_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Loaded *loaded = g_new0 (Loaded, 1);

  if (!hd_store_get_mail_summary (store, &loaded->summary, error) ||
      (loaded->failed = hd_store_list_failed_mail (store, error)) == NULL ||
      (loaded->not_filed = hd_store_list_not_filed (store, NULL, NOT_FILED_SHOWN, error)) == NULL)
    {
      loaded_free (loaded);
      return NULL;
    }
  return loaded;
}

/* The rows go; the placeholder stays. */
static void
clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static void retry_clicked_cb (GtkButton    *button,
                              HdMailWindow *self);

static GtkWidget *
create_failed_row (HdMailWindow         *self,
                   const HdMailOnTicket *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *retry;
  g_autofree char *subtitle = NULL;
  g_autofree char *ticket = hd_format_number (item->ticket);

  /* The server's answer is quoted as it came: plain text. */
  if (!hd_mail_on_ticket_can_retry (item))
    subtitle = item->ticket != 0
               ? g_strdup_printf (_("Ticket %s\nNobody it was for has a mail address."), ticket)
               : g_strdup (_("Nobody it was for has a mail address."));
  else if (item->ticket != 0)
    subtitle = g_strdup_printf (_("To %s · ticket %s\n%s"), item->to_address, ticket,
                                item->server_answer != NULL ? item->server_answer
                                                            : _("The server gave no answer."));
  else
    subtitle = g_strdup_printf (_("To %s\n%s"), item->to_address,
                                item->server_answer != NULL ? item->server_answer
                                                            : _("The server gave no answer."));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), subject_of (item->subject));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  if (!hd_mail_on_ticket_can_retry (item))
    return row;
  retry = gtk_button_new_with_mnemonic (_("_Retry"));
  gtk_widget_set_valign (retry, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (retry, _("Send it again at the next send"));
  g_object_set_data_full (G_OBJECT (retry), "hd-outbox-id",
                          g_memdup2 (&item->outbox, sizeof item->outbox), g_free);
  g_signal_connect (retry, "clicked", G_CALLBACK (retry_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), retry);
  return row;
}

static char *
waiting_text (const HdMailSummary *summary)
{
  g_autofree char *waiting = NULL;
  g_autofree char *failed = NULL;

  if (summary->waiting == 0 && summary->failed == 0)
    return g_strdup (_("Every message has been sent."));

  waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d message waiting to be sent",
                                          "%d messages waiting to be sent", summary->waiting),
                             summary->waiting);
  failed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d message could not be sent",
                                         "%d messages could not be sent", summary->failed),
                            summary->failed);
  if (summary->failed == 0)
    return g_steal_pointer (&waiting);
  if (summary->waiting == 0)
    return g_steal_pointer (&failed);
  /* Translators: "3 messages waiting to be sent · 1 message could not be sent" */
  return g_strdup_printf (_("%s · %s"), waiting, failed);
}

static void
loaded (HdStackWindow *stack_window,
        gpointer       result)
{
  HdMailWindow *self = HD_MAIL_WINDOW (stack_window);
  Loaded *l = result;
  g_autofree char *waiting = waiting_text (&l->summary);

  adw_preferences_group_set_description (self->outbox_group, waiting);
  clear_list (self->failed_list);
  for (guint i = 0; i < l->failed->len; i++)
    gtk_list_box_append (self->failed_list, create_failed_row (self, l->failed->pdata[i]));
  gtk_widget_set_visible (GTK_WIDGET (self->failed_list), l->failed->len > 0);

  clear_list (self->not_filed_list);
  adw_preferences_group_set_description (self->not_filed_group, self->not_filed_about);
  if (l->summary.not_filed > (int) l->not_filed->len)
    {
      /* Translators: the first %u is at most a few hundred */
      g_autofree char *shown = g_strdup_printf (ngettext ("The newest %u of %d messages are listed.",
                                                          "The newest %u of %d messages are listed.",
                                                          l->summary.not_filed),
                                                l->not_filed->len, l->summary.not_filed);
      g_autofree char *about = g_strdup_printf ("%s %s", self->not_filed_about, shown);

      adw_preferences_group_set_description (self->not_filed_group, about);
    }
  for (guint i = 0; i < l->not_filed->len; i++)
    {
      HdMailNotFiled *item = l->not_filed->pdata[i];
      g_autofree char *sender = sender_of (item);
      g_autofree char *when = hd_format_time (item->stored_at, g_get_real_time ());
      g_autofree char *subtitle = g_strdup_printf ("%s · %s\n%s", subject_of (item->subject),
                                                   when, item->reason);
      GtkWidget *row = hd_stack_window_create_row (stack_window, sender, subtitle,
                                                   not_filed_copy (item),
                                                   (GDestroyNotify) hd_mail_not_filed_free);

      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_list_box_append (self->not_filed_list, row);
    }
}

/* The pages */

static void
show_list (HdStackWindow *stack_window)
{
  HdMailWindow *self = HD_MAIL_WINDOW (stack_window);

  g_cancellable_cancel (self->original_cancellable);
  g_clear_pointer (&self->showing, hd_mail_not_filed_free);
  hd_stack_window_show_error (stack_window, NULL);
  hd_stack_window_show_page (stack_window, FALSE, _("Mail"));
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), FALSE);
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
  g_autoptr(HdMailWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hd_store_run_finish (HD_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->original_view),
                            text != NULL ? text : error->message, -1);
}

static void
show_form (HdStackWindow *stack_window,
           gpointer       item)
{
  HdMailWindow *self = HD_MAIL_WINDOW (stack_window);
  HdMailNotFiled *message = item;
  g_autofree char *sender = sender_of (message);
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (message->stored_at / G_USEC_PER_SEC);
  /* Translators: a date and time, as g_date_time_format() writes it */
  g_autofree char *when = g_date_time_format (at, _("%-d %B %Y, %H:%M"));
  gint64 *row = g_new (gint64, 1);

  g_cancellable_cancel (self->original_cancellable);
  g_clear_object (&self->original_cancellable);
  self->original_cancellable = g_cancellable_new ();
  g_clear_pointer (&self->showing, hd_mail_not_filed_free);
  self->showing = not_filed_copy (message);

  adw_action_row_set_subtitle (self->from_row, sender);
  adw_action_row_set_subtitle (self->subject_row, subject_of (message->subject));
  adw_action_row_set_subtitle (self->received_row, when);
  adw_action_row_set_subtitle (self->reason_row, message->reason);
  gtk_editable_set_text (GTK_EDITABLE (self->ticket_row), "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->original_view), "", -1);
  hd_stack_window_show_error (stack_window, NULL);
  hd_stack_window_show_page (stack_window, TRUE, subject_of (message->subject));

  *row = message->row;
  hd_store_run_async (hd_stack_window_get_store (stack_window), original_job, row, g_free, g_free,
                      self->original_cancellable, original_done, g_object_ref (self));
}

/* Deciding */

typedef struct {
  gint64 row;
  gint64 ticket;   /* 0: a new ticket */
} Decision;

static gpointer
file_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Decision *d = data;
  HdMailFiling filing;
  g_autofree char *number = NULL;

  if (!hd_mail_file_by_hand (store, d->row, d->ticket, &filing, error))
    return NULL;
  number = hd_format_number (filing.ticket);
  hd_mail_filing_clear (&filing);
  return d->ticket == 0 ? g_strdup_printf (_("Filed as ticket %s"), number)
                        : g_strdup_printf (_("Added to ticket %s"), number);
}

static gpointer
dismiss_job (HdStore  *store,
             gpointer  data,
             GError  **error)
{
  if (!hd_store_dismiss_not_filed (store, *(gint64 *) data, error))
    return NULL;
  return g_strdup (_("Message dismissed"));
}

static void
decide (HdMailWindow *self,
        gint64        ticket)
{
  Decision *d = g_new0 (Decision, 1);

  d->row = self->showing->row;
  d->ticket = ticket;
  hd_stack_window_run_change (HD_STACK_WINDOW (self), file_job, d, g_free);
}

static void
file_new_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HdMailWindow *self = HD_MAIL_WINDOW (widget);

  if (self->showing != NULL)
    decide (self, 0);
}

static void
add_to_ticket_cb (HdMailWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->ticket_row));
  g_autofree char *digits = NULL;
  guint64 number = 0;

  if (self->showing == NULL)
    return;
  /* "12" or "#12", as tickets are written. */
  digits = g_strstrip (g_strdup (text + strspn (text, " #")));
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                             _("“%s” is not a ticket number."), text);

      hd_stack_window_show_error (HD_STACK_WINDOW (self), error);
      return;
    }
  decide (self, (gint64) number);
}

static void
dismiss_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HdMailWindow *self = HD_MAIL_WINDOW (widget);
  gint64 *row;

  if (self->showing == NULL)
    return;
  row = g_new (gint64, 1);
  *row = self->showing->row;
  hd_stack_window_run_change (HD_STACK_WINDOW (self), dismiss_job, row, g_free);
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
  g_autoptr(HdMailWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hd_store_run_finish (HD_STORE (source), result, &error) == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        hd_stack_window_toast (HD_STACK_WINDOW (self), error->message);
      return;
    }
  hd_stack_window_toast (HD_STACK_WINDOW (self), _("Queued again: it goes at the next send"));
  hd_stack_window_changed (HD_STACK_WINDOW (self));
  hd_stack_window_reload (HD_STACK_WINDOW (self));
}

static void
retry_clicked_cb (GtkButton    *button,
                  HdMailWindow *self)
{
  HdStackWindow *stack_window = HD_STACK_WINDOW (self);
  gint64 *outbox = g_memdup2 (g_object_get_data (G_OBJECT (button), "hd-outbox-id"),
                              sizeof (gint64));

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  hd_store_run_async (hd_stack_window_get_store (stack_window), retry_job, outbox, g_free, NULL,
                      hd_stack_window_get_cancellable (stack_window), retry_done,
                      g_object_ref (self));
}

/* GObject */

static void
hd_mail_window_dispose (GObject *object)
{
  HdMailWindow *self = HD_MAIL_WINDOW (object);

  g_cancellable_cancel (self->original_cancellable);
  g_clear_object (&self->original_cancellable);
  g_clear_pointer (&self->showing, hd_mail_not_filed_free);
  g_clear_pointer (&self->not_filed_about, g_free);

  G_OBJECT_CLASS (hd_mail_window_parent_class)->dispose (object);
}

static const char * const mail_tables[] = { "mail_messages", "mail_outbox", NULL };

static void
hd_mail_window_class_init (HdMailWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HdStackWindowClass *stack_window_class = HD_STACK_WINDOW_CLASS (klass);

  object_class->dispose = hd_mail_window_dispose;

  stack_window_class->load_job = load_job;
  stack_window_class->load_free = (GDestroyNotify) loaded_free;
  stack_window_class->loaded = loaded;
  stack_window_class->tables = mail_tables;
  stack_window_class->show_list = show_list;
  stack_window_class->show_form = show_form;

  hd_stack_window_class_set_template_from_resource (widget_class,
                                                    "/io/github/helpdesk/Helpdesk/hd-mail-window.ui",
                                                    "mail");
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, outbox_group);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, failed_list);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, not_filed_group);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, not_filed_list);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, from_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, subject_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, received_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, reason_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, ticket_row);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, original_view);
  gtk_widget_class_bind_template_child (widget_class, HdMailWindow, add_button);
  gtk_widget_class_bind_template_callback (widget_class, add_to_ticket_cb);

  gtk_widget_class_install_action (widget_class, "mail.file-new", NULL, file_new_activated);
  gtk_widget_class_install_action (widget_class, "mail.dismiss", NULL, dismiss_activated);
}

static void
hd_mail_window_init (HdMailWindow *self)
{
  GtkWidget *empty = adw_action_row_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->not_filed_about = g_strdup (adw_preferences_group_get_description (self->not_filed_group));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (empty),
                                 _("Every message received was filed"));
  gtk_widget_add_css_class (empty, "dim-label");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (empty), FALSE);
  gtk_list_box_set_placeholder (self->not_filed_list, empty);
  show_list (HD_STACK_WINDOW (self));
}

/**
 * hd_mail_window_new:
 * @store: a staff member's store, used only through jobs
 */
GtkWidget *
hd_mail_window_new (GtkWindow *parent,
                    HdStore   *store)
{
  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  return g_object_new (HD_TYPE_MAIL_WINDOW, "transient-for", parent, "store", store, NULL);
}
