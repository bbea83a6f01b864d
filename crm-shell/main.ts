import { tokenize } from './configure/lexer.js';
import type { CommandIo } from './command.js';
import { dispatch } from './dispatch.js';
import { EXIT, exitCodeFor, formatError } from './exit-codes.js';
import { parseGlobalOptions } from './options.js';
import { ShellSession } from './session.js';
import { tuneV8ForOneShot } from './v8-tuning.js';

/**
 * `vigil` with arguments runs one command; without, it is the interactive
 * shell on a terminal, or reads commands from stdin (one per line) in scripts.
 */
async function main(argv: string[]): Promise<number> {
  // Before any command's modules load (they are imported on first use).
  tuneV8ForOneShot();
  const io: CommandIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  const { options, rest } = parseGlobalOptions(argv);
  io.options = options;
  if (rest.length === 0) {
    if (process.stdin.isTTY) {
      const { runRepl } = await import('./repl.js');
      return runRepl(io, options);
    }
    return runScript(io, options);
  }
  try {
    return await dispatch(new ShellSession(io, options), rest);
  } catch (err) {
    io.stderr.write(formatError(err, options.output === 'json'));
    return exitCodeFor(err);
  }
}

async function runScript(io: CommandIo, options: ReturnType<typeof parseGlobalOptions>['options']): Promise<number> {
  let text = '';
  for await (const chunk of io.stdin) text += String(chunk);
  const session = new ShellSession(io, options);
  for (const statement of tokenize(text, '<stdin>')) {
    const code = await dispatch(session, statement.tokens.map((t) => t.text)).catch((err: unknown) => {
      io.stderr.write(formatError(err, options.output === 'json'));
      return exitCodeFor(err);
    });
    if (code !== EXIT.ok) return code;
  }
  return EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(formatError(err, false));
    process.exitCode = exitCodeFor(err);
  },
);
