import { describe, it, expect } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { operationDigest } from '../../daemon/cib/op-digest.js';
import { schedule, describeCluster, type Action } from '../../daemon/scheduler/index.js';

/** A two/three-node cluster without fencing; `status` holds node_state bodies keyed by node. */
function cluster(opts: { resources: string; constraints?: string; props?: string; nodes?: string[]; lrm?: Record<string, string>; extraNodeState?: string }): string {
  const nodes = opts.nodes ?? ['node1', 'node2'];
  const states = nodes
    .map((n, i) => `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${i + 1}"><lrm_resources>${opts.lrm?.[n] ?? ''}</lrm_resources></lrm></node_state>`)
    .join('');
  return `<cib epoch="1" admin_epoch="0" num_updates="0" have-quorum="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/>${opts.props ?? ''}</cluster_property_set></crm_config>
    <nodes>${nodes.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('')}</nodes>
    <resources>${opts.resources}</resources><constraints>${opts.constraints ?? ''}</constraints>
  </configuration><status>${states}</status></cib>`;
}

const op = (rsc: string, name: string, opts: { interval?: number; rc?: number; status?: number; call?: number; digest?: string; extra?: string } = {}) =>
  `<lrm_rsc_op id="${rsc}_${name}_${opts.interval ?? 0}" operation_key="${rsc}_${name}_${opts.interval ?? 0}" operation="${name}" call-id="${opts.call ?? 1}" rc-code="${opts.rc ?? 0}" op-status="${opts.status ?? 0}" interval="${opts.interval ?? 0}"${opts.digest ? ` op-digest="${opts.digest}"` : ''} ${opts.extra ?? ''}/>`;
const lrm = (rsc: string, ...ops: string[]) => `<lrm_resource id="${rsc}" class="ocf" provider="heartbeat" type="Dummy">${ops.join('')}</lrm_resource>`;
const probedStopped = (rsc: string) => lrm(rsc, op(rsc, 'monitor', { rc: 7 }));

const byKey = (actions: Action[], key: string, node?: string) => actions.filter((a) => a.key === key && (node === undefined || a.node === node));

