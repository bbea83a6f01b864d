import type { Cib, Constraint, ResourceSetRef } from '../cib/model.js';

/**
 * Constraints may name a tag (a named list of resources) wherever they name a resource.
 * As Pacemaker does, a tag in "rsc"/"with-rsc"/"first"/"then" turns the constraint into
 * resource sets — the tag's members in an unordered set (sequential=false), the other side
 * in a set of its own — and a tag inside a resource set stands for its members there.
 * Returns the CIB with its constraints rewritten so (the same CIB when no tags exist).
 */
export function expandTags(cib: Cib): Cib {
  const tags = cib.configuration.tags;
  if (!tags || Object.keys(tags).length === 0) return cib;
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
