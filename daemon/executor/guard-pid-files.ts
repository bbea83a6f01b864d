import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Processes a resource consists of that are not in its agent's process group (QEMU is a
 * child of libvirtd, not of the VirtualDomain agent): the agent names each in
 * HA_RSCTMP/guard-pids/<resource>.pid, one pid per line, so the guard process kills them
 * too when the daemon dies. Shell agents write the same file with `echo $pid > ...`.
 */
export const GUARD_PID_DIR = 'guard-pids';

export const guardPidFile = (rscTmpDir: string, resource: string): string => join(rscTmpDir, GUARD_PID_DIR, `${resource}.pid`);

/** Names `pids` as part of `resource` (atomic: the daemon never reads half a file). */
export function writeGuardPids(rscTmpDir: string, resource: string, pids: number[]): void {
  const file = guardPidFile(rscTmpDir, resource);
  mkdirSync(join(rscTmpDir, GUARD_PID_DIR), { recursive: true });
  writeFileSync(`${file}.tmp`, pids.map((p) => `${p}\n`).join(''));
  renameSync(`${file}.tmp`, file);
}

export function removeGuardPids(rscTmpDir: string, resource: string): void {
  rmSync(guardPidFile(rscTmpDir, resource), { force: true });
}

/** Linux reports process start times in USER_HZ ticks, 100 on every mainstream architecture. */
const USER_HZ = 100;

function bootTimeS(): number {
  return Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);
}

/** Start time (epoch s) of a live, non-zombie process; undefined if there is none. */
function processStartS(pid: number, bootS: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') return undefined;
  return bootS + Number(fields[19]) / USER_HZ;
}

/**
 * Every live process named in `rscTmpDir`'s pid files. A pid whose process started after
 * its file was written is a recycled pid (the named process died): never a target.
 */
export function readGuardPids(rscTmpDir: string): number[] {
  const dir = join(rscTmpDir, GUARD_PID_DIR);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.pid'));
  } catch {
    return [];
  }
  const bootS = bootTimeS();
  const pids: number[] = [];
  for (const f of files) {
    let text: string;
    let writtenS: number;
    try {
      text = readFileSync(join(dir, f), 'utf8');
      writtenS = statSync(join(dir, f)).mtimeMs / 1000;
    } catch {
      continue; // removed meanwhile (a stop)
    }
    for (const line of text.split('\n')) {
      const pid = Number(line.trim());
      if (!Number.isInteger(pid) || pid <= 1) continue;
      const started = processStartS(pid, bootS);
      // one tick of slack either side: start times and mtimes have different resolutions
      if (started !== undefined && started <= writtenS + 1) pids.push(pid);
    }
  }
  return pids;
}
