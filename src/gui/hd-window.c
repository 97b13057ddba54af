/* hd-window.c — the main window
 *
 * The window owns one session with an open helpdesk file: a store that it
 * uses only through jobs on a worker thread, a lazy ticket list with its own
 * connection, and a monitor that notices every change to the file from
 * anywhere. The thread that draws never waits on the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-article-editor.h"
#include "hd-article-view.h"
#include "hd-assign-menu.h"
#include "hd-bench-marks.h"
#include "hd-kb-categories-window.h"
#include "hd-kb-list-view.h"
#include "hd-location.h"
#include "hd-new-ticket-dialog.h"
#include "hd-mail-fetcher.h"
#include "hd-mail-window.h"
#include "hd-people-window.h"
#include "hd-sidebar.h"
#include "hd-sla-window.h"
#include "hd-stack-window.h"
#include "hd-store-async.h"
#include "hd-store-monitor.h"
#include "hd-ticket-list-view.h"
#include "hd-ticket-view.h"
#include "hd-welcome-page.h"
#include "hd-window.h"

#define MAX_RECENT 8

struct _HdWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  HdWelcomePage        *welcome;
  AdwStatusPage        *loading_page;
  GtkSpinner           *loading_spinner;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_pane;
  GtkWidget            *list_pane;
  GtkWidget            *detail_pane;
  AdwWindowTitle       *helpdesk_title;
  AdwWindowTitle       *view_title;
  HdSidebar            *sidebar;
  GtkMenuButton        *assign_button;
  GtkRevealer          *trouble_revealer;
  GtkWidget            *mail_status_button;
  GtkLabel             *mail_status_label;
  HdMailFetcher        *fetcher;         /* staff: fetches and sends the mail */
  gboolean              own_fetcher;     /* no application shares it */
  HdWorkload           *workload;        /* what the assign menus show */
  char                 *fetch_trouble;   /* what the last run on the clock said went wrong */
  GtkLabel             *trouble_label;
  GtkWidget            *trouble_button;
  GtkWidget            *recover_button;
  HdTicketListView     *list_view;
  HdTicketView         *ticket_view;
  GtkStack             *list_header_stack;
  GtkStack             *list_stack;
  GtkStack             *detail_stack;
  AdwWindowTitle       *kb_title;
  GtkWidget            *new_article_button;
  HdKbListView         *kb_list_view;
  HdArticleView        *article_view;

  /* owned */
  GSettings            *settings;
  GCancellable         *cancellable;    /* the session's work */
  HdStore              *store;
  HdPerson             *me;
  HdTicketList         *list;
  HdStoreMonitor       *monitor;
  HdDrafts             *drafts;
  AdwToast             *message_toast;  /* weak */
  char                 *opening;        /* the file opened last */
  char                 *location_warning; /* where the file lives passes no locks */
  char                 *reopen_message; /* the toast once the file is open again */
  gboolean              switching;      /* the locking method, from this window */
  gboolean              trouble;        /* the monitor failed since the session began */
  gboolean              counting;       /* the views' counts are being read */
  gboolean              mail_counting;  /* the mail summary is being read */
  gboolean              mail_count_again;
  gboolean              count_again;    /* and are to be read once more after that */
  gint64                pending_ticket; /* to show once the helpdesk opening now is open */
  HdView                ticket_view_kind; /* the tickets' view last chosen, to go back to */
  GtkFileChooserNative *chooser;

  guint                 maintain_source;
  HdIdleGate           *idle_gate;      /* the session's background work waits here */
  gboolean              gate_held;      /* by the list's loading */
  gboolean              maintaining;
  guint                 damage_watch;
  char                 *damage;         /* what was found, once the open file is known damaged */
  guint                 alert_source;
  guint                 retry_source;  /* opening a file another desk holds */
  GtkWidget            *stop_waiting_button;
  gboolean              first_run;   /* the default file may not exist yet */
};

G_DEFINE_FINAL_TYPE (HdWindow, hd_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast (HdWindow   *self,
       const char *message)
{
  /* A toast's title is markup; messages may quote what people typed. */
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

/* The list and detail panes show tickets, or the knowledge base when the
 * sidebar's Knowledge Base row is chosen. */
static void
show_pages (HdWindow *self)
{
  const char *page = hd_sidebar_get_view (self->sidebar) == HD_VIEW_KNOWLEDGE_BASE ? "kb"
                                                                                  : "tickets";

  gtk_stack_set_visible_child_name (self->list_header_stack, page);
  gtk_stack_set_visible_child_name (self->list_stack, page);
  gtk_stack_set_visible_child_name (self->detail_stack, page);
}

static void
show_detail (HdWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);
}

/* Filtering and counting */

static void
apply_filter (HdWindow *self)
{
  HdTicketFilter filter;
  HdPerson *member = NULL;
  g_autofree char *member_empty = NULL;
  HdView view;

  /* No session, or the window is being torn down. */
  if (self->list == NULL)
    return;

  view = hd_sidebar_get_view (self->sidebar);
  if (view == HD_VIEW_KNOWLEDGE_BASE)
    return;
  if (view == HD_VIEW_MEMBER && (member = hd_sidebar_get_member (self->sidebar)) != NULL)
    {
      /* One of the team: what they have on their desk. */
      hd_view_get_filter (HD_VIEW_MINE, member, &filter);
      member_empty = g_strdup_printf (_("Nothing is assigned to %s right now."),
                                      hd_person_get_name (member));
    }
  else
    {
      view = view == HD_VIEW_MEMBER ? HD_VIEW_OPEN : view;
      hd_view_get_filter (view, self->me, &filter);
    }
  filter.search = hd_ticket_list_view_get_search (self->list_view);
  filter.sort = hd_ticket_list_view_get_sort (self->list_view, &filter.descending);
  hd_ticket_list_set_filter (self->list, &filter);

  adw_window_title_set_title (self->view_title, member != NULL ? hd_person_get_name (member)
                                                               : hd_view_get_title (view));
  if (filter.search != NULL && filter.search[0] != '\0')
    hd_ticket_list_view_set_empty_text (self->list_view, _("No Matching Tickets"),
                                        _("Try other words, or another view."));
  else
    hd_ticket_list_view_set_empty_text (self->list_view, _("No Tickets"),
                                        member_empty != NULL ? member_empty
                                                             : hd_view_get_empty_text (view));
}

/* The views' counts are read by the list, on a thread and connection that
 * read nothing else, so they never hold up the rows on screen nor wait for
 * a long read of the list's. One count runs at a time; changes while it
 * runs make one more afterwards. */
static void refresh_counts (HdWindow *self);

static void
count_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counts = hd_ticket_list_count_finish (HD_TICKET_LIST (source), result,
                                                          &error);

  /* The session ended meanwhile. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->counting = FALSE;
  hd_bench_marks_event ("counted");
  /* A failed count keeps the old numbers; the monitor reports the trouble. */
  for (HdView view = 0; counts != NULL && view < HD_N_VIEWS; view++)
    hd_sidebar_set_count (self->sidebar, view, g_array_index (counts, guint, view));

  if (self->count_again)
    refresh_counts (self);
}

static void
refresh_counts (HdWindow *self)
{
  HdTicketFilter filters[HD_N_VIEWS];

  if (self->counting)
    {
      self->count_again = TRUE;
      return;
    }

  for (HdView view = 0; view < HD_N_VIEWS; view++)
    hd_view_get_filter (view, self->me, &filters[view]);

  self->counting = TRUE;
  self->count_again = FALSE;
  hd_ticket_list_count_async (self->list, filters, HD_N_VIEWS, self->cancellable, count_done,
                              g_object_ref (self));
}

/* The mail that needs someone: messages waiting to be sent, failed, not
 * filed. Staff see it under the views, and it opens the Mail window; read
 * by a store job when the window opens and whenever the outbox or the
 * stored messages change. */
static void refresh_mail_status (HdWindow *self);

static gpointer
mail_summary_job (HdStore  *store,
                  gpointer  data,
                  GError  **error)
{
  HdMailSummary *summary = g_new0 (HdMailSummary, 1);

  if (!hd_store_get_mail_summary (store, summary, error))
    g_clear_pointer (&summary, g_free);
  return summary;
}

static char *
mail_status_text (const HdMailSummary *summary)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (summary->waiting > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%d message waiting to be sent",
                                                          "%d messages waiting to be sent",
                                                          summary->waiting),
                                             summary->waiting));
  if (summary->failed > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%d message could not be sent",
                                                          "%d messages could not be sent",
                                                          summary->failed),
                                             summary->failed));
  if (summary->not_filed > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%d message not filed",
                                                          "%d messages not filed",
                                                          summary->not_filed),
                                             summary->not_filed));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("\n", (char **) parts->pdata);
}

