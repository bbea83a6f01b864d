import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import { VigilError } from '../util/errors.js';
import type { AgentRef } from '../scheduler/transition.js';
import { parseXml, writeXml, type XmlElement } from './xml.js';
import * as keys from './store-keys.js';

export class CibEpochConflictError extends VigilError {
  override readonly code = 'CIB_EPOCH_CONFLICT';
}
export class CibInvalidError extends VigilError {
  override readonly code = 'CIB_INVALID';
}
export class CibUnavailableError extends VigilError {
  override readonly code = 'CIB_UNAVAILABLE';
}

export interface StoredConfiguration {
  xml: string;
  epoch: number;
  adminEpoch: number;
}

/** One resource's operation history on one node, as the node recorded it. */
export interface ResourceHistory {
  agent: AgentRef;
  /** lrm_rsc_op elements keyed by their id (rsc_last_0, rsc_monitor_10000, ...). */
  ops: Map<string, XmlElement>;
}

export interface NodeStatus {
  resources: Map<string, ResourceHistory>;
  attributes: Map<string, string>;
  /** Set when the node is known to be cleanly down (fenced or shut down). */
  down?: { reason: 'fenced' | 'shutdown'; at: number };
}

/** The whole cluster state read at one etcd revision. */
export interface CibSnapshot {
  revision: number;
  configuration: StoredConfiguration;
  members: string[];
  status: Map<string, NodeStatus>;
}

/** What changed, for watchers (the controller, the node's own request loop). */
export type CibChange =
  | { kind: 'configuration' }
  | { kind: 'status'; node: string; key: keys.StatusKey; deleted: boolean; value?: string }
  | { kind: 'members' };

export const EMPTY_CONFIGURATION =
  '<configuration>\n  <crm_config/>\n  <nodes/>\n  <resources/>\n  <constraints/>\n</configuration>\n';

/**
 * Checks a complete CIB document before a configuration is stored (S's parseCib once wired
 * by the daemon); throws a VigilError naming the problem. The default only checks XML shape.
 */
export type CibValidator = (cibXml: string) => void;

const defaultValidator: CibValidator = (xml) => {
  parseXml(xml);
};

/**
 * The CIB kept in etcd: configuration (XML + epoch, compare-and-swap updates), per-node
 * status written by each node for itself, and presence. All etcd key plumbing lives here
 * and in store-keys.ts.
 */
export class CibStore {
  constructor(
    readonly client: Etcd3,
    private readonly validate: CibValidator = defaultValidator,
  ) {}

  async readConfiguration(): Promise<StoredConfiguration> {
    const res = await this.guard('read configuration', () => this.client.getAll().prefix('vigil/config/').exec());
    return configurationFrom(res.kvs);
  }

  /**
   * Replaces the configuration atomically (`xml` is a <configuration>, or a whole exported <cib>
   * whose configuration is imported). With expectEpoch, only if the stored epoch still equals it.
   * Validates the resulting CIB first; a rejected update changes nothing. Returns the new epoch.
   */
  async replaceConfiguration(xml: string, expectEpoch?: number): Promise<number> {
    let root: XmlElement;
    try {
      root = parseXml(xml, '<configuration>');
    } catch (err) {
      throw new CibInvalidError(`configuration rejected: ${(err as Error).message}`, { cause: err });
    }
    if (root.name === 'cib') {
      // import of an exported CIB: its configuration; the status section is runtime state the nodes own
      const configuration = root.children.find((c) => c.name === 'configuration');
      if (!configuration) throw new CibInvalidError('configuration rejected: <cib> has no <configuration> section');
      root = configuration;
    }
    if (root.name !== 'configuration') {
      throw new CibInvalidError(`configuration rejected: root element is <${root.name}>, expected <configuration> or <cib>`);
    }
    const current = await this.readConfiguration();
    if (expectEpoch !== undefined && expectEpoch !== current.epoch) {
      throw new CibEpochConflictError(`configuration changed meanwhile: epoch is ${current.epoch}, expected ${expectEpoch}`);
    }
    const text = writeXml(root);
    const epoch = current.epoch + 1;
    try {
      this.validate(cibDocument(text, epoch, current.adminEpoch));
    } catch (err) {
      throw new CibInvalidError(`configuration rejected: ${(err as Error).message}`, { cause: err });
    }
    const res = await this.guard('write configuration', () =>
      this.epochGuard(current.epoch)
        .then(
          this.client.put(keys.CONFIG_XML).value(text),
          this.client.put(keys.CONFIG_EPOCH).value(String(epoch)),
          this.client.put(keys.CONFIG_ADMIN_EPOCH).value(String(current.adminEpoch)),
        )
        .commit(),
    );
    if (!res.succeeded) throw new CibEpochConflictError(`configuration changed meanwhile (epoch ${current.epoch} is stale)`);
    return epoch;
  }

