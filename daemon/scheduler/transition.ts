/**
 * The scheduler's output: a transition graph. This file is the contract between
 * the scheduler (which builds it from a CIB) and the controller (which executes
 * it through each node's executor). Keep it free of scheduler internals.
 */

/** How an action is carried out. */
export type ActionKind =
  /** runs a resource agent operation on `node` */
  | 'resource'
  /** no work: a synchronisation point (e.g. group "running", clone "start") */
  | 'pseudo'
  /** fence `node` (or confirm it is down) */
  | 'fence'
  /** cluster bookkeeping on `node`, e.g. clear failcount / delete history ("crm_resource --cleanup") */
  | 'cluster';

export interface AgentRef {
  class: string; // ocf, lsb, service, systemd, stonith
  provider?: string; // ocf only: heartbeat, pacemaker, vigil, ...
  type: string; // agent name, e.g. VirtualDomain
}

export interface Action {
  /** Unique within one transition, stable in order of creation. */
  id: number;
  kind: ActionKind;
  /** Pacemaker-style key, e.g. "vm1_migrate_to_0", "grp_running_0", "rsc_monitor_10000". */
  key: string;
  /** Operation name: start, stop, monitor, migrate_to, migrate_from, promote, demote, notify, ... */
  operation: string;
  /** Resource instance id as it appears in the status section (e.g. "vm1", "ping:0"); absent for fencing. */
  resource?: string;
  /** The node the action runs on (the target, for fencing). */
  node?: string;
  intervalMs: number;
  timeoutMs: number;
  agent?: AgentRef;
  /** Instance attributes (OCF_RESKEY_<name>), already resolved for this node. */
  params: Record<string, string>;
  /** Meta attributes passed as OCF_RESKEY_CRM_meta_<name> (e.g. migrate_target, clone_max). */
  meta: Record<string, string>;
  /** Ids of actions that must complete (successfully) before this one may start. */
  after: number[];
  /** Probes (monitor with interval 0 on a node where the state is unknown). */
  probe?: boolean;
  /** A failure bans the node at once (fail count INFINITY): starts under start-failure-is-fatal (the default). */
  failureIsFatal?: boolean;
}

export interface Transition {
  actions: Action[];
  /** crm_simulate's "Transition Summary" lines, e.g. "* Move       rsc2     ( node1 -> node2 )". */
  summary: string[];
}
