/* hd-test-mail.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libsecret/secret.h>

#include "hd-test-mail.h"

struct _HdTestImap
{
  char        *dir;
  char        *ca_file;
  char        *key_file;
  guint        imaps_port;
  guint        imap_port;
  GSubprocess *dovecot;
  CURL        *admin;
  GStrv        tokens;      /* with XOAUTH2: the tokens it takes */
  GSubprocess *introspect;  /* and the server that says so */
  guint        introspect_port;
};

struct _HdTestSmtp
{
  char           *dir;
  guint           port;
  HdMailSecurity  security;
  GSubprocess    *sink;
};

/* Whom Dovecot runs as. It never runs mail processes as root, nor its
 * login processes: as root it uses the users its Debian package made. */
typedef struct {
  const char *internal;
  const char *login;
  uid_t       mail_uid;
  gid_t       mail_gid;
} Users;

/* A server outlives no test, not even one that aborts. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn (GSubprocessFlags     flags,
       const char * const  *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static gboolean
skip (const char *reason)
{
  g_test_skip (reason);
  g_test_message ("mail servers: %s", reason);
  return FALSE;
}

static gboolean
find_users (Users *users)
{
  static char name[256];
  struct passwd *pw;

  if (geteuid () != 0)
    {
      pw = getpwuid (geteuid ());
      if (pw == NULL)
        return skip ("the user running the tests has no name");
      g_strlcpy (name, pw->pw_name, sizeof name);
      *users = (Users) { name, name, pw->pw_uid, pw->pw_gid };
      return TRUE;
    }
  pw = getpwnam ("dovecot");
  if (pw == NULL || getpwnam ("dovenull") == NULL)
    return skip ("running as root, Dovecot needs its users dovecot and dovenull "
                 "(apt install dovecot-imapd makes them)");
  *users = (Users) { "dovecot", "dovenull", pw->pw_uid, pw->pw_gid };
  return TRUE;
}

static char *
find_program (const char *name,
              const char *fallback)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL && fallback != NULL && g_file_test (fallback, G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup (fallback);
  return path;
}

/* A folder every server process may enter: Dovecot's own users, too. */
static char *
server_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("hd-test-mail-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_cmpint (chmod (dir, 0755), ==, 0);
  return dir;
}

