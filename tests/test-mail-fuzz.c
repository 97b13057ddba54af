/* test-mail-fuzz.c — damaged mail through the whole path, read to filed
 *
 * Each message of the corpus (tests/mail/) is mutated many times, by a
 * seeded generator so a failure can be run again: bytes flipped, the
 * message cut short, header lines repeated, NULs and bare CRs put in, a
 * MIME boundary cut. Every mutant is read, classified and filed: none may
 * crash or fail with an error of the file, and each must end as a ticket,
 * a reply, a "Not filed" row with its reason, or as filed before. Run it
 * under AddressSanitizer for leaks and overflows:
 *
 *   meson setup -Db_sanitize=address _build-asan && ninja -C _build-asan
 *   _build-asan/tests/test-mail-fuzz --iterations 3000
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hd-mail.h"
#include "hd-test-util.h"

static int iterations = 600;
static guint32 seed = 20261207;

typedef enum {
  MUTATE_FLIP,
  MUTATE_TRUNCATE,
  MUTATE_HEADERS,
  MUTATE_NUL_CR,
  MUTATE_BOUNDARY,
  N_MUTATIONS
} Mutation;

static void
flip_bytes (GByteArray *m,
            GRand      *rand)
{
  int n = g_rand_int_range (rand, 1, 16);

  for (int i = 0; i < n && m->len > 0; i++)
    m->data[g_rand_int_range (rand, 0, m->len)] = (guint8) g_rand_int_range (rand, 0, 256);
}

static void
truncate_bytes (GByteArray *m,
                GRand      *rand)
{
  if (m->len > 1)
    g_byte_array_set_size (m, g_rand_int_range (rand, 0, m->len));
}

/* Repeats a header line (From, Message-ID, Content-Type…) many times. */
static void
repeat_header (GByteArray *m,
               GRand      *rand)
{
  const char *data = (const char *) m->data;
  const char *end = g_strstr_len (data, m->len, "\n\n");
  gsize header_len = end != NULL ? (gsize) (end - data) : m->len;
  gsize start = header_len > 0 ? g_rand_int_range (rand, 0, header_len) : 0;
  const char *line, *line_end;
  g_autofree char *copy = NULL;
  int times = g_rand_int_range (rand, 2, 60);

  while (start > 0 && data[start - 1] != '\n')
    start--;
  line = data + start;
  line_end = memchr (line, '\n', m->len - start);
  if (line_end == NULL)
    return;
  copy = g_strndup (line, line_end - line + 1);
  for (int i = 0; i < times; i++)
    g_byte_array_prepend (m, (const guint8 *) copy, strlen (copy));
}

static void
insert_nul_cr (GByteArray *m,
               GRand      *rand)
{
  static const guint8 junk[][2] = { { 0, 0 }, { '\r', 'x' }, { '\r', '\r' }, { 0xff, 0xfe } };
  int n = g_rand_int_range (rand, 1, 8);

  for (int i = 0; i < n; i++)
    {
      guint at = m->len > 0 ? g_rand_int_range (rand, 0, m->len) : 0;
      GByteArray *tail = g_byte_array_new ();

      g_byte_array_append (tail, m->data + at, m->len - at);
      g_byte_array_set_size (m, at);
      g_byte_array_append (m, junk[g_rand_int_range (rand, 0, G_N_ELEMENTS (junk))], 2);
      g_byte_array_append (m, tail->data, tail->len);
      g_byte_array_unref (tail);
    }
}

/* Cuts the message inside a MIME part, or gives it an unending one. */
static void
break_boundary (GByteArray *m,
                GRand      *rand)
{
  const char *data = (const char *) m->data;
  const char *at = g_strstr_len (data, m->len, "\n--");

  if (at == NULL)
    {
      static const char multipart[] =
        "Content-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: text/plain\n\n";

      g_byte_array_prepend (m, (const guint8 *) multipart, sizeof multipart - 1);
      return;
    }
  g_byte_array_set_size (m, MIN (m->len, (at - data) + 3 + g_rand_int_range (rand, 0, 8)));
}

