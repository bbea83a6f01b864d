#!/usr/bin/env node
// Launcher for the node daemon: runs the compiled TypeScript from dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = fileURLToPath(new URL('../dist/daemon/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('vigild: not built yet (missing dist/). Run `npm ci` (or `npm run build`) in the checkout first.\n');
  process.exit(2);
}
await import(entry);
