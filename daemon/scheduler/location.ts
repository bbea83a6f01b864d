import type { LocationConstraint } from '../cib/model.js';
import { PreparedRule, resolveAttributes, type RuleContext } from '../cib/rules.js';
import { addScores, parseScore } from '../cib/score.js';
import { primitivesOf, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';

/** Adds `score` for `node` to a resource's allowed-node table, with INFINITY arithmetic. */
export function addNodeScore(r: SchedResource, node: SchedNode, score: number): void {
  r.allowed.set(node.id, addScores(r.allowed.get(node.id) ?? 0, score));
}

/** Resolves a constraint's resource reference (id, pattern or sets) to top-level or nested resources. */
export function constrainedResources(ws: WorkingSet, c: { rsc?: string; rscPattern?: string; sets: { resources: string[] }[] }): SchedResource[] {
  if (c.rsc !== undefined) {
    const r = ws.resourceById.get(c.rsc);
    return r ? [r] : [];
  }
  if (c.rscPattern !== undefined) {
    const re = new RegExp(c.rscPattern);
    return [...ws.resourceById.values()].filter((r) => r.instance === undefined && !r.parent?.cloneDef && re.test(r.id));
  }
  return c.sets.flatMap((s) => s.resources.map((id) => ws.resourceById.get(id)).filter((r): r is SchedResource => r !== undefined));
}

/** Initial allowed nodes: every node at 0 in a symmetric cluster, none in an opt-in (asymmetric) one. */
export function initAllowedNodes(ws: WorkingSet): void {
  if (!ws.options.symmetric) return;
  // Built from one list of entries (nothing is allowed anywhere yet): much cheaper than a set() per resource and node.
  const everyNode = ws.nodes.map((n): [string, number] => [n.id, 0]);
  for (const p of ws.primitives) p.allowed = new Map(everyNode);
}

/** Applies rsc_location constraints (node scores and rules) to every primitive they cover. */
export function applyLocationConstraints(ws: WorkingSet): void {
  // What rules see of each node, made once (rules run for every constraint and node); each context keeps the
  // attribute values it read, as numbers once read so.
  const contexts: RuleContext[] = ws.nodes.map((n) => ({ nodeAttributes: n.attrs, now: ws.now, readings: new Map() }));
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind !== 'location') continue;
    // Role-specific locations only steer promotion, not placement.
    if (c.role !== undefined && !/^started$/i.test(c.role)) continue;
    for (const target of constrainedResources(ws, c)) applyLocation(ws, c, primitivesOf(target), contexts);
  }
}

function applyLocation(ws: WorkingSet, c: LocationConstraint, prims: SchedResource[], contexts: RuleContext[]): void {
  if (c.node !== undefined) {
    const node = ws.nodeByName.get(c.node);
    if (node && c.score !== undefined) for (const p of prims) addNodeScore(p, node, c.score);
    return;
  }
  for (const rule of c.rules) {
    if (rule.role !== undefined && !/^started$/i.test(rule.role)) continue;
    const prepared = new PreparedRule(rule);
    for (const node of ws.nodes) {
      if (!prepared.test(contexts[node.index])) continue;
      let score = rule.score ?? 0;
      if (rule.scoreAttribute !== undefined) {
        const v = node.attrs[rule.scoreAttribute];
        if (v === undefined) continue;
        score = parseScore(v) ?? 0;
      }
      for (const p of prims) addNodeScore(p, node, score);
    }
  }
}

/** Instance attributes of a primitive as seen on a node (rules may depend on node attributes). */
export function paramsFor(ws: WorkingSet, r: SchedResource, node?: SchedNode): Record<string, string> {
  if (!r.def) return {};
  return resolveAttributes(r.def.instanceAttributes, { nodeAttributes: node?.attrs, now: ws.now });
}
