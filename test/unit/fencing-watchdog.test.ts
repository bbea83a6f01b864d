import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseGuard } from '../../daemon/fencing/lease-guard.js';
import { VirtualClock } from '../../daemon/fencing/virtual-clock.js';
import { Watchdog } from '../../daemon/fencing/watchdog.js';
import { createLogger } from '../../daemon/util/logger.js';

// A regular file stands in for /dev/watchdog: every pet and the magic close are visible in it.
describe('Watchdog (device protocol, on a stand-in file)', () => {
  let dir: string;
  let device: string;
  const logger = createLogger({ level: 'silent' });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-wd-'));
    device = join(dir, 'watchdog');
    writeFileSync(device, '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const setup = async (timeoutMs: number) => {
    const clock = new VirtualClock(0);
    const guard = new LeaseGuard({ ttlMs: 2000, marginMs: 300, stopBudgetMs: 500, clock, logger, onLost: () => undefined, onDeadline: () => undefined });
    const watchdog = new Watchdog({ device, timeoutMs, leaseGuard: guard, clock, logger, leaseBudgetMs: 1700 });
    await watchdog.start();
    return { clock, guard, watchdog };
  };

  it('pets on each renewal while a reboot would still come before the lease deadline, and writes V on stop', async () => {
    const { clock, guard, watchdog } = await setup(1000);
    guard.renewed(clock.now()); // deadline 1700, watchdog would fire by 1000: pet
    clock.advance(500);
    guard.renewed(clock.now());
    clock.advance(400);
    guard.renewed(800); // answered at 900: deadline 2500, a reboot would come by 1900: pet
    clock.advance(1100);
    guard.renewed(1250); // answered at 2000: deadline 2950, but a reboot could come as late as 3000: no pet
    expect(readFileSync(device, 'utf8')).toBe('111');
    await watchdog.stop();
    expect(readFileSync(device, 'utf8')).toBe('111V');
  });

  it('refuses a watchdog slower than the lease', async () => {
    await expect(setup(2000)).rejects.toThrow(/watchdog timeout: 2000 ms must be positive and below the lease TTL minus margin \(1700 ms\)/);
  });

  it('names the device it cannot open', async () => {
    const clock = new VirtualClock(0);
    const guard = new LeaseGuard({ ttlMs: 2000, marginMs: 300, stopBudgetMs: 500, clock, logger, onLost: () => undefined, onDeadline: () => undefined });
    const missing = join(dir, 'nope', 'watchdog');
    const watchdog = new Watchdog({ device: missing, timeoutMs: 1000, leaseGuard: guard, clock, logger, leaseBudgetMs: 1700 });
    await expect(watchdog.start()).rejects.toThrow(`watchdog ${missing}: cannot open`);
  });
});
