/* hd-gui-test-util.h — shared helpers for the GUI test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hd-application.h"
#include "hd-store.h"

G_BEGIN_DECLS

/* Long enough for a loaded CI machine, short enough that a hang is a
 * failure rather than a timeout of the whole suite. */
#define HD_WAIT_MS 15000

/* g_test_init with isolated folders, the GUI's resources, GTK and
 * libadwaita. Returns FALSE when there is no display: every test then
 * skips (hd_gui_test_skip_without_display). */
gboolean   hd_gui_test_init            (int          *argc,
                                        char       ***argv);
gboolean   hd_gui_test_have_display    (void);

/* Marks the test skipped and returns TRUE when there is no display. */
gboolean   hd_gui_test_skip_without_display (void);

/* In the test program: runs the current test again in a child process
 * and returns TRUE once it passed there (the caller then returns). In
 * that child: returns FALSE, and the test runs. A critical is fatal, so
 * this keeps one broken widget from hiding what the other tests find. */
gboolean   hd_gui_test_run_isolated    (void);

/* g_test_message that also reaches the log from a test's child process
 * (as a TAP comment on the inherited stdout). */
void       hd_gui_test_message         (const char   *format,
                                        ...) G_GNUC_PRINTF (1, 2);

typedef gboolean (*HdCondition) (gpointer data);

/* Runs the default main context until @condition holds; after
 * @timeout_ms fails the test, naming the condition and the caller. */
void       hd_wait_until_impl          (HdCondition   condition,
                                        gpointer      data,
                                        guint         timeout_ms,
                                        const char   *what,
                                        const char   *file,
                                        int           line,
                                        const char   *func);
#define hd_wait_until(condition, data, timeout_ms) \
  hd_wait_until_impl ((HdCondition) (condition), (data), (timeout_ms), #condition, \
                      __FILE__, __LINE__, G_STRFUNC)

/* Waits until @widget's frame clock has ticked @n_frames times: layout
 * and drawing are then done. */
void       hd_wait_frames              (GtkWidget    *widget,
                                        guint         n_frames);

/* Destroys @window and waits until it is finalized: nothing may keep a
 * closed window alive. */
void       hd_destroy_and_wait_impl    (GtkWindow    *window,
                                        const char   *file,
                                        int           line,
                                        const char   *func);
#define hd_destroy_and_wait(window) \
  hd_destroy_and_wait_impl ((window), __FILE__, __LINE__, G_STRFUNC)

typedef gboolean (*HdWidgetPredicate) (GtkWidget *widget,
                                       gpointer   data);

/* Depth-first, through internal children too: the first widget of @type
 * (and matching @predicate when not NULL), or NULL. */
GtkWidget *hd_find_widget              (GtkWidget        *root,
                                        GType             type,
                                        HdWidgetPredicate predicate,
                                        gpointer          data);
/* Every such widget, in tree order. */
GPtrArray *hd_find_widgets             (GtkWidget        *root,
                                        GType             type,
                                        HdWidgetPredicate predicate,
                                        gpointer          data);
/* The first GtkLabel under @root whose text is @text. */
GtkWidget *hd_find_label               (GtkWidget        *root,
                                        const char       *text);
/* The text of a GtkLabel or a GtkInscription (the ticket list's cells),
 * else NULL. */
const char *hd_widget_get_text         (GtkWidget        *widget);
/* The first GtkLabel or GtkInscription under @root whose text is @text. */
GtkWidget *hd_find_text                (GtkWidget        *root,
                                        const char       *text);
/* The AdwPreferencesRow under @root whose title is @title. */
GtkWidget *hd_find_row                 (GtkWidget        *root,
                                        GType             type,
                                        const char       *title);
/* A predicate for hd_find_widget(): the widget's builder id is @name. */
gboolean   hd_widget_has_id            (GtkWidget        *widget,
                                        gpointer          name);
/* The first widget of @type under @root whose builder id is @name;
 * asserts there is one. */
GtkWidget *hd_find_named               (GtkWidget        *root,
                                        GType             type,
                                        const char       *name);
/* A toplevel window of @type, or NULL. */
GtkWindow *hd_find_toplevel            (GType             type);

/* "HdWindow > AdwToastOverlay > GtkStack > GtkBox[2] > …": where @widget
 * sits under @root, with the sibling index and builder id where known. */
char      *hd_widget_path              (GtkWidget        *root,
                                        GtkWidget        *widget);

/* Renders @widget (a mapped window) to build-dir/@name and returns the
 * path. */
char      *hd_save_screenshot          (GtkWidget        *widget,
                                        const char       *name);

/* A registered but not running HdApplication: windows can be added to
 * it. Non-unique, so test programs running at once do not meet on the
 * bus. */
HdApplication *hd_gui_test_new_application (void);

/* A helpdesk with people (see hd_test_new_helpdesk) and the tickets of
 * hd_gui_test_seed_titles, filed by disp, req1 and req2. */
void       hd_gui_test_seed            (char        **path);
extern const char * const hd_gui_test_seed_titles[];
#define HD_GUI_TEST_N_SEEDED 5

/* Whether @list has @n_items and every one of them is loaded. */
gboolean   hd_list_model_is_loaded     (GListModel   *list,
                                        guint         n_items);
/* (transfer full): the loaded ticket titled @title in @list, or NULL. */
HdTicket  *hd_list_model_find_title    (GListModel   *list,
                                        const char   *title);

G_END_DECLS
