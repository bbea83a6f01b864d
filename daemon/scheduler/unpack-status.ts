import type { LrmOp, LrmResource, OpDefinition, Primitive } from '../cib/model.js';
import { OcfRc, OpStatus } from '../executor/operation.js';
import type { Role, SchedNode, SchedResource, WorkingSet } from './working-set.js';
import { addOrphanInstance, addOrphanPrimitive, parseRole } from './build.js';
import { hardErrorScope, maskableProbeFailure } from './failure-severity.js';
import { failedOpExpired } from './failures.js';
import { isTrueValue } from '../cib/truth.js';

/** What one node's operation history says about one resource. */
export interface HistoryState {
  role: Role;
  failed: boolean;
  /** the failure, when the resource must be recovered */
  failure?: LrmOp;
  onFail?: string;
  pending?: string;
  /** the op that last (re)started the resource here, for digest checks */
  lastStart?: LrmOp;
  /** recurring monitors currently active (interval ms -> op); absent while none is (most histories are probes) */
  monitors?: Map<number, LrmOp>;
  /** last op was a successful migrate_to towards this node */
  migratedTo?: string;
  /** when that migrate_to completed (epoch s) */
  migrateToAt?: number;
  /** the source was stopped right after a successful migrate_to towards `target` */
  stoppedAfterMigrateTo?: { target?: string; at?: number };
  /** a successful migrate_from from this source made the resource active here */
  migratedFrom?: string;
  /** a migrate_to towards this node failed: the resource may be active there */
  failedMigrateTo?: { target?: string; at?: number };
  /** newest last-rc-change in the history (epoch s) */
  lastChange: number;
  /** a migrate_from from this source failed */
  failedMigrateFrom?: string;
  /** ops other than probes ran here */
  acted: boolean;
  /** a hard error that bans the node (not installed) or every node (not configured) */
  hardError?: 'node' | 'cluster';
  stopFailed?: boolean;
  /** a failure of an operation with on-fail=ignore was passed over */
  failureIgnored: boolean;
  /** the failure recorded as "<rsc>_last_failure_0" (its digest tells whether the parameters changed since) */
  lastFailure?: LrmOp;
  /** history exists (probe done or ops ran) */
  known: boolean;
}

/** The rc the controller expected, from transition-key "action:transition:expected-rc:uuid". */
function expectedRc(op: LrmOp): number | undefined {
  const k = op.transitionKey;
  if (k === undefined) return undefined;
  const a = k.indexOf(':');
  const b = a < 0 ? -1 : k.indexOf(':', a + 1);
  const c = b < 0 ? -1 : k.indexOf(':', b + 1);
  if (c < 0) return undefined;
  const n = Number(k.slice(b + 1, c));
  return Number.isInteger(n) ? n : undefined;
}

const byCallId = (a: LrmOp, b: LrmOp) => {
  const ca = a.callId < 0 ? Number.MAX_SAFE_INTEGER : a.callId;
  const cb = b.callId < 0 ? Number.MAX_SAFE_INTEGER : b.callId;
  return ca - cb || (a.lastRcChange ?? 0) - (b.lastRcChange ?? 0);
};

/** The on-fail policy configured for an operation, with Pacemaker's defaults. */
export function onFailFor(ws: WorkingSet, def: { ops: OpDefinition[] } | undefined, op: LrmOp): string {
  const conf = def?.ops.find((o) => o.name === op.operation && o.intervalMs === op.intervalMs)?.onFail;
  if (conf) return conf;
  if (op.operation === 'stop') return ws.options.stonithEnabled ? 'fence' : 'block';
  return 'restart';
}

const activeRoleFor = (op: LrmOp, current: Role): Role => {
  switch (op.operation) {
    case 'promote': return 'Promoted';
    case 'demote': return 'Unpromoted';
    // A start (re)creates the resource in its base role, whatever an earlier probe found.
    case 'start': case 'migrate_from': return 'Started';
    case 'monitor': return op.rcCode === OcfRc.RunningPromoted ? 'Promoted' : current === 'Promoted' || current === 'Unpromoted' ? current : 'Started';
    default: return current === 'Promoted' || current === 'Unpromoted' ? current : 'Started';
  }
};

/** Failures a later success of the same recurring monitor clears; the others (stop, fence, standby) stay (Pacemaker). */
const clearedByRecovery = new Set(['block', 'ignore', 'demote', 'restart', 'restart-container']);

/**
 * Whether a successful recurring monitor supersedes the failure recorded so far: it is the same
 * operation (a recurring monitor's results share one call id; its newer result sorts after the failure).
 */
