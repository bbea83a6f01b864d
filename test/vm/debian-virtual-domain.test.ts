import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstReset, readTicks, TickRecorder, waitForTick, writeTickGuest, type TickGuest } from './support/tick-guest.js';
import { VmCluster } from './support/vm-cluster.js';
import { vmConfiguration, vmPrimitive } from './support/vm-resource.js';

// Debian's ocf:heartbeat:VirtualDomain, unchanged, run by vigil's executor: start, monitor, live migration.
const cluster = new VmCluster();
let guest: TickGuest;

beforeAll(async () => {
  await cluster.start();
  guest = writeTickGuest(cluster.baseDir, 'debvm');
});

afterAll(async () => {
  await cluster.stop();
});

const where = () => cluster.runningOn('debvm');

describe("Debian's ocf:heartbeat:VirtualDomain under vigil", () => {
  it('starts and monitors the VM', async () => {
    const resources = vmPrimitive('debvm', { provider: 'heartbeat', type: 'VirtualDomain' }, {
      config: guest.configPath,
      hypervisor: 'qemu:///system',
      // The agent's own %n substitution: each host's libvirtd socket under the suite's base dir.
      remoteuri: `qemu+unix:///system?socket=${cluster.baseDir}/%n/run/libvirt-sock`,
      force_stop: 'true',
    });
    const t0 = Date.now();
    await cluster.api('n1').replaceConfiguration({ xml: vmConfiguration(['n1', 'n2'], resources, '<rsc_location id="debvm-on-n1" rsc="debvm" node="n1" score="50"/>') });
    await cluster.waitFor(async () => (await where()).join() === 'n1', 60_000, 'debvm running on n1');
    console.log(`[vm-figures] Debian VirtualDomain under vigil: start ${Date.now() - t0} ms`);
    await waitForTick(guest, 5);
    // Recurring monitors keep succeeding: no failure recorded after a few intervals.
    await new Promise((r) => setTimeout(r, 5000));
    const cib = await cluster.api('n1').getCib();
    expect(cib).toMatch(/operation_key="debvm_monitor_2000"[^>]*rc-code="0"/);
    expect(cib).not.toMatch(/id="debvm_last_failure_0"/);
  });

  it('live-migrates on `vigil resource move`, the guest still running', async () => {
    const ticksBefore = readTicks(guest);
    const recorder = new TickRecorder(guest);
    recorder.start();
    const t0 = Date.now();
    const r = await cluster.vigil('n1', ['resource', 'move', 'debvm', 'n2']);
    expect(r.code, r.stderr).toBe(0);
    await cluster.waitFor(async () => (await where()).join() === 'n2', 90_000, 'debvm running only on n2');
    const job = await cluster.pair.n2.virsh(['domjobinfo', '--completed', 'debvm']);
    console.log(`[vm-figures] Debian VirtualDomain under vigil: move to n2 ${Date.now() - t0} ms; libvirt downtime ${/Total downtime:\s+(\d+)/.exec(job.stdout)?.[1]} ms; guest-observed tick gap ${recorder.stop()} ms`);
    await waitForTick(guest, ticksBefore.at(-1)! + 20);
    expect(firstReset(readTicks(guest).slice(ticksBefore.length - 1))).toBe(-1);
    // The controller records the migration (not a stop/start) in the status section.
    await cluster.waitFor(async () => /operation_key="debvm_migrate_from_0"[^>]*rc-code="0"/.test(await cluster.api('n1').getCib()), 20_000, 'migrate_from recorded');
  });
});
