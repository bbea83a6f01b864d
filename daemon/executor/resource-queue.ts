/**
 * Serializes work per resource: tasks for one resource run one after the
 * other in submission order, tasks for different resources run in parallel.
 * `dropPending` makes every task that has not started yet resolve with its
 * fallback instead of running (used when the node self-fences); so does a
 * task's own `skip` check answering true when its turn comes.
 */
export class ResourceQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private generation = 0;

  enqueue<T>(resource: string, task: () => Promise<T>, dropped: () => T, skip: () => boolean = () => false): Promise<T> {
    const generation = this.generation;
    const previous = this.tails.get(resource) ?? Promise.resolve();
    const run = previous.then(() => (generation === this.generation && !skip() ? task() : dropped()));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(resource, tail);
    void tail.then(() => {
      if (this.tails.get(resource) === tail) this.tails.delete(resource);
    });
    return run;
  }

  dropPending(): void {
    this.generation++;
  }

  /** Resolves when everything queued so far has finished (or been dropped). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