static void
mail_summary_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree HdMailSummary *summary = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->mail_counting = FALSE;
  /* A failed read keeps what was shown; the monitor reports the trouble. */
  if (summary != NULL)
    {
      text = mail_status_text (summary);
      gtk_label_set_text (self->mail_status_label, text);
      gtk_widget_set_tooltip_text (self->mail_status_button, text);
      gtk_widget_set_visible (self->mail_status_button, text[0] != '\0');
      gtk_widget_remove_css_class (GTK_WIDGET (self->mail_status_label), "warning");
      if (summary->failed > 0)
        gtk_widget_add_css_class (GTK_WIDGET (self->mail_status_label), "warning");
    }
  if (self->mail_count_again)
    refresh_mail_status (self);
}

static void
refresh_mail_status (HdWindow *self)
{
  if (self->store == NULL || !hd_person_is_staff (self->me))
    {
      gtk_widget_set_visible (self->mail_status_button, FALSE);
      return;
    }
  if (self->mail_counting)
    {
      self->mail_count_again = TRUE;
      return;
    }

  self->mail_counting = TRUE;
  self->mail_count_again = FALSE;
  hd_store_run_async (self->store, mail_summary_job, NULL, NULL, g_free, self->cancellable,
                      mail_summary_done, g_object_ref (self));
}

static void
follow_mail (HdWindow  *self,
             GPtrArray *changes)
{
  for (guint i = 0; i < changes->len; i++)
    {
      HdChange *change = g_ptr_array_index (changes, i);

      if (g_str_equal (change->table, "mail_outbox") ||
          g_str_equal (change->table, "mail_messages"))
        {
          refresh_mail_status (self);
          hd_ticket_view_reload (self->ticket_view);
          return;
        }
    }
}

/* Fetching: a staff member's window fetches and sends the helpdesk's mail
 * on a thread of its own (hd-mail-fetcher.c), through the application's
 * fetcher of the file. A run asked for (Fetch Now) says what it did; a run
 * on the clock speaks only of new trouble, once. */
static void
fetch_finished_cb (HdWindow   *self,
                   gboolean    ok,
                   const char *text,
                   gpointer    fetcher)
{
  hd_bench_marks_event ("fetched");
  if (ok && text == NULL)
    {
      g_clear_pointer (&self->fetch_trouble, g_free);
      return;
    }
  if (text == NULL || (!ok && g_strcmp0 (text, self->fetch_trouble) == 0))
    return;
  if (!ok)
    {
      g_free (self->fetch_trouble);
      self->fetch_trouble = g_strdup (text);
    }
  toast (self, text);
}

static HdApplication *get_application (HdWindow *self);

/* The application's fetcher of this file, shared with its other windows
 * and with the background (hd-application.c). */
static void
start_fetching (HdWindow *self,
                HdStore  *store)
{
  HdApplication *app = get_application (self);
  const char *path = hd_store_get_path (store);
  const char *login = hd_person_get_login (self->me);

  if (!hd_person_is_staff (self->me) || !hd_store_can_write (store))
    return;
  self->own_fetcher = app == NULL;
  self->fetcher = app != NULL ? hd_application_dup_fetcher (app, path, login)
                              : hd_mail_fetcher_new (path, login);
  g_signal_connect_object (self->fetcher, "finished", G_CALLBACK (fetch_finished_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.fetch-now", TRUE);
}

static void
stop_fetching (HdWindow *self)
{
  if (self->fetcher != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->fetcher, self);
      /* Closing, the window is no longer its application's: whether it
       * shared the fetcher was noted when it took it. */
      if (self->own_fetcher)
        hd_mail_fetcher_stop (self->fetcher);
    }
  g_clear_object (&self->fetcher);
  g_clear_pointer (&self->fetch_trouble, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.fetch-now", FALSE);
}

static void
fetch_now_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);

  if (self->fetcher != NULL)
    hd_mail_fetcher_fetch_now (self->fetcher);
}

/* Assigning from the list */

static gpointer
workload_job (HdStore  *store,
              gpointer  data,
              GError  **error)
{
  return hd_workload_load (store, error);
}

static void
workload_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(HdWorkload) workload = hd_store_run_finish (HD_STORE (source), result, NULL);
  g_autoptr(GMenu) menu = NULL;

  /* Mail filed by the hundred changes the file many times a second and
   * the team's load seldom: the menus are rebuilt only when it did. */
  if (workload == NULL || hd_workload_equal (workload, self->workload))
    return;

  g_clear_pointer (&self->workload, hd_workload_free);
  self->workload = g_steal_pointer (&workload);
  menu = hd_assign_menu_new (self->workload, "win.assign-selected");
  gtk_menu_button_set_menu_model (self->assign_button, G_MENU_MODEL (menu));
  hd_ticket_list_view_set_context_menu (self->list_view, G_MENU_MODEL (menu));
  hd_sidebar_set_team (self->sidebar, self->workload);
}

static void
refresh_workload (HdWindow *self)
{
  if (!hd_person_is_staff (self->me))
    return;

  hd_store_run_async (self->store, workload_job, NULL, NULL,
                      (GDestroyNotify) hd_workload_free, self->cancellable, workload_done,
                      g_object_ref (self));
}

typedef struct {
  gint64  number;
  gint64  version;
  char   *login;
} Assignment;

static void
assignment_free (Assignment *a)
{
  g_free (a->login);
  g_free (a);
}

static gpointer
assign_job (HdStore  *store,
            gpointer  data,
            GError  **error)
{
  Assignment *a = data;

  return hd_store_assign_ticket (store, a->number, a->version, a->login, error);
}

static void
assign_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdTicket) ticket = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autofree char *text = NULL;

  if (ticket == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  if (hd_ticket_get_assignee (ticket) != NULL)
    text = g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " assigned to %s"),
                            hd_ticket_get_number (ticket), hd_ticket_get_assignee_name (ticket));
  else
    text = g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " unassigned"),
                            hd_ticket_get_number (ticket));
  toast (self, text);
  hd_store_monitor_poll_now (self->monitor);
}

/* A ticket dragged from the list onto one of the team. The drag carries
 * only the number, so the assignment applies to the ticket as the file
 * holds it; the toast says what happened, with the name. */
static void
assign_dropped_cb (HdWindow   *self,
                   gint64      number,
                   const char *login)
{
  Assignment *a;

  if (self->store == NULL)
    return;

  a = g_new0 (Assignment, 1);
  a->number = number;
  a->login = g_strdup (login);
  hd_store_run_async (self->store, assign_job, a, (GDestroyNotify) assignment_free,
                      g_object_unref, self->cancellable, assign_done, g_object_ref (self));
}

/* Assigns the selected row as the list shows it: if the ticket changed
 * since the list read it, the change is refused, not applied blindly. */
static void
assign_selected_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  g_autoptr(HdTicket) ticket = hd_ticket_list_view_dup_selected_ticket (self->list_view);
  const char *login = g_variant_get_string (parameter, NULL);
  Assignment *a;

  if (ticket == NULL || self->store == NULL)
    return;

  a = g_new0 (Assignment, 1);
  a->number = hd_ticket_get_number (ticket);
  a->version = hd_ticket_get_version (ticket);
  a->login = login[0] != '\0' ? g_strdup (login) : NULL;
  hd_store_run_async (self->store, assign_job, a, (GDestroyNotify) assignment_free,
                      g_object_unref, self->cancellable, assign_done, g_object_ref (self));
}

/* Keeping the file checked and backed up
 *
 * A file is opened without reading it whole (hd-store-verify.c). Once the
 * window is idle — its first rows shown, no rows being fetched, nobody at
 * the keys or the mouse for QUIET_MS — a thread of its own copies the file
 * in short steps and checks the copy (hd_store_maintain()): a backup at
 * least every 12 hours, and a check whenever the file changed since this
 * desk last found it sound. Whenever the window gets busy again the copy
 * waits between steps, so it never competes with rows someone waits for,
 * and other desks commit between steps. The thread has its own connection:
 * the session's store stays free for the person's work. */

#define QUIET_MS 5000

/* How often the window looks whether a backup or a check is due: a copy
 * given up on because other desks kept changing the file is tried again
 * then, and looking costs a stat and a read of the header. */
#define MAINTAIN_EVERY_SECONDS (10 * 60)

