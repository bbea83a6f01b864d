import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtPair } from './support/libvirt-pair.js';
import { runAgent, vigilAgent } from './support/run-agent.js';
import { firstReset, readTicks, TICK_PERIOD_MS, TickRecorder, waitForTick, writeTickGuest, type TickGuest } from './support/tick-guest.js';

// ocf:vigil:VirtualDomain's migrate_to/migrate_from between two real libvirtd hosts, driven as the
// controller would: migrate_to on the source, migrate_from on the target, stop on the source.
const AGENT = vigilAgent('VirtualDomain');
let pair: LibvirtPair;
let guest: TickGuest;

beforeAll(async () => {
  pair = new LibvirtPair();
  await pair.start();
  guest = writeTickGuest(pair.baseDir, 'migvm');
});

afterAll(async () => {
  await pair?.stop();
});

const paramsOn = (node: string, extra: Record<string, string> = {}) => ({
  params: { config: guest.configPath, hypervisor: pair.host(node).uri, migration_uri_map: pair.migrationUriMap, force_stop: 'true', ...extra },
  meta: { on_node: node },
});

async function migrate(from: string, to: string, extra: Record<string, string> = {}) {
  const before = await waitForTick(guest, readTicks(guest).at(-1) ?? 0);
  const recorder = new TickRecorder(guest);
  recorder.start();
  const src = paramsOn(from, extra);
  const t0 = Date.now();
  const out = await runAgent(AGENT, 'migrate_to', { ...src, meta: { ...src.meta, migrate_target: to, migrate_source: from } });
  expect(out.rc, out.stderr).toBe(0);
  const dst = paramsOn(to, extra);
  const inn = await runAgent(AGENT, 'migrate_from', { ...dst, meta: { ...dst.meta, migrate_target: to, migrate_source: from } });
  expect(inn.rc, inn.stderr).toBe(0);
  const totalMs = Date.now() - t0;
  expect((await runAgent(AGENT, 'stop', src)).rc).toBe(0);
  const after = await waitForTick(guest, before + 10);
  const gapMs = recorder.stop();
  expect(await pair.host(to).domainState('migvm')).toBe('running');
  expect(await pair.host(from).domainState('migvm')).toBe('absent');
  // Continuity: the guest's own tick count never went back, it kept counting past the migration.
  expect(firstReset(readTicks(guest))).toBe(-1);
  expect(after).toBeGreaterThan(before);
  const job = await pair.host(to).virsh(['domjobinfo', '--completed', 'migvm']);
  const libvirtDowntime = /Total downtime:\s+(\d+)/.exec(job.stdout)?.[1];
  console.log(`[vm-figures] agent migration ${from}->${to} (${extra.migration_mode ?? 'tunnelled'}): total ${totalMs} ms (migrate_to ${out.ms} ms + migrate_from ${inn.ms} ms), libvirt downtime ${libvirtDowntime} ms, guest-observed tick gap ${gapMs} ms (tick period ${TICK_PERIOD_MS} ms)`);
  return { totalMs, gapMs };
}

describe('ocf:vigil:VirtualDomain live migration between two libvirtd hosts', () => {
  it('starts the guest on n1', async () => {
    const r = await runAgent(AGENT, 'start', paramsOn('n1'));
    expect(r.rc, r.stderr).toBe(0);
    console.log(`[vm-figures] agent start: ${r.ms} ms`);
    await waitForTick(guest, 5);
  });

  it('migrates n1 -> n2 peer-to-peer tunnelled over the unix socket, guest still counting', async () => {
    const { gapMs } = await migrate('n1', 'n2');
    expect(gapMs).toBeLessThan(2000);
  });

  it('migrates n2 -> n1 with virsh driving both sides over TCP (direct)', async () => {
    const tcpMap = pair.hosts.map((h) => `${h.name}=${h.tcpUri}`).join(' ');
    await migrate('n2', 'n1', { migration_mode: 'direct', migration_uri_map: tcpMap });
  });

  it('migrates n1 -> n2 peer-to-peer (QEMU-to-QEMU data) with the target URI from the %n template', async () => {
    const template = `qemu+unix:///system?socket=${pair.baseDir}/%n/run/libvirt-sock`;
    await migrate('n1', 'n2', { migration_mode: 'p2p', migration_uri_map: '', migration_uri_template: template });
  });

  it('fails migrate_to cleanly, guest kept on the source, when the target is unreachable', async () => {
    const src = paramsOn('n2', { migration_uri_map: 'n1=qemu+tcp://127.0.0.9/system' });
    const r = await runAgent(AGENT, 'migrate_to', { ...src, meta: { ...src.meta, migrate_target: 'n1', timeout: '20000' } });
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain('migration of migvm to qemu+tcp://127.0.0.9/system failed');
    expect(await pair.n2.domainState('migvm')).toBe('running');
    expect(firstReset(readTicks(guest))).toBe(-1);
  });

  it('migrate_to asked again after the guest reached the target succeeds; with the guest nowhere it fails', async () => {
    // The guest runs on n2 now: a repeated migrate_to on n1 (a re-planned transition) finds it there.
    const src = paramsOn('n1');
    const again = await runAgent(AGENT, 'migrate_to', { ...src, meta: { ...src.meta, migrate_target: 'n2' } });
    expect(again.rc, again.stderr).toBe(0);
    const wrongWay = await runAgent(AGENT, 'migrate_to', { ...paramsOn('n1'), meta: { on_node: 'n1', migrate_target: 'n1' } });
    expect(wrongWay.rc).toBe(1);
    expect(wrongWay.stderr).toContain('not running on n1, nothing to migrate');
  });

  it('start refuses a second copy of a guest running on another node; an unreachable peer does not block it', async () => {
    expect(await pair.n2.domainState('migvm')).toBe('running');
    const twice = await runAgent(AGENT, 'start', paramsOn('n1'));
    expect(twice.rc).toBe(1);
    expect(twice.stderr).toContain('already running on n2; refusing to start a second copy');
    expect(await pair.n1.domainState('migvm')).toBe('absent');

    expect((await runAgent(AGENT, 'stop', paramsOn('n2'))).rc).toBe(0);
    const withDeadPeer = paramsOn('n1', { migration_uri_map: `${pair.migrationUriMap} n3=qemu+tcp://127.0.0.9/system` });
    const started = await runAgent(AGENT, 'start', withDeadPeer);
    expect(started.rc, started.stderr).toBe(0);
    expect(await pair.n1.domainState('migvm')).toBe('running');
    expect((await runAgent(AGENT, 'stop', withDeadPeer)).rc).toBe(0);
  });

  it('migrate_to without a target node is a configuration error', async () => {
    const r = await runAgent(AGENT, 'migrate_to', paramsOn('n2'));
    expect(r.rc).toBe(6);
    expect(r.stderr).toContain('CRM_meta_migrate_target');
  });
});
