import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../daemon/api/client.js';
import type { Lifecycle } from '../../daemon/util/lifecycle.js';
import { freePort } from '../integration/support/etcd-cluster.js';

const root = new URL('../../', import.meta.url).pathname;

/** One real single-node vigild (embedded etcd on free loopback ports, private data dir and socket). */
export class VigildProcess implements Lifecycle {
  dir = '';
  socket = '';
  private child?: ChildProcess;
  log = '';

  constructor(readonly node = 'n1') {}

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'vigil-shell-vigild-'));
    this.socket = join(this.dir, 'api.sock');
    const [client, peer] = [await freePort(), await freePort()];
    this.child = spawn(
      'node',
      [
        join(root, 'bin/vigild.mjs'),
        '--node', this.node,
        '--data-dir', join(this.dir, 'data'),
        '--api-socket', this.socket,
        '--embedded-etcd-client-url', `http://127.0.0.1:${client}`,
        '--embedded-etcd-peer-url', `http://127.0.0.1:${peer}`,
        '--resource-tmp-dir', join(this.dir, 'rsc'),
        '--log-level', 'warn',
        // A single node has nowhere to move resources to: do not wait the default minute on stop.
        '--shutdown-timeout-ms', '2000',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    const api = new ApiClient(this.socket);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`vigild exited with ${this.child.exitCode}:\n${this.log}`);
      const info = await api.nodeInfo().catch(() => undefined);
      if (info?.quorate && info.dc !== undefined) return;
      if (Date.now() > deadline) throw new Error(`vigild did not become DC in 30 s:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.dir) {
      await this.killLeftovers();
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** Processes the daemon started under this test's directory (its embedded etcd, if the daemon had to be killed) must not outlive the test. */
  private async killLeftovers(): Promise<void> {
    for (const pid of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(pid)) continue;
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (!cmdline.includes(this.dir)) continue;
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
