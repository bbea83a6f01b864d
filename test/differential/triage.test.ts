import { describe, it, expect } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSpec } from './generate-cib.js';
import { renderCib } from './render-cib.js';
import { shrinkSpec } from './shrink-spec.js';
import { CibScratch, crmSimulateSummary, crmVerify, mapLimited, referenceAvailable } from './reference-tools.js';
import { diffSignature, diffSummaries, vigilSummary } from './compare-summaries.js';
import { compareCib, runSeeds } from './run-seeds.js';
import type { ClusterSpec } from './cluster-spec.js';

/**
 * Triage (on demand): VIGIL_DIFF_TRIAGE=DIR npx vitest run test/differential/triage.test.ts
 * shrinks every disagreeing seed to a minimal CIB that still disagrees the
 * same way and writes DIR/seed-N.xml plus DIR/seed-N.txt (both summaries).
 * The hand-picked ones live in repro/ and docs/scheduler-differential.md.
 */
const outDir = process.env.VIGIL_DIFF_TRIAGE;
const SEEDS = Number(process.env.VIGIL_DIFF_SEEDS ?? 200);

describe.skipIf(!outDir || !referenceAvailable())('differential triage (VIGIL_DIFF_TRIAGE=DIR)', () => {
  it('shrinks each disagreeing seed', { timeout: 3_600_000 }, async () => {
    mkdirSync(outDir!, { recursive: true });
    const scratch = new CibScratch();
    try {
      const results = await runSeeds(Array.from({ length: SEEDS }, (_, i) => i + 1), scratch);
      const failing = results.flatMap((r) => (r.valid && !r.agree ? [r] : []));
      let checks = 0;
      const stillFails = (signature: string) => async (s: ClusterSpec) => {
        checks++;
        const name = `shrink-${s.seed}`; // one shrink per seed at a time: the file can be reused
        const xml = renderCib(s);
        const file = scratch.write(name, xml);
        // cheapest test first: most candidates stop disagreeing; only a keeper needs crm_verify
        const reference = await crmSimulateSummary(file).catch(() => undefined);
        if (!reference || diffSignature(diffSummaries(reference, vigilSummary(xml, name))) !== signature) return false;
        return (await crmVerify(file)) === undefined;
      };
      // one shrink per core: each runs its reference checks one at a time
      await mapLimited(failing, 2, async (f) => {
        const small = await shrinkSpec(generateSpec(f.seed), stillFails(f.signature));
        const xml = renderCib(small);
        const r = await compareCib(xml, scratch.write(`final-${f.seed}`, xml), `seed-${f.seed}`);
        expect(r.valid && !r.agree).toBe(true);
        if (!r.valid || r.agree) return;
        writeFileSync(join(outDir!, `seed-${f.seed}.xml`), xml);
        writeFileSync(
          join(outDir!, `seed-${f.seed}.txt`),
          [`signature: ${r.signature}`, 'crm_simulate:', ...r.reference.map((l) => `  ${l}`), 'vigil:', ...r.vigil.map((l) => `  ${l}`), ''].join('\n'),
        );
      });
      console.log(`triage: ${failing.length} disagreeing seeds shrunk into ${outDir} (${checks} reference checks)`);
    } finally {
      scratch.close();
    }
  });
});
