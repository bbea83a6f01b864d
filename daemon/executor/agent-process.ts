import { spawn } from 'node:child_process';
import { terminateGroup } from './process-group.js';

export interface AgentProcessSpec {
  path: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL to the process group on timeout. */
  killGraceMs: number;
  /** How much of the combined stdout+stderr to keep. */
  outputTailBytes: number;
  /** Told the process group id as soon as the agent runs (so killAll can reach it). */
  onGroup?: (pgid: number) => void;
}

export interface AgentProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the executable could not be started at all (ENOENT, EACCES, EAGAIN, …). */
  spawnError?: NodeJS.ErrnoException;
  /** The agent outlived SIGKILL (e.g. stuck in uninterruptible I/O): given up on, still running. */
  unkillable?: boolean;
  output: string;
  /** The last "ocf-exit-reason:" message the agent printed, if any. */
  exitReason: string;
  pgid?: number;
}

/** Keeps only the last `limit` bytes of what is appended. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  toString(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

const EXIT_REASON = /^ocf-exit-reason:(.*)$/gm;
// A daemon an agent started may keep our pipes open after the agent exits: don't wait for it.
const PIPE_DRAIN_MS = 100;
// After SIGKILL a process normally goes at once; one stuck in the kernel (D state) may not go at all.
const AFTER_KILL_WAIT_MS = 5000;

/**
 * Runs one agent invocation as the leader of a new process group, so a
 * timeout (or a self-fence) can kill everything it started, grandchildren
 * included: SIGTERM to the group, SIGKILL after the grace period.
 */
export function runAgentProcess(spec: AgentProcessSpec): Promise<AgentProcessOutcome> {
  return new Promise((resolve) => {
    const tail = new Tail(spec.outputTailBytes);
    const child = spawn(spec.path, spec.args, { env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    let killing: Promise<void> = Promise.resolve();
    const pgid = child.pid;
    if (pgid !== undefined) spec.onGroup?.(pgid);
    child.stdout.on('data', (c: Buffer) => tail.push(c));
    child.stderr.on('data', (c: Buffer) => tail.push(c));
    let done = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pgid === undefined) return;
      killing = terminateGroup(pgid, spec.killGraceMs);
      void killing.then(() => setTimeout(() => finish({ code: null, signal: null, unkillable: true }), AFTER_KILL_WAIT_MS).unref());
    }, spec.timeoutMs);

    const finish = (outcome: Omit<AgentProcessOutcome, 'output' | 'exitReason' | 'timedOut' | 'pgid'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const output = tail.toString();
      const reasons = [...output.matchAll(EXIT_REASON)];
      resolve({ ...outcome, timedOut, pgid, output, exitReason: reasons.length ? reasons[reasons.length - 1][1].trim() : '' });
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (pgid === undefined) finish({ code: null, signal: null, spawnError: err });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const drained = new Promise<void>((r) => {
        const t = setTimeout(r, PIPE_DRAIN_MS);
        child.on('close', () => {
          clearTimeout(t);
          r();
        });
      });
      void Promise.all([drained, killing]).then(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish({ code, signal });
      });
    });
  });
}
