import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { nodeBinding } from '../util/log-fields.js';
import type { Logger } from '../util/logger.js';
import { distFile } from '../executor/project-paths.js';
import type { Clock } from './clock.js';
import { GuardProcessError } from './errors.js';
import { createInterface } from 'node:readline';
import type { Backstop } from './backstop.js';
import { formatGuardCommand, monotonicNowMs, parseFiredLine, READY_LINE, type GuardCommand, type GuardTargets } from './guard-protocol.js';
import type { LeaseGuard } from './lease-guard.js';

export interface GuardProcessOptions {
  node: string;
  logger: Logger;
  leaseGuard: LeaseGuard;
  clock: Clock;
  /** The process groups the guard must kill (normally executor.processGroups). Read at every pet. */
  targets: () => number[];
  /** Processes outside those groups the guard must kill too (normally executor.guardTargets: QEMU). Read at every pet. */
  extraTargets?: () => Omit<GuardTargets, 'groups'>;
  /**
   * Subscribes to changes of the targets (normally executor.onProcessGroupsChanged), so an
   * agent started between two renewals is covered at once; returns the unsubscribe function.
   */
  watchTargets?: (changed: () => void) => () => void;
  /** Fire this much before the lease deadline, to absorb pipe and scheduling latency; default 50 ms. */
  slackMs?: number;
  /** The compiled guard program; default dist/daemon/fencing/guard-process.js. */
  script?: string;
}

const STOP_WAIT_MS = 2000;
const READY_WAIT_MS = 10_000;

/**
 * Runs the guard process (guard-process.ts) and pets it on every lease
 * renewal with the time left until the lease's hard deadline, so it kills
 * this node's resource processes exactly when the daemon should have — even
 * if the daemon hangs or dies. Stop disarms it and waits for it to exit.
 */
export class GuardProcess implements Backstop {
  private child: ChildProcess | undefined;
  private firedCount = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly log: Logger;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(private readonly opts: GuardProcessOptions) {
    this.log = opts.logger.child({ component: 'guard-client', ...nodeBinding(opts.logger, opts.node) });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How many times the guard fired (killed the targets) since start. */
  get fired(): number {
    return this.firedCount;
  }

  async start(): Promise<void> {
    const script = this.opts.script ?? distFile('daemon', 'fencing', 'guard-process.js');
    if (!existsSync(script)) throw new GuardProcessError(`${script} not found (run \`npx tsc -p .\` to build it)`);
    // Its own process group: killing the daemon's group must not take the guard with it.
    const child = spawn(process.execPath, [script, this.opts.node], { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => {
      if (this.child === child) this.log.error({ pid: child.pid, code }, 'guard exited unexpectedly: no backstop for a hung daemon');
    });
    child.stdin!.on('error', (err) => this.log.warn({ err }, 'guard pipe closed'));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new GuardProcessError(`${script} did not report ready within ${READY_WAIT_MS} ms`));
      }, READY_WAIT_MS);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line === READY_LINE) {
          clearTimeout(timer);
          resolve();
          return;
        }
        const groups = parseFiredLine(line);
        if (groups === undefined) return;
        this.firedCount++;
        this.log.error({ pid: child.pid, groups }, 'guard fired: resource processes were killed');
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new GuardProcessError(`cannot start ${script}`, { cause: err }));
      });
    });
    this.unsubscribe.push(this.opts.leaseGuard.onRenewed((deadline) => this.pet(deadline - this.opts.clock.now() - (this.opts.slackMs ?? 50))));
    if (this.opts.watchTargets) this.unsubscribe.push(this.opts.watchTargets(() => this.sendTargets()));
    this.log.info({ pid: child.pid }, 'guard started');
  }

  /** Sends the current targets and arms the guard to fire in `withinMs` unless petted again. */
  pet(withinMs: number): void {
    this.sendTargets();
    this.send({ kind: 'pet', deadline: monotonicNowMs() + withinMs });
  }

  private sendTargets(): void {
    this.send({ kind: 'targets', groups: this.opts.targets(), ...(this.opts.extraTargets?.() ?? { pids: [], watches: [] }) });
  }

  disarm(): void {
    this.send({ kind: 'disarm' });
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin!.end(formatGuardCommand({ kind: 'disarm' }));
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_WAIT_MS).unref());
      if ((await Promise.race([this.exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await this.exited;
        throw new GuardProcessError(`pid ${child.pid} did not exit within ${STOP_WAIT_MS} ms of disarm; killed`);
      }
    }
    this.log.info({ pid: child.pid }, 'guard stopped');
  }

  private send(cmd: GuardCommand): void {
    if (this.child?.stdin?.writable) this.child.stdin.write(formatGuardCommand(cmd));
  }
}
