/** ANSI colour on a terminal, identity when piped (and with NO_COLOR). */
export interface Colours {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const plain = (s: string) => s;

export function colours(enabled: boolean): Colours {
  if (!enabled) return { red: plain, green: plain, yellow: plain, bold: plain, dim: plain };
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), bold: wrap(1), dim: wrap(2) };
}
