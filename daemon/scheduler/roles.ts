import { cloneOf } from './unpack-status.js';
import type { Role, SchedNode, SchedResource, WorkingSet } from './working-set.js';
import { isTrueValue } from '../cib/truth.js';

/**
 * Roles of promotable clone instances (Pacemaker Explained, "Promotable
 * clones"): an active instance is Unpromoted or Promoted. Old CIBs say
 * Slave/Master; parseRole maps those names.
 */


export const isPromotableClone = (r: SchedResource): boolean => r.kind === 'clone' && (r.cloneDef?.promotable === true || isTrueValue(r.meta.promotable));

/** The promotable clone a primitive (or a cloned group's member) belongs to, if any. */
export function promotableParent(r: SchedResource): SchedResource | undefined {
  const clone = r.kind === 'clone' ? r : cloneOf(r) ?? (r.parent?.kind === 'clone' ? r.parent : undefined);
  return clone && isPromotableClone(clone) ? clone : undefined;
}

/** The instance (primitive or cloned group) of a clone that `r` is or belongs to. */
export const instanceOf = (r: SchedResource): SchedResource => (r.parent?.kind === 'group' && r.parent.parent?.kind === 'clone' ? r.parent : r);

/** A promotable clone's meta option, under its current or its pre-2.0 name. */
export function cloneLimit(clone: SchedResource, name: 'promoted-max' | 'promoted-node-max'): number {
  const old = name === 'promoted-max' ? 'master-max' : 'master-node-max';
  const v = clone.meta[name] ?? clone.meta[old];
  const n = v === undefined ? 1 : Number(v);
  return Number.isFinite(n) ? n : 1;
}

/** Where a primitive runs now, and in which role (an instance of a promotable clone is Unpromoted unless Promoted). */
export function currentRole(r: SchedResource): Role {
  if (r.running.size === 0) return 'Stopped';
  for (const role of r.running.values()) if (role === 'Promoted') return 'Promoted';
  return promotableParent(r) ? 'Unpromoted' : 'Started';
}

/** A resource (primitive or group instance) is currently promoted somewhere. */
export function promotedNow(r: SchedResource): boolean {
  if (r.kind === 'primitive') return currentRole(r) === 'Promoted';
  return r.children.some(promotedNow);
}

/** The role an instance will have after the transition ('Started' for ordinary resources). */
export function nextRoleOf(r: SchedResource): Role {
  if (!r.assignedTo) return 'Stopped';
  if (r.nextRole === 'Promoted' || r.nextRole === 'Unpromoted') return r.nextRole;
  return promotableParent(r) ? 'Unpromoted' : 'Started';
}

/** Whether an instance (primitive or cloned group) will be promoted on `node` after the transition. */
export function promotedNext(r: SchedResource, node?: SchedNode): boolean {
  if (r.kind !== 'primitive') return r.children.length > 0 && r.children.every((c) => promotedNext(c, node));
  return nextRoleOf(r) === 'Promoted' && (node === undefined || r.assignedTo === node);
}

/** Sets the next role of every primitive in an instance. */
export function setNextRole(inst: SchedResource, role: Role): void {
  if (inst.kind === 'primitive') inst.nextRole = role;
  for (const c of inst.children) setNextRole(c, role);
}

/** Node ids with a resource's history (probed or acted on), for promotion scores; filled from the status. */
export function knownNodes(ws: WorkingSet): Map<SchedResource, Set<string>> {
  let m = knownMemo.get(ws);
  if (!m) knownMemo.set(ws, (m = new Map()));
  return m;
}
const knownMemo = new WeakMap<WorkingSet, Map<SchedResource, Set<string>>>();
