import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CibStore } from '../../daemon/cib/store.js';
import type { ActionRequest } from '../../daemon/controller/action-request.js';
import { INCARNATION_ATTRIBUTE } from '../../daemon/membership/incarnation.js';
import { connectEtcd } from '../../daemon/membership/etcd-connection.js';
import type { Action } from '../../daemon/scheduler/transition.js';
import { LocalCluster } from './support/local-cluster.js';

/**
 * A node killed and restarted within its lease's TTL, while a DC working from a stale snapshot
 * keeps queueing requests for the killed incarnation: the new incarnation must run none of them.
 * The stale DC is played by this test, writing into the node's queue as a DC does.
 */
describe('a node restarted within its lease', () => {
  let cluster: LocalCluster;
  let store: CibStore;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ size: 2 });
    store = new CibStore(connectEtcd(cluster.etcd.endpoints()));
  });
  afterAll(async () => {
    await store?.client.close();
    await cluster?.stop();
  });

  let sequence = 0;
  const request = (operation: string, incarnation: string): ActionRequest => {
    const transitionKey = `${++sequence}:900:${operation === 'monitor' ? 7 : 0}:stale-dc-session`;
    const action: Action = {
      id: sequence,
      kind: 'resource',
      key: `ghost_${operation}_0`,
      operation,
      resource: 'ghost',
      node: 'n2',
      intervalMs: 0,
      timeoutMs: 20_000,
      agent: { class: 'ocf', provider: 'vigiltest', type: 'Logged' },
      params: { state: join(cluster.dir, 'state', 'ghost@n2'), daemon: 'true' },
      meta: {},
      after: [],
      probe: operation === 'monitor',
    };
    return { transitionKey, action, incarnation };
  };
  const enqueue = (r: ActionRequest) => store.enqueueRequest('n2', r.transitionKey, r);
  const ghostActions = () => cluster.agentActions().filter((a) => a.resource === 'ghost');

  it('drops every request meant for the killed incarnation, and runs those meant for the new one', async () => {
    const old = await store.transientAttribute('n2', INCARNATION_ATTRIBUTE);
    expect(old).toMatch(/^\d+$/);
    await cluster.killNode('n2');
    // the stale DC queues starts for the old incarnation before, during and after the restart
    let queueing = true;
    const staleKeys: string[] = [];
    const staleDc = (async () => {
      while (queueing) {
        const r = request('start', old!);
        staleKeys.push(r.transitionKey);
        await enqueue(r);
        await sleep(100);
      }
    })();
    await sleep(300);
    await cluster.restartNode('n2');
    await cluster.waitFor(async () => ![undefined, old].includes(await store.transientAttribute('n2', INCARNATION_ATTRIBUTE)), 10_000, 'n2 published its new incarnation');
    await sleep(500);
    queueing = false;
    await staleDc;
    const current = (await store.transientAttribute('n2', INCARNATION_ATTRIBUTE))!;
    await cluster.waitFor(async () => (await store.queuedRequests('n2')).length === 0, 10_000, 'stale requests withdrawn');
    expect(staleKeys.length).toBeGreaterThan(5);
    expect(ghostActions()).toEqual([]);

    // the same request for the incarnation that runs now is carried out
    await enqueue(request('monitor', current));
    await cluster.waitFor(() => ghostActions().length === 1, 10_000, 'probe for the new incarnation ran');
    expect(ghostActions().map((a) => `${a.action}@${a.node}:${a.rc}`)).toEqual(['monitor@n2:7']);
  });
});
