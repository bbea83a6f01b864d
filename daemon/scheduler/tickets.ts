import type { TicketConstraint } from '../cib/model.js';
import { INFINITY } from '../cib/score.js';
import { parseRole } from './build.js';
import { markUnclean } from './fencing.js';
import { primitivesOf, type Role, type SchedResource, type WorkingSet } from './working-set.js';

/**
 * rsc_ticket (Pacemaker Explained, "Multi-Site Clusters and Tickets"): resources that
 * depend on a ticket may run only while it is granted and not in standby. Losing a
 * ticket while the resource is active applies the loss-policy — stop it, demote it,
 * fence the nodes it is active on, or freeze it where it is.
 */
export function applyTickets(ws: WorkingSet): void {
  const states = new Map((ws.cib.tickets ?? []).map((t) => [t.id, t]));
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind !== 'ticket') continue;
    const state = states.get(c.ticket);
    const granted = state?.granted ?? false;
    if (granted && !state?.standby) continue;
    for (const { rsc, role } of dependents(ws, c)) {
      const policy = lossPolicy(ws, c.lossPolicy, role);
      for (const p of primitivesOf(rsc)) applyLoss(ws, p, role, policy, granted);
    }
  }
}

function dependents(ws: WorkingSet, c: TicketConstraint): Array<{ rsc: SchedResource; role?: Role }> {
  const refs = c.rsc !== undefined ? [{ id: c.rsc, role: c.rscRole }] : c.sets.flatMap((s) => s.resources.map((id) => ({ id, role: s.role ?? c.rscRole })));
  return refs.flatMap(({ id, role }) => {
    const rsc = ws.resourceById.get(id);
    return rsc ? [{ rsc, role: parseRole(role) }] : [];
  });
}

/** Without fencing, loss-policy=fence cannot be honoured: Pacemaker falls back to stop. */
function lossPolicy(ws: WorkingSet, configured: string | undefined, role: Role | undefined): string {
  if (configured === 'fence' && !ws.options.stonithEnabled) return 'stop';
  return configured ?? (role === 'Promoted' ? 'demote' : 'stop');
}

const banEverywhere = (ws: WorkingSet, r: SchedResource) => {
  for (const n of ws.nodes) r.allowed.set(n.id, -INFINITY);
};

/** Whether the loss applies to this resource: it is active in the role the ticket constrains (any role if none). */
const inRole = (r: SchedResource, role: Role | undefined) => role === undefined || [...r.running.values()].includes(role);

function applyLoss(ws: WorkingSet, r: SchedResource, role: Role | undefined, policy: string, granted: boolean): void {
  // A ticket that was never granted (or is in standby) keeps the resource from starting; only a
  // promoted-role dependency with a policy other than stop merely keeps it from being promoted.
  if (granted || r.running.size === 0) {
    if (role !== 'Promoted' || policy === 'stop') banEverywhere(ws, r);
    return;
  }
  switch (policy) {
    case 'demote':
      if (role !== 'Promoted') banEverywhere(ws, r);
      return;
    case 'fence':
      if (!inRole(r, role)) return;
      banEverywhere(ws, r);
      for (const id of r.running.keys()) markUnclean(ws.nodeById.get(id)!, 'deadman ticket was lost');
      return;
    case 'freeze':
      if (inRole(r, role)) r.managed = false;
      return;
    default:
      banEverywhere(ws, r);
  }
}
