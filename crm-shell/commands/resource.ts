import { parseCib } from '../../daemon/cib/index.js';
import { parseInterval } from '../../daemon/cib/duration.js';
import { element, firstChild, type XmlElement } from '../../daemon/cib/xml.js';
import { VigilError } from '../../daemon/util/errors.js';
import { allResources, section } from '../configure/configuration.js';
import { nodeNames, resourceIds } from '../completion.js';
import { EXIT } from '../exit-codes.js';
import type { Level, ShellCommand } from '../level.js';
import { parseFlags, UsageError } from '../options.js';
import { runningNodes } from '../running-nodes.js';
import { loadScheduler } from './status.js';
import type { ShellSession } from '../session.js';

export class UnknownResourceError extends VigilError {
  override readonly code = 'UNKNOWN_RESOURCE';
  constructor(readonly resource: string) {
    super(`no resource '${resource}' in the configuration`);
  }
}

/** A restart that stopped the resource but could not see it stop, so did not start it again. */
export class RestartIncompleteError extends VigilError {
  override readonly code = 'RESTART_INCOMPLETE';
}

function findResource(conf: XmlElement, id: string): XmlElement {
  const rsc = allResources(conf).find((r) => r.attrs.id === id);
  if (!rsc) throw new UnknownResourceError(id);
  return rsc;
}

/** Sets (or with value undefined removes) a meta attribute in the resource's crmsh-named meta set. */
export function setMeta(rsc: XmlElement, name: string, value: string | undefined): void {
  let set = firstChild(rsc, 'meta_attributes');
  if (!set) {
    if (value === undefined) return;
    set = element('meta_attributes', { id: `${rsc.attrs.id}-meta_attributes` });
    rsc.children.unshift(set);
  }
  const pair = set.children.find((p) => p.attrs.name === name);
  if (value === undefined) {
    set.children = set.children.filter((p) => p !== pair);
    if (set.children.length === 0) rsc.children = rsc.children.filter((c) => c !== set);
  }
  else if (pair) pair.attrs.value = value;
  else set.children.push(element('nvpair', { id: `${set.attrs.id}-${name}`, name, value }));
}

/** Applies `edit` to a copy of the live configuration and commits it without a prompt (as crm resource does). */
async function editLive(session: ShellSession, what: string, edit: (conf: XmlElement) => void): Promise<number> {
  const base = await session.liveCib();
  const next = structuredClone(base.configuration);
  edit(next);
  return session.commit(next, base, what, false);
}

function targetRole(role: string): ShellCommand {
  return {
    summary: `${role === 'Started' ? 'start' : 'stop'} a resource (sets target-role=${role})`,
    usage: `${role === 'Started' ? 'start' : 'stop'} RSC…`,
    async run(session, args) {
      if (args.length === 0) throw new UsageError('which resource?');
      return editLive(session, `resource ${role === 'Started' ? 'start' : 'stop'}`, (conf) => {
        for (const id of args) setMeta(findResource(conf, id), 'target-role', role === 'Started' ? undefined : role);
      });
    },
    complete: (session) => resourceIds(session),
  };
}

/** crm_resource's location constraints: cli-prefer-RSC / cli-ban-RSC-on-NODE, with an expiry rule for --lifetime. */
function cliConstraint(id: string, rsc: string, node: string, score: string, lifetimeMs?: number): XmlElement {
  if (lifetimeMs === undefined) return element('rsc_location', { id, rsc, role: 'Started', node, score });
  const end = new Date(Date.now() + lifetimeMs).toISOString().replace(/\.\d+Z$/, 'Z');
  return element('rsc_location', { id, rsc, role: 'Started' }, [
    element('rule', { id: `${id}-rule`, score, 'boolean-op': 'and' }, [
      element('expression', { id: `${id}-expr`, attribute: '#uname', operation: 'eq', value: node, type: 'string' }),
      element('date_expression', { id: `${id}-lifetime`, operation: 'lt', end }),
    ]),
  ]);
}

function lifetime(flags: Map<string, string>): number | undefined {
  const text = flags.get('lifetime');
  if (text === undefined) return undefined;
  const ms = parseInterval(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`--lifetime: invalid duration '${text}' (e.g. 30m, 2h, PT1H)`);
  return ms;
}

async function currentNodes(session: ShellSession, rsc: string): Promise<string[]> {
  const { describeCluster } = await loadScheduler();
  return runningNodes(describeCluster(parseCib(await session.api.getCib(), 'live CIB')), rsc);
}

function replaceConstraint(conf: XmlElement, constraint: XmlElement): void {
  const constraints = section(conf, 'constraints');
  constraints.children = [...constraints.children.filter((c) => c.attrs.id !== constraint.attrs.id), constraint];
}

