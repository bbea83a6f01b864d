import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../daemon/api/client.js';
import { runCommandRaw } from '../../resource-agents/lib/run-command.js';
import { VigildProcess } from '../shell/vigild-process.js';
import { transientAttribute, waitForAttribute } from '../vm/support/node-attributes.js';
import { COMPAT_DIR, runAgent } from '../vm/support/run-agent.js';

// The compat commands against a real vigild, and Debian's standard agents that call them, unchanged.
const daemon = new VigildProcess('n1');
let api: ApiClient;
let rscTmp: string;

const compat = (cmd: string, args: string[], socket = daemon.socket) =>
  runCommandRaw(join(COMPAT_DIR, cmd), args, 20_000, { env: { PATH: process.env.PATH, VIGIL_API_SOCKET: socket } });

beforeAll(async () => {
  await daemon.start();
  api = new ApiClient(daemon.socket);
  rscTmp = mkdtempSync(join(tmpdir(), 'vigil-compat-rsc-'));
});

afterAll(async () => {
  await daemon.stop();
  rmSync(rscTmp, { recursive: true, force: true });
});

describe('crm_node', () => {
  it('-n prints the node name, -l/-p the members, -q quorum', async () => {
    expect((await compat('crm_node', ['-n'])).stdout).toBe('n1\n');
    expect((await compat('crm_node', ['-l'])).stdout).toBe('1 n1 member\n');
    expect((await compat('crm_node', ['-p'])).stdout).toBe('n1\n');
    const q = await compat('crm_node', ['-q']);
    expect([q.code, q.stdout]).toEqual([0, '1\n']);
  });

  it('exits 102 when vigild is unreachable and 64 on bad usage', async () => {
    const down = await compat('crm_node', ['-n'], join(rscTmp, 'none.sock'));
    expect(down.code).toBe(102);
    expect(down.stderr).toContain('cannot reach vigild');
    const bad = await compat('crm_node', ['-x']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain("unknown option '-x'");
  });
});

describe('attrd_updater', () => {
  it('-U writes at once, -Q reads back in attrd_updater format, -D deletes', async () => {
    expect((await compat('attrd_updater', ['-n', 'color', '-U', 'blue'])).code).toBe(0);
    expect(await transientAttribute(api, 'n1', 'color')).toBe('blue');
    const q = await compat('attrd_updater', ['-n', 'color', '-Q']);
    expect(q.stdout).toBe('name="color" host="n1" value="blue"\n');
    expect((await compat('attrd_updater', ['--name=color', '--delete'])).code).toBe(0);
    expect(await transientAttribute(api, 'n1', 'color')).toBeUndefined();
    expect((await compat('attrd_updater', ['-n', 'color', '-Q'])).code).toBe(105);
  });

  it('-B with -d dampens: the value lands after the delay', async () => {
    const t0 = Date.now();
    expect((await compat('attrd_updater', ['-n', 'slow', '-B', '7', '-d', '1500ms'])).code).toBe(0);
    expect(await transientAttribute(api, 'n1', 'slow')).toBeUndefined();
    await waitForAttribute(api, 'n1', 'slow', '7');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
  });

  it('-l forever writes a permanent node attribute; -N targets another node', async () => {
    expect((await compat('attrd_updater', ['-n', 'rack', '-U', 'r1', '-l', 'forever'])).code).toBe(0);
    expect(await api.getCib()).toMatch(/<node id="n1" uname="n1">[\s\S]*name="rack" value="r1"/);
    expect((await compat('attrd_updater', ['-n', 'rack', '-Q', '-l', 'forever'])).stdout).toContain('value="r1"');
    expect((await compat('attrd_updater', ['-N', 'n1', '-n', 'x', '-U', '1'])).code).toBe(0);
    expect(await transientAttribute(api, 'n1', 'x')).toBe('1');
  });

  it('rejects bad usage with exit 64 and a message naming the problem', async () => {
    for (const [args, message] of [
      [['-U', '1'], '-n NAME is required'],
      [['-n', 'a', '-U', '1', '-d', 'soon'], "invalid delay 'soon'"],
      [['-n', 'a', '-U', '1', '-l', 'always'], "invalid lifetime 'always'"],
      [['-n', 'a'], 'one of -U/-v, -B, -Y, -D, -Q is required'],
    ] as const) {
      const r = await compat('attrd_updater', [...args]);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stderr).toContain(message);
    }
  });
});

describe("Debian's ocf:pacemaker:ping, unchanged", () => {
  it('start/monitor/stop publish and remove pingd through attrd_updater', async () => {
    const agent = '/usr/lib/ocf/resource.d/pacemaker/ping';
    const opts = { ocfRoot: '/usr/lib/ocf', instance: 'debping', params: { host_list: '127.0.0.1 127.0.0.7', multiplier: '1000', dampen: '1s' }, env: { VIGIL_API_SOCKET: daemon.socket, HA_RSCTMP: rscTmp } };
    const start = await runAgent(agent, 'start', opts);
    expect(start.rc, start.stderr).toBe(0);
    await waitForAttribute(api, 'n1', 'pingd', '2000');
    expect((await runAgent(agent, 'monitor', { ...opts, meta: { interval: '10000' } })).rc).toBe(0);
    expect((await runAgent(agent, 'stop', opts)).rc).toBe(0);
    await waitForAttribute(api, 'n1', 'pingd', undefined);
    expect((await runAgent(agent, 'monitor', opts)).rc).toBe(7);
  });

  it("ocf-shellfuncs' ocf_local_nodename gets the name from crm_node", async () => {
    const r = await runCommandRaw('sh', ['-c', '. /usr/lib/ocf/lib/heartbeat/ocf-shellfuncs; ocf_local_nodename'], 10_000, {
      env: { PATH: `${COMPAT_DIR}:/usr/bin:/bin`, OCF_ROOT: '/usr/lib/ocf', VIGIL_API_SOCKET: daemon.socket },
    });
    expect(r.stdout.trim()).toBe('n1');
  });
});
