import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentSandbox, type AgentSandbox } from './executor-fixture.js';

/** Each run appends "begin RES OP" and "end RES OP" lines around a sleep. */
const LOGGING_AGENT = `echo "begin $OCF_RESOURCE_INSTANCE $1" >> "$OCF_RESKEY_log"; sleep "$OCF_RESKEY_pause"; echo "end $OCF_RESOURCE_INSTANCE $1" >> "$OCF_RESKEY_log"; exit 0`;

describe('executor: one operation at a time per resource', () => {
  let sb: AgentSandbox;
  let log: string;
  beforeEach(async () => {
    sb = await agentSandbox();
    sb.addAgent('Logged', LOGGING_AGENT);
    log = join(sb.dir, 'ops.log');
  });
  afterEach(() => sb.cleanup());

  const req = (resource: string, op: string) => sb.request(resource, 'Logged', op, { params: { log, pause: '0.3' } });
  const lines = () => readFileSync(log, 'utf8').trim().split('\n');

  it('runs operations on one resource strictly in submission order, never overlapping', async () => {
    const results = await Promise.all(['start', 'monitor', 'stop'].map((op) => sb.executor.run(req('r1', op))));
    expect(lines()).toEqual(['begin r1 start', 'end r1 start', 'begin r1 monitor', 'end r1 monitor', 'begin r1 stop', 'end r1 stop']);
    // The later operations waited for the earlier ones, and say so.
    expect(results[2].queueMs).toBeGreaterThanOrEqual(500);
  });

  it('runs different resources in parallel', async () => {
    await Promise.all(['r1', 'r2', 'r3'].map((r) => sb.executor.run(req(r, 'start'))));
    // All three began before any ended: they overlapped.
    expect(lines().slice(0, 3).every((l) => l.startsWith('begin'))).toBe(true);
  });
});
