import type { Logger } from './logger.js';

/**
 * `{ node }` for a child logger, unless the parent already binds it: pino repeats a key bound
 * twice, and a JSON line with two `node` keys is ambiguous to log readers.
 */
export function nodeBinding(parent: Logger, node: string): { node?: string } {
  return parent.bindings().node === undefined ? { node } : {};
}
