import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the launchers are plain JavaScript, without declarations
import { cacheBundleCode, freshBundle, runBundle } from '../../bin/launch.mjs';

describe('launcher', () => {
  let dir: string;
  let entry: string;
  let bundle: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-launch-'));
    entry = join(dir, 'main.js');
    bundle = join(dir, 'main.bundle.cjs');
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

  describe('code cache', () => {
    const out = globalThis as { launchTestOut?: string };
    afterEach(() => delete out.launchTestOut);
    const cache = () => readFileSync(`${bundle}.v8-cache`);
    // The cache is written anew by renaming a new file onto it: the same inode means it was left as it was.
    const cacheFile = () => statSync(`${bundle}.v8-cache`).ino;

    it('runs a bundle with the cache made for it (taken as it is), with CommonJS variables', () => {
      writeFileSync(bundle, 'globalThis.launchTestOut = require("node:path").basename(__filename) + (typeof module.exports);');
      cacheBundleCode(bundle);
      const made = cacheFile();
      runBundle(bundle);
      expect(out.launchTestOut).toBe('main.bundle.cjsobject');
      // V8 took it (a refused cache is made again).
      expect(cacheFile()).toBe(made);
    });

    it('never runs code cached for another source of the same length, and caches the new one', () => {
      // V8 itself would take this cache: it compares only the length of the source.
      writeFileSync(bundle, 'globalThis.launchTestOut = "a";');
      cacheBundleCode(bundle);
      const stale = cache();
      writeFileSync(bundle, 'globalThis.launchTestOut = "b";');
      runBundle(bundle);
      expect(out.launchTestOut).toBe('b');
      expect(cache().equals(stale)).toBe(false);
      const renewed = cacheFile();
      runBundle(bundle);
      expect(cacheFile()).toBe(renewed);
    });

    it('makes the cache on first use', () => {
      writeFileSync(bundle, 'globalThis.launchTestOut = "first";');
      runBundle(bundle);
      expect(out.launchTestOut).toBe('first');
      const made = cacheFile();
      runBundle(bundle);
      expect(cacheFile()).toBe(made);
    });
  });
});
