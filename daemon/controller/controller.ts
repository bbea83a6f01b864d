import { randomUUID } from 'node:crypto';
import { exportCibText } from '../cib/store-export.js';
import type { CibChange, CibSnapshot, CibStore } from '../cib/store.js';
import { childrenNamed, element, firstChild, parseXml } from '../cib/xml.js';
import { recordId } from '../executor/history.js';
import { incarnationOf } from '../membership/incarnation.js';
import type { Action, Transition } from '../scheduler/transition.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';
import { expectedRc, type ActionRequest } from './action-request.js';
import { LostNodes, type LostNodeVerdict } from './lost-nodes.js';
import { TransitionRun } from './transition-run.js';

// Log fields: `node` is the DC itself (from the base logger); the node an action is for is `target`.

/** A round slower than this is worth a warning: everything waits for the DC meanwhile. */
const SLOW_ROUND_MS = 5000;
/**
 * How long planning waits for a member that has not published its incarnation yet (it is
 * between its presence and its first request scan): a plan now could only fail its actions.
 * Bounded, so a node stuck joining cannot hold the whole cluster.
 */
const JOIN_HOLD_MS = 3000;

/** What the controller needs of the CIB store (CibStore; scenario tests use an in-memory one). */
export type ControllerStore = Pick<
  CibStore,
  'queuedRequests' | 'withdrawRequest' | 'snapshot' | 'markNodeDown' | 'enqueueRequest' | 'clearFailures' | 'forgetResource'
> & { watchCluster(onChange: (change: CibChange) => void): Promise<{ cancel(): Promise<void> }> };

/** The scheduler as the controller uses it: CIB XML in, transition graph out. */
export type Planner = (cibXml: string, now: Date) => Transition;

export interface ControllerOptions {
  node: string;
  store: ControllerStore;
  log: Logger;
  plan: Planner;
  fencingMarginMs: number;
  /** This node can still talk to a quorate etcd (its lease is fresh). */
  quorate: () => boolean;
  /** Re-plan at least this often when idle (failure-timeout expiry, rules with dates). */
  recheckMs?: number;
  /** Extra time beyond an action's own timeout before the DC gives up waiting for its result. */
  resultGraceMs?: number;
}

interface Dispatched {
  action: Action;
  transitionKey: string;
  deadline: number;
  /** The incarnation of the target node the action was planned for (absent for a fence of an absent node). */
  incarnation?: string;
  /**
   * The record that holds (or would hold) this action's result was deleted while it was in
   * flight (cleanup, node status reset): a result written before the delete is lost for good.
   */
  resultDeleted?: boolean;
}

/**
 * The DC's transition engine: on every change of membership, status or configuration (or a
 * timer), read the CIB, schedule, and execute the graph: dispatch each action whose
 * dependencies completed into its node's queue, follow results in the status section, and
 * abort (finish what is in flight, dispatch nothing more) and re-plan on a failure or change.
 */
export class Controller implements Lifecycle {
  /** DC session id: the UUID part of transition keys; distinguishes this DC's requests. */
  private readonly session = randomUUID();
  private readonly lost: LostNodes;
  private readonly dispatched = new Map<string, Dispatched>();
  private run?: TransitionRun;
  /** Each node's incarnation in the snapshot the current run was planned from. */
  private planIncarnations = new Map<string, string>();
  private transitionCounter = 0;
  private replan = true;
  private lastPlanAt = 0;
  /** Since when planning waits for a joining member (see JOIN_HOLD_MS). */
  private joiningSince?: number;
  private running = false;
  private wake?: () => void;
  /** A change arrived since the current round began: run the next round at once. */
  private woken = false;
  private loopDone?: Promise<void>;
  private watcher?: { cancel(): Promise<void> };
  private readonly log: Logger;

  constructor(private readonly o: ControllerOptions) {
    this.lost = new LostNodes(o.fencingMarginMs);
    this.log = o.log.child({ component: 'controller' });
  }

