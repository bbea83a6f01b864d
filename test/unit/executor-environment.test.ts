import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentSandbox, type AgentSandbox } from './executor-fixture.js';

describe('executor: the environment an OCF agent gets', () => {
  let sb: AgentSandbox;
  beforeEach(async () => {
    sb = await agentSandbox({ env: { VIGIL_API_SOCKET: '/run/vigil/api.sock' } });
    sb.addAgent('EnvDump', `echo "$1" > "$OCF_RESKEY_out.action"; env > "$OCF_RESKEY_out"; exit 0`);
  });
  afterEach(() => sb.cleanup());

  it('passes action, OCF variables, parameters, meta attributes with timeout and interval, HA_* and PATH', async () => {
    const out = join(sb.dir, 'env.txt');
    const result = await sb.executor.run(
      sb.request('vm-1', 'EnvDump', 'monitor', {
        intervalMs: 15_000,
        timeoutMs: 7_000,
        params: { out, config: '/etc/vm 1.xml', 'hyphen-name': 'x' },
        meta: { 'migrate-target': 'node2', clone_max: '3' },
      }),
    );
    expect(result.rc).toBe(0);
    expect(readFileSync(`${out}.action`, 'utf8').trim()).toBe('monitor');
    const env = Object.fromEntries(
      readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      OCF_ROOT: sb.root,
      OCF_RA_VERSION_MAJOR: '1',
      OCF_RA_VERSION_MINOR: '1',
      OCF_RESOURCE_INSTANCE: 'vm-1',
      OCF_RESOURCE_TYPE: 'EnvDump',
      OCF_RESOURCE_PROVIDER: 'test',
      OCF_RESKEY_config: '/etc/vm 1.xml',
      OCF_RESKEY_hyphen_name: 'x',
      OCF_RESKEY_CRM_meta_timeout: '7000',
      OCF_RESKEY_CRM_meta_interval: '15000',
      OCF_RESKEY_CRM_meta_migrate_target: 'node2',
      OCF_RESKEY_CRM_meta_clone_max: '3',
      OCF_RESKEY_CRM_meta_on_node: 'node1',
      HA_RSCTMP: join(sb.dir, 'rsctmp'),
      HA_debug: '0',
      VIGIL_API_SOCKET: '/run/vigil/api.sock',
    });
    const path = env.PATH.split(':');
    expect(path[0]).toBe(join(sb.dir, 'compat'));
    expect(path).toContain('/usr/sbin');
    expect(path).toContain('/sbin');
    // The project's root has no ocf-shellfuncs; a root without it and no other root that has it gets none.
    expect(env.OCF_FUNCTIONS_DIR).toBeUndefined();
  });

  it("points OCF_FUNCTIONS_DIR at a root that has ocf-shellfuncs when the agent's own root lacks them", async () => {
    const withDebian = await agentSandbox({}, ['/usr/lib/ocf']);
    try {
      withDebian.addAgent('EnvDump', `env > "$OCF_RESKEY_out"`);
      const out = join(withDebian.dir, 'env.txt');
      await withDebian.executor.run(withDebian.request('r', 'EnvDump', 'monitor', { params: { out } }));
      expect(readFileSync(out, 'utf8')).toContain('OCF_FUNCTIONS_DIR=/usr/lib/ocf/lib/heartbeat\n');
    } finally {
      await withDebian.cleanup();
    }
  });

  it('refuses parameter names that cannot be shell variables, naming them', async () => {
    const result = await sb.executor.run(sb.request('r', 'EnvDump', 'start', { params: { 'bad name': '1', good: '2' } }));
    expect(result.rc).toBe(6);
    expect(result.exitReason).toContain('bad name');
    expect(result.exitReason).not.toContain('good');
  });
});
