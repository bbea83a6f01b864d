import type { CibSnapshot } from '../cib/store.js';

/**
 * A node's incarnation is the id of the etcd lease it joined with: a restarted (or rejoined)
 * node is a new incarnation, and what the DC planned for an earlier one must never run on it.
 * Each node publishes its incarnation as a transient attribute once it takes requests; its
 * status was reset before, so a snapshot showing an incarnation shows that incarnation's status
 * (the DC reads both at one revision).
 */
export const INCARNATION_ATTRIBUTE = 'vigil-incarnation';

/** The incarnation a snapshot shows for a node; undefined while it is absent or still joining. */
export function incarnationOf(snapshot: CibSnapshot, node: string): string | undefined {
  return snapshot.members.includes(node) ? snapshot.status.get(node)?.attributes.get(INCARNATION_ATTRIBUTE) : undefined;
}
