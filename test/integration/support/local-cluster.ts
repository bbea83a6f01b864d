import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../../../daemon/api/client.js';
import { projectDir } from '../../../daemon/executor/project-paths.js';
import { createLogger } from '../../../daemon/util/logger.js';
import { EtcdCluster } from './etcd-cluster.js';

export interface LocalClusterOptions {
  /** Number of vigild nodes (n1..nN); etcd always has 3 members. */
  size: number;
  /** Extra `key = value` settings for every node's vigild.conf. */
  settings?: Record<string, string>;
}

/** One line of the agents' own action log: what ran where, from the agents' side. */
export interface AgentAction {
  at: number;
  node: string;
  resource: string;
  action: string;
  intervalMs: number;
  rc: number;
}

interface NodeProcess {
  name: string;
  address: string;
  configFile: string;
  logFile: string;
  child?: ChildProcess;
  exited?: Promise<void>;
}

/**
 * A real cluster on one machine: a 3-member etcd on loopback and N vigild processes
 * (`node bin/vigild.mjs`), each reaching etcd through its own loopback address
 * (127.X.Y.K, a random block per cluster) so a firewall rule can cut one node off. Resources use ocf:vigiltest:Logged,
 * which runs ocf:vigil:Dummy (daemon=true: a real placeholder process) and appends every
 * action to a log, so tests judge activity from the agents' side.
 */
