import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Etcd3 } from 'etcd3';
import { ApiServer } from './api/server.js';
import type { NodeInfo } from './api/contract.js';
import type { DaemonConfig } from './config.js';
import { exportCibText } from './cib/store-export.js';
import { CibStore, type CibValidator } from './cib/store.js';
import { element, firstChild } from './cib/xml.js';
import { ActionRunner } from './controller/action-runner.js';
import { Controller, type Planner } from './controller/controller.js';
import { GuardFileSweep } from './controller/guard-file-sweep.js';
import { Executor } from './executor/executor.js';
import { createBackstop, type Backstop } from './fencing/backstop.js';
import { systemClock } from './fencing/clock.js';
import { LeaseGuard } from './fencing/lease-guard.js';
import { DcElection } from './membership/dc-election.js';
import { EmbeddedEtcd } from './membership/embedded-etcd.js';
import { INCARNATION_ATTRIBUTE } from './membership/incarnation.js';
import { connectEtcd } from './membership/etcd-connection.js';
import { NodeLease } from './membership/node-lease.js';
import { LifecycleStack, type Lifecycle } from './util/lifecycle.js';
import type { Logger } from './util/logger.js';

export interface VigildParts {
  plan: Planner;
  validate: CibValidator;
}

/**
 * One node's daemon: parts started in dependency order and stopped in reverse. A clean stop
 * follows Pacemaker: the node asks the cluster to move its resources away (transient
 * attribute "shutdown"), stops whatever is left itself, then leaves the cluster.
 */
