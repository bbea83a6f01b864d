import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultOcfRoots } from '../../daemon/executor/executor.js';
import { OcfRc, OpStatus, type OperationRequest } from '../../daemon/executor/operation.js';
import { agentSandbox, isRunning, processState, type AgentSandbox } from './executor-fixture.js';

/** The stop of an orphan (deleted from the configuration while running) carries no parameters. */
describe('executor: stop without parameters', () => {
  let sb: AgentSandbox;
  beforeAll(async () => {
    sb = await agentSandbox({}, defaultOcfRoots());
  });
  afterAll(() => sb.cleanup());

  const dummy = (resource: string, operation: string, params: Record<string, string>): OperationRequest => ({
    ...sb.request(resource, 'Dummy', operation, { params }),
    agent: { class: 'ocf', provider: 'vigil', type: 'Dummy' },
  });
  const placeholder = (state: string) => Number(/pid=(\d+)/.exec(readFileSync(state, 'utf8'))![1]);

  it('runs with the parameters of the last start: the agent finds its state file and stops the resource', async () => {
    const state = join(sb.dir, 'orphan.state');
    const started = await sb.executor.run(dummy('orphan', 'start', { state, daemon: 'true' }));
    expect([started.status, started.rc]).toEqual([OpStatus.Done, OcfRc.Success]);
    const pid = placeholder(state);
    expect(isRunning(processState(pid))).toBe(true);

    const stopped = await sb.executor.run(dummy('orphan', 'stop', {}));
    expect([stopped.status, stopped.rc]).toEqual([OpStatus.Done, OcfRc.Success]);
    expect(existsSync(state)).toBe(false);
    await expect.poll(() => isRunning(processState(pid))).toBe(false);
  });

  it("a stop that carries parameters runs with its own, and another resource's start does not lend its own", async () => {
    const first = join(sb.dir, 'first.state');
    const second = join(sb.dir, 'second.state');
    await sb.executor.run(dummy('first', 'start', { state: first }));
    await sb.executor.run(dummy('second', 'start', { state: second }));
    // its own parameters name a state file that does not exist: the stop leaves `second` alone
    await sb.executor.run(dummy('second', 'stop', { state: join(sb.dir, 'elsewhere.state') }));
    expect(existsSync(second)).toBe(true);
    await sb.executor.run(dummy('never-started', 'stop', {}));
    expect(existsSync(first)).toBe(true);
    await sb.executor.run(dummy('first', 'stop', {}));
    expect(existsSync(first)).toBe(false);
  });
});
