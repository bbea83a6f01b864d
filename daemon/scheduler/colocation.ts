import type { ColocationConstraint } from '../cib/model.js';
import { INFINITY, addScores, clampScore } from '../cib/score.js';
import { parseRole } from './build.js';
import { copyNodeTable, tableLayouts } from './glib-order.js';
import { scoresByAttribute } from './attribute-scores.js';
import { nextRoleOf } from './roles.js';
import { nodeAvailable, primitivesOf, type SchedColocation, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';

function link(ws: WorkingSet, id: string, dependent: SchedResource, primary: SchedResource, score: number, c?: ColocationConstraint): void {
  if (dependent === primary || score === 0) return;
  const col: SchedColocation = {
    id, dependent, primary, score, dependentRole: parseRole(c?.rscRole), primaryRole: parseRole(c?.withRscRole),
    nodeAttribute: c?.nodeAttribute ?? '#uname', influence: c?.influence ?? true,
  };
  ws.colocations.push(col);
  dependent.withPrimaries.push(col);
  primary.withDependents.push(col);
  if (dependent.kind === 'clone' && score >= INFINITY) primary.withCloneDependents.push(col);
}

/**
 * Maps a constraint endpoint to the resource that carries it: a group as a
 * dependent moves with its first member; as a primary it is "up" when its last
 * member is (mandatory) or as soon as its first member is (optional).
 */
function asDependent(r: SchedResource): SchedResource {
  return r.kind === 'group' && r.children.length ? r.children[0] : r;
}
function asPrimary(r: SchedResource, score: number): SchedResource {
  if (r.kind !== 'group' || r.children.length === 0) return r;
  return score >= INFINITY ? r.children[r.children.length - 1] : r.children[0];
}

/** Builds colocations from constraints (pairs and resource sets) and groups' implicit chains. */
export function unpackColocations(ws: WorkingSet): void {
  const groups = [...ws.resourceById.values()].filter((r) => r.kind === 'group');
  for (const g of groups) {
    for (let i = 1; i < g.children.length; i++) link(ws, `${g.id}-internal`, g.children[i], g.children[i - 1], INFINITY);
  }
  // A resource inside a container (meta container=) runs where its container runs.
  for (const [r, container] of containedResources(ws)) link(ws, `${r.id}-with-container`, r, container, INFINITY);
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind !== 'colocation') continue;
    if (c.sets.length === 0) {
      const d = ws.resourceById.get(c.rsc!);
      const p = ws.resourceById.get(c.withRsc!);
      if (d && p) link(ws, c.id, asDependent(d), asPrimary(p, c.score), c.score, c);
      continue;
    }
    // Within a sequential set each member is colocated with the previous one;
    // between sets every member of a set is colocated with the last set's members.
    let previousSet: SchedResource[] = [];
    for (const s of c.sets) {
      const score = s.score ?? c.score;
      const members = s.resources.map((id) => ws.resourceById.get(id)).filter((r): r is SchedResource => r !== undefined);
      if (s.sequential) for (let i = 1; i < members.length; i++) link(ws, c.id, asDependent(members[i]), asPrimary(members[i - 1], score), score, c);
      for (const prev of previousSet) {
        for (const m of members) link(ws, c.id, asDependent(prev), asPrimary(m, score), score, c);
      }
      previousSet = s.sequential && members.length ? [members[members.length - 1]] : members;
    }
  }
}

const attrOf = (n: SchedNode, attr: string) => n.attrs[attr];

const assignedMemo = new WeakMap<SchedResource, SchedNode[]>();

/** The nodes a (possibly collective) primary was assigned to (memoised once its assignment is final). */
export function assignedNodes(r: SchedResource): SchedNode[] {
  if (r.kind === 'primitive') return r.assignedTo ? [r.assignedTo] : [];
  if (r.kind === 'group') return r.children.length && r.children[0].assignedTo ? [r.children[0].assignedTo] : [];
  const memo = assignedMemo.get(r);
  if (memo) return memo;
  const list = r.children.flatMap(assignedNodes);
  if (!r.provisional) assignedMemo.set(r, list);
  return list;
}

/** Whether some instance of a (promotable) primary will have `role` on node `n`. */
function hasRoleOn(r: SchedResource, n: SchedNode, role: 'Promoted' | 'Unpromoted'): boolean {
  if (r.kind === 'primitive') return r.assignedTo === n && nextRoleOf(r) === role;
  return r.children.some((c) => hasRoleOn(c, n, role));
}

const variantRank = { primitive: 0, group: 1, clone: 2 } as const;

/**
 * A resource's colocations with its primaries in the order Pacemaker applies them: higher primary
 * priority first, then clones before groups before primitives, then by primary id; among equals the
 * later constraint first (it is inserted before them). The order matters once an optional colocation
 * can be rolled back: one applied after a mandatory one may find no usable node left, before it not.
 */
