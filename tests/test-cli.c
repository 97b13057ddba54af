/* test-cli.c — helpdesk-cli as scripts see it
 *
 * Black-box tests: every test runs the real binary ($HELPDESK_CLI) with a
 * controlled environment (the acting login in HELPDESK_LOGIN, the file
 * given with --db, HELPDESK_DB unset unless the test is about it) and checks
 * the exit code, standard output, standard error, and what the file holds
 * afterwards. The core is used only to set up a helpdesk quickly and, with
 * the SQLite API, to make files that the tool must refuse.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _XOPEN_SOURCE 700  /* mkfifo, symlink, link, posix_openpt */
#include "config.h"

#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd-schema.h"
#include "hd-test-util.h"

static char *cli_path;

/* Running the tool */

static char *
bytes_to_string (GBytes *bytes)
{
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  return data != NULL ? g_strndup (data, size) : g_strdup ("");
}

static char **
child_environment (const char * const *env,
                   const char         *login)
{
  char **envp = g_get_environ ();

  envp = g_environ_unsetenv (envp, "HELPDESK_DB");
  if (login != NULL)
    envp = g_environ_setenv (envp, "HELPDESK_LOGIN", login, TRUE);
  else
    envp = g_environ_unsetenv (envp, "HELPDESK_LOGIN");

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *eq = strchr (env[i], '=');
      g_autofree char *name = eq != NULL ? g_strndup (env[i], eq - env[i]) : NULL;

      if (name != NULL)
        envp = g_environ_setenv (envp, name, eq + 1, TRUE);
      else
        envp = g_environ_unsetenv (envp, env[i]);
    }

  return envp;
}

/* @env: "NAME=VALUE" to set, "NAME" to unset, applied after HELPDESK_DB is
 * unset and HELPDESK_LOGIN set to @login (unset when %NULL). @out and @err,
 * when given, are replaced (the previous strings freed), so one pair of
 * g_autofree strings serves a whole test. */
static gboolean as_nobody;

static void
run_cli_argv (const char * const  *env,
              const char          *login,
              GBytes              *input,
              int                 *exit_status,
              char               **out,
              char               **err,
              GPtrArray           *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GBytes) stderr_bytes = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = child_environment (env, login);
  g_autoptr(GBytes) no_input = g_bytes_new_static ("", 0);
  g_autofree char *stderr_text = NULL;
  g_autofree char *input_path = NULL;

  /* Text for standard input comes from a file: through a pipe, a command
   * that fails before reading it would have the write fail (or kill the
   * tests with SIGPIPE) whenever it exits first. Otherwise standard
   * input is an empty pipe, so that a command that reads it never waits
   * on the terminal. */
  if (input != NULL)
    {
      int fd = g_file_open_tmp ("helpdesk-cli-input-XXXXXX", &input_path, &error);

      g_assert_no_error (error);
      g_assert_true (g_file_set_contents (input_path, g_bytes_get_data (input, NULL),
                                          g_bytes_get_size (input), &error));
      g_assert_no_error (error);
      close (fd);
    }

  launcher = g_subprocess_launcher_new ((input_path == NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0) |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (input_path != NULL)
    g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  g_subprocess_launcher_set_environ (launcher, envp);

  if (as_nobody)
    {
      /* Root ignores file permissions; run the tool as nobody so that a
       * read-only file really is read-only to it. */
      g_ptr_array_add (argv, (char *) "setpriv");
      g_ptr_array_add (argv, (char *) "--reuid=65534");
      g_ptr_array_add (argv, (char *) "--regid=65534");
      g_ptr_array_add (argv, (char *) "--clear-groups");
      g_ptr_array_add (argv, (char *) "--");
    }
  g_ptr_array_add (argv, cli_path);
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (args, i));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, input_path == NULL ? no_input : NULL, NULL, &stdout_bytes,
                            &stderr_bytes, &error);
  g_assert_no_error (error);
  if (input_path != NULL)
    g_unlink (input_path);

  stderr_text = bytes_to_string (stderr_bytes);
  if (!g_subprocess_get_if_exited (process))
    g_error ("helpdesk-cli was killed by signal %d; it wrote to stderr: %s",
             g_subprocess_get_term_sig (process), stderr_text);

  *exit_status = g_subprocess_get_exit_status (process);
  if (out != NULL)
    {
      g_free (*out);
      *out = bytes_to_string (stdout_bytes);
    }
  if (err != NULL)
    {
      g_free (*err);
      *err = g_steal_pointer (&stderr_text);
    }
}

static void
run_cli_va (const char * const  *env,
            const char          *login,
            GBytes              *input,
            int                 *exit_status,
            char               **out,
            char               **err,
            const char          *first_arg,
            va_list              ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);

  run_cli_argv (env, login, input, exit_status, out, err, args);
}

static void run_cli (const char  *login,
                     const char  *stdin_text,
                     int         *exit_status,
                     char       **out,
                     char       **err,
                     const char  *first_arg,
                     ...) G_GNUC_NULL_TERMINATED;

static void
run_cli (const char  *login,
         const char  *stdin_text,
         int         *exit_status,
         char       **out,
         char       **err,
         const char  *first_arg,
         ...)
{
  g_autoptr(GBytes) input = stdin_text != NULL ? g_bytes_new (stdin_text, strlen (stdin_text))
                                               : NULL;
  va_list ap;

  va_start (ap, first_arg);
  run_cli_va (NULL, login, input, exit_status, out, err, first_arg, ap);
  va_end (ap);
}

static void run_cli_env (const char * const  *env,
                         const char          *login,
                         int                 *exit_status,
                         char               **out,
                         char               **err,
                         const char          *first_arg,
                         ...) G_GNUC_NULL_TERMINATED;

static void
run_cli_env (const char * const  *env,
             const char          *login,
             int                 *exit_status,
             char               **out,
             char               **err,
             const char          *first_arg,
             ...)
{
  va_list ap;

  va_start (ap, first_arg);
  run_cli_va (env, login, NULL, exit_status, out, err, first_arg, ap);
  va_end (ap);
}

static void run_cli_bytes (const char  *login,
                           GBytes      *input,
                           int         *exit_status,
                           char       **out,
                           char       **err,
                           const char  *first_arg,
                           ...) G_GNUC_NULL_TERMINATED;

static void
run_cli_bytes (const char  *login,
               GBytes      *input,
               int         *exit_status,
               char       **out,
               char       **err,
               const char  *first_arg,
               ...)
{
  va_list ap;

  va_start (ap, first_arg);
  run_cli_va (NULL, login, input, exit_status, out, err, first_arg, ap);
  va_end (ap);
}

static char *cli_ok (const char *login,
                     const char *first_arg,
                     ...) G_GNUC_NULL_TERMINATED;

/* Runs a step that must succeed; returns its standard output. */
static char *
cli_ok (const char *login,
        const char *first_arg,
        ...)
{
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = -1;
  va_list ap;

  va_start (ap, first_arg);
  run_cli_va (NULL, login, NULL, &status, &out, &err, first_arg, ap);
  va_end (ap);

  if (status != 0)
    g_test_message ("helpdesk-cli %s … failed: %s", first_arg, err);
  g_assert_cmpint (status, ==, 0);
  return out;
}

/* A macro, so that a failure names the test's line. */
#define assert_status(status, expected, err) \
  G_STMT_START { \
    if ((status) != (expected)) \
      g_test_message ("unexpected exit status; stderr was: %s", (err)); \
    g_assert_cmpint ((status), ==, (expected)); \
  } G_STMT_END

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;

  return n;
}

/* A refusal is one line on standard error that names the problem; never
 * the help text, never anything on standard output. */
static void
assert_one_line_error (const char *out,
                       const char *err,
                       const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);

  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_cmpuint (count_lines (err), ==, 1);
  g_assert_true (g_str_has_prefix (lines[0], "helpdesk-cli"));
  if (needle != NULL)
    g_assert_nonnull (strstr (lines[0], needle));
  g_assert_null (strstr (err, "Commands:"));
  g_assert_null (strstr (err, "Application Options"));
}

/* Files */

static char *
new_helpdesk (void)
{
  char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);

  return path;
}

/* A fresh folder in the test's own data folder, which vanishes with it. */
static char *
new_dir (const char *name)
{
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", name);
  char *dir = g_build_filename (hd_test_dir (), template, NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

static void
write_file (const char *path,
            const char *data,
            gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

static void
assert_unchanged (const char *path,
                  GBytes     *before)
{
  g_autoptr(GBytes) after = hd_test_read_bytes (path);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

static void
sql_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3 *
sql_open (const char *path,
          int         flags)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, flags, NULL), ==, SQLITE_OK);
  return db;
}

static gint64
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = sql_open (path, SQLITE_OPEN_READONLY);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
sql_run (const char *path,
         const char *sql)
{
  sqlite3 *db = sql_open (path, SQLITE_OPEN_READWRITE);

  sql_exec (db, sql);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* JSON */

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static const char *
member_str (JsonObject *object,
            const char *key)
{
  JsonNode *node;

  g_assert_true (json_object_has_member (object, key));
  node = json_object_get_member (object, key);
  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;

  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *key)
{
  JsonNode *node;

  g_assert_true (json_object_has_member (object, key));
  node = json_object_get_member (object, key);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);
  return json_node_get_int (node);
}

static gboolean
member_is_null (JsonObject *object,
                const char *key)
{
  g_assert_true (json_object_has_member (object, key));
  return JSON_NODE_HOLDS_NULL (json_object_get_member (object, key));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The object's keys, sorted and joined with spaces. */
static char *
object_keys (JsonObject *object)
{
  GList *members = json_object_get_members (object);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (keys, l->data);
  g_list_free (members);

  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (" ", (char **) keys->pdata);
}

static JsonObject *
show_ticket (const char *db,
             const char *login,
             gint64      number)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
  g_autofree char *out = cli_ok (login, "--db", db, "ticket", "show", "--json", text, NULL);
  g_autoptr(JsonNode) node = parse_json (out);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static JsonArray *
list_tickets_json (const char *db,
                   const char *login)
{
  g_autofree char *out = cli_ok (login, "--db", db, "ticket", "list", "--json", NULL);
  g_autoptr(JsonNode) node = parse_json (out);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

static JsonObject *
find_person (JsonArray  *people,
             const char *login)
{
  for (guint i = 0; i < json_array_get_length (people); i++)
    {
      JsonObject *person = json_array_get_object_element (people, i);

      if (g_strcmp0 (member_str (person, "login"), login) == 0)
        return person;
    }

  return NULL;
}

static JsonArray *
list_people_json (const char *db)
{
  g_autofree char *out = cli_ok ("disp", "--db", db, "person", "list", "--json", NULL);
  g_autoptr(JsonNode) node = parse_json (out);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

static char *list_numbers (const char *db,
                           const char *login,
                           ...) G_GNUC_NULL_TERMINATED;

/* "ticket list --json" with the given filter options; the numbers, joined
 * with spaces. */
static char *
list_numbers (const char *db,
              const char *login,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GString) numbers = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonArray *array;
  int status = -1;
  va_list ap;

  g_ptr_array_add (args, (char *) "--db");
  g_ptr_array_add (args, (char *) db);
  g_ptr_array_add (args, (char *) "ticket");
  g_ptr_array_add (args, (char *) "list");
  g_ptr_array_add (args, (char *) "--json");
  va_start (ap, login);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);

  run_cli_argv (NULL, login, NULL, &status, &out, &err, args);
  assert_status (status, 0, err);

  node = parse_json (out);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (numbers, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            member_int (json_array_get_object_element (array, i), "number"));

  return g_string_free (g_steal_pointer (&numbers), FALSE);
}

#define assert_numbers(db, login, expected, ...) \
  G_STMT_START { \
    g_autofree char *numbers_ = list_numbers (db, login, __VA_ARGS__); \
    g_assert_cmpstr (numbers_, ==, expected); \
  } G_STMT_END

static const char *
or_dash (const char *text)
{
  return text != NULL ? text : "-";
}

/* "kind by actor[ field from>to]; …" for the ticket's history. */
static char *
events_summary (JsonObject *ticket)
{
  JsonArray *events = json_object_get_array_member (ticket, "events");
  GString *summary = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      g_string_append_printf (summary, "%s%s by %s", i > 0 ? "; " : "",
                              member_str (event, "kind"), member_str (event, "actor"));
      if (json_object_has_member (event, "field"))
        g_string_append_printf (summary, " %s %s>%s", member_str (event, "field"),
                                or_dash (member_str (event, "from")),
                                or_dash (member_str (event, "to")));
    }

  return g_string_free (summary, FALSE);
}

static void
assert_iso_utc (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", text,
                                       0, 0));
}

/* Close to now, read as UTC: a local time labelled Z would be hours off in
 * the far time zone the tests give the tool. */
static void
assert_recent_utc (const char *text)
{
  g_autoptr(GDateTime) when = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  assert_iso_utc (text);
  when = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (when);
  g_assert_cmpint (ABS (g_date_time_to_unix (when) - now), <, 600);
}

static gint64
new_ticket (const char *db,
            const char *login,
            const char *title)
{
  g_autofree char *out = cli_ok (login, "--db", db, "ticket", "new", "--title", title, NULL);
  guint64 number = 0;

  g_assert_true (g_str_has_suffix (out, "\n"));
  out[strlen (out) - 1] = '\0';
  g_assert_true (g_ascii_string_to_unsigned (out, 10, 1, G_MAXINT64, &number, NULL));
  return number;
}

static guint
count_tickets (const char *db)
{
  g_autoptr(JsonArray) tickets = list_tickets_json (db, "disp");

  return json_array_get_length (tickets);
}

/* RFC 4180: records end with CRLF; a field is quoted when it holds a
 * comma, a quote or a line break, and a quote inside is doubled. Returns
 * the records as string vectors. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *p = text;

  while (*p != '\0')
    {
      GPtrArray *fields = g_ptr_array_new ();

      for (;;)
        {
          GString *field = g_string_new (NULL);

          if (*p == '"')
            {
              for (p++; !(*p == '"' && p[1] != '"'); p++)
                {
                  g_assert_true (*p != '\0'); /* an unterminated quote */
                  if (*p == '"')
                    p++;
                  g_string_append_c (field, *p);
                }
              p++;
            }
          else
            {
              for (; *p != '\0' && *p != ',' && *p != '\r' && *p != '\n'; p++)
                {
                  g_assert_cmpint (*p, !=, '"');
                  g_string_append_c (field, *p);
                }
            }

          g_ptr_array_add (fields, g_string_free (field, FALSE));
          if (*p != ',')
            break;
          p++;
        }

      g_assert_cmpint (p[0], ==, '\r');
      g_assert_cmpint (p[1], ==, '\n');
      p += 2;
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (records, g_ptr_array_free (fields, FALSE));
    }

  return records;
}

/* Help and usage */

static const char * const command_words[] = {
  "init", "person add LOGIN", "person update LOGIN", "person list", "person merge KEEP REMOVE",
  "ticket new",
  "ticket list", "ticket show NUMBER", "ticket update NUMBER", "ticket assign NUMBER LOGIN|none",
  "ticket status NUMBER STATUS", "ticket comment NUMBER", "ticket escalate NUMBER", "path",
  "check", "reindex", "backup DEST",
};

/* "ticket assign NUMBER LOGIN|none" → "ticket assign" */
static char *
command_name (const char *words)
{
  g_auto(GStrv) parts = g_strsplit (words, " ", -1);
  GString *name = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL && g_ascii_islower (parts[i][0]); i++)
    g_string_append_printf (name, "%s%s", i > 0 ? " " : "", parts[i]);

  return g_string_free (name, FALSE);
}

static void
test_help_tool (void)
{
  g_autoptr(GPtrArray) no_args = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  run_cli (NULL, NULL, &status, &out, &err, "--help", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_str_has_prefix (out, "Usage: helpdesk-cli"));
  for (guint i = 0; i < G_N_ELEMENTS (command_words); i++)
    {
      g_autofree char *command = command_name (command_words[i]);
      g_autofree char *line = g_strdup_printf ("\n  %s ", command);

      g_assert_nonnull (strstr (out, line));
    }
  g_assert_nonnull (strstr (out, "HELPDESK_DB"));
  g_assert_nonnull (strstr (out, "HELPDESK_LOGIN"));

  /* No command at all: the help, on stderr, and a usage error. */
  run_cli_argv (NULL, NULL, NULL, &status, &out, &err, no_args);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "Usage: helpdesk-cli"));

  run_cli (NULL, NULL, &status, &out, &err, "--version", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "helpdesk-cli " PACKAGE_VERSION "\n");
}

typedef struct {
  const char *words;
  const char *options;
} CommandHelp;

static const CommandHelp command_help[] = {
  { "init", "--name" },
  { "person add", "--name --email --role --tier --department --location" },
  { "person update", "--name --email --role --tier --active --department --location" },
  { "person list", "--json" },
  { "person merge", "" },
  { "ticket new", "--title --description --description-file --requester --priority --category"
                  " --department --location" },
  { "ticket list", "--status --assignee --requester --tier --json --csv" },
  { "ticket show", "--json" },
  { "ticket update", "--title --description --description-file --priority --category"
                     " --department --location --if-version" },
  { "ticket assign", "--if-version" },
  { "ticket status", "--if-version" },
  { "ticket comment", "--body --body-file --internal" },
  { "ticket escalate", "--note --note-file --down --if-version" },
  { "path", "" },
  { "check", "" },
  { "reindex", "" },
  { "backup", "" },
};

/* --help for a command prints its options, the common --db and its summary,
 * and never opens the file (here: one that does not exist). */
static void
test_help_commands (void)
{
  g_autofree char *missing = hd_test_new_path ("missing");

  for (guint i = 0; i < G_N_ELEMENTS (command_help); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
      g_auto(GStrv) words = g_strsplit (command_help[i].words, " ", -1);
      g_auto(GStrv) options = g_strsplit (command_help[i].options, " ", -1);
      int status = -1;

      g_test_message ("helpdesk-cli %s --help", command_help[i].words);
      g_ptr_array_add (args, g_strdup ("--db"));
      g_ptr_array_add (args, g_strdup (missing));
      for (guint w = 0; words[w] != NULL; w++)
        g_ptr_array_add (args, g_strdup (words[w]));
      g_ptr_array_add (args, g_strdup ("--help"));
      run_cli_argv (NULL, "disp", NULL, &status, &out, &err, args);

      assert_status (status, 0, err);
      g_assert_cmpstr (err, ==, "");
      g_assert_true (g_str_has_prefix (out, "Usage:"));
      g_assert_nonnull (strstr (out, "--db=FILE"));
      g_assert_nonnull (strstr (out, "--help"));
      for (guint o = 0; options[o] != NULL; o++)
        if (options[o][0] != '\0')
          g_assert_nonnull (strstr (out, options[o]));
      g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
    }

  /* The summaries are the command's, not another's. */
  {
    g_autofree char *out = cli_ok (NULL, "ticket", "assign", "--help", NULL);

    g_assert_nonnull (strstr (out, "Assign a ticket to a technician"));
    g_assert_null (strstr (out, "--title"));
  }
}

/* Every command's usage line names the command and its parameters, and the
 * tool's command list shows every parameter. */
static void
test_help_names_command (void)
{
  g_autofree char *tool = cli_ok (NULL, "--help", NULL);
  g_autoptr(GString) wrong = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (command_words); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *name = command_name (command_words[i]);
      g_auto(GStrv) words = g_strsplit (name, " ", -1);
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *usage = NULL;
      g_autofree char *line = NULL;
      const char *start;
      int status = -1;

      for (guint w = 0; words[w] != NULL; w++)
        g_ptr_array_add (args, g_strdup (words[w]));
      g_ptr_array_add (args, g_strdup ("--help"));
      run_cli_argv (NULL, NULL, NULL, &status, &out, &err, args);
      assert_status (status, 0, err);

      /* "Usage:\n  ticket assign [OPTION…] NUMBER LOGIN|none" */
      g_assert_true (g_str_has_prefix (out, "Usage:\n  "));
      start = out + strlen ("Usage:\n  ");
      usage = g_strndup (start, strcspn (start, "\n"));
      if (strstr (usage, name) == NULL)
        g_string_append_printf (wrong, " '%s --help' shows 'Usage: %s';", name, usage);

      line = g_strdup_printf ("  %s ", command_words[i]);
      if (strstr (tool, line) == NULL)
        g_string_append_printf (wrong, " 'helpdesk-cli --help' does not list '%s';",
                                command_words[i]);
    }

  g_assert_cmpstr (wrong->str, ==, "");
}

/* "helpdesk-cli ticket --help" lists the group's commands: the very lines
 * of the tool's own list, and no other group's. */
