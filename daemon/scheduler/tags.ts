import type { Cib, Constraint, Resource, ResourceSetRef } from '../cib/model.js';

/**
 * Tags and templates in constraints (Pacemaker Explained, "Tagging
 * Configuration Elements" and "Resource Templates"): a constraint may name a
 * tag, or a template, where it names a resource; it then applies to every
 * tagged resource, or every primitive made from the template. As Pacemaker
 * does, such a name in place of a resource becomes an unordered resource set
 * (sequential=false), and inside a set it is replaced by the resources it
 * stands for. rsc_ticket references are resolved where tickets are read
 * (tickets.ts).
 */
export function expandTags(cib: Cib): Cib {
  const tags = referenceGroups(cib);
  if (Object.keys(tags).length === 0) return cib;
  const constraints = cib.configuration.constraints.map((c) => expandConstraint(c, tags));
  return { ...cib, configuration: { ...cib.configuration, constraints } };
}

const groupsMemo = new WeakMap<Cib, Record<string, string[]>>();

/** Tag ids and template ids with the resource ids each stands for. */
export function referenceGroups(cib: Cib): Record<string, string[]> {
  let groups = groupsMemo.get(cib);
  if (groups) return groups;
  groups = { ...(cib.configuration.tags ?? {}) };
  const visit = (r: Resource) => {
    if (r.kind === 'primitive' && r.template) (groups![r.template] ??= []).push(r.id);
    if (r.kind === 'group') r.children.forEach(visit);
    if (r.kind === 'clone') visit(r.child);
  };
  cib.configuration.resources.forEach(visit);
  groupsMemo.set(cib, groups);
  return groups;
}

/** The ids a constraint reference stands for (a tag's or template's resources, else itself). */
export const resolveTag = (tags: Record<string, string[]> | undefined, id: string): string[] => tags?.[id] ?? [id];

function expandSets(sets: ResourceSetRef[], tags: Record<string, string[]>): ResourceSetRef[] {
  return sets.map((s) => ({ ...s, resources: s.resources.flatMap((id) => resolveTag(tags, id)) }));
}

const tagSet = (id: string, resources: string[], extra: Partial<ResourceSetRef> = {}): ResourceSetRef => ({ id, resources, sequential: false, requireAll: true, ...extra });

function expandConstraint(c: Constraint, tags: Record<string, string[]>): Constraint {
  switch (c.kind) {
    case 'location':
      if (c.rsc !== undefined && tags[c.rsc]) return { ...c, rsc: undefined, sets: [tagSet(`${c.id}-${c.rsc}`, tags[c.rsc])] };
      return { ...c, sets: expandSets(c.sets, tags) };
    case 'colocation':
      if (c.rsc !== undefined && c.withRsc !== undefined && (tags[c.rsc] || tags[c.withRsc])) {
        // The dependent set first, then the primary set: every dependent is colocated with every primary.
        return { ...c, rsc: undefined, withRsc: undefined, sets: [
          tagSet(`${c.id}-${c.rsc}`, resolveTag(tags, c.rsc), { role: c.rscRole }),
          tagSet(`${c.id}-${c.withRsc}`, resolveTag(tags, c.withRsc), { role: c.withRscRole }),
        ] };
      }
      return { ...c, sets: expandSets(c.sets, tags) };
    case 'order':
      if (c.first !== undefined && c.then !== undefined && (tags[c.first] || tags[c.then])) {
        return { ...c, first: undefined, then: undefined, sets: [
          tagSet(`${c.id}-${c.first}`, resolveTag(tags, c.first), { action: c.firstAction }),
          tagSet(`${c.id}-${c.then}`, resolveTag(tags, c.then), { action: c.thenAction }),
        ] };
      }
      return { ...c, sets: expandSets(c.sets, tags) };
    case 'ticket':
      return c;
  }
}
