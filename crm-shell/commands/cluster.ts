import { EXIT } from '../exit-codes.js';
import type { Level } from '../level.js';

export const clusterLevel: Level = {
  name: 'cluster',
  summary: 'cluster-wide information',
  commands: {
    info: {
      summary: 'this node, the DC, quorum and members',
      usage: 'info',
      async run(session) {
        const info = await session.api.nodeInfo();
        if (session.options.output === 'json') session.json(info);
        else session.out(`node: ${info.node}\nDC: ${info.dc ?? 'none'}\nquorate: ${info.quorate ? 'yes' : 'no'}\nmembers: ${info.members.join(' ')}`);
        return EXIT.ok;
      },
    },
  },
};
