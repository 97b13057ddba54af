/* hd-kb-list-view.c
 *
 * The knowledge base as a list: a search as you type (the entry's own
 * 150 ms delay), a category filter from the category tree, and the
 * articles, or the search's hits with the matches in bold. Everything is
 * read by a store job; a newer query makes the older one's answer moot
 * (it is cancelled, and ignored if it arrives anyway). A tag chosen in
 * an article, or from the Tags popover (hd-tag-picker.c), narrows the
 * list, the search and the category alike; a chip above the list names it
 * and clears it.
 *
 * Nothing is read before the view is first shown: a window opens on its
 * tickets, and a knowledge base of thousands of articles costs it nothing
 * until someone looks. A change meanwhile only marks the list stale.
 *
 * The store searches any text without error: what a person types goes to
 * it as typed. Hits carry HD_MARK_START/END around matches; they become
 * markup only through hd_marked_text_to_markup(), which escapes the rest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hd-kb-list-view.h"
#include "hd-store-async.h"
#include "hd-tag-picker.h"

/* A list is a page of a window, not a report: past this, search. */
#define LIST_LIMIT   200
#define SEARCH_LIMIT 50

/* The dropdown's first two entries. */
#define CATEGORY_ALL           0
#define CATEGORY_UNCATEGORIZED (-1)

struct _HdKbListView
{
  GtkWidget      parent_instance;

  /* template widgets */
  GtkSearchEntry *search_entry;
  GtkDropDown    *category_dropdown;
  GtkStringList  *category_names;
  GtkButton      *categories_button;
  GtkMenuButton  *tags_button;
  HdTagPicker    *tag_picker;
  GtkWidget      *tag_chip;
  GtkLabel       *tag_label;
  GtkStack       *stack;
  GtkListBox     *article_list;
  GtkLabel       *more_label;
  AdwStatusPage  *empty_page;

  /* owned */
  HdStore        *store;
  HdPerson       *me;
  GCancellable   *cancellable;    /* the query running now */
  GArray         *category_ids;   /* gint64, one per dropdown entry */
  char           *categories_key; /* what the dropdown shows, to rebuild only on change */
  char           *tag;            /* NULL: every tag */

  gint64          selected;
  guint           n_shown;
  gboolean        loading;
  gboolean        stale;          /* to read when next shown */
  gboolean        filling;        /* rows or categories set by the view, not a choice */
};

G_DEFINE_FINAL_TYPE (HdKbListView, hd_kb_list_view, GTK_TYPE_WIDGET)

