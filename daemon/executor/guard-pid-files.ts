import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Processes a resource consists of that are not in its agent's process group (QEMU is a
 * child of libvirtd, not of the VirtualDomain agent), named for the node's guard so it kills
 * them too when the daemon dies. An agent names them in HA_RSCTMP/guard-pids/ in either form:
 *
 * - `<resource>.pid`: one "PID STARTTIME" per line (STARTTIME: field 22 of /proc/PID/stat,
 *   clock ticks since boot), for a process the agent knows. The start time tells a recycled
 *   pid from the named process without trusting the wall clock. Shell agents write it with
 *   `echo "$pid $(cut -d' ' -f22 /proc/$pid/stat)"`.
 * - `<resource>.watch`: one JSON {"pidFile", "arg"} per line, a standing watch read when the
 *   guard fires: the process that pid file names, if its command line holds `arg` (or
 *   `arg,…`, as QEMU's `guest=NAME,debug-threads=on`). It covers a process that appears
 *   without any agent running here — the QEMU an incoming live migration creates on the
 *   target before its migrate_from — so a node fenced mid-migration kills it as well.
 */
export const GUARD_PID_DIR = 'guard-pids';

export const guardPidFile = (rscTmpDir: string, resource: string): string => join(rscTmpDir, GUARD_PID_DIR, `${resource}.pid`);
export const guardWatchFile = (rscTmpDir: string, resource: string): string => join(rscTmpDir, GUARD_PID_DIR, `${resource}.watch`);

/** A process to find when the guard fires: the one `pidFile` names, if its command line holds `arg`. */
export interface GuardWatch {
  pidFile: string;
  arg: string;
}

/** Names `watch` as part of `resource`; rewrites the file (atomically) only when it changes, so monitors cause no churn. */
export function writeGuardWatch(rscTmpDir: string, resource: string, watch: GuardWatch): void {
  const file = guardWatchFile(rscTmpDir, resource);
  const text = JSON.stringify({ pidFile: watch.pidFile, arg: watch.arg }) + '\n';
  if (readOrEmpty(file) === text) return;
  mkdirSync(join(rscTmpDir, GUARD_PID_DIR), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** The resources that have files in `rscTmpDir`'s guard directory. */
export function guardFileResources(rscTmpDir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(join(rscTmpDir, GUARD_PID_DIR));
  } catch {
    return [];
  }
  return [...new Set(files.flatMap((f) => /^(.+)\.(?:pid|watch)$/.exec(f)?.[1] ?? []))];
}

/** Removes what `resource`'s agents named for the guard. */
export function removeGuardFiles(rscTmpDir: string, resource: string): void {
  rmSync(guardPidFile(rscTmpDir, resource), { force: true });
  rmSync(guardWatchFile(rscTmpDir, resource), { force: true });
}

/** Start time (ticks since boot) of a live, non-zombie process; undefined if there is none. */
function processStartTicks(pid: number): string | undefined {
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  if (stat === '') return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' ? undefined : fields[19];
}

/** The live process `watch` stands for now, if any. */
export function resolveGuardWatch(watch: GuardWatch): number | undefined {
  const pid = Number(readOrEmpty(watch.pidFile).trim());
  if (!Number.isInteger(pid) || pid <= 1 || processStartTicks(pid) === undefined) return undefined;
  const args = readOrEmpty(`/proc/${pid}/cmdline`).split('\0');
  return args.some((a) => a === watch.arg || a.startsWith(`${watch.arg},`)) ? pid : undefined;
}

/** What `rscTmpDir`'s files name: the live processes of the pid files (start time still matching) and the watches. */
export function readGuardTargets(rscTmpDir: string): { pids: number[]; watches: GuardWatch[] } {
  const dir = join(rscTmpDir, GUARD_PID_DIR);
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return { pids: [], watches: [] };
  }
  const pids: number[] = [];
  const watches: GuardWatch[] = [];
  for (const f of files) {
    // a file removed meanwhile (a stop) reads as empty
    const lines = readOrEmpty(join(dir, f)).split('\n').filter((l) => l.trim() !== '');
    if (f.endsWith('.pid')) {
      for (const line of lines) {
        const [pid, started] = line.trim().split(/\s+/).map(Number);
        if (Number.isInteger(pid) && pid > 1 && processStartTicks(pid) === String(started)) pids.push(pid);
      }
    } else if (f.endsWith('.watch')) {
      for (const line of lines) {
        const watch = parseWatch(line);
        if (watch) watches.push(watch);
      }
    }
  }
  return { pids, watches };
}

function parseWatch(line: string): GuardWatch | undefined {
  try {
    const v = JSON.parse(line) as Partial<GuardWatch>;
    return typeof v.pidFile === 'string' && typeof v.arg === 'string' && v.pidFile.startsWith('/') && v.arg !== '' ? { pidFile: v.pidFile, arg: v.arg } : undefined;
  } catch {
    return undefined;
  }
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
