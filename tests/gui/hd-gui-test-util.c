/* hd-gui-test-util.c
 *
 * Waits never sleep: they run the main context, which a short timer keeps
 * waking so that the deadline is checked even when nothing else happens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-gui-test-util.h"
#include "hd-resources.h"
#include "hd-test-util.h"
#include "hd-ticket-list.h"

static gboolean have_display;
static char **system_mime_dirs;

const char * const hd_gui_test_seed_titles[] = {
  "Printer on the second floor jams",
  "VPN drops every hour",
  "Cannot log in to payroll",
  "Monitor flickers after lunch",
  "Request a new keyboard",
  NULL
};

gboolean
hd_gui_test_init (int    *argc,
                  char ***argv)
{
  g_autofree char *data_dirs = NULL;

  /* G_TEST_OPTION_ISOLATE_DIRS points XDG_DATA_DIRS at /dev/null, and GTK
   * needs the system's: icon themes, and the MIME database that tells an
   * SVG icon from garbage. A test case's child process (see
   * hd_gui_test_run_isolated) starts from its parent's isolated
   * environment, so the real value travels in HD_GUI_TEST_XDG_DATA_DIRS. */
  if (g_getenv ("HD_GUI_TEST_XDG_DATA_DIRS") != NULL)
    data_dirs = g_strdup (g_getenv ("HD_GUI_TEST_XDG_DATA_DIRS"));
  else if (g_getenv ("XDG_DATA_DIRS") != NULL && g_getenv ("XDG_DATA_DIRS")[0] != '\0')
    data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));
  else
    data_dirs = g_strdup ("/usr/local/share/:/usr/share/");
  g_setenv ("HD_GUI_TEST_XDG_DATA_DIRS", data_dirs, TRUE);

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("XDG_DATA_DIRS", data_dirs, TRUE);

  /* Xvfb has no GPU: GL would be Mesa's software renderer, several times
   * slower than cairo to start and to draw, for the same pixels. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  /* GDK still probes GL once; Mesa's cache would sit in the isolated
   * XDG_CACHE_HOME, /dev/null, and it says so on every run. */
  g_setenv ("MESA_SHADER_CACHE_DISABLE", "true", FALSE);

  /* The test AT context keeps what the UI declares (labels, relations)
   * where gtk_test_accessible_* can read it, and talks to no bus. */
  g_setenv ("GTK_A11Y", "test", FALSE);

  hd_register_resource ();

  have_display = gtk_init_check ();
  if (!have_display)
    return FALSE;

  adw_init ();
  /* No crossfades or slides: a screenshot never catches a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  system_mime_dirs = g_strdupv ((char **) g_content_type_get_mime_dirs ());

  /* The program only runs each test in a child (hd_gui_test_run_isolated)
   * and reports it: a failed child must not stop the next ones. */
  if (!g_test_subprocess ())
    g_test_set_nonfatal_assertions ();

  return TRUE;
}

gboolean
hd_gui_test_have_display (void)
{
  return have_display;
}

gboolean
hd_gui_test_skip_without_display (void)
{
  if (have_display)
    return FALSE;

  g_test_skip ("No display: run under xvfb-run, as build-aux/test.sh does");
  return TRUE;
}

gboolean
hd_gui_test_run_isolated (void)
{
  if (g_test_subprocess ())
    {
      /* Each test case's isolation resets the MIME folders too. */
      g_content_type_set_mime_dirs ((const char * const *) system_mime_dirs);
      return FALSE;
    }

  /* Its criticals and failures go straight to our stderr, its messages
   * (hd_gui_test_message) to our TAP output. */
  g_test_trap_subprocess (NULL, 50 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  return TRUE;
}

void
hd_gui_test_message (const char *format,
                     ...)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  /* A child runs quiet (-q): g_test_message would print nothing. */
  if (!g_test_subprocess ())
    {
      g_test_message ("%s", text);
      return;
    }

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_print ("# %s\n", lines[i]);
  fflush (stdout);
}

