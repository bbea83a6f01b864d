import type { OrderConstraint } from '../cib/model.js';
import { primitivesOf, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';
import type { PrimitivePlan } from './actions.js';
import { cloneMinimum } from './clone-min.js';
import { isTrueValue } from '../cib/truth.js';

/**
 * Interleaved clones (meta interleave=true): an order between two clones binds
 * each instance of the "then" clone to the instance of the "first" clone on
 * the same node, instead of to the whole first clone. Which clone's setting
 * counts follows Pacemaker: for stops and demotes the first clone's, else the
 * then clone's.
 */
export function interleaves(first: SchedResource, then: SchedResource, thenTask: string, c: OrderConstraint): boolean {
  if (first === then || first.kind !== 'clone' || then.kind !== 'clone' || cloneMinimum(first, c) !== undefined) return false;
  if (!['start', 'stop'].includes(thenTask)) return false;
  const owner = thenTask === 'stop' || thenTask === 'demote' ? first : then;
  return isTrueValue(owner.meta.interleave);
}

/** Where an instance is now (current) or will be (assigned): the node its first primitive is on. */
export function instanceNode(ws: WorkingSet, inst: SchedResource, current: boolean): SchedNode | undefined {
  const lead = primitivesOf(inst)[0];
  if (!lead) return undefined;
  if (!current) return lead.assignedTo;
  const id = lead.running.keys().next().value;
  return id === undefined ? undefined : ws.nodeById.get(id);
}

/** The instance of `clone` on `node` (now or as assigned), if any. */
export function compatibleInstance(ws: WorkingSet, clone: SchedResource, node: SchedNode, current: boolean): SchedResource | undefined {
  return clone.children.find((c) => instanceNode(ws, c, current) === node);
}

/**
 * A mandatory interleaved order keeps a then-instance from being active where
 * no instance of the first clone will be (Pacemaker "inhibits" it after its
 * actions exist: it does not start, or is stopped). Pacemaker unassigns an
 * inhibited instance, so an instance ordered after it is inhibited in turn:
 * repeated until nothing changes.
 */
export function inhibitUnpairedInstances(ws: WorkingSet): void {
  const orders: { first: SchedResource; then: SchedResource }[] = [];
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind !== 'order' || c.sets.length > 0 || c.orderKind !== 'Mandatory') continue;
    const first = ws.resourceById.get(c.first!);
    const then = ws.resourceById.get(c.then!);
    if (!first || !then || !interleaves(first, then, c.thenAction, c)) continue;
    if (c.thenAction === 'stop' || c.thenAction === 'demote') continue;
    orders.push({ first, then });
  }
  const pairedOn = (clone: SchedResource, node: SchedNode) =>
    clone.children.some((c) => instanceNode(ws, c, false) === node && !primitivesOf(c).some((p) => inhibited.has(p)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const { first, then } of orders) {
      for (const inst of then.children) {
        const node = instanceNode(ws, inst, false);
        const members = primitivesOf(inst);
        if (!node || members.every((p) => inhibited.has(p)) || pairedOn(first, node)) continue;
        for (const p of members) inhibited.add(p);
        changed = true;
      }
    }
  }
}

const inhibited = new WeakSet<SchedResource>();

/**
 * An inhibited instance keeps the actions planned for its node, but its start
 * cannot run and what runs there stops; it is reported as going nowhere.
 */
export function applyInhibitions(plans: PrimitivePlan[]): void {
  for (const plan of plans) {
    if (!inhibited.has(plan.rsc)) continue;
    if (plan.start) plan.start.runnable = false;
    for (const s of plan.stops) {
      s.optional = false;
      s.reason ??= '';
    }
    plan.next = undefined;
  }
}
