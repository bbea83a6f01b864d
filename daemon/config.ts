import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { defaultOcfRoots } from './executor/project-paths.js';
import { VigilError, formatLocation, type SourceLocation } from './util/errors.js';

/**
 * vigild's own settings (not the cluster configuration, which lives in the CIB).
 * The file is `key = value` lines; `#` starts a comment. config/vigild.conf documents every key.
 */
export interface DaemonConfig {
  /** This node's name in the cluster (uname). */
  node: string;
  /** etcd client URLs; empty = start an embedded single-member etcd. */
  etcdEndpoints: string[];
  /** Client and peer URL of the embedded etcd (only used when etcdEndpoints is empty). */
  embeddedEtcdClientUrl: string;
  embeddedEtcdPeerUrl: string;
  /** Daemon state: the embedded etcd's data lives in <dataDir>/etcd. */
  dataDir: string;
  /** Node lease TTL in whole seconds (etcd leases have 1 s granularity). */
  leaseTtlS: number;
  /** A node stops its resources this long before its lease can expire; the DC waits this long after expiry. */
  fencingMarginMs: number;
  /** Time allowed for a graceful stop of all resources before the self-fence hard kill. */
  selfFenceStopBudgetMs: number;
  apiSocket: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** OCF roots searched in order for ocf:PROVIDER:TYPE agents. */
  agentPath: string[];
  /** HA_RSCTMP for agents run by this node (state files of e.g. Dummy). */
  resourceTmpDir: string;
  /** Linux watchdog device petted while the lease is fresh; empty = the guard process instead. */
  watchdogDevice: string;
  /** On SIGTERM, how long to wait for the cluster to move this node's resources away before stopping them locally. */
  shutdownTimeoutMs: number;
}

export class DaemonConfigError extends VigilError {
  override readonly code = 'DAEMON_CONFIG';
  constructor(
    readonly detail: string,
    readonly location: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(`${formatLocation(location)}${detail}`, options);
  }
}

export function defaultConfig(): DaemonConfig {
  return {
    node: hostname(),
    etcdEndpoints: [],
    embeddedEtcdClientUrl: 'http://127.0.0.1:2379',
    embeddedEtcdPeerUrl: 'http://127.0.0.1:2380',
    dataDir: '/var/lib/vigil',
    leaseTtlS: 2,
    fencingMarginMs: 300,
    selfFenceStopBudgetMs: 300,
    apiSocket: '/run/vigil/vigild.sock',
    logLevel: 'info',
    agentPath: defaultOcfRoots(),
    resourceTmpDir: '/run/resource-agents',
    watchdogDevice: '',
    shutdownTimeoutMs: 60_000,
  };
}

type Setter = (config: DaemonConfig, value: string) => void;

const integer = (min: number, max: number) => (value: string): number => {
  if (!/^\d+$/.test(value)) throw new Error(`expected a whole number, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`);
  return n;
};
const list = (sep: string) => (value: string) => value.split(sep).map((s) => s.trim()).filter((s) => s !== '');
const url = (value: string): string => {
  if (!/^https?:\/\/[^/\s]+$/.test(value)) throw new Error(`expected a URL like http://127.0.0.1:2379, got '${value}'`);
  return value;
};
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every key the file and `--key value` overrides accept. */
const keys: Record<string, Setter> = {
  node: (c, v) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v)) throw new Error(`node names are letters, digits, '.', '_', '-': got '${v}'`);
    c.node = v;
  },
  etcd_endpoints: (c, v) => (c.etcdEndpoints = list(',')(v).map(url)),
  embedded_etcd_client_url: (c, v) => (c.embeddedEtcdClientUrl = url(v)),
  embedded_etcd_peer_url: (c, v) => (c.embeddedEtcdPeerUrl = url(v)),
  data_dir: (c, v) => (c.dataDir = v),
  lease_ttl: (c, v) => (c.leaseTtlS = integer(1, 60)(v)),
  fencing_margin_ms: (c, v) => (c.fencingMarginMs = integer(0, 30_000)(v)),
  self_fence_stop_budget_ms: (c, v) => (c.selfFenceStopBudgetMs = integer(0, 30_000)(v)),
  api_socket: (c, v) => (c.apiSocket = v),
  log_level: (c, v) => {
    if (!(LEVELS as readonly string[]).includes(v)) throw new Error(`expected one of ${LEVELS.join(', ')}, got '${v}'`);
    c.logLevel = v as DaemonConfig['logLevel'];
  },
  agent_path: (c, v) => (c.agentPath = list(':')(v)),
  resource_tmp_dir: (c, v) => (c.resourceTmpDir = v),
  watchdog_device: (c, v) => (c.watchdogDevice = v),
  shutdown_timeout_ms: (c, v) => (c.shutdownTimeoutMs = integer(0, 3_600_000)(v)),
};

function apply(config: DaemonConfig, key: string, value: string, where: SourceLocation): void {
  const set = keys[key];
  if (!set) throw new DaemonConfigError(`unknown setting '${key}' (known: ${Object.keys(keys).join(', ')})`, where);
  try {
    set(config, value);
  } catch (err) {
    throw new DaemonConfigError(`${key}: ${(err as Error).message}`, where, { cause: err });
  }
}

/** Parses config file text onto `config`; the first bad line throws with file:line. */
export function parseConfigText(text: string, file: string, config: DaemonConfig = defaultConfig()): DaemonConfig {
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const where = { file, line: i + 1 };
    const eq = line.indexOf('=');
    if (eq < 0) throw new DaemonConfigError(`expected 'key = value', got '${line}'`, where);
    apply(config, line.slice(0, eq).trim(), line.slice(eq + 1).trim(), where);
  });
  validate(config, { file });
  return config;
}

function validate(config: DaemonConfig, where: SourceLocation): void {
  const marginBudget = config.fencingMarginMs + config.selfFenceStopBudgetMs;
  if (marginBudget >= config.leaseTtlS * 1000) {
    throw new DaemonConfigError(
      `fencing_margin_ms + self_fence_stop_budget_ms (${marginBudget}) must be below lease_ttl (${config.leaseTtlS * 1000} ms)`,
      where,
    );
  }
}

/**
 * Command line: `--config FILE` plus `--KEY VALUE` for any file key (dashes or underscores),
 * applied after the file. Throws DaemonConfigError naming the bad argument.
 */
export function loadConfig(argv: string[]): DaemonConfig {
  const config = defaultConfig();
  const overrides: Array<[string, string]> = [];
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const where = { file: '<command line>', column: i + 1 };
    if (!arg.startsWith('--')) throw new DaemonConfigError(`unexpected argument '${arg}'`, where);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new DaemonConfigError(`${arg} needs a value`, where);
    if (name === 'config') file = value;
    else overrides.push([name.replace(/-/g, '_'), value]);
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new DaemonConfigError(`cannot read config file: ${(err as Error).message}`, { file }, { cause: err });
    }
    parseConfigText(text, file, config);
  }
  for (const [key, value] of overrides) apply(config, key, value, { file: '<command line>' });
  validate(config, { file: file ?? '<command line>' });
  return config;
}
