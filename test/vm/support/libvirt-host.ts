import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lifecycle } from '../../../daemon/util/lifecycle.js';
import { runCommandRaw } from '../../../resource-agents/lib/run-command.js';

/**
 * A loopback address of this test process's own (127.A.B.host, A.B from the pid): libvirtd listens on a
 * fixed TCP port, so two test runs on one machine must not share an address.
 */
export function testHostAddress(host: number): string {
  return `127.${((process.pid >> 8) & 0xff) || 1}.${process.pid & 0xff}.${host}`;
}

export interface LibvirtHostOptions {
  name: string;
  /** Loopback address the daemon (and its migration server) listens on, e.g. 127.0.0.2. */
  address: string;
  hostUuid: string;
  migrationPortMin: number;
  /** Directory under the test's temp base dir; removed by the owner of the base dir. */
  dir: string;
}

/**
 * One libvirtd "host" as in shared/recipes/libvirt-two-nodes.sh: a private mount
 * namespace (its own /etc/libvirt, /run/libvirt, /var/lib/libvirt …) so two
 * daemons with distinct host_uuid coexist on one machine and can live-migrate
 * between each other. The daemon runs in the foreground as our child: stop() kills it by PID.
 */
export class LibvirtHost implements Lifecycle {
  private daemon?: ChildProcess;
  private exited?: Promise<void>;

  constructor(readonly options: LibvirtHostOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** PID of libvirtd (tests stop it with SIGSTOP to simulate a hung daemon). */
  get pid(): number | undefined {
    return this.daemon?.pid;
  }

  get socketPath(): string {
    return join(this.options.dir, 'run', 'libvirt-sock');
  }

  /** The URI clients on this machine use (unix socket, no TCP needed). */
  get uri(): string {
    return `qemu+unix:///system?socket=${this.socketPath}`;
  }

  get tcpUri(): string {
    return `qemu+tcp://${this.options.address}/system`;
  }

  async start(): Promise<void> {
    const { dir, address, hostUuid, migrationPortMin } = this.options;
    for (const sub of ['etc', 'run', 'lib', 'log', 'cache']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(
      join(dir, 'etc', 'libvirtd.conf'),
      [
        'listen_tls = 0',
        'listen_tcp = 1',
        `listen_addr = "${address}"`,
        'auth_tcp = "none"',
        'auth_unix_rw = "none"',
        'auth_unix_ro = "none"',
        `host_uuid = "${hostUuid}"`,
        `log_outputs = "3:file:${join(dir, 'libvirtd.log')}"`,
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'etc', 'qemu.conf'),
      [
        'user = "root"',
        'group = "root"',
        'dynamic_ownership = 0',
        'remember_owner = 0',
        'security_driver = "none"',
        'cgroup_controllers = [ ]',
        'namespaces = [ ]',
        'stdio_handler = "file"',
        'lock_manager = "nop"',
        `migration_address = "${address}"`,
        `migration_host = "${address}"`,
        `migration_port_min = ${migrationPortMin}`,
        `migration_port_max = ${migrationPortMin + 15}`,
      ].join('\n') + '\n',
    );
    // libvirtd resolves the user 'libvirt-qemu' before reading qemu.conf.
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const group = readFileSync('/etc/group', 'utf8');
    writeFileSync(join(dir, 'passwd'), /^libvirt-qemu:/m.test(passwd) ? passwd : passwd + 'libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin\n');
    writeFileSync(join(dir, 'group'), /^libvirt-qemu:/m.test(group) ? group : group + 'libvirt-qemu:x:64055:\n');
    for (const p of ['/run/libvirt', '/var/lib/libvirt', '/var/log/libvirt', '/var/cache/libvirt']) mkdirSync(p, { recursive: true });
    const script = [
      `mount --bind ${dir}/passwd /etc/passwd`,
      `mount --bind ${dir}/group /etc/group`,
      `mount --bind ${dir}/etc /etc/libvirt`,
      `mount --bind ${dir}/run /run/libvirt`,
      `mount --bind ${dir}/lib /var/lib/libvirt`,
      `mount --bind ${dir}/log /var/log/libvirt`,
      `mount --bind ${dir}/cache /var/cache/libvirt`,
      // nice 10: the guests (TCG QEMU, libvirtd's children, saturate a CPU each) must not starve the
      // cluster stack on a 2-core CI machine; production gives corosync/etcd priority the same way
      `exec nice -n 10 /usr/sbin/libvirtd --listen -f /etc/libvirt/libvirtd.conf -p ${dir}/libvirtd.pid`,
    ].join('; ');
    const daemon = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { stdio: 'ignore' });
    this.daemon = daemon;
    this.exited = new Promise((resolve) => daemon.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    while (!existsSync(this.socketPath)) {
      if (daemon.exitCode !== null) throw new Error(`libvirtd ${this.name} exited with ${daemon.exitCode}; see ${dir}/libvirtd.log`);
      if (Date.now() > deadline) throw new Error(`libvirtd ${this.name} did not create ${this.socketPath} within 15 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The first call probes QEMU's capabilities (8-10 s): pay it here, once per daemon.
    await this.virsh(['version'], 60_000);
  }

  /** virsh against this host; resolves with the result whatever the exit code. */
  virsh(args: string[], timeoutMs = 30_000) {
    return runCommandRaw('virsh', ['-c', this.uri, ...args], timeoutMs);
  }

  async runningDomains(): Promise<string[]> {
    const r = await this.virsh(['list', '--name']);
    return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  }

  async domainState(name: string): Promise<string> {
    const r = await this.virsh(['domstate', name]);
    return r.code === 0 ? r.stdout.trim() : 'absent';
  }

  /** PID of the QEMU process running `domain` here (libvirt writes it under /run/libvirt/qemu). */
  qemuPid(domain: string): number | undefined {
    const file = join(this.options.dir, 'run', 'qemu', `${domain}.pid`);
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
  }

  async stop(): Promise<void> {
    if (!this.daemon) return;
    for (const d of await this.runningDomains().catch(() => [])) await this.virsh(['destroy', d]);
    const defined = await this.virsh(['list', '--all', '--name']).catch(() => undefined);
    for (const d of defined?.stdout.split('\n').map((s) => s.trim()).filter(Boolean) ?? []) await this.virsh(['undefine', d]);
    this.killLeftoverQemu();
    this.daemon.kill('SIGTERM');
    const killer = setTimeout(() => this.daemon?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
    this.daemon = undefined;
  }

  /** Power-off: libvirtd and every QEMU of this host die at once (no cleanup by libvirt). */
  async kill(): Promise<void> {
    if (!this.daemon) return;
    this.killLeftoverQemu();
    this.daemon.kill('SIGKILL');
    await this.exited;
    this.daemon = undefined;
  }

  /** A QEMU whose daemon could not destroy it (daemon hung) must not outlive the test. */
  private killLeftoverQemu(): void {
    const qemuRun = join(this.options.dir, 'run', 'qemu');
    if (!existsSync(qemuRun)) return;
    for (const f of readdirSync(qemuRun).filter((n) => n.endsWith('.pid'))) {
      const pid = Number(readFileSync(join(qemuRun, f), 'utf8').trim());
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