/* Tests wait less: $HELPDESK_IDLE_MS, 1 to 600 000. */
static guint
quiet_ms (void)
{
  const char *env = g_getenv ("HELPDESK_IDLE_MS");
  guint64 ms = QUIET_MS;

  if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 1, 600000, &ms, NULL))
    ms = QUIET_MS;
  return (guint) ms;
}

typedef struct {
  char       *path;
  char       *login;
  HdIdleGate *gate;
} Maintenance;

static void
maintenance_free (Maintenance *m)
{
  g_free (m->path);
  g_free (m->login);
  hd_idle_gate_unref (m->gate);
  g_free (m);
}

static gpointer
maintain_thread (gpointer data)
{
  g_autoptr(GTask) task = data;
  Maintenance *m = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(HdStore) store = NULL;
  char *written = NULL;
  GError *error = NULL;

  /* Nothing before the window is idle, not even opening the file. */
  if (!hd_idle_gate_wait (m->gate, cancellable))
    {
      g_task_return_error_if_cancelled (task);
      return NULL;
    }

  store = hd_store_open (m->path, m->login, &error);
  if (store == NULL || !hd_store_maintain (store, m->gate, cancellable, &written, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, written != NULL ? written : g_strdup (""), g_free);
  return NULL;
}

static void show_damage     (HdWindow   *self,
                             const char *message);
static void damage_found_cb (const char *path,
                             const char *message,
                             gpointer    data);

static void
maintain_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->maintaining = FALSE;
  /* A file that kept changing is copied at the next try. */
  if (written != NULL || g_error_matches (error, HD_ERROR, HD_ERROR_BUSY))
    return;

  /* Damage stays until someone acts on it: a banner, not a toast that
   * goes by. */
  if (g_error_matches (error, HD_ERROR, HD_ERROR_CORRUPT))
    show_damage (self, error->message);
  else
    {
      g_autofree char *text = g_strdup_printf (_("The automatic backup failed: %s"),
                                               error->message);

      toast (self, text);
    }
}

static void
maintain_when_idle (HdWindow *self)
{
  g_autoptr(GTask) task = NULL;
  Maintenance *m;

  if (self->maintaining || self->store == NULL || self->damage != NULL)
    return;

  m = g_new0 (Maintenance, 1);
  m->path = g_strdup (hd_store_get_path (self->store));
  m->login = g_strdup (hd_person_get_login (self->me));
  m->gate = hd_idle_gate_ref (self->idle_gate);
  task = g_task_new (NULL, self->cancellable, maintain_done, g_object_ref (self));
  g_task_set_source_tag (task, maintain_when_idle);
  g_task_set_task_data (task, m, (GDestroyNotify) maintenance_free);
  self->maintaining = TRUE;
  g_thread_unref (g_thread_new ("hd-maintain", maintain_thread, g_steal_pointer (&task)));
}

static gboolean
maintain_tick_cb (gpointer data)
{
  maintain_when_idle (data);
  return G_SOURCE_CONTINUE;
}

/* The list is fetching rows: the window is busy. */
static void
list_loading_cb (HdWindow *self)
{
  gboolean loading = self->list != NULL && hd_ticket_list_is_loading (self->list);

  if (loading == self->gate_held || self->idle_gate == NULL)
    return;

  self->gate_held = loading;
  if (loading)
    hd_idle_gate_hold (self->idle_gate);
  else
    hd_idle_gate_release (self->idle_gate);
}

/* Someone pressed a key, clicked, scrolled or touched. */
static gboolean
input_cb (HdWindow *self,
          GdkEvent *event)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
      if (self->idle_gate != NULL)
        hd_idle_gate_touch (self->idle_gate);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

#define READ_ONLY_TEXT N_("This helpdesk can only be read here: you may not write the file or its folder. Ask for write access to both.")
#define WRONG_LOCKING_TEXT N_("Nothing can be changed here: this helpdesk is locked with POSIX locks, which may not reach the other computers that share it, so two desks could overwrite each other’s work. Dot-file locking works here.")
#define ASK_DISPATCHER_TEXT N_("Ask the dispatcher to switch it to dot-file locking.")

/* What stays wrong with the open file while it is open: it cannot be
 * written; it is locked in a way that does not reach the other desks
 * (the dispatcher is offered the switch); it lives where no locks pass
 * between computers. @detail, when set, follows: why a switch failed. */
static void
show_file_trouble (HdWindow   *self,
                   const char *detail)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean read_only = hd_store_is_read_only (self->store);
  gboolean unsafe = hd_store_is_locking_unsafe (self->store);
  gboolean dispatcher = hd_person_get_role (self->me) == HD_ROLE_DISPATCHER;

  if (read_only)
    g_string_append (text, _(READ_ONLY_TEXT));
  if (unsafe)
    g_string_append_printf (text, "%s%s%s%s", text->len > 0 ? "\n" : "", _(WRONG_LOCKING_TEXT),
                            dispatcher ? "" : " ", dispatcher ? "" : _(ASK_DISPATCHER_TEXT));
  if (self->location_warning != NULL)
    g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", self->location_warning);
  if (self->damage != NULL)
    g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", self->damage);
  /* What just happened stands apart, next to the button. */
  if (detail != NULL)
    g_string_append_printf (text, "%s%s", text->len > 0 ? "\n\n" : "", detail);

  gtk_widget_set_visible (self->trouble_button,
                          unsafe && dispatcher && !read_only && self->damage == NULL);
  gtk_widget_set_visible (self->recover_button, self->damage != NULL);
  gtk_label_set_text (self->trouble_label, text->str);
  gtk_revealer_set_reveal_child (self->trouble_revealer, text->len > 0);
}

/* Where the file lives: some places pass no locks between computers at
 * all. A method that does not suit the place, the store knows itself. */

static gpointer
location_job (HdStore  *store,
              gpointer  data,
              GError  **error)
{
  g_autoptr(HdLocation) location = hd_location_detect (hd_store_get_path (store), error);

  if (location == NULL)
    return NULL;

  if (hd_location_is_unsafe (location->kind))
    return g_strdup (hd_location_explain (location->kind));

  return g_strdup ("");
}

static void
location_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autofree char *warning = hd_store_run_finish (HD_STORE (source), result, NULL);

  if (warning == NULL || warning[0] == '\0' || self->store == NULL)
    return;

  g_free (self->location_warning);
  self->location_warning = g_steal_pointer (&warning);
  show_file_trouble (self, NULL);
}

static void
check_location (HdWindow *self)
{
  hd_store_run_async (self->store, location_job, NULL, NULL, g_free, self->cancellable,
                      location_done, g_object_ref (self));
}

/* Switching to dot-file locking (the dispatcher): every desk opens the
 * file again, this window too. */

static void reopen (HdWindow   *self,
                    const char *message);

static gpointer
switch_locking_job (HdStore  *store,
                    gpointer  data,
                    GError  **error)
{
  return hd_store_set_locking (store, HD_LOCKING_DOTFILE, error) ? store : NULL;
}

static void
switch_locking_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Still switching until the file is open again (end_session()): the
   * monitor's report of the switch is ours. */
  if (hd_store_run_finish (HD_STORE (source), result, &error) == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->store == NULL)
        return;
      self->switching = FALSE;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.switch-locking", TRUE);
      show_file_trouble (self, error->message);
      return;
    }

  reopen (self, _("Switched to dot-file locking: changes can be saved again"));
}

static void
switch_locking_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);

  if (self->store == NULL || self->switching)
    return;

  self->switching = TRUE;
  gtk_widget_action_set_enabled (widget, "win.switch-locking", FALSE);
  hd_store_run_async (self->store, switch_locking_job, NULL, NULL, NULL, self->cancellable,
                      switch_locking_done, g_object_ref (self));
}

/* Restoring from a backup (the dispatcher) */

static gpointer
restore_job (HdStore  *store,
             gpointer  backup,
             GError  **error)
{
  char *safety = NULL;

  if (!hd_store_restore (store, backup, &safety, error))
    return NULL;

  return safety;
}

/* A restore in flight: the window, and the backup it restores. */
typedef struct {
  HdWindow *window;
  char     *backup;
} Restoring;

static void
restoring_free (Restoring *r)
{
  g_object_unref (r->window);
  g_free (r->backup);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Restoring, restoring_free)

static void recover_from_backup (HdWindow   *self,
                                 const char *path,
                                 const char *backup);

