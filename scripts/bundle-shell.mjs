// Bundles the compiled `vigil` shell (dist/crm-shell/main.js and every module
// it imports, npm packages left out) into one file beside it, and makes its
// V8 code cache (see bin/launch.mjs). A one-shot command such as `vigil
// simulate` otherwise spends a noticeable part of its run resolving, loading
// and compiling some 75 modules one by one. The bundle sits in
// dist/crm-shell/ so that paths the modules take from import.meta.url (agent
// directories, the project root) resolve as they do unbundled.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { cacheBundleCode } from '../bin/launch.mjs';

const shell = fileURLToPath(new URL('../dist/crm-shell/', import.meta.url));
const bundle = `${shell}main.bundle.cjs`;

await build({
  entryPoints: [`${shell}main.js`],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  // CommonJS, because only a classic script (vm.Script) can be given V8's code cache: vm's modules are experimental.
  format: 'cjs',
  target: 'node24',
  packages: 'external',
  // import() of built-in modules as require(): a classic script run by vm has no module loader of its own.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__moduleUrl' },
  // "use strict" first, as modules are: esbuild's own would follow the banner and no longer count.
  banner: { js: '"use strict";\nconst __moduleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
cacheBundleCode(bundle);
