/**
 * The guard: a tiny separate process per node that SIGKILLs the node's
 * resource process groups when the daemon stops petting it in time — the
 * stand-in for /dev/watchdog on machines (and tests) without one. It shares
 * nothing with the daemon but a pipe, so a hung or killed daemon cannot
 * keep it from firing. Protocol: guard-protocol.ts.
 */
import { createInterface } from 'node:readline';
import { createLogger } from '../util/logger.js';
import { signalGroup } from '../executor/process-group.js';
import { GUARD_FIRED_EXIT, parseGuardCommand } from './guard-protocol.js';

const node = process.argv[2] ?? 'unknown';
const log = createLogger({ node }).child({ component: 'guard' });
let targets: number[] = [];
let timer: NodeJS.Timeout | undefined;

function fire(): void {
  for (const pgid of targets) {
    try {
      signalGroup(pgid, 'SIGKILL');
    } catch (err) {
      log.error({ err, pgid }, 'could not kill process group');
    }
  }
  log.error({ groups: targets }, 'not petted in time: killed all resource process groups');
  process.exit(GUARD_FIRED_EXIT);
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const cmd = parseGuardCommand(line);
  if (!cmd) {
    log.warn({ line: line.slice(0, 200) }, 'ignored a line that is not a guard command');
    return;
  }
  if (cmd.kind === 'targets') targets = cmd.groups;
  else if (cmd.kind === 'pet') {
    clearTimeout(timer);
    timer = setTimeout(fire, cmd.withinMs);
  } else {
    clearTimeout(timer);
    timer = undefined;
  }
});
input.on('close', () => {
  if (timer === undefined) process.exit(0);
  log.warn({ groups: targets }, 'daemon went away while armed: will fire at the deadline');
});
// Keep the signal handlers from ending us early: only the timer or a disarm decides.
process.on('SIGTERM', () => {
  if (timer === undefined) process.exit(0);
  log.warn('SIGTERM while armed: ignored, firing at the deadline unless disarmed');
});
log.info({ pid: process.pid }, 'guard running');