  async start(): Promise<void> {
    this.running = true;
    // Requests an earlier DC queued but no node claimed yet are withdrawn: the new plan decides
    // again. Claimed ones show as pending records, which the scheduler waits for.
    for (const q of await this.o.store.queuedRequests()) {
      if (await this.o.store.withdrawRequest(q.node, q.transitionKey)) {
        this.log.info({ target: q.node, transitionKey: q.transitionKey }, 'withdrew unclaimed request of a previous DC');
      }
    }
    this.watcher = await this.o.store.watchCluster((change) => this.onChange(change));
    this.loopDone = this.loop();
    this.log.info({ session: this.session }, 'controller started');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.watcher?.cancel();
    await this.loopDone;
    this.log.info('controller stopped');
  }

  private onChange(change: CibChange): void {
    if (change.kind === 'status' && change.key.kind === 'op' && change.deleted) this.resultRecordDeleted(change.node, change.key.resource, change.key.opId);
    // Records of a resource with an action in flight (its pending record, result, cancelled
    // monitors) are that action's doing: follow() reads the outcome; no re-plan needed.
    if (change.kind === 'status' && change.key.kind === 'op' && this.inFlightOn(change.node, change.key.resource)) {
      this.poke();
      return;
    }
    this.replan = true;
    this.run?.abort(`cluster changed (${change.kind}${change.kind === 'status' ? ` on ${change.node}` : ''})`);
    this.poke();
  }

  private poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private resultRecordDeleted(node: string, resource: string, opId: string): void {
    for (const d of this.dispatched.values()) {
      if (d.action.node === node && d.action.resource === resource && recordId({ ...d.action, resource }) === opId) d.resultDeleted = true;
    }
  }

