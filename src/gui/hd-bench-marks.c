/* hd-bench-marks.c — what the window has drawn, for benchmarks
 *
 * With $HELPDESK_BENCH_MARKS set (a file, or "fd:N"), the window writes a
 * line per event there, "<g_get_monotonic_time () µs> <event> <args>".
 * Each of these is written just after the frame that shows it was painted
 * (the frame clock's after-paint), so a benchmark measures what a person
 * sees:
 *
 *   first-rows <number>              the list's first real rows, once
 *   rows-drawn <first> <n>:<v> …     the list shows something new: the first
 *                                    visible ticket (0 while its page loads),
 *                                    then each visible ticket, number and
 *                                    version, whose row is new on screen or
 *                                    was changed by the model since the
 *                                    frame before
 *   count <view> <n>                 a sidebar count shows a new number
 *   ticket-shown <number> <version>  the ticket pane shows that version
 *
 * and, when they happen:
 *
 *   bus <application id> <object path>  once: where the actions below are
 *   heard                            the window heard of changes in the file
 *                                    (its monitor's `changed`)
 *   counted                          the views' counts were read, before
 *                                    they are drawn
 *   sort <title> <asc|desc>          the bench-sort action was activated
 *   focus-list                       the bench-focus-list action was activated
 *   fetch-now                        the bench-fetch-now action was activated
 *   fetched                          a mail run of the window's file ended
 *   frame <work>                     while bench-frames is on, every frame,
 *                                    stamped when it began (its update
 *                                    phase), with the µs from then to the
 *                                    end of its painting
 *
 * The application actions let a benchmark drive the window over D-Bus
 * (org.gtk.Actions): bench-sort "(sb)", a column's title and whether
 * descending, sorts as a click on the header does; bench-focus-list puts
 * the keyboard in the ticket list, so that keys sent to the window scroll
 * it; bench-fetch-now is the main menu's Fetch Mail Now; bench-frames "b"
 * keeps the frame clock running (a tick callback, as an animation does),
 * so that each frame's start says how long the GUI thread was away.
 *
 * Without the variable each entry point returns at its first test. The
 * clock is CLOCK_MONOTONIC, which every process on Linux shares: a
 * benchmark compares these times with its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L  /* O_CLOEXEC */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "hd-bench-marks.h"
#include "hd-ticket-rows.h"

#define MAX_ROWS_LISTED 200

typedef struct {
  guint  position;
  gint64 number;
  gint64 version;
} Row;

typedef struct {
  guint position;
  guint added;
} Range;

typedef struct {
  int                fd;            /* -2: not looked at yet; -1: inert */

  /* weak */
  GtkWidget         *ticket_list;
  HdTicketView      *ticket_view;
  GtkColumnView     *column_view;
  GListModel        *model;         /* the rows the column view shows (HdTicketRows) */
  GListModel        *tickets;       /* the list they show, while connected */
  GdkFrameClock     *clock;
  GtkWidget         *window;

  guint              frames_tick;   /* bench-frames: the tick callback */
  gint64             frame_start;   /* this frame's update phase; 0: none */

  gulong             after_paint_id;
  gboolean           first_rows_done;
  GArray            *shown;         /* Row: visible in the frame before */
  GArray            *changed;       /* Range: items-changed since then */
  gint64             ticket[2];     /* number, version last shown */
  guint              counts[HD_N_VIEWS];
  guint              counts_shown[HD_N_VIEWS];
  guint              counts_known;   /* a bit per view: counts_shown is set */
  guint              counts_pending; /* a bit per view: to mark */
} Marks;

static Marks marks = { .fd = -2 };

static const char * const view_names[HD_N_VIEWS] = {
  [HD_VIEW_MINE] = "mine",
  [HD_VIEW_UNASSIGNED] = "unassigned",
  [HD_VIEW_AT_RISK] = "at-risk",
  [HD_VIEW_OPEN] = "open",
  [HD_VIEW_PENDING] = "pending",
  [HD_VIEW_RESOLVED] = "resolved",
  [HD_VIEW_MY_REQUESTS] = "my-requests",
  [HD_VIEW_CLOSED] = "closed",
};

