import { INFINITY } from '../cib/score.js';
import { hashTableOrder, listSortHead, type PositionOrder } from './glib-order.js';
import { CapacityView, capacityLedger, colocatedUtilization } from './utilization.js';
import { anonymousClone } from './unpack-status.js';
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
  // Positions in list order; weight[p] is the score of nodes[p] (bans included), effective[p] also -INFINITY where unavailable.
  const candidates = candidateList(ws, scores);
  const { nodes, weight, effective, entryOf, entryScores } = candidates;
  const m = nodes.length;
  if (m === 0) return undefined;
  for (let p = 0; p < m; p++) {
    const n = nodes[p];
    weight[p] = hints.filter && !hints.filter(n) ? BANNED : entryScores[entryOf[p]];
    effective[p] = nodeAvailable(n) ? weight[p] : BANNED;
  }
  const capacity = strategy === 'default' ? undefined : (candidates.capacity ??= new CapacityView(capacityLedger(ws), nodes));
  const mostCapable = capacity ? banWithoutRoom(candidates, capacity, r) : -1;
  // Only the node the sort would list first matters (the order itself is by effective score first).
  const best = listSortHead(0, m, new CandidateRanking(nodes, effective, strategy, capacity, hints.current));
  const preferAt = hints.prefer ? nodes.indexOf(hints.prefer) : mostCapable;
  if (preferAt >= 0 && weight[preferAt] >= weight[best] && effective[preferAt] >= 0) return nodes[preferAt];
  let chosen = best;
  const uniqueInstance = r.parent?.kind === 'clone' && !anonymousClone(r.parent);
  const curAt = hints.current ? nodes.indexOf(hints.current) : -1;
  // The current node is kept when it ties with the best: the sorted list starts with every node of the best score.
  if (!uniqueInstance && effective[best] > 0 && curAt >= 0 && effective[curAt] === effective[best]) chosen = curAt;
  return effective[chosen] >= 0 ? nodes[chosen] : undefined;
}

/**
 * Bans the candidates without room for the resource and all it brings (or, when none has room for all, for
 * the resource alone). Returns the position of the node Pacemaker then prefers, the one with most free
 * capacity (the first such in table order, which is this list backwards); -1 when some node had room for all.
 */
function banWithoutRoom(candidates: CandidateList, capacity: CapacityView, r: SchedResource): number {
  const { weight, effective } = candidates;
  const m = candidates.nodes.length;
  const together = capacity.demand(colocatedUtilization(r));
  const roomForAll = candidates.roomForAll.fill(0);
  let anyRoom = false;
  for (let p = 0; p < m; p++) if (effective[p] >= 0 && capacity.fits(p, together)) roomForAll[p] = 1, anyRoom = true;
  let mostCapable = -1;
  if (!anyRoom) for (let p = m - 1; p >= 0; p--) if (effective[p] >= 0 && (mostCapable < 0 || capacity.compare(p, mostCapable) < 0)) mostCapable = p;
  const alone = anyRoom ? undefined : capacity.demand(r.utilization);
  for (let p = 0; p < m; p++) if (effective[p] >= 0 && !(alone ? capacity.fits(p, alone) : roomForAll[p] === 1)) weight[p] = effective[p] = BANNED;
  return mostCapable;
}

/** Pacemaker's node order for placement: score (unavailable nodes last), free capacity, resources placed, the current node, name. */
class CandidateRanking implements PositionOrder {
  constructor(
    private readonly nodes: SchedNode[],
    private readonly effective: Float64Array,
    private readonly strategy: string,
    private readonly capacity: CapacityView | undefined,
    private readonly current: SchedNode | undefined,
  ) {}

  compare(pa: number, pb: number): number {
    const wa = this.effective[pa];
    const wb = this.effective[pb];
    if (wa !== wb) return wa > wb ? -1 : 1;
    const a = this.nodes[pa];
    const b = this.nodes[pb];
    if (this.strategy === 'minimal') return byName(a, b);
    if (this.strategy === 'balanced') {
      const c = this.capacity!.compare(pa, pb);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    if (a.assignedCount !== b.assignedCount) return a.assignedCount < b.assignedCount ? -1 : 1;
    if (this.current === a) return -1;
    if (this.current === b) return 1;
    return byName(a, b);
  }
}

/** A score no node can be chosen with (a constant, so that optimised code need not negate INFINITY). */
const BANNED = -INFINITY;

interface CandidateList {
  ids: string[];
  nodes: SchedNode[];
  /** entryOf[p]: where nodes[p]'s id is in ids */
  entryOf: Int32Array;
  /** the scores of the table last read with this list, in table order (entryScores[i] is that of ids[i]) */
  entryScores: Float64Array;
  /** the nodes' free capacity, set up when a placement strategy first needs it */
  capacity?: CapacityView;
  /** chooseNode's working rows, by list position (allocated once per list: chooseNode runs for every primitive) */
  weight: Float64Array;
  effective: Float64Array;
  roomForAll: Uint8Array;
}

const listMemo = new WeakMap<WorkingSet, CandidateList[]>();

/**
 * A resource's candidate nodes as g_hash_table_get_values lists them (table
 * order, backwards). Most resources share one node set, in the same order, so
 * each distinct sequence of node ids is worked out once.
 */
function candidateList(ws: WorkingSet, scores: Map<string, number>): CandidateList {
  let known = listMemo.get(ws);
  if (!known) listMemo.set(ws, (known = []));
  for (let j = 0; j < known.length; j++) {
    if (!readScores(known[j], scores)) continue;
    // The list found goes first: consecutive resources mostly share one.
    if (j > 0) [known[0], known[j]] = [known[j], known[0]];
    return known[0];
  }
  const ids = [...scores.keys()];
  const entry = new Map(ids.map((id, i) => [id, i]));
  const nodes = hashTableOrder(ids).reverse().map((id) => ws.nodeById.get(id)).filter((n): n is SchedNode => n !== undefined);
  const m = nodes.length;
  const list: CandidateList = {
    ids, nodes, entryOf: Int32Array.from(nodes, (n) => entry.get(n.id)!), entryScores: new Float64Array(ids.length),
    weight: new Float64Array(m), effective: new Float64Array(m), roomForAll: new Uint8Array(m),
  };
  readScores(list, scores);
  known.push(list);
  return list;
}

/**
 * Whether the table's ids are the list's, in the same order; reads its scores into the list's entryScores
 * on the way (one pass over the table instead of a lookup per node).
 */
function readScores(list: CandidateList, scores: Map<string, number>): boolean {
  const { ids, entryScores } = list;
  if (ids.length !== scores.size) return false;
  let i = 0;
  let same = true;
  scores.forEach((score, id) => {
    if (ids[i] !== id) same = false;
    entryScores[i++] = score;
  });
  return same;
}