  private inFlightOn(node: string, resource: string): boolean {
    for (const d of this.dispatched.values()) if (d.action.node === node && d.action.resource === resource) return true;
    return false;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let waitMs = this.o.recheckMs ?? 15_000;
      const started = Date.now();
      try {
        waitMs = Math.min(waitMs, await this.step());
      } catch (err) {
        this.log.error({ err }, 'controller step failed; retrying');
        waitMs = 500;
      }
      const tookMs = Date.now() - started;
      if (tookMs > SLOW_ROUND_MS) this.log.warn({ ms: tookMs, transition: this.run?.id }, 'controller round was slow (etcd or scheduler stalled)');
      if (!this.running) break;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One round; returns how long to sleep at most before the next one. */
  private async step(): Promise<number> {
    if (!this.o.quorate()) return 250;
    if (this.run) return this.follow(this.run, await this.o.store.snapshot());
    const sinceLastPlan = Date.now() - this.lastPlanAt;
    if (!this.replan && sinceLastPlan < (this.o.recheckMs ?? 15_000)) return (this.o.recheckMs ?? 15_000) - sinceLastPlan;
    // Cleared before the read, not after: a change arriving while the snapshot is read may be
    // newer than it, and must bring another round (cleared after, it was lost until the recheck).
    this.replan = false;
    const snapshot = await this.o.store.snapshot();
    const now = Date.now();
    const verdict = await this.confirmLostNodes(snapshot, now);
    if (verdict.confirm.length > 0 || verdict.waitMs !== undefined) {
      // never plan while a lost node might still be finishing its self-fence
      this.replan = true;
      return verdict.confirm.length > 0 ? 0 : verdict.waitMs!;
    }
    if (snapshot.members.some((n) => incarnationOf(snapshot, n) === undefined)) {
      this.joiningSince ??= now;
      if (now - this.joiningSince < JOIN_HOLD_MS) {
        this.replan = true;
        return 100;
      }
    } else this.joiningSince = undefined;
    this.lastPlanAt = now;
    const transition = this.o.plan(exportCibText(snapshot, { dc: this.o.node, quorate: true }), new Date(now));
    if (transition.actions.length === 0) return this.o.recheckMs ?? 15_000;
    const run = new TransitionRun(++this.transitionCounter, transition);
    this.run = run;
    this.planIncarnations = new Map();
    for (const n of snapshot.members) {
      const incarnation = incarnationOf(snapshot, n);
      if (incarnation !== undefined) this.planIncarnations.set(n, incarnation);
    }
    this.log.info({ transition: run.id, actions: transition.actions.length, summary: transition.summary }, 'transition started');
    this.reportInvariants(run);
    return this.follow(run, snapshot);
  }

  /** A graph breaking an invariant the controller enforces anyway: a scheduler bug to be seen (see probeEdges). */
  private reportInvariants(run: TransitionRun): void {
    for (const { action, probes } of run.missingProbeEdges) {
      this.log.error(
        { event: 'transition.invariant', invariant: 'probes-before-activation', transition: run.id, action: action.key, target: action.node, resource: action.resource, op: action.operation, probes: probes.map((p) => `${p.key}@${p.node}`) },
        'transition.invariant: graph does not order an activating action after the probes of its resource; the controller holds it anyway',
      );
    }
  }

  /** Marks nodes down whose lease expired at least the fencing margin ago (lease-based fencing). */
  private async confirmLostNodes(snapshot: CibSnapshot, now: number): Promise<LostNodeVerdict> {
    const verdict = this.lost.update(snapshot, configuredNodes(snapshot), now);
    for (const node of verdict.confirm) {
      await this.o.store.markNodeDown(node, 'fenced');
      this.lost.settled(node);
      this.log.warn({ lost: node, marginMs: this.o.fencingMarginMs }, 'node lost: lease expired and fencing margin passed; node is fenced');
    }
    return verdict;
  }

  /** Collects results, dispatches what became ready, finishes the run; returns the poll delay. */
  private async follow(run: TransitionRun, snapshot: CibSnapshot): Promise<number> {
    const now = Date.now();
    // a fence action for an absent node completes once the lease-expiry gate marks it down
    if (run.inFlight().some((a) => a.kind === 'fence')) {
      const verdict = await this.confirmLostNodes(snapshot, now);
      if (verdict.confirm.length > 0) return 0;
    }
    for (const [key, d] of this.dispatched) {
      const outcome = this.outcome(d, snapshot, now);
      if (outcome === undefined) continue;
      // a request left in the queue of a lost or restarted node must not run on its next
      // incarnation: this DC already counted it as failed and plans again without it
      if (!outcome.ok && d.incarnation !== incarnationOf(snapshot, d.action.node!)) await this.o.store.withdrawRequest(d.action.node!, key);
      this.dispatched.delete(key);
      run.complete(d.action.id, outcome.ok, outcome.why);
      if (outcome.ignored) {
        this.log.warn(
          { transition: run.id, action: d.action.key, target: d.action.node, resource: d.action.resource, op: d.action.operation, why: outcome.ignored },
          'notify failed; ignored: the transition goes on (a notification changes no state, and Pacemaker only logs its failure)',
        );
      }
      this.log[outcome.ok ? 'info' : 'warn'](
        { transition: run.id, action: d.action.key, target: d.action.node, resource: d.action.resource, op: d.action.operation, ok: outcome.ok, why: outcome.why },
        'action finished',
      );
    }
    if (run.aborted) await this.withdrawUnclaimed();
    for (let ready = run.ready(); ready.length > 0; ready = run.ready()) {
      for (const action of ready) await this.dispatch(run, action, snapshot);
    }
    if (run.finished || run.stuck) {
      this.log.info({ transition: run.id, aborted: run.aborted }, run.aborted ? 'transition aborted' : 'transition complete');
      this.run = undefined;
      this.replan = true;
      return 0;
    }
    return 1000;
  }

  /** `ignored`: the action failed, but counts as done (a notify: see follow()). */
  private outcome(d: Dispatched, snapshot: CibSnapshot, now: number): { ok: boolean; why?: string; ignored?: string } | undefined {
    const node = d.action.node!;
    if (d.action.kind === 'fence') {
      return !snapshot.members.includes(node) && snapshot.status.get(node)?.down ? { ok: true } : now > d.deadline ? { ok: false, why: 'fencing not confirmed in time' } : undefined;
    }
    const history = snapshot.status.get(node)?.resources.get(d.action.resource!);
    for (const op of history?.ops.values() ?? []) {
      if (op.attrs['transition-key'] !== d.transitionKey || op.attrs['op-status'] === '-1') continue;
      const rc = Number(op.attrs['rc-code']);
      if (op.attrs['op-status'] === '0' && rc === expectedRc(d.action)) return { ok: true };
      const why = `rc ${rc}, op-status ${op.attrs['op-status']} (expected rc ${expectedRc(d.action)})`;
      return d.action.operation === 'notify' ? { ok: true, ignored: why } : { ok: false, why };
    }
    if (!snapshot.members.includes(node)) return { ok: false, why: `node ${node} left the cluster` };
    const incarnation = incarnationOf(snapshot, node);
    if (incarnation !== d.incarnation) return { ok: false, why: `node ${node} restarted (incarnation ${d.incarnation} is now ${incarnation ?? 'joining'})` };
    // its result will never show: the history a re-plan re-probes is what tells what runs there now
    if (d.resultDeleted) return { ok: false, why: 'its history was deleted before the result was read (cleanup or node status reset)' };
    if (now > d.deadline) return { ok: false, why: 'no result in time' };
    return undefined;
  }

  private async dispatch(run: TransitionRun, action: Action, snapshot: CibSnapshot): Promise<void> {
    if (action.kind === 'pseudo') {
      run.complete(action.id, true);
      return;
    }
    if (action.kind === 'cluster') {
      await this.clusterAction(action);
      run.complete(action.id, true);
      return;
    }
    const node = action.node;
    if (!node) {
      run.complete(action.id, false, `action ${action.key} names no node`);
      return;
    }
    const transitionKey = `${action.id}:${run.id}:${expectedRc(action)}:${this.session}`;
    const deadline = Date.now() + action.timeoutMs + (this.o.resultGraceMs ?? 15_000);
    // the incarnation the plan saw: a node that restarted since gets nothing of this plan
    const incarnation = this.planIncarnations.get(node);
    const current = incarnationOf(snapshot, node);
    const member = snapshot.members.includes(node);
    if (action.kind === 'fence' && !member) {
      // an absent node: the lease-expiry gate in follow() confirms it
    } else if (incarnation === undefined || current !== incarnation) {
      run.complete(action.id, false, !member ? `node ${node} is not a member` : current === undefined ? `node ${node} is still joining` : `node ${node} restarted since the plan`);
      return;
    } else {
      // a resource action, or a member asked to fence itself
      await this.o.store.enqueueRequest(node, transitionKey, { transitionKey, action, incarnation } satisfies ActionRequest);
    }
    run.markDispatched(action.id);
    this.dispatched.set(transitionKey, { action, transitionKey, deadline, incarnation: current });
    this.log.info({ transition: run.id, action: action.key, target: node, resource: action.resource, op: action.operation }, 'action dispatched');
  }

  /** After an abort, requests not yet claimed are taken back; claimed ones run to completion. */
  private async withdrawUnclaimed(): Promise<void> {
    for (const [key, d] of this.dispatched) {
      if (d.action.kind !== 'resource' || this.run?.completesMigration(d.action)) continue;
      if (await this.o.store.withdrawRequest(d.action.node!, key)) {
        this.dispatched.delete(key);
        this.run?.complete(d.action.id, false, 'withdrawn after abort');
      }
    }
  }

  /** Cluster bookkeeping the DC does itself (clear fail counts / forget history: crm_resource --cleanup). */
  private async clusterAction(action: Action): Promise<void> {
    if (!action.resource) return;
    if (action.operation === 'clear_failcount') await this.o.store.clearFailures(action.resource, action.node);
    else await this.o.store.forgetResource(action.resource, action.node);
    this.log.info({ action: action.key, target: action.node, resource: action.resource, op: action.operation }, 'cluster action done');
  }
}

function configuredNodes(snapshot: CibSnapshot): string[] {
  const nodes = firstChild(parseXml(snapshot.configuration.xml), 'nodes') ?? element('nodes');
  return childrenNamed(nodes, 'node').map((n) => n.attrs.uname ?? n.attrs.id);
}
