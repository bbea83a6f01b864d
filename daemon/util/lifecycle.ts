/**
 * Every long-lived part (etcd child, lease keeper, monitor loop, API server)
 * implements this, so the daemon and the tests can start parts in order and
 * stop them in reverse, deterministically.
 */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Stops started parts in reverse order; used by the daemon and by tests. */
export class LifecycleStack {
  private readonly started: Lifecycle[] = [];

  async start(part: Lifecycle): Promise<void> {
    await part.start();
    this.started.push(part);
  }

  async stopAll(): Promise<void> {
    const errors: unknown[] = [];
    while (this.started.length > 0) {
      const part = this.started.pop()!;
      try {
        await part.stop();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some parts failed to stop');
  }
}
