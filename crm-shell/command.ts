import type { GlobalOptions } from './options.js';

/** What every one-shot command module exports; main.ts dispatches to these. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** Global flags (--output, --yes, --socket); absent means the defaults. */
  options?: GlobalOptions;
}

/** A command returns its exit status: 0 ok, 1 failure reported on stderr, 2 usage error. */
export type CommandRun = (args: string[], io: CommandIo) => Promise<number>;