static void
restore_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Restoring) r = user_data;
  HdWindow *self = r->window;
  g_autoptr(GError) error = NULL;
  g_autofree char *safety = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autofree char *text = NULL;

  /* Damaged since it was opened, the file cannot be saved among the
   * backups first: it is replaced the way a damaged file is, and kept
   * beside itself instead. */
  if (g_error_matches (error, HD_ERROR, HD_ERROR_CORRUPT) && self->store != NULL)
    {
      g_autofree char *path = g_strdup (hd_store_get_path (self->store));

      recover_from_backup (self, path, r->backup);
      return;
    }

  if (safety == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  text = g_strdup_printf (_("Restored. What the helpdesk held before is saved as %s"), safety);
  toast (self, text);
  hd_ticket_view_show (self->ticket_view, 0);
  hd_store_monitor_poll_now (self->monitor);
  hd_ticket_list_reload (self->list);
  refresh_counts (self);
}

static void
restore_confirmed_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      HdWindow         *self)
{
  const char *backup = g_object_get_data (G_OBJECT (dialog), "hd-backup");
  Restoring *r;

  if (g_strcmp0 (response, "restore") != 0 || self->store == NULL)
    return;

  r = g_new0 (Restoring, 1);
  r->window = g_object_ref (self);
  r->backup = g_strdup (backup);
  hd_store_run_async (self->store, restore_job, g_strdup (backup), g_free, g_free,
                      self->cancellable, restore_done, r);
}

/**
 * hd_window_restore:
 * @backup: a backup of the open helpdesk
 *
 * Asks the dispatcher to confirm, then restores @backup into the open file.
 * Everyone keeps the file open meanwhile: the backup's pages are copied into
 * it under its lock, so every desk then reads them. A file damaged since it
 * was opened cannot be saved among the backups first; it is replaced by
 * @backup as a damaged file is (hd_store_recover()), and kept beside it.
 */
void
hd_window_restore (HdWindow   *self,
                   const char *backup)
{
  g_autofree char *name = g_path_get_basename (backup);
  GtkWidget *dialog;

  g_return_if_fail (HD_IS_WINDOW (self));
  g_return_if_fail (backup != NULL);

  if (self->store == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Restore This Backup?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Everything in “%s” will be replaced by the backup “%s”, for every desk. What the helpdesk holds now is saved first, so this can be undone."),
                                  hd_store_get_name (self->store), name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hd-backup", g_strdup (backup), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (restore_confirmed_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
restore_chosen_cb (HdWindow             *self,
                   int                   response,
                   GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        hd_window_restore (self, path);
    }

  g_clear_object (&self->chooser);
}

static void
restore_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  g_autofree char *dir = NULL;
  g_autoptr(GFile) folder = NULL;

  if (self->store == NULL)
    return;

  dir = hd_store_default_backup_dir (hd_store_get_path (self->store));
  folder = g_file_new_for_path (dir);
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose a Backup to Restore"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"), _("_Cancel"));
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (restore_chosen_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Alerts are the application's (HdAlertWatcher): it watches the file this
 * window has open, and goes on after the window closed when Helpdesk runs
 * in the background. The window tells it which file; its own monitor sees
 * every change. */

static HdApplication *
get_application (HdWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  return HD_IS_APPLICATION (application) ? HD_APPLICATION (application) : NULL;
}

static void
watch_alerts (HdWindow *self)
{
  if (get_application (self) != NULL)
    hd_application_watch (get_application (self), hd_store_get_path (self->store),
                          hd_person_get_login (self->me));
}

/* The helpdesk is closed here, before the session's store goes. (A window
 * that closes is no longer its application's by then: the application
 * hears of that itself.) */
static void
unwatch_alerts (HdWindow *self)
{
  if (self->store != NULL && get_application (self) != NULL)
    hd_application_unwatch (get_application (self), GTK_WINDOW (self));
}


/* Deadlines come with time alone: the at-risk count and view follow. */
static gboolean
deadline_tick_cb (gpointer data)
{
  HdWindow *self = data;

  refresh_counts (self);
  if (hd_sidebar_get_view (self->sidebar) == HD_VIEW_AT_RISK)
    apply_filter (self);
  return G_SOURCE_CONTINUE;
}

/* The file changed (here, on another desktop, or through helpdesk-cli) */

/* The list reads its rows of the tickets that changed again; a change to
 * anything else (a person's name, the deadlines of every ticket) may show
 * in any row. */
static void
reload_list (HdWindow  *self,
             GPtrArray *changes)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < changes->len; i++)
    {
      HdChange *change = g_ptr_array_index (changes, i);

      if (g_str_equal (change->table, "tickets"))
        g_array_append_val (numbers, change->row);
      /* A person renamed shows on every row of theirs; a person new (a
       * requester whose first mail was just filed) on none but the new
       * tickets, which are changes of their own. */
      else if ((g_str_equal (change->table, "people") &&
                g_strcmp0 (change->kind, "created") != 0) ||
               g_str_equal (change->table, "settings"))
        {
          hd_ticket_list_reload (self->list);
          return;
        }
    }

  if (numbers->len > 0)
    hd_ticket_list_reload_tickets (self->list, (const gint64 *) numbers->data, numbers->len);
}

static void
monitor_changed_cb (HdWindow  *self,
                    GPtrArray *changes)
{
  gint64 shown = hd_ticket_view_get_number (self->ticket_view);
  gint64 article = hd_article_view_get_id (self->article_view);
  gboolean ticket_changed = FALSE, kb_changed = FALSE, article_changed = FALSE;

  hd_bench_marks_event ("heard");
  reload_list (self, changes);
  follow_mail (self, changes);
  refresh_counts (self);
  refresh_workload (self);

  for (guint i = 0; i < changes->len; i++)
    {
      HdChange *change = g_ptr_array_index (changes, i);

      /* A new calendar or SLA policy moves every deadline, the one shown
       * too. */
      if ((g_str_equal (change->table, "tickets") && change->row == shown) ||
          g_str_equal (change->table, "settings"))
        ticket_changed = TRUE;
      else if (g_str_equal (change->table, "kb_articles") ||
               g_str_equal (change->table, "kb_categories"))
        {
          kb_changed = TRUE;
          article_changed |= g_str_equal (change->table, "kb_articles") && change->row == article;
        }
    }

  if (ticket_changed)
    hd_ticket_view_reload (self->ticket_view);
  if (kb_changed)
    hd_kb_list_view_reload (self->kb_list_view);
  if (article_changed)
    hd_article_view_reload (self->article_view);

  /* The People, Service Levels and Categories windows opened from here. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

        if (HD_IS_STACK_WINDOW (window) &&
            gtk_window_get_transient_for (window) == GTK_WINDOW (self))
          hd_stack_window_follow (HD_STACK_WINDOW (window), changes);
      }
  }
}

static void
monitor_failed_cb (HdWindow *self,
                   GError   *error)
{
  g_autofree char *text = NULL;

  /* Writes with the old method are refused from now on: go on with the
   * new one. A switch made here reopens the file itself. */
  if (g_error_matches (error, HD_ERROR, HD_ERROR_LOCKING_CHANGED))
    {
      if (!self->switching)
        reopen (self, _("The dispatcher changed how this helpdesk is locked; Helpdesk opened it again"));
      return;
    }

  /* Trying again does not mend a damaged file: it has a bar of its own. */
  if (g_error_matches (error, HD_ERROR, HD_ERROR_CORRUPT))
    {
      show_damage (self, error->message);
      return;
    }

  text = g_strdup_printf (_("%s Helpdesk keeps trying; nothing you typed is lost."),
                          error->message);
  self->trouble = TRUE;
  gtk_label_set_text (self->trouble_label, text);
  gtk_revealer_set_reveal_child (self->trouble_revealer, TRUE);
}

/* The file is there again after a failure. If it is another file now (a
 * share mounted anew, the file put back from a copy), the session's store
 * still has the old one open and would refuse every write: open the path
 * again and go on where the person was. What they typed meanwhile is in
 * the drafts and comes back with the ticket. */

static void start_session      (HdWindow *self,
                                HdStore  *store);
static void ticket_selected_cb (HdWindow *self,
                                gint64    number);

static void
reconnected_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open_finish (result, &error);
  gint64 shown = hd_ticket_view_get_number (self->ticket_view);
  HdView view = hd_sidebar_get_view (self->sidebar);

  if (store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        monitor_failed_cb (self, error);
      return;
    }

  start_session (self, store);
  /* A person of the team comes back with the team, a moment later. */
  if (view != HD_VIEW_MEMBER)
    hd_sidebar_set_view (self->sidebar, view);
  if (shown != 0)
    {
      hd_ticket_list_view_select (self->list_view, shown);
      ticket_selected_cb (self, shown);
    }
  toast (self, self->reopen_message);
  g_clear_pointer (&self->reopen_message, g_free);
}

