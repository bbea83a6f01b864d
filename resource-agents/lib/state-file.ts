import { mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Marks "started on this node" for agents whose resource leaves no trace of its
 * own (ping: an attribute publisher). Lives in HA_RSCTMP, which the executor
 * empties at boot, so a rebooted node reports the resource stopped.
 */
export class StateFile {
  readonly path: string;

  constructor(agent: string, env: NodeJS.ProcessEnv) {
    const dir = env.HA_RSCTMP ?? '/run/resource-agents';
    const instance = (env.OCF_RESOURCE_INSTANCE ?? 'default').replace(/[^A-Za-z0-9_.:-]/g, '_');
    this.path = join(dir, `${agent}-${instance}.state`);
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  create(): void {
    mkdirSync(join(this.path, '..'), { recursive: true });
    writeFileSync(this.path, `${process.pid}\n`);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
