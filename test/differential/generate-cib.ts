import { Random } from './random.js';
import { renderCib } from './render-cib.js';
import {
  idsOf,
  primitivesOf,
  type ClusterSpec,
  type ConstraintSpec,
  type GroupSpec,
  type HistorySpec,
  type NodeSpec,
  type NodeState,
  type OpRecord,
  type PrimitiveSpec,
  type ResourceSpec,
  type RuleExpression,
} from './cluster-spec.js';

/**
 * Seeded generator of small Pacemaker clusters (configuration + status) that
 * exercise tier-1/tier-2 scheduling: node states, primitives, groups, clones,
 * location/colocation/order constraints (sometimes as resource sets), rules,
 * stickiness, priority, target-role, fail counts, migration, utilization.
 * Fencing is disabled so every case stays in tier 1/2.
 */
export function generateCib(seed: number): string {
  return renderCib(generateSpec(seed));
}

const SCORES = ['INFINITY', '-INFINITY', '100', '-100', '500', '-500', '50', '1000'];
const PLACEMENT_STRATEGIES = { default: 6, utilization: 1.5, minimal: 1, balanced: 1.5 } as const;

type Outcome = 'running' | 'stopped' | 'failed-monitor' | 'failed-start' | 'changed-definition' | 'probed-running';

export function generateSpec(seed: number): ClusterSpec {
  const rnd = new Random(seed);
  const strategy = rnd.weighted(PLACEMENT_STRATEGIES);
  const useUtilization = strategy !== 'default';
  const properties: Record<string, string> = { 'stonith-enabled': 'false' };
  if (strategy !== 'default') properties['placement-strategy'] = strategy;
  if (rnd.chance(0.1)) properties['symmetric-cluster'] = 'false';

  const rscDefaults: Record<string, string> = {};
  if (rnd.chance(0.5)) rscDefaults['resource-stickiness'] = rnd.pick(['0', '1', '100', 'INFINITY']);
  if (rnd.chance(0.2)) rscDefaults['migration-threshold'] = String(rnd.int(1, 3));

  const nodes = generateNodes(rnd, useUtilization);
  const names = new NameSource();
  const resources: ResourceSpec[] = [];
  for (let i = rnd.int(1, 5); i > 0; i--) resources.push(generateResource(rnd, names, useUtilization));

  const spec: ClusterSpec = { seed, properties, rscDefaults, nodes, resources, constraints: [], histories: [] };
  for (const r of resources) placeHistory(rnd, spec, r);
  generateConstraints(rnd, spec);
  return spec;
}

function generateNodes(rnd: Random, useUtilization: boolean): NodeSpec[] {
  const count = rnd.int(2, 5);
  const nodes: NodeSpec[] = [];
  for (let i = 1; i <= count; i++) {
    // node1 is the DC: always online
    const state: NodeState =
      i === 1 ? 'online' : rnd.weighted({ online: 6, offline: 1, standby: 1.2, maintenance: 0.6, shutdown: 0.6 });
    const attrs: Record<string, string> = {};
    if (rnd.chance(0.8)) attrs.rack = rnd.pick(['a', 'b']);
    if (rnd.chance(0.6)) attrs.weight = String(rnd.int(1, 10));
    const node: NodeSpec = { id: String(i), uname: `node${i}`, state, attrs };
    if (useUtilization) node.utilization = { cpu: rnd.int(1, 4), memory: rnd.pick([1024, 2048, 4096]) };
    nodes.push(node);
  }
  return nodes;
}

class NameSource {
  private n = 0;
  next(prefix: string): string {
    return `${prefix}${++this.n}`;
  }
}