enum {
  ARTICLE_SELECTED,
  MANAGE_CATEGORIES,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (HdKbListView *self);

typedef struct {
  char     *search;
  gint64    category;        /* 0: all, CATEGORY_UNCATEGORIZED, else an id */
  char     *tag;             /* NULL: any */
} Query;

typedef struct {
  GPtrArray *categories;     /* HdKbCategory */
  GPtrArray *items;          /* HdArticleHit when searching, else HdArticle */
  gboolean   hits;
  gboolean   more;           /* the list was cut at its limit */
} Result;

static void
query_free (Query *q)
{
  g_free (q->search);
  g_free (q->tag);
  g_free (q);
}

static void
result_free (Result *r)
{
  g_clear_pointer (&r->categories, g_ptr_array_unref);
  g_clear_pointer (&r->items, g_ptr_array_unref);
  g_free (r);
}

static gboolean
has_words (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Jobs (worker thread) */

static const char *
category_path (GPtrArray *categories,
               gint64     id)
{
  for (guint i = 0; i < categories->len; i++)
    if (hd_kb_category_get_id (g_ptr_array_index (categories, i)) == id)
      return hd_kb_category_get_path (g_ptr_array_index (categories, i));
  return NULL;
}

/* Search has no category of its own: hits outside the chosen category
 * (and its descendants) are left out here. */
static gboolean
hit_in_category (HdArticleHit *hit,
                 gint64        category,
                 const char   *path)
{
  HdArticle *article = hd_article_hit_get_article (hit);
  const char *own = hd_article_get_category_path (article);

  if (category == CATEGORY_ALL)
    return TRUE;
  if (category == CATEGORY_UNCATEGORIZED)
    return hd_article_get_category_id (article) == 0;
  if (path == NULL || own == NULL)
    return FALSE;

  return g_str_equal (own, path) ||
         (g_str_has_prefix (own, path) && own[strlen (path)] == '/');
}

/* Nor a tag: the store keeps tags trimmed and lower-cased. */
static gboolean
hit_has_tag (HdArticleHit *hit,
             const char   *tag)
{
  const char * const *tags = hd_article_get_tags (hd_article_hit_get_article (hit));

  return tag == NULL || (tags != NULL && g_strv_contains (tags, tag));
}

static gpointer
list_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Query *q = data;
  g_autoptr(GPtrArray) categories = hd_store_list_kb_categories (store, error);
  g_autoptr(GPtrArray) items = NULL;
  Result *r;

  if (categories == NULL)
    return NULL;

  r = g_new0 (Result, 1);
  r->hits = has_words (q->search);
  if (r->hits)
    {
      const char *path = category_path (categories, q->category);

      items = hd_store_search_articles (store, q->search, SEARCH_LIMIT, error);
      for (guint i = items != NULL ? items->len : 0; i > 0; i--)
        if (!hit_in_category (g_ptr_array_index (items, i - 1), q->category, path) ||
            !hit_has_tag (g_ptr_array_index (items, i - 1), q->tag))
          g_ptr_array_remove_index (items, i - 1);
    }
  else
    {
      HdArticleFilter filter = { 0 };

      filter.category_id = q->category > 0 ? q->category : 0;
      filter.uncategorized = q->category == CATEGORY_UNCATEGORIZED;
      filter.tag = q->tag;
      filter.limit = LIST_LIMIT + 1;
      items = hd_store_list_articles (store, &filter, error);
      if (items != NULL && items->len > LIST_LIMIT)
        {
          g_ptr_array_set_size (items, LIST_LIMIT);
          r->more = TRUE;
        }
    }

  if (items == NULL)
    {
      result_free (r);
      return NULL;
    }

  r->categories = g_steal_pointer (&categories);
  r->items = g_steal_pointer (&items);
  return r;
}

/* Categories */

static gint64
chosen_category (HdKbListView *self)
{
  guint i = gtk_drop_down_get_selected (self->category_dropdown);

  if (i == GTK_INVALID_LIST_POSITION || i >= self->category_ids->len)
    return CATEGORY_ALL;
  return g_array_index (self->category_ids, gint64, i);
}

static char *
categories_key (GPtrArray *categories)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < categories->len; i++)
    {
      HdKbCategory *c = g_ptr_array_index (categories, i);

      g_string_append_printf (key, "%" G_GINT64_FORMAT ":%s\n", hd_kb_category_get_id (c),
                              hd_kb_category_get_path (c));
    }
  return g_string_free (key, FALSE);
}

/* "All", "Uncategorized", then the tree, indented by depth. The choice
 * stays while its category does; returns TRUE when it went with it (the
 * dropdown then says "All"). */