/* Opens the session's file again, going on where the person was. */
static void
reopen (HdWindow   *self,
        const char *message)
{
  g_free (self->reopen_message);
  self->reopen_message = g_strdup (message);
  hd_store_open_async (hd_store_get_path (self->store), NULL, HD_STORE_OPEN_DEFAULT,
                       self->cancellable, reconnected_cb, g_object_ref (self));
}

static gpointer
still_there_job (HdStore  *store,
                 gpointer  data,
                 GError  **error)
{
  return hd_store_is_still_there (store, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
still_there_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hd_store_run_finish (HD_STORE (source), result, &error) != NULL ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->store == NULL)
    return;

  reopen (self, _("The helpdesk file is back; Helpdesk opened it again"));
}

static void
monitor_healthy_cb (HdWindow *self)
{
  if (!hd_store_monitor_is_healthy (self->monitor))
    return;

  show_file_trouble (self, NULL);
  if (self->trouble)
    {
      self->trouble = FALSE;
      hd_store_run_async (self->store, still_there_job, NULL, NULL, NULL, self->cancellable,
                          still_there_done, g_object_ref (self));
    }
}

/* Drafts kept from an earlier session: the person may not remember them. */

static void
show_draft_clicked_cb (AdwToast *t,
                       HdWindow *self)
{
  gint64 number = *(gint64 *) g_object_get_data (G_OBJECT (t), "hd-number");

  hd_ticket_list_view_select (self->list_view, number);
  ticket_selected_cb (self, number);
}

static void
announce_drafts (HdWindow *self)
{
  g_autoptr(GArray) numbers = hd_drafts_list (self->drafts);
  g_autofree char *text = NULL;
  gint64 first;
  AdwToast *t;

  if (numbers->len == 0)
    return;

  first = g_array_index (numbers, gint64, 0);
  if (numbers->len == 1)
    text = g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " has changes you have not saved"),
                            first);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u ticket has changes you have not saved",
                                         "%u tickets have changes you have not saved",
                                         numbers->len),
                            numbers->len);

  t = adw_toast_new (text);
  adw_toast_set_timeout (t, 10);
  adw_toast_set_button_label (t, _("_Show"));
  g_object_set_data_full (G_OBJECT (t), "hd-number", g_memdup2 (&first, sizeof first), g_free);
  g_signal_connect_object (t, "button-clicked", G_CALLBACK (show_draft_clicked_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

/* Sessions */

static void
remember_file (HdWindow   *self,
               const char *path)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-databases");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }

  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-databases", (const char * const *) recent);
  g_settings_set_string (self->settings, "last-database", path);
}

static void
end_session (HdWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->counting = FALSE;
  self->count_again = FALSE;

  g_clear_handle_id (&self->maintain_source, g_source_remove);
  if (self->damage_watch != 0)
    hd_store_unwatch_damage (self->damage_watch);
  self->damage_watch = 0;
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_clear_pointer (&self->idle_gate, hd_idle_gate_unref);
  self->gate_held = FALSE;
  self->maintaining = FALSE;
  g_clear_pointer (&self->damage, g_free);
  g_clear_handle_id (&self->alert_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  unwatch_alerts (self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  hd_ticket_list_view_set_model (self->list_view, NULL);
  hd_ticket_list_view_set_context_menu (self->list_view, NULL);
  hd_ticket_view_set_store (self->ticket_view, NULL, NULL);
  hd_ticket_view_set_drafts (self->ticket_view, NULL);
  hd_kb_list_view_set_store (self->kb_list_view, NULL, NULL);
  hd_article_view_set_store (self->article_view, NULL, NULL);
  hd_article_view_set_drafts (self->article_view, NULL);
  gtk_menu_button_set_menu_model (self->assign_button, NULL);
  g_clear_pointer (&self->workload, hd_workload_free);
  gtk_widget_set_visible (GTK_WIDGET (self->assign_button), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restore", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.people", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.service-levels", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-article", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mail", FALSE);
  gtk_widget_set_visible (self->mail_status_button, FALSE);
  stop_fetching (self);
  self->mail_counting = FALSE;
  self->mail_count_again = FALSE;
  g_clear_object (&self->monitor);
  g_clear_object (&self->drafts);
  g_clear_object (&self->list);
  g_clear_object (&self->store);
  g_clear_object (&self->me);
  g_clear_pointer (&self->location_warning, g_free);
  self->switching = FALSE;
}

static void
show_welcome (HdWindow   *self,
              const char *error)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-databases");

  self->pending_ticket = 0;
  hd_welcome_page_set_recent (self->welcome, (const char * const *) recent);
  hd_welcome_page_set_error (self->welcome, error);
  gtk_stack_set_visible_child_name (self->stack, "welcome");
  gtk_window_set_title (GTK_WINDOW (self), _("Helpdesk"));
}

static void
start_session (HdWindow *self,
               HdStore  *store)
{
  const char *path = hd_store_get_path (store);
  /* Refused writes are not offered: the file cannot be written, or not
   * with its locking method. */
  gboolean writable = hd_store_can_write (store);

  end_session (self);
  self->trouble = FALSE;
  self->store = g_object_ref (store);
  self->me = hd_store_dup_me (store);
  self->list = hd_ticket_list_new (path, hd_person_get_login (self->me));
  self->idle_gate = hd_idle_gate_new (quiet_ms ());
  /* Held until the first rows are in. */
  self->gate_held = TRUE;
  hd_idle_gate_hold (self->idle_gate);
  g_signal_connect_object (self->list, "notify::loading", G_CALLBACK (list_loading_cb), self,
                           G_CONNECT_SWAPPED);
  self->damage_watch = hd_store_watch_damage (path, damage_found_cb, self, NULL);
  self->monitor = hd_store_monitor_new (path, hd_person_get_login (self->me));
  self->drafts = hd_drafts_new (path, hd_person_get_login (self->me));

  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "failed", G_CALLBACK (monitor_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "notify::healthy", G_CALLBACK (monitor_healthy_cb),
                           self, G_CONNECT_SWAPPED);

  adw_window_title_set_title (self->helpdesk_title, hd_store_get_name (store));
  adw_window_title_set_subtitle (self->helpdesk_title, hd_person_get_name (self->me));
  gtk_window_set_title (GTK_WINDOW (self), hd_store_get_name (store));
  gtk_revealer_set_reveal_child (self->trouble_revealer, FALSE);

  hd_ticket_list_view_set_model (self->list_view, self->list);
  hd_ticket_view_set_store (self->ticket_view, store, self->me);
  hd_ticket_view_set_drafts (self->ticket_view, self->drafts);
  hd_kb_list_view_set_store (self->kb_list_view, store, self->me);
  hd_article_view_set_store (self->article_view, store, self->me);
  hd_article_view_set_drafts (self->article_view, self->drafts);
  /* Requesters read the answers written for them, and nothing else. */
  adw_window_title_set_title (self->kb_title, hd_person_is_staff (self->me) ? _("Knowledge Base")
                                                                           : _("FAQ"));
  gtk_widget_set_visible (self->new_article_button, hd_person_is_staff (self->me) && writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-article",
                                 hd_person_is_staff (self->me) && writable);
  hd_sidebar_set_person (self->sidebar, self->me);   /* selects a view: applies the filter */
  self->ticket_view_kind = hd_sidebar_get_view (self->sidebar);
  show_pages (self);
  apply_filter (self);
  refresh_counts (self);
  refresh_workload (self);
  refresh_mail_status (self);
  start_fetching (self, store);
  maintain_when_idle (self);
  check_location (self);
  self->maintain_source = g_timeout_add_seconds (MAINTAIN_EVERY_SECONDS, maintain_tick_cb, self);
  self->alert_source = g_timeout_add_seconds (hd_alert_watcher_interval (), deadline_tick_cb,
                                              self);
  watch_alerts (self);
  gtk_widget_set_visible (GTK_WIDGET (self->assign_button), hd_person_is_staff (self->me));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restore",
                                 hd_person_get_role (self->me) == HD_ROLE_DISPATCHER && writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-ticket", writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.switch-locking",
                                 hd_person_get_role (self->me) == HD_ROLE_DISPATCHER);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.people",
                                 hd_person_get_role (self->me) == HD_ROLE_DISPATCHER);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.service-levels",
                                 hd_person_get_role (self->me) == HD_ROLE_DISPATCHER);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mail", hd_person_is_staff (self->me));
  show_file_trouble (self, NULL);
  {
    g_autofree char *damage = NULL;

    if (hd_store_get_verified (store, &damage) == HD_VERIFIED_DAMAGED)
      {
        g_autofree char *message = g_strdup_printf (_("“%s” is damaged (%s). Nothing can be saved in it: restore it from a backup."),
                                                    path, damage);

        show_damage (self, message);
      }
  }

  remember_file (self, path);
  gtk_stack_set_visible_child_name (self->stack, "main");
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
  announce_drafts (self);
  if (self->pending_ticket != 0)
    {
      hd_window_show_ticket (self, self->pending_ticket);
      self->pending_ticket = 0;
    }
}

