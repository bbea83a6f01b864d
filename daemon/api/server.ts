import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { CibStore } from '../cib/store.js';
import { element, firstChild, type XmlElement } from '../cib/xml.js';
import { VigilError } from '../util/errors.js';
import { ApiError } from './client.js';
import type { Lifecycle } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';
import type { AttributeUpdate, ConfigurationUpdate, NodeInfo } from './contract.js';

export interface ApiServerOptions {
  socketPath: string;
  store: CibStore;
  log: Logger;
  nodeInfo: () => Promise<NodeInfo>;
  /** The full CIB (configuration + status) as XML text. */
  exportCib: () => Promise<string>;
}

/** HTTP status for each error code the store and validators raise; anything else is a 500. */
const STATUS_BY_CODE: Record<string, number> = {
  CIB_EPOCH_CONFLICT: 409,
  CIB_INVALID: 400,
  XML_SYNTAX: 400,
  CIB_UNAVAILABLE: 503,
};

/** vigild's local API (contract.ts) as HTTP/1.1 + JSON on a unix socket. */
export class ApiServer implements Lifecycle {
  private server?: Server;
  private readonly dampers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: ApiServerOptions) {}

  async start(): Promise<void> {
    mkdirSync(dirname(this.o.socketPath), { recursive: true });
    rmSync(this.o.socketPath, { force: true }); // a stale socket of a previous run
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.socketPath, () => resolve());
    });
    chmodSync(this.o.socketPath, 0o660);
    this.server = server;
    this.o.log.info({ socket: this.o.socketPath }, 'API listening');
  }

  async stop(): Promise<void> {
    for (const t of this.dampers.values()) clearTimeout(t);
    this.dampers.clear();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    rmSync(this.o.socketPath, { force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    try {
      const body = await this.route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://vigild').pathname, req);
      send(res, 200, body);
    } catch (err) {
      const code = err instanceof VigilError ? err.code : 'INTERNAL';
      const status = err instanceof ApiError ? err.status : (STATUS_BY_CODE[code] ?? (err instanceof VigilError ? 400 : 500));
      const message = err instanceof Error ? err.message : String(err);
      this.o.log[status >= 500 ? 'error' : 'warn']({ method: req.method, url: req.url, code, status, err: status >= 500 ? err : undefined, ms: Date.now() - started }, `API request failed: ${message}`);
      send(res, status, { error: { code, message } });
    }
  }

  private async route(method: string, path: string, req: IncomingMessage): Promise<unknown> {
    if (method === 'GET' && path === '/v1/node') return this.o.nodeInfo();
    if (method === 'GET' && path === '/v1/cib') return { xml: await this.o.exportCib() };
    if (method === 'PUT' && path === '/v1/cib/configuration') {
      const update = (await readJson(req)) as ConfigurationUpdate;
      if (typeof update.xml !== 'string') throw new ApiError('API_BAD_REQUEST', 'body needs "xml": the <configuration> element as text', 400);
      if (update.expectEpoch !== undefined && !Number.isInteger(update.expectEpoch)) {
        throw new ApiError('API_BAD_REQUEST', '"expectEpoch" must be an integer', 400);
      }
      return { epoch: await this.o.store.replaceConfiguration(update.xml, update.expectEpoch) };
    }
    if (method === 'POST' && path === '/v1/attributes') {
      await this.setAttribute((await readJson(req)) as AttributeUpdate);
      return {};
    }
    const cleanup = /^\/v1\/resources\/([^/]+)\/cleanup$/.exec(path);
    if (method === 'POST' && cleanup) {
      const { node } = (await readJson(req)) as { node?: string };
      await this.o.store.forgetResource(decodeURIComponent(cleanup[1]), node);
      return {};
    }
    throw new ApiError('API_NOT_FOUND', `no such endpoint: ${method} ${path}`, 404);
  }

  private async setAttribute(u: AttributeUpdate): Promise<void> {
    if (typeof u.node !== 'string' || typeof u.name !== 'string' || (u.lifetime !== 'reboot' && u.lifetime !== 'forever')) {
      throw new ApiError('API_BAD_REQUEST', 'attribute update needs "node", "name" and "lifetime" ("reboot" or "forever")', 400);
    }
    if (u.lifetime === 'forever') {
      await this.o.store.updateConfiguration((cfg) => setNodeAttribute(cfg, u.node, u.name, u.value ?? undefined));
      return;
    }
    const key = `${u.node}\u0000${u.name}`;
    clearTimeout(this.dampers.get(key));
    this.dampers.delete(key);
    if (!u.dampenMs) {
      await this.o.store.setTransientAttribute(u.node, u.name, u.value);
      return;
    }
    // attrd dampening: only a value that stayed unchanged for dampenMs is written
    this.dampers.set(
      key,
      setTimeout(() => {
        this.dampers.delete(key);
        this.o.store.setTransientAttribute(u.node, u.name, u.value).catch((err: unknown) =>
          this.o.log.error({ err, target: u.node, attribute: u.name }, 'dampened attribute write failed'),
        );
      }, u.dampenMs),
    );
  }
}

/** Sets (or, with undefined, removes) a permanent node attribute in <nodes>; returns whether anything changed. */
function setNodeAttribute(configuration: XmlElement, node: string, name: string, value: string | undefined): boolean {
  let nodes = firstChild(configuration, 'nodes');
  if (!nodes) configuration.children.push((nodes = element('nodes')));
  let entry = nodes.children.find((n) => n.name === 'node' && (n.attrs.uname ?? n.attrs.id) === node);
  if (!entry) nodes.children.push((entry = element('node', { id: node, uname: node })));
  let set = firstChild(entry, 'instance_attributes');
  if (!set) entry.children.push((set = element('instance_attributes', { id: `nodes-${node}` })));
  const existing = set.children.find((p) => p.name === 'nvpair' && p.attrs.name === name);
  if (value === undefined) {
    if (!existing) return false;
    set.children = set.children.filter((p) => p !== existing);
    return true;
  }
  if (existing?.attrs.value === value) return false;
  if (existing) existing.attrs.value = value;
  else set.children.push(element('nvpair', { id: `nodes-${node}-${name}`, name, value }));
  return true;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('API_BAD_REQUEST', `request body is not JSON: ${(err as Error).message}`, 400);
  }
}
