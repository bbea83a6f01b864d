import { INFINITY } from '../cib/score.js';
import { hashTableOrder, listSortHead } from './glib-order.js';
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
  const nodes = candidateOrder(ws, scores);
  const m = nodes.length;
  // Positions in hash order; weight[p] is the score of nodes[p] (bans included).
  const weight = new Float64Array(m);
  for (let p = 0; p < m; p++) weight[p] = hints.filter && !hints.filter(nodes[p]) ? -INFINITY : scores.get(nodes[p].id)!;
  const usable = (p: number) => nodeAvailable(nodes[p]) && weight[p] >= 0;
  if (strategy !== 'default') {
    const together = colocatedUtilization(r);
    let need = r.utilization;
    for (let p = 0; p < m; p++) if (usable(p) && fits(nodes[p], together)) need = together;
    for (let p = 0; p < m; p++) if (usable(p) && !fits(nodes[p], need)) weight[p] = -INFINITY;
  }
  if (m === 0) return undefined;
  // g_hash_table_get_values lists the table backwards.
  const listed = new Int32Array(m);
  for (let p = 0; p < m; p++) listed[p] = m - 1 - p;
  // The comparison runs for every candidate: work out availability once per node.
  const effective = new Float64Array(m);
  for (let p = 0; p < m; p++) effective[p] = nodeAvailable(nodes[p]) ? weight[p] : -INFINITY;
  // Only the node the sort would list first matters (the order itself is by effective score first).
  const best = listSortHead(listed, (pa, pb) => {
    const wa = effective[pa];
    const wb = effective[pb];
    if (wa !== wb) return wa > wb ? -1 : 1;
    const a = nodes[pa];
    const b = nodes[pb];
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
  const preferAt = hints.prefer ? nodes.indexOf(hints.prefer) : -1;
  let chosen = preferAt >= 0 && weight[preferAt] >= weight[best] && usable(preferAt) ? preferAt : -1;
  if (chosen < 0) {
    chosen = best;
    const uniqueInstance = r.parent?.kind === 'clone' && /^(true|on|yes|y|1)$/i.test(r.parent.meta['globally-unique'] ?? '');
    const curAt = hints.current ? nodes.indexOf(hints.current) : -1;
    // The current node is kept when it ties with the best: the sorted list starts with every node of the best score.
    if (!uniqueInstance && weight[best] > 0 && nodeAvailable(nodes[best]) && curAt >= 0 && usable(curAt) && weight[curAt] === weight[best]) chosen = curAt;
  }
  return usable(chosen) ? nodes[chosen] : undefined;
}

const orderMemo = new WeakMap<WorkingSet, Map<string, SchedNode[]>>();

/** A resource's candidate nodes in Pacemaker's table order; most resources share one node set, so it is worked out once per set. */
function candidateOrder(ws: WorkingSet, scores: Map<string, number>): SchedNode[] {
  const ids = [...scores.keys()];
  const key = ids.join('\0');
  let memo = orderMemo.get(ws);
  if (!memo) orderMemo.set(ws, (memo = new Map()));
  let nodes = memo.get(key);
  if (!nodes) {
    nodes = hashTableOrder(ids).map((id) => ws.nodeById.get(id)).filter((n): n is SchedNode => n !== undefined);
    memo.set(key, nodes);
  }
  return nodes;
}
