import { join } from 'node:path';
import { projectDir } from '../../../daemon/executor/project-paths.js';
import { runCommandRaw } from '../../../resource-agents/lib/run-command.js';

/** Found from package.json, so it is right from sources (vitest) and from dist/ (bench). */
export const PROJECT_DIR = projectDir();
export const VIGIL_OCF_ROOT = join(PROJECT_DIR, 'resource-agents', 'ocf');
export const COMPAT_DIR = join(PROJECT_DIR, 'resource-agents', 'compat');

export interface AgentRun {
  rc: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs an OCF agent as an executor would: a separate process, OCF_ROOT and
 * OCF_RESKEY_* in the environment, the compat commands first on PATH.
 * `params` become OCF_RESKEY_<name>; `meta` become OCF_RESKEY_CRM_meta_<name>.
 */
export async function runAgent(
  agentPath: string,
  action: string,
  opts: {
    params?: Record<string, string>;
    meta?: Record<string, string>;
    env?: Record<string, string>;
    instance?: string;
    ocfRoot?: string;
    /** Command prefix, e.g. ['ip', 'netns', 'exec', NS] to run the agent inside a network namespace. */
    wrap?: string[];
  } = {},
): Promise<AgentRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: `${COMPAT_DIR}:/usr/sbin:/usr/bin:/sbin:/bin`,
    OCF_ROOT: opts.ocfRoot ?? VIGIL_OCF_ROOT,
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_INSTANCE: opts.instance ?? 'test-rsc',
    VIGIL_LOG_LEVEL: 'warn',
    ...opts.env,
  };
  if (env.OCF_ROOT === VIGIL_OCF_ROOT) env.OCF_FUNCTIONS_DIR = '/usr/lib/ocf/lib/heartbeat';
  for (const [k, v] of Object.entries(opts.params ?? {})) env[`OCF_RESKEY_${k}`] = v;
  for (const [k, v] of Object.entries(opts.meta ?? {})) env[`OCF_RESKEY_CRM_meta_${k}`] = v;
  const t0 = Date.now();
  const [file, ...args] = [...(opts.wrap ?? []), agentPath, action];
  const r = await runCommandRaw(file, args, 300_000, { env });
  return { rc: r.code, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

export const vigilAgent = (name: string) => join(VIGIL_OCF_ROOT, 'resource.d', 'vigil', name);
