import { readdirSync, readFileSync } from 'node:fs';

/** Fields of /proc/PID/stat after the command name (which may itself contain spaces and parentheses). */
function statFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** State letter of a process (R, S, D, Z, …), undefined when it is gone. */
export function processState(pid: number): string | undefined {
  return statFields(String(pid))?.[0];
}

/** The process groups that have at least one live (non-zombie) member, from one pass over /proc. */
export function liveProcessGroups(): Set<number> {
  const groups = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields && fields[0] !== 'Z') groups.add(Number(fields[2]));
  }
  return groups;
}

/**
 * Whether any live (non-zombie) process is in the group. kill(-pgid, 0) alone
 * is not enough: on machines where PID 1 does not reap, killed orphans linger
 * as zombies that still count as group members.
 */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return liveProcessGroups().has(pgid);
}

/** Sends a signal to a whole process group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to the group, then SIGKILL if anything in it still lives after the grace period. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(Math.min(10, graceMs));
    if (!processGroupAlive(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
}
