import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseCib } from '../../daemon/cib/index.js';
import { element, writeXml } from '../../daemon/cib/xml.js';
import { cibDocument } from '../../crm-shell/configure/configuration.js';
import { configurationFromCrm } from '../../crm-shell/configuration-file.js';
import { explainPlacement } from '../../crm-shell/why.js';

// `resource why` on the worked example: three nodes up, only node2 has gateway connectivity (pingd).
async function exampleCib() {
  const conf = configurationFromCrm(await readFile(new URL('../../config/vm-cluster.crm', import.meta.url), 'utf8'), 'vm-cluster.crm');
  const cib = cibDocument(conf);
  const status = cib.children.find((c) => c.name === 'status')!;
  for (const node of ['node1', 'node2', 'node3']) {
    const state = element('node_state', { id: node, uname: node, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member' });
    if (node === 'node2') {
      state.children.push(element('transient_attributes', { id: node }, [element('instance_attributes', { id: `status-${node}` }, [element('nvpair', { id: `status-${node}-pingd`, name: 'pingd', value: '1000' })])]));
    }
    status.children.push(state);
  }
  return parseCib(writeXml(cib));
}

describe('resource why', () => {
  it('names the constraints that decide, and agrees with the scheduler', async () => {
    const why = explainPlacement(await exampleCib(), 'vm-db', ['node1', 'node2', 'node3']);
    const node1 = why.nodes.find((n) => n.node === 'node1')!;
    expect(node1.score).toBe('-INFINITY');
    expect(node1.contributions).toContainEqual({ source: 'location vm-db-needs-ping (rule vm-db-needs-ping-rule)', score: -1_000_000 });
    const node2 = why.nodes.find((n) => n.node === 'node2')!;
    expect(node2).toEqual({
      node: 'node2',
      score: '50',
      contributions: [
        { source: 'colocation vm-db-with-storage (with storage-clone, placed here)', score: 0 },
        { source: 'location vm-db-prefers-node2', score: 50 },
      ],
    });
    expect(why.scheduler).toEqual([{ id: 'vm-db', assignedTo: 'node2', scores: { node1: '-INFINITY', node2: '50', node3: '-INFINITY' } }]);
    expect(why.text).toContain('preferred node: node2 (score 50)');
  });

  it('explains a clone through its instances', async () => {
    const why = explainPlacement(await exampleCib(), 'storage-clone', ['node1', 'node2', 'node3']);
    expect(why.scheduler.map((v) => v.assignedTo).sort()).toEqual(['node1', 'node2', 'node3']);
    expect(why.text).toMatch(/scheduler: assigns storage:0 to node\d/);
  });

  it('counts a node that is not a member as unable to run anything', async () => {
    const why = explainPlacement(await exampleCib(), 'vm-db', ['node1', 'node3']);
    expect(why.nodes.find((n) => n.node === 'node2')!.contributions[0]).toEqual({ source: 'node is offline', score: -1_000_000 });
  });
});
