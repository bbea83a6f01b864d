import { afterEach, describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/parse.js';
import { pino } from 'pino';
import { Controller, type Planner } from '../../daemon/controller/controller.js';
import { schedule } from '../../daemon/scheduler/index.js';
import { createLogger, type Logger } from '../../daemon/util/logger.js';
import { FakeCluster } from './controller-fake-cluster.js';

const primitive = (id: string, stopped = false) =>
  `<primitive id="${id}" class="ocf" provider="vigil" type="Dummy">` +
  (stopped ? `<meta_attributes id="${id}-m"><nvpair id="${id}-m1" name="target-role" value="Stopped"/></meta_attributes>` : '') +
  `<operations><op id="${id}-mon" name="monitor" interval="10s" timeout="20s"/></operations></primitive>`;
const configuration = (resources: string[], constraints = '', nodes = ['n1', 'n2', 'n3'], stopped: string[] = [], stonithEnabled = false) =>
  `<configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="${stonithEnabled}"/></cluster_property_set></crm_config>` +
  `<nodes>${nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join('')}</nodes><resources>${resources.map((id) => primitive(id, stopped.includes(id))).join('')}</resources>` +
  `<constraints>${constraints}</constraints><rsc_defaults><meta_attributes id="d"><nvpair id="d1" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults></configuration>`;

/** A notify=true clone `c` of primitive `d` (one instance per node). */
const notifyClone = () =>
  configuration(['d']).replace(primitive('d'), `<clone id="c"><meta_attributes id="c-m"><nvpair id="c-m1" name="notify" value="true"/></meta_attributes>${primitive('d')}</clone>`);

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** The DC's controller against a simulated cluster (in-memory store, nodes answering at once). */
describe('controller scenarios', () => {
  const controllers: Controller[] = [];
  const dc = (cluster: FakeCluster, marginMs = 300, plan: Planner = (xml, now) => schedule(parseCib(xml), { now, leaseFencing: true }), log: Logger = createLogger({ level: 'silent' })) => {
    const c = new Controller({
      node: 'n1',
      store: cluster,
      log,
      plan,
      fencingMarginMs: marginMs,
      quorate: () => true,
    });
    controllers.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(controllers.splice(0).map((c) => c.stop()));
  });

  it('runs actions in dependency order, each exactly once', async () => {
    const cluster = new FakeCluster(configuration(['a', 'b'], '<rsc_order id="a-b" first="a" then="b" kind="Mandatory"/>'), ['n1', 'n2', 'n3']);
    await dc(cluster).start();
    await until(() => cluster.activeOn('a').length === 1 && cluster.activeOn('b').length === 1);
    await new Promise((r) => setTimeout(r, 200)); // settle: nothing more may run
    const starts = cluster.executed.filter((e) => e.op === 'start');
    expect(starts.map((s) => s.resource)).toEqual(['a', 'b']);
    const probes = cluster.executed.filter((e) => e.op === 'monitor' && e.intervalMs === 0);
    expect(probes).toHaveLength(6); // every resource probed once on every node
    expect(cluster.executed.filter((e) => e.op === 'monitor' && e.intervalMs === 10_000)).toHaveLength(2);
  });

  it('logs a transition.invariant error for a graph lacking probe edges, and still starts only after every probe', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const cluster = new FakeCluster(configuration(['a']), ['n1', 'n2', 'n3']);
    const planner: Planner = (xml, now) => {
      const t = schedule(parseCib(xml), { now });
      // a scheduler that lost its probe orderings
      const probes = new Set(t.actions.filter((x) => x.probe).map((x) => x.id));
      return { ...t, actions: t.actions.map((x) => ({ ...x, after: x.after.filter((d) => !probes.has(d)) })) };
    };
    cluster.claiming = false;
    await dc(cluster, 300, planner, log).start();
    await until(() => cluster.queue.size === 3);
    await new Promise((r) => setTimeout(r, 100));
    // the probes are not answered yet: the start is held back although the graph would let it go
    expect([...cluster.queue.values()].map((q) => JSON.parse(q.request).action.operation)).toEqual(['monitor', 'monitor', 'monitor']);
    cluster.claiming = true;
    cluster.claimQueued();
    await until(() => cluster.activeOn('a').length === 1);
    const invariant = lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'transition.invariant');
    expect(invariant.length).toBeGreaterThan(0);
    expect(invariant[0]).toMatchObject({ level: 50, invariant: 'probes-before-activation', resource: 'a', op: 'start' });
    expect(invariant[0].probes).toHaveLength(3);
    const a = cluster.executed.filter((e) => e.resource === 'a' && e.intervalMs === 0);
    expect(a.map((e) => e.op)).toEqual(['monitor', 'monitor', 'monitor', 'start']);
  });

  it('the scheduler orders starts after probes itself: no transition.invariant error on its graphs', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const cluster = new FakeCluster(configuration(['a', 'b']), ['n1', 'n2', 'n3']);
    await dc(cluster, 300, undefined, log).start();
    await until(() => cluster.activeOn('a').length === 1 && cluster.activeOn('b').length === 1);
    expect(lines.filter((l) => l.includes('transition started')).length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('transition.invariant'))).toEqual([]);
  });

  it('aborts on a failed start and re-plans the resource onto another node', async () => {
    const cluster = new FakeCluster(configuration(['a'], '<rsc_location id="a-n1" rsc="a" node="n1" score="100"/>'), ['n1', 'n2', 'n3']);
    cluster.failures.add('a:start@n1');
    await dc(cluster).start();
    await until(() => cluster.activeOn('a').length === 1 && cluster.activeOn('a')[0] !== 'n1');
    const a = cluster.executed.filter((e) => e.resource === 'a' && e.intervalMs === 0 && e.op !== 'monitor');
    expect(a.map((e) => `${e.op}@${e.node}:${e.rc}`).slice(0, 2)).toEqual(['start@n1:1', 'stop@n1:0']);
    expect(a[2].op).toBe('start');
    expect(a[2].node).not.toBe('n1');
  });

  it('recovers a lost node only after the fencing margin, then exactly once', async () => {
    const cluster = new FakeCluster(configuration(['a'], '<rsc_location id="a-n2" rsc="a" node="n2" score="100"/>'), ['n1', 'n2', 'n3']);
    await dc(cluster, 300).start();
    await until(() => cluster.activeOn('a').join() === 'n2');
    const leftAt = Date.now();
    cluster.leave('n2');
    await until(() => cluster.activeOn('a').length === 1);
    const recovery = cluster.executed.find((e) => e.resource === 'a' && e.op === 'start' && e.at >= leftAt)!;
    expect(cluster.markedDown.map((d) => d.node)).toEqual(['n2']);
    expect(cluster.markedDown[0].at - leftAt).toBeGreaterThanOrEqual(300);
    expect(recovery.at).toBeGreaterThanOrEqual(cluster.markedDown[0].at);
    await new Promise((r) => setTimeout(r, 200));
    expect(cluster.executed.filter((e) => e.resource === 'a' && e.op === 'start' && e.at >= leftAt)).toHaveLength(1);
  });

  it('fences a node whose stop failed through its lease: the node fences itself, and the resource starts elsewhere only once it is down', async () => {
    const cluster = new FakeCluster(configuration(['a'], '<rsc_location id="a-n2" rsc="a" node="n2" score="100"/>', ['n1', 'n2', 'n3'], [], true), ['n1', 'n2', 'n3']);
    cluster.failures.add('a:start@n2');
    cluster.failures.add('a:stop@n2'); // on-fail defaults to fence for a stop once fencing is enabled
    await dc(cluster, 300).start();
    await until(() => cluster.activeOn('a').length === 1 && cluster.activeOn('a')[0] !== 'n2');
    expect(cluster.selfFenced.map((f) => f.node)).toEqual(['n2']);
    expect(cluster.markedDown.map((d) => d.node)).toEqual(['n2']);
    // lease-based fencing: down only after the fencing margin from the node's departure
    expect(cluster.markedDown[0].at - cluster.selfFenced[0].at).toBeGreaterThanOrEqual(300);
    const elsewhere = cluster.executed.filter((e) => e.resource === 'a' && e.op === 'start' && e.node !== 'n2');
    expect(elsewhere).toHaveLength(1);
    expect(elsewhere[0].at).toBeGreaterThanOrEqual(cluster.markedDown[0].at);
    // the failed stop is never retried on n2: the fence is what stopped it
    expect(cluster.executed.filter((e) => e.resource === 'a' && e.op === 'stop').map((e) => `${e.node}:${e.rc}`)).toEqual(['n2:1']);
  });

  it("withdraws a request a node left the cluster without claiming: the node's next incarnation must not run it", async () => {
    const cluster = new FakeCluster(configuration(['a']), ['n1', 'n2', 'n3']);
    cluster.claiming = false;
    await dc(cluster).start();
    await until(() => [...cluster.queue.values()].some((q) => q.node === 'n2'));
    cluster.leave('n2'); // killed before it claimed its probe
    await until(() => ![...cluster.queue.values()].some((q) => q.node === 'n2'));
    expect(cluster.executed).toEqual([]);
  });

  it('a cleanup that deletes a result before the DC read it ends that action at once: re-probe, then a stop runs promptly', async () => {
    const onN2 = '<rsc_location id="a-n2" rsc="a" node="n2" score="100"/>';
    const cluster = new FakeCluster(configuration(['a'], onN2), ['n1', 'n2', 'n3']);
    let cleanedAt = 0;
    cluster.onRecorded = (e) => {
      // the cleanup lands between the recurring monitor's result and the DC's next read
      if (cleanedAt === 0 && e.resource === 'a' && e.op === 'monitor' && e.intervalMs > 0) {
        cleanedAt = Date.now();
        cluster.forget('a');
      }
    };
    await dc(cluster).start();
    await until(() => cleanedAt > 0);
    // without the fix the DC waited for the monitor's result deadline (timeout + grace, 35 s)
    await until(() => cluster.executed.some((e) => e.resource === 'a' && e.op === 'monitor' && e.intervalMs === 0 && e.node === 'n2' && e.at >= cleanedAt), 3000);
    cluster.configure(configuration(['a'], onN2, undefined, ['a']));
    await until(() => cluster.activeOn('a').length === 0, 3000);
    expect(cluster.executed.filter((e) => e.resource === 'a' && (e.op === 'start' || e.op === 'stop')).map((e) => `${e.op}@${e.node}`)).toEqual(['start@n2', 'stop@n2']);
  });

  it('a change that lands while the DC reads its snapshot brings another round (the stale plan is not the last word)', async () => {
    const cluster = new FakeCluster(configuration(['a']), ['n1', 'n2', 'n3']);
    await dc(cluster).start();
    await until(() => cluster.executed.some((e) => e.resource === 'a' && e.op === 'monitor' && e.intervalMs > 0));
    await new Promise((r) => setTimeout(r, 100)); // the DC is idle
    cluster.onSnapshot = () => {
      cluster.onSnapshot = undefined;
      cluster.configure(configuration(['a'], '', undefined, ['a']));
    };
    cluster.setAttribute('n3', 'pingd', '1'); // wakes the DC, whose read then races the configuration change
    await until(() => cluster.activeOn('a').length === 0, 3000);
  });

  it('a node restarted after the DC queued its request drops it (meant for its old incarnation), and the DC re-plans at once', async () => {
    const cluster = new FakeCluster(configuration(['a'], '<rsc_location id="a-n2" rsc="a" node="n2" score="100"/>'), ['n1', 'n2', 'n3']);
    // n2 restarts within its lease after the DC queued its probe, before claiming it
    cluster.onClaim = (node) => {
      if (node !== 'n2') return;
      cluster.onClaim = undefined;
      cluster.restart('n2');
    };
    await dc(cluster).start();
    // without the DC's incarnation check it waited for the dropped probe's deadline (timeout + grace)
    await until(() => cluster.activeOn('a').join() === 'n2', 3000);
    expect(cluster.dropped.length).toBeGreaterThan(0);
    expect(cluster.dropped.every((d) => d.node === 'n2' && d.meantFor === 'n2-1')).toBe(true);
  });

  it('a new DC withdraws requests the previous DC queued that no node claimed, and runs nothing twice', async () => {
    const cluster = new FakeCluster(configuration(['a']), ['n1', 'n2', 'n3']);
    cluster.claiming = false;
    const old = dc(cluster);
    await old.start();
    await until(() => cluster.queue.size > 0);
    await old.stop(); // the old DC dies with requests queued but unclaimed
    const stale = [...cluster.queue.keys()];
    cluster.claiming = true;
    await dc(cluster).start();
    await until(() => cluster.activeOn('a').length === 1);
    expect(stale.every((k) => !cluster.queue.has(k))).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(cluster.executed.filter((e) => e.op === 'start')).toHaveLength(1);
  });

  it('runs a notify=true clone: every started instance is told after the starts, and nothing is recorded as history', async () => {
    const cluster = new FakeCluster(notifyClone(), ['n1', 'n2', 'n3']);
    await dc(cluster).start();
    await until(() => cluster.executed.filter((e) => e.op === 'notify').length === 3);
    await new Promise((r) => setTimeout(r, 200)); // settle: nothing more may run
    const starts = cluster.executed.filter((e) => e.op === 'start');
    const notifies = cluster.executed.filter((e) => e.op === 'notify');
    expect(starts.map((e) => e.node).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(notifies.map((e) => `${e.resource}@${e.node}`).sort()).toEqual(starts.map((e) => `${e.resource}@${e.node}`).sort());
    // post notifications follow every start; recurring monitors follow the notifications
    expect(Math.min(...notifies.map((e) => cluster.executed.indexOf(e)))).toBeGreaterThan(Math.max(...starts.map((e) => cluster.executed.indexOf(e))));
    const monitors = cluster.executed.filter((e) => e.op === 'monitor' && e.intervalMs > 0);
    expect(monitors).toHaveLength(3);
    expect(Math.min(...monitors.map((e) => cluster.executed.indexOf(e)))).toBeGreaterThan(Math.max(...notifies.map((e) => cluster.executed.indexOf(e))));
    expect(starts).toHaveLength(3); // the notify results did not make the DC plan the starts again
  });

  it('a failed notify is logged and otherwise ignored, as Pacemaker does: the transition goes on, no fail count, no re-plan', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const cluster = new FakeCluster(notifyClone(), ['n1', 'n2', 'n3']);
    for (const instance of ['d:0', 'd:1', 'd:2']) cluster.failures.add(`${instance}:notify@n2`);
    await dc(cluster, undefined, undefined, log).start();
    await until(() => cluster.executed.filter((e) => e.op === 'monitor' && e.intervalMs > 0).length === 3);
    await new Promise((r) => setTimeout(r, 200)); // settle: nothing more may run
    const events = lines.map((l) => JSON.parse(l) as { msg: string; level: number; target?: string; op?: string; resource?: string });
    const failedNotify = cluster.executed.filter((e) => e.op === 'notify' && e.rc !== 0);
    expect(failedNotify.map((e) => e.node)).toEqual(['n2']);
    const ignored = events.filter((e) => e.msg.startsWith('notify failed'));
    expect(ignored.map((e) => [e.level, e.target, e.resource])).toEqual([[40, 'n2', failedNotify[0]!.resource]]);
    expect(events.filter((e) => e.msg === 'transition aborted')).toEqual([]);
    // the monitors after the notifications ran in the same transition: one plan, never a second
    expect(events.filter((e) => e.msg === 'transition started')).toHaveLength(1);
    expect([...cluster.status.get('n2')!.attributes.keys()].filter((k) => k.startsWith('fail-count-'))).toEqual([]);
    expect(cluster.executed.filter((e) => e.op === 'start')).toHaveLength(3);
  });
});