function generatePrimitive(rnd: Random, names: NameSource, useUtilization: boolean, standalone: boolean): PrimitiveSpec {
  const p: PrimitiveSpec = {
    kind: 'primitive',
    id: names.next('rsc'),
    provider: rnd.pick(['heartbeat', 'pacemaker'] as const),
    params: {},
    meta: {},
    monitorInterval: rnd.pick([10, 15, 30]),
  };
  if (rnd.chance(0.5)) p.params.fake = rnd.pick(['alpha', 'beta', 'gamma']);
  if (rnd.chance(0.1)) p.meta['target-role'] = rnd.pick(['Stopped', 'Started']);
  if (rnd.chance(0.3)) p.meta.priority = String(rnd.int(1, 10));
  if (rnd.chance(0.2)) p.meta['resource-stickiness'] = rnd.pick(['0', '50', '200', 'INFINITY']);
  if (rnd.chance(0.2)) p.meta['migration-threshold'] = String(rnd.int(1, 3));
  if (standalone && rnd.chance(0.2)) p.meta['allow-migrate'] = 'true';
  if (useUtilization && rnd.chance(0.7)) p.utilization = { cpu: rnd.int(1, 2), memory: rnd.pick([512, 1024, 2048]) };
  return p;
}

function generateGroup(rnd: Random, names: NameSource, useUtilization: boolean): GroupSpec {
  const id = names.next('grp');
  const members = Array.from({ length: rnd.int(2, 3) }, () => generatePrimitive(rnd, names, useUtilization, false));
  const meta: Record<string, string> = {};
  if (rnd.chance(0.08)) meta['target-role'] = 'Stopped';
  if (rnd.chance(0.15)) meta['resource-stickiness'] = rnd.pick(['0', '100']);
  return { kind: 'group', id, members, meta };
}

function generateResource(rnd: Random, names: NameSource, useUtilization: boolean): ResourceSpec {
  const kind = rnd.weighted({ primitive: 5.5, group: 2, clone: 2.5 });
  if (kind === 'primitive') return generatePrimitive(rnd, names, useUtilization, true);
  if (kind === 'group') return generateGroup(rnd, names, useUtilization);
  const child = rnd.chance(0.25) ? generateGroup(rnd, names, useUtilization) : generatePrimitive(rnd, names, useUtilization, false);
  const meta: Record<string, string> = {};
  const unique = rnd.chance(0.35);
  if (unique) meta['globally-unique'] = 'true';
  if (rnd.chance(0.5)) meta['clone-max'] = String(rnd.int(1, 4));
  if (unique && rnd.chance(0.3)) meta['clone-node-max'] = '2';
  if (rnd.chance(0.4)) meta.interleave = 'true';
  if (rnd.chance(0.05)) meta['target-role'] = 'Stopped';
  return { kind: 'clone', id: names.next('cln'), child, meta };
}

// ---------------------------------------------------------------- status

/** Nodes whose status section holds resource history (a cleanly stopped node may keep its old one). */
const hostsHistory = (n: NodeSpec) => n.state !== 'offline';

function opRecords(p: PrimitiveSpec, rid: string, outcome: Outcome | 'probed', failures: number): { ops: OpRecord[]; failCounts: Record<string, string> } {
  const mon = p.monitorInterval * 1000;
  const last = (operation: OpRecord['operation'], rc: number, targetRc = 0, intervalMs = 0): OpRecord => ({ id: `${rid}_last_0`, operation, intervalMs, rc, targetRc });
  const recurring = (rc: number): OpRecord => ({ id: `${rid}_monitor_${mon}`, operation: 'monitor', intervalMs: mon, rc, targetRc: 0 });
  switch (outcome) {
    case 'probed':
      return { ops: [last('monitor', 7, 7)], failCounts: {} };
    case 'stopped':
      return { ops: [last('stop', 0)], failCounts: {} };
    case 'running':
      return { ops: [last('start', 0), recurring(0)], failCounts: {} };
    case 'probed-running':
      return { ops: [last('monitor', 0, 7)], failCounts: {} };
    case 'changed-definition':
      return { ops: [{ ...last('start', 0), staleParams: { ...p.params, fake: 'outdated' } }, recurring(0)], failCounts: {} };
    case 'failed-monitor':
      return {
        ops: [last('start', 0), recurring(7), { id: `${rid}_last_failure_0`, operation: 'monitor', intervalMs: mon, rc: 7, targetRc: 0 }],
        failCounts: { [`monitor_${mon}`]: String(failures) },
      };
    case 'failed-start':
      return {
        ops: [last('start', 1), { id: `${rid}_last_failure_0`, operation: 'start', intervalMs: 0, rc: 1, targetRc: 0 }],
        failCounts: { start_0: 'INFINITY' },
      };
  }
}

