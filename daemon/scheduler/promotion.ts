import { evaluateRule } from '../cib/rules.js';
import { INFINITY, addScores, parseScore } from '../cib/score.js';
import { promotionTicketMissing } from './tickets.js';
import { anonymousClone, type StatusHistories, type UnpackedHistory } from './unpack-status.js';
import { cloneLimit, currentRole, isPromotableClone, knownNodes, promotedNext, promotedNow, setNextRole } from './roles.js';
import { nodeAvailable, primitivesOf, type SchedColocation, type SchedNode, type SchedResource, type WorkingSet } from './working-set.js';

/**
 * Choosing which instances of a promotable clone are promoted, as Pacemaker
 * 2.1.5 does: promotion scores (node attribute master-<rsc>, set by agents
 * with crm_master / crm_attribute --promotion) pull instances to nodes and
 * rank them; location constraints with role=Promoted and colocations with a
 * role adjust the ranking; the best promoted-max instances (at most
 * promoted-node-max per node) with a non-negative score are promoted.
 */

/**
 * Remembers where each clone instance has history (probes included): promotion scores count only there.
 * Other resources have no promotion score, and never a history name of their own: not read.
 */
export function recordKnownNodes(ws: WorkingSet, histories: StatusHistories): void {
  const known = knownNodes(ws);
  for (const h of histories.cloned) {
    // The last history read names the instance (Pacemaker's clone_name): an active one the instance it was
    // matched to, an inactive one the instance of the same id.
    const active = h.state.role !== 'Stopped' && h.state.role !== 'Unknown';
    if (active && h.name !== h.rsc.id) historyNames.set(h.rsc, h.name);
    else if (active) historyNames.delete(h.rsc);
    else {
      const own = ws.resourceById.get(h.name);
      if (own) historyNames.delete(own);
    }
    if (!h.state.known) continue;
    let set = known.get(h.rsc);
    if (!set) known.set(h.rsc, (set = new Set()));
    set.add(h.node.id);
  }
}

/** The id an instance's history was recorded under, when it differs (Pacemaker's clone_name). */
const historyNames = new WeakMap<SchedResource, string>();

/** Promoted instances whose promoted-role monitor failed with on-fail=demote: demoted in place, not recovered. */
const demoteOnFail = new WeakSet<SchedResource>();
export const mustDemote = (r: SchedResource): boolean => demoteOnFail.has(r);

/** on-fail=demote: a failure of the promoted instance is answered by a demote (then promotion as usual), not a restart. */
export function applyDemoteOnFail(histories: UnpackedHistory[]): void {
  for (const h of histories) {
    if (!h.state.failed || h.state.onFail !== 'demote' || h.state.role !== 'Promoted') continue;
    h.rsc.failedOn.delete(h.node.id);
    demoteOnFail.add(h.rsc);
  }
}

const baseId = (r: SchedResource) => r.def?.id ?? r.id.replace(/:\d+$/, '');

/** Whether a primitive's promotion score on a node counts (Pacemaker's promotion_score_applies). */
function scoreApplies(ws: WorkingSet, clone: SchedResource, p: SchedResource, node: SchedNode): boolean {
  const allowed = (p.allowed.get(node.id) ?? -INFINITY) >= 0;
  const known = knownNodes(ws);
  const siblings = ws.instancesByBase.get(baseId(p)) ?? [p];
  if (anonymousClone(clone)) {
    const active = siblings.find((s) => s.running.has(node.id));
    if (active === p) return allowed;
    if (!active && siblings.some((s) => known.get(s)?.has(node.id))) return allowed;
  }
  if (p.running.size === 0 && !(known.get(p)?.size)) return allowed;
  return (known.get(p)?.has(node.id) === true || p.running.has(node.id)) && allowed;
}

/** A primitive's promotion score on a node, undefined when none is set (a cloned group's is its members' sum). */
function promotionScore(ws: WorkingSet, clone: SchedResource, inst: SchedResource, node: SchedNode): number | undefined {
  if (inst.kind === 'group') {
    let sum: number | undefined;
    for (const c of inst.children) {
      const s = promotionScore(ws, clone, c, node);
      if (s !== undefined) sum = (sum ?? 0) + s;
    }
    return sum;
  }
  // A score that does not count here is as good as none (so the instance is not promotable by default).
  if (!scoreApplies(ws, clone, inst, node)) return undefined;
  const v = node.attrs[`master-${historyNames.get(inst) ?? inst.id}`] ?? (anonymousClone(clone) ? node.attrs[`master-${baseId(inst)}`] : undefined);
  return v === undefined ? undefined : (parseScore(v) ?? 0);
}

/** An instance's highest promotion score before assignment: it ranks instances for placement and promotion. */
const bestScore = new WeakMap<SchedResource, number>();
export const promotionPriority = (inst: SchedResource): number => bestScore.get(inst) ?? 0;

