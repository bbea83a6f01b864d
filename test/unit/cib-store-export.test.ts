import { describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/parse.js';
import { exportCib, exportCibText } from '../../daemon/cib/store-export.js';
import type { CibSnapshot, NodeStatus } from '../../daemon/cib/store.js';
import { childrenNamed, element, firstChild } from '../../daemon/cib/xml.js';

const op = (id: string, callId: number) => element('lrm_rsc_op', { id, operation: 'start', 'call-id': String(callId), 'rc-code': '0', 'op-status': '0', interval: '0' });

function snapshot(): CibSnapshot {
  const n1: NodeStatus = {
    resources: new Map([['d1', { agent: { class: 'ocf', provider: 'vigil', type: 'Dummy' }, ops: new Map([['d1_monitor_5000', op('d1_monitor_5000', 3)], ['d1_last_0', op('d1_last_0', 2)]]) }]]),
    attributes: new Map([['fail-count-d1#monitor_5000', '1']]),
  };
  return {
    revision: 42,
    configuration: {
      xml: '<configuration><crm_config/><nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/><node id="n3" uname="n3"/></nodes><resources/><constraints/></configuration>',
      epoch: 7,
      adminEpoch: 1,
    },
    members: ['n1'],
    status: new Map([
      ['n1', n1],
      ['n2', { resources: new Map(), attributes: new Map(), down: { reason: 'fenced', at: 1 } }],
    ]),
  };
}

describe('CIB export', () => {
  it('writes epochs, quorum and DC on <cib>', () => {
    const cib = exportCib(snapshot(), { dc: 'n1', quorate: true });
    expect(cib.attrs).toMatchObject({ epoch: '7', admin_epoch: '1', num_updates: '42', 'have-quorum': '1', 'dc-uuid': 'n1' });
  });

  it('gives members online node_states, cleanly down nodes expected=down, lost ones expected=member', () => {
    const states = childrenNamed(firstChild(exportCib(snapshot(), { quorate: true }), 'status')!, 'node_state');
    expect(states.map((s) => [s.attrs.uname, s.attrs.crmd, s.attrs.expected])).toEqual([
      ['n1', 'online', 'member'],
      ['n2', 'offline', 'down'],
      ['n3', 'offline', 'member'],
    ]);
  });

  it('orders a resource history by call-id and keeps transient attributes', () => {
    const text = exportCibText(snapshot(), { quorate: true });
    expect(text.indexOf('d1_last_0')).toBeLessThan(text.indexOf('d1_monitor_5000'));
    const cib = parseCib(text);
    const n1 = cib.status.find((s) => s.uname === 'n1')!;
    expect(n1.transient['fail-count-d1#monitor_5000']).toBe('1');
    expect(n1.resources[0]).toMatchObject({ id: 'd1', class: 'ocf', provider: 'vigil', type: 'Dummy' });
  });

  it('leaves notification results out of the history (Pacemaker records none)', () => {
    const snap = snapshot();
    const notify = element('lrm_rsc_op', { id: 'd1_notify_0', operation: 'notify', 'call-id': '4', 'rc-code': '0', 'op-status': '0', interval: '0' });
    snap.status.get('n1')!.resources.get('d1')!.ops.set('d1_notify_0', notify);
    const text = exportCibText(snap, { quorate: true });
    expect(text).not.toContain('d1_notify_0');
    expect(text).toContain('d1_last_0');
  });
});