/* A damaged file: offer its newest sound backup. Looking for one checks
 * each backup (quick_check), and replacing the file copies it: both run
 * on a worker thread. A file that opens but is found damaged later (a
 * read or write met a damaged page, or the idle check found damage) stays
 * open for reading; it takes no change, a banner says so, and the backup
 * is offered at once and from the banner's button. */

static void open_path     (HdWindow   *self,
                           const char *path,
                           gboolean    first_run);
static void begin_opening (HdWindow   *self,
                           const char *path);

static void
find_backup_thread (GTask        *task,
                    gpointer      source,
                    gpointer      path,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  char *backup = hd_store_find_last_good_backup (path, &error);

  if (backup != NULL)
    g_task_return_pointer (task, backup, g_free);
  else
    g_task_return_error (task, error);
}

/* The session open now is of @path, known damaged. */
static gboolean
is_damaged_session (HdWindow   *self,
                    const char *path)
{
  return self->store != NULL && self->damage != NULL &&
         g_strcmp0 (hd_store_get_path (self->store), path) == 0;
}

typedef struct {
  char *path;
  char *backup;
} Recovery;

static void
recovery_free (Recovery *r)
{
  g_free (r->path);
  g_free (r->backup);
  g_free (r);
}

static void
recover_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Recovery *r = data;
  GError *error = NULL;
  char *damaged = NULL;

  if (hd_store_recover (r->path, r->backup, &damaged, &error))
    g_task_return_pointer (task, damaged, g_free);
  else
    g_task_return_error (task, error);
}

static void
recover_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HdWindow *self = HD_WINDOW (source);
  Recovery *r = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *damaged = g_task_propagate_pointer (G_TASK (result), &error);

  if (damaged == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_welcome (self, error->message);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Restored from the backup. The damaged file is kept as %s"),
                                               damaged);

      toast (self, text);
      open_path (self, r->path, FALSE);
    }
  recovery_free (r);
}

/* Closes the session (hd_store_recover() wants every store of the file
 * closed), then replaces the file on a worker. */
static void
start_recovery (HdWindow *self,
                Recovery *r)
{
  g_autoptr(GTask) task = NULL;

  begin_opening (self, r->path);
  task = g_task_new (self, self->cancellable, recover_done, r);
  g_task_set_task_data (task, r, NULL);
  g_task_run_in_thread (task, recover_thread);
}

static void
recover_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     HdWindow         *self)
{
  Recovery *r = g_object_steal_data (G_OBJECT (dialog), "hd-recovery");

  if (g_strcmp0 (response, "restore") != 0)
    {
      recovery_free (r);
      return;
    }

  start_recovery (self, r);
}

static void
recover_from_backup (HdWindow   *self,
                     const char *path,
                     const char *backup)
{
  Recovery *r = g_new0 (Recovery, 1);

  r->path = g_strdup (path);
  r->backup = g_strdup (backup);
  start_recovery (self, r);
}

static void
found_backup_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HdWindow *self = HD_WINDOW (source);
  g_autofree char *path = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GDateTime) made = NULL;
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  gboolean open = is_damaged_session (self, path);
  Recovery *r;
  GtkWidget *dialog;

  /* Cancelled (the person opened something else), or nothing to offer:
   * a damaged file left open says so, the welcome page says enough. */
  if (backup == NULL && open && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
  if (backup == NULL ||
      (!open && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "welcome") != 0))
    return;

  file = g_file_new_for_path (backup);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, G_FILE_QUERY_INFO_NONE,
                            NULL, NULL);
  made = info != NULL ? g_file_info_get_modification_date_time (info) : NULL;
  if (made != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (made);

      /* The backup's date and time, written the way the locale writes them. */
      when = g_date_time_format (local, "%c");
    }
  else
    when = g_path_get_basename (backup);

  if (open)
    body = g_strdup_printf (_("“%s” is damaged: parts of it cannot be read, and nothing can be saved in it. Its newest sound backup, from %s, can take its place. The damaged file is kept beside it as a copy; changes made since the backup are not in it."),
                            path, when);
  else
    body = g_strdup_printf (_("“%s” is damaged and cannot be opened. Its newest sound backup, from %s, can take its place. The damaged file is kept beside it as a copy; changes made since the backup are not in it."),
                            path, when);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Restore the Last Good Backup?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore Backup"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  r = g_new0 (Recovery, 1);
  r->path = g_steal_pointer (&path);
  r->backup = g_steal_pointer (&backup);
  g_object_set_data_full (G_OBJECT (dialog), "hd-recovery", r,
                          (GDestroyNotify) recovery_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (recover_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
offer_backup (HdWindow   *self,
              const char *path)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, found_backup_cb, g_strdup (path));

  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, (GTaskThreadFunc) find_backup_thread);
}

/* The open file is damaged: it takes no change from now on (the store
 * refuses them), the banner says so until the file is replaced, and the
 * last good backup is offered once at once. */
static void
show_damage (HdWindow   *self,
             const char *message)
{
  if (self->store == NULL || self->damage != NULL)
    return;

  self->damage = g_strdup (message);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-ticket", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-article", FALSE);
  gtk_widget_set_visible (self->new_article_button, FALSE);
  show_file_trouble (self, NULL);
  offer_backup (self, hd_store_get_path (self->store));
}

/* Any connection of this process found the open file damaged. */
static void
damage_found_cb (const char *path,
                 const char *message,
                 gpointer    data)
{
  HdWindow *self = data;

  if (self->store != NULL && g_strcmp0 (path, hd_store_get_path (self->store)) == 0)
    show_damage (self, message);
}

static void
recover_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);

  if (self->store != NULL && self->damage != NULL)
    offer_backup (self, hd_store_get_path (self->store));
}

static void open_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data);

