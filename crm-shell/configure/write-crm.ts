import { firstChild, type XmlElement } from '../../daemon/cib/xml.js';
import { VigilError } from '../../daemon/util/errors.js';
import { RESOURCE_KINDS } from './configuration.js';
import { writeConstraint } from './write-constraints.js';
import { writeFencingTopology, writeNode, writePropertySets, writeResource, writeTag } from './write-resources.js';

/** A CIB element that crm syntax cannot express (e.g. a bundle or a ticket constraint). */
export class CrmUnrepresentableError extends VigilError {
  override readonly code = 'CRM_UNREPRESENTABLE';
  constructor(readonly element: XmlElement) {
    super(`${element.name} '${element.attrs.id ?? '?'}' has no crm syntax; use 'show xml'`);
  }
}

/** The configuration in crm syntax, in the order `crm configure show` prints it. */
export function writeCrm(configuration: XmlElement): string {
  const out: string[] = [];
  const sectionChildren = (name: string) => firstChild(configuration, name)?.children ?? [];
  out.push(...sectionChildren('nodes').map(writeNode));
  for (const el of sectionChildren('resources')) {
    if ((!RESOURCE_KINDS.has(el.name) && el.name !== 'template') || el.name === 'bundle') throw new CrmUnrepresentableError(el);
    out.push(...writeResource(el));
  }
  for (const c of sectionChildren('constraints')) {
    const text = writeConstraint(c);
    if (text === undefined) throw new CrmUnrepresentableError(c);
    out.push(text);
  }
  out.push(...sectionChildren('tags').map(writeTag));
  const topology = firstChild(configuration, 'fencing-topology');
  const fencing = topology ? writeFencingTopology(topology) : undefined;
  if (fencing !== undefined) out.push(fencing);
  for (const name of ['crm_config', 'rsc_defaults', 'op_defaults']) {
    const el = firstChild(configuration, name);
    if (el) out.push(...writePropertySets(name, el));
  }
  return out.map((s) => `${s}\n`).join('');
}
