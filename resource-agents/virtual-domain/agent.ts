import { existsSync } from 'node:fs';
import { OcfRc } from '../../daemon/executor/operation.js';
import { NotInstalledError, ParameterMissingError, ResourceFailedError } from '../lib/agent-errors.js';
import type { ActionContext, AgentDefinition } from '../lib/ocf-agent.js';
import { standardActions } from '../lib/meta-data.js';
import { isTrue } from '../lib/parameters.js';
import { ConfigFileMissingError, readDomainConfig, type DomainConfig } from './domain-config.js';
import { DomainRunningElsewhereError } from './hypervisor-errors.js';
import { hasStuckNativeCalls, HypervisorSession, type DomainState, type MigrationMode } from './hypervisor-session.js';
import { parseUriMap, VIRTUAL_DOMAIN_PARAMETERS } from './parameters.js';
import { watchQemuForGuard } from './qemu-process.js';

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** States in which the guest is (still) alive on this hypervisor. */
const ALIVE: DomainState[] = ['running', 'blocked', 'paused', 'pmsuspended', 'shutdown'];
const GONE: DomainState[] = ['absent', 'shutoff', 'nostate'];

const localNode = (ctx: ActionContext) => ctx.env.OCF_RESKEY_CRM_meta_on_node ?? '';

const localUri = (ctx: ActionContext) => ctx.params.hypervisor.replace(/%n/g, localNode(ctx));

function session(ctx: ActionContext): HypervisorSession {
  return new HypervisorSession(localUri(ctx), ctx.budget, ctx.log);
}

/**
 * Runs an action against the domain with a session that is always closed. Every action
 * (the probe first) sets the guard's watch for the domain's QEMU on this node.
 */
function withDomain(fn: (ctx: ActionContext, s: HypervisorSession, d: DomainConfig) => Promise<OcfRc>) {
  return async (ctx: ActionContext): Promise<OcfRc> => {
    const domain = readDomainConfig(ctx.params.config);
    if (!watchQemuForGuard(ctx, localUri(ctx), domain.name) && ctx.action === 'start') {
      ctx.log.warn({ domain: domain.name, uri: localUri(ctx) }, 'hypervisor is not local: the guard cannot kill the QEMU if the daemon dies');
    }
    const s = session(ctx);
    try {
      return await fn(ctx, s, domain);
    } finally {
      await s.close();
    }
  };
}

/** Polls the domain's state until `done` holds or `waitMs` passed; returns the last state. */
async function waitForState(s: HypervisorSession, name: string, waitMs: number, done: (st: DomainState) => boolean): Promise<DomainState> {
  const until = Date.now() + waitMs;
  let state = await s.state(name);
  while (!done(state) && Date.now() < until) {
    await sleep(POLL_MS);
    state = await s.state(name);
  }
  return state;
}

/** Each peer hypervisor gets at most this long to say whether it runs the domain. */
const PEER_CHECK_MS = 3000;

/**
 * Defence in depth against a guest running twice (disk corruption): before
 * creating the domain, ask the other nodes' hypervisors named in
 * migration_uri_map. A peer that does not answer (host down) is skipped, so
 * failover after a lost host is not held up.
 */
async function refuseIfRunningElsewhere(ctx: ActionContext, name: string): Promise<void> {
  if (!ctx.params.migration_uri_map) return;
  const peers = [...parseUriMap(ctx.params.migration_uri_map)].filter(([node]) => node !== localNode(ctx));
  const answers = await Promise.all(
    peers.map(async ([node, uri]) => [node, await HypervisorSession.runningAt(uri, name, Math.min(PEER_CHECK_MS, ctx.budget.remainingMs() / 4))] as const),
  );
  for (const [node, running] of answers) {
    if (running && (await stillRunningAt(ctx, peers.find(([n]) => n === node)![1], name))) {
      throw new DomainRunningElsewhereError(`domain ${name} is already running on ${node}; refusing to start a second copy`);
    }
    if (running === undefined) ctx.log.warn({ domain: name, peer: node }, 'peer hypervisor did not answer; assuming the domain is not running there');
  }
}

