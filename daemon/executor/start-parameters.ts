import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartParametersError } from './errors.js';

/**
 * Each resource's last start/migrate parameters, kept for the stop of an orphan (see
 * Executor.withStartParameters), in HA_RSCTMP/start-params/<resource>.json so that a restarted
 * vigild still has them. HA_RSCTMP lives under /run: a reboot forgets them along with what ran.
 */
export const START_PARAMS_DIR = 'start-params';

/** File names: resource ids are XML ids, but a clone instance's ":" and any "/" must not bite. */
const fileName = (resource: string) => `${encodeURIComponent(resource)}.json`;

export class StartParameters {
  private readonly dir: string;
  private readonly byResource = new Map<string, Record<string, string>>();

  constructor(rscTmpDir: string) {
    this.dir = join(rscTmpDir, START_PARAMS_DIR);
  }

  /**
   * Reads what an earlier daemon saved. Returns the files that could not be used (each one
   * error naming the file); the others are loaded.
   */
  load(): StartParametersError[] {
    mkdirSync(this.dir, { recursive: true });
    const problems: StartParametersError[] = [];
    for (const file of readdirSync(this.dir).filter((f) => f.endsWith('.json'))) {
      const path = join(this.dir, file);
      try {
        const saved = JSON.parse(readFileSync(path, 'utf8')) as { resource?: unknown; params?: unknown };
        if (typeof saved.resource !== 'string' || !isStringRecord(saved.params)) throw new Error('expected {"resource": string, "params": {string: string}}');
        this.byResource.set(saved.resource, saved.params);
      } catch (err) {
        problems.push(new StartParametersError(path, 'unreadable; ignored', { cause: err }));
      }
    }
    return problems;
  }

  get(resource: string): Record<string, string> | undefined {
    return this.byResource.get(resource);
  }

  /** Keeps `params` in memory at once, on disk atomically (write, then rename: never half a file). */
  save(resource: string, params: Record<string, string>): void {
    this.byResource.set(resource, params);
    const path = join(this.dir, fileName(resource));
    try {
      // instance parameters may hold secrets (passwords of agents): readable by root only
      writeFileSync(`${path}.tmp`, JSON.stringify({ resource, params }), { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    } catch (err) {
      throw new StartParametersError(path, 'cannot be written', { cause: err });
    }
  }

  /** The resource stopped: nothing is left for a later stop to find. */
  forget(resource: string): void {
    this.byResource.delete(resource);
    const path = join(this.dir, fileName(resource));
    try {
      rmSync(path, { force: true });
    } catch (err) {
      throw new StartParametersError(path, 'cannot be removed', { cause: err });
    }
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
