/**
 * The guard: a tiny separate process per node that SIGKILLs the node's
 * resource process groups when the daemon stops petting it in time — the
 * stand-in for /dev/watchdog on machines (and tests) without one. It shares
 * nothing with the daemon but a pipe, so a hung or killed daemon cannot
 * keep it from firing. Protocol: guard-protocol.ts.
 */
import { createInterface } from 'node:readline';
import { resolveGuardWatch } from '../executor/guard-pid-files.js';
import { createLogger } from '../util/logger.js';
import { firedLine, monotonicNowMs, parseGuardCommand, READY_LINE, type GuardTargets } from './guard-protocol.js';

const node = process.argv[2] ?? 'unknown';
const log = createLogger({ node }).child({ component: 'guard' });
let targets: GuardTargets = { groups: [], pids: [], watches: [] };
let timer: NodeJS.Timeout | undefined;
let daemonGone = false;

/** SIGKILL to a process (pid) or a process group (-pgid); one already gone is fine. */
function kill(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') log.error({ err, target }, 'could not kill');
  }
}

function fire(): void {
  timer = undefined;
  for (const pgid of targets.groups) kill(-pgid);
  // looked up only now: a watched process may have appeared after the daemon's last word
  const watched = targets.watches.flatMap((w) => resolveGuardWatch(w) ?? []);
  for (const pid of [...targets.pids, ...watched]) kill(pid);
  log.error({ groups: targets.groups, pids: targets.pids, watched }, 'not petted in time: killed all resource processes');
  if (daemonGone) process.exit(0);
  process.stdout.write(firedLine(targets.groups.length + targets.pids.length + watched.length));
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const cmd = parseGuardCommand(line);
  if (!cmd) {
    log.warn({ line: line.slice(0, 200) }, 'ignored a line that is not a guard command');
    return;
  }
  if (cmd.kind === 'targets') targets = { groups: cmd.groups, pids: cmd.pids, watches: cmd.watches };
  else {
    clearTimeout(timer);
    timer = cmd.kind === 'pet' ? setTimeout(fire, Math.max(0, cmd.deadline - monotonicNowMs())) : undefined;
  }
});
input.on('close', () => {
  daemonGone = true;
  if (timer === undefined) process.exit(0);
  log.warn(targets, 'daemon went away while armed: will fire at the deadline');
});
// Only the timer or a disarm decides; a stray SIGTERM while armed must not end the protection.
process.on('SIGTERM', () => {
  if (timer === undefined) process.exit(0);
  log.warn('SIGTERM while armed: ignored, firing at the deadline unless disarmed');
});
process.stdout.on('error', () => undefined); // the daemon is gone; keep guarding until the deadline
process.stdout.write(READY_LINE + '\n');
log.info({ pid: process.pid }, 'guard running');
