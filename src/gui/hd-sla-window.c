/* hd-sla-window.c
 *
 * The dispatcher's service levels: the calendar that deadlines count on,
 * and the policies, one per priority and any a category has of its own.
 * The calendar is checked by the engine as it is typed, with its
 * description shown as a preview; a policy row opens its form, "+" an
 * empty one for a category. Every read and write is a store job, and the
 * core decides: a refusal is shown under what was typed, which stays.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-sla-window.h"
#include "hd-validate.h"

struct _HdSlaWindow
{
  HdStackWindow    parent_instance;

  /* template widgets */
  AdwEntryRow     *zone_row;
  AdwEntryRow     *hours_row;
  AdwEntryRow     *holidays_row;
  GtkLabel        *calendar_preview;
  GtkLabel        *calendar_error;
  GtkListBox      *policy_list;
  AdwPreferencesGroup *key_group;
  AdwComboRow     *priority_row;
  GtkStringList   *priorities;
  AdwEntryRow     *category_row;
  AdwEntryRow     *response_row;
  AdwEntryRow     *resolution_row;
  GtkSpinButton   *warn_spin;
  AdwPreferencesGroup *delete_group;

  /* owned */
  HdCalendar      *calendar;  /* as stored; NULL until loaded */
  HdCalendar      *typed;     /* what the rows say, NULL while it is wrong */
  HdSlaRule       *editing;   /* NULL while adding */
  gboolean         saving_calendar;
};

G_DEFINE_FINAL_TYPE (HdSlaWindow, hd_sla_window, HD_TYPE_STACK_WINDOW)

/* Helpers */

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
show_message (GtkLabel     *label,
              const GError *error)
{
  gtk_label_set_text (label, error != NULL ? error->message : NULL);
  gtk_widget_set_visible (GTK_WIDGET (label), error != NULL);
}

static char *
rule_title (const HdSlaRule *rule)
{
  const char *priority = hd_priority_to_label (rule->priority);

  if (rule->category[0] == '\0')
    return g_strdup (priority);

  /* Translators: an SLA policy: a priority, then the ticket category it is for */
  return g_strdup_printf (_("%s · %s"), priority, rule->category);
}

static char *
rule_subtitle (const HdSlaPolicy *policy)
{
  g_autofree char *response = hd_sla_format_duration (policy->first_response_minutes * (gint64) 60);
  g_autofree char *resolution = hd_sla_format_duration (policy->resolution_minutes * (gint64) 60);
  g_autofree char *respond = NULL;
  g_autofree char *resolve = NULL;

  respond = policy->first_response_minutes > 0
            ? g_strdup_printf (_("Respond within %s"), response)
            : g_strdup (_("No response target"));
  resolve = policy->resolution_minutes > 0
            ? g_strdup_printf (_("Resolve within %s"), resolution)
            : g_strdup (_("No resolution target"));

  /* Translators: the targets of a policy, then its warning share:
   * “Respond within 30 min · Resolve within 4 h · warn at 75 %” */
  return g_strdup_printf (_("%s · %s · warn at %u %%"), respond, resolve, policy->warn_percent);
}

/* A target as hd_sla_parse_minutes() reads it in every language. */
static char *
target_text (guint minutes)
{
  if (minutes == 0)
    return g_strdup ("none");
  if (minutes % 60 == 0)
    return g_strdup_printf ("%uh", minutes / 60);
  if (minutes < 60)
    return g_strdup_printf ("%umin", minutes);
  return g_strdup_printf ("%uh%02u", minutes / 60, minutes % 60);
}

/* The list */

static GtkWidget *
create_row (HdSlaWindow     *self,
            const HdSlaRule *rule)
{
  g_autofree char *title = rule_title (rule);
  g_autofree char *subtitle = rule_subtitle (rule->policy);

  return hd_stack_window_create_row (HD_STACK_WINDOW (self), title, subtitle,
                                     hd_sla_rule_copy (rule), (GDestroyNotify) hd_sla_rule_free);
}

static void
set_rules (HdSlaWindow *self,
           GPtrArray   *rules)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->policy_list))) != NULL)
    gtk_list_box_remove (self->policy_list, child);

  for (guint i = 0; i < rules->len; i++)
    gtk_list_box_append (self->policy_list, create_row (self, g_ptr_array_index (rules, i)));
}

