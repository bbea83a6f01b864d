import { describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { buildWorkingSet } from '../../daemon/scheduler/build.js';
import { unpackColocations } from '../../daemon/scheduler/colocation.js';
import { CapacityView, capacityLedger, colocatedUtilization, consumeCapacity, releaseCapacity } from '../../daemon/scheduler/utilization.js';
import type { SchedNode, SchedResource, WorkingSet } from '../../daemon/scheduler/working-set.js';

const util = (id: string, cpu: number) => `<utilization id="${id}-u"><nvpair id="${id}-u1" name="cpu" value="${cpu}"/></utilization>`;
const prim = (id: string, cpu: number) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${util(id, cpu)}</primitive>`;

/** Clone c (2 instances, cpu 1 each); d1 (cpu 2) and d2 (cpu 4) mandatorily colocated with it; e (cpu 8) with d2. */
function workingSet() {
  const ws = buildWorkingSet(parseCib(`<cib epoch="1" admin_epoch="0" num_updates="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="placement-strategy" value="balanced"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources><clone id="c">${prim('cp', 1)}<meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="2"/></meta_attributes></clone>
      ${prim('d1', 2)}${prim('d2', 4)}${prim('e', 8)}</resources>
    <constraints><rsc_colocation id="d1-c" rsc="d1" with-rsc="c" score="INFINITY"/><rsc_colocation id="d2-c" rsc="d2" with-rsc="c" score="INFINITY"/>
      <rsc_colocation id="e-d2" rsc="e" with-rsc="d2" score="INFINITY"/></constraints>
  </configuration><status/></cib>`), new Date('2026-01-01T00:00:00Z'));
  unpackColocations(ws);
  return { ws, get: (id: string) => ws.resourceById.get(id)! };
}

describe('colocatedUtilization', () => {
  it("counts a clone instance with its clone's unplaced mandatory dependents, and follows their placement", () => {
    const { get } = workingSet();
    expect(colocatedUtilization(get('cp:0'))).toEqual({ cpu: 1 + 2 + 4 + 8 });
    expect(colocatedUtilization(get('cp:1'))).toEqual({ cpu: 1 + 2 + 4 + 8 });
    // Placing dependents (the clone's walk is reused only while nothing it looked at changed).
    get('d2').provisional = false;
    expect(colocatedUtilization(get('cp:1'))).toEqual({ cpu: 1 + 2 });
    get('d1').provisional = false;
    expect(colocatedUtilization(get('cp:0'))).toEqual({ cpu: 1 });
    get('d2').provisional = true;
    expect(colocatedUtilization(get('cp:0'))).toEqual({ cpu: 1 + 4 + 8 });
  });

  it('counts a dependent with one unplaced instance of the clone it is colocated with', () => {
    const { get } = workingSet();
    expect(colocatedUtilization(get('d1'))).toEqual({ cpu: 2 + 1 });
    get('cp:0').provisional = false;
    expect(colocatedUtilization(get('d1'))).toEqual({ cpu: 2 + 1 });
    get('cp:1').provisional = false;
    expect(colocatedUtilization(get('d1'))).toEqual({ cpu: 2 });
    expect(colocatedUtilization(get('e'))).toEqual({ cpu: 8 + 4 });
  });
});

/** Reference: balanced placement's comparison as Pacemaker words it, straight from the nodes' records. */
function compareNodes(a: SchedNode, b: SchedNode): number {
  let result = 0;
  for (const k of a.capacityNames) result += Math.sign((b.remaining[k] ?? 0) - (a.remaining[k] ?? 0));
  for (const k of b.capacityNames) if (!(k in a.capacity) && (b.remaining[k] ?? 0) > 0) result++;
  return result;
}

/** Reference: whether a node's remaining capacity holds `need` (missing capacity counts as 0). */
function fitsNode(n: SchedNode, need: Record<string, number>): boolean {
  return Object.entries(need).every(([k, v]) => v <= 0 || (n.remaining[k] ?? 0) >= v);
}

describe('CapacityView', () => {
  it('compares and fits free capacity like the nodes themselves, as resources are placed and taken back', () => {
    // gpu is a capacity no node has; consumption still counts against it.
    const names = ['cpu', 'memory', 'disk'];
    const asked = [...names, 'gpu'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const someOf = (keys: string[]) => Object.fromEntries(keys.filter(() => rnd(2) === 0).map((k) => [k, rnd(5) - 1]));
    for (let round = 0; round < 30; round++) {
      const nodes = Array.from({ length: 1 + rnd(8) }, (_, index) => {
        const capacity: Record<string, number> = someOf(names);
        return { index, capacity, capacityNames: Object.keys(capacity), remaining: { ...capacity } } as unknown as SchedNode;
      });
      const ws = { nodes } as unknown as WorkingSet;
      // Candidates: some of the nodes, in another order.
      const candidates = nodes.filter(() => rnd(4) > 0).reverse();
      const view = new CapacityView(capacityLedger(ws), candidates);
      const placed: Array<[SchedNode, SchedResource]> = [];
      for (let step = 0; step < 12; step++) {
        if (placed.length && rnd(3) === 0) {
          const [n, r] = placed.splice(rnd(placed.length), 1)[0];
          releaseCapacity(ws, n, r);
        } else {
          const entry: [SchedNode, SchedResource] = [nodes[rnd(nodes.length)], { utilization: someOf(asked) } as SchedResource];
          consumeCapacity(ws, ...entry);
          placed.push(entry);
        }
        for (let a = 0; a < candidates.length; a++) for (let b = 0; b < candidates.length; b++) expect(view.compare(a, b)).toBe(compareNodes(candidates[a], candidates[b]));
        const need = someOf(asked);
        const demand = view.demand(need);
        for (let p = 0; p < candidates.length; p++) expect(view.fits(p, demand)).toBe(fitsNode(candidates[p], need));
      }
    }
  });
});