function addHistory(rnd: Random, spec: ClusterSpec, node: NodeSpec, p: PrimitiveSpec, rid: string, outcome: Outcome | 'probed'): void {
  const { ops, failCounts } = opRecords(p, rid, outcome, rnd.int(1, 3));
  spec.histories.push({ node: node.uname, primitive: p.id, recordId: rid, ops, failCounts });
}

const pickOutcome = (rnd: Random): Outcome =>
  rnd.weighted({ running: 10, stopped: 2, 'failed-monitor': 2.5, 'failed-start': 2, 'changed-definition': 1, 'probed-running': 0.8 });

/** Probe results ("not running") on the nodes a primitive is not active on; some left out so probes are scheduled. */
function addProbes(rnd: Random, spec: ClusterSpec, p: PrimitiveSpec, rid: string, except: Set<string>): void {
  for (const n of spec.nodes) if (hostsHistory(n) && !except.has(n.uname) && rnd.chance(0.85)) addHistory(rnd, spec, n, p, rid, 'probed');
}

/** Where a group (or primitive) ran: all members on one node, sometimes only a prefix, sometimes one member failed. */
function placeMembers(rnd: Random, spec: ClusterSpec, members: PrimitiveSpec[], suffix: string, node: NodeSpec | undefined, outcome: Outcome, probe = true): void {
  const active = node === undefined ? 0 : rnd.chance(0.2) ? rnd.int(1, members.length) : members.length;
  members.forEach((m, i) => {
    const rid = m.id + suffix;
    const here = node !== undefined && i < active;
    if (here) addHistory(rnd, spec, node, m, rid, i === active - 1 || members.length === 1 ? outcome : 'running');
    if (probe) addProbes(rnd, spec, m, rid, new Set(here ? [node.uname] : []));
  });
}

function placeHistory(rnd: Random, spec: ClusterSpec, r: ResourceSpec): void {
  const candidates = spec.nodes.filter((n) => hostsHistory(n) || rnd.chance(0.5));
  if (r.kind !== 'clone') {
    const members = primitivesOf(r);
    const roll = rnd.weighted({ none: 1.5, probed: 1.5, placed: 7 });
    if (roll === 'none') return;
    const node = roll === 'placed' ? rnd.pick(candidates) : undefined;
    placeMembers(rnd, spec, members, '', node, pickOutcome(rnd));
    if (node && r.kind === 'primitive' && r.meta['allow-migrate'] && rnd.chance(0.6)) {
      const target = spec.nodes.find((n) => n !== node && n.state === 'online');
      if (target) spec.constraints.push({ kind: 'location', id: `cli-prefer-${r.id}`, rsc: r.id, node: target.uname, score: 'INFINITY' });
    }
    return;
  }
  const unique = r.meta['globally-unique'] === 'true';
  const members = primitivesOf(r.child);
  const max = Number(r.meta['clone-max'] ?? spec.nodes.length);
  let instance = 0;
  for (const n of candidates) {
    if (instance >= max || !rnd.chance(0.6)) continue;
    const suffix = unique ? `:${instance}` : '';
    placeMembers(rnd, spec, members, suffix, n, rnd.chance(0.8) ? 'running' : pickOutcome(rnd), unique);
    instance++;
  }
  // anonymous instances share one history id per node; fill in probes on the rest
  if (!unique) {
    for (const m of members) {
      const seen = new Set(spec.histories.filter((h) => h.primitive === m.id).map((h) => h.node));
      addProbes(rnd, spec, m, m.id, seen);
    }
  }
}

// ---------------------------------------------------------------- constraints

/** Ids a constraint may name, with the top-level resource each belongs to (clone children are off limits). */
function constrainable(spec: ClusterSpec): { id: string; top: string }[] {
  return spec.resources.flatMap((r) => (r.kind === 'clone' ? [r.id] : idsOf(r)).map((id) => ({ id, top: r.id })));
}

