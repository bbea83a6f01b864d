import { EXIT } from './exit-codes.js';
import { levelHelp, type Level } from './level.js';
import { LEVELS, topLevel } from './levels.js';
import type { ShellSession } from './session.js';

export async function loadLevel(name: string): Promise<Level | undefined> {
  const load = LEVELS[name];
  return load ? load() : undefined;
}

/**
 * Runs one command line (already split into words) at a level: `help`
 * anywhere, a level name followed by its command, or a command of `level`.
 */
export async function dispatch(session: ShellSession, words: string[], level?: Level): Promise<number> {
  const current = level ?? (await topLevel());
  const [name, ...rest] = words;
  if (name === undefined) return EXIT.ok;
  if (name === 'help' || name === '--help' || name === '-h') {
    const sub = rest[0] !== undefined ? await loadLevel(rest[0]) : undefined;
    session.out(sub ? levelHelp(sub, rest[1]) : rest[0] !== undefined && current.commands[rest[0]] ? levelHelp(current, rest[0]) : helpText(current));
    return EXIT.ok;
  }
  const cmd = current.commands[name];
  if (cmd) {
    if (rest[0] === 'help' || rest[0] === '--help') {
      session.out(levelHelp(current, name));
      return EXIT.ok;
    }
    return cmd.run(session, rest);
  }
  const sub = await loadLevel(name);
  if (sub) return rest.length === 0 ? (session.out(levelHelp(sub)), EXIT.ok) : dispatch(session, rest, sub);
  session.err(`${current.name}: unknown command '${name}' (try 'help')`);
  return EXIT.usage;
}

function helpText(level: Level): string {
  const levels = level.name === 'vigil' ? `\nlevels: ${Object.keys(LEVELS).join(', ')} ('help <level>' lists their commands)\n` : '';
  return levelHelp(level) + levels;
}
