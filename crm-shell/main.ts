import type { CommandIo, CommandRun } from './command.js';
import { VigilError } from '../daemon/util/errors.js';

/** Top-level commands, loaded lazily so `vigil simulate` does not pay for the etcd client. */
const commands: Record<string, () => Promise<{ run: CommandRun }>> = {
  simulate: () => import('./commands/simulate.js'),
};

async function main(argv: string[]): Promise<number> {
  const io: CommandIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`usage: vigil <command> [args]\n\ncommands: ${Object.keys(commands).sort().join(', ')}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`vigil: unknown command '${name}' (try 'vigil help')\n`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const msg = err instanceof VigilError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`vigil: ${msg}\n`);
    process.exitCode = 1;
  },
);
