import { INFINITY } from '../cib/score.js';
import { applyColocation, colocationsInApplyOrder, mergeColocatedScores } from './colocation.js';
import { consumeCapacity, releaseCapacity } from './utilization.js';
import { chooseNode } from './placement.js';
import { KeySequences, type KeySequence } from './key-sequences.js';
import { addPromotionScores, promotionPriority, setInstanceRoles } from './promotion.js';
import { nodeAvailable, primitivesOf, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';
import { anonymousClone } from './unpack-status.js';

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
  return mergeColocatedScores(ws, lead, lead.allowed, true);
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
  // Nodes that cannot run anything (standby, offline) do not rank resources.
  const nodes = ws.nodes.filter(nodeAvailable).sort((a, b) => (a.uname < b.uname ? -1 : a.uname > b.uname ? 1 : 0));
  // Resource k's weights on the nodes are byNode[k * m ...] (one array for all: a resource each would be thousands).
  const m = nodes.length;
  const byNode = new Float64Array(ws.resources.length * m);
  const hashes = new Int32Array(ws.resources.length);
  const curWeight = new Float64Array(ws.resources.length);
  // Where each id of a table goes in a row (-1: a node that does not rank), per key sequence.
  const slotOf = new Map(nodes.map((n, i) => [n.id, i]));
  const tables = new KeySequences((ids) => Int32Array.from(ids, (id) => slotOf.get(id) ?? -1));
  for (let k = 0; k < ws.resources.length; k++) {
    const r = ws.resources[k];
    const weights = sortWeights(ws, r);
    const lead = r.kind === 'group' ? r.children[0] : r.kind === 'clone' ? primitivesOf(r).find((p) => p.running.size > 0) : r;
    const cur = lead ? currentNode(ws, lead) : undefined;
    hashes[k] = writeRow(tables.read(weights), byNode, k * m, m);
    // Observed with crm_simulate 2.1.5 (not derived from documentation): a resource on a standby node
    // ranks as if it ran nowhere, one on a node shutting down keeps its score there.
    curWeight[k] = cur && !cur.standby ? (weights.get(cur.id) ?? -INFINITY) : -INFINITY;
  }
  const rank = rowRanks(byNode, hashes, m);
  const keys = Array.from(ws.resources.keys());
  keys.sort((ka, kb) => {
    const a = ws.resources[ka];
    const b = ws.resources[kb];
    if (a.priority !== b.priority) return b.priority - a.priority;
    if (curWeight[ka] !== curWeight[kb]) return curWeight[kb] - curWeight[ka];
    return rank[ka] - rank[kb] || a.order - b.order;
  });
  return keys.map((k) => ws.resources[k]);
}

/** 0 when rows a and b (m wide) of `rows` hold the same numbers, else below 0 when a sorts first (the first larger number). */
function compareRows(rows: Float64Array, m: number, a: number, b: number): number {
  for (let i = 0; i < m; i++) if (rows[a * m + i] !== rows[b * m + i]) return rows[b * m + i] - rows[a * m + i];
  return 0;
}

/**
 * Writes a resource's scores (a table just read) to rows[at...at+m] by the slots of its key sequence
 * (-INFINITY where it has none) and returns a hash of them. A function of its own, called per resource, so
 * that V8 optimises it early.
 */
function writeRow(table: KeySequence<Int32Array>, rows: Float64Array, at: number, m: number): number {
  rows.fill(-INFINITY, at, at + m);
  const { values, data: slots } = table;
  for (let i = 0; i < slots.length; i++) if (slots[i] >= 0) rows[at + slots[i]] = values[i];
  let hash = 0;
  for (let i = 0; i < m; i++) hash = (Math.imul(hash, 31) + (rows[at + i] | 0)) | 0;
  return hash;
}

