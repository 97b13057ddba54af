/* hd-tag-picker.c
 *
 * The Tags button's popover: a search entry over the list of the tags of
 * the articles the person may see. A knowledge base may hold thousands of
 * tags, so nothing is read or built before the popover is first shown:
 * then one store job reads them into a string list, which a GtkListView
 * shows lazily (widgets for the rows in view only) and a string filter
 * narrows as one types. Thousands of short strings filter in well under
 * a frame; a list of many more would be searched in the file instead.
 *
 * Keys: typing goes to the entry, Down moves into the list, Enter picks
 * the highlighted tag (the first match, from the entry), Escape closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-store-async.h"
#include "hd-tag-picker.h"

struct _HdTagPicker
{
  GtkPopover          parent_instance;

  /* template widgets */
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;
  GtkStringList      *tags;
  GtkStringFilter    *filter;
  GtkSingleSelection *selection;
  GtkLabel           *empty_label;

  /* owned */
  HdStore            *store;
  GCancellable       *cancellable;  /* the read running now */
  gboolean            stale;        /* read the tags again when shown */
  gboolean            loading;
};

G_DEFINE_FINAL_TYPE (HdTagPicker, hd_tag_picker, GTK_TYPE_POPOVER)

enum {
  TAG_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Reading the tags (a store job) */

/* A file written by other tools may hold tags that are not UTF-8: shown
 * with replacement characters, never handed to Pango as they are. */
static gpointer
tags_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  char **tags = hd_store_list_kb_tags (store, error);

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (!g_utf8_validate (tags[i], -1, NULL))
      {
        char *valid = g_utf8_make_valid (tags[i], -1);

        g_free (tags[i]);
        tags[i] = valid;
      }
  return tags;
}

static void
show_state (HdTagPicker *self)
{
  guint n_tags = g_list_model_get_n_items (G_LIST_MODEL (self->tags));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  if (n_shown > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "list");
      return;
    }

  if (self->loading)
    gtk_label_set_text (self->empty_label, _("Reading the tags…"));
  else if (n_tags == 0)
    gtk_label_set_text (self->empty_label, _("No article has a tag yet."));
  else
    gtk_label_set_text (self->empty_label, _("No tag contains these letters."));
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
tags_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdTagPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) tags = hd_store_run_finish (HD_STORE (source), result, &error);
  guint n_old;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (tags == NULL)
    {
      /* Read again the next time the popover opens. */
      self->stale = TRUE;
      gtk_label_set_text (self->empty_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->tags));
  gtk_string_list_splice (self->tags, 0, n_old, (const char * const *) tags);
  show_state (self);
}

static void
load (HdTagPicker *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->stale = FALSE;
  self->loading = TRUE;
  show_state (self);
  hd_store_run_async (self->store, tags_job, NULL, NULL, (GDestroyNotify) g_strfreev,
                      self->cancellable, tags_done, g_object_ref (self));
}

static void
choose (HdTagPicker *self,
        guint        position)
{
  g_autoptr(GtkStringObject) tag = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (tag == NULL)
    return;

  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[TAG_CHOSEN], 0, gtk_string_object_get_string (tag));
}

/* Signal callbacks */

static void
search_changed_cb (HdTagPicker *self)
{
  gtk_string_filter_set_search (self->filter,
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  show_state (self);
}

static void
search_activate_cb (HdTagPicker *self)
{
  choose (self, gtk_single_selection_get_selected (self->selection));
}

static void
stop_search_cb (HdTagPicker *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
list_activate_cb (HdTagPicker *self,
                  guint        position)
{
  choose (self, position);
}

/* Down (or Page Down) in the entry goes into the list, at the tag that
 * Enter would pick, so that a screen reader reads each tag as it is
 * reached; Up there goes back to the entry. */
static gboolean
search_key_pressed_cb (HdTagPicker     *self,
                       guint            keyval,
                       guint            keycode,
                       GdkModifierType  state)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down &&
      keyval != GDK_KEY_Page_Down && keyval != GDK_KEY_KP_Page_Down)
    return GDK_EVENT_PROPAGATE;
  if (position == GTK_INVALID_LIST_POSITION)
    return GDK_EVENT_STOP;

  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  return GDK_EVENT_STOP;
}

