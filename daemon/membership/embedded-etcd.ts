import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { VigilError } from '../util/errors.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';

const SETPRIV = '/usr/bin/setpriv';

export class EtcdStartError extends VigilError {
  override readonly code = 'ETCD_START';
}

export interface EmbeddedEtcdOptions {
  /** Member name, unique in its cluster. */
  name: string;
  dataDir: string;
  clientUrl: string;
  peerUrl: string;
  /** Further URLs to listen on for clients (e.g. other loopback addresses). */
  extraClientUrls?: string[];
  /** `name=peerUrl,...` of every member; default: this member alone. */
  initialCluster?: string;
  /** Remove the data dir on stop (tests, throw-away demo clusters). */
  removeDataOnStop?: boolean;
  /** How long start() waits for GET /health to say healthy. */
  startTimeoutMs?: number;
  binary?: string;
  log: Logger;
}

/**
 * One etcd member as a child process on loopback, with the fast Raft timings vigil's
 * lease TTL relies on (re-election ~0.3 s, see DESIGN.md). start() resolves once
 * /health answers healthy, so the etcd3 client's circuit breaker never sees a refusing port.
 */
export class EmbeddedEtcd implements Lifecycle {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(private readonly options: EmbeddedEtcdOptions) {}

  async start(): Promise<void> {
    const o = this.options;
    if (await this.healthy()) {
      // someone else's etcd answers on our port: connecting to it would silently join the wrong cluster
      throw new EtcdStartError(`cannot start etcd member ${o.name}: ${o.clientUrl} is already served by another process`);
    }
    mkdirSync(o.dataDir, { recursive: true });
    const args = [
      `--name=${o.name}`,
      `--data-dir=${o.dataDir}`,
      `--listen-client-urls=${[o.clientUrl, ...(o.extraClientUrls ?? [])].join(',')}`,
      `--advertise-client-urls=${o.clientUrl}`,
      `--listen-peer-urls=${o.peerUrl}`,
      `--initial-advertise-peer-urls=${o.peerUrl}`,
      `--initial-cluster=${o.initialCluster ?? `${o.name}=${o.peerUrl}`}`,
      '--initial-cluster-state=new',
      '--heartbeat-interval=50',
      '--election-timeout=250',
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=warn',
    ];
    // Through util-linux setpriv: the kernel SIGKILLs etcd when vigild dies, even by SIGKILL
    // (an orphaned member would keep serving a cluster whose node is gone, and hold the port).
    const child = spawn(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', o.binary ?? '/usr/bin/etcd', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    const deadline = Date.now() + (o.startTimeoutMs ?? 15_000);
    let exitCode: number | null = null;
    child.once('exit', (code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (spawnError) throw new EtcdStartError(`cannot run ${SETPRIV} (util-linux) to start etcd: ${spawnError.message}`, { cause: spawnError });
      if (exitCode !== null) throw new EtcdStartError(`etcd member ${o.name} exited with ${exitCode}: ${stderrTail.trim()}`);
      if (await this.healthy()) {
        o.log.info({ member: o.name, pid: child.pid, url: o.clientUrl }, 'etcd member healthy');
        return;
      }
      await sleep(50);
    }
    await this.stop();
    throw new EtcdStartError(`etcd member ${o.name} not healthy at ${o.clientUrl} within ${o.startTimeoutMs ?? 15_000} ms: ${stderrTail.trim()}`);
  }

  /** GET /health: true when the member is part of a cluster with a leader. */
  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.options.clientUrl}/health`, { signal: AbortSignal.timeout(500) });
      const body = (await res.json()) as { health?: string };
      return body.health === 'true';
    } catch {
      return false;
    }
  }

  /** SIGKILL without cleanup (tests: a crashed member). stop() still reaps and cleans. */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killer);
    }
    this.child = undefined;
    if (this.options.removeDataOnStop) rmSync(this.options.dataDir, { recursive: true, force: true });
  }
}
