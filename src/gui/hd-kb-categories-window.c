/* hd-kb-categories-window.c
 *
 * Staff arrange the knowledge base's category tree. The list shows the
 * tree indented, each category with its articles; a row opens the
 * category's form (its name, the category it sits in, Delete), "+" an
 * empty one. Every read and write is a store job, and the core decides
 * (staff only; names one line, without "/", unique among siblings; no
 * category inside itself; only empty ones deleted): a refusal is shown
 * under the form, with what was typed kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-kb-categories-window.h"
#include "hd-validate.h"

/* Pixels per level of the tree in the list. */
#define INDENT 24

struct _HdKbCategoriesWindow
{
  HdStackWindow        parent_instance;

  /* template widgets */
  GtkListBox          *category_list;
  AdwEntryRow         *name_row;
  AdwComboRow         *parent_row;
  GtkStringList       *parents;
  AdwPreferencesGroup *delete_group;
  GtkLabel            *delete_note;

  /* owned */
  GPtrArray           *categories;  /* HdKbCategory, depth first, as last read */
  GArray              *parent_ids;  /* gint64 per entry of parents; 0: the top level */
  HdKbCategory        *editing;     /* NULL while adding */
};

G_DEFINE_FINAL_TYPE (HdKbCategoriesWindow, hd_kb_categories_window, HD_TYPE_STACK_WINDOW)

/* Helpers */

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* In a depth-first list, a category's subcategories follow it one level
 * deeper. */
static gboolean
has_subcategories (GPtrArray    *categories,
                   HdKbCategory *category)
{
  gint64 id = hd_kb_category_get_id (category);

  for (guint i = 0; i + 1 < categories->len; i++)
    if (hd_kb_category_get_id (g_ptr_array_index (categories, i)) == id)
      return hd_kb_category_get_depth (g_ptr_array_index (categories, i + 1)) >
             hd_kb_category_get_depth (g_ptr_array_index (categories, i));
  return FALSE;
}

static char *
describe (HdKbCategory *category)
{
  guint n = hd_kb_category_get_n_articles (category);

  if (n == 0)
    return g_strdup (_("No articles"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u article", "%u articles", n), n);
}

/* The list */

static GtkWidget *
create_row (HdKbCategoriesWindow *self,
            HdKbCategory         *category)
{
  g_autofree char *subtitle = describe (category);
  GtkWidget *row = hd_stack_window_create_row (HD_STACK_WINDOW (self),
                                               hd_kb_category_get_name (category), subtitle,
                                               g_object_ref (category), g_object_unref);
  GtkWidget *icon = gtk_image_new_from_icon_name ("folder-symbolic");

  /* The tree's shape: one step in per level. */
  gtk_widget_set_margin_start (icon, INDENT * (int) hd_kb_category_get_depth (category));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static void
set_categories (HdStackWindow *stack_window,
                gpointer       result)
{
  HdKbCategoriesWindow *self = HD_KB_CATEGORIES_WINDOW (stack_window);
  GPtrArray *categories = result;
  GtkListBoxRow *row;

  g_ptr_array_unref (self->categories);
  self->categories = g_ptr_array_ref (categories);

  /* Rows only: the placeholder is a child too, and stays. */
  while ((row = gtk_list_box_get_row_at_index (self->category_list, 0)) != NULL)
    gtk_list_box_remove (self->category_list, GTK_WIDGET (row));
  for (guint i = 0; i < categories->len; i++)
    gtk_list_box_append (self->category_list,
                         create_row (self, g_ptr_array_index (categories, i)));
}

static gpointer
list_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  return hd_store_list_kb_categories (store, error);
}

/* The form */

/* "Top Level", then every category the one edited may move into: not
 * itself, nor any below it. */
static void
fill_parents (HdKbCategoriesWindow *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->parents));
  gint64 editing = self->editing != NULL ? hd_kb_category_get_id (self->editing) : 0;
  gint64 parent = self->editing != NULL ? hd_kb_category_get_parent_id (self->editing) : 0;
  guint below = G_MAXUINT;   /* the depth of the category edited while in its subtree */
  guint select = 0;

  g_array_set_size (self->parent_ids, 0);
  g_ptr_array_add (names, (gpointer) _("Top Level"));
  g_array_append_val (self->parent_ids, (gint64) { 0 });

  for (guint i = 0; i < self->categories->len; i++)
    {
      HdKbCategory *c = g_ptr_array_index (self->categories, i);
      gint64 id = hd_kb_category_get_id (c);
      guint depth = hd_kb_category_get_depth (c);

      if (below != G_MAXUINT && depth > below)
        continue;
      below = G_MAXUINT;
      if (id == editing)
        {
          below = depth;
          continue;
        }

      if (id == parent)
        select = names->len;
      g_ptr_array_add (names, (gpointer) hd_kb_category_get_path (c));
      g_array_append_val (self->parent_ids, id);
    }
  g_ptr_array_add (names, NULL);

  gtk_string_list_splice (self->parents, 0, n_old, (const char * const *) names->pdata);
  adw_combo_row_set_selected (self->parent_row, select);
}

