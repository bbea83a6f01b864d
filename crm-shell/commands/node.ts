import { EXIT } from '../exit-codes.js';
import { nodeNames } from '../completion.js';
import type { Level, ShellCommand } from '../level.js';
import { UsageError } from '../options.js';
import type { ShellSession } from '../session.js';

/** Node states are permanent node attributes (as crm_standby / crm node standby write them). */
function attributeCommand(verb: string, name: string, value: string | null, summary: string): ShellCommand {
  return {
    summary,
    usage: `${verb} [NODE]`,
    async run(session: ShellSession, args: string[]) {
      const node = args[0] ?? (await session.api.nodeInfo()).node;
      if (args.length > 1) throw new UsageError(`${verb}: expected at most one NODE`);
      await session.api.setAttribute({ node, name, value, lifetime: 'forever' });
      session.out(`${node}: ${verb}`);
      return EXIT.ok;
    },
    complete: (session) => nodeNames(session),
  };
}

export const nodeLevel: Level = {
  name: 'node',
  summary: 'node states: standby, online, maintenance',
  commands: {
    standby: attributeCommand('standby', 'standby', 'on', 'put a node in standby: its resources move away'),
    online: attributeCommand('online', 'standby', null, 'take a node out of standby'),
    maintenance: attributeCommand('maintenance', 'maintenance', 'on', 'stop managing resources on a node (they keep running)'),
    ready: attributeCommand('ready', 'maintenance', null, 'end maintenance on a node'),
    list: {
      summary: 'list nodes and their state',
      usage: 'list',
      async run(session) {
        const { clusterStatus } = await import('./status.js');
        const status = await clusterStatus(session);
        if (session.options.output === 'json') session.json(status.cluster.nodes);
        else for (const n of status.cluster.nodes) session.out(`${n.name}: ${n.state}`);
        return EXIT.ok;
      },
    },
  },
};