static gboolean
list_key_pressed_cb (HdTagPicker     *self,
                     guint            keyval,
                     guint            keycode,
                     GdkModifierType  state)
{
  if ((keyval != GDK_KEY_Up && keyval != GDK_KEY_KP_Up) ||
      gtk_single_selection_get_selected (self->selection) != 0)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return GDK_EVENT_STOP;
}

/* GtkWidget */

static void
hd_tag_picker_show (GtkWidget *widget)
{
  HdTagPicker *self = HD_TAG_PICKER (widget);

  /* A fresh search each time, and the tags as they are now. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  if (self->stale)
    load (self);

  GTK_WIDGET_CLASS (hd_tag_picker_parent_class)->show (widget);
}

static void
hd_tag_picker_map (GtkWidget *widget)
{
  HdTagPicker *self = HD_TAG_PICKER (widget);

  GTK_WIDGET_CLASS (hd_tag_picker_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* GObject */

static void
hd_tag_picker_dispose (GObject *object)
{
  HdTagPicker *self = (HdTagPicker *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_TAG_PICKER);

  G_OBJECT_CLASS (hd_tag_picker_parent_class)->dispose (object);
}

static void
hd_tag_picker_class_init (HdTagPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_tag_picker_dispose;
  widget_class->show = hd_tag_picker_show;
  widget_class->map = hd_tag_picker_map;

  /**
   * HdTagPicker::tag-chosen:
   * @tag: the tag, as the store keeps it
   */
  signals[TAG_CHOSEN] = g_signal_new ("tag-chosen", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-tag-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, HdTagPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HdTagPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, HdTagPicker, list_view);
  gtk_widget_class_bind_template_child (widget_class, HdTagPicker, tags);
  gtk_widget_class_bind_template_child (widget_class, HdTagPicker, filter);
  gtk_widget_class_bind_template_child (widget_class, HdTagPicker, selection);
  gtk_widget_class_bind_template_child (widget_class, HdTagPicker, empty_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_key_pressed_cb);
}

static void
hd_tag_picker_init (HdTagPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Letters typed while the list has the focus go on the search. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));
  self->stale = TRUE;
  show_state (self);
}

/* Public API */

GtkWidget *
hd_tag_picker_new (void)
{
  return g_object_new (HD_TYPE_TAG_PICKER, NULL);
}

/**
 * hd_tag_picker_set_store:
 * @store: (nullable): whose tags to offer, read through jobs when the
 *   popover is shown
 */
void
hd_tag_picker_set_store (HdTagPicker *self,
                         HdStore     *store)
{
  g_return_if_fail (HD_IS_TAG_PICKER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->store, store);
  self->loading = FALSE;
  gtk_string_list_splice (self->tags, 0, g_list_model_get_n_items (G_LIST_MODEL (self->tags)),
                          NULL);
  hd_tag_picker_invalidate (self);
}

/**
 * hd_tag_picker_invalidate:
 *
 * The tags may have changed: read them again now if the popover is
 * open, else when it is next shown.
 */
void
hd_tag_picker_invalidate (HdTagPicker *self)
{
  g_return_if_fail (HD_IS_TAG_PICKER (self));

  self->stale = TRUE;
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    load (self);
  else
    show_state (self);
}

/**
 * hd_tag_picker_get_shown:
 *
 * Returns: (transfer none): the tags shown now, as GtkStringObjects
 */
GListModel *
hd_tag_picker_get_shown (HdTagPicker *self)
{
  g_return_val_if_fail (HD_IS_TAG_PICKER (self), NULL);
  return G_LIST_MODEL (self->selection);
}

gboolean
hd_tag_picker_is_loading (HdTagPicker *self)
{
  g_return_val_if_fail (HD_IS_TAG_PICKER (self), FALSE);
  return self->loading;
}
