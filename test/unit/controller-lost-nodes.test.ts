import { describe, expect, it } from 'vitest';
import { LostNodes } from '../../daemon/controller/lost-nodes.js';
import type { CibSnapshot, NodeStatus } from '../../daemon/cib/store.js';

const snapshot = (members: string[], status: Record<string, Partial<NodeStatus>> = {}): CibSnapshot => ({
  revision: 1,
  configuration: { xml: '<configuration/>', epoch: 1, adminEpoch: 0 },
  members,
  status: new Map(Object.entries(status).map(([n, s]) => [n, { resources: new Map(), attributes: new Map(), ...s }])),
});

describe('LostNodes (lease expiry + fencing margin)', () => {
  it('confirms an absent node only after the margin, counted from when it was first seen absent', () => {
    const lost = new LostNodes(300);
    expect(lost.update(snapshot(['n1', 'n2', 'n3']), ['n1', 'n2', 'n3'], 1000)).toEqual({ confirm: [] });
    expect(lost.update(snapshot(['n1', 'n2']), ['n1', 'n2', 'n3'], 2000)).toEqual({ confirm: [], waitMs: 300 });
    expect(lost.update(snapshot(['n1', 'n2']), ['n1', 'n2', 'n3'], 2200)).toEqual({ confirm: [], waitMs: 100 });
    expect(lost.update(snapshot(['n1', 'n2']), ['n1', 'n2', 'n3'], 2300)).toEqual({ confirm: ['n3'] });
  });

  it('ignores nodes already marked down and forgets nodes that came back', () => {
    const lost = new LostNodes(300);
    const down = { down: { reason: 'shutdown' as const, at: 0 } };
    expect(lost.update(snapshot(['n1'], { n2: down }), ['n1', 'n2'], 0)).toEqual({ confirm: [] });
    lost.update(snapshot(['n1']), ['n1', 'n3'], 0);
    lost.update(snapshot(['n1', 'n3']), ['n1', 'n3'], 100);
    // absent again: the margin starts over
    expect(lost.update(snapshot(['n1']), ['n1', 'n3'], 200)).toEqual({ confirm: [], waitMs: 300 });
  });
});
