import { describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { schedule } from '../../daemon/scheduler/index.js';

/** rsc1 prefers node1, whose #health-disk attribute is `colour`. */
function cib(strategy: string, colour: string, rscMeta = ''): string {
  const node = (id: string, attrs = '') =>
    `<node_state id="${id}" uname="${id}" in_ccm="true" crmd="online" join="member" expected="member">${attrs}</node_state>`;
  const health = `<transient_attributes id="node1"><instance_attributes id="node1-t"><nvpair id="node1-h" name="#health-disk" value="${colour}"/></instance_attributes></transient_attributes>`;
  return `<cib epoch="1" admin_epoch="0" num_updates="1" have-quorum="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/>
      <nvpair id="o2" name="node-health-strategy" value="${strategy}"/><nvpair id="o3" name="node-health-yellow" value="-200"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources><primitive id="rsc1" class="ocf" provider="heartbeat" type="Dummy">${rscMeta}</primitive></resources>
    <constraints><rsc_location id="l" rsc="rsc1" node="node1" score="100"/></constraints>
  </configuration><status>${node('node1', health)}${node('node2')}</status></cib>`;
}

const placed = (xml: string) => schedule(parseCib(xml), { now: new Date('2026-01-01T00:00:00Z') }).summary.map((l) => l.replace(/\s+/g, ' '));

describe('node health', () => {
  it('migrate-on-red bans a red node, ignores yellow; progressive uses the configured colour scores', () => {
    expect(placed(cib('migrate-on-red', 'red'))).toEqual(['* Start rsc1 ( node2 )']);
    expect(placed(cib('migrate-on-red', 'yellow'))).toEqual(['* Start rsc1 ( node1 )']);
    expect(placed(cib('only-green', 'yellow'))).toEqual(['* Start rsc1 ( node2 )']);
    expect(placed(cib('progressive', 'yellow'))).toEqual(['* Start rsc1 ( node2 )']); // 100 - 200 < 0
    expect(placed(cib('none', 'red'))).toEqual(['* Start rsc1 ( node1 )']);
  });

  it('allow-unhealthy-nodes=true keeps a resource free of a negative health score', () => {
    const meta = '<meta_attributes id="m"><nvpair id="m1" name="allow-unhealthy-nodes" value="true"/></meta_attributes>';
    expect(placed(cib('migrate-on-red', 'red', meta))).toEqual(['* Start rsc1 ( node1 )']);
  });
});
