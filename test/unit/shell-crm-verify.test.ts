import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenize } from '../../crm-shell/configure/lexer.js';

// Cross-check with Pacemaker itself: what `vigil configure verify --xml` prints must pass crm_verify.
const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const vigil = (args: string[]) =>
  run('node', [join(root, 'bin/vigil.mjs'), ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const FILES = ['config/vm-cluster.crm', 'config/dummy.crm', 'test/shell/fixtures/web-stack.crm', 'test/shell/fixtures/fencing-templates.crm', 'test/shell/fixtures/nfs-drbd.crm'];

/** The id each statement of a crm file defines (second word, or the set for property-like lines). */
async function definedIds(file: string): Promise<string[]> {
  const statements = tokenize(await readFile(join(root, file), 'utf8'), file);
  return statements
    .filter((s) => !['property', 'rsc_defaults', 'op_defaults', 'fencing_topology'].includes(s.tokens[0].text))
    .map((s) => {
      const second = s.tokens[1].text;
      if (s.tokens[0].text === 'node') return second.endsWith(':') ? second.slice(0, -1) : second.split(':')[0];
      return second.replace(/:$/, '');
    });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-shell-verify-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vigil configure verify --xml against crm_verify', () => {
  it.each(FILES)('%s converts to a CIB that crm_verify accepts, with every object', async (file) => {
    const out = await vigil(['configure', 'verify', '--xml', file]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const xmlFile = join(dir, `${file.replace(/\W/g, '_')}.xml`);
    await writeFile(xmlFile, out.stdout);
    const verified = await run('crm_verify', ['-V', '-x', xmlFile]).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
    );
    expect(verified.output).toBe('');
    expect(verified.code).toBe(0);
    const ids = await definedIds(file);
    expect(ids.length).toBeGreaterThan(3);
    for (const id of ids) expect(out.stdout).toContain(`id="${id}"`);
    expect(out.stdout).toContain('id="cib-bootstrap-options-stonith-enabled"');
    // And back: crm syntax written from that XML reads to the same XML.
    const xmlIn = join(dir, `${file.replace(/\W/g, '_')}.roundtrip.xml`);
    await writeFile(xmlIn, out.stdout);
    const crm = await vigil(['configure', 'verify', '--crm', xmlIn]);
    expect(crm.code).toBe(0);
    const crmFile = join(dir, `${file.replace(/\W/g, '_')}.roundtrip.crm`);
    await writeFile(crmFile, crm.stdout);
    expect((await vigil(['configure', 'verify', '--xml', crmFile])).stdout).toBe(out.stdout);
  });

  it('rejects a syntax error with file, line and column, exit 1, nothing on stdout', async () => {
    const file = join(dir, 'syntax.crm');
    await writeFile(file, 'primitive a Dummy\n\nprimitive b ocf:heartbeat:Dummy \\\n    op monitor interval=10s timeout=20s \\\n    mta x=y\n');
    const out = await vigil(['configure', 'verify', '--xml', file]);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(`vigil: ${file}:5:5: expected 'params', 'meta', 'utilization' or 'op', found 'mta'\n`);
  });

  it('rejects a reference to a missing resource, naming the id and line', async () => {
    const file = join(dir, 'missing.crm');
    await writeFile(file, 'primitive a Dummy\nprimitive b Dummy\norder o Mandatory: a c\n');
    const out = await vigil(['configure', 'verify', file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`${file}:3:22: rsc_order 'o' refers to missing resource 'c'`);
  });

  it('warns (exit 0) about a location naming an undefined node', async () => {
    const file = join(dir, 'typo.crm');
    await writeFile(file, 'node n1\nnode n2\nprimitive a Dummy\nlocation l a 100: n3\n');
    const out = await vigil(['configure', 'verify', file]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(`warning: ${file}: location 'l' names node 'n3', which is not defined (nodes: n1, n2)\n`);
  });

  it('warns (exit 0) that an anonymous clone ignores clone-node-max, and not for a globally-unique one', async () => {
    const file = join(dir, 'node-max.crm');
    await writeFile(file, 'primitive a Dummy\nclone ca a meta clone-node-max=2\nprimitive b Dummy\nclone cb b meta clone-node-max=2 globally-unique=true\n');
    const out = await vigil(['configure', 'verify', file]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(`warning: ${file}: clone 'ca' has clone-node-max=2 but is anonymous (globally-unique=false): it runs at most one instance per node\n`);
  });

  it('checks CIB XML input too: a dangling reference in XML fails with the id', async () => {
    const file = join(dir, 'bad.xml');
    await writeFile(file, '<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0"><configuration><crm_config/><nodes/><resources/><constraints><rsc_location id="l" rsc="ghost" node="n1" score="10"/></constraints></configuration><status/></cib>');
    const out = await vigil(['configure', 'verify', file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("rsc_location 'l' refers to missing resource 'ghost'");
  });
});
