import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parseXml, writeXml } from '../daemon/cib/xml.js';
import { readCibFileAsync } from '../daemon/cib/cib-text.js';
import type { CommandIo } from './command.js';
import type { ShellCommand } from './level.js';
import { UsageError } from './options.js';

/**
 * `vigil simulate`: what-if questions on the live CIB (or -x FILE), answered by
 * the scheduler's own simulate command (crm_simulate's output format). The
 * changes are made to a copy only; the cluster is not touched.
 */
const WHAT_IF = ['--node-down', '--node-up', '--fail'];

export const simulateCommand: ShellCommand = {
  summary: 'what-if on the live CIB (or -x FILE): --node-down N, --node-up N, --fail RSC@NODE[:OP]; nothing is changed',
  usage: 'simulate [-x FILE] [--node-down NODE]… [--node-up NODE]… [--fail RSC@NODE[:OP]]… [-t TIME]',
  async run(session, args) {
    const whatIf: Array<[string, string]> = [];
    const passThrough: string[] = [];
    let file: string | undefined;
    for (let i = 0; i < args.length; i += 1) {
      const eq = args[i].startsWith('--') ? args[i].indexOf('=') : -1;
      const name = eq < 0 ? args[i] : args[i].slice(0, eq);
      if (WHAT_IF.includes(name)) {
        const value = eq < 0 ? args[++i] : args[i].slice(eq + 1);
        if (value === undefined) throw new UsageError(`${name} needs a value`);
        whatIf.push([name, value]);
      } else if (name === '-x' || name === '--xml-file') file = args[++i];
      else passThrough.push(args[i]);
    }
    // Without a what-if, a file goes to the scheduler untouched: read it while the scheduler's modules load.
    const started = whatIf.length === 0 && file !== undefined && file !== '-' ? readCibFileAsync(file) : undefined;
    // (A failed read is reported where the text is awaited, not as an unhandled rejection meanwhile.)
    started?.catch(() => undefined);
    const mod = await import('./commands/simulate.js');
    if (whatIf.length === 0 && file !== undefined) return mod.run(args, session.io, started);
    const { failResource, nodeDown, nodeUp } = await import('./what-if.js');
    const cib = parseXml(file !== undefined ? await readFile(file, 'utf8') : await session.api.getCib(), file ?? 'live CIB');
    for (const [key, value] of whatIf) {
      if (key === '--node-down') nodeDown(cib, value);
      else if (key === '--node-up') nodeUp(cib, value);
      else {
        const m = /^([^@]+)@([^:]+)(?::(.+))?$/.exec(value);
        if (!m) throw new UsageError(`--fail expects RSC@NODE[:OP], got '${value}'`);
        failResource(cib, m[1], m[2], m[3]);
      }
    }
    const io: CommandIo = { ...session.io, stdin: Readable.from([writeXml(cib)]) };
    return mod.run(['-x', '-', ...passThrough], io);
  },
};
