/* hd-people-window.c
 *
 * The dispatcher's list of people: staff with their tier, and requesters.
 * A row opens the person's form; "+" opens an empty one. Every read and
 * write is a store job, and the core's rules decide (only the dispatcher
 * manages people, the last dispatcher stays one): a refusal is shown
 * under the form with everything typed kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-people-window.h"
#include "hd-store-async.h"
#include "hd-validate.h"

struct _HdPeopleWindow
{
  AdwWindow       parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkButton       *back_button;
  GtkButton       *add_button;
  GtkButton       *save_button;
  GtkStack        *stack;
  GtkListBox      *staff_list;
  GtkListBox      *requester_list;
  AdwEntryRow     *login_row;
  AdwEntryRow     *name_row;
  AdwEntryRow     *email_row;
  AdwComboRow     *role_row;
  GtkStringList   *roles;
  AdwComboRow     *tier_row;
  GtkStringList   *tiers;
  AdwActionRow    *active_row;
  GtkSwitch       *active_switch;
  AdwEntryRow     *department_row;
  AdwEntryRow     *location_row;
  GtkLabel        *form_error;

  /* owned */
  HdStore         *store;
  GCancellable    *cancellable;
  HdPerson        *editing;   /* NULL while adding */
};

G_DEFINE_FINAL_TYPE (HdPeopleWindow, hd_people_window, ADW_TYPE_WINDOW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_form (HdPeopleWindow *self,
                       HdPerson       *person);

/* The list */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static char *
describe (HdPerson *person)
{
  g_autoptr(GString) text = g_string_new (hd_person_get_login (person));

  if (hd_person_is_staff (person))
    g_string_append_printf (text, _(" · %s, tier %d"),
                            hd_role_to_label (hd_person_get_role (person)),
                            hd_person_get_tier (person));
  if (hd_person_get_email (person) != NULL)
    g_string_append_printf (text, " · %s", hd_person_get_email (person));
  if (!hd_person_get_active (person))
    g_string_append (text, _(" · no longer active"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
row_activated_cb (AdwActionRow   *row,
                  HdPeopleWindow *self)
{
  show_form (self, g_object_get_data (G_OBJECT (row), "hd-person"));
}

static GtkWidget *
create_row (HdPeopleWindow *self,
            HdPerson       *person)
{
  g_autofree char *subtitle = describe (person);
  GtkWidget *row = adw_action_row_new ();

  /* People's names are their own text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), hd_person_get_name (person));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (!hd_person_get_active (person))
    gtk_widget_add_css_class (row, "dim-label");
  g_object_set_data_full (G_OBJECT (row), "hd-person", g_object_ref (person), g_object_unref);
  g_signal_connect_object (row, "activated", G_CALLBACK (row_activated_cb), self, 0);
  return row;
}

static gpointer
people_job (HdStore  *store,
            gpointer  data,
            GError  **error)
{
  return hd_store_list_people (store, error);
}

static void
people_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HdPeopleWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = hd_store_run_finish (HD_STORE (source), result, &error);

  if (people == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *escaped = g_markup_escape_text (error->message, -1);

          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
        }
      return;
    }

  clear_list (self->staff_list);
  clear_list (self->requester_list);
  for (guint i = 0; i < people->len; i++)
    {
      HdPerson *person = g_ptr_array_index (people, i);

      gtk_list_box_append (hd_person_is_staff (person) ? self->staff_list
                                                       : self->requester_list,
                           create_row (self, person));
    }
}

static void
reload (HdPeopleWindow *self)
{
  hd_store_run_async (self->store, people_job, NULL, NULL, (GDestroyNotify) g_ptr_array_unref,
                      self->cancellable, people_done, g_object_ref (self));
}

/* The form */

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
show_error (HdPeopleWindow *self,
            const GError   *error)
{
  gtk_label_set_text (self->form_error, error != NULL ? error->message : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), error != NULL);
}

/* The core's own checks, as the person types. */
static void
validate_cb (HdPeopleWindow *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = (self->editing != NULL || hd_validate_login (text_of (self->login_row), &error)) &&
       hd_validate_line (_("The name"), text_of (self->name_row), HD_MAX_LINE_CHARS, TRUE,
                         &error) &&
       (text_of (self->email_row)[0] == '\0' ||
        hd_validate_email (text_of (self->email_row), &error)) &&
       hd_validate_line (_("The department"), text_of (self->department_row),
                         HD_MAX_LINE_CHARS, FALSE, &error) &&
       hd_validate_line (_("The location"), text_of (self->location_row), HD_MAX_LINE_CHARS,
                         FALSE, &error);

  /* No complaint about the empty form before anything is typed. */
  show_error (self, text_of (self->login_row)[0] != '\0' ? error : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.save", ok);
}

static HdRole
selected_role (HdPeopleWindow *self)
{
  return (HdRole) adw_combo_row_get_selected (self->role_row);
}

static void
role_changed_cb (HdPeopleWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->tier_row), selected_role (self) != HD_ROLE_REQUESTER);
}

static void
show_list (HdPeopleWindow *self)
{
  g_clear_object (&self->editing);
  gtk_stack_set_visible_child_name (self->stack, "list");
  adw_window_title_set_title (self->window_title, _("People"));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), TRUE);
}

/* @person: (nullable): who to edit; %NULL adds someone */
static void
show_form (HdPeopleWindow *self,
           HdPerson       *person)
{
  g_set_object (&self->editing, person);

  set_text (self->login_row, person != NULL ? hd_person_get_login (person) : NULL);
  set_text (self->name_row, person != NULL ? hd_person_get_name (person) : NULL);
  set_text (self->email_row, person != NULL ? hd_person_get_email (person) : NULL);
  set_text (self->department_row, person != NULL ? hd_person_get_department (person) : NULL);
  set_text (self->location_row, person != NULL ? hd_person_get_location (person) : NULL);
  adw_combo_row_set_selected (self->role_row, person != NULL ? hd_person_get_role (person)
                                                             : HD_ROLE_TECHNICIAN);
  adw_combo_row_set_selected (self->tier_row, person != NULL && hd_person_get_tier (person) > 0
                                              ? (guint) hd_person_get_tier (person) - 1 : 0);
  gtk_switch_set_active (self->active_switch, person == NULL || hd_person_get_active (person));

  /* The login is who someone is in the file: set once. */
  gtk_editable_set_editable (GTK_EDITABLE (self->login_row), person == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->login_row), person == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->active_row), person != NULL);
  role_changed_cb (self);
  show_error (self, NULL);
  validate_cb (self);

  adw_window_title_set_title (self->window_title,
                              person != NULL ? hd_person_get_name (person) : _("New Person"));
  gtk_stack_set_visible_child_name (self->stack, "form");
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (person != NULL ? self->name_row : self->login_row));
}

