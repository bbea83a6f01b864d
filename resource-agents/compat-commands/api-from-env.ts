import { ApiClient, ApiUnreachableError, DEFAULT_API_SOCKET } from '../../daemon/api/client.js';
import { CrmExit, UsageError } from './command-line.js';

/**
 * The local vigild's API for a compat command: the executor exports
 * VIGIL_API_SOCKET to agents; an admin's shell may have VIGIL_SOCKET.
 */
export function apiFromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
  return new ApiClient(env.VIGIL_API_SOCKET ?? env.VIGIL_SOCKET ?? DEFAULT_API_SOCKET, 10_000);
}

/** Runs a compat command body: one line on stderr and Pacemaker's exit code for each failure kind. */
export async function runCompat(command: string, body: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await body();
  } catch (err) {
    process.stderr.write(`${command}: ${(err as Error).message}\n`);
    code = err instanceof UsageError ? CrmExit.Usage : err instanceof ApiUnreachableError ? CrmExit.NotConnected : CrmExit.Error;
  }
  process.exit(code);
}
