import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { firedLine, formatGuardCommand, monotonicNowMs, parseFiredLine, parseGuardCommand } from '../../daemon/fencing/guard-protocol.js';

describe('guard protocol', () => {
  it('round-trips every command', () => {
    for (const cmd of [
      { kind: 'targets', groups: [120, 4431], pids: [999], watches: [] },
      { kind: 'targets', groups: [], pids: [], watches: [] },
      { kind: 'targets', groups: [7], pids: [], watches: [{ pidFile: '/run/lib virt/qemu/vm:1.pid', arg: 'guest=vm:1' }] },
      { kind: 'pet', deadline: 81_234_567 },
      { kind: 'disarm' },
    ] as const) {
      expect(parseGuardCommand(formatGuardCommand(cmd))).toEqual(cmd);
    }
    expect(parseFiredLine(firedLine(3))).toBe(3);
  });

  it('rejects lines that are not commands, and never targets init or its own group', () => {
    for (const line of ['', 'pet', 'pet -5', 'pet 1.5', 'pet 1 2', 'targets 123', 'targets g1', 'targets p0', 'targets gx', 'targets w%zz:guest', 'targets w/x.pid', 'disarm now', 'reboot']) {
      expect(parseGuardCommand(line), line).toBeUndefined();
    }
    expect(parseFiredLine('fired')).toBeUndefined();
  });

  it('rounds a fractional deadline down', () => {
    expect(formatGuardCommand({ kind: 'pet', deadline: 99.9 })).toBe('pet 99\n');
  });

  it('uses a clock shared by all processes on the machine', () => {
    const child = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.hrtime.bigint() / 1000000n))'], { encoding: 'utf8' }));
    const here = monotonicNowMs();
    expect(here - child).toBeGreaterThanOrEqual(0);
    expect(here - child).toBeLessThan(5000);
  });
});
