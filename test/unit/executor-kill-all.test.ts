import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpStatus } from '../../daemon/executor/operation.js';
import { agentSandbox, isRunning, processState, sleep, type AgentSandbox } from './executor-fixture.js';

describe('executor: killAll (self-fencing)', () => {
  let sb: AgentSandbox;
  beforeEach(async () => {
    sb = await agentSandbox();
    // Records its own pid, then hangs in a child.
    sb.addAgent('Hang', `echo $$ > "$OCF_RESKEY_pidfile"; sleep 60; exit 0`);
    // A start that leaves a daemon behind in its process group (like a VM or a service).
    sb.addAgent('Daemon', `[ "$1" = start ] || exit 0; sleep 60 </dev/null >/dev/null 2>&1 & echo $! > "$OCF_RESKEY_pidfile"; exit 0`);
  });
  afterEach(() => sb.cleanup());

  const waitForFile = async (path: string) => {
    for (let i = 0; i < 100; i++) {
      try {
        return Number(readFileSync(path, 'utf8'));
      } catch {
        await sleep(20);
      }
    }
    throw new Error(`${path} never appeared`);
  };

  it('kills running operations of every resource and daemons left behind by starts, and drops queued operations', async () => {
    const daemonPid = join(sb.dir, 'daemon.pid');
    const started = await sb.executor.run(sb.request('vm', 'Daemon', 'start', { params: { pidfile: daemonPid } }));
    expect(started.rc).toBe(0);
    const daemon = Number(readFileSync(daemonPid, 'utf8'));
    expect(isRunning(processState(daemon))).toBe(true);

    const pidA = join(sb.dir, 'a.pid');
    const pidB = join(sb.dir, 'b.pid');
    const runningA = sb.executor.run(sb.request('a', 'Hang', 'stop', { params: { pidfile: pidA } }));
    const runningB = sb.executor.run(sb.request('b', 'Hang', 'start', { params: { pidfile: pidB } }));
    const queuedA = sb.executor.run(sb.request('a', 'Hang', 'start', { params: { pidfile: pidA } }));
    const agents = [await waitForFile(pidA), await waitForFile(pidB)];
    // The two running agents lead their own groups; the daemon's group (its start agent's) is the third.
    const groups = sb.executor.processGroups();
    expect(groups).toHaveLength(3);
    expect(groups).toEqual(expect.arrayContaining(agents));

    expect(sb.executor.killAll()).toBe(3);
    const [a, b, q] = await Promise.all([runningA, runningB, queuedA]);
    expect(a).toMatchObject({ rc: 1, status: OpStatus.Error });
    expect(b).toMatchObject({ rc: 1, status: OpStatus.Error });
    expect(q.status).toBe(OpStatus.Cancelled);
    await sleep(50);
    for (const pid of [daemon, ...agents]) expect(isRunning(processState(pid))).toBe(false);
    expect(sb.executor.processGroups()).toEqual([]);
  });

  it('forgets a daemon once its resource stopped successfully', async () => {
    const pidfile = join(sb.dir, 'daemon.pid');
    await sb.executor.run(sb.request('vm', 'Daemon', 'start', { params: { pidfile } }));
    expect(sb.executor.processGroups()).toHaveLength(1);
    process.kill(Number(readFileSync(pidfile, 'utf8')));
    await sb.executor.run(sb.request('vm', 'Daemon', 'stop', { params: { pidfile } }));
    expect(sb.executor.processGroups()).toEqual([]);
  });

  it('stops recurring operations, settling the first result of one that had none', async () => {
    const started = sb.executor.run(sb.request('m', 'Hang', 'start', { params: { pidfile: join(sb.dir, 'm.pid') } }));
    const first = sb.executor.startRecurring(sb.request('m', 'Daemon', 'monitor', { intervalMs: 1000, params: { pidfile: join(sb.dir, 'x') } }), () => undefined);
    expect(sb.executor.recurringOperations()).toHaveLength(1);
    await waitForFile(join(sb.dir, 'm.pid'));
    sb.executor.killAll();
    expect(sb.executor.recurringOperations()).toEqual([]);
    expect(await first).toBeUndefined();
    expect((await started).status).toBe(OpStatus.Error);
  });
});
