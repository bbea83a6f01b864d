import { INFINITY } from '../cib/score.js';
import { cloneOf } from './unpack-status.js';
import type { SchedColocation, SchedNode, SchedResource, WorkingSet } from './working-set.js';

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
  const own = cloneOf(r);
  // Sets built by add (new Set([...]) takes the generic iterator path): this runs for every primitive placed.
  if (!own) return new UtilizationWalk(r, new Set<SchedResource>().add(r), false).run([r]).total;
  // Every instance's walk goes through its clone's colocations (a clone may have thousands of dependents):
  // that part is walked once and reused while the provisional flags it read are unchanged.
  const share = cloneShare(own);
  const total = { ...share.total };
  if (share.seen.has(r)) {
    if (!r.provisional) addUtilization(total, r.utilization);
    return total;
  }
  const rest = new UtilizationWalk(r, new Set<SchedResource>().add(r).add(own), false, share.seen).run([r]).total;
  addUtilization(total, rest);
  return total;
}

function addUtilization(total: Record<string, number>, utilization: Record<string, number>): void {
  for (const k in utilization) total[k] = (total[k] ?? 0) + utilization[k];
}

/**
 * One walk over mandatory colocations from `start`, summing the utilization of
 * the primitives it enters (unplaced ones, and `start` itself). Resources in
 * `known` count as walked already. A walk to be reused notes every provisional flag it reads.
 */
class UtilizationWalk {
  readonly total: Record<string, number> = {};
  readonly read: SchedResource[] = [];
  readonly wasProvisional: boolean[] = [];
  private readonly stack: SchedResource[] = [];

  constructor(
    private readonly start: SchedResource,
    readonly seen: Set<SchedResource>,
    private readonly noteReads: boolean,
    private readonly known?: Set<SchedResource>,
  ) {}

  /** Walks from `entered` (already in seen); for a clone's own walk, from the clone's colocations. */
  run(entered: SchedResource[]): this {
    this.stack.push(...entered);
    while (this.stack.length) {
      const x = this.stack.pop()!;
      if (x.kind === 'clone') {
        // Pacemaker follows a clone only to what it is colocated with, and to clones colocated with it.
        this.follow(x, x.withPrimaries);
        this.follow(x, x.withCloneDependents);
        continue;
      }
      // Whether x is provisional was noted where it was reached.
      if (x === this.start || x.provisional) addUtilization(this.total, x.utilization);
      this.follow(x, x.withDependents);
      this.follow(x, x.withPrimaries);
    }
    return this;
  }

  private provisional(p: SchedResource): boolean {
    if (this.noteReads) {
      this.read.push(p);
      this.wasProvisional.push(p.provisional);
    }
    return p.provisional;
  }

  /** Whether every provisional flag the walk read is still the same (so its result is still right). */
  current(): boolean {
    for (let i = 0; i < this.read.length; i++) if (this.read[i].provisional !== this.wasProvisional[i]) return false;
    return true;
  }

  private visited(x: SchedResource): boolean {
    return this.seen.has(x) || this.known?.has(x) === true;
  }

  private enter(x: SchedResource): void {
    this.seen.add(x);
    this.stack.push(x);
  }

  /** Queues the unplaced primitives (and clones, with one unplaced instance's) mandatorily colocated with `x` through `colocations`. */
  follow(x: SchedResource, colocations: SchedColocation[]): void {
    const group = x.parent;
    const clone = group?.parent;
    for (let i = 0; i < colocations.length; i++) {
      const c = colocations[i];
      if (c.score < INFINITY) continue;
      const d = c.dependent;
      const other = d === x || d === clone || d === group ? c.primary : d;
      if (other.kind === 'primitive' ? !this.provisional(other) || this.visited(other) : other.kind !== 'clone' || this.visited(other)) continue;
      this.enter(other);
      if (other.kind !== 'clone') continue;
      const instance = this.firstUnplacedInstance(other);
      if (instance === undefined) continue;
      for (const p of instance.kind === 'primitive' ? [instance] : instance.children) {
        if (this.visited(p)) continue;
        this.provisional(p);
        this.enter(p);
      }
    }
  }

  /** The first instance of a clone with a primitive still to place (asked once per resource colocated with the clone). */
  private firstUnplacedInstance(clone: SchedResource): SchedResource | undefined {
    if (allPlaced.has(clone)) return undefined;
    for (const i of clone.children) {
      if (i.kind === 'primitive') {
        if (this.provisional(i)) return i;
      } else for (const m of i.children) if (this.provisional(m)) return i;
    }
    if (!clone.provisional) allPlaced.add(clone);
    return undefined;
  }
}

/**
 * Clones assigned with every instance placed: once a clone's assignment is done its instances are only
 * ever assigned (or left out), never made provisional again, so they need no more looking at.
 */
const allPlaced = new WeakSet<SchedResource>();

