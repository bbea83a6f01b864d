import { describe, it, expect } from 'vitest';
import { parseCib, writeCib, CibValidationError, CibReferenceError } from '../../daemon/cib/index.js';
import { XmlSyntaxError, parseXml, writeXml } from '../../daemon/cib/xml.js';

const cib = (resources: string, constraints = '', status = '') => `<cib validate-with="pacemaker-3.7" epoch="1" admin_epoch="0" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="opts"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>${resources}</resources>
    <constraints>${constraints}</constraints>
  </configuration>
  <status>${status}</status>
</cib>`;

const dummy = (id: string, extra = '') => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${extra}</primitive>`;

/** Parses and returns the thrown error (the test fails if nothing is thrown). */
function parseError(text: string): Error {
  try {
    parseCib(text, 'cib.xml');
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected parseCib to throw');
}

describe('parseCib: valid input', () => {
  it('builds typed resources, constraints and status', () => {
    const model = parseCib(
      cib(
        `${dummy('a', '<operations><op id="a-mon" name="monitor" interval="10s" timeout="20s"/></operations>')}<group id="g">${dummy('b')}${dummy('c')}</group><clone id="cl">${dummy('d')}</clone>`,
        '<rsc_location id="l1" rsc="a" node="node1" score="INFINITY"/><rsc_order id="o1" first="a" then="g" kind="Optional"/><rsc_colocation id="c1" rsc="g" with-rsc="cl" score="-500"/>',
        '<node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="1"><lrm_resources><lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="a_last_0" operation_key="a_start_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:2:0:x"/></lrm_resource></lrm_resources></lrm></node_state>',
      ),
    );
    const [a, g, cl] = model.configuration.resources;
    expect(a).toMatchObject({ kind: 'primitive', id: 'a', class: 'ocf', provider: 'heartbeat', type: 'Dummy' });
    expect(a.kind === 'primitive' && a.ops[0]).toMatchObject({ name: 'monitor', intervalMs: 10_000, timeoutMs: 20_000 });
    expect(g.kind === 'group' && g.children.map((c) => c.id)).toEqual(['b', 'c']);
    expect(cl).toMatchObject({ kind: 'clone', promotable: false });
    expect(model.configuration.constraints.map((c) => c.kind)).toEqual(['location', 'order', 'colocation']);
    expect(model.configuration.constraints[0]).toMatchObject({ score: 1_000_000, node: 'node1' });
    expect(model.configuration.constraints[1]).toMatchObject({ orderKind: 'Optional', symmetrical: true });
    expect(model.status[0].resources[0].ops[0]).toMatchObject({ operation: 'start', callId: 3, rcCode: 0, intervalMs: 0 });
  });

  it('round-trips through writeCib', () => {
    const text = cib(`${dummy('a', '<instance_attributes id="a-ia"><nvpair id="a-ia-x" name="x" value="1"/></instance_attributes>')}`, '<rsc_location id="l1" rsc="a"><rule id="r1" score="-INFINITY" boolean-op="or"><expression id="e1" attribute="pingd" operation="not_defined"/><expression id="e2" attribute="pingd" operation="lte" value="0" type="number"/></rule></rsc_location>');
    const first = parseCib(text);
    const again = parseCib(writeXml(writeCib(first)));
    expect(again.configuration).toEqual(first.configuration);
  });

  it('reads resource history the same from text and from an element tree, in place and as objects', () => {
    const ops = (r: string) => [
      `<lrm_rsc_op id="${r}_last_0" operation_key="${r}_start_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" op-digest="d1" transition-key="1:2:0:x" on_node="node1"/>`,
      `<lrm_rsc_op id="${r}_monitor_10000" operation_key="${r}_monitor_10000" operation="monitor" call-id="4" interval="10000" transition-magic="0:7;5:2:0:x" exit-reason="a &amp; b &lt;gone&gt;" on_node="node1"/>`,
      `<lrm_rsc_op id="${r}_last_failure_0" operation="monitor" call-id="5" rc-code="1" op-status="0" interval="0" migrate_target="node2"/>`,
    ];
    // The second resource's entries repeat the first's attribute layouts: the scanner reads them by pattern.
    const history = (r: string) => `<lrm_resource id="${r}" class="ocf" provider="heartbeat" type="Dummy">${ops(r).join('')}</lrm_resource>`;
    const text = cib(dummy('a') + dummy('b'), '', `<node_state id="1" uname="node1"><lrm id="1"><lrm_resources>${history('a')}${history('b')}</lrm_resources></lrm></node_state>`);
    const [scanned, scannedAgain] = parseCib(text).status[0].resources;
    const [fromTree, fromTreeAgain] = parseCib(parseXml(text)).status[0].resources;
    expect(scanned.ops).toEqual(fromTree.ops);
    expect(scannedAgain.ops).toEqual(fromTreeAgain.ops);
    expect(scannedAgain.ops.map((o) => o.operationKey)).toEqual(['b_start_0', 'b_monitor_10000', 'b_last_failure_0']);
    expect(scanned.ops.map((o) => [o.operationKey, o.rcCode, o.opStatus, o.lastRcChange, o.exitReason, o.migrateTarget])).toEqual([
      ['a_start_0', 0, 0, 1_700_000_000, undefined, undefined],
      // rc and status come from transition-magic when not given; entities are decoded
      ['a_monitor_10000', 7, 0, undefined, 'a & b <gone>', undefined],
      // an entry without operation_key takes its id
      ['a_last_failure_0', 1, 0, undefined, undefined, 'node2'],
    ]);
    const { table, first, count } = scanned;
    expect(count).toBe(3);
    expect([0, 1, 2].map((k) => [table.operation(first + k), table.callId(first + k), table.intervalMs(first + k), table.rcCode(first + k)])).toEqual([
      ['start', 3, 0, 0], ['monitor', 4, 10_000, 7], ['monitor', 5, 0, 1],
    ]);
    expect(Number.isNaN(table.lastRcChange(first + 1))).toBe(true);
    // the same object each time it is asked for
    expect(table.op(first)).toBe(scanned.ops[0]);
  });

  it('reads each lrm_resource id right when ids repeat across nodes (in any order), share a hash ("Aa", "BB") or hold references', () => {
    const node = (id: string, ids: string[]) =>
      `<node_state id="${id}" uname="node${id}"><lrm id="${id}"><lrm_resources>` +
      ids.map((r) => `<lrm_resource id="${r}" class="ocf" provider="heartbeat" type="Dummy"/>`).join('') +
      '</lrm_resources></lrm></node_state>';
    const first = ['vm1', 'vm10', 'Aa', 'BB', 'x&amp;y', 'Aa'];
    // The same ids again, then another order (a prefix first), then some left out.
    const orders = [first, first, ['vm10', 'vm1', 'BB', 'Aa', 'x&amp;y'], ['vm1', 'BB', 'vm100']];
    const status = parseCib(cib('', '', orders.map((ids, i) => node(String(i + 1), ids)).join(''))).status;
    expect(status.map((ns) => ns.resources.map((r) => r.id))).toEqual(orders.map((ids) => ids.map((r) => r.replace('&amp;', '&'))));
  });

  it('resolves id-ref to shared attribute sets', () => {
    const model = parseCib(cib(`${dummy('a', '<meta_attributes id="shared"><nvpair id="s1" name="priority" value="5"/></meta_attributes>')}${dummy('b', '<meta_attributes id-ref="shared"/>')}`));
    const b = model.configuration.resources[1];
    expect(b.meta[0].pairs).toEqual([{ id: 's1', name: 'priority', value: '5' }]);
  });
});

describe('parseCib: errors name what and where', () => {
  it('malformed XML gives line and column', () => {
    const err = parseError('<cib>\n  <configuration>\n    <nodes>\n  </configuration>\n</cib>');
    expect(err).toBeInstanceOf(XmlSyntaxError);
    expect(err.message).toMatch(/^cib\.xml:4:\d+: malformed XML: closing tag <\/configuration> does not match <nodes>/);
  });

  it('a constraint naming a missing resource', () => {
    const err = parseError(cib(dummy('a'), '<rsc_colocation id="col-x" rsc="a" with-rsc="ghost" score="INFINITY"/>'));
    expect(err).toBeInstanceOf(CibReferenceError);
    expect(err.message).toContain('<rsc_colocation id="col-x">: with-rsc "ghost" names no resource');
  });

  it('an invalid score', () => {
    const err = parseError(cib(dummy('a'), '<rsc_location id="loc-a" rsc="a" node="node1" score="lots"/>'));
    expect(err).toBeInstanceOf(CibValidationError);
    expect(err.message).toContain('<rsc_location id="loc-a">: invalid score "lots"');
  });

  it('an invalid interval', () => {
    const err = parseError(cib(dummy('a', '<operations><op id="a-mon" name="monitor" interval="often"/></operations>')));
    expect(err.message).toContain('<op id="a-mon">: invalid interval "often"');
  });

  it('a primitive without class', () => {
    const err = parseError(cib('<primitive id="nocls" type="Dummy"/>'));
    expect(err.message).toContain('<primitive id="nocls">: missing required attribute "class"');
  });

  it('an ocf primitive without provider', () => {
    const err = parseError(cib('<primitive id="noprov" class="ocf" type="Dummy"/>'));
    expect(err.message).toContain('<primitive id="noprov">: class ocf needs a provider');
  });

  it('duplicate resource ids', () => {
    const err = parseError(cib(`${dummy('twice')}<group id="g">${dummy('twice')}</group>`));
    expect(err.message).toContain('<primitive id="twice">: duplicate resource id');
  });

  it('an unknown on-fail policy', () => {
    const err = parseError(cib(dummy('a', '<operations><op id="a-start" name="start" interval="0" on-fail="panic"/></operations>')));
    expect(err.message).toContain('<op id="a-start">: invalid on-fail "panic"');
  });

  it('an invalid boolean-op in a rule', () => {
    const err = parseError(cib(dummy('a'), '<rsc_location id="l" rsc="a"><rule id="r" score="1" boolean-op="xor"><expression id="e" attribute="x" operation="defined"/></rule></rsc_location>'));
    expect(err.message).toContain('<rule id="r">: invalid boolean-op "xor"');
  });

  it('a non-numeric call-id in the status section', () => {
    const err = parseError(cib(dummy('a'), '', '<node_state id="1" uname="node1"><lrm id="1"><lrm_resources><lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="a_last_0" operation="start" call-id="three" rc-code="0" interval="0"/></lrm_resource></lrm_resources></lrm></node_state>'));
    expect(err.message).toContain('<lrm_rsc_op id="a_last_0">: invalid call-id "three"');
  });

  it('an id-ref to nothing', () => {
    const err = parseError(cib(dummy('a', '<meta_attributes id-ref="missing-set"/>')));
    expect(err).toBeInstanceOf(CibReferenceError);
    expect(err.message).toContain('id-ref "missing-set" names no element');
  });

  it('a root that is not <cib>', () => {
    expect(parseError('<configuration/>').message).toContain('root element must be <cib>');
  });
});
