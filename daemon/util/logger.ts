import { pino, destination, stdTimeFunctions, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * One structured JSON event per line on stderr (stdout belongs to command
 * output). Components derive children with their own fields:
 * `log.child({ component: 'executor', node })`, and events carry
 * `resource` / `op` fields where they concern one.
 */
export function createLogger(options: { level?: LevelWithSilent; node?: string } = {}): Logger {
  const level = options.level ?? (process.env.VIGIL_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  const base = options.node ? { node: options.node } : {};
  return pino({ level, base, timestamp: stdTimeFunctions.isoTime }, destination(2));
}
