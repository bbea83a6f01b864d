import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../daemon/api/client.js';
import { guardPidFile, guardWatchFile } from '../../daemon/executor/guard-pid-files.js';
import { VigildProcess } from '../shell/vigild-process.js';

// A real vigild: what agents named for the node's guard goes once the cluster forgets the resource.
const daemon = new VigildProcess('n1');
let api: ApiClient;
const rscTmp = () => join(daemon.dir, 'rsc');

const primitive = (id: string) =>
  `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="${id}-meta"><nvpair id="${id}-role" name="target-role" value="Stopped"/></meta_attributes></primitive>`;

async function configure(...ids: string[]): Promise<void> {
  const cib = await api.getCib();
  const epoch = Number(/<cib epoch="(\d+)"/.exec(cib)![1]);
  const nodes = /<nodes>[\s\S]*?<\/nodes>|<nodes\/>/.exec(cib)![0];
  const options = '<cluster_property_set id="options"><nvpair id="options-stonith" name="stonith-enabled" value="false"/></cluster_property_set>';
  await api.replaceConfiguration({ expectEpoch: epoch, xml: `<configuration><crm_config>${options}</crm_config>${nodes}<resources>${ids.map(primitive).join('')}</resources><constraints/></configuration>` });
}

async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const probed = (id: string) => async () => (await api.getCib()).includes(`operation_key="${id}_monitor_0"`);

beforeAll(async () => {
  await daemon.start();
  api = new ApiClient(daemon.socket);
});

afterAll(async () => {
  await daemon.stop();
});

describe('guard files', () => {
  it('are removed once a resource is deleted and its history forgotten, and kept for configured ones', async () => {
    await configure('keep', 'ghost');
    await until('both are probed', async () => (await probed('keep')()) && (await probed('ghost')()));
    // as VirtualDomain names a domain's QEMU on every node that probed it
    mkdirSync(join(rscTmp(), 'guard-pids'), { recursive: true });
    for (const id of ['keep', 'ghost']) writeFileSync(guardWatchFile(rscTmp(), id), JSON.stringify({ pidFile: `/run/libvirt/qemu/${id}.pid`, arg: `guest=${id}` }) + '\n');
    writeFileSync(guardPidFile(rscTmp(), 'ghost'), '');

    // a cleanup forgets the history of a configured resource: its files stay
    await api.cleanup('keep');
    // deleted from the configuration: the DC forgets its history here, then the node its files
    await configure('keep');
    await until('ghost has no history', async () => !(await probed('ghost')()));
    await until("ghost's files are gone", () => !existsSync(guardWatchFile(rscTmp(), 'ghost')) && !existsSync(guardPidFile(rscTmp(), 'ghost')));
    // sweeps run one after another, each on the CIB as it is then: the one that removed ghost's files came after the cleanup
    expect(existsSync(guardWatchFile(rscTmp(), 'keep'))).toBe(true);
    expect(daemon.log).not.toMatch(/guard file sweep failed/);
  });
});