/** How long a start waits for a peer's copy to go away: a fenced node's guard kills its QEMU at the lease deadline, and libvirt reports it a moment later. */
const PEER_SETTLE_MS = 10_000;

/** Whether the peer still runs the domain after up to PEER_SETTLE_MS (within half the start's budget) of asking again. */
async function stillRunningAt(ctx: ActionContext, uri: string, name: string): Promise<boolean> {
  const until = Date.now() + Math.min(PEER_SETTLE_MS, ctx.budget.remainingMs() / 2);
  while (Date.now() < until) {
    await sleep(POLL_MS);
    const running = await HypervisorSession.runningAt(uri, name, Math.min(PEER_CHECK_MS, Math.max(until - Date.now(), 100)));
    if (running === false) return false;
  }
  return true;
}

const start = withDomain(async (ctx, s, d) => {
  const state = await s.state(d.name);
  if (state === 'crashed') await s.destroy(d.name);
  else if (ALIVE.includes(state)) return OcfRc.Success;
  await refuseIfRunningElsewhere(ctx, d.name);
  await s.create(d.name, d.xml);
  const now = await waitForState(s, d.name, ctx.budget.remainingMs(), (st) => st === 'running');
  if (now !== 'running') throw new ResourceFailedError(`domain ${d.name} is ${now} after create`);
  ctx.log.info({ domain: d.name }, 'domain started');
  return OcfRc.Success;
});

const stop = withDomain(stopDomain);

async function stopDomain(ctx: ActionContext, s: HypervisorSession, d: DomainConfig): Promise<OcfRc> {
  if (GONE.includes(await s.state(d.name))) return OcfRc.Success;
  if (!isTrue(ctx.params.force_stop)) {
    // destroy itself takes 1.3-2 s (QEMU gets SIGTERM, then SIGKILL after a wait).
    const destroyReserve = Math.min(15_000, Math.max(5000, ctx.budget.remainingMs() / 3));
    const graceful =
      ctx.params.shutdown_timeout !== undefined
        ? Math.min(Number(ctx.params.shutdown_timeout) * 1000, ctx.budget.remainingMs() - destroyReserve)
        : ctx.budget.remainingMs() - destroyReserve;
    if (graceful > 0 && (await s.shutdown(d.name))) {
      const st = await waitForState(s, d.name, graceful, (x) => GONE.includes(x));
      if (GONE.includes(st)) {
        ctx.log.info({ domain: d.name }, 'guest shut down gracefully');
        return OcfRc.Success;
      }
      ctx.log.warn({ domain: d.name, waitedMs: graceful }, 'guest ignored the shutdown request; destroying it');
    }
  }
  await s.destroy(d.name);
  const st = await waitForState(s, d.name, ctx.budget.remainingMs(), (x) => GONE.includes(x));
  if (!GONE.includes(st)) throw new ResourceFailedError(`domain ${d.name} is still ${st} after destroy`);
  ctx.log.info({ domain: d.name }, 'domain destroyed');
  return OcfRc.Success;
}

const monitorDomain = withDomain(async (ctx, s, d) => {
  let state = await s.state(d.name);
  if (state === 'crashed') throw new ResourceFailedError(`domain ${d.name} crashed`);
  // A recurring monitor expects the guest here: a guest rebooting itself may be
  // briefly shut down or gone; only a guest that stays down has stopped.
  if (ctx.intervalMs > 0 && (state === 'shutdown' || GONE.includes(state))) {
    const grace = Math.min(Number(ctx.params.reboot_grace) * 1000, ctx.budget.remainingMs());
    state = await waitForState(s, d.name, grace, (st) => st !== 'shutdown' && ALIVE.includes(st));
    if (state !== 'shutdown' && ALIVE.includes(state)) ctx.log.info({ domain: d.name }, 'guest came back within reboot_grace');
  }
  if (ALIVE.includes(state)) return OcfRc.Success;
  if (state === 'crashed') throw new ResourceFailedError(`domain ${d.name} crashed`);
  return OcfRc.NotRunning;
});

