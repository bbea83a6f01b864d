import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
    const cacheDigest = () => readFileSync(`${bundle}.v8-cache`).subarray(0, 32).toString('hex');
    const sourceDigest = () =>
      createHash('sha256').update(`(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`).digest('hex');

    it('runs a bundle with the cache made for it, with CommonJS variables', () => {
      writeFileSync(bundle, 'globalThis.launchTestOut = require("node:path").basename(__filename) + (typeof module.exports);');
      cacheBundleCode(bundle);
      expect(cacheDigest()).toBe(sourceDigest());
      runBundle(bundle);
      expect(out.launchTestOut).toBe('main.bundle.cjsobject');
    });

    it('never runs code cached for another source of the same length, and caches the new one', () => {
      // V8 itself would take this cache: it compares only the length of the source.
      writeFileSync(bundle, 'globalThis.launchTestOut = "a";');
      cacheBundleCode(bundle);
      writeFileSync(bundle, 'globalThis.launchTestOut = "b";');
      runBundle(bundle);
      expect(out.launchTestOut).toBe('b');
      expect(cacheDigest()).toBe(sourceDigest());
    });

    it('makes the cache on first use', () => {
      writeFileSync(bundle, 'globalThis.launchTestOut = "first";');
      runBundle(bundle);
      expect(out.launchTestOut).toBe('first');
      expect(cacheDigest()).toBe(sourceDigest());
    });
  });
});
