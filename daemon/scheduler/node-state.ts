import type { WorkingSet } from './working-set.js';

const truthy = (v: string | undefined) => v !== undefined && /^(true|on|yes|y|1)$/i.test(v);

/**
 * Derives each node's state from its node_state entry, as Pacemaker does:
 * online when in the membership with a member controller; unclean when it
 * should be up but vanished and fencing is enabled; standby, maintenance and
 * shutdown from node attributes.
 */
export function unpackNodeStates(ws: WorkingSet): void {
  const states = new Map(ws.cib.status.map((s) => [s.id, s]));
  for (const node of ws.nodes) {
    const s = states.get(node.id);
    if (s) {
      const inCcm = truthy(s.inCcm) || s.inCcm === 'member';
      const crmdOnline = s.crmd === 'online' || (s.crmd !== undefined && /^\d+$/.test(s.crmd) && s.crmd !== '0');
      const member = s.join === 'member';
      node.online = inCcm && crmdOnline && member;
      const expectedUp = s.expected === 'member';
      if (!node.online && ws.options.stonithEnabled) {
        // Lost while expected up, or still in membership with a dead controller: must be fenced.
        node.unclean = (expectedUp && !inCcm) || (inCcm && !crmdOnline && s.join !== 'down' && expectedUp);
      }
      const shutdown = s.transient.shutdown;
      node.shutdown = shutdown !== undefined && shutdown !== '0';
    }
    node.standby = truthy(node.attrs.standby);
    node.maintenance = truthy(node.attrs.maintenance);
  }
}
