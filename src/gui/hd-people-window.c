/* hd-people-window.c
 *
 * The dispatcher's list of people: staff with their tier, and requesters.
 * A row opens the person's form; "+" opens an empty one. Every read and
 * write is a store job, and the core's rules decide (only the dispatcher
 * manages people, the last dispatcher stays one): a refusal is shown
 * under the form with everything typed kept.
 *
 * "Merge Into…" on a person's form counts what their record holds (a job:
 * it reads every ticket's history), then asks, naming what moves, into
 * whom to merge it; the core merges and deletes the record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-alert-mail-group.h"
#include "hd-people-window.h"
#include "hd-validate.h"

struct _HdPeopleWindow
{
  HdStackWindow    parent_instance;

  /* template widgets */
  AdwPreferencesPage *form_page;
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
  AdwPreferencesGroup *merge_group;

  /* borrowed: in form_page */
  HdAlertMailGroup *alerts;

  /* owned */
  HdPerson        *editing;   /* NULL while adding */
  GPtrArray       *people;    /* HdPerson, as last listed */
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

  g_clear_pointer (&self->people, g_ptr_array_unref);
  self->people = g_ptr_array_ref (people);
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

/* How a member of staff hears of alerts: saved on its own, at once. */
static void
show_alerts (HdPeopleWindow *self,
             HdPerson       *person)
{
  g_autofree char *description = NULL;

  if (person == NULL || !hd_person_is_staff (person))
    {
      hd_alert_mail_group_set_login (self->alerts, NULL);
      return;
    }
  description = g_strdup_printf (_("How %s hears of new tickets, assignments and deadlines. Saved as soon as it changes."),
                                 hd_person_get_name (person));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->alerts), description);
  hd_alert_mail_group_set_login (self->alerts, hd_person_get_login (person));
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
  gtk_widget_set_visible (GTK_WIDGET (self->merge_group), person != NULL);
  role_changed_cb (self);
  show_alerts (self, person);
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

/* Merging */

typedef struct {
  char          *keep;
  char          *remove;
  char          *remove_name;
  gboolean       has_address;
  HdPersonMerge  counted;
} Merge;

static void
merge_free (Merge *merge)
{
  g_free (merge->keep);
  g_free (merge->remove);
  g_free (merge->remove_name);
  hd_person_merge_clear (&merge->counted);
  g_free (merge);
}

/* @data: the login to merge away. Returns a Merge without its keep. */
static gpointer
count_job (HdStore  *store,
           gpointer  data,
           GError  **error)
{
  g_autoptr(HdPerson) person = hd_store_find_person (store, data, error);
  Merge *merge;

  if (person == NULL)
    return NULL;
  merge = g_new0 (Merge, 1);
  merge->remove = g_strdup (hd_person_get_login (person));
  merge->remove_name = g_strdup (hd_person_get_name (person));
  merge->has_address = hd_person_get_email (person) != NULL;
  if (!hd_store_count_person_records (store, merge->remove, &merge->counted, error))
    {
      merge_free (merge);
      return NULL;
    }
  return merge;
}

static gpointer
merge_job (HdStore  *store,
           gpointer  data,
           GError  **error)
{
  Merge *merge = data;

  if (!hd_store_merge_people (store, merge->keep, merge->remove, NULL, error))
    return NULL;
  return g_strdup_printf (_("%s merged into %s"), merge->remove_name, merge->keep);
}

/* "2 tickets asked for, 5 history entries and 1 alert", the kinds there
 * are; "nothing but the record itself" when there are none. */
static char *
describe_counted (const HdPersonMerge *c)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *head = NULL;
  char *last;

/* A literal format for the compiler to check against the count. */
#define add_count(parts, n, format) \
  G_STMT_START { if ((n) > 0) g_ptr_array_add ((parts), g_strdup_printf ((format), (n))); } G_STMT_END

  add_count (parts, c->requested,
             ngettext ("%u ticket asked for", "%u tickets asked for", c->requested));
  add_count (parts, c->assigned,
             ngettext ("%u ticket assigned", "%u tickets assigned", c->assigned));
  add_count (parts, c->events,
             ngettext ("%u history entry", "%u history entries", c->events));
  add_count (parts, c->participating,
             ngettext ("%u ticket taken part in", "%u tickets taken part in", c->participating));
  add_count (parts, c->messages,
             ngettext ("%u mail message", "%u mail messages", c->messages));
  add_count (parts, c->articles,
             ngettext ("%u knowledge-base article or revision",
                       "%u knowledge-base articles and revisions", c->articles));
  add_count (parts, c->alerts, ngettext ("%u alert", "%u alerts", c->alerts));
  add_count (parts, c->addresses,
             ngettext ("%u further address", "%u further addresses", c->addresses));

#undef add_count

  if (parts->len == 0)
    return g_strdup (_("nothing but the record itself"));
  if (parts->len == 1)
    return g_strdup (g_ptr_array_index (parts, 0));

  /* "a, b and c" */
  g_ptr_array_add (parts, NULL);
  head = g_strjoinv (", ", (char **) parts->pdata);
  last = g_strrstr (head, ", ");
  *last = '\0';
  return g_strdup_printf (_("%s and %s"), head, last + 2);
}

