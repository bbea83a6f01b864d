import { VigilError } from '../daemon/util/errors.js';
import { UsageError } from './options.js';

/** Stable exit statuses for scripts: 0 ok, 1 failure, 2 usage, 3 declined, 4 daemon unreachable. */
export const EXIT = { ok: 0, failure: 1, usage: 2, declined: 3, unreachable: 4 } as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof VigilError && err.code === 'API_UNREACHABLE') return EXIT.unreachable;
  if (err instanceof VigilError && err.code === 'CONFIRMATION_REQUIRED') return EXIT.declined;
  return EXIT.failure;
}

/** One line for the user: typed errors speak for themselves; anything else is a bug and shows its stack. */
export function describeError(err: unknown): string {
  if (err instanceof VigilError) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** The error as scripts read it: text for people, `{"error":{code,message}}` with --output json. */
export function formatError(err: unknown, json: boolean): string {
  if (!json) return `vigil: ${describeError(err)}\n`;
  const code = err instanceof VigilError ? err.code : 'INTERNAL';
  return `${JSON.stringify({ error: { code, message: describeError(err) } })}\n`;
}
