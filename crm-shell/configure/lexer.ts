import type { SourceLocation } from '../../daemon/util/errors.js';
import { CrmSyntaxError } from './crm-syntax-error.js';

/**
 * crm syntax is shell-like: whitespace-separated words, quotes that may sit
 * inside a word (`params config="/a b.xml"`), `#` comments at the start of a
 * line or as `# …` after a word (elsewhere `#` is a word: `#uname`), one statement per
 * line with `\` joining lines, and the brackets of resource sets as their own
 * tokens. Every token keeps its line and column for error messages.
 */
export interface Token {
  text: string;
  line: number;
  column: number;
  /** True when any part was quoted: a quoted "(" is a word, not a bracket. */
  quoted: boolean;
}

export interface Statement {
  tokens: Token[];
  file?: string;
}

const BRACKETS = new Set(['(', ')', '[', ']', '{', '}']);

export function tokenLocation(token: Token, file?: string): SourceLocation {
  return { file, line: token.line, column: token.column };
}

export function tokenize(source: string, file?: string): Statement[] {
  const statements: Statement[] = [];
  let current: Token[] = [];
  let line = 1;
  let column = 1;
  let i = 0;
  const endStatement = () => {
    if (current.length > 0) statements.push({ tokens: current, file });
    current = [];
  };
  // Where the current line's first non-blank character is (comments start there).
  const firstColumnOfLine = () => {
    let start = i;
    while (start > 0 && source[start - 1] !== '\n') start -= 1;
    let col = 1;
    while (source[start] === ' ' || source[start] === '\t') {
      start += 1;
      col += 1;
    }
    return col;
  };
  const advance = () => {
    if (source[i] === '\n') {
      line += 1;
      column = 1;
    } else column += 1;
    i += 1;
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\' && (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n'))) {
      advance();
      if (source[i] === '\r') advance();
      advance();
      continue;
    }
    if (ch === '\n') {
      endStatement();
      advance();
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      advance();
      continue;
    }
    // A comment: `#` opening a line, or `# ` after a word (a lone `#` is never a valid word).
    if (ch === '#' && (column === firstColumnOfLine() || /[\s]/.test(source[i + 1] ?? '\n'))) {
      while (i < source.length && source[i] !== '\n') advance();
      continue;
    }
    const start = { line, column };
    if (BRACKETS.has(ch)) {
      current.push({ text: ch, ...start, quoted: false });
      advance();
      continue;
    }
    let text = '';
    let quoted = false;
    // A /regex/ (location rsc-pattern) may hold brackets: it ends only at whitespace.
    const pattern = ch === '/';
    while (i < source.length) {
      const c = source[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || (BRACKETS.has(c) && !pattern)) break;
      if (c === '\\' && source[i + 1] === '\n') break;
      if (c === '"' || c === "'") {
        quoted = true;
        const quoteAt = { line, column };
        advance();
        while (i < source.length && source[i] !== c) {
          if (source[i] === '\\' && c === '"' && (source[i + 1] === '"' || source[i + 1] === '\\')) advance();
          text += source[i];
          advance();
        }
        if (i >= source.length) {
          throw new CrmSyntaxError(`unterminated ${c === '"' ? 'double' : 'single'} quote`, { file, ...quoteAt });
        }
        advance();
        continue;
      }
      text += c;
      advance();
    }
    current.push({ text, ...start, quoted });
  }
  endStatement();
  return statements;
}
