import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../daemon/api/client.js';
import { projectDir } from '../../daemon/executor/project-paths.js';
import { freePort } from './support/etcd-cluster.js';
import { processAlive } from './support/local-cluster.js';

/** Direct children of a process (from /proc/<pid>/task/<pid>/children). */
function childPids(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** One vigild process: config errors, embedded etcd, unreachable etcd, CIB updates, a hanging agent. */
describe('a single vigild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-single-'));
  const started: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(started.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  const vigild = (config: string, name: string) => {
    const file = join(dir, `${name}.conf`);
    writeFileSync(file, config);
    const child = spawn(process.execPath, [join(projectDir(), 'bin', 'vigild.mjs'), '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, stderr: () => stderr };
  };
  const until = async (check: () => Promise<boolean> | boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('stops at once on a malformed config, naming file and line (exit 2)', async () => {
    const v = vigild('node = a\nlease_ttl = 2s\n', 'bad');
    expect(await v.exited).toBe(2);
    expect(v.stderr()).toContain(`${join(dir, 'bad.conf')}:2: lease_ttl: expected a whole number, got '2s'`);
  });

  it('keeps retrying with a clear log line while etcd is unreachable, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const v = vigild(`node = lonely\netcd_endpoints = http://127.0.0.1:${port}\napi_socket = ${join(dir, 'lonely.sock')}\n`, 'lonely');
    await until(() => v.stderr().includes('etcd unreachable; retrying'), 15_000);
    const info = await new ApiClient(join(dir, 'lonely.sock')).nodeInfo();
    expect(info).toMatchObject({ node: 'lonely', quorate: false, members: [] });
    expect(v.child.exitCode).toBeNull();
    v.child.kill('SIGTERM');
    expect(await v.exited).toBe(0);
  });

  describe('with an embedded etcd', () => {
    let v: ReturnType<typeof vigild>;
    let etcdUrl: string;
    const api = () => new ApiClient(join(dir, 'solo.sock'));
    beforeAll(async () => {
      // start hangs / start answers a code no OCF agent may return; probes say "not running"
      const agents = join(dir, 'ocf', 'resource.d', 'test');
      mkdirSync(agents, { recursive: true });
      for (const [name, start] of [['Hang', 'exec sleep 600'], ['Garbage', 'exit 42']]) {
        writeFileSync(join(agents, name), `#!/bin/sh\ncase "$1" in start) ${start} ;; stop) exit 0 ;; *) exit 7 ;; esac\n`);
        chmodSync(join(agents, name), 0o755);
      }
      etcdUrl = `http://127.0.0.1:${await freePort()}`;
      const peerUrl = `http://127.0.0.1:${await freePort()}`;
      v = vigild(
        `node = solo\nembedded_etcd_client_url = ${etcdUrl}\nembedded_etcd_peer_url = ${peerUrl}\ndata_dir = ${join(dir, 'solo')}\n` +
          `api_socket = ${join(dir, 'solo.sock')}\nresource_tmp_dir = ${join(dir, 'solo', 'rsc')}\nagent_path = ${join(dir, 'ocf')}\n`,
        'solo',
      );
      await until(async () => (await api().nodeInfo().catch(() => undefined))?.dc === 'solo', 20_000);
    });

    it('is a one-node cluster: member, DC, quorate', async () => {
      expect(await api().nodeInfo()).toEqual({ node: 'solo', dc: 'solo', quorate: true, members: ['solo'] });
    });

    it('rejects malformed XML, invalid references and stale epochs, changing nothing', async () => {
      const before = await api().getCib();
      const epoch = Number(/<cib epoch="(\d+)"/.exec(before)![1]);
      const rejected = async (xml: string, expectEpoch?: number) => {
        const err = await api().replaceConfiguration({ xml, expectEpoch }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ApiError);
        return err as ApiError;
      };
      const malformed = await rejected('<configuration><resources></configuration>');
      expect([malformed.status, malformed.code]).toEqual([400, 'CIB_INVALID']);
      const dangling = await rejected(
        '<configuration><crm_config/><nodes/><resources/><constraints><rsc_location id="l1" rsc="ghost" node="solo" score="10"/></constraints></configuration>',
      );
      expect(dangling.message).toContain('ghost');
      const stale = await rejected('<configuration><crm_config/><nodes/><resources/><constraints/></configuration>', epoch - 1);
      expect([stale.status, stale.code]).toEqual([409, 'CIB_EPOCH_CONFLICT']);
      const after = await api().getCib();
      expect(/<configuration>[\s\S]*<\/configuration>/.exec(after)![0]).toBe(/<configuration>[\s\S]*<\/configuration>/.exec(before)![0]);
      expect(after).toContain(`epoch="${epoch}"`);
    });

    it('imports an exported CIB: same configuration, next epoch', async () => {
      const exported = await api().getCib();
      const epoch = Number(/<cib epoch="(\d+)"/.exec(exported)![1]);
      expect(await api().replaceConfiguration({ xml: exported, expectEpoch: epoch })).toEqual({ epoch: epoch + 1 });
      const again = await api().getCib();
      expect(/<configuration>[\s\S]*<\/configuration>/.exec(again)![0]).toBe(/<configuration>[\s\S]*<\/configuration>/.exec(exported)![0]);
    });

    it('records a hanging agent as a timed-out start and garbage as an error, and carries on', async () => {
      const cib = await api().getCib();
      const epoch = Number(/<cib epoch="(\d+)"/.exec(cib)![1]);
      const primitive = (id: string, type: string) =>
        `<primitive id="${id}" class="ocf" provider="test" type="${type}"><operations><op id="${id}-start" name="start" interval="0" timeout="1s"/></operations></primitive>`;
      await api().replaceConfiguration({
        expectEpoch: epoch,
        xml: `<configuration><crm_config/><nodes><node id="solo" uname="solo"/></nodes><resources>${primitive('hang', 'Hang')}${primitive('junk', 'Garbage')}</resources><constraints/></configuration>`,
      });
      await until(async () => {
        const text = await api().getCib();
        return /operation_key="hang_start_0"[^>]*op-status="2"/.test(text) && /operation_key="junk_start_0"[^>]*rc-code="1"/.test(text);
      }, 20_000);
      const text = await api().getCib();
      expect(text).toMatch(/name="fail-count-hang#start_0" value="INFINITY"/);
      expect(text).toMatch(/name="fail-count-junk#start_0" value="INFINITY"/);
      expect(v.stderr()).toMatch(/"resource":"hang","op":"start".*"operation failed"/);
      expect(v.child.exitCode).toBeNull();
      expect((await api().nodeInfo()).quorate).toBe(true);
    });

    it('its embedded etcd dies with it even on SIGKILL', async () => {
      const etcdPid = childPids(v.child.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--name=solo\0'));
      expect(etcdPid, 'embedded etcd is a child of vigild').toBeDefined();
      const other = vigild(
        `node = other\nembedded_etcd_client_url = http://127.0.0.1:${await freePort()}\nembedded_etcd_peer_url = http://127.0.0.1:${await freePort()}\n` +
          `data_dir = ${join(dir, 'other')}\napi_socket = ${join(dir, 'other.sock')}\nresource_tmp_dir = ${join(dir, 'other', 'rsc')}\n`,
        'other',
      );
      const otherApi = new ApiClient(join(dir, 'other.sock'), 5000);
      await until(async () => (await otherApi.nodeInfo().catch(() => undefined))?.dc === 'other', 20_000);
      const otherEtcd = childPids(other.child.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--name=other\0'))!;
      expect(otherEtcd).toBeDefined();
      other.child.kill('SIGKILL');
      await other.exited;
      try {
        await until(() => !processAlive(otherEtcd), 2000);
      } finally {
        if (processAlive(otherEtcd)) process.kill(otherEtcd, 'SIGKILL');
      }
    });

    it('stops its embedded etcd when it stops', async () => {
      v.child.kill('SIGTERM');
      expect(await v.exited).toBe(0);
      const health = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(1000) }).then(
        () => 'answering',
        () => 'gone',
      );
      expect(health).toBe('gone');
      expect(readFileSync(join(dir, 'solo.conf'), 'utf8')).toContain('node = solo');
    });
  });
});
