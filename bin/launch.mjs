// Shared by the bin/ launchers: runs a compiled entry point from dist/, or says how to build it.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The bundle of an entry point (see scripts/bundle-shell.mjs) when `npm run
 * build` made one after the last compile; else the compiled modules
 * themselves (a bare `tsc` leaves the bundle behind the code).
 */
export function freshBundle(entry) {
  const bundle = entry.replace(/\.js$/, '.bundle.js');
  return existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(entry).mtimeMs ? bundle : entry;
}

export async function launch(command, distPath) {
  const entry = fileURLToPath(new URL(`../dist/${distPath}`, import.meta.url));
  if (!existsSync(entry)) {
    process.stderr.write(`${command}: not built yet (missing dist/). Run \`npm ci\` (or \`npm run build\`) in the checkout first.\n`);
    process.exit(2);
  }
  await import(freshBundle(entry));
}
