import type { CommandIo } from '../command.js';
import { parseCib } from '../../daemon/cib/parse.js';
import { decodeCibText, readCibFileAsync } from '../../daemon/cib/cib-text.js';
import { parseNow } from '../../daemon/cib/rules.js';
import { scheduleWithStatus, formatClusterStatus, executionOrder, type Action } from '../../daemon/scheduler/index.js';
import { VigilError } from '../../daemon/util/errors.js';

const USAGE = 'usage: vigil simulate -x FILE|- [-S] [-L] [-t TIME]\n';

async function readInput(file: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (file !== '-') return readCibFileAsync(file);
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return decodeCibText(Buffer.concat(chunks));
}

function describeAction(a: Action): string {
  if (a.kind === 'pseudo') return `  * Pseudo action:   ${a.key}`;
  const task = a.operation === 'monitor' ? `monitor${a.intervalMs ? `=${a.intervalMs}` : ''}` : a.operation;
  return `  * Resource action: ${(a.resource ?? '').padEnd(15)} ${task} on ${a.node}`;
}

/**
 * `vigil simulate`: what the scheduler would do with a CIB, in crm_simulate's
 * format. `started`: the -x file's text, when the caller began reading it
 * before loading this module (see live-simulate.ts).
 */
export const run = async (args: string[], io: CommandIo, started?: Promise<string>): Promise<number> => {
  let file: string | undefined;
  let now: Date | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-x' || a === '--xml-file') file = args[++i];
    else if (a === '-t' || a === '--set-datetime') {
      const t = args[++i];
      now = t === undefined ? undefined : parseNow(t);
      if (!now) {
        io.stderr.write(`vigil simulate: invalid time "${t ?? ''}"\n${USAGE}`);
        return 2;
      }
    } else if (['-S', '--simulate', '-L', '--live-check', '-R', '--run', '-Q', '--quiet'].includes(a)) continue;
    else {
      io.stderr.write(`vigil simulate: unknown argument "${a}"\n${USAGE}`);
      return 2;
    }
  }
  if (file === undefined) {
    io.stderr.write(USAGE);
    return 2;
  }
  try {
    const text = await (started ?? readInput(file, io.stdin));
    const cib = parseCib(text, file === '-' ? '<stdin>' : file);
    const { transition: t, status } = scheduleWithStatus(cib, { now });
    const out: string[] = ['Current cluster status:', formatClusterStatus(status), 'Transition Summary:'];
    for (const l of t.summary) out.push(`  ${l}`);
    out.push('', 'Executing Cluster Transition:');
    for (const a of executionOrder(t.actions)) out.push(describeAction(a));
    io.stdout.write(out.join('\n') + '\n');
    return 0;
  } catch (err) {
    if (err instanceof VigilError) {
      io.stderr.write(`vigil simulate: ${err.message}\n`);
      return 1;
    }
    // A file that cannot be read (missing, a directory, no permission): said in one line, not as a crash.
    if (typeof (err as NodeJS.ErrnoException).syscall === 'string') {
      io.stderr.write(`vigil simulate: cannot read ${file}: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
};
