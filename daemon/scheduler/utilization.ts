import type { SchedNode, SchedResource } from './working-set.js';

/** Whether a node's remaining capacity holds the resource's utilization (missing capacity counts as 0). */
export function fitsCapacity(n: SchedNode, r: SchedResource): boolean {
  for (const [k, need] of Object.entries(r.utilization)) if (need > 0 && (n.remaining[k] ?? 0) < need) return false;
  return true;
}

export function consumeCapacity(n: SchedNode, r: SchedResource): void {
  for (const [k, need] of Object.entries(r.utilization)) n.remaining[k] = (n.remaining[k] ?? 0) - need;
}

/** balanced placement: the node with more free capacity in more attributes sorts first. */
export function compareCapacity(a: SchedNode, b: SchedNode): number {
  let result = 0;
  for (const k in a.capacity) {
    const ra = a.remaining[k] ?? 0;
    const rb = b.remaining[k] ?? 0;
    if (ra > rb) result--;
    else if (ra < rb) result++;
  }
  for (const k in b.capacity) {
    if (k in a.capacity) continue;
    if ((b.remaining[k] ?? 0) > 0) result++;
  }
  return result;
}
