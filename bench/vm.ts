/**
 * VM figures on real libvirt + QEMU (TCG) under real vigild nodes:
 *   VM start (configuration commit -> domain running -> first guest tick),
 *   live migration via `vigil resource move` (command -> running only on the target;
 *   libvirt's downtime; longest gap in the guest's own tick output),
 *   QEMU SIGKILL -> VM running again (default ocf:vigil:VirtualDomain settings, monitor every 2 s).
 * Usage: node dist/bench/vm.js [ROUNDS]   (default 3; needs root, libvirtd, qemu-system-x86_64)
 */
import { firstReset, readTicks, TickRecorder, waitForTick, writeTickGuest } from '../test/vm/support/tick-guest.js';
import { VmCluster } from '../test/vm/support/vm-cluster.js';
import { vmConfiguration, vmPrimitive } from '../test/vm/support/vm-resource.js';

const rounds = Number(process.argv[2] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (what: string, xs: number[]) => console.log(`${what.padEnd(46)} median ${median(xs)} ms  min ${Math.min(...xs)}  max ${Math.max(...xs)}  (n=${xs.length})`);

async function main(): Promise<void> {
  const cluster = new VmCluster();
  await cluster.start();
  try {
    const guest = writeTickGuest(cluster.baseDir, 'benchvm');
    const where = () => cluster.runningOn('benchvm');
    const vm = vmPrimitive('benchvm', { provider: 'vigil', type: 'VirtualDomain' }, {
      config: guest.configPath,
      hypervisor: 'qemu:///system',
      migration_uri_template: `qemu+unix:///system?socket=${cluster.baseDir}/%n/run/libvirt-sock`,
      force_stop: 'true',
    });
    const starts: number[] = [];
    const firstTicks: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const role = (r: string) => vmConfiguration(['n1', 'n2'], vm.replace('</meta_attributes>', `<nvpair id="benchvm-role" name="target-role" value="${r}"/></meta_attributes>`));
      const t0 = Date.now();
      await cluster.api('n1').replaceConfiguration({ xml: role('Started') });
      await cluster.waitFor(async () => (await where()).length === 1, 60_000, 'benchvm running');
      starts.push(Date.now() - t0);
      await waitForTick(guest, 0);
      firstTicks.push(Date.now() - t0);
      await cluster.api('n1').replaceConfiguration({ xml: role('Stopped') });
      await cluster.waitFor(async () => (await where()).length === 0, 60_000, 'benchvm stopped');
    }
    await cluster.api('n1').replaceConfiguration({ xml: vmConfiguration(['n1', 'n2'], vm) });
    await cluster.waitFor(async () => (await where()).length === 1, 60_000, 'benchvm running');

    // Move only a settled VM: started and its recurring monitor reported (as an admin would see it in status).
    const settled = async () => {
      await cluster.waitFor(async () => (await where()).length === 1, 60_000, 'benchvm running');
      const t = Date.now();
      await cluster.waitFor(async () => {
        const m = /<lrm_rsc_op [^>]*operation_key="benchvm_monitor_2000"[^>]*last-rc-change="(\d+)"[^>]*>/.exec(await cluster.api('n1').getCib());
        return m !== null && /rc-code="0"/.test(m[0]) && Date.now() - t > 2500;
      }, 60_000, 'benchvm monitored');
    };
    let restarted = 0;
    const totals: number[] = [];
    const downtimes: number[] = [];
    const gaps: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await settled();
      const [from] = await where();
      const to = from === 'n1' ? 'n2' : 'n1';
      const before = readTicks(guest).length;
      await waitForTick(guest, readTicks(guest).at(-1) ?? 0);
      const recorder = new TickRecorder(guest);
      recorder.start();
      const t0 = Date.now();
      await cluster.vigil('n1', ['resource', 'move', 'benchvm', to]);
      await cluster.waitFor(async () => (await where()).join() === to, 90_000, `benchvm on ${to}`);
      totals.push(Date.now() - t0);
      await waitForTick(guest, readTicks(guest).at(-1)! + 5);
      gaps.push(recorder.stop());
      if (firstReset(readTicks(guest).slice(before - 1)) !== -1) restarted++;
      const job = await cluster.pair.host(to).virsh(['domjobinfo', '--completed', 'benchvm']);
      downtimes.push(Number(/Total downtime:\s+(\d+)/.exec(job.stdout)?.[1] ?? NaN));
    }
    await cluster.vigil('n1', ['resource', 'clear', 'benchvm']);

    const recoveries: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const [node] = await where();
      const host = cluster.pair.host(node);
      const pid = host.qemuPid('benchvm')!;
      const t0 = Date.now();
      process.kill(pid, 'SIGKILL');
      await cluster.waitFor(async () => {
        const now = await where();
        return now.length === 1 && cluster.pair.host(now[0]).qemuPid('benchvm') !== pid;
      }, 60_000, 'benchvm running again');
      recoveries.push(Date.now() - t0);
      await cluster.vigil('n1', ['resource', 'cleanup', 'benchvm']);
      await new Promise((r) => setTimeout(r, 3000));
    }

    console.log(`vigil VM figures (TCG guest, 64 MiB, two libvirtd hosts on one machine, ${rounds} rounds)`);
    line('VM start: commit -> domain running', starts);
    line('VM start: commit -> first guest tick', firstTicks);
    line('live migration (vigil resource move): total', totals);
    line('live migration: libvirt downtime', downtimes);
    line('live migration: guest-observed tick gap', gaps);
    line('QEMU SIGKILL -> VM running again', recoveries);
    console.log(`moves in which the guest restarted (stop/start instead of live migration): ${restarted}/${rounds}`);
  } finally {
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
