import type { Action, Transition } from '../scheduler/transition.js';

export type ActionState = 'waiting' | 'dispatched' | 'done' | 'failed';

/**
 * Bookkeeping of one transition graph being executed: which actions may be dispatched
 * (all `after` dependencies done), which are in flight, and whether it was aborted.
 * Pure state, so the dispatch rules are testable without etcd.
 */
export class TransitionRun {
  private readonly state = new Map<number, ActionState>();
  private readonly byId = new Map<number, Action>();
  aborted?: string;

  constructor(
    readonly id: number,
    readonly transition: Transition,
  ) {
    for (const a of transition.actions) {
      this.state.set(a.id, 'waiting');
      this.byId.set(a.id, a);
    }
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
        a.after.every((dep) => this.state.get(dep) === 'done' || !this.byId.has(dep)) &&
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