/* Saving */

typedef struct {
  char            *login;       /* set: an update */
  HdPersonDraft    draft;       /* strings owned */
  HdPersonChanges  changes;     /* strings owned */
} Save;

static void
save_free (Save *save)
{
  g_free (save->login);
  g_free ((char *) save->draft.login);
  g_free ((char *) save->draft.name);
  g_free ((char *) save->draft.email);
  g_free ((char *) save->draft.department);
  g_free ((char *) save->draft.location);
  g_free ((char *) save->changes.name);
  g_free ((char *) save->changes.email);
  g_free ((char *) save->changes.department);
  g_free ((char *) save->changes.location);
  g_free (save);
}

static gpointer
save_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Save *save = data;

  if (save->login != NULL)
    return hd_store_update_person (store, save->login, &save->changes, error);

  return hd_store_add_person (store, &save->draft, error);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdPeopleWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdPerson) person = hd_store_run_finish (HD_STORE (source), result, &error);
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  if (person == NULL)
    {
      /* Everything typed stays; the reason shows under the form. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  text = g_strdup_printf (_("%s saved"), hd_person_get_name (person));
  escaped = g_markup_escape_text (text, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
  g_signal_emit (self, signals[CHANGED], 0);
  show_list (self);
  reload (self);
}

static char *
optional (AdwEntryRow *row)
{
  return g_strdup (text_of (row));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdPeopleWindow *self = HD_PEOPLE_WINDOW (widget);
  Save *save = g_new0 (Save, 1);
  HdRole role = selected_role (self);
  int tier = role == HD_ROLE_REQUESTER ? 0
                                       : (int) adw_combo_row_get_selected (self->tier_row) + 1;

  if (self->editing != NULL)
    {
      HdPersonChanges changes = HD_PERSON_CHANGES_INIT;

      save->login = g_strdup (hd_person_get_login (self->editing));
      save->changes = changes;
      save->changes.name = optional (self->name_row);
      save->changes.email = optional (self->email_row);     /* "" clears */
      save->changes.department = optional (self->department_row);
      save->changes.location = optional (self->location_row);
      save->changes.set_role = role != hd_person_get_role (self->editing);
      save->changes.role = role;
      save->changes.tier = tier;
      save->changes.active = gtk_switch_get_active (self->active_switch);
    }
  else
    {
      save->draft.login = g_strdup (text_of (self->login_row));
      save->draft.name = g_strdup (text_of (self->name_row));
      save->draft.email = text_of (self->email_row)[0] != '\0' ? optional (self->email_row) : NULL;
      save->draft.role = role;
      save->draft.tier = tier;
      save->draft.department = text_of (self->department_row)[0] != '\0'
                               ? optional (self->department_row) : NULL;
      save->draft.location = text_of (self->location_row)[0] != '\0'
                             ? optional (self->location_row) : NULL;
    }

  /* A focused GtkText made insensitive never hears of it (GTK warns). */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  hd_store_run_async (self->store, save_job, save, (GDestroyNotify) save_free, g_object_unref,
                      self->cancellable, save_done, g_object_ref (self));
}

