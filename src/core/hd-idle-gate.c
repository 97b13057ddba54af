/* hd-idle-gate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hd-idle-gate.h"

struct _HdIdleGate
{
  gatomicrefcount ref;
  GMutex          mutex;
  GCond           cond;
  gint64          quiet_us;
  gint64          last_touch;  /* monotonic µs */
  guint           holds;
};

G_DEFINE_BOXED_TYPE (HdIdleGate, hd_idle_gate, hd_idle_gate_ref, hd_idle_gate_unref)

/**
 * hd_idle_gate_new:
 * @quiet_ms: how long the window must have been quiet before work goes on
 *
 * A gate that is open once nothing held it and nobody touched it for
 * @quiet_ms. A new gate counts as touched now.
 */
HdIdleGate *
hd_idle_gate_new (guint quiet_ms)
{
  HdIdleGate *self = g_new0 (HdIdleGate, 1);

  g_atomic_ref_count_init (&self->ref);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->quiet_us = (gint64) quiet_ms * 1000;
  self->last_touch = g_get_monotonic_time ();
  return self;
}

HdIdleGate *
hd_idle_gate_ref (HdIdleGate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
hd_idle_gate_unref (HdIdleGate *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref))
    return;

  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

/**
 * hd_idle_gate_touch:
 *
 * The person acted now: work waits until they have been quiet again.
 */
void
hd_idle_gate_touch (HdIdleGate *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->last_touch = g_get_monotonic_time ();
  g_mutex_unlock (&self->mutex);
}

/**
 * hd_idle_gate_hold:
 *
 * The window is busy (rows it waits for are being read): work waits until
 * every hold is released, and then for the quiet time.
 */
void
hd_idle_gate_hold (HdIdleGate *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->holds++;
  g_mutex_unlock (&self->mutex);
}

void
hd_idle_gate_release (HdIdleGate *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  if (self->holds > 0 && --self->holds == 0)
    self->last_touch = g_get_monotonic_time ();
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/* With the mutex held: when the gate opens, or 0 when it is held. */
static gint64
opens_at (HdIdleGate *self)
{
  return self->holds > 0 ? 0 : self->last_touch + self->quiet_us;
}

gboolean
hd_idle_gate_is_open (HdIdleGate *self)
{
  gint64 at;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  at = opens_at (self);
  g_mutex_unlock (&self->mutex);
  return at != 0 && at <= g_get_monotonic_time ();
}

static void
cancelled_cb (GCancellable *cancellable,
              HdIdleGate   *self)
{
  g_mutex_lock (&self->mutex);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * hd_idle_gate_wait:
 *
 * Blocks the calling worker until the gate is open. Never call it from
 * the thread that touches the gate.
 *
 * Returns: %FALSE when @cancellable was cancelled meanwhile
 */
gboolean
hd_idle_gate_wait (HdIdleGate   *self,
                   GCancellable *cancellable)
{
  gulong handler = 0;
  gboolean open = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);

  /* Connected before the mutex is taken: an already cancelled
   * cancellable calls back at once, and the callback takes the mutex. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);

  g_mutex_lock (&self->mutex);
  while (!g_cancellable_is_cancelled (cancellable))
    {
      gint64 at = opens_at (self);

      if (at != 0 && at <= g_get_monotonic_time ())
        {
          open = TRUE;
          break;
        }
      /* Held: until a release (or a cancel) wakes us. Touched: until the
       * quiet time is over, then look again. */
      if (at == 0)
        g_cond_wait (&self->cond, &self->mutex);
      else
        g_cond_wait_until (&self->cond, &self->mutex, at);
    }
  g_mutex_unlock (&self->mutex);

  g_cancellable_disconnect (cancellable, handler);
  return open;
}
