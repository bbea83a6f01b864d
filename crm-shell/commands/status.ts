import type { NodeInfo } from '../../daemon/api/contract.js';
import { parseCib } from '../../daemon/cib/index.js';
import type { AttributeSet, Cib, Resource } from '../../daemon/cib/model.js';
import { formatDuration } from '../format.js';
import type { Colours } from '../colour.js';
import { EXIT } from '../exit-codes.js';
import type { ShellCommand } from '../level.js';
import { parseFlags } from '../options.js';
import { placements, rcName, type FailedAction, type Placement } from '../resource-state.js';
import type { ShellSession } from '../session.js';

const pairValue = (sets: AttributeSet[], name: string) => sets.flatMap((s) => s.pairs).find((p) => p.name === name)?.value;
const isOn = (v: string | undefined) => v !== undefined && /^(on|true|yes|1)$/i.test(v);

export interface ClusterStatus {
  node: NodeInfo;
  nodes: Array<{ name: string; online: boolean; standby: boolean; maintenance: boolean }>;
  resources: Array<{ id: string; kind: string; agent?: string; parent?: string; placements: Placement[]; targetRole?: string }>;
  failures: FailedAction[];
}

/** Nodes, resources and failures, from the daemon's view and the CIB; the text and JSON outputs both come from this. */
export async function clusterStatus(session: ShellSession): Promise<ClusterStatus> {
  const [info, text] = await Promise.all([session.api.nodeInfo(), session.api.getCib()]);
  const cib: Cib = parseCib(text, 'live CIB');
  const { placements: placed, failures } = placements(cib);
  const names = new Set([...cib.configuration.nodes.map((n) => n.uname), ...info.members, ...cib.status.map((s) => s.uname ?? s.id)]);
  const nodes = [...names].sort().map((name) => {
    const node = cib.configuration.nodes.find((n) => n.uname === name);
    const transient = cib.status.find((s) => (s.uname ?? s.id) === name)?.transient ?? {};
    const attr = (a: string) => transient[a] ?? (node ? pairValue(node.attributes, a) : undefined);
    return { name, online: info.members.includes(name), standby: isOn(attr('standby')), maintenance: isOn(attr('maintenance')) };
  });
  const resources: ClusterStatus['resources'] = [];
  const walk = (r: Resource, parent?: string) => {
    const agent = r.kind === 'primitive' ? `${r.class}${r.provider ? `:${r.provider}` : ''}:${r.type}` : undefined;
    resources.push({ id: r.id, kind: r.kind, agent, parent, placements: placed.filter((p) => p.resource === r.id || p.resource.startsWith(`${r.id}:`)), targetRole: pairValue(r.meta, 'target-role') });
    for (const child of 'children' in r ? r.children : 'child' in r && r.child ? [r.child] : []) walk(child as Resource, r.id);
  };
  cib.configuration.resources.forEach((r) => walk(r));
  return { node: info, nodes, resources, failures };
}

function render(status: ClusterStatus, c: Colours): string {
  const lines: string[] = ['Cluster Summary:'];
  lines.push(`  * Current DC: ${status.node.dc ?? c.red('NONE')} (${status.node.quorate ? 'partition with quorum' : c.red('partition WITHOUT quorum')})`);
  lines.push(`  * Last updated: ${new Date().toISOString()} on ${status.node.node}`);
  lines.push(`  * ${status.nodes.length} nodes configured, ${status.resources.filter((r) => r.kind === 'primitive').length} resources configured`, '', 'Node List:');
  const online = status.nodes.filter((n) => n.online && !n.standby && !n.maintenance).map((n) => n.name);
  if (online.length > 0) lines.push(`  * Online: [ ${c.green(online.join(' '))} ]`);
  for (const n of status.nodes.filter((n) => n.online && (n.standby || n.maintenance))) lines.push(`  * Node ${n.name}: ${c.yellow(n.standby ? 'standby' : 'maintenance')}`);
  const offline = status.nodes.filter((n) => !n.online).map((n) => n.name);
  if (offline.length > 0) lines.push(`  * OFFLINE: [ ${c.red(offline.join(' '))} ]`);
  lines.push('', 'Full List of Resources:');
  if (status.resources.length === 0) lines.push('  * No resources');
  for (const r of status.resources) {
    const depth = '  '.repeat(r.parent ? 2 : 1);
    if (r.kind !== 'primitive') {
      lines.push(`${depth}* ${r.kind === 'clone' ? 'Clone Set' : 'Resource Group'}: ${r.id}:`);
      continue;
    }
    const where = r.placements.length === 0 ? c.dim('Stopped') : r.placements.map((p) => (p.failed ? c.red(`FAILED ${p.node}`) : c.green(`${p.role} ${p.node}`))).join(', ');
    const disabled = r.targetRole?.toLowerCase() === 'stopped' ? ' (disabled)' : '';
    lines.push(`${depth}* ${r.id}\t(${r.agent}):\t ${where}${disabled}`);
  }
  if (status.failures.length > 0) {
    lines.push('', 'Failed Resource Actions:');
    for (const f of status.failures) {
      const reason = f.exitReason ? `, exitreason='${f.exitReason}'` : '';
      lines.push(`  * ${c.red(`${f.resource}_${f.operation}_${f.intervalMs}`)} on ${f.node} '${rcName(f.rc)}' (${f.rc}): call=${f.callId}${reason}`);
    }
  }
  return lines.join('\n');
}

export const statusCommand: ShellCommand = {
  summary: 'cluster status like crm_mon: nodes, resources, failed actions (--watch refreshes)',
  usage: 'status [--watch] [--interval SECONDS]',
  async run(session, args) {
    const { flags } = parseFlags(args, ['interval']);
    if (!flags.has('watch')) {
      const status = await clusterStatus(session);
      if (session.options.output === 'json') session.json(status);
      else session.out(render(status, session.colour));
      return EXIT.ok;
    }
    const intervalMs = Number(flags.get('interval') ?? 2) * 1000;
    let stop = false;
    const onInt = () => {
      stop = true;
    };
    process.once('SIGINT', onInt);
    try {
      while (!stop) {
        const text = await clusterStatus(session).then((s) => render(s, session.colour), (err: unknown) => `status unavailable: ${String(err)}`);
        session.out(`\x1b[2J\x1b[H${text}\n\n(refreshing every ${formatDuration(intervalMs)}; Ctrl-C to stop)`);
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    } finally {
      process.removeListener('SIGINT', onInt);
    }
    return EXIT.ok;
  },
};
