import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultOcfRoots } from '../../daemon/executor/executor.js';
import { OpStatus, type ExecutedOperationResult, type OperationRequest } from '../../daemon/executor/operation.js';
import { systemClock } from '../../daemon/fencing/clock.js';
import { LeaseGuard } from '../../daemon/fencing/lease-guard.js';
import { createLogger } from '../../daemon/util/logger.js';
import { agentSandbox, isRunning, processState, sleep, type AgentSandbox } from './executor-fixture.js';

/**
 * The self-fence sequence as vigild wires it, on real agent processes: when
 * renewals stop, LeaseGuard first has every resource stopped, then at the hard
 * deadline the executor kills whatever has not stopped.
 */
describe('self-fencing: graceful stop, then kill at the deadline', () => {
  let sb: AgentSandbox;
  beforeEach(async () => {
    sb = await agentSandbox({}, [defaultOcfRoots()[0]]);
  });
  afterEach(() => sb.cleanup());

  const dummy = (resource: string, operation: string, extra: Record<string, string> = {}): OperationRequest => ({
    ...sb.request(resource, 'Dummy', operation, { params: { state: join(sb.dir, `${resource}.state`), daemon: 'true', ...extra } }),
    agent: { class: 'ocf', provider: 'vigil', type: 'Dummy' },
  });
  const placeholder = (resource: string) => Number(/pid=(\d+)/.exec(readFileSync(join(sb.dir, `${resource}.state`), 'utf8'))![1]);
  const alive = (pid: number) => isRunning(processState(pid));

  it('stops what stops in time, kills what does not, and nothing fires while renewals continue', async () => {
    for (const r of ['quick', 'stuck']) expect((await sb.executor.run(dummy(r, 'start'))).rc).toBe(0);
    const quick = placeholder('quick');
    const stuck = placeholder('stuck');
    const events: string[] = [];
    const stops: Promise<ExecutedOperationResult>[] = [];
    const guard = new LeaseGuard({
      ttlMs: 2000,
      marginMs: 300,
      stopBudgetMs: 600,
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
      onLost: () => {
        events.push('lost');
        stops.push(sb.executor.run(dummy('quick', 'stop')), sb.executor.run(dummy('stuck', 'stop', { op_sleep: '30' })));
      },
      onDeadline: () => {
        events.push(`deadline: quick ${alive(quick) ? 'alive' : 'dead'}, stuck ${alive(stuck) ? 'alive' : 'dead'}`);
        sb.executor.killAll();
      },
    });
    await guard.start();
    // Healthy: renewals every 400 ms for 2 s.
    for (let i = 0; i < 5; i++) {
      guard.renewed(systemClock.now());
      await sleep(400);
    }
    expect(events).toEqual([]);
    // Cut off: the last renewal stays the last.
    await sleep(2000);
    expect(events).toEqual(['lost', 'deadline: quick dead, stuck alive']);
    const [quickStop, stuckStop] = await Promise.all(stops);
    expect(quickStop).toMatchObject({ rc: 0, status: OpStatus.Done });
    expect(stuckStop).toMatchObject({ rc: 1, status: OpStatus.Error, exitReason: 'agent exited with SIGKILL' });
    await sleep(50);
    expect(alive(stuck)).toBe(false);
    expect(sb.executor.processGroups()).toEqual([]);
    await guard.stop();
  });
});
