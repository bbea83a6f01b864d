/**
 * Monotonic time and timers, injectable so that self-fencing and scenario
 * tests can run on a virtual clock. Times are milliseconds on a monotonic
 * scale with an arbitrary origin (never wall-clock time: NTP steps must not
 * move lease deadlines).
 */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: unknown };

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (delayMs, fn) => ({ id: setTimeout(fn, Math.max(0, delayMs)) }),
  clearTimer: (handle) => clearTimeout(handle.id as NodeJS.Timeout),
};
