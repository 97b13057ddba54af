/* hd-idle-gate.h — long background work that gives way to a person
 *
 * A window's background work (copying and checking a large file) must
 * never compete with what the person is doing: the rows they wait for,
 * the keys they press. The window tells a gate when it is busy and when
 * the person acts; the work waits at the gate, between small steps, until
 * the window has been quiet for a while.
 *
 * The gate is shared between the thread that owns the window and the
 * workers; every call is safe from any thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HdIdleGate HdIdleGate;

#define HD_TYPE_IDLE_GATE (hd_idle_gate_get_type ())

GType       hd_idle_gate_get_type  (void) G_GNUC_CONST;
HdIdleGate *hd_idle_gate_new       (guint         quiet_ms);
HdIdleGate *hd_idle_gate_ref       (HdIdleGate   *self);
void        hd_idle_gate_unref     (HdIdleGate   *self);
void        hd_idle_gate_touch     (HdIdleGate   *self);
void        hd_idle_gate_hold      (HdIdleGate   *self);
void        hd_idle_gate_release   (HdIdleGate   *self);
gboolean    hd_idle_gate_is_open   (HdIdleGate   *self);
gboolean    hd_idle_gate_wait      (HdIdleGate   *self,
                                    GCancellable *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdIdleGate, hd_idle_gate_unref)

G_END_DECLS