const monitorRecovered = (st: HistoryState, op: LrmOp): boolean =>
  st.failed && st.failure?.operation === 'monitor' && st.failure.intervalMs === op.intervalMs && clearedByRecovery.has(st.onFail ?? '');

/** Whether the monitor of this interval is configured for role="Stopped". */
function stoppedRoleMonitor(def: Primitive, intervalMs: number): boolean {
  for (const o of def.ops) if (o.name === 'monitor' && o.intervalMs === intervalMs && parseRole(o.role) === 'Stopped') return true;
  return false;
}

/** A history's state before any of its operations is replayed. */
function initialState(role: Role, lastChange: number, known: boolean): HistoryState {
  // Every field from the start: one object shape for all histories keeps the code reading them monomorphic.
  return {
    role, failed: false, failure: undefined, onFail: undefined, pending: undefined, lastStart: undefined, monitors: undefined,
    migratedTo: undefined, migrateToAt: undefined, stoppedAfterMigrateTo: undefined, migratedFrom: undefined, failedMigrateTo: undefined,
    lastChange, failedMigrateFrom: undefined, acted: false, hardError: undefined, stopFailed: false, failureIgnored: false, lastFailure: undefined, known,
  };
}

/** A history that is one probe finding the resource not running: the bulk of a large cluster's status section. */
function probedNotRunning(lrm: LrmResource): boolean {
  if (lrm.count !== 1) return false;
  // Read in place: most histories never become LrmOp objects.
  const { table, first } = lrm;
  return table.operation(first) === 'monitor' && table.intervalMs(first) === 0 && table.opStatus(first) === OpStatus.Done && table.rcCode(first) === OcfRc.NotRunning;
}

/**
 * What replayHistory makes of a probedNotRunning history, one object shared by all those with the same
 * last-rc-change (one per resource and node would be tens of thousands): later phases only ever
 * update failed states, which these are not.
 */
function probedStoppedState(shared: Map<number, HistoryState>, lrm: LrmResource): HistoryState {
  const t = lrm.table.lastRcChange(lrm.first);
  const lastChange = t > 0 ? t : 0;
  let st = shared.get(lastChange);
  if (!st) shared.set(lastChange, (st = initialState('Stopped', lastChange, true)));
  return st;
}

/**
 * Replays one resource's history on one node in call-id order (Pacemaker's unpack_rsc_op, simplified).
 * `base` is the configured resource the history is for (its definition and failure-timeout), when there is one.
 */
