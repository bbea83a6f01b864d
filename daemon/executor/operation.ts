import type { AgentRef } from '../scheduler/transition.js';

/**
 * The contract between whoever asks for an agent operation (the controller, via
 * etcd action requests) and the executor that runs it on this node.
 */
export interface OperationRequest {
  /** Resource instance id as recorded in the status section (e.g. "vm1", "ping:0"). */
  resource: string;
  agent: AgentRef;
  /** start, stop, monitor, migrate_to, migrate_from, promote, demote, notify, reload, meta-data, validate-all */
  operation: string;
  /** 0 for one-shot operations; > 0 for recurring monitors. */
  intervalMs: number;
  timeoutMs: number;
  /** Instance attributes, exported as OCF_RESKEY_<name>. */
  params: Record<string, string>;
  /** Meta attributes, exported as OCF_RESKEY_CRM_meta_<name> (timeout and interval are added by the executor). */
  meta: Record<string, string>;
}

/** Pacemaker's op-status values as recorded in lrm_rsc_op (op-status attribute). */
export enum OpStatus {
  Done = 0,
  Pending = -1,
  Cancelled = 1,
  Timeout = 2,
  NotSupported = 3,
  Error = 4,
  ErrorHard = 5,
  ErrorFatal = 6,
  NotInstalled = 7,
}

/** OCF exit codes (resource-agent API). */
export enum OcfRc {
  Success = 0,
  ErrGeneric = 1,
  ErrArgs = 2,
  Unimplemented = 3,
  ErrPerm = 4,
  ErrInstalled = 5,
  ErrConfigured = 6,
  NotRunning = 7,
  RunningPromoted = 8,
  FailedPromoted = 9,
  Degraded = 190,
  DegradedPromoted = 191,
}

export interface OperationResult {
  rc: number;
  status: OpStatus;
  /** Last part of the agent's stdout+stderr, for logs and `vigil status` failed-action lines. */
  output: string;
  /** Epoch ms when the agent was started. */
  startedAt: number;
  durationMs: number;
}

/** Fields the executor adds to every result it produces (optional so other producers, e.g. fakes, may omit them). */
export interface ExecutedOperationResult extends OperationResult {
  /** The executor's call number for this operation (lrm_rsc_op call-id), increasing per node. */
  callId: number;
  /** The agent's last "ocf-exit-reason:" message, or the executor's own reason (timeout, not installed). */
  exitReason: string;
  /** Time the operation waited behind other operations on the same resource. */
  queueMs: number;
}

/** Receives the first result of a recurring operation and every later change of rc or op-status. */
export type RecurringResultListener = (result: ExecutedOperationResult) => void;

/**
 * What the controller and self-fencing need from a node's executor; the real
 * one runs agent processes, scenario tests can supply a simulated one.
 */
export interface AgentExecutor {
  run(req: OperationRequest): Promise<ExecutedOperationResult>;
  /** Resolves with the first result, or undefined if cancelled (or killed) before there was one. */
  startRecurring(req: OperationRequest, onResult: RecurringResultListener): Promise<ExecutedOperationResult | undefined>;
  /** Returns whether such a recurring operation was active. */
  cancelRecurring(resource: string, operation: string, intervalMs: number): boolean;
  stopAllRecurring(): void;
  /** SIGKILLs every agent process group at once; returns how many groups were signalled. */
  killAll(): number;
}
