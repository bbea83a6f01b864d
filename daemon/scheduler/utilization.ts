import { INFINITY } from '../cib/score.js';
import { cloneOf } from './unpack-status.js';
import { primitivesOf, type SchedColocation, type SchedNode, type SchedResource } from './working-set.js';

/** Whether a node's remaining capacity holds this much (missing capacity counts as 0). */
export function fits(n: SchedNode, need: Record<string, number>): boolean {
  for (const k in need) if (need[k] > 0 && (n.remaining[k] ?? 0) < need[k]) return false;
  return true;
}

/**
 * What a resource brings with it: its own utilization plus that of every
 * not-yet-placed resource tied to it by mandatory colocation (either way),
 * since they must all fit on the same node. A clone instance brings what its
 * clone's colocations tie to it; a clone reached that way brings one unplaced
 * instance (observed with crm_simulate 2.1.5: an instance of clone A, with
 * clone B colocated with A and group G with B, needs room for itself and one
 * instance of B, not for G; B's instance needs room for itself and G).
 */
export function colocatedUtilization(r: SchedResource): Record<string, number> {
  const seen = new Set<SchedResource>([r]);
  const stack = [r];
  const total: Record<string, number> = {};
  const own = cloneOf(r);
  if (own) seen.add(own);
  while (stack.length) {
    const x = stack.pop()!;
    if (x.kind === 'clone') {
      // Pacemaker follows a clone only to what it is colocated with, and to clones colocated with it.
      follow(x, x.withPrimaries, seen, stack);
      follow(x, x.withCloneDependents, seen, stack);
      continue;
    }
    if (x === r || x.provisional) for (const k in x.utilization) total[k] = (total[k] ?? 0) + x.utilization[k];
    follow(x, x.withDependents, seen, stack);
    follow(x, x.withPrimaries, seen, stack);
    if (x === r && own) {
      follow(x, own.withDependents, seen, stack);
      follow(x, own.withPrimaries, seen, stack);
    }
  }
  return total;
}

/** Queues the unplaced primitives (and clones, with one unplaced instance's) mandatorily colocated with `x` through `colocations`. */
function follow(x: SchedResource, colocations: SchedColocation[], seen: Set<SchedResource>, stack: SchedResource[]): void {
  for (const c of colocations) {
    if (c.score < INFINITY) continue;
    const other = c.dependent === x || c.dependent === x.parent?.parent || c.dependent === x.parent ? c.primary : c.dependent;
    if (seen.has(other)) continue;
    if (other.kind === 'clone') {
      seen.add(other);
      stack.push(other);
      const instance = firstUnplacedInstance(other);
      for (const p of instance ? primitivesOf(instance) : []) if (!seen.has(p)) seen.add(p), stack.push(p);
      continue;
    }
    if (other.kind !== 'primitive' || !other.provisional) continue;
    seen.add(other);
    stack.push(other);
  }
}

/** The first instance of a clone with a primitive still to place (asked once per resource colocated with the clone). */
function firstUnplacedInstance(clone: SchedResource): SchedResource | undefined {
  for (const i of clone.children) {
    if (i.kind === 'primitive' ? i.provisional : primitivesOf(i).some((p) => p.provisional)) return i;
  }
  return undefined;
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
