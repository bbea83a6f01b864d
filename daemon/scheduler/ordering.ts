import type { OrderConstraint } from '../cib/model.js';
import { findActions, getAction, EDGE_FLAGS, order } from './actions.js';
import { containedResources } from './colocation.js';
import { promotableOrderings } from './role-actions.js';
import { cloneMinimum, orderAfterEnoughInstances } from './clone-min.js';
import { colocationBlocker, type Blocker } from './colocation-blocking.js';
import { compatibleInstance, instanceNode, interleaves } from './interleave.js';
import { primitivesOf, topLevel, type EdgeFlags, type SchedAction, type SchedResource, type WorkingSet } from './working-set.js';

/** start -> stop etc.: the action that undoes another, for symmetrical orderings. */
const inverse: Record<string, string> = { start: 'stop', stop: 'start', promote: 'demote', demote: 'promote' };
/** A collective's "done" pseudo action for a task (start -> running). */
const completed: Record<string, string> = { start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted' };

/** The action representing `task` of a resource on the first side of an ordering. */
function firstAction(ws: WorkingSet, r: SchedResource, task: string): SchedAction[] {
  if (r.kind !== 'primitive') return [getAction(ws, r, completed[task] ?? task, undefined, { optional: true, pseudo: true })];
  return primitiveActions(ws, r, task);
}

/** The action representing `task` of a resource on the then side of an ordering. */
function thenAction(ws: WorkingSet, r: SchedResource, task: string): SchedAction[] {
  if (r.kind !== 'primitive') return [getAction(ws, r, task, undefined, { optional: true, pseudo: true })];
  return primitiveActions(ws, r, task);
}

function primitiveActions(ws: WorkingSet, r: SchedResource, task: string): SchedAction[] {
  const found = findActions(ws, r, task, 0);
  if (found.length) return found;
  // No such action planned: a placeholder so that dependents know it cannot happen — except the start of
  // an unmanaged resource left running, which counts as done (its dependents may start).
  return [getAction(ws, r, task, undefined, { optional: true, runnable: task === 'start' && !r.managed && r.running.size > 0 })];
}

/** Pseudo actions bracketing a group's or clone's members, and a group's internal chain. */
export function collectiveOrderings(ws: WorkingSet, r: SchedResource): void {
  if (r.kind === 'primitive') return;
  const start = getAction(ws, r, 'start', undefined, { optional: true, pseudo: true });
  const running = getAction(ws, r, 'running', undefined, { optional: true, pseudo: true });
  const stop = getAction(ws, r, 'stop', undefined, { optional: true, pseudo: true });
  const stopped = getAction(ws, r, 'stopped', undefined, { optional: true, pseudo: true });
  order(stop, start, { impliesThen: false });
  order(stopped, start, EDGE_FLAGS.plain);
  // A collective is running only if its start can run (Pacemaker orders start before running, runnable-left).
  order(start, running, EDGE_FLAGS.runnableFirst);
  for (const c of r.children) {
    collectiveOrderings(ws, c);
    // A group requires only its first member's start: each later one is required through its predecessor's.
    const requires = r.kind !== 'group' || c === r.children[0];
    for (const cs of thenAction(ws, c, 'start')) order(start, cs, { runnableFirst: true, impliesThen: requires });
    for (const cs of firstAction(ws, c, 'start')) order(cs, running, r.kind === 'group' ? EDGE_FLAGS.runnableFirstImpliesThen : EDGE_FLAGS.impliesThen);
    for (const cs of thenAction(ws, c, 'stop')) order(stop, cs, EDGE_FLAGS.impliesThen);
    for (const cs of firstAction(ws, c, 'stop')) order(cs, stopped, EDGE_FLAGS.impliesThen);
  }
  if (r.kind === 'clone') promotableOrderings(ws, r, (inst, task) => (inst.kind === 'primitive' ? findActions(ws, inst, task, 0) : [thenAction(ws, inst, task)[0]]));
  if (r.kind === 'clone') {
    running.runnable = r.children.some((c) => c.assignedTo !== undefined || c.children.some((g) => g.assignedTo !== undefined));
  }
  if (r.kind === 'group') {
    for (let i = 1; i < r.children.length; i++) {
      for (const a of firstAction(ws, r.children[i - 1], 'start')) for (const b of thenAction(ws, r.children[i], 'start')) order(a, b, EDGE_FLAGS.runnableFirstImpliesThen);
      // A member whose stop cannot run (blocked) keeps the members before it from stopping.
      for (const a of firstAction(ws, r.children[i], 'stop')) for (const b of thenAction(ws, r.children[i - 1], 'stop')) order(a, b, { impliesFirst: true, runnableFirst: a.node !== undefined && !a.runnable });
    }
  }
}

/**
 * Action pairs already ordered by a constraint: a later constraint between the same two actions is
 * ignored (observed with crm_simulate 2.1.5: an Optional order listed first makes a later Mandatory one moot).
 */
type OrderedPairs = Set<number>;

/** One number per action pair (ids stay far below 2^26: a graph that large would not fit in memory), no string built. */
const pairKey = (a: SchedAction, b: SchedAction): number => a.id * 0x4000000 + b.id;

function orderOnce(seen: OrderedPairs, a: SchedAction, b: SchedAction, flags: EdgeFlags): void {
  const key = pairKey(a, b);
  if (seen.has(key)) return;
  seen.add(key);
  order(a, b, flags);
}

function orderPair(ws: WorkingSet, seen: OrderedPairs, c: OrderConstraint, first: SchedResource, then: SchedResource, firstTask: string, thenTask: string): void {
  if (c.orderKind === 'Serialize') return;
  const mandatory = c.orderKind === 'Mandatory';
  let flags: EdgeFlags = {};
  if (mandatory && !c.symmetrical) flags = { runnableFirstIfStopped: true };
  else if (mandatory) flags = { impliesThen: true, runnableFirst: firstTask === 'start' || firstTask === 'promote' };
  // An asymmetric order into an active collective must not stop its running members, yet still blocks
  // the members that would start: order into each member rather than the collective's own start.
  const thens = mandatory && !c.symmetrical && then.kind !== 'primitive' && isActive(then) ? primitivesOf(then) : [then];
  const min = mandatory && firstTask === 'start' ? cloneMinimum(first, c) : undefined;
  if (min !== undefined) orderAfterEnoughInstances(ws, c.id, first, min, thens.flatMap((t) => thenAction(ws, t, thenTask)), (inst) => firstAction(ws, inst, 'start'));
  else if (interleaves(first, then, thenTask, c)) orderInstances(ws, seen, first, firstTask, then, thenTask, flags);
  else for (const a of firstAction(ws, first, firstTask)) for (const t of thens) for (const b of thenAction(ws, t, thenTask)) orderOnce(seen, a, b, flags);
  if (!c.symmetrical || !inverse[firstTask] || !inverse[thenTask]) return;
  const invFlags: EdgeFlags = mandatory ? { impliesFirst: true } : {};
  if (interleaves(then, first, inverse[firstTask], c)) orderInstances(ws, seen, then, inverse[thenTask], first, inverse[firstTask], invFlags);
  else for (const a of firstAction(ws, then, inverse[thenTask])) for (const b of thenAction(ws, first, inverse[firstTask])) orderOnce(seen, a, b, invFlags);
}

/** An interleaved order: each then-instance after the first clone's instance on its node (now, for stops and demotes). */
function orderInstances(ws: WorkingSet, seen: OrderedPairs, first: SchedResource, firstTask: string, then: SchedResource, thenTask: string, flags: EdgeFlags): void {
  const current = thenTask === 'stop' || thenTask === 'demote';
  for (const t of then.children) {
    const node = instanceNode(ws, t, current);
    const f = node && compatibleInstance(ws, first, node, current);
    if (!f) continue;
    for (const a of firstAction(ws, f, firstTask)) for (const b of thenAction(ws, t, thenTask)) orderOnce(seen, a, b, flags);
  }
}

/** A contained resource starts after its container and stops before it (Pacemaker's implicit container orderings). */
export function containerOrderings(ws: WorkingSet): void {
  for (const [r, container] of containedResources(ws)) {
    for (const a of firstAction(ws, container, 'start')) for (const b of thenAction(ws, r, 'start')) order(a, b, EDGE_FLAGS.runnableFirstImpliesThen);
    for (const a of firstAction(ws, r, 'stop')) for (const b of thenAction(ws, container, 'stop')) order(a, b, EDGE_FLAGS.impliesFirst);
  }
}

/** Applies rsc_order constraints (pairs and resource sets). */
export function applyOrderConstraints(ws: WorkingSet): void {
  const seen: OrderedPairs = new Set();
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind !== 'order') continue;
    if (c.sets.length === 0) {
      const first = ws.resourceById.get(c.first!);
      const then = ws.resourceById.get(c.then!);
      if (first && then) orderPair(ws, seen, c, first, then, c.firstAction, c.thenAction);
      continue;
    }
    let previous: SchedResource[] = [];
    let anyOf: SchedAction | undefined;
    for (const s of c.sets) {
      const members = s.resources.map((id) => ws.resourceById.get(id)).filter((r): r is SchedResource => r !== undefined);
      const task = s.action ?? 'start';
      if (s.sequential) for (let i = 1; i < members.length; i++) orderPair(ws, seen, c, members[i - 1], members[i], task, task);
      if (anyOf) {
        for (const m of members) for (const b of thenAction(ws, m, task)) order(anyOf, b, { runnableFirst: true, impliesThen: c.orderKind === 'Mandatory' });
      } else for (const p of previous) for (const m of members) orderPair(ws, seen, c, p, m, task, task);
      anyOf = undefined;
      if (!s.requireAll && !s.sequential && c.orderKind === 'Mandatory') {
        // "one or more": what follows may start once any member has.
        anyOf = getAction(ws, undefined, `one-or-more:${s.id}`, undefined, { optional: true, pseudo: true });
        anyOf.requiresAny = true;
        for (const m of members) for (const a of firstAction(ws, m, task)) order(a, anyOf, EDGE_FLAGS.plain);
      }
      previous = s.sequential && members.length ? [members[members.length - 1]] : members;
    }
  }
}

