import type { Cib } from '../cib/model.js';
import { buildWorkingSet } from './build.js';
import { unpackNodeStates } from './node-state.js';
import { unpackStatus } from './unpack-status.js';
import { applyFailCounts, applyHistory, applyMultipleActive, applyNodeMaintenance, applyStickiness } from './failures.js';
import { applyLocationConstraints, initAllowedNodes } from './location.js';
import { unpackColocations } from './colocation.js';
import { assignAll } from './allocate.js';
import { applyInhibitions, inhibitUnpairedInstances } from './interleave.js';
import { createRoleActions } from './role-actions.js';
import { applyDemoteOnFail, recordKnownNodes } from './promotion.js';
import { applyTickets } from './tickets.js';
import { expandTags } from './tags.js';
import { createPrimitiveActions } from './actions.js';
import { applyOrderConstraints, collectiveOrderings, containerOrderings, propagateOrderings } from './ordering.js';
import { createProbes } from './probes.js';
import { createOrphanDeletes } from './orphans.js';
import { createNotifications } from './notifications.js';
import { fenceSummaryLine, requireFencingDevice, scheduleFencing } from './fencing.js';
import { applyNodeHealth } from './node-health.js';
import { summarizePrimitive } from './summary.js';
import { buildTransitionActions } from './transition-graph.js';
import { applyClusterPolicies } from './cluster-policy.js';
import { decideMigrations, reconcileMigrations, settleMigration } from './migration.js';
import type { Transition } from './transition.js';
import type { StatusHistories } from './unpack-status.js';
import { describeWorkingSet, type ClusterDescription } from './cluster-status.js';
import type { WorkingSet } from './working-set.js';

export interface ScheduleOptions {
  /** the time rules and failure-timeout are evaluated at (default: the CIB's execution-date, else now) */
  now?: Date;
  /** vigil's runtime: lease-based self-fencing can fence any node, no stonith resource needed */
  leaseFencing?: boolean;
}

/** A saved CIB's execution-date (epoch seconds): the time crm_simulate evaluates it at when given no other. */
function executionDate(cib: Cib): Date | undefined {
  const v = Number(cib.attrs['execution-date']);
  return cib.attrs['execution-date'] !== undefined && Number.isFinite(v) ? new Date(v * 1000) : undefined;
}

/** The whole pipeline, exposed for tools that want the intermediate state (e.g. simulate's status view). */
export function computeWorkingSet(cib: Cib, options: ScheduleOptions = {}): { ws: WorkingSet; histories: StatusHistories; summary: string[] } {
  const ws = buildWorkingSet(expandTags(cib), options.now ?? executionDate(cib) ?? new Date());
  ws.options.leaseFencing = options.leaseFencing ?? false;
  unpackNodeStates(ws);
  initAllowedNodes(ws);
  const histories = unpackStatus(ws);
  recordKnownNodes(ws, histories);
  requireFencingDevice(ws);
  applyHistory(ws, histories.notable);
  applyDemoteOnFail(histories.notable);
  reconcileMigrations(ws, histories);
  applyMultipleActive(ws);
  applyNodeMaintenance(ws);
  applyLocationConstraints(ws);
  applyTickets(ws);
  applyNodeHealth(ws);
  applyFailCounts(ws);
  applyStickiness(ws);
  applyClusterPolicies(ws);
  unpackColocations(ws);
  assignAll(ws);
  inhibitUnpairedInstances(ws);
  decideMigrations(ws);
  const plans = ws.primitives.map((r) => createPrimitiveActions(ws, r));
  applyInhibitions(plans);
  for (const p of plans) createRoleActions(ws, p);
  for (const r of ws.resources) collectiveOrderings(ws, r);
  applyOrderConstraints(ws);
  containerOrderings(ws);
  createProbes(ws);
  createOrphanDeletes(ws, histories.notable);
  const fencing = scheduleFencing(ws);
  propagateOrderings(ws);
  for (const p of plans) settleMigration(p);
  createNotifications(ws);
  const summary: string[] = fencing.map(fenceSummaryLine);
  for (const p of plans) {
    summary.push(...summarizePrimitive(p));
  }
  return { ws, histories, summary };
}

/**
 * Pacemaker's scheduler as a pure function: from a CIB (configuration +
 * status) to the transition that brings the cluster to its desired state.
 */
export function schedule(cib: Cib, options: ScheduleOptions = {}): Transition {
  return scheduleWithStatus(cib, options).transition;
}

/** The transition plus the cluster state it was computed from (one unpack for both, e.g. for simulate). */
export function scheduleWithStatus(cib: Cib, options: ScheduleOptions = {}): { transition: Transition; status: ClusterDescription } {
  const { ws, histories, summary } = computeWorkingSet(cib, options);
  return { transition: { actions: buildTransitionActions(ws), summary }, status: describeWorkingSet(ws, histories) };
}