static int
open_target (const char *target)
{
  guint64 fd;
  int result;

  if (target == NULL || target[0] == '\0')
    return -1;

  if (g_str_has_prefix (target, "fd:"))
    {
      if (!g_ascii_string_to_unsigned (target + 3, 10, 3, G_MAXINT, &fd, NULL))
        {
          g_message ("HELPDESK_BENCH_MARKS is not fd:N: %s", target);
          return -1;
        }
      /* Nothing Helpdesk starts keeps the benchmark's pipe open. */
      fcntl ((int) fd, F_SETFD, FD_CLOEXEC);
      return (int) fd;
    }

  result = g_open (target, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (result < 0)
    g_message ("HELPDESK_BENCH_MARKS: %s: %s", target, g_strerror (errno));
  return result;
}

static gboolean
enabled (void)
{
  if (G_LIKELY (marks.fd != -2))
    return marks.fd >= 0;

  marks.fd = open_target (g_getenv ("HELPDESK_BENCH_MARKS"));
  if (marks.fd < 0)
    return FALSE;

  marks.shown = g_array_new (FALSE, FALSE, sizeof (Row));
  marks.changed = g_array_new (FALSE, FALSE, sizeof (Range));
  return TRUE;
}

/* One write a line: lines shorter than PIPE_BUF never interleave. */
G_GNUC_PRINTF (2, 3)
static void
mark (gint64      at,
      const char *format,
      ...)
{
  g_autoptr(GString) line = g_string_new (NULL);
  va_list args;
  gsize done = 0;

  g_string_printf (line, "%" G_GINT64_FORMAT " ", at);
  va_start (args, format);
  g_string_append_vprintf (line, format, args);
  va_end (args);
  g_string_append_c (line, '\n');

  while (done < line->len)
    {
      gssize n = write (marks.fd, line->str + done, line->len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          /* The benchmark went away: stop writing, go on working. */
          marks.fd = -1;
          return;
        }
      done += (gsize) n;
    }
}

/* The ticket list's rows */

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added)
{
  Range range = { position, added };

  /* No frame for a long while (a hidden window): all of it changed. */
  if (marks.changed->len >= 1000)
    {
      g_array_set_size (marks.changed, 0);
      range = (Range) { 0, G_MAXUINT };
    }
  g_array_append_val (marks.changed, range);

  /* Rows that change in place to what they showed draw nothing: a frame
   * all the same says when the list's change was on screen. */
  if (marks.column_view != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (marks.column_view));
}

/* The column view, and its model's changes, once there. */
static gboolean
ensure_list (void)
{
  GListModel *model;

  if (marks.column_view == NULL && marks.ticket_list != NULL)
    g_set_weak_pointer (&marks.column_view,
                        (GtkColumnView *) find_widget (marks.ticket_list, GTK_TYPE_COLUMN_VIEW));
  if (marks.column_view == NULL)
    return FALSE;

  /* The rows shown (HdTicketRow), under the selection; the changes are
   * the list's, whose positions are theirs. */
  model = G_LIST_MODEL (gtk_column_view_get_model (marks.column_view));
  if (GTK_IS_SINGLE_SELECTION (model))
    model = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (model));
  g_set_weak_pointer (&marks.model, model);
  model = HD_IS_TICKET_ROWS (model) ? hd_ticket_rows_get_model (HD_TICKET_ROWS (model)) : model;
  if (model != marks.tickets)
    {
      if (marks.tickets != NULL)
        g_signal_handlers_disconnect_by_func (marks.tickets, items_changed_cb, NULL);
      g_set_weak_pointer (&marks.tickets, model);
      if (model != NULL)
        g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), NULL);
    }

  return marks.model != NULL;
}

/* Rows are all as high as one another, and the list is as high as all of
 * them (or as the view, when they do not fill it): the scrolled offset
 * tells which positions are in view. */
static gboolean
visible_range (guint *first,
               guint *end)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (marks.column_view));
  guint n_items = g_list_model_get_n_items (marks.model);
  double value, page, pitch;

  if (adjustment == NULL || n_items == 0 || gtk_adjustment_get_upper (adjustment) <= 0)
    return FALSE;

  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  pitch = gtk_adjustment_get_upper (adjustment) / n_items;
  *first = MIN ((guint) (value / pitch), n_items - 1);
  *end = MIN ((guint) ((value + page) / pitch + 0.999), n_items);
  return *end > *first;
}

static gboolean
was_shown (const Row *row)
{
  for (guint i = 0; i < marks.shown->len; i++)
    {
      const Row *before = &g_array_index (marks.shown, Row, i);

      if (before->position == row->position)
        return before->number == row->number && before->version == row->version;
    }

  return FALSE;
}

