import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../daemon/api/client.js';
import { parseXml } from '../../daemon/cib/xml.js';
import { VigildProcess } from '../shell/vigild-process.js';
import { transientAttribute, waitForAttribute } from '../vm/support/node-attributes.js';
import { runAgent, vigilAgent } from '../vm/support/run-agent.js';

// ocf:vigil:ping against a real vigild: the attribute lands in the CIB status section.
const AGENT = vigilAgent('ping');
const daemon = new VigildProcess('n1');
const NETNS = `vigil-ping-${process.pid}`;
let api: ApiClient;
let rscTmp: string;

beforeAll(async () => {
  await daemon.start();
  api = new ApiClient(daemon.socket);
  rscTmp = mkdtempSync(join(tmpdir(), 'vigil-ping-rsc-'));
  // A namespace whose loopback is down: from inside it no 127.x address answers (a node that lost its network).
  execFileSync('ip', ['netns', 'add', NETNS]);
});

afterAll(async () => {
  execFileSync('ip', ['netns', 'delete', NETNS]);
  await daemon.stop();
  rmSync(rscTmp, { recursive: true, force: true });
});

const env = () => ({ VIGIL_API_SOCKET: daemon.socket, HA_RSCTMP: rscTmp });
const opts = (params: Record<string, string>, meta: Record<string, string> = {}) => ({ params: { host_list: '127.0.0.1 127.0.0.5', multiplier: '100', timeout: '1', attempts: '1', ...params }, meta: { on_node: 'n1', ...meta }, env: env() });

describe('ocf:vigil:ping', () => {
  it('meta-data is well-formed and declares host_list required', async () => {
    const r = await runAgent(AGENT, 'meta-data');
    expect(r.rc).toBe(0);
    const root = parseXml(r.stdout);
    const hostList = root.children.find((c) => c.name === 'parameters')!.children.find((p) => p.attrs.name === 'host_list');
    expect(hostList?.attrs.required).toBe('1');
  });

  it('monitor before start returns 7; unknown action 3; bad parameters 6', async () => {
    expect((await runAgent(AGENT, 'monitor', opts({}))).rc).toBe(7);
    expect((await runAgent(AGENT, 'reload-all', opts({}))).rc).toBe(3);
    const noHosts = await runAgent(AGENT, 'validate-all', { params: { multiplier: '10' } });
    expect(noHosts.rc, noHosts.stderr).toBe(6);
    expect(noHosts.stderr).toContain("'host_list'");
    const badDampen = await runAgent(AGENT, 'validate-all', opts({ dampen: 'soon' }));
    expect(badDampen.rc, badDampen.stderr).toBe(6);
    expect(badDampen.stderr).toContain("'dampen'='soon'");
  });

  it('start publishes multiplier x reachable hosts at once; start and stop are idempotent', async () => {
    expect((await runAgent(AGENT, 'start', opts({}))).rc).toBe(0);
    expect(await transientAttribute(api, 'n1', 'pingd')).toBe('200');
    expect((await runAgent(AGENT, 'start', opts({}))).rc).toBe(0);
    expect((await runAgent(AGENT, 'monitor', opts({}))).rc).toBe(0);
    expect((await runAgent(AGENT, 'stop', opts({}))).rc).toBe(0);
    expect(await transientAttribute(api, 'n1', 'pingd')).toBeUndefined();
    expect((await runAgent(AGENT, 'stop', opts({}))).rc).toBe(0);
    expect((await runAgent(AGENT, 'monitor', opts({}))).rc).toBe(7);
  });

  it('a node that loses its network drops to 0 after the dampening delay, not before', async () => {
    expect((await runAgent(AGENT, 'start', opts({ dampen: '2s' }))).rc).toBe(0);
    expect(await transientAttribute(api, 'n1', 'pingd')).toBe('200');
    const r = await runAgent(AGENT, 'monitor', { ...opts({ dampen: '2s' }, { interval: '10000' }), wrap: ['ip', 'netns', 'exec', NETNS] });
    expect(r.rc, r.stderr).toBe(0);
    expect(await transientAttribute(api, 'n1', 'pingd')).toBe('200'); // dampened: not yet
    const waited = await waitForAttribute(api, 'n1', 'pingd', '0');
    expect(waited).toBeGreaterThan(1000);
    expect((await runAgent(AGENT, 'stop', opts({}))).rc).toBe(0);
  });

  it('method=tcp counts hosts whose port accepts a connection', async () => {
    const server = createServer((c) => c.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    try {
      // Only 127.0.0.1 listens on that port: 127.0.0.6 refuses the connection.
      expect((await runAgent(AGENT, 'start', opts({ method: 'tcp', port, host_list: '127.0.0.1 127.0.0.6' }))).rc).toBe(0);
      expect(await transientAttribute(api, 'n1', 'pingd')).toBe('100');
      expect((await runAgent(AGENT, 'stop', opts({}))).rc).toBe(0);
    } finally {
      server.close();
    }
  });

  it('fails with a clear message when vigild cannot be reached', async () => {
    const r = await runAgent(AGENT, 'start', { ...opts({}), env: { ...env(), VIGIL_API_SOCKET: join(rscTmp, 'nothing.sock') } });
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain('cannot publish pingd=200 through vigild');
  });
});
