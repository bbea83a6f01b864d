import type { NodeInfo } from '../../daemon/api/contract.js';
import { parseCib } from '../../daemon/cib/index.js';
import type { Cib, Resource } from '../../daemon/cib/model.js';
import type { ClusterDescription } from '../../daemon/scheduler/index.js';
import type { Colours } from '../colour.js';
import { describeError, EXIT } from '../exit-codes.js';
import { formatDuration } from '../format.js';
import type { ShellCommand } from '../level.js';
import { parseFlags, UsageError } from '../options.js';
import type { ShellSession } from '../session.js';

export interface ClusterStatus {
  node: NodeInfo;
  cluster: ClusterDescription;
  /** Resources whose target-role is Stopped (crm_mon marks them "disabled"). */
  disabled: string[];
}

function disabledResources(cib: Cib): string[] {
  const out: string[] = [];
  const walk = (r: Resource) => {
    if (r.meta.flatMap((s) => s.pairs).some((p) => p.name === 'target-role' && p.value.toLowerCase() === 'stopped')) out.push(r.id);
    for (const child of 'children' in r ? r.children : 'child' in r && r.child ? [r.child as Resource] : []) walk(child);
  };
  cib.configuration.resources.forEach(walk);
  return out;
}

/** The scheduler is loaded only by commands that read cluster state, so `configure` starts fast and alone. */
export const loadScheduler = () => import('../../daemon/scheduler/index.js');

/** The daemon's view (DC, quorum) plus the scheduler's description of the CIB; text and JSON both come from this. */
export async function clusterStatus(session: ShellSession): Promise<ClusterStatus> {
  const [node, text, { describeCluster }] = await Promise.all([session.api.nodeInfo(), session.api.getCib(), loadScheduler()]);
  const cib = parseCib(text, 'live CIB');
  return { node, cluster: describeCluster(cib), disabled: disabledResources(cib) };
}

/** Colour by meaning, on the scheduler's crm_mon-style text. */
function paint(line: string, c: Colours): string {
  if (/FAILED|UNCLEAN|OFFLINE|Failed Resource Actions|^\s+\* \S+ on \S+ '/.test(line)) return c.red(line);
  if (/: (standby|maintenance|shutdown)$|\(unmanaged\)|\(disabled\)/.test(line)) return c.yellow(line);
  if (/\* Online:|\t (Started|Promoted|Unpromoted) /.test(line)) return c.green(line);
  return line;
}

async function render(status: ClusterStatus, c: Colours): Promise<string> {
  const { formatClusterStatus } = await loadScheduler();
  const { node, cluster } = status;
  const primitives = (rs: ClusterDescription['resources']): number => rs.reduce((n, r) => n + (r.kind === 'primitive' ? 1 : primitives(r.children ?? [])), 0);
  const header = [
    'Cluster Summary:',
    `  * Current DC: ${node.dc ?? 'NONE'} (${node.quorate ? 'partition with quorum' : 'partition WITHOUT quorum'})`,
    `  * Last updated: ${new Date().toISOString()} on ${node.node}`,
    `  * ${cluster.nodes.length} nodes configured, ${primitives(cluster.resources)} resource instances configured`,
    '',
  ];
  const disabled = new Set(status.disabled);
  const body = formatClusterStatus(cluster)
    .trimEnd()
    .split('\n')
    .map((line) => {
      const id = /^\s+\* (\S+)\t/.exec(line)?.[1];
      return id !== undefined && disabled.has(id) ? `${line} (disabled)` : line;
    });
  return [...header.map((l) => (/WITHOUT|NONE/.test(l) ? c.red(l) : l)), ...body.map((l) => paint(l, c))].join('\n');
}

export const statusCommand: ShellCommand = {
  summary: 'cluster status like crm_mon: nodes, resources, failed actions (--watch refreshes)',
  usage: 'status [--watch] [--interval SECONDS]',
  async run(session, args) {
    const { flags } = parseFlags(args, ['interval']);
    if (!flags.has('watch')) {
      const status = await clusterStatus(session);
      if (session.options.output === 'json') session.json(status);
      else session.out(await render(status, session.colour));
      return EXIT.ok;
    }
    const intervalMs = Number(flags.get('interval') ?? 2) * 1000;
    if (!(intervalMs > 0)) throw new UsageError(`--interval expects seconds, got '${flags.get('interval')}'`);
    // One-shot: Ctrl-C is a signal; in the interactive shell the REPL cancels the command instead.
    const onInt = () => session.cancel.abort();
    process.once('SIGINT', onInt);
    try {
      while (!session.cancel.signal.aborted) {
        const text = await clusterStatus(session).then((s) => render(s, session.colour), (err: unknown) => `status unavailable: ${describeError(err)}`);
        session.out(`\x1b[2J\x1b[H${text}\n\n(refreshing every ${formatDuration(intervalMs)}; Ctrl-C to stop)`);
        await session.pause(intervalMs);
      }
    } finally {
      process.removeListener('SIGINT', onInt);
    }
    return EXIT.ok;
  },
};
