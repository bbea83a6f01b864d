import { section } from '../configure/configuration.js';
import { readConfigurationFile } from '../configuration-file.js';
import type { ShellCommand } from '../level.js';
import { UsageError } from '../options.js';

/**
 * `vigil apply FILE`: the cluster's configuration becomes the file's — diff
 * shown, then one compare-and-swap write; the same file again is "no changes".
 * Nodes are membership's: a file without node lines keeps the live ones.
 */
export const applyCommand: ShellCommand = {
  summary: 'make the cluster configuration equal to FILE (crm syntax or CIB XML), atomically',
  usage: 'apply FILE',
  async run(session, args) {
    if (args.length !== 1) throw new UsageError('apply: expected exactly one FILE');
    const next = await readConfigurationFile(args[0]);
    const base = await session.liveCib();
    if (section(next, 'nodes').children.length === 0) section(next, 'nodes').children = structuredClone(section(base.configuration, 'nodes').children);
    return session.commit(next, base, 'apply');
  },
};
