import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutedOperationResult } from '../../daemon/executor/operation.js';
import { agentSandbox, sleep, type AgentSandbox } from './executor-fixture.js';

describe('executor: recurring monitors', () => {
  let sb: AgentSandbox;
  let flag: string;
  let count: string;
  beforeEach(async () => {
    sb = await agentSandbox();
    // Counts its runs; running (0) while the flag file exists, else not running (7).
    sb.addAgent('Flag', `echo x >> "$OCF_RESKEY_count"; [ -e "$OCF_RESKEY_flag" ] && exit 0; exit 7`);
    flag = join(sb.dir, 'flag');
    count = join(sb.dir, 'count');
  });
  afterEach(() => sb.cleanup());

  const monitor = () => sb.request('r', 'Flag', 'monitor', { intervalMs: 100, params: { flag, count } });
  const runs = () => {
    try {
      return readFileSync(count, 'utf8').split('\n').length - 1;
    } catch {
      return 0;
    }
  };

  it('reports the first result and every change, not repeats', async () => {
    writeFileSync(flag, '');
    const seen: ExecutedOperationResult[] = [];
    const first = await sb.executor.startRecurring(monitor(), (r) => seen.push(r));
    expect(first?.rc).toBe(0);
    await sleep(450);
    expect(seen.map((r) => r.rc)).toEqual([0]);
    rmSync(flag);
    await sleep(350);
    writeFileSync(flag, '');
    await sleep(350);
    expect(seen.map((r) => r.rc)).toEqual([0, 7, 0]);
    expect(seen[1].callId).toBeGreaterThan(seen[0].callId);
  });

  it('stops running after cancel and reports nothing more', async () => {
    writeFileSync(flag, '');
    const seen: number[] = [];
    sb.executor.startRecurring(monitor(), (r) => seen.push(r.rc));
    await sleep(250);
    expect(sb.executor.cancelRecurring('r', 'monitor', 100)).toBe(true);
    expect(sb.executor.cancelRecurring('r', 'monitor', 100)).toBe(false);
    const before = runs();
    rmSync(flag);
    await sleep(400);
    expect(runs()).toBeLessThanOrEqual(before + 1); // at most the run already in flight
    expect(seen).toEqual([0]);
    expect(sb.executor.recurringOperations()).toEqual([]);
  });

  it('refuses a recurring operation without an interval', () => {
    expect(() => sb.executor.startRecurring({ ...monitor(), intervalMs: 0 }, () => undefined)).toThrow(/needs an interval/);
  });
});

describe('executor: recurring runs queued behind other operations', () => {
  it('a recurring run still waiting in the queue when cancelled is skipped, not run', async () => {
    const sb = await agentSandbox();
    try {
      const count = join(sb.dir, 'count');
      sb.addAgent('Slow', `echo "$1" >> "$OCF_RESKEY_count"; [ "$1" = start ] && sleep 0.5; exit 0`);
      const start = sb.executor.run(sb.request('r', 'Slow', 'start', { params: { count } }));
      const first = sb.executor.startRecurring(sb.request('r', 'Slow', 'monitor', { intervalMs: 100, params: { count } }), () => undefined);
      sb.executor.cancelRecurring('r', 'monitor', 100);
      expect(await first).toBeUndefined(); // a caller awaiting the first result is not left hanging
      await start;
      await sleep(200);
      expect(readFileSync(count, 'utf8')).toBe('start\n');
    } finally {
      await sb.cleanup();
    }
  });
});
