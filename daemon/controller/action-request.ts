import type { Action } from '../scheduler/transition.js';
import { OcfRc } from '../executor/operation.js';

/**
 * What the DC writes into a node's queue: one transition action and the key that ties
 * its result (lrm_rsc_op transition-key) back to it.
 */
export interface ActionRequest {
  /** Pacemaker transition key "ACTION:TRANSITION:TARGET_RC:DC_SESSION". */
  transitionKey: string;
  action: Action;
  /** The incarnation (lease id) of the node the DC planned this for; no other may run it. */
  incarnation: string;
}

/** The rc the DC expects: probes look for "not running", monitors of a promoted instance for "running promoted", everything else for success. */
export function expectedRc(action: Action): number {
  if (action.operation !== 'monitor') return OcfRc.Success;
  if (action.intervalMs === 0 && action.probe) return OcfRc.NotRunning;
  return action.meta.role === 'Promoted' ? OcfRc.RunningPromoted : OcfRc.Success;
}
