import type { ShellSession } from './session.js';

/** One command of a shell level (`configure show`, `resource move`, …). */
export interface ShellCommand {
  summary: string;
  usage: string;
  run(session: ShellSession, args: string[]): Promise<number>;
  /** Candidates for the last (partial) word of `args`; used by Tab completion. */
  complete?(session: ShellSession, args: string[]): Promise<string[]>;
}

/** A level groups commands, as crmsh's configure/resource/node/cluster levels do. */
export interface Level {
  name: string;
  summary: string;
  commands: Record<string, ShellCommand>;
}

export function levelHelp(level: Level, command?: string): string {
  if (command !== undefined) {
    const cmd = level.commands[command];
    if (!cmd) return `${level.name}: no command '${command}' (commands: ${Object.keys(level.commands).sort().join(', ')})\n`;
    return `usage: ${cmd.usage}\n\n${cmd.summary}\n`;
  }
  const width = Math.max(...Object.keys(level.commands).map((k) => k.length));
  const lines = Object.entries(level.commands)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, cmd]) => `  ${name.padEnd(width)}  ${cmd.summary}`);
  return `${level.name}: ${level.summary}\n\n${lines.join('\n')}\n\n'help <command>' shows its usage.\n`;
}
