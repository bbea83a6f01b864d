import { apiFromEnv, runCompat } from './api-from-env.js';
import { CrmExit, parseOptions, UsageError } from './command-line.js';

/**
 * crm_node on vigild's API, for agents' ocf_local_nodename and admins' scripts:
 *   -n  this node's name    -l  members as "ID NAME member"    -p  members on one line    -q  1 if quorate, else 0
 */
const SPECS = [
  { short: 'n', long: 'name', value: false },
  { short: 'l', long: 'list', value: false },
  { short: 'p', long: 'partition', value: false },
  { short: 'q', long: 'quorum', value: false },
];

async function crmNode(argv: string[]): Promise<number> {
  const o = parseOptions(argv, SPECS);
  if (o.size !== 1) throw new UsageError('exactly one of -n, -l, -p, -q is supported');
  const info = await apiFromEnv().nodeInfo();
  if (o.has('name')) process.stdout.write(`${info.node}\n`);
  // vigil has no numeric node ids; the position in the sorted member list stands in for one.
  if (o.has('list')) process.stdout.write(info.members.map((m, i) => `${i + 1} ${m} member\n`).join(''));
  if (o.has('partition')) process.stdout.write(`${info.members.join(' ')}\n`);
  if (o.has('quorum')) {
    process.stdout.write(`${info.quorate ? 1 : 0}\n`);
    return info.quorate ? CrmExit.Ok : CrmExit.Error;
  }
  return CrmExit.Ok;
}

void runCompat('crm_node', () => crmNode(process.argv.slice(2)));
