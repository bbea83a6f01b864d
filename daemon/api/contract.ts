/**
 * The local API of vigild (HTTP/1.1 + JSON over a unix socket, default
 * /run/vigil/vigild.sock). The shell, the compat commands (attrd_updater,
 * crm_node) and tests use it through `ApiClient` (client.ts); the daemon serves
 * it (server.ts). This interface is the contract between them.
 *
 * Errors come back as HTTP status + `{ "error": { "code": string, "message": string } }`
 * and are raised on the client as `ApiError` (code, message, HTTP status).
 */
export interface NodeInfo {
  /** This daemon's node name. */
  node: string;
  /** Name of the current DC, if any. */
  dc?: string;
  /** Whether this node can reach a quorate etcd (can read/write the CIB). */
  quorate: boolean;
  /** Nodes whose presence key exists (alive members), sorted. */
  members: string[];
}

export interface ConfigurationUpdate {
  /** The complete new <configuration> element as XML text, or a whole exported <cib> (its configuration is imported, its status ignored). */
  xml: string;
  /** Compare-and-swap: fail with code CIB_EPOCH_CONFLICT (HTTP 409) unless the stored epoch equals this. */
  expectEpoch?: number;
}

export interface AttributeUpdate {
  node: string;
  name: string;
  /** undefined/null deletes the attribute. */
  value?: string | null;
  /** Transient attributes (status section, lost at reboot) vs. permanent ones (nodes section). */
  lifetime: 'reboot' | 'forever';
  /** attrd dampening: the value is written after it has been stable this long. */
  dampenMs?: number;
}

export interface VigilApi {
  /** GET /v1/node */
  nodeInfo(): Promise<NodeInfo>;
  /** GET /v1/cib: the full CIB (configuration + status) as XML text, with epoch attributes on <cib>. */
  getCib(): Promise<string>;
  /** PUT /v1/cib/configuration: validates, then replaces the configuration atomically; returns the new epoch. */
  replaceConfiguration(update: ConfigurationUpdate): Promise<{ epoch: number }>;
  /** POST /v1/attributes: node attribute update (attrd). */
  setAttribute(update: AttributeUpdate): Promise<void>;
  /** POST /v1/resources/{id}/cleanup: forget failures and history of a resource (on one node or all). */
  cleanup(resource: string, node?: string): Promise<void>;
}