static void
test_help_groups (void)
{
  static const char * const groups[] = { "person", "ticket", "sla", "kb" };
  g_autofree char *tool = cli_ok (NULL, "--help", NULL);
  g_auto(GStrv) lines = g_strsplit (tool, "\n", -1);

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    for (guint h = 0; h < 2; h++)
      {
        g_autofree char *prefix = g_strdup_printf ("  %s ", groups[i]);
        g_autofree char *out = NULL, *err = NULL;
        guint listed = 0;
        int status = -1;

        run_cli (NULL, NULL, &status, &out, &err, groups[i], h == 0 ? "--help" : "-h", NULL);
        assert_status (status, 0, err);
        g_assert_cmpstr (err, ==, "");
        g_assert_true (g_str_has_prefix (out, "Usage: helpdesk-cli"));
        for (guint l = 0; lines[l] != NULL; l++)
          if (g_str_has_prefix (lines[l], prefix))
            {
              g_autofree char *line = g_strconcat ("\n", lines[l], "\n", NULL);

              g_assert_nonnull (strstr (out, line));
              listed++;
            }
        g_assert_cmpuint (listed, >, 1);
        g_assert_cmpuint (count_lines (out), ==, listed + 5);
      }

  /* Other options may come first; an unknown command stays an error. */
  {
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;

    run_cli (NULL, NULL, &status, &out, &err, "kb", "--db", "x.db", "--help", NULL);
    assert_status (status, 0, err);
    g_assert_nonnull (strstr (out, "\n  kb import DIR "));
    run_cli (NULL, NULL, &status, &out, &err, "kb", "frobnicate", "--help", NULL);
    g_assert_cmpint (status, ==, 1);
    assert_one_line_error (out, err, "kb frobnicate");
  }
}

/* Every command the tool's --help lists is one that runs: its own --help
 * names it with its summary, without opening the file; and a group's
 * --help lists exactly the group's lines. Read from the list itself, so
 * that a group added to the dispatch table is held to it too. */
static void
test_help_every_command (void)
{
  g_autofree char *missing = hd_test_new_path ("missing");
  g_autofree char *tool = cli_ok (NULL, "--help", NULL);
  g_auto(GStrv) lines = g_strsplit (tool, "\n", -1);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint commands = 0;

  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) words = NULL;
      g_autofree char *first_help = NULL;
      g_autofree char *group_usage = NULL;
      g_autofree char *name = NULL;
      g_autofree char *usage = NULL;
      g_autofree char *out = NULL, *err = NULL;
      g_auto(GStrv) help_lines = NULL;
      g_autofree char *summary = NULL;
      int status = -1;

      /* "  ticket show NUMBER   Show a ticket…" */
      if (!g_str_has_prefix (lines[l], "  ") || !g_ascii_islower (lines[l][2]))
        continue;
      words = g_strsplit (lines[l] + 2, " ", 3);
      g_assert_nonnull (words[1]);

      /* The first word is a group when it answers with the group's help. */
      group_usage = g_strdup_printf ("Usage: helpdesk-cli [--db FILE] %s COMMAND", words[0]);
      first_help = cli_ok (NULL, words[0], "--help", NULL);
      if (g_str_has_prefix (first_help, group_usage))
        {
          g_autofree char *line = g_strconcat ("\n", lines[l], "\n", NULL);
          guint listed = GPOINTER_TO_UINT (g_hash_table_lookup (groups, words[0]));

          g_assert_nonnull (strstr (first_help, line));
          g_hash_table_insert (groups, g_strdup (words[0]), GUINT_TO_POINTER (listed + 1));
          name = g_strdup_printf ("%s %s", words[0], words[1]);
          run_cli (NULL, NULL, &status, &out, &err, "--db", missing, words[0], words[1], "--help",
                   NULL);
        }
      else
        {
          name = g_strdup (words[0]);
          run_cli (NULL, NULL, &status, &out, &err, "--db", missing, words[0], "--help", NULL);
        }

      g_test_message ("helpdesk-cli %s --help", name);
      assert_status (status, 0, err);
      g_assert_cmpstr (err, ==, "");
      usage = g_strdup_printf ("Usage:\n  helpdesk-cli %s [OPTION", name);
      g_assert_true (g_str_has_prefix (out, usage));
      /* "Usage:", the usage line, "", the summary the list shows. */
      help_lines = g_strsplit (out, "\n", 5);
      g_assert_cmpuint (g_strv_length (help_lines), ==, 5);
      summary = g_strconcat (" ", help_lines[3], NULL);
      g_assert_cmpstr (help_lines[3], !=, "");
      g_assert_true (g_str_has_suffix (lines[l], summary));
      g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
      commands++;
    }

  g_assert_cmpuint (commands, >=, 35);
  g_assert_cmpuint (g_hash_table_size (groups), >=, 4);

  /* A group's help has its lines and five more: nothing of another group. */
  {
    GHashTableIter iter;
    gpointer group, listed;

    g_hash_table_iter_init (&iter, groups);
    while (g_hash_table_iter_next (&iter, &group, &listed))
      {
        g_autofree char *out = cli_ok (NULL, group, "--help", NULL);

        g_assert_cmpuint (count_lines (out), ==, GPOINTER_TO_UINT (listed) + 5);
      }
  }
}

/* README: "Errors are one line on standard error that says what to do." */
static void
test_usage_one_line (void)
{
  static const char * const cases[][5] = {
    { "ticket", "list", "--frob", NULL },
    { "ticket", "show", NULL },
    { "ticket", "show", "abc", NULL },
    { "ticket", "status", "1", "done", NULL },
    { "ticket", "new", NULL },
    { "person", "add", "bob", NULL },
    { "frobnicate", NULL },
  };
  g_autofree char *missing = hd_test_new_path ("missing");
  g_autoptr(GString) wrong = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL, *err = NULL;
      int status = -1;

      g_ptr_array_add (args, (char *) "--db");
      g_ptr_array_add (args, missing);
      for (guint w = 0; cases[i][w] != NULL; w++)
        g_ptr_array_add (args, (char *) cases[i][w]);
      run_cli_argv (NULL, "disp", NULL, &status, &out, &err, args);

      g_assert_cmpint (status, ==, 1);
      assert_one_line_error (out, err, NULL);
      if (count_lines (err) != 1)
        g_string_append_printf (wrong, " '%s %s' writes %u lines;", cases[i][0],
                                cases[i][1] != NULL ? cases[i][1] : "", count_lines (err));
    }

  g_assert_cmpstr (wrong->str, ==, "");
}

static void
test_usage_unknown_command (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "frobnicate", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "frobnicate");
  g_assert_cmpuint (count_lines (err), ==, 1);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "frobnicate", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "ticket");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "ticket");
}

static void
test_usage_unknown_option (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--frob", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--frob");

  run_cli ("disp", NULL, &status, &out, &err, "--frob", "ticket", "list", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--frob");

  /* An option of another command is unknown here, and nothing is filed. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "T",
           "--body", "B", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--body");
  g_assert_cmpuint (count_tickets (db), ==, 0);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--json", "--csv",
           NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--json");
}

/* Missing arguments are caught before the file is opened: with a file that
 * does not exist, exit 1, not 2. */
static void
test_usage_missing_argument (void)
{
  g_autofree char *missing = hd_test_new_path ("missing");
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "ticket", "show", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "Missing");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "ticket", "assign", "1", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "Missing");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "ticket", "status", "1", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "Missing");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "ticket", "show", "1", "2",
           NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "Too many");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "ticket", "new", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--title");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "ticket", "new", "--title", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--title");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "person", "add", "bob", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--name");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "ticket", "comment", "1", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--body");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "ticket", "escalate", "1", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--note");

  run_cli ("disp", NULL, &status, &out, &err, "--db", missing, "backup", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "Missing");

  run_cli ("disp", NULL, &status, &out, &err, "--db", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--db");

  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_usage_bad_number (void)
{
  const char *bad[] = { "abc", "0", "12x", "1.5", "", "#", "99999999999999999999", "0x10", "01",
                        " 1", "+1", "#01" };
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  new_ticket (db, "req1", "First");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "show", bad[i], NULL);
      g_assert_cmpint (status, ==, 1);
      assert_one_line_error (out, err, "is not a ticket number");

      run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "status", bad[i], "open",
               NULL);
      g_assert_cmpint (status, ==, 1);
      assert_one_line_error (out, err, "is not a ticket number");
    }

  /* A negative number looks like an option. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "show", "-1", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, NULL);

  /* "#1" is how people write ticket numbers. */
  g_free (cli_ok ("disp", "--db", db, "ticket", "show", "#1", NULL));
  assert_numbers (db, "disp", "1", "--status", "new", NULL);
}

/* Numbers are decimal digits, in range, written the one plain way; any
 * other spelling is a usage error (exit 1) that names the option, and the
 * file stays as it was. */
static void
test_usage_strict_numbers (void)
{
  static const char * const bad[] = {
    "-1", "0x10", "-9223372036854775808", " 1", "+1", "01", "1 ", "", "9223372036854775808",
  };
  static const char * const commands[][8] = {
    { "ticket", "update", "1", "--title", "T", "--if-version", NULL },
    { "ticket", "assign", "1", "tech1", "--if-version", NULL },
    { "ticket", "status", "1", "open", "--if-version", NULL },
    { "ticket", "escalate", "1", "--note", "N", "--if-version", NULL },
    { "kb", "update", "1", "--title", "T", "--if-version", NULL },
    { "kb", "archive", "1", "--if-version", NULL },
    { "kb", "add", "--title", "T", "--file", "-", "--ticket", NULL },
    { "person", "update", "tech1", "--tier", NULL },
    { "person", "add", "newbie", "--name", "N", "--tier", NULL },
    { "ticket", "list", "--tier", NULL },
    { "sla", "policy", "set", "high", "--response", "1h", "--resolve", NULL },
    { "alerts", "--limit", NULL },
    { "kb", "search", "printer", "--limit", NULL },
  };
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GString) wrong = g_string_new (NULL);
  int status = -1;

  new_ticket (db, "req1", "First");
  run_cli ("disp", "Text", &status, &out, &err, "--db", db, "kb", "add", "--title", "A",
           "--file", "-", NULL);
  assert_status (status, 0, err);
  before = hd_test_read_bytes (db);

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GPtrArray) args = g_ptr_array_new ();
        g_autoptr(GBytes) input = g_bytes_new_static ("Text", 4);
        const char *option = NULL;

        g_ptr_array_add (args, (char *) "--db");
        g_ptr_array_add (args, db);
        for (guint w = 0; commands[c][w] != NULL; w++)
          g_ptr_array_add (args, (char *) (option = commands[c][w]));
        /* sla policy set: --resolve 8h, then --warn */
        if (g_str_equal (option, "--resolve"))
          {
            g_ptr_array_add (args, (char *) "8h");
            g_ptr_array_add (args, (char *) (option = "--warn"));
          }
        g_ptr_array_add (args, (char *) bad[i]);
        run_cli_argv (NULL, "disp", input, &status, &out, &err, args);

        if (status != 1 || strstr (err, option) == NULL || count_lines (err) != 1)
          g_string_append_printf (wrong, " %s %s %s “%s”: exit %d, %s;", commands[c][0],
                                  commands[c][1], option, bad[i], status, err);
      }
  g_assert_cmpstr (wrong->str, ==, "");
  assert_unchanged (db, before);

  /* Ticket and article numbers given as words, too. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "comment", bad[i],
               "--body", "Hi", NULL);
      g_assert_cmpint (status, ==, 1);
      assert_one_line_error (out, err, NULL);
      run_cli ("disp", NULL, &status, &out, &err, "--db", db, "kb", "archive", bad[i], NULL);
      g_assert_cmpint (status, ==, 1);
      assert_one_line_error (out, err, NULL);
    }
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "show", "#01", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "is not a ticket number");
  assert_unchanged (db, before);

  /* The plain spellings work. */
  g_free (cli_ok ("disp", "--db", db, "ticket", "update", "1", "--title", "T", "--if-version",
                  "1", NULL));
  assert_numbers (db, "disp", "1", "--tier", "1", NULL);
}

static void
test_usage_bad_enum (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonArray) people = NULL;
  int status = -1;

  new_ticket (db, "req1", "First");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "status", "1", "done", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "“done”");
  g_assert_nonnull (strstr (err, "new, open, pending, resolved, closed"));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "T",
           "--priority", "extreme", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "“extreme”");
  g_assert_nonnull (strstr (err, "low, normal, high, urgent"));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--priority",
           "HIGH", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "“HIGH”");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--status",
           "open,bogus", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "“bogus”");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "add", "bob", "--name", "Bob",
           "--role", "boss", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "“boss”");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "update", "req1", "--active",
           "maybe", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--active");

  /* Nothing changed. */
  ticket = show_ticket (db, "disp", 1);
  g_assert_cmpstr (member_str (ticket, "status"), ==, "new");
  g_assert_cmpstr (member_str (ticket, "priority"), ==, "normal");
  g_assert_cmpint (member_int (ticket, "version"), ==, 1);
  g_assert_cmpuint (count_tickets (db), ==, 1);
  people = list_people_json (db);
  g_assert_null (find_person (people, "bob"));
}

/* init */

static void
test_init_creates (void)
{
  g_autofree char *db = hd_test_new_path ("init");
  g_autofree char *deep = NULL;
  g_autofree char *dir = new_dir ("init");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(JsonArray) people = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonObject *alice;
  int status = -1;

  run_cli ("alice", NULL, &status, &out, &err, "--db", db, "init", "--name", "Front office",
           NULL);
  assert_status (status, 0, err);
  expected = g_strdup_printf ("Created the helpdesk “Front office” in %s; "
                              "alice is its dispatcher.\n", db);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (err, ==, "");

  /* An SQLite file marked as a helpdesk. */
  bytes = hd_test_read_bytes (db);
  g_assert_cmpuint (g_bytes_get_size (bytes), >=, 512);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 16, "SQLite format 3", 16);
  g_assert_cmpint (sql_int (db, "PRAGMA application_id"), ==, HD_APPLICATION_ID);
  /* File format bytes 18 and 19: 1 for a rollback journal, 2 for WAL. */
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (bytes, NULL))[18], ==, 1);
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (bytes, NULL))[19], ==, 1);

  people = list_people_json (db);
  g_assert_cmpuint (json_array_get_length (people), ==, 1);
  alice = find_person (people, "alice");
  g_assert_nonnull (alice);
  g_assert_cmpstr (member_str (alice, "role"), ==, "dispatcher");
  g_assert_cmpint (member_int (alice, "tier"), ==, 1);
  g_assert_true (json_object_get_boolean_member (alice, "active"));

  /* The creator can manage people straight away; someone else cannot. */
  g_free (cli_ok ("alice", "--db", db, "person", "add", "bob", "--name", "Bob", NULL));
  run_cli ("bob", NULL, &status, &out, &err, "--db", db, "person", "add", "carol", "--name",
           "Carol", NULL);
  g_assert_cmpint (status, ==, 4);

  /* Missing folders are made. */
  deep = g_build_filename (dir, "a", "b", "helpdesk.db", NULL);
  g_free (cli_ok ("alice", "--db", deep, "init", NULL));
  g_assert_true (g_file_test (deep, G_FILE_TEST_IS_REGULAR));
  g_free (cli_ok ("alice", "--db", deep, "check", NULL));
}

static void
test_init_existing (void)
{
  g_autofree char *db = hd_test_new_path ("init");
  g_autofree char *text = hd_test_new_path ("text");
  g_autofree char *empty = hd_test_new_path ("empty");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) text_before = NULL;
  int status = -1;

  g_free (cli_ok ("alice", "--db", db, "init", NULL));
  new_ticket (db, "alice", "Keep me");
  before = hd_test_read_bytes (db);

  run_cli ("mallory", NULL, &status, &out, &err, "--db", db, "init", "--name", "Other", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "exists already");
  assert_unchanged (db, before);
  assert_numbers (db, "alice", "1", NULL);

  /* Not a helpdesk, but somebody's file: refused just the same. */
  write_file (text, "Meeting notes\n", -1);
  text_before = hd_test_read_bytes (text);
  run_cli ("alice", NULL, &status, &out, &err, "--db", text, "init", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "exists already");
  assert_unchanged (text, text_before);

  /* An empty file (made by a file manager, say) can become a helpdesk. */
  write_file (empty, "", 0);
  g_free (cli_ok ("alice", "--db", empty, "init", NULL));
  g_free (cli_ok ("alice", "--db", empty, "check", NULL));
}

/* --db, else HELPDESK_DB, else $XDG_DATA_HOME/helpdesk/helpdesk.db */
static void
test_default_path (void)
{
  g_autofree char *xdg = new_dir ("xdg");
  g_autofree char *xdg_env = g_strconcat ("XDG_DATA_HOME=", xdg, NULL);
  g_autofree char *default_db = g_build_filename (xdg, "helpdesk", "helpdesk.db", NULL);
  g_autofree char *env_db = hd_test_new_path ("env");
  g_autofree char *db_env = g_strconcat ("HELPDESK_DB=", env_db, NULL);
  g_autofree char *db_option = g_strconcat ("--db=", default_db, NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *plain[] = { xdg_env, NULL };
  const char *with_db[] = { xdg_env, db_env, NULL };
  const char *empty_db[] = { xdg_env, "HELPDESK_DB=", NULL };
  g_autofree char *expected = NULL;
  int status = -1;

  /* "path" tells which file the other commands would use. */
  run_cli_env (plain, "disp", &status, &out, &err, "path", NULL);
  assert_status (status, 0, err);
  expected = g_strconcat (default_db, "\n", NULL);
  g_assert_cmpstr (out, ==, expected);
  run_cli_env (empty_db, "disp", &status, &out, &err, "path", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, expected);
  g_free (expected);
  expected = g_strconcat (env_db, "\n", NULL);
  run_cli_env (with_db, "disp", &status, &out, &err, "path", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, expected);
  g_free (expected);
  expected = g_strconcat (default_db, "\n", NULL);
  run_cli_env (with_db, "disp", &status, &out, &err, db_option, "path", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, expected);
  g_assert_false (g_file_test (default_db, G_FILE_TEST_EXISTS));

  run_cli_env (plain, "disp", &status, &out, &err, "init", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, default_db));
  g_assert_true (g_file_test (default_db, G_FILE_TEST_IS_REGULAR));

  run_cli_env (plain, "disp", &status, &out, &err, "ticket", "new", "--title", "Default", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "1\n");

  /* HELPDESK_DB wins over the default. */
  run_cli_env (with_db, "disp", &status, &out, &err, "ticket", "list", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, env_db);
  g_assert_false (g_file_test (env_db, G_FILE_TEST_EXISTS));

  run_cli_env (with_db, "disp", &status, &out, &err, "init", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_file_test (env_db, G_FILE_TEST_IS_REGULAR));
  run_cli_env (with_db, "disp", &status, &out, &err, "ticket", "new", "--title", "Env", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "1\n");
  run_cli_env (with_db, "disp", &status, &out, &err, "ticket", "list", "--csv", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, ",Env,"));
  g_assert_null (strstr (out, ",Default,"));

  /* --db wins over HELPDESK_DB, before or after the command. */
  run_cli_env (with_db, "disp", &status, &out, &err, db_option, "ticket", "list", "--csv", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, ",Default,"));
  run_cli_env (with_db, "disp", &status, &out, &err, "ticket", "list", "--csv", "--db",
               default_db, NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, ",Default,"));

  /* An empty HELPDESK_DB is no setting. */
  run_cli_env (empty_db, "disp", &status, &out, &err, "ticket", "list", "--csv", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, ",Default,"));
}

/* people */

