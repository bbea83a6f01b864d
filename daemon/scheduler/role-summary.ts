import type { PrimitivePlan } from './actions.js';
import { line, reasonText } from './summary.js';
import { currentRole, nextRoleOf } from './roles.js';
import type { Role, SchedAction, SchedNode } from './working-set.js';

const rank: Record<Role, number> = { Unknown: 0, Stopped: 1, Started: 2, Unpromoted: 3, Promoted: 4 };

/** crm_simulate's location text for a change of a resource that has roles. */
function where(role: Role, next: Role, origin: SchedNode | undefined, dest: SchedNode | undefined): string {
  const needRole = rank[role] > rank.Started || rank[next] > rank.Unpromoted;
  const sameHost = origin !== undefined && origin === dest;
  const sameRole = role === next;
  if (!origin) return needRole ? `${role} -> ${next} ${dest!.uname}` : dest!.uname;
  if (!dest) return needRole ? `${role} ${origin.uname}` : origin.uname;
  if (sameRole && sameHost) return needRole ? `${role} ${origin.uname}` : origin.uname;
  if (sameRole) return needRole ? `${origin.uname} -> ${dest.uname} ${role}` : `${origin.uname} -> ${dest.uname}`;
  if (sameHost) return `${role} -> ${next} ${origin.uname}`;
  return `${role} ${origin.uname} -> ${next} ${dest.uname}`;
}

/**
 * Summary lines for an instance of a promotable clone: Start, Stop, Move,
 * Recover and Restart with the role shown, plus Promote, Demote and
 * Re-promote (Pacemaker's change words, decided from the planned actions).
 */
export function summarizeWithRoles(plan: PrimitivePlan): string[] {
  const { rsc, current, next } = plan;
  if (!rsc.managed || (!current && !next)) return [];
  const role = currentRole(rsc);
  const nextRole = nextRoleOf(rsc);
  const item = (change: string, origin: SchedNode | undefined, dest: SchedNode | undefined, action: SchedAction | undefined, source?: SchedAction) =>
    line(change, rsc.id, where(role, nextRole, origin, dest), reasonText(source?.reason ? source : action, action));
  const moving = current !== undefined && next !== undefined && current !== next;
  const start = next && plan.start?.node === next ? plan.start : undefined;
  const startNode = start?.runnable ? current : undefined;
  const stop = plan.stops.find((s) => startNode === undefined || s.node === startNode);
  const onNext = (a: SchedAction | undefined) => (a && (next === undefined || a.node === next) ? a : undefined);
  const promote = onNext(plan.promote);
  const demote = onNext(plan.demote);
  if (role === nextRole) {
    if (!next) return [];
    if (plan.migrateFrom && current) return [item('Migrate', current, next, start)];
    if (!start || start.optional) {
      if (demote && promote && !demote.optional && !promote.optional) return [item('Re-promote', current, next, promote, demote)];
      return [];
    }
    if (!start.runnable) return [item('Stop', current, undefined, stop, stop?.reason ? stop : start)];
    if (moving) return [item(rsc.failed ? 'Recover' : 'Move', current, next, stop)];
    if (rsc.failed) return [item('Recover', current, undefined, stop)];
    return [item('Restart', current, next, start)];
  }
  if (stop && (nextRole === 'Stopped' || (start && !start.runnable))) {
    return plan.stops.filter((s) => s.node).map((s) => item('Stop', s.node, undefined, s, s.reason ? s : start));
  }
  if (stop && rsc.failed && !stop.optional) return [item('Recover', current, next, stop, start)];
  if (moving) return [item('Move', current, next, stop)];
  if (start && !start.optional) return [promote && !promote.optional ? item('Promote', current, next, promote) : item('Start', current, next, start)];
  if (promote && !promote.optional) return [item('Promote', current, next, promote)];
  if (demote && !demote.optional) return [item('Demote', current, next, demote)];
  return [];
}
