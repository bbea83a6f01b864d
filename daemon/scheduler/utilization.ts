import { INFINITY } from '../cib/score.js';
import { cloneOf } from './unpack-status.js';
import { primitivesOf, type SchedColocation, type SchedNode, type SchedResource } from './working-set.js';

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
  if (!own) return new UtilizationWalk(r, new Set([r]), false).run([r]).total;
  // Every instance's walk goes through its clone's colocations (a clone may have thousands of dependents):
  // that part is walked once and reused while the provisional flags it read are unchanged.
  const share = cloneShare(own);
  const total = { ...share.total };
  if (share.seen.has(r)) {
    if (!r.provisional) addUtilization(total, r.utilization);
    return total;
  }
  const rest = new UtilizationWalk(r, new Set([r, own]), false, share.seen).run([r]).total;
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

export function consumeCapacity(n: SchedNode, r: SchedResource): void {
  for (const k in r.utilization) n.remaining[k] = (n.remaining[k] ?? 0) - r.utilization[k];
}

/** The capacity attributes a list of nodes has (fixed while scheduling), for views of their free capacity by position. */
export class CapacityLayout {
  readonly names: string[] = [];
  /** has[p * names.length + j]: whether nodes[p] has capacity names[j] */
  readonly has: Uint8Array;

  constructor(readonly nodes: readonly SchedNode[]) {
    for (const n of nodes) for (const k of n.capacityNames) if (!this.names.includes(k)) this.names.push(k);
    const width = this.names.length;
    this.has = new Uint8Array(nodes.length * width);
    for (let p = 0; p < nodes.length; p++) for (let j = 0; j < width; j++) if (this.names[j] in nodes[p].capacity) this.has[p * width + j] = 1;
  }

  /** The nodes' free capacity as it is now. */
  view(): CapacityView {
    const width = this.names.length;
    const free = new Float64Array(this.nodes.length * width);
    for (let p = 0; p < this.nodes.length; p++) {
      const remaining = this.nodes[p].remaining;
      for (let j = 0; j < width; j++) free[p * width + j] = remaining[this.names[j]] ?? 0;
    }
    return new CapacityView(this, free);
  }
}

/** What a resource asks of a node's capacity (positive amounts only), as columns of a CapacityView (-1: a capacity none of its nodes has). */
export interface Demand {
  names: string[];
  columns: number[];
  amounts: number[];
}

/**
 * Free capacity of a list of nodes at one moment, by position: a placement
 * compares capacities for every pair its sort compares, and flat arrays spare
 * those comparisons the per-attribute lookups.
 */
export class CapacityView {
  private readonly width: number;
  private readonly has: Uint8Array;

  constructor(
    private readonly layout: CapacityLayout,
    private readonly free: Float64Array,
  ) {
    this.width = layout.names.length;
    this.has = layout.has;
  }

  demand(need: Record<string, number>): Demand {
    const d: Demand = { names: [], columns: [], amounts: [] };
    for (const k in need) {
      if (need[k] <= 0) continue;
      d.names.push(k);
      d.columns.push(this.layout.names.indexOf(k));
      d.amounts.push(need[k]);
    }
    return d;
  }

  /** Whether the node at position p has room for the demand (missing capacity counts as 0). */
  fits(p: number, d: Demand): boolean {
    for (let i = 0; i < d.amounts.length; i++) {
      const column = d.columns[i];
      const free = column >= 0 ? this.free[p * this.width + column] : (this.layout.nodes[p].remaining[d.names[i]] ?? 0);
      if (free < d.amounts[i]) return false;
    }
    return true;
  }

  /**
   * balanced placement: the node with more free capacity in more attributes sorts first (its own
   * attributes compared, missing ones as 0; one the other has and it lacks counts for the other when free).
   */
  compare(pa: number, pb: number): number {
    let result = 0;
    const a = pa * this.width;
    const b = pb * this.width;
    for (let j = 0; j < this.width; j++) {
      if (this.has[a + j] === 1) {
        if (this.free[a + j] > this.free[b + j]) result--;
        else if (this.free[a + j] < this.free[b + j]) result++;
      } else if (this.has[b + j] === 1 && this.free[b + j] > 0) result++;
    }
    return result;
  }
}
