import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpStatus } from '../../daemon/executor/operation.js';
import { agentSandbox, type AgentSandbox } from './executor-fixture.js';

describe('executor: lsb init scripts', () => {
  let sb: AgentSandbox;
  let initd: string;
  beforeAll(async () => {
    initd = mkdtempSync(join(tmpdir(), 'vigil-initd-'));
    sb = await agentSandbox({ lsbDirs: [initd] });
    // An init script whose "status" exit code is given by a file; it logs the action it got.
    writeFileSync(
      join(initd, 'svc'),
      `#!/bin/sh\necho "action=$1 instance=\${OCF_RESOURCE_INSTANCE:-none}"\n[ "$1" = status ] && exit "$(cat ${initd}/status-code)"\nexit 0\n`,
    );
    chmodSync(join(initd, 'svc'), 0o755);
  });
  afterAll(async () => {
    await sb.cleanup();
    rmSync(initd, { recursive: true, force: true });
  });

  const run = (operation: string, cls = 'lsb') => sb.executor.run({ ...sb.request('svc', 'svc', operation), agent: { class: cls, type: 'svc' } });

  it.each([
    [0, 0],
    [1, 7],
    [2, 7],
    [3, 7],
    [4, 1],
  ])('maps LSB status exit %i of a monitor to OCF rc %i', async (lsb, ocf) => {
    writeFileSync(join(initd, 'status-code'), String(lsb));
    const result = await run('monitor');
    expect(result.rc).toBe(ocf);
    expect(result.output).toContain('action=status instance=none');
  });

  it('passes start and stop through, for service: too', async () => {
    expect((await run('start', 'service')).output).toContain('action=start');
    expect((await run('stop')).rc).toBe(0);
  });

  it('has no migrate_to for init scripts', async () => {
    expect(await run('migrate_to')).toMatchObject({ rc: 3, status: OpStatus.NotSupported });
  });
});
