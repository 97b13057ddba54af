/* test-concurrency.c — several processes writing one helpdesk file at once
 *
 * The parent starts this same binary again N times in worker mode
 * (HD_TEST_WORKER set): each worker opens the file with the core API, as a
 * desktop would, and makes its changes in a loop while the others do the
 * same. Every worker is started, and held at a barrier (its standard input)
 * until all are, so that their loops really overlap. Afterwards the parent
 * checks that every change landed exactly once and the file is sound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd-test-util.h"

/* Lock waits must not fail the workers: they queue on the file's lock. */
#define WORKER_BUSY_TIMEOUT "30000"

static char *self_path;
static const char *cli_path;

/* Worker mode */

static char *
worker_title (const char *login,
              const char *what,
              guint       i)
{
  return g_strdup_printf ("%s %s %u", login, what, i);
}

static gboolean
worker_step (HdStore     *store,
             const char  *mode,
             const char  *login,
             gint64       number,
             guint        i,
             GError     **error)
{
  g_autoptr(HdTicket) ticket = NULL;
  g_autofree char *title = NULL;

  if (g_str_equal (mode, "create"))
    {
      HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

      title = worker_title (login, "ticket", i);
      draft.title = title;
      ticket = hd_store_create_ticket (store, &draft, error);
      if (ticket == NULL)
        return FALSE;
      g_print ("%" G_GINT64_FORMAT "\n", hd_ticket_get_number (ticket));
    }
  else
    {
      HdTicketChanges changes = { 0 };

      /* if_version 0: apply to whatever the file holds now, so every one
       * of these updates must land, none may overwrite another. */
      title = worker_title (login, "update", i);
      changes.title = title;
      ticket = hd_store_update_ticket (store, number, 0, &changes, error);
      if (ticket == NULL)
        return FALSE;
      g_print ("%" G_GINT64_FORMAT "\n", hd_ticket_get_version (ticket));
    }

  return TRUE;
}

/* HD_TEST_WORKER=create|update, HD_TEST_DB, HD_TEST_LOGIN, HD_TEST_COUNT,
 * HD_TEST_TICKET (update). Prints one ticket number (create) or version
 * (update) per line. */
static int
worker_main (const char *mode)
{
  const char *path = g_getenv ("HD_TEST_DB");
  const char *login = g_getenv ("HD_TEST_LOGIN");
  guint count = atoi (g_getenv ("HD_TEST_COUNT"));
  gint64 number = g_ascii_strtoll (g_getenv ("HD_TEST_TICKET"), NULL, 10);
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = NULL;

  /* The barrier: the parent closes our standard input once every worker
   * has started. */
  while (getchar () != EOF)
    ;

  store = hd_store_open (path, login, &error);
  for (guint i = 0; store != NULL && i < count; i++)
    {
      if (!worker_step (store, mode, login, number, i, &error))
        break;

      /* A moment between changes, as people take. Without it the worker
       * that holds the lock takes it again before the others' busy
       * handlers wake up from their back-off, and the loops run one after
       * the other instead of side by side. */
      g_usleep (g_random_int_range (200, 2000));
    }

  if (error != NULL)
    {
      g_printerr ("worker %s: %s\n", login, error->message);
      return 1;
    }

  return 0;
}

/* Starting and waiting for workers */

typedef struct {
  char        *login;
  GSubprocess *process;
  char        *out;
  char        *err;
  GError      *error;
  gboolean     done;
} Worker;

static void
worker_free (Worker *worker)
{
  g_free (worker->login);
  g_clear_object (&worker->process);
  g_free (worker->out);
  g_free (worker->err);
  g_clear_error (&worker->error);
  g_free (worker);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Worker, worker_free)

static void
worker_communicate_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Worker *worker = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &worker->out,
                                        &worker->err, &worker->error);
  worker->done = TRUE;
}

static Worker *
worker_spawn (GSubprocessLauncher  *launcher,
              const char           *login,
              const char * const   *argv)
{
  g_autoptr(Worker) worker = g_new0 (Worker, 1);
  g_autoptr(GError) error = NULL;

  worker->login = g_strdup (login);
  worker->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&worker);
}

