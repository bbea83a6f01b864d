import { OcfRc } from '../../daemon/executor/operation.js';
import { createLogger, type Logger } from '../../daemon/util/logger.js';
import { AgentError, UnknownActionError } from './agent-errors.js';
import { buildMetaData, type AgentDescription } from './meta-data.js';
import { OpBudget } from './op-budget.js';
import { readParameters, type Parameters } from './parameters.js';

/** What an action gets: validated parameters, its time budget, a logger with resource/op fields. */
export interface ActionContext {
  action: string;
  params: Parameters;
  env: NodeJS.ProcessEnv;
  budget: OpBudget;
  log: Logger;
  /** Recurring monitor interval (OCF_RESKEY_CRM_meta_interval, ms); 0 for probes and one-shot ops. */
  intervalMs: number;
}

export type ActionHandler = (ctx: ActionContext) => Promise<OcfRc>;

export interface AgentDefinition extends AgentDescription {
  handlers: Record<string, ActionHandler>;
  /**
   * Called when reading parameters fails for this action; may turn the error
   * into a result (a probe of an unconfigured node is "not running", not an error).
   */
  onParameterError?: (action: string, error: AgentError, env: NodeJS.ProcessEnv) => OcfRc | undefined;
  /**
   * True when the process cannot exit normally (a native call is blocked in a
   * worker thread that exit() would wait for). The agent then kills itself and
   * its sh wrapper reports the SIGKILL status (137) as OCF_ERR_GENERIC.
   */
  mustAbandonProcess?: () => boolean;
}

/**
 * Runs one OCF action as the resource-agent API describes: the action is argv[2],
 * parameters come from OCF_RESKEY_*, the result is the exit code. Errors become
 * their OCF code with one clear line on stderr (the executor records it).
 */
export async function runAgent(agent: AgentDefinition, argv = process.argv, env = process.env): Promise<OcfRc> {
  const action = argv[2] ?? '';
  const log = createLogger().child({ agent: agent.name, resource: env.OCF_RESOURCE_INSTANCE, op: action });
  if (action === 'meta-data') {
    process.stdout.write(buildMetaData(agent));
    return OcfRc.Success;
  }
  const handler = agent.handlers[action];
  const advertised = agent.actions.find((a) => a.name === action);
  try {
    if (!handler) throw new UnknownActionError(action);
    let params: Parameters;
    try {
      params = readParameters(agent.parameters, env);
    } catch (err) {
      const rc = err instanceof AgentError ? agent.onParameterError?.(action, err, env) : undefined;
      if (rc === undefined) throw err;
      log.info({ rc, reason: (err as Error).message }, 'parameters incomplete; answered without acting');
      return rc;
    }
    const budget = OpBudget.fromEnv(env, (advertised?.timeoutS ?? 20) * 1000);
    const intervalMs = Number(env.OCF_RESKEY_CRM_meta_interval ?? 0) || 0;
    const rc = await handler({ action, params, env, budget, log, intervalMs });
    log.debug({ rc }, 'action finished');
    return rc;
  } catch (err) {
    const rc = err instanceof AgentError ? err.rc : OcfRc.ErrGeneric;
    // Expected failures are one line; anything else keeps its stack for debugging.
    if (err instanceof AgentError) log.error({ rc, code: err.code }, err.message);
    else log.error({ rc, err }, (err as Error).message);
    // The OCF exit-reason line is what the executor records and `vigil status` shows.
    process.stderr.write(`ocf-exit-reason:${agent.name} ${action}: ${(err as Error).message}\n`);
    return rc;
  }
}

/** Entry point helper for an agent's main module: run, flush, exit with the OCF code. */
export function main(agent: AgentDefinition): void {
  runAgent(agent).then(
    (rc) => {
      if (agent.mustAbandonProcess?.()) process.kill(process.pid, 'SIGKILL');
      else process.exit(rc);
    },
    (err: unknown) => {
      process.stderr.write(`${agent.name}: ${String(err)}\n`);
      process.exit(OcfRc.ErrGeneric);
    },
  );
}
