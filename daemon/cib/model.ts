import type { XmlElement } from './xml.js';
import type { OperationTable } from './operation-table.js';

/**
 * The typed CIB: Pacemaker's configuration and status sections. Values keep
 * Pacemaker's meaning (scores saturate at ±INFINITY, intervals in ms); rules stay
 * unevaluated because their outcome depends on the node and the time.
 */

export interface NvPair {
  id?: string;
  name: string;
  value: string;
}

/** instance_attributes / meta_attributes / utilization / cluster_property_set. */
export interface AttributeSet {
  id: string;
  /** Higher-scored sets win when several set the same name. */
  score: number;
  rule?: Rule;
  pairs: NvPair[];
}

export type BooleanOp = 'and' | 'or';

export interface Rule {
  kind: 'rule';
  id: string;
  score?: number;
  scoreAttribute?: string;
  booleanOp: BooleanOp;
  role?: string;
  conditions: Condition[];
}

export type ExpressionOp = 'lt' | 'gt' | 'lte' | 'gte' | 'eq' | 'ne' | 'defined' | 'not_defined';
export type ValueType = 'string' | 'integer' | 'number' | 'version';

export interface AttributeExpression {
  kind: 'expression';
  id: string;
  attribute: string;
  operation: ExpressionOp;
  value?: string;
  type: ValueType;
  /** whether `type` was given (otherwise inferred from the value for ordering comparisons) */
  typeGiven: boolean;
  /** literal (default), param (resource instance attribute), meta (resource meta attribute) */
  valueSource: 'literal' | 'param' | 'meta';
}

/** date_spec: each field a range "a-b" or a single value; absent fields match anything. */
export type DateSpec = Partial<Record<'years' | 'months' | 'monthdays' | 'hours' | 'minutes' | 'seconds' | 'yeardays' | 'weekdays' | 'weekyears' | 'weeks', string>>;

export interface DateExpression {
  kind: 'date';
  id: string;
  operation: 'gt' | 'lt' | 'in_range' | 'date_spec';
  start?: string;
  end?: string;
  duration?: Partial<Record<'years' | 'months' | 'weeks' | 'days' | 'hours' | 'minutes' | 'seconds', number>>;
  spec?: DateSpec;
}

export interface OpExpression {
  kind: 'op';
  id: string;
  name: string;
  intervalMs?: number;
}

export interface RscExpression {
  kind: 'rsc';
  id: string;
  class?: string;
  provider?: string;
  type?: string;
}

export type Condition = Rule | AttributeExpression | DateExpression | OpExpression | RscExpression;

export interface Node {
  id: string;
  uname: string;
  type: string; // member, remote, ping
  attributes: AttributeSet[];
  utilization: AttributeSet[];
}

export interface OpDefinition {
  id: string;
  name: string;
  intervalMs: number;
  timeoutMs?: number;
  role?: string;
  onFail?: string;
  enabled: boolean;
  recordPending?: boolean;
  /** Other meta of the op (start-delay, interval-origin...), as given. */
  meta: Record<string, string>;
  instanceAttributes: AttributeSet[];
}

interface ResourceBase {
  id: string;
  meta: AttributeSet[];
  /** Parent (group, clone, bundle) id, if nested. */
  parent?: string;
}

export interface Primitive extends ResourceBase {
  kind: 'primitive';
  class: string;
  provider?: string;
  type: string;
  template?: string;
  instanceAttributes: AttributeSet[];
  utilization: AttributeSet[];
  ops: OpDefinition[];
}

export interface Group extends ResourceBase {
  kind: 'group';
  children: Primitive[];
}

export interface Clone extends ResourceBase {
  kind: 'clone';
  /** true for `<master>` and for clones with promotable=true */
  promotable: boolean;
  child: Primitive | Group;
}

/** Bundles are parsed minimally: kept as an opaque element. */
export interface Bundle extends ResourceBase {
  kind: 'bundle';
  primitive?: Primitive;
  source: XmlElement;
}

export type Resource = Primitive | Group | Clone | Bundle;

export interface ResourceSetRef {
  id: string;
  resources: string[];
  sequential: boolean;
  requireAll: boolean;
  role?: string;
  action?: string;
  score?: number;
  kind?: string;
}

export interface LocationConstraint {
  kind: 'location';
  id: string;
  rsc?: string;
  rscPattern?: string;
  role?: string;
  node?: string;
  score?: number;
  rules: Rule[];
  resourceDiscovery: 'always' | 'never' | 'exclusive';
  sets: ResourceSetRef[];
}

export interface ColocationConstraint {
  kind: 'colocation';
  id: string;
  rsc?: string;
  withRsc?: string;
  rscRole?: string;
  withRscRole?: string;
  score: number;
  nodeAttribute: string;
  influence?: boolean;
  sets: ResourceSetRef[];
}

export type OrderKind = 'Mandatory' | 'Optional' | 'Serialize';

export interface OrderConstraint {
  kind: 'order';
  id: string;
  first?: string;
  then?: string;
  firstAction: string;
  thenAction: string;
  orderKind: OrderKind;
  symmetrical: boolean;
  /** require-all="false" on a clone-to-clone order: the then clone needs only one first instance */
  requireAll?: boolean;
  sets: ResourceSetRef[];
}

export interface TicketConstraint {
  kind: 'ticket';
  id: string;
  source: XmlElement;
}

export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint | TicketConstraint;

export interface Configuration {
  crmConfig: AttributeSet[];
  nodes: Node[];
  /** Top-level resources in document order. */
  resources: Resource[];
  templates: Primitive[];
  constraints: Constraint[];
  rscDefaults: AttributeSet[];
  opDefaults: AttributeSet[];
  /** <tags>: tag id -> the ids it names (constraints may name a tag instead of a resource) */
  tags?: Record<string, string[]>;
}

export interface LrmOp {
  id: string;
  operationKey: string;
  operation: string;
  callId: number;
  rcCode: number;
  opStatus: number;
  intervalMs: number;
  lastRcChange?: number;
  lastRun?: number;
  execTime?: number;
  queueTime?: number;
  opDigest?: string;
  /** the digest without the private parameters listed in secureParams (e.g. " passwd "), which sanitized CIBs mask */
  secureDigest?: string;
  secureParams?: string;
  restartDigest?: string;
  transitionKey?: string;
  transitionMagic?: string;
  onNode?: string;
  exitReason?: string;
  migrateSource?: string;
  migrateTarget?: string;
  /** crm_feature_set of the controller that recorded it (digests differ in old ones) */
  featureSet?: string;
}

export interface LrmResource {
  readonly id: string;
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
  readonly container?: string;
  /** its entries in the order recorded, as objects (made when first asked for) */
  readonly ops: LrmOp[];
  /** the same entries as rows first..first+count-1 of the status section's table: read in place where every entry is visited */
  readonly table: OperationTable;
  readonly first: number;
  readonly count: number;
}

export interface NodeState {
  id: string;
  uname?: string;
  inCcm?: string;
  crmd?: string;
  join?: string;
  expected?: string;
  /** epoch seconds of a requested shutdown, from transient attribute "shutdown" */
  transient: Record<string, string>;
  resources: LrmResource[];
}

export interface Cib {
  /** Attributes of the <cib> element (epoch, have-quorum, validate-with, dc-uuid...). */
  attrs: Record<string, string>;
  configuration: Configuration;
  status: NodeState[];
  /** <status><tickets>: ticket id -> state (a ticket not listed is not granted) */
  tickets?: Record<string, TicketState>;
  file?: string;
}

export interface TicketState {
  granted: boolean;
  standby: boolean;
}
