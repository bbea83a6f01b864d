import type { PrimitivePlan } from './actions.js';
import type { SchedAction } from './working-set.js';
import { currentRole, promotableParent } from './roles.js';
import { summarizeWithRoles } from './role-summary.js';

/** crm_simulate's column layout: change word padded to 10, then resource, then the location part. */
export function line(change: string, rsc: string, where: string, reason: string): string {
  return `* ${change.padEnd(10)} ${rsc.padEnd(8)} ( ${where} )${reason ? `  ${reason}` : ''}`;
}

export function reasonText(source: SchedAction | undefined, action: SchedAction | undefined): string {
  const a = action ?? source;
  if (!source && !a) return '';
  const why = source?.reason;
  const blocked = a !== undefined && !a.runnable;
  if (why && blocked) return `due to ${why} (blocked)`;
  if (why) return `due to ${why}`;
  return blocked ? 'blocked' : '';
}

/** The "Transition Summary" lines for one primitive (none when it does not change). */
export function summarizePrimitive(plan: PrimitivePlan): string[] {
  const { rsc, next } = plan;
  // A blocked resource is left as it is: nothing to report (its unrunnable stop only blocks others).
  if (rsc.blocked) return [];
  // Roles show for promotable clone instances, and for anything found running promoted.
  if (promotableParent(rsc) || currentRole(rsc) === 'Promoted') return summarizeWithRoles(plan);
  // Stopping a resource active on several nodes: one line per node.
  if (!next && plan.stops.length > 1) {
    return plan.stops.filter((s) => !s.optional && s.node).map((s) => line('Stop', rsc.id, s.node!.uname, reasonText(s, s)));
  }
  const one = summarizeOne(plan);
  return one ? [one] : [];
}

function summarizeOne(plan: PrimitivePlan): string | undefined {
  const { rsc, current, next, start } = plan;
  if (!rsc.managed) return undefined;
  const stop = plan.stops.find((s) => !s.optional) ?? plan.stops[0];
  const startRequired = start !== undefined && !start.optional && next !== undefined;
  if (plan.migrateFrom && current && next) {
    return line('Migrate', rsc.id, `${current.uname} -> ${next.uname}`, '');
  }
  if (current && next && current !== next && start && !start.runnable && stop && !stop.optional) {
    // Cannot start at the destination: what really happens is a stop.
    return line('Stop', rsc.id, current.uname, reasonText(start, stop));
  }
  if (current && next && current !== next) {
    const change = rsc.failed ? 'Recover' : 'Move';
    const src = stop?.reason ? stop : start?.reason ? start : undefined;
    return line(change, rsc.id, `${current.uname} -> ${next.uname}`, src ? reasonText(src, start) : start && !start.runnable ? 'blocked' : '');
  }
  if (!current && next) {
    if (!startRequired) return undefined;
    return line('Start', rsc.id, next.uname, reasonText(start, start));
  }
  if (current && !next) {
    if (!stop || stop.optional) return undefined;
    return line('Stop', rsc.id, current.uname, reasonText(stop, stop));
  }
  if (current && next && current === next) {
    // A restart whose start cannot run is a stop, for the stop's reason if it has one, else the start's.
    if (stop && !stop.optional && start && !start.runnable) return line('Stop', rsc.id, current.uname, reasonText(stop.reason ? stop : start, stop));
    if (rsc.failed && startRequired) return line('Recover', rsc.id, current.uname, start && !start.runnable ? reasonText(start, start) : stop?.reason && !stop.optional ? reasonText(stop, stop) : '');
    if (startRequired && stop && !stop.optional) return line('Restart', rsc.id, current.uname, reasonText(start, start));
  }
  return undefined;
}
