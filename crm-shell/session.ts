import { ApiClient } from '../daemon/api/client.js';
import type { VigilApi } from '../daemon/api/contract.js';
import { firstChild, parseXml, writeXml, type XmlElement } from '../daemon/cib/xml.js';
import { VigilError } from '../daemon/util/errors.js';
import type { CommandIo } from './command.js';
import { colours, type Colours } from './colour.js';
import { EXIT } from './exit-codes.js';
import type { GlobalOptions } from './options.js';

export class ConfirmationRequiredError extends VigilError {
  override readonly code = 'CONFIRMATION_REQUIRED';
}

export interface LiveCib {
  cib: XmlElement;
  configuration: XmlElement;
  epoch: number;
}

/**
 * What a command runs against: the daemon API, output streams and options,
 * and — at the interactive configure level — an uncommitted working copy.
 */
export class ShellSession {
  private client?: VigilApi;
  /** configure level: edits since the last commit, and the epoch they were based on. */
  working?: { configuration: XmlElement; base: LiveCib };
  /** Set by the REPL: asks on the terminal. */
  ask?: (question: string) => Promise<string>;
  /** Ctrl-C for the running command: the REPL aborts it (one-shot commands may also wire SIGINT to it). */
  cancel = new AbortController();
  /** Set by the REPL: hands the terminal to a child (an editor) and takes it back afterwards. */
  lendTerminal?: <T>(use: () => Promise<T>) => Promise<T>;

  constructor(
    readonly io: CommandIo,
    readonly options: GlobalOptions,
    api?: VigilApi,
  ) {
    this.client = api;
  }

  get api(): VigilApi {
    this.client ??= new ApiClient(this.options.socket);
    return this.client;
  }

  get colour(): Colours {
    return colours(Boolean((this.io.stdout as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR);
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  /** Waits `ms`, or less if the command is cancelled. */
  pause(ms: number): Promise<void> {
    const signal = this.cancel.signal;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }

  async liveCib(): Promise<LiveCib> {
    const cib = parseXml(await this.api.getCib(), 'live CIB');
    const configuration = firstChild(cib, 'configuration') ?? { name: 'configuration', attrs: {}, children: [] };
    return { cib, configuration, epoch: Number(cib.attrs.epoch ?? 0) };
  }

  /** The configuration commands read and edit: the working copy when one is open, else the live one. */
  async currentConfiguration(): Promise<XmlElement> {
    return this.working?.configuration ?? (await this.liveCib()).configuration;
  }

  /**
   * Asks before changing the cluster. --yes answers yes; without a terminal the
   * shell never waits for an answer that cannot come: it refuses instead.
   */
  async confirm(question: string): Promise<boolean> {
    if (this.options.yes) return true;
    if (this.ask) return /^y(es)?$/i.test((await this.ask(`${question} [y/N] `)).trim());
    if (!(this.io.stdin as NodeJS.ReadStream).isTTY) {
      throw new ConfirmationRequiredError(`${question.replace(/\?$/, '')}: not confirmed (stdin is not a terminal; pass --yes)`);
    }
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: this.io.stdin as NodeJS.ReadableStream, output: this.io.stderr as NodeJS.WritableStream });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  }

  /**
   * Replaces the live configuration with `next` if it differs: validates, shows
   * the diff, asks, then writes with compare-and-swap on the epoch it was based on.
   */
  async commit(next: XmlElement, base: LiveCib, what = 'commit', ask = true): Promise<number> {
    // Loaded here: the crm-syntax machinery behind them is not needed by read-only commands such as simulate.
    const [{ validateConfiguration }, { configurationDiff, sameConfiguration }] = await Promise.all([import('./configuration-file.js'), import('./config-diff.js')]);
    validateConfiguration(next);
    if (sameConfiguration(base.configuration, next)) {
      if (this.options.output === 'json') this.json({ changed: false, epoch: base.epoch });
      else this.out(`no changes (epoch ${base.epoch})`);
      return EXIT.ok;
    }
    const diff = configurationDiff(base.configuration, next);
    if (this.options.output !== 'json') this.out(this.colourDiff(diff));
    if (ask && !(await this.confirm(`${what} these changes?`))) {
      this.err(`${what}: cancelled, nothing changed`);
      return EXIT.declined;
    }
    const { epoch } = await this.api.replaceConfiguration({ xml: writeXml(next), expectEpoch: base.epoch });
    if (this.options.output === 'json') this.json({ changed: true, epoch, diff });
    else this.out(`${what}: done (epoch ${base.epoch} -> ${epoch})`);
    return EXIT.ok;
  }

  private colourDiff(diff: string): string {
    const c = this.colour;
    return diff
      .split('\n')
      .map((l) => (l.startsWith('+') ? c.green(l) : l.startsWith('-') ? c.red(l) : l))
      .join('\n');
  }
}
