import { firstChild, type XmlElement } from '../../daemon/cib/xml.js';
import { section } from './configuration.js';

/**
 * Valid but probably unintended: a location or fencing level naming a node the
 * configuration does not define (a typo there silently changes placement).
 * Only checked when the file defines nodes at all.
 */
export function configurationWarnings(configuration: XmlElement): string[] {
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
