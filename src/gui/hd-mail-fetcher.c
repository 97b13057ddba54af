/* hd-mail-fetcher.c
 *
 * A staff member's desk fetches and sends the helpdesk's mail: one fetch
 * pass and one send pass (hd-mail-loop.h) every interval of the file's
 * settings, and at once on Fetch Now — only while the mailbox is switched
 * on, this desk's keyring holds its password and the person is staff on a
 * file they may write; the mail lease lets one desk at a time do it. Each
 * run happens on a thread of its own with a store connection of its own,
 * so that neither the window nor its store's jobs ever wait on the
 * network. One run at a time; a Fetch Now during a run makes one more
 * after it.
 *
 * The application owns one fetcher per file (hd_application_dup_fetcher()):
 * the windows on that file share it, and it goes on without them while
 * Helpdesk runs in the background. A person who is not staff, or a file
 * that cannot be written, stops the clock after the first run: nothing
 * will change that but opening the file anew.
 *
 * Whoever listens hears of each run through ::finished: the report, or
 * why nothing was done. Like helpdesk-cli, the servers' certificates are
 * checked against $HELPDESK_MAIL_CA_FILE's authorities instead of the
 * system's when it is set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hd-mail-fetcher.h"
#include "hd-mail-loop.h"
#include "hd-mail-secret.h"
#include "hd-mail-sign-in.h"
#include "hd-store.h"

struct _HdMailFetcher
{
  GObject       parent_instance;

  char         *path;
  char         *login;
  GCancellable *cancellable;
  guint         timer;
  guint         interval;     /* seconds, as the file last said */
  gboolean      running;
  gboolean      again;        /* Fetch Now while running */
  gboolean      asked;        /* this run was asked for: say why nothing was done */
};

G_DEFINE_FINAL_TYPE (HdMailFetcher, hd_mail_fetcher, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  char    *path;
  char    *login;
} Run;

typedef struct {
  guint    interval;
  gboolean done;      /* the passes ran */
  gboolean never;     /* not staff, or the file is read-only: no more runs */
  char    *text;      /* what happened, for a person */
} Outcome;

static void
run_free (Run *run)
{
  g_free (run->path);
  g_free (run->login);
  g_free (run);
}

static void
outcome_free (Outcome *outcome)
{
  g_free (outcome->text);
  g_free (outcome);
}

static char *
report_text (const HdMailPassReport *r)
{
  if (r->busy_holder != NULL)
    return g_strdup_printf (_("Another desk fetches the mail now (%s)."), r->busy_holder);
  return g_strdup_printf (_("Mail fetched: %u new tickets, %u replies, %u not filed; %u sent, %u failed."),
                          r->tickets, r->replies, r->not_filed, r->sent, r->failed);
}

/* The rules refuse the lease to anyone else: no need to ask the keyring. */
static gboolean
may_fetch (HdStore *store)
{
  HdPerson *me = hd_store_get_me (store);

  return me != NULL && hd_person_is_staff (me) && hd_store_can_write (store);
}

static void
run_thread (GTask        *task,
            gpointer      source,
            gpointer      data,
            GCancellable *cancellable)
{
  Run *run = data;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(HdMailSettings) settings = NULL;
  g_autoptr(HdMailAccount) account = NULL;
  g_autofree char *file_id = NULL;
  g_autofree char *holder = hd_mail_desk_identity ();
  const char *ca_file = g_getenv ("HELPDESK_MAIL_CA_FILE");
  HdMailPassReport report = { 0, };
  Outcome *outcome = g_new0 (Outcome, 1);
  GError *error = NULL;
  char *password = NULL;

  outcome->interval = HD_MAIL_DEFAULT_INTERVAL;
  store = hd_store_open (run->path, run->login, &error);
  if (store != NULL)
    settings = hd_store_get_mail_settings (store, &error);
  if (settings != NULL)
    file_id = hd_store_get_file_uuid (store, &error);
  if (file_id == NULL)
    goto failed;

  outcome->interval = MAX (settings->interval_seconds, HD_MAIL_MIN_INTERVAL);
  if (!may_fetch (store))
    {
      outcome->never = TRUE;
      outcome->text = g_strdup (_("Only staff fetch the mail, on a file they may change."));
      g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
      return;
    }
  if (!settings->enabled || !hd_mail_settings_is_complete (settings))
    {
      outcome->text = g_strdup (_("Mail is switched off in Preferences → Email."));
      g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
      return;
    }
  account = hd_mail_account_from_settings (settings);
  if (ca_file != NULL && *ca_file != '\0')
    account->ca_file = g_strdup (ca_file);
  /* The keyring's password, or this desk's account of GNOME Online
   * Accounts. */
  if (!hd_mail_sign_in_lookup (file_id, account, &password, cancellable, &error))
    goto failed;
  if (!hd_mail_account_has_login (account, password))
    {
      outcome->text = g_strdup (_("This computer’s keyring has no password for the mailbox: the dispatcher types it in Preferences → Email."));
      g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
      return;
    }

  if (!hd_mail_fetch_pass (store, account, password, holder, &report, NULL, NULL, cancellable,
                           &error) ||
      (report.busy_holder == NULL &&
       !hd_mail_send_pass (store, account, password, holder, &report, NULL, NULL, cancellable,
                          &error)))
    {
      hd_mail_password_free (password);
      hd_mail_pass_report_clear (&report);
      goto failed;
    }
  hd_mail_password_free (password);
  outcome->done = TRUE;
  outcome->text = report_text (&report);
  hd_mail_pass_report_clear (&report);
  g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
  return;

failed:
  outcome_free (outcome);
  g_task_return_error (task, error);
}