/** A probe on a node without the config file (shared storage not there yet) finds nothing running. */
async function monitor(ctx: ActionContext): Promise<OcfRc> {
  try {
    return await monitorDomain(ctx);
  } catch (err) {
    if (!(err instanceof ConfigFileMissingError) || ctx.intervalMs > 0) throw err;
    ctx.log.info({ reason: err.message }, 'probe: config file absent, so not running here');
    return OcfRc.NotRunning;
  }
}

function migrationTargetUri(ctx: ActionContext): { node: string; uri: string } {
  const node = ctx.env.OCF_RESKEY_CRM_meta_migrate_target;
  if (!node) throw new ParameterMissingError('CRM_meta_migrate_target');
  const mapped = ctx.params.migration_uri_map ? parseUriMap(ctx.params.migration_uri_map).get(node) : undefined;
  return { node, uri: mapped ?? ctx.params.migration_uri_template.replace(/%n/g, node) };
}

const migrateTo = withDomain(async (ctx, s, d) => {
  const target = migrationTargetUri(ctx);
  const state = await s.state(d.name);
  if (!ALIVE.includes(state)) {
    // A transition re-planned mid-migration may ask again: if the guest already runs on the target, the work is done.
    const there = new HypervisorSession(target.uri, ctx.budget, ctx.log);
    try {
      if ((await there.state(d.name)) === 'running') {
        ctx.log.info({ domain: d.name, target: target.node }, 'domain already running on the migration target');
        return OcfRc.Success;
      }
    } finally {
      await there.close();
    }
    throw new ResourceFailedError(`domain ${d.name} is ${state} here and not running on ${target.node}, nothing to migrate`);
  }
  const t0 = Date.now();
  await s.migrate(d.name, target.uri, ctx.params.migration_mode as MigrationMode);
  ctx.log.info({ domain: d.name, target: target.node, ms: Date.now() - t0 }, 'live migration done');
  return OcfRc.Success;
});

const migrateFrom = withDomain(async (ctx, s, d) => {
  const state = await waitForState(s, d.name, ctx.budget.remainingMs(), (st) => st === 'running');
  if (state !== 'running') throw new ResourceFailedError(`domain ${d.name} is ${state} here after migration`);
  return OcfRc.Success;
});

async function validateAll(ctx: ActionContext): Promise<OcfRc> {
  readDomainConfig(ctx.params.config);
  if (!['/usr/bin/virsh', '/bin/virsh', '/usr/local/bin/virsh'].some(existsSync)) {
    throw new NotInstalledError('virsh (Debian libvirt-clients) not found: it is needed for live migration');
  }
  return OcfRc.Success;
}

export const virtualDomainAgent: AgentDefinition = {
  name: 'VirtualDomain',
  version: '1.0',
  shortdesc: 'libvirt virtual machine (vigil)',
  longdesc:
    'Manages a libvirt domain started transient from an XML file, with live migration. Every libvirt call is bounded by the operation timeout; stop escalates from ACPI shutdown to destroy within its timeout; a guest rebooting itself is not a failure. Migration transports: see migration_mode.',
  parameters: VIRTUAL_DOMAIN_PARAMETERS,
  mustAbandonProcess: hasStuckNativeCalls,
  actions: standardActions({ start: 90, stop: 90, monitor: 30, monitorInterval: 10 }, [
    { name: 'migrate_to', timeoutS: 120 },
    { name: 'migrate_from', timeoutS: 60 },
  ]),
  handlers: {
    start,
    stop,
    monitor,
    status: monitor,
    migrate_to: migrateTo,
    migrate_from: migrateFrom,
    'validate-all': validateAll,
  },
};
