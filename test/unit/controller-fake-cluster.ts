import type { CibChange, CibSnapshot, NodeStatus } from '../../daemon/cib/store.js';
import { writeXml } from '../../daemon/cib/xml.js';
import type { ActionRequest } from '../../daemon/controller/action-request.js';
import type { ControllerStore } from '../../daemon/controller/controller.js';
import { failCountAttribute, failureAttributes } from '../../daemon/controller/fail-count.js';
import { operationRecords } from '../../daemon/executor/history.js';
import { OpStatus, type OperationRequest } from '../../daemon/executor/operation.js';
import { INCARNATION_ATTRIBUTE } from '../../daemon/membership/incarnation.js';

export interface Executed {
  node: string;
  resource: string;
  op: string;
  intervalMs: number;
  rc: number;
  at: number;
}

/**
 * An in-memory CIB store with simulated nodes that claim and "run" every request at once
 * (recording Pacemaker lrm_rsc_op records with the executor's own history code): enough of
 * a cluster to drive the controller through scenarios in milliseconds.
 */
export class FakeCluster implements ControllerStore {
  readonly members: Set<string>;
  readonly status = new Map<string, NodeStatus>();
  readonly queue = new Map<string, { node: string; transitionKey: string; request: string }>();
  readonly executed: Executed[] = [];
  readonly markedDown: Array<{ node: string; at: number }> = [];
  /** Nodes that fenced themselves on the DC's request (they leave the cluster, as their lease then expires). */
  readonly selfFenced: Array<{ node: string; at: number }> = [];
  /** Requests a node withdrew unrun because they were meant for an earlier incarnation of it. */
  readonly dropped: Array<{ node: string; transitionKey: string; meantFor?: string }> = [];
  /** "resource:op@node" combinations that answer rc 1. */
  readonly failures = new Set<string>();
  /** While false, queued requests stay unclaimed (a node that has not got to them yet). */
  claiming = true;
  /** Called once a node has recorded a result (a test may change the cluster before the DC reads it). */
  onRecorded?: (e: Executed) => void;
  /** Called as a node is about to claim a request (a test may restart the node just before). */
  onClaim?: (node: string) => void;
  /** Called inside snapshot(), after the state was read (a change landing while the DC reads). */
  onSnapshot?: () => void;
  private readonly active = new Set<string>();
  private readonly listeners = new Set<(change: CibChange) => void>();
  private revision = 1;
  private callId = 1;

  constructor(
    private configurationXml: string,
    members: string[],
  ) {
    this.members = new Set(members);
    for (const node of members) this.setAttribute(node, INCARNATION_ATTRIBUTE, `${node}-1`);
  }

  incarnationOf(node: string): string | undefined {
    return this.status.get(node)?.attributes.get(INCARNATION_ATTRIBUTE);
  }

  /**
   * The node restarts within its lease: still a member, its status reset (resources gone),
   * a new incarnation published. Requests queued for the old one stay queued.
   */
  restart(node: string): void {
    for (const key of [...this.active]) if (key.endsWith(`@${node}`)) this.active.delete(key);
    const previous = Number(this.incarnationOf(node)?.split('-')[1] ?? 0);
    this.status.set(node, { resources: new Map(), attributes: new Map() });
    this.setAttribute(node, INCARNATION_ATTRIBUTE, `${node}-${previous + 1}`);
  }

  activeOn(resource: string): string[] {
    return [...this.members].filter((n) => this.active.has(`${resource}@${n}`)).sort();
  }

  configure(xml: string): void {
    this.configurationXml = xml;
    this.emit({ kind: 'configuration' });
  }

  /** A transient node attribute written (as attrd_updater would). */
  setAttribute(node: string, name: string, value: string): void {
    let s = this.status.get(node);
    if (!s) this.status.set(node, (s = { resources: new Map(), attributes: new Map() }));
    s.attributes.set(name, value);
    this.emit({ kind: 'status', node, key: { kind: 'attr', node, name }, deleted: false, value });
  }

  leave(node: string): void {
    this.members.delete(node);
    this.emit({ kind: 'members' });
  }

  async snapshot(): Promise<CibSnapshot> {
    const status = new Map<string, NodeStatus>();
    for (const [node, s] of this.status) {
      status.set(node, {
        down: s.down,
        attributes: new Map(s.attributes),
        resources: new Map([...s.resources].map(([id, h]) => [id, { agent: h.agent, ops: new Map(h.ops) }])),
      });
    }
    const snapshot = { revision: this.revision, configuration: { xml: this.configurationXml, epoch: 1, adminEpoch: 0 }, members: [...this.members].sort(), status };
    this.onSnapshot?.();
    return snapshot;
  }

  async queuedRequests(node?: string) {
    return [...this.queue.values()].filter((q) => node === undefined || q.node === node);
  }

  async withdrawRequest(node: string, transitionKey: string): Promise<boolean> {
    return this.queue.delete(`${node}/${transitionKey}`);
  }

