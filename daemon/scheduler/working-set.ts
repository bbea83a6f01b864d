import type { Cib, Clone, Group, Primitive } from '../cib/model.js';

/**
 * The scheduler's mutable view of one CIB while it computes a transition:
 * nodes with their derived state, resources (clone instances expanded) with
 * their current and planned placement, and the action graph being built.
 * Everything is indexed by id so that no phase scans all pairs.
 */

export type Role = 'Stopped' | 'Started' | 'Unpromoted' | 'Promoted' | 'Unknown';

export interface SchedNode {
  id: string;
  uname: string;
  online: boolean;
  unclean: boolean;
  /** why the node must be fenced: the first reason found (Pacemaker reports only that one) */
  fenceReason?: string;
  /** joining, not yet able to run resources */
  pending: boolean;
  standby: boolean;
  shutdown: boolean;
  maintenance: boolean;
  /** node attributes incl. #uname, #id, #kind and transient attributes */
  attrs: Record<string, string>;
  capacity: Record<string, number>;
  /** the names in `capacity`, listed once (capacity comparisons run for every candidate pair) */
  capacityNames: string[];
  /** capacity left after resources assigned so far */
  remaining: Record<string, number>;
  /** resources assigned so far (placement tie-break) */
  assignedCount: number;
  /** position in the configuration and in ws.nodes (stable tie-break; per-node arrays are indexed by it) */
  index: number;
}

export type ResourceKind = 'primitive' | 'group' | 'clone';

export interface SchedResource {
  id: string;
  kind: ResourceKind;
  /** primitive definition (for clone instances: the template primitive) */
  def?: Primitive;
  groupDef?: Group;
  cloneDef?: Clone;
  parent?: SchedResource;
  children: SchedResource[];
  /** top-level position in the configuration */
  order: number;
  meta: Record<string, string>;
  priority: number;
  stickiness: number;
  managed: boolean;
  targetRole?: Role;
  migrationThreshold: number;
  failureTimeoutMs: number;
  allowMigrate: boolean;
  /** nodes where the resource is active now (with its role there) */
  running: Map<string, Role>;
  failed: boolean;
  /** node -> failure still pending recovery on that node */
  failedOn: Set<string>;
  /** nodes where the fail count is being cleared (the last failure was for other parameters): it bans nothing */
  failCountCleared?: Set<string>;
  /** a failure was ignored (on-fail=ignore) somewhere: migration-threshold does not apply to it then (Pacemaker) */
  failureIgnored?: boolean;
  /** stopping failed: blocks everything on that node */
  blocked: boolean;
  /** node -> score; absent means not allowed */
  allowed: Map<string, number>;
  provisional: boolean;
  assigning: boolean;
  assignedTo?: SchedNode;
  nextRole?: Role;
  /** why a forced stop happens (e.g. "no quorum"); default "node availability" */
  stopReason?: string;
  /** set when the resource may be placed but not started (e.g. "quorum freeze") */
  startBlockedReason?: string;
  /** node -> reason text ('' for none) when the running instance must restart for a changed definition */
  restartFor: Map<string, string>;
  /** colocations where this resource is the dependent ("rsc") */
  withPrimaries: SchedColocation[];
  /** colocations where this resource is the primary ("with-rsc") */
  withDependents: SchedColocation[];
  /** the mandatory ones among them whose dependent is a clone (what utilization follows from a clone) */
  withCloneDependents: SchedColocation[];
  /** nodes left with a completed migration's source copy: stop it there, silently */
  danglingOn: Set<string>;
  /** live migration chosen for this transition */
  migrating: boolean;
  /** recurring monitors already active with a current digest: node -> their intervals (ms) */
  activeMonitors: Map<string, Set<number>>;
  /** clone instance number, for instances */
  instance?: number;
  /** the nodes (by position) with any history of this resource, probes included; absent while none */
  historyOn?: Uint8Array;
  /** its actions by task, interval and node (see slotOf in actions.ts) */
  actionSlots?: Map<number, SchedAction>;
  /** in the status but no longer configured: stopped and its history deleted */
  orphan?: boolean;
  utilization: Record<string, number>;
}

export interface SchedColocation {
  id: string;
  dependent: SchedResource;
  primary: SchedResource;
  score: number;
  dependentRole?: Role;
  primaryRole?: Role;
  nodeAttribute: string;
  influence: boolean;
}

