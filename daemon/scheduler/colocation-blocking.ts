import { INFINITY } from '../cib/score.js';
import { findActions } from './actions.js';
import { topLevel, type SchedAction, type SchedColocation, type SchedResource, type WorkingSet } from './working-set.js';

/**
 * A mandatory colocation's dependent cannot reach its role when the whole
 * primary cannot: once every start (or, for a Promoted-role colocation, every
 * promote) of the primary is unrunnable, the dependent's start (promote, for
 * a Promoted dependent) is blocked too, "due to colocation with <primary>"
 * (Pacemaker's colocated-start blocking).
 */
export type Blocker = (a: SchedAction, push: (a: SchedAction) => void) => void;

/** The resource a colocation constrains as dependent (a group, not the member that stands for it). */
const dependentOf = (col: SchedColocation): SchedResource => (col.dependent.parent?.kind === 'group' && col.id !== `${col.dependent.parent.id}-internal` ? col.dependent.parent : col.dependent);

export function colocationBlocker(ws: WorkingSet): Blocker {
  // Mandatory colocations by the top-level resource of their primary (a group's own chain excluded).
  const byPrimary = new Map<SchedResource, SchedColocation[]>();
  for (const col of ws.colocations) {
    if (col.score < INFINITY) continue;
    const top = topLevel(col.primary);
    if (topLevel(col.dependent) === top) continue;
    (byPrimary.get(top) ?? byPrimary.set(top, []).get(top)!).push(col);
  }
  const block = (r: SchedResource, task: string, why: string, push: (a: SchedAction) => void) => {
    for (const a of ws.actionsByRsc.get(r) ?? []) {
      if (a.task !== task || !a.runnable) continue;
      a.runnable = false;
      a.reason = why;
      push(a);
    }
    for (const c of r.children) block(c, task, why, push);
  };
  return (a, push) => {
    if (a.runnable || !a.rsc || (a.task !== 'start' && a.task !== 'promote')) return;
    const top = topLevel(a.rsc);
    const cols = byPrimary.get(top);
    if (!cols) return;
    // A collective primary fails only when none of its members can.
    if (top.kind !== 'primitive' && top.children.some((c) => findActions(ws, c, a.task).some((x) => x.runnable) || (c.kind !== 'primitive' && c.children.some((m) => findActions(ws, m, a.task).some((x) => x.runnable))))) return;
    for (const col of cols) {
      if (a.task === 'promote' && col.primaryRole !== 'Promoted') continue;
      block(dependentOf(col), col.dependentRole === 'Promoted' ? 'promote' : 'start', `colocation with ${a.rsc.id}`, push);
    }
  };
}