  async enqueueRequest(node: string, transitionKey: string, request: unknown): Promise<void> {
    this.queue.set(`${node}/${transitionKey}`, { node, transitionKey, request: JSON.stringify(request) });
    if (this.claiming) setImmediate(() => this.run(node, transitionKey));
  }

  /** Nodes claim and run everything queued so far (after a spell of claiming = false). */
  claimQueued(): void {
    for (const q of [...this.queue.values()]) this.run(q.node, q.transitionKey);
  }

  async markNodeDown(node: string, reason: 'fenced' | 'shutdown'): Promise<void> {
    if (this.members.has(node)) return;
    for (const key of [...this.active]) if (key.endsWith(`@${node}`)) this.active.delete(key);
    this.status.set(node, { resources: new Map(), attributes: new Map(), down: { reason, at: Date.now() } });
    this.markedDown.push({ node, at: Date.now() });
    this.emit({ kind: 'status', node, key: { kind: 'down', node }, deleted: false, value: '{}' });
  }

  async clearFailures(resource: string, node?: string): Promise<void> {
    this.dropFailures(resource, node);
  }

  private dropFailures(resource: string, node?: string): void {
    for (const [n, s] of this.status) {
      if (node !== undefined && n !== node) continue;
      for (const name of [...s.attributes.keys()]) if (name.includes(`-${resource}#`)) s.attributes.delete(name);
    }
  }

  async forgetResource(resource: string, node?: string): Promise<void> {
    this.forget(resource, node);
  }

  /** crm_resource --cleanup as the store does it: every record deleted (one change each), fail counts cleared. */
  forget(resource: string, node?: string): void {
    for (const [n, s] of this.status) {
      if (node !== undefined && n !== node) continue;
      for (const opId of s.resources.get(resource)?.ops.keys() ?? []) {
        this.emit({ kind: 'status', node: n, key: { kind: 'op', node: n, resource, opId }, deleted: true });
      }
      s.resources.delete(resource);
    }
    this.dropFailures(resource, node);
  }

  async watchCluster(onChange: (change: CibChange) => void) {
    this.listeners.add(onChange);
    return { cancel: async () => void this.listeners.delete(onChange) };
  }

  private emit(change: CibChange): void {
    this.revision++;
    for (const listener of this.listeners) listener(change);
  }

  /** A node claims the request and runs it like an agent would, recording the result. */
  private run(node: string, transitionKey: string): void {
    const queued = this.queue.get(`${node}/${transitionKey}`);
    if (!queued || !this.members.has(node)) return;
    this.onClaim?.(node);
    this.queue.delete(`${node}/${transitionKey}`);
    const { action, incarnation: meantFor } = JSON.parse(queued.request) as ActionRequest;
    if (meantFor !== this.incarnationOf(node)) {
      this.dropped.push({ node, transitionKey, meantFor }); // as the node's runner does
      return;
    }
    if (action.kind === 'fence' && action.node === node) {
      this.selfFenced.push({ node, at: Date.now() });
      this.leave(node);
      return;
    }
    if (action.kind !== 'resource' || !action.resource || !action.agent) return;
    const key = `${action.resource}@${node}`;
    let rc = 0;
    if (this.failures.has(`${action.resource}:${action.operation}@${node}`)) rc = 1;
    else if (action.operation === 'monitor') rc = this.active.has(key) ? 0 : 7;
    if (rc === 0 && (action.operation === 'start' || action.operation === 'migrate_from')) this.active.add(key);
    if (action.operation === 'stop') this.active.delete(key);
    if (rc === 1 && action.operation === 'start') this.active.add(key); // a failed start may leave it half up
    const executed = { node, resource: action.resource, op: action.operation, intervalMs: action.intervalMs, rc, at: Date.now() };
    this.executed.push(executed);
    const req: OperationRequest = { resource: action.resource, agent: action.agent, operation: action.operation, intervalMs: action.intervalMs, timeoutMs: action.timeoutMs, params: action.params, meta: action.meta };
    const result = { rc, status: OpStatus.Done, output: '', startedAt: Date.now(), durationMs: 1, callId: this.callId++ };
    let s = this.status.get(node);
    if (!s) this.status.set(node, (s = { resources: new Map(), attributes: new Map() }));
    let history = s.resources.get(action.resource);
    if (!history) s.resources.set(action.resource, (history = { agent: action.agent, ops: new Map() }));
    for (const record of operationRecords(req, result, { node, transitionKey })) {
      history.ops.set(record.attrs.id, record);
      if (record.attrs.id.endsWith('_last_failure_0')) {
        const previous = Number(s.attributes.get(failCountAttribute(req))) || 0;
        for (const [name, value] of Object.entries(failureAttributes(req, action.failureIsFatal === true, previous, Math.floor(Date.now() / 1000)))) s.attributes.set(name, value);
      }
      this.emit({ kind: 'status', node, key: { kind: 'op', node, resource: action.resource, opId: record.attrs.id }, deleted: false, value: JSON.stringify({ agent: action.agent, xml: writeXml(record) }) });
    }
    this.onRecorded?.(executed);
  }
}
