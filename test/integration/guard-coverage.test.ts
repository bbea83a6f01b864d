import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivitySampler, LocalCluster, processAlive } from './support/local-cluster.js';

/**
 * The guard process kills a dead daemon's resources by the lease deadline, including
 * processes outside the agents' process groups that the agent named (QEMU under libvirtd:
 * here the Dummy's placeholder in a session of its own, detached=true).
 */
describe('guard coverage when vigild dies', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ size: 2 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('kills a process the agent named outside its process group, before the resource starts elsewhere', async () => {
    await cluster.configure(cluster.dummy('g1', { detached: true }));
    await cluster.waitFor(() => cluster.activeNodes('g1').length === 1, 20_000, 'g1 started');
    const [home] = cluster.activeNodes('g1');
    // the start finished and is recorded: the steady state of a running VM
    await cluster.waitFor(async () => /operation="start"[^>]*op-status="0"/.test(await cluster.api().getCib()), 10_000, 'g1 start recorded');
    const pid = Number(/pid=(\d+)/.exec(readFileSync(join(cluster.dir, 'state', `g1@${home}`), 'utf8'))![1]);
    // really outside the agent's group: its own session
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    expect(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]).toBe(String(pid));
    const sampler = new ActivitySampler(cluster, ['g1'], 10);
    const t0 = Date.now();
    await cluster.killNode(home);
    // lease TTL 2 s: the guard fires before the lease can expire at etcd
    await cluster.waitFor(() => !processAlive(pid), 4000, `placeholder ${pid} killed by ${home}'s guard`).catch((err: Error) => {
      const guardLines = readFileSync(join(cluster.dir, home, 'vigild.log'), 'utf8').split('\n').filter((l) => l.includes('"component":"guard'));
      const state = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').slice(0, 8).join(' | ');
      throw new Error(`${err.message}\nplaceholder: ${state}\nguard log:\n${guardLines.slice(-6).join('\n')}`);
    });
    const killedMs = Date.now() - t0;
    const other = home === 'n1' ? 'n2' : 'n1';
    await cluster.waitFor(() => cluster.activeNodes('g1').join() === other, 20_000, `g1 recovered on ${other}`);
    sampler.stop();
    expect(sampler.doubleActive).toEqual([]);
    expect(killedMs).toBeLessThan(2000);
    await cluster.restartNode(home);
    await cluster.configure(cluster.dummy('g1', { detached: true, meta: { 'target-role': 'Stopped' } }));
    await cluster.waitFor(() => cluster.activeNodes('g1').length === 0, 20_000, 'g1 stopped');
  }, 90_000);
});
