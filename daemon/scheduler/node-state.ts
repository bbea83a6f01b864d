import type { NodeState } from '../cib/model.js';
import type { SchedNode, WorkingSet } from './working-set.js';
import { markUnclean } from './fencing.js';
import { isTrueValue } from '../cib/truth.js';

/** in_ccm / crmd hold "true"/"online" or, in newer histories, a timestamp of when that became so. */
const inCluster = (v: string | undefined) => isTrueValue(v) || (v !== undefined && /^\d+$/.test(v) && v !== '0');
const peerOnline = (v: string | undefined) => v === 'online' || (v !== undefined && /^\d+$/.test(v) && v !== '0');

/** The "terminate" node attribute asks for the node to be fenced ("true" or a timestamp). */
const terminateRequested = (v: string | undefined) => isTrueValue(v) || (v !== undefined && /^[1-9]/.test(v));

/** Pacemaker's rules when fencing is enabled: a node in an unexplained state must be fenced (unclean). */
function withFencing(node: SchedNode, s: NodeState): void {
  const crmdOnline = peerOnline(s.crmd);
  const expected = s.expected ?? 'down';
  const terminate = terminateRequested(node.attrs.terminate);
  if (node.shutdown) node.online = crmdOnline;
  else if (s.inCcm === undefined) markUnclean(node, 'peer has not been seen by the cluster');
  else if (s.join === 'banned') markUnclean(node, 'peer failed Pacemaker membership criteria');
  else if (!terminate && expected === 'down') {
    if (inCluster(s.inCcm) || crmdOnline) node.pending = true;
  } else if (terminate && s.join === 'down' && !inCluster(s.inCcm) && !crmdOnline) return; // just fenced
  else if (!inCluster(s.inCcm)) markUnclean(node, 'peer is no longer part of the cluster');
  else if (!crmdOnline) markUnclean(node, 'peer process is no longer available');
  else if (terminate) {
    node.online = true;
    markUnclean(node, 'termination was requested');
  } else if (s.join === 'member') node.online = true;
  else if (s.join === 'pending' || s.join === 'down') node.pending = true;
  else markUnclean(node, 'peer was in an unknown state');
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
    node.standby = isTrueValue(node.attrs.standby);
    node.maintenance = isTrueValue(node.attrs.maintenance);
    if (!s) {
      // A cluster node never seen since the cluster started may run anything, unless startup-fencing=false
      // says trust it. (Remote nodes' state comes from their connection resource, which vigil does not model.)
      if (ws.options.stonithEnabled && ws.options.startupFencing && node.attrs['#kind'] === 'cluster') node.unclean = true;
      continue;
    }
    const shutdown = s.transient.shutdown;
    node.shutdown = shutdown !== undefined && shutdown !== '0';
    if (ws.options.stonithEnabled) withFencing(node, s);
    else withoutFencing(node, s);
    if (node.online && !ws.options.haveQuorum && ws.options.noQuorumPolicy === 'suicide') markUnclean(node, 'cluster does not have quorum');
  }
}
