import { describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { schedule } from '../../daemon/scheduler/index.js';

const dummy = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;

function cib(constraints: string): string {
  const node = (id: string) => `<node_state id="${id}" uname="${id}" in_ccm="true" crmd="online" join="member" expected="member"/>`;
  return `<cib epoch="1" admin_epoch="0" num_updates="1" have-quorum="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources>${['rsc1', 'rsc2', 'rsc3'].map(dummy).join('')}</resources>
    <constraints>${constraints}</constraints>
    <tags><tag id="pair"><obj_ref id="rsc1"/><obj_ref id="rsc2"/></tag></tags>
  </configuration><status>${node('node1')}${node('node2')}</status></cib>`;
}

const summary = (xml: string) => schedule(parseCib(xml), { now: new Date('2026-01-01T00:00:00Z') }).summary.map((l) => l.replace(/\s+/g, ' ')).sort();

describe('tags in constraints', () => {
  it('a location on a tag applies to each tagged resource', () => {
    expect(summary(cib('<rsc_location id="l" rsc="pair" node="node2" score="100"/><rsc_location id="l3" rsc="rsc3" node="node1" score="100"/>'))).toEqual([
      '* Start rsc1 ( node2 )', '* Start rsc2 ( node2 )', '* Start rsc3 ( node1 )',
    ]);
  });

  it('a tag inside a resource set stands for its members; a colocation with a tag colocates each member', () => {
    const xml = cib(
      '<rsc_location id="l" node="node2" score="100"><resource_set id="s"><resource_ref id="pair"/></resource_set></rsc_location>' +
        '<rsc_colocation id="c" rsc="rsc3" with-rsc="pair" score="INFINITY"/>',
    );
    expect(summary(xml)).toEqual(['* Start rsc1 ( node2 )', '* Start rsc2 ( node2 )', '* Start rsc3 ( node2 )']);
  });
});
