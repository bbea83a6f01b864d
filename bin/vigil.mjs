#!/usr/bin/env node
// Launcher for the `vigil` shell: runs the compiled TypeScript from dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = fileURLToPath(new URL('../dist/crm-shell/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('vigil: not built yet (missing dist/). Run `npm ci` (or `npm run build`) in the checkout first.\n');
  process.exit(2);
}
await import(entry);
