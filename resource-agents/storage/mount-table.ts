import { readFileSync } from 'node:fs';

/** Undoes mountinfo's octal escapes (\040 for a space in a path). */
const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export interface MountEntry {
  mountPoint: string;
  fstype: string;
  source: string;
}

/** The mounts of this process's mount namespace (the agent runs in vigild's, which is the host's). */
export function mounts(): MountEntry[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [left, right] = line.split(' - ');
      const fields = left.split(' ');
      const [fstype, source] = right.split(' ');
      return { mountPoint: unescape(fields[4]), fstype, source: unescape(source) };
    });
}

/** The topmost mount at `dir`, if any. */
export const mountAt = (dir: string): MountEntry | undefined => mounts().filter((m) => m.mountPoint === dir).at(-1);