static void
test_person_add_list (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *keys = NULL;
  g_autoptr(JsonArray) people = NULL;
  JsonObject *bob, *carol;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "add", "bob",
           "--name", "Bob Builder", "--email", "bob@example.org", "--role", "technician",
           "--tier", "2", "--department", "IT", "--location", "HQ 2nd floor", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Added bob (Bob Builder) as technician.\n");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "add", "carol@corp",
           "--name", "Carol", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Added carol@corp (Carol) as requester.\n");

  people = list_people_json (db);
  g_assert_cmpuint (json_array_get_length (people), ==, 7);
  bob = find_person (people, "bob");
  g_assert_nonnull (bob);
  keys = object_keys (bob);
  g_assert_cmpstr (keys, ==, "active department email location login name role tier");
  g_assert_cmpstr (member_str (bob, "name"), ==, "Bob Builder");
  g_assert_cmpstr (member_str (bob, "email"), ==, "bob@example.org");
  g_assert_cmpstr (member_str (bob, "role"), ==, "technician");
  g_assert_cmpint (member_int (bob, "tier"), ==, 2);
  g_assert_cmpstr (member_str (bob, "department"), ==, "IT");
  g_assert_cmpstr (member_str (bob, "location"), ==, "HQ 2nd floor");
  g_assert_true (json_object_get_boolean_member (bob, "active"));

  carol = find_person (people, "carol@corp");
  g_assert_nonnull (carol);
  g_assert_cmpstr (member_str (carol, "role"), ==, "requester");
  g_assert_true (member_is_null (carol, "tier"));
  g_assert_true (member_is_null (carol, "email"));
  g_assert_true (member_is_null (carol, "department"));

  /* Text: a header, then one line per person. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "person", "list", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_str_has_prefix (out, "LOGIN"));
  g_assert_cmpuint (count_lines (out), ==, 8);
  g_assert_true (g_regex_match_simple ("^bob +technician +2 +Bob Builder$", out,
                                       G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^carol@corp +requester +- +Carol$", out,
                                       G_REGEX_MULTILINE, 0));

  /* Known already; bad login; bad email; a tier for a requester. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "add", "bob", "--name", "B",
           NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "already known");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "add", "bad login",
           "--name", "B", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "login");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "add", "dave", "--name", "D",
           "--email", "not-an-address", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "not-an-address");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "add", "erin", "--name", "E",
           "--tier", "2", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "tier");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "add", "fred", "--name", "F",
           "--role", "technician", "--tier", "4", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "tier");

  g_clear_pointer (&people, json_array_unref);
  people = list_people_json (db);
  g_assert_cmpuint (json_array_get_length (people), ==, 7);
}

/* person merge says what moved, line by line, and refuses what would
 * lose a role or the acting dispatcher. */
static void
test_person_merge (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonArray) people = NULL;
  int status = -1;

  g_free (cli_ok ("disp", "--db", db, "person", "update", "req1", "--email", "r1@example.org",
                  NULL));
  g_free (cli_ok ("disp", "--db", db, "person", "add", "r1-home", "--name", "R at home",
                  "--email", "r1@home.example", NULL));
  new_ticket (db, "r1-home", "From home");
  new_ticket (db, "r1-home", "From home again");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "merge", "req1", "r1-home",
           NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==,
                   "Merged r1-home into req1; r1-home is deleted.\n"
                   "  Tickets asked for: 2\n"
                   "  History entries (replies, notes, changes): 2\n"
                   "Mail from r1@home.example now reaches req1.\n");
  people = list_people_json (db);
  g_assert_null (find_person (people, "r1-home"));
  assert_numbers (db, "req1", "1 2", NULL);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "merge", "req1", "tech1",
           NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "role");
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "merge", "req1", "req1", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "themselves");
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "person", "merge", "req1", "req2",
           NULL);
  g_assert_cmpint (status, ==, 4);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "merge", "req1", NULL);
  g_assert_cmpint (status, ==, 1);
}

static void
test_person_update (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonArray) people = NULL;
  JsonObject *tech1;
  int status = -1;

  g_free (cli_ok ("disp", "--db", db, "person", "update", "tech1", "--email", "t1@example.org",
                  "--department", "IT", NULL));
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "update", "tech1",
           "--name", "Tina Tech", "--tier", "3", "--active", "no", "--email", "", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Updated tech1.\n");

  people = list_people_json (db);
  tech1 = find_person (people, "tech1");
  g_assert_cmpstr (member_str (tech1, "name"), ==, "Tina Tech");
  g_assert_cmpint (member_int (tech1, "tier"), ==, 3);
  g_assert_false (json_object_get_boolean_member (tech1, "active"));
  g_assert_true (member_is_null (tech1, "email"));
  g_assert_cmpstr (member_str (tech1, "department"), ==, "IT");
  g_assert_cmpstr (member_str (tech1, "role"), ==, "technician");

  g_free (out);
  out = cli_ok ("disp", "--db", db, "person", "list", NULL);
  g_assert_true (g_regex_match_simple ("^tech1 .*Tina Tech \\(inactive\\)$", out,
                                       G_REGEX_MULTILINE, 0));

  /* A deactivated person can no longer act, nor see others' tickets. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "T", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "deactivated");
  g_assert_cmpuint (count_tickets (db), ==, 0);
  new_ticket (db, "req1", "Seen by active staff only");
  assert_numbers (db, "tech2", "1", NULL);
  assert_numbers (db, "tech1", "", NULL);

  /* Promotion to dispatcher. */
  g_free (cli_ok ("disp", "--db", db, "person", "update", "tech2", "--role", "dispatcher", NULL));
  g_free (cli_ok ("tech2", "--db", db, "person", "add", "gus", "--name", "Gus", NULL));

  /* Unknown person: not found. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "update", "nobody",
           "--name", "N", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "nobody");

  /* The last active dispatcher stays one... (tech2 is one too now, so
   * first demote tech2, then try disp.) */
  g_free (cli_ok ("disp", "--db", db, "person", "update", "tech2", "--role", "technician", NULL));
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "person", "update", "disp", "--role",
           "technician", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "dispatcher");
  g_clear_pointer (&people, json_array_unref);
  people = list_people_json (db);
  g_assert_cmpstr (member_str (find_person (people, "disp"), "role"), ==, "dispatcher");
}

static void
test_person_denied (void)
{
  const char *who[] = { "tech1", "req1", "stranger" };
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonArray) people = NULL;
  int status = -1;

  for (guint i = 0; i < G_N_ELEMENTS (who); i++)
    {
      run_cli (who[i], NULL, &status, &out, &err, "--db", db, "person", "add", "eve", "--name",
               "Eve", "--role", "dispatcher", NULL);
      g_assert_cmpint (status, ==, 4);
      assert_one_line_error (out, err, "dispatcher");

      run_cli (who[i], NULL, &status, &out, &err, "--db", db, "person", "update", who[i],
               "--role", "dispatcher", NULL);
      g_assert_cmpint (status, ==, 4);
      assert_one_line_error (out, err, "dispatcher");
    }

  people = list_people_json (db);
  g_assert_null (find_person (people, "eve"));
  g_assert_cmpstr (member_str (find_person (people, "tech1"), "role"), ==, "technician");
  g_assert_cmpstr (member_str (find_person (people, "req1"), "role"), ==, "requester");

  /* Anyone may list people. */
  g_free (cli_ok ("req1", "--db", db, "person", "list", NULL));

  /* An acting login that is not a login at all. */
  run_cli ("bad login", NULL, &status, &out, &err, "--db", db, "ticket", "list", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "login");
}

/* ticket new */

static void
test_ticket_new_number (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) third = NULL;
  g_autoptr(JsonArray) people = NULL;
  JsonObject *newbie;
  int status = -1;

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title",
           "Printer jammed", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "1\n");
  g_assert_cmpstr (err, ==, "");

  run_cli ("req2", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title",
           "No network", "--priority", "high", "--category", "Network", "--department", "Sales",
           "--location", "Room 12", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "2\n");

  /* Staff file for someone else. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title",
           "Phoned in", "--requester", "req2", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "3\n");

  first = show_ticket (db, "disp", 1);
  g_assert_cmpstr (member_str (first, "title"), ==, "Printer jammed");
  g_assert_cmpstr (member_str (first, "requester"), ==, "req1");
  g_assert_cmpstr (member_str (first, "status"), ==, "new");
  g_assert_cmpstr (member_str (first, "priority"), ==, "normal");
  g_assert_cmpstr (member_str (first, "description"), ==, "");
  g_assert_cmpint (member_int (first, "version"), ==, 1);
  g_assert_true (member_is_null (first, "assignee"));

  third = show_ticket (db, "disp", 3);
  g_assert_cmpstr (member_str (third, "requester"), ==, "req2");
  g_clear_pointer (&third, json_object_unref);
  third = show_ticket (db, "disp", 2);
  g_assert_cmpstr (member_str (third, "priority"), ==, "high");
  g_assert_cmpstr (member_str (third, "category"), ==, "Network");
  g_assert_cmpstr (member_str (third, "department"), ==, "Sales");
  g_assert_cmpstr (member_str (third, "location"), ==, "Room 12");

  /* Requesters file only for themselves. */
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "For 2",
           "--requester", "req2", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, NULL);

  /* Somebody new is recorded as a requester on their first ticket. */
  run_cli ("newbie", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "Hello",
           NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "4\n");
  people = list_people_json (db);
  newbie = find_person (people, "newbie");
  g_assert_nonnull (newbie);
  g_assert_cmpstr (member_str (newbie, "role"), ==, "requester");

  assert_numbers (db, "disp", "1 2 3 4", NULL);
}

static void
test_ticket_new_description_file (void)
{
  const char *text = "Since Monday:\n\t- the printer says “PC LOAD LETTER”\n\t- then nothing\n";
  g_autofree char *db = new_helpdesk ();
  g_autofree char *file = hd_test_new_path ("description");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  int status = -1;

  write_file (file, text, -1);
  g_assert_cmpint (new_ticket (db, "req1", "Placeholder"), ==, 1);

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "From file",
           "--description-file", file, NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "2\n");
  ticket = show_ticket (db, "req1", 2);
  g_assert_cmpstr (member_str (ticket, "description"), ==, text);

  run_cli ("req1", "Typed into a pipe\r\nsecond line", &status, &out, &err, "--db", db, "ticket",
           "new", "--title", "From stdin", "--description-file", "-", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "3\n");
  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "req1", 3);
  g_assert_cmpstr (member_str (ticket, "description"), ==, "Typed into a pipe\r\nsecond line");

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "Inline",
           "--description", "Short one", NULL);
  assert_status (status, 0, err);
  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "req1", 4);
  g_assert_cmpstr (member_str (ticket, "description"), ==, "Short one");

  /* Up to 128 KiB of text. */
  {
    g_autofree char *big = g_malloc (128 * 1024 + 2);

    memset (big, 'x', 128 * 1024 + 1);
    big[128 * 1024 + 1] = '\0';
    run_cli ("req1", big + 1, &status, &out, &err, "--db", db, "ticket", "new", "--title",
             "Long log", "--description-file", "-", NULL);
    assert_status (status, 0, err);
    g_assert_cmpstr (out, ==, "5\n");

    run_cli ("req1", big, &status, &out, &err, "--db", db, "ticket", "new", "--title",
             "Too long a log", "--description-file", "-", NULL);
    g_assert_cmpint (status, ==, 1);
    assert_one_line_error (out, err, "too long");
  }

  /* Both at once is ambiguous; a missing file is not found. */
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "Both",
           "--description", "x", "--description-file", file, NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "not both");

  g_free (file);
  file = hd_test_new_path ("no-such-description");
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "Missing",
           "--description-file", file, NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, file);

  assert_numbers (db, "disp", "1 2 3 4 5", NULL);
}

static void
test_ticket_new_nul (void)
{
  static const char with_nul[] = "first part\0hidden part\n";
  g_autofree char *db = new_helpdesk ();
  g_autofree char *file = hd_test_new_path ("binary");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static (with_nul, sizeof with_nul - 1);
  g_autoptr(GBytes) before = NULL;
  int status = -1;

  write_file (file, with_nul, sizeof with_nul - 1);
  before = hd_test_read_bytes (db);

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "Binary",
           "--description-file", file, NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "NUL");

  run_cli_bytes ("req1", input, &status, &out, &err, "--db", db, "ticket", "new", "--title",
                 "Binary", "--description-file", "-", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "NUL");

  /* Refused before the file was touched: nothing stored, not even the
   * requester's first-time registration. */
  assert_unchanged (db, before);
  g_assert_cmpuint (count_tickets (db), ==, 0);

  /* The same for replies. */
  new_ticket (db, "req1", "Fine");
  run_cli_bytes ("req1", input, &status, &out, &err, "--db", db, "ticket", "comment", "1",
                 "--body-file", "-", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "NUL");
  {
    g_autoptr(JsonObject) ticket = show_ticket (db, "disp", 1);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ticket, "events")),
                      ==, 1);
  }
}

static void
test_ticket_new_bad_utf8 (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *file = hd_test_new_path ("latin1");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GBytes) before = NULL;
  int status = -1;

  before = hd_test_read_bytes (db);

  /* Raw bytes in argv: Latin-1 "Café" and a stray continuation byte. */
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title",
           "Caf\xe9 machine", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, NULL);

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "Fine",
           "--description", "bad \x80 byte", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, NULL);

  write_file (file, "Caf\xe9\n", -1);
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "Fine",
           "--description-file", file, NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "UTF-8");

  assert_unchanged (db, before);
  g_assert_cmpuint (count_tickets (db), ==, 0);
}

static void
test_ticket_new_title_length (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GString) long_title = g_string_new (NULL);
  g_autoptr(JsonObject) ticket = NULL;
  int status = -1;

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "empty");

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", " \t ",
           NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "empty");

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title",
           "two\nlines", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "single line");

  /* 200 characters (400 bytes) fit; 201 do not. */
  for (guint i = 0; i < 200; i++)
    g_string_append (long_title, "é");
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title",
           long_title->str, NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "1\n");
  ticket = show_ticket (db, "req1", 1);
  g_assert_cmpstr (member_str (ticket, "title"), ==, long_title->str);

  g_string_append (long_title, "e");
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title",
           long_title->str, NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "too long");

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--title",
           long_title->str, NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "too long");

  assert_numbers (db, "disp", "1", NULL);
}

static void
test_ticket_new_markup (void)
{
  const char *title = "<b>Bold</b> &amp; \"quoted\" 'single' <script>";
  const char *description = "<i>x</i> &lt;tag&gt; & done\n<a href=\"x\">link</a>";
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *title_line = NULL;
  int status = -1;

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", title,
           "--description", description, NULL);
  assert_status (status, 0, err);

  ticket = show_ticket (db, "req1", 1);
  g_assert_cmpstr (member_str (ticket, "title"), ==, title);
  g_assert_cmpstr (member_str (ticket, "description"), ==, description);

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", NULL);
  assert_status (status, 0, err);
  title_line = g_strdup_printf ("#1  %s\n", title);
  g_assert_true (g_str_has_prefix (out, title_line));
  g_assert_nonnull (strstr (out, description));

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "list", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, title));

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--csv", NULL);
  assert_status (status, 0, err);
  records = parse_csv (out);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 1))[1], ==, title);
}

/* ticket list */

/* #1 req1 new; #2 req1 open (tech1); #3 req2 pending (tech2);
 * #4 req2 resolved (tech1); #5 disp closed, unassigned. */
static char *
listing_helpdesk (void)
{
  char *db = new_helpdesk ();

  g_assert_cmpint (new_ticket (db, "req1", "Printer jammed"), ==, 1);
  g_assert_cmpint (new_ticket (db, "req1", "VPN drops"), ==, 2);
  g_assert_cmpint (new_ticket (db, "req2", "Screen, \"flicker\" again"), ==, 3);
  g_assert_cmpint (new_ticket (db, "req2", "Password reset"), ==, 4);
  g_assert_cmpint (new_ticket (db, "disp", "Server room warm"), ==, 5);
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "2", "tech1", NULL));
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "3", "tech2", NULL));
  g_free (cli_ok ("tech2", "--db", db, "ticket", "status", "3", "pending", NULL));
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "4", "tech1", NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "status", "4", "resolved", NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "status", "5", "closed", NULL));

  return db;
}

static void
test_ticket_list_filters (void)
{
  g_autofree char *db = listing_helpdesk ();

#define assert_list(expected, login, ...) assert_numbers (db, login, expected, __VA_ARGS__)

  assert_list ("1 2 3 4 5", "disp", NULL);
  assert_list ("1 2 3 4 5", "tech2", NULL);
  assert_list ("1", "disp", "--status", "new", NULL);
  assert_list ("2 3", "disp", "--status", "open,pending", NULL);
  assert_list ("2 3", "disp", "--status", "pending,open", NULL);
  assert_list ("4 5", "disp", "--status", "resolved, closed", NULL);
  assert_list ("1 2 3 4 5", "disp", "--status", "new,open,pending,resolved,closed", NULL);
  assert_list ("2 4", "disp", "--assignee", "tech1", NULL);
  assert_list ("3", "disp", "--assignee", "tech2", NULL);
  assert_list ("1 5", "disp", "--assignee", "none", NULL);
  assert_list ("", "disp", "--assignee", "nobody", NULL);
  assert_list ("3 4", "disp", "--requester", "req2", NULL);
  assert_list ("5", "disp", "--requester", "disp", NULL);
  assert_list ("2", "disp", "--status", "open", "--assignee", "tech1", NULL);
  assert_list ("5", "disp", "--status", "closed", "--assignee", "none", NULL);
  assert_list ("4", "disp", "--requester", "req2", "--assignee", "tech1", NULL);
  assert_list ("", "disp", "--requester", "req1", "--assignee", "tech2", NULL);

  /* Requesters see only their own: a filter narrows that, never widens
   * it. */
  assert_list ("1 2", "req1", NULL);
  assert_list ("1 2", "req1", "--requester", "req1", NULL);
  assert_list ("", "req1", "--requester", "req2", NULL);
  assert_list ("2", "req1", "--assignee", "tech1", NULL);
  assert_list ("3 4", "req2", NULL);
  assert_list ("", "stranger", NULL);

#undef assert_list
}

static void
test_ticket_list_json (void)
{
  const char *far_tz[] = { "TZ=Pacific/Kiritimati", NULL };
  g_autofree char *db = listing_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *tickets;
  int status = -1;

  run_cli_env (far_tz, "disp", &status, &out, &err, "--db", db, "ticket", "list", "--json",
               NULL);
  assert_status (status, 0, err);
  node = parse_json (out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  tickets = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (tickets), ==, 5);

  for (guint i = 0; i < 5; i++)
    {
      JsonObject *ticket = json_array_get_object_element (tickets, i);
      g_autofree char *keys = object_keys (ticket);

      g_assert_cmpstr (keys, ==,
                       "assignee category closed_at created_at department description due_at"
                       " first_response_at location number priority requester resolved_at"
                       " status tier title updated_at version warn_at");
      g_assert_cmpint (member_int (ticket, "number"), ==, i + 1);
      assert_recent_utc (member_str (ticket, "created_at"));
      assert_recent_utc (member_str (ticket, "updated_at"));
      g_assert_cmpint (member_int (ticket, "tier"), ==, 1);
    }

  {
    JsonObject *t1 = json_array_get_object_element (tickets, 0);
    JsonObject *t2 = json_array_get_object_element (tickets, 1);
    JsonObject *t3 = json_array_get_object_element (tickets, 2);
    JsonObject *t4 = json_array_get_object_element (tickets, 3);
    JsonObject *t5 = json_array_get_object_element (tickets, 4);

    g_assert_cmpstr (member_str (t1, "title"), ==, "Printer jammed");
    g_assert_cmpstr (member_str (t1, "status"), ==, "new");
    g_assert_cmpstr (member_str (t1, "requester"), ==, "req1");
    g_assert_true (member_is_null (t1, "assignee"));
    g_assert_true (member_is_null (t1, "category"));
    g_assert_true (member_is_null (t1, "resolved_at"));
    g_assert_true (member_is_null (t1, "closed_at"));
    g_assert_true (member_is_null (t1, "first_response_at"));
    g_assert_cmpint (member_int (t1, "version"), ==, 1);
    /* A new ticket's first-response clock runs. */
    assert_iso_utc (member_str (t1, "due_at"));
    assert_iso_utc (member_str (t1, "warn_at"));
    g_assert_cmpstr (member_str (t1, "warn_at"), <=, member_str (t1, "due_at"));

    g_assert_cmpstr (member_str (t2, "status"), ==, "open");
    g_assert_cmpstr (member_str (t2, "assignee"), ==, "tech1");
    g_assert_cmpint (member_int (t2, "version"), ==, 2);

    g_assert_cmpstr (member_str (t3, "title"), ==, "Screen, \"flicker\" again");
    g_assert_cmpstr (member_str (t3, "status"), ==, "pending");
    g_assert_cmpint (member_int (t3, "version"), ==, 3);
    /* Paused: no deadline while waiting on the requester. */
    g_assert_true (member_is_null (t3, "due_at"));
    g_assert_true (member_is_null (t3, "warn_at"));

    g_assert_cmpstr (member_str (t4, "status"), ==, "resolved");
    assert_recent_utc (member_str (t4, "resolved_at"));
    g_assert_true (member_is_null (t4, "closed_at"));

    g_assert_cmpstr (member_str (t5, "status"), ==, "closed");
    assert_recent_utc (member_str (t5, "closed_at"));
    g_assert_true (member_is_null (t5, "assignee"));
    g_assert_true (member_is_null (t5, "due_at"));
  }

  /* No tickets: an empty array, still valid JSON. */
  {
    g_autoptr(JsonArray) none = list_tickets_json (db, "stranger");

    g_assert_cmpuint (json_array_get_length (none), ==, 0);
  }
}

