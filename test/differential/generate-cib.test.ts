import { describe, it, expect } from 'vitest';
import { generateCib, generateSpec } from './generate-cib.js';
import { primitivesOf, type ClusterSpec, type ResourceSpec } from './cluster-spec.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

const allResources = (r: ResourceSpec): ResourceSpec[] =>
  r.kind === 'primitive' ? [r] : r.kind === 'group' ? [r, ...r.members] : [r, ...allResources(r.child)];

/** The features one spec exercises, as short names. */
function features(s: ClusterSpec): string[] {
  const f: string[] = s.nodes.map((n) => `node ${n.state}`);
  const rs = s.resources.flatMap(allResources);
  for (const r of rs) {
    f.push(r.kind);
    for (const [k, v] of Object.entries(r.meta)) f.push(k === 'target-role' ? `target-role ${v}` : k);
    if (r.kind === 'clone') f.push(r.child.kind === 'group' ? 'clone of group' : 'clone of primitive');
    if (r.kind === 'primitive' && r.utilization) f.push('resource utilization');
  }
  for (const c of s.constraints) {
    f.push(c.kind);
    if (c.kind === 'colocation' && c.score.startsWith('-')) f.push('negative colocation');
    if (c.kind === 'order' && c.symmetrical === false) f.push('asymmetrical order');
    if (c.kind === 'order' && c.orderKind === 'Optional') f.push('optional order');
    if (c.kind === 'location-rule' && c.expressions.some((e) => e.attribute === '#uname')) f.push('#uname rule');
    if (c.kind === 'location' && c.id.startsWith('cli-prefer-')) f.push('move');
  }
  for (const h of s.histories) {
    for (const op of h.ops) {
      if (op.rc === 1 && op.operation === 'start') f.push('failed start');
      if (op.rc === 7 && op.intervalMs > 0) f.push('failed monitor');
      if (op.rc === 7 && op.targetRc === 7) f.push('probe');
      if (op.staleParams) f.push('changed definition');
    }
    if (Object.keys(h.failCounts).length) f.push('fail count');
  }
  if (s.histories.some((h) => s.nodes.find((n) => n.uname === h.node)?.state === 'offline')) f.push('history on offline node');
  for (const [k, v] of Object.entries({ ...s.properties, ...s.rscDefaults })) f.push(`${k}=${v}`);
  return f;
}

describe('generate-cib', () => {
  it('names one CIB per seed', () => {
    expect(generateCib(7)).toBe(generateCib(7));
    expect(new Set(SEEDS.slice(0, 20).map(generateCib)).size).toBe(20);
  });

  it('covers the tier-1/tier-2 features across 200 seeds', () => {
    const seen = new Set(SEEDS.flatMap((s) => features(generateSpec(s))));
    const wanted = [
      'node online', 'node offline', 'node standby', 'node maintenance', 'node shutdown',
      'primitive', 'group', 'clone', 'clone of group', 'clone of primitive', 'globally-unique', 'clone-max', 'clone-node-max', 'interleave',
      'location', 'location-rule', '#uname rule', 'colocation', 'negative colocation', 'order', 'optional order', 'asymmetrical order',
      'colocation-set', 'order-set', 'resource-stickiness', 'priority', 'target-role Stopped', 'target-role Started', 'migration-threshold',
      'allow-migrate', 'move', 'resource utilization', 'placement-strategy=balanced', 'placement-strategy=utilization', 'placement-strategy=minimal',
      'symmetric-cluster=false', 'failed start', 'failed monitor', 'probe', 'changed definition', 'fail count', 'history on offline node',
    ];
    expect(wanted.filter((w) => !seen.has(w))).toEqual([]);
  });

  it('keeps histories consistent with the configuration', () => {
    for (const seed of SEEDS) {
      const s = generateSpec(seed);
      const prims = new Set(s.resources.flatMap(primitivesOf).map((p) => p.id));
      const nodes = new Set(s.nodes.map((n) => n.uname));
      const records = s.histories.map((h) => `${h.node}/${h.recordId}`);
      expect(s.histories.filter((h) => !prims.has(h.primitive) || !nodes.has(h.node))).toEqual([]);
      expect(new Set(records).size).toBe(records.length);
    }
  });
});
