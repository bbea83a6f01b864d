import { describe, it, expect } from 'vitest';
import { parseCib, writeCib } from '../../daemon/cib/index.js';
import { writeXml } from '../../daemon/cib/xml.js';
import { schedule } from '../../daemon/scheduler/index.js';

/** Constraints that name a tag or a template apply to every resource it stands for. */
function cib(constraints: string): string {
  return `<cib epoch="1" admin_epoch="0" num_updates="0" have-quorum="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>
      <template id="tpl" class="ocf" provider="pacemaker" type="Dummy"/>
      <primitive id="a" template="tpl"/><primitive id="b" template="tpl"/>
      <primitive id="c" class="ocf" provider="pacemaker" type="Dummy"/><primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>
    </resources>
    <constraints>${constraints}</constraints>
    <tags><tag id="cd"><obj_ref id="c"/><obj_ref id="d"/></tag></tags>
  </configuration><status>${['node1', 'node2'].map((n, i) => `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join('')}</status></cib>`;
}

const placed = (summary: string[]) => Object.fromEntries(summary.map((l) => /\* Start\s+(\S+)\s+\( (\S+) \)/.exec(l)!).map((m) => [m[1], m[2]]));

describe('tags and templates in constraints', () => {
  it('a location naming a tag places every tagged resource; one naming a template every primitive made from it', () => {
    const t = schedule(parseCib(cib('<rsc_location id="l1" rsc="cd" node="node2" score="100"/><rsc_location id="l2" rsc="tpl" node="node1" score="100"/>')));
    expect(placed(t.summary)).toEqual({ a: 'node1', b: 'node1', c: 'node2', d: 'node2' });
  });

  it('colocation and order with a tag bind each tagged resource to the other side', () => {
    const t = schedule(parseCib(cib('<rsc_location id="l" rsc="a" node="node2" score="100"/><rsc_colocation id="co" rsc="cd" with-rsc="a" score="INFINITY"/><rsc_order id="o" first="a" then="cd"/>')));
    expect(placed(t.summary)).toMatchObject({ a: 'node2', c: 'node2', d: 'node2' });
    const startA = t.actions.find((x) => x.key === 'a_start_0')!;
    for (const id of ['c', 'd']) expect(t.actions.find((x) => x.key === `${id}_start_0`)!.after).toContain(startA.id);
  });

  it('tags survive writing the CIB back', () => {
    const again = parseCib(writeXml(writeCib(parseCib(cib('')))));
    expect(again.configuration.tags).toEqual({ cd: ['c', 'd'] });
  });
  it('a colocation of a tag with a template is ignored, as Pacemaker does; the same as two sets binds them', () => {
    const ignored = schedule(parseCib(cib('<rsc_location id="l" rsc="a" node="node2" score="100"/><rsc_colocation id="co" rsc="cd" with-rsc="tpl" score="INFINITY"/>')));
    expect(placed(ignored.summary)).toEqual({ a: 'node2', b: 'node1', c: 'node1', d: 'node2' });
    const sets = '<rsc_colocation id="co" score="INFINITY"><resource_set id="s1" sequential="false"><resource_ref id="cd"/></resource_set><resource_set id="s2" sequential="false"><resource_ref id="tpl"/></resource_set></rsc_colocation>';
    const bound = schedule(parseCib(cib(`<rsc_location id="l" rsc="a" node="node2" score="100"/>${sets}`)));
    // As sets, each tagged resource must be with both a and b, which run apart: neither can start.
    expect(placed(bound.summary)).toEqual({ a: 'node2', b: 'node1' });
  });
});
