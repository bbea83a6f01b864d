import type { Cib, Group, Primitive, Resource } from '../cib/model.js';
import { resolveAttributes } from '../cib/rules.js';
import { INFINITY, parseScore } from '../cib/score.js';
import { parseInterval } from '../cib/duration.js';
import type { ClusterOptions, Role, SchedNode, SchedResource, WorkingSet } from './working-set.js';
import { isTrueValue } from '../cib/truth.js';


export function parseRole(v: string | undefined): Role | undefined {
  if (v === undefined) return undefined;
  switch (v.toLowerCase()) {
    case 'stopped': return 'Stopped';
    case 'started': return 'Started';
    case 'slave': case 'unpromoted': return 'Unpromoted';
    case 'master': case 'promoted': return 'Promoted';
    default: return undefined;
  }
}

function clusterOptions(cib: Cib, now: Date): ClusterOptions {
  const o = resolveAttributes(cib.configuration.crmConfig, { now });
  const haveQuorum = cib.attrs['have-quorum'];
  return {
    symmetric: isTrueValue(o['symmetric-cluster'], true),
    stonithEnabled: isTrueValue(o['stonith-enabled'], true),
    noQuorumPolicy: o['no-quorum-policy'] ?? 'stop',
    haveQuorum: haveQuorum === undefined ? true : isTrueValue(haveQuorum, false),
    maintenanceMode: isTrueValue(o['maintenance-mode'], false),
    stopAllResources: isTrueValue(o['stop-all-resources'], false),
    placementStrategy: o['placement-strategy'] ?? 'default',
    startFailureIsFatal: isTrueValue(o['start-failure-is-fatal'], true),
    stopOrphanResources: isTrueValue(o['stop-orphan-resources'], true),
    clusterRecheckMs: parseInterval(o['cluster-recheck-interval'] ?? '15min') ?? 900_000,
    stonithAction: o['stonith-action'] === 'poweroff' ? 'off' : o['stonith-action'] ?? 'reboot',
    startupFencing: isTrueValue(o['startup-fencing'], true),
    leaseFencing: false,
    haveWatchdog: isTrueValue(o['have-watchdog'], false),
  };
}

function buildNodes(cib: Cib, now: Date): SchedNode[] {
  const states = new Map(cib.status.map((s) => [s.id, s]));
  return cib.configuration.nodes.map((n, index) => {
    const state = states.get(n.id);
    const attrs: Record<string, string> = { ...(state?.transient ?? {}) };
    resolveAttributes(n.attributes, { now }, attrs);
    attrs['#uname'] = n.uname;
    attrs['#id'] = n.id;
    attrs['#kind'] = n.type === 'remote' ? 'remote' : 'cluster';
    const capacity: Record<string, number> = {};
    for (const [k, v] of Object.entries(resolveAttributes(n.utilization, { now, nodeAttributes: attrs }))) capacity[k] = Number(v) || 0;
    return {
      id: n.id, uname: n.uname, online: false, unclean: false, pending: false, standby: false, shutdown: false, maintenance: false,
      attrs, capacity, capacityNames: Object.keys(capacity), remaining: { ...capacity }, assignedCount: 0, index,
    };
  });
}

interface ResourceFactory {
  ws: WorkingSet;
  order: number;
}

function newResource(f: ResourceFactory, id: string, kind: SchedResource['kind'], metaIn: Record<string, string>, parent?: SchedResource): SchedResource {
  const meta = metaIn;
  // Options left unset take their defaults without parsing a default's text (thousands of resources, several options each).
  const stickiness = meta['resource-stickiness'] ?? meta['default-resource-stickiness'];
  const mt = meta['migration-threshold'];
  const r: SchedResource = {
    id, kind, parent, children: [], order: f.order, meta,
    priority: meta.priority === undefined ? 0 : (parseScore(meta.priority) ?? 0),
    stickiness: stickiness === undefined ? 0 : (parseScore(stickiness) ?? 0),
    managed: isTrueValue(meta['is-managed'], true) && !f.ws.options.maintenanceMode && !isTrueValue(meta.maintenance, false),
    targetRole: parseRole(meta['target-role']),
    migrationThreshold: mt === undefined ? INFINITY : (parseScore(mt) ?? INFINITY),
    failureTimeoutMs: meta['failure-timeout'] === undefined ? 0 : (parseInterval(meta['failure-timeout']) ?? 0),
    allowMigrate: isTrueValue(meta['allow-migrate'], false),
    running: new Map(), failed: false, failedOn: new Set(), blocked: false, allowed: new Map(), provisional: true, assigning: false,
    withPrimaries: [], withDependents: [], withCloneDependents: [], restartFor: new Map(), danglingOn: new Set(), migrating: false, activeMonitors: new Map(),
    utilization: {},
    // Every optional field from the start: one object shape for all resources keeps the scheduler's property reads monomorphic.
    def: undefined, groupDef: undefined, cloneDef: undefined, assignedTo: undefined, nextRole: undefined, stopReason: undefined,
    startBlockedReason: undefined, instance: undefined, orphan: undefined, historyOn: undefined, actionSlots: undefined,
  };
  f.ws.resourceById.set(id, r);
  return r;
}

function metaOf(ws: WorkingSet, res: Resource, inherited: Record<string, string>): Record<string, string> {
  // Own meta wins over the parent's, which wins over rsc_defaults.
  return { ...agentDefaults(ws, res), ...inherited, ...resolveAttributes(res.meta, { now: ws.now }) };
}

/**
 * rsc_defaults whose rules test the agent (rsc_expression: class, provider, type) apply to the
 * primitives they match only; ws.rscDefaults holds what applies to every resource.
 */