/* The calendar */

static void
update_calendar_action (HdSlaWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sla.save-calendar",
                                 self->typed != NULL && self->calendar != NULL &&
                                 !self->saving_calendar &&
                                 !hd_calendar_equal (self->typed, self->calendar));
}

/* The engine's own checks and description, as the dispatcher types. */
static void
calendar_changed_cb (HdSlaWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *holidays = text_of (self->holidays_row);

  g_clear_pointer (&self->typed, hd_calendar_unref);
  self->typed = hd_calendar_new (text_of (self->zone_row), text_of (self->hours_row),
                                 holidays[0] != '\0' ? holidays : NULL, &error);

  if (self->typed != NULL)
    {
      g_autofree char *description = hd_calendar_describe (self->typed);

      gtk_label_set_text (self->calendar_preview, description);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->calendar_preview), self->typed != NULL);
  show_message (self->calendar_error, error);
  update_calendar_action (self);
}

static void
set_calendar (HdSlaWindow *self,
              HdCalendar  *calendar)
{
  g_autofree char *hours = hd_calendar_format_hours (calendar);
  g_autofree char *holidays = hd_calendar_format_holidays (calendar);

  g_clear_pointer (&self->calendar, hd_calendar_unref);
  self->calendar = hd_calendar_ref (calendar);
  set_text (self->zone_row, hd_calendar_get_zone (calendar));
  set_text (self->hours_row, hours);
  set_text (self->holidays_row, holidays);
  calendar_changed_cb (self);
}

/* Loading */

typedef struct {
  HdCalendar *calendar;
  GPtrArray  *rules;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->calendar, hd_calendar_unref);
  g_clear_pointer (&loaded->rules, g_ptr_array_unref);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

static gpointer
load_job (HdStore  *store,
          gpointer  data,
          GError  **error)
{
  g_autoptr(Loaded) loaded = g_new0 (Loaded, 1);

  loaded->calendar = hd_store_get_calendar (store, error);
  if (loaded->calendar == NULL)
    return NULL;

  loaded->rules = hd_store_list_sla_rules (store, error);
  if (loaded->rules == NULL)
    return NULL;

  return g_steal_pointer (&loaded);
}

static void
loaded_cb (HdStackWindow *stack_window,
           gpointer       result)
{
  HdSlaWindow *self = HD_SLA_WINDOW (stack_window);
  Loaded *loaded = result;
  gboolean untouched;

  set_rules (self, loaded->rules);

  /* Keep a calendar being typed; show the stored one otherwise. */
  untouched = self->calendar == NULL ||
              (self->typed != NULL && hd_calendar_equal (self->typed, self->calendar));
  if (untouched)
    set_calendar (self, loaded->calendar);
}

/* Saving the calendar */

static gpointer
calendar_job (HdStore  *store,
              gpointer  data,
              GError  **error)
{
  if (!hd_store_set_calendar (store, data, error))
    return NULL;

  return hd_calendar_ref (data);
}

static void
calendar_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HdSlaWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdCalendar) calendar = hd_store_run_finish (HD_STORE (source), result, &error);

  /* Closed meanwhile: nothing left to show it in. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->saving_calendar = FALSE;
  hd_stack_window_set_busy (HD_STACK_WINDOW (self), FALSE);
  if (calendar == NULL)
    {
      /* The rows keep what was typed; the reason shows under them. */
      show_message (self->calendar_error, error);
      update_calendar_action (self);
      return;
    }

  g_clear_pointer (&self->calendar, hd_calendar_unref);
  self->calendar = g_steal_pointer (&calendar);
  update_calendar_action (self);
  hd_stack_window_toast (HD_STACK_WINDOW (self), _("Calendar saved; deadlines recomputed"));
  hd_stack_window_changed (HD_STACK_WINDOW (self));
}

static void
save_calendar_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HdSlaWindow *self = HD_SLA_WINDOW (widget);
  HdStackWindow *stack_window = HD_STACK_WINDOW (widget);

  g_return_if_fail (self->typed != NULL);

  self->saving_calendar = TRUE;
  update_calendar_action (self);
  hd_stack_window_set_busy (stack_window, TRUE);
  hd_store_run_async (hd_stack_window_get_store (stack_window), calendar_job,
                      hd_calendar_ref (self->typed),
                      (GDestroyNotify) hd_calendar_unref, (GDestroyNotify) hd_calendar_unref,
                      hd_stack_window_get_cancellable (stack_window),
                      calendar_done, g_object_ref (self));
}

