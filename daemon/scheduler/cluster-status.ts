import type { Cib } from '../cib/model.js';
import { buildWorkingSet } from './build.js';
import { unpackNodeStates } from './node-state.js';
import { unpackStatus, type StatusHistories } from './unpack-status.js';
import { applyHistory } from './failures.js';
import { reconcileMigrations } from './migration.js';
import type { SchedNode, SchedResource, WorkingSet } from './working-set.js';

export interface NodeDescription {
  name: string;
  state: 'online' | 'offline' | 'unclean' | 'standby' | 'maintenance' | 'shutdown';
}

export interface ResourceDescription {
  id: string;
  kind: 'primitive' | 'group' | 'clone';
  agent?: string;
  /** primitives: role and the nodes it is active on */
  role?: string;
  nodes?: string[];
  failed?: boolean;
  managed?: boolean;
  /** active but no longer configured */
  orphaned?: boolean;
  children?: ResourceDescription[];
}

export interface FailedAction {
  resource: string;
  operation: string;
  node: string;
  rc: number;
  status: number;
  reason?: string;
}

export interface ClusterDescription {
  nodes: NodeDescription[];
  resources: ResourceDescription[];
  failedActions: FailedAction[];
}

function nodeState(n: SchedNode): NodeDescription['state'] {
  if (n.unclean) return 'unclean';
  if (!n.online) return 'offline';
  if (n.maintenance) return 'maintenance';
  if (n.standby) return 'standby';
  if (n.shutdown) return 'shutdown';
  return 'online';
}

function describeResource(r: SchedResource, uname: (id: string) => string): ResourceDescription {
  if (r.kind === 'primitive') {
    const d = r.def!;
    const roles = [...r.running.values()];
    return {
      id: r.id, kind: 'primitive', agent: `${d.class}:${d.provider ? `${d.provider}:` : ''}${d.type}`,
      role: roles.length ? roles[0] : 'Stopped', nodes: [...r.running.keys()].map(uname), failed: r.failed, managed: r.managed,
      ...(r.orphan ? { orphaned: true } : {}),
    };
  }
  return { id: r.id, kind: r.kind, managed: r.managed, children: r.children.map((c) => describeResource(c, uname)) };
}

/** The current state of the cluster as the scheduler understands it (for `vigil status` and simulate). */
export function describeCluster(cib: Cib, now: Date = new Date()): ClusterDescription {
  const ws = buildWorkingSet(cib, now);
  unpackNodeStates(ws);
  const histories = unpackStatus(ws);
  applyHistory(ws, histories.notable);
  reconcileMigrations(ws, histories);
  return describeWorkingSet(ws, histories);
}

/** Describes an already unpacked working set (status is not changed by scheduling). */
export function describeWorkingSet(ws: WorkingSet, histories: StatusHistories): ClusterDescription {
  const uname = (id: string) => ws.nodeById.get(id)?.uname ?? id;
  const failedActions: FailedAction[] = [];
  for (const h of histories.notable) {
    const f = h.state.failure;
    if (h.state.failed && f) failedActions.push({ resource: h.rsc.id, operation: f.operationKey, node: h.node.uname, rc: f.rcCode, status: f.opStatus, reason: f.exitReason || undefined });
  }
  return {
    nodes: ws.nodes.map((n) => ({ name: n.uname, state: nodeState(n) })),
    // Orphans show only while active (a stopped one is just history to delete).
    resources: ws.resources.filter((r) => !r.orphan || r.running.size > 0).map((r) => describeResource(r, uname)),
    failedActions,
  };
}

function primitiveLine(r: ResourceDescription, indent: string): string {
  const where = r.role === 'Stopped' ? 'Stopped' : `${r.orphaned ? 'ORPHANED ' : ''}${r.role}${r.failed ? ' (FAILED)' : ''} ${r.nodes!.join(' ')}`;
  return `${indent}* ${r.id}\t(${r.agent}):\t ${where}${r.managed === false ? ' (unmanaged)' : ''}\n`;
}

/** crm_simulate-style "Node List" and "Full List of Resources". */
export function formatClusterStatus(d: ClusterDescription): string {
  let out = '  * Node List:\n';
  const groups: [string, NodeDescription['state'][]][] = [['Online', ['online']], ['OFFLINE', ['offline']], ['UNCLEAN (offline)', ['unclean']]];
  for (const n of d.nodes) if (n.state === 'standby' || n.state === 'maintenance' || n.state === 'shutdown') out += `    * Node ${n.name}: ${n.state}\n`;
  for (const [label, states] of groups) {
    const names = d.nodes.filter((n) => states.includes(n.state)).map((n) => n.name);
    if (names.length) out += `    * ${label}: [ ${names.join(' ')} ]\n`;
  }
  out += '\n  * Full List of Resources:\n';
  for (const r of d.resources) {
    if (r.kind === 'primitive') out += primitiveLine(r, '    ');
    else if (r.kind === 'group') {
      out += `    * Resource Group: ${r.id}:\n`;
      for (const c of r.children!) out += primitiveLine(c, '      ');
    } else {
      const first = r.children![0];
      out += `    * Clone Set: ${r.id} [${first?.id.replace(/:\d+$/, '') ?? ''}]:\n`;
      const prims = r.children!.flatMap((c) => (c.kind === 'primitive' ? [c] : c.children!));
      const started = [...new Set(prims.filter((p) => p.role !== 'Stopped').flatMap((p) => p.nodes!))];
      if (started.length) out += `      * Started: [ ${started.join(' ')} ]\n`;
    }
  }
  if (d.failedActions.length) {
    out += '\nFailed Resource Actions:\n';
    for (const f of d.failedActions) out += `  * ${f.operation} on ${f.node} 'error' (${f.rc})${f.reason ? `: ${f.reason}` : ''}\n`;
  }
  return out;
}
