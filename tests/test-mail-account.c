/* test-mail-account.c — the mailbox's settings in the file, the file's
 * id, and the lease that lets one desk at a time fetch and send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "hd-store-private.h"
#include "hd-test-util.h"

/* The change_log rows that tell other desks the settings changed. */
static gint64
count_changes (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM change_log WHERE tbl = 'mail_account'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static HdMailSettings *
good_settings (void)
{
  HdMailSettings *s = hd_mail_settings_new ();

  g_free (s->address);
  s->address = g_strdup ("Support@Office.Example");
  s->display_name = g_strdup ("Office support");
  g_free (s->imap_host);
  s->imap_host = g_strdup ("imap.office.example");
  g_free (s->smtp_host);
  s->smtp_host = g_strdup ("smtp.office.example");
  s->smtp_port = 0;
  g_free (s->smtp_security);
  s->smtp_security = g_strdup ("starttls");
  g_free (s->user_name);
  s->user_name = g_strdup ("support@office.example");
  s->enabled = TRUE;
  return s;
}

static void
test_defaults (HdTestOffice  *o,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) s = hd_store_get_mail_settings (o->req1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (s->address, ==, "");
  g_assert_cmpstr (s->imap_security, ==, "tls");
  g_assert_cmpuint (s->imap_port, ==, 993);
  g_assert_cmpstr (s->imap_folder, ==, "INBOX");
  g_assert_cmpuint (s->interval_seconds, ==, 60);
  g_assert_false (s->enabled);
  g_assert_cmpint (s->version, ==, 0);
}

static void
test_round_trip (HdTestOffice  *o,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) in = good_settings ();
  g_autoptr(HdMailSettings) out = NULL;
  g_autoptr(HdMailSettings) again = NULL;

  g_assert_cmpint (count_changes (o->path), ==, 0);
  g_assert_true (hd_store_set_mail_settings (o->disp, in, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_changes (o->path), ==, 1);

  /* Another desk reads what the dispatcher wrote. */
  out = hd_store_get_mail_settings (o->tech1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (out->address, ==, "support@office.example");
  g_assert_cmpstr (out->display_name, ==, "Office support");
  g_assert_cmpstr (out->imap_host, ==, "imap.office.example");
  g_assert_cmpuint (out->smtp_port, ==, 587);
  g_assert_cmpstr (out->smtp_security, ==, "starttls");
  g_assert_true (out->enabled);
  g_assert_cmpint (out->version, ==, 1);

  /* Written from a stale version: refused. */
  out->interval_seconds = 300;
  g_assert_true (hd_store_set_mail_settings (o->disp, out, 1, &error));
  g_assert_false (hd_store_set_mail_settings (o->disp, out, 1, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_CONFLICT);
  g_clear_error (&error);
  again = hd_store_get_mail_settings (o->disp, &error);
  g_assert_cmpuint (again->interval_seconds, ==, 300);
  g_assert_cmpint (again->version, ==, 2);
}

static void
test_dispatcher_only (HdTestOffice  *o,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) s = good_settings ();

  g_assert_false (hd_store_set_mail_settings (o->tech1, s, 0, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (hd_store_set_mail_settings (o->req1, s, 0, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
}

static void
test_validation (HdTestOffice  *o,
                 gconstpointer  data)
{
  struct { const char *field; const char *value; } bad[] = {
    { "address", "support" },
    { "address", "a@b@c.example" },
    { "address", "support@office.example\r\nBcc: x@y.example" },
    { "address", "<support@office.example>" },
    { "imap_host", "imap.example/INBOX" },
    { "imap_host", "user@imap.example" },
    { "smtp_host", "smtp example" },
    { "imap_security", "ssl" },
    { "smtp_security", "" },
    { "imap_folder", "Boîte" },
    { "imap_folder", "" },
    { "user_name", "me\nNOOP" },
    { "display_name", "Support\r\nX-Evil: 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HdMailSettings) s = good_settings ();
      char **field = NULL;

      if (g_str_equal (bad[i].field, "address")) field = &s->address;
      else if (g_str_equal (bad[i].field, "imap_host")) field = &s->imap_host;
      else if (g_str_equal (bad[i].field, "smtp_host")) field = &s->smtp_host;
      else if (g_str_equal (bad[i].field, "imap_security")) field = &s->imap_security;
      else if (g_str_equal (bad[i].field, "smtp_security")) field = &s->smtp_security;
      else if (g_str_equal (bad[i].field, "imap_folder")) field = &s->imap_folder;
      else if (g_str_equal (bad[i].field, "user_name")) field = &s->user_name;
      else field = &s->display_name;
      g_free (*field);
      *field = g_strdup (bad[i].value);
      g_test_message ("%s = %s", bad[i].field, bad[i].value);
      g_assert_false (hd_store_set_mail_settings (o->disp, s, 0, &error));
      g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HdMailSettings) s = good_settings ();

    s->imap_port = 70000;
    g_assert_false (hd_store_set_mail_settings (o->disp, s, 0, &error));
    g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    s->imap_port = 993;
    s->interval_seconds = 59;
    g_assert_false (hd_store_set_mail_settings (o->disp, s, 0, &error));
    g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    /* Turned on half set up: refused; off, it may be saved in steps. */
    s->interval_seconds = 60;
    g_free (s->smtp_host);
    s->smtp_host = g_strdup ("");
    g_assert_false (hd_store_set_mail_settings (o->disp, s, 0, &error));
    g_assert_error (error, HD_ERROR, HD_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    s->enabled = FALSE;
    g_assert_true (hd_store_set_mail_settings (o->disp, s, 0, &error));
    g_assert_no_error (error);
  }
}

typedef struct {
  const char *path;
  GMutex     *mutex;
  GCond      *cond;
  int        *ready;
  char       *id;
} IdRacer;

static gpointer
race_file_id (gpointer data)
{
  IdRacer *r = data;
  g_autoptr(HdStore) store = hd_test_open_as (r->path, "tech1");
  g_autoptr(GError) error = NULL;

  g_mutex_lock (r->mutex);
  (*r->ready)++;
  g_cond_broadcast (r->cond);
  while (*r->ready < 4)
    g_cond_wait (r->cond, r->mutex);
  g_mutex_unlock (r->mutex);
  r->id = hd_store_get_file_uuid (store, &error);
  g_assert_no_error (error);
  return NULL;
}

static void
test_file_id (HdTestOffice  *o,
              gconstpointer  data)
{
  IdRacer racers[4];
  GThread *threads[4];
  GMutex mutex;
  GCond cond;
  int ready = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  for (guint i = 0; i < 4; i++)
    {
      racers[i] = (IdRacer) { o->path, &mutex, &cond, &ready, NULL };
      threads[i] = g_thread_new ("id", race_file_id, &racers[i]);
    }
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);

  g_assert_true (g_uuid_string_is_valid (racers[0].id));
  for (guint i = 1; i < 4; i++)
    g_assert_cmpstr (racers[i].id, ==, racers[0].id);
  again = hd_store_get_file_uuid (o->req1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, racers[0].id);
  for (guint i = 0; i < 4; i++)
    g_free (racers[i].id);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
}

static void
test_lease (HdTestOffice  *o,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = NULL;
  gboolean taken = FALSE;
  gint64 now = g_get_real_time ();

  hd_store_set_time_for_testing (o->disp, now);
  hd_store_set_time_for_testing (o->tech1, now);

  g_assert_true (hd_store_take_mail_lease (o->disp, "desk A", 120, &taken, NULL, &error));
  g_assert_true (taken);
  g_assert_true (hd_store_take_mail_lease (o->tech1, "desk B", 120, &taken, &other, &error));
  g_assert_false (taken);
  g_assert_cmpstr (other, ==, "desk A");
  g_clear_pointer (&other, g_free);

  /* A renews; B still waits; once A's lease ran out, B takes it. */
  hd_store_set_time_for_testing (o->disp, now + 100 * G_USEC_PER_SEC);
  g_assert_true (hd_store_take_mail_lease (o->disp, "desk A", 120, &taken, NULL, &error));
  g_assert_true (taken);
  hd_store_set_time_for_testing (o->tech1, now + 200 * G_USEC_PER_SEC);
  g_assert_true (hd_store_take_mail_lease (o->tech1, "desk B", 120, &taken, NULL, &error));
  g_assert_false (taken);
  hd_store_set_time_for_testing (o->tech1, now + 221 * G_USEC_PER_SEC);
  g_assert_true (hd_store_take_mail_lease (o->tech1, "desk B", 120, &taken, NULL, &error));
  g_assert_true (taken);

  /* A release by one who does not hold it changes nothing; by B, frees it. */
  g_assert_true (hd_store_release_mail_lease (o->disp, "desk A", &error));
  g_assert_true (hd_store_take_mail_lease (o->disp, "desk A", 120, &taken, NULL, &error));
  g_assert_false (taken);
  g_assert_true (hd_store_release_mail_lease (o->tech1, "desk B", &error));
  g_assert_true (hd_store_take_mail_lease (o->disp, "desk A", 120, &taken, NULL, &error));
  g_assert_true (taken);

  /* Requesters read no mail. */
  g_assert_false (hd_store_take_mail_lease (o->req1, "desk C", 120, &taken, NULL, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
  g_assert_false (taken);
}

static void
test_uidvalidity (HdTestOffice  *o,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) s = good_settings ();
  g_autoptr(HdMailSettings) back = NULL;
  gboolean changed = TRUE;

  g_assert_true (hd_store_set_mail_settings (o->disp, s, 0, &error));
  g_assert_true (hd_store_note_mail_uidvalidity (o->tech1, 7, &changed, &error));
  g_assert_false (changed);
  g_assert_true (hd_store_note_mail_uidvalidity (o->tech1, 7, &changed, &error));
  g_assert_false (changed);
  g_assert_true (hd_store_note_mail_uidvalidity (o->tech1, 8, &changed, &error));
  g_assert_true (changed);
  g_assert_no_error (error);
  /* Not a change of the settings: a dispatcher's form stays current. */
  back = hd_store_get_mail_settings (o->disp, &error);
  g_assert_cmpint (back->version, ==, 1);
}

/* A request from an unknown sender: a ticket and one acknowledgement queued. */
static void
queue_acknowledgement (HdStore    *store,
                       const char *message_id)
{
  g_autoptr(HdMailMessage) msg = hd_mail_message_new ();
  g_autoptr(GError) error = NULL;
  HdMailFiling filing;

  msg->message_id = g_strdup (message_id);
  msg->header_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, message_id, -1);
  msg->from = hd_mail_address_new ("new.person@example.org", "New Person");
  msg->subject = g_strdup ("The printer is jammed");
  msg->body = g_strdup ("Paper everywhere.");
  msg->reply_body = g_strdup ("Paper everywhere.");
  msg->raw = g_bytes_new_static ("x", 1);
  g_assert_true (hd_store_file_mail (store, msg, &filing, &error));
  g_assert_no_error (error);
  g_assert_true (filing.acknowledged);
  hd_mail_filing_clear (&filing);
}

static GPtrArray *
claim (HdStore *store,
       gint64   now)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  hd_store_set_time_for_testing (store, now);
  rows = hd_store_claim_outgoing (store, 10, 300, &error);
  g_assert_no_error (error);
  return rows;
}

static void
test_outbox (HdTestOffice  *o,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) s = good_settings ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) all = NULL;
  gint64 now = g_get_real_time ();
  gint64 first, second;
  HdMailOutgoing *out;

  g_assert_true (hd_store_set_mail_settings (o->disp, s, 0, &error));
  queue_acknowledgement (o->tech1, "one@example.org");
  queue_acknowledgement (o->tech1, "two@example.org");
  now = g_get_real_time ();

  /* Claimed once: a second desk claiming at once gets nothing. */
  rows = claim (o->tech1, now);
  g_assert_cmpuint (rows->len, ==, 2);
  out = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (out->state, ==, "sending");
  g_assert_cmpstr (out->from_address, ==, "support@office.example");
  first = out->id;
  second = ((HdMailOutgoing *) g_ptr_array_index (rows, 1))->id;
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = claim (o->disp, now + G_USEC_PER_SEC);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The first is sent; the second refused for now: back-off. */
  g_assert_true (hd_store_finish_outgoing (o->tech1, first, HD_MAIL_SEND_SENT,
                                           "250 2.0.0 Ok: queued", &error));
  g_assert_true (hd_store_finish_outgoing (o->tech1, second, HD_MAIL_SEND_RETRY,
                                           "451 4.3.0 Try again later", &error));
  g_assert_no_error (error);
  /* Marking again changes nothing: it is no longer sending. */
  g_assert_true (hd_store_finish_outgoing (o->tech1, first, HD_MAIL_SEND_FAILED, "550", &error));
  rows = claim (o->tech1, now + 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = claim (o->tech1, now + 62 * G_USEC_PER_SEC);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (((HdMailOutgoing *) g_ptr_array_index (rows, 0))->id, ==, second);
  g_assert_cmpint (((HdMailOutgoing *) g_ptr_array_index (rows, 0))->attempts, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Its claimer died: once the hold ran out, another desk claims it. */
  rows = claim (o->disp, now + 300 * G_USEC_PER_SEC);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = claim (o->disp, now + 363 * G_USEC_PER_SEC);
  g_assert_cmpuint (rows->len, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);
  hd_store_set_time_for_testing (o->disp, now + 364 * G_USEC_PER_SEC);
  g_assert_true (hd_store_finish_outgoing (o->disp, second, HD_MAIL_SEND_FAILED,
                                           "550 5.1.1 No such user", &error));

  all = hd_store_list_outgoing (o->disp, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (((HdMailOutgoing *) g_ptr_array_index (all, 0))->state, ==, "sent");
  g_assert_cmpstr (((HdMailOutgoing *) g_ptr_array_index (all, 1))->state, ==, "failed");
  g_assert_cmpint (((HdMailOutgoing *) g_ptr_array_index (all, 1))->attempts, ==, 2);
  g_assert_cmpstr (((HdMailOutgoing *) g_ptr_array_index (all, 0))->server_answer, ==,
                   "250 2.0.0 Ok: queued");
  g_assert_cmpstr (((HdMailOutgoing *) g_ptr_array_index (all, 1))->server_answer, ==,
                   "550 5.1.1 No such user");

  /* Requesters send nothing. */
  g_assert_null (hd_store_claim_outgoing (o->req1, 10, 300, &error));
  g_assert_error (error, HD_ERROR, HD_ERROR_PERMISSION_DENIED);
}

static void
test_outbox_gives_up (HdTestOffice  *o,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdMailSettings) s = good_settings ();
  gint64 now = g_get_real_time ();
  gint64 id = 0;
  guint n = 0;

  g_assert_true (hd_store_set_mail_settings (o->disp, s, 0, &error));
  queue_acknowledgement (o->tech1, "three@example.org");
  now = g_get_real_time ();
  for (;;)
    {
      g_autoptr(GPtrArray) rows = claim (o->tech1, now);

      now += (gint64) 7 * 60 * 60 * G_USEC_PER_SEC;
      if (rows->len == 0)
        break;
      id = ((HdMailOutgoing *) g_ptr_array_index (rows, 0))->id;
      g_assert_true (hd_store_finish_outgoing (o->tech1, id, HD_MAIL_SEND_RETRY,
                                               "421 Service not available", &error));
      n++;
      g_assert_cmpuint (n, <=, HD_MAIL_SEND_MAX_ATTEMPTS);
    }
  g_assert_cmpuint (n, ==, HD_MAIL_SEND_MAX_ATTEMPTS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, HdTestOffice, NULL, hd_test_office_set_up, func, hd_test_office_tear_down)
  ADD ("/mail-account/defaults", test_defaults);
  ADD ("/mail-account/round-trip", test_round_trip);
  ADD ("/mail-account/dispatcher-only", test_dispatcher_only);
  ADD ("/mail-account/validation", test_validation);
  ADD ("/mail-account/file-id", test_file_id);
  ADD ("/mail-account/lease", test_lease);
  ADD ("/mail-account/uidvalidity", test_uidvalidity);
  ADD ("/mail-account/outbox", test_outbox);
  ADD ("/mail-account/outbox-gives-up", test_outbox_gives_up);
#undef ADD

  return g_test_run ();
}