static gboolean
was_changed (guint position)
{
  for (guint i = 0; i < marks.changed->len; i++)
    {
      const Range *range = &g_array_index (marks.changed, Range, i);

      if (position >= range->position && position - range->position < range->added)
        return TRUE;
    }

  return FALSE;
}

static void
mark_rows (gint64 at)
{
  g_autoptr(GString) listed = g_string_new (NULL);
  g_autoptr(GArray) now = g_array_new (FALSE, FALSE, sizeof (Row));
  gint64 first_before = marks.shown->len > 0 ? g_array_index (marks.shown, Row, 0).number : -1;
  guint first = 0, end = 0, n_listed = 0;

  if (ensure_list () && visible_range (&first, &end))
    for (guint position = first; position < end; position++)
      {
        g_autoptr(GObject) item = g_list_model_get_item (marks.model, position);
        HdTicket *ticket = HD_IS_TICKET_ROW (item) ? hd_ticket_row_get_ticket (HD_TICKET_ROW (item))
                                                   : (HdTicket *) item;
        Row row = { position, 0, 0 };

        if (ticket != NULL)
          {
            row.number = hd_ticket_get_number (ticket);
            row.version = hd_ticket_get_version (ticket);
          }

        g_array_append_val (now, row);
        if (row.number > 0 && n_listed < MAX_ROWS_LISTED &&
            (!was_shown (&row) || was_changed (position)))
          {
            g_string_append_printf (listed, " %" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                    row.number, row.version);
            n_listed++;
          }
      }

  if (now->len > 0 && (listed->len > 0 || g_array_index (now, Row, 0).number != first_before))
    mark (at, "rows-drawn %" G_GINT64_FORMAT "%s", g_array_index (now, Row, 0).number,
          listed->str);
  if (now->len > 0 && !marks.first_rows_done && g_array_index (now, Row, 0).number > 0)
    {
      marks.first_rows_done = TRUE;
      mark (at, "first-rows %" G_GINT64_FORMAT, g_array_index (now, Row, 0).number);
    }

  g_array_set_size (marks.shown, 0);
  g_array_append_vals (marks.shown, now->data, now->len);
  g_array_set_size (marks.changed, 0);
}

/* The ticket pane and the sidebar */

static void
mark_ticket (gint64 at)
{
  HdTicket *ticket;

  if (marks.ticket_view == NULL || !gtk_widget_get_mapped (GTK_WIDGET (marks.ticket_view)))
    return;

  ticket = hd_ticket_view_get_ticket (marks.ticket_view);
  if (ticket == NULL ||
      hd_ticket_get_number (ticket) != hd_ticket_view_get_number (marks.ticket_view) ||
      (hd_ticket_get_number (ticket) == marks.ticket[0] &&
       hd_ticket_get_version (ticket) == marks.ticket[1]))
    return;

  marks.ticket[0] = hd_ticket_get_number (ticket);
  marks.ticket[1] = hd_ticket_get_version (ticket);
  mark (at, "ticket-shown %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, marks.ticket[0],
        marks.ticket[1]);
}

static void
mark_counts (gint64 at)
{
  for (HdView view = 0; view < HD_N_VIEWS; view++)
    if (marks.counts_pending & (1u << view))
      {
        marks.counts_shown[view] = marks.counts[view];
        marks.counts_known |= 1u << view;
        mark (at, "count %s %u", view_names[view], marks.counts[view]);
      }

  marks.counts_pending = 0;
}

static void
after_paint_cb (GdkFrameClock *clock)
{
  gint64 at = g_get_monotonic_time ();

  if (marks.fd < 0)
    return;

  if (marks.frame_start != 0)
    {
      mark (marks.frame_start, "frame %" G_GINT64_FORMAT, at - marks.frame_start);
      marks.frame_start = 0;
    }
  mark_rows (at);
  mark_ticket (at);
  mark_counts (at);
}

static void
window_realized_cb (GtkWidget *window)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  mark (g_get_monotonic_time (), "renderer %s",
        renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none");
  g_set_weak_pointer (&marks.clock, gtk_widget_get_frame_clock (window));
  marks.after_paint_id = g_signal_connect (marks.clock, "after-paint", G_CALLBACK (after_paint_cb),
                                           NULL);
}

static void
window_unrealized_cb (GtkWidget *window)
{
  if (marks.clock != NULL)
    g_clear_signal_handler (&marks.after_paint_id, marks.clock);
  g_clear_weak_pointer (&marks.clock);
}

