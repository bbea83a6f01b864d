import { opTimeoutMs } from './actions.js';
import { paramsFor } from './location.js';
import { cloneOf } from './unpack-status.js';
import type { Action } from './transition.js';
import type { SchedAction, WorkingSet } from './working-set.js';
import { MinHeap } from '../util/min-heap.js';

const included = (a: SchedAction) => !a.optional && a.runnable;

/** Meta attributes the agent sees as OCF_RESKEY_CRM_meta_* for this action. */
function actionMeta(ws: WorkingSet, a: SchedAction, timeoutMs: number): Record<string, string> {
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

/** Mandatory, runnable actions with ordering edges (through skipped pseudo actions), in creation order. */
export function buildTransitionActions(ws: WorkingSet): Action[] {
  const chosen = ws.actions.filter(included);
  const newId = new Map(chosen.map((a, i) => [a, i]));
  // Orderings pass through actions that will not run: memoise, per skipped action, the included actions it waits for.
  const through = new Map<SchedAction, number[]>();
  const predecessors = (a: SchedAction, out: Set<number>) => {
    for (const e of a.before) {
      const f = e.first;
      const id = newId.get(f);
      if (id !== undefined) out.add(id);
      else for (const p of passThrough(f)) out.add(p);
    }
  };
  const passThrough = (f: SchedAction): number[] => {
    let list = through.get(f);
    if (list) return list;
    through.set(f, []); // cycle guard
    const out = new Set<number>();
    predecessors(f, out);
    list = [...out];
    through.set(f, list);
    return list;
  };
  return chosen.map((a, i) => {
    const after = new Set<number>();
    predecessors(a, after);
    after.delete(i);
    const rsc = a.rsc;
    const def = rsc?.def;
    const timeoutMs = rsc && def ? opTimeoutMs(ws, rsc, a.task, a.intervalMs) : 20_000;
    const probe = a.task === 'monitor' && a.intervalMs === 0;
    return {
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
      meta: a.pseudo ? {} : actionMeta(ws, a, timeoutMs),
      after: [...after].sort((x, y) => x - y),
      ...(probe ? { probe: true } : {}),
    } satisfies Action;
  });
}

/** Execution order: a topological order of the graph, earliest-created first among ready actions. */
export function executionOrder(actions: Action[]): Action[] {
  const remaining = new Map(actions.map((a) => [a.id, new Set(a.after)]));
  const dependents = new Map<number, number[]>();
  for (const a of actions) for (const b of a.after) (dependents.get(b) ?? dependents.set(b, []).get(b)!).push(a.id);
  const ready = new MinHeap();
  for (const a of actions) if (a.after.length === 0) ready.push(a.id);
  const out: Action[] = [];
  const listed = new Set<Action>();
  const byId = new Map(actions.map((a) => [a.id, a]));
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    const a = byId.get(id)!;
    out.push(a);
    listed.add(a);
    for (const d of dependents.get(id) ?? []) {
      const deps = remaining.get(d)!;
      deps.delete(id);
      if (deps.size === 0) ready.push(d);
    }
  }
  // Cycles (should not happen) still list every action once.
  for (const a of actions) if (!listed.has(a)) out.push(a);
  return out;
}
