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