/** Before assignment: positive promotion scores pull each instance towards its nodes. */
export function addPromotionScores(ws: WorkingSet, clone: SchedResource): void {
  if (!isPromotableClone(clone)) return;
  for (const inst of clone.children) {
    let best = 0;
    for (const p of primitivesOf(inst)) {
      for (const [nodeId, score] of p.allowed) {
        const node = ws.nodeById.get(nodeId)!;
        if (!nodeAvailable(node)) continue;
        const s = promotionScore(ws, clone, p, node) ?? 0;
        if (s > 0) p.allowed.set(nodeId, addScores(score, s));
        best = Math.max(best, s);
      }
    }
    bestScore.set(inst, best);
  }
}

/** Location constraints for the Promoted role on a node (explicit node or rules), summed. */
function promotedLocationScore(ws: WorkingSet, ids: Set<string>, node: SchedNode): number {
  let total = 0;
  for (const c of ws.cib.configuration.constraints) {
    if (c.kind !== 'location' || c.rsc === undefined || !ids.has(c.rsc)) continue;
    if (c.node !== undefined) {
      if (isPromotedRole(c.role) && c.node === node.uname && c.score !== undefined) total = addScores(total, c.score);
      continue;
    }
    for (const rule of c.rules) {
      if (!isPromotedRole(rule.role ?? c.role)) continue;
      if (!evaluateRule(rule, { nodeAttributes: node.attrs, now: ws.now })) continue;
      let score = rule.score ?? 0;
      if (rule.scoreAttribute !== undefined) {
        const v = node.attrs[rule.scoreAttribute];
        if (v === undefined) continue;
        score = parseScore(v) ?? 0;
      }
      total = addScores(total, score);
    }
  }
  return total;
}

const isPromotedRole = (role: string | undefined) => role !== undefined && /^(promoted|master)$/i.test(role);

const isManaged = (inst: SchedResource) => primitivesOf(inst).every((p) => p.managed && !p.blocked);

const nodeOf = (inst: SchedResource): SchedNode | undefined => primitivesOf(inst)[0]?.assignedTo;

/** Node attribute values compared by a colocation. */
const sameAttr = (col: SchedColocation, a: SchedNode, b: SchedNode) => a.attrs[col.nodeAttribute] === b.attrs[col.nodeAttribute];

/** A role-specific colocation of the clone (as dependent) adjusts an instance's promotion priority. */
function colocationPriority(col: SchedColocation, chosen: SchedNode, priority: number): number {
  const primary = col.primary;
  if (primary.kind === 'clone') {
    const match = primary.children.some((pi) => {
      const n = nodeOf(pi);
      if (!n || !sameAttr(col, n, chosen)) return false;
      return col.primaryRole === undefined || col.primaryRole === 'Started' || (col.primaryRole === 'Promoted') === promotedNext(pi);
    });
    if (match) return addScores(priority, col.score);
    return col.score >= INFINITY ? -INFINITY : priority;
  }
  const pNode = primary.kind === 'group' ? primary.children[0]?.assignedTo : primary.assignedTo;
  if (!pNode) return priority;
  if (!sameAttr(col, pNode, chosen)) return col.score >= INFINITY && col.dependentRole === 'Promoted' ? -INFINITY : priority;
  // Unpromoted with (or with an unpromoted) primary: being there argues against promotion.
  return addScores(priority, col.primaryRole === 'Unpromoted' || col.dependentRole === 'Unpromoted' ? -col.score : col.score);
}

/** The clone-level score table used to rank instances: the clone's own node scores, without stickiness. */
function cloneScores(ws: WorkingSet, clone: SchedResource): Map<string, number> {
  const scores = new Map<string, number>();
  const lead = primitivesOf(clone.children[0])[0];
  if (!lead) return scores;
  for (const n of ws.nodes) {
    // Any instance not active on the node carries the clone's score there; else take the active one's, less its stickiness.
    const other = clone.children.map((i) => primitivesOf(i)[0]).find((p) => p && !p.running.has(n.id));
    const p = other ?? lead;
    const s = p.allowed.get(n.id);
    if (s === undefined) continue;
    scores.set(n.id, other || s <= -INFINITY || s >= INFINITY ? s : s - p.stickiness);
  }
  return scores;
}

/** Folds a colocated resource's node scores into the clone's ranking table. */
function mergeScores(table: Map<string, number>, other: Map<string, number>, factor: number, nonNegativeOnly: boolean): void {
  for (const [id, s] of table) {
    const o = other.get(id);
    if (o === undefined || (nonNegativeOnly && o < 0)) continue;
    table.set(id, addScores(s, Math.trunc(o * factor)));
  }
}

/** Node scores of a colocation partner: where a clone's (promoted) instances are, or a primitive's allowed table. */
function partnerScores(ws: WorkingSet, r: SchedResource, role: string | undefined): Map<string, number> {
  if (r.kind === 'clone') {
    const m = new Map<string, number>();
    for (const n of ws.nodes) m.set(n.id, -INFINITY);
    for (const inst of r.children) {
      const n = nodeOf(inst);
      if (n && (role !== 'Promoted' || promotedNext(inst))) m.set(n.id, INFINITY);
    }
    return m;
  }
  const p = r.kind === 'group' ? r.children[0] : r;
  if (!p) return new Map();
  if (p.assignedTo || !p.provisional) {
    const m = new Map<string, number>();
    for (const n of ws.nodes) m.set(n.id, n === p.assignedTo ? INFINITY : -INFINITY);
    return m;
  }
  return p.allowed;
}

