import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DcElection } from '../../daemon/membership/dc-election.js';
import { connectEtcd } from '../../daemon/membership/etcd-connection.js';
import { createLogger } from '../../daemon/util/logger.js';
import { EtcdCluster } from './support/etcd-cluster.js';

/** The DC election against a real etcd: nodes campaigning at the same moment, as at cluster start. */
describe('DC election', () => {
  let dir: string;
  let etcd: EtcdCluster;
  const clients: Etcd3[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-election-'));
    etcd = await EtcdCluster.start(dir, 1, createLogger({ level: 'warn' }));
    for (let i = 0; i < 3; i++) clients.push(connectEtcd(etcd.endpoints()));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('nodes campaigning together agree on one DC, the one elected, and none steps down', async () => {
    const names = ['n1', 'n2', 'n3'];
    const stepDowns: string[] = [];
    for (let round = 0; round < 12; round++) {
      const elected: string[] = [];
      const elections = names.map((node, i) => {
        const log = pino({ level: 'info' }, { write: (line: string) => void (line.includes('stepping down') && stepDowns.push(`round ${round}: ${node}`)) });
        return new DcElection({ client: clients[i], node, ttlS: 2, log, onElected: () => elected.push(node), onDeposed: () => undefined });
      });
      await Promise.all(elections.map((e) => e.start()));
      const deadline = Date.now() + 5000;
      while (!(elections.filter((e) => e.isDc).length === 1 && elections.every((e) => e.dc === elections.find((x) => x.isDc)?.dc))) {
        if (Date.now() > deadline) throw new Error(`round ${round}: no agreement: ${elections.map((e) => `${e.dc}/${e.isDc}`).join(' ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      // every node names the one that is DC, and it was elected once (no step-down and re-election)
      const dc = names[elections.findIndex((e) => e.isDc)];
      expect(elections.map((e) => e.dc)).toEqual(names.map(() => dc));
      expect(elected).toEqual([dc]);
      await Promise.all(elections.map((e) => e.stop()));
    }
    expect(stepDowns).toEqual([]);
  });
});
