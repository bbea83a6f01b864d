import type { OperationRequest } from './operation.js';
import type { ResolvedAgent } from './agent-resolver.js';

/** Per-node settings that shape every agent's environment. */
export interface AgentEnvironmentOptions {
  /** Directory put first on PATH (vigil's attrd_updater, crm_node, … for standard agents). */
  compatDir?: string;
  /** HA_RSCTMP: where agents keep state files; per node, so several nodes can share one machine. */
  rscTmpDir: string;
  /** Node name, exported as OCF_RESKEY_CRM_meta_on_node like Pacemaker does. */
  node: string;
  /** Extra variables (e.g. VIGIL_API_SOCKET so compat commands find this node's daemon). */
  extra?: Record<string, string>;
}

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** PATH for agents: the compat directory first, then the system directories (sbin included: agents call ip, virsh, …). */
export function agentPath(compatDir: string | undefined, inherited: string | undefined): string {
  const parts = [...(compatDir ? [compatDir] : []), ...SYSTEM_PATH, ...(inherited ?? '').split(':')];
  return [...new Set(parts.filter((p) => p !== ''))].join(':');
}

// OCF_RESKEY_<name>: names become part of a shell variable name, so anything else is dropped.
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function invalidParameterNames(req: OperationRequest): string[] {
  return [...Object.keys(req.params), ...Object.keys(req.meta)].filter((n) => !VALID_NAME.test(n.replace(/-/g, '_')));
}

/**
 * The environment the OCF resource-agent API promises an agent: OCF_ROOT,
 * API version, instance/type/provider, instance attributes as OCF_RESKEY_*,
 * meta attributes (plus timeout and interval in ms) as OCF_RESKEY_CRM_meta_*,
 * and the HA_* variables ocf-shellfuncs reads. Meta names use underscores
 * (migrate-target → CRM_meta_migrate_target), as Pacemaker exports them.
 */
export function agentEnvironment(req: OperationRequest, agent: ResolvedAgent, opts: AgentEnvironmentOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: agentPath(opts.compatDir, process.env.PATH),
    LANG: 'C',
    LC_ALL: 'C',
    HOME: process.env.HOME ?? '/root',
    HA_RSCTMP: opts.rscTmpDir,
    HA_LOGTAG: `vigil-${req.resource}`,
    HA_debug: '0',
    HA_LOGFACILITY: 'none',
    HA_SBIN_DIR: '/usr/sbin',
    ...opts.extra,
  };
  if (agent.kind !== 'ocf') return env;
  Object.assign(env, {
    OCF_ROOT: agent.ocfRoot,
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_INSTANCE: req.resource,
    OCF_RESOURCE_TYPE: req.agent.type,
    OCF_RESOURCE_PROVIDER: req.agent.provider,
  });
  if (agent.functionsDir) env.OCF_FUNCTIONS_DIR = agent.functionsDir;
  for (const [name, value] of Object.entries(req.params)) env[`OCF_RESKEY_${name.replace(/-/g, '_')}`] = value;
  const meta: Record<string, string> = {
    on_node: opts.node,
    ...req.meta,
    timeout: String(req.timeoutMs),
    interval: String(req.intervalMs),
  };
  for (const [name, value] of Object.entries(meta)) env[`OCF_RESKEY_CRM_meta_${name.replace(/-/g, '_')}`] = value;
  return env;
}