describe('schedule()', () => {
  it('marks starts fatal on failure unless start-failure-is-fatal=false (the runner then counts failures one by one)', () => {
    const startOf = (props: string) => byKey(schedule(parseCib(cluster({ resources: '<primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/>', props }))).actions, 'web_start_0')[0];
    expect(startOf('').failureIsFatal).toBe(true);
    expect(startOf('<nvpair id="o2" name="start-failure-is-fatal" value="false"/>').failureIsFatal).toBeUndefined();
  });

  it('starts a new resource, probing it first, and fills in agent, params, timeout and meta', () => {
    const t = schedule(parseCib(cluster({
      resources: `<primitive id="web" class="ocf" provider="heartbeat" type="apache">
        <instance_attributes id="web-ia"><nvpair id="web-ia-port" name="port" value="80"/></instance_attributes>
        <instance_attributes id="web-ia-n2" score="10"><rule id="web-r" score="0"><expression id="web-e" attribute="#uname" operation="eq" value="node2"/></rule><nvpair id="web-ia-port2" name="port" value="8080"/></instance_attributes>
        <operations><op id="web-start" name="start" interval="0" timeout="45s"/><op id="web-mon" name="monitor" interval="10s" timeout="15s"/></operations></primitive>`,
      constraints: '<rsc_location id="prefer-n2" rsc="web" node="node2" score="100"/>',
    })));
    expect(t.summary).toEqual(['* Start      web      ( node2 )']);
    const [start] = byKey(t.actions, 'web_start_0');
    expect(start).toMatchObject({ node: 'node2', kind: 'resource', timeoutMs: 45_000, agent: { class: 'ocf', provider: 'heartbeat', type: 'apache' }, params: { port: '8080' } });
    const probes = byKey(t.actions, 'web_monitor_0');
    expect(probes.map((p) => p.node).sort()).toEqual(['node1', 'node2']);
    expect(probes.every((p) => p.probe === true)).toBe(true);
    // Start waits for the probes; the recurring monitor waits for the start.
    expect(start.after).toEqual(expect.arrayContaining(probes.map((p) => p.id)));
    const [mon] = byKey(t.actions, 'web_monitor_10000');
    expect(mon).toMatchObject({ node: 'node2', intervalMs: 10_000, timeoutMs: 15_000 });
    expect(mon.after).toContain(start.id);
  });

  it('uses op_defaults timeout, else 20 s', () => {
    const text = (defaults: string) => cluster({ resources: '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>' }).replace('</configuration>', `${defaults}</configuration>`);
    expect(byKey(schedule(parseCib(text(''))).actions, 'a_start_0')[0].timeoutMs).toBe(20_000);
    const withDefaults = text('<op_defaults><meta_attributes id="od"><nvpair id="od-t" name="timeout" value="90s"/></meta_attributes></op_defaults>');
    expect(byKey(schedule(parseCib(withDefaults)).actions, 'a_start_0')[0].timeoutMs).toBe(90_000);
  });

  it('leaves a healthy running resource alone, including a monitor recorded with a current digest', () => {
    const digest = operationDigest({}, 20_000);
    const t = schedule(parseCib(cluster({
      resources: '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="a-mon" name="monitor" interval="10s"/></operations></primitive>',
      lrm: { node1: lrm('a', op('a', 'start', { call: 2, digest: operationDigest({}) }), op('a', 'monitor', { interval: 10_000, call: 3, digest })), node2: probedStopped('a') },
    })));
    expect(t.summary).toEqual([]);
    expect(t.actions).toEqual([]);
  });

  it('re-schedules a monitor whose digest no longer matches the definition', () => {
    const t = schedule(parseCib(cluster({
      resources: '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="a-mon" name="monitor" interval="10s" timeout="30s"/></operations></primitive>',
      lrm: { node1: lrm('a', op('a', 'start', { call: 2 }), op('a', 'monitor', { interval: 10_000, call: 3, digest: operationDigest({}, 20_000) })), node2: probedStopped('a') },
    })));
    expect(t.summary).toEqual([]);
    expect(t.actions.map((a) => `${a.key}@${a.node}`)).toEqual(['a_monitor_10000@node1']);
  });

  it('never duplicates an operation that is still pending', () => {
    const pendingStart = op('a', 'start', { call: -1, status: -1, rc: 14 });
    const t = schedule(parseCib(cluster({ resources: '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>', lrm: { node1: lrm('a', pendingStart), node2: probedStopped('a') } })));
    expect(byKey(t.actions, 'a_start_0')).toEqual([]);
    expect(t.summary).toEqual([]);
  });

  it('recovers a failed resource in place and moves it after migration-threshold failures', () => {
    const failed = lrm('a', op('a', 'start', { call: 2 }), op('a', 'monitor', { interval: 10_000, call: 3, rc: 1 }));
    const base = { resources: '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="a-m"><nvpair id="a-m-mt" name="migration-threshold" value="2"/></meta_attributes></primitive>', lrm: { node1: failed, node2: probedStopped('a') } };
    expect(schedule(parseCib(cluster(base))).summary).toEqual(['* Recover    a        ( node1 )']);
    const twice = cluster(base).replace('<lrm id="1">', '<transient_attributes id="1"><instance_attributes id="s1"><nvpair id="s1-fc" name="fail-count-a#monitor_10000" value="2"/></instance_attributes></transient_attributes><lrm id="1">');
    expect(schedule(parseCib(twice)).summary).toEqual(['* Recover    a        ( node1 -> node2 )']);
  });

  it('live-migrates an allow-migrate resource off a standby node with migrate_to/migrate_from', () => {
    const text = cluster({
      resources: '<primitive id="vm" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="vm-m"><nvpair id="vm-m-am" name="allow-migrate" value="true"/></meta_attributes></primitive>',
      lrm: { node1: lrm('vm', op('vm', 'start', { call: 2 })), node2: probedStopped('vm') },
    }).replace('<node id="1" uname="node1"/>', '<node id="1" uname="node1"><instance_attributes id="n1"><nvpair id="n1-sb" name="standby" value="on"/></instance_attributes></node>');
    const t = schedule(parseCib(text));
    expect(t.summary).toEqual(['* Migrate    vm       ( node1 -> node2 )']);
    const [to] = byKey(t.actions, 'vm_migrate_to_0', 'node1');
    const [from] = byKey(t.actions, 'vm_migrate_from_0', 'node2');
    expect(to.meta).toMatchObject({ migrate_source: 'node1', migrate_target: 'node2' });
    expect(from.after).toContain(to.id);
    const [stop] = byKey(t.actions, 'vm_stop_0', 'node1');
    expect(stop.after).toContain(from.id);
  });

  it('orders a group: members start in order and stop in reverse', () => {
    const t = schedule(parseCib(cluster({
      resources: '<group id="g"><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></group>',
      lrm: { node1: probedStopped('a') + probedStopped('b'), node2: probedStopped('a') + probedStopped('b') },
    })));
    expect(t.summary).toEqual(['* Start      a        ( node1 )', '* Start      b        ( node1 )']);
    const [a] = byKey(t.actions, 'a_start_0');
    const [b] = byKey(t.actions, 'b_start_0');
    expect(b.after).toContain(a.id);
  });

  it('gives clone instances clone meta attributes', () => {
    const t = schedule(parseCib(cluster({ resources: '<clone id="c"><primitive id="p" class="ocf" provider="pacemaker" type="ping"/></clone>', lrm: { node1: probedStopped('p'), node2: probedStopped('p') } })));
    expect(t.summary.sort()).toEqual(['* Start      p:0      ( node1 )', '* Start      p:1      ( node2 )']);
    expect(byKey(t.actions, 'p:1_start_0')[0].meta).toMatchObject({ clone_max: '2', clone_node_max: '1', clone: '1', globally_unique: 'false' });
  });

  it('stops everything without quorum when no-quorum-policy=stop', () => {
    const text = cluster({ resources: '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>', lrm: { node1: lrm('a', op('a', 'start', { call: 2 })), node2: probedStopped('a') } }).replace('have-quorum="1"', 'have-quorum="0"');
    expect(schedule(parseCib(text)).summary).toEqual(['* Stop       a        ( node1 )  due to no quorum']);
  });

  it('describes the cluster for status views', () => {
    const d = describeCluster(parseCib(cluster({ resources: '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>', lrm: { node1: lrm('a', op('a', 'start', { call: 2 }), op('a', 'monitor', { interval: 10_000, call: 3, rc: 1 })) }, nodes: ['node1', 'node2'] })));
    expect(d.nodes).toEqual([{ name: 'node1', state: 'online' }, { name: 'node2', state: 'online' }]);
    expect(d.resources[0]).toMatchObject({ id: 'a', role: 'Started', nodes: ['node1'], failed: true });
    expect(d.failedActions).toEqual([expect.objectContaining({ resource: 'a', operation: 'a_monitor_10000', node: 'node1', rc: 1 })]);
  });

  it("does not pull a primary towards a node its anti-colocated dependent's own dependent is banned from", () => {
    const t = schedule(parseCib(cluster({
      resources: ['a', 'b', 'c'].map((id) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`).join(''),
      constraints: `<rsc_colocation id="b-not-with-a" rsc="b" with-rsc="a" score="-5000"/><rsc_colocation id="c-with-b" rsc="c" with-rsc="b" score="INFINITY"/>
        <rsc_location id="c-not-n1" rsc="c" node="node1" score="-INFINITY"/>`,
      lrm: { node1: ['a', 'b', 'c'].map(probedStopped).join(''), node2: lrm('a', op('a', 'start')) + probedStopped('b') + probedStopped('c') },
    })));
    // -5000/INFINITY times c's -INFINITY on node1 would be a +5000 preference for node1: Pacemaker skips it, a stays.
    expect(t.summary.filter((l) => /\ba\b/.test(l))).toEqual([]);
  });

  it('rolls back an optional colocation that would leave no usable node; of two with one primary the later applies first', () => {
    const prim = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;
    const summary = (nodes: string[], constraints: string) => schedule(parseCib(cluster({
      nodes, resources: prim('a') + prim('b'), constraints,
      lrm: { node1: lrm('a', op('a', 'start')) + lrm('b', op('b', 'start', { call: 2 })) },
    }))).summary;
    const stopB = ['* Stop       b        ( node1 )  due to node availability'];
    const col = (id: string, score: string) => `<rsc_colocation id="${id}" rsc="b" with-rsc="a" score="${score}"/>`;
    // -100 on the only node would make b unrunnable: Pacemaker ignores that preference instead.
    expect(summary(['node1'], col('c', '-100'))).toEqual([]);
    expect(summary(['node1'], col('c', '-INFINITY'))).toEqual(stopB);
    // Later -100 first (node2 still usable, kept), then INFINITY bans node2: b stops. In the other order
    // the -100 finds only node1 left and is rolled back: b stays (both checked with crm_simulate).
    expect(summary(['node1', 'node2'], col('c1', 'INFINITY') + col('c2', '-100'))).toEqual(stopB);
    expect(summary(['node1', 'node2'], col('c2', '-100') + col('c1', 'INFINITY'))).toEqual([]);
  });
});

describe('orphans (history without configuration)', () => {
  const orphanCluster = (props = '') => cluster({
    props,
    resources: '<primitive id="keep" class="ocf" provider="heartbeat" type="Dummy"/>',
    lrm: {
      node1: lrm('keep', op('keep', 'start')) + lrm('gone', op('gone', 'start', { call: 2 }), op('gone', 'monitor', { interval: 10_000, call: 3 })) + lrm('old', op('old', 'stop', { call: 4 })),
      node2: probedStopped('keep') + probedStopped('gone'),
    },
  });

  it('stops an active orphan, then deletes its history on every node that has one', () => {
    const t = schedule(parseCib(orphanCluster()));
    expect(t.summary).toEqual(['* Stop       gone     ( node1 )  due to node availability']);
    const [stop] = byKey(t.actions, 'gone_stop_0', 'node1');
    expect(stop).toMatchObject({ kind: 'resource', agent: { class: 'ocf', provider: 'heartbeat', type: 'Dummy' } });
    const deletes = t.actions.filter((a) => a.operation === 'delete');
    expect(deletes.map((a) => `${a.resource}@${a.node}`).sort()).toEqual(['gone@node1', 'gone@node2', 'old@node1']);
    expect(deletes.every((a) => a.kind === 'cluster')).toBe(true);
    expect(byKey(t.actions, 'gone_delete_0', 'node1')[0].after).toEqual([stop.id]);
    // An orphan is never probed or started.
    expect(t.actions.filter((a) => a.resource === 'gone' && a.operation !== 'stop' && a.operation !== 'delete')).toEqual([]);
    const d = describeCluster(parseCib(orphanCluster()));
    expect(d.resources.map((r) => [r.id, r.orphaned ?? false])).toEqual([['keep', false], ['gone', true]]);
  });

  it('leaves orphans alone with stop-orphan-resources=false', () => {
    const t = schedule(parseCib(orphanCluster('<nvpair id="o2" name="stop-orphan-resources" value="false"/>')));
    expect(t.summary).toEqual([]);
    expect(t.actions.filter((a) => a.resource === 'gone' || a.resource === 'old')).toEqual([]);
  });
});

describe('probes', () => {
  it('starts no clone instance before every probe of the clone has answered', () => {
    const t = schedule(parseCib(cluster({
      resources: '<clone id="c"><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>',
    })));
    const probes = t.actions.filter((a) => a.probe).map((a) => a.id);
    expect(probes).toHaveLength(2);
    const starts = t.actions.filter((a) => a.operation === 'start' && a.kind === 'resource');
    expect(starts.map((a) => a.node).sort()).toEqual(['node1', 'node2']);
    // Every instance start waits for both probes, whichever node it runs on.
    for (const s of starts) expect(s.after).toEqual(expect.arrayContaining(probes));
  });
});

describe('clone failures with colocated dependents', () => {
  it('bans a storage clone instance at migration-threshold and moves the VM colocated with it', () => {
    const storage = (extra: string) => lrm('storage', op('storage', 'start'), extra);
    const text = cluster({
      resources: `<clone id="storage-clone"><meta_attributes id="sc-m"><nvpair id="sc-m-mt" name="migration-threshold" value="1"/></meta_attributes>
          <primitive id="storage" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="st-mon" name="monitor" interval="10s"/></operations></primitive></clone>
        <primitive id="vm1" class="ocf" provider="heartbeat" type="Dummy"/>`,
      constraints: `<rsc_colocation id="vm1-with-storage" rsc="vm1" with-rsc="storage-clone" score="INFINITY"/>
        <rsc_order id="storage-then-vm1" first="storage-clone" then="vm1" kind="Mandatory"/>`,
      lrm: {
        node1: storage(op('storage', 'monitor', { interval: 10_000, call: 2, rc: 1 })) + lrm('vm1', op('vm1', 'start', { call: 3 })),
        node2: storage(op('storage', 'monitor', { interval: 10_000, call: 2 })) + probedStopped('vm1'),
      },
    }).replace('<lrm id="1">', '<transient_attributes id="1"><instance_attributes id="s1"><nvpair id="s1-fc" name="fail-count-storage#monitor_10000" value="1"/></instance_attributes></transient_attributes><lrm id="1">');
    const t = schedule(parseCib(text));
    // The healthy instance on node2 stays; the failed one stops instead of pushing it away (crm_simulate agrees).
    expect(t.summary).toEqual(['* Stop       storage:0 ( node1 )  due to node availability', '* Move       vm1      ( node1 -> node2 )']);
    const [startVm] = byKey(t.actions, 'vm1_start_0', 'node2');
    const [stopStorage] = byKey(t.actions, 'storage:0_stop_0', 'node1');
    const [stopVm] = byKey(t.actions, 'vm1_stop_0', 'node1');
    expect(stopStorage.after).toContain(stopVm.id);
    expect(startVm.after).toContain(stopVm.id);
  });
});

describe('partial migrations (migrate_to done, migrate_from never ran)', () => {
  const partial = (preferred: string) => cluster({
    resources: '<primitive id="vm" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="vm-m"><nvpair id="vm-m-am" name="allow-migrate" value="true"/></meta_attributes></primitive>',
    constraints: `<rsc_location id="vm-pref" rsc="vm" node="${preferred}" score="50"/>`,
    lrm: { node1: lrm('vm', op('vm', 'start'), op('vm', 'migrate_to', { call: 2, extra: 'migrate_source="node1" migrate_target="node2"' })), node2: probedStopped('vm') },
  });

  it('stops both copies and starts once when the target is no longer wanted', () => {
    const t = schedule(parseCib(partial('node1')));
    expect(t.summary).toEqual(['* Move       vm       ( node2 -> node1 )']);
    const stops = t.actions.filter((a) => a.operation === 'stop');
    expect(stops.map((a) => a.node).sort()).toEqual(['node1', 'node2']);
    const [start] = byKey(t.actions, 'vm_start_0', 'node1');
    expect(start.after).toEqual(expect.arrayContaining(stops.map((a) => a.id)));
    expect(t.actions.filter((a) => a.operation.startsWith('migrate'))).toEqual([]);
  });

  it('finishes the migration with migrate_from alone when the target is still wanted', () => {
    const t = schedule(parseCib(partial('node2')));
    expect(t.summary).toEqual(['* Migrate    vm       ( node1 -> node2 )']);
    expect(byKey(t.actions, 'vm_migrate_to_0')).toEqual([]);
    const [from] = byKey(t.actions, 'vm_migrate_from_0', 'node2');
    const [stop] = byKey(t.actions, 'vm_stop_0', 'node1');
    expect(stop.after).toContain(from.id);
  });
});

describe('evaluation time', () => {
  const xml = (executionDate: string) =>
    cluster({
      resources: '<primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/>',
      constraints: `<rsc_location id="before-2020" rsc="web"><rule id="r" score="100"><expression id="e" attribute="#uname" operation="eq" value="node2"/>
        <date_expression id="d" operation="lt" end="2020-01-01 00:00:00 +00:00"/></rule></rsc_location>`,
    }).replace('<cib ', `<cib ${executionDate} `);

  it("defaults to the CIB's execution-date (as crm_simulate does); an explicit time wins", () => {
    expect(schedule(parseCib(xml('execution-date="1568992252"'))).summary).toEqual(['* Start      web      ( node2 )']); // 2019-09-20
    expect(schedule(parseCib(xml(''))).summary).toEqual(['* Start      web      ( node1 )']); // now: the rule has expired
    expect(schedule(parseCib(xml('execution-date="1568992252"')), { now: new Date('2026-01-01T00:00:00Z') }).summary).toEqual(['* Start      web      ( node1 )']);
  });
});

describe('failure history and blocking (Pacemaker semantics, verified with crm_simulate on regression-derived CIBs)', () => {
  const dummy = (id: string, extra = '') => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${extra}</primitive>`;
  const withFailCount = (text: string, node: number, name: string) =>
    text.replace(`<lrm id="${node}">`, `<transient_attributes id="${node}"><instance_attributes id="s${node}"><nvpair id="s${node}-fc" name="${name}" value="1"/></instance_attributes></transient_attributes><lrm id="${node}">`);

  it('clears a recurring monitor failure that a newer result of the same monitor supersedes', () => {
    // A recurring monitor's results share one call id: the newer last-rc-change decides.
    const history = (successAt: number) => cluster({
      resources: dummy('d', '<operations><op id="d-mon" name="monitor" interval="10s"/></operations>'),
      lrm: {
        node1: lrm('d', op('d', 'start', { call: 2 }), op('d', 'monitor', { interval: 10_000, call: 3, extra: `last-rc-change="${successAt}"` }),
          '<lrm_rsc_op id="d_last_failure_0" operation_key="d_monitor_10000" operation="monitor" call-id="3" rc-code="1" op-status="0" interval="10000" last-rc-change="100"/>'),
        node2: probedStopped('d'),
      },
    });
    expect(schedule(parseCib(history(200))).summary).toEqual([]);
    expect(schedule(parseCib(history(50))).summary).toEqual(['* Recover    d        ( node1 )']);
  });

  it("counts an anonymous clone instance's numbered fail-count (fail-count-<id>:<n>) towards migration-threshold", () => {
    const text = (name: string) => withFailCount(cluster({
      resources: `<clone id="c"><meta_attributes id="c-m"><nvpair id="c-m-mt" name="migration-threshold" value="1"/></meta_attributes>${dummy('p')}</clone>`,
      lrm: { node1: lrm('p', op('p', 'start')), node2: lrm('p', op('p', 'start')) },
    }), 1, name);
    expect(schedule(parseCib(text('fail-count-p:0'))).summary).toEqual(['* Stop       p:0      ( node1 )  due to node availability']);
    expect(schedule(parseCib(text('fail-count-q:0'))).summary).toEqual([]);
  });

  it('hosts no mandatory dependent of a clone on a blocked instance, but keeps one of a blocked primitive', () => {
    const blockedMonitor = '<operations><op id="%-mon" name="monitor" interval="10s" on-fail="block"/></operations>';
    const failedThere = (id: string) => lrm(id, op(id, 'start', { call: 2 }), op(id, 'monitor', { interval: 10_000, call: 3, rc: 1 }));
    const clone = cluster({
      resources: `<clone id="c"><meta_attributes id="c-m"><nvpair id="c-m-max" name="clone-max" value="1"/></meta_attributes>${dummy('p', blockedMonitor.replace('%', 'p'))}</clone>${dummy('dep')}`,
      constraints: '<rsc_colocation id="dep-with-c" rsc="dep" with-rsc="c" score="INFINITY"/>',
      lrm: { node1: failedThere('p') + lrm('dep', op('dep', 'start')), node2: probedStopped('p') + probedStopped('dep') },
    });
    expect(schedule(parseCib(clone)).summary).toEqual(['* Stop       dep      ( node1 )  due to node availability']);
    const primitive = cluster({
      resources: dummy('a', blockedMonitor.replace('%', 'a')) + dummy('dep'),
      constraints: '<rsc_colocation id="dep-with-a" rsc="dep" with-rsc="a" score="INFINITY"/>',
      lrm: { node1: failedThere('a') + lrm('dep', op('dep', 'start')), node2: probedStopped('a') + probedStopped('dep') },
    });
    expect(schedule(parseCib(primitive)).summary).toEqual([]);
  });

  it('calls off a live migration after a mandatory first that must stop, not after one that only starts', () => {
    const text = (firstRunning: boolean) => cluster({
      resources: dummy('a') + dummy('b', '<meta_attributes id="b-m"><nvpair id="b-m-am" name="allow-migrate" value="true"/></meta_attributes>'),
      constraints: `<rsc_order id="a-then-b" first="a" then="b"/><rsc_location id="a-n2" rsc="a" node="node2" score="INFINITY"/><rsc_location id="b-n1" rsc="b" node="node1" score="INFINITY"/>`,
      lrm: { node1: (firstRunning ? lrm('a', op('a', 'start')) : probedStopped('a')) + probedStopped('b'), node2: probedStopped('a') + lrm('b', op('b', 'start')) },
    });
    expect(schedule(parseCib(text(true))).summary).toEqual(['* Move       a        ( node1 -> node2 )', '* Move       b        ( node2 -> node1 )  due to unrunnable a stop']);
    expect(schedule(parseCib(text(false))).summary).toEqual(['* Start      a        ( node2 )', '* Migrate    b        ( node2 -> node1 )']);
  });
});

describe('failed probes and expired failures', () => {
  const dummy = (id: string, meta = '') => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${meta}</primitive>`;
  const prefer1 = (rsc: string) => `<rsc_location id="${rsc}-pref" rsc="${rsc}" node="node1" score="100"/>`;

  it('a hard error (insufficient privileges) found by a probe is a failure to recover away from the node', () => {
    const t = schedule(parseCib(cluster({ resources: dummy('a'), constraints: prefer1('a'), lrm: { node1: lrm('a', op('a', 'monitor', { rc: 4 })), node2: probedStopped('a') } })));
    expect(t.summary).toEqual(['* Recover    a        ( node1 -> node2 )']);
  });

  it('a probe finding invalid parameters only means "not running here": nothing to stop, the node is banned', () => {
    const t = schedule(parseCib(cluster({ resources: dummy('a'), constraints: prefer1('a'), lrm: { node1: lrm('a', op('a', 'monitor', { rc: 2 })), node2: probedStopped('a') } })));
    expect(t.summary).toEqual(['* Start      a        ( node2 )']);
  });

  it('a probe finding an anonymous clone not installed bans every instance from the node', () => {
    const t = schedule(parseCib(cluster({ resources: `<clone id="c">${dummy('a')}</clone>`, lrm: { node1: lrm('a', op('a', 'monitor', { rc: 5 })) } })));
    expect(t.summary).toEqual(['* Start      a:0      ( node2 )']);
  });

  it('ignores a one-off failure older than failure-timeout (without a fail count), and keeps a fresh one', () => {
    const meta = '<meta_attributes id="a-m"><nvpair id="a-m1" name="failure-timeout" value="60s"/></meta_attributes>';
    const at = (secondsAgo: number) => `last-rc-change="${Math.floor(Date.now() / 1000) - secondsAgo}"`;
    const text = (secondsAgo: number) => cluster({ resources: dummy('a', meta), constraints: prefer1('a'), lrm: {
      node1: lrm('a', op('a', 'monitor', { rc: 2, extra: at(secondsAgo) })), node2: probedStopped('a') } });
    expect(schedule(parseCib(text(3600))).summary).toEqual(['* Start      a        ( node1 )']);
    expect(schedule(parseCib(text(5))).summary).toEqual(['* Start      a        ( node2 )']);
  });
});

describe('multiple-active policies', () => {
  const policy = (id: string, value: string) => `<meta_attributes id="${id}-ma"><nvpair id="${id}-ma1" name="multiple-active" value="${value}"/></meta_attributes>`;
  const dummy = (id: string, meta = '') => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${meta}</primitive>`;
  const digest = operationDigest({});
  const started = (rsc: string, rc = 0) => lrm(rsc, op(rsc, 'start', { rc, digest }));
  const prefer1 = (rsc: string) => `<rsc_location id="${rsc}-pref" rsc="${rsc}" node="node1" score="100"/>`;
  const stopNodes = (actions: Action[], rsc: string) => byKey(actions, `${rsc}_stop_0`).map((a) => a.node).sort();

  it('stop_unexpected stops only the copies away from the node the resource stays on, and keeps that one running', () => {
    const t = schedule(parseCib(cluster({ resources: dummy('a', policy('a', 'stop_unexpected')), constraints: prefer1('a'), lrm: { node1: started('a'), node2: started('a') } })));
    expect(t.summary).toEqual(['* Restart    a        ( node1 )']);
    expect(stopNodes(t.actions, 'a')).toEqual(['node2']);
    expect(byKey(t.actions, 'a_start_0')[0].kind).toBe('pseudo');
  });

  it('stop_unexpected names the reason when a stray copy failed, and stops a failed copy on the kept node too', () => {
    const text = (n1: number, n2: number) => cluster({ resources: dummy('a', policy('a', 'stop_unexpected')), constraints: prefer1('a'), lrm: { node1: started('a', n1), node2: started('a', n2) } });
    const strayFailed = schedule(parseCib(text(0, 1)));
    expect(strayFailed.summary).toEqual(['* Recover    a        ( node1 )  due to being multiply active']);
    expect(stopNodes(strayFailed.actions, 'a')).toEqual(['node2']);
    const keptFailed = schedule(parseCib(text(1, 0)));
    expect(keptFailed.summary).toEqual(['* Recover    a        ( node1 )']);
    expect(stopNodes(keptFailed.actions, 'a')).toEqual(['node1', 'node2']);
  });

  it('block on a group blocks every member when one is active on several nodes', () => {
    const group = (meta: string, memberMeta: string) => `<group id="g">${meta}${dummy('a', memberMeta)}${dummy('b')}</group>`;
    const text = (g: string) => cluster({ resources: g, constraints: prefer1('g'), lrm: { node1: started('a') + started('b'), node2: started('a') } });
    expect(schedule(parseCib(text(group(policy('g', 'block'), '')))).summary).toEqual([]);
    // Set on the member alone, only that member is blocked: the members after it stop.
    expect(schedule(parseCib(text(group('', policy('a', 'block'))))).summary).toEqual(['* Stop       b        ( node1 )  due to unrunnable a start']);
  });
});

describe('asymmetric orders', () => {
  it('an unrunnable first blocks a recovery in place of the then-resource, but not a healthy copy staying as it is', () => {
    const resources = `<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="a-m"><nvpair id="a-m1" name="target-role" value="Stopped"/></meta_attributes></primitive>
      <primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>`;
    const constraints = '<rsc_order id="a-then-b" first="a" then="b" kind="Mandatory" symmetrical="false"/>';
    const digest = operationDigest({});
    const healthy = lrm('b', op('b', 'start', { digest }));
    const failed = lrm('b', op('b', 'start', { digest }), op('b', 'monitor', { interval: 10_000, rc: 1, call: 2 }));
    expect(schedule(parseCib(cluster({ resources, constraints, lrm: { node1: healthy } }))).summary).toEqual([]);
    expect(schedule(parseCib(cluster({ resources, constraints, lrm: { node1: failed } }))).summary).toEqual(['* Stop       b        ( node1 )  due to unrunnable a start']);
  });
});

describe('private parameters', () => {
  it('a definition differing from the recorded one only in a private (masked) parameter restarts nothing', () => {
    const recorded = operationDigest({ ip: '10.0.0.1', passwd: 'secret' });
    const secure = operationDigest({ ip: '10.0.0.1' });
    const text = (ip: string) => cluster({
      resources: `<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="a-ia"><nvpair id="a-ip" name="ip" value="${ip}"/><nvpair id="a-pw" name="passwd" value="****"/></instance_attributes></primitive>`,
      lrm: { node1: lrm('a', op('a', 'start', { digest: recorded, extra: `op-secure-params=" passwd " op-secure-digest="${secure}"` })) },
    });
    expect(schedule(parseCib(text('10.0.0.1'))).summary).toEqual([]);
    expect(schedule(parseCib(text('10.0.0.2'))).summary).toEqual(['* Restart    a        ( node1 )  due to resource definition change']);
  });
});

describe('on-fail=ignore', () => {
  it('a resource whose failures are ignored stays put even past migration-threshold', () => {
    const failed = lrm('a', op('a', 'start', { call: 2, digest: operationDigest({}) }), op('a', 'monitor', { interval: 10_000, call: 3, rc: 1 }));
    const text = (onFail: string) => cluster({
      resources: `<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="a-m"><nvpair id="a-m-mt" name="migration-threshold" value="2"/></meta_attributes>
        <operations><op id="a-mon" name="monitor" interval="10s" on-fail="${onFail}"/></operations></primitive>`,
      lrm: { node1: failed, node2: probedStopped('a') },
    }).replace('<lrm id="1">', '<transient_attributes id="1"><instance_attributes id="s1"><nvpair id="s1-fc" name="fail-count-a" value="2"/></instance_attributes></transient_attributes><lrm id="1">');
    expect(schedule(parseCib(text('ignore'))).summary).toEqual([]);
    expect(schedule(parseCib(text('restart'))).summary).toEqual(['* Recover    a        ( node1 -> node2 )']);
  });
});

describe('colocation by node attribute', () => {
  it("places the primary where the dependent can follow it by attribute value, not by node name", () => {
    const nodes = ['node1', 'node2', 'node3', 'node4'];
    const text = cluster({
      nodes,
      resources: '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>',
      constraints: `<rsc_location id="a-not-2" rsc="a" node="node2" score="-INFINITY"/><rsc_location id="a-not-4" rsc="a" node="node4" score="-INFINITY"/>
        <rsc_location id="b-not-1" rsc="b" node="node1" score="-INFINITY"/><rsc_location id="b-not-2" rsc="b" node="node2" score="-INFINITY"/>
        <rsc_location id="b-not-3" rsc="b" node="node3" score="-INFINITY"/><rsc_colocation id="b-with-a" rsc="b" with-rsc="a" node-attribute="site" score="INFINITY"/>`,
    }).replace(/<node id="(\d)" uname="node\d"\/>/g, (_m, i: string) =>
      `<node id="${i}" uname="node${i}"><instance_attributes id="n${i}-a"><nvpair id="n${i}-site" name="site" value="${Number(i) <= 2 ? 'x' : 'y'}"/></instance_attributes></node>`);
    expect(schedule(parseCib(text)).summary).toEqual(['* Start      a        ( node3 )', '* Start      b        ( node4 )']);
  });
});

describe('orderings between clones', () => {
  const dummy = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;
  const clone = (id: string, body: string, meta = '') => `<clone id="${id}"><meta_attributes id="${id}-m">${meta}</meta_attributes>${body}</clone>`;
  const interleave = (id: string) => `<nvpair id="${id}-il" name="interleave" value="true"/>`;
  const stopped = (id: string) => `<nvpair id="${id}-tr" name="target-role" value="Stopped"/>`;
  const after = (first: string, then: string) => `<rsc_order id="${first}-then-${then}" first="${first}" then="${then}"/>`;

  it('inhibits an interleaved instance whose first instance is itself inhibited, down a chain behind a disabled clone', () => {
    const t = schedule(parseCib(cluster({
      resources: clone('a-clone', dummy('a'), stopped('a')) + clone('b-clone', dummy('b'), interleave('b')) + clone('c-clone', dummy('c'), interleave('c')),
      constraints: after('a-clone', 'b-clone') + after('b-clone', 'c-clone'),
      lrm: { node1: ['a', 'b', 'c'].map(probedStopped).join(''), node2: ['a', 'b', 'c'].map(probedStopped).join('') },
    })));
    // Neither b nor c can have an instance paired with one of a: nothing starts, not even as "(blocked)".
    expect(t.summary).toEqual([]);
  });

  it('stops (does not restart) a cloned group ordered after a clone whose instances cannot start', () => {
    const running = (...ids: string[]) => ids.map((id) => lrm(id, op(id, 'start'))).join('');
    const t = schedule(parseCib(cluster({
      resources: clone('q-clone', dummy('q'), stopped('q')) + clone('k-clone', dummy('k')) + clone('g-clone', `<group id="g">${dummy('m1')}${dummy('m2')}</group>`),
      constraints: after('q-clone', 'k-clone') + after('k-clone', 'g-clone'),
      lrm: { node1: running('q', 'k', 'm1', 'm2'), node2: running('q', 'k', 'm1', 'm2') },
    })));
    const changes = t.summary.map((l) => l.split(/\s+/).slice(1, 3).join(' '));
    expect(changes.filter((c) => /^\S+ (m1|m2):/.test(c)).sort()).toEqual(['Stop m1:0', 'Stop m1:1', 'Stop m2:0', 'Stop m2:1']);
  });

  it('maps anonymous clone histories to free instances, and copies beyond clone-node-max on a node to extra instances that stop', () => {
    // Three copies active on node1 (recorded as d:0, d:1 and d), clone-node-max 1: d:0 stays, the other two are
    // one too many there (extra instances d:2, d:3, stopped) and d:1 starts on node2 (as crm_simulate 2.1.5 does).
    const started = (id: string) => lrm(id, op(id, 'start'));
    const t = schedule(parseCib(cluster({
      resources: `<clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="clone-node-max" value="1"/><nvpair id="cm2" name="clone-max" value="2"/></meta_attributes>
        <primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>`,
      lrm: { node1: started('d:0') + started('d:1') + started('d') },
    })));
    expect(t.summary).toEqual(['* Start      d:1      ( node2 )', '* Stop       d:2      ( node1 )  due to node availability', '* Stop       d:3      ( node1 )  due to node availability']);
  });

  it('runs one instance of an anonymous clone per node whatever clone-node-max says; a second copy on a node is an orphan to stop', () => {
    // Expected summaries are crm_simulate 2.1.5's for the same CIBs: it ignores clone-node-max for anonymous clones.
    const started = (id: string) => lrm(id, op(id, 'start'));
    const meta = (nodeMax: number, max: number) => `<meta_attributes id="cm"><nvpair id="cm1" name="clone-node-max" value="${nodeMax}"/><nvpair id="cm2" name="clone-max" value="${max}"/></meta_attributes>`;
    const dummyClone = (nodeMax: number, max: number) => `<clone id="c">${meta(nodeMax, max)}<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>`;
    const run = (resources: string, node1 = '') => schedule(parseCib(cluster({ resources, lrm: node1 ? { node1 } : {} }))).summary;
    expect(run(dummyClone(2, 4))).toEqual(['* Start      d:0      ( node1 )', '* Start      d:1      ( node2 )']);
    expect(run(dummyClone(2, 2), started('d:0') + started('d:1'))).toEqual(['* Start      d:1      ( node2 )', '* Stop       d:2      ( node1 )  due to node availability']);
    const groupClone = `<clone id="c">${meta(2, 2)}<group id="g"><primitive id="m1" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="m2" class="ocf" provider="heartbeat" type="Dummy"/></group></clone>`;
    expect(run(groupClone, started('m1:0') + started('m2:0') + started('m1:1') + started('m2:1'))).toEqual([
      '* Start      m1:1     ( node2 )', '* Start      m2:1     ( node2 )',
      '* Stop       m1:2     ( node1 )  due to node availability', '* Stop       m2:2     ( node1 )  due to node availability',
    ]);
  });
});
