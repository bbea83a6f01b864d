import { findActions, getAction, order } from './actions.js';
import { cloneOf } from './unpack-status.js';
import type { SchedAction, SchedResource, WorkingSet } from './working-set.js';

/**
 * A resource with no history on an online node may be running there unknown
 * to us: probe it (monitor, interval 0) before starting it anywhere.
 * Anonymous clone instances share one history per node.
 */
export function createProbes(ws: WorkingSet): void {
  const never = new Set<string>();
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind === 'location' && c.resourceDiscovery === 'never' && c.rsc && c.node) never.add(`${c.rsc}@${c.node}`);
  }
  for (const r of ws.primitives) {
    if (r.orphan || (r.instance !== undefined && r.instance > 0)) continue;
    if (r.parent?.instance !== undefined && r.parent.instance > 0) continue;
    const id = r.def?.id ?? r.id;
    const seen = historyOnAnyInstance(ws, r);
    // What the probes gate, found once per resource (after its first probe, which may be the first action made).
    let gates: SchedAction[] | undefined;
    for (let i = 0; i < ws.nodes.length; i++) {
      const n = ws.nodes[i];
      if (!n.online || n.unclean || seen?.[i] === 1) continue;
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

/** The nodes (by position) with history of a primitive or of any instance made from the same definition. */
function historyOnAnyInstance(ws: WorkingSet, r: SchedResource): Uint8Array | undefined {
  const instances = r.def && r.id !== r.def.id ? ws.instancesByBase.get(r.def.id) : undefined;
  if (!instances) return r.historyOn;
  let union: Uint8Array | undefined;
  for (const inst of instances) {
    if (!inst.historyOn) continue;
    union ??= new Uint8Array(ws.nodes.length);
    for (let i = 0; i < union.length; i++) union[i] |= inst.historyOn[i];
  }
  return union;
}
