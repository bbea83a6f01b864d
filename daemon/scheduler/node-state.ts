import type { NodeState } from '../cib/model.js';
import type { SchedNode, WorkingSet } from './working-set.js';

const truthy = (v: string | undefined) => v !== undefined && /^(true|on|yes|y|1)$/i.test(v);
/** in_ccm / crmd hold "true"/"online" or, in newer histories, a timestamp of when that became so. */
const inCluster = (v: string | undefined) => truthy(v) || (v !== undefined && /^\d+$/.test(v) && v !== '0');
const peerOnline = (v: string | undefined) => v === 'online' || (v !== undefined && /^\d+$/.test(v) && v !== '0');

/** Pacemaker's rules when fencing is enabled: a node in an unexplained state must be fenced (unclean). */
function withFencing(node: SchedNode, s: NodeState): void {
  const crmdOnline = peerOnline(s.crmd);
  const expected = s.expected ?? 'down';
  if (node.shutdown) node.online = crmdOnline;
  else if (s.inCcm === undefined) node.unclean = true;
  else if (s.join === 'banned') node.unclean = true;
  else if (expected === 'down') {
    if (inCluster(s.inCcm) || crmdOnline) node.pending = true;
  } else if (!inCluster(s.inCcm)) node.unclean = true;
  else if (!crmdOnline) node.unclean = true;
  else if (s.join === 'member') node.online = true;
  else if (s.join === 'pending' || s.join === 'down') node.pending = true;
  else node.unclean = true;
}

/** Without fencing nobody can be fenced: a vanished node is offline, unclean only if it was expected up. */
function withoutFencing(node: SchedNode, s: NodeState): void {
  if (!inCluster(s.inCcm)) return;
  if (peerOnline(s.crmd)) {
    node.online = s.join === 'member';
    return;
  }
  if (s.expected === 'member') node.unclean = true;
}

/**
 * Derives each node's state from its node_state entry, as Pacemaker does:
 * online, offline, unclean (needs fencing) or pending; standby, maintenance
 * and shutdown from node attributes.
 */
export function unpackNodeStates(ws: WorkingSet): void {
  const states = new Map(ws.cib.status.map((s) => [s.id, s]));
  for (const node of ws.nodes) {
    const s = states.get(node.id);
    node.standby = truthy(node.attrs.standby);
    node.maintenance = truthy(node.attrs.maintenance);
    if (!s) continue;
    const shutdown = s.transient.shutdown;
    node.shutdown = shutdown !== undefined && shutdown !== '0';
    if (ws.options.stonithEnabled) withFencing(node, s);
    else withoutFencing(node, s);
  }
}
