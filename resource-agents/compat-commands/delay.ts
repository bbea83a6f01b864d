import { UsageError } from './command-line.js';

/** Pacemaker time spec as attrd_updater -d and ping's dampen take it: a bare number is seconds; ms/s/m/h suffixes. */
export function parseDelayMs(spec: string): number {
  const m = /^(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?$/i.exec(spec.trim());
  if (!m) throw new UsageError(`invalid delay '${spec}' (expected e.g. 5, 5s, 500ms, 1m)`);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor = unit.startsWith('ms') ? 1 : unit.startsWith('s') ? 1000 : unit.startsWith('m') ? 60_000 : 3_600_000;
  return Number(m[1]) * factor;
}
