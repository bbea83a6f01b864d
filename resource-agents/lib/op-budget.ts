import { BudgetExhaustedError } from './agent-errors.js';

/**
 * The time an operation may take, from OCF_RESKEY_CRM_meta_timeout (ms). Every
 * external call draws its own timeout from what is left, so the agent finishes
 * (with a clear error) before the executor would have to kill it.
 */
export class OpBudget {
  private readonly deadline: number;

  constructor(
    readonly totalMs: number,
    /** Kept back for reporting the result after the last call. */
    private readonly reserveMs = Math.min(1000, totalMs / 10),
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = now() + totalMs;
  }

  static fromEnv(env: NodeJS.ProcessEnv, defaultMs: number): OpBudget {
    const raw = env.OCF_RESKEY_CRM_meta_timeout;
    const ms = raw !== undefined && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : defaultMs;
    return new OpBudget(ms);
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - this.reserveMs - this.now());
  }

  /** Timeout for one call: at most `capMs`, never beyond the budget; throws once nothing is left. */
  callTimeout(what: string, capMs = Infinity): number {
    const left = this.remainingMs();
    if (left <= 0) throw new BudgetExhaustedError(`no time left in the ${this.totalMs} ms operation budget for ${what}`);
    return Math.min(capMs, left);
  }
}
