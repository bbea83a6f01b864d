import { childrenNamed } from '../cib/xml.js';
import { INFINITY } from '../cib/score.js';
import { parseRole } from './build.js';
import { currentRole } from './roles.js';
import { referenceGroups, resolveTag } from './tags.js';
import { primitivesOf, type Role, type SchedResource, type WorkingSet } from './working-set.js';
import { markUnclean } from './fencing.js';

/**
 * rsc_ticket (Pacemaker Explained, "Multi-Site Clusters and Tickets"): a
 * resource may run only while its ticket is granted and not in standby. When
 * the ticket is missing, loss-policy decides: stop (default) bans the
 * resource everywhere; demote only keeps it from being promoted; freeze leaves
 * what runs alone (unmanaged) and starts nothing; fence bans it and fences the
 * nodes it is active on ("deadman ticket was lost", see fencing.ts).
 */
interface TicketDependency {
  rsc: SchedResource;
  ticket: string;
  role?: Role;
  lossPolicy: string;
}

function dependencies(ws: WorkingSet): TicketDependency[] {
  const out: TicketDependency[] = [];
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind !== 'ticket') continue;
    const el = c.source;
    const ticket = el.attrs.ticket ?? '';
    const lossPolicy = el.attrs['loss-policy'] ?? 'stop';
    const add = (ref: string | undefined, role: string | undefined) => {
      for (const id of ref === undefined ? [] : resolveTag(referenceGroups(ws.cib), ref)) {
        const rsc = ws.resourceById.get(id);
        if (rsc) out.push({ rsc, ticket, role: parseRole(role), lossPolicy });
      }
    };
    add(el.attrs.rsc, el.attrs['rsc-role']);
    for (const set of childrenNamed(el, 'resource_set')) for (const ref of childrenNamed(set, 'resource_ref')) add(ref.attrs.id, set.attrs.role);
  }
  return out;
}

const ticketHeld = (ws: WorkingSet, id: string) => {
  const t = ws.cib.tickets?.[id];
  return t !== undefined && t.granted && !t.standby;
};

const ban = (r: SchedResource) => {
  for (const p of primitivesOf(r)) for (const id of p.allowed.keys()) p.allowed.set(id, -INFINITY);
};

/**
 * Applies the loss policies of tickets not held (before assignment), per
 * primitive as Pacemaker does for each clone instance and group member. A
 * ticket in standby is given up gracefully: no loss policy, only the ban.
 */
export function applyTickets(ws: WorkingSet): void {
  for (const d of dependencies(ws)) {
    const t = ws.cib.tickets?.[d.ticket];
    if (t !== undefined && t.granted && !t.standby) continue;
    const promotedOnly = d.role === 'Promoted';
    for (const p of primitivesOf(d.rsc)) {
      // fence and freeze concern only what is in the dependency's role now.
      const inRole = d.role === undefined || d.role === 'Started' || currentRole(p) === d.role;
      if (t?.granted || p.running.size === 0) {
        // Revoked with nothing running here, or in standby: nothing may run (a Promoted-role dependency only blocks promotion).
        if (!promotedOnly || d.lossPolicy === 'stop') ban(p);
        continue;
      }
      if (d.lossPolicy === 'freeze') {
        if (inRole) p.managed = false;
      } else if (d.lossPolicy === 'fence') {
        if (!inRole) continue;
        ban(p);
        // Without fencing Pacemaker falls back to stop; with it, the nodes the resource is active on are fenced.
        if (ws.options.stonithEnabled) for (const id of p.running.keys()) markUnclean(ws.nodeById.get(id)!, 'deadman ticket was lost');
      } else if (d.lossPolicy !== 'demote' || !promotedOnly) ban(p);
    }
  }
}

/** Whether a promotable clone may not promote any instance for want of a ticket. */
export function promotionTicketMissing(ws: WorkingSet, clone: SchedResource): boolean {
  return dependencies(ws).some((d) => d.rsc === clone && d.role === 'Promoted' && !ticketHeld(ws, d.ticket));
}
