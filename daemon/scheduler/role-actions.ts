import { findActions, getAction, EDGE_FLAGS, order, type PrimitivePlan } from './actions.js';
import { mustDemote } from './promotion.js';
import { currentRole, isPromotableClone, nextRoleOf, promotableParent } from './roles.js';
import type { SchedAction, SchedResource, WorkingSet } from './working-set.js';

/**
 * promote/demote for instances of promotable clones. A promoted instance is
 * demoted before it stops (a stop required later requires the demote too); an
 * instance to be promoted is started first, and cannot be promoted when it
 * cannot start. A promoted instance restarted in place is promoted again.
 */
export function createRoleActions(ws: WorkingSet, plan: PrimitivePlan): void {
  const r = plan.rsc;
  if (!promotableParent(r) || !r.managed || r.blocked) return;
  addRoleChanges(ws, plan);
  // Recurring monitors of the new role start once the role change is done.
  const monitors = plan.next ? findActions(ws, r, 'monitor').filter((m) => m.intervalMs > 0 && m.node === plan.next) : [];
  for (const change of [plan.promote, plan.demote]) if (change && change.node === plan.next) for (const m of monitors) order(change, m, EDGE_FLAGS.runnableFirst);
}

function addRoleChanges(ws: WorkingSet, plan: PrimitivePlan): void {
  const r = plan.rsc;
  const now = currentRole(r);
  const next = nextRoleOf(r);
  const cur = plan.current;
  const target = plan.next;
  if (now === 'Promoted' && cur) {
    const stop = plan.stops.find((s) => s.node === cur);
    const keep = next === 'Promoted' && target === cur;
    const demote = getAction(ws, r, 'demote', cur, { optional: keep && (!stop || stop.optional) && !mustDemote(r) });
    plan.demote = demote;
    if (stop) order(demote, stop, EDGE_FLAGS.impliesFirst);
    if (keep) {
      // Restarted in place (now or through a later requirement): promoted again afterwards.
      const promote = getAction(ws, r, 'promote', cur, { optional: demote.optional });
      plan.promote = promote;
      order(demote, promote, EDGE_FLAGS.impliesThen);
      if (plan.start) order(plan.start, promote, EDGE_FLAGS.runnableFirstImpliesThen);
      return;
    }
  }
  if (next === 'Promoted' && target && (now !== 'Promoted' || target !== cur)) {
    const promote = getAction(ws, r, 'promote', target, { optional: false });
    plan.promote = promote;
    if (plan.start) order(plan.start, promote, EDGE_FLAGS.runnableFirst);
    if (plan.demote) order(plan.demote, promote, EDGE_FLAGS.plain);
  }
}

/** The clone-wide promote/promoted and demote/demoted pseudo actions around its instances' own. */
export function promotableOrderings(ws: WorkingSet, clone: SchedResource, instanceActions: (inst: SchedResource, task: string) => SchedAction[]): void {
  if (!isPromotableClone(clone)) return;
  const pseudo = (task: string) => getAction(ws, clone, task, undefined, { optional: true, pseudo: true });
  const promote = pseudo('promote');
  const promoted = pseudo('promoted');
  const demote = pseudo('demote');
  const demoted = pseudo('demoted');
  // Instances are promoted once the clone has started, and demoted before it stops or promotes again.
  order(pseudo('running'), promote, EDGE_FLAGS.runnableFirst);
  order(demoted, promote, EDGE_FLAGS.plain);
  order(demoted, pseudo('stop'), EDGE_FLAGS.plain);
  order(demote, demoted, EDGE_FLAGS.plain);
  // "Promoted" happens only if some instance is (or stays) promoted: what is ordered after it waits for that.
  promoted.requiresAny = true;
  promoted.runnable = false;
  for (const inst of clone.children) {
    for (const a of instanceActions(inst, 'promote')) {
      order(promote, a, EDGE_FLAGS.runnableFirst);
      order(a, promoted, EDGE_FLAGS.impliesThen);
      if (a.runnable) promoted.runnable = true;
    }
    for (const a of instanceActions(inst, 'demote')) {
      order(demote, a, EDGE_FLAGS.impliesFirst);
      order(a, demoted, EDGE_FLAGS.impliesThen);
    }
  }
}
