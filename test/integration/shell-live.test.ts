import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../daemon/api/client.js';
import { firstChild, parseXml, writeXml } from '../../daemon/cib/xml.js';
import { configurationFromCrm } from '../../crm-shell/configuration-file.js';
import { ShellSession } from '../../crm-shell/session.js';
import { TmuxTerminal } from '../shell/tmux-terminal.js';
import { VigildProcess } from '../shell/vigild-process.js';

// The shell against a real vigild (embedded etcd): apply, commit, resource and node commands.
const root = new URL('../../', import.meta.url).pathname;
const daemon = new VigildProcess('n1');
let api: ApiClient;
let dir: string;

function vigil(args: string[], stdin?: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('node', [join(root, 'bin/vigil.mjs'), ...args], { cwd: root, env: { ...process.env, VIGIL_SOCKET: daemon.socket, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

/** Epoch and configuration exactly as stored. */
async function snapshot(): Promise<{ epoch: string; configuration: string }> {
  const cib = parseXml(await api.getCib());
  return { epoch: cib.attrs.epoch, configuration: writeXml(firstChild(cib, 'configuration')!) };
}

const BASE = [
  'primitive d1 ocf:heartbeat:Dummy meta target-role=Stopped op monitor interval=10s timeout=20s',
  'primitive d2 ocf:heartbeat:Dummy meta target-role=Stopped',
  'location d1-prefers-n1 d1 100: n1',
  'property stonith-enabled=false',
  'rsc_defaults resource-stickiness=10',
].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-shell-live-'));
  await daemon.start();
  api = new ApiClient(daemon.socket);
  await writeFile(join(dir, 'base.crm'), `${BASE}\n`);
});

afterAll(async () => {
  await daemon.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('vigil apply', () => {
  it('shows the diff, applies atomically, and applying again changes nothing', async () => {
    const first = await vigil(['--yes', 'apply', join(dir, 'base.crm')]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('+ primitive d1 ocf:heartbeat:Dummy');
    expect(first.stdout).toMatch(/apply: done \(epoch \d+ -> \d+\)/);
    const after = await snapshot();
    expect(after.configuration).toContain('<rsc_location id="d1-prefers-n1" rsc="d1" score="100" node="n1"/>');

    const again = await vigil(['--yes', 'apply', join(dir, 'base.crm')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`no changes (epoch ${after.epoch})\n`);
    expect(await snapshot()).toEqual(after);
  });

  it('never prompts without a terminal: refuses with exit 3 unless --yes, and changes nothing', async () => {
    const before = await snapshot();
    await writeFile(join(dir, 'more.crm'), `${BASE}\nprimitive d3 ocf:heartbeat:Dummy meta target-role=Stopped\n`);
    const out = await vigil(['apply', join(dir, 'more.crm')]);
    expect(out.code).toBe(3);
    expect(out.stderr).toContain('pass --yes');
    expect(await snapshot()).toEqual(before);
  });
});

describe('bad input never changes the CIB', () => {
  it.each([
    ['apply with a syntax error', 'syntax.crm', `${BASE}\nprimitive d3 ocf:heartbeat:Dummy \\\n    op monitor interval=ten\n`, /syntax\.crm:7:16: invalid interval 'ten'/],
    ['apply with a missing reference', 'ref.crm', `${BASE}\ncolocation c inf: d1 ghost\n`, /ref\.crm:6:22: rsc_colocation 'c' refers to missing resource 'ghost'/],
    ['apply of malformed XML', 'bad.xml', '<cib><configuration><resources></configuration></cib>', /bad\.xml:1:\d+: malformed XML/],
  ])('%s', async (_what, name, content, message) => {
    const before = await snapshot();
    await writeFile(join(dir, name), content);
    const out = await vigil(['--yes', 'apply', join(dir, name)]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe('');
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    [['configure', 'primitive', 'x', 'ocf:heartbeat'], /expected ocf:<provider>:<type>/],
    [['configure', 'colocation', 'c', 'inf:', 'd1', 'ghost'], /refers to missing resource 'ghost'/],
    [['configure', 'primitive', 'd1', 'ocf:heartbeat:Dummy'], /'d1': id already exists/],
    [['configure', 'delete', 'ghost'], /no object with id 'ghost'/],
    [['resource', 'move', 'ghost', 'n1'], /no resource 'ghost'/],
    [['resource', 'move', 'd1', 'n1', '--lifetime', 'soon'], /--lifetime: invalid duration 'soon'/],
  ])('vigil %j fails and leaves the CIB alone', async (args, message) => {
    const before = await snapshot();
    const out = await vigil(['--yes', ...args]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it('configure property no-quorum-policy=ignore|freeze is stored but warns that it cannot be honoured', async () => {
    for (const policy of ['ignore', 'freeze']) {
      const out = await vigil(['--yes', 'configure', 'property', `no-quorum-policy=${policy}`]);
      expect(out.code).toBe(0);
      expect(out.stderr).toContain(`warning: no-quorum-policy=${policy} is not honoured: a node cut off from etcd's majority loses its lease and stops all its resources`);
      expect((await snapshot()).configuration).toContain(`name="no-quorum-policy" value="${policy}"`);
    }
    const stop = await vigil(['--yes', 'configure', 'property', 'no-quorum-policy=stop']);
    expect(stop.code).toBe(0);
    expect(stop.stderr).not.toContain('warning');
  });

  it('configure edit re-validates what the editor saved before anything is written', async () => {
    const edit = (script: string) => vigil(['--yes', 'configure', 'edit'], undefined, { EDITOR: script, VISUAL: script });
    const before = await snapshot();
    const broken = await edit("sed -i 's/d1-prefers-n1 d1 100/d1-prefers-n1 ghost 100/'");
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/edited configuration:\d+:\d+: rsc_location 'd1-prefers-n1' refers to missing resource 'ghost'/);
    expect(await snapshot()).toEqual(before);
    const failed = await edit('false');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("editor 'false' exited with status 1; nothing changed");
    expect(await snapshot()).toEqual(before);

    const changed = await edit("sed -i 's/d1-prefers-n1 d1 100:/d1-prefers-n1 d1 150:/'");
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('- location d1-prefers-n1 d1 100: n1\n+ location d1-prefers-n1 d1 150: n1');
    expect((await snapshot()).configuration).toContain('score="150"');
    expect((await edit("sed -i 's/d1 150:/d1 100:/'")).code).toBe(0);
  });

  it('a commit based on a stale epoch is rejected whole (compare-and-swap)', async () => {
    const session = new ShellSession({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }, { output: 'json', yes: true }, api);
    const stale = await session.liveCib();
    const ok = await vigil(['--yes', 'configure', 'primitive', 'race-winner', 'ocf:heartbeat:Dummy', 'params', 'fake=two words', 'meta', 'target-role=Stopped']);
    expect(ok.code).toBe(0);
    const winner = await snapshot();
    expect(winner.configuration).toContain('name="fake" value="two words"');
    const loser = configurationFromCrm('primitive race-loser ocf:heartbeat:Dummy', 'test', structuredClone(stale.configuration));
    await expect(session.commit(loser, stale)).rejects.toMatchObject({ code: 'CIB_EPOCH_CONFLICT' });
    expect(await snapshot()).toEqual(winner);
    expect((await vigil(['--yes', 'configure', 'delete', 'race-winner'])).code).toBe(0);
  });
});

describe('resource and node commands', () => {
  it('move/ban write crmsh-named constraints (with an expiring rule for --lifetime) and clear removes them', async () => {
    expect((await vigil(['resource', 'move', 'd1', 'n1', '--lifetime', '1h'])).code).toBe(0);
    expect((await vigil(['resource', 'ban', 'd2', 'n1'])).code).toBe(0);
    let shown = (await vigil(['configure', 'show'])).stdout;
    expect(shown).toMatch(/location cli-prefer-d1 d1 role=Started \\\n {4}rule inf: #uname string:eq n1 and date lt \d{4}-\d\d-\d\dT/);
    expect(shown).toContain('location cli-ban-d2-on-n1 d2 role=Started -inf: n1');
    const end = /date lt (\S+)/.exec(shown)![1];
    const minutes = (Date.parse(end) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(55);
    expect(minutes).toBeLessThan(61);
    expect((await vigil(['resource', 'clear', 'd1'])).code).toBe(0);
    expect((await vigil(['resource', 'clear', 'd2'])).code).toBe(0);
    shown = (await vigil(['configure', 'show'])).stdout;
    expect(shown).not.toContain('cli-');
  });

  it('stop/start set target-role; why explains scores and the deciding constraints', async () => {
    expect((await vigil(['resource', 'ban', 'd1', 'n1'])).code).toBe(0);
    const why = await vigil(['resource', 'why', 'd1']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('n1: -INFINITY (cannot run here)');
    expect(why.stdout).toMatch(/ {7}100 {2}location d1-prefers-n1/);
    expect(why.stdout).toMatch(/-INFINITY {2}location cli-ban-d1-on-n1/);
    expect(why.stdout).toContain('no node may run it');
    expect(why.stdout).toContain('scheduler: leaves it stopped (allowed-node scores: n1=-INFINITY)');
    expect((await vigil(['resource', 'clear', 'd1'])).code).toBe(0);
    const json = JSON.parse((await vigil(['--output', 'json', 'resource', 'why', 'd1'])).stdout);
    expect(json.nodes).toEqual([{ node: 'n1', score: '100', contributions: [{ source: 'location d1-prefers-n1', score: 100 }] }]);
    expect(json.scheduler).toEqual([{ id: 'd1', scores: { n1: '100' } }]);
  });

  it('node standby/online are visible in node list and status', async () => {
    expect((await vigil(['node', 'standby', 'n1'])).code).toBe(0);
    expect(JSON.parse((await vigil(['-o', 'json', 'node', 'list'])).stdout)).toEqual([{ name: 'n1', state: 'standby' }]);
    expect((await vigil(['status'])).stdout).toContain('* Node n1: standby');
    expect((await vigil(['node', 'online', 'n1'])).code).toBe(0);
    const status = await vigil(['status']);
    expect(status.stdout).toContain('* Online: [ n1 ]');
    expect(status.stdout).toMatch(/\* d1\t\(ocf:heartbeat:Dummy\):\t Stopped \(disabled\)/);
    expect(status.stdout).not.toContain('\x1b[');
  });

  it('simulate answers what-if questions on the live CIB without changing it', async () => {
    const before = await snapshot();
    const down = await vigil(['simulate', '--node-down', 'n1']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('Transition Summary:');
    expect(down.stdout).toMatch(/OFFLINE: \[ n1 \]/);
    const failed = await vigil(['simulate', '--fail', 'd1@n1']);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toContain("d1_monitor_10000 on n1 'error' (1)");
    expect(await snapshot()).toEqual(before);
  });

  it('runs a script of commands from stdin and stops at the first error', async () => {
    const before = await snapshot();
    const out = await vigil(['--yes'], 'configure show d1\nconfigure delete ghost\nconfigure delete d2\n');
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('primitive d1 ocf:heartbeat:Dummy');
    expect(out.stderr).toContain("no object with id 'ghost'");
    expect(await snapshot()).toEqual(before);
  });
});

describe('whole-configuration commands', () => {
  it('load update adds and replaces objects, rename follows references, delete drops dependent constraints', async () => {
    await writeFile(join(dir, 'update.crm'), 'primitive d3 ocf:heartbeat:Dummy meta target-role=Stopped\nlocation d1-prefers-n1 d1 300: n1\ncolocation d3-with-d2 inf: d3 d2\n');
    const updated = await vigil(['--yes', 'configure', 'load', 'update', join(dir, 'update.crm')]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('- location d1-prefers-n1 d1 100: n1\n');
    expect(updated.stdout).toContain('+ location d1-prefers-n1 d1 300: n1\n');
    expect(updated.stdout).toContain('+ primitive d3 ocf:heartbeat:Dummy \\\n+     meta target-role=Stopped\n');
    let shown = (await vigil(['configure', 'show'])).stdout;
    expect(shown).toContain('primitive d2 ocf:heartbeat:Dummy');
    expect(shown).toContain('colocation d3-with-d2 inf: d3 d2');

    expect((await vigil(['--yes', 'configure', 'rename', 'd2', 'd2b'])).code).toBe(0);
    shown = (await vigil(['configure', 'show'])).stdout;
    expect(shown).toContain('colocation d3-with-d2 inf: d3 d2b');
    expect(shown).not.toMatch(/primitive d2 /);

    expect((await vigil(['--yes', 'configure', 'delete', 'd3'])).code).toBe(0);
    shown = (await vigil(['configure', 'show'])).stdout;
    expect(shown).not.toContain('d3');

    const replaced = await vigil(['--yes', 'configure', 'load', 'replace', join(dir, 'base.crm')]);
    expect(replaced.code).toBe(0);
    expect((await vigil(['--yes', 'apply', join(dir, 'base.crm')])).stdout).toMatch(/^no changes/);
  });

  it('cib export gives a CIB Pacemaker reads; cib import replaces the configuration atomically', async () => {
    const file = join(dir, 'export.xml');
    expect((await vigil(['cib', 'export', file])).code).toBe(0);
    const verified = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile('crm_verify', ['-x', file], (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, out: stdout + stderr })),
    );
    expect(verified).toEqual({ code: 0, out: '' });
    const xml = (await readFile(file, 'utf8')).replace('score="100" node="n1"', 'score="42" node="n1"');
    await writeFile(file, xml);
    const imported = await vigil(['--yes', '--output', 'json', 'cib', 'import', file]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ changed: true, diff: '- location d1-prefers-n1 d1 100: n1\n+ location d1-prefers-n1 d1 42: n1\n' });
    expect((await snapshot()).configuration).toContain('score="42"');
    expect((await vigil(['--yes', 'apply', join(dir, 'base.crm')])).code).toBe(0);
  });
});

describe('resource lifecycle with a running agent', () => {
  it('restart stops and starts a running Dummy; cleanup is accepted', async () => {
    await writeFile(join(dir, 'running.crm'), `${BASE}\nprimitive r1 ocf:heartbeat:Dummy op monitor interval=5s\n`);
    expect((await vigil(['--yes', 'apply', join(dir, 'running.crm')])).code).toBe(0);
    const started = async () => JSON.stringify(JSON.parse((await vigil(['-o', 'json', 'status'])).stdout).cluster.resources.find((r: { id: string }) => r.id === 'r1'));
    const deadline = Date.now() + 20_000;
    while (!(await started()).includes('"role":"Started"')) {
      if (Date.now() > deadline) throw new Error(`r1 never started: ${await started()}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const why = await vigil(['resource', 'why', 'r1']);
    expect(why.stdout).toContain('r1: running on n1');
    expect(why.stdout).toContain('scheduler: assigns it to n1');
    const restart = await vigil(['resource', 'restart', 'r1']);
    expect(restart.code).toBe(0);
    expect(restart.stdout).toContain('resource stop: done');
    expect(restart.stdout).toContain('resource start: done');
    expect((await vigil(['configure', 'show', 'r1'])).stdout).toBe('primitive r1 ocf:heartbeat:Dummy \\\n    op monitor interval=5s\n');
    const cleanup = await vigil(['resource', 'cleanup', 'r1']);
    expect(cleanup).toMatchObject({ code: 0, stdout: 'cleaned up r1\n' });
    expect((await vigil(['--yes', 'apply', join(dir, 'base.crm')])).code).toBe(0);
  });
});

describe('interactive shell against the daemon', () => {
  it('status is coloured on a terminal and --watch refreshes until Ctrl-C', async () => {
    const term = new TmuxTerminal();
    try {
      await term.start('node bin/vigil.mjs status --watch --interval 1', { VIGIL_SOCKET: daemon.socket }, root);
      await term.waitFor(/refreshing every 1s; Ctrl-C to stop/);
      const first = (await term.screen()).match(/Last updated: (\S+)/)![1];
      await term.waitFor((s) => /Last updated: (\S+)/.exec(s)![1] !== first, 5000);
      expect(await term.screen(true)).toMatch(/\x1b\[32m {4}\* Online: \[ n1 \]/);
      await term.type('', 'C-c');
      await term.waitFor(/\[exited 0\]/);
    } finally {
      await term.stop();
    }
  });

  it('completes live resource ids, shows the diff at commit, and only writes after yes', async () => {
    const term = new TmuxTerminal();
    try {
      await term.start('node bin/vigil.mjs', { VIGIL_SOCKET: daemon.socket, VIGIL_HISTORY: join(dir, 'history'), NO_COLOR: '1' }, root);
      await term.waitFor((s) => s.split('\n').pop() === 'vigil#');
      await term.type('resource why d', 'Tab');
      // The completer asks the daemon; let the first Tab finish before the second lists the choices.
      await new Promise((r) => setTimeout(r, 700));
      await term.type('', 'Tab');
      await term.waitFor(/d1\s+d2/);
      await term.type('', 'C-u');
      await term.type('configure', 'Enter');
      await term.waitFor((s) => s.split('\n').pop() === 'vigil(configure)#');
      await term.type('primitive d9 ocf:heartbeat:Dummy meta target-role=Stopped', 'Enter');
      const before = await snapshot();
      expect(before.configuration).not.toContain('d9');
      await term.type('commit', 'Enter');
      await term.waitFor(/commit these changes\? \[y\/N\]\s*$/);
      expect(await term.screen()).toContain('+ primitive d9 ocf:heartbeat:Dummy');
      await term.type('n', 'Enter');
      await term.waitFor(/commit: cancelled, nothing changed/);
      expect(await snapshot()).toEqual(before);
      await term.type('commit', 'Enter');
      await term.waitFor(/commit these changes\? \[y\/N\]\s*$/);
      await term.type('y', 'Enter');
      await term.waitFor(/commit: done \(epoch \d+ -> \d+\)/);
      expect((await snapshot()).configuration).toContain('<primitive id="d9"');
    } finally {
      await term.stop();
    }
  });
});