/**
 * Each row's rank (m wide rows, hashed by writeRow) in the order that compares them
 * number by number, larger first; equal rows share a rank. Most resources
 * have the same scores everywhere, so the distinct rows are few: ranking them
 * once spares the sort comparing whole rows again and again.
 */
function rowRanks(rows: Float64Array, hashes: Int32Array, m: number): Int32Array {
  const count = hashes.length;
  const classOf = new Int32Array(count);
  /** a row of each class, by class number */
  const representatives: number[] = [];
  /** class numbers by the hash of their rows (equal rows hash alike; rows that collide are told apart by comparing) */
  const byHash = new Map<number, number[]>();
  for (let k = 0; k < count; k++) {
    const hash = hashes[k];
    let classes = byHash.get(hash);
    if (classes === undefined) byHash.set(hash, (classes = []));
    let found = -1;
    for (let j = 0; j < classes.length && found < 0; j++) if (compareRows(rows, m, representatives[classes[j]], k) === 0) found = classes[j];
    if (found < 0) {
      found = representatives.push(k) - 1;
      classes.push(found);
    }
    classOf[k] = found;
  }
  const order = Array.from(representatives.keys()).sort((a, b) => compareRows(rows, m, representatives[a], representatives[b]));
  const rankOfClass = new Int32Array(representatives.length);
  for (let i = 0; i < order.length; i++) rankOfClass[order[i]] = i;
  return classOf.map((c) => rankOfClass[c]);
}

export function assignTo(ws: WorkingSet, r: SchedResource, node: SchedNode | undefined): void {
  r.provisional = false;
  r.assignedTo = node;
  if (!node) return;
  node.assignedCount++;
  if (ws.options.placementStrategy !== 'default') consumeCapacity(ws, node, r);
}

/** Takes back a tentative assignment (its node's count and capacity). */
function unassign(ws: WorkingSet, r: SchedResource): void {
  const node = r.assignedTo;
  r.provisional = true;
  r.assignedTo = undefined;
  if (!node) return;
  node.assignedCount--;
  if (ws.options.placementStrategy !== 'default') releaseCapacity(ws, node, r);
}

/** Leaves a clone instance (every primitive in it) with no node after all (an interleaved order's inhibition). */
export function unassignInstance(ws: WorkingSet, inst: SchedResource): void {
  for (const p of primitivesOf(inst)) {
    unassign(ws, p);
    p.provisional = false;
  }
  inst.assignedTo = undefined;
}

/**
 * Assigns a primitive: its primaries first, then its own choice informed by its dependents.
 * With preferOnly, it is assigned only if `prefer` is as good as the best node; else it stays provisional.
 */
