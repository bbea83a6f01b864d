import type { Cib, LrmOp } from '../daemon/cib/model.js';

/** Where a resource runs and in which role, as its operation history on each node says. */
export interface Placement {
  resource: string;
  node: string;
  role: 'Started' | 'Promoted' | 'Stopped';
  failed: boolean;
}

export interface FailedAction {
  resource: string;
  node: string;
  operation: string;
  intervalMs: number;
  rc: number;
  exitReason?: string;
  callId: number;
}

const RC_NAMES: Record<number, string> = {
  1: 'error', 2: 'invalid parameter', 3: 'unimplemented feature', 4: 'insufficient privileges', 5: 'not installed',
  6: 'not configured', 7: 'not running', 8: 'promoted', 9: 'promoted (failed)', 190: 'degraded', 191: 'degraded promoted',
};
export const rcName = (rc: number) => RC_NAMES[rc] ?? 'unknown';

const isProbe = (op: LrmOp) => op.operation === 'monitor' && op.intervalMs === 0;

function failedOp(op: LrmOp): boolean {
  if (op.opStatus !== 0 && op.opStatus !== -1) return true;
  if (op.rcCode === 0) return false;
  if (op.operation === 'monitor' && (op.rcCode === 8 || (isProbe(op) && op.rcCode === 7))) return false;
  return true;
}

/**
 * Reads placements and failures from the status section: the last
 * non-recurring operation decides the role; a failed recurring monitor marks
 * the resource failed there.
 */
export function placements(cib: Cib): { placements: Placement[]; failures: FailedAction[] } {
  const out: Placement[] = [];
  const failures: FailedAction[] = [];
  for (const state of cib.status) {
    const node = state.uname ?? state.id;
    for (const rsc of state.resources) {
      const ops = [...rsc.ops].sort((a, b) => a.callId - b.callId);
      const last = [...ops].reverse().find((op) => op.intervalMs === 0);
      let role: Placement['role'] = 'Stopped';
      if (last && !failedOp(last)) {
        if (last.operation === 'stop' || last.operation === 'migrate_to' || (isProbe(last) && last.rcCode === 7)) role = 'Stopped';
        else if (last.operation === 'promote' || last.rcCode === 8) role = 'Promoted';
        else role = 'Started';
      } else if (last && ['start', 'promote', 'migrate_from', 'demote'].includes(last.operation)) role = 'Started';
      const failed = ops.filter((op) => failedOp(op) && (last === undefined || op.callId >= last.callId || op.intervalMs > 0));
      for (const op of failed) {
        failures.push({ resource: rsc.id, node, operation: op.operation, intervalMs: op.intervalMs, rc: op.rcCode, exitReason: op.exitReason, callId: op.callId });
      }
      if (role !== 'Stopped' || failed.length > 0) out.push({ resource: rsc.id, node, role, failed: failed.length > 0 });
    }
  }
  return { placements: out, failures };
}