function ruleExpressions(rnd: Random, spec: ClusterSpec): RuleExpression[] {
  return Array.from({ length: rnd.int(1, 2) }, (): RuleExpression => {
    switch (rnd.pick(['uname', 'rack', 'weight', 'defined'] as const)) {
      case 'uname':
        return { attribute: '#uname', operation: rnd.pick(['eq', 'ne'] as const), value: rnd.pick(spec.nodes).uname };
      case 'rack':
        return { attribute: 'rack', operation: rnd.pick(['eq', 'ne'] as const), value: rnd.pick(['a', 'b']) };
      case 'weight':
        return { attribute: 'weight', operation: rnd.pick(['gt', 'lt'] as const), value: String(rnd.int(2, 8)), type: 'number' };
      case 'defined':
        return { attribute: rnd.pick(['rack', 'weight']), operation: rnd.pick(['defined', 'not_defined'] as const) };
    }
  });
}

function generateConstraints(rnd: Random, spec: ClusterSpec): void {
  const targets = constrainable(spec);
  const topLevel = targets.filter((t) => t.id === t.top);
  const pickTarget = () => (rnd.chance(0.85) ? rnd.pick(topLevel) : rnd.pick(targets));
  const pair = () => {
    const a = pickTarget();
    const rest = targets.filter((t) => t.top !== a.top);
    return rest.length ? [a, rnd.pick(rest)] : undefined;
  };
  let n = 0;
  const id = (prefix: string) => `${prefix}-${++n}`;
  const constraints: ConstraintSpec[] = [];
  for (let i = rnd.int(0, 4); i > 0; i--) {
    const t = pickTarget();
    if (rnd.chance(0.7)) constraints.push({ kind: 'location', id: id('loc'), rsc: t.id, node: rnd.pick(spec.nodes).uname, score: rnd.pick(SCORES) });
    else constraints.push({ kind: 'location-rule', id: id('loc'), rsc: t.id, score: rnd.pick(SCORES), booleanOp: rnd.pick(['and', 'or'] as const), expressions: ruleExpressions(rnd, spec) });
  }
  for (let i = rnd.int(0, 3); i > 0; i--) {
    const p = pair();
    if (p) constraints.push({ kind: 'colocation', id: id('col'), rsc: p[0].id, withRsc: p[1].id, score: rnd.pick(SCORES) });
  }
  // orders always point from an earlier to a later top-level resource: an ordering loop makes an invalid transition
  const rank = new Map(spec.resources.map((r, i) => [r.id, i]));
  const earlierFirst = (ts: { id: string; top: string }[]) => [...ts].sort((a, b) => rank.get(a.top)! - rank.get(b.top)!);
  for (let i = rnd.int(0, 3); i > 0; i--) {
    const p = pair();
    if (!p) continue;
    const [first, then] = earlierFirst(p);
    const c: ConstraintSpec = { kind: 'order', id: id('ord'), first: first.id, then: then.id, orderKind: rnd.chance(0.75) ? 'Mandatory' : 'Optional' };
    if (rnd.chance(0.3)) c.symmetrical = false;
    constraints.push(c);
  }
  if (topLevel.length >= 3 && rnd.chance(0.15)) {
    const ids = earlierFirst(rnd.subset(topLevel, 0.8)).map((t) => t.id);
    if (ids.length >= 2) {
      const cut = rnd.int(1, ids.length - 1);
      const sets = rnd.chance(0.5) ? [{ resources: ids, sequential: rnd.chance(0.7) }] : [{ resources: ids.slice(0, cut), sequential: rnd.chance(0.5) }, { resources: ids.slice(cut), sequential: true }];
      if (rnd.chance(0.5)) constraints.push({ kind: 'colocation-set', id: id('col-set'), score: rnd.pick(['INFINITY', '100', '-INFINITY']), sets });
      else constraints.push({ kind: 'order-set', id: id('ord-set'), orderKind: rnd.chance(0.8) ? 'Mandatory' : 'Optional', sets });
    }
  }
  spec.constraints.push(...constraints);
}