  /** Read-modify-write of the configuration tree, retried on concurrent updates. Returns the epoch. */
  async updateConfiguration(change: (configuration: XmlElement) => boolean): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.readConfiguration();
      const tree = parseXml(current.xml);
      if (!change(tree)) return current.epoch;
      try {
        return await this.replaceConfiguration(writeXml(tree), current.epoch);
      } catch (err) {
        if (!(err instanceof CibEpochConflictError) || attempt >= 20) throw err;
      }
    }
  }

  /** A transaction that always applies (etcd has no unconditional multi-op call in this client). */
  private always() {
    return this.client.if(keys.ROOT, 'Version', '>', -1);
  }

  private epochGuard(epoch: number) {
    // epoch 0 = never written: the key must still be absent.
    return epoch === 0
      ? this.client.if(keys.CONFIG_EPOCH, 'Create', '==', 0)
      : this.client.if(keys.CONFIG_EPOCH, 'Value', '==', String(epoch));
  }

  /** Reads configuration, members and all status at one revision. */
  async snapshot(): Promise<CibSnapshot> {
    const res = await this.guard('read CIB', () => this.client.getAll().prefix(keys.ROOT).exec());
    const status = new Map<string, NodeStatus>();
    const members: string[] = [];
    const configKvs: IKeyValue[] = [];
    for (const kv of res.kvs) {
      const key = kv.key.toString();
      if (key.startsWith('vigil/config/')) configKvs.push(kv);
      else if (key.startsWith(keys.MEMBERS)) members.push(key.slice(keys.MEMBERS.length));
      else {
        const parsed = keys.parseStatusKey(key);
        if (parsed) applyStatus(nodeStatus(status, parsed.node), parsed, kv.value.toString());
      }
    }
    return { revision: Number(res.header.revision), configuration: configurationFrom(configKvs), members: members.sort(), status };
  }

  /** Names of the nodes whose presence key exists, sorted. */
  async members(): Promise<string[]> {
    const names = await this.guard('read members', () => this.client.getAll().prefix(keys.MEMBERS).keys());
    return names.map((k) => k.slice(keys.MEMBERS.length)).sort();
  }

  /**
   * Records one operation's lrm_rsc_op records (main + last_failure) in `node`'s status, with
   * any transient attributes that go with them (fail counts), in one transaction: the DC never
   * sees a failure without its fail count.
   */
  async recordOperations(node: string, resource: string, agent: AgentRef, records: XmlElement[], attributes: Record<string, string> = {}): Promise<void> {
    const puts = records.map((op) => this.client.put(keys.opKey(node, resource, op.attrs.id)).value(JSON.stringify({ agent, xml: writeXml(op) })));
    for (const [name, value] of Object.entries(attributes)) puts.push(this.client.put(keys.attrKey(node, name)).value(value));
    await this.guard('record operation', () => this.always().then(...puts).commit());
  }

  /** Removes records (e.g. of a cancelled recurring monitor) from `node`'s status. */
  async deleteOperations(node: string, resource: string, opIds: string[]): Promise<void> {
    const deletes = opIds.map((id) => this.client.delete().key(keys.opKey(node, resource, id)));
    await this.guard('delete operation', () => this.always().then(...deletes).commit());
  }

  async transientAttribute(node: string, name: string): Promise<string | undefined> {
    return (await this.guard('read attribute', () => this.client.get(keys.attrKey(node, name)).string())) ?? undefined;
  }

  /**
   * Atomically takes an action request off `node`'s queue and records its pending operation.
   * False when the request was already gone (withdrawn by a DC): then nothing may run.
   */
  async claimRequest(node: string, transitionKey: string, resource: string, agent: AgentRef, pending?: XmlElement): Promise<boolean> {
    const qk = keys.queueKey(node, transitionKey);
    const writes: Array<ReturnType<Etcd3['delete']> | ReturnType<Etcd3['put']>> = [this.client.delete().key(qk)];
    if (pending) {
      writes.push(this.client.put(keys.opKey(node, resource, pending.attrs.id)).value(JSON.stringify({ agent, xml: writeXml(pending) })));
    }
    const res = await this.guard('claim action', () => this.client.if(qk, 'Create', '>', 0).then(...writes).commit());
    return res.succeeded;
  }

  /** Withdraws a request that no node has claimed yet; true if it was still queued. */
  async withdrawRequest(node: string, transitionKey: string): Promise<boolean> {
    const qk = keys.queueKey(node, transitionKey);
    const res = await this.guard('withdraw action', () =>
      this.client.if(qk, 'Create', '>', 0).then(this.client.delete().key(qk)).commit(),
    );
    return res.succeeded;
  }

  async enqueueRequest(node: string, transitionKey: string, request: unknown): Promise<void> {
    await this.guard('queue action', () => this.client.put(keys.queueKey(node, transitionKey)).value(JSON.stringify(request)));
  }

  /** Every queued request: node -> transition key -> request JSON. */
  async queuedRequests(node?: string): Promise<Array<{ node: string; transitionKey: string; request: string }>> {
    const prefix = node === undefined ? keys.QUEUE : keys.queueOf(node);
    const res = await this.guard('read queue', () => this.client.getAll().prefix(prefix).exec());
    return res.kvs.map((kv) => {
      const [n, ...rest] = kv.key.toString().slice(keys.QUEUE.length).split('/');
      return { node: n, transitionKey: rest.join('/'), request: kv.value.toString() };
    });
  }

  /** Watches `node`'s action queue; the callback sees each new request once. */
  async watchQueue(node: string, onRequest: (transitionKey: string, request: string) => void): Promise<Watcher> {
    const prefix = keys.queueOf(node);
    const watcher = await this.client.watch().prefix(prefix).create();
    watcher.on('put', (kv) => onRequest(kv.key.toString().slice(prefix.length), kv.value.toString()));
    return watcher;
  }

  /** The resources with operation history on `node` (keys only). */
  async resourcesWithHistory(node: string): Promise<Set<string>> {
    const names = await this.guard('read history keys', () => this.client.getAll().prefix(keys.opsOf(node)).keys());
    return new Set(names.flatMap((k) => {
      const key = keys.parseStatusKey(k);
      return key?.kind === 'op' ? [key.resource] : [];
    }));
  }

  /** Watches one node's operation history for records deleted (cleanup, an orphan forgotten, a status reset). */
  async watchHistoryDeletions(node: string, onDelete: () => void): Promise<Watcher> {
    const watcher = await this.client.watch().prefix(keys.opsOf(node)).create();
    watcher.on('delete', () => onDelete());
    return watcher;
  }

  /** Watches configuration, status and members; the callback gets each change. */
  async watchCluster(onChange: (change: CibChange) => void): Promise<Watcher> {
    const watcher = await this.client.watch().prefix(keys.ROOT).create();
    const emit = (kv: IKeyValue, deleted: boolean) => {
      const key = kv.key.toString();
      if (key.startsWith('vigil/config/')) onChange({ kind: 'configuration' });
      else if (key.startsWith(keys.MEMBERS)) onChange({ kind: 'members' });
      else {
        const parsed = keys.parseStatusKey(key);
        if (parsed) onChange({ kind: 'status', node: parsed.node, key: parsed, deleted, value: deleted ? undefined : kv.value.toString() });
      }
    };
    watcher.on('put', (kv) => emit(kv, false));
    watcher.on('delete', (kv) => emit(kv, true));
    return watcher;
  }

  /** Forgets a resource's history and fail counts on one node or all: `crm_resource --cleanup`. */
  async forgetResource(resource: string, node?: string): Promise<void> {
    for (const n of await this.nodesFor(node)) {
      await this.guard('cleanup', () => this.client.delete().prefix(keys.resourceOpsOf(n, resource)).exec());
    }
    await this.clearFailures(resource, node);
  }

  /** Deletes a resource's fail-count-* and last-failure-* attributes on one node or all. */
  async clearFailures(resource: string, node?: string): Promise<void> {
    for (const n of await this.nodesFor(node)) {
      const prefix = keys.attrsOf(n);
      const names = await this.guard('read attributes', () => this.client.getAll().prefix(prefix).keys());
      for (const key of names) {
        const name = key.slice(prefix.length);
        if (name.startsWith(`fail-count-${resource}#`) || name.startsWith(`last-failure-${resource}#`)) {
          await this.guard('clear fail count', () => this.client.delete().key(key));
        }
      }
    }
  }

  private async nodesFor(node: string | undefined): Promise<string[]> {
    return node === undefined ? [...(await this.snapshot()).status.keys()] : [node];
  }

  async setTransientAttribute(node: string, name: string, value: string | null | undefined): Promise<void> {
    const key = keys.attrKey(node, name);
    if (value == null) await this.guard('delete attribute', () => this.client.delete().key(key));
    else await this.guard('set attribute', () => this.client.put(key).value(value));
  }

  /**
   * Marks a node cleanly down (fenced or shut down): its operation history and transient
   * attributes are erased, as after fencing in Pacemaker, so nothing is believed running there.
   */
  async markNodeDown(node: string, reason: 'fenced' | 'shutdown'): Promise<void> {
    await this.guard('mark node down', () =>
      this.client
        .if(keys.memberKey(node), 'Create', '==', 0)
        .then(
          this.client.delete().prefix(keys.opsOf(node)),
          this.client.delete().prefix(keys.attrsOf(node)),
          this.client.put(keys.downKey(node)).value(JSON.stringify({ reason, at: Date.now() })),
        )
        .commit(),
    );
  }

  /** A (re)joining node starts from a clean status: history is re-discovered by probes. */
  async resetNodeStatus(node: string): Promise<void> {
    await this.guard('reset node status', () => this.client.delete().prefix(keys.statusOf(node)).exec());
  }

  private async guard<T>(what: string, fn: () => PromiseLike<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof VigilError) throw err;
      throw new CibUnavailableError(`${what}: etcd unavailable: ${(err as Error).message}`, { cause: err });
    }
  }
}