/* The people @remove may be merged into: anyone else whose role is at
 * least theirs (the core refuses the rest). */
static GtkStringList *
merge_candidates (HdPeopleWindow *self,
                  HdPerson       *remove,
                  GPtrArray      *logins)
{
  GtkStringList *names = gtk_string_list_new (NULL);

  for (guint i = 0; self->people != NULL && i < self->people->len; i++)
    {
      HdPerson *person = g_ptr_array_index (self->people, i);
      g_autofree char *label = NULL;

      if (hd_person_get_id (person) == hd_person_get_id (remove) ||
          hd_person_get_role (person) < hd_person_get_role (remove))
        continue;
      label = g_strdup_printf ("%s (%s)", hd_person_get_name (person),
                               hd_person_get_login (person));
      gtk_string_list_append (names, label);
      g_ptr_array_add (logins, g_strdup (hd_person_get_login (person)));
    }
  return names;
}

static void
merge_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   HdPeopleWindow   *self)
{
  GtkDropDown *choice = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  GPtrArray *logins = g_object_get_data (G_OBJECT (dialog), "logins");
  Merge *merge = g_object_steal_data (G_OBJECT (dialog), "merge");
  guint selected = gtk_drop_down_get_selected (choice);

  if (g_strcmp0 (response, "merge") != 0 || selected >= logins->len)
    {
      merge_free (merge);
      return;
    }
  merge->keep = g_strdup (g_ptr_array_index (logins, selected));
  hd_stack_window_run_change (HD_STACK_WINDOW (self), merge_job, merge, (GDestroyNotify) merge_free);
}

static GtkWidget *
merge_dialog (HdPeopleWindow *self,
              Merge          *merge)
{
  g_autoptr(GPtrArray) logins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtkStringList) names = merge_candidates (self, self->editing, logins);
  g_autofree char *heading = g_strdup_printf (_("Merge “%s” Into…"), merge->remove_name);
  g_autofree char *moves = describe_counted (&merge->counted);
  g_autofree char *body = NULL;
  GtkWidget *dialog, *choice;

  if (merge->has_address)
    body = g_strdup_printf (_("What it holds — %s — moves to the person chosen below, and its address then reaches them. “%s” is deleted; this cannot be undone."),
                            moves, merge->remove_name);
  else
    body = g_strdup_printf (_("What it holds — %s — moves to the person chosen below. “%s” is deleted; this cannot be undone."),
                            moves, merge->remove_name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  choice = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)),
                              gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (choice), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (choice), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Merge into"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), choice);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "merge", _("_Merge"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "merge",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "merge", logins->len > 0);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "logins", g_steal_pointer (&logins),
                          (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "merge", merge, (GDestroyNotify) merge_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (merge_response_cb), self, 0);
  return dialog;
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(HdPeopleWindow) self = data;
  g_autoptr(GError) error = NULL;
  Merge *merge = hd_store_run_finish (HD_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  hd_stack_window_set_busy (HD_STACK_WINDOW (self), FALSE);
  if (merge == NULL)
    {
      hd_stack_window_show_error (HD_STACK_WINDOW (self), error);
      return;
    }
  gtk_window_present (GTK_WINDOW (merge_dialog (self, merge)));
}

static void
merge_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HdPeopleWindow *self = HD_PEOPLE_WINDOW (widget);
  HdStackWindow *stack_window = HD_STACK_WINDOW (self);

  if (self->editing == NULL)
    return;
  hd_stack_window_set_busy (stack_window, TRUE);
  hd_stack_window_show_error (stack_window, NULL);
  hd_store_run_async (hd_stack_window_get_store (stack_window), count_job,
                      g_strdup (hd_person_get_login (self->editing)), g_free,
                      (GDestroyNotify) merge_free, hd_stack_window_get_cancellable (stack_window),
                      counted_cb, g_object_ref (self));
}

/* GObject */

static void
hd_people_window_dispose (GObject *object)
{
  HdPeopleWindow *self = (HdPeopleWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_PEOPLE_WINDOW);
  g_clear_object (&self->editing);
  g_clear_pointer (&self->people, g_ptr_array_unref);

  G_OBJECT_CLASS (hd_people_window_parent_class)->dispose (object);
}

static void
hd_people_window_constructed (GObject *object)
{
  HdPeopleWindow *self = (HdPeopleWindow *) object;

  G_OBJECT_CLASS (hd_people_window_parent_class)->constructed (object);

  self->alerts = HD_ALERT_MAIL_GROUP (hd_alert_mail_group_new (hd_stack_window_get_store (HD_STACK_WINDOW (self))));
  hd_alert_mail_group_set_login (self->alerts, NULL);
  adw_preferences_page_add (self->form_page, ADW_PREFERENCES_GROUP (self->alerts));
}

static const char * const people_tables[] = { "people", NULL };

static void
hd_people_window_class_init (HdPeopleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HdStackWindowClass *stack_window_class = HD_STACK_WINDOW_CLASS (klass);

  object_class->constructed = hd_people_window_constructed;
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
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, form_page);
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
  gtk_widget_class_bind_template_child (widget_class, HdPeopleWindow, merge_group);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, role_changed_cb);

  gtk_widget_class_install_action (widget_class, "people.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "people.merge", NULL, merge_activated);
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
