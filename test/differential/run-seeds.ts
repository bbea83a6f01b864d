import { generateCib } from './generate-cib.js';
import { agrees, diffSignature, diffSummaries, vigilSummary, type SummaryDiff } from './compare-summaries.js';
import { CibScratch, crmSimulateSummary, crmVerify, mapLimited } from './reference-tools.js';

/** The outcome of one seed: rejected by crm_verify, or both summaries and their difference. */
export type SeedResult =
  | { seed: number; valid: false; verifyErrors: string }
  | { seed: number; valid: true; reference: string[]; vigil: string[]; diff: SummaryDiff; agree: boolean; signature: string };

/** Compares crm_simulate with vigil on one CIB already written to `file`. */
export async function compareCib(xml: string, file: string, name: string): Promise<Omit<Extract<SeedResult, { valid: true }>, 'seed'> | { valid: false; verifyErrors: string }> {
  const verifyErrors = await crmVerify(file);
  if (verifyErrors !== undefined) return { valid: false, verifyErrors };
  const reference = await crmSimulateSummary(file);
  const vigil = vigilSummary(xml, name);
  const diff = diffSummaries(reference, vigil);
  return { valid: true, reference, vigil, diff, agree: agrees(diff), signature: diffSignature(diff) };
}

/** Generates and compares every seed, two reference processes at a time (the machine has 2 cores). */
export async function runSeeds(seeds: number[], scratch: CibScratch): Promise<SeedResult[]> {
  return mapLimited(seeds, 2, async (seed) => {
    const xml = generateCib(seed);
    const name = `seed-${seed}`;
    return { seed, ...(await compareCib(xml, scratch.write(name, xml), name)) };
  });
}
