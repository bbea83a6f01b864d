import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../daemon/util/logger.js';
import { Executor, type ExecutorOptions } from '../../daemon/executor/executor.js';
import type { OperationRequest } from '../../daemon/executor/operation.js';

/** A temporary OCF root with tiny shell agents under resource.d/test/, and an executor that runs them. */
export interface AgentSandbox {
  dir: string;
  root: string;
  executor: Executor;
  /** A /bin/sh agent with this body. */
  addAgent(name: string, body: string): void;
  /** An agent file with exactly this text and mode (for broken agents). */
  addRawAgent(name: string, text: string, mode: number): void;
  request(resource: string, type: string, operation: string, extra?: Partial<OperationRequest>): OperationRequest;
  cleanup(): Promise<void>;
}

/** `fallbackRoots` are searched after the sandbox's own root (e.g. /usr/lib/ocf for Debian's agents). */
export async function agentSandbox(options: Partial<ExecutorOptions> = {}, fallbackRoots: string[] = []): Promise<AgentSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-exec-'));
  const root = join(dir, 'ocf');
  mkdirSync(join(root, 'resource.d', 'test'), { recursive: true });
  mkdirSync(join(dir, 'rsctmp'));
  const executor = new Executor({
    node: 'node1',
    logger: createLogger({ level: 'silent' }),
    ocfRoots: [root, ...fallbackRoots],
    compatDir: join(dir, 'compat'),
    rscTmpDir: join(dir, 'rsctmp'),
    killGraceMs: 300,
    ...options,
  });
  await executor.start();
  return {
    dir,
    root,
    executor,
    addAgent(name, body) {
      this.addRawAgent(name, `#!/bin/sh\n${body}\n`, 0o755);
    },
    addRawAgent(name, text, mode) {
      const path = join(root, 'resource.d', 'test', name);
      writeFileSync(path, text);
      chmodSync(path, mode);
    },
    request: (resource, type, operation, extra = {}) => ({
      resource,
      agent: { class: 'ocf', provider: 'test', type },
      operation,
      intervalMs: 0,
      timeoutMs: 10_000,
      params: {},
      meta: {},
      ...extra,
    }),
    async cleanup() {
      executor.killAll();
      await executor.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Gone, or a zombie nobody reaps (PID 1 on some machines does not): either way it no longer runs. */
export { processState } from '../../daemon/executor/process-group.js';
export const isRunning = (state: string | undefined) => state !== undefined && state !== 'Z';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
