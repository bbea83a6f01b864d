import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guardPidFile, guardWatchFile, writeGuardWatch } from '../../daemon/executor/guard-pid-files.js';
import { Executor } from '../../daemon/executor/executor.js';
import { createLogger } from '../../daemon/util/logger.js';

/** Processes outside the agents' groups (QEMU under libvirtd) that agents name for the guard. */
describe('executor guard pids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-guard-pids-'));
  const rscTmp = join(dir, 'rsc');
  const executor = new Executor({ node: 'n1', logger: createLogger({ level: 'silent' }), rscTmpDir: rscTmp });
  // a process in a session of its own, like QEMU: not a child of any agent; its command line names a guest
  const outsider = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'guest=vm1,debug-threads=on'], { detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => outsider.once('exit', (_code, signal) => resolve(signal)));
  /** The start-time field of /proc/PID/stat, as a shell agent writes it. */
  const startTicks = (pid: number) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  };
  afterAll(async () => {
    outsider.kill('SIGKILL');
    await exited;
    await executor.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells the guard at once when an agent names a process, and forgets it when removed', async () => {
    await executor.start();
    let changes = 0;
    executor.onProcessGroupsChanged(() => changes++);
    writeFileSync(guardPidFile(rscTmp, 'vm1'), `${outsider.pid} ${startTicks(outsider.pid!)}\n`);
    await expect.poll(() => changes, { timeout: 2000 }).toBeGreaterThan(0);
    expect(executor.guardTargets()).toEqual({ pids: [outsider.pid], watches: [] });
    const before = changes;
    rmSync(guardPidFile(rscTmp, 'vm1'));
    await expect.poll(() => changes, { timeout: 2000 }).toBeGreaterThan(before);
    expect(executor.guardTargets()).toEqual({ pids: [], watches: [] });
  });

  it('ignores a recycled pid (start time differs) and dead or malformed entries', () => {
    writeFileSync(guardPidFile(rscTmp, 'old'), `${outsider.pid} 1\n999999999 5\nnot-a-pid\n`);
    writeFileSync(guardWatchFile(rscTmp, 'bad'), '{"pidFile":"relative.pid","arg":"guest=x"}\nnot json\n{"pidFile":"/x.pid"}\n');
    expect(executor.guardTargets()).toEqual({ pids: [], watches: [] });
    rmSync(guardPidFile(rscTmp, 'old'));
    rmSync(guardWatchFile(rscTmp, 'bad'));
  });

  it('keeps a watch file as it is when the same watch is written again (no change for the guard)', () => {
    const watch = { pidFile: join(dir, 'run', 'vm9.pid'), arg: 'guest=vm9' };
    writeGuardWatch(rscTmp, 'vm9', watch);
    const first = readFileSync(guardWatchFile(rscTmp, 'vm9'), 'utf8');
    writeGuardWatch(rscTmp, 'vm9', watch);
    expect(readFileSync(guardWatchFile(rscTmp, 'vm9'), 'utf8')).toBe(first);
    expect(executor.guardTargets().watches).toEqual([watch]);
    rmSync(guardWatchFile(rscTmp, 'vm9'));
  });

  it('killAll (the self-fence deadline) kills the process a watch names', async () => {
    const runDir = join(dir, 'run');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'vm1.pid'), `${outsider.pid}\n`);
    writeGuardWatch(rscTmp, 'vm1', { pidFile: join(runDir, 'vm1.pid'), arg: 'guest=vm1' });
    executor.killAll();
    expect(await exited).toBe('SIGKILL');
  });
});