static GSubprocessLauncher *
new_launcher (const char *login)
{
  GSubprocessLauncher *launcher;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_BUSY_TIMEOUT", WORKER_BUSY_TIMEOUT, TRUE);
  g_subprocess_launcher_setenv (launcher, "HELPDESK_LOGIN", login, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HELPDESK_DB");
  return launcher;
}

/* Starts one worker of this binary per login; none runs its loop yet. */
static GPtrArray *
start_workers (const char         *mode,
               const char         *path,
               const char * const *logins,
               guint               count,
               gint64              number)
{
  GPtrArray *workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  g_autofree char *number_text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
  const char *argv[] = { self_path, NULL };

  for (guint i = 0; logins[i] != NULL; i++)
    {
      g_autoptr(GSubprocessLauncher) launcher = new_launcher (logins[i]);

      g_subprocess_launcher_setenv (launcher, "HD_TEST_WORKER", mode, TRUE);
      g_subprocess_launcher_setenv (launcher, "HD_TEST_DB", path, TRUE);
      g_subprocess_launcher_setenv (launcher, "HD_TEST_LOGIN", logins[i], TRUE);
      g_subprocess_launcher_setenv (launcher, "HD_TEST_COUNT", count_text, TRUE);
      g_subprocess_launcher_setenv (launcher, "HD_TEST_TICKET", number_text, TRUE);
      g_ptr_array_add (workers, worker_spawn (launcher, logins[i], argv));
    }

  return workers;
}

/* Lifts the barrier for every worker at once (communicating closes their
 * standard input), then collects what each printed. */
static void
run_workers (GPtrArray *workers)
{
  gboolean all_done = FALSE;

  for (guint i = 0; i < workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (workers, i);

      g_subprocess_communicate_utf8_async (worker->process, "", NULL, worker_communicate_cb,
                                           worker);
    }

  while (!all_done)
    {
      g_main_context_iteration (NULL, TRUE);
      all_done = TRUE;
      for (guint i = 0; i < workers->len; i++)
        all_done &= ((Worker *) g_ptr_array_index (workers, i))->done;
    }

  for (guint i = 0; i < workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (workers, i);

      g_assert_no_error (worker->error);
      g_assert_true (g_subprocess_get_if_exited (worker->process));
      if (g_subprocess_get_exit_status (worker->process) != 0)
        g_test_message ("%s failed: %s", worker->login, worker->err);
      g_assert_cmpint (g_subprocess_get_exit_status (worker->process), ==, 0);
      g_assert_cmpstr (worker->err, ==, "");
    }
}

/* The numbers a worker printed, one per line, in order. */
static GArray *
worker_numbers (Worker *worker)
{
  g_auto(GStrv) lines = g_strsplit (worker->out, "\n", -1);
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 value = 0;
      gint64 number;

      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;
      g_assert_true (g_ascii_string_to_unsigned (lines[i], 10, 1, G_MAXINT64, &value, NULL));
      number = value;
      g_array_append_val (numbers, number);
    }

  return numbers;
}

static void
assert_cli_check (const char *path)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher ("disp");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, cli_path, "--db", path, "check", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, "", NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_test_message ("check: %s%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (out, "is sound"));
}

/* Tests */

#define N_CREATORS 8
#define N_TICKETS_EACH 50

/* Which worker printed a number, and as its how-manieth ticket. */
typedef struct {
  const char *login;
  guint       index;
} Origin;

/* How often the worker changes along @origins: 0 for one worker alone. */
static guint
count_turns (const Origin *origins,
             guint         n)
{
  guint turns = 0;

  for (guint i = 1; i < n; i++)
    if (g_strcmp0 (origins[i].login, origins[i - 1].login) != 0)
      turns++;

  return turns;
}

