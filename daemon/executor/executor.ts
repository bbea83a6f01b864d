import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { nodeBinding } from '../util/log-fields.js';
import type { Logger } from '../util/logger.js';
import type { Lifecycle } from '../util/lifecycle.js';
import { agentEnvironment, invalidParameterNames } from './agent-environment.js';
import { runAgentProcess } from './agent-process.js';
import { isResolved, resolveAgent, type ResolvedAgent } from './agent-resolver.js';
import { ExecutorConfigError, ExecutorNotRunningError, InvalidOperationRequestError } from './errors.js';
import { mapLsbExit, mapOcfExit } from './exit-code.js';
import { GUARD_PID_DIR, guardFileResources, readGuardTargets, removeGuardFiles, resolveGuardWatch, type GuardWatch } from './guard-pid-files.js';
import {
  OcfRc,
  OpStatus,
  type AgentExecutor,
  type ExecutedOperationResult,
  type OperationRequest,
  type RecurringResultListener,
} from './operation.js';
import { liveProcessGroups, processGroupAlive, signalGroup } from './process-group.js';
import { defaultCompatDir, defaultOcfRoots } from './project-paths.js';
import { RecurringOperation } from './recurring-operation.js';
import { ResourceQueue } from './resource-queue.js';
import { StartParameters } from './start-parameters.js';

export interface ExecutorOptions {
  /** This node's name (logs, OCF_RESKEY_CRM_meta_on_node). */
  node: string;
  logger: Logger;
  /** Ordered OCF roots; default: the project's resource-agents/ocf, then /usr/lib/ocf. */
  ocfRoots?: string[];
  /** Put first on agents' PATH; default: the project's resource-agents/compat. */
  compatDir?: string;
  /** HA_RSCTMP for agents; default /run/resource-agents. Give each node on one machine its own. */
  rscTmpDir?: string;
  /** Grace between SIGTERM and SIGKILL when an operation times out; default 2000 ms. */
  killGraceMs?: number;
  /** Bytes of agent output kept per operation; default 4096. */
  outputTailBytes?: number;
  /** Directories holding lsb:/service: init scripts; default /etc/init.d. */
  lsbDirs?: string[];
  /** Extra environment for every agent (e.g. VIGIL_API_SOCKET for the compat commands). */
  env?: Record<string, string>;
  /** First call-id to hand out; default 1. */
  firstCallId?: number;
}

/** OCF actions have an LSB counterpart only where the meaning is the same. */
const LSB_ACTIONS: Record<string, string> = { start: 'start', stop: 'stop', monitor: 'status', status: 'status', restart: 'restart', reload: 'force-reload' };

const META_DATA_LIMIT = 1 << 20;
const NOT_INSTALLED_ERRNO = new Set(['ENOENT', 'EACCES', 'ENOEXEC', 'ENOTDIR', 'ELOOP']);

/** Operations whose parameters the executor keeps for a later stop that comes without any. */
const ACTIVATING = new Set(['start', 'migrate_to', 'migrate_from']);

const recurringKey = (resource: string, operation: string, intervalMs: number) => `${resource}\u0000${operation}\u0000${intervalMs}`;

export { defaultCompatDir, defaultOcfRoots };

/**
 * Runs resource-agent operations on this node (see the OCF resource-agent
 * API): one operation at a time per resource, resources in parallel, each
 * agent in its own process group so a timeout or a self-fence kills all it
 * started. Stopping the executor cancels recurring operations and waits for
 * running ones; it never kills resources (the daemon may restart over them).
 */
