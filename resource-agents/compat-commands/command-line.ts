import { VigilError } from '../../daemon/util/errors.js';

/** A compat command was called with options it does not accept (Pacemaker's CRM_EX_USAGE). */
export class UsageError extends VigilError {
  override readonly code = 'COMPAT_USAGE';
}

export interface OptionSpec {
  short: string;
  long: string;
  /** Takes a value (-n NAME, -nNAME, --name=NAME, --name NAME). */
  value: boolean;
}

/** Parsed options keyed by long name; flags map to 'true'. Repeated options keep the last value. */
export type Options = Map<string, string>;

/** getopt-style parsing of the subset of Pacemaker's command lines that agents use. */
export function parseOptions(argv: string[], specs: OptionSpec[]): Options {
  const options: Options = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const [name, value] = arg.slice(2).split(/=(.*)/s, 2);
      spec = specs.find((s) => s.long === name);
      inline = value;
    } else if (arg.startsWith('-') && arg.length >= 2) {
      spec = specs.find((s) => s.short === arg[1]);
      if (arg.length > 2) inline = arg.slice(2);
    }
    if (!spec) throw new UsageError(`unknown option '${arg}'`);
    if (!spec.value) {
      if (inline !== undefined && !arg.startsWith('--')) throw new UsageError(`option -${spec.short} takes no value`);
      options.set(spec.long, 'true');
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`option '${arg}' needs a value`);
    options.set(spec.long, value);
  }
  return options;
}

/** Pacemaker's exit codes that agents look at. */
export const CrmExit = {
  Ok: 0,
  Error: 1,
  Usage: 64,
  NoSuch: 105,
  NotConnected: 102,
} as const;
