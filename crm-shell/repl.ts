import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { CommandIo } from './command.js';
import type { XmlElement } from '../daemon/cib/xml.js';
import { sameConfiguration } from './config-diff.js';
import { emptyConfiguration } from './configure/configuration.js';
import { tokenize } from './configure/lexer.js';
import { dispatch, loadLevel } from './dispatch.js';
import { describeError, EXIT, exitCodeFor } from './exit-codes.js';
import type { Level } from './level.js';
import { LEVELS, topLevel } from './levels.js';
import type { GlobalOptions } from './options.js';
import { ShellSession } from './session.js';

const NAVIGATION = ['help', 'up', 'end', 'quit', 'exit'];
const HISTORY_SIZE = 1000;

function historyFile(): string {
  return process.env.VIGIL_HISTORY ?? join(homedir(), '.vigil_history');
}

function loadHistory(): string[] {
  try {
    // readline wants the newest entry first.
    return readFileSync(historyFile(), 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

/** Words of a partial line; a trailing space means the user is starting a new word. */
function partialWords(line: string): string[] {
  const words = line.trimStart().split(/\s+/);
  return words.length === 0 ? [''] : words;
}

/** The interactive shell: levels, Tab completion, history, `help` everywhere. */
export async function runRepl(io: CommandIo, options: GlobalOptions): Promise<number> {
  const session = new ShellSession(io, options);
  const top = await topLevel();
  let level: Level = top;

  const candidates = async (words: string[]): Promise<string[]> => {
    const [first, ...rest] = words;
    if (words.length === 1) {
      const levelNames = level === top ? Object.keys(LEVELS) : [];
      return [...Object.keys(level.commands), ...levelNames, ...NAVIGATION];
    }
    if (level === top && LEVELS[first]) {
      const sub = await loadLevel(first);
      return sub ? (rest.length === 1 ? Object.keys(sub.commands) : ((await sub.commands[rest[0]]?.complete?.(session, rest.slice(1))) ?? [])) : [];
    }
    if (first === 'help') return [...Object.keys(level.commands), ...(level === top ? Object.keys(LEVELS) : [])];
    return (await level.commands[first]?.complete?.(session, rest)) ?? [];
  };

  const rl: Interface = createInterface({
    input: io.stdin as NodeJS.ReadableStream,
    output: io.stdout as NodeJS.WritableStream,
    terminal: true,
    history: loadHistory(),
    historySize: HISTORY_SIZE,
    completer: (line: string, callback: (err: null, result: [string[], string]) => void) => {
      const words = partialWords(line);
      const last = words[words.length - 1];
      candidates(words).then(
        (all) => callback(null, [[...new Set(all)].filter((c) => c.startsWith(last)).sort(), last]),
        () => callback(null, [[], last]),
      );
    },
  });
  session.ask = (question) => new Promise((resolve) => rl.question(question, resolve));
  // The editor needs the terminal to itself: readline stops reading and leaves raw mode meanwhile.
  session.lendTerminal = async (use) => {
    const stdin = io.stdin as NodeJS.ReadStream;
    rl.pause();
    stdin.setRawMode?.(false);
    try {
      return await use();
    } finally {
      stdin.setRawMode?.(true);
      rl.resume();
    }
  };
  const setPrompt = () => rl.setPrompt(level === top ? 'vigil# ' : `vigil(${level.name})# `);

  const enter = async (name: string): Promise<void> => {
    const next = await loadLevel(name);
    if (!next) return;
    if (name === 'configure') {
      try {
        const base = await session.liveCib();
        session.working = { configuration: structuredClone(base.configuration), base };
      } catch (err) {
        // Offline: edit an empty configuration; `commit` will say why it cannot write.
        session.err(`configure: ${describeError(err)}; editing offline`);
        const base = { cib: emptyConfiguration(), configuration: emptyConfiguration(), epoch: 0 };
        session.working = { configuration: emptyConfiguration(), base };
      }
    }
    level = next;
  };

  // Leaving configure with uncommitted changes warns once; the next `up` (with nothing typed between) drops them.
  let warnedAbout: XmlElement | undefined;
  const leave = (): boolean => {
    const working = session.working;
    if (level.name === 'configure' && working && !sameConfiguration(working.configuration, working.base.configuration) && warnedAbout !== working.configuration) {
      session.err("configure: uncommitted changes: 'commit' them, or 'up' again to drop them");
      warnedAbout = working.configuration;
      return false;
    }
    warnedAbout = undefined;
    session.working = undefined;
    level = top;
    return true;
  };

  const handle = async (line: string): Promise<boolean> => {
    const words = tokenize(line, '<input>').flatMap((s) => s.tokens.map((t) => t.text));
    const [first] = words;
    if (first === undefined) return true;
    if (first === 'quit' || first === 'exit' || first === 'bye') return false;
    if (first === 'up' || first === 'end' || first === 'cd') {
      leave();
      return true;
    }
    if (level === top && LEVELS[first] && words.length === 1) {
      await enter(first);
      return true;
    }
    await dispatch(session, words, level);
    return true;
  };

  setPrompt();
  rl.prompt();
  // Ctrl-C cancels the running command (e.g. status --watch); at the prompt it discards the line, as in bash.
  let running = false;
  rl.on('SIGINT', () => {
    if (running) {
      session.cancel.abort();
      return;
    }
    rl.write(null, { ctrl: true, name: 'u' });
    io.stdout.write('^C\n');
    rl.prompt();
  });

  let status: number = EXIT.ok;
  for await (const line of rl) {
    if (line.trim() !== '') {
      try {
        appendFileSync(historyFile(), `${line}\n`);
      } catch {
        // A read-only home must not stop the shell.
      }
    }
    let keepGoing = true;
    session.cancel = new AbortController();
    running = true;
    try {
      keepGoing = await handle(line);
      status = EXIT.ok;
    } catch (err) {
      session.err(`error: ${describeError(err)}`);
      status = exitCodeFor(err);
    } finally {
      running = false;
    }
    if (!keepGoing) break;
    setPrompt();
    rl.prompt();
  }
  rl.close();
  return status;
}