/* Waiting */

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
hd_wait_until_impl (HdCondition  condition,
                    gpointer     data,
                    guint        timeout_ms,
                    const char  *what,
                    const char  *file,
                    int          line,
                    const char  *func)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *message = g_strdup_printf ("timed out after %u ms waiting for %s",
                                                      timeout_ms, what);

          g_source_remove (wake);
          g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
          return;
        }
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake);
}

typedef struct {
  guint ticks;
  guint wanted;
} Frames;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  Frames *frames = data;

  frames->ticks++;
  return frames->ticks < frames->wanted ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
frames_done (Frames *frames)
{
  return frames->ticks >= frames->wanted;
}

void
hd_wait_frames (GtkWidget *widget,
                guint      n_frames)
{
  Frames frames = { 0, n_frames };

  g_assert_true (gtk_widget_get_mapped (widget));
  gtk_widget_add_tick_callback (widget, tick_cb, &frames, NULL);
  hd_wait_until (frames_done, &frames, HD_WAIT_MS);
  /* The tick that ends the wait is followed by its layout and paint. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
pointer_cleared (gpointer *pointer)
{
  return *pointer == NULL;
}

void
hd_destroy_and_wait_impl (GtkWindow  *window,
                          const char *file,
                          int         line,
                          const char *func)
{
  g_autofree char *what = NULL;
  gpointer pointer = window;

  g_assert_true (GTK_IS_WINDOW (window));
  what = g_strdup_printf ("the destroyed %s to be finalized", G_OBJECT_TYPE_NAME (window));
  g_object_add_weak_pointer (G_OBJECT (window), &pointer);
  /* GTK 4.8 aims its tooltip timer (500 ms) at the surface the pointer
   * last entered, often a popover that took a grab (the Tags picker).
   * gtk_window_destroy() forgets that aim only when it is the window;
   * a popover unrealized with the window keeps it, and if the window is
   * finalized later than the timer, GTK asks for the pointer's position
   * on the popover's NULL surface: a critical, fatal in tests. Drop the
   * display's tooltip first, as GTK does itself when browse mode ends;
   * its timer then finds none and does nothing. */
  g_object_set_data (G_OBJECT (gtk_widget_get_display (GTK_WIDGET (window))),
                     "gdk-display-current-tooltip", NULL);
  gtk_window_destroy (window);
  hd_wait_until_impl ((HdCondition) pointer_cleared, &pointer, HD_WAIT_MS, what, file, line, func);
  if (pointer != NULL)
    g_object_remove_weak_pointer (G_OBJECT (pointer), &pointer);
}

/* Finding widgets */

static void
collect (GtkWidget         *widget,
         GType              type,
         HdWidgetPredicate  predicate,
         gpointer           data,
         GPtrArray         *found,
         gboolean           first_only)
{
  if (first_only && found->len > 0)
    return;

  if (g_type_is_a (G_OBJECT_TYPE (widget), type) &&
      (predicate == NULL || predicate (widget, data)))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, predicate, data, found, first_only);
}

GtkWidget *
hd_find_widget (GtkWidget         *root,
                GType              type,
                HdWidgetPredicate  predicate,
                gpointer           data)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (root, type, predicate, data, found, TRUE);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

GPtrArray *
hd_find_widgets (GtkWidget         *root,
                 GType              type,
                 HdWidgetPredicate  predicate,
                 gpointer           data)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, predicate, data, found, FALSE);
  return found;
}

const char *
hd_widget_get_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_INSCRIPTION (widget))
    return gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  return NULL;
}

static gboolean
text_is (GtkWidget *widget,
         gpointer   text)
{
  return g_strcmp0 (hd_widget_get_text (widget), text) == 0;
}

GtkWidget *
hd_find_label (GtkWidget  *root,
               const char *text)
{
  return hd_find_widget (root, GTK_TYPE_LABEL, text_is, (gpointer) text);
}

GtkWidget *
hd_find_text (GtkWidget  *root,
              const char *text)
{
  return hd_find_widget (root, GTK_TYPE_WIDGET, text_is, (gpointer) text);
}

