import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultOcfRoots } from '../../daemon/executor/executor.js';
import { OpStatus } from '../../daemon/executor/operation.js';
import { distFile } from '../../daemon/executor/project-paths.js';
import { systemClock } from '../../daemon/fencing/clock.js';
import { GuardProcess, type GuardProcessOptions } from '../../daemon/fencing/guard-client.js';
import { LeaseGuard } from '../../daemon/fencing/lease-guard.js';
import { createLogger } from '../../daemon/util/logger.js';
import { agentSandbox, isRunning, processState, sleep } from './executor-fixture.js';


const logger = createLogger({ level: 'silent' });

/** A process in a group of its own, standing in for a resource (a QEMU, a daemon). */
function victim(): ChildProcess {
  return spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
}

describe('guard process (watchdog stand-in)', () => {
  const victims: ChildProcess[] = [];
  const guards: GuardProcess[] = [];
  beforeAll(() => {
    // The guard runs as its own compiled program.
    if (!existsSync(distFile('daemon', 'fencing', 'guard-process.js'))) execFileSync('npx', ['tsc', '-p', '.'], { stdio: 'ignore' });
  });
  afterEach(async () => {
    for (const g of guards.splice(0)) await g.stop().catch(() => undefined);
    for (const v of victims.splice(0)) if (v.exitCode === null && v.signalCode === null) v.kill('SIGKILL');
  });

  const setup = async (targets: () => number[], extraTargets?: GuardProcessOptions['extraTargets'], watchTargets?: (changed: () => void) => () => void) => {
    const leaseGuard = new LeaseGuard({ ttlMs: 2000, marginMs: 300, stopBudgetMs: 500, clock: systemClock, logger, onLost: () => undefined, onDeadline: () => undefined });
    const guard = new GuardProcess({ node: 'node1', logger, leaseGuard, clock: systemClock, targets, extraTargets, watchTargets });
    await guard.start();
    guards.push(guard);
    return { leaseGuard, guard };
  };
  const spawned = (n: number) => {
    const list = Array.from({ length: n }, victim);
    victims.push(...list);
    return list.map((v) => v.pid!);
  };
  const alive = (pid: number) => isRunning(processState(pid));

  it('kills its targets when not petted by the lease deadline, reports it, and keeps guarding', async () => {
    let targets = spawned(2);
    const first = targets;
    const { guard } = await setup(() => targets);
    guard.pet(300);
    await sleep(100);
    expect(first.map(alive)).toEqual([true, true]);
    await sleep(600);
    expect(first.map(alive)).toEqual([false, false]);
    expect(guard.fired).toBe(1);
    // The daemon is still there (e.g. it rejoined after self-fencing): the guard serves again.
    targets = spawned(1);
    guard.pet(200);
    await sleep(600);
    expect(alive(targets[0])).toBe(false);
    expect(guard.fired).toBe(2);
  });

  it('also kills single processes outside the groups (e.g. a QEMU libvirtd started)', async () => {
    const loner = spawn('sleep', ['60'], { stdio: 'ignore' }); // in the test's own group: only its pid can be targeted
    victims.push(loner);
    const { guard } = await setup(() => [], () => ({ pids: [loner.pid!], watches: [] }));
    guard.pet(200);
    await sleep(600);
    expect(alive(loner.pid!)).toBe(false);
    expect(guard.fired).toBe(1);
  });

  it('looks a watched pid file up when it fires: kills a process that appeared after the last pet (an incoming migration\'s QEMU)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-guard-watch-'));
    try {
      const pidFile = join(dir, 'vm1.pid');
      const { guard } = await setup(() => [], () => ({ pids: [], watches: [{ pidFile, arg: 'guest=vm1' }, { pidFile, arg: 'guest=vm2' }] }));
      guard.pet(500); // last word from the daemon: nothing runs yet
      const qemu = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'guest=vm1,debug-threads=on'], { stdio: 'ignore' });
      victims.push(qemu);
      writeFileSync(pidFile, `${qemu.pid}\n`);
      await sleep(900);
      expect(alive(qemu.pid!)).toBe(false);
      expect(guard.fired).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('spares the process a watched pid file names when its command line is another guest\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-guard-watch-'));
    try {
      const pidFile = join(dir, 'vm1.pid');
      const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'guest=vm10'], { stdio: 'ignore' });
      victims.push(other);
      writeFileSync(pidFile, `${other.pid}\n`); // a stale pid file whose pid was reused
      const { guard } = await setup(() => [], () => ({ pids: [], watches: [{ pidFile, arg: 'guest=vm1' }] }));
      guard.pet(200);
      await sleep(600);
      expect(guard.fired).toBe(1);
      expect(alive(other.pid!)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('covers an agent the executor started after the last pet, told by the executor instead of polling', async () => {
    const sb = await agentSandbox();
    try {
      sb.addAgent('Hang', `echo $$ > "$OCF_RESKEY_pidfile"; exec sleep 60`);
      const { guard } = await setup(
        () => sb.executor.processGroups(),
        undefined,
        (changed) => sb.executor.onProcessGroupsChanged(changed),
      );
      guard.pet(600); // last pet: no agent runs yet
      const pidfile = join(sb.dir, 'hang.pid');
      const op = sb.executor.run(sb.request('late', 'Hang', 'start', { params: { pidfile } }));
      await sleep(900);
      expect(guard.fired).toBe(1);
      expect((await op).status).toBe(OpStatus.Error); // killed by the guard
      expect(alive(Number(readFileSync(pidfile, 'utf8')))).toBe(false);
    } finally {
      await sb.cleanup();
    }
  });

  it('disarm keeps it from firing until the next pet', async () => {
    const pids = spawned(1);
    const { guard } = await setup(() => pids);
    guard.pet(300);
    guard.disarm();
    await sleep(600);
    expect(alive(pids[0])).toBe(true);
    expect(guard.fired).toBe(0);
  });

  it('does not fire while lease renewals keep petting it', async () => {
    const pids = spawned(1);
    const { leaseGuard } = await setup(() => pids);
    for (let i = 0; i < 8; i++) {
      leaseGuard.renewed(systemClock.now()); // deadline 1.7 s ahead each time
      await sleep(250);
    }
    expect(alive(pids[0])).toBe(true);
    await leaseGuard.stop();
  });

  it('fires even after the daemon side went away while armed', async () => {
    const pids = spawned(1);
    const { guard } = await setup(() => pids);
    guard.pet(400);
    // Simulate the daemon dying: its end of the pipe closes without a disarm.
    const pid = guard.pid!;
    (guard as unknown as { child: ChildProcess }).child.stdin!.end();
    await sleep(150);
    expect(alive(pid)).toBe(true);
    expect(alive(pids[0])).toBe(true);
    await sleep(600);
    expect(alive(pids[0])).toBe(false);
    expect(alive(pid)).toBe(false);
  });

  it('a clean stop disarms it: targets survive the old deadline', async () => {
    const pids = spawned(1);
    const { guard } = await setup(() => pids);
    guard.pet(300);
    await guard.stop();
    guards.length = 0;
    await sleep(500);
    expect(alive(pids[0])).toBe(true);
  });

  it("kills an executor's resource processes (a daemon left by a start) when the lease guard's renewals stop", async () => {
    const sb = await agentSandbox({}, [defaultOcfRoots()[0]]);
    try {
      const state = join(sb.dir, 'd.state');
      const start = await sb.executor.run({ ...sb.request('d', 'Dummy', 'start', { params: { state, daemon: 'true' } }), agent: { class: 'ocf', provider: 'vigil', type: 'Dummy' } });
      expect(start.rc).toBe(0);
      const placeholder = Number(/pid=(\d+)/.exec(readFileSync(state, 'utf8'))![1]);
      const { leaseGuard } = await setup(() => sb.executor.processGroups());
      leaseGuard.renewed(systemClock.now() - 1200); // last successful keep-alive 1.2 s ago: 0.5 s left
      await sleep(150);
      expect(alive(placeholder)).toBe(true);
      await sleep(800);
      expect(alive(placeholder)).toBe(false);
      await leaseGuard.stop();
    } finally {
      await sb.cleanup();
    }
  });
});
