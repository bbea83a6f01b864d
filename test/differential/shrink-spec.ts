import { constraintResources, idsOf, primitivesOf, type ClusterSpec, type ResourceSpec } from './cluster-spec.js';

type Reduction = (spec: ClusterSpec) => ClusterSpec;

/** Drops resources by id set: their constraints and the history of their primitives go with them. */
function withoutIds(spec: ClusterSpec, gone: Set<string>, primitives: Set<string>): ClusterSpec {
  return {
    ...spec,
    constraints: spec.constraints.filter((c) => !constraintResources(c).some((r) => gone.has(r))),
    histories: spec.histories.filter((h) => !primitives.has(h.primitive)),
  };
}

function dropResource(r: ResourceSpec): Reduction {
  return (spec) => ({
    ...withoutIds(spec, new Set(idsOf(r)), new Set(primitivesOf(r).map((p) => p.id))),
    resources: spec.resources.filter((x) => x !== r),
  });
}

function dropGroupMember(groupId: string, memberId: string): Reduction {
  const strip = (r: ResourceSpec): ResourceSpec => {
    if (r.kind === 'group' && r.id === groupId) return { ...r, members: r.members.filter((m) => m.id !== memberId) };
    if (r.kind === 'clone') return { ...r, child: strip(r.child) as typeof r.child };
    return r;
  };
  return (spec) => ({ ...withoutIds(spec, new Set([memberId]), new Set([memberId])), resources: spec.resources.map(strip) });
}

/** Every primitive, group and clone with a meta/params record the shrinker may thin out. */
function metaHolders(r: ResourceSpec): ResourceSpec[] {
  if (r.kind === 'primitive') return [r];
  if (r.kind === 'group') return [r, ...r.members];
  return [r, ...metaHolders(r.child)];
}

function replaceResource(spec: ClusterSpec, id: string, change: (r: ResourceSpec) => ResourceSpec): ResourceSpec[] {
  const walk = (r: ResourceSpec): ResourceSpec => {
    if (r.id === id) return change(r);
    if (r.kind === 'group') return { ...r, members: r.members.map((m) => walk(m) as typeof m) };
    if (r.kind === 'clone') return { ...r, child: walk(r.child) as typeof r.child };
    return r;
  };
  return spec.resources.map(walk);
}

const omit = (o: Record<string, string>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

/**
 * Every one-step simplification of a cluster spec, biggest first: drop a
 * resource, a node, a constraint, a group member, a history, then single
 * attributes. Each keeps the spec self-consistent (no dangling history).
 */
export function reductions(spec: ClusterSpec): Reduction[] {
  const out: Reduction[] = [];
  for (const r of spec.resources) out.push(dropResource(r));
  for (const n of spec.nodes) {
    if (n.id === '1') continue; // the DC
    out.push((s) => ({
      ...s,
      nodes: s.nodes.filter((x) => x.uname !== n.uname),
      histories: s.histories.filter((h) => h.node !== n.uname),
      constraints: s.constraints.filter((c) => !(c.kind === 'location' && c.node === n.uname)),
    }));
  }
  for (const c of spec.constraints) out.push((s) => ({ ...s, constraints: s.constraints.filter((x) => x !== c) }));
  for (const r of spec.resources) {
    const group = r.kind === 'group' ? r : r.kind === 'clone' && r.child.kind === 'group' ? r.child : undefined;
    if (group && group.members.length > 1) for (const m of group.members) out.push(dropGroupMember(group.id, m.id));
  }
  for (const h of spec.histories) out.push((s) => ({ ...s, histories: s.histories.filter((x) => x !== h) }));
  for (const n of spec.nodes) {
    if (n.state !== 'online') out.push((s) => ({ ...s, nodes: s.nodes.map((x) => (x === n ? { ...x, state: 'online' } : x)) }));
    for (const k of Object.keys(n.attrs)) out.push((s) => ({ ...s, nodes: s.nodes.map((x) => (x === n ? { ...x, attrs: omit(x.attrs, k) } : x)) }));
  }
  for (const top of spec.resources) {
    for (const r of metaHolders(top)) {
      // uniqueness stays: unique and anonymous clones name their status records differently
      for (const k of Object.keys(r.meta)) if (k !== 'globally-unique') out.push((s) => ({ ...s, resources: replaceResource(s, r.id, (x) => ({ ...x, meta: omit(x.meta, k) })) }));
      if (r.kind === 'primitive' && r.utilization) out.push((s) => ({ ...s, resources: replaceResource(s, r.id, (x) => ({ ...x, utilization: undefined })) }));
    }
  }
  for (const k of Object.keys(spec.rscDefaults)) out.push((s) => ({ ...s, rscDefaults: omit(s.rscDefaults, k) }));
  for (const k of Object.keys(spec.properties)) if (k !== 'stonith-enabled') out.push((s) => ({ ...s, properties: omit(s.properties, k) }));
  return out;
}

/**
 * Greedy delta debugging over the spec: applies each reduction that keeps
 * `stillFails` true, until a full pass changes nothing.
 */
export async function shrinkSpec(spec: ClusterSpec, stillFails: (s: ClusterSpec) => Promise<boolean>): Promise<ClusterSpec> {
  let current = spec;
  let changed = true;
  while (changed) {
    changed = false;
    let steps = reductions(current);
    for (let i = 0; i < steps.length; i++) {
      const candidate = steps[i](current);
      if (!(await stillFails(candidate))) continue;
      current = candidate;
      changed = true;
      steps = reductions(current);
      i--; // the same position now holds the next reduction
    }
  }
  return current;
}