export class LocalCluster {
  readonly nodes = new Map<string, NodeProcess>();
  private readonly cut = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly etcd: EtcdCluster,
    private readonly settings: Record<string, string>,
  ) {}

  static async start(o: LocalClusterOptions): Promise<LocalCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-'));
    writeLoggedAgent(dir);
    mkdirSync(join(dir, 'state'));
    const names = Array.from({ length: o.size }, (_, i) => `n${i + 1}`);
    // a loopback block of its own, so cutting one node off cannot touch another cluster on this machine
    const block = `127.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}`;
    const addresses = names.map((_, i) => `${block}.${i + 1}`);
    let etcd: EtcdCluster;
    try {
      etcd = await EtcdCluster.start(dir, 3, createLogger({ level: 'warn' }), addresses);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const cluster = new LocalCluster(dir, etcd, o.settings ?? {});
    try {
      names.forEach((name, i) => cluster.addNode(name, addresses[i]));
      for (const name of names) cluster.startNode(name);
      await cluster.waitFor(async () => {
        const infos = await Promise.all(names.map((n) => cluster.api(n).nodeInfo().catch(() => undefined)));
        return infos.every((i) => i && i.members.length === names.length && i.dc !== undefined);
      }, 30_000, 'all nodes joined with a DC');
    } catch (err) {
      // what each node was doing: a cluster that never formed is otherwise undiagnosable once its dir is gone
      const tails = names.map((n) => `--- ${n} (last log lines)\n${readText(join(dir, n, 'vigild.log')).trimEnd().split('\n').slice(-12).join('\n')}`);
      await cluster.stop();
      throw new Error(`${(err as Error).message}\n${tails.join('\n')}`, { cause: err });
    }
    return cluster;
  }

  private addNode(name: string, address: string): void {
    const nodeDir = join(this.dir, name);
    mkdirSync(nodeDir, { recursive: true });
    const settings: Record<string, string> = {
      node: name,
      etcd_endpoints: this.etcd.endpoints(address).join(','),
      data_dir: nodeDir,
      api_socket: join(nodeDir, 'api.sock'),
      resource_tmp_dir: join(nodeDir, 'rsc'),
      agent_path: [join(this.dir, 'ocf'), join(projectDir(), 'resource-agents', 'ocf'), '/usr/lib/ocf'].join(':'),
      log_level: 'info',
      ...this.settings,
    };
    const configFile = join(nodeDir, 'vigild.conf');
    writeFileSync(configFile, Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''));
    this.nodes.set(name, { name, address, configFile, logFile: join(nodeDir, 'vigild.log') });
  }

  /**
   * Starts (or restarts) a node's vigild; its log is appended to <dir>/<node>/vigild.log.
   * A restart after a kill stands for a reboot: the node's runtime state (/run, where agents
   * keep state files) is gone, so state files whose process died are removed first.
   */
  startNode(name: string): void {
    const node = this.node(name);
    const stateDir = join(this.dir, 'state');
    for (const file of readdirSync(stateDir)) {
      if (!file.endsWith(`@${name}`)) continue;
      const pid = /pid=(\d+)/.exec(readText(join(stateDir, file)))?.[1];
      if (!pid || !processAlive(Number(pid))) rmSync(join(stateDir, file), { force: true });
    }
    const fd = openSync(node.logFile, 'a');
    const child = spawn(process.execPath, [join(projectDir(), 'bin', 'vigild.mjs'), '--config', node.configFile], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    node.child = child;
    node.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** SIGKILL: the daemon dies at once (its guard process still kills its resources at the lease deadline). */
  async killNode(name: string): Promise<void> {
    const node = this.node(name);
    node.child?.kill('SIGKILL');
    await node.exited;
    node.child = undefined;
  }

  /** SIGTERM: a clean shutdown (resources move away first). */
  async stopNode(name: string, timeoutMs = 30_000): Promise<void> {
    const node = this.node(name);
    if (!node.child) return;
    node.child.kill('SIGTERM');
    const killer = setTimeout(() => node.child?.kill('SIGKILL'), timeoutMs);
    await node.exited;
    clearTimeout(killer);
    node.child = undefined;
  }

  api(name?: string): ApiClient {
    const node = name ? this.node(name) : [...this.nodes.values()].find((n) => n.child && !this.cut.has(n.name));
    if (!node) throw new Error('no running node to ask');
    return new ApiClient(join(this.dir, node.name, 'api.sock'), 10_000);
  }

  /** The current DC as a running node reports it (waits while an election is still open). */
  async dc(): Promise<string> {
    let dc: string | undefined;
    await this.waitFor(async () => (dc = (await this.api().nodeInfo().catch(() => undefined))?.dc) !== undefined, 10_000, 'a DC');
    return dc!;
  }

  /** Starts a node again and waits until it is a member that sees the DC. */
  async restartNode(name: string): Promise<void> {
    this.startNode(name);
    await this.waitFor(async () => {
      const info = await this.api(name).nodeInfo().catch(() => undefined);
      return info?.members.length === this.nodes.size && info.dc !== undefined;
    }, 20_000, `${name} rejoined`);
  }

  /**
   * Replaces resources and constraints (and cluster properties) in the configuration,
   * keeping the nodes section; `resources` and `constraints` are XML fragments. Resources
   * are sticky (default 100), so adding some does not rebalance the others.
   */
  async configure(resources: string, constraints = '', properties: Record<string, string> = {}, stickiness = 100): Promise<number> {
    const nvpairs = Object.entries({ 'stonith-enabled': 'false', ...properties })
      .map(([k, v]) => `<nvpair id="opt-${k}" name="${k}" value="${v}"/>`)
      .join('');
    const nodes = [...this.nodes.keys()].map((n) => `<node id="${n}" uname="${n}"/>`).join('');
    const xml = `<configuration><crm_config><cluster_property_set id="opts">${nvpairs}</cluster_property_set></crm_config><nodes>${nodes}</nodes><resources>${resources}</resources><constraints>${constraints}</constraints><rsc_defaults><meta_attributes id="rsc-options"><nvpair id="rsc-options-stickiness" name="resource-stickiness" value="${stickiness}"/></meta_attributes></rsc_defaults></configuration>`;
    return (await this.api().replaceConfiguration({ xml })).epoch;
  }

  /** A primitive of ocf:vigiltest:Logged with a recurring monitor; its state file tells where it runs. */
  dummy(id: string, o: { monitorS?: number; opSleepS?: number; failActions?: string; detached?: boolean; meta?: Record<string, string> } = {}): string {
    const params: Record<string, string> = { state: join(this.dir, 'state', `${id}@%n`), daemon: 'true' };
    // the placeholder outside the agent's process group, as QEMU runs under libvirtd
    if (o.detached) params.detached = 'true';
    if (o.opSleepS) params.op_sleep = String(o.opSleepS);
    if (o.failActions) {
      params.fail_actions = o.failActions;
      params.fail_file = this.failFile(id);
    }
    const ia = Object.entries(params).map(([k, v]) => `<nvpair id="${id}-${k}" name="${k}" value="${v}"/>`).join('');
    const meta = Object.entries(o.meta ?? {}).map(([k, v]) => `<nvpair id="${id}-meta-${k}" name="${k}" value="${v}"/>`).join('');
    return (
      `<primitive id="${id}" class="ocf" provider="vigiltest" type="Logged">` +
      `<instance_attributes id="${id}-ia">${ia}</instance_attributes>` +
      (meta ? `<meta_attributes id="${id}-meta">${meta}</meta_attributes>` : '') +
      `<operations><op id="${id}-mon" name="monitor" interval="${o.monitorS ?? 2}s" timeout="10s"/></operations></primitive>`
    );
  }

  /** While this file exists, the resource's fail_actions fail. */
  failFile(id: string): string {
    return join(this.dir, 'state', `${id}.fail`);
  }

  /**
   * Nodes where the agent's state says the resource is active: state file present and its
   * placeholder process alive (a zombie counts as dead: PID 1 here may not reap).
   */
  activeNodes(resource: string): string[] {
    const stateDir = join(this.dir, 'state');
    const nodes: string[] = [];
    if (!existsSync(stateDir)) return nodes;
    for (const file of readdirSync(stateDir)) {
      const [rsc, node] = file.split('@');
      if (rsc !== resource || node === undefined || file.endsWith('.tmp')) continue;
      const pid = /pid=(\d+)/.exec(readText(join(stateDir, file)))?.[1];
      if (pid && processAlive(Number(pid))) nodes.push(node);
    }
    return nodes.sort();
  }

  /**
   * Each resource active on exactly one node, and the agents' last start/stop of it is its
   * successful start there. Live placeholders alone are not enough: an agent creates its
   * placeholder before it returns and logs, so a start still in flight looks active (and is
   * logged after whatever the test does next).
   */
  settled(resources: string[]): boolean {
    const actions = this.agentActions();
    return resources.every((id) => {
      const nodes = this.activeNodes(id);
      const last = actions.filter((a) => a.resource === id && (a.action === 'start' || a.action === 'stop')).at(-1);
      return nodes.length === 1 && last?.action === 'start' && last.rc === 0 && last.node === nodes[0];
    });
  }

  /** Everything the agents did, in order. */
  agentActions(): AgentAction[] {
    const text = readText(join(this.dir, 'agent-actions.log'));
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [at, node, resource, action, intervalMs, rc] = l.split(' ');
        return { at: Number(at), node, resource, action, intervalMs: Number(intervalMs), rc: Number(rc) };
      });
  }

  async waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
      await sleep(50);
    }
  }

  /** Cuts a node off from etcd (drops every packet to or from its loopback address). */
  cutOff(name: string): void {
    const table = this.nftTable(name);
    const address = this.node(name).address;
    nft(['add', 'table', 'inet', table]);
    nft(['add', 'chain', 'inet', table, 'out', '{ type filter hook output priority 0 ; }']);
    nft(['add', 'rule', 'inet', table, 'out', 'ip', 'daddr', address, 'drop']);
    nft(['add', 'rule', 'inet', table, 'out', 'ip', 'saddr', address, 'drop']);
    this.cut.add(name);
  }

  reconnect(name: string): void {
    if (!this.cut.delete(name)) return;
    nft(['delete', 'table', 'inet', this.nftTable(name)]);
  }

  private nftTable(name: string): string {
    return `vigil_it_${process.pid}_${name}`;
  }

  private node(name: string): NodeProcess {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no node ${name} in this cluster`);
    return node;
  }

  /** Stops everything this cluster started (by PID) and removes its directory. */
  async stop(): Promise<void> {
    for (const name of [...this.cut]) this.reconnect(name);
    await Promise.allSettled([...this.nodes.keys()].map((n) => this.stopNode(n, 15_000)));
    await this.etcd.stop();
    this.killPlaceholders();
    if (process.env.VIGIL_KEEP_CLUSTER) process.stderr.write(`cluster files kept in ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
  }

  /** Resource processes left by killed nodes (their guard normally took them already). */
  private killPlaceholders(): void {
    const stateDir = join(this.dir, 'state');
    if (!existsSync(stateDir)) return;
    for (const file of readdirSync(stateDir)) {
      const pid = /pid=(\d+)/.exec(readText(join(stateDir, file)))?.[1];
      if (pid && processAlive(Number(pid))) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Alive and not a zombie (state Z in /proc/PID/stat). */
export function processAlive(pid: number): boolean {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === '') return false;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function nft(args: string[]): void {
  execFileSync('nft', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** ocf:vigiltest:Logged: runs ocf:vigil:Dummy and appends "ms node resource action interval rc" to a log. */
function writeLoggedAgent(dir: string): void {
  const agentDir = join(dir, 'ocf', 'resource.d', 'vigiltest');
  mkdirSync(agentDir, { recursive: true });
  const dummy = join(projectDir(), 'resource-agents', 'ocf', 'resource.d', 'vigil', 'Dummy');
  const log = join(dir, 'agent-actions.log');
  const script = `#!/bin/sh
${dummy} "$@"
rc=$?
printf '%s %s %s %s %s %s\\n' "$(date +%s%3N)" "$OCF_RESKEY_CRM_meta_on_node" "$OCF_RESOURCE_INSTANCE" "$1" "\${OCF_RESKEY_CRM_meta_interval:-0}" "$rc" >> ${log}
exit $rc
`;
  writeFileSync(join(agentDir, 'Logged'), script);
  chmodSync(join(agentDir, 'Logged'), 0o755);
}

/**
 * Samples where resources are active (agents' side) every few ms, remembering any moment
 * one was active on two nodes at once.
 */
export class ActivitySampler {
  readonly doubleActive: Array<{ resource: string; nodes: string[]; at: number }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cluster: LocalCluster,
    private readonly resources: string[],
    intervalMs = 20,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    for (const resource of this.resources) {
      const nodes = this.cluster.activeNodes(resource);
      if (nodes.length > 1) this.doubleActive.push({ resource, nodes, at: Date.now() });
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}
