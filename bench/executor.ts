/**
 * Executor and self-fencing figures: per-operation latency through the
 * executor against a bare agent spawn, parallelism across resources, how fast
 * killAll and the guard process take resource processes down, and timeout
 * precision. Prints one line per figure and, last, a JSON summary.
 *   npm run bench:executor
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Executor, defaultOcfRoots } from '../daemon/executor/executor.js';
import type { OperationRequest } from '../daemon/executor/operation.js';
import { processState } from '../daemon/executor/process-group.js';
import { systemClock } from '../daemon/fencing/clock.js';
import { GuardProcess } from '../daemon/fencing/guard-client.js';
import { LeaseGuard } from '../daemon/fencing/lease-guard.js';
import { createLogger } from '../daemon/util/logger.js';

const logger = createLogger({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-exec-'));
const projectRoot = defaultOcfRoots()[0];
const dummyPath = join(projectRoot, 'resource.d', 'vigil', 'Dummy');

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round = (x: number) => Math.round(x * 10) / 10;
const dead = (pid: number) => {
  const s = processState(pid);
  return s === undefined || s === 'Z';
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitDead(pids: number[]): Promise<void> {
  while (!pids.every(dead)) await sleep(1);
}

const dummy = (resource: string, operation: string, params: Record<string, string> = {}): OperationRequest => ({
  resource,
  agent: { class: 'ocf', provider: 'vigil', type: 'Dummy' },
  operation,
  intervalMs: 0,
  timeoutMs: 20_000,
  params: { state: join(dir, `${resource}.state`), ...params },
  meta: {},
});

async function main(): Promise<void> {
  const executor = new Executor({ node: 'bench', logger, ocfRoots: [projectRoot], rscTmpDir: dir, killGraceMs: 500 });
  await executor.start();
  const figures: Record<string, number> = {};
  try {
    const N = 200;
    const viaExecutor: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await executor.run(dummy('r', 'monitor'));
      viaExecutor.push(performance.now() - t);
    }
    const bare: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      spawnSync(dummyPath, ['monitor'], { env: { OCF_RESKEY_state: join(dir, 'r.state'), OCF_RESOURCE_INSTANCE: 'r', PATH: '/usr/bin:/bin' } });
      bare.push(performance.now() - t);
    }
    figures.monitor_p50_ms = round(percentile(viaExecutor, 50));
    figures.monitor_p99_ms = round(percentile(viaExecutor, 99));
    figures.bare_spawn_p50_ms = round(percentile(bare, 50));
    console.log(`Dummy monitor through the executor: p50 ${figures.monitor_p50_ms} ms, p99 ${figures.monitor_p99_ms} ms (bare spawnSync of the agent: p50 ${figures.bare_spawn_p50_ms} ms; N=${N})`);

    const R = 20;
    let t = performance.now();
    await Promise.all(Array.from({ length: R }, (_, i) => executor.run(dummy(`p${i}`, 'start', { op_sleep: '0.5' }))));
    figures.parallel_20x500ms_wall_ms = Math.round(performance.now() - t);
    console.log(`${R} resources, each start sleeping 0.5 s, in parallel: ${figures.parallel_20x500ms_wall_ms} ms wall`);

    await Promise.all(Array.from({ length: R }, (_, i) => executor.run(dummy(`d${i}`, 'start', { daemon: 'true' }))));
    const pids = Array.from({ length: R }, (_, i) => Number(/pid=(\d+)/.exec(readFileSync(join(dir, `d${i}.state`), 'utf8'))![1]));
    t = performance.now();
    const groups = executor.killAll();
    await waitDead(pids);
    figures.kill_all_20_ms = round(performance.now() - t);
    console.log(`killAll over ${groups} groups (20 Dummy daemons): all dead after ${figures.kill_all_20_ms} ms`);

    const timeouts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await executor.run({ ...dummy('slow', 'start', { op_sleep: '30' }), timeoutMs: 300 });
      timeouts.push(performance.now() - started - 300);
    }
    figures.timeout_overshoot_p50_ms = round(percentile(timeouts, 50));
    console.log(`operation timeout 300 ms (agent sleeping 30 s): result after timeout + ${figures.timeout_overshoot_p50_ms} ms (p50 of 5)`);

    const leaseGuard = new LeaseGuard({ ttlMs: 2000, marginMs: 300, stopBudgetMs: 600, clock: systemClock, logger, onLost: () => undefined, onDeadline: () => undefined });
    const late: number[] = [];
    for (let i = 0; i < 5; i++) {
      await executor.run(dummy(`g${i}`, 'start', { daemon: 'true' }));
      const pid = Number(/pid=(\d+)/.exec(readFileSync(join(dir, `g${i}.state`), 'utf8'))![1]);
      const guard = new GuardProcess({ node: 'bench', logger, leaseGuard, clock: systemClock, targets: () => executor.processGroups(), slackMs: 0 });
      await guard.start();
      const deadline = performance.now() + 300;
      guard.pet(300);
      await waitDead([pid]);
      late.push(performance.now() - deadline);
      await guard.stop();
    }
    figures.guard_kill_after_deadline_p50_ms = round(percentile(late, 50));
    figures.guard_kill_after_deadline_max_ms = round(Math.max(...late));
    console.log(`guard process not petted: resource process dead ${figures.guard_kill_after_deadline_p50_ms} ms after the deadline (p50 of 5, max ${figures.guard_kill_after_deadline_max_ms} ms; vigild pets 50 ms early)`);
  } finally {
    executor.killAll();
    await executor.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ bench: 'executor', ...figures }));
}

await main();
