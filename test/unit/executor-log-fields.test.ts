import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Executor } from '../../daemon/executor/executor.js';

describe('executor log lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-log-fields-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const capture = () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    return { lines, stream };
  };

  it.each([
    ['a daemon logger that binds node', { node: 'n1' }],
    ['a bare logger', {}],
  ])('carry one node key with %s', async (_, base) => {
    const { lines, stream } = capture();
    const executor = new Executor({ node: 'n1', logger: pino({ base }, stream), rscTmpDir: join(dir, 'rsc') });
    await executor.start();
    const result = await executor.run({ resource: 'd1', agent: { class: 'ocf', provider: 'vigil', type: 'Dummy' }, operation: 'monitor', intervalMs: 0, timeoutMs: 10_000, params: { state: join(dir, 'd1.state') }, meta: {} });
    expect(result.rc).toBe(7);
    await executor.stop();
    const finished = lines.find((l) => l.includes('"operation finished"'));
    expect(finished).toContain('"resource":"d1"');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line.match(/"node":/g), line).toHaveLength(1);
    for (const line of lines) expect(JSON.parse(line).node).toBe('n1');
  });
});