const isActive = (r: SchedResource): boolean => (r.kind === 'primitive' ? r.running.size > 0 : r.children.some(isActive));

/**
 * Whether an unrunnable first blocks a then-action of an asymmetric order: it does, except an optional start
 * of a resource already running there alone or an optional stop of one already stopped (Pacemaker); so a
 * required start — a recovery or restart in place — is blocked too.
 */
const asymmetricBlocks = (t: SchedAction): boolean => {
  if (!t.rsc || !t.optional) return true;
  if (t.task === 'stop') return isActive(t.rsc);
  if (t.task !== 'start') return true;
  return t.node ? !(t.rsc.running.size === 1 && t.rsc.running.has(t.node.id)) : !isActive(t.rsc);
};

/** A clone's own action -> what its instances do (running is made of their starts). */
const instanceTask: Record<string, string> = { start: 'start', running: 'start', stop: 'stop', stopped: 'stop', promote: 'promote', promoted: 'promote', demote: 'demote', demoted: 'demote' };

/**
 * Whether a required action of a clone requires a then-action that happens on one node (a primitive's, or
 * a group's start, on the group's node): only if some instance's own action on that node is required
 * (Pacemaker asks the clone for its flags on the then-side's node): an instance starting elsewhere
 * restarts nothing here.
 */
