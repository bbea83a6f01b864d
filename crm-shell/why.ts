import { addScores, evaluateRule, formatScore, INFINITY, parseScore } from '../daemon/cib/index.js';
import type { AttributeSet, Cib, Resource } from '../daemon/cib/model.js';
import { computeWorkingSet, describeCluster } from '../daemon/scheduler/index.js';
import type { SchedResource, WorkingSet } from '../daemon/scheduler/working-set.js';
import { runningNodes } from './running-nodes.js';
import { UnknownResourceError } from './commands/resource.js';

export interface Contribution {
  source: string;
  score: number;
}

export interface NodeExplanation {
  node: string;
  score: string;
  contributions: Contribution[];
}

const pair = (sets: AttributeSet[], name: string) => sets.flatMap((s) => s.pairs).find((p) => p.name === name)?.value;

function flatten(resources: Resource[], parent?: Resource): Array<{ r: Resource; parent?: Resource }> {
  return resources.flatMap((r) => [{ r, parent }, ...flatten('children' in r ? r.children : 'child' in r && r.child ? [r.child as Resource] : [], r)]);
}

/**
 * Explains placement from the model: the location, colocation, stickiness,
 * standby and failure contributions per node, summed with Pacemaker's score
 * arithmetic. This is the allocation's first pass (no utilization or
 * colocation chains beyond one hop), which is what decides in most cases.
 */
export interface PlacementExplanation {
  resource: string;
  nodes: NodeExplanation[];
  /** What the scheduler itself decides, per primitive (a group's members, a clone's instances): node (none: stopped) and allowed-node scores. */
  scheduler: Array<{ id: string; assignedTo?: string; scores: Record<string, string> }>;
  text: string;
}

/** The scheduler's own verdict for the primitives of a resource: where it assigns each, and the node scores it kept. */
function schedulerVerdict(ws: WorkingSet, rscId: string): PlacementExplanation['scheduler'] {
  const uname = (id: string) => ws.nodeById.get(id)?.uname ?? id;
  const within = (r: SchedResource | undefined): boolean => r !== undefined && (r.id === rscId || within(r.parent));
  return ws.primitives.filter(within).map((prim) => ({
    id: prim.id,
    assignedTo: prim.assignedTo?.uname,
    scores: Object.fromEntries([...prim.allowed].map(([node, score]) => [uname(node), formatScore(score)])),
  }));
}

export function explainPlacement(cib: Cib, rscId: string, members: string[]): PlacementExplanation {
  const all = flatten(cib.configuration.resources);
  const entry = all.find((e) => e.r.id === rscId);
  if (!entry) throw new UnknownResourceError(rscId);
  const subjects = new Set([rscId, ...(entry.parent ? [entry.parent.id] : [])]);
  const cluster = describeCluster(cib);
  const { ws } = computeWorkingSet(cib);
  const running = runningNodes(cluster, rscId);
  const nodes = [...new Set([...cib.configuration.nodes.map((n) => n.uname), ...members])].sort();
  const stickiness = parseScore(pair(entry.r.meta, 'resource-stickiness') ?? pair(cib.configuration.rscDefaults, 'resource-stickiness') ?? '0') ?? 0;
  const threshold = parseScore(pair(entry.r.meta, 'migration-threshold') ?? pair(cib.configuration.rscDefaults, 'migration-threshold') ?? 'INFINITY') ?? INFINITY;

  const explained = nodes.map((node): NodeExplanation => {
    const contributions: Contribution[] = [];
    const config = cib.configuration.nodes.find((n) => n.uname === node);
    const transient = cib.status.find((s) => (s.uname ?? s.id) === node)?.transient ?? {};
    const attrs: Record<string, string> = { ...Object.fromEntries((config?.attributes ?? []).flatMap((s) => s.pairs).map((p) => [p.name, p.value])), ...transient, '#uname': node, '#id': config?.id ?? node };
    if (!members.includes(node)) contributions.push({ source: 'node is offline', score: -INFINITY });
    if (/^(on|true|1|yes)$/i.test(attrs.standby ?? '')) contributions.push({ source: 'node is in standby', score: -INFINITY });
    for (const c of cib.configuration.constraints) {
      if (c.kind === 'location' && c.rsc !== undefined && subjects.has(c.rsc)) {
        if (c.node === node && c.score !== undefined) contributions.push({ source: `location ${c.id}`, score: c.score });
        for (const rule of c.rules) {
          if (!evaluateRule(rule, { nodeAttributes: attrs })) continue;
          const score = rule.score ?? parseScore(attrs[rule.scoreAttribute ?? ''] ?? '0') ?? 0;
          contributions.push({ source: `location ${c.id} (rule ${rule.id})`, score });
        }
      }
      if (c.kind === 'colocation' && c.rsc !== undefined && subjects.has(c.rsc) && c.withRsc !== undefined) {
        // Colocation follows where the scheduler places the other resource, not where it runs now.
        const withNodes = schedulerVerdict(ws, c.withRsc).flatMap((v) => (v.assignedTo ? [v.assignedTo] : []));
        // A mandatory colocation only bans the other nodes; an advisory one adds its score here.
        if (withNodes.includes(node)) contributions.push({ source: `colocation ${c.id} (with ${c.withRsc}, placed here)`, score: c.score >= INFINITY ? 0 : c.score });
        else if (c.score >= INFINITY) contributions.push({ source: `colocation ${c.id} (${c.withRsc} is not placed here)`, score: -INFINITY });
      }
    }
    if (running.includes(node) && stickiness !== 0) contributions.push({ source: 'resource-stickiness (running here)', score: stickiness });
    const failures = Object.entries(transient).filter(([k]) => k.startsWith(`fail-count-${rscId}#`)).reduce((n, [, v]) => addScores(n, parseScore(v) ?? 0), 0);
    if (failures > 0 && failures >= threshold) contributions.push({ source: `fail-count ${formatScore(failures)} reached migration-threshold ${formatScore(threshold)}`, score: -INFINITY });
    const total = contributions.reduce((sum, c) => addScores(sum, c.score), 0);
    return { node, score: formatScore(total), contributions };
  });

  const lines = [`${rscId}: ${running.length > 0 ? `running on ${running.join(', ')}` : 'not running'}`];
  for (const n of explained) {
    lines.push(`  ${n.node}: ${n.score}${n.score === '-INFINITY' ? ' (cannot run here)' : ''}`);
    for (const c of n.contributions) lines.push(`    ${formatScore(c.score).padStart(10)}  ${c.source}`);
  }
  const best = explained.filter((n) => n.score !== '-INFINITY').sort((a, b) => (parseScore(b.score) ?? 0) - (parseScore(a.score) ?? 0))[0];
  lines.push(best ? `preferred node: ${best.node} (score ${best.score})` : 'no node may run it');
  const scheduler = schedulerVerdict(ws, rscId);
  for (const verdict of scheduler) {
    const scored = Object.entries(verdict.scores).map(([n, v]) => `${n}=${v}`).join(' ');
    const subject = verdict.id === rscId ? 'it' : verdict.id;
    lines.push(`scheduler: ${verdict.assignedTo ? `assigns ${subject} to ${verdict.assignedTo}` : `leaves ${subject} stopped`}${scored ? ` (allowed-node scores: ${scored})` : ''}`);
  }
  return { resource: rscId, nodes: explained, scheduler, text: lines.join('\n') };
}
