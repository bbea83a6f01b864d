import type { Logger } from '../util/logger.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Clock, TimerHandle } from './clock.js';
import { FencingConfigError } from './errors.js';

export interface LeaseGuardOptions {
  /** The etcd lease TTL. */
  ttlMs: number;
  /** Safety margin before the lease's earliest expiry at the server (clock-rate drift, kill latency). */
  marginMs: number;
  /** Time allowed for stopping resources before the hard deadline. */
  stopBudgetMs: number;
  clock: Clock;
  logger: Logger;
  /** No renewal for too long: stop this node's resources now (called once per loss). */
  onLost: () => void;
  /** The hard deadline passed without renewal: kill whatever still runs (called once per loss). */
  onDeadline: () => void;
}

export type LeaseGuardState = 'idle' | 'fresh' | 'lost' | 'expired';

/**
 * Decides when this node must give up its resources because its etcd lease
 * may expire. A keep-alive sent at local time t that succeeded keeps the lease
 * alive at the server until at least t + TTL, so with the last successful
 * send time t:
 *   - at t + TTL − margin − stopBudget it calls onLost (stop resources);
 *   - at t + TTL − margin (the hard deadline) it calls onDeadline (kill).
 * Failed keep-alives are simply not reported: one failure (an etcd leader
 * change) changes nothing as long as a later one succeeds in time.
 */
export class LeaseGuard implements Lifecycle {
  private lastSentAt: number | undefined;
  private softTimer: TimerHandle | undefined;
  private hardTimer: TimerHandle | undefined;
  private current: LeaseGuardState = 'idle';
  private readonly listeners = new Set<(deadline: number) => void>();
  private readonly log: Logger;

  constructor(private readonly opts: LeaseGuardOptions) {
    if (!(opts.ttlMs > 0)) throw new FencingConfigError('lease TTL', `must be positive, got ${opts.ttlMs} ms`);
    if (!(opts.marginMs >= 0) || !(opts.stopBudgetMs >= 0)) {
      throw new FencingConfigError('margin/stop budget', `must not be negative (margin ${opts.marginMs} ms, stop budget ${opts.stopBudgetMs} ms)`);
    }
    if (opts.marginMs + opts.stopBudgetMs >= opts.ttlMs) {
      throw new FencingConfigError('lease TTL', `${opts.ttlMs} ms leaves no time: margin ${opts.marginMs} ms + stop budget ${opts.stopBudgetMs} ms must be less`);
    }
    this.log = opts.logger.child({ component: 'lease-guard' });
  }

  get state(): LeaseGuardState {
    return this.current;
  }

  async start(): Promise<void> {
    this.current = 'idle';
  }

  /** Disarms: no callbacks after stop (a clean shutdown releases the lease itself). */
  async stop(): Promise<void> {
    this.clearTimers();
    this.current = 'idle';
    this.lastSentAt = undefined;
  }

  /**
   * A keep-alive (or the lease grant) sent at `sentAt` (this clock) succeeded.
   * Pass the time the request was sent, not when the answer came.
   */
  renewed(sentAt: number): void {
    if (this.lastSentAt !== undefined && sentAt <= this.lastSentAt) return; // an older, reordered answer
    const wasLost = this.current === 'lost' || this.current === 'expired';
    this.lastSentAt = sentAt;
    this.current = 'fresh';
    this.clearTimers();
    const now = this.opts.clock.now();
    const deadline = this.hardDeadline()!;
    this.softTimer = this.opts.clock.setTimer(deadline - this.opts.stopBudgetMs - now, () => this.lost());
    this.hardTimer = this.opts.clock.setTimer(deadline - now, () => this.expired());
    if (wasLost) this.log.warn({ remainingMs: Math.round(deadline - now) }, 'lease renewed again after it was given up');
    for (const listener of this.listeners) listener(deadline);
  }

  /** The time by which everything must be dead unless a renewal succeeds; undefined while not armed. */
  hardDeadline(): number | undefined {
    return this.lastSentAt === undefined ? undefined : this.lastSentAt + this.opts.ttlMs - this.opts.marginMs;
  }

  /** Called with the new hard deadline after every renewal (watchdogs pet on it). */
  onRenewed(listener: (deadline: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private lost(): void {
    this.softTimer = undefined;
    this.current = 'lost';
    this.log.error({ sinceRenewalMs: Math.round(this.opts.clock.now() - this.lastSentAt!), stopBudgetMs: this.opts.stopBudgetMs }, 'lease renewal overdue: stopping resources');
    this.opts.onLost();
  }

  private expired(): void {
    this.hardTimer = undefined;
    this.current = 'expired';
    this.log.error({ sinceRenewalMs: Math.round(this.opts.clock.now() - this.lastSentAt!) }, 'lease deadline reached: killing resources');
    this.opts.onDeadline();
  }

  private clearTimers(): void {
    if (this.softTimer) this.opts.clock.clearTimer(this.softTimer);
    if (this.hardTimer) this.opts.clock.clearTimer(this.hardTimer);
    this.softTimer = this.hardTimer = undefined;
  }
}
