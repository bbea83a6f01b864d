// Shared by the bin/ launchers: runs a compiled entry point from dist/, or says how to build it.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';

/**
 * The bundle of an entry point (see scripts/bundle-shell.mjs) when `npm run
 * build` made one after the last compile; else the compiled modules
 * themselves (a bare `tsc` leaves the bundle behind the code).
 */
export function freshBundle(entry) {
  const bundle = entry.replace(/\.js$/, '.bundle.cjs');
  return existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(entry).mtimeMs ? bundle : entry;
}

export async function launch(command, distPath) {
  const entry = fileURLToPath(new URL(`../dist/${distPath}`, import.meta.url));
  if (!existsSync(entry)) {
    process.stderr.write(`${command}: not built yet (missing dist/). Run \`npm ci\` (or \`npm run build\`) in the checkout first.\n`);
    process.exit(2);
  }
  const target = freshBundle(entry);
  if (target === entry) await import(entry);
  else runBundle(target);
}

/**
 * Runs a CommonJS bundle with V8's code cache: the bytecode of all its
 * functions, kept in a file beside it, so that a one-shot command does not
 * compile its code anew on every run. Node's own module.enableCompileCache
 * keeps only the functions compiled while a module loads (97 KB here against
 * this cache's 740 KB): with it, `vigil simulate` at 4 nodes / 50 VMs took
 * 1.15 times as long (20 paired runs, Node 24). The cache is made by the
 * build, or again when V8 refuses it (another Node version or V8 flags);
 * a read-only install then runs without one.
 */
export function runBundle(bundle) {
  const source = wrapped(bundle);
  const digest = digestOf(source);
  const cached = readCache(cacheFileOf(bundle), digest);
  let script = cached && new vm.Script(source, { filename: bundle, cachedData: cached });
  if (!script || script.cachedDataRejected) {
    // Compiling every function costs more than compiling lazily: only worth it for a cache that can be kept.
    script = canWrite(dirname(bundle)) ? cacheBundleCode(bundle, source, digest) : new vm.Script(source, { filename: bundle });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/** Compiles a bundle whole and writes its code cache (also run by scripts/bundle-shell.mjs, so that even the first run has one). */
export function cacheBundleCode(bundle, source = wrapped(bundle), digest = digestOf(source)) {
  const script = compileWholly(source, bundle);
  writeCache(cacheFileOf(bundle), digest, script.createCachedData());
  return script;
}

/** The bundle's code as a function of CommonJS's module variables. */
const wrapped = (bundle) => `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
const cacheFileOf = (bundle) => `${bundle}.v8-cache`;
// V8 checks a cache against the length of its source only: the cache names the exact source it was made from.
const digestOf = (source) => createHash('sha256').update(source).digest();

/** The script with every function compiled now (V8 otherwise compiles each on its first call, and caches only those). */
function compileWholly(source, filename) {
  setFlagsFromString('--no-lazy');
  try {
    return new vm.Script(source, { filename });
  } finally {
    // Back before anything runs, so that the flags the cache records are the ones every run starts with.
    setFlagsFromString('--lazy');
  }
}

/** The cached data in `file` when it was made from the source with this digest. */
function readCache(file, digest) {
  let data;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  return data.subarray(0, digest.length).equals(digest) ? data.subarray(digest.length) : undefined;
}

function canWrite(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes the cache whole or not at all (other runs may read it meanwhile). */
function writeCache(file, digest, data) {
  const partial = `${file}.${process.pid}`;
  try {
    writeFileSync(partial, Buffer.concat([digest, data]));
    renameSync(partial, file);
  } catch {
    rmSync(partial, { force: true });
  }
}
