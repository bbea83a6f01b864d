import { allResources, section } from './configure/configuration.js';
import { agentParameters, listAgents } from './agent-metadata.js';
import type { ShellSession } from './session.js';

/** Completion must never fail a keystroke: an unreachable daemon just means no candidates. */
async function safely<T>(fn: () => Promise<T[]>): Promise<T[]> {
  try {
    return await fn();
  } catch {
    return [];
  }
}

export function resourceIds(session: ShellSession): Promise<string[]> {
  return safely(async () => allResources(await session.currentConfiguration()).map((r) => r.attrs.id));
}

export function nodeNames(session: ShellSession): Promise<string[]> {
  return safely(async () => {
    const configured = section(await session.currentConfiguration(), 'nodes').children.map((n) => n.attrs.uname ?? n.attrs.id);
    const members = session.working ? [] : (await session.api.nodeInfo()).members;
    return [...new Set([...configured, ...members])].sort();
  });
}

/** Ids of nodes, resources and constraints (the objects show/delete/rename name). */
export function completeIds(session: ShellSession): Promise<string[]> {
  return safely(async () => {
    const conf = await session.currentConfiguration();
    return [...section(conf, 'nodes').children, ...allResources(conf), ...section(conf, 'constraints').children].map((e) => e.attrs.id);
  });
}

const PRIMITIVE_KEYWORDS = ['params', 'meta', 'utilization', 'op'];

/** Candidates for the last word of a configure statement (agents, agent parameters, resource ids). */
export async function completeStatement(session: ShellSession, words: string[]): Promise<string[]> {
  const [keyword] = words;
  const position = words.length - 1;
  if (keyword === 'primitive') {
    if (position === 2) return listAgents();
    if (position < 3) return [];
    const sectionWord = words.slice(3, -1).reverse().find((w) => PRIMITIVE_KEYWORDS.includes(w));
    if (sectionWord === undefined || sectionWord === 'params') {
      const params = await agentParameters(words[2].includes(':') ? words[2] : `ocf:heartbeat:${words[2]}`);
      return [...params.map((p) => `${p.name}=`), ...PRIMITIVE_KEYWORDS];
    }
    return PRIMITIVE_KEYWORDS;
  }
  if (['group', 'clone', 'ms', 'colocation', 'order', 'location'].includes(keyword) && position >= 2) return resourceIds(session);
  return [];
}
