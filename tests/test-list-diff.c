/* test-list-diff.c — the edits between two lists of ticket numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-list-diff.h"

typedef struct {
  GArray *list;      /* the old list, edited run by run */
  GArray *expected;  /* the new one */
  guint   edits;
  guint   runs;
} Applying;

static void
apply_cb (guint    old_position,
          guint    removed,
          guint    new_position,
          guint    added,
          gpointer user_data)
{
  Applying *a = user_data;

  /* Every run is announced where the list is by then. */
  g_assert_cmpuint (new_position + removed, <=, a->list->len);
  g_array_remove_range (a->list, new_position, removed);
  g_array_insert_vals (a->list, new_position,
                       &g_array_index (a->expected, guint32, new_position), added);
  a->edits += removed + added;
  a->runs++;
}

static Applying
diff (const guint32 *old_list,
      guint          n_old,
      const guint32 *new_list,
      guint          n_new,
      guint          max_edits)
{
  Applying a = { g_array_new (FALSE, FALSE, sizeof (guint32)),
                 g_array_new (FALSE, FALSE, sizeof (guint32)) };
  guint runs;

  g_array_append_vals (a.list, old_list, n_old);
  g_array_append_vals (a.expected, new_list, n_new);
  runs = hd_list_diff (old_list, n_old, new_list, n_new, max_edits, apply_cb, &a);
  g_assert_cmpuint (runs, ==, a.runs);
  g_assert_cmpuint (a.list->len, ==, n_new);
  g_assert_cmpmem (a.list->data, n_new * sizeof (guint32), new_list, n_new * sizeof (guint32));
  return a;
}

static void
applying_clear (Applying *a)
{
  g_array_unref (a->list);
  g_array_unref (a->expected);
}

static void
test_small_cases (void)
{
  const guint32 list[] = { 1, 2, 3, 4, 5, 6 };
  const guint32 moved[] = { 5, 1, 2, 3, 4, 6 };
  const guint32 filed[] = { 9, 1, 2, 3, 4, 5, 6 };
  const guint32 gone[] = { 1, 2, 4, 5, 6 };
  Applying a;

  a = diff (list, 6, list, 6, 10);
  g_assert_cmpuint (a.runs, ==, 0);
  applying_clear (&a);

  /* A ticket that moved to the top: out of its place, into the first. */
  a = diff (list, 6, moved, 6, 10);
  g_assert_cmpuint (a.runs, ==, 2);
  g_assert_cmpuint (a.edits, ==, 2);
  applying_clear (&a);

  a = diff (list, 6, filed, 7, 10);
  g_assert_cmpuint (a.runs, ==, 1);
  g_assert_cmpuint (a.edits, ==, 1);
  applying_clear (&a);

  a = diff (list, 6, gone, 5, 10);
  g_assert_cmpuint (a.edits, ==, 1);
  applying_clear (&a);

  a = diff (list, 6, NULL, 0, 10);
  g_assert_cmpuint (a.runs, ==, 1);
  applying_clear (&a);

  a = diff (NULL, 0, list, 6, 10);
  g_assert_cmpuint (a.runs, ==, 1);
  applying_clear (&a);
}

/* Long lists with a few random edits: as few edits as were made, and
 * past the bound one run for everything between the first and the last. */
static void
test_random_edits (void)
{
  GRand *rand = g_rand_new_with_seed (12);

  for (guint trial = 0; trial < 200; trial++)
    {
      g_autoptr(GArray) old_list = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_autoptr(GArray) new_list = NULL;
      guint n = g_rand_int_range (rand, 0, 3000);
      guint n_edits = g_rand_int_range (rand, 0, 12);
      guint32 next = 1;
      Applying a;

      for (guint i = 0; i < n; i++, next++)
        g_array_append_val (old_list, next);
      new_list = g_array_copy (old_list);
      for (guint e = 0; e < n_edits; e++)
        {
          if (new_list->len > 0 && g_rand_boolean (rand))
            g_array_remove_index (new_list, g_rand_int_range (rand, 0, new_list->len));
          else
            {
              g_array_insert_val (new_list, g_rand_int_range (rand, 0, new_list->len + 1), next);
              next++;
            }
        }

      a = diff ((guint32 *) old_list->data, old_list->len, (guint32 *) new_list->data,
                new_list->len, 100);
      g_assert_cmpuint (a.edits, <=, n_edits);
      applying_clear (&a);

      a = diff ((guint32 *) old_list->data, old_list->len, (guint32 *) new_list->data,
                new_list->len, 1);
      g_assert_cmpuint (a.runs, <=, 1);
      applying_clear (&a);
    }

  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/list-diff/small-cases", test_small_cases);
  g_test_add_func ("/list-diff/random-edits", test_random_edits);

  return g_test_run ();
}