static gint64
chosen_parent (HdKbCategoriesWindow *self)
{
  guint i = adw_combo_row_get_selected (self->parent_row);

  return i < self->parent_ids->len ? g_array_index (self->parent_ids, gint64, i) : 0;
}

/* The core's own check of a name, as it is typed; the rest (no "/", no
 * twin among its siblings) it says on saving. */
static void
validate_cb (HdKbCategoriesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (text_of (self->name_row)));
  gboolean ok = hd_validate_line (_("The category name"), name, HD_MAX_LINE_CHARS, TRUE, &error);

  /* No complaint about the empty form before anything is typed. */
  hd_stack_window_show_error (HD_STACK_WINDOW (self),
                              text_of (self->name_row)[0] != '\0' ? error : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "categories.save", ok);
}

static void
show_list (HdStackWindow *stack_window)
{
  HdKbCategoriesWindow *self = HD_KB_CATEGORIES_WINDOW (stack_window);

  g_clear_object (&self->editing);
  hd_stack_window_show_page (stack_window, FALSE, _("Categories"));
  gtk_widget_grab_focus (GTK_WIDGET (self->category_list));
}

/* @item: (nullable): the HdKbCategory to edit; %NULL adds one */
static void
show_form (HdStackWindow *stack_window,
           gpointer       item)
{
  HdKbCategoriesWindow *self = HD_KB_CATEGORIES_WINDOW (stack_window);
  HdKbCategory *category = item;
  gboolean empty;

  g_set_object (&self->editing, category);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row),
                         category != NULL ? hd_kb_category_get_name (category) : "");
  fill_parents (self);

  /* Articles archived in it count too; the core says so if there are. */
  empty = category != NULL && hd_kb_category_get_n_articles (category) == 0 &&
          !has_subcategories (self->categories, category);
  gtk_widget_set_visible (GTK_WIDGET (self->delete_group), category != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->delete_note), category != NULL && !empty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "categories.delete", empty);
  hd_stack_window_show_error (stack_window, NULL);
  validate_cb (self);

  hd_stack_window_show_page (stack_window, TRUE,
                             category != NULL ? hd_kb_category_get_path (category)
                                              : _("New Category"));
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

/* Adding, changing and deleting */

typedef struct {
  gint64    id;          /* 0: add */
  char     *name;
  gint64    parent_id;
  gboolean  move;
  gboolean  delete;
  char     *path;        /* deleting: what it was called */
} Change;

static void
change_free (Change *change)
{
  g_free (change->name);
  g_free (change->path);
  g_free (change);
}

/* Returns what to say once done. */
static gpointer
change_job (HdStore  *store,
            gpointer  data,
            GError  **error)
{
  Change *change = data;
  g_autoptr(HdKbCategory) category = NULL;

  if (change->delete)
    return hd_store_delete_kb_category (store, change->id, error)
           ? g_strdup_printf (_("“%s” deleted"), change->path) : NULL;

  if (change->id == 0)
    category = hd_store_add_kb_category (store, change->parent_id, change->name, error);
  else if (change->move)
    category = hd_store_change_kb_category (store, change->id, change->name, change->parent_id,
                                            error);
  else
    category = hd_store_rename_kb_category (store, change->id, change->name, error);
  if (category == NULL)
    return NULL;

  return g_strdup_printf (change->id == 0 ? _("“%s” added") : _("“%s” saved"),
                          hd_kb_category_get_path (category));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdKbCategoriesWindow *self = HD_KB_CATEGORIES_WINDOW (widget);
  g_autofree char *name = g_strstrip (g_strdup (text_of (self->name_row)));
  Change *change = g_new0 (Change, 1);

  change->parent_id = chosen_parent (self);
  if (self->editing != NULL)
    {
      change->id = hd_kb_category_get_id (self->editing);
      change->move = change->parent_id != hd_kb_category_get_parent_id (self->editing);
      if (!change->move && g_str_equal (name, hd_kb_category_get_name (self->editing)))
        {
          change_free (change);
          show_list (HD_STACK_WINDOW (self));
          return;
        }
    }
  change->name = g_steal_pointer (&name);

  hd_stack_window_run_change (HD_STACK_WINDOW (self), change_job, change,
                              (GDestroyNotify) change_free);
}

