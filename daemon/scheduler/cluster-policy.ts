import type { WorkingSet } from './working-set.js';

/**
 * Cluster-wide policies that override placement. Without quorum the
 * no-quorum-policy decides: "stop" stops what runs and starts nothing,
 * "freeze" leaves running resources alone but starts nothing new;
 * stop-all-resources stops everything.
 */
export function applyClusterPolicies(ws: WorkingSet): void {
  const o = ws.options;
  const noQuorum = !o.haveQuorum && o.noQuorumPolicy !== 'ignore';
  for (const r of ws.primitives) {
    if (o.stopAllResources) r.nextRole = 'Stopped';
    // requires=nothing: the resource may run whatever the quorum (Pacemaker Explained, "requires").
    if (!noQuorum || r.meta.requires === 'nothing') continue;
    const active = r.running.size > 0;
    if (o.noQuorumPolicy === 'freeze') {
      if (!active) r.startBlockedReason = 'quorum freeze';
    } else if (active) {
      r.nextRole = 'Stopped';
      r.stopReason = 'no quorum';
    } else r.startBlockedReason = 'no quorum';
  }
}
