/* hd-list-diff.c — the few edits that turn one list of numbers into another
 *
 * A list of tickets read again after a change elsewhere differs from the
 * one shown in a few places: a ticket filed, one that left the view, one
 * that moved to the top because it was just updated. Views must hear of
 * just those places (a whole-list change loses their selection and makes
 * them look at every row again), so the two lists are compared: the
 * common start and end are set aside, and what is left is compared with
 * Myers' O((N+M)D) algorithm ("An O(ND) Difference Algorithm and Its
 * Variations", 1986), which is quick when there are few edits D. Past
 * @max_edits it stops, and what is left is reported as one run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-list-diff.h"

typedef struct {
  guint old_start, old_end;
  guint new_start, new_end;
} Hunk;

/* Runs the greedy forward search; @trace gets a copy of V before each
 * round. Returns the number of edits, or -1 past @max. */
static int
shortest_edit (const guint32 *a,
               int            n,
               const guint32 *b,
               int            m,
               int            max,
               GArray        *trace)
{
  int width = 2 * max + 3, offset = max + 1;
  g_autofree int *v = g_new0 (int, width);

  for (int d = 0; d <= max; d++)
    {
      g_array_append_vals (trace, v, width);
      for (int k = -d; k <= d; k += 2)
        {
          int x, y;

          if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
            x = v[offset + k + 1];
          else
            x = v[offset + k - 1] + 1;
          y = x - k;
          while (x < n && y < m && a[x] == b[y])
            x++, y++;
          v[offset + k] = x;
          if (x >= n && y >= m)
            return d;
        }
    }

  return -1;
}

/* Walks @trace back from the end, collecting the runs of edits, last
 * first. */
static void
collect_hunks (int     n,
               int     m,
               int     edits,
               int     max,
               GArray *trace,
               GArray *hunks)
{
  int width = 2 * max + 3, offset = max + 1;
  int x = n, y = m;

  for (int d = edits; d > 0; d--)
    {
      const int *v = &g_array_index (trace, int, d * width);
      int k = x - y, prev_k, prev_x, prev_y;

      if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
        prev_k = k + 1;
      else
        prev_k = k - 1;
      prev_x = v[offset + prev_k];
      prev_y = prev_x - prev_k;

      /* The common run after this edit. */
      x -= MIN (x - prev_x, y - prev_y);
      y = x - k;

      /* The edit itself: from (prev_x, prev_y) to (x, y). */
      if (hunks->len > 0 && g_array_index (hunks, Hunk, hunks->len - 1).old_start == (guint) x &&
          g_array_index (hunks, Hunk, hunks->len - 1).new_start == (guint) y)
        {
          Hunk *last = &g_array_index (hunks, Hunk, hunks->len - 1);

          last->old_start = prev_x;
          last->new_start = prev_y;
        }
      else
        {
          Hunk hunk = { prev_x, x, prev_y, y };

          g_array_append_val (hunks, hunk);
        }
      x = prev_x;
      y = prev_y;
    }
}

/**
 * hd_list_diff:
 * @max_edits: how many insertions and deletions to look for at most
 * @func: called for each run of edits, first to last
 *
 * Compares two lists of numbers. Applying the runs in the order given,
 * each at @new_position of the list as it is by then, turns @old_list into
 * @new_list.
 *
 * Returns: the number of runs
 */
guint
hd_list_diff (const guint32  *old_list,
              guint           n_old,
              const guint32  *new_list,
              guint           n_new,
              guint           max_edits,
              HdListDiffFunc  func,
              gpointer        user_data)
{
  g_autoptr(GArray) trace = NULL;
  g_autoptr(GArray) hunks = NULL;
  guint prefix = 0, suffix = 0, n, m;
  int max, edits;

  while (prefix < n_old && prefix < n_new && old_list[prefix] == new_list[prefix])
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         old_list[n_old - 1 - suffix] == new_list[n_new - 1 - suffix])
    suffix++;

  n = n_old - prefix - suffix;
  m = n_new - prefix - suffix;
  if (n == 0 && m == 0)
    return 0;

  max = (int) MIN (max_edits, n + m);
  trace = g_array_new (FALSE, FALSE, sizeof (int));
  edits = n == 0 || m == 0 || n + m > G_MAXINT / 2 ? -1
          : shortest_edit (old_list + prefix, n, new_list + prefix, m, max, trace);
  if (edits < 0)
    {
      func (prefix, n, prefix, m, user_data);
      return 1;
    }

  hunks = g_array_new (FALSE, FALSE, sizeof (Hunk));
  collect_hunks (n, m, edits, max, trace, hunks);
  for (guint i = hunks->len; i > 0; i--)
    {
      Hunk *hunk = &g_array_index (hunks, Hunk, i - 1);

      func (prefix + hunk->old_start, hunk->old_end - hunk->old_start,
            prefix + hunk->new_start, hunk->new_end - hunk->new_start, user_data);
    }

  return hunks->len;
}
