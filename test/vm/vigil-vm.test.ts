import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstReset, readTicks, TickRecorder, waitForTick, writeTickGuest, type TickGuest } from './support/tick-guest.js';
import { VmCluster } from './support/vm-cluster.js';
import { vmConfiguration, vmPrimitive } from './support/vm-resource.js';

// vigil keeping a real QEMU guest running on two libvirtd hosts: start, recovery after QEMU is
// killed, live migration on standby and move (guest continuity proven by its own tick count),
// and failover when a whole host dies.
const cluster = new VmCluster();
let guest: TickGuest;

beforeAll(async () => {
  await cluster.start();
  guest = writeTickGuest(cluster.baseDir, 'vm1');
});

afterAll(async () => {
  await cluster.stop();
});

const where = () => cluster.runningOn('vm1');
/** vm1's operation history from the CIB status: the diagnosis when a migration turned into stop/start. */
const history = async (): Promise<string> =>
  ((await cluster.api('n1').getCib()).match(/<lrm_rsc_op [^>]*operation_key="vm1_[^>]*>/g) ?? [])
    .map((op) => op.replace(/ (transition-\w+|op-digest|crm_feature_set|crm-debug-origin)="[^"]*"/g, ''))
    .join('\n');
const runningOnlyOn = (node: string) => async () => (await where()).join() === node;

/** The one node vm1 runs on, and the other node. */
async function homeAndOther(): Promise<[string, string]> {
  const before = await where();
  expect(before, 'the VM must run on exactly one node').toHaveLength(1);
  return [before[0], before[0] === 'n1' ? 'n2' : 'n1'];
}

/** Whether process `pid` still lives (a zombie does not count). */
function processAlive(pid: number): boolean {
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function restartDaemon(node: string): Promise<void> {
  cluster.startNode(node);
  await cluster.waitFor(async () => (await cluster.api(node).nodeInfo().catch(() => undefined))?.members.length === 2, 60_000, `${node} rejoined`);
}

async function migrationFigures(to: string, t0: number, recorder: TickRecorder, how: string): Promise<void> {
  const totalMs = Date.now() - t0;
  const job = await cluster.pair.host(to).virsh(['domjobinfo', '--completed', 'vm1']);
  const downtime = /Total downtime:\s+(\d+)/.exec(job.stdout)?.[1];
  console.log(`[vm-figures] vigil ${how}: command to VM running only on ${to}: ${totalMs} ms; libvirt downtime ${downtime} ms; guest-observed tick gap ${recorder.stop()} ms`);
}

describe('VMs under vigil on real libvirt', () => {
  it('starts the VM', async () => {
    const resources = vmPrimitive('vm1', { provider: 'vigil', type: 'VirtualDomain' }, {
      config: guest.configPath,
      hypervisor: 'qemu:///system',
      // A per-node map (not the template) also arms start's check that no other node runs the guest.
      migration_uri_map: cluster.pair.migrationUriMap,
      force_stop: 'true',
    });
    const constraint = '<rsc_location id="vm1-prefers-n1" rsc="vm1" node="n1" score="50"/>';
    const t0 = Date.now();
    await cluster.api('n1').replaceConfiguration({ xml: vmConfiguration(['n1', 'n2'], resources, constraint) });
    await cluster.waitFor(runningOnlyOn('n1'), 60_000, 'vm1 running on n1');
    const runningMs = Date.now() - t0;
    await waitForTick(guest, 0);
    console.log(`[vm-figures] vigil VM start: configuration commit to domain running ${runningMs} ms, to first guest tick ${Date.now() - t0} ms`);
    const status = await cluster.vigil('n1', ['status']);
    expect(status.stdout).toMatch(/vm1[\s\S]*Started[\s\S]*n1/);
  });

  it('restarts the VM after its QEMU process is killed behind vigil\'s back', async () => {
    const pid = cluster.pair.n1.qemuPid('vm1');
    expect(pid).toBeGreaterThan(0);
    const before = readTicks(guest).length;
    const t0 = Date.now();
    process.kill(pid!, 'SIGKILL');
    await cluster.waitFor(async () => (await where()).length === 1 && cluster.pair.n1.qemuPid('vm1') !== pid, 60_000, 'vm1 running again with a new QEMU');
    const runningMs = Date.now() - t0;
    // The guest booted again: its tick count started over.
    await cluster.waitFor(() => firstReset(readTicks(guest).slice(before - 1)) !== -1, 20_000, 'guest ticks restarted');
    console.log(`[vm-figures] vigil recovery: QEMU SIGKILL to VM running again ${runningMs} ms, to first tick of the new boot ${Date.now() - t0} ms (on ${(await where()).join()})`);
  });

  /** Runs a vigil command that should live-migrate vm1 off its node; proves the guest kept running. */
  async function liveMigrateWith(command: (from: string, to: string) => string[], how: string): Promise<{ from: string; to: string }> {
    const [from, to] = await homeAndOther();
    const ticksBefore = readTicks(guest);
    const recorder = new TickRecorder(guest);
    recorder.start();
    const t0 = Date.now();
    const r = await cluster.vigil('n1', command(from, to));
    expect(r.code, r.stderr).toBe(0);
    await cluster.waitFor(runningOnlyOn(to), 90_000, `vm1 running only on ${to}`);
    await migrationFigures(to, t0, recorder, `${how} (${from} -> ${to})`);
    await waitForTick(guest, ticksBefore.at(-1)! + 20);
    expect(firstReset(readTicks(guest).slice(ticksBefore.length - 1)), await history()).toBe(-1);
    return { from, to };
  }

  it('live-migrates the VM away from a node put in standby, the guest still running', async () => {
    const { from } = await liveMigrateWith((from) => ['node', 'standby', from], 'node standby');
    expect((await cluster.vigil('n1', ['node', 'online', from])).code).toBe(0);
  });

  /** vm1 on `node` with the move finished in vigil's status too, not only in libvirt's (no transition still migrating it). */
  async function settledOn(node: string): Promise<void> {
    const started = new RegExp(`vm1\\s.*Started ${node}\\s*$`, 'm');
    await cluster.waitFor(async () => (await runningOnlyOn(node)()) && started.test((await cluster.vigil(node, ['status'])).stdout), 90_000, `vm1 settled on ${node}`);
  }

  it('live-migrates the VM with `vigil resource move`, the guest still running', async () => {
    const { to } = await liveMigrateWith((_, to) => ['resource', 'move', 'vm1', to], 'resource move');
    expect((await cluster.vigil('n1', ['resource', 'clear', 'vm1'])).code).toBe(0);
    await settledOn(to);
  });

  it('kills the incoming QEMU when the migration target\'s vigild dies mid-migration, and keeps the VM on the source', async () => {
    const [source, target] = await homeAndOther();
    expect((await cluster.vigil(source, ['resource', 'move', 'vm1', target])).code).toBe(0);
    // QEMU appears on the target when the migration starts, long before the target's migrate_from runs
    let incoming: number | undefined;
    await cluster.waitFor(() => (incoming = cluster.pair.host(target).qemuPid('vm1')) !== undefined, 60_000, `incoming QEMU on ${target}`);
    const t0 = Date.now();
    await cluster.killDaemon(target);
    await cluster.waitFor(() => !processAlive(incoming!), 10_000, `incoming QEMU ${incoming} killed by ${target}'s guard`);
    console.log(`[vm-figures] vigil guard: migration target's vigild SIGKILL to its incoming QEMU killed ${Date.now() - t0} ms`);
    await cluster.waitFor(runningOnlyOn(source), 90_000, `vm1 running only on ${source}`);
    // cleared before the target comes back, or the move's constraint would send vm1 there at once
    expect((await cluster.vigil(source, ['resource', 'clear', 'vm1'])).code).toBe(0);
    await restartDaemon(target);
    await settledOn(source);
  });

  it('kills the VM\'s QEMU when only vigild dies (the guard), then recovers the VM on the other node', async () => {
    const [home, other] = await homeAndOther();
    const qemu = cluster.pair.host(home).qemuPid('vm1')!;
    const qemuAlive = () => processAlive(qemu);
    expect(qemuAlive()).toBe(true);
    const t0 = Date.now();
    await cluster.killDaemon(home);
    // QEMU is libvirtd's child, outside every agent's process group: only its pid file names it
    await cluster.waitFor(() => !qemuAlive(), 5000, `QEMU ${qemu} killed by ${home}'s guard`);
    const killedMs = Date.now() - t0;
    await cluster.waitFor(runningOnlyOn(other), 90_000, `vm1 running on ${other}`);
    console.log(`[vm-figures] vigil guard: vigild SIGKILL to QEMU killed ${killedMs} ms, to VM running on ${other} ${Date.now() - t0} ms`);
    expect(killedMs).toBeLessThan(2000);
    await restartDaemon(home);
    expect(await where()).toEqual([other]);
  });

  it('starts the VM on the surviving node when its host dies', async () => {
    const [lost, survivor] = await homeAndOther();
    const t0 = Date.now();
    await cluster.powerOff(lost);
    await cluster.waitFor(runningOnlyOn(survivor), 90_000, `vm1 running on ${survivor}`);
    console.log(`[vm-figures] vigil failover: host ${lost} powered off to VM running on ${survivor}: ${Date.now() - t0} ms`);
    const info = await cluster.api(survivor).nodeInfo();
    expect(info.members).toEqual([survivor]);
  });
});
