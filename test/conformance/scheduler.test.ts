import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseCib } from '../../daemon/cib/index.js';
import { schedule } from '../../daemon/scheduler/index.js';
import { normalizeSummaryLine, sameLines, summaryBlock } from '../../daemon/scheduler/summary-text.js';

/**
 * Runs every shared Pacemaker regression case through parseCib + schedule and
 * compares the Transition Summary with crm_simulate 2.1.5's. Prints the pass
 * count per tier; fails when a case in passing.txt (the ratchet) regresses.
 * VIGIL_RATCHET_WRITE=1 adds newly passing cases to passing.txt.
 */
const dataDir = fileURLToPath(new URL('../../../shared/pacemaker-scheduler/', import.meta.url));
const ratchetFile = fileURLToPath(new URL('./passing.txt', import.meta.url));

interface Case {
  name: string;
  tier: number;
}

function loadCases(): Case[] {
  const rows = readFileSync(join(dataDir, 'tests.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  return rows.map((r) => r.split('\t')).map(([name, tier]) => ({ name, tier: Number(tier) }));
}

function runCase(name: string): { pass: boolean; detail: string } {
  const expected = summaryBlock(readFileSync(join(dataDir, 'summary', `${name}.summary`), 'utf8')) ?? [];
  try {
    const cib = parseCib(readFileSync(join(dataDir, 'xml', `${name}.xml`), 'utf8'), `${name}.xml`);
    const actual = schedule(cib).summary.map(normalizeSummaryLine);
    const pass = sameLines(actual, expected);
    return { pass, detail: pass ? '' : `expected ${JSON.stringify(expected)}\n  got ${JSON.stringify(actual)}` };
  } catch (err) {
    return { pass: false, detail: `threw ${(err as Error).message}` };
  }
}

describe.skipIf(!existsSync(dataDir))('scheduler conformance (Pacemaker regression sample)', () => {
  it('keeps every ratcheted case passing and reports per-tier counts', () => {
    const cases = loadCases();
    const ratchet = existsSync(ratchetFile) ? readFileSync(ratchetFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : [];
    const passing = new Set<string>();
    const failures = new Map<string, string>();
    const perTier = new Map<number, { pass: number; total: number }>();
    for (const c of cases) {
      const r = runCase(c.name);
      const t = perTier.get(c.tier) ?? { pass: 0, total: 0 };
      t.total++;
      if (r.pass) {
        t.pass++;
        passing.add(c.name);
      } else failures.set(c.name, r.detail);
      perTier.set(c.tier, t);
    }
    const report = [...perTier.entries()].sort(([a], [b]) => a - b).map(([tier, t]) => `tier ${tier}: ${t.pass}/${t.total}`);
    console.log(`scheduler conformance: ${report.join(', ')}; total ${passing.size}/${cases.length}`);
    const fresh = [...passing].filter((n) => !ratchet.includes(n)).sort();
    if (fresh.length) console.log(`newly passing (not yet in passing.txt): ${fresh.join(' ')}`);
    if (process.env.VIGIL_RATCHET_WRITE === '1') writeFileSync(ratchetFile, [...new Set([...ratchet, ...passing])].sort().join('\n') + '\n');
    const regressed = ratchet.filter((n) => !passing.has(n));
    expect(regressed.map((n) => `${n}: ${failures.get(n) ?? 'missing case'}`)).toEqual([]);
  });
});