export interface SchedAction {
  id: number;
  key: string;
  task: string;
  rsc?: SchedResource;
  node?: SchedNode;
  intervalMs: number;
  pseudo: boolean;
  optional: boolean;
  runnable: boolean;
  reason?: string;
  probe?: boolean;
  /** runnable while any predecessor is ("one or more" resource sets) */
  requiresAny?: boolean;
  /** with requiresAny: how many predecessors must be runnable (a clone's clone-min; default 1) */
  requiresAtLeast?: number;
  meta: Record<string, string>;
  /** ordering edges: actions that must happen before this one */
  before: ActionEdge[];
  /** ordering edges: actions that must happen after this one */
  afterEdges: ActionEdge[];
}

/** Ordering semantics, named after Pacemaker's ordering flags. */
export interface EdgeFlags {
  /** then is runnable only if first is */
  runnableFirst?: boolean;
  /** as runnableFirst, but only while then's resource is not active (asymmetric orders never stop it) */
  runnableFirstIfStopped?: boolean;
  /** first mandatory => then mandatory */
  impliesThen?: boolean;
  /** then mandatory => first mandatory */
  impliesFirst?: boolean;
  /** then is a restart-style start: then mandatory and resource active => first (stop) mandatory */
  restart?: boolean;
}

export interface ActionEdge {
  first: SchedAction;
  then: SchedAction;
  flags: EdgeFlags;
}

export interface ClusterOptions {
  symmetric: boolean;
  stonithEnabled: boolean;
  noQuorumPolicy: string;
  haveQuorum: boolean;
  maintenanceMode: boolean;
  stopAllResources: boolean;
  placementStrategy: string;
  startFailureIsFatal: boolean;
  stopOrphanResources: boolean;
  clusterRecheckMs: number;
  /** stonith-action: what fencing does to a node ("reboot" or "off") */
  stonithAction: string;
  /** startup-fencing: a node never seen since the cluster started is unclean */
  startupFencing: boolean;
  /** vigil's lease-based self-fencing stands in for a fencing device (the runtime sets this) */
  leaseFencing: boolean;
  /** have-watchdog: nodes fence themselves by watchdog (SBD), which also counts as a fencing device */
  haveWatchdog: boolean;
}

export interface WorkingSet {
  cib: Cib;
  now: Date;
  options: ClusterOptions;
  nodes: SchedNode[];
  nodeById: Map<string, SchedNode>;
  nodeByName: Map<string, SchedNode>;
  /** top-level resources in configuration order */
  resources: SchedResource[];
  /** every resource (incl. children and clone instances) by id */
  resourceById: Map<string, SchedResource>;
  /** every primitive (incl. clone instances) */
  primitives: SchedResource[];
  colocations: SchedColocation[];
  actions: SchedAction[];
  /** actions of no resource, and notifications, by "<key>@<node id>" (a resource's own are in its actionSlots) */
  actionByKey: Map<string, SchedAction>;
  /** the tasks (with their interval when recurring) that resources' actions were made for, numbered (see slotOf in actions.ts) */
  actionTaskCodes: Map<string, number>;
  /** each resource's actions, in creation order */
  actionsByRsc: Map<SchedResource, SchedAction[]>;
  /** clone instances by the primitive id they were made from */
  instancesByBase: Map<string, SchedResource[]>;
  /** op defaults resolved */
  opDefaults: Record<string, string>;
  /** the op_defaults timeout in ms (see defaultTimeoutMs in failures.ts), once read */
  defaultTimeoutMs?: number;
  rscDefaults: Record<string, string>;
}

const primitivesMemo = new WeakMap<SchedResource, SchedResource[]>();

/** The primitives inside a resource (itself, a group's members, every clone instance's). Structure never changes, so memoised. */
export function primitivesOf(r: SchedResource): SchedResource[] {
  if (r.kind === 'primitive') return [r];
  let list = primitivesMemo.get(r);
  if (!list) {
    list = r.children.flatMap(primitivesOf);
    primitivesMemo.set(r, list);
  }
  return list;
}

export const topLevel = (r: SchedResource): SchedResource => (r.parent ? topLevel(r.parent) : r);

/** Whether a node can host resources at all right now. */
export const nodeAvailable = (n: SchedNode): boolean => n.online && !n.unclean && !n.pending && !n.standby && !n.shutdown && !n.maintenance;
