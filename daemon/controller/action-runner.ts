import type { Watcher } from 'etcd3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CibStore } from '../cib/store.js';
import type { XmlElement } from '../cib/xml.js';
import { isFailure, operationRecords, pendingRecord, recordId, type HistoryContext } from '../executor/history.js';
import { OcfRc, OpStatus, type AgentExecutor, type ExecutedOperationResult, type OperationRequest } from '../executor/operation.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';
import type { ActionRequest } from './action-request.js';
import { failCountAttribute, failureAttributes } from './fail-count.js';

/** Operations that change what runs: a pending record goes in first, so a new DC waits instead of repeating them. */
const STATE_CHANGING = new Set(['start', 'stop', 'migrate_to', 'migrate_from', 'promote', 'demote', 'reload']);
/** Operations after which the resource's recurring monitors must not run any more. */
const ENDS_MONITORING = new Set(['stop', 'migrate_to', 'demote', 'promote']);
/** Operations whose success means the resource now runs here. */
const ACTIVATES = new Set(['start', 'migrate_from', 'promote', 'demote']);

interface LocalResource {
  request: OperationRequest;
  active: boolean;
}

/**
 * Runs this node's share of the DC's transitions: claims each request from the node's
 * queue (atomically with its pending record), runs it through the executor, keeps
 * recurring monitors going, and records every result and fail count in the node's status.
 * Also the self-fence actuator: stopAll() stops everything it started, hard-killing on deadline.
 */
export class ActionRunner implements Lifecycle {
  private watcher?: Watcher;
  private readonly seen = new Set<string>();
  /** Latest record per op id (this node is the only writer of its status). */
  private readonly records = new Map<string, XmlElement>();
  private readonly resources = new Map<string, LocalResource>();
  private readonly inFlight = new Set<Promise<void>>();
  private accepting = false;
  /** Self-fencing: claim nothing until the node has rejoined as a fresh member. */
  private paused = false;

  constructor(
    private readonly node: string,
    private readonly store: CibStore,
    private readonly executor: AgentExecutor,
    private readonly log: Logger,
    /** The DC asked to fence this very node (e.g. a stop failed): self-fence. */
    private readonly onFenceRequest: (reason: string) => void,
    /** This node's current incarnation (its lease id): only requests meant for it run. */
    private readonly incarnation: () => string | undefined,
  ) {}

  /** Starts taking requests; whatever an earlier incarnation left queued is withdrawn unrun. */
  async start(): Promise<void> {
    this.accepting = true;
    this.watcher = await this.store.watchQueue(this.node, (key, value) => this.accept(key, value));
    await this.scanQueue();
  }

  private async scanQueue(): Promise<void> {
    for (const queued of await this.store.queuedRequests(this.node)) this.accept(queued.transitionKey, queued.request);
  }

