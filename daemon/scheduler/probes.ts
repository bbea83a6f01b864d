import { findActions, getAction, order } from './actions.js';
import { cloneOf, type UnpackedHistory } from './unpack-status.js';
import type { SchedAction, SchedNode, WorkingSet } from './working-set.js';

/**
 * A resource with no history on an online node may be running there unknown
 * to us: probe it (monitor, interval 0) before starting it anywhere.
 * Anonymous clone instances share one history per node.
 */
export function createProbes(ws: WorkingSet, histories: UnpackedHistory[]): void {
  // Per definition (shared by a clone's instances), the nodes (by position) with any history there, and in
  // the last slot how many of those can be probed: a resource with history on all of them needs no node loop.
  const nodeCount = ws.nodes.length;
  const probeable = (n: SchedNode) => n.online && !n.unclean;
  const probeableCount = ws.nodes.filter(probeable).length;
  const known = new Map<object, Uint32Array>();
  for (const h of histories) {
    const key = h.rsc.def ?? h.rsc;
    let flags = known.get(key);
    if (!flags) known.set(key, (flags = new Uint32Array(nodeCount + 1)));
    const i = h.node.index;
    if (flags[i] === 0) {
      flags[i] = 1;
      if (probeable(h.node)) flags[nodeCount]++;
    }
  }
  const never = new Set<string>();
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind === 'location' && c.resourceDiscovery === 'never' && c.rsc && c.node) never.add(`${c.rsc}@${c.node}`);
  }
  for (const r of ws.primitives) {
    if (r.orphan || (r.instance !== undefined && r.instance > 0)) continue;
    if (r.parent?.instance !== undefined && r.parent.instance > 0) continue;
    const id = r.def?.id ?? r.id;
    const seen = known.get(r.def ?? r);
    if (seen !== undefined && seen[nodeCount] === probeableCount) continue;
    // What the probes gate, found once per resource (after its first probe, which may be the first action made).
    let gates: SchedAction[] | undefined;
    for (let i = 0; i < nodeCount; i++) {
      const n = ws.nodes[i];
      if (!probeable(n) || seen?.[i] === 1) continue;
      if (never.size && never.has(`${id}@${n.uname}`)) continue;
      const probe = getAction(ws, r, 'monitor', n, { optional: false });
      probe.probe = true;
      // Nothing of the resource may start (or arrive by migration) before every probe has answered;
      // a clone's instances all start through the clone's own start.
      const clone = cloneOf(r);
      gates ??= clone ? [getAction(ws, clone, 'start', undefined, { optional: true, pseudo: true })] : ['start', 'migrate_to', 'migrate_from'].flatMap((t) => findActions(ws, r, t));
      for (const gate of gates) order(probe, gate, {});
    }
  }
}
