import { VigilError } from '../daemon/util/errors.js';

export class UsageError extends VigilError {
  override readonly code = 'USAGE';
}

/** Global flags every command understands; removed from argv before the command sees it. */
export interface GlobalOptions {
  output: 'text' | 'json';
  yes: boolean;
  socket?: string;
}

export function parseGlobalOptions(argv: string[]): { options: GlobalOptions; rest: string[] } {
  const options: GlobalOptions = { output: 'text', yes: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--yes' || arg === '-y') options.yes = true;
    else if (arg === '--output' || arg === '-o' || arg.startsWith('--output=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value !== 'json' && value !== 'text') throw new UsageError(`--output expects json or text, got '${value ?? ''}'`);
      options.output = value;
    } else if (arg === '--socket' || arg.startsWith('--socket=')) {
      options.socket = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
    } else rest.push(arg);
  }
  return { options, rest };
}

/** Splits `--flag` / `--flag=value` / `--flag value` options named in `valued` from positional words. */
export function parseFlags(args: string[], valued: string[] = []): { flags: Map<string, string>; words: string[] } {
  const flags = new Map<string, string>();
  const words: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (eq >= 0) flags.set(name, arg.slice(eq + 1));
    else if (valued.includes(name)) {
      if (args[i + 1] === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, args[++i]);
    } else flags.set(name, 'true');
  }
  return { flags, words };
}
