import type { ClusterDescription } from '../daemon/scheduler/index.js';

type Described = ClusterDescription['resources'][number];

/** Nodes where a resource (or, for a group/clone, any of its instances) is active, per the scheduler's description. */
export function runningNodes(cluster: ClusterDescription, id: string): string[] {
  const find = (rs: Described[]): Described | undefined => {
    for (const r of rs) {
      if (r.id === id) return r;
      const inner = find(r.children ?? []);
      if (inner) return inner;
    }
    return undefined;
  };
  const collect = (r: Described): string[] => (r.kind === 'primitive' ? (r.role === 'Stopped' ? [] : (r.nodes ?? [])) : (r.children ?? []).flatMap(collect));
  const found = find(cluster.resources);
  return found ? [...new Set(collect(found))] : [];
}
