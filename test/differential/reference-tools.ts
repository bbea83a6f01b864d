import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VigilError } from '../../daemon/util/errors.js';
import { summaryBlock } from '../../daemon/scheduler/summary-text.js';

/** Pacemaker's crm_simulate failed to run or printed no Transition Summary for a generated CIB. */
export class ReferenceToolError extends VigilError {
  override readonly code = 'DIFF_REFERENCE_TOOL';
  constructor(
    readonly tool: string,
    readonly file: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${tool} -x ${file}: ${detail}`, options);
  }
}

/** Is Debian's pacemaker-cli-utils (the reference scheduler) installed? */
export function referenceAvailable(): boolean {
  return ['crm_simulate', 'crm_verify'].every((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0);
}

/**
 * A scratch folder for CIB files handed to Pacemaker's tools; `close()`
 * removes it, so a test run leaves nothing behind.
 */
export class CibScratch {
  private readonly dir = mkdtempSync(join(tmpdir(), 'vigil-differential-'));

  write(name: string, xml: string): string {
    const file = join(this.dir, `${name}.xml`);
    writeFileSync(file, xml);
    return file;
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function run(tool: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tool, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** crm_verify's verdict on a CIB file: undefined when valid, else its error lines. */
export async function crmVerify(file: string): Promise<string | undefined> {
  const r = await run('crm_verify', ['-V', '-x', file]);
  if (r.code === 0) return undefined;
  return (r.stderr + r.stdout).split('\n').filter((l) => /error/i.test(l)).slice(0, 5).join('\n') || `exit ${r.code}`;
}

/**
 * crm_simulate -S -x FILE (or -R: schedule without simulating the run, which
 * on hundreds of resources takes minutes): its Transition Summary lines, normalised. The
 * summary is the scheduler's decision; a non-zero exit after it only means
 * simulating the transition's execution failed ("An invalid transition was
 * produced"), which leaves the decision comparable.
 */
export async function crmSimulateSummary(file: string, mode: '-S' | '-R' = '-S'): Promise<string[]> {
  const r = await run('crm_simulate', [mode, '-x', file]);
  const lines = summaryBlock(r.stdout);
  if (lines === undefined) throw new ReferenceToolError('crm_simulate', file, `exit ${r.code}, ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return lines;
}

/** Maps items through an async function, at most `limit` at a time, keeping order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
