import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lifecycle } from '../../../daemon/util/lifecycle.js';
import { LibvirtHost, testHostAddress } from './libvirt-host.js';

/**
 * Two libvirtd hosts, n1 on 127.A.B.2 and n2 on 127.A.B.3 (testHostAddress), under one temp base
 * dir that stop() removes. Both start in parallel, so the suite pays the QEMU
 * capabilities probe (8-10 s) once, not per test.
 */
export class LibvirtPair implements Lifecycle {
  readonly baseDir: string;
  readonly n1: LibvirtHost;
  readonly n2: LibvirtHost;

  constructor(prefix = 'vigil-vm-') {
    this.baseDir = mkdtempSync(join(tmpdir(), prefix));
    // Distinct port ranges per base dir so a leftover pair from a crashed run cannot collide.
    const ports = 49200 + (process.pid % 40) * 40;
    this.n1 = new LibvirtHost({ name: 'n1', address: testHostAddress(2), hostUuid: '11111111-1111-4111-8111-111111111111', migrationPortMin: ports, dir: join(this.baseDir, 'n1') });
    this.n2 = new LibvirtHost({ name: 'n2', address: testHostAddress(3), hostUuid: '22222222-2222-4222-8222-222222222222', migrationPortMin: ports + 20, dir: join(this.baseDir, 'n2') });
  }

  get hosts(): LibvirtHost[] {
    return [this.n1, this.n2];
  }

  host(name: string): LibvirtHost {
    const h = this.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no libvirt host ${name}`);
    return h;
  }

  /** "n1=URI n2=URI": the VirtualDomain agent's migration_uri_map for this pair. */
  get migrationUriMap(): string {
    return this.hosts.map((h) => `${h.name}=${h.uri}`).join(' ');
  }

  async start(): Promise<void> {
    const results = await Promise.allSettled(this.hosts.map((h) => h.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.hosts.map((h) => h.stop()));
    rmSync(this.baseDir, { recursive: true, force: true });
  }
}
