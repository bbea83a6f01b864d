import type { GuardWatch } from '../executor/guard-pid-files.js';

/**
 * Lines the daemon writes to its guard process's stdin:
 *   "targets g<pgid> p<pid> w<pidfile>:<arg> …" process groups, single processes, and watches
 *                              (URI-encoded) resolved to processes when the guard fires, to SIGKILL
 *   "pet <monotonic ms>"       fire at that CLOCK_MONOTONIC time unless petted again
 *   "disarm"                   do not fire (clean shutdown, or nothing left to protect)
 * The guard answers on stdout "ready" once it listens, and "fired <count>" each time it fired.
 * Deadlines are absolute on the system-wide monotonic clock, so a pet read
 * late (a busy pipe, a guard still starting) still fires on time.
 * End of input (the daemon died, or stopped) while armed leaves the timer
 * running: the guard still fires at the deadline, then exits; unarmed, it exits at once.
 */
export interface GuardTargets {
  /** Process groups (agents and what they started). */
  groups: number[];
  /** Single processes outside those groups (e.g. a QEMU that libvirtd started). */
  pids: number[];
  /** Processes to look up when firing (a QEMU that may appear later, e.g. an incoming migration's). */
  watches: GuardWatch[];
}

export type GuardCommand = ({ kind: 'targets' } & GuardTargets) | { kind: 'pet'; deadline: number } | { kind: 'disarm' };

/** CLOCK_MONOTONIC in ms: the same clock in every process on this machine (unlike performance.now()). */
export const monotonicNowMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);

export function formatGuardCommand(cmd: GuardCommand): string {
  switch (cmd.kind) {
    case 'targets':
      return (
        [
          'targets',
          ...cmd.groups.map((g) => `g${g}`),
          ...cmd.pids.map((p) => `p${p}`),
          ...cmd.watches.map((w) => `w${encodeURIComponent(w.pidFile)}:${encodeURIComponent(w.arg)}`),
        ].join(' ') + '\n'
      );
    case 'pet':
      return `pet ${Math.max(0, Math.floor(cmd.deadline))}\n`;
    case 'disarm':
      return 'disarm\n';
  }
}

/** Parses one line; undefined for a line that is not a command (ignored and logged by the guard). */
export function parseGuardCommand(line: string): GuardCommand | undefined {
  const [word, ...args] = line.trim().split(/\s+/);
  if (word === 'targets') return parseTargets(args);
  const numbers = args.map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 0)) return undefined;
  if (word === 'pet' && numbers.length === 1) return { kind: 'pet', deadline: numbers[0] };
  if (word === 'disarm' && numbers.length === 0) return { kind: 'disarm' };
  return undefined;
}

function parseTargets(args: string[]): GuardCommand | undefined {
  const targets: GuardTargets = { groups: [], pids: [], watches: [] };
  for (const arg of args) {
    const w = /^w([^:\s]+):([^:\s]+)$/.exec(arg);
    if (w) {
      const watch = decodeWatch(w[1], w[2]);
      if (!watch) return undefined;
      targets.watches.push(watch);
      continue;
    }
    const m = /^([gp])(\d+)$/.exec(arg);
    // 0 and 1 would mean "our own group" and init: never targets.
    if (!m || Number(m[2]) <= 1) return undefined;
    (m[1] === 'g' ? targets.groups : targets.pids).push(Number(m[2]));
  }
  return { kind: 'targets', ...targets };
}

function decodeWatch(pidFile: string, arg: string): GuardWatch | undefined {
  try {
    return { pidFile: decodeURIComponent(pidFile), arg: decodeURIComponent(arg) };
  } catch {
    return undefined; // a malformed %-escape
  }
}

export const READY_LINE = 'ready';

/** The guard's report that it fired (the count of groups it signalled). */
export const firedLine = (groups: number): string => `fired ${groups}\n`;
export const parseFiredLine = (line: string): number | undefined => {
  const m = /^fired (\d+)$/.exec(line.trim());
  return m ? Number(m[1]) : undefined;
};
