import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the launchers are plain JavaScript, without declarations
import { freshBundle } from '../../bin/launch.mjs';

describe('launcher', () => {
  let dir: string;
  let entry: string;
  let bundle: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-launch-'));
    entry = join(dir, 'main.js');
    bundle = join(dir, 'main.bundle.js');
    writeFileSync(entry, '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const touch = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it('runs the bundle only while it is at least as new as the compiled entry', () => {
    expect(freshBundle(entry)).toBe(entry);
    writeFileSync(bundle, '');
    touch(entry, 1_000);
    touch(bundle, 2_000);
    expect(freshBundle(entry)).toBe(bundle);
    // a compile after the bundle (a bare tsc): the bundle is stale
    touch(entry, 3_000);
    expect(freshBundle(entry)).toBe(entry);
  });
});