/* The form */

static HdPriority
selected_priority (HdSlaWindow *self)
{
  return (HdPriority) adw_combo_row_get_selected (self->priority_row);
}

/* (transfer full): the policy the form says, or %NULL with the reason */
static HdSlaPolicy *
form_policy (HdSlaWindow  *self,
             GError      **error)
{
  guint response = 0;
  guint resolution = 0;
  g_autoptr(HdSlaPolicy) policy = NULL;

  if (self->editing == NULL &&
      !hd_validate_line (_("The category"), text_of (self->category_row), HD_MAX_LINE_CHARS,
                         FALSE, error))
    return NULL;

  if (!hd_sla_parse_minutes (text_of (self->response_row), &response, error) ||
      !hd_sla_parse_minutes (text_of (self->resolution_row), &resolution, error))
    return NULL;

  policy = hd_sla_policy_new (NULL, response, resolution,
                              (guint) gtk_spin_button_get_value_as_int (self->warn_spin));
  if (!hd_sla_policy_validate (policy, error))
    return NULL;

  return g_steal_pointer (&policy);
}

static void
validate_cb (HdSlaWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdSlaPolicy) policy = form_policy (self, &error);
  gboolean typed = self->editing != NULL ||
                   text_of (self->response_row)[0] != '\0' ||
                   text_of (self->resolution_row)[0] != '\0';

  /* No complaint about the empty form before anything is typed. */
  hd_stack_window_show_error (HD_STACK_WINDOW (self), typed ? error : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sla.save", policy != NULL);
}

static void
show_list (HdStackWindow *stack_window)
{
  HdSlaWindow *self = HD_SLA_WINDOW (stack_window);

  g_clear_pointer (&self->editing, hd_sla_rule_free);
  hd_stack_window_show_page (stack_window, FALSE, _("Service Levels"));
  /* Back where the form came from, not in a calendar row to type over. */
  gtk_widget_grab_focus (GTK_WIDGET (self->policy_list));
}

/* @item: (nullable): the HdSlaRule to edit; %NULL adds one */
static void
show_form (HdStackWindow *stack_window,
           gpointer       item)
{
  HdSlaWindow *self = HD_SLA_WINDOW (stack_window);
  const HdSlaRule *rule = item;
  g_autofree char *title = NULL;
  g_autofree char *response = NULL;
  g_autofree char *resolution = NULL;

  g_clear_pointer (&self->editing, hd_sla_rule_free);
  self->editing = rule != NULL ? hd_sla_rule_copy (rule) : NULL;

  response = rule != NULL ? target_text (rule->policy->first_response_minutes) : NULL;
  resolution = rule != NULL ? target_text (rule->policy->resolution_minutes) : NULL;
  set_text (self->response_row, response);
  set_text (self->resolution_row, resolution);
  set_text (self->category_row, NULL);
  adw_combo_row_set_selected (self->priority_row, HD_PRIORITY_NORMAL);
  gtk_spin_button_set_value (self->warn_spin, rule != NULL ? rule->policy->warn_percent
                                                           : HD_SLA_DEFAULT_WARN_PERCENT);

  /* Which tickets a rule is for is its key: set once. A priority's own
   * policy cannot be removed (the core refuses), only changed. */
  gtk_widget_set_visible (GTK_WIDGET (self->key_group), rule == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->delete_group),
                          rule != NULL && rule->category[0] != '\0');
  hd_stack_window_show_error (stack_window, NULL);
  validate_cb (self);

  title = rule != NULL ? rule_title (rule) : g_strdup (_("New Policy"));
  hd_stack_window_show_page (stack_window, TRUE, title);
  gtk_widget_grab_focus (GTK_WIDGET (rule != NULL ? self->response_row : self->category_row));
}

/* Saving and removing a policy */

typedef struct {
  HdPriority   priority;
  char        *category;
  HdSlaPolicy *policy;   /* NULL: remove */
  char        *done;     /* what to say once done */
} Change;

