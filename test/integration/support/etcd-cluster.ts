import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EmbeddedEtcd } from '../../../daemon/membership/embedded-etcd.js';
import type { Logger } from '../../../daemon/util/logger.js';

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * An N-member etcd cluster on loopback for tests and benchmarks. Members also listen on
 * `clientHosts` (other 127.x addresses), so each vigild can reach etcd through an address
 * of its own that a firewall rule can cut. stop() kills every member by PID and removes
 * the data dirs (each preallocates ~123 MB of WAL). Data lives on /dev/shm where there is one:
 * etcd wants a fast disk (fsync latency is its lease latency), and on a busy shared test
 * machine a disk-backed WAL stalls renewals for over a second.
 */
export class EtcdCluster {
  private constructor(
    readonly members: EmbeddedEtcd[],
    readonly clientPorts: number[],
    private readonly dataDir: string,
  ) {}

  /** `baseDir` holds the data only where /dev/shm is missing. */
  static async start(baseDir: string, size: number, log: Logger, clientHosts: string[] = []): Promise<EtcdCluster> {
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : baseDir, 'vigil-etcd-'));
    const clientPorts: number[] = [];
    const peerPorts: number[] = [];
    for (let i = 0; i < size; i++) {
      clientPorts.push(await freePort());
      peerPorts.push(await freePort());
    }
    const initialCluster = peerPorts.map((p, i) => `e${i}=http://127.0.0.1:${p}`).join(',');
    const members = clientPorts.map(
      (port, i) =>
        new EmbeddedEtcd({
          name: `e${i}`,
          dataDir: join(dir, `etcd-e${i}`),
          clientUrl: `http://127.0.0.1:${port}`,
          extraClientUrls: clientHosts.map((h) => `http://${h}:${port}`),
          peerUrl: `http://127.0.0.1:${peerPorts[i]}`,
          initialCluster,
          removeDataOnStop: true,
          log,
        }),
    );
    const cluster = new EtcdCluster(members, clientPorts, dir);
    // members only report healthy once a quorum formed: start them together
    const started = await Promise.allSettled(members.map((m) => m.start()));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await cluster.stop();
      throw failed.reason;
    }
    return cluster;
  }

  endpoints(host = '127.0.0.1'): string[] {
    return this.clientPorts.map((p) => `http://${host}:${p}`);
  }

  /** Index of the member that is Raft leader now (asked over the JSON gateway). */
  async leader(): Promise<number> {
    for (const [i, port] of this.clientPorts.entries()) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { header: { member_id: string }; leader: string };
        if (body.header.member_id === body.leader) return i;
      } catch {
        // a dead member: ask the next
      }
    }
    throw new Error('no etcd member reports being leader');
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.members.map((m) => m.stop()));
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
