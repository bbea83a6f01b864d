import type { Level } from './level.js';

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
  return {
    name: 'vigil',
    summary: 'cluster shell (levels: configure, resource, node, cluster, cib)',
    commands: {
      status: (await import('./commands/status.js')).statusCommand,
      apply: (await import('./commands/apply.js')).applyCommand,
      simulate: (await import('./live-simulate.js')).simulateCommand,
    },
  };
}