static void
test_create_distinct (void)
{
  const char *logins[N_CREATORS + 1] = { NULL };
  g_autofree char *path = NULL;
  g_autoptr(HdStore) setup = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) workers = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = g_new0 (char *, N_CREATORS + 1);
  Origin origins[N_CREATORS * N_TICKETS_EACH + 1] = { { NULL, 0 } };
  guint total = N_CREATORS * N_TICKETS_EACH;

  g_clear_object (&setup);

  /* People the file has never met: each registers on its first ticket,
   * at the same moment as the others. */
  for (guint i = 0; i < N_CREATORS; i++)
    logins[i] = names[i] = g_strdup_printf ("worker%u", i + 1);

  workers = start_workers ("create", path, logins, N_TICKETS_EACH, 0);
  run_workers (workers);

  /* Every number printed once, together exactly 1 … 400, each worker's
   * rising. */
  for (guint w = 0; w < workers->len; w++)
    {
      Worker *worker = g_ptr_array_index (workers, w);
      g_autoptr(GArray) numbers = worker_numbers (worker);

      g_assert_cmpuint (numbers->len, ==, N_TICKETS_EACH);
      for (guint i = 0; i < numbers->len; i++)
        {
          gint64 number = g_array_index (numbers, gint64, i);

          g_assert_cmpint (number, >=, 1);
          g_assert_cmpint (number, <=, total);
          g_assert_null (origins[number].login);
          origins[number].login = worker->login;
          origins[number].index = i;
          if (i > 0)
            g_assert_cmpint (number, >, g_array_index (numbers, gint64, i - 1));
        }
    }

  /* The workers really ran side by side: one after the other, the
   * numbers would come in N_CREATORS blocks. */
  g_test_message ("%u turns between workers", count_turns (origins + 1, total));
  g_assert_cmpuint (count_turns (origins + 1, total), >, N_CREATORS - 1);

  /* The file holds exactly those tickets, each as its worker filed it and
   * with exactly one history entry: its creation. */
  store = hd_test_open_as (path, "disp");
  tickets = hd_store_list_tickets (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, total);

  for (guint i = 0; i < tickets->len; i++)
    {
      HdTicket *ticket = g_ptr_array_index (tickets, i);
      gint64 number = hd_ticket_get_number (ticket);
      g_autofree char *title = worker_title (origins[number].login, "ticket",
                                             origins[number].index);
      g_autoptr(GPtrArray) events = hd_store_list_events (store, number, &error);
      HdTicketEvent *event;

      g_assert_no_error (error);
      g_assert_cmpint (number, ==, i + 1);
      g_assert_cmpstr (hd_ticket_get_requester (ticket), ==, origins[number].login);
      g_assert_cmpstr (hd_ticket_get_title (ticket), ==, title);
      g_assert_cmpint (hd_ticket_get_version (ticket), ==, 1);

      g_assert_cmpuint (events->len, ==, 1);
      event = g_ptr_array_index (events, 0);
      g_assert_cmpint (hd_ticket_event_get_kind (event), ==, HD_EVENT_CREATED);
      g_assert_cmpstr (hd_ticket_event_get_actor (event), ==, origins[number].login);
    }

  /* Each newcomer registered once. */
  people = hd_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 5 + N_CREATORS);
  for (guint i = 0; i < N_CREATORS; i++)
    {
      g_autoptr(HdPerson) person = hd_store_find_person (store, logins[i], &error);

      g_assert_no_error (error);
      g_assert_cmpint (hd_person_get_role (person), ==, HD_ROLE_REQUESTER);
    }

  g_clear_object (&store);
  assert_cli_check (path);
}

#define N_UPDATERS 4
#define N_UPDATES_EACH 50

static void
test_update_no_lost_update (void)
{
  const char *logins[N_UPDATERS + 1] = { "disp", "tech1", "tech2", "tech3", NULL };
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(HdTicket) ticket = NULL;
  g_autoptr(HdPerson) tech3 = NULL;
  g_autoptr(GPtrArray) workers = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GHashTable) titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  HdPersonDraft draft = { .login = "tech3", .name = "Tech Three", .role = HD_ROLE_TECHNICIAN };
  gboolean seen[N_UPDATERS * N_UPDATES_EACH + 2] = { FALSE };
  guint total = N_UPDATERS * N_UPDATES_EACH;
  const char *previous;
  guint turns = 0;
  gint64 number;

  tech3 = hd_store_add_person (store, &draft, &error);
  g_assert_no_error (error);
  {
    g_autoptr(HdStore) requester = hd_test_open_as (path, "req1");

    ticket = hd_test_file_ticket (requester, "Shared ticket");
  }
  number = hd_ticket_get_number (ticket);
  g_clear_object (&store);

  workers = start_workers ("update", path, logins, N_UPDATES_EACH, number);
  run_workers (workers);

  /* Every update made a version of its own: together exactly 2 … 201. */
  for (guint w = 0; w < workers->len; w++)
    {
      Worker *worker = g_ptr_array_index (workers, w);
      g_autoptr(GArray) versions = worker_numbers (worker);

      g_assert_cmpuint (versions->len, ==, N_UPDATES_EACH);
      for (guint i = 0; i < versions->len; i++)
        {
          gint64 version = g_array_index (versions, gint64, i);

          g_assert_cmpint (version, >=, 2);
          g_assert_cmpint (version, <=, total + 1);
          g_assert_false (seen[version]);
          seen[version] = TRUE;
          g_hash_table_add (titles, worker_title (worker->login, "update", i));
        }
    }

  store = hd_test_open_as (path, "disp");
  g_clear_object (&ticket);
  ticket = hd_store_get_ticket (store, number, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hd_ticket_get_version (ticket), ==, 1 + total);

  /* One field change per update, each starting from the title the one
   * before it left: nothing was overwritten unseen. */
  events = hd_store_list_events (store, number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1 + total);
  g_assert_cmpint (hd_ticket_event_get_kind (g_ptr_array_index (events, 0)), ==,
                   HD_EVENT_CREATED);
  previous = "Shared ticket";
  for (guint i = 1; i < events->len; i++)
    {
      HdTicketEvent *event = g_ptr_array_index (events, i);

      if (i > 1 && g_strcmp0 (hd_ticket_event_get_actor (event),
                              hd_ticket_event_get_actor (g_ptr_array_index (events, i - 1))) != 0)
        turns++;

      g_assert_cmpint (hd_ticket_event_get_kind (event), ==, HD_EVENT_FIELD);
      g_assert_cmpstr (hd_ticket_event_get_field (event), ==, "title");
      g_assert_cmpstr (hd_ticket_event_get_old_value (event), ==, previous);
      g_assert_true (g_hash_table_remove (titles, hd_ticket_event_get_new_value (event)));
      g_assert_true (g_str_has_prefix (hd_ticket_event_get_new_value (event),
                                       hd_ticket_event_get_actor (event)));
      previous = hd_ticket_event_get_new_value (event);
    }
  g_assert_cmpuint (g_hash_table_size (titles), ==, 0);
  g_assert_cmpstr (hd_ticket_get_title (ticket), ==, previous);
  /* The updates interleaved, or this proved nothing. */
  g_test_message ("%u turns between workers", turns);
  g_assert_cmpuint (turns, >, N_UPDATERS - 1);

  g_clear_object (&store);
  assert_cli_check (path);
}