static void
delete_response_cb (AdwMessageDialog     *dialog,
                    const char           *response,
                    HdKbCategoriesWindow *self)
{
  Change *change;

  if (g_strcmp0 (response, "delete") != 0 || self->editing == NULL)
    return;

  change = g_new0 (Change, 1);
  change->id = hd_kb_category_get_id (self->editing);
  change->delete = TRUE;
  change->path = g_strdup (hd_kb_category_get_path (self->editing));
  hd_stack_window_run_change (HD_STACK_WINDOW (self), change_job, change,
                              (GDestroyNotify) change_free);
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HdKbCategoriesWindow *self = HD_KB_CATEGORIES_WINDOW (widget);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  g_return_if_fail (self->editing != NULL);

  /* The body is plain text (body-use-markup is off): the name as typed. */
  body = g_strdup_printf (_("The empty category “%s” will be removed from the knowledge base."),
                          hd_kb_category_get_path (self->editing));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete Category?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject */

static void
hd_kb_categories_window_dispose (GObject *object)
{
  HdKbCategoriesWindow *self = (HdKbCategoriesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_KB_CATEGORIES_WINDOW);
  g_clear_object (&self->editing);

  G_OBJECT_CLASS (hd_kb_categories_window_parent_class)->dispose (object);
}

static void
hd_kb_categories_window_finalize (GObject *object)
{
  HdKbCategoriesWindow *self = (HdKbCategoriesWindow *) object;

  g_ptr_array_unref (self->categories);
  g_array_unref (self->parent_ids);

  G_OBJECT_CLASS (hd_kb_categories_window_parent_class)->finalize (object);
}

static const char * const categories_tables[] = { "kb_categories", "kb_articles", NULL };

static void
hd_kb_categories_window_class_init (HdKbCategoriesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HdStackWindowClass *stack_window_class = HD_STACK_WINDOW_CLASS (klass);

  object_class->dispose = hd_kb_categories_window_dispose;
  object_class->finalize = hd_kb_categories_window_finalize;

  /* HdStackWindow::changed: a category was added, renamed, moved or
   * deleted. */
  stack_window_class->load_job = list_job;
  stack_window_class->load_free = (GDestroyNotify) g_ptr_array_unref;
  stack_window_class->loaded = set_categories;
  stack_window_class->tables = categories_tables;
  stack_window_class->show_list = show_list;
  stack_window_class->show_form = show_form;

  hd_stack_window_class_set_template_from_resource (widget_class,
                                                    "/io/github/helpdesk/Helpdesk/hd-kb-categories-window.ui",
                                                    "categories");
  gtk_widget_class_bind_template_child (widget_class, HdKbCategoriesWindow, category_list);
  gtk_widget_class_bind_template_child (widget_class, HdKbCategoriesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, HdKbCategoriesWindow, parent_row);
  gtk_widget_class_bind_template_child (widget_class, HdKbCategoriesWindow, parents);
  gtk_widget_class_bind_template_child (widget_class, HdKbCategoriesWindow, delete_group);
  gtk_widget_class_bind_template_child (widget_class, HdKbCategoriesWindow, delete_note);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);

  gtk_widget_class_install_action (widget_class, "categories.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "categories.delete", NULL, delete_activated);
}

static void
hd_kb_categories_window_init (HdKbCategoriesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->categories = g_ptr_array_new_with_free_func (g_object_unref);
  self->parent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/**
 * hd_kb_categories_window_new:
 * @store: a staff member's store, used only through jobs
 */
GtkWidget *
hd_kb_categories_window_new (GtkWindow *parent,
                             HdStore   *store)
{
  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  return g_object_new (HD_TYPE_KB_CATEGORIES_WINDOW, "transient-for", parent, "store", store,
                       NULL);
}
