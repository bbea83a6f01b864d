import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivitySampler, LocalCluster } from './support/local-cluster.js';

const NODES = ['n1', 'n2', 'n3'];

/** Node loss, DC loss, etcd leader loss and a node cut off from etcd, judged from the agents' side. */
describe('failover on a 3-node cluster', () => {
  let cluster: LocalCluster;
  const ids = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
  const everyActiveOnce = () => ids.every((id) => cluster.activeNodes(id).length === 1);
  const hostOf = (id: string) => cluster.activeNodes(id)[0];
  const startsOf = (id: string, since = 0) => cluster.agentActions().filter((a) => a.resource === id && a.action === 'start' && a.rc === 0 && a.at >= since);
  const steady = () => cluster.settled(ids);

  beforeAll(async () => {
    cluster = await LocalCluster.start({ size: 3 });
    await cluster.configure(ids.map((id) => cluster.dummy(id, { monitorS: 1 })).join(''));
    await cluster.waitFor(steady, 30_000, 'a1..a6 started');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const bringBack = (node: string) => cluster.restartNode(node);

  it("starts a killed node's resources elsewhere, never two copies at once", async () => {
    const dc = await cluster.dc();
    const victim = NODES.find((n) => n !== dc && ids.some((id) => hostOf(id) === n))!;
    const lost = ids.filter((id) => hostOf(id) === victim);
    const sampler = new ActivitySampler(cluster, ids);
    const killedAt = Date.now();
    await cluster.killNode(victim);
    try {
      await cluster.waitFor(
        () => everyActiveOnce() && lost.every((id) => hostOf(id) !== victim && startsOf(id, killedAt).length > 0),
        20_000,
        `resources of ${victim} recovered`,
      );
      sampler.stop();
      expect(sampler.doubleActive).toEqual([]);
      // each lost resource started exactly once elsewhere; the others were not touched
      for (const id of lost) expect(startsOf(id, killedAt)).toHaveLength(1);
      for (const id of ids.filter((i) => !lost.includes(i))) expect(startsOf(id, killedAt)).toEqual([]);
    } finally {
      // the later tests need all three nodes, whatever this one found
      await bringBack(victim);
    }
  });

  it('a new DC finishes a transition the old DC left half done, losing and repeating nothing', async () => {
    await cluster.waitFor(steady, 20_000, 'steady state');
    const slow = ['s1', 's2', 's3', 's4'];
    const all = [...ids, ...slow];
    const config = () => all.map((id) => cluster.dummy(id, { monitorS: 1, opSleepS: slow.includes(id) ? 1 : 0 })).join('');
    const dc = await cluster.dc();
    const sampler = new ActivitySampler(cluster, all);
    const configuredAt = Date.now();
    await cluster.configure(config());
    // the old DC dies while slow starts are in flight (their pending records are in the status)
    await cluster.waitFor(async () => /operation_key="s\d_start_0"[^>]*op-status="-1"/.test(await cluster.api(dc).getCib()), 10_000, 'slow starts in flight');
    const dcResources = ids.filter((id) => hostOf(id) === dc);
    await cluster.killNode(dc);
    try {
      await cluster.waitFor(
        () => all.every((id) => cluster.activeNodes(id).length === 1 && hostOf(id) !== dc && startsOf(id, 0).some((s) => s.node === hostOf(id))),
        30_000,
        'all resources active once, off the dead DC',
      );
      sampler.stop();
      expect(sampler.doubleActive).toEqual([]);
      // a resource whose start ran on a surviving node ran exactly once; only those lost with the DC started again
      for (const id of slow) {
        const starts = startsOf(id, configuredAt);
        const onSurvivors = starts.filter((s) => s.node !== dc);
        expect(onSurvivors, `${id} starts: ${JSON.stringify(starts)}`).toHaveLength(1);
      }
      for (const id of ids.filter((i) => !dcResources.includes(i))) expect(startsOf(id, configuredAt), `${id} started again`).toEqual([]);
    } finally {
      await bringBack(dc);
    }
    await cluster.configure(all.map((id) => cluster.dummy(id, { monitorS: 1, meta: slow.includes(id) ? { 'target-role': 'Stopped' } : {} })).join(''));
    await cluster.waitFor(() => slow.every((id) => cluster.activeNodes(id).length === 0), 20_000, 'slow ones stopped');
  });

  it('killing the etcd leader restarts nothing and fences no node', async () => {
    await cluster.waitFor(steady, 20_000, 'steady state');
    const before = ids.map(hostOf);
    const t0 = Date.now();
    const leader = await cluster.etcd.leader();
    cluster.etcd.members[leader].kill();
    await sleep(6000);
    const changes = cluster.agentActions().filter((a) => a.at >= t0 && a.action !== 'monitor');
    expect(changes).toEqual([]);
    expect(ids.map(hostOf)).toEqual(before);
    for (const node of NODES) expect(readFileSync(join(cluster.dir, node, 'vigild.log'), 'utf8')).not.toContain('self-fencing');
    await cluster.etcd.members[leader].start();
  });

  const cutOffScenario = (which: 'a node' | 'the DC') =>
    it(`${which} cut off from etcd stops its resources before any other node starts them`, async () => {
      await cluster.waitFor(steady, 20_000, 'steady state');
      const dc = await cluster.dc();
      const victim = which === 'the DC' ? dc : NODES.find((n) => n !== dc && ids.some((id) => hostOf(id) === n))!;
      const moved = ids.filter((id) => hostOf(id) === victim);
      expect(moved.length).toBeGreaterThan(0);
      const sampler = new ActivitySampler(cluster, ids);
      const t0 = Date.now();
      cluster.cutOff(victim);
      try {
        await cluster.waitFor(
          () => moved.every((id) => cluster.activeNodes(id).length === 1 && hostOf(id) !== victim && startsOf(id, t0).length > 0),
          20_000,
          `resources of ${victim} moved`,
        );
      } finally {
        cluster.reconnect(victim);
      }
      sampler.stop();
      expect(sampler.doubleActive).toEqual([]);
      const actions = cluster.agentActions().filter((a) => a.at >= t0);
      for (const id of moved) {
        const stop = actions.find((a) => a.resource === id && a.action === 'stop' && a.node === victim);
        const start = actions.find((a) => a.resource === id && a.action === 'start' && a.rc === 0 && a.node !== victim);
        expect(stop, `${id} stopped on ${victim}`).toBeDefined();
        expect(start, `${id} started elsewhere`).toBeDefined();
        expect(stop!.at).toBeLessThan(start!.at);
      }
      expect(readFileSync(join(cluster.dir, victim, 'vigild.log'), 'utf8')).toContain('self-fencing');
      await cluster.waitFor(async () => (await cluster.api(victim).nodeInfo().catch(() => undefined))?.members.length === 3, 20_000, `${victim} rejoined`);
      if (which === 'the DC') expect(await cluster.dc()).not.toBe(victim);
    });
  cutOffScenario('a node');
  cutOffScenario('the DC');
});
