import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRef } from '../scheduler/transition.js';

/** Where an agent's executable was found and how it must be driven. */
export interface ResolvedAgent {
  /** Absolute path of the executable. */
  path: string;
  /** 'ocf' agents get the OCF environment; 'lsb' init scripts get only the action. */
  kind: 'ocf' | 'lsb';
  /** The OCF root the agent lives under (its OCF_ROOT); absent for lsb. */
  ocfRoot?: string;
  /** OCF_FUNCTIONS_DIR when the agent's own root has no ocf-shellfuncs (e.g. the project's root). */
  functionsDir?: string;
}

/** Why an agent could not be resolved: recorded as the operation's output. */
export interface UnresolvedAgent {
  reason: string;
}

/** Where lsb:/service: init scripts live unless the executor is told otherwise. */
export const DEFAULT_LSB_DIRS = ['/etc/init.d'];

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const hasShellFunctions = (root: string) => existsSync(join(root, 'lib', 'heartbeat', 'ocf-shellfuncs'));

/** Agents that source $OCF_FUNCTIONS_DIR/ocf-shellfuncs from a root without it borrow the first root that has it. */
function shellFunctionsDir(root: string, ocfRoots: readonly string[]): string | undefined {
  if (hasShellFunctions(root)) return undefined;
  const other = ocfRoots.find(hasShellFunctions);
  return other ? join(other, 'lib', 'heartbeat') : undefined;
}

// Agent names end up in a path: refuse anything that could leave the agent directory.
const SAFE_NAME = /^[A-Za-z0-9_.+-]+$/;

/**
 * Finds an agent's executable. OCF agents are looked up as
 * ROOT/resource.d/PROVIDER/TYPE in the ordered list of OCF roots (first match
 * wins, so the project's agents can shadow Debian's); lsb/service agents as
 * DIR/TYPE in the init script directories (/etc/init.d).
 */
export function resolveAgent(agent: AgentRef, ocfRoots: readonly string[], lsbDirs: readonly string[] = DEFAULT_LSB_DIRS): ResolvedAgent | UnresolvedAgent {
  const label = `${agent.class}${agent.provider ? ':' + agent.provider : ''}:${agent.type}`;
  if (!SAFE_NAME.test(agent.type) || (agent.provider !== undefined && !SAFE_NAME.test(agent.provider))) {
    return { reason: `agent ${label}: name contains characters not allowed in an agent name` };
  }
  if (agent.class === 'ocf') {
    if (!agent.provider) return { reason: `agent ${label}: ocf agents need a provider` };
    for (const root of ocfRoots) {
      const path = join(root, 'resource.d', agent.provider, agent.type);
      if (executable(path)) return { path, kind: 'ocf', ocfRoot: root, functionsDir: shellFunctionsDir(root, ocfRoots) };
    }
    return { reason: `agent ${label} not found (or not executable) under ${ocfRoots.map((r) => join(r, 'resource.d')).join(', ')}` };
  }
  if (agent.class === 'lsb' || agent.class === 'service') {
    for (const dir of lsbDirs) {
      const path = join(dir, agent.type);
      if (executable(path)) return { path, kind: 'lsb' };
    }
    return { reason: `agent ${label} not found (or not executable) in ${lsbDirs.join(', ')}` };
  }
  return { reason: `agent ${label}: class ${agent.class} is not supported by the executor` };
}

export const isResolved = (r: ResolvedAgent | UnresolvedAgent): r is ResolvedAgent => 'path' in r;
