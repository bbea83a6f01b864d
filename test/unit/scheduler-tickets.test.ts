import { describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { CibValidationError } from '../../daemon/cib/errors.js';
import { schedule } from '../../daemon/scheduler/index.js';

const started = (rsc: string, call: number, agent = 'class="ocf" provider="heartbeat" type="Dummy"') =>
  `<lrm_resource id="${rsc}" ${agent}><lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" transition-key="1:1:0:t" transition-magic="0:0;1:1:0:t" call-id="${call}" rc-code="0" op-status="0" interval="0"/></lrm_resource>`;

/** Two nodes with a fencing device; rsc1 depends on ticketA and runs on node2 when `running`. */
function cib(o: { lossPolicy?: string; ticket?: string; running?: boolean }): string {
  const node = (id: string, lrm = '') =>
    `<node_state id="${id}" uname="${id}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${id}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
  return `<cib epoch="1" admin_epoch="0" num_updates="1" have-quorum="1"><configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="true"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources><primitive id="fencer" class="stonith" type="fence_dummy"/><primitive id="rsc1" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints><rsc_ticket id="rsc1-needs-A" rsc="rsc1" ticket="ticketA"${o.lossPolicy ? ` loss-policy="${o.lossPolicy}"` : ''}/></constraints>
  </configuration><status>${node('node1', started('fencer', 1, 'class="stonith" type="fence_dummy"'))}${node('node2', o.running ? started('rsc1', 2) : '')}
    ${o.ticket ? `<tickets>${o.ticket}</tickets>` : ''}</status></cib>`;
}

const summary = (xml: string) => schedule(parseCib(xml), { now: new Date('2026-01-01T00:00:00Z') }).summary.map((l) => l.replace(/\s+/g, ' ')).sort();

describe('tickets (rsc_ticket)', () => {
  it('a resource starts only once its ticket is granted', () => {
    expect(summary(cib({}))).toEqual([]);
    expect(summary(cib({ ticket: '<ticket_state id="ticketA" granted="true"/>' }))).toEqual(['* Start rsc1 ( node2 )']);
    expect(summary(cib({ ticket: '<ticket_state id="ticketA" granted="true" standby="true"/>' }))).toEqual([]);
  });

  it('losing the ticket applies the loss-policy: stop (default), fence, freeze', () => {
    const revoked = '<ticket_state id="ticketA" granted="false"/>';
    expect(summary(cib({ running: true, ticket: revoked }))).toEqual(['* Stop rsc1 ( node2 ) due to node availability']);
    expect(summary(cib({ running: true, ticket: revoked, lossPolicy: 'fence' }))).toEqual([
      "* Fence (reboot) node2 'deadman ticket was lost'",
      '* Stop rsc1 ( node2 ) due to node availability',
    ]);
    expect(summary(cib({ running: true, ticket: revoked, lossPolicy: 'freeze' }))).toEqual([]);
  });

  it('rejects an unknown loss-policy, naming the constraint', () => {
    expect(() => parseCib(cib({ lossPolicy: 'explode' }))).toThrow(CibValidationError);
    expect(() => parseCib(cib({ lossPolicy: 'explode' }))).toThrow(/rsc1-needs-A.*loss-policy "explode"/);
  });
});
