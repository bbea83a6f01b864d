import { firstChild, type XmlElement } from '../../daemon/cib/xml.js';
import { CrmReferenceError } from './crm-syntax-error.js';
import { allResources, elementsWithId, referableIds, RESOURCE_KINDS, resourcesUnder, section } from './configuration.js';
import type { ParsedObject, Reference } from './parsed-object.js';

/** What to do when a statement defines an id the configuration already has. */
export type ExistingPolicy = 'reject' | 'replace';

function takeTopLevel(resources: XmlElement, ref: Reference, owner: XmlElement): XmlElement {
  const index = resources.children.findIndex((c) => c.attrs.id === ref.id && RESOURCE_KINDS.has(c.name));
  if (index < 0) {
    const nested = resourcesUnder(resources).some((r) => r.attrs.id === ref.id);
    throw new CrmReferenceError(
      nested ? `${owner.name} '${owner.attrs.id}': resource '${ref.id}' is already inside another group or clone` : `${owner.name} '${owner.attrs.id}' refers to missing resource '${ref.id}'`,
      ref.location,
    );
  }
  const child = resources.children[index];
  const allowed = owner.name === 'group' ? ['primitive'] : ['primitive', 'group'];
  if (!allowed.includes(child.name)) {
    throw new CrmReferenceError(`${owner.name} '${owner.attrs.id}' cannot contain ${child.name} '${ref.id}'`, ref.location);
  }
  resources.children.splice(index, 1);
  return child;
}

/** Puts a container's former children back at the top level, so a replacement can take them again. */
function release(resources: XmlElement, container: XmlElement): void {
  for (const child of container.children) if (RESOURCE_KINDS.has(child.name)) resources.children.push(child);
}

function mergeNvSet(existing: XmlElement, incoming: XmlElement): void {
  for (const pair of incoming.children) {
    const same = existing.children.find((p) => p.attrs.name === pair.attrs.name);
    if (same) same.attrs.value = pair.attrs.value;
    else existing.children.push(pair);
  }
}

/**
 * Adds parsed statements to a configuration (in place): resources go to the
 * top level, groups and clones then take their members inside, property-like
 * sets merge, and finally every reference and id is checked.
 */
export function applyObjects(configuration: XmlElement, objects: ParsedObject[], existing: ExistingPolicy): XmlElement {
  const resources = section(configuration, 'resources');
  const ordered = [...objects.filter((o) => o.members.length === 0), ...objects.filter((o) => o.element.name === 'group'), ...objects.filter((o) => o.element.name === 'clone' && o.members.length > 0)];
  // Ids already defined: only those need the (linear) searches for an existing object.
  const known = new Set([...elementsWithId(configuration)].map((e) => e.attrs.id));
  for (const obj of ordered) {
    const target = section(configuration, obj.section);
    const id = obj.element.attrs.id;
    const exists = id !== undefined && known.has(id);
    if (id !== undefined) known.add(id);
    const index = exists ? target.children.findIndex((c) => c.attrs.id === id) : -1;
    if (obj.section === 'fencing-topology') {
      // One topology per cluster: the statement replaces it.
      configuration.children[configuration.children.indexOf(target)] = obj.element;
      continue;
    }
    if (obj.section === 'crm_config' || obj.section === 'rsc_defaults' || obj.section === 'op_defaults') {
      if (index >= 0) mergeNvSet(target.children[index], obj.element);
      else target.children.push(obj.element);
      continue;
    }
    const nested = exists && obj.section === 'resources' && index < 0 ? allResources(configuration).find((r) => r.attrs.id === id) : undefined;
    if ((index >= 0 || nested) && existing === 'reject') throw new CrmReferenceError(`${obj.element.name} '${id}': id already exists`, obj.location);
    if (nested) {
      // Replacing a resource that lives inside a group/clone: swap it in place.
      const parent = allResources(configuration).find((r) => r.children.includes(nested))!;
      parent.children[parent.children.indexOf(nested)] = obj.element;
      continue;
    }
    if (index >= 0 && obj.members.length === 0) {
      // Replaced in place, so the object keeps its position.
      target.children[index] = obj.element;
      continue;
    }
    if (index >= 0) {
      release(resources, target.children[index]);
      target.children.splice(index, 1);
    }
    // A new group/clone takes the place of its first member, so `show` keeps the file's order.
    const at = obj.members.length > 0 ? resources.children.findIndex((c) => c.attrs.id === obj.members[0].id) : -1;
    if (at >= 0) resources.children.splice(at, 0, obj.element);
    for (const ref of obj.members) obj.element.children.push(takeTopLevel(resources, ref, obj.element));
    if (at < 0) target.children.push(obj.element);
  }
  checkReferences(configuration, objects);
  return configuration;
}

/** Constraint references must name existing resources; ids must be unique document-wide (the schema's xsd:ID). */
export function checkReferences(configuration: XmlElement, objects: ParsedObject[] = []): void {
  const located = new Map(objects.map((o) => [o.element, o]));
  const seen = new Map<string, XmlElement>();
  for (const el of elementsWithId(configuration)) {
    const other = seen.get(el.attrs.id);
    if (other) {
      const obj = located.get(el) ?? located.get(other);
      throw new CrmReferenceError(`duplicate id '${el.attrs.id}' (${other.name} and ${el.name})`, obj?.location ?? {});
    }
    seen.set(el.attrs.id, el);
  }
  const referable = referableIds(configuration);
  const locate = (el: XmlElement, id: string) => {
    const obj = located.get(el);
    return obj?.references.find((r) => r.id === id)?.location ?? obj?.location ?? {};
  };
  const templates = new Set(section(configuration, 'resources').children.filter((c) => c.name === 'template').map((t) => t.attrs.id));
  for (const prim of allResources(configuration)) {
    const template = prim.attrs.template;
    if (template !== undefined && !templates.has(template)) {
      throw new CrmReferenceError(`primitive '${prim.attrs.id}' refers to missing rsc_template '${template}'`, locate(prim, template));
    }
  }
  for (const tag of firstChild(configuration, 'tags')?.children ?? []) {
    for (const ref of tag.children) {
      if (!referable.has(ref.attrs.id)) throw new CrmReferenceError(`tag '${tag.attrs.id}' refers to missing resource '${ref.attrs.id}'`, locate(tag, ref.attrs.id));
    }
  }
  const stonith = new Set(allResources(configuration).filter((r) => r.attrs.class === 'stonith').map((r) => r.attrs.id));
  const topology = firstChild(configuration, 'fencing-topology');
  for (const level of topology?.children ?? []) {
    for (const device of (level.attrs.devices ?? '').split(',')) {
      if (!stonith.has(device)) throw new CrmReferenceError(`fencing_topology refers to missing stonith resource '${device}'`, locate(topology!, device));
    }
  }
  for (const constraint of section(configuration, 'constraints').children) {
    const named = [constraint.attrs.rsc, constraint.attrs['with-rsc'], constraint.attrs.first, constraint.attrs.then].filter((v): v is string => v !== undefined);
    const inSets = constraint.children.flatMap((set) => set.children.filter((c) => c.name === 'resource_ref').map((r) => r.attrs.id));
    for (const id of [...named, ...inSets]) {
      if (referable.has(id)) continue;
      throw new CrmReferenceError(`${constraint.name} '${constraint.attrs.id}' refers to missing resource '${id}'`, locate(constraint, id));
    }
  }
}
