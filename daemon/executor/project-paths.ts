import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding package.json, found from this file both in daemon/ (tests run sources) and dist/daemon/ (built). */
export function projectDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const defaultOcfRoots = (): string[] => [join(projectDir(), 'resource-agents', 'ocf'), '/usr/lib/ocf'];
export const defaultCompatDir = (): string => join(projectDir(), 'resource-agents', 'compat');
/** Compiled entry points live under dist/ even when the caller runs from sources. */
export const distFile = (...parts: string[]): string => join(projectDir(), 'dist', ...parts);