function agentDefaults(ws: WorkingSet, res: Resource): Record<string, string> {
  if (res.kind !== 'primitive' || !ws.cib.configuration.rscDefaults.some((set) => set.rule !== undefined)) return {};
  const matched = resolveAttributes(ws.cib.configuration.rscDefaults, { now: ws.now, rsc: { class: res.class, provider: res.provider, type: res.type } });
  for (const k of Object.keys(ws.rscDefaults)) delete matched[k];
  return matched;
}

function buildPrimitive(f: ResourceFactory, p: Primitive, id: string, inherited: Record<string, string>, parent?: SchedResource): SchedResource {
  const r = newResource(f, id, 'primitive', metaOf(f.ws, p, inherited), parent);
  r.def = p;
  for (const [k, v] of Object.entries(resolveAttributes(p.utilization, { now: f.ws.now }))) r.utilization[k] = Number(v) || 0;
  f.ws.primitives.push(r);
  if (id !== p.id) (f.ws.instancesByBase.get(p.id) ?? f.ws.instancesByBase.set(p.id, []).get(p.id)!).push(r);
  return r;
}

function buildGroup(f: ResourceFactory, g: Group, id: string, suffix: string, inherited: Record<string, string>, parent?: SchedResource): SchedResource {
  const meta = metaOf(f.ws, g, inherited);
  const r = newResource(f, id, 'group', meta, parent);
  r.groupDef = g;
  // Children inherit the group's meta except the group's own priority-less options.
  r.children = g.children.map((c) => buildPrimitive(f, c, c.id + suffix, meta, r));
  return r;
}

function buildResource(f: ResourceFactory, res: Resource, inherited: Record<string, string>): SchedResource | undefined {
  switch (res.kind) {
    case 'primitive':
      return buildPrimitive(f, res, res.id, inherited);
    case 'group':
      return buildGroup(f, res, res.id, '', inherited);
    case 'clone': {
      const meta = metaOf(f.ws, res, inherited);
      const r = newResource(f, res.id, 'clone', meta);
      r.cloneDef = res;
      const max = Number(meta['clone-max'] ?? meta.clone_max ?? f.ws.nodes.length);
      const childMeta = { ...meta };
      // Pacemaker gives clone instances a stickiness of 1 unless one is configured (clone or rsc_defaults).
      if (meta['resource-stickiness'] === undefined && meta['default-resource-stickiness'] === undefined) childMeta['resource-stickiness'] = '1';
      for (let i = 0; i < max; i++) {
        const child = res.child.kind === 'primitive'
          ? buildPrimitive(f, res.child, `${res.child.id}:${i}`, childMeta, r)
          : buildGroup(f, res.child, `${res.child.id}:${i}`, `:${i}`, childMeta, r);
        child.instance = i;
        r.children.push(child);
      }
      return r;
    }
    case 'bundle':
      return undefined;
  }
}

/**
 * An extra instance of an anonymous clone, for a copy found active beyond
 * clone-max or a second copy on one node: it exists only to be stopped. For a
 * cloned group, the whole group instance is added; returned is its member
 * named `base`.
 */
export function addOrphanInstance(ws: WorkingSet, clone: SchedResource, base: string): SchedResource | undefined {
  const child = clone.cloneDef?.child;
  if (!child) return undefined;
  const n = clone.children.length;
  const f = { ws, order: clone.order };
  const r = child.kind === 'primitive'
    ? buildPrimitive(f, child, `${child.id}:${n}`, { ...clone.meta }, clone)
    : buildGroup(f, child, `${child.id}:${n}`, `:${n}`, { ...clone.meta }, clone);
  r.instance = n;
  for (const p of r.kind === 'group' ? r.children : [r]) p.nextRole = 'Stopped';
  clone.children.push(r);
  return r.kind === 'group' ? r.children.find((m) => m.def?.id === base) : r;
}

/** A primitive found in the status but no longer configured: it exists only to be stopped and forgotten. */
export function addOrphanPrimitive(ws: WorkingSet, def: Primitive): SchedResource {
  const r = buildPrimitive({ ws, order: ws.cib.configuration.resources.length + ws.resources.length }, def, def.id, { ...ws.rscDefaults });
  r.orphan = true;
  r.nextRole = 'Stopped';
  // stop-orphan-resources=false leaves orphans running, untouched.
  r.managed &&= ws.options.stopOrphanResources;
  ws.resources.push(r);
  return r;
}

/** Creates the working set: options, nodes and resources with resolved meta attributes. */
export function buildWorkingSet(cib: Cib, now: Date): WorkingSet {
  const ws: WorkingSet = {
    cib, now, options: clusterOptions(cib, now), nodes: [], nodeById: new Map(), nodeByName: new Map(), resources: [],
    resourceById: new Map(), primitives: [], colocations: [], actions: [], actionByKey: new Map(), actionTaskCodes: new Map(), actionsByRsc: new Map(), instancesByBase: new Map(),
    opDefaults: resolveAttributes(cib.configuration.opDefaults, { now }),
    // Evaluated for no agent: sets whose rules test the agent apply per primitive (agentDefaults).
    rscDefaults: resolveAttributes(cib.configuration.rscDefaults, { now, rsc: {} }),
  };
  ws.nodes = buildNodes(cib, now);
  for (const n of ws.nodes) {
    ws.nodeById.set(n.id, n);
    ws.nodeByName.set(n.uname, n);
  }
  const f: ResourceFactory = { ws, order: 0 };
  for (const res of cib.configuration.resources) {
    const r = buildResource(f, res, ws.rscDefaults);
    if (r) ws.resources.push(r);
    f.order++;
  }
  return ws;
}
