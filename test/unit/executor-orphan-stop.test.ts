import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultOcfRoots, Executor } from '../../daemon/executor/executor.js';
import { START_PARAMS_DIR } from '../../daemon/executor/start-parameters.js';
import { createLogger } from '../../daemon/util/logger.js';
import { OcfRc, OpStatus, type OperationRequest } from '../../daemon/executor/operation.js';
import { agentSandbox, isRunning, processState, type AgentSandbox } from './executor-fixture.js';

/** vigil's own Dummy agent (it keeps a state file named by its `state` parameter). */
const dummyRequest = (sb: AgentSandbox, resource: string, operation: string, params: Record<string, string>): OperationRequest => ({
  ...sb.request(resource, 'Dummy', operation, { params }),
  agent: { class: 'ocf', provider: 'vigil', type: 'Dummy' },
});

/** The stop of an orphan (deleted from the configuration while running) carries no parameters. */
describe('executor: stop without parameters', () => {
  let sb: AgentSandbox;
  beforeAll(async () => {
    sb = await agentSandbox({}, defaultOcfRoots());
  });
  afterAll(() => sb.cleanup());

  const dummy = (resource: string, operation: string, params: Record<string, string>) => dummyRequest(sb, resource, operation, params);
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

/** A vigild restart between the start and the orphan's stop: the parameters come from HA_RSCTMP. */
describe('executor: start parameters across a daemon restart', () => {
  let sb: AgentSandbox;
  const restarted: Executor[] = [];
  beforeAll(async () => {
    sb = await agentSandbox({}, defaultOcfRoots());
  });
  afterAll(async () => {
    for (const e of restarted) {
      e.killAll();
      await e.stop();
    }
    await sb.cleanup();
  });

  /** A fresh executor on the sandbox's HA_RSCTMP, as a restarted vigild has. */
  const restart = async () => {
    const e = new Executor({ node: 'node1', logger: createLogger({ level: 'silent' }), ocfRoots: defaultOcfRoots(), compatDir: join(sb.dir, 'compat'), rscTmpDir: join(sb.dir, 'rsctmp') });
    restarted.push(e);
    await e.start();
    return e;
  };
  const dummy = (resource: string, operation: string, params: Record<string, string>) => dummyRequest(sb, resource, operation, params);
  const savedFiles = () => readdirSync(join(sb.dir, 'rsctmp', START_PARAMS_DIR));

  it('a fresh executor on the same HA_RSCTMP stops an orphan with the parameters saved by the first, then forgets them', async () => {
    const state = join(sb.dir, 'kept.state');
    const started = await sb.executor.run(dummy('kept:0', 'start', { state, daemon: 'true' }));
    expect([started.status, started.rc]).toEqual([OpStatus.Done, OcfRc.Success]);
    const pid = Number(/pid=(\d+)/.exec(readFileSync(state, 'utf8'))![1]);
    await sb.executor.stop(); // the daemon goes; the resource keeps running

    const second = await restart();
    const stopped = await second.run(dummy('kept:0', 'stop', {}));
    expect([stopped.status, stopped.rc]).toEqual([OpStatus.Done, OcfRc.Success]);
    expect(existsSync(state)).toBe(false);
    await expect.poll(() => isRunning(processState(pid))).toBe(false);
    expect(savedFiles()).toEqual([]); // removed after the successful stop

    // a third daemon has nothing left to lend: a stop without parameters runs without any
    await second.stop();
    const third = await restart();
    writeFileSync(state, 'pid=1\n');
    await third.run(dummy('kept:0', 'stop', {}));
    expect(existsSync(state)).toBe(true);
  });

  it('an unreadable saved file does not keep the executor from starting; the others still load', async () => {
    const state = join(sb.dir, 'other.state');
    const first = await restart();
    await first.run(dummy('other', 'start', { state }));
    await first.stop();
    writeFileSync(join(sb.dir, 'rsctmp', START_PARAMS_DIR, 'broken.json'), '{"resource": "broken", "params": ');
    const second = await restart();
    await second.run(dummy('other', 'stop', {}));
    expect(existsSync(state)).toBe(false);
  });
});
