import { INFINITY } from '../cib/score.js';
import type { SchedColocation, SchedNode, SchedResource } from './working-set.js';

/** Whether a node's remaining capacity holds this much (missing capacity counts as 0). */
export function fits(n: SchedNode, need: Record<string, number>): boolean {
  for (const k in need) if (need[k] > 0 && (n.remaining[k] ?? 0) < need[k]) return false;
  return true;
}

/**
 * What a resource brings with it: its own utilization plus that of every
 * not-yet-placed resource tied to it by mandatory colocation (either way),
 * since they must all fit on the same node.
 */
export function colocatedUtilization(r: SchedResource): Record<string, number> {
  const seen = new Set<SchedResource>([r]);
  const stack = [r];
  const total: Record<string, number> = {};
  while (stack.length) {
    const x = stack.pop()!;
    if (x === r || x.provisional) for (const k in x.utilization) total[k] = (total[k] ?? 0) + x.utilization[k];
    follow(x, x.withDependents, seen, stack);
    follow(x, x.withPrimaries, seen, stack);
  }
  return total;
}

/** Queues the unplaced primitives mandatorily colocated with `x` through `colocations`. */
function follow(x: SchedResource, colocations: SchedColocation[], seen: Set<SchedResource>, stack: SchedResource[]): void {
  for (const c of colocations) {
    if (c.score < INFINITY) continue;
    const other = c.dependent === x ? c.primary : c.dependent;
    if (other.kind !== 'primitive' || seen.has(other) || !other.provisional) continue;
    seen.add(other);
    stack.push(other);
  }
}

export function consumeCapacity(n: SchedNode, r: SchedResource): void {
  for (const k in r.utilization) n.remaining[k] = (n.remaining[k] ?? 0) - r.utilization[k];
}

/** balanced placement: the node with more free capacity in more attributes sorts first. */
export function compareCapacity(a: SchedNode, b: SchedNode): number {
  let result = 0;
  for (const k of a.capacityNames) {
    const ra = a.remaining[k] ?? 0;
    const rb = b.remaining[k] ?? 0;
    if (ra > rb) result--;
    else if (ra < rb) result++;
  }
  for (const k of b.capacityNames) {
    if (k in a.capacity) continue;
    if ((b.remaining[k] ?? 0) > 0) result++;
  }
  return result;
}
