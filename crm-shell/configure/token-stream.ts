import type { SourceLocation } from '../../daemon/util/errors.js';
import { CrmSyntaxError } from './crm-syntax-error.js';
import { tokenLocation, type Statement, type Token } from './lexer.js';

/** Cursor over one statement's tokens; every error it raises names file:line:column and what was expected. */
export class TokenStream {
  private index = 0;
  constructor(readonly statement: Statement) {}

  get file(): string | undefined {
    return this.statement.file;
  }

  peek(offset = 0): Token | undefined {
    return this.statement.tokens[this.index + offset];
  }

  atEnd(): boolean {
    return this.index >= this.statement.tokens.length;
  }

  next(expected: string): Token {
    const token = this.peek();
    if (!token) throw this.error(undefined, `expected ${expected}, found end of statement`);
    this.index += 1;
    return token;
  }

  /** A bare (unquoted) word equal to `word`, case-insensitively. */
  peekIs(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && !token.quoted && token.text.toLowerCase() === word;
  }

  accept(word: string): Token | undefined {
    if (!this.peekIs(word)) return undefined;
    return this.next(word);
  }

  expect(word: string): Token {
    const token = this.next(`'${word}'`);
    if (token.quoted || token.text.toLowerCase() !== word) throw this.error(token, `expected '${word}', found '${token.text}'`);
    return token;
  }

  /** The location of a token, or just past the statement's last token when the statement ended early. */
  location(token: Token | undefined): SourceLocation {
    if (token) return tokenLocation(token, this.file);
    const last = this.statement.tokens[this.statement.tokens.length - 1];
    return last ? { file: this.file, line: last.line, column: last.column + last.text.length } : { file: this.file };
  }

  error(token: Token | undefined, detail: string): CrmSyntaxError {
    return new CrmSyntaxError(detail, this.location(token));
  }

  unexpected(token: Token, expected: string): CrmSyntaxError {
    return this.error(token, `expected ${expected}, found '${token.text}'`);
  }
}
