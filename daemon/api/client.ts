import { VigilError } from '../util/errors.js';
import type { AttributeUpdate, ConfigurationUpdate, NodeInfo, VigilApi } from './contract.js';

/** Default socket of a node's vigild (overridable with VIGIL_SOCKET or the daemon config's `api_socket`). */
export const DEFAULT_API_SOCKET = '/run/vigil/vigild.sock';

/** An error the daemon answered with: stable `code` (e.g. CIB_EPOCH_CONFLICT), message and HTTP status. */
export class ApiError extends VigilError {
  override readonly code: string;
  constructor(
    code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
  }
}

/** The daemon's socket cannot be reached (vigild not running, wrong path, permissions). */
export class ApiUnreachableError extends VigilError {
  override readonly code = 'API_UNREACHABLE';
  constructor(
    readonly socketPath: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach vigild at ${socketPath} (is the daemon running?)`, options);
  }
}

/** The daemon answered something that is not the API's JSON (version mismatch, another program on the socket). */
export class ApiProtocolError extends VigilError {
  override readonly code = 'API_PROTOCOL';
}

/** The local API over HTTP/1.1 + JSON on vigild's unix socket (see contract.ts). */
export class ApiClient implements VigilApi {
  constructor(
    readonly socketPath: string = process.env.VIGIL_SOCKET ?? DEFAULT_API_SOCKET,
    private readonly timeoutMs = 30_000,
  ) {}

  nodeInfo(): Promise<NodeInfo> {
    return this.call<NodeInfo>('GET', '/v1/node');
  }

  async getCib(): Promise<string> {
    const body = await this.call<{ xml: string }>('GET', '/v1/cib');
    return body.xml;
  }

  replaceConfiguration(update: ConfigurationUpdate): Promise<{ epoch: number }> {
    return this.call<{ epoch: number }>('PUT', '/v1/cib/configuration', update);
  }

  async setAttribute(update: AttributeUpdate): Promise<void> {
    await this.call('POST', '/v1/attributes', update);
  }

  async cleanup(resource: string, node?: string): Promise<void> {
    await this.call('POST', `/v1/resources/${encodeURIComponent(resource)}/cleanup`, node === undefined ? {} : { node });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    // Loaded on the first call: commands that never reach the daemon (simulate -x) skip node:http at startup.
    const { request } = await import('node:http');
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path,
          timeout: this.timeoutMs,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new ApiUnreachableError(this.socketPath, { cause: err })));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? {} : JSON.parse(text);
            } catch (err) {
              reject(new ApiProtocolError(`${method} ${path}: answer is not JSON (HTTP ${res.statusCode})`, { cause: err }));
              return;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              resolve(parsed as T);
              return;
            }
            const error = (parsed as { error?: { code?: string; message?: string } }).error;
            reject(new ApiError(error?.code ?? 'API_HTTP', error?.message ?? `${method} ${path}: HTTP ${status}`, status));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(new ApiUnreachableError(this.socketPath, { cause: err })));
      req.end(payload);
    });
  }
}
