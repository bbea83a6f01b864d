import { INFINITY } from '../cib/score.js';
import { hashTableOrder, listSortHead, type PositionOrder } from './glib-order.js';
import { KeySequences, type KeySequence } from './key-sequences.js';
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
  const table = candidateList(ws, scores);
  const candidates = table.data;
  const entryScores = table.values;
  const { nodes, weight, effective, entryOf } = candidates;
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

/** A resource's candidate nodes, worked out once per key sequence of node-score tables. */
interface CandidateList {
  nodes: SchedNode[];
  /** entryOf[p]: where nodes[p]'s id is in the table's keys */
  entryOf: Int32Array;
  /** the nodes' free capacity, set up when a placement strategy first needs it */
  capacity?: CapacityView;
  /** chooseNode's working rows, by list position (allocated once per list: chooseNode runs for every primitive) */
  weight: Float64Array;
  effective: Float64Array;
  roomForAll: Uint8Array;
}

const listMemo = new WeakMap<WorkingSet, KeySequences<CandidateList>>();

/**
 * A resource's candidate nodes as g_hash_table_get_values lists them (table
 * order, backwards), with the table's scores in key order.
 */
function candidateList(ws: WorkingSet, scores: Map<string, number>): KeySequence<CandidateList> {
  let lists = listMemo.get(ws);
  if (!lists) listMemo.set(ws, (lists = new KeySequences((ids) => listFor(ws, ids))));
  return lists.read(scores);
}

function listFor(ws: WorkingSet, ids: string[]): CandidateList {
  const entry = new Map(ids.map((id, i) => [id, i]));
  const nodes = hashTableOrder(ids).reverse().map((id) => ws.nodeById.get(id)).filter((n): n is SchedNode => n !== undefined);
  const m = nodes.length;
  return { nodes, entryOf: Int32Array.from(nodes, (n) => entry.get(n.id)!), weight: new Float64Array(m), effective: new Float64Array(m), roomForAll: new Uint8Array(m) };
}
