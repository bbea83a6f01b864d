import { findActions, getAction, order } from './actions.js';
import type { UnpackedHistory } from './unpack-status.js';
import type { WorkingSet } from './working-set.js';

/**
 * A resource with no history on an online node may be running there unknown
 * to us: probe it (monitor, interval 0) before starting it anywhere.
 * Anonymous clone instances share one history per node.
 */
export function createProbes(ws: WorkingSet, histories: UnpackedHistory[]): void {
  const known = new Set(histories.map((h) => `${h.rsc.def?.id ?? h.rsc.id}@${h.node.id}`));
  const never = new Set<string>();
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind === 'location' && c.resourceDiscovery === 'never' && c.rsc && c.node) never.add(`${c.rsc}@${c.node}`);
  }
  for (const r of ws.primitives) {
    if (r.instance !== undefined && r.instance > 0) continue;
    if (r.parent?.instance !== undefined && r.parent.instance > 0) continue;
    for (const n of ws.nodes) {
      if (!n.online || n.unclean) continue;
      const id = r.def?.id ?? r.id;
      if (known.has(`${id}@${n.id}`) || never.has(`${id}@${n.id}`)) continue;
      const probe = getAction(ws, r, 'monitor', n, { optional: false });
      probe.probe = true;
      for (const start of findActions(ws, r, 'start')) order(probe, start, {});
    }
  }
}
