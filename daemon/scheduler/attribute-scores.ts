import { INFINITY } from '../cib/score.js';
import { nodeAvailable, type WorkingSet } from './working-set.js';

/**
 * A colocation by node attribute (node-attribute other than #uname) weighs a node by the other side's
 * best score on an available node with the same attribute value, -INFINITY where there is none
 * (Pacemaker's colocated node scores "matching attribute"): its table, one score per node.
 */
export function scoresByAttribute(ws: WorkingSet, scores: Map<string, number>, attr: string): Map<string, number> {
  const best = new Map<string | undefined, number>();
  scores.forEach((s, nodeId) => {
    const node = ws.nodeById.get(nodeId);
    if (!node || !nodeAvailable(node)) return;
    const value = node.attrs[attr];
    if (s > (best.get(value) ?? -INFINITY)) best.set(value, s);
  });
  const byNode = new Map<string, number>();
  for (const node of ws.nodes) byNode.set(node.id, best.get(node.attrs[attr]) ?? -INFINITY);
  return byNode;
}
