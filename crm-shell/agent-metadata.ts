import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenNamed, firstChild, parseXml } from '../daemon/cib/xml.js';
import { isResolved, resolveAgent } from '../daemon/executor/agent-resolver.js';

/** The project's agents shadow Debian's, as in the executor. */
export const OCF_ROOTS = [fileURLToPath(new URL('../../resource-agents/ocf', import.meta.url)), process.env.OCF_ROOT ?? '/usr/lib/ocf'];

const listDir = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/** Every installed OCF agent as class:provider:type, for completion. */
export function listAgents(): string[] {
  const agents = new Set<string>();
  for (const root of OCF_ROOTS) {
    for (const provider of listDir(join(root, 'resource.d'))) {
      for (const type of listDir(join(root, 'resource.d', provider))) if (!type.startsWith('.')) agents.add(`ocf:${provider}:${type}`);
    }
  }
  return [...agents].sort();
}

export interface AgentParameter {
  name: string;
  required: boolean;
  shortdesc: string;
}

const cache = new Map<string, Promise<AgentParameter[]>>();

/** The parameters an agent's `meta-data` action declares; empty when the agent cannot be run. */
export function agentParameters(agent: string): Promise<AgentParameter[]> {
  let found = cache.get(agent);
  if (!found) {
    found = readParameters(agent);
    cache.set(agent, found);
  }
  return found;
}

async function readParameters(agent: string): Promise<AgentParameter[]> {
  const [cls, provider, type] = agent.split(':');
  if (cls !== 'ocf' || !type) return [];
  const resolved = resolveAgent({ class: 'ocf', provider, type }, OCF_ROOTS);
  if (!isResolved(resolved)) return [];
  const env = { ...process.env, OCF_ROOT: resolved.ocfRoot, ...(resolved.functionsDir ? { OCF_FUNCTIONS_DIR: resolved.functionsDir } : {}) };
  const xml = await new Promise<string>((resolve) => {
    execFile(resolved.path, ['meta-data'], { env, timeout: 5000 }, (_err, stdout) => resolve(stdout));
  });
  try {
    const params = firstChild(parseXml(xml), 'parameters');
    return childrenNamed(params ?? { name: '', attrs: {}, children: [] }, 'parameter').map((p) => ({
      name: p.attrs.name,
      required: p.attrs.required === '1',
      shortdesc: firstChild(p, 'shortdesc')?.text ?? '',
    }));
  } catch {
    return [];
  }
}
