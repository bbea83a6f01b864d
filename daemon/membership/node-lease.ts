import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Etcd3, Lease } from 'etcd3';
import { memberKey } from '../cib/store-keys.js';
import { VigilError } from '../util/errors.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';

export class NodeNameInUseError extends VigilError {
  override readonly code = 'NODE_NAME_IN_USE';
}

export interface NodeLeaseOptions {
  client: Etcd3;
  /** Every etcd member's client URL: keepalives go to all of them at once. */
  endpoints: string[];
  node: string;
  ttlS: number;
  log: Logger;
  /** Local monotonic send time of each keepalive etcd confirmed (feeds the self-fence deadline). */
  onRenewed: (sentAtMs: number) => void;
  /** etcd answered that the lease no longer exists: the node is out of the cluster. */
  onLost: (reason: string) => void;
}

/**
 * This node's lease and its presence key (vigil/members/<node>) bound to it. Keepalives go
 * out every TTL/8 as independent one-shot requests over etcd's JSON gateway, to every member
 * at once (the first answer counts), so a dead member or an etcd leader change costs no
 * renewal beyond the re-election itself; a failed request never counts as a loss, only etcd
 * saying the lease is gone does. The self-fence deadline is computed from the send times.
 */
export class NodeLease implements Lifecycle {
  private lease?: Lease;
  private leaseIdText?: string;
  private timer?: NodeJS.Timeout;
  private inFlight = 0;
  private lastSentAt = -Infinity;
  private lostReported = false;

  constructor(private readonly o: NodeLeaseOptions) {}

  /** This incarnation of the node: the id of the lease it joined with (undefined between a loss and the rejoin). */
  get incarnation(): string | undefined {
    return this.leaseIdText;
  }

  /** Whether a keepalive sent within the last TTL succeeded: we talk to a quorate etcd. */
  get quorate(): boolean {
    return performance.now() - this.lastSentAt < this.o.ttlS * 1000;
  }

  async start(): Promise<void> {
    await this.join();
    this.timer = setInterval(() => this.keepalive(), (this.o.ttlS * 1000) / 8);
  }

  /**
   * Grants a lease and creates the presence key. If the key still exists (a previous
   * incarnation of this node, whose lease has not yet expired), waits for it to go:
   * two live holders of one name would defeat fencing.
   */
  private async join(): Promise<void> {
    const key = memberKey(this.o.node);
    const deadline = performance.now() + this.o.ttlS * 3000;
    for (;;) {
      const lease = this.o.client.lease(this.o.ttlS, { autoKeepAlive: false });
      const sentAt = performance.now();
      const id = await lease.grant();
      const res = await this.o.client
        .if(key, 'Create', '==', 0)
        .then(this.o.client.put(key).value(JSON.stringify({ pid: process.pid, since: Date.now() })).lease(id))
        .commit();
      if (res.succeeded) {
        this.lease = lease;
        this.leaseIdText = id;
        this.lastSentAt = sentAt;
        this.lostReported = false;
        this.o.onRenewed(sentAt);
        this.o.log.info({ lease: id, ttl: this.o.ttlS }, 'joined the cluster');
        return;
      }
      await lease.revoke().catch(() => undefined);
      if (performance.now() > deadline) {
        throw new NodeNameInUseError(`node name '${this.o.node}' is held by another live vigild (presence key ${key})`);
      }
      await sleep(200);
    }
  }

  /** After a loss (resources already stopped): a fresh lease and presence. */
  async rejoin(): Promise<void> {
    const old = this.lease;
    this.lease = undefined;
    this.leaseIdText = undefined;
    old?.release();
    // the old lease may still be alive (a short blip): drop it, so nothing is bound to it any more
    await old?.revoke().catch(() => undefined);
    await this.join();
  }

  private keepalive(): void {
    const lease = this.lease;
    const id = this.leaseIdText;
    if (!lease || !id || this.inFlight >= 4) return;
    const sentAt = performance.now();
    this.inFlight++;
    Promise.any(this.o.endpoints.map((endpoint) => this.keepaliveVia(endpoint, id)))
      .then((ttl) => {
        if (lease !== this.lease) return;
        if (ttl > 0) {
          if (sentAt > this.lastSentAt) this.lastSentAt = sentAt;
          this.o.onRenewed(sentAt);
        } else if (!this.lostReported) {
          this.lostReported = true;
          this.o.log.error({ lease: id }, 'etcd says our lease is gone');
          this.o.onLost('lease expired at etcd');
        }
      })
      .catch((err: AggregateError) => {
        if (lease === this.lease) this.o.log.warn({ errors: err.errors.map((e: Error) => e.message) }, 'lease keepalive failed on every member');
      })
      .finally(() => this.inFlight--);
  }

  /** One keepalive through one member; resolves with the remaining TTL (0: the lease is gone). */
  private async keepaliveVia(endpoint: string, id: string): Promise<number> {
    const res = await fetch(`${endpoint}/v3/lease/keepalive`, {
      method: 'POST',
      body: JSON.stringify({ ID: id }),
      signal: AbortSignal.timeout(this.o.ttlS * 500),
    });
    const body = (await res.json()) as { result?: { TTL?: string }; error?: { message?: string } };
    if (!res.ok || !body.result) throw new Error(`${endpoint}: ${body.error?.message ?? `HTTP ${res.status}`}`);
    return Number(body.result.TTL ?? 0);
  }

  /** Leaves the cluster: revokes the lease, which deletes the presence key at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await lease.revoke().catch((err: unknown) => this.o.log.warn({ err }, 'lease revoke failed'));
  }
}