static gboolean
fill_categories (HdKbListView *self,
                 GPtrArray    *categories)
{
  g_autofree char *key = categories_key (categories);
  gint64 chosen = chosen_category (self);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->category_names));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint select = 0;

  if (g_strcmp0 (key, self->categories_key) == 0)
    return FALSE;
  g_free (self->categories_key);
  self->categories_key = g_steal_pointer (&key);

  g_array_set_size (self->category_ids, 0);
  g_ptr_array_add (names, g_strdup (_("All Categories")));
  g_array_append_val (self->category_ids, (gint64) { CATEGORY_ALL });
  g_ptr_array_add (names, g_strdup (_("Uncategorized")));
  g_array_append_val (self->category_ids, (gint64) { CATEGORY_UNCATEGORIZED });
  if (chosen == CATEGORY_UNCATEGORIZED)
    select = 1;

  for (guint i = 0; i < categories->len; i++)
    {
      HdKbCategory *c = g_ptr_array_index (categories, i);
      g_autoptr(GString) name = g_string_new (NULL);
      gint64 id = hd_kb_category_get_id (c);

      /* An em space per level: the tree's shape, in a plain list. */
      for (guint d = 0; d < hd_kb_category_get_depth (c); d++)
        g_string_append (name, "\xe2\x80\x83");
      g_string_append (name, hd_kb_category_get_name (c));
      g_ptr_array_add (names, g_string_free (g_steal_pointer (&name), FALSE));
      g_array_append_val (self->category_ids, id);
      if (id == chosen)
        select = names->len - 1;
    }
  g_ptr_array_add (names, NULL);

  self->filling = TRUE;
  gtk_string_list_splice (self->category_names, 0, n_old, (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->category_dropdown, select);
  self->filling = FALSE;
  return select == 0 && chosen != CATEGORY_ALL;
}

/* Rows */

static GtkWidget *
create_label (const char *text,
              gboolean    markup)
{
  GtkWidget *label = gtk_label_new (NULL);

  if (markup)
    gtk_label_set_markup (GTK_LABEL (label), text);
  else
    gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  return label;
}

/* A snippet is raw Markdown: its line breaks and blank lines would make
 * a list row tall and ragged, and its marks ("## ", "**", "`") are noise
 * in one line. One line of words reads better. */
static char *
one_line (const char *text)
{
  GString *line = g_string_new (NULL);
  gboolean space = FALSE;
  gboolean line_start = TRUE;

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        line_start = TRUE;
      if (g_unichar_isspace (c))
        space = line->len > 0;
      else if (c == '*' || c == '`' || (line_start && (c == '#' || c == '>')))
        continue;
      else
        {
          line_start = FALSE;
          if (space)
            g_string_append_c (line, ' ');
          g_string_append_unichar (line, c);
          space = FALSE;
        }
    }
  return g_string_free (line, FALSE);
}