static gboolean
row_title_is (GtkWidget *widget,
              gpointer   title)
{
  return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

GtkWidget *
hd_find_row (GtkWidget  *root,
             GType       type,
             const char *title)
{
  g_assert_true (g_type_is_a (type, ADW_TYPE_PREFERENCES_ROW));
  return hd_find_widget (root, type, row_title_is, (gpointer) title);
}

gboolean
hd_widget_has_id (GtkWidget *widget,
                  gpointer   name)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), name) == 0;
}

GtkWidget *
hd_find_named (GtkWidget  *root,
               GType       type,
               const char *name)
{
  GtkWidget *widget = hd_find_widget (root, type, hd_widget_has_id, (gpointer) name);

  g_assert_nonnull (widget);
  return widget;
}

GtkWindow *
hd_find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (g_type_is_a (G_OBJECT_TYPE (l->data), type))
      return l->data;

  return NULL;
}

char *
hd_widget_path (GtkWidget *root,
                GtkWidget *widget)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GString *path = g_string_new (NULL);

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (w));
      guint index = 0;

      for (GtkWidget *s = gtk_widget_get_prev_sibling (w); s != NULL;
           s = gtk_widget_get_prev_sibling (s))
        index++;

      g_ptr_array_insert (parts, 0, g_strdup_printf ("%s%s%s[%u]", G_OBJECT_TYPE_NAME (w),
                                                     id != NULL ? "#" : "",
                                                     id != NULL ? id : "", index));
      if (w == root)
        break;
    }

  for (guint i = 0; i < parts->len; i++)
    g_string_append_printf (path, "%s%s", i > 0 ? " > " : "",
                            (char *) g_ptr_array_index (parts, i));

  return g_string_free (path, FALSE);
}

/* Screenshots */

char *
hd_save_screenshot (GtkWidget  *widget,
                    const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  g_assert_true (GTK_IS_NATIVE (widget));
  g_assert_true (gtk_widget_get_mapped (widget));

  paintable = gtk_widget_paintable_new (widget);
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* A window between two frames may have nothing to draw yet: a few more
   * frames, on a loaded machine. */
  for (guint attempt = 0; node == NULL && attempt < 20; attempt++)
    {
      if (attempt > 0)
        hd_wait_frames (widget, 2);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  hd_gui_test_message ("Screenshot (%d×%d): %s", width, height, path);
  return g_steal_pointer (&path);
}

/* The application */

HdApplication *
hd_gui_test_new_application (void)
{
  g_autoptr(GError) error = NULL;
  HdApplication *app = hd_application_new ();

  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  return app;
}

/* Seeding */

void
hd_gui_test_seed (char **path)
{
  g_autoptr(HdStore) disp = hd_test_new_helpdesk (path);
  g_autoptr(HdStore) req1 = hd_test_open_as (*path, "req1");
  g_autoptr(HdStore) req2 = hd_test_open_as (*path, "req2");
  HdStore *by[] = { disp, disp, req1, req1, req2 };

  G_STATIC_ASSERT (G_N_ELEMENTS (by) == HD_GUI_TEST_N_SEEDED);
  for (guint i = 0; i < HD_GUI_TEST_N_SEEDED; i++)
    g_object_unref (hd_test_file_ticket (by[i], hd_gui_test_seed_titles[i]));
}

/* Lists */

gboolean
hd_list_model_is_loaded (GListModel *list,
                         guint       n_items)
{
  if (list == NULL || g_list_model_get_n_items (list) != n_items)
    return FALSE;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(HdTicket) ticket = g_list_model_get_item (list, i);

      if (ticket == NULL || hd_ticket_is_placeholder (ticket))
        return FALSE;
    }

  return TRUE;
}

HdTicket *
hd_list_model_find_title (GListModel *list,
                          const char *title)
{
  guint n = list != NULL ? g_list_model_get_n_items (list) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HdTicket) ticket = g_list_model_get_item (list, i);

      if (ticket != NULL && g_strcmp0 (hd_ticket_get_title (ticket), title) == 0)
        return g_steal_pointer (&ticket);
    }

  return NULL;
}