export class Executor implements Lifecycle, AgentExecutor {
  private readonly log: Logger;
  private readonly ocfRoots: string[];
  private readonly compatDir: string;
  private readonly rscTmpDir: string;
  private readonly killGraceMs: number;
  private readonly outputTailBytes: number;
  private readonly queue = new ResourceQueue();
  private readonly recurring = new Map<string, RecurringOperation>();
  /** Parameters of each resource's last start or migration (see withStartParameters). */
  private readonly startParameters: StartParameters;
  /** Process groups of agents running now. */
  private readonly running = new Map<number, { resource: string; operation: string }>();
  /** Process groups that outlived their agent (daemons a start left behind), per resource. */
  private readonly resident = new Map<string, Set<number>>();
  private nextCallId: number;
  private started = false;
  private readonly groupListeners = new Set<() => void>();
  private guardPidWatcher?: FSWatcher;

  constructor(private readonly opts: ExecutorOptions) {
    this.log = opts.logger.child({ component: 'executor', ...nodeBinding(opts.logger, opts.node) });
    this.ocfRoots = opts.ocfRoots ?? defaultOcfRoots();
    this.compatDir = opts.compatDir ?? defaultCompatDir();
    this.rscTmpDir = opts.rscTmpDir ?? '/run/resource-agents';
    this.killGraceMs = opts.killGraceMs ?? 2000;
    this.outputTailBytes = opts.outputTailBytes ?? 4096;
    this.nextCallId = opts.firstCallId ?? 1;
    this.startParameters = new StartParameters(this.rscTmpDir);
  }

  async start(): Promise<void> {
    // Standard agents keep their state files there and fail their start if it is missing.
    const guardPidDir = join(this.rscTmpDir, GUARD_PID_DIR);
    try {
      mkdirSync(guardPidDir, { recursive: true });
      // an agent names QEMU while its start still runs: the guard must know at once, not at the agent's exit
      this.guardPidWatcher = watch(guardPidDir, () => this.groupsChanged());
    } catch (err) {
      throw new ExecutorConfigError('rscTmpDir', `cannot create or watch ${guardPidDir}`, { cause: err });
    }
    try {
      for (const problem of this.startParameters.load()) this.log.warn({ err: problem, file: problem.file }, 'saved start parameters unusable; an orphan stop of that resource runs without them');
    } catch (err) {
      throw new ExecutorConfigError('rscTmpDir', 'cannot read the saved start parameters', { cause: err });
    }
    this.started = true;
    this.log.info({ ocfRoots: this.ocfRoots, compatDir: this.compatDir, rscTmpDir: this.rscTmpDir }, 'executor started');
  }

  async stop(): Promise<void> {
    this.started = false;
    this.guardPidWatcher?.close();
    this.stopAllRecurring();
    this.queue.dropPending();
    await this.queue.idle();
    this.log.info('executor stopped');
  }

  /** Runs one operation after any earlier operation on the same resource has finished. */
  run(req: OperationRequest): Promise<ExecutedOperationResult> {
    return this.enqueue(req, () => false);
  }

  /**
   * As Pacemaker's executor: the stop of a resource deleted from the configuration while it ran
   * (an orphan) comes without instance parameters, yet the agent needs them to find what it
   * runs (VirtualDomain its domain config, Dummy its state file): such a stop gets the
   * parameters the resource was last started or migrated with here, by this daemon or an
   * earlier one (they are saved in HA_RSCTMP). Called when the operation's turn comes, so a
   * stop queued before a start cannot forget the start's parameters.
   */
  private withStartParameters(req: OperationRequest): OperationRequest {
    if (ACTIVATING.has(req.operation)) {
      try {
        this.startParameters.save(req.resource, req.params);
      } catch (err) {
        // only the fallback for a later orphan stop is at stake, not this operation
        this.log.error({ err, resource: req.resource, op: req.operation }, 'start parameters not saved; a vigild restart would forget them');
      }
    }
    if (req.operation !== 'stop' || Object.keys(req.params).length > 0) return req;
    const params = this.startParameters.get(req.resource);
    if (params === undefined) return req;
    this.log.info({ resource: req.resource, op: req.operation }, 'stop without parameters (orphan): using those of the last start');
    return { ...req, params };
  }

