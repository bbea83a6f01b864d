import type { LrmOp, OpDefinition } from '../cib/model.js';
import { addScores, INFINITY, parseScore } from '../cib/score.js';
import { parseInterval } from '../cib/duration.js';
import { ParameterDigests } from '../cib/op-digest.js';
import { paramsFor } from './location.js';
import { isAnonymous, type HistoryState, type UnpackedHistory } from './unpack-status.js';
import { fenceForHistory } from './fencing.js';
import { onlyPrivateParamsDiffer } from './secure-digest.js';
import type { SchedNode, SchedResource, WorkingSet } from './working-set.js';

/**
 * A resource's fail count and newest failure on a node, summed over the attributes it owns: an anonymous
 * clone instance owns its primitive's id and any numbered instance of it (fail-count-<id>:<n>, as older
 * controllers recorded them); anything else only its own id.
 */
function recordedFailures(r: SchedResource, node: SchedNode): { count: number; last: number } {
  const f = nodeFailures(node);
  if (!isAnonymous(r)) return { count: f.counts.get(r.id) ?? 0, last: f.last.get(r.id) ?? 0 };
  const name = r.def?.id ?? r.id;
  return { count: f.anonymousCounts.get(name) ?? 0, last: f.anonymousLast.get(name) ?? 0 };
}

interface NodeFailures {
  /** resource name -> summed fail count */
  counts: Map<string, number>;
  /** resource name -> newest last-failure (epoch s) */
  last: Map<string, number>;
  /** the same, keyed by the name without an instance number (what anonymous clone instances read) */
  anonymousCounts: Map<string, number>;
  anonymousLast: Map<string, number>;
}

const failureMemo = new WeakMap<SchedNode, NodeFailures>();

