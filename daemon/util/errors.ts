/**
 * The root of vigil's error hierarchy. Every failure the user can see is a
 * subclass with a stable `code` (for scripts and `--output json`) and, where
 * another error caused it, that error as `cause`.
 */
export class VigilError extends Error {
  /** Stable machine-readable identifier, e.g. "CIB_PARSE". */
  readonly code: string = 'VIGIL';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Where in a user's input a problem sits; every field optional. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc || (!loc.file && loc.line === undefined)) return '';
  const parts = [loc.file ?? '<input>'];
  if (loc.line !== undefined) parts.push(String(loc.line));
  if (loc.column !== undefined) parts.push(String(loc.column));
  return parts.join(':') + ': ';
}
