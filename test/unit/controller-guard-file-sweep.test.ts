import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { staleGuardResources } from '../../daemon/controller/guard-file-sweep.js';
import { guardFileResources, guardPidFile, guardWatchFile, removeGuardFiles } from '../../daemon/executor/guard-pid-files.js';

describe('guard file sweep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-guard-sweep-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes only resources neither configured (clone instances by their primitive) nor with history here', () => {
    const named = ['vm-deleted', 'vm-configured', 'vm-orphan-running', 'store:1', 'gone:0'];
    expect(staleGuardResources(named, new Set(['vm-configured', 'store']), new Set(['vm-orphan-running']))).toEqual(['vm-deleted', 'gone:0']);
  });

  it('lists the resources with guard files, and removes one resource\'s files only', () => {
    expect(guardFileResources(dir)).toEqual([]);
    mkdirSync(join(dir, 'guard-pids'));
    writeFileSync(guardPidFile(dir, 'a'), '');
    writeFileSync(guardWatchFile(dir, 'a'), '');
    writeFileSync(guardWatchFile(dir, 'b:0'), '');
    writeFileSync(join(dir, 'guard-pids', 'b.watch.tmp'), '');
    expect(guardFileResources(dir).sort()).toEqual(['a', 'b:0']);
    removeGuardFiles(dir, 'a');
    expect(guardFileResources(dir)).toEqual(['b:0']);
  });
});
