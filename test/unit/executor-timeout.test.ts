import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpStatus } from '../../daemon/executor/operation.js';
import { agentSandbox, isRunning, processState, sleep, type AgentSandbox } from './executor-fixture.js';

describe('executor: timeouts and missing agents', () => {
  let sb: AgentSandbox;
  beforeEach(async () => {
    sb = await agentSandbox();
  });
  afterEach(() => sb.cleanup());

  it('on timeout kills the whole process group, grandchildren included, and reports Timeout', async () => {
    // The agent starts a grandchild that ignores SIGTERM, records its pid, and hangs.
    sb.addAgent('Hang', `sh -c 'trap "" TERM; while :; do sleep 0.1; done' & echo $! > "$OCF_RESKEY_pidfile"; trap "" TERM; sleep 60`);
    const pidfile = join(sb.dir, 'grandchild.pid');
    const started = Date.now();
    const result = await sb.executor.run(sb.request('r', 'Hang', 'start', { timeoutMs: 400, params: { pidfile } }));
    const took = Date.now() - started;
    expect(result).toMatchObject({ rc: 1, status: OpStatus.Timeout, exitReason: 'start timed out after 400 ms' });
    expect(took).toBeGreaterThanOrEqual(400);
    const grandchild = Number(readFileSync(pidfile, 'utf8'));
    await sleep(50);
    expect(isRunning(processState(grandchild))).toBe(false);
    expect(sb.executor.processGroups()).toEqual([]);
  });

  it('a process that exits on SIGTERM ends the timeout without waiting for the grace period', async () => {
    const patient = await agentSandbox({ killGraceMs: 20_000 });
    try {
      patient.addAgent('Slow', `exec sleep 60`);
      const started = Date.now();
      const result = await patient.executor.run(patient.request('r', 'Slow', 'stop', { timeoutMs: 200 }));
      expect(result.status).toBe(OpStatus.Timeout);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await patient.cleanup();
    }
  });

  it('does not wait for a daemon the agent left holding its output pipe', async () => {
    sb.addAgent('Leaky', `sleep 30 & echo started; exit 0`);
    const result = await sb.executor.run(sb.request('r', 'Leaky', 'start'));
    expect(result).toMatchObject({ rc: 0, status: OpStatus.Done });
    expect(result.output).toContain('started');
    expect(result.durationMs).toBeLessThan(10_000);
    expect(sb.executor.processGroups()).toHaveLength(1); // the daemon, tracked for self-fencing
  });

  it('reports a missing agent as not installed (rc 5, op-status 7) naming where it looked', async () => {
    const result = await sb.executor.run(sb.request('r', 'NoSuchAgent', 'start'));
    expect(result).toMatchObject({ rc: 5, status: OpStatus.NotInstalled });
    expect(result.exitReason).toContain('ocf:test:NoSuchAgent not found');
    expect(result.exitReason).toContain(join(sb.root, 'resource.d'));
  });

  it('reports a non-executable agent as not installed', async () => {
    sb.addRawAgent('NotExec', '#!/bin/sh\nexit 0\n', 0o644);
    const result = await sb.executor.run(sb.request('r', 'NotExec', 'start'));
    expect(result).toMatchObject({ rc: 5, status: OpStatus.NotInstalled });
  });

  it('reports an agent whose interpreter is missing as not installed', async () => {
    sb.addRawAgent('BadInterp', '#!/nonexistent/interpreter\nexit 0\n', 0o755);
    const result = await sb.executor.run(sb.request('r', 'BadInterp', 'start'));
    expect(result).toMatchObject({ rc: 5, status: OpStatus.NotInstalled });
    expect(result.exitReason).toContain('cannot execute');
  });

  it('refuses agent names that would leave the agent directory', async () => {
    const result = await sb.executor.run({ ...sb.request('r', '../../bin/sh', 'start') });
    expect(result).toMatchObject({ rc: 5, status: OpStatus.NotInstalled });
    expect(result.exitReason).toContain('not allowed');
  });

  it('rejects requests with no usable timeout', async () => {
    await expect(sb.executor.run(sb.request('r', 'X', 'start', { timeoutMs: 0 }))).rejects.toThrow(/invalid operation request for resource r/);
  });
});
