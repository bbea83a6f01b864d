import { ApiClient, DEFAULT_API_SOCKET } from '../../daemon/api/client.js';
import { OcfRc } from '../../daemon/executor/operation.js';
import { ResourceFailedError } from '../lib/agent-errors.js';
import type { ActionContext, AgentDefinition } from '../lib/ocf-agent.js';
import { standardActions } from '../lib/meta-data.js';
import { atLeast } from '../lib/parameters.js';
import { StateFile } from '../lib/state-file.js';
import { parseDelayMs } from '../compat-commands/delay.js';
import { countReachable, type ReachMethod } from './reachability.js';

const hosts = (ctx: ActionContext) => ctx.params.host_list.split(/[\s,]+/).filter(Boolean);

function api(ctx: ActionContext): ApiClient {
  return new ApiClient(ctx.env.VIGIL_API_SOCKET ?? ctx.env.VIGIL_SOCKET ?? DEFAULT_API_SOCKET, ctx.budget.callTimeout('attribute update', 10_000));
}

async function nodeName(ctx: ActionContext, client: ApiClient): Promise<string> {
  return ctx.env.OCF_RESKEY_CRM_meta_on_node ?? (await client.nodeInfo()).node;
}

/** Measures reachability and publishes score = multiplier x reachable hosts as a transient node attribute. */
async function publish(ctx: ActionContext, dampen: boolean): Promise<number> {
  const p = ctx.params;
  const reachable = await countReachable(hosts(ctx), p.method as ReachMethod, { timeoutS: Number(p.timeout), attempts: Number(p.attempts), port: Number(p.port) });
  const score = reachable * Number(p.multiplier);
  const client = api(ctx);
  try {
    const node = await nodeName(ctx, client);
    await client.setAttribute({ node, name: p.name, value: String(score), lifetime: 'reboot', dampenMs: dampen ? parseDelayMs(p.dampen) : undefined });
  } catch (err) {
    throw new ResourceFailedError(`cannot publish ${p.name}=${score} through vigild: ${(err as Error).message}`, { cause: err });
  }
  ctx.log.debug({ attribute: p.name, score, reachable }, 'connectivity published');
  return score;
}

async function start(ctx: ActionContext): Promise<OcfRc> {
  // The first value is written at once: location rules should not wait a dampening period to see the node.
  await publish(ctx, false);
  new StateFile('ping', ctx.env).create();
  return OcfRc.Success;
}

async function stop(ctx: ActionContext): Promise<OcfRc> {
  const state = new StateFile('ping', ctx.env);
  if (!state.exists()) return OcfRc.Success;
  const client = api(ctx);
  try {
    await client.setAttribute({ node: await nodeName(ctx, client), name: ctx.params.name, value: null, lifetime: 'reboot' });
  } catch (err) {
    // The attribute is transient: a daemon that is gone takes it along. Stopping must still succeed.
    ctx.log.warn({ err }, 'could not remove the attribute');
  }
  state.remove();
  return OcfRc.Success;
}

async function monitor(ctx: ActionContext): Promise<OcfRc> {
  if (!new StateFile('ping', ctx.env).exists()) return OcfRc.NotRunning;
  // A probe only reports state; recurring monitors measure and publish (with dampening).
  if (ctx.intervalMs > 0) await publish(ctx, true);
  return OcfRc.Success;
}

async function validateAll(ctx: ActionContext): Promise<OcfRc> {
  parseDelayMs(ctx.params.dampen);
  return hosts(ctx).length > 0 ? OcfRc.Success : OcfRc.ErrConfigured;
}

export const pingAgent: AgentDefinition = {
  name: 'ping',
  version: '1.0',
  shortdesc: 'Network connectivity as a node attribute (vigil)',
  longdesc:
    'Checks which hosts of host_list answer (ICMP echo via ping, or a TCP connect) and publishes multiplier x reachable as the transient node attribute `name` through vigild, dampened, so that rules such as `location l vm rule -inf: not_defined pingd or pingd lte 0` move resources off a node that lost its network. Clone it on every node.',
  parameters: [
    { name: 'host_list', type: 'string', required: true, shortdesc: 'Hosts to check', longdesc: 'Space-separated host names or addresses.', check: (v) => (v.trim() ? undefined : 'at least one host') },
    { name: 'name', type: 'string', default: 'pingd', shortdesc: 'Attribute name', longdesc: 'Name of the node attribute to publish.' },
    { name: 'multiplier', type: 'integer', default: '1', shortdesc: 'Score per reachable host', longdesc: 'The attribute is multiplier x number of reachable hosts.', check: atLeast(1) },
    { name: 'dampen', type: 'string', default: '5s', shortdesc: 'Dampening', longdesc: 'A changed value is written only after it stayed the same this long (Pacemaker time spec: 5, 5s, 500ms).', check: (v) => (/^\d+\s*(ms|s|m|h)?$/i.test(v) ? undefined : 'a time such as 5s or 500ms') },
    { name: 'method', type: 'string', default: 'icmp', shortdesc: 'icmp or tcp', longdesc: 'icmp: ping; tcp: connect to `port`.', check: (v) => (['icmp', 'tcp'].includes(v) ? undefined : 'icmp or tcp') },
    { name: 'port', type: 'integer', default: '22', shortdesc: 'TCP port for method=tcp', longdesc: 'Port to connect to when method=tcp.', check: atLeast(1) },
    { name: 'timeout', type: 'integer', default: '2', shortdesc: 'Seconds per attempt', longdesc: 'How long to wait for an answer per attempt.', check: atLeast(1) },
    { name: 'attempts', type: 'integer', default: '2', shortdesc: 'Attempts per host', longdesc: 'ICMP echo requests per host; one answer counts as reachable.', check: atLeast(1) },
  ],
  actions: standardActions({ start: 20, stop: 20, monitor: 20, monitorInterval: 10 }),
  handlers: { start, stop, monitor, status: monitor, 'validate-all': validateAll },
};
