import { defaultTimeoutMs } from './failures.js';
import { continuesMigration, migrationRefusal } from './migration.js';
import type { OpDefinition } from '../cib/model.js';
import { parseRole } from './build.js';
import { currentRole, nextRoleOf, promotableParent } from './roles.js';
import type { EdgeFlags, SchedAction, SchedNode, SchedResource, WorkingSet } from './working-set.js';

/** Pacemaker's action key: <rsc>_<task>_<interval>. */
export const actionKey = (rscId: string, task: string, intervalMs = 0) => `${rscId}_${task}_${intervalMs}`;

/**
 * Where a resource's action of a task and interval on a node sits in its actionSlots: the task's number in
 * this working set times the node count + 1, plus the node's position + 1 (0: node-less). A small integer,
 * so that the lookup hashes no string; tasks are literals (their own hash cached) and only a recurring
 * operation's lookup builds one ("monitor_10000").
 */
function slotOf(ws: WorkingSet, task: string, intervalMs: number, node: SchedNode | undefined): number {
  const name = intervalMs === 0 ? task : `${task}_${intervalMs}`;
  let code = ws.actionTaskCodes.get(name);
  if (code === undefined) ws.actionTaskCodes.set(name, (code = ws.actionTaskCodes.size));
  return code * (ws.nodes.length + 1) + (node === undefined ? 0 : node.index + 1);
}

/** Finds or creates an action; keys are unique per node (node-less for pseudo actions). */
export function getAction(ws: WorkingSet, rsc: SchedResource | undefined, task: string, node: SchedNode | undefined, opts: { optional: boolean; pseudo?: boolean; intervalMs?: number; runnable?: boolean; key?: string }): SchedAction {
  const intervalMs = opts.intervalMs ?? 0;
  // Most calls find an existing action. A resource's are found by task and node position (slotOf);
  // notifications (which share their task and carry their own key, "rsc:0_pre_notify_start_0") and actions of
  // no resource by their key and node.
  const slots = rsc !== undefined && opts.key === undefined ? (rsc.actionSlots ??= new Map()) : undefined;
  const slot = slots !== undefined ? slotOf(ws, task, intervalMs, node) : 0;
  const fullKey = slots === undefined ? `${opts.key ?? task}@${node?.id ?? ''}` : '';
  const existing = slots !== undefined ? slots.get(slot) : ws.actionByKey.get(fullKey);
  if (existing) {
    if (!opts.optional) existing.optional = false;
    return existing;
  }
  const key = slots !== undefined ? actionKey(rsc!.id, task, intervalMs) : fullKey.slice(0, fullKey.length - (node?.id.length ?? 0) - 1);
  const a: SchedAction = {
    id: ws.actions.length, key, task, rsc, node, intervalMs, pseudo: opts.pseudo ?? false, optional: opts.optional,
    runnable: opts.runnable ?? (opts.pseudo ? true : node !== undefined), meta: {}, before: [], afterEdges: [],
    // Set later on some actions only: present from the start so that all actions share one object shape.
    reason: undefined, probe: undefined, requiresAny: undefined,
  };
  ws.actions.push(a);
  if (slots !== undefined) slots.set(slot, a);
  else ws.actionByKey.set(fullKey, a);
  if (rsc) (ws.actionsByRsc.get(rsc) ?? ws.actionsByRsc.set(rsc, []).get(rsc)!).push(a);
  return a;
}

export function findActions(ws: WorkingSet, rsc: SchedResource, task: string, intervalMs?: number): SchedAction[] {
  const found: SchedAction[] = [];
  const all = ws.actionsByRsc.get(rsc);
  // A plain loop: this runs for every ordering endpoint, and a filter callback costs a closure per call.
  if (all) for (const a of all) if (a.task === task && (intervalMs === undefined || a.intervalMs === intervalMs)) found.push(a);
  return found;
}

/** The common kinds of edge flags, one object each: an edge's flags are never changed, so edges share them rather than each making its own. */
export const EDGE_FLAGS = {
  plain: {},
  runnableFirst: { runnableFirst: true },
  impliesThen: { impliesThen: true },
  impliesFirst: { impliesFirst: true },
  runnableFirstImpliesThen: { runnableFirst: true, impliesThen: true },
} as const satisfies Record<string, EdgeFlags>;

export function order(first: SchedAction, then: SchedAction, flags: EdgeFlags): void {
  if (first === then) return;
  const edge = { first, then, flags };
  then.before.push(edge);
  first.afterEdges.push(edge);
}

/** Timeout of an operation from its definition, else op_defaults, else 20 s. */
export function opTimeoutMs(ws: WorkingSet, r: SchedResource, task: string, intervalMs: number): number {
  // One pass (this runs for every action of the transition): the exact definition, else (not for monitors) the task's first.
  let exact: OpDefinition | undefined;
  let sameTask: OpDefinition | undefined;
  for (const o of r.def?.ops ?? []) {
    if (o.name !== task) continue;
    if (o.intervalMs === intervalMs) {
      exact = o;
      break;
    }
    sameTask ??= o;
  }
  const def = exact ?? (task === 'monitor' ? undefined : sameTask);
  return def?.timeoutMs ?? defaultTimeoutMs(ws);
}

/** What a primitive must do: per-resource start/stop/migrate/monitor actions with their own orderings. */
export interface PrimitivePlan {
  rsc: SchedResource;
  current?: SchedNode;
  next?: SchedNode;
  start?: SchedAction;
  stops: SchedAction[];
  /** stops of a completed migration's source copy (not shown in the summary) */
  dangling: SchedAction[];
  migrateTo?: SchedAction;
  migrateFrom?: SchedAction;
  /** promotable clone instances: role changes (role-actions.ts) */
  promote?: SchedAction;
  demote?: SchedAction;
}

