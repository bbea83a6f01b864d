import { parseCib } from './cib/parse.js';
import { loadConfig, DaemonConfigError } from './config.js';
import { schedule } from './scheduler/index.js';
import { createLogger } from './util/logger.js';
import { VigilError } from './util/errors.js';
import { Vigild } from './vigild.js';

/**
 * vigild entry: `vigild --config FILE [--KEY VALUE ...]`. Exit status 2 for a bad
 * configuration (nothing started), 1 when starting failed (everything started is stopped).
 */
async function main(argv: string[]): Promise<number> {
  let config;
  try {
    config = loadConfig(argv);
  } catch (err) {
    if (err instanceof DaemonConfigError) {
      process.stderr.write(`vigild: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel, node: config.node });
  const daemon = new Vigild(config, log, {
    // The DC fences through leases (a member is asked to fence itself, a lost node is down once its lease expired).
    plan: (cibXml, now) => schedule(parseCib(cibXml), { now, leaseFencing: true }),
    validate: (cibXml) => void parseCib(cibXml),
  });
  let stopping: Promise<void> | undefined;
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  const shutdown = (signal: string) => {
    if (stopping) return;
    log.info({ signal }, 'shutdown requested');
    stopping = daemon
      .stop()
      .catch((err: unknown) => log.error({ err }, 'clean shutdown failed'))
      .finally(stopped);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    await daemon.start();
  } catch (err) {
    if (stopping) {
      // asked to stop while still starting (e.g. etcd never answered): not a failure
      await stopping;
      return 0;
    }
    log.fatal({ err, code: err instanceof VigilError ? err.code : undefined }, `vigild failed to start: ${(err as Error).message}`);
    await daemon.stop().catch(() => undefined);
    return 1;
  }
  await done;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`vigild: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