export function assignPrimitive(ws: WorkingSet, r: SchedResource, extraFilter?: (n: SchedNode) => boolean, prefer?: SchedNode, preferOnly = false): void {
  if (!r.provisional || r.assigning) return;
  r.assigning = true;
  for (const col of colocationsInApplyOrder(r)) {
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
    const scores = mergeColocatedScores(ws, r, r.allowed);
    const chosen = chooseNode(ws, r, scores, { filter: extraFilter, prefer, current: cur });
    if (preferOnly && chosen !== prefer) {
      r.assigning = false;
      return;
    }
    assignTo(ws, r, chosen);
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

const leadOf = (inst: SchedResource): SchedResource => (inst.kind === 'group' ? inst.children[0] : inst);

/** The clone's own score for an instance on a node: the instance's, less its stickiness for running there. */
function cloneScore(inst: SchedResource, node: SchedNode): number {
  const score = inst.allowed.get(node.id) ?? -INFINITY;
  if (score <= -INFINITY || score >= INFINITY || !inst.running.has(node.id)) return score;
  return score - inst.stickiness;
}

/**
 * Pacemaker's two passes: first every active, non-failed instance is offered
 * only its current node (if the clone may run there, the per-node limit allows
 * it and no other node is better); then the remaining instances, in order,
 * take the best nodes left. So a failed instance never pushes a healthy one
 * off its node, and instances do not swap nodes.
 */
function assignClone(ws: WorkingSet, clone: SchedResource): void {
  if (clone.assigning) return;
  clone.assigning = true;
  // Order (observed with crm_simulate 2.1.5): instances active where the clone's own score (before
  // colocations, without stickiness) allows them on a node that can run resources; then those on a node
  // going away (standby, shutting down); then inactive ones; then those active where the clone may not
  // stay; by number within each.
  const keeps = (inst: SchedResource) => {
    const cur = currentNode(ws, leadOf(inst));
    if (cur === undefined) return 2;
    if (cloneScore(leadOf(inst), cur) < 0) return 3;
    return nodeAvailable(cur) ? 0 : 1;
  };
  addPromotionScores(ws, clone);
  const rank = new Map(clone.children.map((inst) => [inst, keeps(inst)]));
  // Within a rank, a promotable clone's instances with higher promotion scores go first.
  const instances = [...clone.children].sort((a, b) => rank.get(a)! - rank.get(b)! || promotionPriority(b) - promotionPriority(a) || (a.instance ?? 0) - (b.instance ?? 0));
  // The clone's own colocations bind every instance: place the primaries first, then restrict each instance.
  for (const col of clone.withPrimaries) {
    assignResource(ws, col.primary);
    for (const inst of clone.children) applyColocation(ws, col, leadOf(inst));
  }
  // Anonymous clones run at most one instance per node, whatever clone-node-max says (Pacemaker ignores it for them).
  const nodeMax = anonymousClone(clone) ? 1 : Number(clone.meta['clone-node-max'] ?? 1);
  const perNode = new Map<string, number>();
  // Keeping current nodes is limited to an even share per usable node (clone-max / nodes, at least 1), so
  // instances piled on one node spread out again (Pacemaker's first assignment pass).
  const first = clone.children[0] ? leadOf(clone.children[0]) : undefined;
  const usableNodes = first ? ws.nodes.filter((n) => nodeAvailable(n) && cloneScore(first, n) >= 0).length : 0;
  const share = Math.max(1, Math.floor(clone.children.length / Math.max(1, usableNodes)));
  let limit = Math.min(nodeMax, share);
  const room = (n: SchedNode) => (perNode.get(n.id) ?? 0) < limit;
  const place = (inst: SchedResource, prefer?: SchedNode) => {
    const lead = leadOf(inst);
    // An instance may use only nodes where the clone itself may run (its own stickiness does not count).
    assignPrimitive(ws, lead, (n) => room(n) && cloneScore(lead, n) >= 0, prefer, prefer !== undefined);
    if (lead.provisional) return;
    for (const c of inst.children.slice(1)) assignPrimitive(ws, c);
    // A group instance keeps its current node only if every member can stay there.
    if (prefer && inst.children.some((c) => c.assignedTo !== prefer && c.nextRole !== 'Stopped' && c.targetRole !== 'Stopped')) {
      for (const c of primitivesOf(inst)) unassign(ws, c);
      return;
    }
    inst.provisional = false;
    inst.assignedTo = lead.assignedTo;
    if (lead.assignedTo) perNode.set(lead.assignedTo.id, (perNode.get(lead.assignedTo.id) ?? 0) + 1);
  };
  for (const inst of instances) {
    const lead = leadOf(inst);
    const cur = currentNode(ws, lead);
    if (!cur || !lead.provisional || primitivesOf(inst).some((p) => p.failed)) continue;
    if (nodeAvailable(cur)) place(inst, cur);
  }
  limit = nodeMax;
  for (const inst of instances) if (leadOf(inst).provisional) place(inst);
  setInstanceRoles(ws, clone);
  clone.provisional = false;
  clone.assigning = false;
}

/** Runs assignment for every resource in Pacemaker's order. */
export function assignAll(ws: WorkingSet): void {
  for (const r of sortForAssignment(ws)) assignResource(ws, r);
}
