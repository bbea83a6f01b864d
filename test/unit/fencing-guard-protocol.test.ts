import { describe, expect, it } from 'vitest';
import { formatGuardCommand, parseFiredLine, parseGuardCommand, firedLine } from '../../daemon/fencing/guard-protocol.js';

describe('guard protocol', () => {
  it('round-trips every command', () => {
    for (const cmd of [
      { kind: 'targets', groups: [120, 4431], pids: [999] },
      { kind: 'targets', groups: [], pids: [] },
      { kind: 'pet', withinMs: 1650 },
      { kind: 'disarm' },
    ] as const) {
      expect(parseGuardCommand(formatGuardCommand(cmd))).toEqual(cmd);
    }
    expect(parseFiredLine(firedLine(3))).toBe(3);
  });

  it('rejects lines that are not commands, and never targets init or its own group', () => {
    for (const line of ['', 'pet', 'pet -5', 'pet 1.5', 'pet 1 2', 'targets 123', 'targets g1', 'targets p0', 'targets gx', 'disarm now', 'reboot']) {
      expect(parseGuardCommand(line), line).toBeUndefined();
    }
    expect(parseFiredLine('fired')).toBeUndefined();
  });

  it('rounds a fractional deadline down and clamps a passed one to 0', () => {
    expect(formatGuardCommand({ kind: 'pet', withinMs: 99.9 })).toBe('pet 99\n');
    expect(formatGuardCommand({ kind: 'pet', withinMs: -20 })).toBe('pet 0\n');
  });
});
