// Bundles the compiled `vigil` shell (dist/crm-shell/main.js and every module
// it imports, npm packages left out) into one file beside it. A one-shot
// command such as `vigil simulate` otherwise spends a noticeable part of its
// run resolving and loading some 75 modules one by one. The bundle sits in
// dist/crm-shell/ so that paths the modules take from import.meta.url (agent
// directories, the project root) resolve as they do unbundled.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const shell = fileURLToPath(new URL('../dist/crm-shell/', import.meta.url));

await build({
  entryPoints: [`${shell}main.js`],
  outfile: `${shell}main.bundle.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
