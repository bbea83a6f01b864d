import type { LrmOp } from '../cib/model.js';
import { OcfRc, OpStatus } from '../executor/operation.js';

/**
 * How far a failed operation bans its resource (Pacemaker Explained, "OCF Return Codes"):
 * "hard" errors (invalid arguments, unimplemented action, insufficient privileges, not installed) ban
 * the node the operation ran on; "fatal" ones (not configured) ban every node; "soft" ones ban nothing.
 */
export function hardErrorScope(op: LrmOp): 'node' | 'cluster' | undefined {
  if (op.rcCode === OcfRc.ErrConfigured || op.opStatus === OpStatus.ErrorFatal) return 'cluster';
  // An unimplemented recurring monitor is an unsupported action, not a broken node.
  if (op.rcCode === OcfRc.Unimplemented) return op.intervalMs === 0 ? 'node' : undefined;
  if (op.rcCode === OcfRc.ErrArgs || op.rcCode === OcfRc.ErrPerm || op.rcCode === OcfRc.ErrInstalled) return 'node';
  return op.opStatus === OpStatus.ErrorHard || op.opStatus === OpStatus.NotInstalled ? 'node' : undefined;
}

/**
 * A probe that found the agent not installed or its parameters invalid on this node only says "cannot
 * run here": Pacemaker masks it as "not running" (plus the node's ban), not a failure to recover.
 */
export const maskableProbeFailure = (op: LrmOp): boolean =>
  op.operation === 'monitor' && op.intervalMs === 0 &&
  (op.rcCode === OcfRc.ErrInstalled || op.rcCode === OcfRc.ErrArgs || op.opStatus === OpStatus.NotInstalled);
