import type { Cib, Constraint, Primitive, Resource, ResourceSetRef } from '../cib/model.js';

/** Template id -> the primitives made from it, in configuration order: a constraint naming a template means them. */
function templateMembers(resources: Resource[], templates: Primitive[]): Record<string, string[]> {
  const members: Record<string, string[]> = {};
  if (templates.length === 0) return members;
  const visit = (r: Resource): void => {
    if (r.kind === 'primitive' && r.template !== undefined) (members[r.template] ??= []).push(r.id);
    if (r.kind === 'group') r.children.forEach(visit);
    if (r.kind === 'clone') visit(r.child);
  };
  resources.forEach(visit);
  return members;
}

/**
 * Constraints may name a tag (a named list of resources) or a template wherever they name a resource.
 * As Pacemaker does, a tag in "rsc"/"with-rsc"/"first"/"then" turns the constraint into
 * resource sets — the tag's members in an unordered set (sequential=false), the other side
 * in a set of its own — and a tag inside a resource set stands for its members there.
 * Returns the CIB with its constraints rewritten so (the same CIB when no tags exist).
 */
export function expandTags(cib: Cib): Cib {
  const tags = { ...templateMembers(cib.configuration.resources, cib.configuration.templates), ...cib.configuration.tags };
  if (Object.keys(tags).length === 0) return cib;
  const constraints = cib.configuration.constraints.map((c) => expandConstraint(c, tags));
  return { ...cib, configuration: { ...cib.configuration, constraints } };
}

function expandConstraint(c: Constraint, tags: Record<string, string[]>): Constraint {
  const isTag = (id: string | undefined) => id !== undefined && tags[id] !== undefined;
  const side = (suffix: string, id: string, extra: Partial<ResourceSetRef>): ResourceSetRef => ({
    id: `${c.id}-${suffix}`, resources: tags[id] ?? [id], sequential: false, requireAll: true, ...extra,
  });
  const sets = c.sets.map((s) => (s.resources.some(isTag) ? { ...s, resources: s.resources.flatMap((id) => tags[id] ?? [id]) } : s));
  switch (c.kind) {
    case 'location':
      return isTag(c.rsc) ? { ...c, rsc: undefined, sets: [side('rsc', c.rsc!, {})] } : { ...c, sets };
    case 'ticket':
      return isTag(c.rsc) ? { ...c, rsc: undefined, sets: [side('rsc', c.rsc!, { role: c.rscRole })] } : { ...c, sets };
    case 'colocation':
      if (!isTag(c.rsc) && !isTag(c.withRsc)) return { ...c, sets };
      return { ...c, rsc: undefined, withRsc: undefined, sets: [side('rsc', c.rsc!, { role: c.rscRole }), side('with-rsc', c.withRsc!, { role: c.withRscRole })] };
    case 'order':
      if (!isTag(c.first) && !isTag(c.then)) return { ...c, sets };
      return { ...c, first: undefined, then: undefined, sets: [side('first', c.first!, { action: c.firstAction }), side('then', c.then!, { action: c.thenAction })] };
  }
}