/**
 * After the clone's instances are placed: rank them by promotion priority and
 * promote the best (Pacemaker's pcmk__set_instance_roles).
 */
export function setInstanceRoles(ws: WorkingSet, clone: SchedResource): void {
  if (!isPromotableClone(clone)) return;
  const ids = new Set([clone.id, ...(clone.cloneDef ? [clone.cloneDef.child.id] : [])]);
  const priority = new Map<SchedResource, number>();
  const sortIndex = new Map<SchedResource, number>();
  const roleColocations = clone.withPrimaries.filter((c) => c.dependentRole === 'Promoted' || c.dependentRole === 'Unpromoted');
  for (const inst of clone.children) {
    const chosen = nodeOf(inst);
    const target = inst.kind === 'primitive' ? inst.targetRole : inst.targetRole ?? inst.children[0]?.targetRole;
    const stopping = primitivesOf(inst).some((p) => p.nextRole === 'Stopped');
    let prio = 0;
    if (!chosen) {
      priority.set(inst, prio);
      sortIndex.set(inst, prio);
      continue;
    }
    const demoteWithoutQuorum = !ws.options.haveQuorum && ws.options.noQuorumPolicy === 'demote';
    if (target === 'Unpromoted' || target === 'Stopped' || stopping || demoteWithoutQuorum) prio = -INFINITY;
    else prio = promotionScore(ws, clone, inst, chosen) ?? -1;
    prio = addScores(prio, promotedLocationScore(ws, ids, chosen));
    for (const col of roleColocations) prio = colocationPriority(col, chosen, prio);
    priority.set(inst, prio);
    sortIndex.set(inst, prio);
  }
  // Rank on the clone's node scores plus each instance's priority and role-specific colocations.
  const table = cloneScores(ws, clone);
  for (const inst of clone.children) {
    const chosen = nodeOf(inst);
    const si = sortIndex.get(inst)!;
    if (chosen && si >= 0 && table.has(chosen.id)) table.set(chosen.id, addScores(table.get(chosen.id)!, si));
  }
  for (const col of clone.withPrimaries) {
    if (col.dependentRole !== 'Promoted') continue;
    mergeScores(table, partnerScores(ws, col.primary, col.primaryRole), col.score / INFINITY, false);
  }
  for (const col of clone.withDependents) {
    if (col.primaryRole !== 'Promoted' || !col.influence) continue;
    mergeScores(table, partnerScores(ws, col.dependent, col.dependentRole), col.score / INFINITY, true);
  }
  // Without a ticket it needs for the Promoted role, the clone promotes nothing.
  if (promotionTicketMissing(ws, clone)) for (const id of table.keys()) table.set(id, -INFINITY);
  for (const inst of clone.children) {
    const chosen = nodeOf(inst);
    if (!isManaged(inst) && promotedNow(inst)) sortIndex.set(inst, INFINITY);
    else if (chosen && sortIndex.get(inst)! >= 0 && table.has(chosen.id)) sortIndex.set(inst, table.get(chosen.id)!);
  }
  const rolePos = (inst: SchedResource) => (primitivesOf(inst).some((p) => currentRole(p) === 'Promoted') ? 0 : primitivesOf(inst).some((p) => p.running.size > 0) ? 1 : 2);
  const ranked = [...clone.children].sort((a, b) => sortIndex.get(b)! - sortIndex.get(a)! || rolePos(a) - rolePos(b) || priority.get(b)! - priority.get(a)! || (a.instance ?? 0) - (b.instance ?? 0));
  const max = cloneLimit(clone, 'promoted-max');
  const nodeMax = cloneLimit(clone, 'promoted-node-max');
  const perNode = new Map<string, number>();
  let count = 0;
  for (const inst of ranked) {
    const chosen = nodeOf(inst);
    const managed = isManaged(inst);
    // An unmanaged (or blocked) instance left promoted stays so, and counts towards promoted-max.
    const eligible = chosen !== undefined && sortIndex.get(inst)! >= 0 && (count < max || !managed) &&
      (managed ? priority.get(inst)! >= 0 && nodeAvailable(chosen) && (perNode.get(chosen.id) ?? 0) < nodeMax : promotedNow(inst));
    const frozen = eligible && !ws.options.haveQuorum && ws.options.noQuorumPolicy === 'freeze' && !primitivesOf(inst).every((p) => currentRole(p) === 'Promoted');
    if (!eligible || frozen) {
      setNextRole(inst, chosen ? 'Unpromoted' : 'Stopped');
      continue;
    }
    perNode.set(chosen.id, (perNode.get(chosen.id) ?? 0) + 1);
    setNextRole(inst, 'Promoted');
    count++;
  }
}
