import { describe, it, expect } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { schedule, type Action } from '../../daemon/scheduler/index.js';
import { expectedRc } from '../../daemon/controller/action-request.js';
import { OcfRc } from '../../daemon/executor/operation.js';
import { operationDigest } from '../../daemon/cib/op-digest.js';

/**
 * Promotable clones: which instance is promoted (promotion scores, promoted-max,
 * role=Promoted locations, tickets), the promote/demote actions the controller
 * runs, and the monitors of each role.
 */

interface NodeSpec {
  /** lrm_resource bodies */
  lrm?: string;
  /** transient node attributes, e.g. master-db */
  attrs?: Record<string, string>;
}

function cib(opts: { cloneMeta?: string; constraints?: string; nodes: Record<string, NodeSpec>; tickets?: string }): string {
  const names = Object.keys(opts.nodes);
  const states = names.map((n, i) => {
    const attrs = Object.entries(opts.nodes[n].attrs ?? {}).map(([k, v]) => `<nvpair id="s${i}-${k}" name="${k}" value="${v}"/>`).join('');
    return `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="${i + 1}"><instance_attributes id="ta${i + 1}">${attrs}</instance_attributes></transient_attributes>
      <lrm id="${i + 1}"><lrm_resources>${opts.nodes[n].lrm ?? ''}</lrm_resources></lrm></node_state>`;
  }).join('');
  return `<cib epoch="1" admin_epoch="0" num_updates="0" have-quorum="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${names.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('')}</nodes>
    <resources><clone id="db-clone"><meta_attributes id="cm"><nvpair id="cm1" name="promotable" value="true"/>${opts.cloneMeta ?? ''}</meta_attributes>
      <primitive id="db" class="ocf" provider="pacemaker" type="Stateful"><operations>
        <op id="db-mon-p" name="monitor" interval="10s" role="Promoted"/><op id="db-mon-u" name="monitor" interval="11s" role="Unpromoted"/>
      </operations></primitive></clone></resources>
    <constraints>${opts.constraints ?? ''}</constraints>
  </configuration><status>${states}${opts.tickets ?? ''}</status></cib>`;
}

// Recorded with the digest of the (empty) parameters, so that nothing counts as a changed definition.
const op = (rsc: string, name: string, call: number, rc = 0, interval = 0) =>
  `<lrm_rsc_op id="${rsc}_${name}_${interval}" operation_key="${rsc}_${name}_${interval}" operation="${name}" call-id="${call}" rc-code="${rc}" op-status="0" interval="${interval}" transition-key="1:1:${rc}:x" op-digest="${operationDigest({})}" crm_feature_set="3.16.2"/>`;
const history = (rsc: string, ...ops: string[]) => `<lrm_resource id="${rsc}" class="ocf" provider="pacemaker" type="Stateful">${ops.join('')}</lrm_resource>`;
const unpromoted = (rsc: string) => history(rsc, op(rsc, 'start', 2));
const promoted = (rsc: string) => history(rsc, op(rsc, 'start', 2), op(rsc, 'promote', 3));

const find = (actions: Action[], operation: string, node?: string, intervalMs = 0) =>
  actions.filter((a) => a.operation === operation && a.intervalMs === intervalMs && (node === undefined || a.node === node));

describe('promotable clones', () => {
  it('promotes the instance on the node with the highest promotion score; its monitor expects "running promoted"', () => {
    const t = schedule(parseCib(cib({
      nodes: { node1: { lrm: unpromoted('db:0'), attrs: { 'master-db': '5' } }, node2: { lrm: unpromoted('db:1'), attrs: { 'master-db': '10' } } },
    })));
    expect(t.summary).toEqual(['* Promote    db:1     ( Unpromoted -> Promoted node2 )']);
    const [promote] = find(t.actions, 'promote');
    expect(promote).toMatchObject({ kind: 'resource', node: 'node2', resource: 'db:1', agent: { type: 'Stateful' } });
    expect(expectedRc(promote)).toBe(OcfRc.Success);
    // The promoted-role monitor replaces the unpromoted one once the promote is done.
    const [mon] = find(t.actions, 'monitor', 'node2', 10_000);
    expect(mon.meta.role).toBe('Promoted');
    expect(mon.after).toContain(promote.id);
    expect(expectedRc(mon)).toBe(OcfRc.RunningPromoted);
    expect(find(t.actions, 'monitor', 'node1', 10_000)).toEqual([]);
  });

  it('without any promotion score or Promoted-role location nothing is promoted', () => {
    const t = schedule(parseCib(cib({ nodes: { node1: { lrm: unpromoted('db:0') }, node2: { lrm: unpromoted('db:1') } } })));
    expect(find(t.actions, 'promote')).toEqual([]);
    expect(t.summary).toEqual([]);
  });

  it('promotes at most promoted-max instances, starting and promoting a stopped one', () => {
    const t = schedule(parseCib(cib({
      cloneMeta: '<nvpair id="cm2" name="promoted-max" value="2"/>',
      nodes: { node1: { attrs: { 'master-db': '5' } }, node2: { attrs: { 'master-db': '10' } }, node3: { attrs: { 'master-db': '7' } } },
    })));
    expect([...t.summary].sort()).toEqual([
      '* Promote    db:0     ( Stopped -> Promoted node2 )',
      '* Promote    db:1     ( Stopped -> Promoted node3 )',
      '* Start      db:2     ( node1 )',
    ]);
    // Each promote waits for its instance's start.
    for (const p of find(t.actions, 'promote')) {
      const [start] = find(t.actions, 'start', p.node).filter((s) => s.resource === p.resource);
      expect(p.after).toContain(start.id);
    }
  });

  it('moves the promoted role: demote where a Promoted-role location forbids it, promote elsewhere (demote first)', () => {
    const t = schedule(parseCib(cib({
      constraints: '<rsc_location id="no-promoted-n1" rsc="db-clone" role="Promoted" node="node1" score="-INFINITY"/>',
      nodes: { node1: { lrm: promoted('db:0'), attrs: { 'master-db': '10' } }, node2: { lrm: unpromoted('db:1'), attrs: { 'master-db': '5' } } },
    })));
    expect([...t.summary].sort()).toEqual([
      '* Demote     db:0     ( Promoted -> Unpromoted node1 )',
      '* Promote    db:1     ( Unpromoted -> Promoted node2 )',
    ]);
    const [demote] = find(t.actions, 'demote', 'node1');
    const [promote] = find(t.actions, 'promote', 'node2');
    expect(promote.after).toContain(demote.id);
  });

  it('a ticket the Promoted role depends on, when revoked, demotes (loss-policy=demote) without stopping', () => {
    const t = schedule(parseCib(cib({
      constraints: '<rsc_ticket id="t" rsc="db-clone" rsc-role="Promoted" ticket="tA" loss-policy="demote"/>',
      tickets: '<tickets><ticket_state id="tA" granted="false"/></tickets>',
      nodes: { node1: { lrm: promoted('db:0'), attrs: { 'master-db': '10' } }, node2: { lrm: unpromoted('db:1'), attrs: { 'master-db': '5' } } },
    })));
    expect(t.summary).toEqual(['* Demote     db:0     ( Promoted -> Unpromoted node1 )']);
    expect(find(t.actions, 'stop')).toEqual([]);
  });
});
