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
  // Pacemaker ignores a colocation of two tags or templates ("two templates or tags cannot be colocated").
  const colocatesTwoTags = (c: Constraint) => c.kind === 'colocation' && c.rsc !== undefined && c.withRsc !== undefined && tags[c.rsc] !== undefined && tags[c.withRsc] !== undefined;
  const constraints = cib.configuration.constraints.filter((c) => !colocatesTwoTags(c)).map((c) => expandConstraint(c, tags));
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

/** A two-sided constraint naming a tag on either side, as two unordered sets (first side, then second). */
function pairAsSets(tags: Record<string, string[]>, id: string, a: string | undefined, b: string | undefined, aExtra: Partial<ResourceSetRef>, bExtra: Partial<ResourceSetRef>): ResourceSetRef[] | undefined {
  if (a === undefined || b === undefined || (!tags[a] && !tags[b])) return undefined;
  return [tagSet(`${id}-${a}`, resolveTag(tags, a), aExtra), tagSet(`${id}-${b}`, resolveTag(tags, b), bExtra)];
}

function expandConstraint(c: Constraint, tags: Record<string, string[]>): Constraint {
  switch (c.kind) {
    case 'location':
      if (c.rsc !== undefined && tags[c.rsc]) return { ...c, rsc: undefined, sets: [tagSet(`${c.id}-${c.rsc}`, tags[c.rsc])] };
      return { ...c, sets: expandSets(c.sets, tags) };
    case 'colocation': {
      // The dependent set first, then the primary set: every dependent is colocated with every primary.
      const sets = pairAsSets(tags, c.id, c.rsc, c.withRsc, { role: c.rscRole }, { role: c.withRscRole });
      return sets ? { ...c, rsc: undefined, withRsc: undefined, sets } : { ...c, sets: expandSets(c.sets, tags) };
    }
    case 'order': {
      const sets = pairAsSets(tags, c.id, c.first, c.then, { action: c.firstAction }, { action: c.thenAction });
      return sets ? { ...c, first: undefined, then: undefined, sets } : { ...c, sets: expandSets(c.sets, tags) };
    }
    case 'ticket':
      return c;
  }
}