/* Actions */

static void
sort_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_autoptr(GListModel) columns = NULL;
  const char *title;
  gboolean descending;

  g_variant_get (parameter, "(&sb)", &title, &descending);
  mark (g_get_monotonic_time (), "sort %s %s", title, descending ? "desc" : "asc");
  if (!ensure_list ())
    return;

  columns = g_object_ref (gtk_column_view_get_columns (marks.column_view));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        gtk_column_view_sort_by_column (marks.column_view, column,
                                        descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
    }
}

static gboolean
frame_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       data)
{
  marks.frame_start = g_get_monotonic_time ();
  return G_SOURCE_CONTINUE;
}

static void
frames_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  gboolean on = g_variant_get_boolean (parameter);

  if (marks.window == NULL || on == (marks.frames_tick != 0))
    return;
  if (on)
    marks.frames_tick = gtk_widget_add_tick_callback (marks.window, frame_tick_cb, NULL, NULL);
  else
    {
      gtk_widget_remove_tick_callback (marks.window, marks.frames_tick);
      marks.frames_tick = 0;
      marks.frame_start = 0;
    }
}

static void
fetch_now_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  mark (g_get_monotonic_time (), "fetch-now");
  if (marks.window != NULL)
    gtk_widget_activate_action (marks.window, "win.fetch-now", NULL);
}

static void
focus_list_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  mark (g_get_monotonic_time (), "focus-list");
  if (ensure_list ())
    gtk_widget_grab_focus (GTK_WIDGET (marks.column_view));
}

static void
add_actions (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "bench-sort", sort_activated, "(sb)" },
    { "bench-focus-list", focus_list_activated },
    { "bench-fetch-now", fetch_now_activated },
    { "bench-frames", frames_activated, "b" },
  };

  if (g_action_map_lookup_action (G_ACTION_MAP (app), entries[0].name) != NULL)
    return;

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), NULL);
  mark (g_get_monotonic_time (), "bus %s %s", g_application_get_application_id (app),
        g_application_get_dbus_object_path (app));
}

/* Public API */

/**
 * hd_bench_marks_watch_window:
 * @ticket_list: the widget holding the ticket list's column view
 * @ticket_view: the pane that shows the open ticket
 *
 * Marks what @window draws from now on (the last window watched only).
 */
void
hd_bench_marks_watch_window (GtkWindow    *window,
                             GtkWidget    *ticket_list,
                             HdTicketView *ticket_view)
{
  GApplication *app = g_application_get_default ();

  if (G_LIKELY (!enabled ()))
    return;

  g_return_if_fail (GTK_IS_WINDOW (window));

  if (marks.window != NULL && marks.frames_tick != 0)
    gtk_widget_remove_tick_callback (marks.window, marks.frames_tick);
  marks.frames_tick = 0;
  g_set_weak_pointer (&marks.window, GTK_WIDGET (window));
  g_set_weak_pointer (&marks.ticket_list, ticket_list);
  g_set_weak_pointer (&marks.ticket_view, ticket_view);
  g_signal_connect (window, "realize", G_CALLBACK (window_realized_cb), NULL);
  g_signal_connect (window, "unrealize", G_CALLBACK (window_unrealized_cb), NULL);
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    window_realized_cb (GTK_WIDGET (window));
  if (app != NULL && g_application_get_is_registered (app))
    add_actions (app);
}

/**
 * hd_bench_marks_event:
 * @what: one word, such as "heard"
 *
 * Marks @what at once: something the window learnt, not drew.
 */
void
hd_bench_marks_event (const char *what)
{
  if (G_LIKELY (!enabled ()))
    return;

  mark (g_get_monotonic_time (), "%s", what);
}

/**
 * hd_bench_marks_count:
 *
 * The sidebar shows @count for @view: marked after the next frame, when
 * it is a new number.
 */
void
hd_bench_marks_count (HdView view,
                      guint  count)
{
  if (G_LIKELY (!enabled ()))
    return;

  g_return_if_fail (view < HD_N_VIEWS);

  /* Set back before a frame showed the new number: nothing to mark. */
  if ((marks.counts_known & (1u << view)) && marks.counts_shown[view] == count)
    {
      marks.counts_pending &= ~(1u << view);
      return;
    }

  marks.counts[view] = count;
  marks.counts_pending |= 1u << view;
}
