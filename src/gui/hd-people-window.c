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
#include "hd-validate.h"

struct _HdPeopleWindow
{
  HdStackWindow    parent_instance;

  /* template widgets */
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

  /* owned */
  HdPerson        *editing;   /* NULL while adding */
};

G_DEFINE_FINAL_TYPE (HdPeopleWindow, hd_people_window, HD_TYPE_STACK_WINDOW)

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

static GtkWidget *
create_row (HdPeopleWindow *self,
            HdPerson       *person)
{
  g_autofree char *subtitle = describe (person);
  GtkWidget *row = hd_stack_window_create_row (HD_STACK_WINDOW (self), hd_person_get_name (person),
                                               subtitle, g_object_ref (person), g_object_unref);

  if (!hd_person_get_active (person))
    gtk_widget_add_css_class (row, "dim-label");
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
people_loaded (HdStackWindow *stack_window,
               gpointer       result)
{
  HdPeopleWindow *self = HD_PEOPLE_WINDOW (stack_window);
  GPtrArray *people = result;

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
  hd_stack_window_show_error (HD_STACK_WINDOW (self),
                              text_of (self->login_row)[0] != '\0' ? error : NULL);
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
show_list (HdStackWindow *stack_window)
{
  HdPeopleWindow *self = HD_PEOPLE_WINDOW (stack_window);

  g_clear_object (&self->editing);
  hd_stack_window_show_page (stack_window, FALSE, _("People"));
}

/* @item: (nullable): the HdPerson to edit; %NULL adds someone */
static void
show_form (HdStackWindow *stack_window,
           gpointer       item)
{
  HdPeopleWindow *self = HD_PEOPLE_WINDOW (stack_window);
  HdPerson *person = item;

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
  hd_stack_window_show_error (stack_window, NULL);
  validate_cb (self);

  hd_stack_window_show_page (stack_window, TRUE,
                             person != NULL ? hd_person_get_name (person) : _("New Person"));
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

/* Returns what to say once done. */
static gpointer
save_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  Save *save = data;
  g_autoptr(HdPerson) person = NULL;

  if (save->login != NULL)
    person = hd_store_update_person (store, save->login, &save->changes, error);
  else
    person = hd_store_add_person (store, &save->draft, error);
  if (person == NULL)
    return NULL;

  return g_strdup_printf (_("%s saved"), hd_person_get_name (person));
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

  hd_stack_window_run_change (HD_STACK_WINDOW (self), save_job, save, (GDestroyNotify) save_free);
}

/* GObject */

static void
hd_people_window_dispose (GObject *object)
{
  HdPeopleWindow *self = (HdPeopleWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_PEOPLE_WINDOW);
  g_clear_object (&self->editing);

  G_OBJECT_CLASS (hd_people_window_parent_class)->dispose (object);
}

static const char * const people_tables[] = { "people", NULL };

static void
hd_people_window_class_init (HdPeopleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HdStackWindowClass *stack_window_class = HD_STACK_WINDOW_CLASS (klass);

  object_class->dispose = hd_people_window_dispose;

  /* HdStackWindow::changed: someone was added or changed. */
  stack_window_class->load_job = people_job;
  stack_window_class->load_free = (GDestroyNotify) g_ptr_array_unref;
  stack_window_class->loaded = people_loaded;
  stack_window_class->tables = people_tables;
  stack_window_class->show_list = show_list;
  stack_window_class->show_form = show_form;

  hd_stack_window_class_set_template_from_resource (widget_class,
                                                    "/io/github/helpdesk/Helpdesk/hd-people-window.ui",
                                                    "people");
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
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, role_changed_cb);

  gtk_widget_class_install_action (widget_class, "people.save", NULL, save_activated);
}

static void
hd_people_window_init (HdPeopleWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

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
  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  return g_object_new (HD_TYPE_PEOPLE_WINDOW, "transient-for", parent, "store", store, NULL);
}
