import { parseCib } from '../../daemon/cib/index.js';
import { schedule } from '../../daemon/scheduler/index.js';
import { normalizeSummaryLine } from '../../daemon/scheduler/summary-text.js';

/** vigil's Transition Summary for a CIB, normalised like crm_simulate's; a throw becomes one "threw" line. */
export function vigilSummary(xml: string, name: string): string[] {
  try {
    return schedule(parseCib(xml, name)).summary.map(normalizeSummaryLine);
  } catch (err) {
    return [`threw ${(err as Error).name}: ${(err as Error).message}`];
  }
}

/** Lines in one multiset and not in the other. */
export interface SummaryDiff {
  onlyReference: string[];
  onlyVigil: string[];
}

export function diffSummaries(reference: string[], vigil: string[]): SummaryDiff {
  const remaining = [...vigil];
  const onlyReference: string[] = [];
  for (const l of reference) {
    const i = remaining.indexOf(l);
    if (i >= 0) remaining.splice(i, 1);
    else onlyReference.push(l);
  }
  return { onlyReference, onlyVigil: remaining };
}

export const agrees = (d: SummaryDiff) => d.onlyReference.length === 0 && d.onlyVigil.length === 0;

/**
 * A coarse signature of a disagreement, for grouping: each differing line's
 * change word and reason with resource and node names taken out
 * ("pcmk: Move … due to node availability").
 */
export function diffSignature(d: SummaryDiff): string {
  const shape = (l: string) =>
    l
      .replace(/^threw (\w+):.*/, 'threw $1')
      .replace(/^\* (\w+) \S+ \(([^)]*)\)/, (_m, change: string, where: string) => `${change}${where.includes('->') ? ' (a -> b)' : ''}`)
      .trim();
  const parts = [...new Set([...d.onlyReference.map((l) => `pcmk: ${shape(l)}`), ...d.onlyVigil.map((l) => `vigil: ${shape(l)}`)])];
  return parts.sort().join(' | ');
}
