import { INFINITY } from '../cib/score.js';
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
  // An unclean node nobody can fence might still run anything: nothing new may start until it is fenced.
  const unfenceable = o.stonithEnabled && ws.nodes.some((n) => n.unclean) && !ws.primitives.some((p) => p.def?.class === 'stonith');
  if (unfenceable) for (const r of ws.primitives) if (r.running.size === 0) for (const id of r.allowed.keys()) r.allowed.set(id, -INFINITY);
  const noQuorum = !o.haveQuorum && o.noQuorumPolicy !== 'ignore';
  for (const r of ws.primitives) {
    if (o.stopAllResources) r.nextRole = 'Stopped';
    if (!noQuorum) continue;
    // "demote" keeps promotable clone instances running, unpromoted (promotion.ts); everything else stops.
    if (o.noQuorumPolicy === 'demote' && promotableParent(r)) continue;
    const active = r.running.size > 0;
    // Resources that require nothing (fencing devices by default) may still start without quorum.
    if (!active && (r.meta.requires ?? (r.def?.class === 'stonith' ? 'nothing' : 'quorum')) === 'nothing') continue;
    if (o.noQuorumPolicy === 'freeze') {
      if (!active) r.startBlockedReason = 'quorum freeze';
    } else if (active) {
      r.nextRole = 'Stopped';
      r.stopReason = 'no quorum';
    } else r.startBlockedReason = 'no quorum';
  }
}
