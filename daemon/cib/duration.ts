/**
 * Pacemaker time specifications: "10", "10s", "500ms", "2m", "1h", "1d" (a bare
 * number means seconds) or ISO 8601 durations such as "PT30S" / "P1DT2H".
 * Returns milliseconds, or undefined when the text is not a valid interval.
 */
const UNIT_MS = new Map([['ms', 1], ['msec', 1], ['us', 0.001], ['usec', 0.001], ['s', 1000], ['sec', 1000], ['m', 60_000], ['min', 60_000], ['h', 3_600_000], ['hr', 3_600_000], ['d', 86_400_000]]);

export function parseInterval(text: string): number | undefined {
  const plain = plainInterval(text);
  if (plain !== undefined) return plain;
  const t = text.trim();
  const simple = /^(\d+(?:\.\d+)?)\s*(ms|msec|s|sec|m|min|h|hr|d|us|usec)?$/i.exec(t);
  if (simple) return Math.round(Number(simple[1]) * UNIT_MS.get((simple[2] ?? 's').toLowerCase())!);
  const d = parseIsoDuration(t);
  return d === undefined ? undefined : d.seconds * 1000 + d.months * 30 * 86_400_000;
}

/**
 * The common spellings, digits then nothing, "s" or "ms" (every op of a large
 * CIB has two), read without a regular expression; undefined for anything else.
 */
function plainInterval(text: string): number | undefined {
  const len = text.length;
  let n = 0;
  let i = 0;
  for (; i < len && i < 15; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (i === 0) return undefined;
  if (i === len) return n * 1000;
  const c = text.charCodeAt(i);
  if (c === 115 /* s */ && i + 1 === len) return n * 1000;
  if (c === 109 /* m */ && i + 2 === len && text.charCodeAt(i + 1) === 115 /* s */) return n;
  return undefined;
}

/** An ISO 8601 duration split into calendar months and plain seconds (months vary in length). */
export interface IsoDuration {
  months: number;
  seconds: number;
}

export function parseIsoDuration(text: string): IsoDuration | undefined {
  // Pacemaker also takes hours and seconds before the T ("P10S"): only M needs T to mean minutes.
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:(\d+)H)?(?:(\d+(?:\.\d+)?)S)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  return {
    months: n(1) * 12 + n(2),
    seconds: n(3) * 604_800 + n(4) * 86_400 + (n(5) + n(7)) * 3600 + n(8) * 60 + n(6) + n(9),
  };
}
