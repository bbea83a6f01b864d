import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandRaw } from '../../resource-agents/lib/run-command.js';
import { waitForAttribute } from './support/node-attributes.js';
import { waitForTick, writeTickGuest, type TickGuest } from './support/tick-guest.js';
import { VmCluster } from './support/vm-cluster.js';
import { vmConfiguration, vmPrimitive } from './support/vm-resource.js';

// The image store (ocf:vigil:storage) and connectivity (ocf:vigil:ping) cloned on every node, a VM
// ordered after and colocated with the store, and kept off nodes without connectivity.
const cluster = new VmCluster();
let guest: TickGuest;
let shared: string;
let images: string;

beforeAll(async () => {
  await cluster.start();
  shared = join(cluster.baseDir, 'shared-store');
  images = join(cluster.baseDir, 'images');
  mkdirSync(shared);
  mkdirSync(images);
  // The image lives in the shared store; the domain XML names it under the mount point.
  guest = writeTickGuest(cluster.baseDir, 'vm2', { writeTo: shared, domainPath: images });
});

afterAll(async () => {
  await cluster.stop();
});

const where = () => cluster.runningOn('vm2');
/** Runs a shell command inside a host's mount namespace (where its vigild, agents and libvirtd live). */
const onHost = (node: string, cmd: string) => runCommandRaw('nsenter', ['-t', String(cluster.pair.host(node).pid), '-m', 'sh', '-c', cmd], 10_000);

const clone = (id: string, primitive: string, meta = '') =>
  `<clone id="${id}"><meta_attributes id="${id}-meta"><nvpair id="${id}-interleave" name="interleave" value="true"/>${meta}</meta_attributes>${primitive}</clone>`;
const primitive = (id: string, type: string, params: Record<string, string>, meta: Record<string, string> = {}) =>
  `<primitive id="${id}" class="ocf" provider="vigil" type="${type}">` +
  `<instance_attributes id="${id}-ia">${Object.entries(params).map(([k, v]) => `<nvpair id="${id}-${k}" name="${k}" value="${v}"/>`).join('')}</instance_attributes>` +
  `<meta_attributes id="${id}-meta">${Object.entries(meta).map(([k, v]) => `<nvpair id="${id}-m-${k}" name="${k}" value="${v}"/>`).join('')}</meta_attributes>` +
  `<operations><op id="${id}-mon" name="monitor" interval="2s" timeout="20s"/></operations></primitive>`;

describe('VM placement with storage and connectivity clones', () => {
  it('mounts the store on every node and starts the VM after it', async () => {
    const resources =
      clone('store-clone', primitive('store', 'storage', { source: shared, directory: images }, { 'migration-threshold': '1' })) +
      clone('ping-clone', primitive('ping', 'ping', { host_list: '127.0.0.1', multiplier: '100', dampen: '1s', timeout: '1', attempts: '1' })) +
      vmPrimitive('vm2', { provider: 'vigil', type: 'VirtualDomain' }, {
        config: guest.configPath,
        hypervisor: 'qemu:///system',
        migration_uri_template: `qemu+unix:///system?socket=${cluster.baseDir}/%n/run/libvirt-sock`,
        force_stop: 'true',
      });
    const constraints =
      '<rsc_order id="store-before-vm2" first="store-clone" then="vm2" kind="Mandatory"/>' +
      '<rsc_colocation id="vm2-with-store" rsc="vm2" with-rsc="store-clone" score="INFINITY"/>' +
      '<rsc_location id="vm2-needs-ping" rsc="vm2"><rule id="vm2-needs-ping-rule" score="-INFINITY" boolean-op="or">' +
      '<expression id="vm2-np-1" attribute="pingd" operation="not_defined"/>' +
      '<expression id="vm2-np-2" attribute="pingd" operation="lte" type="number" value="0"/></rule></rsc_location>';
    await cluster.api('n1').replaceConfiguration({ xml: vmConfiguration(['n1', 'n2'], resources, constraints) });
    await cluster.waitFor(async () => (await where()).length === 1, 60_000, 'vm2 running');
    await waitForTick(guest, 0);
    for (const node of ['n1', 'n2']) {
      expect((await onHost(node, `grep -c ' ${images} ' /proc/self/mountinfo`)).stdout.trim(), node).toBe('1');
      await waitForAttribute(cluster.api('n1'), node, 'pingd', '100');
    }
    // The store is mounted only inside the hosts' namespaces, not on the test machine itself.
    expect((await runCommandRaw('sh', ['-c', `grep -c ' ${images} ' /proc/self/mountinfo`], 5000)).stdout.trim()).toBe('0');
  });

  it('moves the VM off a node whose connectivity check fails', async () => {
    const [from] = await where();
    const to = from === 'n1' ? 'n2' : 'n1';
    // From that node's point of view every ping is now lost (a failing ping binary in its namespace).
    const fake = join(cluster.baseDir, 'ping-lost');
    expect((await runCommandRaw('sh', ['-c', `printf '#!/bin/sh\\nexit 1\\n' > ${fake} && chmod +x ${fake}`], 5000)).code).toBe(0);
    expect((await onHost(from, `mount --bind ${fake} /usr/bin/ping`)).code).toBe(0);
    const t0 = Date.now();
    await waitForAttribute(cluster.api('n1'), from, 'pingd', '0', 30_000);
    await cluster.waitFor(async () => (await where()).join() === to, 90_000, `vm2 running only on ${to}`);
    console.log(`[vm-figures] vigil placement: ping lost on ${from} to vm2 running on ${to}: ${Date.now() - t0} ms`);
    expect((await onHost(from, 'umount /usr/bin/ping')).code).toBe(0);
    await waitForAttribute(cluster.api('n1'), from, 'pingd', '100', 30_000);
  });

  it("moves the VM off a node whose store fails", async () => {
    await cluster.waitFor(async () => (await where()).length === 1, 60_000, 'vm2 settled on one node');
    const [from] = await where();
    const to = from === 'n1' ? 'n2' : 'n1';
    const t0 = Date.now();
    // The store on the VM's node turns read-only: its monitor fails, and with migration-threshold=1
    // the store may not run there any more, so neither may the VM colocated with it.
    expect((await onHost(from, `mount -o remount,bind,ro ${images}`)).code).toBe(0);
    await cluster.waitFor(async () => (await where()).join() === to, 90_000, `vm2 running only on ${to}`);
    console.log(`[vm-figures] vigil placement: store failed on ${from} to vm2 running on ${to}: ${Date.now() - t0} ms`);
    await waitForTick(guest, 0);
  });
});