function cloneRequiresOn(ws: WorkingSet, a: SchedAction, t: SchedAction): boolean {
  if (!a.pseudo || a.rsc?.kind !== 'clone' || !instanceTask[a.task] || !t.rsc || t.rsc.kind === 'clone' || topLevel(t.rsc) === a.rsc) return true;
  const node = t.node ?? (t.rsc?.kind === 'group' && t.task === 'start' ? t.rsc.children[0]?.assignedTo : undefined);
  if (!node) return true;
  const task = instanceTask[a.task];
  return primitivesOf(a.rsc).some((p) => (ws.actionsByRsc.get(p) ?? []).some((x) => x.task === task && x.node === node && !x.optional));
}

const label = (a: SchedAction) => (a.rsc ? `${a.rsc.id} ${a.task}` : a.task);

/**
 * Propagates ordering consequences to a fixpoint: unrunnable firsts make
 * thens unrunnable, required firsts make thens required (and restarts make
 * the stop required), required thens make inverse firsts required.
 */
export function propagateOrderings(ws: WorkingSet): void {
  const anyOf = ws.actions.filter((a) => a.requiresAny);
  let queue: SchedAction[] = ws.actions; // propagateFrom works on a copy
  const blockDependents = colocationBlocker(ws);
  for (;;) {
    propagateFrom(ws, queue, blockDependents);
    // A "requires any" action is unrunnable only once none of its predecessors can run.
    queue = anyOf.filter((a) => a.runnable && a.before.length > 0 && a.before.filter((e) => e.first.runnable).length < (a.requiresAtLeast ?? 1));
    if (queue.length === 0) return;
    for (const a of queue) a.runnable = false;
  }
}