static GBytes *
mutate (GBytes *original,
        GRand  *rand)
{
  GByteArray *m = g_byte_array_new ();
  int rounds = g_rand_int_range (rand, 1, 4);

  g_byte_array_append (m, g_bytes_get_data (original, NULL), g_bytes_get_size (original));
  for (int r = 0; r < rounds; r++)
    switch ((Mutation) g_rand_int_range (rand, 0, N_MUTATIONS))
      {
      case MUTATE_FLIP: flip_bytes (m, rand); break;
      case MUTATE_TRUNCATE: truncate_bytes (m, rand); break;
      case MUTATE_HEADERS: repeat_header (m, rand); break;
      case MUTATE_NUL_CR: insert_nul_cr (m, rand); break;
      case MUTATE_BOUNDARY: break_boundary (m, rand); break;
      case N_MUTATIONS:
      default: g_assert_not_reached ();
      }
  return g_byte_array_free_to_bytes (m);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
read_corpus (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "mail", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Directory order differs between machines; the seed must not. */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      g_ptr_array_add (all, hd_test_read_bytes (path));
    }
  return all;
}

static void
test_mutants (void)
{
  g_autoptr(HdStore) store = hd_test_new_helpdesk (NULL);
  g_autoptr(GPtrArray) corpus = read_corpus ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint outcomes[4] = { 0, };

  for (int i = 0; i < iterations; i++)
    {
      GBytes *original = g_ptr_array_index (corpus, i % corpus->len);
      g_autoptr(GBytes) mutant = mutate (original, rand);
      g_autoptr(HdMailMessage) msg = hd_mail_parse (mutant);
      g_autoptr(GError) error = NULL;
      HdMailFiling filing;

      /* Most mutants keep their original's Message-ID and would stop at
       * "filed before"; three in four get one of their own, so that the
       * rest of the path runs too. */
      if (msg->message_id != NULL && i % 4 != 0)
        {
          g_free (msg->message_id);
          msg->message_id = g_strdup_printf ("mutant-%d@fuzz.example", i);
        }
      /* And one in four answers an earlier mutant, for the replies. */
      if (i % 4 == 1)
        {
          g_free (msg->in_reply_to);
          msg->in_reply_to = g_strdup_printf ("mutant-%d@fuzz.example", i - 2);
        }
      g_assert_true (g_utf8_validate (msg->subject, -1, NULL));
      g_assert_true (g_utf8_validate (msg->body, -1, NULL));
      if (!hd_store_file_mail (store, msg, &filing, &error))
        g_error ("mutant %d (seed %u) was not filed: %s", i, seed, error->message);
      g_assert_cmpint (filing.outcome, <=, HD_MAIL_ALREADY_FILED);
      if (filing.outcome == HD_MAIL_NOT_FILED)
        g_assert_true (filing.reason != NULL && filing.reason[0] != '\0');
      outcomes[filing.outcome]++;
      hd_mail_filing_clear (&filing);
    }

  g_test_message ("%d mutants (seed %u): %u tickets, %u replies, %u not filed, %u filed before",
                  iterations, seed, outcomes[HD_MAIL_FILED_TICKET],
                  outcomes[HD_MAIL_FILED_REPLY], outcomes[HD_MAIL_NOT_FILED],
                  outcomes[HD_MAIL_ALREADY_FILED]);
  g_print ("# mutants %d: tickets %u replies %u not-filed %u filed-before %u\n", iterations,
           outcomes[HD_MAIL_FILED_TICKET], outcomes[HD_MAIL_FILED_REPLY],
           outcomes[HD_MAIL_NOT_FILED], outcomes[HD_MAIL_ALREADY_FILED]);
  g_assert_cmpuint (outcomes[0] + outcomes[1] + outcomes[2] + outcomes[3], ==, iterations);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Mutants to file", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the mutations", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_parse (context, &argc, &argv, NULL);
  hd_mail_init ();

  g_test_add_func ("/mail/fuzz/mutants", test_mutants);
  return g_test_run ();
}