  private enqueue(req: OperationRequest, cancelled: () => boolean): Promise<ExecutedOperationResult> {
    if (!this.started) return Promise.reject(new ExecutorNotRunningError(req.resource, req.operation));
    if (!(req.timeoutMs > 0) || !(req.intervalMs >= 0)) {
      return Promise.reject(new InvalidOperationRequestError(req.resource, `timeout ${req.timeoutMs} ms / interval ${req.intervalMs} ms`));
    }
    const queuedAt = Date.now();
    return this.queue.enqueue(
      req.resource,
      () => this.execute(req, Date.now() - queuedAt),
      () => this.finish(req, { rc: OcfRc.ErrGeneric, status: OpStatus.Cancelled, output: '', exitReason: 'cancelled before it ran', startedAt: Date.now(), queueMs: Date.now() - queuedAt }),
      cancelled,
    );
  }

  /**
   * Starts (or replaces) a recurring operation; results go to `onResult` (first one, then changes).
   * Resolves with the first result, or undefined if it was cancelled (or killed) before it had one.
   */
  startRecurring(req: OperationRequest, onResult: RecurringResultListener): Promise<ExecutedOperationResult | undefined> {
    if (!this.started) throw new ExecutorNotRunningError(req.resource, req.operation);
    if (!(req.intervalMs > 0)) throw new InvalidOperationRequestError(req.resource, `recurring ${req.operation} needs an interval > 0, got ${req.intervalMs}`);
    const key = recurringKey(req.resource, req.operation, req.intervalMs);
    this.recurring.get(key)?.cancel();
    const report: RecurringResultListener = (result) => {
      this.log.info(
        { resource: req.resource, op: req.operation, interval: req.intervalMs, rc: result.rc, status: OpStatus[result.status], callId: result.callId },
        'recurring operation result changed',
      );
      onResult(result);
    };
    const op = new RecurringOperation(req, (r, cancelled) => this.enqueue(r, cancelled), report, (err) =>
      this.log.error({ err, resource: req.resource, op: req.operation, interval: req.intervalMs }, 'recurring operation failed to run'),
    );
    this.recurring.set(key, op);
    op.start();
    return op.first;
  }

  cancelRecurring(resource: string, operation: string, intervalMs: number): boolean {
    const key = recurringKey(resource, operation, intervalMs);
    const op = this.recurring.get(key);
    if (!op) return false;
    op.cancel();
    this.recurring.delete(key);
    this.log.info({ resource, op: operation, interval: intervalMs }, 'recurring operation cancelled');
    return true;
  }

  stopAllRecurring(): void {
    for (const op of this.recurring.values()) op.cancel();
    this.recurring.clear();
  }

  /** The recurring operations currently scheduled (for status and tests). */
  recurringOperations(): OperationRequest[] {
    return [...this.recurring.values()].map((op) => op.request);
  }

  /**
   * Every process group this executor started that still has live members:
   * running agents plus daemons a start left behind. The guard process kills
   * these if the daemon stops petting it.
   */
  processGroups(): number[] {
    const live = this.resident.size > 0 ? liveProcessGroups() : new Set<number>();
    for (const [resource, groups] of this.resident) {
      for (const pgid of groups) if (!live.has(pgid)) groups.delete(pgid);
      if (groups.size === 0) this.resident.delete(resource);
    }
    const all = new Set<number>(this.running.keys());
    for (const groups of this.resident.values()) for (const pgid of groups) all.add(pgid);
    return [...all];
  }

  /** Processes outside the agents' groups that resources consist of (QEMU under libvirtd), as agents named them: see guard-pid-files. */
  guardTargets(): { pids: number[]; watches: GuardWatch[] } {
    return readGuardTargets(this.rscTmpDir);
  }

  /** The resources that named processes for the guard (see guard-pid-files). */
  guardedResources(): string[] {
    return guardFileResources(this.rscTmpDir);
  }

