import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml, writeXml } from '../../daemon/cib/xml.js';
import { failResource, nodeDown } from '../../crm-shell/what-if.js';

// What-if edits are checked against Pacemaker: crm_simulate on our edited CIB must plan
// exactly what crm_simulate plans when it makes the same change itself.
const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const fixture = join(root, 'test/shell/fixtures/two-nodes-d1-running.xml');
let dir: string;

const summary = (out: string) => out.slice(out.indexOf('Transition Summary:'), out.indexOf('Executing Cluster Transition:')).trim();
const crmSimulate = async (args: string[]) => summary((await run('crm_simulate', ['-S', ...args])).stdout);

async function edited(edit: (cib: ReturnType<typeof parseXml>) => void): Promise<string> {
  const cib = parseXml(await readFile(fixture, 'utf8'));
  edit(cib);
  const file = join(dir, `edited-${Math.random().toString(36).slice(2)}.xml`);
  await writeFile(file, writeXml(cib));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-what-if-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('simulate what-if edits', () => {
  it('node down: same plan as crm_simulate --node-down', async () => {
    const ours = await crmSimulate(['-x', await edited((cib) => nodeDown(cib, 'n1'))]);
    expect(ours).toBe(await crmSimulate(['-x', fixture, '--node-down', 'n1']));
    expect(ours).toMatch(/Start\s+d1\s+\(\s*n2 \)/);
  });

  it('failed monitor: same plan as crm_simulate --op-inject, fail count included', async () => {
    const file = await edited((cib) => failResource(cib, 'd1', 'n1'));
    expect(await readFile(file, 'utf8')).toContain('name="fail-count-d1#monitor_10000" value="1"');
    const ours = await crmSimulate(['-x', file]);
    expect(ours).toBe(await crmSimulate(['-x', fixture, '-i', 'd1_monitor_10000@n1=1']));
    expect(ours).toMatch(/Recover\s+d1/);
  });

  it('vigil simulate applies the what-if and asks the scheduler', async () => {
    const { stdout } = await run('node', [join(root, 'bin/vigil.mjs'), 'simulate', '-x', fixture, '--node-down', 'n1']);
    expect(summary(stdout)).toMatch(/Start\s+d1\s+\(\s*n2 \)/);
    const failed = await run('node', [join(root, 'bin/vigil.mjs'), 'simulate', '-x', fixture, '--fail', 'd1@n1']);
    expect(summary(failed.stdout)).toMatch(/Recover\s+d1\s+\(\s*n1 \)/);
    await expect(run('node', [join(root, 'bin/vigil.mjs'), 'simulate', '-x', fixture, '--fail', 'ghost@n1'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--fail: no primitive 'ghost' in the CIB"),
    });
  });

  it('vigil simulate -x reads the file (while its modules load) as it reads the same CIB from stdin', async () => {
    const vigil = join(root, 'bin/vigil.mjs');
    const fromFile = await run('node', [vigil, 'simulate', '-x', fixture]);
    const fromStdin = await run('sh', ['-c', `node "${vigil}" simulate -x - < "${fixture}"`]);
    expect(fromFile.stdout).toContain('Current cluster status:');
    expect(fromFile.stdout).toBe(fromStdin.stdout);
  });

  it.each([
    ['a missing file', () => join(dir, 'missing.xml'), /cannot read .*missing\.xml: ENOENT/],
    ['a directory', () => dir, /cannot read .*: EISDIR/],
  ])('vigil simulate -x names %s in one line and exits 1', async (_what, path, message) => {
    const failed = run('node', [join(root, 'bin/vigil.mjs'), 'simulate', '-x', path()]);
    await expect(failed).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(message) });
    await expect(failed).rejects.toMatchObject({ stderr: expect.not.stringContaining('    at ') });
  });
});
