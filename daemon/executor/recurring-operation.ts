import type { ExecutedOperationResult, OperationRequest, RecurringResultListener } from './operation.js';

/**
 * One recurring operation (normally a monitor): runs at once, then
 * `intervalMs` after each completion, and reports the first result and every
 * change of rc or op-status — the results Pacemaker records for recurring ops.
 */
export class RecurringOperation {
  private timer: NodeJS.Timeout | undefined;
  private cancelled = false;
  private last: { rc: number; status: number } | undefined;
  private settleFirst!: (result: ExecutedOperationResult | undefined) => void;
  /** The first result, or undefined if cancelled before there was one. */
  readonly first = new Promise<ExecutedOperationResult | undefined>((resolve) => (this.settleFirst = resolve));

  constructor(
    readonly request: OperationRequest,
    /** Runs one instance; `cancelled` lets a run still waiting in the queue be skipped. */
    private readonly execute: (req: OperationRequest, cancelled: () => boolean) => Promise<ExecutedOperationResult>,
    private readonly onResult: RecurringResultListener,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    void this.tick();
  }

  /** After cancel no further result is reported, even from a run already in flight. */
  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
    this.settleFirst(undefined);
  }

  private async tick(): Promise<void> {
    if (this.cancelled) return;
    try {
      const result = await this.execute(this.request, () => this.cancelled);
      if (this.cancelled) return;
      if (!this.last || this.last.rc !== result.rc || this.last.status !== result.status) {
        this.last = { rc: result.rc, status: result.status };
        this.onResult(result);
        this.settleFirst(result);
      }
    } catch (err) {
      if (this.cancelled) return;
      this.onError(err);
    }
    if (!this.cancelled) this.timer = setTimeout(() => void this.tick(), this.request.intervalMs);
  }
}
