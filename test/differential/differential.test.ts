import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CibScratch, referenceAvailable } from './reference-tools.js';
import { compareCib, runSeeds, type SeedResult } from './run-seeds.js';
import { mapLimited } from './reference-tools.js';

/**
 * Differential test: seeded random CIBs through Pacemaker 2.1.5's
 * crm_simulate (the reference, run live) and vigil's scheduler in-process.
 * Prints how many seeds agree and the disagreement groups; fails when a seed
 * in agreeing-seeds.txt (the ratchet) no longer agrees.
 * VIGIL_RATCHET_WRITE=1 adds newly agreeing seeds; VIGIL_DIFF_SEEDS=N changes the seed count.
 */
const SEEDS = Number(process.env.VIGIL_DIFF_SEEDS ?? 200);
const ratchetFile = fileURLToPath(new URL('./agreeing-seeds.txt', import.meta.url));
const reproDir = fileURLToPath(new URL('./repro/', import.meta.url));
const available = referenceAvailable();
if (!available) console.log('differential: SKIPPED, crm_simulate/crm_verify not installed (scripts/install-deps.sh installs pacemaker-cli-utils)');

function report(results: SeedResult[]): void {
  const valid = results.filter((r) => r.valid);
  const agreeing = valid.filter((r) => r.agree);
  console.log(`differential: ${agreeing.length}/${results.length} seeds agree (${results.length - valid.length} rejected by crm_verify)`);
  const groups = new Map<string, number[]>();
  for (const r of valid) if (!r.agree) groups.set(r.signature, [...(groups.get(r.signature) ?? []), r.seed]);
  for (const [signature, seeds] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`  ${String(seeds.length).padStart(3)}  ${signature}   [seeds ${seeds.slice(0, 8).join(' ')}${seeds.length > 8 ? ' …' : ''}]`);
  }
  for (const r of results) if (!r.valid) console.log(`  seed ${r.seed} rejected by crm_verify: ${r.verifyErrors.split('\n')[0]}`);
}

describe.skipIf(!available)('differential: vigil scheduler vs crm_simulate on generated CIBs', () => {
  it(`agrees on every ratcheted seed of ${SEEDS}`, { timeout: 180_000 }, async () => {
    const scratch = new CibScratch();
    let results: SeedResult[];
    try {
      results = await runSeeds(Array.from({ length: SEEDS }, (_, i) => i + 1), scratch);
    } finally {
      scratch.close();
    }
    report(results);
    const ratchet = existsSync(ratchetFile) ? readFileSync(ratchetFile, 'utf8').split('\n').map(Number).filter((n) => n > 0) : [];
    const agreeing = new Set(results.filter((r) => r.valid && r.agree).map((r) => r.seed));
    if (process.env.VIGIL_RATCHET_WRITE === '1') writeFileSync(ratchetFile, [...new Set([...ratchet, ...agreeing])].sort((a, b) => a - b).join('\n') + '\n');
    const fresh = [...agreeing].filter((s) => !ratchet.includes(s));
    if (fresh.length) console.log(`newly agreeing (not yet in agreeing-seeds.txt): ${fresh.join(' ')}`);
    // The generator must mostly produce CIBs Pacemaker accepts, or the comparison measures little.
    expect(results.filter((r) => r.valid).length).toBeGreaterThanOrEqual(Math.ceil(results.length * 0.9));
    const byseed = new Map(results.map((r) => [r.seed, r]));
    const regressed = ratchet.filter((s) => s <= SEEDS && !agreeing.has(s)).map((s) => {
      const r = byseed.get(s)!;
      return r.valid ? `seed ${s}: crm_simulate ${JSON.stringify(r.diff.onlyReference)} vigil ${JSON.stringify(r.diff.onlyVigil)}` : `seed ${s}: now rejected by crm_verify`;
    });
    expect(regressed).toEqual([]);
  });

  it('keeps the triage reproducers valid and reports which still disagree', { timeout: 60_000 }, async () => {
    const files = existsSync(reproDir) ? readdirSync(reproDir).filter((f) => f.endsWith('.xml')).sort() : [];
    const scratch = new CibScratch();
    try {
      const results = await mapLimited(files, 2, async (f) => {
        const xml = readFileSync(join(reproDir, f), 'utf8');
        return { f, r: await compareCib(xml, scratch.write(f.replace(/\.xml$/, ''), xml), f) };
      });
      const fixed = results.filter(({ r }) => r.valid && r.agree).map(({ f }) => f);
      console.log(`differential repro: ${files.length - fixed.length}/${files.length} reproducers still disagree${fixed.length ? `; now agreeing: ${fixed.join(' ')}` : ''}`);
      expect(results.filter(({ r }) => !r.valid).map(({ f }) => f)).toEqual([]);
    } finally {
      scratch.close();
    }
  });
});
