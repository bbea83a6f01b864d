import type { WorkingSet } from './working-set.js';

/**
 * Cluster-wide policies that override placement: without quorum the
 * no-quorum-policy decides (stop: stop everything; freeze: start nothing new),
 * and stop-all-resources stops everything.
 */
export function applyClusterPolicies(ws: WorkingSet): void {
  const o = ws.options;
  const noQuorum = !o.haveQuorum && o.noQuorumPolicy !== 'ignore';
  for (const r of ws.primitives) {
    if (o.stopAllResources) r.nextRole = 'Stopped';
    if (!noQuorum) continue;
    if (o.noQuorumPolicy === 'freeze') {
      // Keep what runs where it runs; start nothing elsewhere.
      for (const nodeId of r.allowed.keys()) if (!r.running.has(nodeId)) r.allowed.set(nodeId, -1_000_000);
    } else {
      r.nextRole = 'Stopped';
      r.stopReason = 'no quorum';
    }
  }
}
