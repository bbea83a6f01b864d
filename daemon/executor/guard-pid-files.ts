import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Processes a resource consists of that are not in its agent's process group (QEMU is a
 * child of libvirtd, not of the VirtualDomain agent): the agent names each in
 * HA_RSCTMP/guard-pids/<resource>.pid, one "PID STARTTIME" per line (STARTTIME: field 22 of
 * /proc/PID/stat, clock ticks since boot), so the guard process kills them too when the
 * daemon dies. The start time tells a recycled pid from the named process, without trusting
 * the wall clock. Shell agents write it with `echo "$pid $(cut -d' ' -f22 /proc/$pid/stat)"`.
 */
export const GUARD_PID_DIR = 'guard-pids';

export const guardPidFile = (rscTmpDir: string, resource: string): string => join(rscTmpDir, GUARD_PID_DIR, `${resource}.pid`);

/** Names `pids` (live processes) as part of `resource` (atomic: the daemon never reads half a file). */
export function writeGuardPids(rscTmpDir: string, resource: string, pids: number[]): void {
  const file = guardPidFile(rscTmpDir, resource);
  const lines = pids.flatMap((pid) => {
    const started = processStartTicks(pid);
    return started === undefined ? [] : [`${pid} ${started}\n`];
  });
  mkdirSync(join(rscTmpDir, GUARD_PID_DIR), { recursive: true });
  writeFileSync(`${file}.tmp`, lines.join(''));
  renameSync(`${file}.tmp`, file);
}

export function removeGuardPids(rscTmpDir: string, resource: string): void {
  rmSync(guardPidFile(rscTmpDir, resource), { force: true });
}

/** Start time (ticks since boot) of a live, non-zombie process; undefined if there is none. */
function processStartTicks(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' ? undefined : fields[19];
}

/** Every live process named in `rscTmpDir`'s pid files whose start time still matches (not a recycled pid). */
export function readGuardPids(rscTmpDir: string): number[] {
  const dir = join(rscTmpDir, GUARD_PID_DIR);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.pid'));
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, f), 'utf8');
    } catch {
      continue; // removed meanwhile (a stop)
    }
    for (const line of text.split('\n')) {
      const [pid, started] = line.trim().split(/\s+/).map(Number);
      if (Number.isInteger(pid) && pid > 1 && processStartTicks(pid) === String(started)) pids.push(pid);
    }
  }
  return pids;
}