export class Vigild implements Lifecycle {
  private readonly stack = new LifecycleStack();
  private client?: Etcd3;
  private store?: CibStore;
  private executor?: Executor;
  private lease?: NodeLease;
  private guard?: LeaseGuard;
  private backstop?: Backstop;
  private runner?: ActionRunner;
  private election?: DcElection;
  private controller?: Controller;
  private fencing?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly config: DaemonConfig,
    private readonly log: Logger,
    private readonly parts: VigildParts,
  ) {}

  async start(): Promise<void> {
    const c = this.config;
    const endpoints = c.etcdEndpoints.length > 0 ? c.etcdEndpoints : [c.embeddedEtcdClientUrl];
    if (c.etcdEndpoints.length === 0) {
      await this.stack.start(
        new EmbeddedEtcd({ name: c.node, dataDir: join(c.dataDir, 'etcd'), clientUrl: c.embeddedEtcdClientUrl, peerUrl: c.embeddedEtcdPeerUrl, log: this.log }),
      );
    }
    const client = connectEtcd(endpoints);
    this.client = client;
    await this.stack.start({ start: async () => undefined, stop: async () => client.close() });
    const store = new CibStore(client, this.parts.validate);
    this.store = store;
    await this.stack.start(
      new ApiServer({ socketPath: c.apiSocket, store, log: this.log.child({ component: 'api' }), nodeInfo: () => this.nodeInfo(), exportCib: () => this.exportCib() }),
    );
    await this.waitForEtcd(endpoints);

    const executor = new Executor({ node: c.node, logger: this.log, ocfRoots: c.agentPath, rscTmpDir: c.resourceTmpDir, env: { VIGIL_API_SOCKET: c.apiSocket } });
    this.executor = executor;
    await this.stack.start(executor);
    const guard = new LeaseGuard({
      ttlMs: c.leaseTtlS * 1000,
      marginMs: c.fencingMarginMs,
      stopBudgetMs: c.selfFenceStopBudgetMs,
      clock: systemClock,
      logger: this.log,
      onLost: () => this.selfFence('lease renewal overdue'),
      onDeadline: () => executor.killAll(),
    });
    this.guard = guard;
    await this.stack.start(guard);
    // covers a hung or killed daemon: kills the node's resource processes at the lease deadline
    const backstop = createBackstop({
      node: c.node,
      logger: this.log,
      leaseGuard: guard,
      clock: systemClock,
      watchdogDevice: c.watchdogDevice,
      leaseBudgetMs: c.leaseTtlS * 1000 - c.fencingMarginMs,
      targets: () => executor.processGroups(),
      extraTargets: () => executor.guardTargets(),
      // an agent spawned between two renewals is covered at once (and so is the QEMU its start named)
      watchTargets: (changed) => executor.onProcessGroupsChanged(changed),
    });
    this.backstop = backstop;
    await this.stack.start(backstop);
    const runner = new ActionRunner(
      c.node,
      store,
      executor,
      this.log.child({ component: 'runner' }),
      (reason) => this.selfFence(reason),
      () => this.lease?.incarnation,
    );
    this.runner = runner;
    const lease = new NodeLease({
      client,
      endpoints,
      node: c.node,
      ttlS: c.leaseTtlS,
      log: this.log.child({ component: 'membership' }),
      onRenewed: (sentAt) => guard.renewed(sentAt),
      onLost: (reason) => this.selfFence(reason),
    });
    this.lease = lease;
    await this.stack.start(lease);
    await this.stack.start({ start: async () => undefined, stop: () => this.leave() });
    await store.resetNodeStatus(c.node);
    await store.updateConfiguration((cfg) => addNode(cfg, c.node));

    // requests a previous incarnation (SIGKILLed, rebooted) left queued are withdrawn unrun here
    await this.stack.start(runner);
    await this.stack.start(new GuardFileSweep(c.node, store, executor, this.log.child({ component: 'guard-sweep' })));
    await this.announceIncarnation();
    const election = new DcElection({
      client,
      node: c.node,
      ttlS: c.leaseTtlS,
      log: this.log.child({ component: 'election' }),
      onElected: () => this.becomeDc(),
      onDeposed: () => void this.stopController(),
    });
    this.election = election;
    await this.stack.start(election);
    await this.stack.start({ start: async () => undefined, stop: () => this.stopController() });
    // stopped first: while this node is still a member (and maybe DC), the cluster moves its resources away
    await this.stack.start({ start: async () => undefined, stop: () => this.moveResourcesAway() });
    this.log.info({ endpoints, ttl: c.leaseTtlS }, 'vigild running');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.log.info('vigild stopping');
    await this.stack.stopAll();
    this.log.info('vigild stopped');
  }

  /** Retries until etcd answers, with one clear log line per attempt (no crash loop). */
  private async waitForEtcd(endpoints: string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client!.get('vigil/config/epoch').string();
        return;
      } catch (err) {
        if (this.stopping) throw err;
        this.log.error({ endpoints, attempt, err: (err as Error).message }, 'etcd unreachable; retrying');
        await sleep(Math.min(5000, 500 * attempt));
      }
    }
  }

  private async nodeInfo(): Promise<NodeInfo> {
    const members = this.store ? await this.store.members().catch(() => []) : [];
    return { node: this.config.node, dc: this.election?.dc, quorate: this.lease?.quorate ?? false, members };
  }

  private async exportCib(): Promise<string> {
    const snapshot = await this.store!.snapshot();
    return exportCibText(snapshot, { dc: this.election?.dc, quorate: this.lease?.quorate ?? false });
  }

  private becomeDc(): void {
    if (this.stopping || this.controller) return;
    if (this.fencing) {
      // elected while still fencing: take the role up once this node has rejoined
      void this.fencing.then(() => {
        if (this.election?.isDc) this.becomeDc();
      });
      return;
    }
    const controller = new Controller({
      node: this.config.node,
      store: this.store!,
      log: this.log,
      plan: this.parts.plan,
      fencingMarginMs: this.config.fencingMarginMs,
      quorate: () => this.guard?.state === 'fresh',
    });
    this.controller = controller;
    controller.start().catch((err: unknown) => {
      this.log.error({ err }, 'controller failed to start; resigning DC');
      void this.election?.resign();
    });
  }

  private async stopController(): Promise<void> {
    const controller = this.controller;
    this.controller = undefined;
    await controller?.stop();
  }

  /**
   * Self-fence: this node may be cut off from etcd, so its resources may be recovered
   * elsewhere once its lease expires. Stop them all before that (the lease guard kills
   * whatever is left at the hard deadline), then rejoin as a fresh node when etcd answers.
   * This is no-quorum-policy=stop, whatever the CIB says: in Pacemaker, freeze/ignore only
   * keep resources where the quorate side cannot fence the node, but here lease expiry always
   * fences it, so a node without quorum must always stop.
   */
  private selfFence(reason: string): void {
    if (this.fencing || this.stopping) return;
    this.log.error({ reason }, 'self-fencing: stopping all resources');
    this.runner?.pause();
    this.fencing = (async () => {
      void this.stopController();
      void this.election?.resign();
      const deadline = Date.now() + Math.max(0, (this.guard?.hardDeadline() ?? 0) - systemClock.now());
      const clean = await this.runner!.stopAll(deadline);
      if (!clean) this.executor!.killAll();
      else this.backstop?.disarm(); // nothing left to protect until the next renewal re-arms it
      this.log.warn({ clean }, 'self-fence complete: resources stopped');
      await this.rejoin();
    })().finally(() => (this.fencing = undefined));
  }

  private async rejoin(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await this.lease!.rejoin();
        await this.store!.resetNodeStatus(this.config.node);
        await this.runner!.resume();
        await this.announceIncarnation();
        this.log.warn('rejoined the cluster after self-fencing');
        return;
      } catch (err) {
        this.log.warn({ attempt, err: (err as Error).message }, 'cannot rejoin yet');
        await sleep(500);
      }
    }
  }

  /** Tells the DC which incarnation now takes this node's requests (status reset and runner ready). */
  private async announceIncarnation(): Promise<void> {
    await this.store!.setTransientAttribute(this.config.node, INCARNATION_ATTRIBUTE, this.lease!.incarnation);
  }

  /** Pacemaker's clean shutdown: ask the DC to move resources away, then stop leftovers locally. */
  private async moveResourcesAway(): Promise<void> {
    const node = this.config.node;
    const deadline = Date.now() + this.config.shutdownTimeoutMs;
    await this.store!.setTransientAttribute(node, 'shutdown', String(Math.floor(Date.now() / 1000))).catch((err: unknown) =>
      this.log.warn({ err: (err as Error).message }, 'cannot announce shutdown'),
    );
    while (this.runner!.activeResources().length > 0 && Date.now() < deadline && this.lease?.quorate) await sleep(200);
    const left = this.runner!.activeResources();
    if (left.length > 0) {
      this.log.warn({ resources: left }, 'resources not moved away in time: stopping them here');
      await this.runner!.stopAll(Date.now() + 30_000);
    }
  }

  /** Leaves the cluster: presence gone, node recorded as cleanly down. */
  private async leave(): Promise<void> {
    await this.lease!.stop();
    await this.store!.markNodeDown(this.config.node, 'shutdown').catch((err: unknown) =>
      this.log.warn({ err: (err as Error).message }, 'cannot record clean shutdown'),
    );
  }
}

function addNode(configuration: import('./cib/xml.js').XmlElement, node: string): boolean {
  let nodes = firstChild(configuration, 'nodes');
  if (!nodes) configuration.children.splice(1, 0, (nodes = element('nodes')));
  if (nodes.children.some((n) => n.name === 'node' && (n.attrs.uname ?? n.attrs.id) === node)) return false;
  nodes.children.push(element('node', { id: node, uname: node }));
  return true;
}