const rscThenNode = async (session: ShellSession, args: string[]) => (args.length <= 1 ? resourceIds(session) : nodeNames(session));

export const resourceLevel: Level = {
  name: 'resource',
  summary: 'start, stop, move and inspect resources',
  commands: {
    start: targetRole('Started'),
    stop: targetRole('Stopped'),
    restart: {
      summary: 'stop a resource, wait until it is stopped, start it again',
      usage: 'restart RSC [--timeout SECONDS]',
      async run(session, args) {
        const { flags, words } = parseFlags(args, ['timeout']);
        const [rsc] = words;
        if (!rsc) throw new UsageError('restart: which resource?');
        const stopped = await resourceLevel.commands.stop.run(session, [rsc]);
        if (stopped !== EXIT.ok) return stopped;
        const deadline = Date.now() + Number(flags.get('timeout') ?? 60) * 1000;
        while ((await currentNodes(session, rsc)).length > 0) {
          if (Date.now() > deadline || session.cancel.signal.aborted) {
            throw new RestartIncompleteError(`restart: ${rsc} did not stop ${session.cancel.signal.aborted ? 'before Ctrl-C' : 'in time'}; left with target-role=Stopped`);
          }
          await session.pause(500);
        }
        return resourceLevel.commands.start.run(session, [rsc]);
      },
      complete: (session) => resourceIds(session),
    },
    move: {
      summary: 'move a resource to NODE (cli-prefer-RSC); without NODE, away from where it runs',
      usage: 'move RSC [NODE] [--lifetime DURATION]',
      async run(session, args) {
        const { flags, words } = parseFlags(args, ['lifetime']);
        const [rsc, node] = words;
        if (!rsc) throw new UsageError('move: which resource?');
        const ms = lifetime(flags);
        if (node === undefined) return resourceLevel.commands.ban.run(session, args);
        return editLive(session, 'resource move', (conf) => {
          findResource(conf, rsc);
          replaceConstraint(conf, cliConstraint(`cli-prefer-${rsc}`, rsc, node, 'INFINITY', ms));
        });
      },
      complete: rscThenNode,
    },
    ban: {
      summary: 'keep a resource off NODE (default: where it runs now) with cli-ban-RSC-on-NODE',
      usage: 'ban RSC [NODE] [--lifetime DURATION]',
      async run(session, args) {
        const { flags, words } = parseFlags(args, ['lifetime']);
        const [rsc] = words;
        if (!rsc) throw new UsageError('ban: which resource?');
        const ms = lifetime(flags);
        const nodes = words[1] !== undefined ? [words[1]] : await currentNodes(session, rsc);
        if (nodes.length === 0) throw new UsageError(`ban: ${rsc} is not running anywhere; name the node`);
        return editLive(session, 'resource ban', (conf) => {
          findResource(conf, rsc);
          for (const node of nodes) replaceConstraint(conf, cliConstraint(`cli-ban-${rsc}-on-${node}`, rsc, node, '-INFINITY', ms));
        });
      },
      complete: rscThenNode,
    },
    clear: {
      summary: 'remove the constraints move/ban created for a resource',
      usage: 'clear RSC',
      async run(session, args) {
        const [rsc] = args;
        if (!rsc) throw new UsageError('clear: which resource?');
        return editLive(session, 'resource clear', (conf) => {
          const constraints = section(conf, 'constraints');
          constraints.children = constraints.children.filter((c) => c.attrs.id !== `cli-prefer-${rsc}` && !c.attrs.id.startsWith(`cli-ban-${rsc}-on-`));
        });
      },
      complete: (session) => resourceIds(session),
    },
    cleanup: {
      summary: 'forget failures and operation history of a resource (on one node or all)',
      usage: 'cleanup RSC [NODE]',
      async run(session, args) {
        const [rsc, node] = args;
        if (!rsc) throw new UsageError('cleanup: which resource?');
        await session.api.cleanup(rsc, node);
        session.out(`cleaned up ${rsc}${node ? ` on ${node}` : ''}`);
        return EXIT.ok;
      },
      complete: rscThenNode,
    },
    why: {
      summary: 'explain where a resource may run: per-node scores and the constraints that decided',
      usage: 'why RSC',
      async run(session, args) {
        const [rsc] = args;
        if (!rsc) throw new UsageError('why: which resource?');
        const { explainPlacement } = await import('../why.js');
        const explanation = explainPlacement(parseCib(await session.api.getCib(), 'live CIB'), rsc, (await session.api.nodeInfo()).members);
        if (session.options.output === 'json') session.json(explanation);
        else session.out(explanation.text);
        return EXIT.ok;
      },
      complete: (session) => resourceIds(session),
    },
  },
};
