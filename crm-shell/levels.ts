import type { CommandIo } from './command.js';
import type { Level, ShellCommand } from './level.js';
import type { ShellSession } from './session.js';

/** Levels load lazily so `vigil configure verify` does not pay for the etcd-free but larger live levels. */
export const LEVELS: Record<string, () => Promise<Level>> = {
  configure: async () => (await import('./commands/configure.js')).configureLevel,
  resource: async () => (await import('./commands/resource.js')).resourceLevel,
  node: async () => (await import('./commands/node.js')).nodeLevel,
  cluster: async () => (await import('./commands/cluster.js')).clusterLevel,
  cib: async () => (await import('./commands/cib.js')).cibLevel,
};

/** Commands at the top: the same in one-shot use and at the interactive prompt. */
export async function topLevel(): Promise<Level> {
  const simulate: ShellCommand = {
    summary: 'what-if: run the scheduler on a CIB (-x FILE) or the live one (node down, resource failed)',
    usage: 'simulate [-x FILE | -L] [options]',
    async run(session: ShellSession, args: string[]) {
      const mod = await import('./commands/simulate.js');
      return mod.run(args, session.io as CommandIo);
    },
  };
  return {
    name: 'vigil',
    summary: 'cluster shell (levels: configure, resource, node, cluster, cib)',
    commands: {
      status: (await import('./commands/status.js')).statusCommand,
      apply: (await import('./commands/apply.js')).applyCommand,
      simulate,
    },
  };
}