static void
test_ticket_list_csv (void)
{
  const char *titles[] = {
    "Printer jammed", "VPN drops", "Screen, \"flicker\" again", "Password reset",
    "Server room warm",
  };
  g_autofree char *db = listing_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *header = NULL;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--csv", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_str_has_prefix (out, "number,title,status,priority,category,requester,"
                                        "assignee,tier,department,location,version,"
                                        "created_at,updated_at,due_at\r\n"));
  /* The awkward title is quoted, with its quotes doubled. */
  g_assert_nonnull (strstr (out, ",\"Screen, \"\"flicker\"\" again\","));

  records = parse_csv (out);
  g_assert_cmpuint (records->len, ==, 6);
  header = g_strjoinv (",", g_ptr_array_index (records, 0));
  g_assert_cmpstr (header, ==, "number,title,status,priority,category,requester,assignee,tier,"
                               "department,location,version,created_at,updated_at,due_at");

  for (guint i = 1; i < records->len; i++)
    {
      char **row = g_ptr_array_index (records, i);
      g_autofree char *number = g_strdup_printf ("%u", i);

      g_assert_cmpuint (g_strv_length (row), ==, 14);
      g_assert_cmpstr (row[0], ==, number);
      g_assert_cmpstr (row[1], ==, titles[i - 1]);
      assert_iso_utc (row[11]);
      assert_iso_utc (row[12]);
    }

  g_assert_cmpstr (((char **) g_ptr_array_index (records, 3))[2], ==, "pending");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 3))[5], ==, "req2");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 3))[6], ==, "tech2");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 1))[6], ==, "");
  assert_iso_utc (((char **) g_ptr_array_index (records, 1))[13]);
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 5))[13], ==, "");

  /* Filters apply to CSV too. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--csv",
           "--assignee", "tech1", NULL);
  assert_status (status, 0, err);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = parse_csv (out);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 1))[0], ==, "2");
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 2))[0], ==, "4");
}

static void
test_ticket_list_text (void)
{
  g_autofree char *db = listing_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", NULL);
  assert_status (status, 0, err);
  g_assert_cmpuint (count_lines (out), ==, 6);
  g_assert_true (g_regex_match_simple ("^NUMBER +STATUS +PRIORITY +ASSIGNEE +DUE +TITLE\n", out,
                                       0, 0));
  g_assert_true (g_regex_match_simple ("^#2 +open +normal +tech1 +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}( !!?)? +VPN drops$",
                                       out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^#5 +closed +normal +- +- +Server room warm$", out,
                                       G_REGEX_MULTILINE, 0));

  /* Nothing to list: said on stderr, so stdout stays empty for scripts. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--assignee",
           "nobody", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "No tickets.\n");
}

/* Pages of a long list */

/* A helpdesk of @n tickets filed by req1, #1 to #n, titled "Ticket N",
 * written at once. */
static char *
many_tickets_helpdesk (guint n)
{
  char *db = new_helpdesk ();
  g_autofree char *sql = g_strdup_printf ("WITH RECURSIVE n (i) AS"
                                          " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %u)"
                                          " INSERT INTO tickets (title, requester_id, created_at,"
                                          " updated_at) SELECT 'Ticket ' || i,"
                                          " (SELECT id FROM people WHERE login = 'req1'), i, i"
                                          " FROM n", n);

  sql_run (db, sql);
  return db;
}

/* The numbers of the rows of a text list, "#6 … #15" as "6-15". */
static char *
row_range (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint64 first = 0, last = 0;

  for (guint i = 1; lines[i] != NULL && lines[i][0] == '#'; i++)
    {
      guint64 number = g_ascii_strtoull (lines[i] + 1, NULL, 10);

      first = first == 0 ? number : first;
      last = number;
    }
  return g_strdup_printf ("%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, first, last);
}

/* Piped, a list is every ticket; --limit and --offset cut a page of it,
 * in every format and order, with a search or without. */
static void
test_ticket_list_pages (void)
{
  g_autofree char *db = many_tickets_helpdesk (120);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *range = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", NULL);
  assert_status (status, 0, err);
  g_assert_cmpuint (count_lines (out), ==, 121);
  g_assert_null (strstr (out, "more follow"));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--limit", "10",
           "--offset", "5", NULL);
  assert_status (status, 0, err);
  g_assert_cmpuint (count_lines (out), ==, 11);
  range = row_range (out);
  g_assert_cmpstr (range, ==, "6-15");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--limit", "0", NULL);
  assert_status (status, 0, err);
  g_assert_cmpuint (count_lines (out), ==, 121);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--offset", "118",
           NULL);
  assert_status (status, 0, err);
  g_free (range);
  range = row_range (out);
  g_assert_cmpstr (range, ==, "119-120");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--offset", "500",
           NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "No tickets.\n");

  /* Titles sort as text: "Ticket 99" before "Ticket 120" when descending. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--sort", "title",
           "--descending", "--limit", "3", NULL);
  assert_status (status, 0, err);
  g_free (range);
  range = row_range (out);
  g_assert_cmpstr (range, ==, "99-97");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--search", "ticket",
           "--limit", "2", "--offset", "100", NULL);
  assert_status (status, 0, err);
  g_free (range);
  range = row_range (out);
  g_assert_cmpstr (range, ==, "101-102");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--json", "--limit",
           "3", "--offset", "2", NULL);
  assert_status (status, 0, err);
  node = parse_json (out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "number"),
                   ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 2), "number"),
                   ==, 5);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--csv", "--limit",
           "2", NULL);
  assert_status (status, 0, err);
  g_assert_cmpuint (count_lines (out), ==, 3);
  g_assert_true (g_str_has_prefix (out, "number,"));

  /* Numbers in digits only, as everywhere. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--limit", "-1",
           NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--limit");
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--offset", "012",
           NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--offset");
}

/* Runs the tool as a person at a terminal: standard output on a
 * pseudo-terminal the test reads. Returns what it printed there, its line
 * ends turned back into "\n". */
static char *
run_cli_on_terminal (const char *db,
                     int        *exit_status,
                     const char *first_arg,
                     ...) G_GNUC_NULL_TERMINATED;

static char *
run_cli_on_terminal (const char *db,
                     int        *exit_status,
                     const char *first_arg,
                     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = child_environment (NULL, "disp");
  int master = posix_openpt (O_RDWR | O_NOCTTY);
  char buffer[4096];
  gssize n;
  va_list ap;

  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);

  g_ptr_array_add (argv, cli_path);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_environ (launcher, envp);
  g_subprocess_launcher_take_stdout_fd (launcher, open (ptsname (master), O_RDWR | O_NOCTTY));
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* The launcher holds the terminal's other end until it goes. */
  g_clear_object (&launcher);

  /* Read until the tool closed the terminal (EIO). */
  while ((n = read (master, buffer, sizeof buffer)) > 0)
    for (gssize i = 0; i < n; i++)
      if (buffer[i] != '\r')
        g_string_append_c (text, buffer[i]);
  close (master);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  *exit_status = g_subprocess_get_exit_status (process);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* On a terminal a list is a page of 50, and a closing line says how to
 * see more; --limit, --json and --csv say otherwise. */
static void
test_ticket_list_terminal (void)
{
  g_autofree char *db = many_tickets_helpdesk (120);
  g_autofree char *out = NULL;
  g_autofree char *range = NULL;
  g_auto(GStrv) lines = NULL;
  int status = -1;

  out = run_cli_on_terminal (db, &status, "ticket", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (count_lines (out), ==, 52);
  range = row_range (out);
  g_assert_cmpstr (range, ==, "1-50");
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpstr (lines[51], ==, "Tickets 1 to 50 are shown, and more follow: add --offset 50 for the next 50, or --limit 0 for all of them.");

  g_free (out);
  out = run_cli_on_terminal (db, &status, "ticket", "list", "--offset", "50", "--limit", "20",
                             NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Tickets 51 to 70 are shown, and more follow: add --offset 70 for the next 20"));

  /* The last page: nothing more follows. */
  g_free (out);
  out = run_cli_on_terminal (db, &status, "ticket", "list", "--offset", "70", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (count_lines (out), ==, 51);
  g_free (range);
  range = row_range (out);
  g_assert_cmpstr (range, ==, "71-120");
  g_assert_null (strstr (out, "more follow"));

  g_free (out);
  out = run_cli_on_terminal (db, &status, "ticket", "list", "--limit", "0", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (count_lines (out), ==, 121);
  g_assert_null (strstr (out, "more follow"));

  g_free (out);
  out = run_cli_on_terminal (db, &status, "ticket", "list", "--csv", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (count_lines (out), ==, 121);
  g_assert_null (strstr (out, "more follow"));
}

/* A list read by someone who stops reading (a pager, a full pipe) never
 * keeps others from saving: the file is let go once the list is read,
 * and what the reader has not taken yet waits in memory. */
static void
test_ticket_list_reader_pauses (void)
{
  g_autofree char *db = many_tickets_helpdesk (3000);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) lister = NULL;
  g_autoptr(GBytes) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = child_environment (NULL, "disp");
  const char *long_wait[] = { "HELPDESK_BUSY_TIMEOUT=20000", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *text = NULL;
  int fd, pending = 0;
  int status = -1;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_environ (launcher, envp);
  lister = g_subprocess_launcher_spawn (launcher, &error, cli_path, "--db", db, "ticket", "list",
                                        NULL);
  g_assert_no_error (error);

  /* The pipe fills, and nobody reads it. */
  fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (lister)));
  for (guint i = 0; i < 3000 && pending < 65536; i++)
    {
      g_usleep (10 * 1000);
      g_assert_cmpint (ioctl (fd, FIONREAD, &pending), ==, 0);
    }
  g_assert_cmpint (pending, >=, 65536);

  /* A change while the lister waits on its reader. */
  run_cli_env (long_wait, "disp", &status, &out, &err, "--db", db, "ticket", "new", "--title",
               "Filed while a list waits", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "3001\n");

  /* The list is whole, as the file was when it was read. */
  g_subprocess_communicate (lister, NULL, NULL, &listed, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (lister));
  g_assert_cmpint (g_subprocess_get_exit_status (lister), ==, 0);
  text = g_strndup (g_bytes_get_data (listed, NULL), g_bytes_get_size (listed));
  g_assert_cmpuint (count_lines (text), ==, 3001);
  g_assert_null (strstr (text, "Filed while a list waits"));
}

/* JSON carries any text a ticket may hold, exactly: quotes, backslashes,
 * line breaks and tabs escaped, other characters as they are. */
static void
test_ticket_json_text (void)
{
  const char *text = "Says \"paper\" \\ jams\n\tat <b>tray</b> 2 — café, 😀 / done";
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *ticket;
  JsonArray *events;

  g_free (cli_ok ("req1", "--db", db, "ticket", "new", "--title", "Tray \"2\" \\ é",
                  "--description", text, NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "comment", "1", "--body", text, NULL));

  out = cli_ok ("disp", "--db", db, "ticket", "show", "1", "--json", NULL);
  node = parse_json (out);
  ticket = json_node_get_object (node);
  g_assert_cmpstr (member_str (ticket, "title"), ==, "Tray \"2\" \\ é");
  g_assert_cmpstr (member_str (ticket, "description"), ==, text);
  events = json_object_get_array_member (ticket, "events");
  g_assert_cmpstr (member_str (json_array_get_object_element (events, 1), "body"), ==, text);

  g_free (out);
  out = cli_ok ("disp", "--db", db, "ticket", "list", "--json", NULL);
  list = parse_json (out);
  ticket = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpstr (member_str (ticket, "description"), ==, text);
  /* One value a line, as the tool always printed. */
  g_assert_nonnull (strstr (out, "\n    \"description\" : \"Says \\\"paper\\\" \\\\ jams\\n\\tat"));

  /* Bytes that are not UTF-8, written by another program, and control
   * characters: still JSON. */
  sql_run (db, "UPDATE tickets SET title = CAST (X'41FF42' AS TEXT),"
               " description = CAST (X'01091F7F' AS TEXT) WHERE id = 1");
  g_free (out);
  out = cli_ok ("disp", "--db", db, "ticket", "list", "--json", NULL);
  g_clear_pointer (&list, json_node_unref);
  list = parse_json (out);
  ticket = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpstr (member_str (ticket, "title"), ==, "A\xef\xbf\xbd" "B");
  g_assert_cmpstr (member_str (ticket, "description"), ==, "\x01\t\x1f\x7f");
}

/* ticket show */

/* Files #1 as req1 and walks it through every kind of history. */
static char *
history_helpdesk (void)
{
  char *db = new_helpdesk ();

  g_assert_cmpint (new_ticket (db, "req1", "Mail is down"), ==, 1);
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "1", "tech1", NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "status", "1", "pending", NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "comment", "1", "--body", "Which client?",
                  NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "comment", "1", "--internal", "--body",
                  "Server log shows quota errors", NULL));
  g_free (cli_ok ("req1", "--db", db, "ticket", "comment", "1", "--body", "Outlook", NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "update", "1", "--title",
                  "Mail down in Outlook", "--priority", "high", NULL));

  return db;
}

static void
test_ticket_show_history (void)
{
  g_autofree char *db = history_helpdesk ();
  g_autoptr(JsonObject) ticket = show_ticket (db, "disp", 1);
  g_autofree char *summary = events_summary (ticket);
  g_autofree char *out = NULL, *err = NULL;
  JsonArray *events = json_object_get_array_member (ticket, "events");
  const char *previous = "";
  int status = -1;

  g_assert_cmpstr (summary, ==,
                   "created by req1; "
                   "assignment by disp assignee ->tech1; "
                   "status by disp status new>open; "
                   "status by tech1 status open>pending; "
                   "reply by tech1; "
                   "note by tech1; "
                   "reply by req1; "
                   "status by req1 status pending>open; "
                   "field by tech1 title Mail is down>Mail down in Outlook; "
                   "field by tech1 priority normal>high");

  g_assert_cmpstr (member_str (json_array_get_object_element (events, 4), "body"), ==,
                   "Which client?");
  g_assert_cmpstr (member_str (json_array_get_object_element (events, 5), "body"), ==,
                   "Server log shows quota errors");
  g_assert_cmpstr (member_str (json_array_get_object_element (events, 6), "body"), ==,
                   "Outlook");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      const char *at = member_str (json_array_get_object_element (events, i), "at");

      assert_recent_utc (at);
      g_assert_cmpstr (at, >=, previous);
      previous = at;
    }

  g_assert_cmpstr (member_str (ticket, "title"), ==, "Mail down in Outlook");
  g_assert_cmpstr (member_str (ticket, "status"), ==, "open");
  g_assert_cmpstr (member_str (ticket, "priority"), ==, "high");
  g_assert_cmpstr (member_str (ticket, "assignee"), ==, "tech1");
  assert_recent_utc (member_str (ticket, "first_response_at"));
  /* assign, pending, reopened by the reply, the field update */
  g_assert_cmpint (member_int (ticket, "version"), ==, 5);

  /* The text view tells the same story. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_str_has_prefix (out, "#1  Mail down in Outlook\n"));
  g_assert_true (g_regex_match_simple ("^Requester: +req1$", out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^Assignee: +tech1$", out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^Version: +5$", out, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (out, "History:"));
  g_assert_nonnull (strstr (out, "req1 created the ticket"));
  g_assert_nonnull (strstr (out, "tech1 replied:\nWhich client?\n"));
  g_assert_nonnull (strstr (out, "tech1 wrote an internal note:\nServer log shows quota errors\n"));
  g_assert_nonnull (strstr (out, "disp changed assignee: - → tech1"));
  g_assert_nonnull (strstr (out, "tech1 changed priority: normal → high"));
}

static void
test_ticket_show_requester (void)
{
  g_autofree char *db = history_helpdesk ();
  g_autoptr(JsonObject) ticket = show_ticket (db, "req1", 1);
  g_autofree char *summary = events_summary (ticket);
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  /* Everything but the internal note. */
  g_assert_cmpstr (summary, ==,
                   "created by req1; "
                   "assignment by disp assignee ->tech1; "
                   "status by disp status new>open; "
                   "status by tech1 status open>pending; "
                   "reply by tech1; "
                   "reply by req1; "
                   "status by req1 status pending>open; "
                   "field by tech1 title Mail is down>Mail down in Outlook; "
                   "field by tech1 priority normal>high");

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "show", "--json", "1", NULL);
  assert_status (status, 0, err);
  g_assert_null (strstr (out, "quota"));
  g_assert_null (strstr (out, "\"note\""));

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", NULL);
  assert_status (status, 0, err);
  g_assert_null (strstr (out, "quota"));
  g_assert_null (strstr (out, "internal note"));
  g_assert_nonnull (strstr (out, "Which client?"));

  /* Someone else's ticket does not exist for a requester. */
  run_cli ("req2", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "There is no ticket #1.");

  run_cli ("req2", NULL, &status, &out, &err, "--db", db, "ticket", "show", "--json", "1", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "There is no ticket #1.");
  g_assert_null (strstr (err, "Mail"));
}

/* A requester cannot tell someone else's ticket from a number nobody
 * filed: the same exit code, the same words, and nothing changed. */
static void
test_ticket_someone_elses (void)
{
  static const char * const commands[][6] = {
    { "ticket", "show", "1", NULL },
    { "ticket", "show", "--json", "1", NULL },
    { "ticket", "comment", "1", "--body", "Me too", NULL },
    { "ticket", "update", "1", "--title", "Mine now", NULL },
    { "ticket", "status", "1", "open", NULL },
    { "sla", "show", "1", NULL },
  };
  g_autofree char *db = new_helpdesk ();
  g_auto(GStrv) missing = g_new0 (char *, G_N_ELEMENTS (commands) + 1);
  g_autoptr(GBytes) before = NULL;

  /* req2 is known to the file before ticket #1 exists. */
  new_ticket (db, "req2", "Placeholder");
  sql_run (db, "DELETE FROM ticket_events; DELETE FROM tickets;"
               " DELETE FROM sqlite_sequence WHERE name = 'tickets'");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL;
      int status = -1;

      g_ptr_array_add (args, (char *) "--db");
      g_ptr_array_add (args, db);
      for (guint w = 0; commands[i][w] != NULL; w++)
        g_ptr_array_add (args, (char *) commands[i][w]);
      run_cli_argv (NULL, "req2", NULL, &status, &out, &missing[i], args);
      g_assert_cmpint (status, ==, 2);
      assert_one_line_error (out, missing[i], "#1");
    }

  g_assert_cmpint (new_ticket (db, "req1", "Mine"), ==, 1);
  before = hd_test_read_bytes (db);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL, *err = NULL;
      int status = -1;

      g_ptr_array_add (args, (char *) "--db");
      g_ptr_array_add (args, db);
      for (guint w = 0; commands[i][w] != NULL; w++)
        g_ptr_array_add (args, (char *) commands[i][w]);
      run_cli_argv (NULL, "req2", NULL, &status, &out, &err, args);
      g_assert_cmpint (status, ==, 2);
      g_assert_cmpstr (err, ==, missing[i]);
      g_assert_cmpstr (out, ==, "");
    }
  assert_unchanged (db, before);
}

static void
test_ticket_show_missing (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  new_ticket (db, "req1", "Only one");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "show", "2", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "#2");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "show", "--json", "9000",
           NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "#9000");

  /* Every command that names a ticket says the same. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "update", "2", "--title", "X",
           NULL);
  g_assert_cmpint (status, ==, 2);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "2", "tech1", NULL);
  g_assert_cmpint (status, ==, 2);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "status", "2", "open", NULL);
  g_assert_cmpint (status, ==, 2);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "comment", "2", "--body", "X",
           NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "#2");
}

/* ticket update */

static void
test_ticket_update_if_version (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  int status = -1;

  new_ticket (db, "req1", "Original");

  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--title",
           "Second", "--if-version", "1", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 is at version 2.\n");

  before = cli_ok ("disp", "--db", db, "ticket", "show", "--json", "1", NULL);

  /* Based on version 1, which is gone: refused, nothing changes. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--title",
           "Stale", "--priority", "urgent", "--if-version", "1", NULL);
  g_assert_cmpint (status, ==, 3);
  assert_one_line_error (out, err, "changed by someone else");

  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "1", "tech2",
           "--if-version", "1", NULL);
  g_assert_cmpint (status, ==, 3);
  assert_one_line_error (out, err, "changed by someone else");

  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "status", "1", "open",
           "--if-version", "1", NULL);
  g_assert_cmpint (status, ==, 3);
  assert_one_line_error (out, err, "changed by someone else");

  after = cli_ok ("disp", "--db", db, "ticket", "show", "--json", "1", NULL);
  g_assert_cmpstr (after, ==, before);

  /* Based on the current version: applied. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--title",
           "Third", "--if-version", "2", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 is at version 3.\n");

  /* Without --if-version, whatever is current. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1",
           "--category", "Mail", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 is at version 4.\n");

  /* Setting what is already there is no change. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--title",
           "Third", "--category", "Mail", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 is at version 4.\n");

  /* "" clears an optional field. */
  g_free (cli_ok ("tech2", "--db", db, "ticket", "update", "1", "--category", "", NULL));
  ticket = show_ticket (db, "disp", 1);
  g_assert_cmpstr (member_str (ticket, "title"), ==, "Third");
  g_assert_true (member_is_null (ticket, "category"));
  g_assert_cmpint (member_int (ticket, "version"), ==, 5);
}

