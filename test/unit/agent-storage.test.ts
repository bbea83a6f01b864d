import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../daemon/cib/xml.js';
import { runCommandRaw } from '../../resource-agents/lib/run-command.js';
import { runAgent, vigilAgent } from '../vm/support/run-agent.js';

// ocf:vigil:storage bind-mounting a shared image directory, inside a private mount namespace
// (held open by a sleeping process) so no mount leaks into the test machine.
const AGENT = vigilAgent('storage');
let dir: string;
let holder: ChildProcess;
let wrap: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
  mkdirSync(join(dir, 'shared'));
  writeFileSync(join(dir, 'shared', 'vm1.img'), 'image');
  holder = spawn('unshare', ['-m', '--propagation', 'private', 'sleep', '3600'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 200));
  wrap = ['nsenter', '-t', String(holder.pid), '-m'];
});

afterAll(async () => {
  holder.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const opts = (extra: Record<string, string> = {}) => ({ wrap, params: { source: join(dir, 'shared'), directory: join(dir, 'images'), ...extra }, meta: { on_node: 'n1' } });
const inNs = (cmd: string) => runCommandRaw('nsenter', ['-t', String(holder.pid), '-m', 'sh', '-c', cmd], 10_000);

describe('ocf:vigil:storage', () => {
  it('meta-data is well-formed; unknown action 3; bad parameters 6', async () => {
    const md = await runAgent(AGENT, 'meta-data');
    expect(parseXml(md.stdout).attrs.name).toBe('storage');
    expect((await runAgent(AGENT, 'explode', opts())).rc).toBe(3);
    const rel = await runAgent(AGENT, 'validate-all', opts({ directory: 'images' }));
    expect(rel.rc).toBe(6);
    expect(rel.stderr).toContain("'directory'='images'");
    expect((await runAgent(AGENT, 'validate-all', opts())).rc).toBe(0);
  });

  it('monitor before start returns 7; start mounts, is idempotent, and the images are there', async () => {
    expect((await runAgent(AGENT, 'monitor', opts())).rc).toBe(7);
    const start = await runAgent(AGENT, 'start', opts());
    expect(start.rc, start.stderr).toBe(0);
    expect((await inNs(`cat ${join(dir, 'images', 'vm1.img')}`)).stdout).toBe('image');
    expect((await runAgent(AGENT, 'start', opts())).rc).toBe(0);
    expect((await inNs(`grep -c ' ${join(dir, 'images')} ' /proc/self/mountinfo`)).stdout.trim()).toBe('1');
    expect((await runAgent(AGENT, 'monitor', opts())).rc).toBe(0);
    // The mount lives only in that namespace: the host does not see it.
    expect((await runCommandRaw('sh', ['-c', `grep -c ' ${join(dir, 'images')} ' /proc/self/mountinfo`], 5000)).stdout.trim()).toBe('0');
  });

  it('monitor fails when the store turns read-only', async () => {
    expect((await inNs(`mount -o remount,bind,ro ${join(dir, 'images')}`)).code).toBe(0);
    const r = await runAgent(AGENT, 'monitor', opts());
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain('is mounted but not usable');
    expect((await runAgent(AGENT, 'monitor', opts({ check_write: 'false' }))).rc).toBe(0);
  });

  it('stop unmounts and is idempotent', async () => {
    expect((await runAgent(AGENT, 'stop', opts())).rc).toBe(0);
    expect((await inNs(`grep -c ' ${join(dir, 'images')} ' /proc/self/mountinfo`)).stdout.trim()).toBe('0');
    expect((await runAgent(AGENT, 'stop', opts())).rc).toBe(0);
    expect((await runAgent(AGENT, 'monitor', opts())).rc).toBe(7);
  });

  it('a source that cannot be mounted fails start with mount\'s reason', async () => {
    const r = await runAgent(AGENT, 'start', opts({ source: join(dir, 'missing') }));
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain(`mounting ${join(dir, 'missing')}`);
  });
});
