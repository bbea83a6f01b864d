import { spawn } from 'node:child_process';
import { VigilError } from '../../daemon/util/errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command did not finish within its timeout; it and its process group were killed. */
export class CommandTimeoutError extends VigilError {
  override readonly code = 'COMMAND_TIMEOUT';
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`'${command}' did not finish within ${timeoutMs} ms (killed)`);
  }
}

/** A command could not be started at all (binary missing, not executable). */
export class CommandSpawnError extends VigilError {
  override readonly code = 'COMMAND_SPAWN';
  constructor(
    readonly command: string,
    options: { cause: unknown },
  ) {
    super(`cannot run '${command}': ${(options.cause as Error).message}`, options);
  }
}

/** A command exited non-zero (callers that expect failure check `result.code` via runCommandRaw). */
export class CommandFailedError extends VigilError {
  override readonly code = 'COMMAND_FAILED';
  constructor(
    readonly command: string,
    readonly result: CommandResult,
  ) {
    super(`'${command}' exited ${result.code}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  }
}

/**
 * Runs a command with a hard timeout. It gets its own process group so a
 * timeout kills helpers it started too (virsh's ssh, ping's children).
 */
export interface CommandOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export function runCommandRaw(file: string, args: string[], timeoutMs: number, options: CommandOptions = {}): Promise<CommandResult> {
  const label = [file, ...args].join(' ');
  const { input, env } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    if (input !== undefined) child.stdin!.end(input);
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(new CommandSpawnError(label, { cause }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new CommandTimeoutError(label, timeoutMs));
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** runCommandRaw, but a non-zero exit is a CommandFailedError. */
export async function runCommand(file: string, args: string[], timeoutMs: number, options: CommandOptions = {}): Promise<CommandResult> {
  const result = await runCommandRaw(file, args, timeoutMs, options);
  if (result.code !== 0) throw new CommandFailedError([file, ...args].join(' '), result);
  return result;
}