export function createPrimitiveActions(ws: WorkingSet, r: SchedResource): PrimitivePlan {
  const runningNodes: SchedNode[] = [];
  for (const id of r.running.keys()) runningNodes.push(ws.nodeById.get(id)!);
  const current = runningNodes[0];
  const next = r.assignedTo;
  const plan: PrimitivePlan = { rsc: r, current, next, stops: [], dangling: [] };
  // Unmanaged and blocked (failed with on-fail=block, or a stop that failed without fencing) resources are left alone.
  // A blocked one that should stop gets a stop that cannot run: whatever must stop after it is blocked too.
  if (r.blocked && r.managed && (r.targetRole === 'Stopped' || r.nextRole === 'Stopped')) {
    for (const n of runningNodes) plan.stops.push(getAction(ws, r, 'stop', n, { optional: false, runnable: false }));
  }
  if (!r.managed || r.blocked) return plan;
  const multiple = runningNodes.length > 1;
  // multiple-active=stop_unexpected: the healthy copy on the node the resource stays on is kept; only the others stop.
  const keptCopy = multiple && next !== undefined && r.running.has(next.id) && !r.failedOn.has(next.id) && r.meta['multiple-active'] === 'stop_unexpected' ? next : undefined;
  for (const n of runningNodes) {
    if (n === keptCopy) continue;
    const mustStop = n !== next || r.failedOn.has(n.id) || multiple || r.restartFor.has(n.id);
    const stop = getAction(ws, r, 'stop', n, { optional: !mustStop, runnable: !r.blocked && (n.online || n.unclean) });
    if (mustStop && !next) stop.reason ??= r.stopReason ?? 'node availability';
    const why = r.restartFor.get(n.id);
    if (why && n === next) stop.reason ??= why;
    if (next && n !== next) stop.reason ??= keptCopy ? 'being multiply active' : migrationRefusal(r);
    plan.stops.push(stop);
  }
  const runningOnNext = next !== undefined && r.running.has(next.id);
  const startNeeded = next !== undefined && (!runningOnNext || r.failedOn.has(next.id) || multiple || r.restartFor.has(next.id));
  if (next || plan.stops.length === 0) {
    const blocked = r.blocked || (r.startBlockedReason !== undefined && r.running.size === 0);
    plan.start = getAction(ws, r, 'start', next, { optional: !startNeeded, runnable: next !== undefined && !blocked });
    if (next && r.startBlockedReason && r.running.size === 0) plan.start.reason = r.startBlockedReason;
    const why = next ? r.restartFor.get(next.id) : undefined;
    if (why) plan.start.reason ??= why;
    // The kept copy runs already: its start only stands for it, ordered after the other copies' stops.
    if (keptCopy) plan.start.pseudo = true;
  }
  for (const id of r.danglingOn) plan.dangling.push(getAction(ws, r, 'stop', ws.nodeById.get(id), { optional: false }));
  if (r.migrating && plan.start) {
    const meta = { migrate_source: current!.uname, migrate_target: next!.uname };
    plan.migrateFrom = getAction(ws, r, 'migrate_from', next, { optional: false });
    plan.migrateFrom.meta = { ...meta };
    // A partial migration's migrate_to already succeeded: only migrate_from is left.
    if (!continuesMigration(r)) {
      plan.migrateTo = getAction(ws, r, 'migrate_to', current, { optional: false });
      plan.migrateTo.meta = meta;
      order(plan.migrateTo, plan.migrateFrom, EDGE_FLAGS.runnableFirst);
    }
    for (const s of plan.stops) order(plan.migrateFrom, s, EDGE_FLAGS.runnableFirst);
    order(plan.migrateFrom, plan.start, EDGE_FLAGS.runnableFirst);
    plan.start.pseudo = true;
  }
  if (plan.start) {
    const restart: EdgeFlags = { impliesThen: true, restart: true, runnableFirst: !plan.migrateFrom };
    for (const s of plan.stops) order(s, plan.start, restart);
  }
  if (next) createMonitors(ws, r, next, plan.start);
  return plan;
}

/** Recurring monitors on the node a resource will run on, unless already active with a current digest. */
function createMonitors(ws: WorkingSet, r: SchedResource, node: SchedNode, start: SchedAction | undefined): void {
  const active = r.activeMonitors.get(node.id);
  // An instance of a promotable clone runs the monitors of the role it will have; a role change restarts monitoring.
  const role = promotableParent(r) ? nextRoleOf(r) : 'Started';
  const roleChange = role !== 'Started' && currentRole(r) !== role;
  for (const op of r.def?.ops ?? []) {
    if (op.name !== 'monitor' || op.intervalMs === 0 || !op.enabled) continue;
    const opRole = op.role === undefined ? undefined : parseRole(op.role);
    if (opRole !== undefined && opRole !== 'Started' && opRole !== role) continue;
    const restarting = (start !== undefined && !start.optional) || roleChange;
    if (!restarting && active?.has(op.intervalMs)) continue;
    const mon = getAction(ws, r, 'monitor', node, { optional: false, intervalMs: op.intervalMs });
    if (opRole === 'Promoted') mon.meta.role = 'Promoted';
    if (start) order(start, mon, EDGE_FLAGS.runnableFirst);
  }
}
