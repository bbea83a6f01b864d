import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from '../../../daemon/api/client.js';
import { createLogger } from '../../../daemon/util/logger.js';
import type { Lifecycle } from '../../../daemon/util/lifecycle.js';
import { runCommandRaw } from '../../../resource-agents/lib/run-command.js';
import { EtcdCluster } from '../../integration/support/etcd-cluster.js';
import { LibvirtPair } from './libvirt-pair.js';
import { PROJECT_DIR } from './run-agent.js';

interface VigildNode {
  name: string;
  dir: string;
  configFile: string;
  child?: ChildProcess;
  exited?: Promise<void>;
}

/**
 * Two VM hosts as a user would have them: on each, libvirtd and vigild share a
 * mount namespace (so qemu:///system and mounts by the storage agent are that
 * host's own), vigild joins one etcd on loopback, and `vigil` talks to a node's
 * API socket. stop() stops vigild (which stops its VMs), etcd, then the libvirt
 * hosts, all by PID, and removes the base dir.
 */
export class VmCluster implements Lifecycle {
  readonly pair = new LibvirtPair('vigil-vmcluster-');
  private etcd?: EtcdCluster;
  private readonly nodes = new Map<string, VigildNode>();

  get baseDir(): string {
    return this.pair.baseDir;
  }

  async start(): Promise<void> {
    await this.pair.start();
    try {
      this.etcd = await EtcdCluster.start(this.baseDir, 1, createLogger({ level: 'warn' }));
      for (const host of this.pair.hosts) {
        const dir = join(this.baseDir, `vigild-${host.name}`);
        mkdirSync(dir, { recursive: true });
        const settings = {
          node: host.name,
          etcd_endpoints: this.etcd.endpoints().join(','),
          data_dir: dir,
          api_socket: join(dir, 'api.sock'),
          resource_tmp_dir: join(dir, 'rsc'),
          log_level: 'info',
          // Both nodes stop together at teardown: nobody can take over, so do not wait long for it.
          shutdown_timeout_ms: '3000',
        };
        const configFile = join(dir, 'vigild.conf');
        writeFileSync(configFile, Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''));
        this.nodes.set(host.name, { name: host.name, dir, configFile });
        this.startNode(host.name);
      }
      await this.waitFor(async () => {
        const infos = await Promise.all([...this.nodes.keys()].map((n) => this.api(n).nodeInfo().catch(() => undefined)));
        return infos.every((i) => i && i.members.length === this.nodes.size && i.dc !== undefined);
      }, 60_000, 'both vigild nodes joined with a DC');
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** vigild inside the mount namespace of its host's libvirtd (nsenter execs node: the PID is vigild's). */
  startNode(name: string): void {
    const node = this.node(name);
    const fd = openSync(join(node.dir, 'vigild.log'), 'a');
    const child = spawn('nsenter', ['-t', String(this.pair.host(name).pid), '-m', process.execPath, join(PROJECT_DIR, 'bin', 'vigild.mjs'), '--config', node.configFile], {
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    node.child = child;
    node.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  api(name: string): ApiClient {
    return new ApiClient(join(this.node(name).dir, 'api.sock'), 10_000);
  }

  /** The `vigil` command against a node's daemon. */
  vigil(name: string, args: string[]) {
    return runCommandRaw(process.execPath, [join(PROJECT_DIR, 'bin', 'vigil.mjs'), ...args], 60_000, {
      env: { ...process.env, VIGIL_SOCKET: join(this.node(name).dir, 'api.sock') },
    });
  }

  /** Hosts where libvirt says the domain is running (what a user of virsh would see). */
  async runningOn(domain: string): Promise<string[]> {
    const states = await Promise.all(this.pair.hosts.map(async (h) => [h.name, await h.domainState(domain)] as const));
    return states.filter(([, s]) => s === 'running').map(([n]) => n);
  }

  /** Only the daemon dies (SIGKILL); libvirtd and its QEMUs are left to the node's guard. */
  async killDaemon(name: string): Promise<void> {
    const node = this.node(name);
    node.child?.kill('SIGKILL');
    await node.exited;
    node.child = undefined;
  }

  /** The host dies at once: its vigild, libvirtd and every QEMU on it are SIGKILLed together. */
  async powerOff(name: string): Promise<void> {
    const node = this.node(name);
    node.child?.kill('SIGKILL');
    await Promise.all([node.exited, this.pair.host(name).kill()]);
    node.child = undefined;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.nodes.values()].map((n) => this.stopNode(n)));
    await this.etcd?.stop();
    await this.pair.stop();
  }

  private async stopNode(node: VigildNode): Promise<void> {
    const child = node.child;
    if (!child) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await node.exited;
    clearTimeout(killer);
    node.child = undefined;
  }

  async waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      if (await check()) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}\n${await this.diagnose()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** What a failed wait should show: `vigil status`, failed operations, and the daemons' warnings. */
  async diagnose(): Promise<string> {
    const running = [...this.nodes.values()].find((n) => n.child);
    if (!running) return 'no vigild running';
    const status = await this.vigil(running.name, ['status']).catch((err: Error) => ({ stdout: err.message, stderr: '' }));
    const cib = await this.api(running.name).getCib().catch(() => '');
    const failed = (cib.match(/<lrm_rsc_op [^>]*rc-code="(?!0")[^>]*>/g) ?? [])
      .filter((op) => !/operation="monitor"[^>]*interval="0"[^>]*rc-code="7"/.test(op) && !/_monitor_0"[^>]*rc-code="7"/.test(op))
      .map((op) => op.replace(/ (transition-\w+|op-digest|crm_feature_set|crm-debug-origin|call-id|queue-time)="[^"]*"/g, ''))
      .join('\n');
    const warnings = [...this.nodes.values()].map((n) => {
      const lines = readFileSync(join(n.dir, 'vigild.log'), 'utf8').split('\n');
      // and what is not a log event at all: a crash's stack trace (e.g. a module that failed to load)
      const warnings = lines.filter((l) => /"level":(40|50|60)/.test(l) || (l !== '' && !l.startsWith('{'))).slice(-15);
      const controller = lines.filter((l) => /"component":"controller"/.test(l)).slice(-12);
      return `--- ${n.name} warnings:\n${warnings.join('\n')}\n--- ${n.name} last controller events:\n${controller.join('\n')}`;
    });
    return [`--- vigil status:\n${status.stdout}${status.stderr}`, `--- failed operations:\n${failed}`, ...warnings].join('\n');
  }

  private node(name: string): VigildNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no vigild node ${name}`);
    return node;
  }
}