export function colocationsInApplyOrder(r: SchedResource): readonly SchedColocation[] {
  if (r.withPrimaries.length < 2) return r.withPrimaries;
  return [...r.withPrimaries].reverse().sort((a, b) => b.primary.priority - a.primary.priority
    || variantRank[b.primary.kind] - variantRank[a.primary.kind]
    || (a.primary.id < b.primary.id ? -1 : a.primary.id > b.primary.id ? 1 : 0));
}

/**
 * Dependent side: restrict/boost the dependent's nodes by where the primary went (in the role asked for).
 * A non-mandatory colocation with a clone is applied instance by instance. Each application that would
 * leave the dependent no usable node is rolled back, as Pacemaker does: an optional preference never
 * makes a resource unrunnable by itself (a -100 anti-colocation on a one-node cluster keeps it running).
 */
export function applyColocation(ws: WorkingSet, col: SchedColocation, target: SchedResource = col.dependent): void {
  // A role of the dependent steers its promotion (promotion.ts), not its placement.
  if (col.dependentRole === 'Promoted' || col.dependentRole === 'Unpromoted') return;
  const mandatory = col.score >= INFINITY || col.score <= -INFINITY;
  const byInstance = col.primary.kind === 'clone' && col.score < INFINITY;
  for (const primary of byInstance ? col.primary.children : [col.primary]) {
    const where = primaryNodes(col, primary);
    if (where.length === 0 && col.score < 0) continue;
    // An optional colocation is tried on a copy first (it may be rolled back); a mandatory one always applies.
    const tried = mandatory ? undefined : colocate(ws, col, where, copyScores(target.allowed));
    if (tried && !anyUsable(ws, tried)) continue;
    // Pacemaker replaces the dependent's table by its copy once per primitive primary (GLib order); a
    // mandatory colocation with a whole clone bans nodes in place.
    if (target.kind === 'primitive' && target.parent?.kind !== 'clone' && primary.kind === 'primitive') target.allowed = copyNodeTable(target.allowed, tableLayouts(ws));
    // Only existing entries change (none is added), so the table keeps its order.
    if (tried) tried.forEach((score, nodeId) => target.allowed.set(nodeId, score));
    else colocate(ws, col, where, target.allowed);
  }
}

/**
 * The nodes `primary` (the colocation's primary or one of its instances) offers its dependent, in the role
 * asked for: where it was assigned, except that a mandatory colocation with a whole clone leaves out the
 * nodes of blocked instances (Pacemaker: a blocked instance hosts no new dependents, though it stays put).
 */
function primaryNodes(col: SchedColocation, primary: SchedResource): SchedNode[] {
  const role = col.primaryRole;
  const nodes = primary.kind === 'clone' && col.score >= INFINITY ? unblockedInstanceNodes(primary) : assignedNodes(primary);
  return role === 'Promoted' || role === 'Unpromoted' ? nodes.filter((n) => hasRoleOn(primary, n, role)) : nodes;
}

const unblockedMemo = new WeakMap<SchedResource, SchedNode[]>();

/** Where a clone's instances without a blocked member were assigned (memoised once the clone's assignment is final). */
function unblockedInstanceNodes(clone: SchedResource): SchedNode[] {
  const memo = unblockedMemo.get(clone);
  if (memo) return memo;
  const nodes: SchedNode[] = [];
  for (const c of clone.children) {
    if (c.kind === 'primitive' ? c.blocked : primitivesOf(c).some((m) => m.blocked)) continue;
    for (const n of assignedNodes(c)) nodes.push(n);
  }
  if (!clone.provisional) unblockedMemo.set(clone, nodes);
  return nodes;
}

/** A copy of a score table in the same order (entry by entry: new Map(allowed) takes the generic iterator path). */
function copyScores(allowed: Map<string, number>): Map<string, number> {
  const scores = new Map<string, number>();
  allowed.forEach((score, id) => scores.set(id, score));
  return scores;
}

/** Applies the colocation for a primary on `where` to `scores` (existing entries only), which it returns. */
function colocate(ws: WorkingSet, col: SchedColocation, where: SchedNode[], scores: Map<string, number>): Map<string, number> {
  const mandatory = col.score >= INFINITY;
  const split = col.nodeAttribute === '#uname' ? splitByName(ws, where) : splitNodes(ws, where, col.nodeAttribute);
  // Only matching nodes change, except that a mandatory colocation bans the others (most dependents' tables
  // are left as they are: looked up only where something changes).
  for (const node of mandatory ? split.others : split.matched) {
    const score = scores.get(node.id);
    if (score === undefined) continue;
    scores.set(node.id, mandatory || col.score <= -INFINITY ? -INFINITY : addScores(score, col.score));
  }
  return scores;
}

