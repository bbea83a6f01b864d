import { INFINITY } from '../cib/score.js';
import { hashTableOrder, listSort } from './glib-order.js';
import { colocatedUtilization, compareCapacity, fits } from './utilization.js';
import { nodeAvailable, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';

export interface PlacementHints {
  /** nodes the resource may not take now (e.g. clone-node-max reached) */
  filter?: (n: SchedNode) => boolean;
  /** node to keep when it is as good as the best (a clone instance's current node) */
  prefer?: SchedNode;
  /** where the resource runs now */
  current?: SchedNode;
}

const byName = (a: SchedNode, b: SchedNode) => (a.uname < b.uname ? -1 : a.uname > b.uname ? 1 : 0);

/**
 * Chooses a primitive's node the way Pacemaker 2.1.5 does (observed with
 * crm_simulate): with a utilization strategy, nodes without room for the
 * resource and whatever must follow it are banned (or, when none has room for
 * all, those without room for the resource alone). The preferred node (a clone
 * instance's current one) wins when it scores as well as the best; otherwise
 * the first node after sorting by score, free capacity (balanced), resources
 * placed, being the current node, and name, except that a resource keeps its current node
 * when that scores as well. Candidates are listed and sorted exactly as
 * Pacemaker does, since the capacity comparison makes ties order-dependent.
 */
export function chooseNode(ws: WorkingSet, r: SchedResource, scores: Map<string, number>, hints: PlacementHints = {}): SchedNode | undefined {
  const strategy = ws.options.placementStrategy;
  const order: SchedNode[] = [];
  const weight = new Map<SchedNode, number>();
  for (const id of hashTableOrder([...scores.keys()])) {
    const n = ws.nodeById.get(id);
    if (!n) continue;
    order.push(n);
    weight.set(n, hints.filter && !hints.filter(n) ? -INFINITY : scores.get(id)!);
  }
  const usable = (n: SchedNode) => nodeAvailable(n) && weight.get(n)! >= 0;
  if (strategy !== 'default') {
    const together = colocatedUtilization(r);
    const need = order.some((n) => usable(n) && fits(n, together)) ? together : r.utilization;
    for (const n of order) if (usable(n) && !fits(n, need)) weight.set(n, -INFINITY);
  }
  const prefer = hints.prefer;
  const sorted = listSort([...order].reverse(), (a, b) => {
    const wa = nodeAvailable(a) ? weight.get(a)! : -INFINITY;
    const wb = nodeAvailable(b) ? weight.get(b)! : -INFINITY;
    if (wa !== wb) return wa > wb ? -1 : 1;
    if (strategy === 'minimal') return byName(a, b);
    if (strategy === 'balanced') {
      const c = compareCapacity(a, b);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    if (a.assignedCount !== b.assignedCount) return a.assignedCount < b.assignedCount ? -1 : 1;
    if (hints.current === a) return -1;
    if (hints.current === b) return 1;
    return byName(a, b);
  });
  const best = sorted[0];
  if (!best) return undefined;
  let chosen = prefer && weight.has(prefer) && weight.get(prefer)! >= weight.get(best)! && usable(prefer) ? prefer : undefined;
  if (!chosen) {
    chosen = best;
    const uniqueInstance = r.parent?.kind === 'clone' && /^(true|on|yes|y|1)$/i.test(r.parent.meta['globally-unique'] ?? '');
    const cur = hints.current;
    if (!uniqueInstance && weight.get(best)! > 0 && nodeAvailable(best) && cur && weight.has(cur) && usable(cur)) {
      for (const n of sorted.slice(1)) {
        if (weight.get(n) !== weight.get(best)) break;
        if (n === cur) chosen = n;
      }
    }
  }
  return usable(chosen) ? chosen : undefined;
}
