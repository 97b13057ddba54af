/* hd-notifier.c
 *
 * Shows a person's alerts as desktop notifications with libnotify, which
 * talks to the notification server of the session (or, inside a Flatpak,
 * to the notification portal). The summary names the ticket, the body is
 * its title, escaped: servers may read the body as markup. Activating a
 * notification opens its ticket (the application's "show-ticket" action).
 *
 * A notification must stay referenced for its action to be heard; each is
 * kept until the server says it was closed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "hd-notifier.h"

struct _HdNotifier
{
  GObject       parent_instance;

  GApplication *application;   /* weak */
  GHashTable   *shown;         /* NotifyNotification → itself */
};

G_DEFINE_FINAL_TYPE (HdNotifier, hd_notifier, G_TYPE_OBJECT)

static void
hd_notifier_finalize (GObject *object)
{
  HdNotifier *self = HD_NOTIFIER (object);

  g_clear_weak_pointer (&self->application);
  g_hash_table_unref (self->shown);

  G_OBJECT_CLASS (hd_notifier_parent_class)->finalize (object);
}

static void
hd_notifier_class_init (HdNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hd_notifier_finalize;
}

static void
hd_notifier_init (HdNotifier *self)
{
  self->shown = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

HdNotifier *
hd_notifier_new (GApplication *application)
{
  HdNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);

  if (!notify_is_initted ())
    notify_init (_("Helpdesk"));

  self = g_object_new (HD_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  return self;
}

static void
closed_cb (NotifyNotification *notification,
           HdNotifier         *self)
{
  g_hash_table_remove (self->shown, notification);
}

typedef struct {
  HdNotifier *self;   /* weak */
  gint64      number;
} Open;

static void
open_free (gpointer data)
{
  Open *open = data;

  g_clear_weak_pointer (&open->self);
  g_free (open);
}

static void
open_ticket_cb (NotifyNotification *notification,
                char               *action,
                gpointer            data)
{
  Open *open = data;

  if (open->self != NULL && open->self->application != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (open->self->application), "show-ticket",
                                    g_variant_new_int64 (open->number));
}

static char *
summary_for (HdAlert *alert)
{
  gint64 number = hd_alert_get_ticket_number (alert);

  switch (hd_alert_get_kind (alert))
    {
    case HD_ALERT_ASSIGNED:
      if (hd_alert_get_actor_name (alert) != NULL)
        return g_strdup_printf (_("%s assigned ticket #%" G_GINT64_FORMAT " to you"),
                                hd_alert_get_actor_name (alert), number);
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " was assigned to you"), number);
    case HD_ALERT_SLA_WARNING:
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " is close to its deadline"), number);
    case HD_ALERT_SLA_BREACH:
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " missed its deadline"), number);
    case HD_ALERT_NEW_TICKET:
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " was filed"), number);
    default:
      return g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT), number);
    }
}

/**
 * hd_notifier_show:
 *
 * Shows @alert now.
 *
 * Returns: %FALSE if the notification server could not be reached
 */
gboolean
hd_notifier_show (HdNotifier  *self,
                  HdAlert     *alert,
                  GError     **error)
{
  NotifyNotification *notification;
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  Open *open;

  g_return_val_if_fail (HD_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (HD_IS_ALERT (alert), FALSE);

  summary = summary_for (alert);
  body = g_markup_escape_text (hd_alert_get_ticket_title (alert), -1);
  notification = notify_notification_new (summary, body, APPLICATION_ID);
  notify_notification_set_app_name (notification, _("Helpdesk"));
  notify_notification_set_category (notification, "im.received");
  notify_notification_set_hint (notification, "desktop-entry",
                                g_variant_new_string (APPLICATION_ID));
  notify_notification_set_urgency (notification,
                                   hd_alert_get_kind (alert) == HD_ALERT_SLA_BREACH
                                   ? NOTIFY_URGENCY_CRITICAL : NOTIFY_URGENCY_NORMAL);

  open = g_new0 (Open, 1);
  g_set_weak_pointer (&open->self, self);
  open->number = hd_alert_get_ticket_number (alert);
  notify_notification_add_action (notification, "default", _("Open Ticket"), open_ticket_cb,
                                  open, open_free);
  g_signal_connect_object (notification, "closed", G_CALLBACK (closed_cb), self, 0);

  if (!notify_notification_show (notification, error))
    {
      g_object_unref (notification);
      return FALSE;
    }

  g_hash_table_add (self->shown, notification);
  return TRUE;
}