/** A node's fail-count-<rsc>[#op_interval] and last-failure-<rsc> attributes, indexed by resource name. */
function nodeFailures(node: SchedNode): NodeFailures {
  let f = failureMemo.get(node);
  if (f) return f;
  f = { counts: new Map(), last: new Map(), anonymousCounts: new Map(), anonymousLast: new Map() };
  const add = (counts: Map<string, number>, name: string, v: string) => counts.set(name, Math.min(INFINITY, (counts.get(name) ?? 0) + (parseScore(v) ?? 0)));
  const newest = (last: Map<string, number>, name: string, v: string) => last.set(name, Math.max(last.get(name) ?? 0, Number(v) || 0));
  for (const [k, v] of Object.entries(node.attrs)) {
    const m = /^(fail-count|last-failure)-(.+?)(#.*)?$/.exec(k);
    if (!m) continue;
    const base = m[2].replace(/:\d+$/, '');
    if (m[1] === 'fail-count') {
      add(f.counts, m[2], v);
      add(f.anonymousCounts, base, v);
    } else {
      newest(f.last, m[2], v);
      newest(f.anonymousLast, base, v);
    }
  }
  failureMemo.set(node, f);
  return f;
}

/** A resource's fail count on a node, 0 once failure-timeout has expired since the last failure. */
export function failCount(ws: WorkingSet, r: SchedResource, node: SchedNode): number {
  const { count, last } = recordedFailures(r, node);
  if (count > 0 && r.failureTimeoutMs > 0 && last > 0 && last * 1000 + r.failureTimeoutMs <= ws.now.getTime()) return 0;
  return count;
}

/** Applies what the status section says to the resources: placement, failures, bans, digests (inactive, healthy histories change nothing). */
export function applyHistory(ws: WorkingSet, histories: UnpackedHistory[]): void {
  for (const { rsc, node, state, agent } of histories) {
    restartContainerFor(ws, rsc, node, state);
    const active = state.role !== 'Stopped' && state.role !== 'Unknown';
    if (active) rsc.running.set(node.id, state.role);
    // On a node being fenced the fencing stops the resource: its failure there needs no recovery of its own.
    const fenced = fenceForHistory(ws, rsc, node, state);
    if (state.failed && failureExpired(ws, rsc, node, state)) {
      state.failed = false;
      state.failure = undefined;
    }
    // Made only for the histories that compare a digest (most are probes that found nothing).
    let here: NodeParameters | undefined;
    if (state.lastFailure && lastFailureForOtherParameters(rsc, (here = new NodeParameters(ws, rsc, node)), state)) (rsc.failCountCleared ??= new Set()).add(node.id);
    if (state.failureIgnored) rsc.failureIgnored = true;
    if (state.failed && !fenced) {
      rsc.failed = true;
      rsc.failedOn.add(node.id);
      if (state.onFail === 'block' || (state.stopFailed && !ws.options.stonithEnabled)) rsc.blocked = true;
      if (state.onFail === 'stop') rsc.nextRole = 'Stopped';
      if (state.onFail === 'standby') node.standby = true;
    }
    // The ban is the clone's when its instances are interchangeable (Pacemaker bans the top-level parent).
    if (state.hardError === 'node') for (const r of isAnonymous(rsc) && rsc.def ? ws.instancesByBase.get(rsc.def.id) ?? [rsc] : [rsc]) r.allowed.set(node.id, -INFINITY);
    // A failed start bans its node only through the fail count the controller records for it (INFINITY under
    // start-failure-is-fatal): a history without that count is recovered in place, as Pacemaker does.
    if (state.hardError === 'cluster') for (const n of ws.nodes) rsc.allowed.set(n.id, -INFINITY);
    if (!active) continue;
    here ??= new NodeParameters(ws, rsc, node);
    if (state.monitors) {
      const set = new Set<number>();
      for (const [interval, op] of state.monitors) if (monitorDigestMatches(rsc, here, interval, op.opDigest, op.featureSet)) set.add(interval);
      rsc.activeMonitors.set(node.id, set);
    }
    if (rsc.def && !state.failed) {
      const d = rsc.def;
      // A changed agent means a different resource: restart it (Pacemaker gives no reason text here).
      if ((agent.class && agent.class !== d.class) || (agent.type && agent.type !== d.type) || (agent.provider ?? d.provider) !== d.provider) rsc.restartFor.set(node.id, '');
      else if (state.lastStart?.opDigest && digestComparable(state.lastStart.featureSet) && here.digests().digest() !== state.lastStart.opDigest &&
        !onlyPrivateParamsDiffer(here.params(), state.lastStart, d.class === 'stonith')) rsc.restartFor.set(node.id, 'resource definition change');
    }
  }
}

/**
 * A resource inside a container (meta container=<resource>) fails by default with on-fail=restart-container:
 * the container is restarted on that node, and a failed stop counts as done — restarting the container stops it.
 */
function restartContainerFor(ws: WorkingSet, rsc: SchedResource, node: SchedNode, state: HistoryState): void {
  const id = rsc.meta.container;
  const op = state.failure;
  if (!state.failed || !op || id === undefined || id === rsc.id) return;
  // Only when the operation's on-fail is left to its default (or is restart-container).
  const configured = rsc.def?.ops.find((o) => o.name === op.operation && o.intervalMs === op.intervalMs)?.onFail;
  if (configured !== undefined && configured !== 'restart-container') return;
  const container = ws.resourceById.get(id);
  if (!container || container.kind !== 'primitive') return;
  container.restartFor.set(node.id, '');
  if (op.operation === 'stop') {
    state.failed = false;
    state.failure = undefined;
    state.stopFailed = false;
    state.role = 'Stopped';
    // A failure treated as success does not count towards migration-threshold either.
    (rsc.failCountCleared ??= new Set()).add(node.id);
  }
}

/** Fail counts of the resources inside a container (meta container=) add to the container's own. */
function fillerFailCount(ws: WorkingSet, container: SchedResource, node: SchedNode): number {
  let total = 0;
  for (const r of ws.primitives) if (r.meta.container === container.id && r !== container) total = addScores(total, failCount(ws, r, node));
  return total;
}

/**
 * failure-timeout also expires the failed operation itself (Pacemaker's check_operation_expiry): a
 * recurring operation's failure older than the timeout is ignored once no unexpired fail count
 * remains — except with on-fail=block, which keeps blocking until an administrator intervenes.
 */
function failureExpired(ws: WorkingSet, r: SchedResource, node: SchedNode, state: HistoryState): boolean {
  const op = state.failure;
  return op !== undefined && op.intervalMs > 0 && state.onFail !== 'block' && failedOpExpired(ws, r, node, op);
}

/**
 * Whether a failed operation is older than the resource's failure-timeout while no unexpired fail count
 * says otherwise (Pacemaker's operation expiry): an expired one-off failure is ignored as if never recorded.
 */
export function failedOpExpired(ws: WorkingSet, r: SchedResource, node: SchedNode, op: LrmOp): boolean {
  if (r.failureTimeoutMs <= 0 || op.lastRcChange === undefined) return false;
  if (op.lastRcChange * 1000 + r.failureTimeoutMs > ws.now.getTime()) return false;
  return recordedFailures(r, node).count === 0 || failCount(ws, r, node) === 0;
}

/**
 * A failed start or monitor recorded for parameters that have changed since says nothing about the
 * resource as now configured: Pacemaker clears its fail count ("resource parameters have changed").
 */
function lastFailureForOtherParameters(r: SchedResource, here: NodeParameters, state: HistoryState): boolean {
  const op = state.lastFailure;
  if (!op?.opDigest || (op.operation !== 'start' && op.operation !== 'monitor') || !digestComparable(op.featureSet)) return false;
  if (op.intervalMs > 0) return !monitorDigestMatches(r, here, op.intervalMs, op.opDigest, op.featureSet);
  return here.digests().digest() !== op.opDigest;
}

/** A resource's parameters on one node, resolved and sorted for digests only when a digest is compared, then once. */
class NodeParameters {
  private resolved?: Record<string, string>;
  private sorted?: ParameterDigests;

  constructor(
    readonly ws: WorkingSet,
    private readonly rsc: SchedResource,
    private readonly node: SchedNode,
  ) {}

  params(): Record<string, string> {
    return (this.resolved ??= paramsFor(this.ws, this.rsc, this.node));
  }

  digests(): ParameterDigests {
    return (this.sorted ??= new ParameterDigests(this.params()));
  }
}

/** Controllers before feature set 2.0 hashed parameters differently: their digests cannot be compared. */
const digestComparable = (featureSet: string | undefined): boolean => {
  if (featureSet === undefined) return true;
  const dot = featureSet.indexOf('.');
  return Number(dot < 0 ? featureSet : featureSet.slice(0, dot)) >= 2;
};

function monitorDigestMatches(rsc: SchedResource, here: NodeParameters, interval: number, digest: string | undefined, featureSet: string | undefined): boolean {
  const op = monitorDefinition(rsc, interval);
  if (!op) return false;
  if (!digest || !digestComparable(featureSet)) return true;
  return here.digests().digest(op.timeoutMs ?? defaultTimeoutMs(here.ws)) === digest;
}

function monitorDefinition(rsc: SchedResource, interval: number): OpDefinition | undefined {
  for (const o of rsc.def?.ops ?? []) if (o.name === 'monitor' && o.intervalMs === interval) return o;
  return undefined;
}

/** The op_defaults timeout, else 20 s (read once per working set: every action and monitor digest asks). */
export function defaultTimeoutMs(ws: WorkingSet): number {
  return (ws.defaultTimeoutMs ??= (ws.opDefaults.timeout !== undefined ? parseInterval(ws.opDefaults.timeout) : undefined) ?? 20_000);
}

/** Bans nodes where a resource reached migration-threshold failures. */
export function applyFailCounts(ws: WorkingSet): void {
  const containers = new Set<string>();
  for (const r of ws.primitives) if (r.meta.container !== undefined && r.meta.container !== r.id) containers.add(r.meta.container);
  for (const node of ws.nodes) {
    if (nodeFailures(node).counts.size === 0) continue;
    for (const r of ws.primitives) {
      if ((recordedFailures(r, node).count === 0 && !containers.has(r.id)) || r.failureIgnored) continue;
      const fc = containers.has(r.id) ? addScores(failCount(ws, r, node), fillerFailCount(ws, r, node)) : failCount(ws, r, node);
      if (fc > 0 && fc >= r.migrationThreshold && !r.failCountCleared?.has(node.id)) r.allowed.set(node.id, -INFINITY);
    }
  }
}

/** resource-stickiness: a bonus for staying where the resource runs now. */
export function applyStickiness(ws: WorkingSet): void {
  for (const r of ws.primitives) {
    if (!r.managed || r.stickiness === 0 || r.running.size !== 1) continue;
    const nodeId = r.running.keys().next().value!;
    const cur = r.allowed.get(nodeId);
    if (cur === undefined && !ws.options.symmetric) continue;
    r.allowed.set(nodeId, Math.max(-INFINITY, Math.min(INFINITY, (cur ?? 0) <= -INFINITY ? -INFINITY : (cur ?? 0) + r.stickiness)));
  }
}

/** Resources active on a node in maintenance are left exactly as they are (Pacemaker Explained: node maintenance). */
export function applyNodeMaintenance(ws: WorkingSet): void {
  for (const r of ws.primitives) {
    for (const id of r.running.keys()) if (ws.nodeById.get(id)!.maintenance) r.managed = false;
  }
}

/** multiple-active policy for resources found active on several nodes: block, stop_only or stop_start (default); stop_unexpected is actions.ts's. */
export function applyMultipleActive(ws: WorkingSet): void {
  for (const r of ws.primitives) {
    if (r.running.size < 2) continue;
    const policy = r.meta['multiple-active'] ?? 'stop_start';
    if (policy === 'block') {
      r.blocked = true;
      // A group itself configured so is blocked as a whole (Pacemaker blocks every member).
      const p = r.parent;
      if (p?.kind === 'group' && p.meta['multiple-active'] === 'block') for (const m of p.children) m.blocked = true;
    } else if (policy === 'stop_only') r.nextRole = 'Stopped';
  }
}