static gboolean
retry_open_cb (gpointer data)
{
  HdWindow *self = data;

  self->retry_source = 0;
  hd_store_open_async (self->opening, NULL, HD_STORE_OPEN_DEFAULT, self->cancellable, open_done,
                       g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* Another desk holds the file: say whose it is and keep trying. A desk
 * that stopped loses the lock by itself after the lease time, so the
 * wait ends either way. */
static void
wait_for_other_desk (HdWindow     *self,
                     const GError *error)
{
  g_autofree char *markup = g_markup_escape_text (error->message, -1);

  adw_status_page_set_title (self->loading_page, _("Waiting for Another Desk"));
  adw_status_page_set_description (self->loading_page, markup);
  gtk_widget_set_visible (self->stop_waiting_button, TRUE);
  self->retry_source = g_timeout_add_seconds (1, retry_open_cb, self);
}

static void
open_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = hd_store_open_finish (result, &error);

  if (store == NULL && g_error_matches (error, HD_ERROR, HD_ERROR_BUSY) && self->opening != NULL)
    {
      wait_for_other_desk (self, error);
      return;
    }

  if (store == NULL)
    {
      gboolean quiet = self->first_run && g_error_matches (error, HD_ERROR, HD_ERROR_NOT_FOUND);

      /* No default file yet is a first run, not an error. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_welcome (self, quiet ? NULL : error->message);
      if (g_error_matches (error, HD_ERROR, HD_ERROR_CORRUPT) ||
          g_error_matches (error, HD_ERROR, HD_ERROR_NOT_HELPDESK))
        offer_backup (self, self->opening);
      self->first_run = FALSE;
      return;
    }

  self->first_run = FALSE;
  start_session (self, store);
}

static void
begin_opening (HdWindow   *self,
               const char *path)
{
  g_autofree char *copy = g_strdup (path);
  g_autofree char *markup = g_markup_escape_text (path, -1);

  end_session (self);
  g_free (self->opening);
  self->opening = g_steal_pointer (&copy);
  adw_status_page_set_title (self->loading_page, _("Opening…"));
  gtk_widget_set_visible (self->stop_waiting_button, FALSE);
  /* The description is markup. */
  adw_status_page_set_description (self->loading_page, markup);
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

/* @first_run: a missing file means "not created yet", not an error */
static void
open_path (HdWindow   *self,
           const char *path,
           gboolean    first_run)
{
  begin_opening (self, path);
  self->first_run = first_run;
  hd_store_open_async (path, NULL, HD_STORE_OPEN_DEFAULT, self->cancellable, open_done,
                       g_object_ref (self));
}


/* Signals from the panes */

static void
welcome_create_cb (HdWindow   *self,
                   const char *path,
                   const char *name)
{
  begin_opening (self, path);
  hd_store_create_async (path, NULL, name, self->cancellable, open_done, g_object_ref (self));
}

static void
stop_waiting_cb (HdWindow *self)
{
  end_session (self);
  show_welcome (self, NULL);
}

static void
welcome_open_cb (HdWindow   *self,
                 const char *path)
{
  hd_window_open_file (self, path);
}

static void
view_changed_cb (HdWindow *self)
{
  HdView view = hd_sidebar_get_view (self->sidebar);

  if (view != HD_VIEW_KNOWLEDGE_BASE)
    self->ticket_view_kind = view;
  show_pages (self);
  apply_filter (self);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

static void
filter_changed_cb (HdWindow *self)
{
  apply_filter (self);
}

static void
ticket_selected_cb (HdWindow *self,
                    gint64    number)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.assign-selected", number != 0);
  hd_ticket_view_show (self->ticket_view, number);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);
}

static void
ticket_changed_cb (HdWindow *self,
                   gint64    number)
{
  /* Our own change: no need to wait for the next poll. */
  hd_store_monitor_poll_now (self->monitor);
}

/* The knowledge base */

static void
article_selected_cb (HdWindow *self,
                     gint64    id)
{
  hd_article_view_show (self->article_view, id);
  show_detail (self);
}

/* A tag chosen in the article: the list, narrowed to it. */
static void
article_tag_cb (HdWindow   *self,
                const char *tag)
{
  hd_kb_list_view_set_tag (self->kb_list_view, tag);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* An article chosen elsewhere (a ticket's suggestions or links): the
 * knowledge base, with it. */
static void
show_article_cb (HdWindow *self,
                 gint64    id)
{
  hd_sidebar_set_view (self->sidebar, HD_VIEW_KNOWLEDGE_BASE);
  hd_kb_list_view_select (self->kb_list_view, id);
  hd_article_view_show (self->article_view, id);
  show_detail (self);
}

static void
show_linked_ticket_cb (HdWindow *self,
                       gint64    number)
{
  hd_sidebar_set_view (self->sidebar, self->ticket_view_kind);
  hd_window_show_ticket (self, number);
}

static void
article_changed_cb (HdWindow *self,
                    gint64    id)
{
  hd_kb_list_view_reload (self->kb_list_view);
  hd_store_monitor_poll_now (self->monitor);
}

static void
article_saved_cb (HdWindow  *self,
                  HdArticle *article)
{
  g_autofree char *text = g_strdup_printf (_("“%s” saved"), hd_article_get_title (article));

  toast (self, text);
  hd_kb_list_view_reload (self->kb_list_view);
  show_article_cb (self, hd_article_get_id (article));
  hd_store_monitor_poll_now (self->monitor);
}

static void
message_cb (HdWindow   *self,
            const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  /* One message at a time: a newer one replaces the last, rather than
   * queueing behind it. */
  if (self->message_toast != NULL)
    adw_toast_dismiss (self->message_toast);
  self->message_toast = adw_toast_new (escaped);
  g_object_add_weak_pointer (G_OBJECT (self->message_toast),
                             (gpointer *) &self->message_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, self->message_toast);
}

static void
toast_cb (HdWindow *self,
          AdwToast *t)
{
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (t));
}

/* Actions */

static void
ticket_created_cb (HdWindow *self,
                   gint64    number)
{
  g_autofree char *text = g_strdup_printf (_("Ticket #%" G_GINT64_FORMAT " filed"), number);

  toast (self, text);
  hd_ticket_list_view_select (self->list_view, number);
  ticket_selected_cb (self, number);
  hd_store_monitor_poll_now (self->monitor);
}

static void
new_ticket_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  GtkWidget *dialog;

  if (self->store == NULL)
    return;

  dialog = hd_new_ticket_dialog_new (GTK_WINDOW (self), self->store, self->me, self->drafts);
  g_signal_connect_object (dialog, "created", G_CALLBACK (ticket_created_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* People, calendars and policies changed in a window of ours: the monitor
 * reloads what shows them (names, tiers, deadlines) at once, as for any
 * change. */
static void
changed_here_cb (HdWindow *self)
{
  hd_store_monitor_poll_now (self->monitor);
}

static void
people_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  GtkWidget *people;

  if (self->store == NULL)
    return;

  people = hd_people_window_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (people, "changed", G_CALLBACK (changed_here_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (people));
}

static void
mail_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  GtkWidget *mail;

  if (self->store == NULL || !hd_person_is_staff (self->me))
    return;

  mail = hd_mail_window_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (mail, "changed", G_CALLBACK (changed_here_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (mail));
}

static void
service_levels_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  GtkWidget *levels;

  if (self->store == NULL)
    return;

  levels = hd_sla_window_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (levels, "changed", G_CALLBACK (changed_here_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (levels));
}

static void
new_article_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  GtkWidget *editor;

  if (self->store == NULL)
    return;

  editor = hd_article_editor_new (GTK_WINDOW (self), self->store, NULL, NULL, self->drafts);
  g_signal_connect_object (editor, "saved", G_CALLBACK (article_saved_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

/* Categories changed in a window of ours: the category filter follows at
 * once, and other views through the monitor. */
static void
kb_categories_changed_cb (HdWindow *self)
{
  hd_kb_list_view_reload (self->kb_list_view);
  hd_store_monitor_poll_now (self->monitor);
}

static void
manage_categories_cb (HdWindow *self)
{
  GtkWidget *categories;

  if (self->store == NULL || !hd_person_is_staff (self->me))
    return;

  categories = hd_kb_categories_window_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (categories, "changed", G_CALLBACK (kb_categories_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (categories));
}

static void
knowledge_base_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);

  if (self->store == NULL)
    return;

  hd_sidebar_set_view (self->sidebar, HD_VIEW_KNOWLEDGE_BASE);
  hd_kb_list_view_focus_search (self->kb_list_view);
}

static void
search_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);

  if (self->list == NULL)
    return;

  if (hd_sidebar_get_view (self->sidebar) == HD_VIEW_KNOWLEDGE_BASE)
    hd_kb_list_view_focus_search (self->kb_list_view);
  else
    hd_ticket_list_view_focus_search (self->list_view);
}

static void
reload_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);

  if (self->monitor != NULL)
    hd_store_monitor_poll_now (self->monitor);
  if (self->list != NULL)
    {
      hd_ticket_list_reload (self->list);
      hd_ticket_view_reload (self->ticket_view);
      refresh_counts (self);
    }
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  adw_leaflet_navigate (HD_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
close_helpdesk_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);

  end_session (self);
  g_settings_set_string (self->settings, "last-database", "");
  show_welcome (self, NULL);
}

/* A file chosen to open is looked at first: where it lives may not pass
 * locks between computers (gvfs, the document portal), and the person
 * hears why before anyone's work is at stake. */

static void
detect_location_thread (GTask        *task,
                        gpointer      source,
                        gpointer      path,
                        GCancellable *cancellable)
{
  GError *error = NULL;
  HdLocation *location = hd_location_detect (path, &error);

  if (location != NULL)
    g_task_return_pointer (task, location, (GDestroyNotify) hd_location_free);
  else
    g_task_return_error (task, error);
}

static void
open_anyway_cb (AdwMessageDialog *dialog,
                const char       *response,
                HdWindow         *self)
{
  if (g_strcmp0 (response, "open") == 0)
    hd_window_open_file (self, g_object_get_data (G_OBJECT (dialog), "hd-path"));
}

static void
chosen_location_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  HdWindow *self = HD_WINDOW (source);
  g_autofree char *path = user_data;
  g_autoptr(HdLocation) location = g_task_propagate_pointer (G_TASK (result), NULL);
  GtkWidget *dialog;

  if (g_task_had_error (G_TASK (result)) && g_cancellable_is_cancelled (self->cancellable))
    return;

  /* Where it cannot be told, opening says what is wrong, if anything. */
  if (location == NULL || !hd_location_is_unsafe (location->kind))
    {
      hd_window_open_file (self, path);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Open From an Unsafe Location?"),
                                   hd_location_explain (location->kind));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hd-path", g_steal_pointer (&path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_anyway_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_chosen_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, chosen_location_cb,
                                      g_strdup (path));

  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, detect_location_thread);
}

static void
chooser_response_cb (HdWindow             *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), "win.open-chosen", "s", path);
      else
        toast (self, _("That location has no local path; Helpdesk needs a folder it can lock."));
    }

  g_clear_object (&self->chooser);
}