static void
test_ticket_update_rules (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  int status = -1;

  new_ticket (db, "req1", "Typo in titel");

  /* A requester may correct their ticket while nobody works on it... */
  g_free (cli_ok ("req1", "--db", db, "ticket", "update", "1", "--title", "Typo in title", NULL));

  /* ...but not set its priority, nor touch someone else's. */
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--priority",
           "urgent", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "priority");
  run_cli ("req2", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--title",
           "Mine now", NULL);
  g_assert_cmpint (status, ==, 2);

  /* Once assigned, a requester replies instead. */
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "1", "tech1", NULL));
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "update", "1", "--title",
           "Changed my mind", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "reply");

  /* Staff can, from stdin too. */
  run_cli ("tech1", "Steps:\n1. open\n2. crash\n", &status, &out, &err, "--db", db, "ticket",
           "update", "1", "--description-file", "-", "--priority", "high", NULL);
  assert_status (status, 0, err);

  ticket = show_ticket (db, "disp", 1);
  g_assert_cmpstr (member_str (ticket, "title"), ==, "Typo in title");
  g_assert_cmpstr (member_str (ticket, "description"), ==, "Steps:\n1. open\n2. crash\n");
  g_assert_cmpstr (member_str (ticket, "priority"), ==, "high");
}

/* ticket assign */

static void
test_ticket_assign (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  int status = -1;

  new_ticket (db, "req1", "Laptop slow");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "1", "tech1", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 is assigned to tech1.\n");
  ticket = show_ticket (db, "disp", 1);
  g_assert_cmpstr (member_str (ticket, "assignee"), ==, "tech1");
  g_assert_cmpstr (member_str (ticket, "status"), ==, "open");
  assert_numbers (db, "disp", "1", "--assignee", "tech1", NULL);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "1", "none", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 is unassigned.\n");
  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "disp", 1);
  g_assert_true (member_is_null (ticket, "assignee"));
  g_assert_cmpstr (member_str (ticket, "status"), ==, "new");
  assert_numbers (db, "disp", "1", "--assignee", "none", NULL);

  /* Technicians may take tickets too. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "1", "tech2", NULL);
  assert_status (status, 0, err);

  /* Requesters are not assignees, and do not assign. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "1", "req2", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "requester");

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "1", "tech1", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, NULL);

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "1", "none", NULL);
  g_assert_cmpint (status, ==, 4);

  /* Nobody by that login. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "assign", "1", "ghost", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "ghost");

  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "disp", 1);
  g_assert_cmpstr (member_str (ticket, "assignee"), ==, "tech2");
  g_assert_cmpstr (member_str (ticket, "status"), ==, "open");
  g_assert_cmpint (member_int (ticket, "version"), ==, 4);
}

/* ticket status */

static void
test_ticket_status (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  int status = -1;

  new_ticket (db, "req1", "Walk the workflow");
  new_ticket (db, "req1", "Resolved too soon");
  new_ticket (db, "req1", "Triage is for staff");

  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "status", "1", "open", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 is open.\n");
  g_free (cli_ok ("tech1", "--db", db, "ticket", "status", "1", "pending", NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "status", "1", "resolved", NULL));
  ticket = show_ticket (db, "disp", 1);
  assert_recent_utc (member_str (ticket, "resolved_at"));
  g_assert_true (member_is_null (ticket, "closed_at"));

  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "status", "1", "closed",
           NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 is closed.\n");

  /* Closed is final. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "status", "1", "open", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "closed");
  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "disp", 1);
  g_assert_cmpstr (member_str (ticket, "status"), ==, "closed");
  assert_recent_utc (member_str (ticket, "closed_at"));
  g_assert_cmpint (member_int (ticket, "version"), ==, 5);

  /* A closed ticket takes no more replies; staff may still add notes. */
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "comment", "1", "--body",
           "Still broken", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "follow-up");
  g_free (cli_ok ("tech1", "--db", db, "ticket", "comment", "1", "--internal", "--body",
                  "Root cause: a loose cable", NULL));

  /* Back to new is no transition for an open ticket. */
  g_free (cli_ok ("tech1", "--db", db, "ticket", "status", "2", "open", NULL));
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "status", "2", "new", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "cannot go from");

  /* A requester may reopen their resolved ticket, not close it. */
  g_free (cli_ok ("tech1", "--db", db, "ticket", "status", "2", "resolved", NULL));
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "status", "2", "open", NULL);
  assert_status (status, 0, err);
  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "req1", 2);
  g_assert_cmpstr (member_str (ticket, "status"), ==, "open");
  g_assert_true (member_is_null (ticket, "resolved_at"));

  g_free (cli_ok ("tech1", "--db", db, "ticket", "status", "2", "resolved", NULL));
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "status", "2", "closed", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "reopen");
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "status", "3", "open", NULL);
  g_assert_cmpint (status, ==, 4);
  run_cli ("req2", NULL, &status, &out, &err, "--db", db, "ticket", "status", "2", "open", NULL);
  g_assert_cmpint (status, ==, 2);

  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "disp", 2);
  g_assert_cmpstr (member_str (ticket, "status"), ==, "resolved");
  g_assert_true (member_is_null (ticket, "closed_at"));
  assert_numbers (db, "disp", "3", "--status", "new", NULL);
}

/* ticket comment */

static void
test_ticket_comment (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autofree char *summary = NULL;
  JsonArray *events;
  int status = -1;

  new_ticket (db, "req1", "Need a monitor");
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "1", "tech1", NULL));

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "comment", "1", "--body",
           "A 27 inch one, please", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "");

  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "comment", "1",
           "--internal", "--body", "Budget approved by <b>finance</b>", NULL);
  assert_status (status, 0, err);

  /* Neither the requester's own reply nor a note is a first response. */
  ticket = show_ticket (db, "disp", 1);
  g_assert_true (member_is_null (ticket, "first_response_at"));

  run_cli ("tech1", "Ordered.\nArrives Friday.\n", &status, &out, &err, "--db", db, "ticket",
           "comment", "1", "--body-file", "-", NULL);
  assert_status (status, 0, err);

  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "disp", 1);
  assert_recent_utc (member_str (ticket, "first_response_at"));
  /* Replies do not conflict with edits: the version stays. */
  g_assert_cmpint (member_int (ticket, "version"), ==, 2);
  events = json_object_get_array_member (ticket, "events");
  summary = events_summary (ticket);
  g_assert_cmpstr (summary, ==,
                   "created by req1; assignment by disp assignee ->tech1; "
                   "status by disp status new>open; reply by req1; note by tech1; "
                   "reply by tech1");
  g_assert_cmpstr (member_str (json_array_get_object_element (events, 3), "body"), ==,
                   "A 27 inch one, please");
  g_assert_cmpstr (member_str (json_array_get_object_element (events, 4), "body"), ==,
                   "Budget approved by <b>finance</b>");
  g_assert_cmpstr (member_str (json_array_get_object_element (events, 5), "body"), ==,
                   "Ordered.\nArrives Friday.\n");

  /* Refusals: a requester's note, someone else's ticket, nothing to say,
   * both ways at once. */
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "comment", "1", "--internal",
           "--body", "Psst", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "Internal notes");

  run_cli ("req2", NULL, &status, &out, &err, "--db", db, "ticket", "comment", "1", "--body",
           "Me too", NULL);
  g_assert_cmpint (status, ==, 2);

  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "comment", "1", "--body",
           "  \n ", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "empty");

  run_cli ("tech1", "", &status, &out, &err, "--db", db, "ticket", "comment", "1", "--body-file",
           "-", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "empty");

  run_cli ("tech1", "x", &status, &out, &err, "--db", db, "ticket", "comment", "1", "--body", "y",
           "--body-file", "-", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "not both");

  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "disp", 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ticket, "events")), ==,
                    6);
}

/* ticket escalate */

static void
test_ticket_escalate (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *before = NULL, *after = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonArray) listed = NULL;
  JsonArray *events;
  int status = -1;

  new_ticket (db, "req1", "VPN drops every hour");
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "1", "tech1", NULL));

  /* tech1 (tier 1) passes it to tier 2, which takes it from them. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--note",
           "Tunnel drops on the concentrator; needs network access.", "--if-version", "2",
           NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 escalated to tier 2 and unassigned from tech1.\n");
  g_assert_cmpstr (err, ==, "");

  ticket = show_ticket (db, "tech2", 1);
  g_assert_cmpint (member_int (ticket, "tier"), ==, 2);
  g_assert_true (member_is_null (ticket, "assignee"));
  g_assert_cmpstr (member_str (ticket, "status"), ==, "open");
  g_assert_cmpint (member_int (ticket, "version"), ==, 3);
  summary = events_summary (ticket);
  g_assert_cmpstr (summary, ==,
                   "created by req1; assignment by disp assignee ->tech1; "
                   "status by disp status new>open; field by tech1 tier 1>2; "
                   "assignment by tech1 assignee tech1>-");
  events = json_object_get_array_member (ticket, "events");
  g_assert_cmpstr (member_str (json_array_get_object_element (events, 3), "body"), ==,
                   "Tunnel drops on the concentrator; needs network access.");
  assert_numbers (db, "disp", "1", "--tier", "2", NULL);
  assert_numbers (db, "disp", "", "--tier", "1", NULL);
  listed = list_tickets_json (db, "disp");
  g_assert_cmpint (member_int (json_array_get_object_element (listed, 0), "tier"), ==, 2);

  /* The next tier reads the whole story, note included. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_regex_match_simple ("^Tier: +2$", out, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (out, "tech1 escalated the ticket from tier 1 to tier 2:\n"
                                 "Tunnel drops on the concentrator; needs network access.\n"));
  g_assert_nonnull (strstr (out, "disp changed assignee: - → tech1"));

  /* The requester sees that it moved, not the note. */
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "tech1 escalated the ticket from tier 1 to tier 2\n"));
  g_assert_null (strstr (out, "concentrator"));
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "show", "--json", "1", NULL);
  assert_status (status, 0, err);
  g_assert_null (strstr (out, "concentrator"));
  g_assert_nonnull (strstr (out, "\"tier\" : 2"));

  /* Refusals, one line each, and nothing changes. */
  before = cli_ok ("disp", "--db", db, "ticket", "show", "--json", "1", NULL);

  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--note",
           "Again", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "above your tier 1");

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--note",
           "Please hurry", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "Only technicians and the dispatcher");

  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--note",
           "  \n ", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "empty");

  run_cli ("tech2", "", &status, &out, &err, "--db", db, "ticket", "escalate", "1",
           "--note-file", "-", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "empty");

  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--note");

  run_cli ("tech2", "x", &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--note",
           "y", "--note-file", "-", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "not both");

  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--note",
           "Stale", "--if-version", "2", NULL);
  g_assert_cmpint (status, ==, 3);
  assert_one_line_error (out, err, "changed by someone else");

  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "7", "--note",
           "Where?", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "#7");

  after = cli_ok ("disp", "--db", db, "ticket", "show", "--json", "1", NULL);
  g_assert_cmpstr (after, ==, before);

  /* tech2 takes it and escalates to tier 3, the top. */
  g_free (cli_ok ("tech2", "--db", db, "ticket", "assign", "1", "tech2", NULL));
  run_cli ("tech2", "Firmware bug.\nVendor case 4711.\n", &status, &out, &err, "--db", db,
           "ticket", "escalate", "1", "--note-file", "-", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 escalated to tier 3 and unassigned from tech2.\n");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--note",
           "Higher", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "highest");

  /* Back down: tech2 may not from tier 3, the dispatcher may; the
   * assignee stays. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--down",
           "--note", "Not mine to return", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "return it");

  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "1", "tech2", NULL));
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--down",
           "--note", "Patched; tier 2 please verify with the user.", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 returned to tier 2.\n");

  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "tech2 escalated the ticket from tier 2 to tier 3:\n"
                                 "Firmware bug.\nVendor case 4711.\n"));
  g_assert_nonnull (strstr (out, "disp returned the ticket from tier 3 to tier 2:\n"
                                 "Patched; tier 2 please verify with the user.\n"));

  g_clear_pointer (&ticket, json_object_unref);
  ticket = show_ticket (db, "disp", 1);
  g_assert_cmpint (member_int (ticket, "tier"), ==, 2);
  g_assert_cmpstr (member_str (ticket, "assignee"), ==, "tech2");

  /* tech2 returns it to tier 1; tier 1 is the floor. */
  run_cli ("tech2", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "#1", "--down",
           "--note", "Tier 1 can close this", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "Ticket #1 returned to tier 1.\n");
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--down",
           "--note", "Lower", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "lowest");

  /* A closed ticket stays where it is. */
  g_free (cli_ok ("tech2", "--db", db, "ticket", "status", "1", "closed", NULL));
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "escalate", "1", "--note",
           "Too late", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "closed");

  /* --tier takes a tier. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--tier", "4", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--tier");
}

/* check */

static void
test_check_sound (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *expected = NULL;
  int status = -1;

  new_ticket (db, "req1", "Something");
  g_free (cli_ok ("tech1", "--db", db, "ticket", "comment", "1", "--body", "On it", NULL));

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "check", NULL);
  assert_status (status, 0, err);
  expected = g_strdup_printf ("%s is sound (schema version %d).\n", db, HD_SCHEMA_VERSION);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (err, ==, "");
}

/* A file changed behind the program's back: check finds it. */
static void
test_check_problems (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  new_ticket (db, "req1", "One");
  new_ticket (db, "req1", "Two");
  sql_run (db, "DELETE FROM ticket_events WHERE ticket_id = 2 AND kind = 'created';"
               "UPDATE tickets SET assignee_id = (SELECT id FROM people WHERE login = 'req2'),"
               " status = 'open' WHERE id = 1;");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "check", NULL);
  g_assert_cmpint (status, ==, 5);
  g_assert_nonnull (strstr (out, "Ticket #2 has no history."));
  g_assert_nonnull (strstr (out, "“req2” is assigned open tickets"));
  g_assert_cmpuint (count_lines (out), ==, 2);
  g_assert_nonnull (strstr (err, "has 2 problems"));
  g_assert_null (strstr (out, "is sound"));
}

static void
assert_refused (const char *path,
                const char *needle)
{
  g_autoptr(GBytes) before = hd_test_read_bytes (path);
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "check", NULL);
  g_assert_cmpint (status, ==, 5);
  assert_one_line_error (out, err, needle);
  assert_unchanged (path, before);

  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "ticket", "new", "--title", "Hello",
           NULL);
  g_assert_cmpint (status, ==, 5);
  assert_one_line_error (out, err, needle);
  assert_unchanged (path, before);

  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "ticket", "list", NULL);
  g_assert_cmpint (status, ==, 5);
  assert_unchanged (path, before);

  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "person", "add", "bob", "--name",
           "Bob", NULL);
  g_assert_cmpint (status, ==, 5);
  assert_unchanged (path, before);
}

static void
test_check_text_file (void)
{
  g_autofree char *path = hd_test_new_path ("notes");
  g_autofree char *empty = hd_test_new_path ("empty");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (text, "Line %u of somebody's notes.\n", i);
  write_file (path, text->str, text->len);
  assert_refused (path, "not a helpdesk file");

  write_file (empty, "", 0);
  assert_refused (empty, "not a helpdesk file");
}

static void
test_check_foreign_sqlite (void)
{
  g_autofree char *path = hd_test_new_path ("other-app");
  sqlite3 *db = sql_open (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);

  /* Some other program's database, with tables a careless program might
   * take for its own. */
  sql_exec (db, "CREATE TABLE tickets (id INTEGER PRIMARY KEY, title TEXT);"
                "CREATE TABLE people (id INTEGER PRIMARY KEY, login TEXT);"
                "INSERT INTO tickets (title) VALUES ('theirs');"
                "PRAGMA user_version = 1;");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  assert_refused (path, "not a helpdesk file");
}

static void
test_check_newer (void)
{
  g_autofree char *path = new_helpdesk ();

  new_ticket (path, "req1", "Made by an older program");
  sql_run (path, "PRAGMA user_version = 999");
  g_assert_cmpint (sql_int (path, "PRAGMA user_version"), ==, 999);

  assert_refused (path, "newer version");
}

/* Zeroes the first leaf page of the tickets table: the oldest tickets'
 * page, which filing a new ticket (the rightmost leaf) does not read. */
static void
damage_oldest_tickets (const char *path)
{
  gint64 page = sql_int (path, "SELECT pageno FROM dbstat WHERE name = 'tickets'"
                               " AND pagetype = 'leaf' ORDER BY pageno LIMIT 1");
  gint64 page_size = sql_int (path, "PRAGMA page_size");
  g_autoptr(GBytes) bytes = hd_test_read_bytes (path);
  gsize size = 0;
  g_autofree char *data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);

  g_assert_cmpint (page, >, 1);
  g_assert_cmpint (page * page_size, <, size);
  memset (data + (page - 1) * page_size, 0, page_size);
  write_file (path, data, size);
}

static void
test_check_damaged (void)
{
  g_autofree char *path = NULL;
  g_autoptr(HdStore) store = hd_test_new_helpdesk (&path);
  g_autoptr(GString) details = g_string_new (NULL);
  g_autoptr(GBytes) before = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *check_line = NULL;
  g_autofree char *number_arg = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 number;
  int status = -1;

  /* Enough tickets for the table to span several pages. */
  for (guint i = 0; i < 60; i++)
    g_string_append (details, "The screen goes dark every few minutes. ");
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HdTicket) ticket = NULL;
      HdTicketDraft draft = HD_TICKET_DRAFT_INIT;

      draft.title = "Flickering screen";
      draft.description = details->str;
      ticket = hd_store_create_ticket (store, &draft, &error);
      g_assert_no_error (error);
    }
  g_clear_object (&store);

  damage_oldest_tickets (path);
  before = hd_test_read_bytes (path);

  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "check", NULL);
  g_assert_cmpint (status, ==, 5);
  /* Either the check lists the damage or it cannot read past it. */
  g_assert_true (strstr (out, "Damaged: ") != NULL || strstr (err, "is damaged") != NULL);
  g_assert_null (strstr (out, "is sound"));
  g_assert_nonnull (strstr (err, "backup"));
  assert_unchanged (path, before);

  /* A command that meets the damage (the oldest ticket is on the page)
   * stops, its change rolled back, and says how to see the rest. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "ticket", "comment", "1", "--body",
           "Written into a damaged file", NULL);
  g_assert_cmpint (status, ==, 5);
  g_assert_cmpstr (out, ==, "");
  lines = g_strsplit (err, "\n", -1);
  g_assert_cmpuint (count_lines (err), ==, 2);
  g_assert_nonnull (strstr (lines[0], "is damaged"));
  check_line = g_strdup_printf ("helpdesk-cli: see what is damaged with: helpdesk-cli --db %s check",
                                path);
  g_assert_cmpstr (lines[1], ==, check_line);
  assert_unchanged (path, before);

  /* One that does not meet it is not held up by reading the whole file
   * first: the new ticket goes on the newest page, and is there to read.
   * The check still finds the damage. */
  number = new_ticket (path, "disp", "Filed after the damage");
  number_arg = g_strdup_printf ("%" G_GUINT64_FORMAT, number);
  g_free (out);
  out = cli_ok ("disp", "--db", path, "ticket", "show", number_arg, NULL);
  g_assert_nonnull (strstr (out, "Filed after the damage"));
  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "check", NULL);
  g_assert_cmpint (status, ==, 5);
}

/* The search indexes: check names each damaged one and exits with 5;
 * reindex mends them all, and searches find the text again. */
static void
test_check_search_indexes (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *jam = g_build_filename (hd_test_dir (), "jam.md", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *expected = NULL;
  int status = -1;

  new_ticket (db, "req1", "Printer jams");
  write_file (jam, "Open tray 2 and pull the paper out.\n", -1);
  g_free (cli_ok ("tech1", "--db", db, "kb", "add", "--title", "Paper jams", "--file", jam, NULL));
  sql_run (db, "DROP TRIGGER tickets_fts_update;"
               "UPDATE tickets SET title = 'Scanner on fire' WHERE id = 1;"
               "UPDATE kb_fts_data SET block = randomblob (length (block))"
               " WHERE id = (SELECT max (id) FROM kb_fts_data);");

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "check", NULL);
  g_assert_cmpint (status, ==, 5);
  g_assert_nonnull (strstr (out, "The trigger “tickets_fts_update”, which keeps a search index in step, is missing."));
  g_assert_nonnull (strstr (out, "The search index “kb_fts” (the words of knowledge-base articles) is damaged or out of step"));
  g_assert_nonnull (strstr (out, "The search index “tickets_fts” (the text of tickets) is out of step with 1 ticket (#1)."));
  g_assert_nonnull (strstr (out, "Rebuild the search indexes with “helpdesk-cli reindex”"));
  g_assert_cmpuint (count_lines (out), ==, 3);
  g_assert_nonnull (strstr (err, "has 3 problems"));
  g_assert_nonnull (strstr (err, "“helpdesk-cli reindex” mends a search index"));

  /* It changes no row anyone reads: whoever may write the file may. */
  g_free (out);
  out = cli_ok ("req1", "--db", db, "reindex", NULL);
  expected = g_strdup_printf ("Rebuilt the search indexes of %s.\n", db);
  g_assert_cmpstr (out, ==, expected);

  g_free (out);
  out = cli_ok ("req1", "--db", db, "check", NULL);
  g_assert_nonnull (strstr (out, "is sound"));
  g_free (out);
  out = cli_ok ("disp", "--db", db, "ticket", "list", "--search", "fire", NULL);
  g_assert_nonnull (strstr (out, "Scanner on fire"));
  g_free (out);
  out = cli_ok ("disp", "--db", db, "kb", "search", "paper", NULL);
  g_assert_nonnull (strstr (out, "[[Paper]] jams"));
}