  async stop(): Promise<void> {
    this.accepting = false;
    await this.watcher?.cancel();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resources this node believes it runs (for shutdown and self-fencing). */
  activeResources(): string[] {
    return [...this.resources].filter(([, r]) => r.active).map(([id]) => id);
  }

  private accept(transitionKey: string, value: string): void {
    if (!this.accepting || this.paused || this.seen.has(transitionKey)) return;
    this.seen.add(transitionKey);
    let request: ActionRequest;
    try {
      request = JSON.parse(value) as ActionRequest;
    } catch (err) {
      this.log.error({ err, transitionKey }, 'unreadable action request; withdrawing it');
      void this.store.withdrawRequest(this.node, transitionKey).catch(() => undefined);
      return;
    }
    if (request.incarnation === undefined || request.incarnation !== this.incarnation()) {
      // planned (maybe from a stale snapshot) for an earlier incarnation of this node, whose
      // resources and status are gone: its DC counts it as failed once it sees the restart
      this.log.warn({ transitionKey, resource: request.action.resource, op: request.action.operation, meantFor: request.incarnation, incarnation: this.incarnation() }, 'request meant for an earlier incarnation of this node; withdrawn unrun');
      void this.store.withdrawRequest(this.node, transitionKey).catch(() => undefined);
      return;
    }
    const job = this.perform(request)
      .catch((err: unknown) => this.log.error({ err, transitionKey, resource: request.action.resource, op: request.action.operation }, 'action failed to run'))
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  private async perform({ transitionKey, action }: ActionRequest): Promise<void> {
    const ctx: HistoryContext = { node: this.node, transitionKey };
    const log = this.log.child({ resource: action.resource, op: action.operation, interval: action.intervalMs, transitionKey });
    if (action.kind === 'fence' && action.node === this.node) {
      if (await this.store.claimRequest(this.node, transitionKey, '', { class: 'stonith', type: 'lease' })) {
        log.warn('the DC fences this node');
        this.onFenceRequest(`fence request ${transitionKey}`);
      }
      return;
    }
    if (action.kind !== 'resource' || !action.agent || !action.resource) {
      log.error({ kind: action.kind }, 'request is not a resource action; withdrawing it');
      await this.store.withdrawRequest(this.node, transitionKey);
      return;
    }
    const req: OperationRequest = {
      resource: action.resource,
      agent: action.agent,
      operation: action.operation,
      intervalMs: action.intervalMs,
      timeoutMs: action.timeoutMs,
      params: action.params,
      meta: action.meta,
    };
    if (req.operation === 'cancel') {
      if (!(await this.store.claimRequest(this.node, transitionKey, req.resource, req.agent))) return;
      this.executor.cancelRecurring(req.resource, 'monitor', req.intervalMs);
      await this.forget(req.resource, [recordId({ ...req, operation: 'monitor' })]);
      return;
    }
    const pending = STATE_CHANGING.has(req.operation) ? pendingRecord(req, ctx) : undefined;
    if (!(await this.store.claimRequest(this.node, transitionKey, req.resource, req.agent, pending))) {
      log.info('request withdrawn by the DC before it ran');
      return;
    }
    if (pending) this.records.set(pending.attrs.id, pending);
    if (ENDS_MONITORING.has(req.operation)) await this.cancelMonitors(req.resource);
    if (req.intervalMs > 0) {
      await new Promise<void>((resolve) => {
        let first = true;
        this.executor.startRecurring(req, (result) => {
          void this.record(req, result, ctx, false).finally(() => {
            if (first) resolve();
            first = false;
          });
        });
      });
      return;
    }
    const result = await this.executor.run(req);
    this.track(req, result);
    await this.record(req, result, ctx, action.failureIsFatal === true);
  }

  private track(req: OperationRequest, result: ExecutedOperationResult): void {
    const ok = result.status === OpStatus.Done;
    // a failed start may have left the resource half-running: it still needs a stop
    if (ACTIVATES.has(req.operation)) this.resources.set(req.resource, { request: req, active: true });
    else if ((req.operation === 'stop' || req.operation === 'migrate_to') && ok && result.rc === OcfRc.Success) {
      this.resources.set(req.resource, { request: req, active: false });
    } else if (req.operation === 'monitor' && req.intervalMs === 0 && ok) {
      this.resources.set(req.resource, { request: req, active: result.rc !== OcfRc.NotRunning });
    }
  }

  /** Writes the result records and, for a failure, bumps the fail count (to INFINITY when the DC marked the action fatal). */
  private async record(req: OperationRequest, result: ExecutedOperationResult, ctx: HistoryContext, fatal: boolean): Promise<void> {
    const records = operationRecords(req, result, ctx, this.records.get(recordId(req)));
    for (const r of records) this.records.set(r.attrs.id, r);
    const expected = Number(ctx.transitionKey.split(':')[2]);
    const failed = isFailure(req, result, Number.isInteger(expected) ? expected : OcfRc.Success);
    this.log[failed ? 'warn' : 'info'](
      { resource: req.resource, op: req.operation, interval: req.intervalMs, rc: result.rc, status: result.status, ms: result.durationMs, reason: result.exitReason || undefined },
      failed ? 'operation failed' : 'operation done',
    );
    let attributes: Record<string, string> = {};
    if (failed && req.operation !== 'notify') {
      const previous = Number(await this.store.transientAttribute(this.node, failCountAttribute(req)).catch(() => undefined)) || 0;
      attributes = failureAttributes(req, fatal, previous, Math.floor(Date.now() / 1000));
    }
    await this.withRetry('record result', () => this.store.recordOperations(this.node, req.resource, req.agent, records, attributes));
  }

  /**
   * A result is never dropped: etcd may be electing a leader, so retry until it is recorded.
   * Only a self-fence ends the attempts (this node's status is reset when it rejoins).
   */
  private async withRetry(what: string, fn: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (this.paused) {
          this.log.error({ err: (err as Error).message }, `${what}: not recorded, this node is fencing itself (its status is reset on rejoin)`);
          return;
        }
        this.log.warn({ err: (err as Error).message, attempt }, `${what}: retrying`);
        await sleep(Math.min(2000, 250 * attempt));
      }
    }
  }

  private async cancelMonitors(resource: string): Promise<void> {
    const ids: string[] = [];
    for (const [id, rec] of this.records) {
      if (id.startsWith(`${resource}_monitor_`) && Number(rec.attrs.interval) > 0) {
        this.executor.cancelRecurring(resource, 'monitor', Number(rec.attrs.interval));
        ids.push(id);
      }
    }
    if (ids.length > 0) await this.forget(resource, ids);
  }

  private async forget(resource: string, ids: string[]): Promise<void> {
    for (const id of ids) this.records.delete(id);
    await this.store.deleteOperations(this.node, resource, ids);
  }

  /**
   * Stops every resource this node runs (shutdown, self-fence). Returns whether all
   * stops succeeded by `deadlineMs` (epoch ms); the caller hard-kills otherwise.
   */
  async stopAll(deadlineMs: number): Promise<boolean> {
    this.executor.stopAllRecurring();
    const stops = [...this.resources]
      .filter(([, r]) => r.active)
      .map(async ([id, r]) => {
        const result = await this.executor.run({ ...r.request, operation: 'stop', intervalMs: 0, timeoutMs: Math.max(1, deadlineMs - Date.now()) });
        const ok = result.status === OpStatus.Done && result.rc === OcfRc.Success;
        if (ok) this.resources.set(id, { request: r.request, active: false });
        this.log.warn({ resource: id, op: 'stop', rc: result.rc, status: result.status }, 'stopped resource on our own');
        return ok;
      });
    const all = Promise.all(stops).then((oks) => oks.every(Boolean));
    const remaining = deadlineMs - Date.now();
    return Promise.race([all, sleep(Math.max(0, remaining), false)]);
  }

  /** Self-fence begins: no new request is claimed from now on. */
  pause(): void {
    this.paused = true;
  }

  /**
   * The node rejoined after a self-fence, as a new incarnation: local knowledge is forgotten
   * (the cluster re-probes this node) and requests queued for the previous incarnation are
   * withdrawn unrun (the DC counted them as failed when this node left).
   */
  async resume(): Promise<void> {
    this.resources.clear();
    this.records.clear();
    this.paused = false;
    await this.scanQueue();
  }
}
