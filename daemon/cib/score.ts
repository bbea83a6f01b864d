/** Pacemaker's score arithmetic: integers saturating at ±INFINITY (1,000,000). */
export const INFINITY = 1_000_000;

/** Parses "INFINITY", "+INFINITY", "-INFINITY", "-inf" or an integer; undefined when invalid. */
export function parseScore(text: string): number | undefined {
  const t = text.trim();
  if (/^\+?inf(inity)?$/i.test(t)) return INFINITY;
  if (/^-inf(inity)?$/i.test(t)) return -INFINITY;
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  return clampScore(Number(t));
}

export function clampScore(n: number): number {
  if (n >= INFINITY) return INFINITY;
  if (n <= -INFINITY) return -INFINITY;
  return Math.trunc(n);
}

/** Adds two scores: -INFINITY wins over +INFINITY (a ban beats a preference). */
export function addScores(a: number, b: number): number {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return clampScore(a + b);
}

export function formatScore(n: number): string {
  if (n >= INFINITY) return 'INFINITY';
  if (n <= -INFINITY) return '-INFINITY';
  return String(n);
}
