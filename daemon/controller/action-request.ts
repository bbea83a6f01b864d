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

/** The rc the DC expects: probes look for "not running", everything else for success. */
export const expectedRc = (action: Action): number =>
  action.operation === 'monitor' && action.intervalMs === 0 && action.probe ? OcfRc.NotRunning : OcfRc.Success;
