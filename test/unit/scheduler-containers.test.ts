import { describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { schedule } from '../../daemon/scheduler/index.js';
import { operationDigest } from '../../daemon/cib/op-digest.js';

/** op-digest of a Dummy without parameters (a history without one would count as a changed definition) */
const DIGEST = operationDigest({});
const op = (rsc: string, name: string, call: number, rc = 0, interval = 0) =>
  `<lrm_rsc_op id="${rsc}_${name}_${interval}" operation_key="${rsc}_${name}_${interval}" operation="${name}" transition-key="1:1:0:t" transition-magic="0:${rc};1:1:0:t" call-id="${call}" rc-code="${rc}" op-status="0" interval="${interval}" op-digest="${DIGEST}"/>`;
const lrm = (rsc: string, ops: string) => `<lrm_resource id="${rsc}" class="ocf" provider="heartbeat" type="Dummy">${ops}</lrm_resource>`;

/** container1 and rsc1 (meta container=container1); rsc1 prefers node2, container1 node1. `history` is node1's lrm. */
function cib(history = ''): string {
  const node = (id: string, body = '') =>
    `<node_state id="${id}" uname="${id}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${id}"><lrm_resources>${body}</lrm_resources></lrm></node_state>`;
  return `<cib epoch="1" admin_epoch="0" num_updates="1" have-quorum="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources><primitive id="container1" class="ocf" provider="heartbeat" type="Dummy"/>
      <primitive id="rsc1" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="m"><nvpair id="m1" name="container" value="container1"/></meta_attributes>
        <operations><op id="rsc1-mon" name="monitor" interval="10s"/></operations></primitive></resources>
    <constraints><rsc_location id="c-n1" rsc="container1" node="node1" score="100"/><rsc_location id="r-n2" rsc="rsc1" node="node2" score="50"/></constraints>
  </configuration><status>${node('node1', history)}${node('node2')}</status></cib>`;
}

const summary = (xml: string) => schedule(parseCib(xml), { now: new Date('2026-01-01T00:00:00Z') }).summary.map((l) => l.replace(/\s+/g, ' ')).sort();

describe('containers (meta container=)', () => {
  it('a contained resource runs where its container runs', () => {
    expect(summary(cib())).toEqual(['* Start container1 ( node1 )', '* Start rsc1 ( node1 )']);
  });

  it("a contained resource's failure restarts its container", () => {
    const history = lrm('container1', op('container1', 'start', 1)) + lrm('rsc1', op('rsc1', 'start', 2) + op('rsc1', 'monitor', 3, 1, 10000));
    expect(summary(cib(history))).toEqual(['* Recover rsc1 ( node1 )', '* Restart container1 ( node1 )']);
  });
});