export function replayHistory(ws: WorkingSet, lrm: LrmResource, base: SchedResource | undefined, node: SchedNode): HistoryState {
  const def = base?.def;
  let lastChange = 0;
  let sorted = true;
  for (let k = 0; k < lrm.ops.length; k++) {
    const o = lrm.ops[k];
    if (o.lastRcChange !== undefined && o.lastRcChange > lastChange) lastChange = o.lastRcChange;
    if (k > 0 && byCallId(lrm.ops[k - 1], o) > 0) sorted = false;
  }
  const st = initialState('Unknown', lastChange, lrm.ops.length > 0);
  // Histories are usually recorded in call-id order already: replay them without a sorted copy.
  const ops = sorted ? lrm.ops : [...lrm.ops].sort(byCallId);
  let skipped = 0;
  for (let op of ops) {
    if (op.opStatus === OpStatus.Cancelled) continue;
    // Old histories mark "rc differs from 0" as an error even when it was the expected rc.
    if (op.opStatus === OpStatus.Error && op.rcCode === expectedRc(op)) op = { ...op, opStatus: OpStatus.Done };
    // Degraded results count as their healthy counterparts (running / running promoted).
    if (op.rcCode === OcfRc.Degraded) op = { ...op, rcCode: OcfRc.Success };
    else if (op.rcCode === OcfRc.DegradedPromoted) op = { ...op, rcCode: OcfRc.RunningPromoted };
    const recurring = op.intervalMs > 0;
    if (op.opStatus === OpStatus.Pending) {
      // An operation in flight counts as done for planning, so that it is never scheduled twice.
      st.pending = op.operation;
      if (op.operation === 'stop') st.role = 'Stopped';
      else if (['start', 'migrate_from', 'promote', 'demote', 'migrate_to'].includes(op.operation)) st.role = activeRoleFor(op, st.role);
      continue;
    }
    const probe = op.operation === 'monitor' && !recurring;
    if (!probe) st.acted = true;
    if (op.operation !== 'migrate_to' && !recurring) {
      // A stop right after a successful migrate_to: the migration may still have left the resource on the target.
      st.stoppedAfterMigrateTo = op.operation === 'stop' && st.migratedTo !== undefined ? { target: st.migratedTo, at: st.migrateToAt } : undefined;
      st.migratedTo = undefined;
    }
    // Monitors for role="Stopped" expect "not running": finding the resource active there is a failure.
    const stoppedMonitor = recurring && def !== undefined && stoppedRoleMonitor(def, op.intervalMs);
    if (stoppedMonitor && op.opStatus === OpStatus.Done) {
      if (op.rcCode === OcfRc.NotRunning) {
        if (st.role === 'Unknown') st.role = 'Stopped';
        continue;
      }
      st.role = activeRoleFor(op, 'Started');
      st.failed = true;
      st.failure = op;
      st.onFail = onFailFor(ws, def, op);
      continue;
    }
    // The expected rc (parsed from the transition key) is read only where the rc alone does not decide.
    const ok = op.opStatus === OpStatus.Done && (op.rcCode === OcfRc.Success || (op.operation === 'monitor' && op.rcCode === OcfRc.RunningPromoted && (!recurring || st.role === 'Promoted' || expectedRc(op) === OcfRc.RunningPromoted)) || (op.rcCode === OcfRc.NotRunning && (probe || op.operation === 'stop' || expectedRc(op) === OcfRc.NotRunning)));
    if (ok) {
      if (recurring && op.rcCode === OcfRc.NotRunning) {
        st.role = 'Stopped';
        continue;
      }
      if (recurring) {
        (st.monitors ??= new Map()).set(op.intervalMs, op);
        if (st.role === 'Unknown' || st.role === 'Stopped') st.role = activeRoleFor(op, 'Started');
        if (monitorRecovered(st, op)) {
          st.failed = false;
          st.failure = undefined;
          st.onFail = undefined;
        }
        continue;
      }
      if (op.rcCode === OcfRc.NotRunning || op.operation === 'stop') {
        st.role = 'Stopped';
        st.monitors = undefined;
        st.lastStart = undefined;
      } else {
        // A demote does not clear an earlier failure (Pacemaker: only on-fail=demote's own).
        if (op.operation === 'demote' && st.failed && st.onFail !== 'demote') {
          st.role = activeRoleFor(op, st.role);
          continue;
        }
        st.role = activeRoleFor(op, st.role);
        if (op.operation !== 'monitor' || st.lastStart === undefined) st.lastStart = op;
        if (op.operation === 'migrate_to') {
          st.migratedTo = op.migrateTarget;
          st.migrateToAt = op.lastRcChange;
        }
        if (op.operation === 'migrate_from') st.migratedFrom = op.migrateSource;
      }
      st.failed = false;
      st.failure = undefined;
      st.stopFailed = false;
      continue;
    }
    // An expired one-off failure is ignored (an expired recurring one still stops the monitor: see failures.ts).
    if (!recurring && base !== undefined && base.failureTimeoutMs > 0 && failedOpExpired(ws, base, node, op)) {
      skipped++;
      continue;
    }
    if (maskableProbeFailure(op)) {
      st.role = 'Stopped';
      st.hardError = 'node';
      continue;
    }
    const onFail = onFailFor(ws, def, op);
    if (onFail === 'ignore') {
      st.failureIgnored = true;
      if (op.operation !== 'stop') st.role = activeRoleFor(op, st.role);
      continue;
    }
    if (recurring && op.rcCode === OcfRc.NotRunning) {
      // The resource died under its monitor: still counts as (failed) active until stopped.
      st.role = st.role === 'Unknown' || st.role === 'Stopped' ? 'Started' : st.role;
    } else if (op.rcCode === OcfRc.NotRunning && op.operation === 'start') {
      st.role = 'Started';
    } else {
      // A failed demote leaves the resource promoted only under on-fail=block; else it is recovered as unpromoted (Pacemaker).
      st.role = op.operation === 'demote' ? (onFail === 'block' ? 'Promoted' : 'Unpromoted') : activeRoleFor(op, st.role === 'Unknown' || st.role === 'Stopped' ? 'Started' : st.role);
    }
    if (op.operation === 'migrate_to') st.failedMigrateTo = { target: op.migrateTarget, at: op.lastRcChange };
    if (op.operation === 'migrate_from') st.failedMigrateFrom = op.migrateSource;
    st.hardError = hardErrorScope(op) ?? st.hardError;
    if (op.operation === 'stop') st.stopFailed = true;
    if (op.id.endsWith('_last_failure_0')) st.lastFailure = op;
    st.failed = true;
    st.failure = op;
    st.onFail = onFail;
    st.monitors = undefined;
  }
  // A history of expired failures only says nothing: the resource is probed again.
  if (skipped === lrm.ops.length) st.known = false;
  if (st.role === 'Unknown' && st.known) st.role = 'Stopped';
  return st;
}

