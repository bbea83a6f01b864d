import { findActions, getAction, EDGE_FLAGS, order } from './actions.js';
import { currentRole, isPromotableClone, nextRoleOf } from './roles.js';
import { isTrueValue } from '../cib/truth.js';
import { primitivesOf, type SchedAction, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';

/**
 * Clone notifications (Pacemaker Explained, "Clone Resource Agent
 * Requirements"): an instance of a clone with notify=true is told, before and
 * after the clone's instances start, stop, promote or demote, which instances
 * do what where. Per task the clone gets pseudo actions
 * pre_notify -> confirmed-pre_notify -> <task> ... <done> -> post_notify ->
 * confirmed-post_notify, and each instance concerned a notify action between
 * each pair. Built once orderings are settled: notifications never make an
 * action required or unrunnable, they only add waits (what follows the clone's
 * "running" waits for the post notifications, as Pacemaker orders it).
 */

const completed: Record<string, string> = { start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted' };

/** One instance doing something (or being somewhere) on a node; node absent for inactive instances. */
interface Entry {
  rsc: string;
  node?: string;
}

interface Change {
  action: SchedAction;
  entry: Entry;
}

interface CloneNotifications {
  pre: SchedAction;
  preDone: SchedAction;
  post: SchedAction;
  postDone: SchedAction;
}

export function createNotifications(ws: WorkingSet): void {
  for (const r of ws.resources) if (r.kind === 'clone' && isTrueValue(r.meta.notify)) notifyClone(ws, r);
}

function notifyClone(ws: WorkingSet, clone: SchedResource): void {
  const members = primitivesOf(clone);
  const tasks = isPromotableClone(clone) ? ['stop', 'demote', 'start', 'promote'] : ['stop', 'start'];
  const doing = new Map(tasks.map((t) => [t, members.flatMap((p) => changes(ws, p, t))]));
  const lists = notifyLists(ws, members, doing);
  // The instances' own role changes carry the lists too (an agent may read them in start or stop).
  for (const changed of doing.values()) for (const { action } of changed) Object.assign(action.meta, lists);
  const made = new Map<string, CloneNotifications>();
  for (const task of tasks) {
    // No instance does it: Pacemaker's notifications stay optional and out of the graph.
    if (doing.get(task)!.length === 0) continue;
    const n = pseudoActions(ws, clone, task);
    made.set(task, n);
    for (const p of members) instanceNotifications(ws, p, task, n, lists);
  }
  // Notifications of one task finish before those of the next begin (Pacemaker's clone and promotable orderings).
  const chain = (a: string, b: string) => {
    const first = made.get(a);
    const then = made.get(b);
    if (first && then) order(first.postDone, then.pre, EDGE_FLAGS.plain);
  };
  chain('stop', 'start');
  for (const [a, b] of [['stop', 'promote'], ['start', 'promote'], ['demote', 'promote'], ['demote', 'start'], ['demote', 'stop']]) chain(a, b);
}

/** Instance actions of `task` that will run: mandatory and runnable (a stop on an unclean node counts: fencing implies it). */
function changes(ws: WorkingSet, p: SchedResource, task: string): Change[] {
  return findActions(ws, p, task, 0)
    .filter((a) => a.node !== undefined && !a.optional && (a.runnable || (task === 'stop' && a.node.unclean)))
    .map((a) => ({ action: a, entry: { rsc: p.id, node: a.node!.uname } }));
}

function pseudoActions(ws: WorkingSet, clone: SchedResource, task: string): CloneNotifications {
  const done = completed[task];
  const make = (type: string, op: string, notifyTask: string, runnable: boolean) => {
    const a = getAction(ws, clone, notifyTask, undefined, { optional: false, pseudo: true, key: `${clone.id}_${type}_notify_${op}_0`, runnable });
    a.meta = { notify_type: type.replace('confirmed-', ''), notify_operation: task, notify_key_type: type, notify_key_operation: op };
    return a;
  };
  const action = getAction(ws, clone, task, undefined, { optional: true, pseudo: true });
  const complete = getAction(ws, clone, done, undefined, { optional: true, pseudo: true });
  const n: CloneNotifications = {
    pre: make('pre', task, 'notify', true),
    preDone: make('confirmed-pre', task, 'notified', true),
    post: make('post', done, 'notify', complete.runnable),
    postDone: make('confirmed-post', done, 'notified', complete.runnable),
  };
  order(n.pre, n.preDone, EDGE_FLAGS.plain);
  order(n.preDone, action, EDGE_FLAGS.plain);
  // What was ordered after the clone's completion waits for the post notifications too.
  for (const e of [...complete.afterEdges]) order(n.postDone, e.then, EDGE_FLAGS.plain);
  order(complete, n.post, EDGE_FLAGS.plain);
  order(n.post, n.postDone, EDGE_FLAGS.plain);
  order(n.preDone, n.post, EDGE_FLAGS.plain);
  return n;
}

/**
 * Pacemaker's choice of who is told: for stop and demote, every active
 * instance before, and after those that stay; for start and promote, every
 * instance that will be active, before unless it is the one starting, and after.
 */
function instanceNotifications(ws: WorkingSet, p: SchedResource, task: string, n: CloneNotifications, lists: Record<string, string>): void {
  if ((task === 'stop' || task === 'demote') && currentRole(p) !== 'Stopped') {
    const stop = findActions(ws, p, 'stop', 0)[0];
    for (const id of p.running.keys()) {
      const node = ws.nodeById.get(id)!;
      notifyOn(ws, p, node, 'pre', task, n.pre, n.preDone, lists);
      if (task === 'demote' || !stop || stop.optional) notifyOn(ws, p, node, 'post', task, n.post, n.postDone, lists);
    }
  }
  if ((task === 'start' || task === 'promote') && nextRoleOf(p) !== 'Stopped' && p.assignedTo) {
    const start = findActions(ws, p, 'start', 0)[0];
    // An instance that cannot start is told nothing (its agent would hear of a copy that never runs).
    if (start && !start.optional && !start.runnable) return;
    if (task !== 'start' || !start || start.optional) notifyOn(ws, p, p.assignedTo, 'pre', task, n.pre, n.preDone, lists);
    const post = notifyOn(ws, p, p.assignedTo, 'post', task, n.post, n.postDone, lists);
    // Recurring monitors begin once every instance has heard of the change.
    if (post) for (const m of ws.actionsByRsc.get(p) ?? []) if (m.task === 'monitor' && m.intervalMs > 0) order(n.postDone, m, EDGE_FLAGS.plain);
  }
}

function notifyOn(ws: WorkingSet, p: SchedResource, node: SchedNode, type: 'pre' | 'post', task: string, pseudo: SchedAction, confirmed: SchedAction, lists: Record<string, string>): SchedAction | undefined {
  if (!node.online || !pseudo.runnable) return undefined;
  const a = getAction(ws, p, 'notify', node, { optional: false, key: `${p.id}_${type}_notify_${task}_0` });
  a.meta = { ...pseudo.meta, ...lists };
  order(pseudo, a, EDGE_FLAGS.plain);
  order(a, confirmed, EDGE_FLAGS.plain);
  return a;
}

/**
 * The notify_* meta attributes (OCF_RESKEY_CRM_meta_notify_*): space-separated
 * instance ids and node names per kind, sorted by instance then node, " " when
 * empty (so the variable is always set). Pacemaker 2.x sends the old
 * master/slave names alongside promoted/unpromoted.
 */
function notifyLists(ws: WorkingSet, members: SchedResource[], doing: Map<string, Change[]>): Record<string, string> {
  const active: Entry[] = [];
  const inactive: Entry[] = [];
  const promoted: Entry[] = [];
  const unpromoted: Entry[] = [];
  for (const p of members) {
    const first = p.running.keys().next();
    if (first.done) {
      inactive.push({ rsc: p.id });
      continue;
    }
    const entry = { rsc: p.id, node: ws.nodeById.get(first.value)!.uname };
    active.push(entry);
    const role = currentRole(p);
    if (role === 'Promoted') promoted.push(entry);
    else if (role === 'Unpromoted') unpromoted.push(entry);
  }
  const lists: Record<string, string> = {};
  const put = (kind: string, entries: Entry[]) => {
    const [resources, unames] = toStrings(entries);
    lists[`notify_${kind}_resource`] = resources;
    lists[`notify_${kind}_uname`] = unames;
  };
  put('active', active);
  lists.notify_inactive_resource = toStrings(inactive)[0];
  for (const task of ['start', 'stop', 'promote', 'demote']) put(task, (doing.get(task) ?? []).map((d) => d.entry));
  for (const kind of ['promoted', 'master']) put(kind, promoted);
  for (const kind of ['unpromoted', 'slave']) put(kind, unpromoted);
  lists.notify_all_uname = ws.nodes.map((n) => n.uname).sort().join(' ') || ' ';
  // Where the clone may run: the instances share the clone's allowed nodes.
  const available = new Set(members.flatMap((p) => [...p.allowed.keys()]));
  lists.notify_available_uname = [...available].map((id) => ws.nodeById.get(id)!.uname).sort().join(' ') || ' ';
  return lists;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function toStrings(entries: Entry[]): [string, string] {
  const sorted = [...entries].sort((a, b) => byName(a.rsc, b.rsc) || byName(a.node ?? '', b.node ?? ''));
  const resources: string[] = [];
  const unames: string[] = [];
  for (const e of sorted) {
    if (resources[resources.length - 1] !== e.rsc) resources.push(e.rsc);
    if (e.node !== undefined) unames.push(e.node);
  }
  return [resources.join(' ') || ' ', unames.join(' ') || ' '];
}