/* An index that cannot be opened at all: check names it, and reindex
 * says it cannot mend it, changing nothing. */
static void
test_reindex_beyond_repair (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autoptr(GBytes) before = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  sql_run (db, "DELETE FROM kb_fts_config;");
  before = hd_test_read_bytes (db);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "reindex", NULL);
  g_assert_cmpint (status, ==, 5);
  assert_one_line_error (out, err, "damaged beyond rebuilding");
  assert_unchanged (db, before);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "check", NULL);
  g_assert_cmpint (status, ==, 5);
  g_assert_nonnull (strstr (out, "“kb_fts”"));
  assert_unchanged (db, before);
}

static void
test_check_missing (void)
{
  g_autofree char *path = hd_test_new_path ("missing");
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "check", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, path);
  g_assert_nonnull (strstr (err, "init"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Nor does a write create it. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", path, "ticket", "new", "--title", "X", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* backup */

static void
test_backup_file (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *dir = new_dir ("backups");
  g_autofree char *dest = g_build_filename (dir, "copy.db", NULL);
  g_autofree char *partial = g_strconcat (dest, ".partial", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *original_list = NULL;
  g_autofree char *backup_list = NULL;
  int status = -1;

  new_ticket (db, "req1", "Before the backup");
  new_ticket (db, "req2", "Also before");
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "2", "tech1", NULL));

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "backup", dest, NULL);
  assert_status (status, 0, err);
  expected = g_strdup_printf ("Backed up to %s\n", dest);
  g_assert_cmpstr (out, ==, expected);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  original_list = cli_ok ("disp", "--db", db, "ticket", "list", "--json", NULL);
  backup_list = cli_ok ("disp", "--db", dest, "ticket", "list", "--json", NULL);
  g_assert_cmpstr (backup_list, ==, original_list);
  g_assert_nonnull (strstr (backup_list, "Also before"));
  g_free (cli_ok ("disp", "--db", dest, "check", NULL));

  /* A copy, not a link: later changes stay in the original... */
  new_ticket (db, "req1", "After the backup");
  assert_numbers (dest, "disp", "1 2", NULL);

  /* ...until the next backup replaces the old copy. */
  g_free (cli_ok ("disp", "--db", db, "backup", dest, NULL));
  assert_numbers (dest, "disp", "1 2 3", NULL);

  /* Never over the file itself. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "backup", db, NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "cannot replace");
  assert_numbers (db, "disp", "1 2 3", NULL);
}

static void
test_backup_dir (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *dir = new_dir ("backups");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *written = NULL;
  g_autofree char *original_list = NULL;
  g_autofree char *backup_list = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  int status = -1;

  new_ticket (db, "req1", "Dated copy");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "backup", dir, NULL);
  assert_status (status, 0, err);

  listing = g_dir_open (dir, 0, NULL);
  name = g_dir_read_name (listing);
  g_assert_nonnull (name);
  g_assert_true (g_regex_match_simple ("^helpdesk-\\d{8}-\\d{6}\\.db$", name, 0, 0));
  g_assert_null (g_dir_read_name (listing));

  written = g_build_filename (dir, name, NULL);
  g_assert_nonnull (strstr (out, written));

  original_list = cli_ok ("disp", "--db", db, "ticket", "list", "--json", NULL);
  backup_list = cli_ok ("disp", "--db", written, "ticket", "list", "--json", NULL);
  g_assert_cmpstr (backup_list, ==, original_list);
  g_free (cli_ok ("disp", "--db", written, "check", NULL));
}

static void
test_backup_missing_dir (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *dir = new_dir ("backups");
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", NULL);
  g_autofree char *dest = g_build_filename (missing, "copy.db", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GDir) listing = NULL;
  int status = -1;

  new_ticket (db, "req1", "Keep");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "backup", dest, NULL);
  g_assert_cmpint (status, !=, 0);
  assert_one_line_error (out, err, "backup");

  /* Nothing left behind, and the folder was not invented. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  assert_numbers (db, "disp", "1", NULL);
}

/* Restore */

static void
test_restore (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *dir = new_dir ("restore");
  g_autofree char *backup = g_build_filename (dir, "monday.db", NULL);
  g_autofree char *xdg = new_dir ("xdg");
  g_autofree char *xdg_env = g_strconcat ("XDG_DATA_HOME=", xdg, NULL);
  const char *env[] = { xdg_env, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  new_ticket (db, "disp", "In Monday's backup");
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "backup", backup, NULL);
  assert_status (status, 0, err);
  new_ticket (db, "disp", "Filed on Tuesday");

  /* Only the dispatcher restores. */
  run_cli_env (env, "tech1", &status, &out, &err, "--db", db, "restore", backup, NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "dispatcher");

  /* The file as it was goes to the local backup folder first. */
  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "restore", backup, NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "saved as"));
  g_assert_nonnull (strstr (out, xdg));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--csv", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "In Monday's backup"));
  g_assert_null (strstr (out, "Filed on Tuesday"));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "check", NULL);
  assert_status (status, 0, err);
}

/* Restoring a damaged file */

/* Scribbles over 1500 bytes in the middle of a leaf page of the tickets
 * table, as a bad sector or a torn write over a share does. */
static void
damage_ticket_page (const char *path)
{
  gint64 page = sql_int (path, "SELECT pageno FROM dbstat WHERE name = 'tickets'"
                               " AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 3");
  gint64 page_size = sql_int (path, "PRAGMA page_size");
  g_autoptr(GBytes) bytes = hd_test_read_bytes (path);
  gsize size = 0;
  g_autofree char *data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);

  g_assert_cmpint (page, >, 1);
  g_assert_cmpint (page * page_size, <=, size);
  memset (data + (page - 1) * page_size + 1000, 0xA5, 1500);
  write_file (path, data, size);
}

/* Made once: filing hundreds of tickets one safe transaction at a time
 * takes a while. */
static char *damage_template;

/* A helpdesk with enough tickets to span many pages, and a backup of it in
 * the folder where the window keeps them. */
static char *
new_helpdesk_with_backup (char **backup)
{
  g_autofree char *path = hd_test_new_path ("helpdesk");
  g_autofree char *record = hd_store_locking_path (path);
  g_autofree char *dir = hd_store_default_backup_dir (path);
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (damage_template == NULL)
    {
      g_autofree char *template_dir = g_dir_make_tmp ("hd-cli-XXXXXX", &error);

      g_assert_no_error (error);
      damage_template = g_build_filename (template_dir, "template.db", NULL);
      store = hd_store_create (damage_template, "disp", "Test office", &error);
      g_assert_no_error (error);
      for (guint i = 0; i < 300; i++)
        {
          g_autoptr(HdTicket) ticket = hd_test_file_ticket (store, "Before the damage");
        }
      g_clear_object (&store);
    }

  contents = hd_test_read_bytes (damage_template);
  write_file (path, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
  write_file (record, "posix\n", -1);

  store = hd_test_open_as (path, "disp");
  g_assert_true (hd_store_backup_rotating (store, dir, HD_STORE_BACKUPS_KEPT, backup, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
remove_damage_template (void)
{
  g_autofree char *record = NULL;
  g_autofree char *dir = NULL;

  if (damage_template == NULL)
    return;

  record = hd_store_locking_path (damage_template);
  dir = g_path_get_dirname (damage_template);
  g_unlink (damage_template);
  g_unlink (record);
  g_rmdir (dir);
  g_clear_pointer (&damage_template, g_free);
}

static void
test_restore_damaged (void)
{
  g_autofree char *backup = NULL;
  g_autofree char *db = new_helpdesk_with_backup (&backup);
  g_autofree char *xdg_env = g_strconcat ("XDG_DATA_HOME=", g_get_user_data_dir (), NULL);
  const char *env[] = { xdg_env, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GRegex) restored = NULL;
  int status = -1;

  new_ticket (db, "req1", "After the backup");
  damage_ticket_page (db);
  damaged = hd_test_read_bytes (db);
  hint = g_strdup_printf ("helpdesk-cli: the last good backup is %s; restore it with: helpdesk-cli --db %s restore %s\n",
                          backup, db, backup);

  /* check says it is damaged, and which backup puts it right. */
  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "check", NULL);
  g_assert_cmpint (status, ==, 5);
  g_assert_nonnull (strstr (err, hint));
  assert_unchanged (db, damaged);

  /* So does any command that the damage stops, after the line that
   * names the check: here recomputing every open ticket's deadline, which
   * meets it inside its write transaction, rolled back. */
  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "sla", "recompute", NULL);
  g_assert_cmpint (status, ==, 5);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpuint (count_lines (err), ==, 3);
  g_assert_nonnull (strstr (err, "damaged"));
  g_assert_nonnull (strstr (err, "see what is damaged with: helpdesk-cli --db"));
  g_assert_true (g_str_has_suffix (err, hint));
  assert_unchanged (db, damaged);

  /* restore replaces it, keeping the damaged file beside it. */
  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "restore", backup, NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (err, ==, "");
  restored = g_regex_new ("^Restored (.+) from (.+)\\. The damaged file is kept as (.+\\.damaged-\\d{8}-\\d{6})\\.\n$",
                          0, 0, NULL);
  g_assert_true (g_regex_match (restored, out, 0, &match));
  expected = g_match_info_fetch (match, 1);
  g_assert_cmpstr (expected, ==, db);
  g_clear_pointer (&expected, g_free);
  expected = g_match_info_fetch (match, 2);
  g_assert_cmpstr (expected, ==, backup);
  kept = g_match_info_fetch (match, 3);
  g_assert_true (g_str_has_prefix (kept, db));
  assert_unchanged (kept, damaged);

  /* The file is the backup now. */
  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "check", NULL);
  assert_status (status, 0, err);
  g_assert_cmpuint (count_tickets (db), ==, 300);
  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "ticket", "list", "--csv", NULL);
  assert_status (status, 0, err);
  g_assert_null (strstr (out, "After the backup"));

  /* A sound file is never replaced that way: restoring into it is the
   * dispatcher's ordinary restore again. */
  run_cli_env (env, "tech1", &status, &out, &err, "--db", db, "restore", backup, NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "dispatcher");
  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "restore", backup, NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "The file as it was is saved as"));
}

static void
test_restore_damaged_header (void)
{
  g_autofree char *backup = NULL;
  g_autofree char *db = new_helpdesk_with_backup (&backup);
  g_autofree char *xdg_env = g_strconcat ("XDG_DATA_HOME=", g_get_user_data_dir (), NULL);
  const char *env[] = { xdg_env, NULL };
  g_autoptr(GBytes) bytes = hd_test_read_bytes (db);
  gsize size = 0;
  g_autofree char *data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  /* Garbage over the header: SQLite no longer knows the file, but its
   * locking record says it is a helpdesk. */
  for (guint i = 0; i < 100; i++)
    data[i] = (char) (0x5A ^ (i * 37));
  write_file (db, data, size);

  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "check", NULL);
  g_assert_cmpint (status, ==, 5);
  g_assert_nonnull (strstr (err, "the last good backup is"));

  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "restore", backup, NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "The damaged file is kept as"));
  g_assert_cmpuint (count_tickets (db), ==, 300);
}

static void
test_restore_damaged_refusals (void)
{
  g_autofree char *backup = NULL;
  g_autofree char *db = new_helpdesk_with_backup (&backup);
  g_autofree char *xdg_env = g_strconcat ("XDG_DATA_HOME=", g_get_user_data_dir (), NULL);
  const char *env[] = { xdg_env, NULL };
  g_autofree char *dir = new_dir ("not-ours");
  g_autofree char *text = g_build_filename (dir, "notes.db", NULL);
  g_autofree char *bad_backup = g_build_filename (dir, "bad-backup.db", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GBytes) text_before = NULL;
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(GBytes) bad_before = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  int status = -1;

  /* A text file is no damaged helpdesk: left alone. */
  write_file (text, "Shopping list: toner, paper\n", -1);
  text_before = hd_test_read_bytes (text);
  run_cli_env (env, "disp", &status, &out, &err, "--db", text, "restore", backup, NULL);
  g_assert_cmpint (status, ==, 5);
  assert_one_line_error (out, err, "not a helpdesk file");
  assert_unchanged (text, text_before);

  /* A damaged backup is refused, and both files are left as they were;
   * the error names a backup that is good. */
  original = hd_test_read_bytes (db);
  write_file (bad_backup, g_bytes_get_data (original, NULL), g_bytes_get_size (original));
  damage_ticket_page (bad_backup);
  damage_ticket_page (db);
  damaged = hd_test_read_bytes (db);
  bad_before = hd_test_read_bytes (bad_backup);
  run_cli_env (env, "disp", &status, &out, &err, "--db", db, "restore", bad_backup, NULL);
  g_assert_cmpint (status, ==, 5);
  g_assert_nonnull (strstr (err, bad_backup));
  g_assert_nonnull (strstr (err, "damaged"));
  g_assert_nonnull (strstr (err, backup));
  assert_unchanged (db, damaged);
  assert_unchanged (bad_backup, bad_before);

  listing = g_dir_open (hd_test_dir (), 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_null (strstr (name, ".damaged-"));
}

/* Locking methods */

static void
test_locking (void)
{
  g_autofree char *dir = new_dir ("locking");
  g_autofree char *db = g_build_filename (dir, "office.db", NULL);
  g_autofree char *other = g_build_filename (dir, "other.db", NULL);
  g_autofree char *record = g_strconcat (db, ".locking", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  run_cli ("disp", NULL, &status, &out, &err, "--db", other, "init", "--locking", "flock",
           NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "--locking");
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));

  /* Chosen by hand, recorded beside the file, reported by location. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "init", "--locking", "dotfile", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_file_get_contents (record, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "dotfile\n");

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "location", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "Locking:     dotfile (recommended here: posix)"));
  /* Dot-files are safe on a local disk, only slower: location says how
   * to switch, and nothing is refused. */
  g_assert_nonnull (strstr (out, "location --set-locking posix"));
  g_assert_cmpstr (err, ==, "");

  /* The file works with it, and so do the other commands. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title",
           "Locked with a dot-file", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "1\n");

  /* Automatic on a local disk: POSIX. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", other, "init", NULL);
  assert_status (status, 0, err);
  run_cli ("disp", NULL, &status, &out, &err, "--db", other, "location", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "Locking:     posix (recommended here: posix)"));
  g_assert_cmpstr (err, ==, "");
}

/* read-only and busy */

static void
test_read_only (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdStore) store = NULL;
  g_autoptr(GBytes) before = NULL;
  gboolean root = getuid () == 0;
  int status = -1;

  if (root && g_find_program_in_path ("setpriv") == NULL)
    {
      g_test_skip ("Running as root without setpriv: permissions cannot be tested");
      return;
    }

  /* As root the tool runs as nobody, who must be able to reach the
   * folder: the isolated test folders are private, /tmp is not. */
  dir = root ? g_dir_make_tmp ("hd-read-only-XXXXXX", &error) : new_dir ("read-only");
  g_assert_no_error (error);
  db = g_build_filename (dir, "helpdesk.db", NULL);

  store = hd_store_create (db, "disp", "Read-only office", &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  new_ticket (db, "disp", "Readable");

  g_assert_cmpint (g_chmod (db, 0444), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  before = hd_test_read_bytes (db);
  as_nobody = root;

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--csv", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "Readable"));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "new", "--title", "No",
           NULL);
  g_assert_cmpint (status, ==, 5);
  assert_one_line_error (out, err, "cannot be written");
  assert_unchanged (db, before);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "check", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (err, "the search indexes were only compared with the tickets"));

  as_nobody = FALSE;
  g_chmod (dir, 0755);
  g_chmod (db, 0644);
  if (root)
    {
      g_unlink (db);
      g_rmdir (dir);
    }
}

static void
test_busy (void)
{
  const char *short_wait[] = { "HELPDESK_BUSY_TIMEOUT=300", NULL };
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  sqlite3 *other;
  gint64 start, elapsed;
  int status = -1;

  /* Another program holds the whole file. */
  other = sql_open (db, SQLITE_OPEN_READWRITE);
  sql_exec (other, "BEGIN EXCLUSIVE");

  start = g_get_monotonic_time ();
  run_cli_env (short_wait, "req1", &status, &out, &err, "--db", db, "ticket", "new", "--title",
               "Waits", NULL);
  elapsed = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (status, ==, 5);
  assert_one_line_error (out, err, "busy");
  /* It waited for the timeout it was given, not the 5 s default. */
  g_assert_cmpint (elapsed, >=, 250);
  g_assert_cmpint (elapsed, <, 3000);

  sql_exec (other, "ROLLBACK");
  run_cli_env (short_wait, "req1", &status, &out, &err, "--db", db, "ticket", "new", "--title",
               "Waits", NULL);
  assert_status (status, 0, err);
  /* Number 1: the refused attempt left nothing behind. */
  g_assert_cmpstr (out, ==, "1\n");

  /* A writer's reserved lock lets readers read, and holds other writers. */
  sql_exec (other, "BEGIN IMMEDIATE");
  run_cli_env (short_wait, "req1", &status, &out, &err, "--db", db, "ticket", "list", "--csv",
               NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "Waits"));
  run_cli_env (short_wait, "tech1", &status, &out, &err, "--db", db, "ticket", "status", "1",
               "open", NULL);
  g_assert_cmpint (status, ==, 5);
  assert_one_line_error (out, err, "busy");

  sql_exec (other, "COMMIT");
  g_assert_cmpint (sqlite3_close (other), ==, SQLITE_OK);
  run_cli_env (short_wait, "tech1", &status, &out, &err, "--db", db, "ticket", "status", "1",
               "open", NULL);
  assert_status (status, 0, err);
  assert_numbers (db, "disp", "1", "--status", "open", NULL);
}

/* sla, alerts */

#define ALL_HOURS "tz UTC; mon-sun 00:00-24:00"

static void
test_sla_calendar (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  /* A new file has a calendar. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "sla", "calendar", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_str_has_prefix (out, "tz "));
  g_assert_cmpuint (count_lines (out), ==, 2);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "calendar", "--set",
           "tz Europe/Berlin; mon-fri 08:00-16:00; holidays 2026-12-24", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_str_has_prefix (out, "tz Europe/Berlin; mon-fri 08:00-16:00; holidays 2026-12-24\n"));
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM settings WHERE key = 'sla.calendar'"
                                " AND value LIKE 'tz Europe/Berlin;%'"), ==, 1);

  /* The dispatcher's alone; the engine checks the text. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "sla", "calendar", "--set", ALL_HOURS,
           NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "dispatcher");
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "calendar", "--set",
           "mon-fri 25:00-26:00", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM settings WHERE key = 'sla.calendar'"
                                " AND value LIKE 'tz Europe/Berlin;%'"), ==, 1);
}

static void
test_sla_show (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *sla;
  int status = -1;

  g_free (cli_ok ("disp", "--db", db, "sla", "calendar", "--set", ALL_HOURS, NULL));
  g_assert_cmpint (new_ticket (db, "req1", "Printer jammed"), ==, 1);

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "sla", "show", "1", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_str_has_prefix (out, "Policy: Normal — respond within 4 h, resolve within 16 h"));
  g_assert_nonnull (strstr (out, "\nCalendar: "));
  g_assert_nonnull (strstr (out, "\nFirst response: due "));
  g_assert_nonnull (strstr (out, "\nResolution: due "));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "show", "#1", "--json", NULL);
  assert_status (status, 0, err);
  node = parse_json (out);
  sla = json_node_get_object (node);
  g_assert_cmpint (member_int (sla, "number"), ==, 1);
  g_assert_cmpstr (member_str (sla, "policy"), ==, "Normal");
  g_assert_cmpstr (member_str (sla, "clock"), ==, "first-response");
  g_assert_cmpstr (member_str (sla, "state"), ==, "ok");
  g_assert_cmpint (member_int (sla, "target"), ==, 4 * 3600);
  g_assert_cmpint (member_int (sla, "elapsed"), <, 600);
  assert_iso_utc (member_str (sla, "due"));
  assert_iso_utc (member_str (sla, "warn_at"));
  g_assert_cmpstr (member_str (sla, "warn_at"), <, member_str (sla, "due"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (sla, "explanation")));
  g_assert_cmpstr (member_str (json_object_get_object_member (sla, "resolution"), "state"), ==,
                   "ok");
  /* The list shows the same deadline. */
  {
    g_autoptr(JsonArray) tickets = list_tickets_json (db, "disp");

    g_assert_cmpstr (member_str (json_array_get_object_element (tickets, 0), "due_at"), ==,
                     member_str (sla, "due"));
  }

  /* Paused while waiting on the requester. */
  g_free (cli_ok ("disp", "--db", db, "ticket", "status", "1", "pending", NULL));
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "show", "1", "--json", NULL);
  assert_status (status, 0, err);
  g_clear_pointer (&node, json_node_unref);
  node = parse_json (out);
  g_assert_cmpstr (member_str (json_node_get_object (node), "state"), ==, "paused");

  /* Who may not see the ticket may not read its deadlines: for them it
   * does not exist. */
  run_cli ("req2", NULL, &status, &out, &err, "--db", db, "sla", "show", "1", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, NULL);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "show", "9", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_one_line_error (out, err, "#9");
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "show", "one", NULL);
  g_assert_cmpint (status, ==, 1);
}

