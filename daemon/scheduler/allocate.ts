import { INFINITY } from '../cib/score.js';
import { applyColocation, mergeColocatedScores } from './colocation.js';
import { consumeCapacity } from './utilization.js';
import { chooseNode } from './placement.js';
import { nodeAvailable, primitivesOf, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';

const currentNode = (ws: WorkingSet, r: SchedResource): SchedNode | undefined => {
  if (r.running.size === 0) return undefined;
  return ws.nodeById.get(r.running.keys().next().value!);
};

/** Scores used to order resources for assignment: own plus dependents' preferences. */
function sortWeights(ws: WorkingSet, r: SchedResource): Map<string, number> {
  if (r.kind === 'clone') {
    // A clone ranks by where it may run at all (its instances' stickiness is their own business).
    const first = primitivesOf(r)[0];
    return new Map([...(first?.allowed ?? [])].map(([id, score]) => [id, score <= -INFINITY ? -INFINITY : 0]));
  }
  const lead = r.kind === 'group' ? r.children[0] : r;
  return mergeColocatedScores(ws, lead, new Map(lead.allowed), 1, new Set(), true);
}

/**
 * Pacemaker's assignment order: higher priority first, then configuration
 * order; with a non-default placement strategy, ties are broken by the score on
 * the node each runs on, then by scores node by node (nodes in name order).
 */
export function sortForAssignment(ws: WorkingSet): SchedResource[] {
  if (ws.options.placementStrategy === 'default') {
    return [...ws.resources].sort((a, b) => b.priority - a.priority || a.order - b.order);
  }
  const nodes = [...ws.nodes].sort((a, b) => (a.uname < b.uname ? -1 : a.uname > b.uname ? 1 : 0));
  const keyed = ws.resources.map((r) => {
    const weights = sortWeights(ws, r);
    const lead = r.kind === 'group' ? r.children[0] : r.kind === 'clone' ? primitivesOf(r).find((p) => p.running.size > 0) : r;
    const cur = lead ? currentNode(ws, lead) : undefined;
    // Observed with crm_simulate 2.1.5 (not derived from documentation): a resource on a standby node
    // ranks as if it ran nowhere, one on a node shutting down keeps its score there.
    return { r, weights, curWeight: cur && !cur.standby ? (weights.get(cur.id) ?? -INFINITY) : -INFINITY };
  });
  keyed.sort((a, b) => {
    if (a.r.priority !== b.r.priority) return b.r.priority - a.r.priority;
    if (a.curWeight !== b.curWeight) return b.curWeight - a.curWeight;
    for (const n of nodes) {
      // Nodes that cannot run anything (standby, offline) do not rank resources.
      if (!nodeAvailable(n)) continue;
      const wa = a.weights.get(n.id) ?? -INFINITY;
      const wb = b.weights.get(n.id) ?? -INFINITY;
      if (wa !== wb) return wb - wa;
    }
    return a.r.order - b.r.order;
  });
  return keyed.map((k) => k.r);
}

export function assignTo(ws: WorkingSet, r: SchedResource, node: SchedNode | undefined): void {
  r.provisional = false;
  r.assignedTo = node;
  if (!node) return;
  node.assignedCount++;
  if (ws.options.placementStrategy !== 'default') consumeCapacity(node, r);
}

/** Assigns a primitive: its primaries first, then its own choice informed by its dependents. */
export function assignPrimitive(ws: WorkingSet, r: SchedResource, extraFilter?: (n: SchedNode) => boolean, prefer?: SchedNode): void {
  if (!r.provisional || r.assigning) return;
  r.assigning = true;
  for (const col of r.withPrimaries) {
    assignResource(ws, col.primary);
    applyColocation(ws, col);
  }
  const cur = currentNode(ws, r);
  if (!r.managed) {
    // Unmanaged resources stay exactly where they are.
    assignTo(ws, r, cur);
  } else if (r.nextRole === 'Stopped' || r.targetRole === 'Stopped' || r.blocked) {
    assignTo(ws, r, r.blocked ? cur : undefined);
  } else {
    const scores = mergeColocatedScores(ws, r, new Map(r.allowed), 1, new Set());
    assignTo(ws, r, chooseNode(ws, r, scores, { filter: extraFilter, prefer, current: cur }));
  }
  r.assigning = false;
}

/** Assigns any resource kind (groups member by member, clones instance by instance). */
export function assignResource(ws: WorkingSet, r: SchedResource): void {
  if (!r.provisional) return;
  if (r.kind === 'primitive') return assignPrimitive(ws, r);
  if (r.kind === 'group') {
    if (r.assigning) return;
    r.assigning = true;
    for (const c of r.children) assignPrimitive(ws, c);
    r.assigning = false;
    r.provisional = false;
    r.assignedTo = r.children[0]?.assignedTo;
    return;
  }
  assignClone(ws, r);
}

/** Instances running now keep their node when allowed; the rest spread by score, then by load. */
function assignClone(ws: WorkingSet, clone: SchedResource): void {
  if (clone.assigning) return;
  clone.assigning = true;
  // The clone's own colocations bind every instance: place the primaries first, then restrict each instance.
  for (const col of clone.withPrimaries) {
    assignResource(ws, col.primary);
    for (const inst of clone.children) applyColocation(ws, col, inst.kind === 'group' ? inst.children[0] : inst);
  }
  const nodeMax = Number(clone.meta['clone-node-max'] ?? 1);
  const perNode = new Map<string, number>();
  const instances = [...clone.children].sort((a, b) => {
    const ra = primitivesOf(a).some((p) => p.running.size > 0) ? 0 : 1;
    const rb = primitivesOf(b).some((p) => p.running.size > 0) ? 0 : 1;
    return ra - rb || (a.instance ?? 0) - (b.instance ?? 0);
  });
  for (const inst of instances) {
    const filter = (n: SchedNode) => (perNode.get(n.id) ?? 0) < nodeMax;
    const lead = inst.kind === 'group' ? inst.children[0] : inst;
    if (inst.kind === 'group') {
      assignPrimitive(ws, lead, filter, currentNode(ws, lead));
      for (const c of inst.children.slice(1)) assignPrimitive(ws, c);
      inst.provisional = false;
      inst.assignedTo = lead.assignedTo;
    } else assignPrimitive(ws, inst, filter, currentNode(ws, inst));
    const node = inst.kind === 'group' ? inst.assignedTo : inst.assignedTo;
    if (node) perNode.set(node.id, (perNode.get(node.id) ?? 0) + 1);
  }
  clone.provisional = false;
  clone.assigning = false;
}

/** Runs assignment for every resource in Pacemaker's order. */
export function assignAll(ws: WorkingSet): void {
  for (const r of sortForAssignment(ws)) assignResource(ws, r);
}
