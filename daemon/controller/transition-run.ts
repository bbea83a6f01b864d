import type { Action, Transition } from '../scheduler/transition.js';

export type ActionState = 'waiting' | 'dispatched' | 'done' | 'failed';

/** An activating action the graph does not order after every probe of its resource (see probeEdges). */
export interface MissingProbeEdges {
  action: Action;
  probes: Action[];
}

/**
 * Bookkeeping of one transition graph being executed: which actions may be dispatched
 * (all `after` dependencies done), which are in flight, and whether it was aborted.
 * Pure state, so the dispatch rules are testable without etcd.
 */
export class TransitionRun {
  private readonly state = new Map<number, ActionState>();
  private readonly byId = new Map<number, Action>();
  aborted?: string;
  private readonly afterProbes: Map<number, number[]>;
  /** Where the graph broke the probe invariant (the controller logs these; the run holds them anyway). */
  readonly missingProbeEdges: MissingProbeEdges[];

  constructor(
    readonly id: number,
    readonly transition: Transition,
  ) {
    for (const a of transition.actions) {
      this.state.set(a.id, 'waiting');
      this.byId.set(a.id, a);
    }
    this.afterProbes = probeEdges(transition.actions);
    this.missingProbeEdges = [];
    for (const [id, probes] of this.afterProbes) {
      const missing = probes.filter((p) => !this.precedes(p, id));
      if (missing.length > 0) this.missingProbeEdges.push({ action: this.byId.get(id)!, probes: missing.map((p) => this.byId.get(p)!) });
    }
  }

  /** Whether the graph orders `first` before `then`, directly or through other actions. */
  private precedes(first: number, then: number): boolean {
    const seen = new Set<number>();
    const stack = [then];
    while (stack.length > 0) {
      for (const dep of this.byId.get(stack.pop()!)?.after ?? []) {
        if (dep === first) return true;
        if (!seen.has(dep)) {
          seen.add(dep);
          stack.push(dep);
        }
      }
    }
    return false;
  }

  /** Dependencies of an action: the graph's own, plus the probes it must wait for (see probeEdges). */
  private dependencies(a: Action): number[] {
    return [...a.after, ...(this.afterProbes.get(a.id) ?? [])];
  }

  /**
   * Actions whose dependencies all completed successfully. Once aborted, only the migrate_from
   * that completes a migration whose migrate_to succeeded: the resource (a live-migrated VM)
   * already runs on the target, and only that result records it there; a plan made from the
   * half-recorded migration could start a second copy.
   */
  ready(): Action[] {
    return this.transition.actions.filter(
      (a) =>
        this.state.get(a.id) === 'waiting' &&
        this.dependencies(a).every((dep) => this.state.get(dep) === 'done' || !this.byId.has(dep)) &&
        (!this.aborted || this.completesMigration(a)),
    );
  }

  /** A migrate_from whose migrate_to succeeded: it runs even after an abort (see ready()). */
  completesMigration(a: Action): boolean {
    return a.operation === 'migrate_from' && a.after.some((dep) => {
      const d = this.byId.get(dep);
      return d?.operation === 'migrate_to' && d.resource === a.resource && this.state.get(dep) === 'done';
    });
  }

  markDispatched(id: number): void {
    this.state.set(id, 'dispatched');
  }

  complete(id: number, ok: boolean, why?: string): void {
    this.state.set(id, ok ? 'done' : 'failed');
    if (!ok) this.abort(why ?? `action ${this.byId.get(id)?.key} failed`);
  }

  abort(reason: string): void {
    this.aborted ??= reason;
  }

  inFlight(): Action[] {
    return this.transition.actions.filter((a) => this.state.get(a.id) === 'dispatched');
  }

  /** Finished: everything done, or aborted with nothing left in flight or still to finish. */
  get finished(): boolean {
    if (this.aborted) return this.inFlight().length === 0 && this.ready().length === 0;
    return this.transition.actions.every((a) => this.state.get(a.id) === 'done');
  }

  /** Waiting actions that can never run because a dependency failed (the run is stuck). */
  get stuck(): boolean {
    return !this.finished && this.ready().length === 0 && this.inFlight().length === 0;
  }
}

/** Operations that make a resource active somewhere. */
const ACTIVATING = new Set(['start', 'migrate_from', 'promote']);

/** "rsc:2" -> "rsc": clone instances share their probes' meaning (is any copy active on that node?). */
const baseId = (resource: string) => resource.replace(/:\d+$/, '');

/**
 * Pacemaker starts nothing before that resource's probes finished on every node: a start
 * racing a probe would be reported back by the probe as "running" (an unexpected result), or
 * start a copy the probe was about to find. The scheduler orders this itself (probes.ts), so
 * on a correct graph these edges add nothing. They are kept on purpose, as an assertion with a
 * safety net: the scheduler changes often, and a lost edge there costs a double activation
 * (the worst failure this project has), whereas holding costs nothing. So each activating
 * action still waits for every probe of the same resource (any instance of the same clone),
 * and a graph that lacked such an ordering is reported (missingProbeEdges, logged by the
 * controller as a `transition.invariant` error) so the scheduler bug gets seen and fixed.
 */
function probeEdges(actions: Action[]): Map<number, number[]> {
  const probes = new Map<string, number[]>();
  for (const a of actions) {
    if (a.kind !== 'resource' || !a.resource || !(a.probe || (a.operation === 'monitor' && a.intervalMs === 0))) continue;
    const ids = probes.get(baseId(a.resource)) ?? [];
    ids.push(a.id);
    probes.set(baseId(a.resource), ids);
  }
  const edges = new Map<number, number[]>();
  for (const a of actions) {
    if (a.kind === 'resource' && a.resource && ACTIVATING.has(a.operation)) edges.set(a.id, probes.get(baseId(a.resource)) ?? []);
  }
  return edges;
}