  /**
   * Forgets what this node keeps for a resource the cluster has forgotten here (see
   * GuardFileSweep): the processes its agents named for the guard, and its saved start
   * parameters. Queued behind the resource's operations, so one still running keeps what it
   * named until it ends.
   */
  forgetResource(resource: string): Promise<void> {
    return this.queue.enqueue(
      resource,
      async () => {
        removeGuardFiles(this.rscTmpDir, resource);
        this.startParameters.forget(resource);
      },
      () => undefined,
    );
  }

  /**
   * Calls `listener` whenever the set of process groups may have changed (an
   * agent started or finished, killAll): the guard process re-reads its targets
   * then, instead of polling processGroups().
   */
  onProcessGroupsChanged(listener: () => void): () => void {
    this.groupListeners.add(listener);
    return () => this.groupListeners.delete(listener);
  }

  private groupsChanged(): void {
    for (const listener of this.groupListeners) listener();
  }

  /**
   * Self-fence: SIGKILL every agent process group at once (running operations
   * and daemons left behind by starts), cancel recurring operations and drop
   * queued ones (they resolve as Cancelled). The executor stays usable.
   */
  killAll(): number {
    this.stopAllRecurring();
    this.queue.dropPending();
    const groups = this.processGroups();
    for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
    const named = this.guardTargets();
    const pids = [...named.pids, ...named.watches.flatMap((w) => resolveGuardWatch(w) ?? [])];
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    const interrupted = [...this.running.values()].map((o) => `${o.resource}:${o.operation}`);
    const residents = [...this.resident.keys()];
    this.resident.clear();
    this.log.warn({ groups: groups.length, pids, interrupted, residents }, 'killed all agent process groups and named resource processes');
    this.groupsChanged();
    return groups.length;
  }

  private async execute(queued: OperationRequest, queueMs: number): Promise<ExecutedOperationResult> {
    const req = this.withStartParameters(queued);
    const result = await this.executeAgent(req, queueMs);
    if (req.operation === 'stop' && result.status === OpStatus.Done && result.rc === OcfRc.Success) {
      try {
        this.startParameters.forget(req.resource);
      } catch (err) {
        this.log.error({ err, resource: req.resource, op: req.operation }, 'saved start parameters not removed');
      }
    }
    return result;
  }

  private async executeAgent(req: OperationRequest, queueMs: number): Promise<ExecutedOperationResult> {
    const startedAt = Date.now();
    const agent = resolveAgent(req.agent, this.ocfRoots, this.opts.lsbDirs);
    if (!isResolved(agent)) {
      return this.finish(req, { rc: OcfRc.ErrInstalled, status: OpStatus.NotInstalled, output: agent.reason, exitReason: agent.reason, startedAt, queueMs });
    }
    const badNames = invalidParameterNames(req);
    if (badNames.length > 0) {
      const reason = `parameter names not usable as OCF_RESKEY_ variables: ${badNames.join(', ')}`;
      return this.finish(req, { rc: OcfRc.ErrConfigured, status: OpStatus.ErrorFatal, output: reason, exitReason: reason, startedAt, queueMs });
    }
    const action = agent.kind === 'lsb' ? LSB_ACTIONS[req.operation] : req.operation;
    if (action === undefined) {
      const reason = `lsb agents have no ${req.operation} action`;
      return this.finish(req, { rc: OcfRc.Unimplemented, status: OpStatus.NotSupported, output: reason, exitReason: reason, startedAt, queueMs });
    }
    return this.spawnAgent(req, agent, action, startedAt, queueMs);
  }