static void
add_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  show_form (HD_PEOPLE_WINDOW (widget), NULL);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  show_list (HD_PEOPLE_WINDOW (widget));
}

static void
back_or_close_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HdPeopleWindow *self = HD_PEOPLE_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "form") == 0)
    show_list (self);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* GObject */

static void
hd_people_window_dispose (GObject *object)
{
  HdPeopleWindow *self = (HdPeopleWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_PEOPLE_WINDOW);
  g_clear_object (&self->store);
  g_clear_object (&self->editing);

  G_OBJECT_CLASS (hd_people_window_parent_class)->dispose (object);
}

static void
hd_people_window_class_init (HdPeopleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_people_window_dispose;

  /**
   * HdPeopleWindow::changed:
   *
   * Someone was added or changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-people-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, staff_list);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, requester_list);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, login_row);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, email_row);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, role_row);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, roles);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, tier_row);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, tiers);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, active_row);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, active_switch);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, department_row);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, location_row);
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, form_error);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, role_changed_cb);

  gtk_widget_class_install_action (widget_class, "people.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "people.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "people.back-or-close", NULL,
                                   back_or_close_activated);
  gtk_widget_class_install_action (widget_class, "people.save", NULL, save_activated);
}

static void
hd_people_window_init (HdPeopleWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  for (HdRole role = HD_ROLE_REQUESTER; role <= HD_ROLE_DISPATCHER; role++)
    gtk_string_list_append (self->roles, hd_role_to_label (role));
  for (int tier = 1; tier <= 3; tier++)
    {
      g_autofree char *label = g_strdup_printf (_("Tier %d"), tier);

      gtk_string_list_append (self->tiers, label);
    }
}

/**
 * hd_people_window_new:
 * @store: the dispatcher's store, used only through jobs
 */
GtkWidget *
hd_people_window_new (GtkWindow *parent,
                      HdStore   *store)
{
  HdPeopleWindow *self;

  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  self = g_object_new (HD_TYPE_PEOPLE_WINDOW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  reload (self);

  return GTK_WIDGET (self);
}