static gboolean
make_certificate (const char *dir,
                  char      **cert,
                  char      **key)
{
  g_autofree char *openssl = find_program ("openssl", NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (openssl == NULL)
    return skip ("openssl is not installed (apt install openssl)");
  *cert = g_build_filename (dir, "cert.pem", NULL);
  *key = g_build_filename (dir, "key.pem", NULL);
  {
    const char *argv[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-keyout", *key, "-out", *cert, "-days", "2", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost", NULL
    };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (chmod (*key, 0644), ==, 0);
  return TRUE;
}

/**
 * hd_test_mail_closed_port:
 *
 * Returns: a port on 127.0.0.1 that was free a moment ago
 */
guint
hd_test_mail_closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/**
 * hd_test_mail_silent_port:
 *
 * Returns: (transfer full): a listening socket that accepts nobody: the
 *   kernel completes connections to it, and nothing ever answers
 */
GSocket *
hd_test_mail_silent_port (guint *port)
{
  GSocket *socket;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  g_assert_true (g_socket_listen (socket, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

/* A plain socket: GSocketClient would read the desktop's proxy settings. */
static gboolean
port_answers (guint port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  return g_socket_connect (socket, address, NULL, NULL);
}

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chmod (path, 0644), ==, 0);
}

/* Dovecot's passdb for XOAUTH2: it asks the introspection server
 * whether a token is good. */
static char *
oauth_passdb (HdTestImap *self)
{
  g_autofree char *conf = NULL;
  g_autofree char *text = NULL;

  if (self->tokens == NULL)
    return g_strdup ("");
  conf = g_build_filename (self->dir, "oauth2.conf", NULL);
  text = g_strdup_printf ("introspection_url = http://127.0.0.1:%u/\n"
                          "introspection_mode = auth\n"
                          "username_attribute = email\n"
                          "active_attribute = active\n"
                          "active_value = true\n", self->introspect_port);
  write_file (conf, text);
  return g_strdup_printf ("auth_failure_delay = 0\n"
                          "passdb {\n  driver = oauth2\n  mechanisms = xoauth2\n  args = %s\n}\n",
                          conf);
}

static void
write_dovecot_conf (HdTestImap  *self,
                    const Users *users,
                    const char  *conf)
{
  g_autofree char *text = NULL;
  g_autofree char *oauth = oauth_passdb (self);

  text = g_strdup_printf (
    "base_dir = %1$s/run\n"
    "state_dir = %1$s/state\n"
    "log_path = %1$s/dovecot.log\n"
    "protocols = imap\n"
    "listen = 127.0.0.1\n"
    "ssl = yes\n"
    "ssl_cert = <%2$s\n"
    "ssl_key = <%3$s\n"
    "disable_plaintext_auth = no\n"
    "%10$s"
    "auth_mechanisms = plain login%11$s\n"
    "default_internal_user = %4$s\n"
    "default_internal_group = %4$s\n"
    "default_login_user = %5$s\n"
    "first_valid_uid = 1\n"
    "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%%u %1$s/passwd\n}\n"
    "userdb {\n  driver = static\n  args = uid=%6$u gid=%7$u home=%1$s/mail/%%n\n}\n"
    "mail_location = maildir:~/Maildir\n"
    "service imap-login {\n  chroot =\n"
    "  inet_listener imap {\n    port = %8$u\n  }\n"
    "  inet_listener imaps {\n    port = %9$u\n    ssl = yes\n  }\n}\n"
    "service anvil {\n  chroot =\n}\n"
    "service stats {\n  chroot =\n}\n",
    self->dir, self->ca_file, self->key_file, users->internal, users->login,
    (guint) users->mail_uid, (guint) users->mail_gid, self->imap_port, self->imaps_port, oauth,
    self->tokens != NULL ? " xoauth2" : "");
  write_file (conf, text);
}

static void
prepare_mail_dir (HdTestImap  *self,
                  const Users *users)
{
  g_autofree char *mail = g_build_filename (self->dir, "mail", NULL);
  g_autofree char *passwd = g_build_filename (self->dir, "passwd", NULL);
  g_autofree char *line = NULL;

  g_assert_cmpint (g_mkdir_with_parents (mail, 0755), ==, 0);
  g_assert_cmpint (chown (mail, users->mail_uid, users->mail_gid), ==, 0);
  line = g_strdup_printf ("%s:{PLAIN}%s::::\n", HD_TEST_MAIL_USER, HD_TEST_MAIL_PASSWORD);
  write_file (passwd, line);
}

static void
print_log (HdTestImap *self)
{
  g_autofree char *path = g_build_filename (self->dir, "dovecot.log", NULL);
  g_autofree char *log = NULL;

  if (g_file_get_contents (path, &log, NULL, NULL))
    g_test_message ("dovecot.log:\n%s", log);
}

/* Dovecot up and answering, or FALSE when it stopped (a port taken in
 * between: the caller tries other ports). */
static gboolean
run_dovecot (HdTestImap *self,
             const char *dovecot,
             const char *conf)
{
  const char *argv[] = { dovecot, "-F", "-c", conf, NULL };

  self->dovecot = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, argv);
  /* It takes a moment to start; give it up to half a minute on a busy
   * machine. */
  for (guint i = 0; i < 3000; i++)
    {
      if (g_subprocess_get_identifier (self->dovecot) == NULL)
        break;
      if (port_answers (self->imaps_port) && port_answers (self->imap_port))
        return TRUE;
      g_usleep (10 * 1000);
    }
  print_log (self);
  g_subprocess_force_exit (self->dovecot);
  g_subprocess_wait (self->dovecot, NULL, NULL);
  g_clear_object (&self->dovecot);
  return FALSE;
}

static char *find_python (void);
static char *find_python_with (const char *module);
static guint read_port (GSubprocess *process);

/* The introspection server Dovecot asks about tokens. */
static gboolean
start_introspection (HdTestImap *self)
{
  g_autofree char *python = find_python ();
  g_autofree char *script = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;

  if (python == NULL)
    return skip ("python3 with aiosmtpd is not installed (apt install python3-aiosmtpd)");
  script = g_test_build_filename (G_TEST_DIST, "mail-servers", "hd-oauth-server.py", NULL);
  g_strv_builder_add_many (argv, python, script, self->dir, "--user", HD_TEST_MAIL_USER, NULL);
  for (guint i = 0; self->tokens[i] != NULL; i++)
    g_strv_builder_add_many (argv, "--token", self->tokens[i], NULL);
  args = g_strv_builder_end (argv);
  self->introspect = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, (const char * const *) args);
  self->introspect_port = read_port (self->introspect);
  g_assert_cmpuint (self->introspect_port, >, 0);
  return TRUE;
}

static HdTestImap *
imap_start (const char * const *tokens)
{
  g_autofree char *dovecot = find_program ("dovecot", "/usr/sbin/dovecot");
  g_autofree char *conf = NULL;
  g_autoptr(HdTestImap) self = NULL;
  Users users;

  if (dovecot == NULL)
    return skip ("Dovecot is not installed (apt install dovecot-imapd)"), NULL;
  if (!find_users (&users))
    return NULL;

  self = g_new0 (HdTestImap, 1);
  self->dir = server_dir ();
  self->tokens = g_strdupv ((char **) tokens);
  if (!make_certificate (self->dir, &self->ca_file, &self->key_file))
    return NULL;
  if (self->tokens != NULL && !start_introspection (self))
    return NULL;
  prepare_mail_dir (self, &users);
  conf = g_build_filename (self->dir, "dovecot.conf", NULL);
  for (guint attempt = 0; attempt < 5 && self->dovecot == NULL; attempt++)
    {
      self->imaps_port = hd_test_mail_closed_port ();
      self->imap_port = hd_test_mail_closed_port ();
      write_dovecot_conf (self, &users, conf);
      run_dovecot (self, dovecot, conf);
    }
  g_assert_nonnull (self->dovecot);
  self->admin = curl_easy_init ();
  return g_steal_pointer (&self);
}

/**
 * hd_test_imap_start:
 *
 * Returns: (transfer full) (nullable): a running Dovecot with the user
 *   HD_TEST_MAIL_USER and an empty INBOX; %NULL with the test skipped
 *   when Dovecot or openssl cannot run here
 */
HdTestImap *
hd_test_imap_start (void)
{
  return imap_start (NULL);
}

/**
 * hd_test_imap_start_oauth:
 * @tokens: the OAuth 2.0 tokens it takes for HD_TEST_MAIL_USER
 *
 * Returns: (transfer full) (nullable): as hd_test_imap_start(), and the
 *   server also logs in with XOAUTH2 (Dovecot's oauth2 passdb, asking an
 *   introspection server of the test's own)
 */
HdTestImap *
hd_test_imap_start_oauth (const char * const *tokens)
{
  g_return_val_if_fail (tokens != NULL, NULL);
  return imap_start (tokens);
}

static char *
read_asked (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "asked", NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

/* The tokens the server was shown, in order, one a line. */
char *
hd_test_imap_tokens_shown (HdTestImap *self)
{
  return read_asked (self->dir);
}

static void
remove_tree (const char *dir)
{
  const char *argv[] = { "rm", "-rf", "--", dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
stop_process (GSubprocess **process)
{
  if (*process == NULL)
    return;
  g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

/* The keyring: a D-Bus session of the test's own with GNOME Keyring in
 * it, never the desktop's, whose keyring is a person's. */

struct _HdTestKeyring
{
  char        *dir;
  GSubprocess *bus;
  GSubprocess *daemon;
};

static gboolean
name_served (const char *name)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
secrets_served (void)
{
  return name_served ("org.freedesktop.secrets");
}

/* Not GTestDBus, whose end waits for libsecret to let go of the
 * connection, which it never quite does. */
static GSubprocess *
start_bus (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  GSubprocess *bus;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session",
                                     "--nofork", "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  return bus;
}

static void
start_keyring_daemon (HdTestKeyring *self,
                      const char    *daemon)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *in;

  self->dir = g_dir_make_tmp ("hd-test-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* Its keyrings and its socket in a folder of the test's own. */
  g_subprocess_launcher_setenv (launcher, "HOME", self->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", self->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", self->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", self->dir, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->daemon = g_subprocess_launcher_spawn (launcher, &error, daemon, "--foreground",
                                              "--unlock", "--components=secrets", NULL);
  g_assert_no_error (error);
  /* The keyring's own password, on standard input: it makes the login
   * keyring with it and unlocks it. */
  in = g_subprocess_get_stdin_pipe (self->daemon);
  g_output_stream_write_all (in, "keyring password", 16, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (in, NULL, NULL);

  for (guint i = 0; i < 3000 && !secrets_served (); i++)
    g_usleep (10 * 1000);
  g_assert_true (secrets_served ());
}

/**
 * hd_test_keyring_start:
 *
 * Starts a bus and a keyring for the whole test program (the process's
 * bus connection, libsecret's included, is made once) and points
 * DBUS_SESSION_BUS_ADDRESS at it, for the programs the test runs too.
 *
 * Returns: (nullable): %NULL when gnome-keyring is not installed
 */
HdTestKeyring *
hd_test_keyring_start (void)
{
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  g_autoptr(GDBusConnection) bus = NULL;
  HdTestKeyring *self;

  if (daemon == NULL)
    return NULL;
  self = g_new0 (HdTestKeyring, 1);
  self->bus = start_bus ();
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_assert_nonnull (bus);
  /* The bus goes away before the program ends: that is no reason to
   * end it early. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  start_keyring_daemon (self, daemon);
  return self;
}

void
hd_test_keyring_stop (HdTestKeyring *self)
{
  if (self == NULL)
    return;
  secret_service_disconnect ();
  stop_process (&self->daemon);
  stop_process (&self->bus);
  if (self->dir != NULL)
    remove_tree (self->dir);
  g_free (self->dir);
  g_free (self);
}

void
hd_test_imap_stop (HdTestImap *self)
{
  if (self == NULL)
    return;
  stop_process (&self->dovecot);
  stop_process (&self->introspect);
  g_strfreev (self->tokens);
  if (self->admin != NULL)
    curl_easy_cleanup (self->admin);
  if (self->dir != NULL)
    remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->ca_file);
  g_free (self->key_file);
  g_free (self);
}

/* IMAPS for TLS, the other port for STARTTLS and plain. */
guint
hd_test_imap_port (HdTestImap     *self,
                   HdMailSecurity  security)
{
  return security == HD_MAIL_SECURITY_TLS ? self->imaps_port : self->imap_port;
}

const char *
hd_test_imap_ca_file (HdTestImap *self)
{
  return self->ca_file;
}

static size_t
discard_cb (char *data, size_t size, size_t count, void *user_data)
{
  return size * count;
}

/* The test's own look at the server, through libcurl but not through the
 * code under test: a request on @folder, its answer discarded. */
static void
admin_begin (HdTestImap *self,
             const char *folder)
{
  g_autofree char *url = g_strdup_printf ("imaps://localhost:%u/%s", self->imaps_port, folder);

  curl_easy_reset (self->admin);
  curl_easy_setopt (self->admin, CURLOPT_URL, url);
  curl_easy_setopt (self->admin, CURLOPT_USERNAME, HD_TEST_MAIL_USER);
  curl_easy_setopt (self->admin, CURLOPT_PASSWORD, HD_TEST_MAIL_PASSWORD);
  curl_easy_setopt (self->admin, CURLOPT_CAINFO, self->ca_file);
  curl_easy_setopt (self->admin, CURLOPT_WRITEFUNCTION, discard_cb);
}

static void
admin_request (HdTestImap *self,
               const char *folder,
               const char *command)
{
  CURLcode result;

  admin_begin (self, folder);
  curl_easy_setopt (self->admin, CURLOPT_CUSTOMREQUEST, command);
  result = curl_easy_perform (self->admin);
  g_assert_cmpstr (curl_easy_strerror (result), ==, curl_easy_strerror (CURLE_OK));
}

typedef struct {
  const char *data;
  gsize       length;
  gsize       offset;
} Reader;

static size_t
read_cb (char *buffer, size_t size, size_t count, void *user_data)
{
  Reader *reader = user_data;
  gsize n = MIN (size * count, reader->length - reader->offset);

  memcpy (buffer, reader->data + reader->offset, n);
  reader->offset += n;
  return n;
}

static size_t
collect_cb (char *data, size_t size, size_t count, void *user_data)
{
  g_string_append_len (user_data, data, size * count);
  return size * count;
}

/* Delivers @message (CRLF line ends) into INBOX, unread, as a mail server
 * would. */
void
hd_test_imap_append (HdTestImap *self,
                     const char *message)
{
  hd_test_imap_append_to (self, "INBOX", message);
}

void
hd_test_imap_append_to (HdTestImap *self,
                        const char *folder,
                        const char *message)
{
  Reader reader = { message, strlen (message), 0 };
  CURLcode result;

  admin_begin (self, folder);
  curl_easy_setopt (self->admin, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (self->admin, CURLOPT_INFILESIZE_LARGE, (curl_off_t) reader.length);
  curl_easy_setopt (self->admin, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt (self->admin, CURLOPT_READDATA, &reader);
  result = curl_easy_perform (self->admin);
  g_assert_cmpstr (curl_easy_strerror (result), ==, curl_easy_strerror (CURLE_OK));
  /* libcurl appends with \Seen; new mail has no flags. */
  admin_request (self, folder, "STORE * -FLAGS.SILENT (\\Seen)");
}

/**
 * hd_test_imap_deliver_many:
 *
 * Puts @n small messages into INBOX's Maildir directly, as a delivery
 * agent would, far faster than appending each: for folders of thousands.
 * Dovecot numbers them when a connection next looks.
 */
void
hd_test_imap_deliver_many (HdTestImap *self,
                           guint       n)
{
  /* Dovecot's home for the user is mail/%n: the name before the @. */
  g_autofree char *user = g_strndup (HD_TEST_MAIL_USER, strcspn (HD_TEST_MAIL_USER, "@"));
  g_autofree char *maildir = g_build_filename (self->dir, "mail", user, "Maildir", NULL);
  g_autofree char *fresh = g_build_filename (maildir, "new", NULL);
  const char *parts[] = { "", "cur", "new", "tmp" };
  Users users;

  g_assert_true (find_users (&users));
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *dir = g_build_filename (maildir, parts[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_cmpint (chown (dir, users.mail_uid, users.mail_gid), ==, 0);
    }
  {
    g_autofree char *home = g_path_get_dirname (maildir);

    g_assert_cmpint (chown (home, users.mail_uid, users.mail_gid), ==, 0);
  }
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/1796000000.M%uP%d.helpdesk-test", fresh, i,
                                               (int) getpid ());
      g_autofree char *text = g_strdup_printf ("From: Requester %u <many%u@office.test>\r\n"
                                               "Subject: Many %u\r\n"
                                               "Message-ID: <many-%u@office.test>\r\n"
                                               "\r\nMessage %u.\r\n", i, i, i, i, i);

      write_file (name, text);
      g_assert_cmpint (chown (name, users.mail_uid, users.mail_gid), ==, 0);
    }
}

/* Sets @flags on INBOX's messages whose UIDs are in @uids (a UID set). */
void
hd_test_imap_add_flags_to_set (HdTestImap *self,
                               const char *uids,
                               const char *flags)
{
  g_autofree char *command = g_strdup_printf ("UID STORE %s +FLAGS.SILENT (%s)", uids, flags);

  admin_request (self, "INBOX", command);
}

/* \Recent is the session's, not the message's: whichever connection
 * looks first sees it. */
static char *
without_recent (char *flags)
{
  g_auto(GStrv) words = g_strsplit (flags, " ", -1);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && g_ascii_strcasecmp (words[i], "\\Recent") != 0)
      g_strv_builder_add (kept, words[i]);
  list = g_strv_builder_end (kept);
  g_free (flags);
  return g_strjoinv (" ", list);
}

/**
 * hd_test_imap_flags:
 *
 * Returns: the flags of INBOX's message @uid, as the server lists them
 *   ("\Seen $HelpdeskFiled") but \Recent, or NULL when there is no such
 *   message
 */
char *
hd_test_imap_flags (HdTestImap *self,
                    guint32     uid)
{
  g_autofree char *command = g_strdup_printf ("UID FETCH %u (FLAGS)", uid);
  g_autoptr(GString) answer = g_string_new (NULL);
  const char *start, *end;

  admin_begin (self, "INBOX");
  curl_easy_setopt (self->admin, CURLOPT_CUSTOMREQUEST, command);
  curl_easy_setopt (self->admin, CURLOPT_WRITEFUNCTION, collect_cb);
  curl_easy_setopt (self->admin, CURLOPT_WRITEDATA, answer);
  g_assert_cmpint (curl_easy_perform (self->admin), ==, CURLE_OK);

  /* "* 1 FETCH (UID 1 FLAGS (…))", not the folder's "* FLAGS (…)". */
  start = strstr (answer->str, " FETCH (");
  if (start == NULL)
    return NULL;
  start = strstr (start, "FLAGS (");
  g_assert_nonnull (start);
  start += strlen ("FLAGS (");
  end = strchr (start, ')');
  g_assert_nonnull (end);
  return without_recent (g_strndup (start, end - start));
}

void
hd_test_imap_create_folder (HdTestImap *self,
                            const char *folder)
{
  g_autofree char *command = g_strdup_printf ("CREATE \"%s\"", folder);

  admin_request (self, "", command);
}

/* Sets INBOX's message @uid's flags as a person's mail client would. */
void
hd_test_imap_add_flags (HdTestImap *self,
                        guint32     uid,
                        const char *flags)
{
  g_autofree char *command = g_strdup_printf ("UID STORE %u +FLAGS (%s)", uid, flags);

  admin_request (self, "INBOX", command);
}

/* The folder deleted and made again: a new UIDVALIDITY. */
void
hd_test_imap_recreate_folder (HdTestImap *self,
                              const char *folder)
{
  g_autofree char *command = g_strdup_printf ("DELETE \"%s\"", folder);

  /* Not from a connection that has it open: Dovecot would end that one. */
  admin_request (self, "INBOX", "NOOP");
  admin_request (self, "", command);
  hd_test_imap_create_folder (self, folder);
}

/**
 * hd_test_mail_account:
 *
 * Returns: (transfer full): an account on the test servers, TLS both ways
 *   (STARTTLS to @smtp when it asks for it)
 */
HdMailAccount *
hd_test_mail_account (HdTestImap *imap,
                      HdTestSmtp *smtp)
{
  HdMailAccount *account = hd_mail_account_new ();

  account->imap.host = g_strdup ("localhost");
  account->imap.port = imap->imaps_port;
  account->imap.security = HD_MAIL_SECURITY_TLS;
  account->smtp.host = g_strdup ("localhost");
  account->smtp.port = smtp != NULL ? smtp->port : hd_test_mail_closed_port ();
  account->smtp.security = smtp != NULL ? smtp->security : HD_MAIL_SECURITY_TLS;
  account->user = g_strdup (HD_TEST_MAIL_USER);
  account->address = g_strdup (HD_TEST_MAIL_USER);
  account->ca_file = g_strdup (imap->ca_file);
  account->timeout = 20;
  return account;
}

HdMailSettings *
hd_test_mail_settings (HdTestImap *imap,
                       HdTestSmtp *smtp)
{
  HdMailSettings *settings = hd_mail_settings_new ();

  g_free (settings->address);
  settings->address = g_strdup (HD_TEST_MAIL_USER);
  g_free (settings->imap_host);
  settings->imap_host = g_strdup ("localhost");
  settings->imap_port = imap->imaps_port;
  g_free (settings->smtp_host);
  settings->smtp_host = g_strdup ("localhost");
  settings->smtp_port = smtp->port;
  g_free (settings->smtp_security);
  settings->smtp_security = g_strdup (hd_mail_security_to_string (smtp->security));
  g_free (settings->user_name);
  settings->user_name = g_strdup (HD_TEST_MAIL_USER);
  settings->interval_seconds = 3600;
  settings->enabled = TRUE;
  return settings;
}

/* The SMTP sink */

static char *
find_python_with (const char *module)
{
  g_autofree char *python = find_program ("python3", NULL);
  g_autofree char *import = g_strdup_printf ("import %s", module);
  const char *argv[] = { NULL, "-c", import, NULL };
  int status = 1;

  /* Debian's python3-aiosmtpd is for Debian's python3, which a python of
   * one's own earlier in PATH may not see. */
  for (guint i = 0; i < 2; i++)
    {
      argv[0] = i == 0 ? "/usr/bin/python3" : python;
      if (argv[0] == NULL || !g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
        continue;
      if (g_spawn_sync (NULL, (char **) argv, NULL,
                        G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL) &&
          g_spawn_check_wait_status (status, NULL))
        return g_strdup (argv[0]);
    }
  return NULL;
}

static char *
find_python (void)
{
  return find_python_with ("aiosmtpd");
}

static guint
read_port (GSubprocess *process)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  return line != NULL ? (guint) g_ascii_strtoull (line, NULL, 10) : 0;
}

static HdTestSmtp *smtp_start (HdTestImap *certificate_from, HdMailSecurity security,
                               const char * const *tokens);

/**
 * hd_test_smtp_start:
 * @certificate_from: the server whose certificate the sink uses
 * @security: how clients reach it
 *
 * Returns: (transfer full) (nullable): a running sink, or %NULL with the
 *   test skipped when aiosmtpd is not installed
 */
HdTestSmtp *
hd_test_smtp_start (HdTestImap     *certificate_from,
                    HdMailSecurity  security)
{
  return smtp_start (certificate_from, security, NULL);
}

/**
 * hd_test_smtp_start_oauth:
 * @tokens: the OAuth 2.0 tokens it takes (AUTH XOAUTH2) for
 *   HD_TEST_MAIL_USER, besides the password
 */
HdTestSmtp *
hd_test_smtp_start_oauth (HdTestImap         *certificate_from,
                          HdMailSecurity      security,
                          const char * const *tokens)
{
  g_return_val_if_fail (tokens != NULL, NULL);
  return smtp_start (certificate_from, security, tokens);
}

/* The tokens the sink was shown, in order, one a line. */
char *
hd_test_smtp_tokens_shown (HdTestSmtp *self)
{
  return read_asked (self->dir);
}

static HdTestSmtp *
smtp_start (HdTestImap         *certificate_from,
            HdMailSecurity      security,
            const char * const *tokens)
{
  g_autofree char *python = find_python ();
  g_autofree char *script = NULL;
  HdTestSmtp *self;

  if (python == NULL)
    return skip ("aiosmtpd is not installed (apt install python3-aiosmtpd)"), NULL;

  script = g_test_build_filename (G_TEST_DIST, "mail-servers", "hd-smtp-sink.py", NULL);
  self = g_new0 (HdTestSmtp, 1);
  self->dir = server_dir ();
  self->security = security;
  {
    g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
    g_auto(GStrv) args = NULL;

    g_strv_builder_add_many (argv, python, script, self->dir, "--security",
                             hd_mail_security_to_string (security), "--cert",
                             certificate_from->ca_file, "--key", certificate_from->key_file,
                             "--user", HD_TEST_MAIL_USER, "--password", HD_TEST_MAIL_PASSWORD, NULL);
    for (guint i = 0; tokens != NULL && tokens[i] != NULL; i++)
      g_strv_builder_add_many (argv, "--token", tokens[i], NULL);
    args = g_strv_builder_end (argv);
    self->sink = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, (const char * const *) args);
  }
  self->port = read_port (self->sink);
  g_assert_cmpuint (self->port, >, 0);
  return self;
}

void
hd_test_smtp_stop (HdTestSmtp *self)
{
  if (self == NULL)
    return;
  stop_process (&self->sink);
  remove_tree (self->dir);
  g_free (self->dir);
  g_free (self);
}

guint
hd_test_smtp_port (HdTestSmtp *self)
{
  return self->port;
}

HdMailSecurity
hd_test_smtp_security (HdTestSmtp *self)
{
  return self->security;
}

static char *
message_path (HdTestSmtp *self,
              guint       n,
              const char *suffix)
{
  g_autofree char *name = g_strdup_printf ("%06u.%s", n, suffix);

  return g_build_filename (self->dir, name, NULL);
}

/* How many messages the sink has taken. */
guint
hd_test_smtp_count (HdTestSmtp *self)
{
  guint n = 0;

  while (TRUE)
    {
      g_autofree char *path = message_path (self, n + 1, "eml");

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return n;
      n++;
    }
}

/* The bytes of the @n-th message taken (from 1). */
GBytes *
hd_test_smtp_message (HdTestSmtp *self,
                      guint       n)
{
  g_autofree char *path = message_path (self, n, "eml");
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  g_file_get_contents (path, &data, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

static char *
message_text (HdTestSmtp *self,
              guint       n,
              const char *kind)
{
  g_autofree char *path = message_path (self, n, kind);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* The client's address and port that brought message @n: its connection. */
char *
hd_test_smtp_connection (HdTestSmtp *self,
                         guint       n)
{
  return message_text (self, n, "peer");
}

/* Its envelope, as JSON: {"mail_from": …, "rcpt_tos": […]}. */
char *
hd_test_smtp_envelope (HdTestSmtp *self,
                       guint       n)
{
  return message_text (self, n, "json");
}

/* GNOME Online Accounts, played by python-dbusmock with the template
 * mail-servers/hd-goa-mock.py, on a bus of the test's own. */

#define GOA_NAME "org.gnome.OnlineAccounts"
#define GOA_PATH "/org/gnome/OnlineAccounts"
#define MOCK_IFACE "org.freedesktop.DBus.Mock"

struct _HdTestGoa
{
  GSubprocess *bus;
  GSubprocess *mock;
};

/**
 * hd_test_goa_start:
 *
 * Starts a bus for the whole test program and GNOME Online Accounts on
 * it, with no accounts; call it before anything else uses the session bus
 * (before g_test_init() too, if need be: it finds the template through
 * $G_TEST_SRCDIR).
 *
 * Returns: (transfer full) (nullable): %NULL when python3-dbusmock is
 *   not installed: skip the tests then
 */
HdTestGoa *
hd_test_goa_start (void)
{
  g_autofree char *python = find_python_with ("dbusmock");
  g_autofree char *template = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  HdTestGoa *self;

  if (python == NULL)
    return NULL;
  self = g_new0 (HdTestGoa, 1);
  self->bus = start_bus ();
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_assert_nonnull (bus);
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  /* Not g_test_build_filename(): this may run before g_test_init(). */
  template = g_build_filename (g_getenv ("G_TEST_SRCDIR") != NULL ? g_getenv ("G_TEST_SRCDIR") : ".",
                               "mail-servers", "hd-goa-mock.py", NULL);
  {
    const char *argv[] = { python, "-m", "dbusmock", "--template", template, NULL };

    self->mock = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, argv);
  }
  for (guint i = 0; i < 3000 && !name_served (GOA_NAME); i++)
    g_usleep (10 * 1000);
  g_assert_true (name_served (GOA_NAME));
  return self;
}

void
hd_test_goa_stop (HdTestGoa *self)
{
  if (self == NULL)
    return;
  stop_process (&self->mock);
  stop_process (&self->bus);
  g_free (self);
}

static GVariant *
mock_call (const char *path,
           const char *method,
           GVariant   *parameters,
           const char *reply_type)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (bus, GOA_NAME, path, MOCK_IFACE, method, parameters,
                                       G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  return reply;
}

/**
 * hd_test_goa_add:
 * @id: the account's id
 * @token: what GetAccessToken gives
 * @renewed: what it gives after EnsureCredentials; "" makes
 *   EnsureCredentials fail as for an account whose person must sign in
 *   again
 * @reads_mail: whether the account has mail turned on
 *
 * Adds an account of @email's that signs in with OAuth 2.0.
 */
void
hd_test_goa_add (HdTestGoa  *self,
                 const char *id,
                 const char *email,
                 const char *token,
                 const char *renewed,
                 gboolean    reads_mail)
{
  g_autoptr(GVariant) reply = NULL;

  reply = mock_call (GOA_PATH, "AddMailAccount",
                     g_variant_new ("(sssssb)", id, email, "Google", token, renewed, reads_mail),
                     "(o)");
}

/* How often @method of account @id was called. */
guint
hd_test_goa_calls (HdTestGoa  *self,
                   const char *id,
                   const char *method)
{
  g_autofree char *path = g_strdup_printf ("%s/Accounts/%s", GOA_PATH, id);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) calls = NULL;

  reply = mock_call (path, "GetMethodCalls", g_variant_new ("(s)", method), "(a(tav))");
  calls = g_variant_get_child_value (reply, 0);
  return (guint) g_variant_n_children (calls);
}
