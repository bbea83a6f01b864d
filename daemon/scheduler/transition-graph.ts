import { opTimeoutMs } from './actions.js';
import { paramsFor } from './location.js';
import { cloneOf } from './unpack-status.js';
import type { Action } from './transition.js';
import type { SchedAction, WorkingSet } from './working-set.js';
import { MinHeap } from '../util/min-heap.js';

const included = (a: SchedAction) => !a.optional && a.runnable;

/** Meta attributes the agent sees as OCF_RESKEY_CRM_meta_* for this action. */
function actionMeta(a: SchedAction, timeoutMs: number): Record<string, string> {
  const meta: Record<string, string> = { ...a.meta, timeout: String(timeoutMs) };
  if (a.intervalMs) meta.interval = String(a.intervalMs);
  const clone = a.rsc ? cloneOf(a.rsc) : undefined;
  if (clone) {
    meta.clone_max = clone.meta['clone-max'] ?? String(clone.children.length);
    meta.clone_node_max = clone.meta['clone-node-max'] ?? '1';
    meta.globally_unique = clone.meta['globally-unique'] ?? 'false';
    meta.notify = clone.meta.notify ?? 'false';
    const inst = a.rsc!.instance ?? a.rsc!.parent?.instance;
    if (inst !== undefined) meta.clone = String(inst);
  }
  if (a.node) meta.on_node = a.node.uname;
  return meta;
}

/**
 * Adds to `out` the new ids of the included actions `a` waits for, directly
 * or through actions left out (whose lists are memoised in `through`),
 * repeats included (see distinct). One self-recursive function rather than
 * two closures calling each other: the optimising compiler inlined those into
 * each other, and compiling that cost more than the whole graph build.
 */
function waitsFor(a: SchedAction, graph: GraphIds, out: number[]): void {
  // Indexed loops: this runs once per transition, mostly unoptimised, where for-of makes an iterator result per edge.
  const { newId, through } = graph;
  const before = a.before;
  for (let k = 0; k < before.length; k++) {
    const f = before[k].first;
    const id = newId[f.id];
    if (id >= 0) {
      out.push(id);
      continue;
    }
    let list = through[f.id];
    if (!list) {
      through[f.id] = []; // cycle guard
      const found: number[] = [];
      waitsFor(f, graph, found);
      through[f.id] = list = distinct(graph, found, -1);
    }
    for (let m = 0; m < list.length; m++) out.push(list[m]);
  }
}

/**
 * `ids` without repeats and without `self`, in place. Marks (an id is listed once its mark is this call's
 * stamp) rather than a Set per action: most actions wait for one or two others.
 */
function distinct(graph: GraphIds, ids: number[], self: number): number[] {
  const { mark } = graph;
  const stamp = ++graph.stamps;
  let kept = 0;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (mark[id] === stamp || id === self) continue;
    mark[id] = stamp;
    ids[kept++] = id;
  }
  ids.length = kept;
  return ids;
}

/** What waitsFor and distinct work with: new ids by SchedAction.id (-1: left out), memoised lists, marks by new id and the last stamp used. */
interface GraphIds {
  newId: Int32Array;
  through: (number[] | undefined)[];
  mark: Int32Array;
  stamps: number;
}

/** Mandatory, runnable actions with ordering edges (through skipped pseudo actions), in creation order. */
export function buildTransitionActions(ws: WorkingSet): Action[] {
  const chosen = ws.actions.filter(included);
  // Indexed by SchedAction.id (its position in ws.actions): the new id, -1 for actions left out.
  const newId = new Int32Array(ws.actions.length).fill(-1);
  for (let i = 0; i < chosen.length; i++) newId[chosen[i].id] = i;
  // Orderings pass through actions that will not run: memoise, per skipped action, the included actions it waits for.
  const graph: GraphIds = { newId, through: new Array(ws.actions.length), mark: new Int32Array(chosen.length), stamps: 0 };
  return chosen.map((a, i) => {
    const after: number[] = [];
    waitsFor(a, graph, after);
    distinct(graph, after, i);
    if (after.length > 1) after.sort((x, y) => x - y);
    const rsc = a.rsc;
    const def = rsc?.def;
    const timeoutMs = rsc && def ? opTimeoutMs(ws, rsc, a.task, a.intervalMs) : 20_000;
    const action: Action = {
      id: i,
      // Forgetting an orphan's history is the DC's own bookkeeping, not an agent call.
      kind: a.pseudo ? 'pseudo' : a.task === 'delete' ? 'cluster' : a.task === 'stonith' ? 'fence' : 'resource',
      key: a.key,
      operation: a.task === 'stonith' ? a.meta.stonith_action : a.task,
      resource: rsc?.id,
      node: a.node?.uname,
      intervalMs: a.intervalMs,
      timeoutMs,
      agent: def ? { class: def.class, provider: def.provider, type: def.type } : undefined,
      params: rsc && !a.pseudo ? paramsFor(ws, rsc, a.node) : {},
      meta: a.pseudo ? {} : actionMeta(a, timeoutMs),
      after,
    };
    // Set after, not spread into the literal: spreading makes each action in a slow runtime call.
    if (a.task === 'monitor' && a.intervalMs === 0) action.probe = true;
    if (a.task === 'start' && ws.options.startFailureIsFatal) action.failureIsFatal = true;
    return action;
  });
}

/**
 * Execution order: a topological order of the graph, earliest-created first
 * among ready actions. Each action counts its unmet predecessors; the edges
 * to its dependents sit in one flat array (offsets per action). Runs once per
 * transition, mostly before the optimising compiler has reached it: plain
 * indexed loops, and each edge's predecessor looked up once.
 */
export function executionOrder(actions: Action[]): Action[] {
  const n = actions.length;
  // By id: a plain array (dense for a transition's ids 0..n-1, and still right for any other numbers).
  const position: number[] = [];
  let edges = 0;
  for (let i = 0; i < n; i++) {
    position[actions[i].id] = i;
    edges += actions[i].after.length;
  }
  // Each edge's predecessor position, -1 for one not in the list: it never completes, so the action waits for ever (listed at the end).
  const predecessor = new Int32Array(edges);
  const waiting = new Int32Array(n);
  const start = new Int32Array(n + 1);
  for (let i = 0, e = 0; i < n; i++) {
    const after = actions[i].after;
    waiting[i] = after.length;
    for (let k = 0; k < after.length; k++, e++) {
      const j = position[after[k]] ?? -1;
      predecessor[e] = j;
      if (j >= 0) start[j + 1]++;
    }
  }
  for (let j = 0; j < n; j++) start[j + 1] += start[j];
  const dependents = new Int32Array(start[n]);
  const fill = start.slice(0, n);
  for (let i = 0, e = 0; i < n; i++) {
    for (const end = e + actions[i].after.length; e < end; e++) {
      const j = predecessor[e];
      if (j >= 0) dependents[fill[j]++] = i;
    }
  }
  const ready = new MinHeap();
  for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(actions[i].id);
  const out: Action[] = [];
  const listed = new Uint8Array(n);
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    const i = position[id];
    out.push(actions[i]);
    listed[i] = 1;
    for (let k = start[i]; k < start[i + 1]; k++) {
      const d = dependents[k];
      if (--waiting[d] === 0) ready.push(actions[d].id);
    }
  }
  // Cycles (should not happen) still list every action once.
  for (let i = 0; i < n; i++) if (!listed[i]) out.push(actions[i]);
  return out;
}
