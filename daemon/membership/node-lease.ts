import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EtcdLeaseInvalidError, type Etcd3, type Lease } from 'etcd3';
import { memberKey } from '../cib/store-keys.js';
import { VigilError } from '../util/errors.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';

export class NodeNameInUseError extends VigilError {
  override readonly code = 'NODE_NAME_IN_USE';
}

export interface NodeLeaseOptions {
  client: Etcd3;
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
 * out every TTL/4 as independent one-shot requests, so one slow or failed request (an etcd
 * leader change) neither blocks the next nor counts as a loss; only etcd saying the lease
 * is gone does. The self-fence deadline is computed from the send times (see DESIGN.md).
 */
export class NodeLease implements Lifecycle {
  private lease?: Lease;
  private timer?: NodeJS.Timeout;
  private inFlight = 0;
  private lastSentAt = -Infinity;
  private lostReported = false;

  constructor(private readonly o: NodeLeaseOptions) {}

  /** Whether a keepalive sent within the last TTL succeeded: we talk to a quorate etcd. */
  get quorate(): boolean {
    return performance.now() - this.lastSentAt < this.o.ttlS * 1000;
  }

  get leaseId(): Promise<string> | undefined {
    return this.lease?.grant();
  }

  async start(): Promise<void> {
    await this.join();
    this.timer = setInterval(() => this.keepalive(), (this.o.ttlS * 1000) / 4);
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
    this.lease?.release();
    this.lease = undefined;
    await this.join();
  }

  private keepalive(): void {
    const lease = this.lease;
    if (!lease || this.inFlight >= 3) return;
    const sentAt = performance.now();
    this.inFlight++;
    const timeout = sleep(this.o.ttlS * 500, 'timeout' as const);
    Promise.race([lease.keepaliveOnce(), timeout])
      .then((res) => {
        if (res === 'timeout' || lease !== this.lease) return;
        if (sentAt > this.lastSentAt) this.lastSentAt = sentAt;
        this.o.onRenewed(sentAt);
      })
      .catch((err: unknown) => {
        if (lease !== this.lease) return;
        if (err instanceof EtcdLeaseInvalidError) {
          if (!this.lostReported) {
            this.lostReported = true;
            this.o.log.error({ err }, 'etcd says our lease is gone');
            this.o.onLost('lease expired at etcd');
          }
        } else {
          this.o.log.warn({ err: (err as Error).message }, 'lease keepalive failed');
        }
      })
      .finally(() => this.inFlight--);
  }

  /** Leaves the cluster: revokes the lease, which deletes the presence key at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await lease.revoke().catch((err: unknown) => this.o.log.warn({ err }, 'lease revoke failed'));
  }
}