/** The instances of one anonymous clone that histories were matched to so far, on which nodes. */
interface InstanceUse {
  /** instance number -> the nodes it was matched on */
  nodesOf: Map<number | undefined, Set<SchedNode>>;
  /** the primitives matched so far (a cloned group's members one by one) */
  matched: Set<SchedResource>;
}

function instanceUse(used: Map<SchedResource, InstanceUse>, clone: SchedResource): InstanceUse {
  let u = used.get(clone);
  if (!u) used.set(clone, (u = { nodesOf: new Map(), matched: new Set() }));
  return u;
}

function matchInstance(u: InstanceUse, r: SchedResource, node: SchedNode): void {
  const instance = instanceNumber(r);
  let nodes = u.nodesOf.get(instance);
  if (!nodes) u.nodesOf.set(instance, (nodes = new Set()));
  nodes.add(node);
  u.matched.add(r);
}

/**
 * Finds the scheduler resource an lrm_resource entry describes. Anonymous clone
 * instances are recorded under the primitive's id (or any instance number):
 * map them to an instance already placed on this node or to a free one.
 */
function resolveInstance(ws: WorkingSet, id: string, direct: SchedResource | undefined, node: SchedNode, active: boolean, used: Map<SchedResource, InstanceUse>): SchedResource | undefined {
  if (direct && direct.kind === 'primitive' && (!cloneOf(direct) || !isAnonymous(direct))) return direct;
  const base = id.replace(/:\d+$/, '');
  const candidates = ws.instancesByBase.get(base) ?? [];
  if (candidates.length === 0 || !isAnonymous(candidates[0])) return direct;
  if (!active) return candidates[0];
  const clone = cloneOf(candidates[0])!;
  const u = instanceUse(used, clone);
  // An instance already active here takes the member this history names (a cloned group's members share their
  // instance), unless that member was matched here already. A second copy is then an orphan to stop, even with
  // free instances and whatever clone-node-max allows (Pacemaker 2.1.5, checked with crm_simulate). A history
  // on a node without an active instance takes the first instance matched nowhere yet.
  let instanceHere = false;
  let pick: SchedResource | undefined;
  for (const c of candidates) {
    if (u.nodesOf.get(instanceNumber(c))?.has(node) !== true) continue;
    instanceHere = true;
    if (!u.matched.has(c)) {
      pick = c;
      break;
    }
  }
  if (!instanceHere) pick = candidates.find((c) => !u.nodesOf.has(instanceNumber(c)));
  if (pick) {
    matchInstance(u, pick, node);
    return pick;
  }
  const orphan = addOrphanInstance(ws, clone, base);
  if (orphan) matchInstance(u, orphan, node);
  return orphan;
}

export const cloneOf = (r: SchedResource): SchedResource | undefined => (r.parent?.kind === 'clone' ? r.parent : r.parent?.parent?.kind === 'clone' ? r.parent.parent : undefined);
const instanceNumber = (r: SchedResource) => r.instance ?? r.parent?.instance;
/** A clone whose instances are interchangeable (globally-unique false, Pacemaker's default). */
export const anonymousClone = (clone: SchedResource): boolean => !isTrueValue(clone.meta['globally-unique']);
export const isAnonymous = (r: SchedResource): boolean => {
  const c = cloneOf(r);
  return c !== undefined && anonymousClone(c);
};

/** Resources Pacemaker creates itself (remote connections, bundle parts, guests in containers) are not orphans. */
const implicit = (ws: WorkingSet, lrm: LrmResource): boolean =>
  lrm.container !== undefined || (lrm.provider === 'pacemaker' && lrm.type === 'remote') ||
  ws.cib.configuration.resources.some((r) => r.kind === 'bundle' && lrm.id.startsWith(`${r.id}-`));

/** The stand-in for a resource that has history but no configuration (the agent comes from the history). */
function orphanOf(ws: WorkingSet, lrm: LrmResource): SchedResource | undefined {
  if (ws.resourceById.has(lrm.id) || !lrm.type || implicit(ws, lrm)) return undefined;
  return addOrphanPrimitive(ws, { kind: 'primitive', id: lrm.id, meta: [], class: lrm.class ?? 'ocf', provider: lrm.provider, type: lrm.type, instanceAttributes: [], utilization: [], ops: [] });
}

