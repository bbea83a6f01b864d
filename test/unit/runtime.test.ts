import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The checkout pins its Node (the npm package `node`, put first on the PATH of npm scripts):
// the suites must run on it, and so must the `node` the tests start, not the machine's own.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('runtime', () => {
  it('the pinned Node meets the engines field', () => {
    const minimum = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
    expect(Number(pkg.devDependencies.node.split('.')[0])).toBeGreaterThanOrEqual(minimum);
  });

  it('the tests, and the node they start, run on the pinned Node', () => {
    expect(process.versions.node).toBe(pkg.devDependencies.node);
    expect(execFileSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()).toBe(pkg.devDependencies.node);
  });
});
