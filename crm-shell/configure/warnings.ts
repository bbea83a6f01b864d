import { firstChild, type XmlElement } from '../../daemon/cib/xml.js';
import { section } from './configuration.js';
import { isTrueValue } from '../../daemon/cib/truth.js';

/**
 * Valid but probably unintended: a location or fencing level naming a node the
 * configuration does not define (a typo there silently changes placement;
 * only checked when the file defines nodes at all), or a clone-node-max above 1
 * on an anonymous clone (it runs one instance per node whatever that says).
 */
export function configurationWarnings(configuration: XmlElement): string[] {
  return [...undefinedNodeWarnings(configuration), ...cloneNodeMaxWarnings(configuration)];
}

function undefinedNodeWarnings(configuration: XmlElement): string[] {
  const nodes = section(configuration, 'nodes').children.map((n) => n.attrs.uname ?? n.attrs.id);
  if (nodes.length === 0) return [];
  const known = new Set(nodes);
  const warnings: string[] = [];
  const unknown = (what: string, node: string) => `${what} names node '${node}', which is not defined (nodes: ${nodes.join(', ')})`;
  for (const c of section(configuration, 'constraints').children) {
    if (c.name === 'rsc_location' && c.attrs.node !== undefined && !known.has(c.attrs.node)) warnings.push(unknown(`location '${c.attrs.id}'`, c.attrs.node));
  }
  for (const level of firstChild(configuration, 'fencing-topology')?.children ?? []) {
    if (level.attrs.target !== undefined && !known.has(level.attrs.target)) warnings.push(unknown(`fencing level '${level.attrs.id}'`, level.attrs.target));
  }
  return warnings;
}

/** Pacemaker ignores clone-node-max for anonymous (not globally-unique) clones, and so does vigil's scheduler. */
function cloneNodeMaxWarnings(configuration: XmlElement): string[] {
  const warnings: string[] = [];
  for (const clone of section(configuration, 'resources').children) {
    if (clone.name !== 'clone' && clone.name !== 'master') continue;
    const meta = new Map<string, string>();
    for (const set of clone.children) if (set.name === 'meta_attributes') for (const p of set.children) if (p.attrs.name !== undefined) meta.set(p.attrs.name, p.attrs.value ?? '');
    const nodeMax = Number(meta.get('clone-node-max') ?? 1);
    if (nodeMax > 1 && !isTrueValue(meta.get('globally-unique'))) {
      warnings.push(`clone '${clone.attrs.id}' has clone-node-max=${meta.get('clone-node-max')} but is anonymous (globally-unique=false): it runs at most one instance per node`);
    }
  }
  return warnings;
}

/**
 * no-quorum-policy=freeze|ignore cannot be honoured: vigil's quorum is etcd's majority, and a
 * node cut off from it loses its lease and stops its resources (self-fence) whatever the CIB
 * says, because the quorate side recovers them once that lease has expired. Keeping them
 * running (freeze, ignore) would mean two copies. stop, demote and suicide all end the same way.
 */
export function quorumPolicyWarning(configuration: XmlElement): string | undefined {
  for (const set of section(configuration, 'crm_config').children) {
    const policy = set.children.find((p) => p.name === 'nvpair' && p.attrs.name === 'no-quorum-policy')?.attrs.value?.toLowerCase();
    if (policy === 'freeze' || policy === 'ignore') {
      return (
        `no-quorum-policy=${policy} is not honoured: a node cut off from etcd's majority loses its lease and stops all its ` +
        `resources (self-fence) whatever this property says, since the rest of the cluster recovers them once the lease expires ` +
        `(it only changes what 'simulate' shows for a CIB without quorum)`
      );
    }
  }
  return undefined;
}
