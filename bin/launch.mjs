// Shared by the bin/ launchers: runs a compiled entry point from dist/, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function launch(command, distPath) {
  const entry = fileURLToPath(new URL(`../dist/${distPath}`, import.meta.url));
  if (!existsSync(entry)) {
    process.stderr.write(`${command}: not built yet (missing dist/). Run \`npm ci\` (or \`npm run build\`) in the checkout first.\n`);
    process.exit(2);
  }
  await import(entry);
}
