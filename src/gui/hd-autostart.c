/* hd-autostart.c
 *
 * On a desktop, starting at login is a desktop file in the user's
 * autostart folder ($XDG_CONFIG_HOME/autostart, the XDG Autostart
 * specification). A Flatpak cannot write there: the Background portal
 * writes it for the sandbox on request, after asking the person if the
 * desktop wants to. The portal is asked directly over D-Bus: one method
 * call and the Response signal of the request it returns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hd-autostart.h"

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_REQUEST     "org.freedesktop.portal.Request"

/* The desktop file */

static gboolean
write_desktop_file (gboolean   enabled,
                    GError   **error)
{
  g_autofree char *path = hd_autostart_dup_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;

  if (!enabled)
    {
      if (g_unlink (path) == 0 || errno == ENOENT)
        return TRUE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("%s could not be removed: %s"), path, g_strerror (errno));
      return FALSE;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("%s could not be created: %s"), dir, g_strerror (errno));
      return FALSE;
    }

  contents = g_strdup_printf ("[Desktop Entry]\n"
                              "Type=Application\n"
                              "Name=Helpdesk\n"
                              "Comment=Notifications about your tickets, and the helpdesk's mail\n"
                              "Exec=" HD_AUTOSTART_COMMAND "\n"
                              "Icon=%s\n"
                              "NoDisplay=true\n"
                              "X-GNOME-Autostart-enabled=true\n",
                              APPLICATION_ID);
  return g_file_set_contents (path, contents, -1, error);
}

/* The Background portal */

typedef struct {
  GDBusConnection *bus;
  guint            response_id;
  gboolean         enabled;
} Request;

static void
request_free (Request *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_clear_object (&request->bus);
  g_free (request);
}

/* The person (or the desktop) decided. The task's reference was the
 * subscription's. */
static void
response_cb (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         data)
{
  g_autoptr(GTask) task = data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  gboolean autostart = FALSE;
  guint32 response;

  g_dbus_connection_signal_unsubscribe (bus, request->response_id);
  request->response_id = 0;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "autostart", "b", &autostart);
  if (response == 0 && autostart == request->enabled)
    g_task_return_boolean (task, TRUE);
  else if (response == 0 || response == 1)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             _("Your desktop did not allow Helpdesk to start at login"));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("Your desktop could not change what starts at login"));
}

static void
requested_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  Request *request = g_task_get_task_data (task);

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL)
    return;

  /* No answer will come: drop the subscription and its reference. */
  g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  request->response_id = 0;
  g_object_unref (task);
  g_dbus_error_strip_remote_error (error);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The background portal could not be asked: %s"), error->message);
}

/* The request's object path is known before the call (handle_token): listen
 * first, or a quick answer is missed. */
static char *
request_path (GDBusConnection *bus,
              const char      *token)
{
  g_autofree char *sender = g_strdup (g_dbus_connection_get_unique_name (bus) + 1);

  g_strdelimit (sender, ".", '_');
  return g_strconcat (PORTAL_OBJECT_PATH "/request/", sender, "/", token, NULL);
}

static void
ask_portal (GTask    *task,
            gboolean  enabled)
{
  const char *commandline[] = { "helpdesk", "--background", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *token = g_strdup_printf ("helpdesk%u", g_random_int ());
  g_autofree char *path = NULL;
  Request *request = g_new0 (Request, 1);
  GVariantBuilder options;

  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request->enabled = enabled;
  request->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (request->bus == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  path = request_path (request->bus, token);
  request->response_id =
    g_dbus_connection_signal_subscribe (request->bus, PORTAL_BUS_NAME, PORTAL_REQUEST, "Response",
                                        path, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        response_cb, g_object_ref (task), NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Show notifications about your tickets and fetch the helpdesk’s mail")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_dbus_connection_call (request->bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                          requested_cb, g_object_ref (task));
}

/* Public API */

/**
 * hd_autostart_uses_portal:
 *
 * Returns: whether starting at login goes through the Background portal:
 *   inside a Flatpak
 */
gboolean
hd_autostart_uses_portal (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * hd_autostart_dup_path:
 *
 * Returns: the desktop file that starts Helpdesk at login, outside a
 *   Flatpak
 */
char *
hd_autostart_dup_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APPLICATION_ID ".desktop",
                           NULL);
}

/**
 * hd_autostart_set_async:
 * @enabled: whether Helpdesk should start at login, in the background
 *
 * Writes or removes the autostart desktop file, or asks the Background
 * portal, which may ask the person first.
 */
void
hd_autostart_set_async (gboolean             enabled,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, hd_autostart_set_async);

  if (hd_autostart_uses_portal ())
    ask_portal (task, enabled);
  else if (write_desktop_file (enabled, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

gboolean
hd_autostart_set_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