static void
test_sla_policy (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *rules;
  int status = -1;

  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "sla", "policy", "list", "--json",
           NULL);
  assert_status (status, 0, err);
  node = parse_json (out);
  rules = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (rules), ==, 4);
  g_assert_cmpstr (member_str (json_array_get_object_element (rules, 2), "priority"), ==, "high");
  g_assert_cmpint (member_int (json_array_get_object_element (rules, 2), "response_minutes"), ==, 60);
  g_assert_cmpint (member_int (json_array_get_object_element (rules, 2), "resolve_minutes"), ==, 480);
  g_assert_cmpint (member_int (json_array_get_object_element (rules, 2), "warn_percent"), ==, 75);
  g_assert_true (member_is_null (json_array_get_object_element (rules, 2), "category"));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "set", "high",
           "--category", "Network", "--response", "20min", "--resolve", "4h", "--warn", "80", NULL);
  assert_status (status, 0, err);
  g_assert_cmpint (sql_int (db, "SELECT response_minutes * 1000 + resolve_minutes FROM"
                                " sla_policies WHERE priority = 'high' AND category = 'Network'"),
                   ==, 20 * 1000 + 240);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "set", "low",
           "--response", "none", "--resolve", "1h30", NULL);
  assert_status (status, 0, err);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "list", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_regex_match_simple ("^high +Network +20 min +4 h +80 %$", out,
                                       G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^low +\\(any\\) +- +1 h 30 min +75 %$", out,
                                       G_REGEX_MULTILINE, 0));

  /* Refusals. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "sla", "policy", "set", "high",
           "--response", "1h", "--resolve", "2h", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_one_line_error (out, err, "dispatcher");
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "set", "high",
           "--response", "soon", "--resolve", "2h", NULL);
  g_assert_cmpint (status, ==, 1);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "set", "high",
           "--response", "1h", NULL);
  g_assert_cmpint (status, ==, 1);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "set", "high",
           "--response", "3h", "--resolve", "2h", NULL);
  g_assert_cmpint (status, ==, 1);
  assert_one_line_error (out, err, "must not be longer");
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "set", "whenever",
           "--response", "1h", "--resolve", "2h", NULL);
  g_assert_cmpint (status, ==, 1);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "frobnicate", "high",
           NULL);
  g_assert_cmpint (status, ==, 1);

  /* Deleting a category's own policy, once. */
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "delete", "high",
           NULL);
  g_assert_cmpint (status, ==, 1);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "delete", "high",
           "--category", "Network", NULL);
  assert_status (status, 0, err);
  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "policy", "delete", "high",
           "--category", "Network", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM sla_policies"), ==, 4);
}

static JsonArray *
alerts_json (const char *db,
             const char *login,
             gboolean    all)
{
  g_autofree char *out = cli_ok (login, "--db", db, "alerts", "--json", all ? "--all" : NULL,
                                 NULL);
  g_autoptr(JsonNode) node = parse_json (out);

  return json_array_ref (json_node_get_array (node));
}

static void
test_alerts (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonArray) alerts = NULL;
  JsonObject *alert;
  int status = -1;

  g_assert_cmpint (new_ticket (db, "req1", "Printer <jammed>"), ==, 1);
  g_assert_cmpint (new_ticket (db, "req1", "VPN drops"), ==, 2);
  g_free (cli_ok ("disp", "--db", db, "ticket", "assign", "1", "tech1", NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "assign", "2", "tech1", NULL));

  /* One: nobody is alerted about their own change. */
  alerts = alerts_json (db, "tech1", FALSE);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  alert = json_array_get_object_element (alerts, 0);
  {
    g_autofree char *keys = object_keys (alert);

    g_assert_cmpstr (keys, ==, "actor created_at deadline delivered_at id kind ticket title");
  }
  g_assert_cmpstr (member_str (alert, "kind"), ==, "assigned");
  g_assert_cmpint (member_int (alert, "ticket"), ==, 1);
  g_assert_cmpstr (member_str (alert, "title"), ==, "Printer <jammed>");
  g_assert_cmpstr (member_str (alert, "actor"), ==, "disp");
  assert_recent_utc (member_str (alert, "deadline"));
  g_assert_true (member_is_null (alert, "delivered_at"));
  g_clear_pointer (&alerts, json_array_unref);

  /* Listing delivers nothing: the desktop still shows it. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "alerts", NULL);
  assert_status (status, 0, err);
  g_assert_nonnull (strstr (out, "Ticket #1 “Printer <jammed>” was assigned to you by disp *\n"));
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM alerts WHERE delivered_at IS NULL"), ==, 1);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "alerts", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "No alerts.\n");

  /* A deadline passed: the tool raises the alert as it lists, to the
   * assignee and the dispatcher. */
  sql_run (db, "UPDATE tickets SET due_at = 2000000, warn_at = 1000000 WHERE id = 1");
  alerts = alerts_json (db, "disp", FALSE);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  g_assert_cmpstr (member_str (json_array_get_object_element (alerts, 0), "kind"), ==,
                   "sla-breach");
  g_assert_true (member_is_null (json_array_get_object_element (alerts, 0), "actor"));
  g_clear_pointer (&alerts, json_array_unref);
  alerts = alerts_json (db, "tech1", FALSE);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 2);
  g_assert_cmpstr (member_str (json_array_get_object_element (alerts, 0), "kind"), ==,
                   "sla-breach");
  g_clear_pointer (&alerts, json_array_unref);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM alerts"), ==, 3);

  /* Once a desktop took them, only --all lists them. */
  {
    g_autoptr(HdStore) desktop = hd_test_open_as (db, "tech1");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) taken = hd_store_take_alerts (desktop, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (taken->len, ==, 2);
  }
  alerts = alerts_json (db, "tech1", FALSE);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 0);
  g_clear_pointer (&alerts, json_array_unref);
  alerts = alerts_json (db, "tech1", TRUE);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 2);
  assert_recent_utc (member_str (json_array_get_object_element (alerts, 1), "delivered_at"));
}

static void
test_ticket_list_due (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  int status = -1;

  g_free (cli_ok ("disp", "--db", db, "sla", "calendar", "--set", ALL_HOURS, NULL));
  g_assert_cmpint (new_ticket (db, "req1", "Printer jammed"), ==, 1);
  g_assert_cmpint (new_ticket (db, "req1", "VPN drops"), ==, 2);
  g_assert_cmpint (new_ticket (db, "req1", "Password reset"), ==, 3);
  g_assert_cmpint (new_ticket (db, "req1", "Monitor"), ==, 4);
  g_free (cli_ok ("disp", "--db", db, "ticket", "status", "3", "resolved", NULL));
  /* #2's deadline is past. */
  sql_run (db, "UPDATE tickets SET due_at = 2000000, warn_at = 1000000 WHERE id = 2");

  assert_numbers (db, "disp", "2 1 4 3", "--sort", "due", NULL);
  assert_numbers (db, "disp", "3 4 1 2", "--sort", "due", "--descending", NULL);
  assert_numbers (db, "disp", "2", "--at-risk", NULL);
  assert_numbers (db, "req1", "2", "--at-risk", NULL);
  assert_numbers (db, "req2", "", "--at-risk", NULL);
  assert_numbers (db, "disp", "4 3 2 1", "--sort", "number", "--descending", NULL);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--at-risk", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_regex_match_simple ("^#2 +new +normal +- +1970-01-01 00:00 !! +VPN drops$",
                                       out, G_REGEX_MULTILINE, 0));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "list", "--sort", "urgency",
           NULL);
  g_assert_cmpint (status, ==, 1);

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", "--json", NULL);
  assert_status (status, 0, err);
  node = parse_json (out);
  assert_iso_utc (member_str (json_node_get_object (node), "due_at"));
  assert_iso_utc (member_str (json_node_get_object (node), "warn_at"));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "ticket", "show", "1", NULL);
  assert_status (status, 0, err);
  g_assert_true (g_regex_match_simple ("^Due: +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$", out,
                                       G_REGEX_MULTILINE, 0));

  run_cli ("disp", NULL, &status, &out, &err, "--db", db, "sla", "recompute", NULL);
  assert_status (status, 0, err);
  g_assert_cmpstr (out, ==, "1 deadline changed.\n");
  assert_numbers (db, "disp", "", "--at-risk", NULL);
}


/* Files to read: bounded, regular files only, never waited on */

/* Runs the tool with standard input from @stdin_path under timeout(1), so
 * that a command that waits forever (on a FIFO, say) fails the test with
 * exit 124 instead of hanging it. */
static void
run_cli_guarded (const char  *login,
                 const char  *stdin_path,
                 int         *exit_status,
                 char       **out,
                 char       **err,
                 GPtrArray   *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GBytes) stderr_bytes = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = child_environment (NULL, login);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, stdin_path);
  g_subprocess_launcher_set_environ (launcher, envp);
  g_ptr_array_add (argv, (char *) "timeout");
  g_ptr_array_add (argv, (char *) "--kill-after=10");
  g_ptr_array_add (argv, (char *) "60");
  g_ptr_array_add (argv, cli_path);
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (args, i));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &stdout_bytes, &stderr_bytes, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  *exit_status = g_subprocess_get_exit_status (process);
  g_free (*out);
  *out = bytes_to_string (stdout_bytes);
  g_free (*err);
  *err = bytes_to_string (stderr_bytes);
}

/* "ticket comment 1 --body-file @path" and the like, guarded. */
static void
run_reading (const char  *db,
             const char  *command,
             const char  *path,
             const char  *stdin_path,
             int         *status,
             char       **out,
             char       **err)
{
  g_auto(GStrv) words = g_strsplit (command, " ", -1);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (char *) "--db");
  g_ptr_array_add (args, (char *) db);
  for (guint w = 0; words[w] != NULL; w++)
    g_ptr_array_add (args, g_str_equal (words[w], "FILE") ? (char *) path : words[w]);
  run_cli_guarded ("disp", stdin_path, status, out, err, args);
}

/* Every command that reads a text file refuses a device, a FIFO, a file
 * too large, a symbolic-link loop, a link to a device and a folder: exit
 * 1, one line naming the file and what is wrong with it, at once, and the
 * helpdesk file stays as it was. */
static void
test_input_files_refused (void)
{
  static const char * const commands[] = {
    "ticket new --title T --description-file FILE",
    "ticket update 1 --description-file FILE",
    "ticket comment 1 --body-file FILE",
    "ticket escalate 1 --note-file FILE",
    "kb add --title T --file FILE",
    "kb update 1 --file FILE",
  };
  g_autofree char *db = new_helpdesk ();
  g_autofree char *dir = new_dir ("inputs");
  g_autofree char *fifo = g_build_filename (dir, "fifo.txt", NULL);
  g_autofree char *big = g_build_filename (dir, "big.txt", NULL);
  g_autofree char *loop = g_build_filename (dir, "loop.txt", NULL);
  g_autofree char *loop2 = g_build_filename (dir, "loop2.txt", NULL);
  g_autofree char *zero = g_build_filename (dir, "zero.txt", NULL);
  g_autofree char *big_text = g_malloc (10 * 1024 * 1024);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GBytes) before = NULL;
  int status = -1;
  struct {
    const char *path;
    const char *says;
  } cases[] = {
    { "/dev/zero", "is a device" },
    { fifo, "is a pipe (FIFO)" },
    { big, "is too long: 128 KiB at most" },
    { loop, "Too many levels of symbolic links" },
    { zero, "is a device" },
    { dir, "is a folder" },
  };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  memset (big_text, 'x', 10 * 1024 * 1024);
  write_file (big, big_text, 10 * 1024 * 1024);
  g_assert_cmpint (symlink (loop2, loop), ==, 0);
  g_assert_cmpint (symlink (loop, loop2), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  new_ticket (db, "req1", "First");
  run_cli ("disp", "Text", &status, &out, &err, "--db", db, "kb", "add", "--title", "A",
           "--file", "-", NULL);
  assert_status (status, 0, err);
  before = hd_test_read_bytes (db);

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_test_message ("%s with %s", commands[c], cases[i].path);
        run_reading (db, commands[c], cases[i].path, "/dev/null", &status, &out, &err);
        g_assert_cmpint (status, ==, 1);
        assert_one_line_error (out, err, cases[i].says);
        g_assert_nonnull (strstr (err, cases[i].path));
        g_assert_nonnull (strstr (err, "Nothing was changed."));
      }

  /* Standard input stays allowed, with the same bound. */
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      run_reading (db, commands[c], "-", "/dev/zero", &status, &out, &err);
      g_assert_cmpint (status, ==, 1);
      assert_one_line_error (out, err, "from standard input is too long: 128 KiB at most");
    }

  assert_unchanged (db, before);
  g_assert_cmpuint (count_tickets (db), ==, 1);
}

/* Imports @dir as disp, guarded. */
static void
run_import (const char  *db,
            const char  *dir,
            int         *status,
            char       **out,
            char       **err)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (char *) "--db");
  g_ptr_array_add (args, (char *) db);
  g_ptr_array_add (args, (char *) "kb");
  g_ptr_array_add (args, (char *) "import");
  g_ptr_array_add (args, (char *) dir);
  run_cli_guarded ("disp", "/dev/null", status, out, err, args);
}

/* kb import never reads a device or a FIFO, nor more than an article may
 * hold, and follows no link below the folder: each such file is "not
 * imported", the import goes on, exits 1, and here, where nothing else is
 * there, the file stays as it was. */
static void
test_kb_import_refuses (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *big_text = g_malloc (10 * 1024 * 1024);
  g_autoptr(GBytes) before = hd_test_read_bytes (db);
  int status = -1;
  struct {
    const char *name;
    const char *says;
  } cases[] = {
    { "zero.md", "zero.md: not imported: it is a symbolic link, which import does not follow" },
    { "fifo.md", "fifo.md: not imported: “fifo.md” is a pipe (FIFO)" },
    { "big.md", "big.md: not imported: The article in “big.md” is too long: 128 KiB at most." },
    { "loop.md", "loop.md: not imported: it is a symbolic link" },
    { "up", "Sub/up: not imported: it is a symbolic link" },
  };

  memset (big_text, 'x', 10 * 1024 * 1024);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = new_dir ("import");
      g_autofree char *path = g_build_filename (dir, cases[i].name, NULL);
      g_autofree char *sub = g_build_filename (dir, "Sub", NULL);
      g_autofree char *up = g_build_filename (sub, "up", NULL);

      if (g_str_equal (cases[i].name, "zero.md"))
        g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
      else if (g_str_equal (cases[i].name, "fifo.md"))
        g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      else if (g_str_equal (cases[i].name, "big.md"))
        write_file (path, big_text, 10 * 1024 * 1024);
      else if (g_str_equal (cases[i].name, "loop.md"))
        g_assert_cmpint (symlink ("loop.md", path), ==, 0);
      else
        {
          /* A folder that leads back up into itself, for ever. */
          g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
          g_assert_cmpint (symlink ("..", up), ==, 0);
        }

      g_test_message ("%s", cases[i].name);
      run_import (db, dir, &status, &out, &err);
      g_assert_cmpint (status, ==, 1);
      g_assert_true (g_str_has_prefix (err, cases[i].says));
      g_assert_cmpuint (count_lines (err), ==, 1);
      g_assert_nonnull (strstr (out, "Imported 0 articles; 1 file failed."));
      assert_unchanged (db, before);
    }
}

/* One file reached twice, through links of either kind, is imported once. */
static void
test_kb_import_once (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *dir = new_dir ("import");
  /* Lower case: imported in name order, jam.md comes before sub/. */
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *jam = g_build_filename (dir, "jam.md", NULL);
  g_autofree char *hard = g_build_filename (sub, "hard.md", NULL);
  g_autofree char *soft = g_build_filename (sub, "soft.md", NULL);
  g_autofree char *again = g_build_filename (dir, "again", NULL);
  g_autofree char *out = NULL, *err = NULL, *listed = NULL;
  g_autoptr(JsonNode) list_json = NULL;
  int status = -1;

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  write_file (jam, "# Printer jams\n\nOpen tray 2.\n", -1);
  g_assert_cmpint (link (jam, hard), ==, 0);
  g_assert_cmpint (symlink ("../jam.md", soft), ==, 0);
  g_assert_cmpint (symlink (".", again), ==, 0);

  run_import (db, dir, &status, &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "jam.md: article 1\n"));
  g_assert_nonnull (strstr (out, "Imported 1 article; 2 files failed."));
  g_assert_nonnull (strstr (err, "again: not imported: it is a symbolic link"));
  g_assert_nonnull (strstr (err, "sub/hard.md: skipped: it is the same file as jam.md"));
  g_assert_nonnull (strstr (err, "sub/soft.md: not imported: it is a symbolic link"));
  g_assert_cmpuint (count_lines (err), ==, 3);

  listed = cli_ok ("disp", "--db", db, "kb", "list", "--json", NULL);
  list_json = parse_json (listed);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list_json)), ==, 1);

  /* The folder named may itself be a link: it was chosen. */
  run_import (db, again, &status, &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "jam.md: article 2\n"));
}

/* Knowledge base */