static void
open_file_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HdWindow *self = HD_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Helpdesk files"));
  gtk_file_filter_add_pattern (filter, "*.db");
  gtk_file_filter_add_mime_type (filter, "application/vnd.sqlite3");
  gtk_file_filter_add_mime_type (filter, "application/x-sqlite3");

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Open a Helpdesk File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject */

static gboolean
hd_window_close_request (GtkWindow *window)
{
  HdWindow *self = HD_WINDOW (window);
  int width, height;

  hd_ticket_view_keep_draft (self->ticket_view);

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (hd_window_parent_class)->close_request (window);
}

static void
hd_window_constructed (GObject *object)
{
  HdWindow *self = HD_WINDOW (object);

  G_OBJECT_CLASS (hd_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  show_welcome (self, NULL);
}

static void
hd_window_dispose (GObject *object)
{
  HdWindow *self = (HdWindow *) object;

  end_session (self);
  g_clear_object (&self->chooser);
  g_clear_weak_pointer (&self->message_toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_WINDOW);

  G_OBJECT_CLASS (hd_window_parent_class)->dispose (object);
}

static void
hd_window_finalize (GObject *object)
{
  HdWindow *self = (HdWindow *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_free (self->opening);
  g_free (self->reopen_message);

  G_OBJECT_CLASS (hd_window_parent_class)->finalize (object);
}

static void
hd_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HdWindow *self = HD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hd_window_class_init (HdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hd_window_constructed;
  object_class->dispose = hd_window_dispose;
  object_class->finalize = hd_window_finalize;
  object_class->set_property = hd_window_set_property;
  window_class->close_request = hd_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HD_TYPE_ARTICLE_VIEW);
  g_type_ensure (HD_TYPE_KB_LIST_VIEW);
  g_type_ensure (HD_TYPE_SIDEBAR);
  g_type_ensure (HD_TYPE_TICKET_LIST_VIEW);
  g_type_ensure (HD_TYPE_TICKET_VIEW);
  g_type_ensure (HD_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, welcome);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, stop_waiting_button);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, list_pane);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, helpdesk_title);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, view_title);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, mail_status_button);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, mail_status_label);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, assign_button);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, trouble_revealer);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, trouble_label);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, trouble_button);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, recover_button);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, ticket_view);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, list_header_stack);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, kb_title);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, new_article_button);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, kb_list_view);
  gtk_widget_class_bind_template_child (widget_class, HdWindow, article_view);
  gtk_widget_class_bind_template_callback (widget_class, welcome_create_cb);
  gtk_widget_class_bind_template_callback (widget_class, welcome_open_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_waiting_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, assign_dropped_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, ticket_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, ticket_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, message_cb);
  gtk_widget_class_bind_template_callback (widget_class, toast_cb);
  gtk_widget_class_bind_template_callback (widget_class, article_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, article_tag_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_article_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_linked_ticket_cb);
  gtk_widget_class_bind_template_callback (widget_class, article_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, manage_categories_cb);

  gtk_widget_class_install_action (widget_class, "win.new-ticket", NULL, new_ticket_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);
  gtk_widget_class_install_action (widget_class, "win.knowledge-base", NULL,
                                   knowledge_base_activated);
  gtk_widget_class_install_action (widget_class, "win.new-article", NULL, new_article_activated);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_activated);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "win.assign-selected", "s",
                                   assign_selected_activated);
  gtk_widget_class_install_action (widget_class, "win.restore", NULL, restore_activated);
  gtk_widget_class_install_action (widget_class, "win.open-file", NULL, open_file_activated);
  gtk_widget_class_install_action (widget_class, "win.people", NULL, people_activated);
  gtk_widget_class_install_action (widget_class, "win.mail", NULL, mail_activated);
  gtk_widget_class_install_action (widget_class, "win.fetch-now", NULL, fetch_now_activated);
  gtk_widget_class_install_action (widget_class, "win.service-levels", NULL,
                                   service_levels_activated);
  gtk_widget_class_install_action (widget_class, "win.open-chosen", "s", open_chosen_activated);
  gtk_widget_class_install_action (widget_class, "win.close-helpdesk", NULL,
                                   close_helpdesk_activated);
  gtk_widget_class_install_action (widget_class, "win.recover", NULL, recover_activated);
  gtk_widget_class_install_action (widget_class, "win.switch-locking", NULL,
                                   switch_locking_activated);
}

static void
folded_cb (HdWindow *self)
{
  hd_ticket_list_view_set_compact (self->list_view, adw_leaflet_get_folded (self->leaflet));
}

/* The spinner spins only while its page is shown: hidden in the stack, a
 * spinning one still has the window laid out anew at every frame, some
 * 2.5 % of a CPU for a window nobody touches. */
static void
page_shown_cb (HdWindow *self)
{
  gtk_spinner_set_spinning (self->loading_spinner,
                            g_strcmp0 (gtk_stack_get_visible_child_name (self->stack),
                                       "loading") == 0);
}

static void
hd_window_init (HdWindow *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* Background work waits while the person is at the window. */
  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "event", G_CALLBACK (input_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (folded_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child-name", G_CALLBACK (page_shown_cb),
                           self, G_CONNECT_SWAPPED);
  page_shown_cb (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.assign-selected", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mail", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.fetch-now", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restore", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.people", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.service-levels", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-article", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.switch-locking", FALSE);
  /* Inert unless a benchmark asks for it. */
  hd_bench_marks_watch_window (GTK_WINDOW (self), GTK_WIDGET (self->list_view), self->ticket_view);

  if (g_str_has_suffix (APPLICATION_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

/* Public API */

HdWindow *
hd_window_new (HdApplication *application,
               GSettings     *settings)
{
  return g_object_new (HD_TYPE_WINDOW, "application", application, "settings", settings, NULL);
}

/**
 * hd_window_open_file:
 *
 * Opens @path off the drawing thread, checking it first; a file that cannot
 * be used brings back the welcome page with the reason.
 */
void
hd_window_open_file (HdWindow   *self,
                     const char *path)
{
  g_return_if_fail (HD_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  open_path (self, path, FALSE);
}

/**
 * hd_window_open_default:
 *
 * Opens $HELPDESK_DB, else the file used last, else the per-user default
 * file; when that does not exist yet, shows the welcome page. Whether a
 * file exists is asked on the worker too: on a share that went away, even
 * stat() can hang.
 */
void
hd_window_open_default (HdWindow *self)
{
  g_autofree char *last = g_settings_get_string (self->settings, "last-database");
  g_autofree char *path = NULL;
  const char *env = g_getenv ("HELPDESK_DB");

  g_return_if_fail (HD_IS_WINDOW (self));

  /* Empty is unset, as for hd_store_default_path() and helpdesk-cli. */
  if ((env == NULL || env[0] == '\0') && last[0] != '\0')
    open_path (self, last, FALSE);
  else
    {
      path = hd_store_default_path ();
      open_path (self, path, TRUE);
    }
}

const char *
hd_window_get_path (HdWindow *self)
{
  g_return_val_if_fail (HD_IS_WINDOW (self), NULL);
  return self->store != NULL ? hd_store_get_path (self->store) : NULL;
}

/**
 * hd_window_get_store:
 *
 * Returns: (transfer none) (nullable): the session's store; use it only
 *   through jobs
 */
HdStore *
hd_window_get_store (HdWindow *self)
{
  g_return_val_if_fail (HD_IS_WINDOW (self), NULL);
  return self->store;
}

/**
 * hd_window_get_ticket_list:
 *
 * Returns: (transfer none) (nullable): the list the window shows
 */
HdTicketList *
hd_window_get_ticket_list (HdWindow *self)
{
  g_return_val_if_fail (HD_IS_WINDOW (self), NULL);
  return self->list;
}

GtkWidget *
hd_window_get_ticket_view (HdWindow *self)
{
  g_return_val_if_fail (HD_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->ticket_view);
}

/**
 * hd_window_show_ticket:
 * @number: a ticket of the open helpdesk
 *
 * Selects and shows the ticket, as a click on its row would.
 */
void
hd_window_show_ticket (HdWindow *self,
                       gint64    number)
{
  g_return_if_fail (HD_IS_WINDOW (self));

  if (number <= 0)
    return;

  /* A helpdesk still opening (a notification clicked while Helpdesk ran in
   * the background): once it is open. */
  if (self->store == NULL)
    {
      self->pending_ticket = number;
      return;
    }

  hd_ticket_list_view_select (self->list_view, number);
  ticket_selected_cb (self, number);
}
