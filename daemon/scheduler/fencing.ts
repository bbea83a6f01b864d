import { getAction, order } from './actions.js';
import type { HistoryState } from './unpack-status.js';
import type { SchedAction, SchedNode, SchedResource, WorkingSet } from './working-set.js';

/**
 * Fencing, as Pacemaker's scheduler decides it: which nodes are unclean and why,
 * whether they can be fenced, and what a fence implies. A node is fenced when it is
 * unclean (lost while expected up, found in an unexplained state, an operation with
 * on-fail=fence failed there, a resource is thought active on it while it is down…)
 * and fencing is possible. Resources active there are then stopped by the fencing
 * itself: their stops become pseudo actions ordered after the fence.
 */

/** Marks a node unclean (Pacemaker's pe_fence_node); only the first reason is kept and reported. */
export function markUnclean(node: SchedNode, reason: string): void {
  if (node.unclean) return;
  node.unclean = true;
  node.fenceReason = reason;
}

/**
 * A fencing mechanism exists: a stonith-class resource, watchdog self-fencing (SBD: have-watchdog=true),
 * or vigil's lease-based self-fencing.
 */
export function hasFencingDevice(ws: WorkingSet): boolean {
  return ws.options.leaseFencing || ws.options.haveWatchdog || ws.primitives.some((p) => p.def?.class === 'stonith');
}

/**
 * Fencing enabled without any way to fence: Pacemaker disables resource start-up — every
 * resource is left unmanaged (probed, never started, stopped or moved) until a device exists.
 */
export function requireFencingDevice(ws: WorkingSet): void {
  if (!ws.options.stonithEnabled || hasFencingDevice(ws)) return;
  for (const r of ws.resourceById.values()) r.managed = false;
}

/** Pacemaker's pe_can_fence: enabled, a device exists, and quorum (or the node is in our membership). */
export function canFence(ws: WorkingSet, node: SchedNode): boolean {
  const o = ws.options;
  if (!o.stonithEnabled || !hasFencingDevice(ws)) return false;
  return o.haveQuorum || o.noQuorumPolicy === 'ignore' || node.online;
}

/**
 * What one resource's history on a node says about fencing that node (Pacemaker's
 * process_rsc_state): a managed resource active on a node that is down means the node
 * must be fenced; a failure with on-fail=fence too. Returns true when the node is unclean:
 * the resource's failure there then needs no recovery of its own — fencing stops it.
 */
export function fenceForHistory(ws: WorkingSet, rsc: SchedResource, node: SchedNode, state: HistoryState): boolean {
  const active = state.role !== 'Stopped' && state.role !== 'Unknown';
  // (Remote nodes are up or down with their connection resource, which vigil does not model: never fenced from here.)
  if (active && !node.online && !node.maintenance && rsc.managed && ws.options.stonithEnabled && node.attrs['#kind'] === 'cluster') {
    markUnclean(node, `${rsc.id} is thought to be active there`);
  }
  if (node.unclean) return true;
  if (state.failed && state.onFail === 'fence') markUnclean(node, `${rsc.id} failed there`);
  return false;
}

/** A fence action per node to fence; returns them for the summary. */
export interface Fencing {
  node: SchedNode;
  action: SchedAction;
  reason: string;
}

/**
 * Schedules the fencing of every unclean node that can be fenced. Stops (and demotes) of
 * resources there become pseudo actions ordered after the fence: the fence is what stops
 * them. Where an offline unclean node cannot be fenced, nothing there can be stopped.
 */
export function scheduleFencing(ws: WorkingSet): Fencing[] {
  const fenced: Fencing[] = [];
  const stopsOn = new Map<SchedNode, SchedAction[]>();
  for (const a of ws.actions) {
    if (!a.node?.unclean || (a.task !== 'stop' && a.task !== 'demote')) continue;
    (stopsOn.get(a.node) ?? stopsOn.set(a.node, []).get(a.node)!).push(a);
  }
  // Nothing to protect, nothing to fence for.
  if (!ws.primitives.some((p) => p.managed)) return fenced;
  for (const node of ws.nodes) {
    if (!node.unclean) continue;
    const stops = stopsOn.get(node) ?? [];
    if (!canFence(ws, node)) {
      if (!node.online) for (const s of stops) s.runnable = false;
      continue;
    }
    const action = getAction(ws, undefined, 'stonith', node, { optional: false });
    action.key = `stonith-${node.uname}-${ws.options.stonithAction}`;
    action.meta = { stonith_action: ws.options.stonithAction };
    for (const s of stops) {
      s.pseudo = true;
      s.runnable = true;
      order(action, s, {});
    }
    fenced.push({ node, action, reason: node.fenceReason ?? 'node is unclean' });
  }
  return fenced;
}

/** crm_simulate's summary line for a fence. */
export const fenceSummaryLine = (f: Fencing): string => `* Fence (${f.action.meta.stonith_action}) ${f.node.uname} '${f.reason}'`;
