import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackstop } from '../../daemon/fencing/backstop.js';
import { GuardProcess } from '../../daemon/fencing/guard-client.js';
import { LeaseGuard } from '../../daemon/fencing/lease-guard.js';
import { VirtualClock } from '../../daemon/fencing/virtual-clock.js';
import { Watchdog } from '../../daemon/fencing/watchdog.js';
import { createLogger } from '../../daemon/util/logger.js';

// A regular file stands in for /dev/watchdog: every pet and each magic close are visible in it.
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

  const leaseGuard = (clock: VirtualClock) =>
    new LeaseGuard({ ttlMs: 2000, marginMs: 300, stopBudgetMs: 500, clock, logger, onLost: () => undefined, onDeadline: () => undefined });
  const setup = async (timeoutMs: number) => {
    const clock = new VirtualClock(0);
    const guard = leaseGuard(clock);
    const watchdog = new Watchdog({ device, timeoutMs, leaseGuard: guard, clock, logger, leaseBudgetMs: 1700 });
    await watchdog.start();
    return { clock, guard, watchdog };
  };
  const written = () => readFileSync(device, 'utf8');

  it('arms at the first renewal, pets while a reboot would still come before the lease deadline, writes V on stop', async () => {
    const { clock, guard, watchdog } = await setup(1000);
    clock.advance(100);
    expect(written()).toBe(''); // not opened (armed) before the lease is held
    guard.renewed(100); // deadline 1800; a reboot would come by 1100: pet
    clock.advance(500);
    guard.renewed(600);
    clock.advance(400);
    guard.renewed(900); // answered at 1000: deadline 2600, reboot by 2000: pet
    clock.advance(1100);
    guard.renewed(1350); // answered at 2100: deadline 3050, but a reboot could come as late as 3100: no pet
    expect(written()).toBe('111');
    await watchdog.stop();
    expect(written()).toBe('111V');
  });

  it('disarm stands it down; the next renewal arms it again', async () => {
    const { clock, guard, watchdog } = await setup(1000);
    guard.renewed(clock.now());
    watchdog.disarm();
    clock.advance(3000);
    expect(written()).toBe('1V');
    guard.renewed(clock.now());
    expect(written()).toBe('1V1');
    await watchdog.stop();
    expect(written()).toBe('1V1V');
  });

  it('refuses a watchdog slower than the lease', async () => {
    await expect(setup(2000)).rejects.toThrow(/watchdog timeout: 2000 ms must be positive and below the lease TTL minus margin \(1700 ms\)/);
  });

  it('names the device it cannot open', async () => {
    const clock = new VirtualClock(0);
    const missing = join(dir, 'nope', 'watchdog');
    const watchdog = new Watchdog({ device: missing, timeoutMs: 1000, leaseGuard: leaseGuard(clock), clock, logger, leaseBudgetMs: 1700 });
    await expect(watchdog.start()).rejects.toThrow(`watchdog ${missing}: cannot open for writing`);
  });

  it('the backstop is the device when one is configured, else the guard process', () => {
    const clock = new VirtualClock(0);
    const base = { node: 'n1', logger, leaseGuard: leaseGuard(clock), clock, leaseBudgetMs: 1700, targets: () => [] };
    expect(createBackstop({ ...base, watchdogDevice: device })).toBeInstanceOf(Watchdog);
    expect(createBackstop({ ...base, watchdogDevice: '' })).toBeInstanceOf(GuardProcess);
  });
});
