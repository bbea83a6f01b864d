import type { ShellCommand } from '../level.js';
import { UsageError } from '../options.js';
import type { ShellSession } from '../session.js';

/**
 * `vigil apply FILE`: the cluster's configuration becomes the file's — diff
 * shown, then one compare-and-swap write; the same file again is "no changes".
 * Nodes are membership's: a file without node lines keeps the live ones.
 */
export async function replaceFromFile(session: ShellSession, file: string, what: string): Promise<number> {
  // Loaded here, not at startup: every top-level command's module is imported to build the command table.
  const [{ keepNodes }, { readConfigurationFile }] = await Promise.all([import('../configure/configuration.js'), import('../configuration-file.js')]);
  const base = await session.liveCib();
  return session.commit(keepNodes(await readConfigurationFile(file), base.configuration), base, what);
}

export const applyCommand: ShellCommand = {
  summary: 'make the cluster configuration equal to FILE (crm syntax or CIB XML), atomically',
  usage: 'apply FILE',
  async run(session, args) {
    if (args.length !== 1) throw new UsageError('apply: expected exactly one FILE');
    return replaceFromFile(session, args[0], 'apply');
  },
};
