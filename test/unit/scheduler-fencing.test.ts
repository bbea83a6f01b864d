import { describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { schedule, type ScheduleOptions } from '../../daemon/scheduler/index.js';

type Node2 = 'lost' | 'online' | 'offline';

const NODE2_STATE: Record<Node2, string> = {
  lost: 'in_ccm="false" crmd="offline" join="down" expected="member"',
  online: 'in_ccm="true" crmd="online" join="member" expected="member"',
  offline: 'in_ccm="false" crmd="offline" join="down" expected="down"',
};

const started = (rsc: string, call: number) =>
  `<lrm_resource id="${rsc}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" transition-key="1:1:0:t" transition-magic="0:0;1:1:0:t" call-id="${call}" rc-code="0" op-status="0" interval="0"/></lrm_resource>`;
const stopFailed = (rsc: string) =>
  `<lrm_resource id="${rsc}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${rsc}_last_failure_0" operation_key="${rsc}_stop_0" operation="stop" transition-key="1:1:0:t" transition-magic="0:1;1:1:0:t" call-id="3" rc-code="1" op-status="0" interval="0"/></lrm_resource>`;

/** Three nodes; rsc1 and rsc2 active on node2, whose state varies. Facts checked against crm_simulate 2.1.5. */
function cib(o: { node2: Node2; device?: boolean; quorum?: boolean; props?: string; rsc1?: string }): string {
  const node = (id: string, state: string, lrm = '') => `<node_state id="${id}" uname="${id}" ${state}><lrm id="${id}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
  return `<cib epoch="1" admin_epoch="0" num_updates="1" have-quorum="${o.quorum === false ? 0 : 1}"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="true"/>${o.props ?? ''}</cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/><node id="node3" uname="node3"/></nodes>
    <resources>${o.device === false ? '' : '<primitive id="fencer" class="stonith" type="fence_dummy"/>'}
      <primitive id="rsc1" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="rsc2" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints/></configuration><status>
    ${node('node1', NODE2_STATE.online)}${node('node2', NODE2_STATE[o.node2], (o.rsc1 ?? started('rsc1', 1)) + started('rsc2', 2))}${node('node3', NODE2_STATE.online)}
  </status></cib>`;
}

const run = (xml: string, options: ScheduleOptions = {}) => schedule(parseCib(xml), { now: new Date('2026-01-01T00:00:00Z'), ...options });
const normalized = (lines: string[]) => lines.map((l) => l.replace(/\s+/g, ' ')).sort();

describe('fencing', () => {
  it('fences a lost node; its resources are stopped by the fence (pseudo stops after it) and start elsewhere after that', () => {
    const t = run(cib({ node2: 'lost' }));
    expect(normalized(t.summary)).toEqual(normalized([
      "* Fence (reboot) node2 'peer is no longer part of the cluster'",
      '* Start fencer ( node1 )',
      '* Move rsc1 ( node2 -> node3 )',
      '* Move rsc2 ( node2 -> node1 )',
    ]));
    const fence = t.actions.find((a) => a.kind === 'fence')!;
    expect(fence).toMatchObject({ node: 'node2', operation: 'reboot' });
    for (const rsc of ['rsc1', 'rsc2']) {
      const stop = t.actions.find((a) => a.resource === rsc && a.operation === 'stop')!;
      expect(stop.kind).toBe('pseudo');
      expect(stop.after).toContain(fence.id);
      const start = t.actions.find((a) => a.resource === rsc && a.operation === 'start')!;
      expect(start.node).not.toBe('node2');
      expect(start.after).toContain(stop.id);
    }
  });

  it('fences a node where a stop failed (on-fail defaults to fence) with that reason and the configured stonith-action', () => {
    const t = run(cib({ node2: 'online', rsc1: stopFailed('rsc1'), props: '<nvpair id="o2" name="stonith-action" value="poweroff"/>' }));
    expect(t.summary.map((l) => l.replace(/\s+/g, ' '))).toContain("* Fence (off) node2 'rsc1 failed there'");
    expect(normalized(t.summary).filter((l) => !l.startsWith('* Fence'))).toEqual(['* Move rsc2 ( node2 -> node1 )', '* Recover rsc1 ( node2 -> node3 )', '* Start fencer ( node1 )']);
  });

  it('fences a cleanly offline node whose history still shows a resource active', () => {
    const t = run(cib({ node2: 'offline' }));
    expect(t.summary.map((l) => l.replace(/\s+/g, ' '))).toContain("* Fence (reboot) node2 'rsc1 is thought to be active there'");
  });

  it('without quorum a lost node cannot be fenced: no fence, and its stops are blocked', () => {
    const t = run(cib({ node2: 'lost', quorum: false }));
    expect(t.actions.some((a) => a.kind === 'fence')).toBe(false);
    expect(normalized(t.summary)).toEqual(normalized([
      '* Start fencer ( node1 ) due to no quorum (blocked)',
      '* Stop rsc1 ( node2 ) due to no quorum (blocked)',
      '* Stop rsc2 ( node2 ) due to no quorum (blocked)',
    ]));
  });

  it('fencing enabled without a device leaves every resource alone; lease-based fencing counts as a device', () => {
    const none = run(cib({ node2: 'lost', device: false }));
    expect(none.summary).toEqual([]);
    expect(none.actions.filter((a) => !a.probe)).toEqual([]);
    const lease = run(cib({ node2: 'lost', device: false }), { leaseFencing: true });
    expect(lease.actions.filter((a) => a.kind === 'fence').map((a) => a.node)).toEqual(['node2']);
    expect(normalized(lease.summary)).toEqual(normalized([
      "* Fence (reboot) node2 'peer is no longer part of the cluster'",
      '* Move rsc1 ( node2 -> node1 )',
      '* Move rsc2 ( node2 -> node3 )',
    ]));
  });

  it('watchdog self-fencing (have-watchdog=true, SBD) counts as a fencing device', () => {
    const t = run(cib({ node2: 'lost', device: false, props: '<nvpair id="o2" name="have-watchdog" value="true"/>' }));
    expect(t.summary.map((l) => l.replace(/\s+/g, ' '))).toContain("* Fence (reboot) node2 'peer is no longer part of the cluster'");
  });

  it('with fencing disabled an offline node is never fenced and its history is not trusted', () => {
    const t = run(cib({ node2: 'lost', props: '' }).replace('name="stonith-enabled" value="true"', 'name="stonith-enabled" value="false"'));
    expect(t.actions.some((a) => a.kind === 'fence')).toBe(false);
    expect(normalized(t.summary)).toEqual(normalized(['* Start fencer ( node1 )', '* Start rsc1 ( node3 )', '* Start rsc2 ( node1 )']));
  });
});