static void
change_free (Change *change)
{
  g_free (change->category);
  g_clear_pointer (&change->policy, hd_sla_policy_free);
  g_free (change->done);
  g_free (change);
}

static gpointer
change_job (HdStore  *store,
            gpointer  data,
            GError  **error)
{
  Change *change = data;
  gboolean done;

  if (change->policy != NULL)
    done = hd_store_set_sla_rule (store, change->priority, change->category, change->policy,
                                  error);
  else
    done = hd_store_delete_sla_rule (store, change->priority, change->category, error);

  return done ? g_strdup (change->done) : NULL;
}

static void
run_change (HdSlaWindow *self,
            Change      *change)
{
  HdSlaRule rule = { change->priority, change->category, change->policy };
  g_autofree char *title = rule_title (&rule);

  change->done = g_strdup_printf (change->policy != NULL ? _("%s saved") : _("%s removed"), title);
  hd_stack_window_run_change (HD_STACK_WINDOW (self), change_job, change,
                              (GDestroyNotify) change_free);
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HdSlaWindow *self = HD_SLA_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  HdSlaPolicy *policy = form_policy (self, &error);
  Change *change;

  if (policy == NULL)
    {
      hd_stack_window_show_error (HD_STACK_WINDOW (self), error);
      return;
    }

  change = g_new0 (Change, 1);
  change->policy = policy;
  if (self->editing != NULL)
    {
      change->priority = self->editing->priority;
      change->category = g_strdup (self->editing->category);
    }
  else
    {
      change->priority = selected_priority (self);
      change->category = g_strstrip (g_strdup (text_of (self->category_row)));
    }

  run_change (self, change);
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HdSlaWindow *self = HD_SLA_WINDOW (widget);
  Change *change;

  g_return_if_fail (self->editing != NULL);

  change = g_new0 (Change, 1);
  change->priority = self->editing->priority;
  change->category = g_strdup (self->editing->category);
  run_change (self, change);
}

/* GObject */

static void
hd_sla_window_dispose (GObject *object)
{
  HdSlaWindow *self = (HdSlaWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_SLA_WINDOW);
  g_clear_pointer (&self->calendar, hd_calendar_unref);
  g_clear_pointer (&self->typed, hd_calendar_unref);
  g_clear_pointer (&self->editing, hd_sla_rule_free);

  G_OBJECT_CLASS (hd_sla_window_parent_class)->dispose (object);
}

/* The calendar and the policies. */
static const char * const sla_tables[] = { "settings", NULL };

static void
hd_sla_window_class_init (HdSlaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HdStackWindowClass *stack_window_class = HD_STACK_WINDOW_CLASS (klass);

  object_class->dispose = hd_sla_window_dispose;

  /* HdStackWindow::changed: the calendar or a policy changed, many
   * deadlines moved. */
  stack_window_class->load_job = load_job;
  stack_window_class->load_free = (GDestroyNotify) loaded_free;
  stack_window_class->loaded = loaded_cb;
  stack_window_class->tables = sla_tables;
  stack_window_class->show_list = show_list;
  stack_window_class->show_form = show_form;

  hd_stack_window_class_set_template_from_resource (widget_class,
                                                    "/io/github/helpdesk/Helpdesk/hd-sla-window.ui",
                                                    "sla");
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, zone_row);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, hours_row);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, holidays_row);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, calendar_preview);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, calendar_error);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, policy_list);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, key_group);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, priority_row);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, priorities);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, category_row);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, response_row);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, warn_spin);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, delete_group);
  gtk_widget_class_bind_template_callback (widget_class, calendar_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);

  gtk_widget_class_install_action (widget_class, "sla.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "sla.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "sla.save-calendar", NULL,
                                   save_calendar_activated);
}

static void
hd_sla_window_init (HdSlaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (HdPriority priority = HD_PRIORITY_LOW; priority <= HD_PRIORITY_URGENT; priority++)
    gtk_string_list_append (self->priorities, hd_priority_to_label (priority));
  update_calendar_action (self);
}

/**
 * hd_sla_window_new:
 * @store: the dispatcher's store, used only through jobs
 */
GtkWidget *
hd_sla_window_new (GtkWindow *parent,
                   HdStore   *store)
{
  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  return g_object_new (HD_TYPE_SLA_WINDOW, "transient-for", parent, "store", store, NULL);
}
