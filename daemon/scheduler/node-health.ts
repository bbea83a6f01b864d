import { resolveAttributes } from '../cib/rules.js';
import { addScores, INFINITY, parseScore } from '../cib/score.js';
import { addNodeScore } from './location.js';
import { primitivesOf, type SchedNode, type WorkingSet } from './working-set.js';

/**
 * Node health (Pacemaker Explained, "Tracking Node Health"): node attributes named
 * "#health-*" hold red, yellow, green or a score. Under node-health-strategy their sum
 * is a location score for every resource on that node — a red node under
 * migrate-on-red is banned — except that resources with allow-unhealthy-nodes=true
 * ignore a negative sum.
 */
export function applyNodeHealth(ws: WorkingSet): void {
  const options = resolveAttributes(ws.cib.configuration.crmConfig, { now: ws.now });
  const strategy = options['node-health-strategy'] ?? 'none';
  if (strategy === 'none') return;
  const configured = (name: string) => parseScore(options[name] ?? '0') ?? 0;
  // migrate-on-red and only-green fix the colour scores; progressive and custom use the configured ones.
  const colours: Record<string, number> =
    strategy === 'migrate-on-red' ? { red: -INFINITY, yellow: 0, green: 0 }
    : strategy === 'only-green' ? { red: -INFINITY, yellow: -INFINITY, green: 0 }
    : { red: configured('node-health-red'), yellow: configured('node-health-yellow'), green: configured('node-health-green') };
  const base = strategy === 'progressive' ? configured('node-health-base') : 0;
  for (const node of ws.nodes) {
    const health = healthOf(node, colours, base);
    // An overall health of 0 has no effect.
    if (health === 0) continue;
    for (const r of ws.resources) {
      if (health < 0 && /^(true|yes|on|1)$/i.test(r.meta['allow-unhealthy-nodes'] ?? '')) continue;
      for (const p of primitivesOf(r)) addNodeScore(p, node, health);
    }
  }
}

function healthOf(node: SchedNode, colours: Record<string, number>, base: number): number {
  let health = base;
  for (const [name, value] of Object.entries(node.attrs)) {
    if (!name.startsWith('#health')) continue;
    health = addScores(health, colours[value.toLowerCase()] ?? parseScore(value) ?? 0);
  }
  return health;
}