  private async spawnAgent(req: OperationRequest, agent: ResolvedAgent, action: string, startedAt: number, queueMs: number): Promise<ExecutedOperationResult> {
    let group: number | undefined;
    const outcome = await runAgentProcess({
      path: agent.path,
      args: [action],
      env: agentEnvironment(req, agent, { node: this.opts.node, compatDir: this.compatDir, rscTmpDir: this.rscTmpDir, extra: this.opts.env }),
      timeoutMs: req.timeoutMs,
      killGraceMs: this.killGraceMs,
      // meta-data is the output itself (callers parse it), not a log tail.
      outputTailBytes: req.operation === 'meta-data' ? META_DATA_LIMIT : this.outputTailBytes,
      onGroup: (pgid) => {
        group = pgid;
        this.running.set(pgid, { resource: req.resource, operation: req.operation });
        this.groupsChanged();
      },
    });
    if (group !== undefined) {
      this.running.delete(group);
      this.trackResident(req, group, !outcome.timedOut && outcome.code === 0);
      this.groupsChanged();
    }
    const base = { output: outcome.output, startedAt, queueMs };
    if (outcome.spawnError) {
      const reason = `cannot execute ${agent.path}: ${outcome.spawnError.message}`;
      // A missing interpreter or permission is an installation problem; EAGAIN, ENOMEM, … are this node's trouble.
      return NOT_INSTALLED_ERRNO.has(outcome.spawnError.code ?? '')
        ? this.finish(req, { ...base, rc: OcfRc.ErrInstalled, status: OpStatus.NotInstalled, exitReason: reason })
        : this.finish(req, { ...base, rc: OcfRc.ErrGeneric, status: OpStatus.Error, exitReason: reason });
    }
    if (outcome.timedOut) {
      const stuck = outcome.unkillable ? ' and survived SIGKILL (uninterruptible?); its processes may still run' : '';
      if (outcome.unkillable) this.log.error({ resource: req.resource, op: req.operation, pgid: group }, 'agent survived SIGKILL');
      return this.finish(req, { ...base, rc: OcfRc.ErrGeneric, status: OpStatus.Timeout, exitReason: `${req.operation} timed out after ${req.timeoutMs} ms${stuck}` });
    }
    const mapped = agent.kind === 'lsb' ? mapLsbExit(action, outcome.code) : mapOcfExit(outcome.code, outcome.signal);
    if (mapped.garbage) {
      this.log.warn({ resource: req.resource, op: req.operation, exitCode: outcome.code, signal: outcome.signal }, 'agent exited with a code outside the resource-agent API; recorded as generic error');
    }
    const exitReason = outcome.exitReason || (mapped.garbage ? `agent exited with ${outcome.signal ?? 'code ' + outcome.code}` : '');
    return this.finish(req, { ...base, rc: mapped.rc, status: mapped.status, exitReason });
  }

  /** Remembers groups an operation left running (a daemon a start spawned), forgets them once a stop succeeded. */
  private trackResident(req: OperationRequest, pgid: number, succeeded: boolean): void {
    if (req.operation === 'stop' && succeeded) {
      this.resident.delete(req.resource);
      return;
    }
    if (!processGroupAlive(pgid)) return;
    const groups = this.resident.get(req.resource) ?? new Set<number>();
    groups.add(pgid);
    this.resident.set(req.resource, groups);
  }

  private finish(req: OperationRequest, r: Omit<ExecutedOperationResult, 'callId' | 'durationMs'>): ExecutedOperationResult {
    const result: ExecutedOperationResult = { ...r, callId: this.nextCallId++, durationMs: Date.now() - r.startedAt };
    const fields = {
      resource: req.resource,
      op: req.operation,
      interval: req.intervalMs,
      rc: result.rc,
      status: OpStatus[result.status],
      durationMs: result.durationMs,
      queueMs: result.queueMs,
      callId: result.callId,
      exitReason: result.exitReason || undefined,
    };
    if (result.status !== OpStatus.Done && result.status !== OpStatus.Cancelled) this.log.warn({ ...fields, output: result.output.slice(-512) }, 'operation failed');
    // Repeats of a recurring operation are noise; its changes are logged by startRecurring.
    else if (req.intervalMs > 0) this.log.debug(fields, 'operation finished');
    else this.log.info(fields, 'operation finished');
    return result;
  }
}