/** The nodes (in ws.nodes order) a colocation with a primary on some nodes matches, and the others. */
interface NodeSplit {
  matched: SchedNode[];
  others: SchedNode[];
}

/** Nodes matching `where` by the value of `attr` (nodes without it match nodes without it). */
function splitNodes(ws: WorkingSet, where: readonly SchedNode[], attr: string): NodeSplit {
  const values = new Set(where.map((n) => attrOf(n, attr)));
  const split: NodeSplit = { matched: [], others: [] };
  for (const node of ws.nodes) (values.has(attrOf(node, attr)) ? split.matched : split.others).push(node);
  return split;
}

/**
 * By node name (names are unique) a colocation matches exactly the primary's nodes. A clone's node list is
 * one array shared by all its dependents once the clone is placed (assignedNodes, unblockedInstanceNodes),
 * so the split is worked out once per list, not once per dependent.
 */
const splitsByList = new WeakMap<readonly SchedNode[], NodeSplit>();

function splitByName(ws: WorkingSet, where: readonly SchedNode[]): NodeSplit {
  let split = splitsByList.get(where);
  if (split !== undefined) return split;
  const onPrimary = new Uint8Array(ws.nodes.length);
  for (const n of where) onPrimary[n.index] = 1;
  split = { matched: [], others: [] };
  for (const node of ws.nodes) (onPrimary[node.index] === 1 ? split.matched : split.others).push(node);
  splitsByList.set(where, split);
  return split;
}

/**
 * Folds colocated resources' node preferences into a copy of `scores` (which
 * is returned itself when nothing is folded in, never changed), scaled by
 * score/INFINITY and recursively: a primary's dependents (how Pacemaker lets
 * dependents pull their primary) or, forwards, a dependent's primaries (used to
 * order resources for assignment). A contribution that would leave no usable
 * node is ignored (rolled back).
 */
export function mergeColocatedScores(ws: WorkingSet, r: SchedResource, scores: Map<string, number>, forward = false): Map<string, number> {
  // Most resources have no colocation that way that could fold anything in: nothing to set up for them.
  if (r.kind === 'clone') return scores;
  const cols = forward ? r.withPrimaries : r.withDependents;
  for (let i = 0; i < cols.length; i++) {
    if (cols[i].influence && (forward ? cols[i].primary : cols[i].dependent).kind !== 'clone') return mergeScores(ws, r, scores, 1, new Set(), forward);
  }
  return scores;
}

function mergeScores(ws: WorkingSet, r: SchedResource, scores: Map<string, number>, factor: number, visiting: Set<SchedResource>, forward: boolean): Map<string, number> {
  if (visiting.has(r)) return scores;
  visiting.add(r);
  for (const col of forward ? r.withPrimaries : r.withDependents) {
    const other = forward ? col.primary : col.dependent;
    if (!col.influence || visiting.has(other) || other.kind === 'clone' || r.kind === 'clone') continue;
    if (col.primaryRole === 'Promoted' || col.dependentRole === 'Promoted') continue;
    const f = factor * (col.score / INFINITY);
    const otherAllowed = other.kind === 'group' ? other.children[0]?.allowed : other.allowed;
    if (!otherAllowed) continue;
    const otherScores = col.nodeAttribute === '#uname' ? otherAllowed : scoresByAttribute(ws, otherAllowed, col.nodeAttribute);
    const work = copyNodeTable(scores, tableLayouts(ws));
    // forEach, not for-of: no entry array per node while this code is not yet optimised.
    work.forEach((score, nodeId) => {
      const s = otherScores.get(nodeId);
      // An anti-colocation with a resource that dislikes a node is no reason to like that node (Pacemaker).
      if (s === undefined || (f < 0 && s < 0)) return;
      work.set(nodeId, addScores(score, clampScore(s * f)));
    });
    const merged = mergeScores(ws, other, work, f, visiting, forward);
    if (anyUsable(ws, merged)) scores = merged;
  }
  visiting.delete(r);
  return scores;
}

/** Whether some available node has a non-negative score. */
function anyUsable(ws: WorkingSet, scores: Map<string, number>): boolean {
  for (const node of ws.nodes) {
    const s = scores.get(node.id);
    if (s !== undefined && s >= 0 && nodeAvailable(node)) return true;
  }
  return false;
}

/**
 * Primitives with meta container=<another primitive>, paired with that container — except members of
 * the container's own group, which the group already places and orders after it.
 */
export function containedResources(ws: WorkingSet): Array<[SchedResource, SchedResource]> {
  const pairs: Array<[SchedResource, SchedResource]> = [];
  for (const r of ws.primitives) {
    const id = r.meta.container;
    const container = id !== undefined && id !== r.id ? ws.resourceById.get(id) : undefined;
    if (container?.kind === 'primitive' && !(r.parent?.kind === 'group' && r.parent === container.parent)) pairs.push([r, container]);
  }
  return pairs;
}