export interface UnpackedHistory {
  rsc: SchedResource;
  node: SchedNode;
  state: HistoryState;
  /** the id the history was recorded under (an anonymous clone instance's may differ from the instance's) */
  name: string;
  /** the agent the history was recorded for (the lrm_resource entry itself) */
  agent: { readonly class?: string; readonly provider?: string; readonly type?: string };
}

/**
 * A status section's histories, as the phases after unpacking read them. A large cluster's status is mostly
 * probes of resources not running there: those become records only where some phase reads them.
 */
export interface StatusHistories {
  /** active, failed, with a hard error, or of an orphan: all that placement, failures, orphan deletes and the status view read */
  notable: UnpackedHistory[];
  /** every history of a clone instance (promotion scores count only where an instance has history) */
  cloned: UnpackedHistory[];
  /** every history of a resource whose history on some node records a migration (reconciled side by side) */
  migrations: UnpackedHistory[];
}

/** Whether a history records a migration that the histories on other nodes may complete or contradict. */
const recordsMigration = (st: HistoryState): boolean =>
  st.migratedTo !== undefined || st.failedMigrateTo !== undefined || st.stoppedAfterMigrateTo !== undefined;

/** Every history read, in reading order, index by index: kept until unpackStatus knows which resources migrated. */
interface ReadHistories {
  count: number;
  // Made at their full length (the status section's entry count): storing into them never grows them.
  rsc: SchedResource[];
  node: SchedNode[];
  state: HistoryState[];
  lrm: LrmResource[];
}

function readHistories(ws: WorkingSet): ReadHistories {
  let n = 0;
  for (const ns of ws.cib.status) n += ns.resources.length;
  return { count: 0, rsc: new Array(n), node: new Array(n), state: new Array(n), lrm: new Array(n) };
}

const record = (read: ReadHistories, i: number): UnpackedHistory => ({ rsc: read.rsc[i], node: read.node[i], state: read.state[i], name: read.lrm[i].id, agent: read.lrm[i] });

/** Reads the status section: where each resource runs, failures, pending ops. */
export function unpackStatus(ws: WorkingSet): StatusHistories {
  const histories: StatusHistories = { notable: [], cloned: [], migrations: [] };
  const read = readHistories(ws);
  // A later node's history may record the migration: the records of those resources are made once all are read.
  const migrated = new Set<SchedResource>();
  const used = new Map<SchedResource, InstanceUse>();
  const probedStopped = new Map<number, HistoryState>();
  for (const ns of ws.cib.status) {
    const node = ws.nodeById.get(ns.id) ?? (ns.uname ? ws.nodeByName.get(ns.uname) : undefined);
    if (!node) continue;
    // Without fencing an offline node's history is not trusted (nothing could confirm it); with fencing
    // it is read, and a resource still active there gets the node fenced (see fenceForHistory).
    if (!node.online && !ws.options.stonithEnabled) continue;
    const resources = ns.resources;
    for (let k = 0; k < resources.length; k++) {
      const lrm = resources[k];
      const direct = ws.resourceById.get(lrm.id);
      const base = direct ?? ws.resourceById.get(lrm.id.replace(/:\d+$/, '') + ':0');
      const state = probedNotRunning(lrm) ? probedStoppedState(probedStopped, lrm) : replayHistory(ws, lrm, base, node);
      const active = state.role !== 'Stopped' && state.role !== 'Unknown';
      // Remote nodes' liveness is not modelled: orphans are recognised on cluster nodes only.
      // A history naming a primitive outside any clone (the bulk of a status section) needs no instance matching.
      const rsc = direct !== undefined && direct.kind === 'primitive' && cloneOf(direct) === undefined ? direct
        : resolveInstance(ws, lrm.id, direct, node, active, used) ?? (base || node.attrs['#kind'] !== 'cluster' ? undefined : orphanOf(ws, lrm));
      if (!rsc) continue;
      (rsc.historyOn ??= new Uint8Array(ws.nodes.length))[node.index] = 1;
      if (recordsMigration(state)) migrated.add(rsc);
      const i = read.count++;
      read.rsc[i] = rsc;
      read.node[i] = node;
      read.state[i] = state;
      read.lrm[i] = lrm;
      const notable = active || state.failed || state.failureIgnored || state.hardError !== undefined || state.lastFailure !== undefined || rsc.orphan;
      const cloned = cloneOf(rsc) !== undefined;
      if (!notable && !cloned) continue;
      const entry = record(read, i);
      if (notable) histories.notable.push(entry);
      if (cloned) histories.cloned.push(entry);
    }
  }
  if (migrated.size > 0) for (let i = 0; i < read.count; i++) if (migrated.has(read.rsc[i])) histories.migrations.push(record(read, i));
  return histories;
}
