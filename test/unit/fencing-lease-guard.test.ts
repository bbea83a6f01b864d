import { describe, expect, it } from 'vitest';
import { LeaseGuard } from '../../daemon/fencing/lease-guard.js';
import { VirtualClock } from '../../daemon/fencing/virtual-clock.js';
import { createLogger } from '../../daemon/util/logger.js';

/** TTL 2 s, margin 300 ms, stop budget 500 ms: stop at last send + 1.2 s, kill at last send + 1.7 s. */
async function guardOnVirtualClock() {
  const clock = new VirtualClock(10_000);
  const events: string[] = [];
  const guard = new LeaseGuard({
    ttlMs: 2000,
    marginMs: 300,
    stopBudgetMs: 500,
    clock,
    logger: createLogger({ level: 'silent' }),
    onLost: () => events.push(`lost@${clock.now()}`),
    onDeadline: () => events.push(`deadline@${clock.now()}`),
  });
  await guard.start();
  return { clock, events, guard };
}

describe('LeaseGuard (virtual clock)', () => {
  it('stays quiet while renewals keep coming', async () => {
    const { clock, events, guard } = await guardOnVirtualClock();
    for (let i = 0; i < 100; i++) {
      guard.renewed(clock.now());
      clock.advance(500);
    }
    expect(events).toEqual([]);
    expect(guard.state).toBe('fresh');
  });

  it('does not fire over a 1 s gap with TTL 2 s (an etcd leader change)', async () => {
    const { clock, events, guard } = await guardOnVirtualClock();
    guard.renewed(clock.now());
    clock.advance(1000); // keep-alives fail meanwhile: nothing is reported
    guard.renewed(clock.now());
    clock.advance(1000);
    guard.renewed(clock.now());
    expect(events).toEqual([]);
  });

  it('a gap beyond the deadline fires onLost at send + TTL − margin − budget and onDeadline at send + TTL − margin, once each', async () => {
    const { clock, events, guard } = await guardOnVirtualClock();
    guard.renewed(10_000);
    clock.advance(10_000);
    expect(events).toEqual(['lost@11200', 'deadline@11700']);
    expect(guard.state).toBe('expired');
    expect(guard.hardDeadline()).toBe(11_700);
  });

  it('counts from when the keep-alive was sent, not when its answer came', async () => {
    const { clock, events, guard } = await guardOnVirtualClock();
    clock.advance(800); // the answer to a keep-alive sent at 10 000 arrives late
    guard.renewed(10_000);
    clock.advance(2000);
    expect(events).toEqual(['lost@11200', 'deadline@11700']);
  });

  it('an answer arriving after its own deadline does not extend anything: stop and kill at once', async () => {
    const { clock, events, guard } = await guardOnVirtualClock();
    clock.advance(1800); // now 11 800: the keep-alive sent at 10 000 is confirmed only now
    guard.renewed(10_000);
    clock.advance(0);
    expect(events).toEqual(['lost@11800', 'deadline@11800']);
  });

  it('ignores an older answer arriving after a newer one', async () => {
    const { clock, events, guard } = await guardOnVirtualClock();
    guard.renewed(10_500);
    guard.renewed(10_000);
    clock.advance(5000);
    expect(events).toEqual(['lost@11700', 'deadline@12200']);
  });

  it('a renewal after onLost cancels the kill; a later loss fires again', async () => {
    const { clock, events, guard } = await guardOnVirtualClock();
    guard.renewed(clock.now());
    clock.advance(1300); // lost at 11 200
    guard.renewed(clock.now()); // 11 300: lease alive after all
    expect(guard.state).toBe('fresh');
    clock.advance(5000);
    expect(events).toEqual(['lost@11200', 'lost@12500', 'deadline@13000']);
  });

  it('is silent before the first renewal and after stop', async () => {
    const { clock, events, guard } = await guardOnVirtualClock();
    clock.advance(10_000);
    guard.renewed(clock.now());
    await guard.stop();
    clock.advance(10_000);
    expect(events).toEqual([]);
  });

  it('tells renewal listeners the new hard deadline', async () => {
    const { clock, guard } = await guardOnVirtualClock();
    const deadlines: number[] = [];
    const off = guard.onRenewed((d) => deadlines.push(d));
    guard.renewed(clock.now());
    off();
    guard.renewed(clock.now() + 1);
    expect(deadlines).toEqual([11_700]);
  });

  it('refuses settings that leave no time to stop', () => {
    const base = { clock: new VirtualClock(), logger: createLogger({ level: 'silent' }), onLost: () => undefined, onDeadline: () => undefined };
    expect(() => new LeaseGuard({ ...base, ttlMs: 2000, marginMs: 1000, stopBudgetMs: 1000 })).toThrow(/fencing setting lease TTL: 2000 ms leaves no time/);
    expect(() => new LeaseGuard({ ...base, ttlMs: 0, marginMs: 0, stopBudgetMs: 0 })).toThrow(/must be positive/);
  });
});