static void
test_kb_round_trip (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *src = new_dir ("kb-src");
  g_autofree char *dest = new_dir ("kb-dest");
  g_autofree char *sub = g_build_filename (src, "Hardware", "Printers", NULL);
  g_autofree char *jam = g_build_filename (sub, "jam.md", NULL);
  g_autofree char *vpn = g_build_filename (src, "vpn.md", NULL);
  g_autofree char *bad = g_build_filename (src, "latin1.md", NULL);
  g_autofree char *note = g_build_filename (src, "notes.txt", NULL);
  g_autofree char *one = g_build_filename (src, "one.md", NULL);
  g_autofree char *out = NULL, *err = NULL, *ticket = NULL, *shown = NULL, *listed = NULL;
  g_autofree char *found = NULL, *exported_jam = NULL, *again_out = NULL;
  g_autoptr(JsonNode) show_json = NULL;
  g_autoptr(JsonNode) list_json = NULL;
  g_autoptr(JsonNode) search_json = NULL;
  g_autofree char *db2 = NULL;
  JsonObject *hit;
  int status = -1;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  write_file (jam, "# Printer jams\n\nOpen **tray 2** and pull the paper.\n", -1);
  write_file (vpn, "Start the VPN client.\n", -1);
  write_file (bad, "# Caf\xe9\n\nNot UTF-8.\n", -1);
  write_file (note, "not markdown", -1);
  write_file (one, "Just text.\n", -1);

  /* Import: one file fails, the others are in; exit 1. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "kb", "import", src, NULL);
  assert_status (status, 1, err);
  g_assert_nonnull (strstr (err, "latin1.md"));
  g_assert_nonnull (strstr (err, "UTF-8"));
  g_assert_cmpuint (count_lines (err), ==, 1);
  g_assert_nonnull (strstr (out, "Imported 3 articles; 1 file failed."));

  listed = cli_ok ("tech1", "--db", db, "kb", "list", "--json", NULL);
  list_json = parse_json (listed);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list_json)), ==, 3);
  g_free (listed);
  listed = cli_ok ("tech1", "--db", db, "kb", "list", "--category", "hardware", NULL);
  g_assert_nonnull (strstr (listed, "Printer jams"));
  g_assert_null (strstr (listed, "vpn"));

  /* add, show, search, link */
  ticket = cli_ok ("req1", "--db", db, "ticket", "new", "--title", "Printer on floor 2 jams", NULL);
  g_free (out);
  out = cli_ok ("tech1", "--db", db, "kb", "add", "--title", "Toner", "--file", jam, "--faq",
                "--tags", "printer, toner", "--category", "Hardware/Supplies", NULL);
  g_assert_cmpstr (out, ==, "4\n");
  g_free (cli_ok ("tech1", "--db", db, "kb", "link", "1", "1", NULL));
  shown = cli_ok ("tech1", "--db", db, "kb", "show", "1", "--json", NULL);
  show_json = parse_json (shown);
  g_assert_cmpstr (member_str (json_node_get_object (show_json), "title"), ==, "Printer jams");
  g_assert_cmpstr (member_str (json_node_get_object (show_json), "body"), ==,
                   "Open **tray 2** and pull the paper.\n");
  g_assert_cmpstr (member_str (json_node_get_object (show_json), "category"), ==,
                   "Hardware/Printers");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (show_json),
                                                                         "tickets")), ==, 1);

  found = cli_ok ("tech1", "--db", db, "kb", "search", "rinte", "--json", NULL);
  search_json = parse_json (found);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (search_json)), ==, 2);
  hit = json_array_get_object_element (json_node_get_array (search_json), 0);
  g_assert_cmpstr (member_str (hit, "highlighted_title"), ==, "P[[rinte]]r jams");
  g_free (found);
  found = cli_ok ("tech1", "--db", db, "kb", "search", "\"NEAR( -* AND", NULL);
  g_assert_cmpstr (found, ==, "");

  /* Requesters: FAQ only; an internal article is not found. */
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "kb", "show", "1", NULL);
  assert_status (status, 2, err);
  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "kb", "add", "--title", "x", "--file",
           jam, NULL);
  assert_status (status, 4, err);

  /* Stale version */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "kb", "update", "1", "--title", "New",
           "--if-version", "7", NULL);
  assert_status (status, 3, err);

  /* Export refuses a folder that is not empty; writes category folders. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "kb", "export", src, NULL);
  assert_status (status, 1, err);
  g_free (cli_ok ("tech1", "--db", db, "kb", "export", dest, NULL));
  {
    g_autofree char *path = g_build_filename (dest, "Hardware", "Printers", "Printer jams.md", NULL);
    gsize len;

    g_assert_true (g_file_get_contents (path, &exported_jam, &len, NULL));
    g_assert_cmpstr (exported_jam, ==,
                     "---\nvisibility: internal\n---\n"
                     "# Printer jams\n\nOpen **tray 2** and pull the paper.\n");
  }

  /* And back into another helpdesk. */
  db2 = new_helpdesk ();
  again_out = cli_ok ("tech1", "--db", db2, "kb", "import", dest, NULL);
  g_assert_nonnull (strstr (again_out, "Imported 4 articles; 0 files failed."));

  /* What Markdown cannot say came along in the front matter. */
  {
    g_autofree char *again = cli_ok ("tech1", "--db", db2, "kb", "list", "--json", NULL);
    g_autoptr(JsonNode) again_json = parse_json (again);
    JsonArray *articles = json_node_get_array (again_json);
    gboolean seen_toner = FALSE;

    for (guint i = 0; i < json_array_get_length (articles); i++)
      {
        JsonObject *a = json_array_get_object_element (articles, i);
        JsonArray *tags = json_object_get_array_member (a, "tags");

        if (g_strcmp0 (member_str (a, "title"), "Toner") != 0)
          {
            g_assert_cmpstr (member_str (a, "visibility"), ==, "internal");
            continue;
          }
        seen_toner = TRUE;
        g_assert_cmpstr (member_str (a, "visibility"), ==, "faq");
        g_assert_cmpstr (member_str (a, "category"), ==, "Hardware/Supplies");
        g_assert_cmpuint (json_array_get_length (tags), ==, 2);
        g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "printer");
        g_assert_cmpstr (json_array_get_string_element (tags, 1), ==, "toner");
      }
    g_assert_true (seen_toner);
  }

  /* A visibility it does not know is refused, with the file named. */
  {
    g_autofree char *odd_dir = g_build_filename (hd_test_dir (), "odd", NULL);
    g_autofree char *odd = g_build_filename (odd_dir, "odd.md", NULL);

    g_assert_cmpint (g_mkdir_with_parents (odd_dir, 0755), ==, 0);
    write_file (odd, "---\nvisibility: public\n---\n# Odd\n", -1);
    run_cli ("tech1", NULL, &status, &out, &err, "--db", db2, "kb", "import", odd_dir, NULL);
    assert_status (status, 1, err);
    g_assert_nonnull (strstr (err, "odd.md"));
    g_assert_nonnull (strstr (err, "public"));
  }
  (void) ticket;
}

static char *
kb_categories (const char *db)
{
  return cli_ok ("tech1", "--db", db, "kb", "categories", NULL);
}

/* Whether "kb list --category PATH" lists @title. */
static gboolean
kb_lists (const char *db,
          const char *path,
          const char *title)
{
  g_autofree char *out = cli_ok ("tech1", "--db", db, "kb", "list", "--category", path, NULL);

  return strstr (out, title) != NULL;
}

/* Refused: exit @expected, one line naming the problem, the file as it was. */
static void
assert_category_refused (const char *db,
                         int         expected,
                         const char *needle,
                         const char *login,
                         const char *action,
                         const char *path,
                         const char *arg)
{
  g_autoptr(GBytes) before = hd_test_read_bytes (db);
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;

  g_test_message ("kb category %s %s %s", action, path, arg != NULL ? arg : "");
  run_cli (login, NULL, &status, &out, &err, "--db", db, "kb", "category", action, path, arg,
           NULL);
  assert_status (status, expected, err);
  assert_one_line_error (out, err, needle);
  assert_unchanged (db, before);
}

static void
test_kb_category (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *jam = g_build_filename (hd_test_dir (), "jam.md", NULL);
  g_autofree char *out = NULL, *err = NULL, *listed = NULL, *shown = NULL;
  g_autoptr(JsonNode) show_json = NULL;
  int status = -1;

  write_file (jam, "# Printer jams\n\nOpen tray 2.\n", -1);

  /* add makes the levels that are missing, then one level at a time. */
  out = cli_ok ("tech1", "--db", db, "kb", "category", "add", "Hardware/Printers", NULL);
  g_assert_cmpstr (out, ==, "Added the category “Hardware/Printers”.\n");
  g_free (out);
  out = cli_ok ("tech1", "--db", db, "kb", "category", "add", " Network ", NULL);
  g_assert_cmpstr (out, ==, "Added the category “Network”.\n");
  g_free (out);
  out = cli_ok ("disp", "--db", db, "kb", "category", "add", "hardware/Screens", NULL);
  g_assert_cmpstr (out, ==, "Added the category “Hardware/Screens”.\n");
  listed = kb_categories (db);
  g_assert_cmpstr (listed, ==,
                   "Hardware (0)\nHardware/Printers (0)\nHardware/Screens (0)\nNetwork (0)\n");
  g_free (cli_ok ("tech1", "--db", db, "kb", "add", "--title", "Printer jams", "--file", jam,
                  "--category", "Hardware/Printers", NULL));

  /* rename: the article follows. */
  g_free (out);
  out = cli_ok ("tech1", "--db", db, "kb", "category", "rename", "hardware/printers", "Printing",
                NULL);
  g_assert_cmpstr (out, ==, "The category “Hardware/Printers” is now “Hardware/Printing”.\n");
  g_free (listed);
  listed = kb_categories (db);
  g_assert_cmpstr (listed, ==,
                   "Hardware (0)\nHardware/Printing (1)\nHardware/Screens (0)\nNetwork (0)\n");
  g_assert_true (kb_lists (db, "Hardware/Printing", "Printer jams"));

  /* move, below another category, then to the top in both ways. */
  g_free (out);
  out = cli_ok ("tech1", "--db", db, "kb", "category", "move", "Hardware/Printing", "Network",
                NULL);
  g_assert_cmpstr (out, ==, "The category “Hardware/Printing” is now “Network/Printing”.\n");
  g_free (listed);
  listed = kb_categories (db);
  g_assert_cmpstr (listed, ==,
                   "Hardware (0)\nHardware/Screens (0)\nNetwork (0)\nNetwork/Printing (1)\n");
  g_assert_true (kb_lists (db, "Network", "Printer jams"));
  g_assert_false (kb_lists (db, "Hardware", "Printer jams"));
  shown = cli_ok ("tech1", "--db", db, "kb", "show", "1", "--json", NULL);
  show_json = parse_json (shown);
  g_assert_cmpstr (member_str (json_node_get_object (show_json), "category"), ==,
                   "Network/Printing");

  g_free (out);
  out = cli_ok ("tech1", "--db", db, "kb", "category", "move", "Network/Printing", "", NULL);
  g_assert_cmpstr (out, ==, "The category “Network/Printing” is now “Printing”.\n");
  g_free (cli_ok ("tech1", "--db", db, "kb", "category", "move", "Printing", "Hardware", NULL));
  g_free (out);
  out = cli_ok ("tech1", "--db", db, "kb", "category", "move", "--top", "Hardware/Printing", NULL);
  g_assert_cmpstr (out, ==, "The category “Hardware/Printing” is now “Printing”.\n");
  g_free (listed);
  listed = kb_categories (db);
  g_assert_cmpstr (listed, ==,
                   "Hardware (0)\nHardware/Screens (0)\nNetwork (0)\nPrinting (1)\n");

  /* delete: an empty category only. */
  g_free (out);
  out = cli_ok ("tech1", "--db", db, "kb", "category", "delete", "Hardware/Screens", NULL);
  g_assert_cmpstr (out, ==, "Deleted the category “Hardware/Screens”.\n");
  g_free (cli_ok ("tech1", "--db", db, "kb", "category", "delete", "Hardware", NULL));
  g_free (listed);
  listed = kb_categories (db);
  g_assert_cmpstr (listed, ==, "Network (0)\nPrinting (1)\n");

  /* Refusals: one line, the exit code of its kind, nothing changed. */
  g_free (cli_ok ("tech1", "--db", db, "kb", "category", "add", "Network/VPN", NULL));
  g_free (cli_ok ("tech1", "--db", db, "kb", "category", "add", "Network/Printing", NULL));
  assert_category_refused (db, 2, "There is no knowledge-base category “Nowhere”", "tech1",
                           "rename", "Nowhere", "Somewhere");
  assert_category_refused (db, 2, "“Nowhere”", "tech1", "delete", "Nowhere", NULL);
  assert_category_refused (db, 2, "“Nowhere”", "tech1", "move", "Printing", "Nowhere");
  assert_category_refused (db, 1, "still holds articles or subcategories", "tech1", "delete",
                           "Printing", NULL);
  assert_category_refused (db, 1, "still holds articles or subcategories", "tech1", "delete",
                           "Network", NULL);
  assert_category_refused (db, 1, "There is a category “Network” there already", "tech1", "add",
                           "Network", NULL);
  assert_category_refused (db, 1, "There is a category “network” there already", "tech1",
                           "rename", "Printing", "network");
  assert_category_refused (db, 1, "There is a category “Printing” there already", "tech1",
                           "move", "Printing", "Network");
  assert_category_refused (db, 1, "cannot contain “/”", "tech1", "rename", "Printing", "A/B");
  assert_category_refused (db, 1, "cannot move into itself", "tech1", "move", "Network",
                           "Network/VPN");
  assert_category_refused (db, 1, "cannot move into itself", "tech1", "move", "Network",
                           "Network");
  assert_category_refused (db, 1, "nested too deeply", "tech1", "add", "A/B/C/D/E/F/G/H/I", NULL);
  assert_category_refused (db, 1, "Say add, rename, move or delete", "tech1", "remove",
                           "Printing", NULL);
  assert_category_refused (db, 4, NULL, "req1", "add", "Software", NULL);
  assert_category_refused (db, 4, NULL, "req1", "delete", "Network/VPN", NULL);

  /* Usage: the words each action needs. */
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "kb", "category", "rename",
           "Printing", NULL);
  assert_status (status, 1, err);
  assert_one_line_error (out, err, "Missing arguments");
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "kb", "category", "move", "--top",
           "Printing", "Network", NULL);
  assert_status (status, 1, err);
  assert_one_line_error (out, err, "Too many arguments");
  /* Options anywhere; --db's FILE is not the action. */
  g_free (cli_ok ("tech1", "kb", "category", "--db", db, "rename", "Network/Printing", "Print",
                  NULL));
  g_free (cli_ok ("tech1", "kb", "category", "--top", "--db", db, "move", "Network/Print", NULL));
  g_free (cli_ok ("tech1", "kb", "category", "--db", db, "delete", "Print", NULL));
  run_cli ("tech1", NULL, &status, &out, &err, "--db", db, "kb", "category", "delete", "--top",
           "Printing", NULL);
  assert_status (status, 1, err);
  assert_one_line_error (out, err, "--top");

  g_free (listed);
  listed = kb_categories (db);
  g_assert_cmpstr (listed, ==, "Network (0)\nNetwork/VPN (0)\nPrinting (1)\n");
}

static JsonArray *
attachments_json (const char *db,
                  const char *login)
{
  g_autofree char *out = cli_ok (login, "--db", db, "ticket", "attachments", "1", "--json", NULL);
  g_autoptr(JsonNode) node = parse_json (out);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

/* A file attached, listed and saved comes back byte for byte; the
 * requester sees no note's file; saving never overwrites unless told. */
static void
test_ticket_attachments (void)
{
  g_autofree char *db = new_helpdesk ();
  g_autofree char *dir = new_dir ("attach");
  g_autofree char *src = g_build_filename (dir, "dump.bin", NULL);
  g_autofree char *secret = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *dest = g_build_filename (dir, "out", NULL);
  g_autofree char *saved = g_build_filename (dest, "dump.bin", NULL);
  g_autofree char *out = NULL, *err = NULL, *back = NULL;
  g_autofree guint8 *data = g_malloc (300 * 1024);
  g_autoptr(JsonArray) staff = NULL, requester = NULL;
  gsize length = 0;
  int status = -1;

  for (gsize i = 0; i < 300 * 1024; i++)
    data[i] = (guint8) (i * 31 + i / 997);
  write_file (src, (const char *) data, 300 * 1024);
  write_file (secret, "internal", -1);
  g_assert_cmpint (g_mkdir (dest, 0700), ==, 0);
  new_ticket (db, "req1", "Crash");

  g_free (cli_ok ("tech1", "--db", db, "ticket", "attach", "1", src, "--body", "The dump", NULL));
  g_free (cli_ok ("tech1", "--db", db, "ticket", "attach", "1", secret, "--internal", NULL));

  staff = attachments_json (db, "tech1");
  g_assert_cmpuint (json_array_get_length (staff), ==, 2);
  requester = attachments_json (db, "req1");
  g_assert_cmpuint (json_array_get_length (requester), ==, 1);
  g_assert_cmpstr (member_str (json_array_get_object_element (requester, 0), "name"), ==,
                   "dump.bin");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (requester, 0),
                                               "size"), ==, 300 * 1024);

  g_free (cli_ok ("req1", "--db", db, "attachment", "save", "1", dest, NULL));
  g_assert_true (g_file_get_contents (saved, &back, &length, NULL));
  g_assert_cmpmem (back, length, data, 300 * 1024);

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "attachment", "save", "1", dest, NULL);
  assert_status (status, 1, err);
  assert_one_line_error (out, err, "exists already");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_free (cli_ok ("req1", "--db", db, "attachment", "save", "1", saved, "--force", NULL));

  run_cli ("req1", NULL, &status, &out, &err, "--db", db, "attachment", "save", "2", dest, NULL);
  assert_status (status, 2, err);
  assert_one_line_error (out, err, "no attachment 2");
}

int
main (int   argc,
      char *argv[])
{
  const char *env = g_getenv ("HELPDESK_CLI");
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (env != NULL && env[0] != '\0')
    cli_path = g_strdup (env);
  else
    cli_path = g_test_build_filename (G_TEST_BUILT, "..", "src", "cli", "helpdesk-cli", NULL);

  g_test_add_func ("/cli/help/tool", test_help_tool);
  g_test_add_func ("/cli/help/commands", test_help_commands);
  g_test_add_func ("/cli/help/names-command", test_help_names_command);
  g_test_add_func ("/cli/help/groups", test_help_groups);
  g_test_add_func ("/cli/help/every-command", test_help_every_command);
  g_test_add_func ("/cli/usage/one-line", test_usage_one_line);
  g_test_add_func ("/cli/usage/unknown-command", test_usage_unknown_command);
  g_test_add_func ("/cli/usage/unknown-option", test_usage_unknown_option);
  g_test_add_func ("/cli/usage/missing-argument", test_usage_missing_argument);
  g_test_add_func ("/cli/usage/bad-number", test_usage_bad_number);
  g_test_add_func ("/cli/usage/strict-numbers", test_usage_strict_numbers);
  g_test_add_func ("/cli/input/refused", test_input_files_refused);
  g_test_add_func ("/cli/input/kb-import-refuses", test_kb_import_refuses);
  g_test_add_func ("/cli/input/kb-import-once", test_kb_import_once);
  g_test_add_func ("/cli/usage/bad-enum", test_usage_bad_enum);
  g_test_add_func ("/cli/init/creates", test_init_creates);
  g_test_add_func ("/cli/init/existing", test_init_existing);
  g_test_add_func ("/cli/init/default-path", test_default_path);
  g_test_add_func ("/cli/person/add-list", test_person_add_list);
  g_test_add_func ("/cli/person/update", test_person_update);
  g_test_add_func ("/cli/person/merge", test_person_merge);
  g_test_add_func ("/cli/person/denied", test_person_denied);
  g_test_add_func ("/cli/ticket/new/number", test_ticket_new_number);
  g_test_add_func ("/cli/ticket/new/description-file", test_ticket_new_description_file);
  g_test_add_func ("/cli/ticket/new/nul", test_ticket_new_nul);
  g_test_add_func ("/cli/ticket/new/bad-utf8", test_ticket_new_bad_utf8);
  g_test_add_func ("/cli/ticket/new/title-length", test_ticket_new_title_length);
  g_test_add_func ("/cli/ticket/new/markup", test_ticket_new_markup);
  g_test_add_func ("/cli/ticket/list/filters", test_ticket_list_filters);
  g_test_add_func ("/cli/ticket/list/json", test_ticket_list_json);
  g_test_add_func ("/cli/ticket/list/csv", test_ticket_list_csv);
  g_test_add_func ("/cli/ticket/list/text", test_ticket_list_text);
  g_test_add_func ("/cli/ticket/list/pages", test_ticket_list_pages);
  g_test_add_func ("/cli/ticket/json-text", test_ticket_json_text);
  g_test_add_func ("/cli/ticket/list/terminal", test_ticket_list_terminal);
  g_test_add_func ("/cli/ticket/list/reader-pauses", test_ticket_list_reader_pauses);
  g_test_add_func ("/cli/ticket/show/history", test_ticket_show_history);
  g_test_add_func ("/cli/ticket/show/requester", test_ticket_show_requester);
  g_test_add_func ("/cli/ticket/show/missing", test_ticket_show_missing);
  g_test_add_func ("/cli/ticket/someone-elses", test_ticket_someone_elses);
  g_test_add_func ("/cli/ticket/update/if-version", test_ticket_update_if_version);
  g_test_add_func ("/cli/ticket/update/rules", test_ticket_update_rules);
  g_test_add_func ("/cli/ticket/assign/rules", test_ticket_assign);
  g_test_add_func ("/cli/ticket/status/workflow", test_ticket_status);
  g_test_add_func ("/cli/ticket/comment/kinds", test_ticket_comment);
  g_test_add_func ("/cli/ticket/attachments", test_ticket_attachments);
  g_test_add_func ("/cli/ticket/escalate/tiers", test_ticket_escalate);
  g_test_add_func ("/cli/ticket/list/due", test_ticket_list_due);
  g_test_add_func ("/cli/sla/calendar", test_sla_calendar);
  g_test_add_func ("/cli/sla/show", test_sla_show);
  g_test_add_func ("/cli/sla/policy", test_sla_policy);
  g_test_add_func ("/cli/alerts", test_alerts);
  g_test_add_func ("/cli/check/sound", test_check_sound);
  g_test_add_func ("/cli/check/problems", test_check_problems);
  g_test_add_func ("/cli/check/text-file", test_check_text_file);
  g_test_add_func ("/cli/check/foreign-sqlite", test_check_foreign_sqlite);
  g_test_add_func ("/cli/check/newer", test_check_newer);
  g_test_add_func ("/cli/check/missing", test_check_missing);
  g_test_add_func ("/cli/check/damaged", test_check_damaged);
  g_test_add_func ("/cli/check/search-indexes", test_check_search_indexes);
  g_test_add_func ("/cli/reindex/beyond-repair", test_reindex_beyond_repair);
  g_test_add_func ("/cli/backup/file", test_backup_file);
  g_test_add_func ("/cli/backup/dir", test_backup_dir);
  g_test_add_func ("/cli/backup/missing-dir", test_backup_missing_dir);
  g_test_add_func ("/cli/file/locking", test_locking);
  g_test_add_func ("/cli/file/restore", test_restore);
  g_test_add_func ("/cli/file/restore-damaged", test_restore_damaged);
  g_test_add_func ("/cli/file/restore-damaged-header", test_restore_damaged_header);
  g_test_add_func ("/cli/file/restore-damaged-refusals", test_restore_damaged_refusals);
  g_test_add_func ("/cli/file/read-only", test_read_only);
  g_test_add_func ("/cli/file/busy", test_busy);
  g_test_add_func ("/cli/kb/round-trip", test_kb_round_trip);
  g_test_add_func ("/cli/kb/category", test_kb_category);

  status = g_test_run ();
  remove_damage_template ();
  return status;
}