function propagateFrom(ws: WorkingSet, initial: SchedAction[], blockDependents: Blocker): void {
  // A FIFO read from a moving head (shift() is linear in the queue's length), flags indexed by action id.
  // Indexed loops throughout: this runs once per transition, largely unoptimised, where for-of makes an iterator result per edge.
  const queue = initial.slice();
  let head = 0;
  const queued = new Uint8Array(ws.actions.length);
  for (let k = 0; k < queue.length; k++) queued[queue[k].id] = 1;
  const push = (a: SchedAction) => {
    if (queued[a.id] === 0) {
      queued[a.id] = 1;
      queue.push(a);
    }
  };
  while (head < queue.length) {
    const a = queue[head++];
    queued[a.id] = 0;
    blockDependents(a, push);
    const afterEdges = a.afterEdges;
    for (let k = 0; k < afterEdges.length; k++) {
      const e = afterEdges[k];
      const t = e.then;
      const blocks = !t.requiresAny && (e.flags.runnableFirst || (e.flags.runnableFirstIfStopped && asymmetricBlocks(t)));
      if (blocks && !a.runnable && t.runnable) {
        t.runnable = false;
        // A collective's own start passes on why it cannot run to its members.
        t.reason ??= a.pseudo && a.reason && a.rsc && t.rsc?.parent === a.rsc ? a.reason : `unrunnable ${label(a)}`;
        push(t);
      }
      // A live-migrating resource's start is a formality: it restarts nothing after it.
      const migrationStart = a.pseudo && a.task === 'start' && a.rsc?.migrating === true;
      if (e.flags.impliesThen && !a.optional && t.optional && !migrationStart && !(t.rsc && t.rsc.kind === 'primitive' && t.node === undefined) && cloneRequiresOn(ws, a, t)) {
        t.optional = false;
        // A member required through its own collective's start names what required the collective.
        t.reason ??= a.pseudo && a.rsc && a.rsc.kind !== 'primitive' && t.rsc?.parent === a.rsc ? a.reason : `required ${label(a)}`;
        push(t);
      }
    }
    const before = a.before;
    for (let k = 0; k < before.length; k++) {
      const e = before[k];
      const f = e.first;
      const migrationStop = a.task === 'stop' && a.rsc?.migrating === true;
      if (e.flags.impliesFirst && !a.optional && f.optional && f.node !== undefined && !migrationStop) {
        f.optional = false;
        // A stop forced by the then-side stopping is due to the start that side can no longer have.
        f.reason ??= a.rsc ? `required ${a.rsc.id} ${inverse[a.task] ?? a.task}` : `required ${label(a)}`;
        push(f);
      }
      if (e.flags.restart && !a.optional && a.runnable && f.optional) {
        f.optional = false;
        push(f);
      }
      // A running resource whose start became impossible must stop.
      if (e.flags.restart && !a.runnable && f.optional && f.runnable && a.node === f.node) {
        f.optional = false;
        f.reason ??= a.reason;
        push(f);
      }
    }
  }
}
