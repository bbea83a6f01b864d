import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivitySampler, LocalCluster } from './support/local-cluster.js';

/**
 * A VM ran on two hosts once: standby live-migrated it n1 -> n2, and `node online n1` (given as
 * soon as the guest had left n1, the migration's transition still running) made the DC start a
 * second copy on n1. Reproduced with the Dummy agent (allow-migrate); each step sleeps 1 s so
 * the online lands at a known point of the migration.
 */
describe('standby live migration interrupted by online', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ size: 2 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const inFlight = (op: string) => async () => new RegExp(`operation="${op}"[^>]*op-status="-1"`).test(await cluster.api('n2').getCib());

  it.each([
    ['while migrate_to runs on the source', 'migrate_to'],
    ['while migrate_from runs on the target', 'migrate_from'],
  ])('online %s: the resource stays active exactly once', async (_, op) => {
    const id = `m-${op}`;
    const resource = (meta: Record<string, string> = {}) => cluster.dummy(id, { opSleepS: 1, meta: { 'allow-migrate': 'true', ...meta } });
    const prefer = `<rsc_location id="prefer-${id}" rsc="${id}" node="n1" score="50"/>`;
    await cluster.configure(resource(), prefer);
    await cluster.waitFor(() => cluster.activeNodes(id).join() === 'n1', 20_000, `${id} started on n1`);
    const sampler = new ActivitySampler(cluster, [id]);
    const api = cluster.api('n2');

    await api.setAttribute({ node: 'n1', name: 'standby', value: 'on', lifetime: 'forever' });
    await cluster.waitFor(inFlight(op), 20_000, `${op} of ${id} in flight`);
    await api.setAttribute({ node: 'n1', name: 'standby', value: null, lifetime: 'forever' });
    // stickiness 100 beats the preference 50: the resource ends on n2, stopped on n1
    await cluster.waitFor(() => cluster.activeNodes(id).join() === 'n2', 20_000, `${id} active on n2 only`);
    await cluster.waitFor(async () => (await api.getCib()).includes(`operation_key="${id}_stop_0"`), 20_000, `${id} stopped on n1`);
    await new Promise((r) => setTimeout(r, 4000));
    sampler.stop();
    const history = cluster.agentActions().filter((a) => a.resource === id && a.intervalMs === 0 && a.action !== 'monitor');
    expect(sampler.doubleActive, history.map((a) => `${a.action}@${a.node}`).join(' ')).toEqual([]);
    expect(cluster.activeNodes(id)).toEqual(['n2']);
    expect(history.filter((a) => a.action === 'start').map((a) => a.node)).toEqual(['n1']);

    await cluster.configure(resource({ 'target-role': 'Stopped' }), prefer);
    await cluster.waitFor(() => cluster.activeNodes(id).length === 0, 20_000, `${id} stopped`);
  }, 90_000);
});
