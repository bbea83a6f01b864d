/**
 * A generated cluster as plain data: what the generator decides and the
 * renderer turns into CIB XML. Kept separate from XML so the shrinker can drop
 * parts (a resource with its constraints and history, one constraint, one
 * node) and re-render a still-valid CIB.
 */
export type NodeState = 'online' | 'offline' | 'standby' | 'maintenance' | 'shutdown';

export interface NodeSpec {
  id: string;
  uname: string;
  state: NodeState;
  /** node instance attributes usable by rules (rack, weight) */
  attrs: Record<string, string>;
  utilization?: Record<string, number>;
}

export interface PrimitiveSpec {
  kind: 'primitive';
  id: string;
  provider: 'heartbeat' | 'pacemaker';
  params: Record<string, string>;
  meta: Record<string, string>;
  utilization?: Record<string, number>;
  /** seconds */
  monitorInterval: number;
}

export interface GroupSpec {
  kind: 'group';
  id: string;
  members: PrimitiveSpec[];
  meta: Record<string, string>;
}

export interface CloneSpec {
  kind: 'clone';
  id: string;
  child: PrimitiveSpec | GroupSpec;
  meta: Record<string, string>;
}

export type ResourceSpec = PrimitiveSpec | GroupSpec | CloneSpec;

export interface RuleExpression {
  attribute: string;
  operation: 'eq' | 'ne' | 'gt' | 'lt' | 'defined' | 'not_defined';
  value?: string;
  type?: 'number' | 'string';
}

export type ConstraintSpec =
  | { kind: 'location'; id: string; rsc: string; node: string; score: string }
  | { kind: 'location-rule'; id: string; rsc: string; score: string; booleanOp: 'and' | 'or'; expressions: RuleExpression[] }
  | { kind: 'colocation'; id: string; rsc: string; withRsc: string; score: string }
  | { kind: 'order'; id: string; first: string; then: string; orderKind: 'Mandatory' | 'Optional'; symmetrical?: boolean }
  | { kind: 'colocation-set'; id: string; score: string; sets: { resources: string[]; sequential: boolean }[] }
  | { kind: 'order-set'; id: string; orderKind: 'Mandatory' | 'Optional'; sets: { resources: string[]; sequential: boolean }[] };

export interface OpRecord {
  /** the lrm_rsc_op id: <rsc>_last_0, <rsc>_last_failure_0 or <rsc>_monitor_<ms> */
  id: string;
  operation: 'start' | 'stop' | 'monitor';
  intervalMs: number;
  rc: number;
  /** rc the controller expected (probes expect 7) */
  targetRc: number;
  /** digest over these parameters instead of the primitive's own (a changed definition) */
  staleParams?: Record<string, string>;
}

/** One lrm_resource on one node, with the fail counts it left behind. */
export interface HistorySpec {
  node: string;
  /** the configured primitive this history belongs to */
  primitive: string;
  /** the lrm_resource id: the primitive id, or id:N for a unique clone instance */
  recordId: string;
  ops: OpRecord[];
  /** fail-count-<recordId>#<opKey> → value */
  failCounts: Record<string, string>;
}

export interface ClusterSpec {
  seed: number;
  properties: Record<string, string>;
  rscDefaults: Record<string, string>;
  nodes: NodeSpec[];
  resources: ResourceSpec[];
  constraints: ConstraintSpec[];
  histories: HistorySpec[];
}

/** Every primitive, with the top-level resource it sits in. */
export function primitivesOf(r: ResourceSpec): PrimitiveSpec[] {
  if (r.kind === 'primitive') return [r];
  if (r.kind === 'group') return r.members;
  return primitivesOf(r.child);
}

/** Every id a constraint may name inside this top-level resource. */
export function idsOf(r: ResourceSpec): string[] {
  if (r.kind === 'primitive') return [r.id];
  if (r.kind === 'group') return [r.id, ...r.members.map((m) => m.id)];
  return [r.id, ...idsOf(r.child)];
}

/** The resource ids a constraint names. */
export function constraintResources(c: ConstraintSpec): string[] {
  switch (c.kind) {
    case 'location':
    case 'location-rule':
      return [c.rsc];
    case 'colocation':
      return [c.rsc, c.withRsc];
    case 'order':
      return [c.first, c.then];
    default:
      return c.sets.flatMap((s) => s.resources);
  }
}