static GtkWidget *
create_row (gpointer item,
            gboolean hit)
{
  HdArticle *article = hit ? hd_article_hit_get_article (item) : item;
  gboolean faq = hd_article_get_visibility (article) == HD_VISIBILITY_FAQ;
  const char *path = hd_article_get_category_path (article);
  g_autofree char *title = hit ? hd_marked_text_to_markup (hd_article_hit_get_marked_title (item),
                                                           "<b>", "</b>")
                               : g_markup_escape_text (hd_article_get_title (article), -1);
  g_autofree char *name = faq ? g_strdup_printf (_("%s, FAQ"), hd_article_get_title (article))
                              : g_strdup (hd_article_get_title (article));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title_label = create_label (title, TRUE);
  GtkWidget *where = create_label (path != NULL ? path : _("Uncategorized"), FALSE);

  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_box_append (GTK_BOX (top), title_label);
  if (faq)
    {
      GtkWidget *badge = gtk_label_new (_("FAQ"));

      gtk_widget_set_valign (badge, GTK_ALIGN_START);
      gtk_widget_add_css_class (badge, "kb-badge");
      gtk_box_append (GTK_BOX (top), badge);
    }
  gtk_box_append (GTK_BOX (box), top);

  gtk_widget_add_css_class (where, "dim-label");
  gtk_widget_add_css_class (where, "caption");
  gtk_box_append (GTK_BOX (box), where);

  if (hit)
    {
      g_autofree char *flat = one_line (hd_article_hit_get_marked_snippet (item));
      g_autofree char *snippet = hd_marked_text_to_markup (flat, "<b>", "</b>");
      GtkWidget *extract = create_label (snippet, TRUE);

      gtk_label_set_lines (GTK_LABEL (extract), 3);
      gtk_label_set_ellipsize (GTK_LABEL (extract), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (extract, "dim-label");
      gtk_box_append (GTK_BOX (box), extract);
    }

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_set_data_full (G_OBJECT (row), "hd-article-id",
                          g_memdup2 (&(gint64) { hd_article_get_id (article) }, sizeof (gint64)),
                          g_free);
  return row;
}

static gint64
row_id (GtkListBoxRow *row)
{
  gint64 *id = row != NULL ? g_object_get_data (G_OBJECT (row), "hd-article-id") : NULL;

  return id != NULL ? *id : 0;
}

static void
show_empty (HdKbListView *self,
            const char   *title,
            const char   *description)
{
  /* The description is markup; an error may quote a path or a name. */
  g_autofree char *markup = description != NULL ? g_markup_escape_text (description, -1) : NULL;

  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, markup);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
fill_rows (HdKbListView *self,
           Result       *r)
{
  GtkWidget *child;
  GtkListBoxRow *keep = NULL;
  gboolean staff = self->me != NULL && hd_person_is_staff (self->me);

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->article_list))) != NULL)
    gtk_list_box_remove (self->article_list, child);

  for (guint i = 0; i < r->items->len; i++)
    {
      GtkWidget *row = create_row (g_ptr_array_index (r->items, i), r->hits);

      gtk_list_box_append (self->article_list, row);
      if (row_id (GTK_LIST_BOX_ROW (row)) == self->selected)
        keep = GTK_LIST_BOX_ROW (row);
    }
  gtk_list_box_select_row (self->article_list, keep);
  self->filling = FALSE;
  self->n_shown = r->items->len;

  if (r->more)
    {
      g_autofree char *text = g_strdup_printf (_("The first %u articles are listed. Search or choose a category to find the others."),
                                               LIST_LIMIT);

      gtk_label_set_text (self->more_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->more_label), r->more);

  if (r->items->len > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else if (r->hits || chosen_category (self) != CATEGORY_ALL || self->tag != NULL)
    show_empty (self, _("No Matching Articles"),
                self->tag != NULL ? _("Try other words, another category, or clear the tag.")
                                  : _("Try other words, or another category."));
  else if (staff)
    show_empty (self, _("No Articles Yet"),
                _("Write down what you know: press + to add the first article."));
  else
    show_empty (self, _("No Answers Yet"), _("Common questions and their answers appear here."));
}

static void
list_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdKbListView) self = user_data;
  g_autoptr(GError) error = NULL;
  Result *r = hd_store_run_finish (HD_STORE (source), result, &error);

  if (r == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->loading = FALSE;
          self->n_shown = 0;
          show_empty (self, _("The Knowledge Base Could Not Be Read"), error->message);
        }
      return;
    }

  self->loading = FALSE;
  if (fill_categories (self, r->categories))
    {
      /* The category listed was deleted: the list follows the dropdown. */
      result_free (r);
      load (self);
      return;
    }
  fill_rows (self, r);
  result_free (r);
}

static void
load (HdKbListView *self)
{
  Query *q;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->loading = FALSE;
  if (self->store == NULL)
    return;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }

  self->stale = FALSE;
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  q = g_new0 (Query, 1);
  q->search = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  q->category = chosen_category (self);
  q->tag = g_strdup (self->tag);
  hd_store_run_async (self->store, list_job, q, (GDestroyNotify) query_free,
                      (GDestroyNotify) result_free, self->cancellable, list_done,
                      g_object_ref (self));
}

/* Signal callbacks */

static void
search_changed_cb (HdKbListView *self)
{
  load (self);
}

static void
category_changed_cb (HdKbListView *self)
{
  if (!self->filling)
    load (self);
}

static void
categories_clicked_cb (HdKbListView *self)
{
  g_signal_emit (self, signals[MANAGE_CATEGORIES], 0);
}

