import { element, firstChild, type XmlElement } from '../../daemon/cib/xml.js';
import type { Section } from './parsed-object.js';

/** The <configuration> sections every CIB has, in the order cibadmin writes them (fencing-topology and tags appear when used). */
export const SECTIONS: Section[] = ['crm_config', 'nodes', 'resources', 'constraints', 'rsc_defaults', 'op_defaults'];

export function emptyConfiguration(): XmlElement {
  return element('configuration', {}, SECTIONS.map((s) => element(s)));
}

/**
 * Nodes come from membership: a replacement configuration without any node
 * entries keeps those of the configuration it replaces.
 */
export function keepNodes(next: XmlElement, current: XmlElement): XmlElement {
  if (section(next, 'nodes').children.length === 0) section(next, 'nodes').children = structuredClone(section(current, 'nodes').children);
  return next;
}

/** Ids a constraint may name: resources, templates (all their primitives) and tags. */
export function referableIds(configuration: XmlElement): Set<string> {
  const templates = section(configuration, 'resources').children.filter((c) => c.name === 'template');
  const tags = firstChild(configuration, 'tags')?.children ?? [];
  return new Set([...allResources(configuration), ...templates, ...tags].map((e) => e.attrs.id));
}

/** The section element, created (in schema order) when the configuration lacks it. */
export function section(configuration: XmlElement, name: Section): XmlElement {
  const found = firstChild(configuration, name);
  if (found) return found;
  const created = element(name);
  configuration.children.push(created);
  return created;
}

/** Elements whose id attribute refers to another element instead of defining one. */
export const REFERENCE_ELEMENTS = new Set(['resource_ref', 'obj_ref']);

/** Every element with an id, depth first (reference elements excluded). */
export function* elementsWithId(root: XmlElement): Generator<XmlElement> {
  if (root.attrs.id !== undefined && !REFERENCE_ELEMENTS.has(root.name)) yield root;
  for (const child of root.children) yield* elementsWithId(child);
}

export const RESOURCE_KINDS = new Set(['primitive', 'group', 'clone', 'master', 'bundle']);

/** The resources below `parent` (a <resources> section, group or clone), depth first. */
export function resourcesUnder(parent: XmlElement): XmlElement[] {
  return parent.children.filter((c) => RESOURCE_KINDS.has(c.name)).flatMap((c) => [c, ...resourcesUnder(c)]);
}

/** All resources, including those inside groups and clones. */
export function allResources(configuration: XmlElement): XmlElement[] {
  return resourcesUnder(section(configuration, 'resources'));
}

/** A full CIB document around a configuration, the form crm_verify and crm_simulate read. */
export function cibDocument(configuration: XmlElement, epoch = 1): XmlElement {
  return element('cib', { 'validate-with': 'pacemaker-3.9', epoch: String(epoch), admin_epoch: '0', num_updates: '0' }, [
    configuration,
    element('status'),
  ]);
}