function configurationFrom(kvs: IKeyValue[]): StoredConfiguration {
  const get = (k: string) => kvs.find((kv) => kv.key.toString() === k)?.value.toString();
  return {
    xml: get(keys.CONFIG_XML) ?? EMPTY_CONFIGURATION,
    epoch: Number(get(keys.CONFIG_EPOCH) ?? 0),
    adminEpoch: Number(get(keys.CONFIG_ADMIN_EPOCH) ?? 0),
  };
}

function nodeStatus(all: Map<string, NodeStatus>, node: string): NodeStatus {
  let s = all.get(node);
  if (!s) all.set(node, (s = { resources: new Map(), attributes: new Map() }));
  return s;
}

function applyStatus(status: NodeStatus, key: keys.StatusKey, value: string): void {
  if (key.kind === 'attr') status.attributes.set(key.name, value);
  else if (key.kind === 'down') status.down = JSON.parse(value) as NodeStatus['down'];
  else {
    const record = JSON.parse(value) as { agent: AgentRef; xml: string };
    let history = status.resources.get(key.resource);
    if (!history) status.resources.set(key.resource, (history = { agent: record.agent, ops: new Map() }));
    history.ops.set(key.opId, parseXml(record.xml));
  }
}

/** A bare CIB document around a configuration, for validation. */
function cibDocument(configurationXml: string, epoch: number, adminEpoch: number): string {
  return `<cib epoch="${epoch}" admin_epoch="${adminEpoch}" num_updates="0" validate-with="pacemaker-3.9">\n${configurationXml}<status/>\n</cib>\n`;
}
