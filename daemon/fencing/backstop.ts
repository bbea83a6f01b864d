import type { Lifecycle } from '../util/lifecycle.js';
import { GuardProcess, type GuardProcessOptions } from './guard-client.js';
import { Watchdog } from './watchdog.js';

/**
 * What covers a node whose daemon cannot act: the Linux watchdog device or the
 * guard process. Both are petted on lease renewals (only while a missed pet
 * would still act before the lease deadline); `disarm` stands them down after
 * a self-fence that stopped everything cleanly (nothing left to protect), and
 * the next renewal arms them again.
 */
export interface Backstop extends Lifecycle {
  disarm(): void;
}

export interface BackstopOptions extends Omit<GuardProcessOptions, 'script' | 'slackMs'> {
  /** Linux watchdog device (e.g. /dev/watchdog); empty: use the guard process. */
  watchdogDevice: string;
  /** Lease TTL minus fencing margin. */
  leaseBudgetMs: number;
}

/** The watchdog device when one is configured, else the guard process. Start it after the executor. */
export function createBackstop(o: BackstopOptions): Backstop {
  if (o.watchdogDevice !== '') {
    return new Watchdog({ device: o.watchdogDevice, leaseGuard: o.leaseGuard, clock: o.clock, logger: o.logger, leaseBudgetMs: o.leaseBudgetMs });
  }
  return new GuardProcess(o);
}