/** The walk from a clone's own colocations (what each of its instances brings besides its own), memoised per clone. */
const shares = new WeakMap<SchedResource, UtilizationWalk>();

function cloneShare(clone: SchedResource): UtilizationWalk {
  const memo = shares.get(clone);
  if (memo?.current()) return memo;
  // Seen from the clone rather than from an instance: the same colocations lead to the same resources.
  const walk = new UtilizationWalk(clone, new Set([clone]), true);
  walk.follow(clone, clone.withDependents);
  walk.follow(clone, clone.withPrimaries);
  walk.run([]);
  shares.set(clone, walk);
  return walk;
}

/**
 * Every node's free capacity as flat rows (a row per node, by index; a column
 * per capacity name), kept in step with the nodes' `remaining` records by
 * consumeCapacity and releaseCapacity: placement compares capacities for every
 * candidate pair it sorts, and per-attribute lookups showed in profiles.
 */
export class CapacityLedger {
  /** every capacity name some node has */
  readonly names: string[] = [];
  /** has[row + j]: whether the node of that row has capacity names[j] */
  readonly has: Uint8Array;
  readonly free: Float64Array;

  constructor(nodes: readonly SchedNode[]) {
    for (const n of nodes) for (const k of n.capacityNames) if (!this.names.includes(k)) this.names.push(k);
    this.has = new Uint8Array(nodes.length * this.names.length);
    this.free = new Float64Array(nodes.length * this.names.length);
    for (const n of nodes) {
      for (let j = 0; j < this.names.length; j++) if (this.names[j] in n.capacity) this.has[this.rowOf(n) + j] = 1;
      this.update(n);
    }
  }

  rowOf(n: SchedNode): number {
    return n.index * this.names.length;
  }

  /** Takes in a node's remaining capacity after it changed. */
  update(n: SchedNode): void {
    const row = this.rowOf(n);
    for (let j = 0; j < this.names.length; j++) this.free[row + j] = n.remaining[this.names[j]] ?? 0;
  }
}

const ledgers = new WeakMap<WorkingSet, CapacityLedger>();

/** The working set's capacity ledger (set up from the nodes' remaining capacity when first asked for). */
export function capacityLedger(ws: WorkingSet): CapacityLedger {
  let ledger = ledgers.get(ws);
  if (!ledger) ledgers.set(ws, (ledger = new CapacityLedger(ws.nodes)));
  return ledger;
}

export function consumeCapacity(ws: WorkingSet, n: SchedNode, r: SchedResource): void {
  for (const k in r.utilization) n.remaining[k] = (n.remaining[k] ?? 0) - r.utilization[k];
  ledgers.get(ws)?.update(n);
}

/** Gives back what consumeCapacity took (a tentative assignment taken back). */
export function releaseCapacity(ws: WorkingSet, n: SchedNode, r: SchedResource): void {
  for (const k in r.utilization) n.remaining[k] = (n.remaining[k] ?? 0) + r.utilization[k];
  ledgers.get(ws)?.update(n);
}

/** What a resource asks of a node's capacity (positive amounts only), as ledger columns (-1: a capacity no node has). */
export interface Demand {
  names: string[];
  columns: number[];
  amounts: number[];
}

/** The free capacity of a list of candidate nodes, by list position, as the ledger has it (so always current). */
export class CapacityView {
  private readonly rows: Int32Array;

  constructor(
    private readonly ledger: CapacityLedger,
    private readonly nodes: readonly SchedNode[],
  ) {
    this.rows = Int32Array.from(nodes, (n) => ledger.rowOf(n));
  }

  /**
   * balanced placement: the node with more free capacity in more attributes sorts first (its own
   * attributes compared, missing ones as 0; one the other has and it lacks counts for the other when free).
   */
  compare(pa: number, pb: number): number {
    const { has, free, names } = this.ledger;
    const a = this.rows[pa];
    const b = this.rows[pb];
    let result = 0;
    for (let j = 0; j < names.length; j++) {
      if (has[a + j] === 1) {
        if (free[a + j] > free[b + j]) result--;
        else if (free[a + j] < free[b + j]) result++;
      } else if (has[b + j] === 1 && free[b + j] > 0) result++;
    }
    return result;
  }

  demand(need: Record<string, number>): Demand {
    const d: Demand = { names: [], columns: [], amounts: [] };
    for (const k in need) {
      if (need[k] <= 0) continue;
      d.names.push(k);
      d.columns.push(this.ledger.names.indexOf(k));
      d.amounts.push(need[k]);
    }
    return d;
  }

  /** Whether the node at position p has room for the demand (missing capacity counts as 0). */
  fits(p: number, d: Demand): boolean {
    for (let i = 0; i < d.amounts.length; i++) {
      const column = d.columns[i];
      const free = column >= 0 ? this.ledger.free[this.rows[p] + column] : (this.nodes[p].remaining[d.names[i]] ?? 0);
      if (free < d.amounts[i]) return false;
    }
    return true;
  }
}