#define N_CLI 8
#define N_CLI_ROUNDS 2

/* The same through the command-line tool: many short-lived processes, each
 * with the tool's own default busy timeout. */
static void
test_cli_create_distinct (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) setup = hd_test_new_helpdesk (&path);
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen[N_CLI * N_CLI_ROUNDS + 1] = { FALSE };

  g_clear_object (&setup);

  for (guint round = 0; round < N_CLI_ROUNDS; round++)
    {
      g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);

      for (guint i = 0; i < N_CLI; i++)
        {
          g_autofree char *login = g_strdup_printf ("cli%u", i);
          g_autofree char *title = g_strdup_printf ("Round %u from %s", round, login);
          g_autoptr(GSubprocessLauncher) launcher = new_launcher (login);
          const char *argv[] = {
            cli_path, "--db", path, "ticket", "new", "--title", title, NULL
          };

          g_subprocess_launcher_unsetenv (launcher, "HELPDESK_BUSY_TIMEOUT");
          g_ptr_array_add (workers, worker_spawn (launcher, login, argv));
        }
      run_workers (workers);

      for (guint w = 0; w < workers->len; w++)
        {
          g_autoptr(GArray) numbers = worker_numbers (g_ptr_array_index (workers, w));
          gint64 number;

          g_assert_cmpuint (numbers->len, ==, 1);
          number = g_array_index (numbers, gint64, 0);
          g_assert_cmpint (number, >=, 1);
          g_assert_cmpint (number, <=, N_CLI * N_CLI_ROUNDS);
          g_assert_false (seen[number]);
          seen[number] = TRUE;
        }
    }

  store = hd_test_open_as (path, "disp");
  tickets = hd_store_list_tickets (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, N_CLI * N_CLI_ROUNDS);
  g_clear_object (&store);
  assert_cli_check (path);
}

/* Setup */

int
main (int   argc,
      char *argv[])
{
  const char *worker = g_getenv ("HD_TEST_WORKER");
  int status;

  if (worker != NULL && worker[0] != '\0')
    return worker_main (worker);

  /* Workers are this binary again; argv[0] may be relative. */
  self_path = g_canonicalize_filename (argv[0], NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  cli_path = g_getenv ("HELPDESK_CLI");
  if (cli_path == NULL || cli_path[0] == '\0')
    cli_path = g_test_build_filename (G_TEST_BUILT, "..", "src", "cli", "helpdesk-cli", NULL);

  g_test_add_func ("/concurrency/create/distinct-numbers", test_create_distinct);
  g_test_add_func ("/concurrency/update/no-lost-update", test_update_no_lost_update);
  g_test_add_func ("/concurrency/cli/distinct-numbers", test_cli_create_distinct);

  status = g_test_run ();
  g_free (self_path);
  return status;
}
