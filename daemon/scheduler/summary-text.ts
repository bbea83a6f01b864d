/**
 * Reading crm_simulate-format output back (for conformance checks and the
 * benchmark). Normalises "Transition Summary" lines the way Pacemaker's own
 * regression harness does (old role names, ocf:: provider gaps, blank runs) so that
 * column alignment never matters but every word does.
 */
export function normalizeSummaryLine(l: string): string {
  return l
    .replace(/ocf::/g, 'ocf:')
    .replace(/Masters:/, 'Promoted:')
    .replace(/Slaves:/, 'Unpromoted:')
    .replace(/ Master( |\[|$)/, ' Promoted$1')
    .replace(/ Slave /, ' Unpromoted ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** The lines of the "Transition Summary:" block of crm_simulate output, normalised. */
export function summaryBlock(text: string): string[] | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\s*Transition Summary:\s*$/.test(l));
  if (start < 0) return undefined;
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === '') continue;
    if (!/^[ \t]/.test(l)) break;
    out.push(normalizeSummaryLine(l));
  }
  return out;
}

/** Same multiset of lines? */
export function sameLines(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((l, i) => l === y[i]);
}
