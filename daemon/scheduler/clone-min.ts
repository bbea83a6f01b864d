import type { OrderConstraint } from '../cib/model.js';
import { getAction, order } from './actions.js';
import type { SchedAction, SchedResource, WorkingSet } from './working-set.js';

/**
 * clone-min and require-all=false (Pacemaker Explained, "Clone options" and
 * "Ordering constraints"): what is ordered after a clone may start once
 * clone-min of its instances (one, with require-all=false) can run, rather
 * than all of them. Pacemaker models it as a pseudo action named
 * "clone-one-or-more:<order id>", which summary reasons mention.
 */
export function cloneMinimum(first: SchedResource, c: OrderConstraint): number | undefined {
  if (first.kind !== 'clone') return undefined;
  const min = Number(first.meta['clone-min'] ?? 0);
  if (Number.isFinite(min) && min > 0) return min;
  return c.requireAll === false ? 1 : undefined;
}

/** Orders `thens` after a gate that is runnable while at least `min` of the first clone's instances can start. */
export function orderAfterEnoughInstances(ws: WorkingSet, orderId: string, first: SchedResource, min: number, thens: SchedAction[], instanceStarts: (inst: SchedResource) => SchedAction[]): void {
  const gate = getAction(ws, undefined, `clone-one-or-more:${orderId}`, undefined, { optional: true, pseudo: true });
  gate.requiresAny = true;
  gate.requiresAtLeast = min;
  for (const inst of first.children) for (const a of instanceStarts(inst)) order(a, gate, {});
  for (const b of thens) order(gate, b, { runnableFirst: true, impliesThen: true });
}
