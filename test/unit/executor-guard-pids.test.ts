import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guardPidFile, removeGuardPids, writeGuardPids } from '../../daemon/executor/guard-pid-files.js';
import { Executor } from '../../daemon/executor/executor.js';
import { createLogger } from '../../daemon/util/logger.js';

/** Processes outside the agents' groups (QEMU under libvirtd) that agents name for the guard. */
describe('executor guard pids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-guard-pids-'));
  const rscTmp = join(dir, 'rsc');
  const executor = new Executor({ node: 'n1', logger: createLogger({ level: 'silent' }), rscTmpDir: rscTmp });
  // a process in a session of its own, like QEMU: not a child of any agent
  const outsider = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => outsider.once('exit', (_code, signal) => resolve(signal)));
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
    writeGuardPids(rscTmp, 'vm1', [outsider.pid!]);
    await expect.poll(() => changes, { timeout: 2000 }).toBeGreaterThan(0);
    expect(executor.guardPids()).toEqual([outsider.pid]);
    const before = changes;
    removeGuardPids(rscTmp, 'vm1');
    await expect.poll(() => changes, { timeout: 2000 }).toBeGreaterThan(before);
    expect(executor.guardPids()).toEqual([]);
  });

  it('ignores a recycled pid (start time differs) and dead or malformed entries', () => {
    writeFileSync(guardPidFile(rscTmp, 'old'), `${outsider.pid} 1\n999999999 5\nnot-a-pid\n`);
    expect(executor.guardPids()).toEqual([]);
    removeGuardPids(rscTmp, 'old');
  });

  it('killAll (the self-fence deadline) kills named processes too', async () => {
    writeGuardPids(rscTmp, 'vm1', [outsider.pid!]);
    executor.killAll();
    expect(await exited).toBe('SIGKILL');
  });
});