static void
tag_chosen_cb (HdKbListView *self,
               const char   *tag)
{
  hd_kb_list_view_set_tag (self, tag);
}

static void
show_tag_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  hd_kb_list_view_set_tag (HD_KB_LIST_VIEW (widget), g_variant_get_string (parameter, NULL));
}

static void
clear_tag_clicked_cb (HdKbListView *self)
{
  /* The chip goes with its button: focus stays in the pane. */
  hd_kb_list_view_set_tag (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
row_selected_cb (HdKbListView  *self,
                 GtkListBoxRow *row)
{
  if (self->filling || row == NULL)
    return;

  self->selected = row_id (row);
  g_signal_emit (self, signals[ARTICLE_SELECTED], 0, self->selected);
}

static void
row_activated_cb (HdKbListView  *self,
                  GtkListBoxRow *row)
{
  /* Chosen again (a folded window went back to the list): shown again. */
  self->selected = row_id (row);
  g_signal_emit (self, signals[ARTICLE_SELECTED], 0, self->selected);
}

/* GtkWidget */

static void
hd_kb_list_view_map (GtkWidget *widget)
{
  HdKbListView *self = HD_KB_LIST_VIEW (widget);

  GTK_WIDGET_CLASS (hd_kb_list_view_parent_class)->map (widget);
  if (self->stale)
    load (self);
}

/* GObject */

static void
hd_kb_list_view_dispose (GObject *object)
{
  HdKbListView *self = (HdKbListView *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_KB_LIST_VIEW);
  /* Only bound direct children are unparented above; ours is a box. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_object (&self->me);

  G_OBJECT_CLASS (hd_kb_list_view_parent_class)->dispose (object);
}

static void
hd_kb_list_view_finalize (GObject *object)
{
  HdKbListView *self = (HdKbListView *) object;

  g_array_unref (self->category_ids);
  g_free (self->categories_key);
  g_free (self->tag);

  G_OBJECT_CLASS (hd_kb_list_view_parent_class)->finalize (object);
}

static void
hd_kb_list_view_class_init (HdKbListViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_kb_list_view_dispose;
  object_class->finalize = hd_kb_list_view_finalize;
  widget_class->map = hd_kb_list_view_map;

  /**
   * HdKbListView::article-selected:
   * @id: the article chosen
   */
  signals[ARTICLE_SELECTED] = g_signal_new ("article-selected", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * HdKbListView::manage-categories:
   *
   * Staff asked to arrange the categories (the button beside the
   * category filter; requesters do not see it).
   */
  signals[MANAGE_CATEGORIES] = g_signal_new ("manage-categories", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);

  g_type_ensure (HD_TYPE_TAG_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-kb-list-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, category_names);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, categories_button);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, tags_button);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, tag_picker);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, tag_chip);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, tag_label);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, stack);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, article_list);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, more_label);
  gtk_widget_class_bind_template_child (widget_class, HdKbListView, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, category_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, categories_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_tag_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, tag_chosen_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_install_action (widget_class, "kb.show-tag", "s", show_tag_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hd_kb_list_view_init (HdKbListView *self)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  self->category_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_init_template (GTK_WIDGET (self));
  fill_categories (self, none);
  show_empty (self, _("No Articles Yet"), NULL);
}

/* Public API */

GtkWidget *
hd_kb_list_view_new (void)
{
  return g_object_new (HD_TYPE_KB_LIST_VIEW, NULL);
}

/**
 * hd_kb_list_view_set_store:
 * @store: (nullable): used only through jobs
 * @me: (nullable): who is looking; requesters read FAQ articles only (the
 *   store sees to that), and only staff may arrange the categories of a
 *   file they can write
 */
void
hd_kb_list_view_set_store (HdKbListView *self,
                           HdStore      *store,
                           HdPerson     *me)
{
  g_return_if_fail (HD_IS_KB_LIST_VIEW (self));

  g_set_object (&self->store, store);
  g_set_object (&self->me, me);
  gtk_widget_set_visible (GTK_WIDGET (self->categories_button),
                          store != NULL && me != NULL && hd_person_is_staff (me) &&
                          hd_store_can_write (store));
  self->selected = 0;
  g_clear_pointer (&self->categories_key, g_free);
  g_clear_pointer (&self->tag, g_free);
  gtk_widget_set_visible (self->tag_chip, FALSE);
  hd_tag_picker_set_store (self->tag_picker, store);
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  self->filling = FALSE;
  load (self);
}

/**
 * hd_kb_list_view_reload:
 *
 * Reads the list again (the file changed), keeping the search, the
 * category and the chosen article; a view not shown reads it when shown.
 */
void
hd_kb_list_view_reload (HdKbListView *self)
{
  g_return_if_fail (HD_IS_KB_LIST_VIEW (self));
  hd_tag_picker_invalidate (self->tag_picker);
  load (self);
}

void
hd_kb_list_view_focus_search (HdKbListView *self)
{
  g_return_if_fail (HD_IS_KB_LIST_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

const char *
hd_kb_list_view_get_search (HdKbListView *self)
{
  g_return_val_if_fail (HD_IS_KB_LIST_VIEW (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

/**
 * hd_kb_list_view_select:
 * @id: an article; 0 selects nothing
 *
 * Marks the article's row as chosen when it is listed, without
 * announcing it: the caller shows the article itself.
 */
void
hd_kb_list_view_select (HdKbListView *self,
                        gint64        id)
{
  GtkListBoxRow *row = NULL;

  g_return_if_fail (HD_IS_KB_LIST_VIEW (self));

  self->selected = id;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->article_list));
       child != NULL && id != 0;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && row_id (GTK_LIST_BOX_ROW (child)) == id)
      row = GTK_LIST_BOX_ROW (child);

  self->filling = TRUE;
  gtk_list_box_select_row (self->article_list, row);
  self->filling = FALSE;
}

gint64
hd_kb_list_view_get_selected (HdKbListView *self)
{
  g_return_val_if_fail (HD_IS_KB_LIST_VIEW (self), 0);
  return self->selected;
}

/* How many articles (or hits) the list shows now. */
guint
hd_kb_list_view_get_n_shown (HdKbListView *self)
{
  g_return_val_if_fail (HD_IS_KB_LIST_VIEW (self), 0);
  return self->n_shown;
}

/* Whether a query is still being answered. */
gboolean
hd_kb_list_view_is_loading (HdKbListView *self)
{
  g_return_val_if_fail (HD_IS_KB_LIST_VIEW (self), FALSE);
  return self->loading;
}

/**
 * hd_kb_list_view_set_tag:
 * @tag: (nullable): list only the articles with this tag; NULL or empty
 *   lists them all
 *
 * Combined with the category and the search. The list is read again.
 */
void
hd_kb_list_view_set_tag (HdKbListView *self,
                         const char   *tag)
{
  g_autofree char *text = NULL;

  g_return_if_fail (HD_IS_KB_LIST_VIEW (self));

  if (tag != NULL && tag[0] == '\0')
    tag = NULL;
  if (g_strcmp0 (tag, self->tag) == 0)
    return;

  g_free (self->tag);
  self->tag = g_strdup (tag);
  /* Plain text: a tag is whatever someone typed, "<b>" included. */
  text = tag != NULL ? g_strdup_printf (_("Tag: %s"), tag) : NULL;
  gtk_label_set_text (self->tag_label, text != NULL ? text : "");
  gtk_widget_set_visible (self->tag_chip, tag != NULL);
  load (self);
}

/* Returns: (nullable): the tag the list is narrowed to */
const char *
hd_kb_list_view_get_tag (HdKbListView *self)
{
  g_return_val_if_fail (HD_IS_KB_LIST_VIEW (self), NULL);
  return self->tag;
}
