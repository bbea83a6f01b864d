import { findActions, getAction, order } from './actions.js';
import type { UnpackedHistory } from './unpack-status.js';
import type { WorkingSet } from './working-set.js';

/**
 * An orphan (history without configuration) is forgotten on every node that
 * has its history, once it is stopped there: Pacemaker's "delete" action,
 * which the controller carries out by removing the history and fail counts.
 */
export function createOrphanDeletes(ws: WorkingSet, histories: UnpackedHistory[]): void {
  for (const { rsc, node } of histories) {
    if (!rsc.orphan || !rsc.managed || !node.online) continue;
    const del = getAction(ws, rsc, 'delete', node, { optional: false });
    for (const stop of findActions(ws, rsc, 'stop')) if (stop.node === node) order(stop, del, { runnableFirst: true });
  }
}
