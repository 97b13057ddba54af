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
#include "hd-store-async.h"
#include "hd-validate.h"

struct _HdSlaWindow
{
  AdwWindow        parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkButton       *back_button;
  GtkButton       *add_button;
  GtkButton       *save_button;
  GtkStack        *stack;
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
  GtkLabel        *form_error;
  AdwPreferencesGroup *delete_group;

  /* owned */
  HdStore         *store;
  GCancellable    *cancellable;
  HdCalendar      *calendar;  /* as stored; NULL until loaded */
  HdCalendar      *typed;     /* what the rows say, NULL while it is wrong */
  HdSlaRule       *editing;   /* NULL while adding */
  gboolean         saving_calendar;
};

G_DEFINE_FINAL_TYPE (HdSlaWindow, hd_sla_window, ADW_TYPE_WINDOW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_form (HdSlaWindow     *self,
                       const HdSlaRule *rule);

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

static void
toast (HdSlaWindow *self,
       const char  *text)
{
  /* A toast's title is markup; categories are what people typed. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

/* Makes the window wait for a job; a focused GtkText made insensitive
 * never hears of it (GTK warns), hence the focus. */
static void
set_busy (HdSlaWindow *self,
          gboolean     busy)
{
  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !busy);
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

static void
row_activated_cb (AdwActionRow *row,
                  HdSlaWindow  *self)
{
  show_form (self, g_object_get_data (G_OBJECT (row), "hd-sla-rule"));
}

static GtkWidget *
create_row (HdSlaWindow     *self,
            const HdSlaRule *rule)
{
  g_autofree char *title = rule_title (rule);
  g_autofree char *subtitle = rule_subtitle (rule->policy);
  GtkWidget *row = adw_action_row_new ();

  /* Categories are what people typed on tickets, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "hd-sla-rule", hd_sla_rule_copy (rule),
                          (GDestroyNotify) hd_sla_rule_free);
  g_signal_connect_object (row, "activated", G_CALLBACK (row_activated_cb), self, 0);
  return row;
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
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HdSlaWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Loaded) loaded = hd_store_run_finish (HD_STORE (source), result, &error);
  gboolean untouched;

  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  set_rules (self, loaded->rules);

  /* Keep a calendar being typed; show the stored one otherwise. */
  untouched = self->calendar == NULL ||
              (self->typed != NULL && hd_calendar_equal (self->typed, self->calendar));
  if (untouched)
    set_calendar (self, loaded->calendar);
}

static void
reload (HdSlaWindow *self)
{
  hd_store_run_async (self->store, load_job, NULL, NULL, (GDestroyNotify) loaded_free,
                      self->cancellable, load_done, g_object_ref (self));
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

  self->saving_calendar = FALSE;
  set_busy (self, FALSE);
  if (calendar == NULL)
    {
      /* The rows keep what was typed; the reason shows under them. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self->calendar_error, error);
      update_calendar_action (self);
      return;
    }

  g_clear_pointer (&self->calendar, hd_calendar_unref);
  self->calendar = g_steal_pointer (&calendar);
  update_calendar_action (self);
  toast (self, _("Calendar saved; deadlines recomputed"));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
save_calendar_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HdSlaWindow *self = HD_SLA_WINDOW (widget);

  g_return_if_fail (self->typed != NULL);

  self->saving_calendar = TRUE;
  update_calendar_action (self);
  set_busy (self, TRUE);
  hd_store_run_async (self->store, calendar_job, hd_calendar_ref (self->typed),
                      (GDestroyNotify) hd_calendar_unref, (GDestroyNotify) hd_calendar_unref,
                      self->cancellable,
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
  show_message (self->form_error, typed ? error : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sla.save", policy != NULL);
}

static void
show_header (HdSlaWindow *self,
             const char  *title,
             gboolean     form)
{
  adw_window_title_set_title (self->window_title, title);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), form);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), form);
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), !form);
}

static void
show_list (HdSlaWindow *self)
{
  g_clear_pointer (&self->editing, hd_sla_rule_free);
  gtk_stack_set_visible_child_name (self->stack, "list");
  show_header (self, _("Service Levels"), FALSE);
  /* Back where the form came from, not in a calendar row to type over. */
  gtk_widget_grab_focus (GTK_WIDGET (self->policy_list));
}

/* @rule: (nullable): the rule to edit; %NULL adds one */
static void
show_form (HdSlaWindow     *self,
           const HdSlaRule *rule)
{
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
  show_message (self->form_error, NULL);
  validate_cb (self);

  title = rule != NULL ? rule_title (rule) : g_strdup (_("New Policy"));
  gtk_stack_set_visible_child_name (self->stack, "form");
  show_header (self, title, TRUE);
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
change_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HdSlaWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hd_store_run_finish (HD_STORE (source), result, &error);

  set_busy (self, FALSE);
  if (text == NULL)
    {
      /* Everything typed stays; the reason shows under the form. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self->form_error, error);
      return;
    }

  toast (self, text);
  g_signal_emit (self, signals[CHANGED], 0);
  show_list (self);
  reload (self);
}

static void
run_change (HdSlaWindow *self,
            Change      *change)
{
  HdSlaRule rule = { change->priority, change->category, change->policy };
  g_autofree char *title = rule_title (&rule);

  change->done = g_strdup_printf (change->policy != NULL ? _("%s saved") : _("%s removed"), title);
  set_busy (self, TRUE);
  hd_store_run_async (self->store, change_job, change, (GDestroyNotify) change_free, g_free,
                      self->cancellable, change_done, g_object_ref (self));
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
      show_message (self->form_error, error);
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

static void
add_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  show_form (HD_SLA_WINDOW (widget), NULL);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  show_list (HD_SLA_WINDOW (widget));
}

static void
back_or_close_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HdSlaWindow *self = HD_SLA_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "form") == 0)
    show_list (self);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* GObject */

static void
hd_sla_window_dispose (GObject *object)
{
  HdSlaWindow *self = (HdSlaWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HD_TYPE_SLA_WINDOW);
  g_clear_object (&self->store);
  g_clear_pointer (&self->calendar, hd_calendar_unref);
  g_clear_pointer (&self->typed, hd_calendar_unref);
  g_clear_pointer (&self->editing, hd_sla_rule_free);

  G_OBJECT_CLASS (hd_sla_window_parent_class)->dispose (object);
}

static void
hd_sla_window_class_init (HdSlaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hd_sla_window_dispose;

  /**
   * HdSlaWindow::changed:
   *
   * The calendar or a policy changed: many deadlines moved.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/helpdesk/Helpdesk/hd-sla-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, stack);
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
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, form_error);
  gtk_widget_class_bind_template_child (widget_class, HdSlaWindow, delete_group);
  gtk_widget_class_bind_template_callback (widget_class, calendar_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);

  gtk_widget_class_install_action (widget_class, "sla.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "sla.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "sla.back-or-close", NULL,
                                   back_or_close_activated);
  gtk_widget_class_install_action (widget_class, "sla.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "sla.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "sla.save-calendar", NULL,
                                   save_calendar_activated);
}

static void
hd_sla_window_init (HdSlaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

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
  HdSlaWindow *self;

  g_return_val_if_fail (HD_IS_STORE (store), NULL);

  self = g_object_new (HD_TYPE_SLA_WINDOW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  reload (self);

  return GTK_WIDGET (self);
}
