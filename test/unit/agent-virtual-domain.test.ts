import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenNamed, firstChild, parseXml } from '../../daemon/cib/xml.js';
import { readGuardTargets, resolveGuardWatch } from '../../daemon/executor/guard-pid-files.js';
import { LibvirtHost, testHostAddress } from '../vm/support/libvirt-host.js';
import { runAgent, vigilAgent } from '../vm/support/run-agent.js';
import { readTicks, waitForTick, writeTickGuest, type TickGuest } from '../vm/support/tick-guest.js';

// ocf-tester-style checks of ocf:vigil:VirtualDomain against a real libvirtd + QEMU (TCG).
const AGENT = vigilAgent('VirtualDomain');
let dir: string;
let host: LibvirtHost;
let guest: TickGuest;
const params = () => ({ config: guest.configPath, hypervisor: host.uri, shutdown_timeout: '1' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-agent-vd-'));
  host = new LibvirtHost({ name: 'n1', address: testHostAddress(2), hostUuid: '11111111-1111-4111-8111-111111111111', migrationPortMin: 49600, dir: join(dir, 'n1') });
  await host.start();
  guest = writeTickGuest(dir, 'vdtest');
});

afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ocf:vigil:VirtualDomain', () => {
  it('prints meta-data that is well-formed OCF XML with the required parameter and every action', async () => {
    const r = await runAgent(AGENT, 'meta-data');
    expect(r.rc).toBe(0);
    const root = parseXml(r.stdout);
    expect(root.name).toBe('resource-agent');
    expect(root.attrs.name).toBe('VirtualDomain');
    const parameters = childrenNamed(firstChild(root, 'parameters')!, 'parameter');
    expect(parameters.find((p) => p.attrs.name === 'config')?.attrs.required).toBe('1');
    for (const p of parameters) expect(firstChild(p, 'shortdesc')?.text, p.attrs.name).toBeTruthy();
    const actions = childrenNamed(firstChild(root, 'actions')!, 'action');
    expect(actions.map((a) => a.attrs.name).sort()).toEqual(['meta-data', 'migrate_from', 'migrate_to', 'monitor', 'start', 'stop', 'validate-all']);
    for (const a of actions) expect(a.attrs.timeout, a.attrs.name).toMatch(/^\d+s$/);
  });

  it('answers 3 (unimplemented) to an unknown action', async () => {
    const r = await runAgent(AGENT, 'frobnicate', { params: params() });
    expect(r.rc).toBe(3);
    expect(r.stderr).toContain("action 'frobnicate' is not implemented");
  });

  it('validate-all: missing, relative, absent and malformed config are errors naming the problem', async () => {
    const missing = await runAgent(AGENT, 'validate-all', { params: { hypervisor: host.uri } });
    expect(missing.rc).toBe(6);
    expect(missing.stderr).toContain("required parameter 'config'");
    const relative = await runAgent(AGENT, 'validate-all', { params: { config: 'vm.xml' } });
    expect(relative.rc).toBe(6);
    const absent = await runAgent(AGENT, 'validate-all', { params: { config: join(dir, 'nope.xml') } });
    expect(absent.rc).toBe(5);
    expect(absent.stderr).toContain(join(dir, 'nope.xml'));
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, '<domain type="qemu">\n  <memory>64</memory>\n</domain>\n');
    const noName = await runAgent(AGENT, 'validate-all', { params: { config: bad } });
    expect(noName.rc).toBe(6);
    expect(noName.stderr).toContain('has no <name>');
    writeFileSync(bad, '<domain type="qemu">\n  <name>x</name>\n');
    const broken = await runAgent(AGENT, 'validate-all', { params: { config: bad } });
    expect(broken.rc).toBe(6);
    expect(broken.stderr).toMatch(/bad\.xml:\d+/);
    const badMode = await runAgent(AGENT, 'validate-all', { params: { ...params(), migration_mode: 'teleport' } });
    expect(badMode.rc).toBe(6);
    expect((await runAgent(AGENT, 'validate-all', { params: params() })).rc).toBe(0);
  });

  it('monitor of a stopped domain returns 7, and a probe without its config file too', async () => {
    expect((await runAgent(AGENT, 'monitor', { params: params() })).rc).toBe(7);
    expect((await runAgent(AGENT, 'monitor', { params: { ...params(), reboot_grace: '0' }, meta: { interval: '10000' } })).rc).toBe(7);
    expect((await runAgent(AGENT, 'monitor', { params: { ...params(), config: join(dir, 'elsewhere.xml') } })).rc).toBe(7);
  });

  it('start and stop are idempotent; stop escalates to destroy when the guest ignores ACPI', async () => {
    const first = await runAgent(AGENT, 'start', { params: params() });
    expect(first.rc, first.stderr).toBe(0);
    expect(await host.domainState('vdtest')).toBe('running');
    const pid = host.qemuPid('vdtest');
    expect((await runAgent(AGENT, 'start', { params: params() })).rc).toBe(0);
    expect(host.qemuPid('vdtest')).toBe(pid);
    expect((await runAgent(AGENT, 'monitor', { params: params() })).rc).toBe(0);
    await waitForTick(guest, 0);

    // The tick guest has no ACPI handling: the graceful phase must time out and destroy follow.
    const stop = await runAgent(AGENT, 'stop', { params: params(), env: { VIGIL_LOG_LEVEL: 'info' } });
    expect(stop.rc, stop.stderr).toBe(0);
    expect(stop.stderr).toContain('ignored the shutdown request');
    expect(stop.ms).toBeGreaterThanOrEqual(1000);
    expect(await host.domainState('vdtest')).toBe('absent');
    expect((await runAgent(AGENT, 'stop', { params: params() })).rc).toBe(0);
    expect((await runAgent(AGENT, 'monitor', { params: params() })).rc).toBe(7);
  });

  it('stop without shutdown_timeout stays within its operation timeout', async () => {
    expect((await runAgent(AGENT, 'start', { params: params() })).rc).toBe(0);
    const stop = await runAgent(AGENT, 'stop', { params: { config: guest.configPath, hypervisor: host.uri }, meta: { timeout: '10000' } });
    expect(stop.rc, stop.stderr).toBe(0);
    expect(stop.ms).toBeLessThan(10_000);
    expect(stop.ms).toBeGreaterThan(3000); // the graceful phase came first
    expect(await host.domainState('vdtest')).toBe('absent');
  });

  it('a guest that reboots itself is not a failure; one that stays down is', async () => {
    expect((await runAgent(AGENT, 'start', { params: params() })).rc).toBe(0);
    const before = await waitForTick(guest, 10);
    // Hardware reset: the guest starts over (its tick count restarts) but the domain keeps running.
    expect((await host.virsh(['reset', 'vdtest'])).code).toBe(0);
    const recurring = { params: { ...params(), reboot_grace: '8' }, meta: { interval: '10000', timeout: '20000' } };
    expect((await runAgent(AGENT, 'monitor', recurring)).rc).toBe(0);
    // The restarted count shows on the serial console a moment after the reset (later under load): wait for it.
    const restarted = () => readTicks(guest).some((t, i, ticks) => i > 0 && t < ticks[i - 1] && ticks[i - 1] >= before);
    for (const until = Date.now() + 20_000; !restarted() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
    expect(restarted()).toBe(true);

    // The domain disappears and comes back (a reboot that recreates it) within reboot_grace.
    expect((await host.virsh(['destroy', 'vdtest'])).code).toBe(0);
    const monitoring = runAgent(AGENT, 'monitor', recurring);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await host.virsh(['create', guest.configPath])).code).toBe(0);
    const during = await monitoring;
    expect(during.rc, during.stderr).toBe(0);
    expect(during.ms).toBeGreaterThanOrEqual(1000);

    // A domain that stays gone is reported stopped once the grace has passed (a probe: at once).
    expect((await host.virsh(['destroy', 'vdtest'])).code).toBe(0);
    const stayedDown = await runAgent(AGENT, 'monitor', { params: { ...params(), reboot_grace: '2' }, meta: { interval: '10000' } });
    expect(stayedDown.rc).toBe(7);
    expect(stayedDown.ms).toBeGreaterThanOrEqual(2000);
  });

  it('watches the domain\'s QEMU (a child of libvirtd, not of the agent) for the guard from the probe on, running or not', async () => {
    const rscTmp = join(dir, 'rsc');
    const opts = { params: { ...params(), force_stop: 'true' }, env: { HA_RSCTMP: rscTmp } };
    const named = () => readGuardTargets(rscTmp).watches.map(resolveGuardWatch);
    // the probe, with nothing running, already sets the watch: a migration may bring QEMU here without any agent running
    expect((await runAgent(AGENT, 'monitor', opts)).rc).toBe(7);
    expect(readGuardTargets(rscTmp).watches).toHaveLength(1);
    expect(named()).toEqual([undefined]);
    expect((await runAgent(AGENT, 'start', opts)).rc).toBe(0);
    const qemu = host.qemuPid('vdtest');
    expect(qemu).toBeGreaterThan(1);
    expect(named()).toEqual([qemu]);
    expect((await runAgent(AGENT, 'stop', opts)).rc).toBe(0);
    expect(named()).toEqual([undefined]);
    // a guest started behind vigil's back is covered too
    expect((await runAgent(AGENT, 'start', { params: params() })).rc).toBe(0);
    expect(named()).toEqual([host.qemuPid('vdtest')]);
    expect((await runAgent(AGENT, 'stop', opts)).rc).toBe(0);
  });

  it('a hung libvirtd does not hang the agent: monitor fails within its timeout', async () => {
    expect((await runAgent(AGENT, 'start', { params: params() })).rc).toBe(0);
    process.kill(host.pid!, 'SIGSTOP');
    try {
      const r = await runAgent(AGENT, 'monitor', { params: params(), meta: { timeout: '3000' } });
      expect(r.rc).toBe(1);
      expect(r.stderr).toMatch(/no answer within \d+ ms/);
      expect(r.ms).toBeLessThan(5000);
    } finally {
      process.kill(host.pid!, 'SIGCONT');
    }
    expect((await runAgent(AGENT, 'stop', { params: { ...params(), force_stop: 'true' } })).rc).toBe(0);
  });
});