static void start (HdMailFetcher *self);

static gboolean
tick_cb (gpointer data)
{
  HdMailFetcher *self = data;

  self->timer = 0;
  start (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (HdMailFetcher *self)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  self->timer = g_timeout_add_seconds (self->interval, tick_cb, self);
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HdMailFetcher) self = user_data;
  g_autoptr(GError) error = NULL;
  Outcome *outcome = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean asked = self->asked;
  gboolean never;

  self->running = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&outcome, outcome_free);
      return;
    }
  self->asked = FALSE;
  if (outcome != NULL)
    self->interval = outcome->interval;

  /* A run on the clock that found mail off, or did its work, says
   * nothing; a failure, or a run asked for, says what happened. */
  if (error != NULL)
    g_signal_emit (self, signals[FINISHED], 0, FALSE, error->message);
  else if (asked || !outcome->done)
    g_signal_emit (self, signals[FINISHED], 0, outcome->done, asked ? outcome->text : NULL);
  else
    g_signal_emit (self, signals[FINISHED], 0, TRUE, NULL);
  never = outcome != NULL && outcome->never;
  g_clear_pointer (&outcome, outcome_free);

  if (self->again)
    {
      self->again = FALSE;
      self->asked = TRUE;
      start (self);
      return;
    }
  if (!never)
    schedule (self);
}

static void
start (HdMailFetcher *self)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  if (self->running || g_cancellable_is_cancelled (self->cancellable))
    return;
  g_clear_handle_id (&self->timer, g_source_remove);
  run = g_new0 (Run, 1);
  run->path = g_strdup (self->path);
  run->login = g_strdup (self->login);
  self->running = TRUE;
  task = g_task_new (self, self->cancellable, run_done, g_object_ref (self));
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  g_task_run_in_thread (task, run_thread);
}

static void
hd_mail_fetcher_dispose (GObject *object)
{
  HdMailFetcher *self = HD_MAIL_FETCHER (object);

  hd_mail_fetcher_stop (self);
  G_OBJECT_CLASS (hd_mail_fetcher_parent_class)->dispose (object);
}

static void
hd_mail_fetcher_finalize (GObject *object)
{
  HdMailFetcher *self = HD_MAIL_FETCHER (object);

  g_clear_object (&self->cancellable);
  g_free (self->path);
  g_free (self->login);
  G_OBJECT_CLASS (hd_mail_fetcher_parent_class)->finalize (object);
}

static void
hd_mail_fetcher_class_init (HdMailFetcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hd_mail_fetcher_dispose;
  object_class->finalize = hd_mail_fetcher_finalize;

  /**
   * HdMailFetcher::finished:
   * @ok: the run did what it was for, or found nothing to do
   * @text: (nullable): what to tell the person; %NULL: nothing
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN,
                                    G_TYPE_STRING);
}

static void
hd_mail_fetcher_init (HdMailFetcher *self)
{
  self->cancellable = g_cancellable_new ();
  self->interval = HD_MAIL_DEFAULT_INTERVAL;
}

/**
 * hd_mail_fetcher_new:
 * @path: the helpdesk file
 * @login: who the window acts as (staff)
 *
 * Starts at once: the first run reads the file's settings.
 */
HdMailFetcher *
hd_mail_fetcher_new (const char *path,
                     const char *login)
{
  HdMailFetcher *self = g_object_new (HD_TYPE_MAIL_FETCHER, NULL);

  self->path = g_strdup (path);
  self->login = g_strdup (login);
  start (self);
  return self;
}

/* Fetch Now: at once, or right after the run under way. */
void
hd_mail_fetcher_fetch_now (HdMailFetcher *self)
{
  g_return_if_fail (HD_IS_MAIL_FETCHER (self));

  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  self->asked = TRUE;
  start (self);
}

/* A fetcher whose clock stopped (the person was not staff, or the file
 * read-only, at its last run) looks again: someone opened the file anew. */
void
hd_mail_fetcher_wake (HdMailFetcher *self)
{
  g_return_if_fail (HD_IS_MAIL_FETCHER (self));

  if (!self->running && self->timer == 0)
    start (self);
}

const char *
hd_mail_fetcher_get_path (HdMailFetcher *self)
{
  g_return_val_if_fail (HD_IS_MAIL_FETCHER (self), NULL);

  return self->path;
}

/* Whether a run is under way: after hd_mail_fetcher_stop(), until its
 * thread has let go of the file and the lease. */
gboolean
hd_mail_fetcher_is_running (HdMailFetcher *self)
{
  g_return_val_if_fail (HD_IS_MAIL_FETCHER (self), FALSE);

  return self->running;
}

/* No more runs; the one under way is cancelled. */
void
hd_mail_fetcher_stop (HdMailFetcher *self)
{
  g_return_if_fail (HD_IS_MAIL_FETCHER (self));

  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
}
