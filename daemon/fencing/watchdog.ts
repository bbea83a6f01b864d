import { accessSync, closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import type { Logger } from '../util/logger.js';
import type { Backstop } from './backstop.js';
import type { Clock } from './clock.js';
import { FencingConfigError, WatchdogDeviceError } from './errors.js';
import type { LeaseGuard } from './lease-guard.js';

export interface WatchdogOptions {
  /** Default /dev/watchdog. */
  device?: string;
  /** The device's timeout; default: read from /sys/class/watchdog/<name>/timeout. */
  timeoutMs?: number;
  leaseGuard: LeaseGuard;
  clock: Clock;
  logger: Logger;
  /** The lease TTL minus the fencing margin: the watchdog must be able to fire within it. */
  leaseBudgetMs: number;
}

/** The timeout the kernel reports for a watchdog device, in ms (sysfs gives seconds). */
export function deviceTimeoutMs(device: string): number {
  const name = device.replace(/^\/dev\//, '');
  const path = `/sys/class/watchdog/${name === 'watchdog' ? 'watchdog0' : name}/timeout`;
  try {
    return Number(readFileSync(path, 'utf8').trim()) * 1000;
  } catch (err) {
    throw new WatchdogDeviceError(device, `cannot read its timeout from ${path}; set it explicitly`, { cause: err });
  }
}

/**
 * The Linux watchdog device (softdog or hardware). Opening the device arms it,
 * so it is opened at the first lease renewal, not before; after that it is
 * petted on each renewal only if the reboot a missed next pet would cause
 * still falls before the lease's hard deadline. A hung daemon stops petting
 * and the kernel reboots the node before the cluster may recover its
 * resources. Disarm and stop write the magic 'V' so the driver stands down
 * (unless built with nowayout).
 */
export class Watchdog implements Backstop {
  private fd: number | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly device: string;
  private timeoutMs = 0;
  private readonly log: Logger;

  constructor(private readonly opts: WatchdogOptions) {
    this.device = opts.device ?? '/dev/watchdog';
    this.log = opts.logger.child({ component: 'watchdog', device: this.device });
  }

  async start(): Promise<void> {
    this.timeoutMs = this.opts.timeoutMs ?? deviceTimeoutMs(this.device);
    if (!(this.timeoutMs > 0) || this.timeoutMs >= this.opts.leaseBudgetMs) {
      throw new FencingConfigError(
        'watchdog timeout',
        `${this.timeoutMs} ms must be positive and below the lease TTL minus margin (${this.opts.leaseBudgetMs} ms), or a hung node could outlive its lease`,
      );
    }
    try {
      accessSync(this.device, constants.W_OK);
    } catch (err) {
      throw new WatchdogDeviceError(this.device, 'cannot open for writing', { cause: err });
    }
    this.unsubscribe = this.opts.leaseGuard.onRenewed((deadline) => this.petIfSafe(deadline));
    this.log.info({ timeoutMs: this.timeoutMs }, 'watchdog ready: arms at the first lease renewal');
  }

  disarm(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      writeSync(fd, 'V');
      closeSync(fd);
    } catch (err) {
      throw new WatchdogDeviceError(this.device, 'magic close failed: the node may reboot', { cause: err });
    }
    this.log.info('watchdog disarmed');
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.disarm();
  }

  private petIfSafe(deadline: number): void {
    const slackMs = deadline - this.opts.clock.now() - this.timeoutMs;
    if (slackMs < 0) {
      this.log.warn({ slackMs: Math.round(slackMs) }, 'not petting: the watchdog would fire after the lease deadline');
      return;
    }
    try {
      if (this.fd === undefined) {
        // Write-only, never create or truncate: a missing device must not become a file in /dev.
        this.fd = openSync(this.device, constants.O_WRONLY | constants.O_APPEND);
        this.log.info({ timeoutMs: this.timeoutMs }, 'watchdog armed');
      }
      writeSync(this.fd, '1');
    } catch (err) {
      this.log.error({ err }, 'watchdog pet failed');
    }
  }
}
