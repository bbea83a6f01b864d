import { element, type XmlElement } from '../cib/xml.js';
import { operationDigest } from '../cib/op-digest.js';
import type { AgentRef } from '../scheduler/transition.js';
import { OcfRc, OpStatus, type OperationRequest, type OperationResult } from './operation.js';

/** The feature set of the Pacemaker whose tools (crm_simulate 2.1.5) read vigil's status section. */
export const CRM_FEATURE_SET = '3.16.2';
/** rc-code Pacemaker records for an operation still in flight. */
export const PENDING_RC = 193;

/** Where a result came from: which node, which transition action, what rc the scheduler expected. */
export interface HistoryContext {
  node: string;
  /** Pacemaker transition key "ACTION:TRANSITION:TARGET_RC:UUID" (see transitionKey). */
  transitionKey: string;
}

export const transitionKey = (actionId: number, transitionId: number, targetRc: number, uuid: string): string =>
  `${actionId}:${transitionId}:${targetRc}:${uuid}`;

/** The rc the scheduler expected, read back from a transition key (0 when the key has none). */
export function targetRc(key: string): number {
  const rc = Number(key.split(':')[2]);
  return Number.isInteger(rc) ? rc : OcfRc.Success;
}

export const operationKey = (req: Pick<OperationRequest, 'resource' | 'operation' | 'intervalMs'>): string =>
  `${req.resource}_${req.operation}_${req.intervalMs}`;

/**
 * Recurring operations keep one record per operation key; one-shot ones share "<rsc>_last_0".
 * Notifications keep their own ("<rsc>_notify_0"): they change no state, and Pacemaker keeps
 * none in the status (the export leaves it out); it is there for the DC to see the result.
 */
export const recordId = (req: Pick<OperationRequest, 'resource' | 'operation' | 'intervalMs'>): string =>
  req.intervalMs > 0 || req.operation === 'notify' ? operationKey(req) : `${req.resource}_last_0`;

export const lastFailureId = (resource: string): string => `${resource}_last_failure_0`;

const isProbe = (req: OperationRequest) => req.operation === 'monitor' && req.intervalMs === 0;

/**
 * Whether a result counts as a failure (and so also gets a last_failure record):
 * the agent did not complete, or it answered other than expected. A probe
 * answering "running", "stopped" or "promoted" is a finding, not a failure.
 */
export function isFailure(req: OperationRequest, result: Pick<OperationResult, 'rc' | 'status'>, expectedRc: number): boolean {
  if (result.status === OpStatus.Cancelled || result.status === OpStatus.Pending) return false;
  if (result.status !== OpStatus.Done) return true;
  if (isProbe(req)) return ![OcfRc.Success, OcfRc.NotRunning, OcfRc.RunningPromoted].includes(result.rc);
  return result.rc !== expectedRc;
}

function digest(req: OperationRequest): string {
  return operationDigest(req.params, req.intervalMs > 0 ? req.timeoutMs : undefined);
}

/**
 * Migration records name both ends (Pacemaker reads them to tell a finished
 * migration from a partial or dangling one). The scheduler passes them as
 * meta attributes; the node running the operation is the one end it knows.
 */
function migrationAttrs(req: OperationRequest, node: string): Record<string, string> {
  if (req.operation !== 'migrate_to' && req.operation !== 'migrate_from') return {};
  const source = req.meta.migrate_source ?? (req.operation === 'migrate_to' ? node : undefined);
  const target = req.meta.migrate_target ?? (req.operation === 'migrate_from' ? node : undefined);
  return { ...(source ? { migrate_source: source } : {}), ...(target ? { migrate_target: target } : {}) };
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

/** Details only the executor knows; optional so results from other producers can be recorded too. */
export interface RecordableResult extends OperationResult {
  callId?: number;
  exitReason?: string;
  queueMs?: number;
}

/**
 * Pacemaker's lrm_rsc_op records for one finished operation: the main record
 * (<rsc>_last_0, or <rsc>_<op>_<interval> for a recurring one) and, when the
 * operation failed, a <rsc>_last_failure_0 copy. `previous` is the record the
 * main one replaces: last-rc-change only moves when the rc changed.
 */
export function operationRecords(req: OperationRequest, result: RecordableResult, ctx: HistoryContext, previous?: XmlElement): XmlElement[] {
  const finishedAt = result.startedAt + result.durationMs;
  const unchangedSince = previous?.attrs['rc-code'] === String(result.rc) ? previous.attrs['last-rc-change'] : undefined;
  const attrs = (id: string) => ({
    id,
    operation_key: operationKey(req),
    operation: req.operation,
    'crm-debug-origin': 'vigil',
    crm_feature_set: CRM_FEATURE_SET,
    'transition-key': ctx.transitionKey,
    'transition-magic': `${result.status}:${result.rc};${ctx.transitionKey}`,
    'exit-reason': result.exitReason ?? '',
    on_node: ctx.node,
    'call-id': String(result.callId ?? 0),
    'rc-code': String(result.rc),
    'op-status': String(result.status),
    interval: String(req.intervalMs),
    'last-rc-change': unchangedSince ?? seconds(finishedAt),
    'last-run': req.intervalMs > 0 ? undefined : seconds(result.startedAt),
    'exec-time': String(result.durationMs),
    'queue-time': String(result.queueMs ?? 0),
    'op-digest': digest(req),
    ...migrationAttrs(req, ctx.node),
  });
  const records = [element('lrm_rsc_op', attrs(recordId(req)))];
  // A failed notification is no failure of the resource (it must not replace the last real one).
  if (req.operation !== 'notify' && isFailure(req, result, targetRc(ctx.transitionKey))) {
    records.push(element('lrm_rsc_op', { ...attrs(lastFailureId(req.resource)), 'last-rc-change': seconds(finishedAt) }));
  }
  return records;
}

/**
 * The record written before a start, stop or migration runs (op-status -1,
 * rc 193), so a DC that takes over mid-transition sees the action in flight
 * and waits for its result instead of dispatching it again.
 */
export function pendingRecord(req: OperationRequest, ctx: HistoryContext, now = Date.now()): XmlElement {
  return element('lrm_rsc_op', {
    id: recordId(req),
    operation_key: operationKey(req),
    operation: req.operation,
    'crm-debug-origin': 'vigil',
    crm_feature_set: CRM_FEATURE_SET,
    'transition-key': ctx.transitionKey,
    'transition-magic': `${OpStatus.Pending}:${PENDING_RC};${ctx.transitionKey}`,
    'exit-reason': '',
    on_node: ctx.node,
    'call-id': '-1',
    'rc-code': String(PENDING_RC),
    'op-status': String(OpStatus.Pending),
    interval: String(req.intervalMs),
    'last-rc-change': seconds(now),
    'exec-time': '0',
    'queue-time': '0',
    'op-digest': digest(req),
    ...migrationAttrs(req, ctx.node),
  });
}

/** The lrm_resource element that holds a resource's records in a node's lrm_resources. */
export function lrmResource(resource: string, agent: AgentRef, records: XmlElement[]): XmlElement {
  return element('lrm_resource', { id: resource, type: agent.type, class: agent.class, provider: agent.provider }, records);
}
