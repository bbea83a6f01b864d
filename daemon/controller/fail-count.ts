/**
 * The transient node attributes a failed operation updates, as Pacemaker names them:
 * `fail-count-RSC#OP_INTERVAL` (one more, or INFINITY when the DC marked the action fatal —
 * start-failure-is-fatal) and `last-failure-RSC#OP_INTERVAL` (epoch seconds, for failure-timeout).
 */
export function failureAttributes(
  op: { resource: string; operation: string; intervalMs: number },
  fatal: boolean,
  previousCount: number,
  nowS: number,
): Record<string, string> {
  const suffix = `${op.resource}#${op.operation}_${op.intervalMs}`;
  return { [`fail-count-${suffix}`]: fatal ? 'INFINITY' : String(previousCount + 1), [`last-failure-${suffix}`]: String(nowS) };
}

/** The attribute holding `op`'s fail count on a node. */
export const failCountAttribute = (op: { resource: string; operation: string; intervalMs: number }): string => `fail-count-${op.resource}#${op.operation}_${op.intervalMs}`;
