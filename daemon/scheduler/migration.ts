import type { StatusHistories, UnpackedHistory } from './unpack-status.js';
import type { PrimitivePlan } from './actions.js';
import { primitivesOf, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';

/** Migrations whose migrate_to succeeded but whose migrate_from never ran (per resource). */
const partialMigrations = new WeakMap<SchedResource, { source: SchedNode; target: SchedNode }>();

/** Why a migration was called off in favour of stop/start (per resource), for the summary's reason. */
const refusedMigrations = new WeakMap<SchedResource, string>();

/** The reason a resource that could have migrated stops and starts instead, if one. */
export const migrationRefusal = (r: SchedResource): string | undefined => refusedMigrations.get(r);

/** Whether the resource continues a partial migration: only migrate_from is left to do. */
export const continuesMigration = (r: SchedResource): boolean => r.migrating && partialMigrations.has(r);

/**
 * Interprets migrations recorded across two nodes' histories (Pacemaker's
 * rules): a completed migrate_to + migrate_from leaves the resource on the
 * target and a copy to stop on the source; a failed migrate_from fails the
 * source; a failed migrate_to may have left the resource active on the target.
 */
export function reconcileMigrations(ws: WorkingSet, histories: StatusHistories): void {
  const byRsc = new Map<SchedResource, UnpackedHistory[]>();
  for (const h of histories.migrations) (byRsc.get(h.rsc) ?? byRsc.set(h.rsc, []).get(h.rsc)!).push(h);
  for (const [rsc, list] of byRsc) {
    const on = (uname: string | undefined) => list.find((h) => h.node.uname === uname);
    for (const h of list) {
      const s = h.state;
      if (s.migratedTo && rsc.running.has(h.node.id)) {
        const target = on(s.migratedTo);
        if (target?.state.migratedFrom === h.node.uname && rsc.running.has(target.node.id)) {
          rsc.running.delete(h.node.id);
          rsc.danglingOn.add(h.node.id);
        } else if (target?.state.failedMigrateFrom === h.node.uname) {
          rsc.failed = true;
          rsc.failedOn.add(h.node.id);
        } else if (target && target.node.online && target.state.migratedFrom === undefined && !target.state.acted) {
          // Partial migration: the guest may already run on the target, so it counts as active on both
          // (the target first, as Pacemaker records it) until the migration is finished or both copies stop.
          const running = [...rsc.running];
          rsc.running.clear();
          rsc.running.set(target.node.id, 'Started');
          for (const [id, role] of running) rsc.running.set(id, role);
          partialMigrations.set(rsc, { source: h.node, target: target.node });
        } else if (!target && ws.nodeByName.get(s.migratedTo)?.online === false) {
          // Migrated towards a node that has since gone: the guest's state is unknown, recover it.
          rsc.failed = true;
          rsc.failedOn.add(h.node.id);
        }
      }
      if (s.stoppedAfterMigrateTo) {
        // Source stopped, but the target never ran migrate_from nor anything newer: the resource may be active there.
        const { target: name, at } = s.stoppedAfterMigrateTo;
        const th = on(name);
        if (th && th.node.online && th.state.migratedFrom === undefined && at !== undefined && th.state.lastChange <= at) {
          // Its state there is a guess: it is stopped and started anew if it must move, never migrated.
          rsc.running.set(th.node.id, 'Started');
          rsc.restartFor.set(th.node.id, '');
        }
      }
      if (s.failedMigrateTo) {
        const target = s.failedMigrateTo.target !== undefined ? ws.nodeByName.get(s.failedMigrateTo.target) : undefined;
        const th = on(s.failedMigrateTo.target);
        const newerThere = th !== undefined && s.failedMigrateTo.at !== undefined && th.state.lastChange > s.failedMigrateTo.at;
        if (target && target.online && th && !th.state.acted && !newerThere && !rsc.running.has(target.id)) {
          rsc.running.set(target.id, 'Started');
          rsc.restartFor.set(target.id, '');
        }
      }
    }
  }
}

const moving = (r: SchedResource) =>
  r.running.size === 1 && r.assignedTo !== undefined && !r.running.has(r.assignedTo.id);

function migratable(ws: WorkingSet, r: SchedResource): boolean {
  if (!r.allowMigrate || !r.managed || r.failed || !moving(r)) return false;
  if (r.parent && r.parent.kind !== 'group') return false;
  const cur = ws.nodeById.get(r.running.keys().next().value!)!;
  return cur.online && !cur.unclean && r.restartFor.size === 0;
}

/**
 * Chooses live migration (migrate_to/migrate_from) over stop/start where
 * allowed: the resource moves, is healthy, and nothing it is mandatorily
 * ordered after must stop without migrating (Pacemaker: the first's stop
 * cannot be part of a migration, so the then's migration is unrunnable; a
 * first that only starts leaves the migration alone).
 */
export function decideMigrations(ws: WorkingSet): void {
  for (const r of ws.primitives) {
    const partial = partialMigrations.get(r);
    // A partial migration towards the node still chosen is finished (migrate_from, then stop the source).
    if (partial && r.assignedTo === partial.target && r.managed && !r.failed) r.running.delete(partial.target.id);
    else if (partial) partialMigrations.delete(r);
    r.migrating = migratable(ws, r);
  }
  // Many orders share a first resource (every VM after the storage clone): whether it restarts is worked out
  // once per resource, again only after some migration was called off (that can make a first restart).
  const restarts = new Map<SchedResource, boolean>();
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind !== 'order' || c.orderKind !== 'Mandatory' || !c.first || !c.then) continue;
    const first = ws.resourceById.get(c.first);
    const then = ws.resourceById.get(c.then);
    if (!first || !then) continue;
    let firstRestarts = restarts.get(first);
    if (firstRestarts === undefined) {
      firstRestarts = primitivesOf(first).some((p) => !p.migrating && moving(p));
      restarts.set(first, firstRestarts);
    }
    if (!firstRestarts) continue;
    for (const p of primitivesOf(then)) {
      if (!p.migrating) continue;
      p.migrating = false;
      refusedMigrations.set(p, `unrunnable ${first.id} stop`);
      restarts.clear();
    }
  }
}

/**
 * A migration whose start turned out unrunnable (a mandatory predecessor
 * cannot start) must not happen: only the stop on the source remains.
 */
export function settleMigration(plan: PrimitivePlan): void {
  if (!plan.migrateFrom || !plan.start || plan.start.runnable) return;
  if (plan.migrateTo) plan.migrateTo.runnable = false;
  plan.migrateFrom.runnable = false;
  plan.migrateTo = undefined;
  plan.migrateFrom = undefined;
}
