import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpStatus } from '../../daemon/executor/operation.js';
import { agentSandbox, type AgentSandbox } from './executor-fixture.js';

describe('executor: exit codes', () => {
  let sb: AgentSandbox;
  beforeAll(async () => {
    sb = await agentSandbox();
    sb.addAgent('ExitWith', `echo "doing $1"; [ -n "$OCF_RESKEY_reason" ] && echo "ocf-exit-reason:$OCF_RESKEY_reason" >&2; exit "$OCF_RESKEY_code"`);
    sb.addAgent('Suicide', `kill -9 $$`);
  });
  afterAll(() => sb.cleanup());

  const run = (code: number, reason = '') => sb.executor.run(sb.request('r', 'ExitWith', 'start', { params: { code: String(code), reason } }));

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 190, 191])('records OCF exit code %i as it is, op-status Done', async (code) => {
    const result = await run(code);
    expect(result.rc).toBe(code);
    expect(result.status).toBe(OpStatus.Done);
    expect(result.output).toContain('doing start');
  });

  it.each([10, 42, 127, 189, 192, 255])('maps exit code %i outside the API to a generic error with a reason', async (code) => {
    const result = await run(code);
    expect(result.rc).toBe(1);
    expect(result.exitReason).toBe(`agent exited with code ${code}`);
  });

  it('maps death by a signal to a generic error with op-status Error', async () => {
    const result = await sb.executor.run(sb.request('r', 'Suicide', 'start'));
    expect(result).toMatchObject({ rc: 1, status: OpStatus.Error, exitReason: 'agent exited with SIGKILL' });
  });

  it('keeps the last ocf-exit-reason the agent printed', async () => {
    const result = await run(6, 'config file /etc/x.xml missing');
    expect(result).toMatchObject({ rc: 6, exitReason: 'config file /etc/x.xml missing' });
  });

  it('hands out increasing call-ids', async () => {
    const a = await run(0);
    const b = await run(0);
    expect(b.callId).toBe(a.callId + 1);
  });

  it('keeps only the tail of a long output', async () => {
    const small = await agentSandbox({ outputTailBytes: 100 });
    try {
      small.addAgent('Chatty', `i=0; while [ $i -lt 500 ]; do echo "line $i"; i=$((i+1)); done; exit 0`);
      const result = await small.executor.run(small.request('r', 'Chatty', 'start'));
      expect(result.output.length).toBeLessThanOrEqual(100);
      expect(result.output).toContain('line 499');
      expect(result.output).not.toContain('line 1\n');
    } finally {
      await small.cleanup();
    }
  });
});
