import type { WorkingSet } from './working-set.js';
import { promotableParent } from './roles.js';

/**
 * Cluster-wide policies that override placement. Without quorum the
 * no-quorum-policy decides: "stop" stops what runs and starts nothing,
 * "freeze" leaves running resources alone but starts nothing new;
 * "demote" demotes promotable clones and stops the rest;
 * stop-all-resources stops everything.
 */
export function applyClusterPolicies(ws: WorkingSet): void {
  const o = ws.options;
  const noQuorum = !o.haveQuorum && o.noQuorumPolicy !== 'ignore';
  for (const r of ws.primitives) {
    if (o.stopAllResources) r.nextRole = 'Stopped';
    // requires=nothing: the resource may run whatever the quorum (Pacemaker Explained, "requires").
    if (!noQuorum || r.meta.requires === 'nothing') continue;
    // "demote" keeps promotable clone instances running, unpromoted (promotion.ts); everything else stops.
    if (o.noQuorumPolicy === 'demote' && promotableParent(r)) continue;
    const active = r.running.size > 0;
    if (o.noQuorumPolicy === 'freeze') {
      if (!active) r.startBlockedReason = 'quorum freeze';
    } else if (active) {
      r.nextRole = 'Stopped';
      r.stopReason = 'no quorum';
    } else r.startBlockedReason = 'no quorum';
  }
}
